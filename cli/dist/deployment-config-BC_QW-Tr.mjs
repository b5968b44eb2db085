import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { a as discriminatedUnion, c as object, i as boolean, n as _enum, o as literal, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { t as REPOSITORY_PATH } from "./cross-project-BR8Oy66k.mjs";
import __ironbotsPath from "node:path";
import os from "node:os";
import { readFile } from "node:fs/promises";
// runner-agent/src/config/deployment-config.ts
var import_dist = require_dist();
const HostPort = string().regex(/^[^:\s]+:\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:8080");
const MaxLogBytes = number().int("must be a whole number of bytes, e.g. 52428800 for 50 MiB").min(1024, "must be at least 1024 bytes (1 KiB): the log keeps room for its truncation notice and verdict").max(Number.MAX_SAFE_INTEGER).default(52428800);
const RetentionDays = number().int().min(1).max(3650).default(30);
const MaxArtifactBytes = number().int("must be a whole number of bytes, e.g. 1073741824 for 1 GiB").min(0).max(Number.MAX_SAFE_INTEGER).default(1024 ** 3);
const DeploymentConfigSchema = object({
	stateDir: string().default(__ironbotsPath.join(os.homedir(), ".local/state/ironbots")),
	forge: object({
		kind: _enum(["github", "gitlab"]).default("github"),
		apiUrl: string().url().optional(),
		token: string().min(1).optional(),
		app: object({
			appId: number().int().positive(),
			installationId: number().int().positive(),
			privateKey: string().includes("PRIVATE KEY", { message: "expected a PEM private key" })
		}).strict().optional(),
		repositories: array(string().regex(/^[^/\s]+\/[^/\s]+$/, "expected owner/name")).default([]),
		secondaryRateLimits: boolean().default(true)
	}).strict().refine((forge) => !forge.token !== !forge.app, { message: "give the forge a token or an app (appId, installationId, privateKey), not both" }).refine((forge) => forge.kind === "github" || !forge.app, {
		message: "only GitHub has apps: give a GitLab forge a token",
		path: ["app"]
	}).transform((forge) => ({
		...forge,
		apiUrl: forge.apiUrl ?? (forge.kind === "gitlab" ? "https://gitlab.com" : "https://api.github.com")
	})).optional(),
	queue: discriminatedUnion("kind", [object({
		kind: literal("sqlite"),
		path: string().optional()
	}).strict(), object({
		kind: literal("rabbitmq"),
		url: string().regex(/^amqps?:\/\/[^\s]+$/, "expected amqp://user:password@host:5672[/vhost]"),
		prefix: string().regex(/^[A-Za-z0-9._-]+$/).default("ironbots")
	}).strict()]).default({ kind: "sqlite" }),
	state: discriminatedUnion("kind", [object({
		kind: literal("sqlite"),
		path: string().optional()
	}).strict(), object({
		kind: literal("postgres"),
		url: string().regex(/^postgres(ql)?:\/\/[^\s]+$/, "expected postgres://user:password@host:5432/database"),
		schema: string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "use lower-case letters, digits and _").default("ironbots")
	}).strict()]).default({ kind: "sqlite" }),
	logs: discriminatedUnion("kind", [object({
		kind: literal("filesystem"),
		dir: string().optional(),
		maxBytes: MaxLogBytes,
		retentionDays: RetentionDays,
		maxArtifactBytes: MaxArtifactBytes
	}).strict(), object({
		kind: literal("s3"),
		bucket: string().min(3),
		prefix: string().default("logs/"),
		maxBytes: MaxLogBytes,
		retentionDays: RetentionDays,
		maxArtifactBytes: MaxArtifactBytes,
		endpoint: string().url().optional(),
		region: string().default("us-east-1"),
		forcePathStyle: boolean().default(false),
		accessKeyId: string().min(1).optional(),
		secretAccessKey: string().min(1).optional()
	}).strict().refine((s) => !s.accessKeyId === !s.secretAccessKey, { message: "set both accessKeyId and secretAccessKey, or neither" })]).default({
		kind: "filesystem",
		maxBytes: 52428800,
		retentionDays: 30,
		maxArtifactBytes: 1024 ** 3
	}),
	images: discriminatedUnion("kind", [object({
		kind: literal("filesystem"),
		dir: string().optional(),
		cacheDir: string().optional()
	}).strict(), object({
		kind: literal("s3"),
		bucket: string().min(3),
		prefix: string().default("images/"),
		endpoint: string().url().optional(),
		region: string().default("us-east-1"),
		forcePathStyle: boolean().default(false),
		accessKeyId: string().min(1).optional(),
		secretAccessKey: string().min(1).optional(),
		cacheDir: string().optional()
	}).strict().refine((s) => !s.accessKeyId === !s.secretAccessKey, { message: "set both accessKeyId and secretAccessKey, or neither" })]).default({ kind: "filesystem" }),
	statuses: object({
		holdSeconds: number().min(1).max(3600).default(30),
		reconcileIntervalSeconds: number().min(.1).max(3600).default(10)
	}).strict().default({
		holdSeconds: 30,
		reconcileIntervalSeconds: 10
	}),
	publicUrl: string().url().optional(),
	metrics: object({
		public: boolean().default(false),
		tokens: array(string().min(16, "metrics tokens need at least 16 characters")).default([])
	}).strict().default({
		public: false,
		tokens: []
	}),
	server: object({
		listen: HostPort.default("127.0.0.1:8080"),
		webhookSecret: string().min(8, "webhookSecret: use at least 8 characters"),
		apiTokens: array(string().min(16, "API tokens need at least 16 characters")).default([]),
		trustedAuthors: array(string()).default([]),
		infraRepositories: array(string().regex(REPOSITORY_PATH, "infrastructure repositories are owner/name (GitLab: namespace/project)")).default([]),
		infraProjects: array(string().regex(REPOSITORY_PATH, "projects are owner/name (GitLab: namespace/project)")).default([]),
		approvalLabel: string().max(50).default("ok-to-test"),
		imageRefreshJobs: object({
			labels: array(string().regex(/^[A-Za-z0-9:._-]+$/)).default(["kvm"]),
			executor: _enum([
				"process",
				"podman",
				"vm"
			]).default("process"),
			timeoutSeconds: number().int().positive().max(86400).default(7200)
		}).strict().default({
			labels: ["kvm"],
			executor: "process",
			timeoutSeconds: 7200
		}),
		canaryPercent: number().min(0).max(100).default(0),
		scanIntervalSeconds: number().int().min(0).default(300),
		fullScanIntervalSeconds: number().int().min(0).default(3600),
		scanReservePercent: number().min(0).max(100).default(10),
		dashboard: object({ public: boolean().default(false) }).strict().default({ public: false })
	}).strict().optional(),
	runners: object({ github: object({
		scope: _enum(["repository", "organization"]).default("repository"),
		runnerGroupId: number().int().positive().default(1),
		claimLabels: array(string().min(1)).min(1).default(["self-hosted"]),
		implicitLabels: array(string().min(1)).default([
			"self-hosted",
			"linux",
			"x64"
		]),
		executor: _enum([
			"process",
			"podman",
			"vm"
		]).default("vm"),
		image: string().min(1).optional(),
		command: array(string().min(1)).min(1).default(["/opt/actions-runner/run.sh"]),
		timeoutMinutes: number().int().min(1).max(10080).default(370),
		namePrefix: string().regex(/^[A-Za-z0-9._-]{1,30}$/).default("ironbots-"),
		registrationTimeoutSeconds: number().min(1).max(3600).default(300),
		idleTimeoutSeconds: number().min(1).max(86400).default(300),
		pollSeconds: number().min(.1).max(600).default(10),
		reapIntervalSeconds: number().min(1).max(86400).default(300)
	}).strict().refine((github) => github.executor === "process" || github.image !== void 0, {
		message: "name the runner image (for vm: github-runner-<sha256>.qcow2 from `ironbots image build`)",
		path: ["image"]
	}).optional() }).strict().default({}),
	agent: object({
		name: string().regex(/^[A-Za-z0-9._-]+$/).default(os.hostname()),
		labels: array(string()).default([]),
		canary: boolean().default(false),
		executors: array(_enum([
			"process",
			"podman",
			"vm"
		])).min(1).default(["process"]),
		concurrency: number().int().min(1).max(64).default(1),
		listen: HostPort.optional(),
		visibilityTimeoutSeconds: number().int().min(10).default(300),
		supersededPollSeconds: number().min(.1).default(30),
		cancelCheckSeconds: number().min(.1).default(10)
	}).strict().optional()
}).strict().refine((config) => !config.runners.github || (config.forge?.kind ?? "github") === "github", {
	message: "runners.github needs a GitHub forge (forge.kind: github)",
	path: ["runners", "github"]
}).refine((config) => config.queue.kind !== "rabbitmq" || config.state.kind === "postgres", {
	message: "a rabbitmq queue keeps its bookkeeping in PostgreSQL: add state: { kind: postgres, url: \u2026 }",
	path: ["state"]
});
const RENAMED_FIELDS = {
	"logs.maxLogMegabytes": "renamed to logs.maxBytes, in bytes (52428800 is 50 MiB)",
	"logs.maxArtifactMegabytes": "renamed to logs.maxArtifactBytes, in bytes (1073741824 is 1 GiB)"
};
var DeploymentConfigError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "DeploymentConfigError";
	}
};
async function loadDeploymentConfig(file, env = process.env) {
	let text;
	try {
		text = await readFile(file, "utf8");
	} catch (error) {
		throw new DeploymentConfigError(`cannot read ${file}: ${error.message}`);
	}
	return parseDeploymentConfig(text, file, env, (p) => readFile(p, "utf8"));
}
async function parseDeploymentConfig(text, file, env, readSecretFile) {
	const lineCounter = new import_dist.LineCounter();
	const doc = (0, import_dist.parseDocument)(text, {
		lineCounter,
		prettyErrors: false
	});
	if (doc.errors[0]) {
		const line = lineCounter.linePos(doc.errors[0].pos[0]).line;
		const source = text.split("\n")[line - 1] ?? "";
		const hint = /[[{].*\$\{/.test(source) ? " (quote values that use ${\u2026} inside [ ] or { }, e.g. [\"${TOKEN}\"])" : "";
		throw new DeploymentConfigError(`${file} line ${line}: invalid YAML: ${doc.errors[0].message.split("\n")[0]}${hint}`);
	}
	const problems = [];
	const raw = await substitute(doc.toJS() ?? {}, env, readSecretFile, problems);
	if (problems.length === 0) {
		const result = DeploymentConfigSchema.safeParse(raw);
		if (result.success) return result.data;
		for (const issue of result.error.issues) {
			let at = issue.path.map((p) => typeof p === "symbol" ? String(p) : p);
			let message = issue.message;
			if (issue.code === "unrecognized_keys" && issue.keys.length === 1) {
				at = [...at, issue.keys[0]];
				message = RENAMED_FIELDS[at.join(".")] ?? "unknown field";
			}
			if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)) {
				const kinds = issue.options.map(String).join(", ");
				const given = valueAt(raw, at);
				message = given === void 0 ? `missing: one of ${kinds}` : `${JSON.stringify(given)} is not one of ${kinds}`;
			}
			let line;
			for (let depth = at.length; depth >= 0 && line === void 0; depth--) {
				const start = keyStart(doc, at.slice(0, depth));
				if (start !== void 0) line = lineCounter.linePos(start).line;
			}
			problems.push(`${line === void 0 ? "" : `line ${line}: `}${at.join(".") || "(top)"}: ${message}`);
		}
	}
	throw new DeploymentConfigError(problems.length === 1 ? `${file}${problems[0].startsWith("line ") ? " " : ": "}${problems[0]}` : `${file}: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join("\n")}`);
}
function valueAt(value, path) {
	let here = value;
	for (const key of path) {
		if (typeof here !== "object" || here === null) return void 0;
		here = here[key];
	}
	return here;
}
function keyStart(doc, path) {
	if (path.length === 0) return (0, import_dist.isNode)(doc.contents) ? doc.contents.range?.[0] : void 0;
	const parent = doc.getIn(path.slice(0, -1), true);
	const last = path.at(-1);
	if ((0, import_dist.isMap)(parent)) {
		const pair = parent.items.find((item) => (0, import_dist.isScalar)(item.key) && item.key.value === last);
		if (pair && (0, import_dist.isNode)(pair.key)) return pair.key.range?.[0];
	}
	const node = doc.getIn(path, true);
	return (0, import_dist.isNode)(node) ? node.range?.[0] : void 0;
}
async function substitute(value, env, readSecretFile, problems) {
	if (typeof value === "string") {
		let out = value;
		for (const match of value.matchAll(/\$\{([^}]+)\}/g)) {
			const ref = match[1];
			let replacement;
			if (ref.startsWith("file:")) try {
				replacement = (await readSecretFile(ref.slice(5))).trim();
			} catch (e) {
				problems.push(`cannot read secret file ${ref.slice(5)}: ${e.message}`);
				continue;
			}
			else {
				const v = env[ref];
				if (v === void 0) {
					problems.push(`environment variable ${ref} is not set`);
					continue;
				}
				replacement = v;
			}
			out = out.replace(match[0], replacement);
		}
		return out;
	}
	if (Array.isArray(value)) return Promise.all(value.map((v) => substitute(v, env, readSecretFile, problems)));
	if (value && typeof value === "object") {
		const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await substitute(v, env, readSecretFile, problems)]));
		return Object.fromEntries(entries);
	}
	return value;
}
export { DeploymentConfigSchema as n, loadDeploymentConfig as r, DeploymentConfigError as t };
