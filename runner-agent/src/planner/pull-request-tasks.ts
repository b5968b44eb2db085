import { taskLines } from '../../../forge/task-list.ts';

/**
 * Tasks in a pull request's description, as Cockpit's bots take them: an unchecked box whose text starts
 * with a task name (`- [ ] image-refresh debian-12`) is work for the bot, which ticks the box when done.
 * Every other task line is the people's own. Parsing only; the planner decides who may ask and what runs.
 */

export const IMAGE_REFRESH_TASK = 'image-refresh';

export interface PullRequestTask {
  /** The line's text after the box, as it is ticked: `image-refresh debian-12`. */
  text: string;
  args: string[];
}

/** At most this many tasks are taken from one description. */
const MAX_TASKS = 20;

/** The unchecked `image-refresh …` task lines of the body, each text once. */
export function uncheckedImageRefreshTasks(body: string): PullRequestTask[] {
  const seen = new Set<string>();
  const tasks: PullRequestTask[] = [];
  for (const line of taskLines(body)) {
    const [name, ...args] = line.text.split(' ');
    if (line.checked || name !== IMAGE_REFRESH_TASK || seen.has(line.text)) continue;
    seen.add(line.text);
    tasks.push({ text: line.text, args });
    if (tasks.length === MAX_TASKS) break;
  }
  return tasks;
}

/**
 * What an edit of the description asks for: the unchecked tasks that were not unchecked before it (a line
 * added, or a ticked box unticked to run it again). Boxes the edit left as they were ask for nothing new.
 */
export function newlyRequestedTasks(previous: string, current: string): PullRequestTask[] {
  const before = new Set(uncheckedImageRefreshTasks(previous).map((t) => t.text));
  return uncheckedImageRefreshTasks(current).filter((t) => !before.has(t.text));
}
