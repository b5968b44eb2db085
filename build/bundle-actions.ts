/**
 * `npm run build`: bundles every action with ncc into its committed dist/, and the CLI with rolldown into
 * cli/dist/ (bundle-cli.ts).
 * `node build/bundle-actions.ts --check`: builds into a temporary directory and fails when a committed dist/
 * differs, so a change to an action's sources cannot land without its bundle.
 * Either takes bundle names (`root`, `actions/release`) to work on only those.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleCli } from './bundle-cli.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '..');
const nccCli = path.join(repoRoot, 'node_modules/@vercel/ncc/dist/ncc/cli.js');

export interface Bundle {
  /** Shown in reports, e.g. "root" or "actions/release". */
  name: string;
  entry: string;
  outDir: string;
  /** ncc for the actions (the runner's ncc conventions); rolldown for the CLI (ESM chunks, top-level await). */
  bundler?: 'ncc' | 'rolldown';
}

export interface BuiltFile {
  /** Relative to the bundle's output directory. */
  file: string;
  bytes: number;
}

/** The root action (action.yml → dist/) and every actions/<name>/ that has an action.yml and a main.ts. */
export async function discoverBundles(root = repoRoot): Promise<Bundle[]> {
  const bundles: Bundle[] = [
    { name: 'root', entry: path.join(root, 'actions/submit-job/main.ts'), outDir: path.join(root, 'dist') },
  ];
  const actionsDir = path.join(root, 'actions');
  for (const name of (await readdir(actionsDir)).sort()) {
    const dir = path.join(actionsDir, name);
    if (existsSync(path.join(dir, 'action.yml')) && existsSync(path.join(dir, 'main.ts'))) {
      bundles.push({
        name: `actions/${name}`,
        entry: path.join(dir, 'main.ts'),
        outDir: path.join(dir, 'dist'),
      });
    }
  }
  bundles.push({
    name: 'cli',
    entry: path.join(root, 'cli/ironbots.ts'),
    outDir: path.join(root, 'cli/dist'),
    bundler: 'rolldown',
  });
  return bundles;
}

/**
 * ncc options, chosen by measurement (actions/submit-job, ncc 0.45, Node 24): --minify halves the bundle
 * (1.7 MB → 0.78 MB) and costs nothing at start-up (≈120 ms either way); both are byte-for-byte
 * reproducible, also from another checkout path. No source map: nothing reads it on a runner.
 * Licences are collected by `writeLicenses` from webpack's stats, not by ncc's --license: that one drops the
 * entry chunk's packages (@actions/core, pino…) as soon as an action lazy-loads a chunk.
 */
export const NCC_OPTIONS = ['--minify', '--no-source-map-register', '--quiet'];

interface StatsModule {
  name?: string;
  modules?: StatsModule[];
}

/** The folders of every npm package a bundle includes, from the module names in webpack's stats. */
export function bundledPackageDirs(modules: StatsModule[], root: string): string[] {
  const dirs = new Set<string>();
  const walk = (list: StatsModule[]) => {
    for (const m of list) {
      // `./node_modules/a/node_modules/@b/c/index.js + 3 modules`: the package is the innermost one.
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(m.name ?? '');
      if (match) dirs.add(path.resolve(root, match[1]!));
      if (m.modules) walk(m.modules);
    }
  };
  walk(modules);
  return [...dirs].sort();
}

/** licenses.txt in ncc's format (name, licence, text; a blank line between), one entry per package. */
export async function licensesText(packageDirs: string[]): Promise<string> {
  const entries = new Map<string, string>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      license?: string;
    };
    const name = manifest.name ?? path.basename(dir);
    if (entries.has(name)) continue;
    const licenceFile = (await readdir(dir)).sort().find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    const text = licenceFile ? (await readFile(path.join(dir, licenceFile), 'utf8')).trim() : '';
    entries.set(name, [name, manifest.license ?? 'UNKNOWN', text].filter(Boolean).join('\n'));
  }
  return `${[...entries.keys()]
    .sort()
    .map((name) => entries.get(name))
    .join('\n\n')}\n`;
}

/** Builds one bundle into outDir (default its own dist/), after deleting what was there. */
export async function buildBundle(bundle: Bundle, outDir = bundle.outDir): Promise<BuiltFile[]> {
  // A stale file from an earlier build must not survive into the bundle.
  await rm(outDir, { recursive: true, force: true });
  if (bundle.bundler === 'rolldown') {
    const modules = await bundleCli({ entry: bundle.entry, outDir, finalDir: bundle.outDir, cwd: repoRoot });
    await writeFile(
      path.join(outDir, 'licenses.txt'),
      await licensesText(
        bundledPackageDirs(
          modules.map((name) => ({ name })),
          repoRoot,
        ),
      ),
    );
    return builtFiles(outDir);
  }
  // ncc runs on this very Node (24), not on whatever `node` comes first on PATH (20 on this machine).
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ironbots-ncc-stats-'));
  try {
    const statsFile = path.join(scratch, 'stats.json');
    await run(
      process.execPath,
      [nccCli, 'build', bundle.entry, '-o', outDir, ...NCC_OPTIONS, '--stats-out', statsFile],
      { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 },
    );
    const stats = JSON.parse(await readFile(statsFile, 'utf8')) as { modules?: StatsModule[] };
    await writeFile(
      path.join(outDir, 'licenses.txt'),
      await licensesText(bundledPackageDirs(stats.modules ?? [], repoRoot)),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return builtFiles(outDir);
}

async function builtFiles(outDir: string): Promise<BuiltFile[]> {
  return Promise.all(
    (await filesUnder(outDir)).map(async (file) => ({
      file,
      bytes: (await stat(path.join(outDir, file))).size,
    })),
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Rebuilds each bundle aside and lists every committed file that differs, is missing or is extra. */
export async function staleBundles(bundles: Bundle[]): Promise<string[]> {
  const problems: string[] = [];
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ironbots-dist-check-'));
  try {
    for (const bundle of bundles) {
      const fresh = path.join(scratch, bundle.name.replace(/\//g, '_'));
      await buildBundle(bundle, fresh);
      const [want, have] = [await filesUnder(fresh), await filesUnder(bundle.outDir)];
      const label = path.relative(repoRoot, bundle.outDir);
      for (const file of want) {
        if (!have.includes(file)) problems.push(`${label}/${file} is missing`);
        else if (
          !(await readFile(path.join(fresh, file))).equals(await readFile(path.join(bundle.outDir, file)))
        ) {
          problems.push(`${label}/${file} is stale`);
        }
      }
      for (const file of have)
        if (!want.includes(file)) problems.push(`${label}/${file} is not produced by the build`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return problems;
}

if (import.meta.main) {
  // `npm run build -- actions/release` builds (or checks) only the named bundles.
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const all = await discoverBundles();
  const bundles = only.length ? all.filter((b) => only.includes(b.name)) : all;
  const unknown = only.filter((name) => !all.some((b) => b.name === name));
  if (unknown.length) {
    console.error(`no such bundle: ${unknown.join(', ')} (known: ${all.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  if (process.argv.includes('--check')) {
    const problems = await staleBundles(bundles);
    for (const p of problems) console.error(`stale: ${p}`);
    if (problems.length) {
      console.error('run `npm run build` and commit the dist/ folders');
      process.exit(1);
    }
    console.log(`${bundles.length} bundle(s) up to date`);
  } else {
    for (const bundle of bundles) {
      const label = path.relative(repoRoot, bundle.outDir);
      for (const { file, bytes } of await buildBundle(bundle)) {
        console.log(
          `${bundle.name.padEnd(20)} ${`${label}/${file}`.padEnd(36)} ${(bytes / 1024).toFixed(0).padStart(5)} KiB`,
        );
      }
    }
  }
}
