import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { ActionLog } from '../core/action-log.ts';
import { terminalLog } from './text-log.ts';
import { InputError, type InputSource } from '../core/inputs.ts';
import { SecretRegistry } from '../core/secrets.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

interface DeclaredInput {
  description?: string;
  default?: string;
}

/** The inputs an action.yml declares, in its order. */
export function declaredInputs(actionDir: string): Array<[string, DeclaredInput]> {
  const file = path.join(repoRoot, actionDir, 'action.yml');
  const action = parseYaml(readFileSync(file, 'utf8')) as { inputs?: Record<string, DeclaredInput> };
  return Object.entries(action.inputs ?? {});
}

export interface ActionCommandSpec {
  /** The subcommand, e.g. `release`. */
  name: string;
  /** The action's folder relative to the repository, e.g. `actions/release`: its action.yml gives the options. */
  actionDir: string;
  description: string;
  /** Inputs that are secrets, with the environment variable they are read from (never the command line). */
  secretInputs?: Readonly<Record<string, string>>;
  /** Inputs whose default comes from an environment variable when set (a CI template's variables). */
  environment?: Readonly<Record<string, string>>;
  /** Inputs renamed in action.yml (old → new): the old names are the action's alone, never options. */
  renamedInputs?: Readonly<Record<string, string>>;
  /** Inputs taken as the command's argument instead of an option. */
  arguments?: ReadonlyArray<{ input: string; syntax: string; description: string }>;
  /** Options of the command's own, beside the action's inputs. */
  extraOptions?: (command: Command) => void;
  run(context: ActionCommandContext): Promise<void>;
}

export interface ActionCommandContext {
  /** Every input by its action.yml name: options, arguments and the secrets' environment variables. */
  inputs: InputSource;
  /** The parsed options, for the command's own options. */
  options: Record<string, unknown>;
  /** Human lines on stderr, with every secret among the inputs blotted out. */
  log: ActionLog;
  secrets: SecretRegistry;
}

const camelCase = (name: string) => name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/**
 * The CLI twin of an action: one option per action.yml input with its description and default, booleans as
 * flags that also take true/false (`--dry-run`, `--tls-verify false`), secrets from environment variables
 * named by `--<input>-env`. A bad input is reported by its flag (or variable), not as "input …".
 */
export function registerActionCommand(program: Command, spec: ActionCommandSpec): Command {
  const command = program.command(spec.name).description(spec.description);
  const secretInputs = spec.secretInputs ?? {};
  const argumentInputs = (spec.arguments ?? []).map((a) => a.input);
  for (const argument of spec.arguments ?? []) command.argument(argument.syntax, argument.description);
  const inputs = declaredInputs(spec.actionDir);
  for (const [name, declared] of inputs) {
    if (name in secretInputs || argumentInputs.includes(name) || name in (spec.renamedInputs ?? {})) continue;
    const variable = spec.environment?.[name];
    const description = oneLine(declared.description) + (variable ? ` (env ${variable})` : '');
    const fallback = declared.default?.includes('${{') ? '' : (declared.default ?? '');
    const value = (variable && process.env[variable]) || fallback;
    if (fallback === 'true' || fallback === 'false')
      command.option(`--${name} [true|false]`, description, value);
    else command.option(`--${name} <value>`, description, value || undefined);
  }
  for (const [name, variable] of Object.entries(secretInputs)) {
    const declared = inputs.find(([input]) => input === name)?.[1];
    command.option(
      `--${name}-env <variable>`,
      `environment variable holding the ${name}: ${oneLine(declared?.description)}`,
      variable,
    );
  }
  spec.extraOptions?.(command);

  command.action(async (...received: unknown[]) => {
    const options = received[argumentInputs.length] as Record<string, unknown>;
    const given = Object.fromEntries(
      argumentInputs.map((name, i) => [name, received[i] as string | undefined]),
    );
    const secretVariable = (name: string) => String(options[camelCase(`${name}-env`)]);
    const source = (name: string): string | undefined => {
      if (name in given) return given[name];
      if (name in secretInputs) return process.env[secretVariable(name)];
      const value = options[camelCase(name)];
      return value === undefined ? undefined : String(value);
    };
    const secrets = new SecretRegistry();
    for (const name of Object.keys(secretInputs)) secrets.add(source(name));
    try {
      await spec.run({ inputs: source, options, log: terminalLog(secrets), secrets });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      if (error.input in secretInputs)
        throw new Error(
          `${error.input} ${error.problem}: set it in the environment variable ${secretVariable(error.input)} (never on the command line)`,
          { cause: error },
        );
      const where = error.input in given ? `<${error.input}>` : `--${error.input}`;
      throw new Error(`${where}: ${error.problem}`, { cause: error });
    }
  });
  return command;
}
