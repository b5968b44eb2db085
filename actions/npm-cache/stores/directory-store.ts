import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { keyLengthProblem, type CacheStore } from './cache-store.ts';

const SUFFIX = '.tgz';
/** NAME_MAX on Linux and macOS file systems: a file name of at most 255 bytes. */
const MAX_NAME_BYTES = 255;

/**
 * Archives as `<dir>/<key>.tgz`, e.g. on a runner's persistent disk or a shared volume. The name predates
 * zstd and stays, so earlier gzip entries are still found; the file's first bytes say its format.
 */
export class DirectoryStore implements CacheStore {
  readonly description: string;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = path.resolve(dir);
    this.description = `directory ${this.#dir}`;
  }

  async fetch(key: string, file: string): Promise<boolean> {
    try {
      await copyFile(this.#file(key), file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async store(key: string, file: string): Promise<boolean> {
    await mkdir(this.#dir, { recursive: true });
    // Copy aside, then link into place: link() fails on an existing name, so two jobs saving the same key
    // at once cannot leave a half-written archive under it, and the first one wins.
    const partial = `${this.#file(key)}.${process.pid}.${Date.now()}.partial`;
    try {
      await copyFile(file, partial, constants.COPYFILE_EXCL);
      await link(partial, this.#file(key));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await rm(partial, { force: true });
    }
  }

  /** Newest by modification time (when the archive was written); a half-written `.partial` is no entry. */
  async findLatest(prefix: string): Promise<string | undefined> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let newest: { key: string; mtimeMs: number } | undefined;
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) continue;
      const key = name.slice(0, -SUFFIX.length);
      const mtimeMs = await stat(path.join(this.#dir, name)).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (mtimeMs === undefined) continue;
      if (!newest || mtimeMs > newest.mtimeMs || (mtimeMs === newest.mtimeMs && key > newest.key))
        newest = { key, mtimeMs };
    }
    return newest?.key;
  }

  keyProblem(key: string): string | undefined {
    if (key.includes('/') || key.includes('\\') || key.includes('\0'))
      return `"${key}" holds a path separator, which a file name in ${this.description} cannot`;
    return keyLengthProblem(key, MAX_NAME_BYTES - SUFFIX.length, 'bytes', this.description);
  }

  #file(key: string): string {
    return path.join(this.#dir, `${key}${SUFFIX}`);
  }
}
