// core/secrets.ts
const REDACTED = "***";
var SecretRegistry = class {
	#secrets = /* @__PURE__ */ new Set();
	#version = 0;
	add(secret) {
		if (!secret) return;
		if (secret.length < 4) throw new Error("refusing to register a secret shorter than 4 characters");
		if (!this.#secrets.has(secret)) this.#version++;
		this.#secrets.add(secret);
	}
	remove(secret) {
		if (this.#secrets.delete(secret)) this.#version++;
	}
	get version() {
		return this.#version;
	}
	get longest() {
		let max = 0;
		for (const s of this.#secrets) max = Math.max(max, s.length);
		return max;
	}
	redact(text) {
		let out = text;
		for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
		return out;
	}
	values() {
		return [...this.#secrets];
	}
};
var StreamRedactor = class {
	#registry;
	#pending = EMPTY;
	#secrets;
	#registryVersion = -1;
	constructor(registry) {
		this.#registry = registry;
	}
	push(chunk) {
		const { list, longest } = this.#encodedSecrets();
		const pieces = [];
		let data = chunk;
		if (this.#pending.length) {
			const held = this.#pending;
			this.#pending = EMPTY;
			if (list.length === 0) pieces.push(held);
			else if (chunk.length < longest) data = Buffer.concat([held, chunk]);
			else {
				const across = secretAcross(held, chunk, list);
				pieces.push(across ? Buffer.concat([held.subarray(0, across.start), REDACTED_BYTES]) : held);
				if (across) data = chunk.subarray(across.end);
			}
		}
		if (list.length === 0) {
			pieces.push(data);
			return pieces;
		}
		const redacted = redactBytes(data, list);
		const hold = possibleSecretStart(redacted, list, longest);
		this.#pending = hold ? Buffer.from(redacted.subarray(redacted.length - hold)) : EMPTY;
		pieces.push(redacted.subarray(0, redacted.length - hold));
		return pieces;
	}
	end() {
		const rest = redactBytes(this.#pending, this.#encodedSecrets().list);
		this.#pending = EMPTY;
		return rest;
	}
	#encodedSecrets() {
		if (!this.#secrets || this.#registryVersion !== this.#registry.version) {
			const list = this.#registry.values().map((secret) => Buffer.from(secret)).sort((a, b) => b.length - a.length);
			this.#secrets = {
				list,
				longest: list[0]?.length ?? 0
			};
			this.#registryVersion = this.#registry.version;
		}
		return this.#secrets;
	}
};
const EMPTY = Buffer.alloc(0);
const REDACTED_BYTES = Buffer.from(REDACTED);
function redactBytes(data, secrets) {
	let out = data;
	for (const secret of secrets) {
		let at = out.indexOf(secret);
		if (at < 0) continue;
		const parts = [];
		let from = 0;
		while (at >= 0) {
			parts.push(out.subarray(from, at), REDACTED_BYTES);
			from = at + secret.length;
			at = out.indexOf(secret, from);
		}
		parts.push(out.subarray(from));
		out = Buffer.concat(parts);
	}
	return out;
}
function secretAcross(held, chunk, secrets) {
	for (let start = 0; start < held.length; start++) {
		const inHeld = held.length - start;
		for (const secret of secrets) if (secret.length > inHeld && held.compare(secret, 0, inHeld, start) === 0 && chunk.compare(secret, inHeld, secret.length, 0, secret.length - inHeld) === 0) return {
			start,
			end: secret.length - inHeld
		};
	}
}
function possibleSecretStart(data, secrets, longest) {
	for (let start = Math.max(0, data.length - longest + 1); start < data.length; start++) {
		const byte = data[start];
		const tail = data.length - start;
		for (const secret of secrets) if (secret[0] === byte && secret.length > tail && data.compare(secret, 0, tail, start) === 0) return tail;
	}
	return 0;
}
export { StreamRedactor as n, SecretRegistry as t };
