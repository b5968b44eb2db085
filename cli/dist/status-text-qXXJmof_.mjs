// runner-agent/src/jobs/status-text.ts
const NOT_YET_TESTED = "Not yet tested";
const SUBMITTED_NOT_YET_TESTED = "Not yet tested (submitted)";
const WAITING_FOR_APPROVAL = "Waiting for approval";
const MANUAL_TESTING_REQUIRED = "Manual testing required";
const APPROVAL_CONTEXT = "ironbots/approval";
function isWaitingForApproval(description) {
	return description === "Waiting for approval" || description === "Manual testing required";
}
const IN_PROGRESS_PREFIX = "In progress";
const CONFIG_CONTEXT = "ironbots/config";
function inProgress(agent, mode) {
	return `${IN_PROGRESS_PREFIX} [${agent}]${mode ? ` (${mode})` : ""}`;
}
function isInProgress(description) {
	return description?.startsWith(`In progress [`) ?? false;
}
function formatDuration(ms) {
	if (ms < 1e4) return `${(ms / 1e3).toFixed(1)} s`;
	if (ms < 12e4) return `${Math.round(ms / 1e3)} s`;
	return `${Math.floor(ms / 6e4)} min ${Math.round(ms % 6e4 / 1e3)} s`;
}
function cancelReason(by, reason) {
	return `by ${by}${reason ? ` (${reason})` : ""}`;
}
function supersededReason(newerHeadSha) {
	return newerHeadSha ? `superseded by ${newerHeadSha.slice(0, 7)}` : "the pull request was closed";
}
export { NOT_YET_TESTED as a, cancelReason as c, isInProgress as d, isWaitingForApproval as f, MANUAL_TESTING_REQUIRED as i, formatDuration as l, CONFIG_CONTEXT as n, SUBMITTED_NOT_YET_TESTED as o, supersededReason as p, IN_PROGRESS_PREFIX as r, WAITING_FOR_APPROVAL as s, APPROVAL_CONTEXT as t, inProgress as u };
