import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gitCredentialsEnv } from '../../../forge/git-credentials.ts';

const run = promisify(execFile);

/**
 * A scratch git working copy that pushes to a forge over HTTPS with a token: what a developer's clone does.
 * The token travels in an HTTP header through git's environment, never in the remote URL.
 */
export class GitWorkingCopy {
  readonly dir: string;
  readonly #env: NodeJS.ProcessEnv;

  constructor(dir: string, credentials: { username: string; password: string }) {
    this.dir = dir;
    this.#env = {
      PATH: process.env.PATH,
      HOME: dir,
      LANG: 'C.UTF-8',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'ironbots demo',
      GIT_AUTHOR_EMAIL: 'demo@ironbots.invalid',
      GIT_COMMITTER_NAME: 'ironbots demo',
      GIT_COMMITTER_EMAIL: 'demo@ironbots.invalid',
      ...gitCredentialsEnv(credentials),
    };
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', ['-C', this.dir, ...args], { env: this.#env });
    return stdout.trim();
  }

  async init(remoteUrl: string, branch = 'main'): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await run('git', ['init', '--quiet', '--initial-branch', branch, this.dir], { env: this.#env });
    await this.git('remote', 'add', 'origin', remoteUrl);
  }

  async writeFiles(files: Record<string, { content: string; executable?: boolean }>): Promise<void> {
    for (const [name, file] of Object.entries(files)) {
      const target = path.join(this.dir, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
      if (file.executable) await chmod(target, 0o755);
    }
  }

  /** Commits everything and returns the new commit id. */
  async commit(message: string, extraArgs: string[] = []): Promise<string> {
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '-m', message, ...extraArgs);
    return this.git('rev-parse', 'HEAD');
  }

  async push(branch: string): Promise<void> {
    await this.git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  }

  async checkoutNewBranch(branch: string): Promise<void> {
    await this.git('checkout', '--quiet', '-b', branch);
  }
}
