import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Lockfile } from './cache-key.ts';

/** One way a node_modules tree differs from the lockfile, worded for a log line. */
export interface TreeMismatch {
  /** The package's path as the lockfile writes it, e.g. node_modules/a/node_modules/b. */
  path: string;
  problem: string;
}

/**
 * Compares the node_modules tree under `root` with the lockfile's `packages`: every locked package present
 * with the locked name and version, its integrity the locked one where npm recorded it (the hidden lockfile
 * node_modules/.package-lock.json keeps what was installed), links as links, and nothing installed that the
 * lockfile does not name. Optional packages may be absent (npm skips those for another OS or CPU).
 */
export async function verifyTree(root: string, lockfile: Lockfile): Promise<TreeMismatch[]> {
  const mismatches: TreeMismatch[] = [];
  const expected = new Map(
    Object.entries(lockfile.packages).filter(([key]) => key.startsWith('node_modules/')),
  );
  const installed = await installedPackages(root);
  const hidden = await readHiddenLockfile(root);

  // Read in parallel: on a mounted image every package.json costs a decompression, on disk a seek.
  const found = await mapLimited([...expected], READ_CONCURRENCY, async ([key, entry]) => {
    const problems: TreeMismatch[] = [];
    const dir = path.join(root, key);
    const kind = installed.get(key);
    if (!kind) {
      if (!entry.optional) problems.push({ path: key, problem: 'missing' });
      return problems;
    }
    if (entry.link) {
      if (kind !== 'link') problems.push({ path: key, problem: 'a directory where the lockfile has a link' });
      return problems;
    }
    if (kind === 'link') {
      problems.push({ path: key, problem: 'a link where the lockfile has a package' });
      return problems;
    }
    let manifest: { name?: unknown; version?: unknown };
    try {
      manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as typeof manifest;
    } catch (error) {
      problems.push({ path: key, problem: `unreadable package.json (${(error as Error).message})` });
      return problems;
    }
    const lockedName = entry.name ?? packageNameOf(key);
    if (manifest.name !== lockedName) {
      problems.push({ path: key, problem: `name ${String(manifest.name)}, locked ${lockedName}` });
    }
    if (entry.version !== undefined && manifest.version !== entry.version) {
      problems.push({ path: key, problem: `version ${String(manifest.version)}, locked ${entry.version}` });
    }
    const installedIntegrity = hidden?.packages[key]?.integrity;
    if (entry.integrity && installedIntegrity && installedIntegrity !== entry.integrity) {
      problems.push({
        path: key,
        problem: `integrity ${installedIntegrity}, locked ${entry.integrity}`,
      });
    }
    return problems;
  });
  mismatches.push(...found.flat());
  for (const key of installed.keys()) {
    if (!expected.has(key)) mismatches.push({ path: key, problem: 'installed but not in the lockfile' });
  }
  return mismatches;
}

/** How many package.json files are read at once. */
const READ_CONCURRENCY = 32;

/** fn over items, at most `limit` at a time; the results in the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function packageNameOf(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

async function readHiddenLockfile(root: string): Promise<Lockfile | null> {
  try {
    const parsed = JSON.parse(await readFile(path.join(root, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages?: unknown;
    };
    return typeof parsed.packages === 'object' && parsed.packages !== null ? (parsed as Lockfile) : null;
  } catch {
    // npm writes it on every install; without it only names and versions are compared.
    return null;
  }
}

/** Every package directory (or link) under root/node_modules, nested ones included, by lockfile path. */
async function installedPackages(root: string): Promise<Map<string, 'dir' | 'link'>> {
  const found = new Map<string, 'dir' | 'link'>();
  // Entries' types from readdir itself (no lstat each), directories walked in parallel.
  async function walk(modulesKey: string): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, modulesKey), { withFileTypes: true });
    } catch {
      return;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.name.startsWith('.')) return;
        if (!entry.name.startsWith('@')) return visit(`${modulesKey}/${entry.name}`, entry);
        const scope = `${modulesKey}/${entry.name}`;
        const scoped = await readdir(path.join(root, scope), { withFileTypes: true }).catch(
          () => [] as Dirent[],
        );
        await Promise.all(scoped.map((inner) => visit(`${scope}/${inner.name}`, inner)));
      }),
    );
  }
  async function visit(key: string, entry: Dirent): Promise<void> {
    if (entry.isSymbolicLink()) {
      found.set(key, 'link');
    } else if (entry.isDirectory()) {
      found.set(key, 'dir');
      await walk(`${key}/node_modules`);
    }
  }
  await walk('node_modules');
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
