import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
// runner-agent/src/executors/podman-executor.ts
const run = promisify(execFile);
const OWNER_LABEL = "ironbots.executor=podman";
var PodmanExecutor = class {
	name = "podman";
	#podman;
	#runtime;
	#network;
	#killGraceSeconds;
	#containersConf;
	constructor(options) {
		this.#podman = options.podmanPath ?? "podman";
		this.#runtime = options.runtime ?? "runc";
		this.#network = options.network ?? "none";
		this.#killGraceSeconds = options.killGraceSeconds ?? 5;
		mkdirSync(options.stateDir, { recursive: true });
		this.#containersConf = __ironbotsPath.join(options.stateDir, "containers.conf");
		writeFileSync(this.#containersConf, "[containers]\ndefault_ulimits = []\n");
	}
	async labels() {
		return ["executor:podman"];
	}
	async available() {
		return this.#podmanCommand([
			"info",
			"--format",
			"{{.Host.OCIRuntime.Name}}"
		]).then(() => true, () => false);
	}
	async reapLeftovers() {
		const ids = (await this.#podmanCommand([
			"ps",
			"--all",
			"--quiet",
			"--filter",
			`label=${OWNER_LABEL}`
		]).catch(() => "")).split("\n").filter(Boolean);
		if (ids.length) await this.#podmanCommand([
			"rm",
			"--force",
			"--time",
			"0",
			...ids
		]).catch(() => void 0);
	}
	async run(request, io) {
		const started = performance.now();
		const result = (outcome) => ({
			outcome,
			durationMs: performance.now() - started
		});
		if (io.signal.aborted) return result({ kind: "cancelled" });
		if (!request.image) {
			io.onOutput(Buffer.from("ironbots: the podman executor needs an image: set `image:` for this context\n"));
			return result({
				kind: "exited",
				exitCode: 125
			});
		}
		const name = `ironbots-${request.jobId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60)}-${randomBytes(4).toString("hex")}`;
		const secrets = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-podman-"));
		try {
			const envFile = __ironbotsPath.join(secrets, "env");
			const passThrough = Object.entries(request.env).filter(([, v]) => v.includes("\n"));
			await writeFile(envFile, Object.entries(request.env).filter(([, v]) => !v.includes("\n")).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 384 });
			const args = [
				"--runtime",
				this.#runtime,
				"run",
				"--rm",
				"--pull=never",
				"--name",
				name,
				"--label",
				OWNER_LABEL,
				"--label",
				`ironbots.job=${request.jobId}`,
				"--network",
				this.#network,
				"--volume",
				`${request.workdir}:${request.workdir}`,
				"--workdir",
				request.workdir,
				"--unsetenv-all",
				"--env-file",
				envFile,
				...passThrough.flatMap(([k]) => ["--env", k]),
				"--",
				request.image,
				...request.argv
			];
			return await new Promise((resolve) => {
				const child = spawn(this.#podman, args, {
					env: {
						...this.#podmanEnvironment(),
						...Object.fromEntries(passThrough)
					},
					stdio: [
						"ignore",
						"pipe",
						"pipe"
					]
				});
				let stopReason;
				let spawnError;
				const stderrTail = [];
				const stop = (reason) => {
					if (stopReason) return;
					stopReason = reason;
					this.#podmanCommand([
						"stop",
						"--time",
						String(this.#killGraceSeconds),
						name
					]).catch(() => void 0);
				};
				const timer = setTimeout(() => stop("timed-out"), Math.min(request.timeoutMs, 2 ** 31 - 1));
				const onAbort = () => stop("cancelled");
				io.signal.addEventListener("abort", onAbort, { once: true });
				child.once("spawn", () => io.onStarted?.(performance.timeOrigin + performance.now()));
				child.stdout.on("data", (chunk) => io.onOutput(chunk));
				child.stderr.on("data", (chunk) => {
					io.onOutput(chunk);
					stderrTail.push(chunk);
					if (stderrTail.length > 20) stderrTail.shift();
				});
				child.once("error", (error) => spawnError = error);
				child.once("close", (code) => {
					clearTimeout(timer);
					io.signal.removeEventListener("abort", onAbort);
					this.#podmanCommand([
						"rm",
						"--force",
						"--ignore",
						"--time",
						"0",
						name
					]).catch(() => void 0).then(() => {
						if (spawnError) resolve(result({
							kind: "infrastructure-error",
							message: `cannot run podman: ${spawnError.message}`
						}));
						else if (stopReason) resolve(result({ kind: stopReason }));
						else if (code === 125) {
							const detail = Buffer.concat(stderrTail).toString("utf8").trim().split("\n").pop() ?? "";
							resolve(result({
								kind: "infrastructure-error",
								message: `podman failed: ${detail}`
							}));
						} else resolve(result({
							kind: "exited",
							exitCode: code ?? 1
						}));
					});
				});
			});
		} finally {
			await rm(secrets, {
				recursive: true,
				force: true
			});
		}
	}
	#podmanEnvironment() {
		return {
			PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
			HOME: process.env.HOME ?? "/root",
			CONTAINERS_CONF: this.#containersConf,
			...process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}
		};
	}
	async #podmanCommand(args) {
		const { stdout } = await run(this.#podman, [
			"--runtime",
			this.#runtime,
			...args
		], { env: this.#podmanEnvironment() });
		return stdout;
	}
};
export { PodmanExecutor };
