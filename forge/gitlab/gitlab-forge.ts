import {
  Branches,
  Commits,
  GitbeakerRequestError,
  Issues,
  MergeRequestNotes,
  MergeRequests,
  ProjectMembers,
  Projects,
  RepositoryFiles,
  Users,
  type CommitablePipelineStatus,
} from '@gitbeaker/rest';
import type { Logger } from 'pino';
import {
  ForgeError,
  truncateDescription,
  type Branch,
  type CommitState,
  type CommitStatus,
  type IssueComment,
  type CommitStatusInput,
  type Forge,
  type Issue,
  type IssueUpdate,
  type NewIssue,
  type NewPullRequest,
  type PullRequest,
  type PullRequestUpdate,
  type Repository,
  type RepositoryId,
} from '../forge.ts';
import { retryingRequester } from './retrying-requester.ts';

export interface GitLabForgeOptions {
  /** A personal, group or project access token (sent as PRIVATE-TOKEN). */
  token: string;
  /** https://gitlab.com, a self-managed GitLab, or the built-in emulator. The API lives under /api/v4. */
  host?: string;
  logger?: Logger;
  /** How often an answer of 502, 503 or 504 is retried. Default 2. */
  retries?: number;
  /**
   * A 429 whose Retry-After (or RateLimit-Reset) asks for a longer wait than this fails at once with
   * ForgeError 429 instead of waiting. Default 120.
   */
  maxRateLimitWaitSeconds?: number;
  /** One second of the waits above, in ms. Default 1000; tests shrink it. */
  retryDelayUnitMs?: number;
  /**
   * Between two full listings of a project's open merge requests, a listing asks GitLab only for those
   * updated since the last one (`updated_after`) and applies them to what it remembers. A full listing this
   * often still catches what no update announces (a deleted merge request). Default one hour.
   */
  fullMergeRequestListingEveryMs?: number;
  /** Projects whose open merge requests are remembered, least recently listed out first. Default 256. */
  mergeRequestListingEntries?: number;
}

/**
 * How far before the newest `updated_at` already seen the next listing asks from: an update whose
 * transaction committed after a listing may carry an earlier time than what that listing saw.
 */
const UPDATED_AFTER_OVERLAP_MS = 60_000;

/** A project's open merge requests as the last listing left them. */
interface OpenMergeRequests {
  byNumber: Map<number, PullRequest>;
  /** The newest `updated_at` seen (epoch ms); null when none was (no merge requests at all). */
  newest: number | null;
  fullListingAt: number;
}

interface RestProject {
  id: number;
  path: string;
  path_with_namespace: string;
  default_branch: string | null;
  http_url_to_repo: string;
  web_url: string;
}

interface RestMergeRequest {
  iid: number;
  state: string;
  title: string;
  description: string | null;
  author: { username: string } | null;
  sha: string;
  updated_at: string;
  source_branch: string;
  target_branch: string;
  source_project_id: number;
  target_project_id: number;
  web_url: string;
}

interface RestStatus {
  id: number;
  status: string;
  name: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** GitLab's answer (404) to a status for a commit that no branch of the project contains. */
const NO_REF_FOR_COMMIT = /References for commit Not Found/i;

/** GitLab's access level of a Developer: the lowest that may push to a project's branches. */
const DEVELOPER_ACCESS = 30;

/**
 * GitLab has no `error` state: `error` is posted as `failed` with this prefix on the description, and read
 * back as `error` with the prefix removed, so the distinction survives the round trip.
 */
const ERROR_PREFIX = 'error';

/**
 * What GitLab answers (400) when a status is posted that its record cannot move to, e.g. the state it is
 * already in: "Cannot transition status via :enqueue from :pending", "… via :run from :running".
 */
const REFUSED_TRANSITION = /Cannot transition status via :\w+ from :(\w+)/;

/**
 * The forge on GitLab's REST API (v4) through @gitbeaker/rest: a project is a repository, a merge request a
 * pull request, a commit status a job of GitLab's external pipeline for the commit.
 */
export class GitLabForge implements Forge {
  readonly kind = 'gitlab' as const;
  readonly #token: string;
  readonly #logger: Logger | undefined;
  readonly #projects: Projects;
  readonly #mergeRequests: MergeRequests;
  readonly #notes: MergeRequestNotes;
  readonly #files: RepositoryFiles;
  readonly #commits: Commits;
  readonly #issues: Issues;
  readonly #branches: Branches;
  readonly #openMergeRequests = new Map<string, OpenMergeRequests>();
  /** Clone URLs of the projects merge requests come from, by project id; forgotten at each full listing. */
  readonly #cloneUrls = new Map<number, Promise<string>>();
  readonly #fullListingEveryMs: number;
  readonly #listingEntries: number;
  readonly #users: Users;
  readonly #members: ProjectMembers;

  constructor(options: GitLabForgeOptions) {
    this.#token = options.token;
    this.#logger = options.logger;
    this.#fullListingEveryMs = options.fullMergeRequestListingEveryMs ?? 3_600_000;
    this.#listingEntries = options.mergeRequestListingEntries ?? 256;
    const config = {
      host: options.host ?? 'https://gitlab.com',
      token: options.token,
      requesterFn: retryingRequester({
        retries: options.retries ?? 2,
        maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 120,
        secondMs: options.retryDelayUnitMs ?? 1000,
        logger: options.logger,
      }),
    };
    this.#projects = new Projects(config);
    this.#mergeRequests = new MergeRequests(config);
    this.#notes = new MergeRequestNotes(config);
    this.#files = new RepositoryFiles(config);
    this.#commits = new Commits(config);
    this.#issues = new Issues(config);
    this.#branches = new Branches(config);
    this.#users = new Users(config);
    this.#members = new ProjectMembers(config);
  }

  async getRepository(repo: RepositoryId): Promise<Repository> {
    const project = await this.#project(projectId(repo));
    const slash = project.path_with_namespace.lastIndexOf('/');
    return {
      owner: project.path_with_namespace.slice(0, slash),
      name: project.path,
      // Null until the first push; `main` is GitLab's default for new projects.
      defaultBranch: project.default_branch ?? 'main',
      cloneUrl: project.http_url_to_repo,
      htmlUrl: project.web_url,
    };
  }

  async getPullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    const mr = await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}`, () =>
      this.#mergeRequests.show(projectId(repo), number),
    );
    return (await this.#toPullRequests([mr as unknown as RestMergeRequest]))[0]!;
  }

  /**
   * GitLab's REST API has no conditional requests (it sends no ETag for a list, and a repeated request costs
   * its full price), so a scan is kept cheap another way: after one full listing, each listing asks only for
   * the merge requests updated since (in any state, so that closed and merged ones leave), usually an empty
   * page, and applies them to what it remembers.
   */
  async listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]> {
    const key = projectPath(repo);
    const known = this.#openMergeRequests.get(key);
    this.#openMergeRequests.delete(key);
    const now = Date.now();
    let listing: OpenMergeRequests;
    if (!known || known.newest === null || now - known.fullListingAt >= this.#fullListingEveryMs) {
      // A project renamed meanwhile has a new clone URL.
      this.#cloneUrls.clear();
      const mrs = (await this.#call(`GET ${key}/merge_requests?state=opened`, () =>
        this.#mergeRequests.all({ projectId: projectId(repo), state: 'opened', perPage: 100 }),
      )) as unknown as RestMergeRequest[];
      const pulls = await this.#toPullRequests(mrs);
      listing = {
        byNumber: new Map(pulls.map((p) => [p.number, p])),
        newest: newestUpdate(mrs, null),
        fullListingAt: now,
      };
    } else {
      const since = new Date(known.newest - UPDATED_AFTER_OVERLAP_MS).toISOString();
      const mrs = (await this.#call(`GET ${key}/merge_requests?updated_after=${since}`, () =>
        this.#mergeRequests.all({ projectId: projectId(repo), updatedAfter: since, perPage: 100 }),
      )) as unknown as RestMergeRequest[];
      const byNumber = new Map(known.byNumber);
      const opened = mrs.filter((mr) => mr.state === 'opened');
      for (const mr of mrs) if (mr.state !== 'opened') byNumber.delete(mr.iid);
      for (const pull of await this.#toPullRequests(opened)) byNumber.set(pull.number, pull);
      listing = { byNumber, newest: newestUpdate(mrs, known.newest), fullListingAt: known.fullListingAt };
    }
    this.#openMergeRequests.set(key, listing);
    if (this.#openMergeRequests.size > this.#listingEntries)
      this.#openMergeRequests.delete(this.#openMergeRequests.keys().next().value!);
    // Newest first, as GitLab lists them.
    return [...listing.byNumber.values()].sort((a, b) => b.number - a.number);
  }

  async listBranches(repo: RepositoryId): Promise<Branch[]> {
    const branches = await this.#call(`GET ${projectPath(repo)}/repository/branches`, () =>
      this.#branches.all(projectId(repo), { perPage: 100 }),
    );
    return (branches as unknown as { name: string; commit: { id: string } }[]).map((b) => ({
      name: b.name,
      sha: b.commit.id,
    }));
  }

  async createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest> {
    const mr = await this.#call(`POST ${projectPath(repo)}/merge_requests`, () =>
      this.#mergeRequests.create(projectId(repo), pr.head, pr.base, pr.title, {
        ...(pr.body !== undefined ? { description: pr.body } : {}),
      }),
    );
    return (await this.#toPullRequests([mr as unknown as RestMergeRequest]))[0]!;
  }

  async findOpenPullRequest(repo: RepositoryId, head: string): Promise<PullRequest | null> {
    const mrs = await this.#call(
      `GET ${projectPath(repo)}/merge_requests?state=opened&source_branch=${head}`,
      () =>
        this.#mergeRequests.all({
          projectId: projectId(repo),
          state: 'opened',
          sourceBranch: head,
          perPage: 100,
        }),
    );
    // A fork's merge request into this project can have a source branch of the same name: not ours.
    const own = await this.#project(projectId(repo));
    const mr = (mrs as unknown as RestMergeRequest[]).find(
      (m) => m.source_branch === head && m.source_project_id === own.id,
    );
    return mr ? (await this.#toPullRequests([mr]))[0]! : null;
  }

  async updatePullRequest(
    repo: RepositoryId,
    number: number,
    update: PullRequestUpdate,
  ): Promise<PullRequest> {
    return this.#editMergeRequest(repo, number, {
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { description: update.body } : {}),
    });
  }

  async closePullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    const current = await this.getPullRequest(repo, number);
    // GitLab refuses to close a closed or merged merge request; that is already what was asked for.
    if (current.state === 'closed') return current;
    return this.#editMergeRequest(repo, number, { stateEvent: 'close' });
  }

  async #editMergeRequest(
    repo: RepositoryId,
    number: number,
    fields: { title?: string; description?: string; stateEvent?: 'close' },
  ): Promise<PullRequest> {
    const mr = await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () =>
      this.#mergeRequests.edit(projectId(repo), number, fields),
    );
    return (await this.#toPullRequests([mr as unknown as RestMergeRequest]))[0]!;
  }

  async getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null> {
    const what = `GET ${projectPath(repo)}/repository/files/${path}/raw?ref=${ref}`;
    try {
      const body = await this.#files.showRaw(projectId(repo), path, ref);
      // GitLab serves text blobs as text/plain (a string here) and others as application/octet-stream (a Blob).
      return typeof body === 'string' ? body : await body.text();
    } catch (error) {
      const failure = toForgeError(error, what);
      // A missing file or ref is an answer; a missing project is not.
      if (failure.status === 404 && !/Project Not Found/i.test(failure.message)) return null;
      throw failure;
    }
  }

  /**
   * GitLab keeps one status record per name while it is pending or running and moves it through its job
   * states; it refuses (400) a transition to the state the record is in, and then saves nothing, neither
   * state nor description. So a `pending` posted while the record is pending goes on as `running` (read
   * back as `pending`), which keeps the new description and link ("In progress", the log URL); one posted
   * while it is running is already what was asked for, and succeeds without changing the description.
   */
  async setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void> {
    const description =
      status.state === 'error'
        ? status.description
          ? `${ERROR_PREFIX}: ${status.description}`
          : ERROR_PREFIX
        : status.description;
    let ref: string | undefined;
    const post = (state: CommitablePipelineStatus) =>
      this.#call(`POST ${projectPath(repo)}/statuses/${sha}`, () =>
        this.#commits.editStatus(projectId(repo), sha, state, {
          name: status.context,
          ...(ref !== undefined ? { ref } : {}),
          ...(description !== undefined ? { description: truncateDescription(description) } : {}),
          ...(status.targetUrl !== undefined ? { targetUrl: status.targetUrl } : {}),
        }),
      );
    let state = toGitLabState(status.state);
    for (;;) {
      try {
        await post(state);
        return;
      } catch (error) {
        // A fork's merge request head is on no branch of this project: GitLab finds no ref for it by itself,
        // so the status goes on the merge request's ref.
        if (ref === undefined && error instanceof ForgeError && NO_REF_FOR_COMMIT.test(error.message)) {
          ref = await this.#mergeRequestRefOf(repo, sha);
          if (ref !== undefined) continue;
        }
        const current = error instanceof ForgeError ? refusedFrom(error) : null;
        if (current === null) throw error;
        if (state === 'pending' && current === 'pending') {
          state = 'running';
          continue;
        }
        if (toCommitState(current) !== status.state) throw error;
        this.#logger?.debug(
          { context: status.context, sha, state: current },
          'GitLab commit status already in the state asked for',
        );
        return;
      }
    }
  }

  /** `refs/merge-requests/<iid>/head` of an open merge request whose head is `sha`, if any. */
  async #mergeRequestRefOf(repo: RepositoryId, sha: string): Promise<string | undefined> {
    const mrs = (await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/merge_requests`, () =>
      this.#commits.allMergeRequests(projectId(repo), sha),
    )) as unknown as RestMergeRequest[];
    const mr = mrs.find((m) => m.sha === sha && m.state === 'opened') ?? mrs[0];
    return mr ? `refs/merge-requests/${mr.iid}/head` : undefined;
  }

  async listCommitStatuses(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    // Without `all`, GitLab lists the latest status per name in each pipeline; a commit on several refs can
    // have several pipelines, so keep the newest (highest id) per name.
    const statuses = await this.#statuses(repo, sha, false);
    const newest = new Map<string, RestStatus>();
    for (const s of statuses) {
      const seen = newest.get(s.name);
      if (!seen || seen.id < s.id) newest.set(s.name, s);
    }
    return [...newest.values()].sort((a, b) => a.id - b.id).map(toStatus);
  }

  /**
   * Every status record GitLab kept, oldest first. GitLab updates a pending or running status of the same
   * name in place, so a `pending` followed by `success` is one record (now `success`), not two.
   */
  async listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    const statuses = await this.#statuses(repo, sha, true);
    return [...statuses].sort((a, b) => a.id - b.id).map(toStatus);
  }

  /** Comments on the merge request with this iid (GitLab numbers issues and merge requests separately). */
  async createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void> {
    await this.#call(`POST ${projectPath(repo)}/merge_requests/${number}/notes`, () =>
      this.#notes.create(projectId(repo), number, body),
    );
  }

  async listIssueComments(repo: RepositoryId, number: number): Promise<IssueComment[]> {
    const notes = await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}/notes`, () =>
      this.#notes.all(projectId(repo), number, { orderBy: 'created_at', sort: 'asc', perPage: 100 }),
    );
    // System notes ("added 1 commit", "changed the description") are GitLab's, not comments.
    return notes
      .filter((n) => !n.system)
      .map((n) => ({ author: String(n.author?.username ?? ''), body: String(n.body ?? '') }));
  }

  /** GitLab ignores a label the merge request does not have (and says 200). */
  async removePullRequestLabel(repo: RepositoryId, number: number, label: string): Promise<void> {
    await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () =>
      this.#mergeRequests.edit(projectId(repo), number, { removeLabels: label }),
    );
  }

  /** Developer (30) or above on the project, memberships inherited from its groups included. */
  async hasWriteAccess(repo: RepositoryId, login: string): Promise<boolean> {
    const users = (await this.#call(`GET /users?username=${encodeURIComponent(login)}`, () =>
      this.#users.all({ username: login }),
    )) as unknown as { id: number; username: string }[];
    const user = users.find((u) => u.username.toLowerCase() === login.toLowerCase());
    if (!user) return false;
    try {
      const member = (await this.#call(`GET ${projectPath(repo)}/members/all/${user.id}`, () =>
        this.#members.show(projectId(repo), user.id, { includeInherited: true }),
      )) as unknown as { access_level: number };
      return member.access_level >= DEVELOPER_ACCESS;
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return false;
      throw error;
    }
  }

  async findOpenIssue(repo: RepositoryId, title: string): Promise<Issue | null> {
    // GitLab's search matches substrings; only the exact title counts.
    const issues = await this.#call(`GET ${projectPath(repo)}/issues?state=opened`, () =>
      this.#issues.all({
        projectId: projectId(repo),
        state: 'opened',
        search: title,
        in: 'title',
        perPage: 100,
      }),
    );
    const matches = (issues as unknown as RestIssue[])
      .filter((i) => i.title === title)
      .sort((a, b) => a.iid - b.iid);
    return matches[0] ? toIssue(matches[0]) : null;
  }

  async createIssue(repo: RepositoryId, issue: NewIssue): Promise<Issue> {
    const created = await this.#call(`POST ${projectPath(repo)}/issues`, () =>
      this.#issues.create(projectId(repo), issue.title, {
        description: issue.body,
        ...(issue.labels?.length ? { labels: issue.labels.join(',') } : {}),
      }),
    );
    return toIssue(created as unknown as RestIssue);
  }

  async updateIssue(repo: RepositoryId, number: number, update: IssueUpdate): Promise<Issue> {
    return this.#editIssue(repo, number, {
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { description: update.body } : {}),
    });
  }

  async closeIssue(repo: RepositoryId, number: number): Promise<Issue> {
    return this.#editIssue(repo, number, { stateEvent: 'close' });
  }

  async #editIssue(
    repo: RepositoryId,
    number: number,
    fields: { title?: string; description?: string; stateEvent?: 'close' },
  ): Promise<Issue> {
    const edited = await this.#call(`PUT ${projectPath(repo)}/issues/${number}`, () =>
      this.#issues.edit(projectId(repo), number, fields),
    );
    return toIssue(edited as unknown as RestIssue);
  }

  gitCredentials(): { username: string; password: string } {
    return { username: 'oauth2', password: this.#token };
  }

  async #statuses(repo: RepositoryId, sha: string, all: boolean): Promise<RestStatus[]> {
    // GitLab paginates this list (per_page up to 100); gitbeaker follows the Link header's next page.
    // Its typings omit the pagination and ordering parameters the endpoint takes.
    const query = { all, orderBy: 'id', sort: 'asc', perPage: 100 };
    const statuses = await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/statuses`, () =>
      this.#commits.allStatuses(projectId(repo), sha, query),
    );
    return statuses as unknown as RestStatus[];
  }

  async #project(id: string | number): Promise<RestProject> {
    const project = await this.#call(`GET /projects/${encodeURIComponent(id)}`, () =>
      this.#projects.show(id),
    );
    return project as unknown as RestProject;
  }

  /** Merge requests from forks live in another project: their clone URL is that project's. */
  async #toPullRequests(mrs: RestMergeRequest[]): Promise<PullRequest[]> {
    const cloneUrl = (id: number) => {
      let url = this.#cloneUrls.get(id);
      if (!url) {
        url = this.#project(id).then((p) => p.http_url_to_repo);
        // A failed lookup is asked again next time.
        url.catch(() => this.#cloneUrls.delete(id));
        if (this.#cloneUrls.size >= 1024) this.#cloneUrls.clear();
        this.#cloneUrls.set(id, url);
      }
      return url;
    };
    return Promise.all(
      mrs.map(async (mr) => ({
        number: mr.iid,
        state: mr.state === 'opened' ? ('open' as const) : ('closed' as const),
        title: mr.title,
        body: mr.description ?? '',
        author: mr.author?.username ?? 'ghost',
        headSha: mr.sha,
        headRef: mr.source_branch,
        baseRef: mr.target_branch,
        htmlUrl: mr.web_url,
        headCloneUrl: await cloneUrl(mr.source_project_id),
      })),
    );
  }

  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toForgeError(error, what);
    }
  }
}

interface RestIssue {
  iid: number;
  state: string;
  title: string;
  description: string | null;
  labels: string[];
  web_url: string;
}

function toIssue(issue: RestIssue): Issue {
  return {
    number: issue.iid,
    state: issue.state === 'opened' ? 'open' : 'closed',
    title: issue.title,
    body: issue.description ?? '',
    labels: [...issue.labels],
    htmlUrl: issue.web_url,
  };
}

/** GitLab addresses a project by its id or its URL-encoded full path; gitbeaker does the encoding. */
function projectId(repo: RepositoryId): string {
  return `${repo.owner}/${repo.name}`;
}

function projectPath(repo: RepositoryId): string {
  return `/projects/${encodeURIComponent(projectId(repo))}`;
}

function toGitLabState(state: CommitState): CommitablePipelineStatus {
  switch (state) {
    case 'pending':
      return 'pending';
    case 'success':
      return 'success';
    case 'failure':
    case 'error':
      return 'failed';
  }
}

/** The state of a GitLab job status in this interface's terms (`failed` is `failure` here; see toStatus). */
function toCommitState(status: string): CommitState {
  switch (status) {
    case 'success':
      return 'success';
    case 'failed':
      return 'failure';
    // Did not run to an outcome: neither a pass nor a test failure.
    case 'canceled':
    case 'skipped':
      return 'error';
    // created, pending, running, waiting_for_resource, preparing, scheduled, manual.
    default:
      return 'pending';
  }
}

function toStatus(s: RestStatus): CommitStatus {
  let state = toCommitState(s.status);
  let description = s.description;
  if (state === 'failure' && (description === ERROR_PREFIX || description?.startsWith(`${ERROR_PREFIX}: `))) {
    state = 'error';
    description = description.slice(ERROR_PREFIX.length + 2) || null;
  }
  return {
    state,
    context: s.name,
    ...(description ? { description } : {}),
    ...(s.target_url ? { targetUrl: s.target_url } : {}),
    // A record changes state in place; report when it reached the state it is in.
    createdAt: s.finished_at ?? s.started_at ?? s.created_at,
  };
}

/** The state GitLab's status record is in when it refused a transition, or null for any other failure. */
function refusedFrom(error: ForgeError): string | null {
  return error.status === 400 ? (REFUSED_TRANSITION.exec(error.message)?.[1] ?? null) : null;
}

/**
 * gitbeaker's request error carries the response (and the request, with the token in its headers: only the
 * status and GitLab's message are kept). A network failure or timeout has no status (0: worth retrying).
 */
function toForgeError(error: unknown, what: string): ForgeError {
  if (error instanceof ForgeError) return error;
  if (error instanceof GitbeakerRequestError) {
    const response = (error.cause as { response?: Response } | undefined)?.response;
    const status = response?.status ?? 0;
    const retryAfter = response?.headers.get('retry-after');
    const after = retryAfter ? ` (retry after ${retryAfter}${/^\d+$/.test(retryAfter) ? ' s' : ''})` : '';
    return new ForgeError(`${what}: ${status || 'network error'} ${error.message.trim()}${after}`, status);
  }
  return new ForgeError(`${what}: network error ${(error as Error).message}`, 0);
}

/** The newest `updated_at` among `mrs` and `since` (epoch ms). */
function newestUpdate(mrs: RestMergeRequest[], since: number | null): number | null {
  return mrs.reduce<number | null>((newest, mr) => {
    const at = Date.parse(mr.updated_at);
    return Number.isNaN(at) || (newest !== null && newest >= at) ? newest : at;
  }, since);
}
