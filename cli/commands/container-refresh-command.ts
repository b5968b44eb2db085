import os from 'node:os';
import type { Command } from 'commander';
import { INPUT_DEFAULTS, readSettings, type RefreshInputs } from '../../actions/container-refresh/inputs.ts';

/** Inputs that are secrets: read from environment variables, never from the command line. */
const SECRET_INPUTS: Readonly<Record<string, string>> = {
  token: 'IRONBOTS_FORGE_TOKEN',
  'registry-password': 'IRONBOTS_REGISTRY_PASSWORD',
};

const camelCase = (name: string) => name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/**
 * `ironbots container-refresh`: the container-refresh action outside GitHub Actions, e.g. in the GitLab CI
 * template (workflows/gitlab/container-refresh.gitlab-ci.yml). Every action input is an option of the same
 * name; the failure issue goes to GitLab or GitHub, whichever CI this runs in (or --forge).
 */
export function registerContainerRefreshCommand(program: Command): void {
  const env = process.env;
  const command = program
    .command('container-refresh')
    .description(
      'rebuild and test a CI container image: on a merge request only when its directory changed, never ' +
        'pushing; on a schedule push a dated tag and latest, with one issue while it fails; or roll latest back',
    );
  for (const [name, fallback] of Object.entries(INPUT_DEFAULTS)) {
    if (name in SECRET_INPUTS) continue;
    command.option(`--${name} <value>`, `the action's ${name} input`, fallback || undefined);
  }
  for (const [name, variable] of Object.entries(SECRET_INPUTS))
    command.option(`--${name}-env <variable>`, `environment variable holding the ${name}`, variable);
  command
    .option(
      '--forge <kind>',
      'where the failure issue goes: gitlab or github (default: the CI this runs in)',
      env.GITLAB_CI ? 'gitlab' : env.GITHUB_ACTIONS ? 'github' : undefined,
    )
    .option(
      '--forge-url <url>',
      'GitLab instance or GitHub API URL (default CI_SERVER_URL / GITHUB_API_URL)',
      env.CI_SERVER_URL ?? env.GITHUB_API_URL,
    )
    .option(
      '--repository <path>',
      'the project for the issue, e.g. group/project (default CI_PROJECT_PATH / GITHUB_REPOSITORY)',
      env.CI_PROJECT_PATH ?? env.GITHUB_REPOSITORY,
    )
    .option(
      '--workspace <dir>',
      'the checkout the directory is in',
      env.CI_PROJECT_DIR ?? env.GITHUB_WORKSPACE ?? process.cwd(),
    );
  command.action(async (options: Record<string, string | undefined>) => {
    const inputs = Object.fromEntries(
      Object.keys(INPUT_DEFAULTS).map((name) => [
        name,
        name in SECRET_INPUTS
          ? (env[String(options[camelCase(`${name}-env`)])] ?? '')
          : (options[camelCase(name)] ?? ''),
      ]),
    ) as unknown as RefreshInputs;
    const plan = readSettings(inputs, env);
    let issues = null;
    if (plan.token) {
      const kind = options.forge;
      if (kind !== 'gitlab' && kind !== 'github')
        throw new Error(
          `--forge: "${kind ?? ''}" is neither gitlab nor github (needed for the failure issue)`,
        );
      const slash = (options.repository ?? '').lastIndexOf('/');
      if (slash <= 0) throw new Error(`--repository: "${options.repository ?? ''}" is not owner/name`);
      issues = {
        kind,
        apiUrl: options.forgeUrl ?? (kind === 'github' ? 'https://api.github.com' : 'https://gitlab.com'),
        token: plan.token,
        repository: {
          owner: options.repository!.slice(0, slash),
          name: options.repository!.slice(slash + 1),
        },
      } as const;
    }
    // podman, the registry client and the forges load only when the command runs.
    const [{ runConfigured }, { createLogger }, { SecretRegistry }] = await Promise.all([
      import('../../actions/container-refresh/configured-run.ts'),
      import('../../core/logger.ts'),
      import('../../core/secrets.ts'),
    ]);
    const secrets = new SecretRegistry();
    secrets.add(plan.token);
    secrets.add(plan.credentials?.password);
    const logger = createLogger({ name: 'container-refresh', secrets });
    const runUrl =
      env.CI_JOB_URL ??
      (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
        ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined);
    const result = await runConfigured(plan, {
      logger,
      tempRoot: os.tmpdir(),
      workspace: options.workspace ?? process.cwd(),
      issues,
      ...(runUrl ? { runUrl } : {}),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.outcome === 'failed') {
      process.stderr.write(
        `ironbots: ${result.error ?? 'failed'}${result.issue ? ` (issue ${result.issue.action}: ${result.issue.url})` : ''}\n`,
      );
      process.exitCode = 1;
    }
  });
}
