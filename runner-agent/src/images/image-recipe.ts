import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { z } from 'zod';
import { assertImageName } from './image-reference.ts';

/**
 * An image recipe, `images/recipes/<name>.yml`: how `ironbots image build <name>` makes the VM image <name>.
 *
 *   base:
 *     debian:                       # mmdebstrap of a Debian suite
 *       suite: bookworm
 *       mirror: http://deb.debian.org/debian   # default: the first Debian mirror in this machine's apt sources
 *       variant: minbase            # mmdebstrap variant: minbase (default), apt, required, important, standard
 *     # or, instead of debian: a disk image someone else built, e.g. a distribution's cloud image (apt-based):
 *     # image:
 *     #   url: https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2
 *     #   sha256: <its sha256, from the distribution's SHA512SUMS/SHA256SUMS>   # verified before use
 *     #   partition: 1              # default: the largest partition, or the whole disk if it has none
 *     # packages then come from the image's own apt sources.
 *   packages: [curl, python3]       # installed without recommends; systemd, kmod and iproute2 always are
 *   files:
 *     - path: /etc/motd
 *       content: "built by ironbots\n"
 *       mode: "0644"                # default 0644
 *   commands:                       # run inside the image (chroot, /bin/sh -e) after packages and files
 *     - useradd --create-home tester
 *   kernel: debian                  # Debian's kernel from this machine's apt (default), or
 *                                   # { package: linux-image-6.1.0-57-amd64 }
 *   disk-megabytes: 2048            # the root filesystem's size (sparse)
 *
 * Building on another recipe, with inputs and downloads:
 *
 *   extends: debian-12              # images/recipes/debian-12.yml (next to this file) first: its base,
 *                                   # packages, files, downloads, commands, kernel and disk size, then this
 *                                   # recipe's additions; `kernel:` replaces the parent's, `disk-megabytes:`
 *                                   # may only grow; a recipe that extends another names no `base:`
 *   inputs:                         # values given at build time: `ironbots image build <name> --input k=v`
 *     runner-url:
 *       description: where the tarball is
 *       default: https://…          # without a default the input is required
 *     runner-sha256:
 *       description: its sha256
 *       pattern: "[0-9a-f]{64}"     # the whole value must match
 *   downloads:                      # fetched on the build host (cached, resumed, sha256-checked) and put into
 *     - url: ${{ inputs.runner-url }}      # the image before `commands` run; mode 0644
 *       sha256: ${{ inputs.runner-sha256 }}
 *       path: /opt/actions-runner.tar.gz
 *
 * `${{ inputs.<name> }}` works in every string value (not in `inputs:` itself). The recipe's hash, and so its
 * image's name `<name>-<sha256>` and the build cache, covers the resolved values: another input is another
 * image.
 */

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;

const ABSOLUTE_PATH = z
  .string()
  .regex(/^\/[^\0]*$/, 'an absolute path in the image')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..');

const INPUT_NAME = /^[a-z][a-z0-9-]*$/;

const RecipeSchema = z
  .object({
    description: z.string().optional(),
    extends: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'the name of another recipe in the same directory')
      .optional(),
    inputs: z
      .record(
        z.string().regex(INPUT_NAME, 'an input name: lowercase letters, digits and -'),
        z
          .object({
            description: z.string().min(1, 'says what the input is'),
            default: z.string().optional(),
            pattern: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    base: z
      .object({
        debian: z
          .object({
            suite: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a Debian suite name, e.g. bookworm'),
            mirror: z.url({ protocol: /^https?$/, error: 'an http(s) URL of a Debian mirror' }).optional(),
            variant: z.enum(['minbase', 'apt', 'required', 'important', 'standard']).default('minbase'),
          })
          .strict()
          .optional(),
        image: z
          .object({
            url: z.url({ protocol: /^https?$/, error: 'an http(s) URL of a disk image' }),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the image’s sha256: 64 lowercase hex digits'),
            partition: z.number().int().min(1).max(128).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine(
        (base) => (base.debian ? 1 : 0) + (base.image ? 1 : 0) === 1,
        'names exactly one of debian: (a suite to bootstrap) or image: (a disk image to download)',
      )
      .optional(),
    packages: z.array(z.string().regex(PACKAGE, 'a Debian package name (optionally =version)')).default([]),
    files: z
      .array(
        z
          .object({
            path: ABSOLUTE_PATH,
            content: z.string(),
            mode: z
              .string()
              .regex(/^0?[0-7]{3,4}$/, 'an octal mode such as "0644" (quoted)')
              .default('0644'),
          })
          .strict(),
      )
      .default([]),
    downloads: z
      .array(
        z
          .object({
            url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
            sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the file’s sha256: 64 lowercase hex digits'),
            path: ABSOLUTE_PATH,
          })
          .strict(),
      )
      .optional(),
    commands: z.array(z.string().min(1, 'must not be empty')).default([]),
    kernel: z
      .union([
        z.literal('debian'),
        z
          .object({
            package: z.string().regex(/^linux-image-[0-9][^\s/]*$/, 'a linux-image-<release> package'),
          })
          .strict(),
      ])
      .default('debian'),
    'disk-megabytes': z.number().int().min(256).max(65_536).default(2048),
  })
  .strict();

type ParsedSpec = z.infer<typeof RecipeSchema>;

/** What a recipe asks for, its parents' parts included and every input resolved. */
export type ImageRecipeSpec = Omit<ParsedSpec, 'extends' | 'inputs' | 'base'> & {
  base: NonNullable<ParsedSpec['base']>;
};

/** Where a part of a (merged) recipe was written: the file, and the line in it. */
export interface RecipeLocation {
  file: string;
  line: number | undefined;
}

export interface ImageRecipe {
  /** The image's name: the recipe file's name without `.yml`. */
  name: string;
  /** The recipe file, for messages. */
  file: string;
  spec: ImageRecipeSpec;
  /**
   * The file and line a part of `spec` comes from (`packages.3`, `commands.0`, `base.image.sha256`): a
   * parent's part is in the parent's file. For errors found while building.
   */
  locate(path: (string | number)[]): RecipeLocation;
  /** `locate(path).line`. */
  lineOf(path: (string | number)[]): number | undefined;
  /** The inputs the recipe and its parents declare, with the values used (given, else the default). */
  inputs: Record<string, string>;
  /** sha256 of what the recipe asks for (not of its comments or layout), its resolved inputs included. */
  hash: string;
}

export class ImageRecipeError extends Error {
  constructor(file: string, line: number | undefined, field: string | undefined, message: string) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ImageRecipeError';
  }
}

/** A problem with the input values given at build time: missing, malformed or not declared. */
export class RecipeInputError extends ImageRecipeError {
  constructor(file: string, line: number | undefined, field: string | undefined, message: string) {
    super(file, line, field, message);
    this.name = 'RecipeInputError';
  }
}

export interface RecipeOptions {
  /** Input values (`--input key=value`); each must be declared by the recipe or one of its parents. */
  inputs?: Record<string, string>;
}

/** Where recipes live in a project. */
export const RECIPES_DIR = path.join('images', 'recipes');

/** A recipe argument is a file (`….yml`) or a name looked up in `<project>/images/recipes/<name>.yml`. */
export function recipeFile(reference: string, projectDir: string): string {
  if (reference.endsWith('.yml') || reference.endsWith('.yaml') || reference.includes('/'))
    return path.resolve(reference);
  assertImageName(reference);
  return path.join(projectDir, RECIPES_DIR, `${reference}.yml`);
}

/** The file `extends: <name>` of a recipe in `file` refers to: a recipe in the same directory. */
function parentFile(file: string, name: string): string {
  return path.join(path.dirname(file), `${name}.yml`);
}

export async function loadImageRecipe(file: string, options: RecipeOptions = {}): Promise<ImageRecipe> {
  const read = async (at: string) =>
    readFile(at, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new ImageRecipeError(at, undefined, undefined, error.message);
    });
  const text = await read(file);
  if (text === undefined) throw new ImageRecipeError(file, undefined, undefined, 'no such recipe');
  // The chain of parents, read ahead: parsing itself is synchronous and reports what is missing or circular.
  const texts = new Map<string, string>();
  for (let current = text, at = file; ;) {
    let parent: unknown;
    try {
      parent = (parseDocument(current).toJS() as { extends?: unknown } | null)?.extends;
    } catch {
      break;
    }
    if (typeof parent !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(parent)) break;
    const next = parentFile(at, parent);
    if (texts.has(next) || next === file) break;
    const found = await read(next);
    if (found === undefined) break;
    texts.set(next, found);
    [current, at] = [found, next];
  }
  return parseImageRecipe(text, file, { ...options, readParent: (at) => texts.get(at) });
}

/** Parses and validates a recipe; every problem is an ImageRecipeError naming the line and the field. */
export function parseImageRecipe(
  text: string,
  file: string,
  options: RecipeOptions & {
    /** The text of a parent recipe file (`extends:`), or undefined when there is none. */
    readParent?: (file: string) => string | undefined;
  } = {},
): ImageRecipe {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  try {
    assertImageName(name);
  } catch (error) {
    throw new ImageRecipeError(file, undefined, undefined, `the file name: ${(error as Error).message}`);
  }
  const given = options.inputs ?? {};
  const declared = new Set<string>();
  const used: Record<string, string> = {};
  const resolved = resolveRecipe(text, file, [], {
    given,
    declared,
    used,
    readParent: options.readParent ?? (() => undefined),
  });
  const unknown = Object.keys(given).filter((key) => !declared.has(key));
  if (unknown.length > 0)
    throw new RecipeInputError(
      file,
      undefined,
      'inputs',
      `no input ${unknown.map((k) => `"${k}"`).join(', ')} is declared (${
        declared.size ? `declared: ${[...declared].join(', ')}` : 'this recipe declares no inputs'
      })`,
    );
  const { spec, locate } = resolved;
  // Without inputs, what the hash always was: images built before inputs existed keep their names.
  const hashed = declared.size === 0 ? spec : { spec, inputs: sortedObject(used) };
  const hash = createHash('sha256').update(JSON.stringify(hashed)).digest('hex');
  return { name, file, spec, locate, lineOf: (at) => locate(at).line, inputs: used, hash };
}

interface ResolveContext {
  given: Record<string, string>;
  declared: Set<string>;
  used: Record<string, string>;
  readParent: (file: string) => string | undefined;
}

/** One recipe file, its parents merged in first. */
function resolveRecipe(
  text: string,
  file: string,
  chain: string[],
  context: ResolveContext,
): { spec: ImageRecipeSpec; locate: (at: (string | number)[]) => RecipeLocation } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError)
    throw new ImageRecipeError(
      file,
      lineCounter.linePos(syntaxError.pos[0]).line,
      undefined,
      `invalid YAML: ${syntaxError.message.split('\n')[0]}`,
    );
  const lineOf = (at: (string | number)[]) => nodeLine(doc, lineCounter, at);
  const own = (at: (string | number)[]): RecipeLocation => ({ file, line: lineOf(at) });
  const fail = (at: (string | number)[], message: string): never => {
    // A missing key has no line of its own: its parent's is the nearest.
    let line: number | undefined;
    for (let depth = at.length; depth >= 0 && line === undefined; depth--) line = lineOf(at.slice(0, depth));
    throw new ImageRecipeError(file, line, at.join('.') || undefined, message);
  };
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  resolveInputs(doc, raw, { file, lineCounter, fail }, context);
  const result = RecipeSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let at = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    let message = issue.message.replace(/^Invalid input: /, '');
    if (issue.code === 'unrecognized_keys') {
      at = [...at, issue.keys[0]!];
      message = 'unknown field';
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      message = `is required (${message.replace(/, received undefined$/, '')})`;
    }
    fail(at, message);
  }
  const parsed = result.data!;
  const { extends: parentName, inputs: _inputs, ...rest } = parsed;
  if (parentName === undefined) {
    if (!rest.base) fail(['base'], 'is required (debian: or image:), unless the recipe extends another');
    const spec = { ...rest, base: rest.base! };
    if (!spec.downloads?.length) delete spec.downloads;
    return { spec, locate: own };
  }
  if (rest.base) fail(['base'], `a recipe that extends another takes its base from it (here: ${parentName})`);
  const parentPath = parentFile(file, parentName);
  if (parentPath === file || chain.includes(parentPath))
    fail(
      ['extends'],
      `${parentName} is extended in a cycle: ${[...chain, file, parentPath].map((f) => path.basename(f, '.yml')).join(' → ')}`,
    );
  const parentText = context.readParent(parentPath);
  if (parentText === undefined) fail(['extends'], `no recipe "${parentName}" (looked for ${parentPath})`);
  const parent = resolveRecipe(parentText!, parentPath, [...chain, file], context);
  return mergeRecipes(parent, { spec: rest, raw, own, fail });
}

/** The parent's parts first, then the child's additions; `kernel` replaced, `disk-megabytes` only raised. */
function mergeRecipes(
  parent: { spec: ImageRecipeSpec; locate: (at: (string | number)[]) => RecipeLocation },
  child: {
    spec: Omit<ParsedSpec, 'extends' | 'inputs'>;
    raw: Record<string, unknown>;
    own: (at: (string | number)[]) => RecipeLocation;
    fail: (at: (string | number)[], message: string) => never;
  },
): { spec: ImageRecipeSpec; locate: (at: (string | number)[]) => RecipeLocation } {
  const p = parent.spec;
  const c = child.spec;
  const has = (key: string) => Object.hasOwn(child.raw, key);
  if (has('disk-megabytes') && c['disk-megabytes'] < p['disk-megabytes'])
    child.fail(
      ['disk-megabytes'],
      `may only grow the parent's ${p['disk-megabytes']} MB (a parent's files and packages need it)`,
    );
  const packages = [...p.packages];
  const packageFrom: RecipeLocation[] = p.packages.map((_, i) => parent.locate(['packages', i]));
  for (const [i, pkg] of c.packages.entries()) {
    if (packages.includes(pkg)) continue;
    packages.push(pkg);
    packageFrom.push(child.own(['packages', i]));
  }
  const lists = ['files', 'downloads', 'commands'] as const;
  const counts = { files: p.files.length, downloads: p.downloads?.length ?? 0, commands: p.commands.length };
  const downloads = [...(p.downloads ?? []), ...(c.downloads ?? [])];
  const spec: ImageRecipeSpec = {
    ...(c.description !== undefined
      ? { description: c.description }
      : p.description !== undefined
        ? { description: p.description }
        : {}),
    base: p.base,
    packages,
    files: [...p.files, ...c.files],
    ...(downloads.length ? { downloads } : {}),
    commands: [...p.commands, ...c.commands],
    kernel: has('kernel') ? c.kernel : p.kernel,
    'disk-megabytes': has('disk-megabytes') ? c['disk-megabytes'] : p['disk-megabytes'],
  };
  const locate = (at: (string | number)[]): RecipeLocation => {
    const [key, index, ...more] = at;
    if (key === 'packages' && typeof index === 'number')
      return packageFrom[index] ?? { file: child.own([]).file, line: undefined };
    const list = lists.find((l) => l === key);
    if (list && typeof index === 'number')
      return index < counts[list] ? parent.locate(at) : child.own([list, index - counts[list], ...more]);
    if (key === 'base') return parent.locate(at);
    if ((key === 'kernel' || key === 'disk-megabytes') && !has(key)) return parent.locate(at);
    return child.own(at);
  };
  return { spec, locate };
}

const REFERENCE = /\$\{\{\s*(.*?)\s*\}\}/g;

/**
 * Checks the recipe's declared inputs against the given values (required ones given, patterns matched) and
 * replaces every `${{ inputs.<name> }}` in the document's string values, outside `inputs:` itself.
 */
function resolveInputs(
  doc: Document,
  raw: Record<string, unknown>,
  at: {
    file: string;
    lineCounter: LineCounter;
    fail: (path: (string | number)[], message: string) => never;
  },
  context: ResolveContext,
): void {
  const { fail } = at;
  /** An input's problem, on the line of its name. */
  const failInput = (key: string, message: string): never => {
    const inputs = doc.get('inputs', true);
    const pair = isMap(inputs) ? inputs.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    const range = pair && isNode(pair.key) ? pair.key.range : undefined;
    throw new RecipeInputError(
      at.file,
      range ? at.lineCounter.linePos(range[0]).line : undefined,
      `inputs.${key}`,
      message,
    );
  };
  const declarations = raw.inputs;
  const values = new Map<string, string>();
  if (declarations !== undefined && declarations !== null) {
    if (typeof declarations !== 'object' || Array.isArray(declarations))
      fail(['inputs'], 'a map of input names to {description, default?, pattern?}');
    for (const [key, declaration] of Object.entries(declarations as Record<string, unknown>)) {
      if (!INPUT_NAME.test(key)) fail(['inputs', key], 'an input name: lowercase letters, digits and -');
      const { default: fallback, pattern } = (declaration ?? {}) as { default?: unknown; pattern?: unknown };
      context.declared.add(key);
      const value = context.given[key] ?? (typeof fallback === 'string' ? fallback : undefined);
      if (value === undefined)
        failInput(
          key,
          `the input "${key}" is required and was not given (ironbots image build … --input ${key}=<value>)`,
        );
      if (typeof pattern === 'string') {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${pattern})$`);
        } catch (error) {
          fail(['inputs', key, 'pattern'], `not a regular expression: ${(error as Error).message}`);
        }
        if (!re!.test(value!))
          failInput(key, `the input "${key}" is "${value}", which does not match ${pattern}`);
      }
      values.set(key, value!);
      context.used[key] = value!;
    }
  }
  let failure: Error | undefined;
  visit(doc, {
    Pair(_key, pair, ancestors) {
      // The declarations themselves are not substituted (a description may show the syntax).
      if (ancestors.length === 2 && isMap(ancestors[1]) && isScalar(pair.key) && pair.key.value === 'inputs')
        return visit.SKIP;
      return undefined;
    },
    Scalar(_key, node) {
      if (failure || typeof node.value !== 'string' || !node.value.includes('${{')) return;
      node.value = node.value.replace(REFERENCE, (_match, expression: string) => {
        const reference = /^inputs\.([a-z][a-z0-9-]*)$/.exec(expression);
        const line = node.range ? at.lineCounter.linePos(node.range[0]).line : undefined;
        const where = (message: string) => {
          failure ??= new ImageRecipeError(at.file, line, undefined, message);
          return '';
        };
        if (!reference) return where(`\${{ ${expression} }}: only \${{ inputs.<name> }} can be used here`);
        const value = values.get(reference[1]!);
        if (value === undefined)
          return where(
            `\${{ inputs.${reference[1]} }}: no input "${reference[1]}" is declared (${
              values.size ? `declared: ${[...values.keys()].join(', ')}` : 'this recipe declares no inputs'
            })`,
          );
        return value;
      });
    },
  });
  if (failure) throw failure;
}

function sortedObject(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
}

function nodeLine(doc: Document, lineCounter: LineCounter, at: (string | number)[]): number | undefined {
  const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
  return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
}
