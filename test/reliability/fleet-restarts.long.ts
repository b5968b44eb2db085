import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { destroyRabbitMqQueue, RabbitMqQueue } from '../../runner-agent/src/queue/rabbitmq-queue.ts';
import { openTestDatabase, TEST_AMQP_URL, uniqueName } from '../queue/fleet-services.ts';
import { formatTable, type Counts } from './tally.ts';

/**
 * Issue 14's engine restarts: RabbitMQ and then PostgreSQL are restarted for real (`rabbitmqctl stop_app`
 * / `start_app`, `pg_ctlcluster … restart`) while 4 agents work through a load of queued jobs (10 000 by
 * default, IRONBOTS_RELIABILITY_LOAD_JOBS). The agents do what the real agent does with its queue: lease,
 * ack, and on an error wait a moment and go on. Counted:
 * - lost: a job that is not done at the end;
 * - duplicated: a job acked successfully twice (two agents both believing they finished it);
 * - reruns: a job leased again after its ack had succeeded (it would run a second time).
 * Restarting the machine's shared brokers disturbs anything else using them: this runs only under
 * `npm run test:reliability`, never in `npm test`.
 */
const JOBS = Number(process.env.IRONBOTS_RELIABILITY_LOAD_JOBS ?? '10000');
const AGENTS = 4;
const POSTGRES_CLUSTER = (process.env.IRONBOTS_RELIABILITY_PG_CLUSTER ?? '15 main').split(' ');

function restartRabbitMq(): void {
  execFileSync('rabbitmqctl', ['stop_app', '-q']);
  execFileSync('sleep', ['3']);
  execFileSync('rabbitmqctl', ['start_app', '-q']);
}

function restartPostgres(): void {
  execFileSync('pg_ctlcluster', [...POSTGRES_CLUSTER, 'restart', '-m', 'fast']);
}

describe('reliability of the fleet engines', () => {
  it(`RabbitMQ and PostgreSQL restarted under a ${JOBS}-job load`, async ({ task }) => {
    const { database, drop } = await openTestDatabase('restarts');
    const name = uniqueName('restarts');
    const queue = await RabbitMqQueue.open<number>({
      amqpUrl: TEST_AMQP_URL,
      database,
      name,
      connectRetry: { initialMs: 200, maxMs: 2_000 },
    });
    const ids: string[] = [];
    try {
      for (let i = 0; i < JOBS; i += 200) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(200, JOBS - i) }, (_, k) => queue.enqueue(i + k)),
        );
        ids.push(...batch.map((r) => r.id));
      }
      const acked = new Map<string, number>();
      let reruns = 0;
      let errors = 0;
      let restarts = 0;
      const finished = () => acked.size >= JOBS;
      const restarter = (async () => {
        // RabbitMQ at a quarter of the load, PostgreSQL at half, each while the agents are busy.
        while (acked.size < JOBS / 4) await sleep(50);
        restartRabbitMq();
        restarts++;
        while (acked.size < JOBS / 2) await sleep(50);
        restartPostgres();
        restarts++;
      })();
      const agent = async (agentName: string) => {
        while (!finished()) {
          try {
            const lease = await queue.lease(
              { name: agentName, labels: [] },
              { visibilityTimeoutMs: 30_000, waitMs: 1_000 },
            );
            if (!lease) continue;
            if (acked.has(lease.message.id)) reruns++;
            await queue.ack(lease);
            acked.set(lease.message.id, (acked.get(lease.message.id) ?? 0) + 1);
          } catch {
            // The broker or the database is away: as the agent does, wait and go on.
            errors++;
            await sleep(200);
          }
        }
      };
      const deadline = AbortSignal.timeout(JOBS * 60 + 300_000);
      await Promise.race([
        Promise.all([restarter, ...Array.from({ length: AGENTS }, (_, i) => agent(`agent-${i}`))]),
        new Promise((_, reject) =>
          deadline.addEventListener('abort', () => reject(new Error('the load did not finish in time'))),
        ),
      ]);
      const stats = await queue.stats();
      const counts: Counts = {
        trials: 1,
        contexts: JOBS,
        lost: ids.filter((id) => !acked.has(id)).length,
        duplicated: [...acked.values()].filter((n) => n > 1).length,
        wrong: 0,
        reruns,
        regressions: 0,
        orphans: 0,
      };
      const scenario = `RabbitMQ + PostgreSQL restarts, ${JOBS} jobs, ${AGENTS} agents`;
      task.meta.reliability = { scenario, counts };
      console.log(
        `${formatTable([{ scenario, counts }])}\n${restarts} restarts, ${errors} errors seen by agents (retried), queue: ${JSON.stringify(stats)}`,
      );
      expect(restarts).toBe(2);
      expect(counts).toMatchObject({ lost: 0, duplicated: 0, reruns: 0 });
      expect(stats).toEqual({ queued: 0, leased: 0, done: JOBS, dead: 0 });
    } finally {
      await queue.close();
      await destroyRabbitMqQueue({ amqpUrl: TEST_AMQP_URL, database, name });
      await drop();
    }
  }, 3_600_000);
});
