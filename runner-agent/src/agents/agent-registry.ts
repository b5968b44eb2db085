/**
 * Which agents are alive: every agent heartbeats its description into the shared state store, and the
 * server (the dashboard) lists them. An agent that stopped heartbeating is shown with its last heartbeat,
 * so a dead host is visible rather than silently missing.
 */
export type AcceleratorMode = 'kvm' | 'tcg';

export interface AgentHeartbeat {
  name: string;
  /** Everything the agent offers, executors' labels included. */
  labels: string[];
  /** How its VMs run; null when it has no VM executor. */
  mode: AcceleratorMode | null;
  /** The ironbots version (package.json) it runs. */
  version: string;
  /** Queue message ids of the jobs it runs now. */
  runningJobs: string[];
}

export interface RegisteredAgent extends AgentHeartbeat {
  /** Epoch milliseconds of the first heartbeat of this agent's current run. */
  startedAt: number;
  /** Epoch milliseconds. */
  lastHeartbeat: number;
}

export interface AgentRegistry {
  /** Registers the agent or refreshes its entry; `starting` resets its start time (a new run). */
  heartbeat(agent: AgentHeartbeat, options?: { starting?: boolean }): Promise<void>;
  /** The agent stopped cleanly: it is removed. */
  deregister(name: string): Promise<void>;
  /** Every known agent, by name. */
  list(): Promise<RegisteredAgent[]>;
  close(): Promise<void>;
}

/** KVM when the VM executor found a working /dev/kvm, TCG when it runs without, null without a VM executor. */
export function modeFromLabels(labels: readonly string[]): AcceleratorMode | null {
  if (!labels.includes('executor:vm')) return null;
  return labels.includes('kvm') ? 'kvm' : 'tcg';
}
