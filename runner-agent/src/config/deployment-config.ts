import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { REPOSITORY_PATH } from '../jobs/cross-project.ts';

/**
 * How one ironbots deployment is wired: which forge, queue and log store, and what the server and agent on
 * this machine do. Embedded (SQLite + filesystem) and distributed (RabbitMQ + S3) differ only here.
 *
 * Secrets are never written into the file: `${NAME}` takes them from the environment, `${file:/path}` from
 * a file (systemd credentials, Kubernetes secrets). A reference to a variable that is not set is an error.
 */

const HostPort = z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8080');

/**
 * Bytes at which a job log stops growing (a notice with the dropped byte count, then the verdict, end it).
 * The floor keeps room for those two lines.
 */
const MaxLogBytes = z
  .number()
  .int('must be a whole number of bytes, e.g. 52428800 for 50 MiB')
  .min(1024, 'must be at least 1024 bytes (1 KiB): the log keeps room for its truncation notice and verdict')
  .max(Number.MAX_SAFE_INTEGER)
  .default(50 * 1024 * 1024);
/** Days a job's log and artifacts are kept after it ended; `ironbots logs prune` and the server remove them. */
const RetentionDays = z.number().int().min(1).max(3650).default(30);
/** What one job may keep from $IRONBOTS_ARTIFACTS. */
/** What one job may keep from $IRONBOTS_ARTIFACTS, in bytes (default 1 GiB). */
const MaxArtifactBytes = z
  .number()
  .int('must be a whole number of bytes, e.g. 1073741824 for 1 GiB')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .default(1024 ** 3);

export const DeploymentConfigSchema = z
  .object({
    stateDir: z.string().default(path.join(os.homedir(), '.local/state/ironbots')),
    forge: z
      .object({
        kind: z.enum(['github', 'gitlab']).default('github'),
        /** GitHub's API (default https://api.github.com; …/api/v3 on Enterprise) or the GitLab instance's URL. */
        apiUrl: z.string().url().optional(),
        /** A personal access token, or `app` (a GitHub App's installation; tokens renewed by ironbots). */
        token: z.string().min(1).optional(),
        app: z
          .object({
            appId: z.number().int().positive(),
            installationId: z.number().int().positive(),
            /** The App's private key (PEM), e.g. "${file:/etc/ironbots/app.pem}". */
            privateKey: z.string().includes('PRIVATE KEY', { message: 'expected a PEM private key' }),
          })
          .strict()
          .optional(),
        /** owner/name of the repositories the scanner re-reads. */
        repositories: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'expected owner/name')).default([]),
        /**
         * Space writes as GitHub's secondary rate limits ask (≥ 1 s apart). Turn off only for a forge without
         * them, such as the built-in emulator.
         */
        secondaryRateLimits: z.boolean().default(true),
      })
      .strict()
      .refine((forge) => !forge.token !== !forge.app, {
        message: 'give the forge a token or an app (appId, installationId, privateKey), not both',
      })
      .refine((forge) => forge.kind === 'github' || !forge.app, {
        message: 'only GitHub has apps: give a GitLab forge a token',
        path: ['app'],
      })
      // The API's address defaults by forge: github.com's API, or gitlab.com.
      .transform((forge) => ({
        ...forge,
        apiUrl: forge.apiUrl ?? (forge.kind === 'gitlab' ? 'https://gitlab.com' : 'https://api.github.com'),
      }))
      .optional(),
    queue: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('sqlite'), path: z.string().optional() }).strict(),
        // A fleet: agents on many hosts share RabbitMQ (3.10 or later); its bookkeeping needs `state: postgres`.
        z
          .object({
            kind: z.literal('rabbitmq'),
            url: z.string().regex(/^amqps?:\/\/[^\s]+$/, 'expected amqp://user:password@host:5672[/vhost]'),
            /** Prefix of the broker's queues and exchanges, for several deployments on one broker. */
            prefix: z
              .string()
              .regex(/^[A-Za-z0-9._-]+$/)
              .default('ironbots'),
          })
          .strict(),
      ])
      .default({ kind: 'sqlite' }),
    /** Where shared state lives: job records, and the RabbitMQ queue's bookkeeping (message states, dedup). */
    state: z
      .discriminatedUnion('kind', [
        // Beside the SQLite queue file unless given.
        z.object({ kind: z.literal('sqlite'), path: z.string().optional() }).strict(),
        z
          .object({
            kind: z.literal('postgres'),
            url: z
              .string()
              .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected postgres://user:password@host:5432/database'),
            schema: z
              .string()
              .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'use lower-case letters, digits and _')
              .default('ironbots'),
          })
          .strict(),
      ])
      .default({ kind: 'sqlite' }),
    logs: z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('filesystem'),
            dir: z.string().optional(),
            maxBytes: MaxLogBytes,
            retentionDays: RetentionDays,
            maxArtifactBytes: MaxArtifactBytes,
          })
          .strict(),
        // Any S3-compatible store; without keys the SDK's usual credential chain applies.
        z
          .object({
            kind: z.literal('s3'),
            bucket: z.string().min(3),
            prefix: z.string().default('logs/'),
            maxBytes: MaxLogBytes,
            retentionDays: RetentionDays,
            maxArtifactBytes: MaxArtifactBytes,
            endpoint: z.string().url().optional(),
            region: z.string().default('us-east-1'),
            forcePathStyle: z.boolean().default(false),
            accessKeyId: z.string().min(1).optional(),
            secretAccessKey: z.string().min(1).optional(),
          })
          .strict()
          .refine((s) => !s.accessKeyId === !s.secretAccessKey, {
            message: 'set both accessKeyId and secretAccessKey, or neither',
          }),
      ])
      .default({
        kind: 'filesystem',
        maxBytes: 50 * 1024 * 1024,
        retentionDays: 30,
        maxArtifactBytes: 1024 ** 3,
      }),
    /** Where VM images are stored (see runner-agent/src/images/image-store.ts) and cached on this machine. */
    images: z
      .discriminatedUnion('kind', [
        z
          .object({
            kind: z.literal('filesystem'),
            dir: z.string().optional(),
            cacheDir: z.string().optional(),
          })
          .strict(),
        z
          .object({
            kind: z.literal('s3'),
            bucket: z.string().min(3),
            prefix: z.string().default('images/'),
            endpoint: z.string().url().optional(),
            region: z.string().default('us-east-1'),
            forcePathStyle: z.boolean().default(false),
            accessKeyId: z.string().min(1).optional(),
            secretAccessKey: z.string().min(1).optional(),
            cacheDir: z.string().optional(),
          })
          .strict()
          .refine((s) => !s.accessKeyId === !s.secretAccessKey, {
            message: 'set both accessKeyId and secretAccessKey, or neither',
          }),
      ])
      .default({ kind: 'filesystem' }),
    /** How final statuses are published: recorded first, then posted until the forge has them. */
    statuses: z
      .object({
        /** How long an agent keeps retrying a final status before the server's reconciler takes over. */
        holdSeconds: z.number().min(1).max(3600).default(30),
        /** How often the server ends dead-lettered jobs and re-posts outcomes the forge does not have. */
        reconcileIntervalSeconds: z.number().min(0.1).max(3600).default(10),
      })
      .strict()
      .default({ holdSeconds: 30, reconcileIntervalSeconds: 10 }),
    /** Base URL people and forges reach this deployment's HTTP server at (for log links). */
    publicUrl: z.string().url().optional(),
    /**
     * GET /metrics on the server and on an agent's `listen`: behind a bearer token from `tokens` (a scraper's
     * own, not an API token: it may read figures, not submit jobs) unless `public` says anyone may read it.
     */
    metrics: z
      .object({
        public: z.boolean().default(false),
        tokens: z.array(z.string().min(16, 'metrics tokens need at least 16 characters')).default([]),
      })
      .strict()
      .default({ public: false, tokens: [] }),
    server: z
      .object({
        listen: HostPort.default('127.0.0.1:8080'),
        webhookSecret: z.string().min(8, 'webhookSecret: use at least 8 characters'),
        apiTokens: z.array(z.string().min(16, 'API tokens need at least 16 characters')).default([]),
        trustedAuthors: z.array(z.string()).default([]),
        /**
         * Cross-project testing: the repositories (`owner/name`, on this forge; on GitLab `namespace/project`,
         * groups nesting) whose pull requests a context like `fedora-40@acme/bots#12` (GitLab:
         * `fedora-40@acme/infra/bots!12`) may check out beside a project. Any other is refused.
         */
        infraRepositories: z
          .array(
            z
              .string()
              .regex(
                REPOSITORY_PATH,
                'infrastructure repositories are owner/name (GitLab: namespace/project)',
              ),
          )
          .default([]),
        /**
         * The other direction: the projects (`owner/name`) a pull request of an infrastructure repository may
         * ask to be tested with (`unit@acme/widget` on it runs acme/widget's `unit` at its default branch).
         */
        infraProjects: z
          .array(z.string().regex(REPOSITORY_PATH, 'projects are owner/name (GitLab: namespace/project)'))
          .default([]),
        /**
         * The label that approves a fork's head commit when someone with write access adds it (GitHub and
         * GitLab), like an `/approve` comment. `''` turns label approval off.
         */
        approvalLabel: z.string().max(50).default('ok-to-test'),
        /** What `/image-refresh <image>` queues: `ironbots image-refresh <image>` on agents with these. */
        imageRefreshJobs: z
          .object({
            labels: z.array(z.string().regex(/^[A-Za-z0-9:._-]+$/)).default(['kvm']),
            executor: z.enum(['process', 'podman', 'vm']).default('process'),
            timeoutSeconds: z.number().int().positive().max(86_400).default(7200),
          })
          .strict()
          .default({ labels: ['kvm'], executor: 'process', timeoutSeconds: 7200 }),
        /**
         * Percent of planned jobs that only canary agents (`agent.canary: true`, upgraded first) may take,
         * while a live one is registered: a new ironbots version meets real jobs before the whole fleet runs it.
         */
        canaryPercent: z.number().min(0).max(100).default(0),
        /** How often the scanner re-reads the forge, in seconds; 0 turns it off. */
        scanIntervalSeconds: z.number().int().min(0).default(300),
        /**
         * How often a scan round is a full one, in seconds (the first round is): it also reads the statuses of
         * the open pull requests whose head it found settled before (one request each), for cross-project
         * requests whose status webhook was lost. 0 turns full rounds off.
         */
        fullScanIntervalSeconds: z.number().int().min(0).default(3600),
        /**
         * The share of the forge's rate limit (percent) the scanner leaves to everything else: while less
         * remains, it skips its rounds until the limit resets. 0: it never does.
         */
        scanReservePercent: z.number().min(0).max(100).default(10),
        /** The dashboard at `/`: behind a bearer token from apiTokens unless `public` says anyone may read it. */
        dashboard: z
          .object({ public: z.boolean().default(false) })
          .strict()
          .default({ public: false }),
      })
      .strict()
      .optional(),
    /**
     * Registered runners: GitHub `runs-on: [self-hosted, …]` jobs run in the fleet's VMs, each on a
     * just-in-time runner of its own. Read by the server (which jobs become runner jobs) and the agents.
     */
    runners: z
      .object({
        github: z
          .object({
            /** Register runners on the repository of each job, or on the organisation that owns it. */
            scope: z.enum(['repository', 'organization']).default('repository'),
            runnerGroupId: z.number().int().positive().default(1),
            /** A workflow job is ours when its runs-on has all of these. */
            claimLabels: z.array(z.string().min(1)).min(1).default(['self-hosted']),
            /**
             * Labels every runner has without an agent offering them (GitHub's own defaults); the rest of a
             * job's runs-on must be labels some agent offers.
             */
            implicitLabels: z.array(z.string().min(1)).default(['self-hosted', 'linux', 'x64']),
            executor: z.enum(['process', 'podman', 'vm']).default('vm'),
            /**
             * The image the runner runs in: for `vm`, the blob of images/recipes/github-runner.yml in the
             * image store (`github-runner-<sha256>.qcow2`, as `ironbots image build|refresh` prints it);
             * for `podman`, a podman image. Pinned, so every agent runs the same runner.
             */
            image: z.string().min(1).optional(),
            /** The runner's command in that image; `--jitconfig <config>` is added. */
            command: z.array(z.string().min(1)).min(1).default(['/opt/actions-runner/run.sh']),
            /** The longest a runner VM lives: GitHub's own job limit is 6 h. */
            timeoutMinutes: z
              .number()
              .int()
              .min(1)
              .max(7 * 24 * 60)
              .default(370),
            /** Registrations ironbots made are recognised by this prefix (the reaper removes only those). */
            namePrefix: z
              .string()
              .regex(/^[A-Za-z0-9._-]{1,30}$/)
              .default('ironbots-'),
            /** A runner that is not online this long after its VM started is given up (and retried once). */
            registrationTimeoutSeconds: z.number().min(1).max(3600).default(300),
            /** An online runner that got no job this long is stopped when no queued job needs it. */
            idleTimeoutSeconds: z.number().min(1).max(86_400).default(300),
            /** How often an agent looks at its runners' registrations. */
            pollSeconds: z.number().min(0.1).max(600).default(10),
            /** How often offline registrations and orphaned VMs are reaped (and at agent start). */
            reapIntervalSeconds: z.number().min(1).max(86_400).default(300),
          })
          .strict()
          .refine((github) => github.executor === 'process' || github.image !== undefined, {
            message:
              'name the runner image (for vm: github-runner-<sha256>.qcow2 from `ironbots image build`)',
            path: ['image'],
          })
          .optional(),
      })
      .strict()
      .default({}),
    agent: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9._-]+$/)
          .default(os.hostname()),
        labels: z.array(z.string()).default([]),
        /** A canary agent (upgraded first) offers the label `canary`; see server.canaryPercent. */
        canary: z.boolean().default(false),
        executors: z
          .array(z.enum(['process', 'podman', 'vm']))
          .min(1)
          .default(['process']),
        concurrency: z.number().int().min(1).max(64).default(1),
        /** Serves the logs of this agent's jobs when the log store is local. */
        listen: HostPort.optional(),
        visibilityTimeoutSeconds: z.number().int().min(10).default(300),
        /** How often a running PR job checks whether its PR moved on or was closed. */
        supersededPollSeconds: z.number().min(0.1).default(30),
        /** How often a running job's lease is extended at least, which is how the agent learns it was cancelled. */
        cancelCheckSeconds: z.number().min(0.1).default(10),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((config) => !config.runners.github || (config.forge?.kind ?? 'github') === 'github', {
    message: 'runners.github needs a GitHub forge (forge.kind: github)',
    path: ['runners', 'github'],
  })
  .refine((config) => config.queue.kind !== 'rabbitmq' || config.state.kind === 'postgres', {
    message: 'a rabbitmq queue keeps its bookkeeping in PostgreSQL: add state: { kind: postgres, url: … }',
    path: ['state'],
  });

export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;

/** Fields that were renamed: a configuration still using the old name is told the new one. */
const RENAMED_FIELDS: Record<string, string> = {
  'logs.maxLogMegabytes': 'renamed to logs.maxBytes, in bytes (52428800 is 50 MiB)',
  'logs.maxArtifactMegabytes': 'renamed to logs.maxArtifactBytes, in bytes (1073741824 is 1 GiB)',
};

export class DeploymentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentConfigError';
  }
}

export async function loadDeploymentConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeploymentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DeploymentConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseDeploymentConfig(text, file, env, (p) => readFile(p, 'utf8'));
}

export async function parseDeploymentConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv,
  readSecretFile: (path: string) => Promise<string>,
): Promise<DeploymentConfig> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors[0]) {
    const line = lineCounter.linePos(doc.errors[0].pos[0]).line;
    const source = text.split('\n')[line - 1] ?? '';
    // `[${TOKEN}]` is the classic: inside [ ] or { } a bare { starts a mapping.
    const hint = /[[{].*\$\{/.test(source)
      ? ' (quote values that use ${…} inside [ ] or { }, e.g. ["${TOKEN}"])'
      : '';
    throw new DeploymentConfigError(
      `${file} line ${line}: invalid YAML: ${doc.errors[0].message.split('\n')[0]}${hint}`,
    );
  }
  // Every problem at once: a person fixing a configuration should not meet them one run at a time.
  const problems: string[] = [];
  const raw = await substitute(doc.toJS() ?? {}, env, readSecretFile, problems);
  if (problems.length === 0) {
    const result = DeploymentConfigSchema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      let at = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      let message = issue.message;
      // An unknown key is named by its own line, and said plainly.
      if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) {
        at = [...at, issue.keys[0]!];
        message = RENAMED_FIELDS[at.join('.')] ?? 'unknown field';
      }
      // A section whose `kind` is missing or unknown: say which kinds there are, in YAML's words.
      if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
        const kinds = issue.options.map(String).join(', ');
        const given = valueAt(raw, at);
        message =
          given === undefined
            ? `missing: one of ${kinds}`
            : `${JSON.stringify(given)} is not one of ${kinds}`;
      }
      // The line of the key itself (a block value starts on the next one), else of the nearest parent.
      let line: number | undefined;
      for (let depth = at.length; depth >= 0 && line === undefined; depth--) {
        const start = keyStart(doc, at.slice(0, depth));
        if (start !== undefined) line = lineCounter.linePos(start).line;
      }
      problems.push(`${line === undefined ? '' : `line ${line}: `}${at.join('.') || '(top)'}: ${message}`);
    }
  }
  throw new DeploymentConfigError(
    problems.length === 1
      ? `${file}${problems[0]!.startsWith('line ') ? ' ' : ': '}${problems[0]!}`
      : `${file}: ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
}

/** The value at `path` in the parsed YAML, undefined where there is none. */
function valueAt(value: unknown, path: (string | number)[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string | number, unknown>)[key];
  }
  return here;
}

/** Where the entry at `path` starts in the document: its key in a mapping, the item in a list. */
function keyStart(doc: Document, path: (string | number)[]): number | undefined {
  if (path.length === 0) return isNode(doc.contents) ? doc.contents.range?.[0] : undefined;
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path.at(-1);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    if (pair && isNode(pair.key)) return pair.key.range?.[0];
  }
  const node = doc.getIn(path, true);
  return isNode(node) ? node.range?.[0] : undefined;
}

async function substitute(
  value: unknown,
  env: NodeJS.ProcessEnv,
  readSecretFile: (path: string) => Promise<string>,
  problems: string[],
): Promise<unknown> {
  if (typeof value === 'string') {
    let out = value;
    for (const match of value.matchAll(/\$\{([^}]+)\}/g)) {
      const ref = match[1]!;
      let replacement: string;
      if (ref.startsWith('file:')) {
        try {
          replacement = (await readSecretFile(ref.slice(5))).trim();
        } catch (e) {
          problems.push(`cannot read secret file ${ref.slice(5)}: ${(e as Error).message}`);
          continue;
        }
      } else {
        const v = env[ref];
        if (v === undefined) {
          problems.push(`environment variable ${ref} is not set`);
          continue;
        }
        replacement = v;
      }
      out = out.replace(match[0], replacement);
    }
    return out;
  }
  if (Array.isArray(value))
    return Promise.all(value.map((v) => substitute(v, env, readSecretFile, problems)));
  if (value && typeof value === 'object') {
    const entries = await Promise.all(
      Object.entries(value).map(
        async ([k, v]) => [k, await substitute(v, env, readSecretFile, problems)] as const,
      ),
    );
    return Object.fromEntries(entries);
  }
  return value;
}
