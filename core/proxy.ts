import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';

/**
 * The dispatcher a request to `url` goes through, decided as @actions/github decides for its requests
 * (@actions/http-client's rules): loopback hosts never use a proxy; an https URL uses https_proxy/HTTPS_PROXY
 * and an http URL http_proxy/HTTP_PROXY (lowercase first), never the other one; NO_PROXY exempts hosts.
 * Undefined means undici's default dispatcher: no proxy is set for this URL.
 */
export function proxyDispatcher(url: URL, env: NodeJS.ProcessEnv = process.env): Dispatcher | undefined {
  if (isLoopback(url.hostname)) return undefined;
  const httpProxy = env['http_proxy'] || env['HTTP_PROXY'];
  const httpsProxy = env['https_proxy'] || env['HTTPS_PROXY'];
  const proxy = url.protocol === 'https:' ? httpsProxy : httpProxy;
  if (!proxy) return undefined;
  // EnvHttpProxyAgent applies NO_PROXY (hosts, domains, ports, *) and the proxy's user:password.
  return new EnvHttpProxyAgent({
    httpProxy: withScheme(httpProxy || proxy),
    httpsProxy: withScheme(httpsProxy || proxy),
    noProxy: env['no_proxy'] || env['NO_PROXY'] || '',
  });
}

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '[0:0:0:0:0:0:0:1]';
}

/** `proxy:3128` as runners often set it means http://proxy:3128, as @actions/http-client reads it. */
function withScheme(proxy: string): string {
  return /^https?:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * `fetch` through the runner's proxy where `proxyDispatcher` says so, for servers other than GitHub's API
 * (@actions/github's own fetch takes the proxy decided for the API's URL, whatever URL it is given).
 */
export const fetchThroughProxy = ((input: string | URL | Request, init?: RequestInit) => {
  const dispatcher = proxyDispatcher(new URL(input instanceof Request ? input.url : input));
  if (!dispatcher) return fetch(input, init);
  return undiciFetch(input as string | URL, { ...(init as object), dispatcher });
}) as typeof fetch;
