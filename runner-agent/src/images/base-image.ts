import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { promisify } from 'node:util';
import type { BlobReader, TransferIO } from './image-store.ts';
import { downloadVerified } from './verified-download.ts';

const run = promisify(execFile);

/**
 * A recipe's `base: image:` — a disk image someone else built (a distribution's cloud image), downloaded
 * once into the cache, verified against the recipe's sha256 before anything reads it, and unpacked into the
 * directory tree the recipe's packages, files and commands then go into.
 */
export interface BaseImageSpec {
  url: string;
  sha256: string;
  /** Which partition holds the root filesystem; default: the largest, or the whole disk when unpartitioned. */
  partition?: number | undefined;
}

/** The image's bytes over HTTP(S): its size from HEAD, the rest from a ranged GET (so a download resumes). */
export function httpBlobReader(url: string): BlobReader {
  return {
    async size() {
      const response = await fetch(url, { method: 'HEAD', redirect: 'follow' });
      if (response.status === 404 || response.status === 410) return null;
      if (!response.ok) throw new Error(`HEAD ${url}: HTTP ${response.status}`);
      const length = Number(response.headers.get('content-length'));
      if (!Number.isSafeInteger(length) || length <= 0)
        throw new Error(`HEAD ${url}: no Content-Length, so the download could not be checked for its end`);
      return length;
    },
    async read(_blob, start, signal) {
      const response = await fetch(url, {
        redirect: 'follow',
        headers: start > 0 ? { range: `bytes=${start}-` } : {},
        ...(signal ? { signal } : {}),
      });
      if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
      const body = Readable.fromWeb(response.body);
      // A server that ignores Range sends everything: skip what is already on disk.
      return start > 0 && response.status === 200 ? body.pipe(skipBytes(start)) : body;
    },
  };
}

function skipBytes(count: number): Transform {
  let left = count;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (left >= chunk.length) {
        left -= chunk.length;
        return callback();
      }
      const rest = chunk.subarray(left);
      left = 0;
      callback(null, rest);
    },
  });
}

/**
 * The base image in `<cacheDir>/base-images/<sha256>`: downloaded (resuming a partial download) and verified
 * the first time, reused afterwards. A download whose sha256 differs is deleted and throws ImageChecksumError.
 */
export async function cachedBaseImage(
  spec: BaseImageSpec,
  cacheDir: string,
  io: TransferIO & { log: (line: string) => void },
): Promise<string> {
  return cachedVerifiedDownload(spec, path.join(cacheDir, 'base-images', spec.sha256), 'base', io);
}

/**
 * A recipe's `downloads:` item in `<cacheDir>/downloads/<sha256>`, fetched and verified like a base image:
 * resumed when interrupted, deleted (ImageChecksumError) when its sha256 is not the recipe's.
 */
export async function cachedRecipeDownload(
  spec: { url: string; sha256: string },
  cacheDir: string,
  io: TransferIO & { log: (line: string) => void },
): Promise<string> {
  return cachedVerifiedDownload(spec, path.join(cacheDir, 'downloads', spec.sha256), 'download', io);
}

async function cachedVerifiedDownload(
  spec: { url: string; sha256: string },
  dest: string,
  kind: 'base' | 'download',
  io: TransferIO & { log: (line: string) => void },
): Promise<string> {
  if (await stat(dest).catch(() => null)) return dest;
  io.log(`downloading ${kind === 'base' ? 'the base image ' : ''}${spec.url}`);
  // downloadVerified checks against the sha256 in a blob name; the name itself only shows in messages.
  const { bytes, resumedFrom } = await downloadVerified(
    httpBlobReader(spec.url),
    spec.url,
    `${kind}-${spec.sha256}.qcow2`,
    dest,
    io,
  );
  io.log(
    `downloaded ${(bytes / 1e6).toFixed(1)} MB${resumedFrom ? ` (resumed at ${(resumedFrom / 1e6).toFixed(1)} MB)` : ''}, sha256 verified`,
  );
  return dest;
}

/**
 * Copies the root filesystem of a disk image (qcow2, raw, or any format qemu-img reads) into `rootfs`: the
 * image is converted to raw, the chosen partition (found in its partition table by sfdisk) attached read-only
 * to a loop device at its offset — loop partition scanning is off on many hosts and in containers — and
 * mounted read-only. Everything attached or mounted is released, whatever fails.
 */
export async function unpackBaseImage(
  file: string,
  partition: number | undefined,
  rootfs: string,
  work: string,
  log: (line: string) => void,
): Promise<void> {
  const info = JSON.parse((await run('qemu-img', ['info', '--output=json', file])).stdout) as {
    format: string;
    'virtual-size': number;
  };
  log(`unpacking the base image (${info.format}, ${(info['virtual-size'] / 2 ** 30).toFixed(1)} GiB disk)`);
  const raw = path.join(work, 'base.raw');
  await run('qemu-img', ['convert', '-q', '-f', info.format, '-O', 'raw', file, raw]);
  const mountPoint = await mkdtemp(path.join(work, 'base-mount-'));
  let loop: string | undefined;
  let mounted = false;
  try {
    const root = await rootPartition(raw, partition);
    log(
      `copying the root filesystem from ${root.number === undefined ? 'the whole disk' : `partition ${root.number}`}`,
    );
    loop = (
      await run('losetup', [
        '--find',
        '--show',
        '--read-only',
        ...(root.number === undefined
          ? []
          : ['--offset', String(root.offset), '--sizelimit', String(root.bytes)]),
        raw,
      ])
    ).stdout.trim();
    await run('mount', ['-o', 'ro', loop, mountPoint]).catch((error: Error & { stderr?: string }) => {
      throw new Error(
        `cannot mount the root filesystem of the base image (${root.number === undefined ? 'whole disk' : `partition ${root.number}`}): ${(error.stderr ?? error.message).trim()}`,
      );
    });
    mounted = true;
    await mkdir(rootfs, { recursive: true });
    await run('cp', ['-a', `${mountPoint}/.`, rootfs], { maxBuffer: 16 * 1024 * 1024 });
  } finally {
    if (mounted) await run('umount', [mountPoint]).catch(() => undefined);
    if (loop) await run('losetup', ['-d', loop]).catch(() => undefined);
    await rm(raw, { force: true });
    await rm(mountPoint, { recursive: true, force: true });
  }
}

interface RootPartition {
  /** Undefined: the disk has no partition table, the filesystem is the whole disk. */
  number: number | undefined;
  offset: number;
  bytes: number;
}

/** The partition asked for, else the largest one, else the whole disk (a filesystem without a partition table). */
async function rootPartition(raw: string, wanted: number | undefined): Promise<RootPartition> {
  const table = await run('sfdisk', ['--json', raw]).then(
    ({ stdout }) =>
      (
        JSON.parse(stdout) as {
          partitiontable: {
            sectorsize?: number;
            partitions?: { node: string; start: number; size: number }[];
          };
        }
      ).partitiontable,
    (error: Error & { stderr?: string; code?: unknown }) => {
      if (error.code === 'ENOENT') throw new Error('sfdisk is not installed: apt-get install fdisk');
      if (/does not contain a recognized partition table/.test(error.stderr ?? '')) return undefined;
      throw new Error(
        `sfdisk cannot read the base image's partition table: ${(error.stderr ?? error.message).trim()}`,
      );
    },
  );
  const sector = table?.sectorsize ?? 512;
  const partitions = (table?.partitions ?? []).map((p) => ({
    number: Number(/(\d+)$/.exec(p.node)?.[1]),
    offset: p.start * sector,
    bytes: p.size * sector,
  }));
  if (wanted !== undefined) {
    const found = partitions.find((p) => p.number === wanted);
    if (!found)
      throw new Error(
        `the base image has no partition ${wanted} (it has ${partitions.map((p) => p.number).join(', ') || 'no partition table'})`,
      );
    return found;
  }
  if (partitions.length === 0) return { number: undefined, offset: 0, bytes: 0 };
  return partitions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
}
