import { createHash } from 'node:crypto';

/** A manifest exactly as the registry stores it: re-put byte for byte, it keeps its digest. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** What container-refresh needs of a registry: tags, and moving a tag to a manifest that is already there. */
export interface RegistryClient {
  /** Every tag of the repository; [] when the repository does not exist yet. */
  listTags(image: string): Promise<string[]>;
  /** The manifest behind a tag or digest, or null when there is none. */
  getManifest(image: string, reference: string): Promise<StoredManifest | null>;
  /** Points `tag` at the manifest; the blobs it names must already be in the repository. */
  putManifest(image: string, tag: string, manifest: StoredManifest): Promise<void>;
}

export class RegistryError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
  }
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * The OCI distribution API over HTTP(S): basic credentials, and the bearer token dance of ghcr.io, Docker Hub
 * and GitLab's registry (a 401 names a token realm; the token is fetched with the credentials and reused).
 */
export class HttpRegistryClient implements RegistryClient {
  readonly #base: string;
  readonly #credentials: { username: string; password: string } | null;
  readonly #fetch: typeof fetch;
  readonly #tokens = new Map<string, string>();

  constructor(options: {
    registry: string;
    /** false: plain HTTP, for a registry on this machine. */
    tls: boolean;
    credentials?: { username: string; password: string } | null;
    fetch?: typeof fetch;
  }) {
    this.#base = `${options.tls ? 'https' : 'http'}://${options.registry}`;
    this.#credentials = options.credentials ?? null;
    this.#fetch = options.fetch ?? fetch;
  }

  async listTags(image: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | null = `/v2/${image}/tags/list?n=1000`;
    while (next) {
      const response = await this.#request('GET', next, image, 'pull');
      if (response.status === 404) return [];
      await expectOk(response, `list the tags of ${image}`);
      const body = (await response.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      // Pagination through the Link header: </v2/…/tags/list?n=…&last=…>; rel="next"
      next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
    }
    return tags;
  }

  async getManifest(image: string, reference: string): Promise<StoredManifest | null> {
    const response = await this.#request('GET', `/v2/${image}/manifests/${reference}`, image, 'pull', {
      accept: MANIFEST_TYPES,
    });
    if (response.status === 404) return null;
    await expectOk(response, `read the manifest ${image}:${reference}`);
    const body = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const mediaType =
      response.headers.get('content-type')?.split(';')[0]?.trim() ||
      ((JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType ?? '');
    return { digest, mediaType, body };
  }

  async putManifest(image: string, tag: string, manifest: StoredManifest): Promise<void> {
    const response = await this.#request(
      'PUT',
      `/v2/${image}/manifests/${tag}`,
      image,
      'pull,push',
      { 'content-type': manifest.mediaType },
      manifest.body,
    );
    await expectOk(response, `point ${image}:${tag} at ${manifest.digest}`);
  }

  async #request(
    method: string,
    path: string,
    image: string,
    actions: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ): Promise<Response> {
    const scope = `repository:${image}:${actions}`;
    const send = (authorization: string | null) =>
      this.#fetch(`${this.#base}${path}`, {
        method,
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
        ...(body ? { body } : {}),
      }).catch((error: unknown) => {
        throw new RegistryError(
          `${method} ${this.#base}${path}: no answer: ${(error as Error).message}${causeOf(error)}`,
          0,
        );
      });
    const cached = this.#tokens.get(scope);
    let response = await send(cached ? `Bearer ${cached}` : this.#basic());
    if (response.status !== 401) return response;
    const challenge = response.headers.get('www-authenticate') ?? '';
    const bearer = /^Bearer\s+(.*)$/i.exec(challenge);
    if (!bearer) return response;
    await response.arrayBuffer();
    const token = await this.#token(bearer[1]!, scope);
    this.#tokens.set(scope, token);
    response = await send(`Bearer ${token}`);
    return response;
  }

  async #token(challenge: string, scope: string): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
    );
    if (!params.realm) throw new RegistryError('the registry asked for a token but named no realm', 401);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    const basic = this.#basic();
    const response = await this.#fetch(url, { headers: basic ? { authorization: basic } : {} });
    if (!response.ok)
      throw new RegistryError(
        `the registry's token service refused ${this.#credentials ? 'the credentials' : 'anonymous access'} (${response.status})`,
        response.status,
      );
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError("the registry's token service sent no token", 502);
    return token;
  }

  #basic(): string | null {
    if (!this.#credentials) return null;
    const { username, password } = this.#credentials;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (response.ok) return;
  let detail = '';
  try {
    const body = (await response.json()) as { errors?: { code?: string; message?: string }[] };
    detail = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not the distribution API's error JSON
  }
  throw new RegistryError(
    `could not ${what}: the registry answered ${response.status}${detail ? ` (${detail})` : ''}`,
    response.status,
  );
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ? ` (${cause.message})` : '';
}
