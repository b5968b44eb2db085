import { n as getExecOutput } from "./exec-Cgje_fqz.mjs";
import __ironbotsPath from "node:path";
import { spawn } from "node:child_process";
import os from "node:os";
import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
// actions/release/floating-tags.ts
const FLOATING_TAG_KINDS = ["major", "minor"];
const STABLE = /^(v?)(\d+)\.(\d+)\.(\d+)$/;
function parseVersion(tag) {
	const match = STABLE.exec(tag);
	if (!match) return null;
	return {
		prefix: match[1],
		parts: [
			Number(match[2]),
			Number(match[3]),
			Number(match[4])
		]
	};
}
function compare(a, b) {
	for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i] - b.parts[i];
	return 0;
}
async function moveFloatingTags(options) {
	const { log, tag } = options;
	if (options.kinds.length === 0) return [];
	const version = parseVersion(tag);
	if (!version) {
		if (/^v?\d+\.\d+\.\d+-/.test(tag)) log.info(`floating tags: ${tag} is a pre-release; none is moved`);
		else log.warn(`floating tags: ${tag} is not an X.Y.Z version, so it has no major or minor line; none is moved`);
		return [];
	}
	const remote = options.remote ?? "origin";
	const remoteTags = await listRemoteTags(options, remote);
	const moves = [];
	for (const kind of FLOATING_TAG_KINDS) {
		if (!options.kinds.includes(kind)) continue;
		const depth = kind === "major" ? 1 : 2;
		const floating = `${version.prefix}${version.parts.slice(0, depth).join(".")}`;
		const current = remoteTags.get(floating) ?? null;
		let newest = version;
		let newestName = tag;
		for (const name of remoteTags.keys()) {
			const other = parseVersion(name);
			if (!other || other.prefix !== version.prefix) continue;
			if (other.parts.slice(0, depth).join(".") !== version.parts.slice(0, depth).join(".")) continue;
			if (compare(other, newest) > 0) {
				newest = other;
				newestName = name;
			}
		}
		const move = {
			tag: floating,
			from: current?.commit ?? null,
			to: options.commit,
			outcome: "moved"
		};
		if (newest !== version) {
			move.outcome = "kept";
			move.newer = newestName;
			log.info(`floating tag ${floating}: stays${current ? ` at ${short(current.commit)}` : ""}: ${newestName} is newer than ${tag}`);
		} else if (current?.commit === options.commit) {
			move.outcome = "unchanged";
			log.info(`floating tag ${floating}: already at ${short(options.commit)} (${tag})`);
		} else if (options.dryRun) {
			move.outcome = "would move";
			log.info(`floating tag ${floating}: would move ${current ? `from ${short(current.commit)} ` : ""}to ${short(options.commit)} (${tag})`);
		} else {
			await git(options, [
				"push",
				`--force-with-lease=refs/tags/${floating}:${current?.ref ?? ""}`,
				remote,
				`${options.commit}:refs/tags/${floating}`
			]);
			move.outcome = current ? "moved" : "created";
			log.info(`floating tag ${floating}: ${current ? `moved from ${short(current.commit)} to` : "created at"} ${short(options.commit)} (${tag})`);
		}
		moves.push(move);
	}
	return moves;
}
async function listRemoteTags(options, remote) {
	const output = await git(options, [
		"ls-remote",
		"--tags",
		remote
	]);
	const tags = /* @__PURE__ */ new Map();
	for (const line of output.split("\n")) {
		const match = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
		if (!match) continue;
		const [, id, name, peeled] = match;
		const entry = tags.get(name) ?? {
			ref: id,
			commit: id
		};
		if (peeled) entry.commit = id;
		else entry.ref = id;
		tags.set(name, entry);
	}
	return tags;
}
async function git(options, args) {
	const env = {};
	for (const [name, value] of Object.entries(options.env)) if (value !== void 0) env[name] = value;
	const { exitCode, stdout, stderr } = await getExecOutput("git", [
		"-C",
		options.repoDir,
		...args
	], {
		env: {
			...env,
			GIT_TERMINAL_PROMPT: "0",
			LC_ALL: "C"
		},
		silent: true,
		ignoreReturnCode: true
	});
	if (args[0] === "push") {
		for (const line of `${stdout}\n${stderr}`.split("\n")) if (line.trim()) options.log.info(`git: ${line.trim()}`);
	}
	if (exitCode !== 0) throw new Error(`git ${args[0]} failed (exit code ${exitCode}): ${stderr.trim().split("\n").slice(-5).join("\n")}`);
	return stdout;
}
function short(commit) {
	return commit.slice(0, 12);
}
// actions/release/tag-signature.ts
const DEFAULT_VERSION_PATTERN = "^v?\\d+(\\.\\d+)*$";
var TagVerificationError = class extends Error {
	reason;
	fingerprint;
	constructor(reason, message, fingerprint) {
		super(message);
		this.name = "TagVerificationError";
		this.reason = reason;
		this.fingerprint = fingerprint;
	}
};
const SIGNATURE_STARTS = [
	{
		prefix: "-----BEGIN PGP SIGNATURE-----",
		format: "openpgp"
	},
	{
		prefix: "-----BEGIN PGP MESSAGE-----",
		format: "openpgp"
	},
	{
		prefix: "-----BEGIN SSH SIGNATURE-----",
		format: "ssh"
	},
	{
		prefix: "-----BEGIN SIGNED MESSAGE-----",
		format: "x509"
	}
];
function splitSignature(text) {
	let start = -1;
	let format = null;
	for (let offset = 0; offset < text.length;) {
		const match = SIGNATURE_STARTS.find((s) => text.startsWith(s.prefix, offset));
		if (match) {
			start = offset;
			format = match.format;
		}
		const eol = text.indexOf("\n", offset);
		offset = eol === -1 ? text.length : eol + 1;
	}
	if (start === -1) return {
		payload: text,
		signature: "",
		format: null
	};
	return {
		payload: text.slice(0, start),
		signature: text.slice(start),
		format
	};
}
function parseTagObject(raw) {
	const { payload, signature, format } = splitSignature(raw);
	const headerEnd = payload.indexOf("\n\n");
	const headerText = headerEnd === -1 ? payload : payload.slice(0, headerEnd);
	const headers = /* @__PURE__ */ new Map();
	for (const line of headerText.split("\n")) {
		const space = line.indexOf(" ");
		if (space > 0 && !headers.has(line.slice(0, space))) headers.set(line.slice(0, space), line.slice(space + 1));
	}
	return {
		object: headers.get("object") ?? "",
		type: headers.get("type") ?? "",
		tag: headers.get("tag") ?? "",
		message: headerEnd === -1 ? "" : payload.slice(headerEnd + 2),
		signature,
		format
	};
}
async function verifyTag(options) {
	const git = options.git ?? runGit;
	const name = options.tag.startsWith("refs/tags/") ? options.tag.slice(10) : options.tag;
	const ref = `refs/tags/${name}`;
	const pattern = compileVersionPattern(options.versionPattern);
	if (!pattern.test(name)) throw new TagVerificationError("version-pattern", `tag "${name}" is not a release tag: it does not match the version pattern ${pattern.source} (name release tags like 1.2 or v1.2, or configure the pattern)`);
	assertSomeTrust(options.trust);
	const scratch = await mkdtemp(__ironbotsPath.join(os.tmpdir(), "ironbots-verify-tag-"));
	try {
		const gnupgHome = __ironbotsPath.join(scratch, "gnupg");
		const env = {
			PATH: process.env.PATH ?? "/usr/bin:/bin",
			HOME: scratch,
			GNUPGHOME: gnupgHome,
			GIT_CONFIG_NOSYSTEM: "1",
			GIT_CONFIG_GLOBAL: "/dev/null",
			GIT_TERMINAL_PROMPT: "0",
			LC_ALL: "C"
		};
		const inRepo = (args) => git(args, {
			cwd: options.repoDir,
			env
		});
		if ((await inRepo(["check-ref-format", ref])).exitCode !== 0) throw new TagVerificationError("invalid-name", `"${name}" is not a valid tag name`);
		const resolved = await inRepo([
			"rev-parse",
			"--verify",
			"--quiet",
			ref
		]);
		const sha = resolved.stdout.trim();
		if (resolved.exitCode !== 0 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) throw new TagVerificationError("missing", `tag ${name} does not exist in ${options.repoDir} (was it fetched? git fetch origin ${ref}:${ref})`);
		const type = (await mustSucceed(inRepo([
			"cat-file",
			"-t",
			sha
		]), "git cat-file -t")).trim();
		if (type !== "tag") throw new TagVerificationError("lightweight", `tag ${name} is a lightweight tag (it points straight at ${type} ${sha}): it has no message and no signature. Release with a signed annotated tag: git tag -s ${name} -m '${name}' -m '<release notes>' && git push origin ${name}. If the tag is annotated on the server, the checkout turned it lightweight (actions/checkout does on tag pushes): git fetch --force origin ${ref}:${ref}`);
		const tagObject = parseTagObject(await mustSucceed(inRepo([
			"cat-file",
			"tag",
			sha
		]), "git cat-file tag"));
		if (tagObject.tag !== name) throw new TagVerificationError("name-mismatch", `${ref} points to a tag object made for "${tagObject.tag}", not for "${name}": a tag signed for one name was pushed under another`);
		if (tagObject.type !== "commit") throw new TagVerificationError("not-a-commit", `tag ${name} tags a ${tagObject.type || "unknown object"}, not a commit`);
		if (tagObject.format === null && SIGNATURE_STARTS.some((start) => tagObject.message.includes(start.prefix))) throw new TagVerificationError("unsigned", `tag ${name} has a signature glued to the end of its message's last line, so git cannot verify it (git tag -s --cleanup=verbatim with a message that does not end in a newline): tag again with --cleanup=whitespace`);
		if (tagObject.format === null) throw new TagVerificationError("unsigned", `tag ${name} is annotated but not signed: delete it and tag again with git tag -s (git tag -d ${name} && git push origin :${ref})`);
		if (tagObject.format === "x509") throw new TagVerificationError("unsupported-signature", `tag ${name} carries an X.509 (gpgsm) signature; only OpenPGP and SSH signatures are supported`);
		const allowedSigners = __ironbotsPath.join(scratch, "allowed_signers");
		await writeFile(allowedSigners, normaliseAllowedSigners(options.trust.sshAllowedSigners ?? ""), { mode: 384 });
		const trustedOpenPgp = tagObject.format === "openpgp" ? await importOpenPgpKeys(options.trust, options.repoDir, scratch, gnupgHome, env) : /* @__PURE__ */ new Set();
		const verification = await inRepo([
			"-c",
			"gpg.openpgp.program=gpg",
			"-c",
			"gpg.ssh.program=ssh-keygen",
			"-c",
			`gpg.ssh.allowedSignersFile=${allowedSigners}`,
			"-c",
			"gpg.minTrustLevel=undefined",
			"verify-tag",
			"--raw",
			sha
		]);
		const signer = tagObject.format === "openpgp" ? interpretGpgVerification(name, verification, trustedOpenPgp, options.trust) : interpretSshVerification(name, verification, allowedSigners, options.trust);
		return {
			name,
			sha,
			commit: tagObject.object,
			message: tagObject.message,
			signer
		};
	} finally {
		await rm(scratch, {
			recursive: true,
			force: true
		});
	}
}
function compileVersionPattern(pattern) {
	if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
	try {
		return new RegExp(pattern ?? "^v?\\d+(\\.\\d+)*$");
	} catch (error) {
		throw new TagVerificationError("configuration", `version pattern ${pattern}: ${error.message}`);
	}
}
function assertSomeTrust(trust) {
	if (!trust.openpgpKeys?.trim() && !trust.openpgpKeyringFile && !trust.sshAllowedSigners?.trim()) throw new TagVerificationError("configuration", "no trusted keys are configured: give armored OpenPGP public keys, a keyring file or SSH allowed signers");
	if (trust.openpgpKeys && /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(trust.openpgpKeys)) throw new TagVerificationError("configuration", "the trusted OpenPGP keys include a PRIVATE key block: pass public keys only (gpg --armor --export <fingerprint>), and revoke the exposed key");
}
function normaliseAllowedSigners(content) {
	const lines = content.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
	return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
async function importOpenPgpKeys(trust, repoDir, scratch, gnupgHome, env) {
	await mkdir(gnupgHome, { mode: 448 });
	await writeFile(__ironbotsPath.join(gnupgHome, "gpg.conf"), "no-autostart\nno-auto-key-retrieve\n", { mode: 384 });
	const fingerprints = /* @__PURE__ */ new Set();
	const sources = [];
	if (trust.openpgpKeys?.trim()) {
		const file = __ironbotsPath.join(scratch, "allowed-keys.asc");
		await writeFile(file, trust.openpgpKeys, { mode: 384 });
		sources.push({
			what: "the trusted OpenPGP keys",
			file
		});
	}
	if (trust.openpgpKeyringFile) {
		const file = __ironbotsPath.resolve(repoDir, trust.openpgpKeyringFile);
		try {
			await access(file);
		} catch {
			throw new TagVerificationError("configuration", `the keyring file ${trust.openpgpKeyringFile} does not exist in ${repoDir}`);
		}
		sources.push({
			what: `the keyring file ${trust.openpgpKeyringFile}`,
			file
		});
	}
	for (const source of sources) {
		const result = await runProgram("gpg", [
			"--batch",
			"--no-tty",
			"--status-fd",
			"1",
			"--import",
			source.file
		], scratch, env);
		const imported = parseGpgStatus(result.stdout).filter((status) => status.keyword === "IMPORT_OK").map((status) => status.args[1] ?? "");
		if (imported.length === 0) throw new TagVerificationError("configuration", `${source.what} hold no usable OpenPGP public key (gpg: ${firstLines(result.stderr)})`);
		for (const fingerprint of imported) fingerprints.add(fingerprint.toUpperCase());
	}
	return fingerprints;
}
function parseGpgStatus(output) {
	const statuses = [];
	for (const line of output.split("\n")) {
		if (!line.startsWith("[GNUPG:] ")) continue;
		const [keyword = "", ...args] = line.slice(9).trimEnd().split(" ");
		statuses.push({
			keyword,
			args
		});
	}
	return statuses;
}
function interpretGpgVerification(tag, result, trusted, trust) {
	const statuses = parseGpgStatus(result.stderr + result.stdout);
	const find = (keyword) => statuses.find((status) => status.keyword === keyword);
	const signatures = statuses.filter((status) => status.keyword === "NEWSIG").length;
	if (signatures > 1) throw new TagVerificationError("verification-failed", `tag ${tag} carries ${signatures} OpenPGP signatures; exactly one is expected`);
	const validSig = find("VALIDSIG");
	const fingerprint = (validSig?.args[9] ?? validSig?.args[0] ?? "").toUpperCase();
	const who = (status) => status ? `${decodeStatusText(status.args.slice(1).join(" "))}, key ${fingerprint || status.args[0]}` : "";
	const badSig = find("BADSIG");
	if (badSig) throw new TagVerificationError("bad-signature", `the signature of tag ${tag} is invalid: the tag was changed after it was signed (signature by ${who(badSig)})`, badSig.args[0]);
	const errSig = find("ERRSIG");
	if (errSig) {
		const keyId = errSig.args[6] || errSig.args[0] || "unknown";
		if (errSig.args[5] === "9" || find("NO_PUBKEY")) {
			const configured = trust.openpgpKeys?.trim() || trust.openpgpKeyringFile;
			throw new TagVerificationError("untrusted-key", `tag ${tag} is signed by OpenPGP key ${keyId}, which is not one of the trusted keys` + (configured ? "" : " (no OpenPGP keys are configured at all)") + `: add its public key (gpg --armor --export ${keyId}) to the trusted keys, or sign with a trusted key`, keyId);
		}
		throw new TagVerificationError("verification-failed", `gpg cannot check the signature of tag ${tag} (key ${keyId}, error code ${errSig.args[5] ?? "?"}: 4 means an unsupported algorithm)`, keyId);
	}
	const revoked = find("REVKEYSIG");
	if (revoked) throw new TagVerificationError("revoked-key", `tag ${tag} is signed by a revoked key (${who(revoked)}): sign the tag again with a valid key`, fingerprint || revoked.args[0]);
	const expiredKey = find("EXPKEYSIG");
	if (expiredKey) {
		const expiry = find("KEYEXPIRED")?.args[0];
		throw new TagVerificationError("expired-key", `tag ${tag} is signed by an expired key (${who(expiredKey)}${expiry ? `, expired ${statusTime(expiry)}` : ""}): extend the key (gpg --quick-set-expire) and update the trusted keys, or sign the tag again with a valid key`, fingerprint || expiredKey.args[0]);
	}
	const expiredSig = find("EXPSIG");
	if (expiredSig) {
		const expiry = validSig?.args[3];
		throw new TagVerificationError("expired-signature", `the signature of tag ${tag} has expired (${who(expiredSig)}${expiry && expiry !== "0" ? `, expired ${statusTime(expiry)}` : ""}): sign the tag again`, fingerprint || expiredSig.args[0]);
	}
	const goodSig = find("GOODSIG");
	if (goodSig && validSig && result.exitCode === 0) {
		if (!trusted.has(fingerprint)) throw new TagVerificationError("untrusted-key", `tag ${tag} is signed by OpenPGP key ${fingerprint}, which is not one of the trusted keys`, fingerprint);
		return {
			format: "openpgp",
			fingerprint,
			identity: decodeStatusText(goodSig.args.slice(1).join(" "))
		};
	}
	throw new TagVerificationError("verification-failed", `git verify-tag could not verify tag ${tag} (exit code ${result.exitCode}): ${firstLines(result.stderr)}`);
}
function interpretSshVerification(tag, result, allowedSignersFile, trust) {
	const output = (result.stderr + result.stdout).split(allowedSignersFile).join("allowed_signers");
	const good = /^Good "git" signature for (.+) with (\S+) key (\S+)$/m.exec(output);
	if (good && result.exitCode === 0) return {
		format: "ssh",
		fingerprint: good[3],
		keyType: good[2],
		identity: good[1]
	};
	if (/^Signature verification failed|^Could not verify signature/m.test(output)) throw new TagVerificationError("bad-signature", `the SSH signature of tag ${tag} is invalid: the tag was changed after it was signed (${firstLines(output)})`);
	const unverifiedKey = /^Good "git" signature with (\S+) key (\S+)$/m.exec(output);
	const keyFingerprint = unverifiedKey?.[2];
	const expired = /key has expired: (.*)$/m.exec(output);
	if (expired) throw new TagVerificationError("expired-key", `tag ${tag} is signed by SSH key ${keyFingerprint ?? "(unknown)"}, which had expired at the tag's date (${expired[1]}): update valid-before in the allowed signers, or sign the tag again with a valid key`, keyFingerprint);
	if (unverifiedKey && /^No principal matched\.$/m.test(output)) {
		const notYetValid = /key is not yet valid: (.*)$/m.exec(output);
		throw new TagVerificationError("untrusted-key", `tag ${tag} is signed by SSH ${unverifiedKey[1]} key ${keyFingerprint}, which is not in the allowed signers` + (trust.sshAllowedSigners?.trim() ? "" : " (no SSH allowed signers are configured at all)") + (notYetValid ? ` (an entry for it is not yet valid at the tag's date: ${notYetValid[1]})` : "") + ": add a line \"<identity> <the public key, as in its .pub file>\" to the allowed signers, or sign with an allowed key", keyFingerprint);
	}
	throw new TagVerificationError("verification-failed", `git verify-tag could not verify the SSH signature of tag ${tag} (exit code ${result.exitCode}): ${firstLines(output)}`, keyFingerprint);
}
function decodeStatusText(text) {
	return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}
function statusTime(value) {
	return /^\d+$/.test(value) ? (/* @__PURE__ */ new Date(Number(value) * 1e3)).toISOString().replace(".000Z", "Z") : value;
}
function firstLines(text, count = 4) {
	return text.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("[GNUPG:]")).slice(0, count).join(" / ") || "no output";
}
async function mustSucceed(pending, what) {
	const result = await pending;
	if (result.exitCode !== 0) throw new Error(`${what} failed (exit code ${result.exitCode}): ${firstLines(result.stderr)}`);
	return result.stdout;
}
const runGit = (args, options) => runProgram("git", args, options.cwd, options.env);
function runProgram(program, args, cwd, env) {
	return new Promise((resolve, reject) => {
		const child = spawn(program, args, {
			cwd,
			env,
			stdio: [
				"ignore",
				"pipe",
				"pipe"
			]
		});
		const stdout = [];
		const stderr = [];
		child.stdout.on("data", (chunk) => stdout.push(chunk));
		child.stderr.on("data", (chunk) => stderr.push(chunk));
		child.on("error", (error) => {
			reject(error.code === "ENOENT" ? /* @__PURE__ */ new Error(`${program} is not installed (or not on PATH), and verifying release tags needs it`) : error);
		});
		child.on("close", (code, signal) => {
			resolve({
				exitCode: code ?? (signal ? 128 : 1),
				stdout: Buffer.concat(stdout).toString("utf8"),
				stderr: Buffer.concat(stderr).toString("utf8")
			});
		});
	});
}
export { moveFloatingTags as a, FLOATING_TAG_KINDS as i, splitSignature as n, verifyTag as r, DEFAULT_VERSION_PATTERN as t };
