import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BareRepository } from '../github/bare-repository.ts';
import { GitLabApiError, readBody, readJson, sendJson, sendPage } from './gitlab-http.ts';

/** What the releases and packages routes need to know about the project a request is for. */
export interface ReleasesProject {
  id: number;
  /** e.g. http://127.0.0.1:1234/acme/widget */
  webUrl: string;
  git: BareRepository;
}

interface EmulatedLink {
  id: number;
  name: string;
  url: string;
  directAssetPath: string | null;
  linkType: string;
}

interface EmulatedRelease {
  tagName: string;
  name: string;
  description: string;
  commit: string;
  createdAt: string;
  releasedAt: string;
  links: EmulatedLink[];
}

interface EmulatedPackageFile {
  id: number;
  fileName: string;
  size: number;
  sha256: string;
  sha1: string;
  md5: string;
  createdAt: string;
  data: Buffer;
}

interface EmulatedPackage {
  id: number;
  name: string;
  version: string;
  status: 'default' | 'hidden';
  createdAt: string;
  files: EmulatedPackageFile[];
}

interface ProjectState {
  releases: Map<string, EmulatedRelease>;
  packages: EmulatedPackage[];
}

/** GitLab's validation of generic package coordinates (Gitlab::Regex). */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE_VERSION = /^(\.?[\w+-]+\.?)+$/;
const PACKAGE_FILE_NAME = /^[A-Za-z0-9._+~-]+$/;
const MAX_PACKAGE_FILE = 256 * 1024 * 1024;

/**
 * The releases, release links and generic package registry of the GitLab emulator, in GitLab's shapes:
 * `/projects/:id/releases[/:tag_name[/assets/links[/:link_id]]]`, `/projects/:id/packages/generic/:name/:version/:file`
 * (upload and download; an upload of a name that exists adds a file, as GitLab does, and a download serves the
 * newest), `/projects/:id/packages[/:package_id[/package_files[/:file_id]]]` with each file's sha256.
 * A token without write access gets GitLab's 403 on every write.
 */
export class GitLabReleasesApi {
  readonly #state = new Map<number, ProjectState>();
  readonly #nextId: () => number;
  readonly #author: () => Record<string, unknown>;

  constructor(options: { nextId: () => number; author: () => Record<string, unknown> }) {
    this.#nextId = options.nextId;
    this.#author = options.author;
  }

  /** Whether a route below /projects/:id belongs here. */
  handles(rest: string[]): boolean {
    return rest[0] === 'releases' || rest[0] === 'packages';
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    project: ReleasesProject,
    rest: string[],
    access: { canWrite: boolean },
  ): Promise<void> {
    try {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD' && !access.canWrite)
        throw new GitLabApiError(403, { message: '403 Forbidden' });
      if (rest[0] === 'releases') await this.#releases(req, res, url, project, rest.slice(1), method);
      else await this.#packages(req, res, url, project, rest.slice(1), method);
    } catch (error) {
      req.resume();
      if (!(error instanceof GitLabApiError)) throw error;
      sendJson(res, error.status, error.body);
    }
  }

  #project(id: number): ProjectState {
    let state = this.#state.get(id);
    if (!state) this.#state.set(id, (state = { releases: new Map(), packages: [] }));
    return state;
  }

  // ---- releases ----

  async #releases(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    project: ReleasesProject,
    rest: string[],
    method: string,
  ): Promise<void> {
    const state = this.#project(project.id);
    if (rest.length === 0 && method === 'GET')
      return sendPage(
        res,
        url,
        await Promise.all(
          [...state.releases.values()]
            .sort((a, b) => b.releasedAt.localeCompare(a.releasedAt))
            .map((r) => this.#releaseJson(project, r)),
        ),
      );
    if (rest.length === 0 && method === 'POST') return this.#createRelease(req, res, project, state);
    const tag = rest[0]!;
    const release = state.releases.get(tag);
    if (!release) throw new GitLabApiError(404, { message: '404 Not Found' });
    if (rest.length === 1) {
      if (method === 'GET') return sendJson(res, 200, await this.#releaseJson(project, release));
      if (method === 'PUT') {
        const body = await readJson(req);
        if (typeof body.name === 'string') release.name = body.name;
        if (typeof body.description === 'string') release.description = body.description;
        return sendJson(res, 200, await this.#releaseJson(project, release));
      }
      if (method === 'DELETE') {
        state.releases.delete(tag);
        return sendJson(res, 200, await this.#releaseJson(project, release));
      }
    }
    if (rest[1] === 'assets' && rest[2] === 'links') {
      if (rest.length === 3 && method === 'GET')
        return sendPage(
          res,
          url,
          release.links.map((l) => this.#linkJson(project, release, l)),
        );
      if (rest.length === 3 && method === 'POST') {
        const link = this.#validLink(release, await readJson(req));
        release.links.push(link);
        return sendJson(res, 201, this.#linkJson(project, release, link));
      }
      const link = release.links.find((l) => String(l.id) === rest[3]);
      if (rest.length !== 4 || !link) throw new GitLabApiError(404, { message: '404 Not found' });
      if (method === 'GET') return sendJson(res, 200, this.#linkJson(project, release, link));
      if (method === 'PUT') {
        const body = await readJson(req);
        const changed = this.#validLink(release, { ...this.#linkBody(link), ...body }, link);
        Object.assign(link, changed, { id: link.id });
        return sendJson(res, 200, this.#linkJson(project, release, link));
      }
      if (method === 'DELETE') {
        release.links = release.links.filter((l) => l !== link);
        return sendJson(res, 200, this.#linkJson(project, release, link));
      }
    }
    throw new GitLabApiError(404, { error: '404 Not Found' });
  }

  async #createRelease(
    req: IncomingMessage,
    res: ServerResponse,
    project: ReleasesProject,
    state: ProjectState,
  ): Promise<void> {
    const body = await readJson(req);
    const tag = typeof body.tag_name === 'string' ? body.tag_name : '';
    if (!tag) throw new GitLabApiError(400, { error: 'tag_name is missing' });
    if (state.releases.has(tag)) throw new GitLabApiError(409, { message: 'Release already exists' });
    let commit = await project.git.resolveCommit(`refs/tags/${tag}`);
    if (!commit) {
      // Like GitLab: a missing tag is created from `ref`, or the release is refused.
      if (typeof body.ref !== 'string' || !body.ref)
        throw new GitLabApiError(422, { message: 'Ref is not specified' });
      commit = await project.git.resolveCommit(body.ref);
      if (!commit) throw new GitLabApiError(422, { message: 'Ref is not valid' });
      await project.git.updateRef(`refs/tags/${tag}`, commit);
    }
    const at = new Date().toISOString();
    const release: EmulatedRelease = {
      tagName: tag,
      name: typeof body.name === 'string' && body.name ? body.name : tag,
      description: typeof body.description === 'string' ? body.description : '',
      commit,
      createdAt: at,
      releasedAt: typeof body.released_at === 'string' ? body.released_at : at,
      links: [],
    };
    const assets = body.assets as { links?: unknown } | undefined;
    const links = Array.isArray(assets?.links) ? (assets.links as Record<string, unknown>[]) : [];
    for (const link of links) release.links.push(this.#validLink(release, link));
    state.releases.set(tag, release);
    sendJson(res, 201, await this.#releaseJson(project, release));
  }

  /** A link as GitLab validates it: name and http(s) url required, both unique within the release. */
  #validLink(
    release: EmulatedRelease,
    body: Record<string, unknown>,
    replacing?: EmulatedLink,
  ): EmulatedLink {
    const absent = ['name', 'url'].filter((k) => typeof body[k] !== 'string' || !body[k]);
    if (absent.length)
      throw new GitLabApiError(400, { error: absent.map((k) => `${k} is missing`).join(', ') });
    const name = body.name as string;
    const url = body.url as string;
    if (!/^https?:\/\//.test(url))
      throw new GitLabApiError(400, {
        message: { url: ['is blocked: Only allowed schemes are http, https'] },
      });
    const others = release.links.filter((l) => l !== replacing);
    if (others.some((l) => l.name === name))
      throw new GitLabApiError(400, { message: { name: ['has already been taken'] } });
    if (others.some((l) => l.url === url))
      throw new GitLabApiError(400, { message: { url: ['has already been taken'] } });
    const directAssetPath =
      typeof body.direct_asset_path === 'string'
        ? body.direct_asset_path
        : typeof body.filepath === 'string'
          ? body.filepath
          : null;
    const linkType = typeof body.link_type === 'string' ? body.link_type : 'other';
    if (!['other', 'runbook', 'image', 'package'].includes(linkType))
      throw new GitLabApiError(400, { error: 'link_type does not have a valid value' });
    return { id: replacing?.id ?? this.#nextId(), name, url, directAssetPath, linkType };
  }

  #linkBody(link: EmulatedLink): Record<string, unknown> {
    return {
      name: link.name,
      url: link.url,
      direct_asset_path: link.directAssetPath,
      link_type: link.linkType,
    };
  }

  #linkJson(project: ReleasesProject, release: EmulatedRelease, link: EmulatedLink) {
    return {
      id: link.id,
      name: link.name,
      url: link.url,
      direct_asset_url: link.directAssetPath
        ? `${project.webUrl}/-/releases/${encodeURIComponent(release.tagName)}/downloads${link.directAssetPath}`
        : link.url,
      link_type: link.linkType,
      // GitLab's word for a link that leads outside this GitLab.
      external: !link.url.startsWith(`${new URL(project.webUrl).origin}/`),
    };
  }

  async #releaseJson(project: ReleasesProject, release: EmulatedRelease) {
    const tag = encodeURIComponent(release.tagName);
    const commit = await project.git.commit(release.commit);
    const apiProject = `${new URL(project.webUrl).origin}/api/v4/projects/${project.id}`;
    const listed = (what: string, state: string) =>
      `${project.webUrl}/-/${what}?release_tag=${tag}&scope=all&state=${state}`;
    return {
      tag_name: release.tagName,
      name: release.name,
      description: release.description,
      created_at: release.createdAt,
      released_at: release.releasedAt,
      upcoming_release: false,
      author: this.#author(),
      commit: {
        id: release.commit,
        short_id: release.commit.slice(0, 8),
        created_at: commit?.timestamp ?? release.createdAt,
        parent_ids: commit?.parents ?? [],
        title: commit?.message.split('\n')[0] ?? '',
        message: commit?.message ?? '',
        author_name: commit?.author.name ?? '',
        author_email: commit?.author.email ?? '',
        authored_date: commit?.timestamp ?? release.createdAt,
        committer_name: commit?.committer.name ?? '',
        committer_email: commit?.committer.email ?? '',
        committed_date: commit?.timestamp ?? release.createdAt,
        trailers: {},
        extended_trailers: {},
        web_url: `${project.webUrl}/-/commit/${release.commit}`,
      },
      commit_path: `${new URL(project.webUrl).pathname}/-/commit/${release.commit}`,
      tag_path: `${new URL(project.webUrl).pathname}/-/tags/${tag}`,
      milestones: [],
      evidences: [],
      assets: {
        count: release.links.length + 2,
        sources: ['zip', 'tar.gz'].map((format) => ({
          format,
          url: `${project.webUrl}/-/archive/${tag}/${tag}.${format}`,
        })),
        links: release.links.map((l) => this.#linkJson(project, release, l)),
        evidence_file_path: `${apiProject}/releases/${tag}/evidence.json`,
      },
      _links: {
        closed_issues_url: listed('issues', 'closed'),
        closed_merge_requests_url: listed('merge_requests', 'closed'),
        edit_url: `${project.webUrl}/-/releases/${tag}/edit`,
        merged_merge_requests_url: listed('merge_requests', 'merged'),
        opened_issues_url: listed('issues', 'opened'),
        opened_merge_requests_url: listed('merge_requests', 'opened'),
        self: `${project.webUrl}/-/releases/${tag}`,
      },
    };
  }

  // ---- packages ----

  async #packages(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    project: ReleasesProject,
    rest: string[],
    method: string,
  ): Promise<void> {
    const state = this.#project(project.id);
    if (rest[0] === 'generic' && rest.length === 4) {
      const [, name, version, fileName] = rest as [string, string, string, string];
      if (!PACKAGE_NAME.test(name)) throw new GitLabApiError(400, { error: 'package_name is invalid' });
      if (!PACKAGE_VERSION.test(version))
        throw new GitLabApiError(400, { error: 'package_version is invalid' });
      if (!PACKAGE_FILE_NAME.test(fileName)) throw new GitLabApiError(400, { error: 'file_name is invalid' });
      if (method === 'PUT') return this.#upload(req, res, url, state, name, version, fileName);
      if (method === 'GET') {
        const pkg = state.packages.find((p) => p.name === name && p.version === version);
        const file = pkg?.files.filter((f) => f.fileName === fileName).at(-1);
        if (!file) throw new GitLabApiError(404, { message: '404 Package Not Found' });
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(file.size),
          'content-disposition': `attachment; filename="${fileName}"`,
        });
        res.end(file.data);
        return;
      }
    }
    if (rest.length === 0 && method === 'GET') {
      const type = url.searchParams.get('package_type');
      const name = url.searchParams.get('package_name');
      const status = url.searchParams.get('status');
      const packages = state.packages.filter(
        (p) =>
          (!type || type === 'generic') &&
          (!name || p.name.includes(name)) &&
          // Hidden packages are listed only when asked for by status, as GitLab does.
          (status ? p.status === status : p.status !== 'hidden'),
      );
      return sendPage(
        res,
        url,
        packages.map((p) => packageJson(project, p)),
      );
    }
    const pkg = state.packages.find((p) => String(p.id) === rest[0]);
    if (!pkg) throw new GitLabApiError(404, { message: '404 Package Not Found' });
    if (rest.length === 1 && method === 'GET') return sendJson(res, 200, packageJson(project, pkg));
    if (rest.length === 1 && method === 'DELETE') {
      state.packages = state.packages.filter((p) => p !== pkg);
      res.writeHead(204).end();
      return;
    }
    if (rest[1] === 'package_files') {
      if (rest.length === 2 && method === 'GET')
        return sendPage(
          res,
          url,
          pkg.files.map((f) => packageFileJson(pkg, f)),
        );
      if (rest.length === 3 && method === 'DELETE') {
        const file = pkg.files.find((f) => String(f.id) === rest[2]);
        if (!file) throw new GitLabApiError(404, { message: '404 Package file Not Found' });
        pkg.files = pkg.files.filter((f) => f !== file);
        res.writeHead(204).end();
        return;
      }
    }
    throw new GitLabApiError(404, { error: '404 Not Found' });
  }

  async #upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    state: ProjectState,
    name: string,
    version: string,
    fileName: string,
  ): Promise<void> {
    const status = url.searchParams.get('status') ?? 'default';
    if (status !== 'default' && status !== 'hidden')
      throw new GitLabApiError(400, { error: 'status does not have a valid value' });
    const select = url.searchParams.get('select');
    if (select !== null && select !== 'package_file')
      throw new GitLabApiError(400, { error: 'select does not have a valid value' });
    const data = await readBody(req, MAX_PACKAGE_FILE);
    let pkg = state.packages.find((p) => p.name === name && p.version === version);
    if (!pkg) {
      pkg = { id: this.#nextId(), name, version, status, createdAt: new Date().toISOString(), files: [] };
      state.packages.push(pkg);
    }
    const file: EmulatedPackageFile = {
      id: this.#nextId(),
      fileName,
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      sha1: createHash('sha1').update(data).digest('hex'),
      md5: createHash('md5').update(data).digest('hex'),
      createdAt: new Date().toISOString(),
      data,
    };
    pkg.files.push(file);
    sendJson(res, 201, select === 'package_file' ? packageFileJson(pkg, file) : { message: '201 Created' });
  }
}

function packageJson(project: ReleasesProject, pkg: EmulatedPackage) {
  return {
    id: pkg.id,
    name: pkg.name,
    version: pkg.version,
    package_type: 'generic',
    status: pkg.status,
    created_at: pkg.createdAt,
    _links: { web_path: `${new URL(project.webUrl).pathname}/-/packages/${pkg.id}` },
  };
}

function packageFileJson(pkg: EmulatedPackage, file: EmulatedPackageFile) {
  return {
    id: file.id,
    package_id: pkg.id,
    created_at: file.createdAt,
    file_name: file.fileName,
    size: file.size,
    file_md5: file.md5,
    file_sha1: file.sha1,
    file_sha256: file.sha256,
  };
}
