import { afterEach, describe, expect, it } from 'vitest';
import { parseProjectConfig, ProjectConfigError } from '../../runner-agent/src/planner/project-config.ts';
import { ProjectConfigParser } from '../../runner-agent/src/planner/project-config-parser.ts';

/** Just under the size limit: 200 contexts with 200 env entries each would be over; this is the most allowed. */
function largeConfig(): string {
  const lines = ['contexts:'];
  for (let c = 0; c < 40; c++) {
    lines.push(`  c${c}:`, `    run: [make, check-${c}]`, '    env:');
    for (let e = 0; e < 200; e++) lines.push(`      V${e}: value-${e}`);
  }
  return lines.join('\n');
}

let parser: ProjectConfigParser;
afterEach(async () => parser.close());

describe('project config parser thread', () => {
  it('gives what parseProjectConfig gives, and its errors with line and field', async () => {
    parser = new ProjectConfigParser();
    const text = 'contexts:\n  unit:\n    run: [npm, test]\n    env: { A: "1" }\n';
    expect(await parser.parse(text)).toEqual(parseProjectConfig(text));
    const error = await parser.parse('contexts:\n  unit:\n    run: [a]\n    timeout: -1\n').catch((e) => e);
    expect(error).toBeInstanceOf(ProjectConfigError);
    expect(error).toMatchObject({ line: 4, field: 'contexts.unit.timeout' });
    expect((error as Error).message).toMatch(/^\.ironbots\.yml line 4: contexts\.unit\.timeout: /);
  });

  it('parses off the caller’s event loop: the loop keeps turning while a large file is parsed', async () => {
    parser = new ProjectConfigParser();
    const text = largeConfig();
    let turns = 0;
    let parsing = true;
    const spin = () => {
      if (!parsing) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const config = await parser.parse(text);
    parsing = false;
    expect(Object.keys(config.contexts)).toHaveLength(40);
    expect(turns).toBeGreaterThan(0);
  });

  it('makes a parse that runs out of time or memory a config error, and recovers for the next file', async () => {
    parser = new ProjectConfigParser({ timeoutMs: 1 });
    const slow = await parser.parse(largeConfig()).catch((e) => e);
    expect(slow).toBeInstanceOf(ProjectConfigError);
    expect((slow as Error).message).toMatch(/took longer than 0.001 s to parse/);
    await parser.close();

    // 32 MB: enough for a fresh thread to load its modules (at 16 MB even that can fail, on a busy machine).
    parser = new ProjectConfigParser({ maxHeapMegabytes: 32 });
    // 120,000 flow items: under the size limit, but every item is a node of its own.
    const flow = `contexts: [${Array(120_000).fill('a').join(',')}]`;
    const hungry = await parser.parse(flow).catch((e) => e);
    expect((hungry as Error).message).toMatch(/needs more than 32 MB to parse/);
    // The thread that ran out of memory is replaced: the next file parses.
    expect(Object.keys((await parser.parse('contexts:\n  u:\n    run: [x]\n')).contexts)).toEqual(['u']);
  });
});
