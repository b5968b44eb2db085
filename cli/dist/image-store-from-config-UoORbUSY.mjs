import { a as __toCommonJS, i as __require, t as __commonJSMin } from "./rolldown-runtime-C-QR9u70.mjs";
import { a as isBlobName, s as parseBlobName } from "./image-reference-t7zZk7rK.mjs";
import { n as sha256OfFile, r as ImageChecksumError, t as downloadVerified } from "./verified-download-D4Tnk3pv.mjs";
import { n as init_protocols, r as protocols_exports, t as require_dist_cjs$1 } from "./dist-cjs-Bm4QLoek.mjs";
import { it as init_endpoints, nt as endpoints_exports } from "./event-streams-Dg-dAOB2.mjs";
import { t as StoreImageResolver } from "./store-image-resolver-DclKz7_R.mjs";
import { t as s3ClientFromConfig } from "./s3-client-DfhHroiy.mjs";
import __ironbotsPath from "node:path";
import { createReadStream, createWriteStream } from "node:fs";
import os from "node:os";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { pipeline as pipeline$1 } from "node:stream/promises";
// runner-agent/src/images/filesystem-image-store.ts
var FilesystemImageStore = class {
	dir;
	description;
	constructor(options) {
		this.dir = __ironbotsPath.resolve(options.dir);
		this.description = this.dir;
	}
	async list() {
		const names = await readdir(this.dir).catch((error) => {
			if (error.code === "ENOENT") return [];
			throw error;
		});
		const images = [];
		for (const name of names.filter(isBlobName)) {
			const image = await this.stat(name);
			if (image) images.push(image);
		}
		return images.sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
	}
	async stat(blob) {
		parseBlobName(blob);
		const s = await stat(__ironbotsPath.join(this.dir, blob)).catch(() => null);
		return s?.isFile() ? {
			blob,
			bytes: s.size,
			storedAt: s.mtime
		} : null;
	}
	async upload(file, blob, io = {}) {
		const { sha256 } = parseBlobName(blob);
		const source = await stat(file);
		const actual = await sha256OfFile(file, io.signal);
		if (actual !== sha256) throw new ImageChecksumError(file, sha256, actual, "not uploaded");
		const existing = await this.stat(blob);
		if (existing && existing.bytes === source.size) return existing;
		await mkdir(this.dir, { recursive: true });
		const temporary = __ironbotsPath.join(this.dir, `.${blob}.uploading-${randomBytes(4).toString("hex")}`);
		let done = 0;
		const counting = new Transform({ transform(chunk, _encoding, callback) {
			done += chunk.length;
			io.progress?.(done, source.size);
			callback(null, chunk);
		} });
		try {
			await pipeline$1(createReadStream(file), counting, createWriteStream(temporary, { flags: "wx" }), { ...io.signal ? { signal: io.signal } : {} });
			await rename(temporary, __ironbotsPath.join(this.dir, blob));
		} catch (error) {
			await rm(temporary, { force: true });
			throw new Error(`cannot store ${blob} in ${this.dir}: ${error.message}`, { cause: error });
		}
		return await this.stat(blob);
	}
	download(blob, dest, io = {}) {
		return downloadVerified({
			size: async (b) => (await this.stat(b))?.bytes ?? null,
			read: async (b, start, signal) => createReadStream(__ironbotsPath.join(this.dir, b), {
				start,
				...signal ? { signal } : {}
			})
		}, this.description, blob, dest, io);
	}
	async remove(blob) {
		parseBlobName(blob);
		await rm(__ironbotsPath.join(this.dir, blob), { force: true });
	}
};
// node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var require_dist_cjs = /* @__PURE__ */ __commonJSMin(((exports) => {
	const { PutObjectCommand, ChecksumAlgorithm, CreateMultipartUploadCommand, AbortMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, PutObjectTaggingCommand } = require_dist_cjs$1();
	const { toEndpointV1, getEndpointFromInstructions } = (init_endpoints(), __toCommonJS(endpoints_exports));
	const { extendedEncodeURIComponent } = (init_protocols(), __toCommonJS(protocols_exports));
	const { EventEmitter } = __require("events");
	const { Buffer } = __require("buffer");
	const { statSync, ReadStream } = __require("node:fs");
	const { Readable } = __require("stream");
	const runtimeConfig = {
		statSync: () => {},
		isFileReadStream(f) {
			return false;
		},
		runtime: "node",
		statSync,
		isFileReadStream(f) {
			return f instanceof ReadStream;
		}
	};
	const byteLength = (input) => {
		if (input == null) return 0;
		if (typeof input === "string") return Buffer.byteLength(input);
		if (typeof input.byteLength === "number") return input.byteLength;
		else if (typeof input.length === "number") return input.length;
		else if (typeof input.size === "number") return input.size;
		else if (typeof input.start === "number" && typeof input.end === "number") return input.end + 1 - input.start;
		else if (runtimeConfig.isFileReadStream(input)) try {
			return runtimeConfig.statSync(input.path).size;
		} catch (error) {
			return;
		}
	};
	var BYTE_LENGTH_SOURCE;
	(function(BYTE_LENGTH_SOURCE) {
		BYTE_LENGTH_SOURCE["EMPTY_INPUT"] = "a null or undefined Body";
		BYTE_LENGTH_SOURCE["CONTENT_LENGTH"] = "the ContentLength property of the params set by the caller";
		BYTE_LENGTH_SOURCE["STRING_LENGTH"] = "the encoded byte length of the Body string";
		BYTE_LENGTH_SOURCE["TYPED_ARRAY"] = "the byteLength of a typed byte array such as Uint8Array";
		BYTE_LENGTH_SOURCE["LENGTH"] = "the value of Body.length";
		BYTE_LENGTH_SOURCE["SIZE"] = "the value of Body.size";
		BYTE_LENGTH_SOURCE["START_END_DIFF"] = "the numeric difference between Body.start and Body.end";
		BYTE_LENGTH_SOURCE["STAT"] = "the size of the file given by Body.path on disk as reported by statSync";
	})(BYTE_LENGTH_SOURCE || (BYTE_LENGTH_SOURCE = {}));
	const byteLengthSource = (input, override) => {
		if (override != null) return BYTE_LENGTH_SOURCE.CONTENT_LENGTH;
		if (input == null) return BYTE_LENGTH_SOURCE.EMPTY_INPUT;
		if (typeof input === "string") return BYTE_LENGTH_SOURCE.STRING_LENGTH;
		if (typeof input.byteLength === "number") return BYTE_LENGTH_SOURCE.TYPED_ARRAY;
		else if (typeof input.length === "number") return BYTE_LENGTH_SOURCE.LENGTH;
		else if (typeof input.size === "number") return BYTE_LENGTH_SOURCE.SIZE;
		else if (typeof input.start === "number" && typeof input.end === "number") return BYTE_LENGTH_SOURCE.START_END_DIFF;
		else if (runtimeConfig.isFileReadStream(input)) try {
			runtimeConfig.statSync(input.path).size;
			return BYTE_LENGTH_SOURCE.STAT;
		} catch (error) {
			return;
		}
	};
	async function* getChunkStream(data, partSize, getNextData) {
		let partNumber = 1;
		const currentBuffer = {
			chunks: [],
			length: 0
		};
		for await (const datum of getNextData(data)) {
			currentBuffer.chunks.push(datum);
			currentBuffer.length += datum.byteLength;
			while (currentBuffer.length > partSize) {
				const dataChunk = currentBuffer.chunks.length > 1 ? Buffer.concat(currentBuffer.chunks) : currentBuffer.chunks[0];
				yield {
					partNumber,
					data: dataChunk.subarray(0, partSize)
				};
				currentBuffer.chunks = [dataChunk.subarray(partSize)];
				currentBuffer.length = currentBuffer.chunks[0].byteLength;
				partNumber += 1;
			}
		}
		yield {
			partNumber,
			data: currentBuffer.chunks.length !== 1 ? Buffer.concat(currentBuffer.chunks) : currentBuffer.chunks[0],
			lastPart: true
		};
	}
	async function* getChunkUint8Array(data, partSize) {
		let partNumber = 1;
		let startByte = 0;
		let endByte = partSize;
		while (endByte < data.byteLength) {
			yield {
				partNumber,
				data: data.subarray(startByte, endByte)
			};
			partNumber += 1;
			startByte = endByte;
			endByte = startByte + partSize;
		}
		yield {
			partNumber,
			data: data.subarray(startByte),
			lastPart: true
		};
	}
	async function* getDataReadable(data) {
		for await (const chunk of data) if (Buffer.isBuffer(chunk) || chunk instanceof Uint8Array) yield chunk;
		else yield Buffer.from(chunk);
	}
	async function* getDataReadableStream(data) {
		const reader = data.getReader();
		try {
			while (true) {
				const { done, value } = await reader.read();
				if (done) return;
				if (Buffer.isBuffer(value) || value instanceof Uint8Array) yield value;
				else yield Buffer.from(value);
			}
		} catch (e) {
			throw e;
		} finally {
			reader.releaseLock();
		}
	}
	const getChunk = (data, partSize) => {
		if (data instanceof Uint8Array) return getChunkUint8Array(data, partSize);
		if (data instanceof Readable) return getChunkStream(data, partSize, getDataReadable);
		if (data instanceof String || typeof data === "string") return getChunkUint8Array(Buffer.from(data), partSize);
		if (typeof data.stream === "function") return getChunkStream(data.stream(), partSize, getDataReadableStream);
		if (data instanceof ReadableStream) return getChunkStream(data, partSize, getDataReadableStream);
		throw new Error("Body Data is unsupported format, expected data to be one of: string | Uint8Array | Buffer | Readable | ReadableStream | Blob;.");
	};
	exports.Upload = class Upload extends EventEmitter {
		static MIN_PART_SIZE = 5242880;
		MAX_PARTS = 1e4;
		queueSize = 4;
		partSize;
		leavePartsOnError = false;
		tags = [];
		client;
		params;
		totalBytes;
		totalBytesSource;
		bytesUploadedSoFar;
		abortController;
		concurrentUploaders = [];
		createMultiPartPromise;
		abortMultipartUploadCommand = null;
		uploadedParts = [];
		uploadEnqueuedPartsCount = 0;
		expectedPartsCount;
		uploadId;
		uploadEvent;
		isMultiPart = true;
		singleUploadResult;
		sent = false;
		constructor(options) {
			super();
			this.queueSize = options.queueSize || this.queueSize;
			this.leavePartsOnError = options.leavePartsOnError || this.leavePartsOnError;
			this.tags = options.tags || this.tags;
			this.client = options.client;
			this.params = options.params;
			if (!this.params) throw new Error(`InputError: Upload requires params to be passed to upload.`);
			this.totalBytes = this.params.ContentLength ?? byteLength(this.params.Body);
			this.totalBytesSource = byteLengthSource(this.params.Body, this.params.ContentLength);
			this.bytesUploadedSoFar = 0;
			this.abortController = options.abortController ?? new AbortController();
			this.partSize = options.partSize || Math.max(Upload.MIN_PART_SIZE, Math.ceil((this.totalBytes || 0) / this.MAX_PARTS));
			if (this.totalBytes !== void 0) this.expectedPartsCount = Math.ceil(this.totalBytes / this.partSize);
			this.__validateInput();
		}
		async abort() {
			this.abortController.abort();
		}
		async done() {
			if (this.sent) throw new Error("@aws-sdk/lib-storage: this instance of Upload has already executed .done(). Create a new instance.");
			this.sent = true;
			return await Promise.race([this.__doMultipartUpload(), this.__abortTimeout(this.abortController.signal)]);
		}
		on(event, listener) {
			this.uploadEvent = event;
			return super.on(event, listener);
		}
		async __uploadUsingPut(dataPart) {
			this.isMultiPart = false;
			const params = {
				...this.params,
				Body: dataPart.data
			};
			const clientConfig = this.client.config;
			const requestHandler = clientConfig.requestHandler;
			const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
			const uploadEventListener = (event) => {
				this.bytesUploadedSoFar = event.loaded;
				this.totalBytes = event.total;
				this.__notifyProgress({
					loaded: this.bytesUploadedSoFar,
					total: this.totalBytes,
					part: dataPart.partNumber,
					Key: this.params.Key,
					Bucket: this.params.Bucket
				});
			};
			if (eventEmitter !== null) eventEmitter.on("xhr.upload.progress", uploadEventListener);
			const resolved = await Promise.all([this.client.send(new PutObjectCommand(params)), clientConfig?.endpoint?.()]);
			const putResult = resolved[0];
			let endpoint = resolved[1];
			if (!endpoint) endpoint = toEndpointV1(await getEndpointFromInstructions(params, PutObjectCommand, { ...clientConfig }));
			if (!endpoint) throw new Error("Could not resolve endpoint from S3 \"client.config.endpoint()\" nor EndpointsV2.");
			if (eventEmitter !== null) eventEmitter.off("xhr.upload.progress", uploadEventListener);
			const locationKey = this.params.Key.split("/").map((segment) => extendedEncodeURIComponent(segment)).join("/");
			const locationBucket = extendedEncodeURIComponent(this.params.Bucket);
			const Location = (() => {
				const endpointHostnameIncludesBucket = endpoint.hostname.startsWith(`${locationBucket}.`);
				const forcePathStyle = this.client.config.forcePathStyle;
				const optionalPort = endpoint.port ? `:${endpoint.port}` : ``;
				if (forcePathStyle) return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationBucket}/${locationKey}`;
				if (endpointHostnameIncludesBucket) return `${endpoint.protocol}//${endpoint.hostname}${optionalPort}/${locationKey}`;
				return `${endpoint.protocol}//${locationBucket}.${endpoint.hostname}${optionalPort}/${locationKey}`;
			})();
			this.singleUploadResult = {
				...putResult,
				Bucket: this.params.Bucket,
				Key: this.params.Key,
				Location
			};
			const totalSize = byteLength(dataPart.data);
			this.__notifyProgress({
				loaded: totalSize,
				total: totalSize,
				part: 1,
				Key: this.params.Key,
				Bucket: this.params.Bucket
			});
		}
		async __createMultipartUpload() {
			const requestChecksumCalculation = await this.client.config.requestChecksumCalculation();
			if (!this.createMultiPartPromise) {
				const createCommandParams = {
					...this.params,
					Body: void 0
				};
				if (requestChecksumCalculation === "WHEN_SUPPORTED") createCommandParams.ChecksumAlgorithm = this.params.ChecksumAlgorithm || ChecksumAlgorithm.CRC32;
				this.createMultiPartPromise = this.client.send(new CreateMultipartUploadCommand(createCommandParams)).then((createMpuResponse) => {
					this.abortMultipartUploadCommand = new AbortMultipartUploadCommand({
						Bucket: this.params.Bucket,
						Key: this.params.Key,
						UploadId: createMpuResponse.UploadId
					});
					return createMpuResponse;
				});
			}
			return this.createMultiPartPromise;
		}
		async __doConcurrentUpload(dataFeeder) {
			for await (const dataPart of dataFeeder) {
				if (this.uploadEnqueuedPartsCount > this.MAX_PARTS) throw new Error(`Exceeded ${this.MAX_PARTS} parts in multipart upload to Bucket: ${this.params.Bucket} Key: ${this.params.Key}.`);
				if (this.abortController.signal.aborted) return;
				if (dataPart.partNumber === 1 && dataPart.lastPart) return await this.__uploadUsingPut(dataPart);
				if (!this.uploadId) {
					const { UploadId } = await this.__createMultipartUpload();
					this.uploadId = UploadId;
					if (this.abortController.signal.aborted) return;
				}
				const partSize = byteLength(dataPart.data) || 0;
				const requestHandler = this.client.config.requestHandler;
				const eventEmitter = requestHandler instanceof EventEmitter ? requestHandler : null;
				let lastSeenBytes = 0;
				const uploadEventListener = (event, request) => {
					if ((Number(request.query["partNumber"]) || -1) !== dataPart.partNumber) return;
					if (event.total && partSize) {
						this.bytesUploadedSoFar += event.loaded - lastSeenBytes;
						lastSeenBytes = event.loaded;
					}
					this.__notifyProgress({
						loaded: this.bytesUploadedSoFar,
						total: this.totalBytes,
						part: dataPart.partNumber,
						Key: this.params.Key,
						Bucket: this.params.Bucket
					});
				};
				if (eventEmitter !== null) eventEmitter.on("xhr.upload.progress", uploadEventListener);
				this.uploadEnqueuedPartsCount += 1;
				this.__validateUploadPart(dataPart);
				const partResult = await this.client.send(new UploadPartCommand({
					...this.params,
					ContentLength: void 0,
					UploadId: this.uploadId,
					Body: dataPart.data,
					PartNumber: dataPart.partNumber
				}));
				if (eventEmitter !== null) eventEmitter.off("xhr.upload.progress", uploadEventListener);
				if (this.abortController.signal.aborted) return;
				if (!partResult.ETag) throw new Error(`Part ${dataPart.partNumber} is missing ETag in UploadPart response. Missing Bucket CORS configuration for ETag header?`);
				this.uploadedParts.push({
					PartNumber: dataPart.partNumber,
					ETag: partResult.ETag,
					...partResult.ChecksumCRC32 && { ChecksumCRC32: partResult.ChecksumCRC32 },
					...partResult.ChecksumCRC32C && { ChecksumCRC32C: partResult.ChecksumCRC32C },
					...partResult.ChecksumCRC64NVME && { ChecksumCRC64NVME: partResult.ChecksumCRC64NVME },
					...partResult.ChecksumSHA1 && { ChecksumSHA1: partResult.ChecksumSHA1 },
					...partResult.ChecksumSHA256 && { ChecksumSHA256: partResult.ChecksumSHA256 }
				});
				if (eventEmitter === null) this.bytesUploadedSoFar += partSize;
				this.__notifyProgress({
					loaded: this.bytesUploadedSoFar,
					total: this.totalBytes,
					part: dataPart.partNumber,
					Key: this.params.Key,
					Bucket: this.params.Bucket
				});
			}
		}
		async __doMultipartUpload() {
			const dataFeeder = getChunk(this.params.Body, this.partSize);
			const concurrentUploaderFailures = [];
			for (let index = 0; index < this.queueSize; index++) {
				const currentUpload = this.__doConcurrentUpload(dataFeeder).catch((err) => {
					concurrentUploaderFailures.push(err);
				});
				this.concurrentUploaders.push(currentUpload);
			}
			await Promise.all(this.concurrentUploaders);
			if (concurrentUploaderFailures.length >= 1) {
				await this.markUploadAsAborted();
				throw concurrentUploaderFailures[0];
			}
			if (this.abortController.signal.aborted) {
				await this.markUploadAsAborted();
				throw Object.assign(/* @__PURE__ */ new Error("Upload aborted."), { name: "AbortError" });
			}
			let result;
			if (this.isMultiPart) {
				const { expectedPartsCount, uploadedParts, totalBytes, totalBytesSource } = this;
				if (totalBytes !== void 0 && expectedPartsCount !== void 0 && uploadedParts.length !== expectedPartsCount) {
					await this.markUploadAsAborted();
					throw new Error(`Expected ${expectedPartsCount} part(s) but uploaded ${uploadedParts.length} part(s).
The expected part count is based on the byte-count of the input.params.Body,
which was read from ${totalBytesSource} and is ${totalBytes}.
If this is not correct, provide an override value by setting a number
to input.params.ContentLength in bytes.
`);
				}
				this.uploadedParts.sort((a, b) => a.PartNumber - b.PartNumber);
				const uploadCompleteParams = {
					...this.params,
					Body: void 0,
					UploadId: this.uploadId,
					MultipartUpload: { Parts: this.uploadedParts }
				};
				try {
					result = await this.client.send(new CompleteMultipartUploadCommand(uploadCompleteParams));
				} catch (e) {
					await this.markUploadAsAborted().catch((abortError) => {
						if (e instanceof Error && e.cause === void 0) e.cause = abortError;
					});
					throw e;
				}
				if (typeof result?.Location === "string" && result.Location.includes("%2F")) result.Location = result.Location.replace(/%2F/g, "/");
			} else result = this.singleUploadResult;
			this.abortMultipartUploadCommand = null;
			if (this.tags.length) await this.client.send(new PutObjectTaggingCommand({
				...this.params,
				Tagging: { TagSet: this.tags }
			}));
			return result;
		}
		async markUploadAsAborted() {
			if (this.uploadId && !this.leavePartsOnError && null !== this.abortMultipartUploadCommand) {
				await this.client.send(this.abortMultipartUploadCommand);
				this.abortMultipartUploadCommand = null;
			}
		}
		__notifyProgress(progress) {
			if (this.uploadEvent) this.emit(this.uploadEvent, progress);
		}
		async __abortTimeout(abortSignal) {
			return new Promise((resolve, reject) => {
				abortSignal.onabort = () => {
					const abortError = /* @__PURE__ */ new Error("Upload aborted.");
					abortError.name = "AbortError";
					reject(abortError);
				};
			});
		}
		__validateUploadPart(dataPart) {
			const actualPartSize = byteLength(dataPart.data);
			if (actualPartSize === void 0) throw new Error(`A dataPart was generated without a measurable data chunk size for part number ${dataPart.partNumber}`);
			if (dataPart.partNumber === 1 && dataPart.lastPart) return;
			if (!dataPart.lastPart && actualPartSize !== this.partSize) throw new Error(`The byte size for part number ${dataPart.partNumber}, size ${actualPartSize} does not match expected size ${this.partSize}`);
		}
		__validateInput() {
			if (!this.client) throw new Error(`InputError: Upload requires a AWS client to do uploads with.`);
			if (this.partSize < Upload.MIN_PART_SIZE) throw new Error(`EntityTooSmall: Your proposed upload part size [${this.partSize}] is smaller than the minimum allowed size [${Upload.MIN_PART_SIZE}] (5MB)`);
			if (this.queueSize < 1) throw new Error(`Queue size: Must have at least one uploading queue.`);
		}
	};
}));
// runner-agent/src/images/s3-image-store.ts
var import_dist_cjs = require_dist_cjs$1();
var import_dist_cjs$1 = require_dist_cjs();
const MiB = 1048576;
var S3ImageStore = class {
	description;
	#client;
	#bucket;
	#prefix;
	#partBytes;
	constructor(options) {
		this.#client = options.client;
		this.#bucket = options.bucket;
		this.#prefix = options.prefix ?? "images/";
		this.#partBytes = options.partBytes ?? 16 * MiB;
		if (!(this.#partBytes >= 5 * MiB)) throw new RangeError("partBytes must be at least 5 MiB");
		this.description = `s3://${this.#bucket}/${this.#prefix}`;
	}
	async list() {
		const objects = [];
		for await (const page of (0, import_dist_cjs.paginateListObjectsV2)({ client: this.#client }, {
			Bucket: this.#bucket,
			Prefix: this.#prefix
		})) objects.push(...page.Contents ?? []);
		return objects.map((o) => ({
			blob: o.Key.slice(this.#prefix.length),
			bytes: o.Size ?? 0,
			storedAt: o.LastModified ?? /* @__PURE__ */ new Date(0)
		})).filter((o) => isBlobName(o.blob)).sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
	}
	async stat(blob) {
		parseBlobName(blob);
		try {
			const head = await this.#client.send(new import_dist_cjs.HeadObjectCommand({
				Bucket: this.#bucket,
				Key: this.#key(blob)
			}));
			return {
				blob,
				bytes: head.ContentLength ?? 0,
				storedAt: head.LastModified ?? /* @__PURE__ */ new Date(0)
			};
		} catch (error) {
			if (isNotFound(error)) return null;
			throw error;
		}
	}
	async upload(file, blob, io = {}) {
		const { sha256 } = parseBlobName(blob);
		const { size } = await stat(file);
		const actual = await sha256OfFile(file, io.signal);
		if (actual !== sha256) throw new ImageChecksumError(file, sha256, actual, "not uploaded");
		const existing = await this.stat(blob);
		if (existing && existing.bytes === size) return existing;
		const upload = new import_dist_cjs$1.Upload({
			client: this.#client,
			params: {
				Bucket: this.#bucket,
				Key: this.#key(blob),
				Body: createReadStream(file),
				ContentType: "application/x-qemu-disk",
				Metadata: { sha256 }
			},
			partSize: this.#partBytes,
			queueSize: 2,
			leavePartsOnError: false,
			...io.signal ? { abortController: abortControllerFor(io.signal) } : {}
		});
		upload.on("httpUploadProgress", (p) => io.progress?.(p.loaded ?? 0, size));
		await upload.done();
		return await this.stat(blob) ?? {
			blob,
			bytes: size,
			storedAt: /* @__PURE__ */ new Date()
		};
	}
	download(blob, dest, io = {}) {
		return downloadVerified({
			size: async (b) => (await this.stat(b))?.bytes ?? null,
			read: async (b, start, signal) => {
				return (await this.#client.send(new import_dist_cjs.GetObjectCommand({
					Bucket: this.#bucket,
					Key: this.#key(b),
					Range: `bytes=${start}-`
				}), signal ? { abortSignal: signal } : {})).Body;
			}
		}, this.description, blob, dest, io);
	}
	async remove(blob) {
		parseBlobName(blob);
		await this.#client.send(new import_dist_cjs.DeleteObjectCommand({
			Bucket: this.#bucket,
			Key: this.#key(blob)
		}));
	}
	#key(blob) {
		return `${this.#prefix}${blob}`;
	}
};
function isNotFound(error) {
	const e = error;
	return e.name === "NotFound" || e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404;
}
function abortControllerFor(signal) {
	const controller = new AbortController();
	if (signal.aborted) controller.abort(signal.reason);
	else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
	return controller;
}
// runner-agent/src/images/image-store-from-config.ts
function imageStoreFromConfig(config) {
	const stateDir = config.stateDir.replace(/^~(?=\/)/, os.homedir());
	const images = config.images;
	const cacheDir = images.cacheDir ?? __ironbotsPath.join(stateDir, "image-cache");
	if (images.kind === "filesystem") return {
		store: new FilesystemImageStore({ dir: images.dir ?? __ironbotsPath.join(stateDir, "images") }),
		cacheDir
	};
	return {
		store: new S3ImageStore({
			client: s3ClientFromConfig(images),
			bucket: images.bucket,
			prefix: images.prefix
		}),
		cacheDir
	};
}
function imageResolverFromConfig(config) {
	return new StoreImageResolver(imageStoreFromConfig(config));
}
export { imageResolverFromConfig, imageStoreFromConfig };
