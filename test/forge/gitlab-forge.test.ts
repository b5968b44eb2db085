import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { ForgeError } from '../../forge/forge.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { askedWaitSeconds } from '../../forge/gitlab/retrying-requester.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { forgeContract } from './forge-contract.ts';
import { ScratchClone } from './scratch-clone.ts';

const TOKEN = 'glpat-emulatortoken0123456789';

async function startEmulatorWithProject() {
  const tmp = await withTempDir();
  const emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  const repo = { owner: 'acme', name: 'widget' };
  await emulator.createProject(repo.owner, repo.name, { defaultBranch: 'main' });
  const forge = new GitLabForge({ token: TOKEN, host: emulator.url });
  const clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    `${emulator.url}/acme/widget.git`,
    forge.gitCredentials(),
  );
  const cleanup = async () => {
    await emulator.stop();
    await tmp.remove();
  };
  return { emulator, repo, forge, clone, cleanup };
}

forgeContract('GitLabForge against the GitLab emulator over HTTP', async () => {
  const { emulator, repo, forge, clone, cleanup } = await startEmulatorWithProject();
  return {
    forge,
    forgeWithBadToken: new GitLabForge({ token: 'wrong-token', host: emulator.url }),
    seed: {
      repo,
      createBranchWithFile: (branch, file, content) => clone.createBranchWithFile(branch, file, content),
      // Developer (30) may push; Reporter (20) may not.
      grant: (login, role) =>
        emulator.addMember(`${repo.owner}/${repo.name}`, login, role === 'write' ? 30 : 20),
      addLabel: (number, label) =>
        emulator.labelMergeRequest(`${repo.owner}/${repo.name}`, number, {
          user: 'maintainer',
          add: [label],
        }),
      labels: (number) => emulator.mergeRequestLabels(`${repo.owner}/${repo.name}`, number),
    },
    statusHistory: 'record-per-run',
    cleanup,
  };
});

async function forgeErrorOf(promise: Promise<unknown>): Promise<ForgeError> {
  const outcome = await promise.then(
    () => 'it resolved',
    (e: unknown) => e,
  );
  if (!(outcome instanceof ForgeError)) throw new Error(`expected a ForgeError, got: ${String(outcome)}`);
  return outcome;
}

/** The rate-limit lines a client logged: [seconds asked for, whether it waits]. */
function capturedWaits() {
  const lines: { msg: string; retryAfterSeconds?: number; retrying?: boolean }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  const waits = () =>
    lines.filter((l) => /rate limit/.test(l.msg)).map((l) => [l.retryAfterSeconds, l.retrying]);
  return { logger: pino({ level: 'debug' }, sink), waits };
}

describe('GitLabForge and Retry-After, against the emulator', () => {
  let t: Awaited<ReturnType<typeof startEmulatorWithProject>>;
  beforeEach(async () => {
    t = await startEmulatorWithProject();
  });
  afterEach(async () => t.cleanup());

  /** One second of waiting is 1 ms here. */
  const waitingForge = (maxRateLimitWaitSeconds?: number) => {
    const { logger, waits } = capturedWaits();
    const forge = new GitLabForge({
      token: TOKEN,
      host: t.emulator.url,
      logger,
      retryDelayUnitMs: 1,
      ...(maxRateLimitWaitSeconds !== undefined ? { maxRateLimitWaitSeconds } : {}),
    });
    return { forge, waits };
  };

  it('waits as long as a 429 with Retry-After asks, then succeeds', async () => {
    const { forge, waits } = waitingForge();
    t.emulator.rateLimit({ retryAfterSeconds: 7 });
    expect(await forge.getRepository(t.repo)).toMatchObject({ name: 'widget', defaultBranch: 'main' });
    expect(t.emulator.rateLimitedRequests).toBe(1);
    expect(waits()).toEqual([[7, true]]);
  });

  it('fails at once with ForgeError 429 when the wait is longer than maxRateLimitWaitSeconds', async () => {
    const { forge, waits } = waitingForge(60);
    t.emulator.rateLimit({ retryAfterSeconds: 3600 });
    const error = await forgeErrorOf(forge.listBranches(t.repo));
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      'GET /projects/acme%2Fwidget/repository/branches: 429 Retry later (retry after 3600 s)',
    );
    expect(t.emulator.rateLimitedRequests).toBe(1);
    expect(waits()).toEqual([[3600, false]]);
    expect((await forge.listBranches(t.repo)).map((b) => b.name)).toEqual(['main']);
  });

  it('retries a rate limit once: a second one in a row is a ForgeError 429', async () => {
    const { forge, waits } = waitingForge();
    t.emulator.rateLimit({ retryAfterSeconds: 2, times: 2 });
    // A write, whose body must go out again on the retry.
    expect(
      (await forgeErrorOf(forge.createIssue(t.repo, { title: 'Flaky', body: 'twice refused' }))).status,
    ).toBe(429);
    expect(t.emulator.rateLimitedRequests).toBe(2);
    expect(waits()).toEqual([
      [2, true],
      [2, false],
    ]);
    t.emulator.rateLimit({ retryAfterSeconds: 1 });
    expect(await forge.createIssue(t.repo, { title: 'Flaky', body: 'once refused' })).toMatchObject({
      title: 'Flaky',
      body: 'once refused',
    });
  });
});

describe('how long GitLab asks to wait', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads Retry-After in seconds or as a date, else RateLimit-Reset, else nothing', () => {
    expect(askedWaitSeconds(new Headers({ 'retry-after': '42' }), now)).toBe(42);
    expect(askedWaitSeconds(new Headers({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }), now)).toBe(30);
    expect(askedWaitSeconds(new Headers({ 'ratelimit-reset': String(now / 1000 + 15) }), now)).toBe(15);
    expect(
      askedWaitSeconds(new Headers({ 'retry-after': '3', 'ratelimit-reset': String(now / 1000 + 15) }), now),
    ).toBe(3);
    expect(askedWaitSeconds(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(askedWaitSeconds(new Headers(), now)).toBeNull();
  });
});

/** A stand-in for a GitLab behind a gateway: answers each request with the next scripted status. */
async function scriptedGitLab(statuses: number[]) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const status = statuses.shift() ?? 500;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        status === 200
          ? {
              id: 1,
              path: 'widget',
              path_with_namespace: 'acme/widget',
              default_branch: 'main',
              http_url_to_repo: 'https://gitlab.example/acme/widget.git',
              web_url: 'https://gitlab.example/acme/widget',
            }
          : { message: `${status} ${http.STATUS_CODES[status]}` },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GitLabForge and failing gateways', () => {
  it('retries 502, 503 and 504 as often as configured, and other errors never', async () => {
    const gitlab = await scriptedGitLab([502, 503, 200, 500]);
    const forge = new GitLabForge({ token: TOKEN, host: gitlab.url, retries: 2, retryDelayUnitMs: 1 });
    try {
      expect(await forge.getRepository({ owner: 'acme', name: 'widget' })).toMatchObject({ name: 'widget' });
      expect(gitlab.requests()).toBe(3);
      const error = await forgeErrorOf(forge.getRepository({ owner: 'acme', name: 'widget' }));
      expect(error).toMatchObject({
        status: 500,
        message: 'GET /projects/acme%2Fwidget: 500 500 Internal Server Error',
      });
      expect(gitlab.requests()).toBe(4);
    } finally {
      await gitlab.close();
    }
  });

  it('gives up with the gateway error once the retries are used up', async () => {
    const gitlab = await scriptedGitLab([502, 504, 502]);
    const forge = new GitLabForge({ token: TOKEN, host: gitlab.url, retries: 1, retryDelayUnitMs: 1 });
    try {
      expect((await forgeErrorOf(forge.getRepository({ owner: 'acme', name: 'widget' }))).status).toBe(504);
      expect(gitlab.requests()).toBe(2);
    } finally {
      await gitlab.close();
    }
  });
});

describe('GitLabForge lists open merge requests by what changed since its last listing', () => {
  let t: Awaited<ReturnType<typeof startEmulatorWithProject>>;
  beforeEach(async () => {
    t = await startEmulatorWithProject();
  });
  afterEach(async () => t.cleanup());

  const LIST = 'GET /api/v4/projects/acme%2Fwidget/merge_requests';

  it('asks only for merge requests updated since, and still sees pushes, closes and new ones', async () => {
    // Someone else at the same GitLab: changes the scanner's forge did not make itself.
    const other = new GitLabForge({ token: TOKEN, host: t.emulator.url });
    for (const branch of ['one', 'two', 'three']) {
      await t.clone.createBranchWithFile(branch, `${branch}.txt`, `${branch}\n`);
      await other.createPullRequest(t.repo, { title: branch, head: branch, base: 'main' });
    }
    t.emulator.resetRequestCounts();
    const first = await t.forge.listOpenPullRequests(t.repo);
    expect(first.map((p) => p.headRef)).toEqual(['three', 'two', 'one']);
    // The full listing, and the project for the clone URL.
    expect(t.emulator.requestCounts().total).toBe(2);

    t.emulator.resetRequestCounts();
    expect(await t.forge.listOpenPullRequests(t.repo)).toEqual(first);
    expect(t.emulator.requestCounts()).toMatchObject({ total: 1, endpoints: { [LIST]: { total: 1 } } });

    const moved = await t.clone.createBranchWithFile('two', 'two.txt', 'two, again\n');
    const one = first.find((p) => p.headRef === 'one')!;
    await other.closePullRequest(t.repo, one.number);
    await t.clone.createBranchWithFile('four', 'four.txt', 'four\n');
    const four = await other.createPullRequest(t.repo, { title: 'four', head: 'four', base: 'main' });
    await t.emulator.idle();
    const after = await t.forge.listOpenPullRequests(t.repo);
    expect(after.map((p) => [p.number, p.headRef])).toEqual([
      [four.number, 'four'],
      ...first.filter((p) => p.headRef !== 'one').map((p) => [p.number, p.headRef]),
    ]);
    expect(after.find((p) => p.headRef === 'two')!.headSha).toBe(moved);
    // What a fresh client lists in full is what the remembering one put together.
    expect(
      await new GitLabForge({ token: TOKEN, host: t.emulator.url }).listOpenPullRequests(t.repo),
    ).toEqual(after);
  });

  it('lists in full again once fullMergeRequestListingEveryMs has passed', async () => {
    const forge = new GitLabForge({ token: TOKEN, host: t.emulator.url, fullMergeRequestListingEveryMs: 0 });
    await t.clone.createBranchWithFile('one', 'one.txt', 'one\n');
    await forge.createPullRequest(t.repo, { title: 'one', head: 'one', base: 'main' });
    await forge.listOpenPullRequests(t.repo);
    t.emulator.resetRequestCounts();
    await forge.listOpenPullRequests(t.repo);
    // Full: the list, and the project for the clone URL.
    expect(t.emulator.requestCounts().total).toBe(2);
  });
});
