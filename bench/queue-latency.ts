import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PostgresDatabase } from '../runner-agent/src/queue/postgres-database.ts';
import type { Queue } from '../runner-agent/src/queue/queue.ts';
import { destroyRabbitMqQueue, RabbitMqQueue } from '../runner-agent/src/queue/rabbitmq-queue.ts';
import { SqliteQueue } from '../runner-agent/src/queue/sqlite-queue.ts';
import { ms, summarize } from './stats.ts';

const AMQP_URL = process.env.IRONBOTS_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const POSTGRES_URL = process.env.IRONBOTS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Enqueue → lease: an idle agent is already waiting in `lease`; the clock runs from the start of
 * `enqueue` to the lease in its hands. One message at a time, so each sample is one trip.
 */
async function enqueueToLease(queue: Queue<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  const agent = { name: 'bench', labels: ['x86_64', 'kvm'] };
  for (let i = 0; i < count + 10; i++) {
    const leased = queue.lease(agent, { visibilityTimeoutMs: 60_000, waitMs: 30_000 });
    // Let the waiter settle into its wait, as an idle agent would be.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const t0 = performance.now();
    await queue.enqueue({ n: i }, { labels: ['x86_64'] });
    const lease = await leased;
    const elapsed = performance.now() - t0;
    if (!lease) throw new Error('the waiting lease got nothing');
    await queue.ack(lease);
    if (i >= 10) samples.push(elapsed); // The first few warm up connections and caches.
  }
  return samples;
}

export async function benchQueueLatency(count = 200): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-queue-'));
  const sqlite = await SqliteQueue.open<unknown>({ path: path.join(dir, 'queue.db'), name: 'jobs' });
  let embedded: number[];
  try {
    embedded = await enqueueToLease(sqlite, count);
  } finally {
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  }
  const base = summarize(embedded);
  console.log(`enqueue → lease by a waiting agent (${count} messages one after another)`);
  console.log(`  baseline  SQLite (embedded):                  p50 ${ms(base.p50)}  p99 ${ms(base.p99)}`);

  const fleet = await withFleetQueue((rabbit) => enqueueToLease(rabbit, count));
  if (!fleet) return;
  const mq = summarize(fleet);
  console.log(`  ironbots  RabbitMQ + PostgreSQL (fleet):      p50 ${ms(mq.p50)}  p99 ${ms(mq.p99)}`);
  console.log(
    `  ratio     p50 ${(mq.p50 / base.p50).toFixed(2)}×, p99 ${(mq.p99 / base.p99).toFixed(2)}×  (goal: RabbitMQ p50 < 50 ms)`,
  );
}

/** `count` messages already queued, `agents` workers leasing and acking them at once: messages per second. */
async function drainWithAgents(queue: Queue<unknown>, count: number, agents: number): Promise<number> {
  for (let i = 0; i < count; i += 100)
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        queue.enqueue({ n: i + k }, { labels: ['x86_64'] }),
      ),
    );
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: agents }, async (_, a) => {
      const agent = { name: `bench-${a}`, labels: ['x86_64'] };
      while (done < count) {
        const lease = await queue.lease(agent, { visibilityTimeoutMs: 60_000, waitMs: 200 });
        if (!lease) continue;
        await queue.ack(lease);
        done++;
      }
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** Jobs per second through 4 agents (lease + ack of jobs already queued), embedded beside the fleet. */
export async function benchQueueThroughput(count = 2000, agents = 4): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-queue-'));
  const sqlite = await SqliteQueue.open<unknown>({ path: path.join(dir, 'queue.db'), name: 'jobs' });
  let embedded: number;
  try {
    embedded = await drainWithAgents(sqlite, count, agents);
  } finally {
    await sqlite.close();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`jobs through ${agents} agents (${count} queued, each leased and acked)`);
  console.log(`  baseline  SQLite (embedded):                  ${embedded.toFixed(0)} jobs/s`);
  const fleet = await withFleetQueue((rabbit) => drainWithAgents(rabbit, count, agents));
  if (fleet === undefined) return;
  console.log(`  ironbots  RabbitMQ + PostgreSQL (fleet):      ${fleet.toFixed(0)} jobs/s`);
  console.log(`  ratio     ${(fleet / embedded).toFixed(2)}× the embedded queue`);
}

/**
 * Runs `use` on a fresh RabbitMQ queue with its PostgreSQL bookkeeping in a schema of its own, both removed
 * afterwards; says "skipped" (and returns undefined) when the fleet's services are not there.
 */
async function withFleetQueue<R>(use: (queue: Queue<unknown>) => Promise<R>): Promise<R | undefined> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  let database: PostgresDatabase;
  try {
    database = await PostgresDatabase.open({ url: POSTGRES_URL, schema, signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    console.log(`  fleet     skipped: ${(error as Error).message}`);
    return undefined;
  }
  const name = `bench-${schema}`;
  try {
    const rabbit = await RabbitMqQueue.open<unknown>({
      amqpUrl: AMQP_URL,
      database,
      name,
      signal: AbortSignal.timeout(5_000),
    });
    try {
      return await use(rabbit);
    } finally {
      await rabbit.close();
      await destroyRabbitMqQueue({ amqpUrl: AMQP_URL, database, name });
    }
  } catch (error) {
    console.log(`  fleet     skipped: ${(error as Error).message}`);
    return undefined;
  } finally {
    await database.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await database.close();
  }
}
