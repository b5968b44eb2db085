import path from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description(
      'submit a job to an ironbots server, as the root GitHub action does (and optionally wait for it)',
    )
    .requiredOption(
      '--server-url <url>',
      'the ironbots server (env IRONBOTS_SERVER_URL)',
      process.env.IRONBOTS_SERVER_URL,
    )
    .option('--token-env <name>', 'environment variable holding the API token', 'IRONBOTS_API_TOKEN')
    .option('--labels <labels>', 'labels the agent must offer, comma separated', '')
    .option(
      '--repository <owner/name>',
      'the repository whose commit the job tests; none for no checkout',
      'none',
    )
    .option('--sha <commit>', 'the commit to test', '')
    .option(
      '--wait',
      'wait for the job to end, streaming its log to stdout; exit non-zero unless it succeeded',
      false,
    )
    .option('--wait-timeout <seconds>', 'give up waiting after this long', '3600')
    .option('--context <name>', "the job's name (status context); default the program's name")
    .option('--timeout <seconds>', "the job's time limit", '3600')
    .option('--executor <name>', 'process, podman or vm', 'process')
    .option('--image <name>', 'image for the podman and vm executors')
    .argument(
      '<argv...>',
      'the command to run, as separate words (put -- before it); never run through a shell',
    )
    .action(
      async (
        argv: string[],
        options: {
          serverUrl: string;
          tokenEnv: string;
          labels: string;
          repository: string;
          sha: string;
          wait: boolean;
          waitTimeout: string;
          context?: string;
          timeout: string;
          executor: string;
          image?: string;
        },
      ) => {
        const { planSubmission, submitJob, RequestError } =
          await import('../../actions/submit-job/submit-job.ts');
        const token = process.env[options.tokenEnv] ?? '';
        if (!token)
          throw new Error(
            `set the API token in the environment variable ${options.tokenEnv} (never on the command line)`,
          );
        if (!['process', 'podman', 'vm'].includes(options.executor)) {
          throw new Error(`--executor: unknown executor ${options.executor}`);
        }
        const timeoutSeconds = Number(options.timeout);
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) {
          throw new Error(`--timeout: "${options.timeout}" is not a number of seconds`);
        }
        const plan = await planSubmission(
          {
            'server-url': options.serverUrl,
            token,
            labels: options.labels,
            wait: String(options.wait),
            'wait-timeout': options.waitTimeout,
            repository: options.repository,
            sha: options.sha,
          },
          {},
          {
            context: options.context ?? path.basename(argv[0]!),
            command: argv,
            timeoutSeconds,
            executor: options.executor as 'process' | 'podman' | 'vm',
            ...(options.image ? { image: options.image } : {}),
          },
        );
        const stopStreaming = new AbortController();
        let streaming: Promise<LogStreamEnd> | undefined;
        const result = await submitJob(plan, {
          fetch,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: Date.now,
          log: (line) => process.stderr.write(`${line}\n`),
          onSubmitted: (submitted) => {
            if (options.wait) streaming = streamJobLog(submitted.logUrl, stopStreaming.signal);
          },
        }).catch((error: unknown) => {
          stopStreaming.abort();
          // The server's answer says whose fault it is: 4xx what was sent (the token, the job), 429 and
          // 5xx the server's (later may work). No answer at all is judged as unreachable by the caller.
          if (error instanceof RequestError && error.status !== undefined) {
            if (error.status === 429 || error.status >= 500) process.exitCode = EXIT.infrastructure;
            else if (error.status >= 400) process.exitCode = EXIT.usage;
          }
          throw error;
        });
        // The agent completes the log just after it posts the final state: give it a moment to.
        setTimeout(() => stopStreaming.abort(), LOG_GRACE_MS).unref();
        const streamed = await streaming;
        if (streamed && !streamed.endedWithNewline) process.stdout.write('\n');
        process.stdout.write(
          `${JSON.stringify({ id: result.jobId, state: result.state, logUrl: result.logUrl })}\n`,
        );
        if (result.state === 'cancelled')
          process.stderr.write(
            `ironbots: job ${result.jobId} was cancelled${result.description ? `: ${result.description}` : ''}\n`,
          );
        if (options.wait && result.state !== 'success') process.exitCode = 1;
      },
    );
}

const LOG_GRACE_MS = 10_000;
const LOG_RETRY_MS = 1000;

interface LogStreamEnd {
  /** Whether the last byte written was a newline (or nothing was written). */
  endedWithNewline: boolean;
}

/**
 * Copies a job's log to stdout as it grows: `?follow=1` streams, resumed from the bytes already written
 * when one ends early (a queued job has no log yet, the server ends idle streams, the network drops).
 * Ends when the server says the log is complete, or when `stop` fires.
 */
async function streamJobLog(logUrl: string, stop: AbortSignal): Promise<LogStreamEnd> {
  let offset = 0;
  let endedWithNewline = true;
  while (!stop.aborted) {
    try {
      const res = await fetch(`${logUrl}?follow=1&offset=${offset}`, { signal: stop });
      if (res.ok && res.body) {
        for await (const chunk of res.body) {
          offset += chunk.length;
          if (chunk.length > 0) endedWithNewline = chunk[chunk.length - 1] === 0x0a;
          await new Promise<void>((resolve, reject) =>
            process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())),
          );
        }
        // The headers describe the log when the stream began: complete then means all of it was sent.
        // Otherwise the stream ended early (idle, or the log completed meanwhile): ask again from here.
        if (res.headers.get('x-ironbots-log-complete') === 'true') break;
        continue;
      }
      await res.body?.cancel();
      if (res.status !== 404)
        process.stderr.write(`log: ${logUrl} answered HTTP ${res.status}; trying again\n`);
    } catch (error) {
      if (stop.aborted) break;
      process.stderr.write(`log: ${(error as Error).message}; trying again\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, LOG_RETRY_MS));
  }
  return { endedWithNewline };
}
