import { n as StreamRedactor } from "./secrets-Dny52OtE.mjs";
// runner-agent/src/logs/log-store.ts
function jobLogTime(meta) {
	return Date.parse(meta.finishedAt ?? meta.startedAt);
}
// runner-agent/src/logs/buffered-log-writer.ts
const MiB = 1048576;
const STAGING_BYTES = 65536;
var BufferedLogWriter = class {
	#o;
	#redactor;
	#pending = [];
	#pendingBytes = 0;
	#spare = [];
	#size;
	#atLineStart = true;
	#truncated = false;
	#droppedBytes = 0;
	#finishing;
	#timer;
	#writing;
	#error;
	#highWaterBytes;
	#backlog;
	#notice;
	constructor(options) {
		this.#o = options;
		this.#size = options.existingBytes;
		this.#redactor = options.secrets && new StreamRedactor(options.secrets);
		this.#highWaterBytes = 4 * options.eagerWriteBytes;
		this.#notice = Buffer.from(`\nironbots: log truncated: it reached the limit of ${formatBytes(options.maxLogBytes)}; later output was dropped\n`);
	}
	backlog() {
		if (this.#pendingBytes < this.#highWaterBytes) return void 0;
		this.#backlog ??= Promise.withResolvers();
		return this.#backlog.promise;
	}
	#releaseBacklog() {
		this.#backlog?.resolve();
		this.#backlog = void 0;
	}
	append(chunk) {
		if (this.#finishing) return;
		if (this.#truncated) {
			this.#droppedBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
			return;
		}
		const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
		if (!this.#redactor) return this.#accept(bytes);
		for (const piece of this.#redactor.push(bytes)) this.#accept(piece);
	}
	async flush() {
		while (this.#pending.length || this.#writing) await this.#drain();
		if (this.#error) throw this.#error;
	}
	finish(final, closingLine) {
		this.#finishing ??= this.#finish(final, closingLine);
		return this.#finishing;
	}
	async #finish(final, closingLine) {
		if (this.#redactor) this.#accept(this.#redactor.end());
		if (closingLine && !this.#error) {
			const text = this.#o.secrets ? this.#o.secrets.redact(closingLine) : closingLine;
			const line = Buffer.from(`${this.#atLineStart ? "" : "\n"}${text}${text.endsWith("\n") ? "" : "\n"}`);
			this.#stage(line.subarray(0, utf8Boundary(line, 512)));
		}
		try {
			await this.flush();
		} finally {
			await this.#o.sink.close().catch(() => void 0);
			const meta = {
				...this.#o.meta,
				...final,
				jobId: this.#o.meta.jobId,
				finishedAt: final.finishedAt ?? (/* @__PURE__ */ new Date()).toISOString(),
				...this.#droppedBytes > 0 ? { droppedBytes: this.#droppedBytes } : {}
			};
			await this.#o.sink.writeMeta(meta);
		}
	}
	#accept(data) {
		if (this.#truncated) {
			this.#droppedBytes += data.length;
			return;
		}
		if (data.length === 0 || this.#error) return;
		const notice = this.#notice;
		const room = this.#o.maxLogBytes - 512 - notice.length - this.#size;
		if (data.length <= room) this.#stage(data);
		else {
			this.#truncated = true;
			const kept = room > 0 ? utf8Boundary(data, room) : 0;
			this.#droppedBytes += data.length - kept;
			if (kept > 0) this.#stage(data.subarray(0, kept));
			if (room > -notice.length) this.#stage(notice);
		}
		if (this.#pendingBytes >= this.#o.eagerWriteBytes) this.#drain();
		else this.#timer ??= setTimeout(() => void this.#drain(), this.#o.flushIntervalMs).unref();
	}
	#stage(data) {
		let from = 0;
		while (from < data.length) {
			let last = this.#pending.at(-1);
			if (!last || last.length === last.buffer.length) {
				last = {
					buffer: this.#spare.pop() ?? Buffer.allocUnsafeSlow(STAGING_BYTES),
					length: 0
				};
				this.#pending.push(last);
			}
			const copied = data.copy(last.buffer, last.length, from);
			last.length += copied;
			from += copied;
		}
		this.#pendingBytes += data.length;
		this.#size += data.length;
		if (data.length) this.#atLineStart = data[data.length - 1] === 10;
	}
	#drain() {
		clearTimeout(this.#timer);
		this.#timer = void 0;
		this.#writing ??= this.#writeOut().finally(() => {
			this.#writing = void 0;
			if (this.#pending.length) this.#drain();
		});
		return this.#writing;
	}
	async #writeOut() {
		try {
			while (this.#pending.length) {
				const batch = this.#pending;
				this.#pending = [];
				this.#pendingBytes = 0;
				this.#releaseBacklog();
				await this.#o.sink.write(batch.map((s) => s.buffer.subarray(0, s.length)));
				for (const { buffer } of batch) if (this.#spare.length * STAGING_BYTES < 2 * this.#highWaterBytes + 2 * STAGING_BYTES) this.#spare.push(buffer);
			}
		} catch (error) {
			this.#error = error;
			this.#pending = [];
			this.#pendingBytes = 0;
			this.#releaseBacklog();
		}
	}
};
function utf8Boundary(data, max) {
	let cut = Math.min(max, data.length);
	while (cut > 0 && cut < data.length && (data[cut] & 192) === 128) cut--;
	return cut;
}
function formatBytes(bytes) {
	return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}
// runner-agent/src/logs/job-id.ts
const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;
var InvalidJobIdError = class extends Error {
	constructor(jobId) {
		super(`invalid job id ${JSON.stringify(jobId.slice(0, 210))}: use 1-200 of A-Z a-z 0-9 . _ - (and no "..")`);
		this.name = "InvalidJobIdError";
	}
};
function isValidJobId(jobId) {
	return JOB_ID.test(jobId) && jobId !== "." && !jobId.includes("..");
}
function assertValidJobId(jobId) {
	if (!isValidJobId(jobId)) throw new InvalidJobIdError(jobId);
}
export { jobLogTime as i, isValidJobId as n, BufferedLogWriter as r, assertValidJobId as t };
