import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../../core/errors.ts';
import type { RateLimitFigures, Repositories, Repository } from '../../../forge/forge.ts';
import {
  exactRoute,
  startHttpServer,
  type Route,
  type RunningHttpServer,
} from '../../../core/http/http-server.ts';
import { sendJson } from '../../../core/http/responses.ts';
import type { Job } from '../jobs/job.ts';
import type { LogExpiry, LogStore } from '../logs/log-store.ts';
import type { Logger } from '../../../core/logger.ts';
import {
  Planner,
  type ImageRefreshJobs,
  type PlannerForge,
  type PlanResult,
  type TrustPolicy,
} from '../planner/planner.ts';
import { runPlannerWorker } from '../planner/planner-worker.ts';
import type { Queue } from '../queue/queue.ts';
import { jobsApiRoute } from '../server/jobs-api.ts';
import { cancelSupersededJobs } from '../server/job-control.ts';
import type { MetricsRecorder } from '../observability/metrics-recorder.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { createGitHubReceiver } from '../webhooks/github-receiver.ts';
import { createGitLabReceiver } from '../webhooks/gitlab-receiver.ts';
import type { JobRecords } from '../statuses/job-records.ts';
import { StatusPublisher } from '../statuses/status-publisher.ts';
import { StatusReconciler } from '../statuses/status-reconciler.ts';
import type { AgentRegistry } from '../agents/agent-registry.ts';
import { dashboardRoute } from '../dashboard/dashboard.ts';
import type { RunnerDemand } from '../runners/runner-demand.ts';
import type { RunnerReaper } from '../runners/runner-reaper.ts';
import type { PlannedHeads } from '../planner/planned-heads.ts';
import { Scanner } from './scanner.ts';

export interface ServerRoleOptions {
  events: Queue<WebhookDelivery>;
  jobs: Queue<Job>;
  logStore: LogStore;
  /** The planner's needs, and the job API's (it looks up the repository of a submitted job). */
  forge: (PlannerForge & Repositories) | null;
  webhookSecret: string;
  apiTokens: readonly string[];
  trust: TrustPolicy;
  /** What `/image-refresh` queues (see PlannerOptions.imageRefresh). */
  imageRefresh?: ImageRefreshJobs;
  /** A share of planned jobs for canary agents only (see PlannerOptions.canary). */
  canary?: { percent: number; agents: AgentRegistry };
  logger: Logger;
  host: string;
  port: number;
  /** Base URL for links; defaults to the address the server listens on. */
  publicUrl?: string;
  /** Extra routes served by the same server, e.g. the log viewer in embedded mode. */
  extraRoutes?: Route[];
  /**
   * Repositories to re-read periodically (lost webhooks); none turns the scanner off. With the forge's
   * rate-limit figures, rounds are skipped while less than `reservePercent` (default 10) of it remains.
   */
  scan?: {
    repositories: Repository[];
    intervalMs: number;
    /** How often a round is full (deployment `server.fullScanIntervalSeconds`); default one hour. */
    fullScanEveryMs?: number;
    rateLimit?: () => RateLimitFigures | null;
    reservePercent?: number;
  };
  /** What earlier scans planned (planner/planned-heads.ts): unchanged pull requests cost no requests. */
  plannedHeads?: PlannedHeads;
  onPlanned?: (delivery: WebhookDelivery, result: PlanResult) => void;
  metrics?: { metrics: MetricsRecorder; access: { public: boolean; tokens: readonly string[] } };
  /** Logs and artifacts older than this are removed, at start and every `intervalMs` (default 1 h). */
  logExpiry?: { retentionDays: number; intervalMs?: number };
  /** Job records: fence and publish statuses, and reconcile them every `reconcileIntervalMs`. */
  records?: JobRecords;
  reconcileIntervalMs?: number;
  /** The dashboard at `/` (needs the job records); `public` serves it without a token. */
  dashboard?: { public: boolean; agents: AgentRegistry | null };
  /**
   * Registered runners: `workflow_job` deliveries and the scanner's queued workflow jobs become runner
   * jobs; the fleet's reaper removes ghost registrations every `reapIntervalMs`.
   */
  runners?: { demand: RunnerDemand; reaper: RunnerReaper; reapIntervalMs: number };
}

export interface ServerRole {
  url: string;
  planner: Planner;
  http: RunningHttpServer;
  stop(): Promise<void>;
}

/**
 * The server side of a deployment: the webhook receiver and job API over HTTP, the planner that turns
 * queued deliveries into jobs, and the scanner that re-reads the forge for events whose webhook was lost.
 */
export async function startServerRole(options: ServerRoleOptions): Promise<ServerRole> {
  const { logger } = options;
  let publicUrl = options.publicUrl;
  const logUrl = (jobId: string) => `${publicUrl}/logs/${jobId}`;
  const publisher =
    options.forge && options.records
      ? new StatusPublisher({
          forge: options.forge,
          records: options.records,
          logger: logger.child({ role: 'statuses' }),
        })
      : null;
  const planner = options.forge
    ? new Planner({
        forge: options.forge,
        jobs: options.jobs,
        logger: logger.child({ role: 'planner' }),
        trust: options.trust,
        ...(options.imageRefresh ? { imageRefresh: options.imageRefresh } : {}),
        logUrl,
        ...(options.canary ? { canary: options.canary } : {}),
        // A pull request that moved on or closed: its jobs that are no longer needed are cancelled.
        supersede: (pullRequest, keepSha, reason) =>
          cancelSupersededJobs(
            {
              jobs: options.jobs,
              logStore: options.logStore,
              logger: logger.child({ role: 'planner' }),
              statuses: options.records ? { records: options.records, publisher } : null,
              logUrl,
            },
            pullRequest,
            keepSha,
            reason,
          ),
        ...(options.records && publisher ? { records: options.records, publisher } : {}),
        ...(options.plannedHeads ? { plannedHeads: options.plannedHeads } : {}),
      })
    : null;
  const http = await startHttpServer({
    logger,
    host: options.host,
    port: options.port,
    routes: [
      exactRoute('GET', '/healthz', async (_req, res) => {
        const health = await checkHealth(options);
        sendJson(res, health.ok ? 200 : 503, health);
      }),
      exactRoute(
        'POST',
        '/webhooks/github',
        createGitHubReceiver({
          secret: options.webhookSecret,
          events: options.events,
          logger: logger.child({ role: 'receiver' }),
          ...(options.metrics
            ? { onOutcome: (event, outcome) => options.metrics!.metrics.observeDelivery(event, outcome) }
            : {}),
        }),
      ),
      jobsApiRoute({
        tokens: options.apiTokens,
        jobs: options.jobs,
        logStore: options.logStore,
        forge: options.forge,
        publicUrl: () => publicUrl!,
        logUrl,
        trust: options.trust,
        logger: logger.child({ role: 'api' }),
        records: options.records ?? null,
        publisher,
      }),
      exactRoute(
        'POST',
        '/webhooks/gitlab',
        createGitLabReceiver({
          secret: options.webhookSecret,
          events: options.events,
          logger: logger.child({ role: 'receiver', forge: 'gitlab' }),
          ...(options.metrics
            ? { onOutcome: (event, outcome) => options.metrics!.metrics.observeDelivery(event, outcome) }
            : {}),
        }),
      ),
      ...(options.metrics ? [options.metrics.metrics.route(options.metrics.access)] : []),
      ...(options.dashboard && options.records
        ? [
            dashboardRoute({
              jobs: options.jobs,
              events: options.events,
              records: options.records,
              agents: options.dashboard.agents,
              public: options.dashboard.public,
              tokens: options.apiTokens,
              logger: logger.child({ role: 'dashboard' }),
            }),
          ]
        : []),
      ...(options.extraRoutes ?? []),
    ],
  });
  publicUrl ??= http.url;

  const stopping = new AbortController();
  const workers: Promise<void>[] = [];
  if (planner) {
    const runners = options.runners;
    workers.push(
      runPlannerWorker(
        {
          events: options.events,
          planner: {
            handleDelivery: (delivery) =>
              delivery.event === 'workflow_job'
                ? runners
                  ? runners.demand.handleDelivery(delivery)
                  : Promise.resolve({ kind: 'ignored', reason: 'no runners.github configuration' })
                : planner.handleDelivery(delivery),
          },
          logger,
          ...(options.onPlanned ? { onPlanned: options.onPlanned } : {}),
        },
        stopping.signal,
      ),
    );
    const scan = options.scan;
    if (scan && scan.intervalMs > 0 && scan.repositories.length) {
      const scanner = new Scanner({
        planner,
        runnerDemand: runners?.demand ?? null,
        repositories: scan.repositories,
        logger,
        ...(scan.fullScanEveryMs !== undefined ? { fullScanEveryMs: scan.fullScanEveryMs } : {}),
        ...(scan.rateLimit
          ? { rateLimit: { figures: scan.rateLimit, reservePercent: scan.reservePercent ?? 10 } }
          : {}),
      });
      workers.push(scanner.run(scan.intervalMs, stopping.signal));
    }
  }
  if (options.runners) workers.push(runRunnerReaper(options.runners, logger, stopping.signal));
  if (options.records && publisher) {
    const reconciler = new StatusReconciler({
      records: options.records,
      jobs: options.jobs,
      publisher,
      logger: logger.child({ role: 'statuses' }),
      logUrl,
      intervalMs: options.reconcileIntervalMs ?? 10_000,
    });
    workers.push(reconciler.run(stopping.signal));
  }
  if (options.logExpiry)
    workers.push(
      runLogExpiry(options.logStore, options.logExpiry, logger.child({ role: 'logs' }), stopping.signal),
    );
  logger.info({ url: http.url }, 'server listening');
  return {
    url: http.url,
    planner: planner!,
    http,
    async stop() {
      stopping.abort();
      await http.close();
      await Promise.allSettled(workers);
    },
  };
}

/** The fleet's ghost registrations (agents reap their own; this catches those of agents gone for good). */
async function runRunnerReaper(
  runners: NonNullable<ServerRoleOptions['runners']>,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const { alive, removed } = await runners.reaper.reap();
      if (removed) logger.info({ alive, removed }, 'ghost runner registrations removed');
    } catch (error) {
      logger.warn({ err: error }, 'reaping runner registrations failed');
    }
    await pause(runners.reapIntervalMs, signal);
  }
}

async function runLogExpiry(
  store: LogExpiry,
  expiry: { retentionDays: number; intervalMs?: number },
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const before = new Date(Date.now() - expiry.retentionDays * DAY_MS);
    try {
      const { jobs } = await store.prune(before);
      if (jobs > 0)
        logger.info({ jobs, before: before.toISOString() }, 'expired job logs and artifacts removed');
    } catch (error) {
      logger.warn({ err: error }, 'could not remove expired job logs');
    }
    await pause(expiry.intervalMs ?? 3_600_000, signal);
  }
}

const DAY_MS = 24 * 3_600_000;

/** Waits `ms`, or less when the server stops. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Each engine the server depends on, asked for real (a load balancer or systemd watchdog takes a server that
 * cannot reach its queue out of rotation): the queues, the job records and the log store, each within 5 s.
 */
async function checkHealth(
  options: Pick<ServerRoleOptions, 'events' | 'jobs' | 'records' | 'logStore'>,
): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const probe = async (what: () => Promise<unknown>): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        what(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return errorMessage(error);
    } finally {
      clearTimeout(timer);
    }
  };
  const checks: Record<string, string> = {
    events: await probe(() => options.events.stats()),
    jobs: await probe(() => options.jobs.stats()),
    logs: await probe(() => options.logStore.meta('healthz-probe')),
    ...(options.records ? { records: await probe(() => options.records!.get('healthz-probe')) } : {}),
  };
  return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
}
