function truncateDescription(text) {
	return text.length <= 140 ? text : `${text.slice(0, 139)}\u2026`;
}
var ForgeError = class extends Error {
	status;
	constructor(message, status) {
		super(message);
		this.name = "ForgeError";
		this.status = status;
	}
};
function describeScope(scope) {
	return "org" in scope ? `organisation ${scope.org}` : `${scope.repo.owner}/${scope.repo.name}`;
}
export { describeScope as n, truncateDescription as r, ForgeError as t };
