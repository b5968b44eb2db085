export const id = 631;
export const ids = [631];
export const modules = {

/***/ 2969:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hy: () => (/* binding */ truncateDescription),
/* harmony export */   Q8: () => (/* binding */ ForgeError)
/* harmony export */ });
/* unused harmony exports STATUS_DESCRIPTION_LIMIT, describeScope */
/**
 * The forge (GitHub, GitLab, or the built-in emulator) is the single source of truth: statuses, pull requests
 * and files are read from it, so a lost event can always be recovered by re-reading it.
 * Every implementation passes test/forge/forge-contract.ts.
 */
const STATUS_DESCRIPTION_LIMIT = 140;
function truncateDescription(text) {
    return text.length <= STATUS_DESCRIPTION_LIMIT ? text : `${text.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`;
}
class ForgeError extends Error {
    status;
    constructor(message, status) {
        super(message);
        this.name = 'ForgeError';
        this.status = status;
    }
}
function describeScope(scope) {
    return 'org' in scope ? `organisation ${scope.org}` : `${scope.repo.owner}/${scope.repo.name}`;
}


/***/ }),

/***/ 3017:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GitLabForge: () => (/* binding */ GitLabForge)
});

// EXTERNAL MODULE: ./node_modules/@gitbeaker/rest/dist/index.mjs + 1 modules
var dist = __webpack_require__(7582);
// EXTERNAL MODULE: ./forge/forge.ts
var forge = __webpack_require__(2969);
// EXTERNAL MODULE: ./node_modules/@gitbeaker/requester-utils/dist/index.mjs
var requester_utils_dist = __webpack_require__(3888);
;// CONCATENATED MODULE: ./forge/gitlab/retrying-requester.ts

/** Why a request is tried again: a rate limit, or a gateway that could not reach GitLab. */
const RATE_LIMITED = 429;
const GATEWAY_FAILURES = new Set([502, 503, 504]);
/**
 * gitbeaker's requester with GitLab's Retry-After honoured. gitbeaker's own retries a 429 or 502 ten times
 * within half a second, whatever GitLab asks, and then drops the answer (status and headers). This one
 * waits as long as a 429's Retry-After (or RateLimit-Reset) says and tries once more, or fails at once with
 * the 429 when that is longer than allowed; gateway failures are retried after 1, 4, 9… seconds.
 * Everything else (parsing, gitbeaker's client-side rate limiters, error shapes) is as in @gitbeaker/rest.
 */
function retryingRequester(policy) {
    return (0,requester_utils_dist/* createRequesterFn */.PD)((_service, options) => Promise.resolve(options), handlerWith(policy));
}
function handlerWith(policy) {
    return async (endpoint, options) => {
        const { rateLimiters, agent, asStream, prefixUrl, searchParams, method, ...init } = (options ??
            {});
        const rateLimit = (0,requester_utils_dist/* getMatchingRateLimiter */.y9)(endpoint, rateLimiters, method);
        const base = prefixUrl === undefined || prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`;
        const url = new URL(endpoint, base);
        url.search = searchParams ?? '';
        // GitLab serves archives from another origin after a redirect; gitbeaker asks for this mode there.
        const mode = endpoint.includes('repository/archive') ? 'same-origin' : undefined;
        let rateLimitRetries = 0;
        for (let gatewayRetries = 0;;) {
            const request = new Request(url, { ...init, ...(method ? { method } : {}), mode });
            await rateLimit();
            const response = await fetch(request, ...(agent ? [{ dispatcher: agent }] : [])).catch((error) => {
                const name = error.name;
                if (name === 'TimeoutError' || name === 'AbortError')
                    throw new requester_utils_dist/* GitbeakerTimeoutError */._d('Query timeout was reached');
                throw error;
            });
            if (response.ok)
                return parseResponse(response, asStream ?? false);
            let waitSeconds = null;
            if (response.status === RATE_LIMITED) {
                const asked = askedWaitSeconds(response.headers) ?? 60;
                const retrying = rateLimitRetries < 1 && asked <= policy.maxRateLimitWaitSeconds;
                policy.logger?.warn({ retryAfterSeconds: asked, method: request.method, url: endpoint, retrying }, `GitLab rate limit hit${retrying ? `, retrying once in ${asked} s` : asked > policy.maxRateLimitWaitSeconds ? `, giving up: the wait is longer than ${policy.maxRateLimitWaitSeconds} s` : ', giving up'}`);
                if (retrying) {
                    rateLimitRetries++;
                    waitSeconds = asked;
                }
            }
            else if (GATEWAY_FAILURES.has(response.status) && gatewayRetries < policy.retries) {
                gatewayRetries++;
                waitSeconds = Math.min(askedWaitSeconds(response.headers) ?? gatewayRetries ** 2, 60);
            }
            if (waitSeconds === null)
                throw await requestError(request, response);
            await response.body?.cancel();
            await new Promise((resolve) => setTimeout(resolve, waitSeconds * policy.secondMs));
        }
    };
}
/**
 * Seconds to wait as the answer says: Retry-After (seconds or an HTTP date), else GitLab's RateLimit-Reset
 * (a Unix time); null when it says neither.
 */
function askedWaitSeconds(headers, now = Date.now()) {
    const retryAfter = headers.get('retry-after')?.trim();
    if (retryAfter) {
        if (/^\d+$/.test(retryAfter))
            return Number(retryAfter);
        const at = Date.parse(retryAfter);
        if (!Number.isNaN(at))
            return Math.max(0, Math.ceil((at - now) / 1000));
    }
    const reset = headers.get('ratelimit-reset')?.trim();
    if (reset && /^\d+$/.test(reset))
        return Math.max(0, Number(reset) - Math.floor(now / 1000));
    return null;
}
/** As @gitbeaker/rest reads an answer: JSON, text, or a Blob; a stream when asked. */
async function parseResponse(response, asStream) {
    const headers = Object.fromEntries(response.headers.entries());
    const { status } = response;
    if (asStream)
        return { body: response.body, headers, status };
    if (status === 204)
        return { body: null, headers, status };
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
    let body;
    if (contentType === 'application/json')
        body = (await response.json()) || {};
    else if (contentType.startsWith('text/'))
        body = (await response.text()) || '';
    else
        body = await response.blob();
    return { body, headers, status };
}
/** gitbeaker's request error: GitLab's `error` or `message` (or the text), with the request and response. */
async function requestError(request, response) {
    const content = await response.text();
    let description = content;
    if (response.headers.get('content-type')?.includes('application/json')) {
        try {
            const parsed = JSON.parse(content);
            const property = parsed?.error || parsed?.message || '';
            description = typeof property === 'string' ? property : JSON.stringify(property);
        }
        catch {
            // Not JSON after all: the text is the description.
        }
    }
    return new requester_utils_dist/* GitbeakerRequestError */.UN(description, { cause: { description, request, response } });
}

;// CONCATENATED MODULE: ./forge/gitlab/gitlab-forge.ts



/**
 * How far before the newest `updated_at` already seen the next listing asks from: an update whose
 * transaction committed after a listing may carry an earlier time than what that listing saw.
 */
const UPDATED_AFTER_OVERLAP_MS = 60_000;
/** GitLab's answer (404) to a status for a commit that no branch of the project contains. */
const NO_REF_FOR_COMMIT = /References for commit Not Found/i;
/** GitLab's access level of a Developer: the lowest that may push to a project's branches. */
const DEVELOPER_ACCESS = 30;
/**
 * GitLab has no `error` state: `error` is posted as `failed` with this prefix on the description, and read
 * back as `error` with the prefix removed, so the distinction survives the round trip.
 */
const ERROR_PREFIX = 'error';
/**
 * What GitLab answers (400) when a status is posted that its record cannot move to, e.g. the state it is
 * already in: "Cannot transition status via :enqueue from :pending", "… via :run from :running".
 */
const REFUSED_TRANSITION = /Cannot transition status via :\w+ from :(\w+)/;
/**
 * The forge on GitLab's REST API (v4) through @gitbeaker/rest: a project is a repository, a merge request a
 * pull request, a commit status a job of GitLab's external pipeline for the commit.
 */
class GitLabForge {
    kind = 'gitlab';
    #token;
    #logger;
    #projects;
    #mergeRequests;
    #notes;
    #files;
    #commits;
    #issues;
    #branches;
    #openMergeRequests = new Map();
    /** Clone URLs of the projects merge requests come from, by project id; forgotten at each full listing. */
    #cloneUrls = new Map();
    #fullListingEveryMs;
    #listingEntries;
    #users;
    #members;
    constructor(options) {
        this.#token = options.token;
        this.#logger = options.logger;
        this.#fullListingEveryMs = options.fullMergeRequestListingEveryMs ?? 3_600_000;
        this.#listingEntries = options.mergeRequestListingEntries ?? 256;
        const config = {
            host: options.host ?? 'https://gitlab.com',
            token: options.token,
            requesterFn: retryingRequester({
                retries: options.retries ?? 2,
                maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 120,
                secondMs: options.retryDelayUnitMs ?? 1000,
                logger: options.logger,
            }),
        };
        this.#projects = new dist/* Projects */.JtL(config);
        this.#mergeRequests = new dist/* MergeRequests */.nPt(config);
        this.#notes = new dist/* MergeRequestNotes */.vxy(config);
        this.#files = new dist/* RepositoryFiles */.Yn4(config);
        this.#commits = new dist/* Commits */.f7P(config);
        this.#issues = new dist/* Issues */.tm1(config);
        this.#branches = new dist/* Branches */.PRz(config);
        this.#users = new dist/* Users */.zWC(config);
        this.#members = new dist/* ProjectMembers */.rRD(config);
    }
    async getRepository(repo) {
        const project = await this.#project(projectId(repo));
        const slash = project.path_with_namespace.lastIndexOf('/');
        return {
            owner: project.path_with_namespace.slice(0, slash),
            name: project.path,
            // Null until the first push; `main` is GitLab's default for new projects.
            defaultBranch: project.default_branch ?? 'main',
            cloneUrl: project.http_url_to_repo,
            htmlUrl: project.web_url,
        };
    }
    async getPullRequest(repo, number) {
        const mr = await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.show(projectId(repo), number));
        return (await this.#toPullRequests([mr]))[0];
    }
    /**
     * GitLab's REST API has no conditional requests (it sends no ETag for a list, and a repeated request costs
     * its full price), so a scan is kept cheap another way: after one full listing, each listing asks only for
     * the merge requests updated since (in any state, so that closed and merged ones leave), usually an empty
     * page, and applies them to what it remembers.
     */
    async listOpenPullRequests(repo) {
        const key = projectPath(repo);
        const known = this.#openMergeRequests.get(key);
        this.#openMergeRequests.delete(key);
        const now = Date.now();
        let listing;
        if (!known || known.newest === null || now - known.fullListingAt >= this.#fullListingEveryMs) {
            // A project renamed meanwhile has a new clone URL.
            this.#cloneUrls.clear();
            const mrs = (await this.#call(`GET ${key}/merge_requests?state=opened`, () => this.#mergeRequests.all({ projectId: projectId(repo), state: 'opened', perPage: 100 })));
            const pulls = await this.#toPullRequests(mrs);
            listing = {
                byNumber: new Map(pulls.map((p) => [p.number, p])),
                newest: newestUpdate(mrs, null),
                fullListingAt: now,
            };
        }
        else {
            const since = new Date(known.newest - UPDATED_AFTER_OVERLAP_MS).toISOString();
            const mrs = (await this.#call(`GET ${key}/merge_requests?updated_after=${since}`, () => this.#mergeRequests.all({ projectId: projectId(repo), updatedAfter: since, perPage: 100 })));
            const byNumber = new Map(known.byNumber);
            const opened = mrs.filter((mr) => mr.state === 'opened');
            for (const mr of mrs)
                if (mr.state !== 'opened')
                    byNumber.delete(mr.iid);
            for (const pull of await this.#toPullRequests(opened))
                byNumber.set(pull.number, pull);
            listing = { byNumber, newest: newestUpdate(mrs, known.newest), fullListingAt: known.fullListingAt };
        }
        this.#openMergeRequests.set(key, listing);
        if (this.#openMergeRequests.size > this.#listingEntries)
            this.#openMergeRequests.delete(this.#openMergeRequests.keys().next().value);
        // Newest first, as GitLab lists them.
        return [...listing.byNumber.values()].sort((a, b) => b.number - a.number);
    }
    async listBranches(repo) {
        const branches = await this.#call(`GET ${projectPath(repo)}/repository/branches`, () => this.#branches.all(projectId(repo), { perPage: 100 }));
        return branches.map((b) => ({
            name: b.name,
            sha: b.commit.id,
        }));
    }
    async createPullRequest(repo, pr) {
        const mr = await this.#call(`POST ${projectPath(repo)}/merge_requests`, () => this.#mergeRequests.create(projectId(repo), pr.head, pr.base, pr.title, {
            ...(pr.body !== undefined ? { description: pr.body } : {}),
        }));
        return (await this.#toPullRequests([mr]))[0];
    }
    async findOpenPullRequest(repo, head) {
        const mrs = await this.#call(`GET ${projectPath(repo)}/merge_requests?state=opened&source_branch=${head}`, () => this.#mergeRequests.all({
            projectId: projectId(repo),
            state: 'opened',
            sourceBranch: head,
            perPage: 100,
        }));
        // A fork's merge request into this project can have a source branch of the same name: not ours.
        const own = await this.#project(projectId(repo));
        const mr = mrs.find((m) => m.source_branch === head && m.source_project_id === own.id);
        return mr ? (await this.#toPullRequests([mr]))[0] : null;
    }
    async updatePullRequest(repo, number, update) {
        return this.#editMergeRequest(repo, number, {
            ...(update.title !== undefined ? { title: update.title } : {}),
            ...(update.body !== undefined ? { description: update.body } : {}),
        });
    }
    async closePullRequest(repo, number) {
        const current = await this.getPullRequest(repo, number);
        // GitLab refuses to close a closed or merged merge request; that is already what was asked for.
        if (current.state === 'closed')
            return current;
        return this.#editMergeRequest(repo, number, { stateEvent: 'close' });
    }
    async #editMergeRequest(repo, number, fields) {
        const mr = await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.edit(projectId(repo), number, fields));
        return (await this.#toPullRequests([mr]))[0];
    }
    async getFileContent(repo, path, ref) {
        const what = `GET ${projectPath(repo)}/repository/files/${path}/raw?ref=${ref}`;
        try {
            const body = await this.#files.showRaw(projectId(repo), path, ref);
            // GitLab serves text blobs as text/plain (a string here) and others as application/octet-stream (a Blob).
            return typeof body === 'string' ? body : await body.text();
        }
        catch (error) {
            const failure = toForgeError(error, what);
            // A missing file or ref is an answer; a missing project is not.
            if (failure.status === 404 && !/Project Not Found/i.test(failure.message))
                return null;
            throw failure;
        }
    }
    /**
     * GitLab keeps one status record per name while it is pending or running and moves it through its job
     * states; it refuses (400) a transition to the state the record is in, and then saves nothing, neither
     * state nor description. So a `pending` posted while the record is pending goes on as `running` (read
     * back as `pending`), which keeps the new description and link ("In progress", the log URL); one posted
     * while it is running is already what was asked for, and succeeds without changing the description.
     */
    async setCommitStatus(repo, sha, status) {
        const description = status.state === 'error'
            ? status.description
                ? `${ERROR_PREFIX}: ${status.description}`
                : ERROR_PREFIX
            : status.description;
        let ref;
        const post = (state) => this.#call(`POST ${projectPath(repo)}/statuses/${sha}`, () => this.#commits.editStatus(projectId(repo), sha, state, {
            name: status.context,
            ...(ref !== undefined ? { ref } : {}),
            ...(description !== undefined ? { description: (0,forge/* truncateDescription */.Hy)(description) } : {}),
            ...(status.targetUrl !== undefined ? { targetUrl: status.targetUrl } : {}),
        }));
        let state = toGitLabState(status.state);
        for (;;) {
            try {
                await post(state);
                return;
            }
            catch (error) {
                // A fork's merge request head is on no branch of this project: GitLab finds no ref for it by itself,
                // so the status goes on the merge request's ref.
                if (ref === undefined && error instanceof forge/* ForgeError */.Q8 && NO_REF_FOR_COMMIT.test(error.message)) {
                    ref = await this.#mergeRequestRefOf(repo, sha);
                    if (ref !== undefined)
                        continue;
                }
                const current = error instanceof forge/* ForgeError */.Q8 ? refusedFrom(error) : null;
                if (current === null)
                    throw error;
                if (state === 'pending' && current === 'pending') {
                    state = 'running';
                    continue;
                }
                if (toCommitState(current) !== status.state)
                    throw error;
                this.#logger?.debug({ context: status.context, sha, state: current }, 'GitLab commit status already in the state asked for');
                return;
            }
        }
    }
    /** `refs/merge-requests/<iid>/head` of an open merge request whose head is `sha`, if any. */
    async #mergeRequestRefOf(repo, sha) {
        const mrs = (await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/merge_requests`, () => this.#commits.allMergeRequests(projectId(repo), sha)));
        const mr = mrs.find((m) => m.sha === sha && m.state === 'opened') ?? mrs[0];
        return mr ? `refs/merge-requests/${mr.iid}/head` : undefined;
    }
    async listCommitStatuses(repo, sha) {
        // Without `all`, GitLab lists the latest status per name in each pipeline; a commit on several refs can
        // have several pipelines, so keep the newest (highest id) per name.
        const statuses = await this.#statuses(repo, sha, false);
        const newest = new Map();
        for (const s of statuses) {
            const seen = newest.get(s.name);
            if (!seen || seen.id < s.id)
                newest.set(s.name, s);
        }
        return [...newest.values()].sort((a, b) => a.id - b.id).map(toStatus);
    }
    /**
     * Every status record GitLab kept, oldest first. GitLab updates a pending or running status of the same
     * name in place, so a `pending` followed by `success` is one record (now `success`), not two.
     */
    async listCommitStatusHistory(repo, sha) {
        const statuses = await this.#statuses(repo, sha, true);
        return [...statuses].sort((a, b) => a.id - b.id).map(toStatus);
    }
    /** Comments on the merge request with this iid (GitLab numbers issues and merge requests separately). */
    async createIssueComment(repo, number, body) {
        await this.#call(`POST ${projectPath(repo)}/merge_requests/${number}/notes`, () => this.#notes.create(projectId(repo), number, body));
    }
    async listIssueComments(repo, number) {
        const notes = await this.#call(`GET ${projectPath(repo)}/merge_requests/${number}/notes`, () => this.#notes.all(projectId(repo), number, { orderBy: 'created_at', sort: 'asc', perPage: 100 }));
        // System notes ("added 1 commit", "changed the description") are GitLab's, not comments.
        return notes
            .filter((n) => !n.system)
            .map((n) => ({ author: String(n.author?.username ?? ''), body: String(n.body ?? '') }));
    }
    /** GitLab ignores a label the merge request does not have (and says 200). */
    async removePullRequestLabel(repo, number, label) {
        await this.#call(`PUT ${projectPath(repo)}/merge_requests/${number}`, () => this.#mergeRequests.edit(projectId(repo), number, { removeLabels: label }));
    }
    /** Developer (30) or above on the project, memberships inherited from its groups included. */
    async hasWriteAccess(repo, login) {
        const users = (await this.#call(`GET /users?username=${encodeURIComponent(login)}`, () => this.#users.all({ username: login })));
        const user = users.find((u) => u.username.toLowerCase() === login.toLowerCase());
        if (!user)
            return false;
        try {
            const member = (await this.#call(`GET ${projectPath(repo)}/members/all/${user.id}`, () => this.#members.show(projectId(repo), user.id, { includeInherited: true })));
            return member.access_level >= DEVELOPER_ACCESS;
        }
        catch (error) {
            if (error instanceof forge/* ForgeError */.Q8 && error.status === 404)
                return false;
            throw error;
        }
    }
    async findOpenIssue(repo, title) {
        // GitLab's search matches substrings; only the exact title counts.
        const issues = await this.#call(`GET ${projectPath(repo)}/issues?state=opened`, () => this.#issues.all({
            projectId: projectId(repo),
            state: 'opened',
            search: title,
            in: 'title',
            perPage: 100,
        }));
        const matches = issues
            .filter((i) => i.title === title)
            .sort((a, b) => a.iid - b.iid);
        return matches[0] ? toIssue(matches[0]) : null;
    }
    async createIssue(repo, issue) {
        const created = await this.#call(`POST ${projectPath(repo)}/issues`, () => this.#issues.create(projectId(repo), issue.title, {
            description: issue.body,
            ...(issue.labels?.length ? { labels: issue.labels.join(',') } : {}),
        }));
        return toIssue(created);
    }
    async updateIssue(repo, number, update) {
        return this.#editIssue(repo, number, {
            ...(update.title !== undefined ? { title: update.title } : {}),
            ...(update.body !== undefined ? { description: update.body } : {}),
        });
    }
    async closeIssue(repo, number) {
        return this.#editIssue(repo, number, { stateEvent: 'close' });
    }
    async #editIssue(repo, number, fields) {
        const edited = await this.#call(`PUT ${projectPath(repo)}/issues/${number}`, () => this.#issues.edit(projectId(repo), number, fields));
        return toIssue(edited);
    }
    gitCredentials() {
        return { username: 'oauth2', password: this.#token };
    }
    async #statuses(repo, sha, all) {
        // GitLab paginates this list (per_page up to 100); gitbeaker follows the Link header's next page.
        // Its typings omit the pagination and ordering parameters the endpoint takes.
        const query = { all, orderBy: 'id', sort: 'asc', perPage: 100 };
        const statuses = await this.#call(`GET ${projectPath(repo)}/repository/commits/${sha}/statuses`, () => this.#commits.allStatuses(projectId(repo), sha, query));
        return statuses;
    }
    async #project(id) {
        const project = await this.#call(`GET /projects/${encodeURIComponent(id)}`, () => this.#projects.show(id));
        return project;
    }
    /** Merge requests from forks live in another project: their clone URL is that project's. */
    async #toPullRequests(mrs) {
        const cloneUrl = (id) => {
            let url = this.#cloneUrls.get(id);
            if (!url) {
                url = this.#project(id).then((p) => p.http_url_to_repo);
                // A failed lookup is asked again next time.
                url.catch(() => this.#cloneUrls.delete(id));
                if (this.#cloneUrls.size >= 1024)
                    this.#cloneUrls.clear();
                this.#cloneUrls.set(id, url);
            }
            return url;
        };
        return Promise.all(mrs.map(async (mr) => ({
            number: mr.iid,
            state: mr.state === 'opened' ? 'open' : 'closed',
            title: mr.title,
            body: mr.description ?? '',
            author: mr.author?.username ?? 'ghost',
            headSha: mr.sha,
            headRef: mr.source_branch,
            baseRef: mr.target_branch,
            htmlUrl: mr.web_url,
            headCloneUrl: await cloneUrl(mr.source_project_id),
        })));
    }
    async #call(what, request) {
        try {
            return await request();
        }
        catch (error) {
            throw toForgeError(error, what);
        }
    }
}
function toIssue(issue) {
    return {
        number: issue.iid,
        state: issue.state === 'opened' ? 'open' : 'closed',
        title: issue.title,
        body: issue.description ?? '',
        labels: [...issue.labels],
        htmlUrl: issue.web_url,
    };
}
/** GitLab addresses a project by its id or its URL-encoded full path; gitbeaker does the encoding. */
function projectId(repo) {
    return `${repo.owner}/${repo.name}`;
}
function projectPath(repo) {
    return `/projects/${encodeURIComponent(projectId(repo))}`;
}
function toGitLabState(state) {
    switch (state) {
        case 'pending':
            return 'pending';
        case 'success':
            return 'success';
        case 'failure':
        case 'error':
            return 'failed';
    }
}
/** The state of a GitLab job status in this interface's terms (`failed` is `failure` here; see toStatus). */
function toCommitState(status) {
    switch (status) {
        case 'success':
            return 'success';
        case 'failed':
            return 'failure';
        // Did not run to an outcome: neither a pass nor a test failure.
        case 'canceled':
        case 'skipped':
            return 'error';
        // created, pending, running, waiting_for_resource, preparing, scheduled, manual.
        default:
            return 'pending';
    }
}
function toStatus(s) {
    let state = toCommitState(s.status);
    let description = s.description;
    if (state === 'failure' && (description === ERROR_PREFIX || description?.startsWith(`${ERROR_PREFIX}: `))) {
        state = 'error';
        description = description.slice(ERROR_PREFIX.length + 2) || null;
    }
    return {
        state,
        context: s.name,
        ...(description ? { description } : {}),
        ...(s.target_url ? { targetUrl: s.target_url } : {}),
        // A record changes state in place; report when it reached the state it is in.
        createdAt: s.finished_at ?? s.started_at ?? s.created_at,
    };
}
/** The state GitLab's status record is in when it refused a transition, or null for any other failure. */
function refusedFrom(error) {
    return error.status === 400 ? (REFUSED_TRANSITION.exec(error.message)?.[1] ?? null) : null;
}
/**
 * gitbeaker's request error carries the response (and the request, with the token in its headers: only the
 * status and GitLab's message are kept). A network failure or timeout has no status (0: worth retrying).
 */
function toForgeError(error, what) {
    if (error instanceof forge/* ForgeError */.Q8)
        return error;
    if (error instanceof dist/* GitbeakerRequestError */.UNz) {
        const response = error.cause?.response;
        const status = response?.status ?? 0;
        const retryAfter = response?.headers.get('retry-after');
        const after = retryAfter ? ` (retry after ${retryAfter}${/^\d+$/.test(retryAfter) ? ' s' : ''})` : '';
        return new forge/* ForgeError */.Q8(`${what}: ${status || 'network error'} ${error.message.trim()}${after}`, status);
    }
    return new forge/* ForgeError */.Q8(`${what}: network error ${error.message}`, 0);
}
/** The newest `updated_at` among `mrs` and `since` (epoch ms). */
function newestUpdate(mrs, since) {
    return mrs.reduce((newest, mr) => {
        const at = Date.parse(mr.updated_at);
        return Number.isNaN(at) || (newest !== null && newest >= at) ? newest : at;
    }, since);
}


/***/ }),

/***/ 7788:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {

var map = {
	"./BurstyRateLimiter": [
		5860
	],
	"./BurstyRateLimiter.js": [
		5860
	],
	"./ExpressBruteFlexible": [
		3966,
		966
	],
	"./ExpressBruteFlexible.js": [
		3966,
		966
	],
	"./RLWrapperBlackAndWhite": [
		7383
	],
	"./RLWrapperBlackAndWhite.js": [
		7383
	],
	"./RLWrapperTimeouts": [
		4016
	],
	"./RLWrapperTimeouts.js": [
		4016
	],
	"./RateLimiterAbstract": [
		8569
	],
	"./RateLimiterAbstract.js": [
		8569
	],
	"./RateLimiterCluster": [
		565
	],
	"./RateLimiterCluster.js": [
		565
	],
	"./RateLimiterDrizzle": [
		673
	],
	"./RateLimiterDrizzle.js": [
		673
	],
	"./RateLimiterDrizzleNonAtomic": [
		5347
	],
	"./RateLimiterDrizzleNonAtomic.js": [
		5347
	],
	"./RateLimiterDynamo": [
		2309
	],
	"./RateLimiterDynamo.js": [
		2309
	],
	"./RateLimiterEtcd": [
		6481
	],
	"./RateLimiterEtcd.js": [
		6481
	],
	"./RateLimiterEtcdNonAtomic": [
		5299
	],
	"./RateLimiterEtcdNonAtomic.js": [
		5299
	],
	"./RateLimiterInsuredAbstract": [
		3847
	],
	"./RateLimiterInsuredAbstract.js": [
		3847
	],
	"./RateLimiterMemcache": [
		3250
	],
	"./RateLimiterMemcache.js": [
		3250
	],
	"./RateLimiterMemory": [
		4544
	],
	"./RateLimiterMemory.js": [
		4544
	],
	"./RateLimiterMongo": [
		8439
	],
	"./RateLimiterMongo.js": [
		8439
	],
	"./RateLimiterMySQL": [
		7793
	],
	"./RateLimiterMySQL.js": [
		7793
	],
	"./RateLimiterPostgres": [
		3740
	],
	"./RateLimiterPostgres.js": [
		3740
	],
	"./RateLimiterPrisma": [
		6323
	],
	"./RateLimiterPrisma.js": [
		6323
	],
	"./RateLimiterQueue": [
		2860
	],
	"./RateLimiterQueue.js": [
		2860
	],
	"./RateLimiterRedis": [
		4336
	],
	"./RateLimiterRedis.js": [
		4336
	],
	"./RateLimiterRes": [
		449
	],
	"./RateLimiterRes.js": [
		449
	],
	"./RateLimiterSQLite": [
		3283
	],
	"./RateLimiterSQLite.js": [
		3283
	],
	"./RateLimiterStoreAbstract": [
		5140
	],
	"./RateLimiterStoreAbstract.js": [
		5140
	],
	"./RateLimiterUnion": [
		244
	],
	"./RateLimiterUnion.js": [
		244
	],
	"./RateLimiterValkey": [
		2193
	],
	"./RateLimiterValkey.js": [
		2193
	],
	"./RateLimiterValkeyGlide": [
		3756
	],
	"./RateLimiterValkeyGlide.js": [
		3756
	],
	"./component/BlockedKeys": [
		8830
	],
	"./component/BlockedKeys/": [
		8830
	],
	"./component/BlockedKeys/BlockedKeys": [
		5202
	],
	"./component/BlockedKeys/BlockedKeys.js": [
		5202
	],
	"./component/BlockedKeys/index": [
		8830
	],
	"./component/BlockedKeys/index.js": [
		8830
	],
	"./component/MemoryStorage": [
		8178,
		178
	],
	"./component/MemoryStorage/": [
		8178,
		178
	],
	"./component/MemoryStorage/MemoryStorage": [
		1534
	],
	"./component/MemoryStorage/MemoryStorage.js": [
		1534
	],
	"./component/MemoryStorage/Record": [
		749
	],
	"./component/MemoryStorage/Record.js": [
		749
	],
	"./component/MemoryStorage/index": [
		8178,
		178
	],
	"./component/MemoryStorage/index.js": [
		8178,
		178
	],
	"./component/RateLimiterEtcdTransactionFailedError": [
		3184
	],
	"./component/RateLimiterEtcdTransactionFailedError.js": [
		3184
	],
	"./component/RateLimiterQueueError": [
		7948
	],
	"./component/RateLimiterQueueError.js": [
		7948
	],
	"./component/RateLimiterSetupError": [
		2922
	],
	"./component/RateLimiterSetupError.js": [
		2922
	],
	"./constants": [
		3880,
		880
	],
	"./constants.js": [
		3880,
		880
	]
};
function webpackAsyncContext(req) {
	if(!__webpack_require__.o(map, req)) {
		return Promise.resolve().then(() => {
			var e = new Error("Cannot find module '" + req + "'");
			e.code = 'MODULE_NOT_FOUND';
			throw e;
		});
	}

	var ids = map[req], id = ids[0];
	return Promise.all(ids.slice(1).map(__webpack_require__.e)).then(() => {
		return __webpack_require__.t(id, 7 | 16);
	});
}
webpackAsyncContext.keys = () => (Object.keys(map));
webpackAsyncContext.id = 7788;
module.exports = webpackAsyncContext;

/***/ })

};
