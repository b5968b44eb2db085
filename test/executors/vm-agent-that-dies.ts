/**
 * Runs one long job with the VM executor and never finishes: the test kills this process with SIGKILL, as a
 * crashed or OOM-killed agent would be, and checks what the next agent's reapLeftovers does.
 */
import { VmExecutor } from '../../runner-agent/src/executors/vm-executor.ts';

const [stateDir, workdir, image] = process.argv.slice(2) as [string, string, string];
const executor = new VmExecutor({ stateDir, accelerator: { mode: 'tcg', describe: 'TCG' } });
await executor.run(
  {
    jobId: 'doomed-vm-job',
    argv: ['sleep', '300'],
    workdir,
    env: { PATH: '/bin' },
    timeoutMs: 600_000,
    image,
  },
  {
    onOutput: () => undefined,
    onStarted: () => process.stdout.write('started\n'),
    signal: new AbortController().signal,
  },
);
