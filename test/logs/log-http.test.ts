import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../core/http/http-server.ts';
import { silentLogger } from '../../core/logger.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import { logHttpRoute, type LogHttpOptions } from '../../runner-agent/src/logs/log-http.ts';
import type { LogStore } from '../../runner-agent/src/logs/log-store.ts';
import { runningJobMeta } from '../support/job-log-meta.ts';
import { withTempDir } from '../support/temp-dir.ts';

let store: FilesystemLogStore;
let removeDir: () => Promise<void>;
let server: RunningHttpServer | undefined;
let baseUrl: string;

beforeEach(async () => {
  const tmp = await withTempDir('ironbots-log-http-');
  store = new FilesystemLogStore({ root: tmp.dir });
  removeDir = tmp.remove;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await removeDir();
});

async function serve(
  logStore: LogStore = store,
  options: LogHttpOptions = { pollIntervalMs: 50 },
): Promise<void> {
  server = await startHttpServer({ routes: [logHttpRoute(logStore, options)], logger: silentLogger() });
  baseUrl = server.url;
}

const meta = runningJobMeta;

/** Reads a streamed body until `until` holds for the text so far, or the body ends. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  soFar: { text: string },
  until: (text: string) => boolean,
): Promise<boolean> {
  const decoder = new TextDecoder();
  while (!until(soFar.text)) {
    const { done, value } = await reader.read();
    if (done) return false;
    soFar.text += decoder.decode(value, { stream: true });
  }
  return true;
}

describe('log HTTP', () => {
  it('serves the log so far as text, with its completeness and the job state', async () => {
    await serve();
    const writer = await store.create(meta('job-1'));
    writer.append('hello\n');
    await writer.flush();

    const running = await fetch(`${baseUrl}/logs/job-1`);
    expect(running.status).toBe(200);
    expect(running.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(running.headers.get('x-ironbots-log-complete')).toBe('false');
    expect(running.headers.get('x-ironbots-job-state')).toBe('running');
    expect(await running.text()).toBe('hello\n');

    writer.append('bye\n');
    await writer.finish({ state: 'success', exitCode: 0 });
    const done = await fetch(`${baseUrl}/logs/job-1`);
    expect(done.headers.get('x-ironbots-log-complete')).toBe('true');
    expect(done.headers.get('x-ironbots-job-state')).toBe('success');
    expect(await done.text()).toBe('hello\nbye\n');
    expect(await (await fetch(`${baseUrl}/logs/job-1?offset=6`)).text()).toBe('bye\n');
  });

  it('serves the meta as JSON', async () => {
    await serve();
    const writer = await store.create(meta('job-2'));
    await writer.finish({ state: 'failure', exitCode: 3, description: 'Failed' });
    const res = await fetch(`${baseUrl}/logs/job-2/meta`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      jobId: 'job-2',
      state: 'failure',
      exitCode: 3,
      description: 'Failed',
    });
  });

  it('follows a running log until it completes', async () => {
    await serve();
    const writer = await store.create(meta('job-3'));
    writer.append('first\n');
    await writer.flush();

    const res = await fetch(`${baseUrl}/logs/job-3?follow=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ironbots-log-complete')).toBe('false');
    const reader = res.body!.getReader();
    const received = { text: '' };
    expect(await readUntil(reader, received, (t) => t.includes('first\n'))).toBe(true);

    // Written after the request started: it must still arrive.
    writer.append('second\n');
    await writer.flush();
    expect(await readUntil(reader, received, (t) => t.includes('second\n'))).toBe(true);

    writer.append('last\n');
    await writer.finish({ state: 'success' });
    // The body ends by itself once the log is complete.
    expect(await readUntil(reader, received, () => false)).toBe(false);
    expect(received.text).toBe('first\nsecond\nlast\n');
  });

  it('stops polling the store when a follower disconnects', async () => {
    let reads = 0;
    const counting: LogStore = {
      create: (m) => store.create(m),
      meta: (id) => store.meta(id),
      read: (id, offset) => {
        reads++;
        return store.read(id, offset);
      },
      putArtifact: (id, at, file) => store.putArtifact(id, at, file),
      listArtifacts: (id) => store.listArtifacts(id),
      readArtifact: (id, at) => store.readArtifact(id, at),
      prune: (before) => store.prune(before),
    };
    await serve(counting, { pollIntervalMs: 20 });
    const writer = await store.create(meta('job-4'));
    writer.append('running forever\n');
    await writer.flush();

    const controller = new AbortController();
    const res = await fetch(`${baseUrl}/logs/job-4?follow=1`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await readUntil(reader, { text: '' }, (t) => t.includes('forever'));
    const whileFollowing = reads;
    await new Promise((r) => setTimeout(r, 200));
    expect(reads, 'the follower polls while connected').toBeGreaterThan(whileFollowing);

    controller.abort();
    // Polls every 20 ms while the client is there; after it left, the count must settle.
    const deadline = Date.now() + 10_000;
    let previous = -1;
    while (reads !== previous) {
      if (Date.now() > deadline) throw new Error('the server kept polling for a client that went away');
      previous = reads;
      await new Promise((r) => setTimeout(r, 300));
    }
    await writer.finish({ state: 'cancelled' });
  });

  it('ends a follow whose log stops growing without completing', async () => {
    await serve(store, { pollIntervalMs: 20, followIdleTimeoutMs: 200 });
    const writer = await store.create(meta('job-5'));
    writer.append('agent died after this\n');
    await writer.flush();
    const res = await fetch(`${baseUrl}/logs/job-5?follow=1`);
    expect(await res.text()).toBe('agent died after this\n');
    // Resuming from an offset works, too.
    const resumed = await fetch(`${baseUrl}/logs/job-5?follow=1&offset=6`);
    expect(await resumed.text()).toBe('died after this\n');
    await writer.finish({ state: 'error' });
  });

  it('serves a self-contained HTML viewer', async () => {
    await serve();
    const writer = await store.create(meta('job-6'));
    await writer.finish({ state: 'success' });
    const res = await fetch(`${baseUrl}/logs/job-6.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('<main id="log">');
    // Nothing is loaded from elsewhere: no src attribute, and the only links are the raw log and the meta.
    const markup = html.slice(0, html.indexOf('<script'));
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    expect([...markup.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1])).toEqual(['job-6', 'job-6/meta']);
  });

  it('links only http(s) commit and pull request pages, and escapes the meta', async () => {
    await serve();
    const writer = await store.create({
      ...meta('job-7'),
      context: 'unit <b>bold</b>',
      repository: 'acme/"widget"',
      sha: 'a'.repeat(40),
      commitUrl: 'javascript:alert(1)',
      pullRequest: 4,
      pullRequestUrl: 'https://forge.example/acme/widget/pull/4?a=1&b="2"',
    });
    await writer.finish({ state: 'success' });
    const html = await (await fetch(`${baseUrl}/logs/job-7.html`)).text();
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('unit &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('acme/&quot;widget&quot;');
    expect(html).toContain(
      '<a id="pr-link" href="https://forge.example/acme/widget/pull/4?a=1&amp;b=%222%22">PR #4</a>',
    );
  });

  it('lists a job’s artifacts and serves each as a download that no browser renders', async () => {
    await serve();
    const writer = await store.create(meta('job-art'));
    await writer.finish({ state: 'failure' });
    const tmp = await withTempDir('ironbots-log-http-art-');
    try {
      const html = path.join(tmp.dir, 'page.html');
      await writeFile(html, '<script>alert(1)</script>');
      await store.putArtifact('job-art', 'reports/x "y".html', html);
    } finally {
      await tmp.remove();
    }
    const list = await fetch(`${baseUrl}/logs/job-art/artifacts`);
    expect(await list.json()).toEqual([{ path: 'reports/x "y".html', bytes: 25 }]);
    const res = await fetch(`${baseUrl}/logs/job-art/artifacts/reports/${encodeURIComponent('x "y".html')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="x _y_.html"; filename*=UTF-8''x%20%22y%22.html`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(await res.text()).toBe('<script>alert(1)</script>');
    const head = await fetch(
      `${baseUrl}/logs/job-art/artifacts/reports/${encodeURIComponent('x "y".html')}`,
      {
        method: 'HEAD',
      },
    );
    expect(head.headers.get('content-length')).toBe('25');
    for (const [url, status] of [
      ['/logs/job-art/artifacts/missing.txt', 404],
      ['/logs/job-art/artifacts/reports', 404],
      ['/logs/job-art/artifacts/..%2F..%2Fmeta.json', 400],
      ['/logs/job-art/artifacts/a%00b', 400],
      ['/logs/no-such-job/artifacts', 404],
    ] as const) {
      const r = await fetch(`${baseUrl}${url}`);
      expect(r.status, url).toBe(status);
      await r.body?.cancel();
    }
  });

  it('answers 404 for unknown jobs', async () => {
    await serve();
    for (const suffix of ['', '?follow=1', '/meta', '.html']) {
      const res = await fetch(`${baseUrl}/logs/no-such-job${suffix}`);
      expect(res.status, suffix).toBe(404);
      await res.body?.cancel();
    }
  });

  it('answers 400 for invalid job ids and offsets', async () => {
    await serve();
    for (const path of [
      '/logs/..%2Fetc%2Fpasswd',
      '/logs/a%20b',
      '/logs/%E0%A4%A',
      '/logs/a..b/meta',
      '/logs/job?offset=-1',
    ]) {
      const res = await fetch(`${baseUrl}${path}`);
      expect(res.status, path).toBe(400);
      await res.body?.cancel();
    }
  });

  it('leaves other URLs alone and refuses methods other than GET', async () => {
    await serve();
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/logs-not`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/logs/job-1`, { method: 'DELETE' })).status).toBe(405);
  });
});
