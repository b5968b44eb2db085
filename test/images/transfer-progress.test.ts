import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../core/sizes.ts';
import { transferProgress } from '../../runner-agent/src/images/transfer-progress.ts';

function output(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (t: string) => writes.push(t) } };
}

describe('transfer progress', () => {
  it('redraws one bar in place on a terminal, once per percent', () => {
    const { writes, stream } = output(true);
    let clock = 0;
    const progress = transferProgress('download x', stream, { now: () => clock });
    for (let done = 0; done <= 1000; done += 1) {
      clock += 10;
      progress.update(done, 1000);
    }
    progress.finish();
    expect(writes.length).toBe(102);
    expect(writes.every((w, i) => i === writes.length - 1 || w.startsWith('\rdownload x ['))).toBe(true);
    expect(writes.at(-2)).toMatch(/\[#+\] 100% 1000 B\/1000 B/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('writes a plain line now and then elsewhere, never carriage returns', () => {
    const { writes, stream } = output(false);
    let clock = 0;
    const progress = transferProgress('upload y', stream, { now: () => clock, plainEveryMs: 1000 });
    for (let done = 0; done <= 100; done++) {
      clock += 100;
      progress.update(done * 1024 * 1024, 100 * 1024 * 1024);
    }
    progress.finish();
    expect(writes.length).toBe(12);
    expect(writes.join('')).not.toContain('\r');
    expect(writes[1]).toMatch(/^upload y: 10% \(10 MiB of 100 MiB\) /);
    expect(writes.at(-1)).toBe('upload y: done, 100 MiB\n');
  });

  it('formats sizes', () => {
    expect([formatBytes(5), formatBytes(1536), formatBytes(3 * 1024 ** 3)]).toEqual([
      '5 B',
      '1.5 KiB',
      '3 GiB',
    ]);
  });
});
