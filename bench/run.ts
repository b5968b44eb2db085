/**
 * `npm run bench`: every figure beside a baseline measured in the same run, as a ratio.
 * Benchmarks are not tests: nothing here fails a build, and no test asserts a timing.
 */
import { benchActionColdStart } from './action-cold-start.ts';
import { benchAgentMemory } from './agent-memory.ts';
import { benchForgeRequest } from './forge-request.ts';
import { benchJobStartLatency } from './job-start-latency.ts';
import { benchLogStream } from './log-stream.ts';
import { benchNpmCacheRestore } from './npm-cache-restore.ts';
import { benchQueueLatency, benchQueueThroughput } from './queue-latency.ts';
import { benchReleaseAction } from './release-action.ts';
import { benchReleaseUpload } from './release-upload.ts';
import { benchRunnerStartup } from './runner-startup.ts';
import { benchScanCost } from './scan-cost.ts';
import { benchVmImageBuild } from './vm-image-build.ts';
import { benchVmJob } from './vm-job.ts';
import { benchVmOverlay } from './vm-overlay.ts';
import { benchWebhookIntake } from './webhook-intake.ts';

const only = process.argv[2];
const benchmarks: Record<string, () => Promise<void>> = {
  'webhook-intake': () => benchWebhookIntake(),
  'job-start': () => benchJobStartLatency(),
  'queue-latency': () => benchQueueLatency(),
  'queue-throughput': () => benchQueueThroughput(),
  'vm-overlay': () => benchVmOverlay(),
  'vm-job': () => benchVmJob(),
  'vm-image-build': () => benchVmImageBuild(),
  'runner-startup': () => benchRunnerStartup(),
  'release-action': () => benchReleaseAction(),
  'release-upload': () => benchReleaseUpload(),
  'npm-cache': () => benchNpmCacheRestore(),
  'action-cold-start': () => benchActionColdStart(),
  'log-stream': () => benchLogStream(),
  'agent-memory': () => benchAgentMemory(),
  'scan-cost': () => benchScanCost(),
  'forge-request': () => benchForgeRequest(),
};

console.log(
  `ironbots benchmarks — node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} cores\n`,
);
for (const [name, run] of Object.entries(benchmarks)) {
  if (only && only !== name) continue;
  await run();
  console.log();
}
