import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskLines, tickTask } from '../../forge/task-list.ts';
import {
  newlyRequestedTasks,
  uncheckedImageRefreshTasks,
} from '../../runner-agent/src/planner/pull-request-tasks.ts';

const BODY = [
  'Intro with - [ ] image-refresh not-a-task in the middle of a line.',
  '',
  '- [ ] image-refresh debian-12',
  '  * [X] image-refresh   fedora-40  ',
  '+ [ ] image-refresh arch',
  '- [ ] Image-refresh windows',
  '- [ ] image-refreshing docs',
  '> - [ ] image-refresh quoted',
  '~~~markdown',
  '- [ ] image-refresh fenced',
  '~~~',
  '- [ ] image-refresh debian-12',
  '-[ ] image-refresh no-space',
].join('\r\n');

describe('task lists in descriptions', () => {
  it('finds the task lines outside code fences, ticked or not, with their text as one-spaced words', () => {
    expect(taskLines(BODY)).toEqual([
      { text: 'image-refresh debian-12', checked: false },
      { text: 'image-refresh fedora-40', checked: true },
      { text: 'image-refresh arch', checked: false },
      { text: 'Image-refresh windows', checked: false },
      { text: 'image-refreshing docs', checked: false },
      { text: 'image-refresh debian-12', checked: false },
    ]);
  });

  it('takes the unchecked image-refresh boxes, each once; an edit asks only for boxes it added or unticked', () => {
    expect(uncheckedImageRefreshTasks(BODY)).toEqual([
      { text: 'image-refresh debian-12', args: ['debian-12'] },
      { text: 'image-refresh arch', args: ['arch'] },
    ]);
    const before = '- [ ] image-refresh debian-12\n- [x] image-refresh arch\n';
    const after = '- [ ] image-refresh debian-12\n- [ ] image-refresh arch\n- [ ] image-refresh new\n';
    expect(newlyRequestedTasks(before, after).map((t) => t.text)).toEqual([
      'image-refresh arch',
      'image-refresh new',
    ]);
    // Ticking a box (the bot's own edit) asks for nothing.
    expect(
      newlyRequestedTasks(after, after.replace('- [ ] image-refresh new', '- [x] image-refresh new')),
    ).toEqual([]);
  });

  it('ticks the first unticked line of that text and leaves every other byte alone', () => {
    const ticked = tickTask(BODY, 'image-refresh  debian-12');
    expect(ticked).toBe(BODY.replace('- [ ] image-refresh debian-12', '- [x] image-refresh debian-12'));
    expect(ticked!.length).toBe(BODY.length);
    // The second line of the same text is next; a fenced one never.
    const twice = tickTask(ticked!, 'image-refresh debian-12')!;
    expect(twice.split('\r\n').at(-2)).toBe('- [x] image-refresh debian-12');
    expect(tickTask(twice, 'image-refresh debian-12')).toBeNull();
    expect(tickTask(BODY, 'image-refresh fenced')).toBeNull();
    expect(tickTask(BODY, 'image-refresh fedora-40')).toBeNull();
    expect(tickTask('  * [ ] image-refresh x\n', 'image-refresh x')).toBe('  * [x] image-refresh x\n');
  });

  it("reads the README's example description as the README says", async () => {
    const readme = await readFile(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('#### Tasks in the pull request description'));
    const example = /```markdown\n([\s\S]*?)```/.exec(section)![1]!;
    expect(uncheckedImageRefreshTasks(example).map((t) => t.text)).toEqual([
      'image-refresh debian-12',
      'image-refresh fedora-40',
    ]);
  });
});
