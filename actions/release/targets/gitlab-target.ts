import type { ActionLog } from '../../../core/action-log.ts';
import {
  ReleaseTargetError,
  type PlannedAction,
  type PreparedRelease,
  type PublishedRelease,
  type ReleaseSpec,
  type ReleaseTarget,
} from './release-target.ts';
import { errorMessage } from '../../../core/errors.ts';
import { fileUploadBody, UploadProgress } from '../upload-progress.ts';

export interface GitLabReleaseTargetOptions {
  /** The GitLab host, e.g. https://gitlab.com or a self-managed instance; the API is under /api/v4. */
  url: string;
  /** A personal, group, project or CI job token with at least Developer access (sent as PRIVATE-TOKEN). */
  token: string;
  /** The project: numeric id or full path (`acme/widget`). */
  project: string;
  /** Name of the generic package that holds the assets; defaults to the project's path. */
  packageName?: string;
  log?: ActionLog;
}

/** GitLab's access levels: creating releases and uploading packages needs Developer. */
const DEVELOPER = 30;
const ACCESS_NAMES: Record<number, string> = {
  0: 'No access',
  5: 'Minimal access',
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
};

/** GitLab's rules for generic package coordinates, checked before anything is uploaded. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE_VERSION = /^(\.?[\w+-]+\.?)+$/;
const PACKAGE_FILE_NAME = /^[A-Za-z0-9._+~-]+$/;

interface RestProject {
  id: number;
  path: string;
  web_url: string;
  permissions?: {
    project_access: { access_level: number } | null;
    group_access: { access_level: number } | null;
  };
}
interface RestPackage {
  id: number;
  name: string;
  version: string;
  package_type: string;
}
interface RestPackageFile {
  id: number;
  file_name: string;
  size: number;
  file_sha256?: string | null;
}
interface RestLink {
  id: number;
  name: string;
  url: string;
  direct_asset_url?: string;
}
interface RestRelease {
  tag_name: string;
  name: string | null;
  description: string | null;
  _links?: { self?: string };
  assets?: { links?: RestLink[] };
}

interface Prepared {
  tag: string;
  projectId: number;
  projectWebUrl: string;
  packageName: string;
  /** asset name → package file id that holds its current bytes. */
  files: Map<string, number>;
  /** Files this prepare uploaded (rollback deletes them). */
  uploaded: number[];
  packageId: number | null;
  createdPackage: boolean;
}

/**
 * A GitLab release whose assets live in the project's generic package registry and are linked from the
 * release. GitLab has no draft release, so prepare checks the token's access and uploads the package files
 * (reachable only by their URL until a release links them); publish creates or updates the release and its
 * links. A re-run keeps package files whose sha256 matches, uploads changed ones and drops the stale copies,
 * and updates the release in place: never a second release, link or file of the same name.
 */
export class GitLabReleaseTarget implements ReleaseTarget {
  readonly name = 'gitlab';
  readonly #options: GitLabReleaseTargetOptions;
  readonly #api: string;
  #prepared: Prepared | null = null;

  constructor(options: GitLabReleaseTargetOptions) {
    this.#options = options;
    this.#api = `${options.url.replace(/\/+$/, '')}/api/v4`;
  }

  async prepare(spec: ReleaseSpec, signal?: AbortSignal): Promise<PreparedRelease> {
    if (!this.#options.token)
      throw this.#error('no token given: a GitLab token with Developer access is needed');
    const project = await this.#project(signal);
    const packageName = this.#options.packageName ?? project.path;
    this.#checkCoordinates(spec, packageName);

    const plan: PlannedAction[] = [];
    const prepared: Prepared = {
      tag: spec.tag,
      projectId: project.id,
      projectWebUrl: project.web_url,
      packageName,
      files: new Map(),
      uploaded: [],
      packageId: null,
      createdPackage: false,
    };
    this.#prepared = prepared;
    try {
      const existing = await this.#packageFiles(prepared, spec.version, signal);
      prepared.createdPackage = prepared.packageId === null;
      for (const asset of spec.assets) {
        const same = existing
          .filter((f) => f.file_name === asset.name && f.file_sha256 === asset.sha256)
          .at(-1);
        if (same) {
          prepared.files.set(asset.name, same.id);
          plan.push({
            target: this.name,
            action: 'keep package file',
            detail: `${asset.name} (same sha256)`,
          });
          continue;
        }
        const replaces = existing.some((f) => f.file_name === asset.name);
        const uploaded = await this.#upload(prepared, spec.version, asset, signal);
        prepared.uploaded.push(uploaded.id);
        prepared.files.set(asset.name, uploaded.id);
        plan.push({
          target: this.name,
          action: replaces ? 'replace package file' : 'upload package file',
          detail: `${asset.name} (${asset.bytes} bytes, sha256 ${asset.sha256})`,
        });
      }
      const release = await this.#release(prepared, spec.tag, signal);
      plan.push({
        target: this.name,
        action: release ? 'update release' : 'create release',
        detail: `${spec.tag} in ${project.web_url} with ${spec.assets.length} linked assets`,
      });
      return { plan };
    } catch (error) {
      // Whatever this prepare uploaded before failing goes again; the caller may not call rollback.
      await this.rollback(spec);
      throw error;
    }
  }

  async publish(spec: ReleaseSpec, signal?: AbortSignal): Promise<PublishedRelease> {
    if (this.#prepared?.tag !== spec.tag) await this.prepare(spec, signal);
    const prepared = this.#prepared!;
    const links = spec.assets.map((asset) => ({
      name: asset.name,
      url: this.#packageFileUrl(prepared, spec.version, asset.name),
      direct_asset_path: `/${asset.name}`,
      link_type: 'package',
    }));

    let release = await this.#release(prepared, spec.tag, signal);
    if (!release) {
      const created = await this.#request('POST', `/projects/${prepared.projectId}/releases`, {
        json: {
          tag_name: spec.tag,
          // Only used when the tag is missing on GitLab (e.g. pushed elsewhere): it is created at the commit.
          ref: spec.commit,
          name: spec.title,
          description: spec.notes,
          assets: { links },
        },
        signal,
      });
      release = created.body as RestRelease;
      this.#options.log?.info(`${this.name}: release ${spec.tag} created`);
    } else {
      if (release.name !== spec.title || (release.description ?? '') !== spec.notes) {
        release = (
          await this.#request('PUT', this.#releasePath(prepared, spec.tag), {
            json: { name: spec.title, description: spec.notes },
            signal,
          })
        ).body as RestRelease;
      }
      await this.#syncLinks(prepared, spec.tag, links, release.assets?.links ?? [], signal);
      release = await this.#release(prepared, spec.tag, signal);
      this.#options.log?.info(`${this.name}: release ${spec.tag} updated`);
    }
    await this.#dropStaleFiles(prepared, spec, signal);
    // From here on a rollback must not remove what the release links.
    prepared.uploaded = [];
    prepared.createdPackage = false;
    const published = new Map((release?.assets?.links ?? []).map((l) => [l.name, l]));
    return {
      target: this.name,
      url: release?._links?.self ?? `${prepared.projectWebUrl}/-/releases/${encodeURIComponent(spec.tag)}`,
      id: spec.tag,
      assets: spec.assets.map((a) => ({
        name: a.name,
        sha256: a.sha256,
        bytes: a.bytes,
        url: published.get(a.name)?.direct_asset_url ?? published.get(a.name)?.url,
      })),
    };
  }

  async rollback(spec: ReleaseSpec): Promise<void> {
    const prepared = this.#prepared;
    if (prepared?.tag !== spec.tag || prepared.packageId === null) return;
    for (const id of prepared.uploaded) {
      await this.#request(
        'DELETE',
        `/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files/${id}`,
      ).catch((err: unknown) =>
        this.#options.log?.warn(
          `${this.name}: rollback could not delete package file ${id}: ${errorMessage(err)}`,
        ),
      );
    }
    prepared.uploaded = [];
    if (prepared.createdPackage) {
      await this.#request('DELETE', `/projects/${prepared.projectId}/packages/${prepared.packageId}`).catch(
        (err: unknown) =>
          this.#options.log?.warn(
            `${this.name}: rollback could not delete the package: ${errorMessage(err)}`,
          ),
      );
    }
    this.#prepared = null;
  }

  // ---- steps ----

  async #project(signal?: AbortSignal): Promise<RestProject> {
    const response = await this.#request('GET', `/projects/${encodeURIComponent(this.#options.project)}`, {
      signal,
      allow: [401, 403, 404],
    });
    if (response.status === 401)
      throw this.#error('the token was refused (401 Unauthorized): expired or revoked?');
    if (response.status === 403 || response.status === 404)
      throw this.#error(
        `project ${this.#options.project} not found, or the token cannot see it (${response.status})`,
      );
    const project = response.body as RestProject;
    const level = Math.max(
      project.permissions?.project_access?.access_level ?? 0,
      project.permissions?.group_access?.access_level ?? 0,
    );
    // A CI job token gets no `permissions`; its writes are checked when they happen.
    if (project.permissions && level < DEVELOPER)
      throw this.#error(
        `the token has ${ACCESS_NAMES[level] ?? `level ${level}`} access to ${this.#options.project}: ` +
          'releases and package uploads need Developer or higher',
      );
    return project;
  }

  #checkCoordinates(spec: ReleaseSpec, packageName: string): void {
    if (!PACKAGE_NAME.test(packageName))
      throw this.#error(`package name "${packageName}" is not valid for GitLab's generic package registry`);
    if (!PACKAGE_VERSION.test(spec.version))
      throw this.#error(`version "${spec.version}" is not valid for GitLab's generic package registry`);
    const bad = spec.assets.filter((a) => !PACKAGE_FILE_NAME.test(a.name)).map((a) => a.name);
    if (bad.length)
      throw this.#error(
        `asset names GitLab's package registry refuses (only letters, digits, . _ - + ~): ${bad.join(', ')}`,
      );
    const names = spec.assets.map((a) => a.name);
    const clash = names.filter((n, i) => names.indexOf(n) !== i);
    if (clash.length) throw this.#error(`asset names appear twice: ${[...new Set(clash)].join(', ')}`);
  }

  /** The files of our package at this version (none when it does not exist yet); sets `packageId`. */
  async #packageFiles(prepared: Prepared, version: string, signal?: AbortSignal): Promise<RestPackageFile[]> {
    const packages = await this.#list<RestPackage>(
      `/projects/${prepared.projectId}/packages?package_type=generic&package_name=${encodeURIComponent(prepared.packageName)}`,
      signal,
    );
    const pkg = packages.find((p) => p.name === prepared.packageName && p.version === version);
    prepared.packageId = pkg?.id ?? null;
    if (!pkg) return [];
    return this.#list<RestPackageFile>(
      `/projects/${prepared.projectId}/packages/${pkg.id}/package_files`,
      signal,
    );
  }

  async #upload(
    prepared: Prepared,
    version: string,
    asset: ReleaseSpec['assets'][number],
    signal?: AbortSignal,
  ): Promise<RestPackageFile> {
    const path = `/projects/${prepared.projectId}/packages/generic/${encodeURIComponent(prepared.packageName)}/${encodeURIComponent(version)}/${encodeURIComponent(asset.name)}?select=package_file`;
    let lastError: unknown;
    // Each attempt streams the file anew, with its own progress: no request-level retry can replay the body.
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const progress = new UploadProgress({
          target: this.name,
          name: asset.name,
          bytes: asset.bytes,
          say: (line) => this.#options.log?.info(line),
          attempt: { number: attempt, of: 3 },
        });
        const response = await this.#request('PUT', path, {
          upload: { body: fileUploadBody(asset.path, progress), bytes: asset.bytes },
          signal,
        });
        const file = response.body as RestPackageFile;
        if (file.file_sha256 && file.file_sha256 !== asset.sha256)
          throw this.#error(
            `${asset.name} arrived with sha256 ${file.file_sha256}, expected ${asset.sha256}`,
          );
        if (prepared.packageId === null) {
          prepared.packageId = (file as RestPackageFile & { package_id: number }).package_id;
        }
        progress.done();
        return file;
      } catch (error) {
        lastError = error;
        // Retry what may be transient (network, 5xx); a refusal (4xx) will not change.
        const status = httpStatus(error);
        if (signal?.aborted || status === null || (status >= 400 && status < 500)) break;
        this.#options.log?.warn(
          `${this.name}: upload of ${asset.name} failed (attempt ${attempt}: ${errorMessage(error)}), retrying`,
        );
      }
    }
    if (lastError instanceof ReleaseTargetError) throw lastError;
    throw this.#error(`uploading ${asset.name} failed: ${describe(lastError)}`, lastError);
  }

  async #release(prepared: Prepared, tag: string, signal?: AbortSignal): Promise<RestRelease | null> {
    const response = await this.#request('GET', this.#releasePath(prepared, tag), { signal, allow: [404] });
    return response.status === 404 ? null : (response.body as RestRelease);
  }

  async #syncLinks(
    prepared: Prepared,
    tag: string,
    wanted: Array<{ name: string; url: string; direct_asset_path: string; link_type: string }>,
    existing: RestLink[],
    signal?: AbortSignal,
  ): Promise<void> {
    const linksPath = `${this.#releasePath(prepared, tag)}/assets/links`;
    for (const link of wanted) {
      const current = existing.find((l) => l.name === link.name) ?? existing.find((l) => l.url === link.url);
      if (current && current.name === link.name && current.url === link.url) continue;
      if (current) await this.#request('PUT', `${linksPath}/${current.id}`, { json: link, signal });
      else await this.#request('POST', linksPath, { json: link, signal });
    }
  }

  /** Older copies of a replaced asset: GitLab keeps every upload of a name; only the newest is linked. */
  async #dropStaleFiles(prepared: Prepared, spec: ReleaseSpec, signal?: AbortSignal): Promise<void> {
    if (prepared.packageId === null) return;
    const files = await this.#list<RestPackageFile>(
      `/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files`,
      signal,
    );
    for (const file of files) {
      const keep = prepared.files.get(file.file_name);
      if (keep === undefined || keep === file.id) continue;
      if (!spec.assets.some((a) => a.name === file.file_name)) continue;
      await this.#request(
        'DELETE',
        `/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files/${file.id}`,
        { signal, allow: [404] },
      );
    }
  }

  #releasePath(prepared: Prepared, tag: string): string {
    return `/projects/${prepared.projectId}/releases/${encodeURIComponent(tag)}`;
  }

  #packageFileUrl(prepared: Prepared, version: string, file: string): string {
    return `${this.#api}/projects/${prepared.projectId}/packages/generic/${encodeURIComponent(prepared.packageName)}/${encodeURIComponent(version)}/${encodeURIComponent(file)}`;
  }

  // ---- HTTP ----

  async #list<T>(path: string, signal?: AbortSignal): Promise<T[]> {
    const all: T[] = [];
    let page = '1';
    while (page) {
      const separator = path.includes('?') ? '&' : '?';
      const response = await this.#request('GET', `${path}${separator}per_page=100&page=${page}`, { signal });
      all.push(...(response.body as T[]));
      page = response.headers.get('x-next-page') ?? '';
    }
    return all;
  }

  async #request(
    method: string,
    path: string,
    options: {
      json?: unknown;
      /** A file streamed from disk, with its length (GitLab wants it, not a chunked body). */
      upload?: { body: ReadableStream<Uint8Array>; bytes: number };
      signal?: AbortSignal;
      allow?: number[];
    } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {
      'PRIVATE-TOKEN': this.#options.token,
      accept: 'application/json',
    };
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (options.upload) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(options.upload.bytes);
      body = options.upload.body;
    }
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetch(`${this.#api}${path}`, {
        method,
        headers,
        body,
        signal: options.signal,
        ...(options.upload ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      throw new GitLabHttpError(0, `${method} ${path}: ${describe(error)}`, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (an HTML error page from a proxy): keep the text for the message.
    }
    if (!response.ok && !options.allow?.includes(response.status)) {
      const message =
        parsed && typeof parsed === 'object'
          ? JSON.stringify(
              (parsed as Record<string, unknown>).message ??
                (parsed as Record<string, unknown>).error ??
                parsed,
            )
          : String(parsed).slice(0, 200);
      const hint =
        response.status === 401
          ? ' (token refused)'
          : response.status === 403
            ? ' (the token lacks permission: Developer access or the api scope is needed)'
            : '';
      throw this.#error(
        `${method} ${path} answered ${response.status}${hint}: ${message}`,
        new GitLabHttpError(response.status, message),
      );
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  #error(message: string, cause?: unknown): ReleaseTargetError {
    const error = new ReleaseTargetError(this.name, message, cause === undefined ? undefined : { cause });
    return error;
  }
}

class GitLabHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitLabHttpError';
    this.status = status;
  }
}

/** The HTTP status behind an error (0 when the request never got an answer), or null when it was no HTTP error. */
function httpStatus(error: unknown): number | null {
  if (error instanceof GitLabHttpError) return error.status;
  if (error instanceof ReleaseTargetError && error.cause instanceof GitLabHttpError)
    return error.cause.status;
  return null;
}

function describe(error: unknown): string {
  if (error instanceof ReleaseTargetError && error.cause instanceof GitLabHttpError) return error.message;
  return errorMessage(error);
}
