import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitLabApiError, readBody, readJson, sendJson } from './gitlab-http.ts';

/** A CI job as the emulator keeps it, from its creation (pending) to the state its runner reported. */
export interface EmulatedCiJob {
  id: number;
  token: string;
  name: string;
  stage: string;
  tags: string[];
  script: string[];
  afterScript: string[];
  variables: Record<string, string>;
  image: string | undefined;
  timeoutSeconds: number;
  status: 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  failureReason: string | null;
  exitCode: number | null;
  trace: string;
  runnerId: number | null;
  project: { id: number; fullPath: string; name: string; namespace: string; defaultBranch: string };
  ref: string;
  sha: string;
}

export interface CiJobOptions {
  name?: string;
  stage?: string;
  tags?: string[];
  /** The job's `script:` lines. */
  script: string[];
  afterScript?: string[];
  variables?: Record<string, string>;
  image?: string;
  /** Seconds (GitLab's default: one hour). */
  timeout?: number;
  ref?: string;
}

interface EmulatedRunner {
  id: number;
  token: string;
  tags: string[];
  runUntagged: boolean;
}

const forbidden = () => new GitLabApiError(403, { message: '403 Forbidden' });

/**
 * The runner-facing jobs API as gitlab-runner uses it: `POST /api/v4/jobs/request` hands a pending job whose
 * tags the runner has (201, or 204 when there is none), `PUT /api/v4/jobs/:id` reports its state and
 * failure reason, `PATCH /api/v4/jobs/:id/trace` appends to its log at the offset `Content-Range` names.
 */
export class GitLabJobsApi {
  readonly #nextId: () => number;
  readonly #serverUrl: () => string;
  readonly #runners: EmulatedRunner[] = [];
  readonly #jobs: EmulatedCiJob[] = [];

  constructor(deps: { nextId: () => number; serverUrl: () => string }) {
    this.#nextId = deps.nextId;
    this.#serverUrl = deps.serverUrl;
  }

  registerRunner(options: { tags: string[]; runUntagged?: boolean }): { id: number; token: string } {
    const runner = {
      id: this.#nextId(),
      token: `glrt-${randomBytes(12).toString('hex')}`,
      tags: options.tags,
      runUntagged: options.runUntagged ?? false,
    };
    this.#runners.push(runner);
    return { id: runner.id, token: runner.token };
  }

  createJob(
    project: EmulatedCiJob['project'],
    sha: string,
    ref: string,
    options: CiJobOptions,
  ): EmulatedCiJob {
    const job: EmulatedCiJob = {
      id: this.#nextId(),
      token: `glcbt-${randomBytes(12).toString('hex')}`,
      name: options.name ?? 'test',
      stage: options.stage ?? 'test',
      tags: options.tags ?? [],
      script: options.script,
      afterScript: options.afterScript ?? [],
      variables: options.variables ?? {},
      image: options.image,
      timeoutSeconds: options.timeout ?? 3600,
      status: 'pending',
      failureReason: null,
      exitCode: null,
      trace: '',
      runnerId: null,
      project,
      ref,
      sha,
    };
    this.#jobs.push(job);
    return job;
  }

  job(id: number): EmulatedCiJob | undefined {
    return this.#jobs.find((j) => j.id === id);
  }

  /** Whether parts (`api`, `v4`, …) is a route of this API. */
  handles(parts: string[]): boolean {
    return parts[0] === 'api' && parts[1] === 'v4' && parts[2] === 'jobs';
  }

  async handle(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    const method = req.method ?? 'GET';
    if (parts.length === 4 && parts[3] === 'request' && method === 'POST') return this.#request(req, res);
    const job = this.#jobs.find((j) => String(j.id) === parts[3]);
    if (!job) throw new GitLabApiError(404, { message: '404 Not Found' });
    if (parts.length === 4 && method === 'PUT') return this.#update(req, res, job);
    if (parts.length === 5 && parts[4] === 'trace' && method === 'PATCH')
      return this.#appendTrace(req, res, job);
    throw new GitLabApiError(404, { error: '404 Not Found' });
  }

  async #request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const runner = this.#runners.find((r) => typeof body.token === 'string' && same(r.token, body.token));
    if (!runner) throw forbidden();
    const job = this.#jobs.find(
      (j) =>
        j.status === 'pending' &&
        (j.tags.length ? j.tags.every((t) => runner.tags.includes(t)) : runner.runUntagged),
    );
    if (!job) {
      res.writeHead(204);
      res.end();
      return;
    }
    job.status = 'running';
    job.runnerId = runner.id;
    sendJson(res, 201, this.#jobResponse(job, runner));
  }

  async #update(req: IncomingMessage, res: ServerResponse, job: EmulatedCiJob): Promise<void> {
    const body = await readJson(req);
    if (typeof body.token !== 'string' || !same(job.token, body.token)) throw forbidden();
    if (job.status !== 'running')
      throw new GitLabApiError(403, { message: '403 Forbidden - Job is not running' });
    const state = body.state;
    if (state === 'success' || state === 'failed' || state === 'canceled') {
      job.status = state;
      job.failureReason = state === 'failed' ? String(body.failure_reason ?? 'unknown_failure') : null;
      job.exitCode = typeof body.exit_code === 'number' ? body.exit_code : null;
    } else if (state !== 'running' && state !== undefined) {
      throw new GitLabApiError(400, { error: 'state does not have a valid value' });
    }
    sendJson(res, 200, { id: job.id, status: job.status });
  }

  async #appendTrace(req: IncomingMessage, res: ServerResponse, job: EmulatedCiJob): Promise<void> {
    const token = req.headers['job-token'];
    if (typeof token !== 'string' || !same(job.token, token)) throw forbidden();
    if (job.status !== 'running')
      throw new GitLabApiError(403, { message: '403 Forbidden - Job is not running' });
    const body = (await readBody(req, 10 * 1024 * 1024)).toString('utf8');
    const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    const length = Buffer.byteLength(job.trace);
    // The runner sends from where the trace ends; anything else is refused with where it does end.
    if (range && Number(range[1]) !== length) {
      res.writeHead(416, { range: `0-${length}` });
      res.end();
      return;
    }
    job.trace += body;
    res.writeHead(202, { range: `0-${Buffer.byteLength(job.trace)}`, 'x-gitlab-trace-update-interval': '3' });
    res.end();
  }

  /** The job as `POST /jobs/request` returns it (gitlab-runner's JobResponse). */
  #jobResponse(job: EmulatedCiJob, runner: EmulatedRunner) {
    const server = new URL(this.#serverUrl());
    const repoUrl = `${server.protocol}//gitlab-ci-token:${job.token}@${server.host}/${job.project.fullPath}.git`;
    const predefined: Record<string, string> = {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER_URL: this.#serverUrl(),
      CI_SERVER_HOST: server.hostname,
      CI_JOB_ID: String(job.id),
      CI_JOB_NAME: job.name,
      CI_JOB_STAGE: job.stage,
      CI_JOB_TOKEN: job.token,
      CI_JOB_URL: `${this.#serverUrl()}/${job.project.fullPath}/-/jobs/${job.id}`,
      CI_JOB_TIMEOUT: String(job.timeoutSeconds),
      CI_PIPELINE_ID: String(job.id + 100000),
      CI_PROJECT_ID: String(job.project.id),
      CI_PROJECT_NAME: job.project.name,
      CI_PROJECT_NAMESPACE: job.project.namespace,
      CI_PROJECT_PATH: job.project.fullPath,
      CI_PROJECT_PATH_SLUG: job.project.fullPath.toLowerCase().replace(/[^a-z0-9]/g, '-'),
      CI_DEFAULT_BRANCH: job.project.defaultBranch,
      CI_REPOSITORY_URL: repoUrl,
      CI_COMMIT_SHA: job.sha,
      CI_COMMIT_REF_NAME: job.ref,
      CI_COMMIT_BRANCH: job.ref,
      CI_RUNNER_ID: String(runner.id),
      CI_RUNNER_TAGS: JSON.stringify(runner.tags),
      ...(job.image ? { CI_JOB_IMAGE: job.image } : {}),
    };
    const variables = [
      ...Object.entries(predefined).map(([key, value]) => ({
        key,
        value,
        public: key !== 'CI_JOB_TOKEN' && key !== 'CI_REPOSITORY_URL',
        file: false,
        masked: key === 'CI_JOB_TOKEN',
      })),
      ...Object.entries(job.variables).map(([key, value]) => ({
        key,
        value,
        public: true,
        file: false,
        masked: false,
      })),
    ];
    return {
      id: job.id,
      token: job.token,
      allow_git_fetch: true,
      job_info: {
        id: job.id,
        name: job.name,
        stage: job.stage,
        project_id: job.project.id,
        project_name: job.project.name,
      },
      git_info: {
        repo_url: repoUrl,
        ref: job.ref,
        sha: job.sha,
        before_sha: '0000000000000000000000000000000000000000',
        ref_type: 'branch',
        refspecs: [`+refs/heads/${job.ref}:refs/remotes/origin/${job.ref}`],
        depth: 20,
      },
      runner_info: { timeout: job.timeoutSeconds },
      variables,
      steps: [
        {
          name: 'script',
          script: job.script,
          timeout: job.timeoutSeconds,
          when: 'on_success',
          allow_failure: false,
        },
        ...(job.afterScript.length
          ? [
              {
                name: 'after_script',
                script: job.afterScript,
                timeout: 300,
                when: 'always',
                allow_failure: true,
              },
            ]
          : []),
      ],
      image: job.image ? { name: job.image, entrypoint: null, ports: [] } : null,
      services: [],
      artifacts: null,
      cache: [],
      credentials: [],
      dependencies: [],
      features: { trace_sections: true, failure_reasons: ['script_failure', 'runner_system_failure'] },
    };
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
