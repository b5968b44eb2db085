import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../../core/logger.ts';
import type { Queue } from '../queue/queue.ts';
import {
  BodyBudgetExhaustedError,
  BodyTooLargeError,
  ByteBudget,
  isClientGone,
  readBodyWithin,
  type BodyRead,
} from '../../../core/http/body.ts';
import { sendError, sendJson } from '../../../core/http/responses.ts';
import { deliveryDedupKey, type WebhookDelivery } from './delivery.ts';

/** GitHub caps payloads at 25 MB; anything larger is not from GitHub. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** All deliveries being received (not yet verified) hold at most this much memory together. */
export const MAX_PENDING_WEBHOOK_BYTES = 64 * 1024 * 1024;
/** A sender that sends nothing for this long is cut off (GitHub sends its whole body at once). */
export const WEBHOOK_BODY_IDLE_MS = 10_000;
/** Deeper JSON is not from GitHub, and recursive code further on (the queue, the planner) need not cope. */
export const MAX_PAYLOAD_DEPTH = 64;

export interface GitHubReceiverOptions {
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

/**
 * Receives GitHub webhook deliveries. It only verifies and stores: interpreting an event needs the forge,
 * which may be slow or down, so that happens later in the planner. The 2xx is sent after the enqueue is
 * durable, so an answered delivery is never lost.
 *
 * Until its signature is checked a body is anybody's: the HMAC is computed over the raw bytes as they
 * stream in, all bodies being received share one memory budget, and a sender that stalls is cut off.
 *
 * 401 bad or missing signature · 400 missing event/delivery headers, malformed JSON or JSON nested deeper
 * than 64 levels · 413 too large · 202 queued · 200 duplicate delivery id (GitHub's redeliver re-uses it)
 * or ping · 503 with Retry-After: too many deliveries in progress, or queue unavailable.
 */
export function createGitHubReceiver(options: GitHubReceiverOptions) {
  const limit = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  const pending = new ByteBudget(options.maxPendingBytes ?? MAX_PENDING_WEBHOOK_BYTES);
  const bodyIdleMs = options.bodyIdleMs ?? WEBHOOK_BODY_IDLE_MS;
  const clock = options.clock ?? (() => new Date());
  const { logger, events, secret } = options;
  const count = (event: string | undefined, outcome: DeliveryOutcome) =>
    options.onOutcome?.(event ?? 'unknown', outcome);

  const receiveGitHubWebhook = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 405, 'webhooks are POSTed', { allow: 'POST' });
    const event = header(req, 'x-github-event');
    const deliveryId = header(req, 'x-github-delivery');
    const signature = header(req, 'x-hub-signature-256');
    const missing = [!event && 'X-GitHub-Event', !deliveryId && 'X-GitHub-Delivery'].filter(Boolean);
    if (missing.length) {
      req.resume();
      count(event, 'bad-request');
      return sendError(res, 400, `missing header ${missing.join(', ')}`);
    }
    const expected = signature ? parseSignature(signature) : undefined;
    if (!expected) {
      req.resume();
      count(event, 'bad-signature');
      return sendError(
        res,
        401,
        signature
          ? 'X-Hub-Signature-256 is not sha256=<64 hex digits>'
          : 'missing X-Hub-Signature-256: configure the webhook with the shared secret',
      );
    }

    const hmac = createHmac('sha256', secret);
    let read: BodyRead;
    try {
      read = await readBodyWithin(req, limit, {
        budget: pending,
        idleTimeoutMs: bodyIdleMs,
        onChunk: (chunk) => hmac.update(chunk),
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
        return;
      }
      if (isClientGone(error, req)) {
        logger.debug(
          { deliveryId, event, err: error },
          'webhook sender went away before the body was complete',
        );
        return;
      }
      throw error;
    }
    try {
      await receiveVerifiedBody(read.body, hmac.digest(), expected, event!, deliveryId!, res);
    } finally {
      read.release();
    }
  };
  /** Bytes of deliveries being received right now, for metrics and tests. */
  return Object.assign(receiveGitHubWebhook, { pendingBytes: () => pending.held });

  async function receiveVerifiedBody(
    body: Buffer,
    digest: Buffer,
    expected: Buffer,
    event: string,
    deliveryId: string,
    res: ServerResponse,
  ): Promise<void> {
    if (!timingSafeEqual(digest, expected)) {
      logger.warn({ deliveryId, event }, 'webhook signature mismatch');
      count(event, 'bad-signature');
      return sendError(res, 401, 'signature does not match the payload');
    }
    if (nestingExceeds(body, MAX_PAYLOAD_DEPTH)) {
      logger.warn({ deliveryId, event }, 'webhook payload nested too deeply');
      count(event, 'too-deep');
      return sendError(res, 400, `payload is nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    }
    // Invalid UTF-8 in a correctly signed body becomes U+FFFD: the signature was over the bytes as sent.
    const text = body.toString('utf8');

    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      count(event, 'bad-request');
      return sendError(res, 400, 'payload is not valid JSON');
    }
    if (typeof payload !== 'object' || payload === null) {
      count(event, 'bad-request');
      return sendError(res, 400, 'payload must be a JSON object');
    }
    if (event === 'ping') {
      count(event, 'ping');
      return sendJson(res, 200, { ok: true, pong: deliveryId });
    }

    const delivery: WebhookDelivery = {
      forge: 'github',
      deliveryId,
      event,
      receivedAt: clock().toISOString(),
      payload,
    };
    let queued: { id: string; duplicate: boolean };
    try {
      queued = await events.enqueue(delivery, { dedupKey: deliveryDedupKey(delivery) });
    } catch (error) {
      logger.error({ err: error, deliveryId, event }, 'could not enqueue webhook delivery');
      count(event, 'queue-unavailable');
      return sendError(res, 503, 'queue unavailable; redeliver later', { 'retry-after': '30' });
    }
    logger.info(
      { deliveryId, event, messageId: queued.id, duplicate: queued.duplicate },
      'webhook delivery queued',
    );
    count(event, queued.duplicate ? 'duplicate' : 'queued');
    sendJson(res, queued.duplicate ? 200 : 202, {
      queued: !queued.duplicate,
      duplicate: queued.duplicate,
      id: queued.id,
    });
  }
}

/** The 32 bytes of `sha256=<64 hex>`, or undefined when the header has another shape. */
function parseSignature(header: string): Buffer | undefined {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, in one pass over the bytes and without
 * parsing: brackets inside strings do not count.
 */
export function nestingExceeds(json: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i]!;
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value || undefined;
}
