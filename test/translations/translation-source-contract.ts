import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TranslationSource } from '../../actions/translations/translation-source.ts';
import { SEEDED_LANGUAGES, seededCatalogs } from './fixtures.ts';

export interface TranslationSourceSubject {
  /** A source whose translators left these catalogs (language → content). */
  source: TranslationSource;
  /** The template the source holds now, or null before any was published. */
  publishedTemplate(): Promise<string | null>;
  /** The same source with credentials it refuses. */
  sourceWithBadCredentials: TranslationSource;
  /** The secret those bad credentials carry: no error may quote it. */
  badSecret: string;
  cleanup(): Promise<void>;
}

const TEMPLATE = [
  'msgid ""',
  'msgstr ""',
  '"Project-Id-Version: widget\\n"',
  '"POT-Creation-Date: 2026-11-20 10:00+0000\\n"',
  '"Content-Type: text/plain; charset=UTF-8\\n"',
  '',
  '#: src/main.c:9',
  'msgid "Hello, world"',
  'msgstr ""',
  '',
].join('\n');

/**
 * What every translation source does, against a real server (the Weblate emulator over HTTP, a git
 * repository on the forge emulator). `setup` gets the catalogs translators left and returns a fresh source.
 */
export function translationSourceContract(
  name: string,
  setup: (catalogs: Record<string, string>) => Promise<TranslationSourceSubject>,
): void {
  describe(`translation source contract: ${name}`, () => {
    let subject: TranslationSourceSubject;
    let catalogs: Record<string, string>;
    beforeEach(async () => {
      catalogs = await seededCatalogs();
      subject = await setup(catalogs);
    });
    afterEach(async () => subject.cleanup());

    it('hands out every language catalog exactly as translators left it, naming where it came from', async () => {
      const fetched = await subject.source.fetchCatalogs();
      expect(fetched.map((c) => c.language)).toEqual(SEEDED_LANGUAGES);
      for (const catalog of fetched) {
        expect(catalog.content).toBe(catalogs[catalog.language]);
        expect(catalog.origin).toContain(`${catalog.language}.po`);
      }
      expect(subject.source.description).not.toBe('');
    });

    it('takes a new template, and reports a timestamp-only or reference-only change as none', async () => {
      expect(await subject.source.publishTemplate(TEMPLATE)).toBe(true);
      expect(await subject.publishedTemplate()).toBe(TEMPLATE);
      const moved = TEMPLATE.replace('2026-11-20 10:00', '2026-11-23 08:00').replace('main.c:9', 'main.c:12');
      expect(await subject.source.publishTemplate(moved)).toBe(false);
      const changed = `${TEMPLATE}\n#: src/main.c:12\nmsgid "Quit"\nmsgstr ""\n`;
      expect(await subject.source.publishTemplate(changed)).toBe(true);
      expect(await subject.publishedTemplate()).toBe(changed);
      // The catalogs are still there.
      expect((await subject.source.fetchCatalogs()).map((c) => c.language)).toEqual(SEEDED_LANGUAGES);
    });

    it('refuses bad credentials with an error that does not quote them', async () => {
      const error = await subject.sourceWithBadCredentials.fetchCatalogs().then(
        () => new Error('expected a rejection'),
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(/401|Authentication failed|Invalid token/i);
      expect(error.message).not.toContain(subject.badSecret);
    });
  });
}
