import { Worker } from 'node:worker_threads';

export interface EnqueueItem {
  payloadJson: string;
  dedupKey: string | null;
  /** Canonical JSON array. */
  labels: string;
  priority: number;
  maxAttempts: number;
  availableAt: number;
}

export interface EnqueueBatch {
  seq: number;
  queue: string;
  now: number;
  /** Also delete done messages finished before this (housekeeping rides along with a write). */
  purgeBefore?: number;
  items: EnqueueItem[];
}

export type EnqueueBatchResult =
  { seq: number; results: { id: string; duplicate: boolean }[] } | { seq: number; error: string };

/**
 * Group commit on a writer thread: one batch in flight at a time; each resolves once COMMIT (with its
 * fsync) returned on the writer's own connection.
 */
export class EnqueueWriter {
  readonly #worker: Worker;
  readonly #inFlight = new Map<
    number,
    { resolve(r: { id: string; duplicate: boolean }[]): void; reject(e: Error): void }
  >();
  #seq = 0;
  #failure: Error | null = null;

  constructor(file: string, busyTimeoutMs: number) {
    this.#worker = new Worker(new URL('./sqlite-enqueue-thread.ts', import.meta.url), {
      workerData: { file, busyTimeoutMs },
    });
    // An idle writer must not keep a finished process alive.
    this.#worker.unref();
    this.#worker.on('message', (reply: EnqueueBatchResult) => {
      const waiting = this.#inFlight.get(reply.seq);
      this.#inFlight.delete(reply.seq);
      if (this.#inFlight.size === 0) this.#worker.unref();
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.results);
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`queue writer thread exited (${code})`)));
  }

  write(batch: Omit<EnqueueBatch, 'seq'>): Promise<{ id: string; duplicate: boolean }[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#inFlight.set(seq, { resolve, reject });
      this.#worker.ref();
      this.#worker.postMessage({ ...batch, seq } satisfies EnqueueBatch);
    });
  }

  async close(): Promise<void> {
    if (this.#failure) return;
    this.#failure = new Error('queue writer closed');
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    // Keep the process alive until the writer has closed its connection.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await exited;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#inFlight.values()) waiting.reject(error);
    this.#inFlight.clear();
  }
}
