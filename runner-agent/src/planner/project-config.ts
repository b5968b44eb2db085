import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ExecutorNameSchema, type Job } from '../jobs/job.ts';

/**
 * `.ironbots.yml` at the root of a project: which contexts to run for every pull request.
 *
 *   contexts:
 *     unit:
 *       run: [npm, test]          # argv, never a shell line
 *       labels: [x86_64]          # an agent must offer all of them
 *       timeout: 600              # seconds
 *       env: { NODE_ENV: test }
 *       executor: process         # process | podman | vm
 *       image: debian-12          # for podman and vm
 *       priority: 0
 */

export const PROJECT_CONFIG_PATH = '.ironbots.yml';

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._/@-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ContextSchema = z
  .object({
    run: z.array(z.string().min(1, 'must not be empty')).min(1, 'needs at least the program to run'),
    labels: z
      .array(z.string().regex(/^[A-Za-z0-9:._-]+$/, 'labels are letters, digits and : . _ -'))
      .default([]),
    timeout: z.number().int().positive().max(86_400, 'at most 86400 seconds (24 hours)').default(3600),
    env: z
      .record(z.string().regex(ENV_NAME, 'environment variable names are letters, digits and _'), z.string())
      .default({}),
    executor: ExecutorNameSchema.default('process'),
    image: z.string().min(1).optional(),
    priority: z.number().int().min(-100).max(100).default(0),
  })
  .strict();

export const ProjectConfigSchema = z
  .object({
    contexts: z
      .record(
        z.string().regex(CONTEXT_NAME, 'context names are letters, digits and . _ / @ - (max 100)'),
        ContextSchema,
      )
      .refine((contexts) => Object.keys(contexts).length > 0, 'must define at least one context'),
  })
  .strict();

export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;
export type ContextConfig = z.infer<typeof ContextSchema>;

export class ProjectConfigError extends Error {
  readonly line: number | undefined;
  readonly field: string | undefined;
  constructor(message: string, line: number | undefined, field: string | undefined) {
    const where = line === undefined ? PROJECT_CONFIG_PATH : `${PROJECT_CONFIG_PATH} line ${line}`;
    super(`${where}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ProjectConfigError';
    this.line = line;
    this.field = field;
  }
}

/** Parses and validates the file; every problem is a ProjectConfigError naming the line and the field. */
export function parseProjectConfig(text: string): ProjectConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new ProjectConfigError(`invalid YAML: ${firstLine(syntaxError.message)}`, line, undefined);
  }
  const result = ProjectConfigSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  return throwAt(doc, lineCounter, ...describeIssue(issue, path));
}

/** zod's wording, made to read like a config error: where exactly, and what is wrong. */
function describeIssue(issue: z.core.$ZodIssue, path: (string | number)[]): [(string | number)[], string] {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return [[...path, key], `unknown field (allowed: ${allowedKeys(path).join(', ')})`];
  }
  if (issue.code === 'invalid_key') {
    return [path, issue.issues[0]?.message ?? issue.message];
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return [
      path,
      `is required (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`,
    ];
  }
  return [path, issue.message.replace(/^Invalid input: /, '')];
}

function allowedKeys(path: (string | number)[]): string[] {
  return path.length === 0 ? Object.keys(ProjectConfigSchema.shape) : Object.keys(ContextSchema.shape);
}

function throwAt(doc: Document, lineCounter: LineCounter, path: (string | number)[], message: string): never {
  // Point at the deepest node that exists: for a missing key that is its parent mapping.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const line = lineCounter.linePos(node.range[0]).line;
      throw new ProjectConfigError(message, line, path.length ? path.join('.') : undefined);
    }
  }
  throw new ProjectConfigError(message, undefined, path.length ? path.join('.') : undefined);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** The job one context asks for, before the planner adds the commit it runs on. */
export function jobFromContext(
  context: string,
  spec: ContextConfig,
  trigger: Job['trigger'],
  now: Date,
): Job {
  return {
    context,
    command: spec.run,
    labels: spec.labels,
    timeoutSeconds: spec.timeout,
    env: spec.env,
    executor: spec.executor,
    ...(spec.image ? { image: spec.image } : {}),
    trigger,
    createdAt: now.toISOString(),
  };
}
