import { c as cancelReason } from "./status-text-qXXJmof_.mjs";
import { r as truncateDescription } from "./forge-CSA4ojXu.mjs";
import { a as jobDedupKey } from "./job-27BlS2A5.mjs";
// runner-agent/src/statuses/cancelled-jobs.ts
function cancelledDescription(status) {
	const reason = status.reason ?? "by request";
	return truncateDescription(status.holder ? `Cancelled: ${reason} [${status.holder}]` : `Cancelled: ${reason}, before it started`);
}
async function endCancelledRecord(options, status, { publish }) {
	const job = status.message.payload;
	const key = jobDedupKey(job);
	const statuses = options.statuses;
	if (!statuses || !key || !job.repository || !job.sha) return false;
	const existing = await statuses.records.get(key);
	if (existing?.state === "finished") return false;
	if (!existing) {
		const target = {
			repo: job.repository,
			sha: job.sha,
			context: job.context
		};
		await statuses.records.create(key, target, status.message.id);
	}
	const ended = await statuses.records.abandon(key, {
		state: "error",
		description: cancelledDescription(status),
		...options.logUrl ? { targetUrl: `${options.logUrl(status.message.id)}.html` } : {}
	});
	if (ended && publish && statuses.publisher) await statuses.publisher.publishIfFree(key, `cancel/${status.message.id}`, options.publishHoldMs ?? 5e3);
	return ended;
}
// runner-agent/src/server/job-control.ts
const LISTED_STATES = [
	"queued",
	"running",
	"done",
	"dead",
	"cancelled"
];
function summarizeJob(status) {
	const job = status.message.payload;
	const state = status.state === "leased" ? status.cancelRequested !== void 0 ? "cancelling" : "running" : status.state;
	const reason = status.cancelRequested ?? status.reason;
	return {
		id: status.message.id,
		context: job.context,
		...job.repository ? { repository: `${job.repository.owner}/${job.repository.name}` } : {},
		...job.sha ? { sha: job.sha } : {},
		...job.pullRequest ? { pullRequest: job.pullRequest } : {},
		state,
		attempt: status.message.attempt,
		...status.holder ? { agent: status.holder } : {},
		enqueuedAt: new Date(status.message.enqueuedAt).toISOString(),
		...reason ? { reason } : {}
	};
}
function queueStateOf(state) {
	return state === "running" ? "leased" : state;
}
async function listJobs(jobs, options) {
	return (await jobs.list({
		limit: options.limit,
		...options.state ? { state: queueStateOf(options.state) } : {}
	})).map(summarizeJob);
}
async function cancelJob(options, id, reason) {
	const result = await options.jobs.cancel(id, reason);
	if (result.outcome === "unknown") return { kind: "unknown" };
	const job = summarizeJob(result.status);
	if (result.outcome === "finished") return {
		kind: "finished",
		job
	};
	options.logger.info({
		jobId: id,
		context: job.context,
		reason,
		outcome: result.outcome
	}, "job cancelled");
	if (result.outcome === "cancelling") return {
		kind: "cancelling",
		job
	};
	const description = cancelledDescription(result.status);
	await writeCancelledLog(options, result.status, description).catch((error) => options.logger.warn({
		err: error,
		jobId: id
	}, "could not write the cancelled job\u2019s log"));
	await endCancelledRecord(options, result.status, { publish: true }).catch((error) => options.logger.warn({
		err: error,
		jobId: id
	}, "could not post the cancelled job\u2019s status yet"));
	return {
		kind: "cancelled",
		job,
		description
	};
}
async function writeCancelledLog(options, status, description) {
	const job = status.message.payload;
	if (await options.logStore.meta(status.message.id)) return;
	const now = (/* @__PURE__ */ new Date()).toISOString();
	await (await options.logStore.create({
		jobId: status.message.id,
		context: job.context,
		state: "running",
		agent: "none",
		attempt: status.message.attempt,
		startedAt: now,
		...job.repository ? { repository: `${job.repository.owner}/${job.repository.name}` } : {},
		...job.sha ? { sha: job.sha } : {},
		...job.pullRequest ? { pullRequest: job.pullRequest } : {}
	})).finish({
		state: "cancelled",
		description,
		finishedAt: now
	}, `ironbots: ${description}`);
}
async function cancelSupersededJobs(options, pullRequest, keepSha, reason) {
	let cancelled = 0;
	for (const state of ["queued", "leased"]) for (const status of await options.jobs.list({
		state,
		limit: SUPERSEDE_SCAN_LIMIT
	})) {
		const job = status.message.payload;
		if (job.pullRequest !== pullRequest.number || job.repository?.owner !== pullRequest.owner || job.repository.name !== pullRequest.name || keepSha !== null && job.sha === keepSha) continue;
		if (status.cancelRequested !== void 0) continue;
		const result = await cancelJob(options, status.message.id, cancelReason("ironbots", reason));
		if (result.kind === "cancelled" || result.kind === "cancelling") cancelled++;
	}
	return cancelled;
}
const SUPERSEDE_SCAN_LIMIT = 1e3;
export { queueStateOf as a, listJobs as i, cancelJob as n, summarizeJob as o, cancelSupersededJobs as r, endCancelledRecord as s, LISTED_STATES as t };
