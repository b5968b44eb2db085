import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { debianKernel, defaultCacheDir, type DebianKernel } from '../vm/debian-kernel.ts';
import {
  bootTestImage,
  imageRecipeFingerprint,
  storeRootfsImage,
  writeGuestInitrd,
} from './busybox-image-builder.ts';
import type { BuiltImage, ImageBuilder, ImageBuildIO } from './image-builder.ts';
import { cachedBaseImage, cachedRecipeDownload, unpackBaseImage } from './base-image.ts';
import { ImageRecipeError, type ImageRecipe } from './image-recipe.ts';
import { ImageChecksumError, ImageNotFoundError } from './image-store.ts';

const GUEST_DIR = path.join(import.meta.dirname, '..', 'vm', 'guest');

/** What every recipe-built image has, whatever its recipe lists: an init, modprobe, `ip` for the network. */
const REQUIRED_PACKAGES = ['systemd', 'systemd-sysv', 'kmod', 'iproute2'];

/**
 * Kernel module directories a VM never needs (hardware it does not have): left out to keep the image small.
 * Everything else of the kernel package goes in, so that podman's netfilter, overlay and the like load.
 */
const UNNEEDED_MODULE_DIRS = [
  'sound',
  'drivers/gpu',
  'drivers/media',
  'drivers/infiniband',
  'drivers/net/wireless',
  'drivers/net/ethernet',
  'drivers/staging',
  'drivers/iio',
  'drivers/hwmon',
  'drivers/usb',
  'drivers/scsi',
  'drivers/hid',
  'drivers/bluetooth',
  'drivers/isdn',
  'drivers/input',
  'drivers/mtd',
  'drivers/platform',
  'drivers/net/wwan',
  'drivers/net/can',
  'drivers/net/usb',
  'net/wireless',
  'net/mac80211',
  'net/bluetooth',
];

export interface RecipeImageBuilderOptions {
  recipe: ImageRecipe;
  /** Kernel packages are downloaded into this once. Default ~/.cache/ironbots. */
  cacheDir?: string;
  busybox?: string;
  /** Default: the first Debian mirror of this machine's apt sources. */
  defaultMirror?: () => Promise<string>;
}

/**
 * Builds an image from a recipe (image-recipe.ts): mmdebstrap of the Debian suite with the recipe's packages
 * (no recommends, no documentation, man pages or translations), its files, the guest agent as a systemd
 * service, the kernel's modules, then the recipe's commands inside the image; then the same initramfs and
 * content-addressed qcow2 as the busybox image. Everything happens in a work directory next to the result:
 * a failed build leaves nothing behind.
 */
export class RecipeImageBuilder implements ImageBuilder {
  readonly #o: RecipeImageBuilderOptions;
  readonly #cacheDir: string;

  constructor(options: RecipeImageBuilderOptions) {
    this.#o = options;
    this.#cacheDir = options.cacheDir ?? defaultCacheDir();
  }

  /** The recipe's hash together with the guest agent's: what a cached build of this recipe is keyed by. */
  async buildKey(): Promise<string> {
    return createHash('sha256')
      .update(
        `${this.#o.recipe.hash}\0${await imageRecipeFingerprint()}\0${await readFile(path.join(GUEST_DIR, 'ironbots-guest.service'), 'utf8')}`,
      )
      .digest('hex')
      .slice(0, 16);
  }

  async build(name: string, outDir: string, io: ImageBuildIO): Promise<BuiltImage> {
    const { recipe } = this.#o;
    if (name !== recipe.name)
      throw new Error(`recipe ${recipe.file} builds image "${recipe.name}", not "${name}"`);
    const { spec } = recipe;
    // A base image is fetched and verified first: a wrong URL or sha256 fails before anything else is done.
    const baseFile = spec.base.image ? await this.#downloadBase(spec.base.image, io) : undefined;
    // So are the recipe's downloads, before anything is built.
    const downloaded = await this.#downloads(io);
    const kernel = await debianKernel({
      cacheDir: this.#cacheDir,
      log: io.log,
      ...(spec.kernel !== 'debian' ? { packageName: spec.kernel.package } : {}),
    });
    await mkdir(outDir, { recursive: true });
    const work = await mkdtemp(path.join(outDir, `.build-${name}-`));
    try {
      // What goes into the image besides packages, laid out as in the image, then copied in by a hook.
      const overlay = path.join(work, 'overlay');
      await this.#prepareOverlay(overlay, kernel, name, downloaded);
      const commandsDir = path.join(work, 'commands');
      await mkdir(commandsDir);
      // Run with the root filesystem as $1, after the packages are in.
      const hooks: string[] = [
        // /lib and /sbin are symlinks into /usr (merged /usr) and must stay so; the image's directories keep
        // their owners and modes.
        `tar -C ${shellQuote(overlay)} -c . | tar -C "$1" -x --keep-directory-symlink --no-overwrite-dir --no-same-owner`,
        `chroot "$1" depmod -a ${shellQuote(kernel.release)}`,
        'chroot "$1" systemctl enable ironbots-guest.service',
        // Units a throw-away VM has no use for: they only slow its boot.
        'chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer systemd-timesyncd.service getty-static.service getty@tty1.service serial-getty@ttyS0.service 2>/dev/null || true',
        // A cloud image's cloud-init would wait for a metadata service no job VM has.
        'if [ -d "$1/etc/cloud" ]; then touch "$1/etc/cloud/cloud-init.disabled"; fi',
      ];
      for (const [index, command] of spec.commands.entries()) {
        const file = path.join(commandsDir, `${index}.sh`);
        await writeFile(file, command);
        hooks.push(
          `echo ${shellQuote(`${COMMAND_MARK}${index}`)} && chroot "$1" /bin/sh -ec "$(cat ${shellQuote(file)})"`,
        );
      }
      const rootfs = path.join(work, 'rootfs');
      const packages = [...new Set([...REQUIRED_PACKAGES, ...spec.packages])];
      if (spec.base.debian) await this.#bootstrap(spec.base.debian, packages, hooks, rootfs, kernel, io);
      else if (spec.base.image && baseFile)
        await this.#fromImage(spec.base.image, baseFile, packages, hooks, rootfs, work, io);
      io.signal?.throwIfAborted();
      // Our own initramfs and the kernel at the paths the VM executor extracts them from.
      await writeGuestInitrd({
        modulesDir: kernel.modulesDir,
        busybox: this.#o.busybox ?? '/usr/bin/busybox',
        work,
        io,
      });
      await mkdir(path.join(rootfs, 'boot'), { recursive: true });
      await cp(kernel.vmlinuz, path.join(rootfs, 'boot', 'vmlinuz'));
      await cp(path.join(work, 'initrd.gz'), path.join(rootfs, 'boot', 'initrd'));
      return await storeRootfsImage({
        name,
        rootfs,
        work,
        outDir,
        megabytes: spec['disk-megabytes'],
        fsType: 'ext4',
        io,
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** The root filesystem by mmdebstrap of a Debian suite, the packages included and the hooks run by it. */
  async #bootstrap(
    base: NonNullable<ImageRecipe['spec']['base']['debian']>,
    packages: string[],
    hooks: string[],
    rootfs: string,
    kernel: DebianKernel,
    io: ImageBuildIO,
  ): Promise<void> {
    const { recipe } = this.#o;
    const mirror = base.mirror ?? (await (this.#o.defaultMirror ?? hostDebianMirror)());
    io.log(
      `building ${recipe.name} from ${path.basename(recipe.file)}: Debian ${base.suite} (${base.variant}) from ${mirror}, kernel ${kernel.release}`,
    );
    const args = [
      '--mode=root',
      `--variant=${base.variant}`,
      `--include=${packages.join(',')}`,
      '--aptopt=APT::Install-Recommends "false"',
      '--aptopt=Acquire::Languages "none"',
      ...[
        '/usr/share/man/*',
        '/usr/share/doc/*',
        '/usr/share/info/*',
        '/usr/share/locale/*',
        '/usr/share/lintian/*',
      ].map((p) => `--dpkgopt=path-exclude=${p}`),
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      ...hooks.map((hook) => `--customize-hook=${hook}`),
      base.suite,
      rootfs,
      mirror,
    ];
    io.log(
      `mmdebstrap ${base.suite} with ${packages.length} packages and ${recipe.spec.commands.length} commands`,
    );
    await this.#runLogged('mmdebstrap', args, io);
  }

  /** The recipe's base image from the cache, downloaded and verified first if need be. */
  async #downloadBase(
    base: NonNullable<ImageRecipe['spec']['base']['image']>,
    io: ImageBuildIO,
  ): Promise<string> {
    const { recipe } = this.#o;
    try {
      return await cachedBaseImage(base, this.#cacheDir, {
        log: io.log,
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (error) {
      throw recipeDownloadError(recipe, ['base', 'image'], base.url, error);
    }
  }

  /** The recipe's `downloads:`, each from the cache, downloaded and verified first if need be. */
  async #downloads(io: ImageBuildIO): Promise<{ file: string; path: string }[]> {
    const { recipe } = this.#o;
    const files = [];
    for (const [index, download] of (recipe.spec.downloads ?? []).entries()) {
      try {
        const file = await cachedRecipeDownload(download, this.#cacheDir, {
          log: io.log,
          ...(io.signal ? { signal: io.signal } : {}),
        });
        files.push({ file, path: download.path });
      } catch (error) {
        throw recipeDownloadError(recipe, ['downloads', index], download.url, error);
      }
    }
    return files;
  }

  /**
   * The root filesystem from a downloaded disk image (verified against the recipe's sha256 first), then the
   * packages from the image's own apt sources and the hooks, in a chroot with /proc, /sys and /dev mounted
   * for as long as it takes.
   */
  async #fromImage(
    base: NonNullable<ImageRecipe['spec']['base']['image']>,
    file: string,
    packages: string[],
    hooks: string[],
    rootfs: string,
    work: string,
    io: ImageBuildIO,
  ): Promise<void> {
    const { recipe } = this.#o;
    io.log(`building ${recipe.name} from ${path.basename(recipe.file)}: the disk image ${base.url}`);
    await unpackBaseImage(file, base.partition, rootfs, work, io.log);
    const script = [
      'set -e',
      'cleanup() { umount "$1/dev" "$1/sys" "$1/proc" 2>/dev/null || true; rm -f "$1/usr/sbin/policy-rc.d"; if [ -e "$1/etc/resolv.conf.ironbots" ] || [ -L "$1/etc/resolv.conf.ironbots" ]; then rm -f "$1/etc/resolv.conf"; mv "$1/etc/resolv.conf.ironbots" "$1/etc/resolv.conf"; fi; }',
      `trap 'cleanup "$1"' EXIT`,
      '[ -x "$1/usr/bin/apt-get" ] || { echo "E: the base image has no /usr/bin/apt-get: only apt-based images can be customized"; exit 1; }',
      'mount -t proc proc "$1/proc" && mount -t sysfs sysfs "$1/sys" && mount --bind /dev "$1/dev"',
      // The image's resolv.conf may point at a resolver that does not run in a chroot: this host's, meanwhile.
      'if [ -e "$1/etc/resolv.conf" ] || [ -L "$1/etc/resolv.conf" ]; then mv "$1/etc/resolv.conf" "$1/etc/resolv.conf.ironbots"; fi',
      'cp /etc/resolv.conf "$1/etc/resolv.conf"',
      // Packages' services are not started in the chroot.
      'printf "#!/bin/sh\\nexit 101\\n" >"$1/usr/sbin/policy-rc.d" && chmod 755 "$1/usr/sbin/policy-rc.d"',
      'chroot "$1" apt-get update -q',
      `chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages.map(shellQuote).join(' ')}`,
      ...hooks,
      'chroot "$1" apt-get clean',
    ].join('\n');
    io.log(
      `installing ${packages.length} packages and running ${recipe.spec.commands.length} commands in the image`,
    );
    await this.#runLogged('sh', ['-c', script, 'sh', rootfs], io);
  }

  async #prepareOverlay(
    overlay: string,
    kernel: DebianKernel,
    name: string,
    downloads: { file: string; path: string }[],
  ): Promise<void> {
    const { recipe } = this.#o;
    await mkdir(path.join(overlay, 'etc', 'systemd', 'system'), { recursive: true });
    await mkdir(path.join(overlay, 'usr', 'local', 'sbin'), { recursive: true });
    await cp(
      path.join(GUEST_DIR, 'guest-agent.sh'),
      path.join(overlay, 'usr', 'local', 'sbin', 'ironbots-guest'),
    );
    await cp(
      path.join(GUEST_DIR, 'ironbots-guest.service'),
      path.join(overlay, 'etc', 'systemd', 'system', 'ironbots-guest.service'),
    );
    await writeFile(path.join(overlay, 'etc', 'ironbots-image'), `${name} ${kernel.release}\n`);
    // The initramfs hands over to systemd instead of the guest agent.
    await writeFile(path.join(overlay, 'etc', 'ironbots-init'), '/lib/systemd/systemd\n');
    await writeFile(path.join(overlay, 'etc', 'hostname'), `${name}\n`);
    await writeFile(path.join(overlay, 'etc', 'fstab'), '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');
    const modules = path.join(overlay, 'usr', 'lib', 'modules', kernel.release);
    await cp(kernel.modulesDir, modules, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(path.join(kernel.modulesDir, 'kernel'), source);
        return !UNNEEDED_MODULE_DIRS.some((dir) => relative === dir || relative.startsWith(`${dir}/`));
      },
    });
    for (const file of recipe.spec.files) {
      const target = path.join(overlay, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, { mode: Number.parseInt(file.mode, 8) });
    }
    for (const download of downloads) {
      const target = path.join(overlay, download.path);
      await mkdir(path.dirname(target), { recursive: true });
      await cp(download.file, target);
    }
    // Modes as the recipe says, whatever this process's umask.
    await chmodAll(overlay, recipe);
  }

  /** Runs mmdebstrap or the customization script, pinning a failure on a recipe package or command. */
  #runLogged(program: string, args: string[], io: ImageBuildIO): Promise<void> {
    const { recipe } = this.#o;
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
          LANG: 'C.UTF-8',
          DEBIAN_FRONTEND: 'noninteractive',
        },
        ...(io.signal ? { signal: io.signal } : {}),
      });
      const tail: string[] = [];
      let command: number | undefined;
      let missingPackage: string | undefined;
      // Whole lines: apt writes "E", ": " and the message in separate pieces.
      const onLine = (line: string) => {
        if (!line) return;
        if (line.startsWith(COMMAND_MARK)) {
          command = Number(line.slice(COMMAND_MARK.length));
          tail.length = 0;
          io.log(`  running command ${command + 1}: ${recipe.spec.commands[command]!.split('\n')[0]}`);
          return;
        }
        missingPackage ??=
          /E: Unable to locate package (\S+)/.exec(line)?.[1] ??
          /Package '([^']+)' has no installation candidate/.exec(line)?.[1];
        tail.push(line);
        if (tail.length > 15) tail.shift();
        if (/^[IWE]: /.test(line) || command !== undefined) io.log(`  ${line}`);
      };
      createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', onLine);
      createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', onLine);
      child.once('error', (error) =>
        reject(
          (error as NodeJS.ErrnoException).code === 'ENOENT' && program === 'mmdebstrap'
            ? new Error('mmdebstrap is not installed: apt-get install mmdebstrap (bash dev/run setup does)')
            : error,
        ),
      );
      child.once('close', (code) => {
        if (code === 0) return resolve();
        const output =
          tail
            .filter((l) => !l.startsWith('I: '))
            .slice(-8)
            .join('\n    ') || '(no output)';
        if (missingPackage) {
          const index = recipe.spec.packages.findIndex((p) => p.replace(/=.*/, '') === missingPackage);
          const at = index >= 0 ? recipe.locate(['packages', index]) : { file: recipe.file, line: undefined };
          return reject(
            new ImageRecipeError(
              at.file,
              at.line,
              index >= 0 ? `packages.${index}` : 'packages',
              `no package "${missingPackage}" in ${recipe.spec.base.debian ? "this suite's mirror" : "the base image's apt sources"}`,
            ),
          );
        }
        if (command !== undefined)
          return reject(
            new ImageRecipeError(
              recipe.locate(['commands', command]).file,
              recipe.locate(['commands', command]).line,
              `commands.${command}`,
              `the command failed (exit ${code}); its output ends:\n    ${output}`,
            ),
          );
        reject(new Error(`${program} failed (exit ${code}) building ${recipe.name}:\n    ${output}`));
      });
    });
  }

  bootTest(image: BuiltImage, io: ImageBuildIO): Promise<void> {
    return bootTestImage(image, io, {
      stateRoot: path.join(this.#cacheDir, 'boot-test'),
      // A real init, and the network the guest agent set up.
      extraCheck: {
        script: 'cat /proc/1/comm && ip -4 -o addr show dev eth0',
        expect: (output) =>
          !/^systemd$/m.test(output)
            ? 'PID 1 is not systemd'
            : !output.includes('10.0.2.15/24')
              ? 'eth0 has no user-mode network address'
              : null,
      },
    });
  }
}

/** A failed download of a recipe's base image or `downloads:` item, pinned on the recipe line that asked for it. */
function recipeDownloadError(
  recipe: ImageRecipe,
  at: (string | number)[],
  url: string,
  error: unknown,
): unknown {
  const field = (key: string) => {
    const where = recipe.locate([...at, key]);
    return [where.file, where.line, [...at, key].join('.')] as const;
  };
  if (error instanceof ImageChecksumError)
    return new ImageRecipeError(
      ...field('sha256'),
      `the ${at[0] === 'base' ? 'image' : 'file'} downloaded from ${url} has sha256 ${error.actual}, not this one; the download was deleted`,
    );
  if (error instanceof ImageNotFoundError)
    return new ImageRecipeError(...field('url'), `nothing to download at ${url}`);
  return error;
}

/** Printed by a hook before each recipe command, so a failure can be pinned on the command. */
const COMMAND_MARK = 'ironbots-recipe-command ';

async function chmodAll(overlay: string, recipe: ImageRecipe): Promise<void> {
  await chmod(path.join(overlay, 'usr', 'local', 'sbin', 'ironbots-guest'), 0o755);
  for (const file of recipe.spec.files)
    await chmod(path.join(overlay, file.path), Number.parseInt(file.mode, 8));
  for (const download of recipe.spec.downloads ?? []) await chmod(path.join(overlay, download.path), 0o644);
  // Directories the overlay creates are merged into the image's; 0755 like Debian's own.
  for (const entry of await readdir(overlay, { recursive: true, withFileTypes: true }))
    if (entry.isDirectory()) await chmod(path.join(entry.parentPath, entry.name), 0o755);
}

/** The first Debian archive URI in this machine's apt sources (deb822 or one-line format). */
export async function hostDebianMirror(): Promise<string> {
  const files = [
    '/etc/apt/sources.list',
    ...(await readdir('/etc/apt/sources.list.d').catch(() => [] as string[]))
      .filter((f) => f.endsWith('.list') || f.endsWith('.sources'))
      .map((f) => path.join('/etc/apt/sources.list.d', f)),
  ];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const match of text.matchAll(/^(?:deb\s+(?:\[[^\]]*\]\s+)?(\S+)|URIs:\s*(\S+))/gm)) {
      const uri = (match[1] ?? match[2])!;
      if (/\/debian\/?$/.test(uri)) return uri.replace(/\/$/, '');
    }
  }
  throw new Error('no Debian mirror in /etc/apt/sources.list*: set base.debian.mirror in the recipe');
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
