import * as core from '@actions/core';
import { actionsLog, runActionStep, writeJobSummary } from '../../core/action-log.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import { runConfigured, type NpmCacheOutcome } from './configured-run.ts';
import { readSettings, type NpmCacheSettings } from './inputs.ts';

/** The npm-cache action: inputs → restore, save or update → outputs. Everything else is in the modules. */
void runActionStep('npm-cache', async () => {
  const settings = readSettings(actionEnvironmentInputs(), process.env, (message) => core.warning(message));
  const result = await runConfigured(settings, {
    log: actionsLog([settings.token]),
    ...(settings.openPr ? { pullRequest: await pullRequestTarget(settings) } : {}),
  });
  core.setOutput('key', result.key);
  if (result.mode === 'restore') {
    core.setOutput('cache-hit', String(result.hit));
    core.setOutput('outcome', result.outcome);
  } else if (result.mode === 'save') {
    core.setOutput('saved', String(result.saved));
  } else {
    core.setOutput('saved', String(result.refreshed));
    core.setOutput('changes', result.changes.join('\n'));
    core.setOutput('pull-request-url', result.pullRequest?.htmlUrl ?? '');
  }
  await writeJobSummary(summary(result));
  // The node_modules a hit replaced goes now, with the outputs already set (the action has no post step).
  if (result.mode === 'restore') await result.oldTreeRemoved;
});

function summary(result: NpmCacheOutcome): string {
  const lines = [`### npm-cache ${result.mode}`, '', `- key: \`${result.key}\``];
  if (result.mode === 'restore') lines.push(`- ${result.hit ? 'hit' : 'miss'} (${result.outcome})`);
  else if (result.mode === 'save')
    lines.push(`- ${result.saved ? 'saved' : 'not saved: the key already holds an archive'}`);
  else {
    lines.push(`- cache ${result.refreshed ? 'refreshed' : 'already up to date'}`);
    if (result.changes.length) lines.push(`- npm update changed: ${result.changes.join(', ')}`);
    if (result.pullRequest) lines.push(`- pull request: ${result.pullRequest.htmlUrl}`);
  }
  return `${lines.join('\n')}\n`;
}

async function pullRequestTarget(settings: NpmCacheSettings) {
  const [owner, name] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !name) throw new Error('GITHUB_REPOSITORY (owner/name) is not set');
  const { buildForge } = await import('../../forge/build-forge.ts');
  // GitHub only: the GitLab client stays out of this bundle.
  const forge = await buildForge(
    { kind: 'github', token: settings.token, apiUrl: process.env.GITHUB_API_URL || undefined },
    {},
    { github: () => import('../../forge/github/github-forge.ts') },
  );
  const repository = await forge.getRepository({ owner, name });
  return {
    forge,
    repo: { owner, name },
    base: settings.baseBranch || repository.defaultBranch,
    branch: settings.branch,
    remoteUrl: repository.cloneUrl,
  };
}
