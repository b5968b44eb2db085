import { z } from 'zod';
import type { Repository, RepositoryId } from '../../../forge/forge.ts';

/** The part of GitLab's Merge Request Hook payload the planner reads; the merge request itself is re-read. */
export const MergeRequestEventSchema = z.object({
  object_kind: z.literal('merge_request'),
  project: z.object({
    path_with_namespace: z.string().regex(/^[^/]+(\/[^/]+)+$/, 'expected namespace/project'),
    git_http_url: z.string(),
    web_url: z.string(),
    default_branch: z.string().nullable().default('main'),
  }),
  object_attributes: z.object({
    iid: z.number().int().positive(),
    action: z.string().optional(),
    /** Present on `update` when the source branch moved: new commits to test. */
    oldrev: z.string().optional(),
    /** The head when the event happened (a label is added to that commit, not to one pushed since). */
    last_commit: z.object({ id: z.string() }).optional(),
  }),
  /** The merge request's labels now. */
  labels: z
    .array(z.object({ title: z.string() }))
    .default([])
    .catch([]),
  /** Who caused the event (for `update`: who edited it, or changed its labels). */
  user: z.object({ username: z.string() }).optional(),
  /** On `update`: the fields that changed, before and after. */
  changes: z
    .object({
      description: z.object({ previous: z.string().nullable(), current: z.string().nullable() }).optional(),
      labels: z
        .object({
          previous: z.array(z.object({ title: z.string() })).default([]),
          current: z.array(z.object({ title: z.string() })).default([]),
        })
        .optional(),
    })
    .optional()
    // What else changed is of no interest; a shape not understood only means nothing we read changed.
    .catch(undefined),
});

export type MergeRequestEvent = z.infer<typeof MergeRequestEventSchema>;

/**
 * Whether the event asks for a plan: a merge request opened or reopened, or updated with new commits (an
 * `update` without `oldrev` changed only its title, labels or the like).
 */
export function mergeRequestNeedsPlan(event: MergeRequestEvent): boolean {
  const { action, oldrev } = event.object_attributes;
  return action === 'open' || action === 'reopen' || (action === 'update' && oldrev !== undefined);
}

/** Whether the event is an `update` that put `label` on the merge request (it did not have it before). */
export function labelAdded(event: MergeRequestEvent, label: string): boolean {
  const labels = event.changes?.labels;
  if (event.object_attributes.action !== 'update' || !labels) return false;
  return labels.current.some((l) => l.title === label) && !labels.previous.some((l) => l.title === label);
}

/** The project as a repository: its namespace (groups nest) is the owner. */
/** On `update`: the description before the edit, when the edit changed it; otherwise null. */
export function previousDescription(event: MergeRequestEvent): string | null {
  const change = event.changes?.description;
  return event.object_attributes.action === 'update' && change ? (change.previous ?? '') : null;
}

export function projectFromEvent(event: MergeRequestEvent): Repository {
  const full = event.project.path_with_namespace;
  const slash = full.lastIndexOf('/');
  return {
    owner: full.slice(0, slash),
    name: full.slice(slash + 1),
    defaultBranch: event.project.default_branch ?? 'main',
    cloneUrl: event.project.git_http_url,
    htmlUrl: event.project.web_url,
  };
}

export function repositoryIdOf(repo: Repository): RepositoryId {
  return { owner: repo.owner, name: repo.name };
}
