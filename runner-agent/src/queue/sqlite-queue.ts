import { randomUUID, randomUUIDv7 } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openSqliteDatabase, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-database.ts';
import {
  WAL_AUTOCHECKPOINT_FRAMES,
  WalCheckpointer,
  type WalCheckpoints,
} from './sqlite-wal-checkpointer.ts';
import {
  backoffMs,
  defaultQueueTuning,
  LeaseLostError,
  serializePayload,
  QueueClosedError,
  statusFromRow,
  type CancelResult,
  type Consumer,
  type DeadLetter,
  type EnqueueOptions,
  type Lease,
  type LeaseOptions,
  type ListOptions,
  type MessageState,
  type MessageStatus,
  type NackResult,
  type Queue,
  type QueuedMessage,
  type QueueStats,
  type QueueTuning,
} from './queue.ts';

export interface SqliteQueueOptions {
  /** The database file; several queues (by name) and several processes may share it. */
  path: string;
  /** Which queue in the file, e.g. 'events' or 'jobs'. */
  name: string;
  tuning?: Partial<QueueTuning>;
  /**
   * Epoch milliseconds for everything stored and compared (availability, lease expiry, retention). Tests
   * inject a clock they can move forward. How long `lease` waits (`waitMs`) is always real time.
   */
  clock?: () => number;
  /** How often a waiting lease looks for work enqueued by another process. Default 200. */
  pollIntervalMs?: number;
  /** Finished messages (and so their dedup keys) are kept this long. Default 7 days. */
  retentionMs?: number;
  /** Where this process checkpoints the file (see WalCheckpoints). Default: on a thread of its own. */
  checkpoints?: WalCheckpoints;
  /** WAL frames past which the thread starts the WAL over (WAL_RESTART_FRAMES); tests use a small one. */
  walRestartFrames?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 200;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Purging finished rows is housekeeping: once a minute per process is plenty. */
const PURGE_INTERVAL_MS = 60_000;

/** Migration n takes a database from `user_version` n to n + 1. Append only; never edit a released step. */
const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS messages (
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
   CREATE INDEX IF NOT EXISTS messages_leases ON messages (queue, state, lease_expires_at);`,
  // Purging done rows and listing dead letters by when they finished.
  `CREATE INDEX IF NOT EXISTS messages_finished ON messages (queue, state, finished_at);`,
  // Cancelling: a `cancelled` state, and the reason a leased message was cancelled while its holder runs it.
  // SQLite cannot change a CHECK constraint in place, so the table is rebuilt (rows and seq kept).
  `CREATE TABLE messages_v3 (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     queue TEXT NOT NULL,
     payload TEXT NOT NULL,
     labels TEXT NOT NULL,
     priority INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead', 'cancelled')),
     attempt INTEGER NOT NULL,
     max_attempts INTEGER NOT NULL,
     available_at INTEGER NOT NULL,
     enqueued_at INTEGER NOT NULL,
     lease_token TEXT,
     lease_holder TEXT,
     lease_expires_at INTEGER,
     finished_at INTEGER,
     dedup_key TEXT,
     reason TEXT,
     cancel_reason TEXT
   );
   INSERT INTO messages_v3 (seq, id, queue, payload, labels, priority, state, attempt, max_attempts,
       available_at, enqueued_at, lease_token, lease_holder, lease_expires_at, finished_at, dedup_key, reason)
     SELECT seq, id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at,
       lease_token, lease_holder, lease_expires_at, finished_at, dedup_key, reason FROM messages;
   DROP TABLE messages;
   ALTER TABLE messages_v3 RENAME TO messages;
   CREATE UNIQUE INDEX messages_dedup ON messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
   CREATE INDEX messages_ready ON messages (queue, state, priority DESC, seq);
   CREATE INDEX messages_leases ON messages (queue, state, lease_expires_at);
   CREATE INDEX messages_finished ON messages (queue, state, finished_at);`,
  // Only the rows each index is for: an enqueue no longer writes an entry into the leases and finished
  // indexes (cheaper commits for the webhook intake); the queries that use them say so in their WHERE.
  `DROP INDEX messages_leases;
   CREATE INDEX messages_leases ON messages (queue, lease_expires_at) WHERE state = 'leased';
   DROP INDEX messages_finished;
   CREATE INDEX messages_finished ON messages (queue, state, finished_at) WHERE finished_at IS NOT NULL;`,
];

interface MessageRow {
  id: string;
  payload: string;
  labels: string;
  priority: number;
  state: MessageState;
  attempt: number;
  max_attempts: number;
  enqueued_at: number;
  lease_holder: string | null;
  finished_at: number | null;
  reason: string | null;
  cancel_reason: string | null;
}

interface PendingEnqueue {
  payloadJson: string;
  options: EnqueueOptions;
  resolve(result: { id: string; duplicate: boolean }): void;
  reject(error: unknown): void;
}

/**
 * Wakes waiting leases in this process as soon as something is enqueued, instead of at the next poll.
 * Keyed by database file and queue name; other processes are noticed by polling.
 */
const wakeups = new EventEmitter();
wakeups.setMaxListeners(0);

/**
 * The SQLite connection stays WAL, but commits with `synchronous=NORMAL`: COMMIT hands the WAL frames to the
 * operating system and returns without an fsync. What this guarantees, precisely:
 * - a committed change (an enqueue whose promise resolved, so an answered webhook delivery) survives the
 *   process dying in any way, kill -9 included: the OS has the bytes, and the next open replays the WAL;
 * - it survives an OS crash or power loss once the WAL has been fsynced, which the file's checkpointer
 *   thread does every WAL_CHECKPOINT_INTERVAL_MS (200 ms) plus the time the disk takes. Whatever is lost
 *   then is the newest commits, never a torn or reordered one (SQLite recovers a prefix of the WAL).
 * FULL would fsync on every commit, on the thread that answers requests; on a busy or shared disk that
 * made a commit take tens of milliseconds.
 */
const QUEUE_PRAGMAS = `PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_FRAMES};`;

/**
 * The embedded queue: one SQLite file in WAL mode (durability: see QUEUE_PRAGMAS). Enqueues are committed
 * in batches (group commit): every enqueue made while this thread was busy goes into one transaction, and
 * each promise resolves only after its COMMIT. Checkpoints run on a connection of their own.
 * Every state change that depends on what it read runs in `BEGIN IMMEDIATE` (the database's single write
 * lock), so processes sharing the file never lease the same message twice.
 */
export class SqliteQueue<T> implements Queue<T> {
  readonly name: string;
  readonly #db: DatabaseSync;
  readonly #sql: Statements;
  readonly #tuning: QueueTuning;
  readonly #clock: () => number;
  readonly #pollIntervalMs: number;
  readonly #retentionMs: number;
  readonly #wakeupKey: string;
  /** Aborted by close(), releasing every waiting lease. */
  readonly #closing = new AbortController();
  #closed = false;
  #pendingEnqueues: PendingEnqueue[] = [];
  #flushAfterPause = false;
  #lastPurgeAt = -Infinity;
  readonly #checkpointer: WalCheckpointer;
  readonly #writeStats = { batches: 0, enqueues: 0 };

  static async open<T>(options: SqliteQueueOptions): Promise<SqliteQueue<T>> {
    return new SqliteQueue<T>(options);
  }

  private constructor(options: SqliteQueueOptions) {
    this.name = options.name;
    this.#tuning = { ...defaultQueueTuning, ...options.tuning };
    this.#clock = options.clock ?? Date.now;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    const file = path.resolve(options.path);
    this.#wakeupKey = `${file}\0${options.name}`;
    this.#db = openSqliteDatabase(file, MIGRATIONS);
    try {
      // The checkpointer does the checkpoints; the writer's own autocheckpoint is only the backstop.
      this.#db.exec(QUEUE_PRAGMAS);
      this.#sql = prepareStatements(this.#db);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    this.#checkpointer = WalCheckpointer.acquire(
      file,
      SQLITE_BUSY_TIMEOUT_MS,
      options.checkpoints,
      options.walRestartFrames,
    );
  }

  enqueue(payload: T, options: EnqueueOptions = {}): Promise<{ id: string; duplicate: boolean }> {
    if (this.#closed) return Promise.reject(new QueueClosedError(this.name));
    // Serialized now, so one bad payload fails its own enqueue and not the whole batch.
    let payloadJson: string;
    try {
      payloadJson = options.payloadJson ?? serializePayload(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#pendingEnqueues.push({ payloadJson, options, resolve, reject });
      // After the I/O callbacks of this turn: the requests that arrived together commit together.
      if (this.#pendingEnqueues.length === 1) setImmediate(() => this.#flushEnqueues());
    });
  }

  /** How many write transactions committed how many enqueues: the batch size group commit achieved. */
  get writeStats(): { batches: number; enqueues: number } {
    return { ...this.#writeStats };
  }

  /**
   * Group commit: every enqueue that arrived since the last batch goes in one transaction. Without an fsync
   * a COMMIT costs little, so it runs right here rather than on a thread the batch would be copied to.
   */
  #flushEnqueues(): void {
    const batch = this.#pendingEnqueues;
    if (batch.length === 0) return;
    // While the checkpointer drains the WAL the batch waits (and grows); closing writes it regardless.
    const paused = this.#checkpointer.writesPaused;
    if (paused && !this.#closed) {
      if (!this.#flushAfterPause) {
        this.#flushAfterPause = true;
        void paused.then(() => {
          this.#flushAfterPause = false;
          this.#flushEnqueues();
        });
      }
      return;
    }
    this.#pendingEnqueues = [];
    let results: { id: string; duplicate: boolean }[];
    try {
      results = this.#inWriteTransaction(() => {
        const now = this.#clock();
        this.#purgeFinishedOccasionally(now);
        return batch.map(({ payloadJson, options }) => {
          const dedupKey = options.dedupKey ?? null;
          // Time-ordered: each insert lands at the end of the id index, not on a random page of it (a random
          // page per delivery was a third of an 8 KB delivery's commit, measured here).
          const id = randomUUIDv7();
          // A dedup key seen before (also earlier in this batch) inserts nothing: one look into its index,
          // not a lookup and then an insert.
          const inserted = this.#sql.insert.run(
            id,
            this.name,
            payloadJson,
            canonicalLabels(options.labels ?? []),
            options.priority ?? 0,
            options.maxAttempts ?? this.#tuning.maxAttempts,
            now + Math.max(0, options.delayMs ?? 0),
            now,
            dedupKey,
          );
          if (inserted.changes === 0) {
            const existing = this.#sql.idByDedupKey.get(this.name, dedupKey) as IdRow | undefined;
            // The other unique column is the id: 74 random bits within a millisecond.
            if (!existing) throw new Error(`message id ${id} was taken already`);
            return { id: existing.id, duplicate: true };
          }
          return { id, duplicate: false };
        });
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    this.#writeStats.batches++;
    this.#writeStats.enqueues += batch.length;
    batch.forEach((item, i) => item.resolve(results[i]!));
    wakeups.emit(this.#wakeupKey);
  }

  async lease(consumer: Consumer, options: LeaseOptions): Promise<Lease<T> | null> {
    this.#assertOpen();
    const { signal } = options;
    if (signal?.aborted) return null;
    const offeredLabels = JSON.stringify([...new Set(consumer.labels)]);
    const waitUntil = performance.now() + (options.waitMs ?? 0);
    for (;;) {
      const lease = this.#tryLease(consumer.name, offeredLabels, options.visibilityTimeoutMs);
      if (lease) return lease;
      const remainingMs = waitUntil - performance.now();
      if (remainingMs <= 0) return null;
      await this.#waitForWork(Math.min(remainingMs, this.#pollIntervalMs), signal);
      if (signal?.aborted || this.#closed) return null;
    }
  }

  #tryLease(holder: string, offeredLabels: string, visibilityTimeoutMs: number): Lease<T> | null {
    // Most polls find nothing; answering those from a read snapshot keeps them off the write lock.
    const seenAt = this.#clock();
    if (
      !this.#sql.anyExpiredLease.get(this.name, seenAt) &&
      !this.#sql.nextAvailable.get(this.name, seenAt, offeredLabels)
    ) {
      return null;
    }
    return this.#inWriteTransaction(() => {
      const now = this.#clock();
      this.#reapExpiredLeases(now);
      const candidate = this.#sql.nextAvailable.get(this.name, now, offeredLabels) as IdRow | undefined;
      if (!candidate) return null;
      const token = randomUUID();
      const expiresAt = now + visibilityTimeoutMs;
      const row = this.#sql.take.get(token, holder, expiresAt, candidate.id) as MessageRow | undefined;
      return row ? { message: toMessage<T>(row), token, expiresAt } : null;
    });
  }

  /**
   * Leases that ran out come back to the queue (a crashed agent's job is not lost), unless they were the
   * last attempt: then the message is dead-lettered instead of delivered once more than allowed.
   * Must run inside a write transaction.
   */
  #reapExpiredLeases(now: number): void {
    for (const row of this.#sql.expiredLeases.all(this.name, now) as unknown as ExpiredLeaseRow[]) {
      if (row.cancel_reason !== null) {
        // Cancelled while its holder had it, and the holder never came back: it ends here, not run again.
        this.#sql.endCancelled.run(now, row.id);
      } else if (row.attempt >= row.max_attempts) {
        const reason =
          `lease expired on attempt ${row.attempt} of ${row.max_attempts}, no attempts left ` +
          `(last holder: ${row.lease_holder ?? 'unknown'})`;
        this.#sql.bury.run(now, reason, row.id);
      } else {
        this.#sql.requeue.run(now, row.id);
      }
    }
  }

  /** For the read-only calls: settle expired leases first, so states and counts are current. */
  #reapExpiredLeasesIfAny(): void {
    if (!this.#sql.anyExpiredLease.get(this.name, this.#clock())) return;
    this.#inWriteTransaction(() => this.#reapExpiredLeases(this.#clock()));
  }

  /** Resolves after `ms`, on an enqueue in this process, on abort, or on close; whichever is first. */
  #waitForWork(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeups.off(this.#wakeupKey, done);
        signal?.removeEventListener('abort', done);
        this.#closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeups.on(this.#wakeupKey, done);
      signal?.addEventListener('abort', done);
      this.#closing.signal.addEventListener('abort', done);
    });
  }

  async extend(lease: Lease<T>, visibilityTimeoutMs: number): Promise<Lease<T>> {
    this.#assertOpen();
    const expiresAt = this.#clock() + visibilityTimeoutMs;
    const row = this.#sql.extend.get(expiresAt, lease.message.id, lease.token) as
      { cancel_reason: string | null } | undefined;
    if (!row) throw new LeaseLostError(lease.message.id);
    return {
      ...lease,
      expiresAt,
      ...(row.cancel_reason !== null ? { cancelRequested: row.cancel_reason } : {}),
    };
  }

  async ack(lease: Lease<T>): Promise<void> {
    this.#assertOpen();
    const now = this.#clock();
    if (this.#sql.finish.run(now, lease.message.id, lease.token).changes === 0) {
      throw new LeaseLostError(lease.message.id);
    }
    this.#purgeFinishedOccasionally(now);
  }

  async nack(lease: Lease<T>, options: { reason: string; retry: boolean }): Promise<NackResult> {
    this.#assertOpen();
    const { id } = lease.message;
    return this.#inWriteTransaction((): NackResult => {
      const now = this.#clock();
      // The stored row, not the caller's copy, decides whether an attempt is left.
      const held = this.#sql.heldLease.get(id, lease.token) as AttemptRow | undefined;
      if (!held) throw new LeaseLostError(id);
      if (held.cancel_reason !== null) {
        this.#sql.endCancelled.run(now, id);
        return { outcome: 'cancelled' };
      }
      if (options.retry && held.attempt < held.max_attempts) {
        const availableAt = now + backoffMs(this.#tuning, held.attempt);
        this.#sql.retry.run(availableAt, options.reason, id);
        return { outcome: 'retry', availableAt };
      }
      const reason = options.retry
        ? `${options.reason} (attempt ${held.attempt} of ${held.max_attempts}, no attempts left)`
        : options.reason;
      this.#sql.bury.run(now, reason, id);
      return { outcome: 'dead' };
    });
  }

  state(id: string): Promise<MessageStatus<T> | null> {
    return this.#statusBy(this.#sql.byId, id);
  }

  findByDedupKey(dedupKey: string): Promise<MessageStatus<T> | null> {
    return this.#statusBy(this.#sql.byDedupKey, dedupKey);
  }

  /** The one message of this queue a unique column's statement finds, as it is now. */
  async #statusBy(lookup: StatementSync, value: string): Promise<MessageStatus<T> | null> {
    this.#assertOpen();
    this.#reapExpiredLeasesIfAny();
    const row = lookup.get(this.name, value) as MessageRow | undefined;
    return row ? toStatus<T>(row) : null;
  }

  async list(options: ListOptions): Promise<MessageStatus<T>[]> {
    this.#assertOpen();
    this.#reapExpiredLeasesIfAny();
    const limit = Math.max(0, Math.floor(options.limit));
    const rows = (options.state
      ? this.#sql.listInState.all(this.name, options.state, limit)
      : this.#sql.list.all(this.name, limit)) as unknown as MessageRow[];
    return rows.map((row) => toStatus<T>(row));
  }

  async cancel(id: string, reason: string): Promise<CancelResult<T>> {
    this.#assertOpen();
    return this.#inWriteTransaction((): CancelResult<T> => {
      const now = this.#clock();
      this.#reapExpiredLeases(now);
      const current = () => this.#sql.byId.get(this.name, id) as MessageRow | undefined;
      const before = current();
      if (!before) return { outcome: 'unknown' };
      if (before.state === 'queued') {
        this.#sql.cancelQueued.run(now, reason, this.name, id);
        return { outcome: 'cancelled', status: toStatus<T>(current()!) };
      }
      if (before.state === 'leased') {
        // The first reason stands: the holder may already be stopping for it.
        if (before.cancel_reason === null) this.#sql.requestCancel.run(reason, this.name, id);
        return { outcome: 'cancelling', status: toStatus<T>(current()!) };
      }
      return { outcome: 'finished', status: toStatus<T>(before) };
    });
  }

  async deadLetters(): Promise<DeadLetter<T>[]> {
    this.#assertOpen();
    this.#reapExpiredLeasesIfAny();
    return (this.#sql.deadLetters.all(this.name) as unknown as MessageRow[]).map((row) => ({
      message: toMessage<T>(row),
      reason: row.reason ?? 'unknown',
      deadAt: row.finished_at ?? 0,
    }));
  }

  async redrive(id: string): Promise<void> {
    this.#assertOpen();
    if (this.#sql.redrive.run(this.#clock(), this.name, id).changes === 0) {
      throw new Error(`message ${id} is not dead-lettered in queue ${this.name}`);
    }
    wakeups.emit(this.#wakeupKey);
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen();
    this.#reapExpiredLeasesIfAny();
    const stats: QueueStats = { queued: 0, leased: 0, done: 0, dead: 0, cancelled: 0 };
    for (const row of this.#sql.countByState.all(this.name) as unknown as StateCountRow[]) {
      stats[row.state] = row.count;
    }
    return stats;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Enqueues already accepted are written, not dropped.
    this.#flushEnqueues();
    this.#closing.abort();
    this.#db.close();
    await this.#checkpointer.release();
  }

  #assertOpen(): void {
    if (this.#closed) throw new QueueClosedError(this.name);
  }

  /**
   * Done and cancelled rows past retention go, and with them their dedup keys. Dead letters stay until
   * redriven.
   */
  #purgeFinishedOccasionally(now: number): void {
    if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
    this.#lastPurgeAt = now;
    this.#sql.purgeDone.run(this.name, now - this.#retentionMs);
  }

  #inWriteTransaction<R>(work: () => R): R {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}

interface IdRow {
  id: string;
}
interface AttemptRow {
  attempt: number;
  max_attempts: number;
  cancel_reason: string | null;
}
interface ExpiredLeaseRow extends AttemptRow {
  id: string;
  lease_holder: string | null;
}
interface StateCountRow {
  state: MessageState;
  count: number;
}

type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: DatabaseSync) {
  const columns =
    'id, payload, labels, priority, state, attempt, max_attempts, enqueued_at, lease_holder, finished_at, reason, cancel_reason';
  const clearLease = 'lease_token = NULL, lease_holder = NULL, lease_expires_at = NULL';
  const expired = `queue = ? AND state = 'leased' AND lease_expires_at <= ?`;
  return {
    anyExpiredLease: db.prepare(`SELECT 1 FROM messages WHERE ${expired} LIMIT 1`),
    expiredLeases: db.prepare(
      `SELECT id, attempt, max_attempts, lease_holder, cancel_reason FROM messages WHERE ${expired}`,
    ),
    // The best available message whose labels are all among the consumer's (a JSON array). Walks the
    // ready index in serving order and stops at the first match, so messages for other consumers are
    // skipped inside SQLite without blocking the ones behind them.
    nextAvailable: db.prepare(
      `SELECT id FROM messages
       WHERE queue = ? AND state = 'queued' AND available_at <= ?
         AND NOT EXISTS (
           SELECT 1 FROM json_each(messages.labels) AS required
           WHERE required.value NOT IN (SELECT value FROM json_each(?))
         )
       ORDER BY priority DESC, seq ASC
       LIMIT 1`,
    ),
    take: db.prepare(
      `UPDATE messages SET state = 'leased', attempt = attempt + 1, lease_token = ?, lease_holder = ?, lease_expires_at = ?
       WHERE id = ? AND state = 'queued'
       RETURNING ${columns}`,
    ),
    requeue: db.prepare(`UPDATE messages SET state = 'queued', ${clearLease}, available_at = ? WHERE id = ?`),
    heldLease: db.prepare(
      `SELECT attempt, max_attempts, cancel_reason FROM messages WHERE id = ? AND state = 'leased' AND lease_token = ?`,
    ),
    extend: db.prepare(
      `UPDATE messages SET lease_expires_at = ? WHERE id = ? AND state = 'leased' AND lease_token = ?
       RETURNING cancel_reason`,
    ),
    // A message cancelled while leased ends cancelled, whatever its holder concluded.
    finish: db.prepare(
      `UPDATE messages SET state = CASE WHEN cancel_reason IS NULL THEN 'done' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = cancel_reason
       WHERE id = ? AND state = 'leased' AND lease_token = ?`,
    ),
    endCancelled: db.prepare(
      `UPDATE messages SET state = 'cancelled', lease_token = NULL, lease_expires_at = NULL, finished_at = ?,
         reason = cancel_reason
       WHERE id = ?`,
    ),
    cancelQueued: db.prepare(
      `UPDATE messages SET state = 'cancelled', finished_at = ?, reason = ?, cancel_reason = NULL
       WHERE queue = ? AND id = ? AND state = 'queued'`,
    ),
    requestCancel: db.prepare(
      `UPDATE messages SET cancel_reason = ? WHERE queue = ? AND id = ? AND state = 'leased'`,
    ),
    list: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? ORDER BY seq DESC LIMIT ?`),
    listInState: db.prepare(
      `SELECT ${columns} FROM messages WHERE queue = ? AND state = ? ORDER BY seq DESC LIMIT ?`,
    ),
    retry: db.prepare(
      `UPDATE messages SET state = 'queued', ${clearLease}, available_at = ?, reason = ? WHERE id = ?`,
    ),
    // Keeps lease_holder: it says who had the message last.
    bury: db.prepare(
      `UPDATE messages SET state = 'dead', lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = ?
       WHERE id = ?`,
    ),
    byId: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND id = ?`),
    byDedupKey: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND dedup_key = ?`),
    deadLetters: db.prepare(
      `SELECT ${columns} FROM messages WHERE queue = ? AND state = 'dead' AND finished_at IS NOT NULL
       ORDER BY finished_at, seq`,
    ),
    redrive: db.prepare(
      `UPDATE messages SET state = 'queued', attempt = 0, available_at = ?, reason = NULL, finished_at = NULL
       WHERE queue = ? AND id = ? AND state = 'dead'`,
    ),
    idByDedupKey: db.prepare('SELECT id FROM messages WHERE queue = ? AND dedup_key = ?'),
    insert: db.prepare(
      `INSERT INTO messages (id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at, dedup_key)
       VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    countByState: db.prepare('SELECT state, COUNT(*) AS count FROM messages WHERE queue = ? GROUP BY state'),
    purgeDone: db.prepare(
      `DELETE FROM messages WHERE queue = ? AND state IN ('done', 'cancelled') AND finished_at < ?`,
    ),
  };
}

/** Sorted and without repeats, so equal label sets are stored equally. */
function canonicalLabels(labels: readonly string[]): string {
  return JSON.stringify([...new Set(labels)].sort());
}

function toStatus<T>(row: MessageRow): MessageStatus<T> {
  return statusFromRow(row, toMessage<T>(row));
}

function toMessage<T>(row: MessageRow): QueuedMessage<T> {
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
