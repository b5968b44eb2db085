import { parseKnownIssues } from '../../runner-agent/src/agent/known-issues.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import {
  DeploymentConfigSchema,
  parseDeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';
import { parseImageRecipe } from '../../runner-agent/src/images/image-recipe.ts';
import { ProjectConfigParser } from '../../runner-agent/src/planner/project-config-parser.ts';
import { githubWorkflowErrors } from './github-workflow-parser.ts';
import {
  gitlabCiErrors,
  loadYaml,
  repoRoot,
  usesProblems,
  type Step,
  type WorkflowDefinition,
} from './workflow-checks.ts';

/**
 * The YAML snippets of the documentation, each checked by what reads that kind of file: GitHub's workflow
 * parser, GitLab's CI schema, or the project's own parsers for `.ironbots.yml`, the deployment configuration
 * and image recipes. A snippet that is deliberately partial says so with a `# fragment` comment line and is
 * only parsed as YAML.
 */

export interface YamlSnippet {
  /** Relative to the repository. */
  file: string;
  /** The line of the opening fence. */
  line: number;
  text: string;
}

/** Every ```yaml / ```yml fenced block, indented ones (in a list item) included, with its indentation removed. */
export function extractYamlSnippets(markdown: string, file: string): YamlSnippet[] {
  const snippets: YamlSnippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, language] = open;
    // The block ends at a fence of the same character, at least as long (CommonMark).
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ *${fence![0]}{${fence!.length},}\\s*$`).test(lines[end]!))
      end++;
    if (language === 'yaml' || language === 'yml') {
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l));
      snippets.push({ file, line: i + 1, text: `${body.join('\n')}\n` });
    }
    i = end;
  }
  return snippets;
}

export type SnippetKind =
  | 'fragment'
  | 'github-workflow'
  | 'github-steps'
  | 'gitlab-ci'
  | 'project-config'
  | 'deployment-config'
  | 'image-recipe'
  | 'known-issues'
  | 'unknown';

const DEPLOYMENT_KEYS = Object.keys(DeploymentConfigSchema.shape);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a snippet is, by a `# fragment` comment line or else by its content (its top-level keys). */
export function snippetKind(text: string): SnippetKind {
  if (/^\s*# fragment\b/m.test(text)) return 'fragment';
  if (/^\s*# \.ironbots\/known-issues\.yml\b/m.test(text)) return 'known-issues';
  const doc = parseDocument(text);
  const value: unknown = doc.toJS();
  if (isSeq(doc.contents))
    return Array.isArray(value) &&
      value.length > 0 &&
      value.every((s) => isRecord(s) && ('uses' in s || 'run' in s))
      ? 'github-steps'
      : 'unknown';
  if (!isMap(doc.contents) || !isRecord(value)) return 'unknown';
  const keys = Object.keys(value);
  if (keys.includes('on') && keys.includes('jobs')) return 'github-workflow';
  if (keys.includes('contexts')) return 'project-config';
  // Every recipe names its base; no other kind of ours has one.
  if (keys.includes('base')) return 'image-recipe';
  if (
    keys.includes('include') ||
    Object.values(value).some((v) => isRecord(v) && ('script' in v || 'extends' in v))
  )
    return 'gitlab-ci';
  if (keys.length > 0 && keys.every((key) => DEPLOYMENT_KEYS.includes(key))) return 'deployment-config';
  return 'unknown';
}

/**
 * `${NAME}` references in a deployment configuration resolve to a value long enough for any field (API tokens
 * need 16 characters); the parser itself is used as it is.
 */
const placeholderEnv = new Proxy({} as NodeJS.ProcessEnv, {
  get: (_target, name) => (typeof name === 'string' ? `placeholder-for-${name}` : undefined),
});

export class SnippetChecker {
  #projectConfigs: ProjectConfigParser | undefined;

  /** Everything wrong with a snippet, as its kind's reader reports it; empty when it is good. */
  async problems(snippet: YamlSnippet): Promise<string[]> {
    const name = `${snippet.file}:${snippet.line}`;
    const doc = parseDocument(snippet.text);
    if (doc.errors.length) return doc.errors.map((e) => `${name}: invalid YAML: ${e.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    const kind = snippetKind(snippet.text);
    switch (kind) {
      case 'fragment':
        return [];
      case 'known-issues': {
        const problems: string[] = [];
        parseKnownIssues(snippet.text, (message) => problems.push(`${name}: ${message}`));
        return problems;
      }
      case 'github-workflow':
        return [
          ...(await githubWorkflowErrors(name, snippet.text)),
          ...(await usesProblems(value as WorkflowDefinition)),
        ];
      case 'github-steps': {
        // GitHub parses whole workflows: the steps go into a job of one.
        const indented = snippet.text.replace(/^(?=.)/gm, '      ');
        const workflow = `on: workflow_dispatch\njobs:\n  snippet:\n    runs-on: ubuntu-24.04\n    steps:\n${indented}`;
        return [
          ...(await githubWorkflowErrors(name, workflow)),
          ...(await usesProblems({ jobs: { snippet: { steps: value as Step[] } } })),
        ];
      }
      case 'gitlab-ci':
        return [
          ...(await gitlabCiErrors(value)),
          ...(await gitlabIncludeProblems(value as Record<string, unknown>)),
        ];
      case 'project-config':
        this.#projectConfigs ??= new ProjectConfigParser();
        return this.#projectConfigs.parse(snippet.text).then(
          () => [],
          (error: Error) => [error.message],
        );
      case 'deployment-config':
        return parseDeploymentConfig(
          snippet.text,
          name,
          placeholderEnv,
          // A key file is PEM; any other secret file, a plain token.
          async (file) =>
            file.endsWith('.pem')
              ? '-----BEGIN RSA PRIVATE KEY-----\nplaceholder\n-----END RSA PRIVATE KEY-----\n'
              : 'secret-from-a-file',
        ).then(
          () => [],
          (error: Error) => [error.message],
        );
      case 'image-recipe':
        try {
          parseImageRecipe(snippet.text, 'readme-snippet.yml');
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      case 'unknown':
        return [
          `${name}: neither a GitHub workflow or steps, GitLab CI, .ironbots.yml, a deployment configuration nor ` +
            'an image recipe; mark a deliberately partial snippet with a `# fragment` comment line',
        ];
    }
  }

  async close(): Promise<void> {
    await this.#projectConfigs?.close();
  }
}

const TEMPLATE_URL = /^https:\/\/raw\.githubusercontent\.com\/ironbots\/ironbots\/[^/]+\/(.+)$/;

/**
 * A pipeline that includes our GitLab templates: each include of ours names a file of this repository, and
 * each `extends:` names a job defined in the pipeline or in what it includes (when all of that is ours).
 */
async function gitlabIncludeProblems(pipeline: Record<string, unknown>): Promise<string[]> {
  const problems: string[] = [];
  const defined = new Set(Object.keys(pipeline));
  let foreignIncludes = false;
  const includes = [pipeline.include ?? []].flat() as unknown[];
  for (const include of includes) {
    const remote = typeof include === 'string' ? include : isRecord(include) ? include.remote : undefined;
    const file = typeof remote === 'string' ? TEMPLATE_URL.exec(remote)?.[1] : undefined;
    if (!file) {
      foreignIncludes = true;
      continue;
    }
    if (!existsSync(path.join(repoRoot, file))) {
      problems.push(`include ${String(remote)}: no ${file} in this repository`);
      continue;
    }
    for (const job of Object.keys((await loadYaml(file)) as object)) defined.add(job);
  }
  // What another file defines is not known here.
  if (foreignIncludes) return problems;
  for (const [job, spec] of Object.entries(pipeline)) {
    if (!isRecord(spec)) continue;
    for (const parent of [spec.extends ?? []].flat() as string[])
      if (!defined.has(parent)) problems.push(`job ${job}: extends ${parent}, which nothing here defines`);
  }
  return problems;
}
