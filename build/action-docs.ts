/**
 * `npm run docs`: writes every action's inputs and outputs tables into its README, from its action.yml, so
 * the tables say what the runner reads. A README marks where they go:
 *
 *   <!-- inputs:start --> … <!-- inputs:end -->      input, required, default, description
 *   <!-- outputs:start --> … <!-- outputs:end -->    output, description
 *
 * and everything outside the markers is written by hand. `npm run docs -- --check` changes nothing and fails
 * when a README's tables differ from its action.yml, or an action has no README.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** An action and the README that documents it, both relative to the repository. */
export interface ActionDoc {
  /** The action.yml. */
  action: string;
  readme: string;
}

/**
 * The root action (action.yml, documented in the top-level README.md) and every actions/<name>/action.yml
 * (documented in actions/<name>/README.md).
 */
export async function discoverActionDocs(root = repoRoot): Promise<ActionDoc[]> {
  const docs: ActionDoc[] = [{ action: 'action.yml', readme: 'README.md' }];
  for (const name of (await readdir(path.join(root, 'actions'))).sort())
    if (existsSync(path.join(root, 'actions', name, 'action.yml')))
      docs.push({ action: `actions/${name}/action.yml`, readme: `actions/${name}/README.md` });
  return docs;
}

// What the tables need from action.yml: GitHub's metadata syntax, the fields read here.
const actionMetadata = z.object({
  inputs: z
    .record(
      z.string(),
      z.object({
        description: z.string(),
        required: z.boolean().optional(),
        default: z.string().optional(),
      }),
    )
    .default({}),
  outputs: z.record(z.string(), z.object({ description: z.string() })).default({}),
});
export type ActionMetadata = z.infer<typeof actionMetadata>;

export function parseActionMetadata(text: string, file: string): ActionMetadata {
  const parsed = actionMetadata.safeParse(parseYaml(text));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A table cell: one line (folded YAML keeps its line breaks), and a `|` that does not end the cell. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

/** A code span that holds any text, backticks included. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function inputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.inputs).map(([name, input]) => {
    // An empty default is the same as none to the reader: the description says what empty means.
    const value = input.default ? cell(code(input.default)) : '';
    return `| ${code(name)} | ${input.required ? 'yes' : 'no'} | ${value} | ${cell(input.description)} |`;
  });
  return ['| input | required | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(metadata: ActionMetadata): string {
  const rows = Object.entries(metadata.outputs).map(
    ([name, output]) => `| ${code(name)} | ${cell(output.description)} |`,
  );
  return ['| output | description |', '| --- | --- |', ...rows].join('\n');
}

/** Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->`, which must be there once. */
export function replaceRegion(text: string, name: string, content: string, file: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from || text.indexOf(start, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0)
    throw new Error(`${file}: needs one ${start} followed by one ${end}, where the ${name} table goes`);
  return `${text.slice(0, from + start.length)}\n\n${content}\n\n${text.slice(to)}`;
}

/** The README as `npm run docs` writes it: its tables from the action.yml, formatted as prettier would. */
export async function renderReadme(doc: ActionDoc, root = repoRoot): Promise<string> {
  const readmeFile = path.join(root, doc.readme);
  if (!existsSync(readmeFile))
    throw new Error(`${doc.readme}: missing; every action says there what it does (${doc.action})`);
  const metadata = parseActionMetadata(await readFile(path.join(root, doc.action), 'utf8'), doc.action);
  let text = await readFile(readmeFile, 'utf8');
  text = replaceRegion(text, 'inputs', inputsTable(metadata), doc.readme);
  text = replaceRegion(text, 'outputs', outputsTable(metadata), doc.readme);
  // The same formatting `npm run check` demands, so that writing and checking agree.
  const options = await prettier.resolveConfig(readmeFile);
  return prettier.format(text, { ...options, filepath: readmeFile });
}

/** The READMEs whose tables differ from their action.yml, or that are missing, as messages. */
export async function staleReadmes(docs: ActionDoc[], root = repoRoot): Promise<string[]> {
  const problems: string[] = [];
  for (const doc of docs) {
    try {
      const want = await renderReadme(doc, root);
      if (want !== (await readFile(path.join(root, doc.readme), 'utf8')))
        problems.push(`${doc.readme}: not what \`npm run docs\` writes from ${doc.action}`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

if (import.meta.main) {
  const docs = await discoverActionDocs();
  if (process.argv.includes('--check')) {
    const problems = await staleReadmes(docs);
    for (const problem of problems) console.error(problem);
    if (problems.length) {
      console.error('run `npm run docs` and commit the READMEs');
      process.exit(1);
    }
    console.log(`${docs.length} README(s) up to date`);
  } else {
    for (const doc of docs) {
      const text = await renderReadme(doc);
      if (text === (await readFile(path.join(repoRoot, doc.readme), 'utf8'))) continue;
      await writeFile(path.join(repoRoot, doc.readme), text);
      console.log(`wrote ${doc.readme}`);
    }
  }
}
