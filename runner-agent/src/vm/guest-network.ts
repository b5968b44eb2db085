import { createServer } from 'node:net';

/** The guest's network for one job: what qemu gets, what the job is told, what the log says. */
export interface GuestNetwork {
  mode: 'none' | 'user';
  /** qemu's `-nic` value. */
  nic: string;
  /** Added to the job's environment. */
  env: Record<string, string>;
  describe: string;
}

/** QEMU's user-mode network puts the host's loopback at this address, as seen from the guest. */
export const GUEST_GATEWAY = '10.0.2.2';

/**
 * `user`: QEMU's user-mode network (no privileges, no bridge): the guest reaches the host's loopback services
 * at 10.0.2.2, and one host port on 127.0.0.1, free when chosen, is forwarded to the same port in the guest
 * so that a test on the host can reach a server the job starts. `none`: no network device at all.
 */
export async function guestNetwork(mode: 'none' | 'user'): Promise<GuestNetwork> {
  if (mode === 'none')
    return { mode, nic: 'none', env: {}, describe: 'network: none (the VM has no network device)' };
  const port = await freeLoopbackPort();
  return {
    mode,
    nic: `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${port}-:${port}`,
    env: { IRONBOTS_HOST_ADDRESS: GUEST_GATEWAY, IRONBOTS_FORWARDED_PORT: String(port) },
    describe: `network: user-mode (the host's loopback is ${GUEST_GATEWAY}; host 127.0.0.1:${port} forwards to guest port ${port}, IRONBOTS_FORWARDED_PORT)`,
  };
}

/** The `-nic` of a VM whose state is saved: the same device as a job's; the forwarded port is the job's own. */
export function savingNic(mode: 'none' | 'user'): string {
  return mode === 'user' ? 'user,model=virtio-net-pci' : 'none';
}

/** A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
