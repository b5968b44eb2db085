export const id = 2;
export const ids = [2];
export const modules = {

/***/ 2:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createLogger: () => (/* binding */ createLogger),
/* harmony export */   silentLogger: () => (/* binding */ silentLogger)
/* harmony export */ });
/* harmony import */ var pino__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5005);
/* harmony import */ var pino__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(pino__WEBPACK_IMPORTED_MODULE_0__);

/**
 * Structured logs (JSON lines on stderr by default). Every string that reaches the output passes through the
 * secret registry, so a token in an error message or a URL is never printed.
 */
function createLogger(options) {
    const { secrets } = options;
    const destination = options.destination ?? process.stderr;
    const redactingStream = {
        write(line) {
            destination.write(secrets.redact(line));
        },
    };
    return (0,pino__WEBPACK_IMPORTED_MODULE_0__.pino)({
        name: options.name,
        level: options.level ?? process.env.IRONBOTS_LOG_LEVEL ?? 'info',
        redact: {
            paths: ['token', '*.token', 'secret', '*.secret', 'password', '*.password', 'headers.authorization'],
            censor: '***',
        },
    }, redactingStream);
}
/** A logger that drops everything, for tests and benchmarks that measure something else. */
function silentLogger() {
    return (0,pino__WEBPACK_IMPORTED_MODULE_0__.pino)({ level: 'silent' });
}


/***/ })

};
