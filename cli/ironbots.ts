import { Command, CommanderError } from 'commander';
import { registerCompletionCommand } from './commands/completion-command.ts';
import { registerContainerRefreshCommand } from './commands/container-refresh-command.ts';
import { registerDeploymentCommands } from './commands/deployment-commands.ts';
import { registerImageCommands } from './commands/image-commands.ts';
import { registerGitLabExecutorCommand } from './commands/gitlab-executor-command.ts';
import { registerJobsCommand } from './commands/jobs-command.ts';
import { registerLocalCommand } from './commands/local-command.ts';
import { registerNpmCacheCommand } from './commands/npm-cache-command.ts';
import { registerSubmitCommand } from './commands/submit-command.ts';
import { registerRunCommand } from './commands/run-command.ts';
import { registerReleaseCommand } from './commands/release-command.ts';
import { registerTranslationsCommand } from './commands/translations-command.ts';
import { registerValidateCommand } from './commands/validate-command.ts';
import { errorMessage } from '../core/errors.ts';
import { EXIT, isUnreachable } from './exit-codes.ts';
import { InputError } from '../core/inputs.ts';
import { DeploymentConfigError } from '../runner-agent/src/config/deployment-config.ts';
import packageJson from '../package.json' with { type: 'json' };

/** One CLI for people and for the infrastructure: what a deployment runs, a developer can run locally. */
const program = new Command('ironbots')
  .description('CI infrastructure: webhook → queue → agents on KVM machines → statuses and logs')
  .version(packageJson.version)
  .showHelpAfterError()
  // Usage errors exit 2 (see the catch below), not commander's 1, which means a failed job or run.
  .exitOverride();

registerLocalCommand(program);
registerRunCommand(program);
registerImageCommands(program);
registerValidateCommand(program);
registerDeploymentCommands(program);
registerSubmitCommand(program);
registerJobsCommand(program);
registerTranslationsCommand(program);
registerContainerRefreshCommand(program);
registerReleaseCommand(program);
registerNpmCacheCommand(program);
registerGitLabExecutorCommand(program);
registerCompletionCommand(program);

// Exit codes: cli/exit-codes.ts. Commander has already said what was wrong with a usage error.
await program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.passed : EXIT.usage;
    return;
  }
  process.stderr.write(`ironbots: ${errorMessage(error)}\n`);
  process.exitCode =
    process.exitCode ||
    // A configuration that cannot work is a usage error too: nothing ran.
    (error instanceof InputError || error instanceof DeploymentConfigError
      ? EXIT.usage
      : isUnreachable(error)
        ? EXIT.infrastructure
        : EXIT.failed);
});
