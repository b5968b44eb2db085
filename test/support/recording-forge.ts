import {
  ForgeError,
  truncateDescription,
  type Branch,
  type CommitStatus,
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
 * ever posted in order (so tests can assert the exact sequence of transitions).
 */
export class RecordingForge implements Forge {
  readonly kind = 'github' as const;
  readonly repository: Repository;
  readonly files = new Map<string, Map<string, string>>();
  readonly pulls = new Map<number, PullRequest>();
  /** Branch name → head commit, for listBranches. */
  readonly branches = new Map<string, string>();
  readonly statusLog: (CommitStatusInput & { sha: string; createdAt: string })[] = [];
  readonly comments: { number: number; body: string }[] = [];
  /** Make the next calls fail, e.g. to simulate an outage. */
  failWith: ForgeError | null = null;

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

  #check(repo: RepositoryId) {
    if (this.failWith) throw this.failWith;
    if (repo.owner !== this.repository.owner || repo.name !== this.repository.name)
      throw new ForgeError('Not Found', 404);
  }

  async getRepository(repo: RepositoryId): Promise<Repository> {
    this.#check(repo);
    return this.repository;
  }
  async getPullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    this.#check(repo);
    const pr = this.pulls.get(number);
    if (!pr) throw new ForgeError('Not Found', 404);
    return pr;
  }
  async listOpenPullRequests(repo: RepositoryId): Promise<PullRequest[]> {
    this.#check(repo);
    return [...this.pulls.values()].filter((p) => p.state === 'open');
  }
  async listBranches(repo: RepositoryId): Promise<Branch[]> {
    this.#check(repo);
    return [...this.branches].map(([name, sha]) => ({ name, sha }));
  }
  async createPullRequest(repo: RepositoryId, pr: NewPullRequest): Promise<PullRequest> {
    this.#check(repo);
    return this.addPull({
      number: this.pulls.size + 1,
      headSha: 'f'.repeat(40),
      title: pr.title,
      headRef: pr.head,
    });
  }
  async findOpenPullRequest(repo: RepositoryId, head: string): Promise<PullRequest | null> {
    this.#check(repo);
    return [...this.pulls.values()].find((p) => p.state === 'open' && p.headRef === head) ?? null;
  }
  async updatePullRequest(
    repo: RepositoryId,
    number: number,
    update: PullRequestUpdate,
  ): Promise<PullRequest> {
    const pr = await this.getPullRequest(repo, number);
    Object.assign(pr, update);
    return pr;
  }
  async closePullRequest(repo: RepositoryId, number: number): Promise<PullRequest> {
    const pr = await this.getPullRequest(repo, number);
    pr.state = 'closed';
    return pr;
  }
  async getFileContent(repo: RepositoryId, path: string, ref: string): Promise<string | null> {
    this.#check(repo);
    return this.files.get(ref)?.get(path) ?? null;
  }
  async setCommitStatus(repo: RepositoryId, sha: string, status: CommitStatusInput): Promise<void> {
    this.#check(repo);
    this.statusLog.push({
      ...status,
      ...(status.description !== undefined ? { description: truncateDescription(status.description) } : {}),
      sha,
      createdAt: new Date().toISOString(),
    });
  }
  async listCommitStatuses(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    this.#check(repo);
    const newest = new Map<string, CommitStatus>();
    for (const { sha: s, ...status } of this.statusLog) if (s === sha) newest.set(status.context, status);
    return [...newest.values()];
  }
  async listCommitStatusHistory(repo: RepositoryId, sha: string): Promise<CommitStatus[]> {
    this.#check(repo);
    return this.statusLog.filter((s) => s.sha === sha).map(({ sha: _sha, ...status }) => status);
  }
  async createIssueComment(repo: RepositoryId, number: number, body: string): Promise<void> {
    this.#check(repo);
    this.comments.push({ number, body });
  }
  readonly issues: Issue[] = [];
  async findOpenIssue(repo: RepositoryId, title: string): Promise<Issue | null> {
    this.#check(repo);
    return this.issues.find((i) => i.state === 'open' && i.title === title) ?? null;
  }
  async createIssue(repo: RepositoryId, issue: NewIssue): Promise<Issue> {
    this.#check(repo);
    const number = this.pulls.size + this.issues.length + 1;
    const created: Issue = {
      number,
      state: 'open',
      title: issue.title,
      body: issue.body,
      labels: [...(issue.labels ?? [])],
      htmlUrl: `https://github.com/${repo.owner}/${repo.name}/issues/${number}`,
    };
    this.issues.push(created);
    return { ...created };
  }
  async updateIssue(repo: RepositoryId, number: number, update: IssueUpdate): Promise<Issue> {
    const issue = this.#issue(repo, number);
    if (update.title !== undefined) issue.title = update.title;
    if (update.body !== undefined) issue.body = update.body;
    return { ...issue };
  }
  async closeIssue(repo: RepositoryId, number: number): Promise<Issue> {
    const issue = this.#issue(repo, number);
    issue.state = 'closed';
    return { ...issue };
  }
  #issue(repo: RepositoryId, number: number): Issue {
    this.#check(repo);
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new ForgeError(`no issue #${number}`, 404);
    return issue;
  }
  gitCredentials() {
    return { username: 'x-access-token', password: 'recording-forge-token' };
  }
}
