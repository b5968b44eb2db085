import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { CONFIG_CONTEXT, NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { DEMO_FILES_MAIN } from '../../runner-agent/src/local/demo-project.ts';
import { followStatuses, runLocalDemo } from '../../runner-agent/src/local/local-demo.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { silentLogger } from '../../core/logger.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const podmanWorks =
  spawnSync('podman', ['--version']).status === 0 && spawnSync('busybox', ['true']).status === 0;
if (!podmanWorks)
  console.warn('skipping the podman demo: podman or busybox-static is not installed (bash dev/run setup)');

async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ironbots local', () => {
  it('takes a PR from "Not yet tested" through "In progress" to success, with a log URL that serves the log', async () => {
    const lines: string[] = [];
    const result = await runLocalDemo({
      keep: true,
      timeoutSeconds: 120,
      print: (l) => lines.push(l),
      logger: silentLogger(),
    });
    try {
      expect(result.reason).toBeUndefined();
      expect(result.ok).toBe(true);
      for (const context of ['unit', 'lint']) {
        const mine = lines.filter((l) => l.trimStart().startsWith(`${context} `));
        expect(
          mine.map((l) =>
            l
              .trim()
              .split(/\s{2,}/)
              .slice(1, 3),
          ),
        ).toEqual([
          ['pending', NOT_YET_TESTED],
          ['pending', 'In progress [local-agent]'],
          ['success', expect.stringMatching(/^Passed in .* \[local-agent\]$/)],
        ]);
      }
      const viewerUrl = result.statuses.find((s) => s.context === 'unit')!.targetUrl!;
      expect(viewerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/logs\/.+\.html$/);
      const logUrl = viewerUrl.replace(/\.html$/, '');
      const res = await fetch(logUrl);
      expect(res.status).toBe(200);
      const log = await res.text();
      expect(log).toContain('ok 1 - VERSION 1.1 is major.minor');
      expect(log).toContain('ok 2 - no agent secrets in the environment');
    } finally {
      await result.stop();
    }
  });

  it('does the same with a merge request on the GitLab emulator (--forge gitlab)', async () => {
    const lines: string[] = [];
    const result = await runLocalDemo({
      keep: false,
      timeoutSeconds: 120,
      print: (l) => lines.push(l),
      logger: silentLogger(),
      forge: 'gitlab',
    });
    expect(result.reason).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(lines.join('\n')).toMatch(/webhooks: http:\/\/127\.0\.0\.1:\d+\/webhooks\/gitlab/);
    expect(result.urls.pullRequest).toMatch(/\/-\/merge_requests\/1$/);
    expect(result.statuses.map((s) => [s.context, s.state]).sort()).toEqual([
      ['lint', 'success'],
      ['unit', 'success'],
    ]);
  });

  it.skipIf(!podmanWorks)('runs the contexts in podman containers with --executor podman', async () => {
    const result = await runLocalDemo({
      keep: true,
      timeoutSeconds: 120,
      print: () => undefined,
      logger: silentLogger(),
      executor: 'podman',
    });
    try {
      expect(result.reason).toBeUndefined();
      const viewerUrl = result.statuses.find((s) => s.context === 'unit')!.targetUrl!;
      const log = await (await fetch(viewerUrl.replace(/\.html$/, ''))).text();
      expect(log).toContain('with the podman executor');
      expect(log).toContain('ok 2 - no agent secrets in the environment');
    } finally {
      await result.stop();
    }
  });

  it('runs as the `ironbots local` command and exits 0 on success', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), 'local'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toMatch(/opened PR #1/);
    expect(out).toMatch(
      /unit\s+pending\s+In progress \[local-agent\]\s+log: http:\/\/127\.0\.0\.1:\d+\/logs\//,
    );
    expect(out).toMatch(/PR succeeded: /);
    expect(code).toBe(0);
  });
});

describe('the full loop on the local stack', () => {
  let stack: LocalStack;
  const repo: RepositoryId = { owner: 'acme', name: 'widget' };

  beforeEach(async () => {
    stack = await LocalStack.start({ logger: silentLogger(), supersededPollMs: 200 });
  });
  afterEach(async () => stack.stop());

  async function openPullRequest(
    mainFiles: Record<string, { content: string; executable?: boolean }>,
    branchFiles: Record<string, { content: string }>,
  ) {
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles(mainFiles);
    await workingCopy.commit('main');
    await workingCopy.push('main');
    await workingCopy.checkoutNewBranch('topic');
    await workingCopy.writeFiles(branchFiles);
    const sha = await workingCopy.commit('change');
    await workingCopy.push('topic');
    const pr = await stack.forge.createPullRequest(repo, { title: 'change', head: 'topic', base: 'main' });
    return { sha, pr, workingCopy };
  }

  const newest = async (sha: string, context: string): Promise<CommitStatus | undefined> =>
    (await stack.forge.listCommitStatuses(repo, sha)).find((s) => s.context === context);

  it('reports a broken .ironbots.yml on the PR as an error naming line and field, and runs nothing', async () => {
    const { sha } = await openPullRequest(DEMO_FILES_MAIN, {
      '.ironbots.yml': { content: 'contexts:\n  unit:\n    run: ./test/unit.sh\n' },
    });
    const status = await waitFor(() => newest(sha, CONFIG_CONTEXT), 'the config error status');
    expect(status).toMatchObject({
      state: 'error',
      description: expect.stringMatching(/^\.ironbots\.yml line 3: contexts\.unit\.run: /),
    });
    expect(await stack.jobs.stats()).toMatchObject({ queued: 0, leased: 0, done: 0 });
  });

  it('ignores a redelivered webhook: the same delivery id queues no second job', async () => {
    const { sha } = await openPullRequest(DEMO_FILES_MAIN, { VERSION: { content: '2.0\n' } });
    const final = await followStatuses(stack.forge, repo, sha, ['unit', 'lint'], 60_000, () => undefined);
    expect(final.map((s) => s.state)).toEqual(['success', 'success']);
    // The agent acks just after posting the final status.
    const before = await waitFor(async () => {
      const stats = await stack.jobs.stats();
      return stats.leased === 0 && stats.queued === 0 ? stats : undefined;
    }, 'the jobs to be acked');
    const delivery = stack.github.deliveries().find((d) => d.event === 'pull_request')!;
    await stack.github.redeliver(delivery.id);
    await stack.github.idle();
    expect(
      stack.github
        .deliveries()
        .filter((d) => d.id === delivery.id)
        .map((d) => d.status),
    ).toEqual([202, 200]);
    expect(await stack.jobs.stats()).toEqual(before);
  });

  it('recovers a PR whose webhook was lost when the scanner re-reads the forge', async () => {
    // The repository exists but its webhook points nowhere: the PR event is lost.
    await stack.github.createRepository(repo.owner, repo.name, { defaultBranch: 'main' });
    const { workingCopy } = await stack.createRepositoryCopyWithoutWebhook(repo);
    await workingCopy.writeFiles(DEMO_FILES_MAIN);
    await workingCopy.commit('main');
    await workingCopy.push('main');
    await workingCopy.checkoutNewBranch('topic');
    const sha = await workingCopy.commit('empty change', ['--allow-empty']);
    await workingCopy.push('topic');
    await stack.forge.createPullRequest(repo, { title: 'change', head: 'topic', base: 'main' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await stack.forge.listCommitStatuses(repo, sha)).toEqual([]);

    const results = await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    expect([...results.values()][0]).toMatchObject({ kind: 'planned' });
    const final = await followStatuses(stack.forge, repo, sha, ['unit', 'lint'], 60_000, () => undefined);
    expect(final.map((s) => s.state)).toEqual(['success', 'success']);
    // A second scan finds nothing to do.
    const again = await stack.server.planner.scanRepository(await stack.forge.getRepository(repo));
    expect([...again.values()][0]).toMatchObject({ kind: 'planned', jobs: [], skipped: ['unit', 'lint'] });
  });

  it('cancels the running job of a PR that gets a new push, and tests the new head', async () => {
    const slow = {
      ...DEMO_FILES_MAIN,
      '.ironbots.yml': {
        content:
          'contexts:\n  slow:\n    run: [sh, -c, "sleep 1; test ! -f STOP || sleep 60"]\n    timeout: 120\n',
      },
    };
    const { sha, workingCopy } = await openPullRequest(slow, { STOP: { content: 'wait\n' } });
    await waitFor(
      async () => (await newest(sha, 'slow'))?.description?.startsWith('In progress'),
      'the first job to start',
    );
    await workingCopy.git('rm', '--quiet', 'STOP');
    const newSha = await workingCopy.commit('go');
    await workingCopy.push('topic');
    const cancelled = await waitFor(async () => {
      const s = await newest(sha, 'slow');
      return s?.state === 'error' ? s : undefined;
    }, 'the old job to be cancelled');
    expect(cancelled.description).toMatch(/^Cancelled: by ironbots \(superseded by [0-9a-f]{7}\)/);
    const final = await followStatuses(stack.forge, repo, newSha, ['slow'], 60_000, () => undefined);
    expect(final[0]).toMatchObject({ state: 'success' });
  });
});
