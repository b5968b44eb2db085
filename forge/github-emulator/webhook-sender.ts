import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { Logger } from 'pino';

export interface WebhookConfig {
  id: number;
  url: string;
  secret: string;
  /** Event names, or ['*'] for all. */
  events: string[];
  active: boolean;
}

export interface DeliveryRecord {
  /** The X-GitHub-Delivery id; a redelivery keeps it, as GitHub's does. */
  id: string;
  hookId: number;
  event: string;
  redelivery: boolean;
  /** HTTP status of the receiver's answer, or 0 when it could not be reached. */
  status: number;
  error?: string;
  deliveredAt: string;
}

/**
 * Sends webhook deliveries the way GitHub does: after the API call that caused them has been answered,
 * in order per hook, signed with HMAC-SHA256 over the exact body, never retried by itself.
 */
export class WebhookSender {
  readonly #logger: Logger | undefined;
  readonly #chains = new Map<number, Promise<void>>();
  readonly #sent = new Map<string, { hook: WebhookConfig; event: string; body: string }>();
  readonly records: DeliveryRecord[] = [];

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  send(hook: WebhookConfig, event: string, payload: unknown): string {
    const id = randomUUID();
    const body = JSON.stringify(payload);
    this.#sent.set(id, { hook, event, body });
    this.#enqueue(hook, id, event, body, false);
    return id;
  }

  redeliver(id: string): void {
    const sent = this.#sent.get(id);
    if (!sent) throw new Error(`no delivery ${id}`);
    this.#enqueue(sent.hook, id, sent.event, sent.body, true);
  }

  /** Resolves once every delivery queued so far has been attempted. */
  async idle(): Promise<void> {
    let before: Promise<void>[];
    do {
      before = [...this.#chains.values()];
      await Promise.all(before);
    } while ([...this.#chains.values()].some((p, i) => p !== before[i]));
  }

  #enqueue(hook: WebhookConfig, id: string, event: string, body: string, redelivery: boolean): void {
    const previous = this.#chains.get(hook.id) ?? Promise.resolve();
    const next = previous
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => this.#deliver(hook, id, event, body, redelivery));
    this.#chains.set(hook.id, next);
  }

  async #deliver(
    hook: WebhookConfig,
    id: string,
    event: string,
    body: string,
    redelivery: boolean,
  ): Promise<void> {
    const record: DeliveryRecord = {
      id,
      hookId: hook.id,
      event,
      redelivery,
      status: 0,
      deliveredAt: new Date().toISOString(),
    };
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/ironbots-emulator',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-github-hook-id': String(hook.id),
          'x-hub-signature-256': await sign(hook.secret, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      record.status = res.status;
      await res.arrayBuffer();
    } catch (error) {
      record.error = (error as Error).message;
      this.#logger?.warn(
        { url: hook.url, event, deliveryId: id, err: record.error },
        'webhook delivery failed',
      );
    }
    this.records.push(record);
  }
}
