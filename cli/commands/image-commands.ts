import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { forgeFromConfig } from '../../forge/forge-from-config.ts';
import type { Forge, RepositoryId } from '../../forge/forge.ts';
import {
  loadDeploymentConfig,
  type DeploymentConfig,
} from '../../runner-agent/src/config/deployment-config.ts';
import type { SecretRegistry } from '../../core/secrets.ts';
import { positiveInteger, CONFIG_OPTION, DIR_OPTION, directoryOf, renamedDirOption } from './options.ts';
import { EXIT } from '../exit-codes.ts';

interface Opened {
  config: DeploymentConfig;
  secrets: SecretRegistry;
  /** A line for people (stdout), with every secret of the configuration redacted. */
  say(line: string): void;
}

async function open(configFile: string): Promise<Opened> {
  const config = await loadDeploymentConfig(configFile);
  const { secretsOf } = await import('../../runner-agent/src/deployment/deployment.ts');
  const secrets = secretsOf(config);
  return { config, secrets, say: (line) => process.stdout.write(`${secrets.redact(line)}\n`) };
}

async function forgeOf(opened: Opened, configFile: string, command: string): Promise<Forge> {
  const forge = opened.config.forge;
  if (!forge) throw new Error(`${configFile}: the forge section is required for \`ironbots ${command}\``);
  return forgeFromConfig(forge, { secrets: opened.secrets });
}

function repositoriesOf(opened: Opened, configFile: string, given: string | undefined): RepositoryId[] {
  const names = given ? [given] : (opened.config.forge?.repositories ?? []);
  if (names.length === 0)
    throw new Error(
      `name the repository with --repository owner/name, or list it in ${configFile} forge.repositories`,
    );
  return names.map((full) => {
    const match = /^([^/\s]+)\/([^/\s]+)$/.exec(full);
    if (!match) throw new Error(`--repository: expected owner/name, got "${full}"`);
    return { owner: match[1]!, name: match[2]! };
  });
}

/** A bar on a terminal, plain lines now and then otherwise (a job log, a pipe). */
async function progressOn(label: string) {
  const { transferProgress } = await import('../../runner-agent/src/images/transfer-progress.ts');
  return transferProgress(label, process.stderr);
}

function age(storedAt: Date, now = Date.now()): string {
  const hours = (now - storedAt.getTime()) / 3_600_000;
  return hours < 48 ? `${Math.max(0, Math.floor(hours))}h` : `${Math.floor(hours / 24)}d`;
}

/** `--input key=value`, repeatable: a value for one of the recipe's inputs. */
function collectInput(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([^=]+)=(.*)$/s.exec(value);
  if (!match) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  const key = match[1]!.trim();
  if (Object.hasOwn(previous, key)) throw new InvalidArgumentError(`the input "${key}" is given twice`);
  return { ...previous, [key]: match[2]! };
}

const INPUT_OPTION = [
  '--input <key=value>',
  "a value for one of the recipe's inputs (repeatable), e.g. --input runner-sha256=…",
  collectInput,
  {} as Record<string, string>,
] as const;

/** The recipe with these input values; an input problem is a usage error (exit 2): nothing was built. */
async function loadRecipe(file: string, inputs: Record<string, string>) {
  const { loadImageRecipe, RecipeInputError } = await import('../../runner-agent/src/images/image-recipe.ts');
  try {
    return await loadImageRecipe(file, { inputs });
  } catch (error) {
    if (error instanceof RecipeInputError) process.exitCode = EXIT.usage;
    throw error;
  }
}

export function registerImageCommands(program: Command): void {
  const configOption = CONFIG_OPTION;
  program
    .command('image-refresh')
    .description(
      'build and boot-test a VM image, upload it to the image store, and open a pull request that updates images/<name>',
    )
    .argument('<name>', 'the image, e.g. debian-12')
    .option(...configOption)
    .option(
      '--repository <owner/name>',
      "the repository to open the pull request on (default: a job's own, env IRONBOTS_REPOSITORY, else the one in the configuration)",
      process.env.IRONBOTS_REPOSITORY || undefined,
    )
    .option(
      '--pull-request <number>',
      'do the task `- [ ] image-refresh <name>` of this pull request: commit images/<name> onto its branch and tick the box, instead of opening a pull request',
      positiveInteger,
    )
    .option('--work-dir <dir>', 'scratch space for the build', os.tmpdir())
    .option(...DIR_OPTION('the project whose images/recipes/<name>.yml builds the image'))
    .addOption(renamedDirOption('--project'))
    .option(...INPUT_OPTION)
    .action(
      async (
        name: string,
        options: {
          config: string;
          repository?: string;
          pullRequest?: number;
          workDir: string;
          dir?: string;
          project?: string;
          input: Record<string, string>;
        },
      ) => {
        const opened = await open(options.config);
        const [repo] = repositoriesOf(opened, options.config, options.repository);
        if (!options.repository && (opened.config.forge?.repositories.length ?? 0) > 1)
          throw new Error(`${options.config} lists several repositories: choose one with --repository`);
        const forge = await forgeOf(opened, options.config, 'image-refresh');
        const { imageStoreFromConfig } =
          await import('../../runner-agent/src/images/image-store-from-config.ts');
        const { refreshImage } = await import('../../runner-agent/src/images/image-refresh.ts');
        const { BusyboxImageBuilder } =
          await import('../../runner-agent/src/images/busybox-image-builder.ts');
        const { recipeFile } = await import('../../runner-agent/src/images/image-recipe.ts');
        const { RecipeImageBuilder } = await import('../../runner-agent/src/images/recipe-image-builder.ts');
        const { existsSync } = await import('node:fs');
        // A recipe in the project builds the image; without one, the busybox test image is built.
        const recipePath = recipeFile(name, path.resolve(directoryOf(options)));
        if (!existsSync(recipePath) && Object.keys(options.input).length > 0) {
          process.exitCode = EXIT.usage;
          throw new Error(
            `--input: there is no recipe ${recipePath} to take inputs (the ${name} image is built without one)`,
          );
        }
        const builder = existsSync(recipePath)
          ? new RecipeImageBuilder({ recipe: await loadRecipe(recipePath, options.input) })
          : new BusyboxImageBuilder();
        const { store } = imageStoreFromConfig(opened.config);
        const progress = await progressOn(`upload ${name}`);
        const result = await refreshImage({
          name,
          builder,
          store,
          forge,
          repo: repo!,
          workDir: options.workDir,
          ...(options.pullRequest !== undefined ? { pullRequest: options.pullRequest } : {}),
          io: { log: opened.say },
          uploadProgress: (done, total) => progress.update(done, total),
        });
        if (result.kind === 'current') opened.say(`${name}: already current (${result.blob})`);
        else if (result.kind === 'task-done')
          opened.say(
            `${name}: ${result.commit ? `pushed ${result.commit.slice(0, 7)} to` : 'already current on'} ${result.pullRequest.htmlUrl}` +
              (result.ticked ? ', box ticked' : ''),
          );
        else opened.say(`${name}: ${result.pullRequest.htmlUrl}`);
      },
    );

  const image = program
    .command('image')
    .description('VM images: build from a recipe; the image store: list, fetch, upload, prune');

  image
    .command('build')
    .description(
      'build a VM image from its recipe (images/recipes/<name>.yml), boot-test it, and make it the local <name> image',
    )
    .argument('<recipe>', 'a recipe name (looked up in <project>/images/recipes) or a recipe file')
    .option(...DIR_OPTION('the project holding images/recipes'))
    .addOption(renamedDirOption('--project'))
    .option('--force', 'build even when this recipe was built here already', false)
    .option(...INPUT_OPTION)
    .action(
      async (
        reference: string,
        options: { dir?: string; project?: string; force: boolean; input: Record<string, string> },
      ) => {
        const { recipeFile } = await import('../../runner-agent/src/images/image-recipe.ts');
        const { ensureRecipeImage, localImagesDir } =
          await import('../../runner-agent/src/deployment/vm-setup.ts');
        const recipe = await loadRecipe(
          recipeFile(reference, path.resolve(directoryOf(options))),
          options.input,
        );
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort(new Error('interrupted')));
        const blob = await ensureRecipeImage({
          recipe,
          force: options.force,
          print: (line) => process.stderr.write(`${line}\n`),
          signal: controller.signal,
        });
        // stdout is only the result, for scripts.
        process.stdout.write(`${path.join(localImagesDir(), blob)}\n`);
      },
    );

  image
    .command('list')
    .description('list the blobs in the image store with their sizes and ages')
    .option(...configOption)
    .action(async (options: { config: string }) => {
      const opened = await open(options.config);
      const { imageStoreFromConfig } =
        await import('../../runner-agent/src/images/image-store-from-config.ts');
      const { formatBytes } = await import('../../core/sizes.ts');
      const { store } = imageStoreFromConfig(opened.config);
      const images = await store.list();
      if (images.length === 0) opened.say(`no images in ${store.description}`);
      for (const i of images)
        opened.say(`${i.blob}\t${formatBytes(i.bytes)}\t${age(i.storedAt)}\t${i.storedAt.toISOString()}`);
    });

  image
    .command('fetch')
    .description('download an image into the local cache (resuming, verified) and print its path')
    .argument('<image>', 'an image name (read from <checkout>/images/<name>) or a blob name')
    .option(...configOption)
    .option(...DIR_OPTION('the repository checkout holding images/<name>'))
    .addOption(renamedDirOption('--checkout'))
    .action(async (reference: string, options: { config: string; dir?: string; checkout?: string }) => {
      const opened = await open(options.config);
      const { imageStoreFromConfig } =
        await import('../../runner-agent/src/images/image-store-from-config.ts');
      const { StoreImageResolver } = await import('../../runner-agent/src/images/store-image-resolver.ts');
      const { store, cacheDir } = imageStoreFromConfig(opened.config);
      const progress = await progressOn(`fetch ${reference}`);
      const tty = process.stderr.isTTY;
      // Without a terminal the resolver's own lines (one per tenth) are the progress report.
      const resolver = new StoreImageResolver({
        store,
        cacheDir,
        ...(tty ? { onProgress: (done: number, total: number) => progress.update(done, total) } : {}),
      });
      // Messages go to stderr (over the bar's line on a terminal): stdout is only the path, for scripts.
      const file = await resolver.resolve(reference, path.resolve(directoryOf(options)), {
        log: (line) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${opened.secrets.redact(line)}\n`),
      });
      process.stdout.write(`${file}\n`);
    });

  image
    .command('upload')
    .description('upload a qcow2 to the image store as <name>-<sha256>.qcow2 and print the blob name')
    .argument('<file>', 'the qcow2 file')
    .requiredOption('--name <name>', 'the image name, e.g. debian-12')
    .option(...configOption)
    .action(async (file: string, options: { config: string; name: string }) => {
      const opened = await open(options.config);
      const { imageStoreFromConfig } =
        await import('../../runner-agent/src/images/image-store-from-config.ts');
      const { blobName } = await import('../../runner-agent/src/images/image-reference.ts');
      const { sha256OfFile } = await import('../../runner-agent/src/images/verified-download.ts');
      const { store } = imageStoreFromConfig(opened.config);
      const blob = blobName(options.name, await sha256OfFile(file));
      const progress = await progressOn(`upload ${blob}`);
      await store.upload(file, blob, { progress: (done, total) => progress.update(done, total) });
      progress.finish();
      opened.say(blob);
    });

  image
    .command('prune')
    .description(
      'remove images that no branch or open pull request refers to (images/<name>) and that are older than N days',
    )
    .requiredOption('--older-than-days <n>', 'keep unreferenced images younger than this', positiveInteger)
    .option('--dry-run', 'only say what would be removed', false)
    .option(
      '--repository <owner/name>',
      'the repository whose references count (default: every configured one)',
    )
    .option(...configOption)
    .action(
      async (options: { config: string; olderThanDays: number; dryRun: boolean; repository?: string }) => {
        const opened = await open(options.config);
        const forge = await forgeOf(opened, options.config, 'image prune');
        const repositories = repositoriesOf(opened, options.config, options.repository);
        const { imageStoreFromConfig } =
          await import('../../runner-agent/src/images/image-store-from-config.ts');
        const { pruneImages } = await import('../../runner-agent/src/images/image-prune.ts');
        const { store } = imageStoreFromConfig(opened.config);
        const result = await pruneImages({
          store,
          forge,
          repositories,
          olderThanDays: options.olderThanDays,
          dryRun: options.dryRun,
          log: opened.say,
        });
        for (const k of result.kept) opened.say(`keeping ${k.image.blob}: ${k.referencedBy.join(', ')}`);
        for (const y of result.young) opened.say(`keeping ${y.blob}: stored ${age(y.storedAt)} ago`);
        opened.say(
          `${options.dryRun ? 'would remove' : 'removed'} ${result.removed.length}, kept ${result.kept.length + result.young.length}`,
        );
      },
    );
}
