import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import type { CommitStatus, RepositoryId } from '../../forge/forge.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { FaultProxy } from './fault-proxy.ts';
import { IronbotsProcess } from './ironbots-process.ts';
import { withTempDir } from './temp-dir.ts';

/** One context of the project under test: its command sleeps, then exits with `exitCode`. */
export interface ContextSpec {
  name: string;
  exitCode: number;
  sleepSeconds: number;
  /** The final status the PR must show. Default: success for exit code 0, failure otherwise. */
  expected?: 'success' | 'failure' | 'error';
}

/** A line the job's command wrote: when it started or ended, in which job, as which process. */
export interface Marker {
  kind: 'start' | 'end';
  context: string;
  jobId: string;
  pid: number;
  /** Epoch milliseconds (the same clock as Date.now() here). */
  at: number;
}

export interface QueueCounts {
  queued: number;
  running: number;
  done: number;
  dead: number;
}

export interface WorldOptions {
  contexts: ContextSpec[];
  /** Seeds the fault proxy's randomness. */
  seed: number;
  /** The server's periodic scanner; 0 turns it off. */
  scanIntervalSeconds: number;
}

const REPO: RepositoryId = { owner: 'acme', name: 'widget' };
const FINAL_STATES = new Set(['success', 'failure', 'error']);

/**
 * The job every context runs. It records its start and end (with its pid, so leftovers can be found) in a
 * file outside the checkout: the harness learns from it how often the command ran and what its true
 * result was.
 */
const JOB_SCRIPT = [
  '#!/bin/sh',
  'echo "start $IRONBOTS_CONTEXT $IRONBOTS_JOB_ID $$ $(date +%s%3N)" >> "$MARKERS"',
  'sleep "$SLEEP"',
  'echo "end $IRONBOTS_CONTEXT $IRONBOTS_JOB_ID $$ $(date +%s%3N)" >> "$MARKERS"',
  'exit "$EXIT"',
  '',
].join('\n');

/**
 * A whole deployment on this machine with real processes, for the reliability suite: the GitHub emulator
 * (a real git repository with a pushed `.ironbots.yml`, signed webhooks) behind a fault proxy, an
 * `ironbots serve` process, and as many `ironbots agent` processes as a scenario starts, all sharing one
 * state directory (SQLite queue, logs) as on one machine. `stopAll()` stops every process it started and
 * kills job processes that outlived their agent; `dispose()` removes every file.
 */
export class DeploymentWorld {
  readonly options: WorldOptions;
  readonly dir: string;
  readonly stateDir: string;
  readonly markersFile: string;
  readonly emulator: GitHubEmulator;
  readonly proxy: FaultProxy;
  /** Talks to the emulator directly, past the proxy: what the harness itself reads and writes. */
  readonly forge: GitHubForge;
  readonly processes: IronbotsProcess[] = [];
  readonly env: Record<string, string>;
  server: IronbotsProcess | null = null;
  serverUrl = '';
  headSha = '';
  readonly #removeDir: () => Promise<void>;

  private constructor(parts: {
    options: WorldOptions;
    dir: string;
    removeDir: () => Promise<void>;
    emulator: GitHubEmulator;
    proxy: FaultProxy;
    token: string;
  }) {
    this.options = parts.options;
    this.dir = parts.dir;
    this.stateDir = path.join(parts.dir, 'state');
    this.markersFile = path.join(parts.dir, 'markers.log');
    this.#removeDir = parts.removeDir;
    this.emulator = parts.emulator;
    this.proxy = parts.proxy;
    this.forge = new GitHubForge({ token: parts.token, baseUrl: parts.emulator.url, throttle: false });
    this.env = {
      GITHUB_TOKEN: parts.token,
      IRONBOTS_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
      IRONBOTS_API_TOKEN: `ibt_${randomBytes(16).toString('hex')}`,
    };
  }

  static async create(options: WorldOptions): Promise<DeploymentWorld> {
    const tmp = await withTempDir('ironbots-reliability-');
    const token = `ghp_${randomBytes(16).toString('hex')}`;
    let emulator: GitHubEmulator | undefined;
    try {
      emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [token] });
      await emulator.createRepository(REPO.owner, REPO.name);
      const proxy = await FaultProxy.start(emulator.url, { seed: options.seed });
      const world = new DeploymentWorld({
        options,
        dir: tmp.dir,
        removeDir: tmp.remove,
        emulator,
        proxy,
        token,
      });
      await writeFile(world.markersFile, '');
      await world.#writeConfigs();
      await world.#pushProject();
      return world;
    } catch (error) {
      await emulator?.stop();
      await tmp.remove();
      throw error;
    }
  }

  get repository(): RepositoryId {
    return REPO;
  }

  serverConfig(): string {
    return path.join(this.dir, 'server.yml');
  }

  agentConfig(name: string): string {
    return path.join(this.dir, `agent-${name}.yml`);
  }

  /** Where the process executor of agent `name` keeps its records of running process groups. */
  processRecordDir(name: string): string {
    return path.join(this.stateDir, 'executors', name, 'process-groups');
  }

  /** `ironbots serve`, its webhook registered on the emulator. */
  async startServer(): Promise<IronbotsProcess> {
    const server = this.spawn('server', ['serve', '--config', this.serverConfig()]);
    const listening = await server.expectLog('server listening', 30_000);
    this.server = server;
    this.serverUrl = String(listening.url);
    this.emulator.addWebhook(REPO.owner, REPO.name, {
      url: `${this.serverUrl}/webhooks/github`,
      secret: this.env.IRONBOTS_WEBHOOK_SECRET!,
      events: ['pull_request'],
    });
    return server;
  }

  /** Writes the configuration of agent `name` (idempotent); returns its path. */
  async writeAgentConfig(name: string, concurrency: number): Promise<string> {
    const file = this.agentConfig(name);
    await writeFile(
      file,
      [
        ...this.#commonConfig(),
        'agent:',
        `  name: ${name}`,
        `  concurrency: ${concurrency}`,
        '  listen: 127.0.0.1:0',
        // The smallest lease the configuration allows: a lost agent's job comes back after 10 s.
        '  visibilityTimeoutSeconds: 10',
        '',
      ].join('\n'),
    );
    return file;
  }

  /** `ironbots agent`, without waiting for it to come up. */
  async spawnAgent(name: string, concurrency = 1): Promise<IronbotsProcess> {
    const file = await this.writeAgentConfig(name, concurrency);
    return this.spawn(`agent ${name}`, ['agent', '--config', file]);
  }

  /** `ironbots agent`, once it has started taking jobs. */
  async startAgent(name: string, concurrency = 1): Promise<IronbotsProcess> {
    const agent = await this.spawnAgent(name, concurrency);
    await agent.expectLog('agent started', 30_000);
    return agent;
  }

  spawn(name: string, args: string[]): IronbotsProcess {
    const child = new IronbotsProcess(name, args, this.env);
    this.processes.push(child);
    return child;
  }

  /** Runs an ironbots command to its end; throws with its output if it fails. */
  async run(name: string, args: string[]): Promise<string> {
    const child = this.spawn(name, args);
    const { code, signal } = await child.exited;
    if (code !== 0)
      throw new Error(
        `ironbots ${args.join(' ')} ended ${code ?? signal}:\n${child.stdout}${child.logText()}`,
      );
    return child.stdout;
  }

  /** A pull request from `topic` to `main`; the webhook makes the server plan it. Returns the head. */
  async openPullRequest(): Promise<string> {
    await this.forge.createPullRequest(REPO, { title: 'change', head: 'topic', base: 'main' });
    return this.headSha;
  }

  /** Every status of the head commit, oldest first, straight from the emulator. */
  async statusHistory(): Promise<CommitStatus[]> {
    return this.forge.listCommitStatusHistory(REPO, this.headSha);
  }

  /** Whether every context's newest status is final. */
  async allFinal(): Promise<boolean> {
    const newest = new Map((await this.statusHistory()).map((s) => [s.context, s.state] as const));
    return this.options.contexts.every((c) => FINAL_STATES.has(newest.get(c.name) ?? ''));
  }

  async markers(): Promise<Marker[]> {
    const text = await readFile(this.markersFile, 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [kind, context, jobId, pid, at] = line.split(' ');
        if ((kind !== 'start' && kind !== 'end') || !context || !jobId || !pid || !at)
          throw new Error(`unreadable marker line: ${JSON.stringify(line)}`);
        return { kind, context, jobId, pid: Number(pid), at: Number(at) };
      });
  }

  /** The job queue's counts, through `ironbots queue stats` (which also settles expired leases). */
  async queueCounts(): Promise<QueueCounts> {
    const out = await this.run('queue stats', ['queue', 'stats', '--config', this.serverConfig()]);
    const match = /^jobs: (\d+) queued, (\d+) running, (\d+) done, (\d+) dead(?:, \d+ cancelled)?$/m.exec(
      out,
    );
    if (!match) throw new Error(`unexpected \`ironbots queue stats\` output: ${out}`);
    const [queued, running, done, dead] = match.slice(1).map(Number) as [number, number, number, number];
    return { queued, running, done, dead };
  }

  /**
   * Waits until every context has a final status and no job is queued or running, or until the deadline.
   * Returns whether it settled.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    return waitUntil(async () => {
      if (!(await this.allFinal())) return false;
      const counts = await this.queueCounts();
      return counts.queued === 0 && counts.running === 0;
    }, timeoutMs);
  }

  /**
   * Stops every process (SIGTERM, then SIGKILL) and kills job processes that outlived their agent.
   * Returns the pids of the job processes it had to kill.
   */
  async stopAll(): Promise<{ orphans: number[] }> {
    await Promise.all(this.processes.map((p) => p.stop()));
    const orphans: number[] = [];
    const pids = await this.markers().then(
      (markers) => [...new Set(markers.filter((m) => m.kind === 'start').map((m) => m.pid))],
      () => [] as number[],
    );
    for (const pid of pids) {
      if (!alive(pid)) continue;
      orphans.push(pid);
      // The executor runs each job as its own process group, led by the job's shell.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
    return { orphans };
  }

  /** After `stopAll()`: stops the proxy and the emulator and removes every file. */
  async dispose(): Promise<void> {
    await this.proxy.stop();
    await this.emulator.stop();
    await this.#removeDir();
  }

  #commonConfig(): string[] {
    return [
      `stateDir: ${this.stateDir}`,
      'forge:',
      `  apiUrl: ${this.proxy.url}`,
      '  token: ${GITHUB_TOKEN}',
      `  repositories: [${REPO.owner}/${REPO.name}]`,
    ];
  }

  async #writeConfigs(): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    await writeFile(
      this.serverConfig(),
      [
        ...this.#commonConfig(),
        'server:',
        '  listen: 127.0.0.1:0',
        '  webhookSecret: ${IRONBOTS_WEBHOOK_SECRET}',
        '  apiTokens: ["${IRONBOTS_API_TOKEN}"]',
        `  scanIntervalSeconds: ${this.options.scanIntervalSeconds}`,
        '',
      ].join('\n'),
    );
  }

  /** main with `.ironbots.yml` and the job script, and a `topic` branch one commit ahead. */
  async #pushProject(): Promise<void> {
    const copy = new GitWorkingCopy(path.join(this.dir, 'work'), this.forge.gitCredentials()!);
    await copy.init(this.emulator.cloneUrl(REPO.owner, REPO.name));
    const contexts = this.options.contexts.flatMap((c) => [
      `  ${c.name}:`,
      '    run: [sh, job.sh]',
      '    timeout: 600',
      `    env: { MARKERS: "${this.markersFile}", SLEEP: "${c.sleepSeconds}", EXIT: "${c.exitCode}" }`,
    ]);
    await copy.writeFiles({
      '.ironbots.yml': { content: ['contexts:', ...contexts, ''].join('\n') },
      'job.sh': { content: JOB_SCRIPT },
      VERSION: { content: '1.0\n' },
    });
    await copy.commit('project');
    await copy.push('main');
    await copy.checkoutNewBranch('topic');
    await copy.writeFiles({ VERSION: { content: '1.1\n' } });
    this.headSha = await copy.commit('change');
    await copy.push('topic');
  }
}

export function isFinalState(state: string): boolean {
  return FINAL_STATES.has(state);
}

/** Polls `condition` every `intervalMs` until it holds or `timeoutMs` passed; returns whether it held. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
