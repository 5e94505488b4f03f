// Second-level answers once the class is known: which gVisor platform, which Kata hypervisor,
// and which namespace tool. Each is a small ordered table of rules; the first that holds wins.
import type { Facts } from '../probes/index.js';
import { cmdlineHas, dmi, pid1Comm } from './evidence.js';
import type { Evidence } from './score.js';

export interface Refinement { value: string; evidence: string[]; inferred: boolean }

const ENOMEM = 12;
const EEXIST = 17;
const mmapResult = (f: Facts, addr: string) => (f.native.mmap.known ? f.native.mmap.value[addr] : undefined);
/** the page cannot be had there: refused (ENOMEM beyond the address-space cap; EEXIST when
 *  MAP_FIXED_NOREPLACE finds a mapping already there, mmap(2)), or mapped elsewhere by a sentry
 *  that takes the address as a hint (runsc 20221219 under ptrace, observed here) */
const unavailable = (v: unknown) => v === ENOMEM || v === EEXIST || v === 'moved';
/** getpid() cost above which the tie-breaker says ptrace: every syscall is two ptrace stops.
 *  Observed here under runsc 20221219 ptrace: 12.7–45 µs (the earlier 15 µs cut said
 *  "systrap-or-kvm" for most of those runs); systrap and KVM take a few µs at most. */
const PTRACE_SYSCALL_NS = 8000;

/** gVisor platform (signals.md §2.2): systrap maps [usertrap] and caps user space at
 *  0x7F0000000000; ptrace keeps its stub just below TASK_SIZE; KVM maps down to 4096. Without
 *  those, 'unknown' with the reason. */
export function gvisorPlatform(f: Facts): Refinement {
  const maps = f.maps.known ? f.maps.value : null;
  if (maps?.usertrap) return { value: 'systrap', evidence: ['/proc/self/maps has a [usertrap] mapping'], inferred: false };
  const cap = mmapResult(f, '0x7f0000000000'), top = mmapResult(f, '0x7fffffffe000'), low = mmapResult(f, '0x1000');
  if (unavailable(cap)) return { value: 'systrap', evidence: [`mmap at 0x7f0000000000: ${cap}: user space capped there`], inferred: false };
  if (unavailable(top)) return { value: 'ptrace', evidence: [`mmap at 0x7fffffffe000: ${top}: the ptrace stub holds the top of the address space`, `mmap at 0x7f0000000000: ${cap}`], inferred: false };
  if (top === 'ok' && cap === 'ok') {
    return { value: 'kvm', evidence: ['the whole 47-bit address space is mappable (0x7f0000000000 and 0x7fffffffe000)', `mmap at 0x1000: ${low}`], inferred: false };
  }
  // No address-space signal: the platform cannot be told. Timing is only a hint (ptrace
  // syscalls cost tens of microseconds, systrap and KVM a few; a CPU quota or a loaded host skews
  // it), given with the reason, never as the answer.
  const why = !f.maps.known ? `/proc/self/maps unreadable (${f.maps.reason}), so no [usertrap] check`
    : 'no [usertrap] mapping in /proc/self/maps (systrap maps one when it patches a syscall site)';
  const mmap = f.native.mmap.known ? `mmap probes inconclusive (${JSON.stringify(f.native.mmap.value)})` : `mmap probes unknown: ${f.native.mmap.reason}`;
  const hint = f.native.syscallNs.known
    ? [`getpid() costs ${f.native.syscallNs.value} ns: ${f.native.syscallNs.value > PTRACE_SYSCALL_NS ? 'as ptrace does' : 'as systrap or KVM do'} (a hint only: timing cannot decide)`]
    : [];
  return { value: 'unknown', evidence: [why, mmap, ...hint], inferred: false };
}

/** Kata hypervisor (signals.md §3.1, §3.3). */
export function kataHypervisor(f: Facts): Refinement | null {
  const vendor = dmi(f, 'sys_vendor');
  const cpuidVendor = f.native.cpuid.known ? f.native.cpuid.value.hypervisorVendor : null;
  if (cpuidVendor === 'ACRNACRNACRN') return { value: 'acrn', evidence: ['CPUID vendor ACRNACRNACRN (Kata dropped ACRN in 2024)'], inferred: false };
  if (vendor?.startsWith('QEMU')) return { value: 'qemu', evidence: [`DMI sys_vendor ${vendor}`], inferred: false };
  if (vendor && /^cloud.hypervisor/i.test(vendor)) return { value: 'cloud-hypervisor', evidence: [`DMI sys_vendor ${vendor}`], inferred: false };
  const db = cmdlineHas(f, /^(console=ttyS1|agent\.log_vport=\d+)$/);
  if (db && db.includes('console=ttyS1') && db.includes('agent.log_vport')) return { value: 'dragonball', evidence: [`cmdline ${db}`], inferred: false };
  const fc = cmdlineHas(f, /^(pci=off|acpi=off|virtio_mmio\.device=.*)$/);
  if (fc && fc.includes('pci=off') && !vendor) return { value: 'firecracker', evidence: [`cmdline ${fc}`, 'no DMI'], inferred: false };
  return null;
}

/** Platform devices only a confidential guest's kernel registers. The device nodes in /dev are the
 *  guest's, not a container's (a Kata container's /dev holds none of them: kata-containers#9738), but
 *  its read-only /sys still lists the platform device. */
const CONFIDENTIAL_PLATFORM_DEVICES: readonly [string, string][] = [
  // linux arch/x86/coco/sev/core.c snp_init_platform_device: "sev-guest", registered only when
  // cc_platform_has(CC_ATTR_GUEST_SEV_SNP); drivers/virt/coco/sev-guest binds to it
  ['sev-guest', 'sev-snp'],
];

/** Confidential-guest devices (TDX, SEV-SNP). */
export function confidentialGuest(f: Facts): string | null {
  const d = f.platform.confidentialDevices;
  if (d.some((p) => p.includes('tdx'))) return 'tdx';
  if (d.some((p) => p.includes('sev-guest'))) return 'sev-snp';
  const devs = f.platform.platformDevices.known ? f.platform.platformDevices.value : [];
  for (const [name, kind] of CONFIDENTIAL_PLATFORM_DEVICES) if (devs.includes(name)) return kind;
  return null;
}

/** runc or crun, from the informational masking rows of the sandbox table (oci-mask-*). */
export function ociRuntime(evidence: readonly Evidence[]): Refinement | null {
  const hit = evidence.find((e) => e.signal === 'oci-mask-runc' || e.signal === 'oci-mask-crun');
  if (!hit) return null;
  return { value: hit.signal === 'oci-mask-runc' ? 'runc' : 'crun', evidence: [hit.observed], inferred: true };
}

export function namespaceTool(f: Facts): Refinement {
  return pid1Comm(f) === 'bwrap'
    ? { value: 'bubblewrap', evidence: ['PID 1 is bwrap'], inferred: false }
    : { value: 'unshare-style', evidence: ['namespaces without OCI masking and without a bwrap PID 1'], inferred: true };
}
