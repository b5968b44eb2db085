import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitLabApiError, readParams, sendJson, sendPage } from './gitlab-http.ts';

/** What the issue routes need to know about the project a request is for. */
export interface IssuesProject {
  id: number;
  /** e.g. http://127.0.0.1:1234/acme/widget */
  webUrl: string;
}

interface EmulatedIssue {
  id: number;
  iid: number;
  state: 'opened' | 'closed';
  title: string;
  description: string | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/**
 * The issues of the GitLab emulator, in GitLab's shapes: `/projects/:id/issues` (list with `state`,
 * `labels`, `search` + `in=title`; create) and `/projects/:id/issues/:issue_iid` (get; edit, close and reopen
 * with `state_event`). Issue iids are their own sequence per project, as on GitLab. A token without write
 * access gets GitLab's 403 on every write.
 */
export class GitLabIssuesApi {
  readonly #issues = new Map<number, EmulatedIssue[]>();
  readonly #nextId: () => number;
  readonly #author: () => Record<string, unknown>;

  constructor(options: { nextId: () => number; author: () => Record<string, unknown> }) {
    this.#nextId = options.nextId;
    this.#author = options.author;
  }

  /** How many of the project's issues are open (the project's `open_issues_count`). */
  openCount(projectId: number): number {
    return (this.#issues.get(projectId) ?? []).filter((i) => i.state === 'opened').length;
  }

  /** Whether a route below /projects/:id belongs here. */
  handles(rest: string[]): boolean {
    return rest[0] === 'issues' && rest.length <= 2;
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    project: IssuesProject,
    rest: string[],
    access: { canWrite: boolean },
  ): Promise<void> {
    try {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && !access.canWrite) throw new GitLabApiError(403, { message: '403 Forbidden' });
      const params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
      let issues = this.#issues.get(project.id);
      if (!issues) this.#issues.set(project.id, (issues = []));
      if (rest.length === 1 && method === 'GET') return this.#list(res, url, project, issues, params);
      if (rest.length === 1 && method === 'POST') return this.#create(res, project, issues, params);
      const issue = issues.find((i) => String(i.iid) === rest[1]);
      if (!issue) throw new GitLabApiError(404, { message: '404 Not found' });
      if (method === 'GET') return sendJson(res, 200, this.#json(project, issue));
      if (method === 'PUT') return this.#edit(res, project, issue, params);
      throw new GitLabApiError(405, { message: '405 Method Not Allowed' });
    } catch (error) {
      req.resume();
      if (!(error instanceof GitLabApiError)) throw error;
      sendJson(res, error.status, error.body);
    }
  }

  #list(
    res: ServerResponse,
    url: URL,
    project: IssuesProject,
    issues: EmulatedIssue[],
    params: Record<string, string>,
  ): void {
    const state = params.state ?? 'all';
    if (!['opened', 'closed', 'all'].includes(state))
      throw new GitLabApiError(400, { error: 'state does not have a valid value' });
    const labels = (params.labels ?? '').split(',').filter(Boolean);
    const search = (params.search ?? '').toLowerCase();
    const inFields = (params.in ?? 'title,description').split(',');
    const selected = issues
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .filter(
        (i) =>
          !search ||
          (inFields.includes('title') && i.title.toLowerCase().includes(search)) ||
          (inFields.includes('description') && (i.description ?? '').toLowerCase().includes(search)),
      )
      // GitLab's default order: created_at descending.
      .sort((a, b) => b.iid - a.iid);
    sendPage(
      res,
      url,
      selected.map((i) => this.#json(project, i)),
    );
  }

  #create(
    res: ServerResponse,
    project: IssuesProject,
    issues: EmulatedIssue[],
    params: Record<string, string>,
  ): void {
    if (!params.title?.trim()) throw new GitLabApiError(400, { error: 'title is missing' });
    const now = new Date().toISOString();
    const issue: EmulatedIssue = {
      id: this.#nextId(),
      iid: Math.max(0, ...issues.map((i) => i.iid)) + 1,
      state: 'opened',
      title: params.title,
      description: params.description ?? null,
      labels: [...new Set(splitLabels(params.labels))],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    issues.push(issue);
    sendJson(res, 201, this.#json(project, issue));
  }

  #edit(res: ServerResponse, project: IssuesProject, issue: EmulatedIssue, params: Record<string, string>) {
    if (params.title !== undefined && !params.title.trim())
      throw new GitLabApiError(400, { message: { title: ["can't be blank"] } });
    if (params.state_event !== undefined && !['close', 'reopen'].includes(params.state_event))
      throw new GitLabApiError(400, { error: 'state_event does not have a valid value' });
    if (params.title !== undefined) issue.title = params.title;
    if (params.description !== undefined) issue.description = params.description;
    if (params.labels !== undefined) issue.labels = [...new Set(splitLabels(params.labels))];
    if (params.state_event === 'close' && issue.state === 'opened') {
      issue.state = 'closed';
      issue.closedAt = new Date().toISOString();
    } else if (params.state_event === 'reopen' && issue.state === 'closed') {
      issue.state = 'opened';
      issue.closedAt = null;
    }
    issue.updatedAt = new Date().toISOString();
    sendJson(res, 200, this.#json(project, issue));
  }

  #json(project: IssuesProject, issue: EmulatedIssue) {
    const api = `${new URL(project.webUrl).origin}/api/v4/projects/${project.id}`;
    const reference = `#${issue.iid}`;
    return {
      id: issue.id,
      iid: issue.iid,
      project_id: project.id,
      title: issue.title,
      description: issue.description,
      state: issue.state,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      closed_by: issue.state === 'closed' ? this.#author() : null,
      labels: issue.labels,
      milestone: null,
      assignees: [],
      author: this.#author(),
      type: 'ISSUE',
      assignee: null,
      user_notes_count: 0,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: null,
      confidential: false,
      discussion_locked: null,
      issue_type: 'issue',
      web_url: `${project.webUrl}/-/issues/${issue.iid}`,
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      task_completion_status: { count: 0, completed_count: 0 },
      has_tasks: false,
      task_status: '0 of 0 checklist items completed',
      _links: {
        self: `${api}/issues/${issue.iid}`,
        notes: `${api}/issues/${issue.iid}/notes`,
        award_emoji: `${api}/issues/${issue.iid}/award_emoji`,
        project: api,
        closed_as_duplicate_of: null,
      },
      references: {
        short: reference,
        relative: reference,
        full: `${new URL(project.webUrl).pathname.slice(1)}${reference}`,
      },
      severity: 'UNKNOWN',
      subscribed: true,
      moved_to_id: null,
      service_desk_reply_to: null,
    };
  }
}

/** GitLab's `labels` parameter: a comma-separated list (or a JSON array), empty entries dropped. */
export function splitLabels(labels: string | undefined): string[] {
  if (!labels) return [];
  // gitbeaker and curl send a comma-separated string; a JSON array arrives here already stringified.
  if (labels.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(labels);
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
    } catch {
      // not JSON: a label may start with a bracket
    }
  }
  return labels
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
}
