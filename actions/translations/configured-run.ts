import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ActionLog } from '../../core/action-log.ts';
import type { ForgeKind, GitAccess } from '../../forge/forge.ts';
import { forgeFromConfig, type ForgeWiring } from '../../forge/forge-from-config.ts';
import { GitPoSource } from './git-po-source.ts';
import type { SourceConfig, TranslationsSettings } from './inputs.ts';
import type { TranslationSource } from './translation-source.ts';
import { runTranslations, type TranslationsResult } from './translations.ts';
import { WeblateSource } from './weblate-source.ts';

/** One run with the real clients, in a scratch directory under `tempRoot` that is removed afterwards. */
export async function runConfigured(
  settings: TranslationsSettings,
  /** forgeWiring: how the forge client is made (an action's proxy-aware transport). */
  options: { log: ActionLog; tempRoot: string; forgeWiring?: ForgeWiring },
): Promise<TranslationsResult> {
  const workDir = await mkdtemp(path.join(options.tempRoot, 'ironbots-translations-'));
  try {
    const forge = await forgeFromConfig(settings.forge, options.forgeWiring);
    const source = createSource(settings.source, forge, `${settings.plan.domain}.pot`, workDir);
    return await runTranslations(settings.plan, { forge, source, workDir, log: options.log });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

export function createSource(
  config: SourceConfig,
  forge: ForgeKind & GitAccess,
  templateName: string,
  workDir: string,
): TranslationSource {
  if (config.kind === 'weblate')
    return new WeblateSource({
      url: config.url,
      token: config.token,
      project: config.project,
      component: config.component,
    });
  return new GitPoSource({
    url: config.url,
    branch: config.branch,
    directory: config.directory,
    templateName,
    // Without a token of its own, the .po repository is reached with the forge's credentials.
    credentials: config.token
      ? { username: forge.kind === 'github' ? 'x-access-token' : 'oauth2', password: config.token }
      : forge.gitCredentials(),
    workDir: path.join(workDir, 'po-repository'),
  });
}
