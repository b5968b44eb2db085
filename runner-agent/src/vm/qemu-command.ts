import path from 'node:path';
import type { Accelerator } from './kvm-probe.ts';

/** Name tag on every qemu we start, so `ps` and the reaper can tell them apart. */
export const QEMU_NAME_PREFIX = 'ironbots-vm';

/**
 * One job VM's qemu command line. A VM restored from a saved state must have exactly the devices, memory,
 * machine and accelerator of the VM that saved it; only host-side things may differ (which files the disk,
 * shares and sockets are, the forwarded port). So cold boots, the boot that saves a state and restores all
 * build their command line here.
 */
export interface QemuLayout {
  /** Directory of this VM's pidfile and console log; its name tags the process. */
  dir: string;
  accelerator: Accelerator;
  memoryMegabytes: number;
  boot: { vmlinuz: string; initrd: string };
  kernelArguments?: string;
  disk: string;
  /** Abstract socket names qemu connects to for the ironbots.output and ironbots.control ports. */
  outputSocket: string;
  controlSocket: string;
  /** Abstract socket name qemu's QMP monitor connects to, when the VM's state is saved or restored. */
  qmpSocket?: string;
  /**
   * qemu listens on the sockets (`server=on,wait=off`) instead of connecting to them: a VM that outlives the
   * process that started it (a GitLab job's session VM), which each later process connects to in turn.
   */
  serverSockets?: boolean;
  /** The read-only job share and the working directory, shared over 9p. */
  share: string;
  workdir: string;
  /** The `-nic` value. */
  nic: string;
  /** A saved state to start from instead of booting. */
  incoming?: string;
}

export function qemuArgs(l: QemuLayout): string[] {
  const mode = l.serverSockets ? ',server=on,wait=off' : '';
  return [
    '-name',
    `${QEMU_NAME_PREFIX}:${path.basename(l.dir)}`,
    '-machine',
    'pc',
    '-accel',
    l.accelerator.mode,
    ...(l.accelerator.mode === 'kvm' ? ['-cpu', 'host'] : []),
    '-m',
    String(l.memoryMegabytes),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-nic',
    l.nic,
    '-pidfile',
    path.join(l.dir, 'qemu.pid'),
    '-kernel',
    l.boot.vmlinuz,
    '-initrd',
    l.boot.initrd,
    '-append',
    `console=ttyS0 panic=-1 quiet${l.kernelArguments ? ` ${l.kernelArguments}` : ''}`,
    '-serial',
    `file:${path.join(l.dir, 'console.log')}`,
    '-drive',
    `file=${qemuOption(l.disk)},if=virtio,format=qcow2,cache=unsafe`,
    '-device',
    'virtio-serial-pci,id=ports',
    '-chardev',
    // Abstract unix sockets: no path length limit, no file to clean up.
    `socket,id=output,path=${l.outputSocket},abstract=on${mode}`,
    '-device',
    'virtserialport,bus=ports.0,chardev=output,name=ironbots.output',
    '-chardev',
    `socket,id=control,path=${l.controlSocket},abstract=on${mode}`,
    '-device',
    'virtserialport,bus=ports.0,chardev=control,name=ironbots.control',
    '-fsdev',
    `local,id=job,path=${qemuOption(l.share)},security_model=none,readonly=on`,
    '-device',
    'virtio-9p-pci,fsdev=job,mount_tag=ironbots.job',
    '-fsdev',
    `local,id=workdir,path=${qemuOption(l.workdir)},security_model=none`,
    '-device',
    'virtio-9p-pci,fsdev=workdir,mount_tag=ironbots.workdir',
    // A VM generation ID, new with every qemu (guid=auto), restores included: Linux reseeds its random
    // number generator when it changes, so VMs restored from one saved state do not share random numbers.
    '-device',
    'vmgenid,guid=auto',
    ...(l.qmpSocket
      ? [
          '-chardev',
          `socket,id=qmp,path=${l.qmpSocket},abstract=on${mode}`,
          '-mon',
          'chardev=qmp,mode=control',
        ]
      : []),
    // exec: hands the rest to sh -c: the path is single-quoted.
    ...(l.incoming ? ['-incoming', `exec:cat ${shellQuote(l.incoming)}`] : []),
  ];
}

/** qemu splits option values at commas; a literal comma is written twice. */
export function qemuOption(value: string): string {
  return value.replaceAll(',', ',,');
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
