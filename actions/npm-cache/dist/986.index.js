export const id = 986;
export const ids = [986];
export const modules = {

/***/ 5986:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  update: () => (/* binding */ update)
});

// UNUSED EXPORTS: UpdateTestsFailedError, lockfileChanges

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./actions/npm-cache/cache-key.ts
var cache_key = __webpack_require__(8343);
// EXTERNAL MODULE: ./actions/npm-cache/npm-cache.ts + 1 modules
var npm_cache = __webpack_require__(1596);
;// CONCATENATED MODULE: ./forge/git-credentials.ts
/**
 * Environment entries that hand git the forge's credentials as an HTTP Authorization header
 * (GIT_CONFIG_COUNT…): never in a remote URL, which git prints and stores in .git/config, nor on disk.
 * Empty without credentials (anonymous access).
 */
function gitCredentialsEnv(credentials) {
    if (!credentials)
        return {};
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    return {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    };
}

;// CONCATENATED MODULE: ./actions/npm-cache/update.ts






const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
class UpdateTestsFailedError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UpdateTestsFailedError';
    }
}
const LOCKFILE = 'package-lock.json';
async function update(options) {
    const { log, projectDir } = options;
    // No post step follows an update to unmount a mounted tree (and npm update rewrites it anyway).
    const restored = await (0,npm_cache/* restore */.PF)(options.mount ? { ...options, mount: { ...options.mount, unpackOnly: true } } : options);
    await restored.oldTreeRemoved;
    if (!restored.hit) {
        log.info('installing with npm ci to refresh the cache');
        await options.npm(['ci']);
    }
    const saved = await (0,npm_cache/* save */.UN)(options);
    const result = { key: saved.key, refreshed: saved.saved, changes: [] };
    if (!options.pullRequest)
        return result;
    const before = (await (0,cache_key/* readLockfile */.GQ)(external_node_path_default().join(projectDir, LOCKFILE))).lockfile;
    // A schedule must see what was published since the npm cache last asked the registry.
    await options.npm(['update', '--prefer-online']);
    const after = (await (0,cache_key/* readLockfile */.GQ)(external_node_path_default().join(projectDir, LOCKFILE))).lockfile;
    result.changes = lockfileChanges(before, after);
    if (!result.changes.length) {
        log.info('npm update changed no locked version; no pull request');
        return result;
    }
    log.info(`npm update changed: ${result.changes.join(', ')}`);
    const tests = await log.group(`tests: ${options.testCommand}`, async () => {
        const ran = await runShell(options.testCommand, projectDir, options.commandEnv);
        for (const line of ran.output.trimEnd().split('\n'))
            log.info(line);
        return ran;
    });
    if (tests.code !== 0) {
        throw new UpdateTestsFailedError(`the tests (${options.testCommand}) failed after npm update (${result.changes.join(', ')}), so no pull request was opened; last output:\n${tests.output.slice(-2000)}`);
    }
    // The pull request's own CI then restores instead of installing.
    await (0,npm_cache/* save */.UN)(options);
    result.pullRequest = await pushAndPropose(options, options.pullRequest, result.changes);
    return result;
}
/** What changed between two lockfiles, per package path, in a stable order. */
function lockfileChanges(before, after) {
    const changes = [];
    const keys = [...new Set([...Object.keys(before.packages), ...Object.keys(after.packages)])].sort();
    for (const key of keys) {
        if (!key.startsWith('node_modules/'))
            continue;
        const name = key.replace(/^.*node_modules\//, '');
        const [from, to] = [before.packages[key]?.version, after.packages[key]?.version];
        if (from === to)
            continue;
        const where = key.split('node_modules/').length > 2
            ? ` (under ${key.slice(0, key.lastIndexOf('/node_modules/'))})`
            : '';
        changes.push(`${name} ${from ?? '(new)'} → ${to ?? '(removed)'}${where}`);
    }
    return changes;
}
async function pushAndPropose(options, target, changes) {
    const git = gitIn(options.projectDir, target.forge.gitCredentials());
    const top = await git('rev-parse', '--show-toplevel');
    const lockfile = external_node_path_default().relative(top, external_node_path_default().join(options.projectDir, LOCKFILE)) || LOCKFILE;
    await git('checkout', '--quiet', '-B', target.branch);
    await git('add', '--', lockfile);
    await git('commit', '--quiet', '-m', `npm update: ${changes.length} locked version(s)\n\n${changes.join('\n')}\n`);
    // The branch is the bot's own: each run replaces it with a fresh update on the current base.
    await git('push', '--quiet', '--force', target.remoteUrl, `HEAD:refs/heads/${target.branch}`);
    options.log.info(`pushed ${target.branch} to ${target.remoteUrl}`);
    const title = `npm update: ${changes.length === 1 ? changes[0] : `${changes.length} locked versions`}`;
    const body = [
        'Locked versions moved by `npm update` (within the ranges of package.json):',
        '',
        ...changes.map((c) => `- ${c}`),
        '',
        `\`${options.testCommand}\` passed on the updated tree. Opened by ironbots npm-cache (update mode).`,
    ].join('\n');
    const open = await target.forge.findOpenPullRequest(target.repo, target.branch);
    if (open) {
        options.log.info(`updating pull request #${open.number}`);
        return target.forge.updatePullRequest(target.repo, open.number, { title, body });
    }
    const created = await target.forge.createPullRequest(target.repo, {
        title,
        head: target.branch,
        base: target.base,
        body,
    });
    options.log.info(`opened pull request #${created.number}: ${created.htmlUrl}`);
    return created;
}
/** git in the project's checkout; the token goes in an HTTP header through the environment, never a URL. */
function gitIn(dir, credentials) {
    const env = {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'ironbots',
        GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'ironbots@users.noreply.github.com',
        GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'ironbots',
        GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'ironbots@users.noreply.github.com',
    };
    Object.assign(env, gitCredentialsEnv(credentials));
    return async (...args) => {
        try {
            return (await run('git', ['-C', dir, ...args], { env })).stdout.trim();
        }
        catch (error) {
            const stderr = error.stderr?.trim();
            throw new Error(`git ${args[0]} failed: ${stderr || error.message}`, { cause: error });
        }
    };
}
async function runShell(command, cwd, env = process.env) {
    try {
        const { stdout, stderr } = await run('sh', ['-c', command], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
        return { code: 0, output: stdout + stderr };
    }
    catch (error) {
        const e = error;
        return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
}


/***/ })

};
