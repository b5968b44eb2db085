// runner-agent/src/statuses/job-record-row.ts
function toRecord(row) {
	return {
		key: row.key,
		target: {
			repo: {
				owner: row.owner,
				name: row.name
			},
			sha: row.sha,
			context: row.context
		},
		jobId: row.job_id,
		epoch: Number(row.epoch),
		holder: row.holder,
		state: row.state,
		outcome: row.state === "finished" && row.final_state ? {
			state: row.final_state,
			description: row.final_description ?? "",
			...row.target_url ? { targetUrl: row.target_url } : {}
		} : null,
		publishedAt: row.published_at === null ? null : Number(row.published_at),
		publishing: row.publishing_holder && row.publishing_until !== null ? {
			holder: row.publishing_holder,
			until: Number(row.publishing_until)
		} : null,
		createdAt: Number(row.created_at),
		updatedAt: Number(row.updated_at)
	};
}
export { toRecord as t };
