// runner-agent/src/images/image-reference.ts
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const BLOB = /^([a-z0-9][a-z0-9._-]{0,62})-([0-9a-f]{64})\.qcow2$/;
var ImageReferenceError = class extends Error {
	constructor(message) {
		super(message);
		this.name = "ImageReferenceError";
	}
};
function isImageName(name) {
	return NAME.test(name);
}
function assertImageName(name) {
	if (!NAME.test(name)) throw new ImageReferenceError(`invalid image name "${name}": use lower-case letters, digits, '.', '_' and '-' (at most 63, starting with a letter or digit)`);
}
function isBlobName(text) {
	return BLOB.test(text);
}
function blobName(name, sha256) {
	assertImageName(name);
	if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ImageReferenceError(`invalid sha256 "${sha256}": expected 64 lower-case hex digits`);
	return `${name}-${sha256}.qcow2`;
}
function parseBlobName(text) {
	const match = BLOB.exec(text);
	if (!match) throw new ImageReferenceError(`"${text}" is not an image blob name: expected <name>-<64 hex digit sha256>.qcow2`);
	return {
		name: match[1],
		sha256: match[2],
		blob: text
	};
}
function parseImageReference(name, content, source = `images/${name}`) {
	assertImageName(name);
	const lines = content.split("\n").map((l) => l.trim()).filter((l) => l !== "");
	if (lines.length === 0) throw new ImageReferenceError(`${source} is empty: expected ${name}-<sha256>.qcow2`);
	if (lines.length > 1) throw new ImageReferenceError(`${source} has ${lines.length} lines: expected one blob name`);
	let parsed;
	try {
		parsed = parseBlobName(lines[0]);
	} catch (error) {
		throw new ImageReferenceError(`${source}: ${error.message}`);
	}
	if (parsed.name !== name) throw new ImageReferenceError(`${source} names a blob of image "${parsed.name}", not "${name}"`);
	return parsed;
}
function formatImageReference(blob) {
	return `${blob.blob}\n`;
}
export { isBlobName as a, parseImageReference as c, formatImageReference as i, assertImageName as n, isImageName as o, blobName as r, parseBlobName as s, ImageReferenceError as t };
