import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gitCredentialsEnv } from '../../forge/git-credentials.ts';

const run = promisify(execFile);

/**
 * A working copy that talks to a forge with real git over HTTP. Credentials travel as an HTTP header set
 * through git's environment (GIT_CONFIG_COUNT…), never in the remote URL; no user or system git config
 * is read, and commits get a fixed identity.
 */
export class ScratchClone {
  readonly dir: string;
  readonly defaultBranch: string;
  readonly #env: NodeJS.ProcessEnv;

  private constructor(dir: string, defaultBranch: string, credentials: GitCredentials | null) {
    this.dir = dir;
    this.defaultBranch = defaultBranch;
    this.#env = gitEnv(dir, credentials);
  }

  /** A new repository whose first commit (a README) is pushed to `remoteUrl` as `defaultBranch`. */
  static async initAndPush(
    dir: string,
    remoteUrl: string,
    credentials: GitCredentials | null,
    defaultBranch = 'main',
  ): Promise<ScratchClone> {
    const clone = new ScratchClone(dir, defaultBranch, credentials);
    await mkdir(dir, { recursive: true });
    await run('git', ['init', '--quiet', `--initial-branch=${defaultBranch}`, dir], { env: clone.#env });
    await clone.git('remote', 'add', 'origin', remoteUrl);
    await clone.commitFile('README.md', '# scratch\n');
    await clone.git('push', '--quiet', 'origin', `HEAD:refs/heads/${defaultBranch}`);
    return clone;
  }

  static async clone(
    dir: string,
    remoteUrl: string,
    credentials: GitCredentials | null,
    defaultBranch = 'main',
  ): Promise<ScratchClone> {
    const clone = new ScratchClone(dir, defaultBranch, credentials);
    await run('git', ['clone', '--quiet', remoteUrl, dir], { env: clone.#env });
    return clone;
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', ['-C', this.dir, ...args], { env: this.#env });
    return stdout.trim();
  }

  /** Writes and commits one file on the current branch; returns the commit id. */
  async commitFile(file: string, content: string, message = `change ${file}`): Promise<string> {
    await mkdir(path.dirname(path.join(this.dir, file)), { recursive: true });
    await writeFile(path.join(this.dir, file), content);
    await this.git('add', '--', file);
    await this.git('commit', '--quiet', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /**
   * Commits the file on `branch` (started from the default branch when the remote has no such branch yet),
   * pushes it and returns the commit id.
   */
  async createBranchWithFile(branch: string, file: string, content: string): Promise<string> {
    await this.git('fetch', '--quiet', 'origin');
    const remoteBranches = await this.git('branch', '--remotes', '--format=%(refname:short)');
    const start = remoteBranches.split('\n').includes(`origin/${branch}`) ? branch : this.defaultBranch;
    await this.git('checkout', '--quiet', '-B', branch, `origin/${start}`);
    const sha = await this.commitFile(file, content);
    await this.push(branch);
    return sha;
  }

  async push(branch: string, ...options: string[]): Promise<void> {
    await this.git('push', '--quiet', ...options, 'origin', `HEAD:refs/heads/${branch}`);
  }
}

export interface GitCredentials {
  username: string;
  password: string;
}

/** git's environment: isolated from any local configuration, credentials as an Authorization header. */
export function gitEnv(home: string, credentials: GitCredentials | null): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Forge Test',
    GIT_AUTHOR_EMAIL: 'forge-test@example.invalid',
    GIT_COMMITTER_NAME: 'Forge Test',
    GIT_COMMITTER_EMAIL: 'forge-test@example.invalid',
    ...gitCredentialsEnv(credentials),
  };
}
