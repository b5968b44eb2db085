import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS } from '../../actions/container-refresh/inputs.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const load = async (file: string) =>
  parseYaml(await readFile(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** The container-refresh action.yml, workflows and template stay in step with the inputs and the CLI. */
describe('container-refresh action.yml, workflows and GitLab template', () => {
  it('action.yml declares exactly the inputs the code reads, with the same defaults', async () => {
    const action = (await load('actions/container-refresh/action.yml')) as {
      inputs: Record<string, { default?: string; required?: boolean }>;
      runs: { using: string; main: string };
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    // An expression is the runner's to apply; a local run has no workflow token.
    for (const [name, spec] of Object.entries(action.inputs))
      if (!spec.required && name !== 'token')
        expect(spec.default, name).toBe(INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS]);
    expect(action.inputs.token!.default).toBe('${{ github.token }}');
  });

  it('the reusable workflow passes only inputs the action declares, from inputs and secrets it declares', async () => {
    const workflow = await load('.github/workflows/container-refresh.yml');
    const call = (workflow.on as { workflow_call: { inputs: object; secrets: object } }).workflow_call;
    const steps = (workflow.jobs as Record<string, { steps: Step[] }>)['container-refresh']!.steps;
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    const step = steps.find((s) => s.uses?.includes('actions/container-refresh'))!;
    expect(step.uses).toBe('ironbots/ironbots/actions/container-refresh@v0');
    for (const name of Object.keys(step.with!)) expect(Object.keys(INPUT_DEFAULTS)).toContain(name);
    for (const [, kind, name] of JSON.stringify(step.with).matchAll(/\$\{\{ (inputs|secrets)\.([\w-]+)/g))
      expect(Object.keys(kind === 'inputs' ? call.inputs : call.secrets)).toContain(name);
    expect(workflow.permissions).toMatchObject({ packages: 'write', issues: 'write' });
  });

  it('the weekly example runs on a schedule and on pull requests, with what the reusable workflow declares', async () => {
    const reusable = (await load('.github/workflows/container-refresh.yml')).on as {
      workflow_call: { inputs: Record<string, { required?: boolean }> };
    };
    const weekly = await load('workflows/container-refresh-weekly.yml');
    const on = weekly.on as { schedule: { cron: string }[] };
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['schedule', 'pull_request']));
    // Weekly: one day of the week.
    expect(on.schedule[0]!.cron.split(' ')[4]).toMatch(/^[0-6]$/);
    const job = (weekly.jobs as Record<string, { uses: string; with: object }>).refresh!;
    expect(job.uses).toBe('ironbots/ironbots/.github/workflows/container-refresh.yml@v0');
    for (const name of Object.keys(job.with))
      expect(Object.keys(reusable.workflow_call.inputs)).toContain(name);
    for (const [name, spec] of Object.entries(reusable.workflow_call.inputs))
      if (spec.required) expect(Object.keys(job.with)).toContain(name);
  });

  it('the GitLab template runs ironbots container-refresh with options the CLI has, and no token on the command line', async () => {
    const template = await load('workflows/gitlab/container-refresh.gitlab-ci.yml');
    const job = template['.ironbots-container-refresh'] as {
      script: string[];
      variables: Record<string, string>;
    };
    const command = job.script.join('\n');
    expect(command).toContain('cli/ironbots.ts container-refresh');
    const options = [...command.matchAll(/--([\w-]+)/g)].map((m) => m[1]!);
    for (const option of options) expect(Object.keys(INPUT_DEFAULTS)).toContain(option);
    for (const variable of command.matchAll(/\$(\w+)/g))
      expect(Object.keys(job.variables)).toContain(variable[1]);
    expect(command).not.toMatch(/TOKEN|PASSWORD/);
    expect(job.variables.IRONBOTS_REGISTRY_PASSWORD).toBe('$CI_REGISTRY_PASSWORD');
  });
});
