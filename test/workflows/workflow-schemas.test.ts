import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubWorkflowErrors } from './github-workflow-parser.ts';
import {
  gitlabCiErrors,
  ironbotsTarget,
  loadYaml,
  repoRoot,
  usesProblems,
  type WorkflowDefinition,
} from './workflow-checks.ts';

/**
 * Every GitHub workflow (.github/workflows/*.yml, workflows/*.yml) passes GitHub's own workflow parser, and
 * every file under workflows/gitlab/ validates against GitLab's CI schema; files are found by glob, so new
 * ones are covered as they land. Each `uses:` of an ironbots action or reusable workflow must name one that
 * exists, with its required inputs and no input it does not declare.
 */

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
    expect(await gitlabCiErrors(await loadYaml(file))).toEqual([]);
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
    expect(await gitlabCiErrors({ build: { script: ['make'], when: 'sometimes' } })).not.toEqual([]);
    expect(await gitlabCiErrors({ build: { script: ['make'], when: 'manual' } })).toEqual([]);
  });
});

describe('every ironbots action or reusable workflow a workflow uses exists and gets the inputs it declares', () => {
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

  it('flags an input or secret the called action or reusable workflow does not declare', async () => {
    expect(
      await usesProblems({
        jobs: {
          a: {
            steps: [
              { uses: 'ironbots/ironbots/actions/npm-cache@v0', with: { mode: 'restore', 'cache-key': 'x' } },
            ],
          },
          b: {
            uses: 'ironbots/ironbots/.github/workflows/translations.yml@v0',
            with: { sources: 'src/*.c', languages: 'de' },
            secrets: { token: 'x', 'github-token': 'y' },
          },
          c: {
            uses: 'ironbots/ironbots/.github/workflows/translations.yml@v0',
            with: { sources: 'src/*.c' },
            secrets: 'inherit',
          },
        },
      }),
    ).toEqual([
      'job a step 1: ironbots/ironbots/actions/npm-cache@v0: no input(s) cache-key',
      'job b: ironbots/ironbots/.github/workflows/translations.yml@v0: .github/workflows/translations.yml declares no secret(s) github-token',
      'job b: ironbots/ironbots/.github/workflows/translations.yml@v0: no input(s) languages',
    ]);
  });

  it.each(githubWorkflows)('%s', async (file) => {
    const problems = await usesProblems((await loadYaml(file)) as WorkflowDefinition);
    expect(problems).toEqual([]);
  });
});
