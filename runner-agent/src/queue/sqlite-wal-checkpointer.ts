import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** How often the WAL is synced and copied back: the most an OS crash or power loss can lose, roughly. */
export const WAL_CHECKPOINT_INTERVAL_MS = 200;

/**
 * Where a process checkpoints its SQLite queue file:
 * - `thread`: on a worker thread of its own, so neither the fsyncs nor the page copying stall the thread
 *   that answers requests and commits (the server's webhook intake commits hundreds of times a second);
 * - `inline`: on the process's own thread. A worker thread is a V8 isolate of its own (about 30 MiB); an
 *   agent commits a few times per job, and a checkpoint with nothing new to copy costs no fsync.
 */
export type WalCheckpoints = 'thread' | 'inline';

interface Checkpointing {
  close(): Promise<void>;
}

/**
 * Checkpoints a WAL-mode SQLite file every WAL_CHECKPOINT_INTERVAL_MS on a connection of its own (one per file
 * and process, shared by every queue on it). A PASSIVE checkpoint first fsyncs the WAL (what makes recent
 * commits survive power loss), then copies its pages into the database file; it never takes the write lock,
 * so the queues keep committing meanwhile.
 */
export class WalCheckpointer {
  static readonly #byFile = new Map<string, { checkpointer: WalCheckpointer; users: number }>();

  /** The file's checkpointer, started by its first user; `release` once per `acquire`. */
  static acquire(file: string, busyTimeoutMs: number, where: WalCheckpoints = 'thread'): WalCheckpointer {
    let entry = WalCheckpointer.#byFile.get(file);
    if (!entry) {
      entry = { checkpointer: new WalCheckpointer(file, busyTimeoutMs, where), users: 0 };
      WalCheckpointer.#byFile.set(file, entry);
    }
    entry.users++;
    return entry.checkpointer;
  }

  readonly #file: string;
  readonly #checkpointing: Checkpointing;

  private constructor(file: string, busyTimeoutMs: number, where: WalCheckpoints) {
    this.#file = file;
    this.#checkpointing =
      where === 'thread'
        ? checkpointOnThread(file, busyTimeoutMs, () => WalCheckpointer.#forget(this))
        : checkpointInline(file, busyTimeoutMs);
  }

  /** Stops checkpointing once the file's last user released it. */
  async release(): Promise<void> {
    const entry = WalCheckpointer.#byFile.get(this.#file);
    if (entry?.checkpointer === this && --entry.users > 0) return;
    WalCheckpointer.#forget(this);
    await this.#checkpointing.close();
  }

  static #forget(checkpointer: WalCheckpointer): void {
    if (WalCheckpointer.#byFile.get(checkpointer.#file)?.checkpointer === checkpointer) {
      WalCheckpointer.#byFile.delete(checkpointer.#file);
    }
  }
}

function checkpointOnThread(file: string, busyTimeoutMs: number, onError: () => void): Checkpointing {
  const worker = new Worker(new URL('./sqlite-checkpoint-thread.ts', import.meta.url), {
    workerData: { file, busyTimeoutMs, intervalMs: WAL_CHECKPOINT_INTERVAL_MS },
  });
  // Checkpointing must not keep a finished process alive: what is committed is in the WAL already, and
  // the next connection to open the file picks it up.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', onError);
  return {
    async close() {
      // Keep the process alive until the thread has closed its connection.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

function checkpointInline(file: string, busyTimeoutMs: number): Checkpointing {
  const stop = startCheckpoints(file, busyTimeoutMs, WAL_CHECKPOINT_INTERVAL_MS);
  // Like the thread, the timer does not keep a finished process alive.
  stop.timer.unref();
  return {
    async close() {
      stop.close();
    },
  };
}

/** The checkpoint loop both ways run: its own connection, a PASSIVE checkpoint every `intervalMs`. */
export function startCheckpoints(
  file: string,
  busyTimeoutMs: number,
  intervalMs: number,
): { timer: NodeJS.Timeout; close(): void } {
  const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
  // NORMAL (or FULL) is what makes a checkpoint fsync; this connection commits nothing itself.
  db.exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;');
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      checkpoint.get();
    } catch {
      // A transient error (I/O, locking): the next round tries again. Another connection checkpointing at
      // the same time is not one: PASSIVE then reports busy and returns.
    }
  }, intervalMs);
  return {
    timer,
    close() {
      clearInterval(timer);
      db.close();
    },
  };
}
