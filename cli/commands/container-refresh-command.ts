import os from 'node:os';
import type { Command } from 'commander';
import { registerActionCommand } from '../action-command.ts';
import { ciRunFromEnvironment } from '../ci-environment.ts';

/**
 * `ironbots container-refresh`: the container-refresh action outside GitHub Actions, e.g. in the GitLab CI
 * template (workflows/gitlab/container-refresh.gitlab-ci.yml). The failure issue goes to GitLab or GitHub,
 * whichever CI this runs in (or --forge).
 */
export function registerContainerRefreshCommand(program: Command): void {
  const env = process.env;
  registerActionCommand(program, {
    name: 'container-refresh',
    actionDir: 'actions/container-refresh',
    description:
      'rebuild and test a CI container image: on a merge request only when its directory changed, never ' +
      'pushing; on a schedule push a dated tag and latest, with one issue while it fails; or roll latest back',
    secretInputs: { token: 'IRONBOTS_FORGE_TOKEN', 'registry-password': 'IRONBOTS_REGISTRY_PASSWORD' },
    extraOptions: (command) =>
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
        ),
    async run({ inputs, options, log, secrets }) {
      const { readSettings } = await import('../../actions/container-refresh/inputs.ts');
      const settings = readSettings(inputs, ciRunFromEnvironment(env));
      let issues = null;
      if (settings.token) {
        const kind = options.forge;
        if (kind !== 'gitlab' && kind !== 'github')
          throw new Error(
            `--forge: "${String(kind ?? '')}" is neither gitlab nor github (needed for the failure issue)`,
          );
        const repository = String(options.repository ?? '');
        const slash = repository.lastIndexOf('/');
        if (slash <= 0) throw new Error(`--repository: "${repository}" is not owner/name`);
        issues = {
          kind,
          apiUrl:
            (options.forgeUrl as string | undefined) ??
            (kind === 'github' ? 'https://api.github.com' : 'https://gitlab.com'),
          token: settings.token,
          repository: { owner: repository.slice(0, slash), name: repository.slice(slash + 1) },
        } as const;
      }
      // podman, the registry client and the forges load only when the command runs.
      const { runConfigured } = await import('../../actions/container-refresh/configured-run.ts');
      secrets.add(settings.credentials?.password);
      const runUrl =
        env.CI_JOB_URL ??
        (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
          ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined);
      const result = await runConfigured(settings, {
        log,
        tempRoot: os.tmpdir(),
        workspace: String(options.workspace ?? process.cwd()),
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
    },
  });
}
