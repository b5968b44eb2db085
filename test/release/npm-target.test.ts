import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NpmTarget } from '../../actions/release/targets/npm-target.ts';
import type { ReleaseSpec } from '../../actions/release/targets/release-target.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startVerdaccio, type Verdaccio } from '../support/verdaccio.ts';
import { releaseSpec, releaseTargetContract, writeAsset } from './release-target-contract.ts';

const run = promisify(execFile);

let registry: Verdaccio;
let writerToken: string;
let packageCounter = 0;

beforeAll(async () => {
  registry = await startVerdaccio({
    users: { writer: 'writer-password', reader: 'reader-password' },
    publishers: ['writer'],
  });
  writerToken = await registry.token('writer');
});
afterAll(async () => {
  await registry?.stop();
});

/** `npm pack` of a small package, as a release build would produce it. */
async function packTarball(dir: string, name: string, version: string, content: string): Promise<string> {
  const source = path.join(dir, `src-${name.replace(/\W/g, '_')}-${version}-${packageCounter++}`);
  await mkdir(source, { recursive: true });
  await writeFile(path.join(source, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  await writeFile(path.join(source, 'index.js'), content);
  const out = path.join(source, 'out');
  await mkdir(out);
  await run('npm', ['pack', '--pack-destination', out, '--ignore-scripts'], {
    cwd: source,
    env: { PATH: process.env.PATH, HOME: source, npm_config_cache: path.join(source, 'cache') },
  });
  const [file] = await readdir(out);
  return path.join(out, file!);
}

async function specFor(dir: string, name: string, version: string, content = 'module.exports = 1;\n') {
  const tarball = await packTarball(dir, name, version, content);
  const asset = await writeAsset(dir, path.basename(tarball), await readFile(tarball));
  return releaseSpec(version, [asset]);
}

async function packument(name: string): Promise<{
  versions?: Record<string, { dist: { integrity: string } }>;
  'dist-tags'?: Record<string, string>;
} | null> {
  const response = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
  return response.status === 404 ? null : ((await response.json()) as never);
}

releaseTargetContract('NpmTarget against a real verdaccio', async () => {
  const tmp = await withTempDir('ironbots-npm-target-');
  const name = `widget-contract-${packageCounter++}`;
  const spec = await specFor(tmp.dir, name, '1.2.0');
  const visible = async () => {
    const doc = await packument(name);
    const version = doc?.versions?.['1.2.0'];
    return version ? { integrity: version.dist.integrity, tags: doc['dist-tags'] } : null;
  };
  return {
    spec,
    target: () =>
      new NpmTarget({ registry: registry.url, token: writerToken, tarball: spec.assets[0]!.name }),
    visible,
    // npm stages nothing: what the registry holds is what users see.
    stored: visible,
    cleanup: tmp.remove,
  };
});

describe('NpmTarget', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  beforeEach(async () => {
    tmp = await withTempDir('ironbots-npm-target-');
  });
  afterEach(async () => {
    await tmp.remove();
  });

  it('publishes the tarball with its integrity under the dist-tag, and says so in the plan', async () => {
    const spec = await specFor(tmp.dir, '@acme/widget', '2.0.0');
    const target = new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: spec.assets[0]!.name,
    });
    const { plan } = await target.prepare(spec);
    expect(plan).toEqual([
      expect.objectContaining({
        action: 'publish',
        detail: expect.stringContaining('@acme/widget@2.0.0 as latest'),
      }),
    ]);
    const published = await target.publish(spec);
    expect(published.id).toBe('@acme/widget@2.0.0');
    const doc = await packument('@acme/widget');
    expect(doc?.['dist-tags']).toEqual({ latest: '2.0.0' });
    expect(published.assets[0]!.url).toMatch(/widget-2\.0\.0\.tgz$/);
    const download = await fetch(published.assets[0]!.url!);
    expect(download.status).toBe(200);
    expect(published.assets[0]!.sha256).toBe(spec.assets[0]!.sha256);
  });

  it('a prerelease goes to the `next` dist-tag and leaves `latest` alone', async () => {
    const stable = await specFor(tmp.dir, 'widget-pre', '1.0.0');
    await new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: stable.assets[0]!.name,
    }).publish(stable);
    const pre: ReleaseSpec = { ...(await specFor(tmp.dir, 'widget-pre', '1.1.0-rc.1')), prerelease: true };
    const target = new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: pre.assets[0]!.name,
    });
    await target.prepare(pre);
    await target.publish(pre);
    expect((await packument('widget-pre'))?.['dist-tags']).toEqual({ latest: '1.0.0', next: '1.1.0-rc.1' });
  });

  it('refuses to publish other contents under a version that exists, in prepare and in publish', async () => {
    const spec = await specFor(tmp.dir, 'widget-clash', '1.0.0');
    await new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: spec.assets[0]!.name,
    }).publish(spec);
    const before = await packument('widget-clash');

    const rebuilt = await specFor(tmp.dir, 'widget-clash', '1.0.0', 'module.exports = 2;\n');
    const target = new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: rebuilt.assets[0]!.name,
    });
    await expect(target.prepare(rebuilt)).rejects.toThrow(
      /npm: widget-clash@1\.0\.0 is already published with other contents .* release a new version instead/,
    );
    await expect(target.publish(rebuilt)).rejects.toThrow(/already published with other contents/);
    expect((await packument('widget-clash'))?.versions).toEqual(before?.versions);
  });

  it('names a missing token, a refused token and a publish refusal, never printing the token', async () => {
    const spec = await specFor(tmp.dir, 'widget-auth', '1.0.0');
    const tarball = spec.assets[0]!.name;
    await expect(new NpmTarget({ registry: registry.url, token: '', tarball }).prepare(spec)).rejects.toThrow(
      /npm: no token given/,
    );
    const wrong = 'not-a-valid-token-0123456789';
    const refused = new NpmTarget({ registry: registry.url, token: wrong, tarball }).prepare(spec);
    await expect(refused).rejects.toThrow(/refused the token \(npm whoami: 401\)/);
    await expect(refused).rejects.not.toThrow(wrong);

    // The reader logs in but may not publish: npm cannot ask a registry that beforehand for a new package.
    const readerToken = await registry.token('reader');
    const reader = new NpmTarget({ registry: registry.url, token: readerToken, tarball });
    await reader.prepare(spec);
    const publishing = reader.publish(spec);
    await expect(publishing).rejects.toThrow(/npm: npm publish failed: .*(403|E403|not allowed)/s);
    await expect(publishing).rejects.not.toThrow(readerToken);
    expect(await packument('widget-auth')).toBeNull();
  });

  it('names a user who does not maintain an existing package (registries that list maintainers, like npmjs)', async () => {
    // Verdaccio keeps no maintainers list: a small registry double answers the two requests prepare makes.
    const token = 'npm_colleague-token-0123456789';
    const seen: string[] = [];
    const fake = http.createServer((req, res) => {
      seen.push(
        `${req.method} ${req.url} ${req.headers.authorization === `Bearer ${token}` ? 'auth' : 'anon'}`,
      );
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization !== `Bearer ${token}`) return res.writeHead(401).end('{}');
      if (req.url === '/-/whoami') return res.end(JSON.stringify({ username: 'colleague' }));
      if (req.url === '/widget-owned')
        return res.end(
          JSON.stringify({ name: 'widget-owned', maintainers: [{ name: 'writer' }], versions: {} }),
        );
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/`;
      const spec = await specFor(tmp.dir, 'widget-owned', '1.1.0');
      const target = new NpmTarget({ registry: url, token, tarball: spec.assets[0]!.name });
      await expect(target.prepare(spec)).rejects.toThrow(
        /npm: colleague is not a maintainer of widget-owned \(maintainers: writer\)/,
      );
      expect(seen).toEqual(['GET /-/whoami auth', 'GET /widget-owned auth']);
    } finally {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it("names a tarball whose version is not the tag's, and a missing tarball", async () => {
    const spec = await specFor(tmp.dir, 'widget-version', '1.0.0');
    const target = new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: spec.assets[0]!.name,
    });
    await expect(target.prepare({ ...spec, version: '1.0.1', tag: 'v1.0.1' })).rejects.toThrow(
      /is widget-version@1\.0\.0, but the tag v1\.0\.1 releases 1\.0\.1/,
    );
    const missing = new NpmTarget({
      registry: registry.url,
      token: writerToken,
      tarball: 'nothing-1.0.0.tgz',
    });
    await expect(missing.prepare(spec)).rejects.toThrow(/tarball nothing-1\.0\.0\.tgz not found/);
  });
});
