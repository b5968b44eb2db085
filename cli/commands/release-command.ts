import os from 'node:os';
import type { Command } from 'commander';
import { RENAMED_INPUTS } from '../../actions/release/inputs.ts';
import { registerActionCommand } from '../action-command.ts';
import { ciRunFromEnvironment } from '../ci-environment.ts';

/**
 * `ironbots release`: the release action from a terminal or GitLab CI (workflows/gitlab/release.gitlab-ci.yml).
 * The tag defaults to CI_COMMIT_TAG, the GitLab project and URL to CI_PROJECT_PATH and CI_SERVER_URL. The
 * GitLab token is a project access token (sent as PRIVATE-TOKEN, which GitLab does not accept for CI_JOB_TOKEN).
 */
export function registerReleaseCommand(program: Command): void {
  registerActionCommand(program, {
    name: 'release',
    actionDir: 'actions/release',
    description:
      'release a signed tag to GitHub, GitLab, npm and an OCI registry, all or nothing (as the release action does)',
    arguments: [
      {
        input: 'tag',
        syntax: '[tag]',
        description: 'the tag to release (default $CI_COMMIT_TAG or $GITHUB_REF)',
      },
    ],
    renamedInputs: RENAMED_INPUTS,
    secretInputs: {
      token: 'GITHUB_TOKEN',
      'gitlab-token': 'IRONBOTS_GITLAB_TOKEN',
      'npm-token': 'NPM_TOKEN',
      'container-password': 'IRONBOTS_CONTAINER_PASSWORD',
    },
    async run({ inputs, log, secrets }) {
      // The targets, git and gpg code load only when the command runs.
      const [{ readSettings }, { runConfigured }, { planText }] = await Promise.all([
        import('../../actions/release/inputs.ts'),
        import('../../actions/release/configured-run.ts'),
        import('../../actions/release/summary.ts'),
      ]);
      const settings = readSettings(inputs, ciRunFromEnvironment(process.env), (message) =>
        log.warn(message),
      );
      for (const secret of settings.secrets) secrets.add(secret);
      const outcome = await runConfigured(settings, { log, env: process.env, workDir: os.tmpdir() });
      process.stdout.write(secrets.redact(planText(outcome)));
      for (const published of outcome.published)
        process.stdout.write(`${published.target}: ${published.url}\n`);
    },
  });
}
