import { buildForge, type ForgeConfig, type ForgeWiring } from './build-forge.ts';
import type { Forge } from './forge.ts';

export {
  buildForge,
  DEFAULT_API_URLS,
  type ForgeClientLoaders,
  type ForgeConfig,
  type ForgeWiring,
} from './build-forge.ts';

/**
 * The one place a forge client is built from configuration (the deployment's, an action's inputs, a CLI
 * command's options). Each client library loads only when its forge is used: each is a large part of an
 * action bundle's start-up.
 */
export function forgeFromConfig(config: ForgeConfig, wiring: ForgeWiring = {}): Promise<Forge> {
  return buildForge(config, wiring, {
    github: () => import('./github/github-forge.ts'),
    gitlab: () => import('./gitlab/gitlab-forge.ts'),
  });
}
