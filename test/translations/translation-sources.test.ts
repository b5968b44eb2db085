import { gettextCatalogs } from '../support/gettext-catalogs.ts';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { GitPoSource } from '../../actions/translations/git-po-source.ts';
import { WeblateSource } from '../../actions/translations/weblate-source.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { WeblateEmulator } from '../../emulators/weblate-emulator.ts';
import { translationSourceContract } from './translation-source-contract.ts';

const WEBLATE_TOKEN = 'wlu_emulatortoken0123456789';
const BAD_WEBLATE_TOKEN = 'wlu_notatokentheemulatorknows';
const FORGE_TOKEN = 'ghp_translationsforgetoken0123';
const BAD_FORGE_TOKEN = 'ghp_translationsbadtoken01234';

translationSourceContract('Weblate over its REST API (emulator over HTTP)', async (catalogs) => {
  // Two per page: the list of four (source + three) takes two pages.
  const weblate = await WeblateEmulator.start({
    catalogs: gettextCatalogs,
    tokens: [WEBLATE_TOKEN],
    pageSize: 2,
  });
  weblate.addComponent('widget', 'app');
  for (const [language, content] of Object.entries(catalogs))
    weblate.setTranslation('widget', 'app', language, content);
  const source = (token: string) =>
    new WeblateSource({ url: weblate.url, token, project: 'widget', component: 'app' });
  return {
    source: source(WEBLATE_TOKEN),
    sourceWithBadCredentials: source(BAD_WEBLATE_TOKEN),
    badSecret: BAD_WEBLATE_TOKEN,
    publishedTemplate: async () => weblate.template('widget', 'app'),
    cleanup: () => weblate.stop(),
  };
});

translationSourceContract(
  'a git repository of .po files (on the forge emulator over HTTP)',
  async (catalogs) => {
    const tmp = await withTempDir();
    const forgeEmulator = await GitHubEmulator.start({
      dataDir: path.join(tmp.dir, 'forge'),
      tokens: [FORGE_TOKEN],
    });
    await forgeEmulator.createRepository('acme', 'widget-po');
    const credentials = { username: 'x-access-token', password: FORGE_TOKEN };
    const url = forgeEmulator.cloneUrl('acme', 'widget-po');
    const seed = await ScratchClone.initAndPush(path.join(tmp.dir, 'seed'), url, credentials);
    for (const [language, content] of Object.entries(catalogs))
      await seed.commitFile(`po/${language}.po`, content);
    await seed.git('push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    const forge = new GitHubForge({
      token: FORGE_TOKEN,
      baseUrl: forgeEmulator.url,
      retries: 0,
      throttle: false,
    });
    let clones = 0;
    const source = (password: string) =>
      new GitPoSource({
        url,
        branch: 'main',
        directory: 'po',
        templateName: 'widget.pot',
        credentials: { username: 'x-access-token', password },
        workDir: path.join(tmp.dir, `source-${++clones}`),
      });
    return {
      source: source(FORGE_TOKEN),
      sourceWithBadCredentials: source(BAD_FORGE_TOKEN),
      badSecret: BAD_FORGE_TOKEN,
      publishedTemplate: () =>
        forge.getFileContent({ owner: 'acme', name: 'widget-po' }, 'po/widget.pot', 'main'),
      async cleanup() {
        await forgeEmulator.stop();
        await tmp.remove();
      },
    };
  },
);

it('Weblate source: refuses to follow a link to another server with the token', async () => {
  const weblate = await WeblateEmulator.start({ catalogs: gettextCatalogs, tokens: [WEBLATE_TOKEN] });
  try {
    weblate.addComponent('widget', 'app');
    const seen: string[] = [];
    const source = new WeblateSource({
      url: weblate.url,
      token: WEBLATE_TOKEN,
      project: 'widget',
      component: 'app',
      // A compromised or misconfigured server that points file_url elsewhere.
      fetch: async (input, init) => {
        seen.push(String(input));
        const response = await fetch(input, init);
        const body = (await response.json()) as { results: { file_url: string }[] };
        body.results = [
          { ...body.results[0]!, file_url: 'http://127.0.0.2:9/file/', is_source: false } as never,
        ];
        return new Response(JSON.stringify(body), { status: 200 });
      },
    });
    await expect(source.fetchCatalogs()).rejects.toThrow(
      /refusing to send the token to http:\/\/127\.0\.0\.2:9/,
    );
    expect(seen).toHaveLength(1);
  } finally {
    await weblate.stop();
  }
});

it('Weblate source: says which request failed and what Weblate answered', async () => {
  const weblate = await WeblateEmulator.start({ catalogs: gettextCatalogs, tokens: [WEBLATE_TOKEN] });
  try {
    weblate.addComponent('widget', 'app');
    const missing = new WeblateSource({
      url: weblate.url,
      token: WEBLATE_TOKEN,
      project: 'widget',
      component: 'nope',
    });
    await expect(missing.fetchCatalogs()).rejects.toThrow(
      'Weblate GET /api/components/widget/nope/translations/: 404 Not found.',
    );
    const anonymous = await fetch(`${weblate.url}/api/components/widget/app/`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  } finally {
    await weblate.stop();
  }
});

it('git .po source: names the repository and the folder it lacks', async () => {
  const tmp = await withTempDir();
  try {
    const remote = path.join(tmp.dir, 'po.git');
    await promisify(execFile)('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    await ScratchClone.initAndPush(path.join(tmp.dir, 'seed'), remote, null);
    const source = new GitPoSource({
      url: remote,
      branch: 'main',
      directory: 'po',
      templateName: 'widget.pot',
      credentials: null,
      workDir: path.join(tmp.dir, 'source'),
    });
    await expect(source.fetchCatalogs()).rejects.toThrow(`${remote} (main) has no folder po`);
  } finally {
    await tmp.remove();
  }
});
