import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import {
  ForgeError,
  truncateDescription,
  type CommitState,
  type CommitStatus,
  type CommitStatusInput,
  type Forge,
  type NewPullRequest,
  type PullRequest,
  type Repository,
  type RepositoryId,
} from '../forge.ts';

const ThrottledOctokit = Octokit.plugin(throttling, retry);

export interface GitHubForgeOptions {
  token: string;
  /** https://api.github.com, a GitHub Enterprise API URL, or the built-in emulator. */
  baseUrl?: string;
  userAgent?: string;
  logger?: Logger;
  /** Retries of server errors (5xx) and rate limits. Default 2. */
  retries?: number;
  /**
   * Space writes as GitHub asks (≥ 1 s between POSTs, 3 s between comments) to stay clear of secondary rate
   * limits. Default true; off for the local emulator, which has no such limits.
   */
  throttle?: boolean;
}

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

/** The forge on GitHub's REST API through Octokit, with throttling and retries of transient failures. */
export class GitHubForge implements Forge {
  readonly kind = 'github' as const;
  readonly #octokit: InstanceType<typeof ThrottledOctokit>;
  readonly #token: string;

  constructor(options: GitHubForgeOptions) {
    this.#token = options.token;
    const logger = options.logger;
    const retries = options.retries ?? 2;
    this.#octokit = new ThrottledOctokit({
      auth: options.token,
      baseUrl: options.baseUrl ?? 'https://api.github.com',
      userAgent: options.userAgent ?? 'ironbots',
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger?.warn(message),
        error: (message: string) => logger?.error(message),
      },
      retry: { retries },
      throttle: {
        enabled: options.throttle ?? true,
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          logger?.warn({ retryAfter, method: options.method, url: options.url }, 'GitHub rate limit hit');
          return retryCount < 1;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          logger?.warn(
            { retryAfter, method: options.method, url: options.url },
            'GitHub secondary rate limit hit',
          );
          return retryCount < 1;
        },
      },
    });
  }

  async getRepository(repo: RepositoryId): Promise<Repository> {
    const { data } = await this.#call(`GET /repos/${repo.owner}/${repo.name}`, () =>
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
    const { data } = await this.#call(`GET /repos/${repo.owner}/${repo.name}/pulls/${number}`, () =>
      this.#octokit.rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number }),
    );
    return toPullRequest(data as RestPull);
  }

  async listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]> {
    const pulls = await this.#call(`GET /repos/${repo.owner}/${repo.name}/pulls`, () =>
      this.#octokit.paginate(this.#octokit.rest.pulls.list, {
        owner: repo.owner,
        repo: repo.name,
        state: 'open',
        per_page: 100,
      }),
    );
    return (pulls as RestPull[]).map(toPullRequest);
  }

  async createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest> {
    const { data } = await this.#call(`POST /repos/${repo.owner}/${repo.name}/pulls`, () =>
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

  async getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null> {
    try {
      const { data } = await this.#octokit.rest.repos.getContent({
        owner: repo.owner,
        repo: repo.name,
        path,
        ref,
      });
      if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
      return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return null;
      throw toForgeError(error, `GET /repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`);
    }
  }

  async setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void> {
    await this.#call(`POST /repos/${repo.owner}/${repo.name}/statuses/${sha}`, () =>
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
    // The combined status is already the newest status per context. Octokit's paginate() cannot normalise
    // its shape (an object holding the array), so page through it by hand.
    return this.#call(`GET /repos/${repo.owner}/${repo.name}/commits/${sha}/status`, async () => {
      const statuses: CommitStatus[] = [];
      for (let page = 1; ; page++) {
        const { data } = await this.#octokit.rest.repos.getCombinedStatusForRef({
          owner: repo.owner,
          repo: repo.name,
          ref: sha,
          per_page: 100,
          page,
        });
        statuses.push(...(data.statuses as RestStatus[]).map(toStatus));
        if (data.statuses.length < 100 || statuses.length >= data.total_count) return statuses;
      }
    });
  }

  async listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    const statuses = await this.#call(`GET /repos/${repo.owner}/${repo.name}/commits/${sha}/statuses`, () =>
      this.#octokit.paginate(this.#octokit.rest.repos.listCommitStatusesForRef, {
        owner: repo.owner,
        repo: repo.name,
        ref: sha,
        per_page: 100,
      }),
    );
    // GitHub lists newest first.
    return (statuses as RestStatus[]).map(toStatus).reverse();
  }

  async createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void> {
    await this.#call(`POST /repos/${repo.owner}/${repo.name}/issues/${number}/comments`, () =>
      this.#octokit.rest.issues.createComment({
        owner: repo.owner,
        repo: repo.name,
        issue_number: number,
        body,
      }),
    );
  }

  gitCredentials(): { username: string; password: string } {
    return { username: 'x-access-token', password: this.#token };
  }

  async #call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toForgeError(error, what);
    }
  }
}

interface RestStatus {
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
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

function toPullRequest(pr: RestPull): PullRequest {
  return {
    number: pr.number,
    state: pr.state === 'open' ? 'open' : 'closed',
    title: pr.title,
    body: pr.body ?? '',
    author: pr.user?.login ?? 'ghost',
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
    htmlUrl: pr.html_url,
    headCloneUrl: pr.head.repo?.clone_url ?? pr.base.repo.clone_url,
  };
}

/** Octokit's RequestError carries the status; a network failure has none (status 0: worth retrying). */
function toForgeError(error: unknown, what: string): ForgeError {
  if (error instanceof ForgeError) return error;
  const status = (error as { status?: number }).status ?? 0;
  const message =
    (error as { response?: { data?: { message?: string } } }).response?.data?.message ??
    (error as Error).message;
  return new ForgeError(`${what}: ${status || 'network error'} ${message}`, status);
}
