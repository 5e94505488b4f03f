// What each sandbox needs from a node, as data, each entry with where it comes from. The checks
// in node-readiness.ts read these tables; change a requirement here, not there.
//
// Upstream sources read (commits):
//   google/gvisor 3c5eee17dc45 (2026-08-21), with its release tags
//   kata-containers/kata-containers 7c6ba40c54ea (2026-08-22); kata-check_amd64.go at 0a4b755cd9e2
//   nestybox/sysbox 27cb713f973b (2026-03-03)
//   containerd runtime/v2/shim/util.go (BinaryName); K3s docs "Advanced Options"

export type SandboxId = 'gvisor-ptrace' | 'gvisor-systrap' | 'gvisor-kvm' | 'kata-qemu' | 'kata-clh' | 'kata-fc' | 'sysbox';
export const SANDBOX_IDS: readonly SandboxId[] = ['gvisor-ptrace', 'gvisor-systrap', 'gvisor-kvm', 'kata-qemu', 'kata-clh', 'kata-fc', 'sysbox'];

export const SANDBOX_TITLES: Record<SandboxId, string> = {
  'gvisor-ptrace': 'gVisor, platform ptrace',
  'gvisor-systrap': 'gVisor, platform systrap',
  'gvisor-kvm': 'gVisor, platform KVM',
  'kata-qemu': 'Kata Containers, QEMU',
  'kata-clh': 'Kata Containers, Cloud Hypervisor',
  'kata-fc': 'Kata Containers, Firecracker',
  sysbox: 'Sysbox',
};

/** gVisor releases are named release-YYYYMMDD.N; these are the first that hold each change. */
export const GVISOR_RELEASES = {
  cgroupV2: {
    date: 20211129,
    what: 'cgroup v2 support in runsc',
    reference: 'google/gvisor 881a271ff "runsc: Add cgroup v2 implementation" (merged fa4e2fff8, PR #6821), first in release-20211129.0',
  },
  cgroupV2Paths: {
    date: 20220405,
    what: 'the fix for "finding current cgroups: Rel: can\'t make . relative to /" on cgroup v2',
    reference: 'google/gvisor d9cffce32 "Parse cgroupv2 path only once while scanning mountinfo" (Fixes #7334), first in release-20220405.0',
  },
  systrap: {
    date: 20230227,
    what: 'the systrap platform',
    reference: 'google/gvisor 192bfb03f "Open-sourcing the systrap platform", first in release-20230227.0',
  },
  systrapDefault: {
    date: 20230621,
    what: 'systrap as the default platform (ptrace before)',
    reference: 'google/gvisor e5f2478be "runsc: Make Systrap the default platform" (2023-06-13), first in release-20230621.0; runsc/config/flags.go "platform"',
  },
} as const;

export const GVISOR_PLATFORM_OF: Record<string, SandboxId> = { ptrace: 'gvisor-ptrace', systrap: 'gvisor-systrap', kvm: 'gvisor-kvm' };

/** What runsc's KVM platform needs: gVisor g3doc/user_guide/platforms.md ("KVM installed …
 *  within a virtual machine, you will need to make sure that nested virtualization is configured"). */
export const GVISOR_KVM_REFERENCE = 'google/gvisor g3doc/user_guide/platforms.md (Prerequisites); g3doc/architecture_guide/platforms.md';

/** kata-check (kata-runtime check) on amd64: kata-containers src/runtime/cmd/kata-runtime/
 *  kata-check_amd64.go setCPUtype (0a4b755cd9e2) and kata-check.go checkKernelModules. */
export const KATA_CHECK_REFERENCE = 'kata-containers src/runtime/cmd/kata-runtime/kata-check_amd64.go setCPUtype; kata-check.go hostIsVMContainerCapable';
export const KATA_CPU: Record<'GenuineIntel' | 'AuthenticAMD', { flags: Record<string, string>; kvmModule: string }> = {
  GenuineIntel: { flags: { vmx: 'Virtualization support', lm: '64Bit CPU', sse4_1: 'SSE4.1' }, kvmModule: 'kvm_intel' },
  AuthenticAMD: { flags: { svm: 'Virtualization support', lm: '64Bit CPU', sse4_1: 'SSE4.1' }, kvmModule: 'kvm_amd' },
};
/** required: kata-check counts it as an error when missing (vhost_vsock is listed with required: false). */
export const KATA_MODULES: { name: string; desc: string; required: boolean }[] = [
  { name: 'kvm', desc: 'Kernel-based Virtual Machine', required: true },
  { name: 'KVM_VENDOR', desc: 'Intel KVM / AMD KVM', required: true },
  { name: 'vhost', desc: 'Host kernel accelerator for virtio', required: true },
  { name: 'vhost_net', desc: 'Host kernel accelerator for virtio network', required: true },
  { name: 'vhost_vsock', desc: 'Host Support for Linux VM Sockets', required: false },
];

/** Each Kata hypervisor: its configuration.toml section and whether its agent channel needs
 *  /dev/vhost-vsock. QEMU opens it (virtcontainers/hypervisor_linux.go → utils.FindContextID,
 *  utils.go VHostVSockDevicePath); Cloud Hypervisor and Firecracker use a hybrid vsock over a
 *  Unix socket (clh.go types.HybridVSock; fc.go "kata.hvsock"). */
export const KATA_HYPERVISORS: Record<'kata-qemu' | 'kata-clh' | 'kata-fc', { section: string; vhostVsock: boolean; reference: string }> = {
  'kata-qemu': { section: 'qemu', vhostVsock: true, reference: 'kata-containers virtcontainers/hypervisor_linux.go, utils/utils.go VHostVSockDevicePath' },
  'kata-clh': { section: 'clh', vhostVsock: false, reference: 'kata-containers virtcontainers/clh.go (HybridVSock)' },
  'kata-fc': { section: 'firecracker', vhostVsock: false, reference: 'kata-containers virtcontainers/fc.go (kata.hvsock)' },
};
export const KATA_CONFIG_REFERENCE = 'kata-containers src/runtime/pkg/katautils/config.go GetDefaultConfigFilePaths; src/runtime/config/configuration-qemu.toml.in (disable_guest_seccomp default true; sandbox_cgroup_only)';
export const KATA_CGROUP_REFERENCE = 'kata-containers src/runtime/pkg/resourcecontrol/cgroups.go: hybrid is handled as v1 (cgroups.Mode() == Legacy || Hybrid)';

/** Sysbox: shiftfs is required below 5.12 (ID-mapped mounts), recommended 5.12–5.18, not needed from 5.19. */
export const SYSBOX_SHIFTFS = { requiredBelow: [5, 12], recommendedBelow: [5, 19], reference: 'nestybox/sysbox docs/distro-compat.md "Shiftfs Requirement"' } as const;
export const SYSBOX_PROGRAMS = ['sysbox-runc', 'sysbox-mgr', 'sysbox-fs'] as const;
export const SYSBOX_REFERENCE = 'nestybox/sysbox docs/user-guide/install-package.md (sysbox-runc, sysbox-mgr, sysbox-fs)';

/** The commands the setup guides give, filled in per node. Each names its source. */
export const FIXES = {
  gvisorInstall: {
    text: `ARCH=$(uname -m); URL=https://storage.googleapis.com/gvisor/releases/release/latest/\${ARCH}
wget \${URL}/gvisor.tar.bz2 \${URL}/gvisor.tar.bz2.sha512 && sha512sum -c gvisor.tar.bz2.sha512 && sudo tar -xjf gvisor.tar.bz2 -C /usr/local/bin`,
    reference: 'google/gvisor g3doc/user_guide/install.md "Install latest release" (the tarball holds runsc and containerd-shim-runsc-v1)',
  },
  containerdRunsc: {
    text: (plugin: string) => `# /etc/containerd/config.toml, then restart containerd
[plugins."${plugin}".containerd.runtimes.runsc]
  runtime_type = "io.containerd.runsc.v1"`,
    reference: 'google/gvisor g3doc/user_guide/containerd/quick_start.md',
  },
  containerdKata: {
    text: (plugin: string) => `# /etc/containerd/config.toml, then restart containerd
[plugins."${plugin}".containerd.runtimes.kata]
  runtime_type = "io.containerd.kata.v2"`,
    reference: 'kata-containers docs/how-to/containerd-kata.md',
  },
  dockerRunsc: {
    text: (path: string, platformArg: string | null) =>
      `# /etc/docker/daemon.json, then: kill -HUP $(pidof dockerd)   (or: systemctl reload docker)
{ "runtimes": { "runsc": { "path": "${path}"${platformArg ? `, "runtimeArgs": ["${platformArg}"]` : ''} } } }`,
    reference: 'google/gvisor g3doc/user_guide/quick_start/docker.md; dockerd(8) "Configuration reload behavior" (runtimes)',
  },
  module: {
    text: (m: string) => `modprobe ${m} && echo ${m} > /etc/modules-load.d/${m.replace(/_/g, '-')}.conf`,
    reference: 'modprobe(8); modules-load.d(5)',
  },
  persistModule: {
    text: (m: string) => `echo ${m} > /etc/modules-load.d/${m.replace(/_/g, '-')}.conf`,
    reference: 'modules-load.d(5)',
  },
  cgroupV2Runsc: {
    text: 'install runsc release-20220405.0 or later (see the install command), or boot with systemd.unified_cgroup_hierarchy=0',
    reference: GVISOR_RELEASES.cgroupV2Paths.reference,
  },
  hardwareVirt: {
    text: 'enable VT-x/AMD-V in the firmware; on a VM, enable nested virtualization on its host (kvm_intel nested=1 or kvm_amd nested=1) — until then, use platform ptrace or systrap',
    reference: GVISOR_KVM_REFERENCE,
  },
  mkdir: { text: (d: string) => `mkdir -p ${d}`, reference: 'runsc/config/flags.go "debug-log"' },
} as const;

/** RuntimeClass manifests as in deploy/runtimeclasses.yaml (kata-deploy's pod overheads). */
export const RUNTIME_CLASS_OVERHEAD: Record<string, { memory: string; cpu: string }> = {
  'kata-qemu': { memory: '160Mi', cpu: '250m' },
  'kata-clh': { memory: '130Mi', cpu: '250m' },
  'kata-fc': { memory: '130Mi', cpu: '250m' },
};
