/**
 * The scenarios of issue 18, each against a whole deployment of real processes (see DeploymentWorld).
 * Every trial ends by itself: it waits for the deployment to settle up to a deadline and is then tallied,
 * so a scenario that loses a status counts it instead of hanging.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isFinalState, waitUntil, type DeploymentWorld } from '../support/deployment-world.ts';
import type { FaultAnswer } from '../support/fault-proxy.ts';
import type { IronbotsProcess } from '../support/ironbots-process.ts';
import type { Scenario } from './harness.ts';

const PASS_AND_FAIL = (sleepSeconds: number) => [
  { name: 'passes', exitCode: 0, sleepSeconds },
  { name: 'fails', exitCode: 1, sleepSeconds },
];

async function starts(world: DeploymentWorld): Promise<number> {
  return (await world.markers()).filter((m) => m.kind === 'start').length;
}

async function mustHappen(condition: Promise<boolean>, what: string): Promise<void> {
  if (!(await condition)) throw new Error(`setup: ${what}`);
}

function finishedJobs(agent: IronbotsProcess): number {
  return agent.entries.filter((e) => e.msg === 'job finished').length;
}

/**
 * An agent stopped (SIGSTOP: a long GC pause, a frozen VM) past its lease: its jobs go to another agent,
 * which finishes them; then the first one resumes and must not post anything over the newer verdicts.
 */
export const pausedAgent: Scenario = {
  name: 'paused agent',
  contexts: PASS_AND_FAIL(2),
  async trial(world) {
    await world.startServer();
    const stale = await world.startAgent('agent-a', 2);
    await world.openPullRequest();
    await mustHappen(
      waitUntil(async () => (await starts(world)) >= 2, 30_000),
      'agent-a did not start both jobs',
    );
    stale.signal('SIGSTOP');
    await world.startAgent('agent-b', 2);
    // agent-a stays stopped until agent-b's verdicts are on the forge (its leases expire after 10 s).
    await waitUntil(() => world.allFinal(), 45_000, 500);
    stale.signal('SIGCONT');
    // Resumed, agent-a learns it lost the leases (heartbeat) or sees its commands' exit; let it finish.
    await waitUntil(() => finishedJobs(stale) >= 2 || !stale.running, 20_000);
    await world.settle(30_000);
  },
};

/**
 * kill -9 of the agent right after the forge accepted a job's final status, before the agent heard back
 * (so before it could ack). Restarted as systemd would, the job must not run again nor be reported twice.
 */
export const killAfterFinalStatus: Scenario = {
  name: 'kill -9 after final status',
  contexts: PASS_AND_FAIL(0),
  async trial(world) {
    await world.startServer();
    let agent = await world.startAgent('agent-a', 1);
    const restarts: Promise<IronbotsProcess>[] = [];
    const killedFor = new Set<string>();
    world.proxy.onStatusWrite(async (write, phase) => {
      if (phase !== 'accepted' || !isFinalState(write.state) || killedFor.has(write.context)) return;
      killedFor.add(write.context);
      // One job at a time: the agent killed is the one whose final status this is.
      await agent.kill();
      const restart = world.startAgent('agent-a', 1);
      restarts.push(restart);
      agent = await restart;
    });
    await world.openPullRequest();
    await waitUntil(() => killedFor.size === world.options.contexts.length, 45_000, 500);
    await Promise.all(restarts);
    await world.settle(45_000);
  },
};

/**
 * kill -9 of the agent while both jobs' commands run (issue 14's "kill -9 an agent mid-job"), restarted as
 * systemd would: the jobs come back once their leases expire, run again and end with one verdict each.
 */
export const killMidJob: Scenario = {
  name: 'kill -9 mid-job',
  contexts: PASS_AND_FAIL(3),
  async trial(world) {
    await world.startServer();
    const agent = await world.startAgent('agent-a', 2);
    await world.openPullRequest();
    await mustHappen(
      waitUntil(async () => (await starts(world)) >= 2, 30_000),
      'agent-a did not start both jobs',
    );
    await agent.kill();
    await world.startAgent('agent-a', 2);
    await waitUntil(() => world.allFinal(), 60_000, 500);
    await world.settle(30_000);
  },
};

/**
 * kill -9 of the agent on every attempt of a job, restarted each time, until the queue gives up on the
 * job. Its context must end with an error status, not stay `In progress` forever.
 */
export const killEveryAttempt: Scenario = {
  name: 'kill -9 on every attempt',
  // No attempt ever ends, so the truth is that the job could not be run: an error.
  contexts: [{ name: 'doomed', exitCode: 0, sleepSeconds: 600, expected: 'error' }],
  async trial(world) {
    await world.startServer();
    let agent = await world.startAgent('agent-a', 1);
    await world.openPullRequest();
    let killed = 0;
    let dead = false;
    for (;;) {
      // A new attempt starts about 10 s after the last one was killed (its lease expires).
      await waitUntil(
        async () => {
          if ((await starts(world)) > killed || (await world.allFinal())) return true;
          dead = (await world.queueCounts()).dead > 0;
          return dead;
        },
        40_000,
        1_000,
      );
      if ((await starts(world)) <= killed) break;
      killed++;
      await agent.kill();
      agent = await world.startAgent('agent-a', 1);
    }
    if (killed === 0) throw new Error('setup: the job never started');
    if (!dead && !(await world.allFinal())) throw new Error('setup: the job neither died nor ended');
    // Whoever reports the dead job (agent, planner, scanner) gets a few scan intervals.
    await waitUntil(() => world.allFinal(), 30_000, 500);
  },
};

/**
 * The forge answers nothing but 502 for `seconds` from the moment the first job starts (its `In progress`
 * is the first request the outage refuses); the verdicts come during the outage and must still reach the
 * forge after it.
 */
export function forgeOutage(seconds: number, storm?: FaultAnswer[]): Scenario {
  return {
    name: storm ? `forge 5xx/429 storm ${seconds} s` : `forge outage ${seconds} s`,
    contexts: PASS_AND_FAIL(1),
    async trial(world) {
      world.proxy.onStatusWrite((write, phase) => {
        if (phase === 'received' && write.description.startsWith('In progress') && !world.proxy.outageEndsAt)
          world.proxy.outage(seconds * 1000, storm);
      });
      await world.startServer();
      await world.startAgent('agent-a', 2);
      await world.openPullRequest();
      await mustHappen(
        waitUntil(() => world.proxy.outageEndsAt > 0, 30_000),
        'no job started, so the outage never began',
      );
      await waitUntil(() => Date.now() >= world.proxy.outageEndsAt, seconds * 1000 + 1_000, 500);
      // After the outage: retries with backoff and the scanner have a minute to publish what is missing.
      await world.settle(60_000);
    },
  };
}

/**
 * Every request to the forge, reads and writes, answered with 500, 502, 503 or 429 (Retry-After 1–5 s) for
 * `seconds`: the rate limits and errors of a forge under load, not a clean outage.
 */
export function forgeStorm(seconds: number): Scenario {
  return forgeOutage(seconds, [
    { status: 500 },
    { status: 502 },
    { status: 503 },
    { status: 429, retryAfterSeconds: 1 },
    { status: 429, retryAfterSeconds: 5 },
  ]);
}

/** 60 % of all status writes fail: 502 Bad Gateway, or 429 with Retry-After. */
export const statusWriteFailures: Scenario = {
  name: '60 % status writes fail',
  contexts: [1, 2, 3].flatMap((i) => [
    { name: `passes-${i}`, exitCode: 0, sleepSeconds: 0 },
    { name: `fails-${i}`, exitCode: 1, sleepSeconds: 0 },
  ]),
  async trial(world) {
    world.proxy.plan = {
      statusWriteFailureRate: 0.6,
      answers: [{ status: 502 }, { status: 502 }, { status: 429, retryAfterSeconds: 1 }],
      statusWriteLatencyMs: [0, 0],
    };
    await world.startServer();
    await world.startAgent('agent-a', 2);
    await world.openPullRequest();
    await world.settle(60_000);
  },
};

/**
 * `ironbots scan` runs again and again while the webhook's planning and the jobs proceed, every status write
 * taking 0–3 s: the scan must never put `Not yet tested` over a context that has a job or a verdict.
 */
export const scanWithSlowWrites: Scenario = {
  name: 'scan with 0–3 s writes',
  contexts: [1, 2, 3, 4, 5, 6].flatMap((i) => [
    { name: `passes-${i}`, exitCode: 0, sleepSeconds: 0 },
    { name: `fails-${i}`, exitCode: 1, sleepSeconds: 0 },
  ]),
  // Only `ironbots scan` scans here.
  scanIntervalSeconds: 0,
  async trial(world) {
    world.proxy.plan = { statusWriteFailureRate: 0, answers: [], statusWriteLatencyMs: [0, 3_000] };
    await world.startServer();
    await world.startAgent('agent-a', 4);
    await world.openPullRequest();
    // Two scans at a time, back to back, as a cron job beside the server's own scanner would overlap.
    let done = false;
    const scanLoop = async () => {
      while (!done) await world.run('scan', ['scan', '--config', world.serverConfig()]);
    };
    const scans = [scanLoop(), scanLoop()];
    try {
      await world.settle(120_000);
    } finally {
      done = true;
      await Promise.all(scans);
    }
    // One more scan over the settled PR: it must change nothing.
    await world.run('scan', ['scan', '--config', world.serverConfig()]);
    await world.settle(30_000);
  },
};

/**
 * An empty process record, as a crash between creating and writing it leaves, before the agent starts.
 * The agent runs under a supervisor that restarts it (as systemd's Restart=on-failure) up to 3 times.
 */
export const tornProcessRecord: Scenario = {
  name: 'torn process record',
  contexts: PASS_AND_FAIL(0),
  async trial(world) {
    const records = world.processRecordDir('agent-a');
    await mkdir(records, { recursive: true });
    await writeFile(path.join(records, '4242.json'), '');
    await world.startServer();
    let up = false;
    for (let start = 1; start <= 3 && !up; start++) {
      const agent = await world.spawnAgent('agent-a', 2);
      const came = await agent.waitForLog((e) => e.msg === 'agent started' || e.fatal === true, 30_000);
      up = came?.msg === 'agent started';
      if (up) break;
      // Not up: it exited, or it hangs half-started (systemd's start timeout would stop it, too).
      await agent.stop(5_000);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await world.openPullRequest();
    // With no agent up there is nothing to wait for: the contexts are lost.
    if (up) await world.settle(30_000);
    else await world.emulator.idle();
  },
};
