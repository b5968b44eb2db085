import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitFigures, Repository } from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Planner } from '../planner/planner.ts';
import type { RunnerDemand } from '../runners/runner-demand.ts';

export interface ScannerOptions {
  planner: Pick<Planner, 'scanRepository'>;
  /** Registered runners: the queued workflow jobs of each repository are re-read too. */
  runnerDemand: Pick<RunnerDemand, 'scanRepository'> | null;
  repositories: Repository[];
  logger: Logger;
  /**
   * The forge's rate limit as its newest answer reported it, and the share of the limit (percent) kept for
   * everything else (webhooks' planning, statuses, runners): below it, rounds are skipped until the reset.
   */
  rateLimit?: { figures: () => RateLimitFigures | null; reservePercent: number };
  /**
   * How often a round is a full one, which also reads the statuses of the heads it remembers settled, for
   * cross-project requests whose webhook was lost (planner.scanRepository). The first round is full. 0:
   * never. Default one hour.
   */
  fullScanEveryMs?: number;
  clock?: () => number;
}

export type ScanRound =
  | {
      kind: 'scanned';
      /** The settled heads' statuses were read too. */
      full: boolean;
      repositories: number;
      pullRequests: number;
      /** Pull requests that got a new job. */
      replanned: number;
      /** Pull requests left alone: settled at the same head before. */
      unchanged: number;
    }
  | {
      kind: 'skipped';
      /** Repositories scanned before the budget ran low (0: none). */
      repositories: number;
      remaining: number;
      limit: number;
      reserve: number;
      resetAt: number;
    };

/**
 * The server's scanner: every interval it re-reads the open pull requests (and, with registered runners,
 * the queued workflow jobs) of each repository and plans what a lost webhook left out; the first round
 * and one an hour are full ones, which read the settled heads' statuses too (lost cross-project
 * requests). It keeps out of the way of everything else the token does: while less than the reserve of
 * the rate limit remains, it skips its rounds until the limit resets, and says so once a round.
 */
export class Scanner {
  readonly #o: ScannerOptions;
  readonly #clock: () => number;
  readonly #fullScanEveryMs: number;
  /** When the last full round ended; null before the first. */
  #fullScanAt: number | null = null;

  constructor(options: ScannerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#fullScanEveryMs = options.fullScanEveryMs ?? 3_600_000;
  }

  async run(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.round();
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }

  async round(): Promise<ScanRound> {
    const { logger } = this.#o;
    const totals = { repositories: 0, pullRequests: 0, replanned: 0, unchanged: 0 };
    const every = this.#fullScanEveryMs;
    const full = every > 0 && (this.#fullScanAt === null || this.#clock() - this.#fullScanAt >= every);
    for (const repo of this.#o.repositories) {
      const low = this.#lowBudget();
      if (low) {
        logger.warn(
          {
            remaining: low.remaining,
            limit: low.limit,
            reserve: low.reserve,
            resetAt: new Date(low.resetAt).toISOString(),
            scannedRepositories: totals.repositories,
          },
          `scan skipped: ${low.remaining} of ${low.limit} forge API requests left, under the reserve of ${low.reserve}; scanning again after the reset at ${new Date(low.resetAt).toISOString()}`,
        );
        return { kind: 'skipped', repositories: totals.repositories, ...low };
      }
      const name = `${repo.owner}/${repo.name}`;
      if (this.#o.runnerDemand) {
        try {
          const { queued, enqueued } = await this.#o.runnerDemand.scanRepository(repo);
          logger.info(
            { repo: name, queuedWorkflowJobs: queued, runnerJobsQueued: enqueued },
            'runner scan done',
          );
        } catch (error) {
          logger.warn({ err: error, repo: name }, 'runner scan failed');
        }
      }
      try {
        const results = [...(await this.#o.planner.scanRepository(repo, { full })).values()];
        const replanned = results.filter((r) => r.kind === 'planned' && r.jobs.some((j) => !j.duplicate));
        const unchanged = results.filter((r) => r.kind === 'unchanged');
        logger.info(
          {
            repo: name,
            full,
            pullRequests: results.length,
            replanned: replanned.length,
            unchanged: unchanged.length,
          },
          'scan done',
        );
        totals.pullRequests += results.length;
        totals.replanned += replanned.length;
        totals.unchanged += unchanged.length;
      } catch (error) {
        logger.warn({ err: error, repo: name }, 'scan failed');
      }
      totals.repositories++;
    }
    // A round cut short by the rate limit leaves the full one due: the next round is full again.
    if (full) this.#fullScanAt = this.#clock();
    return { kind: 'scanned', full, ...totals };
  }

  /** The figures when the budget is under the reserve and its window has not reset yet; else null. */
  #lowBudget(): { remaining: number; limit: number; reserve: number; resetAt: number } | null {
    const budget = this.#o.rateLimit;
    const figures = budget?.figures();
    if (!budget || !figures || this.#clock() >= figures.resetAt) return null;
    const reserve = Math.ceil((figures.limit * budget.reservePercent) / 100);
    return figures.remaining < reserve ? { ...figures, reserve } : null;
  }
}
