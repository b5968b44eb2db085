/**
 * What gitlab-runner hands the custom executor's driver in its environment: every CI/CD variable as
 * `CUSTOM_ENV_<NAME>`, the two exit codes it wants back, and (newer runners) `JOB_RESPONSE_FILE`.
 */

/** The stages gitlab-runner runs `run_exec` for, in this order (step_* are the job's own steps). */
export const RUN_STAGES = [
  'prepare_script',
  'get_sources',
  'restore_cache',
  'download_artifacts',
  'step_*',
  'build_script',
  'after_script',
  'archive_cache',
  'archive_cache_on_failure',
  'upload_artifacts_on_success',
  'upload_artifacts_on_failure',
  'cleanup_file_variables',
] as const;

export function isRunStage(stage: string): boolean {
  return (RUN_STAGES as readonly string[]).includes(stage) || /^step_[a-z0-9_]+$/.test(stage);
}

/** The exit codes the driver answers with. */
export interface ExitCodes {
  /** The job's script failed. */
  build: number;
  /** The VM or the host failed: gitlab-runner may retry, GitLab says `runner_system_failure`. */
  system: number;
  /** Bad input: the system failure code under gitlab-runner, 2 for a person running it by hand. */
  usage: number;
  /** Whether gitlab-runner runs us (it sets the exit code variables); else a person does. */
  underRunner: boolean;
}

export function exitCodes(env: NodeJS.ProcessEnv): ExitCodes {
  const code = (name: string) => {
    const value = env[name];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const build = code('BUILD_FAILURE_EXIT_CODE');
  const system = code('SYSTEM_FAILURE_EXIT_CODE');
  return {
    build: build ?? 1,
    system: system ?? 3,
    usage: system ?? 2,
    underRunner: system !== undefined,
  };
}

/** Input the driver cannot work with: a message for the job log, and the usage exit code. */
export class DriverUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriverUsageError';
  }
}

/** The job as the driver keys its state: one VM per runner, concurrent slot and job. */
export interface GitLabJob {
  jobId: string;
  runnerId: string;
  concurrentProjectId: string;
  /** A file name: `r<runner>-c<concurrent project id>-j<job id>`. */
  key: string;
  /** `CI_JOB_TIMEOUT` in seconds (GitLab's default of one hour without it). */
  timeoutSeconds: number;
  /** `CI_JOB_IMAGE`, the job's `image:`, if any. */
  image: string | undefined;
  projectPath: string | undefined;
}

export function gitlabJob(env: NodeJS.ProcessEnv): GitLabJob {
  const get = (name: string) => {
    const value = env[`CUSTOM_ENV_${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
  const jobId = get('CI_JOB_ID');
  if (!jobId)
    throw new DriverUsageError(
      'CUSTOM_ENV_CI_JOB_ID is not set: gitlab-runner sets it for every stage (to try a stage by hand, set it and the other CUSTOM_ENV_CI_* variables yourself)',
    );
  const safe = (value: string, what: string) => {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value))
      throw new DriverUsageError(
        `CUSTOM_ENV_${what} must be a plain id (letters, digits, "._-"), not "${value}"`,
      );
    return value;
  };
  const runnerId = safe(get('CI_RUNNER_ID') ?? '0', 'CI_RUNNER_ID');
  const concurrentProjectId = safe(get('CI_CONCURRENT_PROJECT_ID') ?? '0', 'CI_CONCURRENT_PROJECT_ID');
  safe(jobId, 'CI_JOB_ID');
  const timeout = get('CI_JOB_TIMEOUT');
  if (timeout !== undefined && !/^\d+$/.test(timeout))
    throw new DriverUsageError(`CUSTOM_ENV_CI_JOB_TIMEOUT must be a number of seconds, not "${timeout}"`);
  return {
    jobId,
    runnerId,
    concurrentProjectId,
    key: `r${runnerId}-c${concurrentProjectId}-j${jobId}`,
    timeoutSeconds: timeout === undefined ? 3600 : Math.max(1, Number(timeout)),
    image: get('CI_JOB_IMAGE'),
    projectPath: get('CI_PROJECT_PATH'),
  };
}
