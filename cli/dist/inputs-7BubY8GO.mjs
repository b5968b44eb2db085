import { n as InputError, t as ActionInputs } from "./inputs-2CWzAqKl.mjs";
import { i as FLOATING_TAG_KINDS, t as DEFAULT_VERSION_PATTERN } from "./tag-signature-ChAzK744.mjs";
// actions/release/inputs.ts
const INPUT_DEFAULTS = {
	tag: "",
	targets: "github",
	"allowed-keys": "",
	keyring: "",
	"allowed-signers-file": "",
	"version-pattern": DEFAULT_VERSION_PATTERN,
	build: "",
	assets: "",
	"dry-run": "false",
	"compare-link": "true",
	"working-directory": ".",
	"floating-tags": "",
	token: "",
	"github-token": "",
	repository: "",
	"api-url": "",
	"gitlab-url": "",
	"gitlab-token": "",
	"gitlab-project": "",
	"gitlab-package-name": "",
	"npm-registry": "https://registry.npmjs.org/",
	"npm-token": "",
	"npm-tarball": "",
	"npm-tag": "",
	"npm-access": "",
	"container-registry": "",
	"container-image": "",
	"container-username": "",
	"container-password": "",
	"container-tags": "{version}",
	"container-moving-tags": "",
	"container-archive": "",
	"container-context": "",
	"container-file": "",
	"container-tls-verify": "true"
};
const RENAMED_INPUTS = { "github-token": "token" };
const TARGET_NAMES = [
	"github",
	"gitlab",
	"npm",
	"container"
];
function readSettings(values, run, warn) {
	const inputs = new ActionInputs(values, INPUT_DEFAULTS, {
		renamed: RENAMED_INPUTS,
		warn
	});
	const get = (name) => inputs.getInput(name);
	const dryRun = inputs.getBooleanInput("dry-run");
	const secrets = [];
	const secret = (name, fallback = "") => {
		const value = get(name) || fallback;
		if (value) secrets.push(value);
		return value;
	};
	const needed = (name, value, why) => {
		if (!value && !dryRun) throw new InputError(name, `required ${why}`);
		return value;
	};
	const tag = get("tag") || run.tag || "";
	if (!tag) throw new InputError("tag", "required: no tag given and this run was not started by a tag (GITHUB_REF is not refs/tags/\u2026, CI_COMMIT_TAG is unset)");
	const versionPattern = get("version-pattern");
	try {
		new RegExp(versionPattern);
	} catch (error) {
		throw new InputError("version-pattern", `not a regular expression: ${error.message}`);
	}
	const trust = parseTrust(get("allowed-keys"), get("keyring"), get("allowed-signers-file"));
	const targetNames = inputs.getListInput("targets");
	if (targetNames.length === 0) throw new InputError("targets", `name at least one of ${TARGET_NAMES.join(", ")}`);
	for (const name of targetNames) if (!TARGET_NAMES.includes(name)) throw new InputError("targets", `unknown target "${name}"; known: ${TARGET_NAMES.join(", ")}`);
	if (new Set(targetNames).size !== targetNames.length) throw new InputError("targets", "a target is listed twice");
	const targets = targetNames.map((name) => {
		switch (name) {
			case "github": {
				const repository = get("repository") || run.github?.repository || "";
				if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new InputError("repository", `owner/name required for the github target, got "${repository}"`);
				return {
					kind: "github",
					token: needed("token", secret("token"), "for the github target (contents: write)"),
					repository,
					apiUrl: get("api-url") || run.github?.apiUrl || "https://api.github.com",
					serverUrl: run.github?.serverUrl || "https://github.com"
				};
			}
			case "gitlab": {
				const url = get("gitlab-url") || run.gitlab?.url || "";
				const project = get("gitlab-project") || run.gitlab?.project || "";
				if (!/^https?:\/\//.test(url)) throw new InputError("gitlab-url", `an http(s) URL required for the gitlab target, got "${url}"`);
				if (!project) throw new InputError("gitlab-project", "required for the gitlab target (id or group/name)");
				const packageName = get("gitlab-package-name");
				return {
					kind: "gitlab",
					url,
					project,
					token: needed("gitlab-token", secret("gitlab-token"), "for the gitlab target (Developer access)"),
					...packageName ? { packageName } : {}
				};
			}
			case "npm": {
				const access = get("npm-access");
				if (access && access !== "public" && access !== "restricted") throw new InputError("npm-access", `public or restricted, not "${access}"`);
				const npmTag = get("npm-tag");
				return {
					kind: "npm",
					registry: get("npm-registry"),
					token: needed("npm-token", secret("npm-token"), "for the npm target (an automation or granular token)"),
					tarball: inputs.getInput("npm-tarball", { required: "for the npm target: the npm pack tarball (asset name or path)" }),
					...npmTag ? { tag: npmTag } : {},
					...access ? { access } : {}
				};
			}
			case "container": {
				const archive = get("container-archive");
				const buildContext = get("container-context");
				if (!archive === !buildContext) throw new InputError("container-archive", "give exactly one of container-archive and container-context");
				const containerfile = get("container-file");
				return {
					kind: "container",
					registry: inputs.getInput("container-registry", { required: "for the container target (host[:port])" }),
					image: inputs.getInput("container-image", { required: "for the container target (repository in the registry)" }),
					username: needed("container-username", get("container-username"), "for the container target"),
					password: needed("container-password", secret("container-password"), "for the container target"),
					tags: inputs.getListInput("container-tags"),
					movingTags: inputs.getListInput("container-moving-tags"),
					tlsVerify: inputs.getBooleanInput("container-tls-verify"),
					...archive ? { archive } : {},
					...buildContext ? { buildContext } : {},
					...containerfile ? { containerfile } : {}
				};
			}
		}
	});
	const floatingTags = inputs.getListInput("floating-tags");
	for (const kind of floatingTags) if (!FLOATING_TAG_KINDS.includes(kind)) throw new InputError("floating-tags", `"${kind}" is not one of ${FLOATING_TAG_KINDS.join(", ")} (major moves v1, minor moves v1.4)`);
	return {
		repoDir: get("working-directory"),
		tag,
		trust,
		allowedSignersFile: get("allowed-signers-file"),
		versionPattern,
		buildCommand: inputs.getCommandLineInput("build"),
		assetPatterns: get("assets").split(/\s+/).filter(Boolean),
		dryRun,
		compareLink: inputs.getBooleanInput("compare-link"),
		floatingTags: [...new Set(floatingTags)],
		targets,
		secrets
	};
}
function parseTrust(allowedKeys, keyring, allowedSignersFile) {
	const openpgp = [];
	const ssh = [];
	const blocks = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;
	for (const block of allowedKeys.match(blocks) ?? []) openpgp.push(block);
	for (const line of allowedKeys.replace(blocks, "").split("\n")) {
		const text = line.trim();
		if (!text || text.startsWith("#")) continue;
		if (text.startsWith("-----")) throw new InputError("allowed-keys", `an incomplete key block: "${text}" has no matching BEGIN/END line`);
		if (!/\b(ssh-ed25519|ssh-rsa|ecdsa-sha2-\S+|sk-\S+)\s+[A-Za-z0-9+/=]+/.test(text)) throw new InputError("allowed-keys", `"${text.slice(0, 60)}" is neither part of an armored OpenPGP key nor an allowed_signers line (<principal> ssh-ed25519 AAAA\u2026)`);
		ssh.push(text);
	}
	if (openpgp.length === 0 && ssh.length === 0 && !keyring && !allowedSignersFile) throw new InputError("allowed-keys", "required: the keys allowed to sign release tags (armored OpenPGP public keys or SSH allowed_signers lines), or a keyring / allowed-signers-file in the repository");
	return {
		...openpgp.length ? { openpgpKeys: `${openpgp.join("\n")}\n` } : {},
		...keyring ? { openpgpKeyringFile: keyring } : {},
		...ssh.length ? { sshAllowedSigners: `${ssh.join("\n")}\n` } : {}
	};
}
export { readSettings as a, parseTrust as i, RENAMED_INPUTS as n, TARGET_NAMES as r, INPUT_DEFAULTS as t };
