import os from 'node:os';
import path from 'node:path';
import { forgeFromConfig } from '../../../forge/forge-from-config.ts';
import type {
  ActionsRunners,
  Forge,
  RateLimitReport,
  Repository,
  RunnerScope,
} from '../../../forge/forge.ts';
import { startHttpServer } from '../../../core/http/http-server.ts';
import type { Logger } from '../../../core/logger.ts';
import { SecretRegistry } from '../../../core/secrets.ts';
import { Agent, type AgentEvent } from '../agent/agent.ts';
import type { DeploymentConfig } from '../config/deployment-config.ts';
import { CANARY_LABEL, type Job } from '../jobs/job.ts';
import { FilesystemLogStore } from '../logs/filesystem-log-store.ts';
import { logHttpRoute } from '../logs/log-http.ts';
import type { LogStore } from '../logs/log-store.ts';
import { openMetricsRecorder, type MetricsRecorder } from '../observability/metrics-recorder.ts';
import type { Planner, PlanResult, TrustPolicy } from '../planner/planner.ts';
import type { Queue } from '../queue/queue.ts';
import type { PostgresDatabase } from '../queue/postgres-database.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import type { WalCheckpoints } from '../queue/sqlite-wal-checkpointer.ts';
import type { JobRecords } from '../statuses/job-records.ts';
import { SqliteJobRecords } from '../statuses/sqlite-job-records.ts';
import { StatusPublisher } from '../statuses/status-publisher.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { createExecutors } from './executors.ts';
import type { AgentRegistry } from '../agents/agent-registry.ts';
import { SqliteAgentRegistry } from '../agents/sqlite-agent-registry.ts';
import type { PlannedHeads } from '../planner/planned-heads.ts';
import { SqlitePlannedHeads } from '../planner/sqlite-planned-heads.ts';
import packageJson from '../../../package.json' with { type: 'json' };
import type { ServerRole } from './server-role.ts';
import { JitRunnerLauncher, LiveRunners } from '../runners/jit-runner-launcher.ts';
import { RunnerDemand } from '../runners/runner-demand.ts';
import { RunnerReaper } from '../runners/runner-reaper.ts';
import type { GitHubRunnerSettings } from '../runners/github-runner-settings.ts';

/**
 * The one composition root of the server side: every concrete engine (forge client, queues, log store,
 * executors, metrics) is built here from a deployment configuration, and only interfaces are handed inward.
 * `ironbots serve`, `ironbots agent`, `ironbots scan`, `ironbots local` and the end-to-end tests all open
 * their deployment through it, so what the tests run is what production runs.
 */
export interface Deployment {
  config: DeploymentConfig;
  secrets: SecretRegistry;
  logger: Logger;
  /** The configuration's stateDir with `~` expanded. */
  stateDir: string;
  forge: Forge | null;
  events: Queue<WebhookDelivery>;
  jobs: Queue<Job>;
  logStore: LogStore;
  /** Prometheus metrics when config `metrics` lets someone read them; otherwise a recorder of nothing. */
  metrics: MetricsRecorder;
  /** Job records: the durable truth behind every status (statuses/job-records.ts). */
  records: JobRecords;
  /** Where agents register and heartbeat; the dashboard lists them. */
  agents: AgentRegistry;
  /** The repositories the scanner re-reads, looked up on the forge. */
  repositories(): Promise<Repository[]>;
  /** A planner wired like the server's (for `ironbots scan`); needs the forge section. */
  planner(): Promise<Planner>;
  /** The server role (receiver, job API, planner, scanner, logs, metrics) on `server.listen`. */
  startServer(options?: {
    onPlanned?: (delivery: WebhookDelivery, result: PlanResult) => void;
  }): Promise<ServerRole>;
  /**
   * The agent of the `agent` section. Its statuses link logs under `publicUrl`, else under the server this
   * deployment started, else under its own log server on `agent.listen`.
   */
  startAgent(options?: { onEvent?: (event: AgentEvent) => void }): Promise<Agent>;
  /** Where the agent's executors keep their state (process records, podman storage, VM overlays). */
  executorsDir(agentName: string): string;
  /**
   * Registered runners as a person looks at them (`ironbots runners list|reap`): the forge, the scopes of
   * the configured repositories, and the fleet's reaper. Null without `runners.github`.
   */
  runners(): {
    forge: ActionsRunners;
    settings: GitHubRunnerSettings;
    scopes: RunnerScope[];
    repositories: { owner: string; name: string }[];
    reaper: RunnerReaper;
  } | null;
  /** Stops what was started through it (agent first, then servers) and closes the queues. */
  close(): Promise<void>;
}

export interface DeploymentOptions {
  logger: Logger;
  /** Default: every secret of the configuration (see secretsOf). */
  secrets?: SecretRegistry;
  /** Node's process metrics (heap, event loop lag) on /metrics; off where several deployments share a process. */
  processMetrics?: boolean;
  /**
   * Where the embedded SQLite queue is checkpointed: on a thread of its own (the default; what keeps a busy
   * webhook intake answering) or on the main thread (an agent: one V8 isolate less, about 30 MiB).
   */
  walCheckpoints?: WalCheckpoints;
}

/** The password in a URL (amqp://user:password@…), decoded; undefined without one. */
function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** Who is tested without approval, and what approves the rest. */
function trustPolicy(server: DeploymentConfig['server']): TrustPolicy {
  return {
    trustedAuthors: server?.trustedAuthors ?? [],
    infraRepositories: server?.infraRepositories ?? [],
    projects: server?.infraProjects ?? [],
    ...(server?.approvalLabel ? { approvalLabel: server.approvalLabel } : {}),
  };
}

/** Every secret in the configuration is registered before anything can log. */
export function secretsOf(config: DeploymentConfig): SecretRegistry {
  const secrets = new SecretRegistry();
  secrets.add(config.forge?.token);
  secrets.add(config.forge?.app?.privateKey);
  secrets.add(config.server?.webhookSecret);
  if (config.logs.kind === 's3') secrets.add(config.logs.secretAccessKey);
  if (config.images.kind === 's3') secrets.add(config.images.secretAccessKey);
  for (const token of config.server?.apiTokens ?? []) secrets.add(token);
  for (const token of config.metrics.tokens) secrets.add(token);
  if (config.queue.kind === 'rabbitmq') secrets.add(urlPassword(config.queue.url));
  if (config.state.kind === 'postgres') secrets.add(urlPassword(config.state.url));
  return secrets;
}

/**
 * Embedded: both queues and the records in SQLite files in the state directory. Fleet: the queues on
 * RabbitMQ and everything shared in one PostgreSQL database. An unreachable broker or database is
 * logged and retried with backoff until it answers; the deployment opens then.
 */
async function openQueuesAndRecords(
  config: DeploymentConfig,
  stateDir: string,
  logger: Logger,
  checkpoints: WalCheckpoints,
): Promise<{
  events: Queue<WebhookDelivery>;
  jobs: Queue<Job>;
  records: JobRecords;
  agents: AgentRegistry;
  plannedHeads: PlannedHeads;
  database: PostgresDatabase | null;
}> {
  const trouble = logger.child({ role: 'fleet' });
  // The fleet's engines (amqplib, pg) load only where the configuration uses them: an embedded agent's
  // memory is not spent on them.
  const fleet =
    config.state.kind === 'postgres' || config.queue.kind === 'rabbitmq'
      ? {
          ...(await import('../queue/postgres-database.ts')),
          ...(await import('../queue/rabbitmq-queue.ts')),
          ...(await import('../statuses/postgres-job-records.ts')),
          ...(await import('../agents/postgres-agent-registry.ts')),
          ...(await import('../planner/postgres-planned-heads.ts')),
        }
      : null;
  const database =
    config.state.kind === 'postgres'
      ? await fleet!.PostgresDatabase.open({
          url: config.state.url,
          schema: config.state.schema,
          onRetry: (message) => trouble.warn(message),
        })
      : null;
  try {
    const queuePath =
      config.queue.kind === 'sqlite' ? (config.queue.path ?? path.join(stateDir, 'queue.db')) : null;
    let events: Queue<WebhookDelivery>;
    let jobs: Queue<Job>;
    if (config.queue.kind === 'rabbitmq') {
      if (!database) throw new Error('a rabbitmq queue needs state: { kind: postgres }');
      const { url, prefix } = config.queue;
      const open = <T>(name: string) =>
        fleet!.RabbitMqQueue.open<T>({
          amqpUrl: url,
          database,
          name,
          brokerPrefix: `${prefix}.${name}`,
          onTrouble: (message) => trouble.warn(message),
        });
      events = await open<WebhookDelivery>('events');
      jobs = await open<Job>('jobs').catch(async (error: unknown) => {
        await events.close();
        throw error;
      });
    } else {
      events = await SqliteQueue.open<WebhookDelivery>({ path: queuePath!, name: 'events', checkpoints });
      jobs = await SqliteQueue.open<Job>({ path: queuePath!, name: 'jobs', checkpoints });
    }
    // The server and the agents sharing the queue share the records: beside the SQLite queue by default.
    const records: JobRecords = database
      ? await fleet!.PostgresJobRecords.open({ database }).catch(async (error: unknown) => {
          await Promise.allSettled([events.close(), jobs.close()]);
          throw error;
        })
      : new SqliteJobRecords({
          path:
            (config.state.kind === 'sqlite' ? config.state.path : undefined) ??
            path.join(queuePath ? path.dirname(queuePath) : stateDir, 'job-records.db'),
        });
    // The agent registry lives with the records: in PostgreSQL for a fleet, beside them in SQLite otherwise.
    const agents: AgentRegistry = database
      ? await fleet!.PostgresAgentRegistry.open({ database }).catch(async (error: unknown) => {
          await Promise.allSettled([events.close(), jobs.close(), records.close()]);
          throw error;
        })
      : new SqliteAgentRegistry({
          path: path.join(queuePath ? path.dirname(queuePath) : stateDir, 'agents.db'),
        });
    // What the scanner planned, beside the records it is checked against.
    const plannedHeads: PlannedHeads = database
      ? await fleet!.PostgresPlannedHeads.open({ database }).catch(async (error: unknown) => {
          await Promise.allSettled([events.close(), jobs.close(), records.close(), agents.close()]);
          throw error;
        })
      : new SqlitePlannedHeads({
          path: path.join(queuePath ? path.dirname(queuePath) : stateDir, 'planned-heads.db'),
        });
    return { events, jobs, records, agents, plannedHeads, database };
  } catch (error) {
    await database?.close();
    throw error;
  }
}

export function expandHome(dir: string): string {
  return dir.replace(/^~(?=\/|$)/, os.homedir());
}

export async function openDeployment(
  config: DeploymentConfig,
  options: DeploymentOptions,
): Promise<Deployment> {
  const { logger } = options;
  const secrets = options.secrets ?? secretsOf(config);
  const stateDir = expandHome(config.stateDir);
  const forge = config.forge
    ? await forgeFromConfig(config.forge, {
        secrets,
        logger,
        throttle: config.forge.secondaryRateLimits,
      })
    : null;

  const { events, jobs, records, agents, plannedHeads, database } = await openQueuesAndRecords(
    config,
    stateDir,
    logger,
    options.walCheckpoints ?? 'thread',
  );
  const logStore = await openLogStore(config.logs, stateDir, secrets);
  const metrics = await openMetricsRecorder(config.metrics, {
    queues: [events, jobs] as Queue<unknown>[],
    defaultMetrics: options.processMetrics ?? true,
  });
  // Stopped in reverse order on close: the agent before the servers whose URLs it links to.
  const started: { stop(): Promise<unknown> }[] = [];
  let serverUrl: string | undefined;

  const executorsDir = (agentName: string) => path.join(stateDir, 'executors', agentName);
  const repositories = async (): Promise<Repository[]> => {
    if (!forge || !config.forge) return [];
    return Promise.all(
      config.forge.repositories.map((full) => {
        const [owner, name] = full.split('/') as [string, string];
        return forge.getRepository({ owner, name });
      }),
    );
  };

  const runnerSettings: GitHubRunnerSettings | undefined = config.runners.github;
  const runnerForge = forge && isActionsRunners(forge) ? forge : null;
  if (runnerSettings && !runnerForge)
    throw new Error('runners.github needs a GitHub forge section (forge: { kind: github, token, … })');
  const configuredRepos = (config.forge?.repositories ?? []).map((full) => {
    const [owner, name] = full.split('/') as [string, string];
    return { owner, name };
  });
  /** The server's reaper (and `ironbots runners reap`): ghosts of any agent, offline and old enough. */
  const fleetReaper = (runnerForge: Forge & ActionsRunners, settings: GitHubRunnerSettings) =>
    new RunnerReaper({
      forge: runnerForge,
      settings,
      logger: logger.child({ role: 'runners' }),
      observer: metrics,
      owner: { kind: 'fleet' },
      scopes: () => runnerScopes(settings, configuredRepos),
    });
  /** An agent's runner launcher and the reaper of its own ghost registrations. */
  const agentRunners = (agentName: string) => {
    if (!runnerSettings || !runnerForge) return null;
    const live = new LiveRunners();
    const runnerLogger = logger.child({ role: 'runners' });
    return {
      launcher: new JitRunnerLauncher({
        forge: runnerForge,
        settings: runnerSettings,
        agentName,
        logger: runnerLogger,
        secrets,
        observer: metrics,
        live,
      }),
      reaper: new RunnerReaper({
        forge: runnerForge,
        settings: runnerSettings,
        logger: runnerLogger,
        observer: metrics,
        owner: { kind: 'agent', name: agentName, live },
        scopes: () => [...runnerScopes(runnerSettings, configuredRepos), ...live.scopes()],
      }),
      reapIntervalMs: runnerSettings.reapIntervalSeconds * 1000,
    };
  };

  return {
    config,
    secrets,
    logger,
    stateDir,
    forge,
    events,
    jobs,
    logStore,
    metrics,
    records,
    agents,
    executorsDir,
    repositories,
    runners() {
      if (!runnerSettings || !runnerForge) return null;
      return {
        forge: runnerForge,
        settings: runnerSettings,
        scopes: runnerScopes(runnerSettings, configuredRepos),
        repositories: configuredRepos,
        reaper: fleetReaper(runnerForge, runnerSettings),
      };
    },
    async planner() {
      if (!forge) throw new Error('the configuration has no forge section');
      // The planner (and the .ironbots.yml schema) loads only where something plans: not in an agent.
      const { Planner } = await import('../planner/planner.ts');
      return new Planner({
        forge,
        jobs,
        logger: logger.child({ role: 'planner' }),
        trust: trustPolicy(config.server),
        ...(config.server ? { imageRefresh: config.server.imageRefreshJobs } : {}),
        canary: { percent: config.server?.canaryPercent ?? 0, agents },
        records,
        publisher: new StatusPublisher({ forge, records, logger: logger.child({ role: 'statuses' }) }),
        plannedHeads,
      });
    },
    async startServer(serverOptions = {}) {
      const server = config.server;
      if (!server) throw new Error('the configuration has no server section');
      // The server's parts (receivers, planner, dashboard) load only in a process that serves.
      const { startServerRole } = await import('./server-role.ts');
      const role = await startServerRole({
        events,
        jobs,
        logStore,
        forge,
        webhookSecret: server.webhookSecret,
        apiTokens: server.apiTokens,
        trust: trustPolicy(server),
        imageRefresh: server.imageRefreshJobs,
        canary: { percent: server.canaryPercent, agents },
        logger: logger.child({ role: 'server' }),
        ...parseListen(server.listen),
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        // Logs are served from the store, wherever it is (a local directory or S3).
        extraRoutes: [logHttpRoute(logStore)],
        scan: {
          repositories: await repositories(),
          intervalMs: server.scanIntervalSeconds * 1000,
          fullScanEveryMs: server.fullScanIntervalSeconds * 1000,
          ...(forge && isRateLimitReport(forge) ? { rateLimit: () => forge.rateLimit() } : {}),
          reservePercent: server.scanReservePercent,
        },
        plannedHeads,
        metrics: { metrics, access: config.metrics },
        records,
        reconcileIntervalMs: config.statuses.reconcileIntervalSeconds * 1000,
        dashboard: { public: server.dashboard.public, agents },
        logExpiry: { retentionDays: config.logs.retentionDays },
        ...(runnerSettings && runnerForge
          ? {
              runners: {
                demand: new RunnerDemand({
                  forge: runnerForge,
                  jobs,
                  agents,
                  settings: runnerSettings,
                  logger: logger.child({ role: 'runners' }),
                  observer: metrics,
                }),
                reaper: fleetReaper(runnerForge, runnerSettings),
                reapIntervalMs: runnerSettings.reapIntervalSeconds * 1000,
              },
            }
          : {}),
        ...(serverOptions.onPlanned ? { onPlanned: serverOptions.onPlanned } : {}),
      });
      serverUrl ??= role.url;
      started.push(role);
      return role;
    },
    async startAgent(agentOptions = {}) {
      const agentConfig = config.agent;
      if (!agentConfig) throw new Error('the configuration has no agent section');
      let logBase = config.publicUrl ?? serverUrl;
      if (agentConfig.listen) {
        const http = await startHttpServer({
          logger,
          ...parseListen(agentConfig.listen),
          // Its own figures too: a fleet's Prometheus scrapes every agent, not only the server.
          routes: [logHttpRoute(logStore), metrics.route(config.metrics)],
        });
        started.push({ stop: () => http.close() });
        logBase ??= http.url;
      }
      if (!logBase) throw new Error('set publicUrl or agent.listen so statuses can link to logs');
      const base = logBase;
      const agent = new Agent({
        name: agentConfig.name,
        labels: agentConfig.canary ? [...agentConfig.labels, CANARY_LABEL] : agentConfig.labels,
        jobs,
        executors: await createExecutors(
          agentConfig.executors,
          executorsDir(agentConfig.name),
          logger,
          agentConfig.executors.includes('vm')
            ? (await import('../images/image-store-from-config.ts')).imageResolverFromConfig(config)
            : undefined,
        ),
        forge,
        logStore,
        logUrl: (jobId) => `${base}/logs/${jobId}`,
        workRoot: path.join(stateDir, 'work', agentConfig.name),
        logger: logger.child({ role: 'agent' }),
        secrets,
        concurrency: agentConfig.concurrency,
        visibilityTimeoutMs: agentConfig.visibilityTimeoutSeconds * 1000,
        supersededPollMs: agentConfig.supersededPollSeconds * 1000,
        cancelCheckMs: agentConfig.cancelCheckSeconds * 1000,
        records,
        statusHoldMs: config.statuses.holdSeconds * 1000,
        artifacts: { maxBytes: config.logs.maxArtifactBytes },
        registry: { store: agents, version: packageJson.version },
        runners: agentRunners(agentConfig.name),
        // VMs with no live job are looked for as often as ghost registrations, where runners are configured.
        ...(runnerSettings ? { orphanReapMs: runnerSettings.reapIntervalSeconds * 1000 } : {}),
        onEvent: (event) => {
          metrics.observeAgent(event);
          agentOptions.onEvent?.(event);
        },
      });
      await agent.start();
      started.push(agent);
      return agent;
    },
    async close() {
      for (const part of started.reverse()) await part.stop().catch(() => undefined);
      started.length = 0;
      await Promise.allSettled([
        events.close(),
        jobs.close(),
        records.close(),
        agents.close(),
        plannedHeads.close(),
      ]);
      await database?.close();
    },
  };
}

function isActionsRunners(forge: Forge): forge is Forge & ActionsRunners {
  return 'createJitRunner' in forge;
}

function isRateLimitReport(forge: Forge): forge is Forge & RateLimitReport {
  return 'rateLimit' in forge && typeof forge.rateLimit === 'function';
}

/** Where runners are registered for the configured repositories: each one, or their organisations. */
function runnerScopes(
  settings: GitHubRunnerSettings,
  repositories: { owner: string; name: string }[],
): RunnerScope[] {
  return settings.scope === 'organization'
    ? [...new Set(repositories.map((r) => r.owner))].map((org) => ({ org }))
    : repositories.map((repo) => ({ repo }));
}

function parseListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i), port: Number(listen.slice(i + 1)) };
}

async function openLogStore(
  logs: DeploymentConfig['logs'],
  stateDir: string,
  secrets: SecretRegistry,
): Promise<LogStore> {
  const maxLogBytes = logs.maxBytes;
  if (logs.kind === 'filesystem')
    return new FilesystemLogStore({ root: logs.dir ?? path.join(stateDir, 'logs'), secrets, maxLogBytes });
  // The S3 SDK is the largest library here: loaded only for an S3 log store.
  const [{ s3ClientFromConfig }, { S3LogStore }] = await Promise.all([
    import('../config/s3-client.ts'),
    import('../logs/s3-log-store.ts'),
  ]);
  const client = s3ClientFromConfig(logs);
  return new S3LogStore({ client, bucket: logs.bucket, prefix: logs.prefix, secrets, maxLogBytes });
}
