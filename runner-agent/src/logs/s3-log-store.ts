import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
  type _Object,
} from '@aws-sdk/client-s3';
import type { SecretRegistry } from '../../../core/secrets.ts';
import { BufferedLogWriter } from './buffered-log-writer.ts';
import { assertValidJobId, isValidJobId } from './job-id.ts';
import { assertValidArtifactPath } from './artifact-path.ts';
import {
  jobLogTime,
  type ArtifactInfo,
  type JobLogMeta,
  type LogChunk,
  type LogStore,
  type LogWriter,
} from './log-store.ts';

export interface S3LogStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix for all logs. Default `logs/`. */
  prefix?: string;
  secrets?: SecretRegistry;
  /** A log stops growing here, with a final line saying so. Default 50 MiB. */
  maxLogBytes?: number;
  /** How long output may wait before it is uploaded as a chunk. Default 5 s (S3 charges per request). */
  flushIntervalMs?: number;
  /** Output past this is uploaded at once. Default 1 MiB. */
  chunkBytes?: number;
  /** The most one read() returns. Default 4 MiB. */
  maxReadBytes?: number;
}

const MiB = 1024 * 1024;
/** Chunk keys carry their starting byte offset, zero-padded so that keys list in log order. */
const OFFSET_DIGITS = 15;

/**
 * Job logs in any S3-compatible object store, for agents on several machines. S3 objects cannot be appended
 * to, so output is uploaded in chunks (`<prefix><job>/chunks/<offset>`, about 1 MiB or a few seconds each,
 * as Cockpit's bots do) next to `<prefix><job>/meta.json`; a reader lists the chunks and reads across them.
 * Artifacts are `<prefix><job>/artifacts/<path>`.
 */
export class S3LogStore implements LogStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #secrets: SecretRegistry | undefined;
  readonly #maxLogBytes: number;
  readonly #flushIntervalMs: number;
  readonly #chunkBytes: number;
  readonly #maxReadBytes: number;

  constructor(options: S3LogStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'logs/';
    this.#secrets = options.secrets;
    this.#maxLogBytes = options.maxLogBytes ?? 50 * MiB;
    if (!(this.#maxLogBytes >= 1024)) throw new RangeError('maxLogBytes must be at least 1024');
    this.#flushIntervalMs = options.flushIntervalMs ?? 5_000;
    this.#chunkBytes = options.chunkBytes ?? MiB;
    this.#maxReadBytes = options.maxReadBytes ?? 4 * MiB;
  }

  async create(meta: JobLogMeta): Promise<LogWriter> {
    const base = this.#base(meta.jobId);
    // A retried job continues its log: earlier attempts' output stays in front.
    let size = totalSize(await this.#chunks(base));
    await this.#put(`${base}meta.json`, JSON.stringify(meta, null, 2) + '\n', 'application/json');
    return new BufferedLogWriter({
      sink: {
        write: async (buffers) => {
          // One object per write: the buffers are the writer's again afterwards, so they are copied into it.
          const data = Buffer.concat(buffers);
          await this.#put(
            `${base}chunks/${String(size).padStart(OFFSET_DIGITS, '0')}`,
            data,
            'text/plain; charset=utf-8',
          );
          size += data.length;
        },
        writeMeta: (final) =>
          this.#put(`${base}meta.json`, JSON.stringify(final, null, 2) + '\n', 'application/json'),
        close: async () => undefined,
      },
      meta,
      existingBytes: size,
      maxLogBytes: this.#maxLogBytes,
      flushIntervalMs: this.#flushIntervalMs,
      eagerWriteBytes: this.#chunkBytes,
      secrets: this.#secrets,
    });
  }

  async read(jobId: string, offset = 0): Promise<LogChunk | null> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid log offset ${offset}`);
    const base = this.#base(jobId);
    // Meta first: finish() uploads all output before the final meta, so "complete" means the bytes are there.
    const meta = await this.meta(jobId);
    if (!meta) return null;
    const chunks = await this.#chunks(base);
    const size = totalSize(chunks);
    const parts: Buffer[] = [];
    let position = offset;
    const end = Math.min(size, offset + this.#maxReadBytes);
    for (const chunk of chunks) {
      if (position >= end) break;
      const chunkEnd = chunk.start + chunk.size;
      if (chunkEnd <= position) continue;
      const from = position - chunk.start;
      const to = Math.min(chunk.size, end - chunk.start) - 1;
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: chunk.key, Range: `bytes=${from}-${to}` }),
      );
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      parts.push(bytes);
      position += bytes.length;
    }
    const data = Buffer.concat(parts);
    const nextOffset = offset + data.length;
    return { data, nextOffset, complete: meta.state !== 'running' && nextOffset >= size };
  }

  async meta(jobId: string): Promise<JobLogMeta | null> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: `${this.#base(jobId)}meta.json` }),
      );
      return JSON.parse(await object.Body!.transformToString('utf8')) as JobLogMeta;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async putArtifact(jobId: string, artifactPath: string, file: string): Promise<void> {
    const key = this.#artifactKey(jobId, artifactPath);
    const { size } = await stat(file);
    // Streamed from the file: an artifact may be larger than this process wants to hold.
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async listArtifacts(jobId: string): Promise<ArtifactInfo[]> {
    const prefix = `${this.#base(jobId)}artifacts/`;
    return (await this.#list(prefix))
      .map((o) => ({ path: o.Key!.slice(prefix.length), bytes: o.Size ?? 0 }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readArtifact(jobId: string, artifactPath: string): Promise<{ body: Readable; bytes: number } | null> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#artifactKey(jobId, artifactPath) }),
      );
      const body = object.Body as Readable | undefined;
      if (!body) return null;
      return { body, bytes: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async prune(before: Date): Promise<{ jobs: number }> {
    const cutoff = before.getTime();
    let jobs = 0;
    for (const jobId of await this.#jobIds()) {
      const meta = await this.meta(jobId).catch(() => null);
      const objects = await this.#list(this.#base(jobId));
      // Without a readable meta: the age of the job's newest object.
      const time = meta
        ? jobLogTime(meta)
        : Math.max(...objects.map((o) => o.LastModified?.getTime() ?? Infinity));
      if (!(time < cutoff)) continue;
      // The meta goes last: a prune that stops half-way leaves a job that the next prune still finds.
      const keys = objects
        .map((o) => o.Key!)
        .sort((a, b) => Number(a.endsWith('/meta.json')) - Number(b.endsWith('/meta.json')));
      for (let i = 0; i < keys.length; i += 1000) {
        const result = await this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.#bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = result.Errors ?? [];
        if (failed.length > 0)
          throw new Error(
            `could not delete ${failed.length} object(s) of job ${jobId}: ${failed[0]!.Key}: ${failed[0]!.Message ?? failed[0]!.Code}`,
          );
      }
      jobs++;
    }
    return { jobs };
  }

  /** The job ids with anything stored: the "directories" right below the prefix. */
  async #jobIds(): Promise<string[]> {
    const ids: string[] = [];
    const pages = paginateListObjectsV2(
      { client: this.#client },
      { Bucket: this.#bucket, Prefix: this.#prefix, Delimiter: '/' },
    );
    for await (const page of pages)
      for (const common of page.CommonPrefixes ?? []) {
        const id = common.Prefix!.slice(this.#prefix.length, -1);
        if (isValidJobId(id)) ids.push(id);
      }
    return ids;
  }

  #artifactKey(jobId: string, artifactPath: string): string {
    assertValidArtifactPath(artifactPath);
    return `${this.#base(jobId)}artifacts/${artifactPath}`;
  }

  #base(jobId: string): string {
    assertValidJobId(jobId);
    return `${this.#prefix}${jobId}/`;
  }

  async #put(key: string, body: string | Buffer, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  /** Every object below `prefix`, across pages. */
  async #list(prefix: string): Promise<_Object[]> {
    const objects: _Object[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.#client },
      { Bucket: this.#bucket, Prefix: prefix },
    ))
      objects.push(...(page.Contents ?? []));
    return objects;
  }

  async #chunks(base: string): Promise<{ key: string; start: number; size: number }[]> {
    return (await this.#list(`${base}chunks/`))
      .map((o) => ({ key: o.Key!, start: Number(o.Key!.slice(`${base}chunks/`.length)), size: o.Size ?? 0 }))
      .sort((a, b) => a.start - b.start);
  }
}

function totalSize(chunks: { start: number; size: number }[]): number {
  const last = chunks.at(-1);
  return last ? last.start + last.size : 0;
}
