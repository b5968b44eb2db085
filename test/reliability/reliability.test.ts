import { afterEach, describe, expect, it } from 'vitest';
import { abandonTrial, defectCounts, runScenario, trialCount, type Scenario } from './harness.ts';
import {
  killAfterFinalStatus,
  killMidJob,
  pausedAgent,
  scanWithSlowWrites,
  statusWriteFailures,
  tornProcessRecord,
} from './scenarios.ts';
import { formatTable } from './tally.ts';

/**
 * The fast scenarios of issue 18 (one trial each in `npm test`; `npm run test:reliability` runs 100).
 * Each must end with exactly one final status per context, equal to the job's true result.
 */
const TRIALS = trialCount('fast');

/** Per trial, generous: a trial that loses statuses waits for its deadlines before it is counted. */
const cases: [Scenario, number][] = [
  [pausedAgent, 150_000],
  [killAfterFinalStatus, 120_000],
  [killMidJob, 150_000],
  [statusWriteFailures, 120_000],
  [scanWithSlowWrites, 200_000],
  [tornProcessRecord, 120_000],
];

describe('reliability with real server, agents and forge', () => {
  afterEach(abandonTrial);
  for (const [scenario, budgetMs] of cases) {
    it(
      scenario.name,
      async ({ task }) => {
        const { counts, defects } = await runScenario(scenario, TRIALS);
        task.meta.reliability = { scenario: scenario.name, counts };
        console.log(`${formatTable([{ scenario: scenario.name, counts }])}\n${defects.join('\n')}`);
        expect(defectCounts(counts), defects.join('\n')).toEqual({
          lost: 0,
          duplicated: 0,
          wrong: 0,
          reruns: 0,
          regressions: 0,
        });
      },
      TRIALS * budgetMs,
    );
  }
});
