import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Folders that hold the project's own code or scripts (tests, bundles and fixtures aside). */
function sourceFolders(): string[] {
  const files = execFileSync('git', ['ls-files', '*.ts', '*.sh', '*.yml', '*.cjs'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean)
    .filter((f) => !/^(test|\.github)\/|\/dist\//.test(f));
  return [...new Set(files.map((f) => path.dirname(f)))].filter((d) => d !== '.').sort();
}

function tableFolders(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## The pieces'),
    readme.indexOf('\n## ', readme.indexOf('## The pieces') + 1),
  );
  return [...section.matchAll(/^\| `([^`]+)\/`/gm)].map((m) => m[1]!).sort();
}

describe('README, "The pieces"', () => {
  it('has one line for every source folder, and names no folder that does not exist', () => {
    const table = tableFolders();
    const missing = sourceFolders().filter((d) => !table.includes(d));
    const stale = table.filter((d) => !sourceFolders().includes(d) && !['test', 'dev'].includes(d));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });
});
