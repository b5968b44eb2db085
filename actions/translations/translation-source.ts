/**
 * Where translators work: a Weblate component (weblate-source.ts) or a git repository of .po files
 * (git-po-source.ts). Both pass test/translations/translation-source-contract.ts.
 */

export interface SourceCatalog {
  /** Language code as the source names it: `de`, `pt_BR`. */
  language: string;
  content: string;
  /** Names the catalog in error messages, e.g. `https://…/po.git po/de.po`. */
  origin: string;
}

export interface TranslationSource {
  /** For logs and the pull request's body. */
  readonly description: string;
  /** Every language's catalog as translators left it. */
  fetchCatalogs(): Promise<SourceCatalog[]>;
  /**
   * Hands translators the new template. Returns false when the source already had it (compared without
   * timestamps and source references), true when it changed.
   */
  publishTemplate(template: string): Promise<boolean>;
}

/** A language code as gettext and Weblate write them; anything else could name a path. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*(?:@[a-z]+)?$/;
