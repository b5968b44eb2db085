import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  backoffMs,
  defaultQueueTuning,
  LeaseLostError,
  QueueClosedError,
  type Consumer,
  type DeadLetter,
  type EnqueueOptions,
  type Lease,
  type LeaseOptions,
  type MessageState,
  type NackResult,
  type Queue,
  type QueuedMessage,
  type QueueStats,
  type QueueTuning,
} from './queue.ts';

export interface SqliteQueueOptions {
  /** The database file; several queues (by name) and several processes may share it. */
  path: string;
  name: string;
  tuning?: Partial<QueueTuning>;
  clock?: () => number;
  /** How often a waiting lease looks for work enqueued by another process. */
  pollIntervalMs?: number;
  /** Finished messages (and so their dedup keys) are kept this long. Default 7 days. */
  retentionMs?: number;
}

const SCHEMA_VERSION = 1;

interface Row {
  id: string;
  payload: string;
  labels: string;
  priority: number;
  state: MessageState;
  attempt: number;
  max_attempts: number;
  enqueued_at: number;
  lease_token: string | null;
  lease_expires_at: number | null;
  finished_at: number | null;
  reason: string | null;
}

interface PendingEnqueue {
  payload: string;
  options: EnqueueOptions;
  resolve(result: { id: string; duplicate: boolean }): void;
  reject(error: unknown): void;
}

/** Wakes waiting leases in this process as soon as something is enqueued, instead of at the next poll. */
const wakeups = new EventEmitter();
wakeups.setMaxListeners(0);

/**
 * The embedded queue: one SQLite file in WAL mode with `synchronous=FULL`, so an enqueue that resolved
 * survives a crash or power loss. Enqueues arriving together are committed in one transaction (group
 * commit): the fsync is shared, each promise still resolves only after its data is on disk.
 * Leasing runs in `BEGIN IMMEDIATE`, so processes sharing the file never lease the same message twice.
 */
export class SqliteQueue<T> implements Queue<T> {
  readonly name: string;
  readonly #db: DatabaseSync;
  readonly #tuning: QueueTuning;
  readonly #clock: () => number;
  readonly #pollIntervalMs: number;
  readonly #retentionMs: number;
  readonly #wakeKey: string;
  readonly #closing = new AbortController();
  #closed = false;
  #pending: PendingEnqueue[] = [];
  #flushing: Promise<void> | null = null;
  #lastPurge = 0;
  readonly #sql: Record<string, StatementSync>;

  static async open<T>(options: SqliteQueueOptions): Promise<SqliteQueue<T>> {
    return new SqliteQueue<T>(options);
  }

  private constructor(options: SqliteQueueOptions) {
    this.name = options.name;
    this.#tuning = { ...defaultQueueTuning, ...options.tuning };
    this.#clock = options.clock ?? Date.now;
    this.#pollIntervalMs = options.pollIntervalMs ?? 200;
    this.#retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
    const file = path.resolve(options.path);
    this.#wakeKey = `${file}\0${options.name}`;
    mkdirSync(path.dirname(file), { recursive: true });
    this.#db = new DatabaseSync(file);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;');
    migrate(this.#db);
    const columns =
      'id, payload, labels, priority, state, attempt, max_attempts, enqueued_at, lease_token, lease_expires_at, finished_at, reason';
    this.#sql = {
      byDedupKey: this.#db.prepare('SELECT id FROM messages WHERE queue = ? AND dedup_key = ?'),
      insert: this.#db.prepare(
        `INSERT INTO messages (id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at, dedup_key)
         VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
      ),
      expired: this.#db.prepare(
        `SELECT id, attempt, max_attempts, lease_holder FROM messages WHERE queue = ? AND state = 'leased' AND lease_expires_at <= ?`,
      ),
      requeueExpired: this.#db.prepare(
        `UPDATE messages SET state = 'queued', lease_token = NULL, lease_holder = NULL, lease_expires_at = NULL, available_at = ? WHERE id = ?`,
      ),
      bury: this.#db.prepare(
        `UPDATE messages SET state = 'dead', lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = ? WHERE id = ?`,
      ),
      // A message matches when none of its labels is missing from the consumer's.
      candidate: this.#db.prepare(
        `SELECT id FROM messages
         WHERE queue = ? AND state = 'queued' AND available_at <= ?
           AND NOT EXISTS (SELECT 1 FROM json_each(messages.labels) AS l WHERE l.value NOT IN (SELECT value FROM json_each(?)))
         ORDER BY priority DESC, seq ASC LIMIT 1`,
      ),
      take: this.#db.prepare(
        `UPDATE messages SET state = 'leased', attempt = attempt + 1, lease_token = ?, lease_holder = ?, lease_expires_at = ?
         WHERE id = ? AND state = 'queued' RETURNING ${columns}`,
      ),
      extend: this.#db.prepare(
        `UPDATE messages SET lease_expires_at = ? WHERE id = ? AND state = 'leased' AND lease_token = ? RETURNING lease_expires_at`,
      ),
      finish: this.#db.prepare(
        `UPDATE messages SET state = 'done', lease_token = NULL, lease_expires_at = NULL, finished_at = ? WHERE id = ? AND state = 'leased' AND lease_token = ?`,
      ),
      retry: this.#db.prepare(
        `UPDATE messages SET state = 'queued', lease_token = NULL, lease_holder = NULL, lease_expires_at = NULL, available_at = ?, reason = ?
         WHERE id = ? AND state = 'leased' AND lease_token = ?`,
      ),
      buryLeased: this.#db.prepare(
        `UPDATE messages SET state = 'dead', lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = ?
         WHERE id = ? AND state = 'leased' AND lease_token = ?`,
      ),
      get: this.#db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND id = ?`),
      dead: this.#db.prepare(
        `SELECT ${columns} FROM messages WHERE queue = ? AND state = 'dead' ORDER BY finished_at, seq`,
      ),
      redrive: this.#db.prepare(
        `UPDATE messages SET state = 'queued', attempt = 0, available_at = ?, reason = NULL, finished_at = NULL WHERE queue = ? AND id = ? AND state = 'dead'`,
      ),
      stats: this.#db.prepare('SELECT state, COUNT(*) AS n FROM messages WHERE queue = ? GROUP BY state'),
      purge: this.#db.prepare(`DELETE FROM messages WHERE queue = ? AND state = 'done' AND finished_at < ?`),
    };
  }

  enqueue(payload: T, options: EnqueueOptions = {}): Promise<{ id: string; duplicate: boolean }> {
    if (this.#closed) return Promise.reject(new QueueClosedError(this.name));
    return new Promise((resolve, reject) => {
      this.#pending.push({ payload: JSON.stringify(payload), options, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    });
  }

  /** Writes every enqueue that arrived since the last flush in one transaction. */
  #flush(): Promise<void> {
    const run = async () => {
      await this.#flushing;
      const batch = this.#pending;
      this.#pending = [];
      if (batch.length === 0) return;
      const results: { id: string; duplicate: boolean }[] = [];
      const seen = new Map<string, string>();
      try {
        this.#db.exec('BEGIN IMMEDIATE');
        const now = this.#clock();
        for (const item of batch) {
          const key = item.options.dedupKey;
          const existing = key
            ? (seen.get(key) ?? (this.#sql.byDedupKey!.get(this.name, key) as { id: string } | undefined)?.id)
            : undefined;
          if (existing) {
            results.push({ id: existing, duplicate: true });
            continue;
          }
          const id = randomUUID();
          const labels = JSON.stringify([...new Set(item.options.labels ?? [])].sort());
          this.#sql.insert!.run(
            id,
            this.name,
            item.payload,
            labels,
            item.options.priority ?? 0,
            item.options.maxAttempts ?? this.#tuning.maxAttempts,
            now + (item.options.delayMs ?? 0),
            now,
            key ?? null,
          );
          if (key) seen.set(key, id);
          results.push({ id, duplicate: false });
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        for (const item of batch) item.reject(error);
        return;
      }
      batch.forEach((item, i) => item.resolve(results[i]!));
      wakeups.emit(this.#wakeKey);
    };
    this.#flushing = run();
    return this.#flushing;
  }

  async lease(consumer: Consumer, options: LeaseOptions): Promise<Lease<T> | null> {
    this.#assertOpen();
    const deadline = this.#clock() + (options.waitMs ?? 0);
    for (;;) {
      const lease = this.#tryLease(consumer, options.visibilityTimeoutMs);
      if (lease) return lease;
      const remaining = deadline - this.#clock();
      if (remaining <= 0 || options.signal?.aborted || this.#closed) return null;
      await this.#waitForWork(Math.min(remaining, this.#pollIntervalMs), options.signal);
      if (options.signal?.aborted || this.#closed) return null;
    }
  }

  #tryLease(consumer: Consumer, visibilityTimeoutMs: number): Lease<T> | null {
    const now = this.#clock();
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      // Leases that ran out come back, unless they used up the last attempt.
      for (const row of this.#sql.expired!.all(this.name, now) as {
        id: string;
        attempt: number;
        max_attempts: number;
        lease_holder: string | null;
      }[]) {
        if (row.attempt >= row.max_attempts) {
          const reason = `lease expired ${row.attempt} time(s) without ack (last holder: ${row.lease_holder ?? 'unknown'})`;
          this.#sql.bury!.run(now, reason, row.id);
        } else {
          this.#sql.requeueExpired!.run(now, row.id);
        }
      }
      const candidate = this.#sql.candidate!.get(this.name, now, JSON.stringify(consumer.labels)) as
        { id: string } | undefined;
      let lease: Lease<T> | null = null;
      if (candidate) {
        const token = randomUUID();
        const expiresAt = now + visibilityTimeoutMs;
        const row = this.#sql.take!.get(token, consumer.name, expiresAt, candidate.id) as Row | undefined;
        if (row) lease = { message: this.#message(row), token, expiresAt };
      }
      this.#db.exec('COMMIT');
      return lease;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #waitForWork(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeups.off(this.#wakeKey, done);
        signal?.removeEventListener('abort', done);
        this.#closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeups.on(this.#wakeKey, done);
      signal?.addEventListener('abort', done);
      this.#closing.signal.addEventListener('abort', done);
    });
  }

  async extend(lease: Lease<T>, visibilityTimeoutMs: number): Promise<Lease<T>> {
    this.#assertOpen();
    const expiresAt = this.#clock() + visibilityTimeoutMs;
    const row = this.#sql.extend!.get(expiresAt, lease.message.id, lease.token);
    if (!row) throw new LeaseLostError(lease.message.id);
    return { ...lease, expiresAt };
  }

  async ack(lease: Lease<T>): Promise<void> {
    this.#assertOpen();
    const now = this.#clock();
    if (this.#sql.finish!.run(now, lease.message.id, lease.token).changes === 0)
      throw new LeaseLostError(lease.message.id);
    if (now - this.#lastPurge > 60_000) {
      this.#lastPurge = now;
      this.#sql.purge!.run(this.name, now - this.#retentionMs);
    }
  }

  async nack(lease: Lease<T>, options: { reason: string; retry: boolean }): Promise<NackResult> {
    this.#assertOpen();
    const now = this.#clock();
    const { attempt, maxAttempts, id } = lease.message;
    if (options.retry && attempt < maxAttempts) {
      const availableAt = now + backoffMs(this.#tuning, attempt);
      if (this.#sql.retry!.run(availableAt, options.reason, id, lease.token).changes === 0)
        throw new LeaseLostError(id);
      return { outcome: 'retry', availableAt };
    }
    const reason = options.retry ? `${options.reason} (gave up after ${attempt} attempt(s))` : options.reason;
    if (this.#sql.buryLeased!.run(now, reason, id, lease.token).changes === 0) throw new LeaseLostError(id);
    return { outcome: 'dead' };
  }

  async state(
    id: string,
  ): Promise<{ state: MessageState; message: QueuedMessage<T>; reason?: string } | null> {
    this.#assertOpen();
    const row = this.#sql.get!.get(this.name, id) as Row | undefined;
    if (!row) return null;
    return { state: row.state, message: this.#message(row), ...(row.reason ? { reason: row.reason } : {}) };
  }

  async deadLetters(): Promise<DeadLetter<T>[]> {
    this.#assertOpen();
    return (this.#sql.dead!.all(this.name) as unknown as Row[]).map((row) => ({
      message: this.#message(row),
      reason: row.reason ?? 'unknown',
      deadAt: row.finished_at ?? 0,
    }));
  }

  async redrive(id: string): Promise<void> {
    this.#assertOpen();
    if (this.#sql.redrive!.run(this.#clock(), this.name, id).changes === 0) {
      throw new Error(`message ${id} is not dead-lettered in queue ${this.name}`);
    }
    wakeups.emit(this.#wakeKey);
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen();
    const stats: QueueStats = { queued: 0, leased: 0, done: 0, dead: 0 };
    for (const row of this.#sql.stats!.all(this.name) as { state: MessageState; n: number }[])
      stats[row.state] = row.n;
    return stats;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#flush();
    this.#closed = true;
    this.#closing.abort();
    this.#db.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new QueueClosedError(this.name);
  }

  #message(row: Row): QueuedMessage<T> {
    return {
      id: row.id,
      payload: JSON.parse(row.payload) as T,
      labels: JSON.parse(row.labels) as string[],
      priority: row.priority,
      attempt: row.attempt,
      maxAttempts: row.max_attempts,
      enqueuedAt: row.enqueued_at,
    };
  }
}

function migrate(db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (version >= SCHEMA_VERSION) return;
  db.exec(`
    BEGIN IMMEDIATE;
    CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      queue TEXT NOT NULL,
      payload TEXT NOT NULL,
      labels TEXT NOT NULL,
      priority INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
      attempt INTEGER NOT NULL,
      max_attempts INTEGER NOT NULL,
      available_at INTEGER NOT NULL,
      enqueued_at INTEGER NOT NULL,
      lease_token TEXT,
      lease_holder TEXT,
      lease_expires_at INTEGER,
      finished_at INTEGER,
      dedup_key TEXT,
      reason TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS messages_dedup ON messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
    CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, state, priority DESC, seq);
    CREATE INDEX IF NOT EXISTS messages_leases ON messages (queue, state, lease_expires_at);
    PRAGMA user_version = ${SCHEMA_VERSION};
    COMMIT;
  `);
}
