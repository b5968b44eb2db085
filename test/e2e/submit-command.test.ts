import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStack } from '../../runner-agent/src/local/local-stack.ts';
import { silentLogger } from '../../core/logger.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

async function ironbots(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'cli/ironbots.ts'), ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}

describe('ironbots submit', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await LocalStack.start({ logger: silentLogger() });
  });
  afterAll(async () => stack.stop());

  it('submits argv as given, waits, and prints the result; the job sees its arguments unchanged', async () => {
    const result = await ironbots(
      [
        'submit',
        '--server-url',
        stack.server.url,
        '--wait',
        '--',
        'sh',
        '-c',
        `printf '%s\\n' "it's $0"`,
        'argv-ok',
      ],
      { IRONBOTS_API_TOKEN: stack.apiToken },
    );
    expect(result.stderr).toMatch(/submitted job/);
    expect(result.code).toBe(0);
    // The job's log streams to stdout while waiting; the result is the last line.
    const lines = result.stdout.trimEnd().split('\n');
    const printed = JSON.parse(lines.pop()!) as { id: string; state: string; logUrl: string };
    expect(printed.state).toBe('success');
    const log = await (await fetch(printed.logUrl)).text();
    expect(log).toContain("it's argv-ok");
    expect(`${lines.join('\n')}\n`).toBe(log.endsWith('\n') ? log : `${log}\n`);
  });

  it('exits non-zero when the waited-for job fails, and refuses to run without a token', async () => {
    const failed = await ironbots(
      ['submit', '--server-url', stack.server.url, '--wait', '--', 'sh', '-c', 'exit 2'],
      {
        IRONBOTS_API_TOKEN: stack.apiToken,
      },
    );
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout.trimEnd().split('\n').pop()!)).toMatchObject({ state: 'failure' });
    const noToken = await ironbots(['submit', '--server-url', stack.server.url, 'true'], {});
    expect(noToken.code).not.toBe(0);
    expect(noToken.stderr).toMatch(/set the API token in the environment variable IRONBOTS_API_TOKEN/);
  });

  it('streams output the job writes while it runs, and prints only the result without --wait', async () => {
    const waited = await ironbots(
      [
        'submit',
        '--server-url',
        stack.server.url,
        '--wait',
        '--',
        'sh',
        '-c',
        'echo first; sleep 1; printf "second \\033[31mred\\033[0m"',
      ],
      { IRONBOTS_API_TOKEN: stack.apiToken },
    );
    expect(waited.code).toBe(0);
    // Bytes as the job wrote them (after the agent's header lines), colour escapes included.
    expect(waited.stdout).toMatch(/^ironbots: job /);
    expect(waited.stdout).toContain('\nfirst\nsecond \x1b[31mred\x1b[0m');
    expect(waited.stdout.trimEnd().split('\n').pop()).toMatch(/^\{"id":.*"state":"success"/);

    const submitted = await ironbots(['submit', '--server-url', stack.server.url, '--', 'echo', 'quiet'], {
      IRONBOTS_API_TOKEN: stack.apiToken,
    });
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ state: 'queued' });
  });
});
