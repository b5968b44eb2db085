import { a as verdictOf, i as JobRunner, n as createExecutors, r as ensureLocalBusyboxImage, t as LOCAL_BUSYBOX_IMAGE } from "./executors-CE3adRdr.mjs";
import { r as ensureLocalVmImage } from "./vm-setup-CaniE7qj.mjs";
import { i as parseProjectConfig, r as jobFromContext, t as PROJECT_CONFIG_PATH } from "./project-config-BEFtAals.mjs";
import { n as defaultCacheDir } from "./debian-kernel-DJ8RXD2g.mjs";
import __ironbotsPath from "node:path";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
// runner-agent/src/local/run-context.ts
const run = promisify(execFile);
async function runContext(options) {
	const dir = __ironbotsPath.resolve(options.dir);
	const configFile = __ironbotsPath.join(dir, PROJECT_CONFIG_PATH);
	if (!existsSync(configFile)) return {
		kind: "usage",
		message: `${dir} has no ${PROJECT_CONFIG_PATH}`
	};
	let job;
	try {
		const config = parseProjectConfig(await readFile(configFile, "utf8"));
		const spec = config.contexts[options.context];
		if (!spec) return {
			kind: "usage",
			message: `no context "${options.context}" in ${PROJECT_CONFIG_PATH}; it defines: ${Object.keys(config.contexts).join(", ")}`
		};
		job = {
			...jobFromContext(options.context, spec, {
				kind: "api",
				ref: "ironbots run"
			}, /* @__PURE__ */ new Date()),
			...options.executor ? { executor: options.executor } : {},
			...options.image ? { image: options.image } : {}
		};
	} catch (error) {
		return {
			kind: "usage",
			message: error.message
		};
	}
	const stateDir = __ironbotsPath.resolve(options.stateDir ?? __ironbotsPath.join(defaultCacheDir(), "run"));
	const executorsDir = __ironbotsPath.join(stateDir, "executors");
	const workRoot = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-run-"));
	try {
		const executors = await createExecutors([job.executor], executorsDir, options.logger);
		if (!executors.length) return {
			kind: "infrastructure-error",
			message: `the ${job.executor} executor does not work on this machine`
		};
		if (job.executor === "podman" && !job.image) {
			options.print(`no image set: using ${LOCAL_BUSYBOX_IMAGE}, built from this machine's busybox`);
			await ensureLocalBusyboxImage(executorsDir);
			job.image = LOCAL_BUSYBOX_IMAGE;
		}
		if (job.executor === "vm" && !job.image) {
			options.print("no image set: using the local debian-busybox VM image");
			job.image = await ensureLocalVmImage({ print: options.print });
		}
		await mkdir(workRoot, { recursive: true });
		const result = await new JobRunner({
			executors,
			workRoot,
			gitCredentials: () => null
		}).run({
			jobId: randomUUID(),
			job,
			runner: "local",
			attempt: 1,
			maxAttempts: 1,
			source: {
				kind: "directory",
				dir,
				files: await projectFiles(dir)
			},
			output: options.output,
			signal: options.signal
		});
		if (result.outcome.kind === "infrastructure-error") return {
			kind: "infrastructure-error",
			message: result.outcome.message
		};
		return {
			kind: "verdict",
			verdict: verdictOf(result.outcome, {
				job,
				runner: "local",
				durationMs: result.durationMs,
				...result.note ? { note: result.note } : {},
				cancelReason: options.signal.reason
			})
		};
	} catch (error) {
		return {
			kind: "infrastructure-error",
			message: error.message
		};
	} finally {
		await rm(workRoot, {
			recursive: true,
			force: true
		});
	}
}
async function projectFiles(dir) {
	try {
		const { stdout } = await run("git", [
			"-C",
			dir,
			"ls-files",
			"-z",
			"--cached",
			"--others",
			"--exclude-standard"
		], { maxBuffer: 268435456 });
		return [...new Set(stdout.split("\0").filter(Boolean))].filter((f) => existsSync(__ironbotsPath.join(dir, f)));
	} catch {
		return (await readdir(dir, {
			recursive: true,
			withFileTypes: true
		})).filter((e) => !e.isDirectory()).map((e) => __ironbotsPath.relative(dir, __ironbotsPath.join(e.parentPath, e.name)));
	}
}
export { runContext };
