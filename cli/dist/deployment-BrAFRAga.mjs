import { o as __toESM } from "./rolldown-runtime-C-QR9u70.mjs";
import { t as forgeFromConfig } from "./forge-from-config-V_8_4OpG.mjs";
import { c as object, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
import { r as startHttpServer, t as require_escape_html } from "./escape-html-BsERcqhk.mjs";
import { t as SecretRegistry } from "./secrets-Dny52OtE.mjs";
import { n as describeScope, r as truncateDescription } from "./forge-CSA4ojXu.mjs";
import { a as jobDedupKey, o as requiredLabels, t as CANARY_LABEL } from "./job-27BlS2A5.mjs";
import { c as cancelReason, p as supersededReason, u as inProgress } from "./status-text-qXXJmof_.mjs";
import { a as labelsSatisfied, i as defaultQueueTuning, n as QueueClosedError, o as serializePayload, r as backoffMs, s as statusFromRow, t as LeaseLostError } from "./queue-xlij9ODj.mjs";
import { a as verdictOf, c as matchKnownIssue, i as JobRunner, n as createExecutors, o as OutputTail, s as issueRef } from "./executors-CE3adRdr.mjs";
import { t as StatusPublisher } from "./status-publisher-DSepnawO.mjs";
import { i as jobLogTime, n as isValidJobId, r as BufferedLogWriter, t as assertValidJobId } from "./job-id-CRYrOdO_.mjs";
import { n as assertValidArtifactPath, t as artifactPathProblem } from "./artifact-path-6UUs_Aup.mjs";
import { n as sendError, r as sendJson } from "./bearer-token-DAbVvKlp.mjs";
import { n as openMetricsRecorder } from "./metrics-recorder-BKQogyPs.mjs";
import { t as toRecord } from "./job-record-row-mZ5pYe9J.mjs";
import { t as toRegisteredAgent } from "./agent-row-CI85CHaK.mjs";
import { t as repositoryKey } from "./planned-heads-DO86lQgX.mjs";
import { t as version } from "./package-D46-e3oS.mjs";
import { a as agentLabelsFor, i as runnerNameTime, n as LiveRunners, o as isClaimed, s as labelSetKey, t as JitRunnerLauncher } from "./jit-runner-launcher-CLjcinJJ.mjs";
import __ironbotsPath from "node:path";
import { EventEmitter } from "node:events";
import { closeSync, fdatasyncSync, mkdirSync, openSync } from "node:fs";
import os from "node:os";
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { randomBytes, randomUUID, randomUUIDv7 } from "node:crypto";
import { Worker } from "node:worker_threads";
import { pipeline } from "node:stream/promises";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as setTimeout$1 } from "node:timers/promises";
// runner-agent/src/agent/status-reporter.ts
var StatusReporter = class {
	#chain = Promise.resolve();
	#forge;
	#target;
	#logger;
	#secrets;
	#retryDelayMs;
	constructor(options) {
		this.#forge = options.forge;
		this.#target = options.target;
		this.#logger = options.logger;
		this.#secrets = options.secrets;
		this.#retryDelayMs = options.retryDelayMs ?? 2e3;
	}
	post(status, stillCurrent) {
		const forge = this.#forge;
		const target = this.#target;
		if (!forge || !target) return this.#chain;
		const safe = {
			...status,
			description: truncateDescription(this.#secrets.redact(status.description ?? ""))
		};
		this.#chain = this.#chain.then(async () => {
			for (let attempt = 1;; attempt++) try {
				if (stillCurrent && !await stillCurrent()) return;
				await forge.setCommitStatus(target.repo, target.sha, safe);
				return;
			} catch (error) {
				if (attempt >= 3) {
					this.#logger.error({
						err: error,
						context: status.context,
						state: status.state
					}, "could not set commit status");
					return;
				}
				await new Promise((r) => setTimeout(r, this.#retryDelayMs * attempt));
			}
		});
		return this.#chain;
	}
	settled() {
		return this.#chain;
	}
};
// runner-agent/src/agents/agent-registry.ts
function modeFromLabels(labels) {
	if (!labels.includes("executor:vm")) return null;
	return labels.includes("kvm") ? "kvm" : "tcg";
}
// runner-agent/src/agent/agent.ts
var Agent = class {
	#o;
	#runner;
	#publisher;
	#statusHoldMs;
	#visibilityTimeoutMs;
	#offered = [];
	#stopping = new AbortController();
	#draining = new AbortController();
	#running = /* @__PURE__ */ new Map();
	#loops = [];
	#heartbeatTimer = null;
	#reapTimer = null;
	#orphanTimer = null;
	#reaping = Promise.resolve();
	#lastBeat = Promise.resolve();
	constructor(options) {
		this.#o = options;
		this.#statusHoldMs = options.statusHoldMs ?? 3e4;
		this.#publisher = options.records && options.forge ? new StatusPublisher({
			forge: options.forge,
			records: options.records,
			logger: options.logger
		}) : null;
		this.#runner = new JobRunner({
			executors: options.executors,
			workRoot: options.workRoot,
			gitCredentials: () => options.forge?.gitCredentials() ?? null,
			...isGitLab(options.forge) ? { pullRequestMark: "!" } : {},
			...options.artifacts?.maxBytes !== void 0 ? { maxArtifactBytes: options.artifacts.maxBytes } : {},
			...options.artifacts?.maxFiles !== void 0 ? { maxArtifactFiles: options.artifacts.maxFiles } : {},
			...options.runners ? { runners: options.runners.launcher } : {}
		});
		this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 3e5;
	}
	get name() {
		return this.#o.name;
	}
	#artifactSink(jobId, log) {
		const delayMs = this.#o.artifacts?.retryDelayMs ?? 1e3;
		return { put: async (artifactPath, file) => {
			for (let attempt = 1;; attempt++) try {
				return await this.#o.logStore.putArtifact(jobId, artifactPath, file);
			} catch (error) {
				log.warn({
					err: error,
					artifactPath,
					attempt
				}, "could not store an artifact");
				if (attempt >= 3) throw error;
				await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
			}
		} };
	}
	async offeredLabels() {
		const labels = new Set(this.#o.labels);
		if (this.#o.registry) labels.add(`version:${this.#o.registry.version}`);
		for (const executor of this.#runner.executors) for (const l of await executor.labels()) labels.add(l);
		return [...labels].sort();
	}
	async start() {
		for (const executor of this.#runner.executors) {
			const count = await executor.reapLeftovers?.();
			if (count) this.#o.onEvent?.({
				type: "leftovers",
				executor: executor.name,
				count
			});
		}
		await rm(this.#o.workRoot, {
			recursive: true,
			force: true
		});
		await mkdir(this.#o.workRoot, { recursive: true });
		this.#orphanTimer = setInterval(() => {
			this.#reaping = this.#reaping.then(() => this.#reapOrphans());
		}, this.#o.orphanReapMs ?? 3e5);
		this.#orphanTimer.unref();
		const runners = this.#o.runners;
		if (runners) {
			await this.#reapRunners();
			this.#reapTimer = setInterval(() => {
				this.#reaping = this.#reaping.then(() => this.#reapRunners());
			}, runners.reapIntervalMs);
			this.#reapTimer.unref();
		}
		this.#offered = await this.offeredLabels();
		this.#o.logger.info({
			agent: this.name,
			labels: this.#offered
		}, "agent started");
		const slots = Math.max(1, this.#o.concurrency ?? 1);
		this.#loops = Array.from({ length: slots }, () => this.#loop());
		const registry = this.#o.registry;
		if (registry) {
			await this.#beat(true);
			this.#heartbeatTimer = setInterval(() => this.#beatSoon(), registry.heartbeatMs ?? 1e4);
		}
	}
	async #reapOrphans() {
		for (const executor of this.#runner.executors) {
			if (!executor.reapOrphans) continue;
			try {
				const count = await executor.reapOrphans(new Set(this.#running.keys()));
				if (count) {
					this.#o.logger.warn({
						executor: executor.name,
						count
					}, "stopped VMs with no live job");
					this.#o.onEvent?.({
						type: "leftovers",
						executor: executor.name,
						count
					});
				}
			} catch (error) {
				this.#o.logger.warn({
					err: error,
					executor: executor.name
				}, "reaping orphans failed");
			}
		}
	}
	async #reapRunners() {
		try {
			const { alive, removed } = await this.#o.runners.reaper.reap();
			if (removed) this.#o.logger.info({
				alive,
				removed
			}, "ghost runner registrations removed");
		} catch (error) {
			this.#o.logger.warn({ err: error }, "reaping runner registrations failed");
		}
	}
	#beatSoon() {
		if (this.#stopping.signal.aborted) return;
		this.#lastBeat = this.#lastBeat.then(() => this.#beat(false));
	}
	async #beat(starting) {
		const registry = this.#o.registry;
		try {
			await registry.store.heartbeat({
				name: this.name,
				labels: this.#offered,
				mode: modeFromLabels(this.#offered),
				version: registry.version,
				runningJobs: [...this.#running.keys()]
			}, { starting });
		} catch (error) {
			this.#o.logger.warn({ err: error }, "agent heartbeat failed");
		}
	}
	get runningJobs() {
		return [...this.#running.keys()];
	}
	async drain() {
		this.#draining.abort();
		await Promise.all(this.#loops);
	}
	async stop() {
		this.#draining.abort();
		this.#stopping.abort();
		if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
		if (this.#reapTimer) clearInterval(this.#reapTimer);
		if (this.#orphanTimer) clearInterval(this.#orphanTimer);
		for (const controller of this.#running.values()) controller.abort(new AgentStoppingError());
		await Promise.all(this.#loops);
		await this.#reaping;
		if (this.#o.registry) {
			await this.#lastBeat;
			await this.#o.registry.store.deregister(this.name).catch((error) => this.#o.logger.warn({ err: error }, "agent deregistration failed"));
		}
	}
	async #loop() {
		const signal = AbortSignal.any([this.#stopping.signal, this.#draining.signal]);
		while (!signal.aborted) {
			let lease;
			try {
				lease = await this.#o.jobs.lease({
					name: this.name,
					labels: this.#offered
				}, {
					visibilityTimeoutMs: this.#visibilityTimeoutMs,
					waitMs: 5e3,
					signal
				});
			} catch (error) {
				if (error instanceof QueueClosedError || signal.aborted) return;
				this.#o.logger.error({ err: error }, "leasing failed; retrying");
				await new Promise((r) => setTimeout(r, 1e3));
				continue;
			}
			if (lease) await this.runLease(lease);
		}
	}
	async runLease(lease) {
		const jobId = lease.message.id;
		const job = lease.message.payload;
		const { attempt, maxAttempts } = lease.message;
		const log = this.#o.logger.child({
			jobId,
			context: job.context,
			attempt
		});
		const started = performance.now();
		this.#o.onEvent?.({
			type: "leased",
			jobId,
			attempt,
			context: job.context,
			at: performance.timeOrigin + started,
			enqueuedAt: lease.message.enqueuedAt
		});
		const fence = await this.#claim(lease, log);
		if (fence.kind === "done") return fence.report;
		const reporter = new StatusReporter({
			forge: this.#o.forge,
			target: job.repository && job.sha ? {
				repo: job.repository,
				sha: job.sha
			} : null,
			logger: log,
			secrets: this.#o.secrets
		});
		const progress = (state, description) => reporter.post({
			state,
			context: job.context,
			description,
			targetUrl: viewerUrl(this.#o.logUrl(jobId))
		}, fence.kind === "claimed" ? () => this.#o.records.isCurrent(fence.key, fence.epoch) : void 0);
		const cancel = new AbortController();
		this.#running.set(jobId, cancel);
		if (this.#o.registry) this.#beatSoon();
		let writer;
		let report;
		let closingLine;
		const heartbeat = this.#heartbeat(lease, cancel, log);
		const supersededWatch = this.#watchSuperseded(job, cancel, log);
		try {
			writer = await this.#o.logStore.create({
				jobId,
				context: job.context,
				state: "running",
				agent: this.name,
				attempt,
				startedAt: (/* @__PURE__ */ new Date()).toISOString(),
				...commitLinks(job, this.#o.forge)
			});
			await Promise.race([progress("pending", inProgress(this.name)), new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_WAIT_MS).unref())]);
			const output = writer;
			const tail = new OutputTail();
			const result = await this.#runner.run({
				jobId,
				job,
				runner: `agent ${this.name}`,
				attempt,
				maxAttempts,
				transientOutput: true,
				backlog: () => output.backlog(),
				output: (chunk) => {
					tail.push(chunk);
					output.append(chunk);
				},
				onStarted: (at) => this.#o.onEvent?.({
					type: "started",
					jobId,
					at
				}),
				artifacts: this.#artifactSink(jobId, log),
				signal: cancel.signal
			});
			report = await this.#conclude(lease, fence, result, cancel.signal.reason, writer, reporter, progress, log, tail);
			closingLine = `ironbots: ${report.description}`;
		} catch (error) {
			log.error({ err: error }, "job failed inside the agent");
			report = await this.#conclude(lease, fence, {
				outcome: {
					kind: "infrastructure-error",
					message: error.message
				},
				durationMs: performance.now() - started
			}, void 0, writer, reporter, progress, log).catch(() => ({
				jobId,
				state: "error",
				description: "agent error"
			}));
		} finally {
			clearInterval(heartbeat);
			clearInterval(supersededWatch);
			this.#running.delete(jobId);
			if (this.#o.registry) this.#beatSoon();
		}
		await writer?.finish({
			state: report.state === "retry" || report.state === "overtaken" ? "error" : report.state,
			description: report.description,
			...report.exitCode !== void 0 ? { exitCode: report.exitCode } : {}
		}, closingLine).catch((error) => log.error({ err: error }, "could not finish the job log"));
		await reporter.settled();
		this.#o.onEvent?.({
			type: "finished",
			jobId,
			state: report.state,
			description: report.description,
			at: Date.now()
		});
		log.info({
			state: report.state,
			description: report.description
		}, "job finished");
		return report;
	}
	async #claim(lease, log) {
		const job = lease.message.payload;
		const jobId = lease.message.id;
		const key = jobDedupKey(job);
		const records = this.#o.records;
		if (!records || !key || !job.repository || !job.sha) return { kind: "unfenced" };
		const target = {
			repo: job.repository,
			sha: job.sha,
			context: job.context
		};
		let claim;
		try {
			claim = await records.claim(key, target, jobId, this.name);
		} catch (error) {
			log.error({ err: error }, "could not claim the job record; handing the job back");
			await this.#o.jobs.nack(lease, {
				reason: `job record unavailable: ${error.message}`,
				retry: true
			}).catch(() => void 0);
			return {
				kind: "done",
				report: {
					jobId,
					state: "retry",
					description: "job record unavailable"
				}
			};
		}
		if (claim.kind === "run") return {
			kind: "claimed",
			key,
			epoch: claim.epoch
		};
		const outcome = claim.record.outcome;
		log.info({ state: outcome.state }, "outcome already recorded: republishing it, not running the job again");
		await this.#o.jobs.ack(lease).catch((error) => log.warn({ err: error }, "could not ack"));
		await this.#publishRecorded(key, `${this.name}/${jobId}/republish/${randomUUID()}`, log);
		return {
			kind: "done",
			report: {
				jobId,
				state: outcome.state,
				description: outcome.description
			}
		};
	}
	async #publishRecorded(key, holder, log) {
		if (!this.#publisher) return;
		if (await this.#publisher.publishIfFree(key, holder, this.#statusHoldMs, this.#stopping.signal).catch((error) => {
			log.error({ err: error }, "could not publish the recorded outcome; the server will");
			return false;
		}) === false) log.warn("final status not posted yet: the server's reconciler takes it over");
	}
	async #conclude(lease, fence, result, cancelReason, writer, reporter, progress, log, tail) {
		const jobId = lease.message.id;
		const job = lease.message.payload;
		const { outcome } = result;
		if (cancelReason instanceof AgentStoppingError) {
			await this.#o.jobs.nack(lease, {
				reason: "agent stopped",
				retry: true
			}).catch(() => void 0);
			return {
				jobId,
				state: "retry",
				description: `Interrupted: agent ${this.name} stopped [${this.name}]`
			};
		}
		if (cancelReason instanceof LeaseLostCancel) return {
			jobId,
			state: "overtaken",
			description: `Stopped: the lease was lost [${this.name}]`
		};
		let final;
		if (cancelReason instanceof CancelRequested && outcome.kind === "infrastructure-error") final = {
			state: "cancelled",
			description: `Cancelled: ${cancelReason.message} [${this.name}]`
		};
		else if (outcome.kind === "infrastructure-error") {
			writer?.append(`ironbots: infrastructure error: ${outcome.message}\n`);
			const { attempt, maxAttempts } = lease.message;
			if (attempt < maxAttempts) {
				const description = `Retrying after infrastructure error (attempt ${attempt} of ${maxAttempts}): ${outcome.message}`;
				await progress("pending", description);
				if ((await this.#o.jobs.nack(lease, {
					reason: outcome.message,
					retry: true
				})).outcome === "retry") return {
					jobId,
					state: "retry",
					description
				};
			}
			final = {
				state: "error",
				description: `Error: ${outcome.message} [${this.name}]`
			};
		} else {
			const verdict = verdictOf(outcome, {
				job,
				runner: this.name,
				durationMs: result.durationMs,
				...result.note ? { note: result.note } : {},
				cancelReason
			});
			final = verdict;
			const known = verdict.state === "failure" && result.knownIssues && tail ? matchKnownIssue(result.knownIssues, tail.text()) : void 0;
			if (known) {
				const { attempt, maxAttempts } = lease.message;
				const ref = issueRef(known.issue);
				const allowed = Math.min(known.retries + 1, maxAttempts);
				writer?.append(`ironbots: the log matches known issue ${known.issue}\n`);
				this.#o.onEvent?.({
					type: "known-issue",
					jobId,
					issue: known.issue
				});
				if (attempt < allowed) {
					const description = `Retrying: known issue ${ref} (attempt ${attempt} of ${allowed})`;
					await progress("pending", description);
					if ((await this.#o.jobs.nack(lease, {
						reason: `known issue ${known.issue}`,
						retry: true
					})).outcome === "retry") return {
						jobId,
						state: "retry",
						description
					};
				}
				final = {
					...verdict,
					description: `Known issue ${ref}: ${verdict.description}`
				};
			}
		}
		const description = truncateDescription(this.#o.secrets.redact(final.description));
		const report = {
			jobId,
			...final,
			description
		};
		const forgeState = final.state === "cancelled" ? "error" : final.state;
		const settle = async () => {
			if (outcome.kind === "infrastructure-error" && final.state !== "cancelled") await this.#o.jobs.nack(lease, {
				reason: outcome.message,
				retry: false
			}).catch(() => void 0);
			else await this.#o.jobs.ack(lease).catch((error) => {
				if (error instanceof LeaseLostError) log.warn(error.message);
				else throw error;
			});
		};
		if (fence.kind === "unfenced") {
			await reporter.post({
				state: forgeState,
				context: job.context,
				description,
				targetUrl: viewerUrl(this.#o.logUrl(jobId))
			});
			await settle();
			return report;
		}
		const holder = `${this.name}/${jobId}/${fence.epoch}`;
		if (!await this.#o.records.finish(fence.key, fence.epoch, {
			state: forgeState,
			description,
			targetUrl: viewerUrl(this.#o.logUrl(jobId))
		}, {
			holder,
			until: Date.now() + this.#statusHoldMs
		})) {
			log.warn("overtaken: a newer attempt owns this job; recording and posting nothing");
			return {
				jobId,
				state: "overtaken",
				description: `Overtaken by a newer attempt [${this.name}]`
			};
		}
		await settle();
		await reporter.settled();
		const record = await this.#o.records.get(fence.key);
		if (record && this.#publisher) {
			if (!await this.#publisher.publish(record, holder, Date.now() + this.#statusHoldMs, this.#stopping.signal).catch(() => false)) log.warn("final status not posted yet: the server's reconciler takes it over");
		}
		return report;
	}
	#heartbeat(lease, cancel, log) {
		let current = lease;
		const timer = setInterval(() => {
			this.#o.jobs.extend(current, this.#visibilityTimeoutMs).then((extended) => {
				current = extended;
				Object.assign(lease, {
					token: extended.token,
					expiresAt: extended.expiresAt
				});
				if (extended.cancelRequested !== void 0 && !cancel.signal.aborted) {
					log.info({ reason: extended.cancelRequested }, "job cancelled: stopping it");
					cancel.abort(new CancelRequested(extended.cancelRequested));
				}
			}, (error) => {
				if (error instanceof LeaseLostError) {
					log.warn("lease lost: the job was handed to another agent; cancelling here");
					cancel.abort(new LeaseLostCancel());
				} else log.warn({ err: error }, "could not extend lease");
			});
		}, Math.max(50, Math.min(Math.floor(this.#visibilityTimeoutMs / 3), this.#o.cancelCheckMs ?? 1e4)));
		timer.unref();
		return timer;
	}
	#watchSuperseded(job, cancel, log) {
		const forge = this.#o.forge;
		if (!forge || !job.repository || !job.pullRequest || !job.sha) return void 0;
		const timer = setInterval(() => {
			forge.getPullRequest(job.repository, job.pullRequest).then((pr) => {
				const newerHead = pr.state !== "open" ? null : pr.headSha !== job.sha ? pr.headSha : void 0;
				if (newerHead !== void 0) cancel.abort(new CancelRequested(cancelReason("ironbots", supersededReason(newerHead))));
			}, (error) => log.debug({ err: error }, "could not check whether the PR moved on"));
		}, this.#o.supersededPollMs ?? 3e4);
		timer.unref();
		return timer;
	}
};
const IN_PROGRESS_WAIT_MS = 5e3;
var CancelRequested = class extends Error {
	constructor(reason) {
		super(reason);
		this.name = "CancelRequested";
	}
};
var LeaseLostCancel = class extends Error {
	constructor() {
		super("lease lost to another agent");
		this.name = "LeaseLostCancel";
	}
};
var AgentStoppingError = class extends Error {
	constructor() {
		super("agent stopping");
		this.name = "AgentStoppingError";
	}
};
function viewerUrl(logUrl) {
	return `${logUrl}.html`;
}
function isGitLab(forge) {
	return forge !== null && "kind" in forge && forge.kind === "gitlab";
}
function commitLinks(job, forge) {
	if (!job.repository) return {};
	const gitlab = isGitLab(forge);
	const pullPage = (web, number) => gitlab ? `${web}/-/merge_requests/${number}` : `${web}/pull/${number}`;
	const web = job.repository.cloneUrl.replace(/\.git$/, "");
	const links = { repository: `${job.repository.owner}/${job.repository.name}` };
	if (job.infra) Object.assign(links, {
		infra: `${job.infra.repository.owner}/${job.infra.repository.name}${gitlab ? "!" : "#"}${job.infra.pullRequest}`,
		infraSha: job.infra.sha,
		infraUrl: pullPage(job.infra.repository.cloneUrl.replace(/\.git$/, ""), job.infra.pullRequest)
	});
	if (job.sha) Object.assign(links, {
		sha: job.sha,
		commitUrl: `${web}/commit/${job.sha}`
	});
	if (job.pullRequest) {
		links.pullRequest = job.pullRequest;
		links.pullRequestUrl = pullPage(web, job.pullRequest);
	}
	return links;
}
// runner-agent/src/logs/filesystem-log-store.ts
const MiB = 1048576;
const EAGER_WRITE_BYTES = 262144;
var FilesystemLogStore = class {
	#root;
	#secrets;
	#maxLogBytes;
	#flushIntervalMs;
	#maxReadBytes;
	constructor(options) {
		this.#root = __ironbotsPath.resolve(options.root);
		this.#secrets = options.secrets;
		this.#maxLogBytes = options.maxLogBytes ?? 50 * MiB;
		if (!(this.#maxLogBytes >= 1024)) throw new RangeError("maxLogBytes must be at least 1024");
		this.#flushIntervalMs = options.flushIntervalMs ?? 250;
		this.#maxReadBytes = options.maxReadBytes ?? 4 * MiB;
	}
	async create(meta) {
		const dir = this.#dir(meta.jobId);
		await mkdir(dir, { recursive: true });
		const file = await open(__ironbotsPath.join(dir, "output.log"), "a");
		try {
			const { size } = await file.stat();
			await writeJsonAtomically(__ironbotsPath.join(dir, "meta.json"), meta);
			const metaPath = __ironbotsPath.join(dir, "meta.json");
			return new BufferedLogWriter({
				sink: {
					write: (data) => writeAll(file, data),
					writeMeta: (final) => writeJsonAtomically(metaPath, final),
					close: () => file.close()
				},
				meta,
				existingBytes: size,
				maxLogBytes: this.#maxLogBytes,
				flushIntervalMs: this.#flushIntervalMs,
				eagerWriteBytes: EAGER_WRITE_BYTES,
				secrets: this.#secrets
			});
		} catch (error) {
			await file.close();
			throw error;
		}
	}
	async read(jobId, offset = 0) {
		if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid log offset ${offset}`);
		const meta = await this.meta(jobId);
		if (!meta) return null;
		const finished = meta.state !== "running";
		let file;
		try {
			file = await open(__ironbotsPath.join(this.#dir(jobId), "output.log"), "r");
		} catch (error) {
			if (error.code !== "ENOENT") throw error;
			return {
				data: Buffer.alloc(0),
				nextOffset: offset,
				complete: finished
			};
		}
		try {
			const { size } = await file.stat();
			const length = Math.max(0, Math.min(size - offset, this.#maxReadBytes));
			const data = Buffer.alloc(length);
			const { bytesRead } = length > 0 ? await file.read(data, 0, length, offset) : { bytesRead: 0 };
			const nextOffset = offset + bytesRead;
			return {
				data: data.subarray(0, bytesRead),
				nextOffset,
				complete: finished && nextOffset >= size
			};
		} finally {
			await file.close();
		}
	}
	async meta(jobId) {
		try {
			return JSON.parse(await readFile(__ironbotsPath.join(this.#dir(jobId), "meta.json"), "utf8"));
		} catch (error) {
			if (error.code === "ENOENT") return null;
			throw error;
		}
	}
	async putArtifact(jobId, artifactPath, file) {
		const target = this.#artifactFile(jobId, artifactPath);
		await mkdir(__ironbotsPath.dirname(target), { recursive: true });
		const temp = __ironbotsPath.join(__ironbotsPath.dirname(target), `.${__ironbotsPath.basename(target)}.${randomUUID()}.tmp`);
		try {
			await copyFile(file, temp);
			await rename(temp, target);
		} catch (error) {
			await rm(temp, { force: true });
			throw error;
		}
	}
	async listArtifacts(jobId) {
		const root = __ironbotsPath.join(this.#dir(jobId), "artifacts");
		const entries = await readdir(root, {
			recursive: true,
			withFileTypes: true
		}).catch((error) => {
			if (error.code === "ENOENT") return [];
			throw error;
		});
		const artifacts = [];
		for (const entry of entries) {
			if (!entry.isFile() || entry.name.endsWith(".tmp")) continue;
			const file = __ironbotsPath.join(entry.parentPath, entry.name);
			artifacts.push({
				path: __ironbotsPath.relative(root, file).split(__ironbotsPath.sep).join("/"),
				bytes: (await stat(file)).size
			});
		}
		return artifacts.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
	}
	async readArtifact(jobId, artifactPath) {
		const file = this.#artifactFile(jobId, artifactPath);
		const handle = await open(file, "r").catch((error) => {
			if (error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "EISDIR") return null;
			throw error;
		});
		if (!handle) return null;
		const info = await handle.stat();
		if (!info.isFile()) {
			await handle.close();
			return null;
		}
		return {
			body: handle.createReadStream(),
			bytes: info.size
		};
	}
	async prune(before) {
		const cutoff = before.getTime();
		let jobs = 0;
		const names = await readdir(this.#root).catch((error) => {
			if (error.code === "ENOENT") return [];
			throw error;
		});
		for (const jobId of names) {
			if (!isValidJobId(jobId)) continue;
			const dir = __ironbotsPath.join(this.#root, jobId);
			const meta = await this.meta(jobId).catch(() => null);
			if (!((meta ? jobLogTime(meta) : (await stat(dir).catch(() => null))?.mtimeMs ?? Infinity) < cutoff)) continue;
			await rm(dir, {
				recursive: true,
				force: true
			});
			jobs++;
		}
		return { jobs };
	}
	#artifactFile(jobId, artifactPath) {
		assertValidArtifactPath(artifactPath);
		return __ironbotsPath.join(this.#dir(jobId), "artifacts", ...artifactPath.split("/"));
	}
	#dir(jobId) {
		assertValidJobId(jobId);
		return __ironbotsPath.join(this.#root, jobId);
	}
};
async function writeAll(file, data) {
	let rest = data;
	while (rest.length) {
		let { bytesWritten } = await file.writev(rest);
		while (rest.length && bytesWritten >= rest[0].length) bytesWritten -= rest.shift().length;
		if (rest.length && bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
	}
}
async function writeJsonAtomically(file, value) {
	const temp = __ironbotsPath.join(__ironbotsPath.dirname(file), `.${__ironbotsPath.basename(file)}.${randomUUID()}.tmp`);
	const handle = await open(temp, "w");
	try {
		await handle.writeFile(JSON.stringify(value, null, 2) + "\n");
		await handle.sync();
	} finally {
		await handle.close();
	}
	try {
		await rename(temp, file);
	} catch (error) {
		await rm(temp, { force: true });
		throw error;
	}
}
// runner-agent/src/logs/log-viewer.ts
var import_escape_html = /* @__PURE__ */ __toESM(require_escape_html(), 1);
const moduleSources = /* @__PURE__ */ new Map();
function moduleSource(specifier) {
	let source = moduleSources.get(specifier);
	if (!source) {
		source = readFile(fileURLToPath(import.meta.resolve(specifier)), "utf8").then((text) => {
			if (/<\/script/i.test(text)) throw new Error(`${specifier} source contains <\/script>; cannot inline it`);
			return text;
		});
		moduleSources.set(specifier, source);
	}
	return source;
}
async function prettyBytesScript() {
	const source = await moduleSource("pretty-bytes");
	const exported = "export default function prettyBytes(";
	if (source.split(exported).length !== 2) throw new Error("pretty-bytes no longer ends in its default export");
	return `const prettyBytes = (() => {\n${source.replace(exported, "return function prettyBytes(")}\n})();`;
}
async function logViewerPage(meta, nonce) {
	const [ansiUp, prettyBytes] = await Promise.all([moduleSource("ansi_up"), prettyBytesScript()]);
	const jobId = meta.jobId;
	const title = (0, import_escape_html.default)(`${meta.context} \u00B7 ${jobId}`);
	const id = encodeURIComponent(jobId);
	const links = [`<a id="raw-link" href="${(0, import_escape_html.default)(id)}">raw log</a>`, `<a id="meta-link" href="${(0, import_escape_html.default)(id)}/meta">meta</a>`];
	const commitUrl = webUrl(meta.commitUrl);
	if (commitUrl) {
		const label = meta.sha ? `commit ${meta.sha.slice(0, 10)}` : "commit";
		links.push(`<a id="commit-link" href="${(0, import_escape_html.default)(commitUrl)}">${(0, import_escape_html.default)(label)}</a>`);
	}
	const pullRequestUrl = webUrl(meta.pullRequestUrl);
	if (pullRequestUrl) {
		const label = meta.pullRequest ? `PR #${meta.pullRequest}` : "pull request";
		links.push(`<a id="pr-link" href="${(0, import_escape_html.default)(pullRequestUrl)}">${(0, import_escape_html.default)(label)}</a>`);
	}
	const infraUrl = webUrl(meta.infraUrl);
	if (infraUrl) {
		const label = `with ${meta.infra ?? "infrastructure"}${meta.infraSha ? ` at ${meta.infraSha.slice(0, 10)}` : ""}`;
		links.push(`<a id="infra-link" href="${(0, import_escape_html.default)(infraUrl)}">${(0, import_escape_html.default)(label)}</a>`);
	}
	const repository = meta.repository ? ` \u00B7 ${(0, import_escape_html.default)(meta.repository)}` : "";
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <span id="state" class="badge state-${(0, import_escape_html.default)(meta.state)}">${(0, import_escape_html.default)(meta.state)}</span>
  <span class="title">${title}${repository}</span>
  <span id="exit-code"></span>
  <span id="duration"></span>
  <nav>${links.join(" \u00B7 ")}</nav>
</header>
<main id="log"></main>
<nav id="artifacts" hidden></nav>
<script type="module" nonce="${nonce}">
${ansiUp}
${prettyBytes}
${VIEWER_SCRIPT}
<\/script>
</body>
</html>
`;
}
function webUrl(url) {
	if (!url) return void 0;
	try {
		const parsed = new URL(url);
		return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : void 0;
	} catch {
		return;
	}
}
const STYLE = `
  body { margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #111; color: #ddd; }
  header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center;
    padding: 6px 12px; background: #222; border-bottom: 1px solid #333; }
  header nav { margin-left: auto; }
  a { color: #6cb6ff; }
  .badge { padding: 1px 8px; border-radius: 10px; font-weight: bold; color: #fff; }
  .state-running { background: rgb(191, 135, 0); }
  .state-success { background: rgb(26, 127, 55); }
  .state-failure { background: rgb(207, 34, 46); }
  .state-error { background: rgb(130, 30, 140); }
  .state-cancelled { background: rgb(110, 119, 129); }
  #log { padding: 6px 0; }
  .line { display: flex; white-space: pre-wrap; word-break: break-all; }
  .line:hover { background: #1b1b1b; }
  .line:target, .line.target { background: #3a3000; }
  .ln { flex: none; width: 5em; padding-right: 1em; text-align: right; color: #666; text-decoration: none; user-select: none; }
  .ln:hover { color: #aaa; text-decoration: underline; }
  .text { flex: 1; min-width: 0; }
  #status-line { padding: 4px 12px; color: #888; }
  #artifacts { padding: 6px 12px 12px; border-top: 1px solid #333; }
  #artifacts ul { margin: 4px 0; padding-left: 1.5em; }
  #artifacts .size { color: #888; }
`;
const VIEWER_SCRIPT = String.raw`
const log = document.getElementById('log');
const stateBadge = document.getElementById('state');
const exitCodeEl = document.getElementById('exit-code');
const durationEl = document.getElementById('duration');
const logUrl = location.pathname.replace(/\.html$/, '');
const ansi = new AnsiUp();
ansi.escape_html = true;
const decoder = new TextDecoder();
let offset = 0;
let pending = '';
let lineCount = 0;
let meta = null;
let finished = false;

const statusLine = document.createElement('div');
statusLine.id = 'status-line';
document.body.append(statusLine);

function atBottom() {
  return innerHeight + scrollY >= document.body.scrollHeight - 40;
}

function appendLine(text) {
  lineCount += 1;
  const id = 'L' + lineCount;
  const line = document.createElement('div');
  line.className = 'line';
  line.id = id;
  const number = document.createElement('a');
  number.className = 'ln';
  number.href = '#' + id;
  number.textContent = String(lineCount);
  const body = document.createElement('span');
  body.className = 'text';
  body.innerHTML = ansi.ansi_to_html(text.endsWith('\r') ? text.slice(0, -1) : text);
  line.append(number, body);
  log.append(line);
  if (location.hash === '#' + id) {
    line.classList.add('target');
    line.scrollIntoView({ block: 'center' });
  }
}

function addText(text, final) {
  const follow = atBottom() && !/^#L\d+$/.test(location.hash);
  pending += text;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) appendLine(line);
  if (final && pending !== '') {
    appendLine(pending);
    pending = '';
  }
  if (follow && lines.length > 0) scrollTo(0, document.body.scrollHeight);
}

function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + sec + 's';
}

function showMeta() {
  if (!meta) return;
  stateBadge.textContent = meta.state;
  stateBadge.className = 'badge state-' + meta.state;
  if (meta.description) stateBadge.title = meta.description;
  exitCodeEl.textContent = typeof meta.exitCode === 'number' ? 'exit code ' + meta.exitCode : '';
  const started = Date.parse(meta.startedAt);
  const ended = meta.finishedAt ? Date.parse(meta.finishedAt) : Date.now();
  durationEl.textContent = Number.isFinite(started)
    ? (meta.finishedAt ? 'took ' : 'running for ') + formatDuration(ended - started)
    : '';
}

async function loadMeta() {
  const res = await fetch(logUrl + '/meta', { cache: 'no-store' });
  if (!res.ok) throw new Error('meta: HTTP ' + res.status);
  meta = await res.json();
  showMeta();
}

// Streams the log from the offset it has; the server ends a stream when the log completes or stops growing
// for a long time, and a network error ends it too: either way the loop resumes from the same offset.
async function follow() {
  while (!finished) {
    try {
      const res = await fetch(logUrl + '?follow=1&offset=' + offset, { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      statusLine.textContent = '';
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        offset += value.length;
        addText(decoder.decode(value, { stream: true }), false);
      }
      await loadMeta();
      if (meta.state !== 'running') {
        finished = true;
        addText(decoder.decode(), true);
        // Artifacts are stored before the job's final state: now they are all there.
        await showArtifacts().catch(() => {});
        document.body.dataset.complete = 'true';
        return;
      }
    } catch (error) {
      statusLine.textContent = 'reconnecting (' + error.message + ')';
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

// As core/sizes.ts writes sizes.
function formatBytes(bytes) {
  return prettyBytes(bytes, { binary: true });
}

// The files the job left in $IRONBOTS_ARTIFACTS, as download links (names are the job's: textContent only).
async function showArtifacts() {
  const res = await fetch(logUrl + '/artifacts', { cache: 'no-store' });
  if (!res.ok) return;
  const artifacts = await res.json();
  if (!artifacts.length) return;
  const nav = document.getElementById('artifacts');
  const heading = document.createElement('div');
  heading.textContent = 'Artifacts';
  const list = document.createElement('ul');
  for (const artifact of artifacts) {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = logUrl + '/artifacts/' + artifact.path.split('/').map(encodeURIComponent).join('/');
    link.textContent = artifact.path;
    link.className = 'artifact';
    const size = document.createElement('span');
    size.className = 'size';
    size.textContent = ' (' + formatBytes(artifact.bytes) + ')';
    item.append(link, size);
    list.append(item);
  }
  nav.append(heading, list);
  nav.hidden = false;
}

addEventListener('hashchange', () => {
  for (const old of document.querySelectorAll('.line.target')) old.classList.remove('target');
});
setInterval(() => { if (meta && meta.state === 'running') showMeta(); }, 1000);
loadMeta().catch(() => {}).finally(follow);
`;
// runner-agent/src/logs/log-http.ts
function logHttpRoute(store, options = {}) {
	const pollIntervalMs = options.pollIntervalMs ?? 200;
	const followIdleTimeoutMs = options.followIdleTimeoutMs ?? 18e5;
	return {
		paths: ["/logs/*"],
		handle: (req, res, url) => serveLogs(req, res, url)
	};
	function serveLogs(req, res, url) {
		req.resume();
		let rest = url.pathname.slice(6);
		let view = "log";
		let artifactPath = "";
		const artifactsAt = rest.indexOf("/artifacts");
		if (artifactsAt >= 0 && (rest.length === artifactsAt + 10 || rest[artifactsAt + 10] === "/")) {
			const after = rest.slice(artifactsAt + 10);
			rest = rest.slice(0, artifactsAt);
			if (after === "" || after === "/") view = "artifacts";
			else {
				view = "artifact";
				try {
					artifactPath = after.slice(1).split("/").map((segment) => decodeURIComponent(segment)).join("/");
				} catch {
					artifactPath = "";
				}
			}
		} else if (rest.endsWith("/meta")) {
			view = "meta";
			rest = rest.slice(0, -5);
		} else if (rest.endsWith(".html")) {
			view = "html";
			rest = rest.slice(0, -5);
		}
		if (req.method !== "GET" && req.method !== "HEAD") {
			sendError(res, 405, "logs are read with GET", { allow: "GET, HEAD" });
			return;
		}
		let jobId;
		try {
			jobId = decodeURIComponent(rest);
		} catch {
			jobId = "";
		}
		if (!isValidJobId(jobId)) {
			sendError(res, 400, "invalid job id");
			return;
		}
		const offset = parseOffset(url.searchParams.get("offset"));
		if (offset === null) {
			sendError(res, 400, "offset must be a non-negative integer");
			return;
		}
		const follow = ["1", "true"].includes(url.searchParams.get("follow") ?? "") && req.method === "GET";
		if (view === "artifact" && artifactPathProblem(artifactPath)) {
			sendError(res, 400, "invalid artifact path");
			return;
		}
		(view === "artifacts" ? serveArtifactList(store, jobId, res) : view === "artifact" ? serveArtifact(store, jobId, artifactPath, req.method === "HEAD", res) : view === "meta" ? serveMeta(store, jobId, res) : view === "html" ? serveViewer(store, jobId, res) : serveLog(store, jobId, offset, res, follow ? {
			pollIntervalMs,
			followIdleTimeoutMs
		} : null)).catch(() => {
			if (!res.headersSent) sendError(res, 500, "could not read the log");
			else res.destroy();
		});
	}
}
async function serveArtifactList(store, jobId, res) {
	if (!await store.meta(jobId)) return sendError(res, 404, `no log for job ${jobId}`);
	sendJson(res, 200, await store.listArtifacts(jobId), { "cache-control": "no-store" });
}
async function serveArtifact(store, jobId, artifactPath, headOnly, res) {
	const artifact = await store.readArtifact(jobId, artifactPath);
	if (!artifact) return sendError(res, 404, `job ${jobId} has no artifact ${artifactPath}`);
	const name = artifactPath.split("/").at(-1);
	res.writeHead(200, {
		"content-type": "application/octet-stream",
		"content-length": artifact.bytes,
		"content-disposition": `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
		"x-content-type-options": "nosniff",
		"content-security-policy": "sandbox; default-src 'none'",
		"cache-control": "no-store"
	});
	if (headOnly) {
		artifact.body.destroy();
		res.end();
		return;
	}
	await pipeline(artifact.body, res);
}
async function serveMeta(store, jobId, res) {
	const meta = await store.meta(jobId);
	if (!meta) return sendError(res, 404, `no log for job ${jobId}`);
	sendJson(res, 200, meta, { "cache-control": "no-store" });
}
async function serveLog(store, jobId, offset, res, follow) {
	const meta = await store.meta(jobId);
	const first = meta && await store.read(jobId, offset);
	if (!meta || !first) return sendError(res, 404, `no log for job ${jobId}`);
	res.writeHead(200, {
		"content-type": "text/plain; charset=utf-8",
		"cache-control": "no-store",
		"x-content-type-options": "nosniff",
		"x-ironbots-log-complete": String(first.complete),
		"x-ironbots-job-state": meta.state
	});
	const closed = new AbortController();
	res.once("close", () => closed.abort());
	let chunk = first;
	let lastGrowth = performance.now();
	while (!closed.signal.aborted) {
		if (chunk.data.length > 0) {
			lastGrowth = performance.now();
			if (!res.write(chunk.data)) await drained(res);
		}
		if (chunk.complete) break;
		if (chunk.data.length === 0) {
			if (!follow || performance.now() - lastGrowth >= follow.followIdleTimeoutMs) break;
			try {
				await setTimeout$1(follow.pollIntervalMs, void 0, { signal: closed.signal });
			} catch {
				break;
			}
		}
		const next = await store.read(jobId, chunk.nextOffset);
		if (!next) break;
		chunk = next;
	}
	res.end();
}
async function serveViewer(store, jobId, res) {
	const meta = await store.meta(jobId);
	if (!meta) return sendError(res, 404, `no log for job ${jobId}`);
	const nonce = randomBytes(16).toString("base64");
	const page = await logViewerPage(meta, nonce);
	res.writeHead(200, {
		"content-type": "text/html; charset=utf-8",
		"cache-control": "no-store",
		"x-content-type-options": "nosniff",
		"content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
	});
	res.end(page);
}
function parseOffset(value) {
	if (value === null || value === "") return 0;
	if (!/^\d+$/.test(value)) return null;
	const offset = Number(value);
	return Number.isSafeInteger(offset) ? offset : null;
}
function drained(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off("drain", done);
			res.off("close", done);
			resolve();
		};
		res.once("drain", done);
		res.once("close", done);
	});
}
// runner-agent/src/queue/sqlite-database.ts
const SQLITE_BUSY_TIMEOUT_MS = 5e3;
function openSqliteDatabase(file, migrations) {
	const resolved = __ironbotsPath.resolve(file);
	mkdirSync(__ironbotsPath.dirname(resolved), { recursive: true });
	const db = new DatabaseSync(resolved, { timeout: SQLITE_BUSY_TIMEOUT_MS });
	try {
		db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
		migrate(db, migrations);
		return db;
	} catch (error) {
		db.close();
		throw error;
	}
}
function migrate(db, migrations) {
	db.exec("BEGIN IMMEDIATE");
	try {
		const { user_version: version } = db.prepare("PRAGMA user_version").get();
		for (let step = version; step < migrations.length; step++) db.exec(migrations[step]);
		if (version < migrations.length) db.exec(`PRAGMA user_version = ${migrations.length}`);
		db.exec("COMMIT");
	} catch (error) {
		if (db.isTransaction) db.exec("ROLLBACK");
		throw error;
	}
}
var WalCheckpointer = class WalCheckpointer {
	static #byFile = /* @__PURE__ */ new Map();
	static acquire(file, busyTimeoutMs, where = "thread", restartFrames = WAL_RESTART_FRAMES) {
		let entry = WalCheckpointer.#byFile.get(file);
		if (!entry) {
			entry = {
				checkpointer: new WalCheckpointer(file, busyTimeoutMs, where, restartFrames),
				users: 0
			};
			WalCheckpointer.#byFile.set(file, entry);
		}
		entry.users++;
		return entry.checkpointer;
	}
	#file;
	#checkpointing;
	#paused = null;
	constructor(file, busyTimeoutMs, where, restartFrames) {
		this.#file = file;
		this.#checkpointing = where === "thread" ? checkpointOnThread(file, busyTimeoutMs, restartFrames, {
			onError: () => WalCheckpointer.#forget(this),
			pauseWrites: (drained) => {
				this.#paused = drained.finally(() => this.#paused = null);
			}
		}) : checkpointInline(file, busyTimeoutMs);
	}
	get writesPaused() {
		return this.#paused;
	}
	async release() {
		const entry = WalCheckpointer.#byFile.get(this.#file);
		if (entry?.checkpointer === this && --entry.users > 0) return;
		WalCheckpointer.#forget(this);
		await this.#checkpointing.close();
	}
	static #forget(checkpointer) {
		if (WalCheckpointer.#byFile.get(checkpointer.#file)?.checkpointer === checkpointer) WalCheckpointer.#byFile.delete(checkpointer.#file);
	}
};
const WAL_RESTART_FRAMES = 65536;
const WAL_AUTOCHECKPOINT_FRAMES = 262144;
const DRAIN_TIMEOUT_MS = 2e3;
function checkpointOnThread(file, busyTimeoutMs, restartFrames, events) {
	const worker = new Worker(new URL("./sqlite-checkpoint-thread.ts", new URL("../../runner-agent/src/queue/sqlite-wal-checkpointer.ts", import.meta.url).href), { workerData: {
		file,
		busyTimeoutMs,
		intervalMs: 200,
		restartFrames
	} });
	worker.unref();
	const exited = new Promise((resolve) => worker.once("exit", () => resolve()));
	let endPause = null;
	const resume = () => {
		endPause?.();
		endPause = null;
	};
	worker.on("message", (message) => {
		if (message === "drained") return resume();
		if (message !== "wal-long" || endPause) return;
		const drained = new Promise((resolve) => {
			const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
			endPause = () => {
				clearTimeout(timer);
				resolve();
			};
		});
		events.pauseWrites(drained);
		worker.postMessage("drain");
	});
	worker.on("error", () => {
		resume();
		events.onError();
	});
	exited.then(resume);
	return { async close() {
		worker.ref();
		worker.postMessage("close");
		await exited;
	} };
}
function checkpointInline(file, busyTimeoutMs) {
	const stop = startCheckpoints(file, busyTimeoutMs, 200);
	stop.timer.unref();
	return { async close() {
		stop.close();
	} };
}
function startCheckpoints(file, busyTimeoutMs, intervalMs, longWal) {
	const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
	db.exec("PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;");
	const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
	const dbFd = longWal ? openSync(file, "r") : null;
	let backfilled = 0;
	const checkpointNow = () => {
		try {
			const result = checkpoint.get();
			if (dbFd !== null && result.checkpointed !== backfilled) {
				backfilled = result.checkpointed;
				fdatasyncSync(dbFd);
			}
			return result;
		} catch {
			return null;
		}
	};
	let waitingForDrain = false;
	let lengthAtDrain = -1;
	const timer = setInterval(() => {
		if (waitingForDrain) return;
		const result = checkpointNow();
		if (longWal && result && result.log >= longWal.restartFrames && result.log !== lengthAtDrain) {
			checkpointNow();
			waitingForDrain = true;
			longWal.onLongWal();
		}
	}, intervalMs);
	return {
		timer,
		drain() {
			lengthAtDrain = checkpointNow()?.log ?? -1;
			waitingForDrain = false;
		},
		close() {
			clearInterval(timer);
			db.close();
			if (dbFd !== null) closeSync(dbFd);
		}
	};
}
// runner-agent/src/queue/sqlite-queue.ts
const DEFAULT_POLL_INTERVAL_MS = 200;
const DEFAULT_RETENTION_MS = 6048e5;
const PURGE_INTERVAL_MS = 6e4;
const MIGRATIONS$3 = [
	`CREATE TABLE IF NOT EXISTS messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     queue TEXT NOT NULL,
     payload TEXT NOT NULL,
     labels TEXT NOT NULL,
     priority INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead')),
     attempt INTEGER NOT NULL,
     max_attempts INTEGER NOT NULL,
     available_at INTEGER NOT NULL,
     enqueued_at INTEGER NOT NULL,
     lease_token TEXT,
     lease_holder TEXT,
     lease_expires_at INTEGER,
     finished_at INTEGER,
     dedup_key TEXT,
     reason TEXT
   );
   CREATE UNIQUE INDEX IF NOT EXISTS messages_dedup ON messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
   CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, state, priority DESC, seq);
   CREATE INDEX IF NOT EXISTS messages_leases ON messages (queue, state, lease_expires_at);`,
	`CREATE INDEX IF NOT EXISTS messages_finished ON messages (queue, state, finished_at);`,
	`CREATE TABLE messages_v3 (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     queue TEXT NOT NULL,
     payload TEXT NOT NULL,
     labels TEXT NOT NULL,
     priority INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dead', 'cancelled')),
     attempt INTEGER NOT NULL,
     max_attempts INTEGER NOT NULL,
     available_at INTEGER NOT NULL,
     enqueued_at INTEGER NOT NULL,
     lease_token TEXT,
     lease_holder TEXT,
     lease_expires_at INTEGER,
     finished_at INTEGER,
     dedup_key TEXT,
     reason TEXT,
     cancel_reason TEXT
   );
   INSERT INTO messages_v3 (seq, id, queue, payload, labels, priority, state, attempt, max_attempts,
       available_at, enqueued_at, lease_token, lease_holder, lease_expires_at, finished_at, dedup_key, reason)
     SELECT seq, id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at,
       lease_token, lease_holder, lease_expires_at, finished_at, dedup_key, reason FROM messages;
   DROP TABLE messages;
   ALTER TABLE messages_v3 RENAME TO messages;
   CREATE UNIQUE INDEX messages_dedup ON messages (queue, dedup_key) WHERE dedup_key IS NOT NULL;
   CREATE INDEX messages_ready ON messages (queue, state, priority DESC, seq);
   CREATE INDEX messages_leases ON messages (queue, state, lease_expires_at);
   CREATE INDEX messages_finished ON messages (queue, state, finished_at);`,
	`DROP INDEX messages_leases;
   CREATE INDEX messages_leases ON messages (queue, lease_expires_at) WHERE state = 'leased';
   DROP INDEX messages_finished;
   CREATE INDEX messages_finished ON messages (queue, state, finished_at) WHERE finished_at IS NOT NULL;`
];
const wakeups = new EventEmitter();
wakeups.setMaxListeners(0);
const QUEUE_PRAGMAS = `PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_FRAMES};`;
var SqliteQueue = class SqliteQueue {
	name;
	#db;
	#sql;
	#tuning;
	#clock;
	#pollIntervalMs;
	#retentionMs;
	#wakeupKey;
	#closing = new AbortController();
	#closed = false;
	#pendingEnqueues = [];
	#flushAfterPause = false;
	#lastPurgeAt = -Infinity;
	#checkpointer;
	#writeStats = {
		batches: 0,
		enqueues: 0
	};
	static async open(options) {
		return new SqliteQueue(options);
	}
	constructor(options) {
		this.name = options.name;
		this.#tuning = {
			...defaultQueueTuning,
			...options.tuning
		};
		this.#clock = options.clock ?? Date.now;
		this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
		this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
		const file = __ironbotsPath.resolve(options.path);
		this.#wakeupKey = `${file}\0${options.name}`;
		this.#db = openSqliteDatabase(file, MIGRATIONS$3);
		try {
			this.#db.exec(QUEUE_PRAGMAS);
			this.#sql = prepareStatements(this.#db);
		} catch (error) {
			this.#db.close();
			throw error;
		}
		this.#checkpointer = WalCheckpointer.acquire(file, SQLITE_BUSY_TIMEOUT_MS, options.checkpoints, options.walRestartFrames);
	}
	enqueue(payload, options = {}) {
		if (this.#closed) return Promise.reject(new QueueClosedError(this.name));
		let payloadJson;
		try {
			payloadJson = options.payloadJson ?? serializePayload(payload);
		} catch (error) {
			return Promise.reject(error);
		}
		return new Promise((resolve, reject) => {
			this.#pendingEnqueues.push({
				payloadJson,
				options,
				resolve,
				reject
			});
			if (this.#pendingEnqueues.length === 1) setImmediate(() => this.#flushEnqueues());
		});
	}
	get writeStats() {
		return { ...this.#writeStats };
	}
	#flushEnqueues() {
		const batch = this.#pendingEnqueues;
		if (batch.length === 0) return;
		const paused = this.#checkpointer.writesPaused;
		if (paused && !this.#closed) {
			if (!this.#flushAfterPause) {
				this.#flushAfterPause = true;
				paused.then(() => {
					this.#flushAfterPause = false;
					this.#flushEnqueues();
				});
			}
			return;
		}
		this.#pendingEnqueues = [];
		let results;
		try {
			results = this.#inWriteTransaction(() => {
				const now = this.#clock();
				this.#purgeFinishedOccasionally(now);
				return batch.map(({ payloadJson, options }) => {
					const dedupKey = options.dedupKey ?? null;
					const id = randomUUIDv7();
					if (this.#sql.insert.run(id, this.name, payloadJson, canonicalLabels(options.labels ?? []), options.priority ?? 0, options.maxAttempts ?? this.#tuning.maxAttempts, now + Math.max(0, options.delayMs ?? 0), now, dedupKey).changes === 0) {
						const existing = this.#sql.idByDedupKey.get(this.name, dedupKey);
						if (!existing) throw new Error(`message id ${id} was taken already`);
						return {
							id: existing.id,
							duplicate: true
						};
					}
					return {
						id,
						duplicate: false
					};
				});
			});
		} catch (error) {
			for (const item of batch) item.reject(error);
			return;
		}
		this.#writeStats.batches++;
		this.#writeStats.enqueues += batch.length;
		batch.forEach((item, i) => item.resolve(results[i]));
		wakeups.emit(this.#wakeupKey);
	}
	async lease(consumer, options) {
		this.#assertOpen();
		const { signal } = options;
		if (signal?.aborted) return null;
		const offeredLabels = JSON.stringify([...new Set(consumer.labels)]);
		const waitUntil = performance.now() + (options.waitMs ?? 0);
		for (;;) {
			const lease = this.#tryLease(consumer.name, offeredLabels, options.visibilityTimeoutMs);
			if (lease) return lease;
			const remainingMs = waitUntil - performance.now();
			if (remainingMs <= 0) return null;
			await this.#waitForWork(Math.min(remainingMs, this.#pollIntervalMs), signal);
			if (signal?.aborted || this.#closed) return null;
		}
	}
	#tryLease(holder, offeredLabels, visibilityTimeoutMs) {
		const seenAt = this.#clock();
		if (!this.#sql.anyExpiredLease.get(this.name, seenAt) && !this.#sql.nextAvailable.get(this.name, seenAt, offeredLabels)) return null;
		return this.#inWriteTransaction(() => {
			const now = this.#clock();
			this.#reapExpiredLeases(now);
			const candidate = this.#sql.nextAvailable.get(this.name, now, offeredLabels);
			if (!candidate) return null;
			const token = randomUUID();
			const expiresAt = now + visibilityTimeoutMs;
			const row = this.#sql.take.get(token, holder, expiresAt, candidate.id);
			return row ? {
				message: toMessage(row),
				token,
				expiresAt
			} : null;
		});
	}
	#reapExpiredLeases(now) {
		for (const row of this.#sql.expiredLeases.all(this.name, now)) if (row.cancel_reason !== null) this.#sql.endCancelled.run(now, row.id);
		else if (row.attempt >= row.max_attempts) {
			const reason = `lease expired on attempt ${row.attempt} of ${row.max_attempts}, no attempts left (last holder: ${row.lease_holder ?? "unknown"})`;
			this.#sql.bury.run(now, reason, row.id);
		} else this.#sql.requeue.run(now, row.id);
	}
	#reapExpiredLeasesIfAny() {
		if (!this.#sql.anyExpiredLease.get(this.name, this.#clock())) return;
		this.#inWriteTransaction(() => this.#reapExpiredLeases(this.#clock()));
	}
	#waitForWork(ms, signal) {
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				wakeups.off(this.#wakeupKey, done);
				signal?.removeEventListener("abort", done);
				this.#closing.signal.removeEventListener("abort", done);
				resolve();
			};
			const timer = setTimeout(done, ms);
			wakeups.on(this.#wakeupKey, done);
			signal?.addEventListener("abort", done);
			this.#closing.signal.addEventListener("abort", done);
		});
	}
	async extend(lease, visibilityTimeoutMs) {
		this.#assertOpen();
		const expiresAt = this.#clock() + visibilityTimeoutMs;
		const row = this.#sql.extend.get(expiresAt, lease.message.id, lease.token);
		if (!row) throw new LeaseLostError(lease.message.id);
		return {
			...lease,
			expiresAt,
			...row.cancel_reason !== null ? { cancelRequested: row.cancel_reason } : {}
		};
	}
	async ack(lease) {
		this.#assertOpen();
		const now = this.#clock();
		if (this.#sql.finish.run(now, lease.message.id, lease.token).changes === 0) throw new LeaseLostError(lease.message.id);
		this.#purgeFinishedOccasionally(now);
	}
	async nack(lease, options) {
		this.#assertOpen();
		const { id } = lease.message;
		return this.#inWriteTransaction(() => {
			const now = this.#clock();
			const held = this.#sql.heldLease.get(id, lease.token);
			if (!held) throw new LeaseLostError(id);
			if (held.cancel_reason !== null) {
				this.#sql.endCancelled.run(now, id);
				return { outcome: "cancelled" };
			}
			if (options.retry && held.attempt < held.max_attempts) {
				const availableAt = now + backoffMs(this.#tuning, held.attempt);
				this.#sql.retry.run(availableAt, options.reason, id);
				return {
					outcome: "retry",
					availableAt
				};
			}
			const reason = options.retry ? `${options.reason} (attempt ${held.attempt} of ${held.max_attempts}, no attempts left)` : options.reason;
			this.#sql.bury.run(now, reason, id);
			return { outcome: "dead" };
		});
	}
	state(id) {
		return this.#statusBy(this.#sql.byId, id);
	}
	findByDedupKey(dedupKey) {
		return this.#statusBy(this.#sql.byDedupKey, dedupKey);
	}
	async #statusBy(lookup, value) {
		this.#assertOpen();
		this.#reapExpiredLeasesIfAny();
		const row = lookup.get(this.name, value);
		return row ? toStatus(row) : null;
	}
	async list(options) {
		this.#assertOpen();
		this.#reapExpiredLeasesIfAny();
		const limit = Math.max(0, Math.floor(options.limit));
		return (options.state ? this.#sql.listInState.all(this.name, options.state, limit) : this.#sql.list.all(this.name, limit)).map((row) => toStatus(row));
	}
	async cancel(id, reason) {
		this.#assertOpen();
		return this.#inWriteTransaction(() => {
			const now = this.#clock();
			this.#reapExpiredLeases(now);
			const current = () => this.#sql.byId.get(this.name, id);
			const before = current();
			if (!before) return { outcome: "unknown" };
			if (before.state === "queued") {
				this.#sql.cancelQueued.run(now, reason, this.name, id);
				return {
					outcome: "cancelled",
					status: toStatus(current())
				};
			}
			if (before.state === "leased") {
				if (before.cancel_reason === null) this.#sql.requestCancel.run(reason, this.name, id);
				return {
					outcome: "cancelling",
					status: toStatus(current())
				};
			}
			return {
				outcome: "finished",
				status: toStatus(before)
			};
		});
	}
	async deadLetters() {
		this.#assertOpen();
		this.#reapExpiredLeasesIfAny();
		return this.#sql.deadLetters.all(this.name).map((row) => ({
			message: toMessage(row),
			reason: row.reason ?? "unknown",
			deadAt: row.finished_at ?? 0
		}));
	}
	async redrive(id) {
		this.#assertOpen();
		if (this.#sql.redrive.run(this.#clock(), this.name, id).changes === 0) throw new Error(`message ${id} is not dead-lettered in queue ${this.name}`);
		wakeups.emit(this.#wakeupKey);
	}
	async stats() {
		this.#assertOpen();
		this.#reapExpiredLeasesIfAny();
		const stats = {
			queued: 0,
			leased: 0,
			done: 0,
			dead: 0,
			cancelled: 0
		};
		for (const row of this.#sql.countByState.all(this.name)) stats[row.state] = row.count;
		return stats;
	}
	async close() {
		if (this.#closed) return;
		this.#closed = true;
		this.#flushEnqueues();
		this.#closing.abort();
		this.#db.close();
		await this.#checkpointer.release();
	}
	#assertOpen() {
		if (this.#closed) throw new QueueClosedError(this.name);
	}
	#purgeFinishedOccasionally(now) {
		if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
		this.#lastPurgeAt = now;
		this.#sql.purgeDone.run(this.name, now - this.#retentionMs);
	}
	#inWriteTransaction(work) {
		this.#db.exec("BEGIN IMMEDIATE");
		try {
			const result = work();
			this.#db.exec("COMMIT");
			return result;
		} catch (error) {
			if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
			throw error;
		}
	}
};
function prepareStatements(db) {
	const columns = "id, payload, labels, priority, state, attempt, max_attempts, enqueued_at, lease_holder, finished_at, reason, cancel_reason";
	const clearLease = "lease_token = NULL, lease_holder = NULL, lease_expires_at = NULL";
	const expired = `queue = ? AND state = 'leased' AND lease_expires_at <= ?`;
	return {
		anyExpiredLease: db.prepare(`SELECT 1 FROM messages WHERE ${expired} LIMIT 1`),
		expiredLeases: db.prepare(`SELECT id, attempt, max_attempts, lease_holder, cancel_reason FROM messages WHERE ${expired}`),
		nextAvailable: db.prepare(`SELECT id FROM messages
       WHERE queue = ? AND state = 'queued' AND available_at <= ?
         AND NOT EXISTS (
           SELECT 1 FROM json_each(messages.labels) AS required
           WHERE required.value NOT IN (SELECT value FROM json_each(?))
         )
       ORDER BY priority DESC, seq ASC
       LIMIT 1`),
		take: db.prepare(`UPDATE messages SET state = 'leased', attempt = attempt + 1, lease_token = ?, lease_holder = ?, lease_expires_at = ?
       WHERE id = ? AND state = 'queued'
       RETURNING ${columns}`),
		requeue: db.prepare(`UPDATE messages SET state = 'queued', ${clearLease}, available_at = ? WHERE id = ?`),
		heldLease: db.prepare(`SELECT attempt, max_attempts, cancel_reason FROM messages WHERE id = ? AND state = 'leased' AND lease_token = ?`),
		extend: db.prepare(`UPDATE messages SET lease_expires_at = ? WHERE id = ? AND state = 'leased' AND lease_token = ?
       RETURNING cancel_reason`),
		finish: db.prepare(`UPDATE messages SET state = CASE WHEN cancel_reason IS NULL THEN 'done' ELSE 'cancelled' END,
         lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = cancel_reason
       WHERE id = ? AND state = 'leased' AND lease_token = ?`),
		endCancelled: db.prepare(`UPDATE messages SET state = 'cancelled', lease_token = NULL, lease_expires_at = NULL, finished_at = ?,
         reason = cancel_reason
       WHERE id = ?`),
		cancelQueued: db.prepare(`UPDATE messages SET state = 'cancelled', finished_at = ?, reason = ?, cancel_reason = NULL
       WHERE queue = ? AND id = ? AND state = 'queued'`),
		requestCancel: db.prepare(`UPDATE messages SET cancel_reason = ? WHERE queue = ? AND id = ? AND state = 'leased'`),
		list: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? ORDER BY seq DESC LIMIT ?`),
		listInState: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND state = ? ORDER BY seq DESC LIMIT ?`),
		retry: db.prepare(`UPDATE messages SET state = 'queued', ${clearLease}, available_at = ?, reason = ? WHERE id = ?`),
		bury: db.prepare(`UPDATE messages SET state = 'dead', lease_token = NULL, lease_expires_at = NULL, finished_at = ?, reason = ?
       WHERE id = ?`),
		byId: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND id = ?`),
		byDedupKey: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND dedup_key = ?`),
		deadLetters: db.prepare(`SELECT ${columns} FROM messages WHERE queue = ? AND state = 'dead' AND finished_at IS NOT NULL
       ORDER BY finished_at, seq`),
		redrive: db.prepare(`UPDATE messages SET state = 'queued', attempt = 0, available_at = ?, reason = NULL, finished_at = NULL
       WHERE queue = ? AND id = ? AND state = 'dead'`),
		idByDedupKey: db.prepare("SELECT id FROM messages WHERE queue = ? AND dedup_key = ?"),
		insert: db.prepare(`INSERT INTO messages (id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at, dedup_key)
       VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`),
		countByState: db.prepare("SELECT state, COUNT(*) AS count FROM messages WHERE queue = ? GROUP BY state"),
		purgeDone: db.prepare(`DELETE FROM messages WHERE queue = ? AND state IN ('done', 'cancelled') AND finished_at < ?`)
	};
}
function canonicalLabels(labels) {
	return JSON.stringify([...new Set(labels)].sort());
}
function toStatus(row) {
	return statusFromRow(row, toMessage(row));
}
function toMessage(row) {
	return {
		id: row.id,
		payload: JSON.parse(row.payload),
		labels: JSON.parse(row.labels),
		priority: row.priority,
		attempt: row.attempt,
		maxAttempts: row.max_attempts,
		enqueuedAt: row.enqueued_at
	};
}
// runner-agent/src/statuses/sqlite-job-records.ts
const MIGRATIONS$2 = [`CREATE TABLE job_records (
     key TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     name TEXT NOT NULL,
     sha TEXT NOT NULL,
     context TEXT NOT NULL,
     job_id TEXT,
     epoch INTEGER NOT NULL DEFAULT 0,
     holder TEXT,
     state TEXT NOT NULL CHECK (state IN ('open', 'finished')),
     final_state TEXT,
     final_description TEXT,
     target_url TEXT,
     published_at INTEGER,
     publishing_holder TEXT,
     publishing_until INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX job_records_unpublished ON job_records (state, published_at);
   CREATE INDEX job_records_open ON job_records (state, created_at);`];
var SqliteJobRecords = class {
	#db;
	#clock;
	constructor(options) {
		this.#db = openSqliteDatabase(options.path, MIGRATIONS$2);
		this.#clock = options.clock ?? Date.now;
	}
	async create(key, target, jobId) {
		const now = this.#clock();
		const result = this.#db.prepare(`INSERT INTO job_records (key, owner, name, sha, context, job_id, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (key) DO NOTHING`).run(key, target.repo.owner, target.repo.name, target.sha, target.context, jobId ?? null, now, now);
		return {
			created: Number(result.changes) === 1,
			record: await this.get(key)
		};
	}
	async get(key) {
		const row = this.#db.prepare("SELECT * FROM job_records WHERE key = ?").get(key);
		return row ? toRecord(row) : null;
	}
	async claim(key, target, jobId, holder) {
		await this.create(key, target, jobId);
		const row = this.#db.prepare(`UPDATE job_records SET epoch = epoch + 1, holder = ?, job_id = ?, updated_at = ?
         WHERE key = ? AND state = 'open' RETURNING epoch`).get(holder, jobId, this.#clock(), key);
		if (row) return {
			kind: "run",
			epoch: row.epoch
		};
		return {
			kind: "finished",
			record: await this.get(key)
		};
	}
	async isCurrent(key, epoch) {
		return !!this.#db.prepare(`SELECT 1 FROM job_records WHERE key = ? AND epoch = ? AND state = 'open'`).get(key, epoch);
	}
	async finish(key, epoch, outcome, publisher) {
		const result = this.#db.prepare(`UPDATE job_records SET state = 'finished', final_state = ?, final_description = ?, target_url = ?,
           published_at = NULL, publishing_holder = ?, publishing_until = ?, updated_at = ?
         WHERE key = ? AND epoch = ? AND state = 'open'`).run(outcome.state, outcome.description, outcome.targetUrl ?? null, publisher.holder, publisher.until, this.#clock(), key, epoch);
		return Number(result.changes) === 1;
	}
	async abandon(key, outcome) {
		const result = this.#db.prepare(`UPDATE job_records SET state = 'finished', final_state = ?, final_description = ?,
           target_url = coalesce(?, target_url), published_at = NULL, publishing_holder = NULL,
           publishing_until = NULL, epoch = epoch + 1, updated_at = ?
         WHERE key = ? AND state = 'open'`).run(outcome.state, outcome.description, outcome.targetUrl ?? null, this.#clock(), key);
		return Number(result.changes) === 1;
	}
	async takePublishing(key, holder, until) {
		const row = this.#db.prepare(`UPDATE job_records SET publishing_holder = ?, publishing_until = ?, updated_at = ?
         WHERE key = ? AND state = 'finished' AND published_at IS NULL
           AND (publishing_holder IS NULL OR publishing_holder = ? OR publishing_until <= ?)
         RETURNING *`).get(holder, until, this.#clock(), key, holder, this.#clock());
		return row ? toRecord(row) : null;
	}
	async markPublished(key, holder) {
		this.#db.prepare(`UPDATE job_records SET published_at = ?, publishing_holder = NULL, publishing_until = NULL, updated_at = ?
         WHERE key = ? AND state = 'finished' AND publishing_holder = ?`).run(this.#clock(), this.#clock(), key, holder);
	}
	async markUnpublished(key) {
		this.#db.prepare(`UPDATE job_records SET published_at = NULL, updated_at = ? WHERE key = ? AND state = 'finished'`).run(this.#clock(), key);
	}
	async unpublished(now, options = {}) {
		return this.#db.prepare(`SELECT * FROM job_records WHERE state = 'finished' AND published_at IS NULL
           AND (publishing_holder IS NULL OR publishing_until <= ? OR publishing_holder = ?)
         ORDER BY updated_at LIMIT ?`).all(now, options.holder ?? null, options.limit ?? 100).map(toRecord);
	}
	async openSince(before, limit = 100) {
		return this.#db.prepare(`SELECT * FROM job_records WHERE state = 'open' AND created_at < ? ORDER BY created_at LIMIT ?`).all(before, limit).map(toRecord);
	}
	async recentlyFinished(limit = 20) {
		return this.#db.prepare(`SELECT * FROM job_records WHERE state = 'finished' ORDER BY updated_at DESC, key LIMIT ?`).all(limit).map(toRecord);
	}
	async reopen(key) {
		this.#db.prepare(`UPDATE job_records SET state = 'open', final_state = NULL, final_description = NULL, published_at = NULL,
           publishing_holder = NULL, publishing_until = NULL, epoch = epoch + 1, updated_at = ?
         WHERE key = ?`).run(this.#clock(), key);
	}
	async close() {
		if (this.#db.isOpen) this.#db.close();
	}
};
// runner-agent/src/agents/sqlite-agent-registry.ts
const MIGRATIONS$1 = [`CREATE TABLE agents (
     name TEXT PRIMARY KEY,
     labels TEXT NOT NULL,
     mode TEXT,
     version TEXT NOT NULL,
     running_jobs TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     last_heartbeat INTEGER NOT NULL
   );`];
var SqliteAgentRegistry = class {
	#db;
	#clock;
	constructor(options) {
		this.#db = openSqliteDatabase(options.path, MIGRATIONS$1);
		this.#clock = options.clock ?? Date.now;
	}
	async heartbeat(agent, options = {}) {
		const now = this.#clock();
		this.#db.prepare(`INSERT INTO agents (name, labels, mode, version, running_jobs, started_at, last_heartbeat)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, mode = excluded.mode,
           version = excluded.version, running_jobs = excluded.running_jobs,
           started_at = CASE WHEN ? THEN excluded.started_at ELSE agents.started_at END,
           last_heartbeat = excluded.last_heartbeat`).run(agent.name, JSON.stringify(agent.labels), agent.mode, agent.version, JSON.stringify(agent.runningJobs), now, now, options.starting ? 1 : 0);
	}
	async deregister(name) {
		this.#db.prepare("DELETE FROM agents WHERE name = ?").run(name);
	}
	async list() {
		return this.#db.prepare("SELECT * FROM agents ORDER BY name").all().map(toRegisteredAgent);
	}
	async close() {
		if (this.#db.isOpen) this.#db.close();
	}
};
// runner-agent/src/planner/sqlite-planned-heads.ts
const MIGRATIONS = [`CREATE TABLE planned_heads (
     owner TEXT NOT NULL,
     name TEXT NOT NULL,
     number INTEGER NOT NULL,
     head_sha TEXT NOT NULL,
     settled INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (owner, name, number)
   );`];
var SqlitePlannedHeads = class {
	#db;
	#clock;
	constructor(options) {
		this.#db = openSqliteDatabase(options.path, MIGRATIONS);
		this.#clock = options.clock ?? Date.now;
	}
	async list(repo) {
		const { owner, name } = repositoryKey(repo);
		const rows = this.#db.prepare("SELECT number, head_sha, settled, updated_at FROM planned_heads WHERE owner = ? AND name = ?").all(owner, name);
		return new Map(rows.map((row) => [row.number, {
			number: row.number,
			headSha: row.head_sha,
			settled: row.settled === 1,
			updatedAt: row.updated_at
		}]));
	}
	async remember(repo, head) {
		const { owner, name } = repositoryKey(repo);
		this.#db.prepare(`INSERT INTO planned_heads (owner, name, number, head_sha, settled, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner, name, number) DO UPDATE SET head_sha = excluded.head_sha,
           settled = excluded.settled, updated_at = excluded.updated_at`).run(owner, name, head.number, head.headSha, head.settled ? 1 : 0, this.#clock());
	}
	async forgetAllBut(repo, open) {
		const { owner, name } = repositoryKey(repo);
		const result = this.#db.prepare(`DELETE FROM planned_heads WHERE owner = ? AND name = ?
           AND number NOT IN (SELECT value FROM json_each(?))`).run(owner, name, JSON.stringify(open));
		return Number(result.changes);
	}
	async close() {
		if (this.#db.isOpen) this.#db.close();
	}
};
// runner-agent/src/runners/runner-demand.ts
const RUNS_ON_CONTEXT = "ironbots/runs-on";
const WorkflowJobEventSchema = object({
	action: string(),
	workflow_job: object({
		id: number().int().positive(),
		run_id: number().int().positive(),
		name: string().default(""),
		status: string(),
		conclusion: string().nullable().optional(),
		labels: array(string()),
		runner_name: string().nullable().optional(),
		head_sha: string(),
		created_at: string(),
		started_at: string().nullable().optional(),
		html_url: string().nullable().optional()
	}),
	repository: object({
		name: string(),
		owner: object({ login: string() })
	})
});
const MAX_GENERATIONS = 5;
var RunnerDemand = class {
	#o;
	#clock;
	constructor(options) {
		this.#o = options;
		this.#clock = options.clock ?? (() => /* @__PURE__ */ new Date());
	}
	async handleDelivery(delivery) {
		const parsed = WorkflowJobEventSchema.safeParse(delivery.payload);
		if (!parsed.success) return {
			kind: "ignored",
			reason: `workflow_job payload not understood: ${parsed.error.issues[0]?.message}`
		};
		const { action, workflow_job: w, repository } = parsed.data;
		const repo = {
			owner: repository.owner.login,
			name: repository.name
		};
		const job = toWorkflowJob(w);
		if (action === "in_progress") {
			if (job.runnerName?.startsWith(this.#o.settings.namePrefix) && job.startedAt) {
				const waited = Date.parse(job.startedAt) - Date.parse(job.createdAt);
				if (Number.isFinite(waited)) this.#o.observer?.observeRunner({
					type: "job-started",
					labels: labelSetKey(job.labels),
					queuedForMs: Math.max(0, waited)
				});
				this.#o.logger.info({
					repo: `${repo.owner}/${repo.name}`,
					workflowJobId: job.id,
					runner: job.runnerName
				}, "workflow job started on an ironbots runner");
			}
			return {
				kind: "ignored",
				reason: `workflow_job ${action}`
			};
		}
		if (action !== "queued") return {
			kind: "ignored",
			reason: `workflow_job ${action}`
		};
		return this.planWorkflowJob(repo, job, "webhook", 1);
	}
	async scanRepository(repo) {
		let enqueued = 0;
		const queued = await this.#o.forge.listQueuedWorkflowJobs(repo);
		for (const job of queued) {
			const result = await this.planWorkflowJob(repo, job, "scan", MAX_GENERATIONS);
			if (result.kind === "planned" && result.jobs.some((j) => !j.duplicate)) enqueued++;
		}
		return {
			queued: queued.length,
			enqueued
		};
	}
	async planWorkflowJob(repo, workflowJob, trigger, generations) {
		const { settings } = this.#o;
		const log = this.#o.logger.child({
			repo: `${repo.owner}/${repo.name}`,
			workflowJobId: workflowJob.id,
			labels: workflowJob.labels
		});
		if (!isClaimed(workflowJob.labels, settings)) return {
			kind: "ignored",
			reason: `runs-on ${JSON.stringify(workflowJob.labels)} lacks ${settings.claimLabels.join(", ")}`
		};
		const needed = agentLabelsFor(workflowJob.labels, settings);
		const queueLabels = requiredLabels({
			labels: needed,
			executor: settings.executor
		});
		const refusal = await this.#unsatisfiable(queueLabels);
		if (refusal) {
			log.warn({
				needed: queueLabels,
				onOffer: refusal.onOffer
			}, "no agent offers these labels");
			await this.#o.forge.setCommitStatus(repo, workflowJob.headSha, {
				state: "error",
				context: RUNS_ON_CONTEXT,
				description: truncateDescription(`${workflowJob.name || `job ${workflowJob.id}`}: no ironbots agent offers ${refusal.missing}; on offer: ${refusal.onOffer}`)
			});
			return {
				kind: "ignored",
				reason: `no agent offers ${refusal.missing}`
			};
		}
		const job = {
			context: truncateDescription(`runner for ${workflowJob.name || `job ${workflowJob.id}`}`).slice(0, 100),
			command: [...settings.command],
			labels: needed,
			timeoutSeconds: settings.timeoutMinutes * 60,
			env: {},
			executor: settings.executor,
			...settings.image && settings.executor !== "process" ? { image: settings.image } : {},
			...settings.executor === "vm" ? { network: "user" } : {},
			runner: {
				forge: "github",
				repository: {
					owner: repo.owner,
					name: repo.name
				},
				scope: settings.scope,
				runnerGroupId: settings.runnerGroupId,
				workflowJobId: workflowJob.id,
				runId: workflowJob.runId,
				workflowJobName: workflowJob.name,
				labels: workflowJob.labels,
				headSha: workflowJob.headSha,
				queuedAt: workflowJob.createdAt
			},
			trigger: {
				kind: trigger,
				ref: `workflow_job ${workflowJob.id}`
			},
			createdAt: this.#clock().toISOString()
		};
		const base = `github-runner:${repo.owner}/${repo.name}#${workflowJob.id}`;
		for (let generation = 1; generation <= generations; generation++) {
			const dedupKey = generation === 1 ? base : `${base}/${generation}`;
			const queued = await this.#o.jobs.enqueue(job, {
				dedupKey,
				labels: queueLabels,
				maxAttempts: 2
			});
			if (!queued.duplicate) {
				log.info({
					jobId: queued.id,
					trigger,
					generation
				}, "runner job queued");
				return {
					kind: "planned",
					jobs: [{
						context: job.context,
						jobId: queued.id,
						duplicate: false
					}],
					skipped: []
				};
			}
			const state = await this.#o.jobs.state(queued.id);
			if (!state || state.state === "queued" || state.state === "leased") return {
				kind: "planned",
				jobs: [{
					context: job.context,
					jobId: queued.id,
					duplicate: true
				}],
				skipped: []
			};
		}
		if (generations > 1) log.error({ generations }, "the workflow job is still queued after this many runner jobs: not starting another one");
		return {
			kind: "ignored",
			reason: `runner jobs for workflow job ${workflowJob.id} are used up`
		};
	}
	async #unsatisfiable(labels) {
		if (!this.#o.agents) return null;
		const agents = await this.#o.agents.list();
		if (agents.some((agent) => labelsSatisfied(labels, agent.labels.map((l) => l.toLowerCase())))) return null;
		const offered = new Set(agents.flatMap((a) => a.labels.map((l) => l.toLowerCase())));
		const missing = labels.filter((l) => !offered.has(l));
		return {
			missing: (missing.length ? missing : labels).join(", "),
			onOffer: agents.length ? agents.map((a) => `${a.name} [${a.labels.join(", ")}]`).join("; ") : "no agent is registered"
		};
	}
};
function toWorkflowJob(w) {
	return {
		id: w.id,
		runId: w.run_id,
		name: w.name,
		status: w.status,
		conclusion: w.conclusion ?? null,
		labels: w.labels,
		runnerName: w.runner_name ?? null,
		headSha: w.head_sha,
		createdAt: w.created_at,
		startedAt: w.started_at ?? null,
		htmlUrl: w.html_url ?? ""
	};
}
// runner-agent/src/runners/runner-reaper.ts
var RunnerReaper = class {
	#o;
	constructor(options) {
		this.#o = options;
	}
	async reap() {
		const { forge, settings } = this.#o;
		let alive = 0;
		let removed = 0;
		const seen = /* @__PURE__ */ new Set();
		for (const scope of this.#o.scopes()) {
			const key = describeScope(scope);
			if (seen.has(key)) continue;
			seen.add(key);
			let runners;
			try {
				runners = await forge.listRunners(scope);
			} catch (error) {
				this.#o.logger.warn({
					err: error,
					scope: key
				}, "could not list runner registrations");
				continue;
			}
			for (const runner of runners) {
				const madeAt = runnerNameTime(settings.namePrefix, runner.name);
				if (madeAt === null) continue;
				alive++;
				if (runner.busy || !this.#isGhost(runner.name, runner.online, madeAt)) continue;
				const result = await forge.deleteRunner(scope, runner.id).catch((error) => {
					this.#o.logger.warn({
						err: error,
						runner: runner.name
					}, "could not remove a ghost registration");
					return "failed";
				});
				if (result === "deleted" || result === "absent") {
					alive--;
					if (result === "deleted") removed++;
					this.#o.logger.info({
						runner: runner.name,
						runnerId: runner.id,
						scope: key
					}, "ghost runner registration removed");
				}
			}
		}
		this.#o.observer?.observeRunner({
			type: "reaped",
			alive,
			ghostsRemoved: removed
		});
		return {
			alive,
			removed
		};
	}
	#isGhost(name, online, madeAt) {
		const { owner, settings } = this.#o;
		if (owner.kind === "agent") return agentOf(settings.namePrefix, name) === owner.name && !owner.live.has(name);
		const patienceMs = (2 * settings.registrationTimeoutSeconds + settings.idleTimeoutSeconds) * 1e3;
		return !online && Date.now() - madeAt > patienceMs;
	}
};
function agentOf(prefix, name) {
	const match = /^(.*)-[0-9a-z]{5,8}-[0-9a-f]{6}$/.exec(name.slice(prefix.length));
	return match ? match[1] : null;
}
// runner-agent/src/deployment/deployment.ts
function urlPassword(url) {
	try {
		const password = new URL(url).password;
		return password ? decodeURIComponent(password) : void 0;
	} catch {
		return;
	}
}
function trustPolicy(server) {
	return {
		trustedAuthors: server?.trustedAuthors ?? [],
		infraRepositories: server?.infraRepositories ?? [],
		projects: server?.infraProjects ?? [],
		...server?.approvalLabel ? { approvalLabel: server.approvalLabel } : {}
	};
}
function secretsOf(config) {
	const secrets = new SecretRegistry();
	secrets.add(config.forge?.token);
	secrets.add(config.forge?.app?.privateKey);
	secrets.add(config.server?.webhookSecret);
	if (config.logs.kind === "s3") secrets.add(config.logs.secretAccessKey);
	if (config.images.kind === "s3") secrets.add(config.images.secretAccessKey);
	for (const token of config.server?.apiTokens ?? []) secrets.add(token);
	for (const token of config.metrics.tokens) secrets.add(token);
	if (config.queue.kind === "rabbitmq") secrets.add(urlPassword(config.queue.url));
	if (config.state.kind === "postgres") secrets.add(urlPassword(config.state.url));
	return secrets;
}
async function openQueuesAndRecords(config, stateDir, logger, checkpoints) {
	const trouble = logger.child({ role: "fleet" });
	const fleet = config.state.kind === "postgres" || config.queue.kind === "rabbitmq" ? {
		...await import("./postgres-database-BtNujQPe.mjs"),
		...await import("./rabbitmq-queue-DfaJsvVs.mjs"),
		...await import("./postgres-job-records-CUwbiaIr.mjs"),
		...await import("./postgres-agent-registry-DbXk0F8d.mjs"),
		...await import("./postgres-planned-heads-9pS8Pmdl.mjs")
	} : null;
	const database = config.state.kind === "postgres" ? await fleet.PostgresDatabase.open({
		url: config.state.url,
		schema: config.state.schema,
		onRetry: (message) => trouble.warn(message)
	}) : null;
	try {
		const queuePath = config.queue.kind === "sqlite" ? config.queue.path ?? __ironbotsPath.join(stateDir, "queue.db") : null;
		let events;
		let jobs;
		if (config.queue.kind === "rabbitmq") {
			if (!database) throw new Error("a rabbitmq queue needs state: { kind: postgres }");
			const { url, prefix } = config.queue;
			const open = (name) => fleet.RabbitMqQueue.open({
				amqpUrl: url,
				database,
				name,
				brokerPrefix: `${prefix}.${name}`,
				onTrouble: (message) => trouble.warn(message)
			});
			events = await open("events");
			jobs = await open("jobs").catch(async (error) => {
				await events.close();
				throw error;
			});
		} else {
			events = await SqliteQueue.open({
				path: queuePath,
				name: "events",
				checkpoints
			});
			jobs = await SqliteQueue.open({
				path: queuePath,
				name: "jobs",
				checkpoints
			});
		}
		const records = database ? await fleet.PostgresJobRecords.open({ database }).catch(async (error) => {
			await Promise.allSettled([events.close(), jobs.close()]);
			throw error;
		}) : new SqliteJobRecords({ path: (config.state.kind === "sqlite" ? config.state.path : void 0) ?? __ironbotsPath.join(queuePath ? __ironbotsPath.dirname(queuePath) : stateDir, "job-records.db") });
		const agents = database ? await fleet.PostgresAgentRegistry.open({ database }).catch(async (error) => {
			await Promise.allSettled([
				events.close(),
				jobs.close(),
				records.close()
			]);
			throw error;
		}) : new SqliteAgentRegistry({ path: __ironbotsPath.join(queuePath ? __ironbotsPath.dirname(queuePath) : stateDir, "agents.db") });
		const plannedHeads = database ? await fleet.PostgresPlannedHeads.open({ database }).catch(async (error) => {
			await Promise.allSettled([
				events.close(),
				jobs.close(),
				records.close(),
				agents.close()
			]);
			throw error;
		}) : new SqlitePlannedHeads({ path: __ironbotsPath.join(queuePath ? __ironbotsPath.dirname(queuePath) : stateDir, "planned-heads.db") });
		return {
			events,
			jobs,
			records,
			agents,
			plannedHeads,
			database
		};
	} catch (error) {
		await database?.close();
		throw error;
	}
}
function expandHome(dir) {
	return dir.replace(/^~(?=\/|$)/, os.homedir());
}
async function openDeployment(config, options) {
	const { logger } = options;
	const secrets = options.secrets ?? secretsOf(config);
	const stateDir = expandHome(config.stateDir);
	const forge = config.forge ? await forgeFromConfig(config.forge, {
		secrets,
		logger,
		throttle: config.forge.secondaryRateLimits
	}) : null;
	const { events, jobs, records, agents, plannedHeads, database } = await openQueuesAndRecords(config, stateDir, logger, options.walCheckpoints ?? "thread");
	const logStore = await openLogStore(config.logs, stateDir, secrets);
	const metrics = await openMetricsRecorder(config.metrics, {
		queues: [events, jobs],
		defaultMetrics: options.processMetrics ?? true
	});
	const started = [];
	let serverUrl;
	const executorsDir = (agentName) => __ironbotsPath.join(stateDir, "executors", agentName);
	const repositories = async () => {
		if (!forge || !config.forge) return [];
		return Promise.all(config.forge.repositories.map((full) => {
			const [owner, name] = full.split("/");
			return forge.getRepository({
				owner,
				name
			});
		}));
	};
	const runnerSettings = config.runners.github;
	const runnerForge = forge && isActionsRunners(forge) ? forge : null;
	if (runnerSettings && !runnerForge) throw new Error("runners.github needs a GitHub forge section (forge: { kind: github, token, \u2026 })");
	const configuredRepos = (config.forge?.repositories ?? []).map((full) => {
		const [owner, name] = full.split("/");
		return {
			owner,
			name
		};
	});
	const fleetReaper = (runnerForge, settings) => new RunnerReaper({
		forge: runnerForge,
		settings,
		logger: logger.child({ role: "runners" }),
		observer: metrics,
		owner: { kind: "fleet" },
		scopes: () => runnerScopes(settings, configuredRepos)
	});
	const agentRunners = (agentName) => {
		if (!runnerSettings || !runnerForge) return null;
		const live = new LiveRunners();
		const runnerLogger = logger.child({ role: "runners" });
		return {
			launcher: new JitRunnerLauncher({
				forge: runnerForge,
				settings: runnerSettings,
				agentName,
				logger: runnerLogger,
				secrets,
				observer: metrics,
				live
			}),
			reaper: new RunnerReaper({
				forge: runnerForge,
				settings: runnerSettings,
				logger: runnerLogger,
				observer: metrics,
				owner: {
					kind: "agent",
					name: agentName,
					live
				},
				scopes: () => [...runnerScopes(runnerSettings, configuredRepos), ...live.scopes()]
			}),
			reapIntervalMs: runnerSettings.reapIntervalSeconds * 1e3
		};
	};
	return {
		config,
		secrets,
		logger,
		stateDir,
		forge,
		events,
		jobs,
		logStore,
		metrics,
		records,
		agents,
		executorsDir,
		repositories,
		runners() {
			if (!runnerSettings || !runnerForge) return null;
			return {
				forge: runnerForge,
				settings: runnerSettings,
				scopes: runnerScopes(runnerSettings, configuredRepos),
				repositories: configuredRepos,
				reaper: fleetReaper(runnerForge, runnerSettings)
			};
		},
		async planner() {
			if (!forge) throw new Error("the configuration has no forge section");
			const { Planner } = await import("./planner-DdV3scHI.mjs");
			return new Planner({
				forge,
				jobs,
				logger: logger.child({ role: "planner" }),
				trust: trustPolicy(config.server),
				...config.server ? { imageRefresh: config.server.imageRefreshJobs } : {},
				canary: {
					percent: config.server?.canaryPercent ?? 0,
					agents
				},
				records,
				publisher: new StatusPublisher({
					forge,
					records,
					logger: logger.child({ role: "statuses" })
				}),
				plannedHeads
			});
		},
		async startServer(serverOptions = {}) {
			const server = config.server;
			if (!server) throw new Error("the configuration has no server section");
			const { startServerRole } = await import("./server-role-BEAUi2Q0.mjs");
			const role = await startServerRole({
				events,
				jobs,
				logStore,
				forge,
				webhookSecret: server.webhookSecret,
				apiTokens: server.apiTokens,
				trust: trustPolicy(server),
				imageRefresh: server.imageRefreshJobs,
				canary: {
					percent: server.canaryPercent,
					agents
				},
				logger: logger.child({ role: "server" }),
				...parseListen(server.listen),
				...config.publicUrl ? { publicUrl: config.publicUrl } : {},
				extraRoutes: [logHttpRoute(logStore)],
				scan: {
					repositories: await repositories(),
					intervalMs: server.scanIntervalSeconds * 1e3,
					fullScanEveryMs: server.fullScanIntervalSeconds * 1e3,
					...forge && isRateLimitReport(forge) ? { rateLimit: () => forge.rateLimit() } : {},
					reservePercent: server.scanReservePercent
				},
				plannedHeads,
				metrics: {
					metrics,
					access: config.metrics
				},
				records,
				reconcileIntervalMs: config.statuses.reconcileIntervalSeconds * 1e3,
				dashboard: {
					public: server.dashboard.public,
					agents
				},
				logExpiry: { retentionDays: config.logs.retentionDays },
				...runnerSettings && runnerForge ? { runners: {
					demand: new RunnerDemand({
						forge: runnerForge,
						jobs,
						agents,
						settings: runnerSettings,
						logger: logger.child({ role: "runners" }),
						observer: metrics
					}),
					reaper: fleetReaper(runnerForge, runnerSettings),
					reapIntervalMs: runnerSettings.reapIntervalSeconds * 1e3
				} } : {},
				...serverOptions.onPlanned ? { onPlanned: serverOptions.onPlanned } : {}
			});
			serverUrl ??= role.url;
			started.push(role);
			return role;
		},
		async startAgent(agentOptions = {}) {
			const agentConfig = config.agent;
			if (!agentConfig) throw new Error("the configuration has no agent section");
			let logBase = config.publicUrl ?? serverUrl;
			if (agentConfig.listen) {
				const http = await startHttpServer({
					logger,
					...parseListen(agentConfig.listen),
					routes: [logHttpRoute(logStore), metrics.route(config.metrics)]
				});
				started.push({ stop: () => http.close() });
				logBase ??= http.url;
			}
			if (!logBase) throw new Error("set publicUrl or agent.listen so statuses can link to logs");
			const base = logBase;
			const agent = new Agent({
				name: agentConfig.name,
				labels: agentConfig.canary ? [...agentConfig.labels, CANARY_LABEL] : agentConfig.labels,
				jobs,
				executors: await createExecutors(agentConfig.executors, executorsDir(agentConfig.name), logger, agentConfig.executors.includes("vm") ? (await import("./image-store-from-config-UoORbUSY.mjs")).imageResolverFromConfig(config) : void 0),
				forge,
				logStore,
				logUrl: (jobId) => `${base}/logs/${jobId}`,
				workRoot: __ironbotsPath.join(stateDir, "work", agentConfig.name),
				logger: logger.child({ role: "agent" }),
				secrets,
				concurrency: agentConfig.concurrency,
				visibilityTimeoutMs: agentConfig.visibilityTimeoutSeconds * 1e3,
				supersededPollMs: agentConfig.supersededPollSeconds * 1e3,
				cancelCheckMs: agentConfig.cancelCheckSeconds * 1e3,
				records,
				statusHoldMs: config.statuses.holdSeconds * 1e3,
				artifacts: { maxBytes: config.logs.maxArtifactBytes },
				registry: {
					store: agents,
					version
				},
				runners: agentRunners(agentConfig.name),
				...runnerSettings ? { orphanReapMs: runnerSettings.reapIntervalSeconds * 1e3 } : {},
				onEvent: (event) => {
					metrics.observeAgent(event);
					agentOptions.onEvent?.(event);
				}
			});
			await agent.start();
			started.push(agent);
			return agent;
		},
		async close() {
			for (const part of started.reverse()) await part.stop().catch(() => void 0);
			started.length = 0;
			await Promise.allSettled([
				events.close(),
				jobs.close(),
				records.close(),
				agents.close(),
				plannedHeads.close()
			]);
			await database?.close();
		}
	};
}
function isActionsRunners(forge) {
	return "createJitRunner" in forge;
}
function isRateLimitReport(forge) {
	return "rateLimit" in forge && typeof forge.rateLimit === "function";
}
function runnerScopes(settings, repositories) {
	return settings.scope === "organization" ? [...new Set(repositories.map((r) => r.owner))].map((org) => ({ org })) : repositories.map((repo) => ({ repo }));
}
function parseListen(listen) {
	const i = listen.lastIndexOf(":");
	return {
		host: listen.slice(0, i),
		port: Number(listen.slice(i + 1))
	};
}
async function openLogStore(logs, stateDir, secrets) {
	const maxLogBytes = logs.maxBytes;
	if (logs.kind === "filesystem") return new FilesystemLogStore({
		root: logs.dir ?? __ironbotsPath.join(stateDir, "logs"),
		secrets,
		maxLogBytes
	});
	const [{ s3ClientFromConfig }, { S3LogStore }] = await Promise.all([import("./s3-client--IQ3sy9A.mjs"), import("./s3-log-store-CapMQXyF.mjs")]);
	return new S3LogStore({
		client: s3ClientFromConfig(logs),
		bucket: logs.bucket,
		prefix: logs.prefix,
		secrets,
		maxLogBytes
	});
}
export { openDeployment as n, secretsOf as r, expandHome as t };
