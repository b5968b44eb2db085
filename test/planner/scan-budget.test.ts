import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { GitHubEmulator, type RequestCounts } from '../../emulators/github/github-emulator.ts';
import type { Repository } from '../../forge/forge.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { jobDedupKey, type Job } from '../../runner-agent/src/jobs/job.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { Planner, type ScanResult } from '../../runner-agent/src/planner/planner.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { SqliteJobRecords } from '../../runner-agent/src/statuses/sqlite-job-records.ts';
import { StatusPublisher } from '../../runner-agent/src/statuses/status-publisher.ts';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const TOKEN = 'ghp_scanbudgettoken0123456789';
/** Open pull requests: more than two pages of 100. */
const N = 250;
/** Pull requests that get a new push between scans: 5 %. */
const CHANGED = Math.ceil(N / 20);
const PAGES = Math.ceil(N / 100);
const PASSED = 'Passed in 0.1 s [agent-t]';
const WIDGET = { owner: 'acme', name: 'widget' };

/**
 * The scanner's request budget against the GitHub emulator over HTTP, with the real forge client, queue,
 * job records and planned heads: what a first scan, an unchanged one and one after 5 % of the pull
 * requests moved cost, counted by the emulator.
 */
describe(`scanning ${N} open pull requests within the rate limit`, () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let emulator: GitHubEmulator;
  let forge: GitHubForge;
  let copy: GitWorkingCopy;
  let repository: Repository;
  /** Each pull request's branch and its head, by number. */
  const branchOf = new Map<number, string>();
  const heads = new Map<number, string>();

  beforeAll(async () => {
    tmp = await withTempDir();
    emulator = await GitHubEmulator.start({ dataDir: path.join(tmp.dir, 'forge'), tokens: [TOKEN] });
    await emulator.createRepository('acme', 'widget');
    forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, retries: 0, throttle: false });
    copy = new GitWorkingCopy(path.join(tmp.dir, 'work'), forge.gitCredentials());
    await copy.init(emulator.cloneUrl('acme', 'widget'));
    await copy.writeFiles({ '.ironbots.yml': { content: 'contexts:\n  unit:\n    run: [make, check]\n' } });
    const main = await copy.commit('main');
    await copy.push('main');
    // Every topic branch in one fast-import and one push, then one pull request each.
    const topics = Array.from({ length: N }, (_, i) => ({ branch: `topic-${i + 1}`, parent: main }));
    await importCommits(copy, topics, 'one');
    await copy.git('push', '--quiet', 'origin', 'refs/heads/topic-*:refs/heads/topic-*');
    const branches = await branchHeads(copy);
    await inPool(topics, 4, async ({ branch }) => {
      const pr = await forge.createPullRequest(WIDGET, { title: branch, head: branch, base: 'main' });
      branchOf.set(pr.number, branch);
      heads.set(pr.number, branches.get(branch)!);
    });
    repository = await forge.getRepository(WIDGET);
  }, 600_000);

  afterAll(async () => {
    await emulator?.stop();
    await tmp?.remove();
  });

  it('costs the list pages alone for an unchanged scan, and a constant more per changed pull request', async () => {
    const state = path.join(tmp.dir, 'state');
    const jobs = await SqliteQueue.open<Job>({ path: path.join(state, 'queue.db'), name: 'jobs' });
    const records = new SqliteJobRecords({ path: path.join(state, 'job-records.db') });
    const plannedHeads = new SqlitePlannedHeads({ path: path.join(state, 'planned-heads.db') });
    const publisher = new StatusPublisher({ forge, records, logger: silentLogger() });
    // The jobs here end within the test: no grace before a shown outcome counts as settled (its own test
    // is in scan-memory.test.ts).
    const plannerWith = (memory: SqlitePlannedHeads) =>
      new Planner({
        forge,
        jobs,
        logger: silentLogger(),
        records,
        publisher,
        plannedHeads: memory,
        settleAfterMs: 0,
      });
    let planner = plannerWith(plannedHeads);
    const figures: string[] = [];
    const scan = async (what: string) => {
      emulator.resetRequestCounts();
      const results = await planner.scanRepository(repository);
      const counts = emulator.requestCounts();
      figures.push(`${what}: ${counts.total} requests (${counts.notModified} answered 304)`);
      return { results, counts, kinds: tally(results) };
    };
    /** What an agent does with each queued job, in miniature: claim, record the outcome, publish, ack. */
    const runQueuedJobs = async () => {
      let ran = 0;
      for (;;) {
        const lease = await jobs.lease(
          { name: 'agent-t', labels: ['executor:process'] },
          { visibilityTimeoutMs: 60_000 },
        );
        if (!lease) return ran;
        const job = lease.message.payload;
        const key = jobDedupKey(job)!;
        const target = { repo: repository, sha: job.sha!, context: job.context };
        const claim = await records.claim(key, target, lease.message.id, 'agent-t');
        expect(claim.kind).toBe('run');
        if (claim.kind === 'run') {
          const hold = { holder: 'agent-t', until: Date.now() + 30_000 };
          await records.finish(key, claim.epoch, { state: 'success', description: PASSED }, hold);
          expect(await publisher.publish((await records.get(key))!, hold.holder, hold.until)).toBe(true);
        }
        await jobs.ack(lease);
        ran++;
      }
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

      expect(await runQueuedJobs()).toBe(N);
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
      await importCommits(
        copy,
        moved.map((n) => ({ branch: branchOf.get(n)!, parent: heads.get(n)! })),
        'two',
      );
      await copy.git('push', '--quiet', 'origin', ...moved.map((n) => `refs/heads/${branchOf.get(n)!}`));
      await emulator.idle();
      const branches = await branchHeads(copy);
      for (const n of moved) heads.set(n, branches.get(branchOf.get(n)!)!);
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

      expect(await runQueuedJobs()).toBe(CHANGED);
      await scan('scan after those jobs ended');
      const settledAgain = await scan('unchanged scan again');
      expect(settledAgain.kinds).toEqual({ unchanged: N });
      expect(settledAgain.counts.total).toBe(PAGES);

      // The memory is lost (a new server with an empty store): every pull request is planned again, at the
      // cost of reading each once, with no new job and no status posted over a verdict.
      planner = plannerWith(new SqlitePlannedHeads({ path: path.join(state, 'planned-heads-new.db') }));
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
      await jobs.close();
      await records.close();
      await plannedHeads.close();
    }
  }, 600_000);
});

function tally(results: Map<number, ScanResult>): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const result of results.values()) kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
  return kinds;
}

function newJobs(results: Map<number, ScanResult>): number {
  return [...results.values()]
    .flatMap((r) => (r.kind === 'planned' ? r.jobs : []))
    .filter((j) => !j.duplicate).length;
}

function sumOf(counts: RequestCounts, endpoint: RegExp): number {
  return Object.entries(counts.endpoints)
    .filter(([name]) => endpoint.test(name))
    .reduce((sum, [, count]) => sum + count.total, 0);
}

/** One commit on each branch (adding `<branch>.txt`), on top of `parent`, in one `git fast-import`. */
async function importCommits(
  copy: GitWorkingCopy,
  commits: { branch: string; parent: string }[],
  content: string,
): Promise<void> {
  const stream = commits
    .map(({ branch, parent }) => {
      const message = `${branch}: ${content}\n`;
      const file = `${content}\n`;
      return [
        `commit refs/heads/${branch}`,
        'committer Test <test@ironbots.invalid> 1700000000 +0000',
        `data ${Buffer.byteLength(message)}`,
        message.slice(0, -1),
        `from ${parent}`,
        `M 100644 inline ${branch}.txt`,
        `data ${Buffer.byteLength(file)}`,
        file,
      ].join('\n');
    })
    .join('');
  const importing = run('git', ['-C', copy.dir, 'fast-import', '--quiet', '--force']);
  importing.child.stdin!.end(stream);
  await importing;
}

async function branchHeads(copy: GitWorkingCopy): Promise<Map<string, string>> {
  const out = await copy.git('for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads');
  return new Map(out.split('\n').map((line) => line.split(' ') as [string, string]));
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
