import os from 'node:os';
import * as core from '@actions/core';
import { createLogger } from '../../core/logger.ts';
import { SecretRegistry } from '../../core/secrets.ts';
import { runConfiguredRelease } from './configured-release.ts';
import { parseReleaseInputs } from './inputs.ts';
import { assetsJson, planText, summaryMarkdown } from './summary.ts';
import { errorMessage } from '../../core/errors.ts';

/** The release action: read inputs → release → outputs and summary. Everything else is in release.ts. */
async function main(): Promise<void> {
  const config = parseReleaseInputs((name) => core.getInput(name), process.env);
  const secrets = new SecretRegistry();
  for (const secret of config.secrets) {
    core.setSecret(secret);
    secrets.add(secret);
  }
  const logger = createLogger({ name: 'release', secrets, destination: process.stdout });
  logger.info(
    { tag: config.tag, targets: config.targets.map((t) => t.kind), dryRun: config.dryRun },
    'release starting',
  );
  const outcome = await runConfiguredRelease(config, {
    logger,
    env: process.env,
    workDir: process.env.RUNNER_TEMP || os.tmpdir(),
  });
  if (outcome.dryRun) process.stdout.write(secrets.redact(planText(outcome)));
  const primary = outcome.published[0];
  core.setOutput('release-url', primary?.url ?? '');
  core.setOutput('release-id', primary?.id ?? '');
  core.setOutput('assets', assetsJson(outcome));
  // A local run has no summary file; the toolkit would throw.
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(outcome), true).write();
}

main().catch((error: unknown) => core.setFailed(errorMessage(error)));
