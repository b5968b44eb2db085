import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { BareRepository } from '../github/bare-repository.ts';
import { serveGitHttp } from '../github/git-http-backend.ts';
import { GitCommits, type CommitInfo } from './git-commits.ts';
import { GitLabIssuesApi, splitLabels } from './issues-api.ts';
import { routeBranches } from './branches-api.ts';
import { GitLabReleasesApi } from './releases-api.ts';
import { GitLabJobsApi, type CiJobOptions, type EmulatedCiJob } from './jobs-api.ts';
import {
  GitLabWebhookSender,
  type GitLabDeliveryRecord,
  type GitLabHookConfig,
  type GitLabHookEvent,
} from './gitlab-webhook-sender.ts';
import { GitLabApiError, readParams, sendJson, sendPage } from './gitlab-http.ts';
import { RateLimitFaults, type RateLimitFault } from '../rate-limit-fault.ts';
import { RequestCounter, type RequestCounts } from '../request-counts.ts';
import { matchGitLabRoute } from './routes.ts';

export type { EndpointCount, RequestCounts } from '../request-counts.ts';
export { GITLAB_ROUTES, type GitLabRoute } from './routes.ts';

export interface GitLabEmulatorOptions {
  /** Bare repositories live here, one folder per namespace. */
  dataDir: string;
  /** Access tokens it accepts (PRIVATE-TOKEN or Bearer), and as git push passwords. */
  tokens: string[];
  /** Tokens of a Reporter: they read the API and are refused (403) on release and package writes. */
  reporterTokens?: string[];
  host?: string;
  port?: number;
  logger?: Logger;
  /** The username the tokens belong to: author of merge requests, statuses and notes. */
  username?: string;
}

type JobStatus =
  'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'scheduled';

interface EmulatedProject {
  id: number;
  /** Namespace full path, e.g. `acme` or `acme/tools`. */
  namespace: string;
  path: string;
  defaultBranch: string;
  createdAt: string;
  git: BareRepository;
  commits: GitCommits;
  hooks: GitLabHookConfig[];
  mergeRequests: EmulatedMergeRequest[];
  /** External pipelines: GitLab files every commit status under one, per commit and ref. */
  pipelines: { id: number; sha: string; ref: string }[];
  statuses: EmulatedStatus[];
  /** merge request iid → notes. */
  notes: Map<number, EmulatedNote[]>;
  /** username (lower case) → access level (30 Developer, 40 Maintainer …); the tokens' user is an owner. */
  members: Map<string, number>;
  /** The project's labels by title, created when first put on a merge request. */
  labels: Map<string, { id: number; createdAt: string }>;
}

interface EmulatedUser {
  id: number;
  username: string;
  name: string;
}

interface EmulatedMergeRequest {
  id: number;
  iid: number;
  state: 'opened' | 'closed';
  title: string;
  description: string | null;
  sourceBranch: string;
  targetBranch: string;
  sha: string;
  /** Who opened it (default: the tokens' user). */
  author: EmulatedUser;
  /** The project the source branch lives in: this one, or a fork of it. */
  sourceProjectId: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Label titles, in the order they were added. */
  labels: string[];
}

interface EmulatedStatus {
  id: number;
  pipelineId: number;
  sha: string;
  ref: string;
  name: string;
  status: JobStatus;
  description: string | null;
  targetUrl: string | null;
  coverage: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Replaced by a newer status of the same name: listed only with `all=true`. */
  retried: boolean;
}

interface EmulatedNote {
  id: number;
  body: string;
  author: EmulatedUser;
  createdAt: string;
}

const notFound = (what: string) => new GitLabApiError(404, { message: `404 ${what} Not Found` });
const missing = (...params: string[]) =>
  new GitLabApiError(400, { error: params.map((p) => `${p} is missing`).join(', ') });
const invalid = (param: string) => new GitLabApiError(400, { error: `${param} does not have a valid value` });

/**
 * The commit status state machine of GitLab's jobs (CommitStatus): which states each event leaves from.
 * A posted state is an event on the pending or running status of that name, or on a new one (`created`).
 */
const TRANSITIONS: Record<string, { from: JobStatus[]; to: JobStatus }> = {
  enqueue: { from: ['created', 'skipped', 'manual', 'scheduled'], to: 'pending' },
  run: { from: ['pending'], to: 'running' },
  success: { from: ['created', 'pending', 'running'], to: 'success' },
  drop: { from: ['created', 'pending', 'running', 'manual', 'scheduled'], to: 'failed' },
  cancel: { from: ['created', 'pending', 'running', 'manual', 'scheduled'], to: 'canceled' },
  skip: { from: ['created', 'pending'], to: 'skipped' },
};

/** The events each posted state fires, in order; a `?` event may fail without refusing the request. */
const STATE_EVENTS: Record<string, string[]> = {
  pending: ['enqueue'],
  running: ['enqueue?', 'run'],
  success: ['success'],
  failed: ['drop'],
  canceled: ['cancel'],
  skipped: ['skip'],
};

const FINISHED: JobStatus[] = ['success', 'failed', 'canceled', 'skipped'];

/**
 * A GitLab for offline runs and tests: a real HTTP server with the /api/v4 subset ironbots uses, real git
 * repositories (clone, fetch and push over smart HTTP), and project webhooks as GitLab sends them, in
 * GitLab's JSON shapes. Commit statuses follow GitLab's job state machine: a status posted for a name that
 * is pending or running updates it in place, and posting the state it already has is refused with a 400.
 * Pushing to a merge request's source branch sends a Merge Request Hook with action `update`.
 */
export class GitLabEmulator {
  readonly #options: GitLabEmulatorOptions;
  readonly #server: http.Server;
  readonly #projects = new Map<string, EmulatedProject>();
  readonly #webhooks: GitLabWebhookSender;
  readonly #releases = new GitLabReleasesApi({
    nextId: () => this.#nextId++,
    author: () => this.#userJson(),
  });
  readonly #issues = new GitLabIssuesApi({
    nextId: () => this.#nextId++,
    author: () => this.#userJson(),
  });
  readonly #jobs = new GitLabJobsApi({ nextId: () => this.#nextId++, serverUrl: () => this.#url });
  readonly #user: EmulatedUser;
  /** Every user by username (lower case), the tokens' own included. */
  readonly #users = new Map<string, EmulatedUser>();
  #url = '';
  #nextId = 1;
  /** Work triggered by a request that outlives its response (post-push processing). */
  readonly #background = new Set<Promise<void>>();
  readonly #rateLimits = new RateLimitFaults();
  readonly #requests = new RequestCounter();

  private constructor(options: GitLabEmulatorOptions) {
    this.#options = options;
    const username = options.username ?? 'developer';
    this.#user = { id: this.#nextId++, username, name: username };
    this.#users.set(username.toLowerCase(), this.#user);
    this.#webhooks = new GitLabWebhookSender(() => this.#url, options.logger);
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (error instanceof GitLabApiError) return sendJson(res, error.status, error.body);
        options.logger?.error({ err: error, url: req.url }, 'emulator request failed');
        if (!res.headersSent) sendJson(res, 500, { message: '500 Internal Server Error' });
        else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 2_000;
  }

  static async start(options: GitLabEmulatorOptions): Promise<GitLabEmulator> {
    const emulator = new GitLabEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = emulator.#server.address() as AddressInfo;
    emulator.#url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
    return emulator;
  }

  /** The GitLab host (gitbeaker's `host`; the API is under /api/v4); git remotes are `${url}/owner/name.git`. */
  get url(): string {
    return this.#url;
  }

  /**
   * Refuses the next API requests (git over HTTP is not limited) as GitLab's rate limiter does: 429,
   * "Retry later", RateLimit-* headers, and Retry-After when given.
   */
  rateLimit(fault: Omit<RateLimitFault, 'status'> = {}): void {
    this.#rateLimits.add({ ...fault, status: 429 });
  }

  /** How many API requests a rate limit refused so far. */
  get rateLimitedRequests(): number {
    return this.#rateLimits.refused;
  }

  async stop(): Promise<void> {
    await this.idle();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    for (const project of this.#projects.values()) project.git.close();
  }

  /** Creates an empty public project (anyone may clone, pushing needs a token). `owner` may be a subgroup path. */
  async createProject(owner: string, name: string, options: { defaultBranch?: string } = {}): Promise<void> {
    const segment = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
    if (!owner.split('/').every((s) => segment.test(s)) || !segment.test(name) || name.endsWith('.git')) {
      throw new Error(`invalid project path ${owner}/${name}`);
    }
    const key = `${owner}/${name}`.toLowerCase();
    if (this.#projects.has(key)) throw new Error(`project ${owner}/${name} exists`);
    const dir = path.join(this.#options.dataDir, owner, `${name}.git`);
    const git = new BareRepository(dir);
    const defaultBranch = options.defaultBranch ?? 'main';
    await git.create(defaultBranch);
    this.#projects.set(key, {
      id: this.#nextId++,
      namespace: owner,
      path: name,
      defaultBranch,
      createdAt: now(),
      git,
      commits: new GitCommits(dir),
      hooks: [],
      mergeRequests: [],
      pipelines: [],
      statuses: [],
      notes: new Map(),
      members: new Map(),
      labels: new Map(),
    });
  }

  /** A user (created on first mention), as an administrator adds one. */
  user(username: string): EmulatedUser {
    const key = username.toLowerCase();
    let user = this.#users.get(key);
    if (!user) {
      user = { id: this.#nextId++, username, name: username };
      this.#users.set(key, user);
    }
    return user;
  }

  /** Makes `username` a member of the project with this access level (30 Developer, 40 Maintainer …). */
  addMember(fullPath: string, username: string, accessLevel: number): void {
    this.user(username);
    this.#projectByPath(fullPath).members.set(username.toLowerCase(), accessLevel);
  }

  /** Forks a project into `namespace` (same name): every branch. */
  async forkProject(fullPath: string, namespace: string): Promise<void> {
    const parent = this.#projectByPath(fullPath);
    await this.createProject(namespace, parent.path, { defaultBranch: parent.defaultBranch });
    const fork = this.#projectByPath(`${namespace}/${parent.path}`);
    await fork.git.fetchFrom(parent.git.dir, ['+refs/heads/*:refs/heads/*']);
  }

  /**
   * Opens a merge request as `author` from a branch of the project or, with `sourceProject`, of a fork of
   * it; sends the Merge Request Hook (`open`).
   */
  async openMergeRequest(
    fullPath: string,
    mr: {
      title: string;
      sourceBranch: string;
      targetBranch: string;
      description?: string;
      author?: string;
      sourceProject?: string;
    },
  ): Promise<{ iid: number }> {
    const project = this.#projectByPath(fullPath);
    const source = mr.sourceProject ? this.#projectByPath(mr.sourceProject) : project;
    const sha = (await source.git.branches()).get(mr.sourceBranch);
    if (!sha) throw new Error(`no branch ${mr.sourceBranch} in ${mr.sourceProject ?? fullPath}`);
    const created = await this.#addMergeRequest(project, {
      title: mr.title,
      description: mr.description ?? null,
      sourceBranch: mr.sourceBranch,
      targetBranch: mr.targetBranch,
      sha,
      author: mr.author ? this.user(mr.author) : this.#user,
      source,
    });
    return { iid: created.iid };
  }

  /** `user` edits the merge request's description: an `update` Merge Request Hook by that user, if it changed. */
  async editMergeRequestDescription(fullPath: string, iid: number, description: string, user: string) {
    const project = this.#projectByPath(fullPath);
    const mr = project.mergeRequests.find((m) => m.iid === iid);
    if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
    if (mr.description === description) return;
    const changes = { description: { previous: mr.description, current: description } };
    mr.description = description;
    mr.updatedAt = now();
    const hook = await this.#mergeRequestHook(project, mr, 'update', { changes, user: this.user(user) });
    this.#emit(project, 'merge_request', hook);
  }

  /** A note by `user` on the merge request, with its Note Hook. */
  noteOnMergeRequest(fullPath: string, iid: number, note: { user: string; body: string }): void {
    const project = this.#projectByPath(fullPath);
    const mr = project.mergeRequests.find((m) => m.iid === iid);
    if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
    this.#addNote(project, mr, this.user(note.user), note.body);
  }

  /** Every note on the merge request, oldest first. */
  notes(fullPath: string, iid: number): { user: string; body: string }[] {
    return (this.#projectByPath(fullPath).notes.get(iid) ?? []).map((n) => ({
      user: n.author.username,
      body: n.body,
    }));
  }

  /**
   * `user` adds and removes labels of the merge request, as in GitLab's web interface: a Merge Request Hook
   * `update` whose `user` is them and whose `changes.labels` has the labels before and after.
   */
  async labelMergeRequest(
    fullPath: string,
    iid: number,
    change: { user: string; add?: string[]; remove?: string[] },
  ): Promise<void> {
    const project = this.#projectByPath(fullPath);
    const mr = project.mergeRequests.find((m) => m.iid === iid);
    if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
    const hook = await this.#changeMergeRequest(project, mr, this.user(change.user), {
      add_labels: (change.add ?? []).join(','),
      remove_labels: (change.remove ?? []).join(','),
    });
    if (hook) this.#emit(project, 'merge_request', hook);
  }

  /** The merge request's labels now. */
  mergeRequestLabels(fullPath: string, iid: number): string[] {
    const mr = this.#projectByPath(fullPath).mergeRequests.find((m) => m.iid === iid);
    if (!mr) throw new Error(`no merge request !${iid} in ${fullPath}`);
    return [...mr.labels];
  }

  /** A project webhook; `token` is GitLab's secret token, sent back as X-Gitlab-Token. */
  addWebhook(
    owner: string,
    name: string,
    hook: { url: string; token: string; events: GitLabHookEvent[] },
  ): GitLabHookConfig {
    const project = this.#projectByPath(`${owner}/${name}`);
    const config = {
      id: this.#nextId++,
      uuid: randomUUID(),
      url: hook.url,
      token: hook.token,
      events: [...hook.events],
    };
    project.hooks.push(config);
    return config;
  }

  /** The REST requests answered so far (git over HTTP and the runner-facing jobs API excluded). */
  requestCounts(): RequestCounts {
    return this.#requests.snapshot();
  }

  resetRequestCounts(): void {
    this.#requests.reset();
  }

  deliveries(): GitLabDeliveryRecord[] {
    return [...this.#webhooks.records];
  }

  /**
   * Loses this share (0–1) of the webhook deliveries from now on, evenly and deterministically; a lost one
   * is recorded with `lost: true` and never sent (a resend of it is).
   */
  loseWebhookDeliveries(share: number): void {
    this.#webhooks.loseDeliveries(share);
  }

  /** Sends a delivery again with the same Idempotency-Key, like GitLab's "Resend request". */
  redeliver(idempotencyKey: string): void {
    this.#webhooks.redeliver(idempotencyKey);
  }

  /** Resolves when every webhook delivery triggered so far has been attempted. */
  async idle(): Promise<void> {
    while (this.#background.size) await Promise.all(this.#background);
    await this.#webhooks.idle();
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    if (!url.pathname.startsWith('/api/')) {
      const gitMatch = /^\/(.+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
      if (gitMatch) return this.#git(req, res, url, `${gitMatch[1]}/${gitMatch[2]}`, gitMatch[3]!);
      throw new GitLabApiError(404, { error: '404 Not Found' });
    }

    // The runner-facing jobs API authenticates with runner and job tokens of its own.
    const jobParts = url.pathname.split('/').filter(Boolean);
    if (this.#jobs.handles(jobParts)) return this.#jobs.handle(req, res, jobParts);
    this.#requests.count(req.method ?? 'GET', url.pathname);
    const canWrite = this.#authenticate(req);
    const limited = this.#rateLimits.take();
    if (limited) {
      req.resume();
      const retryAfter = Number(limited.headers['retry-after'] ?? 60);
      res.writeHead(limited.status, {
        'content-type': 'text/plain',
        'ratelimit-limit': '600',
        'ratelimit-observed': '601',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + retryAfter),
        ...limited.headers,
      });
      res.end('Retry later\n');
      return;
    }
    // Only the endpoints GITLAB_ROUTES names are served: the schema test checks each of them.
    const apiPath = url.pathname.startsWith('/api/v4/') ? url.pathname.slice('/api/v4'.length) : '';
    if (!matchGitLabRoute(req.method ?? 'GET', apiPath)) {
      req.resume();
      throw new GitLabApiError(404, { error: '404 Not Found' });
    }
    // Split before decoding: a project id or file path arrives URL-encoded, slashes included.
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 3 && parts[2] === 'users' && req.method === 'GET') {
      const wanted = url.searchParams.get('username')?.toLowerCase();
      const users = [...this.#users.values()].filter((u) => !wanted || u.username.toLowerCase() === wanted);
      return sendPage(
        res,
        url,
        users.map((u) => this.#userJson(u)),
      );
    }
    if (parts[0] !== 'api' || parts[1] !== 'v4' || parts[2] !== 'projects' || parts.length < 4)
      throw new GitLabApiError(404, { error: '404 Not Found' });
    const project = this.#projectById(parts[3]!);
    const rest = parts.slice(4);
    const method = req.method ?? 'GET';
    if (this.#issues.handles(rest))
      return this.#issues.handle(req, res, url, { id: project.id, webUrl: this.#webUrl(project) }, rest, {
        canWrite,
      });
    if (this.#releases.handles(rest))
      return this.#releases.handle(req, res, url, { ...project, webUrl: this.#webUrl(project) }, rest, {
        canWrite,
      });
    if (await routeBranches(res, url, method, { ...project, webUrl: this.#webUrl(project) }, rest)) return;
    const params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };

    if (rest.length === 0 && method === 'GET')
      return sendJson(res, 200, {
        ...this.#projectJson(project, (await project.git.branches()).size === 0),
        // GitLab adds the caller's access level (40 Maintainer, 20 Reporter) to a single project.
        permissions: {
          project_access: { access_level: canWrite ? 40 : 20, notification_level: 3 },
          group_access: null,
        },
      });
    if (rest[0] === 'members' && rest[1] === 'all' && rest.length === 3 && method === 'GET')
      return this.#member(res, project, rest[2]!);
    if (rest[0] === 'merge_requests') {
      if (rest.length === 1 && method === 'GET') return this.#listMergeRequests(res, url, project, params);
      if (rest.length === 1 && method === 'POST') return this.#createMergeRequest(res, project, params);
      const mr = project.mergeRequests.find((m) => String(m.iid) === rest[1]);
      if (!mr) throw new GitLabApiError(404, { message: '404 Not found' });
      if (rest.length === 2 && method === 'GET')
        return sendJson(res, 200, await this.#expandedMergeRequestJson(project, mr));
      if (rest.length === 2 && method === 'PUT') return this.#updateMergeRequest(res, project, mr, params);
      if (rest.length === 3 && rest[2] === 'notes') {
        if (method === 'GET')
          return sendPage(
            res,
            url,
            (project.notes.get(mr.iid) ?? []).map((n) => this.#noteJson(project, mr, n)),
          );
        if (method === 'POST') return this.#createNote(res, project, mr, params);
      }
    }
    if (rest[0] === 'repository' && rest[1] === 'files' && rest.length >= 3 && method === 'GET') {
      const raw = rest[rest.length - 1] === 'raw' && rest.length >= 4;
      const filePath = rest.slice(2, raw ? -1 : undefined).join('/');
      return this.#file(res, project, filePath, params, raw);
    }
    if (rest[0] === 'statuses' && rest.length === 2 && method === 'POST')
      return this.#createStatus(res, project, rest[1]!, params);
    if (
      rest[0] === 'repository' &&
      rest[1] === 'commits' &&
      rest[3] === 'merge_requests' &&
      rest.length === 4 &&
      method === 'GET'
    )
      return sendJson(
        res,
        200,
        project.mergeRequests.filter((m) => m.sha === rest[2]).map((m) => this.#mergeRequestJson(project, m)),
      );
    if (
      rest[0] === 'repository' &&
      rest[1] === 'commits' &&
      rest[3] === 'statuses' &&
      rest.length === 4 &&
      method === 'GET'
    )
      return this.#listStatuses(res, url, project, rest[2]!, params);
    throw new GitLabApiError(404, { error: '404 Not Found' });
  }

  // ---- CI jobs (the runner-facing jobs API) ----

  /** Registers a runner (as `gitlab-runner register` does): its id and the token it requests jobs with. */
  registerRunner(options: { tags: string[]; runUntagged?: boolean }): { id: number; token: string } {
    return this.#jobs.registerRunner(options);
  }

  /** Creates a pending CI job of a pipeline on `ref` (default: the default branch) for a runner to take. */
  async createCiJob(fullPath: string, options: CiJobOptions): Promise<EmulatedCiJob> {
    const project = this.#projectByPath(fullPath);
    const ref = options.ref ?? project.defaultBranch;
    const sha = await project.git.resolveCommit(ref);
    if (!sha) throw new Error(`${fullPath} has no ${ref} to run a job on`);
    return this.#jobs.createJob(
      {
        id: project.id,
        fullPath: `${project.namespace}/${project.path}`,
        name: project.path,
        namespace: project.namespace,
        defaultBranch: project.defaultBranch,
      },
      sha,
      ref,
      options,
    );
  }

  /** A CI job as it stands: its status, failure reason and trace. */
  ciJob(id: number): EmulatedCiJob | undefined {
    return this.#jobs.job(id);
  }

  /** Whether the caller may write (false for a reporter token). */
  #authenticate(req: IncomingMessage): boolean {
    const privateToken = req.headers['private-token'];
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = typeof privateToken === 'string' ? privateToken : bearer;
    if (token && this.#validToken(token)) return true;
    if (token && this.#options.reporterTokens?.includes(token)) return false;
    throw new GitLabApiError(401, { message: '401 Unauthorized' });
  }

  #validToken(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return this.#options.tokens.some((t) => {
      const want = Buffer.from(t);
      return want.length === given.length && timingSafeEqual(want, given);
    });
  }

  /** By numeric id, or by full path (`acme/widget`, URL-encoded on the wire). */
  #projectById(id: string): EmulatedProject {
    if (/^\d+$/.test(id)) {
      for (const project of this.#projects.values()) if (String(project.id) === id) return project;
      throw notFound('Project');
    }
    return this.#projectByPath(id);
  }

  #projectByPath(fullPath: string): EmulatedProject {
    const project = this.#projects.get(fullPath.toLowerCase());
    if (!project) throw notFound('Project');
    return project;
  }

  // ---- git over HTTP ----

  async #git(req: IncomingMessage, res: ServerResponse, url: URL, fullPath: string, rest: string) {
    const project = this.#projects.get(fullPath.toLowerCase());
    if (!project) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('The project you were looking for could not be found.\n');
      req.resume();
      return;
    }
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack';
    let remoteUser: string | undefined;
    if (pushing) {
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const [, password] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
      // GitLab takes any username with an access token as the password (`oauth2` by convention).
      if (!password || !this.#validToken(password)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitLab"', 'content-type': 'text/plain' });
        res.end('HTTP Basic: Access denied.\n');
        req.resume();
        return;
      }
      remoteUser = this.#user.username;
    }
    const before = rest === '/git-receive-pack' ? await project.git.branches() : null;
    const status = await serveGitHttp(req, res, {
      projectRoot: path.join(this.#options.dataDir, project.namespace),
      pathInfo: `/${project.path}.git${rest}`,
      query: url.search.slice(1),
      ...(remoteUser ? { remoteUser } : {}),
    });
    if (before && status === 200) {
      const work = this.#afterPush(project, before).finally(() => this.#background.delete(work));
      this.#background.add(work);
      await work;
    }
  }

  /** What GitLab does after a push: a Push Hook per branch, and `update` for merge requests whose source moved. */
  async #afterPush(project: EmulatedProject, before: Map<string, string>): Promise<void> {
    const after = await project.git.branches();
    const zero = '0'.repeat(40);
    for (const [branch, sha] of after) {
      const previous = before.get(branch);
      if (previous === sha) continue;
      const others = [...after].filter(([name]) => name !== branch).map(([, id]) => id);
      const ids = await project.commits.newCommits(sha, previous ? [previous] : others);
      const commits = await project.commits.describe(ids.slice(-20));
      this.#emit(
        project,
        'push',
        this.#pushPayload(project, branch, previous ?? zero, sha, commits, ids.length),
      );
      // Like GitLab's post-receive, this runs after git has answered the push: a merge request opened in the
      // meantime may already be at this commit.
      // Merge requests from this branch: into this project, or (a fork) into the project it was forked from.
      for (const target of this.#projects.values()) {
        const moved = target.mergeRequests.filter(
          (m) =>
            m.state === 'opened' &&
            m.sourceProjectId === project.id &&
            m.sourceBranch === branch &&
            m.sha !== sha,
        );
        for (const mr of moved) {
          const oldrev = mr.sha;
          mr.sha = sha;
          mr.updatedAt = now();
          if (target !== project)
            await target.git.fetchFrom(project.git.dir, [`+${sha}:refs/merge-requests/${mr.iid}/head`]);
          await target.git.updateRef(`refs/merge-requests/${mr.iid}/head`, sha);
          this.#emit(target, 'merge_request', await this.#mergeRequestHook(target, mr, 'update', { oldrev }));
        }
      }
    }
    for (const [branch, sha] of before) {
      if (!after.has(branch))
        this.#emit(project, 'push', this.#pushPayload(project, branch, sha, zero, [], 0));
    }
  }

  // ---- merge requests ----

  #listMergeRequests(
    res: ServerResponse,
    url: URL,
    project: EmulatedProject,
    params: Record<string, string>,
  ): void {
    const state = params.state ?? 'all';
    if (!['opened', 'closed', 'merged', 'locked', 'all'].includes(state)) throw invalid('state');
    const orderBy = params.order_by ?? 'created_at';
    if (!['created_at', 'updated_at'].includes(orderBy)) throw invalid('order_by');
    const key = orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
    const direction = params.sort === 'asc' ? 1 : -1;
    const updatedAfter = timeParam(params, 'updated_after');
    const updatedBefore = timeParam(params, 'updated_before');
    const mrs = project.mergeRequests
      .filter((m) => state === 'all' || m.state === state)
      .filter((m) => !params.source_branch || m.sourceBranch === params.source_branch)
      // GitLab's bounds are inclusive: updated on or after, on or before.
      .filter((m) => updatedAfter === null || Date.parse(m.updatedAt) >= updatedAfter)
      .filter((m) => updatedBefore === null || Date.parse(m.updatedAt) <= updatedBefore)
      .sort((a, b) => direction * (a[key].localeCompare(b[key]) || a.id - b.id));
    sendPage(
      res,
      url,
      mrs.map((m) => this.#mergeRequestJson(project, m)),
    );
  }

  async #createMergeRequest(
    res: ServerResponse,
    project: EmulatedProject,
    params: Record<string, string>,
  ): Promise<void> {
    const { source_branch: source, target_branch: target, title } = params;
    const absent = (['source_branch', 'target_branch', 'title'] as const).filter((p) => !params[p]);
    if (absent.length || !source || !target || !title) throw missing(...absent);
    if (params.target_project_id && params.target_project_id !== String(project.id))
      throw new GitLabApiError(422, { message: ['Merge requests into other projects are not emulated'] });
    if (source === target)
      throw new GitLabApiError(422, { message: ["You can't use same project/branch for source and target"] });
    const branches = await project.git.branches();
    const sha = branches.get(source);
    if (!sha) throw new GitLabApiError(422, { message: [`Source branch "${source}" does not exist`] });
    if (!branches.has(target))
      throw new GitLabApiError(422, { message: [`Target branch "${target}" does not exist`] });
    const open = project.mergeRequests.find((m) => m.state === 'opened' && m.sourceBranch === source);
    if (open) {
      throw new GitLabApiError(409, {
        message: [`Another open merge request already exists for this source branch: !${open.iid}`],
      });
    }
    await this.#addMergeRequest(project, {
      title,
      description: params.description ?? null,
      sourceBranch: source,
      targetBranch: target,
      sha,
      author: this.#user,
      source: project,
      answer: (json) => sendJson(res, 201, json),
    });
  }

  async #addMergeRequest(
    project: EmulatedProject,
    spec: {
      title: string;
      description: string | null;
      sourceBranch: string;
      targetBranch: string;
      sha: string;
      author: EmulatedUser;
      source: EmulatedProject;
      answer?: (json: unknown) => void;
    },
  ): Promise<EmulatedMergeRequest> {
    const mr: EmulatedMergeRequest = {
      id: this.#nextId++,
      iid: project.mergeRequests.length + 1,
      state: 'opened',
      title: spec.title,
      description: spec.description,
      sourceBranch: spec.sourceBranch,
      targetBranch: spec.targetBranch,
      sha: spec.sha,
      author: spec.author,
      sourceProjectId: spec.source.id,
      createdAt: now(),
      updatedAt: now(),
      closedAt: null,
      labels: [],
    };
    project.mergeRequests.push(mr);
    if (spec.source !== project)
      await project.git.fetchFrom(spec.source.git.dir, [`+${spec.sha}:refs/merge-requests/${mr.iid}/head`]);
    await project.git.updateRef(`refs/merge-requests/${mr.iid}/head`, spec.sha);
    // Built before answering, so that idle() after the answer sees the delivery queued.
    const hook = await this.#mergeRequestHook(project, mr, 'open');
    spec.answer?.(await this.#expandedMergeRequestJson(project, mr));
    this.#emit(project, 'merge_request', hook);
    return mr;
  }

  async #updateMergeRequest(
    res: ServerResponse,
    project: EmulatedProject,
    mr: EmulatedMergeRequest,
    params: Record<string, string>,
  ): Promise<void> {
    const { state_event: stateEvent } = params;
    const editable = ['title', 'description', 'state_event', 'labels', 'add_labels', 'remove_labels'];
    if (editable.every((name) => params[name] === undefined))
      throw new GitLabApiError(400, {
        error: `${editable.join(', ')} are missing, at least one parameter must be provided`,
      });
    if (stateEvent !== undefined && stateEvent !== 'close' && stateEvent !== 'reopen')
      throw invalid('state_event');
    const hook = await this.#changeMergeRequest(project, mr, this.#user, params);
    sendJson(res, 200, await this.#expandedMergeRequestJson(project, mr));
    if (hook) this.#emit(project, 'merge_request', hook);
  }

  /**
   * Applies an edit by `user` (title, description, state_event, labels, add_labels, remove_labels) and
   * returns the Merge Request Hook it sends, or null when nothing changed.
   */
  async #changeMergeRequest(
    project: EmulatedProject,
    mr: EmulatedMergeRequest,
    user: EmulatedUser,
    params: Record<string, string | undefined>,
  ) {
    const { state_event: stateEvent, title, description } = params;
    let action: 'close' | 'reopen' | 'update' | null = null;
    const changes: Record<string, { previous: unknown; current: unknown }> = {};
    if (title !== undefined && title !== mr.title) {
      changes.title = { previous: mr.title, current: title };
      mr.title = title;
      action = 'update';
    }
    if (description !== undefined && description !== mr.description) {
      changes.description = { previous: mr.description, current: description };
      mr.description = description;
      action = 'update';
    }
    let labels = params.labels !== undefined ? [...new Set(splitLabels(params.labels))] : [...mr.labels];
    for (const label of splitLabels(params.add_labels)) if (!labels.includes(label)) labels.push(label);
    const removed = splitLabels(params.remove_labels);
    labels = labels.filter((l) => !removed.includes(l));
    if (labels.join('\n') !== mr.labels.join('\n')) {
      changes.labels = {
        previous: mr.labels.map((l) => this.#labelJson(project, l)),
        current: labels.map((l) => this.#labelJson(project, l)),
      };
      mr.labels = labels;
      action = 'update';
    }
    if (stateEvent === 'close' && mr.state === 'opened') {
      mr.state = 'closed';
      mr.closedAt = now();
      action = 'close';
    } else if (stateEvent === 'reopen' && mr.state === 'closed') {
      mr.state = 'opened';
      mr.closedAt = null;
      action = 'reopen';
    }
    if (action) mr.updatedAt = now();
    return action ? await this.#mergeRequestHook(project, mr, action, { changes, user }) : null;
  }

  /** A label as hooks carry it (GitLab's label hook attributes); the project's label is created if new. */
  #labelJson(project: EmulatedProject, title: string) {
    let label = project.labels.get(title);
    if (!label) {
      label = { id: this.#nextId++, createdAt: now() };
      project.labels.set(title, label);
    }
    return {
      id: label.id,
      title,
      color: '#6699cc',
      project_id: project.id,
      created_at: label.createdAt,
      updated_at: label.createdAt,
      template: false,
      description: null,
      type: 'ProjectLabel',
      group_id: null,
    };
  }

  #createNote(
    res: ServerResponse,
    project: EmulatedProject,
    mr: EmulatedMergeRequest,
    params: Record<string, string>,
  ): void {
    if (!params.body) throw missing('body');
    sendJson(res, 201, this.#addNote(project, mr, this.#user, params.body));
  }

  #addNote(project: EmulatedProject, mr: EmulatedMergeRequest, author: EmulatedUser, body: string) {
    const note: EmulatedNote = { id: this.#nextId++, body, author, createdAt: now() };
    project.notes.set(mr.iid, [...(project.notes.get(mr.iid) ?? []), note]);
    const projectHook = this.#projectHookJson(project);
    this.#emit(project, 'note', {
      object_kind: 'note',
      event_type: 'note',
      user: { id: author.id, name: author.name, username: author.username, avatar_url: null },
      project_id: project.id,
      project: projectHook,
      object_attributes: {
        id: note.id,
        note: body,
        noteable_type: 'MergeRequest',
        author_id: author.id,
        created_at: note.createdAt,
        updated_at: note.createdAt,
        project_id: project.id,
        noteable_id: mr.id,
        system: false,
        action: 'create',
        url: `${this.#mergeRequestUrl(project, mr)}#note_${note.id}`,
      },
      repository: this.#repositoryHookJson(project),
      merge_request: {
        id: mr.id,
        iid: mr.iid,
        title: mr.title,
        state: mr.state,
        source_branch: mr.sourceBranch,
        target_branch: mr.targetBranch,
        source_project_id: mr.sourceProjectId,
        target_project_id: project.id,
        author_id: mr.author.id,
        last_commit: { id: mr.sha },
        url: this.#mergeRequestUrl(project, mr),
      },
    });
    return this.#noteJson(project, mr, note);
  }

  /** A member's access (inherited memberships are not emulated); 404 for anyone else. */
  #member(res: ServerResponse, project: EmulatedProject, userId: string): void {
    const user = [...this.#users.values()].find((u) => String(u.id) === userId);
    if (!user) throw notFound('User');
    const level = user === this.#user ? 50 : project.members.get(user.username.toLowerCase());
    if (level === undefined) throw notFound('Member');
    sendJson(res, 200, { ...this.#userJson(user), access_level: level, expires_at: null });
  }

  // ---- repository files ----

  async #file(
    res: ServerResponse,
    project: EmulatedProject,
    filePath: string,
    params: Record<string, string>,
    raw: boolean,
  ): Promise<void> {
    const ref = params.ref ?? (raw ? project.defaultBranch : undefined);
    if (!ref) throw missing('ref');
    const commit = await project.git.resolveCommit(ref);
    if (!commit) throw notFound('Commit');
    const found = await project.git.readPath(commit, filePath);
    if (!found || found.kind !== 'file') throw notFound('File');
    const metadata = {
      'x-gitlab-blob-id': found.sha,
      'x-gitlab-commit-id': commit,
      'x-gitlab-file-name': path.posix.basename(filePath),
      'x-gitlab-file-path': filePath,
      'x-gitlab-ref': ref,
      'x-gitlab-size': String(found.content.length),
    };
    if (!raw) {
      return sendJson(
        res,
        200,
        {
          file_name: metadata['x-gitlab-file-name'],
          file_path: filePath,
          size: found.content.length,
          encoding: 'base64',
          content: found.content.toString('base64'),
          content_sha256: createHash('sha256').update(found.content).digest('hex'),
          ref,
          blob_id: found.sha,
          commit_id: commit,
          last_commit_id: commit,
        },
        metadata,
      );
    }
    // Like GitLab: text as text/plain, anything with a NUL byte (git's binary test) as octet-stream.
    const binary = found.content.subarray(0, 8000).includes(0);
    res.writeHead(200, {
      'content-type': binary ? 'application/octet-stream' : 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      ...metadata,
    });
    res.end(found.content);
  }

  // ---- commit statuses ----

  async #createStatus(
    res: ServerResponse,
    project: EmulatedProject,
    shaParam: string,
    params: Record<string, string>,
  ): Promise<void> {
    const state = params.state;
    if (!state) throw missing('state');
    const events = STATE_EVENTS[state];
    if (!events) throw invalid('state');
    const sha = await project.git.resolveCommit(shaParam);
    if (!sha) throw notFound('Commit');
    const forRef = (p: { ref: string }) => !params.ref || p.ref === params.ref;
    let pipeline = project.pipelines.filter((p) => p.sha === sha && forRef(p)).at(-1);
    const ref = params.ref ?? pipeline?.ref ?? (await project.commits.branchesContaining(sha))[0];
    if (!ref) throw notFound('References for commit');
    if (params.target_url !== undefined && !isHttpUrl(params.target_url))
      throw new GitLabApiError(400, {
        message: { target_url: ['is blocked: Only allowed schemes are http, https'] },
      });
    const name = params.name ?? params.context ?? 'default';
    if (name.length > 255)
      throw new GitLabApiError(400, { message: { name: ['is too long (maximum is 255 characters)'] } });
    const coverage = params.coverage !== undefined ? Number(params.coverage) : undefined;
    if (coverage !== undefined && Number.isNaN(coverage)) throw invalid('coverage');

    // GitLab: GenericCommitStatus.running_or_pending.find_or_initialize_by(pipeline, name, ref, user, ...).
    const existing = pipeline
      ? project.statuses.find(
          (s) =>
            s.pipelineId === pipeline!.id &&
            s.name === name &&
            s.ref === ref &&
            (s.status === 'pending' || s.status === 'running'),
        )
      : undefined;
    const status: EmulatedStatus = existing
      ? { ...existing }
      : {
          id: 0,
          pipelineId: 0,
          sha,
          ref,
          name,
          status: 'created',
          description: null,
          targetUrl: null,
          coverage: null,
          createdAt: now(),
          startedAt: null,
          finishedAt: null,
          retried: false,
        };
    if (params.description !== undefined) status.description = params.description;
    if (params.target_url !== undefined) status.targetUrl = params.target_url;
    if (coverage !== undefined) status.coverage = coverage;
    for (const step of events) {
      const optional = step.endsWith('?');
      const event = step.replace('?', '');
      const transition = TRANSITIONS[event]!;
      if (!transition.from.includes(status.status)) {
        if (optional) continue;
        // Nothing is saved: not the new state, nor the description or target URL that came with it.
        throw new GitLabApiError(400, {
          message: `Cannot transition status via :${event} from :${status.status} (Reason(s): Status cannot transition via "${event}")`,
        });
      }
      status.status = transition.to;
      if (transition.to === 'running') status.startedAt = now();
      if (FINISHED.includes(transition.to)) status.finishedAt = now();
    }

    if (!pipeline) {
      pipeline = { id: this.#nextId++, sha, ref };
      project.pipelines.push(pipeline);
    }
    if (existing) {
      Object.assign(existing, status);
    } else {
      status.id = this.#nextId++;
      status.pipelineId = pipeline.id;
      // A new status of a name replaces the older ones in its pipeline (they become "retried").
      for (const older of project.statuses)
        if (older.pipelineId === pipeline.id && older.name === name) older.retried = true;
      project.statuses.push(status);
    }
    sendJson(res, 201, this.#statusJson(existing ?? status));
  }

  async #listStatuses(
    res: ServerResponse,
    url: URL,
    project: EmulatedProject,
    shaParam: string,
    params: Record<string, string>,
  ): Promise<void> {
    const sha = await project.git.resolveCommit(shaParam);
    if (!sha) throw notFound('Commit');
    const all = parseBoolean(params.all, 'all');
    const orderBy = params.order_by ?? 'id';
    if (orderBy !== 'id' && orderBy !== 'pipeline_id') throw invalid('order_by');
    const sort = params.sort ?? 'asc';
    if (sort !== 'asc' && sort !== 'desc') throw invalid('sort');
    const direction = sort === 'asc' ? 1 : -1;
    const statuses = project.statuses
      .filter(
        (s) =>
          s.sha === sha &&
          (all || !s.retried) &&
          (!params.ref || s.ref === params.ref) &&
          (!params.name || s.name === params.name) &&
          (!params.stage || params.stage === 'external'),
      )
      .sort(
        (a, b) => direction * (orderBy === 'id' ? a.id - b.id : a.pipelineId - b.pipelineId || a.id - b.id),
      );
    sendPage(
      res,
      url,
      statuses.map((s) => this.#statusJson(s)),
    );
  }

  // ---- webhooks ----

  #emit(project: EmulatedProject, kind: GitLabHookEvent, payload: unknown): void {
    this.#webhooks.send(project.hooks, kind, payload);
  }

  #pushPayload(
    project: EmulatedProject,
    branch: string,
    before: string,
    after: string,
    commits: CommitInfo[],
    total: number,
  ) {
    const deleted = /^0+$/.test(after);
    return {
      object_kind: 'push',
      event_name: 'push',
      before,
      after,
      ref: `refs/heads/${branch}`,
      ref_protected: false,
      checkout_sha: deleted ? null : after,
      message: null,
      user_id: this.#user.id,
      user_name: this.#user.name,
      user_username: this.#user.username,
      user_email: '',
      user_avatar: null,
      project_id: project.id,
      project: this.#projectHookJson(project),
      commits: commits.map((c) => this.#commitHookJson(project, c)),
      total_commits_count: total,
      push_options: {},
      repository: this.#repositoryHookJson(project),
    };
  }

  async #mergeRequestHook(
    project: EmulatedProject,
    mr: EmulatedMergeRequest,
    action: 'open' | 'update' | 'close' | 'reopen',
    extra: { oldrev?: string; changes?: Record<string, unknown>; user?: EmulatedUser } = {},
  ) {
    const [lastCommit] = await project.commits.describe([mr.sha]);
    const projectHook = this.#projectHookJson(project);
    // Who did it: the tokens' user unless the change was someone else's (a label in the web interface).
    const user = extra.user ?? this.#user;
    const labels = mr.labels.map((l) => this.#labelJson(project, l));
    return {
      object_kind: 'merge_request',
      event_type: 'merge_request',
      user: {
        id: user.id,
        name: user.name,
        username: user.username,
        avatar_url: null,
        email: '[REDACTED]',
      },
      project: projectHook,
      object_attributes: {
        id: mr.id,
        iid: mr.iid,
        title: mr.title,
        description: mr.description ?? '',
        state: mr.state,
        action,
        ...(extra.oldrev ? { oldrev: extra.oldrev } : {}),
        source_branch: mr.sourceBranch,
        target_branch: mr.targetBranch,
        source_project_id: mr.sourceProjectId,
        target_project_id: project.id,
        author_id: mr.author.id,
        created_at: mr.createdAt,
        updated_at: mr.updatedAt,
        merge_status: 'can_be_merged',
        detailed_merge_status: 'mergeable',
        draft: false,
        work_in_progress: false,
        head_pipeline_id: null,
        url: this.#mergeRequestUrl(project, mr),
        source: projectHook,
        target: projectHook,
        last_commit: lastCommit ? this.#commitHookJson(project, lastCommit, false) : { id: mr.sha },
        labels,
      },
      labels,
      changes: extra.changes ?? {},
      repository: this.#repositoryHookJson(project),
      assignees: [],
      reviewers: [],
    };
  }

  // ---- JSON shapes ----

  #webUrl(project: EmulatedProject): string {
    return `${this.#url}/${project.namespace}/${project.path}`;
  }

  #mergeRequestUrl(project: EmulatedProject, mr: EmulatedMergeRequest): string {
    return `${this.#webUrl(project)}/-/merge_requests/${mr.iid}`;
  }

  #userJson(user: EmulatedUser = this.#user) {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: 'active',
      locked: false,
      avatar_url: `${this.#url}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
      web_url: `${this.#url}/${user.username}`,
    };
  }

  #projectJson(project: EmulatedProject, empty: boolean) {
    const namespaceName = project.namespace.split('/').at(-1)!;
    const api = `${this.#url}/api/v4/projects/${project.id}`;
    const openIssues = this.#issues.openCount(project.id);
    return {
      id: project.id,
      description: null,
      description_html: '',
      name: project.path,
      name_with_namespace: `${project.namespace.split('/').join(' / ')} / ${project.path}`,
      path: project.path,
      path_with_namespace: `${project.namespace}/${project.path}`,
      created_at: project.createdAt,
      // GitLab has none until the first push.
      default_branch: empty ? null : project.defaultBranch,
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
      http_url_to_repo: `${this.#webUrl(project)}.git`,
      web_url: this.#webUrl(project),
      readme_url: null,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: project.createdAt,
      visibility: 'public',
      empty_repo: empty,
      archived: false,
      namespace: {
        id: 0,
        name: namespaceName,
        path: namespaceName,
        kind: 'group',
        full_path: project.namespace,
        parent_id: null,
        avatar_url: null,
        web_url: `${this.#url}/groups/${project.namespace}`,
      },
      container_registry_image_prefix: `${new URL(this.#url).host}/${project.namespace}/${project.path}`,
      _links: {
        self: api,
        issues: `${api}/issues`,
        merge_requests: `${api}/merge_requests`,
        repo_branches: `${api}/repository/branches`,
        labels: `${api}/labels`,
        events: `${api}/events`,
        members: `${api}/members`,
        cluster_agents: `${api}/cluster_agents`,
      },
      packages_enabled: true,
      marked_for_deletion_on: null,
      updated_at: project.createdAt,
      issues_enabled: true,
      merge_requests_enabled: true,
      wiki_enabled: true,
      jobs_enabled: true,
      snippets_enabled: true,
      container_registry_enabled: false,
      service_desk_enabled: false,
      service_desk_address: null,
      can_create_merge_request_in: true,
      issues_access_level: 'enabled',
      repository_access_level: 'enabled',
      merge_requests_access_level: 'enabled',
      builds_access_level: 'enabled',
      container_registry_access_level: 'disabled',
      security_and_compliance_access_level: 'private',
      emails_disabled: false,
      emails_enabled: true,
      shared_runners_enabled: true,
      lfs_enabled: false,
      creator_id: this.#user.id,
      import_url: null,
      import_type: null,
      import_status: 'none',
      import_error: null,
      open_issues_count: openIssues,
      description_html_version: 0,
      ci_default_git_depth: 20,
      ci_forward_deployment_enabled: true,
      ci_forward_deployment_rollback_allowed: true,
      ci_job_token_scope_enabled: false,
      ci_separated_caches: true,
      ci_allow_fork_pipelines_to_run_in_parent_project: true,
      ci_restrict_pipeline_cancellation_role: 'developer',
      ci_pipeline_variables_minimum_override_role: 'developer',
      build_git_strategy: 'fetch',
      keep_latest_artifact: true,
      restrict_user_defined_variables: false,
      runners_token: `GR1348941${createHash('sha256').update(`runners:${project.id}`).digest('hex').slice(0, 20)}`,
      group_runners_enabled: true,
      resolve_outdated_diff_discussions: false,
      container_expiration_policy: {
        cadence: '1d',
        enabled: false,
        keep_n: 10,
        older_than: '90d',
        name_regex: '.*',
        name_regex_keep: null,
        name_regex_delete: null,
        next_run_at: project.createdAt,
      },
      public_jobs: true,
      shared_with_groups: [],
      repository_storage: 'default',
      only_allow_merge_if_pipeline_succeeds: false,
      allow_merge_on_skipped_pipeline: false,
      only_allow_merge_if_all_discussions_are_resolved: false,
      remove_source_branch_after_merge: true,
      printing_merge_request_link_enabled: true,
      printing_merge_requests_link_enabled: true,
      request_access_enabled: true,
      merge_method: 'merge',
      squash_option: 'default_off',
      auto_devops_enabled: false,
      auto_devops_deploy_strategy: 'continuous',
      autoclose_referenced_issues: true,
      suggestion_commit_message: null,
      enforce_auth_checks_on_uploads: true,
      merge_commit_template: null,
      squash_commit_template: null,
      issue_branch_template: null,
      warn_about_potentially_unwanted_characters: true,
      external_authorization_classification_label: null,
      mirror: false,
      mirror_user_id: null,
      mirror_trigger_builds: false,
      only_mirror_protected_branches: false,
      mirror_overwrites_diverged_branches: false,
      compliance_frameworks: [],
    };
  }

  #projectHookJson(project: EmulatedProject) {
    const webUrl = this.#webUrl(project);
    const sshUrl = `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`;
    return {
      id: project.id,
      name: project.path,
      description: null,
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: sshUrl,
      git_http_url: `${webUrl}.git`,
      namespace: project.namespace.split('/').at(-1)!,
      visibility_level: 20,
      path_with_namespace: `${project.namespace}/${project.path}`,
      default_branch: project.defaultBranch,
      ci_config_path: '',
      homepage: webUrl,
      url: sshUrl,
      ssh_url: sshUrl,
      http_url: `${webUrl}.git`,
    };
  }

  #repositoryHookJson(project: EmulatedProject) {
    const webUrl = this.#webUrl(project);
    return {
      name: project.path,
      url: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
      description: null,
      homepage: webUrl,
      git_http_url: `${webUrl}.git`,
      git_ssh_url: `git@${new URL(this.#url).hostname}:${project.namespace}/${project.path}.git`,
      visibility_level: 20,
    };
  }

  #commitHookJson(project: EmulatedProject, c: CommitInfo, withPaths = true) {
    return {
      id: c.id,
      message: c.message,
      title: c.title,
      timestamp: c.timestamp,
      url: `${this.#webUrl(project)}/-/commit/${c.id}`,
      author: { name: c.authorName, email: c.authorEmail },
      ...(withPaths ? { added: c.added, modified: c.modified, removed: c.removed } : {}),
    };
  }

  #mergeRequestJson(project: EmulatedProject, mr: EmulatedMergeRequest) {
    const reference = `!${mr.iid}`;
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      merged_by: null,
      merge_user: null,
      merged_at: null,
      closed_by: mr.state === 'closed' ? this.#userJson() : null,
      closed_at: mr.closedAt,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      user_notes_count: project.notes.get(mr.iid)?.length ?? 0,
      upvotes: 0,
      downvotes: 0,
      author: this.#userJson(mr.author),
      assignees: [],
      assignee: null,
      reviewers: [],
      source_project_id: mr.sourceProjectId,
      target_project_id: project.id,
      labels: [...mr.labels],
      draft: false,
      work_in_progress: false,
      milestone: null,
      merge_when_pipeline_succeeds: false,
      merge_status: 'can_be_merged',
      detailed_merge_status: mr.state === 'opened' ? 'mergeable' : 'not_open',
      sha: mr.sha,
      merge_commit_sha: null,
      squash_commit_sha: null,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      reference,
      references: {
        short: reference,
        relative: reference,
        full: `${project.namespace}/${project.path}${reference}`,
      },
      web_url: this.#mergeRequestUrl(project, mr),
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      squash: false,
      squash_on_merge: false,
      task_completion_status: { count: 0, completed_count: 0 },
      has_conflicts: false,
      blocking_discussions_resolved: true,
      approvals_before_merge: null,
      prepared_at: mr.createdAt,
      imported: false,
      imported_from: 'none',
    };
  }

  /**
   * A merge request as GitLab answers for one (get, create, update): the list's fields and its diff: the
   * merge base, the target's head and the number of files changed.
   */
  async #expandedMergeRequestJson(project: EmulatedProject, mr: EmulatedMergeRequest) {
    const target = (await project.git.branches()).get(mr.targetBranch) ?? null;
    const [base, diff] = target
      ? await Promise.all([project.git.mergeBase(target, mr.sha), project.git.diffStat(target, mr.sha)])
      : [null, null];
    return {
      ...this.#mergeRequestJson(project, mr),
      subscribed: true,
      changes_count: String(diff?.files ?? 0),
      latest_build_started_at: null,
      latest_build_finished_at: null,
      first_deployed_to_production_at: null,
      pipeline: null,
      head_pipeline: null,
      diff_refs: { base_sha: base ?? target, head_sha: mr.sha, start_sha: target },
      merge_error: null,
      first_contribution: false,
      user: { can_merge: true },
    };
  }

  #noteJson(project: EmulatedProject, mr: EmulatedMergeRequest, note: EmulatedNote) {
    return {
      id: note.id,
      type: null,
      body: note.body,
      author: this.#userJson(note.author),
      created_at: note.createdAt,
      updated_at: note.createdAt,
      system: false,
      noteable_id: mr.id,
      noteable_type: 'MergeRequest',
      noteable_iid: mr.iid,
      project_id: project.id,
      resolvable: false,
      attachment: null,
      confidential: false,
      internal: false,
    };
  }

  #statusJson(s: EmulatedStatus) {
    return {
      id: s.id,
      sha: s.sha,
      ref: s.ref,
      status: s.status,
      name: s.name,
      target_url: s.targetUrl,
      description: s.description,
      created_at: s.createdAt,
      started_at: s.startedAt,
      finished_at: s.finishedAt,
      allow_failure: false,
      coverage: s.coverage,
      pipeline_id: s.pipelineId,
      author: this.#userJson(),
    };
  }
}

function parseBoolean(value: string | undefined, param: string): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw invalid(param);
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol) && text.length <= 255;
  } catch {
    return false;
  }
}

function now(): string {
  return new Date().toISOString();
}

/** An ISO 8601 time parameter (epoch ms), null when absent; GitLab answers 400 to one it cannot read. */
function timeParam(params: Record<string, string>, name: string): number | null {
  const value = params[name];
  if (value === undefined || value === '') return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid(name);
  return time;
}
