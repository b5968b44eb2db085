/**
 * One vocabulary for action inputs, whoever supplies them: the Actions runner (INPUT_* variables) or the CLI
 * twin of an action (its command-line options). The semantics are @actions/core's, so an input reads the same
 * in the action and on a terminal.
 */

/**
 * Raw values by input name as action.yml spells it (undefined or '' when not given): a lookup, such as the
 * runner's environment, or the plain values the CLI or a test holds.
 */
export type InputSource =
  ((name: string) => string | undefined) | Readonly<Partial<Record<string, string | undefined>>>;

/** The runner's convention: input `dry-run` is INPUT_DRY-RUN, spaces become underscores (as @actions/core). */
export function actionEnvironmentInputs(
  env: NodeJS.ProcessEnv = process.env,
): (name: string) => string | undefined {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}

/** A bad input value. `input` is the name as action.yml spells it, `problem` what is wrong with the value. */
export class InputError extends Error {
  readonly input: string;
  readonly problem: string;
  constructor(input: string, problem: string, options?: ErrorOptions) {
    super(`input ${input}: ${problem}`, options);
    this.name = 'InputError';
    this.input = input;
    this.problem = problem;
  }
}

export interface ActionInputsOptions {
  /**
   * Inputs renamed in action.yml, old name → new name, still read under the old name for one release. The
   * old name stays declared (the runner warns about undeclared inputs). Set, it wins over the new name,
   * which the runner fills with its default anyway (token's `${{ github.token }}`), and `warn` asks for the
   * rename once.
   */
  renamed?: Readonly<Record<string, string>>;
  warn?: (message: string) => void;
}

export interface InputOptions {
  /** An empty value is an error; a string says what the input is needed for. */
  required?: boolean | string;
  /** Default true, as in @actions/core. */
  trimWhitespace?: boolean;
}

const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/**
 * Reads inputs from a source with action.yml's defaults. An empty value takes the default too: a reusable
 * workflow or a CI template that passes an unset variable through (`x: ${{ inputs.x }}`, `--x "$X"`) means
 * "not given", and the runner applies defaults only to inputs that are missing altogether.
 */
export class ActionInputs {
  readonly #source: (name: string) => string | undefined;
  readonly #defaults: Readonly<Record<string, string>>;
  /** New name → old name, from ActionInputsOptions.renamed. */
  readonly #oldNames: ReadonlyMap<string, string>;
  readonly #warn: (message: string) => void;
  readonly #warned = new Set<string>();

  constructor(
    source: InputSource,
    defaults: Readonly<Record<string, string>> = {},
    options: ActionInputsOptions = {},
  ) {
    this.#source =
      typeof source === 'function'
        ? source
        : (name) => (Object.hasOwn(source, name) ? source[name] : undefined);
    this.#defaults = defaults;
    this.#oldNames = new Map(Object.entries(options.renamed ?? {}).map(([from, to]) => [to, from]));
    this.#warn = options.warn ?? (() => {});
  }

  getInput(name: string, options: InputOptions = {}): string {
    const raw = this.#renamedValue(name) || this.#source(name) || this.#defaults[name] || '';
    const value = options.trimWhitespace === false ? raw : raw.trim();
    if (options.required && !value)
      throw new InputError(
        name,
        typeof options.required === 'string' ? `required ${options.required}` : 'required',
      );
    return value;
  }

  /** The value given under the input's old name, if it has one; the first read of it warns. */
  #renamedValue(name: string): string | undefined {
    const oldName = this.#oldNames.get(name);
    const value = oldName === undefined ? undefined : this.#source(oldName);
    if (!oldName || !value?.trim()) return undefined;
    if (!this.#warned.has(oldName)) {
      this.#warned.add(oldName);
      this.#warn(
        `input ${oldName} is deprecated and will be removed in the next release: rename it to ${name} ` +
          `(until then ${oldName} is used, and wins over ${name})`,
      );
    }
    return value;
  }

  /** Exactly @actions/core's rule (YAML 1.2 core schema booleans); anything else names the input. */
  getBooleanInput(name: string, options: InputOptions = {}): boolean {
    const value = this.getInput(name, options);
    if (TRUE_VALUES.includes(value)) return true;
    if (FALSE_VALUES.includes(value)) return false;
    throw new InputError(
      name,
      `"${value}" is not a boolean: give true or false (or True, TRUE, False, FALSE)`,
    );
  }

  /** One value per non-empty line. */
  getMultilineInput(name: string, options: InputOptions = {}): string[] {
    return this.getInput(name, options)
      .split('\n')
      .map((line) => (options.trimWhitespace === false ? line : line.trim()))
      .filter((line) => line !== '');
  }

  /** Values separated by commas, spaces or newlines, e.g. `github,npm` or one per line. */
  getListInput(name: string, options: InputOptions = {}): string[] {
    return this.getInput(name, options)
      .split(/[\s,]+/)
      .filter(Boolean);
  }

  /** A command line as argv (see splitCommandLine); empty when the input is empty. */
  getCommandLineInput(name: string, options: InputOptions = {}): string[] {
    const line = this.getInput(name, options);
    return line ? splitCommandLine(line, name) : [];
  }
}

/**
 * Splits a command line on whitespace, honouring '…' and "…" quoting (an empty '' is an argument). Nothing
 * else: no escapes, variables, globs or operators, since this is not a shell and a command that needs one
 * is written `sh -c '…'`. (The libraries for this either expand $VAR and globs, drop empty arguments, treat
 * backslashes inside '…' as escapes, or accept an unterminated quote.)
 */
export function splitCommandLine(line: string, input: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = null;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new InputError(input, `unterminated ${quote} quote`);
  if (inWord) words.push(current);
  return words;
}
