import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../core/http/http-server.ts';
import { silentLogger } from '../../core/logger.ts';
import { FilesystemLogStore } from '../../runner-agent/src/logs/filesystem-log-store.ts';
import { logHttpRoute } from '../../runner-agent/src/logs/log-http.ts';
import type { JobLogMeta } from '../../runner-agent/src/logs/log-store.ts';
import { withTempDir } from '../support/temp-dir.ts';

// Debian's chromium (dev/run installs it); playwright-core drives it without downloading a browser.
const CHROMIUM = '/usr/bin/chromium';
// Kept after the run so a person can look at it.
const SCREENSHOT = path.join(tmpdir(), 'ironbots-log-viewer-failure.png');

let browser: Browser;
let page: Page;
let store: FilesystemLogStore;
let removeDir: () => Promise<void>;
let server: RunningHttpServer;
let baseUrl: string;

const SHA = '0123456789abcdef0123456789abcdef01234567';

function jobMeta(jobId: string): JobLogMeta {
  return {
    jobId,
    context: 'unit',
    state: 'running',
    agent: 'browser-agent',
    attempt: 1,
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    repository: 'acme/widget',
    sha: SHA,
    commitUrl: `http://127.0.0.1:9/acme/widget/commit/${SHA}`,
    pullRequest: 7,
    pullRequestUrl: 'http://127.0.0.1:9/acme/widget/pull/7',
  };
}

/** The RGB of one pixel of a PNG, decoded by the browser itself in a page of its own. */
async function pixelAt(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const decoder = await browser.newPage();
  try {
    // Browser code as text: this project's TypeScript has no DOM types.
    return await decoder.evaluate<[number, number, number]>(`(async () => {
      const image = new Image();
      image.src = 'data:image/png;base64,${png.toString('base64')}';
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      return [...context.getImageData(${x}, ${y}, 1, 1).data.slice(0, 3)];
    })()`);
  } finally {
    await decoder.close();
  }
}

describe.skipIf(!existsSync(CHROMIUM))('log viewer in headless Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    const tmp = await withTempDir('ironbots-log-viewer-');
    store = new FilesystemLogStore({ root: tmp.dir });
    removeDir = tmp.remove;
    server = await startHttpServer({
      routes: [logHttpRoute(store, { pollIntervalMs: 50 })],
      logger: silentLogger(),
    });
    baseUrl = server.url;
    page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
  });
  afterEach(async () => {
    await page?.close();
    await server.close();
    await removeDir();
  });

  it('renders colours and anchors, follows a running job to its end, and shows the final state', async () => {
    const writer = await store.create(jobMeta('job-live'));
    writer.append('\x1b[31mred error\x1b[0m and plain\n');
    writer.append('<img src=x onerror="window.injected=1"><script>window.injected=2</script>\n');
    writer.append('\x1b[1;32mbold green\x1b[0m\r\n');
    for (let i = 4; i <= 40; i++) writer.append(`line ${i}\n`);
    await writer.flush();

    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/logs/job-live.html#L3`);
    await page.locator('#L40').waitFor();

    // ANSI colours become coloured spans, not raw escapes.
    const red = page.locator('#L1 .text span').first();
    expect(await red.textContent()).toBe('red error');
    expect(await page.evaluate("getComputedStyle(document.querySelector('#L1 .text span')).color")).toBe(
      'rgb(187, 0, 0)',
    );
    expect(await page.locator('#L1').textContent()).not.toContain('\x1b');
    expect(await page.evaluate("getComputedStyle(document.querySelector('#L3 .text span')).fontWeight")).toBe(
      '700',
    );

    // Job output is text: the markup in it shows as characters and runs nothing.
    expect(await page.locator('#L2 .text').textContent()).toBe(
      '<img src=x onerror="window.injected=1"><script>window.injected=2</script>',
    );
    expect(await page.locator('#log img, #log script').count()).toBe(0);
    expect(await page.evaluate('window.injected')).toBeUndefined();

    // Line numbers are anchors; the one in the address is highlighted.
    expect(await page.locator('#L3 a.ln').getAttribute('href')).toBe('#L3');
    expect(await page.locator('#L3').getAttribute('class')).toContain('target');
    await page.locator('#L5 a.ln').click();
    expect(new URL(page.url()).hash).toBe('#L5');

    // Running: an amber badge, a running duration, links to the raw log, meta, commit and PR.
    expect(await page.locator('#state').textContent()).toBe('running');
    await expect.poll(() => page.locator('#duration').textContent()).toMatch(/^running for 1m \d+s$/);
    const hrefs = await page.evaluate(
      "Object.fromEntries([...document.querySelectorAll('header nav a')].map((a) => [a.id, a.href]))",
    );
    expect(hrefs).toEqual({
      'raw-link': `${baseUrl}/logs/job-live`,
      'meta-link': `${baseUrl}/logs/job-live/meta`,
      'commit-link': `http://127.0.0.1:9/acme/widget/commit/${SHA}`,
      'pr-link': 'http://127.0.0.1:9/acme/widget/pull/7',
    });
    expect(await page.locator('#commit-link').textContent()).toBe(`commit ${SHA.slice(0, 10)}`);
    expect(await page.locator('#pr-link').textContent()).toBe('PR #7');

    // Output written while the page is open appears without a reload, partial lines once complete.
    writer.append('appended while open\n\x1b[33mno newline at the end');
    await writer.flush();
    await page.locator('#L41').waitFor();
    expect(await page.locator('#L41 .text').textContent()).toBe('appended while open');
    writer.append('\x1b[0m\n');
    await writer.finish({ state: 'failure', exitCode: 2, finishedAt: new Date().toISOString() });

    await page.locator('body[data-complete="true"]').waitFor();
    expect(await page.locator('#L42 .text').textContent()).toBe('no newline at the end');
    expect(await page.locator('#L43').count()).toBe(0);
    expect(await page.locator('#state').textContent()).toBe('failure');
    expect(await page.locator('#exit-code').textContent()).toBe('exit code 2');
    expect(await page.locator('#duration').textContent()).toMatch(/^took 1m \d+s$/);
    expect(pageErrors).toEqual([]);

    // The screenshot shows the failure badge in red, over the dark page.
    await page.evaluate('scrollTo(0, 0)');
    const png = await page.screenshot();
    await writeFile(SCREENSHOT, png);
    const badge = (await page.locator('#state').boundingBox())!;
    const [r, g, b] = await pixelAt(png, Math.round(badge.x + 4), Math.round(badge.y + badge.height / 2));
    expect([r, g, b]).toEqual([207, 34, 46]);
    const [br, bg, bb] = await pixelAt(png, 990, 590);
    expect(br + bg + bb).toBeLessThan(3 * 40);
  });

  it('shows a finished job at once, with a green badge and its exit code', async () => {
    const writer = await store.create(jobMeta('job-done'));
    writer.append('all good\n');
    await writer.finish({ state: 'success', exitCode: 0, finishedAt: new Date().toISOString() });

    await page.goto(`${baseUrl}/logs/job-done.html`);
    await page.locator('body[data-complete="true"]').waitFor();
    expect(await page.locator('#L1 .text').textContent()).toBe('all good');
    expect(await page.locator('#state').textContent()).toBe('success');
    expect(await page.locator('#exit-code').textContent()).toBe('exit code 0');
    const png = await page.screenshot();
    const badge = (await page.locator('#state').boundingBox())!;
    expect(await pixelAt(png, Math.round(badge.x + 4), Math.round(badge.y + badge.height / 2))).toEqual([
      26, 127, 55,
    ]);
    // A job without artifacts shows no artifact list.
    expect(await page.locator('#artifacts').isHidden()).toBe(true);
  });

  it('lists the finished job’s artifacts as download links, names escaped', async () => {
    const writer = await store.create(jobMeta('job-art'));
    writer.append('made a screenshot\n');
    await writer.finish({ state: 'failure', exitCode: 1, finishedAt: new Date().toISOString() });
    const tmp = await withTempDir('ironbots-log-viewer-art-');
    try {
      await writeFile(path.join(tmp.dir, 'a'), 'x'.repeat(2048));
      await store.putArtifact('job-art', 'shots/<b>login</b>.png', path.join(tmp.dir, 'a'));
      await store.putArtifact('job-art', 'report.txt', path.join(tmp.dir, 'a'));
    } finally {
      await tmp.remove();
    }
    await page.goto(`${baseUrl}/logs/job-art.html`);
    await page.locator('body[data-complete="true"]').waitFor();
    const links = page.locator('#artifacts a.artifact');
    expect(await links.allTextContents()).toEqual(['report.txt', 'shots/<b>login</b>.png']);
    expect(await page.locator('#artifacts b').count()).toBe(0);
    expect(await page.locator('#artifacts .size').first().textContent()).toBe(' (2 KiB)');
    // The link downloads the very file.
    const href = await links.nth(1).getAttribute('href');
    const res = await fetch(new URL(href!, `${baseUrl}/logs/job-art.html`));
    expect(res.status).toBe(200);
    expect((await res.text()).length).toBe(2048);
    await page.screenshot({ path: path.join(tmpdir(), 'ironbots-log-viewer-artifacts.png'), fullPage: true });
  });
});
