import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from './logger.ts';

/** Lower-case hex sha256 of a file's contents, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

const TEMP_MARKER = '.tmp-';

/** Whether a directory entry is the temporary file of an atomic write (a crash may leave one behind). */
export function isAtomicWriteTempFile(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

function tempNameFor(file: string): string {
  return `${file}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Replaces `file` so that after a crash at any moment it holds either the old or the new contents in full:
 * write a temporary file next to it, fsync, rename over the target, fsync the directory (the rename itself).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = tempNameFor(file);
  try {
    const handle = await open(temp, 'w', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** `writeFileAtomic` for callers that must have the file in place before they go on (e.g. right after spawn). */
export function writeFileAtomicSync(
  file: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): void {
  const temp = tempNameFor(file);
  try {
    const fd = openSync(temp, 'w', options.mode ?? 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let written = 0; written < bytes.length;)
        written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Anything with zod's `parse`: throws when the value is not what the caller expects. */
export interface Validator<T> {
  parse(value: unknown): T;
}

/**
 * Reads back a JSON state file written before a crash. Missing: undefined. Empty, torn, not JSON or not
 * what `schema` accepts: the file is removed with a warning and undefined returned, because a state file
 * we cannot read must never keep the program from starting.
 */
export async function readJsonStateFile<T>(
  file: string,
  schema: Validator<T>,
  logger: Logger,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let problem: string;
  if (text.trim() === '') {
    problem = 'the file is empty';
  } else {
    try {
      return schema.parse(JSON.parse(text));
    } catch (error) {
      problem = firstLine((error as Error).message);
    }
  }
  logger.warn({ file, problem }, 'removing a state file that cannot be read (left torn by a crash?)');
  await rm(file, { force: true });
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
