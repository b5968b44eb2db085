import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../core/logger.ts';
import { jobDedupKey, type Job } from '../jobs/job.ts';
import type { Queue } from '../queue/queue.ts';
import type { JobRecords } from './job-records.ts';
import type { StatusPublisher } from './status-publisher.ts';
import { endCancelledRecord } from './cancelled-jobs.ts';

/** How many of the most recently cancelled jobs each pass looks at for a record nobody ended. */
const CANCELLED_LOOKBACK = 50;

export interface StatusReconcilerOptions {
  records: JobRecords;
  jobs: Queue<Job>;
  publisher: StatusPublisher;
  logger: Logger;
  /** Where a job's log is, for the target URL of a status the reconciler writes itself. */
  logUrl(jobId: string): string;
  intervalMs: number;
  clock?: () => number;
}

/**
 * The server's guarantee that every job ends with exactly one final status: each pass ends the record of
 * every dead-lettered job with an error naming why (a job whose agents all died never reports), and of every
 * recently cancelled job nobody ended (a canceller that could not post, an agent gone after the cancel), and
 * posts every recorded outcome the forge has not confirmed yet, for as long as it takes.
 */
export class StatusReconciler {
  readonly #o: StatusReconcilerOptions;
  readonly #clock: () => number;
  /** Unique per process: two servers' reconcilers must never both hold a record's publishing right. */
  readonly #holder = `reconciler/${randomUUID()}`;

  constructor(options: StatusReconcilerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** One pass; returns what it did, for tests and logs. */
  async pass(signal?: AbortSignal): Promise<{ abandoned: number; published: number; pending: number }> {
    let abandoned = 0;
    for (const dead of await this.#o.jobs.deadLetters()) {
      const key = jobDedupKey(dead.message.payload);
      if (!key) continue;
      const ended = await this.#o.records.abandon(key, {
        state: 'error',
        description: `Gave up after ${dead.message.attempt} attempt(s): ${dead.reason}`.slice(0, 140),
        targetUrl: this.#o.logUrl(dead.message.id),
      });
      if (ended) {
        abandoned++;
        this.#o.logger.warn(
          { jobId: dead.message.id, reason: dead.reason },
          'dead-lettered job ended with an error status',
        );
      }
    }
    for (const status of await this.#o.jobs.list({ state: 'cancelled', limit: CANCELLED_LOOKBACK })) {
      const statuses = { records: this.#o.records, publisher: null };
      const logUrl = this.#o.logUrl;
      if (await endCancelledRecord({ statuses, logUrl }, status, { publish: false })) {
        abandoned++;
        this.#o.logger.warn({ jobId: status.message.id }, 'cancelled job ended with an error status');
      }
    }
    let published = 0;
    let pending = 0;
    for (const record of await this.#o.records.unpublished(this.#clock(), { holder: this.#holder })) {
      if (signal?.aborted) break;
      // One short hold per record and pass, so one unreachable repository never stalls the others.
      const done = await this.#o.publisher.publishIfFree(
        record.key,
        this.#holder,
        this.#o.intervalMs,
        signal,
      );
      if (done) published++;
      else pending++;
    }
    return { abandoned, published, pending };
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const done = await this.pass(signal);
        if (done.abandoned || done.published || done.pending)
          this.#o.logger.info(done, 'statuses reconciled');
      } catch (error) {
        this.#o.logger.warn({ err: error }, 'status reconciliation failed; trying again');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#o.intervalMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
