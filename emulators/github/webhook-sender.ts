import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { Logger } from 'pino';
import { DeliveryLoss, postWebhook } from '../http.ts';

export interface WebhookConfig {
  id: number;
  url: string;
  /** Empty: deliveries are not signed, as on GitHub. */
  secret: string;
  /** Event names, or ['*'] for all. */
  events: string[];
  active: boolean;
  createdAt: string;
}

export interface DeliveryRecord {
  /** The X-GitHub-Delivery id; a redelivery keeps it, as GitHub's does. */
  id: string;
  hookId: number;
  url: string;
  event: string;
  /** The pull_request or push action, when the event has one. */
  action?: string;
  redelivery: boolean;
  /** HTTP status of the receiver's answer, or 0 when it could not be reached or the delivery was lost. */
  status: number;
  error?: string;
  /** The emulator lost this delivery on purpose (see `loseDeliveries`): it was never sent. */
  lost?: true;
  deliveredAt: string;
}

/** GitHub gives a receiver 10 seconds to answer. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Sends webhook deliveries the way GitHub does: after the API call that caused them has been answered,
 * one at a time and in order per hook, signed with HMAC-SHA256 over the exact body, never retried by itself.
 */
export class WebhookSender {
  /** Delivery GUIDs as GitHub's: time-based. */
  readonly #nextGuid = timeBasedUuids();

  readonly #logger: Logger | undefined;
  /** The tail of each hook's queue: the next delivery starts when it settles. */
  readonly #queues = new Map<number, Promise<void>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #sent = new Map<string, { hook: WebhookConfig; event: string; body: string }>();
  readonly records: DeliveryRecord[] = [];
  readonly #loss = new DeliveryLoss();

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Loses this share (0–1) of the deliveries sent from now on; see DeliveryLoss. */
  loseDeliveries(share: number): void {
    this.#loss.set(share);
  }

  /** Queues a delivery and returns its id. */
  send(hook: WebhookConfig, event: string, payload: unknown): string {
    const id = this.#nextGuid();
    const body = JSON.stringify(payload);
    this.#sent.set(id, { hook, event, body });
    if (this.#loss.next()) {
      const action = (payload as { action?: unknown }).action;
      this.records.push({
        id,
        hookId: hook.id,
        url: hook.url,
        event,
        ...(typeof action === 'string' ? { action } : {}),
        redelivery: false,
        status: 0,
        lost: true,
        deliveredAt: new Date().toISOString(),
      });
    } else this.#enqueue(hook, id, event, body, false);
    return id;
  }

  /** Sends a delivery again: same body, same delivery id. */
  redeliver(id: string): void {
    const sent = this.#sent.get(id);
    if (!sent) throw new Error(`no webhook delivery ${id}`);
    this.#enqueue(sent.hook, id, sent.event, sent.body, true);
  }

  /** Resolves once every delivery queued so far, and any queued meanwhile, has been attempted. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #enqueue(hook: WebhookConfig, id: string, event: string, body: string, redelivery: boolean): void {
    const previous = this.#queues.get(hook.id) ?? Promise.resolve();
    // setImmediate: the API response that caused the event goes out first, as on GitHub.
    const next = previous
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.#deliver(hook, id, event, body, redelivery))
      .catch((error: unknown) =>
        this.#logger?.error({ err: error, deliveryId: id }, 'webhook delivery broke'),
      );
    this.#queues.set(hook.id, next);
    this.#pending.add(next);
    void next.finally(() => {
      this.#pending.delete(next);
      if (this.#queues.get(hook.id) === next) this.#queues.delete(hook.id);
    });
  }

  async #deliver(
    hook: WebhookConfig,
    id: string,
    event: string,
    body: string,
    redelivery: boolean,
  ): Promise<void> {
    const action = (JSON.parse(body) as { action?: unknown }).action;
    const record: DeliveryRecord = {
      id,
      hookId: hook.id,
      url: hook.url,
      event,
      ...(typeof action === 'string' ? { action } : {}),
      redelivery,
      status: 0,
      deliveredAt: new Date().toISOString(),
    };
    const answer = await postWebhook(
      hook.url,
      {
        'user-agent': 'GitHub-Hookshot/ironbots-emulator',
        'x-github-event': event,
        'x-github-delivery': id,
        'x-github-hook-id': String(hook.id),
        ...(hook.secret ? { 'x-hub-signature-256': await sign(hook.secret, body) } : {}),
      },
      body,
      DELIVERY_TIMEOUT_MS,
    );
    record.status = answer.status;
    if (answer.error) {
      record.error = answer.error;
      this.#logger?.warn(
        { url: hook.url, event, deliveryId: id, err: record.error },
        'webhook delivery failed',
      );
    }
    this.records.push(record);
  }
}

/**
 * A generator of time-based UUIDs with a node and clock sequence of its own, as GitHub makes delivery GUIDs:
 * two ids in the same 100 ns tick take the next tick, as a version 1 generator does.
 */
export function timeBasedUuids(): () => string {
  const node = randomBytes(6).toString('hex');
  const clockSequence = randomBytes(2).readUInt16BE() & 0x3fff;
  let lastTick = 0n;
  return () => {
    const now = BigInt(Date.now()) * 10_000n;
    lastTick = now > lastTick ? now : lastTick + 1n;
    return timeBasedUuid(lastTick, clockSequence, node);
  };
}

/** 100 ns intervals from the UUID epoch (1582-10-15) to the Unix epoch. */
const UUID_EPOCH_OFFSET = 122_192_928_000_000_000n;

/**
 * A version 1 (time-based) UUID, the form of GitHub's X-GitHub-Delivery GUIDs: `ticks` are 100 ns intervals
 * since the Unix epoch, `clockSequence` 14 bits, `node` 12 hex digits.
 */
export function timeBasedUuid(ticks: bigint, clockSequence: number, node: string): string {
  const t = ticks + UUID_EPOCH_OFFSET;
  const hex = (n: bigint | number, width: number) => n.toString(16).padStart(width, '0');
  return [
    hex(t & 0xffffffffn, 8),
    hex((t >> 32n) & 0xffffn, 4),
    hex(((t >> 48n) & 0xfffn) | 0x1000n, 4),
    hex(0x8000 | (clockSequence & 0x3fff), 4),
    node,
  ].join('-');
}
