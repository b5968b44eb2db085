import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIT_ENV } from '../../emulators/github/bare-repository.ts';
import { GitObjectReader } from '../../emulators/github/git-object-reader.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);

/** The emulators' object reader (one `git cat-file --batch` for many reads) against a real repository. */
describe('GitObjectReader', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let repo: string;
  const git = async (...args: string[]) =>
    (
      await run('git', args, {
        cwd: repo,
        env: {
          ...GIT_ENV,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      })
    ).stdout.trim();
  /** A commit of `files` (name → bytes) on `main`. */
  const commit = async (files: Record<string, Buffer>) => {
    for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(repo, name), bytes);
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'files');
    return git('rev-parse', 'HEAD');
  };

  beforeAll(async () => {
    tmp = await withTempDir();
    repo = tmp.dir;
    await git('init', '--quiet', '--initial-branch=main', '.');
  });
  afterAll(() => tmp.remove());

  it('reads blobs (a large one in many pipe reads), trees and commits by name, in the order asked', async () => {
    const large = randomBytes(3 * 1024 * 1024);
    const small = Buffer.from('hello\n');
    const sha = await commit({ 'large.bin': large, 'small.txt': small });
    const reader = new GitObjectReader(repo, GIT_ENV);
    try {
      const [a, b, c, d] = await Promise.all([
        reader.read(`${sha}:large.bin`),
        reader.read(`${sha}:small.txt`),
        reader.read(`${sha}^{commit}`),
        reader.read(`${sha}:`),
      ]);
      expect(a?.type).toBe('blob');
      expect(a?.content.equals(large)).toBe(true);
      expect(a?.sha).toBe(await git('rev-parse', `${sha}:large.bin`));
      expect(b).toMatchObject({ type: 'blob', content: small });
      expect(c).toMatchObject({ type: 'commit', sha });
      expect(d?.type).toBe('tree');
    } finally {
      reader.close();
    }
  });

  it('answers null for what names nothing or holds a line break, and goes on answering', async () => {
    const sha = await commit({ 'a.txt': Buffer.from('a') });
    const reader = new GitObjectReader(repo, GIT_ENV);
    try {
      expect(await reader.read(`${sha}:no-such-file`)).toBeNull();
      expect(await reader.read('0'.repeat(40))).toBeNull();
      // A second line would be a second question, answered to the wrong caller.
      expect(await reader.read(`${sha}:a.txt\n${sha}:a.txt`)).toBeNull();
      expect((await reader.read(`${sha}:a.txt`))?.content.toString()).toBe('a');
    } finally {
      reader.close();
    }
  });

  it('finds commits made after its process started, and starts a process again after close', async () => {
    const reader = new GitObjectReader(repo, GIT_ENV);
    try {
      const first = await commit({ 'b.txt': Buffer.from('one') });
      expect((await reader.read(`${first}:b.txt`))?.content.toString()).toBe('one');
      const second = await commit({ 'b.txt': Buffer.from('two') });
      // Packed, as a push over HTTP leaves them: git looks for packs that came since.
      await git('repack', '-a', '-d', '--quiet');
      expect((await reader.read(`${second}:b.txt`))?.content.toString()).toBe('two');
      reader.close();
      expect((await reader.read(`${first}:b.txt`))?.content.toString()).toBe('one');
    } finally {
      reader.close();
    }
  });
});
