import { describeScenarios } from './describe-scenarios.ts';
import { trialCount, type Scenario } from './harness.ts';
import { forgeOutage, forgeStorm, killEveryAttempt } from './scenarios.ts';

/**
 * The long scenarios of issue 18: each trial waits out a 45 s outage (or 5xx/429 storm) or three 10 s leases, so they run
 * only under `npm run test:reliability` (IRONBOTS_RELIABILITY_SLOW_TRIALS trials, default 10 there).
 * IRONBOTS_RELIABILITY_OUTAGE_SECONDS changes the outage (default 45, as in the issue).
 */
const TRIALS = trialCount('slow');
const OUTAGE_SECONDS = Number(process.env.IRONBOTS_RELIABILITY_OUTAGE_SECONDS ?? '45');

const cases: [Scenario, number][] = [
  [killEveryAttempt, 180_000],
  [forgeOutage(OUTAGE_SECONDS), OUTAGE_SECONDS * 1000 + 150_000],
  [forgeStorm(OUTAGE_SECONDS), OUTAGE_SECONDS * 1000 + 150_000],
];

describeScenarios('reliability with real server, agents and forge: long scenarios', cases, TRIALS);
