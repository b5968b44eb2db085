import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';
import { githubRunnerImage } from '../support/github-runner-image.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';

const TOKEN = 'ghp_githubrunnerimagetoken01';

/**
 * The project's github-runner recipe, built as `ironbots image build github-runner --input …` builds it, with
 * the stand-in runner's tarball (GitHub's cannot be downloaded here) served over HTTP in place of a release;
 * then the runner in a VM takes a queued workflow job from the emulator over QEMU's user network.
 */
describe.skipIf(!vmToolsPresent)('github-runner image', () => {
  let dir: { dir: string; remove(): Promise<void> };
  let image: string;
  let emulator: GitHubEmulator;

  beforeAll(async () => {
    dir = await withTempDir('ironbots-github-runner-image-');
    image = (await githubRunnerImage()).path;
    emulator = await GitHubEmulator.start({
      dataDir: path.join(dir.dir, 'forge'),
      tokens: [TOKEN],
      // The guest reaches the host's loopback, where the emulator listens, at QEMU's gateway address.
      runnerHost: '10.0.2.2',
    });
    await emulator.createRepository('acme', 'widget');
  });

  afterAll(async () => {
    await emulator?.stop();
    await dir?.remove();
  });

  it('runs /opt/actions-runner/run.sh --jitconfig in a VM: the queued job runs its steps there and succeeds once', async () => {
    const { jobId } = await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      sha: 'f'.repeat(40),
      labels: ['self-hosted', 'kvm'],
      steps: [
        {
          name: 'where',
          run: 'cat /etc/ironbots-image | cut -d" " -f1; . /etc/os-release; echo "$VERSION_CODENAME"',
        },
        {
          name: 'tools',
          run: 'git --version | cut -d" " -f1-2; test -x /opt/actions-runner/run.sh && echo runner installed',
        },
      ],
    });
    const response = await fetch(`${emulator.url}/repos/acme/widget/actions/runners/generate-jitconfig`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'vm-runner-1',
        runner_group_id: 1,
        labels: ['self-hosted', 'kvm'],
        work_folder: '_work',
      }),
    });
    expect(response.status).toBe(201);
    const { encoded_jit_config: config } = (await response.json()) as { encoded_jit_config: string };
    expect(JSON.parse(Buffer.from(config, 'base64').toString())).toMatchObject({
      url: expect.stringMatching(/^http:\/\/10\.0\.2\.2:\d+$/),
    });

    const state = await withTempDir('ironbots-github-runner-vm-');
    const work = await withTempDir('ironbots-github-runner-work-');
    try {
      const chunks: Buffer[] = [];
      const result = await new VmExecutor({ stateDir: state.dir }).run(
        {
          jobId: 'github-runner',
          argv: ['/opt/actions-runner/run.sh', '--jitconfig', config],
          workdir: work.dir,
          env: {
            PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            RUNNER_ALLOW_RUNASROOT: '1',
          },
          timeoutMs: 300_000,
          image,
          network: 'user',
        },
        { onOutput: (c) => chunks.push(c), signal: new AbortController().signal },
      );
      const output = Buffer.concat(chunks).toString('utf8');
      expect(result.outcome, output).toEqual({ kind: 'exited', exitCode: 0 });
      expect(output).toMatch(/Job \d+ completed with result: Succeeded/);
      expect(qemuProcessesUnder(state.dir)).toEqual([]);
    } finally {
      await state.remove();
      await work.remove();
    }

    const job = emulator.workflowJob(jobId);
    expect(job).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      runner_name: 'vm-runner-1',
      completions: 1,
    });
    expect(job.log).toContain('github-runner\nbookworm\n');
    expect(job.log).toContain('git version\nrunner installed\n');
    await emulator.idle();
    expect(emulator.runners({ owner: 'acme', repo: 'widget' })).toEqual([]);
  });
});
