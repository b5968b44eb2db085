import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../forge/forge.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const TOKEN = 'glpat-emulatortoken0123456789';
const SECRET = 'hook-secret-for-tests';
const PROJECT = '/api/v4/projects/acme%2Fwidget';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Received {
  headers: http.IncomingHttpHeaders;
  payload: Record<string, unknown> & {
    object_attributes?: { action: string; iid: number; last_commit: { id: string }; oldrev?: string };
  };
}

let tmp: { dir: string; remove(): Promise<void> };
let emulator: GitLabEmulator;
let forge: GitLabForge;
let receiver: http.Server;
let received: Received[];
let copy: GitWorkingCopy;

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${emulator.url}${url}`, {
    method,
    headers: { 'private-token': TOKEN, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown> & Record<string, unknown>[],
  };
}

const hooks = (event: string) => received.filter((r) => r.headers['x-gitlab-event'] === event);
const mergeRequestHooks = (action: string) =>
  hooks('Merge Request Hook').filter((r) => r.payload.object_attributes?.action === action);

beforeEach(async () => {
  tmp = await withTempDir();
  emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
  forge = new GitLabForge({ token: TOKEN, host: emulator.url });
  received = [];
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, payload: JSON.parse(body) as Received['payload'] });
      const seen = received.filter((r) => r.headers['idempotency-key'] === req.headers['idempotency-key']);
      res.writeHead(seen.length > 1 ? 200 : 202);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
  emulator.addWebhook('acme', 'widget', {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    token: SECRET,
    events: ['merge_request', 'push'],
  });
  copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
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

async function openMergeRequest() {
  await copy.checkoutNewBranch('feature');
  await copy.writeFiles({ 'a.txt': { content: 'a\n' } });
  const sha = await copy.commit('Add a');
  await copy.push('feature');
  const pr = await forge.createPullRequest(
    { owner: 'acme', name: 'widget' },
    {
      title: 'Add a',
      head: 'feature',
      base: 'main',
    },
  );
  await emulator.idle();
  return { sha, iid: pr.number };
}

const repo = { owner: 'acme', name: 'widget' };

describe('GitLab emulator', () => {
  it('delivers a Merge Request Hook on open with the secret token, GitLab headers and payload shape', async () => {
    const { sha, iid } = await openMergeRequest();
    const [delivery] = mergeRequestHooks('open');
    expect(delivery).toBeDefined();
    expect(delivery!.headers['x-gitlab-token']).toBe(SECRET);
    expect(delivery!.headers['x-gitlab-event-uuid']).toMatch(UUID);
    expect(delivery!.headers['idempotency-key']).toMatch(UUID);
    expect(delivery!.headers['user-agent']).toMatch(/^GitLab\//);
    expect(delivery!.headers['x-hub-signature-256']).toBeUndefined();
    expect(delivery!.payload).toMatchObject({
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: { username: 'developer' },
      project: {
        path_with_namespace: 'acme/widget',
        git_http_url: `${emulator.url}/acme/widget.git`,
        default_branch: 'main',
      },
      object_attributes: {
        iid,
        action: 'open',
        state: 'opened',
        source_branch: 'feature',
        target_branch: 'main',
        last_commit: { id: sha, title: 'Add a' },
        url: `${emulator.url}/acme/widget/-/merge_requests/${iid}`,
      },
    });
    const pushes = hooks('Push Hook').map((r) => r.payload);
    expect(pushes.map((p) => p.ref)).toEqual(['refs/heads/main', 'refs/heads/feature']);
    expect(pushes[1]).toMatchObject({
      object_kind: 'push',
      before: '0'.repeat(40),
      after: sha,
      total_commits_count: 1,
      commits: [{ id: sha, added: ['a.txt'], modified: [], removed: [] }],
      project: { path_with_namespace: 'acme/widget' },
    });
  });

  it('sends action update with the new last commit when the source branch is pushed, and moves the MR', async () => {
    const { sha, iid } = await openMergeRequest();
    await copy.writeFiles({ 'b.txt': { content: 'b\n' } });
    const newSha = await copy.commit('Add b');
    await copy.push('feature');
    await emulator.idle();
    const updates = mergeRequestHooks('update');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.payload.object_attributes).toMatchObject({
      iid,
      last_commit: { id: newSha },
      oldrev: sha,
    });
    expect((await forge.getPullRequest(repo, iid)).headSha).toBe(newSha);
    expect(await copy.git('ls-remote', 'origin', `refs/merge-requests/${iid}/head`)).toMatch(
      new RegExp(`^${newSha}\\s`),
    );
  });

  it('closes a merge request with action close, and it leaves the open list', async () => {
    const { iid } = await openMergeRequest();
    const closed = await api('PUT', `${PROJECT}/merge_requests/${iid}`, { state_event: 'close' });
    expect(closed.body).toMatchObject({ state: 'closed' });
    await emulator.idle();
    expect(mergeRequestHooks('close')[0]?.payload.object_attributes).toMatchObject({ iid, state: 'closed' });
    expect(await forge.listOpenPullRequests(repo)).toEqual([]);
    expect((await forge.getPullRequest(repo, iid)).state).toBe('closed');
  });

  it('redelivers with the same Idempotency-Key and event UUID', async () => {
    await openMergeRequest();
    const first = emulator.deliveries().find((d) => d.event === 'Merge Request Hook')!;
    emulator.redeliver(first.idempotencyKey);
    await emulator.idle();
    const attempts = emulator.deliveries().filter((d) => d.idempotencyKey === first.idempotencyKey);
    expect(attempts.map((a) => [a.redelivery, a.status])).toEqual([
      [false, 202],
      [true, 200],
    ]);
    const copies = received.filter((r) => r.headers['idempotency-key'] === first.idempotencyKey);
    expect(copies.map((r) => r.headers['x-gitlab-event-uuid'])).toEqual([first.eventUuid, first.eventUuid]);
  });

  it("answers 401 with GitLab's body without a valid token, and takes PRIVATE-TOKEN or Bearer", async () => {
    const anonymous = await fetch(`${emulator.url}${PROJECT}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: '401 Unauthorized' });
    expect((await api('GET', PROJECT, undefined, { 'private-token': 'nope' })).status).toBe(401);
    const bearer = await fetch(`${emulator.url}${PROJECT}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toMatchObject({ path_with_namespace: 'acme/widget' });
    const wrongBearer = await fetch(`${emulator.url}${PROJECT}`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrongBearer.status).toBe(401);
  });

  it('refuses a status posted in the state it has with a 400, which GitLabForge takes as done', async () => {
    const sha = await copy.git('rev-parse', 'HEAD');
    expect((await api('POST', `${PROJECT}/statuses/${sha}`, { state: 'running', name: 'raw' })).status).toBe(
      201,
    );
    const again = await api('POST', `${PROJECT}/statuses/${sha}`, { state: 'running', name: 'raw' });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/^Cannot transition status via :run from :running/);

    await forge.setCommitStatus(repo, sha, {
      state: 'pending',
      context: 'unit',
      description: 'Not yet tested',
    });
    // Pending again: GitLab refuses :enqueue from :pending; the forge moves it to running to keep the update.
    await forge.setCommitStatus(repo, sha, {
      state: 'pending',
      context: 'unit',
      description: 'In progress',
      targetUrl: 'http://127.0.0.1:1/logs/1',
    });
    // And once more: refused :enqueue from :running, already pending in the Forge's terms.
    await expect(
      forge.setCommitStatus(repo, sha, { state: 'pending', context: 'unit', description: 'Still going' }),
    ).resolves.toBeUndefined();
    const unit = (await forge.listCommitStatuses(repo, sha)).find((s) => s.context === 'unit');
    expect(unit).toMatchObject({
      state: 'pending',
      description: 'In progress',
      targetUrl: 'http://127.0.0.1:1/logs/1',
    });
    const raw = await api('GET', `${PROJECT}/repository/commits/${sha}/statuses?name=unit&all=true`);
    expect(raw.body.map((s) => s.status)).toEqual(['running']);
  });

  it('reports a status GitLab rejects for another reason as a ForgeError 400', async () => {
    const sha = await copy.git('rev-parse', 'HEAD');
    const rejected = await forge
      .setCommitStatus(repo, sha, { state: 'pending', context: 'unit', targetUrl: 'ftp://example.invalid/x' })
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ForgeError);
    expect((rejected as ForgeError).status).toBe(400);
    expect((rejected as Error).message).not.toContain(TOKEN);
  });

  it('updates a pending status in place, as GitLab does: the history has records, not every post', async () => {
    const sha = await copy.git('rev-parse', 'HEAD');
    await forge.setCommitStatus(repo, sha, { state: 'pending', context: 'unit' });
    await forge.setCommitStatus(repo, sha, { state: 'success', context: 'unit', description: 'Passed' });
    await forge.setCommitStatus(repo, sha, {
      state: 'failure',
      context: 'unit',
      description: 'Rerun failed',
    });
    const history = await forge.listCommitStatusHistory(repo, sha);
    expect(history.map((s) => `${s.state}:${s.description}`)).toEqual([
      'success:Passed',
      'failure:Rerun failed',
    ]);
    expect(await forge.listCommitStatuses(repo, sha)).toMatchObject([
      { context: 'unit', state: 'failure', description: 'Rerun failed' },
    ]);
    const latest = await api('GET', `${PROJECT}/repository/commits/${sha}/statuses`);
    expect(latest.body.map((s) => s.status)).toEqual(['failed']);
  });

  it('keeps error apart from failure with a description prefix on GitLab’s failed', async () => {
    const sha = await copy.git('rev-parse', 'HEAD');
    await forge.setCommitStatus(repo, sha, { state: 'error', context: 'vm', description: 'Machine lost' });
    await forge.setCommitStatus(repo, sha, {
      state: 'failure',
      context: 'unit',
      description: 'Tests failed',
    });
    const raw = await api('GET', `${PROJECT}/repository/commits/${sha}/statuses`);
    expect(raw.body.map((s) => [s.name, s.status, s.description])).toEqual([
      ['vm', 'failed', 'error: Machine lost'],
      ['unit', 'failed', 'Tests failed'],
    ]);
    expect(
      (await forge.listCommitStatuses(repo, sha)).map((s) => [s.context, s.state, s.description]),
    ).toEqual([
      ['vm', 'error', 'Machine lost'],
      ['unit', 'failure', 'Tests failed'],
    ]);
  });

  it('paginates statuses with X-Next-Page, X-Total and Link, and GitLabForge reads every page', async () => {
    const sha = await copy.git('rev-parse', 'HEAD');
    for (let i = 0; i < 103; i++) {
      const name = `c${String(i).padStart(3, '0')}`;
      expect((await api('POST', `${PROJECT}/statuses/${sha}`, { state: 'pending', name })).status).toBe(201);
    }
    const first = await api('GET', `${PROJECT}/repository/commits/${sha}/statuses?per_page=2`);
    expect(first.body).toHaveLength(2);
    expect(first.headers.get('x-total')).toBe('103');
    expect(first.headers.get('x-total-pages')).toBe('52');
    expect(first.headers.get('x-next-page')).toBe('2');
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link')!)![1]!;
    expect(new URL(next).searchParams.get('page')).toBe('2');
    const last = await api('GET', `${PROJECT}/repository/commits/${sha}/statuses?per_page=2&page=52`);
    expect(last.body).toHaveLength(1);
    expect(last.headers.get('x-next-page')).toBe('');
    expect(last.headers.get('link')).not.toMatch(/rel="next"/);
    const statuses = await forge.listCommitStatuses(repo, sha);
    expect(statuses).toHaveLength(103);
    expect(statuses.at(-1)!.context).toBe('c102');
  });

  it('serves raw files, anonymous clones, and refuses a push without a token', async () => {
    const raw = await fetch(`${emulator.url}${PROJECT}/repository/files/README.md/raw?ref=main`, {
      headers: { 'private-token': TOKEN },
    });
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toBe('hi\n');
    const missingFile = await api('GET', `${PROJECT}/repository/files/nope.txt/raw?ref=main`);
    expect([missingFile.status, missingFile.body.message]).toEqual([404, '404 File Not Found']);
    const missingProject = await forge
      .getFileContent({ owner: 'acme', name: 'nothing' }, 'README.md', 'main')
      .catch((e: unknown) => e);
    expect((missingProject as ForgeError).status).toBe(404);

    const clone = path.join(tmp.dir, 'clone');
    const env = { PATH: process.env.PATH, HOME: tmp.dir, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
    await run('git', ['clone', '--quiet', `${emulator.url}/acme/widget.git`, clone], { env });
    expect((await run('git', ['-C', clone, 'log', '--format=%s'], { env })).stdout.trim()).toBe('initial');
    const push = await run('git', ['-C', clone, 'push', 'origin', 'HEAD:refs/heads/sneaky'], { env }).then(
      () => 'pushed',
      (e: Error) => e.message,
    );
    expect(push).toMatch(/Authentication failed|could not read Username|401/);
    expect(
      (await run('git', ['ls-remote', `${emulator.url}/acme/widget.git`], { env })).stdout,
    ).not.toContain('sneaky');
  });

  it('validates like GitLab: missing and invalid parameters, unknown branches, commits and projects', async () => {
    await openMergeRequest();
    const sha = await copy.git('rev-parse', 'HEAD');
    expect(
      await api('POST', `${PROJECT}/merge_requests`, { source_branch: 'feature', target_branch: 'main' }),
    ).toMatchObject({
      status: 400,
      body: { error: 'title is missing' },
    });
    expect(
      (
        await api('POST', `${PROJECT}/merge_requests`, {
          source_branch: 'nope',
          target_branch: 'main',
          title: 'x',
        })
      ).status,
    ).toBe(422);
    expect(
      await api('POST', `${PROJECT}/merge_requests`, {
        source_branch: 'feature',
        target_branch: 'main',
        title: 'x',
      }),
    ).toMatchObject({
      status: 409,
      body: { message: ['Another open merge request already exists for this source branch: !1'] },
    });
    expect(await api('POST', `${PROJECT}/statuses/${sha}`, { state: 'done' })).toMatchObject({
      status: 400,
      body: { error: 'state does not have a valid value' },
    });
    expect(await api('POST', `${PROJECT}/statuses/${'0'.repeat(40)}`, { state: 'success' })).toMatchObject({
      status: 404,
      body: { message: '404 Commit Not Found' },
    });
    expect(await api('GET', '/api/v4/projects/acme%2Fnothing')).toMatchObject({
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    expect(await api('GET', `${PROJECT}/merge_requests/99`)).toMatchObject({
      status: 404,
      body: { message: '404 Not found' },
    });
    const byPath = await api('GET', PROJECT);
    expect((await api('GET', `/api/v4/projects/${String(byPath.body.id)}`)).body).toEqual(byPath.body);
  });
});
