/**
 * Task lists in pull request and merge request descriptions, as GitHub and GitLab render them: a line
 * `- [ ] text` (or `* [ ]`, `+ [ ]`) is a box to tick, `- [x] text` a ticked one. Lines inside fenced code
 * blocks show a task list rather than being one.
 */

export interface TaskLine {
  /** The text after the box, trimmed, with runs of spaces as one: `image-refresh debian-12`. */
  text: string;
  checked: boolean;
}

const TASK_LINE = /^(\s*[-*+]\s+\[)([ xX])(\]\s+)(.*?)\s*$/;

/** Every task line of the body, in order; code fences excluded. */
export function taskLines(body: string): TaskLine[] {
  const tasks: TaskLine[] = [];
  forEachTaskLine(body, (match) => {
    tasks.push({ text: normalized(match[4]!), checked: match[2] !== ' ' });
  });
  return tasks;
}

/**
 * The body with the first unchecked task line whose text is `text` ticked (`[ ]` → `[x]`), every other
 * byte as it was; null when there is no such unchecked line (ticked already, or gone).
 */
export function tickTask(body: string, text: string): string | null {
  const wanted = normalized(text);
  let offset: number | null = null;
  forEachTaskLine(body, (match, lineStart) => {
    if (offset === null && match[2] === ' ' && normalized(match[4]!) === wanted)
      offset = lineStart + match[1]!.length;
  });
  if (offset === null) return null;
  const at: number = offset;
  return `${body.slice(0, at)}x${body.slice(at + 1)}`;
}

function normalized(text: string): string {
  return text.trim().split(/\s+/).join(' ');
}

/** Calls `visit` with each task line's match and where the line starts in `body`. */
function forEachTaskLine(body: string, visit: (match: RegExpExecArray, lineStart: number) => void): void {
  let fenced = false;
  let lineStart = 0;
  for (const line of body.split('\n')) {
    const start = lineStart;
    lineStart += line.length + 1;
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    const trimmed = content.trim();
    if (trimmed.startsWith('```') || trimmed.startsWith('~~~')) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const match = TASK_LINE.exec(content);
    if (match) visit(match, start);
  }
}
