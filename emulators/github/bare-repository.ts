import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { GitObjectReader } from './git-object-reader.ts';

const run = promisify(execFile);

/** git sees neither the user's nor the system's configuration: the emulator behaves the same everywhere. */
export const GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LANG: 'C.UTF-8',
};

/** Anything git might read as an option, or a revision with special or control characters, is refused. */
function safeRevision(value: string): boolean {
  if (value.length === 0 || value.startsWith('-') || [...value].some((c) => c.charCodeAt(0) < 0x20))
    return false;
  return !/[\s~^:?*[\\]|\.\.|@\{/.test(value);
}

export type TreeEntry = { type: 'blob' | 'tree' | 'commit'; sha: string; path: string; size: number | null };

export interface CommitInfo {
  id: string;
  treeId: string;
  parents: string[];
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
}

/** What is remembered of a commit's tree: a path's answer at one commit never changes. */
const PATH_CACHE_ENTRIES = 1024;
const PATH_CACHE_MAX_BYTES = 64 * 1024;
/** An object's full id (SHA-1). */
const OBJECT_ID = /^[0-9a-f]{40}$/;
/** Commits whose details are remembered (a scan's status posts ask for each head's). */
const COMMIT_CACHE_ENTRIES = 4096;

type PathAnswer =
  { kind: 'file'; content: Buffer; sha: string } | { kind: 'dir'; entries: TreeEntry[] } | null;

/**
 * A bare git repository on disk, read with git itself (argv only, never a shell). Objects are immutable, so
 * commit ids once verified and what a path holds at a commit are remembered instead of asked again: a
 * scan of hundreds of pull requests would otherwise start several git processes for each.
 */
export class BareRepository {
  readonly dir: string;
  readonly #commits = new Set<string>();
  readonly #paths = new Map<string, PathAnswer>();
  readonly #commitInfo = new Map<string, CommitInfo>();
  /** Objects by id, through one git process rather than one each. */
  readonly #objects: GitObjectReader;

  constructor(dir: string) {
    this.dir = dir;
    this.#objects = new GitObjectReader(dir, GIT_ENV);
  }

  /** Ends the git process that reads objects (one starts again when needed). */
  close(): void {
    this.#objects.close();
  }

  async create(defaultBranch: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.#git('init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, '.');
    // Pushes over smart HTTP (force pushes and deletions included), and fetching any commit by id, as on GitHub.
    await this.#git('config', 'http.receivepack', 'true');
    await this.#git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    await this.#git('config', 'receive.denyNonFastForwards', 'false');
  }

  async #git(...args: string[]): Promise<string> {
    const { stdout } = await run('git', args, { cwd: this.dir, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  /** The commit a branch, tag or commit id names, or null. */
  async resolveCommit(ref: string): Promise<string | null> {
    if (this.#commits.has(ref)) return ref;
    if (!safeRevision(ref)) return null;
    if (OBJECT_ID.test(ref)) {
      // A commit id (or a tag's) names the same commit forever; a branch or tag name does not.
      const commit = (await this.#objects.read(`${ref}^{commit}`))?.sha ?? null;
      if (commit === ref) this.#commits.add(commit);
      return commit;
    }
    try {
      return (await this.#git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`)).trim() || null;
    } catch {
      return null;
    }
  }

  /** Branch name → commit id. */
  async branches(): Promise<Map<string, string>> {
    const refs = await this.refs();
    return new Map(
      [...refs]
        .filter(([ref]) => ref.startsWith('refs/heads/'))
        .map(([ref, sha]) => [ref.slice('refs/heads/'.length), sha]),
    );
  }

  /** Full ref name → object id, for branches and tags: what a push can change. */
  async refs(): Promise<Map<string, string>> {
    const out = await this.#git(
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      'refs/heads',
      'refs/tags',
    );
    return new Map(
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const space = line.indexOf(' ');
          return [line.slice(space + 1), line.slice(0, space)] as [string, string];
        }),
    );
  }

  /**
   * Fetches from another repository on this disk (a fork's commits into its parent, or the reverse): refspecs,
   * or options and commit ids.
   */
  async fetchFrom(dir: string, args: string[]): Promise<void> {
    await this.#git('fetch', '--quiet', '--no-tags', dir, ...args);
  }

  async updateRef(ref: string, sha: string): Promise<void> {
    await this.#git('update-ref', ref, sha);
  }

  /** How many commits `head` has that `base` does not (GitHub refuses a pull request with none). */
  async countCommitsBetween(base: string, head: string): Promise<number> {
    return Number((await this.#git('rev-list', '--count', `${base}..${head}`)).trim());
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.#git('merge-base', '--is-ancestor', ancestor, descendant);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The commits a push brought, oldest first, at most `limit` (GitHub's push payload lists 20): those
   * reachable from `after` but from none of `exclude` (the branch's old tip, or every ref for a new branch).
   */
  async commitsBetween(after: string, exclude: string[], limit = 20): Promise<CommitInfo[]> {
    const out = await this.#git(
      'log',
      `--max-count=${limit}`,
      COMMIT_FORMAT,
      after,
      '--not',
      ...exclude,
      '--',
    );
    return parseCommits(out).reverse();
  }

  /** The best common ancestor of two commits, or null when they have none. */
  async mergeBase(a: string, b: string): Promise<string | null> {
    try {
      return (await this.#git('merge-base', a, b)).trim() || null;
    } catch {
      return null;
    }
  }

  /** One commit, or null when `sha` names none. */
  async commit(sha: string): Promise<CommitInfo | null> {
    const known = this.#commitInfo.get(sha);
    if (known) return known;
    if (!safeRevision(sha)) return null;
    try {
      const info =
        parseCommits(await this.#git('log', '-1', COMMIT_FORMAT, `${sha}^{commit}`, '--'))[0] ?? null;
      // Asked by its id, a commit's answer never changes (a branch name's does).
      if (info && info.id === sha) {
        if (this.#commitInfo.size >= COMMIT_CACHE_ENTRIES) this.#commitInfo.clear();
        this.#commitInfo.set(sha, info);
      }
      return info;
    } catch {
      return null;
    }
  }

  /**
   * What a pull request changes, as GitHub counts it: the diff from the merge base of `base` and `head` to
   * `head` (lines added and deleted, files changed).
   */
  async diffStat(
    base: string,
    head: string,
  ): Promise<{ additions: number; deletions: number; files: number }> {
    const out = await this.#git('diff', '--numstat', '-z', `${base}...${head}`, '--');
    let additions = 0;
    let deletions = 0;
    let files = 0;
    for (const line of out.split('\0')) {
      const match = /^(\d+|-)\t(\d+|-)\t/.exec(line);
      if (!match) continue;
      files++;
      additions += Number(match[1]) || 0;
      deletions += Number(match[2]) || 0;
    }
    return { additions, deletions, files };
  }

  /** A blob's bytes by id, or null when there is no such blob. */
  async readBlob(sha: string): Promise<Buffer | null> {
    if (!OBJECT_ID.test(sha)) return null;
    const object = await this.#objects.read(sha);
    return object?.type === 'blob' ? object.content : null;
  }

  /**
   * A file's bytes and blob id at a commit (a resolved commit id), a directory listing, or null when the path
   * does not exist.
   */
  async readPath(commit: string, path: string): Promise<PathAnswer> {
    const key = `${commit}:${path}`;
    if (this.#paths.has(key)) return this.#paths.get(key)!;
    const answer = await this.#readPath(commit, path);
    if (!(answer?.kind === 'file' && answer.content.length > PATH_CACHE_MAX_BYTES)) {
      this.#paths.set(key, answer);
      if (this.#paths.size > PATH_CACHE_ENTRIES) this.#paths.delete(this.#paths.keys().next().value!);
    }
    return answer;
  }

  async #readPath(commit: string, path: string): Promise<PathAnswer> {
    const clean = path.replace(/^\/+|\/+$/g, '');
    if (clean.split('/').some((part) => part === '..' || part === '.')) return null;
    const spec = `${commit}:${clean}`;
    const object = await this.#objects.read(spec);
    if (object?.type === 'blob') return { kind: 'file', content: object.content, sha: object.sha };
    if (object?.type !== 'tree') return null;
    // `commit` is a resolved id, so the spec cannot be read as an option.
    const listing = await this.#git('ls-tree', '-l', '-z', spec);
    const entries = listing
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const name = line.slice(tab + 1);
        const [, kind, entrySha, size] = line.slice(0, tab).split(/\s+/) as [
          string,
          TreeEntry['type'],
          string,
          string,
        ];
        return {
          type: kind,
          sha: entrySha,
          path: clean ? `${clean}/${name}` : name,
          size: size === '-' ? null : Number(size),
        };
      });
    return { kind: 'dir', entries };
  }
}

const COMMIT_FORMAT = '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%cI%x00%B%x1e';

/** `git log` output in COMMIT_FORMAT, newest first as git lists it. */
function parseCommits(out: string): CommitInfo[] {
  return out
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [id, treeId, parents, an, ae, cn, ce, timestamp, message] = record.split('\0') as string[];
      return {
        id: id!,
        treeId: treeId!,
        parents: parents ? parents.split(' ') : [],
        message: (message ?? '').replace(/\n+$/, ''),
        timestamp: timestamp!,
        author: { name: an!, email: ae! },
        committer: { name: cn!, email: ce! },
      };
    });
}
