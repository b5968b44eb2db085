import { Worker } from 'node:worker_threads';

/** How often the WAL is synced and copied back: the most an OS crash or power loss can lose, roughly. */
export const WAL_CHECKPOINT_INTERVAL_MS = 200;

/**
 * Checkpoints a WAL-mode SQLite file on a thread of its own (one per file and process, shared by every
 * queue on it), so that neither the fsyncs nor the page copying of a checkpoint stall the thread that
 * serves requests and commits.
 */
export class WalCheckpointer {
  static readonly #byFile = new Map<string, { checkpointer: WalCheckpointer; users: number }>();

  /** The file's checkpointer, started by its first user; `release` once per `acquire`. */
  static acquire(file: string, busyTimeoutMs: number): WalCheckpointer {
    let entry = WalCheckpointer.#byFile.get(file);
    if (!entry) {
      entry = { checkpointer: new WalCheckpointer(file, busyTimeoutMs), users: 0 };
      WalCheckpointer.#byFile.set(file, entry);
    }
    entry.users++;
    return entry.checkpointer;
  }

  readonly #file: string;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  private constructor(file: string, busyTimeoutMs: number) {
    this.#file = file;
    this.#worker = new Worker(new URL('./sqlite-checkpoint-thread.ts', import.meta.url), {
      workerData: { file, busyTimeoutMs, intervalMs: WAL_CHECKPOINT_INTERVAL_MS },
    });
    // Checkpointing must not keep a finished process alive: what is committed is in the WAL already, and
    // the next connection to open the file picks it up.
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('error', () => WalCheckpointer.#forget(this));
  }

  /** Stops the thread once the file's last user released it. */
  async release(): Promise<void> {
    const entry = WalCheckpointer.#byFile.get(this.#file);
    if (entry?.checkpointer === this && --entry.users > 0) return;
    WalCheckpointer.#forget(this);
    // Keep the process alive until the thread has closed its connection.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }

  static #forget(checkpointer: WalCheckpointer): void {
    if (WalCheckpointer.#byFile.get(checkpointer.#file)?.checkpointer === checkpointer) {
      WalCheckpointer.#byFile.delete(checkpointer.#file);
    }
  }
}
