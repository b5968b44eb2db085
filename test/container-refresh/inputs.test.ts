import { describe, expect, it } from 'vitest';
import {
  logExcerpt,
  nextDatedTag,
  sortDatedTags,
} from '../../actions/container-refresh/container-refresh.ts';
import { INPUT_DEFAULTS, readSettings, type RefreshInputs } from '../../actions/container-refresh/inputs.ts';
import { ciRunFromEnvironment } from '../../cli/ci-environment.ts';

const base: RefreshInputs = {
  ...INPUT_DEFAULTS,
  directory: 'ci',
  image: 'acme/ci',
  registry: 'ghcr.io',
  'test-command': 'make check',
};

describe('container-refresh inputs', () => {
  it('takes the mode from the event: pull requests and merge requests test, everything else publishes', () => {
    expect(
      readSettings(
        base,
        ciRunFromEnvironment({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main' }),
      ),
    ).toMatchObject({
      mode: 'pr',
      baseRef: 'main',
    });
    expect(
      readSettings(
        base,
        ciRunFromEnvironment({
          CI_PIPELINE_SOURCE: 'merge_request_event',
          CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'dev',
        }),
      ),
    ).toMatchObject({ mode: 'pr', baseRef: 'dev' });
    expect(readSettings(base, { event: 'schedule' }).mode).toBe('publish');
    expect(readSettings(base, { event: 'push' }).mode).toBe('publish');
    expect(readSettings({ ...base, mode: 'rollback', directory: '', 'test-command': '' }, {}).mode).toBe(
      'rollback',
    );
  });

  it('names the input that is wrong', () => {
    const bad: [Partial<RefreshInputs>, RegExp][] = [
      [{ image: '' }, /input image: required/],
      [{ image: 'Acme/CI' }, /input image: "Acme\/CI" is not a registry repository name/],
      [{ image: 'acme/ci:latest' }, /input image/],
      [{ registry: 'ghcr.io/acme' }, /input registry/],
      [{ mode: 'deploy' }, /input mode: "deploy" is none of auto, pr, publish, rollback/],
      [{ mode: 'pr' }, /input base-ref: required in pr mode/],
      [{ 'tls-verify': 'maybe' }, /input tls-verify/],
      [
        { 'registry-username': 'robot' },
        /input registry-username: give both registry-username and registry-password, or neither/,
      ],
      [{ containerfile: '../Containerfile' }, /input containerfile/],
      [{ 'test-command': ' ' }, /input test-command: required/],
      [{ directory: '' }, /input directory: required/],
    ];
    for (const [change, message] of bad)
      expect(() => readSettings({ ...base, ...change }, {})).toThrow(message);
  });

  it('accepts a local registry with a port and a URL-ish registry', () => {
    expect(readSettings({ ...base, registry: '127.0.0.1:5000', 'tls-verify': 'false' }, {})).toMatchObject({
      registry: '127.0.0.1:5000',
      tlsVerify: false,
    });
    expect(readSettings({ ...base, registry: 'https://registry.gitlab.com/' }, {}).registry).toBe(
      'registry.gitlab.com',
    );
  });
});

describe('dated tags', () => {
  const day = new Date('2026-11-23T23:59:00Z');
  it('is the UTC date, then -2, -3 for more runs that day; other days and names do not count', () => {
    expect(nextDatedTag([], day)).toBe('2026-11-23');
    expect(nextDatedTag(['latest', '2026-11-22', '2026-11-22-4'], day)).toBe('2026-11-23');
    expect(nextDatedTag(['2026-11-23', 'latest'], day)).toBe('2026-11-23-2');
    expect(nextDatedTag(['2026-11-23', '2026-11-23-2', '2026-11-23-7'], day)).toBe('2026-11-23-8');
    expect(nextDatedTag(['2026-11-23-x'], day)).toBe('2026-11-23');
  });

  it('sorts by date and run number, the bare date being the first run', () => {
    expect(sortDatedTags(['2026-11-23-10', 'latest', '2026-11-23-2', '2026-01-05', '2026-11-23'])).toEqual([
      '2026-01-05',
      '2026-11-23',
      '2026-11-23-2',
      '2026-11-23-10',
    ]);
  });
});

describe('log excerpt for the issue', () => {
  it('keeps the newest lines, blots out secrets and fences the log so it cannot close the fence', () => {
    const log = [
      ...Array.from({ length: 200 }, (_, i) => `line ${i}`),
      'token=s3cr3t-value ```',
      'the end',
    ].join('\n');
    const excerpt = logExcerpt(log, ['s3cr3t-value'], 80);
    expect(excerpt).not.toContain('s3cr3t-value');
    expect(excerpt).toContain('token=*** ```');
    expect(excerpt).toContain('the end');
    expect(excerpt).not.toContain('line 100\n');
    expect(excerpt.startsWith('````text\n')).toBe(true);
    expect(excerpt.endsWith('\n````')).toBe(true);
  });
});
