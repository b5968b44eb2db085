/**
 * The enqueue writer's thread: owns its own connection to the queue file and commits each batch it is
 * sent in one `synchronous=FULL` transaction. Running here, the fsync of COMMIT blocks this thread only;
 * the main thread keeps accepting requests, and what arrives meanwhile becomes the next batch.
 */
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { EnqueueBatch, EnqueueBatchResult } from './sqlite-enqueue-writer.ts';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
// Webhook payloads are large (10–30 KB): checkpoint the WAL every ~32 MB rather than every 4 MB, so the
// writer spends its time on commits, not on copying pages back into the database file.
db.exec('PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 8000;');
const idByDedupKey = db.prepare('SELECT id FROM messages WHERE queue = ? AND dedup_key = ?');
const insert = db.prepare(
  `INSERT INTO messages (id, queue, payload, labels, priority, state, attempt, max_attempts, available_at, enqueued_at, dedup_key)
   VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
);
const purgeDone = db.prepare(
  `DELETE FROM messages WHERE queue = ? AND state IN ('done', 'cancelled') AND finished_at < ?`,
);

parentPort!.on('message', (batch: EnqueueBatch | 'close') => {
  if (batch === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: EnqueueBatchResult;
  try {
    db.exec('BEGIN IMMEDIATE');
    if (batch.purgeBefore !== undefined) purgeDone.run(batch.queue, batch.purgeBefore);
    const results = batch.items.map((item) => {
      // Inside the transaction this also sees rows inserted earlier in the same batch.
      const existing =
        item.dedupKey === null
          ? undefined
          : (idByDedupKey.get(batch.queue, item.dedupKey) as { id: string } | undefined);
      if (existing) return { id: existing.id, duplicate: true };
      const id = randomUUID();
      insert.run(
        id,
        batch.queue,
        item.payloadJson,
        item.labels,
        item.priority,
        item.maxAttempts,
        item.availableAt,
        batch.now,
        item.dedupKey,
      );
      return { id, duplicate: false };
    });
    db.exec('COMMIT');
    reply = { seq: batch.seq, results };
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    reply = { seq: batch.seq, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
