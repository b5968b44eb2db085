import { o as __toESM } from "./rolldown-runtime-C-QR9u70.mjs";
import { c as RequestError, i as legacyRestEndpointMethods, l as getUserAgent, n as require_light, o as Octokit$1, r as paginateRest, s as request, t as retry } from "./dist-bundle-D7qIIhfs.mjs";
import { r as truncateDescription, t as ForgeError } from "./forge-CSA4ojXu.mjs";
import { createPrivateKey, subtle } from "node:crypto";
// node_modules/@octokit/oauth-methods/dist-bundle/index.js
function requestToOAuthBaseUrl(request) {
	const endpointDefaults = request.endpoint.DEFAULTS;
	if (/^https:\/\/(api\.)?github\.com$/.test(endpointDefaults.baseUrl)) return "https://github.com";
	if (/^https:\/\/api\..*\.ghe\.com$/.test(endpointDefaults.baseUrl)) return endpointDefaults.baseUrl.replace("api.", "");
	return endpointDefaults.baseUrl.replace("/api/v3", "");
}
async function oauthRequest(request, route, parameters) {
	const withOAuthParameters = {
		baseUrl: requestToOAuthBaseUrl(request),
		headers: { accept: "application/json" },
		...parameters
	};
	const response = await request(route, withOAuthParameters);
	if ("error" in response.data) {
		const error = new RequestError(`${response.data.error_description} (${response.data.error}, ${response.data.error_uri})`, 400, { request: request.endpoint.merge(route, withOAuthParameters) });
		error.response = response;
		throw error;
	}
	return response;
}
async function exchangeWebFlowCode(options) {
	const response = await oauthRequest(options.request || request, "POST /login/oauth/access_token", {
		client_id: options.clientId,
		client_secret: options.clientSecret,
		code: options.code,
		redirect_uri: options.redirectUrl
	});
	const authentication = {
		clientType: options.clientType,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		token: response.data.access_token,
		scopes: response.data.scope.split(/\s+/).filter(Boolean)
	};
	if (options.clientType === "github-app") {
		if ("refresh_token" in response.data) {
			const apiTimeInMs = new Date(response.headers.date).getTime();
			authentication.refreshToken = response.data.refresh_token, authentication.expiresAt = toTimestamp(apiTimeInMs, response.data.expires_in), authentication.refreshTokenExpiresAt = toTimestamp(apiTimeInMs, response.data.refresh_token_expires_in);
		}
		delete authentication.scopes;
	}
	return {
		...response,
		authentication
	};
}
function toTimestamp(apiTimeInMs, expirationInSeconds) {
	return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}
async function createDeviceCode(options) {
	const request$5 = options.request || request;
	const parameters = { client_id: options.clientId };
	if ("scopes" in options && Array.isArray(options.scopes)) parameters.scope = options.scopes.join(" ");
	return oauthRequest(request$5, "POST /login/device/code", parameters);
}
async function exchangeDeviceCode(options) {
	const response = await oauthRequest(options.request || request, "POST /login/oauth/access_token", {
		client_id: options.clientId,
		device_code: options.code,
		grant_type: "urn:ietf:params:oauth:grant-type:device_code"
	});
	const authentication = {
		clientType: options.clientType,
		clientId: options.clientId,
		token: response.data.access_token,
		scopes: response.data.scope.split(/\s+/).filter(Boolean)
	};
	if ("clientSecret" in options) authentication.clientSecret = options.clientSecret;
	if (options.clientType === "github-app") {
		if ("refresh_token" in response.data) {
			const apiTimeInMs = new Date(response.headers.date).getTime();
			authentication.refreshToken = response.data.refresh_token, authentication.expiresAt = toTimestamp2(apiTimeInMs, response.data.expires_in), authentication.refreshTokenExpiresAt = toTimestamp2(apiTimeInMs, response.data.refresh_token_expires_in);
		}
		delete authentication.scopes;
	}
	return {
		...response,
		authentication
	};
}
function toTimestamp2(apiTimeInMs, expirationInSeconds) {
	return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}
async function checkToken(options) {
	const response = await (options.request || request)("POST /applications/{client_id}/token", {
		headers: { authorization: `basic ${btoa(`${options.clientId}:${options.clientSecret}`)}` },
		client_id: options.clientId,
		access_token: options.token
	});
	const authentication = {
		clientType: options.clientType,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		token: options.token,
		scopes: response.data.scopes
	};
	if (response.data.expires_at) authentication.expiresAt = response.data.expires_at;
	if (options.clientType === "github-app") delete authentication.scopes;
	return {
		...response,
		authentication
	};
}
async function refreshToken(options) {
	const response = await oauthRequest(options.request || request, "POST /login/oauth/access_token", {
		client_id: options.clientId,
		client_secret: options.clientSecret,
		grant_type: "refresh_token",
		refresh_token: options.refreshToken
	});
	const apiTimeInMs = new Date(response.headers.date).getTime();
	const authentication = {
		clientType: "github-app",
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		token: response.data.access_token,
		refreshToken: response.data.refresh_token,
		expiresAt: toTimestamp3(apiTimeInMs, response.data.expires_in),
		refreshTokenExpiresAt: toTimestamp3(apiTimeInMs, response.data.refresh_token_expires_in)
	};
	return {
		...response,
		authentication
	};
}
function toTimestamp3(apiTimeInMs, expirationInSeconds) {
	return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}
async function resetToken(options) {
	const response = await (options.request || request)("PATCH /applications/{client_id}/token", {
		headers: { authorization: `basic ${btoa(`${options.clientId}:${options.clientSecret}`)}` },
		client_id: options.clientId,
		access_token: options.token
	});
	const authentication = {
		clientType: options.clientType,
		clientId: options.clientId,
		clientSecret: options.clientSecret,
		token: response.data.token,
		scopes: response.data.scopes
	};
	if (response.data.expires_at) authentication.expiresAt = response.data.expires_at;
	if (options.clientType === "github-app") delete authentication.scopes;
	return {
		...response,
		authentication
	};
}
async function deleteToken(options) {
	return (options.request || request)("DELETE /applications/{client_id}/token", {
		headers: { authorization: `basic ${btoa(`${options.clientId}:${options.clientSecret}`)}` },
		client_id: options.clientId,
		access_token: options.token
	});
}
async function deleteAuthorization(options) {
	return (options.request || request)("DELETE /applications/{client_id}/grant", {
		headers: { authorization: `basic ${btoa(`${options.clientId}:${options.clientSecret}`)}` },
		client_id: options.clientId,
		access_token: options.token
	});
}
/* v8 ignore next: we always pass a custom request in tests -- @preserve */
// node_modules/@octokit/auth-oauth-device/dist-bundle/index.js
async function getOAuthAccessToken(state, options) {
	const cachedAuthentication = getCachedAuthentication(state, options.auth);
	if (cachedAuthentication) return cachedAuthentication;
	const { data: verification } = await createDeviceCode({
		clientType: state.clientType,
		clientId: state.clientId,
		request: options.request || state.request,
		scopes: options.auth.scopes || state.scopes
	});
	await state.onVerification(verification);
	const authentication = await waitForAccessToken(options.request || state.request, state.clientId, state.clientType, verification);
	state.authentication = authentication;
	return authentication;
}
function getCachedAuthentication(state, auth2) {
	if (auth2.refresh === true) return false;
	if (!state.authentication) return false;
	if (state.clientType === "github-app") return state.authentication;
	const authentication = state.authentication;
	return ("scopes" in auth2 && auth2.scopes || state.scopes).join(" ") === authentication.scopes.join(" ") ? authentication : false;
}
async function wait(seconds) {
	await new Promise((resolve) => setTimeout(resolve, seconds * 1e3));
}
async function waitForAccessToken(request, clientId, clientType, verification) {
	try {
		const options = {
			clientId,
			request,
			code: verification.device_code
		};
		const { authentication } = clientType === "oauth-app" ? await exchangeDeviceCode({
			...options,
			clientType: "oauth-app"
		}) : await exchangeDeviceCode({
			...options,
			clientType: "github-app"
		});
		return {
			type: "token",
			tokenType: "oauth",
			...authentication
		};
	} catch (error) {
		if (!error.response) throw error;
		const errorType = error.response.data.error;
		if (errorType === "authorization_pending") {
			await wait(verification.interval);
			return waitForAccessToken(request, clientId, clientType, verification);
		}
		if (errorType === "slow_down") {
			await wait(verification.interval + 7);
			return waitForAccessToken(request, clientId, clientType, verification);
		}
		throw error;
	}
}
async function auth$3(state, authOptions) {
	return getOAuthAccessToken(state, { auth: authOptions });
}
async function hook$3(state, request, route, parameters) {
	let endpoint = request.endpoint.merge(route, parameters);
	if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) return request(endpoint);
	const { token } = await getOAuthAccessToken(state, {
		request,
		auth: { type: "oauth" }
	});
	endpoint.headers.authorization = `token ${token}`;
	return request(endpoint);
}
var VERSION$6 = "0.0.0-development";
function createOAuthDeviceAuth(options) {
	const requestWithDefaults = options.request || request.defaults({ headers: { "user-agent": `octokit-auth-oauth-device.js/${VERSION$6} ${getUserAgent()}` } });
	const { request: request$3 = requestWithDefaults, ...otherOptions } = options;
	const state = options.clientType === "github-app" ? {
		...otherOptions,
		clientType: "github-app",
		request: request$3
	} : {
		...otherOptions,
		clientType: "oauth-app",
		request: request$3,
		scopes: options.scopes || []
	};
	if (!options.clientId) throw new Error("[@octokit/auth-oauth-device] \"clientId\" option must be set (https://github.com/octokit/auth-oauth-device.js#usage)");
	if (!options.onVerification) throw new Error("[@octokit/auth-oauth-device] \"onVerification\" option must be a function (https://github.com/octokit/auth-oauth-device.js#usage)");
	return Object.assign(auth$3.bind(null, state), { hook: hook$3.bind(null, state) });
}
/* v8 ignore next 2 -- @preserve */
// node_modules/@octokit/auth-oauth-user/dist-bundle/index.js
var VERSION$5 = "0.0.0-development";
async function getAuthentication(state) {
	if ("code" in state.strategyOptions) {
		const { authentication } = await exchangeWebFlowCode({
			clientId: state.clientId,
			clientSecret: state.clientSecret,
			clientType: state.clientType,
			onTokenCreated: state.onTokenCreated,
			...state.strategyOptions,
			request: state.request
		});
		return {
			type: "token",
			tokenType: "oauth",
			...authentication
		};
	}
	if ("onVerification" in state.strategyOptions) {
		const authentication = await createOAuthDeviceAuth({
			clientType: state.clientType,
			clientId: state.clientId,
			onTokenCreated: state.onTokenCreated,
			...state.strategyOptions,
			request: state.request
		})({ type: "oauth" });
		return {
			clientSecret: state.clientSecret,
			...authentication
		};
	}
	if ("token" in state.strategyOptions) return {
		type: "token",
		tokenType: "oauth",
		clientId: state.clientId,
		clientSecret: state.clientSecret,
		clientType: state.clientType,
		onTokenCreated: state.onTokenCreated,
		...state.strategyOptions
	};
	throw new Error("[@octokit/auth-oauth-user] Invalid strategy options");
}
async function auth$2(state, options = {}) {
	if (!state.authentication) state.authentication = state.clientType === "oauth-app" ? await getAuthentication(state) : await getAuthentication(state);
	if (state.authentication.invalid) throw new Error("[@octokit/auth-oauth-user] Token is invalid");
	const currentAuthentication = state.authentication;
	if ("expiresAt" in currentAuthentication) {
		if (options.type === "refresh" || new Date(currentAuthentication.expiresAt) < /* @__PURE__ */ new Date()) {
			const { authentication } = await refreshToken({
				clientType: "github-app",
				clientId: state.clientId,
				clientSecret: state.clientSecret,
				refreshToken: currentAuthentication.refreshToken,
				request: state.request
			});
			state.authentication = {
				tokenType: "oauth",
				type: "token",
				...authentication
			};
		}
	}
	if (options.type === "refresh") {
		if (state.clientType === "oauth-app") throw new Error("[@octokit/auth-oauth-user] OAuth Apps do not support expiring tokens");
		if (!currentAuthentication.hasOwnProperty("expiresAt")) throw new Error("[@octokit/auth-oauth-user] Refresh token missing");
		await state.onTokenCreated?.(state.authentication, { type: options.type });
	}
	if (options.type === "check" || options.type === "reset") {
		const method = options.type === "check" ? checkToken : resetToken;
		try {
			const { authentication } = await method({
				clientType: state.clientType,
				clientId: state.clientId,
				clientSecret: state.clientSecret,
				token: state.authentication.token,
				request: state.request
			});
			state.authentication = {
				tokenType: "oauth",
				type: "token",
				...authentication
			};
			if (options.type === "reset") await state.onTokenCreated?.(state.authentication, { type: options.type });
			return state.authentication;
		} catch (error) {
			if (error.status === 404) {
				error.message = "[@octokit/auth-oauth-user] Token is invalid";
				state.authentication.invalid = true;
			}
			throw error;
		}
	}
	if (options.type === "delete" || options.type === "deleteAuthorization") {
		const method = options.type === "delete" ? deleteToken : deleteAuthorization;
		try {
			await method({
				clientType: state.clientType,
				clientId: state.clientId,
				clientSecret: state.clientSecret,
				token: state.authentication.token,
				request: state.request
			});
		} catch (error) {
			if (error.status !== 404) throw error;
		}
		state.authentication.invalid = true;
		return state.authentication;
	}
	return state.authentication;
}
var ROUTES_REQUIRING_BASIC_AUTH = /\/applications\/[^/]+\/(token|grant)s?/;
function requiresBasicAuth(url) {
	return url && ROUTES_REQUIRING_BASIC_AUTH.test(url);
}
async function hook$2(state, request, route, parameters = {}) {
	const endpoint = request.endpoint.merge(route, parameters);
	if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) return request(endpoint);
	if (requiresBasicAuth(endpoint.url)) {
		const credentials = btoa(`${state.clientId}:${state.clientSecret}`);
		endpoint.headers.authorization = `basic ${credentials}`;
		return request(endpoint);
	}
	const { token } = state.clientType === "oauth-app" ? await auth$2({
		...state,
		request
	}) : await auth$2({
		...state,
		request
	});
	endpoint.headers.authorization = "token " + token;
	return request(endpoint);
}
function createOAuthUserAuth({ clientId, clientSecret, clientType = "oauth-app", request: request$2 = request.defaults({ headers: { "user-agent": `octokit-auth-oauth-app.js/${VERSION$5} ${getUserAgent()}` } }), onTokenCreated, ...strategyOptions }) {
	const state = Object.assign({
		clientType,
		clientId,
		clientSecret,
		onTokenCreated,
		strategyOptions,
		request: request$2
	});
	return Object.assign(auth$2.bind(null, state), { hook: hook$2.bind(null, state) });
}
createOAuthUserAuth.VERSION = VERSION$5;
/* v8 ignore if -- @preserve */
/* v8 ignore next -- @preserve */
// node_modules/@octokit/auth-oauth-app/dist-bundle/index.js
async function auth$1(state, authOptions) {
	if (authOptions.type === "oauth-app") return {
		type: "oauth-app",
		clientId: state.clientId,
		clientSecret: state.clientSecret,
		clientType: state.clientType,
		headers: { authorization: `basic ${btoa(`${state.clientId}:${state.clientSecret}`)}` }
	};
	if ("factory" in authOptions) {
		const { type, ...options } = {
			...authOptions,
			...state
		};
		return authOptions.factory(options);
	}
	const common = {
		clientId: state.clientId,
		clientSecret: state.clientSecret,
		request: state.request,
		...authOptions
	};
	return (state.clientType === "oauth-app" ? await createOAuthUserAuth({
		...common,
		clientType: state.clientType
	}) : await createOAuthUserAuth({
		...common,
		clientType: state.clientType
	}))();
}
async function hook$1(state, request2, route, parameters) {
	let endpoint = request2.endpoint.merge(route, parameters);
	if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) return request2(endpoint);
	if (state.clientType === "github-app" && !requiresBasicAuth(endpoint.url)) throw new Error(`[@octokit/auth-oauth-app] GitHub Apps cannot use their client ID/secret for basic authentication for endpoints other than "/applications/{client_id}/**". "${endpoint.method} ${endpoint.url}" is not supported.`);
	const credentials = btoa(`${state.clientId}:${state.clientSecret}`);
	endpoint.headers.authorization = `basic ${credentials}`;
	try {
		return await request2(endpoint);
	} catch (error) {
		if (error.status !== 401) throw error;
		error.message = `[@octokit/auth-oauth-app] "${endpoint.method} ${endpoint.url}" does not support clientId/clientSecret basic authentication.`;
		throw error;
	}
}
var VERSION$4 = "0.0.0-development";
function createOAuthAppAuth(options) {
	const state = Object.assign({
		request: request.defaults({ headers: { "user-agent": `octokit-auth-oauth-app.js/${VERSION$4} ${getUserAgent()}` } }),
		clientType: "oauth-app"
	}, options);
	return Object.assign(auth$1.bind(null, state), { hook: hook$1.bind(null, state) });
}
/* v8 ignore next -- @preserve */
// node_modules/universal-github-app-jwt/lib/utils.js
function isPkcs1(privateKey) {
	return privateKey.includes("-----BEGIN RSA PRIVATE KEY-----");
}
function isOpenSsh(privateKey) {
	return privateKey.includes("-----BEGIN OPENSSH PRIVATE KEY-----");
}
function string2ArrayBuffer(str) {
	const buf = new ArrayBuffer(str.length);
	const bufView = new Uint8Array(buf);
	for (let i = 0, strLen = str.length; i < strLen; i++) bufView[i] = str.charCodeAt(i);
	return buf;
}
function getDERfromPEM(pem) {
	const pemB64 = pem.trim().split("\n").slice(1, -1).join("");
	return string2ArrayBuffer(atob(pemB64));
}
function getEncodedMessage(header, payload) {
	return `${base64encodeJSON(header)}.${base64encodeJSON(payload)}`;
}
function base64encode(buffer) {
	var binary = "";
	var bytes = new Uint8Array(buffer);
	var len = bytes.byteLength;
	for (var i = 0; i < len; i++) binary += String.fromCharCode(bytes[i]);
	return fromBase64(btoa(binary));
}
function fromBase64(base64) {
	return base64.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_");
}
function base64encodeJSON(obj) {
	return fromBase64(btoa(JSON.stringify(obj)));
}
// node_modules/universal-github-app-jwt/lib/crypto-node.js
function convertPrivateKey(privateKey) {
	if (!isPkcs1(privateKey)) return privateKey;
	return createPrivateKey(privateKey).export({
		type: "pkcs8",
		format: "pem"
	});
}
// node_modules/universal-github-app-jwt/lib/get-token.js
async function getToken({ privateKey, payload }) {
	const convertedPrivateKey = convertPrivateKey(privateKey);
	/* c8 ignore start */
	if (isPkcs1(convertedPrivateKey)) throw new Error("[universal-github-app-jwt] Private Key is in PKCS#1 format, but only PKCS#8 is supported. See https://github.com/gr2m/universal-github-app-jwt#private-key-formats");
	/* c8 ignore stop */
	if (isOpenSsh(convertedPrivateKey)) throw new Error("[universal-github-app-jwt] Private Key is in OpenSSH format, but only PKCS#8 is supported. See https://github.com/gr2m/universal-github-app-jwt#private-key-formats");
	const algorithm = {
		name: "RSASSA-PKCS1-v1_5",
		hash: { name: "SHA-256" }
	};
	const header = {
		alg: "RS256",
		typ: "JWT"
	};
	const privateKeyDER = getDERfromPEM(convertedPrivateKey);
	const importedKey = await subtle.importKey("pkcs8", privateKeyDER, algorithm, false, ["sign"]);
	const encodedMessage = getEncodedMessage(header, payload);
	const encodedMessageArrBuf = string2ArrayBuffer(encodedMessage);
	return `${encodedMessage}.${base64encode(await subtle.sign(algorithm.name, importedKey, encodedMessageArrBuf))}`;
}
// node_modules/universal-github-app-jwt/index.js
async function githubAppJwt({ id, privateKey, now = Math.floor(Date.now() / 1e3) }) {
	const privateKeyWithNewlines = privateKey.replace(/\\n/g, "\n");
	const nowWithSafetyMargin = now - 30;
	const expiration = nowWithSafetyMargin + 600;
	return {
		appId: id,
		expiration,
		token: await getToken({
			privateKey: privateKeyWithNewlines,
			payload: {
				iat: nowWithSafetyMargin,
				exp: expiration,
				iss: id
			}
		})
	};
}
// node_modules/toad-cache/dist/toad-cache.mjs
/**
* toad-cache
*
* @copyright 2026 Igor Savin <kibertoad@gmail.com>
* @license MIT
* @version 3.7.3
*/
function validateCacheParams(max, ttlInMsecs) {
	if (typeof max !== "number" || !Number.isInteger(max) || max < 0) throw new Error("Invalid max value");
	if (typeof ttlInMsecs !== "number" || !Number.isInteger(ttlInMsecs) || ttlInMsecs < 0) throw new Error("Invalid ttl value");
}
var LruObject = class {
	constructor(max = 1e3, ttlInMsecs = 0) {
		validateCacheParams(max, ttlInMsecs);
		this.first = null;
		this.items = Object.create(null);
		this.last = null;
		this.size = 0;
		this.max = max;
		this.ttl = ttlInMsecs;
	}
	bumpLru(item) {
		if (this.last === item) return;
		const last = this.last;
		const next = item.next;
		const prev = item.prev;
		if (this.first === item) this.first = next;
		item.next = null;
		item.prev = last;
		last.next = item;
		if (prev !== null) prev.next = next;
		/* v8 ignore next 3 -- next is always non-null here: the early return above guarantees item !== this.last in a well-formed list */
		if (next !== null) next.prev = prev;
		this.last = item;
	}
	clear() {
		this.items = Object.create(null);
		this.first = null;
		this.last = null;
		this.size = 0;
	}
	delete(key) {
		const item = this.items[key];
		if (item !== void 0) {
			delete this.items[key];
			this.size--;
			if (item.prev !== null) item.prev.next = item.next;
			if (item.next !== null) item.next.prev = item.prev;
			if (this.first === item) this.first = item.next;
			if (this.last === item) this.last = item.prev;
		}
	}
	deleteMany(keys) {
		for (var i = 0; i < keys.length; i++) this.delete(keys[i]);
	}
	evict() {
		if (this.size > 0) {
			const item = this.first;
			delete this.items[item.key];
			if (--this.size === 0) {
				this.first = null;
				this.last = null;
			} else {
				this.first = item.next;
				this.first.prev = null;
			}
		}
	}
	expiresAt(key) {
		const item = this.items[key];
		if (item !== void 0) return item.expiry;
	}
	get(key) {
		const item = this.items[key];
		if (item !== void 0) {
			if (this.ttl > 0 && item.expiry <= Date.now()) {
				this.delete(key);
				return;
			}
			this.bumpLru(item);
			return item.value;
		}
	}
	getMany(keys) {
		const result = new Array(keys.length);
		for (var i = 0; i < keys.length; i++) result[i] = this.get(keys[i]);
		return result;
	}
	keys() {
		return Object.keys(this.items);
	}
	set(key, value) {
		const existing = this.items[key];
		if (existing !== void 0) {
			existing.value = value;
			existing.expiry = this.ttl > 0 ? Date.now() + this.ttl : this.ttl;
			this.bumpLru(existing);
			return;
		}
		if (this.max > 0 && this.size >= this.max) this.evict();
		const item = {
			expiry: this.ttl > 0 ? Date.now() + this.ttl : this.ttl,
			key,
			prev: this.last,
			next: null,
			value
		};
		this.items[key] = item;
		if (++this.size === 1) this.first = item;
		else this.last.next = item;
		this.last = item;
	}
};
// node_modules/@octokit/auth-app/dist-node/index.js
async function getAppAuthentication({ appId, privateKey, timeDifference, createJwt }) {
	try {
		if (createJwt) {
			const { jwt, expiresAt } = await createJwt(appId, timeDifference);
			return {
				type: "app",
				token: jwt,
				appId,
				expiresAt
			};
		}
		const authOptions = {
			id: appId,
			privateKey
		};
		if (timeDifference) Object.assign(authOptions, { now: Math.floor(Date.now() / 1e3) + timeDifference });
		const appAuthentication = await githubAppJwt(authOptions);
		return {
			type: "app",
			token: appAuthentication.token,
			appId: appAuthentication.appId,
			expiresAt: (/* @__PURE__ */ new Date(appAuthentication.expiration * 1e3)).toISOString()
		};
	} catch (error) {
		if (privateKey === "-----BEGIN RSA PRIVATE KEY-----") throw new Error("The 'privateKey` option contains only the first line '-----BEGIN RSA PRIVATE KEY-----'. If you are setting it using a `.env` file, make sure it is set on a single line with newlines replaced by '\n'");
		else throw error;
	}
}
function getCache() {
	return new LruObject(15e3, 354e4);
}
async function get(cache, options) {
	const cacheKey = optionsToCacheKey(options);
	const result = await cache.get(cacheKey);
	if (!result) return;
	const [token, createdAt, expiresAt, repositorySelection, permissionsString, singleFileName] = result.split("|");
	return {
		token,
		createdAt,
		expiresAt,
		permissions: options.permissions || permissionsString.split(/,/).reduce((permissions2, string) => {
			if (/!$/.test(string)) permissions2[string.slice(0, -1)] = "write";
			else permissions2[string] = "read";
			return permissions2;
		}, {}),
		repositoryIds: options.repositoryIds,
		repositoryNames: options.repositoryNames,
		singleFileName,
		repositorySelection
	};
}
async function set(cache, options, data) {
	const key = optionsToCacheKey(options);
	const permissionsString = options.permissions ? "" : Object.keys(data.permissions).map((name) => `${name}${data.permissions[name] === "write" ? "!" : ""}`).join(",");
	const value = [
		data.token,
		data.createdAt,
		data.expiresAt,
		data.repositorySelection,
		permissionsString,
		data.singleFileName
	].join("|");
	await cache.set(key, value);
}
function optionsToCacheKey({ installationId, permissions = {}, repositoryIds = [], repositoryNames = [] }) {
	const permissionsString = Object.keys(permissions).sort().map((name) => permissions[name] === "read" ? name : `${name}!`).join(",");
	return [
		installationId,
		repositoryIds.sort().join(","),
		repositoryNames.join(","),
		permissionsString
	].filter(Boolean).join("|");
}
function toTokenAuthentication({ installationId, token, createdAt, expiresAt, repositorySelection, permissions, repositoryIds, repositoryNames, singleFileName }) {
	return Object.assign({
		type: "token",
		tokenType: "installation",
		token,
		installationId,
		permissions,
		createdAt,
		expiresAt,
		repositorySelection
	}, repositoryIds ? { repositoryIds } : null, repositoryNames ? { repositoryNames } : null, singleFileName ? { singleFileName } : null);
}
async function getInstallationAuthentication(state, options, customRequest) {
	const installationId = Number(options.installationId || state.installationId);
	if (!installationId) throw new Error("[@octokit/auth-app] installationId option is required for installation authentication.");
	if (options.factory) {
		const { type, factory, oauthApp, ...factoryAuthOptions } = {
			...state,
			...options
		};
		return factory(factoryAuthOptions);
	}
	const request = customRequest || state.request;
	return getInstallationAuthenticationConcurrently(state, {
		...options,
		installationId
	}, request);
}
var pendingPromises = /* @__PURE__ */ new Map();
function getInstallationAuthenticationConcurrently(state, options, request) {
	const cacheKey = optionsToCacheKey(options);
	if (pendingPromises.has(cacheKey)) return pendingPromises.get(cacheKey);
	const promise = getInstallationAuthenticationImpl(state, options, request).finally(() => pendingPromises.delete(cacheKey));
	pendingPromises.set(cacheKey, promise);
	return promise;
}
async function getInstallationAuthenticationImpl(state, options, request) {
	if (!options.refresh) {
		const result = await get(state.cache, options);
		if (result) {
			const { token: token2, createdAt: createdAt2, expiresAt: expiresAt2, permissions: permissions2, repositoryIds: repositoryIds2, repositoryNames: repositoryNames2, singleFileName: singleFileName2, repositorySelection: repositorySelection2 } = result;
			return toTokenAuthentication({
				installationId: options.installationId,
				token: token2,
				createdAt: createdAt2,
				expiresAt: expiresAt2,
				permissions: permissions2,
				repositorySelection: repositorySelection2,
				repositoryIds: repositoryIds2,
				repositoryNames: repositoryNames2,
				singleFileName: singleFileName2
			});
		}
	}
	const appAuthentication = await getAppAuthentication(state);
	const payload = {
		installation_id: options.installationId,
		mediaType: { previews: ["machine-man"] },
		headers: { authorization: `bearer ${appAuthentication.token}` }
	};
	if (options.repositoryIds) Object.assign(payload, { repository_ids: options.repositoryIds });
	if (options.repositoryNames) Object.assign(payload, { repositories: options.repositoryNames });
	if (options.permissions) Object.assign(payload, { permissions: options.permissions });
	const { data: { token, expires_at: expiresAt, repositories, permissions: permissionsOptional, repository_selection: repositorySelectionOptional, single_file: singleFileName } } = await request("POST /app/installations/{installation_id}/access_tokens", payload);
	const permissions = permissionsOptional || {};
	const repositorySelection = repositorySelectionOptional || "all";
	const repositoryIds = repositories ? repositories.map((r) => r.id) : void 0;
	const repositoryNames = repositories ? repositories.map((repo) => repo.name) : void 0;
	const createdAt = (/* @__PURE__ */ new Date()).toISOString();
	const cacheOptions = {
		token,
		createdAt,
		expiresAt,
		repositorySelection,
		permissions,
		repositoryIds,
		repositoryNames
	};
	if (singleFileName) Object.assign(payload, { singleFileName });
	await set(state.cache, options, cacheOptions);
	const cacheData = {
		installationId: options.installationId,
		token,
		createdAt,
		expiresAt,
		repositorySelection,
		permissions,
		repositoryIds,
		repositoryNames
	};
	if (singleFileName) Object.assign(cacheData, { singleFileName });
	return toTokenAuthentication(cacheData);
}
async function auth(state, authOptions) {
	switch (authOptions.type) {
		case "app": return getAppAuthentication(state);
		case "oauth-app": return state.oauthApp({ type: "oauth-app" });
		case "installation": return getInstallationAuthentication(state, {
			...authOptions,
			type: "installation"
		});
		case "oauth-user": return state.oauthApp(authOptions);
		default: throw new Error(`Invalid auth type: ${authOptions.type}`);
	}
}
var PATHS = [
	"/app",
	"/app/hook/config",
	"/app/hook/deliveries",
	"/app/hook/deliveries/{delivery_id}",
	"/app/hook/deliveries/{delivery_id}/attempts",
	"/app/installations",
	"/app/installations/{installation_id}",
	"/app/installations/{installation_id}/access_tokens",
	"/app/installations/{installation_id}/suspended",
	"/app/installation-requests",
	"/marketplace_listing/accounts/{account_id}",
	"/marketplace_listing/plan",
	"/marketplace_listing/plans",
	"/marketplace_listing/plans/{plan_id}/accounts",
	"/marketplace_listing/stubbed/accounts/{account_id}",
	"/marketplace_listing/stubbed/plan",
	"/marketplace_listing/stubbed/plans",
	"/marketplace_listing/stubbed/plans/{plan_id}/accounts",
	"/orgs/{org}/installation",
	"/repos/{owner}/{repo}/installation",
	"/users/{username}/installation",
	"/enterprises/{enterprise}/installation"
];
function routeMatcher$1(paths) {
	const regex = `^(?:${paths.map((p) => p.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")).map((r) => `(?:${r})`).join("|")})$`;
	return new RegExp(regex, "i");
}
var REGEX = routeMatcher$1(PATHS);
function requiresAppAuth(url) {
	return !!url && REGEX.test(url.split("?")[0]);
}
var FIVE_SECONDS_IN_MS = 5e3;
function isNotTimeSkewError(error) {
	return !(error.message.match(/'Expiration time' claim \('exp'\) is too far in the future/) || error.message.match(/'Expiration time' claim \('exp'\) must be a numeric value representing the future time at which the assertion expires/) || error.message.match(/'Issued at' claim \('iat'\) must be an Integer representing the time that the assertion was issued/));
}
async function hook(state, request, route, parameters) {
	const endpoint = request.endpoint.merge(route, parameters);
	const url = endpoint.url;
	if (/\/login\/oauth\/access_token$/.test(url)) return request(endpoint);
	if (requiresAppAuth(url.replace(request.endpoint.DEFAULTS.baseUrl, ""))) {
		const { token: token2 } = await getAppAuthentication(state);
		endpoint.headers.authorization = `bearer ${token2}`;
		let response;
		try {
			response = await request(endpoint);
		} catch (error) {
			if (isNotTimeSkewError(error)) throw error;
			if (typeof error.response.headers.date === "undefined") throw error;
			const diff = Math.floor((Date.parse(error.response.headers.date) - Date.parse((/* @__PURE__ */ new Date()).toString())) / 1e3);
			state.log.warn(error.message);
			state.log.warn(`[@octokit/auth-app] GitHub API time and system time are different by ${diff} seconds. Retrying request with the difference accounted for.`);
			const { token: token3 } = await getAppAuthentication({
				...state,
				timeDifference: diff
			});
			endpoint.headers.authorization = `bearer ${token3}`;
			return request(endpoint);
		}
		return response;
	}
	if (requiresBasicAuth(url)) {
		const authentication = await state.oauthApp({ type: "oauth-app" });
		endpoint.headers.authorization = authentication.headers.authorization;
		return request(endpoint);
	}
	const { token, createdAt } = await getInstallationAuthentication(state, {}, request.defaults({ baseUrl: endpoint.baseUrl }));
	endpoint.headers.authorization = `token ${token}`;
	return sendRequestWithRetries(state, request, endpoint, createdAt);
}
async function sendRequestWithRetries(state, request, options, createdAt, retries = 0) {
	const timeSinceTokenCreationInMs = +/* @__PURE__ */ new Date() - +new Date(createdAt);
	try {
		return await request(options);
	} catch (error) {
		if (error.status !== 401) throw error;
		if (timeSinceTokenCreationInMs >= FIVE_SECONDS_IN_MS) {
			if (retries > 0) error.message = `After ${retries} retries within ${timeSinceTokenCreationInMs / 1e3}s of creating the installation access token, the response remains 401. At this point, the cause may be an authentication problem or a system outage. Please check https://www.githubstatus.com for status information`;
			throw error;
		}
		++retries;
		const awaitTime = retries * 1e3;
		state.log.warn(`[@octokit/auth-app] Retrying after 401 response to account for token replication delay (retry: ${retries}, wait: ${awaitTime / 1e3}s)`);
		await new Promise((resolve) => setTimeout(resolve, awaitTime));
		return sendRequestWithRetries(state, request, options, createdAt, retries);
	}
}
var VERSION$3 = "8.3.1";
function createAppAuth(options) {
	if (!options.appId) throw new Error("[@octokit/auth-app] appId option is required");
	if (!options.privateKey && !options.createJwt) throw new Error("[@octokit/auth-app] privateKey option is required");
	else if (options.privateKey && options.createJwt) throw new Error("[@octokit/auth-app] privateKey and createJwt options are mutually exclusive");
	if ("installationId" in options && !options.installationId) throw new Error("[@octokit/auth-app] installationId is set to a falsy value");
	const log = options.log || {};
	if (typeof log.warn !== "function") log.warn = console.warn.bind(console);
	const request$1 = options.request || request.defaults({ headers: { "user-agent": `octokit-auth-app.js/${VERSION$3} ${getUserAgent()}` } });
	const state = Object.assign({
		request: request$1,
		cache: getCache()
	}, options, options.installationId ? { installationId: Number(options.installationId) } : {}, {
		log,
		oauthApp: createOAuthAppAuth({
			clientType: "github-app",
			clientId: options.clientId || "",
			clientSecret: options.clientSecret || "",
			request: request$1
		})
	});
	return Object.assign(auth.bind(null, state), { hook: hook.bind(null, state) });
}
/* v8 ignore next - permissions are optional per OpenAPI spec, but we think that is incorrect -- @preserve */
/* v8 ignore next - repositorySelection are optional per OpenAPI spec, but we think that is incorrect -- @preserve */
/* v8 ignore start - due to skipped tests, see https://github.com/octokit/auth-app.js/pull/580 -- @preserve */
/* v8 ignore end -- @preserve */
// node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var import_light = /* @__PURE__ */ __toESM(require_light(), 1);
var VERSION$2 = "0.0.0-development";
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
	return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
	const { pathname } = new URL(options.url, "http://github.test");
	const isAuth = isAuthRequest(options.method, pathname);
	const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
	const isSearch = options.method === "GET" && pathname.startsWith("/search/");
	const isGraphQL = pathname.startsWith("/graphql");
	const jobOptions = ~~request.retryCount > 0 ? {
		priority: 0,
		weight: 0
	} : {};
	if (state.clustering) jobOptions.expiration = 6e4;
	if (isWrite || isGraphQL) await state.write.key(state.id).schedule(jobOptions, noop);
	if (isWrite && state.triggersNotification(pathname)) await state.notifications.key(state.id).schedule(jobOptions, noop);
	if (isSearch) await state.search.key(state.id).schedule(jobOptions, noop);
	const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
	if (isGraphQL) {
		const res = await req;
		if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) throw Object.assign(/* @__PURE__ */ new Error("GraphQL Rate Limit Exceeded"), {
			response: res,
			data: res.data
		});
	}
	return req;
}
function isAuthRequest(method, pathname) {
	return method === "PATCH" && /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && (/^\/applications\/[^/]+\/token$/.test(pathname) || /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || pathname === "/login/oauth/access_token");
}
var triggers_notification_paths_default = [
	"/orgs/{org}/invitations",
	"/orgs/{org}/invitations/{invitation_id}",
	"/orgs/{org}/teams/{team_slug}/discussions",
	"/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
	"/repos/{owner}/{repo}/collaborators/{username}",
	"/repos/{owner}/{repo}/commits/{commit_sha}/comments",
	"/repos/{owner}/{repo}/issues",
	"/repos/{owner}/{repo}/issues/{issue_number}/comments",
	"/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
	"/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
	"/repos/{owner}/{repo}/pulls",
	"/repos/{owner}/{repo}/pulls/{pull_number}/comments",
	"/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
	"/repos/{owner}/{repo}/pulls/{pull_number}/merge",
	"/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
	"/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"/repos/{owner}/{repo}/releases",
	"/teams/{team_id}/discussions",
	"/teams/{team_id}/discussions/{discussion_number}/comments"
];
function routeMatcher(paths) {
	const regex2 = `^(?:${paths.map((path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")).map((r) => `(?:${r})`).join("|")})[^/]*$`;
	return new RegExp(regex2, "i");
}
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
	groups.global = new Bottleneck.Group({
		id: "octokit-global",
		maxConcurrent: 10,
		...common
	});
	groups.auth = new Bottleneck.Group({
		id: "octokit-auth",
		maxConcurrent: 1,
		...common
	});
	groups.search = new Bottleneck.Group({
		id: "octokit-search",
		maxConcurrent: 1,
		minTime: 2e3,
		...common
	});
	groups.write = new Bottleneck.Group({
		id: "octokit-write",
		maxConcurrent: 1,
		minTime: 1e3,
		...common
	});
	groups.notifications = new Bottleneck.Group({
		id: "octokit-notifications",
		maxConcurrent: 1,
		minTime: 3e3,
		...common
	});
};
function throttling(octokit, octokitOptions) {
	const { enabled = true, Bottleneck = import_light.default, id = "no-id", timeout = 12e4, connection } = octokitOptions.throttle || {};
	if (!enabled) return {};
	const common = { timeout };
	if (typeof connection !== "undefined") common.connection = connection;
	const state = Object.assign({
		clustering: connection != null,
		triggersNotification,
		fallbackSecondaryRateRetryAfter: 60,
		retryAfterBaseValue: 1e3,
		id
	}, octokitOptions.throttle);
	if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
	let initialized = false;
	const initializeBottleneck = () => {
		if (initialized) return;
		initialized = true;
		if (groups.global == null) createGroups(Bottleneck, common);
		state.global = state.global ?? groups.global;
		state.auth = state.auth ?? groups.auth;
		state.search = state.search ?? groups.search;
		state.write = state.write ?? groups.write;
		state.notifications = state.notifications ?? groups.notifications;
		state.retryLimiter = state.retryLimiter ?? new Bottleneck();
		const events = {};
		const emitter = new Bottleneck.Events(events);
		events.on("secondary-limit", state.onSecondaryRateLimit);
		events.on("rate-limit", state.onRateLimit);
		events.on("error", (e) => octokit.log.warn("Error in throttling-plugin limit handler", e));
		state.retryLimiter.on("failed", async function(error, info) {
			const [state2, request, options] = info.args;
			const { pathname } = new URL(options.url, "http://github.test");
			if (!(pathname.startsWith("/graphql") && error.status !== 401 || error.status === 403 || error.status === 429)) return;
			const retryCount = ~~request.retryCount;
			request.retryCount = retryCount;
			options.request.retryCount = retryCount;
			const { wantRetry, retryAfter = 0 } = await (async function() {
				if (/\bsecondary rate\b/i.test(error.message)) {
					const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
					return {
						wantRetry: await emitter.trigger("secondary-limit", retryAfter2, options, octokit, retryCount),
						retryAfter: retryAfter2
					};
				}
				if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some((error2) => error2.type === "RATE_LIMITED")) {
					const rateLimitReset = (/* @__PURE__ */ new Date(~~error.response.headers["x-ratelimit-reset"] * 1e3)).getTime();
					const retryAfter2 = Math.max(Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1, 0);
					return {
						wantRetry: await emitter.trigger("rate-limit", retryAfter2, options, octokit, retryCount),
						retryAfter: retryAfter2
					};
				}
				return {};
			})();
			if (wantRetry) {
				request.retryCount++;
				return retryAfter * state2.retryAfterBaseValue;
			}
		});
	};
	octokit.hook.wrap("request", (request, options) => {
		initializeBottleneck();
		return wrapRequest(state, request, options);
	});
	return {};
}
throttling.VERSION = VERSION$2;
throttling.triggersNotification = triggersNotification;
// node_modules/@octokit/plugin-request-log/dist-src/version.js
const VERSION$1 = "6.0.0";
// node_modules/@octokit/plugin-request-log/dist-src/index.js
function requestLog(octokit) {
	octokit.hook.wrap("request", (request, options) => {
		octokit.log.debug("request", options);
		const start = Date.now();
		const requestOptions = octokit.request.endpoint.parse(options);
		const path = requestOptions.url.replace(options.baseUrl, "");
		return request(options).then((response) => {
			const requestId = response.headers["x-github-request-id"];
			octokit.log.info(`${requestOptions.method} ${path} - ${response.status} with id ${requestId} in ${Date.now() - start}ms`);
			return response;
		}).catch((error) => {
			const requestId = error.response?.headers["x-github-request-id"] || "UNKNOWN";
			octokit.log.error(`${requestOptions.method} ${path} - ${error.status} with id ${requestId} in ${Date.now() - start}ms`);
			throw error;
		});
	});
}
requestLog.VERSION = VERSION$1;
// node_modules/@octokit/rest/dist-src/index.js
const Octokit = Octokit$1.plugin(requestLog, legacyRestEndpointMethods, paginateRest).defaults({ userAgent: `octokit-rest.js/22.0.1` });
// forge/github/conditional-cache.ts
var ConditionalCache = class {
	#capacity;
	#entries = /* @__PURE__ */ new Map();
	constructor(capacity) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`conditional cache: capacity ${capacity} is not \u2265 1`);
		this.#capacity = capacity;
	}
	get size() {
		return this.#entries.size;
	}
	get(key) {
		const value = this.#entries.get(key);
		if (value === void 0) return void 0;
		this.#entries.delete(key);
		this.#entries.set(key, value);
		return value;
	}
	set(key, value) {
		this.#entries.delete(key);
		this.#entries.set(key, value);
		for (const oldest of this.#entries.keys()) {
			if (this.#entries.size <= this.#capacity) break;
			this.#entries.delete(oldest);
		}
	}
	delete(key) {
		this.#entries.delete(key);
	}
};
// forge/github/github-forge.ts
function bareRateLimitsAsSecondary(octokit) {
	octokit.hook.error("request", (error) => {
		const { status, response } = error;
		const headers = response?.headers ?? {};
		if (!(/\bsecondary rate\b/i.test(error.message) || headers["x-ratelimit-remaining"] === "0") && (status === 429 || status === 403 && headers["retry-after"] !== void 0)) error.message = `${error.message} (secondary rate limit: a ${status} with Retry-After)`;
		throw error;
	});
}
const ThrottledOctokit = Octokit.plugin(bareRateLimitsAsSecondary, throttling, retry);
const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 120;
const PER_PAGE = 100;
var GitHubForge = class {
	kind = "github";
	#octokit;
	#conditional;
	#conditionalPageSize;
	#rateLimit = null;
	#token;
	#app;
	#onToken;
	constructor(options) {
		if (!options.token === !options.app) throw new Error("GitHub forge: give a token or an app, not both");
		this.#token = options.token ?? "";
		this.#app = options.app;
		this.#onToken = options.onToken;
		const logger = options.logger;
		const retryAfterBaseValue = options.retryDelayUnitMs ?? 1e3;
		const maxWait = options.maxRateLimitWaitSeconds ?? 120;
		const retryOnce = (kind) => (retryAfter, request, _octokit, retryCount) => {
			const tooLong = retryAfter > maxWait;
			const retrying = retryCount < 1 && !tooLong;
			logger?.warn({
				retryAfterSeconds: retryAfter,
				method: request.method,
				url: request.url,
				retrying
			}, `GitHub ${kind} hit${retrying ? `, retrying once in ${retryAfter} s` : tooLong ? `, giving up: the wait is longer than ${maxWait} s` : ", giving up"}`);
			return retrying;
		};
		this.#octokit = new ThrottledOctokit({
			...options.app ? {
				authStrategy: createAppAuth,
				auth: {
					appId: options.app.appId,
					privateKey: options.app.privateKey,
					installationId: options.app.installationId
				}
			} : { auth: options.token },
			baseUrl: (options.baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
			userAgent: options.userAgent ?? "ironbots",
			...options.fetch ? { request: { fetch: options.fetch } } : {},
			log: {
				debug: () => void 0,
				info: () => void 0,
				warn: (message) => logger?.warn(message),
				error: (message) => logger?.error(message)
			},
			retry: {
				retries: options.retries ?? 2,
				retryAfterBaseValue,
				doNotRetry: [
					400,
					401,
					403,
					404,
					410,
					422,
					429,
					451
				]
			},
			throttle: {
				enabled: options.throttle ?? true,
				retryAfterBaseValue,
				onRateLimit: retryOnce("rate limit"),
				onSecondaryRateLimit: retryOnce("secondary rate limit")
			}
		});
		this.#conditional = new ConditionalCache(options.conditionalCacheEntries ?? 512);
		this.#conditionalPageSize = options.conditionalPageSize ?? PER_PAGE;
		this.#octokit.hook.after("request", (response) => this.#noteRateLimit(response.headers));
		this.#octokit.hook.error("request", (error) => {
			this.#noteRateLimit(error.response?.headers);
			throw error;
		});
	}
	rateLimit() {
		return this.#rateLimit ? { ...this.#rateLimit } : null;
	}
	#noteRateLimit(headers) {
		if (!headers) return;
		const resource = headers["x-ratelimit-resource"];
		if (resource !== void 0 && resource !== "core") return;
		const limit = Number(headers["x-ratelimit-limit"]);
		const remaining = Number(headers["x-ratelimit-remaining"]);
		const reset = Number(headers["x-ratelimit-reset"]);
		if (headers["x-ratelimit-limit"] === void 0 || ![
			limit,
			remaining,
			reset
		].every(Number.isFinite)) return;
		this.#rateLimit = {
			limit,
			remaining,
			resetAt: reset * 1e3
		};
	}
	async #conditionalPages(key, request, items) {
		const all = [];
		for (let page = 1;; page++) {
			const pageKey = `${key} page=${page}`;
			const cached = this.#conditional.get(pageKey);
			let read;
			let next;
			try {
				const response = await request(page, cached ? { "if-none-match": cached.etag } : {});
				read = items(response.data);
				next = /\brel="next"/.test(String(response.headers.link ?? ""));
				const etag = response.headers.etag;
				if (typeof etag === "string" && etag) this.#conditional.set(pageKey, {
					etag,
					items: read,
					next
				});
				else this.#conditional.delete(pageKey);
			} catch (error) {
				if (!cached || error.status !== 304) throw error;
				read = cached.items;
				next = cached.next || read.length === this.#conditionalPageSize;
			}
			all.push(...read);
			if (!next || read.length === 0) return all;
		}
	}
	async getRepository(repo) {
		const { data } = await this.#call("GET", repo, "", () => this.#octokit.rest.repos.get({
			owner: repo.owner,
			repo: repo.name
		}));
		return {
			owner: data.owner.login,
			name: data.name,
			defaultBranch: data.default_branch,
			cloneUrl: data.clone_url,
			htmlUrl: data.html_url
		};
	}
	async getPullRequest(repo, number) {
		const { data } = await this.#call("GET", repo, `/pulls/${number}`, () => this.#octokit.rest.pulls.get({
			owner: repo.owner,
			repo: repo.name,
			pull_number: number
		}));
		return toPullRequest(data);
	}
	async listOpenPullRequests(repo) {
		return this.#call("GET", repo, "/pulls?state=open", () => this.#conditionalPages(`GET ${repoKey(repo)}/pulls?state=open`, (page, headers) => this.#octokit.rest.pulls.list({
			owner: repo.owner,
			repo: repo.name,
			state: "open",
			per_page: this.#conditionalPageSize,
			page,
			headers
		}), (data) => data.map(toPullRequest)));
	}
	async listBranches(repo) {
		return (await this.#call("GET", repo, "/branches", () => this.#octokit.paginate(this.#octokit.rest.repos.listBranches, {
			owner: repo.owner,
			repo: repo.name,
			per_page: PER_PAGE
		}))).map((b) => ({
			name: b.name,
			sha: b.commit.sha
		}));
	}
	async createPullRequest(repo, pr) {
		const { data } = await this.#call("POST", repo, "/pulls", () => this.#octokit.rest.pulls.create({
			owner: repo.owner,
			repo: repo.name,
			title: pr.title,
			head: pr.head,
			base: pr.base,
			...pr.body !== void 0 ? { body: pr.body } : {}
		}));
		return toPullRequest(data);
	}
	async findOpenPullRequest(repo, head) {
		const { data } = await this.#call("GET", repo, `/pulls?state=open&head=${repo.owner}:${head}`, () => this.#octokit.rest.pulls.list({
			owner: repo.owner,
			repo: repo.name,
			state: "open",
			head: `${repo.owner}:${head}`,
			per_page: PER_PAGE
		}));
		const pull = data.find((p) => p.head.ref === head);
		return pull ? toPullRequest(pull) : null;
	}
	async updatePullRequest(repo, number, update) {
		return this.#patchPull(repo, number, {
			...update.title !== void 0 ? { title: update.title } : {},
			...update.body !== void 0 ? { body: update.body } : {}
		});
	}
	async closePullRequest(repo, number) {
		return this.#patchPull(repo, number, { state: "closed" });
	}
	async #patchPull(repo, number, fields) {
		const { data } = await this.#call("PATCH", repo, `/pulls/${number}`, () => this.#octokit.rest.pulls.update({
			owner: repo.owner,
			repo: repo.name,
			pull_number: number,
			...fields
		}));
		return toPullRequest(data);
	}
	async getFileContent(repo, path, ref) {
		const what = `/contents/${path}?ref=${ref}`;
		let data;
		try {
			({data} = await this.#octokit.rest.repos.getContent({
				owner: repo.owner,
				repo: repo.name,
				path,
				ref
			}));
		} catch (error) {
			if (error.status === 404) return null;
			throw toForgeError(error, "GET", repo, what);
		}
		if (Array.isArray(data)) return null;
		const file = data;
		if (file.type !== "file") return null;
		if (file.encoding === "base64") return Buffer.from(file.content ?? "", "base64").toString("utf8");
		const { data: blob } = await this.#call("GET", repo, `/git/blobs/${file.sha}`, () => this.#octokit.rest.git.getBlob({
			owner: repo.owner,
			repo: repo.name,
			file_sha: file.sha
		}));
		return Buffer.from(blob.content, blob.encoding === "base64" ? "base64" : "utf8").toString("utf8");
	}
	async setCommitStatus(repo, sha, status) {
		await this.#call("POST", repo, `/statuses/${sha}`, () => this.#octokit.rest.repos.createCommitStatus({
			owner: repo.owner,
			repo: repo.name,
			sha,
			state: status.state,
			context: status.context,
			...status.description !== void 0 ? { description: truncateDescription(status.description) } : {},
			...status.targetUrl !== void 0 ? { target_url: status.targetUrl } : {}
		}));
	}
	async listCommitStatuses(repo, sha) {
		return this.#call("GET", repo, `/commits/${sha}/status`, async () => {
			const statuses = [];
			for (let page = 1;; page++) {
				const { data } = await this.#octokit.rest.repos.getCombinedStatusForRef({
					owner: repo.owner,
					repo: repo.name,
					ref: sha,
					per_page: PER_PAGE,
					page
				});
				statuses.push(...data.statuses.map(toStatus));
				if (data.statuses.length < PER_PAGE || statuses.length >= data.total_count) return statuses;
			}
		});
	}
	async listCommitStatusHistory(repo, sha) {
		return (await this.#call("GET", repo, `/commits/${sha}/statuses`, () => this.#octokit.paginate(this.#octokit.rest.repos.listCommitStatusesForRef, {
			owner: repo.owner,
			repo: repo.name,
			ref: sha,
			per_page: PER_PAGE
		}))).map(toStatus).reverse();
	}
	async createIssueComment(repo, number, body) {
		await this.#call("POST", repo, `/issues/${number}/comments`, () => this.#octokit.rest.issues.createComment({
			owner: repo.owner,
			repo: repo.name,
			issue_number: number,
			body
		}));
	}
	async listIssueComments(repo, number) {
		return (await this.#call("GET", repo, `/issues/${number}/comments`, () => this.#octokit.paginate(this.#octokit.rest.issues.listComments, {
			owner: repo.owner,
			repo: repo.name,
			issue_number: number,
			per_page: PER_PAGE
		}))).map((c) => ({
			author: c.user?.login ?? "",
			body: c.body ?? ""
		}));
	}
	async removePullRequestLabel(repo, number, label) {
		try {
			await this.#call("DELETE", repo, `/issues/${number}/labels/${label}`, () => this.#octokit.rest.issues.removeLabel({
				owner: repo.owner,
				repo: repo.name,
				issue_number: number,
				name: label
			}));
		} catch (error) {
			if (!(error instanceof ForgeError && error.status === 404)) throw error;
		}
	}
	async hasWriteAccess(repo, login) {
		try {
			const { data } = await this.#call("GET", repo, `/collaborators/${login}/permission`, () => this.#octokit.rest.repos.getCollaboratorPermissionLevel({
				owner: repo.owner,
				repo: repo.name,
				username: login
			}));
			return data.permission === "admin" || data.permission === "write";
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return false;
			throw error;
		}
	}
	async findOpenIssue(repo, title) {
		const matches = (await this.#call("GET", repo, "/issues?state=open", () => this.#octokit.paginate(this.#octokit.rest.issues.listForRepo, {
			owner: repo.owner,
			repo: repo.name,
			state: "open",
			per_page: PER_PAGE
		}))).filter((i) => !i.pull_request && i.title === title).sort((a, b) => a.number - b.number);
		return matches[0] ? toIssue(matches[0]) : null;
	}
	async createIssue(repo, issue) {
		const { data } = await this.#call("POST", repo, "/issues", () => this.#octokit.rest.issues.create({
			owner: repo.owner,
			repo: repo.name,
			title: issue.title,
			body: issue.body,
			...issue.labels?.length ? { labels: issue.labels } : {}
		}));
		return toIssue(data);
	}
	async updateIssue(repo, number, update) {
		return this.#patchIssue(repo, number, {
			...update.title !== void 0 ? { title: update.title } : {},
			...update.body !== void 0 ? { body: update.body } : {}
		});
	}
	async closeIssue(repo, number) {
		return this.#patchIssue(repo, number, { state: "closed" });
	}
	async #patchIssue(repo, number, fields) {
		const { data } = await this.#call("PATCH", repo, `/issues/${number}`, () => this.#octokit.rest.issues.update({
			owner: repo.owner,
			repo: repo.name,
			issue_number: number,
			...fields
		}));
		return toIssue(data);
	}
	gitCredentials() {
		return {
			username: "x-access-token",
			password: this.#token
		};
	}
	async installationToken() {
		if (!this.#app) return this.#token;
		const { token } = await this.#octokit.auth({ type: "installation" });
		if (token !== this.#token) {
			this.#onToken?.(token);
			this.#token = token;
		}
		return token;
	}
	async createJitRunner(scope, request) {
		const body = {
			name: request.name,
			runner_group_id: request.runnerGroupId ?? 1,
			labels: request.labels,
			work_folder: request.workFolder ?? "_work"
		};
		const { data } = await this.#callIn("POST", scope, "/actions/runners/generate-jitconfig", () => "org" in scope ? this.#octokit.rest.actions.generateRunnerJitconfigForOrg({
			org: scope.org,
			...body
		}) : this.#octokit.rest.actions.generateRunnerJitconfigForRepo({
			owner: scope.repo.owner,
			repo: scope.repo.name,
			...body
		}));
		return {
			runner: toRunner(data.runner),
			jitConfig: data.encoded_jit_config
		};
	}
	async listRunners(scope) {
		return (await this.#callIn("GET", scope, "/actions/runners", () => "org" in scope ? this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForOrg, {
			org: scope.org,
			per_page: PER_PAGE
		}) : this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForRepo, {
			owner: scope.repo.owner,
			repo: scope.repo.name,
			per_page: PER_PAGE
		}))).map(toRunner);
	}
	async getRunner(scope, id) {
		try {
			const { data } = await this.#callIn("GET", scope, `/actions/runners/${id}`, () => "org" in scope ? this.#octokit.rest.actions.getSelfHostedRunnerForOrg({
				org: scope.org,
				runner_id: id
			}) : this.#octokit.rest.actions.getSelfHostedRunnerForRepo({
				owner: scope.repo.owner,
				repo: scope.repo.name,
				runner_id: id
			}));
			return toRunner(data);
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return null;
			throw error;
		}
	}
	async deleteRunner(scope, id) {
		try {
			await this.#callIn("DELETE", scope, `/actions/runners/${id}`, () => "org" in scope ? this.#octokit.rest.actions.deleteSelfHostedRunnerFromOrg({
				org: scope.org,
				runner_id: id
			}) : this.#octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
				owner: scope.repo.owner,
				repo: scope.repo.name,
				runner_id: id
			}));
			return "deleted";
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return "absent";
			if (error instanceof ForgeError && error.status === 422) return "busy";
			throw error;
		}
	}
	async listQueuedWorkflowJobs(repo) {
		const runs = await this.#call("GET", repo, "/actions/runs?status=queued", () => this.#conditionalPages(`GET ${repoKey(repo)}/actions/runs?status=queued`, (page, headers) => this.#octokit.rest.actions.listWorkflowRunsForRepo({
			owner: repo.owner,
			repo: repo.name,
			status: "queued",
			per_page: this.#conditionalPageSize,
			page,
			headers
		}), (data) => data.workflow_runs.map((r) => ({
			id: r.id,
			updatedAt: r.updated_at
		}))));
		const jobs = [];
		for (const run of runs) {
			const key = `GET ${repoKey(repo)}/actions/runs/${run.id}/jobs updated=${run.updatedAt}`;
			let runJobs = this.#conditional.get(key);
			if (!runJobs) {
				runJobs = (await this.#call("GET", repo, `/actions/runs/${run.id}/jobs`, () => this.#octokit.paginate(this.#octokit.rest.actions.listJobsForWorkflowRun, {
					owner: repo.owner,
					repo: repo.name,
					run_id: run.id,
					filter: "latest",
					per_page: PER_PAGE
				}))).map(toWorkflowJob);
				this.#conditional.set(key, runJobs);
			}
			jobs.push(...runJobs.filter((job) => job.status === "queued"));
		}
		return jobs;
	}
	async getWorkflowJob(repo, id) {
		try {
			const { data } = await this.#call("GET", repo, `/actions/jobs/${id}`, () => this.#octokit.rest.actions.getJobForWorkflowRun({
				owner: repo.owner,
				repo: repo.name,
				job_id: id
			}));
			return toWorkflowJob(data);
		} catch (error) {
			if (error instanceof ForgeError && error.status === 404) return null;
			throw error;
		}
	}
	#callIn(method, scope, path, request) {
		return this.#call(method, "org" in scope ? `/orgs/${scope.org}` : scope.repo, path, request);
	}
	async #call(method, repo, path, request) {
		try {
			return await request();
		} catch (error) {
			throw toForgeError(error, method, repo, path);
		} finally {
			if (this.#app) await this.installationToken().catch(() => void 0);
		}
	}
};
function repoKey(repo) {
	return `/repos/${repo.owner}/${repo.name}`.toLowerCase();
}
function toStatus(s) {
	return {
		state: s.state,
		context: s.context,
		...s.description !== null ? { description: s.description } : {},
		...s.target_url !== null ? { targetUrl: s.target_url } : {},
		createdAt: s.created_at
	};
}
function toIssue(issue) {
	return {
		number: issue.number,
		state: issue.state === "open" ? "open" : "closed",
		title: issue.title,
		body: issue.body ?? "",
		labels: issue.labels.map((l) => typeof l === "string" ? l : l.name ?? "").filter(Boolean),
		htmlUrl: issue.html_url
	};
}
function toPullRequest(pr) {
	return {
		number: pr.number,
		state: pr.state === "open" ? "open" : "closed",
		title: pr.title,
		body: pr.body ?? "",
		author: pr.user?.login ?? "ghost",
		headSha: pr.head.sha,
		headRef: pr.head.ref,
		baseRef: pr.base.ref,
		htmlUrl: pr.html_url,
		headCloneUrl: pr.head.repo?.clone_url ?? pr.base.repo.clone_url,
		...pr.head.repo ? {} : { headRepositoryDeleted: true }
	};
}
function toRunner(runner) {
	return {
		id: runner.id,
		name: runner.name,
		online: runner.status === "online",
		busy: runner.busy,
		labels: runner.labels.map((l) => l.name)
	};
}
function toWorkflowJob(job) {
	return {
		id: job.id,
		runId: job.run_id,
		name: job.name,
		status: job.status,
		conclusion: job.conclusion,
		labels: job.labels,
		runnerName: job.runner_name ?? null,
		headSha: job.head_sha,
		createdAt: job.created_at,
		startedAt: job.started_at ?? null,
		htmlUrl: job.html_url ?? ""
	};
}
function toForgeError(error, method, at, path) {
	if (error instanceof ForgeError) return error;
	const what = `${method} ${typeof at === "string" ? at : `/repos/${at.owner}/${at.name}`}${path}`;
	const response = error.response;
	if (!response) return new ForgeError(`${what}: no response: ${error.message}`, 0);
	const { status, data: body = {} } = response;
	const message = typeof body === "string" ? body.slice(0, 200) : body.message ?? "no message";
	const details = (typeof body === "object" ? body.errors ?? [] : []).map((e) => typeof e === "string" ? e : e.message ?? [
		e.resource,
		e.field,
		e.code
	].filter(Boolean).join(" ")).filter(Boolean);
	const retryAfter = response.headers?.["retry-after"];
	if (retryAfter !== void 0) details.push(`retry after ${String(retryAfter)}${/^\d+$/.test(String(retryAfter)) ? " s" : ""}`);
	return new ForgeError(`${what}: ${status} ${message}${details.length ? ` (${details.join("; ")})` : ""}`, status);
}
export { DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS, GitHubForge };
