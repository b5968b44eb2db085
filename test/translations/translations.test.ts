import { gettextCatalogs } from '../support/gettext-catalogs.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitPoSource } from '../../actions/translations/git-po-source.ts';
import { CatalogError } from '../../actions/translations/gettext-tools.ts';
import type { TranslationSource } from '../../actions/translations/translation-source.ts';
import { runTranslations, type TranslationsPlan } from '../../actions/translations/translations.ts';
import { WeblateSource } from '../../actions/translations/weblate-source.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { silentLog } from '../../cli/text-log.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { WeblateEmulator } from '../../emulators/weblate-emulator.ts';
import { FIXTURES as fixtures, PROJECT_SOURCES, seededCatalogs } from './fixtures.ts';

const FORGE_TOKEN = 'ghp_translationsforgetoken0123';
const WEBLATE_TOKEN = 'wlu_emulatortoken0123456789';
const repo = { owner: 'acme', name: 'widget' };
const BRANCH = 'ironbots/translations';

const plan: TranslationsPlan = {
  repository: repo,
  branch: BRANCH,
  sources: PROJECT_SOURCES,
  keywords: ['_'],
  domain: 'widget',
  poDirectory: 'po',
  threshold: 80,
  title: 'Update translations',
  packageName: 'widget',
  dryRun: false,
};

/** Every file under a directory, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function setup() {
  const tmp = await withTempDir();
  const forgeEmulator = await GitHubEmulator.start({
    dataDir: path.join(tmp.dir, 'forge'),
    tokens: [FORGE_TOKEN],
  });
  await forgeEmulator.createRepository(repo.owner, repo.name);
  const forge = new GitHubForge({
    token: FORGE_TOKEN,
    baseUrl: forgeEmulator.url,
    retries: 0,
    throttle: false,
  });
  const project = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'project'),
    forgeEmulator.cloneUrl(repo.owner, repo.name),
    forge.gitCredentials(),
  );
  const projectFixture = path.join(fixtures, 'project');
  for (const file of await filesUnder(projectFixture))
    await project.commitFile(file, await readFile(path.join(projectFixture, file), 'utf8'));
  await project.push('main');
  const weblate = await WeblateEmulator.start({ catalogs: gettextCatalogs, tokens: [WEBLATE_TOKEN] });
  weblate.addComponent('widget', 'app');
  for (const [language, content] of Object.entries(await seededCatalogs()))
    weblate.setTranslation('widget', 'app', language, content);
  let runs = 0;
  const run = (
    source: TranslationSource = new WeblateSource({
      url: weblate.url,
      token: WEBLATE_TOKEN,
      project: 'widget',
      component: 'app',
    }),
  ) =>
    runTranslations(plan, {
      forge,
      source,
      workDir: path.join(tmp.dir, `run-${++runs}`),
      log: silentLog(),
    });
  const onBranch = (file: string) => forge.getFileContent(repo, file, BRANCH);
  return {
    tmp,
    forgeEmulator,
    forge,
    project,
    weblate,
    run,
    onBranch,
    async cleanup() {
      await weblate.stop();
      await forgeEmulator.stop();
      await tmp.remove();
    },
  };
}

describe('translations against the GitHub emulator, Weblate emulator and real gettext tools', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    t = await setup();
  });
  afterEach(async () => t.cleanup());

  it('opens one pull request, updates it on a new translation, closes it when nothing is left to change', async () => {
    const first = await t.run();
    expect(first.outcome).toBe('created');
    expect(first.kept.map((l) => [l.language, l.percent])).toEqual([
      ['de', 100],
      ['fr', 80],
    ]);
    expect(first.dropped.map((l) => [l.language, l.percent])).toEqual([['ja', 30]]);
    const pr = first.pullRequest!;
    expect(pr).toMatchObject({
      state: 'open',
      headRef: BRANCH,
      baseRef: 'main',
      title: 'Update translations',
    });
    expect(pr.body).toMatch(/\| fr \| 80 % \| 8 \/ 10 \| kept \|/);
    expect(pr.body).toMatch(/\| ja \| 30 % \| 3 \/ 10 \| dropped \(below 80 %\) \|/);
    expect(await t.onBranch('po/LINGUAS')).toBe('de\nfr\n');
    expect(await t.onBranch('po/ja.po')).toBeNull();
    expect(await t.onBranch('po/widget.pot')).toContain('msgid "Settings"');
    const de = (await t.onBranch('po/de.po'))!;
    expect(de).toContain('msgstr "Schließen"');
    expect(de).toContain('#: src/web/dialog.ts:');
    // Merged with the fresh template: the message no source has any more is obsolete.
    expect(de).toContain('#~ msgid "Obsolete message"');
    // Weblate got the template as the source language's file.
    expect(t.weblate.uploads.map((u) => [u.language, u.method])).toEqual([['en', 'source']]);
    expect(t.weblate.template('widget', 'app')).toContain('msgid "Starting service"');

    // A translator finishes French in Weblate: the same pull request is updated.
    const fr = (await seededCatalogs())
      .fr!.replace('msgid "Close"\nmsgstr ""', 'msgid "Close"\nmsgstr "Fermer"')
      .replace('msgid "Settings"\nmsgstr ""', 'msgid "Settings"\nmsgstr "Paramètres"');
    t.weblate.setTranslation('widget', 'app', 'fr', fr);
    const second = await t.run();
    expect(second.outcome).toBe('updated');
    expect(second.pullRequest).toMatchObject({ number: pr.number, state: 'open' });
    expect(second.pullRequest!.body).toMatch(/\| fr \| 100 % \| 10 \/ 10 \| kept \|/);
    expect(await t.onBranch('po/fr.po')).toContain('msgstr "Paramètres"');
    expect(await t.forge.listOpenPullRequests(repo)).toHaveLength(1);
    expect(second.changedFiles.sort()).toEqual(['po/LINGUAS', 'po/de.po', 'po/fr.po', 'po/widget.pot']);

    // Nothing new since: the pull request and its branch stay as they are (no force-push, no CI rerun).
    const head = (await t.forge.getPullRequest(repo, pr.number)).headSha;
    const quiet = await t.run();
    expect(quiet.outcome).toBe('unchanged');
    expect(quiet.pullRequest).toMatchObject({ number: pr.number, state: 'open', headSha: head });
    expect(quiet.changedFiles.length).toBeGreaterThan(0);

    // A language that leaves the source leaves the project too.
    t.weblate.removeTranslation('widget', 'app', 'fr');
    const withoutFrench = await t.run();
    expect(withoutFrench.outcome).toBe('updated');
    expect(await t.onBranch('po/fr.po')).toBeNull();
    expect(await t.onBranch('po/LINGUAS')).toBe('de\n');
    t.weblate.setTranslation('widget', 'app', 'fr', fr);
    expect((await t.run()).outcome).toBe('updated');
    expect(await t.onBranch('po/LINGUAS')).toBe('de\nfr\n');

    // The translations reach main another way (here: the branch is pushed there): nothing left to change.
    await t.project.git('fetch', '--quiet', 'origin', BRANCH);
    await t.project.git('push', '--quiet', 'origin', `FETCH_HEAD:refs/heads/main`);
    const third = await t.run();
    expect(third.outcome).toBe('closed');
    expect(third.changedFiles).toEqual([]);
    expect(await t.forge.getPullRequest(repo, pr.number)).toMatchObject({ state: 'closed' });
    expect(await t.forge.listOpenPullRequests(repo)).toEqual([]);
  });

  it('opens no pull request when only timestamps and source references changed', async () => {
    const first = await t.run();
    await t.project.git('fetch', '--quiet', 'origin', BRANCH);
    await t.project.git('reset', '--quiet', '--hard', 'FETCH_HEAD');
    await t.project.push('main');
    await t.forge.closePullRequest(repo, first.pullRequest!.number);
    // Every message moves down two lines, and the new extraction has a new POT-Creation-Date.
    const main = await readFile(path.join(t.project.dir, 'src/main.c'), 'utf8');
    await t.project.commitFile('src/main.c', `/* widget */\n\n${main}`);
    await t.project.push('main');

    const again = await t.run();
    expect(again.outcome).toBe('unchanged');
    expect(again.changedFiles).toEqual([]);
    expect(again.pullRequest).toBeNull();
    expect(await t.forge.listOpenPullRequests(repo)).toEqual([]);
    // Weblate was told: the template it holds is the same without timestamps and references.
    expect(again.templatePublished).toBe(false);
  });

  it('with a git repository of .po files: publishes the template there and opens the pull request', async () => {
    await t.forgeEmulator.createRepository('acme', 'widget-po');
    const poUrl = t.forgeEmulator.cloneUrl('acme', 'widget-po');
    const seed = await ScratchClone.initAndPush(
      path.join(t.tmp.dir, 'po-seed'),
      poUrl,
      t.forge.gitCredentials(),
    );
    for (const [language, content] of Object.entries(await seededCatalogs()))
      await seed.commitFile(`${language}.po`, content);
    await seed.push('main');
    const source = new GitPoSource({
      url: poUrl,
      branch: 'main',
      directory: '.',
      templateName: 'widget.pot',
      credentials: t.forge.gitCredentials(),
      workDir: path.join(t.tmp.dir, 'po-source'),
    });
    const result = await t.run(source);
    expect(result.outcome).toBe('created');
    expect(result.kept.map((l) => l.language)).toEqual(['de', 'fr']);
    expect(
      await t.forge.getFileContent({ owner: 'acme', name: 'widget-po' }, 'widget.pot', 'main'),
    ).toContain('msgid "Hello, world"');
    expect(await t.onBranch('po/LINGUAS')).toBe('de\nfr\n');
  });

  it('stops at a .po file with syntax errors, naming file and line, and pushes nothing anywhere', async () => {
    await t.forgeEmulator.createRepository('acme', 'widget-po');
    const poUrl = t.forgeEmulator.cloneUrl('acme', 'widget-po');
    const seed = await ScratchClone.initAndPush(
      path.join(t.tmp.dir, 'po-seed'),
      poUrl,
      t.forge.gitCredentials(),
    );
    for (const language of ['de', 'fr'])
      await seed.commitFile(
        `po/${language}.po`,
        await readFile(path.join(fixtures, 'po-broken', `${language}.po`), 'utf8'),
      );
    await seed.push('main');
    const poHead = await seed.git('rev-parse', 'HEAD');
    const source = new GitPoSource({
      url: poUrl,
      branch: 'main',
      directory: 'po',
      templateName: 'widget.pot',
      credentials: t.forge.gitCredentials(),
      workDir: path.join(t.tmp.dir, 'po-source'),
    });
    const error = await t.run(source).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as Error).message).toBe(
      `invalid translation catalog:\n${poUrl} po/de.po:19: end-of-line within string`,
    );
    // Nothing published to the .po repository, no branch and no pull request on the project.
    const heads = await seed.git('ls-remote', 'origin');
    expect(heads).toContain(`${poHead}\trefs/heads/main`);
    expect(
      await t.forge.getFileContent({ owner: 'acme', name: 'widget-po' }, 'po/widget.pot', 'main'),
    ).toBeNull();
    expect(await t.onBranch('po/LINGUAS')).toBeNull();
    expect(await t.forge.listOpenPullRequests(repo)).toEqual([]);
  });

  it('stops at a broken catalog from Weblate before uploading anything', async () => {
    t.weblate.setTranslation(
      'widget',
      'app',
      'de',
      await readFile(path.join(fixtures, 'po-broken/de.po'), 'utf8'),
    );
    await expect(t.run()).rejects.toThrow(
      `Weblate widget/app at ${t.weblate.url} de.po:19: end-of-line within string`,
    );
    expect(t.weblate.uploads).toEqual([]);
    expect(t.weblate.requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    expect(await t.forge.listOpenPullRequests(repo)).toEqual([]);
  });

  it('refuses to empty the project when the source has no translations at all', async () => {
    const first = await t.run();
    await t.project.git('fetch', '--quiet', 'origin', BRANCH);
    await t.project.git('push', '--quiet', 'origin', 'FETCH_HEAD:refs/heads/main');
    for (const language of ['de', 'fr', 'ja']) t.weblate.removeTranslation('widget', 'app', language);
    await expect(t.run()).rejects.toThrow(
      `Weblate widget/app at ${t.weblate.url} has no translations; refusing to remove 2 catalog(s) from po/`,
    );
    // The open pull request is neither updated nor closed.
    expect(await t.forge.getPullRequest(repo, first.pullRequest!.number)).toMatchObject({
      state: 'open',
      headSha: first.pullRequest!.headSha,
    });
  });

  it('in a dry run reports what it would do and publishes, pushes and opens nothing', async () => {
    const result = await runTranslations(
      { ...plan, dryRun: true },
      {
        forge: t.forge,
        source: new WeblateSource({
          url: t.weblate.url,
          token: WEBLATE_TOKEN,
          project: 'widget',
          component: 'app',
        }),
        workDir: path.join(t.tmp.dir, 'dry'),
        log: silentLog(),
      },
    );
    expect(result.outcome).toBe('dry-run');
    expect(result.changedFiles.sort()).toEqual(['po/LINGUAS', 'po/de.po', 'po/fr.po', 'po/widget.pot']);
    expect(t.weblate.uploads).toEqual([]);
    expect(await t.onBranch('po/LINGUAS')).toBeNull();
  });
});
