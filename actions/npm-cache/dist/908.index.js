export const id = 908;
export const ids = [908];
export const modules = {

/***/ 4908:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS: () => (/* binding */ DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS),
  GitHubForge: () => (/* binding */ GitHubForge)
});

// EXTERNAL MODULE: ./node_modules/@octokit/auth-app/dist-node/index.js + 9 modules
var dist_node = __webpack_require__(6479);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/@octokit/rest/dist-src/index.js + 3 modules
var dist_src = __webpack_require__(1267);
;// CONCATENATED MODULE: ./forge/forge.ts
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

;// CONCATENATED MODULE: ./core/octokit-retry.ts
/**
 * Retries of server errors and network failures for an Octokit client, configured as @octokit/plugin-retry is
 * (the `retry` option: retries, retryAfterBaseValue, doNotRetry) and retrying as it does: the n-th retry waits
 * n² × retryAfterBaseValue ms, a client error in doNotRetry never is, and `request: { retries }` overrides the
 * count for one request. Why not that plugin: it schedules every request, failed or not, through a new
 * Bottleneck limiter whose store yields to the event loop with setTimeout(0) at each step, which measured
 * ~4.5 ms on every request against the emulator, where the request itself takes 1.5-2 ms.
 */
/** The plugin's defaults. */
const DEFAULT_DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 451];
/**
 * Octokit's errors from the request itself carry `request`; a network failure is one of them, with status
 * 500 and the cause attached. An aborted request, or an error thrown by some other hook, is not.
 */
function statusOfRequestError(error) {
    if (typeof error !== 'object' || error === null || !('request' in error))
        return undefined;
    const status = error.status;
    return typeof status === 'number' ? status : undefined;
}
/** The Octokit plugin: `Octokit.plugin(…, retryTransientFailures)` with `retry: {…}` in the client's options. */
function retryTransientFailures(octokit, octokitOptions) {
    const retries = octokitOptions.retry?.retries ?? 3;
    const unitMs = octokitOptions.retry?.retryAfterBaseValue ?? 1000;
    const doNotRetry = new Set(octokitOptions.retry?.doNotRetry ?? DEFAULT_DO_NOT_RETRY);
    octokit.hook.wrap('request', async (request, options) => {
        const allowed = options.request?.retries ?? retries;
        for (let retryCount = 0;; retryCount++) {
            try {
                return await request(options);
            }
            catch (error) {
                const status = statusOfRequestError(error);
                if (status === undefined || status < 400 || doNotRetry.has(status) || retryCount >= allowed)
                    throw error;
                options.request = { ...options.request, retryCount: retryCount + 1 };
                await new Promise((resolve) => setTimeout(resolve, (retryCount + 1) ** 2 * unitMs));
            }
        }
    });
}

;// CONCATENATED MODULE: ./forge/github/conditional-cache.ts
/**
 * What conditional requests remember: per request (a list page), the ETag GitHub sent and what was read from
 * the answer, so that a `304 Not Modified` (which GitHub does not count against the rate limit) can be
 * answered from here. Bounded: the least recently used entry goes first.
 */
class ConditionalCache {
    #capacity;
    #entries = new Map();
    constructor(capacity) {
        if (!Number.isInteger(capacity) || capacity < 1)
            throw new Error(`conditional cache: capacity ${capacity} is not ≥ 1`);
        this.#capacity = capacity;
    }
    get size() {
        return this.#entries.size;
    }
    get(key) {
        const value = this.#entries.get(key);
        if (value === undefined)
            return undefined;
        this.#entries.delete(key);
        this.#entries.set(key, value);
        return value;
    }
    set(key, value) {
        this.#entries.delete(key);
        this.#entries.set(key, value);
        for (const oldest of this.#entries.keys()) {
            if (this.#entries.size <= this.#capacity)
                break;
            this.#entries.delete(oldest);
        }
    }
    delete(key) {
        this.#entries.delete(key);
    }
}

;// CONCATENATED MODULE: ./forge/github/github-forge.ts






/**
 * Registered first, so it sees each answer before the throttling plugin does. That plugin waits only on
 * GitHub's own rate-limit answers (a "secondary rate limit" message, or x-ratelimit-remaining: 0); a bare 429,
 * or a 403 with Retry-After (a proxy, a gateway in front of GitHub Enterprise), is marked as a secondary
 * limit so that the same hook waits as long as its Retry-After asks (60 s without one).
 */
function bareRateLimitsAsSecondary(octokit) {
    octokit.hook.error('request', (error) => {
        const { status, response } = error;
        const headers = response?.headers ?? {};
        const githubLimit = /\bsecondary rate\b/i.test(error.message) || headers['x-ratelimit-remaining'] === '0';
        if (!githubLimit && (status === 429 || (status === 403 && headers['retry-after'] !== undefined)))
            error.message = `${error.message} (secondary rate limit: a ${status} with Retry-After)`;
        throw error;
    });
}
const ThrottledOctokit = dist_src/* Octokit */.E.plugin(bareRateLimitsAsSecondary, dist_bundle/* throttling */.A, retryTransientFailures);
/** The longest wait for a rate limit unless configured otherwise: longer than GitHub's usual minute. */
const DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS = 120;
/** GitHub's limit on one page: fewer requests for long lists. */
const PER_PAGE = 100;
/** The forge on GitHub's REST API through Octokit, with throttling and retries of transient failures. */
class GitHubForge {
    kind = 'github';
    #octokit;
    #conditional;
    #conditionalPageSize;
    #rateLimit = null;
    /** The PAT, or the newest installation token of the App (renewed before it expires, an hour). */
    #token;
    #app;
    #onToken;
    constructor(options) {
        if (!options.token === !options.app)
            throw new Error('GitHub forge: give a token or an app, not both');
        this.#token = options.token ?? '';
        this.#app = options.app;
        this.#onToken = options.onToken;
        const logger = options.logger;
        const retryAfterBaseValue = options.retryDelayUnitMs ?? 1000;
        const maxWait = options.maxRateLimitWaitSeconds ?? DEFAULT_MAX_RATE_LIMIT_WAIT_SECONDS;
        // On a rate limit: wait as long as GitHub asks and try once more, unless that is longer than allowed;
        // then give up: the caller sees a ForgeError 403/429.
        const retryOnce = (kind) => (retryAfter, request, _octokit, retryCount) => {
            const tooLong = retryAfter > maxWait;
            const retrying = retryCount < 1 && !tooLong;
            logger?.warn({ retryAfterSeconds: retryAfter, method: request.method, url: request.url, retrying }, `GitHub ${kind} hit${retrying ? `, retrying once in ${retryAfter} s` : tooLong ? `, giving up: the wait is longer than ${maxWait} s` : ', giving up'}`);
            return retrying;
        };
        this.#octokit = new ThrottledOctokit({
            ...(options.app
                ? {
                    authStrategy: dist_node/* createAppAuth */.K,
                    auth: {
                        appId: options.app.appId,
                        privateKey: options.app.privateKey,
                        installationId: options.app.installationId,
                    },
                }
                : { auth: options.token }),
            baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
            userAgent: options.userAgent ?? 'ironbots',
            ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
            log: {
                debug: () => undefined,
                info: () => undefined,
                warn: (message) => logger?.warn(message),
                error: (message) => logger?.error(message),
            },
            // A 429 is the throttling's to wait on (or to give up on), never retried on a fixed backoff.
            retry: {
                retries: options.retries ?? 2,
                retryAfterBaseValue,
                doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
            },
            throttle: {
                enabled: options.throttle ?? true,
                retryAfterBaseValue,
                onRateLimit: retryOnce('rate limit'),
                onSecondaryRateLimit: retryOnce('secondary rate limit'),
            },
        });
        this.#conditional = new ConditionalCache(options.conditionalCacheEntries ?? 512);
        this.#conditionalPageSize = options.conditionalPageSize ?? PER_PAGE;
        this.#octokit.hook.after('request', (response) => this.#noteRateLimit(response.headers));
        this.#octokit.hook.error('request', (error) => {
            this.#noteRateLimit(error.response?.headers);
            throw error;
        });
    }
    /** The core rate limit as the newest answer that reported it said (a 304 reports it too). */
    rateLimit() {
        return this.#rateLimit ? { ...this.#rateLimit } : null;
    }
    #noteRateLimit(headers) {
        if (!headers)
            return;
        // Search, GraphQL and the others have budgets of their own.
        const resource = headers['x-ratelimit-resource'];
        if (resource !== undefined && resource !== 'core')
            return;
        const limit = Number(headers['x-ratelimit-limit']);
        const remaining = Number(headers['x-ratelimit-remaining']);
        const reset = Number(headers['x-ratelimit-reset']);
        if (headers['x-ratelimit-limit'] === undefined || ![limit, remaining, reset].every(Number.isFinite))
            return;
        this.#rateLimit = { limit, remaining, resetAt: reset * 1000 };
    }
    /**
     * Every page of a list, each page a conditional request: the ETag of the page's last answer goes along as
     * If-None-Match, and a 304 (free on GitHub's rate limit) is answered with what that answer held. An
     * unchanged page that was full may have a next page now (an old pull request reopened): it is asked for
     * too, so a list of exactly 100·k items costs one more request.
     */
    async #conditionalPages(key, request, items) {
        const all = [];
        for (let page = 1;; page++) {
            const pageKey = `${key} page=${page}`;
            const cached = this.#conditional.get(pageKey);
            let read;
            let next;
            try {
                const response = await request(page, cached ? { 'if-none-match': cached.etag } : {});
                read = items(response.data);
                next = /\brel="next"/.test(String(response.headers.link ?? ''));
                const etag = response.headers.etag;
                if (typeof etag === 'string' && etag)
                    this.#conditional.set(pageKey, { etag, items: read, next });
                else
                    this.#conditional.delete(pageKey);
            }
            catch (error) {
                if (!cached || error.status !== 304)
                    throw error;
                read = cached.items;
                next = cached.next || read.length === this.#conditionalPageSize;
            }
            all.push(...read);
            if (!next || read.length === 0)
                return all;
        }
    }
    async getRepository(repo) {
        const { data } = await this.#call('GET', repo, '', () => this.#octokit.rest.repos.get({ owner: repo.owner, repo: repo.name }));
        return {
            owner: data.owner.login,
            name: data.name,
            defaultBranch: data.default_branch,
            cloneUrl: data.clone_url,
            htmlUrl: data.html_url,
        };
    }
    async getPullRequest(repo, number) {
        const { data } = await this.#call('GET', repo, `/pulls/${number}`, () => this.#octokit.rest.pulls.get({ owner: repo.owner, repo: repo.name, pull_number: number }));
        return toPullRequest(data);
    }
    /** Conditional: an unchanged list costs its pages' 304s, which GitHub does not count. */
    async listOpenPullRequests(repo) {
        return this.#call('GET', repo, '/pulls?state=open', () => this.#conditionalPages(`GET ${repoKey(repo)}/pulls?state=open`, (page, headers) => this.#octokit.rest.pulls.list({
            owner: repo.owner,
            repo: repo.name,
            state: 'open',
            per_page: this.#conditionalPageSize,
            page,
            headers,
        }), (data) => data.map(toPullRequest)));
    }
    async listBranches(repo) {
        const branches = await this.#call('GET', repo, '/branches', () => this.#octokit.paginate(this.#octokit.rest.repos.listBranches, {
            owner: repo.owner,
            repo: repo.name,
            per_page: PER_PAGE,
        }));
        return branches.map((b) => ({ name: b.name, sha: b.commit.sha }));
    }
    async createPullRequest(repo, pr) {
        const { data } = await this.#call('POST', repo, '/pulls', () => this.#octokit.rest.pulls.create({
            owner: repo.owner,
            repo: repo.name,
            title: pr.title,
            head: pr.head,
            base: pr.base,
            ...(pr.body !== undefined ? { body: pr.body } : {}),
        }));
        return toPullRequest(data);
    }
    async findOpenPullRequest(repo, head) {
        const { data } = await this.#call('GET', repo, `/pulls?state=open&head=${repo.owner}:${head}`, () => this.#octokit.rest.pulls.list({
            owner: repo.owner,
            repo: repo.name,
            state: 'open',
            head: `${repo.owner}:${head}`,
            per_page: PER_PAGE,
        }));
        // At most one: GitHub refuses a second open pull request from the same head to the same base.
        const pull = data.find((p) => p.head.ref === head);
        return pull ? toPullRequest(pull) : null;
    }
    async updatePullRequest(repo, number, update) {
        return this.#patchPull(repo, number, {
            ...(update.title !== undefined ? { title: update.title } : {}),
            ...(update.body !== undefined ? { body: update.body } : {}),
        });
    }
    async closePullRequest(repo, number) {
        return this.#patchPull(repo, number, { state: 'closed' });
    }
    async #patchPull(repo, number, fields) {
        const { data } = await this.#call('PATCH', repo, `/pulls/${number}`, () => this.#octokit.rest.pulls.update({ owner: repo.owner, repo: repo.name, pull_number: number, ...fields }));
        return toPullRequest(data);
    }
    async getFileContent(repo, path, ref) {
        const what = `/contents/${path}?ref=${ref}`;
        let data;
        try {
            ({ data } = await this.#octokit.rest.repos.getContent({
                owner: repo.owner,
                repo: repo.name,
                path,
                ref,
            }));
        }
        catch (error) {
            // GitHub answers 404 for a missing path and for a ref that does not exist.
            if (error.status === 404)
                return null;
            throw toForgeError(error, 'GET', repo, what);
        }
        // A directory is an array; symlinks and submodules have other types: none is a file's text.
        if (Array.isArray(data))
            return null;
        const file = data;
        if (file.type !== 'file')
            return null;
        if (file.encoding === 'base64')
            return Buffer.from(file.content ?? '', 'base64').toString('utf8');
        // Files over 1 MB come with encoding "none" and no content; the blob API serves them up to 100 MB.
        const { data: blob } = await this.#call('GET', repo, `/git/blobs/${file.sha}`, () => this.#octokit.rest.git.getBlob({ owner: repo.owner, repo: repo.name, file_sha: file.sha }));
        return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    }
    async setCommitStatus(repo, sha, status) {
        await this.#call('POST', repo, `/statuses/${sha}`, () => this.#octokit.rest.repos.createCommitStatus({
            owner: repo.owner,
            repo: repo.name,
            sha,
            state: status.state,
            context: status.context,
            ...(status.description !== undefined ? { description: truncateDescription(status.description) } : {}),
            ...(status.targetUrl !== undefined ? { target_url: status.targetUrl } : {}),
        }));
    }
    async listCommitStatuses(repo, sha) {
        // The combined status already holds the newest status per context. Octokit's paginate() cannot handle
        // its shape (the list is a field of an object), so its pages are walked here.
        return this.#call('GET', repo, `/commits/${sha}/status`, async () => {
            const statuses = [];
            for (let page = 1;; page++) {
                const { data } = await this.#octokit.rest.repos.getCombinedStatusForRef({
                    owner: repo.owner,
                    repo: repo.name,
                    ref: sha,
                    per_page: PER_PAGE,
                    page,
                });
                statuses.push(...data.statuses.map(toStatus));
                if (data.statuses.length < PER_PAGE || statuses.length >= data.total_count)
                    return statuses;
            }
        });
    }
    async listCommitStatusHistory(repo, sha) {
        const statuses = await this.#call('GET', repo, `/commits/${sha}/statuses`, () => this.#octokit.paginate(this.#octokit.rest.repos.listCommitStatusesForRef, {
            owner: repo.owner,
            repo: repo.name,
            ref: sha,
            per_page: PER_PAGE,
        }));
        // GitHub lists newest first.
        return statuses.map(toStatus).reverse();
    }
    async createIssueComment(repo, number, body) {
        await this.#call('POST', repo, `/issues/${number}/comments`, () => this.#octokit.rest.issues.createComment({
            owner: repo.owner,
            repo: repo.name,
            issue_number: number,
            body,
        }));
    }
    async listIssueComments(repo, number) {
        const comments = await this.#call('GET', repo, `/issues/${number}/comments`, () => this.#octokit.paginate(this.#octokit.rest.issues.listComments, {
            owner: repo.owner,
            repo: repo.name,
            issue_number: number,
            per_page: PER_PAGE,
        }));
        return comments.map((c) => ({ author: c.user?.login ?? '', body: c.body ?? '' }));
    }
    async removePullRequestLabel(repo, number, label) {
        try {
            await this.#call('DELETE', repo, `/issues/${number}/labels/${label}`, () => this.#octokit.rest.issues.removeLabel({
                owner: repo.owner,
                repo: repo.name,
                issue_number: number,
                name: label,
            }));
        }
        catch (error) {
            // "Label does not exist": it is off already.
            if (!(error instanceof ForgeError && error.status === 404))
                throw error;
        }
    }
    async hasWriteAccess(repo, login) {
        try {
            const { data } = await this.#call('GET', repo, `/collaborators/${login}/permission`, () => this.#octokit.rest.repos.getCollaboratorPermissionLevel({
                owner: repo.owner,
                repo: repo.name,
                username: login,
            }));
            // `permission` is the legacy name (maintain reads as write, triage as read); role_name is finer.
            return data.permission === 'admin' || data.permission === 'write';
        }
        catch (error) {
            if (error instanceof ForgeError && error.status === 404)
                return false;
            throw error;
        }
    }
    async findOpenIssue(repo, title) {
        const issues = await this.#call('GET', repo, '/issues?state=open', () => this.#octokit.paginate(this.#octokit.rest.issues.listForRepo, {
            owner: repo.owner,
            repo: repo.name,
            state: 'open',
            per_page: PER_PAGE,
        }));
        // GitHub lists pull requests among issues; they carry a pull_request field.
        const matches = issues
            .filter((i) => !i.pull_request && i.title === title)
            .sort((a, b) => a.number - b.number);
        return matches[0] ? toIssue(matches[0]) : null;
    }
    async createIssue(repo, issue) {
        const { data } = await this.#call('POST', repo, '/issues', () => this.#octokit.rest.issues.create({
            owner: repo.owner,
            repo: repo.name,
            title: issue.title,
            body: issue.body,
            ...(issue.labels?.length ? { labels: issue.labels } : {}),
        }));
        return toIssue(data);
    }
    async updateIssue(repo, number, update) {
        return this.#patchIssue(repo, number, {
            ...(update.title !== undefined ? { title: update.title } : {}),
            ...(update.body !== undefined ? { body: update.body } : {}),
        });
    }
    async closeIssue(repo, number) {
        return this.#patchIssue(repo, number, { state: 'closed' });
    }
    async #patchIssue(repo, number, fields) {
        const { data } = await this.#call('PATCH', repo, `/issues/${number}`, () => this.#octokit.rest.issues.update({
            owner: repo.owner,
            repo: repo.name,
            issue_number: number,
            ...fields,
        }));
        return toIssue(data);
    }
    /** GitHub takes any username with a token as the password; x-access-token is what GitHub Apps use. */
    /**
     * With an App, the installation token of the newest API call (every job makes one before it clones):
     * call `installationToken()` first where that may not hold.
     */
    gitCredentials() {
        return { username: 'x-access-token', password: this.#token };
    }
    /** The App installation's current token (made or renewed as needed), or the PAT. */
    async installationToken() {
        if (!this.#app)
            return this.#token;
        const { token } = (await this.#octokit.auth({ type: 'installation' }));
        if (token !== this.#token) {
            this.#onToken?.(token);
            this.#token = token;
        }
        return token;
    }
    async createJitRunner(scope, request) {
        const body = {
            name: request.name,
            runner_group_id: request.runnerGroupId ?? 1,
            labels: request.labels,
            work_folder: request.workFolder ?? '_work',
        };
        const { data } = await this.#callIn('POST', scope, '/actions/runners/generate-jitconfig', () => 'org' in scope
            ? this.#octokit.rest.actions.generateRunnerJitconfigForOrg({ org: scope.org, ...body })
            : this.#octokit.rest.actions.generateRunnerJitconfigForRepo({
                owner: scope.repo.owner,
                repo: scope.repo.name,
                ...body,
            }));
        return { runner: toRunner(data.runner), jitConfig: data.encoded_jit_config };
    }
    async listRunners(scope) {
        const runners = await this.#callIn('GET', scope, '/actions/runners', () => 'org' in scope
            ? this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForOrg, {
                org: scope.org,
                per_page: PER_PAGE,
            })
            : this.#octokit.paginate(this.#octokit.rest.actions.listSelfHostedRunnersForRepo, {
                owner: scope.repo.owner,
                repo: scope.repo.name,
                per_page: PER_PAGE,
            }));
        return runners.map(toRunner);
    }
    async getRunner(scope, id) {
        try {
            const { data } = await this.#callIn('GET', scope, `/actions/runners/${id}`, () => 'org' in scope
                ? this.#octokit.rest.actions.getSelfHostedRunnerForOrg({ org: scope.org, runner_id: id })
                : this.#octokit.rest.actions.getSelfHostedRunnerForRepo({
                    owner: scope.repo.owner,
                    repo: scope.repo.name,
                    runner_id: id,
                }));
            return toRunner(data);
        }
        catch (error) {
            if (error instanceof ForgeError && error.status === 404)
                return null;
            throw error;
        }
    }
    async deleteRunner(scope, id) {
        try {
            await this.#callIn('DELETE', scope, `/actions/runners/${id}`, () => 'org' in scope
                ? this.#octokit.rest.actions.deleteSelfHostedRunnerFromOrg({ org: scope.org, runner_id: id })
                : this.#octokit.rest.actions.deleteSelfHostedRunnerFromRepo({
                    owner: scope.repo.owner,
                    repo: scope.repo.name,
                    runner_id: id,
                }));
            return 'deleted';
        }
        catch (error) {
            if (error instanceof ForgeError && error.status === 404)
                return 'absent';
            // "Bad request - Runner … is still running a job": it goes once its job ends.
            if (error instanceof ForgeError && error.status === 422)
                return 'busy';
            throw error;
        }
    }
    /**
     * Conditional: the queued runs list is asked with its ETag, and a run's jobs are read once per version of
     * the run (its `updated_at`): a queued run's jobs change only as the run does. An unchanged repository
     * costs one 304 per page of queued runs.
     */
    async listQueuedWorkflowJobs(repo) {
        const runs = await this.#call('GET', repo, '/actions/runs?status=queued', () => this.#conditionalPages(`GET ${repoKey(repo)}/actions/runs?status=queued`, (page, headers) => this.#octokit.rest.actions.listWorkflowRunsForRepo({
            owner: repo.owner,
            repo: repo.name,
            status: 'queued',
            per_page: this.#conditionalPageSize,
            page,
            headers,
        }), (data) => data.workflow_runs.map((r) => ({
            id: r.id,
            updatedAt: r.updated_at,
        }))));
        const jobs = [];
        for (const run of runs) {
            const key = `GET ${repoKey(repo)}/actions/runs/${run.id}/jobs updated=${run.updatedAt}`;
            let runJobs = this.#conditional.get(key);
            if (!runJobs) {
                const rest = await this.#call('GET', repo, `/actions/runs/${run.id}/jobs`, () => this.#octokit.paginate(this.#octokit.rest.actions.listJobsForWorkflowRun, {
                    owner: repo.owner,
                    repo: repo.name,
                    run_id: run.id,
                    filter: 'latest',
                    per_page: PER_PAGE,
                }));
                runJobs = rest.map(toWorkflowJob);
                this.#conditional.set(key, runJobs);
            }
            jobs.push(...runJobs.filter((job) => job.status === 'queued'));
        }
        return jobs;
    }
    async getWorkflowJob(repo, id) {
        try {
            const { data } = await this.#call('GET', repo, `/actions/jobs/${id}`, () => this.#octokit.rest.actions.getJobForWorkflowRun({ owner: repo.owner, repo: repo.name, job_id: id }));
            return toWorkflowJob(data);
        }
        catch (error) {
            if (error instanceof ForgeError && error.status === 404)
                return null;
            throw error;
        }
    }
    /** #call for a runner scope: errors name `/orgs/<org>…` for an organisation. */
    #callIn(method, scope, path, request) {
        return this.#call(method, 'org' in scope ? `/orgs/${scope.org}` : scope.repo, path, request);
    }
    async #call(method, repo, path, request) {
        try {
            return await request();
        }
        catch (error) {
            throw toForgeError(error, method, repo, path);
        }
        finally {
            if (this.#app)
                await this.installationToken().catch(() => undefined);
        }
    }
}
/** Owner and name as a cache key: GitHub does not tell their cases apart. */
function repoKey(repo) {
    return `/repos/${repo.owner}/${repo.name}`.toLowerCase();
}
function toStatus(s) {
    return {
        state: s.state,
        context: s.context,
        ...(s.description !== null ? { description: s.description } : {}),
        ...(s.target_url !== null ? { targetUrl: s.target_url } : {}),
        createdAt: s.created_at,
    };
}
function toIssue(issue) {
    return {
        number: issue.number,
        state: issue.state === 'open' ? 'open' : 'closed',
        title: issue.title,
        body: issue.body ?? '',
        labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
        htmlUrl: issue.html_url,
    };
}
function toPullRequest(pr) {
    return {
        number: pr.number,
        state: pr.state === 'open' ? 'open' : 'closed',
        title: pr.title,
        body: pr.body ?? '',
        // A deleted account shows as null; GitHub's web interface calls it "ghost".
        author: pr.user?.login ?? 'ghost',
        headSha: pr.head.sha,
        headRef: pr.head.ref,
        baseRef: pr.base.ref,
        htmlUrl: pr.html_url,
        // A deleted fork leaves head.repo null; its commits stay fetchable from the base repository.
        headCloneUrl: pr.head.repo?.clone_url ?? pr.base.repo.clone_url,
        ...(pr.head.repo ? {} : { headRepositoryDeleted: true }),
    };
}
function toRunner(runner) {
    return {
        id: runner.id,
        name: runner.name,
        online: runner.status === 'online',
        busy: runner.busy,
        labels: runner.labels.map((l) => l.name),
    };
}
function toWorkflowJob(job) {
    return {
        id: job.id,
        runId: job.run_id,
        name: job.name,
        status: job.status,
        conclusion: job.conclusion,
        labels: job.labels,
        runnerName: job.runner_name ?? null,
        headSha: job.head_sha,
        createdAt: job.created_at,
        startedAt: job.started_at ?? null,
        htmlUrl: job.html_url ?? '',
    };
}
function toForgeError(error, method, at, path) {
    if (error instanceof ForgeError)
        return error;
    const base = typeof at === 'string' ? at : `/repos/${at.owner}/${at.name}`;
    const what = `${method} ${base}${path}`;
    const response = error.response;
    // Octokit reports a failure to connect as a 500 without a response; it is no HTTP status at all.
    if (!response)
        return new ForgeError(`${what}: no response: ${error.message}`, 0);
    const { status, data: body = {} } = response;
    const message = typeof body === 'string' ? body.slice(0, 200) : (body.message ?? 'no message');
    const details = (typeof body === 'object' ? (body.errors ?? []) : [])
        .map((e) => typeof e === 'string' ? e : (e.message ?? [e.resource, e.field, e.code].filter(Boolean).join(' ')))
        .filter(Boolean);
    const retryAfter = response.headers?.['retry-after'];
    // Seconds, or an HTTP date.
    if (retryAfter !== undefined)
        details.push(`retry after ${String(retryAfter)}${/^\d+$/.test(String(retryAfter)) ? ' s' : ''}`);
    return new ForgeError(`${what}: ${status} ${message}${details.length ? ` (${details.join('; ')})` : ''}`, status);
}


/***/ })

};
