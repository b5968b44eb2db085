import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { silentLogger } from '../../runner-agent/src/observability/logger.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Runs the committed bundle exactly as the Actions runner does: INPUT_* variables, files for outputs. */
async function runAction(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const tmp = await withTempDir();
  const outputFile = path.join(tmp.dir, 'output');
  const summaryFile = path.join(tmp.dir, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/index.js')], {
    env: {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...inputEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const outputs: Record<string, string> = {};
  // The runner's file format: name<<DELIMITER, value lines, DELIMITER.
  const text = await readFile(outputFile, 'utf8');
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
  const summary = await readFile(summaryFile, 'utf8');
  await tmp.remove();
  return { code, stdout, outputs, summary };
}

describe('root action dist/index.js against a real ironbots server', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger() });
  });
  afterAll(async () => stack.stop());

  it('submits a job, waits for the agent to run it, and sets outputs and the summary', async () => {
    const result = await runAction({
      'server-url': stack.server.url,
      token: stack.apiToken,
      job: 'context: nightly\nrun: [sh, -c, "echo hello from the root action"]',
      wait: 'true',
      repository: 'none',
    });
    // The runner consumes ::add-mask:: itself and hides the value everywhere else.
    expect(result.stdout).toContain(`::add-mask::${stack.apiToken}`);
    expect(result.stdout.replace(`::add-mask::${stack.apiToken}`, '')).not.toContain(stack.apiToken);
    expect(result.code).toBe(0);
    expect(result.outputs.state).toBe('success');
    expect(result.outputs['job-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.outputs['log-url']).toBe(`${stack.server.url}/logs/${result.outputs['job-id']}`);
    expect(await (await fetch(result.outputs['log-url']!)).text()).toContain('hello from the root action');
    expect(result.summary).toContain('ironbots job nightly');
  });

  it('fails the step when the waited-for job fails', async () => {
    const result = await runAction({
      'server-url': stack.server.url,
      token: stack.apiToken,
      job: 'sh -c "exit 4"',
      wait: 'true',
      repository: 'none',
    });
    expect(result.code).not.toBe(0);
    expect(result.outputs.state).toBe('failure');
    expect(result.stdout).toMatch(/::error::job .* ended failure: Failed \(exit code 4\)/);
  });

  it('fails with a clear message on a refused token, and submits nothing', async () => {
    const before = await stack.jobs.stats();
    const result = await runAction({
      'server-url': stack.server.url,
      token: 'not-the-token-at-all',
      job: 'true',
      repository: 'none',
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/::error::the ironbots server refused the token \(401\)/);
    expect(await stack.jobs.stats()).toEqual(before);
  });
});
