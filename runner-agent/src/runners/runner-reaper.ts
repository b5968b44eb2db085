import { describeScope, type ActionsRunners, type RunnerScope } from '../../../forge/forge.ts';
import type { Logger } from '../../../core/logger.ts';
import type { GitHubRunnerSettings } from './github-runner-settings.ts';
import { runnerNameTime, type LiveRunners } from './jit-runner-launcher.ts';
import type { RunnerObserver } from './runner-events.ts';

export interface RunnerReaperOptions {
  forge: ActionsRunners;
  settings: Pick<GitHubRunnerSettings, 'namePrefix' | 'registrationTimeoutSeconds' | 'idleTimeoutSeconds'>;
  logger: Logger;
  observer?: RunnerObserver;
  /**
   * Whose registrations: one agent's (every one it does not hold now is a ghost: its VM is gone), or the
   * fleet's (the server: any of ours that is offline and older than a runner can take to come online).
   */
  owner: { kind: 'agent'; name: string; live: LiveRunners } | { kind: 'fleet' };
  /** The scopes to look in: the configured repositories (or their organisations) and those seen since. */
  scopes(): RunnerScope[];
}

/**
 * Removes ghost registrations: runners ironbots registered (recognised by name) whose VM is gone, which
 * GitHub would otherwise list as offline runners forever. A busy one is never removed (GitHub refuses, and
 * its job may be running); it is looked at again next time.
 */
export class RunnerReaper {
  readonly #o: RunnerReaperOptions;

  constructor(options: RunnerReaperOptions) {
    this.#o = options;
  }

  async reap(): Promise<{ alive: number; removed: number }> {
    const { forge, settings } = this.#o;
    let alive = 0;
    let removed = 0;
    const seen = new Set<string>();
    for (const scope of this.#o.scopes()) {
      const key = describeScope(scope);
      if (seen.has(key)) continue;
      seen.add(key);
      let runners;
      try {
        runners = await forge.listRunners(scope);
      } catch (error) {
        this.#o.logger.warn({ err: error, scope: key }, 'could not list runner registrations');
        continue;
      }
      for (const runner of runners) {
        const madeAt = runnerNameTime(settings.namePrefix, runner.name);
        if (madeAt === null) continue;
        alive++;
        if (runner.busy || !this.#isGhost(runner.name, runner.online, madeAt)) continue;
        const result = await forge.deleteRunner(scope, runner.id).catch((error: unknown) => {
          this.#o.logger.warn({ err: error, runner: runner.name }, 'could not remove a ghost registration');
          return 'failed' as const;
        });
        if (result === 'deleted' || result === 'absent') {
          alive--;
          if (result === 'deleted') removed++;
          this.#o.logger.info(
            { runner: runner.name, runnerId: runner.id, scope: key },
            'ghost runner registration removed',
          );
        }
      }
    }
    this.#o.observer?.observeRunner({ type: 'reaped', alive, ghostsRemoved: removed });
    return { alive, removed };
  }

  #isGhost(name: string, online: boolean, madeAt: number): boolean {
    const { owner, settings } = this.#o;
    if (owner.kind === 'agent')
      return agentOf(settings.namePrefix, name) === owner.name && !owner.live.has(name);
    // A runner may take the registration timeout to come online, then idle until the idle timeout.
    const patienceMs = (2 * settings.registrationTimeoutSeconds + settings.idleTimeoutSeconds) * 1000;
    return !online && Date.now() - madeAt > patienceMs;
  }
}

/** The agent a registration name belongs to: `<prefix><agent>-<time>-<random>`. */
function agentOf(prefix: string, name: string): string | null {
  const match = /^(.*)-[0-9a-z]{5,8}-[0-9a-f]{6}$/.exec(name.slice(prefix.length));
  return match ? match[1]! : null;
}
