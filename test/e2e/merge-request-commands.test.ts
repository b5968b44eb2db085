import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { APPROVAL_CONTEXT, WAITING_FOR_APPROVAL } from '../../runner-agent/src/jobs/status-text.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { BOT_COMMENT_MARKER } from '../../runner-agent/src/planner/comment-commands.ts';
import type { PlanResult } from '../../runner-agent/src/planner/planner.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };
const FULL = 'acme/widget';
const FINAL = new Set(['success', 'failure', 'error']);
const DEVELOPER = 30;
const REPORTER = 20;

/**
 * Bot commands in merge request notes and the fork approval policy on the GitLab emulator, with the whole
 * server and an agent: `maintainer` is a Developer of the project, `reporter` a Reporter, `mallory` nobody.
 */
describe('commands in merge request notes (GitLab)', () => {
  let stack: LocalStack;
  let markers: string;
  let planned: { delivery: WebhookDelivery; result: PlanResult }[];

  const config = () =>
    [
      'contexts:',
      '  flaky:',
      `    run: [sh, -c, 'echo "flaky $IRONBOTS_SHA" >>${markers}; test $(grep -c "flaky $IRONBOTS_SHA" ${markers}) -ge 2']`,
      '  unit:',
      `    run: [sh, -c, 'echo "unit $IRONBOTS_SHA" >>${markers}']`,
      '',
    ].join('\n');

  beforeEach(async () => {
    planned = [];
    stack = await LocalStack.start({
      logger: silentLogger(),
      forge: 'gitlab',
      onPlanned: (delivery, result) => planned.push({ delivery, result }),
    });
    markers = path.join(stack.stateDir, 'markers.txt');
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({
      'README.md': { content: 'widget\n' },
      '.ironbots.yml': { content: config() },
    });
    await workingCopy.commit('main');
    await workingCopy.push('main');
    stack.gitlab.addMember(FULL, 'maintainer', DEVELOPER);
    stack.gitlab.addMember(FULL, 'reporter', REPORTER);
  });
  afterEach(async () => stack?.stop());

  const runs = async (line: string) =>
    (await readFile(markers, 'utf8').catch(() => '')).split('\n').filter((l) => l === line).length;
  const latest = async (sha: string): Promise<Map<string, CommitStatus>> =>
    new Map((await stack.forge.listCommitStatuses(repo, sha)).map((s) => [s.context, s]));
  const finals = async (sha: string, context: string) =>
    (await stack.forge.listCommitStatusHistory(repo, sha)).filter(
      (s) => s.context === context && FINAL.has(s.state),
    );
  const replies = (iid: number) => stack.gitlab.notes(FULL, iid).filter((n) => n.user === 'developer');
  const command = async (iid: number, user: string, body: string): Promise<string> => {
    const before = replies(iid).length;
    stack.gitlab.noteOnMergeRequest(FULL, iid, { user, body });
    await expect.poll(() => replies(iid).length, { timeout: 30_000 }).toBe(before + 1);
    const reply = replies(iid).at(-1)!.body;
    expect(reply.startsWith(BOT_COMMENT_MARKER)).toBe(true);
    return reply;
  };

  const branchCopy = async (dir: string, project: string) => {
    const copy = new GitWorkingCopy(path.join(stack.stateDir, dir), stack.forge.gitCredentials()!);
    await copy.init(`${stack.gitlab.url}/${project}.git`);
    await copy.git('fetch', 'origin', 'main');
    await copy.git('checkout', '-B', 'topic', 'FETCH_HEAD');
    return copy;
  };

  it('/retest runs the failed contexts again for a Developer; a Reporter is refused; an unknown command gets the list', async () => {
    const copy = await branchCopy('own', FULL);
    await copy.writeFiles({ 'feature.txt': { content: 'feature\n' } });
    const sha = await copy.commit('feature');
    await copy.push('topic');
    const { iid } = await stack.gitlab.openMergeRequest(FULL, {
      title: 'feature',
      sourceBranch: 'topic',
      targetBranch: 'main',
    });
    await expect.poll(async () => (await finals(sha, 'flaky')).length, { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);

    expect(await command(iid, 'reporter', '/retest')).toMatch(
      /Sorry @reporter, only people with write access to acme\/widget can use `\/retest`/,
    );
    expect(await command(iid, 'mallory', '/rebuild')).toContain(
      'I do not know `/rebuild`. The commands are:',
    );
    expect(await runs(`flaky ${sha}`)).toBe(1);

    expect(await command(iid, 'maintainer', '/retest')).toContain(
      `running \`flaky\` again at ${sha.slice(0, 7)}`,
    );
    await expect.poll(async () => (await finals(sha, 'flaky')).length, { timeout: 60_000 }).toBe(2);
    expect((await finals(sha, 'flaky')).map((s) => s.state)).toEqual(['failure', 'success']);
    expect(await runs(`unit ${sha}`)).toBe(1);
  });

  it('runs nothing of a fork by a non-member until a Developer approves that head; a new push waits again', async () => {
    await stack.gitlab.forkProject(FULL, 'mallory');
    const fork = await branchCopy('fork', 'mallory/widget');
    await fork.writeFiles({ 'contribution.txt': { content: 'from a fork\n' } });
    const sha = await fork.commit('contribution');
    await fork.push('topic');
    const { iid } = await stack.gitlab.openMergeRequest(FULL, {
      title: 'contribution',
      sourceBranch: 'topic',
      targetBranch: 'main',
      sourceProject: 'mallory/widget',
      author: 'mallory',
    });
    const waiting = async (at: string) =>
      expect
        .poll(
          async () => [...(await latest(at)).values()].map((s) => [s.context, s.state, s.description]).sort(),
          { timeout: 30_000 },
        )
        .toEqual([
          ['flaky', 'pending', WAITING_FOR_APPROVAL],
          ['unit', 'pending', WAITING_FOR_APPROVAL],
        ]);
    await waiting(sha);

    expect(await command(iid, 'mallory', '/approve')).toMatch(/^Sorry @mallory/m);
    expect(await runs(`unit ${sha}`)).toBe(0);
    expect(await command(iid, 'maintainer', '/approve')).toContain(
      `${sha.slice(0, 7)} approved by @maintainer; testing \`flaky\`, \`unit\`.`,
    );
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await finals(sha, 'unit'))[0]!.state).toBe('success');
    expect((await latest(sha)).get(APPROVAL_CONTEXT)).toMatchObject({ state: 'success' });

    await fork.writeFiles({ 'contribution.txt': { content: 'changed after the approval\n' } });
    const next = await fork.commit('more');
    await fork.push('topic');
    await waiting(next);
    expect(await runs(`unit ${next}`)).toBe(0);
  });

  it('approves a fork’s head when a Developer adds the approval label; the author and a Reporter cannot; a new push waits again', async () => {
    await stack.gitlab.forkProject(FULL, 'mallory');
    const fork = await branchCopy('fork', 'mallory/widget');
    await fork.writeFiles({ 'contribution.txt': { content: 'from a fork\n' } });
    const sha = await fork.commit('contribution');
    await fork.push('topic');
    const { iid } = await stack.gitlab.openMergeRequest(FULL, {
      title: 'contribution',
      sourceBranch: 'topic',
      targetBranch: 'main',
      sourceProject: 'mallory/widget',
      author: 'mallory',
    });
    const waiting = async (at: string) =>
      expect
        .poll(async () => [...(await latest(at)).values()].map((s) => s.description), { timeout: 30_000 })
        .toEqual([WAITING_FOR_APPROVAL, WAITING_FOR_APPROVAL]);
    await waiting(sha);
    // The hooks of label changes by `user` (the bot's own are by `developer`, the token's user).
    const labelChanges = (user: string) =>
      planned.filter((p) => {
        const payload = p.delivery.payload as { changes?: { labels?: unknown }; user?: { username: string } };
        return payload.changes?.labels !== undefined && payload.user?.username === user;
      });
    const label = async (user: string, change: { add?: string[]; remove?: string[] }) => {
      const before = labelChanges(user).length;
      await stack.gitlab.labelMergeRequest(FULL, iid, { user, ...change });
      await expect.poll(() => labelChanges(user).length, { timeout: 30_000 }).toBe(before + 1);
      return labelChanges(user).at(-1)!.result;
    };

    // The author, a Reporter: no approval. Another label: nothing to do with approval.
    const refused = {
      kind: 'ignored',
      reason: 'the ok-to-test label was added by someone without write access',
    };
    expect(await label('mallory', { add: ['ok-to-test'] })).toEqual(refused);
    expect(await label('mallory', { remove: ['ok-to-test'] })).toMatchObject({ kind: 'ignored' });
    expect(await label('reporter', { add: ['ok-to-test'] })).toEqual(refused);
    expect(await label('maintainer', { add: ['bug'] })).toEqual({
      kind: 'ignored',
      reason: 'merge_request update',
    });
    expect((await latest(sha)).has(APPROVAL_CONTEXT)).toBe(false);
    expect(await runs(`unit ${sha}`)).toBe(0);

    // A Developer: the label is on already (the Reporter's), so they take it off and put it on again.
    await label('maintainer', { remove: ['ok-to-test'] });
    expect(await label('maintainer', { add: ['ok-to-test'] })).toMatchObject({ kind: 'planned' });
    expect((await latest(sha)).get(APPROVAL_CONTEXT)).toMatchObject({
      state: 'success',
      description: 'Approved by maintainer (ok-to-test)',
    });
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await finals(sha, 'unit'))[0]!.state).toBe('success');

    // A new push: the approval does not carry over, and the bot takes the label off (its own hook changes
    // nothing), so that putting it on again approves the new head.
    await fork.writeFiles({ 'contribution.txt': { content: 'changed after the approval\n' } });
    const next = await fork.commit('more');
    await fork.push('topic');
    await waiting(next);
    await expect.poll(() => stack.gitlab.mergeRequestLabels(FULL, iid), { timeout: 30_000 }).toEqual(['bug']);
    await expect
      .poll(() => labelChanges('developer').map((p) => p.result), { timeout: 30_000 })
      .toEqual([{ kind: 'ignored', reason: 'merge_request update' }]);
    expect(await runs(`unit ${next}`)).toBe(0);
    await label('maintainer', { add: ['ok-to-test'] });
    await expect.poll(async () => (await finals(next, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await latest(next)).get(APPROVAL_CONTEXT)).toMatchObject({ state: 'success' });
    expect(await runs(`unit ${sha}`)).toBe(1);
  });

  it('refuses a Note Hook without the fields a command needs (400) and queues nothing', async () => {
    const before = (await stack.events.stats()).queued;
    const res = await fetch(stack.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Note Hook',
        'x-gitlab-token': stack.webhookSecret,
        'idempotency-key': 'broken-note',
      },
      body: JSON.stringify({
        object_kind: 'note',
        user: { username: 'maintainer' },
        project: {
          path_with_namespace: FULL,
          git_http_url: 'http://x/acme/widget.git',
          web_url: 'http://x/acme/widget',
        },
        object_attributes: { id: 1, note: '/retest', noteable_type: 'MergeRequest' },
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/merge_request/);
    expect((await stack.events.stats()).queued).toBe(before);
  });
});
