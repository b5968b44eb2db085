import { describe, expect, it } from 'vitest';
import {
  BOT_COMMENT_MARKER,
  parseCommands,
  quoted,
  replyBody,
  replyMarker,
} from '../../runner-agent/src/planner/comment-commands.ts';

describe('commands in comments', () => {
  it('reads each line that starts with /word, its arguments split on spaces', () => {
    expect(parseCommands('Thanks!\n  /retest unit  lint\r\n/Approve\n/image-refresh debian-12')).toEqual([
      { name: 'retest', args: ['unit', 'lint'] },
      { name: 'approve', args: [] },
      { name: 'image-refresh', args: ['debian-12'] },
    ]);
  });

  it('leaves out prose, paths, quotes and fenced code', () => {
    const body = [
      'Run it with /retest later.',
      '/usr/bin/env is used',
      '> /retest',
      '```',
      '/retest unit',
      '```',
      '/1 is not a command',
    ].join('\n');
    expect(parseCommands(body)).toEqual([]);
  });

  it('keeps unknown words (for the reply that lists the commands) and takes at most ten', () => {
    expect(parseCommands('/frobnicate now')).toEqual([{ name: 'frobnicate', args: ['now'] }]);
    expect(parseCommands(Array.from({ length: 30 }, () => '/retest').join('\n')).length).toBe(10);
  });

  it('marks replies, and quotes comment text so that it cannot close the code span or start a line', () => {
    expect(replyBody(['a', 'b'], 'github:d-1')).toBe(
      `${BOT_COMMENT_MARKER}\n<!-- ironbots: reply to github:d-1 -->\na\nb`,
    );
    // A delivery id comes from a header: it cannot end the HTML comment.
    expect(replyMarker('gitlab:x --> <b>')).toBe('<!-- ironbots: reply to gitlab:x_--___b_ -->');
    expect(quoted('x`\n/approve')).toBe('`x  /approve`');
  });
});
