import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../../core/logger.ts';
import {
  BodyBudgetExhaustedError,
  BodyTooLargeError,
  ByteBudget,
  isClientGone,
  readBodyWithin,
  type BodyRead,
} from '../../../core/http/body.ts';
import { sendError, sendJson } from '../../../core/http/responses.ts';
import type { Queue } from '../queue/queue.ts';
import { commentPayloadProblem } from './comment-events.ts';
import { deliveryDedupKey, type WebhookDelivery } from './delivery.ts';

/**
 * What every forge's receiver does alike once it knows who sent a delivery: read the body within its
 * limits, refuse what no forge sends, and enqueue durably before answering (so an answered delivery is
 * never lost; a redelivery of the same id is answered 200 and stores nothing).
 */

/** Deeper JSON is not from a forge, and recursive code further on (the queue, the planner) need not cope. */
export const MAX_PAYLOAD_DEPTH = 64;

export type DeliveryOutcome =
  | 'queued'
  | 'duplicate'
  | 'ping'
  | 'bad-signature'
  | 'bad-request'
  | 'too-large'
  | 'too-deep'
  | 'overloaded'
  | 'queue-unavailable';

/** How each delivery was answered, by event, for metrics. */
export type OutcomeCounter = (event: string | undefined, outcome: DeliveryOutcome) => void;

/** GitHub caps payloads at 25 MB (GitLab at less); anything larger is not from a forge. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** All deliveries being received (not yet verified) hold at most this much memory together. */
export const MAX_PENDING_WEBHOOK_BYTES = 64 * 1024 * 1024;
/** A sender that sends nothing for this long is cut off (forges send their whole body at once). */
export const WEBHOOK_BODY_IDLE_MS = 10_000;

/** What every forge's receiver takes. */
export interface ReceiverOptions {
  /** The shared secret: GitHub signs bodies with it, GitLab sends it back as X-Gitlab-Token. */
  secret: string;
  events: Queue<WebhookDelivery>;
  logger: Logger;
  maxBodyBytes?: number;
  /** Cap on the bytes of all deliveries being received at once; over it → 503 with Retry-After. */
  maxPendingBytes?: number;
  bodyIdleMs?: number;
  clock?: () => Date;
  /** How each delivery was answered, for metrics. */
  onOutcome?: (event: string, outcome: DeliveryOutcome) => void;
}

/** A receiver's limits and counters, with their defaults: one memory budget per receiver. */
export function intakeSettings(options: ReceiverOptions): {
  limit: number;
  pending: ByteBudget;
  idleTimeoutMs: number;
  clock: () => Date;
  count: OutcomeCounter;
} {
  return {
    limit: options.maxBodyBytes ?? MAX_WEBHOOK_BYTES,
    pending: new ByteBudget(options.maxPendingBytes ?? MAX_PENDING_WEBHOOK_BYTES),
    idleTimeoutMs: options.bodyIdleMs ?? WEBHOOK_BODY_IDLE_MS,
    clock: options.clock ?? (() => new Date()),
    count: (event, outcome) => options.onOutcome?.(event ?? 'unknown', outcome),
  };
}

/**
 * Reads the body within `limit` bytes and the shared budget; answers 413/503 (and drops the connection) or
 * gives up on a sender that went away, returning null then. The caller releases what it got.
 */
export async function readDeliveryBody(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    limit: number;
    pending: ByteBudget;
    idleTimeoutMs: number;
    onChunk?: (chunk: Buffer) => void;
    logger: Logger;
    count: OutcomeCounter;
    event: string;
    deliveryId: string;
  },
): Promise<BodyRead | null> {
  const { logger, count, event, deliveryId, limit, pending } = options;
  try {
    return await readBodyWithin(req, limit, {
      budget: pending,
      idleTimeoutMs: options.idleTimeoutMs,
      ...(options.onChunk ? { onChunk: options.onChunk } : {}),
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError || error instanceof BodyBudgetExhaustedError) {
      const tooLarge = error instanceof BodyTooLargeError;
      logger.warn(
        { deliveryId, event, limit, pendingBytes: pending.held },
        tooLarge ? 'webhook body too large' : 'too many webhook bytes in progress: delivery refused',
      );
      count(event, tooLarge ? 'too-large' : 'overloaded');
      // Don't read the rest: answer, then drop the connection.
      res.once('finish', () => req.destroy());
      if (tooLarge) sendError(res, 413, error.message, { connection: 'close' });
      else sendError(res, 503, error.message, { connection: 'close', 'retry-after': '5' });
      return null;
    }
    if (isClientGone(error, req)) {
      logger.debug(
        { deliveryId, event, err: error },
        'webhook sender went away before the body was complete',
      );
      return null;
    }
    throw error;
  }
}

/**
 * A verified body: parsed (400 for what is not a JSON object or nests too deep, or a comment event without
 * the fields a command needs), answered 200 for a ping,
 * else enqueued and answered 202 (200 for a duplicate), or 503 with Retry-After when the queue is down.
 */
export async function acceptDelivery(
  body: Buffer,
  res: ServerResponse,
  options: {
    forge: WebhookDelivery['forge'];
    event: string;
    deliveryId: string;
    events: Queue<WebhookDelivery>;
    logger: Logger;
    count: OutcomeCounter;
    clock: () => Date;
    ping?: boolean;
  },
): Promise<void> {
  const { event, deliveryId, logger, count } = options;
  // Invalid UTF-8 in a verified body becomes U+FFFD: a signature was over the bytes as sent.
  const text = body.toString('utf8');
  let payload: unknown;
  try {
    // V8 parses without recursion, so even absurd nesting is only checked afterwards.
    payload = JSON.parse(text);
  } catch {
    count(event, 'bad-request');
    return sendError(res, 400, 'payload is not valid JSON');
  }
  if (typeof payload !== 'object' || payload === null) {
    count(event, 'bad-request');
    return sendError(res, 400, 'payload must be a JSON object');
  }
  if (nestingExceeds(payload, MAX_PAYLOAD_DEPTH)) {
    logger.warn({ deliveryId, event }, 'webhook payload nested too deeply');
    count(event, 'too-deep');
    return sendError(res, 400, `payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
  if (options.ping) {
    count(event, 'ping');
    return sendJson(res, 200, { ok: true, pong: deliveryId });
  }
  // A comment may carry a command: one that lacks what a command needs is refused before it is queued.
  const problem = commentPayloadProblem(options.forge, event, payload);
  if (problem) {
    logger.warn({ deliveryId, event, problem }, 'comment delivery refused');
    count(event, 'bad-request');
    return sendError(res, 400, problem);
  }
  const delivery: WebhookDelivery = {
    forge: options.forge,
    deliveryId,
    event,
    receivedAt: options.clock().toISOString(),
    payload,
  };
  let queued: { id: string; duplicate: boolean };
  try {
    queued = await options.events.enqueue(delivery, {
      dedupKey: deliveryDedupKey(delivery),
      payloadJson: deliveryJson(delivery, text),
    });
  } catch (error) {
    logger.error({ err: error, deliveryId, event }, 'could not enqueue webhook delivery');
    count(event, 'queue-unavailable');
    return sendError(res, 503, 'queue unavailable; redeliver later', { 'retry-after': '30' });
  }
  logger.info(
    { forge: options.forge, deliveryId, event, messageId: queued.id, duplicate: queued.duplicate },
    'webhook delivery queued',
  );
  count(event, queued.duplicate ? 'duplicate' : 'queued');
  sendJson(res, queued.duplicate ? 200 : 202, {
    queued: !queued.duplicate,
    duplicate: queued.duplicate,
    id: queued.id,
  });
}

/**
 * Whether a parsed JSON value nests arrays and objects deeper than `max`. Walks the containers only (a
 * payload's bulk is in its strings) and without recursion, so no depth overflows the stack.
 */
export function nestingExceeds(value: unknown, max: number): boolean {
  const pending: { value: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) pending.push({ value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.depth > max) return true;
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}

/**
 * The delivery's JSON with the payload spliced in as the text it was parsed from, which is valid JSON of the
 * same value: serializing a 10–30 KB payload again costs more than storing it.
 */
function deliveryJson(delivery: WebhookDelivery, payloadText: string): string {
  const { payload: _parsed, ...envelope } = delivery;
  const head = JSON.stringify(envelope);
  return `${head.slice(0, -1)},"payload":${payloadText}}`;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value || undefined;
}
