import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '../../core/logger.ts';
import { GitHubEmulator, type RequestCounts } from '../../emulators/github/github-emulator.ts';
import { GitLabEmulator } from '../../emulators/gitlab/gitlab-emulator.ts';
import type { Repository } from '../../forge/forge.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { GitLabForge } from '../../forge/gitlab/gitlab-forge.ts';
import { jobDedupKey, type Job } from '../../runner-agent/src/jobs/job.ts';
import { GitWorkingCopy } from '../../runner-agent/src/local/git-working-copy.ts';
import { Planner, type ScanResult, type TrustPolicy } from '../../runner-agent/src/planner/planner.ts';
import { SqlitePlannedHeads } from '../../runner-agent/src/planner/sqlite-planned-heads.ts';
import { SqliteQueue } from '../../runner-agent/src/queue/sqlite-queue.ts';
import { SqliteJobRecords } from '../../runner-agent/src/statuses/sqlite-job-records.ts';
import { StatusPublisher } from '../../runner-agent/src/statuses/status-publisher.ts';

const run = promisify(execFile);
const TOKEN = 'ghp_scanworldtoken0123456789';
export const WIDGET = { owner: 'acme', name: 'widget' };
/** The description an ended job in `runQueuedJobs` leaves. */
export const PASSED = 'Passed in 0.1 s [agent-t]';

/** What the world needs of either forge's emulator. */
export interface CountingEmulator {
  requestCounts(): RequestCounts;
  resetRequestCounts(): void;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The GitHub (or GitLab) emulator with one repository and `count` open pull requests, each on its own branch with one
 * commit over `main` (whose `.ironbots.yml` has one context, `unit`): what the scanner's request budget is
 * measured against, in the scan-budget test and the scan-cost benchmark. On GitLab they are merge requests.
 */
export class ScanWorld {
  readonly emulator: CountingEmulator;
  readonly forge: GitHubForge | GitLabForge;
  readonly copy: GitWorkingCopy;
  readonly repository: Repository;
  /** Each pull request's branch and its head, by number. */
  readonly branchOf: Map<number, string>;
  readonly heads: Map<number, string>;
  /** How long opening the pull requests took (the branches pushed before). */
  readonly openingMs: number;

  private constructor(parts: {
    emulator: CountingEmulator;
    forge: GitHubForge | GitLabForge;
    copy: GitWorkingCopy;
    repository: Repository;
    branchOf: Map<number, string>;
    heads: Map<number, string>;
    openingMs: number;
  }) {
    this.emulator = parts.emulator;
    this.forge = parts.forge;
    this.copy = parts.copy;
    this.repository = parts.repository;
    this.branchOf = parts.branchOf;
    this.heads = parts.heads;
    this.openingMs = parts.openingMs;
  }

  static async open(dir: string, count: number, kind: 'github' | 'gitlab' = 'github'): Promise<ScanWorld> {
    const dataDir = path.join(dir, 'forge');
    let emulator: CountingEmulator;
    let forge: GitHubForge | GitLabForge;
    let cloneUrl: string;
    if (kind === 'github') {
      const github = await GitHubEmulator.start({ dataDir, tokens: [TOKEN] });
      await github.createRepository(WIDGET.owner, WIDGET.name);
      emulator = github;
      forge = new GitHubForge({ token: TOKEN, baseUrl: github.url, retries: 0, throttle: false });
      cloneUrl = github.cloneUrl(WIDGET.owner, WIDGET.name);
    } else {
      const gitlab = await GitLabEmulator.start({ dataDir, tokens: [TOKEN] });
      await gitlab.createProject(WIDGET.owner, WIDGET.name, { defaultBranch: 'main' });
      emulator = gitlab;
      forge = new GitLabForge({ token: TOKEN, host: gitlab.url });
      cloneUrl = `${gitlab.url}/${WIDGET.owner}/${WIDGET.name}.git`;
    }
    const copy = new GitWorkingCopy(path.join(dir, 'work'), forge.gitCredentials());
    await copy.init(cloneUrl);
    await copy.writeFiles({ '.ironbots.yml': { content: 'contexts:\n  unit:\n    run: [make, check]\n' } });
    const main = await copy.commit('main');
    await copy.push('main');
    // Every topic branch in one fast-import and one push, then one pull request each.
    const topics = Array.from({ length: count }, (_, i) => ({ branch: `topic-${i + 1}`, parent: main }));
    await importCommits(copy, topics, 'one');
    await copy.git('push', '--quiet', 'origin', 'refs/heads/topic-*:refs/heads/topic-*');
    const branches = await branchHeads(copy);
    const branchOf = new Map<number, string>();
    const heads = new Map<number, string>();
    const opening = performance.now();
    await inPool(topics, 4, async ({ branch }) => {
      const pr = await forge.createPullRequest(WIDGET, { title: branch, head: branch, base: 'main' });
      branchOf.set(pr.number, branch);
      heads.set(pr.number, branches.get(branch)!);
    });
    const openingMs = performance.now() - opening;
    const repository = await forge.getRepository(WIDGET);
    return new ScanWorld({ emulator, forge, copy, repository, branchOf, heads, openingMs });
  }

  /** One new commit on each of these pull requests' branches, pushed at once; `heads` follows. */
  async push(numbers: number[], content: string): Promise<void> {
    await importCommits(
      this.copy,
      numbers.map((n) => ({ branch: this.branchOf.get(n)!, parent: this.heads.get(n)! })),
      content,
    );
    await this.copy.git(
      'push',
      '--quiet',
      'origin',
      ...numbers.map((n) => `refs/heads/${this.branchOf.get(n)!}`),
    );
    await this.emulator.idle();
    const branches = await branchHeads(this.copy);
    for (const n of numbers) this.heads.set(n, branches.get(this.branchOf.get(n)!)!);
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
  }
}

/** The server's durable state for planning, in SQLite under `dir`, and a planner over it. */
export class ScanStores {
  readonly jobs: SqliteQueue<Job>;
  readonly records: SqliteJobRecords;
  readonly plannedHeads: SqlitePlannedHeads;
  readonly publisher: StatusPublisher;
  readonly #world: ScanWorld;

  private constructor(world: ScanWorld, jobs: SqliteQueue<Job>, dir: string) {
    this.#world = world;
    this.jobs = jobs;
    this.records = new SqliteJobRecords({ path: path.join(dir, 'job-records.db') });
    this.plannedHeads = new SqlitePlannedHeads({ path: path.join(dir, 'planned-heads.db') });
    this.publisher = new StatusPublisher({
      forge: world.forge,
      records: this.records,
      logger: silentLogger(),
    });
  }

  static async open(world: ScanWorld, dir: string): Promise<ScanStores> {
    const jobs = await SqliteQueue.open<Job>({ path: path.join(dir, 'queue.db'), name: 'jobs' });
    return new ScanStores(world, jobs, dir);
  }

  /**
   * A planner like the server's. The jobs here end within the run: no grace before a shown outcome counts as
   * settled (its own test is in scan-memory.test.ts).
   */
  planner(memory: SqlitePlannedHeads = this.plannedHeads, trust?: TrustPolicy): Planner {
    return new Planner({
      ...(trust ? { trust } : {}),
      forge: this.#world.forge,
      jobs: this.jobs,
      logger: silentLogger(),
      records: this.records,
      publisher: this.publisher,
      plannedHeads: memory,
      settleAfterMs: 0,
    });
  }

  /** What an agent does with each queued job, in miniature: claim, record success, publish, ack. */
  async runQueuedJobs(): Promise<number> {
    let ran = 0;
    for (;;) {
      const lease = await this.jobs.lease(
        { name: 'agent-t', labels: ['executor:process'] },
        { visibilityTimeoutMs: 60_000 },
      );
      if (!lease) return ran;
      const job = lease.message.payload;
      const key = jobDedupKey(job)!;
      const target = { repo: this.#world.repository, sha: job.sha!, context: job.context };
      const claim = await this.records.claim(key, target, lease.message.id, 'agent-t');
      if (claim.kind !== 'run') throw new Error(`job ${key} was not ours to run: ${claim.kind}`);
      const hold = { holder: 'agent-t', until: Date.now() + 30_000 };
      await this.records.finish(key, claim.epoch, { state: 'success', description: PASSED }, hold);
      if (!(await this.publisher.publish((await this.records.get(key))!, hold.holder, hold.until)))
        throw new Error(`the outcome of ${key} was not published`);
      await this.jobs.ack(lease);
      ran++;
    }
  }

  async close(): Promise<void> {
    await this.jobs.close();
    await this.records.close();
    await this.plannedHeads.close();
  }
}

/** How many pull requests got each kind of scan result. */
export function tally(results: Map<number, ScanResult>): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const result of results.values()) kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
  return kinds;
}

/** Jobs a scan queued that were not already queued. */
export function newJobs(results: Map<number, ScanResult>): number {
  return [...results.values()]
    .flatMap((r) => (r.kind === 'planned' ? r.jobs : []))
    .filter((j) => !j.duplicate).length;
}

/** Requests to the endpoints whose name matches. */
export function sumOf(counts: RequestCounts, endpoint: RegExp): number {
  return Object.entries(counts.endpoints)
    .filter(([name]) => endpoint.test(name))
    .reduce((sum, [, count]) => sum + count.total, 0);
}

/** One commit on each branch (adding `<branch>.txt`), on top of `parent`, in one `git fast-import`. */
export async function importCommits(
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

/** Every local branch's head. */
export async function branchHeads(copy: GitWorkingCopy): Promise<Map<string, string>> {
  const out = await copy.git('for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads');
  return new Map(out.split('\n').map((line) => line.split(' ') as [string, string]));
}

/** Runs `work` on every item, `size` at a time. */
export async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
