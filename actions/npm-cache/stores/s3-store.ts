import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ENTRY_SUFFIX, keyLengthProblem, type CacheStore, type EntryKind } from './cache-store.ts';

/** S3's limit on an object key, in UTF-8 bytes. */
const MAX_OBJECT_KEY_BYTES = 1024;

/** Archives as objects `<prefix><key>.tgz`, squashfs images as `<prefix><key>.squashfs`, in an S3 (or S3-compatible) bucket. */
export class S3Store implements CacheStore {
  readonly description: string;
  readonly kind: EntryKind;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #suffix: string;

  constructor(client: S3Client, bucket: string, prefix = '', kind: EntryKind = 'archive') {
    this.#client = client;
    this.#bucket = bucket;
    this.#prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
    this.kind = kind;
    this.#suffix = ENTRY_SUFFIX[kind];
    this.description = `s3://${bucket}/${this.#prefix}`;
  }

  withKind(kind: EntryKind): S3Store {
    return new S3Store(this.#client, this.#bucket, this.#prefix, kind);
  }

  async fetch(key: string, file: string): Promise<boolean> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
      );
      await pipeline(object.Body as Readable, createWriteStream(file));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async store(key: string, file: string): Promise<boolean> {
    if (await this.#exists(key)) return false;
    // A single PUT is atomic on S3: a reader sees the whole archive or none.
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#key(key),
        Body: createReadStream(file),
        ContentLength: (await stat(file)).size,
        // zstd, gzip or squashfs: the name's suffix says which kind, the first bytes which format.
        ContentType: 'application/octet-stream',
      }),
    );
    return true;
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Every object under the prefix, page by page (ListObjectsV2 with Prefix and the continuation token), the
   * newest LastModified winning. S3 keeps LastModified to the second: of entries saved within one second,
   * the greatest key wins.
   */
  async findLatest(prefix: string): Promise<string | undefined> {
    let newest: { key: string; modified: number } | undefined;
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#key(prefix, ''),
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.endsWith(this.#suffix)) continue;
        const key = object.Key.slice(this.#prefix.length, -this.#suffix.length);
        const modified = object.LastModified?.getTime() ?? 0;
        if (!newest || modified > newest.modified || (modified === newest.modified && key > newest.key))
          newest = { key, modified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return newest?.key;
  }

  keyProblem(key: string): string | undefined {
    return keyLengthProblem(
      key,
      MAX_OBJECT_KEY_BYTES - Buffer.byteLength(this.#prefix) - this.#suffix.length,
      'bytes',
      this.description,
    );
  }

  #key(key: string, suffix: string = this.#suffix): string {
    return `${this.#prefix}${key}${suffix}`;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
