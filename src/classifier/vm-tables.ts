// Signature tables that name the machine underneath, in the manner of systemd's virt.c:
// CPUID hypervisor vendor, DMI vendor strings, ACPI OEM ids. Data only.

export type VmKind =
  | 'kvm' | 'qemu' | 'firecracker' | 'cloud-hypervisor' | 'xen' | 'microsoft' | 'vmware' | 'oracle'
  | 'amazon' | 'google' | 'bochs' | 'parallels' | 'bhyve' | 'qnx' | 'acrn' | 'apple' | 'powervm' | 'vm-other';

export const VM_LABELS: Record<VmKind, string> = {
  kvm: 'KVM', qemu: 'QEMU', firecracker: 'Firecracker', 'cloud-hypervisor': 'Cloud Hypervisor', xen: 'Xen',
  microsoft: 'Hyper-V', vmware: 'VMware', oracle: 'VirtualBox', amazon: 'Amazon EC2', google: 'Google Compute Engine',
  bochs: 'Bochs', parallels: 'Parallels', bhyve: 'bhyve', qnx: 'QNX hypervisor', acrn: 'ACRN', apple: 'Apple Virtualization',
  powervm: 'PowerVM', 'vm-other': 'an unidentified hypervisor',
};

/** CPUID leaf 0x40000000 EBX/ECX/EDX — systemd src/basic/virt.c detect_vm_cpuid */
export const CPUID_VENDORS: readonly [string, VmKind][] = [
  ['XenVMMXenVMM', 'xen'],
  ['KVMKVMKVM', 'kvm'],
  ['Linux KVM Hv', 'kvm'],
  ['TCGTCGTCGTCG', 'qemu'], // QEMU without KVM (observed here under TCG)
  ['VMwareVMware', 'vmware'],
  ['Microsoft Hv', 'microsoft'], // QEMU can fake it: systemd defers it; we weigh it lower
  ['bhyve bhyve ', 'bhyve'],
  ['QNXQVMBSQG', 'qnx'],
  ['ACRNACRNACRN', 'acrn'],
  ['Apple VZ', 'apple'],
];

/** DMI sys_vendor / product_name / board_vendor / bios_vendor prefixes — systemd virt.c detect_vm_dmi_vendor,
 *  plus Cloud Hypervisor's SMBIOS strings (cloud-hypervisor arch/src/x86_64/smbios.rs). */
export const DMI_VENDORS: readonly [string, VmKind][] = [
  ['KVM', 'kvm'],
  ['OpenStack', 'kvm'],
  ['KubeVirt', 'kvm'],
  ['Amazon EC2', 'amazon'],
  ['QEMU', 'qemu'],
  ['VMware', 'vmware'],
  ['VMW', 'vmware'],
  ['innotek GmbH', 'oracle'],
  ['VirtualBox', 'oracle'],
  ['Oracle Corporation', 'oracle'],
  ['Xen', 'xen'],
  ['Bochs', 'bochs'],
  ['Parallels', 'parallels'],
  ['BHYVE', 'bhyve'],
  ['Hyper-V', 'microsoft'],
  ['Apple Virtualization', 'apple'],
  ['Google Compute Engine', 'google'],
  ['Google', 'google'],
  ['Cloud Hypervisor', 'cloud-hypervisor'],
  ['cloud-hypervisor', 'cloud-hypervisor'],
];

/** ACPI table header OEM ids. FIRECK was observed on this Firecracker microVM; BOCHS is QEMU's
 *  (qemu hw/acpi/aml-build.c ACPI_BUILD_APPNAME6). */
export const ACPI_OEM_IDS: readonly [string, VmKind][] = [
  ['FIRECK', 'firecracker'],
  ['BOCHS', 'qemu'],
];

export function lookupPrefix<T>(table: readonly [string, T][], value: string | null): T | null {
  if (!value) return null;
  for (const [prefix, kind] of table) if (value.startsWith(prefix)) return kind;
  return null;
}

export function lookupExact<T>(table: readonly [string, T][], value: string | null): T | null {
  if (value === null) return null;
  for (const [sig, kind] of table) if (value === sig || value.replace(/\0/g, '') === sig.trim()) return kind;
  return null;
}
