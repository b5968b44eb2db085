/**
 * What the emulator stores, and how it looks in GitHub's REST and webhook JSON. Every object carries the
 * properties GitHub's OpenAPI description marks as required (test/emulators/github-openapi.test.ts holds
 * each endpoint and webhook to it), with values derived from what the emulator knows: ids, node ids, URLs
 * and timestamps are real; counts of what it does not model (stars, forks, reviews) are 0.
 */
import { createHash } from 'node:crypto';
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

/** GitHub's global node ids in their classic form: base64 of `0<length of type>:<Type><id>`. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

/** A stable positive id for a name the emulator keeps no table of (accounts, labels, workflows). */
export function stableId(...parts: string[]): number {
  return (
    (createHash('sha256').update(parts.join('\0').toLowerCase()).digest().readUInt32BE(0) % 2_000_000_000) + 1
  );
}

/** An account (user or organization) in GitHub's "simple user" shape. */
export function userJson(baseUrl: string, login: string, type: 'User' | 'Organization' = 'User') {
  const id = stableId('account', login);
  const api = `${baseUrl}/users/${login}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `${baseUrl}/avatars/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${baseUrl}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** How GitHub relates an author to a repository: its owner, or (here) a member of the owning organization. */
export function authorAssociation(login: string, repo: { owner: string }): 'OWNER' | 'MEMBER' {
  return login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'MEMBER';
}

/** A repository as the REST API's full shape has it (the minimal and webhook shapes are subsets). */
export function repositoryJson(baseUrl: string, repo: EmulatedRepository) {
  const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `${baseUrl}/${repo.owner}/${repo.name}`;
  const host = new URL(baseUrl);
  const openIssues = repo.pulls.filter((p) => p.state === 'open').length;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    owner: userJson(baseUrl, repo.owner, 'Organization'),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    // The emulator does not track edits or pushes of the repository itself; a changing value here would
    // also change the ETag of every list that embeds the repository.
    updated_at: repo.createdAt,
    pushed_at: repo.createdAt,
    git_url: `git://${host.host}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@${host.hostname}:${repo.owner}/${repo.name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [] as string[],
    visibility: 'public',
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    network_count: 0,
    subscribers_count: 0,
  };
}

/** What GitHub counts of a pull request's changes; only the single-pull-request answers carry it. */
export interface PullDetails {
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/**
 * A pull request: the list's shape, or with `details` the full one that GET, POST, PATCH and webhooks
 * answer with.
 */
export function pullRequestJson(
  baseUrl: string,
  repo: EmulatedRepository,
  pull: EmulatedPull,
  baseSha: string | null,
  /** The fork that holds the head branch (null: deleted); default the repository itself. */
  headRepository: EmulatedRepository | null = repo,
  details?: PullDetails,
) {
  const repository = repositoryJson(baseUrl, repo);
  const headJson = headRepository ? repositoryJson(baseUrl, headRepository) : null;
  const side = (ref: string, sha: string | null, of: ReturnType<typeof repositoryJson> | null) => ({
    label: `${of?.owner.login ?? pull.user}:${ref}`,
    ref,
    sha,
    user: of?.owner ?? userJson(baseUrl, pull.user),
    repo: of,
  });
  const api = `${repository.url}/pulls/${pull.number}`;
  const html = `${repository.html_url}/pull/${pull.number}`;
  const issue = `${repository.url}/issues/${pull.number}`;
  const link = (href: string) => ({ href });
  const simple = {
    url: api,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repository.url}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${repository.url}/statuses/${pull.headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userJson(baseUrl, pull.user),
    body: pull.body,
    labels: pull.labels.map((name) => labelJson(baseUrl, repo, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [] as unknown[],
    requested_reviewers: [] as unknown[],
    requested_teams: [] as unknown[],
    head: side(pull.head, pull.headSha, headJson),
    base: side(pull.base, baseSha, repository),
    _links: {
      self: link(api),
      html: link(html),
      issue: link(issue),
      comments: link(`${issue}/comments`),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${repository.url}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${repository.url}/statuses/${pull.headSha}`),
    },
    author_association: authorAssociation(pull.user, repo),
    auto_merge: null,
    draft: false,
  };
  if (!details) return simple;
  return {
    ...simple,
    merged: false,
    // Not computed: GitHub also answers null until its background merge check has run.
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: (repo.comments.get(pull.number) ?? []).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: details.commits,
    additions: details.additions,
    deletions: details.deletions,
    changed_files: details.changedFiles,
  };
}

export function statusJson(baseUrl: string, repo: EmulatedRepository, sha: string, s: EmulatedStatus) {
  const creator = userJson(baseUrl, s.creator);
  return {
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${sha}`,
    avatar_url: creator.avatar_url,
    id: s.id,
    node_id: nodeId('StatusContext', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator,
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

/** A commit as the commits API and the status event show it. */
export function commitObjectJson(baseUrl: string, repo: { owner: string; name: string }, c: CommitInfo) {
  const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `${baseUrl}/${repo.owner}/${repo.name}`;
  return {
    sha: c.id,
    node_id: nodeId('Commit', c.id),
    commit: {
      author: { ...c.author, date: c.timestamp },
      committer: { ...c.committer, date: c.timestamp },
      message: c.message,
      tree: { sha: c.treeId, url: `${api}/git/trees/${c.treeId}` },
      url: `${api}/git/commits/${c.id}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${api}/commits/${c.id}`,
    html_url: `${html}/commit/${c.id}`,
    comments_url: `${api}/commits/${c.id}/comments`,
    // GitHub links authors to accounts by e-mail address; the emulator has no accounts to link to.
    author: null,
    committer: null,
    parents: c.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
  };
}

/** The status event: sent for every status posted, with the commit and the branches whose tip it is. */
export function statusEventJson(
  baseUrl: string,
  repo: EmulatedRepository,
  commit: CommitInfo,
  branches: string[],
  s: EmulatedStatus,
) {
  const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    id: s.id,
    sha: commit.id,
    name: `${repo.owner}/${repo.name}`,
    target_url: s.targetUrl,
    avatar_url: userJson(baseUrl, s.creator).avatar_url,
    context: s.context,
    description: s.description,
    state: s.state,
    commit: commitObjectJson(baseUrl, repo, commit),
    branches: branches.map((name) => ({
      name,
      commit: { sha: commit.id, url: `${api}/commits/${commit.id}` },
      protected: false,
    })),
    created_at: s.createdAt,
    updated_at: s.createdAt,
  };
}

/** Reactions are not emulated: every count is 0. */
export function reactionsJson(url: string) {
  return {
    url: `${url}/reactions`,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

/** A label by name: the emulator keeps no label table, so id and colour derive from the name. */
export function labelJson(baseUrl: string, repo: { owner: string; name: string }, name: string) {
  const id = stableId('label', repo.owner, repo.name, name);
  return {
    id,
    node_id: nodeId('Label', id),
    url: `${baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: id.toString(16).padStart(6, '0').slice(-6),
    default: false,
  };
}

/** An issue, or a pull request as the issues API shows it (`pull` set). */
export interface IssueView {
  id: number;
  number: number;
  state: 'open' | 'closed';
  stateReason: string | null;
  title: string;
  body: string | null;
  labels: string[];
  user: string;
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull: boolean;
}

export function issueJson(baseUrl: string, repo: { owner: string; name: string }, issue: IssueView) {
  const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
  const url = `${api}/issues/${issue.number}`;
  const htmlRepo = `${baseUrl}/${repo.owner}/${repo.name}`;
  const html = `${htmlRepo}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
  return {
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id: issue.id,
    node_id: nodeId(issue.pull ? 'PullRequest' : 'Issue', issue.id),
    number: issue.number,
    title: issue.title,
    user: userJson(baseUrl, issue.user),
    labels: issue.labels.map((name) => labelJson(baseUrl, repo, name)),
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    assignee: null,
    assignees: [] as unknown[],
    milestone: null,
    comments: issue.comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(issue.user, repo),
    active_lock_reason: null,
    body: issue.body,
    reactions: reactionsJson(url),
    ...(issue.pull
      ? {
          draft: false,
          pull_request: {
            url: `${api}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

/** A pull request as the issues API and the issue_comment event show it. */
export function pullAsIssue(pull: EmulatedPull, comments: number): IssueView {
  return {
    id: pull.id,
    number: pull.number,
    state: pull.state,
    stateReason: null,
    title: pull.title,
    body: pull.body,
    labels: pull.labels,
    user: pull.user,
    comments,
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    closedAt: pull.closedAt,
    pull: true,
  };
}

/** An issue comment; `pull` says whether the number is a pull request's, for its page's URL. */
export function commentJson(
  baseUrl: string,
  repo: { owner: string; name: string },
  number: number,
  c: EmulatedComment,
  pull = true,
) {
  const api = `${baseUrl}/repos/${repo.owner}/${repo.name}`;
  const url = `${api}/issues/comments/${c.id}`;
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url,
    html_url: `${baseUrl}/${repo.owner}/${repo.name}/${pull ? 'pull' : 'issues'}/${number}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(baseUrl, c.user),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    issue_url: `${api}/issues/${number}`,
    author_association: authorAssociation(c.user, repo),
    performed_via_github_app: null,
    reactions: reactionsJson(url),
  };
}

/** The answer a hook's receiver gave to its latest delivery, as GitHub's hook API reports it. */
export interface HookResponse {
  code: number | null;
  status: string;
  message: string | null;
}

/** A hook as the API lists it: GitHub never shows the secret back. */
export function hookJson(
  baseUrl: string,
  repo: EmulatedRepository,
  h: WebhookConfig,
  lastResponse: HookResponse = { code: null, status: 'unused', message: null },
) {
  const url = `${baseUrl}/repos/${repo.owner}/${repo.name}/hooks/${h.id}`;
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
    updated_at: h.createdAt,
    created_at: h.createdAt,
    url,
    test_url: `${url}/test`,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
    last_response: lastResponse,
  };
}

function pushCommitJson(baseUrl: string, repo: EmulatedRepository, c: CommitInfo) {
  return {
    id: c.id,
    tree_id: c.treeId,
    distinct: true,
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
  const commits = push.commits.map((c) => pushCommitJson(baseUrl, repo, c));
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
