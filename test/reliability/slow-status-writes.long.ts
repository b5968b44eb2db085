import { describeScenarios } from './describe-scenarios.ts';
import { trialCount, type Scenario } from './harness.ts';
import { scanWithSlowWrites, statusWriteFailures } from './scenarios.ts';

/**
 * Two fast scenarios of issue 18 whose single trial takes 40–60 s: `npm run test:reliability` runs them with
 * the fast trial count (100 there), beside the others; `npm test` leaves them out to stay within CI's time.
 */
const TRIALS = trialCount('fast');

const cases: [Scenario, number][] = [
  [statusWriteFailures, 120_000],
  [scanWithSlowWrites, 200_000],
];

describeScenarios(
  'reliability with real server, agents and forge: status writes failing or slow',
  cases,
  TRIALS,
);
