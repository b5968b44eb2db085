import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './workflow-checks.ts';
import { extractYamlSnippets, SnippetChecker, snippetKind, type YamlSnippet } from './yaml-snippets.ts';

/**
 * Every YAML snippet in the documentation (README.md, workflows/README.md, actions/<name>/README.md) is what
 * it claims to be: a GitHub workflow or steps that GitHub's parser accepts, calling our actions and reusable
 * workflows with inputs they declare; GitLab CI that GitLab's schema accepts; or a `.ironbots.yml`,
 * deployment configuration or image recipe that ironbots itself would load. See yaml-snippets.ts.
 */
const documents: string[] = ['README.md', 'workflows/README.md'];
for await (const file of glob('actions/*/README.md', { cwd: repoRoot })) documents.push(file);
documents.sort();

const snippets: YamlSnippet[] = [];
for (const file of documents)
  snippets.push(...extractYamlSnippets(await readFile(path.join(repoRoot, file), 'utf8'), file));

const checker = new SnippetChecker();
afterAll(() => checker.close());

const snippet = (text: string): YamlSnippet => ({ file: 'example.md', line: 1, text });

describe('YAML snippets in the documentation', () => {
  it('finds the snippets of every kind', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'actions/release/README.md']));
    const kinds = new Set(snippets.map((s) => snippetKind(s.text)));
    expect([...kinds].sort()).toEqual(
      [
        'deployment-config',
        'github-workflow',
        'gitlab-ci',
        'image-recipe',
        'known-issues',
        'project-config',
      ].sort(),
    );
  });

  it.each(snippets.map((s) => [`${s.file}:${s.line} (${snippetKind(s.text)})`, s] as const))(
    '%s',
    async (_name, s) => {
      expect(await checker.problems(s)).toEqual([]);
    },
  );
});

describe('the snippet checks (they can fail)', () => {
  it('extracts fenced yaml and yml blocks, indented ones too, and nothing else', () => {
    const markdown = [
      '# doc',
      '```yaml',
      'a: 1',
      '```',
      '```sh',
      'echo "```yaml"',
      '```',
      '1. a step:',
      '',
      '   ```yml',
      '   b:',
      '     - 2',
      '   ```',
      '````yaml',
      'c: |',
      '  ```',
      '````',
    ].join('\n');
    expect(extractYamlSnippets(markdown, 'doc.md')).toEqual([
      { file: 'doc.md', line: 2, text: 'a: 1\n' },
      { file: 'doc.md', line: 10, text: 'b:\n  - 2\n' },
      { file: 'doc.md', line: 14, text: 'c: |\n  ```\n' },
    ]);
  });

  it('tells the kinds apart by content, or by a # fragment line', () => {
    expect(snippetKind('on: push\njobs: {}\n')).toBe('github-workflow');
    expect(snippetKind('- uses: actions/checkout@v4\n- run: make\n')).toBe('github-steps');
    expect(snippetKind('include:\n  - local: ci.yml\n')).toBe('gitlab-ci');
    expect(snippetKind('test:\n  script: [make]\n')).toBe('gitlab-ci');
    expect(snippetKind('contexts:\n  unit: { run: [make] }\n')).toBe('project-config');
    expect(snippetKind('base: { debian: { suite: bookworm } }\n')).toBe('image-recipe');
    expect(snippetKind('queue: { kind: sqlite }\n')).toBe('deployment-config');
    expect(snippetKind('with:\n  mode: restore\n')).toBe('unknown');
    expect(snippetKind('# fragment: the with: of a step\nwith:\n  mode: restore\n')).toBe('fragment');
  });

  it.each([
    ['invalid YAML, even in a fragment', '# fragment\na: [1\n', /invalid YAML/],
    [
      'an unknown kind',
      'with:\n  mode: restore\n',
      /mark a deliberately partial snippet with a `# fragment`/,
    ],
    [
      'a workflow GitHub refuses',
      'on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    stepz: []\n',
      /Unexpected value 'stepz'/,
    ],
    [
      'an input the action does not have',
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ironbots/ironbots/actions/npm-cache@v0\n        with: { mode: restore, github_token: x }\n',
      /npm-cache@v0: no input\(s\) github_token/,
    ],
    [
      'steps without a required input',
      '- uses: ironbots/ironbots@v0\n  with:\n    server-url: https://ci.example.org\n    job: make\n',
      /ironbots\/ironbots@v0: required input\(s\) missing: token/,
    ],
    ['steps GitHub refuses', '- uses: actions/checkout@v4\n  whth: {}\n', /Unexpected value 'whth'/],
    [
      'a reusable workflow called without its required input',
      'on: push\njobs:\n  r:\n    uses: ironbots/ironbots/.github/workflows/release.yml@v0\n',
      /required input\(s\) missing: allowed-keys/,
    ],
    [
      'GitLab CI the schema refuses',
      'build:\n  script: [make]\n  when: sometimes\n',
      /\/build\/when must be/,
    ],
    [
      'an include of a template that does not exist',
      'include:\n  - remote: https://raw.githubusercontent.com/ironbots/ironbots/v0/workflows/gitlab/nope.gitlab-ci.yml\nx:\n  extends: .ironbots-nope\n',
      /no workflows\/gitlab\/nope\.gitlab-ci\.yml in this repository/,
    ],
    [
      'a job extending a template the include does not define',
      'include:\n  - remote: https://raw.githubusercontent.com/ironbots/ironbots/v0/workflows/gitlab/release.gitlab-ci.yml\nrelease:\n  extends: .ironbots-relase\n',
      /job release: extends \.ironbots-relase, which nothing here defines/,
    ],
    ['a bad .ironbots.yml', 'contexts:\n  unit:\n    run: []\n', /needs at least the program to run/],
    [
      'a deployment configuration with an unknown field',
      'queue: { kind: sqlite, size: 3 }\n',
      /line 1: queue\.size: unknown field/,
    ],
    [
      'a recipe with a placeholder checksum',
      'base:\n  image:\n    url: https://example.org/disk.qcow2\n    sha256: <its sha256>\n',
      /sha256: the image’s sha256: 64 lowercase hex digits/,
    ],
  ])('finds %s', async (_what, text, problem) => {
    const problems = await checker.problems(snippet(text));
    expect(problems.join('\n')).toMatch(problem);
  });
});
