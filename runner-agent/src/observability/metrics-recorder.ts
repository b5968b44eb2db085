import type { AgentEvent } from '../agent/agent.ts';
import { bearerTokenCheck } from '../../../core/http/bearer-token.ts';
import type { Route } from '../../../core/http/http-server.ts';
import { sendError } from '../../../core/http/responses.ts';
import type { Queue } from '../queue/queue.ts';
import type { RunnerObserver } from '../runners/runner-events.ts';

/** Who may read GET /metrics: anyone when `public`, else a bearer of one of `tokens` (config `metrics`). */
export interface MetricsAccess {
  public: boolean;
  tokens: readonly string[];
}

/** What a deployment's parts report figures to, and the GET /metrics route that serves them. */
export interface MetricsRecorder extends RunnerObserver {
  /** Feed for Agent's onEvent. */
  observeAgent(event: AgentEvent): void;
  /** Feed for the webhook receiver's onOutcome. */
  observeDelivery(event: string, outcome: string): void;
  route(access: MetricsAccess): Route;
}

/**
 * The recorder for a deployment: Prometheus metrics (prom-client, metrics.ts) when someone may read them, else
 * one that records nothing. prom-client and its process metrics are ≈12 MB of RSS in an agent that would
 * answer every scrape with 401 anyway.
 */
export async function openMetricsRecorder(
  access: MetricsAccess,
  options: { queues: Queue<unknown>[]; defaultMetrics: boolean },
): Promise<MetricsRecorder> {
  if (!access.public && access.tokens.length === 0) return unreadableMetrics;
  const { Metrics } = await import('./metrics.ts');
  return new Metrics(options);
}

/** GET /metrics behind `access`; `render` gives the body only to a reader who may have it. */
export function metricsRoute(
  access: MetricsAccess,
  render: () => Promise<{ contentType: string; body: string }>,
): Route {
  const hasToken = bearerTokenCheck(access.tokens);
  return {
    paths: ['/metrics'],
    async handle(req, res) {
      req.resume();
      if (req.method !== 'GET') return sendError(res, 405, 'metrics are read with GET', { allow: 'GET' });
      if (!access.public && !hasToken(req)) {
        return sendError(
          res,
          401,
          'missing or invalid bearer token (metrics.tokens, or set metrics.public)',
          {
            'www-authenticate': 'Bearer',
          },
        );
      }
      const { contentType, body } = await render();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    },
  };
}

/** Nobody may read /metrics (no metrics.tokens, not metrics.public): nothing is recorded, every scrape is a 401. */
const unreadableMetrics: MetricsRecorder = {
  observeAgent: () => undefined,
  observeDelivery: () => undefined,
  observeRunner: () => undefined,
  route: (access) =>
    metricsRoute(access, () => Promise.reject(new Error('metrics are not recorded without a reader'))),
};
