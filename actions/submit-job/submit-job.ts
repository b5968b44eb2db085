import type { CiRun } from '../../core/ci-run.ts';
import { ActionInputs, InputError, splitCommandLine, type InputSource } from '../../core/inputs.ts';

/**
 * The root action's core: turn the workflow's inputs into a job submission for an ironbots server, submit
 * it, and optionally wait for its end. No Actions runtime in here: inputs come in as a plain object and
 * HTTP goes through an injected fetch, so all of it is testable as is.
 */

/**
 * Input names as action.yml declares them, with the defaults it declares: the runner applies those, a local
 * run must apply them itself. A test keeps this table and action.yml in step.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  'server-url': '',
  token: '',
  job: '',
  labels: '',
  wait: 'false',
  'wait-timeout': '3600',
  repository: '',
  sha: '',
};

export interface JobSubmission {
  context: string;
  command: string[];
  labels: string[];
  timeoutSeconds?: number;
  env?: Record<string, string>;
  executor?: 'process' | 'podman' | 'vm';
  image?: string;
  repository?: { owner: string; name: string };
  sha?: string;
}

export interface SubmitJobPlan {
  serverUrl: string;
  token: string;
  submission: JobSubmission;
  wait: boolean;
  waitTimeoutSeconds: number;
}

export type FinalState = 'success' | 'failure' | 'error' | 'cancelled' | 'dead';
export const FINAL_STATES: readonly string[] = ['success', 'failure', 'error', 'cancelled', 'dead'];

export interface SubmitJobResult {
  jobId: string;
  state: string;
  url: string;
  logUrl: string;
  duplicate: boolean;
  description?: string;
}

export interface SubmitJobDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  log: (line: string) => void;
  /** Called once the server accepted the job, before waiting (the CLI starts streaming its log here). */
  onSubmitted?: (result: Readonly<SubmitJobResult>) => void;
}

/** The job was submitted but did not end in time; `result` holds what is known (id, log, last state). */
export class WaitTimeoutError extends Error {
  readonly result: SubmitJobResult;
  constructor(message: string, result: SubmitJobResult) {
    super(message);
    this.name = 'WaitTimeoutError';
    this.result = result;
  }
}

/**
 * An HTTP exchange that failed; `transient` ones (network, timeout, 429, 5xx) are worth polling again.
 * `status` is the server's answer, none when there was no answer.
 */
export class RequestError extends Error {
  readonly transient: boolean;
  readonly status: number | undefined;
  constructor(message: string, transient: boolean, options?: ErrorOptions & { status?: number }) {
    super(message, options);
    this.name = 'RequestError';
    this.transient = transient;
    this.status = options?.status;
  }
}

/** Also bounds a server that accepts the connection and never answers (undici would wait 5 minutes). */
export const REQUEST_TIMEOUT_MS = 30_000;
const FIRST_POLL_DELAY_MS = 2_000;
const MAX_POLL_DELAY_MS = 15_000;

/**
 * Validates the inputs and builds what will be submitted; every problem names its input. `run` supplies the
 * repository and commit of the workflow run when the inputs name none.
 */
export async function planSubmission(
  values: InputSource,
  run: CiRun,
  /** A job already in structured form (the CLI's argv); the job input is then not read. */
  structuredJob?: Omit<JobSubmission, 'labels'>,
): Promise<SubmitJobPlan> {
  const inputs = new ActionInputs(values, INPUT_DEFAULTS);
  const serverUrlText = inputs.getInput('server-url', { required: true });
  let serverUrl: URL;
  try {
    serverUrl = new URL(serverUrlText);
  } catch {
    throw new InputError('server-url', `"${serverUrlText}" is not a URL`);
  }
  if (serverUrl.protocol !== 'https:' && serverUrl.protocol !== 'http:')
    throw new InputError('server-url', 'must be http(s)');
  const token = inputs.getInput('token', { required: '(an API token of the ironbots server)' });

  const submission: JobSubmission = structuredJob
    ? { ...structuredJob, labels: [] }
    : await parseJob(inputs.getInput('job', { required: true }));
  submission.labels = [...new Set(inputs.getListInput('labels'))];
  for (const label of submission.labels) {
    if (!/^[A-Za-z0-9:._-]+$/.test(label)) throw new InputError('labels', `"${label}" is not a valid label`);
  }

  const repository = inputs.getInput('repository') || run.github?.repository || '';
  if (repository && repository !== 'none') {
    // On GitLab the owner is a namespace, and groups nest: `acme/infra/bots`.
    const slash = repository.lastIndexOf('/');
    const owner = repository.slice(0, slash);
    const name = repository.slice(slash + 1);
    if (slash <= 0 || !name || owner.split('/').some((segment) => !segment))
      throw new InputError('repository', `"${repository}" is not owner/name`);
    submission.repository = { owner, name };
    const sha = inputs.getInput('sha') || run.sha || '';
    if (sha) {
      if (!/^[0-9a-f]{40}$/.test(sha)) throw new InputError('sha', `"${sha}" is not a full commit id`);
      submission.sha = sha;
    }
  } else if (inputs.getInput('sha')) {
    // Dropping it silently would run something other than what was asked for.
    throw new InputError('sha', 'needs a repository (repository is none or not set)');
  }

  const wait = inputs.getBooleanInput('wait');
  const waitTimeoutText = inputs.getInput('wait-timeout');
  const waitTimeoutSeconds = Number(waitTimeoutText);
  if (!Number.isInteger(waitTimeoutSeconds) || waitTimeoutSeconds <= 0) {
    throw new InputError('wait-timeout', `"${waitTimeoutText}" is not a positive number of seconds`);
  }
  return {
    serverUrl: serverUrl.toString().replace(/\/$/, ''),
    token,
    submission,
    wait,
    waitTimeoutSeconds,
  };
}

/** Several lines or `{…}`: a YAML mapping. One line: a command line, whose first word names the context. */
async function parseJob(text: string): Promise<JobSubmission> {
  const trimmed = text.trim();
  if (!trimmed.includes('\n') && !trimmed.startsWith('{')) {
    const command = commandLine(trimmed);
    return { context: command[0]!, command, labels: [] };
  }
  const { parseJobMapping } = await import('./schemas.ts');
  const job = parseJobMapping(trimmed);
  return {
    context: job.context,
    command: typeof job.run === 'string' ? commandLine(job.run) : job.run,
    labels: [],
    ...(job.timeout !== undefined ? { timeoutSeconds: job.timeout } : {}),
    ...(job.env ? { env: job.env } : {}),
    ...(job.executor ? { executor: job.executor } : {}),
    ...(job.image ? { image: job.image } : {}),
  };
}

/** The job input's command line as argv (see splitCommandLine): at least the program. */
function commandLine(line: string): string[] {
  const words = splitCommandLine(line, 'job');
  if (words.length === 0) throw new InputError('job', 'no command');
  return words;
}

/**
 * Submits the job and, when asked to, polls until it ends (2 s, growing to 15 s between polls). While
 * waiting, a server that is briefly unreachable or answers 5xx is polled again until the wait times out.
 * No error message or log line carries the token, whatever the server answered.
 */
export async function submitJob(plan: SubmitJobPlan, deps: SubmitJobDeps): Promise<SubmitJobResult> {
  const redact = (text: string) => text.replaceAll(plan.token, '***');
  try {
    return await submitAndWait(plan, { ...deps, log: (line) => deps.log(redact(line)) });
  } catch (error) {
    if (error instanceof Error) error.message = redact(error.message);
    throw error;
  }
}

async function submitAndWait(plan: SubmitJobPlan, deps: SubmitJobDeps): Promise<SubmitJobResult> {
  const { SubmittedSchema, StatusSchema } = await import('./schemas.ts');
  const headers = {
    authorization: `Bearer ${plan.token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const submitted = SubmittedSchema.safeParse(
    await request(deps, `${plan.serverUrl}/api/v1/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify(plan.submission),
    }),
  );
  if (!submitted.success) {
    throw new Error(
      `the ironbots server's answer to the submission is not a job: ${submitted.error.message}`,
    );
  }
  const result: SubmitJobResult = {
    jobId: submitted.data.id,
    state: submitted.data.state,
    url: submitted.data.url,
    logUrl: submitted.data.logUrl,
    duplicate: submitted.data.duplicate,
  };
  deps.log(
    `submitted job ${result.jobId} (${plan.submission.context})${result.duplicate ? ', the same as an earlier submission' : ''}: ${result.logUrl}`,
  );
  deps.onSubmitted?.(result);
  if (!plan.wait) return result;

  // Poll the server the workflow named, not the URL in the answer: the token goes nowhere else.
  const statusUrl = `${plan.serverUrl}/api/v1/jobs/${encodeURIComponent(result.jobId)}`;
  const deadline = deps.now() + plan.waitTimeoutSeconds * 1000;
  let delay = FIRST_POLL_DELAY_MS;
  let lastState = result.state;
  let lastProblem: string | undefined;
  for (;;) {
    try {
      const status = StatusSchema.safeParse(await request(deps, statusUrl, { method: 'GET', headers }));
      if (!status.success) {
        throw new RequestError(
          `GET ${new URL(statusUrl).pathname} answered something that is not a job`,
          true,
        );
      }
      lastProblem = undefined;
      result.state = status.data.state;
      if (status.data.description !== undefined) result.description = status.data.description;
      if (status.data.logUrl !== undefined) result.logUrl = status.data.logUrl;
      if (result.state !== lastState) {
        deps.log(
          `job ${result.jobId}: ${result.state}${result.description ? ` — ${result.description}` : ''}`,
        );
        lastState = result.state;
      }
      if (FINAL_STATES.includes(result.state)) return result;
    } catch (error) {
      if (!(error instanceof RequestError && error.transient)) throw error;
      lastProblem = error.message;
      deps.log(`job ${result.jobId}: ${error.message}; asking again`);
    }
    if (deps.now() + delay > deadline) {
      throw new WaitTimeoutError(
        `job ${result.jobId} did not finish within ${plan.waitTimeoutSeconds} s (last state: ${result.state}${lastProblem ? `; last poll: ${lastProblem}` : ''}); see ${result.logUrl}`,
        result,
      );
    }
    await deps.sleep(delay);
    delay = Math.min(MAX_POLL_DELAY_MS, Math.round(delay * 1.5));
  }
}

async function request(deps: SubmitJobDeps, url: string, init: RequestInit): Promise<unknown> {
  const where = `${init.method} ${new URL(url).pathname}`;
  let res: Response;
  let text: string;
  try {
    res = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await res.text();
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : (error as Error).message;
    throw new RequestError(`cannot reach the ironbots server at ${new URL(url).origin}: ${reason}`, true, {
      cause: error,
    });
  }
  if (res.status === 401)
    throw new RequestError('the ironbots server refused the token (401): check the token input', false, {
      status: 401,
    });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const said =
      body && typeof body === 'object' && 'error' in body ? String(body.error) : text.slice(0, 200);
    throw new RequestError(
      `${where} failed with ${res.status}: ${said}`,
      res.status === 429 || res.status >= 500,
      { status: res.status },
    );
  }
  if (body === undefined)
    throw new RequestError(`${where} answered ${res.status} without JSON`, true, { status: res.status });
  return body;
}
