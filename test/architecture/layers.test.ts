import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(repoRoot, 'node_modules/.bin/depcruise');
const FOLDERS = ['core', 'forge', 'actions', 'runner-agent', 'cli', 'emulators', 'test', 'bench', 'build'];

/** Runs the project's layering rules over a tree; returns the rules that were broken. */
async function violations(root: string, folders: string[]): Promise<string[]> {
  const result = await run(
    depcruise,
    ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...folders],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(report.summary.violations.map((v) => v.rule.name))].sort();
}

async function tree(files: Record<string, string>): Promise<{ dir: string; remove(): Promise<void> }> {
  const tmp = await withTempDir('ironbots-layers-');
  await cp(path.join(repoRoot, '.dependency-cruiser.cjs'), path.join(tmp.dir, '.dependency-cruiser.cjs'));
  await writeFile(
    path.join(tmp.dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true } }),
  );
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(tmp.dir, file)), { recursive: true });
    await writeFile(path.join(tmp.dir, file), content);
  }
  return tmp;
}

describe('the layering rules (npm run check:layers)', () => {
  it('hold for the tree as it is', { timeout: 120_000 }, async () => {
    expect(await violations(repoRoot, FOLDERS)).toEqual([]);
  });

  it('catch an action importing the agent and core importing anything of ours', async () => {
    const t = await tree({
      'runner-agent/src/agent/agent.ts': 'export const agent = 1;\n',
      'actions/release/main.ts':
        "import { agent } from '../../runner-agent/src/agent/agent.ts';\nexport const x = agent;\n",
      'core/logger.ts': "import { x } from '../actions/release/main.ts';\nexport const y = x;\n",
    });
    try {
      expect(await violations(t.dir, ['core', 'actions', 'runner-agent'])).toEqual([
        'actions-never-import-the-agent',
        'core-imports-nothing-of-ours',
      ]);
    } finally {
      await t.remove();
    }
  });

  it('catch two folders that import each other, though no module cycle exists', async () => {
    const t = await tree({
      'runner-agent/src/images/builder.ts':
        "import { vm } from '../executors/vm.ts';\nexport const builder = vm;\n",
      'runner-agent/src/images/resolver.ts': 'export const resolver = 1;\n',
      'runner-agent/src/executors/vm.ts':
        "import { resolver } from '../images/resolver.ts';\nexport const vm = resolver;\n",
    });
    try {
      expect(await violations(t.dir, ['runner-agent'])).toEqual(['no-folder-cycles']);
    } finally {
      await t.remove();
    }
  });
});
