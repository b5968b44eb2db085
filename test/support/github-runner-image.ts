import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { writeStandinRunnerTarball } from '../../emulators/github/standin-runner.ts';
import { ensureRecipeImage, localImagesDir } from '../../runner-agent/src/deployment/vm-setup.ts';
import { loadImageRecipe, recipeFile } from '../../runner-agent/src/images/image-recipe.ts';
import { withTempDir } from './temp-dir.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The project's github-runner image, built as `ironbots image build github-runner --input …` builds it, with
 * the stand-in runner's tarball (GitHub's cannot be downloaded here) served over HTTP in place of a release.
 * The tarball is reproducible, so the image is built once per machine and recipe, then reused from the
 * ironbots image cache. Returns the blob's name and path.
 */
export async function githubRunnerImage(
  print: (line: string) => void = (line) => console.log(line),
): Promise<{ blob: string; path: string }> {
  const dir = await withTempDir('ironbots-github-runner-tarball-');
  const tarball = await writeStandinRunnerTarball(dir.dir);
  const size = (await stat(tarball.path)).size;
  const name = path.basename(tarball.path);
  const server = createServer((request, response) => {
    if (request.url !== `/${name}`) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(tarball.path).pipe(response);
  });
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const recipe = await loadImageRecipe(recipeFile('github-runner', repoRoot), {
      inputs: { 'runner-url': `http://127.0.0.1:${port}/${name}`, 'runner-sha256': tarball.sha256 },
    });
    const blob = await ensureRecipeImage({ recipe, print });
    return { blob, path: path.join(localImagesDir(), blob) };
  } finally {
    server.close();
    await dir.remove();
  }
}
