import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeScope,
  type ActionsRunners,
  type RunnerScope,
  type SelfHostedRunner,
} from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { SecretRegistry } from '../../../core/secrets.ts';
import type { ExecutionOutcome, ExecutionResult } from '../executors/executor.ts';
import type { RunnerRequest } from '../jobs/job.ts';
import { labelSetKey, runnerFits, type GitHubRunnerSettings } from './github-runner-settings.ts';
import type { RunnerObserver } from './runner-events.ts';

/** Runs the runner's command in the job's executor (a VM of the runner image): the JobRunner's part. */
export type RunnerExecution = (
  command: { argv: string[]; env: Record<string, string> },
  io: { signal: AbortSignal; onStarted(at: number): void },
) => Promise<ExecutionResult>;

export interface RunnerLaunch {
  jobId: string;
  request: RunnerRequest;
  /** The runner's command from the job; `--jitconfig <config>` is added. */
  command: readonly string[];
  /** A line in the job's log. */
  line(text: string): void;
  onStarted?(at: number): void;
  signal: AbortSignal;
}

/** The agent's side of registered runners, as the JobRunner calls it. */
export interface RunnerLauncher {
  launch(
    launch: RunnerLaunch,
    execute: RunnerExecution,
  ): Promise<{ outcome: ExecutionOutcome; note?: string }>;
}

export interface JitRunnerLauncherOptions {
  forge: ActionsRunners;
  settings: GitHubRunnerSettings;
  agentName: string;
  logger: Logger;
  /** The runner's configuration is a credential: redacted from logs while it lives. */
  secrets: SecretRegistry;
  observer?: RunnerObserver;
  /** The registrations of runners this agent runs now, by scope: the reaper leaves them alone. */
  live?: LiveRunners;
}

/** Why the watchdog stopped a runner's VM. */
type Stop =
  | { kind: 'never-online'; message: string }
  | { kind: 'idle'; message: string }
  | { kind: 'done'; message: string }
  | { kind: 'removed'; message: string };

class WatchdogStop extends Error {
  readonly stop: Stop;
  constructor(stop: Stop) {
    super(stop.message);
    this.stop = stop;
    this.name = 'WatchdogStop';
  }
}

/**
 * Registrations this agent's VMs hold now, so a concurrent reap never removes a live one, and the scopes
 * runners were registered in, so the reaper looks there too.
 */
export class LiveRunners {
  readonly #names = new Set<string>();
  readonly #scopes = new Map<string, RunnerScope>();
  noteScope(scope: RunnerScope): void {
    this.#scopes.set(describeScope(scope), scope);
  }
  scopes(): RunnerScope[] {
    return [...this.#scopes.values()];
  }
  add(name: string): void {
    this.#names.add(name);
  }
  delete(name: string): void {
    this.#names.delete(name);
  }
  has(name: string): boolean {
    return this.#names.has(name);
  }
}

/** The registration's name: prefix, agent, time (base 36, so a reaper can tell its age), and a random tail. */
export function runnerName(prefix: string, agentName: string, at: number): string {
  // GitHub allows 64 characters.
  const agent = agentName.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64 - prefix.length - 16);
  return `${prefix}${agent}-${Math.floor(at / 1000).toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** When the registration was made, from its name; null for a name that is not one of ours. */
export function runnerNameTime(prefix: string, name: string): number | null {
  if (!name.startsWith(prefix)) return null;
  const match = /-([0-9a-z]{5,8})-[0-9a-f]{6}$/.exec(name);
  return match ? Number.parseInt(match[1]!, 36) * 1000 : null;
}

/**
 * One runner job on an agent: checks a runner is still wanted (demand is counted, not matched by id: GitHub
 * hands a runner any queued job its labels fit), registers a just-in-time runner, runs it in the job's
 * executor and watches its registration: a runner that never comes online is given up and tried once more,
 * one that got no job while none waits is stopped, and once its job is done the VM goes. The registration
 * is removed at the end whatever happened.
 */
export class JitRunnerLauncher implements RunnerLauncher {
  readonly #o: JitRunnerLauncherOptions;
  readonly live: LiveRunners;

  constructor(options: JitRunnerLauncherOptions) {
    this.#o = options;
    this.live = options.live ?? new LiveRunners();
  }

  async launch(
    launch: RunnerLaunch,
    execute: RunnerExecution,
  ): Promise<{ outcome: ExecutionOutcome; note?: string }> {
    const { request, line } = launch;
    const repo = request.repository;
    const scope: RunnerScope = request.scope === 'organization' ? { org: repo.owner } : { repo };
    const log = this.#o.logger.child({
      jobId: launch.jobId,
      repo: `${repo.owner}/${repo.name}`,
      workflowJobId: request.workflowJobId,
      runId: request.runId,
    });
    line(
      `runner for workflow job ${request.workflowJobId} (${request.workflowJobName || 'unnamed'}) of ${repo.owner}/${repo.name}, runs-on ${request.labels.join(', ')}`,
    );
    const wanted = await this.#wanted(scope, request);
    if (!wanted.yes) {
      line(`no runner needed: ${wanted.why}`);
      log.info({ why: wanted.why }, 'runner not needed');
      return { outcome: { kind: 'exited', exitCode: 0 }, note: 'not needed' };
    }
    line(wanted.why);
    for (let attempt = 1; ; attempt++) {
      const ran = await this.#once(launch, execute, scope, log);
      if (ran.retry && attempt === 1 && !launch.signal.aborted) {
        line(`${ran.retry}; trying once more with a new registration`);
        log.warn({ why: ran.retry }, 'runner failed to come online; retrying once');
        continue;
      }
      if (ran.retry)
        return {
          outcome: { kind: 'infrastructure-error', message: `${ran.retry} (tried twice)` },
        };
      return ran.result;
    }
  }

  async #once(
    launch: RunnerLaunch,
    execute: RunnerExecution,
    scope: RunnerScope,
    log: Logger,
  ): Promise<{ retry?: string; result: { outcome: ExecutionOutcome; note?: string } }> {
    const { request, line } = launch;
    const { settings, forge } = this.#o;
    const name = runnerName(settings.namePrefix, this.#o.agentName, Date.now());
    // Live before it exists: a reap running meanwhile must not take it for a ghost.
    this.live.add(name);
    this.live.noteScope(scope);
    let registered;
    try {
      registered = await forge.createJitRunner(scope, {
        name,
        labels: request.labels,
        runnerGroupId: request.runnerGroupId,
      });
    } catch (error) {
      this.live.delete(name);
      throw error;
    }
    const { runner, jitConfig } = registered;
    this.#o.secrets.add(jitConfig);
    const runnerLog = log.child({ runner: name, runnerId: runner.id });
    line(`registered runner ${name} (id ${runner.id}) in ${describeScope(scope)}`);
    runnerLog.info('runner registered');
    const watchdog = new AbortController();
    const watching = new AbortController();
    let startedAt: number | null = null;
    const state: WatchState = { everOnline: false, everBusy: false };
    const watch = this.#watch(
      scope,
      runner,
      request,
      state,
      () => startedAt,
      watchdog,
      watching.signal,
      line,
      runnerLog,
    );
    let result: ExecutionResult;
    try {
      result = await execute(
        { argv: [...launch.command, '--jitconfig', jitConfig], env: { RUNNER_ALLOW_RUNASROOT: '1' } },
        {
          signal: AbortSignal.any([launch.signal, watchdog.signal]),
          onStarted: (at) => {
            startedAt = at;
            const queuedAt = Date.parse(request.queuedAt);
            if (Number.isFinite(queuedAt))
              this.#o.observer?.observeRunner({
                type: 'vm-started',
                labels: labelSetKey(request.labels),
                queuedForMs: Math.max(0, at - queuedAt),
              });
            line(`runner started`);
            runnerLog.info('runner VM started');
            launch.onStarted?.(at);
          },
        },
      );
    } finally {
      watching.abort();
      await watch;
      await this.#deregister(scope, runner, line, runnerLog);
      this.live.delete(name);
      // The log redacts what passes through it until it is finished, a moment after this returns.
      setTimeout(() => this.#o.secrets.remove(jitConfig), 60_000).unref();
    }
    const stop = watchdog.signal.aborted ? (watchdog.signal.reason as WatchdogStop).stop : null;
    const outcome = result.outcome;
    runnerLog.info({ outcome: outcome.kind, stop: stop?.kind, everOnline: state.everOnline }, 'runner ended');
    if (stop?.kind === 'never-online') return { retry: stop.message, result: { outcome } };
    if (stop) {
      line(stop.message);
      return { result: { outcome: { kind: 'exited', exitCode: 0 }, ...noteOf(result) } };
    }
    if (outcome.kind === 'exited' && outcome.exitCode !== 0 && !state.everOnline && !launch.signal.aborted)
      return {
        retry: `the runner exited with code ${outcome.exitCode} before it came online (a configuration GitHub refused?)`,
        result: { outcome },
      };
    return { result: { outcome, ...noteOf(result) } };
  }

  /**
   * Polls the registration while the runner lives. GitHub's `busy` says when a job runs; once the
   * registration is gone (GitHub removes a JIT runner after its job) the runner has a grace period to exit.
   */
  async #watch(
    scope: RunnerScope,
    runner: SelfHostedRunner,
    request: RunnerRequest,
    state: WatchState,
    startedAt: () => number | null,
    watchdog: AbortController,
    signal: AbortSignal,
    line: (text: string) => void,
    log: Logger,
  ): Promise<void> {
    const { settings } = this.#o;
    const pollMs = settings.pollSeconds * 1000;
    const registeredAt = Date.now();
    let idleSince: number | null = null;
    let goneAt: number | null = null;
    const stop = (s: Stop) => watchdog.abort(new WatchdogStop(s));
    while (!signal.aborted && !watchdog.signal.aborted) {
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      let current: SelfHostedRunner | null;
      try {
        current = await this.#o.forge.getRunner(scope, runner.id);
      } catch (error) {
        log.warn({ err: error }, 'could not look at the runner registration');
        continue;
      }
      const now = Date.now();
      if (current === null) {
        if (!state.everOnline && !state.everBusy) {
          stop({ kind: 'removed', message: 'the runner registration was removed before the runner used it' });
          return;
        }
        goneAt ??= now;
        // Its job is done and GitHub removed the registration: the runner exits by itself; if not, the VM goes.
        if (now - goneAt >= Math.max(3 * pollMs, EXIT_GRACE_MS)) {
          stop({ kind: 'done', message: 'the runner did not exit after its job: stopping its VM' });
          return;
        }
        continue;
      }
      if (current.online && !state.everOnline) {
        state.everOnline = true;
        line(`runner ${runner.name} is online`);
        log.info('runner online');
      }
      if (current.busy) {
        if (!state.everBusy) {
          line(`runner ${runner.name} took a job`);
          log.info('runner busy with a job');
        }
        state.everBusy = true;
        idleSince = null;
        continue;
      }
      if (!state.everOnline) {
        const since = startedAt() ?? registeredAt;
        if (now - since >= settings.registrationTimeoutSeconds * 1000) {
          stop({
            kind: 'never-online',
            message: `the runner did not come online within ${settings.registrationTimeoutSeconds} s`,
          });
          return;
        }
        continue;
      }
      if (state.everBusy || !current.online) continue;
      idleSince ??= now;
      if (now - idleSince < settings.idleTimeoutSeconds * 1000) continue;
      // Idle too long: stop it only if no queued job could use it, and only once GitHub agrees it is idle
      // (a delete is refused while a job runs, so a job that arrives just now is never killed).
      const wanted = await this.#queuedFitting(request).catch(() => 1);
      if (wanted > 0) {
        idleSince = now;
        continue;
      }
      const removed = await this.#o.forge.deleteRunner(scope, runner.id).catch(() => 'busy' as const);
      if (removed === 'busy') continue;
      stop({
        kind: 'idle',
        message: `the runner got no job in ${settings.idleTimeoutSeconds} s and none is queued for it: stopped`,
      });
      return;
    }
  }

  /** Is a runner still wanted? Queued jobs its labels fit, against our idle or booting runners for them. */
  async #wanted(scope: RunnerScope, request: RunnerRequest): Promise<{ yes: boolean; why: string }> {
    const { forge, settings } = this.#o;
    const queued = await this.#queuedFitting(request);
    if (queued === 0) return { yes: false, why: 'no queued workflow job fits its labels any more' };
    const spare = (await forge.listRunners(scope)).filter(
      (r) =>
        r.name.startsWith(settings.namePrefix) &&
        !r.busy &&
        labelSetKey(r.labels) === labelSetKey(request.labels),
    ).length;
    if (spare >= queued)
      return {
        yes: false,
        why: `${queued} queued workflow job(s) fit, and ${spare} idle or starting runner(s) of ours are there for them`,
      };
    return {
      yes: true,
      why: `${queued} queued workflow job(s) fit; ${spare} runner(s) of ours idle or starting`,
    };
  }

  /** Queued jobs of the request's repository that a runner with the request's labels could take. */
  async #queuedFitting(request: RunnerRequest): Promise<number> {
    const queued = await this.#o.forge.listQueuedWorkflowJobs(request.repository);
    return queued.filter((job) => runnerFits(job.labels, request.labels)).length;
  }

  /** Removes the registration; a busy one (GitHub has not noticed the runner is gone) is the reaper's. */
  async #deregister(
    scope: RunnerScope,
    runner: SelfHostedRunner,
    line: (text: string) => void,
    log: Logger,
  ): Promise<void> {
    try {
      const result = await this.#o.forge.deleteRunner(scope, runner.id);
      if (result === 'deleted') line(`runner registration ${runner.name} removed`);
      if (result === 'busy') {
        line(`runner registration ${runner.name} is still marked busy: the reaper removes it later`);
        log.warn('registration still busy after the VM ended; left to the reaper');
      } else log.info({ result }, 'runner registration removed');
    } catch (error) {
      line(`could not remove runner registration ${runner.name}: the reaper will`);
      log.warn({ err: error }, 'could not remove the runner registration');
    }
  }
}

interface WatchState {
  everOnline: boolean;
  everBusy: boolean;
}

/** A runner whose job is over gets this long to exit by itself before its VM is stopped. */
const EXIT_GRACE_MS = 30_000;

function noteOf(result: ExecutionResult): { note?: string } {
  return result.note ? { note: result.note } : {};
}
