import type { Logger } from '../../../core/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { isTransientForgeFailure, type PlanResult } from './planner.ts';

export interface PlannerWorkerOptions {
  events: Queue<WebhookDelivery>;
  /** The planner, or whatever routes deliveries among planners (pull requests, runner demand). */
  planner: { handleDelivery(delivery: WebhookDelivery): Promise<PlanResult> };
  logger: Logger;
  name?: string;
  visibilityTimeoutMs?: number;
  /** Called after each delivery, for `ironbots local` and tests that follow along. */
  onPlanned?: (delivery: WebhookDelivery, result: PlanResult) => void;
}

/**
 * Takes webhook deliveries off the events queue and plans them. A forge outage is retried with backoff;
 * a delivery that can never be planned is dead-lettered with its reason, where `ironbots queue dead` shows it.
 */
export async function runPlannerWorker(options: PlannerWorkerOptions, signal: AbortSignal): Promise<void> {
  const { events, planner, logger } = options;
  const consumer = { name: options.name ?? 'planner', labels: [] };
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 120_000;
  while (!signal.aborted) {
    const lease = await events.lease(consumer, { visibilityTimeoutMs, waitMs: 5_000, signal });
    if (!lease) continue;
    const delivery = lease.message.payload;
    const log = logger.child({ deliveryId: delivery.deliveryId, event: delivery.event });
    try {
      const result = await planner.handleDelivery(delivery);
      await events.ack(lease);
      log.info(
        { result: result.kind, ...(result.kind === 'ignored' ? { reason: result.reason } : {}) },
        'delivery planned',
      );
      options.onPlanned?.(delivery, result);
    } catch (error) {
      const retry = isTransientForgeFailure(error);
      const outcome = await events.nack(lease, { reason: String((error as Error).message ?? error), retry });
      log.warn(
        { err: error, retry, outcome: outcome.outcome, attempt: lease.message.attempt },
        'planning failed',
      );
    }
  }
}
