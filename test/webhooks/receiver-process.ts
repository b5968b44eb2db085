/**
 * The GitHub webhook receiver on a SQLite events queue in a process of its own, for the kill -9 test:
 *
 *   node receiver-process.ts <queue.db> <secret>   prints its URL, then serves until killed
 */
import { exactRoute, startHttpServer } from '../../core/http/http-server.ts';
import { silentLogger } from '../../core/logger.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { createGitHubReceiver } from '../../runner-agent/src/webhooks/github-receiver.ts';

const [file, secret] = process.argv.slice(2);
if (!file || !secret) throw new Error('usage: receiver-process.ts <queue.db> <secret>');
const events = await SqliteQueue.open<WebhookDelivery>({ path: file, name: 'events' });
const server = await startHttpServer({
  logger: silentLogger(),
  routes: [
    exactRoute('POST', '/webhooks/github', createGitHubReceiver({ secret, events, logger: silentLogger() })),
  ],
});
process.stdout.write(`${server.url}\n`);
