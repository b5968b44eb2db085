import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobName } from '../../runner-agent/src/images/image-reference.ts';
import {
  ImageChecksumError,
  ImageNotFoundError,
  type ImageStore,
} from '../../runner-agent/src/images/image-store.ts';
import { sha256OfFile } from '../../runner-agent/src/images/verified-download.ts';

export interface ImageStoreHarness {
  store: ImageStore;
  /** Puts bytes under a blob name behind the store's back (no checks): how a corrupted blob looks. */
  putRaw(blob: string, data: Buffer): Promise<void>;
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;
/**
 * Larger than every buffer on the way (stream highWaterMarks of 64 KiB, the S3 store's 5 MiB parts in these
 * tests), so streaming, multipart uploads and ranged reads all run for real.
 */
export const BIG_IMAGE_BYTES = 12 * MiB + 12_345;

/** Writes `bytes` of random data in 1 MiB pieces; returns the file's blob name for image `name`. */
export async function writeRandomImage(file: string, bytes: number, name = 'test-image'): Promise<string> {
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  for (let left = bytes; left > 0; left -= MiB) {
    const piece = randomBytes(Math.min(MiB, left));
    hash.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return blobName(name, hash.digest('hex'));
}

/** What every image store does, against the real thing (a directory, a local S3-compatible server). */
export function imageStoreContract(name: string, setup: () => Promise<ImageStoreHarness>): void {
  describe(`image store contract: ${name}`, () => {
    let harness: ImageStoreHarness;
    let store: ImageStore;
    let work: string;

    beforeEach(async () => {
      harness = await setup();
      store = harness.store;
      work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-image-store-'));
    });
    afterEach(async () => {
      await harness.cleanup();
      await rm(work, { recursive: true, force: true });
    });

    async function uploaded(bytes: number, image = 'test-image'): Promise<{ file: string; blob: string }> {
      const file = path.join(work, `source-${randomBytes(3).toString('hex')}.qcow2`);
      const blob = await writeRandomImage(file, bytes, image);
      await store.upload(file, blob);
      return { file, blob };
    }

    it('knows nothing about a blob it does not have', async () => {
      const blob = blobName('absent', 'a'.repeat(64));
      expect(await store.list()).toEqual([]);
      expect(await store.stat(blob)).toBeNull();
      await expect(store.download(blob, path.join(work, 'out.qcow2'))).rejects.toBeInstanceOf(
        ImageNotFoundError,
      );
    });

    it('streams a large image up and down unchanged, reporting progress up to the total', async () => {
      const file = path.join(work, 'big.qcow2');
      const blob = await writeRandomImage(file, BIG_IMAGE_BYTES);
      const up: number[] = [];
      const stored = await store.upload(file, blob, { progress: (done) => up.push(done) });
      expect(stored).toMatchObject({ blob, bytes: BIG_IMAGE_BYTES });
      expect(up.at(-1)).toBe(BIG_IMAGE_BYTES);
      expect(await store.stat(blob)).toMatchObject({ blob, bytes: BIG_IMAGE_BYTES });

      const dest = path.join(work, 'copy', blob);
      const down: [number, number][] = [];
      const result = await store.download(blob, dest, { progress: (d, t) => down.push([d, t]) });
      expect(result).toEqual({ bytes: BIG_IMAGE_BYTES, resumedFrom: 0 });
      expect(down.length).toBeGreaterThan(2);
      expect(down.at(-1)).toEqual([BIG_IMAGE_BYTES, BIG_IMAGE_BYTES]);
      expect(await sha256OfFile(dest)).toBe(await sha256OfFile(file));
      await expect(stat(`${dest}.part`)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('lists blobs with their sizes and ages, and removes them', async () => {
      const before = Date.now();
      const a = await uploaded(1000, 'alpha');
      const b = await uploaded(2000, 'beta');
      const listed = await store.list();
      expect(listed.map((i) => [i.blob, i.bytes]).sort()).toEqual(
        [
          [a.blob, 1000],
          [b.blob, 2000],
        ].sort(),
      );
      for (const image of listed) {
        // Stores keep whole seconds; the age is what matters, not the exact instant.
        expect(image.storedAt.getTime()).toBeGreaterThan(before - 5_000);
        expect(image.storedAt.getTime()).toBeLessThan(Date.now() + 5_000);
      }
      await store.remove(a.blob);
      await store.remove(a.blob);
      expect((await store.list()).map((i) => i.blob)).toEqual([b.blob]);
    });

    it('refuses to upload a file whose sha256 is not the one its blob name says', async () => {
      const file = path.join(work, 'x.qcow2');
      await writeRandomImage(file, 4096);
      const wrong = blobName('test-image', '0'.repeat(64));
      await expect(store.upload(file, wrong)).rejects.toBeInstanceOf(ImageChecksumError);
      expect(await store.list()).toEqual([]);
    });

    it('uploads a blob that is already there only once', async () => {
      const { file, blob } = await uploaded(5000);
      await store.upload(file, blob);
      expect((await store.list()).map((i) => i.blob)).toEqual([blob]);
    });

    it('resumes from a partial .part file, reading only the rest from the store', async () => {
      const { file, blob } = await uploaded(BIG_IMAGE_BYTES);
      const dest = path.join(work, 'resume', blob);
      const source = await readFile(file);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.dirname(dest), { recursive: true });
      const have = 5 * MiB + 7;
      await writeFile(`${dest}.part`, source.subarray(0, have));
      const result = await store.download(blob, dest);
      expect(result).toEqual({ bytes: BIG_IMAGE_BYTES, resumedFrom: have });
      expect((await readFile(dest)).equals(source)).toBe(true);
    });

    it('trusts no .part blindly: a wrong prefix fails the checksum and the download is deleted', async () => {
      const { file, blob } = await uploaded(3 * MiB);
      const dest = path.join(work, 'tampered', blob);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.dirname(dest), { recursive: true });
      const prefix = (await readFile(file)).subarray(0, MiB);
      prefix[100] = prefix[100]! ^ 0xff;
      await writeFile(`${dest}.part`, prefix);
      // The prefix was not downloaded again (that is what resuming means), so the sha256 cannot match.
      const error = await store.download(blob, dest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageChecksumError);
      expect((error as Error).message).toContain(blob);
      await expect(stat(`${dest}.part`)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
      // A clean retry then succeeds.
      expect(await store.download(blob, dest)).toMatchObject({ resumedFrom: 0 });
    });

    it('resumes a download that was interrupted midway', async () => {
      const { file, blob } = await uploaded(BIG_IMAGE_BYTES);
      const dest = path.join(work, 'interrupted', blob);
      const controller = new AbortController();
      const interrupted = await store
        .download(blob, dest, {
          signal: controller.signal,
          progress: (done) => {
            if (done >= 2 * MiB) controller.abort(new Error('connection lost'));
          },
        })
        .catch((e: unknown) => e);
      expect(interrupted).toBeInstanceOf(Error);
      expect((interrupted as Error).message).toMatch(/run it again to resume/);
      const kept = (await stat(`${dest}.part`)).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(BIG_IMAGE_BYTES);
      await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });

      const result = await store.download(blob, dest);
      expect(result).toEqual({ bytes: BIG_IMAGE_BYTES, resumedFrom: kept });
      expect(await sha256OfFile(dest)).toBe(await sha256OfFile(file));
    });

    it('deletes a download whose content does not match the blob name, and says so', async () => {
      const blob = blobName('corrupt', createHash('sha256').update('what it should be').digest('hex'));
      await harness.putRaw(blob, Buffer.from('what it is instead'));
      const dest = path.join(work, 'corrupt', blob);
      const error = await store.download(blob, dest).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageChecksumError);
      expect((error as Error).message).toMatch(/sha256 is [0-9a-f]{64}, but its name says/);
      await expect(stat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(stat(`${dest}.part`)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
}
