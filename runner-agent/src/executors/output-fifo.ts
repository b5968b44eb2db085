import { execFile } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One read's worth: what a pipe holds by default on Linux. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * A job's stdout and stderr as one pipe (a FIFO, unlinked once open), read into a single reused buffer.
 *
 * Node's own child pipes allocate a fresh buffer for every read; a job streaming a gigabyte leaves
 * gigabytes of garbage whose memory V8 returns only every 64 MB or so (its external-memory GC trigger),
 * which is the agent's RSS growing by that much. Reading into one buffer allocates nothing per read.
 * Both streams share the pipe, so their lines reach the log in the order the job wrote them.
 */
export class OutputFifo {
  /** The write end: the child's stdout and stderr. Close it (`closeWriteEnd`) once the child has it. */
  readonly writeFd: number;
  /** Resolves once every writer has closed the pipe (or `stop()` was called) and everything was read. */
  readonly closed: Promise<void>;
  readonly #socket: net.Socket;
  #writeEndOpen = true;

  /**
   * `onChunk` gets a view of the reused buffer, valid only during the call: copy what you keep. After each
   * chunk, a promise from `backlog` pauses reading until it settles.
   */
  static async open(
    onChunk: (chunk: Buffer) => void,
    backlog?: () => Promise<void> | undefined,
  ): Promise<OutputFifo> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-output-'));
    try {
      const fifo = path.join(dir, 'output');
      // No Node API creates a FIFO; coreutils' mkfifo does.
      await execFileAsync('mkfifo', ['-m', '600', fifo]);
      // Read end first and non-blocking, so that opening the write end does not wait for a reader.
      const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      let writeFd: number;
      try {
        writeFd = openSync(fifo, constants.O_WRONLY);
      } catch (error) {
        closeSync(readFd);
        throw error;
      }
      return new OutputFifo(readFd, writeFd, onChunk, backlog);
    } finally {
      // Unlinked at once: nothing else can open this pipe, not even a process the last job left behind.
      await rm(dir, { recursive: true, force: true });
    }
  }

  private constructor(
    readFd: number,
    writeFd: number,
    onChunk: (chunk: Buffer) => void,
    backlog: (() => Promise<void> | undefined) | undefined,
  ) {
    this.writeFd = writeFd;
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    this.#socket = new net.Socket({
      fd: readFd,
      readable: true,
      writable: false,
      onread: {
        buffer: readBuffer,
        callback: (bytes: number) => {
          onChunk(readBuffer.subarray(0, bytes));
          const wait = backlog?.();
          if (!wait) return true;
          // Paused until the consumer caught up: the job blocks on a full pipe meanwhile.
          void wait.then(() => this.#socket.resume());
          return false;
        },
      },
    });
    this.closed = new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      // A read error ends the output like EOF does; the job itself goes on.
      this.#socket.on('error', () => this.#socket.destroy());
    });
  }

  get isClosed(): boolean {
    return this.#socket.closed;
  }

  /** Our copy of the write end: the pipe ends once the child (and what it started) has closed theirs. */
  closeWriteEnd(): void {
    if (!this.#writeEndOpen) return;
    this.#writeEndOpen = false;
    closeSync(this.writeFd);
  }

  /** Stops reading: a process that escaped the job still holds the write end. */
  stop(): void {
    this.closeWriteEnd();
    this.#socket.destroy();
  }
}
