import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { BareRepository } from './bare-repository.ts';
import { serveGitHttp } from './git-http-backend.ts';
import { WebhookSender, type DeliveryRecord, type WebhookConfig } from './webhook-sender.ts';

export interface GitHubEmulatorOptions {
  /** Bare repositories live here, one folder per owner. */
  dataDir: string;
  /** API tokens it accepts (and git push passwords). */
  tokens: string[];
  host?: string;
  port?: number;
  logger?: Logger;
  /** The login the tokens belong to: author of pull requests and statuses. */
  login?: string;
}

interface EmulatedRepository {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  git: BareRepository;
  hooks: WebhookConfig[];
  pulls: EmulatedPull[];
  /** sha → statuses, oldest first. */
  statuses: Map<string, EmulatedStatus[]>;
  /** issue/PR number → comments. */
  comments: Map<number, { id: number; body: string; user: string; created_at: string }[]>;
}

interface EmulatedPull {
  id: number;
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  user: string;
  head: string;
  headSha: string;
  base: string;
  created_at: string;
  updated_at: string;
}

interface EmulatedStatus {
  id: number;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  created_at: string;
  updated_at: string;
  creator: string;
}

class HttpError extends Error {
  readonly status: number;
  readonly extra: Record<string, unknown>;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

const STATES = new Set(['pending', 'success', 'failure', 'error']);

/**
 * A GitHub for offline runs and tests: a real HTTP server with the REST subset ironbots uses, real git
 * repositories (clone, fetch and push over smart HTTP), and webhook deliveries signed like GitHub's, in
 * GitHub's JSON shapes. Pushing to a PR's branch sends `synchronize`, as on github.com.
 */
export class GitHubEmulator {
  readonly #options: GitHubEmulatorOptions;
  readonly #server: http.Server;
  readonly #repos = new Map<string, EmulatedRepository>();
  readonly #webhooks: WebhookSender;
  readonly #login: string;
  #url = '';
  #nextId = 1000;
  /** Work triggered by a request that outlives its response (post-push processing). */
  readonly #background = new Set<Promise<void>>();

  private constructor(options: GitHubEmulatorOptions) {
    this.#options = options;
    this.#login = options.login ?? 'developer';
    this.#webhooks = new WebhookSender(options.logger);
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError)
          return sendJson(res, error.status, { message: error.message, ...error.extra });
        options.logger?.error({ err: error, url: req.url }, 'emulator request failed');
        if (!res.headersSent) sendJson(res, 500, { message: 'Server Error' });
        else res.destroy();
      });
    });
    this.#server.keepAliveTimeout = 2_000;
  }

  static async start(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
    const emulator = new GitHubEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = emulator.#server.address() as AddressInfo;
    emulator.#url = `http://${options.host ?? '127.0.0.1'}:${address.port}`;
    return emulator;
  }

  /** The API base URL (Octokit's baseUrl); git remotes are `${url}/owner/name.git`. */
  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    await this.idle();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async createRepository(
    owner: string,
    name: string,
    options: { defaultBranch?: string } = {},
  ): Promise<void> {
    if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) {
      throw new Error(`invalid repository name ${owner}/${name}`);
    }
    const key = `${owner}/${name}`.toLowerCase();
    if (this.#repos.has(key)) throw new Error(`repository ${owner}/${name} exists`);
    const git = new BareRepository(path.join(this.#options.dataDir, owner, `${name}.git`));
    const defaultBranch = options.defaultBranch ?? 'main';
    await git.create(defaultBranch);
    this.#repos.set(key, {
      id: this.#nextId++,
      owner,
      name,
      defaultBranch,
      git,
      hooks: [],
      pulls: [],
      statuses: new Map(),
      comments: new Map(),
    });
  }

  addWebhook(
    owner: string,
    name: string,
    hook: { url: string; secret: string; events: string[] },
  ): WebhookConfig {
    const repo = this.#repo(owner, name);
    const config = {
      id: this.#nextId++,
      url: hook.url,
      secret: hook.secret,
      events: hook.events,
      active: true,
    };
    repo.hooks.push(config);
    return config;
  }

  deliveries(): DeliveryRecord[] {
    return [...this.#webhooks.records];
  }

  /** Sends a delivery again with the same X-GitHub-Delivery id, like GitHub's "Redeliver". */
  async redeliver(deliveryId: string): Promise<void> {
    this.#webhooks.redeliver(deliveryId);
  }

  /** Resolves when every webhook delivery triggered so far has been attempted. */
  async idle(): Promise<void> {
    while (this.#background.size) await Promise.all(this.#background);
    await this.#webhooks.idle();
  }

  // ---- HTTP ----

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const gitMatch = /^\/([^/]+)\/([^/]+?)\.git(\/.*)$/.exec(url.pathname);
    if (gitMatch) return this.#git(req, res, url, gitMatch[1]!, gitMatch[2]!, gitMatch[3]!);
    const htmlPull = /^\/([^/]+)\/([^/]+)\/pull\/(\d+)$/.exec(url.pathname);
    if (htmlPull && req.method === 'GET')
      return this.#pullPage(res, htmlPull[1]!, htmlPull[2]!, Number(htmlPull[3]));

    this.#authenticate(req);
    const body = req.method === 'POST' || req.method === 'PATCH' ? await readJson(req) : undefined;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'repos' || parts.length < 3) throw new HttpError(404, 'Not Found');
    const repo = this.#repo(parts[1]!, parts[2]!);
    const rest = parts.slice(3);
    const route = `${req.method} ${rest[0] ?? ''}`;

    if (route === 'GET ' && rest.length === 0) return sendJson(res, 200, this.#repoJson(repo));
    if (rest[0] === 'pulls') {
      if (req.method === 'GET' && rest.length === 1) {
        const state = url.searchParams.get('state') ?? 'open';
        const pulls = repo.pulls.filter((p) => state === 'all' || p.state === state);
        return this.#sendPage(res, url, await Promise.all(pulls.map((p) => this.#pullJson(repo, p))));
      }
      if (req.method === 'POST' && rest.length === 1) return this.#createPull(res, repo, body);
      const pull = repo.pulls.find((p) => p.number === Number(rest[1]));
      if (!pull || rest.length !== 2) throw new HttpError(404, 'Not Found');
      if (req.method === 'GET') return sendJson(res, 200, await this.#pullJson(repo, pull));
      if (req.method === 'PATCH') return this.#updatePull(res, repo, pull, body);
    }
    if (rest[0] === 'contents' && req.method === 'GET')
      return this.#contents(res, repo, rest.slice(1).join('/'), url);
    if (rest[0] === 'statuses' && req.method === 'POST' && rest.length === 2)
      return this.#createStatus(res, repo, rest[1]!, body);
    if (rest[0] === 'commits' && rest.length === 3 && req.method === 'GET') {
      const sha = await repo.git.resolveCommit(rest[1]!);
      if (!sha) throw new HttpError(422, `No commit found for SHA: ${rest[1]}`);
      const statuses = [...(repo.statuses.get(sha) ?? [])].reverse();
      if (rest[2] === 'statuses')
        return this.#sendPage(
          res,
          url,
          statuses.map((s) => this.#statusJson(s)),
        );
      if (rest[2] === 'status') return this.#combinedStatus(res, url, repo, sha, statuses);
    }
    if (rest[0] === 'issues' && rest[2] === 'comments' && rest.length === 3) {
      const number = Number(rest[1]);
      if (!repo.pulls.some((p) => p.number === number)) throw new HttpError(404, 'Not Found');
      const comments = repo.comments.get(number) ?? [];
      if (req.method === 'GET')
        return this.#sendPage(
          res,
          url,
          comments.map((c) => ({ ...c, user: { login: c.user } })),
        );
      if (req.method === 'POST') {
        const text = (body as { body?: unknown }).body;
        if (typeof text !== 'string' || !text) throw validation('body', 'missing_field');
        const comment = { id: this.#nextId++, body: text, user: this.#login, created_at: now() };
        repo.comments.set(number, [...comments, comment]);
        return sendJson(res, 201, { ...comment, user: { login: comment.user } });
      }
    }
    if (rest[0] === 'hooks' && rest.length === 1) {
      if (req.method === 'GET')
        return sendJson(
          res,
          200,
          repo.hooks.map((h) => hookJson(h)),
        );
      if (req.method === 'POST') {
        const input = body as { config?: { url?: string; secret?: string }; events?: string[] };
        if (!input.config?.url) throw validation('config.url', 'missing_field');
        const hook = this.addWebhook(repo.owner, repo.name, {
          url: input.config.url,
          secret: input.config.secret ?? '',
          events: input.events ?? ['push'],
        });
        return sendJson(res, 201, hookJson(hook));
      }
    }
    throw new HttpError(404, 'Not Found');
  }

  #authenticate(req: IncomingMessage): void {
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !this.#validToken(match[1]!)) {
      throw new HttpError(401, 'Bad credentials', { documentation_url: 'https://docs.github.com/rest' });
    }
  }

  #validToken(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return this.#options.tokens.some((t) => {
      const want = Buffer.from(t);
      return want.length === given.length && timingSafeEqual(want, given);
    });
  }

  #repo(owner: string, name: string): EmulatedRepository {
    const repo = this.#repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  }

  async #git(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    owner: string,
    name: string,
    rest: string,
  ): Promise<void> {
    const repo = this.#repo(owner, name);
    const pushing = url.searchParams.get('service') === 'git-receive-pack' || rest === '/git-receive-pack';
    let remoteUser: string | undefined;
    if (pushing) {
      const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const [user, password] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(/:(.*)/s) : [];
      if (!password || !this.#validToken(password)) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
        res.end('Authentication required to push\n');
        req.resume();
        return;
      }
      remoteUser = user || this.#login;
    }
    const before = rest === '/git-receive-pack' ? await repo.git.branches() : null;
    const status = await serveGitHttp(req, res, {
      projectRoot: path.join(this.#options.dataDir, repo.owner),
      pathInfo: `/${repo.name}.git${rest}`,
      query: url.search.slice(1),
      ...(remoteUser ? { remoteUser } : {}),
    });
    if (before && status === 200) {
      const work = this.#afterPush(repo, before).finally(() => this.#background.delete(work));
      this.#background.add(work);
      await work;
    }
  }

  /** What GitHub does after a push: `push` events, and `synchronize` for pull requests whose head moved. */
  async #afterPush(repo: EmulatedRepository, before: Map<string, string>): Promise<void> {
    const after = await repo.git.branches();
    for (const [branch, sha] of after) {
      const previous = before.get(branch);
      if (previous === sha) continue;
      this.#emit(repo, 'push', {
        ref: `refs/heads/${branch}`,
        before: previous ?? '0'.repeat(40),
        after: sha,
        created: previous === undefined,
        deleted: false,
        forced: false,
        pusher: { name: this.#login },
      });
      for (const pull of repo.pulls.filter((p) => p.state === 'open' && p.head === branch)) {
        pull.headSha = sha;
        pull.updated_at = now();
        await repo.git.updateRef(`refs/pull/${pull.number}/head`, sha);
        this.#emit(repo, 'pull_request', {
          action: 'synchronize',
          number: pull.number,
          before: previous,
          after: sha,
          pull_request: await this.#pullJson(repo, pull),
        });
      }
    }
  }

  async #createPull(res: ServerResponse, repo: EmulatedRepository, body: unknown): Promise<void> {
    const input = body as { title?: unknown; head?: unknown; base?: unknown; body?: unknown };
    if (typeof input.title !== 'string' || !input.title) throw validation('title', 'missing_field');
    if (typeof input.head !== 'string' || typeof input.base !== 'string')
      throw validation('head', 'missing_field');
    const head = input.head.includes(':') ? input.head.split(':')[1]! : input.head;
    const branches = await repo.git.branches();
    const headSha = branches.get(head);
    if (!headSha) throw validation('head', 'invalid');
    if (!branches.has(input.base)) throw validation('base', 'invalid');
    if (repo.pulls.some((p) => p.state === 'open' && p.head === head && p.base === input.base)) {
      throw new HttpError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.owner}:${head}.`,
          },
        ],
      });
    }
    const pull: EmulatedPull = {
      id: this.#nextId++,
      number: repo.pulls.length + 1,
      state: 'open',
      title: input.title,
      body: typeof input.body === 'string' ? input.body : null,
      user: this.#login,
      head,
      headSha,
      base: input.base,
      created_at: now(),
      updated_at: now(),
    };
    repo.pulls.push(pull);
    await repo.git.updateRef(`refs/pull/${pull.number}/head`, headSha);
    const json = await this.#pullJson(repo, pull);
    sendJson(res, 201, json);
    this.#emit(repo, 'pull_request', { action: 'opened', number: pull.number, pull_request: json });
  }

  async #updatePull(
    res: ServerResponse,
    repo: EmulatedRepository,
    pull: EmulatedPull,
    body: unknown,
  ): Promise<void> {
    const input = body as { state?: unknown; title?: unknown; body?: unknown };
    if (input.state !== undefined && input.state !== 'open' && input.state !== 'closed')
      throw validation('state', 'invalid');
    const action =
      input.state && input.state !== pull.state
        ? input.state === 'closed'
          ? 'closed'
          : 'reopened'
        : 'edited';
    if (typeof input.title === 'string') pull.title = input.title;
    if (typeof input.body === 'string') pull.body = input.body;
    if (input.state === 'open' || input.state === 'closed') pull.state = input.state;
    pull.updated_at = now();
    const json = await this.#pullJson(repo, pull);
    sendJson(res, 200, json);
    this.#emit(repo, 'pull_request', { action, number: pull.number, pull_request: json });
  }

  async #contents(res: ServerResponse, repo: EmulatedRepository, filePath: string, url: URL): Promise<void> {
    const ref = url.searchParams.get('ref') ?? repo.defaultBranch;
    const commit = await repo.git.resolveCommit(ref);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const found = await repo.git.readPath(commit, filePath);
    if (!found) throw new HttpError(404, 'Not Found');
    const base = `${this.#url}/repos/${repo.owner}/${repo.name}/contents`;
    if (found.kind === 'dir') {
      return sendJson(
        res,
        200,
        found.entries.map((e) => ({
          type: e.type === 'tree' ? 'dir' : e.type === 'commit' ? 'submodule' : 'file',
          name: path.basename(e.path),
          path: e.path,
          sha: e.sha,
          size: e.size ?? 0,
          url: `${base}/${e.path}?ref=${ref}`,
        })),
      );
    }
    sendJson(res, 200, {
      type: 'file',
      encoding: 'base64',
      size: found.content.length,
      name: path.basename(filePath),
      path: filePath,
      sha: found.sha,
      // GitHub wraps base64 at 60 columns.
      content: found.content.toString('base64').replace(/.{60}/g, '$&\n'),
      url: `${base}/${filePath}?ref=${ref}`,
      html_url: `${this.#url}/${repo.owner}/${repo.name}/blob/${ref}/${filePath}`,
    });
  }

  async #createStatus(
    res: ServerResponse,
    repo: EmulatedRepository,
    ref: string,
    body: unknown,
  ): Promise<void> {
    const input = body as { state?: unknown; context?: unknown; description?: unknown; target_url?: unknown };
    if (typeof input.state !== 'string' || !STATES.has(input.state)) throw validation('state', 'invalid');
    const sha = /^[0-9a-f]{40}$/.test(ref) ? await repo.git.resolveCommit(ref) : null;
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    if (typeof input.description === 'string' && input.description.length > 140)
      throw validation('description', 'custom');
    const status: EmulatedStatus = {
      id: this.#nextId++,
      state: input.state,
      context: typeof input.context === 'string' && input.context ? input.context : 'default',
      description: typeof input.description === 'string' ? input.description : null,
      target_url: typeof input.target_url === 'string' ? input.target_url : null,
      created_at: now(),
      updated_at: now(),
      creator: this.#login,
    };
    repo.statuses.set(sha, [...(repo.statuses.get(sha) ?? []), status]);
    sendJson(res, 201, this.#statusJson(status));
    this.#emit(repo, 'status', {
      id: status.id,
      sha,
      name: `${repo.owner}/${repo.name}`,
      state: status.state,
      context: status.context,
      description: status.description,
      target_url: status.target_url,
      commit: { sha },
      created_at: status.created_at,
      updated_at: status.updated_at,
    });
  }

  #combinedStatus(
    res: ServerResponse,
    url: URL,
    repo: EmulatedRepository,
    sha: string,
    newestFirst: EmulatedStatus[],
  ): void {
    const latest = new Map<string, EmulatedStatus>();
    for (const s of newestFirst) if (!latest.has(s.context)) latest.set(s.context, s);
    const all = [...latest.values()];
    const states = all.map((s) => s.state);
    const state = states.some((s) => s === 'failure' || s === 'error')
      ? 'failure'
      : all.length > 0 && states.every((s) => s === 'success')
        ? 'success'
        : 'pending';
    const { items, link } = paginate(
      url,
      all.map((s) => this.#statusJson(s)),
    );
    sendJson(
      res,
      200,
      { state, sha, total_count: all.length, statuses: items, repository: this.#repoJson(repo) },
      link ? { link } : {},
    );
  }

  #sendPage(res: ServerResponse, url: URL, all: unknown[]): void {
    const { items, link } = paginate(url, all);
    sendJson(res, 200, items, link ? { link } : {});
  }

  #emit(repo: EmulatedRepository, event: string, payload: Record<string, unknown>): void {
    const full = {
      ...payload,
      repository: this.#repoJson(repo),
      sender: { login: this.#login, type: 'User' },
    };
    for (const hook of repo.hooks) {
      if (hook.active && (hook.events.includes('*') || hook.events.includes(event)))
        this.#webhooks.send(hook, event, full);
    }
  }

  #repoJson(repo: EmulatedRepository) {
    return {
      id: repo.id,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      private: false,
      owner: { login: repo.owner, type: 'Organization' },
      html_url: `${this.#url}/${repo.owner}/${repo.name}`,
      url: `${this.#url}/repos/${repo.owner}/${repo.name}`,
      clone_url: `${this.#url}/${repo.owner}/${repo.name}.git`,
      default_branch: repo.defaultBranch,
    };
  }

  async #pullJson(repo: EmulatedRepository, pull: EmulatedPull) {
    const repoJson = this.#repoJson(repo);
    const baseSha = (await repo.git.branches()).get(pull.base) ?? null;
    return {
      id: pull.id,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: false,
      merged: false,
      user: { login: pull.user, type: 'User' },
      html_url: `${repoJson.html_url}/pull/${pull.number}`,
      url: `${repoJson.url}/pulls/${pull.number}`,
      created_at: pull.created_at,
      updated_at: pull.updated_at,
      head: {
        label: `${repo.owner}:${pull.head}`,
        ref: pull.head,
        sha: pull.headSha,
        user: repoJson.owner,
        repo: repoJson,
      },
      base: {
        label: `${repo.owner}:${pull.base}`,
        ref: pull.base,
        sha: baseSha,
        user: repoJson.owner,
        repo: repoJson,
      },
    };
  }

  #statusJson(s: EmulatedStatus) {
    return {
      id: s.id,
      state: s.state,
      context: s.context,
      description: s.description,
      target_url: s.target_url,
      created_at: s.created_at,
      updated_at: s.updated_at,
      creator: { login: s.creator },
    };
  }

  /** A minimal pull request page for a person poking at `ironbots local --keep`. */
  #pullPage(res: ServerResponse, owner: string, name: string, number: number): void {
    const repo = this.#repo(owner, name);
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) throw new HttpError(404, 'Not Found');
    const latest = new Map<string, EmulatedStatus>();
    for (const s of repo.statuses.get(pull.headSha) ?? []) latest.set(s.context, s);
    const rows = [...latest.values()]
      .map(
        (s) =>
          `<tr><td>${esc(s.context)}</td><td>${esc(s.state)}</td><td>${s.target_url ? `<a href="${esc(s.target_url)}">${esc(s.description ?? '')}</a>` : esc(s.description ?? '')}</td></tr>`,
      )
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>#${number} ${esc(pull.title)}</title>` +
        `<h1>${esc(pull.title)} <small>#${number}</small></h1><p>${esc(pull.head)} → ${esc(pull.base)} at <code>${pull.headSha}</code></p>` +
        `<table border="1" cellpadding="4"><tr><th>context</th><th>state</th><th>description</th></tr>${rows}</table>`,
    );
  }
}

function paginate(url: URL, all: unknown[]): { items: unknown[]; link: string | null } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [];
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
  return { items, link: links.length ? links.join(', ') : null };
}

function hookJson(h: WebhookConfig) {
  return {
    id: h.id,
    active: h.active,
    events: h.events,
    config: { url: h.url, content_type: 'json', insecure_ssl: '0' },
  };
}

function validation(field: string, code: string): HttpError {
  return new HttpError(422, 'Validation Failed', { errors: [{ resource: 'Resource', field, code }] });
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 10 * 1024 * 1024) throw new HttpError(413, 'Payload too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch {
    throw new HttpError(400, 'Problems parsing JSON');
  }
}
