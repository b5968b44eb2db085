import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localImagesDir } from '../../runner-agent/src/deployment/vm-setup.ts';
import { qemuProcessesUnder, vmToolsPresent } from '../executors/vm-test-image.ts';
import { githubRunnerImage } from '../support/github-runner-image.ts';
import { killAgentMidRunnerJob } from '../support/runner-chaos.ts';
import { REPO, RunnerWorld, type RunnerWorldOptions } from '../support/runner-world.ts';

/**
 * Registered runners with real VMs of the github-runner image (TCG here): the agent registers a JIT runner
 * for each queued `runs-on: [self-hosted, kvm]` job and boots the image with it; the runner inside reaches
 * the emulator over QEMU's user network at 10.0.2.2.
 */
describe.skipIf(!vmToolsPresent)('registered GitHub runners in VMs', () => {
  let blob: string;
  let world: RunnerWorld | undefined;
  beforeAll(async () => {
    blob = (await githubRunnerImage()).blob;
  });
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  const vmWorld = (extra: Partial<RunnerWorldOptions> = {}): RunnerWorldOptions => ({
    emulator: { runnerHost: '10.0.2.2', runnerOfflineAfterMs: 5_000 },
    runners: {
      executor: 'vm',
      image: blob,
      command: ['/opt/actions-runner/run.sh'],
      registrationTimeoutSeconds: 180,
      pollSeconds: 1,
    },
    agentConfig: { executors: ['vm'], concurrency: 1 },
    extraConfig: { images: { kind: 'filesystem', dir: localImagesDir() } },
    ...extra,
  });

  it('runs the job in a fresh VM of the runner image, once, and leaves no VM and no registration', async () => {
    const options = vmWorld();
    world = await RunnerWorld.start(options);
    const { jobId } = await world.emulator.queueWorkflowJob({
      owner: REPO.owner,
      repo: REPO.name,
      jobName: 'integration',
      labels: ['self-hosted', 'kvm'],
      steps: [
        {
          name: 'where',
          run: 'cut -d" " -f1 /etc/ironbots-image; . /etc/os-release; echo "$VERSION_CODENAME"',
        },
      ],
    });
    await expect
      .poll(() => world!.emulator.workflowJob(jobId).status, { timeout: 300_000, interval: 500 })
      .toBe('completed');
    const job = world.emulator.workflowJob(jobId);
    expect(job).toMatchObject({ conclusion: 'success', completions: 1 });
    expect(job.log).toContain('github-runner\nbookworm\n');
    await expect.poll(() => world!.ourRegistrations(), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => qemuProcessesUnder(world!.dir), { timeout: 30_000 }).toEqual([]);
    const metrics = await world.metrics();
    expect(metrics).toMatch(
      /ironbots_runner_queued_to_vm_started_seconds_count\{labels="kvm,self-hosted"\} 1/,
    );
    expect(metrics).toMatch(
      /ironbots_runner_queued_to_job_started_seconds_count\{labels="kvm,self-hosted"\} 1/,
    );
  });

  it('kill -9 of the agent mid-job, 20 times: 0 leaked VMs, 0 ghost registrations, every job ended once', async () => {
    world = await RunnerWorld.start(
      vmWorld({ agent: false, agentConfig: { executors: ['vm'], concurrency: 1, listen: '127.0.0.1:0' } }),
    );
    const tally = await killAgentMidRunnerJob(world, {
      trials: Number(process.env.IRONBOTS_RUNNER_CHAOS_TRIALS ?? 20),
      leftovers: () => qemuProcessesUnder(world!.dir),
      settleMs: 120_000,
      startedMs: 300_000,
    });
    console.log(`runner chaos (VMs): ${JSON.stringify(tally)}`);
    expect(tally).toMatchObject({
      endedWrongly: [],
      leakedVms: 0,
      ghostRegistrations: 0,
      runnerJobsLeft: 0,
    });
    expect(tally.endedOnce).toBe(tally.trials);
  }, 3_600_000);
});
