import * as core from '@actions/core';
import {
  FINAL_STATES,
  INPUT_DEFAULTS,
  planSubmission,
  submitJob,
  type SubmitJobInputs,
} from './submit-job.ts';

/** The root action: read inputs → submit (and maybe wait) → set outputs. Everything else is in submit-job.ts. */
function input(name: string): string {
  return core.getInput(name) || INPUT_DEFAULTS[name] || '';
}

async function main(): Promise<void> {
  const token = input('token');
  if (token) core.setSecret(token);
  const inputs: SubmitJobInputs = {
    serverUrl: input('server-url'),
    token,
    job: input('job'),
    labels: input('labels'),
    wait: input('wait'),
    waitTimeout: input('wait-timeout'),
    repository: input('repository'),
    sha: input('sha'),
  };
  const plan = planSubmission(inputs, process.env);
  const result = await submitJob(plan, {
    fetch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    log: (line) => core.info(line),
  });
  core.setOutput('job-id', result.jobId);
  core.setOutput('state', result.state);
  core.setOutput('log-url', result.logUrl);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading(`ironbots job ${plan.submission.context}`, 3)
      .addTable([
        [
          { data: 'job', header: true },
          { data: 'state', header: true },
          { data: 'log', header: true },
        ],
        [
          result.jobId,
          result.state + (result.description ? ` — ${result.description}` : ''),
          `<a href="${result.logUrl}">log</a>`,
        ],
      ])
      .write();
  }
  if (plan.wait && result.state !== 'success') {
    core.setFailed(
      `job ${result.jobId} ended ${result.state}${result.description ? `: ${result.description}` : ''} — ${result.logUrl}`,
    );
  } else if (!plan.wait && FINAL_STATES.includes(result.state) && result.state !== 'success') {
    core.warning(`job ${result.jobId} is ${result.state}`);
  }
}

main().catch((error: unknown) => core.setFailed(error instanceof Error ? error.message : String(error)));
