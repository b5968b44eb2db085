import type { Reporter, TestModule } from 'vitest/node';
import { formatTable, type Counts } from './tally.ts';

/** Ends a reliability run with one table: each scenario's trials and the defects found in them. */
export default class TallyReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows: { scenario: string; counts: Counts }[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const row = test.meta().reliability;
        if (row) rows.push(row);
      }
    }
    if (rows.length === 0) return;
    process.stdout.write(`\nReliability counts (every column but trials and contexts must be 0):\n`);
    process.stdout.write(`${formatTable(rows)}\n`);
  }
}
