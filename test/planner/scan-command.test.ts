import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { CONFIG_CONTEXT, NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { withTempDir } from '../support/temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'ghp_scantoken0123456789';
const GOOD = 'contexts:\n  unit:\n    run: [make, check]\n';
const UNDEFINED_ALIAS = 'contexts:\n  unit:\n    run: [make]\n    env: *shared\n';

function scan(configFile: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'cli/ironbots.ts'), 'scan', '--config', configFile],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('`ironbots scan` with a pull request whose config is broken', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let emulator: GitHubEmulator;

  beforeEach(async () => {
    tmp = await withTempDir();
    emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository('acme', 'widget');
  });
  afterEach(async () => {
    await emulator.stop();
    await tmp.remove();
  });

  it('posts the config error on that pull request, plans the others and exits 0', async () => {
    const forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, throttle: false });
    const repo = { owner: 'acme', name: 'widget' };
    const copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
    await copy.init(`${emulator.url}/acme/widget.git`);
    await copy.writeFiles({ '.ironbots.yml': { content: GOOD } });
    await copy.commit('main');
    await copy.push('main');
    const heads: Record<string, string> = {};
    for (const [branch, config] of [
      ['broken', UNDEFINED_ALIAS],
      ['fine', `${GOOD}# fine\n`],
    ] as const) {
      await copy.git('checkout', '--quiet', '-b', branch, 'main');
      await copy.writeFiles({ '.ironbots.yml': { content: config } });
      heads[branch] = await copy.commit(branch);
      await copy.push(branch);
      await forge.createPullRequest(repo, { title: branch, head: branch, base: 'main' });
    }
    const configFile = path.join(tmp.dir, 'config.yml');
    await writeFile(
      configFile,
      [
        `stateDir: ${path.join(tmp.dir, 'state')}`,
        'forge:',
        `  apiUrl: ${emulator.url}`,
        '  token: ${GITHUB_TOKEN}',
        '  repositories: [acme/widget]',
        '',
      ].join('\n'),
    );

    const result = await scan(configFile);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('acme/widget#1: config error (status posted): .ironbots.yml line 4:');
    expect(result.stdout).toContain('acme/widget#2: 1 new job(s)');
    const broken = await forge.listCommitStatuses(repo, heads.broken!);
    expect(broken.map((s) => [s.context, s.state, s.description])).toEqual([
      [
        CONFIG_CONTEXT,
        'error',
        expect.stringMatching(/line 4: invalid YAML: alias \*shared names no anchor/),
      ],
    ]);
    const fine = await forge.listCommitStatuses(repo, heads.fine!);
    expect(fine.map((s) => [s.context, s.description])).toEqual([['unit', NOT_YET_TESTED]]);
  });
});
