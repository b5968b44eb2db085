import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubReleaseWorld, OWNER, READ_ONLY_TOKEN, REPO, TOKEN } from './github-release-world.ts';
import { SigningFixture, type GpgKey } from './signing-fixture.ts';
import { runActionDist } from '../support/run-action-dist.ts';

let fixture: SigningFixture;
let world: GitHubReleaseWorld;
let trusted: GpgKey;

const runAction = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runActionDist('actions/release', {
    inputs,
    cwd: fixture.repo,
    env: {
      HOME: fixture.dir,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_API_URL: world.emulator.url,
      GITHUB_SERVER_URL: world.emulator.url,
      ...env,
    },
  });

/** The defaults the runner applies from action.yml, as a workflow step would get them. */
function inputs(extra: Record<string, string>): Record<string, string> {
  return {
    targets: 'github',
    'allowed-keys': trusted.publicKey,
    'version-pattern': '^v?\\d+(\\.\\d+)*$',
    build: `sh -c 'mkdir -p dist && echo widget > dist/widget.tar.gz'`,
    assets: 'dist/*.tar.gz',
    'dry-run': 'false',
    'compare-link': 'true',
    'working-directory': '.',
    token: TOKEN,
    ...extra,
  };
}

beforeAll(async () => {
  fixture = await SigningFixture.create();
  world = await GitHubReleaseWorld.start();
  trusted = await fixture.gpgKey('Release Manager <rm@example.invalid>', '1y');
  await fixture.gpgTag('1.0', trusted, '1.0', '- cool new feature A');
  await fixture.gpgTag('1.1', trusted, '1.1');
  await fixture.gpgTag('1.2', trusted, '1.2', 'harmless');
  const original = await fixture.git('cat-file', 'tag', '1.2');
  await fixture.writeTagObject('1.2', original.replace('harmless', 'evil'));
  await world.push(fixture.repo, 'main', '--tags');
});

afterAll(async () => {
  await world?.stop();
  await fixture?.dispose();
});

describe('the built release action (dist/index.js) run as the runner runs it', () => {
  it('releases the tag of GITHUB_REF and sets release-url, release-id, assets and the summary', async () => {
    const branch = await runAction(inputs({ tag: '' }), { GITHUB_REF: 'refs/heads/main' });
    expect(branch.code).toBe(1);
    expect(branch.log).toContain('input tag: required: no tag given and this run was not started by a tag');

    const run = await runAction(inputs({ tag: '' }), { GITHUB_REF: 'refs/tags/1.0' });
    // The runner takes ::add-mask:: and hides the token from then on; nothing else may print it.
    expect(run.log.replace(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    expect(run.code).toBe(0);
    const [release] = world.releases().filter((r) => r.tagName === '1.0');
    expect(release).toMatchObject({ draft: false, body: '- cool new feature A' });
    expect(run.outputs['release-url']).toBe(`${world.emulator.url}/${OWNER}/${REPO}/releases/tag/1.0`);
    expect(run.outputs['release-id']).toBe(String(release!.id));
    const assets = JSON.parse(run.outputs.assets!) as Array<{ name: string; sha256: string; url?: string }>;
    expect(assets.map((a) => a.name)).toEqual(['widget.tar.gz', 'SHA256SUMS']);
    expect(assets[0]!.url).toBe(`${world.emulator.url}/${OWNER}/${REPO}/releases/download/1.0/widget.tar.gz`);
    expect(release!.assets.map((a) => a.digest)).toEqual(assets.map((a) => `sha256:${a.sha256}`));
    expect(run.summary).toContain('### Released 1.0');
    // The build and each target fold into a group of their own in the workflow log.
    expect(run.log).toContain(`::group::build: sh -c mkdir -p dist && echo widget > dist/widget.tar.gz`);
    expect(run.log).toContain('::group::github: publish');
    expect(run.summary).toContain('| widget.tar.gz | 7 B |');
  });

  it('a dry run prints the plan and creates nothing, without a token', async () => {
    const run = await runAction(inputs({ tag: '1.1', 'dry-run': 'true', token: '' }));
    expect(run.code).toBe(0);
    expect(run.log).toContain('Dry run: would release 1.1');
    expect(run.log).toMatch(/widget\.tar\.gz {2}7 B \(7 bytes\) {2}sha256:[0-9a-f]{64}/);
    expect(world.releases().filter((r) => r.tagName === '1.1')).toEqual([]);
  });

  it('a token without write access is named before anything is created', async () => {
    const run = await runAction(inputs({ tag: '1.1', token: READ_ONLY_TOKEN }));
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error::nothing was released: github could not prepare.*contents: write/);
    expect(world.releases().filter((r) => r.tagName === '1.1')).toEqual([]);
  });

  it('the old input name github-token is still used, over token, with a warning to rename it', async () => {
    // The runner sets token to the workflow token either way; the step named only github-token.
    const run = await runAction(inputs({ tag: '1.1', token: TOKEN, 'github-token': READ_ONLY_TOKEN }));
    expect(run.log).toContain(
      '::warning::input github-token is deprecated and will be removed in the next release: rename it to token',
    );
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error::nothing was released: github could not prepare.*contents: write/);
    expect(world.releases().filter((r) => r.tagName === '1.1')).toEqual([]);
  });

  it('a tampered tag fails the step and creates nothing', async () => {
    const run = await runAction(inputs({ tag: '1.2' }));
    expect(run.code).toBe(1);
    expect(run.log).toContain('::error::');
    expect(run.log).toContain('changed after it was signed');
    // A failed release says so in the job summary too.
    expect(run.summary).toMatch(/^### release failed\n\n```text\n.*changed after it was signed/s);
    expect(world.releases().filter((r) => r.tagName === '1.2')).toEqual([]);
  });
});
