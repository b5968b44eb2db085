import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { getOctokit } from '@actions/github';
import { request, type Dispatcher } from 'undici';
import type { ActionLog } from '../../../core/action-log.ts';
import {
  ReleaseTargetError,
  type PlannedAction,
  type PreparedRelease,
  type PublishedRelease,
  type ReleaseAsset,
  type ReleaseSpec,
  type ReleaseTarget,
} from './release-target.ts';
import { errorMessage } from '../../../core/errors.ts';
import { retryTransientFailures } from '../../../core/octokit-retry.ts';
import { fileUploadStream, UploadProgress } from '../upload-progress.ts';
import { proxyDispatcher } from '../../../core/proxy.ts';

export interface GitHubReleaseTargetOptions {
  /** A token allowed to write the repository's contents (workflow `permissions: contents: write`). */
  token: string;
  /** owner/name */
  repository: string;
  /** https://api.github.com (default), a GitHub Enterprise API URL, or the emulator. */
  apiUrl?: string;
  /** Attempts per asset upload (a 5xx or a dropped connection is retried). Default 4. */
  uploadAttempts?: number;
  /** Wait before the n-th retry of an upload: n × this, in ms. Default 2000; tests shrink it. */
  retryDelayMs?: number;
  log?: ActionLog;
  /**
   * Instead of @actions/github's proxy-aware fetch for API calls: another transport, e.g. one that alters
   * answers in a test. Asset uploads do not use it: they stream through undici's `request`.
   */
  fetch?: typeof fetch;
}

/** The fields of GitHub's release and asset JSON this target reads. */
interface RestAsset {
  id: number;
  name: string;
  size: number;
  state?: string;
  /** `sha256:<hex>` on assets uploaded since mid-2025; older ones have none (or null). */
  digest?: string | null;
  browser_download_url: string;
}

interface RestRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  name: string | null;
  body?: string | null | undefined;
  prerelease: boolean;
  assets: RestAsset[];
}

interface Prepared {
  tag: string;
  release: RestRelease;
  /** This run made the draft, so rollback may delete it. */
  createdDraft: boolean;
}

/**
 * A GitHub release: prepare creates (or finds) a draft and uploads the assets to it, which nobody but the
 * repository's writers sees; publish turns the draft into the release. A re-run of the same tag finds the
 * draft or the published release, keeps assets whose sha256 matches (GitHub's `digest`, or the downloaded
 * bytes when an older asset has none), replaces changed ones and never uploads a name twice.
 */
export class GitHubReleaseTarget implements ReleaseTarget {
  readonly name = 'github';
  readonly #options: GitHubReleaseTargetOptions;
  readonly #owner: string;
  readonly #repo: string;
  readonly #apiUrl: string;
  #client: ReturnType<typeof getOctokit> | undefined;
  #prepared: Prepared | null = null;
  readonly #dispatchers = new Map<string, Dispatcher | undefined>();

  constructor(options: GitHubReleaseTargetOptions) {
    this.#options = options;
    const [owner, repo, extra] = options.repository.split('/');
    if (!owner || !repo || extra !== undefined)
      throw new ReleaseTargetError('github', `repository must be owner/name, not "${options.repository}"`);
    this.#owner = owner;
    this.#repo = repo;
    this.#apiUrl = (options.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
  }

  /**
   * @actions/github's client, made on first use (a dry run has no token, and getOctokit wants one): the
   * runner's proxy (HTTPS_PROXY, NO_PROXY) for every request, uploads and downloads included, and the job's
   * orchestration id in the user agent; plus retries of 5xx answers.
   */
  get #octokit(): ReturnType<typeof getOctokit> {
    const log = this.#options.log;
    this.#client ??= getOctokit(
      this.#options.token,
      {
        baseUrl: this.#apiUrl,
        userAgent: 'ironbots-release',
        log: {
          debug: () => undefined,
          info: () => undefined,
          warn: (message: string) => log?.warn(message),
          error: (message: string) => log?.debug(message),
        },
        retry: { retries: 2, retryAfterBaseValue: Math.max(1, (this.#options.retryDelayMs ?? 2000) / 2) },
        ...(this.#options.fetch ? { request: { fetch: this.#options.fetch } } : {}),
      },
      retryTransientFailures,
    );
    return this.#client;
  }

  async prepare(spec: ReleaseSpec): Promise<PreparedRelease> {
    // One round trip for both: a release step on github.com waits on each. A refused token says so first.
    const [access, found] = await Promise.allSettled([this.#checkAccess(), this.#findRelease(spec.tag)]);
    if (access.status === 'rejected') throw access.reason;
    if (found.status === 'rejected') throw found.reason;
    const existing = found.value;
    const plan: PlannedAction[] = [];
    let release: RestRelease;
    let createdDraft = false;
    if (existing && !existing.draft) {
      // Published by an earlier run: changing it is visible, so everything waits for publish.
      release = existing;
      plan.push({ target: this.name, action: 'complete the published release', detail: release.html_url });
    } else {
      if (existing) {
        release = await this.#call('update the draft', () =>
          this.#octokit.rest.repos.updateRelease({
            owner: this.#owner,
            repo: this.#repo,
            release_id: existing.id,
            ...releaseFields(spec),
          }),
        );
        plan.push({
          target: this.name,
          action: 'reuse the draft an earlier run left',
          detail: `${release.id}`,
        });
      } else {
        release = await this.#call('create a draft release', () =>
          this.#octokit.rest.repos.createRelease({
            owner: this.#owner,
            repo: this.#repo,
            tag_name: spec.tag,
            // Were the tag missing at publish, GitHub would make it here, never at the default branch's head.
            target_commitish: spec.commit,
            ...releaseFields(spec),
            draft: true,
          }),
        );
        createdDraft = true;
        plan.push({ target: this.name, action: 'create a draft release', detail: `${release.id}` });
      }
      this.#prepared = { tag: spec.tag, release, createdDraft };
      // A draft made just now has no assets to list.
      plan.push(...(await this.#syncAssets(release, spec.assets, createdDraft ? [] : undefined)));
    }
    this.#prepared = { tag: spec.tag, release, createdDraft };
    plan.push({ target: this.name, action: 'publish the release', detail: `${spec.title} (${spec.tag})` });
    return { plan };
  }

  async publish(spec: ReleaseSpec): Promise<PublishedRelease> {
    if (this.#prepared?.tag !== spec.tag) await this.prepare(spec);
    let release = this.#prepared!.release;
    if (!release.draft) await this.#syncAssets(release, spec.assets);
    release = await this.#call('publish the release', () =>
      this.#octokit.rest.repos.updateRelease({
        owner: this.#owner,
        repo: this.#repo,
        release_id: release.id,
        tag_name: spec.tag,
        ...releaseFields(spec),
        draft: false,
      }),
    );
    this.#prepared = { ...this.#prepared!, release, createdDraft: false };
    const assets = await this.#listAssets(release.id);
    this.#options.log?.info(`${this.name}: release published ${release.html_url}`);
    return {
      target: this.name,
      url: release.html_url,
      id: String(release.id),
      assets: spec.assets.map((asset) => ({
        name: asset.name,
        sha256: asset.sha256,
        bytes: asset.bytes,
        ...urlOf(assets, asset.name),
      })),
    };
  }

  async rollback(spec: ReleaseSpec): Promise<void> {
    const prepared = this.#prepared;
    if (!prepared || prepared.tag !== spec.tag || !prepared.createdDraft) return;
    try {
      await this.#octokit.rest.repos.deleteRelease({
        owner: this.#owner,
        repo: this.#repo,
        release_id: prepared.release.id,
      });
      this.#prepared = null;
      this.#options.log?.info(`${this.name}: draft release ${prepared.release.id} deleted (rollback)`);
    } catch (error) {
      this.#options.log?.warn(
        `${this.name}: could not delete the draft release ${prepared.release.id} (${errorMessage(error)}); a re-run of the tag reuses it`,
      );
    }
  }

  /** A missing token, a token GitHub refuses, or one that cannot write, named before anything is made. */
  async #checkAccess(): Promise<void> {
    if (!this.#options.token)
      throw new ReleaseTargetError(
        'github',
        'no token: set the token input (the workflow token needs `permissions: contents: write`)',
      );
    const data = await this.#call('read the repository', () =>
      this.#octokit.rest.repos.get({ owner: this.#owner, repo: this.#repo }),
    );
    const permissions = (data as { permissions?: { push?: boolean } }).permissions;
    // Present for user tokens; when GitHub leaves it out, a write refused with 403 says the same thing.
    if (permissions && permissions.push === false)
      throw new ReleaseTargetError(
        'github',
        `the token cannot push to ${this.#owner}/${this.#repo}: releases need write access (workflow \`permissions: contents: write\`)`,
      );
  }

  /**
   * The release of the tag, published or draft. Drafts have no tag yet and are found only by listing, which a
   * new tag always needs: the first page is asked for alongside the tag lookup, one round trip for both.
   */
  async #findRelease(tag: string): Promise<RestRelease | null> {
    // Newest first: a draft an earlier run left is on the first page; further pages only if it is not.
    const listing = this.#octokit.paginate.iterator(this.#octokit.rest.repos.listReleases, {
      owner: this.#owner,
      repo: this.#repo,
      per_page: 100,
    });
    const pages = listing[Symbol.asyncIterator]();
    const firstPage = pages.next();
    // Not read when the tag has a published release: its failure then matters to nobody.
    firstPage.catch(() => undefined);
    try {
      const { data } = await this.#octokit.rest.repos.getReleaseByTag({
        owner: this.#owner,
        repo: this.#repo,
        tag,
      });
      return data as RestRelease;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw this.#failure('find the release', error);
    }
    return this.#call('list releases', async () => {
      for (let page = await firstPage; !page.done; page = await pages.next()) {
        const draft = (page.value.data as RestRelease[]).find((r) => r.draft && r.tag_name === tag);
        if (draft) return draft;
      }
      return null;
    });
  }

  async #listAssets(releaseId: number): Promise<RestAsset[]> {
    return (await this.#call('list assets', () =>
      this.#octokit.paginate(this.#octokit.rest.repos.listReleaseAssets, {
        owner: this.#owner,
        repo: this.#repo,
        release_id: releaseId,
        per_page: 100,
      }),
    )) as RestAsset[];
  }

  /** Uploads what is missing, replaces what changed, keeps what is identical. */
  async #syncAssets(
    release: RestRelease,
    assets: readonly ReleaseAsset[],
    present?: RestAsset[],
  ): Promise<PlannedAction[]> {
    const plan: PlannedAction[] = [];
    const existing = new Map((present ?? (await this.#listAssets(release.id))).map((a) => [a.name, a]));
    for (const asset of assets) {
      const present = existing.get(asset.name);
      if (present && (await this.#sameContent(present, asset))) {
        plan.push({ target: this.name, action: 'keep identical asset', detail: asset.name });
        continue;
      }
      if (present) await this.#deleteAsset(present);
      await this.#upload(release, asset);
      plan.push({
        target: this.name,
        action: present ? 'replace changed asset' : 'upload asset',
        detail: `${asset.name} (${asset.bytes} bytes)`,
      });
    }
    return plan;
  }

  async #sameContent(remote: RestAsset, asset: ReleaseAsset): Promise<boolean> {
    if (remote.state !== undefined && remote.state !== 'uploaded') return false;
    if (remote.size !== asset.bytes) return false;
    if (remote.digest) return remote.digest.toLowerCase() === `sha256:${asset.sha256}`;
    return (await this.#downloadSha256(remote)) === asset.sha256;
  }

  async #downloadSha256(remote: RestAsset): Promise<string> {
    const body = (await this.#call(`download asset ${remote.name}`, () =>
      this.#octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner: this.#owner,
        repo: this.#repo,
        asset_id: remote.id,
        headers: { accept: 'application/octet-stream' },
        // The bytes as they stream in, hashed without holding the asset in memory.
        request: { parseSuccessResponseBody: false },
      }),
    )) as unknown as NodeReadableStream | null;
    if (!body) throw new ReleaseTargetError('github', `download of asset ${remote.name} had no body`);
    const hash = createHash('sha256');
    for await (const chunk of Readable.fromWeb(body)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async #deleteAsset(remote: RestAsset): Promise<void> {
    await this.#call(`delete asset ${remote.name}`, () =>
      this.#octokit.rest.repos.deleteReleaseAsset({
        owner: this.#owner,
        repo: this.#repo,
        asset_id: remote.id,
      }),
    );
  }

  /**
   * Streams the file to the release's upload_url. A failed attempt may still have left an asset (the
   * response was lost, or GitHub kept a partial `starter` asset that blocks the name): before retrying,
   * an identical one counts as done and anything else under the name is deleted.
   */
  async #upload(release: RestRelease, asset: ReleaseAsset): Promise<void> {
    const attempts = Math.max(1, this.#options.uploadAttempts ?? 4);
    const delay = this.#options.retryDelayMs ?? 2000;
    const url = new URL(release.upload_url.replace(/\{[^}]*\}$/, ''));
    url.searchParams.set('name', asset.name);
    let lastProblem = '';
    // Not the API retry's job: it cannot replay a file stream, nor clear what a failed try left.
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, delay * (attempt - 1)));
        const left = (await this.#listAssets(release.id)).find((a) => a.name === asset.name);
        if (left && (await this.#sameContent(left, asset))) return;
        if (left) await this.#deleteAsset(left);
      }
      const progress = new UploadProgress({
        target: this.name,
        name: asset.name,
        bytes: asset.bytes,
        say: (line) => this.#options.log?.info(line),
        attempt: { number: attempt, of: attempts },
      });
      try {
        const failure = await this.#post(url, asset, progress);
        if (failure === null) {
          progress.done();
          return;
        }
        lastProblem = failure.problem;
        // A client error will not change by retrying (401, 403, 422 …).
        if (failure.status < 500 && failure.status !== 429)
          throw new ReleaseTargetError('github', `upload of ${asset.name} refused: ${lastProblem}`);
      } catch (error) {
        if (error instanceof ReleaseTargetError) throw error;
        // No answer: the connection dropped or the file could not be read.
        lastProblem = errorMessage(error).slice(0, 300);
      }
      this.#options.log?.warn(
        `${asset.name}: upload attempt ${attempt} of ${attempts} failed: ${lastProblem}`,
      );
    }
    throw new ReleaseTargetError(
      'github',
      `upload of ${asset.name} failed ${attempts} times, last: ${lastProblem}; re-run to complete the release`,
    );
  }

  /**
   * One POST of the file with undici's `request` and a Node stream body: a web ReadableStream through fetch
   * costs about half as much again in time and CPU on large assets. The headers are the ones Octokit sends,
   * the dispatcher follows the runner's proxy settings as @actions/github does. Null when GitHub took it;
   * otherwise the status and what GitHub said.
   */
  async #post(
    url: URL,
    asset: ReleaseAsset,
    progress: UploadProgress,
  ): Promise<{ status: number; problem: string } | null> {
    const defaults = this.#octokit.request.endpoint.DEFAULTS.headers;
    const dispatcher = this.#proxyDispatcher(url);
    const response = await request(url, {
      method: 'POST',
      headers: {
        accept: defaults.accept,
        'user-agent': defaults['user-agent'],
        authorization: `token ${this.#options.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(asset.bytes),
      },
      body: fileUploadStream(asset.path, progress),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode >= 200 && response.statusCode < 300) return null;
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON (a proxy's or load balancer's page): its text says what happened.
    }
    return {
      status: response.statusCode,
      problem: `HTTP ${response.statusCode} ${message.trim()}`.trim().slice(0, 300),
    };
  }

  /** One per upload origin (uploads.github.com, a GHES host, the emulator), made on first use. */
  #proxyDispatcher(url: URL): Dispatcher | undefined {
    if (!this.#dispatchers.has(url.origin)) this.#dispatchers.set(url.origin, proxyDispatcher(url));
    return this.#dispatchers.get(url.origin);
  }

  async #call<T>(what: string, request: () => Promise<{ data: T } | T>): Promise<T> {
    try {
      const result = await request();
      return (
        result && typeof result === 'object' && 'data' in result && !Array.isArray(result)
          ? (result as { data: T }).data
          : result
      ) as T;
    } catch (error) {
      throw this.#failure(what, error);
    }
  }

  #failure(what: string, error: unknown): ReleaseTargetError {
    return new ReleaseTargetError('github', this.#explain(what, error), { cause: error });
  }

  #explain(what: string, error: unknown): string {
    const status = (error as { status?: number }).status;
    const message = errorMessage(error);
    const where = `${this.#owner}/${this.#repo}`;
    if (status === 401) return `could not ${what}: the token was rejected (401 Bad credentials)`;
    if (status === 403)
      return `could not ${what} in ${where}: the token may not write releases (403 ${message}); give the workflow \`permissions: contents: write\``;
    if (status === 404) return `could not ${what}: ${where} not found, or the token cannot see it (404)`;
    return `could not ${what} in ${where}: ${status ? `HTTP ${status} ` : ''}${message}`;
  }
}

function releaseFields(spec: ReleaseSpec) {
  return { name: spec.title, body: spec.notes, prerelease: spec.prerelease };
}

function urlOf(assets: readonly RestAsset[], name: string): { url?: string } {
  const found = assets.find((a) => a.name === name);
  return found ? { url: found.browser_download_url } : {};
}
