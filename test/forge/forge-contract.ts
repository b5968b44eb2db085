import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, STATUS_DESCRIPTION_LIMIT, type Forge, type RepositoryId } from '../../forge/forge.ts';
import { ScratchClone } from './scratch-clone.ts';

export interface ForgeContractSubject {
  forge: Forge;
  /** A client of the same server whose token the server does not accept. */
  forgeWithBadToken: Forge;
  seed: {
    /** A repository whose default branch is `main`, with at least one commit. */
    repo: RepositoryId;
    /**
     * Commits the file on `branch` (started from main unless it exists; `main` itself works too), pushes it,
     * and returns the commit id.
     */
    createBranchWithFile(branch: string, path: string, content: string): Promise<string>;
    /**
     * Gives `login` a role on the repository: `write` (GitHub write, GitLab Developer) or `read` (GitHub
     * read, GitLab Reporter).
     */
    grant(login: string, role: 'write' | 'read'): void;
    /** Puts a label on the pull request, as a person does. */
    addLabel(number: number, label: string): Promise<void>;
    /** The pull request's labels now. */
    labels(number: number): string[];
  };
  /**
   * How the forge keeps status history: every post (GitHub), or one record per name that a pending status
   * moves through until it finishes (GitLab).
   */
  statusHistory: 'every-post' | 'record-per-run';
  cleanup(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(
    () => new Error('expected a rejection, but it resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ForgeError);
  return error as ForgeError;
}

/**
 * What every Forge implementation does: the GitHub and GitLab clients against a server over HTTP, and the
 * recording fake the planner and agent tests use. `setup` runs before every test and gets a fresh
 * repository. `servesGit`: whether git can clone and push the repository's clone URL (the fake has none).
 */
export function forgeContract(
  name: string,
  setup: () => Promise<ForgeContractSubject>,
  { servesGit = true }: { servesGit?: boolean } = {},
): void {
  describe(`forge contract: ${name}`, () => {
    let forge: Forge;
    let subject: ForgeContractSubject;
    let repo: RepositoryId;
    let push: ForgeContractSubject['seed']['createBranchWithFile'];

    beforeEach(async () => {
      subject = await setup();
      ({ forge } = subject);
      ({ repo, createBranchWithFile: push } = subject.seed);
    });
    afterEach(async () => subject.cleanup());

    it('describes the repository', async () => {
      const info = await forge.getRepository(repo);
      expect(info).toMatchObject({ owner: repo.owner, name: repo.name, defaultBranch: 'main' });
      expect(info.cloneUrl).toMatch(new RegExp(`^https?://.+/${repo.name}\\.git$`));
      expect(info.htmlUrl).toMatch(/^https?:\/\//);
    });

    it('reports a repository that does not exist as ForgeError 404', async () => {
      const error = await rejection(forge.getRepository({ owner: repo.owner, name: 'no-such-repository' }));
      expect(error.status).toBe(404);
      expect(error.message).toContain('no-such-repository');
    });

    it('opens a pull request from a branch, then gets and lists it', async () => {
      const sha = await push('feature', 'feature.txt', 'new\n');
      const pr = await forge.createPullRequest(repo, {
        title: 'Add feature',
        head: 'feature',
        base: 'main',
        body: 'Details',
      });
      const { cloneUrl } = await forge.getRepository(repo);
      expect(pr).toMatchObject({
        state: 'open',
        title: 'Add feature',
        body: 'Details',
        headSha: sha,
        headRef: 'feature',
        baseRef: 'main',
        headCloneUrl: cloneUrl,
      });
      expect(pr.number).toBeGreaterThan(0);
      expect(pr.author).not.toBe('');
      expect(pr.htmlUrl).toMatch(/^https?:\/\//);
      expect(await forge.getPullRequest(repo, pr.number)).toEqual(pr);

      const second = await push('other', 'other.txt', 'other\n');
      const other = await forge.createPullRequest(repo, { title: 'Other', head: 'other', base: 'main' });
      expect(other.body).toBe('');
      const open = await forge.listOpenPullRequests(repo);
      expect(open.map((p) => [p.number, p.headSha]).sort()).toEqual(
        [
          [pr.number, sha],
          [other.number, second],
        ].sort(),
      );
    });

    it('follows a pull request head to the newest push', async () => {
      await push('feature', 'a.txt', 'a\n');
      const pr = await forge.createPullRequest(repo, { title: 'A', head: 'feature', base: 'main' });
      const newer = await push('feature', 'b.txt', 'b\n');
      await expect.poll(async () => (await forge.getPullRequest(repo, pr.number)).headSha).toBe(newer);
    });

    it('finds the open pull request of a branch, updates its title and body, and closes it', async () => {
      await push('bot-branch', 'a.txt', 'a\n');
      await push('other', 'o.txt', 'o\n');
      expect(await forge.findOpenPullRequest(repo, 'bot-branch')).toBeNull();
      await forge.createPullRequest(repo, { title: 'Other', head: 'other', base: 'main' });
      const pr = await forge.createPullRequest(repo, {
        title: 'Bot',
        head: 'bot-branch',
        base: 'main',
        body: 'v1',
      });
      expect(await forge.findOpenPullRequest(repo, 'bot-branch')).toEqual(pr);

      const updated = await forge.updatePullRequest(repo, pr.number, { title: 'Bot, again', body: 'v2' });
      expect(updated).toMatchObject({ number: pr.number, state: 'open', title: 'Bot, again', body: 'v2' });
      // A field left out stays as it is.
      expect(await forge.updatePullRequest(repo, pr.number, { body: 'v3' })).toMatchObject({
        title: 'Bot, again',
        body: 'v3',
      });

      expect(await forge.closePullRequest(repo, pr.number)).toMatchObject({
        number: pr.number,
        state: 'closed',
      });
      expect(await forge.getPullRequest(repo, pr.number)).toMatchObject({ state: 'closed', body: 'v3' });
      expect(await forge.findOpenPullRequest(repo, 'bot-branch')).toBeNull();
      expect((await forge.listOpenPullRequests(repo)).map((p) => p.headRef)).toEqual(['other']);
      // Closing twice is no error; a pull request that does not exist is a 404.
      expect(await forge.closePullRequest(repo, pr.number)).toMatchObject({ state: 'closed' });
      expect((await rejection(forge.closePullRequest(repo, 999))).status).toBe(404);
      expect((await rejection(forge.updatePullRequest(repo, 999, { body: 'x' }))).status).toBe(404);
    });

    it('refuses a pull request from a branch that does not exist, and reports a missing one as 404', async () => {
      const refused = await rejection(
        forge.createPullRequest(repo, { title: 'x', head: 'no-such-branch', base: 'main' }),
      );
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect((await rejection(forge.getPullRequest(repo, 999))).status).toBe(404);
    });

    it('reads a file at a commit or branch, and null where it does not exist', async () => {
      const main = await push('main', 'config/app.yml', 'on: main\n');
      const other = await push('other', 'config/app.yml', 'on: other — ünïcode ✓\n');
      expect(await forge.getFileContent(repo, 'config/app.yml', main)).toBe('on: main\n');
      expect(await forge.getFileContent(repo, 'config/app.yml', other)).toBe('on: other — ünïcode ✓\n');
      expect(await forge.getFileContent(repo, 'config/app.yml', 'main')).toBe('on: main\n');
      expect(await forge.getFileContent(repo, 'config/app.yml', 'other')).toBe('on: other — ünïcode ✓\n');
      expect(await forge.getFileContent(repo, 'config/missing.yml', main)).toBeNull();
      // A directory is no file.
      expect(await forge.getFileContent(repo, 'config', main)).toBeNull();
      expect(await forge.getFileContent(repo, 'config/app.yml', 'no-such-branch')).toBeNull();
    });

    it('keeps statuses: newest per context, full history oldest first, descriptions cut to 140', async () => {
      const sha = await push('main', 'a.txt', 'a\n');
      expect(await forge.listCommitStatuses(repo, sha)).toEqual([]);
      await forge.setCommitStatus(repo, sha, { state: 'pending', context: 'unit', description: 'Queued' });
      await forge.setCommitStatus(repo, sha, { state: 'pending', context: 'lint', description: 'Queued' });
      const long = 'x'.repeat(200);
      await forge.setCommitStatus(repo, sha, {
        state: 'success',
        context: 'unit',
        description: long,
        targetUrl: 'http://127.0.0.1:1/logs/1',
      });
      await forge.setCommitStatus(repo, sha, { state: 'failure', context: 'lint' });

      const newest = await forge.listCommitStatuses(repo, sha);
      expect(newest.map((s) => [s.context, s.state]).sort()).toEqual([
        ['lint', 'failure'],
        ['unit', 'success'],
      ]);
      const unit = newest.find((s) => s.context === 'unit')!;
      expect(unit.description).toHaveLength(STATUS_DESCRIPTION_LIMIT);
      expect(unit.description).toBe(`${long.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`);
      expect(unit.targetUrl).toBe('http://127.0.0.1:1/logs/1');
      expect(Number.isNaN(Date.parse(unit.createdAt))).toBe(false);

      const history = await forge.listCommitStatusHistory(repo, sha);
      if (subject.statusHistory === 'every-post') {
        expect(history.map((s) => `${s.context}:${s.state}`)).toEqual([
          'unit:pending',
          'lint:pending',
          'unit:success',
          'lint:failure',
        ]);
        expect(history[0]).toMatchObject({ description: 'Queued' });
      } else {
        expect(history.map((s) => `${s.context}:${s.state}`)).toEqual(['unit:success', 'lint:failure']);
        // A finished record is not reopened: the next post of that name starts a new one.
        await forge.setCommitStatus(repo, sha, { state: 'pending', context: 'unit', description: 'Again' });
        const again = await forge.listCommitStatusHistory(repo, sha);
        expect(again.map((s) => `${s.context}:${s.state}`)).toEqual([
          'unit:success',
          'lint:failure',
          'unit:pending',
        ]);
      }
    });

    it('lists every branch with its head commit', async () => {
      const heads = new Map<string, string>();
      for (let i = 0; i < 3; i++) heads.set(`topic-${i}`, await push(`topic-${i}`, `t${i}.txt`, `${i}\n`));
      heads.set('main', await push('main', 'm.txt', 'm\n'));
      const branches = await forge.listBranches(repo);
      expect(new Map(branches.map((b) => [b.name, b.sha]))).toEqual(heads);
      const missing = await rejection(forge.listBranches({ owner: repo.owner, name: 'no-such-repository' }));
      expect(missing.status).toBe(404);
    });

    it('says who has write access: a writer yes; a reader, a stranger and an unknown user no', async () => {
      subject.seed.grant('wendy', 'write');
      subject.seed.grant('rita', 'read');
      expect(await forge.hasWriteAccess(repo, 'wendy')).toBe(true);
      expect(await forge.hasWriteAccess(repo, 'rita')).toBe(false);
      expect(await forge.hasWriteAccess(repo, 'no-such-user-anywhere')).toBe(false);
    });

    it('takes a label off a pull request, the others left on; one it does not have is no error', async () => {
      await push('feature', 'f.txt', 'f\n');
      const pr = await forge.createPullRequest(repo, { title: 'x', head: 'feature', base: 'main' });
      await subject.seed.addLabel(pr.number, 'ok-to-test');
      await subject.seed.addLabel(pr.number, 'bug');
      await forge.removePullRequestLabel(repo, pr.number, 'ok-to-test');
      expect(subject.seed.labels(pr.number)).toEqual(['bug']);
      await expect(forge.removePullRequestLabel(repo, pr.number, 'ok-to-test')).resolves.toBeUndefined();
      expect(subject.seed.labels(pr.number)).toEqual(['bug']);
    });

    it('comments on a pull request and lists its comments, oldest first, and reports a missing one as 404', async () => {
      await push('feature', 'f.txt', 'f\n');
      const pr = await forge.createPullRequest(repo, { title: 'x', head: 'feature', base: 'main' });
      expect(await forge.listIssueComments(repo, pr.number)).toEqual([]);
      await expect(forge.createIssueComment(repo, pr.number, 'Tests passed ✓')).resolves.toBeUndefined();
      await forge.createIssueComment(repo, pr.number, 'second\n<!-- hidden -->');
      const comments = await forge.listIssueComments(repo, pr.number);
      expect(comments.map((c) => c.body)).toEqual(['Tests passed ✓', 'second\n<!-- hidden -->']);
      expect(comments.every((c) => c.author.length > 0)).toBe(true);
      expect((await rejection(forge.createIssueComment(repo, 999, 'nobody reads this'))).status).toBe(404);
      expect((await rejection(forge.listIssueComments(repo, 999))).status).toBe(404);
    });

    it('opens an issue, finds it by its exact title among open issues only, updates and closes it', async () => {
      const title = 'container-refresh: ci image failed';
      expect(await forge.findOpenIssue(repo, title)).toBeNull();
      // A pull request and an issue whose title only contains the wanted one must not be found.
      await push('feature', 'f.txt', 'f\n');
      await forge.createPullRequest(repo, { title, head: 'feature', base: 'main' });
      await forge.createIssue(repo, { title: `${title} (old)`, body: 'other' });
      const issue = await forge.createIssue(repo, { title, body: 'log excerpt 1', labels: ['ci-failure'] });
      expect(issue).toMatchObject({ state: 'open', title, body: 'log excerpt 1', labels: ['ci-failure'] });
      expect(issue.htmlUrl).toMatch(/^https?:\/\//);
      expect(await forge.findOpenIssue(repo, title)).toEqual(issue);

      const updated = await forge.updateIssue(repo, issue.number, { body: 'log excerpt 2' });
      expect(updated).toMatchObject({ number: issue.number, title, body: 'log excerpt 2', state: 'open' });
      expect((await forge.findOpenIssue(repo, title))?.body).toBe('log excerpt 2');

      expect(await forge.closeIssue(repo, issue.number)).toMatchObject({
        number: issue.number,
        state: 'closed',
      });
      expect((await forge.closeIssue(repo, issue.number)).state).toBe('closed');
      expect(await forge.findOpenIssue(repo, title)).toBeNull();
      const next = await forge.createIssue(repo, { title, body: 'again' });
      expect(next.number).not.toBe(issue.number);
      expect((await forge.findOpenIssue(repo, title))?.number).toBe(next.number);
    });

    it('reports a missing issue as 404 and refuses an issue without a title', async () => {
      expect((await rejection(forge.updateIssue(repo, 999, { body: 'x' }))).status).toBe(404);
      expect((await rejection(forge.closeIssue(repo, 999))).status).toBe(404);
      const error = await rejection(forge.createIssue(repo, { title: '', body: 'x' }));
      expect([400, 422]).toContain(error.status);
    });

    it('refuses a bad token with ForgeError 401, without quoting any token', async () => {
      const error = await rejection(subject.forgeWithBadToken.getRepository(repo));
      expect(error.status).toBe(401);
      const { password } = subject.forgeWithBadToken.gitCredentials() ?? { password: 'unused' };
      expect(error.message).not.toContain(password);
      // Names the request (each forge spells the repository its own way in URLs).
      expect(error.message).toContain(repo.name);
    });

    it('hands out git credentials that are not part of the clone URL', async () => {
      const credentials = forge.gitCredentials();
      expect(credentials).not.toBeNull();
      expect(credentials!.username).not.toBe('');
      expect(credentials!.password).not.toBe('');
      const { cloneUrl } = await forge.getRepository(repo);
      expect(cloneUrl).not.toContain(credentials!.password);
    });

    it.runIf(servesGit)('hands out git credentials that push to the clone URL', async () => {
      const credentials = forge.gitCredentials();
      const { cloneUrl } = await forge.getRepository(repo);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-contract-'));
      try {
        const clone = await ScratchClone.clone(path.join(dir, 'clone'), cloneUrl, credentials);
        await clone.git('checkout', '--quiet', '-b', 'pushed-with-credentials');
        const sha = await clone.commitFile('pushed.txt', 'pushed\n');
        await clone.push('pushed-with-credentials');
        expect(await forge.getFileContent(repo, 'pushed.txt', sha)).toBe('pushed\n');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
