import { createHash, randomUUID } from 'node:crypto';
import {
  ForgeError,
  truncateDescription,
  type Branch,
  type Collaborators,
  type CommitStatus,
  type CommitStatuses,
  type PullRequest,
  type PullRequestLabels,
  type PullRequests,
  type Repositories,
  type Repository,
  type RepositoryFiles,
  type RepositoryId,
} from '../../../forge/forge.ts';
import {
  notRun,
  parseCrossProjectContext,
  parseProjectRequest,
  resolveInfraPullRequest,
} from '../jobs/cross-project.ts';
import { CANARY_LABEL, jobDedupKey, requiredLabels, type Job } from '../jobs/job.ts';
import {
  APPROVAL_CONTEXT,
  CONFIG_CONTEXT,
  isInProgress,
  isWaitingForApproval,
  NOT_YET_TESTED,
  supersededReason,
  WAITING_FOR_APPROVAL,
} from '../jobs/status-text.ts';
import type { Logger } from '../../../core/logger.ts';
import type { AgentRegistry } from '../agents/agent-registry.ts';
import type { Queue } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { IssueCommentEventSchema, NoteEventSchema } from '../webhooks/comment-events.ts';
import { assertImageName, ImageReferenceError, isImageName } from '../images/image-reference.ts';
import {
  BOT_COMMENT_MARKER,
  COMMAND_HELP,
  isKnownCommand,
  parseCommands,
  quoted,
  replyBody,
  replyMarker,
  type CommentCommand,
} from './comment-commands.ts';
import type { JobRecords } from '../statuses/job-records.ts';
import type { StatusPublisher } from '../statuses/status-publisher.ts';
import {
  jobFromContext,
  PROJECT_CONFIG_PATH,
  ProjectConfigError,
  type ContextConfig,
  type ProjectConfig,
} from './project-config.ts';
import { ProjectConfigParser } from './project-config-parser.ts';
import { repositoryKey, type PlannedHead, type PlannedHeads } from './planned-heads.ts';
import {
  PullRequestEventSchema,
  pullRequestFromEvent,
  repositoryFromEvent,
  StatusEventSchema,
} from './pull-request-event.ts';
import {
  labelAdded,
  mergeRequestNeedsPlan,
  MergeRequestEventSchema,
  previousDescription,
  projectFromEvent,
  repositoryIdOf,
} from './merge-request-event.ts';
import {
  newlyRequestedTasks,
  uncheckedImageRefreshTasks,
  type PullRequestTask,
} from './pull-request-tasks.ts';

export interface TrustPolicy {
  /**
   * Authors whose pull requests from forks are tested without a human looking first, besides everyone with
   * write access to the repository (asked of the forge).
   */
  trustedAuthors: readonly string[];
  /**
   * `owner/name` of the repositories whose pull requests a cross-project context may check out beside a
   * project (`fedora-40@acme/bots#12`, jobs/cross-project.ts). None: every such request is refused.
   */
  infraRepositories?: readonly string[];
  /**
   * `owner/name` of the projects a pull request of an infrastructure repository may ask to be tested with
   * (`unit@acme/widget` on it): the deployment's `server.infraProjects`.
   */
  projects?: readonly string[];
  /**
   * A label that approves a fork's head commit when someone with write access adds it (GitHub and GitLab),
   * like an `/approve` comment. Absent: only `/approve` does.
   */
  approvalLabel?: string;
}

/**
 * What `/image-refresh <image>` queues (`ironbots image-refresh <image>` at the default branch's head), and a
 * `- [ ] image-refresh <image>` task in a pull request's description (the same with `--pull-request <n>`).
 */
export interface ImageRefreshJobs {
  /** Labels an agent must offer to take it (it builds and boots a VM image). */
  labels: readonly string[];
  executor: Job['executor'];
  timeoutSeconds: number;
}

/**
 * What the planner reads and writes on the forge: open pull requests (and the approval label it takes off),
 * `.ironbots.yml`, statuses, who has write access, branch heads (for `/image-refresh`), and the
 * infrastructure repositories of cross-project contexts.
 */
export type PlannerForge = PullRequests &
  PullRequestLabels &
  RepositoryFiles &
  CommitStatuses &
  Collaborators &
  Repositories;

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
  /** `/image-refresh` jobs; default labels [kvm], process executor, 2 hours. */
  imageRefresh?: ImageRefreshJobs;
  /** A job's log, for links in replies. */
  logUrl?: (jobId: string) => string;
}

export const DEFAULT_IMAGE_REFRESH_JOBS: ImageRefreshJobs = {
  labels: ['kvm'],
  executor: 'process',
  timeoutSeconds: 7200,
};

/** An agent heard from this recently is live enough to be given canary jobs. */
const CANARY_LIVE_MS = 60_000;

export type Trigger = Job['trigger']['kind'];

export type PlanResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'untrusted'; contexts: string[] }
  | { kind: 'config-error'; message: string }
  /** A comment with commands: what each did, and the reply posted. */
  | { kind: 'commands'; commands: { name: string; outcome: string }[]; reply: string[] }
  /** An edit of a pull request's description that asked for tasks: what each did. */
  | { kind: 'tasks'; tasks: TaskOutcome[] }
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
/** Pull request events whose description's tasks are looked at (besides `edited`, and scans). */
const TASK_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

/** What became of one task box of a pull request's description. */
export interface TaskOutcome {
  /** The line's text: `image-refresh debian-12`. */
  task: string;
  outcome: 'queued' | 'duplicate' | 'busy' | 'refused' | 'invalid';
  jobId?: string;
}

/** How a pull request's task boxes came to be looked at. */
interface TaskRequest {
  trigger: Trigger;
  /**
   * Answer in a comment (refusals, what was queued): for an opened, reopened or edited pull request; never
   * for a scan or a push, which look at the same boxes again and again.
   */
  answer: boolean;
  /** An edit of the description: who edited it (they ask too) and the boxes the edit asked for. */
  edit?: { editor: string; requested: PullRequestTask[] };
  /** The delivery: it keys a task asked for again, so that a redelivery queues nothing twice. */
  tag: string;
  /** The default branch's head, when a scan looks it up once for all its pull requests. */
  defaultHead?: () => Promise<Branch | undefined>;
}

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
  readonly #imageRefresh: ImageRefreshJobs;
  readonly #logUrl: ((jobId: string) => string) | null;

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
    this.#imageRefresh = options.imageRefresh ?? DEFAULT_IMAGE_REFRESH_JOBS;
    this.#logUrl = options.logUrl ?? null;
  }

  /** Jobs of an older head or of a closed pull request are dropped before planning anything new. */
  async #dropSuperseded(
    repository: Pick<Repository, 'owner' | 'name'>,
    number: number,
    keepSha: string | null,
  ): Promise<void> {
    if (!this.#supersede) return;
    const reason = supersededReason(keepSha);
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
    if (delivery.event === 'status') return this.#handleStatusDelivery(delivery);
    if (delivery.event === 'issue_comment') return this.#handleIssueComment(delivery);
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
    const tag = `${delivery.forge}:${delivery.deliveryId}`;
    if (event.action === 'closed') await this.#dropSuperseded(repository, event.number, null);
    if (event.action === 'labeled') return this.#handleLabeled(event, repository);
    if (event.action === 'edited') {
      const before = event.changes?.body?.from;
      if (before === undefined)
        return { kind: 'ignored', reason: 'pull_request edited: not its description' };
      return this.#handleDescriptionEdit(
        repository,
        pullRequestFromEvent(event),
        before ?? '',
        event.sender?.login,
        tag,
      );
    }
    if (!PLANNED_ACTIONS.has(event.action))
      return { kind: 'ignored', reason: `pull_request ${event.action}` };
    if (event.action === 'synchronize')
      await this.#dropSuperseded(repository, event.number, event.pull_request.head.sha);
    const pr = pullRequestFromEvent(event);
    const result = await this.planPullRequest(repository, pr, 'webhook');
    if (event.action === 'synchronize' && result.kind === 'untrusted')
      await this.#takeOffApprovalLabel(
        repository,
        event.number,
        event.pull_request.labels.map((l) => l.name),
      );
    if (TASK_ACTIONS.has(event.action))
      await this.#planTasks(repository, pr, {
        trigger: 'webhook',
        answer: event.action !== 'synchronize',
        tag,
      });
    return result;
  }

  /**
   * A status someone posted. `pending "Not yet tested"` under a cross-project context name is a request for
   * that job (as Cockpit's tests-trigger posts it) on every open pull request whose head the commit is; any
   * other status, our own included, is ignored without a request to the forge. Posting a status needs push
   * access to the repository, so the request itself comes from a maintainer.
   */
  async #handleStatusDelivery(delivery: WebhookDelivery): Promise<PlanResult> {
    const parsed = StatusEventSchema.safeParse(delivery.payload);
    if (!parsed.success)
      return { kind: 'ignored', reason: `status payload not understood: ${parsed.error.issues[0]?.message}` };
    const event = parsed.data;
    const repository = repositoryFromEvent(event);
    if (
      event.state !== 'pending' ||
      event.description !== NOT_YET_TESTED ||
      (parseCrossProjectContext(event.context) === null &&
        !(
          this.#isInfraRepository(repository) &&
          parseProjectRequest(event.context, this.#trust.projects ?? []) !== null
        ))
    )
      return { kind: 'ignored', reason: 'status: not a cross-project request' };
    const pulls = (await this.#forge.listOpenPullRequests(repository)).filter((p) => p.headSha === event.sha);
    if (pulls.length === 0) {
      await this.#forge.setCommitStatus(repository, event.sha, {
        state: 'error',
        context: event.context,
        description: truncateDescription(
          notRun(`${event.sha.slice(0, 7)} is not the head of an open pull request`),
        ),
      });
      return { kind: 'ignored', reason: `${event.sha} is not the head of an open pull request` };
    }
    let result: PlanResult = { kind: 'ignored', reason: 'no pull request' };
    for (const pr of pulls)
      result = await this.planPullRequest(repository, pr, 'webhook', { requests: true });
    return result;
  }

  /**
   * A GitLab Merge Request Hook: the merge request is re-read from the forge (the payload names it; the
   * forge says what its head and source project are now), then planned like a pull request.
   */
  async #handleGitLabDelivery(delivery: WebhookDelivery): Promise<PlanResult> {
    if (delivery.event === 'note') return this.#handleNote(delivery);
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
    const tag = `${delivery.forge}:${delivery.deliveryId}`;
    if (action === 'close' || action === 'merge') await this.#dropSuperseded(repository, iid, null);
    const approvalLabel = this.#trust.approvalLabel;
    // A label added by itself; one that came with new commits (oldrev) approves nothing: they wait.
    if (
      approvalLabel &&
      labelAdded(parsed.data, approvalLabel) &&
      parsed.data.object_attributes.oldrev === undefined
    )
      return this.#approveByLabel(
        repository,
        iid,
        parsed.data.object_attributes.last_commit?.id ?? null,
        parsed.data.user?.username,
      );
    const previous = previousDescription(parsed.data);
    const needsPlan = mergeRequestNeedsPlan(parsed.data);
    if (!needsPlan && previous === null)
      return { kind: 'ignored', reason: `merge_request ${action ?? 'event'}` };
    const mr = await this.#forge.getPullRequest(repositoryIdOf(repository), iid);
    let result: PlanResult | null = null;
    if (needsPlan) {
      if (action === 'update') await this.#dropSuperseded(repository, iid, mr.headSha);
      result = await this.planPullRequest(repository, mr, 'webhook');
      if (action === 'update' && result.kind === 'untrusted')
        await this.#takeOffApprovalLabel(
          repository,
          iid,
          parsed.data.labels.map((l) => l.title),
        );
      await this.#planTasks(repository, mr, { trigger: 'webhook', answer: action !== 'update', tag });
    }
    if (previous !== null) {
      // What this edit made of the description, not whatever it says by now.
      const current = parsed.data.changes?.description?.current ?? mr.body;
      const edited = { ...mr, body: current };
      const tasks = await this.#handleDescriptionEdit(
        repository,
        edited,
        previous,
        parsed.data.user?.username,
        tag,
      );
      result ??= tasks;
    }
    return result!;
  }

  /**
   * An edit of a pull request's description: the task boxes it added or unticked are asked for, by the
   * author and by whoever edited (both need write access). Boxes it left alone ask for nothing, so the bot's
   * own edit that ticks a box costs nothing.
   */
  async #handleDescriptionEdit(
    repository: Repository,
    pr: PullRequest,
    previous: string,
    editor: string | undefined,
    tag: string,
  ): Promise<PlanResult> {
    const requested = newlyRequestedTasks(previous, pr.body);
    if (!requested.length) return { kind: 'ignored', reason: 'the edit asks for no task' };
    if (!editor) return { kind: 'ignored', reason: 'the edit does not say who made it' };
    const tasks = await this.#planTasks(repository, pr, {
      trigger: 'webhook',
      answer: true,
      edit: { editor, requested },
      tag,
    });
    return { kind: 'tasks', tasks };
  }

  /**
   * Re-reads the forge and plans every open pull request: recovers events whose webhook was lost. One pull
   * request that cannot be planned (the forge failed on it) is reported and the others are planned anyway.
   *
   * With planned heads, a pull request whose head a scan found settled before is left alone: a new head, a
   * new pull request, or one whose jobs had not all ended and shown their statuses is planned as always.
   * Memory that cannot be read or written only costs requests: everything is planned again.
   *
   * A `full` scan also reads the statuses of every settled head (one request each) and plans the pull
   * requests on which someone asked for a cross-project context since: a request is a status, and a status
   * changes nothing a list shows, so one whose webhook was lost (GitLab sends none at all) is found only so.
   */
  async scanRepository(
    repository: Repository,
    options: { full?: boolean } = {},
  ): Promise<Map<number, ScanResult>> {
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
    let defaultHead: Promise<Branch | undefined> | null = null;
    const taskRequest: TaskRequest = {
      trigger: 'scan',
      answer: false,
      tag: 'scan',
      defaultHead: () => (defaultHead ??= this.#defaultHead(repository)),
    };
    for (const pr of pulls) {
      // Task boxes first: an edit of the description leaves the head as it was.
      await this.#planTasks(repository, pr, taskRequest).catch((error: unknown) =>
        this.#logger.warn({ err: error, repo, pr: pr.number }, 'could not plan the tasks of a pull request'),
      );
      const known = remembered.get(pr.number);
      let result: PlanResult;
      try {
        if (
          known?.settled &&
          known.headSha === pr.headSha &&
          !(options.full && (await this.#asksForCrossProject(repository, pr)))
        ) {
          results.set(pr.number, { kind: 'unchanged' });
          continue;
        }
        result = await this.planPullRequest(repository, pr, 'scan', { requests: options.full === true });
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

  /**
   * Whether a status on the pull request's head asks for a cross-project context (or, on an infrastructure
   * repository's pull request, a project's) that planning would answer: `pending "Not yet tested"` under
   * such a name. One request: the head's statuses.
   */
  async #refuseRequestsWithoutConfig(repository: Repository, pr: PullRequest): Promise<void> {
    for (const status of await this.#forge.listCommitStatuses(repository, pr.headSha)) {
      if (
        status.state !== 'pending' ||
        status.description !== NOT_YET_TESTED ||
        parseCrossProjectContext(status.context) === null
      )
        continue;
      this.#logger.info(
        { repo: `${repository.owner}/${repository.name}`, pr: pr.number, context: status.context },
        'cross-project context not run: no project file',
      );
      await this.#forge.setCommitStatus(repository, pr.headSha, {
        state: 'error',
        context: status.context,
        description: truncateDescription(
          notRun(`there is no ${PROJECT_CONFIG_PATH} at ${pr.headSha.slice(0, 7)}`),
        ),
      });
    }
  }

  async #asksForCrossProject(repository: Repository, pr: PullRequest): Promise<boolean> {
    const isInfra = this.#isInfraRepository(repository);
    return (await this.#forge.listCommitStatuses(repository, pr.headSha)).some(
      (s) =>
        s.state === 'pending' &&
        s.description === NOT_YET_TESTED &&
        (parseCrossProjectContext(s.context) !== null ||
          (isInfra && parseProjectRequest(s.context, this.#trust.projects ?? []) !== null)),
    );
  }

  async planPullRequest(
    repository: Repository,
    pr: PullRequest,
    trigger: Trigger,
    options: {
      approved?: boolean;
      /**
       * The head's statuses may ask for cross-project contexts (a status event, a full scan): without a
       * project file they are refused with a status saying why, not left "Not yet tested".
       */
      requests?: boolean;
    } = {},
  ): Promise<PlanResult> {
    const log = this.#logger.child({
      repo: `${repository.owner}/${repository.name}`,
      pr: pr.number,
      sha: pr.headSha,
    });
    if (pr.state !== 'open') return { kind: 'ignored', reason: 'pull request is closed' };

    const text = await this.#forge.getFileContent(repository, PROJECT_CONFIG_PATH, pr.headSha);
    // An infrastructure repository's pull request may ask for projects' contexts without a file of its own.
    const isInfra = this.#isInfraRepository(repository);
    if (text === null && !isInfra) {
      if (options.requests) await this.#refuseRequestsWithoutConfig(repository, pr);
      return { kind: 'ignored', reason: `no ${PROJECT_CONFIG_PATH} at ${pr.headSha}` };
    }

    let config: ProjectConfig = { contexts: {} };
    if (text !== null) {
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
    }
    // `unit@acme/widget` on an infrastructure pull request, unless the repository's own file has that name.
    const projectRequest = (context: string) =>
      isInfra && !Object.hasOwn(config.contexts, context)
        ? parseProjectRequest(context, this.#trust.projects ?? [])
        : null;

    const contexts = Object.keys(config.contexts);
    const existing = new Map(
      (await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s] as const),
    );

    const trust = options.approved ? 'approved' : await this.#trustOf(repository, pr, existing);
    if (trust === 'untrusted') {
      // A cross-project context asked for on it waits for the same approval as the file's own contexts.
      const requested = [...existing.values()]
        .filter(
          (s) =>
            s.description === NOT_YET_TESTED &&
            (parseCrossProjectContext(s.context) !== null || projectRequest(s.context) !== null),
        )
        .map((s) => s.context);
      for (const context of [...contexts.filter((c) => !existing.has(c)), ...requested]) {
        await this.#forge.setCommitStatus(repository, pr.headSha, {
          state: 'pending',
          context,
          description: WAITING_FOR_APPROVAL,
        });
      }
      log.info({ author: pr.author }, 'pull request from a fork: waiting for approval');
      return { kind: 'untrusted', contexts };
    }

    const jobs: { context: string; jobId: string; duplicate: boolean }[] = [];
    const skipped: string[] = [];
    // Contexts that may still change at this head: a job queued or running, an outcome being republished.
    let unsettled = 0;
    const planContext = async (
      context: string,
      spec: ContextConfig,
      infra?: Job['infra'],
      checkout?: Job['checkout'],
    ): Promise<void> => {
      const status = existing.get(context);
      const job: Job = {
        ...jobFromContext(context, spec, { kind: trigger }, this.#clock()),
        repository: { owner: repository.owner, name: repository.name, cloneUrl: pr.headCloneUrl },
        sha: pr.headSha,
        pullRequest: pr.number,
        ...(infra ? { infra } : {}),
        ...(checkout ? { checkout } : {}),
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
          {
            context,
            jobId: queued.id,
            duplicate: queued.duplicate,
            trigger,
            ...(canary ? { canary } : {}),
            ...(infra ? { infraSha: infra.sha } : {}),
          },
          'job planned',
        );
      };
      const records = this.#records;
      if (!records) {
        if (status && !this.#needsJob(status, spec.timeout)) {
          skipped.push(context);
          if (status.state === 'pending') unsettled++;
          return;
        }
        unsettled++;
        // Status first: once enqueued, an agent may start at once and its "In progress" must come last.
        if (!status || isWaitingForApproval(status.description))
          await this.#setNotYetTested(repository, pr.headSha, context);
        await enqueue();
        return;
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
        return;
      }
      if (record?.state === 'open') {
        unsettled++;
        // Its planner enqueues it; only a record left open for long (a planner that died between recording
        // and enqueueing) is enqueued again here, which dedup makes safe.
        if (this.#clock().getTime() - record.createdAt >= this.#orphanAfterMs) await enqueue();
        else skipped.push(context);
        return;
      }
      if (status && !this.#needsJob(status, spec.timeout)) {
        skipped.push(context);
        if (status.state === 'pending') unsettled++;
        return;
      }
      unsettled++;
      const target = { repo: repository, sha: pr.headSha, context };
      const { created } = await records.create(dedupKey, target);
      if (!created) {
        skipped.push(context);
        return;
      }
      // Only the planner that created the record says "Not yet tested", and before the job can start.
      // Best effort: a forge that refuses it must not keep the job from being queued (the agent's statuses
      // follow), and a record left without its job would block the context until the orphan check.
      if (!status || isWaitingForApproval(status.description))
        await this.#announceNotYetTested(repository, pr.headSha, context, log);
      await enqueue();
    };
    for (const [context, spec] of Object.entries(config.contexts)) await planContext(context, spec);
    // Cross-project contexts someone asked for (a "Not yet tested" status under such a name): they run a
    // context of this file with another repository's pull request beside it.
    // Only a request is answered with a refusal: a job already running is left alone.
    const refuse = async (context: string, status: CommitStatus, reason: string) => {
      skipped.push(context);
      if (status.description !== NOT_YET_TESTED) {
        unsettled++;
        return;
      }
      log.info({ context, reason }, 'cross-project context not run');
      await this.#forge.setCommitStatus(repository, pr.headSha, {
        state: 'error',
        context,
        description: truncateDescription(notRun(reason)),
      });
    };
    // Past the trust check: a request that waited for approval is asked now, like the file's own contexts.
    const asked = (status: CommitStatus) => status.state === 'pending';
    for (const [context, status] of existing) {
      const request = parseCrossProjectContext(context);
      if (request === null || !asked(status)) continue;
      if (typeof request === 'string') {
        await refuse(context, status, request);
        continue;
      }
      const spec = config.contexts[request.base];
      if (!spec) {
        await refuse(context, status, `${PROJECT_CONFIG_PATH} has no context ${request.base}`);
        continue;
      }
      const resolved = await resolveInfraPullRequest(this.#forge, request.infra, this.#crossProjectPolicy());
      if (resolved.kind === 'refused') await refuse(context, status, resolved.reason);
      else await planContext(context, spec, resolved.infra);
    }
    // The other direction: this is the infrastructure pull request, a project's default branch is tested.
    for (const [context, status] of existing) {
      const request = projectRequest(context);
      if (request === null || !asked(status)) continue;
      if (typeof request === 'string') {
        await refuse(context, status, request);
        continue;
      }
      const head = await this.#projectHead(request.project);
      if (typeof head === 'string') {
        await refuse(context, status, head);
        continue;
      }
      const spec = head.config.contexts[request.base];
      if (!spec) {
        const named = `${request.project.owner}/${request.project.name}`;
        await refuse(context, status, `${named}'s ${PROJECT_CONFIG_PATH} has no context ${request.base}`);
        continue;
      }
      const infra = {
        // The repository keeps the pull request's head, a trusted fork's included (refs/pull/N/head).
        repository: { owner: repository.owner, name: repository.name, cloneUrl: repository.cloneUrl },
        pullRequest: pr.number,
        sha: pr.headSha,
      };
      await planContext(context, spec, infra, { repository: head.repository, sha: head.sha });
    }
    if (text === null && jobs.length === 0 && skipped.length === 0)
      return { kind: 'ignored', reason: `no ${PROJECT_CONFIG_PATH} at ${pr.headSha}` };
    return { kind: 'planned', jobs, skipped, settled: unsettled === 0 };
  }

  // ---- comments: bot commands ----

  /** GitHub: a comment on a pull request (an issue comment whose issue is a pull request). */
  async #handleIssueComment(delivery: WebhookDelivery): Promise<PlanResult> {
    const parsed = IssueCommentEventSchema.safeParse(delivery.payload);
    if (!parsed.success)
      return {
        kind: 'ignored',
        reason: `issue_comment payload not understood: ${parsed.error.issues[0]?.message}`,
      };
    const event = parsed.data;
    if (event.action !== 'created') return { kind: 'ignored', reason: `issue_comment ${event.action}` };
    if (!event.issue.pull_request) return { kind: 'ignored', reason: 'a comment on an issue' };
    // Apps (other bots) do not command; neither do we.
    if (event.comment.user.type === 'Bot') return { kind: 'ignored', reason: 'a comment by a bot' };
    return this.#handleComment({
      repository: {
        owner: event.repository.owner.login,
        name: event.repository.name,
        defaultBranch: event.repository.default_branch,
        cloneUrl: event.repository.clone_url,
        htmlUrl: event.repository.html_url,
      },
      number: event.issue.number,
      author: event.comment.user.login,
      body: event.comment.body,
      tag: `${delivery.forge}:${delivery.deliveryId}`,
    });
  }

  /** GitLab: a note on a merge request. */
  async #handleNote(delivery: WebhookDelivery): Promise<PlanResult> {
    const parsed = NoteEventSchema.safeParse(delivery.payload);
    if (!parsed.success)
      return { kind: 'ignored', reason: `note payload not understood: ${parsed.error.issues[0]?.message}` };
    const event = parsed.data;
    if (event.object_attributes.noteable_type !== 'MergeRequest' || !event.merge_request)
      return { kind: 'ignored', reason: `a note on a ${event.object_attributes.noteable_type}` };
    const full = event.project.path_with_namespace;
    const slash = full.lastIndexOf('/');
    return this.#handleComment({
      repository: {
        owner: full.slice(0, slash),
        name: full.slice(slash + 1),
        defaultBranch: event.project.default_branch ?? 'main',
        cloneUrl: event.project.git_http_url,
        htmlUrl: event.project.web_url,
      },
      number: event.merge_request.iid,
      author: event.user.username,
      body: event.object_attributes.note,
      tag: `${delivery.forge}:${delivery.deliveryId}`,
    });
  }

  /**
   * Runs the commands of one comment and answers in one reply. Anyone learns the valid commands; only users
   * with write access command. `tag` (the delivery) makes a redelivered or retried comment queue nothing twice.
   */
  async #handleComment(comment: {
    repository: Repository;
    number: number;
    author: string;
    body: string;
    tag: string;
  }): Promise<PlanResult> {
    const { repository, number, author } = comment;
    if (comment.body.includes(BOT_COMMENT_MARKER)) return { kind: 'ignored', reason: 'a comment of our own' };
    const commands = parseCommands(comment.body);
    if (!commands.length) return { kind: 'ignored', reason: 'no command in the comment' };
    const log = this.#logger.child({ repo: `${repository.owner}/${repository.name}`, pr: number, author });
    const unknown = commands.filter((c) => !isKnownCommand(c.name));
    const known = commands.filter((c) => isKnownCommand(c.name));
    const lines: string[] = [];
    const outcomes: { name: string; outcome: string }[] = [];
    if (unknown.length) {
      lines.push(
        `${mention(author)}: I do not know ${unknown.map((c) => quoted(`/${c.name}`)).join(', ')}. The commands are:`,
        ...Object.values(COMMAND_HELP).map((help) => `- ${help}`),
      );
      for (const c of unknown) outcomes.push({ name: c.name, outcome: 'unknown' });
    }
    if (known.length) {
      if (!(await this.#forge.hasWriteAccess(repository, author))) {
        lines.push(
          `Sorry ${mention(author)}, only people with write access to ${repository.owner}/${repository.name} ` +
            `can use ${known.map((c) => quoted(`/${c.name}`)).join(', ')}, so nothing was run. ` +
            'A maintainer can run it for you.',
        );
        for (const c of known) outcomes.push({ name: c.name, outcome: 'refused: no write access' });
      } else {
        for (const command of known) {
          const outcome = await this.#runCommand(command, comment);
          lines.push(outcome);
          outcomes.push({ name: command.name, outcome });
        }
      }
    }
    log.info({ commands: outcomes }, 'comment commands handled');
    // The commands ran; a reply that cannot be posted is not worth running them again for.
    await this.#reply(repository, number, lines, comment.tag, log, 'could not post the reply to a command');
    return { kind: 'commands', commands: outcomes, reply: lines };
  }

  /**
   * Posts a reply to the request `tag` (a delivery), unless the pull request has one already: a request
   * handled a second time (its event delivered again) answers once. Best effort: a failure is logged.
   */
  async #reply(
    repository: Repository,
    number: number,
    lines: string[],
    tag: string,
    log: Logger,
    failure: string,
  ): Promise<void> {
    try {
      const marker = replyMarker(tag);
      const comments = await this.#forge.listIssueComments(repository, number);
      if (comments.some((c) => c.body.includes(marker))) {
        log.info({ request: tag }, 'this request was answered already: no second reply');
        return;
      }
      await this.#forge.createIssueComment(repository, number, replyBody(lines, tag));
    } catch (error) {
      log.warn({ err: error }, failure);
    }
  }

  async #runCommand(
    command: CommentCommand,
    comment: { repository: Repository; number: number; author: string; tag: string },
  ): Promise<string> {
    const { repository, number, author, tag } = comment;
    if (command.name === 'image-refresh')
      return this.#imageRefreshCommand(repository, command.args, author, `${tag}/${command.name}`);
    const pr = await this.#forge.getPullRequest(repository, number);
    if (pr.state !== 'open') return `${quoted(`/${command.name}`)}: the pull request is closed.`;
    if (command.name === 'approve') return this.#approveCommand(repository, pr, command.args, author);
    return this.#retestCommand(repository, pr, command.args, `${tag}/${command.name}`);
  }

  /** `/approve [commit]`: the head commit of a fork's pull request may run (no secrets; see README). */
  async #approveCommand(
    repository: Repository,
    pr: PullRequest,
    args: string[],
    approver: string,
  ): Promise<string> {
    const head = pr.headSha.slice(0, 7);
    const expected = args[0]?.toLowerCase();
    if (expected !== undefined && (!/^[0-9a-f]{4,40}$/.test(expected) || !pr.headSha.startsWith(expected)))
      return (
        `\`/approve\`: the head is ${head} now, not ${quoted(args[0]!)}; ` +
        'look at the new commits, then approve again.'
      );
    const existing = new Map(
      (await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s] as const),
    );
    const trust = await this.#trustOf(repository, pr, existing);
    if (trust === 'trusted') return `\`/approve\`: ${head} needs no approval; it is tested anyway.`;
    if (trust === 'untrusted')
      await this.#forge.setCommitStatus(repository, pr.headSha, {
        state: 'success',
        context: APPROVAL_CONTEXT,
        description: truncateDescription(`Approved by ${approver}`),
      });
    const result = await this.planPullRequest(repository, pr, 'webhook', { approved: true });
    return `${quoted('/approve')}: ${head} approved by ${mention(approver)}; ${describePlan(result)}`;
  }

  /**
   * GitHub: a label added to a pull request. The approval label, added by someone with write access,
   * approves.
   */
  async #handleLabeled(
    event: ReturnType<typeof PullRequestEventSchema.parse>,
    repository: Repository,
  ): Promise<PlanResult> {
    const label = event.label?.name;
    const approvalLabel = this.#trust.approvalLabel;
    if (!approvalLabel || label !== approvalLabel)
      return { kind: 'ignored', reason: `pull_request labeled ${label ?? ''}`.trim() };
    // The head the label was added to (from the event), not whatever was pushed since.
    return this.#approveByLabel(repository, event.number, event.pull_request.head.sha, event.sender?.login);
  }

  /**
   * A push to a pull request whose new head waits for approval: the approval label, if an earlier head's
   * approval left it on, comes off, so that putting it on again approves this head (a label already on
   * cannot be added). Best effort: the label only says what the approval status says.
   */
  async #takeOffApprovalLabel(repository: Repository, number: number, labels: string[]): Promise<void> {
    const approvalLabel = this.#trust.approvalLabel;
    if (!approvalLabel || !labels.includes(approvalLabel)) return;
    await this.#forge.removePullRequestLabel(repository, number, approvalLabel).then(
      () =>
        this.#logger.info(
          { repo: `${repository.owner}/${repository.name}`, pr: number, label: approvalLabel },
          'new commits wait for approval: the approval label was taken off',
        ),
      (error: unknown) =>
        this.#logger.warn(
          { err: error, repo: `${repository.owner}/${repository.name}`, pr: number },
          'could not take the approval label off',
        ),
    );
  }

  /**
   * The approval label was added to a pull request (GitHub) or merge request (GitLab) at `labeledSha` (null:
   * the event did not say) by `sender`: with write access, that head is approved, like `/approve`. The
   * author cannot approve their own: without write access they are refused like anyone else.
   */
  async #approveByLabel(
    repository: Repository,
    number: number,
    labeledSha: string | null,
    sender: string | undefined,
  ): Promise<PlanResult> {
    const approvalLabel = this.#trust.approvalLabel!;
    if (!sender || !(await this.#forge.hasWriteAccess(repository, sender)))
      return {
        kind: 'ignored',
        reason: `the ${approvalLabel} label was added by someone without write access`,
      };
    const current = await this.#forge.getPullRequest(repository, number);
    if (current.state !== 'open' || (labeledSha !== null && current.headSha !== labeledSha))
      return { kind: 'ignored', reason: 'the pull request moved on since the label was added' };
    const existing = new Map(
      (await this.#forge.listCommitStatuses(repository, current.headSha)).map((s) => [s.context, s] as const),
    );
    const trust = await this.#trustOf(repository, current, existing);
    if (trust === 'untrusted')
      await this.#forge.setCommitStatus(repository, current.headSha, {
        state: 'success',
        context: APPROVAL_CONTEXT,
        description: truncateDescription(`Approved by ${sender} (${approvalLabel})`),
      });
    return this.planPullRequest(repository, current, 'webhook', { approved: true });
  }

  /**
   * `/retest [context…]`: the named contexts, or every failed or errored one, run again at the current head.
   * Each gets its record reopened and a job queued under a key of this comment, so a redelivery or a retry
   * of the same comment queues nothing twice while the next `/retest` runs them again.
   */
  async #retestCommand(
    repository: Repository,
    pr: PullRequest,
    names: string[],
    tag: string,
  ): Promise<string> {
    const head = pr.headSha.slice(0, 7);
    const text = await this.#forge.getFileContent(repository, PROJECT_CONFIG_PATH, pr.headSha);
    if (text === null) return `\`/retest\`: there is no ${PROJECT_CONFIG_PATH} at ${head}.`;
    let config: ProjectConfig;
    try {
      config = await this.#parseConfig(text);
    } catch (error) {
      if (!(error instanceof ProjectConfigError)) throw error;
      return `\`/retest\`: ${PROJECT_CONFIG_PATH} at ${head} is broken: ${quoted(error.message)}`;
    }
    const existing = new Map(
      (await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s] as const),
    );
    if ((await this.#trustOf(repository, pr, existing)) === 'untrusted')
      return `\`/retest\`: ${head} is from a fork and waits for approval: \`/approve\` it first.`;
    const contexts = Object.keys(config.contexts);
    const unknown = names.filter((n) => !Object.hasOwn(config.contexts, n));
    if (unknown.length)
      return (
        `\`/retest\`: ${PROJECT_CONFIG_PATH} at ${head} has no context ${unknown.map((n) => quoted(n)).join(', ')}; ` +
        `its contexts are ${contexts.map((c) => quoted(c)).join(', ')}. Nothing was queued.`
      );
    const chosen = names.length
      ? [...new Set(names)]
      : contexts.filter((c) => {
          const state = existing.get(c)?.state;
          return state === 'failure' || state === 'error';
        });
    if (!chosen.length) return `\`/retest\`: no context failed at ${head}; name the ones to run again.`;
    const queued: string[] = [];
    const busy: string[] = [];
    for (const context of chosen) {
      const spec = config.contexts[context]!;
      const job: Job = {
        ...jobFromContext(context, spec, { kind: 'webhook', ref: 'retest' }, this.#clock()),
        repository: { owner: repository.owner, name: repository.name, cloneUrl: pr.headCloneUrl },
        sha: pr.headSha,
        pullRequest: pr.number,
      };
      const key = jobDedupKey(job)!;
      const rerun = await this.#rerun(job, key, `${key}~${tag}`, spec.priority);
      (rerun === 'busy' ? busy : queued).push(context);
    }
    const parts = [];
    if (queued.length) parts.push(`running ${queued.map((c) => quoted(c)).join(', ')} again at ${head}`);
    if (busy.length) parts.push(`${busy.map((c) => quoted(c)).join(', ')} already queued or running`);
    return `\`/retest\`: ${parts.join('; ')}.`;
  }

  /**
   * Queues a job that ran before at the same commit and context: its record is reopened (a finished record
   * would make the agent republish the old outcome instead of running), its status reset to "Not yet tested",
   * then it is enqueued under `queueKey`. A job still open (queued or running) is left alone, and so is a
   * request already handled (`queueKey` taken: the same event handled again): reopening after its job ended
   * would reset a final status with no job left to set it again.
   */
  async #rerun(
    job: Job,
    key: string,
    queueKey: string,
    priority: number,
  ): Promise<{ jobId: string } | 'busy'> {
    const handled = await this.#jobs.findByDedupKey(queueKey);
    if (handled) {
      this.#logger.info(
        { context: job.context, sha: job.sha, jobId: handled.message.id, state: handled.state, queueKey },
        'asked again to run a job again: this request was handled already',
      );
      return { jobId: handled.message.id };
    }
    const repo = { owner: job.repository!.owner, name: job.repository!.name };
    const records = this.#records;
    if (records) {
      const record = await records.get(key);
      if (record?.state === 'open') return 'busy';
      if (record) await records.reopen(key);
      else await records.create(key, { repo, sha: job.sha!, context: job.context });
    }
    await this.#announceNotYetTested(repo, job.sha!, job.context);
    const queued = await this.#jobs.enqueue(job, {
      dedupKey: queueKey,
      priority,
      labels: requiredLabels(job),
    });
    this.#logger.info(
      { context: job.context, sha: job.sha, jobId: queued.id, duplicate: queued.duplicate, queueKey },
      'job queued again on command',
    );
    return { jobId: queued.id };
  }

  /**
   * `/image-refresh <image>`: queues `ironbots image-refresh <image> --repository <repo>` on the head of the
   * default branch (never the pull request's commits: the job holds the deployment's credentials), as the
   * `image-refresh/<image>` context; the job builds, boot-tests and uploads the image and opens a pull
   * request that updates `images/<image>`.
   */
  async #imageRefreshCommand(
    repository: Repository,
    args: string[],
    author: string,
    tag: string,
  ): Promise<string> {
    const usage = `\`/image-refresh\` takes one image name, e.g. \`/image-refresh debian-12\``;
    if (args.length !== 1) return `${usage}.`;
    const image = args[0]!;
    try {
      assertImageName(image);
    } catch (error) {
      if (!(error instanceof ImageReferenceError)) throw error;
      return `${usage}: ${quoted(image)} is not an image name (lower-case letters, digits, '.', '_' and '-').`;
    }
    const branch = await this.#defaultHead(repository);
    if (!branch) return `\`/image-refresh\`: ${repository.defaultBranch} has no commit yet.`;
    const job = this.#imageRefreshJob(
      repository,
      image,
      { sha: branch.sha },
      {
        kind: 'webhook',
        ref: `image-refresh by ${author}`,
      },
    );
    const key = jobDedupKey(job)!;
    const rerun = await this.#rerun(job, key, `${key}~${tag}`, 0);
    const at = `${repository.defaultBranch} at ${branch.sha.slice(0, 7)}`;
    if (rerun === 'busy')
      return `\`/image-refresh\`: ${quoted(job.context)} is already queued or running on ${at}.`;
    return (
      `\`/image-refresh\`: queued ${quoted(job.context)} on ${at}; it runs ${quoted(job.command.join(' '))}, ` +
      `which builds and boot-tests the image, uploads it and opens a pull request updating images/${image}.` +
      (this.#logUrl ? ` Its log: ${this.#logUrl(rerun.jobId)}` : '')
    );
  }

  /**
   * `ironbots image-refresh <image> --repository <repo>` with the `imageRefreshJobs` settings, its status on
   * `at.sha`. For a task box: `--pull-request <n>`, with the default branch (`checkoutSha`) checked out.
   */
  #imageRefreshJob(
    repository: Repository,
    image: string,
    at: { sha: string; pullRequest?: number; checkoutSha?: string },
    trigger: Job['trigger'],
  ): Job {
    const settings = this.#imageRefresh;
    const base = { owner: repository.owner, name: repository.name, cloneUrl: repository.cloneUrl };
    return {
      context: `image-refresh/${image}`,
      command: [
        'ironbots',
        'image-refresh',
        image,
        '--repository',
        `${repository.owner}/${repository.name}`,
        ...(at.pullRequest === undefined ? [] : ['--pull-request', String(at.pullRequest)]),
      ],
      labels: [...settings.labels],
      timeoutSeconds: settings.timeoutSeconds,
      env: {},
      executor: settings.executor,
      repository: base,
      sha: at.sha,
      ...(at.checkoutSha === undefined ? {} : { checkout: { repository: base, sha: at.checkoutSha } }),
      trigger,
      createdAt: this.#clock().toISOString(),
    };
  }

  // ---- task boxes in the description ----

  /**
   * The unchecked `- [ ] image-refresh <image>` boxes of a pull request's description (or those an edit asked
   * for): one job per box, when the pull request's author (and the editor) has write access and its branch
   * is in the repository itself (the job pushes to it; never to a fork). Refusals and what was queued are
   * answered in one comment when `request.answer` says so.
   */
  async #planTasks(repository: Repository, pr: PullRequest, request: TaskRequest): Promise<TaskOutcome[]> {
    const tasks = request.edit ? request.edit.requested : uncheckedImageRefreshTasks(pr.body);
    if (!tasks.length || pr.state !== 'open') return [];
    const named = `${repository.owner}/${repository.name}`;
    const log = this.#logger.child({ repo: named, pr: pr.number, trigger: request.trigger });
    const outcomes: TaskOutcome[] = [];
    const lines: string[] = [];
    const listed = tasks.map((t) => quoted(t.text)).join(', ');
    const refuseAll = (line: string) => {
      for (const t of tasks) outcomes.push({ task: t.text, outcome: 'refused' });
      lines.push(line);
    };
    const askers = [...new Set([pr.author, ...(request.edit ? [request.edit.editor] : [])])];
    const withoutAccess: string[] = [];
    if (pr.headRepositoryDeleted || pr.headCloneUrl !== repository.cloneUrl)
      refuseAll(
        `${listed}: the branch of this pull request is not in ${named}, and I push only to branches of ` +
          `${named}, so I do not run these tasks here. A maintainer can comment \`/image-refresh <image>\`, ` +
          'which proposes the image in a pull request of its own.',
      );
    else {
      for (const login of askers)
        if (!(await this.#forge.hasWriteAccess(repository, login))) withoutAccess.push(login);
      if (withoutAccess.length)
        refuseAll(
          `Sorry ${withoutAccess.map(mention).join(' and ')}, only pull requests of people with write access ` +
            `to ${named} (and their edits) run tasks like ${listed}, so nothing was run.`,
        );
    }
    if (!outcomes.length) {
      const images: { task: PullRequestTask; image: string }[] = [];
      for (const task of tasks) {
        const image = task.args.length === 1 ? task.args[0]! : null;
        if (image !== null && isImageName(image)) images.push({ task, image });
        else {
          outcomes.push({ task: task.text, outcome: 'invalid' });
          lines.push(
            `${quoted(`- [ ] ${task.text}`)}: the task \`image-refresh\` takes one image name (lower-case ` +
              "letters, digits, '.', '_' and '-'), e.g. `- [ ] image-refresh debian-12`; nothing was queued for it.",
          );
        }
      }
      const branch = images.length
        ? await (request.defaultHead ?? (() => this.#defaultHead(repository)))()
        : undefined;
      for (const { task, image } of images) {
        if (!branch) {
          outcomes.push({ task: task.text, outcome: 'refused' });
          lines.push(`${quoted(task.text)}: ${repository.defaultBranch} has no commit yet.`);
          continue;
        }
        const queued = await this.#queueImageRefreshTask(repository, pr, task, image, branch.sha, request);
        outcomes.push(queued.outcome);
        if (queued.line) lines.push(queued.line);
      }
    }
    log.info({ tasks: outcomes }, 'task boxes of the description handled');
    if (request.answer && lines.length)
      await this.#reply(repository, pr.number, lines, request.tag, log, 'could not answer the task boxes');
    return outcomes;
  }

  async #defaultHead(repository: Repository): Promise<Branch | undefined> {
    return (await this.#forge.listBranches(repository)).find((b) => b.name === repository.defaultBranch);
  }

  /**
   * Queues `ironbots image-refresh <image> --repository <repo> --pull-request <n>` for a task box. Its status
   * goes on the pull request's head; what runs is the default branch (the job holds the deployment's
   * credentials), never the pull request's commits. It carries no pull request number of its own, so the
   * push it makes (a new head) does not cancel it as superseded.
   *
   * One job per pull request and box, whatever the heads: the job's push moves the head before the box is
   * ticked, and every scan sees the box until then. A box asked for again (an edit that added or unticked it)
   * runs again unless its job is still open, keyed by the delivery so a redelivery queues nothing twice.
   */
  async #queueImageRefreshTask(
    repository: Repository,
    pr: PullRequest,
    task: PullRequestTask,
    image: string,
    defaultSha: string,
    request: TaskRequest,
  ): Promise<{ outcome: TaskOutcome; line?: string }> {
    const job = this.#imageRefreshJob(
      repository,
      image,
      { sha: pr.headSha, pullRequest: pr.number, checkoutSha: defaultSha },
      { kind: request.trigger, ref: `task ${task.text} on #${pr.number}` },
    );
    const { owner, name } = repositoryKey(repository);
    const taskKey = `task:${owner}/${name}#${pr.number}:${task.text}`;
    // A box seen for the first time says "Not yet tested" on the head at once, before its job can start (an
    // agent's "In progress" must not be overwritten), as a planned context does. Never for a box whose job
    // exists: its own push moves the head, and a status there would have no job to settle it.
    if (!(await this.#jobs.findByDedupKey(taskKey))) {
      const created = this.#records
        ? (
            await this.#records.create(jobDedupKey(job)!, {
              repo: repository,
              sha: pr.headSha,
              context: job.context,
            })
          ).created
        : true;
      if (created) await this.#announceNotYetTested(repository, pr.headSha, job.context);
    }
    const first = await this.#jobs.enqueue(job, {
      dedupKey: taskKey,
      priority: 0,
      labels: requiredLabels(job),
    });
    let jobId = first.id;
    if (first.duplicate) {
      const asked = request.edit?.requested.some((t) => t.text === task.text) === true;
      if (!asked) return { outcome: { task: task.text, outcome: 'duplicate', jobId: first.id } };
      const previous = await this.#jobs.state(first.id);
      const rerun =
        previous?.state === 'queued' || previous?.state === 'leased'
          ? 'busy'
          : await this.#rerun(job, jobDedupKey(job)!, `${taskKey}~${request.tag}`, 0);
      if (rerun === 'busy')
        return {
          outcome: { task: task.text, outcome: 'busy', jobId: first.id },
          line: `${quoted(task.text)}: ${quoted(job.context)} is already queued or running for this pull request.`,
        };
      jobId = rerun.jobId;
    }
    this.#logger.info(
      { repo: `${repository.owner}/${repository.name}`, pr: pr.number, task: task.text, jobId },
      'task queued',
    );
    return {
      outcome: { task: task.text, outcome: 'queued', jobId },
      line:
        `${quoted(task.text)}: queued ${quoted(job.context)}; it runs ${quoted(job.command.join(' '))} on ` +
        `${repository.defaultBranch} at ${defaultSha.slice(0, 7)}, which builds and boot-tests the image, ` +
        `uploads it, commits images/${image} to ${pr.headRef} and ticks the box.` +
        (this.#logUrl ? ` Its log: ${this.#logUrl(jobId)}` : ''),
    };
  }

  /**
   * A context with a status needs a job only when that status shows a job that may have been lost:
   * "Not yet tested" (the queue may have lost it; dedup makes re-enqueueing safe), or "In progress" for much
   * longer than the job's own timeout (its agent died along with the queue).
   */
  #needsJob(status: CommitStatus, timeoutSeconds: number): boolean {
    if (status.state !== 'pending') return false;
    if (status.description === NOT_YET_TESTED) return true;
    // Planned at all, the head is approved now (or its author trusted).
    if (isWaitingForApproval(status.description)) return true;
    if (isInProgress(status.description)) {
      const age = this.#clock().getTime() - Date.parse(status.createdAt);
      return age > (timeoutSeconds + 600) * 1000;
    }
    return false;
  }

  /**
   * "Not yet tested" before a job is queued, best effort: a forge that refuses it must not keep the job from
   * being queued (the agent's statuses follow).
   */
  async #announceNotYetTested(
    repository: RepositoryId,
    sha: string,
    context: string,
    log: Logger = this.#logger,
  ): Promise<void> {
    await this.#setNotYetTested(repository, sha, context).catch((error: unknown) =>
      log.warn({ err: error, context }, 'could not post "Not yet tested"; queueing the job anyway'),
    );
  }

  async #setNotYetTested(repository: RepositoryId, sha: string, context: string): Promise<void> {
    await this.#forge.setCommitStatus(repository, sha, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });
  }

  #isInfraRepository(repository: RepositoryId): boolean {
    const named = `${repository.owner}/${repository.name}`.toLowerCase();
    return (this.#trust.infraRepositories ?? []).some((r) => r.toLowerCase() === named);
  }

  /**
   * A project's default branch as a project request runs it: its head commit (recorded in the job) and its
   * `.ironbots.yml` there; or why it cannot be run. Forge outages are thrown, to be retried.
   */
  async #projectHead(
    project: RepositoryId,
  ): Promise<{ repository: NonNullable<Job['repository']>; sha: string; config: ProjectConfig } | string> {
    const named = `${project.owner}/${project.name}`;
    let repo: Repository;
    try {
      repo = await this.#forge.getRepository(project);
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return `repository ${named} does not exist`;
      throw error;
    }
    const branch = (await this.#forge.listBranches(project)).find((b) => b.name === repo.defaultBranch);
    if (!branch) return `${named} has no branch ${repo.defaultBranch}`;
    const text = await this.#forge.getFileContent(project, PROJECT_CONFIG_PATH, branch.sha);
    if (text === null) return `${named} has no ${PROJECT_CONFIG_PATH} on ${repo.defaultBranch}`;
    try {
      return {
        repository: { owner: repo.owner, name: repo.name, cloneUrl: repo.cloneUrl },
        sha: branch.sha,
        config: await this.#parseConfig(text),
      };
    } catch (error) {
      if (error instanceof ProjectConfigError) return `${named}'s ${error.message}`;
      throw error;
    }
  }

  #crossProjectPolicy() {
    return {
      infraRepositories: this.#trust.infraRepositories ?? [],
      trustedAuthors: this.#trust.trustedAuthors,
    };
  }

  /**
   * Whether a head may run: a branch of the repository itself, or an author with write access or on the
   * trusted list, runs; a fork's head commit by anyone else runs once approved (the approval status on it).
   */
  async #trustOf(
    repository: Repository,
    pr: PullRequest,
    existing: ReadonlyMap<string, CommitStatus>,
  ): Promise<'trusted' | 'approved' | 'untrusted'> {
    // A PR whose fork was deleted falls back to the base repository's clone URL: that says nothing about
    // who wrote its commits, so only the author decides.
    if (!pr.headRepositoryDeleted && pr.headCloneUrl === repository.cloneUrl) return 'trusted';
    if (this.#trust.trustedAuthors.includes(pr.author)) return 'trusted';
    if (existing.get(APPROVAL_CONTEXT)?.state === 'success') return 'approved';
    return (await this.#forge.hasWriteAccess(repository, pr.author)) ? 'trusted' : 'untrusted';
  }
}

/** A login as a mention, or quoted when it is not a plain login. */
function mention(login: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(login) ? `@${login}` : quoted(login);
}

/** What planning an approved head did, for a reply. */
function describePlan(result: PlanResult): string {
  switch (result.kind) {
    case 'planned': {
      const fresh = result.jobs.filter((j) => !j.duplicate).map((j) => quoted(j.context));
      return fresh.length ? `testing ${fresh.join(', ')}.` : 'every context already has a job.';
    }
    case 'config-error':
      return `but ${PROJECT_CONFIG_PATH} is broken: ${quoted(result.message)}`;
    case 'ignored':
      return `but nothing runs: ${result.reason}.`;
    default:
      return 'nothing to run.';
  }
}

/** Forge failures worth retrying: the forge was down or rate-limited, not a request that can never work. */
export function isTransientForgeFailure(error: unknown): boolean {
  if (error instanceof ForgeError) return error.status >= 500 || error.status === 429 || error.status === 0;
  return !(error instanceof ProjectConfigError);
}
