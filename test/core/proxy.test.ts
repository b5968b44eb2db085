import { EnvHttpProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { proxyDispatcher } from '../../core/proxy.ts';

const UPLOADS = new URL('https://uploads.github.com/repos/acme/widget/releases/1/assets?name=a.tgz');
const GHES = new URL('http://ghes.corp.example/api/uploads/repos/acme/widget/releases/1/assets');

/** Whether an upload to `url` under `env` goes through a proxy-aware dispatcher (closed again here). */
async function proxied(url: URL, env: NodeJS.ProcessEnv): Promise<boolean> {
  const dispatcher = proxyDispatcher(url, env);
  if (dispatcher) {
    expect(dispatcher).toBeInstanceOf(EnvHttpProxyAgent);
    await dispatcher.close();
  }
  return dispatcher !== undefined;
}

describe('the proxy an asset upload goes through (the rules @actions/github applies)', () => {
  it('uses the default dispatcher when no proxy variable is set', async () => {
    expect(await proxied(UPLOADS, {})).toBe(false);
    expect(await proxied(GHES, { NO_PROXY: 'ghes.corp.example' })).toBe(false);
  });

  it('takes the proxy variable of the URL scheme, upper or lower case, and never the other scheme', async () => {
    expect(await proxied(UPLOADS, { HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
    expect(await proxied(UPLOADS, { https_proxy: 'http://proxy:3128' })).toBe(true);
    expect(await proxied(UPLOADS, { HTTP_PROXY: 'http://proxy:3128' })).toBe(false);
    expect(await proxied(GHES, { http_proxy: 'http://proxy:3128' })).toBe(true);
    expect(await proxied(GHES, { HTTPS_PROXY: 'http://proxy:3128' })).toBe(false);
  });

  it('accepts a proxy written without scheme, and with credentials', async () => {
    expect(await proxied(UPLOADS, { HTTPS_PROXY: 'proxy.corp:3128' })).toBe(true);
    expect(await proxied(UPLOADS, { HTTPS_PROXY: 'http://user:p%40ss@proxy.corp:3128' })).toBe(true);
  });

  it('never sends loopback uploads (an emulator, a local GHES tunnel) through the proxy', async () => {
    const env = { HTTP_PROXY: 'http://proxy:3128', HTTPS_PROXY: 'http://proxy:3128' };
    for (const url of ['http://127.0.0.1:8080/u', 'http://localhost/u', 'https://[::1]:8443/u'])
      expect(await proxied(new URL(url), env)).toBe(false);
  });
});
