/**
 * The forge (GitHub, GitLab, or the built-in emulator) is the single source of truth: statuses, pull requests
 * and files are read from it, so a lost event can always be recovered by re-reading it.
 * Every implementation passes test/forge/forge-contract.ts.
 */

export interface RepositoryId {
  owner: string;
  name: string;
}

export interface Repository extends RepositoryId {
  defaultBranch: string;
  cloneUrl: string;
  htmlUrl: string;
}

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  author: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  htmlUrl: string;
  /** Clone URL of the repository that holds the head commit (a fork for outside contributors). */
  headCloneUrl: string;
  /**
   * The head branch's repository was deleted (a fork removed after the PR was opened): its commits are
   * still fetchable from the base repository, but nothing says who controls them, so it is never trusted
   * as a branch of the base repository.
   */
  headRepositoryDeleted?: boolean;
}

export interface Branch {
  name: string;
  /** The branch's head commit. */
  sha: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatusInput {
  state: CommitState;
  context: string;
  /** GitHub keeps at most 140 characters; implementations truncate. */
  description?: string;
  targetUrl?: string;
}

export interface CommitStatus extends CommitStatusInput {
  createdAt: string;
}

export interface NewPullRequest {
  title: string;
  head: string;
  base: string;
  body?: string;
}

/** What updatePullRequest changes; fields left out stay as they are. */
export interface PullRequestUpdate {
  title?: string;
  body?: string;
}

/** An issue (never a pull request); on GitLab `number` is the project-scoped iid. */
export interface Issue {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string;
  labels: string[];
  htmlUrl: string;
}

export interface NewIssue {
  title: string;
  body: string;
  labels?: string[];
}

/** What updateIssue changes; fields left out stay as they are. */
export interface IssueUpdate {
  title?: string;
  body?: string;
}

/** Which forge a client talks to, for what differs by forge (e.g. the git username that goes with a token). */
export interface ForgeKind {
  readonly kind: 'github' | 'gitlab';
}

export interface Repositories {
  getRepository(repo: RepositoryId): Promise<Repository>;
  /** Every branch of the repository with its head commit (all pages), in no particular order. */
  listBranches(repo: RepositoryId): Promise<Branch[]>;
}

export interface PullRequests {
  getPullRequest(repo: RepositoryId, number: number): Promise<PullRequest>;
  listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]>;
  createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest>;
  /** The open pull request from this repository's own branch `head` (not a fork's), or null. */
  findOpenPullRequest(repo: RepositoryId, head: string): Promise<PullRequest | null>;
  updatePullRequest(repo: RepositoryId, number: number, update: PullRequestUpdate): Promise<PullRequest>;
  /** Closes without merging; closing a closed one is no error. */
  closePullRequest(repo: RepositoryId, number: number): Promise<PullRequest>;
  /**
   * Comments on the pull request. GitHub files it as an issue comment (hence the name); on GitLab it is a
   * note on the merge request, whose numbers are not issue numbers.
   */
  createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void>;
  /** The pull request's comments (all pages), oldest first; a missing pull request is a 404. */
  listIssueComments(repo: RepositoryId, number: number): Promise<IssueComment[]>;
}

/** A comment on a pull request, as `listIssueComments` returns it. */
export interface IssueComment {
  author: string;
  body: string;
}

export interface RepositoryFiles {
  /** The file's text at `ref`, or null when it does not exist there. */
  getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null>;
}

export interface CommitStatuses {
  setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void>;
  /** The newest status of each context for the commit. */
  listCommitStatuses(repo: RepositoryId, sha: string): Promise<CommitStatus[]>;
  /**
   * Every status record the forge kept for the commit, oldest first. GitHub keeps every post; GitLab moves
   * a pending or running record of the same name through its states, so there it is one record per run.
   */
  listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]>;
}

/** Labels on pull requests: GitHub's issue labels, GitLab's merge request labels. */
export interface PullRequestLabels {
  /** Takes the label off the pull request; one it does not have is no error. */
  removePullRequestLabel(repo: RepositoryId, number: number, label: string): Promise<void>;
}

/** Issues proper (never pull requests). */
export interface IssueTracker {
  /** The open issue with exactly this title (pull requests excluded), the lowest-numbered if several, or null. */
  findOpenIssue(repo: RepositoryId, title: string): Promise<Issue | null>;
  createIssue(repo: RepositoryId, issue: NewIssue): Promise<Issue>;
  updateIssue(repo: RepositoryId, number: number, update: IssueUpdate): Promise<Issue>;
  /** Closing a closed one is no error. */
  closeIssue(repo: RepositoryId, number: number): Promise<Issue>;
}

/** Who may change a repository: the forge's own answer, asked per user. */
export interface Collaborators {
  /**
   * Whether `login` may push to the repository (GitHub: permission admin, maintain or write; GitLab: an
   * access level of Developer or above, inherited memberships included). False for an unknown user.
   */
  hasWriteAccess(repo: RepositoryId, login: string): Promise<boolean>;
}

export interface GitAccess {
  /** Credentials for `git` over HTTPS, passed to git through its environment, never in a URL. */
  gitCredentials(): { username: string; password: string } | null;
}

/** What a forge's answers said of its rate limit (GitHub's `x-ratelimit-*` headers). */
export interface RateLimitFigures {
  /** Requests per window. */
  limit: number;
  remaining: number;
  /** When the window resets, epoch milliseconds. */
  resetAt: number;
}

export interface RateLimitReport {
  /** The figures of the newest answer that carried them; null before any did, or on a forge without limits. */
  rateLimit(): RateLimitFigures | null;
}

/**
 * Everything a forge client offers. Consumers ask for the capabilities they use (e.g.
 * `CommitStatuses & RepositoryFiles`), so a fake or a future client needs only those.
 */
export interface Forge
  extends
    ForgeKind,
    Repositories,
    PullRequests,
    PullRequestLabels,
    RepositoryFiles,
    CommitStatuses,
    IssueTracker,
    Collaborators,
    GitAccess {}

export const STATUS_DESCRIPTION_LIMIT = 140;

export function truncateDescription(text: string): string {
  return text.length <= STATUS_DESCRIPTION_LIMIT ? text : `${text.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}

export class ForgeError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'ForgeError';
    this.status = status;
  }
}

/**
 * GitHub Actions' self-hosted runners, as the agent uses them: just-in-time registrations (one runner, one
 * job), the registrations it made, and the queued workflow jobs that are waiting for one.
 * Only GitHub has it; GitLab's runners use the custom executor driver instead (gitlab-executor/).
 */

/** Where runners are registered: one repository, or an organisation (its default runner group unless given). */
export type RunnerScope = { repo: RepositoryId } | { org: string };

export function describeScope(scope: RunnerScope): string {
  return 'org' in scope ? `organisation ${scope.org}` : `${scope.repo.owner}/${scope.repo.name}`;
}

export interface SelfHostedRunner {
  id: number;
  name: string;
  /** GitHub's `status`: a runner is online while its process talks to GitHub. */
  online: boolean;
  /** Running a job now. GitHub refuses to delete a busy runner. */
  busy: boolean;
  labels: string[];
}

export interface WorkflowJob {
  id: number;
  runId: number;
  name: string;
  /** queued, in_progress, completed (and waiting, pending, requested for jobs not yet queued). */
  status: string;
  conclusion: string | null;
  labels: string[];
  runnerName: string | null;
  headSha: string;
  /** ISO timestamps. */
  createdAt: string;
  startedAt: string | null;
  htmlUrl: string;
}

export interface JitRunnerRequest {
  name: string;
  labels: string[];
  /** 1, the default group, unless given. */
  runnerGroupId?: number;
  /** The runner's work directory inside its machine. Default `_work`. */
  workFolder?: string;
}

export interface ActionsRunners {
  /** Registers a single-use runner and returns the opaque configuration its `run.sh --jitconfig` takes. */
  createJitRunner(
    scope: RunnerScope,
    request: JitRunnerRequest,
  ): Promise<{ runner: SelfHostedRunner; jitConfig: string }>;
  /** Every runner registered in the scope (all pages). */
  listRunners(scope: RunnerScope): Promise<SelfHostedRunner[]>;
  /** The runner, or null once it is gone (GitHub removes a JIT runner after its job). */
  getRunner(scope: RunnerScope, id: number): Promise<SelfHostedRunner | null>;
  /** `absent`: it was already gone; `busy`: GitHub refuses while the runner runs a job. */
  deleteRunner(scope: RunnerScope, id: number): Promise<'deleted' | 'absent' | 'busy'>;
  /** The jobs of the repository's queued workflow runs that are still queued. */
  listQueuedWorkflowJobs(repo: RepositoryId): Promise<WorkflowJob[]>;
  /** The job, or null when the forge does not know it. */
  getWorkflowJob(repo: RepositoryId, id: number): Promise<WorkflowJob | null>;
}
