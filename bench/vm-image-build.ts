import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseImageRecipe, recipeFile } from '../runner-agent/src/images/image-recipe.ts';
import { RecipeImageBuilder } from '../runner-agent/src/images/recipe-image-builder.ts';

/**
 * Building debian-12 from its recipe (mmdebstrap, modules, ext4, qcow2; no boot test), then again with one
 * more package: the rebuild when only `packages:` changed. The kernel package is cached before either.
 */
export async function benchVmImageBuild(): Promise<void> {
  const file = recipeFile('debian-12', path.resolve(import.meta.dirname, '..'));
  const text = await readFile(file, 'utf8');
  const changed = text.replace(/^packages:\n/m, 'packages:\n  - less\n');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ironbots-bench-build-'));
  try {
    const time = async (recipeText: string) => {
      const recipe = parseImageRecipe(recipeText, file);
      const t0 = performance.now();
      const built = await new RecipeImageBuilder({ recipe }).build('debian-12', dir, {
        log: () => undefined,
      });
      const seconds = (performance.now() - t0) / 1000;
      await rm(built.path);
      return { seconds, megabytes: built.bytes / 1e6 };
    };
    await time(text); // warm-up: the kernel package downloaded and unpacked, apt's lists fetched once
    const first = await time(text);
    const rebuild = await time(changed);
    console.log('debian-12 image build from its recipe (no boot test)');
    console.log(
      `  build                          ${first.seconds.toFixed(1)} s  (${first.megabytes.toFixed(0)} MB qcow2)`,
    );
    console.log(
      `  rebuild, one package added     ${rebuild.seconds.toFixed(1)} s  (${rebuild.megabytes.toFixed(0)} MB qcow2)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
