import os from 'node:os';
import * as core from '@actions/core';
import { createLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { runConfigured } from './configured-run.ts';
import { parseTranslationsInputs } from './inputs.ts';
import { pullRequestBody } from './translations.ts';
import { errorMessage } from '../../core/errors.ts';

/** The translations action: read inputs → run → set outputs. Everything else is in translations.ts. */
async function main(): Promise<void> {
  const config = parseTranslationsInputs((name) => core.getInput(name), process.env);
  const secrets = new SecretRegistry();
  for (const secret of config.secrets) {
    core.setSecret(secret);
    secrets.add(secret);
  }
  const logger = createLogger({ name: 'translations', secrets, destination: process.stdout });
  const result = await runConfigured(config, { logger, tempRoot: process.env.RUNNER_TEMP || os.tmpdir() });
  core.setOutput('outcome', result.outcome);
  core.setOutput('pull-request', result.pullRequest ? String(result.pullRequest.number) : '');
  core.setOutput('pull-request-url', result.pullRequest?.htmlUrl ?? '');
  core.setOutput('languages', result.kept.map((l) => l.language).join(' '));
  core.setOutput('dropped-languages', result.dropped.map((l) => l.language).join(' '));
  // A local run has no summary file; the toolkit would throw.
  if (process.env.GITHUB_STEP_SUMMARY)
    await core.summary
      .addHeading(`translations: ${result.outcome}`, 3)
      .addRaw(pullRequestBody(result, config.plan, 'the translation source'), true)
      .write();
}

main().catch((error: unknown) => core.setFailed(errorMessage(error)));
