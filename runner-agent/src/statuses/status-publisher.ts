import type { CommitStatuses, CommitStatusInput } from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { JobRecord, JobRecords } from './job-records.ts';

export interface StatusPublisherOptions {
  forge: CommitStatuses;
  records: JobRecords;
  logger: Logger;
  /** Backoff between failed posts: base doubles up to cap. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A publisher holds its right this far ahead, renewed while a post is in flight. Default 10 s. */
  renewMs?: number;
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The commit status a finished record stands for. */
export function statusOf(record: JobRecord): CommitStatusInput {
  const outcome = record.outcome!;
  return {
    state: outcome.state,
    context: record.target.context,
    description: outcome.description,
    ...(outcome.targetUrl ? { targetUrl: outcome.targetUrl } : {}),
  };
}

/**
 * Posts recorded outcomes to the forge. Only the holder of a record's publishing right posts it, and it
 * keeps trying with backoff until the post goes through or its hold ends; then the right falls to the
 * server's reconciler, which keeps trying for as long as the record is unpublished. Nothing is ever given up.
 */
export class StatusPublisher {
  readonly #o: StatusPublisherOptions;
  readonly #clock: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: StatusPublisherOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
  }

  /**
   * Posts the record's outcome while `holder` holds the publishing right, renewing it while a post is in
   * flight, so nobody else posts it meanwhile. True once the forge has it; false when `until` passed first:
   * the right is released and someone else publishes it later.
   *
   * `verify` first reads what the forge shows and skips the post when it already shows the outcome: for a
   * second publisher, and for every retry (a failed post may still have landed).
   */
  async publish(
    record: JobRecord,
    holder: string,
    until: number,
    signal?: AbortSignal,
    options: { verify?: boolean } = {},
  ): Promise<boolean> {
    const base = this.#o.backoffBaseMs ?? 1_000;
    const cap = this.#o.backoffCapMs ?? 30_000;
    const renewMs = this.#o.renewMs ?? 10_000;
    const status = statusOf(record);
    const { repo, sha } = record.target;
    for (let attempt = 1; ; attempt++) {
      // Still ours? Another publisher may have taken over after a pause of this process.
      if (!(await this.#o.records.takePublishing(record.key, holder, this.#clock() + renewMs))) return false;
      const renewal = setInterval(() => {
        void this.#o.records
          .takePublishing(record.key, holder, this.#clock() + renewMs)
          .catch(() => undefined);
      }, renewMs / 3);
      renewal.unref();
      try {
        const shown =
          (options.verify || attempt > 1) &&
          (await this.#o.forge.listCommitStatuses(repo, sha)).find((s) => s.context === status.context);
        if (!shown || shown.state !== status.state || shown.description !== status.description)
          await this.#o.forge.setCommitStatus(repo, sha, status);
        await this.#o.records.markPublished(record.key, holder);
        return true;
      } catch (error) {
        const wait = Math.min(base * 2 ** (attempt - 1), cap);
        const giveUp = until - this.#clock() <= wait || !!signal?.aborted;
        this.#o.logger.warn(
          { err: error, context: record.target.context, sha, attempt },
          giveUp
            ? 'could not post the final status yet; handing it over'
            : 'could not post the final status; retrying',
        );
        if (giveUp) {
          await this.#o.records.takePublishing(record.key, holder, 0).catch(() => undefined);
          return false;
        }
        await this.#sleep(wait, signal);
      } finally {
        clearInterval(renewal);
      }
    }
  }

  /** Takes the publishing right of a finished, unpublished record and posts it; null if someone else holds it. */
  async publishIfFree(
    key: string,
    holder: string,
    holdMs: number,
    signal?: AbortSignal,
  ): Promise<boolean | null> {
    const until = this.#clock() + holdMs;
    const record = await this.#o.records.takePublishing(key, holder, until);
    if (!record) return null;
    return this.publish(record, holder, until, signal, { verify: true });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
