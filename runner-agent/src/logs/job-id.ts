/**
 * Job ids become directory names, object keys and URL segments, so every log store and the log server accept
 * only a conservative alphabet; anything else is rejected before it gets near a path.
 */

const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;

export class InvalidJobIdError extends Error {
  constructor(jobId: string) {
    super(
      `invalid job id ${JSON.stringify(jobId.slice(0, 210))}: use 1-200 of A-Z a-z 0-9 . _ - (and no "..")`,
    );
    this.name = 'InvalidJobIdError';
  }
}

export function isValidJobId(jobId: string): boolean {
  return JOB_ID.test(jobId) && jobId !== '.' && !jobId.includes('..');
}

export function assertValidJobId(jobId: string): void {
  if (!isValidJobId(jobId)) throw new InvalidJobIdError(jobId);
}
