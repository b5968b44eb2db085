export const id = 409;
export const ids = [409];
export const modules = {

/***/ 8409:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runConfigured: () => (/* binding */ runConfigured)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./forge/build-forge.ts
const DEFAULT_API_URLS = {
    github: 'https://api.github.com',
    gitlab: 'https://gitlab.com',
};
/**
 * A forge client from configuration, with the client loaders given (see forgeFromConfig): an action that supports one forge only hands in that one
 * loader, and its bundle leaves the other client out altogether.
 */
async function buildForge(config, wiring, loaders) {
    const kind = config.kind;
    if (kind !== 'github' && kind !== 'gitlab')
        throw new Error(`forge kind "${String(kind)}": expected github or gitlab`);
    const load = loaders[kind];
    if (!load)
        throw new Error(`forge kind "${kind}" is not supported here`);
    if (config.app && kind !== 'github')
        throw new Error(`${kind} forge: only GitHub has apps; use a token`);
    if (config.app && config.token)
        throw new Error(`${kind} forge: give a token or an app, not both`);
    if (!config.app && (typeof config.token !== 'string' || config.token.trim() === ''))
        throw new Error(`${kind} forge: the token is empty`);
    const apiUrl = config.apiUrl || DEFAULT_API_URLS[kind];
    if (!isHttpUrl(apiUrl))
        throw new Error(`${kind} forge: apiUrl "${apiUrl}" is not an http(s) URL`);
    const wait = wiring.maxRateLimitWaitSeconds;
    if (wait !== undefined && !(Number.isFinite(wait) && wait >= 0))
        throw new Error(`maxRateLimitWaitSeconds: ${wait} is not a number of seconds ≥ 0`);
    if (config.token)
        wiring.secrets?.add(config.token);
    if (config.app)
        wiring.secrets?.add(config.app.privateKey);
    const logger = wiring.logger?.child({ role: 'forge', forge: kind });
    const common = {
        token: config.token ?? '',
        ...(logger ? { logger } : {}),
        ...(wait !== undefined ? { maxRateLimitWaitSeconds: wait } : {}),
    };
    if (kind === 'github') {
        const { GitHubForge } = await load();
        return new GitHubForge({
            ...common,
            ...(config.app
                ? { token: undefined, app: config.app, onToken: (token) => wiring.secrets?.add(token) }
                : {}),
            baseUrl: apiUrl,
            ...(wiring.throttle !== undefined ? { throttle: wiring.throttle } : {}),
            ...(wiring.fetch ? { fetch: wiring.fetch } : {}),
        });
    }
    const { GitLabForge } = await load();
    return new GitLabForge({ ...common, host: apiUrl });
}
function isHttpUrl(text) {
    try {
        const { protocol } = new URL(text);
        return protocol === 'http:' || protocol === 'https:';
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./forge/forge-from-config.ts


/**
 * The one place a forge client is built from configuration (the deployment's, an action's inputs, a CLI
 * command's options). Each client library loads only when its forge is used: each is a large part of an
 * action bundle's start-up.
 */
function forgeFromConfig(config, wiring = {}) {
    return buildForge(config, wiring, {
        github: () => Promise.all(/* import() */[__webpack_require__.e(291), __webpack_require__.e(936), __webpack_require__.e(730)]).then(__webpack_require__.bind(__webpack_require__, 4730)),
        gitlab: () => Promise.all(/* import() */[__webpack_require__.e(582), __webpack_require__.e(631)]).then(__webpack_require__.bind(__webpack_require__, 3017)),
    });
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./core/errors.ts
var errors = __webpack_require__(265);
;// CONCATENATED MODULE: ./actions/container-refresh/container-refresh.ts




const DATED_TAG = /^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$/;
/** Today's tag (UTC): YYYY-MM-DD, or YYYY-MM-DD-N when N-1 runs already published today. */
function nextDatedTag(existing, now) {
    const today = now.toISOString().slice(0, 10);
    let highest = 0;
    for (const tag of existing) {
        const match = DATED_TAG.exec(tag);
        if (match?.[1] === today)
            highest = Math.max(highest, match[2] ? Number(match[2]) : 1);
    }
    return highest === 0 ? today : `${today}-${highest + 1}`;
}
/** Dated tags oldest first: by date, then by run number (the bare date being run 1). */
function sortDatedTags(tags) {
    const key = (tag) => {
        const match = DATED_TAG.exec(tag);
        return [match[1], match[2] ? Number(match[2]) : 1];
    };
    return tags
        .filter((t) => DATED_TAG.test(t))
        .sort((a, b) => {
        const [da, na] = key(a);
        const [db, nb] = key(b);
        return da === db ? na - nb : da < db ? -1 : 1;
    });
}
function issueTitle(plan) {
    return `container-refresh: ${plan.registry}/${plan.image} is failing`;
}
async function refreshContainer(plan, deps) {
    if (plan.mode === 'rollback')
        return rollback(plan, deps);
    const containerfile = checkDirectory(plan);
    const published = `${plan.registry}/${plan.image}:latest`;
    // Unique per run: two runs on one machine (or one podman store) must not remove each other's image.
    const candidate = `localhost/ironbots-refresh/${plan.image}:${deps.now().getTime().toString(36)}-${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    if (plan.mode === 'pr') {
        const change = await deps.changes(plan.directory, plan.baseRef);
        deps.log.info(change.reason);
        let image = candidate;
        let built = change.changed;
        if (!built) {
            deps.log.info(`testing the published image ${published}`);
            const pulled = await deps.engine.pull(published);
            if (pulled.ok)
                image = published;
            else {
                deps.log.warn(`could not pull ${published}; building it instead`);
                built = true;
            }
        }
        try {
            if (built) {
                const build = await deps.log.group(`build ${plan.directory}`, () => deps.engine.build(plan.directory, containerfile, candidate));
                if (!build.ok)
                    return failed(plan, built, 'build', build);
            }
            const test = await deps.log.group(`test: ${plan.testCommand}`, () => deps.engine.test(image, plan.testCommand));
            if (!test.ok)
                return failed(plan, built, 'test', test);
            // Never a push on a pull request: whatever the branch holds is not reviewed yet.
            return { mode: 'pr', outcome: 'tested', built };
        }
        finally {
            if (built)
                await deps.engine.removeImage(candidate);
        }
    }
    try {
        const build = await deps.log.group(`build ${plan.directory}`, () => deps.engine.build(plan.directory, containerfile, candidate));
        if (!build.ok)
            return await reportFailure(plan, deps, failed(plan, true, 'build', build), build.log);
        const test = await deps.log.group(`test: ${plan.testCommand}`, () => deps.engine.test(candidate, plan.testCommand));
        if (!test.ok)
            return await reportFailure(plan, deps, failed(plan, true, 'test', test), test.log);
        let tag;
        try {
            tag = nextDatedTag(await deps.registry.listTags(plan.image), deps.now());
        }
        catch (error) {
            const message = (0,errors/* errorMessage */.g)(error);
            return await reportFailure(plan, deps, failed(plan, true, 'push', { ok: false, log: message }), message);
        }
        // The dated tag first, by digest; `latest` moves only once that tag is complete in the registry.
        const pushed = await deps.log.group(`push ${plan.registry}/${plan.image}:${tag}`, () => deps.engine.push(candidate, `${plan.registry}/${plan.image}:${tag}`));
        if (!pushed.ok || !pushed.digest)
            return await reportFailure(plan, deps, failed(plan, true, 'push', pushed), pushed.log);
        let moveLog = '';
        try {
            const manifest = await deps.registry.getManifest(plan.image, pushed.digest);
            if (!manifest)
                throw new Error(`the registry has no manifest ${pushed.digest} after the push`);
            await deps.registry.putManifest(plan.image, 'latest', manifest);
        }
        catch (error) {
            moveLog = `${(0,errors/* errorMessage */.g)(error)}\n${tag} was pushed (${pushed.digest}); latest was not moved.`;
        }
        if (moveLog)
            return await reportFailure(plan, deps, failed(plan, true, 'push', { ok: false, log: moveLog }), moveLog);
        deps.log.info(`published ${plan.registry}/${plan.image}:${tag} (${pushed.digest}) and moved latest to it`);
        const result = {
            mode: 'publish',
            outcome: 'published',
            built: true,
            tag,
            digest: pushed.digest,
        };
        return await closeIssue(plan, deps, result);
    }
    finally {
        await deps.engine.removeImage(candidate);
    }
}
function checkDirectory(plan) {
    if (!(0,external_node_fs_.existsSync)(plan.directory) || !(0,external_node_fs_.statSync)(plan.directory).isDirectory())
        throw new Error(`input directory: ${plan.directory} is not a directory`);
    const candidates = plan.containerfile ? [plan.containerfile] : ['Containerfile', 'Dockerfile'];
    const found = candidates.find((f) => (0,external_node_fs_.existsSync)(external_node_path_default().join(plan.directory, f)));
    if (!found)
        throw new Error(`input directory: ${plan.directory} has no ${candidates.join(' or ')} to build`);
    return found;
}
function failed(plan, built, step, outcome) {
    const lastLine = outcome.log.trim().split('\n').at(-1) ?? '';
    return {
        mode: plan.mode,
        outcome: 'failed',
        built,
        failedStep: step,
        error: `${step} failed${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}`,
    };
}
/** The newest lines of a log, small enough for an issue body, with secrets blotted out. */
function logExcerpt(log, secrets = [], maxLines = 80, maxChars = 20_000) {
    let text = log;
    for (const secret of secrets.filter((s) => s.length >= 4))
        text = text.split(secret).join('***');
    let lines = text.replace(/\r/g, '').trimEnd().split('\n').slice(-maxLines);
    lines = lines.map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
    let excerpt = lines.join('\n');
    if (excerpt.length > maxChars)
        excerpt = excerpt.slice(-maxChars);
    // A fence longer than any run of backticks in the log keeps the log from closing it.
    const longest = Math.max(2, ...[...excerpt.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(longest + 1);
    return `${fence}text\n${excerpt}\n${fence}`;
}
async function reportFailure(plan, deps, result, log) {
    if (!deps.forge || !deps.repository) {
        deps.log.warn('no forge token: the failure is not reported in an issue');
        return result;
    }
    const title = issueTitle(plan);
    const body = [
        `The scheduled refresh of \`${plan.registry}/${plan.image}\` failed at the **${result.failedStep}** step ` +
            `on ${deps.now().toISOString()}. Nothing was published by this run: \`latest\` still points at the last ` +
            `image that passed.`,
        '',
        ...(deps.runUrl ? [`Run: ${deps.runUrl}`, ''] : []),
        `Test command: \`${plan.testCommand.replace(/`/g, "'")}\``,
        '',
        'The end of the log:',
        '',
        logExcerpt(log, deps.secrets),
        '',
        '_Kept up to date by ironbots container-refresh; closed by the next successful refresh._',
    ].join('\n');
    try {
        const open = await deps.forge.findOpenIssue(deps.repository, title);
        const issue = open
            ? await deps.forge.updateIssue(deps.repository, open.number, { body })
            : await deps.forge.createIssue(deps.repository, { title, body, labels: [plan.issueLabel] });
        return {
            ...result,
            issue: { number: issue.number, url: issue.htmlUrl, action: open ? 'updated' : 'opened' },
        };
    }
    catch (error) {
        deps.log.warn(`could not open or update the failure issue: ${(0,errors/* errorMessage */.g)(error)}`);
        return result;
    }
}
async function closeIssue(plan, deps, result) {
    if (!deps.forge || !deps.repository)
        return result;
    try {
        const open = await deps.forge.findOpenIssue(deps.repository, issueTitle(plan));
        if (!open)
            return result;
        await deps.forge.updateIssue(deps.repository, open.number, {
            body: `${open.body}\n\n---\nFixed: ${deps.now().toISOString()} published \`${plan.registry}/${plan.image}:${result.tag}\` (${result.digest})${deps.runUrl ? ` in ${deps.runUrl}` : ''}.`,
        });
        const closed = await deps.forge.closeIssue(deps.repository, open.number);
        return { ...result, issue: { number: closed.number, url: closed.htmlUrl, action: 'closed' } };
    }
    catch (error) {
        // The image is published; a forge hiccup must not turn that into a failed step.
        deps.log.warn(`published, but could not close the failure issue: ${(0,errors/* errorMessage */.g)(error)}`);
        return result;
    }
}
async function rollback(plan, deps) {
    const latest = await deps.registry.getManifest(plan.image, 'latest');
    if (!latest)
        throw new Error(`${plan.registry}/${plan.image} has no latest tag to roll back`);
    const dated = sortDatedTags(await deps.registry.listTags(plan.image));
    const digests = new Map();
    const digestOf = async (tag) => {
        if (!digests.has(tag))
            digests.set(tag, (await deps.registry.getManifest(plan.image, tag))?.digest ?? '');
        return digests.get(tag);
    };
    // Newest first: the dated tag latest points at, then the next older one with another image.
    let current = -1;
    for (let i = dated.length - 1; i >= 0; i--) {
        if ((await digestOf(dated[i])) === latest.digest) {
            current = i;
            break;
        }
    }
    if (current === -1)
        throw new Error(`latest (${latest.digest}) is none of the dated tags; roll back by hand`);
    for (let i = current - 1; i >= 0; i--) {
        const tag = dated[i];
        if ((await digestOf(tag)) === latest.digest)
            continue;
        const manifest = await deps.registry.getManifest(plan.image, tag);
        if (!manifest)
            continue;
        await deps.registry.putManifest(plan.image, 'latest', manifest);
        deps.log.info(`latest moved from ${dated[current]} back to ${tag} (${manifest.digest})`);
        return { mode: 'rollback', outcome: 'rolled-back', built: false, tag, digest: manifest.digest };
    }
    throw new Error(`latest is ${dated[current]}, the oldest dated tag: there is nothing to roll back to`);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./actions/container-refresh/git-changes.ts


const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * Compares the working tree with the merge base of HEAD and the base branch (`origin/<base>` first, as a CI
 * checkout has it, then `<base>`), limited to the directory. When no merge base can be found (a shallow
 * clone without the base branch), it reports a change: rebuilding is never wrong on a pull request.
 */
function gitChangeDetector(repositoryDir) {
    const git = async (...args) => (await run('git', args, { cwd: repositoryDir, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
    return async (directory, baseRef) => {
        let mergeBase = null;
        for (const candidate of [`origin/${baseRef}`, baseRef]) {
            mergeBase = await git('merge-base', candidate, 'HEAD').catch(() => null);
            if (mergeBase)
                break;
        }
        if (!mergeBase)
            return {
                changed: true,
                reason: `no merge base with ${baseRef} (fetch the base branch, e.g. actions/checkout with fetch-depth: 0); rebuilding`,
            };
        const files = (await git('diff', '--name-only', mergeBase, '--', directory)).split('\n').filter(Boolean);
        // Files not yet known to git count too, for a local run before committing.
        const untracked = (await git('ls-files', '--others', '--exclude-standard', '--', directory))
            .split('\n')
            .filter(Boolean);
        const all = [...new Set([...files, ...untracked])];
        return all.length
            ? {
                changed: true,
                reason: `${all.length} file(s) changed since ${mergeBase.slice(0, 12)}: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''}`,
            }
            : { changed: false, reason: `nothing under ${directory} changed since ${mergeBase.slice(0, 12)}` };
    };
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 5 modules
var exec = __webpack_require__(2876);
;// CONCATENATED MODULE: ./actions/container-refresh/podman-engine.ts






/** podman (and buildah, which `podman build` is) on this machine, configured to work nested. */
class PodmanEngine {
    #podman;
    #runtime;
    #tlsVerify;
    #env;
    #onLine;
    constructor(options) {
        this.#podman = options.podmanPath ?? 'podman';
        this.#runtime = options.runtime ?? 'runc';
        this.#tlsVerify = options.tlsVerify ?? true;
        this.#onLine = options.onLine ?? (() => undefined);
        (0,external_node_fs_.mkdirSync)(options.stateDir, { recursive: true, mode: 0o700 });
        const containersConf = external_node_path_default().join(options.stateDir, 'containers.conf');
        // Without this, podman asks the runtime for ulimits that nested or restricted hosts refuse.
        (0,external_node_fs_.writeFileSync)(containersConf, '[containers]\ndefault_ulimits = []\n');
        const authFile = external_node_path_default().join(options.stateDir, 'auth.json');
        const auths = {};
        if (options.credentials) {
            const { registry, username, password } = options.credentials;
            auths[registry] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
        }
        (0,external_node_fs_.writeFileSync)(authFile, JSON.stringify({ auths }), { mode: 0o600 });
        this.#env = { ...process.env, CONTAINERS_CONF: containersConf, REGISTRY_AUTH_FILE: authFile };
    }
    build(contextDir, containerfile, tag) {
        // A refresh means fresh: the newest base image and every RUN step run again (a cached `apt-get upgrade`
        // would refresh nothing), and no intermediate images that another run's cleanup could pull from under it.
        return this.#run([
            'build',
            `--tls-verify=${this.#tlsVerify}`,
            '--pull=always',
            '--no-cache',
            '--layers=false',
            '--file',
            external_node_path_default().resolve(contextDir, containerfile),
            '--tag',
            tag,
            contextDir,
        ]);
    }
    test(image, command) {
        return this.#run([
            'run',
            '--rm',
            '--network',
            'none',
            '--pull',
            'never',
            '--entrypoint',
            '/bin/sh',
            image,
            '-c',
            command,
        ]);
    }
    pull(reference) {
        return this.#run(['pull', `--tls-verify=${this.#tlsVerify}`, reference]);
    }
    async push(image, destination) {
        const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'ironbots-push-'));
        try {
            const digestFile = external_node_path_default().join(dir, 'digest');
            const outcome = await this.#run([
                'push',
                `--tls-verify=${this.#tlsVerify}`,
                '--digestfile',
                digestFile,
                image,
                destination,
            ]);
            if (!outcome.ok)
                return outcome;
            const digest = (await (0,promises_.readFile)(digestFile, 'utf8')).trim();
            return { ...outcome, digest };
        }
        finally {
            await (0,promises_.rm)(dir, { recursive: true, force: true });
        }
    }
    async removeImage(image) {
        await this.#run(['rmi', '--force', image]);
    }
    /** One podman command through @actions/exec: each line to `onLine` as it comes, all of them in the outcome. */
    async #run(args) {
        let log = '';
        const line = (text) => {
            log += `${text}\n`;
            this.#onLine(text);
        };
        try {
            const code = await (0,exec/* exec */.m)(this.#podman, ['--runtime', this.#runtime, ...args], {
                env: Object.fromEntries(Object.entries(this.#env).filter((entry) => entry[1] !== undefined)),
                silent: true,
                ignoreReturnCode: true,
                listeners: { stdline: line, errline: line },
            });
            return { ok: code === 0, log: code === 0 ? log : `${log}podman ${args[0]} exited with code ${code}\n` };
        }
        catch (error) {
            // @actions/exec looks podman up on PATH before it starts anything.
            return { ok: false, log: `${log}could not start podman: ${(0,errors/* errorMessage */.g)(error)}\n` };
        }
    }
}

;// CONCATENATED MODULE: ./actions/container-refresh/registry-client.ts

class RegistryError extends Error {
    status;
    constructor(message, status) {
        super(message);
        this.name = 'RegistryError';
        this.status = status;
    }
}
const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/**
 * The OCI distribution API over HTTP(S): basic credentials, and the bearer token dance of ghcr.io, Docker Hub
 * and GitLab's registry (a 401 names a token realm; the token is fetched with the credentials and reused).
 */
class HttpRegistryClient {
    #base;
    #credentials;
    #fetch;
    #tokens = new Map();
    constructor(options) {
        this.#base = `${options.tls ? 'https' : 'http'}://${options.registry}`;
        this.#credentials = options.credentials ?? null;
        this.#fetch = options.fetch ?? fetch;
    }
    async listTags(image) {
        const tags = [];
        let next = `/v2/${image}/tags/list?n=1000`;
        while (next) {
            const response = await this.#request('GET', next, image, 'pull');
            if (response.status === 404)
                return [];
            await expectOk(response, `list the tags of ${image}`);
            const body = (await response.json());
            tags.push(...(body.tags ?? []));
            // Pagination through the Link header: </v2/…/tags/list?n=…&last=…>; rel="next"
            next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
        }
        return tags;
    }
    async getManifest(image, reference) {
        const response = await this.#request('GET', `/v2/${image}/manifests/${reference}`, image, 'pull', {
            accept: MANIFEST_TYPES,
        });
        if (response.status === 404)
            return null;
        await expectOk(response, `read the manifest ${image}:${reference}`);
        const body = Buffer.from(await response.arrayBuffer());
        const digest = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(body).digest('hex')}`;
        const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim() ||
            (JSON.parse(body.toString('utf8')).mediaType ?? '');
        return { digest, mediaType, body };
    }
    async putManifest(image, tag, manifest) {
        const response = await this.#request('PUT', `/v2/${image}/manifests/${tag}`, image, 'pull,push', { 'content-type': manifest.mediaType }, manifest.body);
        await expectOk(response, `point ${image}:${tag} at ${manifest.digest}`);
    }
    async #request(method, path, image, actions, headers = {}, body) {
        const scope = `repository:${image}:${actions}`;
        const send = (authorization) => this.#fetch(`${this.#base}${path}`, {
            method,
            headers: { ...headers, ...(authorization ? { authorization } : {}) },
            ...(body ? { body } : {}),
        }).catch((error) => {
            throw new RegistryError(`${method} ${this.#base}${path}: no answer: ${error.message}${causeOf(error)}`, 0);
        });
        const cached = this.#tokens.get(scope);
        let response = await send(cached ? `Bearer ${cached}` : this.#basic());
        if (response.status !== 401)
            return response;
        const challenge = response.headers.get('www-authenticate') ?? '';
        const bearer = /^Bearer\s+(.*)$/i.exec(challenge);
        if (!bearer)
            return response;
        await response.arrayBuffer();
        const token = await this.#token(bearer[1], scope);
        this.#tokens.set(scope, token);
        response = await send(`Bearer ${token}`);
        return response;
    }
    async #token(challenge, scope) {
        const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
        if (!params.realm)
            throw new RegistryError('the registry asked for a token but named no realm', 401);
        const url = new URL(params.realm);
        if (params.service)
            url.searchParams.set('service', params.service);
        url.searchParams.set('scope', scope);
        const basic = this.#basic();
        const response = await this.#fetch(url, { headers: basic ? { authorization: basic } : {} });
        if (!response.ok)
            throw new RegistryError(`the registry's token service refused ${this.#credentials ? 'the credentials' : 'anonymous access'} (${response.status})`, response.status);
        const body = (await response.json());
        const token = body.token ?? body.access_token;
        if (!token)
            throw new RegistryError("the registry's token service sent no token", 502);
        return token;
    }
    #basic() {
        if (!this.#credentials)
            return null;
        const { username, password } = this.#credentials;
        return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
}
async function expectOk(response, what) {
    if (response.ok)
        return;
    let detail = '';
    try {
        const body = (await response.json());
        detail = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
    }
    catch {
        // not the distribution API's error JSON
    }
    throw new RegistryError(`could not ${what}: the registry answered ${response.status}${detail ? ` (${detail})` : ''}`, response.status);
}
function causeOf(error) {
    const cause = error.cause;
    return cause?.message ? ` (${cause.message})` : '';
}

;// CONCATENATED MODULE: ./actions/container-refresh/configured-run.ts







/**
 * One run with the real clients (podman, the registry over HTTP, git, the forge), in a scratch directory under
 * `tempRoot` that is removed afterwards: what the action and the CLI both run.
 */
async function runConfigured(plan, options) {
    const stateDir = await (0,promises_.mkdtemp)(external_node_path_default().join(options.tempRoot, 'ironbots-container-refresh-'));
    const { log } = options;
    try {
        const engine = new PodmanEngine({
            stateDir,
            tlsVerify: plan.tlsVerify,
            credentials: plan.credentials ? { registry: plan.registry, ...plan.credentials } : null,
            onLine: (line) => log.info(line),
        });
        const registry = new HttpRegistryClient({
            registry: plan.registry,
            tls: plan.tlsVerify,
            credentials: plan.credentials,
        });
        const forge = options.issues ? await forgeFromConfig(options.issues, options.forgeWiring) : null;
        return await refreshContainer({ ...plan, directory: external_node_path_default().resolve(options.workspace, plan.directory || '.') }, {
            engine,
            registry,
            changes: gitChangeDetector(options.workspace),
            forge,
            repository: options.issues?.repository ?? null,
            now: options.now ?? (() => new Date()),
            log,
            ...(options.runUrl ? { runUrl: options.runUrl } : {}),
            secrets: [plan.token, plan.credentials?.password ?? ''].filter(Boolean),
        });
    }
    finally {
        await (0,promises_.rm)(stateDir, { recursive: true, force: true });
    }
}


/***/ })

};
