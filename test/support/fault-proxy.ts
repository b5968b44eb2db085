import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A commit status as ironbots writes it: POST /repos/:owner/:repo/statuses/:sha. */
export interface StatusWrite {
  owner: string;
  repo: string;
  sha: string;
  context: string;
  state: string;
  description: string;
}

/** How one status write went, as the proxy saw it. Times are this process's Date.now(). */
export interface StatusWriteRecord extends StatusWrite {
  receivedAt: number;
  /** When the forge answered (accepted, refused) or the proxy answered with a fault (injected). */
  answeredAt: number;
  /** `accepted`: the forge stored it; `injected`: the proxy answered with a fault and never forwarded it. */
  outcome: 'accepted' | 'injected' | 'refused';
  /** The HTTP status the writer got (or would have got, had it still been there). */
  answer: number;
}

/** A fault answer: a gateway error, or a rate limit with the Retry-After GitHub sends. */
export type FaultAnswer = { status: 500 | 502 | 503 } | { status: 429; retryAfterSeconds: number };

export interface FaultPlan {
  /** Fraction (0–1) of status writes answered with one of `answers` instead of being forwarded. */
  statusWriteFailureRate: number;
  answers: FaultAnswer[];
  /** Each status write waits a uniformly random time in [min, max] ms before it is forwarded. */
  statusWriteLatencyMs: [number, number];
}

/**
 * Sees every status write before it is forwarded (`received`) and after the forge stored it but before
 * the writer gets the answer (`accepted`). Awaited: a hook can start an outage, or kill the writer so
 * that it never learns its write went through.
 */
export type StatusWriteHook = (write: StatusWrite, phase: 'received' | 'accepted') => void | Promise<void>;

/**
 * A fault-injecting HTTP proxy in front of the forge's REST API, for the reliability suite: ironbots
 * processes talk to the proxy, which forwards to the forge unless the plan says otherwise. It fails a
 * share of the status writes, delays them, answers everything with 502 during an outage, and records every
 * status write with the time the forge accepted it. Randomness comes from a seeded generator, so a failing
 * trial can be replayed with its seed.
 */
export class FaultProxy {
  readonly #server: http.Server;
  readonly #target: URL;
  readonly #random: () => number;
  readonly #hooks: StatusWriteHook[] = [];
  #url = '';
  #outageUntil = 0;
  #outageAnswers: FaultAnswer[] = [{ status: 502 }];
  plan: FaultPlan = { statusWriteFailureRate: 0, answers: [{ status: 502 }], statusWriteLatencyMs: [0, 0] };
  /** Every status write in the order they were answered. */
  readonly statusWrites: StatusWriteRecord[] = [];
  /** Requests answered with an outage's 502, of any kind. */
  outageAnswers = 0;

  private constructor(target: string, seed: number) {
    this.#target = new URL(target);
    this.#random = mulberry32(seed);
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fault proxy: upstream failed' }));
      });
    });
    this.#server.keepAliveTimeout = 2_000;
  }

  static async start(target: string, options: { seed: number }): Promise<FaultProxy> {
    const proxy = new FaultProxy(target, options.seed);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.#url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Where ironbots should send its API requests instead of the forge. */
  get url(): string {
    return this.#url;
  }

  /**
   * Every request is answered with a fault for the next `ms` milliseconds: 502, as by a load balancer with
   * no backend, or one of `answers` at random (a storm of 5xx and 429 with Retry-After, as a forge under
   * load sends).
   */
  outage(ms: number, answers: FaultAnswer[] = [{ status: 502 }]): void {
    this.#outageUntil = Date.now() + ms;
    this.#outageAnswers = answers;
  }

  get outageEndsAt(): number {
    return this.#outageUntil;
  }

  onStatusWrite(hook: StatusWriteHook): void {
    this.#hooks.push(hook);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const receivedAt = Date.now();
    const write = statusWriteOf(req, body);
    if (write) for (const hook of this.#hooks) await hook(write, 'received');

    if (Date.now() < this.#outageUntil) {
      this.outageAnswers++;
      const answer = this.#outageAnswers[Math.floor(this.#random() * this.#outageAnswers.length)]!;
      if (write) this.#record(write, receivedAt, 'injected', answer.status);
      return sendFault(res, answer);
    }
    if (write) {
      const [min, max] = this.plan.statusWriteLatencyMs;
      if (max > 0) await new Promise((r) => setTimeout(r, min + this.#random() * (max - min)));
      if (this.#random() < this.plan.statusWriteFailureRate && this.plan.answers.length > 0) {
        const answer = this.plan.answers[Math.floor(this.#random() * this.plan.answers.length)]!;
        this.#record(write, receivedAt, 'injected', answer.status);
        return sendFault(res, answer);
      }
    }

    const upstream = await forward(this.#target, req, body);
    if (write) {
      const accepted = upstream.status >= 200 && upstream.status < 300;
      this.#record(write, receivedAt, accepted ? 'accepted' : 'refused', upstream.status);
      if (accepted) for (const hook of this.#hooks) await hook(write, 'accepted');
    }
    if (res.destroyed) return;
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  #record(write: StatusWrite, receivedAt: number, outcome: StatusWriteRecord['outcome'], answer: number) {
    this.statusWrites.push({ ...write, receivedAt, answeredAt: Date.now(), outcome, answer });
  }
}

function statusWriteOf(req: IncomingMessage, body: Buffer): StatusWrite | null {
  const match = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(req.url?.split('?')[0] ?? '');
  if (req.method !== 'POST' || !match) return null;
  let parsed: { context?: unknown; state?: unknown; description?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return null;
  }
  return {
    owner: match[1]!,
    repo: match[2]!,
    sha: match[3]!,
    context: typeof parsed.context === 'string' ? parsed.context : 'default',
    state: String(parsed.state),
    description: typeof parsed.description === 'string' ? parsed.description : '',
  };
}

function sendFault(res: ServerResponse, answer: FaultAnswer): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (answer.status === 429) headers['retry-after'] = String(answer.retryAfterSeconds);
  res.writeHead(answer.status, headers);
  res.end(JSON.stringify({ message: `fault proxy: injected ${answer.status}` }));
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
  const headers = { ...req.headers, host: target.host };
  delete headers.connection;
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (response) => {
        readAll(response).then((data) => {
          const out = { ...response.headers };
          // The body is re-sent whole; the upstream's framing does not apply.
          delete out['transfer-encoding'];
          delete out.connection;
          out['content-length'] = String(data.length);
          resolve({ status: response.statusCode ?? 502, headers: out, body: data });
        }, reject);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
