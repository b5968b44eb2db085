import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GitHubApiError, readJson, sendJson, sendPage } from './github-http.ts';
import { nodeId, reactionsJson, userJson } from './payloads.ts';

/** What the release routes need to know about the repository a request is for. */
export interface ReleasesRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  git: {
    resolveCommit(ref: string): Promise<string | null>;
    refs(): Promise<Map<string, string>>;
    updateRef(ref: string, sha: string): Promise<void>;
  };
}

interface EmulatedAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  size: number;
  /** `sha256:<hex>`, as GitHub reports it. */
  digest: string;
  file: string;
  createdAt: string;
}

export interface EmulatedRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  publishedAt: string | null;
  /** Drafts have no tag yet; GitHub gives them an `untagged-…` page. */
  untaggedSlug: string;
  assets: EmulatedAsset[];
}

/** A failure the emulator answers instead of doing the work, e.g. for retry tests. */
export interface InjectedFailure {
  operation: 'upload' | 'create' | 'update' | 'delete-asset';
  /** Fail the n-th such request from now (1 = the next one). */
  nth: number;
  status: number;
}

const DOCS = 'https://docs.github.com/rest/releases';

/**
 * The Releases API of the GitHub emulator, in GitHub's shapes: releases (list, get, get by tag, create,
 * update, delete), assets (upload to the release's upload_url with `?name=`, streamed to disk and hashed on
 * the way; list, get, download with `Accept: application/octet-stream`, delete) with GitHub's `digest`
 * field. Drafts are what GitHub makes of them: listed, but not found by tag, and publishing one tags the
 * target commit when the tag does not exist yet. Tokens marked read-only get 403 on every write, as a
 * workflow token without `contents: write` does.
 */
export class GitHubReleasesApi {
  readonly #releases = new Map<string, EmulatedRelease[]>();
  readonly #nextId: () => number;
  readonly #login: () => string;
  readonly #baseUrl: () => string;
  readonly #assetDir: string;
  readonly #failures: Array<InjectedFailure & { seen: number }> = [];
  /** Tokens that may read but not write releases. */
  readonly readOnlyTokens = new Set<string>();
  /** Requests per operation, for tests that count what a client did. */
  readonly requestCounts = new Map<string, number>();

  constructor(options: {
    nextId: () => number;
    login: () => string;
    baseUrl: () => string;
    dataDir: string;
  }) {
    this.#nextId = options.nextId;
    this.#login = options.login;
    this.#baseUrl = options.baseUrl;
    this.#assetDir = path.join(options.dataDir, '.release-assets');
  }

  /** Makes the n-th next request of that operation fail with `status` (after reading its body). */
  injectFailure(failure: InjectedFailure): void {
    this.#failures.push({ ...failure, seen: 0 });
  }

  /** The repository's releases as stored, drafts included, for tests to assert on. */
  releasesOf(owner: string, name: string): EmulatedRelease[] {
    return (this.#releases.get(`${owner}/${name}`.toLowerCase()) ?? []).map((r) => ({
      ...r,
      assets: r.assets.map((a) => ({ ...a })),
    }));
  }

  /**
   * Answers the request and returns true when it is a release route (`rest` is the path after
   * /repos/:owner/:repo); false leaves it to the emulator. Reads the request body itself: uploads are raw.
   */
  async route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    repo: ReleasesRepository,
    rest: string[],
  ): Promise<boolean> {
    if (rest[0] !== 'releases') return false;
    try {
      await this.#route(req, res, url, method, repo, rest);
    } catch (error) {
      if (!(error instanceof GitHubApiError)) throw error;
      req.resume();
      sendJson(res, error.status, { message: error.message, ...error.extra, documentation_url: DOCS });
    }
    return true;
  }

  async #route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    repo: ReleasesRepository,
    rest: string[],
  ): Promise<void> {
    const releases = this.#of(repo);
    const write = method !== 'GET' && method !== 'HEAD';
    if (write && this.readOnlyTokens.has(bearer(req)))
      throw new GitHubApiError(403, 'Resource not accessible by integration');

    if (rest.length === 1) {
      if (method === 'GET')
        return sendPage(
          res,
          url,
          [...releases].reverse().map((r) => this.#json(repo, r)),
        );
      if (method === 'POST') return this.#create(res, repo, releases, await readJson(req));
    }
    if (rest.length === 2 && rest[1] === 'latest' && method === 'GET') {
      const latest = [...releases].reverse().find((r) => !r.draft && !r.prerelease);
      if (!latest) throw notFound();
      return sendJson(res, 200, this.#json(repo, latest));
    }
    if (rest.length === 3 && rest[1] === 'tags' && method === 'GET') {
      // GitHub does not find drafts by tag: they have no tag yet.
      const release = releases.find((r) => !r.draft && r.tagName === rest[2]);
      if (!release) throw notFound();
      return sendJson(res, 200, this.#json(repo, release));
    }
    if (rest[1] === 'assets' && rest.length === 3) {
      const found = this.#findAsset(releases, rest[2]!);
      if (method === 'GET') return this.#getAsset(req, res, repo, found.release, found.asset);
      if (method === 'DELETE') {
        this.#count('delete-asset');
        this.#maybeFail('delete-asset');
        found.release.assets = found.release.assets.filter((a) => a !== found.asset);
        await rm(found.asset.file, { force: true });
        res.writeHead(204).end();
        return;
      }
    }
    const release = releases.find((r) => String(r.id) === rest[1]);
    if (!release) throw notFound();
    if (rest.length === 2) {
      if (method === 'GET') return sendJson(res, 200, this.#json(repo, release));
      if (method === 'PATCH') return this.#update(res, repo, releases, release, await readJson(req));
      if (method === 'DELETE') {
        releases.splice(releases.indexOf(release), 1);
        await Promise.all(release.assets.map((a) => rm(a.file, { force: true })));
        res.writeHead(204).end();
        return;
      }
    }
    if (rest.length === 3 && rest[2] === 'assets') {
      if (method === 'GET')
        return sendPage(
          res,
          url,
          release.assets.map((a) => this.#assetJson(repo, release, a)),
        );
      if (method === 'POST') return this.#upload(req, res, url, repo, release);
    }
    throw notFound();
  }

  #of(repo: ReleasesRepository): EmulatedRelease[] {
    const key = `${repo.owner}/${repo.name}`.toLowerCase();
    let list = this.#releases.get(key);
    if (!list) this.#releases.set(key, (list = []));
    return list;
  }

  #count(operation: string): void {
    this.requestCounts.set(operation, (this.requestCounts.get(operation) ?? 0) + 1);
  }

  #maybeFail(operation: InjectedFailure['operation']): void {
    for (const failure of this.#failures) {
      if (failure.operation !== operation) continue;
      failure.seen += 1;
      if (failure.seen === failure.nth) {
        this.#failures.splice(this.#failures.indexOf(failure), 1);
        throw new GitHubApiError(failure.status, `injected failure of ${operation}`);
      }
    }
  }

  async #create(
    res: ServerResponse,
    repo: ReleasesRepository,
    releases: EmulatedRelease[],
    body: Record<string, unknown>,
  ): Promise<void> {
    this.#count('create');
    this.#maybeFail('create');
    const tagName = body.tag_name;
    if (typeof tagName !== 'string' || !tagName) throw validation('tag_name', 'missing_field');
    const draft = body.draft === true;
    if (!draft && releases.some((r) => !r.draft && r.tagName === tagName))
      throw validation('tag_name', 'already_exists');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const release: EmulatedRelease = {
      id: this.#nextId(),
      tagName,
      targetCommitish:
        typeof body.target_commitish === 'string' && body.target_commitish
          ? body.target_commitish
          : repo.defaultBranch,
      name: typeof body.name === 'string' ? body.name : null,
      body: typeof body.body === 'string' ? body.body : null,
      draft,
      prerelease: body.prerelease === true,
      createdAt: now,
      publishedAt: null,
      untaggedSlug: `untagged-${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      assets: [],
    };
    checkBody(release.body);
    if (!draft) await this.#publish(repo, release);
    releases.push(release);
    sendJson(res, 201, this.#json(repo, release));
  }

  async #update(
    res: ServerResponse,
    repo: ReleasesRepository,
    releases: EmulatedRelease[],
    release: EmulatedRelease,
    body: Record<string, unknown>,
  ): Promise<void> {
    this.#count('update');
    this.#maybeFail('update');
    if (typeof body.body === 'string') checkBody(body.body);
    const tagName = typeof body.tag_name === 'string' && body.tag_name ? body.tag_name : release.tagName;
    const publishing = body.draft === false && release.draft;
    if (
      (publishing || !release.draft) &&
      releases.some((r) => r !== release && !r.draft && r.tagName === tagName)
    )
      throw validation('tag_name', 'already_exists');
    release.tagName = tagName;
    if (typeof body.target_commitish === 'string' && body.target_commitish)
      release.targetCommitish = body.target_commitish;
    if (typeof body.name === 'string') release.name = body.name;
    if (typeof body.body === 'string') release.body = body.body;
    if (typeof body.prerelease === 'boolean') release.prerelease = body.prerelease;
    if (publishing) await this.#publish(repo, release);
    sendJson(res, 200, this.#json(repo, release));
  }

  /** What GitHub does when a release becomes public: the tag must exist, or is made at target_commitish. */
  async #publish(repo: ReleasesRepository, release: EmulatedRelease): Promise<void> {
    const refs = await repo.git.refs();
    if (!refs.has(`refs/tags/${release.tagName}`)) {
      const commit = await repo.git.resolveCommit(release.targetCommitish);
      if (!commit) throw validation('target_commitish', 'invalid');
      await repo.git.updateRef(`refs/tags/${release.tagName}`, commit);
    }
    release.draft = false;
    release.publishedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  async #upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    repo: ReleasesRepository,
    release: EmulatedRelease,
  ): Promise<void> {
    this.#count('upload');
    const name = url.searchParams.get('name');
    if (!name) throw validation('name', 'missing_field');
    // GitHub renames what a download URL cannot carry; the emulator refuses instead, which a test notices.
    if (name.includes('/') || name === '.' || name === '..') throw validation('name', 'invalid');
    if (release.assets.some((a) => a.name === name)) throw validation('name', 'already_exists');
    const declared = Number(req.headers['content-length']);
    if (!Number.isFinite(declared) || declared <= 0)
      throw new GitHubApiError(400, 'Bad Content-Length: an asset needs a non-empty body');
    await mkdir(this.#assetDir, { recursive: true });
    const file = path.join(this.#assetDir, `${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, hashing, createWriteStream(file));
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    try {
      // The body is read before failing, as a proxy in front of the storage would: the client sent it all.
      this.#maybeFail('upload');
      if (size !== declared)
        throw new GitHubApiError(400, `Content-Length ${declared} but ${size} bytes received`);
      // Checked again: another upload of the same name may have finished while this body streamed in.
      if (release.assets.some((a) => a.name === name)) throw validation('name', 'already_exists');
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    const asset: EmulatedAsset = {
      id: this.#nextId(),
      name,
      label: url.searchParams.get('label'),
      contentType: req.headers['content-type'] ?? 'application/octet-stream',
      size,
      digest: `sha256:${hash.digest('hex')}`,
      file,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    release.assets.push(asset);
    sendJson(res, 201, this.#assetJson(repo, release, asset));
  }

  async #getAsset(
    req: IncomingMessage,
    res: ServerResponse,
    repo: ReleasesRepository,
    release: EmulatedRelease,
    asset: EmulatedAsset,
  ): Promise<void> {
    if (!(req.headers.accept ?? '').includes('application/octet-stream'))
      return sendJson(res, 200, this.#assetJson(repo, release, asset));
    const { size } = await stat(asset.file);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    await pipeline(createReadStream(asset.file), res);
  }

  #findAsset(releases: EmulatedRelease[], id: string): { release: EmulatedRelease; asset: EmulatedAsset } {
    for (const release of releases) {
      const asset = release.assets.find((a) => String(a.id) === id);
      if (asset) return { release, asset };
    }
    throw notFound();
  }

  #json(repo: ReleasesRepository, r: EmulatedRelease) {
    const api = `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/releases/${r.id}`;
    const html = `${this.#baseUrl()}/${repo.owner}/${repo.name}/releases`;
    return {
      id: r.id,
      node_id: nodeId('Release', r.id),
      url: api,
      assets_url: `${api}/assets`,
      upload_url: `${api}/assets{?name,label}`,
      html_url: r.draft ? `${html}/tag/${r.untaggedSlug}` : `${html}/tag/${encodeURIComponent(r.tagName)}`,
      tag_name: r.tagName,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      created_at: r.createdAt,
      published_at: r.publishedAt,
      author: userJson(this.#baseUrl(), this.#login()),
      tarball_url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/tarball/${r.tagName}`,
      zipball_url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/zipball/${r.tagName}`,
      assets: r.assets.map((a) => this.#assetJson(repo, r, a)),
      reactions: reactionsJson(api),
    };
  }

  #assetJson(repo: ReleasesRepository, r: EmulatedRelease, a: EmulatedAsset) {
    return {
      id: a.id,
      node_id: nodeId('ReleaseAsset', a.id),
      url: `${this.#baseUrl()}/repos/${repo.owner}/${repo.name}/releases/assets/${a.id}`,
      browser_download_url: `${this.#baseUrl()}/${repo.owner}/${repo.name}/releases/download/${encodeURIComponent(r.tagName)}/${encodeURIComponent(a.name)}`,
      name: a.name,
      label: a.label,
      state: 'uploaded',
      content_type: a.contentType,
      size: a.size,
      digest: a.digest,
      download_count: 0,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      uploader: userJson(this.#baseUrl(), this.#login()),
    };
  }
}

/** GitHub refuses a release body over 125000 characters. */
function checkBody(body: string | null): void {
  if (body !== null && body.length > 125_000)
    throw new GitHubApiError(422, 'Validation Failed', {
      errors: [
        {
          resource: 'Release',
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 125000 characters)',
        },
      ],
    });
}

function bearer(req: IncomingMessage): string {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

function notFound(): GitHubApiError {
  return new GitHubApiError(404, 'Not Found');
}

function validation(field: string, code: string): GitHubApiError {
  return new GitHubApiError(422, 'Validation Failed', { errors: [{ resource: 'Release', field, code }] });
}
