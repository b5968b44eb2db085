import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubEmulator } from '../emulators/github/github-emulator.ts';
import { GitHubForge } from '../forge/github/github-forge.ts';
import { ms, summarize } from './stats.ts';

const TOKEN = 'bench-forge-token-0123456789';

/**
 * What the GitHub client adds to each API call: one request after another (as the scanner and the status
 * publisher make them) through GitHubForge, beside the same GET with Node's fetch, against the emulator in
 * this process. Throttling off, as a deployment on the emulator runs it; retries on, as everywhere. No goal:
 * a client whose plumbing costs more than the request shows up here first (the Bottleneck scheduler of
 * @octokit/plugin-retry cost ~4.5 ms a request).
 */
export async function benchForgeRequest(requests = 300, rounds = 5): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-forge-'));
  const emulator = await GitHubEmulator.start({ dataDir: path.join(dir, 'forge'), tokens: [TOKEN] });
  try {
    await emulator.createRepository('acme', 'widget');
    const forge = new GitHubForge({ token: TOKEN, baseUrl: emulator.url, throttle: false });
    const repo = { owner: 'acme', name: 'widget' };
    const viaFetch = async () => {
      const response = await fetch(`${emulator.url}/repos/acme/widget`, {
        headers: { authorization: `token ${TOKEN}`, accept: 'application/vnd.github+json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await response.json();
    };
    const viaForge = async () => void (await forge.getRepository(repo));
    const perRequest = async (call: () => Promise<void>) => {
      const t0 = performance.now();
      for (let i = 0; i < requests; i++) await call();
      return (performance.now() - t0) / requests;
    };
    // Warm both, then alternate rounds so neither gets the quieter half of the run.
    await perRequest(viaFetch);
    await perRequest(viaForge);
    const raw: number[] = [];
    const client: number[] = [];
    for (let round = 0; round < rounds; round++) {
      raw.push(await perRequest(viaFetch));
      client.push(await perRequest(viaForge));
    }
    const r = summarize(raw).p50;
    const c = summarize(client).p50;
    console.log(
      `forge request: GET /repos/{owner}/{repo} one after another, ${requests} per round, median of ${rounds} rounds (GitHub emulator)`,
    );
    console.log(`  fetch            ${ms(r)} a request`);
    console.log(
      `  GitHubForge      ${ms(c)} a request  ${(c / r).toFixed(2)}× fetch (rounds ${client.map((x, i) => (x / raw[i]!).toFixed(2)).join(', ')}; no goal)`,
    );
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
