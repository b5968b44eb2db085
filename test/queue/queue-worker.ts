/**
 * A separate process using a SqliteQueue file, for the multi-process tests in sqlite-queue.test.ts.
 *
 *   node queue-worker.ts drain <db> <queue> <consumer>   prints "ready", waits for a line on stdin, then
 *                                                       leases and acks until the queue is empty and
 *                                                       prints the ids it took as one JSON line
 *   node queue-worker.ts enqueue <db> <queue> <payload>  enqueues one string payload and exits
 */
import { createInterface } from 'node:readline';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';

const [mode, file, name, arg] = process.argv.slice(2);
if (!mode || !file || !name || !arg)
  throw new Error('usage: queue-worker.ts drain|enqueue <db> <queue> <arg>');
const queue = await SqliteQueue.open<unknown>({ path: file, name });

if (mode === 'drain') {
  const lines = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  // Start together with the other workers, so they really race.
  await new Promise((resolve) => lines.once('line', resolve));
  lines.close();
  const taken: string[] = [];
  for (;;) {
    const lease = await queue.lease({ name: arg, labels: [] }, { visibilityTimeoutMs: 60_000 });
    if (!lease) break;
    taken.push(lease.message.id);
    await queue.ack(lease);
  }
  process.stdout.write(`${JSON.stringify(taken)}\n`);
} else if (mode === 'enqueue') {
  await queue.enqueue(arg);
} else {
  throw new Error(`unknown mode ${mode}`);
}
await queue.close();
