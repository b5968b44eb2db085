/**
 * Runs one long job with the process executor and never finishes: the test kills this process with
 * SIGKILL, as a crashed or OOM-killed agent would be.
 */
import { ProcessExecutor } from '../../runner-agent/src/executors/process-executor.ts';

const [leftoverDir, workdir] = process.argv.slice(2) as [string, string];
const executor = new ProcessExecutor({ leftoverDir });
await executor.run(
  {
    jobId: 'doomed-job',
    argv: ['sh', '-c', 'sleep 300 & sleep 300'],
    workdir,
    env: { PATH: '/usr/bin:/bin' },
    timeoutMs: 600_000,
  },
  {
    onOutput: () => undefined,
    onStarted: () => process.stdout.write('started\n'),
    signal: new AbortController().signal,
  },
);
