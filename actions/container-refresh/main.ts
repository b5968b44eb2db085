import os from 'node:os';
import * as core from '@actions/core';
import { INPUT_DEFAULTS, planRefresh, type RefreshInputs } from './inputs.ts';
import { errorMessage } from '../../core/errors.ts';

/** The container-refresh action: read inputs → run → set outputs. Everything else is in container-refresh.ts. */
async function main(): Promise<void> {
  const inputs = Object.fromEntries(
    Object.entries(INPUT_DEFAULTS).map(([name, fallback]) => [name, core.getInput(name) || fallback]),
  ) as unknown as RefreshInputs;
  const secretValues = [inputs.token, inputs['registry-password']].filter(Boolean);
  for (const secret of secretValues) core.setSecret(secret);
  const plan = planRefresh(inputs, process.env);
  // Loaded only once the inputs are good: a typo fails the step without loading the logger, podman and forge code.
  const [{ createLogger }, { SecretRegistry }, { runConfigured }] = await Promise.all([
    import('../../core/logger.ts'),
    import('../../core/secrets.ts'),
    import('./configured-run.ts'),
  ]);
  const secrets = new SecretRegistry();
  for (const secret of secretValues) secrets.add(secret);
  const env = process.env;
  const logger = createLogger({ name: 'container-refresh', secrets, destination: process.stdout });
  const [owner, name] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const result = await runConfigured(plan, {
    logger,
    tempRoot: env.RUNNER_TEMP || os.tmpdir(),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    issues:
      plan.token && owner && name
        ? {
            kind: 'github',
            apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
            token: plan.token,
            repository: { owner, name },
          }
        : null,
    ...(env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? {
          runUrl: `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`,
        }
      : {}),
  });
  core.setOutput('mode', result.mode);
  core.setOutput('outcome', result.outcome);
  core.setOutput('built', String(result.built));
  core.setOutput('tag', result.tag ?? '');
  core.setOutput('digest', result.digest ?? '');
  core.setOutput('issue-number', result.issue ? String(result.issue.number) : '');
  core.setOutput('issue-url', result.issue?.url ?? '');
  if (result.outcome === 'failed')
    core.setFailed(
      `${result.error ?? 'failed'}${result.issue ? ` (issue ${result.issue.action}: ${result.issue.url})` : ''}`,
    );
}

main().catch((error: unknown) => core.setFailed(errorMessage(error)));
