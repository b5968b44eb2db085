import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { FIXTURES, PROJECT_SOURCES, seededCatalogs } from './fixtures.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'glpat-translationsclitoken0123';
const repo = { owner: 'acme', name: 'widget' };

/** `ironbots translations` as the GitLab CI template runs it: GitLab, a git .po repository, tokens from the environment. */
describe('ironbots translations against the GitLab emulator', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let emulator: GitLabEmulator;
  let forge: GitLabForge;
  let poSeed: ScratchClone;

  beforeEach(async () => {
    tmp = await withTempDir();
    emulator = await GitLabEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createProject('acme', 'widget', { defaultBranch: 'main' });
    await emulator.createProject('acme', 'widget-po', { defaultBranch: 'main' });
    forge = new GitLabForge({ token: TOKEN, host: emulator.url });
    const project = await ScratchClone.initAndPush(
      path.join(tmp.dir, 'project'),
      `${emulator.url}/acme/widget.git`,
      forge.gitCredentials(),
    );
    for (const file of ['src/main.c', 'src/save.py', 'bin/start.sh', 'src/web/menu.js', 'src/web/dialog.ts'])
      await project.commitFile(file, await readFile(path.join(FIXTURES, 'project', file), 'utf8'));
    await project.push('main');
    poSeed = await ScratchClone.initAndPush(
      path.join(tmp.dir, 'po'),
      `${emulator.url}/acme/widget-po.git`,
      forge.gitCredentials(),
    );
    for (const [language, content] of Object.entries(await seededCatalogs()))
      await poSeed.commitFile(`po/${language}.po`, content);
    await poSeed.push('main');
  });
  afterEach(async () => {
    await emulator.stop();
    await tmp.remove();
  });

  const cli = (...extra: string[]) =>
    run(
      process.execPath,
      [
        path.join(repoRoot, 'cli/ironbots.ts'),
        'translations',
        '--forge',
        'gitlab',
        '--sources',
        PROJECT_SOURCES.join(' '),
        '--keywords',
        '_',
        '--source',
        'git',
        '--po-repository',
        `${emulator.url}/acme/widget-po.git`,
        '--po-repository-directory',
        'po',
        ...extra,
      ],
      {
        // What GitLab CI provides, and the token as a masked CI/CD variable.
        env: {
          PATH: process.env.PATH,
          CI_SERVER_URL: emulator.url,
          CI_PROJECT_PATH: 'acme/widget',
          IRONBOTS_FORGE_TOKEN: TOKEN,
          IRONBOTS_LOG_LEVEL: 'warn',
        },
      },
    );

  it('opens a merge request, then updates the same one, and publishes the template to the .po repository', async () => {
    const first = await cli();
    expect(first.stdout).toMatch(/^outcome: created$/m);
    expect(first.stdout).toMatch(/^languages: de \(100 %\), fr \(80 %\)$/m);
    expect(first.stdout).toMatch(/^dropped below 80 %: ja \(30 %\)$/m);
    const mr = await forge.findOpenPullRequest(repo, 'ironbots/translations');
    expect(mr).toMatchObject({ state: 'open', baseRef: 'main', title: 'Update translations' });
    expect(await forge.getFileContent(repo, 'po/LINGUAS', 'ironbots/translations')).toBe('de\nfr\n');
    expect(
      await forge.getFileContent({ owner: 'acme', name: 'widget-po' }, 'po/widget.pot', 'main'),
    ).toContain('msgid "Settings"');

    // Japanese translators catch up in the .po repository.
    await poSeed.git('pull', '--quiet', 'origin', 'main');
    const ja = (await readFile(path.join(FIXTURES, 'po/ja.po'), 'utf8')).replace(
      'msgid "Starting service"\nmsgstr ""',
      'msgid "Starting service"\nmsgstr "サービスを開始しています"',
    );
    await poSeed.commitFile('po/ja.po', ja);
    await poSeed.push('main');
    const second = await cli('--threshold', '40');
    expect(second.stdout).toMatch(/^outcome: updated$/m);
    expect(second.stdout).toContain(`pull request: #${mr!.number} `);
    expect(second.stdout).toMatch(/^languages: de \(100 %\), fr \(80 %\), ja \(40 %\)$/m);
    expect(await forge.getFileContent(repo, 'po/LINGUAS', 'ironbots/translations')).toBe('de\nfr\nja\n');
    expect((await forge.listOpenPullRequests(repo)).map((p) => p.number)).toEqual([mr!.number]);
  });

  it('refuses to run without the token in the environment, and says where to put it', async () => {
    const failure = await run(
      process.execPath,
      [
        path.join(repoRoot, 'cli/ironbots.ts'),
        'translations',
        '--forge',
        'gitlab',
        '--sources',
        'src/*.c',
        '--source',
        'git',
        '--po-repository',
        `${emulator.url}/acme/widget-po.git`,
      ],
      { env: { PATH: process.env.PATH, CI_SERVER_URL: emulator.url, CI_PROJECT_PATH: 'acme/widget' } },
    ).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toBe(
      'ironbots: token required: set it in the environment variable IRONBOTS_FORGE_TOKEN (never on the command line)\n',
    );
    // Nothing happened on the forge.
    expect(await forge.listOpenPullRequests(repo)).toEqual([]);
  });
});
