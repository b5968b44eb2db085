import {
  ForgeError,
  truncateDescription,
  type CommitStatus,
  type Forge,
  type PullRequest,
  type Repository,
} from '../../../forge/forge.ts';
import { jobDedupKey, requiredLabels, type Job } from '../jobs/job.ts';
import {
  CONFIG_CONTEXT,
  isInProgress,
  MANUAL_TESTING_REQUIRED,
  NOT_YET_TESTED,
} from '../jobs/status-text.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { PROJECT_CONFIG_PATH, ProjectConfigError, type ProjectConfig } from './project-config.ts';
import { ProjectConfigParser } from './project-config-parser.ts';
import { PullRequestEventSchema, pullRequestFromEvent, repositoryFromEvent } from './pull-request-event.ts';

export interface TrustPolicy {
  /** Authors whose pull requests from forks are tested without a human looking first. */
  trustedAuthors: readonly string[];
}

export interface PlannerOptions {
  forge: Forge;
  jobs: Queue<Job>;
  logger: Logger;
  trust?: TrustPolicy;
  clock?: () => Date;
  /** Parses `.ironbots.yml`; default on a thread of its own (ProjectConfigParser). */
  parseConfig?: (text: string) => Promise<ProjectConfig>;
}

export type Trigger = Job['trigger']['kind'];

export type PlanResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'untrusted'; contexts: string[] }
  | { kind: 'config-error'; message: string }
  | { kind: 'planned'; jobs: { context: string; jobId: string; duplicate: boolean }[]; skipped: string[] };

/** What a scan did with one pull request: planned it, or could not (the others are planned regardless). */
export type ScanResult = PlanResult | { kind: 'failed'; message: string };

const PLANNED_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/**
 * Turns forge events into jobs: reads `.ironbots.yml` at the pull request's head commit, then for every
 * context that has no status yet sets `pending "Not yet tested"` and enqueues one job. Planning is
 * idempotent (job dedup key per commit and context), so a webhook and a rescan may both plan the same PR.
 */
export class Planner {
  readonly #forge: Forge;
  readonly #jobs: Queue<Job>;
  readonly #logger: Logger;
  readonly #trust: TrustPolicy;
  readonly #clock: () => Date;
  readonly #parseConfig: (text: string) => Promise<ProjectConfig>;

  constructor(options: PlannerOptions) {
    this.#forge = options.forge;
    this.#jobs = options.jobs;
    this.#logger = options.logger;
    this.#trust = options.trust ?? { trustedAuthors: [] };
    this.#clock = options.clock ?? (() => new Date());
    if (options.parseConfig) this.#parseConfig = options.parseConfig;
    else {
      const parser = new ProjectConfigParser();
      this.#parseConfig = (text) => parser.parse(text);
    }
  }

  async handleDelivery(delivery: WebhookDelivery): Promise<PlanResult> {
    if (delivery.event !== 'pull_request')
      return { kind: 'ignored', reason: `event ${delivery.event} is not planned` };
    const parsed = PullRequestEventSchema.safeParse(delivery.payload);
    if (!parsed.success) {
      return {
        kind: 'ignored',
        reason: `pull_request payload not understood: ${parsed.error.issues[0]?.message}`,
      };
    }
    const event = parsed.data;
    if (!PLANNED_ACTIONS.has(event.action))
      return { kind: 'ignored', reason: `pull_request ${event.action}` };
    return this.planPullRequest(repositoryFromEvent(event), pullRequestFromEvent(event), 'webhook');
  }

  /**
   * Re-reads the forge and plans every open pull request: recovers events whose webhook was lost. One pull
   * request that cannot be planned (the forge failed on it) is reported and the others are planned anyway.
   */
  async scanRepository(repository: Repository): Promise<Map<number, ScanResult>> {
    const results = new Map<number, ScanResult>();
    for (const pr of await this.#forge.listOpenPullRequests(repository)) {
      try {
        results.set(pr.number, await this.planPullRequest(repository, pr, 'scan'));
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        this.#logger.warn(
          { err: error, repo: `${repository.owner}/${repository.name}`, pr: pr.number },
          'could not plan pull request during scan',
        );
        results.set(pr.number, { kind: 'failed', message });
      }
    }
    return results;
  }

  async planPullRequest(repository: Repository, pr: PullRequest, trigger: Trigger): Promise<PlanResult> {
    const log = this.#logger.child({
      repo: `${repository.owner}/${repository.name}`,
      pr: pr.number,
      sha: pr.headSha,
    });
    if (pr.state !== 'open') return { kind: 'ignored', reason: 'pull request is closed' };

    const text = await this.#forge.getFileContent(repository, PROJECT_CONFIG_PATH, pr.headSha);
    if (text === null) return { kind: 'ignored', reason: `no ${PROJECT_CONFIG_PATH} at ${pr.headSha}` };

    let config: ProjectConfig;
    try {
      config = await this.#parseConfig(text);
    } catch (error) {
      if (!(error instanceof ProjectConfigError)) throw error;
      log.warn({ err: error.message }, 'invalid project config');
      await this.#forge.setCommitStatus(repository, pr.headSha, {
        state: 'error',
        context: CONFIG_CONTEXT,
        description: truncateDescription(error.message),
      });
      return { kind: 'config-error', message: error.message };
    }

    const contexts = Object.keys(config.contexts);
    const existing = new Map(
      (await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s] as const),
    );

    if (!this.#trusted(repository, pr)) {
      for (const context of contexts.filter((c) => !existing.has(c))) {
        await this.#forge.setCommitStatus(repository, pr.headSha, {
          state: 'pending',
          context,
          description: MANUAL_TESTING_REQUIRED,
        });
      }
      log.info({ author: pr.author }, 'pull request from an untrusted fork: waiting for a human');
      return { kind: 'untrusted', contexts };
    }

    const jobs: { context: string; jobId: string; duplicate: boolean }[] = [];
    const skipped: string[] = [];
    for (const [context, spec] of Object.entries(config.contexts)) {
      const status = existing.get(context);
      if (status && !this.#needsJob(status, spec.timeout)) {
        skipped.push(context);
        continue;
      }
      const job: Job = {
        context,
        command: spec.run,
        labels: spec.labels,
        timeoutSeconds: spec.timeout,
        env: spec.env,
        executor: spec.executor,
        ...(spec.image ? { image: spec.image } : {}),
        repository: { owner: repository.owner, name: repository.name, cloneUrl: pr.headCloneUrl },
        sha: pr.headSha,
        pullRequest: pr.number,
        trigger: { kind: trigger },
        createdAt: this.#clock().toISOString(),
      };
      // Status first: once enqueued, an agent may start at once and its "In progress" must come last.
      if (!status) {
        await this.#forge.setCommitStatus(repository, pr.headSha, {
          state: 'pending',
          context,
          description: NOT_YET_TESTED,
        });
      }
      const dedupKey = jobDedupKey(job);
      const queued = await this.#jobs.enqueue(job, {
        ...(dedupKey ? { dedupKey } : {}),
        priority: spec.priority,
        labels: requiredLabels(job),
      });
      jobs.push({ context, jobId: queued.id, duplicate: queued.duplicate });
      log.info({ context, jobId: queued.id, duplicate: queued.duplicate, trigger }, 'job planned');
    }
    return { kind: 'planned', jobs, skipped };
  }

  /**
   * A context with a status needs a job only when that status shows a job that may have been lost:
   * "Not yet tested" (the queue may have lost it; dedup makes re-enqueueing safe), or "In progress" for much
   * longer than the job's own timeout (its agent died along with the queue).
   */
  #needsJob(status: CommitStatus, timeoutSeconds: number): boolean {
    if (status.state !== 'pending') return false;
    if (status.description === NOT_YET_TESTED) return true;
    if (isInProgress(status.description)) {
      const age = this.#clock().getTime() - Date.parse(status.createdAt);
      return age > (timeoutSeconds + 600) * 1000;
    }
    return false;
  }

  #trusted(repository: Repository, pr: PullRequest): boolean {
    if (pr.headCloneUrl === repository.cloneUrl) return true;
    return this.#trust.trustedAuthors.includes(pr.author);
  }
}

/** Forge failures worth retrying: the forge was down or rate-limited, not a request that can never work. */
export function isTransientForgeFailure(error: unknown): boolean {
  if (error instanceof ForgeError) return error.status >= 500 || error.status === 429 || error.status === 0;
  return !(error instanceof ProjectConfigError);
}
