import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { silentLogger } from '../../core/logger.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { OutputTail } from '../../runner-agent/src/agent/known-issues.ts';

const repo: RepositoryId = { owner: 'acme', name: 'widget' };

/**
 * Known infrastructure failures on a whole deployment (GitHub emulator, server, agent): a failure whose log
 * matches `.ironbots/known-issues.yml` is run again; one that keeps failing says the issue; a failure that
 * matches nothing is never retried.
 */
describe('known infrastructure failures', () => {
  let stack: LocalStack;
  let sha: string;
  let runs: string;

  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger() });
    runs = path.join(stack.stateDir, 'runs.txt');
    const mark = path.join(stack.stateDir, 'flaked-once');
    const { workingCopy } = await stack.createRepository(repo);
    await workingCopy.writeFiles({
      '.ironbots.yml': {
        content: [
          'contexts:',
          '  flaky-once:',
          `    run: [sh, -c, 'echo flaky-once >>${runs}; if [ -e ${mark} ]; then echo ok; else touch ${mark}; echo "curl: (56) Connection reset by peer"; exit 1; fi']`,
          '  always-flaky:',
          `    run: [sh, -c, 'echo always-flaky >>${runs}; echo "curl: (56) Connection reset by peer"; exit 2']`,
          '  real-failure:',
          `    run: [sh, -c, 'echo real-failure >>${runs}; echo "assertion failed"; exit 1']`,
          '',
        ].join('\n'),
      },
      '.ironbots/known-issues.yml': {
        content: [
          "- pattern: 'Connection reset by peer'",
          '  issue: https://github.com/acme/widget/issues/123',
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

  const history = async (context: string): Promise<CommitStatus[]> =>
    (await stack.forge.listCommitStatusHistory(repo, sha)).filter((s) => s.context === context);
  const final = async (context: string) =>
    (await history(context)).filter((s) => ['success', 'failure', 'error'].includes(s.state));

  it('runs a job whose failure is a known issue again, and it passes', async () => {
    await expect.poll(async () => (await final('flaky-once')).length, { timeout: 90_000 }).toBe(1);
    expect((await final('flaky-once'))[0]!.state).toBe('success');
    expect((await history('flaky-once')).map((s) => s.description)).toContain(
      'Retrying: known issue #123 (attempt 1 of 3)',
    );
  });

  it('names the issue when it keeps failing, after the attempts the queue allows', async () => {
    await expect.poll(async () => (await final('always-flaky')).length, { timeout: 90_000 }).toBe(1);
    const [status] = await final('always-flaky');
    expect(status).toMatchObject({
      state: 'failure',
      description: expect.stringMatching(/^Known issue #123: Failed \(exit code 2\)/),
    });
    const ran = (await readFile(runs, 'utf8')).split('\n').filter((l) => l === 'always-flaky');
    expect(ran).toHaveLength(3);
  });

  it('never retries a failure that matches no known issue', async () => {
    await expect.poll(async () => (await final('real-failure')).length, { timeout: 90_000 }).toBe(1);
    expect((await final('real-failure'))[0]!.description).toMatch(/^Failed \(exit code 1\)/);
    const ran = (await readFile(runs, 'utf8')).split('\n').filter((l) => l === 'real-failure');
    expect(ran).toHaveLength(1);
    expect((await history('real-failure')).map((s) => s.description).join('\n')).not.toContain('Retrying');
  });
});

describe('OutputTail', () => {
  it('keeps the last bytes of a long output, across chunks', () => {
    const tail = new OutputTail(10);
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dd']) tail.push(chunk);
    expect(tail.text()).toBe('bbbbccccdd');
  });

  it('copies what it keeps: a chunk’s buffer may be reused after push', () => {
    const tail = new OutputTail(10);
    const buffer = Buffer.alloc(3);
    for (const word of ['abc', 'def', 'ghi', 'jkl']) {
      buffer.write(word);
      tail.push(buffer);
    }
    buffer.fill('x');
    expect(tail.text()).toBe('cdefghijkl');
    tail.push('0123456789ABCDEF');
    expect(tail.text()).toBe('6789ABCDEF');
    tail.push('!');
    expect(tail.text()).toBe('789ABCDEF!');
  });
});

describe('readKnownIssues', () => {
  it('ignores a file it cannot use, saying why, and reads a good one', async () => {
    const { withTempDir } = await import('../support/temp-dir.ts');
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { readKnownIssues } = await import('../../runner-agent/src/agent/known-issues.ts');
    const tmp = await withTempDir();
    try {
      const problems: string[] = [];
      expect(await readKnownIssues(tmp.dir, (p) => problems.push(p))).toEqual([]);
      expect(problems).toEqual([]);
      await mkdir(path.join(tmp.dir, '.ironbots'));
      const file = path.join(tmp.dir, '.ironbots', 'known-issues.yml');
      for (const [text, why] of [
        ['- pattern: [unclosed', /is not YAML/],
        ['- pattern: x\n  issue: not a url\n', /entry 0\.issue/],
        ["- pattern: '('\n  issue: https://example.org/issues/1\n", /pattern "\(" ignored/],
      ] as const) {
        problems.length = 0;
        await writeFile(file, text);
        expect(await readKnownIssues(tmp.dir, (p) => problems.push(p))).toEqual([]);
        expect(problems.join('\n')).toMatch(why);
      }
      await writeFile(
        file,
        "- pattern: 'ENOSPC'\n  issue: https://gitlab.example.org/a/b/-/issues/7\n  retries: 1\n",
      );
      const [known] = await readKnownIssues(tmp.dir, () => undefined);
      expect(known).toMatchObject({ issue: 'https://gitlab.example.org/a/b/-/issues/7', retries: 1 });
    } finally {
      await tmp.remove();
    }
  });
});
