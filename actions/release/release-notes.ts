import { splitSignature } from './tag-signature.ts';

/**
 * Release notes come from the signed tag's message, so what gets published is what the maintainer signed:
 * `git tag -s 1.2 -m '1.2' -m '- cool new feature A' -m '- fix crash on Fedora (rhbz#1234)'`.
 *
 * The message is taken as git stored it. git has already applied its cleanup when the tag was made (with
 * `-m` or an editor it drops `#` lines, so Markdown headings need `git tag --cleanup=whitespace`); stripping
 * anything again here would lose text the maintainer kept on purpose.
 */

/** GitHub refuses a release body over 125000 characters. */
export const GITHUB_RELEASE_BODY_LIMIT = 125_000;

export interface ReleaseNotesOptions {
  /** The version being released; the title when the tag's subject is empty or just the version. */
  version: string;
  /** Appended as a last line, e.g. https://github.com/acme/widget/compare/1.1...1.2 */
  compareUrl?: string;
  /** Where the full message can be read when the body had to be truncated. */
  tagUrl?: string;
  /**
   * Size limit of the body in UTF-8 bytes. GitHub counts characters; a character is at least one byte, so a
   * byte budget of the same number can never exceed the limit, whichever way characters are counted.
   */
  maxBytes?: number;
}

export interface ReleaseNotes {
  title: string;
  body: string;
  truncated: boolean;
}

export function releaseNotesFromTag(message: string, options: ReleaseNotesOptions): ReleaseNotes {
  const maxBytes = options.maxBytes ?? GITHUB_RELEASE_BODY_LIMIT;
  const lines = splitSignature(message).payload.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  const subject = (lines.shift() ?? '').trim();
  // The rest of the first paragraph (if the subject wrapped) stays in the body: nothing signed is dropped.
  while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();

  const title = subject === '' || subject === options.version ? options.version : subject;
  const compareLine = options.compareUrl ? `**Full changes**: ${options.compareUrl}` : '';
  const body = [lines.join('\n'), compareLine].filter((part) => part !== '').join('\n\n');
  if (byteLength(body) <= maxBytes) return { title, body, truncated: false };

  const where = options.tagUrl
    ? `[tag ${options.version}](${options.tagUrl})`
    : `the message of tag ${options.version} (git show ${options.version})`;
  const suffix =
    `\n\n_These notes were truncated to fit GitHub's size limit for release notes; the full notes are in ${where}._` +
    (compareLine ? `\n\n${compareLine}` : '');
  const kept = keepWholeLines(lines, maxBytes - byteLength(suffix));
  for (;;) {
    while (kept.length > 0 && kept[kept.length - 1]!.trim() === '') kept.pop();
    // A cut inside a fenced code block would swallow the notice into the code: close the block.
    const openFence = unclosedFence(kept);
    const truncated = kept.join('\n') + (openFence ? `\n${openFence}` : '') + suffix;
    if (kept.length === 0) return { title, body: truncated.trimStart(), truncated: true };
    if (byteLength(truncated) <= maxBytes) return { title, body: truncated, truncated: true };
    kept.pop();
  }
}

/** The longest run of leading lines within the budget; a single overlong first line is cut inside. */
function keepWholeLines(lines: readonly string[], budget: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const cost = byteLength(line) + (kept.length > 0 ? 1 : 0);
    if (used + cost > budget) break;
    kept.push(line);
    used += cost;
  }
  if (kept.length === 0 && lines.length > 0 && budget > 0) {
    let prefix = '';
    for (const char of lines[0]!) {
      if (byteLength(prefix + char) > budget) break;
      prefix += char;
    }
    if (prefix) kept.push(prefix);
  }
  return kept;
}

/** The fence that closes the last open fenced code block, or '' when none is open. */
function unclosedFence(lines: readonly string[]): string {
  let open = '';
  for (const line of lines) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (!fence) continue;
    if (!open) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = '';
  }
  return open;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
