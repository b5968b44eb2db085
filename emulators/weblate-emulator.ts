import { timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The part of Weblate's REST API that the translations action uses, over real HTTP: token authentication
 * (`Authorization: Token …`, 401 otherwise), components, the paginated translations list with statistics
 * (counted by msgfmt), each translation's file, and file upload (multipart) with Weblate's upload methods —
 * `source` on the source language replaces the component's template. Answers in Weblate's JSON shapes.
 */

/**
 * How the emulator reads PO files, as Weblate does with its own gettext tooling: counts of translated, fuzzy and
 * untranslated units (throws on a broken file), and whether two files hold the same units. The tests hand in the
 * gettext helpers, so the emulator stays apart from the action it serves.
 */
export interface CatalogTools {
  statistics(file: string): Promise<{ translated: number; fuzzy: number; untranslated: number }>;
  sameContent(a: string, b: string): boolean;
}

interface EmulatedTranslation {
  language: string;
  content: string;
}

interface EmulatedComponent {
  project: string;
  slug: string;
  sourceLanguage: string;
  template: string | null;
  translations: Map<string, EmulatedTranslation>;
}

export interface WeblateUpload {
  project: string;
  component: string;
  language: string;
  method: string;
  fileName: string;
  content: string;
}

class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const UPLOAD_METHODS = ['translate', 'approve', 'suggest', 'fuzzy', 'replace', 'source', 'add'];

export class WeblateEmulator {
  readonly uploads: WeblateUpload[] = [];
  /** Every request's method and path, e.g. to check that a bad catalog stopped a run before any upload. */
  readonly requests: string[] = [];
  readonly #server: http.Server;
  readonly #tokens: string[];
  readonly #pageSize: number;
  readonly #components = new Map<string, EmulatedComponent>();
  readonly #scratch: string;
  #url = '';
  readonly #catalogs: CatalogTools;

  private constructor(tokens: string[], pageSize: number, scratch: string, catalogs: CatalogTools) {
    this.#catalogs = catalogs;
    this.#tokens = tokens;
    this.#pageSize = pageSize;
    this.#scratch = scratch;
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        const failure =
          error instanceof HttpError
            ? error
            : new HttpError(500, { detail: `emulator: ${(error as Error).message}` });
        sendJson(res, failure.status, failure.body);
      });
    });
  }

  static async start(options: {
    tokens: string[];
    pageSize?: number;
    catalogs: CatalogTools;
  }): Promise<WeblateEmulator> {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'weblate-emulator-'));
    const emulator = new WeblateEmulator(options.tokens, options.pageSize ?? 50, scratch, options.catalogs);
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve));
    emulator.#url = `http://127.0.0.1:${(emulator.#server.address() as AddressInfo).port}`;
    return emulator;
  }

  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.#scratch, { recursive: true, force: true });
  }

  addComponent(project: string, component: string, options: { sourceLanguage?: string } = {}): void {
    this.#components.set(`${project}/${component}`, {
      project,
      slug: component,
      sourceLanguage: options.sourceLanguage ?? 'en',
      template: null,
      translations: new Map(),
    });
  }

  /** What translators did: the language's catalog as Weblate would serve it. */
  setTranslation(project: string, component: string, language: string, content: string): void {
    this.#component(project, component).translations.set(language, { language, content });
  }

  removeTranslation(project: string, component: string, language: string): void {
    this.#component(project, component).translations.delete(language);
  }

  template(project: string, component: string): string | null {
    return this.#component(project, component).template;
  }

  #component(project: string, component: string): EmulatedComponent {
    const found = this.#components.get(`${project}/${component}`);
    if (!found) throw new HttpError(404, { detail: 'Not found.' });
    return found;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    const method = req.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    this.#authenticate(req);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api') throw new HttpError(404, { detail: 'Not found.' });
    if (parts.length === 1 && method === 'GET')
      return sendJson(res, 200, {
        projects: `${this.#url}/api/projects/`,
        components: `${this.#url}/api/components/`,
        translations: `${this.#url}/api/translations/`,
        languages: `${this.#url}/api/languages/`,
      });
    if (parts[1] === 'components' && parts.length >= 4) {
      const component = this.#component(parts[2]!, parts[3]!);
      if (parts.length === 4 && method === 'GET') return sendJson(res, 200, this.#componentJson(component));
      if (parts.length === 5 && parts[4] === 'translations' && method === 'GET')
        return this.#listTranslations(res, url, component);
    }
    if (parts[1] === 'translations' && parts.length === 6 && parts[5] === 'file') {
      const component = this.#component(parts[2]!, parts[3]!);
      const language = parts[4]!;
      if (method === 'GET') return this.#download(res, component, language);
      if (method === 'POST') return this.#upload(req, res, url, component, language);
    }
    throw new HttpError(404, { detail: 'Not found.' });
  }

  #authenticate(req: IncomingMessage): void {
    const header = req.headers.authorization;
    if (!header) throw new HttpError(401, { detail: 'Authentication credentials were not provided.' });
    const token = /^Token\s+(\S+)$/.exec(header)?.[1];
    const known = token !== undefined && this.#tokens.some((t) => safeEqual(t, token));
    if (!known) throw new HttpError(401, { detail: 'Invalid token.' });
  }

  #projectJson(component: EmulatedComponent) {
    return {
      name: component.project,
      slug: component.project,
      url: `${this.#url}/api/projects/${component.project}/`,
      web_url: `${this.#url}/projects/${component.project}/`,
      source_language: this.#languageJson(component.sourceLanguage),
    };
  }

  #languageJson(code: string) {
    return {
      code,
      name: code,
      direction: 'ltr',
      url: `${this.#url}/api/languages/${code}/`,
      web_url: `${this.#url}/languages/${code}/`,
    };
  }

  #componentJson(component: EmulatedComponent) {
    const base = `${this.#url}/api/components/${component.project}/${component.slug}/`;
    return {
      name: component.slug,
      slug: component.slug,
      project: this.#projectJson(component),
      vcs: 'git',
      file_format: 'po',
      filemask: 'po/*.po',
      template: '',
      new_base: `po/${component.slug}.pot`,
      source_language: this.#languageJson(component.sourceLanguage),
      url: base,
      web_url: `${this.#url}/projects/${component.project}/${component.slug}/`,
      translations_url: `${base}translations/`,
      repository_url: `${base}repository/`,
    };
  }

  async #translationJson(component: EmulatedComponent, language: string, content: string | null) {
    const stats = content === null ? null : await this.#statistics(content);
    const total = stats ? stats.translated + stats.fuzzy + stats.untranslated : 0;
    const isSource = language === component.sourceLanguage;
    const base = `${this.#url}/api/translations/${component.project}/${component.slug}/${language}/`;
    return {
      language: this.#languageJson(language),
      language_code: language,
      component: {
        slug: component.slug,
        url: `${this.#url}/api/components/${component.project}/${component.slug}/`,
      },
      filename: isSource ? `po/${component.slug}.pot` : `po/${language}.po`,
      is_source: isSource,
      is_template: false,
      total,
      translated: isSource ? total : (stats?.translated ?? 0),
      fuzzy: isSource ? 0 : (stats?.fuzzy ?? 0),
      translated_percent:
        total === 0 ? 0 : Math.round((1000 * (isSource ? total : stats!.translated)) / total) / 10,
      url: base,
      file_url: `${base}file/`,
      web_url: `${this.#url}/projects/${component.project}/${component.slug}/${language}/`,
    };
  }

  async #statistics(content: string) {
    const file = path.join(this.#scratch, `stats-${process.hrtime.bigint()}.po`);
    await writeFile(file, content);
    try {
      return await this.#catalogs.statistics(file);
    } catch {
      // Weblate shows a broken file as a parse error in its UI; its list still answers.
      return { translated: 0, fuzzy: 0, untranslated: 0 };
    } finally {
      await rm(file, { force: true });
    }
  }

  async #listTranslations(res: ServerResponse, url: URL, component: EmulatedComponent): Promise<void> {
    const entries: [string, string | null][] = [
      [component.sourceLanguage, component.template],
      ...[...component.translations.values()].map((t): [string, string] => [t.language, t.content]),
    ];
    const page = Number(url.searchParams.get('page') ?? '1');
    if (!Number.isInteger(page) || page < 1) throw new HttpError(404, { detail: 'Invalid page.' });
    const slice = entries.slice((page - 1) * this.#pageSize, page * this.#pageSize);
    if (slice.length === 0 && page > 1) throw new HttpError(404, { detail: 'Invalid page.' });
    const pageUrl = (n: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    sendJson(res, 200, {
      count: entries.length,
      next: page * this.#pageSize < entries.length ? pageUrl(page + 1) : null,
      previous: page > 1 ? pageUrl(page - 1) : null,
      results: await Promise.all(
        slice.map(([language, content]) => this.#translationJson(component, language, content)),
      ),
    });
  }

  #download(res: ServerResponse, component: EmulatedComponent, language: string): void {
    const content =
      language === component.sourceLanguage
        ? component.template
        : component.translations.get(language)?.content;
    if (content === undefined || content === null) throw new HttpError(404, { detail: 'Not found.' });
    res.writeHead(200, {
      'content-type': 'text/x-po; charset=utf-8',
      'content-disposition': `attachment; filename=${component.project}-${component.slug}-${language}.po`,
    });
    res.end(content);
  }

  async #upload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    component: EmulatedComponent,
    language: string,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let form: FormData;
    try {
      form = await new Request(url, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      }).formData();
    } catch {
      throw validationError('file', 'No file was submitted.');
    }
    const file = form.get('file');
    if (!(file instanceof File)) throw validationError('file', 'No file was submitted.');
    const method = String(form.get('method') ?? 'translate');
    if (!UPLOAD_METHODS.includes(method))
      throw validationError('method', `"${method}" is not a valid choice.`);
    const content = await file.text();
    const isSource = language === component.sourceLanguage;
    if (isSource !== (method === 'source'))
      throw validationError(
        'method',
        isSource
          ? 'Only the source method updates source strings.'
          : 'Source strings are uploaded to the source language.',
      );
    if (!isSource && !component.translations.has(language))
      throw new HttpError(404, { detail: 'Not found.' });
    this.uploads.push({
      project: component.project,
      component: component.slug,
      language,
      method,
      fileName: file.name,
      content,
    });
    const stats = await this.#statistics(content);
    const count = stats.translated + stats.fuzzy + stats.untranslated;
    // Like Weblate, which counts units: a new timestamp or source reference changes no string.
    const previous = isSource ? component.template : (component.translations.get(language)?.content ?? null);
    const changed = previous === null || !this.#catalogs.sameContent(previous, content);
    if (isSource) component.template = content;
    else component.translations.set(language, { language, content });
    sendJson(res, 200, {
      result: true,
      count,
      total: count,
      accepted: changed ? count : 0,
      skipped: changed ? 0 : count,
      not_found: 0,
    });
  }
}

function validationError(attr: string, detail: string): HttpError {
  return new HttpError(400, { type: 'validation_error', errors: [{ code: 'invalid', detail, attr }] });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
