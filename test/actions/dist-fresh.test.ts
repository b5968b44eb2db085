import { describe, expect, it } from 'vitest';
import { discoverBundles, staleBundles } from '../../build/bundle-actions.ts';

describe('committed action bundles', () => {
  it('match what `npm run build` makes from the sources', { timeout: 180_000 }, async () => {
    const bundles = await discoverBundles();
    expect(bundles.map((b) => b.name)).toContain('root');
    expect(await staleBundles(bundles)).toEqual([]);
  });
});
