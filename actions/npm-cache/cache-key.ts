import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** The parts of package-lock.json this action reads (lockfileVersion 2 and 3 both carry `packages`). */
export interface Lockfile {
  name?: string;
  lockfileVersion?: number;
  packages: Record<string, LockfileEntry>;
}

export interface LockfileEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  optional?: boolean;
  dev?: boolean;
}

export class LockfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockfileError';
  }
}

export interface ReadLockfile {
  /** The file's exact bytes: the key hashes these, not a re-serialisation. */
  bytes: Buffer;
  lockfile: Lockfile;
}

/** Reads and checks package-lock.json; anything npm ci could not install from is a LockfileError. */
export async function readLockfile(file: string): Promise<ReadLockfile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new LockfileError(`cannot read the lockfile ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new LockfileError(`the lockfile ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LockfileError(`the lockfile ${file} is not a JSON object`);
  }
  const packages = (parsed as { packages?: unknown }).packages;
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
    throw new LockfileError(
      `the lockfile ${file} has no "packages" map (lockfileVersion 1 is not supported: run npm install with npm ≥ 7)`,
    );
  }
  return { bytes, lockfile: parsed as Lockfile };
}

export interface CacheKeyParts {
  lockfileBytes: Buffer;
  /** process.version, e.g. v24.21.0: only the major goes into the key (native addons' ABI follows it). */
  nodeVersion: string;
  platform: string;
  arch: string;
  prefix?: string;
}

/** `<prefix>-<os>-<arch>-node<major>-<sha256 of the lockfile>`: every part changes what node_modules holds. */
export function cacheKey(parts: CacheKeyParts): string {
  const major = /^v?(\d+)\./.exec(parts.nodeVersion)?.[1];
  if (!major) throw new Error(`cannot read a Node major version from "${parts.nodeVersion}"`);
  const digest = createHash('sha256').update(parts.lockfileBytes).digest('hex');
  const prefix = parts.prefix || 'npm-cache';
  if (!/^[\w.-]+$/.test(prefix))
    throw new Error(`key prefix "${prefix}" may only hold letters, digits, '.', '_' and '-'`);
  return `${prefix}-${parts.platform}-${parts.arch}-node${major}-${digest}`;
}
