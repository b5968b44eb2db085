import { afterEach, describe, expect, it } from 'vitest';
import { jobProcessesUnder, killAgentMidRunnerJob } from '../support/runner-chaos.ts';
import { RunnerWorld } from '../support/runner-world.ts';

/**
 * kill -9 of the agent mid-job with the runner as a host process (quick, in `npm test`); the same harness
 * runs 20 trials with real VMs in runner-chaos.vm-test.ts.
 */
describe('an agent killed with kill -9 while its runner runs a workflow job', () => {
  let world: RunnerWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('leaves no runner process, no ghost registration and no runner job, and the job ends once', async () => {
    world = await RunnerWorld.start({ agent: false, agentConfig: { listen: '127.0.0.1:0' } });
    const tally = await killAgentMidRunnerJob(world, {
      trials: 3,
      leftovers: () => jobProcessesUnder(world!.dir),
      settleMs: 30_000,
      startedMs: 30_000,
    });
    expect(tally).toEqual({
      trials: 3,
      endedOnce: 3,
      endedWrongly: [],
      leakedVms: 0,
      ghostRegistrations: 0,
      runnerJobsLeft: 0,
    });
  }, 300_000);
});
