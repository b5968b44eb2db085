import { o as __toESM } from "./rolldown-runtime-C-QR9u70.mjs";
import { t as exec } from "./exec-Cgje_fqz.mjs";
import { n as InputError } from "./inputs-2CWzAqKl.mjs";
import { n as restore, r as save, t as install } from "./npm-cache-De1HqgHz.mjs";
import { n as keyLengthProblem, t as ENTRY_SUFFIX } from "./cache-store-Um2GE4Et.mjs";
import __ironbotsPath from "node:path";
import { constants } from "node:fs";
import { copyFile, link, mkdir, readdir, rm, stat } from "node:fs/promises";
// actions/npm-cache/third-party-env.ts
function thirdPartyEnv(secrets, env = process.env) {
	const kept = {};
	const hidden = secrets.filter((secret) => secret.length >= 4);
	for (const [name, value] of Object.entries(env)) {
		if (name.startsWith("INPUT_") || value === void 0) continue;
		if (hidden.some((secret) => value.includes(secret))) continue;
		kept[name] = value;
	}
	return kept;
}
// actions/npm-cache/stores/directory-store.ts
const MAX_NAME_BYTES = 255;
var DirectoryStore = class DirectoryStore {
	description;
	kind;
	#dir;
	#suffix;
	constructor(dir, kind = "archive") {
		this.#dir = __ironbotsPath.resolve(dir);
		this.kind = kind;
		this.#suffix = ENTRY_SUFFIX[kind];
		this.description = `directory ${this.#dir}`;
	}
	withKind(kind) {
		return new DirectoryStore(this.#dir, kind);
	}
	async fetch(key, file) {
		try {
			await copyFile(this.#file(key), file);
			return true;
		} catch (error) {
			if (error.code === "ENOENT") return false;
			throw error;
		}
	}
	async store(key, file) {
		await mkdir(this.#dir, { recursive: true });
		const partial = `${this.#file(key)}.${process.pid}.${Date.now()}.partial`;
		try {
			await copyFile(file, partial, constants.COPYFILE_EXCL);
			await link(partial, this.#file(key));
			return true;
		} catch (error) {
			if (error.code === "EEXIST") return false;
			throw error;
		} finally {
			await rm(partial, { force: true });
		}
	}
	async findLatest(prefix) {
		let names;
		try {
			names = await readdir(this.#dir);
		} catch (error) {
			if (error.code === "ENOENT") return void 0;
			throw error;
		}
		let newest;
		for (const name of names) {
			if (!name.startsWith(prefix) || !name.endsWith(this.#suffix)) continue;
			const key = name.slice(0, -this.#suffix.length);
			const mtimeMs = await stat(__ironbotsPath.join(this.#dir, name)).then((s) => s.mtimeMs, () => void 0);
			if (mtimeMs === void 0) continue;
			if (!newest || mtimeMs > newest.mtimeMs || mtimeMs === newest.mtimeMs && key > newest.key) newest = {
				key,
				mtimeMs
			};
		}
		return newest?.key;
	}
	keyProblem(key) {
		if (key.includes("/") || key.includes("\\") || key.includes("\0")) return `"${key}" holds a path separator, which a file name in ${this.description} cannot`;
		return keyLengthProblem(key, MAX_NAME_BYTES - this.#suffix.length, "bytes", this.description);
	}
	#file(key) {
		return __ironbotsPath.join(this.#dir, `${key}${this.#suffix}`);
	}
};
// actions/npm-cache/configured-run.ts
async function runConfigured(settings, deps) {
	if (settings.mode === "install") throw new Error("install mode needs the post step: run it with runInstall");
	const context = await configuredContext(settings, deps);
	deps.log.info(`npm-cache ${settings.mode} in ${settings.projectDir} with ${context.store.description}`);
	if (settings.mode === "restore") return {
		mode: "restore",
		...await restore(context)
	};
	if (settings.mode === "save") return {
		mode: "save",
		...await save(context)
	};
	const { update } = await import("./update-Ol-04NPk.mjs");
	return {
		mode: "update",
		...await update({
			...context,
			npm: npmIn(settings.projectDir, deps.log, [settings.token]),
			testCommand: settings.testCommand,
			commandEnv: thirdPartyEnv([settings.token]),
			...deps.pullRequest ? { pullRequest: deps.pullRequest } : {}
		})
	};
}
async function runInstall(settings, deps) {
	const context = await configuredContext(settings, deps);
	deps.log.info(`npm-cache install in ${settings.projectDir} with ${context.store.description}`);
	return install({
		...context,
		npm: npmIn(settings.projectDir, deps.log, [settings.token]),
		restoreKeys: settings.restoreKeys
	});
}
async function configuredContext(settings, deps) {
	const store = await createStore(settings);
	for (const restoreKey of settings.restoreKeys) {
		const problem = store.keyProblem(restoreKey);
		if (problem) throw new InputError("restore-keys", `${problem}, so it can match nothing`);
	}
	return {
		projectDir: settings.projectDir,
		store,
		keyPrefix: settings.keyPrefix,
		log: deps.log,
		...settings.mount ? { mount: { tempDir: settings.tempDir } } : {},
		...deps.report ? { report: deps.report } : {}
	};
}
async function createStore(settings) {
	switch (settings.store) {
		case "directory": return new DirectoryStore(settings.cacheDir);
		case "s3": {
			const [{ S3Client }, { S3Store }] = await Promise.all([import("./dist-cjs-ClG87LFp.mjs").then((m) => /* @__PURE__ */ __toESM(m.default, 1)), import("./s3-store-CGpZNqRN.mjs")]);
			const { bucket, prefix, endpoint, region } = settings.s3;
			return new S3Store(new S3Client({
				region,
				...endpoint ? {
					endpoint,
					forcePathStyle: true,
					requestChecksumCalculation: "WHEN_REQUIRED",
					responseChecksumValidation: "WHEN_REQUIRED"
				} : {}
			}), bucket, prefix);
		}
		case "actions-cache": {
			const { ActionsCacheStore, actionsCacheAvailable } = await import("./actions-cache-store-Dp7PELwH.mjs");
			if (!actionsCacheAvailable()) throw new Error("store actions-cache: the Actions cache service is not available here");
			return new ActionsCacheStore();
		}
	}
}
const TAIL_LINES = 20;
function npmIn(projectDir, log, secrets = []) {
	return (args) => log.group(`npm ${args.join(" ")}`, async () => {
		const tail = [];
		const line = (text) => {
			log.info(text);
			tail.push(text);
			if (tail.length > TAIL_LINES) tail.shift();
		};
		const code = await exec("npm", args, {
			cwd: projectDir,
			env: thirdPartyEnv(secrets),
			silent: true,
			ignoreReturnCode: true,
			listeners: {
				stdline: line,
				errline: line
			}
		});
		if (code !== 0) throw new Error(`npm ${args.join(" ")} failed (exit code ${code})${tail.length ? `:\n${tail.join("\n")}` : ""}`);
	});
}
export { configuredContext, createStore, npmIn, runConfigured, runInstall };
