// runner-agent/src/agents/agent-row.ts
function toRegisteredAgent(row) {
	return {
		name: row.name,
		labels: JSON.parse(row.labels),
		mode: row.mode,
		version: row.version,
		runningJobs: JSON.parse(row.running_jobs),
		startedAt: Number(row.started_at),
		lastHeartbeat: Number(row.last_heartbeat)
	};
}
export { toRegisteredAgent as t };
