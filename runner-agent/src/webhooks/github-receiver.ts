import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Logger } from '../../../core/logger.ts';
import type { Queue } from '../queue/queue.ts';
import { BodyTooLargeError, readBody } from '../../../core/http/body.ts';
import { sendError, sendJson } from '../../../core/http/responses.ts';
import { deliveryDedupKey, type WebhookDelivery } from './delivery.ts';

/** GitHub caps payloads at 25 MB; anything larger is not from GitHub. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface GitHubReceiverOptions {
  secret: string;
  events: Queue<WebhookDelivery>;
  logger: Logger;
  maxBodyBytes?: number;
  clock?: () => Date;
  /** How each delivery was answered, for metrics. */
  onOutcome?: (event: string, outcome: DeliveryOutcome) => void;
}

export type DeliveryOutcome =
  'queued' | 'duplicate' | 'ping' | 'bad-signature' | 'bad-request' | 'too-large' | 'queue-unavailable';

/**
 * Receives GitHub webhook deliveries. It only verifies and stores: interpreting an event needs the forge,
 * which may be slow or down, so that happens later in the planner. The 2xx is sent after the enqueue is
 * durable, so an answered delivery is never lost.
 *
 * 401 bad or missing signature · 400 missing event/delivery headers or malformed JSON · 413 too large ·
 * 202 queued · 200 duplicate delivery id (GitHub's redeliver re-uses it) or ping · 503 queue unavailable.
 */
export function createGitHubReceiver(options: GitHubReceiverOptions) {
  const limit = options.maxBodyBytes ?? MAX_WEBHOOK_BYTES;
  const clock = options.clock ?? (() => new Date());
  const { logger, events, secret } = options;
  const count = (event: string | undefined, outcome: DeliveryOutcome) =>
    options.onOutcome?.(event ?? 'unknown', outcome);

  return async function receiveGitHubWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    if (!signature) {
      req.resume();
      count(event, 'bad-signature');
      return sendError(res, 401, 'missing X-Hub-Signature-256: configure the webhook with the shared secret');
    }

    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        logger.warn({ deliveryId, event, limit }, 'webhook body too large');
        count(event, 'too-large');
        // Don't read the rest: answer, then drop the connection.
        res.once('finish', () => req.destroy());
        sendError(res, 413, error.message, { connection: 'close' });
        return;
      }
      throw error;
    }

    const text = body.toString('utf8');
    if (!(await verify(secret, text, signature).catch(() => false))) {
      logger.warn({ deliveryId, event }, 'webhook signature mismatch');
      count(event, 'bad-signature');
      return sendError(res, 401, 'signature does not match the payload');
    }

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
      deliveryId: deliveryId!,
      event: event!,
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
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value || undefined;
}
