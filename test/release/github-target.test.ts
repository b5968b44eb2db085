import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionLog } from '../../core/action-log.ts';
import { GitHubReleaseTarget } from '../../actions/release/targets/github-target.ts';
import type { ReleaseSpec } from '../../actions/release/targets/release-target.ts';
import { releaseSpec, releaseTargetContract, writeAsset } from './release-target-contract.ts';
import { GitHubReleaseWorld, OWNER, READ_ONLY_TOKEN, REPO, TOKEN } from './github-release-world.ts';
import { recordingActionLog } from '../support/recording-action-log.ts';

function target(
  world: GitHubReleaseWorld,
  token = TOKEN,
  log?: ActionLog,
  fetch?: typeof globalThis.fetch,
): GitHubReleaseTarget {
  return new GitHubReleaseTarget({
    token,
    repository: `${OWNER}/${REPO}`,
    apiUrl: world.emulator.url,
    retryDelayMs: 1,
    ...(log ? { log } : {}),
    ...(fetch ? { fetch } : {}),
  });
}

/** What users see, and what the emulator stores, of the release, without ids and times. */
function releaseState(world: GitHubReleaseWorld) {
  return world.releases().map((r) => ({
    tag: r.tagName,
    draft: r.draft,
    name: r.name,
    body: r.body,
    assets: r.assets.map((a) => ({ id: a.id, name: a.name, digest: a.digest })),
  }));
}

releaseTargetContract('github', async () => {
  const world = await GitHubReleaseWorld.start();
  const commit = await world.pushTaggedCommit('v1.2.0');
  const spec = releaseSpec(
    '1.2.0',
    [
      await writeAsset(world.assetDir, 'widget-1.2.0.tar.gz', 'tarball bytes'),
      await writeAsset(world.assetDir, 'SHA256SUMS', 'sums'),
    ],
    commit,
  );
  return {
    target: () => target(world),
    spec,
    visible: async () => {
      const published = releaseState(world).filter((r) => !r.draft);
      return published.length ? published : null;
    },
    stored: async () => releaseState(world),
    cleanup: () => world.stop(),
  };
});

describe('GitHub release target against the emulator', () => {
  let world: GitHubReleaseWorld;
  let spec: ReleaseSpec;
  beforeEach(async () => {
    world = await GitHubReleaseWorld.start();
    const commit = await world.pushTaggedCommit('v2.0');
    spec = releaseSpec(
      '2.0',
      [
        await writeAsset(world.assetDir, 'a.tar.gz', 'A'.repeat(1000)),
        await writeAsset(world.assetDir, 'b.zip', 'B'.repeat(500)),
      ],
      commit,
    );
    spec.tag = 'v2.0';
  });
  afterEach(() => world.stop());

  it('prepare leaves a draft with every asset; publish makes it the release of the tag', async () => {
    const github = target(world);
    world.emulator.resetRequestCounts();
    const prepared = await github.prepare(spec);
    // A draft made just now has no assets: nothing lists them before the uploads.
    const requests = Object.keys(world.emulator.requestCounts().endpoints);
    expect(requests.filter((r) => /^GET .*\/assets$/.test(r))).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`GET /repos/${OWNER}/${REPO}`]));
    expect(prepared.plan.map((p) => p.action)).toEqual([
      'create a draft release',
      'upload asset',
      'upload asset',
      'publish the release',
    ]);
    expect(releaseState(world)).toEqual([
      expect.objectContaining({ tag: 'v2.0', draft: true, assets: [expect.anything(), expect.anything()] }),
    ]);
    const published = await github.publish(spec);
    expect(published.url).toBe(`${world.emulator.url}/${OWNER}/${REPO}/releases/tag/v2.0`);
    expect(published.assets.map((a) => [a.name, a.sha256])).toEqual(
      spec.assets.map((a) => [a.name, a.sha256]),
    );
    expect(published.assets.every((a) => a.url?.endsWith(`/releases/download/v2.0/${a.name}`))).toBe(true);
    const [release] = world.releases();
    expect(release!.draft).toBe(false);
    expect(release!.name).toBe('Release 2.0');
    expect(release!.body).toBe(spec.notes);
    expect(release!.assets.map((a) => a.digest)).toEqual(spec.assets.map((a) => `sha256:${a.sha256}`));
  });

  it('asks for the repository, the tag and the first page of releases in one round trip before creating the draft', async () => {
    const events: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const name = `${init?.method ?? 'GET'} ${url.pathname}`;
      events.push(`start ${name}`);
      const response = await fetch(input, init);
      events.push(`end ${name}`);
      return response;
    };
    await target(world, TOKEN, undefined, recording).prepare(spec);
    const base = `/repos/${OWNER}/${REPO}`;
    const firstEnd = events.findIndex((e) => e.startsWith('end '));
    expect(events.slice(0, firstEnd).sort()).toEqual(
      [`start GET ${base}`, `start GET ${base}/releases`, `start GET ${base}/releases/tags/v2.0`].sort(),
    );
    // Nothing else asked before the draft is made.
    const create = events.indexOf(`start POST ${base}/releases`);
    expect(events.slice(0, create).filter((e) => e.startsWith('start'))).toHaveLength(3);
  });

  it('finds a draft an earlier run left beyond the first page of releases', async () => {
    await target(world).prepare(spec);
    // 101 newer releases push the draft to the second page (100 a page).
    for (let i = 0; i < 101; i++) {
      const created = await fetch(`${world.emulator.url}/repos/${OWNER}/${REPO}/releases`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tag_name: `other-${i}`, draft: true }),
      });
      expect(created.status).toBe(201);
    }
    const again = await target(world).prepare(spec);
    expect(again.plan[0]!.action).toBe('reuse the draft an earlier run left');
    expect(world.releases().filter((r) => r.tagName === spec.tag)).toHaveLength(1);
  });

  it('shows each upload in the log: a large asset with its size, quarters and rate, a small one in one line', async () => {
    const large = await writeAsset(world.assetDir, 'widget.iso', randomBytes(6 * 1024 * 1024));
    const withLarge = { ...spec, assets: [large, spec.assets[1]!] };
    const { log, lines } = recordingActionLog();
    await target(world, TOKEN, log).prepare(withLarge);

    const of = (name: string) => lines.filter((l) => l.startsWith(`github: ${name}: `));
    const largeLines = of('widget.iso');
    expect(largeLines[0]).toBe('github: widget.iso: uploading 6 MiB');
    const quarters = largeLines.filter((l) => /: (25|50|75)% \(/.test(l)).map((l) => l.match(/(\d+)%/)![1]);
    expect(quarters).toEqual(['25', '50', '75']);
    expect(largeLines.find((l) => l.includes(': 50% ('))).toMatch(
      /^github: widget\.iso: 50% \(3 MiB of 6 MiB, (\S+ \S+\/s|instant)\)$/,
    );
    expect(largeLines.at(-1)).toMatch(
      /^github: widget\.iso: uploaded 6 MiB in \d+(\.\d)? m?s \((\S+ \S+\/s|instant)\)$/,
    );
    // Not a flood: the quarters and a line every 10 s at most, whatever the chunk size.
    expect(largeLines.length).toBeLessThan(12);
    expect(of('b.zip')).toEqual([expect.stringMatching(/^github: b\.zip: uploaded 500 B in /)]);
    expect(world.releases()[0]!.assets.find((a) => a.name === 'widget.iso')!.digest).toBe(
      `sha256:${large.sha256}`,
    );
  });

  it('a re-run keeps identical assets, replaces a changed one and duplicates nothing', async () => {
    await target(world).publish(spec);
    const before = world.releases()[0]!;
    const changed = await writeAsset(world.assetDir, 'b.zip', 'B changed');
    const rerun = { ...spec, assets: [spec.assets[0]!, changed] };

    const again = target(world);
    const prepared = await again.prepare(rerun);
    expect(prepared.plan.map((p) => p.action)).toEqual([
      'complete the published release',
      'publish the release',
    ]);
    await again.publish(rerun);

    const releases = world.releases();
    expect(releases).toHaveLength(1);
    const assets = releases[0]!.assets;
    expect(assets.map((a) => a.name).sort()).toEqual(['a.tar.gz', 'b.zip']);
    expect(assets.find((a) => a.name === 'a.tar.gz')!.id).toBe(
      before.assets.find((a) => a.name === 'a.tar.gz')!.id,
    );
    expect(assets.find((a) => a.name === 'b.zip')!.digest).toBe(`sha256:${changed.sha256}`);
  });

  it('a re-run after a draft was left behind reuses the draft instead of making a second one', async () => {
    await target(world).prepare(spec);
    const uploadsBefore = world.emulator.releases.requestCounts.get('upload');
    const again = target(world);
    const prepared = await again.prepare(spec);
    expect(prepared.plan.map((p) => p.action)).toEqual([
      'reuse the draft an earlier run left',
      'keep identical asset',
      'keep identical asset',
      'publish the release',
    ]);
    expect(world.emulator.releases.requestCounts.get('upload')).toBe(uploadsBefore);
    await again.publish(spec);
    expect(releaseState(world)).toHaveLength(1);
    expect(world.releases()[0]!.draft).toBe(false);
  });

  it('retries an API call answered with 502 (creating the draft, publishing) and makes one release', async () => {
    world.emulator.releases.injectFailure({ operation: 'create', nth: 1, status: 502 });
    world.emulator.releases.injectFailure({ operation: 'update', nth: 1, status: 503 });
    await target(world).publish(spec);
    expect(world.emulator.releases.requestCounts.get('create')).toBe(2);
    expect(world.emulator.releases.requestCounts.get('update')).toBe(2);
    expect(releaseState(world)).toEqual([
      expect.objectContaining({ draft: false, assets: [expect.anything(), expect.anything()] }),
    ]);
  });

  it('retries an upload answered with 502 and ends with exactly one asset of the name', async () => {
    world.emulator.releases.injectFailure({ operation: 'upload', nth: 2, status: 502 });
    const { log, lines, warnings } = recordingActionLog();
    await target(world, TOKEN, log).publish(spec);
    expect(world.emulator.releases.requestCounts.get('upload')).toBe(3);
    expect(warnings).toEqual([expect.stringMatching(/^b\.zip: upload attempt 1 of 4 failed: HTTP 502/)]);
    expect(lines.filter((l) => l.startsWith('github: b.zip: '))).toEqual([
      'github: b.zip: uploading 500 B (attempt 2 of 4)',
      expect.stringMatching(/^github: b\.zip: uploaded 500 B in /),
    ]);
    expect(
      world
        .releases()[0]!
        .assets.map((a) => a.name)
        .sort(),
    ).toEqual(['a.tar.gz', 'b.zip']);
  });

  it('an upload refused with a client error is not retried and the error says what GitHub answered', async () => {
    world.emulator.releases.injectFailure({ operation: 'upload', nth: 1, status: 422 });
    const { log, warnings } = recordingActionLog();
    await expect(target(world, TOKEN, log).prepare(spec)).rejects.toThrow(
      /upload of a\.tar\.gz refused: HTTP 422 injected failure of upload/,
    );
    expect(world.emulator.releases.requestCounts.get('upload')).toBe(1);
    expect(warnings).toEqual([]);
  });

  it("uploads through the runner's HTTP proxy when the upload host is not a loopback one", async () => {
    // GitHub answers upload_url on another host (uploads.github.com): here a name only the proxy knows.
    const emulator = new URL(world.emulator.url);
    const uploadHost = `uploads.example.test:${emulator.port}`;
    const answers = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (!response.headers.get('content-type')?.includes('json')) return response;
      const text = (await response.text()).replaceAll(
        `"upload_url":"${emulator.origin}`,
        `"upload_url":"http://${uploadHost}`,
      );
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      return new Response(text, { status: response.status, headers });
    }) as typeof fetch;
    // A forward proxy on loopback that takes any destination to the emulator, noting what it was asked for.
    const asked: string[] = [];
    const proxy = http.createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      const destination = new URL(req.url!);
      const upstream = http.request(
        new URL(destination.pathname + destination.search, emulator),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => res.destroy(error));
      req.pipe(upstream);
    });
    proxy.on('connect', (req, socket, head) => {
      asked.push(`CONNECT ${req.url}`);
      const upstream = net.connect(Number(emulator.port), emulator.hostname, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as net.AddressInfo;
    vi.stubEnv('HTTP_PROXY', `http://127.0.0.1:${port}`);
    vi.stubEnv('http_proxy', '');
    try {
      // NO_PROXY exempts the upload host: it is dialled directly, which the test network refuses.
      vi.stubEnv('NO_PROXY', '.example.test');
      const exempt = new GitHubReleaseTarget({
        token: TOKEN,
        repository: `${OWNER}/${REPO}`,
        apiUrl: world.emulator.url,
        retryDelayMs: 1,
        uploadAttempts: 1,
        fetch: answers,
      });
      await expect(exempt.prepare(spec)).rejects.toThrow(
        /upload of a\.tar\.gz failed 1 times.*uploads\.example\.test/,
      );
      await exempt.rollback(spec);
      expect(asked).toEqual([]);

      vi.stubEnv('NO_PROXY', 'internal.example.test');
      const { log, lines } = recordingActionLog();
      await target(world, TOKEN, log, answers).prepare(spec);
      expect(asked.length).toBeGreaterThanOrEqual(1);
      expect(asked.every((line) => line.includes(uploadHost))).toBe(true);
      expect(world.emulator.releases.requestCounts.get('upload')).toBe(2);
      expect(world.releases()[0]!.assets.map((a) => a.digest)).toEqual(
        spec.assets.map((a) => `sha256:${a.sha256}`),
      );
      expect(lines.filter((l) => / uploaded \d+ B in /.test(l))).toHaveLength(2);
    } finally {
      vi.unstubAllEnvs();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('gives up after the configured attempts with an error that says a re-run completes it', async () => {
    for (let n = 1; n <= 2; n++)
      world.emulator.releases.injectFailure({ operation: 'upload', nth: 1, status: 503 });
    const github = new GitHubReleaseTarget({
      token: TOKEN,
      repository: `${OWNER}/${REPO}`,
      apiUrl: world.emulator.url,
      retryDelayMs: 1,
      uploadAttempts: 2,
    });
    await expect(github.prepare(spec)).rejects.toThrow(/upload of a\.tar\.gz failed 2 times.*re-run/);
    await github.rollback(spec);
    expect(world.releases()).toEqual([]);
  });

  it('names a missing token before any request, and a token without write access in prepare', async () => {
    await expect(target(world, '').prepare(spec)).rejects.toThrow(/no token: set the token input/);
    await expect(target(world, 'not-a-valid-token').prepare(spec)).rejects.toThrow(
      /token was rejected \(401/,
    );
    await expect(target(world, READ_ONLY_TOKEN).prepare(spec)).rejects.toThrow(
      /may not write releases.*contents: write/,
    );
    expect(world.releases()).toEqual([]);
  });

  it('a repository that reports permissions.push false is refused before any write', async () => {
    // A user token without write access: GitHub says so in the repository's permissions.
    const answers = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith(`/repos/${OWNER}/${REPO}`)) {
        const repo = (await response.json()) as Record<string, unknown>;
        return new Response(
          JSON.stringify({ ...repo, permissions: { admin: false, push: false, pull: true } }),
          {
            status: response.status,
            headers: response.headers,
          },
        );
      }
      return response;
    }) as typeof fetch;
    await expect(target(world, TOKEN, undefined, answers).prepare(spec)).rejects.toThrow(
      /the token cannot push to acme\/widget: releases need write access/,
    );
    expect(world.emulator.releases.requestCounts.get('create')).toBeUndefined();
  });

  it('finds an older asset without digest identical by downloading it', async () => {
    await target(world).publish(spec);
    // An asset uploaded before GitHub reported digests: the emulator stores it, the listing hides the digest.
    let downloads = 0;
    const answers = (async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (/\/releases\/\d+\/assets/.test(url) && (init?.method ?? 'GET') === 'GET') {
        const assets = (await response.json()) as Array<Record<string, unknown>>;
        return new Response(JSON.stringify(assets.map((a) => ({ ...a, digest: null }))), {
          status: response.status,
          headers: response.headers,
        });
      }
      if ((init?.headers as Record<string, string> | undefined)?.accept === 'application/octet-stream')
        downloads++;
      return response;
    }) as typeof fetch;
    const github = target(world, TOKEN, undefined, answers);
    const prepared = await github.prepare(spec);
    await github.publish(spec);
    expect(prepared.plan.map((p) => p.action)).toContain('complete the published release');
    expect(downloads).toBe(2);
    expect(world.releases()[0]!.assets).toHaveLength(2);
  });
});
