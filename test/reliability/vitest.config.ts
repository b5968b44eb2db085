import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: every scenario of the reliability suite, the long ones (`*.long.ts`) too,
 * with many trials, one file at a time (trials measure the product, not a crowded machine), and a table
 * of counts at the end. Trials: IRONBOTS_RELIABILITY_TRIALS (fast scenarios, default 100) and
 * IRONBOTS_RELIABILITY_SLOW_TRIALS (the forge outage and the dead-lettered job, default 10).
 */
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/reliability/**/*.test.ts', 'test/reliability/**/*.long.ts'],
    setupFiles: ['test/setup/network-guard.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts', './test/reliability/tally-reporter.ts'],
    env: {
      IRONBOTS_RELIABILITY_TRIALS: process.env.IRONBOTS_RELIABILITY_TRIALS ?? '100',
      IRONBOTS_RELIABILITY_SLOW_TRIALS: process.env.IRONBOTS_RELIABILITY_SLOW_TRIALS ?? '10',
    },
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
