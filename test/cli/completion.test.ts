import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ironbots = path.resolve(import.meta.dirname, '../../cli/bin/ironbots');

describe('ironbots completion', () => {
  it('completes commands, subcommands and flags in a real bash, from the CLI’s own command tree', async () => {
    const { stdout: script } = await run(ironbots, ['completion', 'bash']);
    // Each case: the words typed so far (the last one being completed), and what bash offers.
    const cases: [string[], string][] = [
      [['ironbots', 'lo'], 'local logs'],
      [['ironbots', 'logs', ''], 'prune'],
      [['ironbots', 'logs', 'prune', '--'], '--config --help --older-than'],
      [['ironbots', '--config', 'c.yml', 'queue', 're'], 'redrive'],
      [['ironbots', 'run', 'unit', '--exe'], '--executor'],
      [['ironbots', 'completion', '--h'], '--help'],
    ];
    const probe = cases
      .map(
        ([words]) =>
          `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _ironbots; echo "\${COMPREPLY[*]}"`,
      )
      .join('\n');
    const { stdout } = await run('bash', ['--norc', '-c', `${script}\n${probe}`]);
    expect(stdout.split('\n').slice(0, -1)).toEqual(cases.map(([, offered]) => offered));
  });

  it('refuses a shell it has no script for, as a usage error', async () => {
    const error = await run(ironbots, ['completion', 'fish']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(error).toMatchObject({ code: 2, stderr: expect.stringContaining('no completion for "fish"') });
  });
});
