import { o as __toESM } from "./rolldown-runtime-C-QR9u70.mjs";
import { r as ensureLocalBusyboxImage, t as LOCAL_BUSYBOX_IMAGE } from "./executors-CE3adRdr.mjs";
import { a as localImagesDir, r as ensureLocalVmImage, t as LOCAL_VM_IMAGE } from "./vm-setup-CaniE7qj.mjs";
import { u as require_find_my_way } from "./escape-html-BsERcqhk.mjs";
import { t as SecretRegistry } from "./secrets-Dny52OtE.mjs";
import { n as DeploymentConfigSchema } from "./deployment-config-BC_QW-Tr.mjs";
import { n as openDeployment } from "./deployment-BrAFRAga.mjs";
import { n as defaultCacheDir } from "./debian-kernel-DJ8RXD2g.mjs";
import { t as gitCredentialsEnv } from "./git-credentials-BxKja2k_.mjs";
import __ironbotsPath from "node:path";
import { execFile, spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import os from "node:os";
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { createHash, createHmac, generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, verify } from "node:crypto";
import http from "node:http";
import { Transform } from "node:stream";
import { Buffer as Buffer$1 } from "node:buffer";
import { pipeline as pipeline$1 } from "node:stream/promises";
// runner-agent/src/local/demo-project.ts
const DEMO_OWNER = "demo";
const DEMO_REPOSITORY = "hello-ironbots";
function demoProjectConfig(executor) {
	const runsIn = "image" in executor ? [`    executor: ${executor.name}`, `    image: ${executor.image}`] : [];
	return [
		"# Which contexts ironbots runs for every pull request.",
		"contexts:",
		"  unit:",
		"    run: [./test/unit.sh]",
		"    timeout: 120",
		...runsIn,
		"  lint:",
		"    run: [sh, test/lint.sh, README.md, VERSION]",
		"    timeout: 120",
		...runsIn,
		""
	].join("\n");
}
const DEMO_FILES_MAIN = {
	".ironbots.yml": { content: demoProjectConfig({ name: "process" }) },
	"README.md": { content: "# hello-ironbots\n\nA demo project tested by ironbots.\n" },
	VERSION: { content: "1.0\n" },
	"test/unit.sh": {
		executable: true,
		content: [
			"#!/bin/sh",
			"set -eu",
			"echo \"unit tests for ${IRONBOTS_REPOSITORY:-a local checkout} at ${IRONBOTS_SHA:-its working tree} (job $IRONBOTS_JOB_ID)\"",
			"echo \"running on kernel $(uname -r)\"",
			"version=$(cat VERSION)",
			"case \"$version\" in",
			"  [0-9]*.[0-9]*) echo \"ok 1 - VERSION $version is major.minor\" ;;",
			"  *) echo \"not ok 1 - VERSION $version is not major.minor\"; exit 1 ;;",
			"esac",
			"leaked=$(env | grep -c -i -e token -e secret || true)",
			"if [ \"$leaked\" -eq 0 ]; then echo \"ok 2 - no agent secrets in the environment\"; else echo \"not ok 2 - $leaked secret-looking variables\"; exit 1; fi",
			""
		].join("\n")
	},
	"test/lint.sh": { content: [
		"#!/bin/sh",
		"# Every file given ends with a newline and has no trailing blanks.",
		"status=0",
		"for f in \"$@\"; do",
		"  if grep -n \"[[:blank:]]$\" \"$f\"; then echo \"$f: trailing blanks\"; status=1; fi",
		"  if [ -n \"$(tail -c 1 \"$f\")\" ]; then echo \"$f: no final newline\"; status=1; fi",
		"  echo \"checked $f\"",
		"done",
		"exit $status",
		""
	].join("\n") }
};
const DEMO_FILES_BRANCH = { VERSION: { content: "1.1\n" } };
const DEMO_BRANCH = "bump-version";
// emulators/github/apps-api.ts
var GitHubAppsApi = class {
	#apps = /* @__PURE__ */ new Map();
	#tokens = /* @__PURE__ */ new Map();
	#issued = 0;
	#now;
	#tokenLifetimeMs;
	constructor(options) {
		this.#nextId = options.nextId;
		this.#now = options.now ?? Date.now;
		this.#tokenLifetimeMs = options.tokenLifetimeMs ?? 36e5;
	}
	#nextId;
	register() {
		const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
		const app = {
			appId: this.#nextId(),
			installationId: this.#nextId(),
			publicKey
		};
		this.#apps.set(app.installationId, app);
		return {
			appId: app.appId,
			installationId: app.installationId,
			privateKey: privateKey.export({
				type: "pkcs1",
				format: "pem"
			}).toString()
		};
	}
	get tokensIssued() {
		return this.#issued;
	}
	validToken(candidate) {
		const given = Buffer.from(candidate);
		for (const [token, expiresAt] of this.#tokens) {
			const want = Buffer.from(token);
			if (want.length === given.length && timingSafeEqual(want, given)) return expiresAt > this.#now();
		}
		return false;
	}
	route(method, pathname, authorization) {
		const match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(pathname);
		if (!match) return null;
		if (method !== "POST") return {
			status: 404,
			body: { message: "Not Found" }
		};
		const app = this.#apps.get(Number(match[1]));
		const jwt = /^bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
		const problem = !jwt ? "A JSON web token could not be decoded" : !app ? null : this.#jwtProblem(jwt, app);
		if (!app) return {
			status: 404,
			body: { message: "Not Found" }
		};
		if (problem) return {
			status: 401,
			body: { message: problem }
		};
		const token = `ghs_${randomBytes(18).toString("hex")}`;
		const expiresAt = this.#now() + this.#tokenLifetimeMs;
		this.#tokens.set(token, expiresAt);
		this.#issued++;
		return {
			status: 201,
			body: {
				token,
				expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
				permissions: {
					administration: "write",
					actions: "read",
					statuses: "write",
					contents: "read"
				},
				repository_selection: "all"
			}
		};
	}
	#jwtProblem(jwt, app) {
		const parts = jwt.split(".");
		if (parts.length !== 3) return "A JSON web token could not be decoded";
		let header;
		let claims;
		try {
			header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
			claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
		} catch {
			return "A JSON web token could not be decoded";
		}
		if (header.alg !== "RS256") return "A JSON web token could not be decoded";
		if (!verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), app.publicKey, Buffer.from(parts[2], "base64url"))) return "A JSON web token could not be decoded";
		if (String(claims.iss) !== String(app.appId)) return "'Issuer' claim ('iss') must be an Integer";
		const now = Math.floor(this.#now() / 1e3);
		if (typeof claims.exp !== "number" || claims.exp <= now) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
		if (typeof claims.iat !== "number" || claims.iat > now + 60 || claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
		return null;
	}
};
// emulators/http.ts
function sendJson$2(res, status, body, headers = {}) {
	res.writeHead(status, {
		"content-type": "application/json; charset=utf-8",
		...headers
	});
	res.end(JSON.stringify(body));
}
async function readBody$1(req, limit, tooLarge) {
	const chunks = [];
	let size = 0;
	for await (const chunk of req) {
		size += chunk.length;
		if (size > limit) throw tooLarge();
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}
function parseJsonObject(text, malformed) {
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		throw malformed();
	}
	if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed();
	return value;
}
function pageOf(url, all, defaultPerPage) {
	const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? defaultPerPage) || defaultPerPage));
	const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
	const pages = Math.max(1, Math.ceil(all.length / perPage));
	return {
		items: all.slice((page - 1) * perPage, page * perPage),
		page,
		perPage,
		pages,
		at(n) {
			const u = new URL(url);
			u.searchParams.set("page", String(n));
			u.searchParams.set("per_page", String(perPage));
			return u.toString();
		}
	};
}
async function postWebhook(url, headers, body, timeoutMs) {
	try {
		const res = await fetch(url, {
			method: "POST",
			headers: {
				"content-type": "application/json",
				...headers
			},
			body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs)
		});
		await res.arrayBuffer();
		return { status: res.status };
	} catch (error) {
		return {
			status: 0,
			error: error.message
		};
	}
}
var DeliveryLoss = class {
	#share = 0;
	#seen = 0;
	set(share) {
		if (!(share >= 0 && share <= 1)) throw new Error(`a share of deliveries to lose is 0\u20131, not ${share}`);
		this.#share = share;
		this.#seen = 0;
	}
	next() {
		const k = this.#seen++;
		return Math.floor((k + 1) * this.#share) > Math.floor(k * this.#share);
	}
};
// emulators/github/github-http.ts
var GitHubApiError = class extends Error {
	status;
	extra;
	constructor(status, message, extra = {}) {
		super(message);
		this.status = status;
		this.extra = extra;
	}
};
const JSON_BODY_LIMIT$1 = 10485760;
function sendJson$1(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	const req = res.req;
	if (status === 200 && req?.method === "GET") {
		const etag = weakEtag(text);
		if (etagMatches(req.headers["if-none-match"], etag)) {
			const remaining = res.getHeader("x-ratelimit-remaining");
			const used = res.getHeader("x-ratelimit-used");
			if (remaining !== void 0) res.setHeader("x-ratelimit-remaining", String(Number(remaining) + 1));
			if (used !== void 0) res.setHeader("x-ratelimit-used", String(Math.max(0, Number(used) - 1)));
			res.writeHead(304, { etag });
			res.end();
			return;
		}
		headers = {
			...headers,
			etag
		};
	}
	res.writeHead(status, {
		"content-type": "application/json; charset=utf-8",
		...headers
	});
	res.end(text);
}
function weakEtag(body) {
	return `W/"${createHash("sha256").update(body).digest("hex").slice(0, 40)}"`;
}
function etagMatches(header, etag) {
	if (!header) return false;
	const bare = (tag) => tag.trim().replace(/^W\//, "");
	return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}
async function readJson$1(req) {
	const text = (await readBody$1(req, JSON_BODY_LIMIT$1, () => new GitHubApiError(413, "Payload too large"))).toString("utf8");
	if (!text.trim()) return {};
	return parseJsonObject(text, () => new GitHubApiError(400, "Problems parsing JSON"));
}
function paginate(url, all) {
	const { items, page, pages: last, at } = pageOf(url, all, 30);
	const links = [];
	if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="prev"`);
	if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
	if (page > 1) links.push(`<${at(1)}>; rel="first"`);
	return {
		items,
		link: links.length ? links.join(", ") : null
	};
}
function sendPage$2(res, url, all) {
	const { items, link } = paginate(url, all);
	sendJson$1(res, 200, items, link ? { link } : {});
}
// emulators/github/payloads.ts
function timestamp(date = /* @__PURE__ */ new Date()) {
	return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
function nodeId(type, id) {
	return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}
function stableId(...parts) {
	return createHash("sha256").update(parts.join("\0").toLowerCase()).digest().readUInt32BE(0) % 2e9 + 1;
}
function userJson(baseUrl, login, type = "User") {
	const id = stableId("account", login);
	const api = `${baseUrl}/users/${login}`;
	return {
		login,
		id,
		node_id: nodeId(type, id),
		avatar_url: `${baseUrl}/avatars/u/${id}?v=4`,
		gravatar_id: "",
		url: api,
		html_url: `${baseUrl}/${login}`,
		followers_url: `${api}/followers`,
		following_url: `${api}/following{/other_user}`,
		gists_url: `${api}/gists{/gist_id}`,
		starred_url: `${api}/starred{/owner}{/repo}`,
		subscriptions_url: `${api}/subscriptions`,
		organizations_url: `${api}/orgs`,
		repos_url: `${api}/repos`,
		events_url: `${api}/events{/privacy}`,
		received_events_url: `${api}/received_events`,
		type,
		user_view_type: "public",
		site_admin: false
	};
}
function authorAssociation(login, repo) {
	return login.toLowerCase() === repo.owner.toLowerCase() ? "OWNER" : "MEMBER";
}
function repositoryJson(baseUrl, repo) {
	const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
	const html = `${baseUrl}/${repo.owner}/${repo.name}`;
	const host = new URL(baseUrl);
	const openIssues = repo.pulls.filter((p) => p.state === "open").length;
	return {
		id: repo.id,
		node_id: nodeId("Repository", repo.id),
		name: repo.name,
		full_name: `${repo.owner}/${repo.name}`,
		private: false,
		owner: userJson(baseUrl, repo.owner, "Organization"),
		html_url: html,
		description: null,
		fork: false,
		url: api,
		forks_url: `${api}/forks`,
		keys_url: `${api}/keys{/key_id}`,
		collaborators_url: `${api}/collaborators{/collaborator}`,
		teams_url: `${api}/teams`,
		hooks_url: `${api}/hooks`,
		issue_events_url: `${api}/issues/events{/number}`,
		events_url: `${api}/events`,
		assignees_url: `${api}/assignees{/user}`,
		branches_url: `${api}/branches{/branch}`,
		tags_url: `${api}/tags`,
		blobs_url: `${api}/git/blobs{/sha}`,
		git_tags_url: `${api}/git/tags{/sha}`,
		git_refs_url: `${api}/git/refs{/sha}`,
		trees_url: `${api}/git/trees{/sha}`,
		statuses_url: `${api}/statuses/{sha}`,
		languages_url: `${api}/languages`,
		stargazers_url: `${api}/stargazers`,
		contributors_url: `${api}/contributors`,
		subscribers_url: `${api}/subscribers`,
		subscription_url: `${api}/subscription`,
		commits_url: `${api}/commits{/sha}`,
		git_commits_url: `${api}/git/commits{/sha}`,
		comments_url: `${api}/comments{/number}`,
		issue_comment_url: `${api}/issues/comments{/number}`,
		contents_url: `${api}/contents/{+path}`,
		compare_url: `${api}/compare/{base}...{head}`,
		merges_url: `${api}/merges`,
		archive_url: `${api}/{archive_format}{/ref}`,
		downloads_url: `${api}/downloads`,
		issues_url: `${api}/issues{/number}`,
		pulls_url: `${api}/pulls{/number}`,
		milestones_url: `${api}/milestones{/number}`,
		notifications_url: `${api}/notifications{?since,all,participating}`,
		labels_url: `${api}/labels{/name}`,
		releases_url: `${api}/releases{/id}`,
		deployments_url: `${api}/deployments`,
		created_at: repo.createdAt,
		updated_at: repo.createdAt,
		pushed_at: repo.createdAt,
		git_url: `git://${host.host}/${repo.owner}/${repo.name}.git`,
		ssh_url: `git@${host.hostname}:${repo.owner}/${repo.name}.git`,
		clone_url: `${html}.git`,
		svn_url: html,
		homepage: null,
		size: 0,
		stargazers_count: 0,
		watchers_count: 0,
		language: null,
		has_issues: true,
		has_projects: true,
		has_downloads: true,
		has_wiki: true,
		has_pages: false,
		has_discussions: false,
		forks_count: 0,
		mirror_url: null,
		archived: false,
		disabled: false,
		open_issues_count: openIssues,
		license: null,
		allow_forking: true,
		is_template: false,
		web_commit_signoff_required: false,
		topics: [],
		visibility: "public",
		forks: 0,
		open_issues: openIssues,
		watchers: 0,
		default_branch: repo.defaultBranch,
		network_count: 0,
		subscribers_count: 0
	};
}
function pullRequestJson(baseUrl, repo, pull, baseSha, headRepository = repo, details) {
	const repository = repositoryJson(baseUrl, repo);
	const headJson = headRepository ? repositoryJson(baseUrl, headRepository) : null;
	const side = (ref, sha, of) => ({
		label: `${of?.owner.login ?? pull.user}:${ref}`,
		ref,
		sha,
		user: of?.owner ?? userJson(baseUrl, pull.user),
		repo: of
	});
	const api = `${repository.url}/pulls/${pull.number}`;
	const html = `${repository.html_url}/pull/${pull.number}`;
	const issue = `${repository.url}/issues/${pull.number}`;
	const link = (href) => ({ href });
	const simple = {
		url: api,
		id: pull.id,
		node_id: nodeId("PullRequest", pull.id),
		html_url: html,
		diff_url: `${html}.diff`,
		patch_url: `${html}.patch`,
		issue_url: issue,
		commits_url: `${api}/commits`,
		review_comments_url: `${api}/comments`,
		review_comment_url: `${repository.url}/pulls/comments{/number}`,
		comments_url: `${issue}/comments`,
		statuses_url: `${repository.url}/statuses/${pull.headSha}`,
		number: pull.number,
		state: pull.state,
		locked: false,
		title: pull.title,
		user: userJson(baseUrl, pull.user),
		body: pull.body,
		labels: pull.labels.map((name) => labelJson(baseUrl, repo, name)),
		milestone: null,
		active_lock_reason: null,
		created_at: pull.createdAt,
		updated_at: pull.updatedAt,
		closed_at: pull.closedAt,
		merged_at: null,
		merge_commit_sha: null,
		assignee: null,
		assignees: [],
		requested_reviewers: [],
		requested_teams: [],
		head: side(pull.head, pull.headSha, headJson),
		base: side(pull.base, baseSha, repository),
		_links: {
			self: link(api),
			html: link(html),
			issue: link(issue),
			comments: link(`${issue}/comments`),
			review_comments: link(`${api}/comments`),
			review_comment: link(`${repository.url}/pulls/comments{/number}`),
			commits: link(`${api}/commits`),
			statuses: link(`${repository.url}/statuses/${pull.headSha}`)
		},
		author_association: authorAssociation(pull.user, repo),
		auto_merge: null,
		draft: false
	};
	if (!details) return simple;
	return {
		...simple,
		merged: false,
		mergeable: null,
		rebaseable: null,
		mergeable_state: "unknown",
		merged_by: null,
		comments: (repo.comments.get(pull.number) ?? []).length,
		review_comments: 0,
		maintainer_can_modify: false,
		commits: details.commits,
		additions: details.additions,
		deletions: details.deletions,
		changed_files: details.changedFiles
	};
}
function statusJson(baseUrl, repo, sha, s) {
	const creator = userJson(baseUrl, s.creator);
	return {
		url: `${baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${sha}`,
		avatar_url: creator.avatar_url,
		id: s.id,
		node_id: nodeId("StatusContext", s.id),
		state: s.state,
		description: s.description,
		target_url: s.targetUrl,
		context: s.context,
		created_at: s.createdAt,
		updated_at: s.createdAt,
		creator
	};
}
function combinedState(latest) {
	const states = latest.map((s) => s.state);
	if (states.some((s) => s === "failure" || s === "error")) return "failure";
	if (states.length === 0 || states.some((s) => s === "pending")) return "pending";
	return "success";
}
function commitObjectJson(baseUrl, repo, c) {
	const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
	const html = `${baseUrl}/${repo.owner}/${repo.name}`;
	return {
		sha: c.id,
		node_id: nodeId("Commit", c.id),
		commit: {
			author: {
				...c.author,
				date: c.timestamp
			},
			committer: {
				...c.committer,
				date: c.timestamp
			},
			message: c.message,
			tree: {
				sha: c.treeId,
				url: `${api}/git/trees/${c.treeId}`
			},
			url: `${api}/git/commits/${c.id}`,
			comment_count: 0,
			verification: {
				verified: false,
				reason: "unsigned",
				signature: null,
				payload: null,
				verified_at: null
			}
		},
		url: `${api}/commits/${c.id}`,
		html_url: `${html}/commit/${c.id}`,
		comments_url: `${api}/commits/${c.id}/comments`,
		author: null,
		committer: null,
		parents: c.parents.map((sha) => ({
			sha,
			url: `${api}/commits/${sha}`,
			html_url: `${html}/commit/${sha}`
		}))
	};
}
function statusEventJson(baseUrl, repo, commit, branches, s) {
	const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
	return {
		id: s.id,
		sha: commit.id,
		name: `${repo.owner}/${repo.name}`,
		target_url: s.targetUrl,
		avatar_url: userJson(baseUrl, s.creator).avatar_url,
		context: s.context,
		description: s.description,
		state: s.state,
		commit: commitObjectJson(baseUrl, repo, commit),
		branches: branches.map((name) => ({
			name,
			commit: {
				sha: commit.id,
				url: `${api}/commits/${commit.id}`
			},
			protected: false
		})),
		created_at: s.createdAt,
		updated_at: s.createdAt
	};
}
function reactionsJson(url) {
	return {
		url: `${url}/reactions`,
		total_count: 0,
		"+1": 0,
		"-1": 0,
		laugh: 0,
		hooray: 0,
		confused: 0,
		heart: 0,
		rocket: 0,
		eyes: 0
	};
}
function labelJson(baseUrl, repo, name) {
	const id = stableId("label", repo.owner, repo.name, name);
	return {
		id,
		node_id: nodeId("Label", id),
		url: `${baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
		name,
		description: null,
		color: id.toString(16).padStart(6, "0").slice(-6),
		default: false
	};
}
function issueJson(baseUrl, repo, issue) {
	const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
	const url = `${api}/issues/${issue.number}`;
	const html = `${`${baseUrl}/${repo.owner}/${repo.name}`}/${issue.pull ? "pull" : "issues"}/${issue.number}`;
	return {
		url,
		repository_url: api,
		labels_url: `${url}/labels{/name}`,
		comments_url: `${url}/comments`,
		events_url: `${url}/events`,
		html_url: html,
		id: issue.id,
		node_id: nodeId(issue.pull ? "PullRequest" : "Issue", issue.id),
		number: issue.number,
		title: issue.title,
		user: userJson(baseUrl, issue.user),
		labels: issue.labels.map((name) => labelJson(baseUrl, repo, name)),
		state: issue.state,
		state_reason: issue.stateReason,
		locked: false,
		assignee: null,
		assignees: [],
		milestone: null,
		comments: issue.comments,
		created_at: issue.createdAt,
		updated_at: issue.updatedAt,
		closed_at: issue.closedAt,
		author_association: authorAssociation(issue.user, repo),
		active_lock_reason: null,
		body: issue.body,
		reactions: reactionsJson(url),
		...issue.pull ? {
			draft: false,
			pull_request: {
				url: `${api}/pulls/${issue.number}`,
				html_url: html,
				diff_url: `${html}.diff`,
				patch_url: `${html}.patch`,
				merged_at: null
			}
		} : {}
	};
}
function pullAsIssue(pull, comments) {
	return {
		id: pull.id,
		number: pull.number,
		state: pull.state,
		stateReason: null,
		title: pull.title,
		body: pull.body,
		labels: pull.labels,
		user: pull.user,
		comments,
		createdAt: pull.createdAt,
		updatedAt: pull.updatedAt,
		closedAt: pull.closedAt,
		pull: true
	};
}
function commentJson(baseUrl, repo, number, c, pull = true) {
	const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
	const url = `${api}/issues/comments/${c.id}`;
	return {
		id: c.id,
		node_id: nodeId("IssueComment", c.id),
		url,
		html_url: `${baseUrl}/${repo.owner}/${repo.name}/${pull ? "pull" : "issues"}/${number}#issuecomment-${c.id}`,
		body: c.body,
		user: userJson(baseUrl, c.user),
		created_at: c.createdAt,
		updated_at: c.createdAt,
		issue_url: `${api}/issues/${number}`,
		author_association: authorAssociation(c.user, repo),
		performed_via_github_app: null,
		reactions: reactionsJson(url)
	};
}
function hookJson(baseUrl, repo, h, lastResponse = {
	code: null,
	status: "unused",
	message: null
}) {
	const url = `${baseUrl}/repos/${repo.owner}/${repo.name}/hooks/${h.id}`;
	return {
		type: "Repository",
		id: h.id,
		name: "web",
		active: h.active,
		events: h.events,
		config: {
			url: h.url,
			content_type: "json",
			insecure_ssl: "0",
			...h.secret ? { secret: "********" } : {}
		},
		updated_at: h.createdAt,
		created_at: h.createdAt,
		url,
		test_url: `${url}/test`,
		ping_url: `${url}/pings`,
		deliveries_url: `${url}/deliveries`,
		last_response: lastResponse
	};
}
function pushCommitJson(baseUrl, repo, c) {
	return {
		id: c.id,
		tree_id: c.treeId,
		distinct: true,
		message: c.message,
		timestamp: c.timestamp,
		url: `${baseUrl}/${repo.owner}/${repo.name}/commit/${c.id}`,
		author: c.author,
		committer: c.committer
	};
}
function pushEventJson(baseUrl, repo, push) {
	const zero = "0".repeat(40);
	const commits = push.commits.map((c) => pushCommitJson(baseUrl, repo, c));
	return {
		ref: push.ref,
		before: push.before ?? zero,
		after: push.after ?? zero,
		created: push.before === null,
		deleted: push.after === null,
		forced: push.forced,
		base_ref: null,
		compare: `${baseUrl}/${repo.owner}/${repo.name}/compare/${(push.before ?? zero).slice(0, 12)}...${(push.after ?? zero).slice(0, 12)}`,
		commits,
		head_commit: commits.at(-1) ?? null,
		pusher: {
			name: push.pusher,
			email: null
		}
	};
}
// emulators/github/actions-api.ts
const READ_ONLY_LABELS = /* @__PURE__ */ new Set([
	"self-hosted",
	"linux",
	"x64"
]);
const MAX_ACQUIRE_WAIT_MS = 2e4;
const LOG_BODY_LIMIT = 4194304;
const LOST_COMMUNICATION = (name) => `The self-hosted runner: ${name} lost communication with the server. Verify the machine is running and has a healthy network connection. Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its network access can cause this error.\n`;
var GitHubActionsApi = class {
	#o;
	#runners = /* @__PURE__ */ new Map();
	#retired = /* @__PURE__ */ new Map();
	#runs = /* @__PURE__ */ new Map();
	#jobs = /* @__PURE__ */ new Map();
	#labelIds = /* @__PURE__ */ new Map();
	#waiters = /* @__PURE__ */ new Set();
	#sweeper;
	#lose = {
		count: 0,
		action: void 0
	};
	#stopped = false;
	constructor(options) {
		this.#o = options;
		this.#sweeper = setInterval(() => this.sweep(), Math.max(20, Math.min(1e3, options.runnerOfflineAfterMs / 4)));
		this.#sweeper.unref();
	}
	stop() {
		this.#stopped = true;
		clearInterval(this.#sweeper);
		this.#wake();
	}
	queueRun(spec) {
		if (spec.jobs.length === 0) throw new Error("a workflow run needs at least one job");
		for (const job of spec.jobs) {
			if (job.labels.length === 0) throw new Error("a job needs at least one label (its runs-on)");
			if (job.steps.length === 0) throw new Error("a job needs at least one step");
		}
		const now = timestamp();
		const run = {
			id: this.#o.nextId(),
			owner: spec.owner,
			repo: spec.repo,
			name: spec.workflowName,
			headSha: spec.sha,
			headBranch: spec.branch,
			headCommit: spec.headCommit ?? null,
			createdAt: now,
			updatedAt: now,
			cancelled: false,
			jobs: []
		};
		this.#runs.set(run.id, run);
		for (const [index, job] of spec.jobs.entries()) {
			const emulated = {
				id: this.#o.nextId(),
				runId: run.id,
				name: job.name ?? (spec.jobs.length === 1 ? "build" : `job-${index + 1}`),
				labels: [...job.labels],
				steps: job.steps.map((s, i) => ({
					name: s.name ?? `Run step ${i + 1}`,
					run: s.run
				})),
				timeoutMinutes: job.timeoutMinutes ?? 360,
				status: "queued",
				conclusion: null,
				runnerId: null,
				runnerName: null,
				createdAt: now,
				startedAt: null,
				completedAt: null,
				log: "",
				cancelRequested: false,
				completions: 0
			};
			run.jobs.push(emulated);
			this.#jobs.set(emulated.id, emulated);
			this.#deliver(emulated, "queued");
		}
		this.#wake();
		return {
			runId: run.id,
			jobIds: run.jobs.map((j) => j.id)
		};
	}
	job(jobId) {
		const job = this.#jobs.get(jobId);
		if (!job) throw new Error(`no workflow job ${jobId}`);
		return {
			...this.jobJson(job),
			log: job.log,
			completions: job.completions,
			cancelRequested: job.cancelRequested
		};
	}
	runnersOf(scope) {
		const { owner, repo } = "org" in scope ? {
			owner: scope.org,
			repo: void 0
		} : scope;
		return this.#runnersIn(owner, repo).map((r) => this.#runnerJson(r));
	}
	cancelRun(owner, repo, runId) {
		const run = this.#runs.get(runId);
		if (!run || !sameRepo(run, owner, repo)) throw new GitHubApiError(404, "Not Found");
		if (this.#runStatus(run) === "completed") throw new GitHubApiError(409, "Cannot cancel a workflow run that is completed.");
		run.cancelled = true;
		for (const job of run.jobs) if (job.status === "queued") this.#complete(job, "cancelled");
		else if (job.status === "in_progress") job.cancelRequested = true;
		run.updatedAt = timestamp();
	}
	loseDeliveries(count, action) {
		this.#lose = {
			count,
			action
		};
	}
	sweep(now = Date.now()) {
		for (const runner of this.#runners.values()) {
			if (runner.jobId === null || this.#online(runner, now)) continue;
			const job = this.#jobs.get(runner.jobId);
			if (job?.status !== "in_progress") continue;
			job.log += LOST_COMMUNICATION(runner.name);
			this.#complete(job, "failure", { keepRunner: true });
		}
	}
	route(res, url, method, scope, rest, body) {
		if (rest[0] !== "actions") return false;
		this.sweep();
		const [, resource, id, sub] = rest;
		if (resource === "runners") {
			if (rest.length === 2 && method === "GET") return this.#sendList(res, url, "runners", this.#runnerList(scope));
			if (rest.length === 3 && id === "generate-jitconfig" && method === "POST") return this.#generateJitConfig(res, scope, body);
			if (rest.length === 3 && (method === "GET" || method === "DELETE")) {
				const runner = this.#runners.get(Number(id));
				if (!runner || !inScope(runner, scope)) throw new GitHubApiError(404, "Not Found");
				if (method === "GET") return send$1(res, 200, this.#runnerJson(runner));
				if (this.#busy(runner)) throw new GitHubApiError(422, `Bad request - Runner "${runner.name}" is still running a job`);
				this.#remove(runner, `runner "${runner.name}" was deleted`);
				res.writeHead(204).end();
				return true;
			}
			return false;
		}
		if (scope.repo === void 0) return false;
		const { owner, repo } = scope;
		if (resource === "runs" && rest.length === 2 && method === "GET") {
			const status = url.searchParams.get("status");
			const runs = [...this.#runs.values()].filter((r) => sameRepo(r, owner, repo)).filter((r) => !status || this.#runStatus(r) === status || this.#runConclusion(r) === status).reverse();
			return this.#sendList(res, url, "workflow_runs", runs.map((r) => this.#runJson(r)));
		}
		const run = resource === "runs" ? this.#runs.get(Number(id)) : void 0;
		if (resource === "runs" && (!run || !sameRepo(run, owner, repo))) throw new GitHubApiError(404, "Not Found");
		if (run && rest.length === 3 && method === "GET") return send$1(res, 200, this.#runJson(run));
		if (run && rest.length === 4 && sub === "jobs" && method === "GET") {
			const filter = url.searchParams.get("filter") ?? "latest";
			if (filter !== "latest" && filter !== "all") throw new GitHubApiError(422, `Invalid filter: ${filter}`);
			return this.#sendList(res, url, "jobs", run.jobs.map((j) => this.jobJson(j)));
		}
		if (run && rest.length === 4 && sub === "cancel" && method === "POST") {
			this.cancelRun(owner, repo, run.id);
			return send$1(res, 202, {});
		}
		if (resource === "jobs" && rest.length === 3 && method === "GET") {
			const job = this.#jobs.get(Number(id));
			const jobRun = job && this.#runs.get(job.runId);
			if (!job || !jobRun || !sameRepo(jobRun, owner, repo)) throw new GitHubApiError(404, "Not Found");
			return send$1(res, 200, this.jobJson(job));
		}
		return false;
	}
	#generateJitConfig(res, scope, body) {
		const { name, labels, runner_group_id: groupId, work_folder: workFolder } = body;
		if (typeof name !== "string" || !name.trim()) throw invalid$1(`"name" wasn't supplied.`);
		if (typeof groupId !== "number" || !Number.isInteger(groupId)) throw invalid$1(`"runner_group_id" wasn't supplied.`);
		if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string" || !l.trim())) throw invalid$1(`"labels" wasn't supplied.`);
		if (labels.length === 0) throw invalid$1(`For 'properties/labels', [] should contain at least 1 item(s).`);
		if (labels.length > 100) throw invalid$1(`For 'properties/labels', at most 100 items are allowed.`);
		if (workFolder !== void 0 && typeof workFolder !== "string") throw invalid$1(`For 'properties/work_folder', it is not a string.`);
		if (this.#runnersIn(scope.owner, scope.repo).some((r) => r.name.toLowerCase() === name.toLowerCase())) throw new GitHubApiError(409, `Already exists - A runner with the name ${name} already exists.`);
		const runner = {
			id: this.#o.nextId(),
			name,
			scope: { ...scope },
			labels: [...new Set(labels)],
			token: randomBytes(24).toString("base64url"),
			workFolder: workFolder ?? "_work",
			createdAt: Date.now(),
			lastContact: null,
			open: 0,
			jobId: null
		};
		this.#runners.set(runner.id, runner);
		const config = {
			url: this.#o.runnerUrl(),
			runnerId: runner.id,
			runnerName: runner.name,
			token: runner.token
		};
		return send$1(res, 201, {
			runner: this.#runnerJson(runner),
			encoded_jit_config: Buffer.from(JSON.stringify(config)).toString("base64")
		});
	}
	async routeRunner(req, res, url) {
		const segments = url.pathname.split("/").filter(Boolean).slice(1);
		const method = req.method ?? "GET";
		const runner = this.#runnerOf(req);
		this.sweep();
		runner.open++;
		runner.lastContact = Date.now();
		try {
			if (segments.length === 1 && segments[0] === "acquire" && method === "POST") {
				req.resume();
				return await this.#acquire(res, url, runner);
			}
			if (segments[0] !== "jobs" || segments.length < 2) throw new GitHubApiError(404, "Not Found");
			const job = this.#jobs.get(Number(segments[1]));
			if (!job || runner.jobId !== job.id) throw new GitHubApiError(404, "Not Found");
			if (segments.length === 2 && method === "GET") {
				send$1(res, 200, {
					status: job.status,
					conclusion: job.conclusion,
					cancelled: job.cancelRequested
				});
				return;
			}
			if (segments.length === 3 && segments[2] === "log" && method === "POST") {
				const text = (await readBody$1(req, LOG_BODY_LIMIT, () => new GitHubApiError(413, "Payload too large"))).toString("utf8");
				if (job.status === "completed") throw new GitHubApiError(409, `The job is completed (${job.conclusion}): no more log is taken.`);
				job.log += text;
				send$1(res, 200, {
					status: job.status,
					cancelled: job.cancelRequested
				});
				return;
			}
			if (segments.length === 3 && segments[2] === "complete" && method === "POST") {
				const { conclusion } = await readJson$1(req);
				if (conclusion !== "success" && conclusion !== "failure" && conclusion !== "cancelled") throw new GitHubApiError(422, "conclusion: one of success, failure, cancelled");
				job.completions++;
				if (job.status === "completed") throw new GitHubApiError(409, `The job is completed already (${job.conclusion}).`);
				this.#complete(job, job.cancelRequested ? "cancelled" : conclusion, { counted: true });
				send$1(res, 200, {
					status: job.status,
					conclusion: job.conclusion
				});
				return;
			}
			throw new GitHubApiError(404, "Not Found");
		} finally {
			runner.open--;
			runner.lastContact = Date.now();
		}
	}
	#runnerOf(req) {
		const token = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
		const refuse = (message) => {
			req.resume();
			return new GitHubApiError(401, message);
		};
		if (!token) throw refuse("Runner credentials are missing: send \"Authorization: Bearer <token>\" from the JIT configuration.");
		const runner = [...this.#runners.values()].find((r) => sameSecret(r.token, token));
		if (!runner) {
			const retired = [...this.#retired].find(([t]) => sameSecret(t, token));
			throw refuse(retired ? `This runner registration is gone: ${retired[1]}. Generate a new JIT configuration.` : "No runner is registered with this JIT configuration: it is invalid, or its runner was removed.");
		}
		if (runner.lastContact === null && Date.now() - runner.createdAt > this.#o.jitConfigTtlMs) throw refuse(`The JIT configuration of runner "${runner.name}" expired unused after ${Math.round(this.#o.jitConfigTtlMs / 1e3)} s. Generate a new one.`);
		return runner;
	}
	async #acquire(res, url, runner) {
		const waitMs = Math.min(MAX_ACQUIRE_WAIT_MS, Math.max(0, Number(url.searchParams.get("wait") ?? MAX_ACQUIRE_WAIT_MS / 1e3) * 1e3 || 0));
		const deadline = Date.now() + waitMs;
		for (;;) {
			if (!this.#runners.has(runner.id)) throw new GitHubApiError(401, `This runner registration is gone: ${this.#retired.get(runner.token)}.`);
			if (runner.jobId !== null) {
				const taken = this.#jobs.get(runner.jobId);
				if (taken.status === "in_progress") return this.#sendAssignment(res, taken);
				throw new GitHubApiError(409, `Runner "${runner.name}" ran its one job (${taken.id}) already.`);
			}
			const job = this.#matchingJob(runner);
			if (job) {
				this.#assign(job, runner);
				return this.#sendAssignment(res, job);
			}
			const left = deadline - Date.now();
			if (left <= 0 || this.#stopped) {
				res.writeHead(204).end();
				return;
			}
			await new Promise((resolve) => {
				const wake = () => {
					clearTimeout(timer);
					this.#waiters.delete(wake);
					res.off("close", wake);
					resolve();
				};
				const timer = setTimeout(wake, left);
				this.#waiters.add(wake);
				res.once("close", wake);
			});
			if (res.destroyed || res.writableEnded) return;
		}
	}
	#sendAssignment(res, job) {
		const run = this.#runs.get(job.runId);
		send$1(res, 200, {
			jobId: job.id,
			runId: run.id,
			repository: `${run.owner}/${run.repo}`,
			headSha: run.headSha,
			steps: job.steps,
			timeoutMinutes: job.timeoutMinutes
		});
	}
	#matchingJob(runner) {
		const offered = new Set(runner.labels.map((l) => l.toLowerCase()));
		for (const job of this.#jobs.values()) {
			if (job.status !== "queued") continue;
			const run = this.#runs.get(job.runId);
			if (run.owner.toLowerCase() !== runner.scope.owner.toLowerCase()) continue;
			if (runner.scope.repo !== void 0 && run.repo.toLowerCase() !== runner.scope.repo.toLowerCase()) continue;
			if (job.labels.every((l) => offered.has(l.toLowerCase()))) return job;
		}
	}
	#assign(job, runner) {
		job.status = "in_progress";
		job.startedAt = timestamp();
		job.runnerId = runner.id;
		job.runnerName = runner.name;
		runner.jobId = job.id;
		this.#runs.get(job.runId).updatedAt = job.startedAt;
		this.#deliver(job, "in_progress");
	}
	#complete(job, conclusion, options = {}) {
		if (!options.counted) job.completions++;
		if (job.status === "completed") return;
		job.status = "completed";
		job.conclusion = conclusion;
		job.completedAt = timestamp();
		job.startedAt ??= job.completedAt;
		this.#runs.get(job.runId).updatedAt = job.completedAt;
		this.#deliver(job, "completed");
		const runner = job.runnerId === null ? void 0 : this.#runners.get(job.runnerId);
		if (runner && !options.keepRunner) this.#remove(runner, `runner "${runner.name}" was removed after its job`);
	}
	#remove(runner, reason) {
		this.#runners.delete(runner.id);
		this.#retired.set(runner.token, reason);
		this.#wake();
	}
	#deliver(job, action) {
		const run = this.#runs.get(job.runId);
		if (this.#lose.count > 0 && (this.#lose.action === void 0 || this.#lose.action === action)) {
			this.#lose.count--;
			return;
		}
		this.#o.emit(run.owner, run.repo, "workflow_job", {
			action,
			workflow_job: this.jobJson(job)
		});
	}
	#wake() {
		for (const wake of [...this.#waiters]) wake();
	}
	jobJson(job) {
		const run = this.#runs.get(job.runId);
		const base = this.#o.baseUrl();
		const taken = job.runnerId !== null;
		return {
			id: job.id,
			node_id: nodeId("CheckRun", job.id),
			run_id: run.id,
			run_attempt: 1,
			run_url: `${base}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`,
			url: `${base}/repos/${run.owner}/${run.repo}/actions/jobs/${job.id}`,
			html_url: `${base}/${run.owner}/${run.repo}/actions/runs/${run.id}/job/${job.id}`,
			check_run_url: `${base}/repos/${run.owner}/${run.repo}/check-runs/${job.id}`,
			head_sha: run.headSha,
			head_branch: run.headBranch,
			workflow_name: run.name,
			name: job.name,
			status: job.status,
			conclusion: job.conclusion,
			labels: [...job.labels],
			runner_id: job.runnerId,
			runner_name: job.runnerName,
			runner_group_id: taken ? 1 : null,
			runner_group_name: taken ? "Default" : null,
			created_at: job.createdAt,
			started_at: job.startedAt ?? job.createdAt,
			completed_at: job.completedAt,
			steps: job.steps.map((step, index) => ({
				name: step.name ?? `Run step ${index + 1}`,
				number: index + 1,
				status: job.status,
				conclusion: job.conclusion,
				started_at: job.startedAt,
				completed_at: job.completedAt
			}))
		};
	}
	#runJson(run) {
		const base = this.#o.baseUrl();
		const repoApi = `${base}/repos/${run.owner}/${run.repo}`;
		const api = `${repoApi}/actions/runs/${run.id}`;
		const workflowFile = `${run.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "ci"}.yml`;
		const workflowId = stableId("workflow", run.owner, run.repo, run.name);
		const checkSuiteId = stableId("check-suite", String(run.id));
		const commit = run.headCommit;
		const repository = this.#o.repository(run.owner, run.repo);
		const actor = userJson(base, this.#o.login());
		return {
			id: run.id,
			name: run.name,
			node_id: nodeId("WorkflowRun", run.id),
			check_suite_id: checkSuiteId,
			check_suite_node_id: nodeId("CheckSuite", checkSuiteId),
			head_branch: run.headBranch,
			head_sha: run.headSha,
			path: `.github/workflows/${workflowFile}`,
			display_title: commit?.message.split("\n")[0] || run.name,
			run_number: run.id,
			event: "push",
			status: this.#runStatus(run),
			conclusion: this.#runConclusion(run),
			workflow_id: workflowId,
			url: api,
			html_url: `${base}/${run.owner}/${run.repo}/actions/runs/${run.id}`,
			pull_requests: [],
			created_at: run.createdAt,
			updated_at: run.updatedAt,
			actor,
			triggering_actor: actor,
			run_attempt: 1,
			referenced_workflows: [],
			run_started_at: run.createdAt,
			jobs_url: `${api}/jobs`,
			logs_url: `${api}/logs`,
			check_suite_url: `${repoApi}/check-suites/${checkSuiteId}`,
			artifacts_url: `${api}/artifacts`,
			cancel_url: `${api}/cancel`,
			rerun_url: `${api}/rerun`,
			previous_attempt_url: null,
			workflow_url: `${repoApi}/actions/workflows/${workflowId}`,
			head_commit: commit && {
				id: commit.id,
				tree_id: commit.treeId,
				message: commit.message,
				timestamp: commit.timestamp,
				author: commit.author,
				committer: commit.committer
			},
			repository,
			head_repository: repository
		};
	}
	#runStatus(run) {
		if (run.jobs.every((j) => j.status === "completed")) return "completed";
		if (run.jobs.every((j) => j.status === "queued")) return "queued";
		return "in_progress";
	}
	#runConclusion(run) {
		if (this.#runStatus(run) !== "completed") return null;
		if (run.cancelled) return "cancelled";
		return run.jobs.some((j) => j.conclusion === "failure") ? "failure" : run.jobs.some((j) => j.conclusion === "cancelled") ? "cancelled" : "success";
	}
	#runnerJson(runner) {
		return {
			id: runner.id,
			name: runner.name,
			os: "linux",
			status: this.#online(runner) ? "online" : "offline",
			busy: this.#busy(runner),
			ephemeral: true,
			runner_group_id: 1,
			labels: runner.labels.map((name) => ({
				id: this.#labelId(name),
				name,
				type: READ_ONLY_LABELS.has(name.toLowerCase()) ? "read-only" : "custom"
			}))
		};
	}
	#labelId(name) {
		const key = name.toLowerCase();
		let id = this.#labelIds.get(key);
		if (id === void 0) this.#labelIds.set(key, id = this.#labelIds.size + 1);
		return id;
	}
	#online(runner, now = Date.now()) {
		return runner.lastContact !== null && (runner.open > 0 || now - runner.lastContact <= this.#o.runnerOfflineAfterMs);
	}
	#busy(runner) {
		return runner.jobId !== null && this.#jobs.get(runner.jobId)?.status === "in_progress";
	}
	#runnersIn(owner, repo) {
		return [...this.#runners.values()].filter((r) => inScope(r, {
			owner,
			...repo === void 0 ? {} : { repo }
		}));
	}
	#runnerList(scope) {
		return this.#runnersIn(scope.owner, scope.repo).map((r) => this.#runnerJson(r));
	}
	#sendList(res, url, key, all) {
		const { items, link } = paginate(url, all);
		sendJson$1(res, 200, {
			total_count: all.length,
			[key]: items
		}, link ? { link } : {});
		return true;
	}
};
function inScope(runner, scope) {
	return runner.scope.owner.toLowerCase() === scope.owner.toLowerCase() && (runner.scope.repo ?? "").toLowerCase() === (scope.repo ?? "").toLowerCase();
}
function sameRepo(run, owner, repo) {
	return run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();
}
function sameSecret(a, b) {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}
function invalid$1(detail) {
	return new GitHubApiError(422, `Invalid request.\n\n${detail}`);
}
function send$1(res, status, body) {
	sendJson$1(res, status, body);
	return true;
}
// emulators/github/git-object-reader.ts
const IDLE_MS = 2e3;
var GitObjectReader = class {
	#dir;
	#env;
	#current = null;
	#idle = null;
	constructor(dir, env) {
		this.#dir = dir;
		this.#env = env;
	}
	read(name) {
		if (/[\n\r\0]/.test(name)) return Promise.resolve(null);
		const batch = this.#process();
		if (this.#idle) clearTimeout(this.#idle);
		this.#idle = null;
		return new Promise((resolve, reject) => {
			batch.waiting.push({
				resolve,
				reject
			});
			batch.git.stdin.write(`${name}\n`);
		});
	}
	close() {
		if (this.#idle) clearTimeout(this.#idle);
		this.#idle = null;
		this.#current?.git.stdin.end();
		this.#current = null;
	}
	#process() {
		if (this.#current) return this.#current;
		const git = spawn("git", ["cat-file", "--batch"], {
			cwd: this.#dir,
			env: this.#env,
			stdio: [
				"pipe",
				"pipe",
				"ignore"
			]
		});
		git.unref();
		git.stdin.unref();
		git.stdout.unref();
		const batch = {
			git,
			waiting: []
		};
		const parse = answers(batch.waiting, () => {
			if (this.#current !== batch || batch.waiting.length > 0 || this.#idle) return;
			this.#idle = setTimeout(() => this.close(), IDLE_MS);
			this.#idle.unref();
		});
		git.stdout.on("data", parse);
		const fail = (error) => {
			if (this.#current === batch) this.#current = null;
			for (const question of batch.waiting.splice(0)) question.reject(error);
		};
		git.on("error", fail);
		git.on("close", (code) => fail(/* @__PURE__ */ new Error(`git cat-file --batch exited with ${code}`)));
		git.stdin.on("error", () => void 0);
		this.#current = batch;
		return batch;
	}
};
function answers(waiting, drained) {
	let chunks = [];
	let length = 0;
	let body = null;
	return (chunk) => {
		chunks.push(chunk);
		length += chunk.length;
		for (;;) {
			if (!body) {
				const buffered = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
				chunks = [buffered];
				const eol = buffered.indexOf(10);
				if (eol < 0) break;
				const header = buffered.subarray(0, eol).toString("utf8");
				chunks = [buffered.subarray(eol + 1)];
				length -= eol + 1;
				const match = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
				if (!match) {
					waiting.shift()?.resolve(null);
					continue;
				}
				body = {
					sha: match[1],
					type: match[2],
					size: Number(match[3])
				};
			}
			if (length < body.size + 1) break;
			const buffered = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
			const content = Buffer.from(buffered.subarray(0, body.size));
			chunks = [buffered.subarray(body.size + 1)];
			length -= body.size + 1;
			waiting.shift()?.resolve({
				sha: body.sha,
				type: body.type,
				content
			});
			body = null;
		}
		if (waiting.length === 0) drained();
	};
}
// emulators/github/bare-repository.ts
const run$2 = promisify(execFile);
const GIT_ENV$1 = {
	PATH: process.env.PATH ?? "/usr/bin:/bin",
	HOME: "/nonexistent",
	GIT_CONFIG_NOSYSTEM: "1",
	GIT_CONFIG_GLOBAL: "/dev/null",
	LANG: "C.UTF-8"
};
function safeRevision(value) {
	if (value.length === 0 || value.startsWith("-") || [...value].some((c) => c.charCodeAt(0) < 32)) return false;
	return !/[\s~^:?*[\\]|\.\.|@\{/.test(value);
}
const PATH_CACHE_ENTRIES = 1024;
const PATH_CACHE_MAX_BYTES = 65536;
const OBJECT_ID$1 = /^[0-9a-f]{40}$/;
const COMMIT_CACHE_ENTRIES = 4096;
var BareRepository = class {
	dir;
	#commits = /* @__PURE__ */ new Set();
	#paths = /* @__PURE__ */ new Map();
	#commitInfo = /* @__PURE__ */ new Map();
	#objects;
	constructor(dir) {
		this.dir = dir;
		this.#objects = new GitObjectReader(dir, GIT_ENV$1);
	}
	close() {
		this.#objects.close();
	}
	async create(defaultBranch) {
		await mkdir(this.dir, { recursive: true });
		await this.#git("init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, ".");
		await this.#git("config", "http.receivepack", "true");
		await this.#git("config", "uploadpack.allowAnySHA1InWant", "true");
		await this.#git("config", "receive.denyNonFastForwards", "false");
	}
	async #git(...args) {
		const { stdout } = await run$2("git", args, {
			cwd: this.dir,
			env: GIT_ENV$1,
			maxBuffer: 67108864
		});
		return stdout;
	}
	async resolveCommit(ref) {
		if (this.#commits.has(ref)) return ref;
		if (!safeRevision(ref)) return null;
		if (OBJECT_ID$1.test(ref)) {
			const commit = (await this.#objects.read(`${ref}^{commit}`))?.sha ?? null;
			if (commit === ref) this.#commits.add(commit);
			return commit;
		}
		try {
			return (await this.#git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`)).trim() || null;
		} catch {
			return null;
		}
	}
	async branches() {
		const refs = await this.refs();
		return new Map([...refs].filter(([ref]) => ref.startsWith("refs/heads/")).map(([ref, sha]) => [ref.slice(11), sha]));
	}
	async refs() {
		const out = await this.#git("for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags");
		return new Map(out.split("\n").filter(Boolean).map((line) => {
			const space = line.indexOf(" ");
			return [line.slice(space + 1), line.slice(0, space)];
		}));
	}
	async fetchFrom(dir, args) {
		await this.#git("fetch", "--quiet", "--no-tags", dir, ...args);
	}
	async updateRef(ref, sha) {
		await this.#git("update-ref", ref, sha);
	}
	async countCommitsBetween(base, head) {
		return Number((await this.#git("rev-list", "--count", `${base}..${head}`)).trim());
	}
	async isAncestor(ancestor, descendant) {
		try {
			await this.#git("merge-base", "--is-ancestor", ancestor, descendant);
			return true;
		} catch {
			return false;
		}
	}
	async commitsBetween(after, exclude, limit = 20) {
		return parseCommits(await this.#git("log", `--max-count=${limit}`, COMMIT_FORMAT, after, "--not", ...exclude, "--")).reverse();
	}
	async mergeBase(a, b) {
		try {
			return (await this.#git("merge-base", a, b)).trim() || null;
		} catch {
			return null;
		}
	}
	async commit(sha) {
		const known = this.#commitInfo.get(sha);
		if (known) return known;
		if (!safeRevision(sha)) return null;
		try {
			const info = parseCommits(await this.#git("log", "-1", COMMIT_FORMAT, `${sha}^{commit}`, "--"))[0] ?? null;
			if (info && info.id === sha) {
				if (this.#commitInfo.size >= COMMIT_CACHE_ENTRIES) this.#commitInfo.clear();
				this.#commitInfo.set(sha, info);
			}
			return info;
		} catch {
			return null;
		}
	}
	async diffStat(base, head) {
		const out = await this.#git("diff", "--numstat", "-z", `${base}...${head}`, "--");
		let additions = 0;
		let deletions = 0;
		let files = 0;
		for (const line of out.split("\0")) {
			const match = /^(\d+|-)\t(\d+|-)\t/.exec(line);
			if (!match) continue;
			files++;
			additions += Number(match[1]) || 0;
			deletions += Number(match[2]) || 0;
		}
		return {
			additions,
			deletions,
			files
		};
	}
	async readBlob(sha) {
		if (!OBJECT_ID$1.test(sha)) return null;
		const object = await this.#objects.read(sha);
		return object?.type === "blob" ? object.content : null;
	}
	async readPath(commit, path) {
		const key = `${commit}:${path}`;
		if (this.#paths.has(key)) return this.#paths.get(key);
		const answer = await this.#readPath(commit, path);
		if (!(answer?.kind === "file" && answer.content.length > PATH_CACHE_MAX_BYTES)) {
			this.#paths.set(key, answer);
			if (this.#paths.size > PATH_CACHE_ENTRIES) this.#paths.delete(this.#paths.keys().next().value);
		}
		return answer;
	}
	async #readPath(commit, path) {
		const clean = path.replace(/^\/+|\/+$/g, "");
		if (clean.split("/").some((part) => part === ".." || part === ".")) return null;
		const spec = `${commit}:${clean}`;
		const object = await this.#objects.read(spec);
		if (object?.type === "blob") return {
			kind: "file",
			content: object.content,
			sha: object.sha
		};
		if (object?.type !== "tree") return null;
		return {
			kind: "dir",
			entries: (await this.#git("ls-tree", "-l", "-z", spec)).split("\0").filter(Boolean).map((line) => {
				const tab = line.indexOf("	");
				const name = line.slice(tab + 1);
				const [, kind, entrySha, size] = line.slice(0, tab).split(/\s+/);
				return {
					type: kind,
					sha: entrySha,
					path: clean ? `${clean}/${name}` : name,
					size: size === "-" ? null : Number(size)
				};
			})
		};
	}
};
const COMMIT_FORMAT = "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%cI%x00%B%x1e";
function parseCommits(out) {
	return out.split("").map((record) => record.replace(/^\n/, "")).filter(Boolean).map((record) => {
		const [id, treeId, parents, an, ae, cn, ce, timestamp, message] = record.split("\0");
		return {
			id,
			treeId,
			parents: parents ? parents.split(" ") : [],
			message: (message ?? "").replace(/\n+$/, ""),
			timestamp,
			author: {
				name: an,
				email: ae
			},
			committer: {
				name: cn,
				email: ce
			}
		};
	});
}
// emulators/github/branches-api.ts
async function routeBranches$1(res, url, method, repo, rest, baseUrl) {
	if (rest.length !== 1 || rest[0] !== "branches" || method !== "GET") return false;
	const branches = [...await repo.git.branches()].sort(([a], [b]) => a.localeCompare(b)).map(([name, sha]) => ({
		name,
		commit: {
			sha,
			url: `${baseUrl}/repos/${repo.owner}/${repo.name}/commits/${sha}`
		},
		protected: false
	}));
	const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30) || 30));
	const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
	const last = Math.max(1, Math.ceil(branches.length / perPage));
	const at = (n) => {
		const u = new URL(url);
		u.searchParams.set("page", String(n));
		u.searchParams.set("per_page", String(perPage));
		return u.toString();
	};
	const headers = {};
	if (page < last) headers.link = `<${at(page + 1)}>; rel="next", <${at(last)}>; rel="last"`;
	sendJson$1(res, 200, branches.slice((page - 1) * perPage, page * perPage), headers);
	return true;
}
// emulators/github/issues-api.ts
var GitHubIssuesApi = class {
	#issues = /* @__PURE__ */ new Map();
	#nextId;
	#login;
	#baseUrl;
	constructor(options) {
		this.#nextId = options.nextId;
		this.#login = options.login;
		this.#baseUrl = options.baseUrl;
	}
	highestNumber(repo) {
		return Math.max(0, ...this.#of(repo).map((i) => i.number));
	}
	route(res, url, method, repo, rest, body) {
		if (rest[0] !== "issues") return false;
		const issues = this.#of(repo);
		if (rest.length === 1) {
			if (method === "GET") return this.#list(res, url, repo, issues);
			if (method === "POST") return this.#create(res, repo, issues, body);
			return false;
		}
		const issue = issues.find((i) => String(i.number) === rest[1]);
		if (!issue) return false;
		if (rest.length === 2 && method === "GET") return send(res, 200, this.#json(repo, issue));
		if (rest.length === 2 && method === "PATCH") return this.#edit(res, repo, issue, body);
		if (rest.length === 3 && rest[2] === "comments") {
			if (method === "GET") return sendPage$1(res, url, issue.comments.map((c) => commentJson(this.#baseUrl(), repo, issue.number, c, false)));
			if (method === "POST") {
				if (typeof body.body !== "string" || !body.body) return validation$2(res, "IssueComment", "body", "missing_field");
				const comment = {
					id: this.#nextId(),
					body: body.body,
					user: this.#login(),
					createdAt: timestamp()
				};
				issue.comments.push(comment);
				issue.updatedAt = comment.createdAt;
				return send(res, 201, commentJson(this.#baseUrl(), repo, issue.number, comment, false));
			}
		}
		return false;
	}
	#of(repo) {
		const key = `${repo.owner}/${repo.name}`.toLowerCase();
		let issues = this.#issues.get(key);
		if (!issues) this.#issues.set(key, issues = []);
		return issues;
	}
	#list(res, url, repo, issues) {
		const state = url.searchParams.get("state") ?? "open";
		if (![
			"open",
			"closed",
			"all"
		].includes(state)) return validation$2(res, "Issue", "state", "invalid");
		const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
		return sendPage$1(res, url, [...issues.filter((i) => labels.every((l) => i.labels.includes(l))).map((i) => ({
			number: i.number,
			state: i.state,
			json: this.#json(repo, i)
		})), ...(labels.length ? [] : repo.pulls).map((p) => ({
			number: p.number,
			state: p.state,
			json: issueJson(this.#baseUrl(), repo, pullAsIssue(p, (repo.comments.get(p.number) ?? []).length))
		}))].filter((e) => state === "all" || e.state === state).sort((a, b) => b.number - a.number).map((e) => e.json));
	}
	#create(res, repo, issues, body) {
		if (typeof body.title !== "string" || !body.title.trim()) return validation$2(res, "Issue", "title", "missing_field");
		if (body.body !== void 0 && body.body !== null && typeof body.body !== "string") return validation$2(res, "Issue", "body", "invalid");
		const labels = body.labels ?? [];
		if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string")) return validation$2(res, "Issue", "labels", "invalid");
		const now = timestamp();
		const issue = {
			id: this.#nextId(),
			number: Math.max(this.highestNumber(repo), ...repo.pulls.map((p) => p.number)) + 1,
			state: "open",
			stateReason: null,
			title: body.title,
			body: body.body ?? null,
			labels: [...new Set(labels)],
			user: this.#login(),
			createdAt: now,
			updatedAt: now,
			closedAt: null,
			comments: []
		};
		issues.push(issue);
		return send(res, 201, this.#json(repo, issue));
	}
	#edit(res, repo, issue, body) {
		if (body.title !== void 0 && (typeof body.title !== "string" || !body.title.trim())) return validation$2(res, "Issue", "title", "invalid");
		if (body.body !== void 0 && body.body !== null && typeof body.body !== "string") return validation$2(res, "Issue", "body", "invalid");
		if (body.state !== void 0 && body.state !== "open" && body.state !== "closed") return validation$2(res, "Issue", "state", "invalid");
		if (typeof body.title === "string") issue.title = body.title;
		if (body.body !== void 0) issue.body = body.body;
		if (body.state !== void 0 && body.state !== issue.state) {
			issue.state = body.state;
			issue.closedAt = body.state === "closed" ? timestamp() : null;
			issue.stateReason = body.state === "closed" ? typeof body.state_reason === "string" ? body.state_reason : "completed" : "reopened";
		}
		issue.updatedAt = timestamp();
		return send(res, 200, this.#json(repo, issue));
	}
	#json(repo, issue) {
		return issueJson(this.#baseUrl(), repo, {
			...issue,
			comments: issue.comments.length,
			pull: false
		});
	}
};
function send(res, status, body, headers = {}) {
	sendJson$1(res, status, body, headers);
	return true;
}
function validation$2(res, resource, field, code) {
	return send(res, 422, {
		message: "Validation Failed",
		errors: [{
			resource,
			field,
			code
		}],
		documentation_url: "https://docs.github.com/rest"
	});
}
function sendPage$1(res, url, all) {
	sendPage$2(res, url, all);
	return true;
}
// emulators/github/releases-api.ts
const DOCS$1 = "https://docs.github.com/rest/releases";
var GitHubReleasesApi = class {
	#releases = /* @__PURE__ */ new Map();
	#nextId;
	#login;
	#baseUrl;
	#assetDir;
	#failures = [];
	readOnlyTokens = /* @__PURE__ */ new Set();
	requestCounts = /* @__PURE__ */ new Map();
	constructor(options) {
		this.#nextId = options.nextId;
		this.#login = options.login;
		this.#baseUrl = options.baseUrl;
		this.#assetDir = __ironbotsPath.join(options.dataDir, ".release-assets");
	}
	injectFailure(failure) {
		this.#failures.push({
			...failure,
			seen: 0
		});
	}
	releasesOf(owner, name) {
		return (this.#releases.get(`${owner}/${name}`.toLowerCase()) ?? []).map((r) => ({
			...r,
			assets: r.assets.map((a) => ({ ...a }))
		}));
	}
	async route(req, res, url, method, repo, rest) {
		if (rest[0] !== "releases") return false;
		try {
			await this.#route(req, res, url, method, repo, rest);
		} catch (error) {
			if (!(error instanceof GitHubApiError)) throw error;
			req.resume();
			sendJson$1(res, error.status, {
				message: error.message,
				...error.extra,
				documentation_url: DOCS$1
			});
		}
		return true;
	}
	async #route(req, res, url, method, repo, rest) {
		const releases = this.#of(repo);
		if (method !== "GET" && method !== "HEAD" && this.readOnlyTokens.has(bearer(req))) throw new GitHubApiError(403, "Resource not accessible by integration");
		if (rest.length === 1) {
			if (method === "GET") return sendPage$2(res, url, [...releases].reverse().map((r) => this.#json(repo, r)));
			if (method === "POST") return this.#create(res, repo, releases, await readJson$1(req));
		}
		if (rest.length === 2 && rest[1] === "latest" && method === "GET") {
			const latest = [...releases].reverse().find((r) => !r.draft && !r.prerelease);
			if (!latest) throw notFound$2();
			return sendJson$1(res, 200, this.#json(repo, latest));
		}
		if (rest.length === 3 && rest[1] === "tags" && method === "GET") {
			const release = releases.find((r) => !r.draft && r.tagName === rest[2]);
			if (!release) throw notFound$2();
			return sendJson$1(res, 200, this.#json(repo, release));
		}
		if (rest[1] === "assets" && rest.length === 3) {
			const found = this.#findAsset(releases, rest[2]);
			if (method === "GET") return this.#getAsset(req, res, repo, found.release, found.asset);
			if (method === "DELETE") {
				this.#count("delete-asset");
				this.#maybeFail("delete-asset");
				found.release.assets = found.release.assets.filter((a) => a !== found.asset);
				await rm(found.asset.file, { force: true });
				res.writeHead(204).end();
				return;
			}
		}
		const release = releases.find((r) => String(r.id) === rest[1]);
		if (!release) throw notFound$2();
		if (rest.length === 2) {
			if (method === "GET") return sendJson$1(res, 200, this.#json(repo, release));
			if (method === "PATCH") return this.#update(res, repo, releases, release, await readJson$1(req));
			if (method === "DELETE") {
				releases.splice(releases.indexOf(release), 1);
				await Promise.all(release.assets.map((a) => rm(a.file, { force: true })));
				res.writeHead(204).end();
				return;
			}
		}
		if (rest.length === 3 && rest[2] === "assets") {
			if (method === "GET") return sendPage$2(res, url, release.assets.map((a) => this.#assetJson(repo, release, a)));
			if (method === "POST") return this.#upload(req, res, url, repo, release);
		}
		throw notFound$2();
	}
	#of(repo) {
		const key = `${repo.owner}/${repo.name}`.toLowerCase();
		let list = this.#releases.get(key);
		if (!list) this.#releases.set(key, list = []);
		return list;
	}
	#count(operation) {
		this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
	}
	#maybeFail(operation) {
		for (const failure of this.#failures) {
			if (failure.operation !== operation) continue;
			failure.seen += 1;
			if (failure.seen === failure.nth) {
				this.#failures.splice(this.#failures.indexOf(failure), 1);
				throw new GitHubApiError(failure.status, `injected failure of ${operation}`);
			}
		}
	}
	async #create(res, repo, releases, body) {
		this.#count("create");
		this.#maybeFail("create");
		const tagName = body.tag_name;
		if (typeof tagName !== "string" || !tagName) throw validation$1("tag_name", "missing_field");
		const draft = body.draft === true;
		if (!draft && releases.some((r) => !r.draft && r.tagName === tagName)) throw validation$1("tag_name", "already_exists");
		const now = (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
		const release = {
			id: this.#nextId(),
			tagName,
			targetCommitish: typeof body.target_commitish === "string" && body.target_commitish ? body.target_commitish : repo.defaultBranch,
			name: typeof body.name === "string" ? body.name : null,
			body: typeof body.body === "string" ? body.body : null,
			draft,
			prerelease: body.prerelease === true,
			createdAt: now,
			publishedAt: null,
			untaggedSlug: `untagged-${randomUUID().replace(/-/g, "").slice(0, 20)}`,
			assets: []
		};
		checkBody(release.body);
		if (!draft) await this.#publish(repo, release);
		releases.push(release);
		sendJson$1(res, 201, this.#json(repo, release));
	}
	async #update(res, repo, releases, release, body) {
		this.#count("update");
		this.#maybeFail("update");
		if (typeof body.body === "string") checkBody(body.body);
		const tagName = typeof body.tag_name === "string" && body.tag_name ? body.tag_name : release.tagName;
		const publishing = body.draft === false && release.draft;
		if ((publishing || !release.draft) && releases.some((r) => r !== release && !r.draft && r.tagName === tagName)) throw validation$1("tag_name", "already_exists");
		release.tagName = tagName;
		if (typeof body.target_commitish === "string" && body.target_commitish) release.targetCommitish = body.target_commitish;
		if (typeof body.name === "string") release.name = body.name;
		if (typeof body.body === "string") release.body = body.body;
		if (typeof body.prerelease === "boolean") release.prerelease = body.prerelease;
		if (publishing) await this.#publish(repo, release);
		sendJson$1(res, 200, this.#json(repo, release));
	}
	async #publish(repo, release) {
		if (!(await repo.git.refs()).has(`refs/tags/${release.tagName}`)) {
			const commit = await repo.git.resolveCommit(release.targetCommitish);
			if (!commit) throw validation$1("target_commitish", "invalid");
			await repo.git.updateRef(`refs/tags/${release.tagName}`, commit);
		}
		release.draft = false;
		release.publishedAt = (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
	}
	async #upload(req, res, url, repo, release) {
		this.#count("upload");
		const name = url.searchParams.get("name");
		if (!name) throw validation$1("name", "missing_field");
		if (name.includes("/") || name === "." || name === "..") throw validation$1("name", "invalid");
		if (release.assets.some((a) => a.name === name)) throw validation$1("name", "already_exists");
		const declared = Number(req.headers["content-length"]);
		if (!Number.isFinite(declared) || declared <= 0) throw new GitHubApiError(400, "Bad Content-Length: an asset needs a non-empty body");
		await mkdir(this.#assetDir, { recursive: true });
		const file = __ironbotsPath.join(this.#assetDir, `${randomUUID()}`);
		const hash = createHash("sha256");
		let size = 0;
		const hashing = new Transform({ transform(chunk, _encoding, done) {
			hash.update(chunk);
			size += chunk.length;
			done(null, chunk);
		} });
		try {
			await pipeline$1(req, hashing, createWriteStream(file));
		} catch (error) {
			await rm(file, { force: true });
			throw error;
		}
		try {
			this.#maybeFail("upload");
			if (size !== declared) throw new GitHubApiError(400, `Content-Length ${declared} but ${size} bytes received`);
			if (release.assets.some((a) => a.name === name)) throw validation$1("name", "already_exists");
		} catch (error) {
			await rm(file, { force: true });
			throw error;
		}
		const asset = {
			id: this.#nextId(),
			name,
			label: url.searchParams.get("label"),
			contentType: req.headers["content-type"] ?? "application/octet-stream",
			size,
			digest: `sha256:${hash.digest("hex")}`,
			file,
			createdAt: (/* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z")
		};
		release.assets.push(asset);
		sendJson$1(res, 201, this.#assetJson(repo, release, asset));
	}
	async #getAsset(req, res, repo, release, asset) {
		if (!(req.headers.accept ?? "").includes("application/octet-stream")) return sendJson$1(res, 200, this.#assetJson(repo, release, asset));
		const { size } = await stat(asset.file);
		res.writeHead(200, {
			"content-type": "application/octet-stream",
			"content-length": String(size)
		});
		await pipeline$1(createReadStream(asset.file), res);
	}
	#findAsset(releases, id) {
		for (const release of releases) {
			const asset = release.assets.find((a) => String(a.id) === id);
			if (asset) return {
				release,
				asset
			};
		}
		throw notFound$2();
	}
	#json(repo, r) {
		const api = `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/releases/${r.id}`;
		const html = `${this.#baseUrl()}/${repo.owner}/${repo.name}/releases`;
		return {
			id: r.id,
			node_id: nodeId("Release", r.id),
			url: api,
			assets_url: `${api}/assets`,
			upload_url: `${api}/assets{?name,label}`,
			html_url: r.draft ? `${html}/tag/${r.untaggedSlug}` : `${html}/tag/${encodeURIComponent(r.tagName)}`,
			tag_name: r.tagName,
			target_commitish: r.targetCommitish,
			name: r.name,
			body: r.body,
			draft: r.draft,
			prerelease: r.prerelease,
			created_at: r.createdAt,
			published_at: r.publishedAt,
			author: userJson(this.#baseUrl(), this.#login()),
			tarball_url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/tarball/${r.tagName}`,
			zipball_url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/zipball/${r.tagName}`,
			assets: r.assets.map((a) => this.#assetJson(repo, r, a)),
			reactions: reactionsJson(api)
		};
	}
	#assetJson(repo, r, a) {
		return {
			id: a.id,
			node_id: nodeId("ReleaseAsset", a.id),
			url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/releases/assets/${a.id}`,
			browser_download_url: `${this.#baseUrl()}/${repo.owner}/${repo.name}/releases/download/${encodeURIComponent(r.tagName)}/${encodeURIComponent(a.name)}`,
			name: a.name,
			label: a.label,
			state: "uploaded",
			content_type: a.contentType,
			size: a.size,
			digest: a.digest,
			download_count: 0,
			created_at: a.createdAt,
			updated_at: a.createdAt,
			uploader: userJson(this.#baseUrl(), this.#login())
		};
	}
};
function checkBody(body) {
	if (body !== null && body.length > 125e3) throw new GitHubApiError(422, "Validation Failed", { errors: [{
		resource: "Release",
		code: "custom",
		field: "body",
		message: "body is too long (maximum is 125000 characters)"
	}] });
}
function bearer(req) {
	return /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
}
function notFound$2() {
	return new GitHubApiError(404, "Not Found");
}
function validation$1(field, code) {
	return new GitHubApiError(422, "Validation Failed", { errors: [{
		resource: "Release",
		field,
		code
	}] });
}
// emulators/github/git-http-backend.ts
function serveGitHttp(req, res, options) {
	return new Promise((resolve) => {
		const header = (name) => {
			const value = req.headers[name];
			return Array.isArray(value) ? value.join(", ") : value;
		};
		const optional = {
			REMOTE_USER: options.remoteUser,
			CONTENT_LENGTH: header("content-length"),
			HTTP_CONTENT_ENCODING: header("content-encoding"),
			GIT_PROTOCOL: header("git-protocol")
		};
		const env = {
			...GIT_ENV$1,
			GIT_PROJECT_ROOT: options.projectRoot,
			GIT_HTTP_EXPORT_ALL: "1",
			GATEWAY_INTERFACE: "CGI/1.1",
			PATH_INFO: options.pathInfo,
			REQUEST_METHOD: req.method ?? "GET",
			QUERY_STRING: options.query,
			CONTENT_TYPE: header("content-type") ?? "",
			REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
			...Object.fromEntries(Object.entries(optional).filter((e) => !!e[1]))
		};
		const child = spawn("git", ["http-backend"], {
			env,
			stdio: [
				"pipe",
				"pipe",
				"pipe"
			]
		});
		req.pipe(child.stdin);
		child.stdin.on("error", () => void 0);
		res.on("close", () => {
			if (!res.writableFinished) child.kill();
		});
		let head = Buffer.alloc(0);
		let headersDone = false;
		let status = 200;
		child.stdout.on("data", (chunk) => {
			if (headersDone) {
				res.write(chunk);
				return;
			}
			head = Buffer.concat([head, chunk]);
			const crlf = head.indexOf("\r\n\r\n");
			const lf = head.indexOf("\n\n");
			const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
			if (end === -1) return;
			const separator = end === crlf ? 4 : 2;
			const headers = {};
			for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
				const colon = line.indexOf(":");
				if (colon === -1) continue;
				const name = line.slice(0, colon).trim();
				const value = line.slice(colon + 1).trim();
				if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 200;
				else headers[name] = value;
			}
			headersDone = true;
			res.writeHead(status, headers);
			res.write(head.subarray(end + separator));
		});
		const stderr = [];
		child.stderr.on("data", (c) => stderr.push(c));
		let settled = false;
		const finish = (code, error) => {
			if (settled) return;
			settled = true;
			const message = error?.message ?? Buffer.concat(stderr).toString("utf8").trim();
			if (!headersDone) {
				options.logger?.error({
					code,
					err: message,
					path: options.pathInfo
				}, "git http-backend failed");
				if (!res.headersSent && !res.destroyed) {
					res.writeHead(500, { "content-type": "text/plain" });
					res.end(`git http-backend failed\n`);
				}
				resolve(500);
				return;
			}
			if (message) options.logger?.debug({
				code,
				stderr: message
			}, "git http-backend");
			res.end();
			resolve(res.destroyed && !res.writableFinished ? 499 : code === 0 ? status : 500);
		};
		child.on("error", (error) => finish(null, error));
		child.on("close", (code) => finish(code));
	});
}
// node_modules/@octokit/webhooks-methods/dist-node/index.js
var VERSION = "6.0.0";
async function sign(secret, payload) {
	if (!secret || !payload) throw new TypeError("[@octokit/webhooks-methods] secret & payload required for sign()");
	if (typeof payload !== "string") throw new TypeError("[@octokit/webhooks-methods] payload must be a string");
	const algorithm = "sha256";
	return `${algorithm}=${createHmac(algorithm, secret).update(payload).digest("hex")}`;
}
sign.VERSION = VERSION;
async function verify$1(secret, eventPayload, signature) {
	if (!secret || !eventPayload || !signature) throw new TypeError("[@octokit/webhooks-methods] secret, eventPayload & signature required");
	if (typeof eventPayload !== "string") throw new TypeError("[@octokit/webhooks-methods] eventPayload must be a string");
	const signatureBuffer = Buffer$1.from(signature);
	const verificationBuffer = Buffer$1.from(await sign(secret, eventPayload));
	if (signatureBuffer.length !== verificationBuffer.length) return false;
	return timingSafeEqual(signatureBuffer, verificationBuffer);
}
verify$1.VERSION = VERSION;
// emulators/github/webhook-sender.ts
const DELIVERY_TIMEOUT_MS = 1e4;
var WebhookSender = class {
	#nextGuid = timeBasedUuids();
	#logger;
	#queues = /* @__PURE__ */ new Map();
	#pending = /* @__PURE__ */ new Set();
	#sent = /* @__PURE__ */ new Map();
	records = [];
	#loss = new DeliveryLoss();
	constructor(logger) {
		this.#logger = logger;
	}
	loseDeliveries(share) {
		this.#loss.set(share);
	}
	send(hook, event, payload) {
		const id = this.#nextGuid();
		const body = JSON.stringify(payload);
		this.#sent.set(id, {
			hook,
			event,
			body
		});
		if (this.#loss.next()) {
			const action = payload.action;
			this.records.push({
				id,
				hookId: hook.id,
				url: hook.url,
				event,
				...typeof action === "string" ? { action } : {},
				redelivery: false,
				status: 0,
				lost: true,
				deliveredAt: (/* @__PURE__ */ new Date()).toISOString()
			});
		} else this.#enqueue(hook, id, event, body, false);
		return id;
	}
	redeliver(id) {
		const sent = this.#sent.get(id);
		if (!sent) throw new Error(`no webhook delivery ${id}`);
		this.#enqueue(sent.hook, id, sent.event, sent.body, true);
	}
	async idle() {
		while (this.#pending.size > 0) await Promise.all(this.#pending);
	}
	#enqueue(hook, id, event, body, redelivery) {
		const next = (this.#queues.get(hook.id) ?? Promise.resolve()).then(() => new Promise((resolve) => setImmediate(resolve))).then(() => this.#deliver(hook, id, event, body, redelivery)).catch((error) => this.#logger?.error({
			err: error,
			deliveryId: id
		}, "webhook delivery broke"));
		this.#queues.set(hook.id, next);
		this.#pending.add(next);
		next.finally(() => {
			this.#pending.delete(next);
			if (this.#queues.get(hook.id) === next) this.#queues.delete(hook.id);
		});
	}
	async #deliver(hook, id, event, body, redelivery) {
		const action = JSON.parse(body).action;
		const record = {
			id,
			hookId: hook.id,
			url: hook.url,
			event,
			...typeof action === "string" ? { action } : {},
			redelivery,
			status: 0,
			deliveredAt: (/* @__PURE__ */ new Date()).toISOString()
		};
		const answer = await postWebhook(hook.url, {
			"user-agent": "GitHub-Hookshot/ironbots-emulator",
			"x-github-event": event,
			"x-github-delivery": id,
			"x-github-hook-id": String(hook.id),
			...hook.secret ? { "x-hub-signature-256": await sign(hook.secret, body) } : {}
		}, body, DELIVERY_TIMEOUT_MS);
		record.status = answer.status;
		if (answer.error) {
			record.error = answer.error;
			this.#logger?.warn({
				url: hook.url,
				event,
				deliveryId: id,
				err: record.error
			}, "webhook delivery failed");
		}
		this.records.push(record);
	}
};
function timeBasedUuids() {
	const node = randomBytes(6).toString("hex");
	const clockSequence = randomBytes(2).readUInt16BE() & 16383;
	let lastTick = 0n;
	return () => {
		const now = BigInt(Date.now()) * 10000n;
		lastTick = now > lastTick ? now : lastTick + 1n;
		return timeBasedUuid(lastTick, clockSequence, node);
	};
}
const UUID_EPOCH_OFFSET = 122192928000000000n;
function timeBasedUuid(ticks, clockSequence, node) {
	const t = ticks + UUID_EPOCH_OFFSET;
	const hex = (n, width) => n.toString(16).padStart(width, "0");
	return [
		hex(t & 4294967295n, 8),
		hex(t >> 32n & 65535n, 4),
		hex(t >> 48n & 4095n | 4096n, 4),
		hex(32768 | clockSequence & 16383, 4),
		node
	].join("-");
}
// emulators/rate-limit-fault.ts
var RateLimitFaults = class {
	#pending = [];
	#refused = 0;
	add(fault) {
		const times = fault.times ?? 1;
		if (!Number.isInteger(times) || times < 1) throw new Error(`rate limit fault: times ${times} is not \u2265 1`);
		const wait = fault.retryAfterSeconds;
		if (wait !== void 0 && !(Number.isInteger(wait) && wait >= 0)) throw new Error(`rate limit fault: retryAfterSeconds ${wait} is not a whole number \u2265 0`);
		this.#pending.push({
			status: fault.status ?? 429,
			retryAfterSeconds: wait,
			left: times
		});
	}
	get refused() {
		return this.#refused;
	}
	take() {
		const fault = this.#pending[0];
		if (!fault) return null;
		if (--fault.left === 0) this.#pending.shift();
		this.#refused++;
		return {
			status: fault.status,
			headers: fault.retryAfterSeconds === void 0 ? {} : { "retry-after": String(fault.retryAfterSeconds) }
		};
	}
};
// emulators/github/primary-rate-limit.ts
var PrimaryRateLimit = class {
	#limit;
	#windowMs;
	#clock;
	#remaining;
	#resetAt;
	constructor(settings, clock = Date.now) {
		const { limit } = settings;
		const remaining = settings.remaining ?? limit;
		const windowSeconds = settings.windowSeconds ?? 3600;
		if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit: limit ${limit} is not \u2265 1`);
		if (!Number.isInteger(remaining) || remaining < 0 || remaining > limit) throw new Error(`rate limit: remaining ${remaining} is not between 0 and ${limit}`);
		if (!(windowSeconds > 0)) throw new Error(`rate limit: windowSeconds ${windowSeconds} is not > 0`);
		this.#limit = limit;
		this.#windowMs = windowSeconds * 1e3;
		this.#clock = clock;
		this.#remaining = remaining;
		this.#resetAt = clock() + (settings.resetInSeconds ?? windowSeconds) * 1e3;
	}
	get state() {
		this.#roll();
		return {
			limit: this.#limit,
			remaining: this.#remaining,
			resetAt: this.#resetAt
		};
	}
	charge() {
		this.#roll();
		const refused = this.#remaining === 0;
		if (!refused) this.#remaining--;
		return {
			refused,
			headers: this.#headers()
		};
	}
	refund() {
		this.#remaining = Math.min(this.#limit, this.#remaining + 1);
	}
	#roll() {
		const now = this.#clock();
		if (now < this.#resetAt) return;
		this.#remaining = this.#limit;
		this.#resetAt = now + this.#windowMs;
	}
	#headers() {
		return {
			"x-ratelimit-limit": String(this.#limit),
			"x-ratelimit-remaining": String(this.#remaining),
			"x-ratelimit-used": String(this.#limit - this.#remaining),
			"x-ratelimit-reset": String(Math.ceil(this.#resetAt / 1e3)),
			"x-ratelimit-resource": "core"
		};
	}
};
// emulators/request-counts.ts
var RequestCounter = class {
	#counts = /* @__PURE__ */ new Map();
	count(method, pathname) {
		const key = `${method} ${pathname}`;
		let count = this.#counts.get(key);
		if (!count) this.#counts.set(key, count = {
			total: 0,
			notModified: 0
		});
		count.total++;
		const counted = count;
		return { notModified: () => {
			counted.notModified++;
		} };
	}
	snapshot() {
		const endpoints = {};
		let total = 0;
		let notModified = 0;
		for (const [key, count] of [...this.#counts].sort(([a], [b]) => a.localeCompare(b))) {
			endpoints[key] = { ...count };
			total += count.total;
			notModified += count.notModified;
		}
		return {
			total,
			notModified,
			endpoints
		};
	}
	reset() {
		this.#counts = /* @__PURE__ */ new Map();
	}
};
// emulators/route-table.ts
var import_find_my_way = /* @__PURE__ */ __toESM(require_find_my_way(), 1);
function routeTable(routes, toRouterPaths) {
	const router = (0, import_find_my_way.default)({
		ignoreTrailingSlash: true,
		maxParamLength: 2048
	});
	for (const route of routes) for (const path of toRouterPaths(route.path)) router.on(route.method, path, () => void 0, route);
	return (method, path) => router.find(method === "HEAD" ? "GET" : method, path)?.store ?? null;
}
// emulators/github/routes.ts
const REPO = "/repos/{owner}/{repo}";
const GITHUB_ROUTES = [
	{
		method: "POST",
		path: "/app/installations/{installation_id}/access_tokens"
	},
	{
		method: "POST",
		path: "/user/repos"
	},
	{
		method: "POST",
		path: "/orgs/{org}/repos"
	},
	{
		method: "GET",
		path: "/orgs/{org}/actions/runners"
	},
	{
		method: "POST",
		path: "/orgs/{org}/actions/runners/generate-jitconfig"
	},
	{
		method: "GET",
		path: "/orgs/{org}/actions/runners/{runner_id}"
	},
	{
		method: "DELETE",
		path: "/orgs/{org}/actions/runners/{runner_id}"
	},
	{
		method: "GET",
		path: REPO
	},
	{
		method: "GET",
		path: `${REPO}/branches`
	},
	{
		method: "GET",
		path: `${REPO}/collaborators/{username}/permission`
	},
	{
		method: "GET",
		path: `${REPO}/pulls`
	},
	{
		method: "POST",
		path: `${REPO}/pulls`
	},
	{
		method: "GET",
		path: `${REPO}/pulls/{pull_number}`
	},
	{
		method: "PATCH",
		path: `${REPO}/pulls/{pull_number}`
	},
	{
		method: "GET",
		path: `${REPO}/issues`
	},
	{
		method: "POST",
		path: `${REPO}/issues`
	},
	{
		method: "GET",
		path: `${REPO}/issues/{issue_number}`
	},
	{
		method: "PATCH",
		path: `${REPO}/issues/{issue_number}`
	},
	{
		method: "DELETE",
		path: `${REPO}/issues/{issue_number}/labels/{name}`
	},
	{
		method: "GET",
		path: `${REPO}/issues/{issue_number}/comments`
	},
	{
		method: "POST",
		path: `${REPO}/issues/{issue_number}/comments`
	},
	{
		method: "GET",
		path: `${REPO}/contents/{path}`
	},
	{
		method: "GET",
		path: `${REPO}/git/blobs/{file_sha}`
	},
	{
		method: "POST",
		path: `${REPO}/statuses/{sha}`
	},
	{
		method: "GET",
		path: `${REPO}/commits/{ref}/statuses`
	},
	{
		method: "GET",
		path: `${REPO}/commits/{ref}/status`
	},
	{
		method: "GET",
		path: `${REPO}/hooks`
	},
	{
		method: "POST",
		path: `${REPO}/hooks`
	},
	{
		method: "GET",
		path: `${REPO}/releases`
	},
	{
		method: "POST",
		path: `${REPO}/releases`
	},
	{
		method: "GET",
		path: `${REPO}/releases/latest`
	},
	{
		method: "GET",
		path: `${REPO}/releases/tags/{tag}`
	},
	{
		method: "GET",
		path: `${REPO}/releases/assets/{asset_id}`
	},
	{
		method: "DELETE",
		path: `${REPO}/releases/assets/{asset_id}`
	},
	{
		method: "GET",
		path: `${REPO}/releases/{release_id}`
	},
	{
		method: "PATCH",
		path: `${REPO}/releases/{release_id}`
	},
	{
		method: "DELETE",
		path: `${REPO}/releases/{release_id}`
	},
	{
		method: "GET",
		path: `${REPO}/releases/{release_id}/assets`
	},
	{
		method: "POST",
		path: `${REPO}/releases/{release_id}/assets`
	},
	{
		method: "GET",
		path: `${REPO}/actions/runners`
	},
	{
		method: "POST",
		path: `${REPO}/actions/runners/generate-jitconfig`
	},
	{
		method: "GET",
		path: `${REPO}/actions/runners/{runner_id}`
	},
	{
		method: "DELETE",
		path: `${REPO}/actions/runners/{runner_id}`
	},
	{
		method: "GET",
		path: `${REPO}/actions/runs`
	},
	{
		method: "GET",
		path: `${REPO}/actions/runs/{run_id}`
	},
	{
		method: "GET",
		path: `${REPO}/actions/runs/{run_id}/jobs`
	},
	{
		method: "POST",
		path: `${REPO}/actions/runs/{run_id}/cancel`
	},
	{
		method: "GET",
		path: `${REPO}/actions/jobs/{job_id}`
	}
];
function routerPaths$1(template) {
	const path = template.replace(/\{(\w+)\}/g, (_, name) => name === "path" ? "*" : /_(id|number)$/.test(name) ? `:${name}(^\\d+$)` : `:${name}`);
	return path.endsWith("/*") ? [path.slice(0, -2), path] : [path];
}
const matchGitHubRoute = routeTable(GITHUB_ROUTES, routerPaths$1);
// emulators/github/github-emulator.ts
const DOCS = "https://docs.github.com/rest";
const STATUS_STATES = /* @__PURE__ */ new Set([
	"pending",
	"success",
	"failure",
	"error"
]);
const NAME = /^[A-Za-z0-9_.-]+$/;
const INLINE_CONTENT_LIMIT = 1048576;
var GitHubEmulator = class GitHubEmulator {
	#options;
	#server;
	#repos = /* @__PURE__ */ new Map();
	#webhooks;
	#login;
	#url = "";
	#nextId = 1e3;
	#issues = new GitHubIssuesApi({
		nextId: () => this.#nextId++,
		login: () => this.#login,
		baseUrl: () => this.#url
	});
	releases;
	#background = /* @__PURE__ */ new Set();
	#rateLimits = new RateLimitFaults();
	#primaryRateLimit = null;
	#requests = new RequestCounter();
	#actions;
	#apps = new GitHubAppsApi({ nextId: () => this.#nextId++ });
	constructor(options) {
		this.#options = options;
		this.#login = options.login ?? "developer";
		this.#actions = new GitHubActionsApi({
			nextId: () => this.#nextId++,
			baseUrl: () => this.#url,
			runnerUrl: () => {
				if (!options.runnerHost) return this.#url;
				const url = new URL(this.#url);
				url.hostname = options.runnerHost;
				return url.origin;
			},
			login: () => this.#login,
			repository: (owner, name) => {
				const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
				return repo ? repositoryJson(this.#url, repo) : null;
			},
			emit: (owner, name, event, payload) => {
				const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
				if (repo) this.#emit(repo, event, payload);
			},
			runnerOfflineAfterMs: options.runnerOfflineAfterMs ?? 3e4,
			jitConfigTtlMs: options.jitConfigTtlMs ?? 36e5
		});
		this.releases = new GitHubReleasesApi({
			nextId: () => this.#nextId++,
			login: () => this.#login,
			baseUrl: () => this.#url,
			dataDir: options.dataDir
		});
		this.#webhooks = new WebhookSender(options.logger);
		this.#server = http.createServer((req, res) => {
			this.#handle(req, res).catch((error) => {
				if (res.headersSent) {
					res.destroy();
					return;
				}
				if (error instanceof GitHubApiError) {
					sendJson$1(res, error.status, {
						message: error.message,
						...error.extra,
						documentation_url: DOCS
					});
					return;
				}
				options.logger?.error({
					err: error,
					method: req.method,
					url: req.url
				}, "emulator request failed");
				sendJson$1(res, 500, { message: "Server Error" });
			});
		});
		this.#server.keepAliveTimeout = 2e3;
	}
	static async start(options) {
		const emulator = new GitHubEmulator(options);
		const host = options.host ?? "127.0.0.1";
		await new Promise((resolve, reject) => {
			emulator.#server.once("error", reject);
			emulator.#server.listen(options.port ?? 0, host, () => resolve());
		});
		const { port } = emulator.#server.address();
		const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host;
		emulator.#url = `http://${reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable}:${port}`;
		options.logger?.info({
			url: emulator.#url,
			dataDir: options.dataDir
		}, "GitHub emulator listening");
		return emulator;
	}
	get url() {
		return this.#url;
	}
	cloneUrl(owner, name) {
		return `${this.#url}/${owner}/${name}.git`;
	}
	async stop() {
		this.#actions.stop();
		await this.idle();
		await new Promise((resolve) => {
			this.#server.close(() => resolve());
			this.#server.closeAllConnections();
		});
		for (const repo of this.#repos.values()) repo.git.close();
	}
	async createRepository(owner, name, options = {}) {
		if (!NAME.test(owner) || !NAME.test(name) || owner.startsWith(".") || name.startsWith(".")) throw new Error(`invalid repository name ${owner}/${name}`);
		const key = `${owner}/${name}`.toLowerCase();
		if (this.#repos.has(key)) throw new Error(`repository ${owner}/${name} exists`);
		const defaultBranch = options.defaultBranch ?? "main";
		const git = new BareRepository(__ironbotsPath.join(this.#options.dataDir, owner, `${name}.git`));
		const repo = {
			id: this.#nextId++,
			owner,
			name,
			defaultBranch,
			createdAt: timestamp(),
			git,
			hooks: [],
			pulls: [],
			statuses: /* @__PURE__ */ new Map(),
			comments: /* @__PURE__ */ new Map(),
			collaborators: /* @__PURE__ */ new Map(),
			pushes: Promise.resolve()
		};
		this.#repos.set(key, repo);
		try {
			await git.create(defaultBranch);
		} catch (error) {
			this.#repos.delete(key);
			throw error;
		}
		return repositoryJson(this.#url, repo);
	}
	addWebhook(owner, name, hook) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		const config = {
			id: this.#nextId++,
			url: hook.url,
			secret: hook.secret,
			events: [...hook.events],
			active: true,
			createdAt: timestamp()
		};
		repo.hooks.push(config);
		return config;
	}
	setCollaborator(owner, name, login, permission) {
		this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`)).collaborators.set(login.toLowerCase(), permission);
	}
	async forkRepository(owner, name, forkOwner) {
		const parent = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		await this.createRepository(forkOwner, name, { defaultBranch: parent.defaultBranch });
		await this.#repoOrThrow(forkOwner, name, () => /* @__PURE__ */ new Error("unreachable")).git.fetchFrom(parent.git.dir, ["+refs/heads/*:refs/heads/*"]);
	}
	async deleteRepository(owner, name) {
		const key = `${owner}/${name}`.toLowerCase();
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		this.#repos.delete(key);
		for (const other of this.#repos.values()) for (const pull of other.pulls) if (pull.headRepo === key) pull.headRepo = null;
		await rm(repo.git.dir, {
			recursive: true,
			force: true
		});
	}
	async openPullRequest(owner, name, pr) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		return this.#openPull(repo, {
			...pr,
			user: pr.user ?? this.#login
		});
	}
	async commentOnPullRequest(owner, name, number, comment) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		return this.#addComment(repo, number, comment.user, comment.body);
	}
	comments(owner, name, number) {
		return (this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`)).comments.get(number) ?? []).map((c) => ({
			user: c.user,
			body: c.body
		}));
	}
	async editPullRequestBody(owner, name, number, body, user) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		const pull = this.#pullOrThrow(repo, number);
		if (pull.body === body) return;
		const changes = { body: { from: pull.body } };
		pull.body = body;
		pull.updatedAt = timestamp();
		this.#emit(repo, "pull_request", {
			action: "edited",
			number,
			changes,
			pull_request: await this.#pullJson(repo, pull)
		}, user);
	}
	async labelPullRequest(owner, name, number, label, user) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		const pull = this.#pullOrThrow(repo, number);
		if (!pull.labels.includes(label)) pull.labels.push(label);
		this.#emit(repo, "pull_request", {
			action: "labeled",
			number,
			label: labelJson(this.#url, repo, label),
			pull_request: await this.#pullJson(repo, pull)
		}, user);
	}
	pullRequestLabels(owner, name, number) {
		const repo = this.#repoOrThrow(owner, name, () => /* @__PURE__ */ new Error(`no repository ${owner}/${name}`));
		return [...this.#pullOrThrow(repo, number).labels];
	}
	deliveries() {
		return this.#webhooks.records.map((record) => ({ ...record }));
	}
	loseWebhookDeliveries(share) {
		this.#webhooks.loseDeliveries(share);
	}
	async redeliver(deliveryId) {
		this.#webhooks.redeliver(deliveryId);
	}
	rateLimit(fault = {}) {
		this.#rateLimits.add(fault);
	}
	get rateLimitedRequests() {
		return this.#rateLimits.refused;
	}
	setPrimaryRateLimit(settings) {
		this.#primaryRateLimit = settings ? new PrimaryRateLimit(settings) : null;
	}
	get primaryRateLimit() {
		return this.#primaryRateLimit?.state ?? null;
	}
	requestCounts() {
		return this.#requests.snapshot();
	}
	resetRequestCounts() {
		this.#requests.reset();
	}
	async idle() {
		while (this.#background.size > 0) await Promise.all(this.#background);
		await this.#webhooks.idle();
	}
	async queueWorkflowJob(spec) {
		const { runId, jobIds } = await this.queueWorkflowRun({
			...spec,
			jobs: [{
				labels: spec.labels,
				steps: spec.steps,
				...spec.jobName === void 0 ? {} : { name: spec.jobName },
				...spec.timeoutMinutes === void 0 ? {} : { timeoutMinutes: spec.timeoutMinutes }
			}]
		});
		return {
			runId,
			jobId: jobIds[0]
		};
	}
	async queueWorkflowRun(spec) {
		const repo = this.#repoOrThrow(spec.owner, spec.repo, () => /* @__PURE__ */ new Error(`no repository ${spec.owner}/${spec.repo}`));
		const branch = spec.branch ?? repo.defaultBranch;
		const sha = spec.sha ?? (await repo.git.branches()).get(branch);
		if (!sha) throw new Error(`${spec.owner}/${spec.repo} has no commit on ${branch}: push one, or pass sha`);
		return this.#actions.queueRun({
			owner: repo.owner,
			repo: repo.name,
			sha,
			branch,
			workflowName: spec.workflowName ?? "CI",
			headCommit: await repo.git.commit(sha),
			jobs: spec.jobs
		});
	}
	workflowJob(jobId) {
		return this.#actions.job(jobId);
	}
	runners(scope) {
		return this.#actions.runnersOf(scope);
	}
	registerApp() {
		return this.#apps.register();
	}
	get appTokensIssued() {
		return this.#apps.tokensIssued;
	}
	cancelWorkflowRun(owner, repo, runId) {
		this.#actions.cancelRun(owner, repo, runId);
	}
	loseWorkflowJobDeliveries(count = 1, action) {
		this.#actions.loseDeliveries(count, action);
	}
	async #handle(req, res) {
		const url = new URL(req.url ?? "/", this.#url);
		const gitMatch = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
		if (gitMatch) return this.#serveGit(req, res, url, gitMatch[1], gitMatch[2], gitMatch[3]);
		const htmlPull = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)$/.exec(url.pathname);
		if (htmlPull && req.method === "GET") return this.#pullPage(res, htmlPull[1], htmlPull[2], Number(htmlPull[3]));
		const raw = /^\/([^/]+)\/([^/]+)\/raw\/([^/]+)\/(.+)$/.exec(url.pathname);
		if (raw && req.method === "GET") {
			const [, owner, name, ref, filePath] = raw;
			return this.#rawFile(res, owner, name, decodeSegments(`/${ref}`)[0], decodeSegments(`/${filePath}`).join("/"));
		}
		if (url.pathname.startsWith("/_runner/")) return this.#actions.routeRunner(req, res, url);
		const counted = this.#requests.count(req.method ?? "GET", url.pathname);
		res.once("finish", () => {
			if (res.statusCode === 304) counted.notModified();
		});
		const app = this.#apps.route(req.method ?? "GET", url.pathname, req.headers.authorization);
		if (app) {
			req.resume();
			return sendJson$1(res, app.status, app.body);
		}
		this.#authenticate(req);
		const primary = this.#primaryRateLimit;
		if (primary) {
			const { refused, headers } = primary.charge();
			for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
			if (refused) {
				req.resume();
				return sendJson$1(res, 403, {
					message: "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
					documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-primary-rate-limits`
				});
			}
			res.once("finish", () => {
				if (res.statusCode === 304) primary.refund();
			});
		}
		const limited = this.#rateLimits.take();
		if (limited) {
			req.resume();
			return sendJson$1(res, limited.status, {
				message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
				documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`
			}, limited.headers);
		}
		if (!matchGitHubRoute(req.method ?? "GET", url.pathname)) {
			req.resume();
			throw notFound$1();
		}
		const releasePath = /^\/repos\/([^/]+)\/([^/]+)\/(releases(?:\/.*)?)$/.exec(url.pathname);
		if (releasePath) {
			const repo = this.#repoOrThrow(releasePath[1], releasePath[2], notFound$1);
			const rest = decodeSegments(`/${releasePath[3]}`);
			if (await this.releases.route(req, res, url, req.method ?? "GET", repo, rest)) return;
		}
		const body = req.method === "POST" || req.method === "PATCH" ? await readJson$1(req) : {};
		const segments = decodeSegments(url.pathname);
		const method = req.method ?? "GET";
		if (method === "POST" && segments.length === 2 && segments[0] === "user" && segments[1] === "repos") return this.#createRepositoryFromApi(res, this.#login, body);
		if (method === "POST" && segments.length === 3 && segments[0] === "orgs" && segments[2] === "repos") return this.#createRepositoryFromApi(res, segments[1], body);
		if (segments[0] === "orgs" && segments.length >= 3) {
			const org = segments[1];
			if (![...this.#repos.values()].some((r) => r.owner.toLowerCase() === org.toLowerCase())) throw notFound$1();
			if (this.#actions.route(res, url, method, { owner: org }, segments.slice(2), body)) return;
			throw notFound$1();
		}
		if (segments[0] !== "repos" || segments.length < 3) throw notFound$1();
		const repo = this.#repoOrThrow(segments[1], segments[2], notFound$1);
		return this.#routeRepository(res, url, method, repo, segments.slice(3), body);
	}
	async #routeRepository(res, url, method, repo, rest, body) {
		const [resource, id, sub] = rest;
		if (resource === "collaborators" && rest.length === 3 && sub === "permission" && method === "GET") return this.#permission(res, repo, id);
		if (resource === "issues" && sub === "labels" && rest.length === 4 && method === "DELETE") {
			const pull = repo.pulls.find((p) => String(p.number) === id);
			if (pull) {
				if (!pull.labels.includes(rest[3])) throw new GitHubApiError(404, "Label does not exist");
				pull.labels = pull.labels.filter((l) => l !== rest[3]);
				return sendJson$1(res, 200, pull.labels.map((l) => labelJson(this.#url, repo, l)));
			}
		}
		if (this.#issues.route(res, url, method, repo, rest, body)) return;
		if (this.#actions.route(res, url, method, {
			owner: repo.owner,
			repo: repo.name
		}, rest, body)) return;
		if (await routeBranches$1(res, url, method, repo, rest, this.#url)) return;
		if (rest.length === 0 && method === "GET") return sendJson$1(res, 200, repositoryJson(this.#url, repo));
		if (resource === "pulls" && rest.length === 1) {
			if (method === "GET") return this.#listPulls(res, url, repo);
			if (method === "POST") return this.#createPull(res, repo, body);
		}
		if (resource === "pulls" && rest.length === 2) {
			const pull = repo.pulls.find((p) => String(p.number) === id);
			if (!pull) throw notFound$1();
			if (method === "GET") return sendJson$1(res, 200, await this.#pullJson(repo, pull));
			if (method === "PATCH") return this.#updatePull(res, repo, pull, body);
		}
		if (resource === "contents" && method === "GET") return this.#contents(res, url, repo, rest.slice(1).join("/"));
		if (resource === "git" && id === "blobs" && rest.length === 3 && method === "GET") return this.#blob(res, repo, rest[2]);
		if (resource === "statuses" && rest.length === 2 && method === "POST") return this.#createStatus(res, repo, id, body);
		if (resource === "commits" && rest.length === 3 && method === "GET") {
			if (sub === "statuses") return this.#listStatuses(res, url, repo, id);
			if (sub === "status") return this.#combinedStatus(res, url, repo, id);
		}
		if (resource === "issues" && sub === "comments" && rest.length === 3) {
			if (method === "GET") return this.#listComments(res, url, repo, Number(id));
			if (method === "POST") return this.#createComment(res, repo, Number(id), body);
		}
		if (resource === "hooks" && rest.length === 1) {
			if (method === "GET") return this.#sendPage(res, url, repo.hooks.map((h) => hookJson(this.#url, repo, h, this.#lastResponse(h.id))));
			if (method === "POST") return this.#createHook(res, repo, body);
		}
		throw notFound$1();
	}
	#authenticate(req) {
		const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
		if (!match || !this.#validToken(match[1])) {
			req.resume();
			throw new GitHubApiError(401, "Bad credentials");
		}
	}
	#validToken(candidate) {
		const given = Buffer.from(candidate);
		return this.#options.tokens.some((token) => {
			const want = Buffer.from(token);
			return want.length === given.length && timingSafeEqual(want, given);
		}) || this.#apps.validToken(candidate);
	}
	#repoOrThrow(owner, name, error) {
		const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
		if (!repo) throw error();
		return repo;
	}
	async #serveGit(req, res, url, owner, name, rest) {
		const repo = this.#repoOrThrow(owner, name, notFound$1);
		const pushing = url.searchParams.get("service") === "git-receive-pack" || rest === "/git-receive-pack";
		const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
		const [user, password] = basic ? Buffer.from(basic[1], "base64").toString("utf8").split(/:(.*)/s) : [];
		const authenticated = password !== void 0 && this.#validToken(password);
		if ((pushing || basic) && !authenticated) {
			req.resume();
			res.writeHead(401, {
				"www-authenticate": "Basic realm=\"GitHub\"",
				"content-type": "text/plain"
			});
			res.end(basic ? "Invalid username or token.\n" : "Authentication required to push.\n");
			return;
		}
		const serve = () => serveGitHttp(req, res, {
			projectRoot: __ironbotsPath.join(this.#options.dataDir, repo.owner),
			pathInfo: `/${repo.name}.git${rest}`,
			query: url.search.slice(1),
			...authenticated ? { remoteUser: user || this.#login } : {},
			...this.#options.logger ? { logger: this.#options.logger } : {}
		});
		if (!(req.method === "POST" && rest === "/git-receive-pack")) {
			await serve();
			return;
		}
		const push = repo.pushes.then(async () => {
			const before = await repo.git.refs();
			const openBefore = new Set(repo.pulls.filter((p) => p.state === "open").map((p) => p.number));
			await serve();
			await this.#afterPush(repo, before, user || this.#login, openBefore);
		});
		repo.pushes = push.catch(() => void 0);
		this.#background.add(push);
		try {
			await push;
		} finally {
			this.#background.delete(push);
		}
	}
	async #afterPush(repo, before, pusher, openBefore) {
		const after = await repo.git.refs();
		const changed = [.../* @__PURE__ */ new Set([...before.keys(), ...after.keys()])].filter((ref) => before.get(ref) !== after.get(ref));
		for (const ref of changed.sort()) {
			const previous = before.get(ref) ?? null;
			const next = after.get(ref) ?? null;
			const forced = previous !== null && next !== null && !await repo.git.isAncestor(previous, next);
			const commits = next === null || !ref.startsWith("refs/heads/") || !this.#subscribed(repo, "push") ? [] : await repo.git.commitsBetween(next, previous ? [previous] : [...before.values()]);
			this.#emit(repo, "push", pushEventJson(this.#url, repo, {
				ref,
				before: previous,
				after: next,
				forced,
				commits,
				pusher
			}));
			if (!ref.startsWith("refs/heads/")) continue;
			const branch = ref.slice(11);
			for (const pull of repo.pulls.filter((p) => p.state === "open" && p.head === branch && openBefore.has(p.number))) {
				if (next === null) {
					pull.state = "closed";
					pull.closedAt = pull.updatedAt = timestamp();
					this.#emit(repo, "pull_request", {
						action: "closed",
						number: pull.number,
						pull_request: await this.#pullJson(repo, pull)
					});
					continue;
				}
				pull.headSha = next;
				pull.updatedAt = timestamp();
				await repo.git.updateRef(`refs/pull/${pull.number}/head`, next);
				this.#emit(repo, "pull_request", {
					action: "synchronize",
					number: pull.number,
					before: previous,
					after: next,
					pull_request: await this.#pullJson(repo, pull)
				});
			}
			if (next === null) continue;
			const key = `${repo.owner}/${repo.name}`.toLowerCase();
			for (const parent of this.#repos.values()) for (const pull of parent.pulls.filter((p) => p.state === "open" && p.headRepo === key && p.head === branch)) {
				await parent.git.fetchFrom(repo.git.dir, [`+${next}:refs/pull/${pull.number}/head`]);
				pull.headSha = next;
				pull.updatedAt = timestamp();
				this.#emit(parent, "pull_request", {
					action: "synchronize",
					number: pull.number,
					before: previous,
					after: next,
					pull_request: await this.#pullJson(parent, pull)
				}, pusher);
			}
		}
	}
	async #createRepositoryFromApi(res, owner, body) {
		const name = body.name;
		if (typeof name !== "string" || !name) throw validation("Repository", "name", "missing_field");
		if (!NAME.test(owner) || !NAME.test(name) || name.startsWith(".")) throw validation("Repository", "name", "invalid");
		if (this.#repos.has(`${owner}/${name}`.toLowerCase())) throw new GitHubApiError(422, "Repository creation failed.", { errors: [{
			resource: "Repository",
			code: "custom",
			field: "name",
			message: "name already exists on this account"
		}] });
		sendJson$1(res, 201, await this.createRepository(owner, name));
	}
	async #pullJson(repo, pull, known) {
		const baseSha = known ? known.baseSha : (await repo.git.branches()).get(pull.base) ?? null;
		const [commits, diff] = baseSha ? await Promise.all([known?.commits ?? repo.git.countCommitsBetween(baseSha, pull.headSha), repo.git.diffStat(baseSha, pull.headSha)]) : [0, {
			additions: 0,
			deletions: 0,
			files: 0
		}];
		return pullRequestJson(this.#url, repo, pull, baseSha, this.#headRepository(repo, pull), {
			commits,
			additions: diff.additions,
			deletions: diff.deletions,
			changedFiles: diff.files
		});
	}
	#headRepository(repo, pull) {
		if (pull.headRepo === void 0) return repo;
		if (pull.headRepo === null) return null;
		return this.#repos.get(pull.headRepo) ?? null;
	}
	#permission(res, repo, login) {
		const lower = login.toLowerCase();
		const role = lower === this.#login.toLowerCase() || lower === repo.owner.toLowerCase() ? "admin" : repo.collaborators.get(lower) ?? "read";
		sendJson$1(res, 200, {
			permission: role === "maintain" ? "write" : role === "triage" ? "read" : role,
			role_name: role,
			user: {
				...userJson(this.#url, login),
				permissions: {
					admin: role === "admin",
					maintain: role === "admin" || role === "maintain",
					push: role === "admin" || role === "maintain" || role === "write",
					triage: role !== "read",
					pull: true
				},
				role_name: role
			}
		});
	}
	async #listPulls(res, url, repo) {
		const state = url.searchParams.get("state") ?? "open";
		if (![
			"open",
			"closed",
			"all"
		].includes(state)) throw validation("PullRequest", "state", "invalid");
		const head = url.searchParams.get("head");
		const base = url.searchParams.get("base");
		const pulls = repo.pulls.filter((p) => (state === "all" || p.state === state) && (!head || head === `${p.headRepo ? p.headRepo.split("/")[0] : repo.owner}:${p.head}`) && (!base || base === p.base));
		if (url.searchParams.get("direction") !== "asc") pulls.reverse();
		const branches = await repo.git.branches();
		this.#sendPage(res, url, pulls.map((p) => pullRequestJson(this.#url, repo, p, branches.get(p.base) ?? null, this.#headRepository(repo, p))));
	}
	async #createPull(res, repo, body) {
		const { title, head, base } = body;
		if (typeof title !== "string" || !title) throw validation("PullRequest", "title", "missing_field");
		if (typeof head !== "string" || !head) throw validation("PullRequest", "head", "missing_field");
		if (typeof base !== "string" || !base) throw validation("PullRequest", "base", "missing_field");
		sendJson$1(res, 201, await this.#openPull(repo, {
			title,
			head,
			base,
			...typeof body.body === "string" ? { body: body.body } : {},
			user: this.#login
		}));
	}
	async #openPull(repo, pr) {
		const [headOwner, head] = pr.head.includes(":") ? pr.head.split(/:(.*)/s) : [repo.owner, pr.head];
		const fromFork = headOwner.toLowerCase() !== repo.owner.toLowerCase();
		const headRepo = fromFork ? this.#repos.get(`${headOwner}/${repo.name}`.toLowerCase()) : repo;
		if (!headRepo) throw validation("PullRequest", "head", "invalid");
		const branches = await repo.git.branches();
		const headSha = (fromFork ? await headRepo.git.branches() : branches).get(head);
		const baseSha = branches.get(pr.base);
		if (!headSha) throw validation("PullRequest", "head", "invalid");
		if (!baseSha) throw validation("PullRequest", "base", "invalid");
		if (fromFork) await repo.git.fetchFrom(headRepo.git.dir, ["--no-write-fetch-head", headSha]);
		const commits = await repo.git.countCommitsBetween(baseSha, headSha);
		if (commits === 0) throw custom("PullRequest", `No commits between ${pr.base} and ${pr.head}`);
		const headKey = fromFork ? `${headRepo.owner}/${headRepo.name}`.toLowerCase() : void 0;
		if (repo.pulls.some((p) => p.state === "open" && p.head === head && p.base === pr.base && p.headRepo === headKey)) throw custom("PullRequest", `A pull request already exists for ${headOwner}:${head}.`);
		const now = timestamp();
		const pull = {
			id: this.#nextId++,
			number: Math.max(0, ...repo.pulls.map((p) => p.number), this.#issues.highestNumber(repo)) + 1,
			state: "open",
			title: pr.title,
			body: pr.body ?? null,
			user: pr.user,
			head,
			headSha,
			...headKey ? { headRepo: headKey } : {},
			labels: [],
			base: pr.base,
			createdAt: now,
			updatedAt: now,
			closedAt: null
		};
		repo.pulls.push(pull);
		await repo.git.updateRef(`refs/pull/${pull.number}/head`, headSha);
		const json = await this.#pullJson(repo, pull, {
			baseSha,
			commits
		});
		this.#emit(repo, "pull_request", {
			action: "opened",
			number: pull.number,
			pull_request: json
		}, pr.user);
		return json;
	}
	async #updatePull(res, repo, pull, body) {
		const { state, title, body: text } = body;
		if (state !== void 0 && state !== "open" && state !== "closed") throw validation("PullRequest", "state", "invalid");
		if (title !== void 0 && (typeof title !== "string" || !title)) throw validation("PullRequest", "title", "invalid");
		const changes = {};
		if (typeof title === "string" && title !== pull.title) {
			changes.title = { from: pull.title };
			pull.title = title;
		}
		if (typeof text === "string" && text !== pull.body) {
			changes.body = { from: pull.body };
			pull.body = text;
		}
		let action = null;
		if (state === "closed" && pull.state === "open") {
			action = "closed";
			pull.state = "closed";
			pull.closedAt = timestamp();
		} else if (state === "open" && pull.state === "closed") {
			const headSha = (await repo.git.branches()).get(pull.head);
			if (!headSha) throw custom("PullRequest", `state cannot be changed. The ${pull.head} branch has been deleted.`);
			if (repo.pulls.some((p) => p.state === "open" && p.head === pull.head && p.base === pull.base)) throw custom("PullRequest", `A pull request already exists for ${repo.owner}:${pull.head}.`);
			action = "reopened";
			pull.state = "open";
			pull.closedAt = null;
			pull.headSha = headSha;
			await repo.git.updateRef(`refs/pull/${pull.number}/head`, headSha);
		}
		const edited = Object.keys(changes).length > 0;
		if (edited || action) pull.updatedAt = timestamp();
		const json = await this.#pullJson(repo, pull);
		sendJson$1(res, 200, json);
		if (edited) this.#emit(repo, "pull_request", {
			action: "edited",
			number: pull.number,
			changes,
			pull_request: json
		});
		if (action) this.#emit(repo, "pull_request", {
			action,
			number: pull.number,
			pull_request: json
		});
	}
	async #contents(res, url, repo, filePath) {
		const ref = url.searchParams.get("ref") || repo.defaultBranch;
		const commit = await repo.git.resolveCommit(ref);
		if (!commit) throw new GitHubApiError(404, `No commit found for the ref ${ref}`);
		const found = await repo.git.readPath(commit, filePath);
		if (!found) throw notFound$1();
		const apiBase = `${this.#url}/repos/${repo.owner}/${repo.name}`;
		const entryJson = (type, entryPath, sha, size) => {
			const self = `${apiBase}/contents/${encodePath(entryPath)}?ref=${encodeURIComponent(ref)}`;
			const html = `${this.#url}/${repo.owner}/${repo.name}/${type === "dir" ? "tree" : "blob"}/${ref}/${encodePath(entryPath)}`;
			const git = `${apiBase}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`;
			return {
				type,
				name: __ironbotsPath.posix.basename(entryPath),
				path: entryPath,
				sha,
				size,
				url: self,
				html_url: html,
				git_url: git,
				download_url: type === "file" ? `${this.#url}/${repo.owner}/${repo.name}/raw/${encodeURIComponent(ref)}/${encodePath(entryPath)}` : null,
				_links: {
					self,
					git,
					html
				}
			};
		};
		if (found.kind === "dir") {
			const kinds = {
				tree: "dir",
				commit: "submodule",
				blob: "file"
			};
			return sendJson$1(res, 200, found.entries.map((e) => entryJson(kinds[e.type], e.path, e.sha, e.size ?? 0)));
		}
		const clean = filePath.replace(/^\/+|\/+$/g, "");
		const inline = found.content.length <= INLINE_CONTENT_LIMIT;
		sendJson$1(res, 200, {
			...entryJson("file", clean, found.sha, found.content.length),
			encoding: inline ? "base64" : "none",
			content: inline ? found.content.toString("base64").replace(/.{60}/g, "$&\n") : ""
		});
	}
	async #rawFile(res, owner, name, ref, filePath) {
		const repo = this.#repoOrThrow(owner, name, notFound$1);
		const commit = await repo.git.resolveCommit(ref);
		const found = commit ? await repo.git.readPath(commit, filePath) : null;
		if (!found || found.kind !== "file") {
			res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
			res.end("404: Not Found");
			return;
		}
		res.writeHead(200, {
			"content-type": "text/plain; charset=utf-8",
			"content-length": found.content.length
		});
		res.end(found.content);
	}
	async #blob(res, repo, sha) {
		const content = await repo.git.readBlob(sha);
		if (!content) throw notFound$1();
		sendJson$1(res, 200, {
			sha,
			node_id: nodeId("Blob", sha),
			size: content.length,
			url: `${this.#url}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
			encoding: "base64",
			content: content.toString("base64")
		});
	}
	async #createStatus(res, repo, sha, body) {
		const { state, context, description, target_url: targetUrl } = body;
		if (typeof state !== "string" || !STATUS_STATES.has(state)) throw validation("Status", "state", "invalid");
		const commit = /^[0-9a-f]{40}$/.test(sha) ? await repo.git.resolveCommit(sha) : null;
		if (!commit) throw new GitHubApiError(422, `No commit found for SHA: ${sha}`);
		if (typeof description === "string" && description.length > 140) throw custom("Status", "description is too long (maximum is 140 characters)");
		const status = {
			id: this.#nextId++,
			state,
			context: typeof context === "string" && context ? context : "default",
			description: typeof description === "string" ? description : null,
			targetUrl: typeof targetUrl === "string" && targetUrl ? targetUrl : null,
			createdAt: timestamp(),
			creator: this.#login
		};
		repo.statuses.set(commit, [...repo.statuses.get(commit) ?? [], status]);
		sendJson$1(res, 201, statusJson(this.#url, repo, commit, status));
		if (!this.#subscribed(repo, "status")) return;
		const [info, branches] = await Promise.all([repo.git.commit(commit), repo.git.branches()]);
		const tips = [...branches].filter(([, sha]) => sha === commit).map(([name]) => name);
		if (info) this.#emit(repo, "status", statusEventJson(this.#url, repo, info, tips, status));
	}
	async #commitOrThrow(repo, ref) {
		const sha = await repo.git.resolveCommit(ref);
		if (!sha) throw new GitHubApiError(404, `No commit found for SHA: ${ref}`);
		return sha;
	}
	async #listStatuses(res, url, repo, ref) {
		const sha = await this.#commitOrThrow(repo, ref);
		const newestFirst = [...repo.statuses.get(sha) ?? []].reverse();
		this.#sendPage(res, url, newestFirst.map((s) => statusJson(this.#url, repo, sha, s)));
	}
	async #combinedStatus(res, url, repo, ref) {
		const sha = await this.#commitOrThrow(repo, ref);
		const latest = /* @__PURE__ */ new Map();
		for (const s of [...repo.statuses.get(sha) ?? []].reverse()) if (!latest.has(s.context)) latest.set(s.context, s);
		const newest = [...latest.values()];
		const { items, link } = paginate(url, newest.map((s) => statusJson(this.#url, repo, sha, s)));
		sendJson$1(res, 200, {
			state: combinedState(newest),
			sha,
			total_count: newest.length,
			statuses: items,
			repository: repositoryJson(this.#url, repo),
			commit_url: `${this.#url}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
			url: `${this.#url}/repos/${repo.owner}/${repo.name}/commits/${sha}/status`
		}, link ? { link } : {});
	}
	#pullOrThrow(repo, number) {
		const pull = repo.pulls.find((p) => p.number === number);
		if (!pull) throw notFound$1();
		return pull;
	}
	#listComments(res, url, repo, number) {
		this.#pullOrThrow(repo, number);
		this.#sendPage(res, url, (repo.comments.get(number) ?? []).map((c) => commentJson(this.#url, repo, number, c)));
	}
	async #createComment(res, repo, number, body) {
		this.#pullOrThrow(repo, number);
		if (typeof body.body !== "string" || !body.body) throw validation("IssueComment", "body", "missing_field");
		sendJson$1(res, 201, await this.#addComment(repo, number, this.#login, body.body));
	}
	async #addComment(repo, number, user, text) {
		const pull = this.#pullOrThrow(repo, number);
		const comment = {
			id: this.#nextId++,
			body: text,
			user,
			createdAt: timestamp()
		};
		repo.comments.set(number, [...repo.comments.get(number) ?? [], comment]);
		const json = commentJson(this.#url, repo, number, comment);
		this.#emit(repo, "issue_comment", {
			action: "created",
			issue: issueJson(this.#url, repo, pullAsIssue(pull, repo.comments.get(number).length)),
			comment: json
		}, user);
		return json;
	}
	#createHook(res, repo, body) {
		const config = body.config ?? {};
		if (typeof config.url !== "string" || !/^https?:\/\//.test(config.url)) throw validation("Hook", "config.url", config.url === void 0 ? "missing_field" : "invalid");
		if (config.content_type !== void 0 && config.content_type !== "json") throw custom("Hook", "the emulator only delivers content_type json");
		const events = Array.isArray(body.events) ? body.events.filter((e) => typeof e === "string") : ["push"];
		const hook = this.addWebhook(repo.owner, repo.name, {
			url: config.url,
			secret: typeof config.secret === "string" ? config.secret : "",
			events
		});
		if (body.active === false) hook.active = false;
		sendJson$1(res, 201, hookJson(this.#url, repo, hook));
	}
	#lastResponse(hookId) {
		const last = this.#webhooks.records.findLast((r) => r.hookId === hookId);
		if (!last) return void 0;
		if (last.status >= 200 && last.status < 300) return {
			code: last.status,
			status: "active",
			message: "OK"
		};
		return {
			code: last.status || null,
			status: "failed",
			message: last.error ?? `Invalid HTTP Response: ${last.status}`
		};
	}
	#sendPage(res, url, all) {
		const { items, link } = paginate(url, all);
		sendJson$1(res, 200, items, link ? { link } : {});
	}
	#subscribed(repo, event) {
		return repo.hooks.some((hook) => hookTakes(hook, event));
	}
	#emit(repo, event, payload, sender = this.#login) {
		const full = {
			...payload,
			repository: repositoryJson(this.#url, repo),
			sender: userJson(this.#url, sender)
		};
		for (const hook of repo.hooks) if (hookTakes(hook, event)) this.#webhooks.send(hook, event, full);
	}
	#pullPage(res, owner, name, number) {
		const repo = this.#repoOrThrow(owner, name, notFound$1);
		const pull = this.#pullOrThrow(repo, number);
		const latest = /* @__PURE__ */ new Map();
		for (const s of repo.statuses.get(pull.headSha) ?? []) latest.set(s.context, s);
		const rows = [...latest.values()].map((s) => {
			const description = esc(s.description ?? "");
			const linked = s.targetUrl ? `<a href="${esc(s.targetUrl)}">${description}</a>` : description;
			return `<tr><td>${esc(s.context)}</td><td>${esc(s.state)}</td><td>${linked}</td></tr>`;
		}).join("");
		res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
		res.end(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>#${number} ${esc(pull.title)}</title><h1>${esc(pull.title)} <small>#${number} ${pull.state}</small></h1><p>${esc(pull.head)} \u2192 ${esc(pull.base)} at <code>${pull.headSha}</code></p><table border="1" cellpadding="4"><tr><th>context</th><th>state</th><th>description</th></tr>${rows}</table>`);
	}
};
function decodeSegments(pathname) {
	try {
		return pathname.split("/").filter(Boolean).map(decodeURIComponent);
	} catch {
		throw notFound$1();
	}
}
function encodePath(p) {
	return p.split("/").map(encodeURIComponent).join("/");
}
function notFound$1() {
	return new GitHubApiError(404, "Not Found");
}
function validation(resource, field, code) {
	return new GitHubApiError(422, "Validation Failed", { errors: [{
		resource,
		field,
		code
	}] });
}
function custom(resource, message) {
	return new GitHubApiError(422, "Validation Failed", { errors: [{
		resource,
		code: "custom",
		message
	}] });
}
function esc(text) {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
function hookTakes(hook, event) {
	return hook.active && (hook.events.includes("*") || hook.events.includes(event));
}
// emulators/gitlab/git-commits.ts
const run$1 = promisify(execFile);
const GIT_ENV = {
	PATH: process.env.PATH ?? "/usr/bin:/bin",
	HOME: "/nonexistent",
	GIT_CONFIG_NOSYSTEM: "1",
	GIT_CONFIG_GLOBAL: "/dev/null",
	LANG: "C.UTF-8"
};
const OBJECT_ID = /^[0-9a-f]{40}$/;
var GitCommits = class {
	#dir;
	constructor(dir) {
		this.#dir = dir;
	}
	async #git(...args) {
		const { stdout } = await run$1("git", args, {
			cwd: this.#dir,
			env: GIT_ENV,
			maxBuffer: 67108864
		});
		return stdout;
	}
	async branchesContaining(sha) {
		if (!OBJECT_ID.test(sha)) return [];
		return (await this.#git("for-each-ref", "--format=%(refname:short)", `--contains=${sha}`, "refs/heads")).split("\n").filter(Boolean);
	}
	async newCommits(head, exclude) {
		if (![head, ...exclude].every((id) => OBJECT_ID.test(id))) throw new Error("not a commit id");
		return (await this.#git("rev-list", "--reverse", head, ...exclude.map((id) => `^${id}`))).split("\n").filter(Boolean);
	}
	async describe(shas) {
		if (shas.length === 0) return [];
		if (!shas.every((id) => OBJECT_ID.test(id))) throw new Error("not a commit id");
		return (await this.#git("log", "--no-walk=unsorted", "--no-renames", "--name-status", "--format=%x1e%H%x00%an%x00%ae%x00%aI%x00%B%x00", ...shas)).split("").slice(1).map((record) => {
			const [id, authorName, authorEmail, timestamp, message, changes] = record.split("\0");
			const info = {
				id,
				message,
				title: message.split("\n")[0] ?? "",
				timestamp,
				authorName,
				authorEmail,
				added: [],
				modified: [],
				removed: []
			};
			for (const line of changes.split("\n").filter(Boolean)) {
				const [kind, file] = line.split("	");
				if (kind === "A") info.added.push(file);
				else if (kind === "D") info.removed.push(file);
				else info.modified.push(file);
			}
			return info;
		});
	}
};
// emulators/gitlab/gitlab-http.ts
var GitLabApiError = class extends Error {
	status;
	body;
	constructor(status, body) {
		super(JSON.stringify(body));
		this.status = status;
		this.body = body;
	}
};
const JSON_BODY_LIMIT = 10485760;
function sendJson(res, status, body, headers = {}) {
	sendJson$2(res, status, body, {
		"content-type": "application/json",
		...headers
	});
}
function sendPage(res, url, all) {
	const { items, page, perPage, pages: totalPages, at } = pageOf(url, all, 20);
	const links = [];
	if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
	if (page < totalPages) links.push(`<${at(page + 1)}>; rel="next"`);
	links.push(`<${at(1)}>; rel="first"`, `<${at(totalPages)}>; rel="last"`);
	sendJson(res, 200, items, {
		"x-page": String(page),
		"x-per-page": String(perPage),
		"x-next-page": page < totalPages ? String(page + 1) : "",
		"x-prev-page": page > 1 ? String(page - 1) : "",
		"x-total": String(all.length),
		"x-total-pages": String(totalPages),
		link: links.join(", ")
	});
}
function readBody(req, limit) {
	return readBody$1(req, limit, () => new GitLabApiError(413, { message: "413 Request Entity Too Large" }));
}
async function readJson(req) {
	const text = (await readBody(req, JSON_BODY_LIMIT)).toString("utf8");
	if (!text) return {};
	if ((req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
	return parseJsonObject(text, () => new GitLabApiError(400, { error: "The provided content-type is not supported." }));
}
async function readParams(req) {
	return Object.fromEntries(Object.entries(await readJson(req)).flatMap(([k, v]) => v === null || v === void 0 ? [] : [[k, Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v)]]));
}
// emulators/gitlab/issues-api.ts
var GitLabIssuesApi = class {
	#issues = /* @__PURE__ */ new Map();
	#nextId;
	#author;
	constructor(options) {
		this.#nextId = options.nextId;
		this.#author = options.author;
	}
	openCount(projectId) {
		return (this.#issues.get(projectId) ?? []).filter((i) => i.state === "opened").length;
	}
	handles(rest) {
		return rest[0] === "issues" && rest.length <= 2;
	}
	async handle(req, res, url, project, rest, access) {
		try {
			const method = req.method ?? "GET";
			if (method !== "GET" && !access.canWrite) throw new GitLabApiError(403, { message: "403 Forbidden" });
			const params = {
				...Object.fromEntries(url.searchParams),
				...await readParams(req)
			};
			let issues = this.#issues.get(project.id);
			if (!issues) this.#issues.set(project.id, issues = []);
			if (rest.length === 1 && method === "GET") return this.#list(res, url, project, issues, params);
			if (rest.length === 1 && method === "POST") return this.#create(res, project, issues, params);
			const issue = issues.find((i) => String(i.iid) === rest[1]);
			if (!issue) throw new GitLabApiError(404, { message: "404 Not found" });
			if (method === "GET") return sendJson(res, 200, this.#json(project, issue));
			if (method === "PUT") return this.#edit(res, project, issue, params);
			throw new GitLabApiError(405, { message: "405 Method Not Allowed" });
		} catch (error) {
			req.resume();
			if (!(error instanceof GitLabApiError)) throw error;
			sendJson(res, error.status, error.body);
		}
	}
	#list(res, url, project, issues, params) {
		const state = params.state ?? "all";
		if (![
			"opened",
			"closed",
			"all"
		].includes(state)) throw new GitLabApiError(400, { error: "state does not have a valid value" });
		const labels = (params.labels ?? "").split(",").filter(Boolean);
		const search = (params.search ?? "").toLowerCase();
		const inFields = (params.in ?? "title,description").split(",");
		sendPage(res, url, issues.filter((i) => state === "all" || i.state === state).filter((i) => labels.every((l) => i.labels.includes(l))).filter((i) => !search || inFields.includes("title") && i.title.toLowerCase().includes(search) || inFields.includes("description") && (i.description ?? "").toLowerCase().includes(search)).sort((a, b) => b.iid - a.iid).map((i) => this.#json(project, i)));
	}
	#create(res, project, issues, params) {
		if (!params.title?.trim()) throw new GitLabApiError(400, { error: "title is missing" });
		const now = (/* @__PURE__ */ new Date()).toISOString();
		const issue = {
			id: this.#nextId(),
			iid: Math.max(0, ...issues.map((i) => i.iid)) + 1,
			state: "opened",
			title: params.title,
			description: params.description ?? null,
			labels: [...new Set(splitLabels(params.labels))],
			createdAt: now,
			updatedAt: now,
			closedAt: null
		};
		issues.push(issue);
		sendJson(res, 201, this.#json(project, issue));
	}
	#edit(res, project, issue, params) {
		if (params.title !== void 0 && !params.title.trim()) throw new GitLabApiError(400, { message: { title: ["can't be blank"] } });
		if (params.state_event !== void 0 && !["close", "reopen"].includes(params.state_event)) throw new GitLabApiError(400, { error: "state_event does not have a valid value" });
		if (params.title !== void 0) issue.title = params.title;
		if (params.description !== void 0) issue.description = params.description;
		if (params.labels !== void 0) issue.labels = [...new Set(splitLabels(params.labels))];
		if (params.state_event === "close" && issue.state === "opened") {
			issue.state = "closed";
			issue.closedAt = (/* @__PURE__ */ new Date()).toISOString();
		} else if (params.state_event === "reopen" && issue.state === "closed") {
			issue.state = "opened";
			issue.closedAt = null;
		}
		issue.updatedAt = (/* @__PURE__ */ new Date()).toISOString();
		sendJson(res, 200, this.#json(project, issue));
	}
	#json(project, issue) {
		const api = `${new URL(project.webUrl).origin}/api/v4/projects/${project.id}`;
		const reference = `#${issue.iid}`;
		return {
			id: issue.id,
			iid: issue.iid,
			project_id: project.id,
			title: issue.title,
			description: issue.description,
			state: issue.state,
			created_at: issue.createdAt,
			updated_at: issue.updatedAt,
			closed_at: issue.closedAt,
			closed_by: issue.state === "closed" ? this.#author() : null,
			labels: issue.labels,
			milestone: null,
			assignees: [],
			author: this.#author(),
			type: "ISSUE",
			assignee: null,
			user_notes_count: 0,
			merge_requests_count: 0,
			upvotes: 0,
			downvotes: 0,
			due_date: null,
			confidential: false,
			discussion_locked: null,
			issue_type: "issue",
			web_url: `${project.webUrl}/-/issues/${issue.iid}`,
			time_stats: {
				time_estimate: 0,
				total_time_spent: 0,
				human_time_estimate: null,
				human_total_time_spent: null
			},
			task_completion_status: {
				count: 0,
				completed_count: 0
			},
			has_tasks: false,
			task_status: "0 of 0 checklist items completed",
			_links: {
				self: `${api}/issues/${issue.iid}`,
				notes: `${api}/issues/${issue.iid}/notes`,
				award_emoji: `${api}/issues/${issue.iid}/award_emoji`,
				project: api,
				closed_as_duplicate_of: null
			},
			references: {
				short: reference,
				relative: reference,
				full: `${new URL(project.webUrl).pathname.slice(1)}${reference}`
			},
			severity: "UNKNOWN",
			subscribed: true,
			moved_to_id: null,
			service_desk_reply_to: null
		};
	}
};
function splitLabels(labels) {
	if (!labels) return [];
	if (labels.startsWith("[")) try {
		const parsed = JSON.parse(labels);
		if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
	} catch {}
	return labels.split(",").map((l) => l.trim()).filter(Boolean);
}
// emulators/gitlab/branches-api.ts
async function routeBranches(res, url, method, project, rest) {
	if (rest.length !== 2 || rest[0] !== "repository" || rest[1] !== "branches" || method !== "GET") return false;
	const branches = [...await project.git.branches()].sort(([a], [b]) => a.localeCompare(b));
	const commits = new Map(await Promise.all([...new Set(branches.map(([, sha]) => sha))].map(async (sha) => [sha, await project.git.commit(sha)])));
	const all = branches.map(([name, sha]) => {
		const c = commits.get(sha);
		return {
			name,
			commit: {
				id: sha,
				short_id: sha.slice(0, 8),
				created_at: c?.timestamp ?? null,
				parent_ids: c?.parents ?? [],
				title: c?.message.split("\n")[0] ?? "",
				message: c?.message ?? "",
				author_name: c?.author.name ?? "",
				author_email: c?.author.email ?? "",
				authored_date: c?.timestamp ?? null,
				committer_name: c?.committer.name ?? "",
				committer_email: c?.committer.email ?? "",
				committed_date: c?.timestamp ?? null,
				trailers: {},
				extended_trailers: {},
				web_url: `${project.webUrl}/-/commit/${sha}`
			},
			merged: false,
			protected: false,
			developers_can_push: false,
			developers_can_merge: false,
			can_push: true,
			default: name === project.defaultBranch,
			web_url: `${project.webUrl}/-/tree/${encodeURIComponent(name)}`
		};
	});
	const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 20) || 20));
	const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
	const totalPages = Math.max(1, Math.ceil(all.length / perPage));
	const at = (n) => {
		const u = new URL(url);
		u.searchParams.set("page", String(n));
		u.searchParams.set("per_page", String(perPage));
		return u.toString();
	};
	const links = [`<${at(1)}>; rel="first"`, `<${at(totalPages)}>; rel="last"`];
	if (page < totalPages) links.unshift(`<${at(page + 1)}>; rel="next"`);
	res.writeHead(200, {
		"content-type": "application/json",
		"x-page": String(page),
		"x-per-page": String(perPage),
		"x-next-page": page < totalPages ? String(page + 1) : "",
		"x-prev-page": page > 1 ? String(page - 1) : "",
		"x-total": String(all.length),
		"x-total-pages": String(totalPages),
		link: links.join(", ")
	});
	res.end(JSON.stringify(all.slice((page - 1) * perPage, page * perPage)));
	return true;
}
// emulators/gitlab/releases-api.ts
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE_VERSION = /^(\.?[\w+-]+\.?)+$/;
const PACKAGE_FILE_NAME = /^[A-Za-z0-9._+~-]+$/;
const MAX_PACKAGE_FILE = 268435456;
var GitLabReleasesApi = class {
	#state = /* @__PURE__ */ new Map();
	#nextId;
	#author;
	constructor(options) {
		this.#nextId = options.nextId;
		this.#author = options.author;
	}
	handles(rest) {
		return rest[0] === "releases" || rest[0] === "packages";
	}
	async handle(req, res, url, project, rest, access) {
		try {
			const method = req.method ?? "GET";
			if (method !== "GET" && method !== "HEAD" && !access.canWrite) throw new GitLabApiError(403, { message: "403 Forbidden" });
			if (rest[0] === "releases") await this.#releases(req, res, url, project, rest.slice(1), method);
			else await this.#packages(req, res, url, project, rest.slice(1), method);
		} catch (error) {
			req.resume();
			if (!(error instanceof GitLabApiError)) throw error;
			sendJson(res, error.status, error.body);
		}
	}
	#project(id) {
		let state = this.#state.get(id);
		if (!state) this.#state.set(id, state = {
			releases: /* @__PURE__ */ new Map(),
			packages: []
		});
		return state;
	}
	async #releases(req, res, url, project, rest, method) {
		const state = this.#project(project.id);
		if (rest.length === 0 && method === "GET") return sendPage(res, url, await Promise.all([...state.releases.values()].sort((a, b) => b.releasedAt.localeCompare(a.releasedAt)).map((r) => this.#releaseJson(project, r))));
		if (rest.length === 0 && method === "POST") return this.#createRelease(req, res, project, state);
		const tag = rest[0];
		const release = state.releases.get(tag);
		if (!release) throw new GitLabApiError(404, { message: "404 Not Found" });
		if (rest.length === 1) {
			if (method === "GET") return sendJson(res, 200, await this.#releaseJson(project, release));
			if (method === "PUT") {
				const body = await readJson(req);
				if (typeof body.name === "string") release.name = body.name;
				if (typeof body.description === "string") release.description = body.description;
				return sendJson(res, 200, await this.#releaseJson(project, release));
			}
			if (method === "DELETE") {
				state.releases.delete(tag);
				return sendJson(res, 200, await this.#releaseJson(project, release));
			}
		}
		if (rest[1] === "assets" && rest[2] === "links") {
			if (rest.length === 3 && method === "GET") return sendPage(res, url, release.links.map((l) => this.#linkJson(project, release, l)));
			if (rest.length === 3 && method === "POST") {
				const link = this.#validLink(release, await readJson(req));
				release.links.push(link);
				return sendJson(res, 201, this.#linkJson(project, release, link));
			}
			const link = release.links.find((l) => String(l.id) === rest[3]);
			if (rest.length !== 4 || !link) throw new GitLabApiError(404, { message: "404 Not found" });
			if (method === "GET") return sendJson(res, 200, this.#linkJson(project, release, link));
			if (method === "PUT") {
				const body = await readJson(req);
				const changed = this.#validLink(release, {
					...this.#linkBody(link),
					...body
				}, link);
				Object.assign(link, changed, { id: link.id });
				return sendJson(res, 200, this.#linkJson(project, release, link));
			}
			if (method === "DELETE") {
				release.links = release.links.filter((l) => l !== link);
				return sendJson(res, 200, this.#linkJson(project, release, link));
			}
		}
		throw new GitLabApiError(404, { error: "404 Not Found" });
	}
	async #createRelease(req, res, project, state) {
		const body = await readJson(req);
		const tag = typeof body.tag_name === "string" ? body.tag_name : "";
		if (!tag) throw new GitLabApiError(400, { error: "tag_name is missing" });
		if (state.releases.has(tag)) throw new GitLabApiError(409, { message: "Release already exists" });
		let commit = await project.git.resolveCommit(`refs/tags/${tag}`);
		if (!commit) {
			if (typeof body.ref !== "string" || !body.ref) throw new GitLabApiError(422, { message: "Ref is not specified" });
			commit = await project.git.resolveCommit(body.ref);
			if (!commit) throw new GitLabApiError(422, { message: "Ref is not valid" });
			await project.git.updateRef(`refs/tags/${tag}`, commit);
		}
		const at = (/* @__PURE__ */ new Date()).toISOString();
		const release = {
			tagName: tag,
			name: typeof body.name === "string" && body.name ? body.name : tag,
			description: typeof body.description === "string" ? body.description : "",
			commit,
			createdAt: at,
			releasedAt: typeof body.released_at === "string" ? body.released_at : at,
			links: []
		};
		const assets = body.assets;
		const links = Array.isArray(assets?.links) ? assets.links : [];
		for (const link of links) release.links.push(this.#validLink(release, link));
		state.releases.set(tag, release);
		sendJson(res, 201, await this.#releaseJson(project, release));
	}
	#validLink(release, body, replacing) {
		const absent = ["name", "url"].filter((k) => typeof body[k] !== "string" || !body[k]);
		if (absent.length) throw new GitLabApiError(400, { error: absent.map((k) => `${k} is missing`).join(", ") });
		const name = body.name;
		const url = body.url;
		if (!/^https?:\/\//.test(url)) throw new GitLabApiError(400, { message: { url: ["is blocked: Only allowed schemes are http, https"] } });
		const others = release.links.filter((l) => l !== replacing);
		if (others.some((l) => l.name === name)) throw new GitLabApiError(400, { message: { name: ["has already been taken"] } });
		if (others.some((l) => l.url === url)) throw new GitLabApiError(400, { message: { url: ["has already been taken"] } });
		const directAssetPath = typeof body.direct_asset_path === "string" ? body.direct_asset_path : typeof body.filepath === "string" ? body.filepath : null;
		const linkType = typeof body.link_type === "string" ? body.link_type : "other";
		if (![
			"other",
			"runbook",
			"image",
			"package"
		].includes(linkType)) throw new GitLabApiError(400, { error: "link_type does not have a valid value" });
		return {
			id: replacing?.id ?? this.#nextId(),
			name,
			url,
			directAssetPath,
			linkType
		};
	}
	#linkBody(link) {
		return {
			name: link.name,
			url: link.url,
			direct_asset_path: link.directAssetPath,
			link_type: link.linkType
		};
	}
	#linkJson(project, release, link) {
		return {
			id: link.id,
			name: link.name,
			url: link.url,
			direct_asset_url: link.directAssetPath ? `${project.webUrl}/-/releases/${encodeURIComponent(release.tagName)}/downloads${link.directAssetPath}` : link.url,
			link_type: link.linkType,
			external: !link.url.startsWith(`${new URL(project.webUrl).origin}/`)
		};
	}
	async #releaseJson(project, release) {
		const tag = encodeURIComponent(release.tagName);
		const commit = await project.git.commit(release.commit);
		const apiProject = `${new URL(project.webUrl).origin}/api/v4/projects/${project.id}`;
		const listed = (what, state) => `${project.webUrl}/-/${what}?release_tag=${tag}&scope=all&state=${state}`;
		return {
			tag_name: release.tagName,
			name: release.name,
			description: release.description,
			created_at: release.createdAt,
			released_at: release.releasedAt,
			upcoming_release: false,
			author: this.#author(),
			commit: {
				id: release.commit,
				short_id: release.commit.slice(0, 8),
				created_at: commit?.timestamp ?? release.createdAt,
				parent_ids: commit?.parents ?? [],
				title: commit?.message.split("\n")[0] ?? "",
				message: commit?.message ?? "",
				author_name: commit?.author.name ?? "",
				author_email: commit?.author.email ?? "",
				authored_date: commit?.timestamp ?? release.createdAt,
				committer_name: commit?.committer.name ?? "",
				committer_email: commit?.committer.email ?? "",
				committed_date: commit?.timestamp ?? release.createdAt,
				trailers: {},
				extended_trailers: {},
				web_url: `${project.webUrl}/-/commit/${release.commit}`
			},
			commit_path: `${new URL(project.webUrl).pathname}/-/commit/${release.commit}`,
			tag_path: `${new URL(project.webUrl).pathname}/-/tags/${tag}`,
			milestones: [],
			evidences: [],
			assets: {
				count: release.links.length + 2,
				sources: ["zip", "tar.gz"].map((format) => ({
					format,
					url: `${project.webUrl}/-/archive/${tag}/${tag}.${format}`
				})),
				links: release.links.map((l) => this.#linkJson(project, release, l)),
				evidence_file_path: `${apiProject}/releases/${tag}/evidence.json`
			},
			_links: {
				closed_issues_url: listed("issues", "closed"),
				closed_merge_requests_url: listed("merge_requests", "closed"),
				edit_url: `${project.webUrl}/-/releases/${tag}/edit`,
				merged_merge_requests_url: listed("merge_requests", "merged"),
				opened_issues_url: listed("issues", "opened"),
				opened_merge_requests_url: listed("merge_requests", "opened"),
				self: `${project.webUrl}/-/releases/${tag}`
			}
		};
	}
	async #packages(req, res, url, project, rest, method) {
		const state = this.#project(project.id);
		if (rest[0] === "generic" && rest.length === 4) {
			const [, name, version, fileName] = rest;
			if (!PACKAGE_NAME.test(name)) throw new GitLabApiError(400, { error: "package_name is invalid" });
			if (!PACKAGE_VERSION.test(version)) throw new GitLabApiError(400, { error: "package_version is invalid" });
			if (!PACKAGE_FILE_NAME.test(fileName)) throw new GitLabApiError(400, { error: "file_name is invalid" });
			if (method === "PUT") return this.#upload(req, res, url, state, name, version, fileName);
			if (method === "GET") {
				const file = state.packages.find((p) => p.name === name && p.version === version)?.files.filter((f) => f.fileName === fileName).at(-1);
				if (!file) throw new GitLabApiError(404, { message: "404 Package Not Found" });
				res.writeHead(200, {
					"content-type": "application/octet-stream",
					"content-length": String(file.size),
					"content-disposition": `attachment; filename="${fileName}"`
				});
				res.end(file.data);
				return;
			}
		}
		if (rest.length === 0 && method === "GET") {
			const type = url.searchParams.get("package_type");
			const name = url.searchParams.get("package_name");
			const status = url.searchParams.get("status");
			return sendPage(res, url, state.packages.filter((p) => (!type || type === "generic") && (!name || p.name.includes(name)) && (status ? p.status === status : p.status !== "hidden")).map((p) => packageJson(project, p)));
		}
		const pkg = state.packages.find((p) => String(p.id) === rest[0]);
		if (!pkg) throw new GitLabApiError(404, { message: "404 Package Not Found" });
		if (rest.length === 1 && method === "GET") return sendJson(res, 200, packageJson(project, pkg));
		if (rest.length === 1 && method === "DELETE") {
			state.packages = state.packages.filter((p) => p !== pkg);
			res.writeHead(204).end();
			return;
		}
		if (rest[1] === "package_files") {
			if (rest.length === 2 && method === "GET") return sendPage(res, url, pkg.files.map((f) => packageFileJson(pkg, f)));
			if (rest.length === 3 && method === "DELETE") {
				const file = pkg.files.find((f) => String(f.id) === rest[2]);
				if (!file) throw new GitLabApiError(404, { message: "404 Package file Not Found" });
				pkg.files = pkg.files.filter((f) => f !== file);
				res.writeHead(204).end();
				return;
			}
		}
		throw new GitLabApiError(404, { error: "404 Not Found" });
	}
	async #upload(req, res, url, state, name, version, fileName) {
		const status = url.searchParams.get("status") ?? "default";
		if (status !== "default" && status !== "hidden") throw new GitLabApiError(400, { error: "status does not have a valid value" });
		const select = url.searchParams.get("select");
		if (select !== null && select !== "package_file") throw new GitLabApiError(400, { error: "select does not have a valid value" });
		const data = await readBody(req, MAX_PACKAGE_FILE);
		let pkg = state.packages.find((p) => p.name === name && p.version === version);
		if (!pkg) {
			pkg = {
				id: this.#nextId(),
				name,
				version,
				status,
				createdAt: (/* @__PURE__ */ new Date()).toISOString(),
				files: []
			};
			state.packages.push(pkg);
		}
		const file = {
			id: this.#nextId(),
			fileName,
			size: data.length,
			sha256: createHash("sha256").update(data).digest("hex"),
			sha1: createHash("sha1").update(data).digest("hex"),
			md5: createHash("md5").update(data).digest("hex"),
			createdAt: (/* @__PURE__ */ new Date()).toISOString(),
			data
		};
		pkg.files.push(file);
		sendJson(res, 201, select === "package_file" ? packageFileJson(pkg, file) : { message: "201 Created" });
	}
};
function packageJson(project, pkg) {
	return {
		id: pkg.id,
		name: pkg.name,
		version: pkg.version,
		package_type: "generic",
		status: pkg.status,
		created_at: pkg.createdAt,
		_links: { web_path: `${new URL(project.webUrl).pathname}/-/packages/${pkg.id}` }
	};
}
function packageFileJson(pkg, file) {
	return {
		id: file.id,
		package_id: pkg.id,
		created_at: file.createdAt,
		file_name: file.fileName,
		size: file.size,
		file_md5: file.md5,
		file_sha1: file.sha1,
		file_sha256: file.sha256
	};
}
// emulators/gitlab/jobs-api.ts
const forbidden = () => new GitLabApiError(403, { message: "403 Forbidden" });
var GitLabJobsApi = class {
	#nextId;
	#serverUrl;
	#runners = [];
	#jobs = [];
	constructor(deps) {
		this.#nextId = deps.nextId;
		this.#serverUrl = deps.serverUrl;
	}
	registerRunner(options) {
		const runner = {
			id: this.#nextId(),
			token: `glrt-${randomBytes(12).toString("hex")}`,
			tags: options.tags,
			runUntagged: options.runUntagged ?? false
		};
		this.#runners.push(runner);
		return {
			id: runner.id,
			token: runner.token
		};
	}
	createJob(project, sha, ref, options) {
		const job = {
			id: this.#nextId(),
			token: `glcbt-${randomBytes(12).toString("hex")}`,
			name: options.name ?? "test",
			stage: options.stage ?? "test",
			tags: options.tags ?? [],
			script: options.script,
			afterScript: options.afterScript ?? [],
			variables: options.variables ?? {},
			image: options.image,
			timeoutSeconds: options.timeout ?? 3600,
			status: "pending",
			failureReason: null,
			exitCode: null,
			trace: "",
			runnerId: null,
			project,
			ref,
			sha
		};
		this.#jobs.push(job);
		return job;
	}
	job(id) {
		return this.#jobs.find((j) => j.id === id);
	}
	handles(parts) {
		return parts[0] === "api" && parts[1] === "v4" && parts[2] === "jobs";
	}
	async handle(req, res, parts) {
		const method = req.method ?? "GET";
		if (parts.length === 4 && parts[3] === "request" && method === "POST") return this.#request(req, res);
		const job = this.#jobs.find((j) => String(j.id) === parts[3]);
		if (!job) throw new GitLabApiError(404, { message: "404 Not Found" });
		if (parts.length === 4 && method === "PUT") return this.#update(req, res, job);
		if (parts.length === 5 && parts[4] === "trace" && method === "PATCH") return this.#appendTrace(req, res, job);
		throw new GitLabApiError(404, { error: "404 Not Found" });
	}
	async #request(req, res) {
		const body = await readJson(req);
		const runner = this.#runners.find((r) => typeof body.token === "string" && same(r.token, body.token));
		if (!runner) throw forbidden();
		const job = this.#jobs.find((j) => j.status === "pending" && (j.tags.length ? j.tags.every((t) => runner.tags.includes(t)) : runner.runUntagged));
		if (!job) {
			res.writeHead(204);
			res.end();
			return;
		}
		job.status = "running";
		job.runnerId = runner.id;
		sendJson(res, 201, this.#jobResponse(job, runner));
	}
	async #update(req, res, job) {
		const body = await readJson(req);
		if (typeof body.token !== "string" || !same(job.token, body.token)) throw forbidden();
		if (job.status !== "running") throw new GitLabApiError(403, { message: "403 Forbidden - Job is not running" });
		const state = body.state;
		if (state === "success" || state === "failed" || state === "canceled") {
			job.status = state;
			job.failureReason = state === "failed" ? String(body.failure_reason ?? "unknown_failure") : null;
			job.exitCode = typeof body.exit_code === "number" ? body.exit_code : null;
		} else if (state !== "running" && state !== void 0) throw new GitLabApiError(400, { error: "state does not have a valid value" });
		sendJson(res, 200, {
			id: job.id,
			status: job.status
		});
	}
	async #appendTrace(req, res, job) {
		const token = req.headers["job-token"];
		if (typeof token !== "string" || !same(job.token, token)) throw forbidden();
		if (job.status !== "running") throw new GitLabApiError(403, { message: "403 Forbidden - Job is not running" });
		const body = (await readBody(req, 10485760)).toString("utf8");
		const range = /^(\d+)-(\d+)$/.exec(String(req.headers["content-range"] ?? ""));
		const length = Buffer.byteLength(job.trace);
		if (range && Number(range[1]) !== length) {
			res.writeHead(416, { range: `0-${length}` });
			res.end();
			return;
		}
		job.trace += body;
		res.writeHead(202, {
			range: `0-${Buffer.byteLength(job.trace)}`,
			"x-gitlab-trace-update-interval": "3"
		});
		res.end();
	}
	#jobResponse(job, runner) {
		const server = new URL(this.#serverUrl());
		const repoUrl = `${server.protocol}//gitlab-ci-token:${job.token}@${server.host}/${job.project.fullPath}.git`;
		const predefined = {
			CI: "true",
			GITLAB_CI: "true",
			CI_SERVER_URL: this.#serverUrl(),
			CI_SERVER_HOST: server.hostname,
			CI_JOB_ID: String(job.id),
			CI_JOB_NAME: job.name,
			CI_JOB_STAGE: job.stage,
			CI_JOB_TOKEN: job.token,
			CI_JOB_URL: `${this.#serverUrl()}/${job.project.fullPath}/-/jobs/${job.id}`,
			CI_JOB_TIMEOUT: String(job.timeoutSeconds),
			CI_PIPELINE_ID: String(job.id + 1e5),
			CI_PROJECT_ID: String(job.project.id),
			CI_PROJECT_NAME: job.project.name,
			CI_PROJECT_NAMESPACE: job.project.namespace,
			CI_PROJECT_PATH: job.project.fullPath,
			CI_PROJECT_PATH_SLUG: job.project.fullPath.toLowerCase().replace(/[^a-z0-9]/g, "-"),
			CI_DEFAULT_BRANCH: job.project.defaultBranch,
			CI_REPOSITORY_URL: repoUrl,
			CI_COMMIT_SHA: job.sha,
			CI_COMMIT_REF_NAME: job.ref,
			CI_COMMIT_BRANCH: job.ref,
			CI_RUNNER_ID: String(runner.id),
			CI_RUNNER_TAGS: JSON.stringify(runner.tags),
			...job.image ? { CI_JOB_IMAGE: job.image } : {}
		};
		const variables = [...Object.entries(predefined).map(([key, value]) => ({
			key,
			value,
			public: key !== "CI_JOB_TOKEN" && key !== "CI_REPOSITORY_URL",
			file: false,
			masked: key === "CI_JOB_TOKEN"
		})), ...Object.entries(job.variables).map(([key, value]) => ({
			key,
			value,
			public: true,
			file: false,
			masked: false
		}))];
		return {
			id: job.id,
			token: job.token,
			allow_git_fetch: true,
			job_info: {
				id: job.id,
				name: job.name,
				stage: job.stage,
				project_id: job.project.id,
				project_name: job.project.name
			},
			git_info: {
				repo_url: repoUrl,
				ref: job.ref,
				sha: job.sha,
				before_sha: "0000000000000000000000000000000000000000",
				ref_type: "branch",
				refspecs: [`+refs/heads/${job.ref}:refs/remotes/origin/${job.ref}`],
				depth: 20
			},
			runner_info: { timeout: job.timeoutSeconds },
			variables,
			steps: [{
				name: "script",
				script: job.script,
				timeout: job.timeoutSeconds,
				when: "on_success",
				allow_failure: false
			}, ...job.afterScript.length ? [{
				name: "after_script",
				script: job.afterScript,
				timeout: 300,
				when: "always",
				allow_failure: true
			}] : []],
			image: job.image ? {
				name: job.image,
				entrypoint: null,
				ports: []
			} : null,
			services: [],
			artifacts: null,
			cache: [],
			credentials: [],
			dependencies: [],
			features: {
				trace_sections: true,
				failure_reasons: ["script_failure", "runner_system_failure"]
			}
		};
	}
};
function same(a, b) {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}
// emulators/gitlab/gitlab-webhook-sender.ts
const HOOK_EVENT_HEADER = {
	push: "Push Hook",
	merge_request: "Merge Request Hook",
	note: "Note Hook"
};
var GitLabWebhookSender = class {
	#logger;
	#instanceUrl;
	#chains = /* @__PURE__ */ new Map();
	#sent = /* @__PURE__ */ new Map();
	records = [];
	#loss = new DeliveryLoss();
	constructor(instanceUrl, logger) {
		this.#instanceUrl = instanceUrl;
		this.#logger = logger;
	}
	loseDeliveries(share) {
		this.#loss.set(share);
	}
	send(hooks, kind, payload) {
		const eventUuid = randomUUID();
		const body = JSON.stringify(payload);
		for (const hook of hooks.filter((h) => h.events.includes(kind))) {
			const delivery = {
				hook,
				idempotencyKey: randomUUID(),
				eventUuid,
				event: HOOK_EVENT_HEADER[kind],
				body
			};
			this.#sent.set(delivery.idempotencyKey, delivery);
			if (this.#loss.next()) this.records.push({
				idempotencyKey: delivery.idempotencyKey,
				eventUuid,
				hookId: hook.id,
				event: delivery.event,
				redelivery: false,
				status: 0,
				lost: true,
				deliveredAt: (/* @__PURE__ */ new Date()).toISOString()
			});
			else this.#enqueue(delivery, false);
		}
	}
	redeliver(idempotencyKey) {
		const delivery = this.#sent.get(idempotencyKey);
		if (!delivery) throw new Error(`no delivery ${idempotencyKey}`);
		this.#enqueue(delivery, true);
	}
	async idle() {
		let before;
		do {
			before = [...this.#chains.values()];
			await Promise.all(before);
		} while ([...this.#chains.values()].some((p, i) => p !== before[i]));
	}
	#enqueue(delivery, redelivery) {
		const next = (this.#chains.get(delivery.hook.id) ?? Promise.resolve()).then(() => new Promise((r) => setImmediate(r))).then(() => this.#deliver(delivery, redelivery));
		this.#chains.set(delivery.hook.id, next);
	}
	async #deliver(delivery, redelivery) {
		const { hook } = delivery;
		const record = {
			idempotencyKey: delivery.idempotencyKey,
			eventUuid: delivery.eventUuid,
			hookId: hook.id,
			event: delivery.event,
			redelivery,
			status: 0,
			deliveredAt: (/* @__PURE__ */ new Date()).toISOString()
		};
		const answer = await postWebhook(hook.url, {
			"user-agent": "GitLab/17.0.0 (ironbots emulator)",
			"x-gitlab-event": delivery.event,
			"x-gitlab-event-uuid": delivery.eventUuid,
			"x-gitlab-webhook-uuid": hook.uuid,
			"x-gitlab-instance": this.#instanceUrl(),
			"idempotency-key": delivery.idempotencyKey,
			...hook.token ? { "x-gitlab-token": hook.token } : {}
		}, delivery.body, 1e4);
		record.status = answer.status;
		if (answer.error) {
			record.error = answer.error;
			this.#logger?.warn({
				url: hook.url,
				event: delivery.event,
				idempotencyKey: delivery.idempotencyKey,
				err: record.error
			}, "webhook delivery failed");
		}
		this.records.push(record);
	}
};
// emulators/gitlab/routes.ts
const PROJECT = "/projects/:id";
const RELEASE = `${PROJECT}/releases/:tag_name`;
const PACKAGE = `${PROJECT}/packages/:package_id`;
const GITLAB_ROUTES = [
	{
		method: "GET",
		path: "/users"
	},
	{
		method: "GET",
		path: PROJECT
	},
	{
		method: "GET",
		path: `${PROJECT}/members/all/:user_id`
	},
	{
		method: "GET",
		path: `${PROJECT}/merge_requests`
	},
	{
		method: "POST",
		path: `${PROJECT}/merge_requests`
	},
	{
		method: "GET",
		path: `${PROJECT}/merge_requests/:merge_request_iid`
	},
	{
		method: "PUT",
		path: `${PROJECT}/merge_requests/:merge_request_iid`
	},
	{
		method: "GET",
		path: `${PROJECT}/merge_requests/:merge_request_iid/notes`
	},
	{
		method: "POST",
		path: `${PROJECT}/merge_requests/:merge_request_iid/notes`
	},
	{
		method: "GET",
		path: `${PROJECT}/issues`
	},
	{
		method: "POST",
		path: `${PROJECT}/issues`
	},
	{
		method: "GET",
		path: `${PROJECT}/issues/:issue_iid`
	},
	{
		method: "PUT",
		path: `${PROJECT}/issues/:issue_iid`
	},
	{
		method: "GET",
		path: `${PROJECT}/repository/branches`
	},
	{
		method: "GET",
		path: `${PROJECT}/repository/files/:file_path`
	},
	{
		method: "GET",
		path: `${PROJECT}/repository/files/:file_path/raw`
	},
	{
		method: "GET",
		path: `${PROJECT}/repository/commits/:sha/statuses`
	},
	{
		method: "GET",
		path: `${PROJECT}/repository/commits/:sha/merge_requests`
	},
	{
		method: "POST",
		path: `${PROJECT}/statuses/:sha`
	},
	{
		method: "GET",
		path: `${PROJECT}/releases`
	},
	{
		method: "POST",
		path: `${PROJECT}/releases`
	},
	{
		method: "GET",
		path: RELEASE
	},
	{
		method: "PUT",
		path: RELEASE
	},
	{
		method: "DELETE",
		path: RELEASE
	},
	{
		method: "GET",
		path: `${RELEASE}/assets/links`
	},
	{
		method: "POST",
		path: `${RELEASE}/assets/links`
	},
	{
		method: "GET",
		path: `${RELEASE}/assets/links/:link_id`
	},
	{
		method: "PUT",
		path: `${RELEASE}/assets/links/:link_id`
	},
	{
		method: "DELETE",
		path: `${RELEASE}/assets/links/:link_id`
	},
	{
		method: "PUT",
		path: `${PROJECT}/packages/generic/:package_name/:package_version/:file_name`
	},
	{
		method: "GET",
		path: `${PROJECT}/packages/generic/:package_name/:package_version/:file_name`
	},
	{
		method: "GET",
		path: `${PROJECT}/packages`
	},
	{
		method: "GET",
		path: PACKAGE
	},
	{
		method: "DELETE",
		path: PACKAGE
	},
	{
		method: "GET",
		path: `${PACKAGE}/package_files`
	},
	{
		method: "DELETE",
		path: `${PACKAGE}/package_files/:package_file_id`
	}
];
function routerPaths(path) {
	return [path.replace(/:(\w+_(?:id|iid))\b/g, ":$1(^\\d+$)")];
}
const matchGitLabRoute = routeTable(GITLAB_ROUTES, routerPaths);
// emulators/gitlab/gitlab-emulator.ts
const notFound = (what) => new GitLabApiError(404, { message: `404 ${what} Not Found` });
const missing = (...params) => new GitLabApiError(400, { error: params.map((p) => `${p} is missing`).join(", ") });
const invalid = (param) => new GitLabApiError(400, { error: `${param} does not have a valid value` });
const TRANSITIONS = {
	enqueue: {
		from: [
			"created",
			"skipped",
			"manual",
			"scheduled"
		],
		to: "pending"
	},
	run: {
		from: ["pending"],
		to: "running"
	},
	success: {
		from: [
			"created",
			"pending",
			"running"
		],
		to: "success"
	},
	drop: {
		from: [
			"created",
			"pending",
			"running",
			"manual",
			"scheduled"
		],
		to: "failed"
	},
	cancel: {
		from: [
			"created",
			"pending",
			"running",
			"manual",
			"scheduled"
		],
		to: "canceled"
	},
	skip: {
		from: ["created", "pending"],
		to: "skipped"
	}
};
const STATE_EVENTS = {
	pending: ["enqueue"],
	running: ["enqueue?", "run"],
	success: ["success"],
	failed: ["drop"],
	canceled: ["cancel"],
	skipped: ["skip"]
};
const FINISHED = [
	"success",
	"failed",
	"canceled",
	"skipped"
];
var GitLabEmulator = class GitLabEmulator {
	#options;
	#server;
	#projects = /* @__PURE__ */ new Map();
	#webhooks;
	#releases = new GitLabReleasesApi({
		nextId: () => this.#nextId++,
		author: () => this.#userJson()
	});
	#issues = new GitLabIssuesApi({
		nextId: () => this.#nextId++,
		author: () => this.#userJson()
	});
	#jobs = new GitLabJobsApi({
		nextId: () => this.#nextId++,
		serverUrl: () => this.#url
	});
	#user;
	#users = /* @__PURE__ */ new Map();
	#url = "";
	#nextId = 1;
	#background = /* @__PURE__ */ new Set();
	#rateLimits = new RateLimitFaults();
	#requests = new RequestCounter();
	constructor(options) {
		this.#options = options;
		const username = options.username ?? "developer";
		this.#user = {
			id: this.#nextId++,
			username,
			name: username
		};
		this.#users.set(username.toLowerCase(), this.#user);
		this.#webhooks = new GitLabWebhookSender(() => this.#url, options.logger);
		this.#server = http.createServer((req, res) => {
			this.#handle(req, res).catch((error) => {
				if (error instanceof GitLabApiError) return sendJson(res, error.status, error.body);
				options.logger?.error({
					err: error,
					url: req.url
				}, "emulator request failed");
				if (!res.headersSent) sendJson(res, 500, { message: "500 Internal Server Error" });
				else res.destroy();
			});
		});
		this.#server.keepAliveTimeout = 2e3;
	}
	static async start(options) {
		const emulator = new GitLabEmulator(options);
		await new Promise((resolve, reject) => {
			emulator.#server.once("error", reject);
			emulator.#server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
		});
		const address = emulator.#server.address();
		emulator.#url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
		return emulator;
	}
	get url() {
		return this.#url;
	}
	rateLimit(fault = {}) {
		this.#rateLimits.add({
			...fault,
			status: 429
		});
	}
	get rateLimitedRequests() {
		return this.#rateLimits.refused;
	}
	async stop() {
		await this.idle();
		await new Promise((resolve) => {
			this.#server.close(() => resolve());
			this.#server.closeAllConnections();
		});
		for (const project of this.#projects.values()) project.git.close();
	}
	async createProject(owner, name, options = {}) {
		const segment = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
		if (!owner.split("/").every((s) => segment.test(s)) || !segment.test(name) || name.endsWith(".git")) throw new Error(`invalid project path ${owner}/${name}`);
		const key = `${owner}/${name}`.toLowerCase();
		if (this.#projects.has(key)) throw new Error(`project ${owner}/${name} exists`);
		const dir = __ironbotsPath.join(this.#options.dataDir, owner, `${name}.git`);
		const git = new BareRepository(dir);
		const defaultBranch = options.defaultBranch ?? "main";
		await git.create(defaultBranch);
		this.#projects.set(key, {
			id: this.#nextId++,
			namespace: owner,
			path: name,
			defaultBranch,
			createdAt: now(),
			git,
			commits: new GitCommits(dir),
			hooks: [],
			mergeRequests: [],
			pipelines: [],
			statuses: [],
			notes: /* @__PURE__ */ new Map(),
			members: /* @__PURE__ */ new Map(),
			labels: /* @__PURE__ */ new Map()
		});
	}
	user(username) {
		const key = username.toLowerCase();
		let user = this.#users.get(key);
		if (!user) {
			user = {
				id: this.#nextId++,
				username,
				name: username
			};
			this.#users.set(key, user);
		}
		return user;
	}
	addMember(fullPath, username, accessLevel) {
		this.user(username);
		this.#projectByPath(fullPath).members.set(username.toLowerCase(), accessLevel);
	}
	async forkProject(fullPath, namespace) {
		const parent = this.#projectByPath(fullPath);
		await this.createProject(namespace, parent.path, { defaultBranch: parent.defaultBranch });
		await this.#projectByPath(`${namespace}/${parent.path}`).git.fetchFrom(parent.git.dir, ["+refs/heads/*:refs/heads/*"]);
	}
	async openMergeRequest(fullPath, mr) {
		const project = this.#projectByPath(fullPath);
		const source = mr.sourceProject ? this.#projectByPath(mr.sourceProject) : project;
		const sha = (await source.git.branches()).get(mr.sourceBranch);
		if (!sha) throw new Error(`no branch ${mr.sourceBranch} in ${mr.sourceProject ?? fullPath}`);
		return { iid: (await this.#addMergeRequest(project, {
			title: mr.title,
			description: mr.description ?? null,
			sourceBranch: mr.sourceBranch,
			targetBranch: mr.targetBranch,
			sha,
			author: mr.author ? this.user(mr.author) : this.#user,
			source
		})).iid };
	}
	async editMergeRequestDescription(fullPath, iid, description, user) {
		const project = this.#projectByPath(fullPath);
		const mr = project.mergeRequests.find((m) => m.iid === iid);
		if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
		if (mr.description === description) return;
		const changes = { description: {
			previous: mr.description,
			current: description
		} };
		mr.description = description;
		mr.updatedAt = now();
		const hook = await this.#mergeRequestHook(project, mr, "update", {
			changes,
			user: this.user(user)
		});
		this.#emit(project, "merge_request", hook);
	}
	noteOnMergeRequest(fullPath, iid, note) {
		const project = this.#projectByPath(fullPath);
		const mr = project.mergeRequests.find((m) => m.iid === iid);
		if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
		this.#addNote(project, mr, this.user(note.user), note.body);
	}
	notes(fullPath, iid) {
		return (this.#projectByPath(fullPath).notes.get(iid) ?? []).map((n) => ({
			user: n.author.username,
			body: n.body
		}));
	}
	async labelMergeRequest(fullPath, iid, change) {
		const project = this.#projectByPath(fullPath);
		const mr = project.mergeRequests.find((m) => m.iid === iid);
		if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
		const hook = await this.#changeMergeRequest(project, mr, this.user(change.user), {
			add_labels: (change.add ?? []).join(","),
			remove_labels: (change.remove ?? []).join(",")
		});
		if (hook) this.#emit(project, "merge_request", hook);
	}
	mergeRequestLabels(fullPath, iid) {
		const mr = this.#projectByPath(fullPath).mergeRequests.find((m) => m.iid === iid);
		if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
		return [...mr.labels];
	}
	addWebhook(owner, name, hook) {
		const project = this.#projectByPath(`${owner}/${name}`);
		const config = {
			id: this.#nextId++,
			uuid: randomUUID(),
			url: hook.url,
			token: hook.token,
			events: [...hook.events]
		};
		project.hooks.push(config);
		return config;
	}
	requestCounts() {
		return this.#requests.snapshot();
	}
	resetRequestCounts() {
		this.#requests.reset();
	}
	deliveries() {
		return [...this.#webhooks.records];
	}
	loseWebhookDeliveries(share) {
		this.#webhooks.loseDeliveries(share);
	}
	redeliver(idempotencyKey) {
		this.#webhooks.redeliver(idempotencyKey);
	}
	async idle() {
		while (this.#background.size) await Promise.all(this.#background);
		await this.#webhooks.idle();
	}
	async #handle(req, res) {
		const url = new URL(req.url ?? "/", this.#url);
		if (!url.pathname.startsWith("/api/")) {
			const gitMatch = /^\/(.+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
			if (gitMatch) return this.#git(req, res, url, `${gitMatch[1]}/${gitMatch[2]}`, gitMatch[3]);
			throw new GitLabApiError(404, { error: "404 Not Found" });
		}
		const jobParts = url.pathname.split("/").filter(Boolean);
		if (this.#jobs.handles(jobParts)) return this.#jobs.handle(req, res, jobParts);
		this.#requests.count(req.method ?? "GET", url.pathname);
		const canWrite = this.#authenticate(req);
		const limited = this.#rateLimits.take();
		if (limited) {
			req.resume();
			const retryAfter = Number(limited.headers["retry-after"] ?? 60);
			res.writeHead(limited.status, {
				"content-type": "text/plain",
				"ratelimit-limit": "600",
				"ratelimit-observed": "601",
				"ratelimit-remaining": "0",
				"ratelimit-reset": String(Math.floor(Date.now() / 1e3) + retryAfter),
				...limited.headers
			});
			res.end("Retry later\n");
			return;
		}
		const apiPath = url.pathname.startsWith("/api/v4/") ? url.pathname.slice(7) : "";
		if (!matchGitLabRoute(req.method ?? "GET", apiPath)) {
			req.resume();
			throw new GitLabApiError(404, { error: "404 Not Found" });
		}
		const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
		if (parts.length === 3 && parts[2] === "users" && req.method === "GET") {
			const wanted = url.searchParams.get("username")?.toLowerCase();
			return sendPage(res, url, [...this.#users.values()].filter((u) => !wanted || u.username.toLowerCase() === wanted).map((u) => this.#userJson(u)));
		}
		if (parts[0] !== "api" || parts[1] !== "v4" || parts[2] !== "projects" || parts.length < 4) throw new GitLabApiError(404, { error: "404 Not Found" });
		const project = this.#projectById(parts[3]);
		const rest = parts.slice(4);
		const method = req.method ?? "GET";
		if (this.#issues.handles(rest)) return this.#issues.handle(req, res, url, {
			id: project.id,
			webUrl: this.#webUrl(project)
		}, rest, { canWrite });
		if (this.#releases.handles(rest)) return this.#releases.handle(req, res, url, {
			...project,
			webUrl: this.#webUrl(project)
		}, rest, { canWrite });
		if (await routeBranches(res, url, method, {
			...project,
			webUrl: this.#webUrl(project)
		}, rest)) return;
		const params = {
			...Object.fromEntries(url.searchParams),
			...await readParams(req)
		};
		if (rest.length === 0 && method === "GET") return sendJson(res, 200, {
			...this.#projectJson(project, (await project.git.branches()).size === 0),
			permissions: {
				project_access: {
					access_level: canWrite ? 40 : 20,
					notification_level: 3
				},
				group_access: null
			}
		});
		if (rest[0] === "members" && rest[1] === "all" && rest.length === 3 && method === "GET") return this.#member(res, project, rest[2]);
		if (rest[0] === "merge_requests") {
			if (rest.length === 1 && method === "GET") return this.#listMergeRequests(res, url, project, params);
			if (rest.length === 1 && method === "POST") return this.#createMergeRequest(res, project, params);
			const mr = project.mergeRequests.find((m) => String(m.iid) === rest[1]);
			if (!mr) throw new GitLabApiError(404, { message: "404 Not found" });
			if (rest.length === 2 && method === "GET") return sendJson(res, 200, await this.#expandedMergeRequestJson(project, mr));
			if (rest.length === 2 && method === "PUT") return this.#updateMergeRequest(res, project, mr, params);
			if (rest.length === 3 && rest[2] === "notes") {
				if (method === "GET") return sendPage(res, url, (project.notes.get(mr.iid) ?? []).map((n) => this.#noteJson(project, mr, n)));
				if (method === "POST") return this.#createNote(res, project, mr, params);
			}
		}
		if (rest[0] === "repository" && rest[1] === "files" && rest.length >= 3 && method === "GET") {
			const raw = rest[rest.length - 1] === "raw" && rest.length >= 4;
			const filePath = rest.slice(2, raw ? -1 : void 0).join("/");
			return this.#file(res, project, filePath, params, raw);
		}
		if (rest[0] === "statuses" && rest.length === 2 && method === "POST") return this.#createStatus(res, project, rest[1], params);
		if (rest[0] === "repository" && rest[1] === "commits" && rest[3] === "merge_requests" && rest.length === 4 && method === "GET") return sendJson(res, 200, project.mergeRequests.filter((m) => m.sha === rest[2]).map((m) => this.#mergeRequestJson(project, m)));
		if (rest[0] === "repository" && rest[1] === "commits" && rest[3] === "statuses" && rest.length === 4 && method === "GET") return this.#listStatuses(res, url, project, rest[2], params);
		throw new GitLabApiError(404, { error: "404 Not Found" });
	}
	registerRunner(options) {
		return this.#jobs.registerRunner(options);
	}
	async createCiJob(fullPath, options) {
		const project = this.#projectByPath(fullPath);
		const ref = options.ref ?? project.defaultBranch;
		const sha = await project.git.resolveCommit(ref);
		if (!sha) throw new Error(`${fullPath} has no ${ref} to run a job on`);
		return this.#jobs.createJob({
			id: project.id,
			fullPath: `${project.namespace}/${project.path}`,
			name: project.path,
			namespace: project.namespace,
			defaultBranch: project.defaultBranch
		}, sha, ref, options);
	}
	ciJob(id) {
		return this.#jobs.job(id);
	}
	#authenticate(req) {
		const privateToken = req.headers["private-token"];
		const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
		const token = typeof privateToken === "string" ? privateToken : bearer;
		if (token && this.#validToken(token)) return true;
		if (token && this.#options.reporterTokens?.includes(token)) return false;
		throw new GitLabApiError(401, { message: "401 Unauthorized" });
	}
	#validToken(candidate) {
		const given = Buffer.from(candidate);
		return this.#options.tokens.some((t) => {
			const want = Buffer.from(t);
			return want.length === given.length && timingSafeEqual(want, given);
		});
	}
	#projectById(id) {
		if (/^\d+$/.test(id)) {
			for (const project of this.#projects.values()) if (String(project.id) === id) return project;
			throw notFound("Project");
		}
		return this.#projectByPath(id);
	}
	#projectByPath(fullPath) {
		const project = this.#projects.get(fullPath.toLowerCase());
		if (!project) throw notFound("Project");
		return project;
	}
	async #git(req, res, url, fullPath, rest) {
		const project = this.#projects.get(fullPath.toLowerCase());
		if (!project) {
			res.writeHead(404, { "content-type": "text/plain" });
			res.end("The project you were looking for could not be found.\n");
			req.resume();
			return;
		}
		const pushing = url.searchParams.get("service") === "git-receive-pack" || rest === "/git-receive-pack";
		let remoteUser;
		if (pushing) {
			const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
			const [, password] = basic ? Buffer.from(basic[1], "base64").toString("utf8").split(/:(.*)/s) : [];
			if (!password || !this.#validToken(password)) {
				res.writeHead(401, {
					"www-authenticate": "Basic realm=\"GitLab\"",
					"content-type": "text/plain"
				});
				res.end("HTTP Basic: Access denied.\n");
				req.resume();
				return;
			}
			remoteUser = this.#user.username;
		}
		const before = rest === "/git-receive-pack" ? await project.git.branches() : null;
		const status = await serveGitHttp(req, res, {
			projectRoot: __ironbotsPath.join(this.#options.dataDir, project.namespace),
			pathInfo: `/${project.path}.git${rest}`,
			query: url.search.slice(1),
			...remoteUser ? { remoteUser } : {}
		});
		if (before && status === 200) {
			const work = this.#afterPush(project, before).finally(() => this.#background.delete(work));
			this.#background.add(work);
			await work;
		}
	}
	async #afterPush(project, before) {
		const after = await project.git.branches();
		const zero = "0".repeat(40);
		for (const [branch, sha] of after) {
			const previous = before.get(branch);
			if (previous === sha) continue;
			const others = [...after].filter(([name]) => name !== branch).map(([, id]) => id);
			const ids = await project.commits.newCommits(sha, previous ? [previous] : others);
			const commits = await project.commits.describe(ids.slice(-20));
			this.#emit(project, "push", this.#pushPayload(project, branch, previous ?? zero, sha, commits, ids.length));
			for (const target of this.#projects.values()) {
				const moved = target.mergeRequests.filter((m) => m.state === "opened" && m.sourceProjectId === project.id && m.sourceBranch === branch && m.sha !== sha);
				for (const mr of moved) {
					const oldrev = mr.sha;
					mr.sha = sha;
					mr.updatedAt = now();
					if (target !== project) await target.git.fetchFrom(project.git.dir, [`+${sha}:refs/merge-requests/${mr.iid}/head`]);
					await target.git.updateRef(`refs/merge-requests/${mr.iid}/head`, sha);
					this.#emit(target, "merge_request", await this.#mergeRequestHook(target, mr, "update", { oldrev }));
				}
			}
		}
		for (const [branch, sha] of before) if (!after.has(branch)) this.#emit(project, "push", this.#pushPayload(project, branch, sha, zero, [], 0));
	}
	#listMergeRequests(res, url, project, params) {
		const state = params.state ?? "all";
		if (![
			"opened",
			"closed",
			"merged",
			"locked",
			"all"
		].includes(state)) throw invalid("state");
		const orderBy = params.order_by ?? "created_at";
		if (!["created_at", "updated_at"].includes(orderBy)) throw invalid("order_by");
		const key = orderBy === "updated_at" ? "updatedAt" : "createdAt";
		const direction = params.sort === "asc" ? 1 : -1;
		const updatedAfter = timeParam(params, "updated_after");
		const updatedBefore = timeParam(params, "updated_before");
		sendPage(res, url, project.mergeRequests.filter((m) => state === "all" || m.state === state).filter((m) => !params.source_branch || m.sourceBranch === params.source_branch).filter((m) => updatedAfter === null || Date.parse(m.updatedAt) >= updatedAfter).filter((m) => updatedBefore === null || Date.parse(m.updatedAt) <= updatedBefore).sort((a, b) => direction * (a[key].localeCompare(b[key]) || a.id - b.id)).map((m) => this.#mergeRequestJson(project, m)));
	}
	async #createMergeRequest(res, project, params) {
		const { source_branch: source, target_branch: target, title } = params;
		const absent = [
			"source_branch",
			"target_branch",
			"title"
		].filter((p) => !params[p]);
		if (absent.length || !source || !target || !title) throw missing(...absent);
		if (params.target_project_id && params.target_project_id !== String(project.id)) throw new GitLabApiError(422, { message: ["Merge requests into other projects are not emulated"] });
		if (source === target) throw new GitLabApiError(422, { message: ["You can't use same project/branch for source and target"] });
		const branches = await project.git.branches();
		const sha = branches.get(source);
		if (!sha) throw new GitLabApiError(422, { message: [`Source branch "${source}" does not exist`] });
		if (!branches.has(target)) throw new GitLabApiError(422, { message: [`Target branch "${target}" does not exist`] });
		const open = project.mergeRequests.find((m) => m.state === "opened" && m.sourceBranch === source);
		if (open) throw new GitLabApiError(409, { message: [`Another open merge request already exists for this source branch: !${open.iid}`] });
		await this.#addMergeRequest(project, {
			title,
			description: params.description ?? null,
			sourceBranch: source,
			targetBranch: target,
			sha,
			author: this.#user,
			source: project,
			answer: (json) => sendJson(res, 201, json)
		});
	}
	async #addMergeRequest(project, spec) {
		const mr = {
			id: this.#nextId++,
			iid: project.mergeRequests.length + 1,
			state: "opened",
			title: spec.title,
			description: spec.description,
			sourceBranch: spec.sourceBranch,
			targetBranch: spec.targetBranch,
			sha: spec.sha,
			author: spec.author,
			sourceProjectId: spec.source.id,
			createdAt: now(),
			updatedAt: now(),
			closedAt: null,
			labels: []
		};
		project.mergeRequests.push(mr);
		if (spec.source !== project) await project.git.fetchFrom(spec.source.git.dir, [`+${spec.sha}:refs/merge-requests/${mr.iid}/head`]);
		await project.git.updateRef(`refs/merge-requests/${mr.iid}/head`, spec.sha);
		const hook = await this.#mergeRequestHook(project, mr, "open");
		spec.answer?.(await this.#expandedMergeRequestJson(project, mr));
		this.#emit(project, "merge_request", hook);
		return mr;
	}
	async #updateMergeRequest(res, project, mr, params) {
		const { state_event: stateEvent } = params;
		const editable = [
			"title",
			"description",
			"state_event",
			"labels",
			"add_labels",
			"remove_labels"
		];
		if (editable.every((name) => params[name] === void 0)) throw new GitLabApiError(400, { error: `${editable.join(", ")} are missing, at least one parameter must be provided` });
		if (stateEvent !== void 0 && stateEvent !== "close" && stateEvent !== "reopen") throw invalid("state_event");
		const hook = await this.#changeMergeRequest(project, mr, this.#user, params);
		sendJson(res, 200, await this.#expandedMergeRequestJson(project, mr));
		if (hook) this.#emit(project, "merge_request", hook);
	}
	async #changeMergeRequest(project, mr, user, params) {
		const { state_event: stateEvent, title, description } = params;
		let action = null;
		const changes = {};
		if (title !== void 0 && title !== mr.title) {
			changes.title = {
				previous: mr.title,
				current: title
			};
			mr.title = title;
			action = "update";
		}
		if (description !== void 0 && description !== mr.description) {
			changes.description = {
				previous: mr.description,
				current: description
			};
			mr.description = description;
			action = "update";
		}
		let labels = params.labels !== void 0 ? [...new Set(splitLabels(params.labels))] : [...mr.labels];
		for (const label of splitLabels(params.add_labels)) if (!labels.includes(label)) labels.push(label);
		const removed = splitLabels(params.remove_labels);
		labels = labels.filter((l) => !removed.includes(l));
		if (labels.join("\n") !== mr.labels.join("\n")) {
			changes.labels = {
				previous: mr.labels.map((l) => this.#labelJson(project, l)),
				current: labels.map((l) => this.#labelJson(project, l))
			};
			mr.labels = labels;
			action = "update";
		}
		if (stateEvent === "close" && mr.state === "opened") {
			mr.state = "closed";
			mr.closedAt = now();
			action = "close";
		} else if (stateEvent === "reopen" && mr.state === "closed") {
			mr.state = "opened";
			mr.closedAt = null;
			action = "reopen";
		}
		if (action) mr.updatedAt = now();
		return action ? await this.#mergeRequestHook(project, mr, action, {
			changes,
			user
		}) : null;
	}
	#labelJson(project, title) {
		let label = project.labels.get(title);
		if (!label) {
			label = {
				id: this.#nextId++,
				createdAt: now()
			};
			project.labels.set(title, label);
		}
		return {
			id: label.id,
			title,
			color: "#6699cc",
			project_id: project.id,
			created_at: label.createdAt,
			updated_at: label.createdAt,
			template: false,
			description: null,
			type: "ProjectLabel",
			group_id: null
		};
	}
	#createNote(res, project, mr, params) {
		if (!params.body) throw missing("body");
		sendJson(res, 201, this.#addNote(project, mr, this.#user, params.body));
	}
	#addNote(project, mr, author, body) {
		const note = {
			id: this.#nextId++,
			body,
			author,
			createdAt: now()
		};
		project.notes.set(mr.iid, [...project.notes.get(mr.iid) ?? [], note]);
		const projectHook = this.#projectHookJson(project);
		this.#emit(project, "note", {
			object_kind: "note",
			event_type: "note",
			user: {
				id: author.id,
				name: author.name,
				username: author.username,
				avatar_url: null
			},
			project_id: project.id,
			project: projectHook,
			object_attributes: {
				id: note.id,
				note: body,
				noteable_type: "MergeRequest",
				author_id: author.id,
				created_at: note.createdAt,
				updated_at: note.createdAt,
				project_id: project.id,
				noteable_id: mr.id,
				system: false,
				action: "create",
				url: `${this.#mergeRequestUrl(project, mr)}#note_${note.id}`
			},
			repository: this.#repositoryHookJson(project),
			merge_request: {
				id: mr.id,
				iid: mr.iid,
				title: mr.title,
				state: mr.state,
				source_branch: mr.sourceBranch,
				target_branch: mr.targetBranch,
				source_project_id: mr.sourceProjectId,
				target_project_id: project.id,
				author_id: mr.author.id,
				last_commit: { id: mr.sha },
				url: this.#mergeRequestUrl(project, mr)
			}
		});
		return this.#noteJson(project, mr, note);
	}
	#member(res, project, userId) {
		const user = [...this.#users.values()].find((u) => String(u.id) === userId);
		if (!user) throw notFound("User");
		const level = user === this.#user ? 50 : project.members.get(user.username.toLowerCase());
		if (level === void 0) throw notFound("Member");
		sendJson(res, 200, {
			...this.#userJson(user),
			access_level: level,
			expires_at: null
		});
	}
	async #file(res, project, filePath, params, raw) {
		const ref = params.ref ?? (raw ? project.defaultBranch : void 0);
		if (!ref) throw missing("ref");
		const commit = await project.git.resolveCommit(ref);
		if (!commit) throw notFound("Commit");
		const found = await project.git.readPath(commit, filePath);
		if (!found || found.kind !== "file") throw notFound("File");
		const metadata = {
			"x-gitlab-blob-id": found.sha,
			"x-gitlab-commit-id": commit,
			"x-gitlab-file-name": __ironbotsPath.posix.basename(filePath),
			"x-gitlab-file-path": filePath,
			"x-gitlab-ref": ref,
			"x-gitlab-size": String(found.content.length)
		};
		if (!raw) return sendJson(res, 200, {
			file_name: metadata["x-gitlab-file-name"],
			file_path: filePath,
			size: found.content.length,
			encoding: "base64",
			content: found.content.toString("base64"),
			content_sha256: createHash("sha256").update(found.content).digest("hex"),
			ref,
			blob_id: found.sha,
			commit_id: commit,
			last_commit_id: commit
		}, metadata);
		const binary = found.content.subarray(0, 8e3).includes(0);
		res.writeHead(200, {
			"content-type": binary ? "application/octet-stream" : "text/plain; charset=utf-8",
			"x-content-type-options": "nosniff",
			...metadata
		});
		res.end(found.content);
	}
	async #createStatus(res, project, shaParam, params) {
		const state = params.state;
		if (!state) throw missing("state");
		const events = STATE_EVENTS[state];
		if (!events) throw invalid("state");
		const sha = await project.git.resolveCommit(shaParam);
		if (!sha) throw notFound("Commit");
		const forRef = (p) => !params.ref || p.ref === params.ref;
		let pipeline = project.pipelines.filter((p) => p.sha === sha && forRef(p)).at(-1);
		const ref = params.ref ?? pipeline?.ref ?? (await project.commits.branchesContaining(sha))[0];
		if (!ref) throw notFound("References for commit");
		if (params.target_url !== void 0 && !isHttpUrl(params.target_url)) throw new GitLabApiError(400, { message: { target_url: ["is blocked: Only allowed schemes are http, https"] } });
		const name = params.name ?? params.context ?? "default";
		if (name.length > 255) throw new GitLabApiError(400, { message: { name: ["is too long (maximum is 255 characters)"] } });
		const coverage = params.coverage !== void 0 ? Number(params.coverage) : void 0;
		if (coverage !== void 0 && Number.isNaN(coverage)) throw invalid("coverage");
		const existing = pipeline ? project.statuses.find((s) => s.pipelineId === pipeline.id && s.name === name && s.ref === ref && (s.status === "pending" || s.status === "running")) : void 0;
		const status = existing ? { ...existing } : {
			id: 0,
			pipelineId: 0,
			sha,
			ref,
			name,
			status: "created",
			description: null,
			targetUrl: null,
			coverage: null,
			createdAt: now(),
			startedAt: null,
			finishedAt: null,
			retried: false
		};
		if (params.description !== void 0) status.description = params.description;
		if (params.target_url !== void 0) status.targetUrl = params.target_url;
		if (coverage !== void 0) status.coverage = coverage;
		for (const step of events) {
			const optional = step.endsWith("?");
			const event = step.replace("?", "");
			const transition = TRANSITIONS[event];
			if (!transition.from.includes(status.status)) {
				if (optional) continue;
				throw new GitLabApiError(400, { message: `Cannot transition status via :${event} from :${status.status} (Reason(s): Status cannot transition via "${event}")` });
			}
			status.status = transition.to;
			if (transition.to === "running") status.startedAt = now();
			if (FINISHED.includes(transition.to)) status.finishedAt = now();
		}
		if (!pipeline) {
			pipeline = {
				id: this.#nextId++,
				sha,
				ref
			};
			project.pipelines.push(pipeline);
		}
		if (existing) Object.assign(existing, status);
		else {
			status.id = this.#nextId++;
			status.pipelineId = pipeline.id;
			for (const older of project.statuses) if (older.pipelineId === pipeline.id && older.name === name) older.retried = true;
			project.statuses.push(status);
		}
		sendJson(res, 201, this.#statusJson(existing ?? status));
	}
	async #listStatuses(res, url, project, shaParam, params) {
		const sha = await project.git.resolveCommit(shaParam);
		if (!sha) throw notFound("Commit");
		const all = parseBoolean(params.all, "all");
		const orderBy = params.order_by ?? "id";
		if (orderBy !== "id" && orderBy !== "pipeline_id") throw invalid("order_by");
		const sort = params.sort ?? "asc";
		if (sort !== "asc" && sort !== "desc") throw invalid("sort");
		const direction = sort === "asc" ? 1 : -1;
		sendPage(res, url, project.statuses.filter((s) => s.sha === sha && (all || !s.retried) && (!params.ref || s.ref === params.ref) && (!params.name || s.name === params.name) && (!params.stage || params.stage === "external")).sort((a, b) => direction * (orderBy === "id" ? a.id - b.id : a.pipelineId - b.pipelineId || a.id - b.id)).map((s) => this.#statusJson(s)));
	}
	#emit(project, kind, payload) {
		this.#webhooks.send(project.hooks, kind, payload);
	}
	#pushPayload(project, branch, before, after, commits, total) {
		const deleted = /^0+$/.test(after);
		return {
			object_kind: "push",
			event_name: "push",
			before,
			after,
			ref: `refs/heads/${branch}`,
			ref_protected: false,
			checkout_sha: deleted ? null : after,
			message: null,
			user_id: this.#user.id,
			user_name: this.#user.name,
			user_username: this.#user.username,
			user_email: "",
			user_avatar: null,
			project_id: project.id,
			project: this.#projectHookJson(project),
			commits: commits.map((c) => this.#commitHookJson(project, c)),
			total_commits_count: total,
			push_options: {},
			repository: this.#repositoryHookJson(project)
		};
	}
	async #mergeRequestHook(project, mr, action, extra = {}) {
		const [lastCommit] = await project.commits.describe([mr.sha]);
		const projectHook = this.#projectHookJson(project);
		const user = extra.user ?? this.#user;
		const labels = mr.labels.map((l) => this.#labelJson(project, l));
		return {
			object_kind: "merge_request",
			event_type: "merge_request",
			user: {
				id: user.id,
				name: user.name,
				username: user.username,
				avatar_url: null,
				email: "[REDACTED]"
			},
			project: projectHook,
			object_attributes: {
				id: mr.id,
				iid: mr.iid,
				title: mr.title,
				description: mr.description ?? "",
				state: mr.state,
				action,
				...extra.oldrev ? { oldrev: extra.oldrev } : {},
				source_branch: mr.sourceBranch,
				target_branch: mr.targetBranch,
				source_project_id: mr.sourceProjectId,
				target_project_id: project.id,
				author_id: mr.author.id,
				created_at: mr.createdAt,
				updated_at: mr.updatedAt,
				merge_status: "can_be_merged",
				detailed_merge_status: "mergeable",
				draft: false,
				work_in_progress: false,
				head_pipeline_id: null,
				url: this.#mergeRequestUrl(project, mr),
				source: projectHook,
				target: projectHook,
				last_commit: lastCommit ? this.#commitHookJson(project, lastCommit, false) : { id: mr.sha },
				labels
			},
			labels,
			changes: extra.changes ?? {},
			repository: this.#repositoryHookJson(project),
			assignees: [],
			reviewers: []
		};
	}
	#webUrl(project) {
		return `${this.#url}/${project.namespace}/${project.path}`;
	}
	#mergeRequestUrl(project, mr) {
		return `${this.#webUrl(project)}/-/merge_requests/${mr.iid}`;
	}
	#userJson(user = this.#user) {
		return {
			id: user.id,
			username: user.username,
			name: user.name,
			state: "active",
			locked: false,
			avatar_url: `${this.#url}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
			web_url: `${this.#url}/${user.username}`
		};
	}
	#projectJson(project, empty) {
		const namespaceName = project.namespace.split("/").at(-1);
		const api = `${this.#url}/api/v4/projects/${project.id}`;
		const openIssues = this.#issues.openCount(project.id);
		return {
			id: project.id,
			description: null,
			description_html: "",
			name: project.path,
			name_with_namespace: `${project.namespace.split("/").join(" / ")} / ${project.path}`,
			path: project.path,
			path_with_namespace: `${project.namespace}/${project.path}`,
			created_at: project.createdAt,
			default_branch: empty ? null : project.defaultBranch,
			tag_list: [],
			topics: [],
			ssh_url_to_repo: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
			http_url_to_repo: `${this.#webUrl(project)}.git`,
			web_url: this.#webUrl(project),
			readme_url: null,
			forks_count: 0,
			avatar_url: null,
			star_count: 0,
			last_activity_at: project.createdAt,
			visibility: "public",
			empty_repo: empty,
			archived: false,
			namespace: {
				id: 0,
				name: namespaceName,
				path: namespaceName,
				kind: "group",
				full_path: project.namespace,
				parent_id: null,
				avatar_url: null,
				web_url: `${this.#url}/groups/${project.namespace}`
			},
			container_registry_image_prefix: `${new URL(this.#url).host}/${project.namespace}/${project.path}`,
			_links: {
				self: api,
				issues: `${api}/issues`,
				merge_requests: `${api}/merge_requests`,
				repo_branches: `${api}/repository/branches`,
				labels: `${api}/labels`,
				events: `${api}/events`,
				members: `${api}/members`,
				cluster_agents: `${api}/cluster_agents`
			},
			packages_enabled: true,
			marked_for_deletion_on: null,
			updated_at: project.createdAt,
			issues_enabled: true,
			merge_requests_enabled: true,
			wiki_enabled: true,
			jobs_enabled: true,
			snippets_enabled: true,
			container_registry_enabled: false,
			service_desk_enabled: false,
			service_desk_address: null,
			can_create_merge_request_in: true,
			issues_access_level: "enabled",
			repository_access_level: "enabled",
			merge_requests_access_level: "enabled",
			builds_access_level: "enabled",
			container_registry_access_level: "disabled",
			security_and_compliance_access_level: "private",
			emails_disabled: false,
			emails_enabled: true,
			shared_runners_enabled: true,
			lfs_enabled: false,
			creator_id: this.#user.id,
			import_url: null,
			import_type: null,
			import_status: "none",
			import_error: null,
			open_issues_count: openIssues,
			description_html_version: 0,
			ci_default_git_depth: 20,
			ci_forward_deployment_enabled: true,
			ci_forward_deployment_rollback_allowed: true,
			ci_job_token_scope_enabled: false,
			ci_separated_caches: true,
			ci_allow_fork_pipelines_to_run_in_parent_project: true,
			ci_restrict_pipeline_cancellation_role: "developer",
			ci_pipeline_variables_minimum_override_role: "developer",
			build_git_strategy: "fetch",
			keep_latest_artifact: true,
			restrict_user_defined_variables: false,
			runners_token: `GR1348941${createHash("sha256").update(`runners:${project.id}`).digest("hex").slice(0, 20)}`,
			group_runners_enabled: true,
			resolve_outdated_diff_discussions: false,
			container_expiration_policy: {
				cadence: "1d",
				enabled: false,
				keep_n: 10,
				older_than: "90d",
				name_regex: ".*",
				name_regex_keep: null,
				name_regex_delete: null,
				next_run_at: project.createdAt
			},
			public_jobs: true,
			shared_with_groups: [],
			repository_storage: "default",
			only_allow_merge_if_pipeline_succeeds: false,
			allow_merge_on_skipped_pipeline: false,
			only_allow_merge_if_all_discussions_are_resolved: false,
			remove_source_branch_after_merge: true,
			printing_merge_request_link_enabled: true,
			printing_merge_requests_link_enabled: true,
			request_access_enabled: true,
			merge_method: "merge",
			squash_option: "default_off",
			auto_devops_enabled: false,
			auto_devops_deploy_strategy: "continuous",
			autoclose_referenced_issues: true,
			suggestion_commit_message: null,
			enforce_auth_checks_on_uploads: true,
			merge_commit_template: null,
			squash_commit_template: null,
			issue_branch_template: null,
			warn_about_potentially_unwanted_characters: true,
			external_authorization_classification_label: null,
			mirror: false,
			mirror_user_id: null,
			mirror_trigger_builds: false,
			only_mirror_protected_branches: false,
			mirror_overwrites_diverged_branches: false,
			compliance_frameworks: []
		};
	}
	#projectHookJson(project) {
		const webUrl = this.#webUrl(project);
		const sshUrl = `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`;
		return {
			id: project.id,
			name: project.path,
			description: null,
			web_url: webUrl,
			avatar_url: null,
			git_ssh_url: sshUrl,
			git_http_url: `${webUrl}.git`,
			namespace: project.namespace.split("/").at(-1),
			visibility_level: 20,
			path_with_namespace: `${project.namespace}/${project.path}`,
			default_branch: project.defaultBranch,
			ci_config_path: "",
			homepage: webUrl,
			url: sshUrl,
			ssh_url: sshUrl,
			http_url: `${webUrl}.git`
		};
	}
	#repositoryHookJson(project) {
		const webUrl = this.#webUrl(project);
		return {
			name: project.path,
			url: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
			description: null,
			homepage: webUrl,
			git_http_url: `${webUrl}.git`,
			git_ssh_url: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
			visibility_level: 20
		};
	}
	#commitHookJson(project, c, withPaths = true) {
		return {
			id: c.id,
			message: c.message,
			title: c.title,
			timestamp: c.timestamp,
			url: `${this.#webUrl(project)}/-/commit/${c.id}`,
			author: {
				name: c.authorName,
				email: c.authorEmail
			},
			...withPaths ? {
				added: c.added,
				modified: c.modified,
				removed: c.removed
			} : {}
		};
	}
	#mergeRequestJson(project, mr) {
		const reference = `!${mr.iid}`;
		return {
			id: mr.id,
			iid: mr.iid,
			project_id: project.id,
			title: mr.title,
			description: mr.description,
			state: mr.state,
			created_at: mr.createdAt,
			updated_at: mr.updatedAt,
			merged_by: null,
			merge_user: null,
			merged_at: null,
			closed_by: mr.state === "closed" ? this.#userJson() : null,
			closed_at: mr.closedAt,
			target_branch: mr.targetBranch,
			source_branch: mr.sourceBranch,
			user_notes_count: project.notes.get(mr.iid)?.length ?? 0,
			upvotes: 0,
			downvotes: 0,
			author: this.#userJson(mr.author),
			assignees: [],
			assignee: null,
			reviewers: [],
			source_project_id: mr.sourceProjectId,
			target_project_id: project.id,
			labels: [...mr.labels],
			draft: false,
			work_in_progress: false,
			milestone: null,
			merge_when_pipeline_succeeds: false,
			merge_status: "can_be_merged",
			detailed_merge_status: mr.state === "opened" ? "mergeable" : "not_open",
			sha: mr.sha,
			merge_commit_sha: null,
			squash_commit_sha: null,
			discussion_locked: null,
			should_remove_source_branch: null,
			force_remove_source_branch: false,
			reference,
			references: {
				short: reference,
				relative: reference,
				full: `${project.namespace}/${project.path}${reference}`
			},
			web_url: this.#mergeRequestUrl(project, mr),
			time_stats: {
				time_estimate: 0,
				total_time_spent: 0,
				human_time_estimate: null,
				human_total_time_spent: null
			},
			squash: false,
			squash_on_merge: false,
			task_completion_status: {
				count: 0,
				completed_count: 0
			},
			has_conflicts: false,
			blocking_discussions_resolved: true,
			approvals_before_merge: null,
			prepared_at: mr.createdAt,
			imported: false,
			imported_from: "none"
		};
	}
	async #expandedMergeRequestJson(project, mr) {
		const target = (await project.git.branches()).get(mr.targetBranch) ?? null;
		const [base, diff] = target ? await Promise.all([project.git.mergeBase(target, mr.sha), project.git.diffStat(target, mr.sha)]) : [null, null];
		return {
			...this.#mergeRequestJson(project, mr),
			subscribed: true,
			changes_count: String(diff?.files ?? 0),
			latest_build_started_at: null,
			latest_build_finished_at: null,
			first_deployed_to_production_at: null,
			pipeline: null,
			head_pipeline: null,
			diff_refs: {
				base_sha: base ?? target,
				head_sha: mr.sha,
				start_sha: target
			},
			merge_error: null,
			first_contribution: false,
			user: { can_merge: true }
		};
	}
	#noteJson(project, mr, note) {
		return {
			id: note.id,
			type: null,
			body: note.body,
			author: this.#userJson(note.author),
			created_at: note.createdAt,
			updated_at: note.createdAt,
			system: false,
			noteable_id: mr.id,
			noteable_type: "MergeRequest",
			noteable_iid: mr.iid,
			project_id: project.id,
			resolvable: false,
			attachment: null,
			confidential: false,
			internal: false
		};
	}
	#statusJson(s) {
		return {
			id: s.id,
			sha: s.sha,
			ref: s.ref,
			status: s.status,
			name: s.name,
			target_url: s.targetUrl,
			description: s.description,
			created_at: s.createdAt,
			started_at: s.startedAt,
			finished_at: s.finishedAt,
			allow_failure: false,
			coverage: s.coverage,
			pipeline_id: s.pipelineId,
			author: this.#userJson()
		};
	}
};
function parseBoolean(value, param) {
	if (value === void 0 || value === "false" || value === "0") return false;
	if (value === "true" || value === "1") return true;
	throw invalid(param);
}
function isHttpUrl(text) {
	try {
		return ["http:", "https:"].includes(new URL(text).protocol) && text.length <= 255;
	} catch {
		return false;
	}
}
function now() {
	return (/* @__PURE__ */ new Date()).toISOString();
}
function timeParam(params, name) {
	const value = params[name];
	if (value === void 0 || value === "") return null;
	const time = Date.parse(value);
	if (Number.isNaN(time)) throw invalid(name);
	return time;
}
// runner-agent/src/local/git-working-copy.ts
const run = promisify(execFile);
var GitWorkingCopy = class {
	dir;
	#env;
	constructor(dir, credentials) {
		this.dir = dir;
		this.#env = {
			PATH: process.env.PATH,
			HOME: dir,
			LANG: "C.UTF-8",
			GIT_TERMINAL_PROMPT: "0",
			GIT_CONFIG_NOSYSTEM: "1",
			GIT_CONFIG_GLOBAL: "/dev/null",
			GIT_AUTHOR_NAME: "ironbots demo",
			GIT_AUTHOR_EMAIL: "demo@ironbots.invalid",
			GIT_COMMITTER_NAME: "ironbots demo",
			GIT_COMMITTER_EMAIL: "demo@ironbots.invalid",
			...gitCredentialsEnv(credentials)
		};
	}
	async git(...args) {
		const { stdout } = await run("git", [
			"-C",
			this.dir,
			...args
		], { env: this.#env });
		return stdout.trim();
	}
	async init(remoteUrl, branch = "main") {
		await mkdir(this.dir, { recursive: true });
		await run("git", [
			"init",
			"--quiet",
			"--initial-branch",
			branch,
			this.dir
		], { env: this.#env });
		await this.git("remote", "add", "origin", remoteUrl);
	}
	async writeFiles(files) {
		for (const [name, file] of Object.entries(files)) {
			const target = __ironbotsPath.join(this.dir, name);
			await mkdir(__ironbotsPath.dirname(target), { recursive: true });
			await writeFile(target, file.content);
			if (file.executable) await chmod(target, 493);
		}
	}
	async commit(message, extraArgs = []) {
		await this.git("add", "--all");
		await this.git("commit", "--quiet", "-m", message, ...extraArgs);
		return this.git("rev-parse", "HEAD");
	}
	async push(branch) {
		await this.git("push", "--quiet", "origin", `HEAD:refs/heads/${branch}`);
	}
	async checkoutNewBranch(branch) {
		await this.git("checkout", "--quiet", "-b", branch);
	}
};
// runner-agent/src/local/local-stack.ts
var LocalStack = class LocalStack {
	emulator;
	forge;
	server;
	agent;
	jobs;
	events;
	logStore;
	executorsDir;
	secrets;
	webhookSecret;
	apiToken;
	stateDir;
	#cleanups;
	#ownsStateDir;
	#deployment;
	constructor(parts) {
		this.emulator = parts.emulator;
		this.forge = parts.forge;
		this.server = parts.server;
		this.agent = parts.agent;
		this.jobs = parts.jobs;
		this.events = parts.events;
		this.logStore = parts.logStore;
		this.executorsDir = parts.executorsDir;
		this.secrets = parts.secrets;
		this.webhookSecret = parts.webhookSecret;
		this.apiToken = parts.apiToken;
		this.stateDir = parts.stateDir;
		this.#ownsStateDir = parts.ownsStateDir;
		this.#cleanups = parts.cleanups;
		this.#deployment = parts.deployment;
	}
	static async start(options) {
		const { logger } = options;
		const stateDir = options.stateDir ?? await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-local-"));
		const secrets = new SecretRegistry();
		const apiToken = `ibt_${randomBytes(20).toString("hex")}`;
		const webhookSecret = randomBytes(24).toString("hex");
		secrets.add(apiToken);
		secrets.add(webhookSecret);
		const cleanups = [];
		const unwind = async () => {
			for (const cleanup of cleanups.reverse()) await cleanup().catch(() => void 0);
			if (!options.stateDir) await rm(stateDir, {
				recursive: true,
				force: true
			});
		};
		try {
			const kind = options.forge ?? "github";
			const emulatorOptions = {
				dataDir: __ironbotsPath.join(stateDir, "forge"),
				tokens: [apiToken],
				logger: logger.child({ role: "forge-emulator" })
			};
			const emulator = kind === "gitlab" ? await GitLabEmulator.start(emulatorOptions) : await GitHubEmulator.start(emulatorOptions);
			cleanups.push(() => emulator.stop());
			const config = DeploymentConfigSchema.parse({
				stateDir,
				forge: {
					kind,
					apiUrl: emulator.url,
					token: apiToken,
					secondaryRateLimits: false
				},
				images: {
					kind: "filesystem",
					dir: localImagesDir(),
					cacheDir: __ironbotsPath.join(defaultCacheDir(), "image-cache")
				},
				server: {
					listen: "127.0.0.1:0",
					webhookSecret,
					apiTokens: [apiToken],
					scanIntervalSeconds: 0,
					infraRepositories: options.infraRepositories ?? [],
					infraProjects: options.infraProjects ?? [],
					...options.trust
				},
				agent: {
					name: options.agentName ?? "local-agent",
					labels: [os.arch() === "x64" ? "x86_64" : os.arch()],
					executors: options.executors ?? ["process"],
					supersededPollSeconds: (options.supersededPollMs ?? 2e3) / 1e3,
					...options.cancelCheckMs ? { cancelCheckSeconds: options.cancelCheckMs / 1e3 } : {}
				}
			});
			const deployment = await openDeployment(config, {
				logger,
				secrets,
				processMetrics: false
			});
			cleanups.push(() => deployment.close());
			const server = await deployment.startServer(options.onPlanned ? { onPlanned: options.onPlanned } : {});
			const agent = await deployment.startAgent(options.onAgentEvent ? { onEvent: options.onAgentEvent } : {});
			const { forge, jobs, events, logStore } = deployment;
			if (!forge) throw new Error("unreachable: the local deployment has a forge");
			return new LocalStack({
				emulator,
				forge,
				server,
				agent,
				jobs,
				events,
				logStore,
				secrets,
				webhookSecret,
				apiToken,
				stateDir,
				ownsStateDir: !options.stateDir,
				executorsDir: deployment.executorsDir(config.agent.name),
				cleanups,
				deployment
			});
		} catch (error) {
			await unwind();
			throw error;
		}
	}
	get github() {
		if (!(this.emulator instanceof GitHubEmulator)) throw new Error("this local stack plays GitLab");
		return this.emulator;
	}
	get gitlab() {
		if (!(this.emulator instanceof GitLabEmulator)) throw new Error("this local stack plays GitHub");
		return this.emulator;
	}
	get webhookUrl() {
		return `${this.server.url}/webhooks/${this.emulator instanceof GitLabEmulator ? "gitlab" : "github"}`;
	}
	async createRepository(repo) {
		if (this.emulator instanceof GitLabEmulator) {
			await this.emulator.createProject(repo.owner, repo.name, { defaultBranch: "main" });
			this.emulator.addWebhook(repo.owner, repo.name, {
				url: this.webhookUrl,
				token: this.webhookSecret,
				events: [
					"merge_request",
					"push",
					"note"
				]
			});
		} else {
			await this.emulator.createRepository(repo.owner, repo.name, { defaultBranch: "main" });
			this.emulator.addWebhook(repo.owner, repo.name, {
				url: this.webhookUrl,
				secret: this.webhookSecret,
				events: [
					"pull_request",
					"push",
					"status",
					"issue_comment"
				]
			});
		}
		return this.createRepositoryCopyWithoutWebhook(repo);
	}
	async scan(repo) {
		return (await this.#deployment.planner()).scanRepository(await this.forge.getRepository(repo), { full: true });
	}
	async createRepositoryCopyWithoutWebhook(repo) {
		const { cloneUrl } = await this.forge.getRepository(repo);
		const workingCopy = new GitWorkingCopy(__ironbotsPath.join(this.stateDir, "checkouts", `${repo.owner}-${repo.name}`), this.forge.gitCredentials());
		await workingCopy.init(cloneUrl);
		return {
			cloneUrl,
			workingCopy
		};
	}
	async stop() {
		for (const cleanup of this.#cleanups.reverse()) await cleanup().catch(() => void 0);
		this.#cleanups.length = 0;
		if (this.#ownsStateDir) await rm(this.stateDir, {
			recursive: true,
			force: true
		});
	}
};
// runner-agent/src/local/local-demo.ts
const FINAL = /* @__PURE__ */ new Set([
	"success",
	"failure",
	"error"
]);
async function runLocalDemo(options) {
	const { print } = options;
	const executor = options.executor ?? "process";
	const stack = await LocalStack.start({
		logger: options.logger,
		executors: [executor],
		...options.forge ? { forge: options.forge } : {},
		...options.stateDir ? { stateDir: options.stateDir } : {}
	});
	try {
		if (executor === "podman") {
			if (!(await stack.agent.offeredLabels()).includes("executor:podman")) throw new Error("podman does not work on this machine (bash dev/run setup installs it)");
			print(`building the ${LOCAL_BUSYBOX_IMAGE} image from this machine's busybox (once)`);
			await ensureLocalBusyboxImage(stack.executorsDir);
		}
		const vmImageBlob = executor === "vm" ? await ensureLocalVmImage({ print }) : void 0;
		print(`forge emulator   ${stack.emulator.url}`);
		print(`ironbots server  ${stack.server.url}  (webhooks: ${stack.webhookUrl})`);
		print(`agent            ${stack.agent.name}  labels: ${(await stack.agent.offeredLabels()).join(", ")}`);
		const repo = {
			owner: DEMO_OWNER,
			name: DEMO_REPOSITORY
		};
		const { cloneUrl, workingCopy } = await stack.createRepository(repo);
		await workingCopy.writeFiles({
			...DEMO_FILES_MAIN,
			".ironbots.yml": { content: demoProjectConfig(executor === "podman" ? {
				name: "podman",
				image: LOCAL_BUSYBOX_IMAGE
			} : executor === "vm" ? {
				name: "vm",
				image: LOCAL_VM_IMAGE
			} : { name: "process" }) },
			...vmImageBlob ? { [`images/${LOCAL_VM_IMAGE}`]: { content: `${vmImageBlob}\n` } } : {}
		});
		await workingCopy.commit("Add ironbots configuration and tests");
		await workingCopy.push("main");
		await workingCopy.checkoutNewBranch(DEMO_BRANCH);
		await workingCopy.writeFiles(DEMO_FILES_BRANCH);
		const headSha = await workingCopy.commit("Bump version to 1.1");
		await workingCopy.push(DEMO_BRANCH);
		print(`pushed ${DEMO_BRANCH} to ${cloneUrl}`);
		const pr = await stack.forge.createPullRequest(repo, {
			title: "Bump version to 1.1",
			head: DEMO_BRANCH,
			base: "main"
		});
		print(`opened PR #${pr.number} ${pr.htmlUrl} at ${headSha.slice(0, 7)}`);
		const statuses = await followStatuses(stack.forge, repo, headSha, ["lint", "unit"], options.timeoutSeconds * 1e3, print);
		const failed = statuses.filter((s) => s.state !== "success");
		const ok = statuses.length > 0 && failed.length === 0;
		const reason = ok ? void 0 : statuses.length === 0 ? `no final status on every context within ${options.timeoutSeconds} s` : failed.map((s) => `${s.context} ended ${s.state}: ${s.description}`).join("; ");
		const urls = {
			forge: stack.emulator.url,
			server: stack.server.url,
			cloneUrl,
			pullRequest: pr.htmlUrl
		};
		if (!options.keep) await stack.stop();
		return {
			ok,
			...reason ? { reason } : {},
			statuses,
			urls,
			stop: () => stack.stop()
		};
	} catch (error) {
		await stack.stop();
		throw error;
	}
}
async function followStatuses(forge, repo, sha, contexts, timeoutMs, print) {
	let printed = 0;
	const deadline = Date.now() + timeoutMs;
	const width = Math.max(...contexts.map((c) => c.length));
	while (Date.now() < deadline) {
		const history = await forge.listCommitStatusHistory(repo, sha);
		for (const status of history.slice(printed)) {
			const link = status.targetUrl && status.state === "pending" ? `  log: ${status.targetUrl}` : "";
			print(`  ${status.context.padEnd(width)}  ${status.state.padEnd(7)}  ${status.description ?? ""}${link}`);
		}
		printed = history.length;
		const newest = new Map(history.map((s) => [s.context, s]));
		const final = contexts.map((c) => newest.get(c)).filter((s) => !!s && FINAL.has(s.state));
		if (final.length === contexts.length) return final;
		await new Promise((r) => setTimeout(r, 50));
	}
	return [];
}
export { runLocalDemo };
