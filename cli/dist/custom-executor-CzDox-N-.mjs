import { a as explainVm, c as Qmp, d as guestNetwork, f as OutputUntilTrailer, l as connectToPort, m as parseControl, n as createOverlay, o as killAndWait, p as newTrailer, r as resumeRestoredVm, s as runningQemuOf } from "./vm-machinery-BgE6y-mn.mjs";
import __ironbotsPath from "node:path";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import os from "node:os";
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
// runner-agent/src/vm/session-vm.ts
var SessionVmError = class extends Error {
	constructor(message, options) {
		super(message, options);
		this.name = "SessionVmError";
	}
};
var PortClosedError = class extends SessionVmError {
	constructor() {
		super("the VM closed its control port");
	}
};
const RECORD = "vm.json";
async function readSessionVm(dir) {
	const text = await readFile(__ironbotsPath.join(dir, RECORD), "utf8").catch(() => void 0);
	return text === void 0 ? void 0 : JSON.parse(text);
}
async function startSessionVm(machinery, options) {
	const { dir, baseImage, log } = options;
	const accelerator = await machinery.accelerator();
	const boot = await machinery.bootFiles(baseImage, log);
	const share = __ironbotsPath.join(dir, "share");
	await mkdir(__ironbotsPath.join(share, "scripts"), {
		recursive: true,
		mode: 448
	});
	await mkdir(__ironbotsPath.join(dir, "workdir"), { recursive: true });
	await writeFile(__ironbotsPath.join(share, "workdir"), "");
	const network = await guestNetwork(options.network);
	await writeFile(__ironbotsPath.join(share, "network"), network.mode);
	log(network.describe);
	const saved = await machinery.savedState({
		baseImage,
		boot,
		accelerator,
		network: network.mode
	}, log);
	for (const attempt of saved ? [saved, void 0] : [void 0]) try {
		const record = {
			...await bootOnce(machinery, {
				...options,
				accelerator,
				boot,
				nic: network.nic,
				restore: attempt
			}),
			networkEnv: network.env
		};
		await writeFile(__ironbotsPath.join(dir, RECORD), JSON.stringify(record, null, 2));
		return record;
	} catch (error) {
		if (!attempt) throw error;
		log(`warning: the saved VM state did not restore (${error.message}): booting cold`);
		await machinery.discardState(attempt);
	}
	throw new SessionVmError("no attempt to start the VM was made");
}
async function bootOnce(machinery, o) {
	const overlay = __ironbotsPath.join(o.dir, "overlay.qcow2");
	await rm(overlay, { force: true });
	await createOverlay(o.restore?.disk ?? o.baseImage, overlay);
	const tag = `ironbots-session-${__ironbotsPath.basename(o.dir)}-${randomBytes(4).toString("hex")}`;
	const sockets = {
		output: `${tag}-output`,
		control: `${tag}-control`,
		qmp: `${tag}-qmp`
	};
	const stderrFile = __ironbotsPath.join(o.dir, "qemu.stderr");
	const stderrFd = openSync(stderrFile, "w");
	const started = performance.now();
	o.log(o.restore ? `restoring a saved VM state of ${__ironbotsPath.basename(o.baseImage)} under ${o.accelerator.describe}` : `booting a VM of ${__ironbotsPath.basename(o.baseImage)} under ${o.accelerator.describe}`);
	const qemu = spawn(machinery.qemuPath, machinery.qemuArgs({
		dir: o.dir,
		boot: o.boot,
		disk: overlay,
		outputSocket: sockets.output,
		controlSocket: sockets.control,
		share: __ironbotsPath.join(o.dir, "share"),
		workdir: __ironbotsPath.join(o.dir, "workdir"),
		nic: o.nic,
		serverSockets: true,
		...o.restore ? {
			qmpSocket: sockets.qmp,
			incoming: o.restore.memory
		} : {}
	}, o.accelerator), {
		stdio: [
			"ignore",
			"ignore",
			stderrFd
		],
		detached: true,
		env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }
	});
	closeSync(stderrFd);
	let exited = false;
	const gone = new Promise((_, reject) => {
		const fail = async (why) => {
			exited = true;
			const stderr = await readFile(stderrFile, "utf8").catch(() => "");
			reject(new SessionVmError(`${why}${await explainVm(o.dir, stderr)}`));
		};
		qemu.once("error", (error) => void fail(`cannot run qemu: ${error.message}`));
		qemu.once("exit", (code, signal) => void fail(`the VM stopped while starting (qemu ${signal ?? `exit ${code}`})`));
	});
	gone.catch(() => void 0);
	const timeoutMs = o.restore ? machinery.restoreTimeoutMs(o.accelerator) : machinery.bootTimeoutMs(o.accelerator);
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => void readFile(stderrFile, "utf8").catch(() => "").then((stderr) => explainVm(o.dir, stderr)).then((why) => reject(new SessionVmError(`the VM did not ${o.restore ? "restore" : "boot"} within ${Math.round(timeoutMs / 1e3)} s (${o.accelerator.mode})${why}`))), timeoutMs);
	});
	const connections = [];
	try {
		await Promise.race([
			gone,
			timeout,
			(async () => {
				const alive = () => !exited;
				const output = await connectToPort(sockets.output, timeoutMs, alive);
				connections.push(output);
				const control = await connectToPort(sockets.control, timeoutMs, alive);
				connections.push(control);
				const messages = controlMessages(control);
				if (o.restore) {
					const qmp = await connectToPort(sockets.qmp, timeoutMs, alive);
					connections.push(qmp);
					await resumeRestoredVm(new Qmp(qmp), timeoutMs);
					o.log(`restored the saved VM state in ${seconds(started)} s`);
					control.write(`session ${Math.floor(Date.now() / 1e3)} restored\n`);
				} else {
					for (;;) {
						const message = await messages.next();
						if (message.type === "booted") o.log(`guest booted (kernel ${message.kernel}, ${o.accelerator.mode.toUpperCase()}) in ${seconds(started)} s`);
						else if (message.type === "ready") break;
						else if (message.type === "error") throw new SessionVmError(`the guest failed: ${message.message}`);
					}
					control.write(`session ${Math.floor(Date.now() / 1e3)}\n`);
				}
				for (;;) {
					const message = await messages.next();
					if (message.type === "session-ready") break;
					if (message.type === "error") throw new SessionVmError(`the guest failed: ${message.message}`);
				}
			})()
		]);
	} catch (caught) {
		let error = caught;
		if (error instanceof PortClosedError) error = await Promise.race([gone.catch((e) => e), new Promise((r) => setTimeout(() => r(caught), 2e3))]);
		qemu.kill("SIGKILL");
		throw error instanceof SessionVmError ? error : new SessionVmError(error.message, { cause: error });
	} finally {
		clearTimeout(timer);
		for (const socket of connections) socket.destroy();
	}
	qemu.unref();
	qemu.removeAllListeners();
	o.log(`the VM is ready in ${seconds(started)} s`);
	return {
		dir: o.dir,
		pid: qemu.pid,
		sockets: {
			output: sockets.output,
			control: sockets.control
		},
		baseImage: o.baseImage,
		accelerator: o.accelerator.mode,
		restored: !!o.restore
	};
}
function seconds(since) {
	return ((performance.now() - since) / 1e3).toFixed(1);
}
function controlMessages(socket) {
	const queue = [];
	const waiters = [];
	let closed = false;
	createInterface({ input: socket }).on("line", (line) => {
		const message = parseControl(line);
		if (!message) return;
		const waiter = waiters.shift();
		if (waiter) waiter.resolve(message);
		else queue.push(message);
	}).on("error", () => void 0).once("close", () => {
		closed = true;
		for (const waiter of waiters.splice(0)) waiter.reject(new PortClosedError());
	});
	return { next() {
		const message = queue.shift();
		if (message) return Promise.resolve(message);
		if (closed) return Promise.reject(new PortClosedError());
		return new Promise((resolve, reject) => waiters.push({
			resolve,
			reject
		}));
	} };
}
async function runInSessionVm(vm, options) {
	if (!await runningQemuOf(vm.dir)) return {
		kind: "failed",
		message: `the job's VM is no longer running${await explainVm(vm.dir, "")}`
	};
	const shared = __ironbotsPath.join(vm.dir, "share", "scripts", options.name);
	try {
		await copyFile(options.script, shared);
	} catch (error) {
		return {
			kind: "failed",
			message: `cannot share the script with the VM: ${error.message}`
		};
	}
	const connections = [];
	try {
		const output = await connectToPort(vm.sockets.output, 1e4);
		connections.push(output);
		const control = await connectToPort(vm.sockets.control, 1e4);
		connections.push(control);
		const trailer = newTrailer();
		return await new Promise((resolve) => {
			let exitCode;
			let settled = false;
			const filter = new OutputUntilTrailer(trailer, options.onOutput);
			const finish = (outcome) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				clearTimeout(grace);
				options.signal.removeEventListener("abort", onAbort);
				resolve(outcome);
			};
			let stopping = false;
			const kill = (outcome) => {
				if (settled || stopping) return;
				stopping = true;
				stopSessionVm(vm).then(() => finish(outcome));
			};
			const timer = setTimeout(() => kill({ kind: "timed-out" }), Math.min(options.timeoutMs, 2 ** 31 - 1));
			let grace;
			const onAbort = () => kill({ kind: "cancelled" });
			options.signal.addEventListener("abort", onAbort, { once: true });
			if (options.signal.aborted) onAbort();
			const finishIfComplete = () => {
				if (exitCode !== void 0 && filter.complete) finish({
					kind: "exited",
					exitCode
				});
			};
			output.on("data", (chunk) => {
				if (filter.push(chunk)) finishIfComplete();
			});
			const messages = controlMessages(control);
			(async () => {
				for (;;) {
					const message = await messages.next();
					if (message.type === "error") return finish({
						kind: "failed",
						message: `the guest: ${message.message}`
					});
					if (message.type === "exit") {
						exitCode = message.code;
						finishIfComplete();
						if (settled) return;
						grace = setTimeout(() => {
							filter.flush();
							finish({
								kind: "exited",
								exitCode: message.code
							});
						}, 3e4);
					}
				}
			})().catch(async () => {
				if (settled || stopping) return;
				filter.flush();
				const stderr = await readFile(__ironbotsPath.join(vm.dir, "qemu.stderr"), "utf8").catch(() => "");
				finish({
					kind: "failed",
					message: `the VM stopped while the script ran${await explainVm(vm.dir, stderr)}`
				});
			});
			control.write(`run ${options.name} ${options.shell} ${trailer}\n`);
		});
	} catch (error) {
		return {
			kind: "failed",
			message: error.message
		};
	} finally {
		for (const socket of connections) socket.destroy();
		await rm(shared, { force: true });
	}
}
async function stopSessionVm(vm) {
	const pid = await runningQemuOf(vm.dir);
	if (!pid) return false;
	await killAndWait(pid);
	return true;
}
// runner-agent/src/gitlab-executor/gitlab-job-env.ts
const RUN_STAGES = [
	"prepare_script",
	"get_sources",
	"restore_cache",
	"download_artifacts",
	"step_*",
	"build_script",
	"after_script",
	"archive_cache",
	"archive_cache_on_failure",
	"upload_artifacts_on_success",
	"upload_artifacts_on_failure",
	"cleanup_file_variables"
];
function isRunStage(stage) {
	return RUN_STAGES.includes(stage) || /^step_[a-z0-9_]+$/.test(stage);
}
function exitCodes(env) {
	const code = (name) => {
		const value = env[name];
		return value !== void 0 && /^\d+$/.test(value) ? Number(value) : void 0;
	};
	const build = code("BUILD_FAILURE_EXIT_CODE");
	const system = code("SYSTEM_FAILURE_EXIT_CODE");
	return {
		build: build ?? 1,
		system: system ?? 3,
		usage: system ?? 2,
		underRunner: system !== void 0
	};
}
var DriverUsageError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "DriverUsageError";
	}
};
function gitlabJob(env) {
	const get = (name) => {
		const value = env[`CUSTOM_ENV_${name}`];
		return value === void 0 || value === "" ? void 0 : value;
	};
	const jobId = get("CI_JOB_ID");
	if (!jobId) throw new DriverUsageError("CUSTOM_ENV_CI_JOB_ID is not set: gitlab-runner sets it for every stage (to try a stage by hand, set it and the other CUSTOM_ENV_CI_* variables yourself)");
	const safe = (value, what) => {
		if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new DriverUsageError(`CUSTOM_ENV_${what} must be a plain id (letters, digits, "._-"), not "${value}"`);
		return value;
	};
	const runnerId = safe(get("CI_RUNNER_ID") ?? "0", "CI_RUNNER_ID");
	const concurrentProjectId = safe(get("CI_CONCURRENT_PROJECT_ID") ?? "0", "CI_CONCURRENT_PROJECT_ID");
	safe(jobId, "CI_JOB_ID");
	const timeout = get("CI_JOB_TIMEOUT");
	if (timeout !== void 0 && !/^\d+$/.test(timeout)) throw new DriverUsageError(`CUSTOM_ENV_CI_JOB_TIMEOUT must be a number of seconds, not "${timeout}"`);
	return {
		jobId,
		runnerId,
		concurrentProjectId,
		key: `r${runnerId}-c${concurrentProjectId}-j${jobId}`,
		timeoutSeconds: timeout === void 0 ? 3600 : Math.max(1, Number(timeout)),
		image: get("CI_JOB_IMAGE"),
		projectPath: get("CI_PROJECT_PATH")
	};
}
// runner-agent/src/gitlab-executor/custom-executor.ts
var GitLabCustomExecutor = class {
	#o;
	codes;
	#jobsDir;
	constructor(options) {
		this.#o = options;
		this.codes = exitCodes(options.env);
		this.#jobsDir = __ironbotsPath.join(options.stateDir, "gitlab-jobs");
	}
	config() {
		return JSON.stringify({
			builds_dir: this.#o.buildsDir,
			cache_dir: this.#o.cacheDir,
			builds_dir_is_shared: false,
			hostname: os.hostname(),
			driver: {
				name: "ironbots",
				version: this.#o.driverVersion
			},
			job_env: this.#o.jobEnv,
			shell: this.#o.shell
		});
	}
	async prepare(signal) {
		const job = this.#job();
		if (typeof job === "number") return job;
		const reaped = await this.reap(job.key);
		if (reaped) this.#o.print(`reaped ${reaped} leftover VM(s) of jobs that ended without cleanup`);
		const dir = this.#dirOf(job);
		await this.#destroy(dir);
		await mkdir(dir, {
			recursive: true,
			mode: 448
		});
		const record = {
			jobId: job.jobId,
			key: job.key,
			timeoutSeconds: job.timeoutSeconds,
			ownerPid: process.pid,
			preparedAt: Date.now(),
			shell: this.#o.shell
		};
		await this.#write(dir, record);
		const onAbort = () => void stopSessionVm({ dir });
		signal.addEventListener("abort", onAbort, { once: true });
		try {
			const image = await this.#image(job);
			const vm = await startSessionVm(this.#o.machinery, {
				dir,
				baseImage: image,
				network: this.#o.network,
				log: (line) => this.#o.print(line)
			});
			if (signal.aborted) throw new Error("stopped by a signal while the VM started");
			await this.#write(dir, {
				...record,
				readyAt: Date.now()
			});
			this.#o.print(`VM ready for job ${job.jobId} (${vm.accelerator === "kvm" ? "KVM" : "TCG, no KVM: slow"}); scripts run with ${this.#o.shell}`);
			return 0;
		} catch (error) {
			await this.#destroy(dir);
			if (error instanceof DriverUsageError) {
				this.#o.complain(`ironbots: ${error.message}`);
				return this.codes.usage;
			}
			this.#o.complain(`ironbots: cannot start the job's VM: ${error.message}`);
			return this.codes.system;
		} finally {
			signal.removeEventListener("abort", onAbort);
		}
	}
	async run(script, stage, signal) {
		if (!script || !stage) return this.#usage("run needs two arguments: the script gitlab-runner wrote and the stage name");
		if (!isRunStage(stage)) return this.#usage(`unknown stage "${stage}": gitlab-runner's stages are prepare_script, get_sources, restore_cache, download_artifacts, step_*, build_script, after_script, archive_cache[_on_failure], upload_artifacts_on_success/_on_failure, cleanup_file_variables`);
		if (!existsSync(script)) return this.#usage(`the script ${script} of stage ${stage} does not exist`);
		const job = this.#job();
		if (typeof job === "number") return job;
		const dir = this.#dirOf(job);
		const record = await this.#read(dir);
		const vm = await readSessionVm(dir);
		if (!record || !vm || record.readyAt === void 0) {
			this.#o.complain(`ironbots: no VM was prepared for job ${job.jobId} (runner ${job.runnerId}, concurrent id ${job.concurrentProjectId}) in ${this.#jobsDir}: prepare must run and succeed first`);
			return this.codes.system;
		}
		if (record.stopped) {
			this.#o.complain(`ironbots: the job's VM was stopped earlier: ${record.stopped}`);
			return this.codes.system;
		}
		const remainingMs = record.readyAt + record.timeoutSeconds * 1e3 - Date.now();
		if (remainingMs <= 0) return this.#stopped(dir, record, vm, stage, "timed-out");
		const outcome = await runInSessionVm(vm, {
			script,
			name: `${stage}-${randomBytes(4).toString("hex")}.sh`,
			shell: record.shell,
			onOutput: this.#o.output,
			signal,
			timeoutMs: remainingMs
		});
		if (outcome.kind === "exited") return outcome.exitCode === 0 ? 0 : this.codes.build;
		if (outcome.kind === "failed") {
			this.#o.complain(`ironbots: ${stage}: ${outcome.message}`);
			await this.#write(dir, {
				...record,
				stopped: outcome.message
			});
			return this.codes.system;
		}
		return this.#stopped(dir, record, vm, stage, outcome.kind);
	}
	async #stopped(dir, record, vm, stage, why) {
		await stopSessionVm(vm);
		const message = why === "timed-out" ? `${stage} ran past the job's timeout of ${record.timeoutSeconds} s: the VM is killed` : `${stage} was stopped (SIGTERM: the job was cancelled or timed out): the VM is killed`;
		await this.#write(dir, {
			...record,
			stopped: message
		});
		this.#o.complain(`ironbots: ${message}`);
		return this.codes.system;
	}
	async cleanup() {
		const job = this.#job();
		if (typeof job === "number") return job;
		const dir = this.#dirOf(job);
		try {
			const had = existsSync(dir);
			const killed = await this.#destroy(dir);
			this.#o.print(killed ? `removed the VM of job ${job.jobId}` : had ? `job ${job.jobId}'s VM had stopped already; removed its files` : `nothing to clean up for job ${job.jobId}`);
			return 0;
		} catch (error) {
			this.#o.complain(`ironbots: cannot clean up job ${job.jobId}: ${error.message}`);
			return this.codes.system;
		}
	}
	async reap(except) {
		let reaped = 0;
		for (const key of await readdir(this.#jobsDir).catch(() => [])) {
			if (key === except) continue;
			const dir = __ironbotsPath.join(this.#jobsDir, key);
			const record = await this.#read(dir).catch(() => void 0);
			const running = await runningQemuOf(dir);
			let why;
			if (!record) why = "no job record";
			else if (record.readyAt === void 0) {
				if (!processAlive(record.ownerPid)) why = "its prepare died";
			} else if (!running) why = "its VM stopped";
			else if (Date.now() > record.readyAt + (record.timeoutSeconds + this.#o.reapGraceSeconds) * 1e3) why = `its timeout of ${record.timeoutSeconds} s passed ${this.#o.reapGraceSeconds} s ago`;
			if (!why) continue;
			await this.#destroy(dir);
			this.#o.print(`reaped the VM of ${key}: ${why}`);
			reaped++;
		}
		return reaped;
	}
	async #image(job) {
		if (job.image) try {
			const file = await this.#o.resolveImage(job.image);
			this.#o.print(`image: ${job.image} (${__ironbotsPath.basename(file)}), from the job's image:`);
			return file;
		} catch (error) {
			this.#o.print(`the job's image "${job.image}" is not one of this runner's VM images (${error.message}): using ${this.#o.defaultImage}`);
		}
		const file = await this.#o.resolveImage(this.#o.defaultImage).catch((error) => {
			throw new Error(`the default image ${this.#o.defaultImage}: ${error.message}`, { cause: error });
		});
		this.#o.print(`image: ${this.#o.defaultImage} (${__ironbotsPath.basename(file)})`);
		return file;
	}
	#job() {
		try {
			return gitlabJob(this.#o.env);
		} catch (error) {
			if (!(error instanceof DriverUsageError)) throw error;
			return this.#usage(error.message);
		}
	}
	#usage(message) {
		this.#o.complain(`ironbots: ${message}`);
		return this.codes.usage;
	}
	#dirOf(job) {
		return __ironbotsPath.join(this.#jobsDir, job.key);
	}
	async #read(dir) {
		const text = await readFile(__ironbotsPath.join(dir, "job.json"), "utf8").catch(() => void 0);
		return text === void 0 ? void 0 : JSON.parse(text);
	}
	async #write(dir, record) {
		await writeFile(__ironbotsPath.join(dir, "job.json.new"), JSON.stringify(record, null, 2));
		await rename(__ironbotsPath.join(dir, "job.json.new"), __ironbotsPath.join(dir, "job.json"));
	}
	async #destroy(dir) {
		const killed = await stopSessionVm({ dir });
		await rm(dir, {
			recursive: true,
			force: true
		});
		return killed;
	}
};
function processAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === "EPERM";
	}
}
export { GitLabCustomExecutor };
