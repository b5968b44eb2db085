import { Option, type Command } from 'commander';
import { createLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { EXIT } from '../exit-codes.ts';

/** Exit codes of `ironbots run`, documented in the README. */

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run one context of .ironbots.yml on this machine, as an agent would, and print its log (no server, no queue)',
    )
    .argument('<context>', 'the context to run, e.g. unit')
    .option('-C, --dir <dir>', 'the project directory (its files, uncommitted changes included)', '.')
    .addOption(
      new Option('--executor <name>', "run in this executor instead of the context's own").choices([
        'process',
        'podman',
        'vm',
      ]),
    )
    .option('--image <image>', "run in this image instead of the context's own")
    .option('--state-dir <dir>', 'where executor state lives (default: the ironbots cache)')
    .action(
      async (
        context: string,
        options: { dir: string; executor?: 'process' | 'podman' | 'vm'; image?: string; stateDir?: string },
      ) => {
        const { runContext } = await import('../../runner-agent/src/local/run-context.ts');
        const interrupt = new AbortController();
        const onSignal = () => interrupt.abort(new Error('interrupted'));
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const result = await runContext({
          dir: options.dir,
          context,
          ...(options.executor ? { executor: options.executor } : {}),
          ...(options.image ? { image: options.image } : {}),
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
          output: (chunk) => process.stdout.write(chunk),
          print: (line) => process.stderr.write(`ironbots run: ${line}\n`),
          logger: createLogger({ name: 'ironbots', secrets: new SecretRegistry(), level: 'warn' }),
          signal: interrupt.signal,
        });
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        const say = (line: string) => process.stderr.write(`ironbots run: ${line}\n`);
        if (result.kind === 'usage') {
          say(result.message);
          process.exitCode = EXIT.usage;
        } else if (result.kind === 'infrastructure-error') {
          say(`infrastructure error: ${result.message}`);
          process.exitCode = EXIT.infrastructure;
        } else {
          say(`${context} ${result.verdict.state}: ${result.verdict.description}`);
          process.exitCode =
            result.verdict.state === 'success'
              ? EXIT.passed
              : result.verdict.state === 'cancelled'
                ? EXIT.interrupted
                : EXIT.failed;
        }
      },
    );
}
