import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The root action's core: turn the workflow's inputs into a job submission for an ironbots server, submit
 * it, and optionally wait for its end. No Actions runtime in here: inputs come in as a plain object and
 * HTTP goes through an injected fetch, so all of it is testable as is.
 */

export interface SubmitJobInputs {
  serverUrl: string;
  token: string;
  job: string;
  labels: string;
  wait: string;
  waitTimeout: string;
  repository: string;
  sha: string;
}

/** Input names as action.yml declares them, with the defaults it declares (a local run applies them too). */
export const INPUT_DEFAULTS: Record<string, string> = {
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
}

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`input ${input}: ${problem}`);
    this.name = 'InputError';
  }
}

const JobMappingSchema = z
  .object({
    context: z.string().min(1).max(100),
    run: z.union([z.array(z.string()).min(1), z.string().min(1)]),
    timeout: z.number().int().positive().optional(),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    executor: z.enum(['process', 'podman', 'vm']).optional(),
    image: z.string().min(1).optional(),
  })
  .strict();

/** Validates the inputs and builds what will be submitted; every problem names its input. */
export function planSubmission(
  inputs: SubmitJobInputs,
  env: Record<string, string | undefined>,
  /** A job already in structured form (the CLI's argv); `inputs.job` is then not read. */
  structuredJob?: Omit<JobSubmission, 'labels'>,
): SubmitJobPlan {
  if (!inputs.serverUrl) throw new InputError('server-url', 'is required');
  let serverUrl: URL;
  try {
    serverUrl = new URL(inputs.serverUrl);
  } catch {
    throw new InputError('server-url', `"${inputs.serverUrl}" is not a URL`);
  }
  if (serverUrl.protocol !== 'https:' && serverUrl.protocol !== 'http:')
    throw new InputError('server-url', 'must be http(s)');
  if (!inputs.token) throw new InputError('token', 'is required (an API token of the ironbots server)');
  if (!structuredJob && !inputs.job.trim()) throw new InputError('job', 'is required');

  const submission: JobSubmission = structuredJob ? { ...structuredJob, labels: [] } : parseJob(inputs.job);
  submission.labels = splitList(inputs.labels);
  for (const label of submission.labels) {
    if (!/^[A-Za-z0-9:._-]+$/.test(label)) throw new InputError('labels', `"${label}" is not a valid label`);
  }

  const repository = inputs.repository || env.GITHUB_REPOSITORY || '';
  if (repository && repository !== 'none') {
    const [owner, name, extra] = repository.split('/');
    if (!owner || !name || extra !== undefined)
      throw new InputError('repository', `"${repository}" is not owner/name`);
    submission.repository = { owner, name };
    const sha = inputs.sha || env.GITHUB_SHA || '';
    if (sha) {
      if (!/^[0-9a-f]{40}$/.test(sha)) throw new InputError('sha', `"${sha}" is not a full commit id`);
      submission.sha = sha;
    }
  }

  const wait = parseBoolean('wait', inputs.wait);
  const waitTimeoutSeconds = Number(inputs.waitTimeout);
  if (!Number.isInteger(waitTimeoutSeconds) || waitTimeoutSeconds <= 0) {
    throw new InputError('wait-timeout', `"${inputs.waitTimeout}" is not a positive number of seconds`);
  }
  return {
    serverUrl: serverUrl.toString().replace(/\/$/, ''),
    token: inputs.token,
    submission,
    wait,
    waitTimeoutSeconds,
  };
}

/** Several lines or `{…}`: a YAML mapping. One line: a command line, whose first word names the context. */
function parseJob(text: string): JobSubmission {
  const trimmed = text.trim();
  if (!trimmed.includes('\n') && !trimmed.startsWith('{')) {
    const command = splitCommandLine(trimmed);
    return { context: command[0]!, command, labels: [] };
  }
  let value: unknown;
  try {
    value = parseYaml(trimmed);
  } catch (error) {
    throw new InputError('job', `invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('job', 'several lines must form a YAML mapping {context, run, …}');
  }
  const parsed = JobMappingSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError('job', `${issue.path.join('.') || 'mapping'}: ${issue.message}`);
  }
  const job = parsed.data;
  return {
    context: job.context,
    command: typeof job.run === 'string' ? splitCommandLine(job.run) : job.run,
    labels: [],
    ...(job.timeout !== undefined ? { timeoutSeconds: job.timeout } : {}),
    ...(job.env ? { env: job.env } : {}),
    ...(job.executor ? { executor: job.executor } : {}),
    ...(job.image ? { image: job.image } : {}),
  };
}

/** Splits on whitespace, honouring '…' and "…" quoting. No expansion of any kind: this is not a shell. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = null;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) throw new InputError('job', `unterminated ${quote} quote`);
  if (inWord) words.push(current);
  if (words.length === 0) throw new InputError('job', 'no command');
  return words;
}

function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

function parseBoolean(input: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new InputError(input, `"${value}" is neither true nor false`);
}

/** Submits the job and, when asked to, polls until it ends (2 s, growing to 15 s between polls). */
export async function submitJob(plan: SubmitJobPlan, deps: SubmitJobDeps): Promise<SubmitJobResult> {
  const headers = {
    authorization: `Bearer ${plan.token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const submitted = await request(deps, `${plan.serverUrl}/api/v1/jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify(plan.submission),
  });
  const result: SubmitJobResult = {
    jobId: String(submitted.id),
    state: String(submitted.state),
    url: String(submitted.url),
    logUrl: String(submitted.logUrl),
    duplicate: submitted.duplicate === true,
  };
  deps.log(
    `submitted job ${result.jobId} (${plan.submission.context})${result.duplicate ? ', the same as an earlier submission' : ''}: ${result.logUrl}`,
  );
  if (!plan.wait) return result;

  const deadline = deps.now() + plan.waitTimeoutSeconds * 1000;
  let delay = 2_000;
  let lastState = result.state;
  for (;;) {
    const status = await request(deps, result.url, { method: 'GET', headers });
    result.state = String(status.state);
    if (typeof status.description === 'string') result.description = status.description;
    if (typeof status.logUrl === 'string') result.logUrl = status.logUrl;
    if (result.state !== lastState) {
      deps.log(`job ${result.jobId}: ${result.state}${result.description ? ` — ${result.description}` : ''}`);
      lastState = result.state;
    }
    if (FINAL_STATES.includes(result.state)) return result;
    if (deps.now() + delay > deadline) {
      throw new Error(
        `job ${result.jobId} did not finish within ${plan.waitTimeoutSeconds} s (last state: ${result.state}); see ${result.logUrl}`,
      );
    }
    await deps.sleep(delay);
    delay = Math.min(15_000, Math.round(delay * 1.5));
  }
}

async function request(
  deps: SubmitJobDeps,
  url: string,
  init: RequestInit,
): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await deps.fetch(url, init);
  } catch (error) {
    throw new Error(
      `cannot reach the ironbots server at ${new URL(url).origin}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Reported below with the status.
  }
  if (res.status === 401)
    throw new Error('the ironbots server refused the token (401): check the token input');
  if (!res.ok) {
    throw new Error(
      `${init.method} ${new URL(url).pathname} failed with ${res.status}: ${String(body.error ?? text.slice(0, 200))}`,
    );
  }
  return body;
}
