import { n as InputError, t as ActionInputs } from "./inputs-2CWzAqKl.mjs";
import { t as isPullRequestRun } from "./ci-run-Bon9gw1J.mjs";
// actions/translations/inputs.ts
const INPUT_DEFAULTS = {
	forge: "github",
	token: "",
	"api-url": "",
	repository: "",
	"base-branch": "",
	branch: "ironbots/translations",
	sources: "",
	keywords: "_ N_",
	domain: "",
	"po-directory": "po",
	threshold: "80",
	title: "Update translations",
	"package-name": "",
	source: "weblate",
	"weblate-url": "",
	"weblate-token": "",
	"weblate-project": "",
	"weblate-component": "",
	"po-repository": "",
	"po-repository-branch": "main",
	"po-repository-directory": ".",
	"po-repository-token": "",
	"dry-run": "false"
};
function readSettings(values, run) {
	const inputs = new ActionInputs(values, INPUT_DEFAULTS);
	const get = (name) => inputs.getInput(name);
	const required = (name, why) => inputs.getInput(name, { required: why ?? true });
	const forgeKind = get("forge");
	if (forgeKind !== "github" && forgeKind !== "gitlab") throw new InputError("forge", `must be github or gitlab, not "${forgeKind}"`);
	const apiUrl = get("api-url") || (forgeKind === "github" ? run.github?.apiUrl || "https://api.github.com" : run.gitlab?.url || "");
	if (!apiUrl) throw new InputError("api-url", "required on GitLab outside GitLab CI (CI_SERVER_URL)");
	const repositoryName = get("repository") || (forgeKind === "github" ? run.github?.repository : run.gitlab?.project) || "";
	const slash = repositoryName.lastIndexOf("/");
	if (slash <= 0 || slash === repositoryName.length - 1) throw new InputError("repository", `must be owner/name, not "${repositoryName}"`);
	const repository = {
		owner: repositoryName.slice(0, slash),
		name: repositoryName.slice(slash + 1)
	};
	const thresholdText = get("threshold");
	const threshold = Number(thresholdText);
	if (!/^\d+(\.\d+)?$/.test(thresholdText) || threshold > 100) throw new InputError("threshold", `must be a percentage from 0 to 100, not "${thresholdText}"`);
	const dryRun = inputs.getBooleanInput("dry-run");
	const sources = inputs.getListInput("sources", { required: "globs of source files, e.g. \"src/**/*.c src/**/*.py\"" });
	const domain = get("domain") || repository.name;
	if (!/^[\w.-]+$/.test(domain)) throw new InputError("domain", `must be a plain file name, not "${domain}"`);
	const poDirectory = get("po-directory");
	if (poDirectory.startsWith("/") || poDirectory.split("/").includes("..")) throw new InputError("po-directory", "must be a path inside the repository");
	const branch = get("branch");
	const baseBranch = get("base-branch");
	if (branch === baseBranch) throw new InputError("branch", "must differ from base-branch");
	const sourceKind = get("source");
	let source;
	if (sourceKind === "weblate") source = {
		kind: "weblate",
		url: required("weblate-url"),
		token: required("weblate-token"),
		project: required("weblate-project"),
		component: required("weblate-component")
	};
	else if (sourceKind === "git") source = {
		kind: "git",
		url: required("po-repository"),
		branch: get("po-repository-branch"),
		directory: get("po-repository-directory"),
		token: get("po-repository-token")
	};
	else throw new InputError("source", `must be weblate or git, not "${sourceKind}"`);
	const token = required("token");
	const packageName = get("package-name");
	return {
		plan: {
			repository,
			...baseBranch ? { baseBranch } : {},
			branch,
			sources,
			keywords: inputs.getListInput("keywords"),
			domain,
			poDirectory,
			threshold,
			title: get("title"),
			...packageName ? { packageName } : {},
			dryRun: dryRun || isPullRequestRun(run)
		},
		forge: {
			kind: forgeKind,
			token,
			apiUrl
		},
		source,
		secrets: [token, source.token].filter(Boolean)
	};
}
export { INPUT_DEFAULTS, readSettings };
