import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sign } from '@octokit/webhooks-methods';
import { Pool } from 'undici';
import { timeBasedUuids } from '../emulators/github/webhook-sender.ts';
import { ms, summarize } from './stats.ts';

const SECRET = 'benchmark-webhook-secret';

/** Delivery ids in GitHub's form: time-based GUIDs (version 1). */
const deliveryGuid = timeBasedUuids();
const ROUNDS = 5;

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
  mode: 'full' | 'bare' | 'plain' | 'fleet',
  stateDir: string,
  logDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  // IRONBOTS_BENCH_CPU_PROF=<dir>: each server writes a CPU profile there when the benchmark ends.
  const profileDir = process.env.IRONBOTS_BENCH_CPU_PROF;
  const child = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, mode)}`] : []),
      path.join(import.meta.dirname, 'intake-server.ts'),
      mode,
      SECRET,
      stateDir,
      logDir,
    ],
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
            'x-github-delivery': deliveryGuid(),
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
    bare: await startServer('bare', stateDir, stateDir),
    full: await startServer('full', stateDir, stateDir),
    plain: await startServer('plain', stateDir, stateDir),
    fleet: await startServer('fleet', schema, stateDir).catch((error: Error) => {
      console.log(`  (fleet backends skipped: ${error.message})`);
      return undefined;
    }),
  };
  try {
    const size = Buffer.byteLength(bodies[0]!.body);
    console.log(
      `webhook intake (${count} deliveries of ${(size / 1024).toFixed(1)} KB per round, ${ROUNDS} interleaved rounds, medians; ` +
        `ratio range = the rounds' own ratios, i.e. the noise)`,
    );
    console.log(`  ironbots and fleet log as a server does: an info line per delivery, to a file`);
    // Warm both up, then measure them alternately so neither gets the quieter half of the run.
    await load(servers.bare.url, 500, bodies, 16);
    await load(servers.full.url, 500, bodies, 16);
    await load(servers.plain.url, 500, bodies, 16);
    if (servers.fleet) await load(servers.fleet.url, 500, bodies, 16);
    type Round = Awaited<ReturnType<typeof load>> & { cpuMs: number };
    const measured = async (server: { url: string; child: ChildProcess }, connections: number) => {
      const cpuBefore = cpuMs(server.child);
      const round = await load(server.url, count, bodies, connections);
      return { ...round, cpuMs: (cpuMs(server.child) - cpuBefore) / count };
    };
    // Deliveries that arrive together share a commit, so throughput grows with concurrency: show where it
    // stands at a modest and at a busy webhook load.
    for (const connections of [16, 64]) {
      const rounds = { bare: [] as Round[], full: [] as Round[], plain: [] as Round[], fleet: [] as Round[] };
      for (let round = 0; round < ROUNDS; round++) {
        rounds.bare.push(await measured(servers.bare, connections));
        rounds.full.push(await measured(servers.full, connections));
        rounds.plain.push(await measured(servers.plain, connections));
        if (servers.fleet) rounds.fleet.push(await measured(servers.fleet, connections));
      }
      const bare = medians(rounds.bare);
      const line = (label: string, r: ReturnType<typeof medians>, failures?: number) =>
        `    ${label}${r.perSecond.toFixed(0).padStart(6)} deliveries/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}` +
        `  CPU ${r.cpuMs.toFixed(3)} ms/delivery${failures === undefined ? '' : `  (failures: ${failures})`}`;
      const ratios = (rs: Round[]) => {
        const each = rs.map((r, i) => r.perSecond / rounds.bare[i]!.perSecond).sort((a, b) => a - b);
        const r = medians(rs);
        return (
          `${(r.perSecond / bare.perSecond).toFixed(2)}× (rounds ${each[0]!.toFixed(2)}–${each.at(-1)!.toFixed(2)}), ` +
          `CPU per delivery ${(r.cpuMs / bare.cpuMs).toFixed(1)}× the baseline's`
        );
      };
      const failures = (rs: Round[]) => rs.reduce((n, r) => n + r.failures, 0);
      console.log(`  ${connections} concurrent connections`);
      console.log(line('baseline  node:http + HMAC verify only:     ', bare));
      console.log(
        line('ironbots  verify + durable SQLite enqueue:  ', medians(rounds.full), failures(rounds.full)),
      );
      console.log(`    ratio     ironbots / baseline = ${ratios(rounds.full)}  (goal ≥ 0.5×, p99 < 20 ms)`);
      console.log(
        line('plain     verify + parse + SQLite INSERT:   ', medians(rounds.plain), failures(rounds.plain)),
      );
      const againstPlain = rounds.full.map((r, i) => r.perSecond / rounds.plain[i]!.perSecond);
      console.log(
        `    ratio     plain / baseline = ${ratios(rounds.plain)}; ironbots / plain = ` +
          `${summarize(againstPlain).p50.toFixed(2)}× (what durability costs, written the shortest way)`,
      );
      if (servers.fleet) {
        console.log(
          line('fleet     verify + RabbitMQ/PostgreSQL:     ', medians(rounds.fleet), failures(rounds.fleet)),
        );
        console.log(`    ratio     fleet / baseline = ${ratios(rounds.fleet)}`);
      }
    }
  } finally {
    servers.bare.child.kill();
    servers.full.child.kill();
    servers.plain.child.kill();
    servers.fleet?.child.kill();
    await rm(stateDir, { recursive: true, force: true });
    if (servers.fleet) await dropFleetQueue(schema);
  }
}

/** The median of each figure over the rounds. */
function medians(rounds: { perSecond: number; p50: number; p99: number; cpuMs: number }[]) {
  const median = (pick: (r: (typeof rounds)[number]) => number) => {
    const sorted = rounds.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  return {
    perSecond: median((r) => r.perSecond),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    cpuMs: median((r) => r.cpuMs),
  };
}

/**
 * CPU time (user + system, all threads) a server process used so far, in ms; NaN off Linux. On a machine
 * shared with other work this is steadier than throughput: it is what each delivery costs, not how much of
 * the CPU the server got.
 */
function cpuMs(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
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
