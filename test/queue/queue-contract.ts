import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LeaseLostError,
  QueueClosedError,
  type Queue,
  type QueueTuning,
} from '../../runner-agent/src/queue/queue.ts';

export interface QueueUnderTest {
  queue: Queue<unknown>;
  cleanup(): Promise<void>;
}

export type QueueFactory = (tuning: Partial<QueueTuning>) => Promise<QueueUnderTest>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const agent = (name: string, labels: string[] = []) => ({ name, labels });
const VISIBLE = 60_000;

/**
 * What every Queue implementation must do (SQLite today, RabbitMQ next). Only real time is used, in short
 * steps, so implementations need no fake clock.
 */
export function queueContract(name: string, makeQueue: QueueFactory): void {
  describe(`queue contract: ${name}`, () => {
    let q: Queue<unknown>;
    let subject: QueueUnderTest;
    const open = async (tuning: Partial<QueueTuning> = {}) => {
      await subject?.cleanup();
      subject = await makeQueue({ maxAttempts: 3, backoffBaseMs: 100, backoffCapMs: 400, ...tuning });
      q = subject.queue;
    };
    beforeEach(async () => open());
    afterEach(async () => subject.cleanup());

    it('delivers what was enqueued, intact, and forgets it after ack', async () => {
      const payload = { context: 'unit', argv: ['a b', '$(x)'], n: 1.5, nested: { ok: true } };
      const { id, duplicate } = await q.enqueue(payload);
      expect(duplicate).toBe(false);
      const lease = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      expect(lease?.message).toMatchObject({ id, payload, attempt: 1, labels: [] });
      await q.ack(lease!);
      expect((await q.state(id))?.state).toBe('done');
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
    });

    it('deduplicates on the dedup key: one message, the same id, one delivery', async () => {
      const first = await q.enqueue({ n: 1 }, { dedupKey: 'repo@sha#unit' });
      const again = await q.enqueue({ n: 2 }, { dedupKey: 'repo@sha#unit' });
      const concurrent = await Promise.all([
        q.enqueue({ n: 3 }, { dedupKey: 'k2' }),
        q.enqueue({ n: 4 }, { dedupKey: 'k2' }),
      ]);
      expect(again).toEqual({ id: first.id, duplicate: true });
      expect(concurrent.map((c) => c.duplicate).sort()).toEqual([false, true]);
      expect(concurrent[0]!.id).toBe(concurrent[1]!.id);
      const l1 = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      const l2 = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      expect(l1?.message.payload).toEqual({ n: 1 });
      expect([3, 4]).toContain((l2?.message.payload as { n: number }).n);
      // Still deduplicated after the message is done.
      await q.ack(l1!);
      expect((await q.enqueue({ n: 5 }, { dedupKey: 'repo@sha#unit' })).duplicate).toBe(true);
    });

    it('serves higher priority first and FIFO within a priority', async () => {
      await q.enqueue('low-1', { priority: 0 });
      await q.enqueue('high-1', { priority: 5 });
      await q.enqueue('low-2', { priority: 0 });
      await q.enqueue('high-2', { priority: 5 });
      await q.enqueue('negative', { priority: -1 });
      const order = [];
      for (let i = 0; i < 5; i++) {
        const lease = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
        order.push(lease!.message.payload);
        await q.ack(lease!);
      }
      expect(order).toEqual(['high-1', 'high-2', 'low-1', 'low-2', 'negative']);
    });

    it('matches labels: an agent takes jobs whose labels are a subset of its own', async () => {
      const kvmAgent = agent('kvm-box', ['kvm', 'x86_64', 'public']);
      await q.enqueue('needs-arm', { labels: ['arm64'], priority: 9 });
      await q.enqueue('needs-gpu', { labels: ['kvm', 'gpu'], priority: 9 });
      await q.enqueue('needs-kvm', { labels: ['kvm'] });
      await q.enqueue('needs-kvm-x86', { labels: ['x86_64', 'kvm'] });
      await q.enqueue('needs-nothing');
      const taken = [];
      for (;;) {
        const lease = await q.lease(kvmAgent, { visibilityTimeoutMs: VISIBLE });
        if (!lease) break;
        taken.push(lease.message.payload);
        await q.ack(lease);
      }
      // The non-matching, higher-priority messages at the head did not block the matching ones.
      expect(taken).toEqual(['needs-kvm', 'needs-kvm-x86', 'needs-nothing']);
      const arm = await q.lease(agent('arm-box', ['arm64']), { visibilityTimeoutMs: VISIBLE });
      expect(arm?.message.payload).toBe('needs-arm');
      expect(await q.lease(agent('plain'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
    });

    it('hides a leased message from everybody else', async () => {
      await q.enqueue('only');
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).not.toBeNull();
      expect(await q.lease(agent('b'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      expect(await q.stats()).toMatchObject({ queued: 0, leased: 1 });
    });

    it('redelivers a message whose lease expired (a crashed agent), and the old lease is void', async () => {
      const { id } = await q.enqueue('job');
      const crashed = await q.lease(agent('crashed'), { visibilityTimeoutMs: 200 });
      await sleep(400);
      const second = await q.lease(agent('healthy'), { visibilityTimeoutMs: VISIBLE });
      expect(second?.message).toMatchObject({ id, attempt: 2 });
      await expect(q.ack(crashed!)).rejects.toBeInstanceOf(LeaseLostError);
      await expect(q.nack(crashed!, { reason: 'x', retry: true })).rejects.toBeInstanceOf(LeaseLostError);
      await q.ack(second!);
      expect((await q.state(id))?.state).toBe('done');
    });

    it('keeps a lease alive while it is extended', async () => {
      await q.enqueue('long job');
      let lease = await q.lease(agent('a'), { visibilityTimeoutMs: 300 });
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        lease = await q.extend(lease!, 300);
      }
      expect(await q.lease(agent('b'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      await q.ack(lease!);
    });

    it('backs off a nacked message with capped exponential delays', async () => {
      const { id } = await q.enqueue('flaky', { maxAttempts: 5 });
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 4; attempt++) {
        const lease = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 2_000 });
        expect(lease?.message.attempt).toBe(attempt);
        const before = Date.now();
        const result = await q.nack(lease!, { reason: 'infra hiccup', retry: true });
        expect(result.outcome).toBe('retry');
        if (result.outcome === 'retry') delays.push(Math.round((result.availableAt - before) / 100) * 100);
        // Not deliverable again straight away.
        expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      }
      expect(delays).toEqual([100, 200, 400, 400]);
      expect((await q.state(id))?.state).toBe('queued');
    });

    it('dead-letters a message once its attempts are used up: visible, never delivered, redrivable', async () => {
      const { id } = await q.enqueue({ context: 'doomed' }, { maxAttempts: 2 });
      const first = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      expect((await q.nack(first!, { reason: 'VM did not boot', retry: true })).outcome).toBe('retry');
      const second = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 2_000 });
      expect((await q.nack(second!, { reason: 'VM did not boot', retry: true })).outcome).toBe('dead');
      await sleep(500);
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      const dead = await q.deadLetters();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({
        message: { id, payload: { context: 'doomed' }, attempt: 2 },
        reason: expect.stringMatching(/VM did not boot/),
      });
      expect(await q.state(id)).toMatchObject({
        state: 'dead',
        reason: expect.stringMatching(/VM did not boot/),
      });
      expect((await q.stats()).dead).toBe(1);

      await q.redrive(id);
      const again = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      expect(again?.message).toMatchObject({ id, attempt: 1 });
      expect(await q.deadLetters()).toEqual([]);
    });

    it('dead-letters at once on a nack without retry', async () => {
      const { id } = await q.enqueue('bad payload');
      const lease = await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE });
      expect(await q.nack(lease!, { reason: 'cannot be planned', retry: false })).toEqual({
        outcome: 'dead',
      });
      expect((await q.state(id))?.state).toBe('dead');
    });

    it('dead-letters a message whose lease expired on its last attempt', async () => {
      await open({ maxAttempts: 2 });
      const { id } = await q.enqueue('hangs the agent');
      await q.lease(agent('a'), { visibilityTimeoutMs: 150 });
      await sleep(300);
      await q.lease(agent('b'), { visibilityTimeoutMs: 150 });
      await sleep(300);
      expect(await q.lease(agent('c'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      expect(await q.state(id)).toMatchObject({
        state: 'dead',
        reason: expect.stringMatching(/lease expired/),
      });
    });

    it('wakes a waiting lease when a message arrives, and returns null when none does', async () => {
      const waiting = q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 10_000 });
      await sleep(100);
      await q.enqueue('arrived');
      expect((await waiting)?.message.payload).toBe('arrived');
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 300 })).toBeNull();
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
    });

    it('delays a message enqueued with delayMs', async () => {
      await q.enqueue('later', { delayMs: 300 });
      expect(await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).toBeNull();
      expect(
        (await q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 3_000 }))?.message.payload,
      ).toBe('later');
    });

    it('counts messages by state and answers unknown ids with null', async () => {
      await q.enqueue('a');
      await q.enqueue('b');
      const lease = await q.lease(agent('x'), { visibilityTimeoutMs: VISIBLE });
      await q.ack(lease!);
      await q.enqueue('c');
      await q.lease(agent('x'), { visibilityTimeoutMs: VISIBLE });
      expect(await q.stats()).toEqual({ queued: 1, leased: 1, done: 1, dead: 0 });
      expect(await q.state('no-such-id')).toBeNull();
    });

    it('refuses work after close and releases waiters', async () => {
      const waiting = q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE, waitMs: 60_000 });
      await sleep(50);
      await q.close();
      expect(await waiting).toBeNull();
      await expect(q.enqueue('late')).rejects.toBeInstanceOf(QueueClosedError);
      await expect(q.lease(agent('a'), { visibilityTimeoutMs: VISIBLE })).rejects.toBeInstanceOf(
        QueueClosedError,
      );
    });
  });
}
