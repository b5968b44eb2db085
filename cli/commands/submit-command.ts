import path from 'node:path';
import type { Command } from 'commander';

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
    .option('--wait', 'wait for the job to end; exit non-zero unless it succeeded', false)
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
        const { planSubmission, submitJob } = await import('../../actions/submit-job/submit-job.ts');
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
        const plan = planSubmission(
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
        const result = await submitJob(plan, {
          fetch,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: Date.now,
          log: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(
          `${JSON.stringify({ id: result.jobId, state: result.state, logUrl: result.logUrl })}\n`,
        );
        if (options.wait && result.state !== 'success') process.exitCode = 1;
      },
    );
}
