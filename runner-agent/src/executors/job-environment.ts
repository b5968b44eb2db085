/**
 * The environment a job runs with. It is built from scratch, never copied from the agent's own environment:
 * the agent holds the forge token and the webhook secret, and a job (an untrusted pull request) must not see
 * them.
 */

export const DEFAULT_JOB_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface JobEnvironmentInput {
  /** The job's own variables (from .ironbots.yml or the API); they win over everything else. */
  jobEnv?: Record<string, string>;
  /** What the job may learn about itself: IRONBOTS_JOB_ID, IRONBOTS_SHA … */
  ci: Record<string, string>;
  /** PATH for the command; default /usr/local/bin:/usr/bin:/bin. */
  path?: string;
  home: string;
}

/** A fixed allow-list, then the CI variables, then the job's own variables. Nothing else. */
export function buildJobEnvironment(input: JobEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {
    PATH: input.path ?? DEFAULT_JOB_PATH,
    HOME: input.home,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    CI: 'true',
  };
  for (const [name, value] of [...Object.entries(input.ci), ...Object.entries(input.jobEnv ?? {})]) {
    assertValidVariable(name, value);
    env[name] = value;
  }
  return env;
}

/** execve cannot pass these; failing here gives a clear message instead of a spawn error. */
function assertValidVariable(name: string, value: string): void {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
  }
  if (value.includes('\0')) throw new Error(`environment variable ${name} contains a NUL byte`);
}
