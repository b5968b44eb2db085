import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import {
  APPROVAL_CONTEXT,
  NOT_YET_TESTED,
  WAITING_FOR_APPROVAL,
} from '../../runner-agent/src/jobs/status-text.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import type { PlanResult } from '../../runner-agent/src/planner/planner.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { BOT_COMMENT_MARKER } from '../../runner-agent/src/planner/comment-commands.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };

const commentBody = (delivery: WebhookDelivery): string | undefined =>
  (delivery.payload as { comment?: { body?: string } }).comment?.body;
const FINAL = new Set(['success', 'failure', 'error']);

/**
 * Bot commands in pull request comments and the fork approval policy, on the GitHub emulator with the
 * whole server and an agent: `maintainer` has write access, `mallory` does not, `developer` is the bot.
 */
describe('commands in pull request comments (GitHub)', () => {
  let stack: LocalStack;
  let markers: string;
  let planned: { delivery: WebhookDelivery; result: PlanResult }[];

  // `flaky` fails on its first run at a commit and passes after; `unit` always passes. Each run leaves a line.
  const config = () =>
    [
      'contexts:',
      '  flaky:',
      `    run: [sh, -c, 'echo "flaky $IRONBOTS_SHA" >>${markers}; test $(grep -c "flaky $IRONBOTS_SHA" ${markers}) -ge 2']`,
      '  unit:',
      `    run: [sh, -c, 'echo "unit $IRONBOTS_SHA" >>${markers}; env | base64 -w0; echo']`,
      '',
    ].join('\n');

  beforeEach(async () => {
    planned = [];
    stack = await LocalStack.start({
      logger: silentLogger(),
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
    stack.github.setCollaborator(repo.owner, repo.name, 'maintainer', 'write');
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
  const replies = (number: number) =>
    stack.github.comments(repo.owner, repo.name, number).filter((c) => c.user === 'developer');
  /** Comments as `user` and waits for the bot's reply to it. */
  const command = async (number: number, user: string, body: string): Promise<string> => {
    const before = replies(number).length;
    await stack.github.commentOnPullRequest(repo.owner, repo.name, number, { user, body });
    await expect.poll(() => replies(number).length, { timeout: 30_000 }).toBe(before + 1);
    const reply = replies(number).at(-1)!.body;
    expect(reply.startsWith(BOT_COMMENT_MARKER)).toBe(true);
    return reply;
  };
  const queuedJobs = async () =>
    (await stack.jobs.list({ limit: 100 })).map((m) => ({
      context: m.message.payload.context,
      sha: m.message.payload.sha,
      state: m.state,
      command: m.message.payload.command,
      labels: m.message.labels,
    }));

  /** A pull request from a branch of the repository itself. */
  const openOwnPullRequest = async (): Promise<{ number: number; sha: string }> => {
    const copy = new GitWorkingCopy(path.join(stack.stateDir, 'own'), stack.forge.gitCredentials()!);
    await copy.init(stack.github.cloneUrl(repo.owner, repo.name));
    await copy.git('fetch', 'origin', 'main');
    await copy.git('checkout', '-B', 'topic', 'FETCH_HEAD');
    await copy.writeFiles({ 'feature.txt': { content: 'feature\n' } });
    const sha = await copy.commit('feature');
    await copy.push('topic');
    const pr = await stack.forge.createPullRequest(repo, { title: 'feature', head: 'topic', base: 'main' });
    return { number: pr.number, sha };
  };

  /** mallory's fork and a pull request from it; returns the fork's working copy to push more. */
  const openForkPullRequest = async (): Promise<{ number: number; sha: string; fork: GitWorkingCopy }> => {
    await stack.github.forkRepository(repo.owner, repo.name, 'mallory');
    const fork = new GitWorkingCopy(path.join(stack.stateDir, 'fork'), stack.forge.gitCredentials()!);
    await fork.init(stack.github.cloneUrl('mallory', repo.name));
    await fork.git('fetch', 'origin', 'main');
    await fork.git('checkout', '-B', 'topic', 'FETCH_HEAD');
    await fork.writeFiles({ 'contribution.txt': { content: 'from a fork\n' } });
    const sha = await fork.commit('contribution');
    await fork.push('topic');
    const pr = await stack.github.openPullRequest(repo.owner, repo.name, {
      title: 'contribution',
      head: 'mallory:topic',
      base: 'main',
      user: 'mallory',
    });
    return { number: pr.number, sha, fork };
  };

  const waitingForApproval = async (sha: string) => {
    await expect
      .poll(
        async () => [...(await latest(sha)).values()].map((s) => [s.context, s.state, s.description]).sort(),
        { timeout: 30_000 },
      )
      .toEqual([
        ['flaky', 'pending', WAITING_FOR_APPROVAL],
        ['unit', 'pending', WAITING_FOR_APPROVAL],
      ]);
  };

  it('/retest runs the failed contexts again at the head, or the named ones; others are refused politely', async () => {
    const { number, sha } = await openOwnPullRequest();
    await expect.poll(async () => (await finals(sha, 'flaky')).length, { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await finals(sha, 'flaky'))[0]!.state).toBe('failure');

    // Without write access: a polite no, and nothing runs.
    const refused = await command(number, 'mallory', '/retest');
    expect(refused).toMatch(
      /Sorry @mallory, only people with write access to acme\/widget can use `\/retest`/,
    );
    expect(await runs(`flaky ${sha}`)).toBe(1);

    // No context named: the failed one runs again, and passes this time; unit is left alone.
    expect(await command(number, 'maintainer', 'Looks like a flake.\n/retest')).toContain(
      `running \`flaky\` again at ${sha.slice(0, 7)}`,
    );
    await expect.poll(async () => (await finals(sha, 'flaky')).length, { timeout: 60_000 }).toBe(2);
    expect((await finals(sha, 'flaky')).map((s) => s.state)).toEqual(['failure', 'success']);
    expect(await runs(`unit ${sha}`)).toBe(1);

    // Named: a context that passed runs again too.
    expect(await command(number, 'maintainer', '/retest unit')).toContain('running `unit` again');
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(2);
    expect(await runs(`unit ${sha}`)).toBe(2);

    // Nothing failed now; an unknown context queues nothing.
    expect(await command(number, 'maintainer', '/retest')).toContain('no context failed');
    expect(await command(number, 'maintainer', '/retest nope')).toMatch(
      /has no context `nope`; its contexts are `flaky`, `unit`\. Nothing was queued\./,
    );
    expect((await queuedJobs()).filter((j) => j.state === 'queued' || j.state === 'leased')).toEqual([]);
    expect(await runs(`flaky ${sha}`)).toBe(2);
  });

  it('a /retest handled a second time (its event delivered again after the rerun ended) changes nothing', async () => {
    const { number, sha } = await openOwnPullRequest();
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect(await command(number, 'maintainer', '/retest unit')).toContain('running `unit` again');
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(2);
    await expect
      .poll(async () => (await latest(sha)).get('unit')?.state, { timeout: 30_000 })
      .toBe('success');

    // The events queue hands the same delivery over again, as after a planner died before acking it.
    const handled = () => planned.filter((p) => commentBody(p.delivery) === '/retest unit');
    const delivery = handled()[0]!.delivery;
    await stack.events.enqueue(delivery, { dedupKey: `${delivery.deliveryId}~again` });
    await expect.poll(() => handled().length, { timeout: 30_000 }).toBe(2);

    // Nothing ran, the passed status stands (not reset to "Not yet tested"), the request was answered once,
    // and a new /retest still runs.
    expect(await runs(`unit ${sha}`)).toBe(2);
    expect(replies(number).filter((r) => r.body.includes('running `unit` again'))).toHaveLength(1);
    expect((await latest(sha)).get('unit')?.state).toBe('success');
    expect(await command(number, 'maintainer', '/retest unit')).toContain('running `unit` again');
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(3);
    expect(await runs(`unit ${sha}`)).toBe(3);
  });

  it('answers an unknown command with the list, never runs comment text through a shell, and ignores its own comments', async () => {
    const { number, sha } = await openOwnPullRequest();
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    const jobsBefore = (await queuedJobs()).length;

    const unknown = await command(number, 'mallory', '/frobnicate now');
    expect(unknown).toContain('I do not know `/frobnicate`. The commands are:');
    for (const name of ['/retest', '/approve', '/image-refresh']) expect(unknown).toContain(`\`${name}`);

    const pwned = path.join(stack.stateDir, 'pwned');
    const hostile = await command(
      number,
      'maintainer',
      [
        `/retest $(touch ${pwned}) ;touch${'${IFS}'}${pwned}`,
        `/image-refresh debian-12;touch${'${IFS}'}${pwned}`,
      ].join('\n'),
    );
    expect(hostile).toContain('Nothing was queued.');
    expect(hostile).toMatch(/`debian-12;touch\$\{IFS\}.*` is not an image name/);
    expect(existsSync(pwned)).toBe(false);
    expect((await queuedJobs()).length).toBe(jobsBefore);

    // The bot's own comment, even one that starts with a command, is not read.
    const own = `${BOT_COMMENT_MARKER}\n/retest unit`;
    await stack.github.commentOnPullRequest(repo.owner, repo.name, number, { user: 'developer', body: own });
    const ofOwn = () => planned.find((p) => commentBody(p.delivery) === own)?.result;
    await expect
      .poll(ofOwn, { timeout: 30_000 })
      .toEqual({ kind: 'ignored', reason: 'a comment of our own' });
    expect((await queuedJobs()).length).toBe(jobsBefore);
  });

  it('/image-refresh queues `ironbots image-refresh <image>` on the default branch for agents with kvm', async () => {
    const { number } = await openOwnPullRequest();
    const main = (await stack.forge.listBranches(repo)).find((b) => b.name === 'main')!.sha;

    expect(await command(number, 'mallory', '/image-refresh debian-12')).toMatch(/^Sorry @mallory/m);
    expect((await queuedJobs()).filter((j) => j.context.startsWith('image-refresh/'))).toEqual([]);

    const reply = await command(number, 'maintainer', '/image-refresh debian-12');
    expect(reply).toContain(
      `queued \`image-refresh/debian-12\` on main at ${main.slice(0, 7)}; it runs \`ironbots image-refresh debian-12 --repository acme/widget\``,
    );
    expect(reply).toMatch(/Its log: http:\/\/127\.0\.0\.1:\d+\/logs\/\S+/);
    expect((await queuedJobs()).filter((j) => j.context.startsWith('image-refresh/'))).toEqual([
      {
        context: 'image-refresh/debian-12',
        sha: main,
        // This agent offers no kvm: the job waits for one that does.
        state: 'queued',
        command: ['ironbots', 'image-refresh', 'debian-12', '--repository', 'acme/widget'],
        labels: ['executor:process', 'kvm'],
      },
    ]);
    expect((await latest(main)).get('image-refresh/debian-12')).toMatchObject({
      state: 'pending',
      description: NOT_YET_TESTED,
    });
    // The same again while it waits: nothing more is queued.
    expect(await command(number, 'maintainer', '/image-refresh debian-12')).toContain(
      'is already queued or running',
    );
    expect((await queuedJobs()).filter((j) => j.context.startsWith('image-refresh/')).length).toBe(1);
  });

  it('runs nothing of a fork by an author without write access until a maintainer approves that head; secrets never reach it', async () => {
    const { number, sha, fork } = await openForkPullRequest();
    await waitingForApproval(sha);

    // The author cannot approve (nor retest) their own pull request.
    expect(await command(number, 'mallory', '/approve')).toMatch(/^Sorry @mallory/m);
    expect(await command(number, 'maintainer', '/retest')).toContain(
      `${sha.slice(0, 7)} is from a fork and waits for approval`,
    );
    expect(await queuedJobs()).toEqual([]);

    // A maintainer approves another commit than the head: refused.
    expect(await command(number, 'maintainer', '/approve 0000000')).toContain(
      `the head is ${sha.slice(0, 7)} now, not \`0000000\``,
    );
    const approved = await command(number, 'maintainer', `/approve ${sha.slice(0, 10)}`);
    expect(approved).toContain(`${sha.slice(0, 7)} approved by @maintainer; testing \`flaky\`, \`unit\`.`);
    expect((await latest(sha)).get(APPROVAL_CONTEXT)).toMatchObject({
      state: 'success',
      description: 'Approved by maintainer',
    });
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await finals(sha, 'unit'))[0]!.state).toBe('success');

    // The job's whole environment (base64 in its log, past the log's redaction): no secret of the deployment.
    const viewer = (await latest(sha)).get('unit')!.targetUrl!;
    const log = await (await fetch(viewer.replace(/\.html$/, ''))).text();
    const encoded = log.split('\n').find((l) => /^[A-Za-z0-9+/]{40,}={0,2}$/.test(l))!;
    const environment = Buffer.from(encoded, 'base64').toString('utf8');
    expect(environment).toContain(`IRONBOTS_SHA=${sha}`);
    for (const secret of [stack.apiToken, stack.webhookSecret]) expect(environment).not.toContain(secret);
    const names = environment
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(0, l.indexOf('=')));
    expect(
      names.filter((n) => !/^(IRONBOTS(_\w+)?|PATH|HOME|LANG|TERM|CI|PWD|SHLVL|OLDPWD|_)$/.test(n)),
    ).toEqual([]);

    // A new push needs a new approval: nothing runs at the new head.
    await fork.writeFiles({ 'contribution.txt': { content: 'changed after the approval\n' } });
    const next = await fork.commit('more');
    await fork.push('topic');
    await waitingForApproval(next);
    expect((await latest(next)).has(APPROVAL_CONTEXT)).toBe(false);
    expect(await runs(`unit ${next}`)).toBe(0);

    // The approval label, added by a maintainer, approves the new head.
    await stack.github.labelPullRequest(repo.owner, repo.name, number, 'ok-to-test', 'maintainer');
    await expect.poll(async () => (await finals(next, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await latest(next)).get(APPROVAL_CONTEXT)).toMatchObject({
      state: 'success',
      description: 'Approved by maintainer (ok-to-test)',
    });

    // Another push: the label comes off (the bot takes it), so putting it on again approves that head.
    await fork.writeFiles({ 'contribution.txt': { content: 'changed once more\n' } });
    const third = await fork.commit('once more');
    await fork.push('topic');
    await waitingForApproval(third);
    await expect
      .poll(() => stack.github.pullRequestLabels(repo.owner, repo.name, number), { timeout: 30_000 })
      .toEqual([]);
    expect(await runs(`unit ${third}`)).toBe(0);
    await stack.github.labelPullRequest(repo.owner, repo.name, number, 'ok-to-test', 'maintainer');
    await expect.poll(async () => (await finals(third, 'unit')).length, { timeout: 60_000 }).toBe(1);
  });

  it('keeps waiting when mallory adds the approval label; approves a deleted fork’s head from the base repository', async () => {
    const { number, sha } = await openForkPullRequest();
    await waitingForApproval(sha);
    await stack.github.labelPullRequest(repo.owner, repo.name, number, 'ok-to-test', 'mallory');
    const labeled = () =>
      planned.find((p) => (p.delivery.payload as { action?: string }).action === 'labeled')?.result;
    await expect.poll(labeled, { timeout: 30_000 }).toEqual({
      kind: 'ignored',
      reason: 'the ok-to-test label was added by someone without write access',
    });
    expect(await queuedJobs()).toEqual([]);

    await stack.github.deleteRepository('mallory', repo.name);
    expect((await stack.forge.getPullRequest(repo, number)).headRepositoryDeleted).toBe(true);
    expect(await command(number, 'maintainer', '/retest')).toContain('waits for approval');
    expect(await command(number, 'maintainer', '/approve')).toContain(
      `${sha.slice(0, 7)} approved by @maintainer; testing`,
    );
    // The commits come from the base repository's refs/pull/<n>/head now.
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await finals(sha, 'unit'))[0]!.state).toBe('success');
  });

  it('tests a fork of an author with write access, or on the trusted list, without approval', async () => {
    stack.github.setCollaborator(repo.owner, repo.name, 'mallory', 'maintain');
    const { sha } = await openForkPullRequest();
    await expect.poll(async () => (await finals(sha, 'unit')).length, { timeout: 60_000 }).toBe(1);
    expect((await latest(sha)).has(APPROVAL_CONTEXT)).toBe(false);
  });
});
