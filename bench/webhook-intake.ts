import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sign } from '@octokit/webhooks-methods';
import { Pool } from 'undici';
import { ms, summarize } from './stats.ts';

const SECRET = 'benchmark-webhook-secret';

/** A pull_request payload of realistic size (GitHub's are 10–30 KB). */
function payload(i: number): string {
  const repo = {
    id: 1,
    name: 'widget',
    full_name: 'acme/widget',
    owner: { login: 'acme' },
    clone_url: 'https://github.com/acme/widget.git',
    description: 'x'.repeat(200),
  };
  return JSON.stringify({
    action: 'synchronize',
    number: i,
    pull_request: {
      number: i,
      state: 'open',
      title: `PR ${i}`,
      body: 'lorem ipsum '.repeat(600),
      head: { sha: 'a'.repeat(40), ref: 'f', repo },
      base: { ref: 'main', repo },
      user: { login: 'alice' },
    },
    repository: repo,
    sender: { login: 'alice' },
  });
}

async function startServer(
  mode: 'full' | 'bare' | 'fleet',
  stateDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'intake-server.ts'), mode, SECRET, stateDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url: line.trim(), child };
}

/** Sends `count` signed deliveries over CONNECTIONS keep-alive connections; returns throughput and latencies. */
async function load(
  url: string,
  count: number,
  bodies: { body: string; signature: string }[],
  connections: number,
) {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const i = next++;
        const { body, signature } = bodies[i % bodies.length]!;
        const t0 = performance.now();
        const res = await pool.request({
          path: '/webhooks/github',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'pull_request',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': signature,
          },
          body,
        });
        await res.body.dump();
        if (res.statusCode !== 202) failures++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { perSecond: count / seconds, failures, ...summarize(latencies) };
}

export async function benchWebhookIntake(count = 4000): Promise<void> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-intake-'));
  const bodies = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const body = payload(i + 1);
      return { body, signature: await sign(SECRET, body) };
    }),
  );
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const servers = {
    bare: await startServer('bare', stateDir),
    full: await startServer('full', stateDir),
    fleet: await startServer('fleet', schema).catch((error: Error) => {
      console.log(`  (fleet backends skipped: ${error.message})`);
      return undefined;
    }),
  };
  try {
    const size = Buffer.byteLength(bodies[0]!.body);
    console.log(
      `webhook intake (${count} deliveries of ${(size / 1024).toFixed(1)} KB per round, best of 3 rounds each)`,
    );
    // Warm both up, then measure them alternately so neither gets the quieter half of the run.
    await load(servers.bare.url, 500, bodies, 16);
    await load(servers.full.url, 500, bodies, 16);
    if (servers.fleet) await load(servers.fleet.url, 500, bodies, 16);
    type Round = Awaited<ReturnType<typeof load>>;
    const best = (rs: Round[]) => rs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    // A durable enqueue waits for an fsync'd group commit, so its throughput grows with concurrency:
    // show where it stands at a modest and at a busy webhook load.
    for (const connections of [16, 64]) {
      const rounds = { bare: [] as Round[], full: [] as Round[], fleet: [] as Round[] };
      for (let round = 0; round < 3; round++) {
        rounds.bare.push(await load(servers.bare.url, count, bodies, connections));
        rounds.full.push(await load(servers.full.url, count, bodies, connections));
        if (servers.fleet) rounds.fleet.push(await load(servers.fleet.url, count, bodies, connections));
      }
      const bare = best(rounds.bare);
      const full = best(rounds.full);
      console.log(`  ${connections} concurrent connections`);
      console.log(
        `    baseline  node:http + HMAC verify only:     ${bare.perSecond.toFixed(0).padStart(6)} deliveries/s  p50 ${ms(bare.p50)}  p99 ${ms(bare.p99)}`,
      );
      console.log(
        `    ironbots  verify + durable SQLite enqueue:  ${full.perSecond.toFixed(0).padStart(6)} deliveries/s  p50 ${ms(full.p50)}  p99 ${ms(full.p99)}  (failures: ${full.failures})`,
      );
      console.log(
        `    ratio     ironbots / baseline = ${(full.perSecond / bare.perSecond).toFixed(2)}×  (goal ≥ 0.5×)`,
      );
      if (servers.fleet) {
        const fleet = best(rounds.fleet);
        console.log(
          `    fleet     verify + RabbitMQ/PostgreSQL:     ${fleet.perSecond.toFixed(0).padStart(6)} deliveries/s  p50 ${ms(fleet.p50)}  p99 ${ms(fleet.p99)}  (failures: ${fleet.failures})`,
        );
        console.log(`    ratio     fleet / baseline = ${(fleet.perSecond / bare.perSecond).toFixed(2)}×`);
      }
    }
  } finally {
    servers.bare.child.kill();
    servers.full.child.kill();
    servers.fleet?.child.kill();
    await rm(stateDir, { recursive: true, force: true });
    if (servers.fleet) await dropFleetQueue(schema);
  }
}

/** The fleet server's broker queues and PostgreSQL schema go with the benchmark. */
async function dropFleetQueue(schema: string): Promise<void> {
  const { PostgresDatabase } = await import('../runner-agent/src/queue/postgres-database.ts');
  const { destroyRabbitMqQueue } = await import('../runner-agent/src/queue/rabbitmq-queue.ts');
  const database = await PostgresDatabase.open({
    url: process.env.IRONBOTS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    schema,
  });
  try {
    await destroyRabbitMqQueue({
      amqpUrl: process.env.IRONBOTS_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
      database,
      name: `bench-${schema}`,
    });
    await database.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await database.close();
  }
}
