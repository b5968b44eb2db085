export const id = 933;
export const ids = [933];
export const modules = {

/***/ 3314:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   forgeFromConfig: () => (/* binding */ forgeFromConfig)
/* harmony export */ });
/* unused harmony export DEFAULT_API_URLS */
const DEFAULT_API_URLS = {
    github: 'https://api.github.com',
    gitlab: 'https://gitlab.com',
};
/**
 * The one place a forge client is built from configuration (the deployment's, an action's inputs, a CLI
 * command's options). Each client library loads only when its forge is used: each is a large part of an
 * action bundle's start-up.
 */
async function forgeFromConfig(config, wiring = {}) {
    const kind = config.kind;
    if (kind !== 'github' && kind !== 'gitlab')
        throw new Error(`forge kind "${String(kind)}": expected github or gitlab`);
    if (typeof config.token !== 'string' || config.token.trim() === '')
        throw new Error(`${kind} forge: the token is empty`);
    const apiUrl = config.apiUrl || DEFAULT_API_URLS[kind];
    if (!isHttpUrl(apiUrl))
        throw new Error(`${kind} forge: apiUrl "${apiUrl}" is not an http(s) URL`);
    const wait = wiring.maxRateLimitWaitSeconds;
    if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0))
        throw new Error(`maxRateLimitWaitSeconds: ${wait} is not a number of seconds ≥ 0`);
    wiring.secrets?.add(config.token);
    const logger = wiring.logger?.child({ role: 'forge', forge: kind });
    const common = {
        token: config.token,
        ...(logger ? { logger } : {}),
        ...(wait !== undefined ? { maxRateLimitWaitSeconds: wait } : {}),
    };
    if (kind === 'github') {
        const { GitHubForge } = await Promise.all(/* import() */[__webpack_require__.e(167), __webpack_require__.e(523)]).then(__webpack_require__.bind(__webpack_require__, 2523));
        return new GitHubForge({
            ...common,
            baseUrl: apiUrl,
            ...(wiring.throttle !== undefined ? { throttle: wiring.throttle } : {}),
        });
    }
    const { GitLabForge } = await Promise.all(/* import() */[__webpack_require__.e(582), __webpack_require__.e(631)]).then(__webpack_require__.bind(__webpack_require__, 3017));
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
