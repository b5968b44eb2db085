export const id = 132;
export const ids = [132];
export const modules = {

/***/ 5132:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DEFAULT_API_URLS: () => (/* binding */ DEFAULT_API_URLS),
/* harmony export */   buildForge: () => (/* binding */ buildForge)
/* harmony export */ });
const DEFAULT_API_URLS = {
    github: 'https://api.github.com',
    gitlab: 'https://gitlab.com',
};
/**
 * A forge client from configuration, with the client loaders given (see forgeFromConfig): an action that supports one forge only hands in that one
 * loader, and its bundle leaves the other client out altogether.
 */
async function buildForge(config, wiring, loaders) {
    const kind = config.kind;
    if (kind !== 'github' && kind !== 'gitlab')
        throw new Error(`forge kind "${String(kind)}": expected github or gitlab`);
    const load = loaders[kind];
    if (!load)
        throw new Error(`forge kind "${kind}" is not supported here`);
    if (config.app && kind !== 'github')
        throw new Error(`${kind} forge: only GitHub has apps; use a token`);
    if (config.app && config.token)
        throw new Error(`${kind} forge: give a token or an app, not both`);
    if (!config.app && (typeof config.token !== 'string' || config.token.trim() === ''))
        throw new Error(`${kind} forge: the token is empty`);
    const apiUrl = config.apiUrl || DEFAULT_API_URLS[kind];
    if (!isHttpUrl(apiUrl))
        throw new Error(`${kind} forge: apiUrl "${apiUrl}" is not an http(s) URL`);
    const wait = wiring.maxRateLimitWaitSeconds;
    if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0))
        throw new Error(`maxRateLimitWaitSeconds: ${wait} is not a number of seconds ≥ 0`);
    if (config.token)
        wiring.secrets?.add(config.token);
    if (config.app)
        wiring.secrets?.add(config.app.privateKey);
    const logger = wiring.logger?.child({ role: 'forge', forge: kind });
    const common = {
        token: config.token ?? '',
        ...(logger ? { logger } : {}),
        ...(wait !== undefined ? { maxRateLimitWaitSeconds: wait } : {}),
    };
    if (kind === 'github') {
        const { GitHubForge } = await load();
        return new GitHubForge({
            ...common,
            ...(config.app
                ? { token: undefined, app: config.app, onToken: (token) => wiring.secrets?.add(token) }
                : {}),
            baseUrl: apiUrl,
            ...(wiring.throttle !== undefined ? { throttle: wiring.throttle } : {}),
            ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
        });
    }
    const { GitLabForge } = await load();
    return new GitLabForge({ ...common, host: apiUrl });
}
function isHttpUrl(text) {
    try {
        const { protocol } = new URL(text);
        return protocol === 'http:' || protocol === 'https:';
    }
    catch {
        return false;
    }
}


/***/ })

};
