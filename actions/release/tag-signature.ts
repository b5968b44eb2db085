import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * The release action's gate: a release is made only from a signed annotated tag whose signature checks out
 * against keys the project configured. Verification runs before anything is created anywhere.
 *
 * OpenPGP keys are imported into a fresh, temporary GNUPGHOME so that exactly the configured keys are
 * trusted (never the runner's keyring); SSH signatures are checked against a temporary allowed-signers
 * file. Both go through `git verify-tag`, and only machine-readable output is interpreted: gpg's status
 * lines, and the fixed-format lines of ssh-keygen.
 */

export const DEFAULT_VERSION_PATTERN = '^v?\\d+(\\.\\d+)*$';

export interface TagTrust {
  /** ASCII-armored OpenPGP public keys, any number of blocks (e.g. the `allowed-keys` input). */
  openpgpKeys?: string;
  /**
   * A keyring file (armored or binary `gpg --export` output), relative to repoDir or absolute. Whoever can
   * push the tag can also change files in the tagged commit: point this at a copy from a protected revision.
   */
  openpgpKeyringFile?: string;
  /** The content of an ssh-keygen allowed_signers file: `<principals> [options] <key type> <base64 key>`. */
  sshAllowedSigners?: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs git with exactly the environment given, never through a shell; resolves whatever the exit code. */
export type GitRunner = (
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
) => Promise<CommandResult>;

export interface VerifyTagOptions {
  repoDir: string;
  /** The tag's name; a full ref (`refs/tags/1.2`, as in GITHUB_REF) is accepted too. */
  tag: string;
  trust: TagTrust;
  /** Release tags must match this (default DEFAULT_VERSION_PATTERN). */
  versionPattern?: string | RegExp;
  git?: GitRunner;
}

export type TagSigner =
  | { format: 'openpgp'; fingerprint: string; identity: string }
  | { format: 'ssh'; fingerprint: string; keyType: string; identity: string };

export interface VerifiedTag {
  name: string;
  /** The tag object's id. */
  sha: string;
  /** The commit the tag points at. */
  commit: string;
  /** The tag message as stored, without the signature (it ends with a newline). */
  message: string;
  signer: TagSigner;
}

export type TagVerificationFailure =
  | 'invalid-name'
  | 'version-pattern'
  | 'missing'
  | 'lightweight'
  | 'not-a-commit'
  | 'name-mismatch'
  | 'unsigned'
  | 'unsupported-signature'
  | 'bad-signature'
  | 'untrusted-key'
  | 'expired-key'
  | 'expired-signature'
  | 'revoked-key'
  | 'configuration'
  | 'verification-failed';

export class TagVerificationError extends Error {
  readonly reason: TagVerificationFailure;
  /** The signing key's fingerprint, when the failure is about a known signature. */
  readonly fingerprint: string | undefined;

  constructor(reason: TagVerificationFailure, message: string, fingerprint?: string) {
    super(message);
    this.name = 'TagVerificationError';
    this.reason = reason;
    this.fingerprint = fingerprint;
  }
}

/** How git recognises the start of a signature in a tag (gpg-interface.c, all formats it knows). */
const SIGNATURE_STARTS: ReadonlyArray<{ prefix: string; format: 'openpgp' | 'ssh' | 'x509' }> = [
  { prefix: '-----BEGIN PGP SIGNATURE-----', format: 'openpgp' },
  { prefix: '-----BEGIN PGP MESSAGE-----', format: 'openpgp' },
  { prefix: '-----BEGIN SSH SIGNATURE-----', format: 'ssh' },
  { prefix: '-----BEGIN SIGNED MESSAGE-----', format: 'x509' },
];

export interface SplitSignedText {
  payload: string;
  signature: string;
  format: 'openpgp' | 'ssh' | 'x509' | null;
}

/**
 * Splits a tag object (or a tag message) into the signed payload and the signature the way git does: the
 * signature starts at the LAST line beginning with a signature header, so what we read as the message is
 * exactly what git hands to the verifier.
 */
export function splitSignature(text: string): SplitSignedText {
  let start = -1;
  let format: SplitSignedText['format'] = null;
  for (let offset = 0; offset < text.length;) {
    const match = SIGNATURE_STARTS.find((s) => text.startsWith(s.prefix, offset));
    if (match) {
      start = offset;
      format = match.format;
    }
    const eol = text.indexOf('\n', offset);
    offset = eol === -1 ? text.length : eol + 1;
  }
  if (start === -1) return { payload: text, signature: '', format: null };
  return { payload: text.slice(0, start), signature: text.slice(start), format };
}

export interface TagObject {
  object: string;
  type: string;
  tag: string;
  message: string;
  signature: string;
  format: SplitSignedText['format'];
}

export function parseTagObject(raw: string): TagObject {
  const { payload, signature, format } = splitSignature(raw);
  const headerEnd = payload.indexOf('\n\n');
  const headerText = headerEnd === -1 ? payload : payload.slice(0, headerEnd);
  const headers = new Map<string, string>();
  for (const line of headerText.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && !headers.has(line.slice(0, space)))
      headers.set(line.slice(0, space), line.slice(space + 1));
  }
  return {
    object: headers.get('object') ?? '',
    type: headers.get('type') ?? '',
    tag: headers.get('tag') ?? '',
    message: headerEnd === -1 ? '' : payload.slice(headerEnd + 2),
    signature,
    format,
  };
}

export async function verifyTag(options: VerifyTagOptions): Promise<VerifiedTag> {
  const git = options.git ?? runGit;
  const name = options.tag.startsWith('refs/tags/') ? options.tag.slice('refs/tags/'.length) : options.tag;
  const ref = `refs/tags/${name}`;
  const pattern = compileVersionPattern(options.versionPattern);
  if (!pattern.test(name)) {
    throw new TagVerificationError(
      'version-pattern',
      `tag "${name}" is not a release tag: it does not match the version pattern ${pattern.source} (name release tags like 1.2 or v1.2, or configure the pattern)`,
    );
  }
  assertSomeTrust(options.trust);

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ironbots-verify-tag-'));
  try {
    // Nothing of the runner's own configuration, keyring or agent may take part.
    const gnupgHome = path.join(scratch, 'gnupg');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratch,
      GNUPGHOME: gnupgHome,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    };
    const inRepo = (args: string[]) => git(args, { cwd: options.repoDir, env });

    // check-ref-format first: `1.2^{commit}` or `1.2~1` would otherwise resolve to something else entirely.
    if ((await inRepo(['check-ref-format', ref])).exitCode !== 0) {
      throw new TagVerificationError('invalid-name', `"${name}" is not a valid tag name`);
    }
    const resolved = await inRepo(['rev-parse', '--verify', '--quiet', ref]);
    const sha = resolved.stdout.trim();
    if (resolved.exitCode !== 0 || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
      throw new TagVerificationError(
        'missing',
        `tag ${name} does not exist in ${options.repoDir} (was it fetched? git fetch origin ${ref}:${ref})`,
      );
    }
    const type = (await mustSucceed(inRepo(['cat-file', '-t', sha]), 'git cat-file -t')).trim();
    if (type !== 'tag') {
      throw new TagVerificationError(
        'lightweight',
        `tag ${name} is a lightweight tag (it points straight at ${type} ${sha}): it has no message and no signature. ` +
          `Release with a signed annotated tag: git tag -s ${name} -m '${name}' -m '<release notes>' && git push origin ${name}. ` +
          `If the tag is annotated on the server, the checkout turned it lightweight (actions/checkout does on tag pushes): ` +
          `git fetch --force origin ${ref}:${ref}`,
      );
    }
    const tagObject = parseTagObject(await mustSucceed(inRepo(['cat-file', 'tag', sha]), 'git cat-file tag'));
    if (tagObject.tag !== name) {
      // A signed tag is a statement about its own name only; re-pushed under another name it must not count.
      throw new TagVerificationError(
        'name-mismatch',
        `${ref} points to a tag object made for "${tagObject.tag}", not for "${name}": a tag signed for one name was pushed under another`,
      );
    }
    if (tagObject.type !== 'commit') {
      throw new TagVerificationError(
        'not-a-commit',
        `tag ${name} tags a ${tagObject.type || 'unknown object'}, not a commit`,
      );
    }
    if (
      tagObject.format === null &&
      SIGNATURE_STARTS.some((start) => tagObject.message.includes(start.prefix))
    ) {
      // `git tag -s --cleanup=verbatim` without a final newline glues the signature to the last line, where
      // git itself no longer finds it ("no signature found").
      throw new TagVerificationError(
        'unsigned',
        `tag ${name} has a signature glued to the end of its message's last line, so git cannot verify it ` +
          '(git tag -s --cleanup=verbatim with a message that does not end in a newline): tag again with --cleanup=whitespace',
      );
    }
    if (tagObject.format === null) {
      throw new TagVerificationError(
        'unsigned',
        `tag ${name} is annotated but not signed: delete it and tag again with git tag -s (git tag -d ${name} && git push origin :${ref})`,
      );
    }
    if (tagObject.format === 'x509') {
      throw new TagVerificationError(
        'unsupported-signature',
        `tag ${name} carries an X.509 (gpgsm) signature; only OpenPGP and SSH signatures are supported`,
      );
    }

    const allowedSigners = path.join(scratch, 'allowed_signers');
    await writeFile(allowedSigners, normaliseAllowedSigners(options.trust.sshAllowedSigners ?? ''), {
      mode: 0o600,
    });
    const trustedOpenPgp =
      tagObject.format === 'openpgp'
        ? await importOpenPgpKeys(options.trust, options.repoDir, scratch, gnupgHome, env)
        : new Set<string>();

    const verification = await inRepo([
      // Pin the verifiers: a repository's own config must not swap them out or relax the check.
      '-c',
      'gpg.openpgp.program=gpg',
      '-c',
      'gpg.ssh.program=ssh-keygen',
      '-c',
      `gpg.ssh.allowedSignersFile=${allowedSigners}`,
      '-c',
      'gpg.minTrustLevel=undefined',
      'verify-tag',
      '--raw',
      sha,
    ]);
    const signer =
      tagObject.format === 'openpgp'
        ? interpretGpgVerification(name, verification, trustedOpenPgp, options.trust)
        : interpretSshVerification(name, verification, allowedSigners, options.trust);
    return { name, sha, commit: tagObject.object, message: tagObject.message, signer };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function compileVersionPattern(pattern: string | RegExp | undefined): RegExp {
  // Without the g and y flags: test() would carry lastIndex over from one call to the next.
  if (pattern instanceof RegExp) return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  try {
    return new RegExp(pattern ?? DEFAULT_VERSION_PATTERN);
  } catch (error) {
    throw new TagVerificationError(
      'configuration',
      `version pattern ${pattern}: ${(error as Error).message}`,
    );
  }
}

function assertSomeTrust(trust: TagTrust): void {
  if (!trust.openpgpKeys?.trim() && !trust.openpgpKeyringFile && !trust.sshAllowedSigners?.trim()) {
    throw new TagVerificationError(
      'configuration',
      'no trusted keys are configured: give armored OpenPGP public keys, a keyring file or SSH allowed signers',
    );
  }
  if (trust.openpgpKeys && /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(trust.openpgpKeys)) {
    // Refuse rather than import: a secret key in a workflow input has leaked already and must be replaced.
    throw new TagVerificationError(
      'configuration',
      'the trusted OpenPGP keys include a PRIVATE key block: pass public keys only (gpg --armor --export <fingerprint>), and revoke the exposed key',
    );
  }
}

/** ssh-keygen reads the file line by line; a pasted input may come with CRLFs and indentation. */
function normaliseAllowedSigners(content: string): string {
  const lines = content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Imports every configured OpenPGP key into the empty GNUPGHOME; returns their primary fingerprints. */
async function importOpenPgpKeys(
  trust: TagTrust,
  repoDir: string,
  scratch: string,
  gnupgHome: string,
  env: Record<string, string>,
): Promise<Set<string>> {
  await mkdir(gnupgHome, { mode: 0o700 });
  // gpg would otherwise start a gpg-agent for this home (even for public keys) that outlives us; verifying
  // needs no agent, and nothing may be fetched from a keyserver.
  await writeFile(path.join(gnupgHome, 'gpg.conf'), 'no-autostart\nno-auto-key-retrieve\n', { mode: 0o600 });
  const fingerprints = new Set<string>();
  const sources: Array<{ what: string; file: string }> = [];
  if (trust.openpgpKeys?.trim()) {
    const file = path.join(scratch, 'allowed-keys.asc');
    await writeFile(file, trust.openpgpKeys, { mode: 0o600 });
    sources.push({ what: 'the trusted OpenPGP keys', file });
  }
  if (trust.openpgpKeyringFile) {
    const file = path.resolve(repoDir, trust.openpgpKeyringFile);
    try {
      await access(file);
    } catch {
      throw new TagVerificationError(
        'configuration',
        `the keyring file ${trust.openpgpKeyringFile} does not exist in ${repoDir}`,
      );
    }
    sources.push({ what: `the keyring file ${trust.openpgpKeyringFile}`, file });
  }
  for (const source of sources) {
    const result = await runProgram(
      'gpg',
      ['--batch', '--no-tty', '--status-fd', '1', '--import', source.file],
      scratch,
      env,
    );
    const imported = parseGpgStatus(result.stdout)
      .filter((status) => status.keyword === 'IMPORT_OK')
      .map((status) => status.args[1] ?? '');
    if (imported.length === 0) {
      throw new TagVerificationError(
        'configuration',
        `${source.what} hold no usable OpenPGP public key (gpg: ${firstLines(result.stderr)})`,
      );
    }
    for (const fingerprint of imported) fingerprints.add(fingerprint.toUpperCase());
  }
  return fingerprints;
}

export interface GpgStatus {
  keyword: string;
  args: string[];
}

/** gpg's `--status-fd` lines (`[GNUPG:] KEYWORD args…`); everything else is human text and ignored. */
export function parseGpgStatus(output: string): GpgStatus[] {
  const statuses: GpgStatus[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('[GNUPG:] ')) continue;
    const [keyword = '', ...args] = line.slice('[GNUPG:] '.length).trimEnd().split(' ');
    statuses.push({ keyword, args });
  }
  return statuses;
}

function interpretGpgVerification(
  tag: string,
  result: CommandResult,
  trusted: ReadonlySet<string>,
  trust: TagTrust,
): TagSigner {
  const statuses = parseGpgStatus(result.stderr + result.stdout);
  const find = (keyword: string) => statuses.find((status) => status.keyword === keyword);
  const signatures = statuses.filter((status) => status.keyword === 'NEWSIG').length;
  if (signatures > 1) {
    throw new TagVerificationError(
      'verification-failed',
      `tag ${tag} carries ${signatures} OpenPGP signatures; exactly one is expected`,
    );
  }
  const validSig = find('VALIDSIG');
  // VALIDSIG: <signing key fpr> <date> <timestamp> <expires> <version> <reserved> <algo> <hash> <class> <primary fpr>
  const fingerprint = (validSig?.args[9] ?? validSig?.args[0] ?? '').toUpperCase();
  const who = (status: GpgStatus | undefined) =>
    status ? `${decodeStatusText(status.args.slice(1).join(' '))}, key ${fingerprint || status.args[0]}` : '';

  const badSig = find('BADSIG');
  if (badSig) {
    throw new TagVerificationError(
      'bad-signature',
      `the signature of tag ${tag} is invalid: the tag was changed after it was signed (signature by ${who(badSig)})`,
      badSig.args[0],
    );
  }
  const errSig = find('ERRSIG');
  if (errSig) {
    // ERRSIG <keyid> <pkalgo> <hashalgo> <class> <time> <rc> [<issuer fingerprint>]; rc 9 = no public key.
    const keyId = errSig.args[6] || errSig.args[0] || 'unknown';
    if (errSig.args[5] === '9' || find('NO_PUBKEY')) {
      const configured = trust.openpgpKeys?.trim() || trust.openpgpKeyringFile;
      throw new TagVerificationError(
        'untrusted-key',
        `tag ${tag} is signed by OpenPGP key ${keyId}, which is not one of the trusted keys` +
          (configured ? '' : ' (no OpenPGP keys are configured at all)') +
          `: add its public key (gpg --armor --export ${keyId}) to the trusted keys, or sign with a trusted key`,
        keyId,
      );
    }
    throw new TagVerificationError(
      'verification-failed',
      `gpg cannot check the signature of tag ${tag} (key ${keyId}, error code ${errSig.args[5] ?? '?'}: 4 means an unsupported algorithm)`,
      keyId,
    );
  }
  const revoked = find('REVKEYSIG');
  if (revoked) {
    throw new TagVerificationError(
      'revoked-key',
      `tag ${tag} is signed by a revoked key (${who(revoked)}): sign the tag again with a valid key`,
      fingerprint || revoked.args[0],
    );
  }
  const expiredKey = find('EXPKEYSIG');
  if (expiredKey) {
    const expiry = find('KEYEXPIRED')?.args[0];
    throw new TagVerificationError(
      'expired-key',
      `tag ${tag} is signed by an expired key (${who(expiredKey)}${expiry ? `, expired ${statusTime(expiry)}` : ''}): ` +
        'extend the key (gpg --quick-set-expire) and update the trusted keys, or sign the tag again with a valid key',
      fingerprint || expiredKey.args[0],
    );
  }
  const expiredSig = find('EXPSIG');
  if (expiredSig) {
    const expiry = validSig?.args[3];
    throw new TagVerificationError(
      'expired-signature',
      `the signature of tag ${tag} has expired (${who(expiredSig)}${expiry && expiry !== '0' ? `, expired ${statusTime(expiry)}` : ''}): sign the tag again`,
      fingerprint || expiredSig.args[0],
    );
  }
  const goodSig = find('GOODSIG');
  if (goodSig && validSig && result.exitCode === 0) {
    // Only the configured keys are in this GNUPGHOME; checking the set again costs nothing.
    if (!trusted.has(fingerprint)) {
      throw new TagVerificationError(
        'untrusted-key',
        `tag ${tag} is signed by OpenPGP key ${fingerprint}, which is not one of the trusted keys`,
        fingerprint,
      );
    }
    return { format: 'openpgp', fingerprint, identity: decodeStatusText(goodSig.args.slice(1).join(' ')) };
  }
  throw new TagVerificationError(
    'verification-failed',
    `git verify-tag could not verify tag ${tag} (exit code ${result.exitCode}): ${firstLines(result.stderr)}`,
  );
}

function interpretSshVerification(
  tag: string,
  result: CommandResult,
  allowedSignersFile: string,
  trust: TagTrust,
): TagSigner {
  // ssh-keygen names the temporary file in its complaints; users know it as the allowed signers.
  const output = (result.stderr + result.stdout).split(allowedSignersFile).join('allowed_signers');
  const good = /^Good "git" signature for (.+) with (\S+) key (\S+)$/m.exec(output);
  if (good && result.exitCode === 0) {
    return { format: 'ssh', fingerprint: good[3]!, keyType: good[2]!, identity: good[1]! };
  }
  if (/^Signature verification failed|^Could not verify signature/m.test(output)) {
    throw new TagVerificationError(
      'bad-signature',
      `the SSH signature of tag ${tag} is invalid: the tag was changed after it was signed (${firstLines(output)})`,
    );
  }
  // The key is only known from `check-novalidate`, which git runs when no principal matched.
  const unverifiedKey = /^Good "git" signature with (\S+) key (\S+)$/m.exec(output);
  const keyFingerprint = unverifiedKey?.[2];
  const expired = /key has expired: (.*)$/m.exec(output);
  if (expired) {
    throw new TagVerificationError(
      'expired-key',
      `tag ${tag} is signed by SSH key ${keyFingerprint ?? '(unknown)'}, which had expired at the tag's date (${expired[1]}): ` +
        'update valid-before in the allowed signers, or sign the tag again with a valid key',
      keyFingerprint,
    );
  }
  if (unverifiedKey && /^No principal matched\.$/m.test(output)) {
    const notYetValid = /key is not yet valid: (.*)$/m.exec(output);
    throw new TagVerificationError(
      'untrusted-key',
      `tag ${tag} is signed by SSH ${unverifiedKey[1]} key ${keyFingerprint}, which is not in the allowed signers` +
        (trust.sshAllowedSigners?.trim() ? '' : ' (no SSH allowed signers are configured at all)') +
        (notYetValid ? ` (an entry for it is not yet valid at the tag's date: ${notYetValid[1]})` : '') +
        ': add a line "<identity> <the public key, as in its .pub file>" to the allowed signers, or sign with an allowed key',
      keyFingerprint,
    );
  }
  throw new TagVerificationError(
    'verification-failed',
    `git verify-tag could not verify the SSH signature of tag ${tag} (exit code ${result.exitCode}): ${firstLines(output)}`,
    keyFingerprint,
  );
}

/** gpg escapes `%`, CR, LF and other control characters in status text as %XX. */
function decodeStatusText(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Status-line times are seconds since the epoch, or ISO 8601 without separators with some options. */
function statusTime(value: string): string {
  return /^\d+$/.test(value) ? new Date(Number(value) * 1000).toISOString().replace('.000Z', 'Z') : value;
}

function firstLines(text: string, count = 4): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('[GNUPG:]'))
      .slice(0, count)
      .join(' / ') || 'no output'
  );
}

async function mustSucceed(pending: Promise<CommandResult>, what: string): Promise<string> {
  const result = await pending;
  if (result.exitCode !== 0)
    throw new Error(`${what} failed (exit code ${result.exitCode}): ${firstLines(result.stderr)}`);
  return result.stdout;
}

/** The default GitRunner. */
export const runGit: GitRunner = (args, options) => runProgram('git', args, options.cwd, options.env);

function runProgram(
  program: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(`${program} is not installed (or not on PATH), and verifying release tags needs it`)
          : error,
      );
    });
    child.on('close', (code, signal) => {
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
