import type { JobLogMeta } from '../../runner-agent/src/logs/log-store.ts';

/** The metadata an agent writes when a job starts. */
export function runningJobMeta(jobId: string): JobLogMeta {
  return {
    jobId,
    context: 'unit',
    state: 'running',
    agent: 'a',
    attempt: 1,
    startedAt: new Date().toISOString(),
  };
}
