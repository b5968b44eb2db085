import { timingSafeEqual } from 'node:crypto';
import { GitHubAppsApi, type EmulatedApp } from './apps-api.ts';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import {
  GitHubActionsApi,
  type QueuedJobSpec,
  type RunnerScope,
  type WorkflowJobStatus,
  type WorkflowJobView,
  type WorkflowStep,
} from './actions-api.ts';
import { BareRepository } from './bare-repository.ts';
import { routeBranches } from './branches-api.ts';
import { GitHubIssuesApi } from './issues-api.ts';
import { GitHubReleasesApi } from './releases-api.ts';
import { serveGitHttp } from './git-http-backend.ts';
import {
  combinedState,
  commentJson,
  hookJson,
  issueJson,
  pullAsIssue,
  pullRequestJson,
  pushEventJson,
  repositoryJson,
  statusEventJson,
  statusJson,
  nodeId,
  labelJson,
  timestamp,
  userJson,
  type EmulatedPull,
  type HookResponse,
  type EmulatedRepository,
  type CollaboratorPermission,
  type EmulatedStatus,
} from './payloads.ts';
import { WebhookSender, type DeliveryRecord, type WebhookConfig } from './webhook-sender.ts';
import { GitHubApiError, paginate, readJson, sendJson } from './github-http.ts';
import { RateLimitFaults, type RateLimitFault } from '../rate-limit-fault.ts';
import {
  PrimaryRateLimit,
  type PrimaryRateLimitSettings,
  type PrimaryRateLimitState,
} from './primary-rate-limit.ts';
import { RequestCounter, type RequestCounts } from '../request-counts.ts';
import { matchGitHubRoute } from './routes.ts';

export type { DeliveryRecord, WebhookConfig } from './webhook-sender.ts';
export type { CollaboratorPermission } from './payloads.ts';
export type { RateLimitFault } from '../rate-limit-fault.ts';
export type { PrimaryRateLimitSettings, PrimaryRateLimitState } from './primary-rate-limit.ts';
export type { EndpointCount, RequestCounts } from '../request-counts.ts';
export { GITHUB_ROUTES, type GitHubRoute } from './routes.ts';
export type {
  QueuedJobSpec,
  RunnerScope,
  StandinJitConfig,
  WorkflowJobConclusion,
  WorkflowJobStatus,
  WorkflowJobView,
  WorkflowStep,
} from './actions-api.ts';

export interface GitHubEmulatorOptions {
  /** Bare repositories live here, as `<owner>/<name>.git`. */
  dataDir: string;
  /** API tokens it accepts; also the passwords git may push with (any username). */
  tokens: string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  logger?: Logger;
  /** The login the tokens belong to: author of pull requests, statuses and comments. Default `developer`. */
  login?: string;
  /** A self-hosted runner with no contact for this long is `offline` (and fails the job it ran). Default 30 000. */
  runnerOfflineAfterMs?: number;
  /** An unused JIT runner configuration expires after this long. Default one hour. */
  jitConfigTtlMs?: number;
  /**
   * The host name JIT configurations give runners to reach the emulator, e.g. `10.0.2.2` for a runner in a
   * QEMU user-network guest. Default: the emulator's own host.
   */
  runnerHost?: string;
}

const DOCS = 'https://docs.github.com/rest';
const STATUS_STATES = new Set(['pending', 'success', 'failure', 'error']);
const NAME = /^[A-Za-z0-9_.-]+$/;
/** The contents API returns files up to this size inline; bigger ones with encoding "none", as GitHub does. */
const INLINE_CONTENT_LIMIT = 1024 * 1024;

/**
 * A GitHub for offline runs and tests: a real HTTP server with the REST subset ironbots uses, real git
 * repositories (clone, fetch and push over smart HTTP), and webhook deliveries signed like GitHub's, in
 * GitHub's JSON shapes. Pushing to a PR's branch sends `synchronize`, as on github.com.
 */
export class GitHubEmulator {
  readonly #options: GitHubEmulatorOptions;
  readonly #server: http.Server;
  readonly #repos = new Map<string, EmulatedRepository & { pushes: Promise<void> }>();
  readonly #webhooks: WebhookSender;
  readonly #login: string;
  #url = '';
  #nextId = 1000;
  readonly #issues = new GitHubIssuesApi({
    nextId: () => this.#nextId++,
    login: () => this.#login,
    baseUrl: () => this.#url,
  });
  /** The Releases API; tests inject failures and read what is stored through it. */
  readonly releases: GitHubReleasesApi;
  /** Work a request starts that outlives its response (what happens after a push). */
  readonly #background = new Set<Promise<void>>();
  readonly #rateLimits = new RateLimitFaults();
  #primaryRateLimit: PrimaryRateLimit | null = null;
  readonly #requests = new RequestCounter();
  readonly #actions: GitHubActionsApi;
  readonly #apps = new GitHubAppsApi({ nextId: () => this.#nextId++ });

  private constructor(options: GitHubEmulatorOptions) {
    this.#options = options;
    this.#login = options.login ?? 'developer';
    this.#actions = new GitHubActionsApi({
      nextId: () => this.#nextId++,
      baseUrl: () => this.#url,
      runnerUrl: () => {
        if (!options.runnerHost) return this.#url;
        const url = new URL(this.#url);
        url.hostname = options.runnerHost;
        return url.origin;
      },
      login: () => this.#login,
      repository: (owner, name) => {
        const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
        return repo ? repositoryJson(this.#url, repo) : null;
      },
      emit: (owner, name, event, payload) => {
        const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
        if (repo) this.#emit(repo, event, payload);
      },
      runnerOfflineAfterMs: options.runnerOfflineAfterMs ?? 30_000,
      jitConfigTtlMs: options.jitConfigTtlMs ?? 3_600_000,
    });
    this.releases = new GitHubReleasesApi({
      nextId: () => this.#nextId++,
      login: () => this.#login,
      baseUrl: () => this.#url,
      dataDir: options.dataDir,
    });
    this.#webhooks = new WebhookSender(options.logger);
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (error instanceof GitHubApiError) {
          sendJson(res, error.status, { message: error.message, ...error.extra, documentation_url: DOCS });
          return;
        }
        options.logger?.error({ err: error, method: req.method, url: req.url }, 'emulator request failed');
        sendJson(res, 500, { message: 'Server Error' });
      });
    });
    this.#server.keepAliveTimeout = 2_000;
  }

  static async start(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
    const emulator = new GitHubEmulator(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = emulator.#server.address() as AddressInfo;
    const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
    emulator.#url = `http://${reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable}:${port}`;
    options.logger?.info({ url: emulator.#url, dataDir: options.dataDir }, 'GitHub emulator listening');
    return emulator;
  }

  /** The API base URL (Octokit's baseUrl); git remotes are `${url}/owner/name.git`. */
  get url(): string {
    return this.#url;
  }

  cloneUrl(owner: string, name: string): string {
    return `${this.#url}/${owner}/${name}.git`;
  }

  /** Finishes pending webhook deliveries, then closes every connection. */
  async stop(): Promise<void> {
    this.#actions.stop();
    await this.idle();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    for (const repo of this.#repos.values()) repo.git.close();
  }

  // ---- Administration: what a person does in GitHub's web interface ----

  /** An empty repository (no commits yet), with `defaultBranch` (default `main`) as its HEAD. */
  async createRepository(
    owner: string,
    name: string,
    options: { defaultBranch?: string } = {},
  ): Promise<ReturnType<typeof repositoryJson>> {
    if (!NAME.test(owner) || !NAME.test(name) || owner.startsWith('.') || name.startsWith('.')) {
      throw new Error(`invalid repository name ${owner}/${name}`);
    }
    const key = `${owner}/${name}`.toLowerCase();
    if (this.#repos.has(key)) throw new Error(`repository ${owner}/${name} exists`);
    const defaultBranch = options.defaultBranch ?? 'main';
    const git = new BareRepository(path.join(this.#options.dataDir, owner, `${name}.git`));
    const repo = {
      id: this.#nextId++,
      owner,
      name,
      defaultBranch,
      createdAt: timestamp(),
      git,
      hooks: [],
      pulls: [],
      statuses: new Map(),
      comments: new Map(),
      collaborators: new Map(),
      pushes: Promise.resolve(),
    };
    // Reserved before the first await so that concurrent creations of one name fail.
    this.#repos.set(key, repo);
    try {
      await git.create(defaultBranch);
    } catch (error) {
      this.#repos.delete(key);
      throw error;
    }
    return repositoryJson(this.#url, repo);
  }

  /** A repository webhook; `events: ['*']` subscribes to everything. */
  addWebhook(
    owner: string,
    name: string,
    hook: { url: string; secret: string; events: string[] },
  ): WebhookConfig {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    const config: WebhookConfig = {
      id: this.#nextId++,
      url: hook.url,
      secret: hook.secret,
      events: [...hook.events],
      active: true,
      createdAt: timestamp(),
    };
    repo.hooks.push(config);
    return config;
  }

  /** Gives `login` a role on the repository, as "Collaborators and teams" does. */
  setCollaborator(owner: string, name: string, login: string, permission: CollaboratorPermission): void {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    repo.collaborators.set(login.toLowerCase(), permission);
  }

  /** Forks the repository to `forkOwner` (same name): every branch, and the same default branch. */
  async forkRepository(owner: string, name: string, forkOwner: string): Promise<void> {
    const parent = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    await this.createRepository(forkOwner, name, { defaultBranch: parent.defaultBranch });
    const fork = this.#repoOrThrow(forkOwner, name, () => new Error('unreachable'));
    await fork.git.fetchFrom(parent.git.dir, ['+refs/heads/*:refs/heads/*']);
  }

  /**
   * Deletes a repository. Pull requests from it (a fork) into other repositories stay open, their head
   * commits kept under `refs/pull/<n>/head`, with `head.repo: null`, as on GitHub.
   */
  async deleteRepository(owner: string, name: string): Promise<void> {
    const key = `${owner}/${name}`.toLowerCase();
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    this.#repos.delete(key);
    for (const other of this.#repos.values())
      for (const pull of other.pulls) if (pull.headRepo === key) pull.headRepo = null;
    await rm(repo.git.dir, { recursive: true, force: true });
  }

  /**
   * Opens a pull request as `user` (default: the tokens' login), from a branch of the repository or, with
   * `head: 'owner:branch'`, of a fork; sends \`opened\`.
   */
  async openPullRequest(
    owner: string,
    name: string,
    pr: { title: string; head: string; base: string; body?: string; user?: string },
  ): Promise<ReturnType<typeof pullRequestJson>> {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    return this.#openPull(repo, { ...pr, user: pr.user ?? this.#login });
  }

  /** A comment by `user` on the pull request, with its `issue_comment` delivery sent by that user. */
  async commentOnPullRequest(
    owner: string,
    name: string,
    number: number,
    comment: { user: string; body: string },
  ): Promise<ReturnType<typeof commentJson>> {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    return this.#addComment(repo, number, comment.user, comment.body);
  }

  /** Every comment on the pull request, oldest first. */
  comments(owner: string, name: string, number: number): { user: string; body: string }[] {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    return (repo.comments.get(number) ?? []).map((c) => ({ user: c.user, body: c.body }));
  }

  /** `user` edits the pull request's description: an \`edited\` delivery sent by that user, if it changed. */
  async editPullRequestBody(owner: string, name: string, number: number, body: string, user: string) {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    const pull = this.#pullOrThrow(repo, number);
    if (pull.body === body) return;
    const changes = { body: { from: pull.body } };
    pull.body = body;
    pull.updatedAt = timestamp();
    this.#emit(
      repo,
      'pull_request',
      { action: 'edited', number, changes, pull_request: await this.#pullJson(repo, pull) },
      user,
    );
  }

  /** `user` adds a label to the pull request: a \`labeled\` delivery sent by that user. */
  async labelPullRequest(owner: string, name: string, number: number, label: string, user: string) {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    const pull = this.#pullOrThrow(repo, number);
    if (!pull.labels.includes(label)) pull.labels.push(label);
    this.#emit(
      repo,
      'pull_request',
      {
        action: 'labeled',
        number,
        label: labelJson(this.#url, repo, label),
        pull_request: await this.#pullJson(repo, pull),
      },
      user,
    );
  }

  /** The labels the pull request has now. */
  pullRequestLabels(owner: string, name: string, number: number): string[] {
    const repo = this.#repoOrThrow(owner, name, () => new Error(`no repository ${owner}/${name}`));
    return [...this.#pullOrThrow(repo, number).labels];
  }

  /** Every delivery attempt so far, in the order they finished. */
  deliveries(): DeliveryRecord[] {
    return this.#webhooks.records.map((record) => ({ ...record }));
  }

  /**
   * Loses this share (0–1) of the webhook deliveries from now on, evenly and deterministically; a lost one
   * is recorded with `lost: true` and never sent (a redelivery of it is).
   */
  loseWebhookDeliveries(share: number): void {
    this.#webhooks.loseDeliveries(share);
  }

  /** Sends a delivery again with the same body and X-GitHub-Delivery id, like GitHub's "Redeliver". */
  async redeliver(deliveryId: string): Promise<void> {
    this.#webhooks.redeliver(deliveryId);
  }

  /**
   * Refuses the next API requests (git over HTTP is not limited) as GitHub refuses a secondary rate limit:
   * 429 or 403, its message, and Retry-After when given.
   */
  rateLimit(fault: RateLimitFault = {}): void {
    this.#rateLimits.add(fault);
  }

  /** How many API requests a rate limit refused so far. */
  get rateLimitedRequests(): number {
    return this.#rateLimits.refused;
  }

  /**
   * Switches GitHub's primary rate limit on (`null`: off, the default, as on a GitHub Enterprise server
   * without rate limits): every API answer then carries `x-ratelimit-limit`, `-remaining`, `-used`, `-reset`
   * and `-resource`, a 304 is free, and once the budget is spent requests are refused with 403 and
   * `x-ratelimit-remaining: 0` until the window resets.
   */
  setPrimaryRateLimit(settings: PrimaryRateLimitSettings | null): void {
    this.#primaryRateLimit = settings ? new PrimaryRateLimit(settings) : null;
  }

  /** What is left of the primary rate limit, or null while it is off. */
  get primaryRateLimit(): PrimaryRateLimitState | null {
    return this.#primaryRateLimit?.state ?? null;
  }

  /** The API requests answered so far (git over HTTP excluded): in all, 304s, and per endpoint. */
  requestCounts(): RequestCounts {
    return this.#requests.snapshot();
  }

  resetRequestCounts(): void {
    this.#requests.reset();
  }

  /** Resolves when the work of every request so far is done, webhook deliveries included. */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.all(this.#background);
    await this.#webhooks.idle();
  }

  // ---- GitHub Actions: what a push or a workflow_dispatch would start ----

  /**
   * Queues a workflow run with one job (as a push to a workflow with one job does) and sends the job's
   * `workflow_job` `queued` delivery. `sha` defaults to the head of the repository's default branch.
   */
  async queueWorkflowJob(spec: {
    owner: string;
    repo: string;
    sha?: string;
    branch?: string;
    workflowName?: string;
    jobName?: string;
    labels: string[];
    steps: WorkflowStep[];
    timeoutMinutes?: number;
  }): Promise<{ runId: number; jobId: number }> {
    const { runId, jobIds } = await this.queueWorkflowRun({
      ...spec,
      jobs: [
        {
          labels: spec.labels,
          steps: spec.steps,
          ...(spec.jobName === undefined ? {} : { name: spec.jobName }),
          ...(spec.timeoutMinutes === undefined ? {} : { timeoutMinutes: spec.timeoutMinutes }),
        },
      ],
    });
    return { runId, jobId: jobIds[0]! };
  }

  /** Queues a workflow run with several jobs, each with its own labels (`runs-on`) and steps. */
  async queueWorkflowRun(spec: {
    owner: string;
    repo: string;
    sha?: string;
    branch?: string;
    workflowName?: string;
    jobs: QueuedJobSpec[];
  }): Promise<{ runId: number; jobIds: number[] }> {
    const repo = this.#repoOrThrow(
      spec.owner,
      spec.repo,
      () => new Error(`no repository ${spec.owner}/${spec.repo}`),
    );
    const branch = spec.branch ?? repo.defaultBranch;
    const sha = spec.sha ?? (await repo.git.branches()).get(branch);
    if (!sha) throw new Error(`${spec.owner}/${spec.repo} has no commit on ${branch}: push one, or pass sha`);
    return this.#actions.queueRun({
      owner: repo.owner,
      repo: repo.name,
      sha,
      branch,
      workflowName: spec.workflowName ?? 'CI',
      headCommit: await repo.git.commit(sha),
      jobs: spec.jobs,
    });
  }

  /** A workflow job in GitHub's shape, with its log as the runner sent it and how often it was completed. */
  workflowJob(jobId: number): WorkflowJobView {
    return this.#actions.job(jobId);
  }

  /** The self-hosted runners registered for a repository (`{owner, repo}`) or an organization (`{org}`). */
  runners(scope: RunnerScope) {
    return this.#actions.runnersOf(scope);
  }

  /**
   * Registers a GitHub App installed on everything here: its id, installation id and private key, as a
   * deployment configures `forge.app`. Its installation tokens work like the fixed tokens, for an hour.
   */
  registerApp(): EmulatedApp {
    return this.#apps.register();
  }

  /** Installation tokens made so far. */
  get appTokensIssued(): number {
    return this.#apps.tokensIssued;
  }

  /** Cancels a run as its Cancel button does: queued jobs at once, running ones through their runner. */
  cancelWorkflowRun(owner: string, repo: string, runId: number): void {
    this.#actions.cancelRun(owner, repo, runId);
  }

  /**
   * Loses the next `count` `workflow_job` deliveries (only those of `action`, when given), as when a
   * delivery never arrived: nothing is sent and nothing is recorded. `Infinity` loses every one until called
   * again with 0.
   */
  loseWorkflowJobDeliveries(count = 1, action?: WorkflowJobStatus): void {
    this.#actions.loseDeliveries(count, action);
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const gitMatch = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
    if (gitMatch) return this.#serveGit(req, res, url, gitMatch[1]!, gitMatch[2]!, gitMatch[3]!);
    const htmlPull = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)$/.exec(url.pathname);
    if (htmlPull && req.method === 'GET')
      return this.#pullPage(res, htmlPull[1]!, htmlPull[2]!, Number(htmlPull[3]));
    // A file's `download_url` (raw.githubusercontent.com on GitHub): anonymous, as for a public repository.
    const raw = /^\/([^/]+)\/([^/]+)\/raw\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (raw && req.method === 'GET') {
      const [, owner, name, ref, filePath] = raw;
      return this.#rawFile(
        res,
        owner!,
        name!,
        decodeSegments(`/${ref!}`)[0]!,
        decodeSegments(`/${filePath!}`).join('/'),
      );
    }
    // The stand-in runner's side of the JIT handshake: authenticated by the runner's own token.
    if (url.pathname.startsWith('/_runner/')) return this.#actions.routeRunner(req, res, url);

    const counted = this.#requests.count(req.method ?? 'GET', url.pathname);
    res.once('finish', () => {
      if (res.statusCode === 304) counted.notModified();
    });
    // An App trades its JWT for an installation token here, before (and instead of) token authentication.
    const app = this.#apps.route(req.method ?? 'GET', url.pathname, req.headers.authorization);
    if (app) {
      req.resume();
      return sendJson(res, app.status, app.body);
    }

    this.#authenticate(req);
    const primary = this.#primaryRateLimit;
    if (primary) {
      const { refused, headers } = primary.charge();
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      if (refused) {
        req.resume();
        return sendJson(res, 403, {
          message:
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-primary-rate-limits`,
        });
      }
      res.once('finish', () => {
        if (res.statusCode === 304) primary.refund();
      });
    }
    const limited = this.#rateLimits.take();
    if (limited) {
      req.resume();
      return sendJson(
        res,
        limited.status,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        },
        limited.headers,
      );
    }
    // Only the endpoints GITHUB_ROUTES names are served: the schema test checks each of them.
    if (!matchGitHubRoute(req.method ?? 'GET', url.pathname)) {
      req.resume();
      throw notFound();
    }
    // Release routes read their own bodies: asset uploads are raw bytes, not JSON.
    const releasePath = /^\/repos\/([^/]+)\/([^/]+)\/(releases(?:\/.*)?)$/.exec(url.pathname);
    if (releasePath) {
      const repo = this.#repoOrThrow(releasePath[1]!, releasePath[2]!, notFound);
      const rest = decodeSegments(`/${releasePath[3]!}`);
      if (await this.releases.route(req, res, url, req.method ?? 'GET', repo, rest)) return;
    }
    const body = req.method === 'POST' || req.method === 'PATCH' ? await readJson(req) : {};
    const segments = decodeSegments(url.pathname);
    const method = req.method ?? 'GET';

    if (method === 'POST' && segments.length === 2 && segments[0] === 'user' && segments[1] === 'repos')
      return this.#createRepositoryFromApi(res, this.#login, body);
    if (method === 'POST' && segments.length === 3 && segments[0] === 'orgs' && segments[2] === 'repos')
      return this.#createRepositoryFromApi(res, segments[1]!, body);
    if (segments[0] === 'orgs' && segments.length >= 3) {
      const org = segments[1]!;
      if (![...this.#repos.values()].some((r) => r.owner.toLowerCase() === org.toLowerCase()))
        throw notFound();
      if (this.#actions.route(res, url, method, { owner: org }, segments.slice(2), body)) return;
      throw notFound();
    }
    if (segments[0] !== 'repos' || segments.length < 3) throw notFound();
    const repo = this.#repoOrThrow(segments[1]!, segments[2]!, notFound);
    return this.#routeRepository(res, url, method, repo, segments.slice(3), body);
  }

  async #routeRepository(
    res: ServerResponse,
    url: URL,
    method: string,
    repo: EmulatedRepository,
    rest: string[],
    body: Record<string, unknown>,
  ): Promise<void> {
    const [resource, id, sub] = rest;
    if (resource === 'collaborators' && rest.length === 3 && sub === 'permission' && method === 'GET')
      return this.#permission(res, repo, id!);
    if (resource === 'issues' && sub === 'labels' && rest.length === 4 && method === 'DELETE') {
      const pull = repo.pulls.find((p) => String(p.number) === id);
      if (pull) {
        if (!pull.labels.includes(rest[3]!)) throw new GitHubApiError(404, 'Label does not exist');
        pull.labels = pull.labels.filter((l) => l !== rest[3]);
        return sendJson(
          res,
          200,
          pull.labels.map((l) => labelJson(this.#url, repo, l)),
        );
      }
    }
    if (this.#issues.route(res, url, method, repo, rest, body)) return;
    if (this.#actions.route(res, url, method, { owner: repo.owner, repo: repo.name }, rest, body)) return;
    if (await routeBranches(res, url, method, repo, rest, this.#url)) return;
    if (rest.length === 0 && method === 'GET') return sendJson(res, 200, repositoryJson(this.#url, repo));

    if (resource === 'pulls' && rest.length === 1) {
      if (method === 'GET') return this.#listPulls(res, url, repo);
      if (method === 'POST') return this.#createPull(res, repo, body);
    }
    if (resource === 'pulls' && rest.length === 2) {
      const pull = repo.pulls.find((p) => String(p.number) === id);
      if (!pull) throw notFound();
      if (method === 'GET') return sendJson(res, 200, await this.#pullJson(repo, pull));
      if (method === 'PATCH') return this.#updatePull(res, repo, pull, body);
    }
    if (resource === 'contents' && method === 'GET')
      return this.#contents(res, url, repo, rest.slice(1).join('/'));
    if (resource === 'git' && id === 'blobs' && rest.length === 3 && method === 'GET')
      return this.#blob(res, repo, rest[2]!);
    if (resource === 'statuses' && rest.length === 2 && method === 'POST')
      return this.#createStatus(res, repo, id!, body);
    if (resource === 'commits' && rest.length === 3 && method === 'GET') {
      if (sub === 'statuses') return this.#listStatuses(res, url, repo, id!);
      if (sub === 'status') return this.#combinedStatus(res, url, repo, id!);
    }
    if (resource === 'issues' && sub === 'comments' && rest.length === 3) {
      if (method === 'GET') return this.#listComments(res, url, repo, Number(id));
      if (method === 'POST') return this.#createComment(res, repo, Number(id), body);
    }
    if (resource === 'hooks' && rest.length === 1) {
      if (method === 'GET')
        return this.#sendPage(
          res,
          url,
          repo.hooks.map((h) => hookJson(this.#url, repo, h, this.#lastResponse(h.id))),
        );
      if (method === 'POST') return this.#createHook(res, repo, body);
    }
    throw notFound();
  }

  #authenticate(req: IncomingMessage): void {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !this.#validToken(match[1]!)) {
      req.resume();
      throw new GitHubApiError(401, 'Bad credentials');
    }
  }

  #validToken(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return (
      this.#options.tokens.some((token) => {
        const want = Buffer.from(token);
        return want.length === given.length && timingSafeEqual(want, given);
      }) || this.#apps.validToken(candidate)
    );
  }

  #repoOrThrow(owner: string, name: string, error: () => Error) {
    const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw error();
    return repo;
  }

  // ---- git over smart HTTP ----

  async #serveGit(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    owner: string,
    name: string,
    rest: string,
  ): Promise<void> {
    const repo = this.#repoOrThrow(owner, name, notFound);
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack';
    // Reading is anonymous, as for a public repository; wrong credentials are refused even there, as GitHub does.
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const [user, password] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
    const authenticated = password !== undefined && this.#validToken(password);
    if ((pushing || basic) && !authenticated) {
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      res.end(basic ? 'Invalid username or token.\n' : 'Authentication required to push.\n');
      return;
    }
    const serve = () =>
      serveGitHttp(req, res, {
        projectRoot: path.join(this.#options.dataDir, repo.owner),
        pathInfo: `/${repo.name}.git${rest}`,
        query: url.search.slice(1),
        ...(authenticated ? { remoteUser: user || this.#login } : {}),
        ...(this.#options.logger ? { logger: this.#options.logger } : {}),
      });
    if (!(req.method === 'POST' && rest === '/git-receive-pack')) {
      await serve();
      return;
    }
    // One push at a time per repository, so that each one's before/after comparison is its own.
    const push = repo.pushes.then(async () => {
      const before = await repo.git.refs();
      // Pull requests opened after this push began (the client may open one as soon as git exits, while
      // this push is still being processed) did not see the push: GitHub sends them no synchronize.
      const openBefore = new Set(repo.pulls.filter((p) => p.state === 'open').map((p) => p.number));
      await serve();
      await this.#afterPush(repo, before, user || this.#login, openBefore);
    });
    repo.pushes = push.catch(() => undefined);
    this.#background.add(push);
    try {
      await push;
    } finally {
      this.#background.delete(push);
    }
  }

  /**
   * What GitHub does after a push: a `push` event per changed branch or tag, `synchronize` for open pull
   * requests whose head branch moved, and closing those whose head branch was deleted.
   */
  async #afterPush(
    repo: EmulatedRepository,
    before: Map<string, string>,
    pusher: string,
    openBefore: ReadonlySet<number>,
  ): Promise<void> {
    const after = await repo.git.refs();
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (ref) => before.get(ref) !== after.get(ref),
    );
    for (const ref of changed.sort()) {
      const previous = before.get(ref) ?? null;
      const next = after.get(ref) ?? null;
      const forced = previous !== null && next !== null && !(await repo.git.isAncestor(previous, next));
      // The push event's commits take a git process per ref: only worth it when a webhook takes the event.
      const commits =
        next === null || !ref.startsWith('refs/heads/') || !this.#subscribed(repo, 'push')
          ? []
          : await repo.git.commitsBetween(next, previous ? [previous] : [...before.values()]);
      this.#emit(
        repo,
        'push',
        pushEventJson(this.#url, repo, { ref, before: previous, after: next, forced, commits, pusher }),
      );
      if (!ref.startsWith('refs/heads/')) continue;
      const branch = ref.slice('refs/heads/'.length);
      for (const pull of repo.pulls.filter(
        (p) => p.state === 'open' && p.head === branch && openBefore.has(p.number),
      )) {
        if (next === null) {
          // GitHub closes a pull request whose head branch is deleted.
          pull.state = 'closed';
          pull.closedAt = pull.updatedAt = timestamp();
          this.#emit(repo, 'pull_request', {
            action: 'closed',
            number: pull.number,
            pull_request: await this.#pullJson(repo, pull),
          });
          continue;
        }
        pull.headSha = next;
        pull.updatedAt = timestamp();
        await repo.git.updateRef(`refs/pull/${pull.number}/head`, next);
        this.#emit(repo, 'pull_request', {
          action: 'synchronize',
          number: pull.number,
          before: previous,
          after: next,
          pull_request: await this.#pullJson(repo, pull),
        });
      }
      // Pull requests from this repository (a fork) into its parent: the parent fetches the new head.
      if (next === null) continue;
      const key = `${repo.owner}/${repo.name}`.toLowerCase();
      for (const parent of this.#repos.values()) {
        for (const pull of parent.pulls.filter(
          (p) => p.state === 'open' && p.headRepo === key && p.head === branch,
        )) {
          await parent.git.fetchFrom(repo.git.dir, [`+${next}:refs/pull/${pull.number}/head`]);
          pull.headSha = next;
          pull.updatedAt = timestamp();
          this.#emit(
            parent,
            'pull_request',
            {
              action: 'synchronize',
              number: pull.number,
              before: previous,
              after: next,
              pull_request: await this.#pullJson(parent, pull),
            },
            pusher,
          );
        }
      }
    }
  }

  // ---- repositories ----

  async #createRepositoryFromApi(
    res: ServerResponse,
    owner: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const name = body.name;
    if (typeof name !== 'string' || !name) throw validation('Repository', 'name', 'missing_field');
    if (!NAME.test(owner) || !NAME.test(name) || name.startsWith('.'))
      throw validation('Repository', 'name', 'invalid');
    if (this.#repos.has(`${owner}/${name}`.toLowerCase()))
      throw new GitHubApiError(422, 'Repository creation failed.', {
        errors: [
          {
            resource: 'Repository',
            code: 'custom',
            field: 'name',
            message: 'name already exists on this account',
          },
        ],
      });
    sendJson(res, 201, await this.createRepository(owner, name));
  }

  // ---- pull requests ----

  /**
   * A pull request in the full shape (GET, POST, PATCH and webhooks), with its commits and diff counted.
   * `known`: what the caller looked up already (the base branch's commit, the commits it lacks).
   */
  async #pullJson(
    repo: EmulatedRepository,
    pull: EmulatedPull,
    known?: { baseSha: string; commits: number },
  ) {
    const baseSha = known ? known.baseSha : ((await repo.git.branches()).get(pull.base) ?? null);
    const [commits, diff] = baseSha
      ? await Promise.all([
          known?.commits ?? repo.git.countCommitsBetween(baseSha, pull.headSha),
          repo.git.diffStat(baseSha, pull.headSha),
        ])
      : [0, { additions: 0, deletions: 0, files: 0 }];
    return pullRequestJson(this.#url, repo, pull, baseSha, this.#headRepository(repo, pull), {
      commits,
      additions: diff.additions,
      deletions: diff.deletions,
      changedFiles: diff.files,
    });
  }

  /** Where the pull request's head branch lives: the repository, its fork, or nowhere (a deleted fork). */
  #headRepository(repo: EmulatedRepository, pull: EmulatedPull): EmulatedRepository | null {
    if (pull.headRepo === undefined) return repo;
    if (pull.headRepo === null) return null;
    return this.#repos.get(pull.headRepo) ?? null;
  }

  /** GitHub's answer for a public repository: its owner and the tokens' login are admins, others read. */
  #permission(res: ServerResponse, repo: EmulatedRepository, login: string): void {
    const lower = login.toLowerCase();
    const role: CollaboratorPermission =
      lower === this.#login.toLowerCase() || lower === repo.owner.toLowerCase()
        ? 'admin'
        : (repo.collaborators.get(lower) ?? 'read');
    // `permission` is the legacy level: maintain reads as write, triage as read.
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    sendJson(res, 200, {
      permission,
      role_name: role,
      user: {
        ...userJson(this.#url, login),
        permissions: {
          admin: role === 'admin',
          maintain: role === 'admin' || role === 'maintain',
          push: role === 'admin' || role === 'maintain' || role === 'write',
          triage: role !== 'read',
          pull: true,
        },
        role_name: role,
      },
    });
  }

  async #listPulls(res: ServerResponse, url: URL, repo: EmulatedRepository): Promise<void> {
    const state = url.searchParams.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) throw validation('PullRequest', 'state', 'invalid');
    const head = url.searchParams.get('head');
    const base = url.searchParams.get('base');
    const pulls = repo.pulls.filter(
      (p) =>
        (state === 'all' || p.state === state) &&
        (!head || head === `${p.headRepo ? p.headRepo.split('/')[0] : repo.owner}:${p.head}`) &&
        (!base || base === p.base),
    );
    // GitHub lists newest first unless asked otherwise.
    if (url.searchParams.get('direction') !== 'asc') pulls.reverse();
    // One look at the branches for the whole list, not one git process per pull request.
    const branches = await repo.git.branches();
    this.#sendPage(
      res,
      url,
      pulls.map((p) =>
        pullRequestJson(this.#url, repo, p, branches.get(p.base) ?? null, this.#headRepository(repo, p)),
      ),
    );
  }

  async #createPull(
    res: ServerResponse,
    repo: EmulatedRepository,
    body: Record<string, unknown>,
  ): Promise<void> {
    const { title, head, base } = body;
    if (typeof title !== 'string' || !title) throw validation('PullRequest', 'title', 'missing_field');
    if (typeof head !== 'string' || !head) throw validation('PullRequest', 'head', 'missing_field');
    if (typeof base !== 'string' || !base) throw validation('PullRequest', 'base', 'missing_field');
    const json = await this.#openPull(repo, {
      title,
      head,
      base,
      ...(typeof body.body === 'string' ? { body: body.body } : {}),
      user: this.#login,
    });
    sendJson(res, 201, json);
  }

  /**
   * Opens a pull request and sends `opened`. `owner:branch` names a fork's branch: the fork is the
   * repository of the same name owned by `owner`, and its head commit is copied to `refs/pull/<n>/head`.
   */
  async #openPull(
    repo: EmulatedRepository,
    pr: { title: string; head: string; base: string; body?: string; user: string },
  ): Promise<ReturnType<typeof pullRequestJson>> {
    const [headOwner, head] = pr.head.includes(':')
      ? (pr.head.split(/:(.*)/s) as [string, string])
      : [repo.owner, pr.head];
    const fromFork = headOwner.toLowerCase() !== repo.owner.toLowerCase();
    const headRepo = fromFork ? this.#repos.get(`${headOwner}/${repo.name}`.toLowerCase()) : repo;
    if (!headRepo) throw validation('PullRequest', 'head', 'invalid');
    const branches = await repo.git.branches();
    const headSha = (fromFork ? await headRepo.git.branches() : branches).get(head);
    const baseSha = branches.get(pr.base);
    if (!headSha) throw validation('PullRequest', 'head', 'invalid');
    if (!baseSha) throw validation('PullRequest', 'base', 'invalid');
    // The fork's commits into this repository; the ref that keeps them comes with the number, below.
    if (fromFork) await repo.git.fetchFrom(headRepo.git.dir, ['--no-write-fetch-head', headSha]);
    const commits = await repo.git.countCommitsBetween(baseSha, headSha);
    if (commits === 0) throw custom('PullRequest', `No commits between ${pr.base} and ${pr.head}`);
    const headKey = fromFork ? `${headRepo.owner}/${headRepo.name}`.toLowerCase() : undefined;
    // Checked after the awaits above, so that two concurrent requests cannot both pass.
    if (
      repo.pulls.some(
        (p) => p.state === 'open' && p.head === head && p.base === pr.base && p.headRepo === headKey,
      )
    )
      throw custom('PullRequest', `A pull request already exists for ${headOwner}:${head}.`);
    const now = timestamp();
    const pull: EmulatedPull = {
      id: this.#nextId++,
      number: Math.max(0, ...repo.pulls.map((p) => p.number), this.#issues.highestNumber(repo)) + 1,
      state: 'open',
      title: pr.title,
      body: pr.body ?? null,
      user: pr.user,
      head,
      headSha,
      ...(headKey ? { headRepo: headKey } : {}),
      labels: [],
      base: pr.base,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    repo.pulls.push(pull);
    await repo.git.updateRef(`refs/pull/${pull.number}/head`, headSha);
    const json = await this.#pullJson(repo, pull, { baseSha, commits });
    this.#emit(repo, 'pull_request', { action: 'opened', number: pull.number, pull_request: json }, pr.user);
    return json;
  }

  async #updatePull(
    res: ServerResponse,
    repo: EmulatedRepository,
    pull: EmulatedPull,
    body: Record<string, unknown>,
  ): Promise<void> {
    const { state, title, body: text } = body;
    if (state !== undefined && state !== 'open' && state !== 'closed')
      throw validation('PullRequest', 'state', 'invalid');
    if (title !== undefined && (typeof title !== 'string' || !title))
      throw validation('PullRequest', 'title', 'invalid');
    const changes: Record<string, { from: string | null }> = {};
    if (typeof title === 'string' && title !== pull.title) {
      changes.title = { from: pull.title };
      pull.title = title;
    }
    if (typeof text === 'string' && text !== pull.body) {
      changes.body = { from: pull.body };
      pull.body = text;
    }
    let action: 'closed' | 'reopened' | null = null;
    if (state === 'closed' && pull.state === 'open') {
      action = 'closed';
      pull.state = 'closed';
      pull.closedAt = timestamp();
    } else if (state === 'open' && pull.state === 'closed') {
      // A reopened pull request picks up what its branch got meanwhile.
      const headSha = (await repo.git.branches()).get(pull.head);
      if (!headSha)
        throw custom('PullRequest', `state cannot be changed. The ${pull.head} branch has been deleted.`);
      if (repo.pulls.some((p) => p.state === 'open' && p.head === pull.head && p.base === pull.base))
        throw custom('PullRequest', `A pull request already exists for ${repo.owner}:${pull.head}.`);
      action = 'reopened';
      pull.state = 'open';
      pull.closedAt = null;
      pull.headSha = headSha;
      await repo.git.updateRef(`refs/pull/${pull.number}/head`, headSha);
    }
    const edited = Object.keys(changes).length > 0;
    if (edited || action) pull.updatedAt = timestamp();
    const json = await this.#pullJson(repo, pull);
    sendJson(res, 200, json);
    if (edited)
      this.#emit(repo, 'pull_request', {
        action: 'edited',
        number: pull.number,
        changes,
        pull_request: json,
      });
    if (action) this.#emit(repo, 'pull_request', { action, number: pull.number, pull_request: json });
  }

  // ---- contents ----

  async #contents(res: ServerResponse, url: URL, repo: EmulatedRepository, filePath: string): Promise<void> {
    const ref = url.searchParams.get('ref') || repo.defaultBranch;
    const commit = await repo.git.resolveCommit(ref);
    if (!commit) throw new GitHubApiError(404, `No commit found for the ref ${ref}`);
    const found = await repo.git.readPath(commit, filePath);
    if (!found) throw notFound();
    const apiBase = `${this.#url}/repos/${repo.owner}/${repo.name}`;
    const entryJson = (type: string, entryPath: string, sha: string, size: number) => {
      const self = `${apiBase}/contents/${encodePath(entryPath)}?ref=${encodeURIComponent(ref)}`;
      const html = `${this.#url}/${repo.owner}/${repo.name}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${encodePath(entryPath)}`;
      const git = `${apiBase}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
      return {
        type,
        name: path.posix.basename(entryPath),
        path: entryPath,
        sha,
        size,
        url: self,
        html_url: html,
        git_url: git,
        download_url:
          type === 'file'
            ? `${this.#url}/${repo.owner}/${repo.name}/raw/${encodeURIComponent(ref)}/${encodePath(entryPath)}`
            : null,
        _links: { self, git, html },
      };
    };
    if (found.kind === 'dir') {
      const kinds = { tree: 'dir', commit: 'submodule', blob: 'file' } as const;
      return sendJson(
        res,
        200,
        found.entries.map((e) => entryJson(kinds[e.type], e.path, e.sha, e.size ?? 0)),
      );
    }
    const clean = filePath.replace(/^\/+|\/+$/g, '');
    const inline = found.content.length <= INLINE_CONTENT_LIMIT;
    sendJson(res, 200, {
      ...entryJson('file', clean, found.sha, found.content.length),
      encoding: inline ? 'base64' : 'none',
      // GitHub wraps base64 at 60 columns.
      content: inline ? found.content.toString('base64').replace(/.{60}/g, '$&\n') : '',
    });
  }

  async #rawFile(
    res: ServerResponse,
    owner: string,
    name: string,
    ref: string,
    filePath: string,
  ): Promise<void> {
    const repo = this.#repoOrThrow(owner, name, notFound);
    const commit = await repo.git.resolveCommit(ref);
    const found = commit ? await repo.git.readPath(commit, filePath) : null;
    if (!found || found.kind !== 'file') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404: Not Found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': found.content.length,
    });
    res.end(found.content);
  }

  async #blob(res: ServerResponse, repo: EmulatedRepository, sha: string): Promise<void> {
    const content = await repo.git.readBlob(sha);
    if (!content) throw notFound();
    sendJson(res, 200, {
      sha,
      node_id: nodeId('Blob', sha),
      size: content.length,
      url: `${this.#url}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
      encoding: 'base64',
      content: content.toString('base64'),
    });
  }

  // ---- statuses ----

  async #createStatus(
    res: ServerResponse,
    repo: EmulatedRepository,
    sha: string,
    body: Record<string, unknown>,
  ): Promise<void> {
    const { state, context, description, target_url: targetUrl } = body;
    if (typeof state !== 'string' || !STATUS_STATES.has(state))
      throw validation('Status', 'state', 'invalid');
    const commit = /^[0-9a-f]{40}$/.test(sha) ? await repo.git.resolveCommit(sha) : null;
    if (!commit) throw new GitHubApiError(422, `No commit found for SHA: ${sha}`);
    if (typeof description === 'string' && description.length > 140)
      throw custom('Status', 'description is too long (maximum is 140 characters)');
    const status: EmulatedStatus = {
      id: this.#nextId++,
      state,
      context: typeof context === 'string' && context ? context : 'default',
      description: typeof description === 'string' ? description : null,
      targetUrl: typeof targetUrl === 'string' && targetUrl ? targetUrl : null,
      createdAt: timestamp(),
      creator: this.#login,
    };
    repo.statuses.set(commit, [...(repo.statuses.get(commit) ?? []), status]);
    sendJson(res, 201, statusJson(this.#url, repo, commit, status));
    // The event needs the commit and the branches (git processes): only worth it when a webhook takes it.
    if (!this.#subscribed(repo, 'status')) return;
    const [info, branches] = await Promise.all([repo.git.commit(commit), repo.git.branches()]);
    const tips = [...branches].filter(([, sha]) => sha === commit).map(([name]) => name);
    if (info) this.#emit(repo, 'status', statusEventJson(this.#url, repo, info, tips, status));
  }

  async #commitOrThrow(repo: EmulatedRepository, ref: string): Promise<string> {
    const sha = await repo.git.resolveCommit(ref);
    if (!sha) throw new GitHubApiError(404, `No commit found for SHA: ${ref}`);
    return sha;
  }

  async #listStatuses(res: ServerResponse, url: URL, repo: EmulatedRepository, ref: string): Promise<void> {
    const sha = await this.#commitOrThrow(repo, ref);
    const newestFirst = [...(repo.statuses.get(sha) ?? [])].reverse();
    this.#sendPage(
      res,
      url,
      newestFirst.map((s) => statusJson(this.#url, repo, sha, s)),
    );
  }

  async #combinedStatus(res: ServerResponse, url: URL, repo: EmulatedRepository, ref: string): Promise<void> {
    const sha = await this.#commitOrThrow(repo, ref);
    const latest = new Map<string, EmulatedStatus>();
    for (const s of [...(repo.statuses.get(sha) ?? [])].reverse())
      if (!latest.has(s.context)) latest.set(s.context, s);
    const newest = [...latest.values()];
    const { items, link } = paginate(
      url,
      newest.map((s) => statusJson(this.#url, repo, sha, s)),
    );
    sendJson(
      res,
      200,
      {
        state: combinedState(newest),
        sha,
        total_count: newest.length,
        statuses: items,
        repository: repositoryJson(this.#url, repo),
        commit_url: `${this.#url}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
        url: `${this.#url}/repos/${repo.owner}/${repo.name}/commits/${sha}/status`,
      },
      link ? { link } : {},
    );
  }

  // ---- comments ----

  #pullOrThrow(repo: EmulatedRepository, number: number): EmulatedPull {
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) throw notFound();
    return pull;
  }

  #listComments(res: ServerResponse, url: URL, repo: EmulatedRepository, number: number): void {
    this.#pullOrThrow(repo, number);
    this.#sendPage(
      res,
      url,
      (repo.comments.get(number) ?? []).map((c) => commentJson(this.#url, repo, number, c)),
    );
  }

  async #createComment(
    res: ServerResponse,
    repo: EmulatedRepository,
    number: number,
    body: Record<string, unknown>,
  ): Promise<void> {
    this.#pullOrThrow(repo, number);
    if (typeof body.body !== 'string' || !body.body)
      throw validation('IssueComment', 'body', 'missing_field');
    sendJson(res, 201, await this.#addComment(repo, number, this.#login, body.body));
  }

  async #addComment(repo: EmulatedRepository, number: number, user: string, text: string) {
    const pull = this.#pullOrThrow(repo, number);
    const comment = { id: this.#nextId++, body: text, user, createdAt: timestamp() };
    repo.comments.set(number, [...(repo.comments.get(number) ?? []), comment]);
    const json = commentJson(this.#url, repo, number, comment);
    this.#emit(
      repo,
      'issue_comment',
      {
        action: 'created',
        // A pull request is an issue with a pull_request field, as GitHub reports it.
        issue: issueJson(this.#url, repo, pullAsIssue(pull, repo.comments.get(number)!.length)),
        comment: json,
      },
      user,
    );
    return json;
  }

  // ---- hooks ----

  #createHook(res: ServerResponse, repo: EmulatedRepository, body: Record<string, unknown>): void {
    const config = (body.config ?? {}) as { url?: unknown; secret?: unknown; content_type?: unknown };
    if (typeof config.url !== 'string' || !/^https?:\/\//.test(config.url))
      throw validation('Hook', 'config.url', config.url === undefined ? 'missing_field' : 'invalid');
    // Form-encoded deliveries are not emulated; refusing beats silently sending JSON.
    if (config.content_type !== undefined && config.content_type !== 'json')
      throw custom('Hook', 'the emulator only delivers content_type json');
    const events = Array.isArray(body.events)
      ? body.events.filter((e): e is string => typeof e === 'string')
      : ['push'];
    const hook = this.addWebhook(repo.owner, repo.name, {
      url: config.url,
      secret: typeof config.secret === 'string' ? config.secret : '',
      events,
    });
    if (body.active === false) hook.active = false;
    sendJson(res, 201, hookJson(this.#url, repo, hook));
  }

  /** What the hook's receiver answered last, as GitHub's hook API shows it; undefined before any delivery. */
  #lastResponse(hookId: number): HookResponse | undefined {
    const last = this.#webhooks.records.findLast((r) => r.hookId === hookId);
    if (!last) return undefined;
    if (last.status >= 200 && last.status < 300)
      return { code: last.status, status: 'active', message: 'OK' };
    return {
      code: last.status || null,
      status: 'failed',
      message: last.error ?? `Invalid HTTP Response: ${last.status}`,
    };
  }

  // ---- shared ----

  #sendPage(res: ServerResponse, url: URL, all: unknown[]): void {
    const { items, link } = paginate(url, all);
    sendJson(res, 200, items, link ? { link } : {});
  }

  /** Whether an active webhook of the repository takes `event`. */
  #subscribed(repo: EmulatedRepository, event: string): boolean {
    return repo.hooks.some((hook) => hookTakes(hook, event));
  }

  /** Queues the event for every hook that wants it; deliveries start after the current response. */
  #emit(
    repo: EmulatedRepository,
    event: string,
    payload: Record<string, unknown>,
    sender: string = this.#login,
  ): void {
    const full = {
      ...payload,
      repository: repositoryJson(this.#url, repo),
      sender: userJson(this.#url, sender),
    };
    for (const hook of repo.hooks) {
      if (hookTakes(hook, event)) this.#webhooks.send(hook, event, full);
    }
  }

  /** A minimal pull request page, for a person following `ironbots local --keep` in a browser. */
  #pullPage(res: ServerResponse, owner: string, name: string, number: number): void {
    const repo = this.#repoOrThrow(owner, name, notFound);
    const pull = this.#pullOrThrow(repo, number);
    const latest = new Map<string, EmulatedStatus>();
    for (const s of repo.statuses.get(pull.headSha) ?? []) latest.set(s.context, s);
    const rows = [...latest.values()]
      .map((s) => {
        const description = esc(s.description ?? '');
        const linked = s.targetUrl ? `<a href="${esc(s.targetUrl)}">${description}</a>` : description;
        return `<tr><td>${esc(s.context)}</td><td>${esc(s.state)}</td><td>${linked}</td></tr>`;
      })
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2">` +
        `<title>#${number} ${esc(pull.title)}</title>` +
        `<h1>${esc(pull.title)} <small>#${number} ${pull.state}</small></h1>` +
        `<p>${esc(pull.head)} → ${esc(pull.base)} at <code>${pull.headSha}</code></p>` +
        `<table border="1" cellpadding="4"><tr><th>context</th><th>state</th><th>description</th></tr>${rows}</table>`,
    );
  }
}

function decodeSegments(pathname: string): string[] {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw notFound();
  }
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function notFound(): GitHubApiError {
  return new GitHubApiError(404, 'Not Found');
}

function validation(resource: string, field: string, code: string): GitHubApiError {
  return new GitHubApiError(422, 'Validation Failed', { errors: [{ resource, field, code }] });
}

function custom(resource: string, message: string): GitHubApiError {
  return new GitHubApiError(422, 'Validation Failed', { errors: [{ resource, code: 'custom', message }] });
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An active webhook subscribed to `event` (or to every event). */
function hookTakes(hook: WebhookConfig, event: string): boolean {
  return hook.active && (hook.events.includes('*') || hook.events.includes(event));
}
