import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Where ironbots caches what it downloads or builds once (kernel packages, images): $IRONBOTS_CACHE_DIR,
 * else ~/.cache/ironbots.
 */
export function defaultCacheDir(): string {
  if (process.env.IRONBOTS_CACHE_DIR) return process.env.IRONBOTS_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ironbots');
}

export interface DebianKernel {
  /** e.g. `6.1.0-56-amd64`. */
  release: string;
  vmlinuz: string;
  /** `lib/modules/<release>` of the unpacked package. */
  modulesDir: string;
}

/**
 * Debian's kernel, from the package this machine's apt can reach (`linux-image-<release>`, the one
 * `linux-image-amd64` depends on unless pinned). Downloaded and unpacked once into the cache directory.
 */
export async function debianKernel(options: {
  cacheDir: string;
  /** Pin a package, e.g. `linux-image-6.1.0-56-amd64`; default: what `linux-image-amd64` depends on. */
  packageName?: string;
  log(line: string): void;
}): Promise<DebianKernel> {
  const kernelsDir = path.join(options.cacheDir, 'kernels');
  await mkdir(kernelsDir, { recursive: true });
  const packageName = options.packageName ?? (await currentKernelPackage(kernelsDir));
  const unpacked = path.join(kernelsDir, packageName);
  if (!existsSync(path.join(unpacked, '.complete'))) {
    const work = await mkdtemp(path.join(kernelsDir, '.download-'));
    try {
      options.log(`downloading ${packageName} with apt-get (once; cached in ${kernelsDir})`);
      await streamCommand('apt-get', ['download', packageName], work, options.log);
      const deb = (await readdir(work)).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${packageName} produced no .deb`);
      options.log(`unpacking ${deb}`);
      const tree = path.join(work, 'tree');
      await run('dpkg-deb', ['-x', path.join(work, deb), tree]);
      await run('touch', [path.join(tree, '.complete')]);
      await rm(unpacked, { recursive: true, force: true });
      await rename(tree, unpacked);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const release = packageName.replace(/^linux-image-/, '');
  const vmlinuz = path.join(unpacked, 'boot', `vmlinuz-${release}`);
  const modulesDir = path.join(unpacked, 'lib', 'modules', release);
  if (!existsSync(vmlinuz) || !existsSync(modulesDir))
    throw new Error(`${packageName} has no boot/vmlinuz-${release} or lib/modules/${release}`);
  return { release, vmlinuz, modulesDir };
}

/** The kernel package `linux-image-amd64` depends on; offline, the newest one already in the cache. */
async function currentKernelPackage(kernelsDir: string): Promise<string> {
  try {
    const { stdout } = await run('apt-cache', ['depends', 'linux-image-amd64']);
    const match = /Depends: (linux-image-[0-9][^\s]*-amd64)\b/.exec(stdout);
    if (match) return match[1]!;
  } catch {
    // fall through to the cache
  }
  const cached = (await readdir(kernelsDir).catch(() => [] as string[]))
    .filter((d) => d.startsWith('linux-image-') && existsSync(path.join(kernelsDir, d, '.complete')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (cached.length) return cached.at(-1)!;
  throw new Error(
    'cannot find a Debian kernel package: `apt-cache depends linux-image-amd64` names none (run apt-get update)',
  );
}

/**
 * The modules to insmod, dependencies first, for the named ones: each module's `depends=` comes from its
 * .modinfo section, since the package ships no modules.dep (depmod runs at install time).
 */
export async function moduleLoadOrder(
  modulesDir: string,
  wanted: readonly string[],
): Promise<Array<{ name: string; file: string }>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(path.join(modulesDir, 'kernel'), { recursive: true })) {
    const match = /([^/]+)\.ko$/.exec(entry);
    if (match) files.set(normalise(match[1]!), path.join(modulesDir, 'kernel', entry));
  }
  const builtin = new Set(
    (await readFile(path.join(modulesDir, 'modules.builtin'), 'utf8').catch(() => ''))
      .split('\n')
      .map((line) => /([^/]+)\.ko$/.exec(line)?.[1])
      .filter((m): m is string => !!m)
      .map(normalise),
  );
  const order: Array<{ name: string; file: string }> = [];
  const visiting = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    const key = normalise(name);
    if (order.some((m) => m.name === key) || builtin.has(key)) return;
    if (visiting.has(key)) throw new Error(`module dependency cycle at ${key}`);
    const file = files.get(key);
    if (!file) throw new Error(`kernel module ${name} is neither built in nor in ${modulesDir}`);
    visiting.add(key);
    for (const dependency of await moduleDepends(file)) await visit(dependency);
    visiting.delete(key);
    order.push({ name: key, file });
  };
  for (const name of wanted) await visit(name);
  return order;
}

async function moduleDepends(file: string): Promise<string[]> {
  const bytes = await readFile(file);
  const at = bytes.indexOf('\0depends=');
  if (at < 0) return [];
  const start = at + '\0depends='.length;
  const value = bytes.subarray(start, bytes.indexOf(0, start)).toString('latin1');
  return value.split(',').filter(Boolean);
}

/** Module names treat - and _ alike. */
function normalise(name: string): string {
  return name.replaceAll('-', '_');
}

/** Runs a command, passing each output line on (apt's progress), and fails with its last lines. */
function streamCommand(command: string, args: string[], cwd: string, log: (line: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (data: Buffer) => {
      for (const line of data
        .toString('utf8')
        .split(/[\r\n]+/)
        .filter(Boolean)) {
        tail.push(line);
        if (tail.length > 5) tail.shift();
        // apt warns that it downloads unsandboxed as root: true and harmless here.
        if (!line.includes('unsandboxed')) log(`  ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${tail.join(' / ')}`)),
    );
  });
}
