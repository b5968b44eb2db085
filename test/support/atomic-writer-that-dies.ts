/**
 * Rewrites one large file over and over, atomically or (for comparison) with a plain write, and says so on
 * stdout before each round: the test kills this process with SIGKILL in the middle of a write.
 */
import { writeFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../../core/files.ts';

const [file, mode] = process.argv.slice(2) as [string, 'atomic' | 'plain'];
const size = 16 * 1024 * 1024;
for (let round = 0; ; round++) {
  // Every round's content is one repeated byte: a torn file is one with a wrong length.
  const content = Buffer.alloc(size, 97 + (round % 26));
  process.stdout.write(`round ${round}\n`);
  if (mode === 'atomic') writeFileAtomicSync(file, content);
  else writeFileSync(file, content);
}
