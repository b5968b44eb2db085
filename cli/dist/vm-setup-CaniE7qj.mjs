import { o as VmExecutor, r as imageRecipeFingerprint, t as BusyboxImageBuilder } from "./busybox-image-builder-Q-lEIcjW.mjs";
import { t as RecipeImageBuilder } from "./recipe-image-builder-BJJJVd2p.mjs";
import { t as LocalImageResolver } from "./local-image-resolver-BHnhcvib.mjs";
import { n as defaultCacheDir } from "./debian-kernel-DJ8RXD2g.mjs";
import __ironbotsPath from "node:path";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
// runner-agent/src/deployment/vm-setup.ts
const LOCAL_VM_IMAGE = "debian-busybox";
function localImagesDir(cacheDir = defaultCacheDir()) {
	return __ironbotsPath.join(cacheDir, "images");
}
function createVmExecutor(stateDir, logger, options = {}) {
	const cacheDir = options.cacheDir ?? defaultCacheDir();
	return new VmExecutor({
		stateDir,
		logger,
		imageResolver: options.imageResolver ?? new LocalImageResolver({ dir: localImagesDir(cacheDir) }),
		bootFilesDir: __ironbotsPath.join(cacheDir, "boot-files")
	});
}
async function ensureLocalVmImage(options) {
	const cacheDir = options.cacheDir ?? defaultCacheDir();
	return buildLocalImage({
		name: options.name ?? "debian-busybox",
		builder: new BusyboxImageBuilder({ cacheDir }),
		key: await imageRecipeFingerprint(),
		cacheDir,
		print: options.print
	});
}
async function ensureRecipeImage(options) {
	const cacheDir = options.cacheDir ?? defaultCacheDir();
	const builder = new RecipeImageBuilder({
		recipe: options.recipe,
		cacheDir
	});
	return buildLocalImage({
		name: options.recipe.name,
		builder,
		key: await builder.buildKey(),
		cacheDir,
		print: options.print,
		...options.force ? { force: true } : {},
		...options.signal ? { signal: options.signal } : {}
	});
}
async function buildLocalImage(options) {
	const { name, builder } = options;
	const dir = localImagesDir(options.cacheDir);
	const pointer = __ironbotsPath.join(dir, name);
	const recipe = __ironbotsPath.join(dir, `${name}.recipe`);
	const current = existsSync(pointer) ? (await readFile(pointer, "utf8")).trim() : "";
	const built = existsSync(recipe) ? (await readFile(recipe, "utf8")).trim() : "";
	if (!options.force && current && built === options.key && existsSync(__ironbotsPath.join(dir, current))) return current;
	await mkdir(dir, { recursive: true });
	options.print(`building the ${name} VM image (cached in ${dir})`);
	const io = {
		log: (line) => options.print(`  ${line}`),
		...options.signal ? { signal: options.signal } : {}
	};
	const image = await builder.build(name, dir, io);
	try {
		await builder.bootTest(image, io);
	} catch (error) {
		if (__ironbotsPath.basename(image.path) !== current) await rm(image.path, { force: true });
		throw error;
	}
	await writeFile(recipe, `${options.key}\n`);
	await writeFile(pointer, `${__ironbotsPath.basename(image.path)}\n`);
	if (current && current !== __ironbotsPath.basename(image.path)) await rm(__ironbotsPath.join(dir, current), { force: true });
	return __ironbotsPath.basename(image.path);
}
export { localImagesDir as a, ensureRecipeImage as i, createVmExecutor as n, ensureLocalVmImage as r, LOCAL_VM_IMAGE as t };
