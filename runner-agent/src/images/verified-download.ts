import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseBlobName } from './image-reference.ts';
import {
  ImageChecksumError,
  ImageNotFoundError,
  type BlobReader,
  type DownloadResult,
  type TransferIO,
} from './image-store.ts';

/**
 * The download every store shares: bytes go to `<dest>.part` as they arrive (so an interrupted download
 * resumes where it stopped, through a ranged read), the sha256 is computed on the way (over the part already
 * on disk first), and only a file whose sha256 matches its blob name is renamed to `dest`.
 */
export async function downloadVerified(
  reader: BlobReader,
  where: string,
  blob: string,
  dest: string,
  io: TransferIO = {},
): Promise<DownloadResult> {
  const { sha256 } = parseBlobName(blob);
  const total = await reader.size(blob);
  if (total === null) throw new ImageNotFoundError(blob, where);
  await mkdir(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let resumedFrom = (await stat(part).catch(() => null))?.size ?? 0;
  // Longer than the blob: not a prefix of it (blobs never change), so start again.
  if (resumedFrom > total) {
    await rm(part, { force: true });
    resumedFrom = 0;
  }
  const hash = createHash('sha256');
  if (resumedFrom > 0) {
    for await (const chunk of createReadStream(part, { end: resumedFrom - 1 })) hash.update(chunk as Buffer);
  }
  let done = resumedFrom;
  io.progress?.(done, total);
  if (resumedFrom < total) {
    const body = await reader.read(blob, resumedFrom, io.signal);
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        done += chunk.length;
        io.progress?.(done, total);
        callback(null, chunk);
      },
    });
    // On any failure the part stays: the next attempt resumes from what reached the disk.
    try {
      await pipeline(body, hashing, createWriteStream(part, { flags: 'a' }), {
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (error) {
      const kept = (await stat(part).catch(() => null))?.size ?? 0;
      const reason =
        (error as NodeJS.ErrnoException).code === 'ENOSPC'
          ? `no space left on the device of ${path.dirname(dest)}`
          : (error as Error).message;
      throw new Error(
        `download of ${blob} from ${where} stopped: ${reason}; ${kept} of ${total} bytes are kept in ${part}, run it again to resume`,
        { cause: error },
      );
    }
  }
  const written = (await stat(part)).size;
  const actual = hash.digest('hex');
  if (written < total)
    throw new Error(
      `download of ${blob} from ${where} stopped after ${written} of ${total} bytes; run it again to resume`,
    );
  if (written > total || actual !== sha256) {
    await rm(part, { force: true });
    throw new ImageChecksumError(
      `${blob} downloaded from ${where}`,
      sha256,
      actual,
      'the download was deleted',
    );
  }
  await rename(part, dest);
  return { bytes: total, resumedFrom };
}

/** sha256 of a file, streamed. */
export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { ...(signal ? { signal } : {}) }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}
