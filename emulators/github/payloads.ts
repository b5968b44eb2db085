/**
 * What the emulator stores, and how it looks in GitHub's REST and webhook JSON. The shapes follow
 * docs.github.com (fields ironbots and common clients read; node_id and most URLs are left out).
 */
import type { BareRepository, CommitInfo } from './bare-repository.ts';
import type { WebhookConfig } from './webhook-sender.ts';

export interface EmulatedRepository {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  createdAt: string;
  git: BareRepository;
  hooks: WebhookConfig[];
  pulls: EmulatedPull[];
  /** commit id → statuses, oldest first. */
  statuses: Map<string, EmulatedStatus[]>;
  /** issue or pull request number → comments, oldest first. */
  comments: Map<number, EmulatedComment[]>;
  /** login (lower case) → permission; the emulator's own login is an admin everywhere. */
  collaborators: Map<string, CollaboratorPermission>;
}

export type CollaboratorPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface EmulatedPull {
  id: number;
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  user: string;
  head: string;
  headSha: string;
  /**
   * The repository that holds the head branch, `owner/name`, when it is a fork; null once that fork was
   * deleted (GitHub then reports `head.repo: null`); absent for a branch of the repository itself.
   */
  headRepo?: string | null;
  labels: string[];
  base: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface EmulatedStatus {
  id: number;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
  creator: string;
}

export interface EmulatedComment {
  id: number;
  body: string;
  user: string;
  createdAt: string;
}

/** GitHub's timestamps: ISO 8601 in UTC, to the second. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function userJson(login: string, type: 'User' | 'Organization' = 'User') {
  return { login, type };
}

export function repositoryJson(baseUrl: string, repo: EmulatedRepository) {
  return {
    id: repo.id,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    owner: userJson(repo.owner, 'Organization'),
    html_url: `${baseUrl}/${repo.owner}/${repo.name}`,
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}`,
    clone_url: `${baseUrl}/${repo.owner}/${repo.name}.git`,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
  };
}

export function pullRequestJson(
  baseUrl: string,
  repo: EmulatedRepository,
  pull: EmulatedPull,
  baseSha: string | null,
  /** The fork that holds the head branch (null: deleted); default the repository itself. */
  headRepository: EmulatedRepository | null = repo,
) {
  const repository = repositoryJson(baseUrl, repo);
  const headJson = headRepository ? repositoryJson(baseUrl, headRepository) : null;
  const side = (ref: string, sha: string | null, of: ReturnType<typeof repositoryJson> | null) => ({
    label: `${of?.owner.login ?? pull.user}:${ref}`,
    ref,
    sha,
    user: of?.owner ?? userJson(pull.user),
    repo: of,
  });
  return {
    id: pull.id,
    number: pull.number,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    draft: false,
    merged: false,
    merged_at: null,
    user: userJson(pull.user),
    html_url: `${repository.html_url}/pull/${pull.number}`,
    url: `${repository.url}/pulls/${pull.number}`,
    diff_url: `${repository.html_url}/pull/${pull.number}.diff`,
    issue_url: `${repository.url}/issues/${pull.number}`,
    statuses_url: `${repository.url}/statuses/${pull.headSha}`,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    labels: pull.labels.map((name) => ({ name })),
    head: side(pull.head, pull.headSha, headJson),
    base: side(pull.base, baseSha, repository),
  };
}

export function statusJson(baseUrl: string, repo: EmulatedRepository, sha: string, s: EmulatedStatus) {
  return {
    id: s.id,
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${sha}`,
    state: s.state,
    context: s.context,
    description: s.description,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: userJson(s.creator),
  };
}

/**
 * GitHub's combined state: failure if any context failed or errored, pending if any is pending or there
 * are none, success otherwise.
 */
export function combinedState(latest: EmulatedStatus[]): 'failure' | 'pending' | 'success' {
  const states = latest.map((s) => s.state);
  if (states.some((s) => s === 'failure' || s === 'error')) return 'failure';
  if (states.length === 0 || states.some((s) => s === 'pending')) return 'pending';
  return 'success';
}

/** The status event: sent for every status posted. */
export function statusEventJson(sha: string, repo: EmulatedRepository, s: EmulatedStatus) {
  return {
    id: s.id,
    sha,
    name: `${repo.owner}/${repo.name}`,
    state: s.state,
    context: s.context,
    description: s.description,
    target_url: s.targetUrl,
    commit: { sha },
    created_at: s.createdAt,
    updated_at: s.createdAt,
  };
}

export function commentJson(baseUrl: string, repo: EmulatedRepository, number: number, c: EmulatedComment) {
  return {
    id: c.id,
    body: c.body,
    user: userJson(c.user),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/issues/comments/${c.id}`,
    issue_url: `${baseUrl}/repos/${repo.owner}/${repo.name}/issues/${number}`,
    html_url: `${baseUrl}/${repo.owner}/${repo.name}/pull/${number}#issuecomment-${c.id}`,
  };
}

/** A hook as the API lists it: GitHub never shows the secret back. */
export function hookJson(baseUrl: string, repo: EmulatedRepository, h: WebhookConfig) {
  return {
    type: 'Repository',
    id: h.id,
    name: 'web',
    active: h.active,
    events: h.events,
    config: {
      url: h.url,
      content_type: 'json',
      insecure_ssl: '0',
      ...(h.secret ? { secret: '********' } : {}),
    },
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/hooks/${h.id}`,
  };
}

function commitJson(baseUrl: string, repo: EmulatedRepository, c: CommitInfo) {
  return {
    id: c.id,
    message: c.message,
    timestamp: c.timestamp,
    url: `${baseUrl}/${repo.owner}/${repo.name}/commit/${c.id}`,
    author: c.author,
    committer: c.committer,
  };
}

/** The push event (before the repository and sender every event gets). */
export function pushEventJson(
  baseUrl: string,
  repo: EmulatedRepository,
  push: {
    ref: string;
    before: string | null;
    after: string | null;
    forced: boolean;
    commits: CommitInfo[];
    pusher: string;
  },
) {
  const zero = '0'.repeat(40);
  const commits = push.commits.map((c) => commitJson(baseUrl, repo, c));
  return {
    ref: push.ref,
    before: push.before ?? zero,
    after: push.after ?? zero,
    created: push.before === null,
    deleted: push.after === null,
    forced: push.forced,
    base_ref: null,
    compare: `${baseUrl}/${repo.owner}/${repo.name}/compare/${(push.before ?? zero).slice(0, 12)}...${(push.after ?? zero).slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: { name: push.pusher, email: null },
  };
}
