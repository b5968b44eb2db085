import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, open, readFile, rmdir, stat, truncate } from 'node:fs/promises';
import { promisify } from 'node:util';
import { CorruptArchiveError } from './archive.ts';

const run = promisify(execFile);
const MAX_BUFFER = 16 * 1024 * 1024;

/**
 * mount: auto's entries: node_modules as a squashfs image, which a restore mounts read-only (no file is
 * written: the restore costs the fetch, a hash and two mounts, whatever the tree's size) under a writable
 * overlay, node_modules being the overlay's mount point. Where the job cannot mount, the same image is
 * unpacked with unsquashfs instead, as an archive would be.
 *
 * The entry is the image followed by a trailer: a magic string and the SHA-256 of the image. squashfs
 * checks nothing itself (a bad block shows as a read error when a file is read, long after the restore),
 * so the restore hashes the image, which also catches a truncated download, before it mounts anything.
 *
 * Compression: zstd level 3, as for the archives (mksquashfs's default zstd level, 15, took 300 s on this
 * repository's 879 MiB node_modules against 26 s at level 3, for a 117 MiB image instead of 135 MiB).
 */
export const MKSQUASHFS_ARGS = [
  '-comp',
  'zstd',
  '-Xcompression-level',
  '3',
  '-noappend',
  '-quiet',
  '-no-progress',
];

const TRAILER_MAGIC = Buffer.from('ironbots-sqfs-v1');
const TRAILER_BYTES = TRAILER_MAGIC.length + 32;
/** The squashfs superblock: "hsqs" at 0, the image's length (bytes_used, a little-endian u64) at 40. */
const SQUASHFS_MAGIC = Buffer.from('hsqs');
const BYTES_USED_OFFSET = 40;

/** Why the job cannot mount here, or how it mounts (the prefix that runs mount and umount). */
export type MountSupport = { ok: true; privilege: string[] } | { ok: false; reason: string };

let supportAsked: Promise<MountSupport> | undefined;

/**
 * Whether this job may mount a squashfs image under an overlay: Linux, root or passwordless sudo, and a
 * kernel that has (or loads) squashfs and overlay. Asked once per process.
 */
export function mountSupport(): Promise<MountSupport> {
  supportAsked ??= askMountSupport();
  return supportAsked;
}

async function askMountSupport(): Promise<MountSupport> {
  if (process.platform !== 'linux')
    return { ok: false, reason: `mounting needs Linux, not ${process.platform}` };
  let privilege: string[] = [];
  if (process.getuid?.() !== 0) {
    const sudo = await run('sudo', ['-n', 'true']).then(
      () => true,
      () => false,
    );
    if (!sudo) return { ok: false, reason: 'the job is neither root nor allowed passwordless sudo' };
    privilege = ['sudo', '-n'];
  }
  let missing = await missingFilesystems();
  if (missing.length) {
    // Modules the kernel has but has not loaded yet; modprobe is in /sbin, which a user's PATH may lack.
    for (const module of missing)
      await privileged(privilege, '/sbin/modprobe', [module]).catch(() => undefined);
    missing = await missingFilesystems();
    if (missing.length) return { ok: false, reason: `the kernel has no ${missing.join(' or ')} file system` };
  }
  return { ok: true, privilege };
}

async function missingFilesystems(): Promise<string[]> {
  const known = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  const names = new Set(known.split('\n').map((line) => line.trim().split(/\s+/).at(-1)));
  return ['squashfs', 'overlay'].filter((name) => !names.has(name));
}

let toolsAsked: Promise<{ mksquashfs: boolean; unsquashfs: boolean }> | undefined;

/** Whether squashfs-tools' two programs run here (asked once per process). */
export function squashfsTools(): Promise<{ mksquashfs: boolean; unsquashfs: boolean }> {
  // Present when it starts at all: unsquashfs 4.5 exits 1 after printing its version.
  const runs = (tool: string) =>
    run(tool, ['-version']).then(
      () => true,
      (error: NodeJS.ErrnoException) => typeof error.code === 'number',
    );
  toolsAsked ??= Promise.all([runs('mksquashfs'), runs('unsquashfs')]).then(([mksquashfs, unsquashfs]) => ({
    mksquashfs,
    unsquashfs,
  }));
  return toolsAsked;
}

/** Makes the entry for projectDir/node_modules: its squashfs image (the image's root is node_modules) and the trailer. */
export async function createImage(projectDir: string, file: string): Promise<void> {
  await run('mksquashfs', [`${projectDir}/node_modules`, file, ...MKSQUASHFS_ARGS], {
    maxBuffer: MAX_BUFFER,
  });
  await appendFile(file, Buffer.concat([TRAILER_MAGIC, await sha256(file, 0, (await stat(file)).size)]));
}

/**
 * Checks a fetched entry (trailer, hash, superblock) and cuts the trailer off, leaving the bare image that
 * mount and unsquashfs read. Anything wrong is a CorruptArchiveError.
 */
export async function checkImage(file: string): Promise<void> {
  const size = (await stat(file)).size;
  if (size < TRAILER_BYTES + 96)
    throw new CorruptArchiveError(`it is ${size} bytes, too short for a squashfs image`);
  const handle = await open(file, 'r');
  let trailer: Buffer;
  let superblock: Buffer;
  try {
    trailer = Buffer.alloc(TRAILER_BYTES);
    await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
    superblock = Buffer.alloc(BYTES_USED_OFFSET + 8);
    await handle.read(superblock, 0, superblock.length, 0);
  } finally {
    await handle.close();
  }
  if (!trailer.subarray(0, TRAILER_MAGIC.length).equals(TRAILER_MAGIC))
    throw new CorruptArchiveError('it does not end in the image trailer (a truncated or foreign file)');
  const imageBytes = size - TRAILER_BYTES;
  const digest = await sha256(file, 0, imageBytes);
  if (!digest.equals(trailer.subarray(TRAILER_MAGIC.length)))
    throw new CorruptArchiveError('the image does not match its SHA-256 (damaged in storage or on the way)');
  if (!superblock.subarray(0, 4).equals(SQUASHFS_MAGIC))
    throw new CorruptArchiveError('it is not a squashfs image');
  const bytesUsed = Number(superblock.readBigUInt64LE(BYTES_USED_OFFSET));
  if (bytesUsed > imageBytes)
    throw new CorruptArchiveError(
      `the image says it is ${bytesUsed} bytes long, but only ${imageBytes} are there`,
    );
  await truncate(file, imageBytes);
}

async function sha256(file: string, start: number, length: number): Promise<Buffer> {
  const hash = createHash('sha256');
  if (length > 0)
    for await (const chunk of createReadStream(file, { start, end: start + length - 1 }))
      hash.update(chunk as Buffer);
  return hash.digest();
}

/** Unpacks the bare image into `into`/node_modules (no mount, no privilege needed). */
export async function extractImage(image: string, into: string): Promise<void> {
  try {
    await run('unsquashfs', ['-no-progress', '-quiet', '-dest', `${into}/node_modules`, image], {
      maxBuffer: MAX_BUFFER,
    });
  } catch (error) {
    throw new CorruptArchiveError(commandProblem(error));
  }
}

/** The mounts of a restored tree: what the post step takes down. */
export interface MountedTree {
  /** node_modules: the overlay's mount point. */
  target: string;
  /** Where the image is mounted read-only: the overlay's lower layer. */
  lower: string;
  /** Holds the image, lower, and the overlay's upper and work directories; removed after unmounting. */
  dir: string;
  /** Runs mount and umount: [] as root, else ['sudo', '-n']. */
  privilege: string[];
}

/** Mounts the bare image read-only at `at` (through a loop device that goes with the mount). */
export async function mountImage(image: string, at: string, privilege: string[]): Promise<void> {
  await privileged(privilege, 'mount', ['-t', 'squashfs', '-o', 'ro,loop', image, at]);
}

/** Mounts a writable overlay of lower at target, its changes going to upper (work is overlayfs's scratch). */
export async function mountOverlay(
  layers: { lower: string; upper: string; work: string },
  target: string,
  privilege: string[],
): Promise<void> {
  const paths = [layers.lower, layers.upper, layers.work];
  // mount's option syntax has no quoting for these.
  const bad = paths.find((p) => /[,:\\]/.test(p));
  if (bad) throw new Error(`${bad} holds a comma, colon or backslash, which overlay's options cannot carry`);
  const options = `lowerdir=${layers.lower},upperdir=${layers.upper},workdir=${layers.work}`;
  await privileged(privilege, 'mount', ['-t', 'overlay', 'overlay', '-o', options, target]);
}

/** Unmounts what is mounted at `at`; a busy mount is detached lazily (it goes when its last user lets go). */
export async function unmount(at: string, privilege: string[]): Promise<void> {
  try {
    await privileged(privilege, 'umount', [at]);
  } catch (error) {
    await privileged(privilege, 'umount', ['--lazy', at]).catch(() => undefined);
    throw error;
  }
}

/**
 * Takes down a restored tree: the overlay, then the image's mount (which frees its loop device), then the
 * directory with the image and the overlay's layers, and the empty mount point. Returns the problems, each
 * worded for a warning; the tree is then unmounted as far as it could be.
 */
export async function unmountTree(tree: MountedTree): Promise<string[]> {
  const problems: string[] = [];
  for (const at of [tree.target, tree.lower]) {
    try {
      await unmount(at, tree.privilege);
    } catch (error) {
      problems.push(`could not unmount ${at}: ${commandProblem(error)}`);
    }
  }
  if (!problems.length) {
    await privileged(tree.privilege, 'rm', ['-rf', tree.dir]).catch((error: unknown) =>
      problems.push(`could not remove ${tree.dir}: ${commandProblem(error)}`),
    );
    await rmdir(tree.target).catch(() => undefined);
  }
  return problems;
}

async function privileged(privilege: string[], command: string, args: string[]): Promise<void> {
  const [program, ...rest] = [...privilege, command, ...args];
  await run(program!, rest, { maxBuffer: MAX_BUFFER });
}

/** A failed command's complaint on one line. */
export function commandProblem(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr ?? '';
  const lines = [...new Set(stderr.split('\n').map((l) => l.trim()))].filter(Boolean);
  return lines.join('; ') || (error as Error).message;
}
