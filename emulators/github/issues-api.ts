import type { ServerResponse } from 'node:http';
import { sendJson, sendPage as sendGitHubPage } from './github-http.ts';
import {
  commentJson,
  issueJson,
  pullAsIssue,
  timestamp,
  type EmulatedComment,
  type EmulatedPull,
} from './payloads.ts';

/** What the issue routes need to know about the repository a request is for. */
export interface IssuesRepository {
  owner: string;
  name: string;
  /**
   * Its pull requests: issues and pull requests share one sequence of numbers on GitHub, and GitHub lists
   * pull requests among the issues (with a pull_request field).
   */
  pulls: EmulatedPull[];
  /** Comments on its pull requests, by number. */
  comments: Map<number, EmulatedComment[]>;
}

interface EmulatedIssue {
  id: number;
  number: number;
  state: 'open' | 'closed';
  stateReason: string | null;
  title: string;
  body: string | null;
  labels: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: EmulatedComment[];
}

/**
 * The issues of the GitHub emulator, in GitHub's shapes: `/repos/:owner/:repo/issues` (list with
 * `state`/`labels`, create), `/issues/:number` (get, edit, close and reopen through `state`) and
 * `/issues/:number/comments`. Pull requests stay with the emulator itself: a number that is not an issue's
 * falls through to it, and issue numbers continue the repository's pull request numbers.
 */
export class GitHubIssuesApi {
  readonly #issues = new Map<string, EmulatedIssue[]>();
  readonly #nextId: () => number;
  readonly #login: () => string;
  readonly #baseUrl: () => string;

  constructor(options: { nextId: () => number; login: () => string; baseUrl: () => string }) {
    this.#nextId = options.nextId;
    this.#login = options.login;
    this.#baseUrl = options.baseUrl;
  }

  /** The highest issue number of the repository (0 without issues), for numbering new pull requests. */
  highestNumber(repo: IssuesRepository): number {
    return Math.max(0, ...this.#of(repo).map((i) => i.number));
  }

  /** Answers the request and returns true when it is an issue route; false leaves it to the emulator. */
  route(
    res: ServerResponse,
    url: URL,
    method: string,
    repo: IssuesRepository,
    rest: string[],
    body: Record<string, unknown>,
  ): boolean {
    if (rest[0] !== 'issues') return false;
    const issues = this.#of(repo);
    if (rest.length === 1) {
      if (method === 'GET') return this.#list(res, url, repo, issues);
      if (method === 'POST') return this.#create(res, repo, issues, body);
      return false;
    }
    const issue = issues.find((i) => String(i.number) === rest[1]);
    if (!issue) return false;
    if (rest.length === 2 && method === 'GET') return send(res, 200, this.#json(repo, issue));
    if (rest.length === 2 && method === 'PATCH') return this.#edit(res, repo, issue, body);
    if (rest.length === 3 && rest[2] === 'comments') {
      if (method === 'GET')
        return sendPage(
          res,
          url,
          issue.comments.map((c) => commentJson(this.#baseUrl(), repo, issue.number, c, false)),
        );
      if (method === 'POST') {
        if (typeof body.body !== 'string' || !body.body)
          return validation(res, 'IssueComment', 'body', 'missing_field');
        const comment = { id: this.#nextId(), body: body.body, user: this.#login(), createdAt: timestamp() };
        issue.comments.push(comment);
        issue.updatedAt = comment.createdAt;
        return send(res, 201, commentJson(this.#baseUrl(), repo, issue.number, comment, false));
      }
    }
    return false;
  }

  #of(repo: IssuesRepository): EmulatedIssue[] {
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    let issues = this.#issues.get(key);
    if (!issues) this.#issues.set(key, (issues = []));
    return issues;
  }

  #list(res: ServerResponse, url: URL, repo: IssuesRepository, issues: EmulatedIssue[]): boolean {
    const state = url.searchParams.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) return validation(res, 'Issue', 'state', 'invalid');
    const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
    const entries = [
      ...issues
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .map((i) => ({ number: i.number, state: i.state, json: this.#json(repo, i) })),
      // Pull requests have no labels here, so a label filter leaves them out.
      ...(labels.length ? [] : repo.pulls).map((p) => ({
        number: p.number,
        state: p.state,
        json: issueJson(this.#baseUrl(), repo, pullAsIssue(p, (repo.comments.get(p.number) ?? []).length)),
      })),
    ]
      .filter((e) => state === 'all' || e.state === state)
      // GitHub's default order: newest first.
      .sort((a, b) => b.number - a.number);
    return sendPage(
      res,
      url,
      entries.map((e) => e.json),
    );
  }

  #create(
    res: ServerResponse,
    repo: IssuesRepository,
    issues: EmulatedIssue[],
    body: Record<string, unknown>,
  ): boolean {
    if (typeof body.title !== 'string' || !body.title.trim())
      return validation(res, 'Issue', 'title', 'missing_field');
    if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
      return validation(res, 'Issue', 'body', 'invalid');
    const labels = body.labels ?? [];
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))
      return validation(res, 'Issue', 'labels', 'invalid');
    const now = timestamp();
    const issue: EmulatedIssue = {
      id: this.#nextId(),
      number: Math.max(this.highestNumber(repo), ...repo.pulls.map((p) => p.number)) + 1,
      state: 'open',
      stateReason: null,
      title: body.title,
      body: (body.body as string | null | undefined) ?? null,
      labels: [...new Set(labels as string[])],
      user: this.#login(),
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      comments: [],
    };
    issues.push(issue);
    return send(res, 201, this.#json(repo, issue));
  }

  #edit(res: ServerResponse, repo: IssuesRepository, issue: EmulatedIssue, body: Record<string, unknown>) {
    if (body.title !== undefined && (typeof body.title !== 'string' || !body.title.trim()))
      return validation(res, 'Issue', 'title', 'invalid');
    if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
      return validation(res, 'Issue', 'body', 'invalid');
    if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
      return validation(res, 'Issue', 'state', 'invalid');
    if (typeof body.title === 'string') issue.title = body.title;
    if (body.body !== undefined) issue.body = body.body as string | null;
    if (body.state !== undefined && body.state !== issue.state) {
      issue.state = body.state;
      issue.closedAt = body.state === 'closed' ? timestamp() : null;
      issue.stateReason =
        body.state === 'closed'
          ? typeof body.state_reason === 'string'
            ? body.state_reason
            : 'completed'
          : 'reopened';
    }
    issue.updatedAt = timestamp();
    return send(res, 200, this.#json(repo, issue));
  }

  #json(repo: IssuesRepository, issue: EmulatedIssue) {
    return issueJson(this.#baseUrl(), repo, {
      ...issue,
      comments: issue.comments.length,
      pull: false,
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendJson(res, status, body, headers);
  return true;
}

function validation(res: ServerResponse, resource: string, field: string, code: string): boolean {
  return send(res, 422, {
    message: 'Validation Failed',
    errors: [{ resource, field, code }],
    documentation_url: 'https://docs.github.com/rest',
  });
}

function sendPage(res: ServerResponse, url: URL, all: unknown[]): boolean {
  sendGitHubPage(res, url, all);
  return true;
}
