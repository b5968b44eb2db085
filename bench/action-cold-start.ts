import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
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

async function bundleBytes(dir: string): Promise<{ total: number; index: number }> {
  let total = 0;
  for (const file of await readdir(dir)) total += (await stat(path.join(dir, file))).size;
  return { total, index: (await stat(path.join(dir, 'index.js'))).size };
}

/**
 * Cold start of each action's `node dist/index.js` to its first line on stdout, beside `node -e 0` on the
 * same Node, interleaved so a slow moment of the machine hits all alike. Without inputs, that first line is
 * the action's own input error (`::error::…`): everything up to reading inputs is loaded by then, which is
 * what a runner waits for before an action does anything (goal < 150 ms). Plus each bundle's size.
 */
export async function benchActionColdStart(runs = 15): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const node: number[] = [];
  const times = new Map<string, number[]>(ACTIONS.map((a) => [a.name, []]));
  for (let i = 0; i < runs; i++) {
    node.push(await timeToFirstLine(['-e', '0'], env, repoRoot));
    for (const action of ACTIONS)
      times
        .get(action.name)!
        .push(await timeToFirstLine([path.join(repoRoot, action.dist, 'index.js')], env, repoRoot));
  }
  const n = summarize(node);
  console.log(
    `action cold start to the first line (no inputs: the input error; ${runs} runs, ${process.version})`,
  );
  console.log(`  ${'node -e 0'.padEnd(20)} p50 ${ms(n.p50)}  p99 ${ms(n.p99)}`);
  for (const action of ACTIONS) {
    const t = summarize(times.get(action.name)!);
    const size = await bundleBytes(path.join(repoRoot, action.dist));
    console.log(
      `  ${action.name.padEnd(20)} p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  (${(t.p50 / n.p50).toFixed(1)}× node -e 0; goal < 150 ms)  dist/ ${(size.total / 1024 / 1024).toFixed(2)} MiB, index.js ${(size.index / 1024).toFixed(0)} KiB`,
    );
  }
}
