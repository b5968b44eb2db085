import { t as ForgeError } from "./forge-CSA4ojXu.mjs";
// runner-agent/src/jobs/cross-project.ts
const OWNER = "[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*";
const REPOSITORY_NAME = "[A-Za-z0-9._-]{1,100}";
const CROSS_PROJECT_CONTEXT = new RegExp(`^(?<base>[A-Za-z0-9][A-Za-z0-9._/-]*)@(?<owner>${OWNER})/(?<name>${REPOSITORY_NAME})[#!](?<number>[1-9][0-9]{0,8})$`);
const REPOSITORY_PATH = new RegExp(`^${OWNER}/${REPOSITORY_NAME}$`);
function parseCrossProjectContext(context) {
	const marker = /@[^@]*([#!])/.exec(context);
	if (!marker) return null;
	if (context.length > 100) return `"${context.slice(0, 40)}\u2026" is longer than 100 characters`;
	const groups = CROSS_PROJECT_CONTEXT.exec(context)?.groups;
	if (!groups || groups.name === "." || groups.name === "..") return marker[1] === "!" ? `"${context}" is not <context>@<namespace>/<project>!<merge request>` : `"${context}" is not <context>@<owner>/<repository>#<pull request>`;
	return {
		base: groups.base,
		infra: {
			owner: groups.owner,
			name: groups.name,
			pullRequest: Number(groups.number),
			reference: context.slice(context.indexOf("@") + 1)
		}
	};
}
async function resolveInfraPullRequest(forge, request, policy) {
	const named = `${request.owner}/${request.name}`;
	if (!policy.infraRepositories.some((r) => r.toLowerCase() === named.toLowerCase())) return {
		kind: "refused",
		reason: `${named} is not an allowed infrastructure repository (server.infraRepositories)`
	};
	const ref = request.reference ?? `${named}#${request.pullRequest}`;
	const notFound = (error) => error instanceof ForgeError && error.status === 404;
	let repository;
	try {
		repository = await forge.getRepository(request);
	} catch (error) {
		if (notFound(error)) return {
			kind: "refused",
			reason: `repository ${named} does not exist`
		};
		throw error;
	}
	let pr;
	try {
		pr = await forge.getPullRequest(request, request.pullRequest);
	} catch (error) {
		if (notFound(error)) return {
			kind: "refused",
			reason: `${ref} does not exist`
		};
		throw error;
	}
	if (pr.state !== "open") return {
		kind: "refused",
		reason: `${ref} is closed`
	};
	if ((pr.headRepositoryDeleted === true || pr.headCloneUrl !== repository.cloneUrl) && !policy.trustedAuthors.includes(pr.author)) return {
		kind: "refused",
		reason: `${ref} is from a fork by ${pr.author}, who is not a trusted author`
	};
	return {
		kind: "ok",
		infra: {
			repository: {
				owner: repository.owner,
				name: repository.name,
				cloneUrl: repository.cloneUrl
			},
			pullRequest: pr.number,
			sha: pr.headSha
		}
	};
}
function parseProjectRequest(context, projects) {
	const groups = new RegExp(`^(?<base>[A-Za-z0-9][A-Za-z0-9._/-]*)@(?<owner>${OWNER})/(?<name>${REPOSITORY_NAME})$`).exec(context)?.groups;
	if (!groups) return null;
	if (context.length > 100) return `"${context.slice(0, 40)}\u2026" is longer than 100 characters`;
	const named = `${groups.owner}/${groups.name}`;
	const project = projects.find((p) => p.toLowerCase() === named.toLowerCase());
	if (!project) return `${named} is not a project infrastructure pull requests are tested with (server.infraProjects)`;
	const slash = project.lastIndexOf("/");
	return {
		base: groups.base,
		project: {
			owner: project.slice(0, slash),
			name: project.slice(slash + 1)
		}
	};
}
function notRun(reason) {
	return `Not run: ${reason}`;
}
export { resolveInfraPullRequest as a, parseProjectRequest as i, notRun as n, parseCrossProjectContext as r, REPOSITORY_PATH as t };
