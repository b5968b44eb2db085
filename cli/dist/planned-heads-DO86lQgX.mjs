// runner-agent/src/planner/planned-heads.ts
function repositoryKey(repo) {
	return {
		owner: repo.owner.toLowerCase(),
		name: repo.name.toLowerCase()
	};
}
export { repositoryKey as t };
