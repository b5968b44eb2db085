/** A webhook delivery as it sits in the events queue: verified, parsed, not yet interpreted. */
export interface WebhookDelivery {
  forge: 'github' | 'gitlab';
  deliveryId: string;
  event: string;
  /** ISO timestamp of receipt. */
  receivedAt: string;
  payload: unknown;
}

export function deliveryDedupKey(delivery: Pick<WebhookDelivery, 'forge' | 'deliveryId'>): string {
  return `${delivery.forge}:${delivery.deliveryId}`;
}
