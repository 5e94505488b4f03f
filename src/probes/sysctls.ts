// The sysctls that decide whether some syscalls fail before seccomp is even asked
// (signals.md §6.2 "sysctl-gated calls"): read them so a refusal is not called "blocked".
import type { Host } from '../readers/host.js';
import type { SysctlName } from './syscalls/table.js';

export const GATING_SYSCTLS: readonly SysctlName[] = [
  'kernel.dmesg_restrict', 'kernel.unprivileged_bpf_disabled', 'kernel.perf_event_paranoid',
  'vm.unprivileged_userfaultfd', 'kernel.io_uring_disabled',
];

/** name -> integer value, or null when unreadable or not an integer */
export function probeSysctls(host: Host): Record<SysctlName, number | null> {
  const out = {} as Record<SysctlName, number | null>;
  for (const name of GATING_SYSCTLS) {
    const r = host.readFile(`/proc/sys/${name.replace(/\./g, '/')}`);
    const t = r.ok ? r.value.trim() : '';
    const n = /^-?\d+$/.test(t) ? Number(t) : NaN;
    out[name] = Number.isSafeInteger(n) ? n : null;
  }
  return out;
}
