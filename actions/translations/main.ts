import os from 'node:os';
import * as core from '@actions/core';
import { actionsLog, runActionStep, writeJobSummary, type ActionLog } from '../../core/action-log.ts';
import { actionsCiRun } from '../../core/actions-context.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import { runConfigured } from './configured-run.ts';
import { CatalogError } from './gettext-tools.ts';
import { readSettings } from './inputs.ts';
import { pullRequestBody } from './translations.ts';

/** The translations action: read inputs → run → set outputs. Everything else is in translations.ts. */
void runActionStep('translations', async () => {
  const settings = readSettings(actionEnvironmentInputs(), actionsCiRun());
  // The toolkit's Octokit defaults (its proxy-aware fetch) load once the inputs are good.
  const { actionsFetch } = await import('../../core/actions-github.ts');
  const log = actionsLog(settings.secrets);
  const result = await runConfigured(settings, {
    log,
    tempRoot: process.env.RUNNER_TEMP || os.tmpdir(),
    ...(actionsFetch ? { forgeWiring: { fetch: actionsFetch } } : {}),
  }).catch((error: unknown) => {
    if (error instanceof CatalogError) annotateCatalogProblems(error, log);
    throw error;
  });
  core.setOutput('outcome', result.outcome);
  core.setOutput('pull-request', result.pullRequest ? String(result.pullRequest.number) : '');
  core.setOutput('pull-request-url', result.pullRequest?.htmlUrl ?? '');
  core.setOutput('languages', result.kept.map((l) => l.language).join(' '));
  core.setOutput('dropped-languages', result.dropped.map((l) => l.language).join(' '));
  await writeJobSummary(
    `### translations: ${result.outcome}\n\n${pullRequestBody(result, settings.plan, 'the translation source')}`,
  );
});

/** Each problem the gettext tools report as `file:line: message` becomes an annotation on that line. */
function annotateCatalogProblems(error: CatalogError, log: ActionLog): void {
  for (const problem of error.problems) {
    const match = /^(.+?):(\d+): (.*)$/.exec(problem);
    if (match) log.error(match[3]!, { file: match[1]!, line: Number(match[2]), title: 'invalid catalog' });
    else log.error(problem);
  }
}
