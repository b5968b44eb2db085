import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The small real project under fixtures/project and its translators' catalogs under fixtures/po. */
export const FIXTURES = path.join(import.meta.dirname, 'fixtures');
export const PROJECT_SOURCES = ['src/**/*.c', 'src/**/*.py', 'bin/*.sh', 'src/**/*.js', 'src/**/*.ts'];
/** de complete (10/10), fr at the threshold (8/10), ja below it (3/10). */
export const SEEDED_LANGUAGES = ['de', 'fr', 'ja'];

export async function seededCatalogs(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    SEEDED_LANGUAGES.map(
      async (l) => [l, await readFile(path.join(FIXTURES, 'po', `${l}.po`), 'utf8')] as const,
    ),
  );
  return Object.fromEntries(entries);
}
