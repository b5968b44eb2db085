import os from 'node:os';
import type { Command } from 'commander';
import { INPUT_DEFAULTS, readSettings } from '../../actions/translations/inputs.ts';

/** Inputs that are secrets: read from environment variables, never from the command line. */
const SECRET_INPUTS: Readonly<Record<string, string>> = {
  token: 'IRONBOTS_FORGE_TOKEN',
  'weblate-token': 'IRONBOTS_WEBLATE_TOKEN',
  'po-repository-token': 'IRONBOTS_PO_REPOSITORY_TOKEN',
};

const camelCase = (name: string) => name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/**
 * `ironbots translations`: the translations action outside GitHub Actions, e.g. in the GitLab CI template
 * (workflows/gitlab/translations.gitlab-ci.yml). Every action input is an option of the same name.
 */
export function registerTranslationsCommand(program: Command): void {
  const command = program
    .command('translations')
    .description(
      'extract the gettext template, sync it with Weblate or a git .po repository, and keep one translations ' +
        'pull/merge request up to date (as the translations action does)',
    );
  for (const [name, fallback] of Object.entries(INPUT_DEFAULTS)) {
    if (name in SECRET_INPUTS || name === 'dry-run') continue;
    command.option(`--${name} <value>`, `the action's ${name} input`, fallback || undefined);
  }
  for (const [name, variable] of Object.entries(SECRET_INPUTS))
    command.option(`--${name}-env <variable>`, `environment variable holding the ${name}`, variable);
  command.option('--dry-run', 'compute and report; publish, push and open nothing', false);
  command.action(async (options: Record<string, string | boolean | undefined>) => {
    // The forges, gettext and git code load only when the command runs.
    const [{ runConfigured }, { createLogger }, { SecretRegistry }] = await Promise.all([
      import('../../actions/translations/configured-run.ts'),
      import('../../core/logger.ts'),
      import('../../core/secrets.ts'),
    ]);
    const input = (name: string): string => {
      if (name in SECRET_INPUTS) return process.env[String(options[camelCase(`${name}-env`)])] ?? '';
      if (name === 'dry-run') return String(options.dryRun);
      const value = options[camelCase(name)];
      return typeof value === 'string' ? value : '';
    };
    const tokenVariable = String(options.tokenEnv);
    if (!process.env[tokenVariable])
      throw new Error(
        `set the forge token in the environment variable ${tokenVariable} (never on the command line)`,
      );
    const config = readSettings(input, process.env);
    const secrets = new SecretRegistry();
    for (const secret of config.secrets) secrets.add(secret);
    const logger = createLogger({ name: 'translations', secrets });
    const result = await runConfigured(config, { logger, tempRoot: os.tmpdir() });
    const line = (label: string, value: string) => process.stdout.write(`${label}: ${value}\n`);
    line('outcome', result.outcome);
    if (result.pullRequest)
      line('pull request', `#${result.pullRequest.number} ${result.pullRequest.htmlUrl}`);
    line('languages', result.kept.map((l) => `${l.language} (${l.percent} %)`).join(', ') || 'none');
    if (result.dropped.length)
      line(
        `dropped below ${config.plan.threshold} %`,
        result.dropped.map((l) => `${l.language} (${l.percent} %)`).join(', '),
      );
    if (result.changedFiles.length) line('changed', result.changedFiles.join(' '));
  });
}
