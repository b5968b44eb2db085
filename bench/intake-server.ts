/**
 * One webhook intake server for the benchmark, in its own process so the load generator doesn't share its
 * event loop. `full`: the real ironbots receiver (verify + durable SQLite enqueue). `fleet`: the same receiver
 * on the fleet's queue (RabbitMQ with PostgreSQL bookkeeping; the schema is the third argument). `bare`:
 * node:http that only reads the body and verifies the HMAC, the least any receiver must do. `plain`: bare plus
 * what makes a delivery durable, written the shortest way (JSON.parse, an INSERT into a SQLite table in WAL
 * mode, committed in groups, SQLite's own checkpoints): what durability itself costs, without ironbots' code.
 * `full` and `fleet` log as a server does: a JSON line per delivery at info, through the secret registry, into
 * `<logDir>/<mode>.log`. Prints the URL on stdout, serves until killed.
 */
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { verify } from '@octokit/webhooks-methods';
import { exactRoute, startHttpServer } from '../core/http/http-server.ts';
import { createLogger } from '../core/logger.ts';
import { SecretRegistry } from '../core/secrets.ts';
import { PostgresDatabase } from '../runner-agent/src/queue/postgres-database.ts';
import { RabbitMqQueue } from '../runner-agent/src/queue/rabbitmq-queue.ts';
import { SqliteQueue } from '../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../runner-agent/src/webhooks/delivery.ts';
import { createGitHubReceiver } from '../runner-agent/src/webhooks/github-receiver.ts';

/** `stateDir` is the PostgreSQL schema for `fleet`. */
const [mode, secret, stateDir, logDir] = process.argv.slice(2) as [string, string, string, string];

if (mode === 'full' || mode === 'fleet') {
  const events =
    mode === 'full'
      ? await SqliteQueue.open<WebhookDelivery>({ path: path.join(stateDir, 'queue.db'), name: 'events' })
      : await RabbitMqQueue.open<WebhookDelivery>({
          amqpUrl: process.env.IRONBOTS_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
          database: await PostgresDatabase.open({
            url: process.env.IRONBOTS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
            schema: stateDir,
          }),
          name: `bench-${stateDir}`,
        });
  const secrets = new SecretRegistry();
  secrets.add(secret);
  const logger = createLogger({
    name: `bench-intake-${mode}`,
    secrets,
    level: 'info',
    destination: createWriteStream(path.join(logDir, `${mode}.log`)),
  });
  const receiver = createGitHubReceiver({ secret, events, logger });
  const server = await startHttpServer({
    logger,
    routes: [exactRoute('POST', '/webhooks/github', receiver)],
  });
  process.stdout.write(`${server.url}\n`);
} else if (mode === 'plain') {
  const db = new DatabaseSync(path.join(stateDir, 'plain.db'));
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE deliveries (seq INTEGER PRIMARY KEY, delivery TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)`);
  const insert = db.prepare('INSERT OR IGNORE INTO deliveries (delivery, payload) VALUES (?, ?)');
  let pending: { delivery: string; payload: string; res: http.ServerResponse }[] = [];
  // Group commit: the deliveries that arrived in one turn of the event loop share a transaction.
  const commit = () => {
    const batch = pending;
    pending = [];
    db.exec('BEGIN IMMEDIATE');
    for (const { delivery, payload } of batch) insert.run(delivery, payload);
    db.exec('COMMIT');
    for (const { res } of batch) answer(res, 202);
  };
  serveVerified((req, res, payload) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return answer(res, 400);
    pending.push({ delivery: String(req.headers['x-github-delivery']), payload, res });
    if (pending.length === 1) setImmediate(commit);
  });
} else {
  serveVerified((_req, res) => answer(res, 202));
}

/** node:http on a free loopback port that reads each body and answers 401 unless its HMAC verifies. */
function serveVerified(
  verified: (req: http.IncomingMessage, res: http.ServerResponse, payload: string) => void,
): void {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(chunks).toString('utf8');
      void verify(secret, payload, String(req.headers['x-hub-signature-256'])).then((ok) =>
        ok ? verified(req, res, payload) : answer(res, 401),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`http://127.0.0.1:${address.port}\n`);
  });
}

function answer(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end('{}');
}

// Exit cleanly when the benchmark is done, so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
