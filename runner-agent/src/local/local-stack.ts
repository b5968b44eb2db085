import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubEmulator } from '../../../emulators/github/github-emulator.ts';
import { GitLabEmulator } from '../../../emulators/gitlab/gitlab-emulator.ts';
import type { Forge, RepositoryId } from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import { SecretRegistry } from '../../../core/secrets.ts';
import type { Agent, AgentEvent } from '../agent/agent.ts';
import { DeploymentConfigSchema } from '../config/deployment-config.ts';
import { openDeployment, type Deployment } from '../deployment/deployment.ts';
import type { ExecutorKind } from '../deployment/executors.ts';
import { localImagesDir } from '../deployment/vm-setup.ts';
import { defaultCacheDir } from '../vm/debian-kernel.ts';
import type { ServerRole } from '../deployment/server-role.ts';
import type { Job } from '../jobs/job.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { PlanResult, ScanResult } from '../planner/planner.ts';
import type { Queue } from '../queue/queue.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { GitWorkingCopy } from './git-working-copy.ts';

export interface LocalStackOptions {
  /** Where queue, logs and repositories live; a fresh temporary directory by default (removed on stop). */
  stateDir?: string;
  logger: Logger;
  agentName?: string;
  /** How often a running job checks whether its PR moved on. */
  supersededPollMs?: number;
  /** How often a running job's agent learns whether it was cancelled. */
  cancelCheckMs?: number;
  onAgentEvent?: (event: AgentEvent) => void;
  onPlanned?: (delivery: WebhookDelivery, result: PlanResult) => void;
  /** Executors the agent runs. Default: process. */
  executors?: ExecutorKind[];
  /** Which forge the emulator plays. Default: github. */
  forge?: 'github' | 'gitlab';
  /** `server.infraRepositories`: what cross-project contexts may check out. Default none. */
  infraRepositories?: string[];
  /** `server.infraProjects`: what an infrastructure pull request may ask to be tested with. Default none. */
  infraProjects?: string[];
  /** Who is tested without approval, and the approval label (deployment `server.*`). */
  trust?: { trustedAuthors?: string[]; approvalLabel?: string };
}

/**
 * Everything of a deployment on one machine, offline: the GitHub emulator (real git over HTTP, REST API,
 * signed webhooks), the server (receiver → SQLite queue → planner), and an agent with the process executor.
 * `ironbots local` and the end-to-end tests both run on it.
 */
export class LocalStack {
  readonly emulator: GitHubEmulator | GitLabEmulator;
  readonly forge: Forge;
  readonly server: ServerRole;
  readonly agent: Agent;
  readonly jobs: Queue<Job>;
  readonly events: Queue<WebhookDelivery>;
  readonly logStore: LogStore;
  /** Where the agent's executors keep their state (the podman storage of `--executor podman`). */
  readonly executorsDir: string;
  readonly secrets: SecretRegistry;
  readonly webhookSecret: string;
  readonly apiToken: string;
  readonly stateDir: string;
  readonly #cleanups: (() => Promise<unknown>)[];
  readonly #ownsStateDir: boolean;
  readonly #deployment: Deployment;

  private constructor(parts: {
    emulator: GitHubEmulator | GitLabEmulator;
    forge: Forge;
    server: ServerRole;
    agent: Agent;
    jobs: Queue<Job>;
    events: Queue<WebhookDelivery>;
    logStore: LogStore;
    executorsDir: string;
    secrets: SecretRegistry;
    webhookSecret: string;
    apiToken: string;
    stateDir: string;
    ownsStateDir: boolean;
    cleanups: (() => Promise<unknown>)[];
    deployment: Deployment;
  }) {
    this.emulator = parts.emulator;
    this.forge = parts.forge;
    this.server = parts.server;
    this.agent = parts.agent;
    this.jobs = parts.jobs;
    this.events = parts.events;
    this.logStore = parts.logStore;
    this.executorsDir = parts.executorsDir;
    this.secrets = parts.secrets;
    this.webhookSecret = parts.webhookSecret;
    this.apiToken = parts.apiToken;
    this.stateDir = parts.stateDir;
    this.#ownsStateDir = parts.ownsStateDir;
    this.#cleanups = parts.cleanups;
    this.#deployment = parts.deployment;
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
      const kind = options.forge ?? 'github';
      const emulatorOptions = {
        dataDir: path.join(stateDir, 'forge'),
        tokens: [apiToken],
        logger: logger.child({ role: 'forge-emulator' }),
      };
      const emulator =
        kind === 'gitlab'
          ? await GitLabEmulator.start(emulatorOptions)
          : await GitHubEmulator.start(emulatorOptions);
      cleanups.push(() => emulator.stop());
      // The production wiring, configured as an operator would point it at a forge: the emulator is one.
      const config = DeploymentConfigSchema.parse({
        stateDir,
        forge: { kind, apiUrl: emulator.url, token: apiToken, secondaryRateLimits: false },
        // VM images come from this machine's ironbots cache, where `ensureLocalVmImage` builds them.
        images: {
          kind: 'filesystem',
          dir: localImagesDir(),
          cacheDir: path.join(defaultCacheDir(), 'image-cache'),
        },
        server: {
          listen: '127.0.0.1:0',
          webhookSecret,
          apiTokens: [apiToken],
          scanIntervalSeconds: 0,
          infraRepositories: options.infraRepositories ?? [],
          infraProjects: options.infraProjects ?? [],
          ...options.trust,
        },
        agent: {
          name: options.agentName ?? 'local-agent',
          labels: [os.arch() === 'x64' ? 'x86_64' : os.arch()],
          executors: options.executors ?? ['process'],
          supersededPollSeconds: (options.supersededPollMs ?? 2_000) / 1000,
          ...(options.cancelCheckMs ? { cancelCheckSeconds: options.cancelCheckMs / 1000 } : {}),
        },
      });
      const deployment = await openDeployment(config, { logger, secrets, processMetrics: false });
      cleanups.push(() => deployment.close());
      const server = await deployment.startServer(options.onPlanned ? { onPlanned: options.onPlanned } : {});
      const agent = await deployment.startAgent(
        options.onAgentEvent ? { onEvent: options.onAgentEvent } : {},
      );
      const { forge, jobs, events, logStore } = deployment;
      if (!forge) throw new Error('unreachable: the local deployment has a forge');

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
        executorsDir: deployment.executorsDir(config.agent!.name),
        cleanups,
        deployment,
      });
    } catch (error) {
      await unwind();
      throw error;
    }
  }

  /** The GitHub emulator (the default); throws for a stack that plays GitLab. */
  get github(): GitHubEmulator {
    if (!(this.emulator instanceof GitHubEmulator)) throw new Error('this local stack plays GitLab');
    return this.emulator;
  }

  /** The GitLab emulator; throws for a stack that plays GitHub. */
  get gitlab(): GitLabEmulator {
    if (!(this.emulator instanceof GitLabEmulator)) throw new Error('this local stack plays GitHub');
    return this.emulator;
  }

  /** Where the forge's webhooks go: `/webhooks/github` or `/webhooks/gitlab`. */
  get webhookUrl(): string {
    return `${this.server.url}/webhooks/${this.emulator instanceof GitLabEmulator ? 'gitlab' : 'github'}`;
  }

  /** A repository on the emulator whose webhooks go to this stack's server, and a working copy of it. */
  async createRepository(repo: RepositoryId): Promise<{ cloneUrl: string; workingCopy: GitWorkingCopy }> {
    if (this.emulator instanceof GitLabEmulator) {
      await this.emulator.createProject(repo.owner, repo.name, { defaultBranch: 'main' });
      // GitLab sends the secret token back in X-Gitlab-Token rather than signing the body.
      this.emulator.addWebhook(repo.owner, repo.name, {
        url: this.webhookUrl,
        token: this.webhookSecret,
        events: ['merge_request', 'push', 'note'],
      });
    } else {
      await this.emulator.createRepository(repo.owner, repo.name, { defaultBranch: 'main' });
      this.emulator.addWebhook(repo.owner, repo.name, {
        url: this.webhookUrl,
        secret: this.webhookSecret,
        // status: a person asking for a cross-project context posts one (jobs/cross-project.ts).
        events: ['pull_request', 'push', 'status', 'issue_comment'],
      });
    }
    return this.createRepositoryCopyWithoutWebhook(repo);
  }

  /**
   * One full scan of the repository, as `ironbots scan` does it (the stack's own scanner is off): what plans
   * a request no webhook announced, such as a cross-project request on GitLab.
   */
  async scan(repo: RepositoryId): Promise<Map<number, ScanResult>> {
    const planner = await this.#deployment.planner();
    return planner.scanRepository(await this.forge.getRepository(repo), { full: true });
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
