import { ForgeError, type PullRequests, type Repositories } from '../../../forge/forge.ts';
import type { Job } from './job.ts';

/**
 * Cross-project testing, Cockpit's "test against a bots PR": the context `fedora-40@acme/bots#12` runs the
 * project's `fedora-40` context with the infrastructure repository `acme/bots` checked out at the head of
 * its pull request 12 beside the project (in $IRONBOTS_INFRA_DIR), and its status is posted on the project's
 * commit under that whole name. Nobody writes such a context in `.ironbots.yml`: a person (or a tool)
 * requests it by posting `pending "Not yet tested"` under that name on a pull request's head, or submits
 * a job with it through the job API. On GitLab the owner is a namespace (groups nest) and the number a merge
 * request's, written as GitLab references one: `fedora-40@acme/infra/bots!12` (`#12` is read alike).
 */

/**
 * An owner: a GitHub login or organisation, or a GitLab namespace (groups nest); one segment each of the
 * characters both allow, never starting with `-` or `.` (so never `..`). Nothing a shell would read.
 */
const OWNER = '[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*';
const REPOSITORY_NAME = '[A-Za-z0-9._-]{1,100}';

/** `<context>@<owner>/<repository>#<number>`, or `!<number>` (GitLab's merge request reference). */
const CROSS_PROJECT_CONTEXT = new RegExp(
  `^(?<base>[A-Za-z0-9][A-Za-z0-9._/-]*)@(?<owner>${OWNER})/(?<name>${REPOSITORY_NAME})[#!](?<number>[1-9][0-9]{0,8})$`,
);

/** `owner/name` as the deployment configuration lists infrastructure repositories and projects. */
export const REPOSITORY_PATH = new RegExp(`^${OWNER}/${REPOSITORY_NAME}$`);

export interface CrossProjectContext {
  /** The project's own context (a key of `.ironbots.yml`), e.g. `fedora-40`. */
  base: string;
  /** `reference`: the pull request as the name wrote it (`acme/bots#12`, `acme/ci/bots!12`). */
  infra: { owner: string; name: string; pullRequest: number; reference?: string };
}

/**
 * A context that asks for another repository's pull request: `null` for an ordinary context, an error
 * message for one that looks like a request (an `@` then a `#` or `!`) but is not a valid one.
 */
export function parseCrossProjectContext(context: string): CrossProjectContext | string | null {
  const marker = /@[^@]*([#!])/.exec(context);
  if (!marker) return null;
  // A job's context is at most 100 characters (jobs/job.ts), as a `.ironbots.yml` context name is.
  if (context.length > 100) return `"${context.slice(0, 40)}…" is longer than 100 characters`;
  const match = CROSS_PROJECT_CONTEXT.exec(context);
  const groups = match?.groups;
  if (!groups || groups.name === '.' || groups.name === '..')
    return marker[1] === '!'
      ? `"${context}" is not <context>@<namespace>/<project>!<merge request>`
      : `"${context}" is not <context>@<owner>/<repository>#<pull request>`;
  return {
    base: groups.base!,
    infra: {
      owner: groups.owner!,
      name: groups.name!,
      pullRequest: Number(groups.number),
      reference: context.slice(context.indexOf('@') + 1),
    },
  };
}

export interface CrossProjectPolicy {
  /** `owner/name` of the repositories whose pull requests may be checked out beside a project. */
  infraRepositories: readonly string[];
  /** Authors whose pull requests from forks are run without a human looking first. */
  trustedAuthors: readonly string[];
}

export type InfraResolution =
  { kind: 'ok'; infra: NonNullable<Job['infra']> } | { kind: 'refused'; reason: string };

/**
 * What the job needs of the infrastructure pull request, read from the forge now: its head commit (recorded
 * in the job, so every attempt runs the same one) and where to fetch it. Refused, with the reason a status
 * shows: a repository not on the allowlist, a pull request that does not exist or is closed, and one from a
 * fork whose author is not trusted (its code would run on our machines with whatever the job can reach).
 * Forge outages are thrown, to be retried.
 */
export async function resolveInfraPullRequest(
  forge: PullRequests & Repositories,
  request: CrossProjectContext['infra'],
  policy: CrossProjectPolicy,
): Promise<InfraResolution> {
  const named = `${request.owner}/${request.name}`;
  const allowed = policy.infraRepositories.some((r) => r.toLowerCase() === named.toLowerCase());
  if (!allowed)
    return {
      kind: 'refused',
      reason: `${named} is not an allowed infrastructure repository (server.infraRepositories)`,
    };
  const ref = request.reference ?? `${named}#${request.pullRequest}`;
  const notFound = (error: unknown) => error instanceof ForgeError && error.status === 404;
  let repository;
  try {
    repository = await forge.getRepository(request);
  } catch (error) {
    if (notFound(error)) return { kind: 'refused', reason: `repository ${named} does not exist` };
    throw error;
  }
  let pr;
  try {
    pr = await forge.getPullRequest(request, request.pullRequest);
  } catch (error) {
    if (notFound(error)) return { kind: 'refused', reason: `${ref} does not exist` };
    throw error;
  }
  if (pr.state !== 'open') return { kind: 'refused', reason: `${ref} is closed` };
  const fromFork = pr.headRepositoryDeleted === true || pr.headCloneUrl !== repository.cloneUrl;
  if (fromFork && !policy.trustedAuthors.includes(pr.author))
    return {
      kind: 'refused',
      reason: `${ref} is from a fork by ${pr.author}, who is not a trusted author`,
    };
  return {
    kind: 'ok',
    infra: {
      // The repository itself keeps every pull request's head (refs/pull/N/head), a fork's included.
      repository: { owner: repository.owner, name: repository.name, cloneUrl: repository.cloneUrl },
      pullRequest: pr.number,
      sha: pr.headSha,
    },
  };
}

/**
 * The other direction, Cockpit's `fedora-40@cockpit-project/cockpit` on a bots pull request: on a pull
 * request of an infrastructure repository, `<context>@<owner>/<project>` asks for the project's context at
 * the head of its default branch with this pull request checked out beside it, its status on this pull
 * request. A project not listed for it (`server.infraProjects`) is refused (a message); null for a name
 * not of that form. The names returned are the listed ones, never the status's text.
 */
export function parseProjectRequest(
  context: string,
  projects: readonly string[],
): { base: string; project: { owner: string; name: string } } | string | null {
  const match = new RegExp(
    `^(?<base>[A-Za-z0-9][A-Za-z0-9._/-]*)@(?<owner>${OWNER})/(?<name>${REPOSITORY_NAME})$`,
  ).exec(context);
  const groups = match?.groups;
  if (!groups) return null;
  if (context.length > 100) return `"${context.slice(0, 40)}…" is longer than 100 characters`;
  const named = `${groups.owner}/${groups.name}`;
  const project = projects.find((p) => p.toLowerCase() === named.toLowerCase());
  if (!project)
    return `${named} is not a project infrastructure pull requests are tested with (server.infraProjects)`;
  const slash = project.lastIndexOf('/');
  return { base: groups.base!, project: { owner: project.slice(0, slash), name: project.slice(slash + 1) } };
}

/** The status description of a request that is not run. */
export function notRun(reason: string): string {
  return `Not run: ${reason}`;
}
