import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BusyboxImageBuilder, imageRecipeFingerprint } from '../images/busybox-image-builder.ts';
import type { ImageBuilder } from '../images/image-builder.ts';
import type { ImageRecipe } from '../images/image-recipe.ts';
import { RecipeImageBuilder } from '../images/recipe-image-builder.ts';
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
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return buildLocalImage({
    name: options.name ?? LOCAL_VM_IMAGE,
    builder: new BusyboxImageBuilder({ cacheDir }),
    key: await imageRecipeFingerprint(),
    cacheDir,
    print: options.print,
  });
}

/**
 * Builds the image a recipe describes into the local images directory (`ironbots image build`), unless the
 * build there is of the same recipe and guest agent already. Returns its blob name.
 */
export async function ensureRecipeImage(options: {
  recipe: ImageRecipe;
  cacheDir?: string;
  /** Build even when a build of the same recipe is there. */
  force?: boolean;
  print: (line: string) => void;
  signal?: AbortSignal;
}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const builder = new RecipeImageBuilder({ recipe: options.recipe, cacheDir });
  return buildLocalImage({
    name: options.recipe.name,
    builder,
    key: await builder.buildKey(),
    cacheDir,
    print: options.print,
    ...(options.force ? { force: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * The local store: `<cache>/images/<name>-<sha256>.qcow2`, the pointer `<name>` naming the current blob (what
 * the VM executor resolves `image: <name>` to) and `<name>.recipe`, the key of the build. An image is built
 * and boot-tested in a work directory; only then do the blob and the pointer appear, and the blob the pointer
 * named before goes. A failed build or boot test leaves the store as it was.
 */
async function buildLocalImage(options: {
  name: string;
  builder: ImageBuilder;
  key: string;
  cacheDir: string;
  force?: boolean;
  print: (line: string) => void;
  signal?: AbortSignal;
}): Promise<string> {
  const { name, builder } = options;
  const dir = localImagesDir(options.cacheDir);
  const pointer = path.join(dir, name);
  const recipe = path.join(dir, `${name}.recipe`);
  const current = existsSync(pointer) ? (await readFile(pointer, 'utf8')).trim() : '';
  const built = existsSync(recipe) ? (await readFile(recipe, 'utf8')).trim() : '';
  // Rebuilt when the recipe or the guest scripts changed since: an image with an older guest agent may not work.
  if (!options.force && current && built === options.key && existsSync(path.join(dir, current)))
    return current;
  await mkdir(dir, { recursive: true });
  options.print(`building the ${name} VM image (cached in ${dir})`);
  const io = {
    log: (line: string) => options.print(`  ${line}`),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const image = await builder.build(name, dir, io);
  try {
    await builder.bootTest(image, io);
  } catch (error) {
    // An image that does not boot is no image: it never reaches the pointer. (A rebuild of the very blob the
    // pointer names is the same file, and stays.)
    if (path.basename(image.path) !== current) await rm(image.path, { force: true });
    throw error;
  }
  await writeFile(recipe, `${options.key}\n`);
  await writeFile(pointer, `${path.basename(image.path)}\n`);
  // The blob the pointer named before is stale now (built from an older recipe).
  if (current && current !== path.basename(image.path)) await rm(path.join(dir, current), { force: true });
  return path.basename(image.path);
}
