/** The WAL checkpointer's thread (see WalCheckpointer): the checkpoint loop, away from the queue's thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { startCheckpoints } from './sqlite-wal-checkpointer.ts';

const { file, busyTimeoutMs, intervalMs } = workerData as {
  file: string;
  busyTimeoutMs: number;
  intervalMs: number;
};
const checkpoints = startCheckpoints(file, busyTimeoutMs, intervalMs);

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  checkpoints.close();
  parentPort!.close();
});
