import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import type { JobSummary } from '../../runner-agent/src/server/job-control.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };
const FINAL = new Set(['success', 'failure', 'error']);

/**
 * Cancelling through the job API on a whole deployment (GitHub emulator, server, agent with the process
 * executor): a running job is stopped by its agent, a queued one never runs, and each pull request context
 * ends with exactly one final status saying who cancelled it.
 */
describe('cancelling jobs through the API', () => {
  let stack: LocalStack;
  let sha: string;
  let markers: string;

  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger(), cancelCheckMs: 200 });
    markers = path.join(stack.stateDir, 'markers.txt');
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({
      '.ironbots.yml': {
        content: [
          'contexts:',
          '  slow:',
          // Writes a marker when it starts and another one if it is ever allowed to finish.
          `    run: [sh, -c, 'echo started >>${markers}; sleep 120; echo finished >>${markers}']`,
          '  gpu:',
          "    run: ['true']",
          '    labels: [gpu] # no agent here offers it: it stays queued',
          '',
        ].join('\n'),
      },
    });
    await workingCopy.commit('main');
    await workingCopy.push('main');
    await workingCopy.checkoutNewBranch('topic');
    await workingCopy.writeFiles({ VERSION: { content: '2\n' } });
    sha = await workingCopy.commit('change');
    await workingCopy.push('topic');
    await stack.forge.createPullRequest(repo, { title: 'change', head: 'topic', base: 'main' });
  });
  afterAll(async () => stack?.stop());

  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${stack.server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${stack.apiToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const history = async (context: string): Promise<CommitStatus[]> =>
    (await stack.forge.listCommitStatusHistory(repo, sha)).filter((s) => s.context === context);
  const jobOf = async (context: string, state: string): Promise<JobSummary | undefined> =>
    ((await api('GET', `/api/v1/jobs?state=${state}`)).body.jobs as JobSummary[]).find(
      (j) => j.context === context,
    );

  it('stops a running job when it is cancelled: one final error status saying who cancelled it', async () => {
    await expect
      .poll(async () => (await history('slow')).map((s) => s.description), { timeout: 60_000 })
      .toContain('In progress [local-agent]');
    await expect
      .poll(async () => readFile(markers, 'utf8').catch(() => ''), { timeout: 30_000 })
      .toContain('started');
    const running = (await jobOf('slow', 'running'))!;
    expect(running).toMatchObject({ repository: 'acme/widget', sha, agent: 'local-agent', attempt: 1 });

    const cancelled = await api('POST', `/api/v1/jobs/${running.id}/cancel`, {
      by: 'alice',
      reason: 'wrong branch',
    });
    expect(cancelled).toMatchObject({
      status: 202,
      body: { id: running.id, state: 'cancelling', reason: 'by alice (wrong branch)' },
    });

    await expect
      .poll(async () => (await history('slow')).filter((s) => FINAL.has(s.state)).length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    // The agent settles its lease and log just after posting.
    await expect
      .poll(async () => (await api('GET', `/api/v1/jobs/${running.id}`)).body.state, { timeout: 10_000 })
      .toBe('cancelled');
    const statuses = await history('slow');
    expect(statuses.map((s) => [s.state, s.description])).toEqual([
      ['pending', NOT_YET_TESTED],
      ['pending', 'In progress [local-agent]'],
      ['error', 'Cancelled: by alice (wrong branch) [local-agent]'],
    ]);
    expect(statuses.at(-1)!.targetUrl).toBe(`${stack.server.url}/logs/${running.id}.html`);
    expect(await readFile(markers, 'utf8')).toBe('started\n');
    const described = (await api('GET', `/api/v1/jobs/${running.id}`)).body;
    expect(described).toMatchObject({
      state: 'cancelled',
      description: 'Cancelled: by alice (wrong branch) [local-agent]',
    });
    expect(await (await fetch(`${stack.server.url}/logs/${running.id}`)).text()).toContain(
      'ironbots: Cancelled: by alice (wrong branch) [local-agent]',
    );
    // A second cancel says it is over, with how it ended.
    expect(await api('POST', `/api/v1/jobs/${running.id}/cancel`, {})).toMatchObject({
      status: 409,
      body: { state: 'cancelled' },
    });
  });

  it('ends a queued job cancelled before any agent took it, posting its final status at once', async () => {
    const queued = (await jobOf('gpu', 'queued'))!;
    expect(queued).toMatchObject({ state: 'queued', attempt: 0, sha });
    expect((await history('gpu')).map((s) => s.description)).toEqual([NOT_YET_TESTED]);

    const cancelled = await api('POST', `/api/v1/jobs/${queued.id}/cancel`, { by: 'bob' });
    expect(cancelled).toMatchObject({
      status: 202,
      body: { id: queued.id, state: 'cancelled', description: 'Cancelled: by bob, before it started' },
    });
    // Posted by the server before it answered.
    const statuses = await history('gpu');
    expect(statuses.map((s) => [s.state, s.description])).toEqual([
      ['pending', NOT_YET_TESTED],
      ['error', 'Cancelled: by bob, before it started'],
    ]);
    expect(statuses.at(-1)!.targetUrl).toBe(`${stack.server.url}/logs/${queued.id}.html`);
    expect(await (await fetch(`${stack.server.url}/logs/${queued.id}`)).text()).toContain(
      'ironbots: Cancelled: by bob, before it started',
    );
    expect((await jobOf('gpu', 'cancelled'))?.id).toBe(queued.id);
    expect(await api('GET', `/api/v1/jobs/${queued.id}`)).toMatchObject({
      status: 200,
      body: { state: 'cancelled', description: 'Cancelled: by bob, before it started' },
    });
    // A rescan of the PR plans nothing new for the cancelled context: its dedup key is still used.
    await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    expect(await jobOf('gpu', 'queued')).toBeUndefined();
    expect((await history('gpu')).length).toBe(2);
  });
});
