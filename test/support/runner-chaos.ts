import { readdirSync, readFileSync } from 'node:fs';
import { IronbotsProcess } from './ironbots-process.ts';
import { REPO, type RunnerWorld } from './runner-world.ts';

export interface RunnerChaosTally {
  trials: number;
  /** Workflow jobs that ended (completed) exactly once. */
  endedOnce: number;
  /** Workflow jobs completed more than once, or never. */
  endedWrongly: string[];
  /** VMs (or runner processes) still running after the trial settled. */
  leakedVms: number;
  /** Registrations named by ironbots still on the forge after the trial settled. */
  ghostRegistrations: number;
  /** Runner jobs still queued or leased in the job queue after the trial settled. */
  runnerJobsLeft: number;
}

/** Processes whose environment has HOME under `dir`: every job process the process executor started there. */
export function jobProcessesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (environ.split('\0').some((v) => v.startsWith(`HOME=${dir}`))) pids.push(Number(entry));
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return pids;
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) {
      console.warn(`runner chaos: not settled within ${timeoutMs} ms: ${what}`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * `kill -9` of the agent while its runner runs a workflow job, `trials` times, the agent started again each
 * time (as systemd would). Each trial then waits for things to settle: the workflow job ended (GitHub fails a
 * job whose runner went away), our registrations gone, no VM left, no runner job left in the queue.
 */
export async function killAgentMidRunnerJob(
  world: RunnerWorld,
  options: { trials: number; leftovers(): number[]; settleMs: number; startedMs: number },
): Promise<RunnerChaosTally> {
  const file = await world.writeConfigFile();
  const tally: RunnerChaosTally = {
    trials: 0,
    endedOnce: 0,
    endedWrongly: [],
    leakedVms: 0,
    ghostRegistrations: 0,
    runnerJobsLeft: 0,
  };
  const jobs: number[] = [];
  const start = async () => {
    const agent = new IronbotsProcess('agent', ['agent', '--config', file], {});
    await agent.expectLog('agent started', 60_000);
    return agent;
  };
  let agent = await start();
  try {
    for (let trial = 1; trial <= options.trials; trial++) {
      const { jobId } = await world.emulator.queueWorkflowJob({
        owner: REPO.owner,
        repo: REPO.name,
        jobName: `chaos-${trial}`,
        labels: ['self-hosted', 'kvm'],
        steps: [{ run: `echo started-${trial}; sleep 600` }],
      });
      jobs.push(jobId);
      const started = await until(
        `job ${jobId} started`,
        () => world.emulator.workflowJob(jobId).log.includes(`started-${trial}`),
        options.startedMs,
      );
      if (!started) throw new Error(`trial ${trial}: the job never started:\n${agent.logText()}`);
      await agent.kill();
      agent = await start();
      tally.trials++;
      const ended = await until(
        `job ${jobId} completed`,
        () => world.emulator.workflowJob(jobId).status === 'completed',
        options.settleMs,
      );
      await until('no registration of ours', () => world.ourRegistrations().length === 0, options.settleMs);
      await until('no VM left', () => options.leftovers().length === 0, options.settleMs);
      await until(
        'no runner job queued or leased',
        async () => {
          const stats = await world.deployment.jobs.stats();
          return stats.queued + stats.leased === 0;
        },
        options.settleMs,
      );
      if (!ended) tally.endedWrongly.push(`job ${jobId} (trial ${trial}) never ended`);
      tally.leakedVms += options.leftovers().length;
      tally.ghostRegistrations += world.ourRegistrations().length;
      const stats = await world.deployment.jobs.stats();
      tally.runnerJobsLeft += stats.queued + stats.leased;
    }
  } finally {
    await agent.stop();
  }
  // Counted at the end: a job must not be ended a second time by anything that happened afterwards.
  for (const jobId of jobs) {
    const { completions, status } = world.emulator.workflowJob(jobId);
    if (status === 'completed' && completions === 1) tally.endedOnce++;
    else if (status === 'completed') tally.endedWrongly.push(`job ${jobId} completed ${completions} times`);
  }
  return tally;
}
