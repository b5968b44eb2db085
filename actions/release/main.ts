import os from 'node:os';
import * as core from '@actions/core';
import { actionsLog, runActionStep, writeJobSummary } from '../../core/action-log.ts';
import { actionsCiRun } from '../../core/actions-context.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import { readSettings } from './inputs.ts';
import { assetsJson, planText, summaryMarkdown } from './summary.ts';

/** The release action: read inputs → release → outputs and summary. Everything else is in release.ts. */
void runActionStep('release', async () => {
  const settings = readSettings(actionEnvironmentInputs(), actionsCiRun(), (message) =>
    core.warning(message),
  );
  const log = actionsLog(settings.secrets);
  log.info(
    `release ${settings.tag} to ${settings.targets.map((t) => t.kind).join(', ')}${settings.dryRun ? ' (dry run)' : ''}`,
  );
  // Loaded once the inputs are good: a typo fails the step without loading the targets and forge clients.
  const { runConfigured } = await import('./configured-run.ts');
  const outcome = await runConfigured(settings, {
    log,
    env: process.env,
    workDir: process.env.RUNNER_TEMP || os.tmpdir(),
  });
  if (outcome.dryRun) for (const line of planText(outcome).trimEnd().split('\n')) log.info(line);
  const primary = outcome.published[0];
  core.setOutput('release-url', primary?.url ?? '');
  core.setOutput('release-id', primary?.id ?? '');
  core.setOutput('assets', assetsJson(outcome));
  await writeJobSummary(summaryMarkdown(outcome));
});
