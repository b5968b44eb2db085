import { gettextCatalogs } from '../support/gettext-catalogs.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS } from '../../actions/translations/inputs.ts';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { WeblateEmulator } from '../../emulators/weblate-emulator.ts';
import { FIXTURES, PROJECT_SOURCES, seededCatalogs } from './fixtures.ts';
import { runActionDist } from '../support/run-action-dist.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const actionDir = path.join(repoRoot, 'actions/translations');
const FORGE_TOKEN = 'ghp_translationsdisttoken01234';
const WEBLATE_TOKEN = 'wlu_translationsdisttoken0123';
const repo = { owner: 'acme', name: 'widget' };

interface ActionYaml {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

async function actionYaml(): Promise<ActionYaml> {
  return parseYaml(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as ActionYaml;
}

const runAction = (inputs: Record<string, string>, env: Record<string, string>) =>
  runActionDist('actions/translations', { inputs, env });

describe('the translations action as the runner starts it (dist/index.js)', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let forgeEmulator: GitHubEmulator;
  let weblate: WeblateEmulator;
  let forge: GitHubForge;

  beforeAll(async () => {
    tmp = await withTempDir();
    forgeEmulator = await GitHubEmulator.start({
      dataDir: path.join(tmp.dir, 'forge'),
      tokens: [FORGE_TOKEN],
    });
    await forgeEmulator.createRepository(repo.owner, repo.name);
    forge = new GitHubForge({ token: FORGE_TOKEN, baseUrl: forgeEmulator.url, retries: 0, throttle: false });
    const project = await ScratchClone.initAndPush(
      path.join(tmp.dir, 'project'),
      forgeEmulator.cloneUrl(repo.owner, repo.name),
      forge.gitCredentials(),
    );
    const fixture = path.join(FIXTURES, 'project');
    for (const file of ['src/main.c', 'src/save.py', 'bin/start.sh', 'src/web/menu.js', 'src/web/dialog.ts'])
      await project.commitFile(file, await readFile(path.join(fixture, file), 'utf8'));
    await project.push('main');
    weblate = await WeblateEmulator.start({ catalogs: gettextCatalogs, tokens: [WEBLATE_TOKEN] });
    weblate.addComponent('widget', 'app');
    for (const [language, content] of Object.entries(await seededCatalogs()))
      weblate.setTranslation('widget', 'app', language, content);
  });
  afterAll(async () => {
    await weblate?.stop();
    await forgeEmulator?.stop();
    await tmp?.remove();
  });

  const inputs = () => ({
    token: FORGE_TOKEN,
    'api-url': forgeEmulator.url,
    sources: PROJECT_SOURCES.join('\n'),
    keywords: '_',
    'weblate-url': weblate.url,
    'weblate-token': WEBLATE_TOKEN,
    'weblate-project': 'widget',
    'weblate-component': 'app',
  });

  it('declares node24 and the inputs the code knows, with the same defaults', async () => {
    const yaml = await actionYaml();
    expect(yaml.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(yaml.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(yaml.inputs))
      if (name !== 'token') expect([name, spec.default ?? '']).toEqual([name, INPUT_DEFAULTS[name]]);
    expect(Object.keys(yaml.outputs).sort()).toEqual(
      ['dropped-languages', 'languages', 'outcome', 'pull-request', 'pull-request-url'].sort(),
    );
  });

  it('opens the pull request, sets its outputs, and never prints a token', async () => {
    const { code, log: output, outputs } = await runAction(inputs(), { GITHUB_REPOSITORY: 'acme/widget' });
    // The runner consumes ::add-mask:: commands (that is how secrets get masked); nothing else may show them.
    const printed = output.replace(/^::add-mask::.*$/gm, '');
    expect(output).toContain(`::add-mask::${WEBLATE_TOKEN}`);
    expect(printed).not.toContain(FORGE_TOKEN);
    expect(printed).not.toContain(WEBLATE_TOKEN);
    expect(code, output).toBe(0);
    expect(outputs).toMatchObject({ outcome: 'created', languages: 'de fr', 'dropped-languages': 'ja' });
    const pr = await forge.getPullRequest(repo, Number(outputs['pull-request']));
    expect(pr).toMatchObject({
      state: 'open',
      headRef: 'ironbots/translations',
      htmlUrl: outputs['pull-request-url'],
    });
    // Plain lines in the workflow log, no JSON records.
    expect(output).toMatch(/^opened pull request #1: http/m);
  });

  it('on a pull_request event only validates: publishes, pushes and opens nothing', async () => {
    const uploads = weblate.uploads.length;
    const {
      code,
      log: output,
      outputs,
    } = await runAction(inputs(), {
      GITHUB_REPOSITORY: 'acme/widget',
      GITHUB_EVENT_NAME: 'pull_request',
    });
    expect(code, output).toBe(0);
    expect(outputs).toMatchObject({ outcome: 'dry-run', languages: 'de fr' });
    expect(weblate.uploads).toHaveLength(uploads);
    expect(await forge.listOpenPullRequests(repo)).toHaveLength(1);
  });

  it('fails the step with a clear message on bad input', async () => {
    const { code, log: output } = await runAction(
      { ...inputs(), threshold: '120' },
      { GITHUB_REPOSITORY: 'acme/widget' },
    );
    expect(code).toBe(1);
    expect(output).toContain('::error::input threshold: must be a percentage from 0 to 100, not "120"');
  });

  it('fails the step naming a broken catalog and its line', async () => {
    weblate.setTranslation(
      'widget',
      'app',
      'fr',
      await readFile(path.join(FIXTURES, 'po-broken/de.po'), 'utf8'),
    );
    const { code, log: output } = await runAction(inputs(), { GITHUB_REPOSITORY: 'acme/widget' });
    expect(code).toBe(1);
    expect(output).toContain(`fr.po:19: end-of-line within string`);
  });
});
