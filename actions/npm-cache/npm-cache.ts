import type { ActionLog } from '../../core/action-log.ts';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { type ArchiveFormat, CorruptArchiveError, createArchive, extractArchive } from './archive.ts';
import { cacheKey, readLockfile, type Lockfile } from './cache-key.ts';
import { formatBytes, formatDuration, formatRate } from '../../core/sizes.ts';
import {
  checkImage,
  commandProblem,
  createImage,
  extractImage,
  mountImage,
  mountOverlay,
  mountSupport,
  squashfsTools,
  unmount,
  type MountedTree,
} from './squashfs-image.ts';
import type { CacheStore, EntryKind } from './stores/cache-store.ts';
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
  /** Filled in as the work goes, so that a failure's summary can still say what was known. */
  report?: StepReport;
  /**
   * mount: auto. Entries are squashfs images (see squashfs-image.ts): a restore mounts the image read-only
   * under a writable overlay at node_modules where the job may mount, else unpacks it; a key without an
   * image falls back to its archive. tempDir (the runner's temp directory) holds the image and the
   * overlay's layers until the post step unmounts them. unpackOnly: use images, never mount (a run with no
   * post step to unmount, such as update).
   */
  mount?: { tempDir: string; unpackOnly?: boolean };
}

/** What an entry was: a tar archive (zstd or gzip) or a squashfs image. */
export type EntryFormat = ArchiveFormat | 'squashfs';

/** What a step knew so far: the key, what the store had, the archive's size. */
export interface StepReport {
  key?: string;
  /** hit, no-entry, corrupt, mismatch; partial for a restore key's tree. */
  outcome?: RestoreOutcome | 'partial';
  matchedKey?: string;
  archiveBytes?: number;
}

export type RestoreOutcome = 'hit' | 'no-entry' | 'corrupt' | 'mismatch';

export interface RestoreResult {
  key: string;
  hit: boolean;
  outcome: RestoreOutcome;
  /** Why a found entry was not used. */
  detail?: string;
  mismatches?: TreeMismatch[];
  /** Where a hit's time went, for the log and the benchmark (unpack: checking and mounting an image). */
  phasesMs?: { fetch: number; unpack: number; verify: number };
  /** A hit's entry format (zstd, gzip for entries saved before zstd or where it is missing, squashfs). */
  format?: EntryFormat;
  /** A mounted image's mounts, which the post step takes down; absent when the tree was unpacked. */
  mounted?: MountedTree;
  /** The size of the archive fetched (also for a corrupt or mismatched one). */
  archiveBytes?: number;
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
  /** The entry's format and size when one was made. */
  format?: EntryFormat;
  archiveBytes?: number;
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
  const { log, store, projectDir, report } = context;
  if (report) report.key = key;
  if (context.mount) {
    const fromImage = await restoreImage(context, context.mount, key, lockfile.lockfile);
    if (fromImage) return fromImage;
  }
  // Unpacked beside node_modules so the final swap is a rename on one file system.
  const work = await mkdtemp(path.join(projectDir, '.ironbots-npm-cache-'));
  try {
    const unpacked = await fetchAndUnpack(context, key, work, 'archive');
    if (unpacked === 'no-entry') {
      log.info(`cache miss: ${store.description} has no entry for ${key}`);
      if (report) report.outcome = 'no-entry';
      return { key, hit: false, outcome: 'no-entry' };
    }
    return await verifyAndSwap(context, key, lockfile.lockfile, unpacked);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The end of a restore by unpacking: a corrupt entry or a mismatched tree is a miss, else the tree goes in. */
async function verifyAndSwap(
  context: NpmCacheContext,
  key: string,
  lockfile: Lockfile,
  unpacked: Exclude<Unpacked, 'no-entry'>,
): Promise<RestoreResult> {
  const { log, store, projectDir, report } = context;
  const { archiveBytes } = unpacked;
  if (!unpacked.ok) return corruptMiss(context, key, unpacked.corrupt, archiveBytes, context.store.kind);
  const { staging, format, fetchMs, unpackMs } = unpacked;
  const started = performance.now();
  const mismatches = await verifyTree(staging, lockfile);
  const verifyMs = performance.now() - started;
  if (mismatches.length) return mismatchMiss(context, key, mismatches, archiveBytes);
  const { oldTreeRemoved } = await swapIntoPlace(projectDir, staging, log);
  const what = format === 'squashfs' ? 'squashfs image, unpacked' : format;
  log.info(
    `cache hit: restored node_modules from ${store.description} (${key}, ${what}), verified against package-lock.json (fetch ${fetchMs.toFixed(0)} ms, unpack ${unpackMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms)`,
  );
  if (report) Object.assign(report, { outcome: 'hit', matchedKey: key });
  return {
    key,
    hit: true,
    outcome: 'hit',
    format,
    archiveBytes,
    phasesMs: { fetch: fetchMs, unpack: unpackMs, verify: verifyMs },
    oldTreeRemoved,
  };
}

function corruptMiss(
  context: NpmCacheContext,
  key: string,
  problem: string,
  archiveBytes: number,
  kind: EntryKind,
): RestoreResult {
  const detail = `the cache ${kind === 'squashfs' ? 'squashfs image' : 'archive'} for ${key} is corrupted (${problem}); treating it as a miss`;
  context.log.warn(detail);
  if (context.report) context.report.outcome = 'corrupt';
  return { key, hit: false, outcome: 'corrupt', detail, archiveBytes };
}

function mismatchMiss(
  context: NpmCacheContext,
  key: string,
  mismatches: TreeMismatch[],
  archiveBytes: number,
): RestoreResult {
  const detail = `the cached node_modules for ${key} does not match package-lock.json: ${describeMismatches(mismatches)}; treating it as a miss`;
  context.log.warn(detail);
  if (context.report) context.report.outcome = 'mismatch';
  return { key, hit: false, outcome: 'mismatch', detail, mismatches, archiveBytes };
}

/**
 * mount: auto's restore: key's squashfs image mounted under an overlay at node_modules, or unpacked where
 * the job cannot mount or the mount fails. Undefined when there is no image to use (no entry, or neither
 * mount nor unsquashfs here): the caller then restores the key's archive.
 */
async function restoreImage(
  context: NpmCacheContext,
  { tempDir, unpackOnly }: { tempDir: string; unpackOnly?: boolean },
  key: string,
  lockfile: Lockfile,
): Promise<RestoreResult | undefined> {
  const { log, projectDir, report } = context;
  const images = context.store.withKind('squashfs');
  const [support, tools] = await Promise.all([
    unpackOnly ? { ok: false as const, reason: 'this run has no post step to unmount it' } : mountSupport(),
    squashfsTools(),
  ]);
  if (!support.ok && !tools.unsquashfs) {
    log.notice(
      `mount: auto: not mounting (${support.reason}) and no unsquashfs to unpack an image (install squashfs-tools); restoring the archive instead`,
    );
    return undefined;
  }
  await mkdir(tempDir, { recursive: true });
  const dir = await mkdtemp(path.join(tempDir, 'ironbots-npm-cache-'));
  let mounted: MountedTree | undefined;
  try {
    const image = path.join(dir, 'node_modules.squashfs');
    let started = performance.now();
    if (!(await images.fetch(key, image))) {
      log.info(`${images.description} has no squashfs image for ${key}; looking for an archive`);
      return undefined;
    }
    const fetchMs = performance.now() - started;
    const archiveBytes = (await stat(image)).size;
    if (report) report.archiveBytes = archiveBytes;
    log.info(
      `fetched the squashfs image for ${key}: ${formatBytes(archiveBytes)} from ${images.description} in ${formatDuration(fetchMs)} (${formatRate(archiveBytes, fetchMs)})`,
    );
    started = performance.now();
    try {
      await checkImage(image);
    } catch (error) {
      if (!(error instanceof CorruptArchiveError)) throw error;
      return corruptMiss(context, key, error.message, archiveBytes, 'squashfs');
    }
    const checkMs = performance.now() - started;
    if (support.ok) {
      const attempt = await mountVerified(context, { dir, image, privilege: support.privilege, lockfile });
      if (attempt.mounted) {
        mounted = attempt.mounted;
        const { mountMs, verifyMs } = attempt;
        log.info(
          `cache hit: mounted node_modules from ${images.description} (${key}, squashfs image under a writable overlay), verified against package-lock.json (fetch ${fetchMs.toFixed(0)} ms, check ${checkMs.toFixed(0)} ms, mount ${mountMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms); the post step unmounts it`,
        );
        if (report) Object.assign(report, { outcome: 'hit', matchedKey: key });
        return {
          key,
          hit: true,
          outcome: 'hit',
          format: 'squashfs',
          archiveBytes,
          mounted,
          phasesMs: { fetch: fetchMs, unpack: checkMs + mountMs, verify: verifyMs },
          oldTreeRemoved: removeOldTrees(projectDir, log),
        };
      }
      if (attempt.mismatches) return mismatchMiss(context, key, attempt.mismatches, archiveBytes);
      log.warn(`mount: auto: ${attempt.problem}; unpacking the image instead`);
    } else {
      log.notice(`mount: auto: not mounting (${support.reason}); unpacking the image instead`);
    }
    const work = await mkdtemp(path.join(projectDir, '.ironbots-npm-cache-'));
    try {
      started = performance.now();
      let unpacked: Exclude<Unpacked, 'no-entry'>;
      try {
        await extractImage(image, work);
        unpacked = {
          ok: true,
          archiveBytes,
          staging: work,
          format: 'squashfs',
          fetchMs,
          unpackMs: checkMs + performance.now() - started,
        };
      } catch (error) {
        if (!(error instanceof CorruptArchiveError)) throw error;
        unpacked = { ok: false, corrupt: error.message, archiveBytes };
      }
      return await verifyAndSwap({ ...context, store: images }, key, lockfile, unpacked);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    // A mounted tree keeps its directory (image, layers) until the post step.
    if (!mounted) await rm(dir, { recursive: true, force: true });
  }
}

type MountAttempt =
  | { mounted: MountedTree; mountMs: number; verifyMs: number }
  | { mounted?: undefined; mismatches: TreeMismatch[]; problem?: undefined }
  | { mounted?: undefined; mismatches?: undefined; problem: string };

/**
 * Mounts the checked image read-only in dir, verifies that tree against the lockfile, and only then puts
 * a writable overlay of it at node_modules (the old tree renamed aside). Whatever fails is taken down again.
 */
async function mountVerified(
  context: NpmCacheContext,
  options: { dir: string; image: string; privilege: string[]; lockfile: Lockfile },
): Promise<MountAttempt> {
  const { projectDir, log } = context;
  const { dir, image, privilege, lockfile } = options;
  // lower/node_modules, so that the lockfile's paths (node_modules/…) resolve under lower as under a project.
  const lowerRoot = path.join(dir, 'lower');
  const lower = path.join(lowerRoot, 'node_modules');
  const upper = path.join(dir, 'upper');
  const work = path.join(dir, 'work');
  await Promise.all([lower, upper, work].map((d) => mkdir(d, { recursive: true })));
  let started = performance.now();
  try {
    await mountImage(image, lower, privilege);
  } catch (error) {
    return { problem: `could not mount the image (${commandProblem(error)})` };
  }
  let mountMs = performance.now() - started;
  const takeDownLower = () =>
    unmount(lower, privilege).catch((error: unknown) =>
      log.warn(`could not unmount ${lower}: ${commandProblem(error)}`),
    );
  started = performance.now();
  const mismatches = await verifyTree(lowerRoot, lockfile);
  const verifyMs = performance.now() - started;
  if (mismatches.length) {
    await takeDownLower();
    return { mismatches };
  }
  started = performance.now();
  const target = path.join(projectDir, 'node_modules');
  const aside = path.join(projectDir, `${OLD_TREE_PREFIX}${randomBytes(6).toString('hex')}`);
  const hadTree = existsSync(target);
  if (hadTree) await rename(target, aside);
  await mkdir(target);
  try {
    await mountOverlay({ lower, upper, work }, target, privilege);
  } catch (error) {
    await rmdir(target).catch(() => undefined);
    if (hadTree) await rename(aside, target);
    await takeDownLower();
    return { problem: `could not mount the overlay at ${target} (${commandProblem(error)})` };
  }
  mountMs += performance.now() - started;
  return { mounted: { target, lower, dir, privilege }, mountMs, verifyMs };
}

type Unpacked =
  | 'no-entry'
  | { ok: false; corrupt: string; archiveBytes: number }
  | {
      ok: true;
      archiveBytes: number;
      /** Holds node_modules/. */
      staging: string;
      format: EntryFormat;
      fetchMs: number;
      unpackMs: number;
    };

/**
 * Fetches key's entry of the kind into work and unpacks it there (an image is checked first, then
 * unpacked with unsquashfs), logging its size and the transfer rate.
 */
async function fetchAndUnpack(
  context: NpmCacheContext,
  key: string,
  work: string,
  kind: EntryKind,
): Promise<Unpacked> {
  const { log, report } = context;
  const store = context.store.withKind(kind);
  const archive = path.join(work, kind === 'squashfs' ? 'node_modules.squashfs' : 'node_modules.archive');
  let started = performance.now();
  if (!(await store.fetch(key, archive))) return 'no-entry';
  const fetchMs = performance.now() - started;
  const archiveBytes = (await stat(archive)).size;
  if (report) report.archiveBytes = archiveBytes;
  log.info(
    `fetched ${key}: ${formatBytes(archiveBytes)} from ${store.description} in ${formatDuration(fetchMs)} (${formatRate(archiveBytes, fetchMs)})`,
  );
  const staging = path.join(work, 'tree');
  await mkdir(staging);
  try {
    started = performance.now();
    let format: EntryFormat = 'squashfs';
    if (kind === 'squashfs') {
      await checkImage(archive);
      await extractImage(archive, staging);
    } else {
      format = await extractArchive(archive, staging);
    }
    if (!existsSync(path.join(staging, 'node_modules')))
      throw new CorruptArchiveError('it holds no node_modules');
    return { ok: true, archiveBytes, staging, format, fetchMs, unpackMs: performance.now() - started };
  } catch (error) {
    if (!(error instanceof CorruptArchiveError)) throw error;
    return { ok: false, corrupt: error.message, archiveBytes };
  }
}

/**
 * Moves staging/node_modules to projectDir/node_modules: two renames on one file system; deleting the old
 * tree (tens of thousands of files) goes on in the background, and the returned promise says when it is done.
 */
async function swapIntoPlace(
  projectDir: string,
  staging: string,
  log: ActionLog,
): Promise<{ oldTreeRemoved: Promise<void> }> {
  const target = path.join(projectDir, 'node_modules');
  if (existsSync(target))
    await rename(target, path.join(projectDir, `${OLD_TREE_PREFIX}${randomBytes(6).toString('hex')}`));
  await rename(path.join(staging, 'node_modules'), target);
  return { oldTreeRemoved: removeOldTrees(projectDir, log) };
}

export interface PartialRestore {
  /** The entry restored, found by a restore key. */
  matchedKey: string;
  restoreKey: string;
  archiveBytes: number;
  oldTreeRemoved: Promise<void>;
}

/**
 * After a miss: the newest entry under the first restore key that has one put in place as node_modules,
 * unverified (the caller installs over it). Entries built for another OS, CPU or Node major, or not in this
 * action's key format, are passed over (their native addons would not run here), as are damaged archives.
 */
export async function restorePartial(
  context: NpmCacheContext,
  restoreKeys: readonly string[],
): Promise<PartialRestore | undefined> {
  const { log, projectDir, report } = context;
  // With mount: auto, images first (unpacked: npm install writes into the tree), then archives.
  const kinds: EntryKind[] =
    context.mount && (await squashfsTools()).unsquashfs ? ['squashfs', 'archive'] : ['archive'];
  for (const { restoreKey, kind } of restoreKeys.flatMap((k) =>
    kinds.map((kind) => ({ restoreKey: k, kind })),
  )) {
    const store = context.store.withKind(kind);
    const entries = kind === 'squashfs' ? 'squashfs image' : 'entry';
    const found = await store.findLatest(restoreKey);
    if (!found) {
      log.info(`restore key ${restoreKey}: ${store.description} has no ${entries} under it`);
      continue;
    }
    const foreign = foreignBuild(found, context);
    if (foreign) {
      log.warn(`restore key ${restoreKey}: not restoring ${found}, ${foreign}`);
      continue;
    }
    const work = await mkdtemp(path.join(projectDir, '.ironbots-npm-cache-'));
    try {
      const unpacked = await fetchAndUnpack(context, found, work, kind);
      if (unpacked === 'no-entry' || !unpacked.ok) {
        log.warn(
          `restore key ${restoreKey}: the archive for ${found} ${unpacked === 'no-entry' ? 'is gone' : `is corrupted (${unpacked.corrupt})`}; not using it`,
        );
        continue;
      }
      const { oldTreeRemoved } = await swapIntoPlace(projectDir, unpacked.staging, log);
      log.info(
        `partial hit: restored node_modules from ${store.description} (${found}, ${unpacked.format}) by restore key ${restoreKey}; it is installed over, not trusted as it is`,
      );
      if (report) Object.assign(report, { outcome: 'partial', matchedKey: found });
      return { matchedKey: found, restoreKey, archiveBytes: unpacked.archiveBytes, oldTreeRemoved };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return undefined;
}

/** Why an entry's tree cannot serve here (another OS, CPU or Node major), from its key; undefined when it can. */
function foreignBuild(key: string, context: NpmCacheContext): string | undefined {
  const parts = /-([^-]+)-([^-]+)-node(\d+)-[0-9a-f]{64}$/.exec(key);
  if (!parts) return 'its key is not one of npm-cache (<prefix>-<os>-<arch>-node<major>-<sha256>)';
  const here = {
    platform: context.platform ?? process.platform,
    arch: context.arch ?? process.arch,
    major: /^v?(\d+)\./.exec(context.nodeVersion ?? process.version)?.[1],
  };
  const [, platform, arch, major] = parts;
  if (platform !== here.platform || arch !== here.arch || major !== here.major)
    return `built for ${platform}-${arch} Node ${major}, not ${here.platform}-${here.arch} Node ${here.major}`;
  return undefined;
}

export interface InstallOptions extends NpmCacheContext {
  /** Runs npm in the project directory. */
  npm(args: string[]): Promise<void>;
  /** Key prefixes tried in order when the key misses (the newest entry under the first that has one). */
  restoreKeys?: readonly string[];
}

export interface InstallResult extends RestoreResult {
  /** The entry restored: the key itself on a hit, a restore key's match on a partial hit. */
  matchedKey?: string;
  partial?: PartialRestore;
  /** How node_modules was made after a miss. */
  installedWith?: 'npm ci' | 'npm install';
}

/**
 * install mode's main step: a verified hit, else the tree a restore key finds completed with `npm install`
 * (which keeps what already matches the lockfile), else `npm ci`. The result of `npm install` must leave
 * package-lock.json as it was and match it exactly, as after npm ci; otherwise npm ci runs after all. Saving
 * is the post step's (see save).
 */
export async function install(options: InstallOptions): Promise<InstallResult> {
  const { log, npm } = options;
  const restored = await restore(options);
  if (restored.hit) return { ...restored, matchedKey: restored.key };
  const partial = options.restoreKeys?.length
    ? await restorePartial(options, options.restoreKeys)
    : undefined;
  await partial?.oldTreeRemoved;
  if (partial && (await installOver(options))) {
    return { ...restored, matchedKey: partial.matchedKey, partial, installedWith: 'npm install' };
  }
  log.info('installing with npm ci');
  await npm(['ci']);
  return {
    ...restored,
    ...(partial ? { matchedKey: partial.matchedKey, partial } : {}),
    installedWith: 'npm ci',
  };
}

/** npm install over a restored tree; true when the result matches the unchanged lockfile exactly. */
async function installOver(options: InstallOptions): Promise<boolean> {
  const { log, projectDir, npm } = options;
  const lockfilePath = path.join(projectDir, 'package-lock.json');
  const before = await readFile(lockfilePath);
  log.info('installing over the restored tree with npm install (what matches the lockfile stays)');
  let problem: string | undefined;
  try {
    await npm(['install', '--no-save', '--no-audit', '--no-fund']);
  } catch (error) {
    problem = `npm install failed (${(error as Error).message.split('\n')[0]})`;
  }
  if (!problem && !before.equals(await readFile(lockfilePath))) {
    problem = 'npm install changed package-lock.json (is it out of step with package.json?)';
  }
  if (!before.equals(await readFile(lockfilePath))) await writeFile(lockfilePath, before);
  if (!problem) {
    const { lockfile } = await keyFor(options);
    const mismatches = await verifyTree(projectDir, lockfile.lockfile);
    if (mismatches.length)
      problem = `the tree npm install left does not match package-lock.json: ${describeMismatches(mismatches)}`;
  }
  if (problem) log.warn(`${problem}; installing with npm ci instead`);
  return !problem;
}

/** Saves node_modules under the key, unless it does not match the lockfile or the key is already saved. */
export async function save(context: NpmCacheContext): Promise<SaveResult> {
  const { key, lockfile } = await keyFor(context);
  const { log, projectDir, report } = context;
  if (report) report.key = key;
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
  let kind: EntryKind = 'archive';
  if (context.mount) {
    if ((await squashfsTools()).mksquashfs) kind = 'squashfs';
    else log.notice('mount: auto: no mksquashfs here (install squashfs-tools); saving an archive instead');
  }
  const store = context.store.withKind(kind);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-npm-cache-'));
  try {
    const archive = path.join(work, 'node_modules.archive');
    let started = performance.now();
    let format: EntryFormat = 'squashfs';
    if (kind === 'squashfs') await createImage(projectDir, archive);
    else format = await createArchive(projectDir, archive);
    const archiveMs = performance.now() - started;
    const archiveBytes = (await stat(archive)).size;
    if (report) report.archiveBytes = archiveBytes;
    log.info(
      `${kind === 'squashfs' ? 'made the squashfs image of' : 'archived'} node_modules: ${formatBytes(archiveBytes)} (${format}) in ${formatDuration(archiveMs)}`,
    );
    started = performance.now();
    if (!(await store.store(key, archive))) {
      const detail = `${store.description} already holds ${key} (or refused it); nothing saved`;
      log.info(detail);
      return { key, saved: false, detail, format, archiveBytes };
    }
    const storeMs = performance.now() - started;
    log.info(
      `saved node_modules to ${store.description} as ${key} (${format}): ${formatBytes(archiveBytes)} in ${formatDuration(storeMs)} (${formatRate(archiveBytes, storeMs)})`,
    );
    return { key, saved: true, format, archiveBytes };
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
