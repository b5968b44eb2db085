import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentWorld, isFinalState, waitUntil } from '../support/deployment-world.ts';

/**
 * `ironbots agent` under systemd: the first SIGTERM drains (the running job ends as usual, no new one is
 * taken, exit 0); a second hands the running job back to the queue at once.
 */
describe('SIGTERM drains a real `ironbots agent`', () => {
  let world: DeploymentWorld | null = null;
  afterEach(async () => {
    await world?.stopAll();
    await world?.dispose();
    world = null;
  });

  async function runningWorld() {
    world = await DeploymentWorld.create({
      contexts: [
        { name: 'first', exitCode: 0, sleepSeconds: 4 },
        { name: 'second', exitCode: 0, sleepSeconds: 4 },
      ],
      seed: 14,
      scanIntervalSeconds: 0,
    });
    await world.startServer();
    const agent = await world.startAgent('drainer');
    await world.openPullRequest();
    const w = world;
    expect(await waitUntil(async () => (await w.markers()).some((m) => m.kind === 'start'), 30_000)).toBe(
      true,
    );
    // Both jobs planned: the second is waiting in the queue when the agent is signalled.
    const planned = await waitUntil(async () => {
      const counts = await w.queueCounts();
      return counts.queued + counts.running === 2;
    }, 30_000);
    expect(planned, 'both jobs were planned').toBe(true);
    return { world: w, agent };
  }

  it('finishes the running job, takes no new one, and exits 0 on the first SIGTERM', async () => {
    const { world: w, agent } = await runningWorld();
    agent.signal('SIGTERM');
    const draining = await agent.expectLog(
      'draining: taking no new jobs, letting the running ones finish (signal again to hand them back now)',
      5_000,
    );
    expect(draining).toMatchObject({ level: 30, signal: 'SIGTERM' });
    expect(draining.jobs).toHaveLength(1);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    await agent.expectLog('drained: no job running, stopping', 0);

    const markers = await w.markers();
    const started = markers.filter((m) => m.kind === 'start');
    expect(started, 'one job ran, the other was not taken').toHaveLength(1);
    expect(markers.filter((m) => m.kind === 'end').map((m) => m.jobId)).toEqual([started[0]!.jobId]);
    const ran = started[0]!.context;
    const history = await w.statusHistory();
    const finals = history.filter((s) => isFinalState(s.state));
    expect(finals.map((s) => [s.context, s.state])).toEqual([[ran, 'success']]);
    // The finished job was acked; the other waits in the queue for the next agent.
    expect(await w.queueCounts()).toMatchObject({ queued: 1, running: 0, done: 1, dead: 0 });
  }, 90_000);

  it('hands the running job back at once on a second SIGTERM', async () => {
    const { world: w, agent } = await runningWorld();
    agent.signal('SIGTERM');
    await agent.expectLog(
      'draining: taking no new jobs, letting the running ones finish (signal again to hand them back now)',
      5_000,
    );
    agent.signal('SIGTERM');
    const handBack = await agent.expectLog(
      'second signal: handing the running jobs back to the queue now',
      5_000,
    );
    expect(handBack).toMatchObject({ level: 30, signal: 'SIGTERM' });
    await agent.exited;
    const markers = await w.markers();
    expect(markers.filter((m) => m.kind === 'start')).toHaveLength(1);
    expect(
      markers.filter((m) => m.kind === 'end'),
      'the job was stopped before its end',
    ).toHaveLength(0);
    expect((await w.statusHistory()).filter((s) => isFinalState(s.state))).toEqual([]);
    expect(await w.queueCounts()).toMatchObject({ queued: 2, running: 0, done: 0, dead: 0 });

    // Another agent takes both and finishes each once.
    await w.startAgent('taker');
    expect(await w.settle(60_000)).toBe(true);
    const finals = (await w.statusHistory()).filter((s) => isFinalState(s.state));
    expect(finals.map((s) => [s.context, s.state]).sort()).toEqual([
      ['first', 'success'],
      ['second', 'success'],
    ]);
  }, 120_000);
});
