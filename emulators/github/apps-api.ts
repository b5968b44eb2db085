import { generateKeyPairSync, randomBytes, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * GitHub Apps as far as an App's installation authenticates: the App signs a JWT (RS256, `iss` = its id,
 * at most 10 minutes long) with its private key, and trades it at
 * `POST /app/installations/{id}/access_tokens` for an installation token that works like any other token
 * for an hour. Tokens the emulator made here are accepted next to its fixed ones.
 */
export interface EmulatedApp {
  appId: number;
  installationId: number;
  /** PEM, PKCS#1 ("BEGIN RSA PRIVATE KEY"), as GitHub hands it out. */
  privateKey: string;
}

interface AppRecord {
  appId: number;
  installationId: number;
  publicKey: KeyObject;
}

export class GitHubAppsApi {
  readonly #apps = new Map<number, AppRecord>();
  /** Installation tokens, with when they expire (epoch ms). */
  readonly #tokens = new Map<string, number>();
  #issued = 0;
  readonly #now: () => number;
  readonly #tokenLifetimeMs: number;

  constructor(options: { nextId: () => number; now?: () => number; tokenLifetimeMs?: number }) {
    this.#nextId = options.nextId;
    this.#now = options.now ?? Date.now;
    this.#tokenLifetimeMs = options.tokenLifetimeMs ?? 3_600_000;
  }

  readonly #nextId: () => number;

  /** Registers an App installed once; returns what its owner would download from GitHub. */
  register(): EmulatedApp {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app: AppRecord = { appId: this.#nextId(), installationId: this.#nextId(), publicKey };
    this.#apps.set(app.installationId, app);
    return {
      appId: app.appId,
      installationId: app.installationId,
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
  }

  /** How many installation tokens were made: an App's client renews them, it does not make one per call. */
  get tokensIssued(): number {
    return this.#issued;
  }

  /** Whether `candidate` is an installation token that has not expired. */
  validToken(candidate: string): boolean {
    const given = Buffer.from(candidate);
    for (const [token, expiresAt] of this.#tokens) {
      const want = Buffer.from(token);
      if (want.length === given.length && timingSafeEqual(want, given)) return expiresAt > this.#now();
    }
    return false;
  }

  /**
   * `POST /app/installations/{id}/access_tokens`, authorised by the App's JWT. Answers with status and body
   * as GitHub does; null when the path is not this API's.
   */
  route(
    method: string,
    pathname: string,
    authorization: string | undefined,
  ): { status: number; body: unknown } | null {
    const match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(pathname);
    if (!match) return null;
    if (method !== 'POST') return { status: 404, body: { message: 'Not Found' } };
    const app = this.#apps.get(Number(match[1]));
    const jwt = /^bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const problem = !jwt ? 'A JSON web token could not be decoded' : !app ? null : this.#jwtProblem(jwt, app);
    if (!app) return { status: 404, body: { message: 'Not Found' } };
    if (problem) return { status: 401, body: { message: problem } };
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    const expiresAt = this.#now() + this.#tokenLifetimeMs;
    this.#tokens.set(token, expiresAt);
    this.#issued++;
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: { administration: 'write', actions: 'read', statuses: 'write', contents: 'read' },
        repository_selection: 'all',
      },
    };
  }

  /** What is wrong with the JWT, in GitHub's words, or null when it is good. */
  #jwtProblem(jwt: string, app: AppRecord): string | null {
    const parts = jwt.split('.');
    if (parts.length !== 3) return 'A JSON web token could not be decoded';
    let header: { alg?: string };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return 'A JSON web token could not be decoded';
    }
    if (header.alg !== 'RS256') return 'A JSON web token could not be decoded';
    const signed = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      app.publicKey,
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!signed) return 'A JSON web token could not be decoded';
    if (String(claims.iss) !== String(app.appId)) return "'Issuer' claim ('iss') must be an Integer";
    const now = Math.floor(this.#now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (typeof claims.iat !== 'number' || claims.iat > now + 60 || claims.exp - claims.iat > 600)
      return "'Expiration time' claim ('exp') is too far in the future";
    return null;
  }
}
