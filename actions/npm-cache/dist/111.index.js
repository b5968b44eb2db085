export const id = 111;
export const ids = [111];
export const modules = {

/***/ 6111:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsCiRun: () => (/* binding */ actionsCiRun),
/* harmony export */   actionsFetch: () => (/* binding */ actionsFetch),
/* harmony export */   actionsRun: () => (/* binding */ actionsRun)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2032);


/**
 * What an action knows of its run, the way the toolkit reads it (@actions/github's `context`): the
 * repository, the API and server URLs (GitHub Enterprise Server's when the job runs there), the run.
 * Actions only: the agent and the CLI never load this.
 */
function actionsRun() {
    const repository = repositoryOf(_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._);
    return {
        repository,
        apiUrl: _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.apiUrl,
        serverUrl: _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.serverUrl,
        runUrl: repository && _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.runId
            ? `${_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.serverUrl}/${repository.owner}/${repository.name}/actions/runs/${_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._.runId}`
            : null,
    };
}
/**
 * The transport of @actions/github's clients: through the runner's proxy (HTTPS_PROXY, NO_PROXY, as
 * @actions/http-client reads them), for the forge clients an action makes.
 */
const actionsFetch = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request?.fetch;
/**
 * The run as the action's input parsers take it (core/ci-run.ts), from the toolkit's `context`: the tag a
 * tag push started it for, the event and, for a pull request, its base branch from the event payload.
 */
function actionsCiRun(of = _actions_github__WEBPACK_IMPORTED_MODULE_0__/* .context */ ._) {
    const repository = repositoryOf(of);
    const baseRef = of.payload.pull_request?.base?.ref;
    return {
        ...(of.ref?.startsWith('refs/tags/') ? { tag: of.ref.slice('refs/tags/'.length) } : {}),
        ...(of.sha ? { sha: of.sha } : {}),
        ...(of.eventName ? { event: of.eventName } : {}),
        ...(baseRef ? { baseRef } : {}),
        github: {
            ...(repository ? { repository: `${repository.owner}/${repository.name}` } : {}),
            apiUrl: of.apiUrl,
            serverUrl: of.serverUrl,
        },
    };
}
function repositoryOf(of) {
    try {
        const { owner, repo } = of.repo;
        return owner && repo ? { owner, name: repo } : null;
    }
    catch {
        // Outside a workflow (no GITHUB_REPOSITORY, no event payload): no repository of its own.
        return null;
    }
}


/***/ })

};
