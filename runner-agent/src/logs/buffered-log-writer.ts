import { StreamRedactor, type SecretRegistry } from '../../../core/secrets.ts';
import { CLOSING_LINE_BYTES, type JobLogMeta, type LogWriter } from './log-store.ts';

const MiB = 1024 * 1024;

/** Where a writer's bytes and final meta go: a file, S3 objects … */
export interface LogSink {
  /**
   * Appends the bytes of `data`, in order, after everything written before; called one at a time. The
   * buffers are the writer's again once the promise settles.
   */
  write(data: Buffer[]): Promise<void>;
  writeMeta(meta: JobLogMeta): Promise<void>;
  close(): Promise<void>;
}

export interface BufferedLogWriterOptions {
  sink: LogSink;
  meta: JobLogMeta;
  /** Bytes an earlier attempt of the job already stored. */
  existingBytes: number;
  maxLogBytes: number;
  /** How long appended output may wait in memory before it is written. */
  flushIntervalMs: number;
  /** Pending output beyond this is written at once instead of waiting for the flush interval. */
  eagerWriteBytes: number;
  secrets: SecretRegistry | undefined;
}

/** Appended output is copied into buffers of this size, reused once written: no allocation per chunk. */
const STAGING_BYTES = 64 * 1024;

interface Staged {
  buffer: Buffer;
  length: number;
}

/**
 * The log writer every store shares: redacts secrets from the byte stream, caps the size with a final
 * notice, and batches appended output into few writes to the sink without ever blocking the job that
 * produces it. Output is stored byte for byte (bytes that are not valid UTF-8 too; a reader's decoder shows
 * them as U+FFFD). `append` copies what it keeps, so a caller may reuse its buffer once it returns.
 */
export class BufferedLogWriter implements LogWriter {
  readonly #o: BufferedLogWriterOptions;
  readonly #redactor: StreamRedactor | undefined;
  /** Filled (or, when a write took them, partly filled) staging buffers, oldest first. */
  #pending: Staged[] = [];
  #pendingBytes = 0;
  /** Written staging buffers, for reuse. */
  #spare: Buffer[] = [];
  /** Bytes in the file plus bytes pending. */
  #size: number;
  /** Whether the stored log ends with a newline (or is empty): the closing line must start a line of its own. */
  #atLineStart = true;
  #truncated = false;
  /** Output bytes past the cap: counted, never redacted or stored. */
  #droppedBytes = 0;
  #finishing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: Error | undefined;
  /** Above this much pending output, backlog() asks the source to wait. */
  readonly #highWaterBytes: number;
  #backlog: PromiseWithResolvers<void> | undefined;
  /** The line that says where and why the log was cut. */
  readonly #notice: Buffer;

  constructor(options: BufferedLogWriterOptions) {
    this.#o = options;
    this.#size = options.existingBytes;
    this.#redactor = options.secrets && new StreamRedactor(options.secrets);
    this.#highWaterBytes = 4 * options.eagerWriteBytes;
    this.#notice = Buffer.from(
      `\nironbots: log truncated: it reached the limit of ${formatBytes(options.maxLogBytes)}; later output was dropped\n`,
    );
  }

  backlog(): Promise<void> | undefined {
    if (this.#pendingBytes < this.#highWaterBytes) return undefined;
    this.#backlog ??= Promise.withResolvers<void>();
    return this.#backlog.promise;
  }

  /** The pending output went to the sink (or never will): the source may go on. */
  #releaseBacklog(): void {
    this.#backlog?.resolve();
    this.#backlog = undefined;
  }

  append(chunk: Buffer | string): void {
    if (this.#finishing) return;
    // Past the cap the output only counts: a job flooding its log costs no redaction or copying.
    if (this.#truncated) {
      this.#droppedBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.#redactor) return this.#accept(bytes);
    for (const piece of this.#redactor.push(bytes)) this.#accept(piece);
  }

  async flush(): Promise<void> {
    while (this.#pending.length || this.#writing) await this.#drain();
    if (this.#error) throw this.#error;
  }

  finish(final: Pick<JobLogMeta, 'state'> & Partial<JobLogMeta>, closingLine?: string): Promise<void> {
    this.#finishing ??= this.#finish(final, closingLine);
    return this.#finishing;
  }

  async #finish(final: Pick<JobLogMeta, 'state'> & Partial<JobLogMeta>, closingLine?: string): Promise<void> {
    if (this.#redactor) this.#accept(this.#redactor.end());
    if (closingLine && !this.#error) {
      // Written past the cap into the room kept for it: a truncated log still ends with the verdict.
      const text = this.#o.secrets ? this.#o.secrets.redact(closingLine) : closingLine;
      const line = Buffer.from(`${this.#atLineStart ? '' : '\n'}${text}${text.endsWith('\n') ? '' : '\n'}`);
      this.#stage(line.subarray(0, utf8Boundary(line, CLOSING_LINE_BYTES)));
    }
    try {
      await this.flush();
    } finally {
      await this.#o.sink.close().catch(() => undefined);
      const meta: JobLogMeta = {
        ...this.#o.meta,
        ...final,
        jobId: this.#o.meta.jobId,
        finishedAt: final.finishedAt ?? new Date().toISOString(),
        ...(this.#droppedBytes > 0 ? { droppedBytes: this.#droppedBytes } : {}),
      };
      await this.#o.sink.writeMeta(meta);
    }
  }

  #accept(data: Buffer): void {
    if (this.#truncated) {
      this.#droppedBytes += data.length;
      return;
    }
    if (data.length === 0 || this.#error) return;
    const notice = this.#notice;
    const room = this.#o.maxLogBytes - CLOSING_LINE_BYTES - notice.length - this.#size;
    if (data.length <= room) {
      this.#stage(data);
    } else {
      this.#truncated = true;
      const kept = room > 0 ? utf8Boundary(data, room) : 0;
      this.#droppedBytes += data.length - kept;
      if (kept > 0) this.#stage(data.subarray(0, kept));
      if (room > -notice.length) this.#stage(notice);
    }
    if (this.#pendingBytes >= this.#o.eagerWriteBytes) void this.#drain();
    else this.#timer ??= setTimeout(() => void this.#drain(), this.#o.flushIntervalMs).unref();
  }

  /** Copies `data` behind the pending output. */
  #stage(data: Buffer): void {
    let from = 0;
    while (from < data.length) {
      let last = this.#pending.at(-1);
      if (!last || last.length === last.buffer.length) {
        last = { buffer: this.#spare.pop() ?? Buffer.allocUnsafeSlow(STAGING_BYTES), length: 0 };
        this.#pending.push(last);
      }
      const copied = data.copy(last.buffer, last.length, from);
      last.length += copied;
      from += copied;
    }
    this.#pendingBytes += data.length;
    this.#size += data.length;
    if (data.length) this.#atLineStart = data[data.length - 1] === 0x0a;
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
        const batch = this.#pending;
        this.#pending = [];
        this.#pendingBytes = 0;
        this.#releaseBacklog();
        await this.#o.sink.write(batch.map((s) => s.buffer.subarray(0, s.length)));
        // Every buffer the writer can hold at once (a batch in flight and one pending, each up to the high
        // water mark) is reused: one dropped would be garbage that V8 frees only much later.
        for (const { buffer } of batch)
          if (this.#spare.length * STAGING_BYTES < 2 * this.#highWaterBytes + 2 * STAGING_BYTES)
            this.#spare.push(buffer);
      }
    } catch (error) {
      // A full or broken disk: keep the job running, drop the log, and let flush()/finish() report it.
      this.#error = error as Error;
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#releaseBacklog();
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
