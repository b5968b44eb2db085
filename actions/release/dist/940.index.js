export const id = 940;
export const ids = [940];
export const modules = {

/***/ 7940:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runConfigured: () => (/* binding */ runConfigured)
});

// UNUSED EXPORTS: buildEnvironment, createTargets

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./actions/release/floating-tags.ts
var floating_tags = __webpack_require__(9832);
// EXTERNAL MODULE: ./core/errors.ts
var errors = __webpack_require__(265);
// EXTERNAL MODULE: ./core/inputs.ts
var inputs = __webpack_require__(31);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:stream/promises"
var external_node_stream_promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: ./node_modules/@actions/exec/lib/exec.js + 5 modules
var exec = __webpack_require__(2876);
;// CONCATENATED MODULE: ./actions/release/build-assets.ts







/**
 * The release's build step: run the configured command in the checkout of the tag (argv, never a shell
 * unless the user writes one), then collect the assets the patterns name and write SHA256SUMS for them.
 * The build gets no tokens: nothing it runs can publish or leak them.
 */
const CHECKSUMS_NAME = 'SHA256SUMS';
class BuildError extends Error {
    constructor(message) {
        super(message);
        this.name = 'BuildError';
    }
}
async function buildAssets(options) {
    if (options.command.length > 0)
        await runBuild(options);
    const assets = await collectAssets(options.repoDir, options.patterns);
    if (assets.length === 0)
        return [];
    const checksums = external_node_path_default().join(options.outDir, CHECKSUMS_NAME);
    await (0,promises_.writeFile)(checksums, sha256sums(assets));
    return [...assets, await describeFile(CHECKSUMS_NAME, checksums)];
}
/** `sha256sum` output for the assets, sorted by name: `sha256sum -c SHA256SUMS` checks a download. */
function sha256sums(assets) {
    return [...assets]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((a) => `${a.sha256}  ${a.name}\n`)
        .join('');
}
/** The files the patterns match; every pattern must match a file, and names must be unique. */
async function collectAssets(repoDir, patterns) {
    const byName = new Map();
    for (const pattern of patterns) {
        if (external_node_path_default().isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..'))
            throw new BuildError(`asset pattern "${pattern}" must stay inside the repository (relative, no "..")`);
        const files = [];
        for await (const match of (0,promises_.glob)(pattern, { cwd: repoDir })) {
            const file = external_node_path_default().join(repoDir, match);
            if ((await (0,promises_.stat)(file)).isFile())
                files.push(file);
        }
        if (files.length === 0)
            throw new BuildError(`missing build output: asset pattern "${pattern}" matched no file in ${repoDir} (did the build write it there?)`);
        for (const file of files.sort()) {
            const name = external_node_path_default().basename(file);
            const clash = byName.get(name);
            if (clash?.path === file)
                continue;
            if (clash || name === CHECKSUMS_NAME)
                throw new BuildError(`asset name clash: ${clash ? `${external_node_path_default().relative(repoDir, clash.path)} and ` : ''}${external_node_path_default().relative(repoDir, file)} would both be released as "${name}"${name === CHECKSUMS_NAME ? ' (the release writes SHA256SUMS itself)' : ''}; rename one or narrow the patterns`);
            byName.set(name, await describeFile(name, file));
        }
    }
    return [...byName.values()];
}
async function describeFile(name, file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    await (0,external_node_stream_promises_.pipeline)((0,external_node_fs_.createReadStream)(file), hash);
    return { name, path: file, bytes: (await (0,promises_.stat)(file)).size, sha256: hash.digest('hex') };
}
/** How many of a failed build's last lines its error carries. */
const TAIL_LINES = 20;
/**
 * Runs the build through @actions/exec, its output in the log line by line, and fails with its last lines
 * when it fails.
 */
async function runBuild(options) {
    const [program, ...args] = options.command;
    const tail = [];
    const line = (text) => {
        options.log?.info(text);
        tail.push(text);
        if (tail.length > TAIL_LINES)
            tail.shift();
    };
    let exitCode;
    try {
        exitCode = await (0,exec/* exec */.m)(program, args, {
            cwd: options.repoDir,
            env: Object.fromEntries(Object.entries(options.env).filter((entry) => entry[1] !== undefined)),
            silent: true,
            ignoreReturnCode: true,
            listeners: { stdline: line, errline: line },
        });
    }
    catch (error) {
        // @actions/exec looks the program up on PATH before it starts anything.
        if (/Unable to locate executable file/.test((0,errors/* errorMessage */.g)(error)))
            throw new BuildError(`build command not found: ${program} (the build runs without a shell; write "sh -c '…'" for one)`);
        throw error;
    }
    if (exitCode !== 0)
        throw new BuildError(`build failed (exit ${exitCode}): ${options.command.join(' ')}${tail.length ? `\n${tail.join('\n')}` : ''}`);
}

// EXTERNAL MODULE: ./actions/release/tag-signature.ts
var tag_signature = __webpack_require__(1027);
;// CONCATENATED MODULE: ./actions/release/release-notes.ts

/**
 * Release notes come from the signed tag's message, so what gets published is what the maintainer signed:
 * `git tag -s 1.2 -m '1.2' -m '- cool new feature A' -m '- fix crash on Fedora (rhbz#1234)'`.
 *
 * The message is taken as git stored it. git has already applied its cleanup when the tag was made (with
 * `-m` or an editor it drops `#` lines, so Markdown headings need `git tag --cleanup=whitespace`); stripping
 * anything again here would lose text the maintainer kept on purpose.
 */
/** GitHub refuses a release body over 125000 characters. */
const GITHUB_RELEASE_BODY_LIMIT = 125_000;
function releaseNotesFromTag(message, options) {
    const maxBytes = options.maxBytes ?? GITHUB_RELEASE_BODY_LIMIT;
    const lines = (0,tag_signature/* splitSignature */.Pc)(message).payload.replace(/\r\n/g, '\n').split('\n');
    while (lines.length > 0 && lines[0].trim() === '')
        lines.shift();
    const subject = (lines.shift() ?? '').trim();
    // The rest of the first paragraph (if the subject wrapped) stays in the body: nothing signed is dropped.
    while (lines.length > 0 && lines[0].trim() === '')
        lines.shift();
    while (lines.length > 0 && lines[lines.length - 1].trim() === '')
        lines.pop();
    const title = subject === '' || subject === options.version ? options.version : subject;
    const compareLine = options.compareUrl ? `**Full changes**: ${options.compareUrl}` : '';
    const body = [lines.join('\n'), compareLine].filter((part) => part !== '').join('\n\n');
    if (byteLength(body) <= maxBytes)
        return { title, body, truncated: false };
    const where = options.tagUrl
        ? `[tag ${options.version}](${options.tagUrl})`
        : `the message of tag ${options.version} (git show ${options.version})`;
    const suffix = `\n\n_These notes were truncated to fit GitHub's size limit for release notes; the full notes are in ${where}._` +
        (compareLine ? `\n\n${compareLine}` : '');
    const kept = keepWholeLines(lines, maxBytes - byteLength(suffix));
    for (;;) {
        while (kept.length > 0 && kept[kept.length - 1].trim() === '')
            kept.pop();
        // A cut inside a fenced code block would swallow the notice into the code: close the block.
        const openFence = unclosedFence(kept);
        const truncated = kept.join('\n') + (openFence ? `\n${openFence}` : '') + suffix;
        if (kept.length === 0)
            return { title, body: truncated.trimStart(), truncated: true };
        if (byteLength(truncated) <= maxBytes)
            return { title, body: truncated, truncated: true };
        kept.pop();
    }
}
/** The longest run of leading lines within the budget; a single overlong first line is cut inside. */
function keepWholeLines(lines, budget) {
    const kept = [];
    let used = 0;
    for (const line of lines) {
        const cost = byteLength(line) + (kept.length > 0 ? 1 : 0);
        if (used + cost > budget)
            break;
        kept.push(line);
        used += cost;
    }
    if (kept.length === 0 && lines.length > 0 && budget > 0) {
        let prefix = '';
        for (const char of lines[0]) {
            if (byteLength(prefix + char) > budget)
                break;
            prefix += char;
        }
        if (prefix)
            kept.push(prefix);
    }
    return kept;
}
/** The fence that closes the last open fenced code block, or '' when none is open. */
function unclosedFence(lines) {
    let open = '';
    for (const line of lines) {
        const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
        if (!fence)
            continue;
        if (!open)
            open = fence;
        else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence)
            open = '';
    }
    return open;
}
function byteLength(text) {
    return Buffer.byteLength(text, 'utf8');
}

;// CONCATENATED MODULE: ./actions/release/release.ts









/**
 * The release, all or nothing: verify the signed tag → notes from its message → build and checksum the
 * assets → every target prepares → only when all prepared, every target publishes. A prepare failure
 * rolls back the targets (nothing becomes visible anywhere); a publish failure leaves the rest published
 * and the failed target in a state a re-run of the same tag completes.
 */
const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
class ReleaseError extends Error {
    /** True when nothing was published anywhere (a verification, build or prepare failure). */
    nothingPublished;
    constructor(message, nothingPublished, options) {
        super(message, options);
        this.name = 'ReleaseError';
        this.nothingPublished = nothingPublished;
    }
}
async function runRelease(options) {
    const { log } = options;
    const names = options.targets.map((t) => t.name);
    if (new Set(names).size !== names.length)
        throw new ReleaseError(`a target is listed twice: ${names.join(', ')}`, true);
    const tag = await (0,tag_signature/* verifyTag */._G)({
        repoDir: options.repoDir,
        tag: options.tag,
        trust: options.trust,
        ...(options.versionPattern ? { versionPattern: options.versionPattern } : {}),
        ...(options.git ? { git: options.git } : {}),
    });
    log.info(`tag ${tag.name} (${tag.commit}): ${tag.signer.format} signature by ${tag.signer.fingerprint} verified`);
    const head = await gitOutput(options.repoDir, ['rev-parse', 'HEAD']);
    if (head !== tag.commit)
        throw new ReleaseError(`the checkout is at ${head} but tag ${tag.name} points at ${tag.commit}: check out the tag, so that what is built is what was signed`, true);
    const version = tag.name.replace(/^v(?=\d)/, '');
    const previous = options.compareBaseUrl ? await previousTag(options.repoDir, tag.commit) : null;
    const notesFileName = `release-notes-${version}.md`;
    const notes = releaseNotesFromTag(tag.message, {
        version,
        ...(previous && options.compareBaseUrl
            ? { compareUrl: `${options.compareBaseUrl.replace(/\/+$/, '')}/${previous}...${tag.name}` }
            : {}),
        ...(options.assetUrl ? { tagUrl: options.assetUrl(notesFileName) } : {}),
    });
    const workDir = await (0,promises_.mkdtemp)(external_node_path_default().join(options.workDir ?? external_node_os_default().tmpdir(), 'ironbots-release-'));
    try {
        const build = () => buildAssets({
            repoDir: options.repoDir,
            command: options.buildCommand,
            patterns: options.assetPatterns,
            outDir: workDir,
            env: options.buildEnv,
            log,
        });
        const assets = options.buildCommand.length
            ? await log.group(`build: ${options.buildCommand.join(' ')}`, build)
            : await build();
        if (notes.truncated) {
            // The full notes travel with the release, so the link in the truncated ones leads somewhere.
            const file = external_node_path_default().join(workDir, notesFileName);
            await (0,promises_.writeFile)(file, tag.message);
            const [full] = await collectAssets(workDir, [notesFileName]);
            assets.unshift(full);
            log.warn(`the release notes are longer than GitHub allows: published truncated, with a link to the full notes (${notesFileName})`);
        }
        const spec = {
            tag: tag.name,
            version,
            commit: tag.commit,
            title: notes.title,
            notes: notes.body,
            assets,
            // SemVer: a version with a pre-release part (1.2.0-rc.1) is a pre-release.
            prerelease: /^\d+(\.\d+)*-/.test(version),
        };
        const outcome = {
            spec,
            tag,
            dryRun: options.dryRun,
            notesTruncated: notes.truncated,
            plan: [],
            published: [],
        };
        if (options.dryRun) {
            outcome.plan = options.targets.map((t) => ({
                target: t.name,
                action: 'would prepare, then publish',
                detail: `${spec.title} (${spec.tag}), ${assets.length} assets`,
            }));
            log.info(`dry run: nothing was created (targets ${names.join(', ')}; ${assets.length} assets)`);
            return outcome;
        }
        const prepared = [];
        for (const target of options.targets) {
            try {
                const result = await log.group(`${target.name}: prepare`, () => target.prepare(spec));
                prepared.push(target);
                outcome.plan.push(...result.plan);
            }
            catch (error) {
                // The failed target may have staged part of its work too; rollback is best effort and never throws.
                const toRollBack = [...prepared, target].reverse();
                for (const staged of toRollBack)
                    await staged.rollback(spec);
                throw new ReleaseError(`nothing was released: ${target.name} could not prepare (${message(error)}); ${prepared.length
                    ? `rolled back ${prepared.map((t) => t.name).join(', ')}`
                    : 'no other target had staged anything'}`, true, { cause: error });
            }
        }
        const failures = [];
        for (const target of options.targets) {
            try {
                const published = await log.group(`${target.name}: publish`, () => target.publish(spec));
                outcome.published.push(published);
                log.info(`${target.name}: published ${published.url}`);
            }
            catch (error) {
                // Every target prepared, so the others can still publish; a re-run completes the failed one.
                failures.push({ target: target.name, error });
                log.info(`${target.name}: publish failed (${message(error)})`);
            }
        }
        if (failures.length > 0)
            throw new ReleaseError(`publishing failed for ${failures.map((f) => `${f.target} (${message(f.error)})`).join('; ')}` +
                (outcome.published.length
                    ? `; published to ${outcome.published.map((p) => p.target).join(', ')}`
                    : '') +
                `. Re-run the release of ${tag.name}: finished targets are kept as they are and the rest completes.`, false);
        return outcome;
    }
    finally {
        await (0,promises_.rm)(workDir, { recursive: true, force: true });
    }
}
function message(error) {
    return (0,errors/* errorMessage */.g)(error);
}
async function gitOutput(repoDir, args) {
    const { stdout } = await run('git', ['-C', repoDir, ...args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
    });
    return stdout.trim();
}
/** The nearest tag before the commit, or null (first release, or history too shallow to tell). */
async function previousTag(repoDir, commit) {
    try {
        return (await gitOutput(repoDir, ['describe', '--tags', '--abbrev=0', `${commit}^`])) || null;
    }
    catch {
        return null;
    }
}

;// CONCATENATED MODULE: ./actions/release/targets/release-target.ts
/**
 * A release target is one place a release goes (a GitHub release, a GitLab release, an npm registry, an OCI
 * registry). The release runs in two phases so that it is all or nothing: every target `prepare`s first
 * (checks credentials and permissions, finds what an earlier run left, stages what can be staged without
 * becoming visible: a draft, an unpublished package tarball, a pushed-but-untagged image); only if every
 * target prepared does any target `publish`. A target whose publish fails leaves a state that a re-run of the
 * same tag completes; `rollback` undoes what `prepare` staged when another target failed to prepare.
 */
class ReleaseTargetError extends Error {
    target;
    constructor(target, message, options) {
        super(`${target}: ${message}`, options);
        this.name = 'ReleaseTargetError';
        this.target = target;
    }
}

;// CONCATENATED MODULE: ./actions/release/targets/container-target.ts







/**
 * Pushes a container image to any OCI registry with skopeo, in two steps so that nothing changes for users of
 * a tag until publish: prepare builds or loads the image, logs in, and pushes it by digest (no tag); publish
 * points the release tags (and the moving ones) at that digest. A release tag that already points at the
 * same digest is left alone; one that points elsewhere is an error, never moved.
 */
class ContainerImageTarget {
    name = 'container';
    #options;
    #prepared = null;
    constructor(options) {
        this.#options = options;
    }
    get #repository() {
        return `${this.#options.registry}/${this.#options.image}`;
    }
    async prepare(spec, signal) {
        if (!this.#options.username || !this.#options.password)
            throw this.#error(`no credentials given for ${this.#options.registry}: a user and a password or token are needed`);
        if (!this.#options.archive === !this.#options.buildContext)
            throw this.#error('give exactly one of archive (an OCI archive from the build) or buildContext');
        await this.#cleanup();
        const work = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'ironbots-container-release-'));
        const prepared = {
            tag: spec.tag,
            work,
            authfile: external_node_path_default().join(work, 'auth.json'),
            digest: '',
            pushedManifest: false,
        };
        this.#prepared = prepared;
        try {
            await this.#login(prepared, signal);
            const source = this.#options.archive
                ? await this.#archiveSource(spec)
                : await this.#build(prepared, spec, signal);
            const manifest = await this.#tool('skopeo', ['inspect', '--raw', source], { signal });
            prepared.digest = `sha256:${(0,external_node_crypto_.createHash)('sha256').update(manifest).digest('hex')}`;
            const plan = [];
            for (const tag of this.#releaseTags(spec)) {
                const current = await this.#remoteDigest(prepared, `:${tag}`, signal);
                if (current && current !== prepared.digest)
                    throw this.#moved(tag, current, prepared.digest);
                plan.push({
                    target: this.name,
                    action: current ? 'already tagged' : 'tag',
                    detail: `${this.#repository}:${tag} → ${prepared.digest}`,
                });
            }
            for (const tag of this.#movingTags()) {
                plan.push({
                    target: this.name,
                    action: 'move tag',
                    detail: `${this.#repository}:${tag} → ${prepared.digest}`,
                });
            }
            if (await this.#remoteDigest(prepared, `@${prepared.digest}`, signal)) {
                plan.unshift({
                    target: this.name,
                    action: 'keep image',
                    detail: `${this.#repository}@${prepared.digest}`,
                });
            }
            else {
                // skopeo's own lines ("Copying blob sha256:… done", "Writing manifest") are the push's progress.
                await this.#tool('skopeo', [
                    'copy',
                    '--preserve-digests',
                    '--authfile',
                    prepared.authfile,
                    `--dest-tls-verify=${this.#tlsVerify}`,
                    source,
                    `docker://${this.#repository}@${prepared.digest}`,
                ], { signal, what: `pushing to ${this.#repository}`, progress: true });
                prepared.pushedManifest = true;
                this.#options.log?.info(`${this.name}: image pushed by digest ${prepared.digest}`);
                plan.unshift({
                    target: this.name,
                    action: 'push image',
                    detail: `${this.#repository}@${prepared.digest} (no tag)`,
                });
            }
            return { plan };
        }
        catch (error) {
            if (!prepared.pushedManifest)
                await this.#cleanup();
            throw error;
        }
    }
    async publish(spec, signal) {
        if (this.#prepared?.tag !== spec.tag)
            await this.prepare(spec, signal);
        const prepared = this.#prepared;
        const moving = new Set(this.#movingTags());
        for (const tag of [...this.#releaseTags(spec), ...moving]) {
            const current = await this.#remoteDigest(prepared, `:${tag}`, signal);
            if (current === prepared.digest)
                continue;
            if (current && !moving.has(tag))
                throw this.#moved(tag, current, prepared.digest);
            await this.#tool('skopeo', [
                'copy',
                '--quiet',
                '--preserve-digests',
                '--authfile',
                prepared.authfile,
                `--src-tls-verify=${this.#tlsVerify}`,
                `--dest-tls-verify=${this.#tlsVerify}`,
                `docker://${this.#repository}@${prepared.digest}`,
                `docker://${this.#repository}:${tag}`,
            ], { signal, what: `tagging ${this.#repository}:${tag}` });
            this.#options.log?.info(`${this.name}: tagged ${tag} (${prepared.digest})`);
        }
        // Tagged now: a rollback must not delete it.
        prepared.pushedManifest = false;
        const [first] = this.#releaseTags(spec);
        const published = {
            target: this.name,
            url: `${this.#repository}:${first ?? spec.version}`,
            id: prepared.digest,
            assets: [],
        };
        await this.#cleanup();
        return published;
    }
    async rollback(spec) {
        const prepared = this.#prepared;
        if (prepared?.tag === spec.tag && prepared.pushedManifest) {
            try {
                await this.#tool('skopeo', [
                    'delete',
                    '--authfile',
                    prepared.authfile,
                    `--tls-verify=${this.#tlsVerify}`,
                    `docker://${this.#repository}@${prepared.digest}`,
                ]);
            }
            catch (error) {
                // Many registries refuse deletes; an untagged manifest is invisible and gets garbage-collected.
                this.#options.log?.warn(`${this.name}: could not delete the untagged image ${prepared.digest}: ${(0,errors/* errorMessage */.g)(error)}`);
            }
        }
        await this.#cleanup();
    }
    // ---- steps ----
    get #tlsVerify() {
        return this.#options.tlsVerify !== false;
    }
    #releaseTags(spec) {
        return (this.#options.tags ?? ['{version}']).map((t) => t.replaceAll('{version}', spec.version));
    }
    #movingTags() {
        return this.#options.movingTags ?? [];
    }
    async #login(prepared, signal) {
        await (0,promises_.writeFile)(prepared.authfile, '{}\n', { mode: 0o600 });
        try {
            await this.#tool('skopeo', [
                'login',
                '--authfile',
                prepared.authfile,
                `--tls-verify=${this.#tlsVerify}`,
                '--username',
                this.#options.username,
                '--password-stdin',
                this.#options.registry,
            ], { input: this.#options.password, signal });
        }
        catch (error) {
            const text = (0,errors/* errorMessage */.g)(error);
            if (/unauthorized|401|invalid username\/password|authentication required/i.test(text))
                throw this.#error(`${this.#options.registry} refused the credentials of ${this.#options.username}`, error);
            throw error;
        }
    }
    /** skopeo's reference to the archive: `oci-archive:` (podman/buildah) or `docker-archive:` (docker save). */
    async #archiveSource(spec) {
        const name = this.#options.archive;
        const file = spec.assets.find((a) => a.name === name)?.path ?? external_node_path_default().resolve(name);
        try {
            await (0,promises_.access)(file);
        }
        catch {
            throw this.#error(`image archive ${name} not found: is it among the build's outputs?`);
        }
        let entries;
        try {
            entries = (await this.#tool('tar', ['-tf', file])).toString().split('\n');
        }
        catch {
            throw this.#error(`image archive ${name} is not a tar archive`);
        }
        if (entries.includes('oci-layout') || entries.includes('./oci-layout'))
            return `oci-archive:${file}`;
        if (entries.includes('manifest.json') || entries.includes('./manifest.json'))
            return `docker-archive:${file}`;
        throw this.#error(`image archive ${name} is neither an OCI archive (oci-layout) nor a docker archive (manifest.json)`);
    }
    /** Builds with podman and saves an OCI archive; fixed timestamps make a rebuild give the same digest. */
    async #build(prepared, spec, signal) {
        const context = external_node_path_default().resolve(this.#options.buildContext);
        const containerfile = external_node_path_default().join(context, this.#options.containerfile ?? 'Containerfile');
        try {
            await (0,promises_.access)(containerfile);
        }
        catch {
            throw this.#error(`no ${external_node_path_default().basename(containerfile)} in the build context ${context}`);
        }
        const conf = external_node_path_default().join(prepared.work, 'containers.conf');
        // Without this, podman asks the runtime for ulimits that nested or restricted hosts refuse.
        await (0,promises_.writeFile)(conf, '[containers]\ndefault_ulimits = []\n');
        const env = { CONTAINERS_CONF: conf };
        const local = `localhost/ironbots-release-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}:${spec.version}`;
        const podman = ['--runtime', this.#options.runtime ?? 'runc'];
        await this.#tool('podman', [
            ...podman,
            'build',
            '--quiet',
            '--network',
            'none',
            '--timestamp',
            '0',
            '--file',
            containerfile,
            '--tag',
            local,
            context,
        ], { env, signal, what: 'building the image' });
        try {
            const archive = external_node_path_default().join(prepared.work, 'image.tar');
            await this.#tool('podman', [...podman, 'save', '--quiet', '--format', 'oci-archive', '--output', archive, local], {
                env,
                signal,
                what: 'saving the image',
            });
            return `oci-archive:${archive}`;
        }
        finally {
            await this.#tool('podman', [...podman, 'rmi', '--force', local], { env }).catch(() => undefined);
        }
    }
    /** The digest a tag (`:1.2`) or digest (`@sha256:…`) names in the registry, or null when there is none. */
    async #remoteDigest(prepared, reference, signal) {
        try {
            const manifest = await this.#tool('skopeo', [
                'inspect',
                '--raw',
                '--authfile',
                prepared.authfile,
                `--tls-verify=${this.#tlsVerify}`,
                `docker://${this.#repository}${reference}`,
            ], { signal, what: `reading ${this.#repository}${reference}` });
            return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(manifest).digest('hex')}`;
        }
        catch (error) {
            if (/manifest unknown|name unknown|not found/i.test((0,errors/* errorMessage */.g)(error)))
                return null;
            throw error;
        }
    }
    /**
     * Runs skopeo or podman through @actions/exec, as the build runs: its output is the workflow log's when
     * `progress` asks (a push's progress) and its last lines go into the error when it fails. @actions/exec
     * takes no AbortSignal: a cancel is honoured before each command, and a command already started ends
     * on its own.
     */
    async #tool(command, args, options = {}) {
        options.signal?.throwIfAborted();
        const out = [];
        let err = '';
        const log = options.progress ? this.#options.log : undefined;
        const line = (text) => {
            if (text.trim())
                log?.info(`${this.name}: ${text.trim()}`);
        };
        let exitCode;
        try {
            exitCode = await (0,exec/* exec */.m)(command, args, {
                env: Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter((entry) => entry[1] !== undefined)),
                silent: true,
                ignoreReturnCode: true,
                // A password, written whole into the pipe as the tool starts: before it could exit and close it.
                ...(options.input !== undefined ? { input: Buffer.from(options.input) } : {}),
                listeners: {
                    stdout: (d) => out.push(d),
                    stderr: (d) => (err = (err + d.toString()).slice(-8000)),
                    ...(log ? { stdline: line, errline: line } : {}),
                },
            });
        }
        catch (error) {
            // @actions/exec looks the program up on PATH before it starts anything.
            throw this.#error(`${command} could not run: ${(0,errors/* errorMessage */.g)(error)}`, error);
        }
        if (exitCode === 0)
            return Buffer.concat(out);
        const detail = err.trim().split('\n').slice(-4).join('\n');
        const denied = /denied|unauthorized|403|forbidden/i.test(detail);
        const hint = denied ? ` (${this.#options.username} may not push to ${this.#repository}?)` : '';
        throw this.#error(`${options.what ?? `${command} ${args[0]}`} failed${hint}: ${detail}`);
    }
    #moved(tag, current, ours) {
        return this.#error(`${this.#repository}:${tag} already points to ${current}, not to this build's ${ours}; ` +
            'a release tag is never moved: release a new version instead');
    }
    async #cleanup() {
        const prepared = this.#prepared;
        this.#prepared = null;
        if (prepared)
            await (0,promises_.rm)(prepared.work, { recursive: true, force: true });
    }
    #error(message, cause) {
        const redacted = this.#options.password ? message.split(this.#options.password).join('***') : message;
        return new ReleaseTargetError(this.name, redacted, cause === undefined ? undefined : { cause });
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(3747);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
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

// EXTERNAL MODULE: ./core/sizes.ts + 1 modules
var sizes = __webpack_require__(4198);
;// CONCATENATED MODULE: ./actions/release/upload-progress.ts



/** Below this an upload takes a moment: one line when it is done is all there is to say. */
const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
/** A larger upload says where it is at each quarter… */
const QUARTERS = [25, 50, 75];
/** …and, when it is slow, at least this often in between, so a stalled upload is told from a slow one. */
const DEFAULT_INTERVAL_MS = 10_000;
/**
 * The progress of one asset upload as a person reads it in the workflow log: its size when it starts, the
 * percentage at each quarter (and every 10 s when it is slow), and the time and rate when the forge has
 * taken it. At most a handful of lines per asset, however large; a small asset gets one line.
 */
class UploadProgress {
    #o;
    #now;
    #started;
    #detailed;
    #sent = 0;
    #nextQuarter = 0;
    #lastLine;
    constructor(options) {
        this.#o = options;
        this.#now = options.now ?? (() => performance.now());
        this.#started = this.#now();
        this.#lastLine = this.#started;
        this.#detailed = options.bytes >= PROGRESS_MIN_BYTES;
        const retry = options.attempt && options.attempt.number > 1;
        if (this.#detailed || retry)
            this.#say(`uploading ${(0,sizes/* formatBytes */.z3)(options.bytes)}${retry ? ` (attempt ${options.attempt.number} of ${options.attempt.of})` : ''}`);
    }
    /** Counts bytes handed to the connection. */
    sent(count) {
        this.#sent += count;
        if (!this.#detailed)
            return;
        const percent = Math.floor((this.#sent / this.#o.bytes) * 100);
        let quarter = false;
        while (this.#nextQuarter < QUARTERS.length && percent >= QUARTERS[this.#nextQuarter]) {
            this.#nextQuarter++;
            quarter = true;
        }
        const now = this.#now();
        if (!quarter && now - this.#lastLine < (this.#o.intervalMs ?? DEFAULT_INTERVAL_MS))
            return;
        if (this.#sent >= this.#o.bytes)
            return; // the done line follows once the forge has answered
        this.#lastLine = now;
        this.#say(`${Math.min(percent, 99)}% (${(0,sizes/* formatBytes */.z3)(this.#sent)} of ${(0,sizes/* formatBytes */.z3)(this.#o.bytes)}, ${(0,sizes/* formatRate */.CE)(this.#sent, now - this.#started)})`);
    }
    /** The forge has the asset: the size, the time from the first byte to its answer, and the rate. */
    done() {
        const elapsed = this.#now() - this.#started;
        this.#say(`uploaded ${(0,sizes/* formatBytes */.z3)(this.#o.bytes)} in ${(0,sizes/* formatDuration */.a3)(elapsed)} (${(0,sizes/* formatRate */.CE)(this.#o.bytes, elapsed)})`);
    }
    #say(text) {
        this.#o.say(`${this.#o.target}: ${this.#o.name}: ${text}`);
    }
}
/**
 * The file as a Node stream for a request body (never read into memory), counting each chunk into `progress`
 * as the connection takes it: backpressure keeps the count within a socket buffer of the bytes sent. A
 * request that gives up destroys the stream and with it the file handle.
 */
function fileUploadStream(path, progress) {
    const counted = new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            progress.sent(chunk.length);
            callback(null, chunk);
        },
    });
    // Errors reach the reader through `counted`, which pipeline destroys with them.
    return (0,external_node_stream_.pipeline)((0,external_node_fs_.createReadStream)(path), counted, () => undefined);
}
/** The same as a web ReadableStream, for clients that take a fetch body. */
function fileUploadBody(path, progress) {
    return external_node_stream_.Readable.toWeb(fileUploadStream(path, progress));
}

;// CONCATENATED MODULE: ./core/proxy.ts

/**
 * The dispatcher a request to `url` goes through, decided as @actions/github decides for its requests
 * (@actions/http-client's rules): loopback hosts never use a proxy; an https URL uses https_proxy/HTTPS_PROXY
 * and an http URL http_proxy/HTTP_PROXY (lowercase first), never the other one; NO_PROXY exempts hosts.
 * Undefined means undici's default dispatcher: no proxy is set for this URL.
 */
function proxyDispatcher(url, env = process.env) {
    if (isLoopback(url.hostname))
        return undefined;
    const httpProxy = env['http_proxy'] || env['HTTP_PROXY'];
    const httpsProxy = env['https_proxy'] || env['HTTPS_PROXY'];
    const proxy = url.protocol === 'https:' ? httpsProxy : httpProxy;
    if (!proxy)
        return undefined;
    // EnvHttpProxyAgent applies NO_PROXY (hosts, domains, ports, *) and the proxy's user:password.
    return new undici/* EnvHttpProxyAgent */.J2({
        httpProxy: withScheme(httpProxy || proxy),
        httpsProxy: withScheme(httpsProxy || proxy),
        noProxy: env['no_proxy'] || env['NO_PROXY'] || '',
    });
}
function isLoopback(hostname) {
    const host = hostname.toLowerCase();
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '[0:0:0:0:0:0:0:1]';
}
/** `proxy:3128` as runners often set it means http://proxy:3128, as @actions/http-client reads it. */
function withScheme(proxy) {
    return /^https?:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
/**
 * `fetch` through the runner's proxy where `proxyDispatcher` says so, for servers other than GitHub's API
 * (@actions/github's own fetch takes the proxy decided for the API's URL, whatever URL it is given).
 */
const fetchThroughProxy = ((input, init) => {
    const dispatcher = proxyDispatcher(new URL(input instanceof Request ? input.url : input));
    if (!dispatcher)
        return fetch(input, init);
    return undiciFetch(input, { ...init, dispatcher });
});

;// CONCATENATED MODULE: ./actions/release/targets/github-target.ts









/**
 * A GitHub release: prepare creates (or finds) a draft and uploads the assets to it, which nobody but the
 * repository's writers sees; publish turns the draft into the release. A re-run of the same tag finds the
 * draft or the published release, keeps assets whose sha256 matches (GitHub's `digest`, or the downloaded
 * bytes when an older asset has none), replaces changed ones and never uploads a name twice.
 */
class GitHubReleaseTarget {
    name = 'github';
    #options;
    #owner;
    #repo;
    #apiUrl;
    #client;
    #prepared = null;
    #dispatchers = new Map();
    constructor(options) {
        this.#options = options;
        const [owner, repo, extra] = options.repository.split('/');
        if (!owner || !repo || extra !== undefined)
            throw new ReleaseTargetError('github', `repository must be owner/name, not "${options.repository}"`);
        this.#owner = owner;
        this.#repo = repo;
        this.#apiUrl = (options.apiUrl || 'https://api.github.com').replace(/\/+$/, '');
    }
    /**
     * @actions/github's client, made on first use (a dry run has no token, and getOctokit wants one): the
     * runner's proxy (HTTPS_PROXY, NO_PROXY) for every request, uploads and downloads included, and the job's
     * orchestration id in the user agent; plus retries of 5xx answers.
     */
    get #octokit() {
        const log = this.#options.log;
        this.#client ??= (0,github/* getOctokit */.Q)(this.#options.token, {
            baseUrl: this.#apiUrl,
            userAgent: 'ironbots-release',
            log: {
                debug: () => undefined,
                info: () => undefined,
                warn: (message) => log?.warn(message),
                error: (message) => log?.debug(message),
            },
            retry: { retries: 2, retryAfterBaseValue: Math.max(1, (this.#options.retryDelayMs ?? 2000) / 2) },
            ...(this.#options.fetch ? { request: { fetch: this.#options.fetch } } : {}),
        }, retryTransientFailures);
        return this.#client;
    }
    async prepare(spec) {
        // One round trip for both: a release step on github.com waits on each. A refused token says so first.
        const [access, found] = await Promise.allSettled([this.#checkAccess(), this.#findRelease(spec.tag)]);
        if (access.status === 'rejected')
            throw access.reason;
        if (found.status === 'rejected')
            throw found.reason;
        const existing = found.value;
        const plan = [];
        let release;
        let createdDraft = false;
        if (existing && !existing.draft) {
            // Published by an earlier run: changing it is visible, so everything waits for publish.
            release = existing;
            plan.push({ target: this.name, action: 'complete the published release', detail: release.html_url });
        }
        else {
            if (existing) {
                release = await this.#call('update the draft', () => this.#octokit.rest.repos.updateRelease({
                    owner: this.#owner,
                    repo: this.#repo,
                    release_id: existing.id,
                    ...releaseFields(spec),
                }));
                plan.push({
                    target: this.name,
                    action: 'reuse the draft an earlier run left',
                    detail: `${release.id}`,
                });
            }
            else {
                release = await this.#call('create a draft release', () => this.#octokit.rest.repos.createRelease({
                    owner: this.#owner,
                    repo: this.#repo,
                    tag_name: spec.tag,
                    // Were the tag missing at publish, GitHub would make it here, never at the default branch's head.
                    target_commitish: spec.commit,
                    ...releaseFields(spec),
                    draft: true,
                }));
                createdDraft = true;
                plan.push({ target: this.name, action: 'create a draft release', detail: `${release.id}` });
            }
            this.#prepared = { tag: spec.tag, release, createdDraft };
            // A draft made just now has no assets to list.
            plan.push(...(await this.#syncAssets(release, spec.assets, createdDraft ? [] : undefined)));
        }
        this.#prepared = { tag: spec.tag, release, createdDraft };
        plan.push({ target: this.name, action: 'publish the release', detail: `${spec.title} (${spec.tag})` });
        return { plan };
    }
    async publish(spec) {
        if (this.#prepared?.tag !== spec.tag)
            await this.prepare(spec);
        let release = this.#prepared.release;
        if (!release.draft)
            await this.#syncAssets(release, spec.assets);
        release = await this.#call('publish the release', () => this.#octokit.rest.repos.updateRelease({
            owner: this.#owner,
            repo: this.#repo,
            release_id: release.id,
            tag_name: spec.tag,
            ...releaseFields(spec),
            draft: false,
        }));
        this.#prepared = { ...this.#prepared, release, createdDraft: false };
        const assets = await this.#listAssets(release.id);
        this.#options.log?.info(`${this.name}: release published ${release.html_url}`);
        return {
            target: this.name,
            url: release.html_url,
            id: String(release.id),
            assets: spec.assets.map((asset) => ({
                name: asset.name,
                sha256: asset.sha256,
                bytes: asset.bytes,
                ...urlOf(assets, asset.name),
            })),
        };
    }
    async rollback(spec) {
        const prepared = this.#prepared;
        if (!prepared || prepared.tag !== spec.tag || !prepared.createdDraft)
            return;
        try {
            await this.#octokit.rest.repos.deleteRelease({
                owner: this.#owner,
                repo: this.#repo,
                release_id: prepared.release.id,
            });
            this.#prepared = null;
            this.#options.log?.info(`${this.name}: draft release ${prepared.release.id} deleted (rollback)`);
        }
        catch (error) {
            this.#options.log?.warn(`${this.name}: could not delete the draft release ${prepared.release.id} (${(0,errors/* errorMessage */.g)(error)}); a re-run of the tag reuses it`);
        }
    }
    /** A missing token, a token GitHub refuses, or one that cannot write, named before anything is made. */
    async #checkAccess() {
        if (!this.#options.token)
            throw new ReleaseTargetError('github', 'no token: set the token input (the workflow token needs `permissions: contents: write`)');
        const data = await this.#call('read the repository', () => this.#octokit.rest.repos.get({ owner: this.#owner, repo: this.#repo }));
        const permissions = data.permissions;
        // Present for user tokens; when GitHub leaves it out, a write refused with 403 says the same thing.
        if (permissions && permissions.push === false)
            throw new ReleaseTargetError('github', `the token cannot push to ${this.#owner}/${this.#repo}: releases need write access (workflow \`permissions: contents: write\`)`);
    }
    /**
     * The release of the tag, published or draft. Drafts have no tag yet and are found only by listing, which a
     * new tag always needs: the first page is asked for alongside the tag lookup, one round trip for both.
     */
    async #findRelease(tag) {
        // Newest first: a draft an earlier run left is on the first page; further pages only if it is not.
        const listing = this.#octokit.paginate.iterator(this.#octokit.rest.repos.listReleases, {
            owner: this.#owner,
            repo: this.#repo,
            per_page: 100,
        });
        const pages = listing[Symbol.asyncIterator]();
        const firstPage = pages.next();
        // Not read when the tag has a published release: its failure then matters to nobody.
        firstPage.catch(() => undefined);
        try {
            const { data } = await this.#octokit.rest.repos.getReleaseByTag({
                owner: this.#owner,
                repo: this.#repo,
                tag,
            });
            return data;
        }
        catch (error) {
            if (error.status !== 404)
                throw this.#failure('find the release', error);
        }
        return this.#call('list releases', async () => {
            for (let page = await firstPage; !page.done; page = await pages.next()) {
                const draft = page.value.data.find((r) => r.draft && r.tag_name === tag);
                if (draft)
                    return draft;
            }
            return null;
        });
    }
    async #listAssets(releaseId) {
        return (await this.#call('list assets', () => this.#octokit.paginate(this.#octokit.rest.repos.listReleaseAssets, {
            owner: this.#owner,
            repo: this.#repo,
            release_id: releaseId,
            per_page: 100,
        })));
    }
    /** Uploads what is missing, replaces what changed, keeps what is identical. */
    async #syncAssets(release, assets, present) {
        const plan = [];
        const existing = new Map((present ?? (await this.#listAssets(release.id))).map((a) => [a.name, a]));
        for (const asset of assets) {
            const present = existing.get(asset.name);
            if (present && (await this.#sameContent(present, asset))) {
                plan.push({ target: this.name, action: 'keep identical asset', detail: asset.name });
                continue;
            }
            if (present)
                await this.#deleteAsset(present);
            await this.#upload(release, asset);
            plan.push({
                target: this.name,
                action: present ? 'replace changed asset' : 'upload asset',
                detail: `${asset.name} (${asset.bytes} bytes)`,
            });
        }
        return plan;
    }
    async #sameContent(remote, asset) {
        if (remote.state !== undefined && remote.state !== 'uploaded')
            return false;
        if (remote.size !== asset.bytes)
            return false;
        if (remote.digest)
            return remote.digest.toLowerCase() === `sha256:${asset.sha256}`;
        return (await this.#downloadSha256(remote)) === asset.sha256;
    }
    async #downloadSha256(remote) {
        const body = (await this.#call(`download asset ${remote.name}`, () => this.#octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
            owner: this.#owner,
            repo: this.#repo,
            asset_id: remote.id,
            headers: { accept: 'application/octet-stream' },
            // The bytes as they stream in, hashed without holding the asset in memory.
            request: { parseSuccessResponseBody: false },
        })));
        if (!body)
            throw new ReleaseTargetError('github', `download of asset ${remote.name} had no body`);
        const hash = (0,external_node_crypto_.createHash)('sha256');
        for await (const chunk of external_node_stream_.Readable.fromWeb(body))
            hash.update(chunk);
        return hash.digest('hex');
    }
    async #deleteAsset(remote) {
        await this.#call(`delete asset ${remote.name}`, () => this.#octokit.rest.repos.deleteReleaseAsset({
            owner: this.#owner,
            repo: this.#repo,
            asset_id: remote.id,
        }));
    }
    /**
     * Streams the file to the release's upload_url. A failed attempt may still have left an asset (the
     * response was lost, or GitHub kept a partial `starter` asset that blocks the name): before retrying,
     * an identical one counts as done and anything else under the name is deleted.
     */
    async #upload(release, asset) {
        const attempts = Math.max(1, this.#options.uploadAttempts ?? 4);
        const delay = this.#options.retryDelayMs ?? 2000;
        const url = new URL(release.upload_url.replace(/\{[^}]*\}$/, ''));
        url.searchParams.set('name', asset.name);
        let lastProblem = '';
        // Not the API retry's job: it cannot replay a file stream, nor clear what a failed try left.
        for (let attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                await new Promise((resolve) => setTimeout(resolve, delay * (attempt - 1)));
                const left = (await this.#listAssets(release.id)).find((a) => a.name === asset.name);
                if (left && (await this.#sameContent(left, asset)))
                    return;
                if (left)
                    await this.#deleteAsset(left);
            }
            const progress = new UploadProgress({
                target: this.name,
                name: asset.name,
                bytes: asset.bytes,
                say: (line) => this.#options.log?.info(line),
                attempt: { number: attempt, of: attempts },
            });
            try {
                const failure = await this.#post(url, asset, progress);
                if (failure === null) {
                    progress.done();
                    return;
                }
                lastProblem = failure.problem;
                // A client error will not change by retrying (401, 403, 422 …).
                if (failure.status < 500 && failure.status !== 429)
                    throw new ReleaseTargetError('github', `upload of ${asset.name} refused: ${lastProblem}`);
            }
            catch (error) {
                if (error instanceof ReleaseTargetError)
                    throw error;
                // No answer: the connection dropped or the file could not be read.
                lastProblem = (0,errors/* errorMessage */.g)(error).slice(0, 300);
            }
            this.#options.log?.warn(`${asset.name}: upload attempt ${attempt} of ${attempts} failed: ${lastProblem}`);
        }
        throw new ReleaseTargetError('github', `upload of ${asset.name} failed ${attempts} times, last: ${lastProblem}; re-run to complete the release`);
    }
    /**
     * One POST of the file with undici's `request` and a Node stream body: a web ReadableStream through fetch
     * costs about half as much again in time and CPU on large assets. The headers are the ones Octokit sends,
     * the dispatcher follows the runner's proxy settings as @actions/github does. Null when GitHub took it;
     * otherwise the status and what GitHub said.
     */
    async #post(url, asset, progress) {
        const defaults = this.#octokit.request.endpoint.DEFAULTS.headers;
        const dispatcher = this.#proxyDispatcher(url);
        const response = await (0,undici/* request */.Em)(url, {
            method: 'POST',
            headers: {
                accept: defaults.accept,
                'user-agent': defaults['user-agent'],
                authorization: `token ${this.#options.token}`,
                'content-type': 'application/octet-stream',
                'content-length': String(asset.bytes),
            },
            body: fileUploadStream(asset.path, progress),
            ...(dispatcher ? { dispatcher } : {}),
        });
        const text = await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300)
            return null;
        let message = text;
        try {
            message = JSON.parse(text).message ?? text;
        }
        catch {
            // Not JSON (a proxy's or load balancer's page): its text says what happened.
        }
        return {
            status: response.statusCode,
            problem: `HTTP ${response.statusCode} ${message.trim()}`.trim().slice(0, 300),
        };
    }
    /** One per upload origin (uploads.github.com, a GHES host, the emulator), made on first use. */
    #proxyDispatcher(url) {
        if (!this.#dispatchers.has(url.origin))
            this.#dispatchers.set(url.origin, proxyDispatcher(url));
        return this.#dispatchers.get(url.origin);
    }
    async #call(what, request) {
        try {
            const result = await request();
            return (result && typeof result === 'object' && 'data' in result && !Array.isArray(result)
                ? result.data
                : result);
        }
        catch (error) {
            throw this.#failure(what, error);
        }
    }
    #failure(what, error) {
        return new ReleaseTargetError('github', this.#explain(what, error), { cause: error });
    }
    #explain(what, error) {
        const status = error.status;
        const message = (0,errors/* errorMessage */.g)(error);
        const where = `${this.#owner}/${this.#repo}`;
        if (status === 401)
            return `could not ${what}: the token was rejected (401 Bad credentials)`;
        if (status === 403)
            return `could not ${what} in ${where}: the token may not write releases (403 ${message}); give the workflow \`permissions: contents: write\``;
        if (status === 404)
            return `could not ${what}: ${where} not found, or the token cannot see it (404)`;
        return `could not ${what} in ${where}: ${status ? `HTTP ${status} ` : ''}${message}`;
    }
}
function releaseFields(spec) {
    return { name: spec.title, body: spec.notes, prerelease: spec.prerelease };
}
function urlOf(assets, name) {
    const found = assets.find((a) => a.name === name);
    return found ? { url: found.browser_download_url } : {};
}

;// CONCATENATED MODULE: ./actions/release/targets/gitlab-target.ts



/** GitLab's access levels: creating releases and uploading packages needs Developer. */
const DEVELOPER = 30;
const ACCESS_NAMES = {
    0: 'No access',
    5: 'Minimal access',
    10: 'Guest',
    15: 'Planner',
    20: 'Reporter',
    30: 'Developer',
    40: 'Maintainer',
    50: 'Owner',
};
/** GitLab's rules for generic package coordinates, checked before anything is uploaded. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PACKAGE_VERSION = /^(\.?[\w+-]+\.?)+$/;
const PACKAGE_FILE_NAME = /^[A-Za-z0-9._+~-]+$/;
/**
 * A GitLab release whose assets live in the project's generic package registry and are linked from the
 * release. GitLab has no draft release, so prepare checks the token's access and uploads the package files
 * (reachable only by their URL until a release links them); publish creates or updates the release and its
 * links. A re-run keeps package files whose sha256 matches, uploads changed ones and drops the stale copies,
 * and updates the release in place: never a second release, link or file of the same name.
 */
class GitLabReleaseTarget {
    name = 'gitlab';
    #options;
    #api;
    #prepared = null;
    constructor(options) {
        this.#options = options;
        this.#api = `${options.url.replace(/\/+$/, '')}/api/v4`;
    }
    async prepare(spec, signal) {
        if (!this.#options.token)
            throw this.#error('no token given: a GitLab token with Developer access is needed');
        const project = await this.#project(signal);
        const packageName = this.#options.packageName ?? project.path;
        this.#checkCoordinates(spec, packageName);
        const plan = [];
        const prepared = {
            tag: spec.tag,
            projectId: project.id,
            projectWebUrl: project.web_url,
            packageName,
            files: new Map(),
            uploaded: [],
            packageId: null,
            createdPackage: false,
        };
        this.#prepared = prepared;
        try {
            const existing = await this.#packageFiles(prepared, spec.version, signal);
            prepared.createdPackage = prepared.packageId === null;
            for (const asset of spec.assets) {
                const same = existing
                    .filter((f) => f.file_name === asset.name && f.file_sha256 === asset.sha256)
                    .at(-1);
                if (same) {
                    prepared.files.set(asset.name, same.id);
                    plan.push({
                        target: this.name,
                        action: 'keep package file',
                        detail: `${asset.name} (same sha256)`,
                    });
                    continue;
                }
                const replaces = existing.some((f) => f.file_name === asset.name);
                const uploaded = await this.#upload(prepared, spec.version, asset, signal);
                prepared.uploaded.push(uploaded.id);
                prepared.files.set(asset.name, uploaded.id);
                plan.push({
                    target: this.name,
                    action: replaces ? 'replace package file' : 'upload package file',
                    detail: `${asset.name} (${asset.bytes} bytes, sha256 ${asset.sha256})`,
                });
            }
            const release = await this.#release(prepared, spec.tag, signal);
            plan.push({
                target: this.name,
                action: release ? 'update release' : 'create release',
                detail: `${spec.tag} in ${project.web_url} with ${spec.assets.length} linked assets`,
            });
            return { plan };
        }
        catch (error) {
            // Whatever this prepare uploaded before failing goes again; the caller may not call rollback.
            await this.rollback(spec);
            throw error;
        }
    }
    async publish(spec, signal) {
        if (this.#prepared?.tag !== spec.tag)
            await this.prepare(spec, signal);
        const prepared = this.#prepared;
        const links = spec.assets.map((asset) => ({
            name: asset.name,
            url: this.#packageFileUrl(prepared, spec.version, asset.name),
            direct_asset_path: `/${asset.name}`,
            link_type: 'package',
        }));
        let release = await this.#release(prepared, spec.tag, signal);
        if (!release) {
            const created = await this.#request('POST', `/projects/${prepared.projectId}/releases`, {
                json: {
                    tag_name: spec.tag,
                    // Only used when the tag is missing on GitLab (e.g. pushed elsewhere): it is created at the commit.
                    ref: spec.commit,
                    name: spec.title,
                    description: spec.notes,
                    assets: { links },
                },
                signal,
            });
            release = created.body;
            this.#options.log?.info(`${this.name}: release ${spec.tag} created`);
        }
        else {
            if (release.name !== spec.title || (release.description ?? '') !== spec.notes) {
                release = (await this.#request('PUT', this.#releasePath(prepared, spec.tag), {
                    json: { name: spec.title, description: spec.notes },
                    signal,
                })).body;
            }
            await this.#syncLinks(prepared, spec.tag, links, release.assets?.links ?? [], signal);
            release = await this.#release(prepared, spec.tag, signal);
            this.#options.log?.info(`${this.name}: release ${spec.tag} updated`);
        }
        await this.#dropStaleFiles(prepared, spec, signal);
        // From here on a rollback must not remove what the release links.
        prepared.uploaded = [];
        prepared.createdPackage = false;
        const published = new Map((release?.assets?.links ?? []).map((l) => [l.name, l]));
        return {
            target: this.name,
            url: release?._links?.self ?? `${prepared.projectWebUrl}/-/releases/${encodeURIComponent(spec.tag)}`,
            id: spec.tag,
            assets: spec.assets.map((a) => ({
                name: a.name,
                sha256: a.sha256,
                bytes: a.bytes,
                url: published.get(a.name)?.direct_asset_url ?? published.get(a.name)?.url,
            })),
        };
    }
    async rollback(spec) {
        const prepared = this.#prepared;
        if (prepared?.tag !== spec.tag || prepared.packageId === null)
            return;
        for (const id of prepared.uploaded) {
            await this.#request('DELETE', `/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files/${id}`).catch((err) => this.#options.log?.warn(`${this.name}: rollback could not delete package file ${id}: ${(0,errors/* errorMessage */.g)(err)}`));
        }
        prepared.uploaded = [];
        if (prepared.createdPackage) {
            await this.#request('DELETE', `/projects/${prepared.projectId}/packages/${prepared.packageId}`).catch((err) => this.#options.log?.warn(`${this.name}: rollback could not delete the package: ${(0,errors/* errorMessage */.g)(err)}`));
        }
        this.#prepared = null;
    }
    // ---- steps ----
    async #project(signal) {
        const response = await this.#request('GET', `/projects/${encodeURIComponent(this.#options.project)}`, {
            signal,
            allow: [401, 403, 404],
        });
        if (response.status === 401)
            throw this.#error('the token was refused (401 Unauthorized): expired or revoked?');
        if (response.status === 403 || response.status === 404)
            throw this.#error(`project ${this.#options.project} not found, or the token cannot see it (${response.status})`);
        const project = response.body;
        const level = Math.max(project.permissions?.project_access?.access_level ?? 0, project.permissions?.group_access?.access_level ?? 0);
        // A CI job token gets no `permissions`; its writes are checked when they happen.
        if (project.permissions && level < DEVELOPER)
            throw this.#error(`the token has ${ACCESS_NAMES[level] ?? `level ${level}`} access to ${this.#options.project}: ` +
                'releases and package uploads need Developer or higher');
        return project;
    }
    #checkCoordinates(spec, packageName) {
        if (!PACKAGE_NAME.test(packageName))
            throw this.#error(`package name "${packageName}" is not valid for GitLab's generic package registry`);
        if (!PACKAGE_VERSION.test(spec.version))
            throw this.#error(`version "${spec.version}" is not valid for GitLab's generic package registry`);
        const bad = spec.assets.filter((a) => !PACKAGE_FILE_NAME.test(a.name)).map((a) => a.name);
        if (bad.length)
            throw this.#error(`asset names GitLab's package registry refuses (only letters, digits, . _ - + ~): ${bad.join(', ')}`);
        const names = spec.assets.map((a) => a.name);
        const clash = names.filter((n, i) => names.indexOf(n) !== i);
        if (clash.length)
            throw this.#error(`asset names appear twice: ${[...new Set(clash)].join(', ')}`);
    }
    /** The files of our package at this version (none when it does not exist yet); sets `packageId`. */
    async #packageFiles(prepared, version, signal) {
        const packages = await this.#list(`/projects/${prepared.projectId}/packages?package_type=generic&package_name=${encodeURIComponent(prepared.packageName)}`, signal);
        const pkg = packages.find((p) => p.name === prepared.packageName && p.version === version);
        prepared.packageId = pkg?.id ?? null;
        if (!pkg)
            return [];
        return this.#list(`/projects/${prepared.projectId}/packages/${pkg.id}/package_files`, signal);
    }
    async #upload(prepared, version, asset, signal) {
        const path = `/projects/${prepared.projectId}/packages/generic/${encodeURIComponent(prepared.packageName)}/${encodeURIComponent(version)}/${encodeURIComponent(asset.name)}?select=package_file`;
        let lastError;
        // Each attempt streams the file anew, with its own progress: no request-level retry can replay the body.
        for (let attempt = 1; attempt <= 3; attempt++) {
            try {
                const progress = new UploadProgress({
                    target: this.name,
                    name: asset.name,
                    bytes: asset.bytes,
                    say: (line) => this.#options.log?.info(line),
                    attempt: { number: attempt, of: 3 },
                });
                const response = await this.#request('PUT', path, {
                    upload: { body: fileUploadBody(asset.path, progress), bytes: asset.bytes },
                    signal,
                });
                const file = response.body;
                if (file.file_sha256 && file.file_sha256 !== asset.sha256)
                    throw this.#error(`${asset.name} arrived with sha256 ${file.file_sha256}, expected ${asset.sha256}`);
                if (prepared.packageId === null) {
                    prepared.packageId = file.package_id;
                }
                progress.done();
                return file;
            }
            catch (error) {
                lastError = error;
                // Retry what may be transient (network, 5xx); a refusal (4xx) will not change.
                const status = httpStatus(error);
                if (signal?.aborted || status === null || (status >= 400 && status < 500))
                    break;
                this.#options.log?.warn(`${this.name}: upload of ${asset.name} failed (attempt ${attempt}: ${(0,errors/* errorMessage */.g)(error)}), retrying`);
            }
        }
        if (lastError instanceof ReleaseTargetError)
            throw lastError;
        throw this.#error(`uploading ${asset.name} failed: ${describe(lastError)}`, lastError);
    }
    async #release(prepared, tag, signal) {
        const response = await this.#request('GET', this.#releasePath(prepared, tag), { signal, allow: [404] });
        return response.status === 404 ? null : response.body;
    }
    async #syncLinks(prepared, tag, wanted, existing, signal) {
        const linksPath = `${this.#releasePath(prepared, tag)}/assets/links`;
        for (const link of wanted) {
            const current = existing.find((l) => l.name === link.name) ?? existing.find((l) => l.url === link.url);
            if (current && current.name === link.name && current.url === link.url)
                continue;
            if (current)
                await this.#request('PUT', `${linksPath}/${current.id}`, { json: link, signal });
            else
                await this.#request('POST', linksPath, { json: link, signal });
        }
    }
    /** Older copies of a replaced asset: GitLab keeps every upload of a name; only the newest is linked. */
    async #dropStaleFiles(prepared, spec, signal) {
        if (prepared.packageId === null)
            return;
        const files = await this.#list(`/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files`, signal);
        for (const file of files) {
            const keep = prepared.files.get(file.file_name);
            if (keep === undefined || keep === file.id)
                continue;
            if (!spec.assets.some((a) => a.name === file.file_name))
                continue;
            await this.#request('DELETE', `/projects/${prepared.projectId}/packages/${prepared.packageId}/package_files/${file.id}`, { signal, allow: [404] });
        }
    }
    #releasePath(prepared, tag) {
        return `/projects/${prepared.projectId}/releases/${encodeURIComponent(tag)}`;
    }
    #packageFileUrl(prepared, version, file) {
        return `${this.#api}/projects/${prepared.projectId}/packages/generic/${encodeURIComponent(prepared.packageName)}/${encodeURIComponent(version)}/${encodeURIComponent(file)}`;
    }
    // ---- HTTP ----
    async #list(path, signal) {
        const all = [];
        let page = '1';
        while (page) {
            const separator = path.includes('?') ? '&' : '?';
            const response = await this.#request('GET', `${path}${separator}per_page=100&page=${page}`, { signal });
            all.push(...response.body);
            page = response.headers.get('x-next-page') ?? '';
        }
        return all;
    }
    async #request(method, path, options = {}) {
        const headers = {
            'PRIVATE-TOKEN': this.#options.token,
            accept: 'application/json',
        };
        let body;
        if (options.upload) {
            headers['content-type'] = 'application/octet-stream';
            headers['content-length'] = String(options.upload.bytes);
            body = options.upload.body;
        }
        if (options.json !== undefined) {
            headers['content-type'] = 'application/json';
            body = JSON.stringify(options.json);
        }
        let response;
        try {
            response = await fetch(`${this.#api}${path}`, {
                method,
                headers,
                body,
                signal: options.signal,
                ...(options.upload ? { duplex: 'half' } : {}),
            });
        }
        catch (error) {
            throw new GitLabHttpError(0, `${method} ${path}: ${describe(error)}`, { cause: error });
        }
        const text = await response.text();
        let parsed = text;
        try {
            parsed = text ? JSON.parse(text) : null;
        }
        catch {
            // Not JSON (an HTML error page from a proxy): keep the text for the message.
        }
        if (!response.ok && !options.allow?.includes(response.status)) {
            const message = parsed && typeof parsed === 'object'
                ? JSON.stringify(parsed.message ??
                    parsed.error ??
                    parsed)
                : String(parsed).slice(0, 200);
            const hint = response.status === 401
                ? ' (token refused)'
                : response.status === 403
                    ? ' (the token lacks permission: Developer access or the api scope is needed)'
                    : '';
            throw this.#error(`${method} ${path} answered ${response.status}${hint}: ${message}`, new GitLabHttpError(response.status, message));
        }
        return { status: response.status, body: parsed, headers: response.headers };
    }
    #error(message, cause) {
        const error = new ReleaseTargetError(this.name, message, cause === undefined ? undefined : { cause });
        return error;
    }
}
class GitLabHttpError extends Error {
    status;
    constructor(status, message, options) {
        super(message, options);
        this.name = 'GitLabHttpError';
        this.status = status;
    }
}
/** The HTTP status behind an error (0 when the request never got an answer), or null when it was no HTTP error. */
function httpStatus(error) {
    if (error instanceof GitLabHttpError)
        return error.status;
    if (error instanceof ReleaseTargetError && error.cause instanceof GitLabHttpError)
        return error.cause.status;
    return null;
}
function describe(error) {
    if (error instanceof ReleaseTargetError && error.cause instanceof GitLabHttpError)
        return error.message;
    return (0,errors/* errorMessage */.g)(error);
}

;// CONCATENATED MODULE: ./actions/release/targets/npm-target.ts








const npm_target_run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
/**
 * Publishes an `npm pack` tarball to an npm registry. npm has no staging: prepare checks all it can
 * (the token with `npm whoami`, the tarball's version against the tag, whether the version exists and with
 * which contents, whether the user maintains an existing package) and publish runs `npm publish`. A version
 * already published with the same integrity counts as done; with other contents it is an error, since a
 * registry never lets a version be replaced.
 */
class NpmTarget {
    name = 'npm';
    #options;
    #registry;
    constructor(options) {
        this.#options = options;
        this.#registry = options.registry.endsWith('/') ? options.registry : `${options.registry}/`;
    }
    async prepare(spec, signal) {
        if (!this.#options.token)
            throw this.#error('no token given: an npm token allowed to publish is needed');
        const tarball = await this.#tarball(spec);
        const user = await this.#whoami(signal);
        const packument = await this.#packument(tarball.name, signal);
        if (packument?.maintainers?.length && !packument.maintainers.some((m) => m.name === user)) {
            throw this.#error(`${user} is not a maintainer of ${tarball.name} (maintainers: ${packument.maintainers.map((m) => m.name).join(', ')})`);
        }
        const existing = packument?.versions?.[tarball.version]?.dist?.integrity;
        if (existing && existing !== tarball.integrity)
            throw this.#conflict(tarball, existing);
        return {
            plan: [
                existing
                    ? { target: this.name, action: 'already published', detail: `${tarball.name}@${tarball.version}` }
                    : {
                        target: this.name,
                        action: 'publish',
                        detail: `${tarball.name}@${tarball.version} as ${this.#tag(spec)} to ${this.#registry} as ${user} (${tarball.bytes} bytes, ${tarball.integrity})`,
                    },
            ],
        };
    }
    async publish(spec, signal) {
        const tarball = await this.#tarball(spec);
        const integrity = (await this.#packument(tarball.name, signal))?.versions?.[tarball.version]?.dist
            ?.integrity;
        if (integrity && integrity !== tarball.integrity)
            throw this.#conflict(tarball, integrity);
        if (!integrity) {
            const args = ['publish', tarball.path, '--tag', this.#tag(spec), '--ignore-scripts'];
            if (this.#options.access)
                args.push('--access', this.#options.access);
            try {
                await this.#npm(args, signal);
            }
            catch (error) {
                // Another run may have published the same bytes meanwhile: that is the outcome we wanted.
                const now = (await this.#packument(tarball.name, signal))?.versions?.[tarball.version]?.dist
                    ?.integrity;
                if (now !== tarball.integrity)
                    throw error;
            }
            this.#options.log?.info(`${this.name}: published ${tarball.name}@${tarball.version}`);
        }
        const packument = await this.#packument(tarball.name, signal);
        return {
            target: this.name,
            url: `${this.#registry}${encodePackageName(tarball.name)}/${tarball.version}`,
            id: `${tarball.name}@${tarball.version}`,
            assets: [
                {
                    name: external_node_path_default().basename(tarball.path),
                    sha256: tarball.sha256,
                    bytes: tarball.bytes,
                    url: packument?.versions?.[tarball.version]?.dist?.tarball,
                },
            ],
        };
    }
    /** npm stages nothing before publish, so there is nothing to undo. */
    async rollback() { }
    #tag(spec) {
        return this.#options.tag ?? (spec.prerelease ? 'next' : 'latest');
    }
    async #tarball(spec) {
        const asset = spec.assets.find((a) => a.name === this.#options.tarball);
        const file = asset?.path ?? external_node_path_default().resolve(this.#options.tarball);
        const bytes = await (0,promises_.readFile)(file).catch((error) => {
            throw this.#error(error.code === 'ENOENT'
                ? `tarball ${this.#options.tarball} not found: is it among the build's outputs (npm pack)?`
                : `cannot read tarball ${file}: ${error.message}`);
        });
        let manifest;
        try {
            const { stdout } = await npm_target_run('tar', ['-xzOf', file, 'package/package.json'], {
                maxBuffer: 16 * 1024 * 1024,
            });
            manifest = JSON.parse(stdout);
        }
        catch (error) {
            throw this.#error(`${this.#options.tarball} is not an npm pack tarball with package/package.json`, error);
        }
        if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string')
            throw this.#error(`${this.#options.tarball}: package.json has no name or version`);
        if (manifest.version !== spec.version)
            throw this.#error(`${this.#options.tarball} is ${manifest.name}@${manifest.version}, but the tag ${spec.tag} releases ${spec.version}`);
        return {
            name: manifest.name,
            version: manifest.version,
            path: file,
            bytes: (await (0,promises_.stat)(file)).size,
            sha256: (0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex'),
            integrity: `sha512-${(0,external_node_crypto_.createHash)('sha512').update(bytes).digest('base64')}`,
        };
    }
    async #whoami(signal) {
        try {
            return (await this.#npm(['whoami'], signal)).trim();
        }
        catch (error) {
            const text = (0,errors/* errorMessage */.g)(error);
            if (/E401|ENEEDAUTH|401 Unauthorized/.test(text))
                throw this.#error(`the registry ${this.#registry} refused the token (npm whoami: 401)`, error);
            throw error;
        }
    }
    /** The package document, or null when the package does not exist yet. */
    async #packument(name, signal) {
        let response;
        try {
            response = await fetch(`${this.#registry}${encodePackageName(name)}`, {
                headers: { authorization: `Bearer ${this.#options.token}`, accept: 'application/json' },
                signal,
            });
        }
        catch (error) {
            throw this.#error(`cannot reach ${this.#registry}: ${(0,errors/* errorMessage */.g)(error)}`);
        }
        if (response.status === 404)
            return null;
        if (!response.ok)
            throw this.#error(`reading ${name} from ${this.#registry} answered ${response.status}`);
        return (await response.json());
    }
    /** Runs npm with the token in a private npmrc (referenced through the environment) and no other config. */
    async #npm(args, signal) {
        const home = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'ironbots-npm-'));
        try {
            const registry = new URL(this.#registry);
            const npmrc = external_node_path_default().join(home, '.npmrc');
            await (0,promises_.writeFile)(npmrc, `registry=${this.#registry}\n//${registry.host}${registry.pathname}:_authToken=\${IRONBOTS_NPM_TOKEN}\n`, { mode: 0o600 });
            const { stdout } = await npm_target_run(this.#options.npm ?? 'npm', [...args, '--registry', this.#registry], {
                cwd: home,
                env: {
                    PATH: process.env.PATH,
                    HOME: home,
                    IRONBOTS_NPM_TOKEN: this.#options.token,
                    npm_config_userconfig: npmrc,
                    npm_config_globalconfig: external_node_path_default().join(home, 'globalnpmrc'),
                    npm_config_cache: external_node_path_default().join(home, 'cache'),
                    npm_config_update_notifier: 'false',
                    npm_config_fund: 'false',
                    npm_config_audit: 'false',
                },
                maxBuffer: 16 * 1024 * 1024,
                signal,
            });
            return stdout;
        }
        catch (error) {
            const failure = error;
            const detail = (failure.stderr || failure.message || String(error))
                .trim()
                .split('\n')
                .slice(-8)
                .join('\n');
            throw this.#error(`npm ${args[0]} failed: ${this.#redact(detail)}`);
        }
        finally {
            await (0,promises_.rm)(home, { recursive: true, force: true });
        }
    }
    #conflict(tarball, published) {
        return this.#error(`${tarball.name}@${tarball.version} is already published with other contents (${published}, this build is ` +
            `${tarball.integrity}); a registry never replaces a version: release a new version instead`);
    }
    #redact(text) {
        return this.#options.token ? text.split(this.#options.token).join('***') : text;
    }
    #error(message, cause) {
        return new ReleaseTargetError(this.name, this.#redact(message), cause === undefined ? undefined : { cause });
    }
}
/** A scoped name keeps its `@` and has its slash encoded, as registries expect in the URL. */
function encodePackageName(name) {
    return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

;// CONCATENATED MODULE: ./actions/release/configured-run.ts










/** The real targets for the configuration, in the order given (GitHub first is the usual choice). */
function createTargets(configs, log) {
    return configs.map((config) => {
        switch (config.kind) {
            case 'github':
                return new GitHubReleaseTarget({
                    token: config.token,
                    repository: config.repository,
                    apiUrl: config.apiUrl,
                    log,
                });
            case 'gitlab':
                return new GitLabReleaseTarget({ ...omitKind(config), log });
            case 'npm':
                return new NpmTarget({ ...omitKind(config), log });
            case 'container':
                return new ContainerImageTarget({ ...omitKind(config), log });
        }
    });
}
function omitKind(config) {
    const { kind: _kind, ...rest } = config;
    return rest;
}
/**
 * What the action and `ironbots release` run: the configured targets, the build without any secret in its
 * environment, the compare link and the full-notes link in the forge's URL scheme.
 */
async function runConfigured(config, deps) {
    const repoDir = external_node_path_default().resolve(config.repoDir);
    const trust = { ...config.trust };
    if (config.allowedSignersFile) {
        let text;
        try {
            text = await (0,promises_.readFile)(external_node_path_default().resolve(repoDir, config.allowedSignersFile), 'utf8');
        }
        catch (error) {
            throw new inputs/* InputError */.dz('allowed-signers-file', `cannot read ${config.allowedSignersFile}: ${error.message}`);
        }
        trust.sshAllowedSigners = `${trust.sshAllowedSigners ?? ''}${text}\n`;
    }
    const github = config.targets.find((t) => t.kind === 'github');
    const gitlab = config.targets.find((t) => t.kind === 'gitlab');
    const projectUrl = github?.kind === 'github'
        ? `${github.serverUrl.replace(/\/+$/, '')}/${github.repository}`
        : gitlab?.kind === 'gitlab' && !/^\d+$/.test(gitlab.project)
            ? `${gitlab.url.replace(/\/+$/, '')}/${gitlab.project}/-`
            : undefined;
    const tagName = config.tag.replace(/^refs\/tags\//, '');
    const outcome = await runRelease({
        repoDir,
        tag: config.tag,
        trust,
        versionPattern: config.versionPattern,
        buildCommand: config.buildCommand,
        assetPatterns: config.assetPatterns,
        buildEnv: buildEnvironment(deps.env, config.secrets),
        dryRun: config.dryRun,
        ...(config.compareLink && projectUrl ? { compareBaseUrl: `${projectUrl}/compare` } : {}),
        ...(github?.kind === 'github'
            ? {
                assetUrl: (name) => `${github.serverUrl.replace(/\/+$/, '')}/${github.repository}/releases/download/${encodeURIComponent(tagName)}/${encodeURIComponent(name)}`,
            }
            : {}),
        targets: deps.targets ?? createTargets(config.targets, deps.log),
        log: deps.log,
        ...(deps.workDir ? { workDir: deps.workDir } : {}),
    });
    // Only once every target published: a floating tag never names a release that is not out.
    if (config.floatingTags.length > 0)
        outcome.floatingTags = await deps.log
            .group('floating tags', () => (0,floating_tags/* moveFloatingTags */.Z)({
            repoDir,
            tag: outcome.spec.tag,
            commit: outcome.spec.commit,
            kinds: config.floatingTags,
            dryRun: config.dryRun,
            log: deps.log,
            env: buildEnvironment(deps.env, config.secrets),
        }))
            .catch((error) => {
            throw new Error(`${outcome.spec.tag} is released, but its floating tags were not moved (${(0,errors/* errorMessage */.g)(error)}); a re-run of the release moves them`, { cause: error });
        });
    return outcome;
}
/**
 * The build's environment: the job's, without the action's inputs (INPUT_*), without any variable holding
 * one of the secrets, and without the well-known token variables.
 */
function buildEnvironment(env, secrets) {
    const dropped = /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|CI_JOB_TOKEN|NPM_TOKEN|NODE_AUTH_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN)$/;
    const kept = {};
    for (const [name, value] of Object.entries(env)) {
        if (value === undefined || dropped.test(name) || secrets.some((s) => s && value.includes(s)))
            continue;
        kept[name] = value;
    }
    return kept;
}


/***/ })

};
