import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import * as cache from '@actions/cache';
import { ENTRY_SUFFIX, keyLengthProblem, type CacheStore, type EntryKind } from './cache-store.ts';

/** What @actions/cache accepts as a key (it throws a ValidationError on more). */
const MAX_KEY_CHARACTERS = 512;

/**
 * The GitHub Actions cache service, through @actions/cache (which picks the v2 Twirp service when the runner
 * sets ACTIONS_CACHE_SERVICE_V2, else v1). The toolkit caches paths, not files, and puts the paths into the
 * entry's version, so an entry always travels as the same relative path under the workspace: one path for
 * archives, another for squashfs images, which keeps the two kinds apart (a lookup of one never matches
 * the other's version). Images' keys also end in .squashfs, for whoever reads the repository's cache list.
 */
export const STAGED_ENTRY: Readonly<Record<EntryKind, string>> = {
  archive: '.ironbots-npm-cache/node_modules.tgz',
  squashfs: '.ironbots-npm-cache/node_modules.squashfs',
};

export class ActionsCacheStore implements CacheStore {
  readonly description = 'GitHub Actions cache';
  readonly kind: EntryKind;
  readonly #path: string;
  /** What the service's key has beyond ours. */
  readonly #suffix: string;

  constructor(kind: EntryKind = 'archive') {
    this.kind = kind;
    this.#path = STAGED_ENTRY[kind];
    this.#suffix = kind === 'archive' ? '' : ENTRY_SUFFIX[kind];
  }

  withKind(kind: EntryKind): ActionsCacheStore {
    return new ActionsCacheStore(kind);
  }

  async fetch(key: string, file: string): Promise<boolean> {
    const staged = this.#staged();
    await rm(staged, { force: true });
    // restoreCache turns service and download errors into a warning and a miss, which is what we want too.
    const matched = await cache.restoreCache([this.#path], key + this.#suffix);
    try {
      if (matched !== key + this.#suffix) return false;
      await copyFile(staged, file);
      return true;
    } finally {
      await rm(path.dirname(staged), { recursive: true, force: true });
    }
  }

  async store(key: string, file: string): Promise<boolean> {
    const staged = this.#staged();
    await mkdir(path.dirname(staged), { recursive: true });
    await copyFile(file, staged);
    try {
      // -1: the service refused the key (someone saved it first) or the upload failed, as the toolkit logged.
      return (await cache.saveCache([this.#path], key + this.#suffix)) !== -1;
    } finally {
      await rm(path.dirname(staged), { recursive: true, force: true });
    }
  }

  /**
   * The service's own restore-key match (newest entry with the prefix, within this path's version), asked
   * with lookupOnly: nothing is downloaded until the caller fetches the key it chose.
   */
  async findLatest(prefix: string): Promise<string | undefined> {
    this.#staged();
    const found = await cache.restoreCache([this.#path], prefix, [prefix], { lookupOnly: true });
    // The version keeps other kinds out; an image's key still has its suffix to lose.
    return found?.endsWith(this.#suffix) ? found.slice(0, found.length - this.#suffix.length) : found;
  }

  keyProblem(key: string): string | undefined {
    if (key.includes(',')) return `"${key}" holds a comma, which the GitHub Actions cache does not take`;
    return keyLengthProblem(key, MAX_KEY_CHARACTERS - this.#suffix.length, 'characters', this.description);
  }

  /**
   * @actions/cache globs the path from the working directory but tars it relative to GITHUB_WORKSPACE; the
   * runner starts every step in the workspace, and anything else would archive the wrong place.
   */
  #staged(): string {
    const workspace = process.env.GITHUB_WORKSPACE;
    if (workspace && path.resolve(workspace) !== process.cwd()) {
      throw new Error(
        `the Actions cache needs the step to run in GITHUB_WORKSPACE (${workspace}), not in ${process.cwd()}`,
      );
    }
    return path.resolve(this.#path);
  }
}

export function actionsCacheAvailable(): boolean {
  return cache.isFeatureAvailable();
}
