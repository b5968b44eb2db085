import { describe, expect, it } from 'vitest';
import type { JobRecords } from '../../runner-agent/src/statuses/job-records.ts';

const target = { repo: { owner: 'acme', name: 'widget' }, sha: 'a'.repeat(40), context: 'unit' };
const passed = {
  state: 'success' as const,
  description: 'Passed in 1.0 s [a]',
  targetUrl: 'http://x/logs/1',
};

/**
 * What every JobRecords implementation must do. A new backend passes this suite before it is wired in:
 * `jobRecordsContract('postgres', () => open…)`.
 */
export function jobRecordsContract(
  name: string,
  open: () => Promise<{ records: JobRecords; clock: { now: number }; close(): Promise<void> }>,
): void {
  describe(`JobRecords contract: ${name}`, () => {
    it('creates a record once; a second create says it did not', async () => {
      const { records, close } = await open();
      try {
        expect((await records.create('k', target)).created).toBe(true);
        const again = await records.create('k', target);
        expect(again.created).toBe(false);
        expect(again.record).toMatchObject({ key: 'k', target, state: 'open', epoch: 0, outcome: null });
      } finally {
        await close();
      }
    });

    it('fences: only the newest claim may record an outcome, and only once', async () => {
      const { records, close } = await open();
      try {
        const first = await records.claim('k', target, 'job-1', 'agent-a');
        const second = await records.claim('k', target, 'job-1', 'agent-b');
        expect(first).toEqual({ kind: 'run', epoch: 1 });
        expect(second).toEqual({ kind: 'run', epoch: 2 });
        expect(await records.isCurrent('k', 1)).toBe(false);
        expect(await records.isCurrent('k', 2)).toBe(true);
        const hold = { holder: 'agent-a', until: 10_000 };
        expect(await records.finish('k', 1, { ...passed, state: 'error' }, hold)).toBe(false);
        expect(await records.finish('k', 2, passed, { holder: 'agent-b', until: 10_000 })).toBe(true);
        expect(await records.finish('k', 2, passed, { holder: 'agent-b', until: 10_000 })).toBe(false);
        expect(await records.isCurrent('k', 2)).toBe(false);
        expect((await records.get('k'))!.outcome).toEqual(passed);
      } finally {
        await close();
      }
    });

    it('does not hand out a finished job again: the claim returns the recorded outcome', async () => {
      const { records, close } = await open();
      try {
        const claim = await records.claim('k', target, 'job-1', 'a');
        await records.finish('k', (claim as { epoch: number }).epoch, passed, { holder: 'a', until: 0 });
        const again = await records.claim('k', target, 'job-1', 'b');
        expect(again.kind).toBe('finished');
        expect(again.kind === 'finished' && again.record.outcome).toEqual(passed);
      } finally {
        await close();
      }
    });

    it('gives the publishing right to one holder at a time, and frees it when its hold ends', async () => {
      const { records, clock, close } = await open();
      try {
        const claim = await records.claim('k', target, 'job-1', 'a');
        clock.now = 1_000;
        await records.finish('k', (claim as { epoch: number }).epoch, passed, { holder: 'a', until: 5_000 });
        expect(await records.takePublishing('k', 'reconciler', 9_000)).toBeNull();
        expect((await records.unpublished(clock.now)).map((r) => r.key)).toEqual([]);
        clock.now = 5_000;
        expect((await records.unpublished(clock.now)).map((r) => r.key)).toEqual(['k']);
        const taken = await records.takePublishing('k', 'reconciler', 9_000);
        expect(taken?.publishing).toEqual({ holder: 'reconciler', until: 9_000 });
        // The old holder's late confirmation does not count; the new holder's does.
        await records.markPublished('k', 'a');
        expect((await records.get('k'))!.publishedAt).toBeNull();
        await records.markPublished('k', 'reconciler');
        expect((await records.get('k'))!.publishedAt).toBe(5_000);
        expect(await records.takePublishing('k', 'x', 99_000)).toBeNull();
        await records.markUnpublished('k');
        expect((await records.takePublishing('k', 'x', 99_000))?.key).toBe('k');
      } finally {
        await close();
      }
    });

    it('abandons an open record whatever its epoch, fencing its holder out, but never a finished one', async () => {
      const { records, close } = await open();
      try {
        await records.claim('k', target, 'job-1', 'a');
        const gaveUp = { state: 'error' as const, description: 'Gave up after 3 attempt(s): lease expired' };
        expect(await records.abandon('k', gaveUp)).toBe(true);
        expect(await records.abandon('k', gaveUp)).toBe(false);
        expect(await records.finish('k', 1, passed, { holder: 'a', until: 0 })).toBe(false);
        expect((await records.get('k'))!.outcome).toEqual(gaveUp);
        await records.reopen('k');
        expect(await records.claim('k', target, 'job-1', 'b')).toMatchObject({ kind: 'run' });
      } finally {
        await close();
      }
    });

    it('lists open records older than a moment', async () => {
      const { records, clock, close } = await open();
      try {
        clock.now = 100;
        await records.create('old', target);
        clock.now = 200;
        await records.create('new', { ...target, context: 'lint' });
        expect((await records.openSince(150)).map((r) => r.key)).toEqual(['old']);
      } finally {
        await close();
      }
    });

    it('lists finished records newest first, and only finished ones', async () => {
      const { records, clock, close } = await open();
      try {
        clock.now = 100;
        await records.create('first', target);
        await records.abandon('first', { state: 'failure', description: 'broke' });
        clock.now = 200;
        await records.create('second', { ...target, context: 'lint' });
        await records.abandon('second', { state: 'error', description: 'machine trouble' });
        await records.create('still-open', { ...target, context: 'docs' });
        expect((await records.recentlyFinished()).map((r) => [r.key, r.outcome?.state])).toEqual([
          ['second', 'error'],
          ['first', 'failure'],
        ]);
        expect((await records.recentlyFinished(1)).map((r) => r.key)).toEqual(['second']);
      } finally {
        await close();
      }
    });
  });
}
