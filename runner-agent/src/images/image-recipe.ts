import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
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
 */

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$/;

const RecipeSchema = z
  .object({
    description: z.string().optional(),
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
      ),
    packages: z.array(z.string().regex(PACKAGE, 'a Debian package name (optionally =version)')).default([]),
    files: z
      .array(
        z
          .object({
            path: z
              .string()
              .regex(/^\/[^\0]*$/, 'an absolute path in the image')
              .refine((p) => !p.split('/').includes('..'), 'must not contain ..'),
            content: z.string(),
            mode: z
              .string()
              .regex(/^0?[0-7]{3,4}$/, 'an octal mode such as "0644" (quoted)')
              .default('0644'),
          })
          .strict(),
      )
      .default([]),
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

export type ImageRecipeSpec = z.infer<typeof RecipeSchema>;

export interface ImageRecipe {
  /** The image's name: the recipe file's name without `.yml`. */
  name: string;
  /** The recipe file, for messages. */
  file: string;
  spec: ImageRecipeSpec;
  /** The line each list item is on (`packages.3`, `commands.0`), for errors found while building. */
  lineOf(path: (string | number)[]): number | undefined;
  /** sha256 of what the recipe asks for (not of its comments or layout). */
  hash: string;
}

export class ImageRecipeError extends Error {
  constructor(file: string, line: number | undefined, field: string | undefined, message: string) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'ImageRecipeError';
  }
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

export async function loadImageRecipe(file: string): Promise<ImageRecipe> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ImageRecipeError(
      file,
      undefined,
      undefined,
      error.code === 'ENOENT' ? 'no such recipe' : error.message,
    );
  });
  return parseImageRecipe(text, file);
}

/** Parses and validates a recipe; every problem is an ImageRecipeError naming the line and the field. */
export function parseImageRecipe(text: string, file: string): ImageRecipe {
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  try {
    assertImageName(name);
  } catch (error) {
    throw new ImageRecipeError(file, undefined, undefined, `the file name: ${(error as Error).message}`);
  }
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
    // A missing key has no line of its own: its parent's is the nearest.
    let line: number | undefined;
    for (let depth = at.length; depth >= 0 && line === undefined; depth--) line = lineOf(at.slice(0, depth));
    throw new ImageRecipeError(file, line, at.join('.') || undefined, message);
  }
  const spec = result.data;
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  return { name, file, spec, lineOf, hash };
}

function nodeLine(doc: Document, lineCounter: LineCounter, at: (string | number)[]): number | undefined {
  const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
  return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
}
