import { describeScenarios } from './describe-scenarios.ts';
import { trialCount, type Scenario } from './harness.ts';
import { killAfterFinalStatus, killMidJob, pausedAgent, tornProcessRecord } from './scenarios.ts';

/**
 * The fast scenarios of issue 18 (one trial each in `npm test`; `npm run test:reliability` runs 100). Each must
 * end with exactly one final status per context, equal to the job's true result. The two whose trial takes
 * 40–60 s (status writes failing or slow) are in `slow-status-writes.long.ts`, which only
 * `npm run test:reliability` runs, so that `npm test` stays within CI's time.
 */
const TRIALS = trialCount('fast');

/** Per trial, generous: a trial that loses statuses waits for its deadlines before it is counted. */
const cases: [Scenario, number][] = [
  [pausedAgent, 150_000],
  [killAfterFinalStatus, 120_000],
  [killMidJob, 150_000],
  [tornProcessRecord, 120_000],
];

describeScenarios('reliability with real server, agents and forge', cases, TRIALS);
