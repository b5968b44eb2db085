import type { Logger } from 'pino';
import type { Forge } from './forge.ts';
import type * as GitHubClient from './github/github-forge.ts';
import type * as GitLabClient from './gitlab/gitlab-forge.ts';

/** Which forge, where, and with what token: the part of every configuration that names a forge. */
export interface ForgeConfig {
  kind: 'github' | 'gitlab';
  /** A personal (or project) access token; on GitHub, or `app`. */
  token?: string | undefined;
  /** GitHub only: act as a GitHub App's installation (tokens made and renewed by the client). */
  app?: { appId: number; privateKey: string; installationId: number } | undefined;
  /**
   * GitHub: the REST API's base URL (default https://api.github.com; …/api/v3 on GitHub Enterprise).
   * GitLab: the instance's URL (default https://gitlab.com; the API is under /api/v4).
   */
  apiUrl?: string | undefined;
}

/** What the process hands every forge client it builds. */
export interface ForgeWiring {
  /** The token is registered here before any request is made, so no log line or status can show it. */
  secrets?: { add(secret: string): void };
  logger?: Logger;
  /**
   * The longest wait a rate limit may ask for (Retry-After, or GitHub's reset time) before the request fails
   * instead of waiting. Default 120.
   */
  maxRateLimitWaitSeconds?: number;
  /**
   * GitHub's write spacing (writes ≥ 1 s apart) and rate-limit waits. Default true; false for the built-in
   * emulator, which has no limits.
   */
  throttle?: boolean;
  /** GitHub only: the client's transport (see GitHubForgeOptions.fetch). */
  fetch?: typeof fetch;
}

export const DEFAULT_API_URLS = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
} as const satisfies Record<ForgeConfig['kind'], string>;

/** How each client library is loaded: lazily, so a bundle that never uses a forge never carries it. */
export interface ForgeClientLoaders {
  github?: () => Promise<typeof GitHubClient>;
  gitlab?: () => Promise<typeof GitLabClient>;
}

/**
 * A forge client from configuration, with the client loaders given (see forgeFromConfig): an action that supports one forge only hands in that one
 * loader, and its bundle leaves the other client out altogether.
 */
export async function buildForge(
  config: ForgeConfig,
  wiring: ForgeWiring,
  loaders: ForgeClientLoaders,
): Promise<Forge> {
  const kind: unknown = config.kind;
  if (kind !== 'github' && kind !== 'gitlab')
    throw new Error(`forge kind "${String(kind)}": expected github or gitlab`);
  const load = loaders[kind];
  if (!load) throw new Error(`forge kind "${kind}" is not supported here`);
  if (config.app && kind !== 'github') throw new Error(`${kind} forge: only GitHub has apps; use a token`);
  if (config.app && config.token) throw new Error(`${kind} forge: give a token or an app, not both`);
  if (!config.app && (typeof config.token !== 'string' || config.token.trim() === ''))
    throw new Error(`${kind} forge: the token is empty`);
  const apiUrl = config.apiUrl || DEFAULT_API_URLS[kind];
  if (!isHttpUrl(apiUrl)) throw new Error(`${kind} forge: apiUrl "${apiUrl}" is not an http(s) URL`);
  const wait = wiring.maxRateLimitWaitSeconds;
  if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0))
    throw new Error(`maxRateLimitWaitSeconds: ${wait} is not a number of seconds ≥ 0`);

  if (config.token) wiring.secrets?.add(config.token);
  if (config.app) wiring.secrets?.add(config.app.privateKey);
  const logger = wiring.logger?.child({ role: 'forge', forge: kind });
  const common = {
    token: config.token ?? '',
    ...(logger ? { logger } : {}),
    ...(wait !== undefined ? { maxRateLimitWaitSeconds: wait } : {}),
  };
  if (kind === 'github') {
    const { GitHubForge } = await (load as NonNullable<ForgeClientLoaders['github']>)();
    return new GitHubForge({
      ...common,
      ...(config.app
        ? { token: undefined, app: config.app, onToken: (token: string) => wiring.secrets?.add(token) }
        : {}),
      baseUrl: apiUrl,
      ...(wiring.throttle !== undefined ? { throttle: wiring.throttle } : {}),
      ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
    });
  }
  const { GitLabForge } = await (load as NonNullable<ForgeClientLoaders['gitlab']>)();
  return new GitLabForge({ ...common, host: apiUrl });
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
