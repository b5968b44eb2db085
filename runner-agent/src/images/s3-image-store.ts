import { createReadStream } from 'node:fs';
import { stat as statFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isBlobName, parseBlobName } from './image-reference.ts';
import {
  ImageChecksumError,
  type DownloadResult,
  type ImageStore,
  type StoredImage,
  type TransferIO,
} from './image-store.ts';
import { downloadVerified, sha256OfFile } from './verified-download.ts';

export interface S3ImageStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix for all blobs. Default `images/`. */
  prefix?: string;
  /** Multipart upload part size. Default 16 MiB (S3's minimum is 5 MiB). */
  partBytes?: number;
}

const MiB = 1024 * 1024;

/**
 * Blobs in any S3-compatible object store: `<prefix><name>-<sha256>.qcow2`. Uploads stream from the file in
 * multipart parts (never the whole image in memory); downloads read ranges, so an interrupted one resumes.
 */
export class S3ImageStore implements ImageStore {
  readonly description: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #partBytes: number;

  constructor(options: S3ImageStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'images/';
    this.#partBytes = options.partBytes ?? 16 * MiB;
    if (!(this.#partBytes >= 5 * MiB)) throw new RangeError('partBytes must be at least 5 MiB');
    this.description = `s3://${this.#bucket}/${this.#prefix}`;
  }

  async list(): Promise<StoredImage[]> {
    const objects: _Object[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.#client },
      { Bucket: this.#bucket, Prefix: this.#prefix },
    ))
      objects.push(...(page.Contents ?? []));
    return objects
      .map((o) => ({
        blob: o.Key!.slice(this.#prefix.length),
        bytes: o.Size ?? 0,
        storedAt: o.LastModified ?? new Date(0),
      }))
      .filter((o) => isBlobName(o.blob))
      .sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  }

  async stat(blob: string): Promise<StoredImage | null> {
    parseBlobName(blob);
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(blob) }),
      );
      return { blob, bytes: head.ContentLength ?? 0, storedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async upload(file: string, blob: string, io: TransferIO = {}): Promise<StoredImage> {
    const { sha256 } = parseBlobName(blob);
    const { size } = await statFile(file);
    const actual = await sha256OfFile(file, io.signal);
    if (actual !== sha256) throw new ImageChecksumError(file, sha256, actual, 'not uploaded');
    const existing = await this.stat(blob);
    if (existing && existing.bytes === size) return existing;
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#key(blob),
        Body: createReadStream(file),
        ContentType: 'application/x-qemu-disk',
        Metadata: { sha256 },
      },
      partSize: this.#partBytes,
      // Two parts in flight at most: memory stays at about 2 × partBytes whatever the image's size.
      queueSize: 2,
      // A failed multipart upload is aborted, so no orphaned parts stay behind and cost money.
      leavePartsOnError: false,
      ...(io.signal ? { abortController: abortControllerFor(io.signal) } : {}),
    });
    upload.on('httpUploadProgress', (p) => io.progress?.(p.loaded ?? 0, size));
    await upload.done();
    return (await this.stat(blob)) ?? { blob, bytes: size, storedAt: new Date() };
  }

  download(blob: string, dest: string, io: TransferIO = {}): Promise<DownloadResult> {
    return downloadVerified(
      {
        size: async (b) => (await this.stat(b))?.bytes ?? null,
        read: async (b, start, signal) => {
          const object = await this.#client.send(
            new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(b), Range: `bytes=${start}-` }),
            signal ? { abortSignal: signal } : {},
          );
          return object.Body as Readable;
        },
      },
      this.description,
      blob,
      dest,
      io,
    );
  }

  async remove(blob: string): Promise<void> {
    parseBlobName(blob);
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(blob) }));
  }

  #key(blob: string): string {
    return `${this.#prefix}${blob}`;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller;
}
