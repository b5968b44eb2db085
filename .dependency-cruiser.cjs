/**
 * The layering of ironbots, checked by `npm run check` (see README, "The pieces"):
 *
 *   core  ←  forge  ←  actions            (hosted-runner actions never touch the agent)
 *   core  ←  forge  ←  runner-agent  ←  cli
 *   core  ←  emulators  (test and demo servers; only runner-agent/src/local ships one, for `ironbots local`)
 *
 * and no two folders anywhere import each other.
 */
const production = '^(core|forge|actions|runner-agent|cli|emulators)/';

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Two folders that import each other are one tangled part: move the shared piece down a layer.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(core|forge|actions|runner-agent|cli|emulators|test|bench|build)/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: 'core/ is what every part shares; it depends on none of them.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(forge|actions|runner-agent|cli|emulators|test|bench|build)/' },
    },
    {
      name: 'forge-clients-stand-alone',
      comment: 'forge/ holds clients for GitHub and GitLab, usable by the actions and the agent alike.',
      severity: 'error',
      from: { path: '^forge/' },
      to: { path: '^(actions|runner-agent|cli|emulators|test|bench|build)/' },
    },
    {
      name: 'actions-never-import-the-agent',
      comment: 'An action bundle must not carry the daemon: actions use core/ and forge/ only.',
      severity: 'error',
      from: { path: '^actions/' },
      to: { path: '^(runner-agent|cli|emulators|test|bench|build)/' },
    },
    {
      name: 'emulators-stand-alone',
      comment: 'An emulator plays a forge or a service; it must not borrow the code it is meant to test.',
      severity: 'error',
      from: { path: '^emulators/' },
      to: { path: '^(forge|actions|runner-agent|cli|test|bench|build)/' },
    },
    {
      name: 'agent-below-cli',
      comment: 'The agent and server are a library the CLI drives, never the other way round.',
      severity: 'error',
      from: { path: '^runner-agent/' },
      to: { path: '^(actions|cli|test|bench|build)/' },
    },
    {
      name: 'only-the-local-stack-ships-an-emulator',
      comment: '`ironbots local` runs the GitHub emulator; production code paths must not.',
      severity: 'error',
      from: { path: '^runner-agent/', pathNot: '^runner-agent/src/local/' },
      to: { path: '^emulators/' },
    },
    {
      name: 'only-the-cli-drives-the-gitlab-executor',
      comment:
        'runner-agent/src/gitlab-executor/ (the GitLab custom executor driver) is a part the CLI or the composition root runs; no other part depends on it.',
      severity: 'error',
      from: {
        path: '^(core|forge|actions|runner-agent|emulators)/',
        pathNot: '^runner-agent/src/(gitlab-executor|deployment)/',
      },
      to: { path: '^runner-agent/src/gitlab-executor/' },
    },
    {
      name: 'production-never-imports-tests',
      severity: 'error',
      from: { path: production },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
