import { TextDecoder } from 'node:util';
import { StreamRedactor, type SecretRegistry } from '../../../core/secrets.ts';
import { CLOSING_LINE_BYTES, type JobLogMeta, type LogWriter } from './log-store.ts';

const MiB = 1024 * 1024;

/** Where a writer's bytes and final meta go: a file, S3 objects … */
export interface LogSink {
  /** Appends bytes after everything written before; called one at a time. */
  write(data: Buffer): Promise<void>;
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

/**
 * The log writer every store shares: redacts secrets from the stream, keeps multi-byte characters whole,
 * caps the size with a final notice, and batches appended output into few writes to the sink without ever
 * blocking the job that produces it.
 */
export class BufferedLogWriter implements LogWriter {
  readonly #o: BufferedLogWriterOptions;
  readonly #redaction: { decoder: TextDecoder; redactor: StreamRedactor } | undefined;
  /** A UTF-16 high surrogate whose low half the redactor still holds back; see #encode. */
  #carry = '';
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes in the file plus bytes pending. */
  #size: number;
  #truncated = false;
  /** Output bytes past the cap: counted, never decoded or stored. */
  #droppedBytes = 0;
  #finishing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: Error | undefined;

  constructor(options: BufferedLogWriterOptions) {
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
    // Past the cap the output only counts: a job flooding its log costs no decoding or redaction.
    if (this.#truncated) {
      this.#droppedBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return;
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!this.#redaction) return this.#accept(Buffer.from(bytes));
    const { decoder, redactor } = this.#redaction;
    this.#accept(this.#encode(redactor.push(decoder.decode(bytes, { stream: true }))));
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
    if (this.#redaction) {
      const { decoder, redactor } = this.#redaction;
      this.#accept(this.#encode(redactor.push(decoder.decode()) + redactor.end()));
      if (this.#carry) this.#accept(Buffer.from(this.#carry));
    }
    if (closingLine && !this.#error) {
      // Written past the cap into the room kept for it: a truncated log still ends with the verdict.
      const text = this.#o.secrets ? this.#o.secrets.redact(closingLine) : closingLine;
      const line = Buffer.from(text.endsWith('\n') ? text : `${text}\n`);
      this.#queue(line.subarray(0, utf8Boundary(line, CLOSING_LINE_BYTES)));
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
    if (this.#truncated) {
      this.#droppedBytes += data.length;
      return;
    }
    if (data.length === 0 || this.#error) return;
    const notice = Buffer.from(
      `\nironbots: log truncated: it reached the limit of ${formatBytes(this.#o.maxLogBytes)}; later output was dropped\n`,
    );
    const room = this.#o.maxLogBytes - CLOSING_LINE_BYTES - notice.length - this.#size;
    if (data.length <= room) {
      this.#queue(data);
    } else {
      this.#truncated = true;
      const kept = room > 0 ? utf8Boundary(data, room) : 0;
      this.#droppedBytes += data.length - kept;
      if (kept > 0) this.#queue(data.subarray(0, kept));
      if (room > -notice.length) this.#queue(notice);
    }
    if (this.#pendingBytes >= this.#o.eagerWriteBytes) void this.#drain();
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
        await this.#o.sink.write(data);
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
