import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ENTRY_SUFFIX, keyLengthProblem, type CacheStore, type EntryKind } from './cache-store.ts';

/** NAME_MAX on Linux and macOS file systems: a file name of at most 255 bytes. */
const MAX_NAME_BYTES = 255;

/**
 * Archives as `<dir>/<key>.tgz` and squashfs images as `<dir>/<key>.squashfs`, e.g. on a runner's
 * persistent disk or a shared volume.
 */
export class DirectoryStore implements CacheStore {
  readonly description: string;
  readonly kind: EntryKind;
  readonly #dir: string;
  readonly #suffix: string;

  constructor(dir: string, kind: EntryKind = 'archive') {
    this.#dir = path.resolve(dir);
    this.kind = kind;
    this.#suffix = ENTRY_SUFFIX[kind];
    this.description = `directory ${this.#dir}`;
  }

  withKind(kind: EntryKind): DirectoryStore {
    return new DirectoryStore(this.#dir, kind);
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
      if (!name.startsWith(prefix) || !name.endsWith(this.#suffix)) continue;
      const key = name.slice(0, -this.#suffix.length);
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
    return keyLengthProblem(key, MAX_NAME_BYTES - this.#suffix.length, 'bytes', this.description);
  }

  #file(key: string): string {
    return path.join(this.#dir, `${key}${this.#suffix}`);
  }
}
