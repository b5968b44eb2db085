/**
 * Bot commands in pull request and merge request comments: a line that starts with `/word`. Parsing only;
 * the planner decides who may command and what runs. Arguments are words, never a shell line: they end up
 * as argv elements or are refused (see the planner).
 */

export interface CommentCommand {
  /** The word after the slash, lower case. */
  name: string;
  args: string[];
}

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  retest: '`/retest [context…]`: run the named contexts again at the current head, or every failed one',
  approve:
    '`/approve [commit]`: test this head commit of a pull request from a fork (a new push needs a new approval)',
  'image-refresh': '`/image-refresh <image>`: build, boot-test and upload the image, and propose it',
};

/**
 * Every reply of the bot starts with this (invisible in rendered Markdown): comments that carry it are the
 * bot's own and are never read for commands.
 */
export const BOT_COMMENT_MARKER = '<!-- ironbots -->';

/** At most this many commands are taken from one comment. */
const MAX_COMMANDS = 10;
/** And at most this many arguments from one line. */
const MAX_ARGS = 50;

/**
 * The commands in a comment: each line that starts (after spaces) with `/` and a letter. Lines inside
 * fenced code blocks and quotes (`>`) are someone showing a command, not giving one.
 */
export function parseCommands(body: string): CommentCommand[] {
  const commands: CommentCommand[] = [];
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('```') || line.startsWith('~~~')) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const match = /^\/([A-Za-z][A-Za-z0-9_-]*)(?:\s+(.*))?$/.exec(line);
    if (!match) continue;
    commands.push({
      name: match[1]!.toLowerCase(),
      args: (match[2] ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_ARGS),
    });
    if (commands.length === MAX_COMMANDS) break;
  }
  return commands;
}

export function isKnownCommand(name: string): boolean {
  return Object.hasOwn(COMMAND_HELP, name);
}

/**
 * The hidden line of a reply that names the request it answers (the delivery): the same request handled
 * again, as when its event is delivered again after a planner died before acknowledging it, finds its reply
 * and posts none.
 */
export function replyMarker(request: string): string {
  return `<!-- ironbots: reply to ${request.replace(/[^A-Za-z0-9:._-]/g, '_')} -->`;
}

/** A reply comment: the marker, the request it answers, then the lines. */
export function replyBody(lines: string[], request: string): string {
  return [BOT_COMMENT_MARKER, replyMarker(request), ...lines].join('\n');
}

/** Text from a comment quoted in a reply: inline code, with no way to close it or start a line. */
export function quoted(text: string): string {
  const clean = text.replace(/[`\r\n]/g, ' ').slice(0, 100);
  return `\`${clean}\``;
}
