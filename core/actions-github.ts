import { defaults } from '@actions/github/lib/utils';

/**
 * The transport of @actions/github's clients: through the runner's proxy (HTTPS_PROXY, NO_PROXY, as
 * @actions/http-client reads them), for the forge clients an action makes.
 */
export const actionsFetch = defaults.request?.fetch as typeof fetch | undefined;
