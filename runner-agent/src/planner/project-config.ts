import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Alias,
  type Document,
  type Node,
} from 'yaml';
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
 *       network: user             # vm: user (default; QEMU user-mode) | none
 *       priority: 0
 */

export const PROJECT_CONFIG_PATH = '.ironbots.yml';

/**
 * Limits on what a project may ask of the planner. The file comes from any pull request, so reading it must
 * cost little and never depend on what the author wrote: bytes, contexts, env entries and alias expansion
 * are capped, and everything beyond is the project's error, not ours.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;
export const MAX_CONTEXTS = 200;
export const MAX_ENV_ENTRIES = 200;
/** yaml's `maxAliasCount`: how much alias expansion a document may do (an alias bomb needs far more). */
export const MAX_ALIAS_COUNT = 100;

const CONTEXT_NAME = /^[A-Za-z0-9][A-Za-z0-9._/@-]{0,99}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A NUL byte cannot be passed in argv or the environment: refused here rather than failing the job later. */
const NoNul = z.string().refine((s) => !s.includes('\0'), 'must not contain NUL bytes');

const ContextSchema = z
  .object({
    run: z.array(NoNul.min(1, 'must not be empty')).min(1, 'needs at least the program to run'),
    labels: z
      .array(z.string().regex(/^[A-Za-z0-9:._-]+$/, 'labels are letters, digits and : . _ -'))
      .default([]),
    timeout: z.number().int().positive().max(86_400, 'at most 86400 seconds (24 hours)').default(3600),
    env: z
      .record(z.string().regex(ENV_NAME, 'environment variable names are letters, digits and _'), NoNul)
      .default({}),
    executor: ExecutorNameSchema.default('process'),
    image: NoNul.min(1).optional(),
    network: z.enum(['none', 'user']).optional(),
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

/**
 * Parses and validates the file; every problem is a ProjectConfigError naming the line and the field.
 * Linear in the size of the file (which is capped), so a hostile file costs no more than a large honest one.
 */
export function parseProjectConfig(text: string): ProjectConfig {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ProjectConfigError(
      `the file is ${Math.ceil(bytes / 1024)} KiB; at most ${MAX_CONFIG_BYTES / 1024} KiB is read`,
      undefined,
      undefined,
    );
  }
  const lineCounter = new LineCounter();
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  // yaml's own uniqueKeys check compares each key with every other one in its map (quadratic: 36 s for a
  // map with 50,000 keys); checkNodes below does it with a set.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    throw new ProjectConfigError(
      `invalid YAML: ${firstLine(syntaxError.message)}`,
      lineOf(syntaxError.pos[0]),
      undefined,
    );
  }
  const aliasTargets = checkNodes(doc, lineOf);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw yamlValueError(error as Error, aliasTargets, lineOf);
  }
  checkLimits(doc, lineCounter, value ?? {});
  const result = ProjectConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  return throwAt(doc, lineCounter, ...describeIssue(issue, path));
}

/** Each alias with the node it stands for (undefined: no anchor of that name before it), in document order. */
type AliasTargets = Map<Alias, unknown>;

/**
 * One pass over the syntax tree, with a stack of its own (no recursion on the author's nesting): refuses
 * duplicate keys, and resolves every alias the way yaml does (the last anchor of its name before it), for
 * error reporting. yaml's own `Alias.resolve` walks the whole document per alias: quadratic.
 */
function checkNodes(doc: Document, lineOf: (offset: number) => number): AliasTargets {
  const marks: { at: number; node: Node | Alias }[] = [];
  const pending: unknown[] = [doc.contents];
  while (pending.length) {
    const node = pending.pop();
    if (isAlias(node)) {
      marks.push({ at: node.range?.[0] ?? 0, node });
      continue;
    }
    if (isNode(node) && node.anchor) marks.push({ at: node.range?.[0] ?? 0, node });
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) {
            const line = pair.key.range ? lineOf(pair.key.range[0]) : undefined;
            throw new ProjectConfigError(`invalid YAML: duplicate key "${key}"`, line, undefined);
          }
          seen.add(key);
        }
        pending.push(pair.value, pair.key);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) pending.push(node.items[i]);
    } else if (isPair(node)) {
      pending.push(node.value, node.key);
    }
  }
  // A collection starts before its items, so this is document order with parents first, as yaml resolves.
  marks.sort((a, b) => a.at - b.at);
  const anchors = new Map<string, unknown>();
  const targets: AliasTargets = new Map();
  for (const { node } of marks) {
    if (isAlias(node)) targets.set(node, anchors.get(node.source));
    else anchors.set(node.anchor!, node);
  }
  return targets;
}

/** yaml throws (ReferenceError) for an alias it cannot resolve and for an alias bomb: say where. */
function yamlValueError(
  error: Error,
  targets: AliasTargets,
  lineOf: (offset: number) => number,
): ProjectConfigError {
  const at = (alias: Alias | undefined) => (alias?.range ? lineOf(alias.range[0]) : undefined);
  const aliases = [...targets.keys()];
  if (/unresolved alias/i.test(error.message)) {
    const alias = aliases.find((a) => targets.get(a) === undefined) ?? aliases[0];
    return new ProjectConfigError(
      `invalid YAML: alias *${alias?.source ?? '?'} names no anchor defined before it`,
      at(alias),
      undefined,
    );
  }
  if (/excessive alias count/i.test(error.message)) {
    // The first alias whose anchor itself holds aliases starts the expansion; else the one used too often.
    const holding = new Map<unknown, boolean>();
    const holds = (target: unknown) => {
      if (!holding.has(target)) holding.set(target, holdsAlias(target));
      return holding.get(target)!;
    };
    const alias = aliases.find((a) => holds(targets.get(a))) ?? aliases[MAX_ALIAS_COUNT] ?? aliases[0];
    return new ProjectConfigError(
      `invalid YAML: aliases expand too much (at most ${MAX_ALIAS_COUNT} expansions; an alias bomb?)`,
      at(alias),
      undefined,
    );
  }
  if (error instanceof RangeError) {
    return new ProjectConfigError('invalid YAML: nested too deeply', undefined, undefined);
  }
  return new ProjectConfigError(`invalid YAML: ${firstLine(error.message)}`, at(aliases[0]), undefined);
}

function holdsAlias(node: unknown): boolean {
  if (isMap(node)) return node.items.some((pair) => isAlias(pair.value) || isAlias(pair.key));
  if (isSeq(node)) return node.items.some((item) => isAlias(item));
  return false;
}

/** The counts, checked before the schema so that validation never walks more than the limits allow. */
function checkLimits(doc: Document, lineCounter: LineCounter, value: unknown): void {
  const contexts = isRecord(value) ? value.contexts : undefined;
  if (!isRecord(contexts)) return;
  const count = Object.keys(contexts).length;
  if (count > MAX_CONTEXTS) {
    throwAt(doc, lineCounter, ['contexts'], `${count} contexts; at most ${MAX_CONTEXTS} are allowed`);
  }
  for (const [name, context] of Object.entries(contexts)) {
    const env = isRecord(context) ? context.env : undefined;
    const entries = isRecord(env) ? Object.keys(env).length : 0;
    if (entries > MAX_ENV_ENTRIES) {
      throwAt(
        doc,
        lineCounter,
        ['contexts', name, 'env'],
        `${entries} entries; at most ${MAX_ENV_ENTRIES} are allowed`,
      );
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    ...(spec.network ? { network: spec.network } : {}),
    trigger,
    createdAt: now.toISOString(),
  };
}
