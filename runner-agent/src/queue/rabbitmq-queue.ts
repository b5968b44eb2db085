import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Channel, Message } from 'amqplib';
import { AmqpLink, LinkClosedError, PublishRefusedError, type AmqpConnection } from './amqp-link.ts';
import { sleep, type Migration, type PostgresDatabase } from './postgres-database.ts';
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

/**
 * The fleet queue: messages travel through RabbitMQ (3.10 or later), their bookkeeping lives in PostgreSQL.
 *
 * Broker side, per queue name (prefix `ironbots.<name>`):
 * - one durable classic queue per label set (`….work.<labels>`, `x-max-priority`), so an agent reads only
 *   the queues whose label sets its own labels cover; a fanout exchange tells every process about a new set.
 *   Quorum queues would survive a node loss better, but in 3.10 they have no priorities.
 * - one queue per delay (`….delay.<ms>ms`, `x-message-ttl`, dead-lettering back to the default exchange),
 *   reached through a headers exchange: nack backoff, `delayMs`, and lease expiry (below) all wait there.
 *
 * Database side, one row per message: state, attempts, lease, dead-letter reason, dedup key (unique),
 * and `live_copy`, the one broker copy that currently stands for the message.
 *
 * A lease is a row update plus a *timer copy*: the consumer acks the delivered copy and publishes a new
 * one into the delay queue of the visibility timeout. If the lease is acked first, the timer copy surfaces
 * later, finds the row no longer pointing at it, and is dropped; if the holder died, it surfaces as the
 * message's redelivery. Every broker copy carries its own id, and only the copy the row points at can
 * change the row (a compare-and-set), so duplicate or stale copies — after a reconnect, an extend, a crash
 * between steps — are discarded, never run twice. A row always changes before its new copy is sent, and
 * is marked once the broker confirmed the copy; a copy a crashed process never sent is sent by any
 * process's sweeper after a grace period. So nothing is lost and nothing is delivered twice.
 */
export interface RabbitMqQueueOptions {
  /** amqp://user:password@host:port/vhost */
  amqpUrl: string;
  /** Where the bookkeeping lives; shared with other queues and the job records, and not closed by close(). */
  database: PostgresDatabase;
  /** Which queue, e.g. 'events' or 'jobs'. */
  name: string;
  tuning?: Partial<QueueTuning>;
  /** Prefix of this queue's broker queues and exchanges. Default `ironbots.<name>`. */
  brokerPrefix?: string;
  /** Finished messages (and so their dedup keys) are kept this long. Default 7 days. */
  retentionMs?: number;
  /** How often this process looks for copies another process recorded but never sent. Default 10 s. */
  sweepIntervalMs?: number;
  /** A copy recorded but not confirmed sent for this long is sent again. Default 30 s. */
  unsentGraceMs?: number;
  /** Connection trouble, retries, and poison messages: for the log. Never contains the password. */
  onTrouble?: (message: string) => void;
  connectRetry?: { initialMs: number; maxMs: number };
  /** Stops waiting for an unreachable broker at open. */
  signal?: AbortSignal;
}

const MIGRATIONS: Migration[] = [
  {
    sql: `CREATE TABLE queue_messages (
       seq BIGSERIAL PRIMARY KEY,
       id TEXT NOT NULL UNIQUE,
       queue TEXT NOT NULL,
       payload TEXT NOT NULL,
       labels TEXT[] NOT NULL,
       priority INTEGER NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
       attempt INTEGER NOT NULL,
       max_attempts INTEGER NOT NULL,
       available_at BIGINT NOT NULL,
       enqueued_at BIGINT NOT NULL,
       lease_token TEXT,
       lease_holder TEXT,
       lease_expires_at BIGINT,
       finished_at BIGINT,
       dedup_key TEXT,
       reason TEXT,
       live_copy TEXT,
       copy_sent BOOLEAN NOT NULL DEFAULT false,
       changed_at BIGINT NOT NULL
     );
     CREATE UNIQUE INDEX queue_messages_dedup ON queue_messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
     CREATE INDEX queue_messages_state ON queue_messages (queue, state);
     CREATE INDEX queue_messages_leases ON queue_messages (queue, lease_expires_at) WHERE state = 'leased';
     CREATE INDEX queue_messages_unsent ON queue_messages (queue, changed_at)
       WHERE NOT copy_sent AND state IN ('queued', 'leased');
     CREATE INDEX queue_messages_finished ON queue_messages (queue, state, finished_at)
       WHERE state IN ('done', 'dead');
     CREATE TABLE queue_broker_queues (
       queue TEXT NOT NULL,
       broker_queue TEXT NOT NULL,
       kind TEXT NOT NULL CHECK (kind IN ('work', 'delay')),
       labels TEXT[] NOT NULL,
       PRIMARY KEY (queue, broker_queue)
     );`,
  },
  {
    // Cancelling: a `cancelled` state, and why a leased message was cancelled while its holder runs it.
    sql: `ALTER TABLE queue_messages DROP CONSTRAINT queue_messages_state_check;
     ALTER TABLE queue_messages ADD CONSTRAINT queue_messages_state_check
       CHECK (state IN ('queued', 'leased', 'done', 'dead', 'cancelled'));
     ALTER TABLE queue_messages ADD COLUMN cancel_reason TEXT;
     CREATE INDEX queue_messages_newest ON queue_messages (queue, seq DESC);`,
  },
];

const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
const PURGE_INTERVAL_MS = 60_000;
/** A waiting lease also re-reads the label sets this often, in case it missed a notice during a reconnect. */
const LABEL_SET_REFRESH_MS = 5_000;
/** RabbitMQ's advice is at most 10 priority levels per queue; priorities -1 … 9 map onto 0 … 10. */
const BROKER_MAX_PRIORITY = 10;
/** An unused delay queue is deleted by the broker this long after its last declaration. */
const DELAY_QUEUE_IDLE_MS = 30 * 60_000;
const DELAY_HEADER = 'ironbots_delay';
/** The longest poison body kept in its dead letter. */
const POISON_KEEP_BYTES = 16 * 1024;

const EXPIRED_REASON = `format('lease expired on attempt %s of %s, no attempts left (last holder: %s)',
  attempt, max_attempts, coalesce(lease_holder, 'unknown'))`;
/** How a lease that ran out ends for good: cancelled if somebody cancelled it meanwhile, else dead. */
const EXPIRED_END = `state = CASE WHEN cancel_reason IS NULL THEN 'dead' ELSE 'cancelled' END,
  reason = coalesce(cancel_reason, ${EXPIRED_REASON})`;
const COLUMNS =
  'seq, id, payload, labels, priority, state, attempt, max_attempts, enqueued_at, finished_at, reason, lease_holder, cancel_reason';

interface MessageRow {
  seq: number;
  id: string;
  payload: string;
  labels: string[];
  priority: number;
  state: MessageState;
  attempt: number;
  max_attempts: number;
  enqueued_at: number;
  finished_at: number | null;
  reason: string | null;
  lease_holder: string | null;
  cancel_reason: string | null;
}

/** What travels through the broker: which message, which copy of it, and its place in line. */
interface Envelope {
  id: string;
  copy: string;
  seq: number;
  priority: number;
}

interface WorkQueue {
  name: string;
  labels: string[];
}

/** What a copy needs to be sent again: the row's identity and where it waits. */
interface CopyTarget {
  id: string;
  copy: string;
  seq: number;
  priority: number;
  labels: string[];
}

/** What one enqueue stores. */
interface NewRow {
  payloadJson: string;
  labels: string[];
  priority: number;
  maxAttempts: number;
  delayMs: number;
  dedupKey: string | null;
}

/** A stored row (its copy still to send), or the id of the message that already had the dedup key. */
type StoredRow =
  { id: string; copy: string; seq: number; duplicate: false } | { id: string; duplicate: true };

type ClaimOutcome =
  | { kind: 'leased'; row: MessageRow; lease: { token: string; expiresAt: number }; copy: string }
  | { kind: 'rearm'; target: CopyTarget; delayMs: number }
  | { kind: 'discard' };

export class RabbitMqQueue<T> implements Queue<T> {
  readonly name: string;
  readonly #db: PostgresDatabase;
  readonly #tuning: QueueTuning;
  readonly #prefix: string;
  readonly #retentionMs: number;
  readonly #unsentGraceMs: number;
  readonly #onTrouble: (message: string) => void;
  readonly #closing = new AbortController();
  /** 'label-sets' when a new label set appeared (here or elsewhere). */
  readonly #events = new EventEmitter();
  #link!: AmqpLink;
  #closed = false;
  #sweeper: NodeJS.Timeout | undefined;
  #lastPurgeAt = -Infinity;
  /** Declared work queues by label key. */
  readonly #workQueues = new Map<string, Promise<WorkQueue>>();
  /** Declared delay queues by TTL, with when they were last declared (declaring resets x-expires). */
  readonly #delayQueues = new Map<number, { at: number; declared: Promise<void> }>();
  #candidates = new Map<string, { at: number; version: number; queues: Promise<WorkQueue[]> }>();
  #labelSetVersion = 0;
  /** Enqueues waiting for the next batched INSERT. */
  #pendingInserts: {
    row: NewRow;
    resolve(stored: StoredRow): void;
    reject(error: unknown): void;
  }[] = [];
  /** Batched INSERTs under way; awaited by close(). */
  readonly #inserting = new Set<Promise<void>>();
  /** Copies sent and not yet noted as sent (copy_sent): the next flush notes them together. */
  #pendingMarks: { id: string; copy: string }[] = [];
  /** Marks of sent copies still being written; awaited by close(). */
  readonly #marking = new Set<Promise<unknown>>();

  private constructor(options: RabbitMqQueueOptions) {
    this.name = options.name;
    this.#db = options.database;
    this.#tuning = { ...defaultQueueTuning, ...options.tuning };
    this.#prefix = options.brokerPrefix ?? `ironbots.${options.name}`;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.#unsentGraceMs = options.unsentGraceMs ?? 30_000;
    this.#onTrouble = options.onTrouble ?? (() => undefined);
    this.#events.setMaxListeners(0);
  }

  /** Connects (waiting out an unreachable broker with backoff) and brings the database schema up to date. */
  static async open<T>(options: RabbitMqQueueOptions): Promise<RabbitMqQueue<T>> {
    if (!/^[A-Za-z0-9._-]+$/.test(options.name))
      throw new Error(`queue name ${JSON.stringify(options.name)}: use letters, digits, . _ -`);
    const queue = new RabbitMqQueue<T>(options);
    await options.database.migrate('rabbitmq_queue', MIGRATIONS);
    queue.#link = await AmqpLink.open(
      {
        url: options.amqpUrl,
        connectionName: `ironbots ${queue.#prefix} pid ${process.pid}`,
        onTrouble: queue.#onTrouble,
        ...(options.connectRetry ? { retry: options.connectRetry } : {}),
        onConnect: (connection) => queue.#onConnect(connection),
      },
      options.signal,
    );
    const sweepIntervalMs = options.sweepIntervalMs ?? 10_000;
    queue.#sweeper = setInterval(() => void queue.#sweep(), sweepIntervalMs);
    queue.#sweeper.unref();
    return queue;
  }

  /** The broker connection's name, as `rabbitmqctl list_connections client_properties` shows it. */
  get connectionName(): string {
    return `ironbots ${this.#prefix} pid ${process.pid}`;
  }

  /** Shared exchanges, and this process's subscription to news of label sets; again after every reconnect. */
  async #onConnect(connection: AmqpConnection): Promise<void> {
    const channel = await connection.channel();
    await channel.assertExchange(this.#delayExchange, 'headers', { durable: true });
    await channel.assertExchange(this.#noticeExchange, 'fanout', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, this.#noticeExchange, '');
    await channel.consume(queue, () => this.#labelSetsChanged(), { noAck: true });
    // Declarations made on the lost connection may be gone with the broker's state (an expired delay queue).
    this.#delayQueues.clear();
    this.#labelSetsChanged();
  }

  get #delayExchange(): string {
    return `${this.#prefix}.delay`;
  }

  get #noticeExchange(): string {
    return `${this.#prefix}.label-sets`;
  }

  #labelSetsChanged(): void {
    this.#labelSetVersion++;
    this.#events.emit('label-sets');
  }

  async enqueue(payload: T, options: EnqueueOptions = {}): Promise<{ id: string; duplicate: boolean }> {
    this.#assertOpen();
    const payloadJson = options.payloadJson ?? serializePayload(payload);
    const labels = canonicalLabels(options.labels ?? []);
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) throw new TypeError(`priority must be an integer, got ${priority}`);
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    // The label set is known (and its queue declared) before any consumer could look for the message.
    await this.#workQueue(labels);
    const row: NewRow = {
      payloadJson,
      labels,
      priority,
      maxAttempts: options.maxAttempts ?? this.#tuning.maxAttempts,
      delayMs,
      dedupKey: options.dedupKey ?? null,
    };
    const stored = await new Promise<StoredRow>((resolve, reject) => {
      this.#pendingInserts.push({ row, resolve, reject });
      // After the I/O callbacks of this turn: enqueues that arrived together share one INSERT and commit.
      if (this.#pendingInserts.length === 1) setImmediate(() => void this.#flushInserts());
    });
    if (stored.duplicate) return { id: stored.id, duplicate: true };
    // Durable now: if sending fails for good, a sweeper sends it later.
    await this.#sendCopy(
      { id: stored.id, copy: stored.copy, seq: stored.seq, priority, labels },
      delayMs,
    ).catch((error) => {
      if (!(error instanceof LinkClosedError)) throw error;
    });
    return { id: stored.id, duplicate: false };
  }

  /**
   * Group commit: the rows of every enqueue waiting go into PostgreSQL in one multi-row INSERT (one commit,
   * one round trip), in the order they were enqueued. Should the batch fail, each row is tried alone, so
   * that a bad one fails only its own enqueue.
   */
  async #flushInserts(): Promise<void> {
    const batch = this.#pendingInserts;
    this.#pendingInserts = [];
    if (batch.length === 0) return;
    const flushed = (async () => {
      let results: StoredRow[] | null = null;
      if (batch.length > 1) {
        try {
          results = await this.#insertRows(batch.map((item) => item.row));
        } catch {
          results = null;
        }
      }
      if (results) {
        batch.forEach((item, i) => item.resolve(results[i]!));
        return;
      }
      await Promise.all(batch.map((item) => this.#insertRow(item.row).then(item.resolve, item.reject)));
    })();
    this.#inserting.add(flushed);
    await flushed.finally(() => this.#inserting.delete(flushed));
  }

  /** One INSERT for several rows; a dedup key already taken (or taken earlier in the batch) yields its id. */
  async #insertRows(rows: NewRow[]): Promise<StoredRow[]> {
    const now = Date.now();
    const ids = rows.map(() => randomUUID());
    const copies = rows.map(() => randomUUID());
    const { rows: inserted } = await this.#db.pool.query<{ id: string; seq: number }>(
      `INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
         available_at, enqueued_at, dedup_key, live_copy, copy_sent, changed_at)
       SELECT r.id, $1, r.payload, ARRAY(SELECT jsonb_array_elements_text(r.labels::jsonb)), r.priority,
         'queued', 0, r.max_attempts, $2 + r.delay_ms, $2, r.dedup_key, r.copy, false, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::bigint[], $9::text[], $10::text[])
         WITH ORDINALITY AS r(id, payload, labels, priority, max_attempts, delay_ms, dedup_key, copy, n)
       ORDER BY r.n
       ON CONFLICT (queue, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
       RETURNING id, seq`,
      [
        this.name,
        now,
        ids,
        rows.map((r) => r.payloadJson),
        rows.map((r) => JSON.stringify(r.labels)),
        rows.map((r) => r.priority),
        rows.map((r) => r.maxAttempts),
        rows.map((r) => r.delayMs),
        rows.map((r) => r.dedupKey),
        copies,
      ],
    );
    const seqById = new Map(inserted.map((r) => [r.id, r.seq]));
    const skippedKeys = rows.filter((r, i) => !seqById.has(ids[i]!)).map((r) => r.dedupKey);
    const existing = new Map<string | null, string>();
    if (skippedKeys.length > 0) {
      const { rows: found } = await this.#db.pool.query<{ id: string; dedup_key: string }>(
        'SELECT id, dedup_key FROM queue_messages WHERE queue = $1 AND dedup_key = ANY($2::text[])',
        [this.name, skippedKeys],
      );
      for (const r of found) existing.set(r.dedup_key, r.id);
    }
    return Promise.all(
      rows.map(async (row, i): Promise<StoredRow> => {
        const seq = seqById.get(ids[i]!);
        if (seq !== undefined) return { id: ids[i]!, copy: copies[i]!, seq, duplicate: false };
        const id = existing.get(row.dedupKey);
        // Purged between the insert and the look-up: the key is free again.
        return id !== undefined ? { id, duplicate: true } : this.#insertRow(row);
      }),
    );
  }

  /** The row of one enqueue on its own. */
  async #insertRow(row: NewRow): Promise<StoredRow> {
    for (;;) {
      const now = Date.now();
      const id = randomUUID();
      const copy = randomUUID();
      const { rows } = await this.#db.pool.query<{ seq: number }>(
        `INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
           available_at, enqueued_at, dedup_key, live_copy, copy_sent, changed_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $9, $10, false, $8)
         ON CONFLICT (queue, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
         RETURNING seq`,
        [
          id,
          this.name,
          row.payloadJson,
          row.labels,
          row.priority,
          row.maxAttempts,
          now + row.delayMs,
          now,
          row.dedupKey,
          copy,
        ],
      );
      if (rows[0]) return { id, copy, seq: rows[0].seq, duplicate: false };
      const existing = await this.#db.pool.query<{ id: string }>(
        'SELECT id FROM queue_messages WHERE queue = $1 AND dedup_key = $2',
        [this.name, row.dedupKey],
      );
      if (existing.rows[0]) return { id: existing.rows[0].id, duplicate: true };
      // Purged between the insert and the look-up: the key is free again.
    }
  }

  async lease(consumer: Consumer, options: LeaseOptions): Promise<Lease<T> | null> {
    this.#assertOpen();
    const { signal } = options;
    if (signal?.aborted) return null;
    const offered = canonicalLabels(consumer.labels);
    const waitUntil = performance.now() + (options.waitMs ?? 0);
    try {
      for (;;) {
        let taken: Lease<T> | null;
        try {
          const candidates = await this.#candidateQueues(offered);
          taken = await this.#takeBest(candidates, consumer.name, options.visibilityTimeoutMs);
        } catch (error) {
          // A connection that dropped mid-way (or a queue deleted under us): look again while time is left.
          if (this.#closed || waitUntil - performance.now() <= 0) throw error;
          this.#onTrouble(`queue ${this.name}: lease failed, trying again: ${(error as Error).message}`);
          this.#candidates.clear();
          if (await sleep(200, signal)) return null;
          continue;
        }
        if (taken) return taken;
        const remainingMs = waitUntil - performance.now();
        if (remainingMs <= 0) return null;
        const candidates = await this.#candidateQueues(offered);
        const arrived = await this.#waitAndTake(
          candidates,
          consumer.name,
          options.visibilityTimeoutMs,
          Math.min(remainingMs, LABEL_SET_REFRESH_MS),
          signal,
        );
        if (arrived) return arrived;
        if (signal?.aborted || this.#closed) return null;
      }
    } catch (error) {
      // Closing ends waits; whatever they were doing is settled by leases expiring, not lost.
      if (this.#closed && (error instanceof LinkClosedError || error instanceof QueueClosedError))
        return null;
      throw error;
    }
  }

  /** The work queues whose label sets the consumer's labels cover; re-read when a set is added. */
  #candidateQueues(offered: string[]): Promise<WorkQueue[]> {
    const key = offered.join('\0');
    const cached = this.#candidates.get(key);
    const now = Date.now();
    if (cached && cached.version === this.#labelSetVersion && now - cached.at < LABEL_SET_REFRESH_MS)
      return cached.queues;
    const queues = this.#db.pool
      .query<{ broker_queue: string; labels: string[] }>(
        `SELECT broker_queue, labels FROM queue_broker_queues
         WHERE queue = $1 AND kind = 'work' AND labels <@ $2::text[] ORDER BY broker_queue`,
        [this.name, offered],
      )
      .then(({ rows }) => rows.map((row) => ({ name: row.broker_queue, labels: row.labels })));
    this.#candidates.set(key, { at: now, version: this.#labelSetVersion, queues });
    queues.catch(() => this.#candidates.delete(key));
    return queues;
  }

  /**
   * Takes the head of every candidate queue and leases the best of them (highest priority, then oldest);
   * the others go back where they were. Heads that turn out stale are dropped and the next one is taken.
   */
  async #takeBest(
    candidates: WorkQueue[],
    holder: string,
    visibilityTimeoutMs: number,
  ): Promise<Lease<T> | null> {
    if (candidates.length === 0) return null;
    return this.#link.run(async (connection) =>
      this.#takeBestOn(await connection.channel(), candidates, holder, visibilityTimeoutMs),
    );
  }

  async #takeBestOn(
    channel: Channel,
    candidates: WorkQueue[],
    holder: string,
    visibilityTimeoutMs: number,
  ): Promise<Lease<T> | null> {
    const heads: { queue: WorkQueue; message: Message; envelope: Envelope }[] = [];
    const fetchHead = async (queue: WorkQueue): Promise<void> => {
      for (;;) {
        const message = await channel.get(queue.name, { noAck: false });
        if (!message) return;
        const envelope = decodeEnvelope(message.content);
        if (envelope) {
          heads.push({ queue, message, envelope });
          return;
        }
        try {
          await this.#buryPoison(queue, message);
        } catch (error) {
          safeNack(channel, message);
          throw error;
        }
        safeAck(channel, message);
      }
    };
    try {
      await Promise.all(candidates.map(fetchHead));
      for (;;) {
        heads.sort((a, b) => b.envelope.priority - a.envelope.priority || a.envelope.seq - b.envelope.seq);
        const best = heads.shift();
        if (!best) return null;
        let lease: Lease<T> | null;
        try {
          lease = await this.#settleDelivery(
            channel,
            best.message,
            best.envelope,
            holder,
            visibilityTimeoutMs,
          );
        } catch (error) {
          // PostgreSQL or the broker went away half-way: this channel lives on, so a delivery left unsettled
          // here would stay unacked, and its job unleasable, for as long as the connection does.
          safeNack(channel, best.message);
          throw error;
        }
        if (lease) return lease;
        await fetchHead(best.queue);
      }
    } finally {
      for (const head of heads) safeNack(channel, head.message);
    }
  }

  /**
   * Waits up to `ms` for a delivery on any candidate queue and tries to lease it. Returns null when the
   * time is up, a new label set appeared, the connection dropped, or the wait was aborted: the caller
   * then looks again. Deliveries not taken go back to their queues when the channel closes.
   */
  async #waitAndTake(
    candidates: WorkQueue[],
    holder: string,
    visibilityTimeoutMs: number,
    ms: number,
    signal: AbortSignal | undefined,
  ): Promise<Lease<T> | null> {
    const connection = await this.#link.ready();
    const inbox: { queue: WorkQueue; message: Message }[] = [];
    let stop = false;
    let wake: () => void = () => undefined;
    const poke = () => wake();
    const end = () => {
      stop = true;
      wake();
    };
    const timer = setTimeout(end, ms);
    signal?.addEventListener('abort', end);
    this.#closing.signal.addEventListener('abort', end);
    this.#events.on('label-sets', end);
    let channel: Channel | undefined;
    try {
      channel = await connection.model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', end);
      // One unacknowledged delivery per queue: the rest stay available to other agents.
      await channel.prefetch(1, false);
      for (const queue of candidates) {
        if (stop) break;
        await channel.consume(
          queue.name,
          (message) => {
            if (!message) return end(); // The broker cancelled the consumer (queue deleted).
            inbox.push({ queue, message });
            poke();
          },
          { noAck: false },
        );
      }
      for (;;) {
        const next = inbox.shift();
        if (next) {
          const envelope = decodeEnvelope(next.message.content);
          if (!envelope) {
            await this.#buryPoison(next.queue, next.message);
            safeAck(channel, next.message);
            continue;
          }
          const lease = await this.#settleDelivery(
            channel,
            next.message,
            envelope,
            holder,
            visibilityTimeoutMs,
          );
          if (lease) return lease;
          continue;
        }
        if (stop) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (error) {
      // A queue deleted under us or a dropped connection: look again from the top.
      if (this.#closed || error instanceof LinkClosedError) throw error;
      this.#onTrouble(
        `queue ${this.name}: waiting for work failed, looking again: ${(error as Error).message}`,
      );
      this.#candidates.clear();
      await sleep(200, signal);
      return null;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      this.#closing.signal.removeEventListener('abort', end);
      this.#events.off('label-sets', end);
      // Closing requeues what was delivered but not taken. amqplib never settles a channel close that
      // races the connection's close, so that wait is bounded.
      if (channel) await settleWithin(channel.close(), this.#closed ? 0 : 5_000);
    }
  }

  /**
   * Decides what a delivered copy means: a lease for this consumer, a lease timer that fired early (armed
   * again), or a stale copy (dropped). The delivery is acked once its successor copy is confirmed.
   */
  async #settleDelivery(
    channel: Channel,
    message: Message,
    envelope: Envelope,
    holder: string,
    visibilityTimeoutMs: number,
  ): Promise<Lease<T> | null> {
    const outcome = await this.#claim(envelope, holder, visibilityTimeoutMs);
    if (outcome.kind === 'discard') {
      safeAck(channel, message);
      return null;
    }
    if (outcome.kind === 'rearm') {
      await this.#sendCopy(outcome.target, outcome.delayMs);
      safeAck(channel, message);
      return null;
    }
    const { row, lease, copy } = outcome;
    await this.#sendCopy(
      { id: row.id, copy, seq: row.seq, priority: row.priority, labels: row.labels },
      visibilityTimeoutMs,
    );
    safeAck(channel, message);
    return { message: toMessage<T>(row), token: lease.token, expiresAt: lease.expiresAt };
  }

  /** The compare-and-set at the heart of it: only the copy the row points at may lease the message. */
  async #claim(envelope: Envelope, holder: string, visibilityTimeoutMs: number): Promise<ClaimOutcome> {
    const now = Date.now();
    const token = randomUUID();
    const copy = randomUUID();
    const expiresAt = now + visibilityTimeoutMs;
    const { rows } = await this.#db.pool.query<MessageRow>(
      `UPDATE queue_messages SET state = 'leased', attempt = attempt + 1, lease_token = $1, lease_holder = $2,
         lease_expires_at = $3, live_copy = $4, copy_sent = false, changed_at = $5
       WHERE queue = $6 AND id = $7 AND live_copy = $8
         AND (state = 'queued' OR (state = 'leased' AND lease_expires_at <= $5 AND attempt < max_attempts
           AND cancel_reason IS NULL))
       RETURNING ${COLUMNS}`,
      [token, holder, expiresAt, copy, now, this.name, envelope.id, envelope.copy],
    );
    if (rows[0]) return { kind: 'leased', row: rows[0], lease: { token, expiresAt }, copy };

    // Not leasable: find out why. Only a lease timer that is still ours needs more than dropping the copy.
    const { rows: current } = await this.#db.pool.query<{
      state: MessageState;
      lease_expires_at: number | null;
      labels: string[];
      priority: number;
      seq: number;
    }>(
      `SELECT state, lease_expires_at, labels, priority, seq FROM queue_messages
       WHERE queue = $1 AND id = $2 AND live_copy = $3`,
      [this.name, envelope.id, envelope.copy],
    );
    const row = current[0];
    if (!row || row.state !== 'leased' || row.lease_expires_at === null) return { kind: 'discard' };
    if (row.lease_expires_at <= now) {
      // Its last attempt hung: dead-lettered, never delivered once more than allowed. Or it was cancelled
      // while leased and its holder never came back: it ends cancelled.
      await this.#db.pool.query(
        `UPDATE queue_messages SET ${EXPIRED_END}, finished_at = $1,
           lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, changed_at = $1
         WHERE queue = $2 AND id = $3 AND live_copy = $4 AND state = 'leased'`,
        [now, this.name, envelope.id, envelope.copy],
      );
      return { kind: 'discard' };
    }
    // The timer fired before the lease ends (clocks of two hosts disagree): arm it for the rest.
    const rearmed = await this.#db.pool.query(
      `UPDATE queue_messages SET live_copy = $1, copy_sent = false, changed_at = $2
       WHERE queue = $3 AND id = $4 AND live_copy = $5 AND state = 'leased'`,
      [copy, now, this.name, envelope.id, envelope.copy],
    );
    if (rearmed.rowCount !== 1) return { kind: 'discard' };
    return {
      kind: 'rearm',
      target: { id: envelope.id, copy, seq: row.seq, priority: row.priority, labels: row.labels },
      delayMs: row.lease_expires_at - now,
    };
  }

  async extend(lease: Lease<T>, visibilityTimeoutMs: number): Promise<Lease<T>> {
    this.#assertOpen();
    const now = Date.now();
    const expiresAt = now + visibilityTimeoutMs;
    const copy = randomUUID();
    const { rows } = await this.#db.pool.query<{
      seq: number;
      priority: number;
      labels: string[];
      cancel_reason: string | null;
    }>(
      `UPDATE queue_messages SET lease_expires_at = $1, live_copy = $2, copy_sent = false, changed_at = $3
       WHERE queue = $4 AND id = $5 AND state = 'leased' AND lease_token = $6
       RETURNING seq, priority, labels, cancel_reason`,
      [expiresAt, copy, now, this.name, lease.message.id, lease.token],
    );
    const row = rows[0];
    if (!row) throw new LeaseLostError(lease.message.id);
    const { cancel_reason: cancelReason, ...target } = row;
    // The old timer copy is now stale and will be dropped when it surfaces.
    await this.#sendCopy({ id: lease.message.id, copy, ...target }, visibilityTimeoutMs);
    return { ...lease, expiresAt, ...(cancelReason !== null ? { cancelRequested: cancelReason } : {}) };
  }

  async ack(lease: Lease<T>): Promise<void> {
    this.#assertOpen();
    const now = Date.now();
    const { rowCount } = await this.#db.pool.query(
      `UPDATE queue_messages SET state = CASE WHEN cancel_reason IS NULL THEN 'done' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, finished_at = $1, reason = cancel_reason,
         changed_at = $1
       WHERE queue = $2 AND id = $3 AND state = 'leased' AND lease_token = $4`,
      [now, this.name, lease.message.id, lease.token],
    );
    if (rowCount !== 1) throw new LeaseLostError(lease.message.id);
    await this.#purgeFinishedOccasionally(now);
  }

  async nack(lease: Lease<T>, options: { reason: string; retry: boolean }): Promise<NackResult> {
    this.#assertOpen();
    const { id } = lease.message;
    const now = Date.now();
    // The stored row, not the caller's copy, decides whether an attempt is left.
    const { rows } = await this.#db.pool.query<{
      attempt: number;
      max_attempts: number;
      cancel_reason: string | null;
    }>(
      `SELECT attempt, max_attempts, cancel_reason FROM queue_messages
       WHERE queue = $1 AND id = $2 AND state = 'leased' AND lease_token = $3`,
      [this.name, id, lease.token],
    );
    const held = rows[0];
    if (!held) throw new LeaseLostError(id);
    if (held.cancel_reason !== null) {
      const ended = await this.#db.pool.query(
        `UPDATE queue_messages SET state = 'cancelled', lease_token = NULL, lease_expires_at = NULL,
           live_copy = NULL, finished_at = $1, reason = cancel_reason, changed_at = $1
         WHERE queue = $2 AND id = $3 AND state = 'leased' AND lease_token = $4`,
        [now, this.name, id, lease.token],
      );
      if (ended.rowCount !== 1) throw new LeaseLostError(id);
      return { outcome: 'cancelled' };
    }
    if (options.retry && held.attempt < held.max_attempts) {
      const delayMs = backoffMs(this.#tuning, held.attempt);
      const copy = randomUUID();
      const retried = await this.#db.pool.query<{ seq: number; priority: number; labels: string[] }>(
        `UPDATE queue_messages SET state = 'queued', lease_token = NULL, lease_expires_at = NULL,
           available_at = $1, reason = $2, live_copy = $3, copy_sent = false, changed_at = $4
         WHERE queue = $5 AND id = $6 AND state = 'leased' AND lease_token = $7 AND cancel_reason IS NULL
         RETURNING seq, priority, labels`,
        [now + delayMs, options.reason, copy, now, this.name, id, lease.token],
      );
      const row = retried.rows[0];
      // Lost, or cancelled since the look above: the look again says which.
      if (!row) return this.nack(lease, options);
      await this.#sendCopy({ id, copy, ...row }, delayMs);
      return { outcome: 'retry', availableAt: now + delayMs };
    }
    const reason = options.retry
      ? `${options.reason} (attempt ${held.attempt} of ${held.max_attempts}, no attempts left)`
      : options.reason;
    const buried = await this.#db.pool.query<{ state: MessageState }>(
      `UPDATE queue_messages SET state = CASE WHEN cancel_reason IS NULL THEN 'dead' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, live_copy = NULL, finished_at = $1,
         reason = coalesce(cancel_reason, $2), changed_at = $1
       WHERE queue = $3 AND id = $4 AND state = 'leased' AND lease_token = $5
       RETURNING state`,
      [now, reason, this.name, id, lease.token],
    );
    const buriedRow = buried.rows[0];
    if (!buriedRow) throw new LeaseLostError(id);
    return { outcome: buriedRow.state === 'cancelled' ? 'cancelled' : 'dead' };
  }

  state(id: string): Promise<MessageStatus<T> | null> {
    return this.#statusWhere('id', id);
  }

  findByDedupKey(dedupKey: string): Promise<MessageStatus<T> | null> {
    return this.#statusWhere('dedup_key', dedupKey);
  }

  /** The one message of this queue whose unique `column` holds `value`, as it is now. */
  async #statusWhere(column: 'id' | 'dedup_key', value: string): Promise<MessageStatus<T> | null> {
    this.#assertOpen();
    await this.#settleExpiredLeases();
    const { rows } = await this.#db.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND ${column} = $2`,
      [this.name, value],
    );
    return rows[0] ? toStatus<T>(rows[0]) : null;
  }

  async list(options: ListOptions): Promise<MessageStatus<T>[]> {
    this.#assertOpen();
    await this.#settleExpiredLeases();
    const limit = Math.max(0, Math.floor(options.limit));
    const { rows } = await this.#db.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND ($2::text IS NULL OR state = $2)
       ORDER BY seq DESC LIMIT $3`,
      [this.name, options.state ?? null, limit],
    );
    return rows.map((row) => toStatus<T>(row));
  }

  /**
   * One statement decides, so a delivery racing the cancel is either before it (then the message is leased
   * and its holder is told) or after it (then the copy finds the row cancelled and is dropped). A lease that
   * already ran out counts as queued: its timer copy must not deliver it again.
   */
  async cancel(id: string, reason: string): Promise<CancelResult<T>> {
    this.#assertOpen();
    const now = Date.now();
    const { rows } = await this.#db.pool.query<MessageRow>(
      `UPDATE queue_messages SET
         state = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN 'cancelled' ELSE state END,
         finished_at = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN $1 ELSE finished_at END,
         reason = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN coalesce(cancel_reason, $2)
           ELSE reason END,
         live_copy = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE live_copy END,
         lease_token = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE lease_token END,
         lease_expires_at = CASE WHEN state = 'queued' OR lease_expires_at <= $1 THEN NULL ELSE lease_expires_at END,
         cancel_reason = coalesce(cancel_reason, $2),
         changed_at = $1
       WHERE queue = $3 AND id = $4 AND state IN ('queued', 'leased')
       RETURNING ${COLUMNS}`,
      [now, reason, this.name, id],
    );
    const changed = rows[0];
    if (changed)
      return {
        outcome: changed.state === 'cancelled' ? 'cancelled' : 'cancelling',
        status: toStatus<T>(changed),
      };
    const { rows: ended } = await this.#db.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND id = $2`,
      [this.name, id],
    );
    return ended[0] ? { outcome: 'finished', status: toStatus<T>(ended[0]) } : { outcome: 'unknown' };
  }

  async deadLetters(): Promise<DeadLetter<T>[]> {
    this.#assertOpen();
    await this.#settleExpiredLeases();
    const { rows } = await this.#db.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM queue_messages WHERE queue = $1 AND state = 'dead' ORDER BY finished_at, seq`,
      [this.name],
    );
    return rows.map((row) => ({
      message: toMessage<T>(row),
      reason: row.reason ?? 'unknown',
      deadAt: row.finished_at ?? 0,
    }));
  }

  async redrive(id: string): Promise<void> {
    this.#assertOpen();
    const now = Date.now();
    const copy = randomUUID();
    const { rows } = await this.#db.pool.query<{ seq: number; priority: number; labels: string[] }>(
      `UPDATE queue_messages SET state = 'queued', attempt = 0, available_at = $1, reason = NULL,
         finished_at = NULL, live_copy = $2, copy_sent = false, changed_at = $1
       WHERE queue = $3 AND id = $4 AND state = 'dead'
       RETURNING seq, priority, labels`,
      [now, copy, this.name, id],
    );
    const row = rows[0];
    if (!row) throw new Error(`message ${id} is not dead-lettered in queue ${this.name}`);
    await this.#sendCopy({ id, copy, ...row }, 0);
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen();
    await this.#settleExpiredLeases();
    const stats: QueueStats = { queued: 0, leased: 0, done: 0, dead: 0, cancelled: 0 };
    const { rows } = await this.#db.pool.query<{ state: MessageState; count: number }>(
      'SELECT state, count(*)::integer AS count FROM queue_messages WHERE queue = $1 GROUP BY state',
      [this.name],
    );
    for (const row of rows) stats[row.state] = row.count;
    return stats;
  }

  /**
   * For the read-only calls: expired leases count as queued again (their timer copy is the redelivery)
   * or, on the last attempt, as dead — whether or not a consumer has met the timer copy yet.
   */
  async #settleExpiredLeases(): Promise<void> {
    const now = Date.now();
    await this.#db.pool.query(
      `UPDATE queue_messages SET
         state = CASE WHEN cancel_reason IS NOT NULL THEN 'cancelled'
           WHEN attempt >= max_attempts THEN 'dead' ELSE 'queued' END,
         reason = CASE WHEN cancel_reason IS NOT NULL THEN cancel_reason
           WHEN attempt >= max_attempts THEN ${EXPIRED_REASON} ELSE reason END,
         finished_at = CASE WHEN cancel_reason IS NOT NULL OR attempt >= max_attempts THEN $1 ELSE finished_at END,
         live_copy = CASE WHEN cancel_reason IS NOT NULL OR attempt >= max_attempts THEN NULL ELSE live_copy END,
         available_at = $1, lease_token = NULL, lease_expires_at = NULL, changed_at = $1
       WHERE queue = $2 AND state = 'leased' AND lease_expires_at <= $1`,
      [now, this.name],
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    clearInterval(this.#sweeper);
    await this.#flushInserts();
    await Promise.allSettled([...this.#inserting]);
    this.#flushMarks();
    await Promise.allSettled([...this.#marking]);
    await this.#link?.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new QueueClosedError(this.name);
  }

  /**
   * Sends a copy to its label set's work queue, or through the delay queue for `delayMs`, and once the
   * broker confirmed it, notes that in the row (only if the row still points at this copy).
   */
  async #sendCopy(target: CopyTarget, delayMs: number): Promise<void> {
    const body = Buffer.from(
      JSON.stringify({
        id: target.id,
        copy: target.copy,
        seq: target.seq,
        priority: target.priority,
      } satisfies Envelope),
    );
    const properties = {
      messageId: target.copy,
      priority: brokerPriority(target.priority),
      contentType: 'application/json',
      timestamp: Math.floor(Date.now() / 1000),
    };
    for (let attempt = 1; ; attempt++) {
      const work = await this.#workQueue(target.labels);
      try {
        if (delayMs <= 0) {
          await this.#link.publish('', work.name, body, properties);
        } else {
          const ttl = Math.ceil(delayMs);
          await this.#delayQueue(ttl);
          await this.#link.publish(this.#delayExchange, work.name, body, {
            ...properties,
            headers: { [DELAY_HEADER]: String(ttl) },
          });
        }
        break;
      } catch (error) {
        // Unroutable: a queue expired or was deleted behind our back. Declare again, once.
        if (!(error instanceof PublishRefusedError) || attempt > 1) throw error;
        this.#workQueues.delete(target.labels.join('\0'));
        this.#delayQueues.clear();
      }
    }
    this.#pendingMarks.push({ id: target.id, copy: target.copy });
    if (this.#pendingMarks.length === 1) setImmediate(() => this.#flushMarks());
  }

  /** Notes the copies sent since the last call as sent, in one UPDATE: a busy intake sends many at once. */
  #flushMarks(): void {
    const marks = this.#pendingMarks;
    this.#pendingMarks = [];
    if (marks.length === 0) return;
    const marked = this.#db.pool
      .query(
        `UPDATE queue_messages AS m SET copy_sent = true
         FROM unnest($2::text[], $3::text[]) AS sent(id, copy)
         WHERE m.queue = $1 AND m.id = sent.id AND m.live_copy = sent.copy`,
        [this.name, marks.map((m) => m.id), marks.map((m) => m.copy)],
      )
      .catch((error: Error) =>
        this.#onTrouble(`queue ${this.name}: could not note a sent copy: ${error.message}`),
      )
      .finally(() => this.#marking.delete(marked));
    this.#marking.add(marked);
  }

  /** The durable work queue of a label set, declared on first use and made known to every consumer. */
  #workQueue(labels: string[]): Promise<WorkQueue> {
    const key = labels.join('\0');
    let declared = this.#workQueues.get(key);
    if (!declared) {
      declared = (async () => {
        const name = workQueueName(this.#prefix, labels);
        await this.#link.run(async (connection) => {
          const channel = await connection.channel();
          await channel.assertQueue(name, {
            durable: true,
            arguments: { 'x-max-priority': BROKER_MAX_PRIORITY },
          });
        });
        const { rowCount } = await this.#db.pool.query(
          `INSERT INTO queue_broker_queues (queue, broker_queue, kind, labels) VALUES ($1, $2, 'work', $3)
           ON CONFLICT DO NOTHING`,
          [this.name, name, labels],
        );
        if (rowCount === 1) {
          this.#labelSetsChanged();
          // Best effort: a process that misses it re-reads the label sets within LABEL_SET_REFRESH_MS.
          await this.#link
            .run(async (connection) =>
              (await connection.channel()).publish(this.#noticeExchange, '', Buffer.from(name)),
            )
            .catch(() => undefined);
        }
        return { name, labels };
      })();
      this.#workQueues.set(key, declared);
      declared.catch(() => this.#workQueues.delete(key));
    }
    return declared;
  }

  /** The delay queue for one TTL; declared again now and then, which keeps the broker from expiring it. */
  async #delayQueue(ttl: number): Promise<void> {
    const now = Date.now();
    const known = this.#delayQueues.get(ttl);
    if (known && now - known.at < DELAY_QUEUE_IDLE_MS / 4) return known.declared;
    const name = `${this.#prefix}.delay.${ttl}ms`;
    const declared = this.#link.run(async (connection) => {
      const channel = await connection.channel();
      await channel.assertQueue(name, {
        durable: true,
        arguments: {
          'x-message-ttl': ttl,
          // Back through the default exchange, to the work queue named by the routing key it was sent with.
          'x-dead-letter-exchange': '',
          'x-expires': ttl + DELAY_QUEUE_IDLE_MS,
        },
      });
      await channel.bindQueue(name, this.#delayExchange, '', {
        'x-match': 'all',
        [DELAY_HEADER]: String(ttl),
      });
    });
    const recorded = declared.then(async () => {
      await this.#db.pool.query(
        `INSERT INTO queue_broker_queues (queue, broker_queue, kind, labels) VALUES ($1, $2, 'delay', '{}')
         ON CONFLICT DO NOTHING`,
        [this.name, name],
      );
    });
    this.#delayQueues.set(ttl, { at: now, declared: recorded });
    recorded.catch(() => this.#delayQueues.delete(ttl));
    return recorded;
  }

  /** An undecodable broker message becomes a dead letter that says what arrived and where. */
  async #buryPoison(queue: WorkQueue, message: Message): Promise<void> {
    const now = Date.now();
    const body = message.content.subarray(0, POISON_KEEP_BYTES).toString('utf8');
    const reason =
      `undecodable message in ${queue.name} (${message.content.length} bytes` +
      `${message.properties.messageId ? `, message id ${message.properties.messageId}` : ''}): ` +
      `not an ironbots queue envelope`;
    this.#onTrouble(`queue ${this.name}: ${reason}; dead-lettered`);
    await this.#db.pool.query(
      `INSERT INTO queue_messages (id, queue, payload, labels, priority, state, attempt, max_attempts,
         available_at, enqueued_at, finished_at, reason, copy_sent, changed_at)
       VALUES ($1, $2, $3, $4, 0, 'dead', 0, $5, $6, $6, $6, $7, true, $6)`,
      [randomUUID(), this.name, JSON.stringify(body), queue.labels, this.#tuning.maxAttempts, now, reason],
    );
  }

  /** Copies a crashed process recorded but never sent: sent now by whoever notices first. */
  async #sweep(): Promise<void> {
    if (this.#closed) return;
    try {
      const now = Date.now();
      const { rows } = await this.#db.pool.query<{
        id: string;
        live_copy: string;
        seq: number;
        priority: number;
        labels: string[];
        state: MessageState;
        available_at: number;
        lease_expires_at: number | null;
      }>(
        `SELECT id, live_copy, seq, priority, labels, state, available_at, lease_expires_at FROM queue_messages
         WHERE queue = $1 AND NOT copy_sent AND state IN ('queued', 'leased') AND changed_at < $2
           AND live_copy IS NOT NULL
         ORDER BY changed_at LIMIT 100`,
        [this.name, now - this.#unsentGraceMs],
      );
      for (const row of rows) {
        if (this.#closed) return;
        const due = row.state === 'leased' ? (row.lease_expires_at ?? now) : row.available_at;
        await this.#sendCopy(
          { id: row.id, copy: row.live_copy, seq: row.seq, priority: row.priority, labels: row.labels },
          due - now,
        );
      }
      await this.#purgeFinishedOccasionally(now);
    } catch (error) {
      if (!this.#closed)
        this.#onTrouble(`queue ${this.name}: sweeping unsent copies failed: ${(error as Error).message}`);
    }
  }

  /** Done and cancelled rows past retention go, and with them their dedup keys. Dead letters stay until redriven. */
  async #purgeFinishedOccasionally(now: number): Promise<void> {
    if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
    this.#lastPurgeAt = now;
    await this.#db.pool.query(
      `DELETE FROM queue_messages WHERE queue = $1 AND state IN ('done', 'cancelled') AND finished_at < $2`,
      [this.name, now - this.#retentionMs],
    );
  }

  /** Runs `sweep` at once (for tests and `ironbots queue` maintenance) instead of waiting for its interval. */
  async sweepNow(): Promise<void> {
    await this.#sweep();
  }
}

/**
 * Deletes every broker queue and exchange of a queue name, and its rows (tests; decommissioning). Runs on
 * a connection of its own, so it works on a queue that is already closed.
 */
export async function destroyRabbitMqQueue(options: {
  amqpUrl: string;
  database: PostgresDatabase;
  name: string;
  brokerPrefix?: string;
}): Promise<void> {
  const prefix = options.brokerPrefix ?? `ironbots.${options.name}`;
  const link = await AmqpLink.open({ url: options.amqpUrl, connectionName: `ironbots destroy ${prefix}` });
  try {
    const channel = await (await link.ready()).channel();
    const { rows } = await options.database.pool.query<{ broker_queue: string }>(
      'SELECT broker_queue FROM queue_broker_queues WHERE queue = $1',
      [options.name],
    );
    for (const row of rows) await channel.deleteQueue(row.broker_queue);
    await channel.deleteExchange(`${prefix}.delay`);
    await channel.deleteExchange(`${prefix}.label-sets`);
    await options.database.pool.query('DELETE FROM queue_broker_queues WHERE queue = $1', [options.name]);
    await options.database.pool.query('DELETE FROM queue_messages WHERE queue = $1', [options.name]);
  } finally {
    await link.close();
  }
}

/** Readable when the labels allow it (`….work.kvm+x86_64`), else a hash; `any` for no labels. */
function workQueueName(prefix: string, labels: string[]): string {
  if (labels.length === 0) return `${prefix}.work.any`;
  const readable = labels.join('+');
  if (/^[A-Za-z0-9._-]+(\+[A-Za-z0-9._-]+)*$/.test(readable) && readable.length <= 120)
    return `${prefix}.work.${readable}`;
  return `${prefix}.work.h-${createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 24)}`;
}

function brokerPriority(priority: number): number {
  return Math.max(0, Math.min(BROKER_MAX_PRIORITY, priority + 1));
}

function decodeEnvelope(content: Buffer): Envelope | null {
  try {
    const value = JSON.parse(content.toString('utf8')) as Partial<Envelope> | null;
    if (
      value &&
      typeof value.id === 'string' &&
      typeof value.copy === 'string' &&
      Number.isSafeInteger(value.seq) &&
      Number.isSafeInteger(value.priority)
    )
      return value as Envelope;
  } catch {
    // Falls through: not JSON.
  }
  return null;
}

/** An ack on a channel that has closed is moot: the broker requeued the copy, which is stale by now. */
function safeAck(channel: Channel, message: Message): void {
  try {
    channel.ack(message);
  } catch {
    // See above.
  }
}

/** Waits for `promise` at most `ms`, ignoring how it ends. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

function safeNack(channel: Channel, message: Message): void {
  try {
    channel.nack(message, false, true);
  } catch {
    // The channel closed: the broker requeued it anyway.
  }
}

/** Sorted and without repeats, so equal label sets are stored equally. */
function canonicalLabels(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort();
}

function toStatus<T>(row: MessageRow): MessageStatus<T> {
  return statusFromRow(row, toMessage<T>(row));
}

function toMessage<T>(row: MessageRow): QueuedMessage<T> {
  return {
    id: row.id,
    payload: JSON.parse(row.payload) as T,
    labels: row.labels,
    priority: row.priority,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    enqueuedAt: row.enqueued_at,
  };
}
