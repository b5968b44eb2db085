import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  parseProjectConfig,
  PROJECT_CONFIG_PATH,
  ProjectConfigError,
} from '../../runner-agent/src/planner/project-config.ts';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(`check a project's ${PROJECT_CONFIG_PATH} the way the planner will read it`)
    .argument('[file]', 'the file to check', PROJECT_CONFIG_PATH)
    .action(async (file: string) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        process.stderr.write(`ironbots: cannot read ${file}: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const config = parseProjectConfig(text);
        for (const [name, context] of Object.entries(config.contexts)) {
          const labels = context.labels.length ? ` on [${context.labels.join(', ')}]` : '';
          process.stdout.write(
            `${name}: ${JSON.stringify(context.run)} with ${context.executor}${labels}, timeout ${context.timeout} s\n`,
          );
        }
      } catch (error) {
        if (!(error instanceof ProjectConfigError)) throw error;
        process.stderr.write(`${error.message.replace(PROJECT_CONFIG_PATH, file)}\n`);
        process.exitCode = 1;
      }
    });
}
