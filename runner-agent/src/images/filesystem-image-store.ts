import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isBlobName, parseBlobName } from './image-reference.ts';
import {
  ImageChecksumError,
  type DownloadResult,
  type ImageStore,
  type StoredImage,
  type TransferIO,
} from './image-store.ts';
import { downloadVerified, sha256OfFile } from './verified-download.ts';

/**
 * Blobs as files in one directory (a local disk or a shared mount): `<dir>/<name>-<sha256>.qcow2`.
 * An upload is written under a temporary name and renamed, so a blob under its own name is always complete.
 */
export class FilesystemImageStore implements ImageStore {
  readonly dir: string;
  readonly description: string;

  constructor(options: { dir: string }) {
    this.dir = path.resolve(options.dir);
    this.description = this.dir;
  }

  async list(): Promise<StoredImage[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const images: StoredImage[] = [];
    for (const name of names.filter(isBlobName)) {
      const image = await this.stat(name);
      if (image) images.push(image);
    }
    return images.sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  }

  async stat(blob: string): Promise<StoredImage | null> {
    parseBlobName(blob);
    const s = await stat(path.join(this.dir, blob)).catch(() => null);
    return s?.isFile() ? { blob, bytes: s.size, storedAt: s.mtime } : null;
  }

  async upload(file: string, blob: string, io: TransferIO = {}): Promise<StoredImage> {
    const { sha256 } = parseBlobName(blob);
    const source = await stat(file);
    const actual = await sha256OfFile(file, io.signal);
    if (actual !== sha256) throw new ImageChecksumError(file, sha256, actual, 'not uploaded');
    const existing = await this.stat(blob);
    if (existing && existing.bytes === source.size) return existing;
    await mkdir(this.dir, { recursive: true });
    const temporary = path.join(this.dir, `.${blob}.uploading-${randomBytes(4).toString('hex')}`);
    let done = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        done += chunk.length;
        io.progress?.(done, source.size);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(file), counting, createWriteStream(temporary, { flags: 'wx' }), {
        ...(io.signal ? { signal: io.signal } : {}),
      });
      await rename(temporary, path.join(this.dir, blob));
    } catch (error) {
      // A full disk or an abort leaves nothing half-written under the blob's name, and no temporary file.
      await rm(temporary, { force: true });
      throw new Error(`cannot store ${blob} in ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
    return (await this.stat(blob))!;
  }

  download(blob: string, dest: string, io: TransferIO = {}): Promise<DownloadResult> {
    return downloadVerified(
      {
        size: async (b) => (await this.stat(b))?.bytes ?? null,
        read: async (b, start, signal) =>
          createReadStream(path.join(this.dir, b), { start, ...(signal ? { signal } : {}) }),
      },
      this.description,
      blob,
      dest,
      io,
    );
  }

  async remove(blob: string): Promise<void> {
    parseBlobName(blob);
    await rm(path.join(this.dir, blob), { force: true });
  }
}
