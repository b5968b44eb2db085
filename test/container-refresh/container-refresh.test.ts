import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { runConfigured } from '../../actions/container-refresh/configured-run.ts';
import { issueTitle } from '../../actions/container-refresh/container-refresh.ts';
import { INPUT_DEFAULTS, readSettings, type RefreshInputs } from '../../actions/container-refresh/inputs.ts';
import { HttpRegistryClient } from '../../actions/container-refresh/registry-client.ts';
import { silentLog } from '../../cli/text-log.ts';
import { startOciRegistry, type OciRegistry } from '../../emulators/oci-registry.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { GOOD_CONTAINERFILE, ImageRepository } from './image-repository.ts';

const run = promisify(execFile);
const TOKEN = 'ghp_containerrefreshtoken0123456789';
const IMAGE = 'acme/ci';
const FORGE_REPO = { owner: 'acme', name: 'widget' };
const DAY = new Date('2026-11-23T09:00:00Z');

/**
 * The real registry behind a proxy that refuses some writes with the distribution API's 403 DENIED, as a
 * registry over its quota or a token without push rights answers; everything else passes through.
 */
async function refusingProxy(target: string, refuses: (method: string, url: string) => boolean) {
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    if (refuses(req.method ?? 'GET', req.url ?? '/')) {
      refused.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }],
        }),
      );
      return;
    }
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * container-refresh end to end on this machine: real podman (runc), a real registry (docker-registry), a git
 * checkout, and the GitHub emulator for the failure issue. The cases run in order on one registry: each
 * builds on the tags the previous ones published, as a project's weekly runs do.
 */
describe('container-refresh with podman, a real registry and the GitHub emulator', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  let registry: OciRegistry;
  let emulator: GitHubEmulator;
  let forge: GitHubForge;
  let repo: ImageRepository;

  beforeAll(async () => {
    tmp = await withTempDir('ironbots-container-refresh-');
    registry = await startOciRegistry();
    emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository(FORGE_REPO.owner, FORGE_REPO.name);
    forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false });
    repo = await ImageRepository.create(path.join(tmp.dir, 'checkout'), 'v1');
  });
  afterAll(async () => {
    await emulator?.stop();
    await registry?.stop();
    // What pr mode pulled from the test registry stays in podman's store otherwise.
    if (registry)
      await run('podman', ['--runtime', 'runc', 'rmi', '--force', `${registry.host}/${IMAGE}:latest`]).catch(
        () => undefined,
      );
    await tmp?.remove();
  });

  const refresh = (inputs: Partial<RefreshInputs>, options: { now?: Date; registryHost?: string } = {}) => {
    const plan = readSettings(
      {
        ...INPUT_DEFAULTS,
        directory: 'ci-image',
        image: IMAGE,
        registry: options.registryHost ?? registry.host,
        'test-command':
          'test -f /etc/built && grep -q "^v" /etc/version && echo image says $(cat /etc/version)',
        'tls-verify': 'false',
        token: TOKEN,
        ...inputs,
      },
      {},
    );
    return runConfigured(plan, {
      log: silentLog(),
      tempRoot: tmp.dir,
      workspace: repo.dir,
      issues: { kind: 'github', apiUrl: emulator.url, token: TOKEN, repository: FORGE_REPO },
      runUrl: 'https://ci.example/runs/7',
      now: () => options.now ?? DAY,
    });
  };
  const digestOf = async (tag: string) =>
    (await new HttpRegistryClient({ registry: registry.host, tls: false }).getManifest(IMAGE, tag))?.digest;
  const failureIssues = async () => {
    const response = await fetch(`${emulator.url}/repos/acme/widget/issues?state=all`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    const all = (await response.json()) as { number: number; state: string; title: string; body: string }[];
    return all.filter((i) => i.title === issueTitle({ registry: registry.host, image: IMAGE }));
  };

  it('publish: builds, tests, pushes the dated tag and moves latest to it', async () => {
    const result = await refresh({ mode: 'publish' });
    expect(result).toMatchObject({ mode: 'publish', outcome: 'published', built: true, tag: '2026-11-23' });
    expect((await registry.tags(IMAGE)).sort()).toEqual(['2026-11-23', 'latest']);
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await digestOf('2026-11-23')).toBe(result.digest);
    expect(await digestOf('latest')).toBe(result.digest);
    expect(result.issue).toBeUndefined();
  });

  it('publish: a second run on the same day gets the -2 tag', async () => {
    await repo.setVersion('v2');
    await repo.commit('v2');
    const result = await refresh({ mode: 'publish' });
    expect(result).toMatchObject({ outcome: 'published', tag: '2026-11-23-2' });
    expect((await registry.tags(IMAGE)).sort()).toEqual(['2026-11-23', '2026-11-23-2', 'latest']);
    expect(await digestOf('latest')).toBe(result.digest);
    expect(result.digest).not.toBe(await digestOf('2026-11-23'));
  });

  it('pr: nothing changed under the directory, so the published image is pulled and tested; nothing pushed', async () => {
    await repo.git('checkout', '--quiet', '-b', 'docs-only');
    await repo.writeOutside('README', 'only the docs change\n');
    await repo.commit('docs');
    const before = (await registry.tags(IMAGE)).sort();
    const latest = await digestOf('latest');
    const result = await refresh({ mode: 'pr', 'base-ref': 'main', token: '' });
    expect(result).toMatchObject({ mode: 'pr', outcome: 'tested', built: false });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    expect(await digestOf('latest')).toBe(latest);
  });

  it('pr: a change under the directory is built and tested, and never pushed', async () => {
    await repo.git('checkout', '--quiet', '-b', 'image-change', 'main');
    await repo.setVersion('v3-from-a-pull-request');
    await repo.commit('image change');
    const before = (await registry.tags(IMAGE)).sort();
    const result = await refresh({
      mode: 'pr',
      'base-ref': 'main',
      'test-command': 'grep -q v3-from-a-pull-request /etc/version',
    });
    expect(result).toMatchObject({ mode: 'pr', outcome: 'tested', built: true });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
  });

  it('pr: a failing test fails the run, pushes nothing and opens no issue', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    const result = await refresh({ mode: 'pr', 'base-ref': 'main', 'test-command': 'echo broken; exit 3' });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'test', built: true });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    expect(await failureIssues()).toEqual([]);
    await repo.git('checkout', '--quiet', 'main');
  });

  it('publish: a failing test publishes nothing and opens one issue with the log excerpt', async () => {
    const before = (await registry.tags(IMAGE)).sort();
    const latest = await digestOf('latest');
    const result = await refresh({
      mode: 'publish',
      'test-command': 'echo "self-test: gcc is missing" >&2; exit 3',
    });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'test' });
    expect(result.issue).toMatchObject({ action: 'opened' });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    expect(await digestOf('latest')).toBe(latest);
    const issues = await failureIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ state: 'open', number: result.issue!.number });
    expect(issues[0]!.body).toContain('self-test: gcc is missing');
    expect(issues[0]!.body).toContain('**test** step');
    expect(issues[0]!.body).toContain('https://ci.example/runs/7');
    expect(issues[0]!.body).not.toContain(TOKEN);
  });

  it('publish: a failing build updates the same issue instead of opening another', async () => {
    await repo.writeContainerfile('FROM scratch\nCOPY no-such-file /\n');
    await repo.commit('broken build');
    const before = (await registry.tags(IMAGE)).sort();
    const result = await refresh({ mode: 'publish' });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'build', issue: { action: 'updated' } });
    expect((await registry.tags(IMAGE)).sort()).toEqual(before);
    const issues = await failureIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain('**build** step');
    expect(issues[0]!.body).toContain('no-such-file');
  });

  it('publish: a registry that refuses the push (wrong credentials) publishes nothing and keeps the one issue', async () => {
    await repo.writeContainerfile(GOOD_CONTAINERFILE);
    await repo.commit('fixed build');
    const locked = await startOciRegistry({ users: { robot: 'the-right-password' } });
    try {
      const result = await refresh(
        { mode: 'publish', 'registry-username': 'robot', 'registry-password': 'a-wrong-password' },
        { registryHost: locked.host },
      );
      expect(result).toMatchObject({ outcome: 'failed', failedStep: 'push' });
      expect(await locked.tags(IMAGE, 'robot')).toEqual([]);
      const title = issueTitle({ registry: locked.host, image: IMAGE });
      const issue = await forge.findOpenIssue(FORGE_REPO, title);
      expect(issue?.number).toBe(result.issue?.number);
      expect(issue?.body).not.toContain('a-wrong-password');
      await forge.closeIssue(FORGE_REPO, issue!.number);
    } finally {
      await locked.stop();
    }
  });

  it('publish: a registry that refuses the blob uploads leaves no tag and latest where it was', async () => {
    const proxy = await refusingProxy(registry.url, (method) => method !== 'GET' && method !== 'HEAD');
    try {
      const before = (await registry.tags(IMAGE)).sort();
      const latest = await digestOf('latest');
      const result = await refresh({ mode: 'publish' }, { registryHost: proxy.host });
      expect(result).toMatchObject({ outcome: 'failed', failedStep: 'push', issue: { action: 'opened' } });
      expect(proxy.refused.length).toBeGreaterThan(0);
      expect((await registry.tags(IMAGE)).sort()).toEqual(before);
      expect(await digestOf('latest')).toBe(latest);
      const issue = await forge.findOpenIssue(FORGE_REPO, issueTitle({ registry: proxy.host, image: IMAGE }));
      expect(issue?.body).toContain('denied');
      await forge.closeIssue(FORGE_REPO, issue!.number);
    } finally {
      await proxy.stop();
    }
  });

  it('publish: when latest cannot be moved, the complete dated tag stays and latest is untouched', async () => {
    const proxy = await refusingProxy(
      registry.url,
      (method, url) => method === 'PUT' && url.endsWith('/manifests/latest'),
    );
    try {
      const latest = await digestOf('latest');
      const result = await refresh({ mode: 'publish' }, { registryHost: proxy.host });
      expect(result).toMatchObject({ outcome: 'failed', failedStep: 'push' });
      expect(proxy.refused).toEqual([`PUT /v2/${IMAGE}/manifests/latest`]);
      expect(await digestOf('latest')).toBe(latest);
      // The dated tag was complete before latest was touched: it pulls, it is just not latest.
      expect(await registry.tags(IMAGE)).toContain('2026-11-23-3');
      expect(await registry.hasManifest(IMAGE, (await digestOf('2026-11-23-3'))!)).toBe(true);
      const issue = await forge.findOpenIssue(FORGE_REPO, issueTitle({ registry: proxy.host, image: IMAGE }));
      expect(issue?.body).toContain('latest was not moved');
      await forge.closeIssue(FORGE_REPO, issue!.number);
    } finally {
      await proxy.stop();
    }
  });

  it('publish: the next success pushes and closes the issue', async () => {
    const result = await refresh({ mode: 'publish' }, { now: new Date('2026-11-24T03:00:00Z') });
    expect(result).toMatchObject({ outcome: 'published', tag: '2026-11-24', issue: { action: 'closed' } });
    const issues = await failureIssues();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.state).toBe('closed');
    expect(issues[0]!.body).toContain('2026-11-24');
    expect(await digestOf('latest')).toBe(result.digest);
  });

  it('rollback: latest steps back one dated tag per run, oldest last', async () => {
    // 2026-11-23-3 passed its tests and is complete; it only never became latest.
    const first = await refresh({ mode: 'rollback', directory: '', 'test-command': '' });
    expect(first).toMatchObject({ mode: 'rollback', outcome: 'rolled-back', tag: '2026-11-23-3' });
    expect(await digestOf('latest')).toBe(await digestOf('2026-11-23-3'));
    for (const previous of ['2026-11-23-2', '2026-11-23']) {
      const result = await refresh({ mode: 'rollback' });
      expect(result.tag).toBe(previous);
      expect(result.digest).toBe(await digestOf(previous));
      expect(await digestOf('latest')).toBe(await digestOf(previous));
    }
    await expect(refresh({ mode: 'rollback' })).rejects.toThrow(/nothing to roll back to/);
    expect(await digestOf('latest')).toBe(await digestOf('2026-11-23'));
    expect((await registry.tags(IMAGE)).sort()).toEqual([
      '2026-11-23',
      '2026-11-23-2',
      '2026-11-23-3',
      '2026-11-24',
      'latest',
    ]);
  });

  it('refuses a directory without a Containerfile before building anything', async () => {
    await writeFile(path.join(repo.dir, 'empty-marker'), '');
    await expect(refresh({ mode: 'publish', directory: '.' })).rejects.toThrow(
      /has no Containerfile or Dockerfile to build/,
    );
  });
});
