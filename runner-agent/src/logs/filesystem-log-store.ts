import { randomUUID } from 'node:crypto';
import {
  copyFile,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
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

export interface FilesystemLogStoreOptions {
  /**
   * One directory per job below here: `<root>/<jobId>/output.log`, `<root>/<jobId>/meta.json` and the job's
   * artifacts in `<root>/<jobId>/artifacts/`.
   */
  root: string;
  /** Registered secrets are redacted from every appended chunk before it is stored. */
  secrets?: SecretRegistry;
  /** A log stops growing here, with a final line saying so. Default 50 MiB; at least 1 KiB. */
  maxLogBytes?: number;
  /** How long appended output may wait in memory before it is written. Default 250 ms. */
  flushIntervalMs?: number;
  /** The most one read() returns; read on from nextOffset for more. Default 4 MiB. */
  maxReadBytes?: number;
}

const MiB = 1024 * 1024;
/** Pending output beyond this is written at once instead of waiting for the flush interval. */
const EAGER_WRITE_BYTES = 256 * 1024;

/**
 * Job logs in a local directory. Writers batch appended output in memory and write it in the background;
 * meta.json is replaced atomically, and a log counts as complete once its meta has a final state (so a
 * reader that sees "complete" also sees all the output, which finish() writes first).
 */
export class FilesystemLogStore implements LogStore {
  readonly #root: string;
  readonly #secrets: SecretRegistry | undefined;
  readonly #maxLogBytes: number;
  readonly #flushIntervalMs: number;
  readonly #maxReadBytes: number;

  constructor(options: FilesystemLogStoreOptions) {
    this.#root = path.resolve(options.root);
    this.#secrets = options.secrets;
    this.#maxLogBytes = options.maxLogBytes ?? 50 * MiB;
    if (!(this.#maxLogBytes >= 1024)) throw new RangeError('maxLogBytes must be at least 1024');
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
    this.#maxReadBytes = options.maxReadBytes ?? 4 * MiB;
  }

  /**
   * Starts (or, for a retried job, continues) a job's log: output of an earlier attempt stays in front, so
   * offsets handed out before remain valid.
   */
  async create(meta: JobLogMeta): Promise<LogWriter> {
    const dir = this.#dir(meta.jobId);
    await mkdir(dir, { recursive: true });
    const file = await open(path.join(dir, 'output.log'), 'a');
    try {
      const { size } = await file.stat();
      await writeJsonAtomically(path.join(dir, 'meta.json'), meta);
      const metaPath = path.join(dir, 'meta.json');
      return new BufferedLogWriter({
        sink: {
          write: (data) => writeAll(file, data),
          writeMeta: (final) => writeJsonAtomically(metaPath, final),
          close: () => file.close(),
        },
        meta,
        existingBytes: size,
        maxLogBytes: this.#maxLogBytes,
        flushIntervalMs: this.#flushIntervalMs,
        eagerWriteBytes: EAGER_WRITE_BYTES,
        secrets: this.#secrets,
      });
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async read(jobId: string, offset = 0): Promise<LogChunk | null> {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid log offset ${offset}`);
    // Meta first: finish() writes all output before the final meta, so "complete" here means the bytes are there.
    const meta = await this.meta(jobId);
    if (!meta) return null;
    const finished = meta.state !== 'running';
    let file: FileHandle;
    try {
      file = await open(path.join(this.#dir(jobId), 'output.log'), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return { data: Buffer.alloc(0), nextOffset: offset, complete: finished };
    }
    try {
      const { size } = await file.stat();
      const length = Math.max(0, Math.min(size - offset, this.#maxReadBytes));
      const data = Buffer.alloc(length);
      const { bytesRead } = length > 0 ? await file.read(data, 0, length, offset) : { bytesRead: 0 };
      const nextOffset = offset + bytesRead;
      return { data: data.subarray(0, bytesRead), nextOffset, complete: finished && nextOffset >= size };
    } finally {
      await file.close();
    }
  }

  async meta(jobId: string): Promise<JobLogMeta | null> {
    try {
      return JSON.parse(await readFile(path.join(this.#dir(jobId), 'meta.json'), 'utf8')) as JobLogMeta;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async putArtifact(jobId: string, artifactPath: string, file: string): Promise<void> {
    const target = this.#artifactFile(jobId, artifactPath);
    await mkdir(path.dirname(target), { recursive: true });
    // Copied next to its place and renamed: a reader never sees half an artifact.
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
    try {
      await copyFile(file, temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async listArtifacts(jobId: string): Promise<ArtifactInfo[]> {
    const root = path.join(this.#dir(jobId), 'artifacts');
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      },
    );
    const artifacts: ArtifactInfo[] = [];
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.endsWith('.tmp')) continue;
      const file = path.join(entry.parentPath, entry.name);
      artifacts.push({
        path: path.relative(root, file).split(path.sep).join('/'),
        bytes: (await stat(file)).size,
      });
    }
    return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readArtifact(jobId: string, artifactPath: string): Promise<{ body: Readable; bytes: number } | null> {
    const file = this.#artifactFile(jobId, artifactPath);
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return null;
      throw error;
    });
    if (!handle) return null;
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    return { body: handle.createReadStream(), bytes: info.size };
  }

  async prune(before: Date): Promise<{ jobs: number }> {
    const cutoff = before.getTime();
    let jobs = 0;
    const names = await readdir(this.#root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    for (const jobId of names) {
      if (!isValidJobId(jobId)) continue;
      const dir = path.join(this.#root, jobId);
      const meta = await this.meta(jobId).catch(() => null);
      // A directory without a readable meta is a job whose log was never started properly: its age is its
      // directory's.
      const time = meta ? jobLogTime(meta) : ((await stat(dir).catch(() => null))?.mtimeMs ?? Infinity);
      if (!(time < cutoff)) continue;
      await rm(dir, { recursive: true, force: true });
      jobs++;
    }
    return { jobs };
  }

  #artifactFile(jobId: string, artifactPath: string): string {
    assertValidArtifactPath(artifactPath);
    return path.join(this.#dir(jobId), 'artifacts', ...artifactPath.split('/'));
  }

  #dir(jobId: string): string {
    assertValidJobId(jobId);
    return path.join(this.#root, jobId);
  }
}

/** writev() may write less than asked (a disk filling up, a signal): the rest follows until all is written. */
async function writeAll(file: FileHandle, data: Buffer[]): Promise<void> {
  let rest = data;
  while (rest.length) {
    let { bytesWritten } = await file.writev(rest);
    while (rest.length && bytesWritten >= rest[0]!.length) bytesWritten -= rest.shift()!.length;
    if (rest.length && bytesWritten > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
  }
}

/** Readers see the old or the new file, never half of one. */
async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(value, null, 2) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
