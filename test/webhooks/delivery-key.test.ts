import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { timeBasedUuid } from '../../emulators/github/webhook-sender.ts';
import { deliveryDedupKey } from '../../runner-agent/src/webhooks/delivery.ts';

/** A version 1 UUID for `ms` since the epoch (and `tick` 100 ns intervals), as GitHub's delivery GUIDs are. */
function timeBased(ms: number, tick = 0): string {
  return timeBasedUuid(BigInt(ms) * 10_000n + BigInt(tick), 0x036d, '0e4f3503ccbe');
}

describe('the dedup key of a delivery', () => {
  it('puts the time of a time-based GUID first, so that keys sort in the order GitHub made the ids', () => {
    // GitHub's own example of a delivery GUID, and the emulator's form of it.
    expect(timeBased(Date.UTC(2021, 4, 12, 20, 33, 44))).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-11eb-836d-0e4f3503ccbe$/,
    );
    expect(deliveryDedupKey({ forge: 'github', deliveryId: '58474f00-b361-11eb-836d-0e4f3503ccbe' })).toBe(
      'github:1ebb36158474f00-836d-0e4f3503ccbe',
    );
    const start = Date.UTC(2026, 11, 3, 12);
    // Across a wrap of time_low (every 429 s) and of time_mid, as the id's own text does not sort.
    const times = [0, 1, 999, 430_000, 431_000, 86_400_000, 40 * 86_400_000].map((d) => start + d);
    const ids = times.flatMap((ms) => [timeBased(ms), timeBased(ms, 1)]);
    const keys = ids.map((deliveryId) => deliveryDedupKey({ forge: 'github', deliveryId }));
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is the same for the same id in either case, and different for ids that differ', () => {
    const id = timeBased(Date.UTC(2026, 0, 1));
    const key = deliveryDedupKey({ forge: 'github', deliveryId: id });
    expect(deliveryDedupKey({ forge: 'github', deliveryId: id.toUpperCase() })).toBe(key);
    expect(deliveryDedupKey({ forge: 'github', deliveryId: id.replace(/e$/, 'f') })).not.toBe(key);
  });

  it('keeps any other id as it is: random UUIDs (GitLab), and whatever else a sender puts there', () => {
    const random = randomUUID();
    expect(deliveryDedupKey({ forge: 'gitlab', deliveryId: random })).toBe(`gitlab:${random}`);
    expect(deliveryDedupKey({ forge: 'github', deliveryId: 'delivery-42' })).toBe('github:delivery-42');
  });
});
