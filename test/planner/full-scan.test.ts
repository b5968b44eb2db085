import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logger.ts';
import { Scanner } from '../../runner-agent/src/deployment/scanner.ts';
import { NOT_YET_TESTED } from '../../runner-agent/src/jobs/status-text.ts';
import { ScanStores, ScanWorld, WIDGET, sumOf } from '../support/scan-world.ts';
import { withTempDir } from '../support/temp-dir.ts';

/** Open pull (merge) requests. */
const N = 3;

/**
 * A cross-project request is a status on a pull request's head: nothing a list of pull requests shows. The
 * scanner leaves a head it found settled alone, so a request whose `status` webhook was lost (GitHub) or
 * that no webhook announces at all (GitLab) is found by the periodic full round, which reads every settled
 * head's statuses: it plans the request exactly once. The world is the scan budget's, over HTTP, with the
 * real forge clients, queue, job records and planned heads; the scanner's clock is the test's.
 */
describe.each(['github', 'gitlab'] as const)('the full scan on %s', (kind) => {
  let tmp: { dir: string; remove(): Promise<void> };
  let world: ScanWorld;
  let stores: ScanStores;

  beforeEach(async () => {
    tmp = await withTempDir();
    world = await ScanWorld.open(tmp.dir, N, kind);
    stores = await ScanStores.open(world, path.join(tmp.dir, 'state'));
  }, 120_000);
  afterEach(async () => {
    await stores?.close();
    await world?.stop();
    await tmp?.remove();
  });

  it('plans a cross-project request whose webhook was lost once, at the first full round after it', async () => {
    const { emulator, forge, heads } = world;
    // The project's own pull requests are the infrastructure ones too: `unit@acme/widget#2` on #1.
    const planner = stores.planner(undefined, { trustedAuthors: [], infraRepositories: ['acme/widget'] });
    let now = Date.parse('2026-12-03T12:00:00Z');
    const scanner = new Scanner({
      planner,
      runnerDemand: null,
      repositories: [world.repository],
      logger: silentLogger(),
      fullScanEveryMs: 3_600_000,
      clock: () => now,
    });
    const round = async () => {
      now += 300_000;
      emulator.resetRequestCounts();
      return scanner.round();
    };
    // GitHub's combined status of a commit, GitLab's list of its statuses.
    const statusReads = () => sumOf(emulator.requestCounts(), /^GET .*\/(status|statuses)$/);

    // The first round is full; every pull request is new. Its jobs end; the next round sees them shown.
    expect(await round()).toMatchObject({ kind: 'scanned', full: true, pullRequests: N, replanned: N });
    expect(await stores.runQueuedJobs()).toBe(N);
    expect(await round()).toMatchObject({ full: false, unchanged: 0, replanned: 0 });
    expect(await round()).toMatchObject({ full: false, unchanged: N });

    // Someone asks for the infrastructure pull request's head beside #1's; the webhook never arrives.
    const [project, infra] = [...heads.keys()].sort((a, b) => a - b) as [number, number];
    const context = kind === 'github' ? `unit@acme/widget#${infra}` : `unit@acme/widget!${infra}`;
    await forge.setCommitStatus(WIDGET, heads.get(project)!, {
      state: 'pending',
      context,
      description: NOT_YET_TESTED,
    });

    // An ordinary round does not see it: it costs its list alone.
    expect(await round()).toMatchObject({ full: false, unchanged: N, replanned: 0 });
    expect(statusReads()).toBe(0);
    expect(emulator.requestCounts().total).toBe(1);
    expect(await stores.jobs.stats()).toMatchObject({ queued: 0 });

    // An hour after the last full round: the next one reads each settled head's statuses and plans the request.
    now += 3_600_000;
    expect(await round()).toMatchObject({ full: true, unchanged: N - 1, replanned: 1 });
    // One read per head for the full round, one more to plan #1.
    expect(statusReads()).toBe(N + 1);
    // In all: the list, a status read per head, and planning #1 (its config and statuses, the
    // infrastructure repository and pull request).
    expect(emulator.requestCounts().total).toBe(1 + N + 4);
    const queued = await stores.jobs.list({ state: 'queued', limit: 10 });
    expect(queued.map((m) => [m.message.payload.context, m.message.payload.sha])).toEqual([
      [context, heads.get(project)],
    ]);
    expect(queued[0]!.message.payload.infra).toMatchObject({ pullRequest: infra, sha: heads.get(infra) });

    // Later rounds, full or not, plan it no more: its job is queued, then ended and shown.
    expect(await round()).toMatchObject({ full: false, replanned: 0 });
    now += 3_600_000;
    expect(await round()).toMatchObject({ full: true, replanned: 0 });
    expect(await stores.runQueuedJobs()).toBe(1);
    expect(await round()).toMatchObject({ full: false, replanned: 0 });
    now += 3_600_000;
    expect(await round()).toMatchObject({ full: true, unchanged: N, replanned: 0 });
    expect(await stores.jobs.stats()).toMatchObject({ queued: 0 });
    expect(
      (await forge.listCommitStatuses(WIDGET, heads.get(project)!)).find((s) => s.context === context),
    ).toMatchObject({ state: 'success' });
  }, 120_000);
});
