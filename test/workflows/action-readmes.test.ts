import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverActionDocs, renderReadme, staleReadmes } from '../../build/action-docs.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { repoRoot } from './workflow-checks.ts';

/**
 * Every action has a README whose inputs and outputs tables are what `npm run docs` makes of its action.yml
 * (regenerated here in memory and compared), and the README of each actions/<name>/ has the same sections.
 */
const docs = await discoverActionDocs();

const ACTION = `name: example
description: An example.
inputs:
  mode:
    description: >
      restore or save (a | in a description
      stays in its cell).
    required: true
  token:
    description: The forge token.
    required: false
    default: \${{ github.token }}
outputs:
  hit:
    description: true on a hit.
`;

const README = `# example

<!-- inputs:start -->
<!-- inputs:end -->

<!-- outputs:start -->
<!-- outputs:end -->
`;

describe('action READMEs', () => {
  it('covers the root action and every actions/<name>/action.yml', () => {
    expect(docs).toEqual(
      expect.arrayContaining([
        { action: 'action.yml', readme: 'README.md' },
        { action: 'actions/release/action.yml', readme: 'actions/release/README.md' },
        { action: 'actions/npm-cache/action.yml', readme: 'actions/npm-cache/README.md' },
        { action: 'actions/container-refresh/action.yml', readme: 'actions/container-refresh/README.md' },
        { action: 'actions/translations/action.yml', readme: 'actions/translations/README.md' },
      ]),
    );
  });

  it.each(docs.map((doc) => [doc.readme, doc] as const))(
    '%s has the tables npm run docs writes from its action.yml',
    async (readme, doc) => {
      expect(await readFile(path.join(repoRoot, readme), 'utf8')).toBe(await renderReadme(doc));
    },
  );

  it.each(docs.filter((doc) => doc.readme !== 'README.md').map((doc) => doc.readme))(
    '%s says what the action does, then usage, inputs, outputs, permissions and GitLab CI',
    async (readme) => {
      const text = await readFile(path.join(repoRoot, readme), 'utf8');
      const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings).toEqual(['Usage', 'Inputs', 'Outputs', 'Permissions', 'GitLab CI']);
      expect(text.slice(text.indexOf('\n'), text.indexOf('## Usage')).trim()).not.toBe('');
    },
  );

  it('finds a missing README, stale tables and missing markers (the check can fail)', async () => {
    const tmp = await withTempDir('ironbots-action-docs-');
    try {
      const write = async (file: string, text: string) => {
        await mkdir(path.dirname(path.join(tmp.dir, file)), { recursive: true });
        await writeFile(path.join(tmp.dir, file), text);
      };
      await write('action.yml', ACTION);
      await write('README.md', README);
      await write('actions/lonely/action.yml', ACTION);
      await write('actions/unmarked/action.yml', ACTION);
      await write('actions/unmarked/README.md', '# unmarked\n');
      const found = await discoverActionDocs(tmp.dir);
      expect(found.map((d) => d.readme)).toEqual([
        'README.md',
        'actions/lonely/README.md',
        'actions/unmarked/README.md',
      ]);
      expect(await staleReadmes(found, tmp.dir)).toEqual([
        'README.md: not what `npm run docs` writes from action.yml',
        'actions/lonely/README.md: missing; every action says there what it does (actions/lonely/action.yml)',
        'actions/unmarked/README.md: needs one <!-- inputs:start --> followed by one <!-- inputs:end -->, where the inputs table goes',
      ]);

      const rendered = await renderReadme(found[0]!, tmp.dir);
      expect(rendered).toContain(
        '| `mode`  | yes      |                       | restore or save (a \\| in a description stays in its cell). |',
      );
      expect(rendered).toContain('| `token` | no       | `${{ github.token }}` | The forge token.');
      expect(rendered).toContain('| `hit`  | true on a hit. |');
      await write('README.md', rendered);
      expect(await staleReadmes(found.slice(0, 1), tmp.dir)).toEqual([]);
      // A changed action.yml makes the written tables stale again.
      await write('action.yml', ACTION.replace('The forge token.', 'The GitHub token.'));
      expect(await staleReadmes(found.slice(0, 1), tmp.dir)).toEqual([
        'README.md: not what `npm run docs` writes from action.yml',
      ]);
    } finally {
      await tmp.remove();
    }
  });
});
