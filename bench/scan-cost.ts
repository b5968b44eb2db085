import path from 'node:path';
import { ScanStores, ScanWorld, newJobs, tally } from '../test/support/scan-world.ts';
import { withTempDir } from '../test/support/temp-dir.ts';

/** IRONBOTS_SCAN_COST_SIZES=10,100 measures fewer. */
const SIZES = (process.env.IRONBOTS_SCAN_COST_SIZES ?? '10,100,1000').split(',').map(Number);
/** Requests a changed pull request may cost beyond the list pages: its config, its statuses, one status. */
const PER_CHANGED = 3;
type ForgeKind = 'github' | 'gitlab';
/** IRONBOTS_SCAN_COST_FORGES=gitlab measures one forge. */
const FORGES = (process.env.IRONBOTS_SCAN_COST_FORGES ?? 'github,gitlab').split(',') as ForgeKind[];
const NAMES: Record<ForgeKind, string> = {
  github: 'open pull requests (GitHub emulator)',
  gitlab: 'open merge requests (GitLab emulator; its client lists only those updated since the last listing)',
};

interface Row {
  n: number;
  changed: number;
  setupMs: number;
  pullsMs: number;
  firstMs: number;
  unchangedMs: number;
  first: number;
  unchanged: number;
  moved: number;
  /** A full round over the unchanged heads (the hourly one): their statuses read too. */
  full: number;
  naive: number;
  goalUnchanged: number;
  goalMoved: number;
  kinds: string;
}

/**
 * Requests per scan of N open pull requests against the GitHub emulator, counted by the emulator, with the
 * real forge client, queue, job records and planned heads: the first scan, an unchanged one (after every
 * job ended and was seen once), a full round over those unchanged heads (what the scanner does hourly: one
 * status read each, beside the list), and one after 5 % of the pull requests got a new push. Beside each, the
 * naive count (one list page per 100 and two reads per pull request) and the goal. The same for merge
 * requests on the GitLab emulator.
 */
export async function benchScanCost(): Promise<void> {
  for (const kind of FORGES) {
    if (!(kind in NAMES)) throw new Error(`IRONBOTS_SCAN_COST_FORGES: no forge ${kind} (github, gitlab)`);
    await benchForge(kind);
  }
}

async function benchForge(kind: ForgeKind): Promise<void> {
  console.log(`scan cost: API requests per scan of N ${NAMES[kind]}`);
  const rows: Row[] = [];
  for (const n of SIZES) {
    const row = await measure(n, kind);
    console.log(
      `  N=${n}: first ${row.first}, unchanged ${row.unchanged}, full ${row.full}, ` +
        `${row.changed} changed ${row.moved} requests; ` +
        `setup ${seconds(row.setupMs)} (${seconds(row.pullsMs)} of it opening the requests), ` +
        `first scan ${seconds(row.firstMs)}, unchanged scan ${seconds(row.unchangedMs)}`,
    );
    rows.push(row);
  }
  const header = [
    'N',
    'setup',
    'first',
    'unchanged',
    'naive',
    'ratio',
    'goal',
    '',
    '5 % changed',
    'naive',
    'ratio',
    'goal',
    '',
  ];
  const lines = rows.map((r) => {
    // The naive scanner reads every pull request either way.
    const naiveMoved = r.naive;
    return [
      String(r.n),
      seconds(r.setupMs),
      String(r.first),
      String(r.unchanged),
      String(r.naive),
      (r.unchanged / r.naive).toFixed(3),
      `≤ ${r.goalUnchanged}`,
      r.unchanged <= r.goalUnchanged ? 'met' : 'MISSED',
      `${r.moved} (${r.changed} moved)`,
      String(naiveMoved),
      (r.moved / naiveMoved).toFixed(3),
      `≤ ${r.goalMoved}`,
      r.moved <= r.goalMoved ? 'met' : 'MISSED',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  for (const line of [header, ...lines])
    console.log('  ' + line.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
  console.log(
    `  naive: ceil(N/100) list pages + 2 reads per pull request; goal: unchanged ≤ ceil(N/100) + 1, ` +
      `changed ≤ that + ${PER_CHANGED} per changed pull request (config, statuses, "Not yet tested")`,
  );
  console.log(
    '  full: the hourly full round over the unchanged heads, N status reads beside an unchanged round (not in the goal)',
  );
  for (const r of rows) console.log(`  N=${r.n}: scan results after the push: ${r.kinds}`);
}

async function measure(n: number, kind: ForgeKind): Promise<Row> {
  const tmp = await withTempDir();
  const setupStarted = performance.now();
  const world = await ScanWorld.open(tmp.dir, n, kind);
  const setupMs = performance.now() - setupStarted;
  const stores = await ScanStores.open(world, path.join(tmp.dir, 'state'));
  try {
    const planner = stores.planner();
    const scan = async (options: { full?: boolean } = {}) => {
      world.emulator.resetRequestCounts();
      const started = performance.now();
      const results = await planner.scanRepository(world.repository, options);
      return { results, total: world.emulator.requestCounts().total, ms: performance.now() - started };
    };
    const first = await scan();
    if (newJobs(first.results) !== n)
      throw new Error(`the first scan queued ${newJobs(first.results)} jobs, not ${n}`);
    await stores.runQueuedJobs();
    // Sees every job ended and shown; from here on the heads are settled.
    await scan();
    const unchanged = await scan();
    // Nothing to find: what the hourly full round costs beyond an unchanged one.
    const full = await scan({ full: true });
    const changed = Math.ceil(n / 20);
    const numbers = [...world.heads.keys()].sort((a, b) => a - b);
    const step = Math.floor(n / changed);
    const moved = Array.from({ length: changed }, (_, i) => numbers[i * step]!);
    await world.push(moved, 'two');
    const afterPush = await scan();
    const pages = Math.ceil(n / 100);
    return {
      n,
      changed,
      setupMs,
      pullsMs: world.openingMs,
      firstMs: first.ms,
      unchangedMs: unchanged.ms,
      first: first.total,
      unchanged: unchanged.total,
      moved: afterPush.total,
      full: full.total,
      naive: pages + 2 * n,
      goalUnchanged: pages + 1,
      goalMoved: pages + 1 + PER_CHANGED * changed,
      kinds: JSON.stringify(tally(afterPush.results)),
    };
  } finally {
    await stores.close();
    await world.stop();
    await tmp.remove();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
