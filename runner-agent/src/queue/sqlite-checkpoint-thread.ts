/** The WAL checkpointer's thread (see WalCheckpointer): the checkpoint loop, away from the queue's thread. */
import { parentPort, workerData } from 'node:worker_threads';
import {
  startCheckpoints,
  type CheckpointerMessage,
  type CheckpointThreadMessage,
} from './sqlite-wal-checkpointer.ts';

const { file, busyTimeoutMs, intervalMs, restartFrames } = workerData as {
  file: string;
  busyTimeoutMs: number;
  intervalMs: number;
  restartFrames: number;
};
const checkpoints = startCheckpoints(file, busyTimeoutMs, intervalMs, {
  restartFrames,
  onLongWal: () => parentPort!.postMessage('wal-long' satisfies CheckpointerMessage),
});

parentPort!.on('message', (message: CheckpointThreadMessage) => {
  if (message === 'drain') {
    checkpoints.drain();
    parentPort!.postMessage('drained' satisfies CheckpointerMessage);
  } else if (message === 'close') {
    checkpoints.close();
    parentPort!.close();
  }
});
