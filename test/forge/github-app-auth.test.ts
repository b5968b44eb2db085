import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubEmulator } from '../../emulators/github/github-emulator.ts';
import { forgeFromConfig } from '../../forge/forge-from-config.ts';
import { GitHubForge } from '../../forge/github/github-forge.ts';
import { withTempDir } from '../support/temp-dir.ts';

describe('a GitHub App installation as the forge’s credentials', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let emulator: GitHubEmulator;
  beforeEach(async () => {
    tmp = await withTempDir();
    emulator = await GitHubEmulator.start({
      dataDir: path.join(tmp.dir, 'forge'),
      tokens: ['ghp_fixedtoken0123456789'],
    });
    await emulator.createRepository('acme', 'widget');
  });
  afterEach(async () => {
    await emulator.stop();
    await tmp.remove();
  });

  it('trades the App’s JWT for an installation token, reuses it, and hands it to git and the secret registry', async () => {
    const app = emulator.registerApp();
    const redacted: string[] = [];
    const forge = await forgeFromConfig(
      { kind: 'github', apiUrl: emulator.url, app },
      { secrets: { add: (s) => redacted.push(s) }, throttle: false },
    );
    expect((await forge.getRepository({ owner: 'acme', name: 'widget' })).name).toBe('widget');
    await forge.listOpenPullRequests({ owner: 'acme', name: 'widget' });
    expect(emulator.appTokensIssued).toBe(1);
    const { password } = forge.gitCredentials()!;
    expect(password).toMatch(/^ghs_/);
    expect(redacted).toContain(app.privateKey);
    expect(redacted).toContain(password);
  });

  it('fails clearly with a private key that is not the App’s', async () => {
    const app = emulator.registerApp();
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const forge = new GitHubForge({
      app: { ...app, privateKey: stranger },
      baseUrl: emulator.url,
      throttle: false,
      retries: 0,
    });
    await expect(forge.getRepository({ owner: 'acme', name: 'widget' })).rejects.toThrow(
      /401|could not be decoded/,
    );
    expect(emulator.appTokensIssued).toBe(0);
  });

  it('refuses a token and an app at once, and an app on GitLab', async () => {
    const app = emulator.registerApp();
    await expect(forgeFromConfig({ kind: 'github', token: 'ghp_x0123456789', app })).rejects.toThrow(
      /not both/,
    );
    await expect(forgeFromConfig({ kind: 'gitlab', app })).rejects.toThrow(/only GitHub has apps/);
  });
});
