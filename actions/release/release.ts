import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ActionLog } from '../../core/action-log.ts';
import { buildAssets, collectAssets } from './build-assets.ts';
import type { FloatingTagMove } from './floating-tags.ts';
import { releaseNotesFromTag } from './release-notes.ts';
import { verifyTag, type GitRunner, type TagTrust, type VerifiedTag } from './tag-signature.ts';
import type {
  PlannedAction,
  PublishedRelease,
  ReleaseSpec,
  ReleaseTarget,
} from './targets/release-target.ts';
import { errorMessage } from '../../core/errors.ts';

/**
 * The release, all or nothing: verify the signed tag → notes from its message → build and checksum the
 * assets → every target prepares → only when all prepared, every target publishes. A prepare failure
 * rolls back the targets (nothing becomes visible anywhere); a publish failure leaves the rest published
 * and the failed target in a state a re-run of the same tag completes.
 */

const run = promisify(execFile);

export interface ReleaseOptions {
  /** The checkout of the tagged commit. */
  repoDir: string;
  /** The tag (or refs/tags/… as in GITHUB_REF). */
  tag: string;
  trust: TagTrust;
  versionPattern?: string;
  /** argv of the build; empty for none. */
  buildCommand: readonly string[];
  assetPatterns: readonly string[];
  /** The build's environment, without secrets. */
  buildEnv: Record<string, string | undefined>;
  dryRun: boolean;
  /** e.g. https://github.com/acme/widget/compare: `/<previous tag>...<tag>` is appended when there is one. */
  compareBaseUrl?: string;
  /**
   * The download URL an asset of this release will have, to link the full notes from truncated ones; without
   * it, truncated notes point at `git show <tag>`.
   */
  assetUrl?: (name: string) => string;
  targets: readonly ReleaseTarget[];
  log: ActionLog;
  /** Where SHA256SUMS and other generated assets are written (a temporary directory under it). */
  workDir?: string;
  git?: GitRunner;
}

export interface ReleaseOutcome {
  spec: ReleaseSpec;
  tag: VerifiedTag;
  dryRun: boolean;
  notesTruncated: boolean;
  plan: PlannedAction[];
  published: PublishedRelease[];
  /** What became of the floating tags (vX, vX.Y), when any were asked for. */
  floatingTags?: FloatingTagMove[];
}

export class ReleaseError extends Error {
  /** True when nothing was published anywhere (a verification, build or prepare failure). */
  readonly nothingPublished: boolean;
  constructor(message: string, nothingPublished: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReleaseError';
    this.nothingPublished = nothingPublished;
  }
}

export async function runRelease(options: ReleaseOptions): Promise<ReleaseOutcome> {
  const { log } = options;
  const names = options.targets.map((t) => t.name);
  if (new Set(names).size !== names.length)
    throw new ReleaseError(`a target is listed twice: ${names.join(', ')}`, true);

  const tag = await verifyTag({
    repoDir: options.repoDir,
    tag: options.tag,
    trust: options.trust,
    ...(options.versionPattern ? { versionPattern: options.versionPattern } : {}),
    ...(options.git ? { git: options.git } : {}),
  });
  log.info(
    `tag ${tag.name} (${tag.commit}): ${tag.signer.format} signature by ${tag.signer.fingerprint} verified`,
  );
  const head = await gitOutput(options.repoDir, ['rev-parse', 'HEAD']);
  if (head !== tag.commit)
    throw new ReleaseError(
      `the checkout is at ${head} but tag ${tag.name} points at ${tag.commit}: check out the tag, so that what is built is what was signed`,
      true,
    );

  const version = tag.name.replace(/^v(?=\d)/, '');
  const previous = options.compareBaseUrl ? await previousTag(options.repoDir, tag.commit) : null;
  const notesFileName = `release-notes-${version}.md`;
  const notes = releaseNotesFromTag(tag.message, {
    version,
    ...(previous && options.compareBaseUrl
      ? { compareUrl: `${options.compareBaseUrl.replace(/\/+$/, '')}/${previous}...${tag.name}` }
      : {}),
    ...(options.assetUrl ? { tagUrl: options.assetUrl(notesFileName) } : {}),
  });

  const workDir = await mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'ironbots-release-'));
  try {
    const build = () =>
      buildAssets({
        repoDir: options.repoDir,
        command: options.buildCommand,
        patterns: options.assetPatterns,
        outDir: workDir,
        env: options.buildEnv,
        log,
      });
    const assets = options.buildCommand.length
      ? await log.group(`build: ${options.buildCommand.join(' ')}`, build)
      : await build();
    if (notes.truncated) {
      // The full notes travel with the release, so the link in the truncated ones leads somewhere.
      const file = path.join(workDir, notesFileName);
      await writeFile(file, tag.message);
      const [full] = await collectAssets(workDir, [notesFileName]);
      assets.unshift(full!);
      log.warn(
        `the release notes are longer than GitHub allows: published truncated, with a link to the full notes (${notesFileName})`,
      );
    }
    const spec: ReleaseSpec = {
      tag: tag.name,
      version,
      commit: tag.commit,
      title: notes.title,
      notes: notes.body,
      assets,
      // SemVer: a version with a pre-release part (1.2.0-rc.1) is a pre-release.
      prerelease: /^\d+(\.\d+)*-/.test(version),
    };
    const outcome: ReleaseOutcome = {
      spec,
      tag,
      dryRun: options.dryRun,
      notesTruncated: notes.truncated,
      plan: [],
      published: [],
    };
    if (options.dryRun) {
      outcome.plan = options.targets.map((t) => ({
        target: t.name,
        action: 'would prepare, then publish',
        detail: `${spec.title} (${spec.tag}), ${assets.length} assets`,
      }));
      log.info(`dry run: nothing was created (targets ${names.join(', ')}; ${assets.length} assets)`);
      return outcome;
    }

    const prepared: ReleaseTarget[] = [];
    for (const target of options.targets) {
      try {
        const result = await log.group(`${target.name}: prepare`, () => target.prepare(spec));
        prepared.push(target);
        outcome.plan.push(...result.plan);
      } catch (error) {
        // The failed target may have staged part of its work too; rollback is best effort and never throws.
        const toRollBack = [...prepared, target].reverse();
        for (const staged of toRollBack) await staged.rollback(spec);
        throw new ReleaseError(
          `nothing was released: ${target.name} could not prepare (${message(error)}); ${
            prepared.length
              ? `rolled back ${prepared.map((t) => t.name).join(', ')}`
              : 'no other target had staged anything'
          }`,
          true,
          { cause: error },
        );
      }
    }

    const failures: Array<{ target: string; error: unknown }> = [];
    for (const target of options.targets) {
      try {
        const published = await log.group(`${target.name}: publish`, () => target.publish(spec));
        outcome.published.push(published);
        log.info(`${target.name}: published ${published.url}`);
      } catch (error) {
        // Every target prepared, so the others can still publish; a re-run completes the failed one.
        failures.push({ target: target.name, error });
        log.info(`${target.name}: publish failed (${message(error)})`);
      }
    }
    if (failures.length > 0)
      throw new ReleaseError(
        `publishing failed for ${failures.map((f) => `${f.target} (${message(f.error)})`).join('; ')}` +
          (outcome.published.length
            ? `; published to ${outcome.published.map((p) => p.target).join(', ')}`
            : '') +
          `. Re-run the release of ${tag.name}: finished targets are kept as they are and the rest completes.`,
        false,
      );
    return outcome;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function message(error: unknown): string {
  return errorMessage(error);
}

async function gitOutput(repoDir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repoDir, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
  });
  return stdout.trim();
}

/** The nearest tag before the commit, or null (first release, or history too shallow to tell). */
async function previousTag(repoDir: string, commit: string): Promise<string | null> {
  try {
    return (await gitOutput(repoDir, ['describe', '--tags', '--abbrev=0', `${commit}^`])) || null;
  } catch {
    return null;
  }
}
