import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INPUT_DEFAULTS } from '../../actions/release/inputs.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const load = async (file: string) =>
  parseYaml(await readFile(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface WorkflowCall {
  inputs: Record<string, { required?: boolean }>;
  secrets: Record<string, unknown>;
}

/** The release workflows and template stay in step with the action's inputs and the CLI's options. */
describe('release workflows', () => {
  it('the reusable workflow runs on workflow_call only, and passes only inputs the action declares', async () => {
    const workflow = await load('.github/workflows/release.yml');
    const on = workflow.on as { workflow_call: WorkflowCall };
    // Tag pushes of ironbots itself are release-ironbots.yml's: two workflows would race for one release.
    expect(Object.keys(on)).toEqual(['workflow_call']);
    expect(workflow.permissions).toEqual({ contents: 'write' });
    const steps = (workflow.jobs as Record<string, { steps: Step[] }>).release!.steps;
    const fetchTag = steps.findIndex((s) => s.run?.includes('git fetch --force --no-tags origin'));
    const release = steps.findIndex((s) => s.uses === 'ironbots/ironbots/actions/release@v0');
    expect(fetchTag).toBeGreaterThan(-1);
    expect(release).toBeGreaterThan(fetchTag);
    const step = steps[release]!;
    for (const name of Object.keys(step.with!)) expect(Object.keys(INPUT_DEFAULTS)).toContain(name);
    for (const [, kind, name] of JSON.stringify(step.with).matchAll(/(inputs|secrets)\.([\w-]+)/g))
      expect(Object.keys(kind === 'inputs' ? on.workflow_call.inputs : on.workflow_call.secrets)).toContain(
        name,
      );
  });

  it('ironbots releases itself from vX.Y.Z tags: fresh bundles checked first, its own release action, v0 moved', async () => {
    const workflow = await load('.github/workflows/release-ironbots.yml');
    const tags = (workflow.on as { push: { tags: string[] } }).push.tags;
    // GitHub's tag filters: [0-9]+ is one or more digits. The floating tags must not start a release.
    const matches = (tag: string) =>
      tags.some((pattern) => new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`).test(tag));
    expect(['v0.1.0', 'v1.12.3', 'v1.0.0-rc.1'].filter(matches)).toEqual([
      'v0.1.0',
      'v1.12.3',
      'v1.0.0-rc.1',
    ]);
    expect(['v0', 'v0.1', '1.2.3', 'vnext'].filter(matches)).toEqual([]);
    expect(workflow.permissions).toEqual({ contents: 'write' });
    const steps = (workflow.jobs as Record<string, { steps: Step[] }>).release!.steps;
    const fresh = steps.findIndex((s) => s.run === 'npm run build -- --check');
    const fetchTag = steps.findIndex((s) => s.run?.includes('git fetch --force --no-tags origin'));
    const release = steps.findIndex((s) => s.uses === './actions/release');
    expect(fresh).toBeGreaterThan(-1);
    expect(fetchTag).toBeGreaterThan(-1);
    expect(release).toBeGreaterThan(Math.max(fresh, fetchTag));
    const inputs = steps[release]!.with!;
    expect(inputs).toMatchObject({ targets: 'github', 'floating-tags': 'major, minor' });
    expect(new RegExp(String(inputs['version-pattern'])).test('v0.4.2')).toBe(true);
    expect(new RegExp(String(inputs['version-pattern'])).test('v0')).toBe(false);
  });

  it('the example caller calls the reusable workflow with what it declares', async () => {
    const reusable = ((await load('.github/workflows/release.yml')).on as { workflow_call: WorkflowCall })
      .workflow_call;
    const caller = await load('workflows/release-on-tag.yml');
    expect(Object.keys((caller.on as { push: object }).push)).toEqual(['tags']);
    const job = (caller.jobs as Record<string, { uses: string; with: object; secrets: object }>).release!;
    expect(job.uses).toBe('ironbots/ironbots/.github/workflows/release.yml@v0');
    for (const name of Object.keys(job.with)) expect(Object.keys(reusable.inputs)).toContain(name);
    for (const name of Object.keys(job.secrets)) expect(Object.keys(reusable.secrets)).toContain(name);
    for (const [name, spec] of Object.entries(reusable.inputs))
      if (spec.required) expect(Object.keys(job.with)).toContain(name);
  });

  it('the GitLab template runs ironbots release on tags with options the CLI has, tokens from the environment', async () => {
    const template = await load('workflows/gitlab/release.gitlab-ci.yml');
    const job = template['.ironbots-release'] as {
      rules: Array<{ if: string }>;
      script: string[];
      variables: Record<string, string>;
    };
    expect(job.rules).toEqual([{ if: '$CI_COMMIT_TAG' }]);
    const command = job.script.join('\n');
    expect(command).toContain('cli/ironbots.ts release');
    for (const [, option] of command.matchAll(/--([\w-]+)/g))
      expect([...Object.keys(INPUT_DEFAULTS), 'dry-run']).toContain(option);
    expect(command).not.toMatch(/token|password/i);
    for (const [, variable] of command.matchAll(/\$\{?(\w+)/g))
      expect([...Object.keys(job.variables), 'RELEASE_ALLOWED_KEYS']).toContain(variable);
  });
});
