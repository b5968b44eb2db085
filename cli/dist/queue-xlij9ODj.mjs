// runner-agent/src/queue/queue.ts
const defaultQueueTuning = {
	maxAttempts: 3,
	backoffBaseMs: 5e3,
	backoffCapMs: 3e5
};
function backoffMs(tuning, failedAttempt) {
	return Math.min(tuning.backoffBaseMs * 2 ** Math.max(0, failedAttempt - 1), tuning.backoffCapMs);
}
function statusFromRow(row, message) {
	return {
		state: row.state,
		message,
		...row.reason ? { reason: row.reason } : {},
		...row.lease_holder ? { holder: row.lease_holder } : {},
		...row.state === "leased" && row.cancel_reason !== null ? { cancelRequested: row.cancel_reason } : {}
	};
}
function serializePayload(payload) {
	const json = JSON.stringify(payload);
	if (json === void 0) throw new TypeError(`a queue payload must be representable as JSON, got ${typeof payload}`);
	return json;
}
function labelsSatisfied(required, offered) {
	const have = new Set(offered);
	return required.every((label) => have.has(label));
}
var LeaseLostError = class extends Error {
	constructor(messageId) {
		super(`lease on message ${messageId} was lost: it expired and the message was delivered again`);
		this.name = "LeaseLostError";
	}
};
var QueueClosedError = class extends Error {
	constructor(name) {
		super(`queue ${name} is closed`);
		this.name = "QueueClosedError";
	}
};
export { labelsSatisfied as a, defaultQueueTuning as i, QueueClosedError as n, serializePayload as o, backoffMs as r, statusFromRow as s, LeaseLostError as t };
