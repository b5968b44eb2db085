import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  ForgeError,
  type CommitStatuses,
  type PullRequests,
  type Repositories,
} from '../../../forge/forge.ts';
import { BodyTooLargeError, readBody } from '../../../core/http/body.ts';
import type { Route } from '../../../core/http/http-server.ts';
import { sendError, sendJson } from '../../../core/http/responses.ts';
import { bearerTokenCheck } from '../../../core/http/bearer-token.ts';
import { ExecutorNameSchema, requiredLabels, type Job } from '../jobs/job.ts';
import { parseCrossProjectContext, resolveInfraPullRequest } from '../jobs/cross-project.ts';
import { NOT_YET_TESTED, SUBMITTED_NOT_YET_TESTED } from '../jobs/status-text.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { Logger } from '../../../core/logger.ts';
import type { Queue } from '../queue/queue.ts';
import type { JobRecords } from '../statuses/job-records.ts';
import type { StatusPublisher } from '../statuses/status-publisher.ts';
import { cancelJob, LISTED_STATES, listJobs } from './job-control.ts';
import { cancelReason } from '../jobs/status-text.ts';

/**
 * The job submission API: what the root action (and `ironbots submit`) call from a workflow, e.g. a weekly
 * image refresh. Authenticated with bearer tokens from the server's configuration.
 *
 *   POST /api/v1/jobs                 → 201 { id, state: 'queued', duplicate, url, logUrl }
 *   GET  /api/v1/jobs?state=&limit=   → 200 { jobs: [{ id, context, repository?, sha?, state, attempt, agent?,
 *                                        enqueuedAt, reason? }] } newest first (job-control.ts)
 *   GET  /api/v1/jobs/<id>            → 200 { id, context, state, description?, logUrl?, exitCode? }
 *   POST /api/v1/jobs/<id>/cancel     { by?, reason? } → 202 { id, state: 'cancelled' | 'cancelling', … },
 *                                        404 for an unknown id, 409 { state } for a job that already ended
 * An `Idempotency-Key` header makes a retried submission return the first job (200, duplicate: true).
 * A cross-project context (`name@owner/infra#12`, jobs/cross-project.ts) needs `repository` and `sha`: the
 * infrastructure pull request is checked out beside them; 422 says why one is refused, 400 a malformed name.
 */

export const JobSubmissionSchema = z
  .object({
    context: z.string().min(1).max(100),
    command: z.array(z.string()).min(1),
    labels: z.array(z.string().min(1)).default([]),
    timeoutSeconds: z.number().int().positive().max(86_400).default(3600),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    executor: ExecutorNameSchema.default('process'),
    image: z.string().min(1).optional(),
    priority: z.number().int().min(-100).max(100).default(0),
    repository: z.object({ owner: z.string().min(1), name: z.string().min(1) }).optional(),
    sha: z
      .string()
      .regex(/^[0-9a-f]{40}$/, 'must be a full 40-character commit id')
      .optional(),
  })
  .strict()
  .refine((s) => !s.sha || s.repository, { message: 'sha needs a repository', path: ['sha'] });

export type JobSubmission = z.input<typeof JobSubmissionSchema>;

/** `cancelling`: running, and cancelled: its agent is stopping it. */
export type PublicJobState =
  'queued' | 'running' | 'cancelling' | 'success' | 'failure' | 'error' | 'cancelled' | 'dead';

export const JobCancelSchema = z
  .object({
    /** Who cancels, for the status: "Cancelled: by alice". Default "an API client". */
    by: z.string().min(1).max(64).optional(),
    reason: z.string().min(1).max(200).optional(),
  })
  .strict();

const ListQuerySchema = z.object({
  state: z.enum(LISTED_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

export interface JobsApiOptions {
  tokens: readonly string[];
  jobs: Queue<Job>;
  logStore: LogStore;
  /**
   * Looks up a submitted job's repository and marks its commit pending; for a cross-project context, the
   * infrastructure pull request.
   */
  forge: (Repositories & CommitStatuses & PullRequests) | null;
  /** Which infrastructure repositories and fork authors a cross-project context may use (none: refused). */
  trust?: { trustedAuthors: readonly string[]; infraRepositories?: readonly string[] };
  /** Base URL under which this server is reached, for the URLs it hands out. */
  publicUrl: () => string;
  logUrl: (jobId: string) => string;
  logger: Logger;
  clock?: () => Date;
  /** Where a job cancelled before it ran gets its final status; none: no statuses are recorded. */
  records?: JobRecords | null;
  publisher?: StatusPublisher | null;
}

/** A job id as the API takes it; any other id is no job of this server's (404). */
const JOB_ID = ':id(^[A-Za-z0-9._-]{1,100}$)';

export function jobsApiRoute(options: JobsApiOptions): Route {
  const authorized = bearerTokenCheck(options.tokens);

  return {
    paths: ['/api/v1/jobs', `/api/v1/jobs/${JOB_ID}`, `/api/v1/jobs/${JOB_ID}/cancel`],
    async handle(req, res, url, { id }) {
      if (!authorized(req)) {
        req.resume();
        sendError(res, 401, 'missing or invalid bearer token', { 'www-authenticate': 'Bearer' });
        return;
      }
      if (id === undefined) {
        if (req.method === 'POST') await submit(req, res, options);
        else if (req.method === 'GET') await list(url, res, options);
        else sendError(res, 405, 'POST a job here, or GET the list', { allow: 'GET, POST' });
      } else if (url.pathname.endsWith('/cancel')) {
        if (req.method !== 'POST') sendError(res, 405, 'POST to cancel the job', { allow: 'POST' });
        else await cancel(id, req, res, options);
      } else if (req.method !== 'GET') sendError(res, 405, 'GET a job here', { allow: 'GET' });
      else await describe(id, res, options);
    },
  };
}

async function submit(req: IncomingMessage, res: ServerResponse, options: JobsApiOptions): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
    return sendError(res, 400, 'body is not valid JSON');
  }
  const parsed = JobSubmissionSchema.safeParse(body);
  if (!parsed.success) return badRequest(res, parsed.error, 'body');
  const submission = parsed.data;

  let repository: Job['repository'];
  if (submission.repository) {
    if (!options.forge) return sendError(res, 400, 'repository: this server has no forge configured');
    try {
      const repo = await options.forge.getRepository(submission.repository);
      repository = { owner: repo.owner, name: repo.name, cloneUrl: repo.cloneUrl };
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) {
        return sendError(
          res,
          400,
          `repository: ${submission.repository.owner}/${submission.repository.name} not found`,
        );
      }
      throw error;
    }
  }
  // `unit@acme/bots#12`: the project's commit with that pull request's head beside it (jobs/cross-project.ts).
  const crossProject = parseCrossProjectContext(submission.context);
  if (typeof crossProject === 'string') return sendError(res, 400, `context: ${crossProject}`);
  let infra: Job['infra'];
  if (crossProject) {
    if (!repository || !submission.sha)
      return sendError(
        res,
        400,
        'context: a cross-project context needs repository and sha (the project commit it tests)',
      );
    const resolved = await resolveInfraPullRequest(options.forge!, crossProject.infra, {
      infraRepositories: options.trust?.infraRepositories ?? [],
      trustedAuthors: options.trust?.trustedAuthors ?? [],
    });
    if (resolved.kind === 'refused') return sendError(res, 422, `context: ${resolved.reason}`);
    infra = resolved.infra;
  }
  const job: Job = {
    context: submission.context,
    command: submission.command,
    labels: submission.labels,
    timeoutSeconds: submission.timeoutSeconds,
    env: submission.env,
    executor: submission.executor,
    ...(submission.image ? { image: submission.image } : {}),
    ...(repository ? { repository } : {}),
    ...(submission.sha ? { sha: submission.sha } : {}),
    ...(infra ? { infra } : {}),
    trigger: { kind: 'api' },
    createdAt: (options.clock?.() ?? new Date()).toISOString(),
  };
  const idempotencyKey = req.headers['idempotency-key'];
  if (repository && submission.sha) {
    await options.forge!.setCommitStatus(repository, submission.sha, {
      state: 'pending',
      context: job.context,
      // Not the text of a request: the planner would take a cross-project one as someone asking for it.
      description: infra ? SUBMITTED_NOT_YET_TESTED : NOT_YET_TESTED,
    });
  }
  const queued = await options.jobs.enqueue(job, {
    labels: requiredLabels(job),
    priority: submission.priority,
    ...(typeof idempotencyKey === 'string' && idempotencyKey ? { dedupKey: `api:${idempotencyKey}` } : {}),
  });
  options.logger.info(
    { jobId: queued.id, context: job.context, duplicate: queued.duplicate },
    'job submitted',
  );
  sendJson(res, queued.duplicate ? 200 : 201, {
    id: queued.id,
    state: 'queued',
    duplicate: queued.duplicate,
    url: `${options.publicUrl()}/api/v1/jobs/${queued.id}`,
    logUrl: options.logUrl(queued.id),
  });
}

async function describe(id: string, res: ServerResponse, options: JobsApiOptions): Promise<void> {
  const found = await findJob(id, options);
  if (!found) return sendError(res, 404, `no job ${id}`);
  sendJson(res, 200, found);
}

/** What GET /api/v1/jobs/<id> answers, or null for a job neither the queue nor the log store knows. */
async function findJob(id: string, options: JobsApiOptions): Promise<Record<string, unknown> | null> {
  const queued = await options.jobs.state(id);
  const meta = await options.logStore.meta(id);
  if (!queued && !meta) return null;
  let state: PublicJobState;
  if (queued?.state === 'dead') state = 'dead';
  else if (queued?.state === 'cancelled') state = 'cancelled';
  else if (meta && meta.state !== 'running' && queued?.state !== 'queued' && queued?.state !== 'leased')
    state = meta.state;
  else if (queued?.state === 'leased' && queued.cancelRequested !== undefined) state = 'cancelling';
  else if (queued?.state === 'leased' || meta?.state === 'running') state = 'running';
  else state = 'queued';
  const description =
    queued?.state === 'dead' && queued.reason
      ? `dead-lettered: ${queued.reason}`
      : queued?.state === 'cancelled' && meta?.state !== 'cancelled'
        ? `Cancelled: ${queued.reason ?? 'by request'}`
        : meta?.description;
  return {
    id,
    context: meta?.context ?? queued?.message.payload.context,
    state,
    ...(description ? { description } : {}),
    ...(queued?.cancelRequested !== undefined ? { cancelRequested: queued.cancelRequested } : {}),
    ...(meta ? { logUrl: options.logUrl(id) } : {}),
    ...(meta?.exitCode !== undefined ? { exitCode: meta.exitCode } : {}),
    attempt: queued?.message.attempt ?? meta?.attempt,
  };
}

async function list(url: URL, res: ServerResponse, options: JobsApiOptions): Promise<void> {
  const parsed = ListQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return badRequest(res, parsed.error, 'query');
  const { state, limit } = parsed.data;
  sendJson(res, 200, { jobs: await listJobs(options.jobs, { limit, ...(state ? { state } : {}) }) });
}

async function cancel(
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: JobsApiOptions,
): Promise<void> {
  let body: unknown = {};
  try {
    const text = (await readBody(req, 16 * 1024)).toString('utf8');
    if (text.trim()) body = JSON.parse(text);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
    return sendError(res, 400, 'body is not valid JSON');
  }
  const parsed = JobCancelSchema.safeParse(body);
  if (!parsed.success) return badRequest(res, parsed.error, 'body');
  const result = await cancelJob(
    {
      jobs: options.jobs,
      logStore: options.logStore,
      logger: options.logger,
      statuses: options.records ? { records: options.records, publisher: options.publisher ?? null } : null,
      logUrl: options.logUrl,
    },
    id,
    cancelReason(parsed.data.by ?? 'an API client', parsed.data.reason),
  );
  if (result.kind === 'unknown') {
    // A job only the log store knows (its queue row expired) ended long ago.
    const found = await findJob(id, options);
    if (!found) return sendError(res, 404, `no job ${id}`);
    return sendJson(res, 409, { ...found, error: `job ${id} already ended: ${String(found.state)}` });
  }
  if (result.kind === 'finished') {
    const found = (await findJob(id, options)) ?? { id, state: result.job.state };
    return sendJson(res, 409, { ...found, error: `job ${id} already ended: ${String(found.state)}` });
  }
  sendJson(res, 202, {
    ...result.job,
    ...(result.kind === 'cancelled' ? { description: result.description } : {}),
    ...(options.publicUrl ? { url: `${options.publicUrl()}/api/v1/jobs/${id}` } : {}),
  });
}

/** 400 naming the first field that is wrong. */
function badRequest(res: ServerResponse, error: z.ZodError, what: string): void {
  const issue = error.issues[0]!;
  sendError(res, 400, `${issue.path.join('.') || what}: ${issue.message}`);
}
