import { n as InputError, t as ActionInputs } from "./inputs-2CWzAqKl.mjs";
import __ironbotsPath from "node:path";
import os from "node:os";
// actions/npm-cache/inputs.ts
const INPUT_DEFAULTS = {
	mode: "",
	"working-directory": ".",
	store: "auto",
	"cache-dir": "",
	"s3-bucket": "",
	"s3-prefix": "",
	"s3-endpoint": "",
	"s3-region": "us-east-1",
	"key-prefix": "npm-cache",
	"restore-keys": "",
	"save-always": "false",
	mount: "off",
	"open-pr": "false",
	"test-command": "npm test",
	branch: "ironbots/npm-update",
	"base-branch": "",
	token: "",
	"github-token": ""
};
const RENAMED_INPUTS = { "github-token": "token" };
function readSettings(values, env, warn, options = {}) {
	const inputs = new ActionInputs(values, INPUT_DEFAULTS, {
		renamed: RENAMED_INPUTS,
		warn
	});
	const get = (name) => inputs.getInput(name);
	const mode = get("mode");
	const modes = options.postStep ? [
		"install",
		"restore",
		"save",
		"update"
	] : [
		"restore",
		"save",
		"update"
	];
	if (!modes.includes(mode)) {
		const known = mode === "install" ? " (install saves in the action's post step; here, run restore, npm ci and save)" : "";
		throw new InputError("mode", `"${mode}" is not one of ${modes.join(", ")}${known}`);
	}
	const restoreKeys = inputs.getMultilineInput("restore-keys");
	if (restoreKeys.length && mode !== "install") throw new InputError("restore-keys", `only with mode install (after ${mode}, npm ci would throw a partial tree away)`);
	const saveAlways = inputs.getBooleanInput("save-always");
	if (saveAlways && mode !== "install") throw new InputError("save-always", `only with mode install, whose post step saves (not ${mode})`);
	const mount = get("mount");
	if (mount !== "auto" && mount !== "off") throw new InputError("mount", `"${mount}" is not one of auto, off`);
	if (mount === "auto" && !options.postStep && mode === "restore") throw new InputError("mount", "auto restores only in the action, whose post step unmounts; here, save and update make images, and restore needs mount off");
	const cacheDir = get("cache-dir");
	const s3 = {
		bucket: get("s3-bucket"),
		prefix: get("s3-prefix"),
		endpoint: get("s3-endpoint"),
		region: get("s3-region")
	};
	let store = get("store");
	if (store === "auto") {
		if (s3.bucket) store = "s3";
		else if (cacheDir) store = "directory";
		else if (env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL) store = "actions-cache";
		else throw new InputError("store", "no Actions cache service here; give cache-dir or s3-bucket");
	}
	if (store !== "actions-cache" && store !== "directory" && store !== "s3") throw new InputError("store", `"${store}" is not one of auto, actions-cache, directory, s3`);
	if (store === "directory" && !cacheDir) throw new InputError("cache-dir", "required with store: directory");
	if (store === "s3" && !s3.bucket) throw new InputError("s3-bucket", "required with store: s3");
	const openPr = inputs.getBooleanInput("open-pr");
	const token = get("token");
	if (openPr && !token) throw new InputError("token", "required with open-pr: true");
	return {
		mode,
		projectDir: __ironbotsPath.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), get("working-directory")),
		store,
		cacheDir,
		s3,
		keyPrefix: get("key-prefix"),
		restoreKeys,
		saveAlways,
		mount: mount === "auto",
		tempDir: env.RUNNER_TEMP || os.tmpdir(),
		openPr,
		testCommand: get("test-command"),
		branch: get("branch"),
		baseBranch: get("base-branch"),
		token
	};
}
export { RENAMED_INPUTS as n, readSettings as r, INPUT_DEFAULTS as t };
