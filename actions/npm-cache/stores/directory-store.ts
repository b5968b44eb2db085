import { constants } from 'node:fs';
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CacheStore } from './cache-store.ts';

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

  #file(key: string): string {
    return path.join(this.#dir, `${key}.tgz`);
  }
}
