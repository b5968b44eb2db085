import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError, type Forge, type RepositoryId } from '../../forge/forge.ts';

export interface ForgeUnderTest {
  forge: Forge;
  /** A forge client for the same server with a token it does not accept. */
  forgeWithBadToken: Forge;
  repo: RepositoryId;
  /** Pushes a commit with the file to the branch (creating it from main) and returns the commit id. */
  commitFile(branch: string, path: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** What every Forge implementation must do (GitHub today, GitLab next), against a real server. */
export function forgeContract(name: string, setup: () => Promise<ForgeUnderTest>): void {
  describe(`forge contract: ${name}`, () => {
    let t: ForgeUnderTest;
    beforeEach(async () => {
      t = await setup();
    });
    afterEach(async () => t.cleanup());

    it('describes the repository', async () => {
      const repo = await t.forge.getRepository(t.repo);
      expect(repo).toMatchObject({ owner: t.repo.owner, name: t.repo.name, defaultBranch: 'main' });
      expect(repo.cloneUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.git$/);
    });

    it('opens, gets and lists pull requests', async () => {
      const sha = await t.commitFile('feature', 'feature.txt', 'new\n');
      const pr = await t.forge.createPullRequest(t.repo, {
        title: 'Add feature',
        head: 'feature',
        base: 'main',
        body: 'Details',
      });
      expect(pr).toMatchObject({
        state: 'open',
        title: 'Add feature',
        body: 'Details',
        headSha: sha,
        headRef: 'feature',
        baseRef: 'main',
      });
      expect(await t.forge.getPullRequest(t.repo, pr.number)).toEqual(pr);
      expect((await t.forge.listOpenPullRequests(t.repo)).map((p) => p.number)).toEqual([pr.number]);
    });

    it('reads a file at a ref, and null where it does not exist', async () => {
      const main = await t.commitFile('main', 'config.yml', 'on: main\n');
      const branch = await t.commitFile('other', 'config.yml', 'on: other — ünïcode\n');
      expect(await t.forge.getFileContent(t.repo, 'config.yml', main)).toBe('on: main\n');
      expect(await t.forge.getFileContent(t.repo, 'config.yml', branch)).toBe('on: other — ünïcode\n');
      expect(await t.forge.getFileContent(t.repo, 'missing.yml', main)).toBeNull();
    });

    it('keeps statuses: newest per context, full history in order, descriptions cut to 140', async () => {
      const sha = await t.commitFile('main', 'a.txt', 'a\n');
      await t.forge.setCommitStatus(t.repo, sha, {
        state: 'pending',
        context: 'unit',
        description: 'Not yet tested',
      });
      await t.forge.setCommitStatus(t.repo, sha, {
        state: 'pending',
        context: 'lint',
        description: 'Not yet tested',
      });
      await t.forge.setCommitStatus(t.repo, sha, {
        state: 'success',
        context: 'unit',
        description: 'x'.repeat(200),
        targetUrl: 'http://127.0.0.1:1/logs/1',
      });
      const newest = await t.forge.listCommitStatuses(t.repo, sha);
      expect(newest.map((s) => [s.context, s.state]).sort()).toEqual([
        ['lint', 'pending'],
        ['unit', 'success'],
      ]);
      const unit = newest.find((s) => s.context === 'unit')!;
      expect(unit.description).toHaveLength(140);
      expect(unit.targetUrl).toBe('http://127.0.0.1:1/logs/1');
      const history = await t.forge.listCommitStatusHistory(t.repo, sha);
      expect(history.map((s) => `${s.context}:${s.state}`)).toEqual([
        'unit:pending',
        'lint:pending',
        'unit:success',
      ]);
    });

    it('comments on a pull request', async () => {
      await t.commitFile('feature', 'f.txt', 'f\n');
      const pr = await t.forge.createPullRequest(t.repo, { title: 'x', head: 'feature', base: 'main' });
      await expect(t.forge.createIssueComment(t.repo, pr.number, 'Tests passed')).resolves.toBeUndefined();
    });

    it('reports a missing thing as ForgeError 404 and a bad token as ForgeError 401', async () => {
      const notFound = await t.forge.getPullRequest(t.repo, 999).catch((e: unknown) => e);
      expect(notFound).toBeInstanceOf(ForgeError);
      expect((notFound as ForgeError).status).toBe(404);
      const unauthorized = await t.forgeWithBadToken.getRepository(t.repo).catch((e: unknown) => e);
      expect(unauthorized).toBeInstanceOf(ForgeError);
      expect((unauthorized as ForgeError).status).toBe(401);
      expect((unauthorized as Error).message).not.toContain('wrong-token');
    });
  });
}
