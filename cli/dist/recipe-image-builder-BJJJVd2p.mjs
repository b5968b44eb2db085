import { n as defaultCacheDir, t as debianKernel } from "./debian-kernel-DJ8RXD2g.mjs";
import { a as writeGuestInitrd, i as storeRootfsImage, n as bootTestImage, r as imageRecipeFingerprint } from "./busybox-image-builder-Q-lEIcjW.mjs";
import { i as ImageNotFoundError, r as ImageChecksumError, t as downloadVerified } from "./verified-download-D4Tnk3pv.mjs";
import { t as ImageRecipeError } from "./image-recipe-B7kemSZ7.mjs";
import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { createInterface } from "node:readline";
// runner-agent/src/images/base-image.ts
const run = promisify(execFile);
function httpBlobReader(url) {
	return {
		async size() {
			const response = await fetch(url, {
				method: "HEAD",
				redirect: "follow"
			});
			if (response.status === 404 || response.status === 410) return null;
			if (!response.ok) throw new Error(`HEAD ${url}: HTTP ${response.status}`);
			const length = Number(response.headers.get("content-length"));
			if (!Number.isSafeInteger(length) || length <= 0) throw new Error(`HEAD ${url}: no Content-Length, so the download could not be checked for its end`);
			return length;
		},
		async read(_blob, start, signal) {
			const response = await fetch(url, {
				redirect: "follow",
				headers: start > 0 ? { range: `bytes=${start}-` } : {},
				...signal ? { signal } : {}
			});
			if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
			const body = Readable.fromWeb(response.body);
			return start > 0 && response.status === 200 ? body.pipe(skipBytes(start)) : body;
		}
	};
}
function skipBytes(count) {
	let left = count;
	return new Transform({ transform(chunk, _encoding, callback) {
		if (left >= chunk.length) {
			left -= chunk.length;
			return callback();
		}
		const rest = chunk.subarray(left);
		left = 0;
		callback(null, rest);
	} });
}
async function cachedBaseImage(spec, cacheDir, io) {
	return cachedVerifiedDownload(spec, __ironbotsPath.join(cacheDir, "base-images", spec.sha256), "base", io);
}
async function cachedRecipeDownload(spec, cacheDir, io) {
	return cachedVerifiedDownload(spec, __ironbotsPath.join(cacheDir, "downloads", spec.sha256), "download", io);
}
async function cachedVerifiedDownload(spec, dest, kind, io) {
	if (await stat(dest).catch(() => null)) return dest;
	io.log(`downloading ${kind === "base" ? "the base image " : ""}${spec.url}`);
	const { bytes, resumedFrom } = await downloadVerified(httpBlobReader(spec.url), spec.url, `${kind}-${spec.sha256}.qcow2`, dest, io);
	io.log(`downloaded ${(bytes / 1e6).toFixed(1)} MB${resumedFrom ? ` (resumed at ${(resumedFrom / 1e6).toFixed(1)} MB)` : ""}, sha256 verified`);
	return dest;
}
async function unpackBaseImage(file, partition, rootfs, work, log) {
	const info = JSON.parse((await run("qemu-img", [
		"info",
		"--output=json",
		file
	])).stdout);
	log(`unpacking the base image (${info.format}, ${(info["virtual-size"] / 2 ** 30).toFixed(1)} GiB disk)`);
	const raw = __ironbotsPath.join(work, "base.raw");
	await run("qemu-img", [
		"convert",
		"-q",
		"-f",
		info.format,
		"-O",
		"raw",
		file,
		raw
	]);
	const mountPoint = await mkdtemp(__ironbotsPath.join(work, "base-mount-"));
	let loop;
	let mounted = false;
	try {
		const root = await rootPartition(raw, partition);
		log(`copying the root filesystem from ${root.number === void 0 ? "the whole disk" : `partition ${root.number}`}`);
		loop = (await run("losetup", [
			"--find",
			"--show",
			"--read-only",
			...root.number === void 0 ? [] : [
				"--offset",
				String(root.offset),
				"--sizelimit",
				String(root.bytes)
			],
			raw
		])).stdout.trim();
		await run("mount", [
			"-o",
			"ro",
			loop,
			mountPoint
		]).catch((error) => {
			throw new Error(`cannot mount the root filesystem of the base image (${root.number === void 0 ? "whole disk" : `partition ${root.number}`}): ${(error.stderr ?? error.message).trim()}`);
		});
		mounted = true;
		await mkdir(rootfs, { recursive: true });
		await run("cp", [
			"-a",
			`${mountPoint}/.`,
			rootfs
		], { maxBuffer: 16777216 });
	} finally {
		if (mounted) await run("umount", [mountPoint]).catch(() => void 0);
		if (loop) await run("losetup", ["-d", loop]).catch(() => void 0);
		await rm(raw, { force: true });
		await rm(mountPoint, {
			recursive: true,
			force: true
		});
	}
}
async function rootPartition(raw, wanted) {
	const table = await run("sfdisk", ["--json", raw]).then(({ stdout }) => JSON.parse(stdout).partitiontable, (error) => {
		if (error.code === "ENOENT") throw new Error("sfdisk is not installed: apt-get install fdisk");
		if (/does not contain a recognized partition table/.test(error.stderr ?? "")) return void 0;
		throw new Error(`sfdisk cannot read the base image's partition table: ${(error.stderr ?? error.message).trim()}`);
	});
	const sector = table?.sectorsize ?? 512;
	const partitions = (table?.partitions ?? []).map((p) => ({
		number: Number(/(\d+)$/.exec(p.node)?.[1]),
		offset: p.start * sector,
		bytes: p.size * sector
	}));
	if (wanted !== void 0) {
		const found = partitions.find((p) => p.number === wanted);
		if (!found) throw new Error(`the base image has no partition ${wanted} (it has ${partitions.map((p) => p.number).join(", ") || "no partition table"})`);
		return found;
	}
	if (partitions.length === 0) return {
		number: void 0,
		offset: 0,
		bytes: 0
	};
	return partitions.reduce((a, b) => b.bytes > a.bytes ? b : a);
}
// runner-agent/src/images/recipe-image-builder.ts
const GUEST_DIR = __ironbotsPath.join(__ironbotsPath.join(import.meta.dirname, "../../runner-agent/src/images"), "..", "vm", "guest");
const REQUIRED_PACKAGES = [
	"systemd",
	"systemd-sysv",
	"kmod",
	"iproute2"
];
const UNNEEDED_MODULE_DIRS = [
	"sound",
	"drivers/gpu",
	"drivers/media",
	"drivers/infiniband",
	"drivers/net/wireless",
	"drivers/net/ethernet",
	"drivers/staging",
	"drivers/iio",
	"drivers/hwmon",
	"drivers/usb",
	"drivers/scsi",
	"drivers/hid",
	"drivers/bluetooth",
	"drivers/isdn",
	"drivers/input",
	"drivers/mtd",
	"drivers/platform",
	"drivers/net/wwan",
	"drivers/net/can",
	"drivers/net/usb",
	"net/wireless",
	"net/mac80211",
	"net/bluetooth"
];
var RecipeImageBuilder = class {
	#o;
	#cacheDir;
	constructor(options) {
		this.#o = options;
		this.#cacheDir = options.cacheDir ?? defaultCacheDir();
	}
	async buildKey() {
		return createHash("sha256").update(`${this.#o.recipe.hash}\0${await imageRecipeFingerprint()}\0${await readFile(__ironbotsPath.join(GUEST_DIR, "ironbots-guest.service"), "utf8")}`).digest("hex").slice(0, 16);
	}
	async build(name, outDir, io) {
		const { recipe } = this.#o;
		if (name !== recipe.name) throw new Error(`recipe ${recipe.file} builds image "${recipe.name}", not "${name}"`);
		const { spec } = recipe;
		const baseFile = spec.base.image ? await this.#downloadBase(spec.base.image, io) : void 0;
		const downloaded = await this.#downloads(io);
		const kernel = await debianKernel({
			cacheDir: this.#cacheDir,
			log: io.log,
			...spec.kernel !== "debian" ? { packageName: spec.kernel.package } : {}
		});
		await mkdir(outDir, { recursive: true });
		const work = await mkdtemp(__ironbotsPath.join(outDir, `.build-${name}-`));
		try {
			const overlay = __ironbotsPath.join(work, "overlay");
			await this.#prepareOverlay(overlay, kernel, name, downloaded);
			const commandsDir = __ironbotsPath.join(work, "commands");
			await mkdir(commandsDir);
			const hooks = [
				`tar -C ${shellQuote(overlay)} -c . | tar -C "$1" -x --keep-directory-symlink --no-overwrite-dir --no-same-owner`,
				`chroot "$1" depmod -a ${shellQuote(kernel.release)}`,
				"chroot \"$1\" systemctl enable ironbots-guest.service",
				"chroot \"$1\" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer systemd-timesyncd.service getty-static.service getty@tty1.service serial-getty@ttyS0.service 2>/dev/null || true",
				"if [ -d \"$1/etc/cloud\" ]; then touch \"$1/etc/cloud/cloud-init.disabled\"; fi"
			];
			for (const [index, command] of spec.commands.entries()) {
				const file = __ironbotsPath.join(commandsDir, `${index}.sh`);
				await writeFile(file, command);
				hooks.push(`echo ${shellQuote(`${COMMAND_MARK}${index}`)} && chroot "$1" /bin/sh -ec "$(cat ${shellQuote(file)})"`);
			}
			const rootfs = __ironbotsPath.join(work, "rootfs");
			const packages = [.../* @__PURE__ */ new Set([...REQUIRED_PACKAGES, ...spec.packages])];
			if (spec.base.debian) await this.#bootstrap(spec.base.debian, packages, hooks, rootfs, kernel, io);
			else if (spec.base.image && baseFile) await this.#fromImage(spec.base.image, baseFile, packages, hooks, rootfs, work, io);
			io.signal?.throwIfAborted();
			await writeGuestInitrd({
				modulesDir: kernel.modulesDir,
				busybox: this.#o.busybox ?? "/usr/bin/busybox",
				work,
				io
			});
			await mkdir(__ironbotsPath.join(rootfs, "boot"), { recursive: true });
			await cp(kernel.vmlinuz, __ironbotsPath.join(rootfs, "boot", "vmlinuz"));
			await cp(__ironbotsPath.join(work, "initrd.gz"), __ironbotsPath.join(rootfs, "boot", "initrd"));
			return await storeRootfsImage({
				name,
				rootfs,
				work,
				outDir,
				megabytes: spec["disk-megabytes"],
				fsType: "ext4",
				io
			});
		} finally {
			await rm(work, {
				recursive: true,
				force: true
			});
		}
	}
	async #bootstrap(base, packages, hooks, rootfs, kernel, io) {
		const { recipe } = this.#o;
		const mirror = base.mirror ?? await (this.#o.defaultMirror ?? hostDebianMirror)();
		io.log(`building ${recipe.name} from ${__ironbotsPath.basename(recipe.file)}: Debian ${base.suite} (${base.variant}) from ${mirror}, kernel ${kernel.release}`);
		const args = [
			"--mode=root",
			`--variant=${base.variant}`,
			`--include=${packages.join(",")}`,
			"--aptopt=APT::Install-Recommends \"false\"",
			"--aptopt=Acquire::Languages \"none\"",
			...[
				"/usr/share/man/*",
				"/usr/share/doc/*",
				"/usr/share/info/*",
				"/usr/share/locale/*",
				"/usr/share/lintian/*"
			].map((p) => `--dpkgopt=path-exclude=${p}`),
			"--dpkgopt=path-include=/usr/share/doc/*/copyright",
			...hooks.map((hook) => `--customize-hook=${hook}`),
			base.suite,
			rootfs,
			mirror
		];
		io.log(`mmdebstrap ${base.suite} with ${packages.length} packages and ${recipe.spec.commands.length} commands`);
		await this.#runLogged("mmdebstrap", args, io);
	}
	async #downloadBase(base, io) {
		const { recipe } = this.#o;
		try {
			return await cachedBaseImage(base, this.#cacheDir, {
				log: io.log,
				...io.signal ? { signal: io.signal } : {}
			});
		} catch (error) {
			throw recipeDownloadError(recipe, ["base", "image"], base.url, error);
		}
	}
	async #downloads(io) {
		const { recipe } = this.#o;
		const files = [];
		for (const [index, download] of (recipe.spec.downloads ?? []).entries()) try {
			const file = await cachedRecipeDownload(download, this.#cacheDir, {
				log: io.log,
				...io.signal ? { signal: io.signal } : {}
			});
			files.push({
				file,
				path: download.path
			});
		} catch (error) {
			throw recipeDownloadError(recipe, ["downloads", index], download.url, error);
		}
		return files;
	}
	async #fromImage(base, file, packages, hooks, rootfs, work, io) {
		const { recipe } = this.#o;
		io.log(`building ${recipe.name} from ${__ironbotsPath.basename(recipe.file)}: the disk image ${base.url}`);
		await unpackBaseImage(file, base.partition, rootfs, work, io.log);
		const script = [
			"set -e",
			"cleanup() { umount \"$1/dev\" \"$1/sys\" \"$1/proc\" 2>/dev/null || true; rm -f \"$1/usr/sbin/policy-rc.d\"; if [ -e \"$1/etc/resolv.conf.ironbots\" ] || [ -L \"$1/etc/resolv.conf.ironbots\" ]; then rm -f \"$1/etc/resolv.conf\"; mv \"$1/etc/resolv.conf.ironbots\" \"$1/etc/resolv.conf\"; fi; }",
			`trap 'cleanup "$1"' EXIT`,
			"[ -x \"$1/usr/bin/apt-get\" ] || { echo \"E: the base image has no /usr/bin/apt-get: only apt-based images can be customized\"; exit 1; }",
			"mount -t proc proc \"$1/proc\" && mount -t sysfs sysfs \"$1/sys\" && mount --bind /dev \"$1/dev\"",
			"if [ -e \"$1/etc/resolv.conf\" ] || [ -L \"$1/etc/resolv.conf\" ]; then mv \"$1/etc/resolv.conf\" \"$1/etc/resolv.conf.ironbots\"; fi",
			"cp /etc/resolv.conf \"$1/etc/resolv.conf\"",
			"printf \"#!/bin/sh\\nexit 101\\n\" >\"$1/usr/sbin/policy-rc.d\" && chmod 755 \"$1/usr/sbin/policy-rc.d\"",
			"chroot \"$1\" apt-get update -q",
			`chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages.map(shellQuote).join(" ")}`,
			...hooks,
			"chroot \"$1\" apt-get clean"
		].join("\n");
		io.log(`installing ${packages.length} packages and running ${recipe.spec.commands.length} commands in the image`);
		await this.#runLogged("sh", [
			"-c",
			script,
			"sh",
			rootfs
		], io);
	}
	async #prepareOverlay(overlay, kernel, name, downloads) {
		const { recipe } = this.#o;
		await mkdir(__ironbotsPath.join(overlay, "etc", "systemd", "system"), { recursive: true });
		await mkdir(__ironbotsPath.join(overlay, "usr", "local", "sbin"), { recursive: true });
		await cp(__ironbotsPath.join(GUEST_DIR, "guest-agent.sh"), __ironbotsPath.join(overlay, "usr", "local", "sbin", "ironbots-guest"));
		await cp(__ironbotsPath.join(GUEST_DIR, "ironbots-guest.service"), __ironbotsPath.join(overlay, "etc", "systemd", "system", "ironbots-guest.service"));
		await writeFile(__ironbotsPath.join(overlay, "etc", "ironbots-image"), `${name} ${kernel.release}\n`);
		await writeFile(__ironbotsPath.join(overlay, "etc", "ironbots-init"), "/lib/systemd/systemd\n");
		await writeFile(__ironbotsPath.join(overlay, "etc", "hostname"), `${name}\n`);
		await writeFile(__ironbotsPath.join(overlay, "etc", "fstab"), "/dev/vda / ext4 rw,errors=remount-ro 0 1\n");
		const modules = __ironbotsPath.join(overlay, "usr", "lib", "modules", kernel.release);
		await cp(kernel.modulesDir, modules, {
			recursive: true,
			filter: (source) => {
				const relative = __ironbotsPath.relative(__ironbotsPath.join(kernel.modulesDir, "kernel"), source);
				return !UNNEEDED_MODULE_DIRS.some((dir) => relative === dir || relative.startsWith(`${dir}/`));
			}
		});
		for (const file of recipe.spec.files) {
			const target = __ironbotsPath.join(overlay, file.path);
			await mkdir(__ironbotsPath.dirname(target), { recursive: true });
			await writeFile(target, file.content, { mode: Number.parseInt(file.mode, 8) });
		}
		for (const download of downloads) {
			const target = __ironbotsPath.join(overlay, download.path);
			await mkdir(__ironbotsPath.dirname(target), { recursive: true });
			await cp(download.file, target);
		}
		await chmodAll(overlay, recipe);
	}
	#runLogged(program, args, io) {
		const { recipe } = this.#o;
		return new Promise((resolve, reject) => {
			const child = spawn(program, args, {
				stdio: [
					"ignore",
					"pipe",
					"pipe"
				],
				env: {
					PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
					LANG: "C.UTF-8",
					DEBIAN_FRONTEND: "noninteractive"
				},
				...io.signal ? { signal: io.signal } : {}
			});
			const tail = [];
			let command;
			let missingPackage;
			const onLine = (line) => {
				if (!line) return;
				if (line.startsWith(COMMAND_MARK)) {
					command = Number(line.slice(COMMAND_MARK.length));
					tail.length = 0;
					io.log(`  running command ${command + 1}: ${recipe.spec.commands[command].split("\n")[0]}`);
					return;
				}
				missingPackage ??= /E: Unable to locate package (\S+)/.exec(line)?.[1] ?? /Package '([^']+)' has no installation candidate/.exec(line)?.[1];
				tail.push(line);
				if (tail.length > 15) tail.shift();
				if (/^[IWE]: /.test(line) || command !== void 0) io.log(`  ${line}`);
			};
			createInterface({
				input: child.stdout,
				crlfDelay: Infinity
			}).on("line", onLine);
			createInterface({
				input: child.stderr,
				crlfDelay: Infinity
			}).on("line", onLine);
			child.once("error", (error) => reject(error.code === "ENOENT" && program === "mmdebstrap" ? /* @__PURE__ */ new Error("mmdebstrap is not installed: apt-get install mmdebstrap (bash dev/run setup does)") : error));
			child.once("close", (code) => {
				if (code === 0) return resolve();
				const output = tail.filter((l) => !l.startsWith("I: ")).slice(-8).join("\n    ") || "(no output)";
				if (missingPackage) {
					const index = recipe.spec.packages.findIndex((p) => p.replace(/=.*/, "") === missingPackage);
					const at = index >= 0 ? recipe.locate(["packages", index]) : {
						file: recipe.file,
						line: void 0
					};
					return reject(new ImageRecipeError(at.file, at.line, index >= 0 ? `packages.${index}` : "packages", `no package "${missingPackage}" in ${recipe.spec.base.debian ? "this suite's mirror" : "the base image's apt sources"}`));
				}
				if (command !== void 0) return reject(new ImageRecipeError(recipe.locate(["commands", command]).file, recipe.locate(["commands", command]).line, `commands.${command}`, `the command failed (exit ${code}); its output ends:\n    ${output}`));
				reject(/* @__PURE__ */ new Error(`${program} failed (exit ${code}) building ${recipe.name}:\n    ${output}`));
			});
		});
	}
	bootTest(image, io) {
		return bootTestImage(image, io, {
			stateRoot: __ironbotsPath.join(this.#cacheDir, "boot-test"),
			extraCheck: {
				script: "cat /proc/1/comm && ip -4 -o addr show dev eth0",
				expect: (output) => !/^systemd$/m.test(output) ? "PID 1 is not systemd" : !output.includes("10.0.2.15/24") ? "eth0 has no user-mode network address" : null
			}
		});
	}
};
function recipeDownloadError(recipe, at, url, error) {
	const field = (key) => {
		const where = recipe.locate([...at, key]);
		return [
			where.file,
			where.line,
			[...at, key].join(".")
		];
	};
	if (error instanceof ImageChecksumError) return new ImageRecipeError(...field("sha256"), `the ${at[0] === "base" ? "image" : "file"} downloaded from ${url} has sha256 ${error.actual}, not this one; the download was deleted`);
	if (error instanceof ImageNotFoundError) return new ImageRecipeError(...field("url"), `nothing to download at ${url}`);
	return error;
}
const COMMAND_MARK = "ironbots-recipe-command ";
async function chmodAll(overlay, recipe) {
	await chmod(__ironbotsPath.join(overlay, "usr", "local", "sbin", "ironbots-guest"), 493);
	for (const file of recipe.spec.files) await chmod(__ironbotsPath.join(overlay, file.path), Number.parseInt(file.mode, 8));
	for (const download of recipe.spec.downloads ?? []) await chmod(__ironbotsPath.join(overlay, download.path), 420);
	for (const entry of await readdir(overlay, {
		recursive: true,
		withFileTypes: true
	})) if (entry.isDirectory()) await chmod(__ironbotsPath.join(entry.parentPath, entry.name), 493);
}
async function hostDebianMirror() {
	const files = ["/etc/apt/sources.list", ...(await readdir("/etc/apt/sources.list.d").catch(() => [])).filter((f) => f.endsWith(".list") || f.endsWith(".sources")).map((f) => __ironbotsPath.join("/etc/apt/sources.list.d", f))];
	for (const file of files) {
		const text = await readFile(file, "utf8").catch(() => "");
		for (const match of text.matchAll(/^(?:deb\s+(?:\[[^\]]*\]\s+)?(\S+)|URIs:\s*(\S+))/gm)) {
			const uri = match[1] ?? match[2];
			if (/\/debian\/?$/.test(uri)) return uri.replace(/\/$/, "");
		}
	}
	throw new Error("no Debian mirror in /etc/apt/sources.list*: set base.debian.mirror in the recipe");
}
function shellQuote(word) {
	return `'${word.replaceAll("'", "'\\''")}'`;
}
export { hostDebianMirror as n, RecipeImageBuilder as t };
