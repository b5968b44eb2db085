import { z } from 'zod';
import type { WebhookDelivery } from './delivery.ts';

/**
 * The comment events that carry bot commands: GitHub's `issue_comment` and GitLab's Note Hook. The receiver
 * checks them before queueing (a delivery that lacks what a command needs is refused with 400 and nothing
 * is queued); the planner reads them with the same schemas.
 */

const GitHubRepositorySchema = z.object({
  name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) }),
  clone_url: z.string().min(1),
  html_url: z.string().min(1),
  default_branch: z.string().min(1).default('main'),
});

export const IssueCommentEventSchema = z.object({
  action: z.string().min(1),
  issue: z.object({
    number: z.number().int().positive(),
    /** Present when the issue is a pull request. */
    pull_request: z.object({}).passthrough().nullish(),
  }),
  comment: z.object({
    id: z.number().int(),
    body: z.string(),
    user: z.object({ login: z.string().min(1), type: z.string().optional() }),
  }),
  repository: GitHubRepositorySchema,
});
export type IssueCommentEvent = z.infer<typeof IssueCommentEventSchema>;

export const NoteEventSchema = z
  .object({
    object_kind: z.literal('note'),
    user: z.object({ username: z.string().min(1) }),
    project: z.object({
      path_with_namespace: z.string().regex(/^[^/]+(\/[^/]+)+$/, 'expected namespace/project'),
      git_http_url: z.string().min(1),
      web_url: z.string().min(1),
      default_branch: z.string().nullable().default('main'),
    }),
    object_attributes: z.object({
      id: z.number().int(),
      note: z.string(),
      noteable_type: z.string().min(1),
    }),
    merge_request: z.object({ iid: z.number().int().positive() }).optional(),
  })
  .refine((e) => e.object_attributes.noteable_type !== 'MergeRequest' || e.merge_request, {
    message: 'a note on a merge request needs merge_request.iid',
    path: ['merge_request'],
  });
export type NoteEvent = z.infer<typeof NoteEventSchema>;

/**
 * What is wrong with a comment delivery's payload, or null when it is fine or not a comment event (other
 * events are queued as they are, and the planner ignores what it does not handle).
 */
export function commentPayloadProblem(
  forge: WebhookDelivery['forge'],
  event: string,
  payload: unknown,
): string | null {
  const schema =
    forge === 'github' && event === 'issue_comment'
      ? IssueCommentEventSchema
      : forge === 'gitlab' && event === 'note'
        ? NoteEventSchema
        : null;
  if (!schema) return null;
  const parsed = schema.safeParse(payload);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return `${event} payload: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
