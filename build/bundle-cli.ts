/**
 * The `ironbots` CLI as one JavaScript bundle with a chunk per lazy `import()` (rolldown), into cli/dist/.
 * What a daemon runs (`IRONBOTS_BUNDLED=1 cli/bin/ironbots agent`, deploy/ironbots-agent.service): measured
 * with `npm run bench agent-memory`, an idle agent takes about half the memory it takes on the TypeScript
 * sources, which Node strips of types module by module and keeps (with their npm packages' module records).
 */
import path from 'node:path';
import { build, type Plugin } from 'rolldown';

/**
 * `import.meta.dirname` and `import.meta.url` keep meaning the source file's place, not the bundle's: the
 * VM guest scripts, action.yml files and worker threads (run from their .ts sources) are found beside the
 * sources, which ship with the bundle. `finalDir` is where the bundle is committed, so a build into a
 * scratch directory (the freshness check) makes the same bytes.
 */
export function sourceRelativeImportMeta(finalDir: string): Plugin {
  return {
    name: 'source-relative-import-meta',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/import\.meta\.(dirname|url)\b/.test(code)) return null;
      const fromBundle = path.relative(finalDir, id);
      return [
        "import __ironbotsPath from 'node:path';",
        code
          .replaceAll(
            /import\.meta\.dirname\b/g,
            `__ironbotsPath.join(import.meta.dirname, ${JSON.stringify(path.dirname(fromBundle))})`,
          )
          .replaceAll(/import\.meta\.url\b/g, `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
      ].join('\n');
    },
  };
}

/**
 * Builds entry into outDir: ironbots.mjs and its chunks, all in one directory (so one relative path from
 * any of them reaches the sources). Returns every module bundled, for the licences.
 */
export async function bundleCli(options: {
  entry: string;
  outDir: string;
  finalDir: string;
  cwd: string;
}): Promise<string[]> {
  const output = await build({
    input: { ironbots: options.entry },
    cwd: options.cwd,
    platform: 'node',
    external: [/^node:/],
    plugins: [sourceRelativeImportMeta(options.finalDir)],
    logLevel: 'warn',
    output: {
      dir: options.outDir,
      format: 'esm',
      entryFileNames: '[name].mjs',
      chunkFileNames: '[name]-[hash].mjs',
      // V8 keeps every module's source text: one non-ASCII character (a "—" in a message) would make it
      // UTF-16, twice the bytes. JSDoc is dropped for the same reason; licence comments stay.
      charset: 'ascii',
      comments: { legal: true, annotation: true, jsdoc: false },
      // Unminified: a daemon's stack traces in its log stay readable (minifying saved no memory, measured).
    },
  });
  return output.output.flatMap((chunk) => (chunk.type === 'chunk' ? chunk.moduleIds : []));
}
