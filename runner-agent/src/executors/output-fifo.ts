import { execFile } from 'node:child_process';
import { closeSync, constants, openSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The directories `make` creates start so (a dead agent's spare is found by it). */
export const OUTPUT_FIFO_DIR_PREFIX = 'ironbots-output-';

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
   * Makes a FIFO for a later `open` (in a directory of its own that `open` removes): creating one takes a
   * process (mkfifo), which an executor keeps off a job's start by making the next one ahead.
   */
  static async make(parent = os.tmpdir()): Promise<string> {
    const dir = await mkdtemp(path.join(parent, OUTPUT_FIFO_DIR_PREFIX));
    const fifo = path.join(dir, 'output');
    try {
      // No Node API creates a FIFO; coreutils' mkfifo does.
      await execFileAsync('mkfifo', ['-m', '600', fifo]);
      return fifo;
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Opens a FIFO from `make` and unlinks it: nothing else can open this pipe afterwards, not even a process
   * an earlier job left behind. `onChunk` gets a view of the reused buffer, valid only during the call: copy
   * what you keep. After each chunk, a promise from `backlog` pauses reading until it settles.
   */
  static open(
    fifo: string,
    onChunk: (chunk: Buffer) => void,
    backlog?: () => Promise<void> | undefined,
  ): OutputFifo {
    try {
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
      rmSync(path.dirname(fifo), { recursive: true, force: true });
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
