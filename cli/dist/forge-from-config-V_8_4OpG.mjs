// forge/build-forge.ts
const DEFAULT_API_URLS = {
	github: "https://api.github.com",
	gitlab: "https://gitlab.com"
};
async function buildForge(config, wiring, loaders) {
	const kind = config.kind;
	if (kind !== "github" && kind !== "gitlab") throw new Error(`forge kind "${String(kind)}": expected github or gitlab`);
	const load = loaders[kind];
	if (!load) throw new Error(`forge kind "${kind}" is not supported here`);
	if (config.app && kind !== "github") throw new Error(`${kind} forge: only GitHub has apps; use a token`);
	if (config.app && config.token) throw new Error(`${kind} forge: give a token or an app, not both`);
	if (!config.app && (typeof config.token !== "string" || config.token.trim() === "")) throw new Error(`${kind} forge: the token is empty`);
	const apiUrl = config.apiUrl || DEFAULT_API_URLS[kind];
	if (!isHttpUrl(apiUrl)) throw new Error(`${kind} forge: apiUrl "${apiUrl}" is not an http(s) URL`);
	const wait = wiring.maxRateLimitWaitSeconds;
	if (wait !== void 0 && !(Number.isFinite(wait) && wait >= 0)) throw new Error(`maxRateLimitWaitSeconds: ${wait} is not a number of seconds \u2265 0`);
	if (config.token) wiring.secrets?.add(config.token);
	if (config.app) wiring.secrets?.add(config.app.privateKey);
	const logger = wiring.logger?.child({
		role: "forge",
		forge: kind
	});
	const common = {
		token: config.token ?? "",
		...logger ? { logger } : {},
		...wait !== void 0 ? { maxRateLimitWaitSeconds: wait } : {}
	};
	if (kind === "github") {
		const { GitHubForge } = await load();
		return new GitHubForge({
			...common,
			...config.app ? {
				token: void 0,
				app: config.app,
				onToken: (token) => wiring.secrets?.add(token)
			} : {},
			baseUrl: apiUrl,
			...wiring.throttle !== void 0 ? { throttle: wiring.throttle } : {},
			...wiring.fetch ? { fetch: wiring.fetch } : {}
		});
	}
	const { GitLabForge } = await load();
	return new GitLabForge({
		...common,
		host: apiUrl
	});
}
function isHttpUrl(text) {
	try {
		const { protocol } = new URL(text);
		return protocol === "http:" || protocol === "https:";
	} catch {
		return false;
	}
}
// forge/forge-from-config.ts
function forgeFromConfig(config, wiring = {}) {
	return buildForge(config, wiring, {
		github: () => import("./github-forge-FlgngZTA.mjs"),
		gitlab: () => import("./gitlab-forge-BsUXxd1o.mjs")
	});
}
export { DEFAULT_API_URLS as n, buildForge as r, forgeFromConfig as t };
