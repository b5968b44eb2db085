import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exactRoute, startHttpServer, type RunningHttpServer } from '../../core/http/http-server.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import {
  createGitHubReceiver,
  type DeliveryOutcome,
  type GitHubReceiverOptions,
} from '../../runner-agent/src/webhooks/github-receiver.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { withTempDir } from '../support/temp-dir.ts';

const SECRET = 'It is a secret to everybody';

function signature(body: Buffer | string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

let server: RunningHttpServer;
let events: SqliteQueue<WebhookDelivery>;
let tmp: { dir: string; remove(): Promise<void> };
let outcomes: DeliveryOutcome[];
let log: ReturnType<typeof capturingLogger>;
let pendingBytes: () => number;

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function start(
  options: Partial<GitHubReceiverOptions> = {},
  timeouts?: Parameters<typeof startHttpServer>[0]['timeouts'],
) {
  tmp = await withTempDir();
  events = await SqliteQueue.open<WebhookDelivery>({ path: path.join(tmp.dir, 'q.db'), name: 'events' });
  outcomes = [];
  log = capturingLogger();
  const receiver = createGitHubReceiver({
    secret: SECRET,
    events,
    logger: log.logger,
    onOutcome: (_event, outcome) => outcomes.push(outcome),
    ...options,
  });
  pendingBytes = receiver.pendingBytes;
  server = await startHttpServer({
    logger: log.logger,
    routes: [exactRoute('POST', '/webhooks/github', receiver)],
    ...(timeouts ? { timeouts } : {}),
  });
}

afterEach(async () => {
  await server.close();
  await events.close();
  await tmp.remove();
});

/** Sends a whole body (a Buffer, byte for byte) and returns status, headers and body of the answer. */
function post(
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': `d-${Math.random()}`,
        'x-hub-signature-256': signature(body),
        'content-length': String(body.length),
        ...headers,
      },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Opens a raw connection and sends the request line, headers and the first `sent` bytes of a body of
 * `declared` bytes, then waits. Resolves with what the server answered, or '' when it just closed.
 */
function stalledUpload(
  declared: number | 'chunked',
  sent: number,
): {
  socket: net.Socket;
  answer: Promise<string>;
} {
  const url = new URL(server.url);
  const socket = net.connect(Number(url.port), url.hostname);
  const head = [
    'POST /webhooks/github HTTP/1.1',
    `Host: ${url.host}`,
    'Content-Type: application/json',
    'X-GitHub-Event: pull_request',
    `X-GitHub-Delivery: stalled-${Math.random()}`,
    `X-Hub-Signature-256: ${signature('whatever')}`,
    declared === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`,
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  const bytes = Buffer.alloc(sent, 0x20);
  socket.write(declared === 'chunked' ? `${sent.toString(16)}\r\n` : '');
  socket.write(bytes);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  socket.on('error', () => undefined);
  const answer = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  return { socket, answer };
}

describe('webhook receiver against hostile and broken senders', () => {
  it('checks the signature over the raw bytes: a signed body with invalid UTF-8 is accepted', async () => {
    await start();
    const body = Buffer.concat([
      Buffer.from('{"action":"opened","title":"caf'),
      Buffer.from([0xe9, 0xff]), // Latin-1 é and a byte that is never UTF-8
      Buffer.from('"}'),
    ]);
    const res = await post(body);
    expect(res.status, res.text).toBe(202);
    expect((await events.stats()).queued).toBe(1);
  });

  it('answers 400 to a signed payload nested 5,000 levels deep, and the queue keeps working', async () => {
    await start();
    const deep = Buffer.from(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    const res = await post(deep);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/nested deeper than 64 levels/);
    // Brackets inside strings are text, not nesting.
    const brackets = Buffer.from(JSON.stringify({ title: '['.repeat(100), body: '{'.repeat(100) }));
    expect((await post(brackets)).status).toBe(202);
    expect(outcomes).toEqual(['too-deep', 'queued']);
  });

  it('refuses deliveries with 503 and Retry-After while too many bytes are being received, and takes them again after', async () => {
    await start({ maxPendingBytes: 1024 * 1024 });
    const first = stalledUpload(700 * 1024, 1000);
    await waitFor(() => pendingBytes() === 700 * 1024);
    const refused = await post(Buffer.from(JSON.stringify({ filler: 'x'.repeat(500 * 1024) })));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    const chunked = stalledUpload('chunked', 400 * 1024);
    expect(await chunked.answer).toMatch(/^HTTP\/1.1 503/);

    first.socket.destroy();
    await first.answer;
    await waitFor(() => pendingBytes() === 0);
    const again = await post(Buffer.from(JSON.stringify({ filler: 'x'.repeat(500 * 1024) })));
    expect(again.status).toBe(202);
    expect(outcomes.filter((o) => o === 'overloaded')).toHaveLength(2);
  });

  it('cuts off a sender that stops in the middle of the body and gives its bytes back', async () => {
    await start({ maxPendingBytes: 1024 * 1024, bodyIdleMs: 300 });
    const stalled = stalledUpload(900 * 1024, 1000);
    expect(await stalled.answer).toBe('');
    await waitFor(() => pendingBytes() === 0);
    const next = await post(Buffer.from(JSON.stringify({ filler: 'x'.repeat(900 * 1024) })));
    expect(next.status).toBe(202);
    expect(log.entries().filter((e) => e.level >= 50)).toEqual([]);
    expect(log.entries().some((e) => e.level === 20 && /went away/.test(e.msg))).toBe(true);
  });

  it('logs a client that hangs up mid-request at debug, not as an error', async () => {
    await start();
    const upload = stalledUpload(10_000, 100);
    await waitFor(() => pendingBytes() > 0);
    upload.socket.destroy();
    await upload.answer;
    await waitFor(() => log.entries().some((e) => e.level === 20));
    expect(log.entries().filter((e) => e.level >= 50)).toEqual([]);
    expect((await post(Buffer.from('{"zen":"ok"}'))).status).toBe(202);
  });
});

describe('slow senders (slowloris)', () => {
  it('closes a connection whose headers trickle in', async () => {
    await start({}, { headersMs: 500, requestMs: 2_000, checkIntervalMs: 100 });
    const url = new URL(server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    let stillOpen = true;
    void closed.then(() => (stillOpen = false));
    // One header byte every 100 ms, for far longer than the headers timeout: the server must hang up first.
    const line = 'POST /webhooks/github HTTP/1.1\r\nX-Padding: ' + 'a'.repeat(600);
    let sent = 0;
    while (stillOpen && sent < line.length) {
      socket.write(line[sent++]!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await closed;
    expect(sent).toBeLessThan(line.length);
  });

  it('closes a connection whose body trickles in', async () => {
    await start({ bodyIdleMs: 5_000 }, { headersMs: 500, requestMs: 1_000, checkIntervalMs: 100 });
    const upload = stalledUpload(1000, 10);
    let stillOpen = true;
    void upload.answer.then(() => (stillOpen = false));
    let sent = 10;
    // A byte every 100 ms never trips the idle timeout; the request timeout must.
    while (stillOpen && sent < 999) {
      upload.socket.write(' ');
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await upload.answer).toMatch(/^HTTP\/1.1 408|^$/);
    expect(sent).toBeLessThan(999);
  });

  it('has header and request timeouts by default', async () => {
    await start();
    expect(server.server.headersTimeout).toBe(15_000);
    expect(server.server.requestTimeout).toBe(60_000);
  });
});
