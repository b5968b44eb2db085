import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const TOKEN = 'ghp_emulatortoken0123456789';
const SECRET = 'hook-secret-for-tests';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

let tmp: { dir: string; remove(): Promise<void> };
let emulator: GitHubEmulator;
let receiver: http.Server;
let received: Received[];
let copy: GitWorkingCopy;

async function api(method: string, url: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${emulator.url}${url}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown> & unknown[],
  };
}

beforeEach(async () => {
  tmp = await withTempDir();
  emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  received = [];
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void verify(SECRET, body, String(req.headers['x-hub-signature-256'])).then((verified) => {
        received.push({ headers: req.headers, body, verified });
        res.writeHead(
          received.filter((r) => r.headers['x-github-delivery'] === req.headers['x-github-delivery']).length >
            1
            ? 200
            : 202,
        );
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await emulator.createRepository('acme', 'widget');
  emulator.addWebhook('acme', 'widget', {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    secret: SECRET,
    events: ['pull_request', 'push', 'status'],
  });
  copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), { username: 'x-access-token', password: TOKEN });
  await copy.init(`${emulator.url}/acme/widget.git`);
  await copy.writeFiles({ 'README.md': { content: 'hi\n' } });
  await copy.commit('initial');
  await copy.push('main');
});

afterEach(async () => {
  await emulator.stop();
  receiver.close();
  await tmp.remove();
});

async function openPullRequest() {
  await copy.checkoutNewBranch('feature');
  await copy.writeFiles({ 'a.txt': { content: 'a\n' } });
  const sha = await copy.commit('a');
  await copy.push('feature');
  const pr = await api('POST', '/repos/acme/widget/pulls', { title: 'A', head: 'feature', base: 'main' });
  expect(pr.status).toBe(201);
  await emulator.idle();
  return { sha, number: pr.body.number as number };
}

describe('GitHub emulator', () => {
  it('delivers pull_request opened, signed over the exact body, with GitHub headers and payload shape', async () => {
    const { sha, number } = await openPullRequest();
    const delivery = received.find((r) => r.headers['x-github-event'] === 'pull_request')!;
    expect(delivery.verified).toBe(true);
    // A time-based (version 1) GUID, as GitHub's.
    expect(delivery.headers['x-github-delivery']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(delivery.headers['user-agent']).toMatch(/^GitHub-Hookshot\//);
    expect(JSON.parse(delivery.body)).toMatchObject({
      action: 'opened',
      number,
      pull_request: {
        number,
        state: 'open',
        head: { ref: 'feature', sha, repo: { full_name: 'acme/widget' } },
        base: { ref: 'main' },
        user: { login: 'developer' },
      },
      repository: {
        full_name: 'acme/widget',
        clone_url: `${emulator.url}/acme/widget.git`,
        default_branch: 'main',
      },
      sender: { login: 'developer' },
    });
    expect(received.filter((r) => r.headers['x-github-event'] === 'push').length).toBe(2);
  });

  it('sends synchronize with the new head when the PR branch is pushed, and moves the PR head', async () => {
    const { number } = await openPullRequest();
    await copy.writeFiles({ 'b.txt': { content: 'b\n' } });
    const newSha = await copy.commit('b');
    await copy.push('feature');
    await emulator.idle();
    const sync = received
      .map((r) => JSON.parse(r.body) as { action?: string; pull_request?: { head: { sha: string } } })
      .find((p) => p.action === 'synchronize');
    expect(sync?.pull_request?.head.sha).toBe(newSha);
    expect((await api('GET', `/repos/acme/widget/pulls/${number}`)).body).toMatchObject({
      head: { sha: newSha },
    });
  });

  it('redelivers with the same delivery id and records each attempt', async () => {
    await openPullRequest();
    const first = emulator.deliveries().find((d) => d.event === 'pull_request')!;
    await emulator.redeliver(first.id);
    await emulator.idle();
    const attempts = emulator.deliveries().filter((d) => d.id === first.id);
    expect(attempts.map((a) => [a.redelivery, a.status])).toEqual([
      [false, 202],
      [true, 200],
    ]);
    expect(received.filter((r) => r.headers['x-github-delivery'] === first.id)).toHaveLength(2);
  });

  it('serves anonymous clones and fetch by commit id, but refuses an unauthenticated push', async () => {
    const clone = path.join(tmp.dir, 'clone');
    const env = { PATH: process.env.PATH, HOME: tmp.dir, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
    await run('git', ['clone', '--quiet', `${emulator.url}/acme/widget.git`, clone], { env });
    expect((await run('git', ['-C', clone, 'log', '--format=%s'], { env })).stdout.trim()).toBe('initial');
    const sha = (await run('git', ['-C', clone, 'rev-parse', 'HEAD'], { env })).stdout.trim();
    await run('git', ['-C', clone, 'fetch', '--quiet', '--depth=1', 'origin', sha], { env });
    const push = await run('git', ['-C', clone, 'push', 'origin', 'HEAD:refs/heads/sneaky'], { env }).then(
      () => 'pushed',
      (e: Error) => e.message,
    );
    expect(push).toMatch(/Authentication failed|could not read Username|401/);
    expect(
      (await run('git', ['ls-remote', `${emulator.url}/acme/widget.git`], { env })).stdout,
    ).not.toContain('sneaky');
  });

  it('validates like GitHub: 401 bad token, 422 bad status state, unknown commit or branch', async () => {
    const { sha } = await openPullRequest();
    expect((await api('GET', '/repos/acme/widget', undefined, 'nope')).status).toBe(401);
    expect(
      (await api('POST', `/repos/acme/widget/statuses/${sha}`, { state: 'done', context: 'c' })).status,
    ).toBe(422);
    expect(
      (await api('POST', `/repos/acme/widget/statuses/${'0'.repeat(40)}`, { state: 'success' })).status,
    ).toBe(422);
    expect(
      (await api('POST', '/repos/acme/widget/pulls', { title: 'x', head: 'no-such-branch', base: 'main' }))
        .status,
    ).toBe(422);
    const broken = await fetch(`${emulator.url}/repos/acme/widget/pulls`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}` },
      body: '{"title":',
    });
    expect(broken.status).toBe(400);
    expect((await api('GET', '/repos/acme/nothing')).status).toBe(404);
  });

  it('paginates lists with a Link header', async () => {
    const { sha } = await openPullRequest();
    for (let i = 0; i < 5; i++)
      await api('POST', `/repos/acme/widget/statuses/${sha}`, { state: 'pending', context: `c${i}` });
    const page1 = await api('GET', `/repos/acme/widget/commits/${sha}/statuses?per_page=2`);
    expect(page1.body).toHaveLength(2);
    const links = Object.fromEntries(
      page1.headers
        .get('link')!
        .split(', ')
        .map((l) => /<([^>]+)>; rel="(\w+)"/.exec(l)!)
        .map((m) => [m[2], new URL(m[1]!).searchParams.get('page')]),
    );
    expect(links).toEqual({ next: '2', last: '3' });
    const page3 = await api('GET', `/repos/acme/widget/commits/${sha}/statuses?per_page=2&page=3`);
    expect(page3.body).toHaveLength(1);
    expect(page3.headers.get('link')).toMatch(/rel="prev"/);
  });

  it('serves file contents base64-encoded at a ref, and directories as listings', async () => {
    const { sha } = await openPullRequest();
    const file = await api('GET', `/repos/acme/widget/contents/a.txt?ref=${sha}`);
    expect(file.body).toMatchObject({ type: 'file', encoding: 'base64', path: 'a.txt', size: 2 });
    expect(Buffer.from(String(file.body.content), 'base64').toString()).toBe('a\n');
    // Its download_url serves the bytes, without a token, as raw.githubusercontent.com does.
    const download = await fetch(String(file.body.download_url));
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('a\n');
    const dir = await api('GET', `/repos/acme/widget/contents/?ref=${sha}`);
    expect((dir.body as { path: string }[]).map((e) => e.path).sort()).toEqual(['README.md', 'a.txt']);
    expect((await api('GET', '/repos/acme/widget/contents/a.txt?ref=main')).status).toBe(404);
    expect((await api('GET', '/repos/acme/widget/contents/a.txt?ref=--output=x')).status).toBe(404);
  });
});

describe('GitHub emulator: conditional requests, request counts and the primary rate limit', () => {
  async function conditionalGet(url: string, etag?: string) {
    const res = await fetch(`${emulator.url}${url}`, {
      headers: { authorization: `token ${TOKEN}`, ...(etag ? { 'if-none-match': etag } : {}) },
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('answers a GET with a weak ETag over its body, and 304 with no body while it still matches', async () => {
    const { number } = await openPullRequest();
    emulator.resetRequestCounts();
    const first = await conditionalGet('/repos/acme/widget/pulls?state=open&per_page=100');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    const again = await conditionalGet('/repos/acme/widget/pulls?state=open&per_page=100', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    // Another list, or another page of the same, has an ETag of its own.
    const single = await conditionalGet(`/repos/acme/widget/pulls/${number}`, etag);
    expect(single.status).toBe(200);
    expect(single.headers.get('etag')).not.toBe(etag);
    // A push moves the head: the list changed, so the old ETag no longer matches.
    await copy.writeFiles({ 'b.txt': { content: 'b\n' } });
    await copy.commit('b');
    await copy.push('feature');
    await emulator.idle();
    const changed = await conditionalGet('/repos/acme/widget/pulls?state=open&per_page=100', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(emulator.requestCounts()).toEqual({
      total: 4,
      notModified: 1,
      endpoints: {
        'GET /repos/acme/widget/pulls': { total: 3, notModified: 1 },
        [`GET /repos/acme/widget/pulls/${number}`]: { total: 1, notModified: 0 },
      },
    });
    // Writes are never conditional; a 304 is only for GETs.
    const post = await fetch(`${emulator.url}/repos/acme/widget/issues/${number}/comments`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'if-none-match': '*' },
      body: JSON.stringify({ body: 'hi' }),
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('etag')).toBeNull();
  });

  it("makes the queued workflow runs list conditional: unchanged is 304, a newly queued run isn't", async () => {
    const list = '/repos/acme/widget/actions/runs?status=queued&per_page=100';
    const empty = await conditionalGet(list);
    expect(JSON.parse(empty.text)).toEqual({ total_count: 0, workflow_runs: [] });
    const etag = empty.headers.get('etag')!;
    expect((await conditionalGet(list, etag)).status).toBe(304);
    await emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    const queued = await conditionalGet(list, etag);
    expect(queued.status).toBe(200);
    expect(JSON.parse(queued.text)).toMatchObject({ total_count: 1 });
    expect((await conditionalGet(list, queued.headers.get('etag')!)).status).toBe(304);
  });

  it('reports the primary rate limit on every answer, does not count a 304, and refuses once it is spent', async () => {
    // Off by default, as on a GitHub Enterprise server without rate limits.
    expect((await conditionalGet('/repos/acme/widget')).headers.get('x-ratelimit-remaining')).toBeNull();
    emulator.setPrimaryRateLimit({ limit: 3, resetInSeconds: 600 });
    const first = await conditionalGet('/repos/acme/widget');
    expect(first.status).toBe(200);
    expect(
      Object.fromEntries([...first.headers].filter(([name]) => name.startsWith('x-ratelimit-'))),
    ).toEqual({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': expect.stringMatching(/^\d+$/),
      'x-ratelimit-resource': 'core',
    });
    const reset = Number(first.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.now() + 500_000);
    const free = await conditionalGet('/repos/acme/widget', first.headers.get('etag')!);
    expect(free.status).toBe(304);
    expect(free.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(emulator.primaryRateLimit).toMatchObject({ limit: 3, remaining: 2 });
    expect((await conditionalGet('/repos/acme/widget')).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await conditionalGet('/repos/acme/widget')).headers.get('x-ratelimit-remaining')).toBe('0');
    const refused = await conditionalGet('/repos/acme/widget');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).message).toMatch(/^API rate limit exceeded/);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String(reset));
    // A window that has ended starts anew with the next request.
    emulator.setPrimaryRateLimit({ limit: 5, remaining: 0, resetInSeconds: 0 });
    const renewed = await conditionalGet('/repos/acme/widget');
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('x-ratelimit-remaining')).toBe('4');
    emulator.setPrimaryRateLimit(null);
    expect(emulator.primaryRateLimit).toBeNull();
  });
});
