import { createHash, randomUUID } from 'node:crypto';
import {
  ForgeError,
  truncateDescription,
  type CommitStatus,
  type CommitStatuses,
  type PullRequest,
  type PullRequests,
  type Repository,
  type RepositoryFiles,
} from '../../../forge/forge.ts';
import { CANARY_LABEL, jobDedupKey, requiredLabels, type Job } from '../jobs/job.ts';
import {
  CONFIG_CONTEXT,
  isInProgress,
  MANUAL_TESTING_REQUIRED,
  NOT_YET_TESTED,
} from '../jobs/status-text.ts';
import type { Logger } from '../../../core/logger.ts';
import type { AgentRegistry } from '../agents/agent-registry.ts';
import type { Queue } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import type { JobRecords } from '../statuses/job-records.ts';
import type { StatusPublisher } from '../statuses/status-publisher.ts';
import {
  jobFromContext,
  PROJECT_CONFIG_PATH,
  ProjectConfigError,
  type ProjectConfig,
} from './project-config.ts';
import { ProjectConfigParser } from './project-config-parser.ts';
import type { PlannedHead, PlannedHeads } from './planned-heads.ts';
import { PullRequestEventSchema, pullRequestFromEvent, repositoryFromEvent } from './pull-request-event.ts';
import {
  mergeRequestNeedsPlan,
  MergeRequestEventSchema,
  projectFromEvent,
  repositoryIdOf,
} from './merge-request-event.ts';

export interface TrustPolicy {
  /** Authors whose pull requests from forks are tested without a human looking first. */
  trustedAuthors: readonly string[];
}

/** What the planner reads and writes on the forge: open pull requests, `.ironbots.yml`, statuses. */
export type PlannerForge = PullRequests & RepositoryFiles & CommitStatuses;

export interface PlannerOptions {
  forge: PlannerForge;
  jobs: Queue<Job>;
  logger: Logger;
  trust?: TrustPolicy;
  clock?: () => Date;
  /** Parses `.ironbots.yml`; default on a thread of its own (ProjectConfigParser). */
  parseConfig?: (text: string) => Promise<ProjectConfig>;
  /** Job records: which contexts have a job, and how finished ones ended (see statuses/job-records.ts). */
  records?: JobRecords;
  publisher?: StatusPublisher;
  /** An open record this old whose job may never have been queued is enqueued again. Default 60 s. */
  orphanAfterMs?: number;
  /**
   * `percent` of planned jobs (chosen by their dedup key, so a re-plan chooses alike) get the label
   * `canary` while a live canary agent is registered: they run on agents upgraded first.
   */
  canary?: { percent: number; agents: Pick<AgentRegistry, 'list'> };
  /**
   * Cancels the jobs of a pull request that are no longer needed: those of another head than `keepSha`,
   * or all (`keepSha` null: closed or merged). Queued ones never start. Returns how many.
   */
  supersede?: (
    pullRequest: { owner: string; name: string; number: number },
    keepSha: string | null,
    reason: string,
  ) => Promise<number>;
  /**
   * What scans planned before: a pull request whose head was settled at the last scan is left alone, so an
   * unchanged one costs nothing beyond its page of the list. Without it every scan plans every pull request.
   */
  plannedHeads?: PlannedHeads;
  /**
   * A context whose outcome the forge shows counts as settled once it was published this long ago: a status
   * write still in flight when it was posted has landed by then, and the scan after it would see it.
   * Default 2 minutes.
   */
  settleAfterMs?: number;
}

/** An agent heard from this recently is live enough to be given canary jobs. */
const CANARY_LIVE_MS = 60_000;

export type Trigger = Job['trigger']['kind'];

export type PlanResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'untrusted'; contexts: string[] }
  | { kind: 'config-error'; message: string }
  | {
      kind: 'planned';
      jobs: { context: string; jobId: string; duplicate: boolean }[];
      skipped: string[];
      /**
       * Nothing is left to do at this head: every context has a final status the records agree with. The
       * planner always says; results of the same shape from elsewhere (runner jobs) may not.
       */
      settled?: boolean;
    };

/**
 * What a scan did with one pull request: planned it, could not (the others are planned regardless), or left
 * it alone because its head is the one a scan found settled before.
 */
export type ScanResult = PlanResult | { kind: 'failed'; message: string } | { kind: 'unchanged' };

const PLANNED_ACTIONS = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);

/**
 * Turns forge events into jobs: reads `.ironbots.yml` at the pull request's head commit, then for every
 * context that has no status yet sets `pending "Not yet tested"` and enqueues one job. Planning is
 * idempotent (job dedup key per commit and context), so a webhook and a rescan may both plan the same PR.
 */
export class Planner {
  readonly #forge: PlannerForge;
  readonly #jobs: Queue<Job>;
  readonly #logger: Logger;
  readonly #trust: TrustPolicy;
  readonly #clock: () => Date;
  readonly #parseConfig: (text: string) => Promise<ProjectConfig>;
  readonly #records: JobRecords | null;
  readonly #publisher: StatusPublisher | null;
  readonly #orphanAfterMs: number;
  readonly #canary: PlannerOptions['canary'];
  readonly #supersede: PlannerOptions['supersede'];
  readonly #plannedHeads: PlannedHeads | null;
  readonly #settleAfterMs: number;

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
    this.#records = options.records ?? null;
    this.#publisher = options.publisher ?? null;
    this.#orphanAfterMs = options.orphanAfterMs ?? 60_000;
    this.#plannedHeads = options.plannedHeads ?? null;
    this.#settleAfterMs = options.settleAfterMs ?? 120_000;
    this.#canary = options.canary;
    this.#supersede = options.supersede;
  }

  /** Jobs of an older head or of a closed pull request are dropped before planning anything new. */
  async #dropSuperseded(
    repository: Pick<Repository, 'owner' | 'name'>,
    number: number,
    keepSha: string | null,
  ): Promise<void> {
    if (!this.#supersede) return;
    const reason = keepSha ? `superseded by ${keepSha.slice(0, 7)}` : 'the pull request was closed';
    const cancelled = await this.#supersede(
      { owner: repository.owner, name: repository.name, number },
      keepSha,
      reason,
    );
    if (cancelled)
      this.#logger.info(
        { repo: `${repository.owner}/${repository.name}`, pr: number, cancelled, reason },
        'jobs of the pull request no longer needed: cancelled',
      );
  }

  /** Whether this job goes to canary agents only: its share of keys, and a live canary to take it. */
  async #forCanary(dedupKey: string): Promise<boolean> {
    const canary = this.#canary;
    if (!canary || canary.percent <= 0) return false;
    const bucket = createHash('sha256').update(dedupKey).digest().readUInt32BE(0) % 10_000;
    if (bucket >= canary.percent * 100) return false;
    const now = this.#clock().getTime();
    const agents = await canary.agents.list().catch(() => []);
    return agents.some((a) => a.labels.includes(CANARY_LABEL) && now - a.lastHeartbeat < CANARY_LIVE_MS);
  }

  async handleDelivery(delivery: WebhookDelivery): Promise<PlanResult> {
    if (delivery.forge === 'gitlab') return this.#handleGitLabDelivery(delivery);
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
    const repository = repositoryFromEvent(event);
    if (event.action === 'closed') await this.#dropSuperseded(repository, event.number, null);
    if (!PLANNED_ACTIONS.has(event.action))
      return { kind: 'ignored', reason: `pull_request ${event.action}` };
    if (event.action === 'synchronize')
      await this.#dropSuperseded(repository, event.number, event.pull_request.head.sha);
    return this.planPullRequest(repository, pullRequestFromEvent(event), 'webhook');
  }

  /**
   * A GitLab Merge Request Hook: the merge request is re-read from the forge (the payload names it; the
   * forge says what its head and source project are now), then planned like a pull request.
   */
  async #handleGitLabDelivery(delivery: WebhookDelivery): Promise<PlanResult> {
    if (delivery.event !== 'merge_request')
      return { kind: 'ignored', reason: `GitLab event ${delivery.event} is not planned` };
    const parsed = MergeRequestEventSchema.safeParse(delivery.payload);
    if (!parsed.success)
      return {
        kind: 'ignored',
        reason: `merge_request payload not understood: ${parsed.error.issues[0]?.message}`,
      };
    const repository = projectFromEvent(parsed.data);
    const { iid, action } = parsed.data.object_attributes;
    if (action === 'close' || action === 'merge') await this.#dropSuperseded(repository, iid, null);
    if (!mergeRequestNeedsPlan(parsed.data))
      return { kind: 'ignored', reason: `merge_request ${action ?? 'event'}` };
    const mr = await this.#forge.getPullRequest(repositoryIdOf(repository), iid);
    if (action === 'update') await this.#dropSuperseded(repository, iid, mr.headSha);
    return this.planPullRequest(repository, mr, 'webhook');
  }

  /**
   * Re-reads the forge and plans every open pull request: recovers events whose webhook was lost. One pull
   * request that cannot be planned (the forge failed on it) is reported and the others are planned anyway.
   *
   * With planned heads, a pull request whose head a scan found settled before is left alone: a new head, a
   * new pull request, or one whose jobs had not all ended and shown their statuses is planned as always.
   * Memory that cannot be read or written only costs requests: everything is planned again.
   */
  async scanRepository(repository: Repository): Promise<Map<number, ScanResult>> {
    const repo = `${repository.owner}/${repository.name}`;
    const results = new Map<number, ScanResult>();
    const pulls = await this.#forge.listOpenPullRequests(repository);
    const memory = this.#plannedHeads;
    const remembered = memory
      ? await memory.list(repository).catch((error: unknown) => {
          this.#logger.warn(
            { err: error, repo },
            'could not read the planned heads: planning every pull request',
          );
          return new Map<number, PlannedHead>();
        })
      : new Map<number, PlannedHead>();
    for (const pr of pulls) {
      const known = remembered.get(pr.number);
      if (known?.settled && known.headSha === pr.headSha) {
        results.set(pr.number, { kind: 'unchanged' });
        continue;
      }
      let result: PlanResult;
      try {
        result = await this.planPullRequest(repository, pr, 'scan');
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        this.#logger.warn({ err: error, repo, pr: pr.number }, 'could not plan pull request during scan');
        results.set(pr.number, { kind: 'failed', message });
        continue;
      }
      results.set(pr.number, result);
      // A head with a broken or no `.ironbots.yml`, or an author waiting for a human, stays as it is.
      const settled = result.kind === 'planned' ? result.settled === true : true;
      if (memory && (known?.headSha !== pr.headSha || known.settled !== settled))
        await memory
          .remember(repository, { number: pr.number, headSha: pr.headSha, settled })
          .catch((error: unknown) =>
            this.#logger.warn({ err: error, repo, pr: pr.number }, 'could not remember the planned head'),
          );
    }
    if (memory)
      await memory
        .forgetAllBut(
          repository,
          pulls.map((p) => p.number),
        )
        .catch((error: unknown) =>
          this.#logger.warn({ err: error, repo }, 'could not forget closed pull requests'),
        );
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
    // Contexts that may still change at this head: a job queued or running, an outcome being republished.
    let unsettled = 0;
    for (const [context, spec] of Object.entries(config.contexts)) {
      const status = existing.get(context);
      const job: Job = {
        ...jobFromContext(context, spec, { kind: trigger }, this.#clock()),
        repository: { owner: repository.owner, name: repository.name, cloneUrl: pr.headCloneUrl },
        sha: pr.headSha,
        pullRequest: pr.number,
      };
      const dedupKey = jobDedupKey(job)!;
      const enqueue = async () => {
        const canary = await this.#forCanary(dedupKey);
        const queued = await this.#jobs.enqueue(job, {
          dedupKey,
          priority: spec.priority,
          labels: canary ? [...requiredLabels(job), CANARY_LABEL].sort() : requiredLabels(job),
        });
        jobs.push({ context, jobId: queued.id, duplicate: queued.duplicate });
        log.info(
          { context, jobId: queued.id, duplicate: queued.duplicate, trigger, ...(canary ? { canary } : {}) },
          'job planned',
        );
      };
      const records = this.#records;
      if (!records) {
        if (status && !this.#needsJob(status, spec.timeout)) {
          skipped.push(context);
          if (status.state === 'pending') unsettled++;
          continue;
        }
        unsettled++;
        // Status first: once enqueued, an agent may start at once and its "In progress" must come last.
        if (!status) await this.#setNotYetTested(repository, pr.headSha, context);
        await enqueue();
        continue;
      }
      // The job record, not the forge, says whether a context has a job: the forge may lag, or show a
      // stale write, and posting "Not yet tested" over a context that has a job regresses its status.
      const record = await records.get(dedupKey);
      if (record?.state === 'finished') {
        const shown = record.outcome!;
        if (!status || status.state !== shown.state || status.description !== shown.description) {
          log.info(
            { context, shows: status?.description ?? null },
            'the forge does not show the recorded outcome: republishing',
          );
          unsettled++;
          await records.markUnpublished(dedupKey);
          await this.#publisher?.publishIfFree(dedupKey, `planner/${trigger}/${randomUUID()}`, 10_000);
        } else if (
          record.publishedAt === null ||
          this.#clock().getTime() - record.publishedAt < this.#settleAfterMs
        ) {
          // Shown, but so lately that a write still in flight then (a stale "In progress") may land yet.
          unsettled++;
        }
        skipped.push(context);
        continue;
      }
      if (record?.state === 'open') {
        unsettled++;
        // Its planner enqueues it; only a record left open for long (a planner that died between recording
        // and enqueueing) is enqueued again here, which dedup makes safe.
        if (this.#clock().getTime() - record.createdAt >= this.#orphanAfterMs) await enqueue();
        else skipped.push(context);
        continue;
      }
      if (status && !this.#needsJob(status, spec.timeout)) {
        skipped.push(context);
        if (status.state === 'pending') unsettled++;
        continue;
      }
      unsettled++;
      const target = { repo: repository, sha: pr.headSha, context };
      const { created } = await records.create(dedupKey, target);
      if (!created) {
        skipped.push(context);
        continue;
      }
      // Only the planner that created the record says "Not yet tested", and before the job can start.
      // Best effort: a forge that refuses it must not keep the job from being queued (the agent's statuses
      // follow), and a record left without its job would block the context until the orphan check.
      if (!status)
        await this.#setNotYetTested(repository, pr.headSha, context).catch((error: unknown) =>
          log.warn({ err: error, context }, 'could not post "Not yet tested"; queueing the job anyway'),
        );
      await enqueue();
    }
    return { kind: 'planned', jobs, skipped, settled: unsettled === 0 };
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

  async #setNotYetTested(repository: Repository, sha: string, context: string): Promise<void> {
    await this.#forge.setCommitStatus(repository, sha, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });
  }

  #trusted(repository: Repository, pr: PullRequest): boolean {
    // A PR whose fork was deleted falls back to the base repository's clone URL: that says nothing about
    // who wrote its commits, so only the author decides.
    if (!pr.headRepositoryDeleted && pr.headCloneUrl === repository.cloneUrl) return true;
    return this.#trust.trustedAuthors.includes(pr.author);
  }
}

/** Forge failures worth retrying: the forge was down or rate-limited, not a request that can never work. */
export function isTransientForgeFailure(error: unknown): boolean {
  if (error instanceof ForgeError) return error.status >= 500 || error.status === 429 || error.status === 0;
  return !(error instanceof ProjectConfigError);
}
