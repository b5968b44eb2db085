import { describe, expect, it } from 'vitest';
import { ActionInputs, actionEnvironmentInputs, InputError, splitCommandLine } from '../../core/inputs.ts';

describe('action inputs (core/inputs.ts)', () => {
  it('reads INPUT_<NAME> as the runner sets it, hyphens kept and spaces as underscores', () => {
    const inputs = new ActionInputs(
      actionEnvironmentInputs({ 'INPUT_DRY-RUN': ' true ', INPUT_MY_INPUT: 'x', 'INPUT_API-URL': '' }),
      { 'api-url': 'https://api.github.com' },
    );
    expect(inputs.getBooleanInput('dry-run')).toBe(true);
    expect(inputs.getInput('my input')).toBe('x');
    // An empty value takes the default, as a workflow passing an unset input through means "not given".
    expect(inputs.getInput('api-url')).toBe('https://api.github.com');
  });

  it.each(['true', 'True', 'TRUE', 'false', 'False', 'FALSE'])('accepts %s as a boolean', (value) => {
    expect(new ActionInputs({ wait: value }).getBooleanInput('wait')).toBe(value.toLowerCase() === 'true');
  });

  it.each(['yes', 'no', '1', '0', 'on', 'off', 'tRue', ''])(
    'refuses %j as a boolean, naming the input',
    (value) => {
      let thrown: unknown;
      try {
        new ActionInputs({ wait: value }).getBooleanInput('wait');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InputError);
      expect(thrown).toMatchObject({
        input: 'wait',
        message: expect.stringMatching(/^input wait: ".*" is not a boolean/),
      });
    },
  );

  it('says why a required input is needed, trims unless asked not to, and splits lines and lists', () => {
    const inputs = new ActionInputs({
      keys: '  a\n\n b  \n',
      targets: 'github, npm\ncontainer',
      password: ' pw ',
    });
    expect(() => inputs.getInput('token', { required: 'for the github target' })).toThrow(
      'input token: required for the github target',
    );
    expect(() => inputs.getInput('token', { required: true })).toThrow('input token: required');
    expect(inputs.getInput('password', { trimWhitespace: false })).toBe(' pw ');
    expect(inputs.getMultilineInput('keys')).toEqual(['a', 'b']);
    expect(inputs.getListInput('targets')).toEqual(['github', 'npm', 'container']);
  });

  it('reads a renamed input under its old name, over the new one, and warns once', () => {
    const warnings: string[] = [];
    const renamed = { renamed: { 'github-token': 'token' }, warn: (m: string) => warnings.push(m) };
    const old = new ActionInputs({ token: 'default', 'github-token': ' old ' }, {}, renamed);
    expect(old.getInput('token')).toBe('old');
    expect(old.getInput('token')).toBe('old');
    expect(warnings).toEqual([
      'input github-token is deprecated and will be removed in the next release: rename it to token (until then github-token is used, and wins over token)',
    ]);
    // Not given (or blank) under the old name: the new name, or its default, and no warning.
    expect(new ActionInputs({ token: 'new', 'github-token': ' ' }, {}, renamed).getInput('token')).toBe(
      'new',
    );
    expect(new ActionInputs({}, { token: 'fallback' }, renamed).getInput('token')).toBe('fallback');
    expect(warnings).toHaveLength(1);
  });

  it('splits a command line without any expansion, and names the input of an unterminated quote', () => {
    expect(splitCommandLine(`sh -c 'printf "a\\nb" $HOME' '' *.tgz`, 'build')).toEqual([
      'sh',
      '-c',
      'printf "a\\nb" $HOME',
      '',
      '*.tgz',
    ]);
    expect(() => new ActionInputs({ build: `make 'dist` }).getCommandLineInput('build')).toThrow(
      `input build: unterminated ' quote`,
    );
    expect(new ActionInputs({}).getCommandLineInput('build')).toEqual([]);
  });
});
