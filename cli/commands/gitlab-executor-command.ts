import path from 'node:path';
import { Option, type Command } from 'commander';
import { positiveInteger } from './options.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** The driver's options: a flag on any stage, or its environment variable (which `config` hands on in job_env). */
interface DriverFlags {
  stateDir?: string;
  image: string;
  shell: 'bash' | 'sh';
  network: 'user' | 'none';
  memory: number;
  accelerator: 'auto' | 'kvm' | 'tcg';
  bootTimeout?: number;
  reapGrace: number;
  savedStates: 'on' | 'off';
  kernelArguments?: string;
  buildsDir: string;
  cacheDir: string;
}

const ENV = {
  stateDir: 'IRONBOTS_GITLAB_STATE_DIR',
  image: 'IRONBOTS_GITLAB_IMAGE',
  shell: 'IRONBOTS_GITLAB_SHELL',
  network: 'IRONBOTS_GITLAB_NETWORK',
  memory: 'IRONBOTS_GITLAB_MEMORY',
  accelerator: 'IRONBOTS_GITLAB_ACCELERATOR',
  bootTimeout: 'IRONBOTS_GITLAB_BOOT_TIMEOUT',
  reapGrace: 'IRONBOTS_GITLAB_REAP_GRACE',
  savedStates: 'IRONBOTS_GITLAB_SAVED_STATES',
  kernelArguments: 'IRONBOTS_GITLAB_KERNEL_ARGUMENTS',
} as const;

function withDriverOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--state-dir <dir>',
        'one directory per job (VM, overlay, sockets); default: the ironbots cache',
      ).env(ENV.stateDir),
    )
    .addOption(
      new Option(
        '--image <image>',
        "the VM image of jobs whose image: is not one of this machine's (a name built with `ironbots image build`, a blob or a path)",
      )
        .env(ENV.image)
        .default('debian-12'),
    )
    .addOption(
      new Option(
        '--shell <shell>',
        'the shell gitlab-runner writes scripts for (config.toml shell); sh for busybox images',
      )
        .choices(['bash', 'sh'])
        .env(ENV.shell)
        .default('bash'),
    )
    .addOption(
      new Option(
        '--network <mode>',
        "the VM's network: user (reaches the host's loopback at 10.0.2.2) or none",
      )
        .choices(['user', 'none'])
        .env(ENV.network)
        .default('user'),
    )
    .addOption(
      new Option('--memory <megabytes>', "the VM's memory")
        .env(ENV.memory)
        .default(1024)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--accelerator <mode>', 'auto: KVM when it works here, else TCG')
        .choices(['auto', 'kvm', 'tcg'])
        .env(ENV.accelerator)
        .default('auto'),
    )
    .addOption(
      new Option(
        '--boot-timeout <seconds>',
        'give up on a VM that does not boot (default 180 under TCG, 60 under KVM)',
      )
        .env(ENV.bootTimeout)
        .argParser(positiveInteger),
    )
    .addOption(
      new Option('--reap-grace <seconds>', "reap a VM left without cleanup this long after its job's timeout")
        .env(ENV.reapGrace)
        .default(600)
        .argParser((v) => (v === '0' ? 0 : positiveInteger(v))),
    )
    .addOption(
      new Option('--saved-states <on|off>', 'off: boot every VM cold instead of restoring a saved state')
        .choices(['on', 'off'])
        .env(ENV.savedStates)
        .default('on'),
    )
    .addOption(new Option('--kernel-arguments <text>').env(ENV.kernelArguments).hideHelp())
    .option('--builds-dir <dir>', 'config: where jobs are built, in the VM', '/builds')
    .option('--cache-dir <dir>', 'config: where the local cache goes, in the VM', '/cache');
}

/** What `config` hands the later stages through job_env: the options as config resolved them. */
function jobEnvOf(flags: DriverFlags, stateDir: string): Record<string, string> {
  return {
    [ENV.stateDir]: stateDir,
    [ENV.image]: flags.image,
    [ENV.shell]: flags.shell,
    [ENV.network]: flags.network,
    [ENV.memory]: String(flags.memory),
    [ENV.accelerator]: flags.accelerator,
    [ENV.reapGrace]: String(flags.reapGrace),
    [ENV.savedStates]: flags.savedStates,
    ...(flags.bootTimeout ? { [ENV.bootTimeout]: String(flags.bootTimeout) } : {}),
    ...(flags.kernelArguments ? { [ENV.kernelArguments]: flags.kernelArguments } : {}),
  };
}

async function driverFor(flags: DriverFlags) {
  const [
    { GitLabCustomExecutor },
    { VmMachinery },
    { defaultCacheDir },
    { localImagesDir },
    { LocalImageResolver },
  ] = await Promise.all([
    import('../../runner-agent/src/gitlab-executor/custom-executor.ts'),
    import('../../runner-agent/src/vm/vm-machinery.ts'),
    import('../../runner-agent/src/vm/debian-kernel.ts'),
    import('../../runner-agent/src/deployment/vm-setup.ts'),
    import('../../runner-agent/src/images/local-image-resolver.ts'),
  ]);
  const cacheDir = defaultCacheDir();
  const stateDir = path.resolve(flags.stateDir ?? path.join(cacheDir, 'gitlab-executor'));
  const resolver = new LocalImageResolver({ dir: localImagesDir(cacheDir) });
  const machinery = new VmMachinery({
    bootFilesDir: path.join(cacheDir, 'boot-files'),
    ...(flags.savedStates === 'on' ? { savedStatesDir: path.join(stateDir, 'vm-states') } : {}),
    memoryMegabytes: flags.memory,
    ...(flags.accelerator === 'auto'
      ? {}
      : {
          accelerator: {
            mode: flags.accelerator,
            describe: flags.accelerator === 'kvm' ? 'KVM' : 'TCG (chosen with --accelerator tcg)',
          },
        }),
    ...(flags.bootTimeout ? { bootTimeoutMs: flags.bootTimeout * 1000 } : {}),
    ...(flags.kernelArguments ? { kernelArguments: flags.kernelArguments } : {}),
  });
  return new GitLabCustomExecutor({
    stateDir,
    machinery,
    defaultImage: flags.image,
    resolveImage: (reference) =>
      path.isAbsolute(reference) ? Promise.resolve(reference) : resolver.resolve(reference, stateDir),
    shell: flags.shell,
    network: flags.network,
    buildsDir: flags.buildsDir,
    cacheDir: flags.cacheDir,
    reapGraceSeconds: flags.reapGrace,
    jobEnv: jobEnvOf(flags, stateDir),
    driverVersion: packageJson.version,
    env: process.env,
    print: (line) => process.stdout.write(`${line}\n`),
    complain: (line) => process.stderr.write(`${line}\n`),
    output: (chunk) => process.stdout.write(chunk),
  });
}

/** SIGTERM (gitlab-runner's stop on a timeout or cancel) and SIGINT abort the stage. */
function stopSignal(): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('stopped by a signal'));
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    done() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/**
 * `ironbots gitlab-executor config|prepare|run|cleanup|reap`: the driver of GitLab's custom executor
 * (`executor = "custom"` in gitlab-runner's config.toml), each job in one throw-away VM.
 */
export function registerGitLabExecutorCommand(program: Command): void {
  const group = program
    .command('gitlab-executor')
    .description(
      "GitLab custom executor driver: each job in one throw-away VM (gitlab-runner's config/prepare/run/cleanup_exec)",
    );

  withDriverOptions(group.command('config'))
    .description(
      'print the configuration gitlab-runner asks for (JSON: builds_dir, cache_dir, driver, job_env, shell)',
    )
    .action(async (flags: DriverFlags) => {
      const driver = await driverFor(flags);
      process.stdout.write(`${driver.config()}\n`);
    });

  withDriverOptions(group.command('prepare'))
    .description(
      "start the job's VM (CUSTOM_ENV_CI_JOB_ID and the other CUSTOM_ENV_* variables say which job)",
    )
    .action(async (flags: DriverFlags) => {
      const driver = await driverFor(flags);
      const stop = stopSignal();
      process.exitCode = await driver.prepare(stop.signal);
      stop.done();
    });

  withDriverOptions(group.command('run'))
    .description("run one of gitlab-runner's stage scripts in the job's VM")
    .argument('[script]', 'the script gitlab-runner wrote')
    .argument('[stage]', 'the stage, e.g. get_sources, step_script, after_script')
    .action(async (script: string | undefined, stage: string | undefined, flags: DriverFlags) => {
      const driver = await driverFor(flags);
      const stop = stopSignal();
      process.exitCode = await driver.run(script, stage, stop.signal);
      stop.done();
    });

  withDriverOptions(group.command('cleanup'))
    .description("kill the job's VM and remove its overlay (idempotent)")
    .action(async (flags: DriverFlags) => {
      const driver = await driverFor(flags);
      process.exitCode = await driver.cleanup();
    });

  withDriverOptions(group.command('reap'))
    .description('kill the VMs of jobs that ended without cleanup (prepare does it too)')
    .action(async (flags: DriverFlags) => {
      const driver = await driverFor(flags);
      const reaped = await driver.reap();
      process.stdout.write(`reaped ${reaped} leftover VM(s)\n`);
    });
}
