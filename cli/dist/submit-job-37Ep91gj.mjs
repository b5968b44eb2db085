import { n as InputError, r as splitCommandLine, t as ActionInputs } from "./inputs-2CWzAqKl.mjs";
// actions/submit-job/submit-job.ts
const INPUT_DEFAULTS = {
	"server-url": "",
	token: "",
	job: "",
	labels: "",
	wait: "false",
	"wait-timeout": "3600",
	repository: "",
	sha: ""
};
const FINAL_STATES = [
	"success",
	"failure",
	"error",
	"cancelled",
	"dead"
];
var WaitTimeoutError = class extends Error {
	result;
	constructor(message, result) {
		super(message);
		this.name = "WaitTimeoutError";
		this.result = result;
	}
};
var RequestError = class extends Error {
	transient;
	status;
	constructor(message, transient, options) {
		super(message, options);
		this.name = "RequestError";
		this.transient = transient;
		this.status = options?.status;
	}
};
const REQUEST_TIMEOUT_MS = 3e4;
const FIRST_POLL_DELAY_MS = 2e3;
const MAX_POLL_DELAY_MS = 15e3;
async function planSubmission(values, run, structuredJob) {
	const inputs = new ActionInputs(values, INPUT_DEFAULTS);
	const serverUrlText = inputs.getInput("server-url", { required: true });
	let serverUrl;
	try {
		serverUrl = new URL(serverUrlText);
	} catch {
		throw new InputError("server-url", `"${serverUrlText}" is not a URL`);
	}
	if (serverUrl.protocol !== "https:" && serverUrl.protocol !== "http:") throw new InputError("server-url", "must be http(s)");
	const token = inputs.getInput("token", { required: "(an API token of the ironbots server)" });
	const submission = structuredJob ? {
		...structuredJob,
		labels: []
	} : await parseJob(inputs.getInput("job", { required: true }));
	submission.labels = [...new Set(inputs.getListInput("labels"))];
	for (const label of submission.labels) if (!/^[A-Za-z0-9:._-]+$/.test(label)) throw new InputError("labels", `"${label}" is not a valid label`);
	const repository = inputs.getInput("repository") || run.github?.repository || "";
	if (repository && repository !== "none") {
		const slash = repository.lastIndexOf("/");
		const owner = repository.slice(0, slash);
		const name = repository.slice(slash + 1);
		if (slash <= 0 || !name || owner.split("/").some((segment) => !segment)) throw new InputError("repository", `"${repository}" is not owner/name`);
		submission.repository = {
			owner,
			name
		};
		const sha = inputs.getInput("sha") || run.sha || "";
		if (sha) {
			if (!/^[0-9a-f]{40}$/.test(sha)) throw new InputError("sha", `"${sha}" is not a full commit id`);
			submission.sha = sha;
		}
	} else if (inputs.getInput("sha")) throw new InputError("sha", "needs a repository (repository is none or not set)");
	const wait = inputs.getBooleanInput("wait");
	const waitTimeoutText = inputs.getInput("wait-timeout");
	const waitTimeoutSeconds = Number(waitTimeoutText);
	if (!Number.isInteger(waitTimeoutSeconds) || waitTimeoutSeconds <= 0) throw new InputError("wait-timeout", `"${waitTimeoutText}" is not a positive number of seconds`);
	return {
		serverUrl: serverUrl.toString().replace(/\/$/, ""),
		token,
		submission,
		wait,
		waitTimeoutSeconds
	};
}
async function parseJob(text) {
	const trimmed = text.trim();
	if (!trimmed.includes("\n") && !trimmed.startsWith("{")) {
		const command = commandLine(trimmed);
		return {
			context: command[0],
			command,
			labels: []
		};
	}
	const { parseJobMapping } = await import("./schemas-DIp1KNrS.mjs");
	const job = parseJobMapping(trimmed);
	return {
		context: job.context,
		command: typeof job.run === "string" ? commandLine(job.run) : job.run,
		labels: [],
		...job.timeout !== void 0 ? { timeoutSeconds: job.timeout } : {},
		...job.env ? { env: job.env } : {},
		...job.executor ? { executor: job.executor } : {},
		...job.image ? { image: job.image } : {}
	};
}
function commandLine(line) {
	const words = splitCommandLine(line, "job");
	if (words.length === 0) throw new InputError("job", "no command");
	return words;
}
async function submitJob(plan, deps) {
	const redact = (text) => text.replaceAll(plan.token, "***");
	try {
		return await submitAndWait(plan, {
			...deps,
			log: (line) => deps.log(redact(line))
		});
	} catch (error) {
		if (error instanceof Error) error.message = redact(error.message);
		throw error;
	}
}
async function submitAndWait(plan, deps) {
	const { SubmittedSchema, StatusSchema } = await import("./schemas-DIp1KNrS.mjs");
	const headers = {
		authorization: `Bearer ${plan.token}`,
		"content-type": "application/json",
		accept: "application/json"
	};
	const submitted = SubmittedSchema.safeParse(await request(deps, `${plan.serverUrl}/api/v1/jobs`, {
		method: "POST",
		headers,
		body: JSON.stringify(plan.submission)
	}));
	if (!submitted.success) throw new Error(`the ironbots server's answer to the submission is not a job: ${submitted.error.message}`);
	const result = {
		jobId: submitted.data.id,
		state: submitted.data.state,
		url: submitted.data.url,
		logUrl: submitted.data.logUrl,
		duplicate: submitted.data.duplicate
	};
	deps.log(`submitted job ${result.jobId} (${plan.submission.context})${result.duplicate ? ", the same as an earlier submission" : ""}: ${result.logUrl}`);
	deps.onSubmitted?.(result);
	if (!plan.wait) return result;
	const statusUrl = `${plan.serverUrl}/api/v1/jobs/${encodeURIComponent(result.jobId)}`;
	const deadline = deps.now() + plan.waitTimeoutSeconds * 1e3;
	let delay = FIRST_POLL_DELAY_MS;
	let lastState = result.state;
	let lastProblem;
	for (;;) {
		try {
			const status = StatusSchema.safeParse(await request(deps, statusUrl, {
				method: "GET",
				headers
			}));
			if (!status.success) throw new RequestError(`GET ${new URL(statusUrl).pathname} answered something that is not a job`, true);
			lastProblem = void 0;
			result.state = status.data.state;
			if (status.data.description !== void 0) result.description = status.data.description;
			if (status.data.logUrl !== void 0) result.logUrl = status.data.logUrl;
			if (result.state !== lastState) {
				deps.log(`job ${result.jobId}: ${result.state}${result.description ? ` \u2014 ${result.description}` : ""}`);
				lastState = result.state;
			}
			if (FINAL_STATES.includes(result.state)) return result;
		} catch (error) {
			if (!(error instanceof RequestError && error.transient)) throw error;
			lastProblem = error.message;
			deps.log(`job ${result.jobId}: ${error.message}; asking again`);
		}
		if (deps.now() + delay > deadline) throw new WaitTimeoutError(`job ${result.jobId} did not finish within ${plan.waitTimeoutSeconds} s (last state: ${result.state}${lastProblem ? `; last poll: ${lastProblem}` : ""}); see ${result.logUrl}`, result);
		await deps.sleep(delay);
		delay = Math.min(MAX_POLL_DELAY_MS, Math.round(delay * 1.5));
	}
}
async function request(deps, url, init) {
	const where = `${init.method} ${new URL(url).pathname}`;
	let res;
	let text;
	try {
		res = await deps.fetch(url, {
			...init,
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
		});
		text = await res.text();
	} catch (error) {
		const reason = error.name === "TimeoutError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1e3} s` : error.message;
		throw new RequestError(`cannot reach the ironbots server at ${new URL(url).origin}: ${reason}`, true, { cause: error });
	}
	if (res.status === 401) throw new RequestError("the ironbots server refused the token (401): check the token input", false, { status: 401 });
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = void 0;
	}
	if (!res.ok) {
		const said = body && typeof body === "object" && "error" in body ? String(body.error) : text.slice(0, 200);
		throw new RequestError(`${where} failed with ${res.status}: ${said}`, res.status === 429 || res.status >= 500, { status: res.status });
	}
	if (body === void 0) throw new RequestError(`${where} answered ${res.status} without JSON`, true, { status: res.status });
	return body;
}
export { RequestError, planSubmission, submitJob };
