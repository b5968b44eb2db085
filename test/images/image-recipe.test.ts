import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImageRecipe, parseImageRecipe, recipeFile } from '../../runner-agent/src/images/image-recipe.ts';

const FILE = '/project/images/recipes/debian-12.yml';
const repoRoot = path.resolve(import.meta.dirname, '../..');

const minimal = ['base:', '  debian:', '    suite: bookworm', ''].join('\n');

describe('image recipes', () => {
  it('reads the project’s debian-12 recipe with its defaults', async () => {
    const recipe = await loadImageRecipe(recipeFile('debian-12', repoRoot));
    expect(recipe.name).toBe('debian-12');
    expect(recipe.spec.base.debian).toMatchObject({ suite: 'bookworm', variant: 'minbase' });
    expect(recipe.spec.kernel).toBe('debian');
    expect(recipe.spec.packages).toContain('ca-certificates');
    expect(recipe.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fills in defaults and names the line of each list item', () => {
    const recipe = parseImageRecipe(
      [
        'base:',
        '  debian: { suite: bookworm, mirror: "http://mirror.example/debian" }',
        'packages:',
        '  - curl',
        '  - python3=3.11.2-1+b1',
        'commands: [ "useradd tester" ]',
        'kernel: { package: linux-image-6.1.0-57-amd64 }',
        '',
      ].join('\n'),
      FILE,
    );
    expect(recipe.spec).toMatchObject({
      base: { debian: { suite: 'bookworm', mirror: 'http://mirror.example/debian', variant: 'minbase' } },
      packages: ['curl', 'python3=3.11.2-1+b1'],
      files: [],
      commands: ['useradd tester'],
      kernel: { package: 'linux-image-6.1.0-57-amd64' },
      'disk-megabytes': 2048,
    });
    expect(recipe.lineOf(['packages', 1])).toBe(5);
    expect(recipe.lineOf(['commands', 0])).toBe(6);
  });

  it('hashes what the recipe asks for, not its comments or layout', () => {
    const a = parseImageRecipe(minimal, FILE);
    const b = parseImageRecipe(`# a comment\nbase: { debian: { suite: bookworm } }\n`, FILE);
    const c = parseImageRecipe(`${minimal}packages: [curl]\n`, FILE);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it.each([
    [`${minimal}pakages: [curl]\n`, `${FILE} line 4: pakages: unknown field`],
    [
      `${minimal}packages:\n  - curl\n  - "not a package"\n`,
      `${FILE} line 6: packages.1: a Debian package name`,
    ],
    ['packages: [curl]\n', `${FILE} line 1: base: is required`],
    [
      `${minimal}files:\n  - path: etc/motd\n    content: hi\n`,
      `${FILE} line 5: files.0.path: an absolute path in the image`,
    ],
    [
      `${minimal}files:\n  - path: /etc/motd\n    content: hi\n    mode: 644\n`,
      `${FILE} line 7: files.0.mode: expected string`,
    ],
    [`${minimal}kernel: linux\n`, `${FILE} line 4: kernel:`],
    [
      'base:\n  debian:\n    suite: bookworm\n    codename: x\n',
      `${FILE} line 4: base.debian.codename: unknown field`,
    ],
    ['base: [unclosed\n', `${FILE} line 2: invalid YAML`],
    ['base: {}\n', `${FILE} line 1: base: names exactly one of debian: (a suite to bootstrap) or image:`],
    [
      `${minimal}  image: { url: "https://example.org/a.qcow2", sha256: "${'a'.repeat(64)}" }\n`,
      `${FILE} line 2: base: names exactly one of debian`,
    ],
    [
      'base:\n  image:\n    url: https://example.org/a.qcow2\n    sha256: ABC\n',
      `${FILE} line 4: base.image.sha256: the image’s sha256: 64 lowercase hex digits`,
    ],
    [
      `base:\n  image:\n    url: file:///etc/passwd\n    sha256: ${'a'.repeat(64)}\n`,
      `${FILE} line 3: base.image.url: an http(s) URL of a disk image`,
    ],
  ])('refuses a bad recipe, naming the line and the field (%#)', (text, message) => {
    expect(() => parseImageRecipe(text, FILE)).toThrow(message);
  });

  it('takes a downloaded disk image as its base instead of a Debian suite', () => {
    const recipe = parseImageRecipe(
      `base:\n  image:\n    url: https://example.org/cloud.qcow2\n    sha256: ${'b'.repeat(64)}\n    partition: 1\n`,
      FILE,
    );
    expect(recipe.spec.base).toEqual({
      image: { url: 'https://example.org/cloud.qcow2', sha256: 'b'.repeat(64), partition: 1 },
    });
  });

  it('says which recipe is missing, and takes a name or a file', async () => {
    expect(recipeFile('debian-12', '/p')).toBe('/p/images/recipes/debian-12.yml');
    expect(recipeFile('./mine.yml', '/p')).toBe(path.resolve('mine.yml'));
    expect(() => recipeFile('Bad Name', '/p')).toThrow(/invalid image name/);
    await expect(loadImageRecipe('/nonexistent/images/recipes/nope.yml')).rejects.toThrow(
      '/nonexistent/images/recipes/nope.yml: no such recipe',
    );
    // The recipe file's name is the image's name: it must be one.
    expect(() => parseImageRecipe(minimal, '/p/Debian 12.yml')).toThrow(/the file name: invalid image name/);
    expect(await readFile(recipeFile('debian-12', repoRoot), 'utf8')).toContain('suite: bookworm');
  });
});
