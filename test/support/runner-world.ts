import path from 'node:path';
import { silentLogger, type Logger } from '../../core/logger.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import {
  DeploymentConfigSchema,
  type DeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';
import { openDeployment, type Deployment } from '../../runner-agent/src/deployment/deployment.ts';
import { withTempDir } from './temp-dir.ts';

export const RUNNER_TOKEN = 'ghp_runnerworldtoken0123456789';
export const RUNNER_HOOK_SECRET = 'runner-world-hook-secret';
export const REPO = { owner: 'acme', name: 'widget' };
/** The stand-in for GitHub's runner (python3), run as a host process by the process executor. */
export const STANDIN_RUN_SH = path.resolve(
  import.meta.dirname,
  '../../emulators/github/standin-runner/run.sh',
);

export interface RunnerWorldOptions {
  /** Overrides of `runners.github` (the defaults run the stand-in runner as a process, with short timeouts). */
  runners?: Record<string, unknown>;
  agentLabels?: string[];
  /** The server's scanner interval; 0 (default) turns it off. */
  scanIntervalSeconds?: number;
  /** GitHubEmulator options past the defaults. */
  emulator?: Partial<Parameters<typeof GitHubEmulator.start>[0]>;
  logger?: Logger;
  /** Start the agent (default true). */
  agent?: boolean;
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
  readonly #remove: () => Promise<void>;

  private constructor(parts: {
    emulator: GitHubEmulator;
    deployment: Deployment;
    dir: string;
    remove: () => Promise<void>;
  }) {
    this.emulator = parts.emulator;
    this.deployment = parts.deployment;
    this.dir = parts.dir;
    this.#remove = parts.remove;
    this.forge = new GitHubForge({ token: RUNNER_TOKEN, baseUrl: parts.emulator.url, throttle: false });
  }

  static config(dir: string, emulatorUrl: string, options: RunnerWorldOptions): DeploymentConfig {
    return DeploymentConfigSchema.parse({
      stateDir: path.join(dir, 'state'),
      forge: {
        apiUrl: emulatorUrl,
        token: RUNNER_TOKEN,
        repositories: [`${REPO.owner}/${REPO.name}`],
        secondaryRateLimits: false,
      },
      server: {
        listen: '127.0.0.1:0',
        webhookSecret: RUNNER_HOOK_SECRET,
        scanIntervalSeconds: options.scanIntervalSeconds ?? 0,
      },
      runners: {
        github: {
          executor: 'process',
          command: [STANDIN_RUN_SH],
          pollSeconds: 0.2,
          registrationTimeoutSeconds: 10,
          idleTimeoutSeconds: 3,
          reapIntervalSeconds: 1,
          ...options.runners,
        },
      },
      agent: {
        name: 'kvm-1',
        labels: options.agentLabels ?? ['kvm'],
        executors: ['process'],
        concurrency: 2,
        visibilityTimeoutSeconds: 10,
      },
    });
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
    try {
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
      return new RunnerWorld({ emulator, deployment, dir: tmp.dir, remove: tmp.remove });
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

  async metrics(): Promise<string> {
    return this.deployment.metrics.registry.metrics();
  }

  async stop(): Promise<void> {
    await this.deployment.close();
    await this.emulator.stop();
    await this.#remove();
  }
}
