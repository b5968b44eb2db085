import { n as sendError } from "./bearer-token-DAbVvKlp.mjs";
// core/http/body.ts
var BodyTooLargeError = class extends Error {
	constructor(limit) {
		super(`request body is larger than ${limit} bytes`);
		this.name = "BodyTooLargeError";
	}
};
var BodyBudgetExhaustedError = class extends Error {
	constructor(budget) {
		super(`more than ${budget} bytes of request bodies are being received; retry later`);
		this.name = "BodyBudgetExhaustedError";
	}
};
var BodyIdleTimeoutError = class extends Error {
	constructor(idleMs) {
		super(`no body bytes for ${idleMs} ms`);
		this.name = "BodyIdleTimeoutError";
	}
};
var ByteBudget = class {
	limit;
	#held = 0;
	constructor(limit) {
		this.limit = limit;
	}
	get held() {
		return this.#held;
	}
	tryReserve(bytes) {
		if (this.#held + bytes > this.limit) return false;
		this.#held += bytes;
		return true;
	}
	release(bytes) {
		this.#held = Math.max(0, this.#held - bytes);
	}
};
async function readBody(req, limit) {
	const { body } = await readBodyWithin(req, limit);
	return body;
}
async function readBodyWithin(req, limit, options = {}) {
	const { budget } = options;
	const declared = Number(req.headers["content-length"]);
	const hasDeclared = req.headers["content-length"] !== void 0 && Number.isFinite(declared);
	if (hasDeclared && declared > limit) throw new BodyTooLargeError(limit);
	let reserved = 0;
	const reserve = (bytes) => {
		if (!budget) return;
		if (!budget.tryReserve(bytes)) throw new BodyBudgetExhaustedError(budget.limit);
		reserved += bytes;
	};
	let released = false;
	const release = () => {
		if (released) return;
		released = true;
		budget?.release(reserved);
	};
	if (hasDeclared) reserve(declared);
	let idleTimer;
	let idleError;
	const armIdleTimer = () => {
		if (options.idleTimeoutMs === void 0) return;
		if (idleTimer) idleTimer.refresh();
		else idleTimer = setTimeout(() => {
			idleError = new BodyIdleTimeoutError(options.idleTimeoutMs);
			req.destroy(idleError);
		}, options.idleTimeoutMs);
	};
	const chunks = [];
	let size = 0;
	try {
		armIdleTimer();
		for await (const chunk of req) {
			armIdleTimer();
			size += chunk.length;
			if (size > limit) throw new BodyTooLargeError(limit);
			if (size > reserved) reserve(size - reserved);
			options.onChunk?.(chunk);
			chunks.push(chunk);
		}
	} catch (error) {
		release();
		throw idleError ?? error;
	} finally {
		clearTimeout(idleTimer);
	}
	return {
		body: Buffer.concat(chunks, size),
		release
	};
}
function isClientGone(error, req) {
	const code = error?.code;
	return error instanceof BodyIdleTimeoutError || code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || req.destroyed && error?.message === "aborted";
}
// core/http/http-server.ts
const http = process.getBuiltinModule("node:http");
const DEFAULT_REQUEST_TIMEOUTS = {
	headersMs: 15e3,
	requestMs: 6e4,
	checkIntervalMs: 1e3
};
async function startHttpServer(options) {
	const { routes, logger } = options;
	const timeouts = {
		...DEFAULT_REQUEST_TIMEOUTS,
		...options.timeouts
	};
	const serverOptions = {
		headersTimeout: timeouts.headersMs,
		requestTimeout: timeouts.requestMs,
		connectionsCheckingInterval: timeouts.checkIntervalMs
	};
	const server = http.createServer(serverOptions, (req, res) => {
		const url = new URL(req.url ?? "/", "http://localhost");
		(async () => {
			for (const route of routes) if (await route(req, res, url)) return;
			req.resume();
			sendError(res, 404, `no such endpoint: ${req.method} ${url.pathname}`);
		})().catch((error) => {
			if (isClientGone(error, req)) {
				logger.debug({
					err: error,
					method: req.method,
					path: url.pathname
				}, "client went away");
				res.destroy();
				return;
			}
			logger.error({
				err: error,
				method: req.method,
				path: url.pathname
			}, "request failed");
			if (!res.headersSent) sendError(res, 500, "internal error");
			else res.destroy();
		});
	});
	server.keepAliveTimeout = 5e3;
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
	});
	const address = server.address();
	return {
		url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
		server,
		close: () => new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		})
	};
}
function exactRoute(method, pathname, handler) {
	return async (req, res, url) => {
		if (url.pathname !== pathname) return false;
		if (req.method !== method) {
			req.resume();
			sendError(res, 405, `${pathname} takes ${method}`, { allow: method });
			return true;
		}
		await handler(req, res);
		return true;
	};
}
export { ByteBudget as a, readBodyWithin as c, BodyTooLargeError as i, startHttpServer as n, isClientGone as o, BodyBudgetExhaustedError as r, readBody as s, exactRoute as t };
