import __ironbotsPath from "node:path";
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
// core/files.ts
async function sha256File(file) {
	const hash = createHash("sha256");
	await pipeline(createReadStream(file), hash);
	return hash.digest("hex");
}
const TEMP_MARKER = ".tmp-";
function isAtomicWriteTempFile(name) {
	return name.includes(TEMP_MARKER);
}
function tempNameFor(file) {
	return `${file}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString("hex")}`;
}
function writeFileAtomicSync(file, data, options = {}) {
	const temp = tempNameFor(file);
	try {
		const fd = openSync(temp, "w", options.mode ?? 420);
		try {
			const bytes = typeof data === "string" ? Buffer.from(data) : data;
			for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temp, file);
	} catch (error) {
		rmSync(temp, { force: true });
		throw error;
	}
	const dir = openSync(__ironbotsPath.dirname(file), "r");
	try {
		fsyncSync(dir);
	} finally {
		closeSync(dir);
	}
}
async function readJsonStateFile(file, schema, logger) {
	let text;
	try {
		text = await readFile(file, "utf8");
	} catch (error) {
		if (error.code === "ENOENT") return void 0;
		throw error;
	}
	let problem;
	if (text.trim() === "") problem = "the file is empty";
	else try {
		return schema.parse(JSON.parse(text));
	} catch (error) {
		problem = firstLine(error.message);
	}
	logger.warn({
		file,
		problem
	}, "removing a state file that cannot be read (left torn by a crash?)");
	await rm(file, { force: true });
}
function firstLine(text) {
	return text.split("\n")[0].slice(0, 200);
}
export { writeFileAtomicSync as i, readJsonStateFile as n, sha256File as r, isAtomicWriteTempFile as t };
