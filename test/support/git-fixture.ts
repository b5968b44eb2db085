import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** git with no user or system configuration, and a fixed author: what every test repository is made with. */
export const GIT_ENV = {
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

/** A bare repository with one commit holding `files`; returns its file:// URL and the commit id. */
export async function bareRepositoryWith(
  dir: string,
  files: Record<string, { content: string; executable?: boolean }>,
): Promise<{ url: string; sha: string }> {
  const work = path.join(dir, 'work');
  const bare = path.join(dir, 'repo.git');
  await mkdir(work, { recursive: true });
  const git = (cwd: string, ...args: string[]) => run('git', ['-C', cwd, ...args], { env: GIT_ENV });
  await run('git', ['init', '--quiet', '--initial-branch', 'main', work], { env: GIT_ENV });
  for (const [name, file] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, name)), { recursive: true });
    await writeFile(path.join(work, name), file.content);
    if (file.executable) await chmod(path.join(work, name), 0o755);
  }
  await git(work, 'add', '--all');
  await git(work, 'commit', '--quiet', '-m', 'fixture');
  const sha = (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
  await run('git', ['clone', '--quiet', '--bare', work, bare], { env: GIT_ENV });
  return { url: `file://${bare}`, sha };
}
