import { n as silentLogger } from "./logger-DmVYEbjU.mjs";
import { a as explainVm, c as Qmp, d as guestNetwork, f as OutputUntilTrailer, h as BaseImageError, i as shellQuote, m as parseControl, n as createOverlay, o as killAndWait, p as newTrailer, r as resumeRestoredVm, s as runningQemuOf, t as VmMachinery, u as listenForPort } from "./vm-machinery-BgE6y-mn.mjs";
import { r as sha256File } from "./files-BFd2A-oQ.mjs";
import { n as defaultCacheDir, r as moduleLoadOrder, t as debianKernel } from "./debian-kernel-DJ8RXD2g.mjs";
import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { createHash, randomBytes } from "node:crypto";
import { createGzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { createInterface } from "node:readline";
// runner-agent/src/executors/vm-executor.ts
function vmMachineryFor(options) {
	return new VmMachinery({
		bootFilesDir: options.bootFilesDir ?? __ironbotsPath.join(options.stateDir, "boot-files"),
		...options.savedStates === false ? {} : { savedStatesDir: options.savedStatesDir ?? __ironbotsPath.join(options.stateDir, "vm-states") },
		...options.logger ? { logger: options.logger } : {},
		...options.accelerator ? { accelerator: options.accelerator } : {},
		...options.bootTimeoutMs ? { bootTimeoutMs: options.bootTimeoutMs } : {},
		...options.memoryMegabytes ? { memoryMegabytes: options.memoryMegabytes } : {},
		...options.qemuPath ? { qemuPath: options.qemuPath } : {},
		...options.kernelArguments ? { kernelArguments: options.kernelArguments } : {}
	});
}
var VmExecutor = class {
	name = "vm";
	#o;
	#logger;
	#jobsDir;
	#vm;
	constructor(options) {
		this.#o = options;
		this.#logger = options.logger ?? silentLogger();
		this.#jobsDir = __ironbotsPath.join(options.stateDir, "jobs");
		this.#vm = vmMachineryFor(options);
	}
	accelerator() {
		return this.#vm.accelerator();
	}
	async labels() {
		return (await this.accelerator()).mode === "kvm" ? ["executor:vm", "kvm"] : ["executor:vm"];
	}
	async reapLeftovers() {
		let killed = 0;
		const statesDir = this.#o.savedStatesDir ?? __ironbotsPath.join(this.#o.stateDir, "vm-states");
		const dirs = [...(await readdir(this.#jobsDir).catch(() => [])).map((e) => __ironbotsPath.join(this.#jobsDir, e)), ...(await readdir(statesDir).catch(() => [])).filter((e) => e.startsWith(".saving-")).map((e) => __ironbotsPath.join(statesDir, e))];
		for (const jobDir of dirs) {
			const pid = await runningQemuOf(jobDir);
			if (pid) {
				this.#logger.warn({
					pid,
					jobDir
				}, "killing a VM a previous agent left running");
				await killAndWait(pid);
				killed++;
			}
			await rm(jobDir, {
				recursive: true,
				force: true
			});
		}
		return killed;
	}
	async reapOrphans(liveJobIds) {
		let killed = 0;
		for (const entry of await readdir(this.#jobsDir).catch(() => [])) {
			const jobDir = __ironbotsPath.join(this.#jobsDir, entry);
			const record = await readFile(__ironbotsPath.join(jobDir, "job.json"), "utf8").then((text) => JSON.parse(text), () => null);
			if (record?.jobId !== void 0 && liveJobIds.has(record.jobId)) continue;
			if (!record) {
				const made = await stat(jobDir).catch(() => null);
				if (!made || Date.now() - made.mtimeMs < 6e4) continue;
			}
			const pid = await runningQemuOf(jobDir);
			if (pid) {
				this.#logger.warn({
					pid,
					jobDir,
					jobId: record?.jobId
				}, "killing a VM with no live job");
				await killAndWait(pid);
				killed++;
			}
			await rm(jobDir, {
				recursive: true,
				force: true
			});
		}
		return killed;
	}
	async run(request, io) {
		const started = performance.now();
		let note;
		const result = (outcome) => ({
			outcome,
			durationMs: performance.now() - started,
			...note ? { note } : {}
		});
		const log = this.#logger.child({
			jobId: request.jobId,
			executor: "vm"
		});
		if (io.signal.aborted) return result({ kind: "cancelled" });
		if (!request.image) {
			io.onOutput(Buffer.from("ironbots: the vm executor needs an image: set `image:` for this context\n"));
			return result({
				kind: "exited",
				exitCode: 125
			});
		}
		let accelerator;
		let baseImage;
		let boot;
		try {
			accelerator = await this.accelerator();
			note = accelerator.mode === "kvm" ? "VM, KVM" : "VM, TCG without KVM";
			baseImage = await this.#resolveImage(request, io);
			boot = await this.#vm.bootFiles(baseImage, (line) => log.info(line));
		} catch (error) {
			const message = error.message;
			log.error({ err: error }, "cannot prepare the VM");
			return result({
				kind: "infrastructure-error",
				message: `cannot prepare the VM: ${message}`
			});
		}
		const jobDir = __ironbotsPath.join(this.#jobsDir, `${request.jobId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60)}-${randomBytes(4).toString("hex")}`);
		try {
			const share = __ironbotsPath.join(jobDir, "share");
			await mkdir(share, {
				recursive: true,
				mode: 448
			});
			await writeFile(__ironbotsPath.join(jobDir, "job.json"), JSON.stringify({
				jobId: request.jobId,
				baseImage
			}));
			await writeFile(__ironbotsPath.join(share, "workdir"), request.workdir);
			const network = await guestNetwork(request.network ?? "user");
			await writeFile(__ironbotsPath.join(share, "network"), network.mode);
			io.log?.(network.describe);
			await writeFile(__ironbotsPath.join(share, "command.sh"), guestCommandScript({
				...request,
				env: {
					...request.env,
					...network.env
				}
			}), { mode: 384 });
			const trailer = newTrailer();
			await writeFile(__ironbotsPath.join(share, "trailer"), trailer);
			const saved = await this.#vm.savedState({
				baseImage,
				boot,
				accelerator,
				network: network.mode
			}, (line) => io.log?.(line));
			for (const attempt of saved ? [saved, void 0] : [void 0]) {
				const name = `${__ironbotsPath.basename(jobDir)}${attempt ? "-restore" : ""}`;
				const overlay = __ironbotsPath.join(jobDir, "overlay.qcow2");
				const backing = attempt?.disk ?? baseImage;
				try {
					await createOverlay(backing, overlay);
				} catch (error) {
					log.error({
						baseImage: backing,
						err: error
					}, "cannot create the overlay");
					return result({
						kind: "infrastructure-error",
						message: error.message
					});
				}
				const output = await listenForPort(`ironbots-vm-output-${name}`);
				const control = await listenForPort(`ironbots-vm-control-${name}`);
				const qmp = attempt ? await listenForPort(`ironbots-vm-qmp-${name}`) : void 0;
				let outcome;
				try {
					outcome = await this.#boot({
						request,
						io,
						accelerator,
						boot,
						baseImage,
						trailer,
						jobDir,
						overlay,
						share,
						network,
						output,
						control,
						log,
						result,
						...attempt && qmp ? { restore: {
							state: attempt,
							qmp
						} } : {}
					});
				} finally {
					output.close();
					control.close();
					qmp?.close();
					await rm(overlay, { force: true });
				}
				if (attempt && !outcome.started && outcome.result.outcome.kind === "infrastructure-error") {
					const why = outcome.result.outcome.message;
					log.warn({ why }, "the saved VM state did not restore: booting cold");
					io.log?.(`warning: the saved VM state did not restore (${why}): booting cold`);
					await this.#vm.discardState(attempt);
					continue;
				}
				return outcome.result;
			}
			return result({
				kind: "infrastructure-error",
				message: "the VM executor made no attempt"
			});
		} finally {
			await rm(jobDir, {
				recursive: true,
				force: true
			});
		}
	}
	async #resolveImage(request, io) {
		const image = request.image;
		if (__ironbotsPath.isAbsolute(image)) return image;
		if (!this.#o.imageResolver) throw new BaseImageError(`image "${image}" is not a path and this agent has no image resolver`);
		return this.#o.imageResolver.resolve(image, request.workdir, {
			log: (line) => io.onOutput(Buffer.from(`ironbots: ${line}\n`)),
			signal: io.signal
		});
	}
	#boot(job) {
		const { request, io, accelerator, jobDir, log, result, restore } = job;
		const bootTimeoutMs = restore ? this.#vm.restoreTimeoutMs(accelerator) : this.#vm.bootTimeoutMs(accelerator);
		const args = this.#vm.qemuArgs({
			dir: jobDir,
			boot: job.boot,
			disk: job.overlay,
			outputSocket: job.output.name,
			controlSocket: job.control.name,
			share: job.share,
			workdir: request.workdir,
			nic: job.network.nic,
			...restore ? {
				qmpSocket: restore.qmp.name,
				incoming: restore.state.memory
			} : {}
		}, accelerator);
		log.info({
			accelerator: accelerator.mode,
			jobDir,
			restore: !!restore
		}, "starting the job VM");
		io.log?.(restore ? `restoring a saved VM state of ${__ironbotsPath.basename(job.baseImage)} under ${accelerator.describe}` : `booting a VM of ${__ironbotsPath.basename(job.baseImage)} under ${accelerator.describe}`);
		return new Promise((resolveAttempt) => {
			let started = false;
			const resolve = (r) => resolveAttempt({
				result: r,
				started
			});
			const qemu = spawn(this.#vm.qemuPath, args, {
				stdio: [
					"ignore",
					"ignore",
					"pipe"
				],
				env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }
			});
			const bootStarted = performance.now();
			let stopReason;
			let exitCode;
			let guestError;
			let commandTimer;
			let outputGrace;
			let stderr = "";
			const stop = (reason) => {
				if (stopReason || exitCode !== void 0) return;
				stopReason = reason;
				qemu.kill("SIGKILL");
			};
			const bootTimer = setTimeout(() => stop({ boot: `the VM did not boot within ${Math.round(bootTimeoutMs / 1e3)} s (${accelerator.mode})` }), bootTimeoutMs);
			const onAbort = () => stop("cancelled");
			io.signal.addEventListener("abort", onAbort, { once: true });
			if (io.signal.aborted) onAbort();
			const output = new OutputUntilTrailer(job.trailer, (chunk) => io.onOutput(chunk));
			const onOutputData = (chunk) => {
				if (output.push(chunk)) finishIfComplete();
			};
			const finishIfComplete = () => {
				if (output.complete && exitCode !== void 0) qemu.kill("SIGKILL");
			};
			const outputDone = job.output.connection.then((socket) => new Promise((done) => {
				socket.on("data", onOutputData);
				socket.once("close", () => done());
			}));
			qemu.stderr.on("data", (d) => stderr = (stderr + d.toString("utf8")).slice(-2e3));
			const controlDone = job.control.connection.then((socket) => new Promise((done) => {
				createInterface({ input: socket }).on("line", (line) => onControl(line, socket)).on("error", () => void 0).once("close", done);
			}));
			if (restore) Promise.all([restore.qmp.connection, job.control.connection]).then(async ([qmpSocket, controlSocket]) => {
				await resumeRestoredVm(new Qmp(qmpSocket), bootTimeoutMs);
				io.log?.(`restored the saved VM state in ${((performance.now() - bootStarted) / 1e3).toFixed(1)} s`);
				controlSocket.write(`job ${Math.floor(Date.now() / 1e3)} restored\n`);
			}).catch((error) => {
				guestError = `cannot restore the saved state: ${error.message}`;
				qemu.kill("SIGKILL");
			});
			function onControl(line, socket) {
				const message = parseControl(line);
				if (!message) return;
				if (message.type === "ready") socket.write(`job ${Math.floor(Date.now() / 1e3)}\n`);
				else if (message.type === "booted") {
					log.info({
						kernel: message.kernel,
						accelerator: accelerator.mode
					}, "guest booted");
					io.log?.(`guest booted (kernel ${message.kernel}, ${accelerator.mode.toUpperCase()}) in ${((performance.now() - bootStarted) / 1e3).toFixed(1)} s`);
				} else if (message.type === "started") {
					started = true;
					clearTimeout(bootTimer);
					io.onStarted?.(performance.timeOrigin + performance.now());
					commandTimer = setTimeout(() => stop("timed-out"), Math.min(request.timeoutMs, 2 ** 31 - 1));
				} else if (message.type === "exit") {
					exitCode = message.code;
					finishIfComplete();
					outputGrace = setTimeout(() => qemu.kill("SIGKILL"), 3e4);
				} else if (message.type === "error") guestError = message.message;
			}
			qemu.once("error", (error) => {
				guestError = `cannot run qemu: ${error.message}`;
			});
			qemu.once("close", (code, signal) => {
				clearTimeout(bootTimer);
				clearTimeout(commandTimer);
				clearTimeout(outputGrace);
				io.signal.removeEventListener("abort", onAbort);
				Promise.race([Promise.all([outputDone, controlDone]), new Promise((r) => setTimeout(r, 2e3))]).then(() => explainVm(jobDir, stderr)).then((why) => {
					if (exitCode !== void 0) {
						if (!output.complete) {
							output.flush();
							log.warn("the VM stopped before the end of the job output arrived");
						}
						return resolve(result({
							kind: "exited",
							exitCode
						}));
					}
					if (stopReason === "timed-out" || stopReason === "cancelled") {
						log.info({ reason: stopReason }, "job VM stopped");
						return resolve(result({ kind: stopReason }));
					}
					const message = stopReason ? `${stopReason.boot}${why}` : guestError ? `the guest failed: ${guestError}${why}` : `the VM stopped before the command finished (qemu ${signal ?? `exit ${code}`})${why}`;
					log.error({ message }, "job VM failed");
					resolve(result({
						kind: "infrastructure-error",
						message
					}));
				});
			});
		});
	}
};
function guestCommandScript(request) {
	const env = Object.entries(request.env).map(([k, v]) => shellQuote(`${k}=${v}`));
	return [
		`cd ${shellQuote(request.workdir)} || exit 125`,
		`exec env -i ${[...env, ...request.argv.map(shellQuote)].join(" ")}`,
		""
	].join("\n");
}
// runner-agent/src/images/busybox-image-builder.ts
const run = promisify(execFile);
const GUEST_MODULES = [
	"virtio_pci",
	"virtio_blk",
	"virtio_console",
	"crc32c_generic",
	"ext4",
	"9pnet_virtio",
	"9p",
	"virtio_net"
];
const GUEST_DIR = __ironbotsPath.join(__ironbotsPath.join(import.meta.dirname, "../../runner-agent/src/images"), "..", "vm", "guest");
async function imageRecipeFingerprint() {
	const hash = createHash("sha256").update(GUEST_MODULES.join(","));
	for (const file of ["initrd-init.sh", "guest-agent.sh"]) hash.update("\0").update(await readFile(__ironbotsPath.join(GUEST_DIR, file)));
	return hash.digest("hex").slice(0, 16);
}
var BusyboxImageBuilder = class {
	#o;
	#cacheDir;
	constructor(options = {}) {
		this.#o = options;
		this.#cacheDir = options.cacheDir ?? defaultCacheDir();
	}
	async build(name, outDir, io) {
		if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name)) throw new Error(`image name "${name}": use lower-case letters, digits, '.', '_' and '-'`);
		const busybox = this.#o.busybox ?? "/usr/bin/busybox";
		await mkdir(outDir, { recursive: true });
		const kernel = await debianKernel({
			cacheDir: this.#cacheDir,
			log: io.log,
			...this.#o.kernelPackage ? { packageName: this.#o.kernelPackage } : {}
		});
		const work = await mkdtemp(__ironbotsPath.join(outDir, `.build-${name}-`));
		try {
			const checkAbort = () => io.signal?.throwIfAborted();
			io.log(`building ${name}: kernel ${kernel.release}, busybox ${busybox}`);
			const rootfs = __ironbotsPath.join(work, "rootfs");
			for (const dir of [
				"bin",
				"sbin",
				"boot",
				"etc",
				"proc",
				"sys",
				"dev",
				"run",
				"root",
				"tmp"
			]) await mkdir(__ironbotsPath.join(rootfs, dir), { recursive: true });
			await chmod(__ironbotsPath.join(rootfs, "tmp"), 1023);
			await copyFile(busybox, __ironbotsPath.join(rootfs, "bin", "busybox"));
			const { stdout: applets } = await run(busybox, ["--list"]);
			for (const applet of applets.split("\n").filter((a) => a && a !== "busybox")) await symlink("busybox", __ironbotsPath.join(rootfs, "bin", applet));
			await copyFile(__ironbotsPath.join(GUEST_DIR, "guest-agent.sh"), __ironbotsPath.join(rootfs, "sbin", "ironbots-guest"));
			await chmod(__ironbotsPath.join(rootfs, "sbin", "ironbots-guest"), 493);
			await writeFile(__ironbotsPath.join(rootfs, "etc", "ironbots-image"), `${name} ${kernel.release}\n`);
			await writeFile(__ironbotsPath.join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
			await writeFile(__ironbotsPath.join(rootfs, "etc", "group"), "root:x:0:\n");
			await copyFile(kernel.vmlinuz, __ironbotsPath.join(rootfs, "boot", "vmlinuz"));
			await writeGuestInitrd({
				modulesDir: kernel.modulesDir,
				busybox,
				work,
				io
			});
			await rename(__ironbotsPath.join(work, "initrd.gz"), __ironbotsPath.join(rootfs, "boot", "initrd"));
			checkAbort();
			return await storeRootfsImage({
				name,
				rootfs,
				work,
				outDir,
				megabytes: this.#o.rootfsMegabytes ?? 256,
				fsType: "ext2",
				io
			});
		} finally {
			await rm(work, {
				recursive: true,
				force: true
			});
		}
	}
	bootTest(image, io) {
		return bootTestImage(image, io, { stateRoot: this.#o.bootTestStateDir ?? __ironbotsPath.join(this.#cacheDir, "boot-test") });
	}
};
async function writeGuestInitrd(options) {
	const modules = await moduleLoadOrder(options.modulesDir, GUEST_MODULES);
	options.io.log(`initramfs with modules ${modules.map((m) => m.name).join(" ")}`);
	const initrdTree = __ironbotsPath.join(options.work, "initrd");
	await mkdir(__ironbotsPath.join(initrdTree, "bin"), { recursive: true });
	await mkdir(__ironbotsPath.join(initrdTree, "modules"));
	await copyFile(options.busybox, __ironbotsPath.join(initrdTree, "bin", "busybox"));
	await copyFile(__ironbotsPath.join(GUEST_DIR, "initrd-init.sh"), __ironbotsPath.join(initrdTree, "init"));
	await chmod(__ironbotsPath.join(initrdTree, "init"), 493);
	for (const module of modules) await copyFile(module.file, __ironbotsPath.join(initrdTree, "modules", `${module.name}.ko`));
	await writeFile(__ironbotsPath.join(initrdTree, "modules", "modules.order"), modules.map((m) => `${m.name}\n`).join(""));
	await writeCpioGzip(initrdTree, __ironbotsPath.join(options.work, "initrd.gz"));
	await rm(initrdTree, { recursive: true });
}
async function storeRootfsImage(options) {
	const { name, io } = options;
	io.log(`making a ${options.megabytes} MiB ${options.fsType} root filesystem`);
	const raw = __ironbotsPath.join(options.work, "rootfs.raw");
	await run("mke2fs", [
		"-q",
		"-F",
		"-t",
		options.fsType,
		"-L",
		name.slice(0, 16),
		"-E",
		"root_owner=0:0",
		"-d",
		options.rootfs,
		raw,
		`${options.megabytes}M`
	]).catch((error) => {
		throw new Error(`mke2fs failed: ${(error.stderr ?? error.message).trim().split("\n").slice(-3).join(" / ")}`);
	});
	io.signal?.throwIfAborted();
	io.log("converting to qcow2");
	const qcow2 = __ironbotsPath.join(options.work, "image.qcow2");
	await run("qemu-img", [
		"convert",
		"-q",
		"-f",
		"raw",
		"-O",
		"qcow2",
		raw,
		qcow2
	]);
	await rm(raw);
	const sha256 = await sha256File(qcow2);
	const finalPath = __ironbotsPath.join(options.outDir, `${name}-${sha256}.qcow2`);
	await rename(qcow2, finalPath);
	const { size } = await stat(finalPath);
	io.log(`built ${__ironbotsPath.basename(finalPath)} (${(size / 1e6).toFixed(1)} MB)`);
	return {
		name,
		path: finalPath,
		sha256,
		bytes: size
	};
}
async function bootTestImage(image, io, options) {
	const root = options.stateRoot;
	await mkdir(root, { recursive: true });
	const stateDir = await mkdtemp(__ironbotsPath.join(root, "vm-"));
	const workdir = __ironbotsPath.join(stateDir, "workdir");
	await mkdir(workdir);
	try {
		const executor = new VmExecutor({ stateDir: __ironbotsPath.join(stateDir, "state") });
		io.log(`boot-testing ${__ironbotsPath.basename(image.path)} (${(await executor.accelerator()).describe})`);
		const chunks = [];
		const result = await executor.run({
			jobId: `boot-test-${image.name}`,
			argv: [
				"sh",
				"-c",
				`cat /etc/ironbots-image && echo written >boot-test.txt${options.extraCheck ? ` && ${options.extraCheck.script}` : ""}`
			],
			workdir,
			env: { PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" },
			timeoutMs: 12e4,
			image: image.path
		}, {
			onOutput: (chunk) => chunks.push(chunk),
			signal: io.signal ?? new AbortController().signal
		});
		const output = Buffer.concat(chunks).toString("utf8").trim();
		if (result.outcome.kind !== "exited" || result.outcome.exitCode !== 0) throw new Error(`boot test of ${image.name} failed: ${JSON.stringify(result.outcome)}; output: ${output || "(none)"}`);
		if (!output.startsWith(`${image.name} `)) throw new Error(`boot test of ${image.name}: the guest printed "${output}", not its image name`);
		const problem = options.extraCheck?.expect(output);
		if (problem) throw new Error(`boot test of ${image.name}: ${problem}; output: ${output}`);
		if (await readFile(__ironbotsPath.join(workdir, "boot-test.txt"), "utf8") !== "written\n") throw new Error(`boot test of ${image.name}: the guest could not write to the shared working directory`);
		io.log(`boot test passed: the guest runs ${output.split("\n")[0]} (${(result.durationMs / 1e3).toFixed(1)} s)`);
	} finally {
		await rm(stateDir, {
			recursive: true,
			force: true
		});
	}
}
async function writeCpioGzip(tree, file) {
	const { stdout } = await run("find", [
		".",
		"-mindepth",
		"1"
	], { cwd: tree });
	const cpio = spawn("cpio", [
		"--quiet",
		"-o",
		"-H",
		"newc",
		"--owner",
		"0:0"
	], {
		cwd: tree,
		stdio: [
			"pipe",
			"pipe",
			"pipe"
		]
	});
	let stderr = "";
	cpio.stderr.on("data", (d) => stderr += d.toString());
	const exited = new Promise((resolve, reject) => {
		cpio.once("error", reject);
		cpio.once("close", (code) => code === 0 ? resolve() : reject(/* @__PURE__ */ new Error(`cpio failed (${code}): ${stderr.trim()}`)));
	});
	cpio.stdin.end(stdout);
	await Promise.all([pipeline(cpio.stdout, createGzip(), createWriteStream(file)), exited]);
}
export { writeGuestInitrd as a, storeRootfsImage as i, bootTestImage as n, VmExecutor as o, imageRecipeFingerprint as r, BusyboxImageBuilder as t };
