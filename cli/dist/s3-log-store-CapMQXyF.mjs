import { t as require_dist_cjs } from "./dist-cjs-Bm4QLoek.mjs";
import { i as jobLogTime, n as isValidJobId, r as BufferedLogWriter, t as assertValidJobId } from "./job-id-CRYrOdO_.mjs";
import { n as assertValidArtifactPath } from "./artifact-path-6UUs_Aup.mjs";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
// runner-agent/src/logs/s3-log-store.ts
var import_dist_cjs = require_dist_cjs();
const MiB = 1048576;
const OFFSET_DIGITS = 15;
var S3LogStore = class {
	#client;
	#bucket;
	#prefix;
	#secrets;
	#maxLogBytes;
	#flushIntervalMs;
	#chunkBytes;
	#maxReadBytes;
	constructor(options) {
		this.#client = options.client;
		this.#bucket = options.bucket;
		this.#prefix = options.prefix ?? "logs/";
		this.#secrets = options.secrets;
		this.#maxLogBytes = options.maxLogBytes ?? 50 * MiB;
		if (!(this.#maxLogBytes >= 1024)) throw new RangeError("maxLogBytes must be at least 1024");
		this.#flushIntervalMs = options.flushIntervalMs ?? 5e3;
		this.#chunkBytes = options.chunkBytes ?? MiB;
		this.#maxReadBytes = options.maxReadBytes ?? 4 * MiB;
	}
	async create(meta) {
		const base = this.#base(meta.jobId);
		let size = totalSize(await this.#chunks(base));
		await this.#put(`${base}meta.json`, JSON.stringify(meta, null, 2) + "\n", "application/json");
		return new BufferedLogWriter({
			sink: {
				write: async (buffers) => {
					const data = Buffer.concat(buffers);
					await this.#put(`${base}chunks/${String(size).padStart(OFFSET_DIGITS, "0")}`, data, "text/plain; charset=utf-8");
					size += data.length;
				},
				writeMeta: (final) => this.#put(`${base}meta.json`, JSON.stringify(final, null, 2) + "\n", "application/json"),
				close: async () => void 0
			},
			meta,
			existingBytes: size,
			maxLogBytes: this.#maxLogBytes,
			flushIntervalMs: this.#flushIntervalMs,
			eagerWriteBytes: this.#chunkBytes,
			secrets: this.#secrets
		});
	}
	async read(jobId, offset = 0) {
		if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid log offset ${offset}`);
		const base = this.#base(jobId);
		const meta = await this.meta(jobId);
		if (!meta) return null;
		const chunks = await this.#chunks(base);
		const size = totalSize(chunks);
		const parts = [];
		let position = offset;
		const end = Math.min(size, offset + this.#maxReadBytes);
		for (const chunk of chunks) {
			if (position >= end) break;
			if (chunk.start + chunk.size <= position) continue;
			const from = position - chunk.start;
			const to = Math.min(chunk.size, end - chunk.start) - 1;
			const object = await this.#client.send(new import_dist_cjs.GetObjectCommand({
				Bucket: this.#bucket,
				Key: chunk.key,
				Range: `bytes=${from}-${to}`
			}));
			const bytes = Buffer.from(await object.Body.transformToByteArray());
			parts.push(bytes);
			position += bytes.length;
		}
		const data = Buffer.concat(parts);
		const nextOffset = offset + data.length;
		return {
			data,
			nextOffset,
			complete: meta.state !== "running" && nextOffset >= size
		};
	}
	async meta(jobId) {
		try {
			const object = await this.#client.send(new import_dist_cjs.GetObjectCommand({
				Bucket: this.#bucket,
				Key: `${this.#base(jobId)}meta.json`
			}));
			return JSON.parse(await object.Body.transformToString("utf8"));
		} catch (error) {
			if (error instanceof import_dist_cjs.NoSuchKey || error.name === "NoSuchKey") return null;
			throw error;
		}
	}
	async putArtifact(jobId, artifactPath, file) {
		const key = this.#artifactKey(jobId, artifactPath);
		const { size } = await stat(file);
		await this.#client.send(new import_dist_cjs.PutObjectCommand({
			Bucket: this.#bucket,
			Key: key,
			Body: createReadStream(file),
			ContentLength: size,
			ContentType: "application/octet-stream"
		}));
	}
	async listArtifacts(jobId) {
		const prefix = `${this.#base(jobId)}artifacts/`;
		return (await this.#list(prefix)).map((o) => ({
			path: o.Key.slice(prefix.length),
			bytes: o.Size ?? 0
		})).sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
	}
	async readArtifact(jobId, artifactPath) {
		try {
			const object = await this.#client.send(new import_dist_cjs.GetObjectCommand({
				Bucket: this.#bucket,
				Key: this.#artifactKey(jobId, artifactPath)
			}));
			const body = object.Body;
			if (!body) return null;
			return {
				body,
				bytes: object.ContentLength ?? 0
			};
		} catch (error) {
			if (error instanceof import_dist_cjs.NoSuchKey || error.name === "NoSuchKey") return null;
			throw error;
		}
	}
	async prune(before) {
		const cutoff = before.getTime();
		let jobs = 0;
		for (const jobId of await this.#jobIds()) {
			const meta = await this.meta(jobId).catch(() => null);
			const objects = await this.#list(this.#base(jobId));
			if (!((meta ? jobLogTime(meta) : Math.max(...objects.map((o) => o.LastModified?.getTime() ?? Infinity))) < cutoff)) continue;
			const keys = objects.map((o) => o.Key).sort((a, b) => Number(a.endsWith("/meta.json")) - Number(b.endsWith("/meta.json")));
			for (let i = 0; i < keys.length; i += 1e3) {
				const failed = (await this.#client.send(new import_dist_cjs.DeleteObjectsCommand({
					Bucket: this.#bucket,
					Delete: {
						Objects: keys.slice(i, i + 1e3).map((Key) => ({ Key })),
						Quiet: true
					}
				}))).Errors ?? [];
				if (failed.length > 0) throw new Error(`could not delete ${failed.length} object(s) of job ${jobId}: ${failed[0].Key}: ${failed[0].Message ?? failed[0].Code}`);
			}
			jobs++;
		}
		return { jobs };
	}
	async #jobIds() {
		const ids = [];
		const pages = (0, import_dist_cjs.paginateListObjectsV2)({ client: this.#client }, {
			Bucket: this.#bucket,
			Prefix: this.#prefix,
			Delimiter: "/"
		});
		for await (const page of pages) for (const common of page.CommonPrefixes ?? []) {
			const id = common.Prefix.slice(this.#prefix.length, -1);
			if (isValidJobId(id)) ids.push(id);
		}
		return ids;
	}
	#artifactKey(jobId, artifactPath) {
		assertValidArtifactPath(artifactPath);
		return `${this.#base(jobId)}artifacts/${artifactPath}`;
	}
	#base(jobId) {
		assertValidJobId(jobId);
		return `${this.#prefix}${jobId}/`;
	}
	async #put(key, body, contentType) {
		await this.#client.send(new import_dist_cjs.PutObjectCommand({
			Bucket: this.#bucket,
			Key: key,
			Body: body,
			ContentType: contentType
		}));
	}
	async #list(prefix) {
		const objects = [];
		for await (const page of (0, import_dist_cjs.paginateListObjectsV2)({ client: this.#client }, {
			Bucket: this.#bucket,
			Prefix: prefix
		})) objects.push(...page.Contents ?? []);
		return objects;
	}
	async #chunks(base) {
		return (await this.#list(`${base}chunks/`)).map((o) => ({
			key: o.Key,
			start: Number(o.Key.slice(`${base}chunks/`.length)),
			size: o.Size ?? 0
		})).sort((a, b) => a.start - b.start);
	}
};
function totalSize(chunks) {
	const last = chunks.at(-1);
	return last ? last.start + last.size : 0;
}
export { S3LogStore };
