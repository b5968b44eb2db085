import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import * as cache from '@actions/cache';
import { keyLengthProblem, type CacheStore } from './cache-store.ts';

/** What @actions/cache accepts as a key (it throws a ValidationError on more). */
const MAX_KEY_CHARACTERS = 512;

/**
 * The GitHub Actions cache service, through @actions/cache (which picks the v2 Twirp service when the runner
 * sets ACTIONS_CACHE_SERVICE_V2, else v1). The toolkit caches paths, not files, and puts the paths into the
 * entry's version, so the archive always travels as the same relative path under the workspace.
 */
export const STAGED_ARCHIVE = '.ironbots-npm-cache/node_modules.tgz';

export class ActionsCacheStore implements CacheStore {
  readonly description = 'GitHub Actions cache';

  async fetch(key: string, file: string): Promise<boolean> {
    const staged = this.#staged();
    await rm(staged, { force: true });
    // restoreCache turns service and download errors into a warning and a miss, which is what we want too.
    const matched = await cache.restoreCache([STAGED_ARCHIVE], key);
    try {
      if (matched !== key) return false;
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
      return (await cache.saveCache([STAGED_ARCHIVE], key)) !== -1;
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
    return cache.restoreCache([STAGED_ARCHIVE], prefix, [prefix], { lookupOnly: true });
  }

  keyProblem(key: string): string | undefined {
    if (key.includes(',')) return `"${key}" holds a comma, which the GitHub Actions cache does not take`;
    return keyLengthProblem(key, MAX_KEY_CHARACTERS, 'characters', this.description);
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
    return path.resolve(STAGED_ARCHIVE);
  }
}

export function actionsCacheAvailable(): boolean {
  return cache.isFeatureAvailable();
}
