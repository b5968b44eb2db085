import { z } from 'zod';
import {
  truncateDescription,
  type ActionsRunners,
  type CommitStatuses,
  type RepositoryId,
  type WorkflowJob,
} from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { AgentRegistry } from '../agents/agent-registry.ts';
import { requiredLabels, type Job } from '../jobs/job.ts';
import type { Queue } from '../queue/queue.ts';
import { labelsSatisfied } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import {
  agentLabelsFor,
  isClaimed,
  labelSetKey,
  type GitHubRunnerSettings,
} from './github-runner-settings.ts';
import type { RunnerObserver } from './runner-events.ts';

/** The commit status that says a `runs-on` asks for labels no agent offers (one per commit and job name). */
export const RUNS_ON_CONTEXT = 'ironbots/runs-on';

const WorkflowJobEventSchema = z.object({
  action: z.string(),
  workflow_job: z.object({
    id: z.number().int().positive(),
    run_id: z.number().int().positive(),
    name: z.string().default(''),
    status: z.string(),
    conclusion: z.string().nullable().optional(),
    labels: z.array(z.string()),
    runner_name: z.string().nullable().optional(),
    head_sha: z.string(),
    created_at: z.string(),
    started_at: z.string().nullable().optional(),
    html_url: z.string().nullable().optional(),
  }),
  repository: z.object({ name: z.string(), owner: z.object({ login: z.string() }) }),
});

/** What became of one workflow job; shaped like the planner's results, so the worker reports both alike. */
export type RunnerPlanResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'planned'; jobs: { context: string; jobId: string; duplicate: boolean }[]; skipped: string[] };

export interface RunnerDemandOptions {
  forge: ActionsRunners & CommitStatuses;
  jobs: Queue<Job>;
  /** Where agents say what they offer; null: every claimed job is queued, offered or not. */
  agents: AgentRegistry | null;
  settings: GitHubRunnerSettings;
  logger: Logger;
  observer?: RunnerObserver;
  clock?: () => Date;
}

/** Scans give a workflow job that is still queued a new runner job this many times, then say so and stop. */
const MAX_GENERATIONS = 5;

/**
 * The server's half of registered runners: a `workflow_job` queued for labels the fleet offers becomes a
 * runner job in the job queue (one per workflow job, deduplicated by its id), and the scanner does the same
 * for queued jobs whose webhook was lost. A job asking for labels no agent offers gets a commit status
 * naming them and the labels on offer, instead of waiting forever.
 */
export class RunnerDemand {
  readonly #o: RunnerDemandOptions;
  readonly #clock: () => Date;

  constructor(options: RunnerDemandOptions) {
    this.#o = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** For `workflow_job` deliveries; anything else is not this planner's. */
  async handleDelivery(delivery: WebhookDelivery): Promise<RunnerPlanResult> {
    const parsed = WorkflowJobEventSchema.safeParse(delivery.payload);
    if (!parsed.success)
      return {
        kind: 'ignored',
        reason: `workflow_job payload not understood: ${parsed.error.issues[0]?.message}`,
      };
    const { action, workflow_job: w, repository } = parsed.data;
    const repo = { owner: repository.owner.login, name: repository.name };
    const job = toWorkflowJob(w);
    if (action === 'in_progress') {
      if (job.runnerName?.startsWith(this.#o.settings.namePrefix) && job.startedAt) {
        const waited = Date.parse(job.startedAt) - Date.parse(job.createdAt);
        if (Number.isFinite(waited))
          this.#o.observer?.observeRunner({
            type: 'job-started',
            labels: labelSetKey(job.labels),
            queuedForMs: Math.max(0, waited),
          });
        this.#o.logger.info(
          { repo: `${repo.owner}/${repo.name}`, workflowJobId: job.id, runner: job.runnerName },
          'workflow job started on an ironbots runner',
        );
      }
      return { kind: 'ignored', reason: `workflow_job ${action}` };
    }
    if (action !== 'queued') return { kind: 'ignored', reason: `workflow_job ${action}` };
    return this.planWorkflowJob(repo, job, 'webhook', 1);
  }

  /**
   * Re-reads the repository's queued workflow jobs: one whose webhook was lost gets its runner job now, and
   * one still queued although its runner job ended (its runner took another job, or died) gets a new one.
   */
  async scanRepository(repo: RepositoryId): Promise<{ queued: number; enqueued: number }> {
    let enqueued = 0;
    const queued = await this.#o.forge.listQueuedWorkflowJobs(repo);
    for (const job of queued) {
      const result = await this.planWorkflowJob(repo, job, 'scan', MAX_GENERATIONS);
      if (result.kind === 'planned' && result.jobs.some((j) => !j.duplicate)) enqueued++;
    }
    return { queued: queued.length, enqueued };
  }

  async planWorkflowJob(
    repo: RepositoryId,
    workflowJob: WorkflowJob,
    trigger: 'webhook' | 'scan',
    generations: number,
  ): Promise<RunnerPlanResult> {
    const { settings } = this.#o;
    const log = this.#o.logger.child({
      repo: `${repo.owner}/${repo.name}`,
      workflowJobId: workflowJob.id,
      labels: workflowJob.labels,
    });
    if (!isClaimed(workflowJob.labels, settings))
      return {
        kind: 'ignored',
        reason: `runs-on ${JSON.stringify(workflowJob.labels)} lacks ${settings.claimLabels.join(', ')}`,
      };
    const needed = agentLabelsFor(workflowJob.labels, settings);
    const queueLabels = requiredLabels({ labels: needed, executor: settings.executor });
    const refusal = await this.#unsatisfiable(queueLabels);
    if (refusal) {
      log.warn({ needed: queueLabels, onOffer: refusal.onOffer }, 'no agent offers these labels');
      await this.#o.forge.setCommitStatus(repo, workflowJob.headSha, {
        state: 'error',
        context: RUNS_ON_CONTEXT,
        description: truncateDescription(
          `${workflowJob.name || `job ${workflowJob.id}`}: no ironbots agent offers ${refusal.missing}; on offer: ${refusal.onOffer}`,
        ),
      });
      return { kind: 'ignored', reason: `no agent offers ${refusal.missing}` };
    }
    const job: Job = {
      context: truncateDescription(`runner for ${workflowJob.name || `job ${workflowJob.id}`}`).slice(0, 100),
      command: [...settings.command],
      labels: needed,
      timeoutSeconds: settings.timeoutMinutes * 60,
      env: {},
      executor: settings.executor,
      ...(settings.image && settings.executor !== 'process' ? { image: settings.image } : {}),
      ...(settings.executor === 'vm' ? { network: 'user' as const } : {}),
      runner: {
        forge: 'github',
        repository: { owner: repo.owner, name: repo.name },
        scope: settings.scope,
        runnerGroupId: settings.runnerGroupId,
        workflowJobId: workflowJob.id,
        runId: workflowJob.runId,
        workflowJobName: workflowJob.name,
        labels: workflowJob.labels,
        headSha: workflowJob.headSha,
        queuedAt: workflowJob.createdAt,
      },
      trigger: { kind: trigger, ref: `workflow_job ${workflowJob.id}` },
      createdAt: this.#clock().toISOString(),
    };
    const base = `github-runner:${repo.owner}/${repo.name}#${workflowJob.id}`;
    // A runner job that ended while its workflow job still waits (its runner took another job, or died)
    // leaves that job unserved: the next generation serves it. A live one means it is served already.
    for (let generation = 1; generation <= generations; generation++) {
      const dedupKey = generation === 1 ? base : `${base}/${generation}`;
      const queued = await this.#o.jobs.enqueue(job, {
        dedupKey,
        labels: queueLabels,
        // A runner job is not retried by the queue: its VM is gone with a lost agent, and a workflow job
        // still queued afterwards gets a new generation from the scanner.
        maxAttempts: 2,
      });
      if (!queued.duplicate) {
        log.info({ jobId: queued.id, trigger, generation }, 'runner job queued');
        return {
          kind: 'planned',
          jobs: [{ context: job.context, jobId: queued.id, duplicate: false }],
          skipped: [],
        };
      }
      const state = await this.#o.jobs.state(queued.id);
      if (!state || state.state === 'queued' || state.state === 'leased')
        return {
          kind: 'planned',
          jobs: [{ context: job.context, jobId: queued.id, duplicate: true }],
          skipped: [],
        };
    }
    if (generations > 1)
      log.error(
        { generations },
        'the workflow job is still queued after this many runner jobs: not starting another one',
      );
    return { kind: 'ignored', reason: `runner jobs for workflow job ${workflowJob.id} are used up` };
  }

  /** Null when some registered agent offers every label; else what is missing and what is on offer. */
  async #unsatisfiable(labels: string[]): Promise<{ missing: string; onOffer: string } | null> {
    if (!this.#o.agents) return null;
    const agents = await this.#o.agents.list();
    if (
      agents.some((agent) =>
        labelsSatisfied(
          labels,
          agent.labels.map((l) => l.toLowerCase()),
        ),
      )
    )
      return null;
    const offered = new Set(agents.flatMap((a) => a.labels.map((l) => l.toLowerCase())));
    // The agent that comes closest names what is missing.
    const missing = labels.filter((l) => !offered.has(l));
    return {
      missing: (missing.length ? missing : labels).join(', '),
      onOffer: agents.length
        ? agents.map((a) => `${a.name} [${a.labels.join(', ')}]`).join('; ')
        : 'no agent is registered',
    };
  }
}

function toWorkflowJob(w: z.infer<typeof WorkflowJobEventSchema>['workflow_job']): WorkflowJob {
  return {
    id: w.id,
    runId: w.run_id,
    name: w.name,
    status: w.status,
    conclusion: w.conclusion ?? null,
    labels: w.labels,
    runnerName: w.runner_name ?? null,
    headSha: w.head_sha,
    createdAt: w.created_at,
    startedAt: w.started_at ?? null,
    htmlUrl: w.html_url ?? '',
  };
}
