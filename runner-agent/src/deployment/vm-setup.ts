import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BusyboxImageBuilder, imageRecipeFingerprint } from '../images/busybox-image-builder.ts';
import type { ImageResolver } from '../executors/image-resolver.ts';
import { LocalImageResolver } from '../images/local-image-resolver.ts';
import type { Logger } from '../../../core/logger.ts';
import { defaultCacheDir } from '../vm/debian-kernel.ts';
import { VmExecutor } from '../executors/vm-executor.ts';

/** The image `ironbots local --executor vm` runs the demo in, built on first use from this machine's packages. */
export const LOCAL_VM_IMAGE = 'debian-busybox';

/** Where locally built or downloaded image blobs live: `<cache>/images/<name>-<sha256>.qcow2`. */
export function localImagesDir(cacheDir = defaultCacheDir()): string {
  return path.join(cacheDir, 'images');
}

/**
 * The agent's VM executor. Images come from `imageResolver` (a deployment's image store) or, without one,
 * from the local images directory of the ironbots cache.
 */
export function createVmExecutor(
  stateDir: string,
  logger: Logger,
  options: { cacheDir?: string; imageResolver?: ImageResolver } = {},
): VmExecutor {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return new VmExecutor({
    stateDir,
    logger,
    imageResolver: options.imageResolver ?? new LocalImageResolver({ dir: localImagesDir(cacheDir) }),
    // Boot files are keyed by image sha256: every agent and demo run on this machine can share them.
    bootFilesDir: path.join(cacheDir, 'boot-files'),
  });
}

/**
 * Makes sure a boot-tested `name` image is in the images directory, building it (kernel download, rootfs,
 * boot test) the first time. Returns its blob name. A pointer file `<dir>/<name>`, written only after the
 * boot test passed, says which blob that is.
 */
export async function ensureLocalVmImage(options: {
  name?: string;
  cacheDir?: string;
  print: (line: string) => void;
}): Promise<string> {
  const name = options.name ?? LOCAL_VM_IMAGE;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = localImagesDir(cacheDir);
  const pointer = path.join(dir, name);
  const recipe = path.join(dir, `${name}.recipe`);
  const fingerprint = await imageRecipeFingerprint();
  const current = existsSync(pointer) ? (await readFile(pointer, 'utf8')).trim() : '';
  const built = existsSync(recipe) ? (await readFile(recipe, 'utf8')).trim() : '';
  // Rebuilt when the guest scripts changed since: an image with an older guest agent may not work.
  if (current && built === fingerprint && existsSync(path.join(dir, current))) return current;
  await mkdir(dir, { recursive: true });
  options.print(`building the ${name} VM image (once; cached in ${dir})`);
  const builder = new BusyboxImageBuilder({ cacheDir });
  const io = { log: (line: string) => options.print(`  ${line}`) };
  const image = await builder.build(name, dir, io);
  await builder.bootTest(image, io);
  await writeFile(recipe, `${fingerprint}\n`);
  await writeFile(pointer, `${path.basename(image.path)}\n`);
  // The blob the pointer named before is stale now (built from an older recipe).
  if (current && current !== path.basename(image.path)) await rm(path.join(dir, current), { force: true });
  return path.basename(image.path);
}
