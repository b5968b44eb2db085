import { t as isPullRequestRun } from "./ci-run-Bon9gw1J.mjs";
import { n as InputError, t as ActionInputs } from "./inputs-2CWzAqKl.mjs";
// actions/container-refresh/inputs.ts
const INPUT_DEFAULTS = {
	directory: "",
	image: "",
	registry: "",
	"test-command": "",
	mode: "auto",
	"base-ref": "",
	containerfile: "",
	token: "",
	"registry-username": "",
	"registry-password": "",
	"tls-verify": "true",
	"issue-label": "container-refresh"
};
const IMAGE_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;
function readSettings(values, run) {
	const inputs = new ActionInputs(values, INPUT_DEFAULTS);
	const get = (name) => inputs.getInput(name);
	const required = (name) => inputs.getInput(name, { required: true });
	const image = required("image");
	if (!IMAGE_NAME.test(image)) throw new InputError("image", `"${image}" is not a registry repository name (lower case, e.g. acme/ci-image; no tag)`);
	const registryInput = required("registry");
	const registry = registryInput.replace(/^(?:https?|docker):\/\//, "").replace(/\/+$/, "");
	if (!REGISTRY.test(registry)) throw new InputError("registry", `"${registryInput}" is not a registry host, e.g. ghcr.io or 127.0.0.1:5000`);
	const modeInput = get("mode").toLowerCase();
	let mode;
	if (modeInput === "auto") mode = isPullRequestRun(run) ? "pr" : "publish";
	else if (modeInput === "pr" || modeInput === "publish" || modeInput === "rollback") mode = modeInput;
	else throw new InputError("mode", `"${get("mode")}" is none of auto, pr, publish, rollback`);
	const directory = mode === "rollback" ? get("directory") : required("directory");
	const testCommand = mode === "rollback" ? get("test-command") : required("test-command");
	const baseRef = get("base-ref") || run.baseRef || "";
	if (mode === "pr" && !baseRef) throw new InputError("base-ref", "required in pr mode outside a pull request event");
	const tlsVerify = inputs.getBooleanInput("tls-verify");
	const username = get("registry-username");
	const password = inputs.getInput("registry-password", { trimWhitespace: false });
	if (Boolean(username) !== Boolean(password)) throw new InputError("registry-username", "give both registry-username and registry-password, or neither");
	const containerfile = get("containerfile");
	if (containerfile.startsWith("/") || containerfile.split(/[\\/]/).includes("..")) throw new InputError("containerfile", `"${containerfile}" must be a path inside the directory`);
	return {
		mode,
		directory,
		containerfile,
		image,
		registry,
		testCommand,
		baseRef,
		credentials: username ? {
			username,
			password
		} : null,
		tlsVerify,
		issueLabel: get("issue-label"),
		token: get("token")
	};
}
export { readSettings };
