// runner-agent/src/statuses/status-publisher.ts
function statusOf(record) {
	const outcome = record.outcome;
	return {
		state: outcome.state,
		context: record.target.context,
		description: outcome.description,
		...outcome.targetUrl ? { targetUrl: outcome.targetUrl } : {}
	};
}
var StatusPublisher = class {
	#o;
	#clock;
	#sleep;
	constructor(options) {
		this.#o = options;
		this.#clock = options.clock ?? Date.now;
		this.#sleep = options.sleep ?? sleep;
	}
	async publish(record, holder, until, signal, options = {}) {
		const base = this.#o.backoffBaseMs ?? 1e3;
		const cap = this.#o.backoffCapMs ?? 3e4;
		const renewMs = this.#o.renewMs ?? 1e4;
		const status = statusOf(record);
		const { repo, sha } = record.target;
		for (let attempt = 1;; attempt++) {
			if (!await this.#o.records.takePublishing(record.key, holder, this.#clock() + renewMs)) return false;
			const renewal = setInterval(() => {
				this.#o.records.takePublishing(record.key, holder, this.#clock() + renewMs).catch(() => void 0);
			}, renewMs / 3);
			renewal.unref();
			try {
				const shown = (options.verify || attempt > 1) && (await this.#o.forge.listCommitStatuses(repo, sha)).find((s) => s.context === status.context);
				if (!shown || shown.state !== status.state || shown.description !== status.description) await this.#o.forge.setCommitStatus(repo, sha, status);
				await this.#o.records.markPublished(record.key, holder);
				return true;
			} catch (error) {
				const wait = Math.min(base * 2 ** (attempt - 1), cap);
				const giveUp = until - this.#clock() <= wait || !!signal?.aborted;
				this.#o.logger.warn({
					err: error,
					context: record.target.context,
					sha,
					attempt
				}, giveUp ? "could not post the final status yet; handing it over" : "could not post the final status; retrying");
				if (giveUp) {
					await this.#o.records.takePublishing(record.key, holder, 0).catch(() => void 0);
					return false;
				}
				await this.#sleep(wait, signal);
			} finally {
				clearInterval(renewal);
			}
		}
	}
	async publishIfFree(key, holder, holdMs, signal) {
		const until = this.#clock() + holdMs;
		const record = await this.#o.records.takePublishing(key, holder, until);
		if (!record) return null;
		return this.publish(record, holder, until, signal, { verify: true });
	}
};
function sleep(ms, signal) {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener("abort", () => {
			clearTimeout(timer);
			resolve();
		});
	});
}
export { statusOf as n, StatusPublisher as t };
