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
