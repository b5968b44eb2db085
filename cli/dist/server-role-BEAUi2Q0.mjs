import { o as __toESM } from "./rolldown-runtime-C-QR9u70.mjs";
import { t as errorMessage } from "./errors-CPHbNZhY.mjs";
import { a as BodyTooLargeError, c as readBody, i as BodyBudgetExhaustedError, l as readBodyWithin, n as exactRoute, o as ByteBudget, r as startHttpServer, s as isClientGone, t as require_escape_html } from "./escape-html-BsERcqhk.mjs";
import { n as sendError, r as sendJson, t as bearerTokenCheck } from "./bearer-token-DAbVvKlp.mjs";
import { i as commentPayloadProblem, n as Planner, r as isTransientForgeFailure } from "./planner-BRDWxI-P.mjs";
import { t as ForgeError } from "./forge-CSA4ojXu.mjs";
import { a as jobDedupKey, n as ExecutorNameSchema, o as requiredLabels } from "./job-27BlS2A5.mjs";
import { a as resolveInfraPullRequest, r as parseCrossProjectContext } from "./cross-project-BR8Oy66k.mjs";
import { a as NOT_YET_TESTED, c as cancelReason, o as SUBMITTED_NOT_YET_TESTED } from "./status-text-qXXJmof_.mjs";
import { i as listJobs, n as cancelJob, r as cancelSupersededJobs, s as endCancelledRecord, t as LISTED_STATES } from "./job-control-70_PEqFM.mjs";
import { t as StatusPublisher } from "./status-publisher-DSepnawO.mjs";
import { c as object, l as record, n as _enum, p as _coercedNumber, r as array, s as number$1, t as ZodNumber, u as string } from "./schemas-DBDOb4Wg.mjs";
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { setTimeout as setTimeout$1 } from "node:timers/promises";
// node_modules/zod/v4/classic/coerce.js
function number(params) {
	return _coercedNumber(ZodNumber, params);
}
// runner-agent/src/planner/planner-worker.ts
async function runPlannerWorker(options, signal) {
	const { events, planner, logger } = options;
	const consumer = {
		name: options.name ?? "planner",
		labels: []
	};
	const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 12e4;
	while (!signal.aborted) {
		const lease = await events.lease(consumer, {
			visibilityTimeoutMs,
			waitMs: 5e3,
			signal
		});
		if (!lease) continue;
		const delivery = lease.message.payload;
		const log = logger.child({
			deliveryId: delivery.deliveryId,
			event: delivery.event
		});
		try {
			const result = await planner.handleDelivery(delivery);
			await events.ack(lease);
			log.info({
				result: result.kind,
				...result.kind === "ignored" ? { reason: result.reason } : {}
			}, "delivery planned");
			options.onPlanned?.(delivery, result);
		} catch (error) {
			const retry = isTransientForgeFailure(error);
			const outcome = await events.nack(lease, {
				reason: String(error.message ?? error),
				retry
			});
			log.warn({
				err: error,
				retry,
				outcome: outcome.outcome,
				attempt: lease.message.attempt
			}, "planning failed");
		}
	}
}
// runner-agent/src/server/jobs-api.ts
const JobSubmissionSchema = object({
	context: string().min(1).max(100),
	command: array(string()).min(1),
	labels: array(string().min(1)).default([]),
	timeoutSeconds: number$1().int().positive().max(86400).default(3600),
	env: record(string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), string()).default({}),
	executor: ExecutorNameSchema.default("process"),
	image: string().min(1).optional(),
	priority: number$1().int().min(-100).max(100).default(0),
	repository: object({
		owner: string().min(1),
		name: string().min(1)
	}).optional(),
	sha: string().regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit id").optional()
}).strict().refine((s) => !s.sha || s.repository, {
	message: "sha needs a repository",
	path: ["sha"]
});
const JobCancelSchema = object({
	by: string().min(1).max(64).optional(),
	reason: string().min(1).max(200).optional()
}).strict();
const ListQuerySchema = object({
	state: _enum(LISTED_STATES).optional(),
	limit: number().int().min(1).max(1e3).default(50)
});
const JOB_ID = ":id(^[A-Za-z0-9._-]{1,100}$)";
function jobsApiRoute(options) {
	const authorized = bearerTokenCheck(options.tokens);
	return {
		paths: [
			"/api/v1/jobs",
			`/api/v1/jobs/${JOB_ID}`,
			`/api/v1/jobs/${JOB_ID}/cancel`
		],
		async handle(req, res, url, { id }) {
			if (!authorized(req)) {
				req.resume();
				sendError(res, 401, "missing or invalid bearer token", { "www-authenticate": "Bearer" });
				return;
			}
			if (id === void 0) {
				if (req.method === "POST") await submit(req, res, options);
				else if (req.method === "GET") await list(url, res, options);
				else sendError(res, 405, "POST a job here, or GET the list", { allow: "GET, POST" });
			} else if (url.pathname.endsWith("/cancel")) {
				if (req.method !== "POST") sendError(res, 405, "POST to cancel the job", { allow: "POST" });
				else await cancel(id, req, res, options);
			} else if (req.method !== "GET") sendError(res, 405, "GET a job here", { allow: "GET" });
			else await describe(id, res, options);
		}
	};
}
async function submit(req, res, options) {
	let body;
	try {
		body = JSON.parse((await readBody(req, 1048576)).toString("utf8"));
	} catch (error) {
		if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
		return sendError(res, 400, "body is not valid JSON");
	}
	const parsed = JobSubmissionSchema.safeParse(body);
	if (!parsed.success) return badRequest(res, parsed.error, "body");
	const submission = parsed.data;
	let repository;
	if (submission.repository) {
		if (!options.forge) return sendError(res, 400, "repository: this server has no forge configured");
		try {
			const repo = await options.forge.getRepository(submission.repository);
			repository = {
				owner: repo.owner,
				name: repo.name,
				cloneUrl: repo.cloneUrl
			};
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return sendError(res, 400, `repository: ${submission.repository.owner}/${submission.repository.name} not found`);
			throw error;
		}
	}
	const crossProject = parseCrossProjectContext(submission.context);
	if (typeof crossProject === "string") return sendError(res, 400, `context: ${crossProject}`);
	let infra;
	if (crossProject) {
		if (!repository || !submission.sha) return sendError(res, 400, "context: a cross-project context needs repository and sha (the project commit it tests)");
		const resolved = await resolveInfraPullRequest(options.forge, crossProject.infra, {
			infraRepositories: options.trust?.infraRepositories ?? [],
			trustedAuthors: options.trust?.trustedAuthors ?? []
		});
		if (resolved.kind === "refused") return sendError(res, 422, `context: ${resolved.reason}`);
		infra = resolved.infra;
	}
	const job = {
		context: submission.context,
		command: submission.command,
		labels: submission.labels,
		timeoutSeconds: submission.timeoutSeconds,
		env: submission.env,
		executor: submission.executor,
		...submission.image ? { image: submission.image } : {},
		...repository ? { repository } : {},
		...submission.sha ? { sha: submission.sha } : {},
		...infra ? { infra } : {},
		trigger: { kind: "api" },
		createdAt: (options.clock?.() ?? /* @__PURE__ */ new Date()).toISOString()
	};
	const idempotencyKey = req.headers["idempotency-key"];
	if (repository && submission.sha) await options.forge.setCommitStatus(repository, submission.sha, {
		state: "pending",
		context: job.context,
		description: infra ? SUBMITTED_NOT_YET_TESTED : NOT_YET_TESTED
	});
	const queued = await options.jobs.enqueue(job, {
		labels: requiredLabels(job),
		priority: submission.priority,
		...typeof idempotencyKey === "string" && idempotencyKey ? { dedupKey: `api:${idempotencyKey}` } : {}
	});
	options.logger.info({
		jobId: queued.id,
		context: job.context,
		duplicate: queued.duplicate
	}, "job submitted");
	sendJson(res, queued.duplicate ? 200 : 201, {
		id: queued.id,
		state: "queued",
		duplicate: queued.duplicate,
		url: `${options.publicUrl()}/api/v1/jobs/${queued.id}`,
		logUrl: options.logUrl(queued.id)
	});
}
async function describe(id, res, options) {
	const found = await findJob(id, options);
	if (!found) return sendError(res, 404, `no job ${id}`);
	sendJson(res, 200, found);
}
async function findJob(id, options) {
	const queued = await options.jobs.state(id);
	const meta = await options.logStore.meta(id);
	if (!queued && !meta) return null;
	let state;
	if (queued?.state === "dead") state = "dead";
	else if (queued?.state === "cancelled") state = "cancelled";
	else if (meta && meta.state !== "running" && queued?.state !== "queued" && queued?.state !== "leased") state = meta.state;
	else if (queued?.state === "leased" && queued.cancelRequested !== void 0) state = "cancelling";
	else if (queued?.state === "leased" || meta?.state === "running") state = "running";
	else state = "queued";
	const description = queued?.state === "dead" && queued.reason ? `dead-lettered: ${queued.reason}` : queued?.state === "cancelled" && meta?.state !== "cancelled" ? `Cancelled: ${queued.reason ?? "by request"}` : meta?.description;
	return {
		id,
		context: meta?.context ?? queued?.message.payload.context,
		state,
		...description ? { description } : {},
		...queued?.cancelRequested !== void 0 ? { cancelRequested: queued.cancelRequested } : {},
		...meta ? { logUrl: options.logUrl(id) } : {},
		...meta?.exitCode !== void 0 ? { exitCode: meta.exitCode } : {},
		attempt: queued?.message.attempt ?? meta?.attempt
	};
}
async function list(url, res, options) {
	const parsed = ListQuerySchema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) return badRequest(res, parsed.error, "query");
	const { state, limit } = parsed.data;
	sendJson(res, 200, { jobs: await listJobs(options.jobs, {
		limit,
		...state ? { state } : {}
	}) });
}
async function cancel(id, req, res, options) {
	let body = {};
	try {
		const text = (await readBody(req, 16384)).toString("utf8");
		if (text.trim()) body = JSON.parse(text);
	} catch (error) {
		if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
		return sendError(res, 400, "body is not valid JSON");
	}
	const parsed = JobCancelSchema.safeParse(body);
	if (!parsed.success) return badRequest(res, parsed.error, "body");
	const result = await cancelJob({
		jobs: options.jobs,
		logStore: options.logStore,
		logger: options.logger,
		statuses: options.records ? {
			records: options.records,
			publisher: options.publisher ?? null
		} : null,
		logUrl: options.logUrl
	}, id, cancelReason(parsed.data.by ?? "an API client", parsed.data.reason));
	if (result.kind === "unknown") {
		const found = await findJob(id, options);
		if (!found) return sendError(res, 404, `no job ${id}`);
		return sendJson(res, 409, {
			...found,
			error: `job ${id} already ended: ${String(found.state)}`
		});
	}
	if (result.kind === "finished") {
		const found = await findJob(id, options) ?? {
			id,
			state: result.job.state
		};
		return sendJson(res, 409, {
			...found,
			error: `job ${id} already ended: ${String(found.state)}`
		});
	}
	sendJson(res, 202, {
		...result.job,
		...result.kind === "cancelled" ? { description: result.description } : {},
		...options.publicUrl ? { url: `${options.publicUrl()}/api/v1/jobs/${id}` } : {}
	});
}
function badRequest(res, error, what) {
	const issue = error.issues[0];
	sendError(res, 400, `${issue.path.join(".") || what}: ${issue.message}`);
}
// runner-agent/src/webhooks/delivery.ts
const TIME_BASED_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-([0-9a-f]{4})-([0-9a-f]{12})$/i;
function deliveryDedupKey(delivery) {
	const timeBased = TIME_BASED_UUID.exec(delivery.deliveryId);
	if (!timeBased) return `${delivery.forge}:${delivery.deliveryId}`;
	const [, low, mid, high, clockSequence, node] = timeBased;
	return `${delivery.forge}:${high}${mid}${low}-${clockSequence}-${node}`.toLowerCase();
}
function intakeSettings(options) {
	return {
		limit: options.maxBodyBytes ?? 26214400,
		pending: new ByteBudget(options.maxPendingBytes ?? 67108864),
		idleTimeoutMs: options.bodyIdleMs ?? 1e4,
		clock: options.clock ?? (() => /* @__PURE__ */ new Date()),
		count: (event, outcome) => options.onOutcome?.(event ?? "unknown", outcome)
	};
}
async function readDeliveryBody(req, res, options) {
	const { logger, count, event, deliveryId, limit, pending } = options;
	try {
		return await readBodyWithin(req, limit, {
			budget: pending,
			idleTimeoutMs: options.idleTimeoutMs,
			...options.onChunk ? { onChunk: options.onChunk } : {}
		});
	} catch (error) {
		if (error instanceof BodyTooLargeError || error instanceof BodyBudgetExhaustedError) {
			const tooLarge = error instanceof BodyTooLargeError;
			logger.warn({
				deliveryId,
				event,
				limit,
				pendingBytes: pending.held
			}, tooLarge ? "webhook body too large" : "too many webhook bytes in progress: delivery refused");
			count(event, tooLarge ? "too-large" : "overloaded");
			res.once("finish", () => req.destroy());
			if (tooLarge) sendError(res, 413, error.message, { connection: "close" });
			else sendError(res, 503, error.message, {
				connection: "close",
				"retry-after": "5"
			});
			return null;
		}
		if (isClientGone(error, req)) {
			logger.debug({
				deliveryId,
				event,
				err: error
			}, "webhook sender went away before the body was complete");
			return null;
		}
		throw error;
	}
}
async function acceptDelivery(body, res, options) {
	const { event, deliveryId, logger, count } = options;
	const text = body.toString("utf8");
	let payload;
	try {
		payload = JSON.parse(text);
	} catch {
		count(event, "bad-request");
		return sendError(res, 400, "payload is not valid JSON");
	}
	if (typeof payload !== "object" || payload === null) {
		count(event, "bad-request");
		return sendError(res, 400, "payload must be a JSON object");
	}
	if (nestingExceeds(payload, 64)) {
		logger.warn({
			deliveryId,
			event
		}, "webhook payload nested too deeply");
		count(event, "too-deep");
		return sendError(res, 400, `payload is nested deeper than 64 levels`);
	}
	if (options.ping) {
		count(event, "ping");
		return sendJson(res, 200, {
			ok: true,
			pong: deliveryId
		});
	}
	const problem = commentPayloadProblem(options.forge, event, payload);
	if (problem) {
		logger.warn({
			deliveryId,
			event,
			problem
		}, "comment delivery refused");
		count(event, "bad-request");
		return sendError(res, 400, problem);
	}
	const delivery = {
		forge: options.forge,
		deliveryId,
		event,
		receivedAt: options.clock().toISOString(),
		payload
	};
	let queued;
	try {
		queued = await options.events.enqueue(delivery, {
			dedupKey: deliveryDedupKey(delivery),
			payloadJson: deliveryJson(delivery, text)
		});
	} catch (error) {
		logger.error({
			err: error,
			deliveryId,
			event
		}, "could not enqueue webhook delivery");
		count(event, "queue-unavailable");
		return sendError(res, 503, "queue unavailable; redeliver later", { "retry-after": "30" });
	}
	logger.info({
		forge: options.forge,
		deliveryId,
		event,
		messageId: queued.id,
		duplicate: queued.duplicate
	}, "webhook delivery queued");
	count(event, queued.duplicate ? "duplicate" : "queued");
	sendJson(res, queued.duplicate ? 200 : 202, {
		queued: !queued.duplicate,
		duplicate: queued.duplicate,
		id: queued.id
	});
}
function nestingExceeds(value, max) {
	const pending = [];
	if (typeof value === "object" && value !== null) pending.push({
		value,
		depth: 1
	});
	for (let next = pending.pop(); next; next = pending.pop()) {
		if (next.depth > max) return true;
		for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) if (typeof child === "object" && child !== null) pending.push({
			value: child,
			depth: next.depth + 1
		});
	}
	return false;
}
function deliveryJson(delivery, payloadText) {
	const { payload: _parsed, ...envelope } = delivery;
	return `${JSON.stringify(envelope).slice(0, -1)},"payload":${payloadText}}`;
}
function header(req, name) {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value || void 0;
}
// runner-agent/src/webhooks/github-receiver.ts
function createGitHubReceiver(options) {
	const { limit, pending, idleTimeoutMs, clock, count } = intakeSettings(options);
	const { logger, events, secret } = options;
	const receiveGitHubWebhook = async (req, res) => {
		if (req.method !== "POST") return sendError(res, 405, "webhooks are POSTed", { allow: "POST" });
		const event = header(req, "x-github-event");
		const deliveryId = header(req, "x-github-delivery");
		const signature = header(req, "x-hub-signature-256");
		const missing = [!event && "X-GitHub-Event", !deliveryId && "X-GitHub-Delivery"].filter(Boolean);
		if (missing.length) {
			req.resume();
			count(event, "bad-request");
			return sendError(res, 400, `missing header ${missing.join(", ")}`);
		}
		const expected = signature ? parseSignature(signature) : void 0;
		if (!expected) {
			req.resume();
			count(event, "bad-signature");
			return sendError(res, 401, signature ? "X-Hub-Signature-256 is not sha256=<64 hex digits>" : "missing X-Hub-Signature-256: configure the webhook with the shared secret");
		}
		const hmac = createHmac("sha256", secret);
		const read = await readDeliveryBody(req, res, {
			limit,
			pending,
			idleTimeoutMs,
			onChunk: (chunk) => hmac.update(chunk),
			logger,
			count,
			event,
			deliveryId
		});
		if (!read) return;
		try {
			if (!timingSafeEqual(hmac.digest(), expected)) {
				logger.warn({
					deliveryId,
					event
				}, "webhook signature mismatch");
				count(event, "bad-signature");
				return sendError(res, 401, "signature does not match the payload");
			}
			await acceptDelivery(read.body, res, {
				forge: "github",
				event,
				deliveryId,
				events,
				logger,
				count,
				clock,
				ping: event === "ping"
			});
		} finally {
			read.release();
		}
	};
	return Object.assign(receiveGitHubWebhook, { pendingBytes: () => pending.held });
}
function parseSignature(header) {
	const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
	return match ? Buffer.from(match[1], "hex") : void 0;
}
// runner-agent/src/webhooks/gitlab-receiver.ts
function gitlabEventName(headerValue) {
	return headerValue.replace(/\s*Hook$/i, "").trim().toLowerCase().replace(/\s+/g, "_");
}
function createGitLabReceiver(options) {
	const { limit, pending, idleTimeoutMs, clock, count } = intakeSettings(options);
	const { logger, events } = options;
	const secretDigest = createHash("sha256").update(options.secret).digest();
	return async (req, res) => {
		if (req.method !== "POST") return sendError(res, 405, "webhooks are POSTed", { allow: "POST" });
		const eventHeader = header(req, "x-gitlab-event");
		const event = eventHeader ? gitlabEventName(eventHeader) : void 0;
		const token = header(req, "x-gitlab-token");
		if (!token || !timingSafeEqual(createHash("sha256").update(token).digest(), secretDigest)) {
			req.resume();
			count(event, "bad-signature");
			logger.warn({ event }, token ? "GitLab webhook token mismatch" : "GitLab webhook without a token");
			return sendError(res, 401, token ? "X-Gitlab-Token does not match" : "missing X-Gitlab-Token: configure the webhook with the secret token");
		}
		const deliveryId = header(req, "idempotency-key") ?? header(req, "x-gitlab-event-uuid");
		const missing = [!event && "X-Gitlab-Event", !deliveryId && "Idempotency-Key or X-Gitlab-Event-UUID"].filter(Boolean);
		if (missing.length) {
			req.resume();
			count(event, "bad-request");
			return sendError(res, 400, `missing header ${missing.join(", ")}`);
		}
		const read = await readDeliveryBody(req, res, {
			limit,
			pending,
			idleTimeoutMs,
			logger,
			count,
			event,
			deliveryId
		});
		if (!read) return;
		try {
			await acceptDelivery(read.body, res, {
				forge: "gitlab",
				event,
				deliveryId,
				events,
				logger,
				count,
				clock
			});
		} finally {
			read.release();
		}
	};
}
// runner-agent/src/statuses/status-reconciler.ts
const CANCELLED_LOOKBACK = 50;
var StatusReconciler = class {
	#o;
	#clock;
	#holder = `reconciler/${randomUUID()}`;
	constructor(options) {
		this.#o = options;
		this.#clock = options.clock ?? Date.now;
	}
	async pass(signal) {
		let abandoned = 0;
		for (const dead of await this.#o.jobs.deadLetters()) {
			const key = jobDedupKey(dead.message.payload);
			if (!key) continue;
			if (await this.#o.records.abandon(key, {
				state: "error",
				description: `Gave up after ${dead.message.attempt} attempt(s): ${dead.reason}`.slice(0, 140),
				targetUrl: this.#o.logUrl(dead.message.id)
			})) {
				abandoned++;
				this.#o.logger.warn({
					jobId: dead.message.id,
					reason: dead.reason
				}, "dead-lettered job ended with an error status");
			}
		}
		for (const status of await this.#o.jobs.list({
			state: "cancelled",
			limit: CANCELLED_LOOKBACK
		})) {
			const statuses = {
				records: this.#o.records,
				publisher: null
			};
			const logUrl = this.#o.logUrl;
			if (await endCancelledRecord({
				statuses,
				logUrl
			}, status, { publish: false })) {
				abandoned++;
				this.#o.logger.warn({ jobId: status.message.id }, "cancelled job ended with an error status");
			}
		}
		let published = 0;
		let pending = 0;
		for (const record of await this.#o.records.unpublished(this.#clock(), { holder: this.#holder })) {
			if (signal?.aborted) break;
			if (await this.#o.publisher.publishIfFree(record.key, this.#holder, this.#o.intervalMs, signal)) published++;
			else pending++;
		}
		return {
			abandoned,
			published,
			pending
		};
	}
	async run(signal) {
		while (!signal.aborted) {
			try {
				const done = await this.pass(signal);
				if (done.abandoned || done.published || done.pending) this.#o.logger.info(done, "statuses reconciled");
			} catch (error) {
				this.#o.logger.warn({ err: error }, "status reconciliation failed; trying again");
			}
			await new Promise((resolve) => {
				const timer = setTimeout(resolve, this.#o.intervalMs);
				signal.addEventListener("abort", () => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}
};
// runner-agent/src/dashboard/html.ts
var import_escape_html = /* @__PURE__ */ __toESM(require_escape_html(), 1);
var SafeHtml = class {
	text;
	constructor(text) {
		this.text = text;
	}
	toString() {
		return this.text;
	}
};
function render(value) {
	if (value === null || value === void 0) return "";
	if (value instanceof SafeHtml) return value.text;
	if (Array.isArray(value)) return value.map(render).join("");
	return (0, import_escape_html.default)(String(value));
}
function html(strings, ...values) {
	let out = strings[0];
	values.forEach((value, i) => {
		out += render(value) + strings[i + 1];
	});
	return new SafeHtml(out);
}
// runner-agent/src/dashboard/dashboard.ts
const OPEN_RECORDS_LIMIT = 1e3;
async function dashboardSnapshot(options) {
	const now = (options.clock ?? Date.now)();
	const [jobStats, eventStats, open, agents, dead, cancelled, finished] = await Promise.all([
		options.jobs.stats(),
		options.events.stats(),
		options.records.openSince(now + 1, OPEN_RECORDS_LIMIT),
		options.agents ? options.agents.list() : Promise.resolve(null),
		options.jobs.deadLetters(),
		options.jobs.list({
			state: "cancelled",
			limit: 20
		}),
		options.records.recentlyFinished(100)
	]);
	const groups = /* @__PURE__ */ new Map();
	const running = [];
	const states = await Promise.all(open.map(async (record) => ({
		record,
		queued: record.jobId ? await options.jobs.state(record.jobId) : null
	})));
	for (const { record, queued } of states) {
		if (!queued) continue;
		if (queued.state === "queued") {
			const labels = [...queued.message.labels].sort();
			const key = JSON.stringify(labels);
			const group = groups.get(key) ?? {
				labels,
				queued: 0,
				oldestEnqueuedAt: queued.message.enqueuedAt
			};
			group.queued += 1;
			group.oldestEnqueuedAt = Math.min(group.oldestEnqueuedAt, queued.message.enqueuedAt);
			groups.set(key, group);
		} else if (queued.state === "leased") running.push({
			jobId: queued.message.id,
			record,
			agent: record.holder,
			attempt: queued.message.attempt
		});
	}
	return {
		now,
		jobStats,
		eventStats,
		groups: [...groups.values()].sort((a, b) => a.oldestEnqueuedAt - b.oldestEnqueuedAt),
		running,
		agents,
		dead: dead.sort((a, b) => b.deadAt - a.deadAt).slice(0, 50),
		cancelled,
		failures: finished.filter((r) => r.outcome && r.outcome.state !== "success").slice(0, 20)
	};
}
function dashboardRoute(options) {
	const hasToken = bearerTokenCheck(options.tokens);
	const authorized = (req) => options.public || hasToken(req);
	return {
		paths: ["/"],
		async handle(req, res) {
			if (req.method !== "GET" && req.method !== "HEAD") {
				sendError(res, 405, "the dashboard is read-only: GET it", { allow: "GET, HEAD" });
				return;
			}
			if (!authorized(req)) {
				sendError(res, 401, "missing or invalid bearer token (or set server.dashboard.public)", { "www-authenticate": "Bearer" });
				return;
			}
			let page;
			try {
				page = renderDashboard(await dashboardSnapshot(options), options).text;
			} catch (error) {
				options.logger.error({ err: error }, "dashboard failed");
				sendError(res, 503, "the dashboard could not read the queue or the state store");
				return;
			}
			res.writeHead(200, {
				"content-type": "text/html; charset=utf-8",
				"cache-control": "no-store",
				"x-content-type-options": "nosniff",
				"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
			});
			res.end(req.method === "HEAD" ? void 0 : page);
		}
	};
}
function renderDashboard(snapshot, options = {}) {
	const { now } = snapshot;
	const silentAfterMs = options.silentAfterMs ?? 3e4;
	const ago = (at) => html`<time datetime="${new Date(at).toISOString()}">${duration(now - at)} ago</time>`;
	const logLink = (jobId) => html`<a class="log" href="/logs/${encodeURIComponent(jobId)}.html">live log</a>`;
	const repo = (r) => `${r.target.repo.owner}/${r.target.repo.name}@${r.target.sha.slice(0, 8)}`;
	const empty = (columns, text) => html`<tr>
      <td colspan="${columns}" class="empty">${text}</td>
    </tr>`;
	const labels = (list) => list.length ? list.map((l) => html`<span class="label">${l}</span> `) : html`<span class="none">any</span>`;
	const stats = (name, s) => html`<tr>
      <th>${name}</th>
      <td>${s.queued}</td>
      <td>${s.leased}</td>
      <td>${s.done}</td>
      <td>${s.dead}</td>
      <td>${s.cancelled}</td>
    </tr>`;
	return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="${options.refreshSeconds ?? 10}" />
        <title>ironbots dashboard</title>
        <style>
          body {
            font:
              14px/1.4 system-ui,
              sans-serif;
            margin: 1.5em;
            color: #222;
          }
          h1 {
            font-size: 1.4em;
          }
          h2 {
            font-size: 1.1em;
            margin-top: 1.6em;
          }
          table {
            border-collapse: collapse;
            min-width: 40em;
          }
          th,
          td {
            border: 1px solid #ccc;
            padding: 0.25em 0.6em;
            text-align: left;
            vertical-align: top;
          }
          thead th {
            background: #eef;
          }
          .label {
            background: #e8e8e8;
            border-radius: 3px;
            padding: 0 0.3em;
            font-family: monospace;
          }
          .empty,
          .none {
            color: #888;
            font-style: italic;
          }
          .silent {
            color: #b00;
            font-weight: bold;
          }
          .failure {
            color: #b00;
          }
          .error {
            color: #a60;
          }
        </style>
      </head>
      <body>
        <h1>ironbots</h1>
        <p>
          As of
          <time id="now" datetime="${new Date(now).toISOString()}">${new Date(now).toISOString()}</time>; this
          page reloads itself.
        </p>

        <h2>Queues</h2>
        <table id="queue-stats">
          <thead>
            <tr>
              <th>queue</th>
              <th>queued</th>
              <th>running</th>
              <th>done</th>
              <th>dead</th>
              <th>cancelled</th>
            </tr>
          </thead>
          <tbody>
            ${stats("jobs", snapshot.jobStats)}${stats("webhook events", snapshot.eventStats)}
          </tbody>
        </table>

        <h2>Waiting, per label set</h2>
        <table id="queue-depth">
          <thead>
            <tr>
              <th>labels</th>
              <th>queued</th>
              <th>oldest wait</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.groups.length ? snapshot.groups.map((g) => html`<tr>
                        <td>${labels(g.labels)}</td>
                        <td class="depth">${g.queued}</td>
                        <td>${duration(now - g.oldestEnqueuedAt)}</td>
                      </tr>`) : empty(3, "nothing waits")}
          </tbody>
        </table>

        <h2>Running</h2>
        <table id="running">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>commit</th>
              <th>agent</th>
              <th>attempt</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.running.length ? snapshot.running.map((r) => html`<tr>
                        <td>${r.jobId}</td>
                        <td class="context">${r.record.target.context}</td>
                        <td>${repo(r.record)}</td>
                        <td>${r.agent ?? "?"}</td>
                        <td>${r.attempt}</td>
                        <td>${logLink(r.jobId)}</td>
                      </tr>`) : empty(6, "nothing runs")}
          </tbody>
        </table>

        <h2>Agents</h2>
        <table id="agents">
          <thead>
            <tr>
              <th>name</th>
              <th>labels</th>
              <th>mode</th>
              <th>version</th>
              <th>running</th>
              <th>last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.agents === null ? empty(6, "this deployment has no agent registry") : snapshot.agents.length ? snapshot.agents.map((a) => html`<tr><td class="agent-name">${a.name}</td><td>${labels(a.labels)}</td><td class="mode">${a.mode ? a.mode.toUpperCase() : "no VMs"}</td><td class="version">${a.version}</td><td>${a.runningJobs.length ? a.runningJobs.map((id) => html`${id} `) : "\u2014"}</td><td${now - a.lastHeartbeat > silentAfterMs ? html` class="silent"` : ""}>${ago(a.lastHeartbeat)}${now - a.lastHeartbeat > silentAfterMs ? " (silent)" : ""}</td></tr>`) : empty(6, "no agent has registered")}
          </tbody>
        </table>

        <h2>Dead letters</h2>
        <table id="dead-letters">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>reason</th>
              <th>dead since</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.dead.length ? snapshot.dead.map((d) => html`<tr>
                        <td>${d.message.id}</td>
                        <td class="context">${d.message.payload.context}</td>
                        <td class="reason">${d.reason}</td>
                        <td>${ago(d.deadAt)}</td>
                      </tr>`) : empty(4, "none")}
          </tbody>
        </table>

        <h2>Recently cancelled</h2>
        <table id="cancelled">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>commit</th>
              <th>cancelled</th>
              <th>last agent</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.cancelled.length ? snapshot.cancelled.map((c) => {
		const job = c.message.payload;
		return html`<tr>
                      <td>${c.message.id}</td>
                      <td class="context">${job.context}</td>
                      <td>
                        ${job.repository ? `${job.repository.owner}/${job.repository.name}${job.sha ? `@${job.sha.slice(0, 8)}` : ""}` : "\u2014"}
                      </td>
                      <td class="reason">${c.reason ?? ""}</td>
                      <td>${c.holder ?? "\u2014"}</td>
                      <td>${logLink(c.message.id)}</td>
                    </tr>`;
	}) : empty(6, "none")}
          </tbody>
        </table>

        <h2>Recent failures</h2>
        <table id="failures">
          <thead>
            <tr>
              <th>context</th>
              <th>commit</th>
              <th>state</th>
              <th>description</th>
              <th>when</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${snapshot.failures.length ? snapshot.failures.map((r) => html`<tr>
                        <td class="context">${r.target.context}</td>
                        <td>${repo(r)}</td>
                        <td class="${r.outcome.state}">${r.outcome.state}</td>
                        <td class="description">${r.outcome.description}</td>
                        <td>${ago(r.updatedAt)}</td>
                        <td>${r.jobId ? logLink(r.jobId) : "\u2014"}</td>
                      </tr>`) : empty(6, "none")}
          </tbody>
        </table>
      </body>
    </html> `;
}
function duration(ms) {
	const s = Math.max(0, Math.floor(ms / 1e3));
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
	if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
	return `${Math.floor(s / 86400)} d ${Math.floor(s % 86400 / 3600)} h`;
}
// runner-agent/src/deployment/scanner.ts
var Scanner = class {
	#o;
	#clock;
	#fullScanEveryMs;
	#fullScanAt = null;
	constructor(options) {
		this.#o = options;
		this.#clock = options.clock ?? Date.now;
		this.#fullScanEveryMs = options.fullScanEveryMs ?? 36e5;
	}
	async run(intervalMs, signal) {
		while (!signal.aborted) {
			await this.round();
			await setTimeout$1(intervalMs, void 0, { signal }).catch(() => void 0);
		}
	}
	async round() {
		const { logger } = this.#o;
		const totals = {
			repositories: 0,
			pullRequests: 0,
			replanned: 0,
			unchanged: 0
		};
		const every = this.#fullScanEveryMs;
		const full = every > 0 && (this.#fullScanAt === null || this.#clock() - this.#fullScanAt >= every);
		for (const repo of this.#o.repositories) {
			const low = this.#lowBudget();
			if (low) {
				logger.warn({
					remaining: low.remaining,
					limit: low.limit,
					reserve: low.reserve,
					resetAt: new Date(low.resetAt).toISOString(),
					scannedRepositories: totals.repositories
				}, `scan skipped: ${low.remaining} of ${low.limit} forge API requests left, under the reserve of ${low.reserve}; scanning again after the reset at ${new Date(low.resetAt).toISOString()}`);
				return {
					kind: "skipped",
					repositories: totals.repositories,
					...low
				};
			}
			const name = `${repo.owner}/${repo.name}`;
			if (this.#o.runnerDemand) try {
				const { queued, enqueued } = await this.#o.runnerDemand.scanRepository(repo);
				logger.info({
					repo: name,
					queuedWorkflowJobs: queued,
					runnerJobsQueued: enqueued
				}, "runner scan done");
			} catch (error) {
				logger.warn({
					err: error,
					repo: name
				}, "runner scan failed");
			}
			try {
				const results = [...(await this.#o.planner.scanRepository(repo, { full })).values()];
				const replanned = results.filter((r) => r.kind === "planned" && r.jobs.some((j) => !j.duplicate));
				const unchanged = results.filter((r) => r.kind === "unchanged");
				logger.info({
					repo: name,
					full,
					pullRequests: results.length,
					replanned: replanned.length,
					unchanged: unchanged.length
				}, "scan done");
				totals.pullRequests += results.length;
				totals.replanned += replanned.length;
				totals.unchanged += unchanged.length;
			} catch (error) {
				logger.warn({
					err: error,
					repo: name
				}, "scan failed");
			}
			totals.repositories++;
		}
		if (full) this.#fullScanAt = this.#clock();
		return {
			kind: "scanned",
			full,
			...totals
		};
	}
	#lowBudget() {
		const budget = this.#o.rateLimit;
		const figures = budget?.figures();
		if (!budget || !figures || this.#clock() >= figures.resetAt) return null;
		const reserve = Math.ceil(figures.limit * budget.reservePercent / 100);
		return figures.remaining < reserve ? {
			...figures,
			reserve
		} : null;
	}
};
// runner-agent/src/deployment/server-role.ts
async function startServerRole(options) {
	const { logger } = options;
	let publicUrl = options.publicUrl;
	const logUrl = (jobId) => `${publicUrl}/logs/${jobId}`;
	const publisher = options.forge && options.records ? new StatusPublisher({
		forge: options.forge,
		records: options.records,
		logger: logger.child({ role: "statuses" })
	}) : null;
	const planner = options.forge ? new Planner({
		forge: options.forge,
		jobs: options.jobs,
		logger: logger.child({ role: "planner" }),
		trust: options.trust,
		...options.imageRefresh ? { imageRefresh: options.imageRefresh } : {},
		logUrl,
		...options.canary ? { canary: options.canary } : {},
		supersede: (pullRequest, keepSha, reason) => cancelSupersededJobs({
			jobs: options.jobs,
			logStore: options.logStore,
			logger: logger.child({ role: "planner" }),
			statuses: options.records ? {
				records: options.records,
				publisher
			} : null,
			logUrl
		}, pullRequest, keepSha, reason),
		...options.records && publisher ? {
			records: options.records,
			publisher
		} : {},
		...options.plannedHeads ? { plannedHeads: options.plannedHeads } : {}
	}) : null;
	const http = await startHttpServer({
		logger,
		host: options.host,
		port: options.port,
		routes: [
			exactRoute("GET", "/healthz", async (_req, res) => {
				const health = await checkHealth(options);
				sendJson(res, health.ok ? 200 : 503, health);
			}),
			exactRoute("POST", "/webhooks/github", createGitHubReceiver({
				secret: options.webhookSecret,
				events: options.events,
				logger: logger.child({ role: "receiver" }),
				...options.metrics ? { onOutcome: (event, outcome) => options.metrics.metrics.observeDelivery(event, outcome) } : {}
			})),
			jobsApiRoute({
				tokens: options.apiTokens,
				jobs: options.jobs,
				logStore: options.logStore,
				forge: options.forge,
				publicUrl: () => publicUrl,
				logUrl,
				trust: options.trust,
				logger: logger.child({ role: "api" }),
				records: options.records ?? null,
				publisher
			}),
			exactRoute("POST", "/webhooks/gitlab", createGitLabReceiver({
				secret: options.webhookSecret,
				events: options.events,
				logger: logger.child({
					role: "receiver",
					forge: "gitlab"
				}),
				...options.metrics ? { onOutcome: (event, outcome) => options.metrics.metrics.observeDelivery(event, outcome) } : {}
			})),
			...options.metrics ? [options.metrics.metrics.route(options.metrics.access)] : [],
			...options.dashboard && options.records ? [dashboardRoute({
				jobs: options.jobs,
				events: options.events,
				records: options.records,
				agents: options.dashboard.agents,
				public: options.dashboard.public,
				tokens: options.apiTokens,
				logger: logger.child({ role: "dashboard" })
			})] : [],
			...options.extraRoutes ?? []
		]
	});
	publicUrl ??= http.url;
	const stopping = new AbortController();
	const workers = [];
	if (planner) {
		const runners = options.runners;
		workers.push(runPlannerWorker({
			events: options.events,
			planner: { handleDelivery: (delivery) => delivery.event === "workflow_job" ? runners ? runners.demand.handleDelivery(delivery) : Promise.resolve({
				kind: "ignored",
				reason: "no runners.github configuration"
			}) : planner.handleDelivery(delivery) },
			logger,
			...options.onPlanned ? { onPlanned: options.onPlanned } : {}
		}, stopping.signal));
		const scan = options.scan;
		if (scan && scan.intervalMs > 0 && scan.repositories.length) {
			const scanner = new Scanner({
				planner,
				runnerDemand: runners?.demand ?? null,
				repositories: scan.repositories,
				logger,
				...scan.fullScanEveryMs !== void 0 ? { fullScanEveryMs: scan.fullScanEveryMs } : {},
				...scan.rateLimit ? { rateLimit: {
					figures: scan.rateLimit,
					reservePercent: scan.reservePercent ?? 10
				} } : {}
			});
			workers.push(scanner.run(scan.intervalMs, stopping.signal));
		}
	}
	if (options.runners) workers.push(runRunnerReaper(options.runners, logger, stopping.signal));
	if (options.records && publisher) {
		const reconciler = new StatusReconciler({
			records: options.records,
			jobs: options.jobs,
			publisher,
			logger: logger.child({ role: "statuses" }),
			logUrl,
			intervalMs: options.reconcileIntervalMs ?? 1e4
		});
		workers.push(reconciler.run(stopping.signal));
	}
	if (options.logExpiry) workers.push(runLogExpiry(options.logStore, options.logExpiry, logger.child({ role: "logs" }), stopping.signal));
	logger.info({ url: http.url }, "server listening");
	return {
		url: http.url,
		planner,
		http,
		async stop() {
			stopping.abort();
			await http.close();
			await Promise.allSettled(workers);
		}
	};
}
async function runRunnerReaper(runners, logger, signal) {
	while (!signal.aborted) {
		try {
			const { alive, removed } = await runners.reaper.reap();
			if (removed) logger.info({
				alive,
				removed
			}, "ghost runner registrations removed");
		} catch (error) {
			logger.warn({ err: error }, "reaping runner registrations failed");
		}
		await pause(runners.reapIntervalMs, signal);
	}
}
async function runLogExpiry(store, expiry, logger, signal) {
	while (!signal.aborted) {
		const before = new Date(Date.now() - expiry.retentionDays * DAY_MS);
		try {
			const { jobs } = await store.prune(before);
			if (jobs > 0) logger.info({
				jobs,
				before: before.toISOString()
			}, "expired job logs and artifacts removed");
		} catch (error) {
			logger.warn({ err: error }, "could not remove expired job logs");
		}
		await pause(expiry.intervalMs ?? 36e5, signal);
	}
}
const DAY_MS = 864e5;
function pause(ms, signal) {
	return setTimeout$1(ms, void 0, { signal }).catch(() => void 0);
}
async function checkHealth(options) {
	const probe = async (what) => {
		let timer;
		try {
			await Promise.race([what(), new Promise((_, reject) => {
				timer = setTimeout(() => reject(/* @__PURE__ */ new Error("no answer within 5 s")), 5e3);
			})]);
			return "ok";
		} catch (error) {
			return errorMessage(error);
		} finally {
			clearTimeout(timer);
		}
	};
	const checks = {
		events: await probe(() => options.events.stats()),
		jobs: await probe(() => options.jobs.stats()),
		logs: await probe(() => options.logStore.meta("healthz-probe")),
		...options.records ? { records: await probe(() => options.records.get("healthz-probe")) } : {}
	};
	return {
		ok: Object.values(checks).every((c) => c === "ok"),
		checks
	};
}
export { startServerRole };
