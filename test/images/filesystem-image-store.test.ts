import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FilesystemImageStore } from '../../runner-agent/src/images/filesystem-image-store.ts';
import { imageStoreContract, writeRandomImage } from './image-store-contract.ts';

const run = promisify(execFile);

imageStoreContract('filesystem', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
  const store = new FilesystemImageStore({ dir: path.join(dir, 'store') });
  return {
    store,
    async putRaw(blob, data) {
      await mkdir(store.dir, { recursive: true });
      await writeFile(path.join(store.dir, blob), data);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('filesystem image store specifics', () => {
  it('leaves files that are not blobs, and unfinished uploads, out of the list', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
    try {
      await writeFile(path.join(dir, 'README'), 'not an image');
      await writeFile(path.join(dir, `.x-${'a'.repeat(64)}.qcow2.uploading-1234`), 'half');
      const store = new FilesystemImageStore({ dir });
      expect(await store.list()).toEqual([]);
      expect((await readdir(dir)).length).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A tiny tmpfs (this runs as root here); elsewhere the full-disk tests are skipped, saying why. */
async function tinyFilesystem(megabytes: number): Promise<{ dir: string; cleanup(): Promise<void> } | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-tmpfs-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
  } catch {
    await rm(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    async cleanup() {
      await run('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const canMount = (await tinyFilesystem(1).then(async (fs) => (await fs?.cleanup(), fs !== null))) as boolean;

describe.skipIf(!canMount)('image store on a full disk (a 2 MiB tmpfs)', () => {
  it('an upload that does not fit fails clearly and leaves no partial blob or temporary file', async () => {
    const disk = (await tinyFilesystem(2))!;
    const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
    try {
      const file = path.join(work, 'big.qcow2');
      const blob = await writeRandomImage(file, 3 * 1024 * 1024);
      const store = new FilesystemImageStore({ dir: disk.dir });
      const error = (await store.upload(file, blob).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        new RegExp(`^cannot store ${blob} in ${disk.dir}: ENOSPC: no space left on device`),
      );
      expect(await readdir(disk.dir)).toEqual([]);
      expect(await store.list()).toEqual([]);
    } finally {
      await disk.cleanup();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('a download that does not fit keeps what it got for a resume once there is space', async () => {
    const disk = (await tinyFilesystem(2))!;
    const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-images-'));
    try {
      const store = new FilesystemImageStore({ dir: path.join(work, 'store') });
      const file = path.join(work, 'big.qcow2');
      const blob = await writeRandomImage(file, 3 * 1024 * 1024);
      await store.upload(file, blob);
      const dest = path.join(disk.dir, blob);
      const error = (await store.download(blob, dest).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        new RegExp(
          `^download of ${blob} from .* stopped: no space left on the device of ${disk.dir}; \\d+ of 3145728 bytes are kept in ${dest}\\.part, run it again to resume$`,
        ),
      );
      const kept = (await stat(`${dest}.part`)).size;
      expect(kept).toBeGreaterThan(0);
      // Space freed (the disk grows), the same download resumes and verifies.
      await run('mount', ['-o', 'remount,size=8m', disk.dir]);
      expect(await store.download(blob, dest)).toEqual({ bytes: 3 * 1024 * 1024, resumedFrom: kept });
    } finally {
      await disk.cleanup();
      await rm(work, { recursive: true, force: true });
    }
  });
});
