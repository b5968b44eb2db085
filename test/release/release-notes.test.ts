import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_RELEASE_BODY_LIMIT, releaseNotesFromTag } from '../../actions/release/release-notes.ts';
import { SigningFixture, type GpgKey } from './signing-fixture.ts';

let fixture: SigningFixture;
let key: GpgKey;

beforeAll(async () => {
  fixture = await SigningFixture.create();
  key = await fixture.gpgKey('Release Manager <rm@example.invalid>', '1y');
});

afterAll(async () => {
  await fixture?.dispose();
});

/** The message the way the release action gets it from a checkout: %(contents) includes the signature. */
async function tagContents(tag: string): Promise<string> {
  return fixture.git('for-each-ref', '--format=%(contents)', `refs/tags/${tag}`);
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('releaseNotesFromTag with messages made by git', () => {
  it('turns the documented example into title 1.2 and the -m paragraphs, signature stripped', async () => {
    await fixture.gpgTag('1.2', key, '1.2', '- cool new feature A', '- fix crash on Fedora (rhbz#1234)');
    const contents = await tagContents('1.2');
    // What git stores: each -m is a paragraph, separated by one blank line, with a final newline.
    expect(contents).toMatch(
      /^1\.2\n\n- cool new feature A\n\n- fix crash on Fedora \(rhbz#1234\)\n-----BEGIN PGP SIGNATURE-----\n/,
    );
    expect(releaseNotesFromTag(contents, { version: '1.2' })).toEqual({
      title: '1.2',
      body: '- cool new feature A\n\n- fix crash on Fedora (rhbz#1234)',
      truncated: false,
    });
  });

  it('keeps Markdown as written; git itself drops # lines from -m unless told --cleanup=whitespace', async () => {
    const markdown = ['1.3', '## Features', '- **bold** `code`\n  - nested', '## Fixes', '- #42 fixed'];
    await fixture.gpgTag('1.3-default', key, ...markdown);
    await fixture.git(
      '-c',
      `user.signingkey=${key.fingerprint}`,
      'tag',
      '-s',
      '--cleanup=whitespace',
      '1.3',
      ...markdown.flatMap((m) => ['-m', m]),
    );
    expect(releaseNotesFromTag(await tagContents('1.3-default'), { version: '1.3' }).body).toBe(
      '- **bold** `code`\n  - nested\n\n- #42 fixed',
    );
    expect(releaseNotesFromTag(await tagContents('1.3'), { version: '1.3' })).toEqual({
      title: '1.3',
      body: '## Features\n\n- **bold** `code`\n  - nested\n\n## Fixes\n\n- #42 fixed',
      truncated: false,
    });
  });

  it('works on an SSH-signed tag', async () => {
    const ssh = await fixture.sshKey('releaser');
    await fixture.sshTag('1.4', ssh, '1.4: the SSH release', 'body');
    expect(releaseNotesFromTag(await tagContents('1.4'), { version: '1.4' })).toEqual({
      title: '1.4: the SSH release',
      body: 'body',
      truncated: false,
    });
  });
});

describe('releaseNotesFromTag', () => {
  it('uses a subject that says more than the version as the title', () => {
    expect(releaseNotesFromTag('Widget 2.0 "Aurora"\n\nBig one.\n', { version: '2.0' })).toEqual({
      title: 'Widget 2.0 "Aurora"',
      body: 'Big one.',
      truncated: false,
    });
  });

  it('falls back to the version for an empty message, and keeps a wrapped subject paragraph in the body', () => {
    expect(releaseNotesFromTag('', { version: '2.0' })).toEqual({ title: '2.0', body: '', truncated: false });
    expect(releaseNotesFromTag('\n\n2.0\nwith a second line\n\nmore\n', { version: '2.0' })).toEqual({
      title: '2.0',
      body: 'with a second line\n\nmore',
      truncated: false,
    });
  });

  it('appends the compare link as the last line', () => {
    const compareUrl = 'https://github.com/acme/widget/compare/1.1...1.2';
    expect(releaseNotesFromTag('1.2\n\n- A\n', { version: '1.2', compareUrl }).body).toBe(
      `- A\n\n**Full changes**: ${compareUrl}`,
    );
    expect(releaseNotesFromTag('1.2\n', { version: '1.2', compareUrl }).body).toBe(
      `**Full changes**: ${compareUrl}`,
    );
  });

  it("truncates a body over GitHub's limit at a line boundary, saying so and linking the tag", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `- change number ${i} ✓`);
    const tagUrl = 'https://github.com/acme/widget/releases/tag/1.2';
    const compareUrl = 'https://github.com/acme/widget/compare/1.1...1.2';
    const notes = releaseNotesFromTag(`1.2\n\n${lines.join('\n')}\n`, { version: '1.2', tagUrl, compareUrl });

    expect(notes.truncated).toBe(true);
    expect(bytes(notes.body)).toBeLessThanOrEqual(GITHUB_RELEASE_BODY_LIMIT);
    expect(bytes(notes.body)).toBeGreaterThan(GITHUB_RELEASE_BODY_LIMIT - 200);
    const [kept, notice, link] = notes.body.split('\n\n');
    const keptLines = kept!.split('\n');
    expect(keptLines).toEqual(lines.slice(0, keptLines.length));
    expect(notice).toBe(
      `_These notes were truncated to fit GitHub's size limit for release notes; the full notes are in [tag 1.2](${tagUrl})._`,
    );
    expect(link).toBe(`**Full changes**: ${compareUrl}`);
  });

  it('closes a code block the cut leaves open', () => {
    const message = `1.2\n\nIntro\n\n\`\`\`console\n${'$ make\n'.repeat(50)}\`\`\`\n`;
    const notes = releaseNotesFromTag(message, { version: '1.2', maxBytes: 300 });
    expect(notes.truncated).toBe(true);
    expect(bytes(notes.body)).toBeLessThanOrEqual(300);
    expect(notes.body).toMatch(/^Intro\n\n```console\n(\$ make\n)+```\n\n_These notes were truncated/);
    expect(notes.body).toContain('(git show 1.2)');
  });

  it('cuts inside a single overlong line only when no whole line fits', () => {
    const notes = releaseNotesFromTag(`1.2\n\n${'é'.repeat(500)}\n`, { version: '1.2', maxBytes: 400 });
    expect(notes.truncated).toBe(true);
    expect(bytes(notes.body)).toBeLessThanOrEqual(400);
    expect(notes.body).toMatch(/^é+\n\n_These notes were truncated/);
  });
});
