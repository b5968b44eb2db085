import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../forge/forge.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { forgeContract } from './forge-contract.ts';
import { ScratchClone } from './scratch-clone.ts';

const TOKEN = 'ghp_emulatortoken0123456789';
const BAD_TOKEN = 'ghp_notatokentheemulatorknows';

async function forgeErrorOf(promise: Promise<unknown>): Promise<ForgeError> {
  const outcome = await promise.then(
    () => 'it resolved',
    (e: unknown) => e,
  );
  if (!(outcome instanceof ForgeError)) throw new Error(`expected a ForgeError, got: ${String(outcome)}`);
  return outcome;
}

/** Quick and without write spacing: the emulator has no rate limits. */
const testForge = (token: string, baseUrl: string) =>
  new GitHubForge({ token, baseUrl, retries: 0, throttle: false });

async function startEmulatorWithRepository() {
  const tmp = await withTempDir();
  const emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  const repo = { owner: 'acme', name: 'widget' };
  await emulator.createRepository(repo.owner, repo.name);
  const forge = testForge(TOKEN, emulator.url);
  const clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    emulator.cloneUrl(repo.owner, repo.name),
    forge.gitCredentials(),
  );
  const cleanup = async () => {
    await emulator.stop();
    await tmp.remove();
  };
  return { emulator, repo, forge, clone, cleanup };
}

forgeContract('GitHubForge against the GitHub emulator over HTTP', async () => {
  const { emulator, repo, forge, clone, cleanup } = await startEmulatorWithRepository();
  return {
    forge,
    forgeWithBadToken: testForge(BAD_TOKEN, emulator.url),
    seed: {
      repo,
      createBranchWithFile: (branch, file, content) => clone.createBranchWithFile(branch, file, content),
      grant: (login, role) => emulator.setCollaborator(repo.owner, repo.name, login, role),
      addLabel: (number, label) =>
        emulator.labelPullRequest(repo.owner, repo.name, number, label, 'maintainer'),
      labels: (number) => emulator.pullRequestLabels(repo.owner, repo.name, number),
    },
    statusHistory: 'every-post',
    cleanup,
  };
});

describe('GitHubForge against the emulator', () => {
  let t: Awaited<ReturnType<typeof startEmulatorWithRepository>>;
  beforeEach(async () => {
    t = await startEmulatorWithRepository();
  });
  afterEach(async () => t.cleanup());

  it('reads files over 1 MB, which the contents API leaves out, through the blob API', async () => {
    const big = `${'0123456789abcdef'.repeat(80_000)}ü\n`;
    const sha = await t.clone.createBranchWithFile('main', 'big.txt', big);
    const contents = await fetch(`${t.emulator.url}/repos/acme/widget/contents/big.txt?ref=${sha}`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(await contents.json()).toMatchObject({ type: 'file', encoding: 'none', content: '' });
    expect(await t.forge.getFileContent(t.repo, 'big.txt', sha)).toBe(big);
  });

  it('says in a ForgeError which request failed and why, validation details included', async () => {
    const sha = await t.clone.createBranchWithFile('feature', 'a.txt', 'a\n');
    const otherSha = sha.replace(/^./, sha[0] === 'f' ? 'e' : 'f');
    const error = await forgeErrorOf(
      t.forge.setCommitStatus(t.repo, otherSha, { state: 'success', context: 'c' }),
    );
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^POST \/repos\/acme\/widget\/statuses\/[0-9a-f]{40}: 422 No commit found/);

    await t.forge.createPullRequest(t.repo, { title: 'A', head: 'feature', base: 'main' });
    const duplicate = await forgeErrorOf(
      t.forge.createPullRequest(t.repo, { title: 'A again', head: 'feature', base: 'main' }),
    );
    expect(duplicate.message).toBe(
      'POST /repos/acme/widget/pulls: 422 Validation Failed (A pull request already exists for acme:feature.)',
    );
    expect(duplicate.message).not.toContain(TOKEN);
  });

  it('maps a closed pull request and leaves it out of the open list', async () => {
    await t.clone.createBranchWithFile('feature', 'a.txt', 'a\n');
    const pr = await t.forge.createPullRequest(t.repo, { title: 'A', head: 'feature', base: 'main' });
    const closed = await fetch(`${t.emulator.url}/repos/acme/widget/pulls/${pr.number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}` },
      body: JSON.stringify({ state: 'closed' }),
    });
    expect(closed.status).toBe(200);
    expect(await t.forge.getPullRequest(t.repo, pr.number)).toMatchObject({ state: 'closed' });
    expect(await t.forge.listOpenPullRequests(t.repo)).toEqual([]);
  });

  it('pages through long lists', async () => {
    const sha = await t.clone.createBranchWithFile('main', 'a.txt', 'a\n');
    for (let i = 0; i < 105; i++)
      await t.forge.setCommitStatus(t.repo, sha, { state: 'success', context: `c${i}` });
    await t.forge.setCommitStatus(t.repo, sha, { state: 'failure', context: 'c0' });
    const newest = await t.forge.listCommitStatuses(t.repo, sha);
    expect(newest).toHaveLength(105);
    expect(newest.find((s) => s.context === 'c0')?.state).toBe('failure');
    expect(await t.forge.listCommitStatusHistory(t.repo, sha)).toHaveLength(106);
  });

  it('gives git the token as the password of x-access-token', () => {
    expect(t.forge.gitCredentials()).toEqual({ username: 'x-access-token', password: TOKEN });
  });
});

/** A stand-in for api.github.com that answers each request with the next scripted response. */
async function scriptedGitHub(
  responses: { status: number; headers?: Record<string, string>; body: unknown }[],
) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const next = responses.shift() ?? { status: 500, body: { message: 'script exhausted' } };
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function capturedLogger() {
  const lines: { level: number; msg: string; retrying?: boolean }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

const REPOSITORY = {
  name: 'widget',
  owner: { login: 'acme' },
  default_branch: 'main',
  clone_url: 'https://github.com/acme/widget.git',
  html_url: 'https://github.com/acme/widget',
};

describe('GitHubForge retries', () => {
  const rateLimited = () => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
    },
    body: { message: 'API rate limit exceeded for user ID 1.' },
  });

  it('retries a rate-limited request once, then gives up with ForgeError 403, and logs both', async () => {
    const github = await scriptedGitHub([rateLimited(), rateLimited(), { status: 200, body: REPOSITORY }]);
    const { logger, lines } = capturedLogger();
    const forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, logger, retryDelayUnitMs: 1 });
    try {
      const error = await forgeErrorOf(forge.getRepository({ owner: 'acme', name: 'widget' }));
      expect(error.status).toBe(403);
      expect(error.message).toBe('GET /repos/acme/widget: 403 API rate limit exceeded for user ID 1.');
      expect(github.requests).toEqual([
        `GET /repos/acme/widget token ${TOKEN}`,
        `GET /repos/acme/widget token ${TOKEN}`,
      ]);
      expect(lines.filter((l) => /rate limit/.test(l.msg)).map((l) => l.retrying)).toEqual([true, false]);
    } finally {
      await github.close();
    }
  });

  it('succeeds when the retry after a rate limit goes through', async () => {
    const github = await scriptedGitHub([rateLimited(), { status: 200, body: REPOSITORY }]);
    const forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, retryDelayUnitMs: 1 });
    try {
      expect(await forge.getRepository({ owner: 'acme', name: 'widget' })).toMatchObject({
        defaultBranch: 'main',
      });
      expect(github.requests).toHaveLength(2);
    } finally {
      await github.close();
    }
  });

  it('retries server errors as often as configured, and client errors never', async () => {
    const github = await scriptedGitHub([
      { status: 502, body: { message: 'Bad Gateway' } },
      { status: 503, body: { message: 'Unavailable' } },
      { status: 200, body: REPOSITORY },
      { status: 404, body: { message: 'Not Found' } },
    ]);
    const forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, retries: 2, retryDelayUnitMs: 1 });
    try {
      expect(await forge.getRepository({ owner: 'acme', name: 'widget' })).toMatchObject({ name: 'widget' });
      expect(github.requests).toHaveLength(3);
      const error = await forgeErrorOf(forge.getPullRequest({ owner: 'acme', name: 'widget' }, 7));
      expect(error).toMatchObject({ status: 404, message: 'GET /repos/acme/widget/pulls/7: 404 Not Found' });
      expect(github.requests).toHaveLength(4);
    } finally {
      await github.close();
    }
  });

  it('waits out a bare 429 (no GitHub rate-limit message) as long as its Retry-After asks', async () => {
    const github = await scriptedGitHub([
      { status: 429, headers: { 'retry-after': '5' }, body: { message: 'Too Many Requests' } },
      { status: 200, body: REPOSITORY },
    ]);
    const { logger, lines } = capturedLogger();
    const forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, logger, retryDelayUnitMs: 1 });
    try {
      expect(await forge.getRepository({ owner: 'acme', name: 'widget' })).toMatchObject({ name: 'widget' });
      expect(github.requests).toHaveLength(2);
      expect(
        (lines as { msg: string; retryAfterSeconds?: number }[]).find((l) => /rate limit/.test(l.msg))
          ?.retryAfterSeconds,
      ).toBe(5);
    } finally {
      await github.close();
    }
  });

  it('reports an unreachable server as ForgeError 0', async () => {
    const github = await scriptedGitHub([]);
    await github.close();
    const forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, retries: 0, throttle: false });
    const error = await forgeErrorOf(forge.getRepository({ owner: 'acme', name: 'widget' }));
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/^GET \/repos\/acme\/widget: no response/);
  });
});

describe('GitHubForge and Retry-After, against the emulator', () => {
  let t: Awaited<ReturnType<typeof startEmulatorWithRepository>>;
  beforeEach(async () => {
    t = await startEmulatorWithRepository();
  });
  afterEach(async () => t.cleanup());

  /** Throttling on (it is what waits on rate limits); one second of waiting is 1 ms here. */
  const throttledForge = (maxRateLimitWaitSeconds?: number) => {
    const { logger, lines } = capturedLogger();
    const forge = new GitHubForge({
      token: TOKEN,
      baseUrl: t.emulator.url,
      logger,
      retryDelayUnitMs: 1,
      ...(maxRateLimitWaitSeconds !== undefined ? { maxRateLimitWaitSeconds } : {}),
    });
    const waits = () =>
      (lines as { msg: string; retryAfterSeconds?: number; retrying?: boolean }[])
        .filter((l) => /rate limit/.test(l.msg))
        .map((l) => [l.retryAfterSeconds, l.retrying]);
    return { forge, waits };
  };

  it.each([429, 403] as const)(
    'waits as long as a %d with Retry-After asks, then succeeds',
    async (status) => {
      const { forge, waits } = throttledForge();
      t.emulator.rateLimit({ status, retryAfterSeconds: 7 });
      expect(await forge.getRepository(t.repo)).toMatchObject({ name: 'widget' });
      expect(t.emulator.rateLimitedRequests).toBe(1);
      expect(waits()).toEqual([[7, true]]);
    },
  );

  it('fails at once with ForgeError 429 when the wait is longer than maxRateLimitWaitSeconds', async () => {
    const { forge, waits } = throttledForge(60);
    t.emulator.rateLimit({ status: 429, retryAfterSeconds: 3600 });
    const error = await forgeErrorOf(forge.getRepository(t.repo));
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      'GET /repos/acme/widget: 429 You have exceeded a secondary rate limit. Please wait a few minutes before you try again. (retry after 3600 s)',
    );
    expect(t.emulator.rateLimitedRequests).toBe(1);
    expect(waits()).toEqual([[3600, false]]);
    // Nothing was retried behind the caller's back: the next request is the first to go through.
    expect(await forge.getRepository(t.repo)).toMatchObject({ name: 'widget' });
  });

  it('retries a rate limit once: a second one in a row is a ForgeError 403', async () => {
    const { forge, waits } = throttledForge();
    t.emulator.rateLimit({ status: 403, retryAfterSeconds: 2, times: 2 });
    expect((await forgeErrorOf(forge.listBranches(t.repo))).status).toBe(403);
    expect(t.emulator.rateLimitedRequests).toBe(2);
    expect(waits()).toEqual([
      [2, true],
      [2, false],
    ]);
  });
});

describe('GitHubForge: conditional lists and the rate limit it reports, against the emulator', () => {
  let t: Awaited<ReturnType<typeof startEmulatorWithRepository>>;
  beforeEach(async () => {
    t = await startEmulatorWithRepository();
  });
  afterEach(async () => t.cleanup());

  const pullsEndpoint = () => t.emulator.requestCounts().endpoints['GET /repos/acme/widget/pulls'];
  const setState = async (number: number, state: 'open' | 'closed') => {
    const res = await fetch(`${t.emulator.url}/repos/acme/widget/pulls/${number}`, {
      method: 'PATCH',
      headers: { authorization: `token ${TOKEN}` },
      body: JSON.stringify({ state }),
    });
    expect(res.status).toBe(200);
  };

  it('lists open pull requests with If-None-Match: an unchanged page is a 304 answered from its last read', async () => {
    // Two to a page, so that four pull requests make pages.
    const forge = new GitHubForge({
      token: TOKEN,
      baseUrl: t.emulator.url,
      retries: 0,
      throttle: false,
      conditionalPageSize: 2,
    });
    for (const n of [1, 2, 3, 4]) {
      await t.clone.createBranchWithFile(`topic-${n}`, 'a.txt', `${n}\n`);
      await forge.createPullRequest(t.repo, { title: `T${n}`, head: `topic-${n}`, base: 'main' });
    }
    await setState(1, 'closed');
    const numbers = async () => (await forge.listOpenPullRequests(t.repo)).map((p) => p.number);
    t.emulator.resetRequestCounts();
    expect(await numbers()).toEqual([4, 3, 2]);
    expect(pullsEndpoint()).toEqual({ total: 2, notModified: 0 });
    expect(await numbers()).toEqual([4, 3, 2]);
    expect(pullsEndpoint()).toEqual({ total: 4, notModified: 2 });

    // A change on the second page: the first is still a 304.
    const moved = await t.clone.createBranchWithFile('topic-2', 'b.txt', 'b\n');
    await t.emulator.idle();
    const pulls = await forge.listOpenPullRequests(t.repo);
    expect(pulls.find((p) => p.number === 2)?.headSha).toBe(moved);
    expect(pullsEndpoint()).toEqual({ total: 6, notModified: 3 });

    // Exactly one full page: its Link names no next page, yet a 304 of it asks for the next one, where an
    // old pull request reopened would show up.
    await setState(2, 'closed');
    expect(await numbers()).toEqual([4, 3]);
    await setState(1, 'open');
    expect(await numbers()).toEqual([4, 3, 1]);
    t.emulator.resetRequestCounts();
    expect(await numbers()).toEqual([4, 3, 1]);
    expect(pullsEndpoint()).toEqual({ total: 2, notModified: 2 });
  });

  it("lists queued workflow jobs conditionally: an unchanged list is one 304, and no run's jobs are read again", async () => {
    const { runId, jobId } = await t.emulator.queueWorkflowJob({
      owner: 'acme',
      repo: 'widget',
      labels: ['self-hosted', 'kvm'],
      steps: [{ run: 'true' }],
    });
    t.emulator.resetRequestCounts();
    const ids = async () => (await t.forge.listQueuedWorkflowJobs(t.repo)).map((j) => j.id);
    expect(await ids()).toEqual([jobId]);
    expect(await ids()).toEqual([jobId]);
    expect(t.emulator.requestCounts().endpoints).toEqual({
      'GET /repos/acme/widget/actions/runs': { total: 2, notModified: 1 },
      [`GET /repos/acme/widget/actions/runs/${runId}/jobs`]: { total: 1, notModified: 0 },
    });
    t.emulator.cancelWorkflowRun('acme', 'widget', runId);
    expect(await ids()).toEqual([]);
    expect(t.emulator.requestCounts()).toMatchObject({ total: 4, notModified: 1 });
  });

  it('keeps the conditional cache bounded: a page it let go of is read in full again', async () => {
    const forge = new GitHubForge({
      token: TOKEN,
      baseUrl: t.emulator.url,
      retries: 0,
      throttle: false,
      conditionalCacheEntries: 1,
    });
    const other = { owner: 'acme', name: 'gadget' };
    await t.emulator.createRepository(other.owner, other.name);
    t.emulator.resetRequestCounts();
    await forge.listOpenPullRequests(t.repo);
    await forge.listOpenPullRequests(t.repo);
    expect(t.emulator.requestCounts().notModified).toBe(1);
    // The other repository's page pushes this one's out.
    await forge.listOpenPullRequests(other);
    await forge.listOpenPullRequests(t.repo);
    expect(t.emulator.requestCounts()).toMatchObject({ total: 4, notModified: 1 });
  });

  it('reports the rate limit of the newest answer, a 304 included', async () => {
    expect(t.forge.rateLimit()).toBeNull();
    await t.forge.getRepository(t.repo);
    // The emulator sends no rate-limit headers unless told to.
    expect(t.forge.rateLimit()).toBeNull();
    t.emulator.setPrimaryRateLimit({ limit: 5000, remaining: 400, resetInSeconds: 1800 });
    t.emulator.resetRequestCounts();
    await t.forge.listOpenPullRequests(t.repo);
    const figures = t.forge.rateLimit()!;
    expect(figures).toMatchObject({ limit: 5000, remaining: 399 });
    expect(figures.resetAt).toBe(Math.ceil(t.emulator.primaryRateLimit!.resetAt / 1000) * 1000);
    // A 304 is free, and says so.
    t.emulator.setPrimaryRateLimit({ limit: 5000, remaining: 300, resetInSeconds: 1800 });
    await t.forge.listOpenPullRequests(t.repo);
    expect(t.emulator.requestCounts().notModified).toBe(1);
    expect(t.forge.rateLimit()).toMatchObject({ remaining: 300 });
    await t.forge.getRepository(t.repo);
    expect(t.forge.rateLimit()).toMatchObject({ remaining: 299 });
    expect(t.emulator.primaryRateLimit).toMatchObject({ remaining: 299 });
  });

  it('waits for the reset when the primary rate limit is spent, then succeeds; gives up on a far reset', async () => {
    const { logger, lines } = capturedLogger();
    // Throttling on, with real seconds: the emulator's window really has to end.
    const forge = new GitHubForge({ token: TOKEN, baseUrl: t.emulator.url, logger, retries: 0 });
    t.emulator.setPrimaryRateLimit({ limit: 100, remaining: 0, resetInSeconds: 1 });
    expect(await forge.getRepository(t.repo)).toMatchObject({ name: 'widget' });
    expect(lines.filter((l) => /rate limit hit/.test(l.msg)).map((l) => l.retrying)).toEqual([true]);
    expect(forge.rateLimit()).toMatchObject({ limit: 100, remaining: 99 });

    t.emulator.setPrimaryRateLimit({ limit: 100, remaining: 0, resetInSeconds: 3600 });
    const error = await forgeErrorOf(forge.getRepository(t.repo));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^GET \/repos\/acme\/widget: 403 API rate limit exceeded/);
    expect(forge.rateLimit()).toMatchObject({ remaining: 0 });
  });
});
