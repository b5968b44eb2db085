import { afterEach, describe, expect, it } from 'vitest';
import { abandonTrial, defectCounts, runScenario, type Scenario } from './harness.ts';
import { formatTable } from './tally.ts';

/**
 * One test per scenario: `trials` trials, each within `budgetMs`, a table of the counts printed, and every
 * defect count 0 (lost, duplicated, wrong, reruns, regressions), the failing trials' seeds in the message.
 */
export function describeScenarios(title: string, cases: [Scenario, number][], trials: number): void {
  describe(title, () => {
    afterEach(abandonTrial);
    for (const [scenario, budgetMs] of cases) {
      it(
        scenario.name,
        async ({ task }) => {
          const { counts, defects } = await runScenario(scenario, trials);
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
        trials * budgetMs,
      );
    }
  });
}
