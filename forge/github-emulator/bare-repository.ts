import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  LANG: 'C.UTF-8',
};

/** Anything git might read as an option, or a revision with shell-ish or control characters, is refused. */
function safeRevision(value: string): boolean {
  if (value.length === 0 || value.startsWith('-') || [...value].some((c) => c.charCodeAt(0) < 0x20))
    return false;
  return !/[\s~^:?*[\\]|\.\./.test(value.replace(/\^\{commit\}$/, ''));
}

export type TreeEntry = { type: 'blob' | 'tree' | 'commit'; sha: string; path: string; size: number | null };

/** A bare git repository on disk, read with git itself (argv only, never a shell). */
export class BareRepository {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async create(defaultBranch: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.#git('init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, '.');
    // Push over smart HTTP, and fetching any commit by id, as GitHub allows.
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
    if (!safeRevision(ref)) return null;
    try {
      return (await this.#git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`)).trim() || null;
    } catch {
      return null;
    }
  }

  async branches(): Promise<Map<string, string>> {
    const out = await this.#git('for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads');
    return new Map(
      out
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ') as [string, string]),
    );
  }

  async updateRef(ref: string, sha: string): Promise<void> {
    await this.#git('update-ref', ref, sha);
  }

  /** A file's bytes and blob id at a commit, a directory listing, or null when the path does not exist. */
  async readPath(
    commit: string,
    path: string,
  ): Promise<{ kind: 'file'; content: Buffer; sha: string } | { kind: 'dir'; entries: TreeEntry[] } | null> {
    const clean = path.replace(/^\/+|\/+$/g, '');
    if (clean.split('/').some((part) => part === '..' || part.startsWith('-'))) return null;
    const spec = `${commit}:${clean}`;
    let type: string;
    try {
      type = (await this.#git('cat-file', '-t', spec)).trim();
    } catch {
      return null;
    }
    if (type === 'blob') {
      const sha = (await this.#git('rev-parse', spec)).trim();
      const content = await new Promise<Buffer>((resolve, reject) => {
        const child = spawn('git', ['cat-file', 'blob', sha], { cwd: this.dir, env: GIT_ENV });
        const chunks: Buffer[] = [];
        child.stdout.on('data', (c: Buffer) => chunks.push(c));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`git cat-file exited ${code}`)),
        );
      });
      return { kind: 'file', content, sha };
    }
    if (type !== 'tree') return null;
    const listing = await this.#git('ls-tree', '-l', spec);
    const entries = listing
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta, name] = line.split('\t') as [string, string];
        const [, kind, sha, size] = meta.split(/\s+/) as [string, TreeEntry['type'], string, string];
        return {
          type: kind,
          sha,
          path: clean ? `${clean}/${name}` : name,
          size: size === '-' ? null : Number(size),
        };
      });
    return { kind: 'dir', entries };
  }
}
