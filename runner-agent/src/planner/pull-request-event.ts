import { z } from 'zod';
import type { PullRequest, Repository } from '../../../forge/forge.ts';

/** The part of GitHub's `pull_request` webhook payload the planner reads. */
const RepoSchema = z.object({
  name: z.string(),
  full_name: z.string(),
  owner: z.object({ login: z.string() }),
  clone_url: z.string(),
  html_url: z.string(),
  default_branch: z.string().default('main'),
});

export const PullRequestEventSchema = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  repository: RepoSchema,
  pull_request: z.object({
    number: z.number().int().positive(),
    state: z.enum(['open', 'closed']),
    title: z.string(),
    body: z.string().nullable().default(''),
    html_url: z.string(),
    user: z.object({ login: z.string() }),
    head: z.object({ sha: z.string(), ref: z.string(), repo: RepoSchema.nullable() }),
    base: z.object({ ref: z.string() }),
    /** Its labels now (the approval label may be left over from an approved earlier head). */
    labels: z.array(z.object({ name: z.string() })).default([]),
  }),
  /** On `labeled`: the label added. */
  label: z.object({ name: z.string() }).optional(),
  /** Who caused the event (for `labeled`: who added the label; for `edited`: who edited it). */
  sender: z.object({ login: z.string() }).optional(),
  /** On `edited`: what the fields were before (only those that changed). */
  changes: z.object({ body: z.object({ from: z.string().nullable() }).optional() }).optional(),
});

export type PullRequestEvent = z.infer<typeof PullRequestEventSchema>;

/** The part of GitHub's `status` webhook payload the planner reads (cross-project requests). */
export const StatusEventSchema = z.object({
  sha: z.string(),
  context: z.string(),
  state: z.string(),
  description: z.string().nullable().default(null),
  repository: RepoSchema,
});

export function repositoryFromEvent(event: Pick<PullRequestEvent, 'repository'>): Repository {
  const r = event.repository;
  return {
    owner: r.owner.login,
    name: r.name,
    defaultBranch: r.default_branch,
    cloneUrl: r.clone_url,
    htmlUrl: r.html_url,
  };
}

export function pullRequestFromEvent(event: PullRequestEvent): PullRequest {
  const pr = event.pull_request;
  return {
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body ?? '',
    author: pr.user.login,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    htmlUrl: pr.html_url,
    // A deleted fork has no head repo; the base repository still has the commits under refs/pull/N/head.
    headCloneUrl: pr.head.repo?.clone_url ?? event.repository.clone_url,
    ...(pr.head.repo ? {} : { headRepositoryDeleted: true }),
  };
}
