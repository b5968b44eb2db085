import type { IncomingMessage } from 'node:http';
import type { Route } from '../../../core/http/http-server.ts';
import { sendError } from '../../../core/http/responses.ts';
import { bearerTokenCheck } from '../../../core/http/bearer-token.ts';
import type { Logger } from '../../../core/logger.ts';
import type { AgentRegistry, RegisteredAgent } from '../agents/agent-registry.ts';
import type { Job } from '../jobs/job.ts';
import type { DeadLetter, MessageStatus, Queue, QueueStats } from '../queue/queue.ts';
import type { JobRecord, JobRecords } from '../statuses/job-records.ts';
import type { WebhookDelivery } from '../webhooks/delivery.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * The server's dashboard at `/`: one server-rendered page that refreshes itself, showing what waits in the
 * queue (per label set, with the oldest wait), what runs where (with live log links), which agents are
 * alive, what was dead-lettered and what failed lately. Read-only; behind a bearer token from
 * `server.apiTokens` unless the deployment makes it public.
 */
export interface DashboardOptions {
  jobs: Queue<Job>;
  events: Queue<WebhookDelivery>;
  records: JobRecords;
  /** Null: the page says that agents are not registered in this deployment. */
  agents: AgentRegistry | null;
  /** Readable without a token. */
  public: boolean;
  tokens: readonly string[];
  logger: Logger;
  /** Seconds between the page's own reloads. Default 10. */
  refreshSeconds?: number;
  /** An agent whose last heartbeat is older than this is shown as silent. Default 30 s (three beats). */
  silentAfterMs?: number;
  clock?: () => number;
}

export interface QueueGroup {
  labels: string[];
  queued: number;
  oldestEnqueuedAt: number;
}

export interface RunningJob {
  jobId: string;
  record: JobRecord;
  agent: string | null;
  attempt: number;
}

export interface DashboardSnapshot {
  now: number;
  jobStats: QueueStats;
  eventStats: QueueStats;
  groups: QueueGroup[];
  running: RunningJob[];
  agents: RegisteredAgent[] | null;
  dead: DeadLetter<Job>[];
  /** The most recently cancelled jobs, newest first, with who cancelled them. */
  cancelled: MessageStatus<Job>[];
  failures: JobRecord[];
}

/** How many open records the page looks at; the totals still come from the queue's own statistics. */
const OPEN_RECORDS_LIMIT = 1_000;

export async function dashboardSnapshot(options: DashboardOptions): Promise<DashboardSnapshot> {
  const now = (options.clock ?? Date.now)();
  const [jobStats, eventStats, open, agents, dead, cancelled, finished] = await Promise.all([
    options.jobs.stats(),
    options.events.stats(),
    options.records.openSince(now + 1, OPEN_RECORDS_LIMIT),
    options.agents ? options.agents.list() : Promise.resolve(null),
    options.jobs.deadLetters(),
    options.jobs.list({ state: 'cancelled', limit: 20 }),
    options.records.recentlyFinished(100),
  ]);
  // Per-label depth and running jobs come from the open job records and where their messages are now.
  const groups = new Map<string, QueueGroup>();
  const running: RunningJob[] = [];
  const states = await Promise.all(
    open.map(async (record) => ({
      record,
      queued: record.jobId ? await options.jobs.state(record.jobId) : null,
    })),
  );
  for (const { record, queued } of states) {
    if (!queued) continue;
    if (queued.state === 'queued') {
      const labels = [...queued.message.labels].sort();
      const key = JSON.stringify(labels);
      const group = groups.get(key) ?? { labels, queued: 0, oldestEnqueuedAt: queued.message.enqueuedAt };
      group.queued += 1;
      group.oldestEnqueuedAt = Math.min(group.oldestEnqueuedAt, queued.message.enqueuedAt);
      groups.set(key, group);
    } else if (queued.state === 'leased') {
      running.push({
        jobId: queued.message.id,
        record,
        agent: record.holder,
        attempt: queued.message.attempt,
      });
    }
  }
  return {
    now,
    jobStats,
    eventStats,
    groups: [...groups.values()].sort((a, b) => a.oldestEnqueuedAt - b.oldestEnqueuedAt),
    running,
    agents,
    dead: dead.sort((a, b) => b.deadAt - a.deadAt).slice(0, 50),
    cancelled,
    failures: finished.filter((r) => r.outcome && r.outcome.state !== 'success').slice(0, 20),
  };
}

export function dashboardRoute(options: DashboardOptions): Route {
  const hasToken = bearerTokenCheck(options.tokens);
  const authorized = (req: IncomingMessage): boolean => options.public || hasToken(req);
  return {
    paths: ['/'],
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, 405, 'the dashboard is read-only: GET it', { allow: 'GET, HEAD' });
        return;
      }
      if (!authorized(req)) {
        sendError(res, 401, 'missing or invalid bearer token (or set server.dashboard.public)', {
          'www-authenticate': 'Bearer',
        });
        return;
      }
      let page: string;
      try {
        page = renderDashboard(await dashboardSnapshot(options), options).text;
      } catch (error) {
        options.logger.error({ err: error }, 'dashboard failed');
        sendError(res, 503, 'the dashboard could not read the queue or the state store');
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Nothing on the page may run or load: it is text, tables and one stylesheet.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      });
      res.end(req.method === 'HEAD' ? undefined : page);
    },
  };
}

export function renderDashboard(
  snapshot: DashboardSnapshot,
  options: Pick<DashboardOptions, 'refreshSeconds' | 'silentAfterMs'> = {},
): SafeHtml {
  const { now } = snapshot;
  const silentAfterMs = options.silentAfterMs ?? 30_000;
  const ago = (at: number) =>
    html`<time datetime="${new Date(at).toISOString()}">${duration(now - at)} ago</time>`;
  const logLink = (jobId: string) =>
    html`<a class="log" href="/logs/${encodeURIComponent(jobId)}.html">live log</a>`;
  const repo = (r: JobRecord) => `${r.target.repo.owner}/${r.target.repo.name}@${r.target.sha.slice(0, 8)}`;
  const empty = (columns: number, text: string) =>
    html`<tr>
      <td colspan="${columns}" class="empty">${text}</td>
    </tr>`;
  const labels = (list: readonly string[]) =>
    list.length
      ? list.map((l) => html`<span class="label">${l}</span> `)
      : html`<span class="none">any</span>`;

  const stats = (name: string, s: QueueStats) =>
    html`<tr>
      <th>${name}</th>
      <td>${s.queued}</td>
      <td>${s.leased}</td>
      <td>${s.done}</td>
      <td>${s.dead}</td>
      <td>${s.cancelled}</td>
    </tr>`;

  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content="${options.refreshSeconds ?? 10}" />
        <title>ironbots dashboard</title>
        <style>
          body {
            font:
              14px/1.4 system-ui,
              sans-serif;
            margin: 1.5em;
            color: #222;
          }
          h1 {
            font-size: 1.4em;
          }
          h2 {
            font-size: 1.1em;
            margin-top: 1.6em;
          }
          table {
            border-collapse: collapse;
            min-width: 40em;
          }
          th,
          td {
            border: 1px solid #ccc;
            padding: 0.25em 0.6em;
            text-align: left;
            vertical-align: top;
          }
          thead th {
            background: #eef;
          }
          .label {
            background: #e8e8e8;
            border-radius: 3px;
            padding: 0 0.3em;
            font-family: monospace;
          }
          .empty,
          .none {
            color: #888;
            font-style: italic;
          }
          .silent {
            color: #b00;
            font-weight: bold;
          }
          .failure {
            color: #b00;
          }
          .error {
            color: #a60;
          }
        </style>
      </head>
      <body>
        <h1>ironbots</h1>
        <p>
          As of
          <time id="now" datetime="${new Date(now).toISOString()}">${new Date(now).toISOString()}</time>; this
          page reloads itself.
        </p>

        <h2>Queues</h2>
        <table id="queue-stats">
          <thead>
            <tr>
              <th>queue</th>
              <th>queued</th>
              <th>running</th>
              <th>done</th>
              <th>dead</th>
              <th>cancelled</th>
            </tr>
          </thead>
          <tbody>
            ${stats('jobs', snapshot.jobStats)}${stats('webhook events', snapshot.eventStats)}
          </tbody>
        </table>

        <h2>Waiting, per label set</h2>
        <table id="queue-depth">
          <thead>
            <tr>
              <th>labels</th>
              <th>queued</th>
              <th>oldest wait</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.groups.length
                ? snapshot.groups.map(
                    (g) =>
                      html`<tr>
                        <td>${labels(g.labels)}</td>
                        <td class="depth">${g.queued}</td>
                        <td>${duration(now - g.oldestEnqueuedAt)}</td>
                      </tr>`,
                  )
                : empty(3, 'nothing waits')
            }
          </tbody>
        </table>

        <h2>Running</h2>
        <table id="running">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>commit</th>
              <th>agent</th>
              <th>attempt</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.running.length
                ? snapshot.running.map(
                    (r) =>
                      html`<tr>
                        <td>${r.jobId}</td>
                        <td class="context">${r.record.target.context}</td>
                        <td>${repo(r.record)}</td>
                        <td>${r.agent ?? '?'}</td>
                        <td>${r.attempt}</td>
                        <td>${logLink(r.jobId)}</td>
                      </tr>`,
                  )
                : empty(6, 'nothing runs')
            }
          </tbody>
        </table>

        <h2>Agents</h2>
        <table id="agents">
          <thead>
            <tr>
              <th>name</th>
              <th>labels</th>
              <th>mode</th>
              <th>version</th>
              <th>running</th>
              <th>last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.agents === null
                ? empty(6, 'this deployment has no agent registry')
                : snapshot.agents.length
                  ? snapshot.agents.map(
                      (a) =>
                        html`<tr><td class="agent-name">${a.name}</td><td>${labels(a.labels)}</td><td class="mode">${a.mode ? a.mode.toUpperCase() : 'no VMs'}</td><td class="version">${a.version}</td><td>${a.runningJobs.length ? a.runningJobs.map((id) => html`${id} `) : '—'}</td><td${now - a.lastHeartbeat > silentAfterMs ? html` class="silent"` : ''}>${ago(a.lastHeartbeat)}${now - a.lastHeartbeat > silentAfterMs ? ' (silent)' : ''}</td></tr>`,
                    )
                  : empty(6, 'no agent has registered')
            }
          </tbody>
        </table>

        <h2>Dead letters</h2>
        <table id="dead-letters">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>reason</th>
              <th>dead since</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.dead.length
                ? snapshot.dead.map(
                    (d) =>
                      html`<tr>
                        <td>${d.message.id}</td>
                        <td class="context">${d.message.payload.context}</td>
                        <td class="reason">${d.reason}</td>
                        <td>${ago(d.deadAt)}</td>
                      </tr>`,
                  )
                : empty(4, 'none')
            }
          </tbody>
        </table>

        <h2>Recently cancelled</h2>
        <table id="cancelled">
          <thead>
            <tr>
              <th>job</th>
              <th>context</th>
              <th>commit</th>
              <th>cancelled</th>
              <th>last agent</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.cancelled.length
                ? snapshot.cancelled.map((c) => {
                    const job = c.message.payload;
                    return html`<tr>
                      <td>${c.message.id}</td>
                      <td class="context">${job.context}</td>
                      <td>
                        ${
                          job.repository
                            ? `${job.repository.owner}/${job.repository.name}${job.sha ? `@${job.sha.slice(0, 8)}` : ''}`
                            : '—'
                        }
                      </td>
                      <td class="reason">${c.reason ?? ''}</td>
                      <td>${c.holder ?? '—'}</td>
                      <td>${logLink(c.message.id)}</td>
                    </tr>`;
                  })
                : empty(6, 'none')
            }
          </tbody>
        </table>

        <h2>Recent failures</h2>
        <table id="failures">
          <thead>
            <tr>
              <th>context</th>
              <th>commit</th>
              <th>state</th>
              <th>description</th>
              <th>when</th>
              <th>log</th>
            </tr>
          </thead>
          <tbody>
            ${
              snapshot.failures.length
                ? snapshot.failures.map(
                    (r) =>
                      html`<tr>
                        <td class="context">${r.target.context}</td>
                        <td>${repo(r)}</td>
                        <td class="${r.outcome!.state}">${r.outcome!.state}</td>
                        <td class="description">${r.outcome!.description}</td>
                        <td>${ago(r.updatedAt)}</td>
                        <td>${r.jobId ? logLink(r.jobId) : '—'}</td>
                      </tr>`,
                  )
                : empty(6, 'none')
            }
          </tbody>
        </table>
      </body>
    </html> `;
}

/** 42 s, 3 min 5 s, 2 h 10 min, 3 d 4 h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
