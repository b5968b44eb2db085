/**
 * A release target is one place a release goes (a GitHub release, a GitLab release, an npm registry, an OCI
 * registry). The release runs in two phases so that it is all or nothing: every target `prepare`s first
 * (checks credentials and permissions, finds what an earlier run left, stages what can be staged without
 * becoming visible: a draft, an unpublished package tarball, a pushed-but-untagged image); only if every
 * target prepared does any target `publish`. A target whose publish fails leaves a state that a re-run of the
 * same tag completes; `rollback` undoes what `prepare` staged when another target failed to prepare.
 */

export interface ReleaseAsset {
  /** File name as it appears in the release (unique within a release). */
  name: string;
  /** Absolute path on disk. */
  path: string;
  bytes: number;
  /** Lower-case hex sha256 of the file's contents. */
  sha256: string;
}

export interface ReleaseSpec {
  /** The tag name, e.g. `v1.2.0`. */
  tag: string;
  /** The version derived from the tag (without a leading `v`), e.g. `1.2.0`. */
  version: string;
  /** The commit the tag points at. */
  commit: string;
  /** Release title (the tag message's subject, or the version). */
  title: string;
  /** Release notes, Markdown, verbatim from the tag message (possibly truncated to the forge's limit). */
  notes: string;
  /** Assets built by the build step, SHA256SUMS included. */
  assets: ReleaseAsset[];
  prerelease: boolean;
}

/** One line of a dry-run plan or a job summary: what a target will do (or did). */
export interface PlannedAction {
  target: string;
  action: string;
  detail?: string;
}

export interface PreparedRelease {
  /** What publish will do, for the plan and the summary. */
  plan: PlannedAction[];
}

export interface PublishedRelease {
  target: string;
  /** Where people find it: the release page, the package page, the image reference. */
  url: string;
  /** The forge's id of the release, when the target has one. */
  id?: string;
  /** Assets as published, with their download URLs where the target has them. */
  assets: Array<{ name: string; sha256: string; bytes: number; url?: string }>;
}

export interface ReleaseTarget {
  /** Short, stable name used in logs, plans and outputs, e.g. `github`, `gitlab`, `npm`, `container`. */
  readonly name: string;
  /**
   * Checks everything that can fail before anything becomes visible (token present and allowed to write,
   * package name not taken by someone else, registry reachable), and stages what can be staged invisibly.
   * Throws a ReleaseTargetError naming the problem; must not make anything public.
   */
  prepare(spec: ReleaseSpec, signal?: AbortSignal): Promise<PreparedRelease>;
  /** Makes the release visible. Idempotent: re-running for the same tag completes and never duplicates. */
  publish(spec: ReleaseSpec, signal?: AbortSignal): Promise<PublishedRelease>;
  /** Undoes what prepare staged (e.g. deletes a draft it created). Best effort; never throws. */
  rollback(spec: ReleaseSpec): Promise<void>;
}

export class ReleaseTargetError extends Error {
  readonly target: string;
  constructor(target: string, message: string, options?: { cause?: unknown }) {
    super(`${target}: ${message}`, options);
    this.name = 'ReleaseTargetError';
    this.target = target;
  }
}
