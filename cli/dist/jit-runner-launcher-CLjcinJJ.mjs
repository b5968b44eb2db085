import { n as describeScope } from "./forge-CSA4ojXu.mjs";
import { randomBytes } from "node:crypto";
import { setTimeout as setTimeout$1 } from "node:timers/promises";
// runner-agent/src/runners/github-runner-settings.ts
function lower(labels) {
	return labels.map((l) => l.toLowerCase());
}
function isClaimed(labels, settings) {
	const have = new Set(lower(labels));
	return lower(settings.claimLabels).every((l) => have.has(l));
}
function agentLabelsFor(labels, settings) {
	const implicit = new Set(lower(settings.implicitLabels));
	return [...new Set(lower(labels).filter((l) => !implicit.has(l)))].sort();
}
function runnerFits(jobLabels, runnerLabels) {
	const have = new Set(lower(runnerLabels));
	return lower(jobLabels).every((l) => have.has(l));
}
function labelSetKey(labels) {
	return [...new Set(lower(labels))].sort().join(",");
}
// runner-agent/src/runners/jit-runner-launcher.ts
var WatchdogStop = class extends Error {
	stop;
	constructor(stop) {
		super(stop.message);
		this.stop = stop;
		this.name = "WatchdogStop";
	}
};
var LiveRunners = class {
	#names = /* @__PURE__ */ new Set();
	#scopes = /* @__PURE__ */ new Map();
	noteScope(scope) {
		this.#scopes.set(describeScope(scope), scope);
	}
	scopes() {
		return [...this.#scopes.values()];
	}
	add(name) {
		this.#names.add(name);
	}
	delete(name) {
		this.#names.delete(name);
	}
	has(name) {
		return this.#names.has(name);
	}
};
function runnerName(prefix, agentName, at) {
	return `${prefix}${agentName.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64 - prefix.length - 16)}-${Math.floor(at / 1e3).toString(36)}-${randomBytes(3).toString("hex")}`;
}
function runnerNameTime(prefix, name) {
	if (!name.startsWith(prefix)) return null;
	const match = /-([0-9a-z]{5,8})-[0-9a-f]{6}$/.exec(name);
	return match ? Number.parseInt(match[1], 36) * 1e3 : null;
}
var JitRunnerLauncher = class {
	#o;
	live;
	constructor(options) {
		this.#o = options;
		this.live = options.live ?? new LiveRunners();
	}
	async launch(launch, execute) {
		const { request, line } = launch;
		const repo = request.repository;
		const scope = request.scope === "organization" ? { org: repo.owner } : { repo };
		const log = this.#o.logger.child({
			jobId: launch.jobId,
			repo: `${repo.owner}/${repo.name}`,
			workflowJobId: request.workflowJobId,
			runId: request.runId
		});
		line(`runner for workflow job ${request.workflowJobId} (${request.workflowJobName || "unnamed"}) of ${repo.owner}/${repo.name}, runs-on ${request.labels.join(", ")}`);
		const wanted = await this.#wanted(scope, request);
		if (!wanted.yes) {
			line(`no runner needed: ${wanted.why}`);
			log.info({ why: wanted.why }, "runner not needed");
			return {
				outcome: {
					kind: "exited",
					exitCode: 0
				},
				note: "not needed"
			};
		}
		line(wanted.why);
		for (let attempt = 1;; attempt++) {
			const ran = await this.#once(launch, execute, scope, log);
			if (ran.retry && attempt === 1 && !launch.signal.aborted) {
				line(`${ran.retry}; trying once more with a new registration`);
				log.warn({ why: ran.retry }, "runner failed to come online; retrying once");
				continue;
			}
			if (ran.retry) return { outcome: {
				kind: "infrastructure-error",
				message: `${ran.retry} (tried twice)`
			} };
			return ran.result;
		}
	}
	async #once(launch, execute, scope, log) {
		const { request, line } = launch;
		const { settings, forge } = this.#o;
		const name = runnerName(settings.namePrefix, this.#o.agentName, Date.now());
		this.live.add(name);
		this.live.noteScope(scope);
		let registered;
		try {
			registered = await forge.createJitRunner(scope, {
				name,
				labels: request.labels,
				runnerGroupId: request.runnerGroupId
			});
		} catch (error) {
			this.live.delete(name);
			throw error;
		}
		const { runner, jitConfig } = registered;
		this.#o.secrets.add(jitConfig);
		const runnerLog = log.child({
			runner: name,
			runnerId: runner.id
		});
		line(`registered runner ${name} (id ${runner.id}) in ${describeScope(scope)}`);
		runnerLog.info("runner registered");
		const watchdog = new AbortController();
		const watching = new AbortController();
		let startedAt = null;
		const state = {
			everOnline: false,
			everBusy: false
		};
		const watch = this.#watch(scope, runner, request, state, () => startedAt, watchdog, watching.signal, line, runnerLog);
		let result;
		try {
			result = await execute({
				argv: [
					...launch.command,
					"--jitconfig",
					jitConfig
				],
				env: { RUNNER_ALLOW_RUNASROOT: "1" }
			}, {
				signal: AbortSignal.any([launch.signal, watchdog.signal]),
				onStarted: (at) => {
					startedAt = at;
					const queuedAt = Date.parse(request.queuedAt);
					if (Number.isFinite(queuedAt)) this.#o.observer?.observeRunner({
						type: "vm-started",
						labels: labelSetKey(request.labels),
						queuedForMs: Math.max(0, at - queuedAt)
					});
					line(`runner started`);
					runnerLog.info("runner VM started");
					launch.onStarted?.(at);
				}
			});
		} finally {
			watching.abort();
			await watch;
			await this.#deregister(scope, runner, line, runnerLog);
			this.live.delete(name);
			setTimeout(() => this.#o.secrets.remove(jitConfig), 6e4).unref();
		}
		const stop = watchdog.signal.aborted ? watchdog.signal.reason.stop : null;
		const outcome = result.outcome;
		runnerLog.info({
			outcome: outcome.kind,
			stop: stop?.kind,
			everOnline: state.everOnline
		}, "runner ended");
		if (stop?.kind === "never-online") return {
			retry: stop.message,
			result: { outcome }
		};
		if (stop) {
			line(stop.message);
			return { result: {
				outcome: {
					kind: "exited",
					exitCode: 0
				},
				...noteOf(result)
			} };
		}
		if (outcome.kind === "exited" && outcome.exitCode !== 0 && !state.everOnline && !launch.signal.aborted) return {
			retry: `the runner exited with code ${outcome.exitCode} before it came online (a configuration GitHub refused?)`,
			result: { outcome }
		};
		return { result: {
			outcome,
			...noteOf(result)
		} };
	}
	async #watch(scope, runner, request, state, startedAt, watchdog, signal, line, log) {
		const { settings } = this.#o;
		const pollMs = settings.pollSeconds * 1e3;
		const registeredAt = Date.now();
		let idleSince = null;
		let goneAt = null;
		const stop = (s) => watchdog.abort(new WatchdogStop(s));
		while (!signal.aborted && !watchdog.signal.aborted) {
			await setTimeout$1(pollMs, void 0, { signal }).catch(() => void 0);
			if (signal.aborted) return;
			let current;
			try {
				current = await this.#o.forge.getRunner(scope, runner.id);
			} catch (error) {
				log.warn({ err: error }, "could not look at the runner registration");
				continue;
			}
			const now = Date.now();
			if (current === null) {
				if (!state.everOnline && !state.everBusy) {
					stop({
						kind: "removed",
						message: "the runner registration was removed before the runner used it"
					});
					return;
				}
				goneAt ??= now;
				if (now - goneAt >= Math.max(3 * pollMs, EXIT_GRACE_MS)) {
					stop({
						kind: "done",
						message: "the runner did not exit after its job: stopping its VM"
					});
					return;
				}
				continue;
			}
			if (current.online && !state.everOnline) {
				state.everOnline = true;
				line(`runner ${runner.name} is online`);
				log.info("runner online");
			}
			if (current.busy) {
				if (!state.everBusy) {
					line(`runner ${runner.name} took a job`);
					log.info("runner busy with a job");
				}
				state.everBusy = true;
				idleSince = null;
				continue;
			}
			if (!state.everOnline) {
				if (now - (startedAt() ?? registeredAt) >= settings.registrationTimeoutSeconds * 1e3) {
					stop({
						kind: "never-online",
						message: `the runner did not come online within ${settings.registrationTimeoutSeconds} s`
					});
					return;
				}
				continue;
			}
			if (state.everBusy || !current.online) continue;
			idleSince ??= now;
			if (now - idleSince < settings.idleTimeoutSeconds * 1e3) continue;
			if (await this.#queuedFitting(request).catch(() => 1) > 0) {
				idleSince = now;
				continue;
			}
			if (await this.#o.forge.deleteRunner(scope, runner.id).catch(() => "busy") === "busy") continue;
			stop({
				kind: "idle",
				message: `the runner got no job in ${settings.idleTimeoutSeconds} s and none is queued for it: stopped`
			});
			return;
		}
	}
	async #wanted(scope, request) {
		const { forge, settings } = this.#o;
		const queued = await this.#queuedFitting(request);
		if (queued === 0) return {
			yes: false,
			why: "no queued workflow job fits its labels any more"
		};
		const spare = (await forge.listRunners(scope)).filter((r) => r.name.startsWith(settings.namePrefix) && !r.busy && labelSetKey(r.labels) === labelSetKey(request.labels)).length;
		if (spare >= queued) return {
			yes: false,
			why: `${queued} queued workflow job(s) fit, and ${spare} idle or starting runner(s) of ours are there for them`
		};
		return {
			yes: true,
			why: `${queued} queued workflow job(s) fit; ${spare} runner(s) of ours idle or starting`
		};
	}
	async #queuedFitting(request) {
		return (await this.#o.forge.listQueuedWorkflowJobs(request.repository)).filter((job) => runnerFits(job.labels, request.labels)).length;
	}
	async #deregister(scope, runner, line, log) {
		try {
			const result = await this.#o.forge.deleteRunner(scope, runner.id);
			if (result === "deleted") line(`runner registration ${runner.name} removed`);
			if (result === "busy") {
				line(`runner registration ${runner.name} is still marked busy: the reaper removes it later`);
				log.warn("registration still busy after the VM ended; left to the reaper");
			} else log.info({ result }, "runner registration removed");
		} catch (error) {
			line(`could not remove runner registration ${runner.name}: the reaper will`);
			log.warn({ err: error }, "could not remove the runner registration");
		}
	}
};
const EXIT_GRACE_MS = 3e4;
function noteOf(result) {
	return result.note ? { note: result.note } : {};
}
export { agentLabelsFor as a, runnerNameTime as i, LiveRunners as n, isClaimed as o, runnerName as r, labelSetKey as s, JitRunnerLauncher as t };
