import { c as object, l as record, n as _enum, o as literal, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
// runner-agent/src/jobs/job.ts
const RepositoryRefSchema = object({
	owner: string().min(1),
	name: string().min(1),
	cloneUrl: string().url()
});
const ExecutorNameSchema = _enum([
	"process",
	"podman",
	"vm"
]);
const RunnerRequestSchema = object({
	forge: literal("github"),
	repository: object({
		owner: string().min(1),
		name: string().min(1)
	}),
	scope: _enum(["repository", "organization"]),
	runnerGroupId: number().int().positive().default(1),
	workflowJobId: number().int().positive(),
	runId: number().int().positive(),
	workflowJobName: string(),
	labels: array(string().min(1)).min(1),
	headSha: string(),
	queuedAt: string()
});
object({
	context: string().min(1).max(100),
	command: array(string()).min(1),
	labels: array(string().min(1)).default([]),
	timeoutSeconds: number().int().positive(),
	env: record(string(), string()).default({}),
	executor: ExecutorNameSchema.default("process"),
	image: string().optional(),
	network: _enum(["none", "user"]).optional(),
	repository: RepositoryRefSchema.optional(),
	sha: string().regex(/^[0-9a-f]{40}$/).optional(),
	pullRequest: number().int().positive().optional(),
	infra: object({
		repository: RepositoryRefSchema,
		pullRequest: number().int().positive(),
		sha: string().regex(/^[0-9a-f]{40}$/)
	}).optional(),
	checkout: object({
		repository: RepositoryRefSchema,
		sha: string().regex(/^[0-9a-f]{40}$/)
	}).optional(),
	runner: RunnerRequestSchema.optional(),
	trigger: object({
		kind: _enum([
			"webhook",
			"scan",
			"api"
		]),
		ref: string().optional()
	}),
	createdAt: string()
});
function jobDedupKey(job) {
	if (!job.repository || !job.sha) return void 0;
	const key = `${job.repository.owner}/${job.repository.name}@${job.sha}#${job.context}`;
	const withInfra = job.infra ? `${key}+${job.infra.sha}` : key;
	return job.checkout ? `${withInfra}~${job.checkout.sha}` : withInfra;
}
const CANARY_LABEL = "canary";
function requiredLabels(job) {
	return [.../* @__PURE__ */ new Set([...job.labels, `executor:${job.executor}`])].sort();
}
export { jobDedupKey as a, RunnerRequestSchema as i, ExecutorNameSchema as n, requiredLabels as o, RepositoryRefSchema as r, CANARY_LABEL as t };
