import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExtractError, extractTemplate } from '../../actions/translations/extract.ts';
import {
  CatalogError,
  checkCatalog,
  completion,
  mergeCatalog,
} from '../../actions/translations/gettext-tools.ts';
import { normaliseCatalog, sameCatalogContent } from '../../actions/translations/normalise.ts';
import { withTempDir } from '../support/temp-dir.ts';

import { FIXTURES as fixtures, PROJECT_SOURCES } from './fixtures.ts';

const msgids = (pot: string) => [...pot.matchAll(/^msgid "(.+)"$/gm)].map((m) => m[1]);

describe('extracting the template with xgettext', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  beforeEach(async () => {
    tmp = await withTempDir();
    await cp(path.join(fixtures, 'project'), tmp.dir, { recursive: true });
  });
  afterEach(async () => tmp.remove());

  it('takes messages from C, Python, shell, JavaScript and TypeScript sources, with references and comments', async () => {
    const pot = await extractTemplate({
      sourceDir: tmp.dir,
      sources: PROJECT_SOURCES,
      keywords: ['_'],
      packageName: 'widget',
    });
    expect(msgids(pot).sort()).toEqual(
      [
        '%d file',
        'Cancel',
        'Close',
        'Hello, world',
        'Help',
        'Open',
        'Quit',
        'Saving %s',
        'Settings',
        'Starting service',
      ].sort(),
    );
    expect(pot).toContain('#: src/web/dialog.ts:');
    expect(pot).toContain('#: bin/start.sh:3');
    expect(pot).toContain('msgid_plural "%d files"');
    expect(pot).toContain('#. Translators: %d is a number of files given on the command line.');
    expect(pot).toMatch(/#, python-format\nmsgid "Saving %s"/);
    expect(pot).toContain('"Project-Id-Version: widget\\n"');
  });

  it("finds only what the keywords name in C (gettext's C defaults do not include _)", async () => {
    const pot = await extractTemplate({ sourceDir: tmp.dir, sources: ['src/*.c'], keywords: [] });
    expect(msgids(pot)).toEqual(['%d file']);
  });

  it('refuses globs that match nothing, and files of unknown languages', async () => {
    await expect(
      extractTemplate({ sourceDir: tmp.dir, sources: ['nothing/**/*.c'], keywords: [] }),
    ).rejects.toThrow(ExtractError);
    await expect(extractTemplate({ sourceDir: tmp.dir, sources: ['*.md'], keywords: [] })).rejects.toThrow(
      /no xgettext language known for README\.md/,
    );
  });
});

describe('catalogs', () => {
  let tmp: Awaited<ReturnType<typeof withTempDir>>;
  beforeEach(async () => {
    tmp = await withTempDir();
  });
  afterEach(async () => tmp.remove());

  it('counts translated, fuzzy and untranslated messages with msgfmt', async () => {
    const stats = await checkCatalog(path.join(fixtures, 'po/fr.po'), 'fr.po');
    expect(stats).toEqual({ translated: 8, fuzzy: 0, untranslated: 2 });
    expect(completion(stats)).toBe(80);
  });

  it('names the catalog and the line of a syntax error', async () => {
    const error = await checkCatalog(
      path.join(fixtures, 'po-broken/de.po'),
      'https://example.org/po.git po/de.po',
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).problems).toEqual([
      'https://example.org/po.git po/de.po:19: end-of-line within string',
    ]);
  });

  it('merges a catalog with a new template: vanished messages become obsolete, new ones untranslated', async () => {
    const project = path.join(tmp.dir, 'project');
    await cp(path.join(fixtures, 'project'), project, { recursive: true });
    const pot = path.join(tmp.dir, 'widget.pot');
    await writeFile(
      pot,
      await extractTemplate({ sourceDir: project, sources: ['src/*.c'], keywords: ['_'] }),
    );
    const merged = path.join(tmp.dir, 'de.po');
    await mergeCatalog(path.join(fixtures, 'po/de.po'), pot, merged);
    expect(await checkCatalog(merged, 'de.po')).toEqual({ translated: 3, fuzzy: 0, untranslated: 0 });
  });

  it('sees no change in timestamps and source references, and a change in anything else', () => {
    const a = [
      'msgid ""',
      'msgstr ""',
      '"POT-Creation-Date: 2026-11-01 10:00+0000\\n"',
      '"PO-Revision-Date: 2026-11-02 10:00+0000\\n"',
      '',
      '#: src/a.c:1',
      'msgid "A"',
      'msgstr "B"',
    ].join('\n');
    const moved = a
      .replace('2026-11-01 10:00', '2026-11-23 09:00')
      .replace('2026-11-02 10:00', '2026-11-23 09:30')
      .replace('src/a.c:1', 'src/a.c:7 src/b.c:2');
    expect(sameCatalogContent(a, moved)).toBe(true);
    expect(normaliseCatalog(moved)).not.toContain('2026');
    expect(sameCatalogContent(a, a.replace('msgstr "B"', 'msgstr "C"'))).toBe(false);
    expect(sameCatalogContent(a, a.replace('#: src/a.c:1', '#, fuzzy'))).toBe(false);
  });
});
