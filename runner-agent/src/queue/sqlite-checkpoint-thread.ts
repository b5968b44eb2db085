/**
 * The WAL checkpointer's thread: its own connection to the queue file runs a PASSIVE checkpoint every
 * `intervalMs`. A checkpoint first fsyncs the WAL (what makes recent commits survive power loss), then copies
 * its pages into the database file. PASSIVE never takes the write lock, so the queue keeps committing on its
 * own thread meanwhile; this thread is the one that waits for the disk.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { file, busyTimeoutMs, intervalMs } = workerData as {
  file: string;
  busyTimeoutMs: number;
  intervalMs: number;
};
const db = new DatabaseSync(file, { timeout: busyTimeoutMs });
// NORMAL (or FULL) is what makes a checkpoint fsync; this connection commits nothing itself.
db.exec('PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch {
    // A transient error (I/O, locking): the next round tries again. Another connection checkpointing at the
    // same time is not one: PASSIVE then reports busy and returns.
  }
}, intervalMs);

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
