import type { Readable } from 'node:stream';

/**
 * Job logs and their outcome. The store is shared by agents (which write) and the server (which answers
 * "how did job X end"), so it also holds each job's final state. Every implementation passes
 * test/logs/log-store-contract.ts.
 */

export type JobLogState = 'running' | 'success' | 'failure' | 'error' | 'cancelled';

export interface JobLogMeta {
  jobId: string;
  context: string;
  state: JobLogState;
  agent: string;
  attempt: number;
  /** ISO timestamps. */
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  /** Output bytes past the log's size cap, dropped (counted only); absent when nothing was. */
  droppedBytes?: number;
  /** The same text as the final commit status description. */
  description?: string;
  /** The commit under test (`owner/name`, sha, pull request number) and its web pages, for the viewer's links. */
  repository?: string;
  sha?: string;
  pullRequest?: number;
  commitUrl?: string;
  pullRequestUrl?: string;
  /** A cross-project job's infrastructure pull request (`owner/name#12`), its commit, and its web page. */
  infra?: string;
  infraSha?: string;
  infraUrl?: string;
}

/** Room every log keeps for its closing line, so a capped log still says how the job ended. */
export const CLOSING_LINE_BYTES = 512;

export interface LogWriter {
  /**
   * Appends output, buffered; secrets are redacted before anything is stored. Copies what it keeps: the
   * caller may reuse its buffer once this returns.
   */
  append(chunk: Buffer | string): void;
  /**
   * A promise while the writer holds more output than it should (its store is slower than the job): a source
   * that can wait (a pipe) reads no more until it settles. Undefined when it may go on.
   */
  backlog(): Promise<void> | undefined;
  /** Makes everything appended so far readable. */
  flush(): Promise<void>;
  /**
   * Flushes and records the final state; the log is complete afterwards. `closingLine` (ironbots' verdict,
   * at most CLOSING_LINE_BYTES) is written last, on a line of its own, even when the log reached its size
   * cap: room is kept for it.
   */
  finish(meta: Pick<JobLogMeta, 'state'> & Partial<JobLogMeta>, closingLine?: string): Promise<void>;
}

export interface LogChunk {
  data: Buffer;
  /** Offset of the first byte after `data`: pass it back to read on. */
  nextOffset: number;
  complete: boolean;
}

export interface ArtifactInfo {
  /** Relative to the job's $IRONBOTS_ARTIFACTS, `/`-separated (artifact-path.ts says what is allowed). */
  path: string;
  bytes: number;
}

/** Files a job left in $IRONBOTS_ARTIFACTS, kept beside its log and expiring with it. */
export interface JobArtifacts {
  /** Stores the local file `file` as the job's artifact `artifactPath`, replacing one of that path. */
  putArtifact(jobId: string, artifactPath: string, file: string): Promise<void>;
  /** The job's artifacts, sorted by path; empty for a job without any (or an unknown job). */
  listArtifacts(jobId: string): Promise<ArtifactInfo[]>;
  /** An artifact's bytes, or null when the job has no artifact at that path. */
  readArtifact(jobId: string, artifactPath: string): Promise<{ body: Readable; bytes: number } | null>;
}

/** Logs and artifacts do not stay forever. */
export interface LogExpiry {
  /**
   * Removes log, meta and artifacts of every job that finished before `before` (a job that never finished:
   * that started before it; its agent is long gone). Returns how many jobs went.
   */
  prune(before: Date): Promise<{ jobs: number }>;
}

export interface LogStore extends JobArtifacts, LogExpiry {
  create(meta: JobLogMeta): Promise<LogWriter>;
  /** Bytes from `offset` on, or null for an unknown job. */
  read(jobId: string, offset?: number): Promise<LogChunk | null>;
  meta(jobId: string): Promise<JobLogMeta | null>;
}

/** When a job's log expires: it finished (or, never finished, started) this long ago. */
export function jobLogTime(meta: JobLogMeta): number {
  return Date.parse(meta.finishedAt ?? meta.startedAt);
}
