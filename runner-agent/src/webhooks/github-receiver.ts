import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../../../core/http/responses.ts';
import {
  acceptDelivery,
  header,
  intakeSettings,
  readDeliveryBody,
  type ReceiverOptions,
} from './delivery-intake.ts';

export {
  MAX_PAYLOAD_DEPTH,
  MAX_PENDING_WEBHOOK_BYTES,
  MAX_WEBHOOK_BYTES,
  WEBHOOK_BODY_IDLE_MS,
  nestingExceeds,
  type DeliveryOutcome,
} from './delivery-intake.ts';

export type GitHubReceiverOptions = ReceiverOptions;

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
  const { limit, pending, idleTimeoutMs, clock, count } = intakeSettings(options);
  const { logger, events, secret } = options;

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
    const read = await readDeliveryBody(req, res, {
      limit,
      pending,
      idleTimeoutMs,
      onChunk: (chunk) => hmac.update(chunk),
      logger,
      count,
      event: event!,
      deliveryId: deliveryId!,
    });
    if (!read) return;
    try {
      if (!timingSafeEqual(hmac.digest(), expected)) {
        logger.warn({ deliveryId, event }, 'webhook signature mismatch');
        count(event, 'bad-signature');
        return sendError(res, 401, 'signature does not match the payload');
      }
      await acceptDelivery(read.body, res, {
        forge: 'github',
        event: event!,
        deliveryId: deliveryId!,
        events,
        logger,
        count,
        clock,
        ping: event === 'ping',
      });
    } finally {
      read.release();
    }
  };
  /** Bytes of deliveries being received right now, for metrics and tests. */
  return Object.assign(receiveGitHubWebhook, { pendingBytes: () => pending.held });
}

/** The 32 bytes of `sha256=<64 hex>`, or undefined when the header has another shape. */
function parseSignature(header: string): Buffer | undefined {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}
