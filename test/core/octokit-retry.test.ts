import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { retryTransientFailures, type RetryOptions } from '../../core/octokit-retry.ts';

type Scripted = { status: number; body?: unknown } | 'drop' | 'hang';

/**
 * Answers each request with the next scripted response; `drop` closes the connection without one, `hang`
 * never answers (until the server closes).
 */
async function scriptedServer(script: Scripted[]) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const next = script.shift() ?? { status: 500, body: { message: 'script exhausted' } };
    if (next === 'drop') req.socket.destroy();
    if (next === 'drop' || next === 'hang') return;
    res.writeHead(next.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(next.body ?? { message: `status ${next.status}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const RetryingOctokit = Octokit.plugin(retryTransientFailures);

describe('retryTransientFailures', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const client = (retry: RetryOptions) =>
    new RetryingOctokit({ baseUrl: server!.url, retry: { retryAfterBaseValue: 1, ...retry } });

  it('sends a request that succeeds exactly once', async () => {
    server = await scriptedServer([{ status: 200, body: { name: 'widget' } }]);
    const { data } = await client({ retries: 3 }).request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'widget',
    });
    expect(data).toEqual({ name: 'widget' });
    expect(server.requests).toEqual(['GET /repos/acme/widget']);
  });

  it('retries server errors until one succeeds', async () => {
    server = await scriptedServer([{ status: 502 }, { status: 503 }, { status: 201, body: { id: 7 } }]);
    const { status, data } = await client({ retries: 2 }).request('POST /repos/acme/widget/releases', {
      tag_name: 'v1',
    });
    expect({ status, data }).toEqual({ status: 201, data: { id: 7 } });
    expect(server.requests).toHaveLength(3);
  });

  it('gives up with the last error once the retries are used up', async () => {
    server = await scriptedServer([{ status: 500 }, { status: 502 }, { status: 504 }, { status: 200 }]);
    const error = await client({ retries: 2 })
      .request('GET /repos/acme/widget')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 504 });
    expect(server.requests).toHaveLength(3);
  });

  it('never retries a client error, and takes its list of them from the options', async () => {
    server = await scriptedServer([{ status: 404 }, { status: 429 }, { status: 429 }, { status: 200 }]);
    await expect(client({ retries: 3 }).request('GET /a')).rejects.toMatchObject({ status: 404 });
    expect(server.requests).toHaveLength(1);
    await expect(client({ retries: 3, doNotRetry: [429] }).request('GET /b')).rejects.toMatchObject({
      status: 429,
    });
    expect(server.requests).toHaveLength(2);
    // Not on the default list: a bare 429 is retried.
    await expect(client({ retries: 3 }).request('GET /c')).resolves.toMatchObject({ status: 200 });
    expect(server.requests).toEqual(['GET /a', 'GET /b', 'GET /c', 'GET /c']);
  });

  it('retries a connection dropped without an answer', async () => {
    server = await scriptedServer(['drop', { status: 200, body: { ok: true } }]);
    const { data } = await client({ retries: 1 }).request('GET /repos/acme/widget');
    expect(data).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('lets one request ask for fewer retries than the client', async () => {
    server = await scriptedServer([{ status: 503 }, { status: 200 }]);
    await expect(
      client({ retries: 3 }).request('GET /repos/acme/widget', { request: { retries: 0 } }),
    ).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a request its caller aborted', async () => {
    server = await scriptedServer(['hang']);
    const abort = new AbortController();
    const pending = client({ retries: 3 })
      .request('GET /repos/acme/widget', { request: { signal: abort.signal } })
      .catch((e: unknown) => e);
    await expect.poll(() => server!.requests.length).toBe(1);
    abort.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});
