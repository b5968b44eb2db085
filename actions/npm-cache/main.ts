import * as core from '@actions/core';
import { createStore, npmIn, readSettings } from './inputs.ts';
import { restore, save, type NpmCacheContext } from './npm-cache.ts';

/** The npm-cache action: inputs → restore, save or update → outputs. Everything else is in the modules. */
async function main(): Promise<void> {
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  const settings = readSettings((name) => core.getInput(name), process.env);
  const context: NpmCacheContext = {
    projectDir: settings.projectDir,
    store: await createStore(settings),
    keyPrefix: settings.keyPrefix,
    log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
  };
  core.info(`npm-cache ${settings.mode} in ${settings.projectDir} with ${context.store.description}`);
  if (settings.mode === 'restore') {
    const result = await restore(context);
    core.setOutput('key', result.key);
    core.setOutput('cache-hit', String(result.hit));
    core.setOutput('outcome', result.outcome);
  } else if (settings.mode === 'save') {
    const result = await save(context);
    core.setOutput('key', result.key);
    core.setOutput('saved', String(result.saved));
  } else {
    const pullRequest = settings.openPr ? await pullRequestTarget(settings.githubToken, settings) : undefined;
    const { update } = await import('./update.ts');
    const result = await update({
      ...context,
      npm: npmIn(settings.projectDir),
      testCommand: settings.testCommand,
      pullRequest,
    });
    core.setOutput('key', result.key);
    core.setOutput('saved', String(result.refreshed));
    core.setOutput('changes', result.changes.join('\n'));
    core.setOutput('pull-request-url', result.pullRequest?.htmlUrl ?? '');
  }
}

async function pullRequestTarget(token: string, settings: ReturnType<typeof readSettings>) {
  const [owner, name] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !name) throw new Error('GITHUB_REPOSITORY (owner/name) is not set');
  const { forgeFromConfig } = await import('../../forge/forge-from-config.ts');
  const forge = await forgeFromConfig({ kind: 'github', token, apiUrl: process.env.GITHUB_API_URL });
  const repository = await forge.getRepository({ owner, name });
  return {
    forge,
    repo: { owner, name },
    base: settings.baseBranch || repository.defaultBranch,
    branch: settings.branch,
    remoteUrl: repository.cloneUrl,
  };
}

main().catch((error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)));
