import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { c as object, l as record, n as _enum, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { n as ExecutorNameSchema } from "./job-27BlS2A5.mjs";
// runner-agent/src/planner/project-config.ts
var import_dist = require_dist();
const PROJECT_CONFIG_PATH = ".ironbots.yml";
const MAX_CONFIG_BYTES = 262144;
const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._/@-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NoNul = string().refine((s) => !s.includes("\0"), "must not contain NUL bytes");
const ContextSchema = object({
	run: array(NoNul.min(1, "must not be empty")).min(1, "needs at least the program to run"),
	labels: array(string().regex(/^[A-Za-z0-9:._-]+$/, "labels are letters, digits and : . _ -")).default([]),
	timeout: number().int().positive().max(86400, "at most 86400 seconds (24 hours)").default(3600),
	env: record(string().regex(ENV_NAME, "environment variable names are letters, digits and _"), NoNul).default({}),
	executor: ExecutorNameSchema.default("process"),
	image: NoNul.min(1).optional(),
	network: _enum(["none", "user"]).optional(),
	priority: number().int().min(-100).max(100).default(0)
}).strict();
const ProjectConfigSchema = object({ contexts: record(string().regex(CONTEXT_NAME, "context names are letters, digits and . _ / @ - (max 100)"), ContextSchema).refine((contexts) => Object.keys(contexts).length > 0, "must define at least one context") }).strict();
var ProjectConfigError = class extends Error {
	line;
	field;
	constructor(message, line, field) {
		const where = line === void 0 ? PROJECT_CONFIG_PATH : `${PROJECT_CONFIG_PATH} line ${line}`;
		super(`${where}: ${field ? `${field}: ` : ""}${message}`);
		this.name = "ProjectConfigError";
		this.line = line;
		this.field = field;
	}
};
function parseProjectConfig(text) {
	const bytes = Buffer.byteLength(text, "utf8");
	if (bytes > 262144) throw new ProjectConfigError(`the file is ${Math.ceil(bytes / 1024)} KiB; at most ${MAX_CONFIG_BYTES / 1024} KiB is read`, void 0, void 0);
	const lineCounter = new import_dist.LineCounter();
	const lineOf = (offset) => lineCounter.linePos(offset).line;
	const doc = (0, import_dist.parseDocument)(text, {
		lineCounter,
		prettyErrors: false,
		uniqueKeys: false
	});
	const syntaxError = doc.errors[0];
	if (syntaxError) throw new ProjectConfigError(`invalid YAML: ${firstLine(syntaxError.message)}`, lineOf(syntaxError.pos[0]), void 0);
	const aliasTargets = checkNodes(doc, lineOf);
	let value;
	try {
		value = doc.toJS({ maxAliasCount: 100 });
	} catch (error) {
		throw yamlValueError(error, aliasTargets, lineOf);
	}
	checkLimits(doc, lineCounter, value ?? {});
	const result = ProjectConfigSchema.safeParse(value ?? {});
	if (result.success) return result.data;
	const issue = result.error.issues[0];
	return throwAt(doc, lineCounter, ...describeIssue(issue, issue.path.map((p) => typeof p === "symbol" ? String(p) : p)));
}
function checkNodes(doc, lineOf) {
	const marks = [];
	const pending = [doc.contents];
	while (pending.length) {
		const node = pending.pop();
		if ((0, import_dist.isAlias)(node)) {
			marks.push({
				at: node.range?.[0] ?? 0,
				node
			});
			continue;
		}
		if ((0, import_dist.isNode)(node) && node.anchor) marks.push({
			at: node.range?.[0] ?? 0,
			node
		});
		if ((0, import_dist.isMap)(node)) {
			const seen = /* @__PURE__ */ new Set();
			for (const pair of node.items) {
				if ((0, import_dist.isScalar)(pair.key)) {
					const key = String(pair.key.value);
					if (seen.has(key)) {
						const line = pair.key.range ? lineOf(pair.key.range[0]) : void 0;
						throw new ProjectConfigError(`invalid YAML: duplicate key "${key}"`, line, void 0);
					}
					seen.add(key);
				}
				pending.push(pair.value, pair.key);
			}
		} else if ((0, import_dist.isSeq)(node)) for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]);
		else if ((0, import_dist.isPair)(node)) pending.push(node.value, node.key);
	}
	marks.sort((a, b) => a.at - b.at);
	const anchors = /* @__PURE__ */ new Map();
	const targets = /* @__PURE__ */ new Map();
	for (const { node } of marks) if ((0, import_dist.isAlias)(node)) targets.set(node, anchors.get(node.source));
	else anchors.set(node.anchor, node);
	return targets;
}
function yamlValueError(error, targets, lineOf) {
	const at = (alias) => alias?.range ? lineOf(alias.range[0]) : void 0;
	const aliases = [...targets.keys()];
	if (/unresolved alias/i.test(error.message)) {
		const alias = aliases.find((a) => targets.get(a) === void 0) ?? aliases[0];
		return new ProjectConfigError(`invalid YAML: alias *${alias?.source ?? "?"} names no anchor defined before it`, at(alias), void 0);
	}
	if (/excessive alias count/i.test(error.message)) {
		const holding = /* @__PURE__ */ new Map();
		const holds = (target) => {
			if (!holding.has(target)) holding.set(target, holdsAlias(target));
			return holding.get(target);
		};
		return new ProjectConfigError(`invalid YAML: aliases expand too much (at most 100 expansions; an alias bomb?)`, at(aliases.find((a) => holds(targets.get(a))) ?? aliases[100] ?? aliases[0]), void 0);
	}
	if (error instanceof RangeError) return new ProjectConfigError("invalid YAML: nested too deeply", void 0, void 0);
	return new ProjectConfigError(`invalid YAML: ${firstLine(error.message)}`, at(aliases[0]), void 0);
}
function holdsAlias(node) {
	if ((0, import_dist.isMap)(node)) return node.items.some((pair) => (0, import_dist.isAlias)(pair.value) || (0, import_dist.isAlias)(pair.key));
	if ((0, import_dist.isSeq)(node)) return node.items.some((item) => (0, import_dist.isAlias)(item));
	return false;
}
function checkLimits(doc, lineCounter, value) {
	const contexts = isRecord(value) ? value.contexts : void 0;
	if (!isRecord(contexts)) return;
	const count = Object.keys(contexts).length;
	if (count > 200) throwAt(doc, lineCounter, ["contexts"], `${count} contexts; at most 200 are allowed`);
	for (const [name, context] of Object.entries(contexts)) {
		const env = isRecord(context) ? context.env : void 0;
		const entries = isRecord(env) ? Object.keys(env).length : 0;
		if (entries > 200) throwAt(doc, lineCounter, [
			"contexts",
			name,
			"env"
		], `${entries} entries; at most 200 are allowed`);
	}
}
function isRecord(value) {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}
function describeIssue(issue, path) {
	if (issue.code === "unrecognized_keys") {
		const key = issue.keys[0];
		return [[...path, key], `unknown field (allowed: ${allowedKeys(path).join(", ")})`];
	}
	if (issue.code === "invalid_key") return [path, issue.issues[0]?.message ?? issue.message];
	if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return [path, `is required (${issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "")})`];
	return [path, issue.message.replace(/^Invalid input: /, "")];
}
function allowedKeys(path) {
	return path.length === 0 ? Object.keys(ProjectConfigSchema.shape) : Object.keys(ContextSchema.shape);
}
function throwAt(doc, lineCounter, path, message) {
	for (let depth = path.length; depth >= 0; depth--) {
		const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
		if ((0, import_dist.isNode)(node) && node.range) {
			const line = lineCounter.linePos(node.range[0]).line;
			throw new ProjectConfigError(message, line, path.length ? path.join(".") : void 0);
		}
	}
	throw new ProjectConfigError(message, void 0, path.length ? path.join(".") : void 0);
}
function firstLine(text) {
	return text.split("\n")[0] ?? text;
}
function jobFromContext(context, spec, trigger, now) {
	return {
		context,
		command: spec.run,
		labels: spec.labels,
		timeoutSeconds: spec.timeout,
		env: spec.env,
		executor: spec.executor,
		...spec.image ? { image: spec.image } : {},
		...spec.network ? { network: spec.network } : {},
		trigger,
		createdAt: now.toISOString()
	};
}
export { parseProjectConfig as i, ProjectConfigError as n, jobFromContext as r, PROJECT_CONFIG_PATH as t };
