import { c as object, n as _enum, o as literal, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { r as truncateDescription, t as ForgeError } from "./forge-CSA4ojXu.mjs";
import { a as resolveInfraPullRequest, i as parseProjectRequest, n as notRun, r as parseCrossProjectContext } from "./cross-project-BR8Oy66k.mjs";
import { a as jobDedupKey, o as requiredLabels, t as CANARY_LABEL } from "./job-27BlS2A5.mjs";
import { a as NOT_YET_TESTED, d as isInProgress, f as isWaitingForApproval, n as CONFIG_CONTEXT, p as supersededReason, s as WAITING_FOR_APPROVAL, t as APPROVAL_CONTEXT } from "./status-text-qXXJmof_.mjs";
import { n as assertImageName, o as isImageName, t as ImageReferenceError } from "./image-reference-t7zZk7rK.mjs";
import { n as ProjectConfigError, r as jobFromContext, t as PROJECT_CONFIG_PATH } from "./project-config-BEFtAals.mjs";
import { t as repositoryKey } from "./planned-heads-DO86lQgX.mjs";
import { t as taskLines } from "./task-list-DzArkdQ6.mjs";
import "node:path";
import { createHash, randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
// runner-agent/src/webhooks/comment-events.ts
const GitHubRepositorySchema = object({
	name: string().min(1),
	owner: object({ login: string().min(1) }),
	clone_url: string().min(1),
	html_url: string().min(1),
	default_branch: string().min(1).default("main")
});
const IssueCommentEventSchema = object({
	action: string().min(1),
	issue: object({
		number: number().int().positive(),
		pull_request: object({}).passthrough().nullish()
	}),
	comment: object({
		id: number().int(),
		body: string(),
		user: object({
			login: string().min(1),
			type: string().optional()
		})
	}),
	repository: GitHubRepositorySchema
});
const NoteEventSchema = object({
	object_kind: literal("note"),
	user: object({ username: string().min(1) }),
	project: object({
		path_with_namespace: string().regex(/^[^/]+(\/[^/]+)+$/, "expected namespace/project"),
		git_http_url: string().min(1),
		web_url: string().min(1),
		default_branch: string().nullable().default("main")
	}),
	object_attributes: object({
		id: number().int(),
		note: string(),
		noteable_type: string().min(1)
	}),
	merge_request: object({ iid: number().int().positive() }).optional()
}).refine((e) => e.object_attributes.noteable_type !== "MergeRequest" || e.merge_request, {
	message: "a note on a merge request needs merge_request.iid",
	path: ["merge_request"]
});
function commentPayloadProblem(forge, event, payload) {
	const schema = forge === "github" && event === "issue_comment" ? IssueCommentEventSchema : forge === "gitlab" && event === "note" ? NoteEventSchema : null;
	if (!schema) return null;
	const parsed = schema.safeParse(payload);
	if (parsed.success) return null;
	const issue = parsed.error.issues[0];
	return `${event} payload: ${issue.path.join(".") || "(root)"}: ${issue.message}`;
}
// runner-agent/src/planner/comment-commands.ts
const COMMAND_HELP = {
	retest: "`/retest [context\u2026]`: run the named contexts again at the current head, or every failed one",
	approve: "`/approve [commit]`: test this head commit of a pull request from a fork (a new push needs a new approval)",
	"image-refresh": "`/image-refresh <image>`: build, boot-test and upload the image, and propose it"
};
const BOT_COMMENT_MARKER = "<!-- ironbots -->";
const MAX_COMMANDS = 10;
const MAX_ARGS = 50;
function parseCommands(body) {
	const commands = [];
	let fenced = false;
	for (const raw of body.split(/\r?\n/)) {
		const line = raw.trim();
		if (line.startsWith("```") || line.startsWith("~~~")) {
			fenced = !fenced;
			continue;
		}
		if (fenced) continue;
		const match = /^\/([A-Za-z][A-Za-z0-9_-]*)(?:\s+(.*))?$/.exec(line);
		if (!match) continue;
		commands.push({
			name: match[1].toLowerCase(),
			args: (match[2] ?? "").split(/\s+/).filter(Boolean).slice(0, MAX_ARGS)
		});
		if (commands.length === MAX_COMMANDS) break;
	}
	return commands;
}
function isKnownCommand(name) {
	return Object.hasOwn(COMMAND_HELP, name);
}
function replyMarker(request) {
	return `<!-- ironbots: reply to ${request.replace(/[^A-Za-z0-9:._-]/g, "_")} -->`;
}
function replyBody(lines, request) {
	return [
		BOT_COMMENT_MARKER,
		replyMarker(request),
		...lines
	].join("\n");
}
function quoted(text) {
	return `\`${text.replace(/[`\r\n]/g, " ").slice(0, 100)}\``;
}
// runner-agent/src/planner/project-config-parser.ts
var ProjectConfigParser = class {
	#timeoutMs;
	#maxHeapMegabytes;
	#worker;
	#seq = 0;
	#tail = Promise.resolve();
	constructor(options = {}) {
		this.#timeoutMs = options.timeoutMs ?? 1e4;
		this.#maxHeapMegabytes = options.maxHeapMegabytes ?? 256;
	}
	parse(text) {
		const result = this.#tail.then(() => this.#parseNow(text));
		this.#tail = result.catch(() => void 0);
		return result;
	}
	async close() {
		await this.#tail;
		const worker = this.#worker;
		this.#worker = void 0;
		await worker?.terminate();
	}
	#thread() {
		if (!this.#worker) {
			this.#worker = new Worker(new URL("./project-config-thread.ts", new URL("../../runner-agent/src/planner/project-config-parser.ts", import.meta.url).href), { resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMegabytes } });
			this.#worker.unref();
		}
		return this.#worker;
	}
	#parseNow(text) {
		const worker = this.#thread();
		const seq = ++this.#seq;
		return new Promise((resolve, reject) => {
			const finish = () => {
				clearTimeout(timer);
				worker.off("message", onMessage);
				worker.off("error", onError);
				worker.off("exit", onExit);
				worker.unref();
			};
			const discardThread = () => {
				if (this.#worker === worker) this.#worker = void 0;
				worker.terminate();
			};
			const onMessage = (reply) => {
				if (reply.seq !== seq) return;
				finish();
				if ("config" in reply) resolve(reply.config);
				else if ("configError" in reply) reject(rebuild(reply.configError));
				else reject(/* @__PURE__ */ new Error(`project config parser failed: ${reply.crash}`));
			};
			const onError = (error) => {
				finish();
				discardThread();
				if (error.code === "ERR_WORKER_OUT_OF_MEMORY") reject(new ProjectConfigError(`needs more than ${this.#maxHeapMegabytes} MB to parse`, void 0, void 0));
				else reject(error);
			};
			const onExit = (code) => {
				finish();
				discardThread();
				reject(/* @__PURE__ */ new Error(`project config parser thread exited (${code})`));
			};
			const timer = setTimeout(() => {
				finish();
				discardThread();
				reject(new ProjectConfigError(`took longer than ${this.#timeoutMs / 1e3} s to parse`, void 0, void 0));
			}, this.#timeoutMs);
			worker.on("message", onMessage);
			worker.once("error", onError);
			worker.once("exit", onExit);
			worker.ref();
			worker.postMessage({
				seq,
				text
			});
		});
	}
};
function rebuild(error) {
	const rebuilt = new ProjectConfigError("", error.line, error.field);
	rebuilt.message = error.message;
	return rebuilt;
}
// runner-agent/src/planner/pull-request-event.ts
const RepoSchema = object({
	name: string(),
	full_name: string(),
	owner: object({ login: string() }),
	clone_url: string(),
	html_url: string(),
	default_branch: string().default("main")
});
const PullRequestEventSchema = object({
	action: string(),
	number: number().int().positive(),
	repository: RepoSchema,
	pull_request: object({
		number: number().int().positive(),
		state: _enum(["open", "closed"]),
		title: string(),
		body: string().nullable().default(""),
		html_url: string(),
		user: object({ login: string() }),
		head: object({
			sha: string(),
			ref: string(),
			repo: RepoSchema.nullable()
		}),
		base: object({ ref: string() }),
		labels: array(object({ name: string() })).default([])
	}),
	label: object({ name: string() }).optional(),
	sender: object({ login: string() }).optional(),
	changes: object({ body: object({ from: string().nullable() }).optional() }).optional()
});
const StatusEventSchema = object({
	sha: string(),
	context: string(),
	state: string(),
	description: string().nullable().default(null),
	repository: RepoSchema
});
function repositoryFromEvent(event) {
	const r = event.repository;
	return {
		owner: r.owner.login,
		name: r.name,
		defaultBranch: r.default_branch,
		cloneUrl: r.clone_url,
		htmlUrl: r.html_url
	};
}
function pullRequestFromEvent(event) {
	const pr = event.pull_request;
	return {
		number: pr.number,
		state: pr.state,
		title: pr.title,
		body: pr.body ?? "",
		author: pr.user.login,
		headSha: pr.head.sha,
		headRef: pr.head.ref,
		baseRef: pr.base.ref,
		htmlUrl: pr.html_url,
		headCloneUrl: pr.head.repo?.clone_url ?? event.repository.clone_url,
		...pr.head.repo ? {} : { headRepositoryDeleted: true }
	};
}
// runner-agent/src/planner/merge-request-event.ts
const MergeRequestEventSchema = object({
	object_kind: literal("merge_request"),
	project: object({
		path_with_namespace: string().regex(/^[^/]+(\/[^/]+)+$/, "expected namespace/project"),
		git_http_url: string(),
		web_url: string(),
		default_branch: string().nullable().default("main")
	}),
	object_attributes: object({
		iid: number().int().positive(),
		action: string().optional(),
		oldrev: string().optional(),
		last_commit: object({ id: string() }).optional()
	}),
	labels: array(object({ title: string() })).default([]).catch([]),
	user: object({ username: string() }).optional(),
	changes: object({
		description: object({
			previous: string().nullable(),
			current: string().nullable()
		}).optional(),
		labels: object({
			previous: array(object({ title: string() })).default([]),
			current: array(object({ title: string() })).default([])
		}).optional()
	}).optional().catch(void 0)
});
function mergeRequestNeedsPlan(event) {
	const { action, oldrev } = event.object_attributes;
	return action === "open" || action === "reopen" || action === "update" && oldrev !== void 0;
}
function labelAdded(event, label) {
	const labels = event.changes?.labels;
	if (event.object_attributes.action !== "update" || !labels) return false;
	return labels.current.some((l) => l.title === label) && !labels.previous.some((l) => l.title === label);
}
function previousDescription(event) {
	const change = event.changes?.description;
	return event.object_attributes.action === "update" && change ? change.previous ?? "" : null;
}
function projectFromEvent(event) {
	const full = event.project.path_with_namespace;
	const slash = full.lastIndexOf("/");
	return {
		owner: full.slice(0, slash),
		name: full.slice(slash + 1),
		defaultBranch: event.project.default_branch ?? "main",
		cloneUrl: event.project.git_http_url,
		htmlUrl: event.project.web_url
	};
}
function repositoryIdOf(repo) {
	return {
		owner: repo.owner,
		name: repo.name
	};
}
const MAX_TASKS = 20;
function uncheckedImageRefreshTasks(body) {
	const seen = /* @__PURE__ */ new Set();
	const tasks = [];
	for (const line of taskLines(body)) {
		const [name, ...args] = line.text.split(" ");
		if (line.checked || name !== "image-refresh" || seen.has(line.text)) continue;
		seen.add(line.text);
		tasks.push({
			text: line.text,
			args
		});
		if (tasks.length === MAX_TASKS) break;
	}
	return tasks;
}
function newlyRequestedTasks(previous, current) {
	const before = new Set(uncheckedImageRefreshTasks(previous).map((t) => t.text));
	return uncheckedImageRefreshTasks(current).filter((t) => !before.has(t.text));
}
// runner-agent/src/planner/planner.ts
const DEFAULT_IMAGE_REFRESH_JOBS = {
	labels: ["kvm"],
	executor: "process",
	timeoutSeconds: 7200
};
const CANARY_LIVE_MS = 6e4;
const PLANNED_ACTIONS = /* @__PURE__ */ new Set([
	"opened",
	"synchronize",
	"reopened",
	"ready_for_review"
]);
const TASK_ACTIONS = /* @__PURE__ */ new Set([
	"opened",
	"synchronize",
	"reopened"
]);
var Planner = class {
	#forge;
	#jobs;
	#logger;
	#trust;
	#clock;
	#parseConfig;
	#records;
	#publisher;
	#orphanAfterMs;
	#canary;
	#supersede;
	#plannedHeads;
	#settleAfterMs;
	#imageRefresh;
	#logUrl;
	constructor(options) {
		this.#forge = options.forge;
		this.#jobs = options.jobs;
		this.#logger = options.logger;
		this.#trust = options.trust ?? { trustedAuthors: [] };
		this.#clock = options.clock ?? (() => /* @__PURE__ */ new Date());
		if (options.parseConfig) this.#parseConfig = options.parseConfig;
		else {
			const parser = new ProjectConfigParser();
			this.#parseConfig = (text) => parser.parse(text);
		}
		this.#records = options.records ?? null;
		this.#publisher = options.publisher ?? null;
		this.#orphanAfterMs = options.orphanAfterMs ?? 6e4;
		this.#plannedHeads = options.plannedHeads ?? null;
		this.#settleAfterMs = options.settleAfterMs ?? 12e4;
		this.#canary = options.canary;
		this.#supersede = options.supersede;
		this.#imageRefresh = options.imageRefresh ?? DEFAULT_IMAGE_REFRESH_JOBS;
		this.#logUrl = options.logUrl ?? null;
	}
	async #dropSuperseded(repository, number, keepSha) {
		if (!this.#supersede) return;
		const reason = supersededReason(keepSha);
		const cancelled = await this.#supersede({
			owner: repository.owner,
			name: repository.name,
			number
		}, keepSha, reason);
		if (cancelled) this.#logger.info({
			repo: `${repository.owner}/${repository.name}`,
			pr: number,
			cancelled,
			reason
		}, "jobs of the pull request no longer needed: cancelled");
	}
	async #forCanary(dedupKey) {
		const canary = this.#canary;
		if (!canary || canary.percent <= 0) return false;
		if (createHash("sha256").update(dedupKey).digest().readUInt32BE(0) % 1e4 >= canary.percent * 100) return false;
		const now = this.#clock().getTime();
		return (await canary.agents.list().catch(() => [])).some((a) => a.labels.includes("canary") && now - a.lastHeartbeat < CANARY_LIVE_MS);
	}
	async handleDelivery(delivery) {
		if (delivery.forge === "gitlab") return this.#handleGitLabDelivery(delivery);
		if (delivery.event === "status") return this.#handleStatusDelivery(delivery);
		if (delivery.event === "issue_comment") return this.#handleIssueComment(delivery);
		if (delivery.event !== "pull_request") return {
			kind: "ignored",
			reason: `event ${delivery.event} is not planned`
		};
		const parsed = PullRequestEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `pull_request payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const event = parsed.data;
		const repository = repositoryFromEvent(event);
		const tag = `${delivery.forge}:${delivery.deliveryId}`;
		if (event.action === "closed") await this.#dropSuperseded(repository, event.number, null);
		if (event.action === "labeled") return this.#handleLabeled(event, repository);
		if (event.action === "edited") {
			const before = event.changes?.body?.from;
			if (before === void 0) return {
				kind: "ignored",
				reason: "pull_request edited: not its description"
			};
			return this.#handleDescriptionEdit(repository, pullRequestFromEvent(event), before ?? "", event.sender?.login, tag);
		}
		if (!PLANNED_ACTIONS.has(event.action)) return {
			kind: "ignored",
			reason: `pull_request ${event.action}`
		};
		if (event.action === "synchronize") await this.#dropSuperseded(repository, event.number, event.pull_request.head.sha);
		const pr = pullRequestFromEvent(event);
		const result = await this.planPullRequest(repository, pr, "webhook");
		if (event.action === "synchronize" && result.kind === "untrusted") await this.#takeOffApprovalLabel(repository, event.number, event.pull_request.labels.map((l) => l.name));
		if (TASK_ACTIONS.has(event.action)) await this.#planTasks(repository, pr, {
			trigger: "webhook",
			answer: event.action !== "synchronize",
			tag
		});
		return result;
	}
	async #handleStatusDelivery(delivery) {
		const parsed = StatusEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `status payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const event = parsed.data;
		const repository = repositoryFromEvent(event);
		if (event.state !== "pending" || event.description !== "Not yet tested" || parseCrossProjectContext(event.context) === null && !(this.#isInfraRepository(repository) && parseProjectRequest(event.context, this.#trust.projects ?? []) !== null)) return {
			kind: "ignored",
			reason: "status: not a cross-project request"
		};
		const pulls = (await this.#forge.listOpenPullRequests(repository)).filter((p) => p.headSha === event.sha);
		if (pulls.length === 0) {
			await this.#forge.setCommitStatus(repository, event.sha, {
				state: "error",
				context: event.context,
				description: truncateDescription(notRun(`${event.sha.slice(0, 7)} is not the head of an open pull request`))
			});
			return {
				kind: "ignored",
				reason: `${event.sha} is not the head of an open pull request`
			};
		}
		let result = {
			kind: "ignored",
			reason: "no pull request"
		};
		for (const pr of pulls) result = await this.planPullRequest(repository, pr, "webhook", { requests: true });
		return result;
	}
	async #handleGitLabDelivery(delivery) {
		if (delivery.event === "note") return this.#handleNote(delivery);
		if (delivery.event !== "merge_request") return {
			kind: "ignored",
			reason: `GitLab event ${delivery.event} is not planned`
		};
		const parsed = MergeRequestEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `merge_request payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const repository = projectFromEvent(parsed.data);
		const { iid, action } = parsed.data.object_attributes;
		const tag = `${delivery.forge}:${delivery.deliveryId}`;
		if (action === "close" || action === "merge") await this.#dropSuperseded(repository, iid, null);
		const approvalLabel = this.#trust.approvalLabel;
		if (approvalLabel && labelAdded(parsed.data, approvalLabel) && parsed.data.object_attributes.oldrev === void 0) return this.#approveByLabel(repository, iid, parsed.data.object_attributes.last_commit?.id ?? null, parsed.data.user?.username);
		const previous = previousDescription(parsed.data);
		const needsPlan = mergeRequestNeedsPlan(parsed.data);
		if (!needsPlan && previous === null) return {
			kind: "ignored",
			reason: `merge_request ${action ?? "event"}`
		};
		const mr = await this.#forge.getPullRequest(repositoryIdOf(repository), iid);
		let result = null;
		if (needsPlan) {
			if (action === "update") await this.#dropSuperseded(repository, iid, mr.headSha);
			result = await this.planPullRequest(repository, mr, "webhook");
			if (action === "update" && result.kind === "untrusted") await this.#takeOffApprovalLabel(repository, iid, parsed.data.labels.map((l) => l.title));
			await this.#planTasks(repository, mr, {
				trigger: "webhook",
				answer: action !== "update",
				tag
			});
		}
		if (previous !== null) {
			const current = parsed.data.changes?.description?.current ?? mr.body;
			const edited = {
				...mr,
				body: current
			};
			const tasks = await this.#handleDescriptionEdit(repository, edited, previous, parsed.data.user?.username, tag);
			result ??= tasks;
		}
		return result;
	}
	async #handleDescriptionEdit(repository, pr, previous, editor, tag) {
		const requested = newlyRequestedTasks(previous, pr.body);
		if (!requested.length) return {
			kind: "ignored",
			reason: "the edit asks for no task"
		};
		if (!editor) return {
			kind: "ignored",
			reason: "the edit does not say who made it"
		};
		return {
			kind: "tasks",
			tasks: await this.#planTasks(repository, pr, {
				trigger: "webhook",
				answer: true,
				edit: {
					editor,
					requested
				},
				tag
			})
		};
	}
	async scanRepository(repository, options = {}) {
		const repo = `${repository.owner}/${repository.name}`;
		const results = /* @__PURE__ */ new Map();
		const pulls = await this.#forge.listOpenPullRequests(repository);
		const memory = this.#plannedHeads;
		const remembered = memory ? await memory.list(repository).catch((error) => {
			this.#logger.warn({
				err: error,
				repo
			}, "could not read the planned heads: planning every pull request");
			return /* @__PURE__ */ new Map();
		}) : /* @__PURE__ */ new Map();
		let defaultHead = null;
		const taskRequest = {
			trigger: "scan",
			answer: false,
			tag: "scan",
			defaultHead: () => defaultHead ??= this.#defaultHead(repository)
		};
		for (const pr of pulls) {
			await this.#planTasks(repository, pr, taskRequest).catch((error) => this.#logger.warn({
				err: error,
				repo,
				pr: pr.number
			}, "could not plan the tasks of a pull request"));
			const known = remembered.get(pr.number);
			let result;
			try {
				if (known?.settled && known.headSha === pr.headSha && !(options.full && await this.#asksForCrossProject(repository, pr))) {
					results.set(pr.number, { kind: "unchanged" });
					continue;
				}
				result = await this.planPullRequest(repository, pr, "scan", { requests: options.full === true });
			} catch (error) {
				const message = error.message ?? String(error);
				this.#logger.warn({
					err: error,
					repo,
					pr: pr.number
				}, "could not plan pull request during scan");
				results.set(pr.number, {
					kind: "failed",
					message
				});
				continue;
			}
			results.set(pr.number, result);
			const settled = result.kind === "planned" ? result.settled === true : true;
			if (memory && (known?.headSha !== pr.headSha || known.settled !== settled)) await memory.remember(repository, {
				number: pr.number,
				headSha: pr.headSha,
				settled
			}).catch((error) => this.#logger.warn({
				err: error,
				repo,
				pr: pr.number
			}, "could not remember the planned head"));
		}
		if (memory) await memory.forgetAllBut(repository, pulls.map((p) => p.number)).catch((error) => this.#logger.warn({
			err: error,
			repo
		}, "could not forget closed pull requests"));
		return results;
	}
	async #refuseRequestsWithoutConfig(repository, pr) {
		for (const status of await this.#forge.listCommitStatuses(repository, pr.headSha)) {
			if (status.state !== "pending" || status.description !== "Not yet tested" || parseCrossProjectContext(status.context) === null) continue;
			this.#logger.info({
				repo: `${repository.owner}/${repository.name}`,
				pr: pr.number,
				context: status.context
			}, "cross-project context not run: no project file");
			await this.#forge.setCommitStatus(repository, pr.headSha, {
				state: "error",
				context: status.context,
				description: truncateDescription(notRun(`there is no ${PROJECT_CONFIG_PATH} at ${pr.headSha.slice(0, 7)}`))
			});
		}
	}
	async #asksForCrossProject(repository, pr) {
		const isInfra = this.#isInfraRepository(repository);
		return (await this.#forge.listCommitStatuses(repository, pr.headSha)).some((s) => s.state === "pending" && s.description === "Not yet tested" && (parseCrossProjectContext(s.context) !== null || isInfra && parseProjectRequest(s.context, this.#trust.projects ?? []) !== null));
	}
	async planPullRequest(repository, pr, trigger, options = {}) {
		const log = this.#logger.child({
			repo: `${repository.owner}/${repository.name}`,
			pr: pr.number,
			sha: pr.headSha
		});
		if (pr.state !== "open") return {
			kind: "ignored",
			reason: "pull request is closed"
		};
		const text = await this.#forge.getFileContent(repository, PROJECT_CONFIG_PATH, pr.headSha);
		const isInfra = this.#isInfraRepository(repository);
		if (text === null && !isInfra) {
			if (options.requests) await this.#refuseRequestsWithoutConfig(repository, pr);
			return {
				kind: "ignored",
				reason: `no ${PROJECT_CONFIG_PATH} at ${pr.headSha}`
			};
		}
		let config = { contexts: {} };
		if (text !== null) try {
			config = await this.#parseConfig(text);
		} catch (error) {
			if (!(error instanceof ProjectConfigError)) throw error;
			log.warn({ err: error.message }, "invalid project config");
			await this.#forge.setCommitStatus(repository, pr.headSha, {
				state: "error",
				context: CONFIG_CONTEXT,
				description: truncateDescription(error.message)
			});
			return {
				kind: "config-error",
				message: error.message
			};
		}
		const projectRequest = (context) => isInfra && !Object.hasOwn(config.contexts, context) ? parseProjectRequest(context, this.#trust.projects ?? []) : null;
		const contexts = Object.keys(config.contexts);
		const existing = new Map((await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s]));
		if ((options.approved ? "approved" : await this.#trustOf(repository, pr, existing)) === "untrusted") {
			const requested = [...existing.values()].filter((s) => s.description === "Not yet tested" && (parseCrossProjectContext(s.context) !== null || projectRequest(s.context) !== null)).map((s) => s.context);
			for (const context of [...contexts.filter((c) => !existing.has(c)), ...requested]) await this.#forge.setCommitStatus(repository, pr.headSha, {
				state: "pending",
				context,
				description: WAITING_FOR_APPROVAL
			});
			log.info({ author: pr.author }, "pull request from a fork: waiting for approval");
			return {
				kind: "untrusted",
				contexts
			};
		}
		const jobs = [];
		const skipped = [];
		let unsettled = 0;
		const planContext = async (context, spec, infra, checkout) => {
			const status = existing.get(context);
			const job = {
				...jobFromContext(context, spec, { kind: trigger }, this.#clock()),
				repository: {
					owner: repository.owner,
					name: repository.name,
					cloneUrl: pr.headCloneUrl
				},
				sha: pr.headSha,
				pullRequest: pr.number,
				...infra ? { infra } : {},
				...checkout ? { checkout } : {}
			};
			const dedupKey = jobDedupKey(job);
			const enqueue = async () => {
				const canary = await this.#forCanary(dedupKey);
				const queued = await this.#jobs.enqueue(job, {
					dedupKey,
					priority: spec.priority,
					labels: canary ? [...requiredLabels(job), CANARY_LABEL].sort() : requiredLabels(job)
				});
				jobs.push({
					context,
					jobId: queued.id,
					duplicate: queued.duplicate
				});
				log.info({
					context,
					jobId: queued.id,
					duplicate: queued.duplicate,
					trigger,
					...canary ? { canary } : {},
					...infra ? { infraSha: infra.sha } : {}
				}, "job planned");
			};
			const records = this.#records;
			if (!records) {
				if (status && !this.#needsJob(status, spec.timeout)) {
					skipped.push(context);
					if (status.state === "pending") unsettled++;
					return;
				}
				unsettled++;
				if (!status || isWaitingForApproval(status.description)) await this.#setNotYetTested(repository, pr.headSha, context);
				await enqueue();
				return;
			}
			const record = await records.get(dedupKey);
			if (record?.state === "finished") {
				const shown = record.outcome;
				if (!status || status.state !== shown.state || status.description !== shown.description) {
					log.info({
						context,
						shows: status?.description ?? null
					}, "the forge does not show the recorded outcome: republishing");
					unsettled++;
					await records.markUnpublished(dedupKey);
					await this.#publisher?.publishIfFree(dedupKey, `planner/${trigger}/${randomUUID()}`, 1e4);
				} else if (record.publishedAt === null || this.#clock().getTime() - record.publishedAt < this.#settleAfterMs) unsettled++;
				skipped.push(context);
				return;
			}
			if (record?.state === "open") {
				unsettled++;
				if (this.#clock().getTime() - record.createdAt >= this.#orphanAfterMs) await enqueue();
				else skipped.push(context);
				return;
			}
			if (status && !this.#needsJob(status, spec.timeout)) {
				skipped.push(context);
				if (status.state === "pending") unsettled++;
				return;
			}
			unsettled++;
			const target = {
				repo: repository,
				sha: pr.headSha,
				context
			};
			const { created } = await records.create(dedupKey, target);
			if (!created) {
				skipped.push(context);
				return;
			}
			if (!status || isWaitingForApproval(status.description)) await this.#announceNotYetTested(repository, pr.headSha, context, log);
			await enqueue();
		};
		for (const [context, spec] of Object.entries(config.contexts)) await planContext(context, spec);
		const refuse = async (context, status, reason) => {
			skipped.push(context);
			if (status.description !== "Not yet tested") {
				unsettled++;
				return;
			}
			log.info({
				context,
				reason
			}, "cross-project context not run");
			await this.#forge.setCommitStatus(repository, pr.headSha, {
				state: "error",
				context,
				description: truncateDescription(notRun(reason))
			});
		};
		const asked = (status) => status.state === "pending";
		for (const [context, status] of existing) {
			const request = parseCrossProjectContext(context);
			if (request === null || !asked(status)) continue;
			if (typeof request === "string") {
				await refuse(context, status, request);
				continue;
			}
			const spec = config.contexts[request.base];
			if (!spec) {
				await refuse(context, status, `${PROJECT_CONFIG_PATH} has no context ${request.base}`);
				continue;
			}
			const resolved = await resolveInfraPullRequest(this.#forge, request.infra, this.#crossProjectPolicy());
			if (resolved.kind === "refused") await refuse(context, status, resolved.reason);
			else await planContext(context, spec, resolved.infra);
		}
		for (const [context, status] of existing) {
			const request = projectRequest(context);
			if (request === null || !asked(status)) continue;
			if (typeof request === "string") {
				await refuse(context, status, request);
				continue;
			}
			const head = await this.#projectHead(request.project);
			if (typeof head === "string") {
				await refuse(context, status, head);
				continue;
			}
			const spec = head.config.contexts[request.base];
			if (!spec) {
				await refuse(context, status, `${`${request.project.owner}/${request.project.name}`}'s ${PROJECT_CONFIG_PATH} has no context ${request.base}`);
				continue;
			}
			await planContext(context, spec, {
				repository: {
					owner: repository.owner,
					name: repository.name,
					cloneUrl: repository.cloneUrl
				},
				pullRequest: pr.number,
				sha: pr.headSha
			}, {
				repository: head.repository,
				sha: head.sha
			});
		}
		if (text === null && jobs.length === 0 && skipped.length === 0) return {
			kind: "ignored",
			reason: `no ${PROJECT_CONFIG_PATH} at ${pr.headSha}`
		};
		return {
			kind: "planned",
			jobs,
			skipped,
			settled: unsettled === 0
		};
	}
	async #handleIssueComment(delivery) {
		const parsed = IssueCommentEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `issue_comment payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const event = parsed.data;
		if (event.action !== "created") return {
			kind: "ignored",
			reason: `issue_comment ${event.action}`
		};
		if (!event.issue.pull_request) return {
			kind: "ignored",
			reason: "a comment on an issue"
		};
		if (event.comment.user.type === "Bot") return {
			kind: "ignored",
			reason: "a comment by a bot"
		};
		return this.#handleComment({
			repository: {
				owner: event.repository.owner.login,
				name: event.repository.name,
				defaultBranch: event.repository.default_branch,
				cloneUrl: event.repository.clone_url,
				htmlUrl: event.repository.html_url
			},
			number: event.issue.number,
			author: event.comment.user.login,
			body: event.comment.body,
			tag: `${delivery.forge}:${delivery.deliveryId}`
		});
	}
	async #handleNote(delivery) {
		const parsed = NoteEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `note payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const event = parsed.data;
		if (event.object_attributes.noteable_type !== "MergeRequest" || !event.merge_request) return {
			kind: "ignored",
			reason: `a note on a ${event.object_attributes.noteable_type}`
		};
		const full = event.project.path_with_namespace;
		const slash = full.lastIndexOf("/");
		return this.#handleComment({
			repository: {
				owner: full.slice(0, slash),
				name: full.slice(slash + 1),
				defaultBranch: event.project.default_branch ?? "main",
				cloneUrl: event.project.git_http_url,
				htmlUrl: event.project.web_url
			},
			number: event.merge_request.iid,
			author: event.user.username,
			body: event.object_attributes.note,
			tag: `${delivery.forge}:${delivery.deliveryId}`
		});
	}
	async #handleComment(comment) {
		const { repository, number, author } = comment;
		if (comment.body.includes("<!-- ironbots -->")) return {
			kind: "ignored",
			reason: "a comment of our own"
		};
		const commands = parseCommands(comment.body);
		if (!commands.length) return {
			kind: "ignored",
			reason: "no command in the comment"
		};
		const log = this.#logger.child({
			repo: `${repository.owner}/${repository.name}`,
			pr: number,
			author
		});
		const unknown = commands.filter((c) => !isKnownCommand(c.name));
		const known = commands.filter((c) => isKnownCommand(c.name));
		const lines = [];
		const outcomes = [];
		if (unknown.length) {
			lines.push(`${mention(author)}: I do not know ${unknown.map((c) => quoted(`/${c.name}`)).join(", ")}. The commands are:`, ...Object.values(COMMAND_HELP).map((help) => `- ${help}`));
			for (const c of unknown) outcomes.push({
				name: c.name,
				outcome: "unknown"
			});
		}
		if (known.length) {
			if (!await this.#forge.hasWriteAccess(repository, author)) {
				lines.push(`Sorry ${mention(author)}, only people with write access to ${repository.owner}/${repository.name} can use ${known.map((c) => quoted(`/${c.name}`)).join(", ")}, so nothing was run. A maintainer can run it for you.`);
				for (const c of known) outcomes.push({
					name: c.name,
					outcome: "refused: no write access"
				});
			} else for (const command of known) {
				const outcome = await this.#runCommand(command, comment);
				lines.push(outcome);
				outcomes.push({
					name: command.name,
					outcome
				});
			}
		}
		log.info({ commands: outcomes }, "comment commands handled");
		await this.#reply(repository, number, lines, comment.tag, log, "could not post the reply to a command");
		return {
			kind: "commands",
			commands: outcomes,
			reply: lines
		};
	}
	async #reply(repository, number, lines, tag, log, failure) {
		try {
			const marker = replyMarker(tag);
			if ((await this.#forge.listIssueComments(repository, number)).some((c) => c.body.includes(marker))) {
				log.info({ request: tag }, "this request was answered already: no second reply");
				return;
			}
			await this.#forge.createIssueComment(repository, number, replyBody(lines, tag));
		} catch (error) {
			log.warn({ err: error }, failure);
		}
	}
	async #runCommand(command, comment) {
		const { repository, number, author, tag } = comment;
		if (command.name === "image-refresh") return this.#imageRefreshCommand(repository, command.args, author, `${tag}/${command.name}`);
		const pr = await this.#forge.getPullRequest(repository, number);
		if (pr.state !== "open") return `${quoted(`/${command.name}`)}: the pull request is closed.`;
		if (command.name === "approve") return this.#approveCommand(repository, pr, command.args, author);
		return this.#retestCommand(repository, pr, command.args, `${tag}/${command.name}`);
	}
	async #approveCommand(repository, pr, args, approver) {
		const head = pr.headSha.slice(0, 7);
		const expected = args[0]?.toLowerCase();
		if (expected !== void 0 && (!/^[0-9a-f]{4,40}$/.test(expected) || !pr.headSha.startsWith(expected))) return `\`/approve\`: the head is ${head} now, not ${quoted(args[0])}; look at the new commits, then approve again.`;
		const existing = new Map((await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s]));
		const trust = await this.#trustOf(repository, pr, existing);
		if (trust === "trusted") return `\`/approve\`: ${head} needs no approval; it is tested anyway.`;
		if (trust === "untrusted") await this.#forge.setCommitStatus(repository, pr.headSha, {
			state: "success",
			context: APPROVAL_CONTEXT,
			description: truncateDescription(`Approved by ${approver}`)
		});
		const result = await this.planPullRequest(repository, pr, "webhook", { approved: true });
		return `${quoted("/approve")}: ${head} approved by ${mention(approver)}; ${describePlan(result)}`;
	}
	async #handleLabeled(event, repository) {
		const label = event.label?.name;
		const approvalLabel = this.#trust.approvalLabel;
		if (!approvalLabel || label !== approvalLabel) return {
			kind: "ignored",
			reason: `pull_request labeled ${label ?? ""}`.trim()
		};
		return this.#approveByLabel(repository, event.number, event.pull_request.head.sha, event.sender?.login);
	}
	async #takeOffApprovalLabel(repository, number, labels) {
		const approvalLabel = this.#trust.approvalLabel;
		if (!approvalLabel || !labels.includes(approvalLabel)) return;
		await this.#forge.removePullRequestLabel(repository, number, approvalLabel).then(() => this.#logger.info({
			repo: `${repository.owner}/${repository.name}`,
			pr: number,
			label: approvalLabel
		}, "new commits wait for approval: the approval label was taken off"), (error) => this.#logger.warn({
			err: error,
			repo: `${repository.owner}/${repository.name}`,
			pr: number
		}, "could not take the approval label off"));
	}
	async #approveByLabel(repository, number, labeledSha, sender) {
		const approvalLabel = this.#trust.approvalLabel;
		if (!sender || !await this.#forge.hasWriteAccess(repository, sender)) return {
			kind: "ignored",
			reason: `the ${approvalLabel} label was added by someone without write access`
		};
		const current = await this.#forge.getPullRequest(repository, number);
		if (current.state !== "open" || labeledSha !== null && current.headSha !== labeledSha) return {
			kind: "ignored",
			reason: "the pull request moved on since the label was added"
		};
		const existing = new Map((await this.#forge.listCommitStatuses(repository, current.headSha)).map((s) => [s.context, s]));
		if (await this.#trustOf(repository, current, existing) === "untrusted") await this.#forge.setCommitStatus(repository, current.headSha, {
			state: "success",
			context: APPROVAL_CONTEXT,
			description: truncateDescription(`Approved by ${sender} (${approvalLabel})`)
		});
		return this.planPullRequest(repository, current, "webhook", { approved: true });
	}
	async #retestCommand(repository, pr, names, tag) {
		const head = pr.headSha.slice(0, 7);
		const text = await this.#forge.getFileContent(repository, PROJECT_CONFIG_PATH, pr.headSha);
		if (text === null) return `\`/retest\`: there is no ${PROJECT_CONFIG_PATH} at ${head}.`;
		let config;
		try {
			config = await this.#parseConfig(text);
		} catch (error) {
			if (!(error instanceof ProjectConfigError)) throw error;
			return `\`/retest\`: ${PROJECT_CONFIG_PATH} at ${head} is broken: ${quoted(error.message)}`;
		}
		const existing = new Map((await this.#forge.listCommitStatuses(repository, pr.headSha)).map((s) => [s.context, s]));
		if (await this.#trustOf(repository, pr, existing) === "untrusted") return `\`/retest\`: ${head} is from a fork and waits for approval: \`/approve\` it first.`;
		const contexts = Object.keys(config.contexts);
		const unknown = names.filter((n) => !Object.hasOwn(config.contexts, n));
		if (unknown.length) return `\`/retest\`: ${PROJECT_CONFIG_PATH} at ${head} has no context ${unknown.map((n) => quoted(n)).join(", ")}; its contexts are ${contexts.map((c) => quoted(c)).join(", ")}. Nothing was queued.`;
		const chosen = names.length ? [...new Set(names)] : contexts.filter((c) => {
			const state = existing.get(c)?.state;
			return state === "failure" || state === "error";
		});
		if (!chosen.length) return `\`/retest\`: no context failed at ${head}; name the ones to run again.`;
		const queued = [];
		const busy = [];
		for (const context of chosen) {
			const spec = config.contexts[context];
			const job = {
				...jobFromContext(context, spec, {
					kind: "webhook",
					ref: "retest"
				}, this.#clock()),
				repository: {
					owner: repository.owner,
					name: repository.name,
					cloneUrl: pr.headCloneUrl
				},
				sha: pr.headSha,
				pullRequest: pr.number
			};
			const key = jobDedupKey(job);
			(await this.#rerun(job, key, `${key}~${tag}`, spec.priority) === "busy" ? busy : queued).push(context);
		}
		const parts = [];
		if (queued.length) parts.push(`running ${queued.map((c) => quoted(c)).join(", ")} again at ${head}`);
		if (busy.length) parts.push(`${busy.map((c) => quoted(c)).join(", ")} already queued or running`);
		return `\`/retest\`: ${parts.join("; ")}.`;
	}
	async #rerun(job, key, queueKey, priority) {
		const handled = await this.#jobs.findByDedupKey(queueKey);
		if (handled) {
			this.#logger.info({
				context: job.context,
				sha: job.sha,
				jobId: handled.message.id,
				state: handled.state,
				queueKey
			}, "asked again to run a job again: this request was handled already");
			return { jobId: handled.message.id };
		}
		const repo = {
			owner: job.repository.owner,
			name: job.repository.name
		};
		const records = this.#records;
		if (records) {
			const record = await records.get(key);
			if (record?.state === "open") return "busy";
			if (record) await records.reopen(key);
			else await records.create(key, {
				repo,
				sha: job.sha,
				context: job.context
			});
		}
		await this.#announceNotYetTested(repo, job.sha, job.context);
		const queued = await this.#jobs.enqueue(job, {
			dedupKey: queueKey,
			priority,
			labels: requiredLabels(job)
		});
		this.#logger.info({
			context: job.context,
			sha: job.sha,
			jobId: queued.id,
			duplicate: queued.duplicate,
			queueKey
		}, "job queued again on command");
		return { jobId: queued.id };
	}
	async #imageRefreshCommand(repository, args, author, tag) {
		const usage = `\`/image-refresh\` takes one image name, e.g. \`/image-refresh debian-12\``;
		if (args.length !== 1) return `${usage}.`;
		const image = args[0];
		try {
			assertImageName(image);
		} catch (error) {
			if (!(error instanceof ImageReferenceError)) throw error;
			return `${usage}: ${quoted(image)} is not an image name (lower-case letters, digits, '.', '_' and '-').`;
		}
		const branch = await this.#defaultHead(repository);
		if (!branch) return `\`/image-refresh\`: ${repository.defaultBranch} has no commit yet.`;
		const job = this.#imageRefreshJob(repository, image, { sha: branch.sha }, {
			kind: "webhook",
			ref: `image-refresh by ${author}`
		});
		const key = jobDedupKey(job);
		const rerun = await this.#rerun(job, key, `${key}~${tag}`, 0);
		const at = `${repository.defaultBranch} at ${branch.sha.slice(0, 7)}`;
		if (rerun === "busy") return `\`/image-refresh\`: ${quoted(job.context)} is already queued or running on ${at}.`;
		return `\`/image-refresh\`: queued ${quoted(job.context)} on ${at}; it runs ${quoted(job.command.join(" "))}, which builds and boot-tests the image, uploads it and opens a pull request updating images/${image}.` + (this.#logUrl ? ` Its log: ${this.#logUrl(rerun.jobId)}` : "");
	}
	#imageRefreshJob(repository, image, at, trigger) {
		const settings = this.#imageRefresh;
		const base = {
			owner: repository.owner,
			name: repository.name,
			cloneUrl: repository.cloneUrl
		};
		return {
			context: `image-refresh/${image}`,
			command: [
				"ironbots",
				"image-refresh",
				image,
				"--repository",
				`${repository.owner}/${repository.name}`,
				...at.pullRequest === void 0 ? [] : ["--pull-request", String(at.pullRequest)]
			],
			labels: [...settings.labels],
			timeoutSeconds: settings.timeoutSeconds,
			env: {},
			executor: settings.executor,
			repository: base,
			sha: at.sha,
			...at.checkoutSha === void 0 ? {} : { checkout: {
				repository: base,
				sha: at.checkoutSha
			} },
			trigger,
			createdAt: this.#clock().toISOString()
		};
	}
	async #planTasks(repository, pr, request) {
		const tasks = request.edit ? request.edit.requested : uncheckedImageRefreshTasks(pr.body);
		if (!tasks.length || pr.state !== "open") return [];
		const named = `${repository.owner}/${repository.name}`;
		const log = this.#logger.child({
			repo: named,
			pr: pr.number,
			trigger: request.trigger
		});
		const outcomes = [];
		const lines = [];
		const listed = tasks.map((t) => quoted(t.text)).join(", ");
		const refuseAll = (line) => {
			for (const t of tasks) outcomes.push({
				task: t.text,
				outcome: "refused"
			});
			lines.push(line);
		};
		const askers = [.../* @__PURE__ */ new Set([pr.author, ...request.edit ? [request.edit.editor] : []])];
		const withoutAccess = [];
		if (pr.headRepositoryDeleted || pr.headCloneUrl !== repository.cloneUrl) refuseAll(`${listed}: the branch of this pull request is not in ${named}, and I push only to branches of ${named}, so I do not run these tasks here. A maintainer can comment \`/image-refresh <image>\`, which proposes the image in a pull request of its own.`);
		else {
			for (const login of askers) if (!await this.#forge.hasWriteAccess(repository, login)) withoutAccess.push(login);
			if (withoutAccess.length) refuseAll(`Sorry ${withoutAccess.map(mention).join(" and ")}, only pull requests of people with write access to ${named} (and their edits) run tasks like ${listed}, so nothing was run.`);
		}
		if (!outcomes.length) {
			const images = [];
			for (const task of tasks) {
				const image = task.args.length === 1 ? task.args[0] : null;
				if (image !== null && isImageName(image)) images.push({
					task,
					image
				});
				else {
					outcomes.push({
						task: task.text,
						outcome: "invalid"
					});
					lines.push(`${quoted(`- [ ] ${task.text}`)}: the task \`image-refresh\` takes one image name (lower-case letters, digits, '.', '_' and '-'), e.g. \`- [ ] image-refresh debian-12\`; nothing was queued for it.`);
				}
			}
			const branch = images.length ? await (request.defaultHead ?? (() => this.#defaultHead(repository)))() : void 0;
			for (const { task, image } of images) {
				if (!branch) {
					outcomes.push({
						task: task.text,
						outcome: "refused"
					});
					lines.push(`${quoted(task.text)}: ${repository.defaultBranch} has no commit yet.`);
					continue;
				}
				const queued = await this.#queueImageRefreshTask(repository, pr, task, image, branch.sha, request);
				outcomes.push(queued.outcome);
				if (queued.line) lines.push(queued.line);
			}
		}
		log.info({ tasks: outcomes }, "task boxes of the description handled");
		if (request.answer && lines.length) await this.#reply(repository, pr.number, lines, request.tag, log, "could not answer the task boxes");
		return outcomes;
	}
	async #defaultHead(repository) {
		return (await this.#forge.listBranches(repository)).find((b) => b.name === repository.defaultBranch);
	}
	async #queueImageRefreshTask(repository, pr, task, image, defaultSha, request) {
		const job = this.#imageRefreshJob(repository, image, {
			sha: pr.headSha,
			pullRequest: pr.number,
			checkoutSha: defaultSha
		}, {
			kind: request.trigger,
			ref: `task ${task.text} on #${pr.number}`
		});
		const { owner, name } = repositoryKey(repository);
		const taskKey = `task:${owner}/${name}#${pr.number}:${task.text}`;
		if (!await this.#jobs.findByDedupKey(taskKey)) {
			if (this.#records ? (await this.#records.create(jobDedupKey(job), {
				repo: repository,
				sha: pr.headSha,
				context: job.context
			})).created : true) await this.#announceNotYetTested(repository, pr.headSha, job.context);
		}
		const first = await this.#jobs.enqueue(job, {
			dedupKey: taskKey,
			priority: 0,
			labels: requiredLabels(job)
		});
		let jobId = first.id;
		if (first.duplicate) {
			if (!(request.edit?.requested.some((t) => t.text === task.text) === true)) return { outcome: {
				task: task.text,
				outcome: "duplicate",
				jobId: first.id
			} };
			const previous = await this.#jobs.state(first.id);
			const rerun = previous?.state === "queued" || previous?.state === "leased" ? "busy" : await this.#rerun(job, jobDedupKey(job), `${taskKey}~${request.tag}`, 0);
			if (rerun === "busy") return {
				outcome: {
					task: task.text,
					outcome: "busy",
					jobId: first.id
				},
				line: `${quoted(task.text)}: ${quoted(job.context)} is already queued or running for this pull request.`
			};
			jobId = rerun.jobId;
		}
		this.#logger.info({
			repo: `${repository.owner}/${repository.name}`,
			pr: pr.number,
			task: task.text,
			jobId
		}, "task queued");
		return {
			outcome: {
				task: task.text,
				outcome: "queued",
				jobId
			},
			line: `${quoted(task.text)}: queued ${quoted(job.context)}; it runs ${quoted(job.command.join(" "))} on ${repository.defaultBranch} at ${defaultSha.slice(0, 7)}, which builds and boot-tests the image, uploads it, commits images/${image} to ${pr.headRef} and ticks the box.` + (this.#logUrl ? ` Its log: ${this.#logUrl(jobId)}` : "")
		};
	}
	#needsJob(status, timeoutSeconds) {
		if (status.state !== "pending") return false;
		if (status.description === "Not yet tested") return true;
		if (isWaitingForApproval(status.description)) return true;
		if (isInProgress(status.description)) return this.#clock().getTime() - Date.parse(status.createdAt) > (timeoutSeconds + 600) * 1e3;
		return false;
	}
	async #announceNotYetTested(repository, sha, context, log = this.#logger) {
		await this.#setNotYetTested(repository, sha, context).catch((error) => log.warn({
			err: error,
			context
		}, "could not post \"Not yet tested\"; queueing the job anyway"));
	}
	async #setNotYetTested(repository, sha, context) {
		await this.#forge.setCommitStatus(repository, sha, {
			state: "pending",
			context,
			description: NOT_YET_TESTED
		});
	}
	#isInfraRepository(repository) {
		const named = `${repository.owner}/${repository.name}`.toLowerCase();
		return (this.#trust.infraRepositories ?? []).some((r) => r.toLowerCase() === named);
	}
	async #projectHead(project) {
		const named = `${project.owner}/${project.name}`;
		let repo;
		try {
			repo = await this.#forge.getRepository(project);
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return `repository ${named} does not exist`;
			throw error;
		}
		const branch = (await this.#forge.listBranches(project)).find((b) => b.name === repo.defaultBranch);
		if (!branch) return `${named} has no branch ${repo.defaultBranch}`;
		const text = await this.#forge.getFileContent(project, PROJECT_CONFIG_PATH, branch.sha);
		if (text === null) return `${named} has no ${PROJECT_CONFIG_PATH} on ${repo.defaultBranch}`;
		try {
			return {
				repository: {
					owner: repo.owner,
					name: repo.name,
					cloneUrl: repo.cloneUrl
				},
				sha: branch.sha,
				config: await this.#parseConfig(text)
			};
		} catch (error) {
			if (error instanceof ProjectConfigError) return `${named}'s ${error.message}`;
			throw error;
		}
	}
	#crossProjectPolicy() {
		return {
			infraRepositories: this.#trust.infraRepositories ?? [],
			trustedAuthors: this.#trust.trustedAuthors
		};
	}
	async #trustOf(repository, pr, existing) {
		if (!pr.headRepositoryDeleted && pr.headCloneUrl === repository.cloneUrl) return "trusted";
		if (this.#trust.trustedAuthors.includes(pr.author)) return "trusted";
		if (existing.get("ironbots/approval")?.state === "success") return "approved";
		return await this.#forge.hasWriteAccess(repository, pr.author) ? "trusted" : "untrusted";
	}
};
function mention(login) {
	return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(login) ? `@${login}` : quoted(login);
}
function describePlan(result) {
	switch (result.kind) {
		case "planned": {
			const fresh = result.jobs.filter((j) => !j.duplicate).map((j) => quoted(j.context));
			return fresh.length ? `testing ${fresh.join(", ")}.` : "every context already has a job.";
		}
		case "config-error": return `but ${PROJECT_CONFIG_PATH} is broken: ${quoted(result.message)}`;
		case "ignored": return `but nothing runs: ${result.reason}.`;
		default: return "nothing to run.";
	}
}
function isTransientForgeFailure(error) {
	if (error instanceof ForgeError) return error.status >= 500 || error.status === 429 || error.status === 0;
	return !(error instanceof ProjectConfigError);
}
export { commentPayloadProblem as i, Planner as n, isTransientForgeFailure as r, DEFAULT_IMAGE_REFRESH_JOBS as t };
