export const id = 649;
export const ids = [649];
export const modules = {

/***/ 8649:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsCiRun: () => (/* binding */ actionsCiRun),
/* harmony export */   actionsRun: () => (/* binding */ actionsRun)
/* harmony export */ });
/* harmony import */ var _node_modules_actions_github_lib_context_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7157);

/*
 * @actions/github's own `context`, without the package's entry point: that one also builds its Octokit
 * (the REST endpoint table and plugins, a quarter of a bundled action's start), while an action needs the
 * run's facts before it knows whether its inputs are good. The Context class is the same file the entry
 * point's `context` is made from; the package exports it only through the entry point, hence the path.
 */
let current;
/** The toolkit's context of this run, read once (environment and event payload), as `github.context` is. */
function context() {
    return (current ??= new _node_modules_actions_github_lib_context_js__WEBPACK_IMPORTED_MODULE_0__/* .Context */ .o());
}
/**
 * What an action knows of its run, the way the toolkit reads it (@actions/github's `context`): the
 * repository, the API and server URLs (GitHub Enterprise Server's when the job runs there), the run.
 * Actions only: the agent and the CLI never load this.
 */
function actionsRun(of = context()) {
    const repository = repositoryOf(of);
    return {
        repository,
        apiUrl: of.apiUrl,
        serverUrl: of.serverUrl,
        runUrl: repository && of.runId
            ? `${of.serverUrl}/${repository.owner}/${repository.name}/actions/runs/${of.runId}`
            : null,
    };
}
/**
 * The run as the action's input parsers take it (core/ci-run.ts), from the toolkit's `context`: the tag a
 * tag push started it for, the event and, for a pull request, its base branch from the event payload.
 */
function actionsCiRun(of = context()) {
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


/***/ }),

/***/ 7157:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   o: () => (/* binding */ Context)
/* harmony export */ });
/* harmony import */ var fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9896);
/* harmony import */ var os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(857);


class Context {
    /**
     * Hydrate the context from the environment
     */
    constructor() {
        var _a, _b, _c;
        this.payload = {};
        if (process.env.GITHUB_EVENT_PATH) {
            if ((0,fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(process.env.GITHUB_EVENT_PATH)) {
                this.payload = JSON.parse((0,fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(process.env.GITHUB_EVENT_PATH, { encoding: 'utf8' }));
            }
            else {
                const path = process.env.GITHUB_EVENT_PATH;
                process.stdout.write(`GITHUB_EVENT_PATH ${path} does not exist${os__WEBPACK_IMPORTED_MODULE_1__.EOL}`);
            }
        }
        this.eventName = process.env.GITHUB_EVENT_NAME;
        this.sha = process.env.GITHUB_SHA;
        this.ref = process.env.GITHUB_REF;
        this.workflow = process.env.GITHUB_WORKFLOW;
        this.action = process.env.GITHUB_ACTION;
        this.actor = process.env.GITHUB_ACTOR;
        this.job = process.env.GITHUB_JOB;
        this.runAttempt = parseInt(process.env.GITHUB_RUN_ATTEMPT, 10);
        this.runNumber = parseInt(process.env.GITHUB_RUN_NUMBER, 10);
        this.runId = parseInt(process.env.GITHUB_RUN_ID, 10);
        this.apiUrl = (_a = process.env.GITHUB_API_URL) !== null && _a !== void 0 ? _a : `https://api.github.com`;
        this.serverUrl = (_b = process.env.GITHUB_SERVER_URL) !== null && _b !== void 0 ? _b : `https://github.com`;
        this.graphqlUrl =
            (_c = process.env.GITHUB_GRAPHQL_URL) !== null && _c !== void 0 ? _c : `https://api.github.com/graphql`;
    }
    get issue() {
        const payload = this.payload;
        return Object.assign(Object.assign({}, this.repo), { number: (payload.issue || payload.pull_request || payload).number });
    }
    get repo() {
        if (process.env.GITHUB_REPOSITORY) {
            const [owner, repo] = process.env.GITHUB_REPOSITORY.split('/');
            return { owner, repo };
        }
        if (this.payload.repository) {
            return {
                owner: this.payload.repository.owner.login,
                repo: this.payload.repository.name
            };
        }
        throw new Error("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'");
    }
}
//# sourceMappingURL=context.js.map

/***/ })

};
