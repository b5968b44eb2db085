import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gitCredentialsEnv } from '../../forge/git-credentials.ts';

const execFileAsync = promisify(execFile);

export interface GitCredentials {
  username: string;
  password: string;
}

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

const IDENTITY = { name: 'ironbots translations', email: 'translations@ironbots.invalid' };

/**
 * A clone that the translations action writes to. Credentials travel in an HTTP header through git's
 * environment (GIT_CONFIG_COUNT…), never in a remote URL, so they appear neither in .git/config nor in
 * git's messages; no user or system configuration is read.
 */
export class GitRepository {
  readonly dir: string;
  readonly #env: NodeJS.ProcessEnv;

  private constructor(dir: string, credentials: GitCredentials | null) {
    this.dir = dir;
    const header = gitCredentialsEnv(credentials);
    this.#env = {
      PATH: process.env.PATH,
      HOME: dir,
      LC_ALL: 'C',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: IDENTITY.name,
      GIT_AUTHOR_EMAIL: IDENTITY.email,
      GIT_COMMITTER_NAME: IDENTITY.name,
      GIT_COMMITTER_EMAIL: IDENTITY.email,
      ...header,
    };
  }

  /** A shallow clone of one branch. */
  static async clone(
    url: string,
    dir: string,
    branch: string,
    credentials: GitCredentials | null,
  ): Promise<GitRepository> {
    const repository = new GitRepository(dir, credentials);
    await repository.#run(
      ['clone', '--quiet', '--depth=1', '--single-branch', `--branch=${branch}`, url, dir],
      {
        cwd: undefined,
        what: `clone ${url} (branch ${branch})`,
      },
    );
    return repository;
  }

  async git(...args: string[]): Promise<string> {
    return this.#run(args, { cwd: this.dir, what: args[0]! });
  }

  /** The file's text at HEAD, or null where HEAD has no such file. */
  async fileAtHead(file: string): Promise<string | null> {
    return this.fileAt('HEAD', file);
  }

  /** The file's text at a commit or ref, or null where it has no such file. */
  async fileAt(revision: string, file: string): Promise<string | null> {
    try {
      return await this.git('show', `${revision}:${file}`);
    } catch {
      return null;
    }
  }

  /** Fetches the remote's branch (its newest commit only) to a local ref; false when there is no such branch. */
  async fetchBranch(branch: string, localRef: string): Promise<boolean> {
    try {
      await this.git('fetch', '--quiet', '--depth=1', 'origin', `+refs/heads/${branch}:${localRef}`);
      return true;
    } catch {
      return false;
    }
  }

  /** Staged paths under `under` that differ from the given commit. */
  async stagedPathsDifferingFrom(revision: string, under: string): Promise<string[]> {
    const out = await this.git('diff', '--cached', '--name-only', '-z', revision, '--', under);
    return out.split('\0').filter(Boolean);
  }

  /** Paths that differ from HEAD (added, modified, deleted), relative to the repository's root. */
  async changedPaths(under: string): Promise<string[]> {
    await this.git('add', '--all', '--', under);
    const out = await this.git('diff', '--cached', '--name-only', '-z', 'HEAD', '--', under);
    return out.split('\0').filter(Boolean);
  }

  /** Commits everything staged and returns the new commit's id. */
  async commit(message: string): Promise<string> {
    await this.git('commit', '--quiet', '--no-verify', '-m', message);
    return (await this.git('rev-parse', 'HEAD')).trim();
  }

  async forcePush(branch: string): Promise<void> {
    await this.git('push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`);
  }

  async push(branch: string): Promise<void> {
    await this.git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  }

  async #run(args: string[], options: { cwd: string | undefined; what: string }): Promise<string> {
    try {
      const { stdout } = await execFileAsync('git', args, {
        cwd: options.cwd,
        env: this.#env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const failure = error as { stderr?: string; message: string };
      const text = (failure.stderr || failure.message).trim();
      // With the credentials in a header, git answers a 401 by asking for a username it may not prompt for.
      const refused = /could not read Username|Authentication failed/.test(text)
        ? ' (the server refused the credentials: 401)'
        : '';
      throw new GitError(`git ${options.what} failed${refused}: ${text}`);
    }
  }
}
