import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImageRecipe, parseImageRecipe, recipeFile } from '../../runner-agent/src/images/image-recipe.ts';
import { withTempDir } from '../support/temp-dir.ts';

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

describe('image recipes: extends, inputs and downloads', () => {
  const SHA = 'a'.repeat(64);

  async function recipes(files: Record<string, string[]>) {
    const dir = await withTempDir('ironbots-recipes-');
    const recipesDir = path.join(dir.dir, 'images', 'recipes');
    await mkdir(recipesDir, { recursive: true });
    for (const [name, lines] of Object.entries(files))
      await writeFile(path.join(recipesDir, `${name}.yml`), `${lines.join('\n')}\n`);
    return { dir, file: (name: string) => path.join(recipesDir, `${name}.yml`) };
  }

  const parent = [
    'description: the parent',
    'base: { debian: { suite: bookworm } }',
    'packages: [curl, python3]',
    'files:',
    '  - { path: /etc/parent, content: "p\\n" }',
    'commands:',
    '  - echo parent one',
    '  - echo parent two',
    'kernel: { package: linux-image-6.1.0-57-amd64 }',
    'disk-megabytes: 2048',
  ];

  it('puts the parent’s parts first, then the child’s, and locates each in its own file', async () => {
    const { dir, file } = await recipes({
      base: parent,
      child: [
        'extends: base',
        'packages: [git, curl]',
        'files:',
        '  - { path: /etc/child, content: "c\\n" }',
        'commands:',
        '  - echo child',
        'disk-megabytes: 3072',
      ],
    });
    try {
      const recipe = await loadImageRecipe(file('child'));
      expect(recipe.name).toBe('child');
      expect(recipe.spec).toEqual({
        description: 'the parent',
        base: { debian: { suite: 'bookworm', variant: 'minbase' } },
        packages: ['curl', 'python3', 'git'],
        files: [
          { path: '/etc/parent', content: 'p\n', mode: '0644' },
          { path: '/etc/child', content: 'c\n', mode: '0644' },
        ],
        commands: ['echo parent one', 'echo parent two', 'echo child'],
        kernel: { package: 'linux-image-6.1.0-57-amd64' },
        'disk-megabytes': 3072,
      });
      expect(recipe.locate(['commands', 1])).toEqual({ file: file('base'), line: 8 });
      expect(recipe.locate(['commands', 2])).toEqual({ file: file('child'), line: 6 });
      expect(recipe.locate(['packages', 2])).toEqual({ file: file('child'), line: 2 });
      expect(recipe.locate(['packages', 1])).toEqual({ file: file('base'), line: 3 });
      expect(recipe.locate(['base', 'debian'])).toMatchObject({ file: file('base'), line: 2 });
      // The parent's recipe is part of what the child's image is.
      await writeFile(file('base'), `${parent.join('\n').replace('echo parent two', 'echo parent 2')}\n`);
      expect((await loadImageRecipe(file('child'))).hash).not.toBe(recipe.hash);
    } finally {
      await dir.remove();
    }
  });

  it('reads the project’s github-runner recipe: debian-12, the runner tarball, and a name per runner release', async () => {
    const file = recipeFile('github-runner', repoRoot);
    const inputs = {
      'runner-url': 'https://example.org/actions-runner-linux-x64-2.330.0.tar.gz',
      'runner-sha256': SHA,
    };
    const recipe = await loadImageRecipe(file, { inputs });
    const debian = await loadImageRecipe(recipeFile('debian-12', repoRoot));
    expect(recipe.spec.base).toEqual(debian.spec.base);
    expect(recipe.spec.packages).toEqual(expect.arrayContaining([...debian.spec.packages, 'git']));
    expect(recipe.spec.downloads).toEqual([
      { url: inputs['runner-url'], sha256: SHA, path: '/opt/actions-runner.tar.gz' },
    ]);
    expect(recipe.spec.commands.slice(0, debian.spec.commands.length)).toEqual(debian.spec.commands);
    expect(recipe.spec.commands.join('\n')).toMatch(/installdependencies\.sh/);
    const newer = await loadImageRecipe(file, { inputs: { ...inputs, 'runner-sha256': 'b'.repeat(64) } });
    expect(newer.hash).not.toBe(recipe.hash);
    await expect(loadImageRecipe(file)).rejects.toThrow(
      /github-runner\.yml line \d+: inputs\.runner-url: the input "runner-url" is required/,
    );
  });

  it('extends the project’s debian-12 recipe', async () => {
    const { dir, file } = await recipes({ mine: ['extends: debian-12', 'packages: [jq]'] });
    try {
      await writeFile(file('debian-12'), await readFile(recipeFile('debian-12', repoRoot), 'utf8'));
      const recipe = await loadImageRecipe(file('mine'));
      const debian = await loadImageRecipe(recipeFile('debian-12', repoRoot));
      expect(recipe.spec.packages).toEqual([...debian.spec.packages, 'jq']);
      expect(recipe.spec.commands).toEqual(debian.spec.commands);
      expect(recipe.spec.base).toEqual(debian.spec.base);
    } finally {
      await dir.remove();
    }
  });

  it.each([
    [{ a: ['extends: b'], b: ['extends: a'] }, /b\.yml line 1: extends: a is extended in a cycle: a → b → a/],
    [{ a: ['extends: a'] }, /a\.yml line 1: extends: a is extended in a cycle: a → a/],
    [
      { a: ['packages: [git]', 'extends: nowhere'] },
      /a\.yml line 2: extends: no recipe "nowhere" \(looked for .*nowhere\.yml\)/,
    ],
    [
      { base: parent, a: ['extends: base', 'disk-megabytes: 1024'] },
      /a\.yml line 2: disk-megabytes: may only grow the parent's 2048 MB/,
    ],
    [
      { base: parent, a: ['extends: base', 'base: { debian: { suite: trixie } }'] },
      /a\.yml line 2: base: a recipe that extends another takes its base from it/,
    ],
  ])('refuses a broken chain of recipes, naming the file and line (%#)', async (files, message) => {
    const { dir, file } = await recipes(files);
    try {
      await expect(loadImageRecipe(file('a'))).rejects.toThrow(message);
    } finally {
      await dir.remove();
    }
  });

  const withInputs = [
    'base: { debian: { suite: bookworm } }',
    'inputs:',
    '  tool-url:',
    '    description: where ${{ inputs.tool-url }} comes from',
    '  tool-sha256:',
    '    description: its sha256',
    '    pattern: "[0-9a-f]{64}"',
    '  flavour:',
    '    description: a word',
    '    default: plain',
    'downloads:',
    '  - url: ${{ inputs.tool-url }}',
    '    sha256: ${{inputs.tool-sha256}}',
    '    path: /opt/tool.tar.gz',
    'commands:',
    '  - echo "${{ inputs.flavour }} flavour" >/etc/flavour',
  ].join('\n');

  it('substitutes inputs (given, else their default), and hashes the values in', () => {
    const recipe = parseImageRecipe(withInputs, FILE, {
      inputs: { 'tool-url': 'https://example.org/tool-1.tar.gz', 'tool-sha256': SHA },
    });
    expect(recipe.spec.downloads).toEqual([
      { url: 'https://example.org/tool-1.tar.gz', sha256: SHA, path: '/opt/tool.tar.gz' },
    ]);
    expect(recipe.spec.commands).toEqual(['echo "plain flavour" >/etc/flavour']);
    expect(recipe.inputs).toEqual({
      'tool-url': 'https://example.org/tool-1.tar.gz',
      'tool-sha256': SHA,
      flavour: 'plain',
    });
    expect(recipe.lineOf(['downloads', 0, 'sha256'])).toBe(13);
    const again = parseImageRecipe(withInputs, FILE, {
      inputs: { 'tool-url': 'https://example.org/tool-1.tar.gz', 'tool-sha256': SHA },
    });
    const other = parseImageRecipe(withInputs, FILE, {
      inputs: { 'tool-url': 'https://example.org/tool-2.tar.gz', 'tool-sha256': SHA },
    });
    const flavoured = parseImageRecipe(withInputs, FILE, {
      inputs: { 'tool-url': 'https://example.org/tool-1.tar.gz', 'tool-sha256': SHA, flavour: 'spicy' },
    });
    expect(again.hash).toBe(recipe.hash);
    expect(new Set([recipe.hash, other.hash, flavoured.hash]).size).toBe(3);
  });

  it.each([
    [
      { 'tool-url': 'https://example.org/t' },
      `${FILE} line 5: inputs.tool-sha256: the input "tool-sha256" is required and was not given (ironbots image build … --input tool-sha256=<value>)`,
    ],
    [
      { 'tool-url': 'https://example.org/t', 'tool-sha256': 'XYZ' },
      `${FILE} line 5: inputs.tool-sha256: the input "tool-sha256" is "XYZ", which does not match [0-9a-f]{64}`,
    ],
    [
      { 'tool-url': 'https://example.org/t', 'tool-sha256': SHA, colour: 'red' },
      `${FILE}: inputs: no input "colour" is declared (declared: tool-url, tool-sha256, flavour)`,
    ],
    [{ 'tool-url': 'not a url', 'tool-sha256': SHA }, `${FILE} line 12: downloads.0.url: an http(s) URL`],
  ])('refuses missing, malformed and unknown input values, naming the input (%#)', (inputs, message) => {
    expect(() => parseImageRecipe(withInputs, FILE, { inputs })).toThrow(message);
  });

  it('refuses a reference to an input that is not declared, or to anything but an input, naming the line', () => {
    expect(() => parseImageRecipe(`${minimal}commands:\n  - echo \${{ inputs.nope }}\n`, FILE)).toThrow(
      `${FILE} line 5: \${{ inputs.nope }}: no input "nope" is declared (this recipe declares no inputs)`,
    );
    expect(() => parseImageRecipe(`${minimal}commands:\n  - echo \${{ secrets.token }}\n`, FILE)).toThrow(
      `${FILE} line 5: \${{ secrets.token }}: only \${{ inputs.<name> }} can be used here`,
    );
    expect(() => parseImageRecipe(minimal, FILE, { inputs: { x: '1' } })).toThrow(
      `${FILE}: inputs: no input "x" is declared (this recipe declares no inputs)`,
    );
  });
});
