import { z } from 'zod';

/**
 * A job is one context to run for one commit: the unit that travels planner → queue → agent.
 * It carries everything the agent needs, so the agent never has to re-read the event.
 * Its id is the queue message id: one id from submission through logs to the status's target URL.
 */

export const RepositoryRefSchema = z.object({
  owner: z.string().min(1),
  name: z.string().min(1),
  cloneUrl: z.string().url(),
});
export type RepositoryRef = z.infer<typeof RepositoryRefSchema>;

export const ExecutorNameSchema = z.enum(['process', 'podman', 'vm']);
export type ExecutorName = z.infer<typeof ExecutorNameSchema>;

/**
 * A job that is a GitHub Actions runner rather than a command of ours: a `workflow_job` queued for
 * `runs-on: [self-hosted, …]` labels the fleet offers. The agent registers a just-in-time runner for it,
 * boots the runner image with that registration, and the runner takes one job (not necessarily this one:
 * GitHub hands a runner any queued job its labels fit, so demand is reconciled by counts).
 */
export const RunnerRequestSchema = z.object({
  forge: z.literal('github'),
  /** The repository whose workflow job asked for a runner. */
  repository: z.object({ owner: z.string().min(1), name: z.string().min(1) }),
  /** Where the runner registers: the repository itself, or the organisation that owns it. */
  scope: z.enum(['repository', 'organization']),
  runnerGroupId: z.number().int().positive().default(1),
  workflowJobId: z.number().int().positive(),
  runId: z.number().int().positive(),
  workflowJobName: z.string(),
  /** The workflow job's `runs-on` labels: the runner registers with exactly these. */
  labels: z.array(z.string().min(1)).min(1),
  headSha: z.string(),
  /** When GitHub queued the workflow job (ISO): where "queued → started" is measured from. */
  queuedAt: z.string(),
});
export type RunnerRequest = z.infer<typeof RunnerRequestSchema>;

export const JobSchema = z.object({
  /** The commit status context, e.g. `unit` or `fedora-40/devel`. */
  context: z.string().min(1).max(100),
  /** argv; never joined into a shell command line. */
  command: z.array(z.string()).min(1),
  /** Labels an agent must offer to take this job. */
  labels: z.array(z.string().min(1)).default([]),
  timeoutSeconds: z.number().int().positive(),
  env: z.record(z.string(), z.string()).default({}),
  /** Which executor runs it; agents without it do not offer the matching label. */
  executor: ExecutorNameSchema.default('process'),
  /** Image name for the podman and VM executors. */
  image: z.string().optional(),
  /** The VM's network: `user` (QEMU user-mode, the default) or `none`. */
  network: z.enum(['none', 'user']).optional(),
  /** The commit under test; absent for jobs that need no checkout (submitted maintenance jobs). */
  repository: RepositoryRefSchema.optional(),
  sha: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  pullRequest: z.number().int().positive().optional(),
  /**
   * Cross-project testing (jobs/cross-project.ts): an infrastructure repository's pull request checked out
   * beside the project, at the head it had when the job was planned (so every attempt runs the same code).
   */
  infra: z
    .object({
      repository: RepositoryRefSchema,
      pullRequest: z.number().int().positive(),
      sha: z.string().regex(/^[0-9a-f]{40}$/),
    })
    .optional(),
  /**
   * What is checked out in the working directory when it is not the commit the status goes on: a project's
   * default branch tested for an infrastructure pull request (`unit@acme/widget` on acme/bots' pull
   * request, jobs/cross-project.ts), whose commit and pull request are `repository`, `sha`, `pullRequest`.
   */
  checkout: z.object({ repository: RepositoryRefSchema, sha: z.string().regex(/^[0-9a-f]{40}$/) }).optional(),
  /** Set for a GitHub Actions runner job: `command` is then the runner's, and the agent adds its config. */
  runner: RunnerRequestSchema.optional(),
  /** Why the job exists: a webhook delivery, a rescan of the forge, or a submission through the API. */
  trigger: z.object({
    kind: z.enum(['webhook', 'scan', 'api']),
    ref: z.string().optional(),
  }),
  createdAt: z.string(),
});
export type Job = z.infer<typeof JobSchema>;

/**
 * The key that makes planning idempotent: one job per commit and context, and for a cross-project context
 * per infrastructure commit too (asking again after the infrastructure pull request moved runs again).
 */
export function jobDedupKey(
  job: Pick<Job, 'repository' | 'sha' | 'context' | 'infra' | 'checkout'>,
): string | undefined {
  if (!job.repository || !job.sha) return undefined;
  const key = `${job.repository.owner}/${job.repository.name}@${job.sha}#${job.context}`;
  const withInfra = job.infra ? `${key}+${job.infra.sha}` : key;
  return job.checkout ? `${withInfra}~${job.checkout.sha}` : withInfra;
}

/** The label a canary agent offers (`agent.canary: true`), and the planner adds to a share of jobs. */
export const CANARY_LABEL = 'canary';

/** The executor is itself a capability: an agent takes `vm` jobs only if it offers `executor:vm`. */
export function requiredLabels(job: Pick<Job, 'labels' | 'executor'>): string[] {
  return [...new Set([...job.labels, `executor:${job.executor}`])].sort();
}
