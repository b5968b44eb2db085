// forge/git-credentials.ts
function gitCredentialsEnv(credentials) {
	if (!credentials) return {};
	return {
		GIT_CONFIG_COUNT: "1",
		GIT_CONFIG_KEY_0: "http.extraHeader",
		GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`
	};
}
export { gitCredentialsEnv as t };
