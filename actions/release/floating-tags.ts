import { getExecOutput } from '@actions/exec';
import type { ActionLog } from '../../core/action-log.ts';

/**
 * Floating tags: `v1` (major) and `v1.4` (minor) name the newest release of their line, so that
 * `uses: owner/action@v1` follows releases. After `v1.4.2` is released they are force-pushed to its commit
 * — only for a stable X.Y.Z version (never a pre-release), and never backwards: when the remote already
 * has a newer release of the line (a fix released for an older line), the floating tag stays.
 */

export const FLOATING_TAG_KINDS = ['major', 'minor'] as const;
export type FloatingTagKind = (typeof FLOATING_TAG_KINDS)[number];

export interface FloatingTagMove {
  /** e.g. `v1` */
  tag: string;
  /** The commit it named before (null: it did not exist). */
  from: string | null;
  to: string;
  outcome: 'moved' | 'created' | 'unchanged' | 'kept' | 'would move';
  /** Why it was kept: the newer release of the line. */
  newer?: string;
}

export interface FloatingTagsOptions {
  /** The checkout of the tag, whose remote receives the push. */
  repoDir: string;
  /** Default origin: what actions/checkout sets up, with its credentials. */
  remote?: string;
  /** The released tag, e.g. v1.4.2. */
  tag: string;
  /** The commit it points at. */
  commit: string;
  kinds: readonly FloatingTagKind[];
  dryRun: boolean;
  log: ActionLog;
  /** git's environment; no token is needed in it (the remote's configured credentials push). */
  env: Record<string, string | undefined>;
}

interface Version {
  prefix: string;
  parts: [number, number, number];
}

const STABLE = /^(v?)(\d+)\.(\d+)\.(\d+)$/;

function parseVersion(tag: string): Version | null {
  const match = STABLE.exec(tag);
  if (!match) return null;
  return { prefix: match[1]!, parts: [Number(match[2]), Number(match[3]), Number(match[4])] };
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i]! - b.parts[i]!;
  return 0;
}

/** Moves (or creates) the floating tags of the release; returns what became of each. */
export async function moveFloatingTags(options: FloatingTagsOptions): Promise<FloatingTagMove[]> {
  const { log, tag } = options;
  if (options.kinds.length === 0) return [];
  const version = parseVersion(tag);
  if (!version) {
    if (/^v?\d+\.\d+\.\d+-/.test(tag)) log.info(`floating tags: ${tag} is a pre-release; none is moved`);
    else
      log.warn(
        `floating tags: ${tag} is not an X.Y.Z version, so it has no major or minor line; none is moved`,
      );
    return [];
  }
  const remote = options.remote ?? 'origin';
  const remoteTags = await listRemoteTags(options, remote);
  const moves: FloatingTagMove[] = [];
  for (const kind of FLOATING_TAG_KINDS) {
    if (!options.kinds.includes(kind)) continue;
    const depth = kind === 'major' ? 1 : 2;
    const floating = `${version.prefix}${version.parts.slice(0, depth).join('.')}`;
    const current = remoteTags.get(floating) ?? null;
    // The newest stable release of the line on the remote, this one included.
    let newest: Version = version;
    let newestName = tag;
    for (const name of remoteTags.keys()) {
      const other = parseVersion(name);
      if (!other || other.prefix !== version.prefix) continue;
      if (other.parts.slice(0, depth).join('.') !== version.parts.slice(0, depth).join('.')) continue;
      if (compare(other, newest) > 0) {
        newest = other;
        newestName = name;
      }
    }
    const move: FloatingTagMove = {
      tag: floating,
      from: current?.commit ?? null,
      to: options.commit,
      outcome: 'moved',
    };
    if (newest !== version) {
      move.outcome = 'kept';
      move.newer = newestName;
      log.info(
        `floating tag ${floating}: stays${current ? ` at ${short(current.commit)}` : ''}: ${newestName} is newer than ${tag}`,
      );
    } else if (current?.commit === options.commit) {
      move.outcome = 'unchanged';
      log.info(`floating tag ${floating}: already at ${short(options.commit)} (${tag})`);
    } else if (options.dryRun) {
      move.outcome = 'would move';
      log.info(
        `floating tag ${floating}: would move ${current ? `from ${short(current.commit)} ` : ''}to ${short(options.commit)} (${tag})`,
      );
    } else {
      // The lease: a release of the same line running at the same time cannot be overwritten unseen.
      await git(options, [
        'push',
        `--force-with-lease=refs/tags/${floating}:${current?.ref ?? ''}`,
        remote,
        `${options.commit}:refs/tags/${floating}`,
      ]);
      move.outcome = current ? 'moved' : 'created';
      log.info(
        `floating tag ${floating}: ${current ? `moved from ${short(current.commit)} to` : 'created at'} ${short(options.commit)} (${tag})`,
      );
    }
    moves.push(move);
  }
  return moves;
}

/** The remote's tags: each name's own object (what a lease compares) and the commit it names. */
async function listRemoteTags(
  options: FloatingTagsOptions,
  remote: string,
): Promise<Map<string, { ref: string; commit: string }>> {
  const output = await git(options, ['ls-remote', '--tags', remote]);
  const tags = new Map<string, { ref: string; commit: string }>();
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]{40,64})\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
    if (!match) continue;
    const [, id, name, peeled] = match;
    const entry = tags.get(name!) ?? { ref: id!, commit: id! };
    if (peeled) entry.commit = id!;
    else entry.ref = id!;
    tags.set(name!, entry);
  }
  return tags;
}

/** git in the checkout through @actions/exec; its output goes to the log, its last lines into an error. */
async function git(options: FloatingTagsOptions, args: string[]): Promise<string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
  const { exitCode, stdout, stderr } = await getExecOutput('git', ['-C', options.repoDir, ...args], {
    env: { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    silent: true,
    ignoreReturnCode: true,
  });
  if (args[0] === 'push')
    for (const line of `${stdout}\n${stderr}`.split('\n'))
      if (line.trim()) options.log.info(`git: ${line.trim()}`);
  if (exitCode !== 0)
    throw new Error(
      `git ${args[0]} failed (exit code ${exitCode}): ${stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  return stdout;
}

function short(commit: string): string {
  return commit.slice(0, 12);
}
