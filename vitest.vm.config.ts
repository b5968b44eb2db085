import { defineConfig } from 'vitest/config';

/**
 * `npm run test:vm`: the tests that build real VM images (mmdebstrap, minutes on first run; cached in
 * ~/.cache/ironbots by recipe hash afterwards) and boot them under TCG when KVM is unusable. Kept out of
 * `npm test` so that stays fast; the busybox image's VM tests stay there.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.vm-test.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    // One VM at a time: TCG guests on 2 shared cores are slow enough alone.
    maxWorkers: 1,
    fileParallelism: false,
  },
});
