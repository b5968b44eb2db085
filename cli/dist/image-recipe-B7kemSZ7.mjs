import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { c as object, d as union, f as url, l as record, n as _enum, o as literal, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { n as assertImageName } from "./image-reference-t7zZk7rK.mjs";
import __ironbotsPath from "node:path";
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
// runner-agent/src/images/image-recipe.ts
var import_dist = require_dist();
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;
const ABSOLUTE_PATH = string().regex(/^\/[^\0]*$/, "an absolute path in the image").refine((p) => !p.split("/").includes(".."), "must not contain ..");
const INPUT_NAME = /^[a-z][a-z0-9-]*$/;
const RecipeSchema = object({
	description: string().optional(),
	extends: string().regex(/^[a-z0-9][a-z0-9._-]*$/, "the name of another recipe in the same directory").optional(),
	inputs: record(string().regex(INPUT_NAME, "an input name: lowercase letters, digits and -"), object({
		description: string().min(1, "says what the input is"),
		default: string().optional(),
		pattern: string().optional()
	}).strict()).optional(),
	base: object({
		debian: object({
			suite: string().regex(/^[a-z][a-z0-9-]*$/, "a Debian suite name, e.g. bookworm"),
			mirror: url({
				protocol: /^https?$/,
				error: "an http(s) URL of a Debian mirror"
			}).optional(),
			variant: _enum([
				"minbase",
				"apt",
				"required",
				"important",
				"standard"
			]).default("minbase")
		}).strict().optional(),
		image: object({
			url: url({
				protocol: /^https?$/,
				error: "an http(s) URL of a disk image"
			}),
			sha256: string().regex(/^[0-9a-f]{64}$/, "the image\u2019s sha256: 64 lowercase hex digits"),
			partition: number().int().min(1).max(128).optional()
		}).strict().optional()
	}).strict().refine((base) => (base.debian ? 1 : 0) + (base.image ? 1 : 0) === 1, "names exactly one of debian: (a suite to bootstrap) or image: (a disk image to download)").optional(),
	packages: array(string().regex(PACKAGE, "a Debian package name (optionally =version)")).default([]),
	files: array(object({
		path: ABSOLUTE_PATH,
		content: string(),
		mode: string().regex(/^0?[0-7]{3,4}$/, "an octal mode such as \"0644\" (quoted)").default("0644")
	}).strict()).default([]),
	downloads: array(object({
		url: url({
			protocol: /^https?$/,
			error: "an http(s) URL"
		}),
		sha256: string().regex(/^[0-9a-f]{64}$/, "the file\u2019s sha256: 64 lowercase hex digits"),
		path: ABSOLUTE_PATH
	}).strict()).optional(),
	commands: array(string().min(1, "must not be empty")).default([]),
	kernel: union([literal("debian"), object({ package: string().regex(/^linux-image-[0-9][^\s/]*$/, "a linux-image-<release> package") }).strict()]).default("debian"),
	"disk-megabytes": number().int().min(256).max(65536).default(2048)
}).strict();
var ImageRecipeError = class extends Error {
	constructor(file, line, field, message) {
		super(`${file}${line === void 0 ? "" : ` line ${line}`}: ${field ? `${field}: ` : ""}${message}`);
		this.name = "ImageRecipeError";
	}
};
var RecipeInputError = class extends ImageRecipeError {
	constructor(file, line, field, message) {
		super(file, line, field, message);
		this.name = "RecipeInputError";
	}
};
const RECIPES_DIR = __ironbotsPath.join("images", "recipes");
function recipeFile(reference, projectDir) {
	if (reference.endsWith(".yml") || reference.endsWith(".yaml") || reference.includes("/")) return __ironbotsPath.resolve(reference);
	assertImageName(reference);
	return __ironbotsPath.join(projectDir, RECIPES_DIR, `${reference}.yml`);
}
function parentFile(file, name) {
	return __ironbotsPath.join(__ironbotsPath.dirname(file), `${name}.yml`);
}
async function loadImageRecipe(file, options = {}) {
	const read = async (at) => readFile(at, "utf8").catch((error) => {
		if (error.code === "ENOENT") return void 0;
		throw new ImageRecipeError(at, void 0, void 0, error.message);
	});
	const text = await read(file);
	if (text === void 0) throw new ImageRecipeError(file, void 0, void 0, "no such recipe");
	const texts = /* @__PURE__ */ new Map();
	for (let current = text, at = file;;) {
		let parent;
		try {
			parent = (0, import_dist.parseDocument)(current).toJS()?.extends;
		} catch {
			break;
		}
		if (typeof parent !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(parent)) break;
		const next = parentFile(at, parent);
		if (texts.has(next) || next === file) break;
		const found = await read(next);
		if (found === void 0) break;
		texts.set(next, found);
		[current, at] = [found, next];
	}
	return parseImageRecipe(text, file, {
		...options,
		readParent: (at) => texts.get(at)
	});
}
function parseImageRecipe(text, file, options = {}) {
	const name = __ironbotsPath.basename(file).replace(/\.ya?ml$/, "");
	try {
		assertImageName(name);
	} catch (error) {
		throw new ImageRecipeError(file, void 0, void 0, `the file name: ${error.message}`);
	}
	const given = options.inputs ?? {};
	const declared = /* @__PURE__ */ new Set();
	const used = {};
	const resolved = resolveRecipe(text, file, [], {
		given,
		declared,
		used,
		readParent: options.readParent ?? (() => void 0)
	});
	const unknown = Object.keys(given).filter((key) => !declared.has(key));
	if (unknown.length > 0) throw new RecipeInputError(file, void 0, "inputs", `no input ${unknown.map((k) => `"${k}"`).join(", ")} is declared (${declared.size ? `declared: ${[...declared].join(", ")}` : "this recipe declares no inputs"})`);
	const { spec, locate } = resolved;
	const hashed = declared.size === 0 ? spec : {
		spec,
		inputs: sortedObject(used)
	};
	return {
		name,
		file,
		spec,
		locate,
		lineOf: (at) => locate(at).line,
		inputs: used,
		hash: createHash("sha256").update(JSON.stringify(hashed)).digest("hex")
	};
}
function resolveRecipe(text, file, chain, context) {
	const lineCounter = new import_dist.LineCounter();
	const doc = (0, import_dist.parseDocument)(text, {
		lineCounter,
		prettyErrors: false
	});
	const syntaxError = doc.errors[0];
	if (syntaxError) throw new ImageRecipeError(file, lineCounter.linePos(syntaxError.pos[0]).line, void 0, `invalid YAML: ${syntaxError.message.split("\n")[0]}`);
	const lineOf = (at) => nodeLine(doc, lineCounter, at);
	const own = (at) => ({
		file,
		line: lineOf(at)
	});
	const fail = (at, message) => {
		let line;
		for (let depth = at.length; depth >= 0 && line === void 0; depth--) line = lineOf(at.slice(0, depth));
		throw new ImageRecipeError(file, line, at.join(".") || void 0, message);
	};
	const raw = doc.toJS() ?? {};
	resolveInputs(doc, raw, {
		file,
		lineCounter,
		fail
	}, context);
	const result = RecipeSchema.safeParse(doc.toJS() ?? {});
	if (!result.success) {
		const issue = result.error.issues[0];
		let at = issue.path.map((p) => typeof p === "symbol" ? String(p) : p);
		let message = issue.message.replace(/^Invalid input: /, "");
		if (issue.code === "unrecognized_keys") {
			at = [...at, issue.keys[0]];
			message = "unknown field";
		} else if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) message = `is required (${message.replace(/, received undefined$/, "")})`;
		fail(at, message);
	}
	const { extends: parentName, inputs: _inputs, ...rest } = result.data;
	if (parentName === void 0) {
		if (!rest.base) fail(["base"], "is required (debian: or image:), unless the recipe extends another");
		const spec = {
			...rest,
			base: rest.base
		};
		if (!spec.downloads?.length) delete spec.downloads;
		return {
			spec,
			locate: own
		};
	}
	if (rest.base) fail(["base"], `a recipe that extends another takes its base from it (here: ${parentName})`);
	const parentPath = parentFile(file, parentName);
	if (parentPath === file || chain.includes(parentPath)) fail(["extends"], `${parentName} is extended in a cycle: ${[
		...chain,
		file,
		parentPath
	].map((f) => __ironbotsPath.basename(f, ".yml")).join(" \u2192 ")}`);
	const parentText = context.readParent(parentPath);
	if (parentText === void 0) fail(["extends"], `no recipe "${parentName}" (looked for ${parentPath})`);
	return mergeRecipes(resolveRecipe(parentText, parentPath, [...chain, file], context), {
		spec: rest,
		raw,
		own,
		fail
	});
}
function mergeRecipes(parent, child) {
	const p = parent.spec;
	const c = child.spec;
	const has = (key) => Object.hasOwn(child.raw, key);
	if (has("disk-megabytes") && c["disk-megabytes"] < p["disk-megabytes"]) child.fail(["disk-megabytes"], `may only grow the parent's ${p["disk-megabytes"]} MB (a parent's files and packages need it)`);
	const packages = [...p.packages];
	const packageFrom = p.packages.map((_, i) => parent.locate(["packages", i]));
	for (const [i, pkg] of c.packages.entries()) {
		if (packages.includes(pkg)) continue;
		packages.push(pkg);
		packageFrom.push(child.own(["packages", i]));
	}
	const lists = [
		"files",
		"downloads",
		"commands"
	];
	const counts = {
		files: p.files.length,
		downloads: p.downloads?.length ?? 0,
		commands: p.commands.length
	};
	const downloads = [...p.downloads ?? [], ...c.downloads ?? []];
	const spec = {
		...c.description !== void 0 ? { description: c.description } : p.description !== void 0 ? { description: p.description } : {},
		base: p.base,
		packages,
		files: [...p.files, ...c.files],
		...downloads.length ? { downloads } : {},
		commands: [...p.commands, ...c.commands],
		kernel: has("kernel") ? c.kernel : p.kernel,
		"disk-megabytes": has("disk-megabytes") ? c["disk-megabytes"] : p["disk-megabytes"]
	};
	const locate = (at) => {
		const [key, index, ...more] = at;
		if (key === "packages" && typeof index === "number") return packageFrom[index] ?? {
			file: child.own([]).file,
			line: void 0
		};
		const list = lists.find((l) => l === key);
		if (list && typeof index === "number") return index < counts[list] ? parent.locate(at) : child.own([
			list,
			index - counts[list],
			...more
		]);
		if (key === "base") return parent.locate(at);
		if ((key === "kernel" || key === "disk-megabytes") && !has(key)) return parent.locate(at);
		return child.own(at);
	};
	return {
		spec,
		locate
	};
}
const REFERENCE = /\$\{\{\s*(.*?)\s*\}\}/g;
function resolveInputs(doc, raw, at, context) {
	const { fail } = at;
	const failInput = (key, message) => {
		const inputs = doc.get("inputs", true);
		const pair = (0, import_dist.isMap)(inputs) ? inputs.items.find((p) => (0, import_dist.isScalar)(p.key) && p.key.value === key) : void 0;
		const range = pair && (0, import_dist.isNode)(pair.key) ? pair.key.range : void 0;
		throw new RecipeInputError(at.file, range ? at.lineCounter.linePos(range[0]).line : void 0, `inputs.${key}`, message);
	};
	const declarations = raw.inputs;
	const values = /* @__PURE__ */ new Map();
	if (declarations !== void 0 && declarations !== null) {
		if (typeof declarations !== "object" || Array.isArray(declarations)) fail(["inputs"], "a map of input names to {description, default?, pattern?}");
		for (const [key, declaration] of Object.entries(declarations)) {
			if (!INPUT_NAME.test(key)) fail(["inputs", key], "an input name: lowercase letters, digits and -");
			const { default: fallback, pattern } = declaration ?? {};
			context.declared.add(key);
			const value = context.given[key] ?? (typeof fallback === "string" ? fallback : void 0);
			if (value === void 0) failInput(key, `the input "${key}" is required and was not given (ironbots image build \u2026 --input ${key}=<value>)`);
			if (typeof pattern === "string") {
				let re;
				try {
					re = new RegExp(`^(?:${pattern})$`);
				} catch (error) {
					fail([
						"inputs",
						key,
						"pattern"
					], `not a regular expression: ${error.message}`);
				}
				if (!re.test(value)) failInput(key, `the input "${key}" is "${value}", which does not match ${pattern}`);
			}
			values.set(key, value);
			context.used[key] = value;
		}
	}
	let failure;
	(0, import_dist.visit)(doc, {
		Pair(_key, pair, ancestors) {
			if (ancestors.length === 2 && (0, import_dist.isMap)(ancestors[1]) && (0, import_dist.isScalar)(pair.key) && pair.key.value === "inputs") return import_dist.visit.SKIP;
		},
		Scalar(_key, node) {
			if (failure || typeof node.value !== "string" || !node.value.includes("${{")) return;
			node.value = node.value.replace(REFERENCE, (_match, expression) => {
				const reference = /^inputs\.([a-z][a-z0-9-]*)$/.exec(expression);
				const line = node.range ? at.lineCounter.linePos(node.range[0]).line : void 0;
				const where = (message) => {
					failure ??= new ImageRecipeError(at.file, line, void 0, message);
					return "";
				};
				if (!reference) return where(`\${{ ${expression} }}: only \${{ inputs.<name> }} can be used here`);
				const value = values.get(reference[1]);
				if (value === void 0) return where(`\${{ inputs.${reference[1]} }}: no input "${reference[1]}" is declared (${values.size ? `declared: ${[...values.keys()].join(", ")}` : "this recipe declares no inputs"})`);
				return value;
			});
		}
	});
	if (failure) throw failure;
}
function sortedObject(values) {
	return Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
}
function nodeLine(doc, lineCounter, at) {
	const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
	return (0, import_dist.isNode)(node) && node.range ? lineCounter.linePos(node.range[0]).line : void 0;
}
export { parseImageRecipe as a, loadImageRecipe as i, RECIPES_DIR as n, recipeFile as o, RecipeInputError as r, ImageRecipeError as t };
