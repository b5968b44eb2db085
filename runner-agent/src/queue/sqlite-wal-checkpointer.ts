import { closeSync, fdatasyncSync, openSync } from 'node:fs';
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
  static acquire(
    file: string,
    busyTimeoutMs: number,
    where: WalCheckpoints = 'thread',
    restartFrames = WAL_RESTART_FRAMES,
  ): WalCheckpointer {
    let entry = WalCheckpointer.#byFile.get(file);
    if (!entry) {
      entry = { checkpointer: new WalCheckpointer(file, busyTimeoutMs, where, restartFrames), users: 0 };
      WalCheckpointer.#byFile.set(file, entry);
    }
    entry.users++;
    return entry.checkpointer;
  }

  readonly #file: string;
  readonly #checkpointing: Checkpointing;
  /** While the thread drains the WAL: resolves when this process may write again. */
  #paused: Promise<void> | null = null;

  private constructor(file: string, busyTimeoutMs: number, where: WalCheckpoints, restartFrames: number) {
    this.#file = file;
    this.#checkpointing =
      where === 'thread'
        ? checkpointOnThread(file, busyTimeoutMs, restartFrames, {
            onError: () => WalCheckpointer.#forget(this),
            pauseWrites: (drained) => {
              this.#paused = drained.finally(() => (this.#paused = null));
            },
          })
        : checkpointInline(file, busyTimeoutMs);
  }

  /**
   * Null, or a promise to wait for before the next batch of writes: for a few milliseconds now and then the
   * thread copies what is left of a long WAL with no writer beside it, so the next write starts the WAL over.
   */
  get writesPaused(): Promise<void> | null {
    return this.#paused;
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

/**
 * Frames in the WAL (4 KiB pages) past which the thread asks for a pause to start it over: 256 MiB, about
 * 30,000 webhook deliveries in one burst. PASSIVE checkpoints beside a busy writer copy all but the newest
 * frames, and SQLite starts the WAL over only when a write begins with every frame copied, so under
 * sustained load the WAL would only grow. The pause (the queue's commits wait while requests are still read)
 * costs the fsyncs of one checkpoint; SQLite's own answer, the writer's autocheckpoint, blocks the thread
 * that answers requests for a copy and two fsyncs (50–150 ms every 64 MiB, measured here), so it is only the
 * backstop (WAL_AUTOCHECKPOINT_FRAMES).
 */
export const WAL_RESTART_FRAMES = 65_536;
/** The writer's own autocheckpoint, should the thread fall behind or die: 1 GiB of WAL. */
export const WAL_AUTOCHECKPOINT_FRAMES = 262_144;
/** A drain the thread has not reported within this long ends the pause anyway. */
const DRAIN_TIMEOUT_MS = 2_000;

/** Messages between a checkpointer and its thread. */
export type CheckpointThreadMessage = 'close' | 'drain';
export type CheckpointerMessage = 'wal-long' | 'drained';

function checkpointOnThread(
  file: string,
  busyTimeoutMs: number,
  restartFrames: number,
  events: { onError: () => void; pauseWrites: (drained: Promise<void>) => void },
): Checkpointing {
  const worker = new Worker(new URL('./sqlite-checkpoint-thread.ts', import.meta.url), {
    workerData: {
      file,
      busyTimeoutMs,
      intervalMs: WAL_CHECKPOINT_INTERVAL_MS,
      restartFrames,
    },
  });
  // Checkpointing must not keep a finished process alive: what is committed is in the WAL already, and
  // the next connection to open the file picks it up.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let endPause: (() => void) | null = null;
  const resume = () => {
    endPause?.();
    endPause = null;
  };
  worker.on('message', (message: CheckpointerMessage) => {
    if (message === 'drained') return resume();
    if (message !== 'wal-long' || endPause) return;
    // No write transaction is open between two turns of this thread: from here the thread is alone.
    const drained = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
      endPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    events.pauseWrites(drained);
    worker.postMessage('drain' satisfies CheckpointThreadMessage);
  });
  worker.on('error', () => {
    resume();
    events.onError();
  });
  void exited.then(resume);
  return {
    async close() {
      // Keep the process alive until the thread has closed its connection.
      worker.ref();
      worker.postMessage('close' satisfies CheckpointThreadMessage);
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

/**
 * The checkpoint loop both ways run: its own connection, a PASSIVE checkpoint every `intervalMs`.
 * `onLongWal`, where given, hears when a checkpoint found at least `restartFrames` frames in the WAL (see
 * WAL_RESTART_FRAMES); the loop waits for `drain()` then, which checkpoints once more and goes on.
 */
export function startCheckpoints(
  file: string,
  busyTimeoutMs: number,
  intervalMs: number,
  longWal?: { restartFrames: number; onLongWal: () => void },
): { timer: NodeJS.Timeout; drain(): void; close(): void } {
  const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
  // NORMAL (or FULL) is what makes a checkpoint fsync; this connection commits nothing itself.
  db.exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;');
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  // SQLite syncs the database file only when a checkpoint has copied the whole WAL, which under steady
  // writes is only the drain before the WAL starts over: that sync then wrote the ~200 MB copied since, and
  // held the queue's commits for 90–170 ms (strace here). The thread (the one that drains) syncs what each
  // round copied, so that little is left; inline, on a process's own thread, SQLite's way stays.
  const dbFd = longWal ? openSync(file, 'r') : null;
  let backfilled = 0;
  const checkpointNow = (): { log: number; checkpointed: number } | null => {
    try {
      const result = checkpoint.get() as { log: number; checkpointed: number };
      if (dbFd !== null && result.checkpointed !== backfilled) {
        backfilled = result.checkpointed;
        fdatasyncSync(dbFd);
      }
      return result;
    } catch {
      // A transient error (I/O, locking): the next round tries again. Another connection checkpointing at
      // the same time is not one: PASSIVE then reports busy and returns.
      return null;
    }
  };
  let waitingForDrain = false;
  let lengthAtDrain = -1;
  const timer = setInterval(() => {
    if (waitingForDrain) return;
    const result = checkpointNow();
    // The WAL reports its old length until the next write starts it over: that one is not long again.
    if (longWal && result && result.log >= longWal.restartFrames && result.log !== lengthAtDrain) {
      // Copy what came meanwhile now, so that the pause that follows has little left to copy.
      checkpointNow();
      waitingForDrain = true;
      longWal.onLongWal();
    }
  }, intervalMs);
  return {
    timer,
    drain() {
      lengthAtDrain = checkpointNow()?.log ?? -1;
      waitingForDrain = false;
    },
    close() {
      clearInterval(timer);
      db.close();
      if (dbFd !== null) closeSync(dbFd);
    },
  };
}
