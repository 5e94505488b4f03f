// The sysctls that decide whether some syscalls fail before seccomp is even asked
// (signals.md §6.2 "sysctl-gated calls"): read them so a refusal is not called "blocked".
import type { Host } from '../readers/host.js';
import { type Fact, invalid, parseRead, safeInt } from './fact.js';
import type { SysctlName } from './syscalls/table.js';

export const GATING_SYSCTLS: readonly SysctlName[] = [
  'kernel.dmesg_restrict', 'kernel.unprivileged_bpf_disabled', 'kernel.perf_event_paranoid',
  'vm.unprivileged_userfaultfd', 'kernel.io_uring_disabled',
];

export function probeSysctls(host: Host): Record<SysctlName, Fact<number>> {
  const out = {} as Record<SysctlName, Fact<number>>;
  for (const name of GATING_SYSCTLS) {
    const path = `/proc/sys/${name.replace(/\./g, '/')}`;
    out[name] = parseRead(host.readFile(path), path, (t) => safeInt(t.trim()) ?? invalid(`not an integer: "${t.trim().slice(0, 40)}"`));
  }
  return out;
}
