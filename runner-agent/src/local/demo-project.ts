/**
 * The project `ironbots local` puts on the built-in forge: two contexts, each a script in the repository,
 * so the demo exercises checkout, argv execution and the job environment, not just `true`.
 */
export const DEMO_OWNER = 'demo';
export const DEMO_REPOSITORY = 'hello-ironbots';

/**
 * The demo's `.ironbots.yml`: both contexts run in the given executor (podman: in a busybox container; vm: in
 * a VM of the image `images/<image>` names).
 */
export function demoProjectConfig(
  executor: { name: 'process' } | { name: 'podman' | 'vm'; image: string },
): string {
  const runsIn =
    'image' in executor ? [`    executor: ${executor.name}`, `    image: ${executor.image}`] : [];
  return [
    '# Which contexts ironbots runs for every pull request.',
    'contexts:',
    '  unit:',
    '    run: [./test/unit.sh]',
    '    timeout: 120',
    ...runsIn,
    '  lint:',
    '    run: [sh, test/lint.sh, README.md, VERSION]',
    '    timeout: 120',
    ...runsIn,
    '',
  ].join('\n');
}

/** The project on main, with contexts that run as processes. */
export const DEMO_FILES_MAIN: Record<string, { content: string; executable?: boolean }> = {
  '.ironbots.yml': { content: demoProjectConfig({ name: 'process' }) },
  'README.md': { content: '# hello-ironbots\n\nA demo project tested by ironbots.\n' },
  VERSION: { content: '1.0\n' },
  'test/unit.sh': {
    executable: true,
    content: [
      '#!/bin/sh',
      'set -eu',
      'echo "unit tests for ${IRONBOTS_REPOSITORY:-a local checkout} at ${IRONBOTS_SHA:-its working tree} (job $IRONBOTS_JOB_ID)"',
      'echo "running on kernel $(uname -r)"',
      'version=$(cat VERSION)',
      'case "$version" in',
      '  [0-9]*.[0-9]*) echo "ok 1 - VERSION $version is major.minor" ;;',
      '  *) echo "not ok 1 - VERSION $version is not major.minor"; exit 1 ;;',
      'esac',
      'leaked=$(env | grep -c -i -e token -e secret || true)',
      'if [ "$leaked" -eq 0 ]; then echo "ok 2 - no agent secrets in the environment"; else echo "not ok 2 - $leaked secret-looking variables"; exit 1; fi',
      '',
    ].join('\n'),
  },
  'test/lint.sh': {
    content: [
      '#!/bin/sh',
      '# Every file given ends with a newline and has no trailing blanks.',
      'status=0',
      'for f in "$@"; do',
      '  if grep -n "[[:blank:]]$" "$f"; then echo "$f: trailing blanks"; status=1; fi',
      '  if [ -n "$(tail -c 1 "$f")" ]; then echo "$f: no final newline"; status=1; fi',
      '  echo "checked $f"',
      'done',
      'exit $status',
      '',
    ].join('\n'),
  },
};

/** The change the demo pull request proposes. */
export const DEMO_FILES_BRANCH: Record<string, { content: string }> = {
  VERSION: { content: '1.1\n' },
};
export const DEMO_BRANCH = 'bump-version';
