import { localImagesDir } from '../runner-agent/src/deployment/vm-setup.ts';
import { BootFilesCache } from '../runner-agent/src/vm/boot-files.ts';
import { probeAccelerator } from '../runner-agent/src/vm/kvm-probe.ts';
import { githubRunnerImage } from '../test/support/github-runner-image.ts';
import { REPO, RunnerWorld } from '../test/support/runner-world.ts';
import { withTempDir } from '../test/support/temp-dir.ts';
import { summarize } from './stats.ts';
import { bareBoot } from './vm-job.ts';
import path from 'node:path';

/**
 * Registered runners: a `runs-on: [self-hosted, kvm]` job queued on the (emulated) forge until it runs on a
 * runner of ours (its `in_progress`), through the webhook, the planner, the job queue, the JIT registration
 * and a VM of the github-runner image restored from its saved state; beside the bare cold boot of the same
 * image by hand, in the same run. Goal: queued → started ≤ 0.5× a bare cold boot.
 */
export async function benchRunnerStartup(count = 3): Promise<void> {
  const image = await githubRunnerImage((line) => console.log(`  ${line}`));
  const accelerator = await probeAccelerator();
  const world = await RunnerWorld.start({
    emulator: { runnerHost: '10.0.2.2', runnerOfflineAfterMs: 5_000 },
    runners: {
      executor: 'vm',
      image: image.blob,
      command: ['/opt/actions-runner/run.sh'],
      registrationTimeoutSeconds: 300,
      pollSeconds: 1,
    },
    agentConfig: { executors: ['vm'], concurrency: 1 },
    extraConfig: { images: { kind: 'filesystem', dir: localImagesDir() } },
  });
  const tmp = await withTempDir('ironbots-bench-runner-');
  try {
    const boot = await new BootFilesCache(path.join(tmp.dir, 'boot-files')).get(image.path, () => undefined);
    const queuedToStarted = async (): Promise<number> => {
      const t0 = performance.now();
      const { jobId } = await world.emulator.queueWorkflowJob({
        owner: REPO.owner,
        repo: REPO.name,
        labels: ['self-hosted', 'kvm'],
        steps: [{ run: 'true' }],
      });
      let started = 0;
      for (;;) {
        const job = world.emulator.workflowJob(jobId);
        if (!started && job.status !== 'queued') started = performance.now() - t0;
        if (job.status === 'completed') {
          if (job.conclusion !== 'success') throw new Error(`the bench job ended ${job.conclusion}`);
          // The next job must not find this one's runner still about.
          while (world.ourRegistrations().length) await new Promise((r) => setTimeout(r, 50));
          return started;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Warm-up: the image copied into the agent's cache, its VM state saved on the first boot.
    const first = await queuedToStarted();
    const bare: number[] = [];
    const runner: number[] = [];
    for (let i = 0; i < count; i++) {
      bare.push(await bareBoot(accelerator.mode, boot, image.path));
      runner.push(await queuedToStarted());
    }
    const b = summarize(bare);
    const r = summarize(runner);
    const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
    console.log(
      `registered runner, github-runner image, ${accelerator.describe} (${count} each, interleaved)`,
    );
    console.log(
      `  baseline  bare qemu cold boot of the same kernel + image:       p50 ${s(b.p50)}  mean ${s(b.mean)}`,
    );
    console.log(
      `  runner    workflow job queued → started on a restored VM:       p50 ${s(r.p50)}  mean ${s(r.mean)}`,
    );
    console.log(`  first job (image copied to the agent, VM state saved):          ${s(first)}`);
    console.log(`  queued → started / bare cold boot  p50 ${(r.p50 / b.p50).toFixed(2)}×  (goal ≤ 0.5×)`);
  } finally {
    await world.stop();
    await tmp.remove();
  }
}
