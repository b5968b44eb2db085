import { LANGUAGE_CODE, type SourceCatalog, type TranslationSource } from './translation-source.ts';

export interface WeblateSourceOptions {
  /** The Weblate server, e.g. https://hosted.weblate.org (the API is under /api/). */
  url: string;
  /** An API token (user profile → API access), sent as `Authorization: Token …`. */
  token: string;
  project: string;
  component: string;
  fetch?: typeof fetch;
}

export class WeblateError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'WeblateError';
    this.status = status;
  }
}

/** The fields of Weblate's translation object that are read here. */
interface WeblateTranslation {
  language_code: string;
  is_source?: boolean;
  file_url: string;
}

interface WeblatePage<T> {
  count: number;
  next: string | null;
  results: T[];
}

interface WeblateComponent {
  slug: string;
  source_language?: { code: string };
  project: { slug: string; source_language?: { code: string } };
}

/**
 * A Weblate component over Weblate's REST API: the translations list
 * (`GET /api/components/{project}/{component}/translations/`), each translation's file
 * (`GET /api/translations/{project}/{component}/{language}/file/`), and the template uploaded to the
 * source language's translation with the `source` upload method (`POST …/{source language}/file/`).
 */
export class WeblateSource implements TranslationSource {
  readonly description: string;
  readonly #options: WeblateSourceOptions;
  readonly #base: string;
  readonly #fetch: typeof fetch;

  constructor(options: WeblateSourceOptions) {
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.description = `Weblate ${options.project}/${options.component} at ${this.#base}`;
  }

  async fetchCatalogs(): Promise<SourceCatalog[]> {
    const translations: WeblateTranslation[] = [];
    let next: string | null = this.#componentPath('translations/');
    while (next) {
      const page = (await (await this.#request('GET', next)).json()) as WeblatePage<WeblateTranslation>;
      translations.push(...page.results);
      next = page.next;
    }
    const catalogs: SourceCatalog[] = [];
    for (const translation of translations.filter((t) => !t.is_source)) {
      const language = translation.language_code;
      if (!LANGUAGE_CODE.test(language))
        throw new WeblateError(`${this.description}: "${language}" is not a language code`, 0);
      const response = await this.#request('GET', translation.file_url);
      catalogs.push({
        language,
        content: await response.text(),
        origin: `${this.description} ${language}.po`,
      });
    }
    return catalogs.sort((a, b) => a.language.localeCompare(b.language));
  }

  async publishTemplate(template: string): Promise<boolean> {
    const component = (await (
      await this.#request('GET', this.#componentPath(''))
    ).json()) as WeblateComponent;
    const sourceLanguage = component.source_language?.code ?? component.project.source_language?.code ?? 'en';
    const form = new FormData();
    form.set('method', 'source');
    form.set(
      'file',
      new Blob([template], { type: 'text/x-gettext-translation' }),
      `${this.#options.component}.pot`,
    );
    const path = `/api/translations/${encodeURIComponent(this.#options.project)}/${encodeURIComponent(
      this.#options.component,
    )}/${encodeURIComponent(sourceLanguage)}/file/`;
    const result = (await (await this.#request('POST', path, form)).json()) as {
      count?: number;
      not_found?: number;
      skipped?: number;
      accepted?: number;
    };
    return (result.accepted ?? 0) > 0;
  }

  #componentPath(rest: string): string {
    return `/api/components/${encodeURIComponent(this.#options.project)}/${encodeURIComponent(this.#options.component)}/${rest}`;
  }

  /** Follows Weblate's absolute URLs (next pages, file_url) only on the same server: the token goes nowhere else. */
  async #request(method: string, pathOrUrl: string, body?: FormData): Promise<Response> {
    const url = new URL(pathOrUrl, `${this.#base}/`);
    if (url.origin !== new URL(this.#base).origin)
      throw new WeblateError(`${this.description}: refusing to send the token to ${url.origin}`, 0);
    const what = `${method} ${url.pathname}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: { authorization: `Token ${this.#options.token}`, accept: 'application/json' },
        ...(body ? { body } : {}),
      });
    } catch (error) {
      throw new WeblateError(`Weblate ${what}: no response: ${(error as Error).message}`, 0);
    }
    if (!response.ok) {
      const text = await response.text();
      let detail = text.slice(0, 300);
      try {
        const json = JSON.parse(text) as { detail?: string; errors?: { detail?: string }[] };
        detail = json.detail ?? json.errors?.map((e) => e.detail).join('; ') ?? detail;
      } catch {
        // Not JSON: the text itself says it.
      }
      throw new WeblateError(`Weblate ${what}: ${response.status} ${detail}`, response.status);
    }
    return response;
  }
}
