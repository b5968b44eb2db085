import escapeHtml from 'escape-html';
import * as core from '@actions/core';
import { actionsCiRun } from '../../core/actions-context.ts';
import { errorMessage } from '../../core/errors.ts';
import { actionEnvironmentInputs } from '../../core/inputs.ts';
import {
  FINAL_STATES,
  planSubmission,
  submitJob,
  WaitTimeoutError,
  type SubmitJobPlan,
  type SubmitJobResult,
} from './submit-job.ts';

/** The root action: read inputs → submit (and maybe wait) → set outputs. Everything else is in submit-job.ts. */
async function main(): Promise<void> {
  const inputs = actionEnvironmentInputs();
  // Masked before anything can fail and print it.
  const token = inputs('token');
  if (token) core.setSecret(token);
  const plan = await planSubmission(inputs, actionsCiRun());
  let result: SubmitJobResult;
  try {
    result = await submitJob(plan, {
      // Through the runner's proxy, as the toolkit's clients go; loaded once the inputs are read.
      fetch: async (input, init) => (await import('../../core/proxy.ts')).fetchThroughProxy(input, init),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: Date.now,
      log: (line) => core.info(line),
    });
  } catch (error) {
    // The job exists and goes on: later steps still get its id and log.
    if (error instanceof WaitTimeoutError) await report(plan, error.result, 'gave up waiting');
    throw error;
  }
  await report(plan, result);
  if (plan.wait && result.state !== 'success') {
    core.setFailed(
      `job ${result.jobId} ended ${result.state}${result.description ? `: ${result.description}` : ''} — ${result.logUrl}`,
    );
  } else if (!plan.wait && FINAL_STATES.includes(result.state) && result.state !== 'success') {
    core.warning(`job ${result.jobId} is ${result.state}`);
  }
}

// A failure fails the step; a job that exists also has its summary (report), so no second one is written.
main().catch((error: unknown) => core.setFailed(errorMessage(error)));

async function report(plan: SubmitJobPlan, result: SubmitJobResult, note?: string): Promise<void> {
  core.setOutput('job-id', result.jobId);
  core.setOutput('state', result.state);
  core.setOutput('log-url', result.logUrl);
  // A local run has no summary file; the toolkit would throw.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // The summary is HTML and the toolkit escapes nothing; these strings come from the job and the server.
  const state = [result.state, result.description, note].filter(Boolean).join(' — ');
  await core.summary
    .addHeading(`ironbots job ${escapeHtml(plan.submission.context)}`, 3)
    .addTable([
      [
        { data: 'job', header: true },
        { data: 'state', header: true },
        { data: 'log', header: true },
      ],
      [escapeHtml(result.jobId), escapeHtml(state), `<a href="${escapeHtml(result.logUrl)}">log</a>`],
    ])
    .write();
}
