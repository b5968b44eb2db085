import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubEmulator } from '../../../emulators/github/github-emulator.ts';
import { forgeFromConfig } from '../../../forge/forge-from-config.ts';
import type { Forge, RepositoryId } from '../../../forge/forge.ts';
import { Agent, type AgentEvent } from '../agent/agent.ts';
import { startServerRole, type ServerRole } from '../deployment/server-role.ts';
import { createExecutors, type ExecutorKind } from '../deployment/executors.ts';
import type { Job } from '../jobs/job.ts';
import { FilesystemLogStore } from '../logs/filesystem-log-store.ts';
import { logHttpRoute } from '../logs/log-http.ts';
import type { Logger } from '../../../core/logger.ts';
import { Metrics } from '../observability/metrics.ts';
import { SecretRegistry } from '../../../core/secrets.ts';
import type { PlanResult } from '../planner/planner.ts';
import { SqliteQueue } from '../queue/sqlite-queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { GitWorkingCopy } from './git-working-copy.ts';

export interface LocalStackOptions {
  /** Where queue, logs and repositories live; a fresh temporary directory by default (removed on stop). */
  stateDir?: string;
  logger: Logger;
  agentName?: string;
  /** How often a running job checks whether its PR moved on. */
  supersededPollMs?: number;
  onAgentEvent?: (event: AgentEvent) => void;
  onPlanned?: (delivery: WebhookDelivery, result: PlanResult) => void;
  /** Executors the agent runs. Default: process. */
  executors?: ExecutorKind[];
}

/**
 * Everything of a deployment on one machine, offline: the GitHub emulator (real git over HTTP, REST API,
 * signed webhooks), the server (receiver → SQLite queue → planner), and an agent with the process executor.
 * `ironbots local` and the end-to-end tests both run on it.
 */
export class LocalStack {
  readonly emulator: GitHubEmulator;
  readonly forge: Forge;
  readonly server: ServerRole;
  readonly agent: Agent;
  readonly jobs: SqliteQueue<Job>;
  readonly events: SqliteQueue<WebhookDelivery>;
  readonly logStore: FilesystemLogStore;
  readonly secrets: SecretRegistry;
  readonly webhookSecret: string;
  readonly apiToken: string;
  readonly stateDir: string;
  readonly #cleanups: (() => Promise<unknown>)[];
  readonly #ownsStateDir: boolean;

  private constructor(parts: {
    emulator: GitHubEmulator;
    forge: Forge;
    server: ServerRole;
    agent: Agent;
    jobs: SqliteQueue<Job>;
    events: SqliteQueue<WebhookDelivery>;
    logStore: FilesystemLogStore;
    secrets: SecretRegistry;
    webhookSecret: string;
    apiToken: string;
    stateDir: string;
    ownsStateDir: boolean;
    cleanups: (() => Promise<unknown>)[];
  }) {
    this.emulator = parts.emulator;
    this.forge = parts.forge;
    this.server = parts.server;
    this.agent = parts.agent;
    this.jobs = parts.jobs;
    this.events = parts.events;
    this.logStore = parts.logStore;
    this.secrets = parts.secrets;
    this.webhookSecret = parts.webhookSecret;
    this.apiToken = parts.apiToken;
    this.stateDir = parts.stateDir;
    this.#ownsStateDir = parts.ownsStateDir;
    this.#cleanups = parts.cleanups;
  }

  static async start(options: LocalStackOptions): Promise<LocalStack> {
    const { logger } = options;
    const stateDir = options.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'ironbots-local-')));
    const secrets = new SecretRegistry();
    const apiToken = `ibt_${randomBytes(20).toString('hex')}`;
    const webhookSecret = randomBytes(24).toString('hex');
    secrets.add(apiToken);
    secrets.add(webhookSecret);
    const cleanups: (() => Promise<unknown>)[] = [];
    const unwind = async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      if (!options.stateDir) await rm(stateDir, { recursive: true, force: true });
    };

    try {
      const emulator = await GitHubEmulator.start({
        dataDir: path.join(stateDir, 'forge'),
        tokens: [apiToken],
        logger: logger.child({ role: 'forge-emulator' }),
      });
      cleanups.push(() => emulator.stop());
      const forge = await forgeFromConfig(
        { kind: 'github', token: apiToken, apiUrl: emulator.url },
        // The emulator has no secondary rate limits to respect.
        { secrets, logger, throttle: false },
      );
      const queueFile = path.join(stateDir, 'queue.db');
      const events = await SqliteQueue.open<WebhookDelivery>({ path: queueFile, name: 'events' });
      const jobs = await SqliteQueue.open<Job>({ path: queueFile, name: 'jobs' });
      cleanups.push(
        () => events.close(),
        () => jobs.close(),
      );
      const logStore = new FilesystemLogStore({ root: path.join(stateDir, 'logs'), secrets });
      const metrics = new Metrics({
        queues: [events, jobs] as SqliteQueue<unknown>[],
        defaultMetrics: false,
      });

      const server = await startServerRole({
        events,
        jobs,
        logStore,
        forge,
        webhookSecret,
        apiTokens: [apiToken],
        trust: { trustedAuthors: [] },
        logger: logger.child({ role: 'server' }),
        host: '127.0.0.1',
        port: 0,
        extraRoutes: [logHttpRoute(logStore)],
        metrics,
        ...(options.onPlanned ? { onPlanned: options.onPlanned } : {}),
      });
      cleanups.push(() => server.stop());

      const agent = new Agent({
        name: options.agentName ?? 'local-agent',
        labels: [os.arch() === 'x64' ? 'x86_64' : os.arch()],
        jobs,
        executors: await createExecutors(
          options.executors ?? ['process'],
          path.join(stateDir, 'executors'),
          logger,
        ),
        forge,
        logStore,
        logUrl: (jobId) => `${server.url}/logs/${jobId}`,
        workRoot: path.join(stateDir, 'work'),
        logger: logger.child({ role: 'agent' }),
        secrets,
        supersededPollMs: options.supersededPollMs ?? 2_000,
        onEvent: (event) => {
          metrics.observeAgent(event);
          options.onAgentEvent?.(event);
        },
      });
      await agent.start();
      cleanups.push(() => agent.stop());

      return new LocalStack({
        emulator,
        forge,
        server,
        agent,
        jobs,
        events,
        logStore,
        secrets,
        webhookSecret,
        apiToken,
        stateDir,
        ownsStateDir: !options.stateDir,
        cleanups,
      });
    } catch (error) {
      await unwind();
      throw error;
    }
  }

  /** A repository on the emulator whose webhooks go to this stack's server, and a working copy of it. */
  async createRepository(repo: RepositoryId): Promise<{ cloneUrl: string; workingCopy: GitWorkingCopy }> {
    await this.emulator.createRepository(repo.owner, repo.name, { defaultBranch: 'main' });
    await this.emulator.addWebhook(repo.owner, repo.name, {
      url: `${this.server.url}/webhooks/github`,
      secret: this.webhookSecret,
      events: ['pull_request', 'push'],
    });
    return this.createRepositoryCopyWithoutWebhook(repo);
  }

  /** A working copy of an existing repository; no webhook is added (tests of lost events use it). */
  async createRepositoryCopyWithoutWebhook(
    repo: RepositoryId,
  ): Promise<{ cloneUrl: string; workingCopy: GitWorkingCopy }> {
    const { cloneUrl } = await this.forge.getRepository(repo);
    const workingCopy = new GitWorkingCopy(
      path.join(this.stateDir, 'checkouts', `${repo.owner}-${repo.name}`),
      this.forge.gitCredentials()!,
    );
    await workingCopy.init(cloneUrl);
    return { cloneUrl, workingCopy };
  }

  async stop(): Promise<void> {
    for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => undefined);
    this.#cleanups.length = 0;
    if (this.#ownsStateDir) await rm(this.stateDir, { recursive: true, force: true });
  }
}
