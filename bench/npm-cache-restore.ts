/**
 * npm-cache: restoring node_modules on a cache hit against `npm ci` with a warm npm cache, on the same real
 * package-lock.json (packages published to a local verdaccio, nothing from the internet); then the cold
 * start of the action's bundle and its size.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ZSTD_ARGS } from '../actions/npm-cache/archive.ts';
import { restore, save } from '../actions/npm-cache/npm-cache.ts';
import { DirectoryStore } from '../actions/npm-cache/stores/directory-store.ts';
import { startVerdaccio } from '../test/support/verdaccio.ts';
import { withTempDir } from '../test/support/temp-dir.ts';
import { ms, summarize } from './stats.ts';
import { textLog } from '../cli/text-log.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..');
const actionDir = path.join(repoRoot, 'actions/npm-cache');

/** Packages in the project's tree; each has a few files of ordinary size, like a small library. */
const PACKAGES = 60;
const FILES_PER_PACKAGE = 20;

export async function benchNpmCacheRestore(): Promise<void> {
  console.log('npm-cache: restore on a hit vs npm ci with a warm npm cache');
  const tmp = await withTempDir('ironbots-bench-npm-cache-');
  const registry = await startVerdaccio({ users: { bench: 'bench-password-1' } });
  try {
    const token = await registry.token('bench');
    const userconfig = path.join(tmp.dir, 'npmrc');
    await writeFile(
      userconfig,
      `registry=${registry.url}\n//${new URL(registry.url).host}/:_authToken=${token}\n`,
    );
    const env = {
      PATH: process.env.PATH,
      HOME: tmp.dir,
      npm_config_userconfig: userconfig,
      npm_config_cache: path.join(tmp.dir, 'npm-cache'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const npm = (cwd: string, args: string[]) => run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });

    // Each package depends on the previous one, so the tree has depth as well as breadth.
    const names = Array.from({ length: PACKAGES }, (_, i) => `bench-lib-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < names.length; i += 6) {
      await Promise.all(
        names.slice(i, i + 6).map(async (name, j) => {
          const dir = path.join(tmp.dir, 'packages', name);
          await mkdir(path.join(dir, 'lib'), { recursive: true });
          const dependencies = i + j > 0 ? { [names[i + j - 1]!]: '^1.0.0' } : {};
          await writeFile(
            path.join(dir, 'package.json'),
            JSON.stringify({ name, version: '1.0.0', license: 'MIT', dependencies }),
          );
          for (let f = 0; f < FILES_PER_PACKAGE; f++) {
            await writeFile(
              path.join(dir, 'lib', `part-${f}.js`),
              `module.exports = ${JSON.stringify('x'.repeat(4000 + f * 100))};\n`,
            );
          }
          await npm(dir, ['publish']);
        }),
      );
    }
    const project = path.join(tmp.dir, 'project');
    await mkdir(project);
    await writeFile(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'bench-project',
        version: '1.0.0',
        private: true,
        dependencies: Object.fromEntries(names.map((n) => [n, '^1.0.0'])),
      }),
    );
    await npm(project, ['install', '--package-lock-only']);
    await npm(project, ['ci']); // warms the npm cache

    await rm(path.join(project, 'node_modules'), { recursive: true });
    let t0 = performance.now();
    const npmCiCpu = await cpuSeconds(project, env, 'npm', ['ci']);
    const npmCi = performance.now() - t0;
    const installed = await readdir(path.join(project, 'node_modules'));

    const store = new DirectoryStore(path.join(tmp.dir, 'store'));
    const log = textLog((line) => {
      if (line.startsWith('warning: ')) console.log(`  ${line}`);
    });
    const saved = await save({ projectDir: project, store, log });

    await rm(path.join(project, 'node_modules'), { recursive: true });
    t0 = performance.now();
    const hit = await restore({ projectDir: project, store, log });
    const restoreCore = performance.now() - t0;
    if (!hit.hit || !hit.phasesMs) throw new Error(`expected a hit, got ${hit.outcome}`);
    const phases = hit.phasesMs;

    // As a workflow step: the bundle started by node, inputs in the environment.
    await rm(path.join(project, 'node_modules'), { recursive: true });
    const outputFile = path.join(tmp.dir, 'output');
    await writeFile(outputFile, '');
    t0 = performance.now();
    const restoreStepCpu = await cpuSeconds(
      project,
      {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: outputFile,
        INPUT_MODE: 'restore',
        'INPUT_CACHE-DIR': path.join(tmp.dir, 'store'),
      },
      process.execPath,
      [path.join(actionDir, 'dist/index.js')],
    );
    const restoreStep = performance.now() - t0;
    if ((await readdir(path.join(project, 'node_modules'))).length !== installed.length)
      throw new Error('the step restored a different tree');

    const archive = (await readdir(path.join(tmp.dir, 'store')))[0]!;
    const archiveBytes = (await stat(path.join(tmp.dir, 'store', archive))).size;
    console.log(
      `  lockfile: ${PACKAGES} packages × ${FILES_PER_PACKAGE} files; archive ${(archiveBytes / 1024).toFixed(0)} KiB, ${compression(saved.format)}`,
    );
    console.log(`  npm ci (warm npm cache)          ${ms(npmCi)}`);
    console.log(
      `  restore on hit (core, verified)  ${ms(restoreCore)}   ${(npmCi / restoreCore).toFixed(1)}× faster`,
    );
    console.log(
      `    of which fetch ${ms(phases.fetch)}, unpack (tar, ${hit.format}) ${ms(phases.unpack)}, verify ${ms(phases.verify)}`,
    );
    console.log(
      `  restore step (node dist/index.js) ${ms(restoreStep)}   ${(npmCi / restoreStep).toFixed(1)}× faster (goal ≥ 5×)`,
    );
    // Wall time swings with whatever else the machine runs; CPU time much less.
    console.log(
      `  CPU time (user+sys): npm ci ${ms(npmCiCpu * 1000)}, restore step ${ms(restoreStepCpu * 1000)}   ${(npmCiCpu / restoreStepCpu).toFixed(1)}× less`,
    );

    // Cold start: process start to the first line the action logs.
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) samples.push(await timeToFirstLine(project, path.join(tmp.dir, 'store')));
    const { p50 } = summarize(samples);
    const started = await timeNodeNoop();
    console.log(
      `  cold start to first log line     p50 ${ms(p50)} (node -e 0: ${ms(started)}; goal < 150 ms)`,
    );
    for (const file of (await readdir(path.join(actionDir, 'dist'))).sort()) {
      const bytes = (await stat(path.join(actionDir, 'dist', file))).size;
      console.log(
        `  bundle actions/npm-cache/dist/${file.padEnd(14)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB`,
      );
    }
  } finally {
    await registry.stop();
    await tmp.remove();
  }
}

/** How the archive was compressed, as the log should say it. */
function compression(format: 'zstd' | 'gzip' | undefined): string {
  if (format === 'zstd') return `tar + zstd ${ZSTD_ARGS.join(' ')}`;
  if (format === 'gzip') return 'tar + gzip (no zstd on this machine)';
  return 'compression unknown';
}

function timeToFirstLine(cwd: string, cacheDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(actionDir, 'dist/index.js')], {
      cwd,
      // A mode that logs its first line and then has nothing to restore from: an empty cache directory.
      env: {
        PATH: process.env.PATH,
        INPUT_MODE: 'restore',
        'INPUT_CACHE-DIR': `${cacheDir}-empty`,
        'INPUT_KEY-PREFIX': 'cold',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let at: number | undefined;
    child.stdout.once('data', () => (at = performance.now() - t0));
    child.once('error', reject);
    child.once('close', () =>
      at === undefined ? reject(new Error('the action printed nothing')) : resolve(at),
    );
  });
}

/**
 * Runs a command and returns the CPU seconds (user + system) it and its children used, as GNU time reports
 * them (no shell in between: a POSIX shell drops INPUT_CACHE-DIR, a name with a hyphen, from the environment).
 */
async function cpuSeconds(
  cwd: string,
  env: NodeJS.ProcessEnv,
  command: string,
  args: string[],
): Promise<number> {
  const report = path.join(cwd, '..', `cpu-${process.pid}-${Date.now()}`);
  await run('/usr/bin/time', ['-q', '-f', '%U %S', '-o', report, command, ...args], {
    cwd,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [user, system] = (await readFile(report, 'utf8')).trim().split(/\s+/).map(Number);
  await rm(report);
  return user! + system!;
}

async function timeNodeNoop(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await run(process.execPath, ['-e', '0']);
    samples.push(performance.now() - t0);
  }
  return summarize(samples).p50;
}

if (import.meta.main) await benchNpmCacheRestore();
