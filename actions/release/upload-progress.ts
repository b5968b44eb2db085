import { createReadStream } from 'node:fs';
import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { formatBytes, formatDuration, formatRate } from '../../core/sizes.ts';

/** Below this an upload takes a moment: one line when it is done is all there is to say. */
export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
/** A larger upload says where it is at each quarter… */
const QUARTERS = [25, 50, 75];
/** …and, when it is slow, at least this often in between, so a stalled upload is told from a slow one. */
const DEFAULT_INTERVAL_MS = 10_000;

export interface UploadProgressOptions {
  /** Prefix of every line, e.g. `github`. */
  target: string;
  name: string;
  bytes: number;
  /** Where the lines go: the workflow log. */
  say: (line: string) => void;
  /** `attempt 2 of 4` on the first line of a retry. */
  attempt?: { number: number; of: number };
  intervalMs?: number;
  now?: () => number;
}

/**
 * The progress of one asset upload as a person reads it in the workflow log: its size when it starts, the
 * percentage at each quarter (and every 10 s when it is slow), and the time and rate when the forge has
 * taken it. At most a handful of lines per asset, however large; a small asset gets one line.
 */
export class UploadProgress {
  readonly #o: UploadProgressOptions;
  readonly #now: () => number;
  readonly #started: number;
  readonly #detailed: boolean;
  #sent = 0;
  #nextQuarter = 0;
  #lastLine: number;

  constructor(options: UploadProgressOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
    this.#lastLine = this.#started;
    this.#detailed = options.bytes >= PROGRESS_MIN_BYTES;
    const retry = options.attempt && options.attempt.number > 1;
    if (this.#detailed || retry)
      this.#say(
        `uploading ${formatBytes(options.bytes)}${retry ? ` (attempt ${options.attempt!.number} of ${options.attempt!.of})` : ''}`,
      );
  }

  /** Counts bytes handed to the connection. */
  sent(count: number): void {
    this.#sent += count;
    if (!this.#detailed) return;
    const percent = Math.floor((this.#sent / this.#o.bytes) * 100);
    let quarter = false;
    while (this.#nextQuarter < QUARTERS.length && percent >= QUARTERS[this.#nextQuarter]!) {
      this.#nextQuarter++;
      quarter = true;
    }
    const now = this.#now();
    if (!quarter && now - this.#lastLine < (this.#o.intervalMs ?? DEFAULT_INTERVAL_MS)) return;
    if (this.#sent >= this.#o.bytes) return; // the done line follows once the forge has answered
    this.#lastLine = now;
    this.#say(
      `${Math.min(percent, 99)}% (${formatBytes(this.#sent)} of ${formatBytes(this.#o.bytes)}, ${formatRate(this.#sent, now - this.#started)})`,
    );
  }

  /** The forge has the asset: the size, the time from the first byte to its answer, and the rate. */
  done(): void {
    const elapsed = this.#now() - this.#started;
    this.#say(
      `uploaded ${formatBytes(this.#o.bytes)} in ${formatDuration(elapsed)} (${formatRate(this.#o.bytes, elapsed)})`,
    );
  }

  #say(text: string): void {
    this.#o.say(`${this.#o.target}: ${this.#o.name}: ${text}`);
  }
}

/**
 * The file as a Node stream for a request body (never read into memory), counting each chunk into `progress`
 * as the connection takes it: backpressure keeps the count within a socket buffer of the bytes sent. A
 * request that gives up destroys the stream and with it the file handle.
 */
export function fileUploadStream(path: string, progress: UploadProgress): Readable {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      progress.sent(chunk.length);
      callback(null, chunk);
    },
  });
  // Errors reach the reader through `counted`, which pipeline destroys with them.
  return pipeline(createReadStream(path), counted, () => undefined);
}

/** The same as a web ReadableStream, for clients that take a fetch body. */
export function fileUploadBody(path: string, progress: UploadProgress): ReadableStream<Uint8Array> {
  return Readable.toWeb(
    fileUploadStream(path, progress),
  ) as NodeReadableStream<Uint8Array> as ReadableStream<Uint8Array>;
}
