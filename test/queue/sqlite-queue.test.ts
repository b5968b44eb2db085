import { spawn } from 'node:child_process';
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { DatabaseSync } from 'node:sqlite';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteQueue, type SqliteQueueOptions } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { queueContract } from './queue-contract.ts';

const WORKER = path.join(import.meta.dirname, 'queue-worker.ts');
const DAY_MS = 24 * 3600 * 1000;
const anyAgent = (name: string) => ({ name, labels: [] });

// Once on a clock the suite moves forward, and once in real time, the way a RabbitMQ queue will run it.
queueContract('SqliteQueue (controlled clock)', async ({ tuning }) => {
  const tmp = await withTempDir();
  let offsetMs = 0;
  const queue = await SqliteQueue.open<unknown>({
    path: path.join(tmp.dir, 'queue.db'),
    name: 'jobs',
    tuning,
    pollIntervalMs: 50,
    clock: () => Date.now() + offsetMs,
  });
  return {
    queue,
    advance: (ms) => {
      offsetMs += ms;
    },
    cleanup: async () => {
      await queue.close();
      await tmp.remove();
    },
  };
});

queueContract('SqliteQueue (real time)', async ({ tuning }) => {
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
  let dir: string;
  let removeDir: () => Promise<void>;
  let file: string;
  let nowMs: number;
  const opened: SqliteQueue<unknown>[] = [];
  /** Opens a queue on the test's file and a clock the test sets; closed after the test. */
  const open = async <T>(options: Partial<SqliteQueueOptions> = {}): Promise<SqliteQueue<T>> => {
    const queue = await SqliteQueue.open<T>({ path: file, name: 'jobs', clock: () => nowMs, ...options });
    opened.push(queue as SqliteQueue<unknown>);
    return queue;
  };
  /** A plain connection to the file, standing for someone else looking at the disk. */
  const rawCount = (sql: string): number => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    const tmp = await withTempDir();
    dir = tmp.dir;
    removeDir = tmp.remove;
    file = path.join(dir, 'queue.db');
    nowMs = Date.parse('2026-01-01T00:00:00Z');
  });
  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
    vi.restoreAllMocks();
    await removeDir();
  });

  it('creates its schema once, in WAL mode, and opens an existing file again', async () => {
    await (await open()).close();
    await open({ name: 'events' });
    const db = new DatabaseSync(file);
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(
        (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      ).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('brings a file from before cancelling up to date, keeping its messages, leases and dedup keys', async () => {
    // The schema of the first two migrations, as a deployment that never cancelled left it.
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE messages (
       seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, payload TEXT NOT NULL,
       labels TEXT NOT NULL, priority INTEGER NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
       attempt INTEGER NOT NULL, max_attempts INTEGER NOT NULL, available_at INTEGER NOT NULL,
       enqueued_at INTEGER NOT NULL, lease_token TEXT, lease_holder TEXT, lease_expires_at INTEGER,
       finished_at INTEGER, dedup_key TEXT, reason TEXT);
     CREATE UNIQUE INDEX messages_dedup ON messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
     CREATE INDEX messages_ready ON messages (queue, state, priority DESC, seq);
     CREATE INDEX messages_leases ON messages (queue, state, lease_expires_at);
     CREATE INDEX messages_finished ON messages (queue, state, finished_at);
     INSERT INTO messages (id, queue, payload, labels, priority, state, attempt, max_attempts, available_at,
         enqueued_at, lease_token, lease_holder, lease_expires_at, dedup_key)
       VALUES ('m-queued', 'jobs', '"waiting"', '[]', 0, 'queued', 0, 3, 0, 1, NULL, NULL, NULL, 'k1'),
              ('m-leased', 'jobs', '"running"', '[]', 0, 'leased', 1, 3, 0, 2, 't', 'box-1', ${nowMs + 60_000}, 'k2');
     PRAGMA user_version = 2;`);
    old.close();

    const queue = await open<string>();
    expect(await queue.stats()).toEqual({ queued: 1, leased: 1, done: 0, dead: 0, cancelled: 0 });
    expect(await queue.enqueue('again', { dedupKey: 'k1' })).toEqual({ id: 'm-queued', duplicate: true });
    expect(await queue.cancel('m-leased', 'by alice')).toMatchObject({
      outcome: 'cancelling',
      status: { holder: 'box-1', cancelRequested: 'by alice' },
    });
    expect((await queue.cancel('m-queued', 'by alice')).outcome).toBe('cancelled');
    // New messages come after the old ones.
    const { id } = await queue.enqueue('new');
    expect((await queue.list({ limit: 3 })).map((s) => s.message.id)).toEqual([id, 'm-leased', 'm-queued']);
    // The leases and finished indexes now hold only the rows they are for (an enqueue writes neither).
    const db = new DatabaseSync(file);
    try {
      const indexes = db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ('messages_leases', 'messages_finished')`,
        )
        .all() as { name: string; sql: string }[];
      expect(
        Object.fromEntries(indexes.map((index) => [index.name, index.sql.replace(/.*\bWHERE\b/s, 'WHERE')])),
      ).toEqual({
        messages_leases: "WHERE state = 'leased'",
        messages_finished: 'WHERE finished_at IS NOT NULL',
      });
    } finally {
      db.close();
    }
  });

  it('gives time-ordered ids, so each enqueue adds to the end of the id index', async () => {
    const queue = await open<number>();
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      ids.push((await queue.enqueue(n)).id);
      await sleep(2);
    }
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(5);
  });

  it('keeps messages and leases across a restart of the process', async () => {
    const before = await open<{ step: string }>();
    const { id: runningId } = await before.enqueue({ step: 'was running' }, { labels: ['kvm'], priority: 3 });
    const { id: waitingId } = await before.enqueue({ step: 'was waiting' }, { dedupKey: 'w' });
    const held = await before.lease({ name: 'dies', labels: ['kvm'] }, { visibilityTimeoutMs: 30_000 });
    expect(held?.message.id).toBe(runningId);
    await before.close();

    const after = await open<{ step: string }>();
    expect(await after.stats()).toEqual({ queued: 1, leased: 1, done: 0, dead: 0, cancelled: 0 });
    expect(await after.enqueue({ step: 'dup' }, { dedupKey: 'w' })).toEqual({
      id: waitingId,
      duplicate: true,
    });
    const next = await after.lease({ name: 'b', labels: ['kvm'] }, { visibilityTimeoutMs: 60_000 });
    expect(next?.message).toMatchObject({ id: waitingId, payload: { step: 'was waiting' } });
    // The lease from before the restart still holds until it expires; then the message comes back.
    expect(await after.lease({ name: 'b', labels: ['kvm'] }, { visibilityTimeoutMs: 60_000 })).toBeNull();
    nowMs += 30_001;
    const redelivered = await after.lease({ name: 'b', labels: ['kvm'] }, { visibilityTimeoutMs: 60_000 });
    expect(redelivered?.message).toMatchObject({
      id: runningId,
      payload: { step: 'was running' },
      labels: ['kvm'],
      priority: 3,
      attempt: 2,
    });
  });

  it('has an enqueue on disk, visible to another connection, when its promise resolves', async () => {
    const queue = await open<string>();
    await queue.enqueue('durable');
    expect(rawCount(`SELECT COUNT(*) AS n FROM messages WHERE queue = 'jobs' AND state = 'queued'`)).toBe(1);
  });

  // What reaches the database file itself (not only the WAL) is what a checkpoint copied there; a copy of
  // the file without its WAL shows it. 40 small messages are far below SQLite's own autocheckpoint.
  it.each(['thread', 'inline'] as const)(
    'checkpoints committed messages into the database file (checkpoints: %s)',
    async (checkpoints) => {
      const queue = await open({ checkpoints });
      await Promise.all(Array.from({ length: 40 }, (_, i) => queue.enqueue({ i })));
      const copy = path.join(dir, 'without-wal.db');
      const inDatabaseFile = async () => {
        await copyFile(file, copy);
        const db = new DatabaseSync(copy, { readOnly: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
        } catch {
          return 0; // the schema itself is not checkpointed yet
        } finally {
          db.close();
        }
      };
      for (let round = 0; round < 200 && (await inDatabaseFile()) < 40; round++) await sleep(50);
      expect(await inDatabaseFile()).toBe(40);
    },
  );

  // Checkpoints beside a busy writer never copy the newest frames, and SQLite starts a WAL over only when a
  // write begins with every frame copied: without the checkpointer's pause the WAL would only grow.
  it('starts the WAL over under sustained writes, pausing its batches while the thread drains it', async () => {
    const queue = await open({ checkpoints: 'thread', walRestartFrames: 256 });
    const body = 'x'.repeat(4000);
    let written = 0;
    const until = performance.now() + 2_000;
    // About 3,000 messages a second, so that each 200 ms checkpoint round finds a few MiB of new WAL.
    while (performance.now() < until) {
      await Promise.all(Array.from({ length: 16 }, (_, i) => queue.enqueue({ body, n: written + i })));
      written += 16;
      await sleep(5);
    }
    const walBytes = (await stat(`${file}-wal`)).size;
    expect(rawCount("SELECT count(*) AS n FROM messages WHERE state = 'queued'")).toBe(written);
    // Each message takes two 4 KiB pages of WAL: without restarts the WAL holds them all.
    expect(walBytes).toBeLessThan((written * 2 * 4096) / 3);
  });

  it('commits a burst of concurrent enqueues in one transaction, deduplicating inside the batch', async () => {
    const queue = await open<number>({ name: 'events' });
    await queue.enqueue(-1); // Schema and first write out of the way.
    const before = queue.writeStats;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => queue.enqueue(i, { dedupKey: `k${i % 250}` })),
    );
    expect(queue.writeStats).toEqual({ batches: before.batches + 1, enqueues: before.enqueues + 500 });
    // The first enqueue of each key wins; the second gets its id.
    results.forEach((result, i) => {
      expect(result.duplicate).toBe(i >= 250);
      if (i >= 250) expect(result.id).toBe(results[i - 250]!.id);
    });
    expect(new Set(results.map((r) => r.id)).size).toBe(250);
    expect(rawCount(`SELECT COUNT(*) AS n FROM messages WHERE queue = 'events'`)).toBe(251);
    const first = await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 });
    const second = await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 });
    expect([first?.message.payload, second?.message.payload]).toEqual([-1, 0]);
  });

  it('writes enqueues still waiting for their batch when it is closed', async () => {
    const queue = await open<string>();
    const accepted = queue.enqueue('accepted just before close');
    await queue.close();
    const { id } = await accepted;
    const reopened = await open<string>();
    expect((await reopened.state(id))?.state).toBe('queued');
  });

  it('fails only the enqueue whose payload is not JSON, not the rest of its batch', async () => {
    const queue = await open<unknown>();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const results = await Promise.allSettled([
      queue.enqueue('fine-1'),
      queue.enqueue(circular),
      queue.enqueue(undefined),
      queue.enqueue('fine-2'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((await queue.stats()).queued).toBe(2);
  });

  it('keeps named queues in one file apart', async () => {
    const events = await open<string>({ name: 'events' });
    const jobs = await open<string>({ name: 'jobs' });
    await events.enqueue('delivery', { dedupKey: 'same-key' });
    expect((await jobs.enqueue('job', { dedupKey: 'same-key' })).duplicate).toBe(false);
    expect((await jobs.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 }))?.message.payload).toBe('job');
    expect(await jobs.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 })).toBeNull();
    expect(await events.stats()).toEqual({ queued: 1, leased: 0, done: 0, dead: 0, cancelled: 0 });
    expect((await events.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 }))?.message.payload).toBe(
      'delivery',
    );
  });

  it('never leases one message twice to two queue instances sharing the file', async () => {
    const a = await open<number>();
    const b = await open<number>();
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.enqueue(i)));
    const takenBy = { a: [] as string[], b: [] as string[] };
    const drain = async (queue: SqliteQueue<number>, name: 'a' | 'b') => {
      for (;;) {
        const lease = await queue.lease(anyAgent(name), { visibilityTimeoutMs: 60_000 });
        if (!lease) return;
        takenBy[name].push(lease.message.id);
        await queue.ack(lease);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([drain(a, 'a'), drain(b, 'b')]);
    const taken = [...takenBy.a, ...takenBy.b];
    expect(taken).toHaveLength(200);
    expect(new Set(taken).size).toBe(200);
    // Both really took part.
    expect(takenBy.a.length).toBeGreaterThan(0);
    expect(takenBy.b.length).toBeGreaterThan(0);
  });

  it('never leases one message twice to separate processes racing on the file', async () => {
    const queue = await open<number>({ clock: Date.now });
    const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => queue.enqueue(i)));
    const workers = await Promise.all(
      ['w1', 'w2', 'w3'].map((name) => startWorker(['drain', file, 'jobs', name])),
    );
    for (const worker of workers) worker.child.stdin!.write('go\n');
    const takenPerWorker = await Promise.all(
      workers.map(async (worker) => JSON.parse(await worker.nextLine()) as string[]),
    );
    await Promise.all(workers.map((worker) => worker.exited));
    const taken = takenPerWorker.flat();
    expect(taken).toHaveLength(300);
    expect(new Set(taken)).toEqual(new Set(ids.map((r) => r.id)));
    expect(await queue.stats()).toEqual({ queued: 0, leased: 0, done: 300, dead: 0, cancelled: 0 });
  });

  it('wakes a waiter in this process on enqueue, even through another instance, without polling', async () => {
    // With polling effectively off, only the in-process wakeup can deliver before the race below ends.
    const noPolling = { clock: Date.now, pollIntervalMs: 600_000 };
    const consumer = await open<string>(noPolling);
    const producer = await open<string>(noPolling);
    const waiting = consumer.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000, waitMs: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await producer.enqueue('woken');
    const outcome = await Promise.race([
      waiting,
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
    ]);
    expect(outcome).toMatchObject({ message: { payload: 'woken' } });
  });

  it('notices by polling a message enqueued by another process while it waits', async () => {
    const queue = await open<string>({ clock: Date.now, pollIntervalMs: 50 });
    const waiting = queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000, waitMs: 30_000 });
    const producer = await startWorker(['enqueue', file, 'jobs', 'from elsewhere'], { waitForReady: false });
    await producer.exited;
    expect((await waiting)?.message.payload).toBe('from elsewhere');
  });

  it('dead-letters an expired last attempt, naming the last holder, as soon as anyone looks', async () => {
    const queue = await open<string>({ tuning: { maxAttempts: 2 } });
    const { id } = await queue.enqueue('hangs');
    await queue.lease(anyAgent('agent-w'), { visibilityTimeoutMs: 1000 });
    nowMs += 1000;
    await queue.lease(anyAgent('agent-x'), { visibilityTimeoutMs: 1000 });
    nowMs += 1000;
    // Nobody leases again: the dead letter shows up anyway.
    const [dead] = await queue.deadLetters();
    expect(dead).toMatchObject({ message: { id, attempt: 2 }, deadAt: nowMs });
    expect(dead!.reason).toMatch(/lease expired on attempt 2 of 2.*last holder: agent-x/);
  });

  it('purges finished messages after the retention period, freeing their dedup keys, but keeps dead ones', async () => {
    const queue = await open<string>({ retentionMs: 7 * DAY_MS });
    const done = await queue.enqueue('done long ago', { dedupKey: 'old' });
    await queue.ack((await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 }))!);
    const dead = await queue.enqueue('dead long ago', { dedupKey: 'dead' });
    await queue.nack((await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 1000 }))!, {
      reason: 'broken',
      retry: false,
    });

    nowMs += 6 * DAY_MS;
    await queue.enqueue('nudge'); // Writes purge at most once a minute; this one finds nothing old enough.
    expect((await queue.state(done.id))?.state).toBe('done');

    nowMs += 2 * DAY_MS;
    const again = await queue.enqueue('new work, same key', { dedupKey: 'old' });
    expect(again.duplicate).toBe(false);
    expect(await queue.state(done.id)).toBeNull();
    expect((await queue.state(dead.id))?.state).toBe('dead');
    expect(await queue.enqueue('x', { dedupKey: 'dead' })).toEqual({ id: dead.id, duplicate: true });
  });
});

/** Runs queue-worker.ts in its own Node process (the same Node that runs the tests). */
async function startWorker(
  args: string[],
  { waitForReady = true }: { waitForReady?: boolean } = {},
): Promise<{ child: ReturnType<typeof spawn>; nextLine(): Promise<string>; exited: Promise<void> }> {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`queue worker ${args.join(' ')} exited with ${code}: ${stderr}`);
  });
  exited.catch(() => {}); // Reported to whoever awaits it.
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) {
      await exited;
      throw new Error(`queue worker ${args.join(' ')} ended its output early: ${stderr}`);
    }
    return value;
  };
  if (waitForReady) expect(await nextLine()).toBe('ready');
  return { child, nextLine, exited };
}
