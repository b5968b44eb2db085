import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * node_modules as a tarball, made and unpacked by the system tar (GNU tar on the hosted runners and on
 * GitLab's images): it keeps links, modes and the hidden lockfile exactly as npm wrote them. Compressed with
 * the `zstd` binary, multithreaded, through tar's --use-compress-program (tar runs and checks it, as
 * actions/cache does); gzip only where the machine has no zstd.
 *
 * Which one an archive is, the file says: restore reads its first bytes (zstd frames start 28 b5 2f fd, gzip
 * 1f 8b). The key stays the same for both, so entries saved as gzip before zstd still restore, and a machine
 * without zstd that finds a zstd entry gets a miss with a warning saying to install zstd (it cannot save
 * its own gzip under a key that is taken; all hosted runners and the Debian/Ubuntu images have zstd).
 *
 * The level, measured on a real tree (this repository's node_modules: 558 MiB in 28,500 files, as one tar;
 * 2 cores shared with other jobs; wall seconds to compress the tar, and to decompress it to /dev/null):
 *
 *                            size      compress  decompress
 *   gzip -6 (before)         116 MiB   31.5 s    6.6 s
 *   zstd -1 -T0              122 MiB    2.9 s    0.9 s
 *   zstd -3 -T0               98 MiB    4.1 s    1.1 s
 *   zstd -6 -T0               89 MiB   10.0 s    1.1 s
 *   zstd -1 -T0 --long=30     94 MiB    4.0 s    1.7 s
 *   zstd -3 -T0 --long=30     86 MiB    6.1 s    1.5 s   ← chosen, as actions/cache
 *
 * Level 3 with a 1 GiB window (node_modules repeats whole files far apart) is the smallest for less than
 * level 6's time; restore time is fetch plus `tar -x` writing tens of thousands of files (10-30 s here for
 * any of these, against which the decompressor runs in parallel), so a smaller download counts more than
 * half a second of decompression. Decompressing needs --long=30 too, and up to 1 GiB of memory.
 */
export const ZSTD_ARGS = ['-3', '-T0', '--long=30'];
/** tar adds -d; decompression must allow the window the archive was made with (--long=30: 1 GiB). */
const UNZSTD_ARGS = ['--long=30'];

export type ArchiveFormat = 'zstd' | 'gzip';

const MAX_BUFFER = 16 * 1024 * 1024;

let zstdFound: Promise<boolean> | undefined;

/** Whether the `zstd` binary runs here (asked once per process). */
export function zstdAvailable(): Promise<boolean> {
  zstdFound ??= run('zstd', ['--version']).then(
    () => true,
    () => false,
  );
  return zstdFound;
}

/** The format a new archive is made in here: zstd, or gzip where there is no zstd binary. */
export async function defaultArchiveFormat(): Promise<ArchiveFormat> {
  return (await zstdAvailable()) ? 'zstd' : 'gzip';
}

/** Archives projectDir/node_modules into file; returns the format it used. */
export async function createArchive(
  projectDir: string,
  file: string,
  format?: ArchiveFormat,
): Promise<ArchiveFormat> {
  const chosen = format ?? (await defaultArchiveFormat());
  const compress = chosen === 'zstd' ? ['--use-compress-program', ['zstd', ...ZSTD_ARGS].join(' ')] : ['-z'];
  await run('tar', ['-c', ...compress, '-f', file, '-C', projectDir, 'node_modules'], {
    maxBuffer: MAX_BUFFER,
  });
  return chosen;
}

export class CorruptArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptArchiveError';
  }
}

/** The format the file's first bytes say, or undefined for neither zstd nor gzip. */
export async function archiveFormat(file: string): Promise<ArchiveFormat | undefined> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Unpacks into `into` (which then holds node_modules/) and returns the archive's format. A damaged,
 * truncated or unknown archive, or a zstd one on a machine without zstd, is a CorruptArchiveError.
 */
export async function extractArchive(file: string, into: string): Promise<ArchiveFormat> {
  const format = await archiveFormat(file);
  if (!format) throw new CorruptArchiveError('it is neither a zstd nor a gzip archive');
  if (format === 'zstd' && !(await zstdAvailable()))
    throw new CorruptArchiveError('it is a zstd archive and this machine has no zstd binary; install zstd');
  const decompress =
    format === 'zstd' ? ['--use-compress-program', ['zstd', ...UNZSTD_ARGS].join(' ')] : ['-z'];
  try {
    await run('tar', ['-x', ...decompress, '-f', file, '-C', into, '--no-same-owner'], {
      maxBuffer: MAX_BUFFER,
    });
  } catch (error) {
    // tar's complaint, on one line for the log: "zstd: /*stdin*\: truncated input; tar: …".
    const lines = [
      ...new Set(((error as { stderr?: string }).stderr ?? '').split('\n').map((l) => l.trim())),
    ];
    throw new CorruptArchiveError(lines.filter(Boolean).join('; ') || (error as Error).message);
  }
  return format;
}
