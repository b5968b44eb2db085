export const id = 481;
export const ids = [481];
export const modules = {

/***/ 5481:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   StatusSchema: () => (/* binding */ StatusSchema),
/* harmony export */   SubmittedSchema: () => (/* binding */ SubmittedSchema),
/* harmony export */   parseJobMapping: () => (/* binding */ parseJobMapping)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8815);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8816);
/* harmony import */ var _core_inputs_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(31);



/**
 * The root action's YAML and zod: a job given as a mapping, and the ironbots server's answers. Loaded only
 * once they are needed (submit-job.ts), so a step starts, and an input error shows, as fast as @actions/core
 * alone allows.
 */
const JobMappingSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    context: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1).max(100),
    run: zod__WEBPACK_IMPORTED_MODULE_2__/* .union */ .KCZ([zod__WEBPACK_IMPORTED_MODULE_2__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()).min(1), zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1)]),
    timeout: zod__WEBPACK_IMPORTED_MODULE_2__/* .number */ .aig().int().positive().optional(),
    env: zod__WEBPACK_IMPORTED_MODULE_2__/* .record */ .g1P(zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name'), zod__WEBPACK_IMPORTED_MODULE_2__/* .union */ .KCZ([zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(), zod__WEBPACK_IMPORTED_MODULE_2__/* .number */ .aig(), zod__WEBPACK_IMPORTED_MODULE_2__/* .boolean */ .zMY()]).transform(String))
        .optional(),
    executor: zod__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(['process', 'podman', 'vm']).optional(),
    image: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1).optional(),
})
    .strict();
/** What POST /api/v1/jobs answers (201, or 200 for a duplicate). */
const SubmittedSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    id: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().min(1),
    state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    duplicate: zod__WEBPACK_IMPORTED_MODULE_2__/* .boolean */ .zMY().default(false),
    url: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    logUrl: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
});
/** What GET /api/v1/jobs/<id> answers. A state this client does not know is polled on, not refused. */
const StatusSchema = zod__WEBPACK_IMPORTED_MODULE_2__/* .object */ .Ikc({
    state: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    description: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().optional(),
    logUrl: zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().optional(),
});
/** The job input as a YAML mapping {context, run, …}; every problem is an InputError of `job`. */
function parseJobMapping(text) {
    let value;
    try {
        value = (0,yaml__WEBPACK_IMPORTED_MODULE_0__/* .parse */ .qg)(text);
    }
    catch (error) {
        throw new _core_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('job', `invalid YAML: ${error.message.split('\n')[0]}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new _core_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('job', 'several lines must form a YAML mapping {context, run, …}');
    }
    const parsed = JobMappingSchema.safeParse(value);
    if (!parsed.success)
        throw new _core_inputs_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('job', describeIssue(parsed.error.issues[0]));
    return parsed.data;
}
function describeIssue(issue) {
    const where = issue.path.map(String).join('.') || 'mapping';
    // zod reports a bad record key as "Invalid key in record"; the inner issue says what is wrong with it.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return `${where}: ${message}`;
}


/***/ })

};
