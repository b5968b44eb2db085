import type { ActionLog } from '../../core/action-log.ts';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { type ArchiveFormat, CorruptArchiveError, createArchive, extractArchive } from './archive.ts';
import { cacheKey, readLockfile } from './cache-key.ts';
import type { CacheStore } from './stores/cache-store.ts';
import { verifyTree, type TreeMismatch } from './verify-tree.ts';

/**
 * The npm-cache core: restore node_modules from a store (verified against the lockfile before it replaces
 * anything), save it, both keyed by the lockfile, Node major, OS and CPU. No Actions runtime in here: the
 * store and the log come in, so the action, the CLI and the tests share all of it.
 */
export interface NpmCacheContext {
  /** The directory holding package-lock.json and node_modules. */
  projectDir: string;
  store: CacheStore;
  log: ActionLog;
  keyPrefix?: string;
  /** Defaults: this process's Node, OS and CPU, which are the ones that will run node_modules. */
  nodeVersion?: string;
  platform?: string;
  arch?: string;
}

export type RestoreOutcome = 'hit' | 'no-entry' | 'corrupt' | 'mismatch';

export interface RestoreResult {
  key: string;
  hit: boolean;
  outcome: RestoreOutcome;
  /** Why a found entry was not used. */
  detail?: string;
  mismatches?: TreeMismatch[];
  /** Where a hit's time went, for the log and the benchmark. */
  phasesMs?: { fetch: number; unpack: number; verify: number };
  /** A hit's archive format (zstd, or gzip for entries saved before zstd or where it is missing). */
  format?: ArchiveFormat;
  /**
   * The node_modules a hit replaced, renamed aside, being removed in the background: off the critical
   * path, but the caller waits for it (after setting its outputs) before the process ends. Never rejects.
   */
  oldTreeRemoved?: Promise<void>;
}

export interface SaveResult {
  key: string;
  saved: boolean;
  /** Why nothing was saved. */
  detail?: string;
  /** The archive's format when one was made. */
  format?: ArchiveFormat;
}

/** The prefix of the name a replaced node_modules gets beside the new one until it is removed. */
export const OLD_TREE_PREFIX = 'node_modules.ironbots-old-';

/** How many mismatches a log line names before it says "and N more". */
const SHOWN_MISMATCHES = 10;

export async function keyFor(
  context: NpmCacheContext,
): Promise<{ key: string; lockfile: Awaited<ReturnType<typeof readLockfile>> }> {
  const lockfile = await readLockfile(path.join(context.projectDir, 'package-lock.json'));
  const key = cacheKey({
    lockfileBytes: lockfile.bytes,
    nodeVersion: context.nodeVersion ?? process.version,
    platform: context.platform ?? process.platform,
    arch: context.arch ?? process.arch,
    prefix: context.keyPrefix,
  });
  return { key, lockfile };
}

/**
 * Restores node_modules when the store has an entry for the key and that entry unpacks and matches the
 * lockfile; anything else is a miss that leaves the existing node_modules (if any) as it was.
 */
export async function restore(context: NpmCacheContext): Promise<RestoreResult> {
  const { key, lockfile } = await keyFor(context);
  const { log, store, projectDir } = context;
  // Unpacked beside node_modules so the final swap is a rename on one file system.
  const work = await mkdtemp(path.join(projectDir, '.ironbots-npm-cache-'));
  try {
    const archive = path.join(work, 'node_modules.archive');
    let started = performance.now();
    const found = await store.fetch(key, archive);
    const fetchMs = performance.now() - started;
    if (!found) {
      log.info(`cache miss: ${store.description} has no entry for ${key}`);
      return { key, hit: false, outcome: 'no-entry' };
    }
    const staging = path.join(work, 'tree');
    await mkdir(staging);
    let format: ArchiveFormat;
    try {
      started = performance.now();
      format = await extractArchive(archive, staging);
      if (!existsSync(path.join(staging, 'node_modules')))
        throw new CorruptArchiveError('it holds no node_modules');
    } catch (error) {
      if (!(error instanceof CorruptArchiveError)) throw error;
      const detail = `the cache archive for ${key} is corrupted (${error.message}); treating it as a miss`;
      log.warn(detail);
      return { key, hit: false, outcome: 'corrupt', detail };
    }
    const unpackMs = performance.now() - started;
    started = performance.now();
    const mismatches = await verifyTree(staging, lockfile.lockfile);
    const verifyMs = performance.now() - started;
    if (mismatches.length) {
      const detail = `the cached node_modules for ${key} does not match package-lock.json: ${describeMismatches(mismatches)}; treating it as a miss`;
      log.warn(detail);
      return { key, hit: false, outcome: 'mismatch', detail, mismatches };
    }
    // Two renames on one file system; deleting the old tree (tens of thousands of files) waits until later.
    const target = path.join(projectDir, 'node_modules');
    if (existsSync(target))
      await rename(target, path.join(projectDir, `${OLD_TREE_PREFIX}${randomBytes(6).toString('hex')}`));
    await rename(path.join(staging, 'node_modules'), target);
    log.info(
      `cache hit: restored node_modules from ${store.description} (${key}, ${format}), verified against package-lock.json (fetch ${fetchMs.toFixed(0)} ms, unpack ${unpackMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms)`,
    );
    return {
      key,
      hit: true,
      outcome: 'hit',
      format,
      phasesMs: { fetch: fetchMs, unpack: unpackMs, verify: verifyMs },
      oldTreeRemoved: removeOldTrees(projectDir, log),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Saves node_modules under the key, unless it does not match the lockfile or the key is already saved. */
export async function save(context: NpmCacheContext): Promise<SaveResult> {
  const { key, lockfile } = await keyFor(context);
  const { log, store, projectDir } = context;
  if (!existsSync(path.join(projectDir, 'node_modules'))) {
    throw new Error(
      `nothing to save: ${path.join(projectDir, 'node_modules')} does not exist (run npm ci first)`,
    );
  }
  const mismatches = await verifyTree(projectDir, lockfile.lockfile);
  if (mismatches.length) {
    // Saving it would hand every later job a tree the lockfile does not describe.
    const detail = `node_modules does not match package-lock.json, not saving it: ${describeMismatches(mismatches)}`;
    log.warn(detail);
    return { key, saved: false, detail };
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-npm-cache-'));
  try {
    const archive = path.join(work, 'node_modules.archive');
    const format = await createArchive(projectDir, archive);
    if (!(await store.store(key, archive))) {
      const detail = `${store.description} already holds ${key} (or refused it); nothing saved`;
      log.info(detail);
      return { key, saved: false, detail, format };
    }
    log.info(`saved node_modules to ${store.description} as ${key} (${format})`);
    return { key, saved: true, format };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Removes every node_modules a restore renamed aside in projectDir (this one's, and any a killed run left).
 * A failure is a warning: the restored tree is in place whatever happens here.
 */
async function removeOldTrees(projectDir: string, log: ActionLog): Promise<void> {
  try {
    const old = (await readdir(projectDir)).filter((name) => name.startsWith(OLD_TREE_PREFIX));
    await Promise.all(old.map((name) => rm(path.join(projectDir, name), { recursive: true, force: true })));
  } catch (error) {
    log.warn(`could not remove the replaced node_modules in ${projectDir}: ${(error as Error).message}`);
  }
}

export function describeMismatches(mismatches: TreeMismatch[]): string {
  const shown = mismatches.slice(0, SHOWN_MISMATCHES).map((m) => `${m.path}: ${m.problem}`);
  const more = mismatches.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
