import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { StreamRedactor, type SecretRegistry } from '../observability/secrets.ts';
import { assertValidJobId } from './job-id.ts';
import type { JobLogMeta, LogChunk, LogStore, LogWriter } from './log-store.ts';

export interface FilesystemLogStoreOptions {
  /** One directory per job below here: `<root>/<jobId>/output.log` and `<root>/<jobId>/meta.json`. */
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
      return new FilesystemLogWriter({
        file,
        metaPath: path.join(dir, 'meta.json'),
        meta,
        existingBytes: size,
        maxLogBytes: this.#maxLogBytes,
        flushIntervalMs: this.#flushIntervalMs,
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

  #dir(jobId: string): string {
    assertValidJobId(jobId);
    return path.join(this.#root, jobId);
  }
}

interface WriterOptions {
  file: FileHandle;
  metaPath: string;
  meta: JobLogMeta;
  existingBytes: number;
  maxLogBytes: number;
  flushIntervalMs: number;
  secrets: SecretRegistry | undefined;
}

class FilesystemLogWriter implements LogWriter {
  readonly #o: WriterOptions;
  readonly #redaction: { decoder: TextDecoder; redactor: StreamRedactor } | undefined;
  /** A UTF-16 high surrogate whose low half the redactor still holds back; see #encode. */
  #carry = '';
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes in the file plus bytes pending. */
  #size: number;
  #truncated = false;
  #finishing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: Error | undefined;

  constructor(options: WriterOptions) {
    this.#o = options;
    this.#size = options.existingBytes;
    this.#redaction = options.secrets && {
      // Streaming decode keeps a multi-byte character split across chunks whole; BOMs are output, not markers.
      decoder: new TextDecoder('utf-8', { ignoreBOM: true }),
      redactor: new StreamRedactor(options.secrets),
    };
  }

  append(chunk: Buffer | string): void {
    if (this.#finishing) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.#redaction) return this.#accept(Buffer.from(bytes));
    const { decoder, redactor } = this.#redaction;
    this.#accept(this.#encode(redactor.push(decoder.decode(bytes, { stream: true }))));
  }

  async flush(): Promise<void> {
    while (this.#pending.length || this.#writing) await this.#drain();
    if (this.#error) throw this.#error;
  }

  finish(final: Pick<JobLogMeta, 'state'> & Partial<JobLogMeta>): Promise<void> {
    this.#finishing ??= this.#finish(final);
    return this.#finishing;
  }

  async #finish(final: Pick<JobLogMeta, 'state'> & Partial<JobLogMeta>): Promise<void> {
    if (this.#redaction) {
      const { decoder, redactor } = this.#redaction;
      this.#accept(this.#encode(redactor.push(decoder.decode()) + redactor.end()));
      if (this.#carry) this.#accept(Buffer.from(this.#carry));
    }
    try {
      await this.flush();
    } finally {
      await this.#o.file.close().catch(() => undefined);
      const meta: JobLogMeta = {
        ...this.#o.meta,
        ...final,
        jobId: this.#o.meta.jobId,
        finishedAt: final.finishedAt ?? new Date().toISOString(),
      };
      await writeJsonAtomically(this.#o.metaPath, meta);
    }
  }

  /**
   * The redactor cuts text at arbitrary UTF-16 positions, which may fall inside a surrogate pair (an emoji);
   * encoding half a pair would write U+FFFD, so a trailing high surrogate waits for its partner.
   */
  #encode(text: string): Buffer {
    let whole = this.#carry + text;
    this.#carry = '';
    const last = whole.charCodeAt(whole.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.#carry = whole.slice(-1);
      whole = whole.slice(0, -1);
    }
    return Buffer.from(whole);
  }

  #accept(data: Buffer): void {
    if (data.length === 0 || this.#truncated || this.#error) return;
    const notice = Buffer.from(
      `\nironbots: log truncated: it reached the limit of ${formatBytes(this.#o.maxLogBytes)}; later output was dropped\n`,
    );
    const room = this.#o.maxLogBytes - notice.length - this.#size;
    if (data.length <= room) {
      this.#queue(data);
    } else {
      this.#truncated = true;
      if (room > 0) this.#queue(data.subarray(0, utf8Boundary(data, room)));
      if (room > -notice.length) this.#queue(notice);
    }
    if (this.#pendingBytes >= EAGER_WRITE_BYTES) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), this.#o.flushIntervalMs).unref();
  }

  #queue(data: Buffer): void {
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    this.#size += data.length;
  }

  /** One write at a time, each taking everything pending: batching without blocking the appender. */
  #drain(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#writeOut().finally(() => {
      this.#writing = undefined;
      if (this.#pending.length) void this.#drain();
    });
    return this.#writing;
  }

  async #writeOut(): Promise<void> {
    try {
      while (this.#pending.length) {
        const data = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
        this.#pending = [];
        this.#pendingBytes = 0;
        await this.#o.file.write(data);
      }
    } catch (error) {
      // A full or broken disk: keep the job running, drop the log, and let flush()/finish() report it.
      this.#error = error as Error;
      this.#pending = [];
      this.#pendingBytes = 0;
    }
  }
}

/** Largest cut ≤ `max` that does not split a UTF-8 sequence. */
function utf8Boundary(data: Buffer, max: number): number {
  let cut = Math.min(max, data.length);
  while (cut > 0 && cut < data.length && (data[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}

function formatBytes(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
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
