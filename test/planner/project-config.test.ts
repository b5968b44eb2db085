import { describe, expect, it } from 'vitest';
import { parseProjectConfig, ProjectConfigError } from '../../runner-agent/src/planner/project-config.ts';

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
});
