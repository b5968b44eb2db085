import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../support/temp-dir.ts';

const ironbots = path.resolve(import.meta.dirname, '../../cli/bin/ironbots');

/** Starts `ironbots agent`, returns its first stderr line, and stops it. */
async function firstLogLine(args: string[], env: Record<string, string> = {}): Promise<string> {
  const tmp = await withTempDir('ironbots-log-format-');
  try {
    const config = path.join(tmp.dir, 'config.yml');
    await writeFile(config, `stateDir: ${tmp.dir}/state\nagent:\n  name: a1\n  listen: 127.0.0.1:0\n`);
    const child = spawn(ironbots, ['agent', '--config', config, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('close', resolve));
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child.stderr }).once('line', resolve),
    );
    child.kill('SIGTERM');
    await exited;
    return line;
  } finally {
    await tmp.remove();
  }
}

describe('--log-format', () => {
  it('writes lines for people when asked (a terminal’s default), JSON otherwise', async () => {
    expect(await firstLogLine(['--log-format', 'human'])).toMatch(
      /^\[\d\d:\d\d:\d\d\] INFO: agent started \{"role":"agent","agent":"a1",/,
    );
    // Not a terminal here: JSON for journald or a log shipper.
    expect(JSON.parse(await firstLogLine([]))).toMatchObject({ level: 30, msg: 'agent started' });
    expect(await firstLogLine([], { IRONBOTS_LOG_FORMAT: 'human' })).toMatch(
      /^\[[\d:]+\] INFO: agent started/,
    );
  });
});
