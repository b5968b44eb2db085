import { describe, expect, it } from 'vitest';
import type { PlannedHeads } from '../../runner-agent/src/planner/planned-heads.ts';

const widget = { owner: 'acme', name: 'widget' };
const gadget = { owner: 'acme', name: 'gadget' };
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

export interface OpenedPlannedHeads {
  heads: PlannedHeads;
  clock: { now: number };
  /** Another instance on the same storage, as after a restart or on a second server. */
  reopen(): Promise<PlannedHeads>;
  close(): Promise<void>;
}

/**
 * What every PlannedHeads implementation must do. A new backend passes this suite before it is wired in:
 * `plannedHeadsContract('name', () => open…)`.
 */
export function plannedHeadsContract(name: string, open: () => Promise<OpenedPlannedHeads>): void {
  describe(`PlannedHeads contract: ${name}`, () => {
    it('remembers each pull request by number, and replaces what it remembered', async () => {
      const { heads, clock, close } = await open();
      try {
        expect(await heads.list(widget)).toEqual(new Map());
        clock.now = 1_000;
        await heads.remember(widget, { number: 7, headSha: A, settled: false });
        await heads.remember(widget, { number: 8, headSha: B, settled: true });
        clock.now = 2_000;
        await heads.remember(widget, { number: 7, headSha: A, settled: true });
        expect(await heads.list(widget)).toEqual(
          new Map([
            [7, { number: 7, headSha: A, settled: true, updatedAt: 2_000 }],
            [8, { number: 8, headSha: B, settled: true, updatedAt: 1_000 }],
          ]),
        );
        clock.now = 3_000;
        await heads.remember(widget, { number: 8, headSha: A, settled: false });
        expect((await heads.list(widget)).get(8)).toEqual({
          number: 8,
          headSha: A,
          settled: false,
          updatedAt: 3_000,
        });
      } finally {
        await close();
      }
    });

    it('keeps repositories apart, whatever the case of their names', async () => {
      const { heads, close } = await open();
      try {
        await heads.remember(widget, { number: 1, headSha: A, settled: true });
        await heads.remember(gadget, { number: 1, headSha: B, settled: false });
        expect((await heads.list({ owner: 'ACME', name: 'Widget' })).get(1)?.headSha).toBe(A);
        expect((await heads.list(gadget)).get(1)?.headSha).toBe(B);
        await heads.remember({ owner: 'Acme', name: 'WIDGET' }, { number: 1, headSha: B, settled: false });
        expect([...(await heads.list(widget)).values()]).toEqual([
          expect.objectContaining({ number: 1, headSha: B, settled: false }),
        ]);
      } finally {
        await close();
      }
    });

    it("forgets a repository's pull requests that are no longer open, and only those", async () => {
      const { heads, close } = await open();
      try {
        for (const number of [1, 2, 3]) await heads.remember(widget, { number, headSha: A, settled: true });
        await heads.remember(gadget, { number: 2, headSha: A, settled: true });
        expect(await heads.forgetAllBut(widget, [2, 4])).toBe(2);
        expect([...(await heads.list(widget)).keys()]).toEqual([2]);
        expect([...(await heads.list(gadget)).keys()]).toEqual([2]);
        expect(await heads.forgetAllBut(widget, [2])).toBe(0);
        // No open pull request at all: the repository's memory goes.
        expect(await heads.forgetAllBut(widget, [])).toBe(1);
        expect(await heads.list(widget)).toEqual(new Map());
        expect([...(await heads.list(gadget)).keys()]).toEqual([2]);
      } finally {
        await close();
      }
    });

    it('keeps what it remembered for another instance on the same storage', async () => {
      const { heads, reopen, close } = await open();
      try {
        await heads.remember(widget, { number: 5, headSha: B, settled: true });
        const again = await reopen();
        try {
          expect((await again.list(widget)).get(5)).toMatchObject({ headSha: B, settled: true });
        } finally {
          await again.close();
        }
      } finally {
        await close();
      }
    });
  });
}
