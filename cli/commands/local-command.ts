import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { positiveInteger } from './options.ts';

export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description(
      'run the whole loop offline: a PR on the built-in forge emulator → signed webhook → queue → agent → statuses and a live log',
    )
    .option('--keep', 'leave the forge, server and agent running for you to poke at (Ctrl-C ends)', false)
    .option('--state-dir <dir>', 'keep queue, logs and repositories here instead of a temporary directory')
    .option(
      '--timeout <seconds>',
      'give up when the PR has no final status after this long',
      positiveInteger,
      180,
    )
    .option('--executor <name>', 'where the demo jobs run: process, podman or vm', 'process')
    .option(
      '--forge <kind>',
      'the forge the emulator plays: github (a pull request) or gitlab (a merge request)',
      'github',
    )
    .option('--verbose', 'show the structured logs of every component on stderr', false)
    .action(
      async (options: {
        keep: boolean;
        stateDir?: string;
        timeout: number;
        verbose: boolean;
        executor: string;
        forge: string;
      }) => {
        if (options.forge !== 'github' && options.forge !== 'gitlab') {
          throw new InvalidArgumentError(`--forge must be github or gitlab, not "${options.forge}"`);
        }
        if (options.executor !== 'process' && options.executor !== 'podman' && options.executor !== 'vm') {
          throw new Error(`--executor must be process, podman or vm, not "${options.executor}"`);
        }
        const { runLocalDemo } = await import('../../runner-agent/src/local/local-demo.ts');
        const print = (line: string) => process.stdout.write(`ironbots local: ${line}\n`);
        const logger = createLogger({
          name: 'ironbots',
          secrets: new SecretRegistry(),
          level: options.verbose ? 'info' : 'warn',
        });
        const result = await runLocalDemo({
          keep: options.keep,
          timeoutSeconds: options.timeout,
          executor: options.executor,
          forge: options.forge,
          print,
          logger,
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        });
        if (result.ok)
          print(`PR succeeded: ${result.statuses.map((s) => `${s.context} ${s.state}`).join(', ')}`);
        else print(`FAILED: ${result.reason}`);
        if (options.keep) {
          print(
            `still running — forge API ${result.urls.forge}, clone ${result.urls.cloneUrl}, server ${result.urls.server}`,
          );
          print('press Ctrl-C to stop');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
          await result.stop();
        }
        process.exitCode = result.ok ? 0 : 1;
      },
    );
}
