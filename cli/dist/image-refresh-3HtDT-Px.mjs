import { c as parseImageReference, i as formatImageReference, n as assertImageName, r as blobName, s as parseBlobName } from "./image-reference-t7zZk7rK.mjs";
import { t as gitCredentialsEnv } from "./git-credentials-BxKja2k_.mjs";
import { n as tickTask } from "./task-list-DzArkdQ6.mjs";
import __ironbotsPath from "node:path";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
// runner-agent/src/images/image-refresh.ts
const run = promisify(execFile);
const PUSH_ATTEMPTS = 3;
const REFRESH_BRANCH_PREFIX = "image-refresh/";
async function refreshImage(options) {
	const { name, forge, repo, io } = options;
	assertImageName(name);
	if (options.pullRequest !== void 0) await taskPullRequest(options, options.pullRequest);
	const scratch = await mkdtemp(__ironbotsPath.join(options.workDir, `refresh-${name}-`));
	try {
		io.log(`building image ${name}`);
		const built = await options.builder.build(name, __ironbotsPath.join(scratch, "build"), io);
		if (built.name !== name) throw new Error(`the builder built image "${built.name}", not "${name}"`);
		const blob = blobName(name, built.sha256);
		io.log(`built ${blob} (${built.bytes} bytes); boot-testing it`);
		await options.builder.bootTest(built, io);
		io.log(`boot test passed; uploading to ${options.store.description}`);
		await options.store.upload(built.path, blob, {
			...options.uploadProgress ? { progress: options.uploadProgress } : {},
			...io.signal ? { signal: io.signal } : {}
		});
		const repository = await forge.getRepository(repo);
		const file = `images/${name}`;
		if (options.pullRequest !== void 0) return await commitToPullRequest(options, options.pullRequest, blob, __ironbotsPath.join(scratch, "repository"));
		const onDefault = await forge.getFileContent(repo, file, repository.defaultBranch);
		if (onDefault !== null && referencedBlob(name, onDefault) === blob) {
			io.log(`${repository.defaultBranch} already uses ${blob}`);
			return {
				kind: "current",
				blob
			};
		}
		const refreshes = (await forge.listOpenPullRequests(repo)).filter((pr) => pr.headRef.startsWith(`${REFRESH_BRANCH_PREFIX}${name}-`));
		for (const pr of refreshes) {
			const content = await forge.getFileContent(repo, file, pr.headSha);
			if (content !== null && referencedBlob(name, content) === blob) {
				io.log(`pull request #${pr.number} already proposes ${blob}: ${pr.htmlUrl}`);
				return {
					kind: "existing-pull-request",
					blob,
					pullRequest: pr
				};
			}
		}
		const branch = `${REFRESH_BRANCH_PREFIX}${name}-${(options.now ?? /* @__PURE__ */ new Date()).toISOString().slice(0, 10)}`;
		const credentials = forge.gitCredentials();
		const git = gitIn(__ironbotsPath.join(scratch, "repository"), credentials);
		await run("git", [
			"clone",
			"--quiet",
			"--depth",
			"1",
			"--branch",
			repository.defaultBranch,
			repository.cloneUrl,
			git.dir
		], { env: git.env });
		await mkdir(__ironbotsPath.join(git.dir, "images"), { recursive: true });
		await writeFile(__ironbotsPath.join(git.dir, file), formatImageReference(parseBlobName(blob)));
		await git.run("add", "--", file);
		await git.run("commit", "--quiet", "-m", `images: refresh ${name}\n\n${file} \u2192 ${blob}`);
		await git.run("push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`);
		io.log(`pushed ${branch}`);
		const body = [
			`Refreshes the \`${name}\` VM image: \`${file}\` now names \`${blob}\`.`,
			"",
			`- size: ${built.bytes} bytes`,
			`- sha256: \`${built.sha256}\``,
			`- store: ${options.store.description}`,
			"- boot test: passed",
			"",
			"This pull request's tests run against the new image; merge it when they pass."
		].join("\n");
		const title = `images: refresh ${name}`;
		const existing = await forge.findOpenPullRequest(repo, branch);
		const pullRequest = existing ? await forge.updatePullRequest(repo, existing.number, {
			title,
			body
		}) : await forge.createPullRequest(repo, {
			title,
			head: branch,
			base: repository.defaultBranch,
			body
		});
		io.log(`${existing ? "updated" : "opened"} pull request #${pullRequest.number}: ${pullRequest.htmlUrl}`);
		for (const old of refreshes.filter((pr) => pr.number !== pullRequest.number)) {
			await forge.createIssueComment(repo, old.number, `Superseded by #${pullRequest.number} (${blob}).`);
			await forge.closePullRequest(repo, old.number);
			io.log(`closed pull request #${old.number}, superseded`);
		}
		return {
			kind: "opened-pull-request",
			blob,
			pullRequest,
			branch
		};
	} finally {
		await rm(scratch, {
			recursive: true,
			force: true
		});
	}
}
async function taskPullRequest(options, number) {
	const { forge, repo } = options;
	const [repository, pr] = await Promise.all([forge.getRepository(repo), forge.getPullRequest(repo, number)]);
	const named = `${repo.owner}/${repo.name}`;
	if (pr.state !== "open") throw new Error(`pull request #${number} of ${named} is closed`);
	if (pr.headRepositoryDeleted || pr.headCloneUrl !== repository.cloneUrl) throw new Error(`pull request #${number} is from a branch outside ${named} (${pr.headCloneUrl}); the refresh pushes only to branches of ${named}`);
	return pr;
}
async function commitToPullRequest(options, number, blob, dir) {
	const { name, forge, repo, io } = options;
	const file = `images/${name}`;
	const pr = await taskPullRequest(options, number);
	const commit = await pushOntoBranch({
		dir,
		url: pr.headCloneUrl,
		branch: pr.headRef,
		credentials: forge.gitCredentials(),
		io,
		change: async (git, head) => {
			const content = await readFile(__ironbotsPath.join(dir, file), "utf8").catch(() => null);
			if (content !== null && referencedBlob(name, content) === blob) {
				io.log(`${pr.headRef} at ${head.slice(0, 7)} already uses ${blob}`);
				return false;
			}
			await mkdir(__ironbotsPath.join(dir, "images"), { recursive: true });
			await writeFile(__ironbotsPath.join(dir, file), formatImageReference(parseBlobName(blob)));
			await git("add", "--", file);
			await git("commit", "--quiet", "-m", `images: refresh ${name}\n\n${file} \u2192 ${blob}`);
			return true;
		}
	});
	if (commit) io.log(`pushed ${commit.slice(0, 7)} onto ${pr.headRef} of pull request #${number}`);
	const text = `image-refresh ${name}`;
	const current = await forge.getPullRequest(repo, number);
	const ticked = tickTask(current.body, text);
	if (ticked === null) io.log(`the description of #${number} has no unticked box \`${text}\``);
	else {
		await forge.updatePullRequest(repo, number, { body: ticked });
		io.log(`ticked \`${text}\` in the description of #${number}`);
	}
	return {
		kind: "task-done",
		blob,
		pullRequest: ticked === null ? current : {
			...current,
			body: ticked
		},
		commit,
		ticked: ticked !== null
	};
}
async function pushOntoBranch(options) {
	const { dir, url, branch, io } = options;
	const attempts = options.attempts ?? PUSH_ATTEMPTS;
	const git = gitIn(dir, options.credentials);
	const text = async (...args) => (await git.run(...args)).stdout.trim();
	await run("git", [
		"init",
		"--quiet",
		dir
	], { env: git.env });
	for (let attempt = 1;; attempt++) {
		await git.run("fetch", "--quiet", "--depth", "1", url, `refs/heads/${branch}`);
		await git.run("checkout", "--quiet", "--force", "-B", "work", "FETCH_HEAD");
		if (!await options.change(text, await text("rev-parse", "HEAD"))) return null;
		if (await git.run("push", "--quiet", url, `HEAD:refs/heads/${branch}`).then(() => true).catch((error) => {
			if (!/\((non-fast-forward|fetch first)\)/.test(error.stderr ?? "")) throw error;
			return false;
		})) return text("rev-parse", "HEAD");
		if (attempt >= attempts) throw new Error(`${branch} kept moving while pushing onto it; gave up after ${attempts} attempts`);
		io.log(`${branch} moved on meanwhile; committing again on its new head`);
	}
}
function referencedBlob(name, content) {
	try {
		return parseImageReference(name, content).blob;
	} catch {
		return null;
	}
}
function gitIn(dir, credentials) {
	const env = {
		PATH: process.env.PATH,
		HOME: dir,
		LANG: "C.UTF-8",
		GIT_TERMINAL_PROMPT: "0",
		GIT_CONFIG_NOSYSTEM: "1",
		GIT_CONFIG_GLOBAL: "/dev/null",
		GIT_AUTHOR_NAME: "ironbots",
		GIT_AUTHOR_EMAIL: "ironbots@users.noreply.github.com",
		GIT_COMMITTER_NAME: "ironbots",
		GIT_COMMITTER_EMAIL: "ironbots@users.noreply.github.com"
	};
	Object.assign(env, gitCredentialsEnv(credentials));
	return {
		dir,
		env,
		run: (...args) => run("git", [
			"-C",
			dir,
			...args
		], { env })
	};
}
export { refreshImage };
