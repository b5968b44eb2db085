import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import type { RepositoryId } from '../../forge/forge.ts';
import { FilesystemImageStore } from '../../runner-agent/src/images/filesystem-image-store.ts';
import { refreshImage } from '../../runner-agent/src/images/image-refresh.ts';
import type { Job } from '../../runner-agent/src/jobs/job.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { BOT_COMMENT_MARKER } from '../../runner-agent/src/planner/comment-commands.ts';
import type { PlanResult } from '../../runner-agent/src/planner/planner.ts';
import type { WebhookDelivery } from '../../runner-agent/src/webhooks/delivery.ts';
import { QemuImgBuilder } from '../images/qemu-img-builder.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };
const FULL = 'acme/widget';

const BODY = [
  'Refreshes two images.',
  '',
  '- [ ] image-refresh debian-12',
  '* [ ] image-refresh fedora-40',
  '- [x] image-refresh arch',
  '- [ ] write the release notes',
  '',
  '```',
  '- [ ] image-refresh in-a-fence',
  '```',
  '',
].join('\r\n');

/** What differs between the forges for these tests: people, pull requests, their descriptions and replies. */
interface ForgeSide {
  kind: 'github' | 'gitlab';
  /** Gives `maintainer` write access (GitHub write, GitLab Developer); `mallory` has none. */
  grant(stack: LocalStack): void;
  /** Opens a pull request as `user` from `branch` of the repository or, with `fork`, of mallory's fork. */
  open(
    stack: LocalStack,
    pr: { user: string; branch: string; body: string; fork?: boolean },
  ): Promise<{ number: number }>;
  /** `user` edits the description. */
  edit(stack: LocalStack, number: number, body: string, user: string): Promise<void>;
  /** The bot's comments on the pull request. */
  replies(stack: LocalStack, number: number): string[];
  /** mallory's fork of the repository. */
  fork(stack: LocalStack): Promise<string>;
}

const sides: ForgeSide[] = [
  {
    kind: 'github',
    grant: (stack) => stack.github.setCollaborator(repo.owner, repo.name, 'maintainer', 'write'),
    open: async (stack, pr) =>
      stack.github.openPullRequest(repo.owner, repo.name, {
        title: 'images',
        head: pr.fork ? `mallory:${pr.branch}` : pr.branch,
        base: 'main',
        body: pr.body,
        user: pr.user,
      }),
    edit: (stack, number, body, user) =>
      stack.github.editPullRequestBody(repo.owner, repo.name, number, body, user),
    replies: (stack, number) =>
      stack.github
        .comments(repo.owner, repo.name, number)
        .filter((c) => c.user === 'developer')
        .map((c) => c.body),
    fork: async (stack) => {
      await stack.github.forkRepository(repo.owner, repo.name, 'mallory');
      return stack.github.cloneUrl('mallory', repo.name);
    },
  },
  {
    kind: 'gitlab',
    grant: (stack) => stack.gitlab.addMember(FULL, 'maintainer', 30),
    open: async (stack, pr) => {
      const { iid } = await stack.gitlab.openMergeRequest(FULL, {
        title: 'images',
        sourceBranch: pr.branch,
        targetBranch: 'main',
        description: pr.body,
        author: pr.user,
        ...(pr.fork ? { sourceProject: 'mallory/widget' } : {}),
      });
      return { number: iid };
    },
    edit: (stack, number, body, user) => stack.gitlab.editMergeRequestDescription(FULL, number, body, user),
    replies: (stack, number) =>
      stack.gitlab
        .notes(FULL, number)
        .filter((n) => n.user === 'developer')
        .map((n) => n.body),
    fork: async (stack) => {
      await stack.gitlab.forkProject(FULL, 'mallory');
      return `${stack.gitlab.url}/mallory/widget.git`;
    },
  },
];

describe.each(sides)('task boxes in the description ($kind)', (side) => {
  let stack: LocalStack;
  let planned: { delivery: WebhookDelivery; result: PlanResult }[];

  beforeEach(async () => {
    planned = [];
    stack = await LocalStack.start({
      logger: silentLogger(),
      forge: side.kind,
      onPlanned: (delivery, result) => planned.push({ delivery, result }),
    });
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({ 'README.md': { content: 'widget\n' } });
    await workingCopy.commit('main');
    await workingCopy.push('main');
    side.grant(stack);
  });
  afterEach(async () => stack?.stop());

  /** A branch with one commit of its own, pushed to `cloneUrl` (the repository, or a fork). */
  const pushBranch = async (branch: string, cloneUrl?: string) => {
    const copy = new GitWorkingCopy(
      path.join(stack.stateDir, `copy-${branch}`),
      stack.forge.gitCredentials()!,
    );
    const repository = await stack.forge.getRepository(repo);
    await copy.init(cloneUrl ?? repository.cloneUrl);
    if (cloneUrl) await copy.git('fetch', repository.cloneUrl, 'main');
    else await copy.git('fetch', 'origin', 'main');
    await copy.git('checkout', '-B', branch, 'FETCH_HEAD');
    await copy.writeFiles({ [`${branch}.txt`]: { content: `${branch}\n` } });
    await copy.commit(branch);
    await copy.push(branch);
    return copy;
  };

  const taskJobs = async () =>
    (await stack.jobs.list({ limit: 100 }))
      .filter((m) => m.message.payload.context.startsWith('image-refresh/'))
      .map((m) => ({ id: m.message.id, state: m.state, job: m.message.payload }))
      .reverse();
  /** Every delivery so far is planned, and the planner is done with it. */
  const settled = async () => {
    await stack.emulator.idle();
    await expect
      .poll(async () => (await stack.events.stats()).queued + (await stack.events.stats()).leased, {
        timeout: 30_000,
      })
      .toBe(0);
  };
  const resultsOf = (kind: string) => planned.filter((p) => p.result.kind === kind).map((p) => p.result);

  /** Runs a queued task job as an agent with kvm would: its argv, here with a quick image builder. */
  const runJob = async (job: Job, megabytes = 64) => {
    const [, , image, , repository, , number] = job.command;
    expect(job.command).toEqual([
      'ironbots',
      'image-refresh',
      image,
      '--repository',
      FULL,
      '--pull-request',
      number,
    ]);
    expect(repository).toBe(FULL);
    const workDir = path.join(stack.stateDir, `refresh-${Math.random().toString(36).slice(2)}`);
    await mkdir(workDir);
    const lines: string[] = [];
    const result = await refreshImage({
      name: image!,
      builder: new QemuImgBuilder({ megabytes }),
      store: new FilesystemImageStore({ dir: path.join(stack.stateDir, 'store') }),
      forge: stack.forge,
      repo,
      pullRequest: Number(number),
      workDir,
      io: { log: (line) => lines.push(line) },
    });
    return { result, lines };
  };

  it('queues one job per unchecked box, commits onto the branch and ticks exactly that box; nothing twice', async () => {
    await pushBranch('topic');
    const { number } = await side.open(stack, { user: 'maintainer', branch: 'topic', body: BODY });
    await settled();
    const main = (await stack.forge.listBranches(repo)).find((b) => b.name === 'main')!.sha;
    const opened = await stack.forge.getPullRequest(repo, number);

    const jobs = await taskJobs();
    expect(jobs.map((j) => [j.job.context, j.state, j.job.command.join(' ')])).toEqual([
      [
        'image-refresh/debian-12',
        'queued',
        `ironbots image-refresh debian-12 --repository acme/widget --pull-request ${number}`,
      ],
      [
        'image-refresh/fedora-40',
        'queued',
        `ironbots image-refresh fedora-40 --repository acme/widget --pull-request ${number}`,
      ],
    ]);
    // The status goes on the pull request's head; the default branch is what runs (never the PR's code).
    expect(jobs[0]!.job).toMatchObject({
      sha: opened.headSha,
      checkout: { sha: main },
      labels: ['kvm'],
      executor: 'process',
    });
    expect(jobs[0]!.job.pullRequest).toBeUndefined();
    // Queued boxes say so on the head at once, before any agent takes them.
    const statusesOf = async (sha: string) =>
      (await stack.forge.listCommitStatuses(repo, sha))
        .filter((s) => s.context.startsWith('image-refresh/'))
        .map((s) => [s.context, s.state, s.description])
        .sort();
    expect(await statusesOf(opened.headSha)).toEqual([
      ['image-refresh/debian-12', 'pending', 'Not yet tested'],
      ['image-refresh/fedora-40', 'pending', 'Not yet tested'],
    ]);
    const [reply] = side.replies(stack, number);
    expect(reply!.startsWith(BOT_COMMENT_MARKER)).toBe(true);
    expect(reply).toContain('`image-refresh debian-12`: queued `image-refresh/debian-12`');
    expect(reply).toContain('commits images/fedora-40 to topic and ticks the box');

    // The job: a commit on the pull request's branch, then the box ticked, every other byte as it was.
    const { result } = await runJob(jobs[0]!.job);
    expect(result).toMatchObject({ kind: 'task-done', ticked: true });
    if (result.kind !== 'task-done') return;
    const after = await stack.forge.getPullRequest(repo, number);
    expect(after.headSha).toBe(result.commit);
    expect(after.headRef).toBe('topic');
    expect(await stack.forge.getFileContent(repo, 'images/debian-12', after.headSha)).toBe(
      `${result.blob}\n`,
    );
    expect(await stack.forge.getFileContent(repo, 'topic.txt', after.headSha)).toBe('topic\n');
    expect(after.body).toBe(BODY.replace('- [ ] image-refresh debian-12', '- [x] image-refresh debian-12'));

    // The push (a new head) and the tick (an edit) are planned; a scan and a redelivery of the opening too:
    // nothing is queued again, and the bot's own edit is not answered.
    await settled();
    await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    const openedDelivery = planned.find((p) => {
      const payload = p.delivery.payload as { action?: string; object_attributes?: { action?: string } };
      return payload.action === 'opened' || payload.object_attributes?.action === 'open';
    })!;
    await stack.server.planner.handleDelivery(openedDelivery.delivery);
    await stack.server.planner.handleDelivery(openedDelivery.delivery);
    await settled();
    expect((await taskJobs()).length).toBe(2);
    // The job's push made a new head: no box says "Not yet tested" there (no job would settle it).
    expect(await statusesOf(after.headSha)).toEqual([]);
    expect(side.replies(stack, number)).toHaveLength(1);
    expect(
      planned.some((p) => p.result.kind === 'ignored' && p.result.reason === 'the edit asks for no task'),
    ).toBe(true);

    // The other box, whose image is already on the branch by now: nothing to push, the box ticked still.
    const fedora = await runJob(jobs[1]!.job);
    expect(fedora.result).toMatchObject({ kind: 'task-done', ticked: true });
    const again = await runJob({ ...jobs[1]!.job });
    expect(again.result).toMatchObject({ kind: 'task-done', commit: null, ticked: false });
    expect(again.lines.some((l) => l.includes('already uses'))).toBe(true);
    const final = await stack.forge.getPullRequest(repo, number);
    expect(final.body).toBe(
      BODY.replace('- [ ] image-refresh debian-12', '- [x] image-refresh debian-12').replace(
        '* [ ] image-refresh fedora-40',
        '* [x] image-refresh fedora-40',
      ),
    );
    expect(final.headSha).toBe(fedora.result.kind === 'task-done' ? fedora.result.commit : null);
  });

  it('runs a box again when a maintainer unticks it, once its job ended; not while it is queued', async () => {
    await pushBranch('topic');
    const body = '- [ ] image-refresh debian-12\n';
    const { number } = await side.open(stack, { user: 'maintainer', branch: 'topic', body });
    await settled();
    const [first] = await taskJobs();
    await runJob(first!.job);
    await settled();
    expect((await stack.forge.getPullRequest(repo, number)).body).toBe('- [x] image-refresh debian-12\n');

    // Unticked while its job is still queued: already queued, nothing more.
    await side.edit(stack, number, body, 'maintainer');
    await settled();
    expect(side.replies(stack, number).at(-1)).toContain(
      'is already queued or running for this pull request',
    );
    expect((await taskJobs()).length).toBe(1);

    // An agent with kvm took it and finished; unticked again, it runs again (once, however often delivered).
    const lease = await stack.jobs.lease(
      { name: 'kvm-agent', labels: ['kvm', 'executor:process'] },
      { visibilityTimeoutMs: 60_000 },
    );
    expect(lease?.message.id).toBe(first!.id);
    await stack.jobs.ack(lease!);
    await side.edit(stack, number, '- [x] image-refresh debian-12\n', 'maintainer');
    await side.edit(stack, number, body, 'maintainer');
    await settled();
    const jobs = await taskJobs();
    expect(jobs.map((j) => [j.job.context, j.state])).toEqual([
      ['image-refresh/debian-12', 'done'],
      ['image-refresh/debian-12', 'queued'],
    ]);
    expect(side.replies(stack, number).at(-1)).toContain('queued `image-refresh/debian-12`');
    const edit = planned.filter((p) => p.result.kind === 'tasks').at(-1)!;
    await stack.server.planner.handleDelivery(edit.delivery);
    await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    expect((await taskJobs()).length).toBe(2);

    // The same build again: the branch names its blob already, so nothing is pushed, and the box is ticked.
    const head = (await stack.forge.getPullRequest(repo, number)).headSha;
    const rerun = await runJob(jobs[1]!.job);
    expect(rerun.result).toMatchObject({ kind: 'task-done', commit: null, ticked: true });
    expect(await stack.forge.getPullRequest(repo, number)).toMatchObject({
      headSha: head,
      body: '- [x] image-refresh debian-12\n',
    });
  });

  it('runs nothing for an author or an editor without write access, nor for a fork; says why, once', async () => {
    // mallory's pull request from a branch of the repository.
    await pushBranch('mallorys');
    const byMallory = await side.open(stack, { user: 'mallory', branch: 'mallorys', body: BODY });
    await settled();
    expect(await taskJobs()).toEqual([]);
    expect(side.replies(stack, byMallory.number)).toEqual([
      expect.stringMatching(
        /^<!-- ironbots -->\n<!-- ironbots: reply to (github|gitlab):[\w.:-]+ -->\nSorry @mallory, only pull requests of people with write access to acme\/widget \(and their edits\) run tasks like `image-refresh debian-12`, `image-refresh fedora-40`, so nothing was run\.$/,
      ),
    ]);

    // A pull request from mallory's fork: the bot never pushes there.
    const forkUrl = await side.fork(stack);
    await pushBranch('forked', forkUrl);
    const fromFork = await side.open(stack, { user: 'mallory', branch: 'forked', body: BODY, fork: true });
    await settled();
    await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    await settled();
    expect(await taskJobs()).toEqual([]);
    expect(side.replies(stack, fromFork.number)).toEqual([
      expect.stringContaining(
        '`image-refresh debian-12`, `image-refresh fedora-40`: the branch of this pull request is not in acme/widget, and I push only to branches of acme/widget',
      ),
    ]);
    // The job itself refuses such a pull request too, before building anything.
    const builder = new QemuImgBuilder({ megabytes: 64 });
    await expect(
      refreshImage({
        name: 'debian-12',
        builder,
        store: new FilesystemImageStore({ dir: path.join(stack.stateDir, 'store') }),
        forge: stack.forge,
        repo,
        pullRequest: fromFork.number,
        workDir: stack.stateDir,
        io: { log: () => undefined },
      }),
    ).rejects.toThrow(/is from a branch outside acme\/widget/);
    expect(builder.builds).toBe(0);

    // mallory adds a box to the maintainer's pull request. (The forges let only the author and people with
    // write access edit a description; the emulators let anyone, so that the edit's check is seen.)
    await pushBranch('topic');
    const { number } = await side.open(stack, {
      user: 'maintainer',
      branch: 'topic',
      body: 'Nothing to do.',
    });
    await settled();
    await side.edit(stack, number, 'Nothing to do.\n- [ ] image-refresh debian-12', 'mallory');
    await settled();
    expect(await taskJobs()).toEqual([]);
    expect(side.replies(stack, number)).toEqual([
      expect.stringContaining('Sorry @mallory, only pull requests'),
    ]);
  });

  it('leaves ticked boxes, fenced ones and other tasks alone; answers an invalid image name', async () => {
    await pushBranch('topic');
    const { number } = await side.open(stack, {
      user: 'maintainer',
      branch: 'topic',
      body: '- [x] image-refresh debian-12\n```\n- [ ] image-refresh fedora-40\n```\n- [ ] image-refresh\n- [ ] image-refresh Debian;rm -rf /\n',
    });
    await settled();
    expect(await taskJobs()).toEqual([]);
    const replies = side.replies(stack, number);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('`- [ ] image-refresh`: the task `image-refresh` takes one image name');
    expect(replies[0]).toContain('`- [ ] image-refresh Debian;rm -rf /`: the task');
    expect(resultsOf('tasks')).toEqual([]);
  });
});
