import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonStateFile, writeFileAtomic, writeFileAtomicSync } from '../../core/files.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { withTempDir } from '../support/temp-dir.ts';

const Record = z.object({ pgid: z.number() });

describe('atomic writes', () => {
  it('replaces the contents, keeps the mode and leaves no temporary file', async () => {
    const tmp = await withTempDir();
    const file = path.join(tmp.dir, 'state.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, '{"pgid":1}', { mode: 0o600 });
    expect(await readFile(file, 'utf8')).toBe('{"pgid":1}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    writeFileAtomicSync(file, '{"pgid":2}');
    expect(await readFile(file, 'utf8')).toBe('{"pgid":2}');
    expect(await readdir(tmp.dir)).toEqual(['state.json']);
    await tmp.remove();
  });

  it('leaves the old or the new contents in full when the writer is killed mid-write', async () => {
    const tmp = await withTempDir();
    const file = path.join(tmp.dir, 'big.bin');
    const size = 16 * 1024 * 1024;
    for (let trial = 0; trial < 4; trial++) {
      const writer = spawn(
        process.execPath,
        [path.join(import.meta.dirname, '../support/atomic-writer-that-dies.ts'), file, 'atomic'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      // Kill it as soon as a round after the first has started: the file exists and is being replaced.
      await new Promise<void>((resolve) =>
        createInterface({ input: writer.stdout! }).on('line', (line) => {
          if (line === `round ${1 + trial}`) {
            writer.kill('SIGKILL');
            resolve();
          }
        }),
      );
      await new Promise((resolve) => writer.once('close', resolve));
      const content = await readFile(file);
      expect(content.length).toBe(size);
      expect(content.every((byte) => byte === content[0])).toBe(true);
    }
    await tmp.remove();
  });
});

describe('reading back a state file', () => {
  it('returns what was written, and undefined for a missing file', async () => {
    const tmp = await withTempDir();
    const { logger } = capturingLogger();
    const file = path.join(tmp.dir, 'r.json');
    expect(await readJsonStateFile(file, Record, logger)).toBeUndefined();
    await writeFileAtomic(file, '{"pgid":7}');
    expect(await readJsonStateFile(file, Record, logger)).toEqual({ pgid: 7 });
    await tmp.remove();
  });

  it.each([
    ['empty', ''],
    ['torn', '{"pgid":'],
    ['of the wrong shape', '{"pid":"x"}'],
    ['binary garbage', '\u0000\u0000\u0000'],
  ])('removes a file that is %s, with a warning naming it', async (_what, text) => {
    const tmp = await withTempDir();
    const { logger, entries } = capturingLogger();
    const file = path.join(tmp.dir, 'r.json');
    await writeFile(file, text);
    expect(await readJsonStateFile(file, Record, logger)).toBeUndefined();
    expect(await readdir(tmp.dir)).toEqual([]);
    const warning = entries().find((e) => e.level === 40);
    expect(warning).toMatchObject({ file, msg: expect.stringMatching(/cannot be read/) });
    await tmp.remove();
  });
});
