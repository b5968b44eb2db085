import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_DEFAULTS, planSubmission } from '../../actions/submit-job/submit-job.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('the weekly image refresh example workflow', () => {
  it('submits `ironbots image-refresh <name>` with the configuration named, to image-refresh KVM agents', async () => {
    const workflow = parse(
      await readFile(path.join(repoRoot, 'workflows/image-refresh-weekly.yml'), 'utf8'),
    ) as {
      jobs: { refresh: { steps: { uses: string; with: Record<string, string | boolean | number> }[] } };
    };
    const step = workflow.jobs.refresh.steps.find((s) => s.uses.startsWith('ironbots/ironbots'))!;
    const inputs = Object.fromEntries(
      Object.entries({ ...INPUT_DEFAULTS, ...step.with }).map(([k, v]) => [k, String(v)]),
    );
    // What the runner would pass, with the secrets filled in.
    const plan = await planSubmission(
      { ...inputs, 'server-url': 'https://ci.example.org', token: 'api-token-0123456789' },
      { github: { repository: 'acme/widget' }, sha: 'a'.repeat(40) },
    );
    expect(plan.submission).toMatchObject({
      context: 'image-refresh/debian-12',
      command: ['ironbots', 'image-refresh', 'debian-12'],
      env: { IRONBOTS_CONFIG: '/etc/ironbots/config.yml' },
      labels: ['kvm', 'image-refresh'],
      timeoutSeconds: 7200,
    });
  });
});
