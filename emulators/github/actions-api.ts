import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http.ts';
import { GitHubApiError, paginate, readJson, sendJson } from './github-http.ts';
import type { CommitInfo } from './bare-repository.ts';
import { nodeId, stableId, timestamp, userJson } from './payloads.ts';

/** Where a self-hosted runner is registered: one repository, or every repository of an organization. */
export type RunnerScope = { owner: string; repo: string } | { org: string };

export type WorkflowJobStatus = 'queued' | 'in_progress' | 'completed';
export type WorkflowJobConclusion = 'success' | 'failure' | 'cancelled';

/** One step of a queued job: a shell script the runner runs with bash. */
export interface WorkflowStep {
  name?: string;
  run: string;
}

/** A job of a run the test queues: `labels` is its `runs-on`. */
export interface QueuedJobSpec {
  name?: string;
  labels: string[];
  steps: WorkflowStep[];
  /** Default 360, as GitHub's. */
  timeoutMinutes?: number;
}

export interface ActionsApiOptions {
  nextId: () => number;
  /** The API's base URL, for `url` and `html_url` fields. */
  baseUrl: () => string;
  /** The base URL a runner is told in its JIT configuration (the emulator as the runner's machine reaches it). */
  runnerUrl: () => string;
  /** The login runs are triggered by (their actor). */
  login: () => string;
  /** The repository in GitHub's JSON, for the runs that embed it; null when it is gone. */
  repository: (owner: string, repo: string) => Record<string, unknown> | null;
  /** Queues a webhook delivery of the repository (`repository` and `sender` are added). */
  emit: (owner: string, repo: string, event: string, payload: Record<string, unknown>) => void;
  runnerOfflineAfterMs: number;
  jitConfigTtlMs: number;
}

interface EmulatedRunner {
  id: number;
  name: string;
  scope: { owner: string; repo?: string };
  labels: string[];
  token: string;
  workFolder: string;
  createdAt: number;
  /** Last request of the runner (ms), null before its first. */
  lastContact: number | null;
  /** Requests of the runner that are open now (a long poll keeps it in contact). */
  open: number;
  /** The one job it took, once it took it. */
  jobId: number | null;
}

interface EmulatedJob {
  id: number;
  runId: number;
  name: string;
  labels: string[];
  steps: WorkflowStep[];
  timeoutMinutes: number;
  status: WorkflowJobStatus;
  conclusion: WorkflowJobConclusion | null;
  runnerId: number | null;
  runnerName: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  log: string;
  cancelRequested: boolean;
  /** Every attempt to complete it (runner, lost communication, cancellation); only the first takes effect. */
  completions: number;
}

interface EmulatedRun {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  headBranch: string;
  /** The head commit, as `head_commit` shows it; null when the emulator could not read it. */
  headCommit: CommitInfo | null;
  createdAt: string;
  updatedAt: string;
  cancelled: boolean;
  jobs: EmulatedJob[];
}

/** What a test sees of a workflow job: GitHub's JSON, its log and how often something tried to complete it. */
export type WorkflowJobView = ReturnType<GitHubActionsApi['jobJson']> & {
  log: string;
  completions: number;
  cancelRequested: boolean;
};

/** What the runner's JIT configuration (`encoded_jit_config`, base64 of this JSON) holds: the emulator's own. */
export interface StandinJitConfig {
  url: string;
  runnerId: number;
  runnerName: string;
  token: string;
}

const READ_ONLY_LABELS = new Set(['self-hosted', 'linux', 'x64']);
const MAX_ACQUIRE_WAIT_MS = 20_000;
const LOG_BODY_LIMIT = 4 * 1024 * 1024;
const LOST_COMMUNICATION = (name: string) =>
  `The self-hosted runner: ${name} lost communication with the server. Verify the machine is running and has a healthy network connection. Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its network access can cause this error.\n`;

/**
 * GitHub Actions as a self-hosted runner sees it, for the GitHub emulator: workflow runs and jobs (queued
 * by a test, in GitHub's REST shapes and with `workflow_job` deliveries), JIT runner registrations for a
 * repository or an organization (generate-jitconfig, list, get, delete), and the runner's side of the
 * handshake under `/_runner/` (emulator-private: GitHub's real protocol is not emulated, a stand-in runner
 * speaks this one):
 *
 *   POST /_runner/acquire            Bearer <token>; long poll (`?wait=<seconds>`, at most 20): 200 a job, 204 none yet
 *   POST /_runner/jobs/:id/log       text appended to the job's log (a heartbeat too)
 *   GET  /_runner/jobs/:id           {status, cancelled} (a heartbeat)
 *   POST /_runner/jobs/:id/complete  {conclusion: success | failure | cancelled}
 *
 * A runner with no contact for `runnerOfflineAfterMs` is offline; if it was running a job, the job fails with
 * GitHub's "lost communication" line and the runner stays registered, offline and idle. A runner whose job
 * completed normally is removed, as GitHub removes a JIT runner after its one job.
 */
export class GitHubActionsApi {
  readonly #o: ActionsApiOptions;
  readonly #runners = new Map<number, EmulatedRunner>();
  /** Tokens of runners that are gone, with the reason, for a clear 401. */
  readonly #retired = new Map<string, string>();
  readonly #runs = new Map<number, EmulatedRun>();
  readonly #jobs = new Map<number, EmulatedJob>();
  readonly #labelIds = new Map<string, number>();
  /** Long polls waiting for a change. */
  readonly #waiters = new Set<() => void>();
  readonly #sweeper: NodeJS.Timeout;
  #lose: { count: number; action: WorkflowJobStatus | undefined } = { count: 0, action: undefined };
  #stopped = false;

  constructor(options: ActionsApiOptions) {
    this.#o = options;
    this.#sweeper = setInterval(
      () => this.sweep(),
      Math.max(20, Math.min(1000, options.runnerOfflineAfterMs / 4)),
    );
    this.#sweeper.unref();
  }

  /** Ends every long poll and the timer. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#sweeper);
    this.#wake();
  }

  // ---- test control ----

  queueRun(spec: {
    owner: string;
    repo: string;
    sha: string;
    branch: string;
    workflowName: string;
    headCommit?: CommitInfo | null;
    jobs: QueuedJobSpec[];
  }): { runId: number; jobIds: number[] } {
    if (spec.jobs.length === 0) throw new Error('a workflow run needs at least one job');
    for (const job of spec.jobs) {
      if (job.labels.length === 0) throw new Error('a job needs at least one label (its runs-on)');
      if (job.steps.length === 0) throw new Error('a job needs at least one step');
    }
    const now = timestamp();
    const run: EmulatedRun = {
      id: this.#o.nextId(),
      owner: spec.owner,
      repo: spec.repo,
      name: spec.workflowName,
      headSha: spec.sha,
      headBranch: spec.branch,
      headCommit: spec.headCommit ?? null,
      createdAt: now,
      updatedAt: now,
      cancelled: false,
      jobs: [],
    };
    this.#runs.set(run.id, run);
    for (const [index, job] of spec.jobs.entries()) {
      const emulated: EmulatedJob = {
        id: this.#o.nextId(),
        runId: run.id,
        name: job.name ?? (spec.jobs.length === 1 ? 'build' : `job-${index + 1}`),
        labels: [...job.labels],
        steps: job.steps.map((s, i) => ({ name: s.name ?? `Run step ${i + 1}`, run: s.run })),
        timeoutMinutes: job.timeoutMinutes ?? 360,
        status: 'queued',
        conclusion: null,
        runnerId: null,
        runnerName: null,
        createdAt: now,
        startedAt: null,
        completedAt: null,
        log: '',
        cancelRequested: false,
        completions: 0,
      };
      run.jobs.push(emulated);
      this.#jobs.set(emulated.id, emulated);
      this.#deliver(emulated, 'queued');
    }
    this.#wake();
    return { runId: run.id, jobIds: run.jobs.map((j) => j.id) };
  }

  job(jobId: number): WorkflowJobView {
    const job = this.#jobs.get(jobId);
    if (!job) throw new Error(`no workflow job ${jobId}`);
    return {
      ...this.jobJson(job),
      log: job.log,
      completions: job.completions,
      cancelRequested: job.cancelRequested,
    };
  }

  runnersOf(scope: RunnerScope) {
    const { owner, repo } = 'org' in scope ? { owner: scope.org, repo: undefined } : scope;
    return this.#runnersIn(owner, repo).map((r) => this.#runnerJson(r));
  }

  /** Cancels a run as its Cancel button does; throws when it is completed already. */
  cancelRun(owner: string, repo: string, runId: number): void {
    const run = this.#runs.get(runId);
    if (!run || !sameRepo(run, owner, repo)) throw new GitHubApiError(404, 'Not Found');
    if (this.#runStatus(run) === 'completed')
      throw new GitHubApiError(409, 'Cannot cancel a workflow run that is completed.');
    run.cancelled = true;
    for (const job of run.jobs) {
      if (job.status === 'queued') this.#complete(job, 'cancelled');
      else if (job.status === 'in_progress') job.cancelRequested = true;
    }
    run.updatedAt = timestamp();
  }

  /**
   * Loses the next `count` `workflow_job` deliveries (of `action` only, when given): never sent to any hook,
   * as when GitHub's delivery fails and nobody redelivers. `Infinity` loses all until called with 0.
   */
  loseDeliveries(count: number, action?: WorkflowJobStatus): void {
    this.#lose = { count, action };
  }

  /** Marks runners offline that have been silent too long, failing the jobs they were running. */
  sweep(now = Date.now()): void {
    for (const runner of this.#runners.values()) {
      if (runner.jobId === null || this.#online(runner, now)) continue;
      const job = this.#jobs.get(runner.jobId);
      if (job?.status !== 'in_progress') continue;
      job.log += LOST_COMMUNICATION(runner.name);
      this.#complete(job, 'failure', { keepRunner: true });
    }
  }

  // ---- REST: /repos/:owner/:repo/actions/… and /orgs/:org/actions/… ----

  /** Answers `/repos/:owner/:repo/<rest>` or `/orgs/:org/<rest>` when it is an Actions route; false otherwise. */
  route(
    res: ServerResponse,
    url: URL,
    method: string,
    scope: { owner: string; repo?: string },
    rest: string[],
    body: Record<string, unknown>,
  ): boolean {
    if (rest[0] !== 'actions') return false;
    this.sweep();
    const [, resource, id, sub] = rest;
    if (resource === 'runners') {
      if (rest.length === 2 && method === 'GET')
        return this.#sendList(res, url, 'runners', this.#runnerList(scope));
      if (rest.length === 3 && id === 'generate-jitconfig' && method === 'POST')
        return this.#generateJitConfig(res, scope, body);
      if (rest.length === 3 && (method === 'GET' || method === 'DELETE')) {
        const runner = this.#runners.get(Number(id));
        if (!runner || !inScope(runner, scope)) throw new GitHubApiError(404, 'Not Found');
        if (method === 'GET') return send(res, 200, this.#runnerJson(runner));
        if (this.#busy(runner))
          throw new GitHubApiError(422, `Bad request - Runner "${runner.name}" is still running a job`);
        this.#remove(runner, `runner "${runner.name}" was deleted`);
        res.writeHead(204).end();
        return true;
      }
      return false;
    }
    if (scope.repo === undefined) return false;
    const { owner, repo } = scope as { owner: string; repo: string };
    if (resource === 'runs' && rest.length === 2 && method === 'GET') {
      const status = url.searchParams.get('status');
      const runs = [...this.#runs.values()]
        .filter((r) => sameRepo(r, owner, repo))
        .filter((r) => !status || this.#runStatus(r) === status || this.#runConclusion(r) === status)
        .reverse();
      return this.#sendList(
        res,
        url,
        'workflow_runs',
        runs.map((r) => this.#runJson(r)),
      );
    }
    const run = resource === 'runs' ? this.#runs.get(Number(id)) : undefined;
    if (resource === 'runs' && (!run || !sameRepo(run, owner, repo)))
      throw new GitHubApiError(404, 'Not Found');
    if (run && rest.length === 3 && method === 'GET') return send(res, 200, this.#runJson(run));
    if (run && rest.length === 4 && sub === 'jobs' && method === 'GET') {
      const filter = url.searchParams.get('filter') ?? 'latest';
      if (filter !== 'latest' && filter !== 'all') throw new GitHubApiError(422, `Invalid filter: ${filter}`);
      return this.#sendList(
        res,
        url,
        'jobs',
        run.jobs.map((j) => this.jobJson(j)),
      );
    }
    if (run && rest.length === 4 && sub === 'cancel' && method === 'POST') {
      this.cancelRun(owner, repo, run.id);
      return send(res, 202, {});
    }
    if (resource === 'jobs' && rest.length === 3 && method === 'GET') {
      const job = this.#jobs.get(Number(id));
      const jobRun = job && this.#runs.get(job.runId);
      if (!job || !jobRun || !sameRepo(jobRun, owner, repo)) throw new GitHubApiError(404, 'Not Found');
      return send(res, 200, this.jobJson(job));
    }
    return false;
  }

  #generateJitConfig(
    res: ServerResponse,
    scope: { owner: string; repo?: string },
    body: Record<string, unknown>,
  ): boolean {
    const { name, labels, runner_group_id: groupId, work_folder: workFolder } = body;
    if (typeof name !== 'string' || !name.trim()) throw invalid(`"name" wasn't supplied.`);
    if (typeof groupId !== 'number' || !Number.isInteger(groupId))
      throw invalid(`"runner_group_id" wasn't supplied.`);
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || !l.trim()))
      throw invalid(`"labels" wasn't supplied.`);
    if (labels.length === 0) throw invalid(`For 'properties/labels', [] should contain at least 1 item(s).`);
    if (labels.length > 100) throw invalid(`For 'properties/labels', at most 100 items are allowed.`);
    if (workFolder !== undefined && typeof workFolder !== 'string')
      throw invalid(`For 'properties/work_folder', it is not a string.`);
    if (this.#runnersIn(scope.owner, scope.repo).some((r) => r.name.toLowerCase() === name.toLowerCase()))
      throw new GitHubApiError(409, `Already exists - A runner with the name ${name} already exists.`);
    const runner: EmulatedRunner = {
      id: this.#o.nextId(),
      name,
      scope: { ...scope },
      labels: [...new Set(labels as string[])],
      token: randomBytes(24).toString('base64url'),
      workFolder: workFolder ?? '_work',
      createdAt: Date.now(),
      lastContact: null,
      open: 0,
      jobId: null,
    };
    this.#runners.set(runner.id, runner);
    const config: StandinJitConfig = {
      url: this.#o.runnerUrl(),
      runnerId: runner.id,
      runnerName: runner.name,
      token: runner.token,
    };
    return send(res, 201, {
      runner: this.#runnerJson(runner),
      encoded_jit_config: Buffer.from(JSON.stringify(config)).toString('base64'),
    });
  }

  // ---- the runner's side: /_runner/… ----

  /** Answers a `/_runner/…` request (authenticated by the runner's own token, not an API token). */
  async routeRunner(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const segments = url.pathname.split('/').filter(Boolean).slice(1);
    const method = req.method ?? 'GET';
    const runner = this.#runnerOf(req);
    this.sweep();
    runner.open++;
    runner.lastContact = Date.now();
    try {
      if (segments.length === 1 && segments[0] === 'acquire' && method === 'POST') {
        req.resume();
        return await this.#acquire(res, url, runner);
      }
      if (segments[0] !== 'jobs' || segments.length < 2) throw new GitHubApiError(404, 'Not Found');
      const job = this.#jobs.get(Number(segments[1]));
      if (!job || runner.jobId !== job.id) throw new GitHubApiError(404, 'Not Found');
      if (segments.length === 2 && method === 'GET') {
        send(res, 200, { status: job.status, conclusion: job.conclusion, cancelled: job.cancelRequested });
        return;
      }
      if (segments.length === 3 && segments[2] === 'log' && method === 'POST') {
        const text = (
          await readBody(req, LOG_BODY_LIMIT, () => new GitHubApiError(413, 'Payload too large'))
        ).toString('utf8');
        if (job.status === 'completed')
          throw new GitHubApiError(409, `The job is completed (${job.conclusion}): no more log is taken.`);
        job.log += text;
        send(res, 200, { status: job.status, cancelled: job.cancelRequested });
        return;
      }
      if (segments.length === 3 && segments[2] === 'complete' && method === 'POST') {
        const { conclusion } = await readJson(req);
        if (conclusion !== 'success' && conclusion !== 'failure' && conclusion !== 'cancelled')
          throw new GitHubApiError(422, 'conclusion: one of success, failure, cancelled');
        job.completions++;
        if (job.status === 'completed')
          throw new GitHubApiError(409, `The job is completed already (${job.conclusion}).`);
        // A job cancelled meanwhile is cancelled, whatever its last step did.
        this.#complete(job, job.cancelRequested ? 'cancelled' : conclusion, { counted: true });
        send(res, 200, { status: job.status, conclusion: job.conclusion });
        return;
      }
      throw new GitHubApiError(404, 'Not Found');
    } finally {
      runner.open--;
      runner.lastContact = Date.now();
    }
  }

  #runnerOf(req: IncomingMessage): EmulatedRunner {
    const token = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const refuse = (message: string) => {
      req.resume();
      return new GitHubApiError(401, message);
    };
    if (!token)
      throw refuse(
        'Runner credentials are missing: send "Authorization: Bearer <token>" from the JIT configuration.',
      );
    const runner = [...this.#runners.values()].find((r) => sameSecret(r.token, token));
    if (!runner) {
      const retired = [...this.#retired].find(([t]) => sameSecret(t, token));
      throw refuse(
        retired
          ? `This runner registration is gone: ${retired[1]}. Generate a new JIT configuration.`
          : 'No runner is registered with this JIT configuration: it is invalid, or its runner was removed.',
      );
    }
    if (runner.lastContact === null && Date.now() - runner.createdAt > this.#o.jitConfigTtlMs)
      throw refuse(
        `The JIT configuration of runner "${runner.name}" expired unused after ${Math.round(this.#o.jitConfigTtlMs / 1000)} s. Generate a new one.`,
      );
    return runner;
  }

  async #acquire(res: ServerResponse, url: URL, runner: EmulatedRunner): Promise<void> {
    const waitMs = Math.min(
      MAX_ACQUIRE_WAIT_MS,
      Math.max(0, Number(url.searchParams.get('wait') ?? MAX_ACQUIRE_WAIT_MS / 1000) * 1000 || 0),
    );
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (!this.#runners.has(runner.id))
        throw new GitHubApiError(
          401,
          `This runner registration is gone: ${this.#retired.get(runner.token)}.`,
        );
      if (runner.jobId !== null) {
        const taken = this.#jobs.get(runner.jobId)!;
        // The answer to an earlier acquire may have been lost: the same job again.
        if (taken.status === 'in_progress') return this.#sendAssignment(res, taken);
        throw new GitHubApiError(409, `Runner "${runner.name}" ran its one job (${taken.id}) already.`);
      }
      const job = this.#matchingJob(runner);
      if (job) {
        this.#assign(job, runner);
        return this.#sendAssignment(res, job);
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.#stopped) {
        res.writeHead(204).end();
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          res.off('close', wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
        res.once('close', wake);
      });
      if (res.destroyed || res.writableEnded) return;
    }
  }

  #sendAssignment(res: ServerResponse, job: EmulatedJob): void {
    const run = this.#runs.get(job.runId)!;
    send(res, 200, {
      jobId: job.id,
      runId: run.id,
      repository: `${run.owner}/${run.repo}`,
      headSha: run.headSha,
      steps: job.steps,
      timeoutMinutes: job.timeoutMinutes,
    });
  }

  #matchingJob(runner: EmulatedRunner): EmulatedJob | undefined {
    const offered = new Set(runner.labels.map((l) => l.toLowerCase()));
    for (const job of this.#jobs.values()) {
      if (job.status !== 'queued') continue;
      const run = this.#runs.get(job.runId)!;
      if (run.owner.toLowerCase() !== runner.scope.owner.toLowerCase()) continue;
      if (runner.scope.repo !== undefined && run.repo.toLowerCase() !== runner.scope.repo.toLowerCase())
        continue;
      if (job.labels.every((l) => offered.has(l.toLowerCase()))) return job;
    }
    return undefined;
  }

  #assign(job: EmulatedJob, runner: EmulatedRunner): void {
    job.status = 'in_progress';
    job.startedAt = timestamp();
    job.runnerId = runner.id;
    job.runnerName = runner.name;
    runner.jobId = job.id;
    this.#runs.get(job.runId)!.updatedAt = job.startedAt;
    this.#deliver(job, 'in_progress');
  }

  #complete(
    job: EmulatedJob,
    conclusion: WorkflowJobConclusion,
    options: { keepRunner?: boolean; counted?: boolean } = {},
  ): void {
    if (!options.counted) job.completions++;
    if (job.status === 'completed') return;
    job.status = 'completed';
    job.conclusion = conclusion;
    job.completedAt = timestamp();
    job.startedAt ??= job.completedAt;
    this.#runs.get(job.runId)!.updatedAt = job.completedAt;
    this.#deliver(job, 'completed');
    const runner = job.runnerId === null ? undefined : this.#runners.get(job.runnerId);
    if (runner && !options.keepRunner)
      this.#remove(runner, `runner "${runner.name}" was removed after its job`);
  }

  #remove(runner: EmulatedRunner, reason: string): void {
    this.#runners.delete(runner.id);
    this.#retired.set(runner.token, reason);
    this.#wake();
  }

  #deliver(job: EmulatedJob, action: WorkflowJobStatus): void {
    const run = this.#runs.get(job.runId)!;
    if (this.#lose.count > 0 && (this.#lose.action === undefined || this.#lose.action === action)) {
      this.#lose.count--;
      return;
    }
    this.#o.emit(run.owner, run.repo, 'workflow_job', { action, workflow_job: this.jobJson(job) });
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  // ---- JSON ----

  jobJson(job: EmulatedJob) {
    const run = this.#runs.get(job.runId)!;
    const base = this.#o.baseUrl();
    const taken = job.runnerId !== null;
    return {
      id: job.id,
      node_id: nodeId('CheckRun', job.id),
      run_id: run.id,
      run_attempt: 1,
      run_url: `${base}/repos/${run.owner}/${run.repo}/actions/runs/${run.id}`,
      url: `${base}/repos/${run.owner}/${run.repo}/actions/jobs/${job.id}`,
      html_url: `${base}/${run.owner}/${run.repo}/actions/runs/${run.id}/job/${job.id}`,
      check_run_url: `${base}/repos/${run.owner}/${run.repo}/check-runs/${job.id}`,
      head_sha: run.headSha,
      head_branch: run.headBranch,
      workflow_name: run.name,
      name: job.name,
      status: job.status,
      conclusion: job.conclusion,
      labels: [...job.labels],
      runner_id: job.runnerId,
      runner_name: job.runnerName,
      runner_group_id: taken ? 1 : null,
      runner_group_name: taken ? 'Default' : null,
      created_at: job.createdAt,
      // GitHub reports a job that waits for a runner as started when it was queued.
      started_at: job.startedAt ?? job.createdAt,
      completed_at: job.completedAt,
      steps: job.steps.map((step, index) => ({
        name: step.name ?? `Run step ${index + 1}`,
        number: index + 1,
        status: job.status,
        conclusion: job.conclusion,
        started_at: job.startedAt,
        completed_at: job.completedAt,
      })),
    };
  }

  #runJson(run: EmulatedRun) {
    const base = this.#o.baseUrl();
    const repoApi = `${base}/repos/${run.owner}/${run.repo}`;
    const api = `${repoApi}/actions/runs/${run.id}`;
    const workflowFile = `${
      run.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'ci'
    }.yml`;
    const workflowId = stableId('workflow', run.owner, run.repo, run.name);
    const checkSuiteId = stableId('check-suite', String(run.id));
    const commit = run.headCommit;
    const repository = this.#o.repository(run.owner, run.repo);
    const actor = userJson(base, this.#o.login());
    return {
      id: run.id,
      name: run.name,
      node_id: nodeId('WorkflowRun', run.id),
      check_suite_id: checkSuiteId,
      check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: `.github/workflows/${workflowFile}`,
      display_title: commit?.message.split('\n')[0] || run.name,
      run_number: run.id,
      event: 'push',
      status: this.#runStatus(run),
      conclusion: this.#runConclusion(run),
      workflow_id: workflowId,
      url: api,
      html_url: `${base}/${run.owner}/${run.repo}/actions/runs/${run.id}`,
      pull_requests: [] as unknown[],
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      actor,
      triggering_actor: actor,
      run_attempt: 1,
      referenced_workflows: [] as unknown[],
      run_started_at: run.createdAt,
      jobs_url: `${api}/jobs`,
      logs_url: `${api}/logs`,
      check_suite_url: `${repoApi}/check-suites/${checkSuiteId}`,
      artifacts_url: `${api}/artifacts`,
      cancel_url: `${api}/cancel`,
      rerun_url: `${api}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${repoApi}/actions/workflows/${workflowId}`,
      head_commit: commit && {
        id: commit.id,
        tree_id: commit.treeId,
        message: commit.message,
        timestamp: commit.timestamp,
        author: commit.author,
        committer: commit.committer,
      },
      repository,
      head_repository: repository,
    };
  }

  #runStatus(run: EmulatedRun): WorkflowJobStatus {
    if (run.jobs.every((j) => j.status === 'completed')) return 'completed';
    if (run.jobs.every((j) => j.status === 'queued')) return 'queued';
    return 'in_progress';
  }

  #runConclusion(run: EmulatedRun): WorkflowJobConclusion | null {
    if (this.#runStatus(run) !== 'completed') return null;
    if (run.cancelled) return 'cancelled';
    return run.jobs.some((j) => j.conclusion === 'failure')
      ? 'failure'
      : run.jobs.some((j) => j.conclusion === 'cancelled')
        ? 'cancelled'
        : 'success';
  }

  #runnerJson(runner: EmulatedRunner) {
    return {
      id: runner.id,
      name: runner.name,
      os: 'linux',
      status: this.#online(runner) ? 'online' : 'offline',
      busy: this.#busy(runner),
      ephemeral: true,
      runner_group_id: 1,
      labels: runner.labels.map((name) => ({
        id: this.#labelId(name),
        name,
        type: READ_ONLY_LABELS.has(name.toLowerCase()) ? 'read-only' : 'custom',
      })),
    };
  }

  #labelId(name: string): number {
    const key = name.toLowerCase();
    let id = this.#labelIds.get(key);
    if (id === undefined) this.#labelIds.set(key, (id = this.#labelIds.size + 1));
    return id;
  }

  #online(runner: EmulatedRunner, now = Date.now()): boolean {
    return (
      runner.lastContact !== null &&
      (runner.open > 0 || now - runner.lastContact <= this.#o.runnerOfflineAfterMs)
    );
  }

  #busy(runner: EmulatedRunner): boolean {
    return runner.jobId !== null && this.#jobs.get(runner.jobId)?.status === 'in_progress';
  }

  #runnersIn(owner: string, repo: string | undefined): EmulatedRunner[] {
    return [...this.#runners.values()].filter((r) =>
      inScope(r, { owner, ...(repo === undefined ? {} : { repo }) }),
    );
  }

  #runnerList(scope: { owner: string; repo?: string }) {
    return this.#runnersIn(scope.owner, scope.repo).map((r) => this.#runnerJson(r));
  }

  #sendList(res: ServerResponse, url: URL, key: string, all: unknown[]): boolean {
    const { items, link } = paginate(url, all);
    sendJson(res, 200, { total_count: all.length, [key]: items }, link ? { link } : {});
    return true;
  }
}

function inScope(runner: EmulatedRunner, scope: { owner: string; repo?: string }): boolean {
  return (
    runner.scope.owner.toLowerCase() === scope.owner.toLowerCase() &&
    (runner.scope.repo ?? '').toLowerCase() === (scope.repo ?? '').toLowerCase()
  );
}

function sameRepo(run: EmulatedRun, owner: string, repo: string): boolean {
  return run.owner.toLowerCase() === owner.toLowerCase() && run.repo.toLowerCase() === repo.toLowerCase();
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function invalid(detail: string): GitHubApiError {
  return new GitHubApiError(422, `Invalid request.\n\n${detail}`);
}

function send(res: ServerResponse, status: number, body: unknown): boolean {
  sendJson(res, status, body);
  return true;
}
