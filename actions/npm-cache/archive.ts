import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * node_modules as a gzip tarball, made and unpacked by the system tar (GNU tar on the hosted runners and on
 * GitLab's images): it keeps links, modes and the hidden lockfile exactly as npm wrote them.
 */
export async function createArchive(projectDir: string, file: string): Promise<void> {
  await run('tar', ['-czf', file, '-C', projectDir, 'node_modules'], { maxBuffer: 16 * 1024 * 1024 });
}

export class CorruptArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptArchiveError';
  }
}

/** Unpacks into `into` (which then holds node_modules/); a damaged archive is a CorruptArchiveError. */
export async function extractArchive(file: string, into: string): Promise<void> {
  try {
    await run('tar', ['-xzf', file, '-C', into, '--no-same-owner'], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    // tar's complaint, on one line for the log: "gzip: stdin: unexpected end of file; tar: …".
    const lines = [
      ...new Set(((error as { stderr?: string }).stderr ?? '').split('\n').map((l) => l.trim())),
    ];
    throw new CorruptArchiveError(lines.filter(Boolean).join('; ') || (error as Error).message);
  }
}
