import { describe, expect, it } from 'vitest';
import {
  MAX_CONFIG_BYTES,
  parseProjectConfig,
  ProjectConfigError,
} from '../../runner-agent/src/planner/project-config.ts';

function errorOf(text: string): ProjectConfigError {
  try {
    parseProjectConfig(text);
  } catch (error) {
    if (error instanceof ProjectConfigError) return error;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('.ironbots.yml', () => {
  it('fills defaults for a minimal context', () => {
    expect(parseProjectConfig('contexts:\n  unit:\n    run: [npm, test]\n')).toEqual({
      contexts: {
        unit: { run: ['npm', 'test'], labels: [], timeout: 3600, env: {}, executor: 'process', priority: 0 },
      },
    });
  });

  it('keeps every field it knows', () => {
    const config = parseProjectConfig(
      [
        'contexts:',
        '  fedora-40/devel:',
        '    run: [test/verify, --image, fedora-40]',
        '    labels: [kvm, x86_64]',
        '    timeout: 900',
        '    env: { TEST_OS: fedora-40 }',
        '    executor: vm',
        '    image: fedora-40',
        '    priority: 5',
      ].join('\n'),
    );
    expect(config.contexts['fedora-40/devel']).toEqual({
      run: ['test/verify', '--image', 'fedora-40'],
      labels: ['kvm', 'x86_64'],
      timeout: 900,
      env: { TEST_OS: 'fedora-40' },
      executor: 'vm',
      image: 'fedora-40',
      priority: 5,
    });
  });

  it.each([
    [
      'a shell line instead of argv',
      'contexts:\n  unit:\n    run: npm test\n',
      3,
      'contexts.unit.run',
      /expected array/,
    ],
    ['a missing run', 'contexts:\n  unit:\n    labels: [a]\n', 3, 'contexts.unit.run', /is required/],
    [
      'a negative timeout',
      'contexts:\n  unit:\n    run: [a]\n    timeout: -1\n',
      4,
      'contexts.unit.timeout',
      /Too small/,
    ],
    [
      'an unknown field',
      'contexts:\n  unit:\n    run: [a]\n    tiemout: 5\n',
      4,
      'contexts.unit.tiemout',
      /unknown field.*timeout/,
    ],
    [
      'an unknown executor',
      'contexts:\n  unit:\n    run: [a]\n    executor: docker\n',
      4,
      'contexts.unit.executor',
      /process/,
    ],
    ['no contexts at all', 'contexts: {}\n', 1, 'contexts', /at least one context/],
    [
      'a bad context name',
      'contexts:\n  "bad name!":\n    run: [a]\n',
      3,
      'contexts.bad name!',
      /context names/,
    ],
    [
      'a bad env name',
      'contexts:\n  u:\n    run: [a]\n    env: { "A-B": x }\n',
      4,
      'contexts.u.env.A-B',
      /environment variable names/,
    ],
  ])('rejects %s, naming line and field', (_what, text, line, field, message) => {
    const error = errorOf(text);
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`.ironbots.yml line ${line}: ${field}:`);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorOf('contexts:\n  unit:\n    run: [a, b\n    labels: x\n');
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/invalid YAML/);
  });

  it('rejects an empty file and a duplicate key', () => {
    expect(errorOf('').message).toMatch(/contexts: is required/);
    expect(errorOf('contexts:\n  a:\n    run: [x]\n  a:\n    run: [y]\n').message).toMatch(/invalid YAML/);
  });

  it('keeps shell metacharacters in run and env verbatim: they are argv and values, never a shell line', () => {
    const tricky = ['$(touch injected); *', '`id`', 'a|b && c > d', 'it\'s "quoted"', '$HOME', 'a\\b'];
    const config = parseProjectConfig(
      `contexts:\n  u:\n    run: ${JSON.stringify(['printf', ...tricky])}\n    env: { X: ${JSON.stringify(tricky[0])} }\n`,
    );
    expect(config.contexts.u!.run).toEqual(['printf', ...tricky]);
    expect(config.contexts.u!.env).toEqual({ X: tricky[0] });
  });

  it('names the line of a duplicate key', () => {
    const error = errorOf('contexts:\n  a:\n    run: [x]\n    env: { A: "1" }\n  a:\n    run: [y]\n');
    expect(error.line).toBe(5);
    expect(error.message).toMatch(/duplicate key "a"/);
  });
});

/** A billion-laughs document: each level is nine aliases of the one before. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\ncontexts:\n  unit:\n    run: *i\n`;
}

describe('.ironbots.yml from a hostile or careless author', () => {
  it('keeps honest anchors and aliases working', () => {
    const config = parseProjectConfig(
      [
        'contexts:',
        '  a: { run: [make], env: &common { LANG: C.UTF-8, CI: "true" } }',
        '  b: { run: [make, check], env: *common }',
      ].join('\n'),
    );
    expect(config.contexts.b!.env).toEqual({ LANG: 'C.UTF-8', CI: 'true' });
  });

  it('refuses an alias bomb, naming the line where the expansion starts', () => {
    const error = errorOf(aliasBomb());
    expect(error.message).toMatch(/aliases expand too much/);
    // `c: &c [*b, …]`: the first alias of something that holds aliases itself.
    expect(error.line).toBe(3);
  });

  it('refuses an alias that names no anchor, naming its line', () => {
    const error = errorOf('contexts:\n  unit:\n    run: [make]\n    env: *nowhere\n');
    expect(error.message).toMatch(/alias \*nowhere names no anchor/);
    expect(error.line).toBe(4);
  });

  it('refuses a file over 256 KiB before parsing it', () => {
    const text = `contexts:\n  unit:\n    run: [make]\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    expect(errorOf(text).message).toMatch(/the file is 257 KiB; at most 256 KiB is read/);
  });

  it('refuses more than 200 contexts, naming where the contexts start', () => {
    const contexts = Array.from({ length: 201 }, (_, i) => `  c${i}: { run: [x] }`);
    const error = errorOf(['# many', 'contexts:', ...contexts].join('\n'));
    expect(error.message).toMatch(/contexts: 201 contexts; at most 200 are allowed/);
    expect(error.line).toBe(3);
  });

  it('refuses more than 200 env entries in a context, naming the env line', () => {
    const env = Array.from({ length: 201 }, (_, i) => `      V${i}: x`);
    const error = errorOf(['contexts:', '  unit:', '    run: [x]', '    env:', ...env].join('\n'));
    expect(error.field).toBe('contexts.unit.env');
    expect(error.message).toMatch(/201 entries; at most 200 are allowed/);
  });

  it('turns a near-limit file with 16,000 env entries into a limit error', () => {
    const env = Array.from({ length: 16_000 }, (_, i) => `      V${i}: x`);
    const text = ['contexts:', '  unit:', '    run: [x]', '    env:', ...env].join('\n');
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_CONFIG_BYTES);
    expect(errorOf(text).message).toMatch(/16000 entries; at most 200/);
  });

  it.each([
    ['in a run argument', 'contexts:\n  u:\n    run: [echo, "a\\0b"]\n', 'contexts.u.run.1', 3],
    ['in an env value', 'contexts:\n  u:\n    run: [echo]\n    env: { A: "x\\0" }\n', 'contexts.u.env.A', 4],
    ['in the image', 'contexts:\n  u:\n    run: [echo]\n    image: "deb\\0ian"\n', 'contexts.u.image', 4],
  ])('refuses a NUL byte %s', (_where, text, field, line) => {
    const error = errorOf(text);
    expect(error.field).toBe(field);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(/must not contain NUL bytes/);
  });

  it.each([
    ['a list where the contexts go', 'contexts: [a, b]\n'],
    ['a number as run', 'contexts:\n  u:\n    run: 42\n'],
    ['a map as an argument', 'contexts:\n  u:\n    run: [{ a: 1 }]\n'],
    ['a string as the whole file', 'just a string\n'],
    ['two documents', 'contexts: {}\n---\ncontexts: {}\n'],
    ['deep flow nesting', `contexts: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`],
    ['a tag yaml does not know', 'contexts: !!binary aGVsbG8=\n'],
    // Resolving each of 80,000 aliases by walking the document took minutes; one pass takes milliseconds.
    ['80,000 aliases in 256 KiB', `x: &x [a]\ncontexts: [${Array(80_000).fill('*x').join(',')}]\n`],
  ])('reports %s as a config error', (_what, text) => {
    expect(errorOf(text)).toBeInstanceOf(ProjectConfigError);
  });
});
