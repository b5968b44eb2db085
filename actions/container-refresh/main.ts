import os from 'node:os';
import * as core from '@actions/core';
import { actionsLog, runActionStep, writeJobSummary } from '../../core/action-log.ts';
import { actionsCiRun, actionsRun } from '../../core/actions-context.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import { readSettings } from './inputs.ts';

/** The container-refresh action: read inputs → run → set outputs. Everything else is in container-refresh.ts. */
void runActionStep('container-refresh', async () => {
  const settings = readSettings(actionEnvironmentInputs(), actionsCiRun());
  const log = actionsLog([settings.token, settings.credentials?.password]);
  // Loaded only once the inputs are good: a typo fails the step without loading podman and forge code.
  const [{ runConfigured }, { actionsFetch }] = await Promise.all([
    import('./configured-run.ts'),
    import('../../core/actions-github.ts'),
  ]);
  const run = actionsRun();
  const result = await runConfigured(settings, {
    log,
    tempRoot: process.env.RUNNER_TEMP || os.tmpdir(),
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    issues:
      settings.token && run.repository
        ? { kind: 'github', apiUrl: run.apiUrl, token: settings.token, repository: run.repository }
        : null,
    ...(actionsFetch ? { forgeWiring: { fetch: actionsFetch } } : {}),
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
  });
  core.setOutput('mode', result.mode);
  core.setOutput('outcome', result.outcome);
  core.setOutput('built', String(result.built));
  core.setOutput('tag', result.tag ?? '');
  core.setOutput('digest', result.digest ?? '');
  core.setOutput('issue-number', result.issue ? String(result.issue.number) : '');
  core.setOutput('issue-url', result.issue?.url ?? '');
  const image = `${settings.registry}/${settings.image}`;
  const issue = result.issue ? ` (issue ${result.issue.action}: ${result.issue.url})` : '';
  if (result.outcome === 'failed') throw new Error(`${result.error ?? 'failed'}${issue}`);
  await writeJobSummary(
    [
      `### container-refresh ${result.mode}: ${result.outcome}`,
      '',
      `- image: \`${image}\`${result.tag ? `, tag \`${result.tag}\`` : ''}`,
      ...(result.digest ? [`- digest: \`${result.digest}\``] : []),
      `- built: ${result.built ? 'yes' : 'no'}`,
      ...(result.issue ? [`- failure issue ${result.issue.action}: ${result.issue.url}`] : []),
      '',
    ].join('\n'),
  );
});
