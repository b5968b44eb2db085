/**
 * Artifact paths become file paths below a job's directory, object keys and URL segments: relative,
 * `/`-separated, each segment a plain name. Anything else is refused before it gets near a path.
 */

const MAX_PATH = 1024;
const MAX_SEGMENT = 255;

export class InvalidArtifactPathError extends Error {
  constructor(artifactPath: string, why: string) {
    super(`invalid artifact path ${JSON.stringify(artifactPath.slice(0, 200))}: ${why}`);
    this.name = 'InvalidArtifactPathError';
  }
}

/** Why `artifactPath` is not acceptable, or null when it is. */
export function artifactPathProblem(artifactPath: string): string | null {
  if (artifactPath.length === 0) return 'empty';
  if (artifactPath.length > MAX_PATH) return `longer than ${MAX_PATH} characters`;
  // Control characters (NUL included) and backslashes have no business in a file name we serve.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(artifactPath)) return 'control characters or backslashes';
  for (const segment of artifactPath.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return 'empty, "." or ".." segments';
    if (segment.length > MAX_SEGMENT) return `a segment longer than ${MAX_SEGMENT} characters`;
  }
  return null;
}

export function assertValidArtifactPath(artifactPath: string): void {
  const problem = artifactPathProblem(artifactPath);
  if (problem) throw new InvalidArtifactPathError(artifactPath, problem);
}
