import http from 'node:http';
import path from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactRoute, startHttpServer, type RunningHttpServer } from '../../core/http/http-server.ts';
import { silentLogger } from '../../core/logger.ts';
import type { Queue } from '../../runner-agent/src/queue/queue.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { createGitHubReceiver, MAX_WEBHOOK_BYTES } from '../../runner-agent/src/webhooks/github-receiver.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SECRET = 'It is a secret to everybody';
const payload = JSON.stringify({ action: 'opened', number: 1, zen: 'Design for failure.' });

let server: RunningHttpServer;
let events: Queue<WebhookDelivery>;
let cleanup: () => Promise<void>;

async function start(queue?: Queue<WebhookDelivery>, maxBodyBytes?: number) {
  const tmp = await withTempDir();
  events =
    queue ?? (await SqliteQueue.open<WebhookDelivery>({ path: path.join(tmp.dir, 'q.db'), name: 'events' }));
  const receiver = createGitHubReceiver({
    secret: SECRET,
    events,
    logger: silentLogger(),
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  server = await startHttpServer({
    logger: silentLogger(),
    routes: [exactRoute('POST', '/webhooks/github', receiver)],
  });
  cleanup = async () => {
    await server.close();
    await events.close().catch(() => undefined);
    await tmp.remove();
  };
}

async function deliver(body: string, headers: Record<string, string | undefined>) {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const res = await fetch(`${server.url}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...clean },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signedHeaders(body: string, delivery = 'd-1', event = 'pull_request') {
  return {
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(SECRET, body),
  };
}

async function queuedCount() {
  return (await events.stats()).queued;
}

describe('GitHub webhook receiver', () => {
  beforeEach(async () => start());
  afterEach(async () => cleanup());

  it('verifies, durably queues and answers 202', async () => {
    const res = await deliver(payload, await signedHeaders(payload, 'delivery-42'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ queued: true, duplicate: false });
    const lease = await events.lease({ name: 't', labels: [] }, { visibilityTimeoutMs: 10_000 });
    expect(lease?.message.payload).toMatchObject({
      forge: 'github',
      deliveryId: 'delivery-42',
      event: 'pull_request',
      payload: JSON.parse(payload),
    });
  });

  it('answers a replayed delivery id with 200 and queues nothing new', async () => {
    // Any id, and GitHub's own form (a time-based GUID, keyed by its time).
    for (const [n, id] of ['same-id', '58474f00-b361-11eb-836d-0e4f3503ccbe'].entries()) {
      const headers = await signedHeaders(payload, id);
      expect((await deliver(payload, headers)).status).toBe(202);
      const replay = await deliver(payload, headers);
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ duplicate: true });
      expect(await queuedCount()).toBe(n + 1);
    }
  });

  it('rejects a bad signature with 401 and queues nothing', async () => {
    const headers = await signedHeaders(payload);
    const res = await deliver(payload.replace('opened', 'closed'), headers);
    expect(res.status).toBe(401);
    expect(await queuedCount()).toBe(0);
  });

  it('rejects a signature made with another secret, and a missing one, with 401', async () => {
    const other = {
      ...(await signedHeaders(payload)),
      'x-hub-signature-256': await sign('another secret', payload),
    };
    expect((await deliver(payload, other)).status).toBe(401);
    expect(
      (await deliver(payload, { ...(await signedHeaders(payload)), 'x-hub-signature-256': undefined }))
        .status,
    ).toBe(401);
    expect(
      (await deliver(payload, { ...(await signedHeaders(payload)), 'x-hub-signature-256': 'sha256=zz' }))
        .status,
    ).toBe(401);
    expect(await queuedCount()).toBe(0);
  });

  it.each(['x-github-event', 'x-github-delivery'])('answers 400 when %s is missing', async (name) => {
    const res = await deliver(payload, { ...(await signedHeaders(payload)), [name]: undefined });
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(/missing header/i);
    expect(await queuedCount()).toBe(0);
  });

  it('answers 400 for correctly signed malformed JSON, and for JSON that is not an object', async () => {
    const broken = '{"action": "opened",';
    expect((await deliver(broken, await signedHeaders(broken))).status).toBe(400);
    const scalar = '"just a string"';
    expect((await deliver(scalar, await signedHeaders(scalar, 'd-2'))).status).toBe(400);
    expect(await queuedCount()).toBe(0);
  });

  it('answers a ping without queueing it', async () => {
    const res = await deliver(payload, await signedHeaders(payload, 'p-1', 'ping'));
    expect(res.status).toBe(200);
    expect(await queuedCount()).toBe(0);
  });

  it('answers 413 to a declared body over 25 MB before reading it', async () => {
    const headers = await signedHeaders(payload);
    // Declare a huge body but send only a few bytes: a receiver that tried to read it all would hang.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/webhooks/github`, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(MAX_WEBHOOK_BYTES + 1),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"a":');
    });
    expect(status).toBe(413);
    expect(await queuedCount()).toBe(0);
  });

  it('rejects GET with 405', async () => {
    const res = await fetch(`${server.url}/webhooks/github`);
    expect(res.status).toBe(405);
  });
});

describe('GitHub webhook receiver limits and failures', () => {
  afterEach(async () => cleanup());

  it('answers 413 to a chunked body that grows past the limit while streaming', async () => {
    await start(undefined, 1024);
    const big = JSON.stringify({ filler: 'x'.repeat(4096) });
    const headers = await signedHeaders(big);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/webhooks/github`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 512) req.write(big.slice(i, i + 512));
      req.end();
    });
    expect(status).toBe(413);
    expect(await queuedCount()).toBe(0);
  });

  it('answers 503 when the queue cannot take the delivery, so GitHub shows it failed and it can be redelivered', async () => {
    const tmp = await withTempDir();
    const real = await SqliteQueue.open<WebhookDelivery>({
      path: path.join(tmp.dir, 'q.db'),
      name: 'events',
    });
    const failing = Object.create(real) as Queue<WebhookDelivery>;
    failing.enqueue = () => Promise.reject(new Error('disk full'));
    await start(failing);
    const res = await deliver(payload, await signedHeaders(payload));
    expect(res.status).toBe(503);
    await real.close();
    await tmp.remove();
  });
});

describe('GitHub webhook receiver, comment deliveries', () => {
  beforeEach(async () => start());
  afterEach(async () => cleanup());

  const comment = {
    action: 'created',
    issue: { number: 3, pull_request: { url: 'http://x/pulls/3' } },
    comment: { id: 9, body: '/retest', user: { login: 'alice', type: 'User' } },
    repository: {
      name: 'widget',
      owner: { login: 'acme' },
      clone_url: 'http://x/acme/widget.git',
      html_url: 'http://x/acme/widget',
      default_branch: 'main',
    },
  };

  it('queues an issue_comment that a command can be read from', async () => {
    const body = JSON.stringify(comment);
    expect((await deliver(body, await signedHeaders(body, 'c-1', 'issue_comment'))).status).toBe(202);
    expect(await queuedCount()).toBe(1);
  });

  it('refuses an issue_comment with missing fields with 400, naming the field, and queues nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...comment, comment: { id: 9, user: { login: 'alice' } } }, /comment\.body/],
      [{ ...comment, comment: { ...comment.comment, user: {} } }, /comment\.user\.login/],
      [{ ...comment, issue: {} }, /issue\.number/],
      [{ action: 'created' }, /issue/],
    ];
    for (const [i, [payload, field]] of cases.entries()) {
      const body = JSON.stringify(payload);
      const res = await deliver(body, await signedHeaders(body, `bad-${i}`, 'issue_comment'));
      expect(res.status).toBe(400);
      expect(String(res.body.error)).toMatch(field);
    }
    expect(await queuedCount()).toBe(0);
  });

  it('acknowledges events it does not handle (they are ignored further on)', async () => {
    const body = JSON.stringify({ action: 'created', starred_at: null });
    expect((await deliver(body, await signedHeaders(body, 's-1', 'star'))).status).toBe(202);
  });
});
