import { createHash } from 'node:crypto';
import {
  ForgeError,
  truncateDescription,
  type Branch,
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
} from '../../forge/forge.ts';

/**
 * An in-memory forge for unit tests of the planner and agent: files per ref, pull requests, and every status
 * ever posted in order (so tests can assert the exact sequence of transitions). It behaves as GitHub does
 * where the forge contract says how (test/forge/recording-forge.test.ts runs it through the contract);
 * it serves no git.
 */
export class RecordingForge implements Forge {
  readonly kind = 'github' as const;
  readonly repository: Repository;
  /** Ref (a commit id or a branch name) → path → text. */
  readonly files = new Map<string, Map<string, string>>();
  readonly pulls = new Map<number, PullRequest>();
  /** Branch name → head commit, for listBranches. */
  readonly branches = new Map<string, string>();
  readonly statusLog: (CommitStatusInput & { sha: string; createdAt: string })[] = [];
  readonly comments: { number: number; body: string }[] = [];
  /** Pull request number → its labels. */
  readonly labels = new Map<number, string[]>();
  readonly issues: Issue[] = [];
  /** Logins with write access (GitHub's admin, maintain or write). */
  readonly writers = new Set<string>();
  /** Make the next calls fail, e.g. to simulate an outage. */
  failWith: ForgeError | null = null;
  #commits = 0;

  constructor(repository: Partial<Repository> = {}) {
    this.repository = {
      owner: 'acme',
      name: 'widget',
      defaultBranch: 'main',
      cloneUrl: 'http://127.0.0.1:1/acme/widget.git',
      htmlUrl: 'http://127.0.0.1:1/acme/widget',
      ...repository,
    };
  }

  setFile(ref: string, path: string, content: string): void {
    if (!this.files.has(ref)) this.files.set(ref, new Map());
    this.files.get(ref)!.set(path, content);
  }

  /**
   * What a `git push` does on a real forge: a new commit on `branch` (started from the default branch when
   * new) with the file written, the branch moved to it, and open pull requests from it following. Returns
   * the commit id.
   */
  push(branch: string, path: string, content: string): string {
    const parent = this.branches.get(branch) ?? this.branches.get(this.repository.defaultBranch);
    const sha = createHash('sha1').update(`${++this.#commits}\0${branch}\0${path}\0${content}`).digest('hex');
    const tree = new Map(parent ? this.files.get(parent) : []);
    tree.set(path, content);
    this.files.set(sha, tree);
    this.files.set(branch, new Map(tree));
    this.branches.set(branch, sha);
    for (const pr of this.pulls.values()) if (pr.state === 'open' && pr.headRef === branch) pr.headSha = sha;
    return sha;
  }

  addPull(pr: Partial<PullRequest> & { number: number; headSha: string }): PullRequest {
    const full: PullRequest = {
      state: 'open',
      title: `PR ${pr.number}`,
      body: '',
      author: 'alice',
      headRef: `branch-${pr.number}`,
      baseRef: 'main',
      htmlUrl: `${this.repository.htmlUrl}/pull/${pr.number}`,
      headCloneUrl: this.repository.cloneUrl,
      ...pr,
    };
    this.pulls.set(pr.number, full);
    return full;
  }

  statusesFor(sha: string, context?: string) {
    return this.statusLog.filter((s) => s.sha === sha && (!context || s.context === context));
  }

  /** Fails as the forge would: an injected failure, or 404 for another repository. */
  #check(repo: RepositoryId, request: string) {
    if (this.failWith) throw this.failWith;
    if (repo.owner !== this.repository.owner || repo.name !== this.repository.name)
      throw this.#error(repo, request, 404, 'Not Found');
  }

  #error(repo: RepositoryId, request: string, status: number, message: string): ForgeError {
    const [method, path = ''] = request.split(' ');
    return new ForgeError(`${method} /repos/${repo.owner}/${repo.name}${path}: ${status} ${message}`, status);
  }

  /** GitHub numbers issues and pull requests from one sequence. */
  #nextNumber(): number {
    return Math.max(0, ...this.pulls.keys(), ...this.issues.map((i) => i.number)) + 1;
  }

  async getRepository(repo: RepositoryId): Promise<Repository> {
    this.#check(repo, 'GET');
    return { ...this.repository };
  }
  async getPullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    return { ...this.#pull(repo, `GET /pulls/${number}`, number) };
  }
  #pull(repo: RepositoryId, request: string, number: number): PullRequest {
    this.#check(repo, request);
    const pr = this.pulls.get(number);
    if (!pr) throw this.#error(repo, request, 404, 'Not Found');
    return pr;
  }
  async listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]> {
    this.#check(repo, 'GET /pulls?state=open');
    return [...this.pulls.values()].filter((p) => p.state === 'open').map((p) => ({ ...p }));
  }
  async listBranches(repo: RepositoryId): Promise<Branch[]> {
    this.#check(repo, 'GET /branches');
    return [...this.branches].map(([name, sha]) => ({ name, sha }));
  }
  async createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest> {
    const request = 'POST /pulls';
    this.#check(repo, request);
    const headSha = this.branches.get(pr.head);
    if (!headSha || !this.branches.has(pr.base) || !pr.title)
      throw this.#error(repo, request, 422, 'Validation Failed');
    if (
      [...this.pulls.values()].some(
        (p) => p.state === 'open' && p.headRef === pr.head && p.baseRef === pr.base,
      )
    )
      throw this.#error(
        repo,
        request,
        422,
        `Validation Failed (A pull request already exists for ${pr.head}.)`,
      );
    const created = this.addPull({
      number: this.#nextNumber(),
      headSha,
      title: pr.title,
      body: pr.body ?? '',
      headRef: pr.head,
      baseRef: pr.base,
    });
    return { ...created };
  }
  async findOpenPullRequest(repo: RepositoryId, head: string): Promise<PullRequest | null> {
    this.#check(repo, `GET /pulls?state=open&head=${head}`);
    const pr = [...this.pulls.values()].find((p) => p.state === 'open' && p.headRef === head);
    return pr ? { ...pr } : null;
  }
  async updatePullRequest(
    repo: RepositoryId,
    number: number,
    update: PullRequestUpdate,
  ): Promise<PullRequest> {
    const pr = this.#pull(repo, `PATCH /pulls/${number}`, number);
    if (update.title !== undefined) pr.title = update.title;
    if (update.body !== undefined) pr.body = update.body;
    return { ...pr };
  }
  async closePullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    const pr = this.#pull(repo, `PATCH /pulls/${number}`, number);
    pr.state = 'closed';
    return { ...pr };
  }
  async createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void> {
    const request = `POST /issues/${number}/comments`;
    this.#check(repo, request);
    if (!this.pulls.has(number) && !this.issues.some((i) => i.number === number))
      throw this.#error(repo, request, 404, 'Not Found');
    this.comments.push({ number, body });
  }
  async listIssueComments(repo: RepositoryId, number: number): Promise<IssueComment[]> {
    const request = `GET /issues/${number}/comments`;
    this.#check(repo, request);
    if (!this.pulls.has(number) && !this.issues.some((i) => i.number === number))
      throw this.#error(repo, request, 404, 'Not Found');
    return this.comments
      .filter((c) => c.number === number)
      .map((c) => ({ author: 'ironbots', body: c.body }));
  }
  async removePullRequestLabel(repo: RepositoryId, number: number, label: string): Promise<void> {
    const request = `DELETE /issues/${number}/labels/${label}`;
    this.#check(repo, request);
    if (!this.pulls.has(number)) throw this.#error(repo, request, 404, 'Not Found');
    this.labels.set(
      number,
      (this.labels.get(number) ?? []).filter((l) => l !== label),
    );
  }
  async hasWriteAccess(repo: RepositoryId, login: string): Promise<boolean> {
    this.#check(repo, `GET /collaborators/${login}/permission`);
    return this.writers.has(login);
  }
  async getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null> {
    this.#check(repo, `GET /contents/${path}?ref=${ref}`);
    return this.files.get(ref)?.get(path) ?? null;
  }
  async setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void> {
    this.#check(repo, `POST /statuses/${sha}`);
    this.statusLog.push({
      ...status,
      ...(status.description !== undefined ? { description: truncateDescription(status.description) } : {}),
      sha,
      createdAt: new Date().toISOString(),
    });
  }
  async listCommitStatuses(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    this.#check(repo, `GET /commits/${sha}/status`);
    const newest = new Map<string, CommitStatus>();
    for (const { sha: s, ...status } of this.statusLog) if (s === sha) newest.set(status.context, status);
    return [...newest.values()];
  }
  async listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    this.#check(repo, `GET /commits/${sha}/statuses`);
    return this.statusLog.filter((s) => s.sha === sha).map(({ sha: _sha, ...status }) => status);
  }
  async findOpenIssue(repo: RepositoryId, title: string): Promise<Issue | null> {
    this.#check(repo, 'GET /issues?state=open');
    const open = this.issues.filter((i) => i.state === 'open' && i.title === title);
    const lowest = open.sort((a, b) => a.number - b.number)[0];
    return lowest ? { ...lowest, labels: [...lowest.labels] } : null;
  }
  async createIssue(repo: RepositoryId, issue: NewIssue): Promise<Issue> {
    const request = 'POST /issues';
    this.#check(repo, request);
    if (!issue.title) throw this.#error(repo, request, 422, 'Validation Failed (title is missing)');
    const number = this.#nextNumber();
    const created: Issue = {
      number,
      state: 'open',
      title: issue.title,
      body: issue.body,
      labels: [...(issue.labels ?? [])],
      htmlUrl: `${this.repository.htmlUrl}/issues/${number}`,
    };
    this.issues.push(created);
    return { ...created, labels: [...created.labels] };
  }
  async updateIssue(repo: RepositoryId, number: number, update: IssueUpdate): Promise<Issue> {
    const issue = this.#issue(repo, number);
    if (update.title !== undefined) issue.title = update.title;
    if (update.body !== undefined) issue.body = update.body;
    return { ...issue, labels: [...issue.labels] };
  }
  async closeIssue(repo: RepositoryId, number: number): Promise<Issue> {
    const issue = this.#issue(repo, number);
    issue.state = 'closed';
    return { ...issue, labels: [...issue.labels] };
  }
  #issue(repo: RepositoryId, number: number): Issue {
    const request = `PATCH /issues/${number}`;
    this.#check(repo, request);
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw this.#error(repo, request, 404, 'Not Found');
    return issue;
  }
  gitCredentials() {
    return { username: 'x-access-token', password: 'recording-forge-token' };
  }
}
