import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { timeToFirstLine } from './first-line.ts';
import { ms, summarize } from './stats.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const distDir = path.join(repoRoot, 'actions/release/dist');

/**
 * The release action's bundle: cold start of `node dist/index.js` in dry-run up to its first log line,
 * beside `node -e 0` on the same Node, and the size of dist/ (goals: < 150 ms, < 2 MB).
 */
export async function benchReleaseAction(runs = 20): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-release-'));
  try {
    const output = path.join(dir, 'output');
    await writeFile(output, '');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GITHUB_OUTPUT: output,
      GITHUB_REPOSITORY: 'acme/widget',
      INPUT_TAG: '1.0',
      'INPUT_DRY-RUN': 'true',
      'INPUT_ALLOWED-KEYS': 'rm@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDr2',
      INPUT_TARGETS: 'github',
    };
    const node: number[] = [];
    const action: number[] = [];
    const root: number[] = [];
    // Interleaved, so that a slow moment of the machine hits all alike.
    for (let i = 0; i < runs; i++) {
      node.push(await timeToFirstLine(['-e', '0'], env, dir));
      action.push(await timeToFirstLine([path.join(distDir, 'index.js')], env, dir));
      // The root action's bundle to its first line (the error about its missing inputs): a calibration on
      // the same machine at the same moment.
      root.push(await timeToFirstLine([path.join(repoRoot, 'dist/index.js')], env, dir));
    }
    const n = summarize(node);
    const a = summarize(action);
    const r = summarize(root);
    let bytes = 0;
    for (const file of await readdir(distDir)) bytes += (await stat(path.join(distDir, file))).size;
    const index = (await stat(path.join(distDir, 'index.js'))).size;
    console.log(
      `release action cold start to the first log line (dry run, ${runs} runs, ${process.version})`,
    );
    console.log(`  node -e 0            p50 ${ms(n.p50)}  p99 ${ms(n.p99)}`);
    console.log(
      `  node dist/index.js   p50 ${ms(a.p50)}  p99 ${ms(a.p99)}  (${(a.p50 / n.p50).toFixed(1)}× node -e 0; goal < 150 ms)`,
    );
    console.log(
      `  root dist/index.js   p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (the submit-job action, for comparison)`,
    );
    console.log(
      `release action bundle: dist/ ${(bytes / 1024 / 1024).toFixed(2)} MiB, index.js ${(index / 1024).toFixed(0)} KiB (goal < 2 MB)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
