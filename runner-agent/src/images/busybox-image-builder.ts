import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { VmExecutor } from '../executors/vm-executor.ts';
import { sha256File } from '../../../core/files.ts';
import { debianKernel, defaultCacheDir, moduleLoadOrder } from '../vm/debian-kernel.ts';
import type { BuiltImage, ImageBuilder, ImageBuildIO } from './image-builder.ts';

const run = promisify(execFile);

/** The drivers the guest needs that Debian's kernel builds as modules: disk, filesystem, shares, ports. */
const GUEST_MODULES = [
  'virtio_pci',
  'virtio_blk',
  'virtio_console',
  'crc32c_generic',
  'ext4',
  '9pnet_virtio',
  '9p',
  'virtio_net',
];

const GUEST_DIR = path.join(import.meta.dirname, '..', 'vm', 'guest');

/**
 * What goes into an image besides the packages: the guest scripts and the module list. A cached image built
 * from another recipe is stale.
 */
export async function imageRecipeFingerprint(): Promise<string> {
  const hash = createHash('sha256').update(GUEST_MODULES.join(','));
  for (const file of ['initrd-init.sh', 'guest-agent.sh'])
    hash.update('\0').update(await readFile(path.join(GUEST_DIR, file)));
  return hash.digest('hex').slice(0, 16);
}

export interface BusyboxImageBuilderOptions {
  /** Kernel packages are downloaded into this once. Default ~/.cache/ironbots. */
  cacheDir?: string;
  /** Pin the kernel package (e.g. `linux-image-6.1.0-56-amd64`); default: what linux-image-amd64 depends on. */
  kernelPackage?: string;
  busybox?: string;
  /** Size of the root filesystem (sparse; jobs write into it through their overlay). Default 256 MiB. */
  rootfsMegabytes?: number;
  /** State directory for the boot test's VM. Default: under the cache directory. */
  bootTestStateDir?: string;
}

/**
 * Builds a bootable test image from this machine's own packages: Debian's kernel and a static busybox.
 * The result is one qcow2, `<name>-<sha256>.qcow2`, whose ext2 root filesystem holds busybox, the guest agent
 * (/sbin/ironbots-guest) and /boot/vmlinuz + /boot/initrd, so the VM executor needs nothing else to boot it.
 * The initramfs loads the virtio, ext4 and 9p modules and switches to the root filesystem.
 */
export class BusyboxImageBuilder implements ImageBuilder {
  readonly #o: BusyboxImageBuilderOptions;
  readonly #cacheDir: string;

  constructor(options: BusyboxImageBuilderOptions = {}) {
    this.#o = options;
    this.#cacheDir = options.cacheDir ?? defaultCacheDir();
  }

  async build(name: string, outDir: string, io: ImageBuildIO): Promise<BuiltImage> {
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name))
      throw new Error(`image name "${name}": use lower-case letters, digits, '.', '_' and '-'`);
    const busybox = this.#o.busybox ?? '/usr/bin/busybox';
    await mkdir(outDir, { recursive: true });
    const kernel = await debianKernel({
      cacheDir: this.#cacheDir,
      log: io.log,
      ...(this.#o.kernelPackage ? { packageName: this.#o.kernelPackage } : {}),
    });
    const work = await mkdtemp(path.join(outDir, `.build-${name}-`));
    try {
      const checkAbort = () => io.signal?.throwIfAborted();
      io.log(`building ${name}: kernel ${kernel.release}, busybox ${busybox}`);
      const rootfs = path.join(work, 'rootfs');
      for (const dir of ['bin', 'sbin', 'boot', 'etc', 'proc', 'sys', 'dev', 'run', 'root', 'tmp'])
        await mkdir(path.join(rootfs, dir), { recursive: true });
      await chmod(path.join(rootfs, 'tmp'), 0o1777);
      await copyFile(busybox, path.join(rootfs, 'bin', 'busybox'));
      const { stdout: applets } = await run(busybox, ['--list']);
      for (const applet of applets.split('\n').filter((a) => a && a !== 'busybox'))
        await symlink('busybox', path.join(rootfs, 'bin', applet));
      await copyFile(path.join(GUEST_DIR, 'guest-agent.sh'), path.join(rootfs, 'sbin', 'ironbots-guest'));
      await chmod(path.join(rootfs, 'sbin', 'ironbots-guest'), 0o755);
      await writeFile(path.join(rootfs, 'etc', 'ironbots-image'), `${name} ${kernel.release}\n`);
      await writeFile(path.join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      await writeFile(path.join(rootfs, 'etc', 'group'), 'root:x:0:\n');
      await copyFile(kernel.vmlinuz, path.join(rootfs, 'boot', 'vmlinuz'));
      await writeGuestInitrd({ modulesDir: kernel.modulesDir, busybox, work, io });
      await rename(path.join(work, 'initrd.gz'), path.join(rootfs, 'boot', 'initrd'));
      checkAbort();
      return await storeRootfsImage({
        name,
        rootfs,
        work,
        outDir,
        megabytes: this.#o.rootfsMegabytes ?? 256,
        fsType: 'ext2',
        io,
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  bootTest(image: BuiltImage, io: ImageBuildIO): Promise<void> {
    return bootTestImage(image, io, {
      stateRoot: this.#o.bootTestStateDir ?? path.join(this.#cacheDir, 'boot-test'),
    });
  }
}

/**
 * The initramfs every image boots with: busybox, the guest modules (dependencies first) and initrd-init.sh,
 * which mounts /dev/vda and switches to the image's init. Written to `<work>/initrd.gz`.
 */
export async function writeGuestInitrd(options: {
  modulesDir: string;
  busybox: string;
  work: string;
  io: ImageBuildIO;
}): Promise<void> {
  const modules = await moduleLoadOrder(options.modulesDir, GUEST_MODULES);
  options.io.log(`initramfs with modules ${modules.map((m) => m.name).join(' ')}`);
  const initrdTree = path.join(options.work, 'initrd');
  await mkdir(path.join(initrdTree, 'bin'), { recursive: true });
  await mkdir(path.join(initrdTree, 'modules'));
  await copyFile(options.busybox, path.join(initrdTree, 'bin', 'busybox'));
  await copyFile(path.join(GUEST_DIR, 'initrd-init.sh'), path.join(initrdTree, 'init'));
  await chmod(path.join(initrdTree, 'init'), 0o755);
  for (const module of modules)
    await copyFile(module.file, path.join(initrdTree, 'modules', `${module.name}.ko`));
  await writeFile(
    path.join(initrdTree, 'modules', 'modules.order'),
    modules.map((m) => `${m.name}\n`).join(''),
  );
  await writeCpioGzip(initrdTree, path.join(options.work, 'initrd.gz'));
  await rm(initrdTree, { recursive: true });
}

/**
 * Makes the root filesystem tree into `<outDir>/<name>-<sha256>.qcow2`: a sparse ext2/ext4 filesystem of
 * `megabytes`, converted to qcow2 in `work` and renamed into place only when complete.
 */
export async function storeRootfsImage(options: {
  name: string;
  rootfs: string;
  work: string;
  outDir: string;
  megabytes: number;
  fsType: 'ext2' | 'ext4';
  io: ImageBuildIO;
}): Promise<BuiltImage> {
  const { name, io } = options;
  io.log(`making a ${options.megabytes} MiB ${options.fsType} root filesystem`);
  const raw = path.join(options.work, 'rootfs.raw');
  await run('mke2fs', [
    '-q',
    '-F',
    '-t',
    options.fsType,
    '-L',
    name.slice(0, 16),
    '-E',
    'root_owner=0:0',
    '-d',
    options.rootfs,
    raw,
    `${options.megabytes}M`,
  ]).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `mke2fs failed: ${(error.stderr ?? error.message).trim().split('\n').slice(-3).join(' / ')}`,
    );
  });
  io.signal?.throwIfAborted();
  io.log('converting to qcow2');
  const qcow2 = path.join(options.work, 'image.qcow2');
  await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  await rm(raw);
  const sha256 = await sha256File(qcow2);
  const finalPath = path.join(options.outDir, `${name}-${sha256}.qcow2`);
  await rename(qcow2, finalPath);
  const { size } = await stat(finalPath);
  io.log(`built ${path.basename(finalPath)} (${(size / 1e6).toFixed(1)} MB)`);
  return { name, path: finalPath, sha256, bytes: size };
}

/**
 * Boots the image in a throw-away VM and checks that a job runs in it: the guest names its image (from
 * /etc/ironbots-image) and writes into the shared working directory. `extraCheck` runs more in the guest.
 */
export async function bootTestImage(
  image: BuiltImage,
  io: ImageBuildIO,
  options: { stateRoot: string; extraCheck?: { script: string; expect: (output: string) => string | null } },
): Promise<void> {
  const root = options.stateRoot;
  await mkdir(root, { recursive: true });
  const stateDir = await mkdtemp(path.join(root, 'vm-'));
  const workdir = path.join(stateDir, 'workdir');
  await mkdir(workdir);
  try {
    const executor = new VmExecutor({ stateDir: path.join(stateDir, 'state') });
    io.log(`boot-testing ${path.basename(image.path)} (${(await executor.accelerator()).describe})`);
    const chunks: Buffer[] = [];
    const result = await executor.run(
      {
        jobId: `boot-test-${image.name}`,
        argv: [
          'sh',
          '-c',
          `cat /etc/ironbots-image && echo written >boot-test.txt${options.extraCheck ? ` && ${options.extraCheck.script}` : ''}`,
        ],
        workdir,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' },
        timeoutMs: 120_000,
        image: image.path,
      },
      { onOutput: (chunk) => chunks.push(chunk), signal: io.signal ?? new AbortController().signal },
    );
    const output = Buffer.concat(chunks).toString('utf8').trim();
    if (result.outcome.kind !== 'exited' || result.outcome.exitCode !== 0)
      throw new Error(
        `boot test of ${image.name} failed: ${JSON.stringify(result.outcome)}; output: ${output || '(none)'}`,
      );
    if (!output.startsWith(`${image.name} `))
      throw new Error(`boot test of ${image.name}: the guest printed "${output}", not its image name`);
    const problem = options.extraCheck?.expect(output);
    if (problem) throw new Error(`boot test of ${image.name}: ${problem}; output: ${output}`);
    if ((await readFile(path.join(workdir, 'boot-test.txt'), 'utf8')) !== 'written\n')
      throw new Error(
        `boot test of ${image.name}: the guest could not write to the shared working directory`,
      );
    io.log(
      `boot test passed: the guest runs ${output.split('\n')[0]} (${(result.durationMs / 1000).toFixed(1)} s)`,
    );
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** A newc cpio archive of a directory tree, gzipped: what the kernel accepts as an initramfs. */
async function writeCpioGzip(tree: string, file: string): Promise<void> {
  const { stdout } = await run('find', ['.', '-mindepth', '1'], { cwd: tree });
  const cpio = spawn('cpio', ['--quiet', '-o', '-H', 'newc', '--owner', '0:0'], {
    cwd: tree,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  cpio.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    cpio.once('error', reject);
    cpio.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`cpio failed (${code}): ${stderr.trim()}`)),
    );
  });
  cpio.stdin.end(stdout);
  await Promise.all([pipeline(cpio.stdout, createGzip(), createWriteStream(file)), exited]);
}
