import { i as readLockfile, n as restore, r as save } from "./npm-cache-De1HqgHz.mjs";
import { t as gitCredentialsEnv } from "./git-credentials-BxKja2k_.mjs";
import __ironbotsPath from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
// actions/npm-cache/update.ts
const run = promisify(execFile);
var UpdateTestsFailedError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "UpdateTestsFailedError";
	}
};
const LOCKFILE = "package-lock.json";
async function update(options) {
	const { log, projectDir } = options;
	const restored = await restore(options.mount ? {
		...options,
		mount: {
			...options.mount,
			unpackOnly: true
		}
	} : options);
	await restored.oldTreeRemoved;
	if (!restored.hit) {
		log.info("installing with npm ci to refresh the cache");
		await options.npm(["ci"]);
	}
	const saved = await save(options);
	const result = {
		key: saved.key,
		refreshed: saved.saved,
		changes: []
	};
	if (!options.pullRequest) return result;
	const before = (await readLockfile(__ironbotsPath.join(projectDir, LOCKFILE))).lockfile;
	await options.npm(["update", "--prefer-online"]);
	const after = (await readLockfile(__ironbotsPath.join(projectDir, LOCKFILE))).lockfile;
	result.changes = lockfileChanges(before, after);
	if (!result.changes.length) {
		log.info("npm update changed no locked version; no pull request");
		return result;
	}
	log.info(`npm update changed: ${result.changes.join(", ")}`);
	const tests = await log.group(`tests: ${options.testCommand}`, async () => {
		const ran = await runShell(options.testCommand, projectDir, options.commandEnv);
		for (const line of ran.output.trimEnd().split("\n")) log.info(line);
		return ran;
	});
	if (tests.code !== 0) throw new UpdateTestsFailedError(`the tests (${options.testCommand}) failed after npm update (${result.changes.join(", ")}), so no pull request was opened; last output:\n${tests.output.slice(-2e3)}`);
	await save(options);
	result.pullRequest = await pushAndPropose(options, options.pullRequest, result.changes);
	return result;
}
function lockfileChanges(before, after) {
	const changes = [];
	const keys = [.../* @__PURE__ */ new Set([...Object.keys(before.packages), ...Object.keys(after.packages)])].sort();
	for (const key of keys) {
		if (!key.startsWith("node_modules/")) continue;
		const name = key.replace(/^.*node_modules\//, "");
		const [from, to] = [before.packages[key]?.version, after.packages[key]?.version];
		if (from === to) continue;
		const where = key.split("node_modules/").length > 2 ? ` (under ${key.slice(0, key.lastIndexOf("/node_modules/"))})` : "";
		changes.push(`${name} ${from ?? "(new)"} \u2192 ${to ?? "(removed)"}${where}`);
	}
	return changes;
}
async function pushAndPropose(options, target, changes) {
	const git = gitIn(options.projectDir, target.forge.gitCredentials());
	const top = await git("rev-parse", "--show-toplevel");
	const lockfile = __ironbotsPath.relative(top, __ironbotsPath.join(options.projectDir, LOCKFILE)) || LOCKFILE;
	await git("checkout", "--quiet", "-B", target.branch);
	await git("add", "--", lockfile);
	await git("commit", "--quiet", "-m", `npm update: ${changes.length} locked version(s)\n\n${changes.join("\n")}\n`);
	await git("push", "--quiet", "--force", target.remoteUrl, `HEAD:refs/heads/${target.branch}`);
	options.log.info(`pushed ${target.branch} to ${target.remoteUrl}`);
	const title = `npm update: ${changes.length === 1 ? changes[0] : `${changes.length} locked versions`}`;
	const body = [
		"Locked versions moved by `npm update` (within the ranges of package.json):",
		"",
		...changes.map((c) => `- ${c}`),
		"",
		`\`${options.testCommand}\` passed on the updated tree. Opened by ironbots npm-cache (update mode).`
	].join("\n");
	const open = await target.forge.findOpenPullRequest(target.repo, target.branch);
	if (open) {
		options.log.info(`updating pull request #${open.number}`);
		return target.forge.updatePullRequest(target.repo, open.number, {
			title,
			body
		});
	}
	const created = await target.forge.createPullRequest(target.repo, {
		title,
		head: target.branch,
		base: target.base,
		body
	});
	options.log.info(`opened pull request #${created.number}: ${created.htmlUrl}`);
	return created;
}
function gitIn(dir, credentials) {
	const env = {
		...process.env,
		GIT_TERMINAL_PROMPT: "0",
		GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? "ironbots",
		GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? "ironbots@users.noreply.github.com",
		GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? "ironbots",
		GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? "ironbots@users.noreply.github.com"
	};
	Object.assign(env, gitCredentialsEnv(credentials));
	return async (...args) => {
		try {
			return (await run("git", [
				"-C",
				dir,
				...args
			], { env })).stdout.trim();
		} catch (error) {
			const stderr = error.stderr?.trim();
			throw new Error(`git ${args[0]} failed: ${stderr || error.message}`, { cause: error });
		}
	};
}
async function runShell(command, cwd, env = process.env) {
	try {
		const { stdout, stderr } = await run("sh", ["-c", command], {
			cwd,
			env,
			maxBuffer: 67108864
		});
		return {
			code: 0,
			output: stdout + stderr
		};
	} catch (error) {
		const e = error;
		return {
			code: typeof e.code === "number" ? e.code : 1,
			output: `${e.stdout ?? ""}${e.stderr ?? ""}`
		};
	}
}
export { update };
