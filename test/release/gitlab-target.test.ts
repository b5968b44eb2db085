import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitLabReleaseTarget } from '../../actions/release/targets/gitlab-target.ts';
import { ReleaseTargetError, type ReleaseSpec } from '../../actions/release/targets/release-target.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import { ScratchClone } from '../forge/scratch-clone.ts';
import { recordingActionLog } from '../support/recording-action-log.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { releaseSpec, releaseTargetContract, writeAsset } from './release-target-contract.ts';

const TOKEN = 'glpat-releasetoken0123456789';
const REPORTER_TOKEN = 'glpat-reportertoken012345678';

interface PackageFile {
  id: number;
  file_name: string;
  file_sha256: string;
}

/** An emulated GitLab with project acme/widget holding one commit, and built assets on disk. */
async function gitlabWithProject() {
  const tmp = await withTempDir('ironbots-gitlab-target-');
  const emulator = await GitLabEmulator.start({
    dataDir: path.join(tmp.dir, 'forge'),
    tokens: [TOKEN],
    reporterTokens: [REPORTER_TOKEN],
  });
  await emulator.createProject('acme', 'widget');
  const clone = await ScratchClone.initAndPush(
    path.join(tmp.dir, 'work'),
    `${emulator.url}/acme/widget.git`,
    {
      username: 'oauth2',
      password: TOKEN,
    },
  );
  const commit = (await clone.git('rev-parse', 'HEAD')).trim();
  const assets = [
    await writeAsset(tmp.dir, 'widget-1.2.0.tar.gz', 'the tarball\n'),
    await writeAsset(tmp.dir, 'SHA256SUMS', 'sums\n'),
  ];
  const spec = releaseSpec('1.2.0', assets, commit);
  const api = async (route: string, token = TOKEN) => {
    const response = await fetch(`${emulator.url}/api/v4/projects/acme%2Fwidget${route}`, {
      headers: { 'PRIVATE-TOKEN': token },
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const target = (options: Partial<ConstructorParameters<typeof GitLabReleaseTarget>[0]> = {}) =>
    new GitLabReleaseTarget({ url: emulator.url, token: TOKEN, project: 'acme/widget', ...options });
  return {
    tmp,
    emulator,
    spec,
    api,
    target,
    async packageFiles(): Promise<PackageFile[]> {
      const packages = (await api('/packages?package_type=generic')).body as Array<{ id: number }>;
      const files: PackageFile[] = [];
      for (const p of packages)
        files.push(...((await api(`/packages/${p.id}/package_files`)).body as PackageFile[]));
      return files;
    },
    async cleanup() {
      await emulator.stop();
      await tmp.remove();
    },
  };
}

releaseTargetContract('GitLabReleaseTarget against the GitLab emulator over HTTP', async () => {
  const gitlab = await gitlabWithProject();
  return {
    spec: gitlab.spec,
    target: () => gitlab.target(),
    async visible() {
      const release = await gitlab.api(`/releases/${gitlab.spec.tag}`);
      return release.status === 404 ? null : release.body;
    },
    async stored() {
      return {
        files: await gitlab.packageFiles(),
        packages: (await gitlab.api('/packages?package_type=generic')).body,
      };
    },
    cleanup: gitlab.cleanup,
  };
});

describe('GitLabReleaseTarget', () => {
  let gitlab: Awaited<ReturnType<typeof gitlabWithProject>>;
  beforeEach(async () => {
    gitlab = await gitlabWithProject();
  });
  afterEach(async () => {
    await gitlab.cleanup();
  });

  it('publishes a release whose links download the assets from the generic package registry', async () => {
    const target = gitlab.target();
    const { plan } = await target.prepare(gitlab.spec);
    expect(plan.map((p) => p.action)).toEqual([
      'upload package file',
      'upload package file',
      'create release',
    ]);
    const published = await target.publish(gitlab.spec);

    expect(published).toMatchObject({
      target: 'gitlab',
      id: 'v1.2.0',
      url: `${gitlab.emulator.url}/acme/widget/-/releases/v1.2.0`,
    });
    const release = (await gitlab.api('/releases/v1.2.0')).body as {
      name: string;
      description: string;
      commit: { id: string };
      assets: { links: Array<{ name: string; url: string; link_type: string }> };
    };
    expect(release.name).toBe('Release 1.2.0');
    expect(release.description).toBe(gitlab.spec.notes);
    expect(release.commit.id).toBe(gitlab.spec.commit);
    expect(release.assets.links.map((l) => l.name)).toEqual(['widget-1.2.0.tar.gz', 'SHA256SUMS']);
    for (const link of release.assets.links) {
      const download = await fetch(link.url, { headers: { 'PRIVATE-TOKEN': TOKEN } });
      const asset = gitlab.spec.assets.find((a) => a.name === link.name)!;
      expect(Buffer.from(await download.arrayBuffer()).toString()).toBe(
        link.name === 'SHA256SUMS' ? 'sums\n' : 'the tarball\n',
      );
      expect(published.assets.find((a) => a.name === link.name)).toMatchObject({ sha256: asset.sha256 });
    }
  });

  it('shows each upload in the log: a large file with its size, quarters and rate, a small one in one line', async () => {
    const large = await writeAsset(gitlab.tmp.dir, 'widget-1.2.0.iso', randomBytes(5 * 1024 * 1024));
    const spec = { ...gitlab.spec, assets: [large, gitlab.spec.assets[1]!] };
    const { log, lines } = recordingActionLog();
    await gitlab.target({ log }).prepare(spec);

    const largeLines = lines.filter((l) => l.startsWith('gitlab: widget-1.2.0.iso: '));
    expect(largeLines[0]).toBe('gitlab: widget-1.2.0.iso: uploading 5 MiB');
    expect(largeLines.filter((l) => /: \d+% \(/.test(l)).map((l) => l.match(/: (\d+)%/)![1])).toEqual(
      expect.arrayContaining(['25', '50', '75']),
    );
    expect(largeLines.at(-1)).toMatch(/^gitlab: widget-1\.2\.0\.iso: uploaded 5 MiB in .+ \(.+\)$/);
    expect(lines.filter((l) => l.startsWith('gitlab: SHA256SUMS: '))).toEqual([
      expect.stringMatching(/^gitlab: SHA256SUMS: uploaded 5 B in /),
    ]);
    expect((await gitlab.packageFiles()).map((f) => [f.file_name, f.file_sha256]).sort()).toEqual(
      [
        ['SHA256SUMS', spec.assets[1]!.sha256],
        ['widget-1.2.0.iso', large.sha256],
      ].sort(),
    );
  });

  it('a re-run keeps identical files, replaces a changed one and updates the release in place', async () => {
    const first = gitlab.target();
    await first.prepare(gitlab.spec);
    await first.publish(gitlab.spec);
    const before = await gitlab.packageFiles();

    const rebuilt = await writeAsset(gitlab.tmp.dir, 'widget-1.2.0.tar.gz', 'a rebuilt tarball\n');
    const spec: ReleaseSpec = {
      ...gitlab.spec,
      notes: 'corrected notes\n',
      assets: [rebuilt, gitlab.spec.assets[1]!],
    };
    const rerun = gitlab.target();
    const { plan } = await rerun.prepare(spec);
    expect(plan.map((p) => p.action)).toEqual([
      'replace package file',
      'keep package file',
      'update release',
    ]);
    await rerun.publish(spec);

    const after = await gitlab.packageFiles();
    expect(after.map((f) => f.file_name).sort()).toEqual(['SHA256SUMS', 'widget-1.2.0.tar.gz']);
    expect(after.find((f) => f.file_name === 'SHA256SUMS')!.id).toBe(
      before.find((f) => f.file_name === 'SHA256SUMS')!.id,
    );
    expect(after.find((f) => f.file_name === 'widget-1.2.0.tar.gz')!.file_sha256).toBe(rebuilt.sha256);
    const releases = (await gitlab.api('/releases')).body as Array<{
      description: string;
      assets: { links: Array<{ url: string }> };
    }>;
    expect(releases).toHaveLength(1);
    expect(releases[0]!.description).toBe('corrected notes\n');
    expect(releases[0]!.assets.links).toHaveLength(2);
    const download = await fetch(releases[0]!.assets.links[0]!.url, { headers: { 'PRIVATE-TOKEN': TOKEN } });
    expect(await download.text()).toBe('a rebuilt tarball\n');
  });

  it('rollback of a re-run removes only what that run uploaded', async () => {
    const first = gitlab.target();
    await first.prepare(gitlab.spec);
    await first.publish(gitlab.spec);
    const published = await gitlab.packageFiles();

    const rebuilt = await writeAsset(gitlab.tmp.dir, 'widget-1.2.0.tar.gz', 'another build\n');
    const spec = { ...gitlab.spec, assets: [rebuilt, gitlab.spec.assets[1]!] };
    const rerun = gitlab.target();
    await rerun.prepare(spec);
    expect(await gitlab.packageFiles()).toHaveLength(3);
    await rerun.rollback(spec);
    expect(await gitlab.packageFiles()).toEqual(published);
  });

  it('names a missing token, a refused token and Reporter access in prepare, and uploads nothing', async () => {
    await expect(gitlab.target({ token: '' }).prepare(gitlab.spec)).rejects.toThrow(/gitlab: no token given/);
    await expect(gitlab.target({ token: 'glpat-wrong' }).prepare(gitlab.spec)).rejects.toThrow(
      /token was refused \(401/,
    );
    const reporter = gitlab.target({ token: REPORTER_TOKEN }).prepare(gitlab.spec);
    await expect(reporter).rejects.toBeInstanceOf(ReleaseTargetError);
    await expect(reporter).rejects.toThrow(
      /Reporter access to acme\/widget: releases and package uploads need Developer/,
    );
    await expect(gitlab.target({ project: 'acme/nothing' }).prepare(gitlab.spec)).rejects.toThrow(
      /project acme\/nothing not found/,
    );
    expect(await gitlab.packageFiles()).toEqual([]);
  });

  it('refuses asset names the package registry would refuse, and names clashing assets, before uploading', async () => {
    const odd = await writeAsset(gitlab.tmp.dir, 'my notes.txt', 'x');
    await expect(gitlab.target().prepare({ ...gitlab.spec, assets: [odd] })).rejects.toThrow(
      /asset names GitLab's package registry refuses .*: my notes\.txt/,
    );
    const [tarball] = gitlab.spec.assets;
    await expect(gitlab.target().prepare({ ...gitlab.spec, assets: [tarball!, tarball!] })).rejects.toThrow(
      /asset names appear twice: widget-1\.2\.0\.tar\.gz/,
    );
    expect(await gitlab.packageFiles()).toEqual([]);
  });

  it('rollback after publish keeps what the release links', async () => {
    const target = gitlab.target();
    await target.prepare(gitlab.spec);
    await target.publish(gitlab.spec);
    const files = await gitlab.packageFiles();
    await target.rollback(gitlab.spec);
    expect(await gitlab.packageFiles()).toEqual(files);
    expect(files).toHaveLength(2);
  });

  it('a prepare that fails halfway removes the files it had uploaded', async () => {
    const [tarball] = gitlab.spec.assets;
    const vanished = { ...tarball!, name: 'vanished.tar.gz', path: path.join(gitlab.tmp.dir, 'not-built') };
    await expect(gitlab.target().prepare({ ...gitlab.spec, assets: [tarball!, vanished] })).rejects.toThrow(
      /gitlab: uploading vanished\.tar\.gz failed/,
    );
    expect(await gitlab.packageFiles()).toEqual([]);
    expect((await gitlab.api('/packages?package_type=generic')).body).toEqual([]);
  });

  it('a write refused by the server is reported with its status', async () => {
    // The reporter passes no permission check when GitLab hides permissions (as for CI job tokens): the
    // upload itself is refused.
    const spec = gitlab.spec;
    const target = new GitLabReleaseTarget({
      url: gitlab.emulator.url,
      token: REPORTER_TOKEN,
      project: 'acme/widget',
    });
    const original = globalThis.fetch;
    // Drop `permissions` from the project answer, as GitLab does for a CI job token.
    const withoutPermissions: typeof fetch = async (input, init) => {
      const response = await original(input, init);
      if (!String(input).endsWith('/projects/acme%2Fwidget')) return response;
      const { permissions: _dropped, ...project } = (await response.json()) as Record<string, unknown>;
      return new Response(JSON.stringify(project), { status: response.status, headers: response.headers });
    };
    globalThis.fetch = withoutPermissions;
    try {
      await expect(target.prepare(spec)).rejects.toThrow(/answered 403 \(the token lacks permission/);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('GitLab emulator: releases and generic packages as GitLab answers them', () => {
  let gitlab: Awaited<ReturnType<typeof gitlabWithProject>>;
  beforeEach(async () => {
    gitlab = await gitlabWithProject();
  });
  afterEach(async () => {
    await gitlab.cleanup();
  });

  const call = (method: string, route: string, body?: unknown, token = TOKEN) =>
    fetch(`${gitlab.emulator.url}/api/v4/projects/acme%2Fwidget${route}`, {
      method,
      headers: { 'PRIVATE-TOKEN': token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('refuses a second release of a tag, a release without ref for a missing tag, and duplicate links', async () => {
    expect((await call('POST', '/releases', { tag_name: 'v9', name: 'nine' })).status).toBe(422);
    expect((await call('POST', '/releases', { tag_name: 'v9', ref: 'main' })).status).toBe(201);
    const again = await call('POST', '/releases', { tag_name: 'v9', ref: 'main' });
    expect(again.status).toBe(409);
    const link = { name: 'a.tar.gz', url: 'https://example.invalid/a' };
    expect((await call('POST', '/releases/v9/assets/links', link)).status).toBe(201);
    const duplicate = await call('POST', '/releases/v9/assets/links', link);
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toEqual({ message: { name: ['has already been taken'] } });
  });

  it('keeps every upload of a file name, serves the newest, and hides hidden packages from listings', async () => {
    expect((await call('PUT', '/packages/generic/tool/1.0/tool.bin', 'old')).status).toBe(201);
    const second = await call('PUT', '/packages/generic/tool/1.0/tool.bin?select=package_file', 'new');
    expect(await second.json()).toMatchObject({
      file_name: 'tool.bin',
      size: 3,
      file_sha256: '11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437',
    });
    expect(await (await call('GET', '/packages/generic/tool/1.0/tool.bin')).text()).toBe('new');
    await call('PUT', '/packages/generic/secret/1.0/x.bin?status=hidden', 'x');
    const listed = (await (await call('GET', '/packages')).json()) as Array<{ name: string; id: number }>;
    expect(listed.map((p) => p.name)).toEqual(['tool']);
    const files = (await (await call('GET', `/packages/${listed[0]!.id}/package_files`)).json()) as unknown[];
    expect(files).toHaveLength(2);
    expect((await call('PUT', '/packages/generic/tool/1.0/bad%20name', 'x')).status).toBe(400);
    expect((await call('PUT', '/packages/generic/tool/1.0/tool.bin', 'x', REPORTER_TOKEN)).status).toBe(403);
  });
});
