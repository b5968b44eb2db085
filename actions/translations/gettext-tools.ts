import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The GNU gettext programs (xgettext, msgmerge, msgfmt) as the translations action uses them. They are run,
 * never reimplemented: their parsers are the reference for what a valid catalog is.
 */

const execFileAsync = promisify(execFile);

export class GettextToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GettextToolError';
  }
}

/** A catalog the gettext tools refuse: names the catalog and each line they complained about. */
export class CatalogError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid translation catalog${problems.length > 1 ? 's' : ''}:\n${problems.join('\n')}`);
    this.name = 'CatalogError';
    this.problems = problems;
  }
}

export async function runGettext(
  program: string,
  args: string[],
  options: { cwd?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(program, args, {
      cwd: options.cwd,
      maxBuffer: 64 * 1024 * 1024,
      // Untranslated, so that messages and statistics parse the same everywhere.
      env: { PATH: process.env.PATH, LC_ALL: 'C' },
    });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT')
      throw new GettextToolError(`${program} is not installed (Debian/Ubuntu: apt-get install gettext)`);
    throw Object.assign(
      new GettextToolError(`${program} failed: ${(failure.stderr ?? failure.message).trim()}`),
      {
        stderr: failure.stderr ?? '',
      },
    );
  }
}

export interface CatalogStatistics {
  translated: number;
  fuzzy: number;
  untranslated: number;
}

export function completion(stats: CatalogStatistics): number {
  const total = stats.translated + stats.fuzzy + stats.untranslated;
  // A template without messages leaves nothing to translate.
  return total === 0 ? 100 : (100 * stats.translated) / total;
}

/**
 * Checks a catalog with msgfmt (syntax and printf-style formats) and counts its messages. On failure the
 * error names the catalog as `displayName` with the line of each problem, e.g. `po/de.po:7: end-of-line
 * within string`.
 */
export async function checkCatalog(file: string, displayName: string): Promise<CatalogStatistics> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let stderr: string;
  try {
    ({ stderr } = await runGettext('msgfmt', ['--check-format', '--statistics', '-o', '/dev/null', base], {
      cwd: dir,
    }));
  } catch (error) {
    const output = (error as { stderr?: string }).stderr;
    if (output === undefined) throw error;
    const problems = output
      .split('\n')
      .filter((line) => line.startsWith(`${base}:`))
      .map((line) => `${displayName}${line.slice(base.length)}`);
    throw new CatalogError(problems.length ? problems : [`${displayName}: ${output.trim()}`]);
  }
  return parseStatistics(stderr);
}

/** msgfmt's `--statistics` line: "3 translated messages, 1 fuzzy translation, 2 untranslated messages." */
export function parseStatistics(text: string): CatalogStatistics {
  const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    translated: count(/(\d+) translated message/),
    fuzzy: count(/(\d+) fuzzy translation/),
    untranslated: count(/(\d+) untranslated message/),
  };
}

/** The catalog brought up to the template: new messages untranslated, vanished ones obsolete. */
export async function mergeCatalog(
  catalogFile: string,
  templateFile: string,
  outputFile: string,
): Promise<void> {
  await runGettext('msgmerge', ['--quiet', '--previous', '-o', outputFile, catalogFile, templateFile]);
}
