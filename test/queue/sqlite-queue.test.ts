import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { queueContract } from './queue-contract.ts';

queueContract('SqliteQueue', async (tuning) => {
  const tmp = await withTempDir();
  const queue = await SqliteQueue.open<unknown>({
    path: path.join(tmp.dir, 'queue.db'),
    name: 'jobs',
    tuning,
    pollIntervalMs: 50,
  });
  return {
    queue,
    cleanup: async () => {
      await queue.close();
      await tmp.remove();
    },
  };
});

describe('SqliteQueue specifics', () => {
  it('keeps messages and leases across a restart of the process', async () => {
    const tmp = await withTempDir();
    const file = path.join(tmp.dir, 'queue.db');
    const before = await SqliteQueue.open<string>({ path: file, name: 'jobs' });
    const { id: leasedId } = await before.enqueue('was running');
    await before.enqueue('was waiting');
    await before.lease({ name: 'dies', labels: [] }, { visibilityTimeoutMs: 200 });
    await before.close();

    const after = await SqliteQueue.open<string>({ path: file, name: 'jobs' });
    const first = await after.lease({ name: 'b', labels: [] }, { visibilityTimeoutMs: 60_000 });
    expect(first?.message.payload).toBe('was waiting');
    await new Promise((r) => setTimeout(r, 300));
    const redelivered = await after.lease({ name: 'b', labels: [] }, { visibilityTimeoutMs: 60_000 });
    expect(redelivered?.message).toMatchObject({ id: leasedId, payload: 'was running', attempt: 2 });
    await after.close();
    await tmp.remove();
  });

  it('never leases one message twice to two processes sharing the file', async () => {
    const tmp = await withTempDir();
    const file = path.join(tmp.dir, 'queue.db');
    const a = await SqliteQueue.open<number>({ path: file, name: 'jobs' });
    const b = await SqliteQueue.open<number>({ path: file, name: 'jobs' });
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.enqueue(i)));
    const taken: string[] = [];
    const drain = async (q: SqliteQueue<number>, name: string) => {
      for (;;) {
        const lease = await q.lease({ name, labels: [] }, { visibilityTimeoutMs: 60_000 });
        if (!lease) return;
        taken.push(lease.message.id);
        await q.ack(lease);
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all([drain(a, 'a'), drain(b, 'b')]);
    expect(taken).toHaveLength(200);
    expect(new Set(taken).size).toBe(200);
    await a.close();
    await b.close();
    await tmp.remove();
  });

  it('commits a burst of concurrent enqueues together, deduplicating inside the batch', async () => {
    const tmp = await withTempDir();
    const q = await SqliteQueue.open<number>({ path: path.join(tmp.dir, 'queue.db'), name: 'events' });
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => q.enqueue(i, { dedupKey: `k${i % 250}` })),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(250);
    expect(new Set(results.map((r) => r.id)).size).toBe(250);
    expect((await q.stats()).queued).toBe(250);
    await q.close();
    await tmp.remove();
  });

  it('keeps named queues in one file apart', async () => {
    const tmp = await withTempDir();
    const file = path.join(tmp.dir, 'queue.db');
    const events = await SqliteQueue.open<string>({ path: file, name: 'events' });
    const jobs = await SqliteQueue.open<string>({ path: file, name: 'jobs' });
    await events.enqueue('delivery', { dedupKey: 'same-key' });
    expect((await jobs.enqueue('job', { dedupKey: 'same-key' })).duplicate).toBe(false);
    expect(
      (await jobs.lease({ name: 'a', labels: [] }, { visibilityTimeoutMs: 1000 }))?.message.payload,
    ).toBe('job');
    expect(await jobs.lease({ name: 'a', labels: [] }, { visibilityTimeoutMs: 1000 })).toBeNull();
    expect((await events.stats()).queued).toBe(1);
    await events.close();
    await jobs.close();
    await tmp.remove();
  });
});
