import { createAppAuth } from '@octokit/auth-app';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import {
  ForgeError,
  truncateDescription,
  type ActionsRunners,
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
  type RateLimitFigures,
  type RateLimitReport,
  type Repository,
  type RepositoryId,
  type JitRunnerRequest,
  type RunnerScope,
  type SelfHostedRunner,
  type WorkflowJob,
} from '../forge.ts';
import { retryTransientFailures } from '../../core/octokit-retry.ts';
import { ConditionalCache } from './conditional-cache.ts';

/**
 * Registered first, so it sees each answer before the throttling plugin does. That plugin waits only on
 * GitHub's own rate-limit answers (a "secondary rate limit" message, or x-ratelimit-remaining: 0); a bare 429,
 * or a 403 with Retry-After (a proxy, a gateway in front of GitHub Enterprise), is marked as a secondary
 * limit so that the same hook waits as long as its Retry-After asks (60 s without one).
 */
function bareRateLimitsAsSecondary(octokit: Pick<Octokit, 'hook'>): void {
  octokit.hook.error('request', (error) => {
    const { status, response } = error as {
      status?: number;
      response?: { headers?: Record<string, unknown> };
    };
    const headers = response?.headers ?? {};
    const githubLimit = /\bsecondary rate\b/i.test(error.message) || headers['x-ratelimit-remaining'] === '0';
    if (!githubLimit && (status === 429 || (status === 403 && headers['retry-after'] !== undefined)))
      error.message = `${error.message} (secondary rate limit: a ${status} with Retry-After)`;
    throw error;
  });
}

const ThrottledOctokit = Octokit.plugin(bareRateLimitsAsSecondary, throttling, retryTransientFailures);

/** The longest wait for a rate limit unless configured otherwise: longer than GitHub's usual minute. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 120;

/** A GitHub App's installation: the forge works with installation tokens it makes (and renews) itself. */
export interface GitHubAppAuth {
  appId: number;
  /** The App's private key (PEM). */
  privateKey: string;
  installationId: number;
}

export interface GitHubForgeOptions {
  /** A personal access token; or `app`. */
  token?: string;
  app?: GitHubAppAuth;
  /** Each installation token the App's credentials bring is handed here first (to redact it from logs). */
  onToken?: (token: string) => void;
  /** https://api.github.com (default), a GitHub Enterprise API URL (…/api/v3), or the built-in emulator. */
  baseUrl?: string;
  userAgent?: string;
  logger?: Logger;
  /** How often a server error (5xx) or network failure is retried. Default 2. */
  retries?: number;
  /**
   * The unit of waiting before a retry, in ms: the n-th retry of a server error waits n² units, a rate limit
   * waits as many units as GitHub asks seconds. Default 1000; tests shrink it.
   */
  retryDelayUnitMs?: number;
  /**
   * Octokit's throttling: writes spaced as GitHub asks (≥ 1 s apart, 3 s between comments) to stay clear of
   * secondary rate limits, and a rate-limited request retried once after the reset. Default true; false
   * turns all of it off, for the emulator, which has no limits.
   */
  throttle?: boolean;
  /**
   * A rate limit that asks for a longer wait than this (Retry-After, or the time until GitHub's reset) fails
   * at once with ForgeError 403/429 instead of waiting. Default 120.
   */
  maxRateLimitWaitSeconds?: number;
  /**
   * How many list pages the conditional requests remember (ETag and contents), least recently used out
   * first. Default 512: a page holds up to 100 pull requests.
   */
  conditionalCacheEntries?: number;
  /** The page size of the conditional lists (open pull requests, queued runs): 100, GitHub's most. */
  conditionalPageSize?: number;
  /**
   * The transport. Default Node's fetch, which goes straight to GitHub; an action hands in @actions/github's,
   * which goes through the runner's proxy (HTTPS_PROXY, NO_PROXY) as every GitHub client in a job should.
   */
  fetch?: typeof fetch;
}

/** The fields of GitHub's pull request JSON that ironbots reads. */
interface RestPull {
  number: number;
  state: string;
  title: string;
  body?: string | null;
  html_url: string;
  user: { login: string } | null;
  head: { sha: string; ref: string; repo: { clone_url: string } | null };
  base: { ref: string; repo: { clone_url: string } };
}

interface RestStatus {
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
}

interface RateLimitedRequest {
  method: string;
  url: string;
}

/** GitHub's limit on one page: fewer requests for long lists. */
const PER_PAGE = 100;

/** One page of a conditional list as last read: its ETag, its items, and whether a next page followed. */
interface CachedPage<T> {
  etag: string;
  items: T[];
  next: boolean;
}

/** What a list request's answer carries: Octokit's response, of which these parts are read. */
interface PageResponse {
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** A queued workflow run, as far as listing its queued jobs needs it. */
interface QueuedRun {
  id: number;
  updatedAt: string;
}

/** The forge on GitHub's REST API through Octokit, with throttling and retries of transient failures. */
export class GitHubForge implements Forge, ActionsRunners, RateLimitReport {
  readonly kind = 'github' as const;
  readonly #octokit: InstanceType<typeof ThrottledOctokit>;
  readonly #conditional: ConditionalCache;
  readonly #conditionalPageSize: number;
  #rateLimit: RateLimitFigures | null = null;
  /** The PAT, or the newest installation token of the App (renewed before it expires, an hour). */
  #token: string;
  readonly #app: GitHubAppAuth | undefined;
  readonly #onToken: ((token: string) => void) | undefined;

  constructor(options: GitHubForgeOptions) {
    if (!options.token === !options.app) throw new Error('GitHub forge: give a token or an app, not both');
    this.#token = options.token ?? '';
    this.#app = options.app;
    this.#onToken = options.onToken;
    const logger = options.logger;
    const retryAfterBaseValue = options.retryDelayUnitMs ?? 1000;
    const maxWait = options.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS;
    // On a rate limit: wait as long as GitHub asks and try once more, unless that is longer than allowed;
    // then give up: the caller sees a ForgeError 403/429.
    const retryOnce =
      (kind: string) =>
      (retryAfter: number, request: RateLimitedRequest, _octokit: unknown, retryCount: number): boolean => {
        const tooLong = retryAfter > maxWait;
        const retrying = retryCount < 1 && !tooLong;
        logger?.warn(
          { retryAfterSeconds: retryAfter, method: request.method, url: request.url, retrying },
          `GitHub ${kind} hit${retrying ? `, retrying once in ${retryAfter} s` : tooLong ? `, giving up: the wait is longer than ${maxWait} s` : ', giving up'}`,
        );
        return retrying;
      };
    this.#octokit = new ThrottledOctokit({
      ...(options.app
        ? {
            authStrategy: createAppAuth,
            auth: {
              appId: options.app.appId,
              privateKey: options.app.privateKey,
              installationId: options.app.installationId,
            },
          }
        : { auth: options.token }),
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: options.userAgent ?? 'ironbots',
      ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger?.warn(message),
        error: (message: string) => logger?.error(message),
      },
      // A 429 is the throttling's to wait on (or to give up on), never retried on a fixed backoff.
      retry: {
        retries: options.retries ?? 2,
        retryAfterBaseValue,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        enabled: options.throttle ?? true,
        retryAfterBaseValue,
        onRateLimit: retryOnce('rate limit'),
        onSecondaryRateLimit: retryOnce('secondary rate limit'),
      },
    });
    this.#conditional = new ConditionalCache(options.conditionalCacheEntries ?? 512);
    this.#conditionalPageSize = options.conditionalPageSize ?? PER_PAGE;
    this.#octokit.hook.after('request', (response) => this.#noteRateLimit(response.headers));
    this.#octokit.hook.error('request', (error) => {
      this.#noteRateLimit((error as { response?: PageResponse }).response?.headers);
      throw error;
    });
  }

  /** The core rate limit as the newest answer that reported it said (a 304 reports it too). */
  rateLimit(): RateLimitFigures | null {
    return this.#rateLimit ? { ...this.#rateLimit } : null;
  }

  #noteRateLimit(headers: PageResponse['headers'] | undefined): void {
    if (!headers) return;
    // Search, GraphQL and the others have budgets of their own.
    const resource = headers['x-ratelimit-resource'];
    if (resource !== undefined && resource !== 'core') return;
    const limit = Number(headers['x-ratelimit-limit']);
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    if (headers['x-ratelimit-limit'] === undefined || ![limit, remaining, reset].every(Number.isFinite))
      return;
    this.#rateLimit = { limit, remaining, resetAt: reset * 1000 };
  }

  /**
   * Every page of a list, each page a conditional request: the ETag of the page's last answer goes along as
   * If-None-Match, and a 304 (free on GitHub's rate limit) is answered with what that answer held. An
   * unchanged page that was full may have a next page now (an old pull request reopened): it is asked for
   * too, so a list of exactly 100·k items costs one more request.
   */
  async #conditionalPages<T>(
    key: string,
    request: (page: number, headers: Record<string, string>) => Promise<PageResponse>,
    items: (data: unknown) => T[],
  ): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const pageKey = `${key} page=${page}`;
      const cached = this.#conditional.get<CachedPage<T>>(pageKey);
      let read: T[];
      let next: boolean;
      try {
        const response = await request(page, cached ? { 'if-none-match': cached.etag } : {});
        read = items(response.data);
        next = /\brel="next"/.test(String(response.headers.link ?? ''));
        const etag = response.headers.etag;
        if (typeof etag === 'string' && etag) this.#conditional.set(pageKey, { etag, items: read, next });
        else this.#conditional.delete(pageKey);
      } catch (error) {
        if (!cached || (error as { status?: number }).status !== 304) throw error;
        read = cached.items;
        next = cached.next || read.length === this.#conditionalPageSize;
      }
      all.push(...read);
      if (!next || read.length === 0) return all;
    }
  }

  async getRepository(repo: RepositoryId): Promise<Repository> {
    const { data } = await this.#call('GET', repo, '', () =>
      this.#octokit.rest.repos.get({ owner: repo.owner, repo: repo.name }),
    );
    return {
      owner: data.owner.login,
      name: data.name,
      defaultBranch: data.default_branch,
      cloneUrl: data.clone_url,
      htmlUrl: data.html_url,
    };
  }

  async getPullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    const { data } = await this.#call('GET', repo, `/pulls/${number}`, () =>
      this.#octokit.rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number }),
    );
    return toPullRequest(data as RestPull);
  }

  /** Conditional: an unchanged list costs its pages' 304s, which GitHub does not count. */
  async listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]> {
    return this.#call('GET', repo, '/pulls?state=open', () =>
      this.#conditionalPages(
        `GET ${repoKey(repo)}/pulls?state=open`,
        (page, headers) =>
          this.#octokit.rest.pulls.list({
            owner: repo.owner,
            repo: repo.name,
            state: 'open',
            per_page: this.#conditionalPageSize,
            page,
            headers,
          }),
        (data) => (data as RestPull[]).map(toPullRequest),
      ),
    );
  }

  async listBranches(repo: RepositoryId): Promise<Branch[]> {
    const branches = await this.#call('GET', repo, '/branches', () =>
      this.#octokit.paginate(this.#octokit.rest.repos.listBranches, {
        owner: repo.owner,
        repo: repo.name,
        per_page: PER_PAGE,
      }),
    );
    return branches.map((b) => ({ name: b.name, sha: b.commit.sha }));
  }

  async createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest> {
    const { data } = await this.#call('POST', repo, '/pulls', () =>
      this.#octokit.rest.pulls.create({
        owner: repo.owner,
        repo: repo.name,
        title: pr.title,
        head: pr.head,
        base: pr.base,
        ...(pr.body !== undefined ? { body: pr.body } : {}),
      }),
    );
    return toPullRequest(data as RestPull);
  }

  async findOpenPullRequest(repo: RepositoryId, head: string): Promise<PullRequest | null> {
    const { data } = await this.#call('GET', repo, `/pulls?state=open&head=${repo.owner}:${head}`, () =>
      this.#octokit.rest.pulls.list({
        owner: repo.owner,
        repo: repo.name,
        state: 'open',
        head: `${repo.owner}:${head}`,
        per_page: PER_PAGE,
      }),
    );
    // At most one: GitHub refuses a second open pull request from the same head to the same base.
    const pull = (data as RestPull[]).find((p) => p.head.ref === head);
    return pull ? toPullRequest(pull) : null;
  }

  async updatePullRequest(
    repo: RepositoryId,
    number: number,
    update: PullRequestUpdate,
  ): Promise<PullRequest> {
    return this.#patchPull(repo, number, {
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { body: update.body } : {}),
    });
  }

  async closePullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    return this.#patchPull(repo, number, { state: 'closed' });
  }

  async #patchPull(
    repo: RepositoryId,
    number: number,
    fields: { title?: string; body?: string; state?: 'closed' },
  ): Promise<PullRequest> {
    const { data } = await this.#call('PATCH', repo, `/pulls/${number}`, () =>
      this.#octokit.rest.pulls.update({ owner: repo.owner, repo: repo.name, pull_number: number, ...fields }),
    );
    return toPullRequest(data as RestPull);
  }

  async getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null> {
    const what = `/contents/${path}?ref=${ref}`;
    let data: unknown;
    try {
      ({ data } = await this.#octokit.rest.repos.getContent({
        owner: repo.owner,
        repo: repo.name,
        path,
        ref,
      }));
    } catch (error) {
      // GitHub answers 404 for a missing path and for a ref that does not exist.
      if ((error as { status?: number }).status === 404) return null;
      throw toForgeError(error, 'GET', repo, what);
    }
    // A directory is an array; symlinks and submodules have other types: none is a file's text.
    if (Array.isArray(data)) return null;
    const file = data as { type: string; encoding?: string; content?: string; sha: string };
    if (file.type !== 'file') return null;
    if (file.encoding === 'base64') return Buffer.from(file.content ?? '', 'base64').toString('utf8');
    // Files over 1 MB come with encoding "none" and no content; the blob API serves them up to 100 MB.
    const { data: blob } = await this.#call('GET', repo, `/git/blobs/${file.sha}`, () =>
      this.#octokit.rest.git.getBlob({ owner: repo.owner, repo: repo.name, file_sha: file.sha }),
    );
    return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  }

  async setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void> {
    await this.#call('POST', repo, `/statuses/${sha}`, () =>
      this.#octokit.rest.repos.createCommitStatus({
        owner: repo.owner,
        repo: repo.name,
        sha,
        state: status.state,
        context: status.context,
        ...(status.description !== undefined ? { description: truncateDescription(status.description) } : {}),
        ...(status.targetUrl !== undefined ? { target_url: status.targetUrl } : {}),
      }),
    );
  }

  async listCommitStatuses(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    // The combined status already holds the newest status per context. Octokit's paginate() cannot handle
    // its shape (the list is a field of an object), so its pages are walked here.
    return this.#call('GET', repo, `/commits/${sha}/status`, async () => {
      const statuses: CommitStatus[] = [];
      for (let page = 1; ; page++) {
        const { data } = await this.#octokit.rest.repos.getCombinedStatusForRef({
          owner: repo.owner,
          repo: repo.name,
          ref: sha,
          per_page: PER_PAGE,
          page,
        });
        statuses.push(...(data.statuses as RestStatus[]).map(toStatus));
        if (data.statuses.length < PER_PAGE || statuses.length >= data.total_count) return statuses;
      }
    });
  }

  async listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    const statuses = await this.#call('GET', repo, `/commits/${sha}/statuses`, () =>
      this.#octokit.paginate(this.#octokit.rest.repos.listCommitStatusesForRef, {
        owner: repo.owner,
        repo: repo.name,
        ref: sha,
        per_page: PER_PAGE,
      }),
    );
    // GitHub lists newest first.
    return (statuses as RestStatus[]).map(toStatus).reverse();
  }

  async createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void> {
    await this.#call('POST', repo, `/issues/${number}/comments`, () =>
      this.#octokit.rest.issues.createComment({
        owner: repo.owner,
        repo: repo.name,
        issue_number: number,
        body,
      }),
    );
  }

  async listIssueComments(repo: RepositoryId, number: number): Promise<IssueComment[]> {
    const comments = await this.#call('GET', repo, `/issues/${number}/comments`, () =>
      this.#octokit.paginate(this.#octokit.rest.issues.listComments, {
        owner: repo.owner,
        repo: repo.name,
        issue_number: number,
        per_page: PER_PAGE,
      }),
    );
    return comments.map((c) => ({ author: c.user?.login ?? '', body: c.body ?? '' }));
  }

  async removePullRequestLabel(repo: RepositoryId, number: number, label: string): Promise<void> {
    try {
      await this.#call('DELETE', repo, `/issues/${number}/labels/${label}`, () =>
        this.#octokit.rest.issues.removeLabel({
          owner: repo.owner,
          repo: repo.name,
          issue_number: number,
          name: label,
        }),
      );
    } catch (error) {
      // "Label does not exist": it is off already.
      if (!(error instanceof ForgeError && error.status === 404)) throw error;
    }
  }

  async hasWriteAccess(repo: RepositoryId, login: string): Promise<boolean> {
    try {
      const { data } = await this.#call('GET', repo, `/collaborators/${login}/permission`, () =>
        this.#octokit.rest.repos.getCollaboratorPermissionLevel({
          owner: repo.owner,
          repo: repo.name,
          username: login,
        }),
      );
      // `permission` is the legacy name (maintain reads as write, triage as read); role_name is finer.
      return data.permission === 'admin' || data.permission === 'write';
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return false;
      throw error;
    }
  }

  async findOpenIssue(repo: RepositoryId, title: string): Promise<Issue | null> {
    const issues = await this.#call('GET', repo, '/issues?state=open', () =>
      this.#octokit.paginate(this.#octokit.rest.issues.listForRepo, {
        owner: repo.owner,
        repo: repo.name,
        state: 'open',
        per_page: PER_PAGE,
      }),
    );
    // GitHub lists pull requests among issues; they carry a pull_request field.
    const matches = (issues as RestIssue[])
      .filter((i) => !i.pull_request && i.title === title)
      .sort((a, b) => a.number - b.number);
    return matches[0] ? toIssue(matches[0]) : null;
  }

  async createIssue(repo: RepositoryId, issue: NewIssue): Promise<Issue> {
    const { data } = await this.#call('POST', repo, '/issues', () =>
      this.#octokit.rest.issues.create({
        owner: repo.owner,
        repo: repo.name,
        title: issue.title,
        body: issue.body,
        ...(issue.labels?.length ? { labels: issue.labels } : {}),
      }),
    );
    return toIssue(data as RestIssue);
  }

  async updateIssue(repo: RepositoryId, number: number, update: IssueUpdate): Promise<Issue> {
    return this.#patchIssue(repo, number, {
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { body: update.body } : {}),
    });
  }

  async closeIssue(repo: RepositoryId, number: number): Promise<Issue> {
    return this.#patchIssue(repo, number, { state: 'closed' });
  }

  async #patchIssue(
    repo: RepositoryId,
    number: number,
    fields: { title?: string; body?: string; state?: 'closed' },
  ): Promise<Issue> {
    const { data } = await this.#call('PATCH', repo, `/issues/${number}`, () =>
      this.#octokit.rest.issues.update({
        owner: repo.owner,
        repo: repo.name,
        issue_number: number,
        ...fields,
      }),
    );
    return toIssue(data as RestIssue);
  }

  /** GitHub takes any username with a token as the password; x-access-token is what GitHub Apps use. */
  /**
   * With an App, the installation token of the newest API call (every job makes one before it clones):
   * call `installationToken()` first where that may not hold.
   */
  gitCredentials(): { username: string; password: string } {
    return { username: 'x-access-token', password: this.#token };
  }

  /** The App installation's current token (made or renewed as needed), or the PAT. */
  async installationToken(): Promise<string> {
    if (!this.#app) return this.#token;
    const { token } = (await this.#octokit.auth({ type: 'installation' })) as { token: string };
    if (token !== this.#token) {
      this.#onToken?.(token);
      this.#token = token;
    }
    return token;
  }

  async createJitRunner(
    scope: RunnerScope,
    request: JitRunnerRequest,
  ): Promise<{ runner: SelfHostedRunner; jitConfig: string }> {
    const body = {
      name: request.name,
      runner_group_id: request.runnerGroupId ?? 1,
      labels: request.labels,
      work_folder: request.workFolder ?? '_work',
    };
    const { data } = await this.#callIn('POST', scope, '/actions/runners/generate-jitconfig', () =>
      'org' in scope
        ? this.#octokit.rest.actions.generateRunnerJitconfigForOrg({ org: scope.org, ...body })
        : this.#octokit.rest.actions.generateRunnerJitconfigForRepo({
            owner: scope.repo.owner,
            repo: scope.repo.name,
            ...body,
          }),
    );
    return { runner: toRunner(data.runner as RestRunner), jitConfig: data.encoded_jit_config };
  }

  async listRunners(scope: RunnerScope): Promise<SelfHostedRunner[]> {
    const runners = await this.#callIn('GET', scope, '/actions/runners', () =>
      'org' in scope
        ? this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForOrg, {
            org: scope.org,
            per_page: PER_PAGE,
          })
        : this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForRepo, {
            owner: scope.repo.owner,
            repo: scope.repo.name,
            per_page: PER_PAGE,
          }),
    );
    return (runners as RestRunner[]).map(toRunner);
  }

  async getRunner(scope: RunnerScope, id: number): Promise<SelfHostedRunner | null> {
    try {
      const { data } = await this.#callIn('GET', scope, `/actions/runners/${id}`, () =>
        'org' in scope
          ? this.#octokit.rest.actions.getSelfHostedRunnerForOrg({ org: scope.org, runner_id: id })
          : this.#octokit.rest.actions.getSelfHostedRunnerForRepo({
              owner: scope.repo.owner,
              repo: scope.repo.name,
              runner_id: id,
            }),
      );
      return toRunner(data as RestRunner);
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return null;
      throw error;
    }
  }

  async deleteRunner(scope: RunnerScope, id: number): Promise<'deleted' | 'absent' | 'busy'> {
    try {
      await this.#callIn('DELETE', scope, `/actions/runners/${id}`, () =>
        'org' in scope
          ? this.#octokit.rest.actions.deleteSelfHostedRunnerFromOrg({ org: scope.org, runner_id: id })
          : this.#octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
              owner: scope.repo.owner,
              repo: scope.repo.name,
              runner_id: id,
            }),
      );
      return 'deleted';
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return 'absent';
      // "Bad request - Runner … is still running a job": it goes once its job ends.
      if (error instanceof ForgeError && error.status === 422) return 'busy';
      throw error;
    }
  }

  /**
   * Conditional: the queued runs list is asked with its ETag, and a run's jobs are read once per version of
   * the run (its `updated_at`): a queued run's jobs change only as the run does. An unchanged repository
   * costs one 304 per page of queued runs.
   */
  async listQueuedWorkflowJobs(repo: RepositoryId): Promise<WorkflowJob[]> {
    const runs = await this.#call('GET', repo, '/actions/runs?status=queued', () =>
      this.#conditionalPages<QueuedRun>(
        `GET ${repoKey(repo)}/actions/runs?status=queued`,
        (page, headers) =>
          this.#octokit.rest.actions.listWorkflowRunsForRepo({
            owner: repo.owner,
            repo: repo.name,
            status: 'queued',
            per_page: this.#conditionalPageSize,
            page,
            headers,
          }),
        (data) =>
          (data as { workflow_runs: { id: number; updated_at: string }[] }).workflow_runs.map((r) => ({
            id: r.id,
            updatedAt: r.updated_at,
          })),
      ),
    );
    const jobs: WorkflowJob[] = [];
    for (const run of runs) {
      const key = `GET ${repoKey(repo)}/actions/runs/${run.id}/jobs updated=${run.updatedAt}`;
      let runJobs = this.#conditional.get<WorkflowJob[]>(key);
      if (!runJobs) {
        const rest = await this.#call('GET', repo, `/actions/runs/${run.id}/jobs`, () =>
          this.#octokit.paginate(this.#octokit.rest.actions.listJobsForWorkflowRun, {
            owner: repo.owner,
            repo: repo.name,
            run_id: run.id,
            filter: 'latest',
            per_page: PER_PAGE,
          }),
        );
        runJobs = (rest as RestWorkflowJob[]).map(toWorkflowJob);
        this.#conditional.set(key, runJobs);
      }
      jobs.push(...runJobs.filter((job) => job.status === 'queued'));
    }
    return jobs;
  }

  async getWorkflowJob(repo: RepositoryId, id: number): Promise<WorkflowJob | null> {
    try {
      const { data } = await this.#call('GET', repo, `/actions/jobs/${id}`, () =>
        this.#octokit.rest.actions.getJobForWorkflowRun({ owner: repo.owner, repo: repo.name, job_id: id }),
      );
      return toWorkflowJob(data as RestWorkflowJob);
    } catch (error) {
      if (error instanceof ForgeError && error.status === 404) return null;
      throw error;
    }
  }

  /** #call for a runner scope: errors name `/orgs/<org>…` for an organisation. */
  #callIn<T>(method: string, scope: RunnerScope, path: string, request: () => Promise<T>): Promise<T> {
    return this.#call(method, 'org' in scope ? `/orgs/${scope.org}` : scope.repo, path, request);
  }

  async #call<T>(
    method: string,
    repo: RepositoryId | string,
    path: string,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toForgeError(error, method, repo, path);
    } finally {
      if (this.#app) await this.installationToken().catch(() => undefined);
    }
  }
}

/** Owner and name as a cache key: GitHub does not tell their cases apart. */
function repoKey(repo: RepositoryId): string {
  return `/repos/${repo.owner}/${repo.name}`.toLowerCase();
}

function toStatus(s: RestStatus): CommitStatus {
  return {
    state: s.state as CommitState,
    context: s.context,
    ...(s.description !== null ? { description: s.description } : {}),
    ...(s.target_url !== null ? { targetUrl: s.target_url } : {}),
    createdAt: s.created_at,
  };
}

interface RestIssue {
  number: number;
  state: string;
  title: string;
  body?: string | null;
  html_url: string;
  labels: (string | { name?: string })[];
  pull_request?: unknown;
}

function toIssue(issue: RestIssue): Issue {
  return {
    number: issue.number,
    state: issue.state === 'open' ? 'open' : 'closed',
    title: issue.title,
    body: issue.body ?? '',
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    htmlUrl: issue.html_url,
  };
}

function toPullRequest(pr: RestPull): PullRequest {
  return {
    number: pr.number,
    state: pr.state === 'open' ? 'open' : 'closed',
    title: pr.title,
    body: pr.body ?? '',
    // A deleted account shows as null; GitHub's web interface calls it "ghost".
    author: pr.user?.login ?? 'ghost',
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    htmlUrl: pr.html_url,
    // A deleted fork leaves head.repo null; its commits stay fetchable from the base repository.
    headCloneUrl: pr.head.repo?.clone_url ?? pr.base.repo.clone_url,
    ...(pr.head.repo ? {} : { headRepositoryDeleted: true }),
  };
}

interface GitHubErrorBody {
  message?: string;
  errors?: ({ message?: string; resource?: string; field?: string; code?: string } | string)[];
}

/**
 * Names the request and says what GitHub said, validation details included. The token never appears:
 * the request's headers are never quoted. A network failure has no HTTP status: 0.
 */
interface RestRunner {
  id: number;
  name: string;
  status: string;
  busy: boolean;
  labels: { name: string }[];
}

function toRunner(runner: RestRunner): SelfHostedRunner {
  return {
    id: runner.id,
    name: runner.name,
    online: runner.status === 'online',
    busy: runner.busy,
    labels: runner.labels.map((l) => l.name),
  };
}

interface RestWorkflowJob {
  id: number;
  run_id: number;
  name: string;
  status: string;
  conclusion: string | null;
  labels: string[];
  runner_name: string | null;
  head_sha: string;
  created_at: string;
  started_at: string | null;
  html_url: string | null;
}

function toWorkflowJob(job: RestWorkflowJob): WorkflowJob {
  return {
    id: job.id,
    runId: job.run_id,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion,
    labels: job.labels,
    runnerName: job.runner_name ?? null,
    headSha: job.head_sha,
    createdAt: job.created_at,
    startedAt: job.started_at ?? null,
    htmlUrl: job.html_url ?? '',
  };
}

function toForgeError(error: unknown, method: string, at: RepositoryId | string, path: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const base = typeof at === 'string' ? at : `/repos/${at.owner}/${at.name}`;
  const what = `${method} ${base}${path}`;
  const response = (
    error as {
      response?: { status: number; data?: GitHubErrorBody | string; headers?: Record<string, unknown> };
    }
  ).response;
  // Octokit reports a failure to connect as a 500 without a response; it is no HTTP status at all.
  if (!response) return new ForgeError(`${what}: no response: ${(error as Error).message}`, 0);
  const { status, data: body = {} } = response;
  const message = typeof body === 'string' ? body.slice(0, 200) : (body.message ?? 'no message');
  const details = (typeof body === 'object' ? (body.errors ?? []) : [])
    .map((e) =>
      typeof e === 'string' ? e : (e.message ?? [e.resource, e.field, e.code].filter(Boolean).join(' ')),
    )
    .filter(Boolean);
  const retryAfter = response.headers?.['retry-after'];
  // Seconds, or an HTTP date.
  if (retryAfter !== undefined)
    details.push(`retry after ${String(retryAfter)}${/^\d+$/.test(String(retryAfter)) ? ' s' : ''}`);
  return new ForgeError(
    `${what}: ${status} ${message}${details.length ? ` (${details.join('; ')})` : ''}`,
    status,
  );
}
