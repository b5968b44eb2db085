// core/ci-run.ts
const PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set([
	"pull_request",
	"pull_request_target",
	"merge_request_event"
]);
function isPullRequestRun(run) {
	return PULL_REQUEST_EVENTS.has(run.event ?? "");
}
export { isPullRequestRun as t };
