import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import { stringify } from 'yaml';
import { silentLogger, type Logger } from '../../core/logger.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { writeStandinRunnerTarball } from '../../emulators/github/standin-runner.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import {
  DeploymentConfigSchema,
  type DeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, type Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { Metrics } from '../../runner-agent/src/observability/metrics.ts';
import { withTempDir } from './temp-dir.ts';

export const RUNNER_TOKEN = 'ghp_runnerworldtoken0123456789';
export const RUNNER_HOOK_SECRET = 'runner-world-hook-secret';
export const REPO = { owner: 'acme', name: 'widget' };
/** The stand-in runner unpacked from its release-like tarball into `dir`; returns its run.sh. */
export async function unpackStandinRunner(dir: string): Promise<string> {
  const tarball = await writeStandinRunnerTarball(dir);
  const runSh = RunnerWorld.standinRunSh(dir);
  await mkdir(path.dirname(runSh), { recursive: true });
  await promisify(execFile)('tar', ['-xzf', tarball.path, '-C', path.dirname(runSh)]);
  return runSh;
}

/** In `runners.command`: the stand-in runner's run.sh (unpacked into the world's directory). */
export const STANDIN = '<stand-in run.sh>';

export interface RunnerWorldOptions {
  /** Overrides of `runners.github` (the defaults run the stand-in runner as a process, with short timeouts). */
  runners?: Record<string, unknown>;
  agentLabels?: string[];
  /** The server's scanner interval; 0 (default) turns it off. */
  scanIntervalSeconds?: number;
  /** GitHubEmulator options past the defaults. */
  emulator?: Partial<Parameters<typeof GitHubEmulator.start>[0]>;
  logger?: Logger;
  /** Start the agent in this process (default true); false for a test that runs `ironbots agent` itself. */
  agent?: boolean;
  /** Overrides of the `agent` section. */
  agentConfig?: Record<string, unknown>;
  /** The forge's credentials: the token (default), or a GitHub App that start() registers on the emulator. */
  auth?: 'token' | 'app';
  /** Set by start() for `auth: 'app'`. */
  app?: { appId: number; installationId: number; privateKey: string };
  /** More top-level sections (e.g. `images`). */
  extraConfig?: Record<string, unknown>;
}

/**
 * One deployment in this process (server + agent through openDeployment, as `ironbots serve` builds it)
 * and the GitHub emulator with a repository, its webhook sending workflow_job deliveries to the server.
 */
export class RunnerWorld {
  readonly emulator: GitHubEmulator;
  readonly deployment: Deployment;
  readonly forge: GitHubForge;
  readonly dir: string;
  readonly options: RunnerWorldOptions;
  readonly #remove: () => Promise<void>;

  private constructor(parts: {
    emulator: GitHubEmulator;
    deployment: Deployment;
    dir: string;
    remove: () => Promise<void>;
    options: RunnerWorldOptions;
  }) {
    this.options = parts.options;
    this.emulator = parts.emulator;
    this.deployment = parts.deployment;
    this.dir = parts.dir;
    this.#remove = parts.remove;
    this.forge = new GitHubForge({ token: RUNNER_TOKEN, baseUrl: parts.emulator.url, throttle: false });
  }

  static standinRunSh(dir: string): string {
    return path.join(dir, 'actions-runner', 'run.sh');
  }

  static config(dir: string, emulatorUrl: string, options: RunnerWorldOptions): DeploymentConfig {
    return DeploymentConfigSchema.parse(RunnerWorld.rawConfig(dir, emulatorUrl, options));
  }

  /** The configuration as its file says it (what `ironbots agent --config` reads). */
  static rawConfig(dir: string, emulatorUrl: string, options: RunnerWorldOptions): Record<string, unknown> {
    return {
      stateDir: path.join(dir, 'state'),
      forge: {
        apiUrl: emulatorUrl,
        ...(options.app ? { app: options.app } : { token: RUNNER_TOKEN }),
        repositories: [`${REPO.owner}/${REPO.name}`],
        secondaryRateLimits: false,
      },
      // A scraper token: without a reader, a deployment records no metrics (see metrics()).
      metrics: { tokens: ['runner-world-scraper-token'] },
      server: {
        listen: '127.0.0.1:0',
        webhookSecret: RUNNER_HOOK_SECRET,
        scanIntervalSeconds: options.scanIntervalSeconds ?? 0,
      },
      runners: {
        github: {
          executor: 'process',
          pollSeconds: 0.2,
          registrationTimeoutSeconds: 10,
          idleTimeoutSeconds: 3,
          reapIntervalSeconds: 1,
          ...options.runners,
          // The stand-in runner as a host process, unpacked where it keeps its _work (see start()).
          command: ((options.runners?.command as string[] | undefined) ?? [STANDIN]).map((word) =>
            word === STANDIN ? RunnerWorld.standinRunSh(dir) : word,
          ),
        },
      },
      agent: {
        name: 'kvm-1',
        labels: options.agentLabels ?? ['kvm'],
        executors: ['process'],
        concurrency: 2,
        visibilityTimeoutSeconds: 10,
        ...options.agentConfig,
      },
      ...options.extraConfig,
    };
  }

  static async start(options: RunnerWorldOptions = {}): Promise<RunnerWorld> {
    const tmp = await withTempDir('ironbots-runners-');
    const emulator = await GitHubEmulator.start({
      dataDir: path.join(tmp.dir, 'forge'),
      tokens: [RUNNER_TOKEN],
      runnerOfflineAfterMs: 1_500,
      ...options.emulator,
    });
    let deployment: Deployment | undefined;
    if (options.auth === 'app') options = { ...options, app: emulator.registerApp() };
    try {
      await unpackStandinRunner(tmp.dir);
      await emulator.createRepository(REPO.owner, REPO.name);
      const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), { username: 'x', password: RUNNER_TOKEN });
      await copy.init(emulator.cloneUrl(REPO.owner, REPO.name));
      await copy.writeFiles({ 'README.md': { content: 'widget\n' } });
      await copy.commit('first');
      await copy.push('main');
      deployment = await openDeployment(RunnerWorld.config(tmp.dir, emulator.url, options), {
        logger: options.logger ?? silentLogger(),
        processMetrics: false,
      });
      const server = await deployment.startServer();
      emulator.addWebhook(REPO.owner, REPO.name, {
        url: `${server.url}/webhooks/github`,
        secret: RUNNER_HOOK_SECRET,
        events: ['workflow_job'],
      });
      if (options.agent ?? true) await deployment.startAgent();
      return new RunnerWorld({ emulator, deployment, dir: tmp.dir, remove: tmp.remove, options });
    } catch (error) {
      await deployment?.close();
      await emulator.stop();
      await tmp.remove();
      throw error;
    }
  }

  /** Our runners' registrations on the repository, by name. */
  ourRegistrations(): string[] {
    return this.emulator
      .runners({ owner: REPO.owner, repo: REPO.name })
      .map((r: { name: string }) => r.name)
      .filter((name: string) => name.startsWith('ironbots-'));
  }

  /** Writes this world's configuration for `ironbots agent --config`; returns the file. */
  async writeConfigFile(): Promise<string> {
    const file = path.join(this.dir, 'agent.yml');
    await writeFile(file, stringify(RunnerWorld.rawConfig(this.dir, this.emulator.url, this.options)));
    return file;
  }

  async metrics(): Promise<string> {
    const { metrics } = this.deployment;
    if (!(metrics instanceof Metrics)) throw new Error('this deployment records no Prometheus metrics');
    return metrics.registry.metrics();
  }

  async stop(): Promise<void> {
    await this.deployment.close();
    await this.emulator.stop();
    await this.#remove();
  }
}
