import os from 'node:os';
import { Option, type Command } from 'commander';
import { positiveInteger } from './options.ts';
import { openDeploymentFile } from './deployment-commands.ts';
import { EXIT } from '../exit-codes.ts';
import type { JobSummary, ListedState } from '../../runner-agent/src/server/job-control.ts';

/**
 * `ironbots jobs list|cancel`: against a server's job API (`--server-url`, the API token from the environment
 * as for `ironbots submit`), or with `--config` straight on the deployment's queue (as `ironbots queue` does).
 * Exit codes: 0 done, 1 the server refused or the job had already ended, 2 a usage error (an unknown job id
 * included), 3 the server could not be reached.
 */

const STATES: readonly ListedState[] = ['queued', 'running', 'done', 'dead', 'cancelled'];
const REQUEST_TIMEOUT_MS = 30_000;

interface Target {
  serverUrl?: string;
  tokenEnv: string;
  config?: string;
}

/** Where the command works: a server, or a deployment configuration; exactly one. */
type Where = { kind: 'server'; url: string; token: string } | { kind: 'config'; file: string };

/** A usage error found after parsing: said like commander's own, exit 2. */
class UsageError extends Error {}

function where(target: Target): Where {
  if (target.serverUrl && target.config)
    throw new UsageError('give either --server-url (a server) or --config (its queue directly), not both');
  if (target.config) return { kind: 'config', file: target.config };
  const serverUrl = target.serverUrl ?? process.env.IRONBOTS_SERVER_URL;
  if (!serverUrl && process.env.IRONBOTS_CONFIG) return { kind: 'config', file: process.env.IRONBOTS_CONFIG };
  if (!serverUrl)
    throw new UsageError(
      'say where the jobs are: --server-url <url> (or IRONBOTS_SERVER_URL), or --config <file> for the deployment’s queue',
    );
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new UsageError(`--server-url: "${serverUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--server-url: "${serverUrl}" is not http(s)`);
  const token = process.env[target.tokenEnv] ?? '';
  if (!token)
    throw new UsageError(
      `set the API token in the environment variable ${target.tokenEnv} (never on the command line)`,
    );
  return { kind: 'server', url: url.toString().replace(/\/$/, ''), token };
}

/** Who cancels, for the status: the person at the terminal (or the CI job's user). */
function whoAmI(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'ironbots jobs cancel';
  }
}

/** One call to the job API; an unreachable server throws an error that says so (exit 3). */
async function call(
  server: Extract<Where, { kind: 'server' }>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${server.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
    throw new Error(`cannot reach the ironbots server at ${new URL(server.url).origin}: ${reason}`, {
      cause: error,
    });
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${method} ${path} answered HTTP ${res.status} with something that is not JSON`);
  }
  if (res.status === 401) throw new Error(`the server at ${server.url} refused the API token (HTTP 401)`);
  return { status: res.status, body: parsed };
}

function apiError(answer: { status: number; body: Record<string, unknown> }, what: string): Error {
  const error = typeof answer.body.error === 'string' ? answer.body.error : JSON.stringify(answer.body);
  return new Error(`${what}: HTTP ${answer.status}: ${error}`);
}

export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('list and cancel jobs, on a server or in a deployment’s queue');
  const targetOptions = (command: Command) =>
    command
      .option('--server-url <url>', 'the ironbots server (env IRONBOTS_SERVER_URL)')
      .option('--token-env <name>', 'environment variable holding the API token', 'IRONBOTS_API_TOKEN')
      .option(
        '-c, --config <file>',
        'work on the deployment’s queue directly instead of a server (env IRONBOTS_CONFIG)',
      );

  targetOptions(
    jobs
      .command('list')
      .description('list jobs, newest first')
      .addOption(new Option('--state <state>', 'only jobs in this state').choices(STATES))
      .option('--limit <n>', 'at most this many', positiveInteger, 50)
      .option('--json', 'print the jobs as JSON instead of a table', false),
  ).action(
    async (options: Target & { state?: ListedState; limit: number; json: boolean }, command: Command) => {
      const target = usable(command, options);
      let listed: JobSummary[];
      if (target.kind === 'server') {
        const query = new URLSearchParams({ limit: String(options.limit) });
        if (options.state) query.set('state', options.state);
        const answer = await call(target, 'GET', `/api/v1/jobs?${query}`);
        if (answer.status !== 200) throw apiError(answer, 'listing jobs');
        listed = answer.body.jobs as JobSummary[];
      } else {
        const { listJobs } = await import('../../runner-agent/src/server/job-control.ts');
        const deployment = await openDeploymentFile(target.file);
        try {
          listed = await listJobs(deployment.jobs, {
            limit: options.limit,
            ...(options.state ? { state: options.state } : {}),
          });
        } finally {
          await deployment.close();
        }
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(listed, null, 2)}\n` : jobsTable(listed, Date.now()),
      );
    },
  );

  targetOptions(
    jobs
      .command('cancel')
      .description(
        'cancel a job: a queued one never runs, a running one is stopped by its agent; either ends with the status error "Cancelled: by <you>"',
      )
      .argument('<id>', 'the job id (`ironbots jobs list`, the log URL, the submission)')
      .option('--reason <text>', 'why, for the status and the log'),
  ).action(async (id: string, options: Target & { reason?: string }, command: Command) => {
    const target = usable(command, options);
    const by = whoAmI();
    if (target.kind === 'server') {
      const answer = await call(target, 'POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`, {
        by,
        ...(options.reason ? { reason: options.reason } : {}),
      });
      if (answer.status === 404) return usageFailure(command, `no job ${id} on ${target.url}`);
      if (answer.status === 409) {
        process.stderr.write(`ironbots: job ${id} already ended: ${String(answer.body.state)}\n`);
        process.exitCode = EXIT.failed;
        return;
      }
      if (answer.status !== 202) throw apiError(answer, `cancelling job ${id}`);
      report(answer.body as unknown as JobSummary & { description?: string });
      return;
    }
    const { cancelJob } = await import('../../runner-agent/src/server/job-control.ts');
    const { cancelReason } = await import('../../runner-agent/src/jobs/status-text.ts');
    const { StatusPublisher } = await import('../../runner-agent/src/statuses/status-publisher.ts');
    const deployment = await openDeploymentFile(target.file);
    try {
      const publicUrl = deployment.config.publicUrl;
      const result = await cancelJob(
        {
          jobs: deployment.jobs,
          logStore: deployment.logStore,
          logger: deployment.logger,
          statuses: {
            records: deployment.records,
            publisher: deployment.forge
              ? new StatusPublisher({
                  forge: deployment.forge,
                  records: deployment.records,
                  logger: deployment.logger,
                })
              : null,
          },
          logUrl: publicUrl ? (jobId) => `${publicUrl.replace(/\/$/, '')}/logs/${jobId}` : null,
        },
        id,
        cancelReason(by, options.reason),
      );
      if (result.kind === 'unknown') return usageFailure(command, `no job ${id} in ${target.file}’s queue`);
      if (result.kind === 'finished') {
        process.stderr.write(`ironbots: job ${id} already ended: ${result.job.state}\n`);
        process.exitCode = EXIT.failed;
        return;
      }
      report({ ...result.job, ...(result.kind === 'cancelled' ? { description: result.description } : {}) });
    } finally {
      await deployment.close();
    }
  });
}

/** The target, or a usage error said the way commander says its own. */
function usable(command: Command, options: Target): Where {
  try {
    return where(options);
  } catch (error) {
    if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: EXIT.usage });
    throw error;
  }
}

function usageFailure(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: EXIT.usage });
}

function report(job: JobSummary & { description?: string }): void {
  process.stdout.write(
    job.state === 'cancelling'
      ? `job ${job.id} (${job.context}) is being cancelled: ${job.agent ? `agent ${job.agent}` : 'its agent'} stops it and posts the final status\n`
      : `job ${job.id} (${job.context}) cancelled${job.description ? `: ${job.description}` : ''}\n`,
  );
}

/** A table for people: one job a line, columns padded, the newest first. */
export function jobsTable(jobs: readonly JobSummary[], now: number): string {
  if (jobs.length === 0) return 'no jobs\n';
  const rows = [
    ['ID', 'STATE', 'CONTEXT', 'COMMIT', 'AGENT', 'ATTEMPT', 'ENQUEUED'],
    ...jobs.map((j) => [
      j.id,
      j.state,
      j.context,
      j.repository ? `${j.repository}${j.sha ? `@${j.sha.slice(0, 8)}` : ''}` : '—',
      j.agent ?? '—',
      String(j.attempt),
      `${ago(now - Date.parse(j.enqueuedAt))} ago`,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}
