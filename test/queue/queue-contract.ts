import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LeaseLostError,
  QueueClosedError,
  type Consumer,
  type Queue,
  type QueueTuning,
} from '../../runner-agent/src/queue/queue.ts';

export interface QueueFactoryOptions {
  tuning: Partial<QueueTuning>;
}

export interface QueueUnderTest {
  /** A fresh, empty queue. */
  queue: Queue<unknown>;
  /**
   * Moves the queue's clock forward, if the implementation runs on a clock the test controls. Without it,
   * the suite waits in real time (a little longer than needed).
   */
  advance?: (ms: number) => void;
  cleanup(): Promise<void>;
}

export type QueueFactory = (options: QueueFactoryOptions) => Promise<QueueUnderTest>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const agent = (name: string, labels: string[] = []): Consumer => ({ name, labels });
/** Long enough never to expire during a test. */
const VISIBLE = 60_000;
/** Short enough to let expire: the suite then lets twice this pass. */
const SHORT_LEASE = 300;
const TUNING: Partial<QueueTuning> = { maxAttempts: 3, backoffBaseMs: 250, backoffCapMs: 1_000 };

/**
 * What every Queue implementation must do (SQLite today, RabbitMQ next). Nothing here relies on SQL or on a
 * fake clock: time passes through `advance` when the factory offers it, otherwise in short real waits.
 * Waits for a message are generous and never timed; assertions are about what arrived, not how fast.
 */
export function queueContract(name: string, makeQueue: QueueFactory): void {
  describe(`queue contract: ${name}`, () => {
    let subject: QueueUnderTest | undefined;
    let q: Queue<unknown>;

    const open = async (tuning: Partial<QueueTuning> = {}) => {
      await subject?.cleanup();
      subject = await makeQueue({ tuning: { ...TUNING, ...tuning } });
      q = subject.queue;
    };
    /** Lets `ms` pass on the queue's clock. */
    const passTime = async (ms: number) => {
      if (subject?.advance) subject.advance(ms);
      else await sleep(ms);
    };
    /** Leases, waiting long enough for a message that is due to become available. */
    const leaseSoon = (consumer: Consumer) =>
      q.lease(consumer, { visibilityTimeoutMs: VISIBLE, waitMs: 5_000 });
    const leaseNow = (consumer: Consumer, visibilityTimeoutMs = VISIBLE) =>
      q.lease(consumer, { visibilityTimeoutMs });

    beforeEach(async () => open());
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('delivers what was enqueued, intact, and finishes it on ack', async () => {
      const payload = {
        context: 'unit',
        argv: ['a b', '$(x)', 'ü✓'],
        n: 1.5,
        nested: { ok: true, none: null },
      };
      const { id, duplicate } = await q.enqueue(payload);
      expect(duplicate).toBe(false);
      const lease = await leaseNow(agent('a'));
      expect(lease?.message).toMatchObject({
        id,
        payload,
        attempt: 1,
        labels: [],
        priority: 0,
        maxAttempts: 3,
      });
      expect(typeof lease?.message.enqueuedAt).toBe('number');
      expect(typeof lease?.token).toBe('string');
      await q.ack(lease!);
      expect((await q.state(id))?.state).toBe('done');
      expect(await leaseNow(agent('a'))).toBeNull();
    });

    it('deduplicates on the dedup key: one message, the same id, one delivery', async () => {
      const first = await q.enqueue({ n: 1 }, { dedupKey: 'repo@sha#unit' });
      const again = await q.enqueue({ n: 2 }, { dedupKey: 'repo@sha#unit' });
      expect(first.duplicate).toBe(false);
      expect(again).toEqual({ id: first.id, duplicate: true });
      // Both in flight at once (for SQLite: the same group-commit batch).
      const together = await Promise.all([
        q.enqueue({ n: 3 }, { dedupKey: 'k2' }),
        q.enqueue({ n: 4 }, { dedupKey: 'k2' }),
      ]);
      expect(together.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(together[0]!.id).toBe(together[1]!.id);

      const l1 = await leaseNow(agent('a'));
      const l2 = await leaseNow(agent('a'));
      expect(await leaseNow(agent('a'))).toBeNull();
      expect(l1?.message).toMatchObject({ id: first.id, payload: { n: 1 } });
      expect(l2?.message.id).toBe(together[0]!.id);
      expect([3, 4]).toContain((l2?.message.payload as { n: number }).n);
      // Still deduplicated after the message is done.
      await q.ack(l1!);
      expect(await q.enqueue({ n: 5 }, { dedupKey: 'repo@sha#unit' })).toEqual({
        id: first.id,
        duplicate: true,
      });
      expect(await leaseNow(agent('a'))).toBeNull();
    });

    it('finds the message that took a dedup key, in whatever state it is; null for a key never used', async () => {
      expect(await q.findByDedupKey('acme/widget@abc#unit~retest')).toBeNull();
      const { id } = await q.enqueue({ n: 1 }, { dedupKey: 'acme/widget@abc#unit~retest' });
      await q.enqueue({ n: 2 }, { dedupKey: 'other' });
      expect(await q.findByDedupKey('acme/widget@abc#unit~retest')).toMatchObject({
        state: 'queued',
        message: { id, payload: { n: 1 } },
      });
      const lease = await leaseNow(agent('a'));
      expect(lease?.message.id).toBe(id);
      expect((await q.findByDedupKey('acme/widget@abc#unit~retest'))?.state).toBe('leased');
      await q.ack(lease!);
      expect(await q.findByDedupKey('acme/widget@abc#unit~retest')).toMatchObject({
        state: 'done',
        message: { id },
      });
      expect(await q.findByDedupKey('acme/widget@abc#unit')).toBeNull();
    });

    it('takes a burst of enqueues at once: FIFO as made, each dedup key stored once, payloadJson as given', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          q.enqueue(
            { n },
            // Every third one comes with its JSON text, as the webhook receiver gives it.
            { dedupKey: `burst-${n % 20}`, ...(n % 3 === 0 ? { payloadJson: `{ "n" : ${n} }` } : {}) },
          ),
        ),
      );
      results.forEach((result, n) => {
        expect(result.duplicate).toBe(n >= 20);
        if (n >= 20) expect(result.id).toBe(results[n - 20]!.id);
      });
      const delivered: unknown[] = [];
      for (let lease = await leaseNow(agent('a')); lease; lease = await leaseNow(agent('a'))) {
        expect(lease.message.id).toBe(results[delivered.length]!.id);
        delivered.push(lease.message.payload);
        await q.ack(lease);
      }
      expect(delivered).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })));
    });

    it('serves higher priority first and FIFO within a priority', async () => {
      await q.enqueue('low-1', { priority: 0 });
      await q.enqueue('high-1', { priority: 5 });
      await q.enqueue('low-2');
      await q.enqueue('high-2', { priority: 5 });
      await q.enqueue('negative', { priority: -1 });
      await q.enqueue('low-3', { priority: 0 });
      const order = [];
      for (let i = 0; i < 6; i++) {
        const lease = await leaseNow(agent('a'));
        order.push(lease!.message.payload);
        await q.ack(lease!);
      }
      expect(order).toEqual(['high-1', 'high-2', 'low-1', 'low-2', 'low-3', 'negative']);
    });

    it('matches labels: an agent takes the jobs whose labels are a subset of its own', async () => {
      const kvmAgent = agent('kvm-box', ['kvm', 'x86_64', 'public']);
      // Higher priority and first in line, but not for this agent: they must not block what follows.
      await q.enqueue('needs-arm', { labels: ['arm64'], priority: 9 });
      await q.enqueue('needs-gpu', { labels: ['kvm', 'gpu'], priority: 9 });
      await q.enqueue('needs-kvm', { labels: ['kvm'] });
      await q.enqueue('needs-kvm-x86', { labels: ['x86_64', 'kvm'] });
      await q.enqueue('needs-nothing');
      const taken = [];
      for (;;) {
        const lease = await leaseNow(kvmAgent);
        if (!lease) break;
        taken.push(lease.message.payload);
        if (lease.message.payload === 'needs-kvm-x86')
          expect([...lease.message.labels].sort()).toEqual(['kvm', 'x86_64']);
        await q.ack(lease);
      }
      expect(taken).toEqual(['needs-kvm', 'needs-kvm-x86', 'needs-nothing']);
      expect(await leaseNow(agent('plain'))).toBeNull();
      expect((await leaseNow(agent('arm-box', ['arm64'])))?.message.payload).toBe('needs-arm');
      expect((await leaseNow(agent('gpu-box', ['gpu', 'kvm'])))?.message.payload).toBe('needs-gpu');
    });

    it('finds a matching message behind many that the consumer cannot take', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => q.enqueue(`arm-${i}`, { labels: ['arm64'] })));
      await q.enqueue('kvm-job', { labels: ['kvm'] });
      expect((await leaseNow(agent('kvm-box', ['kvm'])))?.message.payload).toBe('kvm-job');
      expect(await leaseNow(agent('kvm-box', ['kvm']))).toBeNull();
      expect((await q.stats()).queued).toBe(50);
    });

    it('hides a leased message from everybody else', async () => {
      await q.enqueue('only');
      expect(await leaseNow(agent('a'))).not.toBeNull();
      expect(await leaseNow(agent('b'))).toBeNull();
      expect(await q.stats()).toMatchObject({ queued: 0, leased: 1 });
    });

    it('redelivers a message whose lease expired (a crashed agent), and the old lease is void', async () => {
      const { id } = await q.enqueue('job');
      const crashed = await leaseNow(agent('crashed'), SHORT_LEASE);
      expect(crashed?.message.attempt).toBe(1);
      await passTime(2 * SHORT_LEASE);
      const second = await leaseNow(agent('healthy'));
      expect(second?.message).toMatchObject({ id, payload: 'job', attempt: 2 });
      expect(second!.token).not.toBe(crashed!.token);
      await expect(q.ack(crashed!)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(q.nack(crashed!, { reason: 'x', retry: true })).rejects.toBeInstanceOf(LeaseLostError);
      await expect(q.extend(crashed!, VISIBLE)).rejects.toBeInstanceOf(LeaseLostError);
      // The stale calls changed nothing: the new holder still has it.
      expect((await q.state(id))?.state).toBe('leased');
      await q.ack(second!);
      expect((await q.state(id))?.state).toBe('done');
    });

    it('keeps a lease alive while it is extended, and lets it expire when extensions stop', async () => {
      const { id } = await q.enqueue('long job');
      let lease = (await leaseNow(agent('a'), SHORT_LEASE))!;
      const firstExpiry = lease.expiresAt;
      for (let i = 0; i < 4; i++) {
        await passTime(SHORT_LEASE / 2);
        lease = await q.extend(lease, SHORT_LEASE);
      }
      // Twice the original visibility has passed.
      expect(lease.expiresAt).toBeGreaterThan(firstExpiry);
      expect(await leaseNow(agent('b'))).toBeNull();
      expect((await q.state(id))?.state).toBe('leased');

      await passTime(2 * SHORT_LEASE);
      expect((await leaseNow(agent('b')))?.message).toMatchObject({ id, attempt: 2 });
    });

    it('backs off a nacked message with capped exponential delays', async () => {
      const { id } = await q.enqueue('flaky', { maxAttempts: 5 });
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 4; attempt++) {
        const lease = await leaseSoon(agent('a'));
        expect(lease?.message.attempt).toBe(attempt);
        // The queue's own clock at lease time; the nack follows at once.
        const leasedAt = lease!.expiresAt - VISIBLE;
        const result = await q.nack(lease!, { reason: 'infra hiccup', retry: true });
        if (result.outcome !== 'retry') throw new Error(`attempt ${attempt} was not retried`);
        const delay = result.availableAt - leasedAt;
        delays.push(Math.round(delay / 250) * 250);
        // Not deliverable again straight away.
        expect(await leaseNow(agent('a'))).toBeNull();
        expect((await q.state(id))?.state).toBe('queued');
        await passTime(delay);
      }
      expect(delays).toEqual([250, 500, 1_000, 1_000]);
      expect((await leaseSoon(agent('a')))?.message).toMatchObject({ id, attempt: 5 });
    });

    it('dead-letters a message once its attempts are used up: kept, never delivered, redrivable', async () => {
      const { id } = await q.enqueue({ context: 'doomed' }, { maxAttempts: 2, dedupKey: 'doomed' });
      const first = await leaseNow(agent('a'));
      expect(await q.nack(first!, { reason: 'VM did not boot', retry: true })).toMatchObject({
        outcome: 'retry',
      });
      const second = await leaseSoon(agent('a'));
      expect(second?.message.attempt).toBe(2);
      expect(await q.nack(second!, { reason: 'VM did not boot', retry: true })).toEqual({ outcome: 'dead' });

      // Longer than any backoff: it does not come back by itself.
      await passTime(1_200);
      expect(await leaseNow(agent('a'))).toBeNull();
      const dead = await q.deadLetters();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        message: { id, payload: { context: 'doomed' }, attempt: 2, maxAttempts: 2 },
        reason: expect.stringMatching(/VM did not boot/),
      });
      expect(typeof dead[0]!.deadAt).toBe('number');
      expect(await q.state(id)).toMatchObject({
        state: 'dead',
        reason: expect.stringMatching(/VM did not boot/),
      });
      expect((await q.stats()).dead).toBe(1);
      // Kept, not dropped: its dedup key is still taken.
      expect(await q.enqueue('again', { dedupKey: 'doomed' })).toEqual({ id, duplicate: true });

      await q.redrive(id);
      expect(await q.deadLetters()).toEqual([]);
      const again = await leaseNow(agent('a'));
      expect(again?.message).toMatchObject({ id, payload: { context: 'doomed' }, attempt: 1 });
      // A fresh budget: the first failure after the redrive is retried.
      expect((await q.nack(again!, { reason: 'still flaky', retry: true })).outcome).toBe('retry');
    });

    it('dead-letters at once on a nack without retry', async () => {
      const { id } = await q.enqueue('bad payload');
      const lease = await leaseNow(agent('a'));
      expect(await q.nack(lease!, { reason: 'cannot be planned', retry: false })).toEqual({
        outcome: 'dead',
      });
      expect(await q.state(id)).toMatchObject({
        state: 'dead',
        reason: expect.stringMatching(/cannot be planned/),
      });
      expect((await q.deadLetters()).map((d) => d.message.id)).toEqual([id]);
      await passTime(1_200);
      expect(await leaseNow(agent('a'))).toBeNull();
    });

    it('dead-letters a message whose lease expired on its last attempt', async () => {
      await open({ maxAttempts: 2 });
      const { id } = await q.enqueue('hangs the agent');
      expect((await leaseNow(agent('a'), SHORT_LEASE))?.message.attempt).toBe(1);
      await passTime(2 * SHORT_LEASE);
      expect((await leaseNow(agent('b'), SHORT_LEASE))?.message.attempt).toBe(2);
      await passTime(2 * SHORT_LEASE);
      expect(await leaseNow(agent('c'))).toBeNull();
      expect(await q.state(id)).toMatchObject({
        state: 'dead',
        reason: expect.stringMatching(/lease expired/),
      });
      expect(await q.deadLetters()).toEqual([
        expect.objectContaining({ message: expect.objectContaining({ id }), reason: expect.any(String) }),
      ]);
    });

    it('wakes a waiting lease when a message arrives, and returns null when none does', async () => {
      const waiting = q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 10_000 });
      await sleep(100);
      await q.enqueue('arrived');
      expect((await waiting)?.message.payload).toBe('arrived');
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 300 })).toBeNull();
    });

    it('hands an arriving message to one waiter only, and only to one that matches', async () => {
      const armWaiter = q.lease(agent('arm', ['arm64']), { visibilityTimeoutMs: VISIBLE, waitMs: 600 });
      const kvmWaiters = [1, 2].map((n) =>
        q.lease(agent(`kvm-${n}`, ['kvm']), { visibilityTimeoutMs: VISIBLE, waitMs: 600 }),
      );
      await sleep(100);
      const { id } = await q.enqueue('kvm-job', { labels: ['kvm'] });
      const results = await Promise.all(kvmWaiters);
      expect(results.filter((lease) => lease !== null).map((lease) => lease!.message.id)).toEqual([id]);
      expect(await armWaiter).toBeNull();
    });

    it('ends a wait when its signal aborts', async () => {
      const controller = new AbortController();
      const waiting = q.lease(agent('a'), {
        visibilityTimeoutMs: VISIBLE,
        waitMs: 60_000,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 100);
      expect(await waiting).toBeNull();
      // An already aborted signal takes nothing, even when a message is there.
      await q.enqueue('left alone');
      expect(
        await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, signal: controller.signal }),
      ).toBeNull();
      expect((await q.stats()).queued).toBe(1);
    });

    it('holds back a message enqueued with delayMs until the delay has passed', async () => {
      await q.enqueue('later', { delayMs: 500 });
      expect(await leaseNow(agent('a'))).toBeNull();
      await passTime(500);
      expect((await leaseSoon(agent('a')))?.message.payload).toBe('later');
    });

    it('reports each message state, counts by state, and answers unknown ids with null', async () => {
      const done = await q.enqueue('done');
      const doneLease = await leaseNow(agent('x'));
      await q.ack(doneLease!);
      const dead = await q.enqueue('dead');
      await q.nack((await leaseNow(agent('x')))!, { reason: 'broken', retry: false });
      const leased = await q.enqueue('leased');
      await leaseNow(agent('x'));
      const queued = await q.enqueue('queued');

      const cancelled = await q.enqueue('cancelled');
      await q.cancel(cancelled.id, 'by test');

      expect(await q.stats()).toEqual({ queued: 1, leased: 1, done: 1, dead: 1, cancelled: 1 });
      expect((await q.state(cancelled.id))?.state).toBe('cancelled');
      expect((await q.state(done.id))?.state).toBe('done');
      expect((await q.state(dead.id))?.state).toBe('dead');
      expect((await q.state(leased.id))?.state).toBe('leased');
      expect(await q.state(queued.id)).toMatchObject({
        state: 'queued',
        message: { id: queued.id, payload: 'queued' },
      });
      expect(await q.state('no-such-id')).toBeNull();
    });

    it('cancels a queued message at once: never delivered, kept and listed, its dedup key still used', async () => {
      const { id } = await q.enqueue({ context: 'unit' }, { dedupKey: 'acme/widget@abc#unit' });
      const other = await q.enqueue('other');
      const result = await q.cancel(id, 'by alice (superseded)');
      expect(result).toMatchObject({
        outcome: 'cancelled',
        status: {
          state: 'cancelled',
          message: { id, payload: { context: 'unit' } },
          reason: 'by alice (superseded)',
        },
      });
      expect(await q.state(id)).toMatchObject({ state: 'cancelled', reason: 'by alice (superseded)' });
      // Only the other message is delivered, now and later.
      const lease = await leaseNow(agent('a'));
      expect(lease?.message.id).toBe(other.id);
      await q.ack(lease!);
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 500 })).toBeNull();
      expect(await q.enqueue({ context: 'unit' }, { dedupKey: 'acme/widget@abc#unit' })).toEqual({
        id,
        duplicate: true,
      });
      expect(await q.list({ state: 'cancelled', limit: 10 })).toEqual([
        expect.objectContaining({ state: 'cancelled', message: expect.objectContaining({ id }) }),
      ]);
      // A second cancel says it is over already.
      expect(await q.cancel(id, 'by bob')).toMatchObject({
        outcome: 'finished',
        status: { state: 'cancelled', reason: 'by alice (superseded)' },
      });
    });

    it('cancels a message waiting out a backoff or a delay: it never comes back', async () => {
      const delayed = await q.enqueue('later', { delayMs: 300 });
      const flaky = await q.enqueue('flaky');
      const lease = await leaseNow(agent('a'));
      expect(lease?.message.id).toBe(flaky.id);
      expect((await q.nack(lease!, { reason: 'infra hiccup', retry: true })).outcome).toBe('retry');
      expect((await q.cancel(flaky.id, 'by test')).outcome).toBe('cancelled');
      expect((await q.cancel(delayed.id, 'by test')).outcome).toBe('cancelled');
      await passTime(1_200);
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 500 })).toBeNull();
      expect((await q.state(flaky.id))?.state).toBe('cancelled');
      expect((await q.state(delayed.id))?.state).toBe('cancelled');
    });

    it('tells the holder of a cancelled lease on its next extend; its ack or nack ends the message cancelled', async () => {
      const acked = await q.enqueue('runs long');
      const nacked = await q.enqueue('runs long too');
      let first = (await leaseNow(agent('a')))!;
      let second = (await leaseNow(agent('b')))!;
      expect(first.message.id).toBe(acked.id);
      first = await q.extend(first, VISIBLE);
      expect(first.cancelRequested).toBeUndefined();

      expect(await q.cancel(acked.id, 'by alice')).toMatchObject({
        outcome: 'cancelling',
        status: { state: 'leased', cancelRequested: 'by alice', holder: 'a' },
      });
      expect(await q.cancel(nacked.id, 'by bob')).toMatchObject({ outcome: 'cancelling' });
      // Still the holder's until it stops: nobody else gets it, and a second cancel keeps the first reason.
      expect(await leaseNow(agent('c'))).toBeNull();
      expect(await q.cancel(acked.id, 'by carol')).toMatchObject({
        outcome: 'cancelling',
        status: { cancelRequested: 'by alice' },
      });
      first = await q.extend(first, VISIBLE);
      expect(first.cancelRequested).toBe('by alice');
      second = await q.extend(second, VISIBLE);
      expect(second.cancelRequested).toBe('by bob');

      await q.ack(first);
      expect(await q.state(acked.id)).toMatchObject({ state: 'cancelled', reason: 'by alice' });
      // A nack asking for a retry does not bring it back.
      expect(await q.nack(second, { reason: 'killed', retry: true })).toEqual({ outcome: 'cancelled' });
      expect(await q.state(nacked.id)).toMatchObject({ state: 'cancelled', reason: 'by bob' });
      await passTime(1_200);
      expect(await leaseNow(agent('c'))).toBeNull();
      expect(await q.stats()).toMatchObject({ queued: 0, leased: 0, done: 0, dead: 0, cancelled: 2 });
    });

    it('ends a cancelled lease whose holder never came back as cancelled, not delivered again', async () => {
      const { id } = await q.enqueue('holder dies');
      const lease = await leaseNow(agent('crashed'), SHORT_LEASE);
      expect((await q.cancel(id, 'by alice')).outcome).toBe('cancelling');
      await passTime(2 * SHORT_LEASE);
      expect(await q.lease(agent('healthy'), { visibilityTimeoutMs: VISIBLE, waitMs: 500 })).toBeNull();
      expect(await q.state(id)).toMatchObject({ state: 'cancelled', reason: 'by alice' });
      await expect(q.ack(lease!)).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('says so when cancelling a message that already ended, and for an unknown id', async () => {
      const done = await q.enqueue('done');
      await q.ack((await leaseNow(agent('x')))!);
      const dead = await q.enqueue('dead');
      await q.nack((await leaseNow(agent('x')))!, { reason: 'broken', retry: false });
      expect(await q.cancel(done.id, 'by test')).toMatchObject({
        outcome: 'finished',
        status: { state: 'done', message: { id: done.id } },
      });
      expect(await q.cancel(dead.id, 'by test')).toMatchObject({
        outcome: 'finished',
        status: { state: 'dead', reason: 'broken' },
      });
      expect(await q.cancel('no-such-id', 'by test')).toEqual({ outcome: 'unknown' });
      expect((await q.state(done.id))?.state).toBe('done');
      expect((await q.state(dead.id))?.state).toBe('dead');
    });

    it('lists messages newest first, in one state or all, with payloads and who holds them', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await q.enqueue({ n: i }, { labels: ['kvm'] })).id);
      const lease = await leaseNow(agent('kvm-box', ['kvm']));
      expect(lease?.message.id).toBe(ids[0]);
      await q.cancel(ids[1]!, 'by test');

      const all = await q.list({ limit: 10 });
      expect(all.map((s) => s.message.id)).toEqual([...ids].reverse());
      expect(all.map((s) => s.state)).toEqual(['queued', 'queued', 'queued', 'cancelled', 'leased']);
      expect(all[4]).toMatchObject({ holder: 'kvm-box', message: { payload: { n: 0 }, labels: ['kvm'] } });
      expect((await q.list({ limit: 2 })).map((s) => s.message.id)).toEqual([ids[4], ids[3]]);
      expect((await q.list({ state: 'queued', limit: 10 })).map((s) => s.message.payload)).toEqual([
        { n: 4 },
        { n: 3 },
        { n: 2 },
      ]);
      expect((await q.list({ state: 'leased', limit: 10 })).map((s) => s.message.id)).toEqual([ids[0]]);
      expect(await q.list({ state: 'dead', limit: 10 })).toEqual([]);
    });

    it('cancels while agents take work: each message is either never delivered or ends cancelled by its one holder', async () => {
      const ids = (await Promise.all(Array.from({ length: 30 }, (_, i) => q.enqueue(i)))).map((r) => r.id);
      const deliveries = new Map<string, number>();
      const drain = async (name: string) => {
        for (;;) {
          let lease = await q.lease(agent(name), { visibilityTimeoutMs: VISIBLE, waitMs: 300 });
          if (!lease) return;
          deliveries.set(lease.message.id, (deliveries.get(lease.message.id) ?? 0) + 1);
          await sleep(5);
          lease = await q.extend(lease, VISIBLE);
          await q.ack(lease);
        }
      };
      const [outcomes] = await Promise.all([
        Promise.all(ids.map((id) => q.cancel(id, 'by test'))),
        drain('a'),
        drain('b'),
      ]);
      for (const [i, id] of ids.entries()) {
        const outcome = outcomes[i]!.outcome;
        const state = (await q.state(id))?.state;
        if (outcome === 'cancelled') {
          expect(deliveries.get(id)).toBeUndefined();
          expect(state).toBe('cancelled');
        } else if (outcome === 'cancelling') {
          expect(deliveries.get(id)).toBe(1);
          expect(state).toBe('cancelled');
        } else {
          expect(outcome).toBe('finished');
          expect(deliveries.get(id)).toBe(1);
          expect(state).toBe('done');
        }
      }
      expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 500 })).toBeNull();
    });

    it('refuses work after close and releases waiters', async () => {
      await q.enqueue('pending');
      const lease = await leaseNow(agent('a'));
      const waiting = q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 60_000 });
      await sleep(50);
      await q.close();
      expect(await waiting).toBeNull();
      await expect(q.enqueue('late')).rejects.toBeInstanceOf(QueueClosedError);
      await expect(leaseNow(agent('a'))).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.ack(lease!)).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.nack(lease!, { reason: 'x', retry: true })).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.extend(lease!, VISIBLE)).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.state(lease!.message.id)).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.stats()).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.deadLetters()).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.redrive(lease!.message.id)).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.cancel(lease!.message.id, 'by test')).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.list({ limit: 10 })).rejects.toBeInstanceOf(QueueClosedError);
      // Closing twice is harmless.
      await q.close();
    });
  });
}
