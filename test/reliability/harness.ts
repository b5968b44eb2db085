import { DeploymentWorld, isFinalState, type ContextSpec } from '../support/deployment-world.ts';
import {
  addTally,
  emptyCounts,
  isDefective,
  tallyContext,
  trueResult,
  type ContextTally,
  type Counts,
} from './tally.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** A reliability scenario's counts, for the tally reporter. */
    reliability?: { scenario: string; counts: Counts };
  }
}

export interface Scenario {
  name: string;
  contexts: ContextSpec[];
  /** The server's periodic scanner, in seconds; 0 turns it off. Default 5: it is how lost work recovers. */
  scanIntervalSeconds?: number;
  /**
   * Starts the processes it needs, opens the pull request, does its harm and waits until the trial is over
   * (settled, or its own deadline passed: a trial that never settles is counted, not failed).
   */
  trial(world: DeploymentWorld): Promise<void>;
}

export interface ScenarioResult {
  counts: Counts;
  /** One line per defective context, with its status history. */
  defects: string[];
}

/** `IRONBOTS_RELIABILITY_TRIALS` (fast scenarios) or `IRONBOTS_RELIABILITY_SLOW_TRIALS`; default 1. */
export function trialCount(kind: 'fast' | 'slow'): number {
  const name = kind === 'fast' ? 'IRONBOTS_RELIABILITY_TRIALS' : 'IRONBOTS_RELIABILITY_SLOW_TRIALS';
  const value = process.env[name] ?? '1';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${value}`);
  return n;
}

/**
 * Runs `trials` independent trials of the scenario, each in a world of its own that is torn down
 * afterwards, and tallies every context of every trial.
 */
/** The trial under way, so that a test that timed out can still tear it down (see `abandonTrial`). */
let current: DeploymentWorld | null = null;
/** The scenario run under way; a timed-out test's run must not go on to its next trial. */
let currentRun: { abandoned: boolean } | null = null;

/** For afterEach: stops and removes the world of a trial that was cut off by the test's timeout. */
export async function abandonTrial(): Promise<void> {
  if (currentRun) currentRun.abandoned = true;
  currentRun = null;
  const world = current;
  current = null;
  if (!world) return;
  await world.stopAll();
  await world.dispose();
}

export async function runScenario(scenario: Scenario, trials: number): Promise<ScenarioResult> {
  const counts = emptyCounts();
  const defects: string[] = [];
  const run = { abandoned: false };
  currentRun = run;
  for (let trial = 1; trial <= trials; trial++) {
    if (run.abandoned) throw new Error(`${scenario.name}: abandoned after ${trial - 1} trial(s)`);
    const seed = (hash(scenario.name) + trial) >>> 0;
    const world = await DeploymentWorld.create({
      contexts: scenario.contexts,
      seed,
      scanIntervalSeconds: scenario.scanIntervalSeconds ?? 5,
    });
    current = world;
    try {
      await scenario.trial(world);
      const { orphans } = await world.stopAll();
      counts.trials++;
      counts.orphans += orphans.length;
      for (const tally of await tallyWorld(world)) {
        addTally(counts, tally.tally);
        if (isDefective(tally.tally)) defects.push(`trial ${trial} (seed ${seed}) ${tally.describe}`);
      }
    } catch (error) {
      (error as Error).message =
        `${scenario.name}, trial ${trial} (seed ${seed}): ${(error as Error).message}\n` +
        world.processes.map((p) => `--- ${p.name}\n${p.logText(15)}`).join('\n');
      throw error;
    } finally {
      if (current === world) {
        current = null;
        await world.stopAll();
        await world.dispose();
      }
    }
  }
  return { counts, defects };
}

async function tallyWorld(world: DeploymentWorld): Promise<{ tally: ContextTally; describe: string }[]> {
  const history = await world.statusHistory();
  const markers = await world.markers();
  return world.options.contexts.map((spec) => {
    const own = history.filter((s) => s.context === spec.name);
    const accepted = world.proxy.statusWrites.find(
      (w) => w.context === spec.name && w.outcome === 'accepted' && isFinalState(w.state),
    );
    const expected = trueResult(spec);
    const tally = tallyContext({
      context: spec.name,
      expected,
      history: own,
      starts: markers.filter((m) => m.kind === 'start' && m.context === spec.name).map((m) => m.at),
      firstFinalAcceptedAt: accepted?.answeredAt ?? null,
    });
    const found = (['lost', 'duplicated', 'wrong', 'reruns', 'regressions'] as const)
      .filter((k) => tally[k] > 0)
      .map((k) => `${k} ${tally[k]}`)
      .join(', ');
    const steps = own.map((s) => `${s.state} "${s.description ?? ''}"`).join(' → ') || '(no status)';
    return { tally, describe: `${spec.name} (should be ${expected}): ${found}; history: ${steps}` };
  });
}

/** The counts the issue demands be zero. */
export function defectCounts(
  counts: Counts,
): Pick<Counts, 'lost' | 'duplicated' | 'wrong' | 'reruns' | 'regressions'> {
  const { lost, duplicated, wrong, reruns, regressions } = counts;
  return { lost, duplicated, wrong, reruns, regressions };
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}
