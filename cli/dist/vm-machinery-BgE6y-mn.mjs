import { n as silentLogger } from "./logger-DmVYEbjU.mjs";
import { r as sha256File } from "./files-BFd2A-oQ.mjs";
import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { constants, existsSync } from "node:fs";
import os from "node:os";
import { access, mkdir, mkdtemp, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { createHash, randomBytes } from "node:crypto";
import { connect, createServer } from "node:net";
import { createInterface } from "node:readline";
// runner-agent/src/vm/boot-files.ts
const run$2 = promisify(execFile);
const CONTENT_ADDRESSED = /-([0-9a-f]{64})\.qcow2$/;
var BaseImageError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "BaseImageError";
	}
};
var BootFilesCache = class {
	#dir;
	#pending = /* @__PURE__ */ new Map();
	constructor(dir) {
		this.#dir = dir;
	}
	async get(baseImage, log) {
		if (!existsSync(baseImage)) throw new BaseImageError(`base image ${baseImage} does not exist`);
		const key = await cacheKey(baseImage);
		const finalDir = __ironbotsPath.join(this.#dir, key);
		const files = {
			vmlinuz: __ironbotsPath.join(finalDir, "vmlinuz"),
			initrd: __ironbotsPath.join(finalDir, "initrd")
		};
		if (existsSync(files.initrd)) return files;
		let pending = this.#pending.get(key);
		if (!pending) {
			pending = this.#extract(baseImage, finalDir, files, log).finally(() => this.#pending.delete(key));
			this.#pending.set(key, pending);
		}
		return pending;
	}
	async #extract(baseImage, finalDir, files, log) {
		await mkdir(this.#dir, { recursive: true });
		const expected = CONTENT_ADDRESSED.exec(__ironbotsPath.basename(baseImage))?.[1];
		const format = await imageFormat(baseImage);
		if (format !== "qcow2") throw new BaseImageError(`base image ${baseImage} is ${format}, not qcow2`);
		if (expected) {
			log(`verifying the sha256 of ${__ironbotsPath.basename(baseImage)} (first use)`);
			const actual = await sha256File(baseImage);
			if (actual !== expected) throw new BaseImageError(`base image ${baseImage} is corrupt: its sha256 is ${actual}, its name says ${expected}`);
		}
		const work = await mkdtemp(__ironbotsPath.join(this.#dir, ".extract-"));
		try {
			log(`extracting the kernel and initramfs of ${__ironbotsPath.basename(baseImage)} (once per image)`);
			const raw = __ironbotsPath.join(work, "disk.raw");
			await run$2("qemu-img", [
				"convert",
				"-q",
				"-f",
				"qcow2",
				"-O",
				"raw",
				baseImage,
				raw
			]).catch((error) => {
				throw new BaseImageError(`base image ${baseImage} is unreadable: ${(error.stderr ?? error.message).trim()}`);
			});
			for (const name of ["vmlinuz", "initrd"]) {
				const out = __ironbotsPath.join(work, name);
				await run$2("debugfs", [
					"-R",
					`dump /boot/${name} ${out}`,
					raw
				]).catch(() => void 0);
				if (!existsSync(out) || (await stat(out)).size === 0) throw new BaseImageError(`base image ${baseImage} has no /boot/${name}: not an image the VM executor can boot`);
			}
			await rm(raw);
			if (existsSync(files.initrd)) await rm(work, {
				recursive: true,
				force: true
			});
			else {
				await rm(finalDir, {
					recursive: true,
					force: true
				});
				await rename(work, finalDir);
			}
		} catch (error) {
			await rm(work, {
				recursive: true,
				force: true
			});
			throw error;
		}
		return files;
	}
};
async function imageFormat(file) {
	try {
		const { stdout } = await run$2("qemu-img", [
			"info",
			"--output=json",
			file
		]);
		return JSON.parse(stdout).format;
	} catch (error) {
		throw new BaseImageError(`base image ${file} is unreadable: ${(error.stderr ?? error.message).trim()}`);
	}
}
async function cacheKey(file) {
	const stated = CONTENT_ADDRESSED.exec(__ironbotsPath.basename(file))?.[1];
	if (stated) return stated;
	const { size, mtimeMs } = await stat(file);
	return createHash("sha256").update(`${await realpath(file)}\0${size}\0${mtimeMs}`).digest("hex");
}
// runner-agent/src/vm/guest-protocol.ts
function parseControl(line) {
	const [word, ...rest] = line.trim().split(" ");
	if (word === "booted") return {
		type: "booted",
		kernel: rest.join(" ")
	};
	if (word === "ready") return { type: "ready" };
	if (word === "session-ready") return { type: "session-ready" };
	if (word === "started") return { type: "started" };
	if (word === "exit" && /^\d+$/.test(rest[0] ?? "")) return {
		type: "exit",
		code: Number(rest[0])
	};
	if (word === "error") return {
		type: "error",
		message: rest.join(" ")
	};
}
function newTrailer() {
	return `<<ironbots-end-of-output ${randomBytes(16).toString("hex")}>>`;
}
var OutputUntilTrailer = class {
	#trailer;
	#onOutput;
	#held = Buffer.alloc(0);
	#complete = false;
	constructor(trailer, onOutput) {
		this.#trailer = Buffer.from(trailer);
		this.#onOutput = onOutput;
	}
	get complete() {
		return this.#complete;
	}
	push(chunk) {
		if (this.#complete) return true;
		const data = this.#held.length ? Buffer.concat([this.#held, chunk]) : chunk;
		const end = data.indexOf(this.#trailer);
		if (end >= 0) {
			if (end > 0) this.#onOutput(data.subarray(0, end));
			this.#held = Buffer.alloc(0);
			this.#complete = true;
			return true;
		}
		const keep = trailerPrefixAtEnd(data, this.#trailer);
		if (data.length > keep) this.#onOutput(data.subarray(0, data.length - keep));
		this.#held = Buffer.from(data.subarray(data.length - keep));
		return false;
	}
	flush() {
		if (this.#held.length) this.#onOutput(this.#held);
		this.#held = Buffer.alloc(0);
	}
};
function trailerPrefixAtEnd(data, trailer) {
	for (let k = Math.min(data.length, trailer.length - 1); k > 0; k--) if (data.subarray(data.length - k).equals(trailer.subarray(0, k))) return k;
	return 0;
}
// runner-agent/src/vm/guest-network.ts
const GUEST_GATEWAY = "10.0.2.2";
async function guestNetwork(mode) {
	if (mode === "none") return {
		mode,
		nic: "none",
		env: {},
		describe: "network: none (the VM has no network device)"
	};
	const port = await freeLoopbackPort();
	return {
		mode,
		nic: `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${port}-:${port}`,
		env: {
			IRONBOTS_HOST_ADDRESS: GUEST_GATEWAY,
			IRONBOTS_FORWARDED_PORT: String(port)
		},
		describe: `network: user-mode (the host's loopback is ${GUEST_GATEWAY}; host 127.0.0.1:${port} forwards to guest port ${port}, IRONBOTS_FORWARDED_PORT)`
	};
}
function savingNic(mode) {
	return mode === "user" ? "user,model=virtio-net-pci" : "none";
}
function freeLoopbackPort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}
// runner-agent/src/vm/ports.ts
async function listenForPort(name) {
	const server = createServer();
	const connection = new Promise((resolve) => server.once("connection", (socket) => {
		socket.on("error", () => void 0);
		resolve(socket);
	}));
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(`\0${name}`, resolve);
	});
	return {
		name,
		connection,
		close() {
			server.close();
			connection.then((socket) => socket.destroy());
		}
	};
}
async function connectToPort(name, timeoutMs, stillWorthIt = () => true) {
	const deadline = performance.now() + timeoutMs;
	for (;;) try {
		return await new Promise((resolve, reject) => {
			const socket = connect(`\0${name}`);
			socket.once("connect", () => {
				socket.off("error", reject);
				socket.on("error", () => void 0);
				resolve(socket);
			});
			socket.once("error", reject);
		});
	} catch (error) {
		const code = error.code;
		if (code !== "ECONNREFUSED" && code !== "ENOENT" || performance.now() > deadline || !stillWorthIt()) throw new Error(`cannot connect to the VM's ${name} socket: ${error.message}`, { cause: error });
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
// runner-agent/src/vm/qmp.ts
var Qmp = class {
	#socket;
	#waiting = [];
	#ready;
	#closed = false;
	constructor(socket) {
		this.#socket = socket;
		let greeted;
		let gone;
		this.#ready = new Promise((resolve, reject) => {
			greeted = resolve;
			gone = reject;
		});
		this.#ready.catch(() => void 0);
		const lines = createInterface({ input: socket });
		lines.on("error", () => void 0);
		lines.on("line", (line) => {
			let message;
			try {
				message = JSON.parse(line);
			} catch {
				return;
			}
			if (message.QMP) return greeted();
			if (message.event) return;
			const waiter = this.#waiting.shift();
			if (!waiter) return;
			if (message.error) waiter.reject(/* @__PURE__ */ new Error(`qmp: ${message.error.desc}`));
			else waiter.resolve(message.return);
		});
		socket.on("error", () => void 0);
		socket.once("close", () => {
			this.#closed = true;
			gone(/* @__PURE__ */ new Error("qmp: qemu closed the monitor"));
			for (const waiter of this.#waiting.splice(0)) waiter.reject(/* @__PURE__ */ new Error("qmp: qemu closed the monitor"));
		});
	}
	async start() {
		await this.#ready;
		await this.execute("qmp_capabilities");
	}
	execute(command, args) {
		if (this.#closed) return Promise.reject(/* @__PURE__ */ new Error("qmp: qemu closed the monitor"));
		return new Promise((resolve, reject) => {
			this.#waiting.push({
				resolve,
				reject
			});
			this.#socket.write(`${JSON.stringify({
				execute: command,
				...args ? { arguments: args } : {}
			})}\n`);
		});
	}
	async until(command, done, timeoutMs, what) {
		const deadline = performance.now() + timeoutMs;
		for (;;) {
			const value = await this.execute(command);
			if (done(value)) return value;
			if (performance.now() > deadline) throw new Error(`${what}: not done within ${Math.round(timeoutMs / 1e3)} s`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
};
// runner-agent/src/vm/kvm-probe.ts
const BOOT_SECTOR = (() => {
	const sector = Buffer.alloc(512);
	Buffer.from([
		102,
		185,
		0,
		0,
		0,
		4,
		103,
		226,
		253,
		176,
		49,
		230,
		244,
		250,
		244,
		235,
		253
	]).copy(sector);
	sector[510] = 85;
	sector[511] = 170;
	return sector;
})();
const GUEST_RAN = 99;
async function probeAccelerator(options = {}) {
	const qemu = options.qemuPath ?? "qemu-system-x86_64";
	const device = options.kvmDevice ?? "/dev/kvm";
	const timeoutMs = options.timeoutMs ?? 3e3;
	const dir = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-kvm-probe-"));
	try {
		const disk = __ironbotsPath.join(dir, "probe.img");
		await writeFile(disk, BOOT_SECTOR);
		let kvmProblem;
		try {
			await access(device, constants.R_OK | constants.W_OK);
			const kvm = await bootTinyGuest(qemu, disk, "kvm", timeoutMs);
			if (kvm.ok) return {
				mode: "kvm",
				describe: "KVM"
			};
			kvmProblem = kvm.problem;
		} catch (error) {
			kvmProblem = `${device} is not usable (${error.code ?? error.message})`;
		}
		const tcg = await bootTinyGuest(qemu, disk, "tcg", Math.max(timeoutMs, 2e4));
		if (!tcg.ok) throw new Error(`qemu cannot boot a guest even without KVM: ${tcg.problem}`);
		return {
			mode: "tcg",
			describe: `TCG, slow: KVM unavailable (${kvmProblem})`,
			kvmProblem
		};
	} finally {
		await rm(dir, {
			recursive: true,
			force: true
		});
	}
}
function bootTinyGuest(qemu, disk, accel, timeoutMs) {
	return new Promise((resolve) => {
		const child = spawn(qemu, [
			"-accel",
			accel,
			"-nodefaults",
			"-display",
			"none",
			"-no-reboot",
			"-m",
			"16",
			"-device",
			"isa-debug-exit,iobase=0xf4,iosize=0x04",
			"-drive",
			`file=${disk},format=raw,if=ide`
		], {
			stdio: [
				"ignore",
				"ignore",
				"pipe"
			],
			detached: true
		});
		let stderr = "";
		let timedOut = false;
		child.stderr.on("data", (d) => stderr = (stderr + d.toString()).slice(-400));
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid, "SIGKILL");
			} catch {}
		}, timeoutMs);
		child.once("error", (error) => {
			clearTimeout(timer);
			resolve({
				ok: false,
				problem: `cannot run ${qemu}: ${error.message}`
			});
		});
		child.once("close", (code) => {
			clearTimeout(timer);
			if (code === GUEST_RAN) resolve({ ok: true });
			else if (timedOut) resolve({
				ok: false,
				problem: `${accel} guest hangs: no boot within ${timeoutMs / 1e3} s`
			});
			else resolve({
				ok: false,
				problem: `${accel} guest failed (exit ${code}): ${stderr.trim().split("\n").pop() ?? ""}`
			});
		});
	});
}
// runner-agent/src/vm/qemu-command.ts
const QEMU_NAME_PREFIX = "ironbots-vm";
function qemuArgs(l) {
	const mode = l.serverSockets ? ",server=on,wait=off" : "";
	return [
		"-name",
		`${QEMU_NAME_PREFIX}:${__ironbotsPath.basename(l.dir)}`,
		"-machine",
		"pc",
		"-accel",
		l.accelerator.mode,
		...l.accelerator.mode === "kvm" ? ["-cpu", "host"] : [],
		"-m",
		String(l.memoryMegabytes),
		"-nodefaults",
		"-no-user-config",
		"-display",
		"none",
		"-no-reboot",
		"-nic",
		l.nic,
		"-pidfile",
		__ironbotsPath.join(l.dir, "qemu.pid"),
		"-kernel",
		l.boot.vmlinuz,
		"-initrd",
		l.boot.initrd,
		"-append",
		`console=ttyS0 panic=-1 quiet${l.kernelArguments ? ` ${l.kernelArguments}` : ""}`,
		"-serial",
		`file:${__ironbotsPath.join(l.dir, "console.log")}`,
		"-drive",
		`file=${qemuOption(l.disk)},if=virtio,format=qcow2,cache=unsafe`,
		"-device",
		"virtio-serial-pci,id=ports",
		"-chardev",
		`socket,id=output,path=${l.outputSocket},abstract=on${mode}`,
		"-device",
		"virtserialport,bus=ports.0,chardev=output,name=ironbots.output",
		"-chardev",
		`socket,id=control,path=${l.controlSocket},abstract=on${mode}`,
		"-device",
		"virtserialport,bus=ports.0,chardev=control,name=ironbots.control",
		"-fsdev",
		`local,id=job,path=${qemuOption(l.share)},security_model=none,readonly=on`,
		"-device",
		"virtio-9p-pci,fsdev=job,mount_tag=ironbots.job",
		"-fsdev",
		`local,id=workdir,path=${qemuOption(l.workdir)},security_model=none`,
		"-device",
		"virtio-9p-pci,fsdev=workdir,mount_tag=ironbots.workdir",
		"-device",
		"vmgenid,guid=auto",
		...l.qmpSocket ? [
			"-chardev",
			`socket,id=qmp,path=${l.qmpSocket},abstract=on${mode}`,
			"-mon",
			"chardev=qmp,mode=control"
		] : [],
		...l.incoming ? ["-incoming", `exec:cat ${shellQuote$1(l.incoming)}`] : []
	];
}
function qemuOption(value) {
	return value.replaceAll(",", ",,");
}
function shellQuote$1(word) {
	return `'${word.replaceAll("'", "'\\''")}'`;
}
// runner-agent/src/vm/saved-state.ts
const run$1 = promisify(execFile);
const DEVICE_LAYOUT = 2;
var SavedStates = class {
	#dir;
	#pending = /* @__PURE__ */ new Map();
	#qemuVersions = /* @__PURE__ */ new Map();
	constructor(dir) {
		this.#dir = dir;
	}
	async get(key, save, log) {
		const name = await this.#keyOf(key);
		const finalDir = __ironbotsPath.join(this.#dir, name);
		const state = stateIn(finalDir);
		if (existsSync(__ironbotsPath.join(finalDir, "complete"))) return state;
		let pending = this.#pending.get(name);
		if (!pending) {
			pending = (async () => {
				await mkdir(this.#dir, { recursive: true });
				const work = await mkdtemp(__ironbotsPath.join(this.#dir, ".saving-"));
				try {
					log(`saving a VM state of ${__ironbotsPath.basename(key.baseImage)} to start jobs from (once per image)`);
					const started = performance.now();
					await save(work);
					await writeFile(__ironbotsPath.join(work, "complete"), "");
					await rm(finalDir, {
						recursive: true,
						force: true
					});
					await rename(work, finalDir);
					log(`saved the VM state in ${((performance.now() - started) / 1e3).toFixed(1)} s`);
					return state;
				} catch (error) {
					await rm(work, {
						recursive: true,
						force: true
					});
					throw error;
				}
			})().finally(() => this.#pending.delete(name));
			this.#pending.set(name, pending);
		}
		return pending;
	}
	async discard(state) {
		await rm(state.dir, {
			recursive: true,
			force: true
		});
	}
	async #keyOf(key) {
		const image = await imageIdentity(key.baseImage);
		return createHash("sha256").update(JSON.stringify({
			layout: DEVICE_LAYOUT,
			image,
			boot: key.boot,
			accelerator: key.accelerator.mode,
			memory: key.memoryMegabytes,
			network: key.network,
			qemu: await this.#qemuVersion(key.qemuPath),
			machine: "pc",
			kernelArguments: key.kernelArguments
		})).digest("hex").slice(0, 32);
	}
	#qemuVersion(qemuPath) {
		let version = this.#qemuVersions.get(qemuPath);
		if (!version) {
			version = run$1(qemuPath, ["--version"]).then(({ stdout }) => stdout.split("\n")[0] ?? stdout);
			this.#qemuVersions.set(qemuPath, version);
		}
		return version;
	}
};
function stateIn(dir) {
	return {
		dir,
		disk: __ironbotsPath.join(dir, "disk.qcow2"),
		memory: __ironbotsPath.join(dir, "memory.state")
	};
}
async function imageIdentity(file) {
	const stated = /-([0-9a-f]{64})\.qcow2$/.exec(__ironbotsPath.basename(file))?.[1];
	const { size, mtimeMs } = await stat(file);
	return `${stated ?? ""}\0${await realpath(file)}\0${size}\0${mtimeMs}`;
}
// runner-agent/src/vm/vm-processes.ts
async function isOurQemu(pid, dir) {
	return (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").includes(`${QEMU_NAME_PREFIX}:${__ironbotsPath.basename(dir)}`);
}
async function runningQemuOf(dir) {
	const pid = Number((await readFile(__ironbotsPath.join(dir, "qemu.pid"), "utf8").catch(() => "")).trim());
	if (!(pid > 0) || !await isOurQemu(pid, dir)) return void 0;
	const state = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
	return /\) [ZX] /.test(state) ? void 0 : pid;
}
async function killAndWait(pid) {
	try {
		process.kill(pid, "SIGKILL");
	} catch {
		return;
	}
	const deadline = Date.now() + 1e4;
	while (existsSync(`/proc/${pid}`) && Date.now() < deadline) {
		const state = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
		if (/\) [ZX] /.test(state)) return;
		await new Promise((r) => setTimeout(r, 25));
	}
}
async function explainVm(dir, stderr) {
	const consoleTail = (await readFile(__ironbotsPath.join(dir, "console.log"), "utf8").catch(() => "")).trim().split("\n").slice(-3).join(" | ");
	const qemuTail = stderr.trim().split("\n").slice(-2).join(" | ");
	return [qemuTail && `; qemu: ${qemuTail}`, consoleTail && `; console: ${consoleTail}`].join("");
}
// runner-agent/src/vm/vm-machinery.ts
const run = promisify(execFile);
var VmMachinery = class {
	#o;
	#logger;
	#bootFiles;
	#savedStates;
	#accelerator;
	constructor(options) {
		this.#o = options;
		this.#logger = options.logger ?? silentLogger();
		this.#bootFiles = new BootFilesCache(options.bootFilesDir);
		this.#savedStates = options.savedStatesDir ? new SavedStates(options.savedStatesDir) : void 0;
	}
	get qemuPath() {
		return this.#o.qemuPath ?? "qemu-system-x86_64";
	}
	get savedStatesDir() {
		return this.#o.savedStatesDir;
	}
	accelerator() {
		if (!this.#accelerator) {
			const given = this.#o.accelerator;
			this.#accelerator = (typeof given === "function" ? given() : given ? Promise.resolve(given) : probeAccelerator(this.#o.qemuPath ? { qemuPath: this.#o.qemuPath } : {})).then((accelerator) => {
				if (accelerator.mode === "kvm") this.#logger.info("VM executor: KVM works here");
				else this.#logger.warn({ problem: accelerator.kvmProblem }, `VM executor: ${accelerator.describe}`);
				return accelerator;
			});
		}
		return this.#accelerator;
	}
	bootTimeoutMs(accelerator) {
		return this.#o.bootTimeoutMs ?? (accelerator.mode === "kvm" ? 6e4 : 18e4);
	}
	restoreTimeoutMs(accelerator) {
		return Math.min(this.bootTimeoutMs(accelerator), 6e4);
	}
	bootFiles(baseImage, log) {
		return this.#bootFiles.get(baseImage, log);
	}
	qemuArgs(layout, accelerator) {
		return qemuArgs({
			...layout,
			accelerator,
			memoryMegabytes: this.#o.memoryMegabytes ?? 256,
			...this.#o.kernelArguments ? { kernelArguments: this.#o.kernelArguments } : {}
		});
	}
	async savedState(vm, log) {
		if (!this.#savedStates) return void 0;
		try {
			return await this.#savedStates.get({
				...vm,
				memoryMegabytes: this.#o.memoryMegabytes ?? 256,
				qemuPath: this.qemuPath,
				kernelArguments: this.#o.kernelArguments ?? ""
			}, (dir) => this.#saveState({
				dir,
				...vm
			}), log);
		} catch (error) {
			this.#logger.warn({ err: error }, "cannot save a VM state");
			log(`warning: cannot save a VM state to start from (${error.message}): booting cold`);
			return;
		}
	}
	async discardState(state) {
		await this.#savedStates?.discard(state);
	}
	async #saveState(options) {
		const { dir, accelerator } = options;
		const state = {
			disk: __ironbotsPath.join(dir, "disk.qcow2"),
			memory: __ironbotsPath.join(dir, "memory.state")
		};
		const share = __ironbotsPath.join(dir, "share");
		const workdir = __ironbotsPath.join(dir, "workdir");
		await mkdir(share);
		await mkdir(workdir);
		await run("qemu-img", [
			"create",
			"-q",
			"-f",
			"qcow2",
			"-F",
			"qcow2",
			"-b",
			options.baseImage,
			state.disk
		]);
		const name = __ironbotsPath.basename(dir);
		const output = await listenForPort(`ironbots-vm-output-${name}`);
		const control = await listenForPort(`ironbots-vm-control-${name}`);
		const qmpPort = await listenForPort(`ironbots-vm-qmp-${name}`);
		const qemu = spawn(this.qemuPath, this.qemuArgs({
			dir,
			boot: options.boot,
			disk: state.disk,
			outputSocket: output.name,
			controlSocket: control.name,
			qmpSocket: qmpPort.name,
			share,
			workdir,
			nic: savingNic(options.network)
		}, accelerator), {
			stdio: [
				"ignore",
				"ignore",
				"pipe"
			],
			env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }
		});
		let stderr = "";
		qemu.stderr.on("data", (d) => stderr = (stderr + d.toString("utf8")).slice(-2e3));
		const exited = new Promise((resolve) => qemu.once("close", () => resolve()));
		const timeoutMs = this.bootTimeoutMs(accelerator);
		let timer;
		try {
			const ready = control.connection.then((socket) => new Promise((resolve) => createInterface({ input: socket }).on("line", (line) => {
				if (parseControl(line)?.type === "ready") resolve();
			}).on("error", () => void 0)));
			await Promise.race([
				ready,
				exited.then(async () => {
					throw new Error(`the VM stopped while booting${await explainVm(dir, stderr)}`);
				}),
				new Promise((_, reject) => {
					timer = setTimeout(() => reject(/* @__PURE__ */ new Error(`the VM did not boot within ${Math.round(timeoutMs / 1e3)} s`)), timeoutMs);
				})
			]);
			const qmp = new Qmp(await qmpPort.connection);
			await qmp.start();
			await qmp.execute("stop");
			await qmp.execute("migrate", { uri: `exec:cat > ${shellQuote(state.memory)}` });
			const migration = await qmp.until("query-migrate", (m) => m.status === "completed" || m.status === "failed" || m.status === "cancelled", timeoutMs, "saving the VM state");
			if (migration.status !== "completed") throw new Error(`saving the VM state ${migration.status}: ${migration["error-desc"] ?? "no reason given"}`);
			await qmp.execute("quit").catch(() => void 0);
			await exited;
		} finally {
			clearTimeout(timer);
			qemu.kill("SIGKILL");
			output.close();
			control.close();
			qmpPort.close();
			await rm(share, {
				recursive: true,
				force: true
			});
			await rm(workdir, {
				recursive: true,
				force: true
			});
		}
	}
};
async function resumeRestoredVm(qmp, timeoutMs) {
	await qmp.start();
	if ((await qmp.until("query-status", (s) => s.status !== "inmigrate", timeoutMs, "loading the saved state")).status !== "running") await qmp.execute("cont");
}
function shellQuote(word) {
	return `'${word.replaceAll("'", "'\\''")}'`;
}
async function createOverlay(backing, overlay) {
	try {
		await run("qemu-img", [
			"create",
			"-q",
			"-f",
			"qcow2",
			"-F",
			"qcow2",
			"-b",
			backing,
			overlay
		]);
	} catch (error) {
		const detail = (error.stderr ?? error.message).trim();
		throw new Error(`cannot create an overlay on ${backing}: ${detail}`, { cause: error });
	}
}
export { explainVm as a, Qmp as c, guestNetwork as d, OutputUntilTrailer as f, BaseImageError as h, shellQuote as i, connectToPort as l, parseControl as m, createOverlay as n, killAndWait as o, newTrailer as p, resumeRestoredVm as r, runningQemuOf as s, VmMachinery as t, listenForPort as u };
