import type { FinalOutcome, JobRecord } from './job-records.ts';

/** A job record as both SQL stores keep it: one row, snake_case columns, epoch-millisecond times. */
export interface JobRecordRow {
  key: string;
  owner: string;
  name: string;
  sha: string;
  context: string;
  job_id: string | null;
  epoch: number;
  holder: string | null;
  state: 'open' | 'finished';
  final_state: FinalOutcome['state'] | null;
  final_description: string | null;
  target_url: string | null;
  published_at: number | null;
  publishing_holder: string | null;
  publishing_until: number | null;
  created_at: number;
  updated_at: number;
}

export function toRecord(row: JobRecordRow): JobRecord {
  return {
    key: row.key,
    target: { repo: { owner: row.owner, name: row.name }, sha: row.sha, context: row.context },
    jobId: row.job_id,
    epoch: Number(row.epoch),
    holder: row.holder,
    state: row.state,
    outcome:
      row.state === 'finished' && row.final_state
        ? {
            state: row.final_state,
            description: row.final_description ?? '',
            ...(row.target_url ? { targetUrl: row.target_url } : {}),
          }
        : null,
    publishedAt: row.published_at === null ? null : Number(row.published_at),
    publishing:
      row.publishing_holder && row.publishing_until !== null
        ? { holder: row.publishing_holder, until: Number(row.publishing_until) }
        : null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
