import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedBaseImage, cachedRecipeDownload } from '../../runner-agent/src/images/base-image.ts';
import { parseImageRecipe } from '../../runner-agent/src/images/image-recipe.ts';
import { RecipeImageBuilder } from '../../runner-agent/src/images/recipe-image-builder.ts';
import { withTempDir } from '../support/temp-dir.ts';

const IMAGE = Buffer.from('a disk image, as far as this test is concerned\n'.repeat(4096));
const SHA256 = createHash('sha256').update(IMAGE).digest('hex');

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** Serves IMAGE at /cloud.qcow2 over real HTTP; Range requests are honoured unless `ignoreRange`. */
async function serveImage(options: { ignoreRange?: boolean } = {}) {
  const requests: { method: string; range: string | undefined }[] = [];
  server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', range: request.headers.range });
    if (request.url !== '/cloud.qcow2') {
      response.writeHead(404).end();
      return;
    }
    const range = options.ignoreRange ? undefined : /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    response.writeHead(range ? 206 : 200, { 'content-length': IMAGE.length - start });
    response.end(request.method === 'HEAD' ? undefined : IMAGE.subarray(start));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests };
}

describe('a recipe’s downloaded base image', () => {
  it('is downloaded once, verified, and resumed from a partial download', async () => {
    const { url, requests } = await serveImage();
    const cache = await withTempDir('ironbots-base-cache-');
    try {
      // What an interrupted download left.
      await mkdir(path.join(cache.dir, 'base-images'));
      await writeFile(path.join(cache.dir, 'base-images', `${SHA256}.part`), IMAGE.subarray(0, 10_000));
      const lines: string[] = [];
      const spec = { url: `${url}/cloud.qcow2`, sha256: SHA256 };
      const file = await cachedBaseImage(spec, cache.dir, { log: (line) => lines.push(line) });
      expect(await readFile(file)).toEqual(IMAGE);
      expect(requests).toContainEqual({ method: 'GET', range: 'bytes=10000-' });
      expect(lines.join('\n')).toMatch(/resumed at 0\.0 MB\), sha256 verified/);
      // Cached: no second download.
      const before = requests.length;
      expect(await cachedBaseImage(spec, cache.dir, { log: () => undefined })).toBe(file);
      expect(requests.length).toBe(before);
    } finally {
      await cache.remove();
    }
  });

  it('is still right from a server that ignores Range', async () => {
    const { url } = await serveImage({ ignoreRange: true });
    const cache = await withTempDir('ironbots-base-cache-');
    try {
      await mkdir(path.join(cache.dir, 'base-images'));
      await writeFile(path.join(cache.dir, 'base-images', `${SHA256}.part`), IMAGE.subarray(0, 12_345));
      const file = await cachedBaseImage({ url: `${url}/cloud.qcow2`, sha256: SHA256 }, cache.dir, {
        log: () => undefined,
      });
      expect(await readFile(file)).toEqual(IMAGE);
    } finally {
      await cache.remove();
    }
  });

  async function build(recipeText: string) {
    const dir = await withTempDir('ironbots-base-build-');
    try {
      const recipe = parseImageRecipe(recipeText, path.join(dir.dir, 'cloudy.yml'));
      const error = await new RecipeImageBuilder({ recipe, cacheDir: path.join(dir.dir, 'cache') })
        .build('cloudy', path.join(dir.dir, 'store'), { log: () => undefined })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      return {
        error,
        store: await readdir(path.join(dir.dir, 'store')).catch(() => []),
        cache: await readdir(path.join(dir.dir, 'cache', 'base-images')).catch(() => []),
      };
    } finally {
      await dir.remove();
    }
  }

  it('whose sha256 is not the recipe’s: the recipe line is named and nothing is kept', async () => {
    const { url } = await serveImage();
    const wrong = 'ab'.repeat(32);
    const { error, store, cache } = await build(
      [
        'base:',
        '  image:',
        `    url: ${url}/cloud.qcow2`,
        `    sha256: ${wrong}`,
        'packages: [hello]',
        '',
      ].join('\n'),
    );
    expect(error?.message).toMatch(
      new RegExp(
        `cloudy\\.yml line 4: base\\.image\\.sha256: the image downloaded from ${url}/cloud\\.qcow2 has sha256 ${SHA256}, not this one; the download was deleted`,
      ),
    );
    expect(store).toEqual([]);
    expect(cache).toEqual([]);
  });

  it('that is not there: the url line is named', async () => {
    const { url } = await serveImage();
    const { error, store } = await build(
      ['base:', '  image:', `    url: ${url}/gone.qcow2`, `    sha256: ${SHA256}`, ''].join('\n'),
    );
    expect(error?.message).toMatch(/cloudy\.yml line 3: base\.image\.url: nothing to download at http/);
    expect(store).toEqual([]);
  });
});

describe('a recipe’s downloads', () => {
  it('are fetched once into the cache and verified', async () => {
    const { url, requests } = await serveImage();
    const cache = await withTempDir('ironbots-download-cache-');
    try {
      const spec = { url: `${url}/cloud.qcow2`, sha256: SHA256 };
      const file = await cachedRecipeDownload(spec, cache.dir, { log: () => undefined });
      expect(file).toBe(path.join(cache.dir, 'downloads', SHA256));
      expect(await readFile(file)).toEqual(IMAGE);
      const before = requests.length;
      await cachedRecipeDownload(spec, cache.dir, { log: () => undefined });
      expect(requests.length).toBe(before);
    } finally {
      await cache.remove();
    }
  });

  it('whose sha256 (an input) is not the file’s: the recipe line is named before anything is built', async () => {
    const { url } = await serveImage();
    const dir = await withTempDir('ironbots-download-build-');
    try {
      const wrong = 'cd'.repeat(32);
      const recipe = parseImageRecipe(
        [
          'base: { debian: { suite: bookworm } }',
          'inputs:',
          '  tool-sha256: { description: the sha256 }',
          'downloads:',
          `  - url: ${url}/cloud.qcow2`,
          '    sha256: ${{ inputs.tool-sha256 }}',
          '    path: /opt/tool',
          '',
        ].join('\n'),
        path.join(dir.dir, 'tool.yml'),
        { inputs: { 'tool-sha256': wrong } },
      );
      const error = await new RecipeImageBuilder({ recipe, cacheDir: path.join(dir.dir, 'cache') })
        .build('tool', path.join(dir.dir, 'store'), { log: () => undefined })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).toMatch(
        new RegExp(
          `tool\\.yml line 6: downloads\\.0\\.sha256: the file downloaded from ${url}/cloud\\.qcow2 has sha256 ${SHA256}, not this one; the download was deleted`,
        ),
      );
      expect(await readdir(path.join(dir.dir, 'cache', 'downloads'))).toEqual([]);
      expect(await readdir(path.join(dir.dir, 'store')).catch(() => [])).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
