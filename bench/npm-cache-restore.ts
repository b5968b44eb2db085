/**
 * npm-cache: restoring node_modules on a cache hit against `npm ci` with a warm npm cache, on a real
 * project's lockfile: webpack 5.97.1's own dependencies and devDependencies (bench/fixtures/webpack-5.97.1:
 * package.json from `npm view webpack@5.97.1`, package-lock.json made once with `npm install
 * --package-lock-only`, 1,103 packages). Measured on two file systems, each in the same run beside its own
 * npm ci: the temporary directory's (here the root file system, ext4 without a journal) and a journaled
 * ext4 on a loop device, as most runners' disks are. Everything of a round (npm cache, store, project, the
 * runner's temp directory) lives on the file system measured.
 *
 * Each figure is the time until `require()` of packages from the tree works: npm ci, or a restore (the
 * entry on local disk: fetch, unpack or mount, verify against the lockfile) followed by the same require.
 * Needs root (mounts); the npm registry once, to fill a download cache kept between runs.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ZSTD_ARGS } from '../actions/npm-cache/archive.ts';
import { restore, save, type NpmCacheContext, type RestoreResult } from '../actions/npm-cache/npm-cache.ts';
import { MKSQUASHFS_ARGS, unmountTree } from '../actions/npm-cache/squashfs-image.ts';
import { DirectoryStore } from '../actions/npm-cache/stores/directory-store.ts';
import { textLog } from '../cli/text-log.ts';
import { ms, summarize } from './stats.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..');
const actionDir = path.join(repoRoot, 'actions/npm-cache');
const FIXTURE = path.join(import.meta.dirname, 'fixtures/webpack-5.97.1');
/** Filled from the registry on the first run, then only copied: the warm npm cache each file system starts with. */
const DOWNLOADS = path.join(os.tmpdir(), 'ironbots-bench-npm-cache-webpack-5.97.1');
const ROUNDS = Number(process.env.IRONBOTS_BENCH_ROUNDS ?? 3);
const GOAL = 5;
/** What "the tree works" means: packages from several parts of the tree load. */
const REQUIRE_CHECK =
  "require('@babel/core'); require('eslint'); require('less'); require('typescript'); require('terser');";

interface Figures {
  npmCi: number[];
  archive: number[];
  mounted: number[];
  unpacked: number[];
  archiveBytes?: number;
  imageBytes?: number;
  restorePhases: Partial<Record<'archive' | 'mounted' | 'unpacked', RestoreResult['phasesMs']>>;
  unmountMs: number[];
}

export async function benchNpmCacheRestore(): Promise<void> {
  console.log(
    `npm-cache: restore on a hit vs npm ci with a warm npm cache — webpack 5.97.1's lockfile (${await lockedPackages()} packages), median of ${ROUNDS} rounds`,
  );
  if (process.getuid?.() !== 0) {
    console.log('  skipped: needs root (squashfs, overlay and loop mounts)');
    return;
  }
  await fillDownloads();
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-npm-cache-'));
  try {
    const onRoot = path.join(scratch, 'root-fs');
    await mkdir(onRoot);
    const rootFs = await describeFilesystem(onRoot);
    report(`${os.tmpdir()} (${rootFs})`, await measure(onRoot));

    const image = path.join(scratch, 'ext4.img');
    const mountPoint = path.join(scratch, 'ext4');
    await mkdir(mountPoint);
    await run('truncate', ['-s', '4G', image]);
    await run('mkfs.ext4', ['-q', image]);
    await run('mount', ['-o', 'loop', image, mountPoint]);
    try {
      report(`a 4 GiB loop image (${await describeFilesystem(mountPoint)})`, await measure(mountPoint));
    } finally {
      await takeDownMountsUnder(mountPoint);
      await run('umount', [mountPoint]);
    }
  } finally {
    await takeDownMountsUnder(scratch);
    await rm(scratch, { recursive: true, force: true });
  }
  console.log(
    `  archive: tar + zstd ${ZSTD_ARGS.join(' ')}; image: mksquashfs ${MKSQUASHFS_ARGS.slice(0, 4).join(' ')}; the entry is read from local disk, mostly from the page cache`,
  );
  console.log(
    '  npm ci: --prefer-offline --ignore-scripts (no install scripts run, which favours npm ci), legacy-peer-deps as webpack (a yarn project) needs',
  );
  await coldStart();
}

/** One file system: a warm npm cache copied in, then ROUNDS rounds of each way to get a working tree. */
async function measure(base: string): Promise<Figures> {
  const cache = path.join(base, 'npm-cache');
  const project = path.join(base, 'project');
  const storeDir = path.join(base, 'store');
  const tempDir = path.join(base, 'runner-temp');
  await cp(DOWNLOADS, cache, { recursive: true });
  await mkdir(project);
  for (const file of ['package.json', 'package-lock.json', '.npmrc'])
    await cp(path.join(FIXTURE, file), path.join(project, file));
  const npmCi = () =>
    run('npm', ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
      env: npmEnv(cache),
      maxBuffer: 64 * 1024 * 1024,
    });
  const requireWorks = () => run(process.execPath, ['-e', REQUIRE_CHECK], { cwd: project });
  const log = textLog((line) => {
    if (line.startsWith('warning: ')) console.log(`    ${line}`);
  });
  const store = new DirectoryStore(storeDir);
  const context: NpmCacheContext = { projectDir: project, store, log };
  const removeTree = async () => {
    const target = path.join(project, 'node_modules');
    if (existsSync(target)) await rm(target, { recursive: true });
  };

  // Untimed: the first npm ci on this file system (anything missing from the download cache comes now).
  await npmCi();
  await requireWorks();
  const archive = await save(context);
  const image = await save({ ...context, mount: { tempDir } });
  if (!archive.saved || !image.saved) throw new Error('could not save the entries');

  const figures: Figures = {
    npmCi: [],
    archive: [],
    mounted: [],
    unpacked: [],
    restorePhases: {},
    unmountMs: [],
    ...(archive.archiveBytes ? { archiveBytes: archive.archiveBytes } : {}),
    ...(image.archiveBytes ? { imageBytes: image.archiveBytes } : {}),
  };
  const timedRestore = async (how: 'archive' | 'mounted' | 'unpacked') => {
    await removeTree();
    await run('sync');
    const started = performance.now();
    const result = await restore(
      how === 'archive'
        ? context
        : { ...context, mount: { tempDir, ...(how === 'unpacked' ? { unpackOnly: true } : {}) } },
    );
    if (!result.hit) throw new Error(`${how}: expected a hit, got ${result.outcome}`);
    if (how === 'mounted' && !result.mounted) throw new Error('mounted: the image was not mounted');
    await requireWorks();
    figures[how].push(performance.now() - started);
    figures.restorePhases[how] = result.phasesMs;
    await result.oldTreeRemoved;
    if (result.mounted) {
      const t0 = performance.now();
      const problems = await unmountTree(result.mounted);
      if (problems.length) throw new Error(problems.join('; '));
      figures.unmountMs.push(performance.now() - t0);
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    await removeTree();
    await run('sync');
    const started = performance.now();
    await npmCi();
    await requireWorks();
    figures.npmCi.push(performance.now() - started);
    await timedRestore('archive');
    await timedRestore('mounted');
    await timedRestore('unpacked');
  }
  await removeTree();
  return figures;
}

function report(where: string, f: Figures): void {
  const median = (samples: number[]) => summarize(samples).p50;
  const seconds = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : ms(value));
  const each = (samples: number[]) => samples.map(seconds).join(', ');
  const baseline = median(f.npmCi);
  console.log(`  on ${where}:`);
  console.log(
    `    npm ci (warm npm cache) + require          ${seconds(baseline).padStart(9)}   (${each(f.npmCi)})`,
  );
  const rows: Array<[string, keyof Figures['restorePhases'], number[]]> = [
    [`tar + zstd archive (${mib(f.archiveBytes)}), unpacked`, 'archive', f.archive],
    [`squashfs image (${mib(f.imageBytes)}), mounted`, 'mounted', f.mounted],
    [`squashfs image, unpacked (no root)`, 'unpacked', f.unpacked],
  ];
  for (const [label, key, samples] of rows) {
    const value = median(samples);
    const ratio = baseline / value;
    const phases = f.restorePhases[key];
    console.log(
      `    restore: ${label.padEnd(40)} ${seconds(value).padStart(9)}   ${ratio.toFixed(1)}× faster than npm ci (goal ≥ ${GOAL}×: ${ratio >= GOAL ? 'met' : 'missed'})   (${each(samples)})`,
    );
    if (phases)
      console.log(
        `      last round: fetch ${seconds(phases.fetch)}, ${key === 'mounted' ? 'check + mount' : 'unpack'} ${seconds(phases.unpack)}, verify ${seconds(phases.verify)}`,
      );
  }
  console.log(`    unmount (post step), median                ${seconds(median(f.unmountMs)).padStart(9)}`);
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

async function lockedPackages(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const lockfile = JSON.parse(await readFile(path.join(FIXTURE, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lockfile.packages).filter((k) => k.startsWith('node_modules/')).length;
}

function npmEnv(cache: string): NodeJS.ProcessEnv {
  // The machine's own npm settings and CA certificates, this cache.
  return {
    ...process.env,
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
}

/** The first run fills the download cache from the registry; later runs find it. */
async function fillDownloads(): Promise<void> {
  if (existsSync(path.join(DOWNLOADS, '.complete'))) return;
  console.log(`  filling the download cache ${DOWNLOADS} from the npm registry (first run only)…`);
  const project = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-npm-fill-'));
  try {
    for (const file of ['package.json', 'package-lock.json', '.npmrc'])
      await cp(path.join(FIXTURE, file), path.join(project, file));
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: project,
      env: npmEnv(DOWNLOADS),
      maxBuffer: 64 * 1024 * 1024,
    });
    await run('touch', [path.join(DOWNLOADS, '.complete')]);
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}

async function describeFilesystem(dir: string): Promise<string> {
  const { stdout } = await run('findmnt', ['-n', '-o', 'SOURCE,FSTYPE', '-T', dir]);
  const [source, type] = stdout.trim().split(/\s+/);
  if (type !== 'ext4' || !source) return type ?? 'unknown';
  // The kernel lists each ext4 journal as /proc/fs/jbd2/<device>-<inode>.
  const journals = await readdir('/proc/fs/jbd2').catch(() => [] as string[]);
  const device = path.basename(source);
  return journals.some((name) => name.startsWith(`${device}-`))
    ? 'ext4 with a journal'
    : 'ext4 without a journal';
}

/** Unmounts whatever is still mounted under dir (after a failed round), deepest first. */
async function takeDownMountsUnder(dir: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((at): at is string => Boolean(at) && (at!.startsWith(`${dir}/`) || at === dir))
    .sort((a, b) => b.length - a.length);
  for (const at of mounts) if (at !== dir) await run('umount', ['--lazy', at]).catch(() => undefined);
}

/** The action's cold start (process start to its first log line) and its bundle's size. */
async function coldStart(): Promise<void> {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-npm-cold-'));
  try {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) samples.push(await timeToFirstLine(empty));
    const noop: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await run(process.execPath, ['-e', '0']);
      noop.push(performance.now() - t0);
    }
    console.log(
      `  cold start to first log line     p50 ${ms(summarize(samples).p50)} (node -e 0: ${ms(summarize(noop).p50)}; goal < 150 ms)`,
    );
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
  for (const file of (await readdir(path.join(actionDir, 'dist'))).sort()) {
    const bytes = (await stat(path.join(actionDir, 'dist', file))).size;
    console.log(
      `  bundle actions/npm-cache/dist/${file.padEnd(14)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB`,
    );
  }
}

function timeToFirstLine(cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(actionDir, 'dist/index.js')], {
      cwd,
      // A mode that logs its first line and then has nothing to restore from: an empty cache directory.
      env: {
        PATH: process.env.PATH,
        INPUT_MODE: 'restore',
        'INPUT_CACHE-DIR': path.join(cwd, 'empty-cache'),
        'INPUT_KEY-PREFIX': 'cold',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let at: number | undefined;
    child.stdout.once('data', () => (at = performance.now() - t0));
    child.once('error', reject);
    child.once('close', () =>
      at === undefined ? reject(new Error('the action printed nothing')) : resolve(at),
    );
  });
}

if (import.meta.main) await benchNpmCacheRestore();
