import { n as sendError, t as bearerTokenCheck } from "./bearer-token-DAbVvKlp.mjs";
// runner-agent/src/observability/metrics-recorder.ts
async function openMetricsRecorder(access, options) {
	if (!access.public && access.tokens.length === 0) return unreadableMetrics;
	const { Metrics } = await import("./metrics-CNAICN3U.mjs");
	return new Metrics(options);
}
function metricsRoute(access, render) {
	const hasToken = bearerTokenCheck(access.tokens);
	return {
		paths: ["/metrics"],
		async handle(req, res) {
			req.resume();
			if (req.method !== "GET") return sendError(res, 405, "metrics are read with GET", { allow: "GET" });
			if (!access.public && !hasToken(req)) return sendError(res, 401, "missing or invalid bearer token (metrics.tokens, or set metrics.public)", { "www-authenticate": "Bearer" });
			const { contentType, body } = await render();
			res.writeHead(200, { "content-type": contentType });
			res.end(body);
		}
	};
}
const unreadableMetrics = {
	observeAgent: () => void 0,
	observeDelivery: () => void 0,
	observeRunner: () => void 0,
	route: (access) => metricsRoute(access, () => Promise.reject(/* @__PURE__ */ new Error("metrics are not recorded without a reader")))
};
export { openMetricsRecorder as n, metricsRoute as t };
