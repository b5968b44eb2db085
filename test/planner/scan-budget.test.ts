import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { PASSED, ScanStores, ScanWorld, newJobs, sumOf, tally } from '../support/scan-world.ts';
import { withTempDir } from '../support/temp-dir.ts';

/** Open pull requests: more than two pages of 100. */
const N = 250;
/** Pull requests that get a new push between scans: 5 %. */
const CHANGED = Math.ceil(N / 20);
const PAGES = Math.ceil(N / 100);

/**
 * The scanner's request budget against the GitHub emulator over HTTP, with the real forge client, queue,
 * job records and planned heads: what a first scan, an unchanged one and one after 5 % of the pull
 * requests moved cost, counted by the emulator.
 */
describe(`scanning ${N} open pull requests within the rate limit`, () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let world: ScanWorld;

  beforeAll(async () => {
    tmp = await withTempDir();
    world = await ScanWorld.open(tmp.dir, N);
  }, 600_000);

  afterAll(async () => {
    await world?.stop();
    await tmp?.remove();
  });

  it('costs the list pages alone for an unchanged scan, and a constant more per changed pull request', async () => {
    const { emulator, forge, repository, heads } = world;
    const state = path.join(tmp.dir, 'state');
    const stores = await ScanStores.open(world, state);
    const { jobs } = stores;
    let planner = stores.planner();
    const figures: string[] = [];
    const scan = async (what: string) => {
      emulator.resetRequestCounts();
      const results = await planner.scanRepository(repository);
      const counts = emulator.requestCounts();
      figures.push(`${what}: ${counts.total} requests (${counts.notModified} answered 304)`);
      return { results, counts, kinds: tally(results) };
    };
    try {
      // First scan: every pull request is new, its config and statuses read, "Not yet tested" posted.
      const first = await scan('first scan');
      expect(first.kinds).toEqual({ planned: N });
      expect(newJobs(first.results)).toBe(N);
      expect(first.counts.endpoints['GET /repos/acme/widget/pulls']).toEqual({
        total: PAGES,
        notModified: 0,
      });
      expect(first.counts.total).toBe(PAGES + 3 * N);

      expect(await stores.runQueuedJobs()).toBe(N);
      // The next scan sees every job ended and shown: the pages are 304s, each pull request read once more.
      const confirming = await scan('scan after the jobs ended');
      expect(confirming.kinds).toEqual({ planned: N });
      expect(newJobs(confirming.results)).toBe(0);
      expect(confirming.counts.endpoints['GET /repos/acme/widget/pulls']).toEqual({
        total: PAGES,
        notModified: PAGES,
      });
      expect(confirming.counts.total).toBe(PAGES + 2 * N);

      // Unchanged: the list's pages, all 304s, and nothing else.
      const unchanged = await scan('unchanged scan');
      expect(unchanged.kinds).toEqual({ unchanged: N });
      expect(unchanged.counts.total).toBeLessThanOrEqual(PAGES + 1);
      expect(unchanged.counts).toEqual({
        total: PAGES,
        notModified: PAGES,
        endpoints: { 'GET /repos/acme/widget/pulls': { total: PAGES, notModified: PAGES } },
      });

      // 5 % get a new push: the pages that show them change, and each changed pull request costs its
      // config, its statuses and one "Not yet tested".
      const moved = [...heads.keys()].filter((n) => n % 20 === 7).slice(0, CHANGED);
      expect(moved).toHaveLength(CHANGED);
      await world.push(moved, 'two');
      const afterPush = await scan(`scan after ${CHANGED} pull requests moved`);
      expect(afterPush.kinds).toEqual({ planned: CHANGED, unchanged: N - CHANGED });
      expect(newJobs(afterPush.results)).toBe(CHANGED);
      expect(afterPush.counts.total).toBeLessThanOrEqual(PAGES + 1 + 3 * CHANGED);
      expect(sumOf(afterPush.counts, /^GET \/repos\/acme\/widget\/contents\//)).toBe(CHANGED);
      expect(sumOf(afterPush.counts, /^GET \/repos\/acme\/widget\/commits\/\w+\/status$/)).toBe(CHANGED);
      expect(sumOf(afterPush.counts, /^POST \/repos\/acme\/widget\/statuses\//)).toBe(CHANGED);
      for (const n of moved)
        expect(await forge.listCommitStatuses(repository, heads.get(n)!)).toEqual([
          expect.objectContaining({ context: 'unit', state: 'pending', description: NOT_YET_TESTED }),
        ]);

      expect(await stores.runQueuedJobs()).toBe(CHANGED);
      await scan('scan after those jobs ended');
      const settledAgain = await scan('unchanged scan again');
      expect(settledAgain.kinds).toEqual({ unchanged: N });
      expect(settledAgain.counts.total).toBe(PAGES);

      // The memory is lost (a new server with an empty store): every pull request is planned again, at the
      // cost of reading each once, with no new job and no status posted over a verdict.
      planner = stores.planner(new SqlitePlannedHeads({ path: path.join(state, 'planned-heads-new.db') }));
      const statsBefore = await jobs.stats();
      const lost = await scan('scan with the memory lost');
      expect(lost.kinds).toEqual({ planned: N });
      expect(newJobs(lost.results)).toBe(0);
      expect(lost.results.get(1)).toMatchObject({ jobs: [], skipped: ['unit'], settled: true });
      expect(sumOf(lost.counts, /^POST /)).toBe(0);
      expect(lost.counts.total).toBe(PAGES + 2 * N);
      expect(await jobs.stats()).toEqual(statsBefore);
      for (const n of [1, moved[0]!, N])
        expect(
          (await forge.listCommitStatusHistory(repository, heads.get(n)!)).map((s) => s.description),
        ).toEqual([NOT_YET_TESTED, PASSED]);
      expect((await scan('unchanged scan with the new memory')).counts.total).toBe(PAGES);
      // Figures for whoever reads the test's output.
      console.log(`${N} open pull requests, ${CHANGED} changed:\n  ${figures.join('\n  ')}`);
    } finally {
      await stores.close();
    }
  }, 600_000);
});
