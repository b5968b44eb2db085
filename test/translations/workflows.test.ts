import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS } from '../../actions/translations/inputs.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const load = async (file: string) =>
  parseYaml(await readFile(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

/** The translations workflows and template stay in step with the action's inputs and the CLI's options. */
describe('translations workflows', () => {
  it('the reusable workflow passes only inputs the action declares, from inputs and secrets it declares', async () => {
    const workflow = await load('.github/workflows/translations.yml');
    const call = (workflow.on as unknown as { workflow_call: { inputs: object; secrets: object } })
      .workflow_call;
    const steps = (workflow.jobs as unknown as Record<string, { steps: Step[] }>).translations!.steps;
    const step = steps.find((s) => s.uses?.includes('actions/translations'))!;
    expect(step.uses).toBe('ironbots/ironbots/actions/translations@v0');
    for (const name of Object.keys(step.with!)) expect(Object.keys(INPUT_DEFAULTS)).toContain(name);
    const text = JSON.stringify(step.with);
    for (const [, kind, name] of text.matchAll(/\$\{\{ (inputs|secrets)\.([\w-]+)/g))
      expect(Object.keys(kind === 'inputs' ? call.inputs : call.secrets)).toContain(name);
    expect(Object.keys(call.inputs)).toContain('sources');
  });

  it('the nightly example calls the reusable workflow with what it declares', async () => {
    const reusable = (await load('.github/workflows/translations.yml')).on as unknown as {
      workflow_call: { inputs: Record<string, { required?: boolean }>; secrets: object };
    };
    const nightly = await load('workflows/translations-nightly.yml');
    expect(Object.keys(nightly.on as object)).toContain('schedule');
    const job = (nightly.jobs as unknown as Record<string, { uses: string; with: object; secrets: object }>)
      .translations!;
    expect(job.uses).toBe('ironbots/ironbots/.github/workflows/translations.yml@v0');
    for (const name of Object.keys(job.with))
      expect(Object.keys(reusable.workflow_call.inputs)).toContain(name);
    for (const name of Object.keys(job.secrets))
      expect(Object.keys(reusable.workflow_call.secrets)).toContain(name);
    for (const [name, spec] of Object.entries(reusable.workflow_call.inputs))
      if (spec.required) expect(Object.keys(job.with)).toContain(name);
  });

  it('the GitLab template runs ironbots translations with options the CLI has, and tokens from the environment', async () => {
    const template = await load('workflows/gitlab/translations.gitlab-ci.yml');
    const job = template['.ironbots-translations'] as unknown as {
      script: string[];
      variables: Record<string, string>;
    };
    const command = job.script.join('\n');
    expect(command).toContain('cli/ironbots.ts translations');
    const options = [...command.matchAll(/--([\w-]+)/g)].map((m) => m[1]!);
    for (const option of options) expect(Object.keys(INPUT_DEFAULTS)).toContain(option);
    for (const variable of command.matchAll(/\$(\w+)/g))
      expect(Object.keys(job.variables)).toContain(variable[1]);
    expect(command).not.toMatch(/TOKEN/);
  });
});
