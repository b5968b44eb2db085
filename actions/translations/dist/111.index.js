export const id = 111;
export const ids = [111];
export const modules = {

/***/ 6111:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsFetch: () => (/* binding */ actionsFetch)
/* harmony export */ });
/* unused harmony export actionsRun */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2032);


/**
 * What an action knows of its run, the way the toolkit reads it (@actions/github's `context`): the
 * repository, the API and server URLs (GitHub Enterprise Server's when the job runs there), the run.
 * Actions only: the agent and the CLI never load this.
 */
function actionsRun() {
    let repository = null;
    try {
        const { owner, repo } = context.repo;
        if (owner && repo)
            repository = { owner, name: repo };
    }
    catch {
        // Outside a workflow (no GITHUB_REPOSITORY, no event payload): no repository of its own.
    }
    return {
        repository,
        apiUrl: context.apiUrl,
        serverUrl: context.serverUrl,
        runUrl: repository && context.runId
            ? `${context.serverUrl}/${repository.owner}/${repository.name}/actions/runs/${context.runId}`
            : null,
    };
}
/**
 * The transport of @actions/github's clients: through the runner's proxy (HTTPS_PROXY, NO_PROXY, as
 * @actions/http-client reads them), for the forge clients an action makes.
 */
const actionsFetch = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request?.fetch;


/***/ })

};
