import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageRecipe } from '../../runner-agent/src/images/image-recipe.ts';
import { RecipeImageBuilder } from '../../runner-agent/src/images/recipe-image-builder.ts';
import { withTempDir } from '../support/temp-dir.ts';

const mmdebstrapPresent = spawnSync('sh', ['-c', 'command -v mmdebstrap']).status === 0;

/** Builds a recipe that must fail; returns the error and what the output directory holds afterwards. */
async function failingBuild(text: string) {
  const out = await withTempDir('ironbots-recipe-out-');
  try {
    const recipe = parseImageRecipe(text, path.join(out.dir, 'recipes', 'broken.yml'));
    const lines: string[] = [];
    const error = await new RecipeImageBuilder({ recipe })
      .build('broken', path.join(out.dir, 'store'), { log: (line) => lines.push(line) })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    return { error, left: await readdir(path.join(out.dir, 'store')).catch(() => []), lines };
  } finally {
    await out.remove();
  }
}

describe.skipIf(!mmdebstrapPresent)('recipe builds that fail', () => {
  it('names the line of a package the mirror does not have, and leaves nothing in the store', async () => {
    const { error, left } = await failingBuild(
      [
        'base:',
        '  debian: { suite: bookworm }',
        'packages:',
        '  - curl',
        '  - no-such-package-ironbots',
        '',
      ].join('\n'),
    );
    expect(error?.message).toMatch(
      /broken\.yml line 5: packages\.1: no package "no-such-package-ironbots" in this suite's mirror/,
    );
    expect(left).toEqual([]);
  });

  it('names the line of a failing command with the end of its output, and leaves nothing in the store', async () => {
    const { error, left } = await failingBuild(
      [
        'base:',
        '  debian: { suite: bookworm }',
        'commands:',
        '  - echo this one works',
        '  - echo about to fail >&2; exit 3',
        '  - echo never runs',
        '',
      ].join('\n'),
    );
    expect(error?.message).toMatch(/broken\.yml line 5: commands\.1: the command failed/);
    expect(error?.message).toContain('about to fail');
    expect(left).toEqual([]);
  });
});
