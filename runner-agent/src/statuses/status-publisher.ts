import type { CommitStatusInput, Forge } from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { JobRecord, JobRecords } from './job-records.ts';

export interface StatusPublisherOptions {
  forge: Pick<Forge, 'setCommitStatus'>;
  records: JobRecords;
  logger: Logger;
  /** Backoff between failed posts: base doubles up to cap. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
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
   * Posts the record's outcome while `holder` holds the publishing right (until `until`). True once the
   * forge has it; false when the hold ended first (someone else publishes it later).
   */
  async publish(record: JobRecord, holder: string, until: number, signal?: AbortSignal): Promise<boolean> {
    const base = this.#o.backoffBaseMs ?? 1_000;
    const cap = this.#o.backoffCapMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#o.forge.setCommitStatus(record.target.repo, record.target.sha, statusOf(record));
        await this.#o.records.markPublished(record.key, holder);
        return true;
      } catch (error) {
        const wait = Math.min(base * 2 ** (attempt - 1), cap);
        const left = until - this.#clock();
        this.#o.logger.warn(
          { err: error, context: record.target.context, sha: record.target.sha, attempt },
          left > wait
            ? 'could not post the final status; retrying'
            : 'could not post the final status yet; handing it over',
        );
        if (left <= wait || signal?.aborted) return false;
        await this.#sleep(wait, signal);
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
    return this.publish(record, holder, until, signal);
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
