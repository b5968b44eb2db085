import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildBundle } from '../build/bundle-actions.ts';
import { timeToFirstLine } from './first-line.ts';
import { ms, summarize } from './stats.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** The hosted-runner actions, and the root action for comparison. */
const ACTIONS = [
  { name: 'release', dist: 'actions/release/dist' },
  { name: 'container-refresh', dist: 'actions/container-refresh/dist' },
  { name: 'translations', dist: 'actions/translations/dist' },
  { name: 'npm-cache', dist: 'actions/npm-cache/dist' },
  { name: 'root (submit-job)', dist: 'dist' },
];
/** Each action's cold start over the floor's, at most (issue 17). */
const GOAL_RATIO = 1.3;

async function bundleBytes(dir: string): Promise<{ total: number; index: number }> {
  let total = 0;
  for (const file of await readdir(dir)) total += (await stat(path.join(dir, file))).size;
  return { total, index: (await stat(path.join(dir, 'index.js'))).size };
}

/**
 * Cold start of each action's `node dist/index.js` to its first line on stdout, beside `node -e 0` and beside
 * the floor: a bundle of only @actions/core reading an input (bench/action-floor/main.ts), built here with
 * the actions' own bundler and options. Interleaved, so a slow moment of the machine hits all alike. Without
 * inputs, that first line is the input error (`::error::…`): everything up to reading inputs is loaded by
 * then, which is what a runner waits for before an action does anything (goals: ≤ 1.3× the floor, < 150 ms).
 * Plus each bundle's size. The actions' dist/ are measured as committed: `npm run build` first.
 */
export async function benchActionColdStart(runs = 25): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-floor-'));
  try {
    const floorDist = path.join(scratch, 'dist');
    await buildBundle({
      name: 'floor',
      entry: path.join(import.meta.dirname, 'action-floor/main.ts'),
      outDir: floorDist,
    });
    await coldStarts(runs, floorDist);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function coldStarts(runs: number, floorDist: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const node: number[] = [];
  const floor: number[] = [];
  const times = new Map<string, number[]>(ACTIONS.map((a) => [a.name, []]));
  for (let i = 0; i < runs; i++) {
    node.push(await timeToFirstLine(['-e', '0'], env, repoRoot));
    floor.push(await timeToFirstLine([path.join(floorDist, 'index.js')], env, repoRoot));
    for (const action of ACTIONS)
      times
        .get(action.name)!
        .push(await timeToFirstLine([path.join(repoRoot, action.dist, 'index.js')], env, repoRoot));
  }
  const n = summarize(node);
  const f = summarize(floor);
  const floorSize = await bundleBytes(floorDist);
  console.log(
    `action cold start to the first line (no inputs: the input error; ${runs} runs, ${process.version})`,
  );
  console.log(`  ${'node -e 0'.padEnd(22)} p50 ${ms(n.p50)}  p99 ${ms(n.p99)}`);
  console.log(
    `  ${'floor (@actions/core)'.padEnd(22)} p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  (${(f.p50 / n.p50).toFixed(1)}× node -e 0)  index.js ${(floorSize.index / 1024).toFixed(0)} KiB`,
  );
  for (const action of ACTIONS) {
    const t = summarize(times.get(action.name)!);
    const size = await bundleBytes(path.join(repoRoot, action.dist));
    const ratio = t.p50 / f.p50;
    console.log(
      `  ${action.name.padEnd(22)} p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  ${ratio.toFixed(2)}× floor (goal ≤ ${GOAL_RATIO}×${ratio <= GOAL_RATIO ? ', met' : ', MISSED'}), ${(t.p50 / n.p50).toFixed(1)}× node -e 0 (goal < 150 ms)  dist/ ${(size.total / 1024 / 1024).toFixed(2)} MiB, index.js ${(size.index / 1024).toFixed(0)} KiB`,
    );
  }
}
