import { createHash, timingSafeEqual } from "node:crypto";
// core/http/responses.ts
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json; charset=utf-8",
		...headers
	});
	res.end(text);
}
function sendError(res, status, error, headers = {}) {
	sendJson(res, status, { error }, headers);
}
// core/http/bearer-token.ts
function bearerTokenCheck(tokens) {
	const digests = tokens.map(digest);
	return (req) => {
		const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
		if (!match) return false;
		const presented = digest(match[1]);
		return digests.reduce((ok, d) => timingSafeEqual(d, presented) || ok, false);
	};
}
function digest(token) {
	return createHash("sha256").update(token).digest();
}
export { sendError as n, sendJson as r, bearerTokenCheck as t };
