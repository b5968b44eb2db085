export const id = 130;
export const ids = [130];
export const modules = {

/***/ 5130:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S3Store: () => (/* binding */ S3Store)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3711);
/* harmony import */ var _cache_store_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1912);





/** S3's limit on an object key, in UTF-8 bytes. */
const MAX_OBJECT_KEY_BYTES = 1024;
/** Archives as objects `<prefix><key>.tgz`, squashfs images as `<prefix><key>.squashfs`, in an S3 (or S3-compatible) bucket. */
class S3Store {
    description;
    kind;
    #client;
    #bucket;
    #prefix;
    #suffix;
    constructor(client, bucket, prefix = '', kind = 'archive') {
        this.#client = client;
        this.#bucket = bucket;
        this.#prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
        this.kind = kind;
        this.#suffix = _cache_store_js__WEBPACK_IMPORTED_MODULE_3__/* .ENTRY_SUFFIX */ .B[kind];
        this.description = `s3://${bucket}/${this.#prefix}`;
    }
    withKind(kind) {
        return new S3Store(this.#client, this.#bucket, this.#prefix, kind);
    }
    async fetch(key, file) {
        try {
            const object = await this.#client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_4__.GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
            await (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_2__.pipeline)(object.Body, (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createWriteStream)(file));
            return true;
        }
        catch (error) {
            if (isNotFound(error))
                return false;
            throw error;
        }
    }
    async store(key, file) {
        if (await this.#exists(key))
            return false;
        // A single PUT is atomic on S3: a reader sees the whole archive or none.
        await this.#client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_4__.PutObjectCommand({
            Bucket: this.#bucket,
            Key: this.#key(key),
            Body: (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream)(file),
            ContentLength: (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(file)).size,
            // zstd, gzip or squashfs: the name's suffix says which kind, the first bytes which format.
            ContentType: 'application/octet-stream',
        }));
        return true;
    }
    async #exists(key) {
        try {
            await this.#client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_4__.HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
            return true;
        }
        catch (error) {
            if (isNotFound(error))
                return false;
            throw error;
        }
    }
    /**
     * Every object under the prefix, page by page (ListObjectsV2 with Prefix and the continuation token), the
     * newest LastModified winning. S3 keeps LastModified to the second: of entries saved within one second,
     * the greatest key wins.
     */
    async findLatest(prefix) {
        let newest;
        let token;
        do {
            const page = await this.#client.send(new _aws_sdk_client_s3__WEBPACK_IMPORTED_MODULE_4__.ListObjectsV2Command({
                Bucket: this.#bucket,
                Prefix: this.#key(prefix, ''),
                ...(token ? { ContinuationToken: token } : {}),
            }));
            for (const object of page.Contents ?? []) {
                if (!object.Key?.endsWith(this.#suffix))
                    continue;
                const key = object.Key.slice(this.#prefix.length, -this.#suffix.length);
                const modified = object.LastModified?.getTime() ?? 0;
                if (!newest || modified > newest.modified || (modified === newest.modified && key > newest.key))
                    newest = { key, modified };
            }
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return newest?.key;
    }
    keyProblem(key) {
        return (0,_cache_store_js__WEBPACK_IMPORTED_MODULE_3__/* .keyLengthProblem */ .U)(key, MAX_OBJECT_KEY_BYTES - Buffer.byteLength(this.#prefix) - this.#suffix.length, 'bytes', this.description);
    }
    #key(key, suffix = this.#suffix) {
        return `${this.#prefix}${key}${suffix}`;
    }
}
function isNotFound(error) {
    const e = error;
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}


/***/ })

};
