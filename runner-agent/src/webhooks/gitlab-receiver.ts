import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../../../core/http/responses.ts';
import {
  acceptDelivery,
  header,
  intakeSettings,
  readDeliveryBody,
  type ReceiverOptions,
} from './delivery-intake.ts';

export type GitLabReceiverOptions = ReceiverOptions;

/**
 * The event a GitLab delivery carries, from its X-Gitlab-Event header: "Merge Request Hook" →
 * `merge_request`, "Push Hook" → `push`, "Note Hook" → `note` (as the payload's object_kind says).
 */
export function gitlabEventName(headerValue: string): string {
  return headerValue
    .replace(/\s*Hook$/i, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '_');
}

/**
 * Receives GitLab webhook deliveries. GitLab does not sign bodies: it sends the hook's secret token back in
 * X-Gitlab-Token, compared here in constant time before a byte of the body is read. A delivery's id is its
 * Idempotency-Key (one per event and hook, kept when GitLab or a person resends it), else its
 * X-Gitlab-Event-UUID. GitLab disables a hook after repeated 4xx answers, so a valid delivery never gets one.
 *
 * 401 missing or wrong token · 400 no X-Gitlab-Event or no delivery id, malformed JSON, nested too deeply ·
 * 413 too large · 202 queued · 200 duplicate · 503 with Retry-After: overloaded or queue unavailable.
 */
export function createGitLabReceiver(options: GitLabReceiverOptions) {
  const { limit, pending, idleTimeoutMs, clock, count } = intakeSettings(options);
  const { logger, events } = options;
  // Compared as digests: equal lengths, so timingSafeEqual cannot leak the secret's length.
  const secretDigest = createHash('sha256').update(options.secret).digest();

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return sendError(res, 405, 'webhooks are POSTed', { allow: 'POST' });
    const eventHeader = header(req, 'x-gitlab-event');
    const event = eventHeader ? gitlabEventName(eventHeader) : undefined;
    const token = header(req, 'x-gitlab-token');
    if (!token || !timingSafeEqual(createHash('sha256').update(token).digest(), secretDigest)) {
      req.resume();
      count(event, 'bad-signature');
      logger.warn({ event }, token ? 'GitLab webhook token mismatch' : 'GitLab webhook without a token');
      return sendError(
        res,
        401,
        token
          ? 'X-Gitlab-Token does not match'
          : 'missing X-Gitlab-Token: configure the webhook with the secret token',
      );
    }
    const deliveryId = header(req, 'idempotency-key') ?? header(req, 'x-gitlab-event-uuid');
    const missing = [
      !event && 'X-Gitlab-Event',
      !deliveryId && 'Idempotency-Key or X-Gitlab-Event-UUID',
    ].filter(Boolean);
    if (missing.length) {
      req.resume();
      count(event, 'bad-request');
      return sendError(res, 400, `missing header ${missing.join(', ')}`);
    }
    const read = await readDeliveryBody(req, res, {
      limit,
      pending,
      idleTimeoutMs,
      logger,
      count,
      event: event!,
      deliveryId: deliveryId!,
    });
    if (!read) return;
    try {
      await acceptDelivery(read.body, res, {
        forge: 'gitlab',
        event: event!,
        deliveryId: deliveryId!,
        events,
        logger,
        count,
        clock,
      });
    } finally {
      read.release();
    }
  };
}
