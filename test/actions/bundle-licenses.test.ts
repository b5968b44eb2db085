import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackageDirs, licensesText } from '../../build/bundle-actions.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe('bundle licences', () => {
  it('finds every bundled package, scoped, nested and inside concatenated modules', () => {
    const dirs = bundledPackageDirs(
      [
        {
          name: './node_modules/@actions/core/lib/core.js + 7 modules',
          modules: [{ name: './node_modules/tunnel/index.js' }],
        },
        { name: './node_modules/a/node_modules/@b/c/index.js' },
        { name: './actions/release/main.ts' },
        { name: './node_modules/tunnel/lib/other.js' },
      ],
      '/repo',
    );
    expect(dirs).toEqual([
      '/repo/node_modules/@actions/core',
      '/repo/node_modules/a/node_modules/@b/c',
      '/repo/node_modules/tunnel',
    ]);
  });

  it('writes name, licence and text per package, sorted, once per name', async () => {
    const tmp = await withTempDir();
    const pkg = async (dir: string, manifest: object, licence?: [string, string]) => {
      await mkdir(path.join(tmp.dir, dir), { recursive: true });
      await writeFile(path.join(tmp.dir, dir, 'package.json'), JSON.stringify(manifest));
      if (licence) await writeFile(path.join(tmp.dir, dir, licence[0]), licence[1]);
      return path.join(tmp.dir, dir);
    };
    const text = await licensesText([
      await pkg('z', { name: 'zeta', license: 'ISC' }, ['LICENSE', 'ISC text\n']),
      await pkg('a', { name: '@scope/alpha', license: 'MIT' }, ['license.md', 'MIT text']),
      await pkg('n', { name: 'no-file' }),
      await pkg('z2', { name: 'zeta', license: 'ISC' }),
    ]);
    expect(text).toBe('@scope/alpha\nMIT\nMIT text\n\nno-file\nUNKNOWN\n\nzeta\nISC\nISC text\n');
    await tmp.remove();
  });

  it.each(['translations', 'npm-cache', 'container-refresh', 'release'])(
    'the committed %s bundle credits the packages of its entry chunk too (ncc --license dropped them)',
    async (action) => {
      const file = path.resolve(import.meta.dirname, `../../actions/${action}/dist/licenses.txt`);
      expect(await readFile(file, 'utf8')).toMatch(/^@actions\/core\nMIT\n/m);
    },
  );
});
