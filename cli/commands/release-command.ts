import os from 'node:os';
import type { Command } from 'commander';
import { INPUT_DEFAULTS, readSettings } from '../../actions/release/inputs.ts';

/** Inputs that are secrets: read from environment variables, never from the command line. */
const SECRET_INPUTS: Readonly<Record<string, string>> = {
  'github-token': 'GITHUB_TOKEN',
  'gitlab-token': 'IRONBOTS_GITLAB_TOKEN',
  'npm-token': 'NPM_TOKEN',
  'container-password': 'IRONBOTS_CONTAINER_PASSWORD',
};

const camelCase = (name: string) => name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/**
 * `ironbots release`: the release action from a terminal or GitLab CI (workflows/gitlab/release.gitlab-ci.yml).
 * Every action input is an option of the same name; the tag defaults to CI_COMMIT_TAG, the GitLab project and
 * URL to CI_PROJECT_PATH and CI_SERVER_URL. The GitLab token is a project access token (sent as PRIVATE-TOKEN,
 * which GitLab does not accept for CI_JOB_TOKEN).
 */
export function registerReleaseCommand(program: Command): void {
  const command = program
    .command('release')
    .description(
      'release a signed tag to GitHub, GitLab, npm and an OCI registry, all or nothing (as the release action does)',
    )
    .argument('[tag]', 'the tag to release (default $CI_COMMIT_TAG or $GITHUB_REF)');
  for (const [name, fallback] of Object.entries(INPUT_DEFAULTS)) {
    if (name in SECRET_INPUTS || name === 'dry-run' || name === 'tag') continue;
    command.option(`--${name} <value>`, `the action's ${name} input`, fallback || undefined);
  }
  for (const [name, variable] of Object.entries(SECRET_INPUTS))
    command.option(`--${name}-env <variable>`, `environment variable holding the ${name}`, variable);
  command.option('--dry-run', 'verify, build and print the plan; create nothing', false);
  command.action(async (tag: string | undefined, options: Record<string, string | boolean | undefined>) => {
    // The targets, git and gpg code load only when the command runs.
    const [{ runConfigured }, { planText }, { createLogger }, { SecretRegistry }] = await Promise.all([
      import('../../actions/release/configured-run.ts'),
      import('../../actions/release/summary.ts'),
      import('../../core/logger.ts'),
      import('../../core/secrets.ts'),
    ]);
    const input = (name: string): string => {
      if (name === 'tag') return tag ?? '';
      if (name in SECRET_INPUTS) return process.env[String(options[camelCase(`${name}-env`)])] ?? '';
      if (name === 'dry-run') return String(options.dryRun);
      const value = options[camelCase(name)];
      return typeof value === 'string' ? value : '';
    };
    let config;
    try {
      config = readSettings(input, process.env);
    } catch (error) {
      // A missing secret is set in the environment, never on the command line: name the variable.
      const secret = /^input ([\w-]+):/.exec((error as Error).message)?.[1];
      if (secret && secret in SECRET_INPUTS)
        throw new Error(
          `${(error as Error).message} — set it in the environment variable ${String(options[camelCase(`${secret}-env`)])}`,
          { cause: error },
        );
      throw error;
    }
    const secrets = new SecretRegistry();
    for (const secret of config.secrets) secrets.add(secret);
    const logger = createLogger({ name: 'release', secrets });
    const outcome = await runConfigured(config, { logger, env: process.env, workDir: os.tmpdir() });
    process.stdout.write(secrets.redact(planText(outcome)));
    for (const published of outcome.published)
      process.stdout.write(`${published.target}: ${published.url}\n`);
  });
}
