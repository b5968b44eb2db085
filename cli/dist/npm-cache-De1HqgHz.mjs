import { n as formatDuration, r as formatRate, t as formatBytes } from "./sizes-BY3aa-3c.mjs";
import __ironbotsPath from "node:path";
import { execFile } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import os from "node:os";
import { appendFile, mkdir, mkdtemp, open, readFile, readdir, rename, rm, rmdir, stat, truncate, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { createHash, randomBytes } from "node:crypto";
// actions/npm-cache/archive.ts
const run$1 = promisify(execFile);
const ZSTD_ARGS = [
	"-3",
	"-T0",
	"--long=30"
];
const UNZSTD_ARGS = ["--long=30"];
const MAX_BUFFER$1 = 16777216;
let zstdFound;
function zstdAvailable() {
	zstdFound ??= run$1("zstd", ["--version"]).then(() => true, () => false);
	return zstdFound;
}
async function defaultArchiveFormat() {
	return await zstdAvailable() ? "zstd" : "gzip";
}
async function createArchive(projectDir, file, format) {
	const chosen = format ?? await defaultArchiveFormat();
	const compress = chosen === "zstd" ? ["--use-compress-program", ["zstd", ...ZSTD_ARGS].join(" ")] : ["-z"];
	await run$1("tar", [
		"-c",
		...compress,
		"-f",
		file,
		"-C",
		projectDir,
		"node_modules"
	], { maxBuffer: MAX_BUFFER$1 });
	return chosen;
}
var CorruptArchiveError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "CorruptArchiveError";
	}
};
async function archiveFormat(file) {
	const handle = await open(file, "r");
	try {
		const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
		const head = buffer.subarray(0, bytesRead);
		if (head.equals(Buffer.from([
			40,
			181,
			47,
			253
		]))) return "zstd";
		if (head.length >= 2 && head[0] === 31 && head[1] === 139) return "gzip";
		return;
	} finally {
		await handle.close();
	}
}
async function extractArchive(file, into) {
	const format = await archiveFormat(file);
	if (!format) throw new CorruptArchiveError("it is neither a zstd nor a gzip archive");
	if (format === "zstd" && !await zstdAvailable()) throw new CorruptArchiveError("it is a zstd archive and this machine has no zstd binary; install zstd");
	const decompress = format === "zstd" ? ["--use-compress-program", ["zstd", ...UNZSTD_ARGS].join(" ")] : ["-z"];
	try {
		await run$1("tar", [
			"-x",
			...decompress,
			"-f",
			file,
			"-C",
			into,
			"--no-same-owner"
		], { maxBuffer: MAX_BUFFER$1 });
	} catch (error) {
		throw new CorruptArchiveError([...new Set((error.stderr ?? "").split("\n").map((l) => l.trim()))].filter(Boolean).join("; ") || error.message);
	}
	return format;
}
// actions/npm-cache/cache-key.ts
var LockfileError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "LockfileError";
	}
};
async function readLockfile(file) {
	let bytes;
	try {
		bytes = await readFile(file);
	} catch (error) {
		throw new LockfileError(`cannot read the lockfile ${file}: ${error.message}`);
	}
	let parsed;
	try {
		parsed = JSON.parse(bytes.toString("utf8"));
	} catch (error) {
		throw new LockfileError(`the lockfile ${file} is not valid JSON: ${error.message}`);
	}
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new LockfileError(`the lockfile ${file} is not a JSON object`);
	const packages = parsed.packages;
	if (typeof packages !== "object" || packages === null || Array.isArray(packages)) throw new LockfileError(`the lockfile ${file} has no "packages" map (lockfileVersion 1 is not supported: run npm install with npm \u2265 7)`);
	return {
		bytes,
		lockfile: parsed
	};
}
function cacheKey(parts) {
	const major = /^v?(\d+)\./.exec(parts.nodeVersion)?.[1];
	if (!major) throw new Error(`cannot read a Node major version from "${parts.nodeVersion}"`);
	const digest = createHash("sha256").update(parts.lockfileBytes).digest("hex");
	const prefix = parts.prefix || "npm-cache";
	if (!/^[\w.-]+$/.test(prefix)) throw new Error(`key prefix "${prefix}" may only hold letters, digits, '.', '_' and '-'`);
	return `${prefix}-${parts.platform}-${parts.arch}-node${major}-${digest}`;
}
// actions/npm-cache/squashfs-image.ts
const run = promisify(execFile);
const MAX_BUFFER = 16777216;
const MKSQUASHFS_ARGS = [
	"-comp",
	"zstd",
	"-Xcompression-level",
	"3",
	"-noappend",
	"-quiet",
	"-no-progress"
];
const TRAILER_MAGIC = Buffer.from("ironbots-sqfs-v1");
const TRAILER_BYTES = TRAILER_MAGIC.length + 32;
const SQUASHFS_MAGIC = Buffer.from("hsqs");
const BYTES_USED_OFFSET = 40;
let supportAsked;
function mountSupport() {
	supportAsked ??= askMountSupport();
	return supportAsked;
}
async function askMountSupport() {
	if (process.platform !== "linux") return {
		ok: false,
		reason: `mounting needs Linux, not ${process.platform}`
	};
	let privilege = [];
	if (process.getuid?.() !== 0) {
		if (!await run("sudo", ["-n", "true"]).then(() => true, () => false)) return {
			ok: false,
			reason: "the job is neither root nor allowed passwordless sudo"
		};
		privilege = ["sudo", "-n"];
	}
	let missing = await missingFilesystems();
	if (missing.length) {
		for (const module of missing) await privileged(privilege, "/sbin/modprobe", [module]).catch(() => void 0);
		missing = await missingFilesystems();
		if (missing.length) return {
			ok: false,
			reason: `the kernel has no ${missing.join(" or ")} file system`
		};
	}
	return {
		ok: true,
		privilege
	};
}
async function missingFilesystems() {
	const known = await readFile("/proc/filesystems", "utf8").catch(() => "");
	const names = new Set(known.split("\n").map((line) => line.trim().split(/\s+/).at(-1)));
	return ["squashfs", "overlay"].filter((name) => !names.has(name));
}
let toolsAsked;
function squashfsTools() {
	const runs = (tool) => run(tool, ["-version"]).then(() => true, (error) => typeof error.code === "number");
	toolsAsked ??= Promise.all([runs("mksquashfs"), runs("unsquashfs")]).then(([mksquashfs, unsquashfs]) => ({
		mksquashfs,
		unsquashfs
	}));
	return toolsAsked;
}
async function createImage(projectDir, file) {
	await run("mksquashfs", [
		`${projectDir}/node_modules`,
		file,
		...MKSQUASHFS_ARGS
	], { maxBuffer: MAX_BUFFER });
	await appendFile(file, Buffer.concat([TRAILER_MAGIC, await sha256(file, 0, (await stat(file)).size)]));
}
async function checkImage(file) {
	const size = (await stat(file)).size;
	if (size < TRAILER_BYTES + 96) throw new CorruptArchiveError(`it is ${size} bytes, too short for a squashfs image`);
	const handle = await open(file, "r");
	let trailer;
	let superblock;
	try {
		trailer = Buffer.alloc(TRAILER_BYTES);
		await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES);
		superblock = Buffer.alloc(48);
		await handle.read(superblock, 0, superblock.length, 0);
	} finally {
		await handle.close();
	}
	if (!trailer.subarray(0, TRAILER_MAGIC.length).equals(TRAILER_MAGIC)) throw new CorruptArchiveError("it does not end in the image trailer (a truncated or foreign file)");
	const imageBytes = size - TRAILER_BYTES;
	if (!(await sha256(file, 0, imageBytes)).equals(trailer.subarray(TRAILER_MAGIC.length))) throw new CorruptArchiveError("the image does not match its SHA-256 (damaged in storage or on the way)");
	if (!superblock.subarray(0, 4).equals(SQUASHFS_MAGIC)) throw new CorruptArchiveError("it is not a squashfs image");
	const bytesUsed = Number(superblock.readBigUInt64LE(BYTES_USED_OFFSET));
	if (bytesUsed > imageBytes) throw new CorruptArchiveError(`the image says it is ${bytesUsed} bytes long, but only ${imageBytes} are there`);
	await truncate(file, imageBytes);
}
async function sha256(file, start, length) {
	const hash = createHash("sha256");
	if (length > 0) for await (const chunk of createReadStream(file, {
		start,
		end: start + length - 1
	})) hash.update(chunk);
	return hash.digest();
}
async function extractImage(image, into) {
	try {
		await run("unsquashfs", [
			"-no-progress",
			"-quiet",
			"-dest",
			`${into}/node_modules`,
			image
		], { maxBuffer: MAX_BUFFER });
	} catch (error) {
		throw new CorruptArchiveError(commandProblem(error));
	}
}
async function mountImage(image, at, privilege) {
	await privileged(privilege, "mount", [
		"-t",
		"squashfs",
		"-o",
		"ro,loop",
		image,
		at
	]);
}
async function mountOverlay(layers, target, privilege) {
	const bad = [
		layers.lower,
		layers.upper,
		layers.work
	].find((p) => /[,:\\]/.test(p));
	if (bad) throw new Error(`${bad} holds a comma, colon or backslash, which overlay's options cannot carry`);
	await privileged(privilege, "mount", [
		"-t",
		"overlay",
		"overlay",
		"-o",
		`lowerdir=${layers.lower},upperdir=${layers.upper},workdir=${layers.work}`,
		target
	]);
}
async function unmount(at, privilege) {
	try {
		await privileged(privilege, "umount", [at]);
	} catch (error) {
		await privileged(privilege, "umount", ["--lazy", at]).catch(() => void 0);
		throw error;
	}
}
async function privileged(privilege, command, args) {
	const [program, ...rest] = [
		...privilege,
		command,
		...args
	];
	await run(program, rest, { maxBuffer: MAX_BUFFER });
}
function commandProblem(error) {
	const stderr = error.stderr ?? "";
	return [...new Set(stderr.split("\n").map((l) => l.trim()))].filter(Boolean).join("; ") || error.message;
}
// actions/npm-cache/verify-tree.ts
async function verifyTree(root, lockfile) {
	const mismatches = [];
	const expected = new Map(Object.entries(lockfile.packages).filter(([key]) => key.startsWith("node_modules/")));
	const installed = await installedPackages(root);
	const hidden = await readHiddenLockfile(root);
	const found = await mapLimited([...expected], READ_CONCURRENCY, async ([key, entry]) => {
		const problems = [];
		const dir = __ironbotsPath.join(root, key);
		const kind = installed.get(key);
		if (!kind) {
			if (!entry.optional) problems.push({
				path: key,
				problem: "missing"
			});
			return problems;
		}
		if (entry.link) {
			if (kind !== "link") problems.push({
				path: key,
				problem: "a directory where the lockfile has a link"
			});
			return problems;
		}
		if (kind === "link") {
			problems.push({
				path: key,
				problem: "a link where the lockfile has a package"
			});
			return problems;
		}
		let manifest;
		try {
			manifest = JSON.parse(await readFile(__ironbotsPath.join(dir, "package.json"), "utf8"));
		} catch (error) {
			problems.push({
				path: key,
				problem: `unreadable package.json (${error.message})`
			});
			return problems;
		}
		const lockedName = entry.name ?? packageNameOf(key);
		if (manifest.name !== lockedName) problems.push({
			path: key,
			problem: `name ${String(manifest.name)}, locked ${lockedName}`
		});
		if (entry.version !== void 0 && manifest.version !== entry.version) problems.push({
			path: key,
			problem: `version ${String(manifest.version)}, locked ${entry.version}`
		});
		const installedIntegrity = hidden?.packages[key]?.integrity;
		if (entry.integrity && installedIntegrity && installedIntegrity !== entry.integrity) problems.push({
			path: key,
			problem: `integrity ${installedIntegrity}, locked ${entry.integrity}`
		});
		return problems;
	});
	mismatches.push(...found.flat());
	for (const key of installed.keys()) if (!expected.has(key)) mismatches.push({
		path: key,
		problem: "installed but not in the lockfile"
	});
	return mismatches;
}
const READ_CONCURRENCY = 32;
async function mapLimited(items, limit, fn) {
	const results = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}
function packageNameOf(key) {
	return key.slice(key.lastIndexOf("node_modules/") + 13);
}
async function readHiddenLockfile(root) {
	try {
		const parsed = JSON.parse(await readFile(__ironbotsPath.join(root, "node_modules/.package-lock.json"), "utf8"));
		return typeof parsed.packages === "object" && parsed.packages !== null ? parsed : null;
	} catch {
		return null;
	}
}
async function installedPackages(root) {
	const found = /* @__PURE__ */ new Map();
	async function walk(modulesKey) {
		let entries;
		try {
			entries = await readdir(__ironbotsPath.join(root, modulesKey), { withFileTypes: true });
		} catch {
			return;
		}
		await Promise.all(entries.map(async (entry) => {
			if (entry.name.startsWith(".")) return;
			if (!entry.name.startsWith("@")) return visit(`${modulesKey}/${entry.name}`, entry);
			const scope = `${modulesKey}/${entry.name}`;
			const scoped = await readdir(__ironbotsPath.join(root, scope), { withFileTypes: true }).catch(() => []);
			await Promise.all(scoped.map((inner) => visit(`${scope}/${inner.name}`, inner)));
		}));
	}
	async function visit(key, entry) {
		if (entry.isSymbolicLink()) found.set(key, "link");
		else if (entry.isDirectory()) {
			found.set(key, "dir");
			await walk(`${key}/node_modules`);
		}
	}
	await walk("node_modules");
	return new Map([...found].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}
// actions/npm-cache/npm-cache.ts
const OLD_TREE_PREFIX = "node_modules.ironbots-old-";
const SHOWN_MISMATCHES = 10;
async function keyFor(context) {
	const lockfile = await readLockfile(__ironbotsPath.join(context.projectDir, "package-lock.json"));
	return {
		key: cacheKey({
			lockfileBytes: lockfile.bytes,
			nodeVersion: context.nodeVersion ?? process.version,
			platform: context.platform ?? process.platform,
			arch: context.arch ?? process.arch,
			prefix: context.keyPrefix
		}),
		lockfile
	};
}
async function restore(context) {
	const { key, lockfile } = await keyFor(context);
	const { log, store, projectDir, report } = context;
	if (report) report.key = key;
	if (context.mount) {
		const fromImage = await restoreImage(context, context.mount, key, lockfile.lockfile);
		if (fromImage) return fromImage;
	}
	const work = await mkdtemp(__ironbotsPath.join(projectDir, ".ironbots-npm-cache-"));
	try {
		const unpacked = await fetchAndUnpack(context, key, work, "archive");
		if (unpacked === "no-entry") {
			log.info(`cache miss: ${store.description} has no entry for ${key}`);
			if (report) report.outcome = "no-entry";
			return {
				key,
				hit: false,
				outcome: "no-entry"
			};
		}
		return await verifyAndSwap(context, key, lockfile.lockfile, unpacked);
	} finally {
		await rm(work, {
			recursive: true,
			force: true
		});
	}
}
async function verifyAndSwap(context, key, lockfile, unpacked) {
	const { log, store, projectDir, report } = context;
	const { archiveBytes } = unpacked;
	if (!unpacked.ok) return corruptMiss(context, key, unpacked.corrupt, archiveBytes, context.store.kind);
	const { staging, format, fetchMs, unpackMs } = unpacked;
	const started = performance.now();
	const mismatches = await verifyTree(staging, lockfile);
	const verifyMs = performance.now() - started;
	if (mismatches.length) return mismatchMiss(context, key, mismatches, archiveBytes);
	const { oldTreeRemoved } = await swapIntoPlace(projectDir, staging, log);
	const what = format === "squashfs" ? "squashfs image, unpacked" : format;
	log.info(`cache hit: restored node_modules from ${store.description} (${key}, ${what}), verified against package-lock.json (fetch ${fetchMs.toFixed(0)} ms, unpack ${unpackMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms)`);
	if (report) Object.assign(report, {
		outcome: "hit",
		matchedKey: key
	});
	return {
		key,
		hit: true,
		outcome: "hit",
		format,
		archiveBytes,
		phasesMs: {
			fetch: fetchMs,
			unpack: unpackMs,
			verify: verifyMs
		},
		oldTreeRemoved
	};
}
function corruptMiss(context, key, problem, archiveBytes, kind) {
	const detail = `the cache ${kind === "squashfs" ? "squashfs image" : "archive"} for ${key} is corrupted (${problem}); treating it as a miss`;
	context.log.warn(detail);
	if (context.report) context.report.outcome = "corrupt";
	return {
		key,
		hit: false,
		outcome: "corrupt",
		detail,
		archiveBytes
	};
}
function mismatchMiss(context, key, mismatches, archiveBytes) {
	const detail = `the cached node_modules for ${key} does not match package-lock.json: ${describeMismatches(mismatches)}; treating it as a miss`;
	context.log.warn(detail);
	if (context.report) context.report.outcome = "mismatch";
	return {
		key,
		hit: false,
		outcome: "mismatch",
		detail,
		mismatches,
		archiveBytes
	};
}
async function restoreImage(context, { tempDir, unpackOnly }, key, lockfile) {
	const { log, projectDir, report } = context;
	const images = context.store.withKind("squashfs");
	const [support, tools] = await Promise.all([unpackOnly ? {
		ok: false,
		reason: "this run has no post step to unmount it"
	} : mountSupport(), squashfsTools()]);
	if (!support.ok && !tools.unsquashfs) {
		log.notice(`mount: auto: not mounting (${support.reason}) and no unsquashfs to unpack an image (install squashfs-tools); restoring the archive instead`);
		return;
	}
	await mkdir(tempDir, { recursive: true });
	const dir = await mkdtemp(__ironbotsPath.join(tempDir, "ironbots-npm-cache-"));
	let mounted;
	try {
		const image = __ironbotsPath.join(dir, "node_modules.squashfs");
		let started = performance.now();
		if (!await images.fetch(key, image)) {
			log.info(`${images.description} has no squashfs image for ${key}; looking for an archive`);
			return;
		}
		const fetchMs = performance.now() - started;
		const archiveBytes = (await stat(image)).size;
		if (report) report.archiveBytes = archiveBytes;
		log.info(`fetched the squashfs image for ${key}: ${formatBytes(archiveBytes)} from ${images.description} in ${formatDuration(fetchMs)} (${formatRate(archiveBytes, fetchMs)})`);
		started = performance.now();
		try {
			await checkImage(image);
		} catch (error) {
			if (!(error instanceof CorruptArchiveError)) throw error;
			return corruptMiss(context, key, error.message, archiveBytes, "squashfs");
		}
		const checkMs = performance.now() - started;
		if (support.ok) {
			const attempt = await mountVerified(context, {
				dir,
				image,
				privilege: support.privilege,
				lockfile
			});
			if (attempt.mounted) {
				mounted = attempt.mounted;
				const { mountMs, verifyMs } = attempt;
				log.info(`cache hit: mounted node_modules from ${images.description} (${key}, squashfs image under a writable overlay), verified against package-lock.json (fetch ${fetchMs.toFixed(0)} ms, check ${checkMs.toFixed(0)} ms, mount ${mountMs.toFixed(0)} ms, verify ${verifyMs.toFixed(0)} ms); the post step unmounts it`);
				if (report) Object.assign(report, {
					outcome: "hit",
					matchedKey: key
				});
				return {
					key,
					hit: true,
					outcome: "hit",
					format: "squashfs",
					archiveBytes,
					mounted,
					phasesMs: {
						fetch: fetchMs,
						unpack: checkMs + mountMs,
						verify: verifyMs
					},
					oldTreeRemoved: removeOldTrees(projectDir, log)
				};
			}
			if (attempt.mismatches) return mismatchMiss(context, key, attempt.mismatches, archiveBytes);
			log.warn(`mount: auto: ${attempt.problem}; unpacking the image instead`);
		} else log.notice(`mount: auto: not mounting (${support.reason}); unpacking the image instead`);
		const work = await mkdtemp(__ironbotsPath.join(projectDir, ".ironbots-npm-cache-"));
		try {
			started = performance.now();
			let unpacked;
			try {
				await extractImage(image, work);
				unpacked = {
					ok: true,
					archiveBytes,
					staging: work,
					format: "squashfs",
					fetchMs,
					unpackMs: checkMs + performance.now() - started
				};
			} catch (error) {
				if (!(error instanceof CorruptArchiveError)) throw error;
				unpacked = {
					ok: false,
					corrupt: error.message,
					archiveBytes
				};
			}
			return await verifyAndSwap({
				...context,
				store: images
			}, key, lockfile, unpacked);
		} finally {
			await rm(work, {
				recursive: true,
				force: true
			});
		}
	} finally {
		if (!mounted) await rm(dir, {
			recursive: true,
			force: true
		});
	}
}
async function mountVerified(context, options) {
	const { projectDir, log } = context;
	const { dir, image, privilege, lockfile } = options;
	const lowerRoot = __ironbotsPath.join(dir, "lower");
	const lower = __ironbotsPath.join(lowerRoot, "node_modules");
	const upper = __ironbotsPath.join(dir, "upper");
	const work = __ironbotsPath.join(dir, "work");
	await Promise.all([
		lower,
		upper,
		work
	].map((d) => mkdir(d, { recursive: true })));
	let started = performance.now();
	try {
		await mountImage(image, lower, privilege);
	} catch (error) {
		return { problem: `could not mount the image (${commandProblem(error)})` };
	}
	let mountMs = performance.now() - started;
	const takeDownLower = () => unmount(lower, privilege).catch((error) => log.warn(`could not unmount ${lower}: ${commandProblem(error)}`));
	started = performance.now();
	const mismatches = await verifyTree(lowerRoot, lockfile);
	const verifyMs = performance.now() - started;
	if (mismatches.length) {
		await takeDownLower();
		return { mismatches };
	}
	started = performance.now();
	const target = __ironbotsPath.join(projectDir, "node_modules");
	const aside = __ironbotsPath.join(projectDir, `${OLD_TREE_PREFIX}${randomBytes(6).toString("hex")}`);
	const hadTree = existsSync(target);
	if (hadTree) await rename(target, aside);
	await mkdir(target);
	try {
		await mountOverlay({
			lower,
			upper,
			work
		}, target, privilege);
	} catch (error) {
		await rmdir(target).catch(() => void 0);
		if (hadTree) await rename(aside, target);
		await takeDownLower();
		return { problem: `could not mount the overlay at ${target} (${commandProblem(error)})` };
	}
	mountMs += performance.now() - started;
	return {
		mounted: {
			target,
			lower,
			dir,
			privilege
		},
		mountMs,
		verifyMs
	};
}
async function fetchAndUnpack(context, key, work, kind) {
	const { log, report } = context;
	const store = context.store.withKind(kind);
	const archive = __ironbotsPath.join(work, kind === "squashfs" ? "node_modules.squashfs" : "node_modules.archive");
	let started = performance.now();
	if (!await store.fetch(key, archive)) return "no-entry";
	const fetchMs = performance.now() - started;
	const archiveBytes = (await stat(archive)).size;
	if (report) report.archiveBytes = archiveBytes;
	log.info(`fetched ${key}: ${formatBytes(archiveBytes)} from ${store.description} in ${formatDuration(fetchMs)} (${formatRate(archiveBytes, fetchMs)})`);
	const staging = __ironbotsPath.join(work, "tree");
	await mkdir(staging);
	try {
		started = performance.now();
		let format = "squashfs";
		if (kind === "squashfs") {
			await checkImage(archive);
			await extractImage(archive, staging);
		} else format = await extractArchive(archive, staging);
		if (!existsSync(__ironbotsPath.join(staging, "node_modules"))) throw new CorruptArchiveError("it holds no node_modules");
		return {
			ok: true,
			archiveBytes,
			staging,
			format,
			fetchMs,
			unpackMs: performance.now() - started
		};
	} catch (error) {
		if (!(error instanceof CorruptArchiveError)) throw error;
		return {
			ok: false,
			corrupt: error.message,
			archiveBytes
		};
	}
}
async function swapIntoPlace(projectDir, staging, log) {
	const target = __ironbotsPath.join(projectDir, "node_modules");
	if (existsSync(target)) await rename(target, __ironbotsPath.join(projectDir, `${OLD_TREE_PREFIX}${randomBytes(6).toString("hex")}`));
	await rename(__ironbotsPath.join(staging, "node_modules"), target);
	return { oldTreeRemoved: removeOldTrees(projectDir, log) };
}
async function restorePartial(context, restoreKeys) {
	const { log, projectDir, report } = context;
	const kinds = context.mount && (await squashfsTools()).unsquashfs ? ["squashfs", "archive"] : ["archive"];
	for (const { restoreKey, kind } of restoreKeys.flatMap((k) => kinds.map((kind) => ({
		restoreKey: k,
		kind
	})))) {
		const store = context.store.withKind(kind);
		const entries = kind === "squashfs" ? "squashfs image" : "entry";
		const found = await store.findLatest(restoreKey);
		if (!found) {
			log.info(`restore key ${restoreKey}: ${store.description} has no ${entries} under it`);
			continue;
		}
		const foreign = foreignBuild(found, context);
		if (foreign) {
			log.warn(`restore key ${restoreKey}: not restoring ${found}, ${foreign}`);
			continue;
		}
		const work = await mkdtemp(__ironbotsPath.join(projectDir, ".ironbots-npm-cache-"));
		try {
			const unpacked = await fetchAndUnpack(context, found, work, kind);
			if (unpacked === "no-entry" || !unpacked.ok) {
				log.warn(`restore key ${restoreKey}: the archive for ${found} ${unpacked === "no-entry" ? "is gone" : `is corrupted (${unpacked.corrupt})`}; not using it`);
				continue;
			}
			const { oldTreeRemoved } = await swapIntoPlace(projectDir, unpacked.staging, log);
			log.info(`partial hit: restored node_modules from ${store.description} (${found}, ${unpacked.format}) by restore key ${restoreKey}; it is installed over, not trusted as it is`);
			if (report) Object.assign(report, {
				outcome: "partial",
				matchedKey: found
			});
			return {
				matchedKey: found,
				restoreKey,
				archiveBytes: unpacked.archiveBytes,
				oldTreeRemoved
			};
		} finally {
			await rm(work, {
				recursive: true,
				force: true
			});
		}
	}
}
function foreignBuild(key, context) {
	const parts = /-([^-]+)-([^-]+)-node(\d+)-[0-9a-f]{64}$/.exec(key);
	if (!parts) return "its key is not one of npm-cache (<prefix>-<os>-<arch>-node<major>-<sha256>)";
	const here = {
		platform: context.platform ?? process.platform,
		arch: context.arch ?? process.arch,
		major: /^v?(\d+)\./.exec(context.nodeVersion ?? process.version)?.[1]
	};
	const [, platform, arch, major] = parts;
	if (platform !== here.platform || arch !== here.arch || major !== here.major) return `built for ${platform}-${arch} Node ${major}, not ${here.platform}-${here.arch} Node ${here.major}`;
}
async function install(options) {
	const { log, npm } = options;
	const restored = await restore(options);
	if (restored.hit) return {
		...restored,
		matchedKey: restored.key
	};
	const partial = options.restoreKeys?.length ? await restorePartial(options, options.restoreKeys) : void 0;
	await partial?.oldTreeRemoved;
	if (partial && await installOver(options)) return {
		...restored,
		matchedKey: partial.matchedKey,
		partial,
		installedWith: "npm install"
	};
	log.info("installing with npm ci");
	await npm(["ci"]);
	return {
		...restored,
		...partial ? {
			matchedKey: partial.matchedKey,
			partial
		} : {},
		installedWith: "npm ci"
	};
}
async function installOver(options) {
	const { log, projectDir, npm } = options;
	const lockfilePath = __ironbotsPath.join(projectDir, "package-lock.json");
	const before = await readFile(lockfilePath);
	log.info("installing over the restored tree with npm install (what matches the lockfile stays)");
	let problem;
	try {
		await npm([
			"install",
			"--no-save",
			"--no-audit",
			"--no-fund"
		]);
	} catch (error) {
		problem = `npm install failed (${error.message.split("\n")[0]})`;
	}
	if (!problem && !before.equals(await readFile(lockfilePath))) problem = "npm install changed package-lock.json (is it out of step with package.json?)";
	if (!before.equals(await readFile(lockfilePath))) await writeFile(lockfilePath, before);
	if (!problem) {
		const { lockfile } = await keyFor(options);
		const mismatches = await verifyTree(projectDir, lockfile.lockfile);
		if (mismatches.length) problem = `the tree npm install left does not match package-lock.json: ${describeMismatches(mismatches)}`;
	}
	if (problem) log.warn(`${problem}; installing with npm ci instead`);
	return !problem;
}
async function save(context) {
	const { key, lockfile } = await keyFor(context);
	const { log, projectDir, report } = context;
	if (report) report.key = key;
	if (!existsSync(__ironbotsPath.join(projectDir, "node_modules"))) throw new Error(`nothing to save: ${__ironbotsPath.join(projectDir, "node_modules")} does not exist (run npm ci first)`);
	const mismatches = await verifyTree(projectDir, lockfile.lockfile);
	if (mismatches.length) {
		const detail = `node_modules does not match package-lock.json, not saving it: ${describeMismatches(mismatches)}`;
		log.warn(detail);
		return {
			key,
			saved: false,
			detail
		};
	}
	let kind = "archive";
	if (context.mount) {
		if ((await squashfsTools()).mksquashfs) kind = "squashfs";
		else log.notice("mount: auto: no mksquashfs here (install squashfs-tools); saving an archive instead");
	}
	const store = context.store.withKind(kind);
	const work = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-npm-cache-"));
	try {
		const archive = __ironbotsPath.join(work, "node_modules.archive");
		let started = performance.now();
		let format = "squashfs";
		if (kind === "squashfs") await createImage(projectDir, archive);
		else format = await createArchive(projectDir, archive);
		const archiveMs = performance.now() - started;
		const archiveBytes = (await stat(archive)).size;
		if (report) report.archiveBytes = archiveBytes;
		log.info(`${kind === "squashfs" ? "made the squashfs image of" : "archived"} node_modules: ${formatBytes(archiveBytes)} (${format}) in ${formatDuration(archiveMs)}`);
		started = performance.now();
		if (!await store.store(key, archive)) {
			const detail = `${store.description} already holds ${key} (or refused it); nothing saved`;
			log.info(detail);
			return {
				key,
				saved: false,
				detail,
				format,
				archiveBytes
			};
		}
		const storeMs = performance.now() - started;
		log.info(`saved node_modules to ${store.description} as ${key} (${format}): ${formatBytes(archiveBytes)} in ${formatDuration(storeMs)} (${formatRate(archiveBytes, storeMs)})`);
		return {
			key,
			saved: true,
			format,
			archiveBytes
		};
	} finally {
		await rm(work, {
			recursive: true,
			force: true
		});
	}
}
async function removeOldTrees(projectDir, log) {
	try {
		const old = (await readdir(projectDir)).filter((name) => name.startsWith(OLD_TREE_PREFIX));
		await Promise.all(old.map((name) => rm(__ironbotsPath.join(projectDir, name), {
			recursive: true,
			force: true
		})));
	} catch (error) {
		log.warn(`could not remove the replaced node_modules in ${projectDir}: ${error.message}`);
	}
}
function describeMismatches(mismatches) {
	const shown = mismatches.slice(0, SHOWN_MISMATCHES).map((m) => `${m.path}: ${m.problem}`);
	const more = mismatches.length - shown.length;
	return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
export { readLockfile as i, restore as n, save as r, install as t };
