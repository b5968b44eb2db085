import {
  truncateDescription,
  type CommitStatuses,
  type CommitStatusInput,
  type RepositoryId,
} from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { SecretRegistry } from '../../../core/secrets.ts';

/**
 * Posts one job's commit statuses in order, without holding the job up: "In progress" goes out while the
 * job already starts, and the final status is always posted after it. A forge hiccup is retried a few
 * times and then logged; it never fails the job.
 */
export class StatusReporter {
  #chain: Promise<void> = Promise.resolve();
  readonly #forge: CommitStatuses | null;
  readonly #target: { repo: RepositoryId; sha: string } | null;
  readonly #logger: Logger;
  readonly #secrets: SecretRegistry;
  readonly #retryDelayMs: number;

  constructor(options: {
    forge: CommitStatuses | null;
    target: { repo: RepositoryId; sha: string } | null;
    logger: Logger;
    secrets: SecretRegistry;
    retryDelayMs?: number;
  }) {
    this.#forge = options.forge;
    this.#target = options.target;
    this.#logger = options.logger;
    this.#secrets = options.secrets;
    this.#retryDelayMs = options.retryDelayMs ?? 2_000;
  }

  /** Queues a status; `stillCurrent`, checked right before each post, can withdraw it (a lost claim). */
  post(status: CommitStatusInput, stillCurrent?: () => Promise<boolean>): Promise<void> {
    const forge = this.#forge;
    const target = this.#target;
    if (!forge || !target) return this.#chain;
    const safe = {
      ...status,
      description: truncateDescription(this.#secrets.redact(status.description ?? '')),
    };
    this.#chain = this.#chain.then(async () => {
      // Beyond the forge client's own retries: asks `stillCurrent` before each try, and outlasts a dropped connection.
      for (let attempt = 1; ; attempt++) {
        try {
          if (stillCurrent && !(await stillCurrent())) return;
          await forge.setCommitStatus(target.repo, target.sha, safe);
          return;
        } catch (error) {
          if (attempt >= 3) {
            this.#logger.error(
              { err: error, context: status.context, state: status.state },
              'could not set commit status',
            );
            return;
          }
          await new Promise((r) => setTimeout(r, this.#retryDelayMs * attempt));
        }
      }
    });
    return this.#chain;
  }

  /** Resolves when every status posted so far has been sent (or given up on). */
  settled(): Promise<void> {
    return this.#chain;
  }
}
