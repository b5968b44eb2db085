import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  readSessionVm,
  runInSessionVm,
  startSessionVm,
  stopSessionVm,
  type SessionVm,
} from '../vm/session-vm.ts';
import type { VmMachinery } from '../vm/vm-machinery.ts';
import { runningQemuOf } from '../vm/vm-processes.ts';
import {
  DriverUsageError,
  exitCodes,
  gitlabJob,
  isRunStage,
  type ExitCodes,
  type GitLabJob,
} from './gitlab-job-env.ts';

export interface CustomExecutorOptions {
  /** One directory per job under `<stateDir>/gitlab-jobs/`. */
  stateDir: string;
  machinery: VmMachinery;
  /** The image a job runs in unless its `image:` names one of ours. */
  defaultImage: string;
  /** Turns an image name (or blob name) into a local qcow2 path; throws when it is not one of ours. */
  resolveImage: (reference: string) => Promise<string>;
  /** The shell gitlab-runner writes the stage scripts for (`shell` in config.toml): bash, or sh for busybox. */
  shell: 'bash' | 'sh';
  network: 'user' | 'none';
  /** In the VM. */
  buildsDir: string;
  cacheDir: string;
  /** A VM whose job's timeout passed this long ago is reaped by the next prepare. */
  reapGraceSeconds: number;
  /** Handed to the later stages through `job_env`: the options config was given. */
  jobEnv: Record<string, string>;
  driverVersion: string;
  env: NodeJS.ProcessEnv;
  /** Job log lines (stdout under gitlab-runner). */
  print: (line: string) => void;
  /** Problems (stderr, shown in the job log too). */
  complain: (line: string) => void;
  /** A script's output. */
  output: (chunk: Buffer) => void;
}

/** What `job.json` in a job's directory holds. */
interface JobRecord {
  jobId: string;
  key: string;
  timeoutSeconds: number;
  /** The prepare that made it (a directory without a VM whose owner is gone is a leftover). */
  ownerPid: number;
  preparedAt: number;
  /** When the VM was ready: the job's timeout counts from there. */
  readyAt?: number;
  shell: 'bash' | 'sh';
  /** Why the VM was stopped before cleanup (a timeout, a cancel): later stages say so. */
  stopped?: string;
}

/**
 * GitLab's custom executor protocol with one throw-away VM per job: `config` says where builds go, `prepare`
 * starts the job's VM (detached, so it outlives the process), each `run <script> <stage>` runs one script
 * gitlab-runner wrote in that VM, and `cleanup` kills it and removes its overlay. Each is a process of its
 * own; the job's directory under the state directory is what they share.
 */
export class GitLabCustomExecutor {
  readonly #o: CustomExecutorOptions;
  readonly codes: ExitCodes;
  readonly #jobsDir: string;

  constructor(options: CustomExecutorOptions) {
    this.#o = options;
    this.codes = exitCodes(options.env);
    this.#jobsDir = path.join(options.stateDir, 'gitlab-jobs');
  }

  /** `config_exec`: JSON on stdout, read by gitlab-runner. */
  config(): string {
    return JSON.stringify({
      builds_dir: this.#o.buildsDir,
      cache_dir: this.#o.cacheDir,
      // Every job has a VM of its own.
      builds_dir_is_shared: false,
      hostname: os.hostname(),
      driver: { name: 'ironbots', version: this.#o.driverVersion },
      job_env: this.#o.jobEnv,
      shell: this.#o.shell,
    });
  }

  /** `prepare_exec`: reaps leftovers, then starts the job's VM. Returns the exit code. */
  async prepare(signal: AbortSignal): Promise<number> {
    const job = this.#job();
    if (typeof job === 'number') return job;
    const reaped = await this.reap(job.key);
    if (reaped) this.#o.print(`reaped ${reaped} leftover VM(s) of jobs that ended without cleanup`);
    const dir = this.#dirOf(job);
    // gitlab-runner tries prepare again after a system failure: start from nothing.
    await this.#destroy(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const record: JobRecord = {
      jobId: job.jobId,
      key: job.key,
      timeoutSeconds: job.timeoutSeconds,
      ownerPid: process.pid,
      preparedAt: Date.now(),
      shell: this.#o.shell,
    };
    await this.#write(dir, record);
    const onAbort = () => void stopSessionVm({ dir });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const image = await this.#image(job);
      const vm = await startSessionVm(this.#o.machinery, {
        dir,
        baseImage: image,
        network: this.#o.network,
        log: (line) => this.#o.print(line),
      });
      if (signal.aborted) throw new Error('stopped by a signal while the VM started');
      await this.#write(dir, { ...record, readyAt: Date.now() });
      this.#o.print(
        `VM ready for job ${job.jobId} (${vm.accelerator === 'kvm' ? 'KVM' : 'TCG, no KVM: slow'}); scripts run with ${this.#o.shell}`,
      );
      return 0;
    } catch (error) {
      await this.#destroy(dir);
      if (error instanceof DriverUsageError) {
        this.#o.complain(`ironbots: ${error.message}`);
        return this.codes.usage;
      }
      this.#o.complain(`ironbots: cannot start the job's VM: ${(error as Error).message}`);
      return this.codes.system;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** `run_exec <script> <stage>`: runs the script in the job's VM. Returns the exit code. */
  async run(script: string | undefined, stage: string | undefined, signal: AbortSignal): Promise<number> {
    if (!script || !stage)
      return this.#usage('run needs two arguments: the script gitlab-runner wrote and the stage name');
    if (!isRunStage(stage))
      return this.#usage(
        `unknown stage "${stage}": gitlab-runner's stages are prepare_script, get_sources, restore_cache, download_artifacts, step_*, build_script, after_script, archive_cache[_on_failure], upload_artifacts_on_success/_on_failure, cleanup_file_variables`,
      );
    if (!existsSync(script)) return this.#usage(`the script ${script} of stage ${stage} does not exist`);
    const job = this.#job();
    if (typeof job === 'number') return job;
    const dir = this.#dirOf(job);
    const record = await this.#read(dir);
    const vm = await readSessionVm(dir);
    if (!record || !vm || record.readyAt === undefined) {
      this.#o.complain(
        `ironbots: no VM was prepared for job ${job.jobId} (runner ${job.runnerId}, concurrent id ${job.concurrentProjectId}) in ${this.#jobsDir}: prepare must run and succeed first`,
      );
      return this.codes.system;
    }
    if (record.stopped) {
      this.#o.complain(`ironbots: the job's VM was stopped earlier: ${record.stopped}`);
      return this.codes.system;
    }
    const remainingMs = record.readyAt + record.timeoutSeconds * 1000 - Date.now();
    if (remainingMs <= 0) return this.#stopped(dir, record, vm, stage, 'timed-out');
    const outcome = await runInSessionVm(vm, {
      script,
      name: `${stage}-${randomBytes(4).toString('hex')}.sh`,
      shell: record.shell,
      onOutput: this.#o.output,
      signal,
      timeoutMs: remainingMs,
    });
    if (outcome.kind === 'exited') return outcome.exitCode === 0 ? 0 : this.codes.build;
    if (outcome.kind === 'failed') {
      this.#o.complain(`ironbots: ${stage}: ${outcome.message}`);
      await this.#write(dir, { ...record, stopped: outcome.message });
      return this.codes.system;
    }
    return this.#stopped(dir, record, vm, stage, outcome.kind);
  }

  async #stopped(
    dir: string,
    record: JobRecord,
    vm: SessionVm,
    stage: string,
    why: 'timed-out' | 'cancelled',
  ): Promise<number> {
    await stopSessionVm(vm);
    const message =
      why === 'timed-out'
        ? `${stage} ran past the job's timeout of ${record.timeoutSeconds} s: the VM is killed`
        : `${stage} was stopped (SIGTERM: the job was cancelled or timed out): the VM is killed`;
    await this.#write(dir, { ...record, stopped: message });
    this.#o.complain(`ironbots: ${message}`);
    return this.codes.system;
  }

  /** `cleanup_exec`: kills the job's VM and removes its directory. Idempotent. */
  async cleanup(): Promise<number> {
    const job = this.#job();
    if (typeof job === 'number') return job;
    const dir = this.#dirOf(job);
    try {
      const had = existsSync(dir);
      const killed = await this.#destroy(dir);
      this.#o.print(
        killed
          ? `removed the VM of job ${job.jobId}`
          : had
            ? `job ${job.jobId}'s VM had stopped already; removed its files`
            : `nothing to clean up for job ${job.jobId}`,
      );
      return 0;
    } catch (error) {
      this.#o.complain(`ironbots: cannot clean up job ${job.jobId}: ${(error as Error).message}`);
      return this.codes.system;
    }
  }

  /**
   * Kills the VMs of jobs that ended without cleanup (a killed gitlab-runner) and removes their directories:
   * a VM that stopped, a prepare that died before its VM was ready, a job whose timeout plus the grace has
   * passed. Returns how many it reaped; `except` is the job being prepared.
   */
  async reap(except?: string): Promise<number> {
    let reaped = 0;
    for (const key of await readdir(this.#jobsDir).catch(() => [] as string[])) {
      if (key === except) continue;
      const dir = path.join(this.#jobsDir, key);
      const record = await this.#read(dir).catch(() => undefined);
      const running = await runningQemuOf(dir);
      let why: string | undefined;
      if (!record) why = 'no job record';
      else if (record.readyAt === undefined) {
        if (!processAlive(record.ownerPid)) why = 'its prepare died';
      } else if (!running) why = 'its VM stopped';
      else if (Date.now() > record.readyAt + (record.timeoutSeconds + this.#o.reapGraceSeconds) * 1000)
        why = `its timeout of ${record.timeoutSeconds} s passed ${this.#o.reapGraceSeconds} s ago`;
      if (!why) continue;
      await this.#destroy(dir);
      this.#o.print(`reaped the VM of ${key}: ${why}`);
      reaped++;
    }
    return reaped;
  }

  async #image(job: GitLabJob): Promise<string> {
    if (job.image) {
      try {
        const file = await this.#o.resolveImage(job.image);
        this.#o.print(`image: ${job.image} (${path.basename(file)}), from the job's image:`);
        return file;
      } catch (error) {
        this.#o.print(
          `the job's image "${job.image}" is not one of this runner's VM images (${(error as Error).message}): using ${this.#o.defaultImage}`,
        );
      }
    }
    const file = await this.#o.resolveImage(this.#o.defaultImage).catch((error: Error) => {
      throw new Error(`the default image ${this.#o.defaultImage}: ${error.message}`, { cause: error });
    });
    this.#o.print(`image: ${this.#o.defaultImage} (${path.basename(file)})`);
    return file;
  }

  /** The job from the environment, or the usage exit code after saying what is wrong. */
  #job(): GitLabJob | number {
    try {
      return gitlabJob(this.#o.env);
    } catch (error) {
      if (!(error instanceof DriverUsageError)) throw error;
      return this.#usage(error.message);
    }
  }

  #usage(message: string): number {
    this.#o.complain(`ironbots: ${message}`);
    return this.codes.usage;
  }

  #dirOf(job: GitLabJob): string {
    return path.join(this.#jobsDir, job.key);
  }

  async #read(dir: string): Promise<JobRecord | undefined> {
    const text = await readFile(path.join(dir, 'job.json'), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as JobRecord);
  }

  async #write(dir: string, record: JobRecord): Promise<void> {
    await writeFile(path.join(dir, 'job.json.new'), JSON.stringify(record, null, 2));
    await rename(path.join(dir, 'job.json.new'), path.join(dir, 'job.json'));
  }

  /** Kills the VM in dir (if it runs) and removes dir. Returns whether a VM was killed. */
  async #destroy(dir: string): Promise<boolean> {
    const killed = await stopSessionVm({ dir });
    await rm(dir, { recursive: true, force: true });
    return killed;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
