import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AgentEvent } from '../agent/agent.ts';
import type { Route } from '../../../core/http/http-server.ts';
import type { Queue } from '../queue/queue.ts';
import type { RunnerEvent } from '../runners/runner-events.ts';
import { metricsRoute, type MetricsAccess, type MetricsRecorder } from './metrics-recorder.ts';

/**
 * Prometheus metrics of one ironbots process, served at GET /metrics. Names follow Prometheus conventions;
 * `ironbots_job_startup_duration_seconds` is the "queued → picked up" figure peers (ARC) watch most.
 */
export class Metrics implements MetricsRecorder {
  readonly registry = new Registry();
  readonly webhookDeliveries: Counter<'event' | 'outcome'>;
  readonly jobsFinished: Counter<'state'>;
  readonly jobDuration: Histogram<'state'>;
  readonly jobStartup: Histogram;
  readonly jobAttempts: Counter<'attempt'>;
  readonly runnerVmStarted: Histogram<'labels'>;
  readonly runnerJobStarted: Histogram<'labels'>;
  readonly runnerRegistrations: Gauge;
  readonly runnerGhostsRemoved: Counter;
  readonly leftoversReaped: Counter<'executor'>;
  readonly knownIssues: Counter<'issue'>;
  readonly #jobs = new Map<string, { leasedAt: number; enqueuedAt: number }>();

  constructor(options: { queues?: Queue<unknown>[]; defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'ironbots_' });
    this.webhookDeliveries = new Counter({
      name: 'ironbots_webhook_deliveries_total',
      help: 'Webhook deliveries received, by event and how they were answered',
      labelNames: ['event', 'outcome'],
      registers: [this.registry],
    });
    this.jobsFinished = new Counter({
      name: 'ironbots_jobs_finished_total',
      help: 'Jobs that ended on this agent, by final state (retry: handed back after an infrastructure failure)',
      labelNames: ['state'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'ironbots_job_duration_seconds',
      help: 'Wall time of a job on an agent, from lease to final status',
      labelNames: ['state'],
      buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
      registers: [this.registry],
    });
    this.jobStartup = new Histogram({
      name: 'ironbots_job_startup_duration_seconds',
      help: 'Time from enqueue to the job command starting',
      // 300 s: the error budget counts queue waits over five minutes.
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 300, 600, 3600],
      registers: [this.registry],
    });
    this.jobAttempts = new Counter({
      name: 'ironbots_job_attempts_total',
      help: 'Jobs taken by an agent: first attempts, and retries after an infrastructure failure or a lost agent',
      labelNames: ['attempt'],
      registers: [this.registry],
    });
    // Registered runners: "queued → started" is what users of a runner fleet wait on.
    const runnerBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
    this.runnerVmStarted = new Histogram({
      name: 'ironbots_runner_queued_to_vm_started_seconds',
      help: 'From GitHub queueing a workflow job to the VM of a runner for it starting, by runs-on labels',
      labelNames: ['labels'],
      buckets: runnerBuckets,
      registers: [this.registry],
    });
    this.runnerJobStarted = new Histogram({
      name: 'ironbots_runner_queued_to_job_started_seconds',
      help: 'From GitHub queueing a workflow job to it starting on an ironbots runner, by runs-on labels',
      labelNames: ['labels'],
      buckets: runnerBuckets,
      registers: [this.registry],
    });
    this.runnerRegistrations = new Gauge({
      name: 'ironbots_runner_registrations',
      help: 'Runner registrations made by ironbots that the last reap found alive on the forge',
      registers: [this.registry],
    });
    this.runnerGhostsRemoved = new Counter({
      name: 'ironbots_runner_ghost_registrations_removed_total',
      help: 'Runner registrations whose VM was gone, removed by a reaper',
      registers: [this.registry],
    });
    this.knownIssues = new Counter({
      name: 'ironbots_known_issue_failures_total',
      help: 'Failed jobs whose log matched a known infrastructure failure of their project, by issue (retried while attempts last)',
      labelNames: ['issue'],
      registers: [this.registry],
    });
    this.leftoversReaped = new Counter({
      name: 'ironbots_leftovers_reaped_total',
      help: 'VMs (executor="vm": leaked VMs) and job processes found running with no live job, and stopped',
      labelNames: ['executor'],
      registers: [this.registry],
    });
    const queues = options.queues ?? [];
    if (queues.length) {
      new Gauge({
        name: 'ironbots_queue_messages',
        help: 'Messages in each queue by state',
        labelNames: ['queue', 'state'],
        registers: [this.registry],
        async collect() {
          for (const queue of queues) {
            const stats = await queue.stats().catch(() => null);
            if (!stats) continue;
            for (const [state, n] of Object.entries(stats)) this.set({ queue: queue.name, state }, n);
          }
        },
      });
    }
  }

  /** Feed for Agent's onEvent: startup is measured from enqueue, so it includes the time spent queued. */
  observeAgent(event: AgentEvent): void {
    if (event.type === 'leftovers') {
      this.leftoversReaped.inc({ executor: event.executor }, event.count);
      return;
    }
    if (event.type === 'known-issue') {
      this.knownIssues.inc({ issue: event.issue });
      return;
    }
    const job = this.#jobs.get(event.jobId);
    if (event.type === 'leased') {
      this.#jobs.set(event.jobId, { leasedAt: event.at, enqueuedAt: event.enqueuedAt });
      this.jobAttempts.inc({ attempt: event.attempt > 1 ? 'retry' : 'first' });
    } else if (event.type === 'started' && job)
      this.jobStartup.observe(Math.max(0, event.at - job.enqueuedAt) / 1000);
    else if (event.type === 'finished') {
      this.#jobs.delete(event.jobId);
      this.jobsFinished.inc({ state: event.state });
      if (job) this.jobDuration.observe({ state: event.state }, Math.max(0, event.at - job.leasedAt) / 1000);
    }
  }

  observeRunner(event: RunnerEvent): void {
    if (event.type === 'vm-started')
      this.runnerVmStarted.observe({ labels: event.labels }, event.queuedForMs / 1000);
    else if (event.type === 'job-started')
      this.runnerJobStarted.observe({ labels: event.labels }, event.queuedForMs / 1000);
    else {
      this.runnerRegistrations.set(event.alive);
      this.runnerGhostsRemoved.inc(event.ghostsRemoved);
    }
  }

  /** Feed for the webhook receiver's onOutcome. */
  observeDelivery(event: string, outcome: string): void {
    this.webhookDeliveries.inc({ event, outcome });
  }

  /** GET /metrics, for anyone when `public`, else for a bearer of one of `tokens`. */
  route(access: MetricsAccess): Route {
    return metricsRoute(access, async () => ({
      contentType: this.registry.contentType,
      body: await this.registry.metrics(),
    }));
  }
}
