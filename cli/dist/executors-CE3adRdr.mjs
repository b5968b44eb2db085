import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { c as object, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { n as silentLogger } from "./logger-DmVYEbjU.mjs";
import { t as formatBytes } from "./sizes-BY3aa-3c.mjs";
import { t as gitCredentialsEnv } from "./git-credentials-BxKja2k_.mjs";
import { l as formatDuration } from "./status-text-qXXJmof_.mjs";
import { t as artifactPathProblem } from "./artifact-path-6UUs_Aup.mjs";
import { i as writeFileAtomicSync, n as readJsonStateFile, t as isAtomicWriteTempFile } from "./files-BFd2A-oQ.mjs";
import __ironbotsPath from "node:path";
import { execFile, spawn, spawnSync } from "node:child_process";
import { closeSync, constants, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { access, appendFile, cp, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { promisify } from "node:util";
import net from "node:net";
function buildJobEnvironment(input) {
	const env = {
		PATH: input.path ?? "/usr/local/bin:/usr/bin:/bin",
		HOME: input.home,
		LANG: "C.UTF-8",
		TERM: "dumb",
		CI: "true"
	};
	for (const [name, value] of [...Object.entries(input.ci), ...Object.entries(input.jobEnv ?? {})]) {
		assertValidVariable(name, value);
		env[name] = value;
	}
	return env;
}
function assertValidVariable(name, value) {
	if (name === "" || name.includes("=") || name.includes("\0")) throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
	if (value.includes("\0")) throw new Error(`environment variable ${name} contains a NUL byte`);
}
// runner-agent/src/agent/checkout.ts
var CheckoutError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "CheckoutError";
	}
};
async function checkoutCommit(request) {
	const env = {
		PATH: process.env.PATH ?? "/usr/bin:/bin",
		HOME: request.dir,
		GIT_TERMINAL_PROMPT: "0",
		GIT_CONFIG_NOSYSTEM: "1",
		GIT_CONFIG_GLOBAL: "/dev/null",
		LANG: "C.UTF-8",
		...gitCredentialsEnv(request.credentials)
	};
	const git = (args) => runGit(args, request, env);
	await git([
		"init",
		"--quiet",
		request.dir
	]);
	await git([
		"-C",
		request.dir,
		"remote",
		"add",
		"origin",
		request.cloneUrl
	]);
	if (!await git([
		"-C",
		request.dir,
		"fetch",
		"--quiet",
		"--no-tags",
		"--depth=1",
		"origin",
		request.sha
	]).then(() => true, () => false)) await git([
		"-C",
		request.dir,
		"fetch",
		"--quiet",
		"--no-tags",
		"origin",
		"+refs/heads/*:refs/remotes/origin/*",
		"+refs/pull/*/head:refs/remotes/origin/pull/*",
		"+refs/merge-requests/*/head:refs/remotes/origin/merge-requests/*"
	]);
	await git([
		"-C",
		request.dir,
		"-c",
		"advice.detachedHead=false",
		"checkout",
		"--quiet",
		"--detach",
		request.sha
	]);
}
function runGit(args, request, env) {
	return new Promise((resolve, reject) => {
		const child = spawn("git", args, {
			env,
			stdio: [
				"ignore",
				"pipe",
				"pipe"
			],
			signal: request.signal
		});
		const stderr = [];
		child.stdout.on("data", (chunk) => request.onOutput(chunk));
		child.stderr.on("data", (chunk) => {
			stderr.push(chunk);
			request.onOutput(chunk);
		});
		child.on("error", (error) => reject(new CheckoutError(`git ${args[args.length - 1]}: ${error.message}`)));
		child.on("close", (code) => {
			if (code === 0) resolve();
			else {
				const detail = Buffer.concat(stderr).toString("utf8").trim().split("\n").pop() ?? "";
				reject(new CheckoutError(`git ${args.find((a) => !a.startsWith("-") && a !== request.dir)} failed (exit ${code}): ${detail}`));
			}
		});
	});
}
// runner-agent/src/agent/known-issues.ts
var import_dist = require_dist();
const KNOWN_ISSUES_PATH = ".ironbots/known-issues.yml";
const KnownIssueSchema = object({
	pattern: string().min(1),
	issue: string().url(),
	retries: number().int().min(0).max(10).default(3)
}).strict();
function issueRef(issue) {
	const number = /\/(?:issues|-\/issues)\/(\d+)\/?$/.exec(issue)?.[1];
	return number ? `#${number}` : issue;
}
async function readKnownIssues(checkout, problem) {
	let text;
	try {
		text = await readFile(__ironbotsPath.join(checkout, KNOWN_ISSUES_PATH), "utf8");
	} catch {
		return [];
	}
	return parseKnownIssues(text, problem);
}
function parseKnownIssues(text, problem) {
	let raw;
	try {
		raw = (0, import_dist.parse)(text);
	} catch (error) {
		problem(`${KNOWN_ISSUES_PATH} is not YAML, ignored: ${error.message.split("\n")[0]}`);
		return [];
	}
	const parsed = array(KnownIssueSchema).safeParse(raw ?? []);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		problem(`${KNOWN_ISSUES_PATH} ignored: entry ${issue.path.join(".")}: ${issue.message}`);
		return [];
	}
	const issues = [];
	for (const entry of parsed.data) try {
		issues.push({
			pattern: new RegExp(entry.pattern, "m"),
			issue: entry.issue,
			retries: entry.retries
		});
	} catch (error) {
		problem(`${KNOWN_ISSUES_PATH}: pattern ${JSON.stringify(entry.pattern)} ignored: ${error.message}`);
	}
	return issues;
}
function matchKnownIssue(issues, logTail) {
	return issues.find((known) => known.pattern.test(logTail));
}
var OutputTail = class {
	#ring;
	#end = 0;
	#wrapped = false;
	constructor(max = 262144) {
		this.#ring = Buffer.alloc(max);
	}
	push(chunk) {
		const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
		const ring = this.#ring;
		if (bytes.length >= ring.length) {
			bytes.copy(ring, 0, bytes.length - ring.length);
			this.#end = 0;
			this.#wrapped = true;
			return;
		}
		const first = bytes.copy(ring, this.#end);
		if (first < bytes.length) {
			this.#end = bytes.copy(ring, 0, first);
			this.#wrapped = true;
		} else if ((this.#end += first) === ring.length) {
			this.#end = 0;
			this.#wrapped = true;
		}
	}
	text() {
		const ring = this.#ring;
		return (this.#wrapped ? Buffer.concat([ring.subarray(this.#end), ring.subarray(0, this.#end)]) : ring.subarray(0, this.#end)).toString("utf8");
	}
};
// runner-agent/src/agent/job-runner.ts
const ARTIFACTS_DIR = ".ironbots-artifacts";
const INFRA_DIR = ".ironbots-infra";
var JobRunner = class {
	#o;
	#executors;
	constructor(options) {
		this.#o = options;
		this.#executors = new Map(options.executors.map((e) => [e.name, e]));
	}
	get #mark() {
		return this.#o.pullRequestMark ?? "#";
	}
	get executors() {
		return [...this.#executors.values()];
	}
	async run(run) {
		const started = performance.now();
		const { job, jobId } = run;
		const line = (text) => run.output(`ironbots: ${text}\n`);
		const workdir = __ironbotsPath.join(this.#o.workRoot, jobId);
		const finish = (outcome, note) => ({
			outcome,
			...note ? { note } : {},
			durationMs: performance.now() - started
		});
		line(`job ${jobId} (${job.context}) on ${run.runner}, attempt ${run.attempt} of ${run.maxAttempts}`);
		if (job.infra) line(`infrastructure: ${job.infra.repository.owner}/${job.infra.repository.name}${this.#mark}${job.infra.pullRequest} at ${job.infra.sha}`);
		const executor = this.#executors.get(job.executor);
		if (!executor) return finish({
			kind: "infrastructure-error",
			message: `no ${job.executor} executor here`
		});
		try {
			await mkdir(workdir, { recursive: true });
			if (job.runner) return await this.#runRunner(run, executor, workdir, line, finish);
			const prepared = await this.#prepare(run, workdir, line);
			if (prepared.kind !== "exited") return finish(prepared);
			const artifacts = await makeArtifactsDir(workdir);
			line(`running ${JSON.stringify(job.command)} with the ${executor.name} executor`);
			const result = await executor.run({
				jobId,
				argv: job.command,
				workdir,
				env: buildJobEnvironment({
					jobEnv: job.env,
					ci: {
						...ciVariables(jobId, job),
						...job.infra ? infraVariables(job.infra, workdir) : {},
						IRONBOTS_ATTEMPT: String(run.attempt),
						IRONBOTS_ARTIFACTS: artifacts
					},
					home: workdir
				}),
				timeoutMs: job.timeoutSeconds * 1e3,
				...job.image ? { image: job.image } : {},
				...job.network ? { network: job.network } : {}
			}, {
				onOutput: (chunk) => run.output(chunk),
				...run.transientOutput ? { transientChunks: true } : {},
				...run.backlog ? { backlog: () => run.backlog() } : {},
				...run.onStarted ? { onStarted: run.onStarted } : {},
				signal: run.signal,
				log: line
			});
			if (result.outcome.kind !== "infrastructure-error") await this.#keepArtifacts(run, artifacts, line);
			const knownIssues = result.outcome.kind === "exited" && result.outcome.exitCode !== 0 ? await readKnownIssues(workdir, (message) => line(`warning: ${message}`)) : [];
			return {
				...finish(result.outcome, result.note),
				...knownIssues.length ? { knownIssues } : {}
			};
		} catch (error) {
			return finish({
				kind: "infrastructure-error",
				message: error.message
			});
		} finally {
			await rm(workdir, {
				recursive: true,
				force: true
			}).catch(() => void 0);
		}
	}
	async #runRunner(run, executor, workdir, line, finish) {
		const { job, jobId } = run;
		const launcher = this.#o.runners;
		if (!launcher) return finish({
			kind: "infrastructure-error",
			message: "this agent has no runners.github configuration"
		});
		const ended = await launcher.launch({
			jobId,
			request: job.runner,
			command: job.command,
			line,
			...run.onStarted ? { onStarted: run.onStarted } : {},
			signal: run.signal
		}, ({ argv, env }, io) => {
			line(`starting the runner with the ${executor.name} executor${job.image ? ` (image ${job.image})` : ""}`);
			return executor.run({
				jobId,
				argv,
				workdir,
				env: buildJobEnvironment({
					jobEnv: {
						...job.env,
						...env
					},
					ci: {
						IRONBOTS: "true",
						IRONBOTS_JOB_ID: jobId,
						IRONBOTS_ATTEMPT: String(run.attempt)
					},
					home: workdir
				}),
				timeoutMs: job.timeoutSeconds * 1e3,
				...job.image ? { image: job.image } : {},
				...job.network ? { network: job.network } : {}
			}, {
				onOutput: (chunk) => run.output(chunk),
				...run.transientOutput ? { transientChunks: true } : {},
				...run.backlog ? { backlog: () => run.backlog() } : {},
				onStarted: io.onStarted,
				signal: io.signal,
				log: line
			});
		});
		return finish(ended.outcome, ended.note);
	}
	async #keepArtifacts(run, dir, line) {
		const maxBytes = this.#o.maxArtifactBytes ?? 1024 ** 3;
		const maxFiles = this.#o.maxArtifactFiles ?? 1e3;
		const found = await artifactFiles(dir);
		if (found.length === 0) return;
		if (!run.artifacts) {
			line(`${found.length} file(s) in $IRONBOTS_ARTIFACTS are not kept here (only an agent keeps artifacts)`);
			return;
		}
		let kept = 0;
		let keptBytes = 0;
		for (const file of found) {
			if (file.skip) {
				line(`not keeping artifact ${file.path}: ${file.skip}`);
				continue;
			}
			if (kept >= maxFiles || keptBytes + file.bytes > maxBytes) {
				line(`not keeping artifact ${file.path}: over the limit of ${maxFiles} files or ${formatBytes(maxBytes)} per job`);
				continue;
			}
			try {
				await run.artifacts.put(file.path, __ironbotsPath.join(dir, ...file.path.split("/")));
				kept++;
				keptBytes += file.bytes;
			} catch (error) {
				line(`warning: could not keep artifact ${file.path}: ${error.message}`);
			}
		}
		line(`kept ${kept} artifact(s), ${formatBytes(keptBytes)}`);
	}
	async #prepare(run, workdir, line) {
		const { job } = run;
		const source = run.source ?? { kind: "commit" };
		if (source.kind === "directory") {
			line(`copying ${source.files.length} file(s) of ${source.dir}`);
			for (const file of source.files) await cp(__ironbotsPath.join(source.dir, file), __ironbotsPath.join(workdir, file), {
				recursive: true,
				verbatimSymlinks: true
			});
			return {
				kind: "exited",
				exitCode: 0
			};
		}
		const tree = job.checkout ?? (job.repository && job.sha ? {
			repository: job.repository,
			sha: job.sha
		} : null);
		if (!tree) return {
			kind: "exited",
			exitCode: 0
		};
		if (job.checkout && job.repository && job.sha) line(`testing for ${job.repository.owner}/${job.repository.name} at ${job.sha} (its status goes there)`);
		line(`checking out ${tree.repository.owner}/${tree.repository.name} at ${tree.sha}`);
		const project = await this.#checkout(run, tree.repository.cloneUrl, tree.sha, workdir);
		if (project.kind !== "exited" || !job.infra) return project;
		const infra = job.infra;
		const infraDir = __ironbotsPath.join(workdir, INFRA_DIR);
		line(`checking out ${infra.repository.owner}/${infra.repository.name}${this.#mark}${infra.pullRequest} at ${infra.sha} into $IRONBOTS_INFRA_DIR (${INFRA_DIR})`);
		await appendFile(__ironbotsPath.join(workdir, ".git", "info", "exclude"), `/${INFRA_DIR}/\n`);
		await mkdir(infraDir);
		return this.#checkout(run, infra.repository.cloneUrl, infra.sha, infraDir);
	}
	#checkout(run, cloneUrl, sha, dir) {
		return checkoutCommit({
			cloneUrl,
			sha,
			dir,
			credentials: this.#o.gitCredentials(),
			onOutput: (chunk) => run.output(chunk),
			signal: run.signal
		}).then(() => ({
			kind: "exited",
			exitCode: 0
		}), (error) => run.signal.aborted ? { kind: "cancelled" } : {
			kind: "infrastructure-error",
			message: error.message
		});
	}
};
function verdictOf(outcome, run) {
	const tag = run.note ? `[${run.runner}, ${run.note}]` : `[${run.runner}]`;
	const took = formatDuration(run.durationMs);
	switch (outcome.kind) {
		case "exited": return outcome.exitCode === 0 ? {
			state: "success",
			description: `Passed in ${took} ${tag}`,
			exitCode: 0
		} : {
			state: "failure",
			description: `Failed (exit code ${outcome.exitCode}) in ${took} ${tag}`,
			exitCode: outcome.exitCode
		};
		case "timed-out": return {
			state: "failure",
			description: `Timed out after ${run.job.timeoutSeconds} s ${tag}`
		};
		case "cancelled": return {
			state: "cancelled",
			description: `Cancelled: ${run.cancelReason instanceof Error ? run.cancelReason.message : "by request"} ${tag}`
		};
	}
}
async function makeArtifactsDir(workdir) {
	const dir = __ironbotsPath.join(workdir, ARTIFACTS_DIR);
	await mkdir(dir, { recursive: true });
	await appendFile(__ironbotsPath.join(workdir, ".git", "info", "exclude"), `/${ARTIFACTS_DIR}/\n`).catch(() => void 0);
	return dir;
}
async function artifactFiles(dir) {
	const entries = await readdir(dir, { recursive: true }).catch(() => []);
	const found = [];
	for (const entry of entries.sort()) {
		const info = await lstat(__ironbotsPath.join(dir, entry)).catch(() => null);
		if (!info || info.isDirectory()) continue;
		const artifactPath = entry.split(__ironbotsPath.sep).join("/");
		const problem = artifactPathProblem(artifactPath);
		found.push({
			path: artifactPath,
			bytes: info.size,
			...info.isSymbolicLink() ? { skip: "a symbolic link (links are not followed)" } : !info.isFile() ? { skip: "not a regular file" } : problem ? { skip: `its name has ${problem}` } : {}
		});
	}
	return found;
}
function infraVariables(infra, workdir) {
	return {
		IRONBOTS_INFRA_DIR: __ironbotsPath.join(workdir, INFRA_DIR),
		IRONBOTS_INFRA_REPOSITORY: `${infra.repository.owner}/${infra.repository.name}`,
		IRONBOTS_INFRA_PULL_REQUEST: String(infra.pullRequest),
		IRONBOTS_INFRA_SHA: infra.sha
	};
}
function ciVariables(jobId, job) {
	const vars = {
		IRONBOTS: "true",
		IRONBOTS_JOB_ID: jobId,
		IRONBOTS_CONTEXT: job.context
	};
	const tree = job.checkout ?? job;
	if (tree.repository) vars.IRONBOTS_REPOSITORY = `${tree.repository.owner}/${tree.repository.name}`;
	if (tree.sha) vars.IRONBOTS_SHA = tree.sha;
	if (job.pullRequest && !job.checkout) vars.IRONBOTS_PULL_REQUEST = String(job.pullRequest);
	return vars;
}
// runner-agent/src/executors/output-fifo.ts
const execFileAsync = promisify(execFile);
const OUTPUT_FIFO_DIR_PREFIX = "ironbots-output-";
const READ_BUFFER_BYTES = 65536;
var OutputFifo = class OutputFifo {
	writeFd;
	closed;
	#socket;
	#writeEndOpen = true;
	static async make(parent = os.tmpdir()) {
		const dir = await mkdtemp(__ironbotsPath.join(parent, OUTPUT_FIFO_DIR_PREFIX));
		const fifo = __ironbotsPath.join(dir, "output");
		try {
			await execFileAsync("mkfifo", [
				"-m",
				"600",
				fifo
			]);
			return fifo;
		} catch (error) {
			await rm(dir, {
				recursive: true,
				force: true
			});
			throw error;
		}
	}
	static open(fifo, onChunk, backlog) {
		try {
			const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
			let writeFd;
			try {
				writeFd = openSync(fifo, constants.O_WRONLY);
			} catch (error) {
				closeSync(readFd);
				throw error;
			}
			return new OutputFifo(readFd, writeFd, onChunk, backlog);
		} finally {
			rmSync(__ironbotsPath.dirname(fifo), {
				recursive: true,
				force: true
			});
		}
	}
	constructor(readFd, writeFd, onChunk, backlog) {
		this.writeFd = writeFd;
		const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
		this.#socket = new net.Socket({
			fd: readFd,
			readable: true,
			writable: false,
			onread: {
				buffer: readBuffer,
				callback: (bytes) => {
					onChunk(readBuffer.subarray(0, bytes));
					const wait = backlog?.();
					if (!wait) return true;
					wait.then(() => this.#socket.resume());
					return false;
				}
			}
		});
		this.closed = new Promise((resolve) => {
			this.#socket.once("close", () => resolve());
			this.#socket.on("error", () => this.#socket.destroy());
		});
	}
	get isClosed() {
		return this.#socket.closed;
	}
	closeWriteEnd() {
		if (!this.#writeEndOpen) return;
		this.#writeEndOpen = false;
		closeSync(this.writeFd);
	}
	stop() {
		this.closeWriteEnd();
		this.#socket.destroy();
	}
};
// runner-agent/src/executors/process-group.ts
function processGroupAlive(pgid) {
	const members = liveGroupMembers(pgid);
	if (members) return members.length > 0;
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return error.code === "EPERM";
	}
}
function liveGroupMembers(pgid) {
	let entries;
	try {
		entries = readdirSync("/proc");
	} catch {
		return null;
	}
	const members = [];
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, "utf8");
		} catch {
			continue;
		}
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		const state = fields[0];
		if (Number(fields[2]) === pgid && state !== "Z" && state !== "X") members.push(Number(entry));
	}
	return members;
}
function processStartTime(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const value = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
		return Number.isFinite(value) ? value : null;
	} catch {
		return null;
	}
}
function signalProcessGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {}
}
async function terminateProcessGroup(pgid, graceMs) {
	if (!processGroupAlive(pgid)) return;
	signalProcessGroup(pgid, "SIGTERM");
	signalProcessGroup(pgid, "SIGCONT");
	if (await waitUntilGone(pgid, graceMs)) return;
	signalProcessGroup(pgid, "SIGKILL");
	await waitUntilGone(pgid, 2e3);
}
async function waitUntilGone(pgid, timeoutMs) {
	const deadline = performance.now() + timeoutMs;
	while (processGroupAlive(pgid)) {
		if (performance.now() >= deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	return true;
}
function processesWithEnvironment(entries) {
	if (entries.length === 0) return [];
	let listed;
	try {
		listed = readdirSync("/proc");
	} catch {
		return [];
	}
	const pids = [];
	for (const pid of listed) {
		if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
		let environ;
		try {
			environ = readFileSync(`/proc/${pid}/environ`, "utf8");
		} catch {
			continue;
		}
		const have = new Set(environ.split("\0"));
		if (entries.every((entry) => have.has(entry))) pids.push(Number(pid));
	}
	return pids;
}
async function terminateProcesses(pids, graceMs) {
	const signal = (pid, sig) => {
		try {
			process.kill(pid, sig);
		} catch {}
	};
	const alive = () => pids.filter(isRunning);
	for (const pid of pids) {
		signal(pid, "SIGTERM");
		signal(pid, "SIGCONT");
	}
	const deadline = performance.now() + graceMs;
	while (alive().length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 25));
	for (const pid of alive()) signal(pid, "SIGKILL");
}
function isRunning(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
		return state !== "Z" && state !== "X";
	} catch {
		return false;
	}
}
// runner-agent/src/executors/process-executor.ts
const ProcessGroupRecordSchema = object({
	pgid: number().int().positive(),
	jobId: string(),
	marker: array(string()).default([]),
	startTime: number().nullable()
});
const STDIO_DRAIN_MS = 2e3;
var ProcessExecutor = class {
	name = "process";
	#killGraceMs;
	#leftoverDir;
	#logger;
	#spareFifo;
	constructor(options = {}) {
		this.#killGraceMs = options.killGraceMs ?? 5e3;
		this.#leftoverDir = options.leftoverDir;
		this.#logger = options.logger ?? silentLogger();
	}
	async reapLeftovers() {
		if (!this.#leftoverDir) return;
		const files = await readdir(this.#leftoverDir).catch(() => []);
		await Promise.all(files.map(async (file) => {
			const full = __ironbotsPath.join(this.#leftoverDir, file);
			if (isAtomicWriteTempFile(file)) return rm(full, { force: true });
			if (file.startsWith("ironbots-output-")) return rm(full, {
				recursive: true,
				force: true
			});
			if (!file.endsWith(".json")) return;
			const record = await readJsonStateFile(full, ProcessGroupRecordSchema, this.#logger);
			if (!record) return;
			const leaderStart = processStartTime(record.pgid);
			if ((leaderStart === null || record.startTime === null || leaderStart === record.startTime) && (liveGroupMembers(record.pgid)?.length ?? 0) > 0) await terminateProcessGroup(record.pgid, this.#killGraceMs);
			await terminateProcesses(processesWithEnvironment(record.marker), this.#killGraceMs);
			await rm(full, { force: true });
		}));
	}
	#record(pgid, jobId, marker) {
		if (!this.#leftoverDir) return void 0;
		mkdirSync(this.#leftoverDir, { recursive: true });
		const file = __ironbotsPath.join(this.#leftoverDir, `${pgid}.json`);
		const record = {
			pgid,
			jobId,
			marker,
			startTime: processStartTime(pgid)
		};
		writeFileAtomicSync(file, JSON.stringify(record));
		return file;
	}
	async #openOutput(onChunk, backlog) {
		const spare = this.#spareFifo;
		if (this.#leftoverDir) {
			mkdirSync(this.#leftoverDir, { recursive: true });
			this.#spareFifo = OutputFifo.make(this.#leftoverDir);
			this.#spareFifo.catch(() => void 0);
		}
		try {
			return OutputFifo.open(await (spare ?? OutputFifo.make()), onChunk, backlog);
		} catch (error) {
			if (!spare) throw error;
			return OutputFifo.open(await OutputFifo.make(), onChunk, backlog);
		}
	}
	async labels() {
		return ["executor:process"];
	}
	async run(request, io) {
		const started = performance.now();
		const result = (outcome) => ({
			outcome,
			durationMs: performance.now() - started
		});
		if (io.signal.aborted) return result({ kind: "cancelled" });
		try {
			if (!(await stat(request.workdir)).isDirectory()) throw new Error("not a directory");
		} catch (error) {
			return result({
				kind: "infrastructure-error",
				message: `working directory ${request.workdir} is unusable: ${error.message}`
			});
		}
		const command = request.argv[0] ?? "";
		const resolved = await resolveCommand(command, request.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", request.workdir);
		if (resolved.kind !== "found") {
			const notFound = resolved.kind === "not-found";
			const what = notFound ? "command not found" : resolved.reason;
			io.onOutput(Buffer.from(`ironbots: ${what}: ${command}\n`));
			return result({
				kind: "exited",
				exitCode: notFound ? 127 : 126
			});
		}
		if (io.signal.aborted) return result({ kind: "cancelled" });
		let output;
		try {
			output = await this.#openOutput((chunk) => io.onOutput(io.transientChunks ? chunk : Buffer.from(chunk)), io.backlog && (() => io.backlog()));
		} catch (error) {
			return result({
				kind: "infrastructure-error",
				message: `could not make the job's output pipe: ${error.message}`
			});
		}
		if (io.signal.aborted) {
			output.stop();
			return result({ kind: "cancelled" });
		}
		return new Promise((resolve) => {
			let child;
			try {
				child = spawn(resolved.file, request.argv.slice(1), {
					argv0: command,
					cwd: request.workdir,
					env: request.env,
					stdio: [
						"ignore",
						output.writeFd,
						output.writeFd
					],
					detached: true,
					shell: false
				});
			} catch (error) {
				output.stop();
				resolve(result(spawnFailure(command, error, io)));
				return;
			} finally {
				output.closeWriteEnd();
			}
			const pgid = child.pid;
			const marker = jobMarker(request);
			const record = pgid === void 0 ? void 0 : this.#record(pgid, request.jobId, marker);
			let stopReason;
			let spawnError;
			let termination;
			const terminate = () => {
				if (pgid === void 0) return Promise.resolve();
				termination ??= terminateProcessGroup(pgid, this.#killGraceMs).then(() => terminateProcesses(processesWithEnvironment(marker), this.#killGraceMs));
				return termination;
			};
			const stop = (reason) => {
				stopReason ??= reason;
				terminate();
			};
			const timer = setTimeout(() => stop("timed-out"), Math.min(request.timeoutMs, 2 ** 31 - 1));
			const onAbort = () => stop("cancelled");
			io.signal.addEventListener("abort", onAbort, { once: true });
			child.once("spawn", () => io.onStarted?.(performance.timeOrigin + performance.now()));
			child.once("error", (error) => {
				spawnError = error;
			});
			child.once("exit", () => {
				clearTimeout(timer);
				terminate().then(() => {
					if (output.isClosed) return;
					const drain = setTimeout(() => {
						io.onOutput(Buffer.from("\nironbots: output still open after the job ended; stopped reading it\n"));
						output.stop();
					}, STDIO_DRAIN_MS);
					output.closed.then(() => clearTimeout(drain));
				});
			});
			child.once("close", (code, signal) => {
				clearTimeout(timer);
				io.signal.removeEventListener("abort", onAbort);
				if (spawnError) output.stop();
				Promise.all([termination, output.closed]).then(() => {
					if (record) rmSync(record, { force: true });
					if (spawnError) resolve(result(spawnFailure(command, spawnError, io)));
					else if (stopReason) resolve(result({ kind: stopReason }));
					else if (code !== null) resolve(result({
						kind: "exited",
						exitCode: code
					}));
					else resolve(result({
						kind: "exited",
						exitCode: 128 + (os.constants.signals[signal] ?? 0)
					}));
				});
			});
		});
	}
};
function jobMarker(request) {
	if (request.env.IRONBOTS_JOB_ID !== request.jobId) return [];
	const marker = [`IRONBOTS_JOB_ID=${request.jobId}`];
	if (request.env.IRONBOTS_ATTEMPT !== void 0) marker.push(`IRONBOTS_ATTEMPT=${request.env.IRONBOTS_ATTEMPT}`);
	return marker;
}
function spawnFailure(command, error, io) {
	const known = error.code ? {
		ENOENT: ["command not found", 127],
		EACCES: ["permission denied", 126],
		ENOEXEC: ["cannot execute (exec format error)", 126]
	}[error.code] : void 0;
	if (!known) return {
		kind: "infrastructure-error",
		message: `could not start ${command}: ${error.message}`
	};
	io.onOutput(Buffer.from(`ironbots: ${known[0]}: ${command}\n`));
	return {
		kind: "exited",
		exitCode: known[1]
	};
}
async function resolveCommand(command, searchPath, workdir) {
	if (command === "") return { kind: "not-found" };
	if (command.includes("/")) return checkExecutable(__ironbotsPath.resolve(workdir, command));
	let denied;
	for (const dir of searchPath.split(":")) {
		const candidate = await checkExecutable(__ironbotsPath.resolve(workdir, dir || ".", command));
		if (candidate.kind === "found") return candidate;
		if (candidate.kind === "not-executable" && candidate.reason === "permission denied") denied ??= candidate;
	}
	return denied ?? { kind: "not-found" };
}
async function checkExecutable(file) {
	try {
		if ((await stat(file)).isDirectory()) return {
			kind: "not-executable",
			reason: "is a directory"
		};
	} catch {
		return { kind: "not-found" };
	}
	try {
		await access(file, constants.X_OK);
		return {
			kind: "found",
			file
		};
	} catch {
		return {
			kind: "not-executable",
			reason: "permission denied"
		};
	}
}
// runner-agent/src/deployment/executors.ts
const LOCAL_BUSYBOX_IMAGE = "localhost/ironbots/busybox:latest";
async function createExecutors(kinds, stateDir, logger, imageResolver) {
	const executors = [];
	for (const kind of new Set(kinds)) if (kind === "process") executors.push(new ProcessExecutor({
		leftoverDir: __ironbotsPath.join(stateDir, "process-groups"),
		logger
	}));
	else if (kind === "vm") {
		const { createVmExecutor } = await import("./vm-setup-Bk7fGWL3.mjs");
		executors.push(createVmExecutor(__ironbotsPath.join(stateDir, "vm"), logger, imageResolver ? { imageResolver } : {}));
	} else {
		const { PodmanExecutor } = await import("./podman-executor-DiZAXELq.mjs");
		const podman = new PodmanExecutor({ stateDir: __ironbotsPath.join(stateDir, "podman") });
		if (await podman.available()) executors.push(podman);
		else logger.warn("podman does not work on this machine: not offering executor:podman (install podman and runc)");
	}
	return executors;
}
async function ensureLocalBusyboxImage(stateDir) {
	const containersConf = __ironbotsPath.join(stateDir, "podman", "containers.conf");
	const env = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		CONTAINERS_CONF: containersConf
	};
	if (spawnSync("podman", [
		"--runtime",
		"runc",
		"image",
		"exists",
		"localhost/ironbots/busybox:latest"
	], { env }).status === 0) return;
	const { importBusyboxImage } = await import("./busybox-image-DUmTsB8T.mjs");
	await importBusyboxImage({
		image: LOCAL_BUSYBOX_IMAGE,
		containersConf
	});
}
export { verdictOf as a, matchKnownIssue as c, JobRunner as i, createExecutors as n, OutputTail as o, ensureLocalBusyboxImage as r, issueRef as s, LOCAL_BUSYBOX_IMAGE as t };
