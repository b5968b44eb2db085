import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { jobDedupKey, type Job } from '../../runner-agent/src/jobs/job.ts';
import { CONFIG_CONTEXT, inProgress, NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { Planner, type ScanResult } from '../../runner-agent/src/planner/planner.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { SqliteJobRecords } from '../../runner-agent/src/statuses/sqlite-job-records.ts';
import { StatusPublisher } from '../../runner-agent/src/statuses/status-publisher.ts';
import { capturingLogger } from '../support/capturing-logger.ts';
import { RecordingForge } from '../support/recording-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

const CONFIG = 'contexts:\n  unit:\n    run: [make, check]\n';
const PASSED = 'Passed in 1.0 s [agent-t]';
const A = 'a'.repeat(40);

/** What the scanner remembers between rounds, and when a pull request counts as settled. */
describe('scanning with planned heads', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let forge: RecordingForge;
  let jobs: SqliteQueue<Job>;
  let records: SqliteJobRecords;
  let heads: SqlitePlannedHeads;
  let publisher: StatusPublisher;
  /** The planner's clock: the records keep real time, the planner is moved past the settling grace. */
  let now: number;

  beforeEach(async () => {
    tmp = await withTempDir();
    forge = new RecordingForge();
    jobs = await SqliteQueue.open<Job>({ path: path.join(tmp.dir, 'queue.db'), name: 'jobs' });
    records = new SqliteJobRecords({ path: path.join(tmp.dir, 'job-records.db') });
    heads = new SqlitePlannedHeads({ path: path.join(tmp.dir, 'planned-heads.db') });
    publisher = new StatusPublisher({ forge, records, logger: silentLogger(), backoffBaseMs: 1 });
    now = Date.now();
  });
  afterEach(async () => {
    await jobs.close();
    await records.close();
    await heads.close();
    await tmp.remove();
  });

  const planner = (logger = silentLogger()) =>
    new Planner({
      forge,
      jobs,
      logger,
      records,
      publisher,
      plannedHeads: heads,
      clock: () => new Date(now),
      trust: { trustedAuthors: [] },
    });
  const kinds = (results: Map<number, ScanResult>) =>
    Object.fromEntries([...results].map(([number, r]) => [number, r.kind]));

  /** The agent's part, in miniature: claim, record the outcome, publish it. */
  async function finishQueuedJob(): Promise<string> {
    const lease = (await jobs.lease(
      { name: 'agent-t', labels: ['executor:process'] },
      { visibilityTimeoutMs: 60_000 },
    ))!;
    const job = lease.message.payload;
    const key = jobDedupKey(job)!;
    const claim = await records.claim(
      key,
      { repo: forge.repository, sha: job.sha!, context: job.context },
      lease.message.id,
      'agent-t',
    );
    if (claim.kind !== 'run') throw new Error('the job was finished already');
    const hold = { holder: 'agent-t', until: Date.now() + 30_000 };
    await records.finish(key, claim.epoch, { state: 'success', description: PASSED }, hold);
    await publisher.publish((await records.get(key))!, hold.holder, hold.until);
    await jobs.ack(lease);
    return key;
  }

  it('settles a pull request only once its outcome has shown for the grace, and repairs a stale write landing within it', async () => {
    forge.setFile(A, '.ironbots.yml', CONFIG);
    forge.addPull({ number: 1, headSha: A });
    const scanner = planner();
    expect(await scanner.scanRepository(forge.repository)).toEqual(
      new Map([[1, expect.objectContaining({ kind: 'planned', settled: false })]]),
    );
    // While the job waits, every round plans the pull request again (its record is open).
    expect((await scanner.scanRepository(forge.repository)).get(1)).toMatchObject({
      kind: 'planned',
      jobs: [],
      settled: false,
    });
    await finishQueuedJob();
    // Published just now: not settled yet. A stale "In progress", in flight while the verdict was posted,
    // lands after it; the next round sees it and publishes the verdict again.
    expect((await scanner.scanRepository(forge.repository)).get(1)).toMatchObject({ settled: false });
    await forge.setCommitStatus(forge.repository, A, {
      state: 'pending',
      context: 'unit',
      description: inProgress('agent-t'),
    });
    expect((await scanner.scanRepository(forge.repository)).get(1)).toMatchObject({ settled: false });
    expect(forge.statusesFor(A, 'unit').at(-1)).toMatchObject({ state: 'success', description: PASSED });

    // Two minutes on, what the forge shows is final: remembered, and left alone from then on.
    now = Date.now() + 120_000;
    expect((await scanner.scanRepository(forge.repository)).get(1)).toMatchObject({ settled: true });
    const posts = forge.statusLog.length;
    expect(kinds(await scanner.scanRepository(forge.repository))).toEqual({ 1: 'unchanged' });
    expect(forge.statusLog.length).toBe(posts);
    expect(forge.statusesFor(A).map((s) => s.description)).toEqual([
      NOT_YET_TESTED,
      PASSED,
      inProgress('agent-t'),
      PASSED,
    ]);
  });

  it('plans a new head, a new pull request, and forgets a closed one', async () => {
    const B = 'b'.repeat(40);
    const C = 'c'.repeat(40);
    for (const sha of [A, B, C]) forge.setFile(sha, '.ironbots.yml', CONFIG);
    forge.addPull({ number: 1, headSha: A });
    const scanner = planner();
    await scanner.scanRepository(forge.repository);
    await finishQueuedJob();
    now = Date.now() + 120_000;
    await scanner.scanRepository(forge.repository);
    expect(kinds(await scanner.scanRepository(forge.repository))).toEqual({ 1: 'unchanged' });

    forge.addPull({ number: 1, headSha: B });
    forge.addPull({ number: 2, headSha: C });
    const moved = await scanner.scanRepository(forge.repository);
    expect(kinds(moved)).toEqual({ 1: 'planned', 2: 'planned' });
    expect((await jobs.stats()).queued).toBe(2);
    expect([...(await heads.list(forge.repository)).values()].map((h) => [h.number, h.headSha])).toEqual([
      [1, B],
      [2, C],
    ]);

    forge.addPull({ number: 2, headSha: C, state: 'closed' });
    await scanner.scanRepository(forge.repository);
    expect([...(await heads.list(forge.repository)).keys()]).toEqual([1]);
  });

  it('remembers a head with nothing to run as settled: no .ironbots.yml, a broken one, an untrusted fork', async () => {
    const B = 'b'.repeat(40);
    const C = 'c'.repeat(40);
    forge.addPull({ number: 1, headSha: A });
    forge.setFile(B, '.ironbots.yml', 'contexts:\n  unit:\n    run: make\n');
    forge.addPull({ number: 2, headSha: B });
    forge.setFile(C, '.ironbots.yml', CONFIG);
    forge.addPull({ number: 3, headSha: C, author: 'mallory', headCloneUrl: 'http://127.0.0.1:1/m/w.git' });
    const scanner = planner();
    expect(kinds(await scanner.scanRepository(forge.repository))).toEqual({
      1: 'ignored',
      2: 'config-error',
      3: 'untrusted',
    });
    const posts = forge.statusLog.length;
    expect(forge.statusesFor(B)).toEqual([expect.objectContaining({ context: CONFIG_CONTEXT })]);
    expect(kinds(await scanner.scanRepository(forge.repository))).toEqual({
      1: 'unchanged',
      2: 'unchanged',
      3: 'unchanged',
    });
    expect(forge.statusLog.length).toBe(posts);
  });

  it('plans everything when its memory cannot be read or written, and says so', async () => {
    forge.setFile(A, '.ironbots.yml', CONFIG);
    forge.addPull({ number: 1, headSha: A });
    await finishAfterFirstScan();
    now = Date.now() + 120_000;
    const { logger, entries } = capturingLogger('warn');
    await planner(logger).scanRepository(forge.repository);
    await heads.close();
    const results = await planner(logger).scanRepository(forge.repository);
    expect(results.get(1)).toMatchObject({ kind: 'planned', jobs: [], settled: true });
    expect(entries().map((e) => e.msg)).toEqual([
      'could not read the planned heads: planning every pull request',
      'could not remember the planned head',
      'could not forget closed pull requests',
    ]);
    expect((await jobs.stats()).queued).toBe(0);
  });

  async function finishAfterFirstScan(): Promise<void> {
    await planner().scanRepository(forge.repository);
    await finishQueuedJob();
  }
});
