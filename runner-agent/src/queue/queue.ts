/**
 * The durable work queue between the planner and the agents.
 *
 * Semantics every implementation must honour (checked by test/queue/queue-contract.ts):
 * - `enqueue` is durable when its promise resolves; a `dedupKey` seen before in the same queue returns the
 *   existing message id with `duplicate: true` and stores nothing new.
 * - `lease` hands a message to one consumer whose labels are a superset of the message's labels, highest
 *   priority first, FIFO within a priority. The lease is invisible to others until `visibilityTimeoutMs`
 *   passes; then the message is delivered again (a crashed agent's job is not lost).
 * - `ack` finishes the message. `nack` with `retry: true` makes it available again after a capped
 *   exponential backoff; once `maxAttempts` deliveries are used up (by nacks or by expired leases) the
 *   message is dead-lettered: kept and listed by `deadLetters`, never dropped.
 * - Acting on a lease that has expired and was re-delivered throws `LeaseLostError`.
 * - `cancel` takes a queued message out of delivery at once (state `cancelled`: kept, listed, never delivered
 *   again, its dedup key still used). A leased one stays with its holder, who learns it from `cancelRequested`
 *   on its next `extend`; its `ack` or `nack` then ends it as `cancelled`, and so does its lease expiring.
 *   Cancelling a message that already ended, or an unknown id, says so in the result; it never throws.
 */

export interface Consumer {
  /** Who holds the lease; shown in dead-letter reasons and stats. */
  name: string;
  /** What the consumer offers; it gets messages whose labels are a subset of these. */
  labels: readonly string[];
}

export interface EnqueueOptions {
  /** At most one message per key per queue, ever (until the message is purged after retention). */
  dedupKey?: string;
  /** Higher is served first. Default 0. */
  priority?: number;
  /** Labels a consumer must all have. Default none. */
  labels?: readonly string[];
  /** Overrides the queue's default attempt limit for this message. */
  maxAttempts?: number;
  /** Not deliverable before this many milliseconds from now. */
  delayMs?: number;
  /**
   * The payload's JSON text, when the caller has it already (a webhook body it just parsed): stored instead
   * of serializing the payload again. It must be JSON of the same value.
   */
  payloadJson?: string;
}

export interface QueuedMessage<T> {
  id: string;
  payload: T;
  labels: string[];
  priority: number;
  /** 1 on the first delivery, incremented on every delivery. */
  attempt: number;
  maxAttempts: number;
  /** Epoch milliseconds. */
  enqueuedAt: number;
}

export interface Lease<T> {
  message: QueuedMessage<T>;
  /** Opaque; identifies this particular delivery. */
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * Set by `extend` once somebody cancelled the message (why, e.g. "by alice"): the holder should stop the
   * work; its ack or nack ends the message as cancelled.
   */
  cancelRequested?: string;
}

export interface LeaseOptions {
  visibilityTimeoutMs: number;
  /** Wait up to this long for a matching message. Default 0: answer at once. */
  waitMs?: number;
  signal?: AbortSignal;
}

/** `cancelled`: the message was cancelled while leased, so it ends cancelled whatever the nack asked for. */
export type NackResult =
  { outcome: 'retry'; availableAt: number } | { outcome: 'dead' } | { outcome: 'cancelled' };

export interface DeadLetter<T> {
  message: QueuedMessage<T>;
  reason: string;
  /** Epoch milliseconds. */
  deadAt: number;
}

export type MessageState = 'queued' | 'leased' | 'done' | 'dead' | 'cancelled';

export const MESSAGE_STATES: readonly MessageState[] = ['queued', 'leased', 'done', 'dead', 'cancelled'];

export interface QueueStats {
  queued: number;
  leased: number;
  done: number;
  dead: number;
  cancelled: number;
}

/** Where a message is: what `state` and `list` answer. */
export interface MessageStatus<T> {
  state: MessageState;
  message: QueuedMessage<T>;
  /** Why it died, or why it was cancelled. */
  reason?: string;
  /** Who holds it, or held it last (a consumer's name), if anybody did. */
  holder?: string;
  /** A leased message somebody cancelled: why. Its holder learns it on its next extend. */
  cancelRequested?: string;
}

/**
 * What `cancel` did: `cancelled` (it was queued: never delivered now), `cancelling` (it is leased: its holder
 * stops it), `finished` (it had already ended, in `state`), or `unknown` (no such id).
 */
export type CancelResult<T> =
  | { outcome: 'cancelled'; status: MessageStatus<T> }
  | { outcome: 'cancelling'; status: MessageStatus<T> }
  | { outcome: 'finished'; status: MessageStatus<T> }
  | { outcome: 'unknown' };

export interface ListOptions {
  /** Only messages in this state. Default: every state. */
  state?: MessageState;
  /** At most this many, newest first. */
  limit: number;
}

export interface Queue<T> {
  readonly name: string;
  enqueue(payload: T, options?: EnqueueOptions): Promise<{ id: string; duplicate: boolean }>;
  lease(consumer: Consumer, options: LeaseOptions): Promise<Lease<T> | null>;
  /** Heartbeat for long jobs: push the lease's expiry to now + visibilityTimeoutMs. */
  extend(lease: Lease<T>, visibilityTimeoutMs: number): Promise<Lease<T>>;
  ack(lease: Lease<T>): Promise<void>;
  nack(lease: Lease<T>, options: { reason: string; retry: boolean }): Promise<NackResult>;
  /** Where a message is now, or null for an unknown id. */
  state(id: string): Promise<MessageStatus<T> | null>;
  /**
   * The message that took `dedupKey` (in any state, until it is purged), or null: whether something keyed so
   * was asked for already, before acting on it again.
   */
  findByDedupKey(dedupKey: string): Promise<MessageStatus<T> | null>;
  /** Messages newest first (by enqueue order), with their payloads. */
  list(options: ListOptions): Promise<MessageStatus<T>[]>;
  /** Cancels a message (see above); `reason` says who and why, e.g. "by alice (superseded)". */
  cancel(id: string, reason: string): Promise<CancelResult<T>>;
  deadLetters(): Promise<DeadLetter<T>[]>;
  /** Put a dead-lettered message back with a fresh attempt budget. */
  redrive(id: string): Promise<void>;
  stats(): Promise<QueueStats>;
  close(): Promise<void>;
}

export interface QueueTuning {
  /** Default attempt limit. */
  maxAttempts: number;
  /** Backoff after the n-th failed attempt is min(backoffBaseMs * 2^(n-1), backoffCapMs). */
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const defaultQueueTuning: QueueTuning = {
  maxAttempts: 3,
  backoffBaseMs: 5_000,
  backoffCapMs: 300_000,
};

export function backoffMs(tuning: QueueTuning, failedAttempt: number): number {
  return Math.min(tuning.backoffBaseMs * 2 ** Math.max(0, failedAttempt - 1), tuning.backoffCapMs);
}

/** A message's status from the columns both SQL-backed queues keep. */
export function statusFromRow<T>(
  row: {
    state: MessageState;
    reason: string | null;
    lease_holder: string | null;
    cancel_reason: string | null;
  },
  message: QueuedMessage<T>,
): MessageStatus<T> {
  return {
    state: row.state,
    message,
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.lease_holder ? { holder: row.lease_holder } : {}),
    ...(row.state === 'leased' && row.cancel_reason !== null ? { cancelRequested: row.cancel_reason } : {}),
  };
}

/** The JSON text a queue stores for a payload; what is not representable as JSON fails its own enqueue. */
export function serializePayload(payload: unknown): string {
  const json = JSON.stringify(payload);
  if (json === undefined)
    throw new TypeError(`a queue payload must be representable as JSON, got ${typeof payload}`);
  return json;
}

export function labelsSatisfied(required: readonly string[], offered: readonly string[]): boolean {
  const have = new Set(offered);
  return required.every((label) => have.has(label));
}

export class LeaseLostError extends Error {
  constructor(messageId: string) {
    super(`lease on message ${messageId} was lost: it expired and the message was delivered again`);
    this.name = 'LeaseLostError';
  }
}

export class QueueClosedError extends Error {
  constructor(name: string) {
    super(`queue ${name} is closed`);
    this.name = 'QueueClosedError';
  }
}
