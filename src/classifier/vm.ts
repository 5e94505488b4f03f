// The machine underneath: which hypervisor, if any, runs the kernel we see. Reported apart
// from the sandbox class (runc on a KVM cloud VM is still runc).
import type { Facts } from '../probes/index.js';
import { cmdlineHas, dmi } from './evidence.js';
import { type Evidence, type Scored, scoreSignals } from './score.js';
import type { Signal } from './sandbox-signals.js';
import { ACPI_OEM_IDS, CPUID_VENDORS, DMI_VENDORS, type VmKind, VM_LABELS, lookupExact, lookupPrefix } from './vm-tables.js';

export interface VmVerdict {
  kind: VmKind | 'none' | 'unknown';
  label: string;
  evidence: Evidence[];
}

const dmiVendor = (f: Facts) => {
  // product_version last, as systemd virt.c detect_vm_dmi_vendor reads it "for Hyper-V VMs": their
  // sys_vendor is "Microsoft Corporation" (Surface laptops too), and only product_version says "Hyper-V…"
  // (systemd PR #21475; Gen1 VMs show "7.0" there, systemd issue #21816)
  for (const field of ['sys_vendor', 'product_name', 'board_vendor', 'bios_vendor', 'product_version'] as const) {
    const v = dmi(f, field);
    const k = lookupPrefix(DMI_VENDORS, v);
    if (k) return { k, v: `${field}=${v}` };
  }
  return null;
};

const cpuidKind = (f: Facts) => (f.native.cpuid.known ? lookupExact(CPUID_VENDORS, f.native.cpuid.value.hypervisorVendor) : null);

/** Rows for every VM kind, generated from the tables so each table entry is one signal. */
function vmSignals(): Signal<VmKind | 'none'>[] {
  const rows: Signal<VmKind | 'none'>[] = [];
  const kinds = new Set<VmKind>([...CPUID_VENDORS, ...DMI_VENDORS, ...ACPI_OEM_IDS].map(([, k]) => k));
  for (const kind of kinds) {
    rows.push({
      id: `cpuid-${kind}`, indicates: kind, weight: kind === 'microsoft' ? 2 : 4, source: 'CPUID 0x40000000',
      pattern: `hypervisor vendor of ${VM_LABELS[kind]}`, reference: 'systemd src/basic/virt.c detect_vm_cpuid',
      match: (f) => (cpuidKind(f) === kind ? (f.native.cpuid as { value: { hypervisorVendor: string } }).value.hypervisorVendor : null),
    });
    rows.push({
      id: `dmi-${kind}`, indicates: kind, weight: 5, source: '/sys/class/dmi/id',
      pattern: `DMI vendor of ${VM_LABELS[kind]}`, reference: 'systemd src/basic/virt.c detect_vm_dmi_vendor',
      match: (f) => (dmiVendor(f)?.k === kind ? dmiVendor(f)!.v : null),
    });
    rows.push({
      id: `acpi-${kind}`, indicates: kind, weight: 6, source: '/sys/firmware/acpi/tables',
      pattern: `ACPI OEM id of ${VM_LABELS[kind]}`, reference: 'ACPI table header OEMID',
      match: (f) => (f.platform.acpiOemId.known && lookupPrefix(ACPI_OEM_IDS, f.platform.acpiOemId.value) === kind ? `OEM ${f.platform.acpiOemId.value}` : null),
    });
  }
  rows.push(
    {
      id: 'xen-hypervisor-node', indicates: 'xen', weight: 5, source: '/sys/hypervisor/type',
      pattern: 'xen', reference: 'systemd src/basic/virt.c detect_vm_xen',
      match: (f) => (f.platform.xenType.known && f.platform.xenType.value === 'xen' ? 'xen' : null),
    },
    {
      id: 'virtio-mmio-cmdline', indicates: 'firecracker', weight: 2, source: '/proc/cmdline',
      pattern: 'virtio_mmio.device= with pci=off (a microVM without PCI)', reference: 'firecracker src/vmm/src/device_manager/mmio.rs',
      match: (f) => (cmdlineHas(f, /^virtio_mmio\.device=/) && cmdlineHas(f, /^pci=off$/) ? cmdlineHas(f, /^(virtio_mmio\.device=|pci=off)/) : null),
    },
    {
      id: 'firecracker-platform-devices', indicates: 'firecracker', weight: 2, source: '/sys/bus/platform/devices',
      pattern: 'AMZNC10C and VMGENCTR platform devices', reference: 'observed on this Firecracker microVM',
      match: (f) => (f.platform.platformDevices.known && ['AMZNC10C:00', 'VMGENCTR:00'].every((d) => (f.platform.platformDevices as { value: string[] }).value.includes(d)) ? 'AMZNC10C:00 VMGENCTR:00' : null),
    },
    {
      id: 'cpu-hypervisor-flag', indicates: 'vm-other', weight: 2, source: '/proc/cpuinfo',
      pattern: 'the "hypervisor" CPU flag', reference: 'linux arch/x86/kernel/cpu (X86_FEATURE_HYPERVISOR)',
      match: (f) => (f.platform.cpuinfo.known && f.platform.cpuinfo.value.hypervisorFlag ? 'flags: hypervisor' : null),
    },
    {
      id: 'no-hypervisor', indicates: 'none', weight: 3, source: 'CPUID leaf 1, /proc/cpuinfo',
      pattern: 'no hypervisor bit and no hypervisor flag', reference: 'Intel SDM CPUID.1:ECX[31]',
      match: (f) => (f.native.cpuid.known && !f.native.cpuid.value.hypervisorBit && f.platform.cpuinfo.known && !f.platform.cpuinfo.value.hypervisorFlag ? 'hypervisor bit 0' : null),
    },
  );
  return rows;
}

export const VM_SIGNALS: readonly Signal<VmKind | 'none'>[] = vmSignals();

/** A named hypervisor beats the generic flag; Firecracker and Cloud Hypervisor refine KVM. */
const REFINES: Partial<Record<VmKind, VmKind>> = { firecracker: 'kvm', 'cloud-hypervisor': 'kvm', amazon: 'kvm', google: 'kvm' };

export function classifyVm(f: Facts, underGvisor: boolean): VmVerdict {
  // gVisor blanks the hypervisor leaf and copies only product_name: what shows is the host's,
  // seen through the sentry, so it still names the machine underneath when present.
  const scored: Scored<VmKind | 'none'> = scoreSignals(VM_SIGNALS, f);
  const named = scored.ranking.filter((c) => c.candidate !== 'vm-other' && c.candidate !== 'none' && c.score >= 4);
  if (named.length) {
    // prefer the most specific: a refinement of the top candidate when it has evidence
    let best = named[0];
    const refinement = named.find((c) => REFINES[c.candidate as VmKind] === best.candidate);
    if (refinement) best = refinement;
    const kind = best.candidate as VmKind;
    const related = scored.evidence.filter((e) => e.indicates === kind || REFINES[kind] === e.indicates || e.indicates === 'vm-other');
    const base = REFINES[kind] && named.some((c) => c.candidate === REFINES[kind]) ? `${VM_LABELS[REFINES[kind]!]} virtual machine (${VM_LABELS[kind]})` : `${VM_LABELS[kind]} virtual machine`;
    return { kind, label: base, evidence: related };
  }
  const flag = scored.ranking.find((c) => c.candidate === 'vm-other');
  if (flag && flag.score > 0 && !underGvisor) {
    return { kind: 'vm-other', label: 'virtual machine (hypervisor not identified)', evidence: scored.evidence.filter((e) => e.indicates === 'vm-other') };
  }
  const none = scored.ranking.find((c) => c.candidate === 'none');
  if (none && none.score > 0) return { kind: 'none', label: 'bare metal', evidence: scored.evidence.filter((e) => e.indicates === 'none') };
  return { kind: 'unknown', label: 'unknown (no CPUID, DMI or ACPI evidence)', evidence: [] };
}
