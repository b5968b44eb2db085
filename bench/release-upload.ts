import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { ActionLog } from '../core/action-log.ts';
import { GitHubReleaseTarget } from '../actions/release/targets/github-target.ts';
import type { ReleaseAsset } from '../actions/release/targets/release-target.ts';
import { GitHubEmulator } from '../emulators/github/github-emulator.ts';
import { ms } from './stats.ts';

const TOKEN = 'bench-release-token-0123456789';
const MIB = 1024 * 1024;

/** Writes `bytes` of random data in 1 MiB pieces and describes it as the build step would. */
async function makeAsset(dir: string, name: string, bytes: number): Promise<ReleaseAsset> {
  const file = path.join(dir, name);
  const handle = await open(file, 'w');
  const hash = createHash('sha256');
  for (let written = 0; written < bytes; written += MIB) {
    const piece = randomBytes(Math.min(MIB, bytes - written));
    hash.update(piece);
    await handle.write(piece);
  }
  await handle.close();
  return { name, path: file, bytes, sha256: hash.digest('hex') };
}

/** One raw HTTP POST of the file to an upload URL: the floor any client sits on. */
function rawUpload(url: string, asset: ReleaseAsset): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `token ${TOKEN}`,
          'content-type': 'application/octet-stream',
          'content-length': String(asset.bytes),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    createReadStream(asset.path).pipe(request);
  });
}

/**
 * 100 MiB of assets (4 × 25 MiB) released to the GitHub emulator through the GitHub target (draft, uploads,
 * publish), beside raw HTTP POSTs of the same bytes to the emulator's upload URL.
 */
export async function benchReleaseUpload(runs = 11): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-upload-'));
  const emulator = await GitHubEmulator.start({ dataDir: path.join(dir, 'forge'), tokens: [TOKEN] });
  try {
    await emulator.createRepository('acme', 'widget');
    const assets: ReleaseAsset[] = [];
    for (let i = 0; i < 4; i++) assets.push(await makeAsset(dir, `part-${i}.bin`, 25 * MIB));
    const total = assets.reduce((sum, a) => sum + a.bytes, 0);
    const raw: number[] = [];
    const target: number[] = [];
    // The target's progress lines are counted, not printed: their cost is part of the figure.
    let logLines = 0;
    const countingLog: ActionLog = {
      info: () => void logLines++,
      notice: () => void logLines++,
      warn: () => void logLines++,
      error: () => void logLines++,
      debug: () => undefined,
      group: (_name, run) => run(),
    };
    // The emulator runs in this process: CPU time is client and server together, the same server for both.
    const rawCpu: number[] = [];
    const targetCpu: number[] = [];
    const cpuSince = (start: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    for (let run = 0; run < runs; run++) {
      const created = await fetch(`${emulator.url}/repos/acme/widget/releases`, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tag_name: `raw-${run}`, draft: true }),
      });
      const uploadUrl = ((await created.json()) as { upload_url: string }).upload_url.replace(/\{.*\}$/, '');
      let t0 = performance.now();
      let cpu0 = process.cpuUsage();
      for (const asset of assets) await rawUpload(`${uploadUrl}?name=${asset.name}`, asset);
      raw.push(performance.now() - t0);
      rawCpu.push(cpuSince(cpu0));

      const github = new GitHubReleaseTarget({
        token: TOKEN,
        repository: 'acme/widget',
        apiUrl: emulator.url,
        log: countingLog,
      });
      const spec = {
        tag: `v1.${run}`,
        version: `1.${run}`,
        commit: '0'.repeat(40),
        title: `1.${run}`,
        notes: 'bench',
        assets,
        prerelease: false,
      };
      t0 = performance.now();
      cpu0 = process.cpuUsage();
      await github.prepare(spec);
      target.push(performance.now() - t0);
      targetCpu.push(cpuSince(cpu0));
    }
    const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
    const rate = (millis: number) => `${(total / MIB / (millis / 1000)).toFixed(0)} MiB/s`;
    const each = raw.map((r, i) => target[i]! / r).sort((a, b) => a - b);
    console.log(
      `release upload of ${total / MIB} MiB (4 assets) to the GitHub emulator, median of ${runs} interleaved runs`,
    );
    console.log(
      `  raw HTTP POST of the bytes      ${ms(median(raw))}  (${rate(median(raw))})  CPU ${ms(median(rawCpu))}`,
    );
    console.log(
      `  GitHub target (draft + uploads) ${ms(median(target))}  (${rate(median(target))})  CPU ${ms(median(targetCpu))}`,
    );
    console.log(
      `  ratio     target / raw = ${(median(target) / median(raw)).toFixed(2)}× (runs ${each[0]!.toFixed(2)}–${each.at(-1)!.toFixed(2)}), ` +
        `CPU ${(median(targetCpu) / median(rawCpu)).toFixed(2)}×  (goal ≤ 1.2×)`,
    );
    console.log(`  progress lines in the log: ${logLines / runs} per release of 4 assets`);
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
