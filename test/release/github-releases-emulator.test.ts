import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubReleaseWorld, OWNER, READ_ONLY_TOKEN, REPO, TOKEN } from './github-release-world.ts';

/** The emulator's Releases API over HTTP, in the shapes and with the rules of GitHub's. */
describe('GitHub emulator: releases', () => {
  let world: GitHubReleaseWorld;
  let api: string;
  beforeEach(async () => {
    world = await GitHubReleaseWorld.start();
    api = `${world.emulator.url}/repos/${OWNER}/${REPO}/releases`;
  });
  afterEach(() => world.stop());

  const call = async (url: string, init: RequestInit = {}, token = TOKEN) => {
    const response = await fetch(url, {
      ...init,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  };
  const upload = (uploadUrl: string, name: string, bytes: Buffer) =>
    fetch(`${uploadUrl.replace(/\{.*\}$/, '')}?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });

  it('a draft is listed but not found by tag; publishing it makes the tag at target_commitish', async () => {
    const commit = await world.pushTaggedCommit('v0.1');
    const draft = await call(api, {
      method: 'POST',
      body: JSON.stringify({ tag_name: 'v1.0', target_commitish: commit, draft: true, name: 'One' }),
    });
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ draft: true, tag_name: 'v1.0', published_at: null });
    expect((await call(`${api}/tags/v1.0`)).status).toBe(404);
    const listed = await fetch(api, { headers: { authorization: `token ${TOKEN}` } });
    expect(((await listed.json()) as unknown[]).length).toBe(1);

    const published = await call(`${api}/${draft.body!.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ draft: false }),
    });
    expect(published.body).toMatchObject({
      draft: false,
      html_url: `${world.emulator.url}/${OWNER}/${REPO}/releases/tag/v1.0`,
    });
    expect((await call(`${api}/tags/v1.0`)).body).toMatchObject({ id: draft.body!.id });
    const refs = await fetch(`${world.emulator.cloneUrl(OWNER, REPO)}/info/refs?service=git-upload-pack`);
    expect(await refs.text()).toContain(`${commit} refs/tags/v1.0`);
  });

  it('uploads raw bytes with a sha256 digest, refuses a second asset of the name, downloads, deletes', async () => {
    const release = await call(api, {
      method: 'POST',
      body: JSON.stringify({ tag_name: 'v2.0', draft: true }),
    });
    const bytes = Buffer.from('the tarball\n');
    const first = await upload(String(release.body!.upload_url), 'widget.tar.gz', bytes);
    expect(first.status).toBe(201);
    const asset = (await first.json()) as { id: number; digest: string; size: number; state: string };
    expect(asset).toMatchObject({ size: bytes.length, state: 'uploaded' });
    expect(asset.digest).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    const again = await upload(String(release.body!.upload_url), 'widget.tar.gz', bytes);
    expect(again.status).toBe(422);
    expect(await again.json()).toMatchObject({ errors: [{ field: 'name', code: 'already_exists' }] });

    const download = await fetch(`${api}/assets/${asset.id}`, {
      headers: { authorization: `token ${TOKEN}`, accept: 'application/octet-stream' },
    });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    expect((await call(`${api}/assets/${asset.id}`)).body).toMatchObject({ name: 'widget.tar.gz' });
    expect((await call(`${api}/assets/${asset.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${api}/${release.body!.id}/assets`)).body).toEqual([]);
  });

  it('an injected failure answers the n-th upload and stores nothing for it; read-only tokens cannot write', async () => {
    const release = await call(api, {
      method: 'POST',
      body: JSON.stringify({ tag_name: 'v3.0', draft: true }),
    });
    world.emulator.releases.injectFailure({ operation: 'upload', nth: 1, status: 502 });
    expect((await upload(String(release.body!.upload_url), 'a', Buffer.from('a'))).status).toBe(502);
    expect((await upload(String(release.body!.upload_url), 'a', Buffer.from('a'))).status).toBe(201);
    expect(world.releases()[0]!.assets.map((a) => a.name)).toEqual(['a']);

    const refused = await call(
      api,
      { method: 'POST', body: JSON.stringify({ tag_name: 'v3.1' }) },
      READ_ONLY_TOKEN,
    );
    expect(refused).toMatchObject({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    expect((await call(api, {}, READ_ONLY_TOKEN)).status).toBe(200);
  });

  it('refuses a body over GitHub’s 125000 characters', async () => {
    const result = await call(api, {
      method: 'POST',
      body: JSON.stringify({ tag_name: 'v4', body: 'x'.repeat(125_001) }),
    });
    expect(result.status).toBe(422);
    expect(world.releases()).toEqual([]);
  });
});
