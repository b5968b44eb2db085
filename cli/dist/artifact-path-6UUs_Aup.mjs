// runner-agent/src/logs/artifact-path.ts
const MAX_PATH = 1024;
const MAX_SEGMENT = 255;
var InvalidArtifactPathError = class extends Error {
	constructor(artifactPath, why) {
		super(`invalid artifact path ${JSON.stringify(artifactPath.slice(0, 200))}: ${why}`);
		this.name = "InvalidArtifactPathError";
	}
};
function artifactPathProblem(artifactPath) {
	if (artifactPath.length === 0) return "empty";
	if (artifactPath.length > MAX_PATH) return `longer than ${MAX_PATH} characters`;
	if (/[\u0000-\u001f\u007f\\]/.test(artifactPath)) return "control characters or backslashes";
	for (const segment of artifactPath.split("/")) {
		if (segment === "" || segment === "." || segment === "..") return "empty, \".\" or \"..\" segments";
		if (segment.length > MAX_SEGMENT) return `a segment longer than ${MAX_SEGMENT} characters`;
	}
	return null;
}
function assertValidArtifactPath(artifactPath) {
	const problem = artifactPathProblem(artifactPath);
	if (problem) throw new InvalidArtifactPathError(artifactPath, problem);
}
export { assertValidArtifactPath as n, artifactPathProblem as t };
