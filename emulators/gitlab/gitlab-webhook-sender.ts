import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DeliveryLoss, postWebhook } from '../http.ts';

/** The `object_kind` of the events the emulator sends. */
export type GitLabHookEvent = 'push' | 'merge_request' | 'note';

/** The X-Gitlab-Event header of each event kind. */
export const HOOK_EVENT_HEADER: Record<GitLabHookEvent, string> = {
  push: 'Push Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
};

export interface GitLabHookConfig {
  id: number;
  /** Sent as X-Gitlab-Webhook-UUID. */
  uuid: string;
  url: string;
  /** The secret token, sent verbatim as X-Gitlab-Token (GitLab does not sign bodies); empty: no header. */
  token: string;
  events: GitLabHookEvent[];
}

export interface GitLabDeliveryRecord {
  /** The Idempotency-Key header: one per event and hook, kept by a redelivery. */
  idempotencyKey: string;
  /** The X-Gitlab-Event-UUID header: one per event, the same for every hook it goes to. */
  eventUuid: string;
  hookId: number;
  /** The X-Gitlab-Event header, e.g. "Merge Request Hook". */
  event: string;
  redelivery: boolean;
  /** HTTP status of the receiver's answer, or 0 when it could not be reached or the delivery was lost. */
  status: number;
  error?: string;
  /** The emulator lost this delivery on purpose (see `loseDeliveries`): it was never sent. */
  lost?: true;
  deliveredAt: string;
}

interface Delivery {
  hook: GitLabHookConfig;
  idempotencyKey: string;
  eventUuid: string;
  event: string;
  body: string;
}

/**
 * Sends webhook deliveries the way GitLab does: after the API call or push that caused them has been
 * answered, in order per hook, with the secret token in a header, never retried by itself.
 */
export class GitLabWebhookSender {
  readonly #logger: Logger | undefined;
  readonly #instanceUrl: () => string;
  readonly #chains = new Map<number, Promise<void>>();
  readonly #sent = new Map<string, Delivery>();
  readonly records: GitLabDeliveryRecord[] = [];
  readonly #loss = new DeliveryLoss();

  constructor(instanceUrl: () => string, logger?: Logger) {
    this.#instanceUrl = instanceUrl;
    this.#logger = logger;
  }

  /** Loses this share (0–1) of the deliveries sent from now on; see DeliveryLoss. */
  loseDeliveries(share: number): void {
    this.#loss.set(share);
  }

  /** Queues one event for every hook that subscribed to its kind. */
  send(hooks: GitLabHookConfig[], kind: GitLabHookEvent, payload: unknown): void {
    const eventUuid = randomUUID();
    const body = JSON.stringify(payload);
    for (const hook of hooks.filter((h) => h.events.includes(kind))) {
      const delivery = {
        hook,
        idempotencyKey: randomUUID(),
        eventUuid,
        event: HOOK_EVENT_HEADER[kind],
        body,
      };
      this.#sent.set(delivery.idempotencyKey, delivery);
      if (this.#loss.next())
        this.records.push({
          idempotencyKey: delivery.idempotencyKey,
          eventUuid,
          hookId: hook.id,
          event: delivery.event,
          redelivery: false,
          status: 0,
          lost: true,
          deliveredAt: new Date().toISOString(),
        });
      else this.#enqueue(delivery, false);
    }
  }

  /** Sends a delivery again with the same Idempotency-Key and body, like GitLab's "Resend request". */
  redeliver(idempotencyKey: string): void {
    const delivery = this.#sent.get(idempotencyKey);
    if (!delivery) throw new Error(`no delivery ${idempotencyKey}`);
    this.#enqueue(delivery, true);
  }

  /** Resolves once every delivery queued so far has been attempted. */
  async idle(): Promise<void> {
    let before: Promise<void>[];
    do {
      before = [...this.#chains.values()];
      await Promise.all(before);
    } while ([...this.#chains.values()].some((p, i) => p !== before[i]));
  }

  #enqueue(delivery: Delivery, redelivery: boolean): void {
    const previous = this.#chains.get(delivery.hook.id) ?? Promise.resolve();
    const next = previous
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => this.#deliver(delivery, redelivery));
    this.#chains.set(delivery.hook.id, next);
  }

  async #deliver(delivery: Delivery, redelivery: boolean): Promise<void> {
    const { hook } = delivery;
    const record: GitLabDeliveryRecord = {
      idempotencyKey: delivery.idempotencyKey,
      eventUuid: delivery.eventUuid,
      hookId: hook.id,
      event: delivery.event,
      redelivery,
      status: 0,
      deliveredAt: new Date().toISOString(),
    };
    const answer = await postWebhook(
      hook.url,
      {
        'user-agent': 'GitLab/17.0.0 (ironbots emulator)',
        'x-gitlab-event': delivery.event,
        'x-gitlab-event-uuid': delivery.eventUuid,
        'x-gitlab-webhook-uuid': hook.uuid,
        'x-gitlab-instance': this.#instanceUrl(),
        'idempotency-key': delivery.idempotencyKey,
        ...(hook.token ? { 'x-gitlab-token': hook.token } : {}),
      },
      delivery.body,
      10_000,
    );
    record.status = answer.status;
    if (answer.error) {
      record.error = answer.error;
      this.#logger?.warn(
        { url: hook.url, event: delivery.event, idempotencyKey: delivery.idempotencyKey, err: record.error },
        'webhook delivery failed',
      );
    }
    this.records.push(record);
  }
}
