// Capability sets decoded by name. Names follow include/uapi/linux/capability.h; bits beyond
// the table are kept as cap_<n> so a newer kernel never loses information.
export const CAPABILITY_NAMES: readonly string[] = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
  'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
  'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
  'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog',
  'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
];

/** Why each risky capability matters: a container holding it can reach past its boundary. */
export const RISKY_CAPABILITIES: Readonly<Record<string, string>> = {
  sys_admin: 'mount, namespaces, bpf, and most of the kernel: the usual escape route',
  sys_module: 'loads kernel modules: full host kernel control',
  sys_rawio: 'raw I/O ports and /dev/mem',
  sys_ptrace: 'traces any process it can see, including other containers sharing the pid namespace',
  dac_read_search: 'open_by_handle_at: reads host files by handle (the "shocker" escape)',
  net_admin: 'reconfigures networking, iptables',
  sys_boot: 'reboot and kexec',
  sys_time: 'sets the host clock',
  bpf: 'loads BPF programs',
  perfmon: 'perf events on the host kernel',
  mac_admin: 'changes the LSM policy',
  mac_override: 'bypasses the LSM policy',
  syslog: 'reads kernel log and addresses (KASLR)',
  checkpoint_restore: 'sets pids and other checkpoint/restore powers',
  linux_immutable: 'changes immutable/append-only file flags',
};

/** Docker's and containerd's default set (moby oci/caps/defaults.go). */
export const DEFAULT_CONTAINER_CAPABILITIES: readonly string[] = [
  'chown', 'dac_override', 'fsetid', 'fowner', 'mknod', 'net_raw', 'setgid', 'setuid', 'setfcap',
  'setpcap', 'net_bind_service', 'sys_chroot', 'kill', 'audit_write',
];

export const capabilityName = (bit: number): string => CAPABILITY_NAMES[bit] ?? `cap_${bit}`;

/** Decodes a hex mask as /proc/self/status prints it (16 hex digits). */
export function decodeCapabilityMask(hex: string): { mask: bigint; names: string[] } | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
  const mask = BigInt('0x' + hex);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) if ((mask >> BigInt(bit)) & 1n) names.push(capabilityName(bit));
  return { mask, names };
}
