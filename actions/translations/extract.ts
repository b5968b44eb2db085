import { glob, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGettext } from './gettext-tools.ts';

/**
 * Extracts the message template (.pot) from a project's sources with xgettext. TypeScript goes through
 * xgettext's JavaScript parser (gettext 0.21 has no TypeScript one): it reads calls such as _("…") in
 * annotated code; TSX, whose markup that parser does not know, is not supported.
 */

/** xgettext's language for each source file extension. */
export const LANGUAGE_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.c': 'C',
  '.h': 'C',
  '.cc': 'C++',
  '.cpp': 'C++',
  '.hpp': 'C++',
  '.py': 'Python',
  '.sh': 'Shell',
  '.bash': 'Shell',
  '.js': 'JavaScript',
  '.mjs': 'JavaScript',
  '.cjs': 'JavaScript',
  '.ts': 'JavaScript',
  '.mts': 'JavaScript',
  '.cts': 'JavaScript',
};

export interface ExtractOptions {
  /** The project's root; globs and the template's references (#: file:line) are relative to it. */
  sourceDir: string;
  /** Globs of source files, e.g. `src/**\/*.c`. */
  sources: string[];
  /** Extra keywords in xgettext's syntax (`_`, `N_`, `C_:1c,2`), on top of each language's defaults. */
  keywords: string[];
  packageName?: string;
  /** Where translators report problems with the source strings (the template's Report-Msgid-Bugs-To). */
  bugsAddress?: string;
}

export class ExtractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractError';
  }
}

/** The source files the globs match, sorted, grouped by xgettext language. */
export async function sourceFilesByLanguage(
  sourceDir: string,
  patterns: string[],
): Promise<Map<string, string[]>> {
  const files = new Set<string>();
  for await (const file of glob(patterns, { cwd: sourceDir, exclude: ['**/node_modules/**', '.git/**'] }))
    files.add(file.split(path.sep).join('/'));
  const byLanguage = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const file of [...files].sort()) {
    const language = LANGUAGE_BY_EXTENSION[path.extname(file)];
    if (!language) {
      unknown.push(file);
      continue;
    }
    byLanguage.set(language, [...(byLanguage.get(language) ?? []), file]);
  }
  if (unknown.length)
    throw new ExtractError(
      `no xgettext language known for ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}` +
        ` (known extensions: ${Object.keys(LANGUAGE_BY_EXTENSION).join(' ')})`,
    );
  if (byLanguage.size === 0)
    throw new ExtractError(`no source files match ${patterns.join(', ')} in ${sourceDir}`);
  return byLanguage;
}

/** Runs xgettext once per language, each run joining the template the previous ones wrote; returns its text. */
export async function extractTemplate(options: ExtractOptions): Promise<string> {
  const byLanguage = await sourceFilesByLanguage(options.sourceDir, options.sources);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ironbots-xgettext-'));
  try {
    const template = path.join(work, 'template.pot');
    let first = true;
    for (const [language, files] of byLanguage) {
      const list = path.join(work, `${language}.files`);
      await writeFile(list, `${files.join('\n')}\n`);
      await runGettext(
        'xgettext',
        [
          `--language=${language}`,
          '--from-code=UTF-8',
          '--add-comments=Translators:',
          '--sort-by-file',
          // Written even when empty, so that the next language can join it.
          '--force-po',
          ...(first ? [] : ['--join-existing']),
          ...options.keywords.map((k) => `--keyword=${k}`),
          ...(options.packageName ? [`--package-name=${options.packageName}`] : []),
          ...(options.bugsAddress ? [`--msgid-bugs-address=${options.bugsAddress}`] : []),
          `--files-from=${list}`,
          `--output=${template}`,
        ],
        { cwd: options.sourceDir },
      );
      first = false;
    }
    return await readFile(template, 'utf8');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
