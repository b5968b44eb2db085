import { s as parseBlobName } from "./image-reference-t7zZk7rK.mjs";
import __ironbotsPath from "node:path";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { pipeline as pipeline$1 } from "node:stream/promises";
// runner-agent/src/images/image-store.ts
var ImageNotFoundError = class extends Error {
	constructor(blob, where) {
		super(`image blob ${blob} is not in ${where}`);
		this.name = "ImageNotFoundError";
	}
};
var ImageChecksumError = class extends Error {
	expected;
	actual;
	constructor(what, expected, actual, consequence) {
		super(`${what}: sha256 is ${actual}, but its name says ${expected}; ${consequence}`);
		this.name = "ImageChecksumError";
		this.expected = expected;
		this.actual = actual;
	}
};
// runner-agent/src/images/verified-download.ts
async function downloadVerified(reader, where, blob, dest, io = {}) {
	const { sha256 } = parseBlobName(blob);
	const total = await reader.size(blob);
	if (total === null) throw new ImageNotFoundError(blob, where);
	await mkdir(__ironbotsPath.dirname(dest), { recursive: true });
	const part = `${dest}.part`;
	let resumedFrom = (await stat(part).catch(() => null))?.size ?? 0;
	if (resumedFrom > total) {
		await rm(part, { force: true });
		resumedFrom = 0;
	}
	const hash = createHash("sha256");
	if (resumedFrom > 0) for await (const chunk of createReadStream(part, { end: resumedFrom - 1 })) hash.update(chunk);
	let done = resumedFrom;
	io.progress?.(done, total);
	if (resumedFrom < total) {
		const body = await reader.read(blob, resumedFrom, io.signal);
		const hashing = new Transform({ transform(chunk, _encoding, callback) {
			hash.update(chunk);
			done += chunk.length;
			io.progress?.(done, total);
			callback(null, chunk);
		} });
		try {
			await pipeline$1(body, hashing, createWriteStream(part, { flags: "a" }), { ...io.signal ? { signal: io.signal } : {} });
		} catch (error) {
			const kept = (await stat(part).catch(() => null))?.size ?? 0;
			const reason = error.code === "ENOSPC" ? `no space left on the device of ${__ironbotsPath.dirname(dest)}` : error.message;
			throw new Error(`download of ${blob} from ${where} stopped: ${reason}; ${kept} of ${total} bytes are kept in ${part}, run it again to resume`, { cause: error });
		}
	}
	const written = (await stat(part)).size;
	const actual = hash.digest("hex");
	if (written < total) throw new Error(`download of ${blob} from ${where} stopped after ${written} of ${total} bytes; run it again to resume`);
	if (written > total || actual !== sha256) {
		await rm(part, { force: true });
		throw new ImageChecksumError(`${blob} downloaded from ${where}`, sha256, actual, "the download was deleted");
	}
	await rename(part, dest);
	return {
		bytes: total,
		resumedFrom
	};
}
async function sha256OfFile(file, signal) {
	const hash = createHash("sha256");
	for await (const chunk of createReadStream(file, { ...signal ? { signal } : {} })) hash.update(chunk);
	return hash.digest("hex");
}
export { ImageNotFoundError as i, sha256OfFile as n, ImageChecksumError as r, downloadVerified as t };
