import { t as require_dist_cjs } from "./dist-cjs-Bm4QLoek.mjs";
import { n as keyLengthProblem, t as ENTRY_SUFFIX } from "./cache-store-Um2GE4Et.mjs";
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
// actions/npm-cache/stores/s3-store.ts
var import_dist_cjs = require_dist_cjs();
const MAX_OBJECT_KEY_BYTES = 1024;
var S3Store = class S3Store {
	description;
	kind;
	#client;
	#bucket;
	#prefix;
	#suffix;
	constructor(client, bucket, prefix = "", kind = "archive") {
		this.#client = client;
		this.#bucket = bucket;
		this.#prefix = prefix && !prefix.endsWith("/") ? `${prefix}/` : prefix;
		this.kind = kind;
		this.#suffix = ENTRY_SUFFIX[kind];
		this.description = `s3://${bucket}/${this.#prefix}`;
	}
	withKind(kind) {
		return new S3Store(this.#client, this.#bucket, this.#prefix, kind);
	}
	async fetch(key, file) {
		try {
			const object = await this.#client.send(new import_dist_cjs.GetObjectCommand({
				Bucket: this.#bucket,
				Key: this.#key(key)
			}));
			await pipeline(object.Body, createWriteStream(file));
			return true;
		} catch (error) {
			if (isNotFound(error)) return false;
			throw error;
		}
	}
	async store(key, file) {
		if (await this.#exists(key)) return false;
		await this.#client.send(new import_dist_cjs.PutObjectCommand({
			Bucket: this.#bucket,
			Key: this.#key(key),
			Body: createReadStream(file),
			ContentLength: (await stat(file)).size,
			ContentType: "application/octet-stream"
		}));
		return true;
	}
	async #exists(key) {
		try {
			await this.#client.send(new import_dist_cjs.HeadObjectCommand({
				Bucket: this.#bucket,
				Key: this.#key(key)
			}));
			return true;
		} catch (error) {
			if (isNotFound(error)) return false;
			throw error;
		}
	}
	async findLatest(prefix) {
		let newest;
		let token;
		do {
			const page = await this.#client.send(new import_dist_cjs.ListObjectsV2Command({
				Bucket: this.#bucket,
				Prefix: this.#key(prefix, ""),
				...token ? { ContinuationToken: token } : {}
			}));
			for (const object of page.Contents ?? []) {
				if (!object.Key?.endsWith(this.#suffix)) continue;
				const key = object.Key.slice(this.#prefix.length, -this.#suffix.length);
				const modified = object.LastModified?.getTime() ?? 0;
				if (!newest || modified > newest.modified || modified === newest.modified && key > newest.key) newest = {
					key,
					modified
				};
			}
			token = page.IsTruncated ? page.NextContinuationToken : void 0;
		} while (token);
		return newest?.key;
	}
	keyProblem(key) {
		return keyLengthProblem(key, MAX_OBJECT_KEY_BYTES - Buffer.byteLength(this.#prefix) - this.#suffix.length, "bytes", this.description);
	}
	#key(key, suffix = this.#suffix) {
		return `${this.#prefix}${key}${suffix}`;
	}
};
function isNotFound(error) {
	const e = error;
	return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}
export { S3Store };
