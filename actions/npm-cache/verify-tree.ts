import { lstat, readdir, readFile } from 'node:fs/promises';
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

  for (const [key, entry] of expected) {
    const dir = path.join(root, key);
    const kind = installed.get(key);
    if (!kind) {
      if (!entry.optional) mismatches.push({ path: key, problem: 'missing' });
      continue;
    }
    if (entry.link) {
      if (kind !== 'link')
        mismatches.push({ path: key, problem: 'a directory where the lockfile has a link' });
      continue;
    }
    if (kind === 'link') {
      mismatches.push({ path: key, problem: 'a link where the lockfile has a package' });
      continue;
    }
    let manifest: { name?: unknown; version?: unknown };
    try {
      manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as typeof manifest;
    } catch (error) {
      mismatches.push({ path: key, problem: `unreadable package.json (${(error as Error).message})` });
      continue;
    }
    const lockedName = entry.name ?? packageNameOf(key);
    if (manifest.name !== lockedName) {
      mismatches.push({ path: key, problem: `name ${String(manifest.name)}, locked ${lockedName}` });
    }
    if (entry.version !== undefined && manifest.version !== entry.version) {
      mismatches.push({ path: key, problem: `version ${String(manifest.version)}, locked ${entry.version}` });
    }
    const installedIntegrity = hidden?.packages[key]?.integrity;
    if (entry.integrity && installedIntegrity && installedIntegrity !== entry.integrity) {
      mismatches.push({
        path: key,
        problem: `integrity ${installedIntegrity}, locked ${entry.integrity}`,
      });
    }
  }
  for (const key of installed.keys()) {
    if (!expected.has(key)) mismatches.push({ path: key, problem: 'installed but not in the lockfile' });
  }
  return mismatches;
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
  async function walk(modulesKey: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(path.join(root, modulesKey));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      if (name.startsWith('@')) {
        const scoped = await readdir(path.join(root, modulesKey, name)).catch(() => [] as string[]);
        for (const inner of scoped.sort()) await visit(`${modulesKey}/${name}/${inner}`);
      } else {
        await visit(`${modulesKey}/${name}`);
      }
    }
  }
  async function visit(key: string): Promise<void> {
    const stats = await lstat(path.join(root, key));
    if (stats.isSymbolicLink()) {
      found.set(key, 'link');
    } else if (stats.isDirectory()) {
      found.set(key, 'dir');
      await walk(`${key}/node_modules`);
    }
  }
  await walk('node_modules');
  return found;
}
