import { t as require_dist } from "./dist-BaxewEZn.mjs";
import { n as InputError } from "./inputs-2CWzAqKl.mjs";
import { c as object, d as union, i as boolean, l as record, n as _enum, r as array, s as number, u as string } from "./schemas-DBDOb4Wg.mjs";
// actions/submit-job/schemas.ts
var import_dist = require_dist();
const JobMappingSchema = object({
	context: string().min(1).max(100),
	run: union([array(string()).min(1), string().min(1)]),
	timeout: number().int().positive().optional(),
	env: record(string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "is not an environment variable name"), union([
		string(),
		number(),
		boolean()
	]).transform(String)).optional(),
	executor: _enum([
		"process",
		"podman",
		"vm"
	]).optional(),
	image: string().min(1).optional()
}).strict();
const SubmittedSchema = object({
	id: string().min(1),
	state: string(),
	duplicate: boolean().default(false),
	url: string(),
	logUrl: string()
});
const StatusSchema = object({
	state: string(),
	description: string().optional(),
	logUrl: string().optional()
});
function parseJobMapping(text) {
	let value;
	try {
		value = (0, import_dist.parse)(text);
	} catch (error) {
		throw new InputError("job", `invalid YAML: ${error.message.split("\n")[0]}`);
	}
	if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InputError("job", "several lines must form a YAML mapping {context, run, \u2026}");
	const parsed = JobMappingSchema.safeParse(value);
	if (!parsed.success) throw new InputError("job", describeIssue(parsed.error.issues[0]));
	return parsed.data;
}
function describeIssue(issue) {
	return `${issue.path.map(String).join(".") || "mapping"}: ${issue.code === "invalid_key" ? issue.issues[0]?.message ?? issue.message : issue.message}`;
}
export { StatusSchema, SubmittedSchema, parseJobMapping };
