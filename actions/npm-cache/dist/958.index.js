export const id = 958;
export const ids = [958];
export const modules = {

/***/ 7958:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ActionsCacheStore: () => (/* binding */ ActionsCacheStore),
/* harmony export */   actionsCacheAvailable: () => (/* binding */ actionsCacheAvailable)
/* harmony export */ });
/* unused harmony export STAGED_ENTRY */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5255);
/* harmony import */ var _cache_store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1912);




/** What @actions/cache accepts as a key (it throws a ValidationError on more). */
const MAX_KEY_CHARACTERS = 512;
/**
 * The GitHub Actions cache service, through @actions/cache (which picks the v2 Twirp service when the runner
 * sets ACTIONS_CACHE_SERVICE_V2, else v1). The toolkit caches paths, not files, and puts the paths into the
 * entry's version, so an entry always travels as the same relative path under the workspace: one path for
 * archives, another for squashfs images, which keeps the two kinds apart (a lookup of one never matches
 * the other's version). Images' keys also end in .squashfs, for whoever reads the repository's cache list.
 */
const STAGED_ENTRY = {
    archive: '.ironbots-npm-cache/node_modules.tgz',
    squashfs: '.ironbots-npm-cache/node_modules.squashfs',
};
class ActionsCacheStore {
    description = 'GitHub Actions cache';
    kind;
    #path;
    /** What the service's key has beyond ours. */
    #suffix;
    constructor(kind = 'archive') {
        this.kind = kind;
        this.#path = STAGED_ENTRY[kind];
        this.#suffix = kind === 'archive' ? '' : _cache_store_js__WEBPACK_IMPORTED_MODULE_3__/* .ENTRY_SUFFIX */ .B[kind];
    }
    withKind(kind) {
        return new ActionsCacheStore(kind);
    }
    async fetch(key, file) {
        const staged = this.#staged();
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(staged, { force: true });
        // restoreCache turns service and download errors into a warning and a miss, which is what we want too.
        const matched = await _actions_cache__WEBPACK_IMPORTED_MODULE_2__/* .restoreCache */ .P3([this.#path], key + this.#suffix);
        try {
            if (matched !== key + this.#suffix)
                return false;
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.copyFile)(staged, file);
            return true;
        }
        finally {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(staged), { recursive: true, force: true });
        }
    }
    async store(key, file) {
        const staged = this.#staged();
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(staged), { recursive: true });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.copyFile)(file, staged);
        try {
            // -1: the service refused the key (someone saved it first) or the upload failed, as the toolkit logged.
            return (await _actions_cache__WEBPACK_IMPORTED_MODULE_2__/* .saveCache */ .Io([this.#path], key + this.#suffix)) !== -1;
        }
        finally {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(node_path__WEBPACK_IMPORTED_MODULE_1___default().dirname(staged), { recursive: true, force: true });
        }
    }
    /**
     * The service's own restore-key match (newest entry with the prefix, within this path's version), asked
     * with lookupOnly: nothing is downloaded until the caller fetches the key it chose.
     */
    async findLatest(prefix) {
        this.#staged();
        const found = await _actions_cache__WEBPACK_IMPORTED_MODULE_2__/* .restoreCache */ .P3([this.#path], prefix, [prefix], { lookupOnly: true });
        // The version keeps other kinds out; an image's key still has its suffix to lose.
        return found?.endsWith(this.#suffix) ? found.slice(0, found.length - this.#suffix.length) : found;
    }
    keyProblem(key) {
        if (key.includes(','))
            return `"${key}" holds a comma, which the GitHub Actions cache does not take`;
        return (0,_cache_store_js__WEBPACK_IMPORTED_MODULE_3__/* .keyLengthProblem */ .U)(key, MAX_KEY_CHARACTERS - this.#suffix.length, 'characters', this.description);
    }
    /**
     * @actions/cache globs the path from the working directory but tars it relative to GITHUB_WORKSPACE; the
     * runner starts every step in the workspace, and anything else would archive the wrong place.
     */
    #staged() {
        const workspace = process.env.GITHUB_WORKSPACE;
        if (workspace && node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(workspace) !== process.cwd()) {
            throw new Error(`the Actions cache needs the step to run in GITHUB_WORKSPACE (${workspace}), not in ${process.cwd()}`);
        }
        return node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(this.#path);
    }
}
function actionsCacheAvailable() {
    return _actions_cache__WEBPACK_IMPORTED_MODULE_2__/* .isFeatureAvailable */ .w3();
}


/***/ })

};
