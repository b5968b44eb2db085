export const id = 362;
export const ids = [362];
export const modules = {

/***/ 1362:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {

const MemoryStorage = __webpack_require__(9310);

module.exports = MemoryStorage;


/***/ })

};
