import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LANG: 'C.UTF-8',
};

const OBJECT_ID = /^[0-9a-f]{40}$/;

/** What GitLab's hook payloads tell about a commit. */
export interface CommitInfo {
  id: string;
  message: string;
  title: string;
  timestamp: string;
  authorName: string;
  authorEmail: string;
  added: string[];
  modified: string[];
  removed: string[];
}

/**
 * Reads of a bare repository that BareRepository does not offer, needed for GitLab's payloads and status
 * refs. Only commit ids (checked) reach git's argv, never a name a client chose.
 */
export class GitCommits {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async #git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.#dir, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  /** Branch names whose history holds the commit, in ref order. */
  async branchesContaining(sha: string): Promise<string[]> {
    if (!OBJECT_ID.test(sha)) return [];
    const out = await this.#git(
      'for-each-ref',
      '--format=%(refname:short)',
      `--contains=${sha}`,
      'refs/heads',
    );
    return out.split('\n').filter(Boolean);
  }

  /** Commits reachable from `head` but from none of `exclude`, oldest first. */
  async newCommits(head: string, exclude: string[]): Promise<string[]> {
    const ids = [head, ...exclude];
    if (!ids.every((id) => OBJECT_ID.test(id))) throw new Error('not a commit id');
    const out = await this.#git('rev-list', '--reverse', head, ...exclude.map((id) => `^${id}`));
    return out.split('\n').filter(Boolean);
  }

  /** Message, author and changed paths of each commit, in the order asked. */
  async describe(shas: string[]): Promise<CommitInfo[]> {
    if (shas.length === 0) return [];
    if (!shas.every((id) => OBJECT_ID.test(id))) throw new Error('not a commit id');
    // One record per commit: RS, then NUL-separated fields, then `--name-status` lines after the last NUL.
    const out = await this.#git(
      'log',
      '--no-walk=unsorted',
      '--no-renames',
      '--name-status',
      '--format=%x1e%H%x00%an%x00%ae%x00%aI%x00%B%x00',
      ...shas,
    );
    return out
      .split('\x1e')
      .slice(1)
      .map((record) => {
        const [id, authorName, authorEmail, timestamp, message, changes] = record.split('\0') as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        const info: CommitInfo = {
          id,
          message,
          title: message.split('\n')[0] ?? '',
          timestamp,
          authorName,
          authorEmail,
          added: [],
          modified: [],
          removed: [],
        };
        for (const line of changes.split('\n').filter(Boolean)) {
          const [kind, file] = line.split('\t') as [string, string];
          if (kind === 'A') info.added.push(file);
          else if (kind === 'D') info.removed.push(file);
          else info.modified.push(file);
        }
        return info;
      });
  }
}
