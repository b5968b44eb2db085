import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256File } from '../../../core/files.ts';
import { createHash } from 'node:crypto';

const run = promisify(execFile);

export interface BootFiles {
  vmlinuz: string;
  initrd: string;
}

/** `<name>-<sha256>.qcow2`: the name says what the content must hash to. */
const CONTENT_ADDRESSED = /-([0-9a-f]{64})\.qcow2$/;

export class BaseImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaseImageError';
  }
}

/**
 * The kernel and initramfs inside a base image (/boot/vmlinuz, /boot/initrd of its ext2 root filesystem),
 * extracted once per image and cached: a content-addressed image is verified against the sha256 in its name
 * on that first use, so every later job only pays for an O(1) overlay.
 */
export class BootFilesCache {
  readonly #dir: string;
  readonly #pending = new Map<string, Promise<BootFiles>>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  async get(baseImage: string, log: (line: string) => void): Promise<BootFiles> {
    if (!existsSync(baseImage)) throw new BaseImageError(`base image ${baseImage} does not exist`);
    const key = await cacheKey(baseImage);
    const finalDir = path.join(this.#dir, key);
    const files = { vmlinuz: path.join(finalDir, 'vmlinuz'), initrd: path.join(finalDir, 'initrd') };
    if (existsSync(files.initrd)) return files;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#extract(baseImage, finalDir, files, log).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #extract(baseImage: string, finalDir: string, files: BootFiles, log: (line: string) => void) {
    await mkdir(this.#dir, { recursive: true });
    const expected = CONTENT_ADDRESSED.exec(path.basename(baseImage))?.[1];
    const format = await imageFormat(baseImage);
    if (format !== 'qcow2') throw new BaseImageError(`base image ${baseImage} is ${format}, not qcow2`);
    if (expected) {
      log(`verifying the sha256 of ${path.basename(baseImage)} (first use)`);
      const actual = await sha256File(baseImage);
      if (actual !== expected)
        throw new BaseImageError(
          `base image ${baseImage} is corrupt: its sha256 is ${actual}, its name says ${expected}`,
        );
    }
    const work = await mkdtemp(path.join(this.#dir, '.extract-'));
    try {
      log(`extracting the kernel and initramfs of ${path.basename(baseImage)} (once per image)`);
      const raw = path.join(work, 'disk.raw');
      await run('qemu-img', ['convert', '-q', '-f', 'qcow2', '-O', 'raw', baseImage, raw]).catch(
        (error: Error & { stderr?: string }) => {
          throw new BaseImageError(
            `base image ${baseImage} is unreadable: ${(error.stderr ?? error.message).trim()}`,
          );
        },
      );
      for (const name of ['vmlinuz', 'initrd'] as const) {
        const out = path.join(work, name);
        await run('debugfs', ['-R', `dump /boot/${name} ${out}`, raw]).catch(() => undefined);
        if (!existsSync(out) || (await stat(out)).size === 0)
          throw new BaseImageError(
            `base image ${baseImage} has no /boot/${name}: not an image the VM executor can boot`,
          );
      }
      await rm(raw);
      // Another agent sharing the cache may have finished first: its files are the same.
      if (existsSync(files.initrd)) await rm(work, { recursive: true, force: true });
      else {
        await rm(finalDir, { recursive: true, force: true });
        await rename(work, finalDir);
      }
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      throw error;
    }
    return files;
  }
}

async function imageFormat(file: string): Promise<string> {
  try {
    const { stdout } = await run('qemu-img', ['info', '--output=json', file]);
    return (JSON.parse(stdout) as { format: string }).format;
  } catch (error) {
    const detail = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new BaseImageError(`base image ${file} is unreadable: ${detail}`);
  }
}

/** The sha256 a content-addressed name states; otherwise the file's identity (path, size, mtime). */
async function cacheKey(file: string): Promise<string> {
  const stated = CONTENT_ADDRESSED.exec(path.basename(file))?.[1];
  if (stated) return stated;
  const { size, mtimeMs } = await stat(file);
  return createHash('sha256')
    .update(`${await realpath(file)}\0${size}\0${mtimeMs}`)
    .digest('hex');
}
