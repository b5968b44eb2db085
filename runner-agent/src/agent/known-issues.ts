import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Known infrastructure failures, as Cockpit's bots keep them ("naughty" patterns): a project lists in
 * `.ironbots/known-issues.yml` the log patterns of flakes it has an issue for. A failed job whose log
 * matches one is run again (up to `retries` times, default 3) and, if it keeps failing, its status names the
 * issue; a failure that matches nothing is never retried.
 *
 *   - pattern: 'Connection reset by peer'        # a regular expression, matched against the job's log
 *     issue: https://github.com/acme/widget/issues/123
 *     retries: 3
 */
export const KNOWN_ISSUES_PATH = '.ironbots/known-issues.yml';

const KnownIssueSchema = z
  .object({
    pattern: z.string().min(1),
    issue: z.string().url(),
    retries: z.number().int().min(0).max(10).default(3),
  })
  .strict();

export interface KnownIssue {
  pattern: RegExp;
  issue: string;
  retries: number;
}

/** `#123` for an issue URL that ends in its number, else the URL. */
export function issueRef(issue: string): string {
  const number = /\/(?:issues|-\/issues)\/(\d+)\/?$/.exec(issue)?.[1];
  return number ? `#${number}` : issue;
}

/**
 * The checkout's known issues; none when it has no file. A file that cannot be read as a list of
 * {pattern, issue, retries} is reported through `problem` and ignored (never a failed job for it).
 */
export async function readKnownIssues(
  checkout: string,
  problem: (message: string) => void,
): Promise<KnownIssue[]> {
  let text: string;
  try {
    text = await readFile(path.join(checkout, KNOWN_ISSUES_PATH), 'utf8');
  } catch {
    return [];
  }
  return parseKnownIssues(text, problem);
}

/** A known-issues file's text as its entries; what cannot be used is reported through `problem`. */
export function parseKnownIssues(text: string, problem: (message: string) => void): KnownIssue[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    problem(`${KNOWN_ISSUES_PATH} is not YAML, ignored: ${(error as Error).message.split('\n')[0]}`);
    return [];
  }
  const parsed = z.array(KnownIssueSchema).safeParse(raw ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    problem(`${KNOWN_ISSUES_PATH} ignored: entry ${issue.path.join('.')}: ${issue.message}`);
    return [];
  }
  const issues: KnownIssue[] = [];
  for (const entry of parsed.data) {
    try {
      issues.push({ pattern: new RegExp(entry.pattern, 'm'), issue: entry.issue, retries: entry.retries });
    } catch (error) {
      problem(
        `${KNOWN_ISSUES_PATH}: pattern ${JSON.stringify(entry.pattern)} ignored: ${(error as Error).message}`,
      );
    }
  }
  return issues;
}

/** The first known issue whose pattern the log's tail matches. */
export function matchKnownIssue(issues: readonly KnownIssue[], logTail: string): KnownIssue | undefined {
  return issues.find((known) => known.pattern.test(logTail));
}

/**
 * The last `max` bytes of a job's output, for matching known issues without keeping the whole log: a ring
 * buffer that copies what it is given (chunks may be views of a buffer the executor reuses).
 */
export class OutputTail {
  readonly #ring: Buffer;
  /** Where the next byte goes; once the ring has wrapped, also where the oldest byte is. */
  #end = 0;
  #wrapped = false;

  constructor(max = 256 * 1024) {
    this.#ring = Buffer.alloc(max);
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const ring = this.#ring;
    if (bytes.length >= ring.length) {
      bytes.copy(ring, 0, bytes.length - ring.length);
      this.#end = 0;
      this.#wrapped = true;
      return;
    }
    const first = bytes.copy(ring, this.#end);
    if (first < bytes.length) {
      this.#end = bytes.copy(ring, 0, first);
      this.#wrapped = true;
    } else if ((this.#end += first) === ring.length) {
      this.#end = 0;
      this.#wrapped = true;
    }
  }

  text(): string {
    const ring = this.#ring;
    const bytes = this.#wrapped
      ? Buffer.concat([ring.subarray(this.#end), ring.subarray(0, this.#end)])
      : ring.subarray(0, this.#end);
    return bytes.toString('utf8');
  }
}
