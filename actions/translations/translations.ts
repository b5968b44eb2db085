import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ActionLog } from '../../core/action-log.ts';
import type { GitAccess, PullRequest, PullRequests, Repositories, RepositoryId } from '../../forge/forge.ts';
import { extractTemplate } from './extract.ts';
import { CatalogError, checkCatalog, completion, mergeCatalog } from './gettext-tools.ts';
import { GitRepository } from './git-repository.ts';
import { sameCatalogContent } from './normalise.ts';
import type { TranslationSource } from './translation-source.ts';

/**
 * One translations run: extract the template from the project's default branch, take the translators'
 * catalogs from the source, merge them with the template, keep the languages at or above the threshold,
 * and keep ONE pull request in step with the result: opened when there is a change, updated (branch
 * force-pushed, body rewritten) when there is another, closed when nothing is left to change. Timestamps and
 * source references are no change. A catalog the gettext tools refuse stops the run before anything is
 * pushed.
 */

export interface TranslationsPlan {
  repository: RepositoryId;
  /** The branch to translate; default: the repository's default branch. */
  baseBranch?: string;
  /** The pull request's branch, owned by this action: force-pushed. */
  branch: string;
  sources: string[];
  keywords: string[];
  /** The template's name without .pot, e.g. the gettext domain. */
  domain: string;
  /** The project's folder for the template, the catalogs and LINGUAS. */
  poDirectory: string;
  /** Minimum share of translated messages, in percent, for a language to be kept. */
  threshold: number;
  title: string;
  packageName?: string;
  /** Compute and report, but publish, push and open nothing. */
  dryRun: boolean;
}

export interface TranslationsDeps {
  forge: Repositories & PullRequests & GitAccess;
  source: TranslationSource;
  /** An empty directory of its own. */
  workDir: string;
  log: ActionLog;
}

export interface LanguageResult {
  language: string;
  /** Percent translated after merging with the new template, one decimal. */
  percent: number;
  translated: number;
  total: number;
}

export type TranslationsOutcome = 'created' | 'updated' | 'closed' | 'unchanged' | 'dry-run';

export interface TranslationsResult {
  outcome: TranslationsOutcome;
  pullRequest: PullRequest | null;
  kept: LanguageResult[];
  dropped: LanguageResult[];
  /** Project files that changed in content (not only in timestamps or references). */
  changedFiles: string[];
  templatePublished: boolean;
}

export async function runTranslations(
  plan: TranslationsPlan,
  deps: TranslationsDeps,
): Promise<TranslationsResult> {
  const { forge, source, log } = deps;
  const info = await forge.getRepository(plan.repository);
  const base = plan.baseBranch || info.defaultBranch;
  const project = await GitRepository.clone(
    info.cloneUrl,
    path.join(deps.workDir, 'project'),
    base,
    forge.gitCredentials(),
  );
  log.info(`extracting the template from ${info.owner}/${info.name} at ${base}`);
  const template = await extractTemplate({
    sourceDir: project.dir,
    sources: plan.sources,
    keywords: plan.keywords,
    ...(plan.packageName ? { packageName: plan.packageName } : {}),
  });

  const catalogDir = path.join(deps.workDir, 'catalogs');
  await mkdir(catalogDir, { recursive: true });
  const templateFile = path.join(catalogDir, `${plan.domain}.pot`);
  await writeFile(templateFile, template);

  log.info(`fetching catalogs from ${source.description}`);
  const catalogs = await source.fetchCatalogs();
  // Every catalog is checked before anything is merged, published or pushed; all problems are reported at once.
  const problems: string[] = [];
  for (const catalog of catalogs) {
    const file = path.join(catalogDir, `${catalog.language}.po`);
    await writeFile(file, catalog.content);
    try {
      await checkCatalog(file, catalog.origin);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length) throw new CatalogError(problems);

  const kept: LanguageResult[] = [];
  const dropped: LanguageResult[] = [];
  const merged = new Map<string, string>();
  for (const { language } of catalogs) {
    const output = path.join(catalogDir, `${language}.merged.po`);
    await mergeCatalog(path.join(catalogDir, `${language}.po`), templateFile, output);
    const stats = await checkCatalog(output, `${language}.po merged with ${plan.domain}.pot`);
    const total = stats.translated + stats.fuzzy + stats.untranslated;
    const result = {
      language,
      percent: Math.floor(completion(stats) * 10) / 10,
      translated: stats.translated,
      total,
    };
    if (completion(stats) >= plan.threshold) {
      kept.push(result);
      merged.set(language, await readFile(output, 'utf8'));
    } else dropped.push(result);
  }
  log.info(
    `merged catalogs: kept ${kept.map((l) => `${l.language} ${l.percent}%`).join(', ') || 'none'}; ` +
      `below ${plan.threshold}%: ${dropped.map((l) => `${l.language} ${l.percent}%`).join(', ') || 'none'}`,
  );

  // The project's po folder as this run makes it.
  const poDir = path.join(project.dir, plan.poDirectory);
  await mkdir(poDir, { recursive: true });
  const projectCatalogs = (await readdir(poDir)).filter((name) => name.endsWith('.po'));
  // An empty source is far more likely a misconfiguration than every translator leaving at once.
  if (catalogs.length === 0 && projectCatalogs.length > 0)
    throw new Error(
      `${source.description} has no translations; refusing to remove ${projectCatalogs.length} catalog(s) from ${plan.poDirectory}/`,
    );
  await writeFile(path.join(poDir, `${plan.domain}.pot`), template);
  for (const [language, content] of merged) await writeFile(path.join(poDir, `${language}.po`), content);
  // The folder mirrors the source: a language below the threshold, or no longer there, goes.
  for (const name of projectCatalogs)
    if (!merged.has(name.slice(0, -'.po'.length))) await rm(path.join(poDir, name));
  await writeFile(path.join(poDir, 'LINGUAS'), kept.map((l) => `${l.language}\n`).join(''));

  const changedFiles: string[] = [];
  for (const file of await project.changedPaths(plan.poDirectory)) {
    const before = await project.fileAtHead(file);
    const after = await readFile(path.join(project.dir, file), 'utf8').catch(() => null);
    if (before === null || after === null || !sameCatalogContent(before, after)) changedFiles.push(file);
  }

  const existing = await forge.findOpenPullRequest(plan.repository, plan.branch);
  const result = { kept, dropped, changedFiles, templatePublished: false };
  if (plan.dryRun) {
    log.info(
      `dry run: nothing published (would change ${changedFiles.join(' ') || 'nothing'}${existing ? `; open pull request #${existing.number}` : ''})`,
    );
    return { ...result, outcome: 'dry-run', pullRequest: existing };
  }

  result.templatePublished = await source.publishTemplate(template);
  log.info(
    `${result.templatePublished ? 'published the template to' : 'the template is unchanged in'} ${source.description}`,
  );

  if (changedFiles.length === 0) {
    if (!existing) {
      log.info('translations are up to date');
      return { ...result, outcome: 'unchanged', pullRequest: null };
    }
    const closed = await forge.closePullRequest(plan.repository, existing.number);
    log.info(`nothing left to change: closed pull request #${existing.number}`);
    return { ...result, outcome: 'closed', pullRequest: closed };
  }

  // A force-push of the same translations would only restart the pull request's CI every night.
  if (existing && (await sameAsBranch(project, plan.branch, plan.poDirectory))) {
    log.info(`pull request #${existing.number} already has these translations`);
    return { ...result, outcome: 'unchanged', pullRequest: existing };
  }

  const commit = await project.commit(`${plan.title}\n\n${commitSummary(result, plan)}`);
  await project.forcePush(plan.branch);
  log.info(`pushed ${commit} to ${plan.branch}: ${changedFiles.join(' ')}`);
  const body = pullRequestBody(result, plan, source.description);
  if (existing) {
    const updated = await forge.updatePullRequest(plan.repository, existing.number, {
      title: plan.title,
      body,
    });
    log.info(`updated pull request #${existing.number}`);
    return { ...result, outcome: 'updated', pullRequest: updated };
  }
  const created = await forge.createPullRequest(plan.repository, {
    title: plan.title,
    head: plan.branch,
    base,
    body,
  });
  log.info(`opened pull request #${created.number}: ${created.htmlUrl}`);
  return { ...result, outcome: 'created', pullRequest: created };
}

/** Whether the branch's files under `under` equal the staged ones, apart from timestamps and references. */
async function sameAsBranch(project: GitRepository, branch: string, under: string): Promise<boolean> {
  const ref = 'refs/ironbots/pull-request-head';
  if (!(await project.fetchBranch(branch, ref))) return false;
  for (const file of await project.stagedPathsDifferingFrom(ref, under)) {
    const before = await project.fileAt(ref, file);
    const after = await readFile(path.join(project.dir, file), 'utf8').catch(() => null);
    if (before === null || after === null || !sameCatalogContent(before, after)) return false;
  }
  return true;
}

function commitSummary(result: Pick<TranslationsResult, 'kept' | 'dropped'>, plan: TranslationsPlan): string {
  const lines = [`Languages: ${result.kept.map((l) => l.language).join(' ') || 'none'}`];
  if (result.dropped.length)
    lines.push(
      `Dropped below ${plan.threshold} %: ${result.dropped.map((l) => `${l.language} (${l.percent} %)`).join(', ')}`,
    );
  return lines.join('\n');
}

export function pullRequestBody(
  result: Pick<TranslationsResult, 'kept' | 'dropped' | 'changedFiles'>,
  plan: Pick<TranslationsPlan, 'threshold'>,
  sourceDescription: string,
): string {
  const row = (l: LanguageResult, state: string) =>
    `| ${l.language} | ${l.percent} % | ${l.translated} / ${l.total} | ${state} |`;
  return [
    `Translations from ${sourceDescription}, merged with a freshly extracted template.`,
    '',
    '| language | translated | messages | |',
    '|---|---|---|---|',
    ...result.kept.map((l) => row(l, 'kept')),
    ...result.dropped.map((l) => row(l, `dropped (below ${plan.threshold} %)`)),
    '',
    `Changed: ${result.changedFiles.map((f) => `\`${f}\``).join(', ')}`,
    '',
    'This pull request is kept up to date by ironbots translations: its branch is force-pushed.',
  ].join('\n');
}
