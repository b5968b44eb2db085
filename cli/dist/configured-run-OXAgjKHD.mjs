import { t as forgeFromConfig } from "./forge-from-config-V_8_4OpG.mjs";
import { t as gitCredentialsEnv } from "./git-credentials-BxKja2k_.mjs";
import __ironbotsPath from "node:path";
import { execFile } from "node:child_process";
import os from "node:os";
import { glob, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
// actions/translations/git-repository.ts
const execFileAsync$1 = promisify(execFile);
var GitError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "GitError";
	}
};
const IDENTITY = {
	name: "ironbots translations",
	email: "translations@ironbots.invalid"
};
var GitRepository = class GitRepository {
	dir;
	#env;
	constructor(dir, credentials) {
		this.dir = dir;
		const header = gitCredentialsEnv(credentials);
		this.#env = {
			PATH: process.env.PATH,
			HOME: dir,
			LC_ALL: "C",
			GIT_TERMINAL_PROMPT: "0",
			GIT_CONFIG_NOSYSTEM: "1",
			GIT_CONFIG_GLOBAL: "/dev/null",
			GIT_AUTHOR_NAME: IDENTITY.name,
			GIT_AUTHOR_EMAIL: IDENTITY.email,
			GIT_COMMITTER_NAME: IDENTITY.name,
			GIT_COMMITTER_EMAIL: IDENTITY.email,
			...header
		};
	}
	static async clone(url, dir, branch, credentials) {
		const repository = new GitRepository(dir, credentials);
		await repository.#run([
			"clone",
			"--quiet",
			"--depth=1",
			"--single-branch",
			`--branch=${branch}`,
			url,
			dir
		], {
			cwd: void 0,
			what: `clone ${url} (branch ${branch})`
		});
		return repository;
	}
	async git(...args) {
		return this.#run(args, {
			cwd: this.dir,
			what: args[0]
		});
	}
	async fileAtHead(file) {
		return this.fileAt("HEAD", file);
	}
	async fileAt(revision, file) {
		try {
			return await this.git("show", `${revision}:${file}`);
		} catch {
			return null;
		}
	}
	async fetchBranch(branch, localRef) {
		try {
			await this.git("fetch", "--quiet", "--depth=1", "origin", `+refs/heads/${branch}:${localRef}`);
			return true;
		} catch {
			return false;
		}
	}
	async stagedPathsDifferingFrom(revision, under) {
		return (await this.git("diff", "--cached", "--name-only", "-z", revision, "--", under)).split("\0").filter(Boolean);
	}
	async changedPaths(under) {
		await this.git("add", "--all", "--", under);
		return (await this.git("diff", "--cached", "--name-only", "-z", "HEAD", "--", under)).split("\0").filter(Boolean);
	}
	async commit(message) {
		await this.git("commit", "--quiet", "--no-verify", "-m", message);
		return (await this.git("rev-parse", "HEAD")).trim();
	}
	async forcePush(branch) {
		await this.git("push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`);
	}
	async push(branch) {
		await this.git("push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
	}
	async #run(args, options) {
		try {
			const { stdout } = await execFileAsync$1("git", args, {
				cwd: options.cwd,
				env: this.#env,
				maxBuffer: 67108864
			});
			return stdout;
		} catch (error) {
			const failure = error;
			const text = (failure.stderr || failure.message).trim();
			const refused = /could not read Username|Authentication failed/.test(text) ? " (the server refused the credentials: 401)" : "";
			throw new GitError(`git ${options.what} failed${refused}: ${text}`);
		}
	}
};
// actions/translations/normalise.ts
const VOLATILE_HEADER = /^"(POT-Creation-Date|PO-Revision-Date|X-Generator): .*\\n"$/;
function normaliseCatalog(text) {
	return text.replace(/\r\n/g, "\n").split("\n").filter((line) => !line.startsWith("#:") && !VOLATILE_HEADER.test(line)).join("\n").trimEnd();
}
function sameCatalogContent(a, b) {
	return normaliseCatalog(a) === normaliseCatalog(b);
}
// actions/translations/translation-source.ts
const LANGUAGE_CODE = /^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:@[a-z]+)?$/;
// actions/translations/git-po-source.ts
var GitPoSource = class {
	description;
	#options;
	#clone = null;
	constructor(options) {
		this.#options = options;
		this.description = `${options.url} (${options.branch}, ${options.directory})`;
	}
	async fetchCatalogs() {
		const repository = await this.#repository();
		const dir = __ironbotsPath.join(repository.dir, this.#options.directory);
		const names = (await readdir(dir).catch((error) => {
			if (error.code === "ENOENT") throw new Error(`${this.#options.url} (${this.#options.branch}) has no folder ${this.#options.directory}`);
			throw error;
		})).filter((name) => name.endsWith(".po")).sort();
		const catalogs = [];
		for (const name of names) {
			const language = name.slice(0, -3);
			const relative = __ironbotsPath.posix.join(this.#options.directory, name);
			if (!LANGUAGE_CODE.test(language)) throw new Error(`${this.#options.url} ${relative}: "${language}" is not a language code`);
			catalogs.push({
				language,
				content: await readFile(__ironbotsPath.join(dir, name), "utf8"),
				origin: `${this.#options.url} ${relative}`
			});
		}
		return catalogs;
	}
	async publishTemplate(template) {
		const repository = await this.#repository();
		const relative = __ironbotsPath.posix.join(this.#options.directory, this.#options.templateName);
		const current = await repository.fileAtHead(relative);
		if (current !== null && sameCatalogContent(current, template)) return false;
		await writeFile(__ironbotsPath.join(repository.dir, relative), template);
		await repository.git("add", "--", relative);
		await repository.commit(`Update translation template ${this.#options.templateName}`);
		await repository.push(this.#options.branch);
		return true;
	}
	#repository() {
		this.#clone ??= GitRepository.clone(this.#options.url, this.#options.workDir, this.#options.branch, this.#options.credentials);
		return this.#clone;
	}
};
// actions/translations/gettext-tools.ts
const execFileAsync = promisify(execFile);
var GettextToolError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "GettextToolError";
	}
};
var CatalogError = class extends Error {
	problems;
	constructor(problems) {
		super(`invalid translation catalog${problems.length > 1 ? "s" : ""}:\n${problems.join("\n")}`);
		this.name = "CatalogError";
		this.problems = problems;
	}
};
async function runGettext(program, args, options = {}) {
	try {
		return await execFileAsync(program, args, {
			cwd: options.cwd,
			maxBuffer: 67108864,
			env: {
				PATH: process.env.PATH,
				LC_ALL: "C"
			}
		});
	} catch (error) {
		const failure = error;
		if (failure.code === "ENOENT") throw new GettextToolError(`${program} is not installed (Debian/Ubuntu: apt-get install gettext)`);
		throw Object.assign(new GettextToolError(`${program} failed: ${(failure.stderr ?? failure.message).trim()}`), { stderr: failure.stderr ?? "" });
	}
}
function completion(stats) {
	const total = stats.translated + stats.fuzzy + stats.untranslated;
	return total === 0 ? 100 : 100 * stats.translated / total;
}
async function checkCatalog(file, displayName) {
	const dir = __ironbotsPath.dirname(file);
	const base = __ironbotsPath.basename(file);
	let stderr;
	try {
		({stderr} = await runGettext("msgfmt", [
			"--check-format",
			"--statistics",
			"-o",
			"/dev/null",
			base
		], { cwd: dir }));
	} catch (error) {
		const output = error.stderr;
		if (output === void 0) throw error;
		const problems = output.split("\n").filter((line) => line.startsWith(`${base}:`)).map((line) => `${displayName}${line.slice(base.length)}`);
		throw new CatalogError(problems.length ? problems : [`${displayName}: ${output.trim()}`]);
	}
	return parseStatistics(stderr);
}
function parseStatistics(text) {
	const count = (pattern) => Number(pattern.exec(text)?.[1] ?? 0);
	return {
		translated: count(/(\d+) translated message/),
		fuzzy: count(/(\d+) fuzzy translation/),
		untranslated: count(/(\d+) untranslated message/)
	};
}
async function mergeCatalog(catalogFile, templateFile, outputFile) {
	await runGettext("msgmerge", [
		"--quiet",
		"--previous",
		"-o",
		outputFile,
		catalogFile,
		templateFile
	]);
}
// actions/translations/extract.ts
const LANGUAGE_BY_EXTENSION = {
	".c": "C",
	".h": "C",
	".cc": "C++",
	".cpp": "C++",
	".hpp": "C++",
	".py": "Python",
	".sh": "Shell",
	".bash": "Shell",
	".js": "JavaScript",
	".mjs": "JavaScript",
	".cjs": "JavaScript",
	".ts": "JavaScript",
	".mts": "JavaScript",
	".cts": "JavaScript"
};
var ExtractError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "ExtractError";
	}
};
async function sourceFilesByLanguage(sourceDir, patterns) {
	const files = /* @__PURE__ */ new Set();
	for await (const file of glob(patterns, {
		cwd: sourceDir,
		exclude: ["**/node_modules/**", ".git/**"]
	})) files.add(file.split(__ironbotsPath.sep).join("/"));
	const byLanguage = /* @__PURE__ */ new Map();
	const unknown = [];
	for (const file of [...files].sort()) {
		const language = LANGUAGE_BY_EXTENSION[__ironbotsPath.extname(file)];
		if (!language) {
			unknown.push(file);
			continue;
		}
		byLanguage.set(language, [...byLanguage.get(language) ?? [], file]);
	}
	if (unknown.length) throw new ExtractError(`no xgettext language known for ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", \u2026" : ""} (known extensions: ${Object.keys(LANGUAGE_BY_EXTENSION).join(" ")})`);
	if (byLanguage.size === 0) throw new ExtractError(`no source files match ${patterns.join(", ")} in ${sourceDir}`);
	return byLanguage;
}
async function extractTemplate(options) {
	const byLanguage = await sourceFilesByLanguage(options.sourceDir, options.sources);
	const work = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-xgettext-"));
	try {
		const template = __ironbotsPath.join(work, "template.pot");
		let first = true;
		for (const [language, files] of byLanguage) {
			const list = __ironbotsPath.join(work, `${language}.files`);
			await writeFile(list, `${files.join("\n")}\n`);
			await runGettext("xgettext", [
				`--language=${language}`,
				"--from-code=UTF-8",
				"--add-comments=Translators:",
				"--sort-by-file",
				"--force-po",
				...first ? [] : ["--join-existing"],
				...options.keywords.map((k) => `--keyword=${k}`),
				...options.packageName ? [`--package-name=${options.packageName}`] : [],
				...options.bugsAddress ? [`--msgid-bugs-address=${options.bugsAddress}`] : [],
				`--files-from=${list}`,
				`--output=${template}`
			], { cwd: options.sourceDir });
			first = false;
		}
		return await readFile(template, "utf8");
	} finally {
		await rm(work, {
			recursive: true,
			force: true
		});
	}
}
// actions/translations/translations.ts
async function runTranslations(plan, deps) {
	const { forge, source, log } = deps;
	const info = await forge.getRepository(plan.repository);
	const base = plan.baseBranch || info.defaultBranch;
	const project = await GitRepository.clone(info.cloneUrl, __ironbotsPath.join(deps.workDir, "project"), base, forge.gitCredentials());
	log.info(`extracting the template from ${info.owner}/${info.name} at ${base}`);
	const template = await extractTemplate({
		sourceDir: project.dir,
		sources: plan.sources,
		keywords: plan.keywords,
		...plan.packageName ? { packageName: plan.packageName } : {}
	});
	const catalogDir = __ironbotsPath.join(deps.workDir, "catalogs");
	await mkdir(catalogDir, { recursive: true });
	const templateFile = __ironbotsPath.join(catalogDir, `${plan.domain}.pot`);
	await writeFile(templateFile, template);
	log.info(`fetching catalogs from ${source.description}`);
	const catalogs = await source.fetchCatalogs();
	const problems = [];
	for (const catalog of catalogs) {
		const file = __ironbotsPath.join(catalogDir, `${catalog.language}.po`);
		await writeFile(file, catalog.content);
		try {
			await checkCatalog(file, catalog.origin);
		} catch (error) {
			if (!(error instanceof CatalogError)) throw error;
			problems.push(...error.problems);
		}
	}
	if (problems.length) throw new CatalogError(problems);
	const kept = [];
	const dropped = [];
	const merged = /* @__PURE__ */ new Map();
	for (const { language } of catalogs) {
		const output = __ironbotsPath.join(catalogDir, `${language}.merged.po`);
		await mergeCatalog(__ironbotsPath.join(catalogDir, `${language}.po`), templateFile, output);
		const stats = await checkCatalog(output, `${language}.po merged with ${plan.domain}.pot`);
		const total = stats.translated + stats.fuzzy + stats.untranslated;
		const result = {
			language,
			percent: Math.floor(completion(stats) * 10) / 10,
			translated: stats.translated,
			total
		};
		if (completion(stats) >= plan.threshold) {
			kept.push(result);
			merged.set(language, await readFile(output, "utf8"));
		} else dropped.push(result);
	}
	log.info(`merged catalogs: kept ${kept.map((l) => `${l.language} ${l.percent}%`).join(", ") || "none"}; below ${plan.threshold}%: ${dropped.map((l) => `${l.language} ${l.percent}%`).join(", ") || "none"}`);
	const poDir = __ironbotsPath.join(project.dir, plan.poDirectory);
	await mkdir(poDir, { recursive: true });
	const projectCatalogs = (await readdir(poDir)).filter((name) => name.endsWith(".po"));
	if (catalogs.length === 0 && projectCatalogs.length > 0) throw new Error(`${source.description} has no translations; refusing to remove ${projectCatalogs.length} catalog(s) from ${plan.poDirectory}/`);
	await writeFile(__ironbotsPath.join(poDir, `${plan.domain}.pot`), template);
	for (const [language, content] of merged) await writeFile(__ironbotsPath.join(poDir, `${language}.po`), content);
	for (const name of projectCatalogs) if (!merged.has(name.slice(0, -3))) await rm(__ironbotsPath.join(poDir, name));
	await writeFile(__ironbotsPath.join(poDir, "LINGUAS"), kept.map((l) => `${l.language}\n`).join(""));
	const changedFiles = [];
	for (const file of await project.changedPaths(plan.poDirectory)) {
		const before = await project.fileAtHead(file);
		const after = await readFile(__ironbotsPath.join(project.dir, file), "utf8").catch(() => null);
		if (before === null || after === null || !sameCatalogContent(before, after)) changedFiles.push(file);
	}
	const existing = await forge.findOpenPullRequest(plan.repository, plan.branch);
	const result = {
		kept,
		dropped,
		changedFiles,
		templatePublished: false
	};
	if (plan.dryRun) {
		log.info(`dry run: nothing published (would change ${changedFiles.join(" ") || "nothing"}${existing ? `; open pull request #${existing.number}` : ""})`);
		return {
			...result,
			outcome: "dry-run",
			pullRequest: existing
		};
	}
	result.templatePublished = await source.publishTemplate(template);
	log.info(`${result.templatePublished ? "published the template to" : "the template is unchanged in"} ${source.description}`);
	if (changedFiles.length === 0) {
		if (!existing) {
			log.info("translations are up to date");
			return {
				...result,
				outcome: "unchanged",
				pullRequest: null
			};
		}
		const closed = await forge.closePullRequest(plan.repository, existing.number);
		log.info(`nothing left to change: closed pull request #${existing.number}`);
		return {
			...result,
			outcome: "closed",
			pullRequest: closed
		};
	}
	if (existing && await sameAsBranch(project, plan.branch, plan.poDirectory)) {
		log.info(`pull request #${existing.number} already has these translations`);
		return {
			...result,
			outcome: "unchanged",
			pullRequest: existing
		};
	}
	const commit = await project.commit(`${plan.title}\n\n${commitSummary(result, plan)}`);
	await project.forcePush(plan.branch);
	log.info(`pushed ${commit} to ${plan.branch}: ${changedFiles.join(" ")}`);
	const body = pullRequestBody(result, plan, source.description);
	if (existing) {
		const updated = await forge.updatePullRequest(plan.repository, existing.number, {
			title: plan.title,
			body
		});
		log.info(`updated pull request #${existing.number}`);
		return {
			...result,
			outcome: "updated",
			pullRequest: updated
		};
	}
	const created = await forge.createPullRequest(plan.repository, {
		title: plan.title,
		head: plan.branch,
		base,
		body
	});
	log.info(`opened pull request #${created.number}: ${created.htmlUrl}`);
	return {
		...result,
		outcome: "created",
		pullRequest: created
	};
}
async function sameAsBranch(project, branch, under) {
	const ref = "refs/ironbots/pull-request-head";
	if (!await project.fetchBranch(branch, ref)) return false;
	for (const file of await project.stagedPathsDifferingFrom(ref, under)) {
		const before = await project.fileAt(ref, file);
		const after = await readFile(__ironbotsPath.join(project.dir, file), "utf8").catch(() => null);
		if (before === null || after === null || !sameCatalogContent(before, after)) return false;
	}
	return true;
}
function commitSummary(result, plan) {
	const lines = [`Languages: ${result.kept.map((l) => l.language).join(" ") || "none"}`];
	if (result.dropped.length) lines.push(`Dropped below ${plan.threshold} %: ${result.dropped.map((l) => `${l.language} (${l.percent} %)`).join(", ")}`);
	return lines.join("\n");
}
function pullRequestBody(result, plan, sourceDescription) {
	const row = (l, state) => `| ${l.language} | ${l.percent} % | ${l.translated} / ${l.total} | ${state} |`;
	return [
		`Translations from ${sourceDescription}, merged with a freshly extracted template.`,
		"",
		"| language | translated | messages | |",
		"|---|---|---|---|",
		...result.kept.map((l) => row(l, "kept")),
		...result.dropped.map((l) => row(l, `dropped (below ${plan.threshold} %)`)),
		"",
		`Changed: ${result.changedFiles.map((f) => `\`${f}\``).join(", ")}`,
		"",
		"This pull request is kept up to date by ironbots translations: its branch is force-pushed."
	].join("\n");
}
// actions/translations/weblate-source.ts
var WeblateError = class extends Error {
	status;
	constructor(message, status) {
		super(message);
		this.name = "WeblateError";
		this.status = status;
	}
};
var WeblateSource = class {
	description;
	#options;
	#base;
	#fetch;
	constructor(options) {
		this.#options = options;
		this.#base = options.url.replace(/\/+$/, "");
		this.#fetch = options.fetch ?? fetch;
		this.description = `Weblate ${options.project}/${options.component} at ${this.#base}`;
	}
	async fetchCatalogs() {
		const translations = [];
		let next = this.#componentPath("translations/");
		while (next) {
			const page = await (await this.#request("GET", next)).json();
			translations.push(...page.results);
			next = page.next;
		}
		const catalogs = [];
		for (const translation of translations.filter((t) => !t.is_source)) {
			const language = translation.language_code;
			if (!LANGUAGE_CODE.test(language)) throw new WeblateError(`${this.description}: "${language}" is not a language code`, 0);
			const response = await this.#request("GET", translation.file_url);
			catalogs.push({
				language,
				content: await response.text(),
				origin: `${this.description} ${language}.po`
			});
		}
		return catalogs.sort((a, b) => a.language.localeCompare(b.language));
	}
	async publishTemplate(template) {
		const component = await (await this.#request("GET", this.#componentPath(""))).json();
		const sourceLanguage = component.source_language?.code ?? component.project.source_language?.code ?? "en";
		const form = new FormData();
		form.set("method", "source");
		form.set("file", new Blob([template], { type: "text/x-gettext-translation" }), `${this.#options.component}.pot`);
		const path = `/api/translations/${encodeURIComponent(this.#options.project)}/${encodeURIComponent(this.#options.component)}/${encodeURIComponent(sourceLanguage)}/file/`;
		return ((await (await this.#request("POST", path, form)).json()).accepted ?? 0) > 0;
	}
	#componentPath(rest) {
		return `/api/components/${encodeURIComponent(this.#options.project)}/${encodeURIComponent(this.#options.component)}/${rest}`;
	}
	async #request(method, pathOrUrl, body) {
		const url = new URL(pathOrUrl, `${this.#base}/`);
		if (url.origin !== new URL(this.#base).origin) throw new WeblateError(`${this.description}: refusing to send the token to ${url.origin}`, 0);
		const what = `${method} ${url.pathname}`;
		let response;
		try {
			response = await this.#fetch(url, {
				method,
				headers: {
					authorization: `Token ${this.#options.token}`,
					accept: "application/json"
				},
				...body ? { body } : {}
			});
		} catch (error) {
			throw new WeblateError(`Weblate ${what}: no response: ${error.message}`, 0);
		}
		if (!response.ok) {
			const text = await response.text();
			let detail = text.slice(0, 300);
			try {
				const json = JSON.parse(text);
				detail = json.detail ?? json.errors?.map((e) => e.detail).join("; ") ?? detail;
			} catch {}
			throw new WeblateError(`Weblate ${what}: ${response.status} ${detail}`, response.status);
		}
		return response;
	}
};
// actions/translations/configured-run.ts
async function runConfigured(settings, options) {
	const workDir = await mkdtemp(__ironbotsPath.join(options.tempRoot, "ironbots-translations-"));
	try {
		const forge = await forgeFromConfig(settings.forge, options.forgeWiring);
		const source = createSource(settings.source, forge, `${settings.plan.domain}.pot`, workDir);
		return await runTranslations(settings.plan, {
			forge,
			source,
			workDir,
			log: options.log
		});
	} finally {
		await rm(workDir, {
			recursive: true,
			force: true
		});
	}
}
function createSource(config, forge, templateName, workDir) {
	if (config.kind === "weblate") return new WeblateSource({
		url: config.url,
		token: config.token,
		project: config.project,
		component: config.component
	});
	return new GitPoSource({
		url: config.url,
		branch: config.branch,
		directory: config.directory,
		templateName,
		credentials: config.token ? {
			username: forge.kind === "github" ? "x-access-token" : "oauth2",
			password: config.token
		} : forge.gitCredentials(),
		workDir: __ironbotsPath.join(workDir, "po-repository")
	});
}
export { createSource, runConfigured };
