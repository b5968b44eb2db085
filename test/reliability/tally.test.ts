import { describe, expect, it } from 'vitest';
import { formatTable, tallyContext, trueResult, type ContextObservation } from './tally.ts';

const notYet = { state: 'pending', description: 'Not yet tested' } as const;
const inProgress = (agent: string) => ({ state: 'pending', description: `In progress [${agent}]` }) as const;
const passed = (agent: string) => ({ state: 'success', description: `Passed in 1 s [${agent}]` }) as const;

function observe(partial: Partial<ContextObservation>): ContextObservation {
  return {
    context: 'unit',
    expected: 'success',
    history: [],
    starts: [],
    firstFinalAcceptedAt: null,
    ...partial,
  };
}

describe('the reliability tally', () => {
  it('finds nothing wrong with one final status that matches the truth', () => {
    const tally = tallyContext(
      observe({ history: [notYet, inProgress('a'), passed('a')], starts: [100], firstFinalAcceptedAt: 200 }),
    );
    expect(tally).toEqual({ context: 'unit', lost: 0, duplicated: 0, wrong: 0, reruns: 0, regressions: 0 });
  });

  it('counts a context whose newest status is pending, or that has none, as lost', () => {
    expect(tallyContext(observe({ history: [notYet, inProgress('a')] })).lost).toBe(1);
    expect(tallyContext(observe({ history: [] })).lost).toBe(1);
  });

  it("counts a stale agent's verdict after the newer one as duplicated and, if it differs, wrong", () => {
    const tally = tallyContext(
      observe({
        history: [
          notYet,
          inProgress('a'),
          inProgress('b'),
          passed('b'),
          { state: 'error', description: 'Cancelled: lease lost to another agent [a]' },
        ],
      }),
    );
    expect(tally).toMatchObject({ lost: 0, duplicated: 1, wrong: 1, regressions: 0 });
  });

  it('counts a re-run after a published verdict as a re-run and a regression, not a duplicate', () => {
    const tally = tallyContext(
      observe({
        history: [notYet, inProgress('a'), passed('a'), inProgress('a'), passed('a')],
        starts: [100, 5_000],
        firstFinalAcceptedAt: 200,
      }),
    );
    expect(tally).toMatchObject({ lost: 0, duplicated: 0, wrong: 0, reruns: 1, regressions: 1 });
  });

  it('counts `Not yet tested` over a verdict as a regression, and the context as lost', () => {
    const tally = tallyContext(observe({ history: [notYet, inProgress('a'), passed('a'), notYet] }));
    expect(tally).toMatchObject({ lost: 1, regressions: 1 });
  });

  it('takes the truth from the exit code unless the scenario says otherwise', () => {
    expect(trueResult({ name: 'a', exitCode: 0, sleepSeconds: 0 })).toBe('success');
    expect(trueResult({ name: 'a', exitCode: 3, sleepSeconds: 0 })).toBe('failure');
    expect(trueResult({ name: 'a', exitCode: 0, sleepSeconds: 0, expected: 'error' })).toBe('error');
  });

  it('prints one aligned row per scenario', () => {
    const counts = {
      trials: 100,
      contexts: 200,
      lost: 3,
      duplicated: 0,
      wrong: 1,
      reruns: 0,
      regressions: 12,
      orphans: 0,
    };
    const lines = formatTable([{ scenario: 'paused agent', counts }]).split('\n');
    expect(lines[0]).toMatch(/^scenario\s+trials\s+contexts\s+lost\s+duplicated\s+wrong\s+reruns/);
    expect(lines[2]).toMatch(/^paused agent\s+100\s+200\s+3\s+0\s+1\s+0\s+12\s+0$/);
  });
});
