import os from 'node:os';
import type { Command } from 'commander';
import { registerActionCommand } from '../action-command.ts';
import { ciRunFromEnvironment } from '../ci-environment.ts';

/**
 * `ironbots translations`: the translations action outside GitHub Actions, e.g. in the GitLab CI template
 * (workflows/gitlab/translations.gitlab-ci.yml).
 */
export function registerTranslationsCommand(program: Command): void {
  registerActionCommand(program, {
    name: 'translations',
    actionDir: 'actions/translations',
    description:
      'extract the gettext template, sync it with Weblate or a git .po repository, and keep one translations ' +
      'pull/merge request up to date (as the translations action does)',
    secretInputs: {
      token: 'IRONBOTS_FORGE_TOKEN',
      'weblate-token': 'IRONBOTS_WEBLATE_TOKEN',
      'po-repository-token': 'IRONBOTS_PO_REPOSITORY_TOKEN',
    },
    async run({ inputs, log }) {
      // The forges, gettext and git code load only when the command runs.
      const [{ readSettings }, { runConfigured }] = await Promise.all([
        import('../../actions/translations/inputs.ts'),
        import('../../actions/translations/configured-run.ts'),
      ]);
      const settings = readSettings(inputs, ciRunFromEnvironment(process.env));
      const result = await runConfigured(settings, { log, tempRoot: os.tmpdir() });
      const line = (label: string, value: string) => process.stdout.write(`${label}: ${value}\n`);
      line('outcome', result.outcome);
      if (result.pullRequest)
        line('pull request', `#${result.pullRequest.number} ${result.pullRequest.htmlUrl}`);
      line('languages', result.kept.map((l) => `${l.language} (${l.percent} %)`).join(', ') || 'none');
      if (result.dropped.length)
        line(
          `dropped below ${settings.plan.threshold} %`,
          result.dropped.map((l) => `${l.language} (${l.percent} %)`).join(', '),
        );
      if (result.changedFiles.length) line('changed', result.changedFiles.join(' '));
    },
  });
}
