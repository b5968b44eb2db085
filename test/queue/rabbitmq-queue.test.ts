import { execFileSync } from 'node:child_process';
import amqp from 'amqplib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  destroyRabbitMqQueue,
  RabbitMqQueue,
  type RabbitMqQueueOptions,
} from '../../runner-agent/src/queue/rabbitmq-queue.ts';
import type { PostgresDatabase } from '../../runner-agent/src/queue/postgres-database.ts';
import { openTestDatabase, TEST_AMQP_URL, uniqueName } from './fleet-services.ts';
import { queueContract } from './queue-contract.ts';

// Real time only: the broker's TTLs run on its own clock.
queueContract('RabbitMqQueue', async ({ tuning }) => {
  const { database, drop } = await openTestDatabase('queue');
  const name = uniqueName('jobs');
  const queue = await RabbitMqQueue.open<unknown>({ amqpUrl: TEST_AMQP_URL, database, name, tuning });
  return {
    queue,
    cleanup: async () => {
      await queue.close();
      await destroyRabbitMqQueue({ amqpUrl: TEST_AMQP_URL, database, name });
      await drop();
    },
  };
});

describe('RabbitMqQueue specifics', () => {
  let database: PostgresDatabase;
  let dropDatabase: () => Promise<void>;
  let name: string;
  const opened: RabbitMqQueue<unknown>[] = [];
  /** Another queue instance on the same name: what a second host or process would open. */
  const open = async (options: Partial<RabbitMqQueueOptions> = {}): Promise<RabbitMqQueue<unknown>> => {
    const queue = await RabbitMqQueue.open<unknown>({ amqpUrl: TEST_AMQP_URL, database, name, ...options });
    opened.push(queue);
    return queue;
  };
  const anyAgent = (agentName: string, labels: string[] = []) => ({ name: agentName, labels });

  beforeEach(async () => {
    ({ database, drop: dropDatabase } = await openTestDatabase('queue'));
    name = uniqueName('jobs');
  });
  afterEach(async () => {
    for (const queue of opened.splice(0)) await queue.close();
    await destroyRabbitMqQueue({ amqpUrl: TEST_AMQP_URL, database, name });
    await dropDatabase();
  });

  it('dead-letters an undecodable broker message with the reason, and goes on to the next one', async () => {
    const trouble: string[] = [];
    const queue = await open({ onTrouble: (message) => trouble.push(message) });
    await queue.enqueue('first, to create the queue');
    const first = await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000 });
    await queue.ack(first!);
    // Someone else's producer writes garbage into our work queue.
    const connection = await amqp.connect(TEST_AMQP_URL);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(`ironbots.${name}.work.any`, Buffer.from('{"not": "ours"'), {
      messageId: 'garbage-1',
    });
    await channel.waitForConfirms();
    await connection.close();
    const { id } = await queue.enqueue('good');

    expect((await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000 }))?.message.id).toBe(id);
    expect(await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000 })).toBeNull();
    const dead = await queue.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(
      /undecodable message in ironbots\.\S+\.work\.any \(14 bytes, message id garbage-1\)/,
    );
    expect(dead[0]!.message.payload).toBe('{"not": "ours"');
    expect(trouble.join('\n')).toMatch(/undecodable/);
  });

  it('reconnects after the broker drops its connection, losing and duplicating nothing', async () => {
    const trouble: string[] = [];
    const queue = await open({
      onTrouble: (message) => trouble.push(message),
      connectRetry: { initialMs: 50, maxMs: 200 },
    });
    const ids = (
      await Promise.all(Array.from({ length: 30 }, (_, i) => queue.enqueue({ n: i }, { labels: ['cpu'] })))
    ).map((r) => r.id);
    const held = [];
    for (let i = 0; i < 10; i++)
      held.push((await queue.lease(anyAgent('a', ['cpu']), { visibilityTimeoutMs: 60_000 }))!);

    // An agent already waiting for work when the connection drops keeps waiting on the new one.
    const waiting = queue.lease(anyAgent('gpu-box', ['gpu']), {
      visibilityTimeoutMs: 60_000,
      waitMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    closeBrokerConnection(queue.connectionName);
    const { id: gpuJob } = await queue.enqueue('needs a gpu', { labels: ['gpu'] });
    expect((await waiting)?.message.id).toBe(gpuJob);
    // Work goes on across the outage: leases taken before it are acked, the rest is taken after it.
    for (const lease of held) await queue.ack(lease);
    const taken = held.map((lease) => lease.message.id);
    for (;;) {
      const lease = await queue.lease(anyAgent('a', ['cpu']), { visibilityTimeoutMs: 60_000, waitMs: 3_000 });
      if (!lease) break;
      taken.push(lease.message.id);
      await queue.ack(lease);
    }
    expect(trouble.join('\n')).toMatch(/connection to 127\.0\.0\.1:5672 lost.*CONNECTION_FORCED/);
    expect(taken).toHaveLength(30);
    expect(new Set(taken)).toEqual(new Set(ids));
    expect(await queue.stats()).toEqual({ queued: 0, leased: 1, done: 30, dead: 0, cancelled: 0 });
    // And new work flows on the new connection.
    await queue.enqueue('after', { labels: ['cpu'] });
    expect(
      (await queue.lease(anyAgent('a', ['cpu']), { visibilityTimeoutMs: 60_000 }))?.message.payload,
    ).toBe('after');
  });

  it('finishes every message exactly once when the connection drops in the middle of busy agents', async () => {
    const queue = await open({ connectRetry: { initialMs: 50, maxMs: 200 } });
    const ids = (await Promise.all(Array.from({ length: 60 }, (_, i) => queue.enqueue(i)))).map((r) => r.id);
    const taken: string[] = [];
    let cut = false;
    const agentLoop = async (agentName: string) => {
      for (;;) {
        const lease = await queue.lease(anyAgent(agentName), { visibilityTimeoutMs: 60_000, waitMs: 2_000 });
        if (!lease) return;
        taken.push(lease.message.id);
        if (taken.length === 20 && !cut) {
          cut = true;
          closeBrokerConnection(queue.connectionName);
        }
        await queue.ack(lease);
      }
    };
    await Promise.all(['a', 'b', 'c'].map(agentLoop));
    expect(cut).toBe(true);
    expect(taken).toHaveLength(60);
    expect(new Set(taken)).toEqual(new Set(ids));
    expect(await queue.stats()).toEqual({ queued: 0, leased: 0, done: 60, dead: 0, cancelled: 0 });
  });

  it('reports an unreachable broker clearly and keeps retrying until told to stop', async () => {
    const reports: string[] = [];
    const controller = new AbortController();
    const opening = RabbitMqQueue.open<unknown>({
      amqpUrl: 'amqp://guest:hunter2-secret@127.0.0.1:1',
      database,
      name,
      connectRetry: { initialMs: 20, maxMs: 40 },
      onTrouble: (message) => {
        reports.push(message);
        if (reports.length === 3) controller.abort();
      },
      signal: controller.signal,
    });
    const error = (await opening.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/RabbitMQ at 127\.0\.0\.1:1 is unreachable: .*ECONNREFUSED/);
    expect(reports[0]).toMatch(/RabbitMQ at 127\.0\.0\.1:1 is unreachable \(attempt 1\).*retrying in 20 ms/);
    expect(reports).toHaveLength(3);
    for (const text of [...reports, error.message]) expect(text).not.toContain('hunter2');
  });

  it('shares work between two hosts without ever leasing one message twice', async () => {
    const hostA = await open();
    const hostB = await open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => hostA.enqueue(i)));
    const takenBy: Record<string, string[]> = { a: [], b: [] };
    const drain = async (queue: RabbitMqQueue<unknown>, host: 'a' | 'b') => {
      for (;;) {
        const lease = await queue.lease(anyAgent(host), { visibilityTimeoutMs: 60_000 });
        if (!lease) return;
        takenBy[host]!.push(lease.message.id);
        await queue.ack(lease);
      }
    };
    await Promise.all([drain(hostA, 'a'), drain(hostB, 'b')]);
    const taken = [...takenBy.a!, ...takenBy.b!];
    expect(taken).toHaveLength(100);
    expect(new Set(taken).size).toBe(100);
    expect(takenBy.a!.length).toBeGreaterThan(0);
    expect(takenBy.b!.length).toBeGreaterThan(0);
    expect(await hostB.stats()).toEqual({ queued: 0, leased: 0, done: 100, dead: 0, cancelled: 0 });
  });

  it('wakes a waiter on one host when another host enqueues for a label set new to both', async () => {
    const armHost = await open();
    const producer = await open();
    const waiting = armHost.lease(anyAgent('arm-box', ['arm64', 'linux']), {
      visibilityTimeoutMs: 60_000,
      waitMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { id } = await producer.enqueue('arm job', { labels: ['arm64'] });
    expect((await waiting)?.message.id).toBe(id);
  });

  it('drops the broker copy of a message cancelled while it waited, when the copy arrives', async () => {
    const queue = await open();
    const { id } = await queue.enqueue('cancelled in the broker');
    const kept = await queue.enqueue('kept');
    const workQueue = `ironbots.${name}.work.any`;
    const connection = await amqp.connect(TEST_AMQP_URL);
    try {
      const channel = await connection.createChannel();
      // Both copies are in the broker when the cancel comes.
      expect((await channel.checkQueue(workQueue)).messageCount).toBe(2);
      expect((await queue.cancel(id, 'by test')).outcome).toBe('cancelled');
      const lease = await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000, waitMs: 2_000 });
      expect(lease?.message.id).toBe(kept.id);
      await queue.ack(lease!);
      expect(await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000, waitMs: 500 })).toBeNull();
      // The cancelled copy was taken off the broker and dropped, not put back.
      expect((await channel.checkQueue(workQueue)).messageCount).toBe(0);
      expect((await queue.state(id))?.state).toBe('cancelled');
    } finally {
      await connection.close();
    }
  });

  it('sends a copy that a crashed process recorded but never sent, and drops the stale one', async () => {
    const queue = await open({ unsentGraceMs: 0 });
    const { id } = await queue.enqueue('interrupted');
    // As if the process died after recording a new copy and before sending it.
    await database.pool.query(
      `UPDATE queue_messages SET live_copy = 'never-sent', copy_sent = false, changed_at = 0 WHERE id = $1`,
      [id],
    );
    expect(await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000 })).toBeNull();
    await queue.sweepNow();
    const lease = await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000, waitMs: 5_000 });
    expect(lease?.message).toMatchObject({ id, payload: 'interrupted', attempt: 1 });
    await queue.ack(lease!);
    expect(await queue.lease(anyAgent('a'), { visibilityTimeoutMs: 60_000 })).toBeNull();
  });
});

/** Has the broker close one connection, found by its name: as on a broker restart or a network cut. */
function closeBrokerConnection(connectionName: string): void {
  const listing = execFileSync(
    'rabbitmqctl',
    ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers'],
    {
      encoding: 'utf8',
    },
  );
  const line = listing.split('\n').find((l) => l.includes(`"${connectionName}"`));
  if (!line) throw new Error(`no broker connection named ${connectionName}:\n${listing}`);
  execFileSync('rabbitmqctl', ['close_connection', line.split('\t')[0]!, 'test cuts the connection', '-q']);
}
