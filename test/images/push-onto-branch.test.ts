import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushOntoBranch } from '../../runner-agent/src/images/image-refresh.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const ENV = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'someone',
  GIT_AUTHOR_EMAIL: 'someone@example.com',
  GIT_COMMITTER_NAME: 'someone',
  GIT_COMMITTER_EMAIL: 'someone@example.com',
};

describe('pushOntoBranch (real git, a bare repository as the remote)', () => {
  // A bare repository with branch `topic`, and a working copy that pushes to it as somebody else would.
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let remote: string;
  let other: string;
  const git = async (dir: string, ...args: string[]) =>
    (await run('git', ['-C', dir, ...args], { env: ENV })).stdout.trim();
  /** Somebody else pushes a commit onto `topic`. */
  const pushElsewhere = async (file: string) => {
    await writeFile(path.join(other, file), `${file}\n`);
    await git(other, 'add', file);
    await git(other, 'commit', '--quiet', '-m', file);
    await git(other, 'push', '--quiet', 'origin', 'HEAD:refs/heads/topic');
    return git(other, 'rev-parse', 'HEAD');
  };

  beforeEach(async () => {
    tmp = await withTempDir('ironbots-push-');
    remote = path.join(tmp.dir, 'remote.git');
    other = path.join(tmp.dir, 'other');
    await run('git', ['init', '--quiet', '--bare', remote], { env: ENV });
    await run('git', ['init', '--quiet', '-b', 'topic', other], { env: ENV });
    await git(other, 'remote', 'add', 'origin', remote);
    await pushElsewhere('first.txt');
  });
  afterEach(async () => tmp.remove());

  const commitFile =
    (dir: string, file: string, before?: () => Promise<unknown>) =>
    async (g: (...args: string[]) => Promise<string>) => {
      await writeFile(path.join(dir, file), 'ours\n');
      await g('add', '--', file);
      await g('commit', '--quiet', '-m', file);
      await before?.();
      return true;
    };

  it('commits again on the new head when the branch moved between fetch and push', async () => {
    const dir = path.join(tmp.dir, 'work');
    const lines: string[] = [];
    let moved: string | null = null;
    let changes = 0;
    const commit = await pushOntoBranch({
      dir,
      url: remote,
      branch: 'topic',
      credentials: null,
      io: { log: (line) => lines.push(line) },
      change: (g) => {
        changes++;
        // The first time, somebody pushes right after our fetch.
        return commitFile(dir, 'images.txt', async () => {
          moved ??= await pushElsewhere('theirs.txt');
        })(g);
      },
    });
    expect(changes).toBe(2);
    expect(lines).toEqual(['topic moved on meanwhile; committing again on its new head']);
    expect(await git(remote, 'rev-parse', 'topic')).toBe(commit);
    expect(await git(remote, 'rev-parse', `${commit}^`)).toBe(moved);
    expect((await git(remote, 'ls-tree', '--name-only', 'topic')).split('\n')).toEqual([
      'first.txt',
      'images.txt',
      'theirs.txt',
    ]);
  });

  it('fails clearly when the branch keeps moving, and pushes nothing when there is nothing to commit', async () => {
    const dir = path.join(tmp.dir, 'work');
    let n = 0;
    await expect(
      pushOntoBranch({
        dir,
        url: remote,
        branch: 'topic',
        credentials: null,
        io: { log: () => undefined },
        attempts: 2,
        change: commitFile(dir, 'images.txt', () => pushElsewhere(`theirs-${++n}.txt`)),
      }),
    ).rejects.toThrow('topic kept moving while pushing onto it; gave up after 2 attempts');
    const head = await git(remote, 'rev-parse', 'topic');
    expect(await git(remote, 'log', '--format=%s', 'topic')).toBe('theirs-2.txt\ntheirs-1.txt\nfirst.txt');

    const nothing = await pushOntoBranch({
      dir: path.join(tmp.dir, 'again'),
      url: remote,
      branch: 'topic',
      credentials: null,
      io: { log: () => undefined },
      change: async (_g, at) => {
        expect(at).toBe(head);
        return false;
      },
    });
    expect(nothing).toBeNull();
    expect(await git(remote, 'rev-parse', 'topic')).toBe(head);
  });
});
