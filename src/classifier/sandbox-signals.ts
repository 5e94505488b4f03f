// The sandbox-class signal table: each row is one observable pattern, the class it points to,
// its weight (negative rows count against a class), the fact it reads, and where the fact is
// documented. Marker files are weak on purpose: images carry them (signals.md §0.8).
import type { Facts } from '../probes/index.js';
import { isGvisorUname } from '../probes/kernel.js';
import { GVISOR_UNAME } from '../probes/kernel.js';
import {
  cgroupPathMatching, cmdline, cmdlineHas, describeMount, envContainer, findMount, idMapText,
  maskedFileOrigin, mountEntries, nsInitial, nsSummary, ociDevMounts, ociMasking, pid1Comm, rootMount, uname,
} from './evidence.js';

export const SANDBOX_CLASSES = [
  'gvisor', 'kata', 'sysbox', 'lxc', 'nspawn', 'nested', 'namespace-sandbox', 'runc-class', 'none',
] as const;
export type SandboxClass = (typeof SANDBOX_CLASSES)[number];

export interface Signal<C extends string = SandboxClass> {
  id: string;
  indicates: C;
  weight: number;
  /** the fact the signal reads: a path or a probe */
  source: string;
  /** what has to hold, in words */
  pattern: string;
  /** where the fact is documented (upstream source, or "observed here") */
  reference: string;
  /** the observed value when the pattern holds, else null */
  match: (f: Facts) => string | null;
}

const KATA_CMDLINE = /^(systemd\.unit=kata-containers\.target|agent\.[a-z_]+(=.*)?|cryptomgr\.notests)$/;
/** a cgroup path segment an engine or the kubelet names: kubepods…, docker-<id>.scope, docker/<id>,
 *  libpod-<id>, crio-<id>, cri-containerd-<id>, containerd(.service) */
const ENGINE_CGROUP_SEGMENT = /(?:^|\/)(?:kubepods\b|(?:docker|libpod|libpod-conmon|crio|crio-conmon|cri-containerd)-[0-9a-f]{12,}|docker\/[0-9a-f]{12,}|containerd(?:\.service)?(?:\/|$))/;
const has = (cond: boolean, value: string) => (cond ? value : null);

export const SANDBOX_SIGNALS: readonly Signal[] = [
  // ---- gVisor: a user-space kernel with a fixed identity (signals.md §2.1) ----
  {
    id: 'gvisor-uname', indicates: 'gvisor', weight: 5, source: 'uname(2)',
    pattern: `release ${GVISOR_UNAME.release} or *-gvisor with version "${GVISOR_UNAME.version}"`,
    reference: 'google/gvisor pkg/sentry/kernel/version/version.go',
    match: (f) => {
      const u = uname(f);
      return u && isGvisorUname(u) ? `${u.release} ${u.version}` : null;
    },
  },
  {
    id: 'gvisor-cmdline', indicates: 'gvisor', weight: 4, source: '/proc/cmdline',
    pattern: 'BOOT_IMAGE=/vmlinuz-…-gvisor', reference: 'google/gvisor pkg/sentry/fsimpl/proc/tasks_files.go',
    match: (f) => cmdlineHas(f, /^BOOT_IMAGE=\/vmlinuz-.*-gvisor$/),
  },
  {
    id: 'gvisor-files', indicates: 'gvisor', weight: 4, source: '/proc/sentry-meminfo, /proc/gvisor',
    pattern: 'a /proc file only the gVisor sentry provides', reference: 'google/gvisor pkg/sentry/fsimpl/proc/tasks.go',
    match: (f) => (f.markers.gvisorFiles.length ? f.markers.gvisorFiles.join(', ') : null),
  },
  {
    id: 'gvisor-dmesg', indicates: 'gvisor', weight: 4, source: 'syslog(2)',
    pattern: 'kernel log starts with "Starting gVisor..."', reference: 'google/gvisor pkg/sentry/kernel/syslog.go',
    match: (f) => (f.native.syslog.known && f.native.syslog.value.firstLines.some((l) => l.includes('Starting gVisor...')) ? f.native.syslog.value.firstLines[0] : null),
  },
  {
    id: 'gvisor-cpuinfo', indicates: 'gvisor', weight: 1, source: '/proc/cpuinfo',
    pattern: 'model name "unknown"', reference: 'google/gvisor pkg/cpuid/cpuid_amd64.go',
    match: (f) => has(f.platform.cpuinfo.known && f.platform.cpuinfo.value.modelName === 'unknown', 'model name: unknown'),
  },
  {
    id: 'gvisor-mount-sources', indicates: 'gvisor', weight: 2, source: '/proc/self/mountinfo',
    pattern: 'every mount source is "none"', reference: 'google/gvisor pkg/sentry/vfs/mount.go',
    match: (f) => {
      const es = mountEntries(f);
      return es.length >= 3 && es.every((e) => e.source === 'none') ? `${es.length} mounts, all from "none"` : null;
    },
  },
  {
    id: 'gvisor-status-lines', indicates: 'gvisor', weight: 2, source: '/proc/self/status',
    pattern: 'no NoNewPrivs, Seccomp_filters or NSpid line', reference: 'google/gvisor pkg/sentry/fsimpl/proc/task_files.go',
    match: (f) => {
      const m = f.process.missingLines;
      return m.known && ['NoNewPrivs', 'NSpid', 'Seccomp_filters'].every((k) => m.value.includes(k)) ? `missing: ${m.value.join(', ')}` : null;
    },
  },
  {
    id: 'gvisor-cpuid-blank', indicates: 'gvisor', weight: 2, source: 'CPUID',
    pattern: 'hypervisor bit set but leaf 0x40000000 all zeros', reference: 'google/gvisor pkg/cpuid/native_amd64.go',
    match: (f) => has(f.native.cpuid.known && f.native.cpuid.value.hypervisorBit && f.native.cpuid.value.hypervisorVendor === '', 'hypervisor bit 1, vendor leaf zeros'),
  },

  // ---- Kata Containers: a guest kernel booted by the Kata runtime (signals.md §3) ----
  {
    id: 'kata-cmdline', indicates: 'kata', weight: 5, source: '/proc/cmdline',
    pattern: 'systemd.unit=kata-containers.target, agent.* or cryptomgr.notests',
    reference: 'kata-containers src/runtime/virtcontainers/qemu_amd64.go, pkg/katautils/create.go, kata_agent.go',
    match: (f) => cmdlineHas(f, KATA_CMDLINE),
  },
  {
    id: 'kata-shared-root', indicates: 'kata', weight: 4, source: '/proc/self/mountinfo',
    pattern: 'kataShared (virtiofs or 9p) mounted, or a "none" virtiofs root',
    reference: 'kata-containers src/runtime/virtcontainers/kata_agent.go mountGuestTag; src/agent/src/rpc.rs',
    match: (f) => {
      const e = findMount(f, (m) => m.source === 'kataShared' || (m.mountPoint === '/' && m.fsType === 'virtiofs'));
      return e ? describeMount(e) : null;
    },
  },
  {
    id: 'kata-guest-kernel-root', indicates: 'kata', weight: 1, source: '/proc/cmdline',
    pattern: 'root=/dev/pmem0p1 or root=/dev/vda1 with rootflags=…errors=remount-ro',
    reference: 'kata-containers src/runtime/virtcontainers/hypervisor.go GetKernelRootParams',
    match: (f) => (/root=\/dev\/(pmem0p1|vda1)\b/.test(cmdline(f)) && /rootflags=\S*errors=remount-ro/.test(cmdline(f)) ? cmdlineHas(f, /^root(flags)?=/) : null),
  },

  // ---- Sysbox: system containers with sysbox-fs FUSE emulation (signals.md §4.1) ----
  {
    id: 'sysbox-fs', indicates: 'sysbox', weight: 6, source: '/proc/self/mountinfo',
    pattern: 'sysboxfs FUSE mounts over /proc or /sys', reference: 'nestybox/sysbox docs/user-guide/design.md',
    match: (f) => {
      const es = mountEntries(f).filter((e) => e.source.startsWith('sysboxfs') || e.fsType === 'fuse.sysboxfs');
      return es.length ? es.map((e) => e.mountPoint).slice(0, 4).join(', ') : null;
    },
  },
  {
    id: 'sysbox-shiftfs', indicates: 'sysbox', weight: 2, source: '/proc/self/mountinfo',
    pattern: 'root filesystem is shiftfs', reference: 'nestybox/sysbox docs/user-guide/design.md',
    match: (f) => has(rootMount(f)?.fsType === 'shiftfs', 'shiftfs root'),
  },

  // ---- LXC / LXD / Incus (signals.md §4.2) ----
  {
    id: 'lxc-env', indicates: 'lxc', weight: 5, source: 'env container, /proc/1/environ',
    pattern: 'container=lxc or lxc-libvirt', reference: 'systemd src/basic/virt.c; lxc src/lxc/start.c',
    match: (f) => (/^lxc/.test(envContainer(f) ?? '') ? `container=${envContainer(f)}` : null),
  },
  {
    id: 'lxc-init', indicates: 'lxc', weight: 3, source: '/proc/1/comm',
    pattern: 'PID 1 is lxc-execute\'s init: init.lxc, or lxc-execute itself (liblxc ≥ 4 runs its built-in init in the forked child, so PID 1 keeps the caller\'s name)',
    reference: 'lxc src/lxc/cmd/lxc_init.c; src/lxc/initutils.c lxc_container_init (observed here under lxc-execute, LXC 5.0.2: /proc/1/comm "lxc-execute")',
    match: (f) => (pid1Comm(f) === 'init.lxc' || pid1Comm(f) === 'lxc-execute' ? pid1Comm(f) : null),
  },
  {
    id: 'lxcfs', indicates: 'lxc', weight: 3, source: '/proc/self/mountinfo',
    pattern: 'lxcfs FUSE mounts over /proc files', reference: 'lxc/lxcfs README',
    match: (f) => {
      const e = findMount(f, (m) => m.fsType === 'fuse.lxcfs' || m.source === 'lxcfs');
      return e ? describeMount(e) : null;
    },
  },
  {
    id: 'lxd-socket', indicates: 'lxc', weight: 3, source: '/dev/lxd/sock, /dev/incus/sock',
    pattern: 'LXD or Incus guest API socket', reference: 'documentation.ubuntu.com/lxd dev-lxd',
    match: (f) => f.mounts.sensitive.find((s) => s.path === '/dev/lxd/sock' || s.path === '/dev/incus/sock')?.path ?? null,
  },

  // ---- systemd-nspawn (signals.md §4.3) ----
  {
    id: 'nspawn-manager', indicates: 'nspawn', weight: 6, source: '/run/host/container-manager',
    pattern: 'systemd-nspawn', reference: 'systemd src/basic/virt.c detect_container',
    match: (f) => (f.markers.containerManager.known && f.markers.containerManager.value === 'systemd-nspawn' ? 'systemd-nspawn' : null),
  },
  {
    id: 'nspawn-env', indicates: 'nspawn', weight: 5, source: 'env container, /proc/1/environ',
    pattern: 'container=systemd-nspawn', reference: 'systemd src/nspawn/nspawn.c',
    match: (f) => (envContainer(f) === 'systemd-nspawn' ? 'container=systemd-nspawn' : null),
  },

  // ---- a container inside a container (Docker-in-Docker, KinD) ----
  {
    id: 'nested-cgroup-path', indicates: 'nested', weight: 5, source: '/proc/self/cgroup',
    pattern: 'a container scope inside another container\'s cgroup',
    reference: 'kubernetes-sigs/kind node cgroup layout; moby cgroup naming',
    match: (f) => cgroupPathMatching(f, /(docker[-/][0-9a-f]{12,}|libpod-[0-9a-f]{12,}|crio-[0-9a-f]{12,}|cri-containerd-[0-9a-f]{12,}).*\/(docker[-/]|kubepods|libpod-|crio-|cri-containerd-)/),
  },
  {
    id: 'nested-engine-storage', indicates: 'nested', weight: 5, source: '/proc/self/mountinfo',
    pattern: 'an engine\'s or kubelet\'s files served from inside another engine\'s volume (docker:dind, kind nodes mount /var as a volume)',
    reference: 'docker-library/docker dind Dockerfile VOLUME /var/lib/docker; kubernetes-sigs/kind pkg/cluster/internal/providers/docker/provision.go (--volume /var)',
    match: (f) => {
      // the outer daemon's data root is wherever --data-root put it (/var/lib/docker by
      // default; a private dockerd here keeps it elsewhere): the volume layout is the sign
      const e = findMount(f, (m) => /\/volumes\/[^/]+\/_data\/(containers\/[0-9a-f]{64}|lib\/(containerd|kubelet|docker)|docker)\//.test(m.root));
      return e ? `${e.mountPoint} from ${e.root}` : null;
    },
  },
  {
    id: 'nested-pid-namespace', indicates: 'nested', weight: 2, source: '/proc/self/status NSpid',
    pattern: 'pid namespace two or more levels below the /proc mount\'s', reference: 'proc_pid_status(5) NSpid',
    match: (f) => (f.process.nspid.known && f.process.nspid.value.length >= 3 ? `NSpid ${f.process.nspid.value.join(' ')}` : null),
  },

  // ---- bubblewrap- and unshare-style sandboxes: namespaces without an OCI runtime ----
  {
    id: 'bwrap-pid1', indicates: 'namespace-sandbox', weight: 5, source: '/proc/1/comm',
    pattern: 'PID 1 is bwrap (it stays as the reaper of its pid namespace)', reference: 'containers/bubblewrap bubblewrap.c (observed here)',
    match: (f) => has(pid1Comm(f) === 'bwrap', 'bwrap'),
  },
  {
    id: 'userns-small-map', indicates: 'namespace-sandbox', weight: 2, source: '/proc/self/uid_map',
    pattern: 'a user namespace mapping a single id, as unshare -r and bwrap --unshare-user do',
    reference: 'util-linux unshare(1); bubblewrap(1)',
    match: (f) => (f.namespaces.uidMap.known && f.namespaces.uidMap.value.length === 1 && f.namespaces.uidMap.value[0].count === 1 ? idMapText(f) : null),
  },
  {
    id: 'host-root-device', indicates: 'namespace-sandbox', weight: 2, source: '/proc/self/mountinfo',
    pattern: 'root is a whole block-device filesystem, as the host mounts it, while the pid namespace is private',
    reference: 'util-linux unshare(1): the mount namespace starts as a copy of the host\'s',
    match: (f) => {
      const r = rootMount(f);
      return r && r.root === '/' && /^\/dev\//.test(r.source) && nsInitial(f, 'pid') === false ? describeMount(r) : null;
    },
  },
  {
    id: 'no-oci-masking', indicates: 'namespace-sandbox', weight: -4, source: '/proc/self/mountinfo',
    pattern: 'OCI masked paths present (an OCI runtime, not a bare namespace tool)', reference: 'opencontainers/runtime-spec config-linux.md maskedPaths',
    match: ociMasking,
  },

  {
    id: 'no-oci-dev', indicates: 'namespace-sandbox', weight: -3, source: '/proc/self/mountinfo',
    pattern: 'the OCI runtime-spec /dev (an OCI runtime made it, not a bare namespace tool)',
    reference: 'moby oci/defaults.go DefaultLinuxSpec; runc libcontainer/specconv/example.go',
    match: ociDevMounts,
  },

  // ---- runc-class: an OCI runtime on the host kernel ----
  {
    id: 'oci-masked-paths', indicates: 'runc-class', weight: 3, source: '/proc/self/mountinfo',
    pattern: '/proc/kcore, /proc/keys, /proc/timer_list… masked', reference: 'moby oci/defaults.go; containerd oci/spec.go (maskedPaths)',
    match: ociMasking,
  },
  {
    id: 'oci-dev-mounts', indicates: 'runc-class', weight: 3, source: '/proc/self/mountinfo',
    pattern: '/dev as the OCI runtime-spec defaults mount it: tmpfs mode=755,size=65536k, with /dev/pts ptmxmode=666, /dev/shm size=65536k or /dev/mqueue (present even when nothing is masked, as in a privileged container)',
    reference: 'moby oci/defaults.go DefaultLinuxSpec; runc libcontainer/specconv/example.go; containerd oci defaults (observed here under Docker 20.10 with runc 1.1.5, --privileged included, and under crun 1.8.1)',
    match: ociDevMounts,
  },
  {
    id: 'engine-mount-sources', indicates: 'runc-class', weight: 3, source: '/proc/self/mountinfo',
    pattern: 'hostname/hosts/resolv.conf bind-mounted from an engine\'s container directory',
    reference: 'signals.md §0.7 (Datadog agent mountinfo parsing)',
    match: (f) => {
      const e = findMount(f, (m) => /\/(docker\/containers|io\.containerd\.grpc\.v1\.cri\/sandboxes|overlay-containers|kubelet\/pods)\//.test(m.root + m.source));
      return e ? `${e.mountPoint} from ${e.root}` : null;
    },
  },
  {
    id: 'engine-cgroup-path', indicates: 'runc-class', weight: 3, source: '/proc/self/cgroup',
    pattern: 'docker, libpod, crio, containerd or kubepods cgroup', reference: 'signals.md §4.5–4.7',
    // a path segment an engine names, not the word anywhere: a cgroup an operator named
    // "…-docker-default-…" (observed here under crun 1.8.1 with the matrix's own cgroup names) is no engine's
    match: (f) => cgroupPathMatching(f, ENGINE_CGROUP_SEGMENT),
  },
  {
    id: 'oci-mask-runc', indicates: 'runc-class', weight: 0, source: '/proc/self/mountinfo',
    pattern: 'masked /proc files are binds of the container\'s own /dev/null (the device of its /dev; in a user namespace of its own, a copy of its /dev/null mount: same device, root and flags): runc masks after pivot_root, so the OCI runtime is runc (informational: it names the runtime, it adds nothing to the class)',
    reference: 'opencontainers/runc libcontainer/rootfs_linux.go maskPath (binds "/dev/null" inside the new root) and createDevices (binds the host\'s device nodes in a user namespace); observed here under runc 1.1.5 (Debian 12), while crun 1.8.1 under the same bundle binds its own',
    match: (f) => {
      const m = maskedFileOrigin(f);
      if (!m?.fromContainerDev) return null;
      return m.devNull
        ? `${m.masked.mountPoint} from ${m.masked.device} ${m.masked.root} ${m.masked.options.join(',')} = the container's /dev/null mount (${m.devNull.device} ${m.devNull.root} ${m.devNull.options.join(',')})`
        : `${m.masked.mountPoint} from ${m.masked.device} ${m.masked.root} = the container's /dev (${m.dev!.device} ${m.dev!.fsType})`;
    },
  },
  {
    id: 'oci-mask-crun', indicates: 'runc-class', weight: 0, source: '/proc/self/mountinfo',
    pattern: 'masked /proc files are binds of a /dev/null from outside the container (another device than its /dev; in a user namespace of its own, not a copy of its /dev/null mount): crun masks from the runtime\'s side, so the OCI runtime is crun or another runtime that does the same (sysbox-runc does) — informational, it adds nothing to the class',
    reference: 'containers/crun src/libcrun/linux.c do_masked_and_readonly_paths (binds "/dev/null" before the pivot, then remounts it read-only); observed here under crun 1.8.1 (Debian 12), while runc 1.1.5 under the same bundle binds the container\'s own',
    match: (f) => {
      const m = maskedFileOrigin(f);
      if (!m || m.fromContainerDev) return null;
      return m.devNull
        ? `${m.masked.mountPoint} from ${m.masked.device} ${m.masked.fsType} ${m.masked.source} ${m.masked.root} ${m.masked.options.join(',')}, not a copy of the container's /dev/null mount (${m.devNull.device} ${m.devNull.root} ${m.devNull.options.join(',')})`
        : `${m.masked.mountPoint} from ${m.masked.device} ${m.masked.fsType} ${m.masked.source} ${m.masked.root}, not the container's /dev (${m.dev!.device} ${m.dev!.fsType})`;
    },
  },
  {
    id: 'overlay-root', indicates: 'runc-class', weight: 2, source: '/proc/self/mountinfo',
    pattern: 'root is an overlay with lowerdir/upperdir (image layers)', reference: 'moby daemon/graphdriver/overlay2',
    match: (f) => {
      const r = rootMount(f);
      return r && r.fsType === 'overlay' && r.superOptions.some((o) => o.startsWith('lowerdir=')) ? 'overlay root with image layers' : null;
    },
  },
  {
    id: 'private-namespaces', indicates: 'runc-class', weight: 2, source: '/proc/self/ns/*',
    pattern: 'pid, mnt, uts and ipc namespaces of its own', reference: 'opencontainers/runtime-spec config-linux.md namespaces',
    match: (f) => (['pid', 'uts', 'ipc'].every((t) => nsInitial(f, t as 'pid') === false) && nsInitial(f, 'mnt') !== true ? nsSummary(f, ['pid', 'mnt', 'uts', 'ipc'], false) : null),
  },
  {
    id: 'dockerenv', indicates: 'runc-class', weight: 1, source: '/.dockerenv',
    pattern: 'file exists (weak: images carry it)', reference: 'systemd src/basic/virt.c checks it last for that reason',
    match: (f) => has(f.markers.dockerenv.known && f.markers.dockerenv.value, '/.dockerenv exists'),
  },
  {
    id: 'containerenv', indicates: 'runc-class', weight: 1, source: '/run/.containerenv',
    pattern: 'file exists (weak: Podman and CRI-O both create it)', reference: 'containers/podman PR #533; cri-o PR #5463',
    match: (f) => has(f.markers.containerenv.known, '/run/.containerenv exists'),
  },
  {
    id: 'env-container-oci', indicates: 'runc-class', weight: 2, source: 'env container',
    pattern: 'container=docker, podman, oci or crio', reference: 'systemd src/basic/virt.c; virt-what',
    match: (f) => (/^(docker|podman|oci|crio)$/.test(envContainer(f) ?? '') ? `container=${envContainer(f)}` : null),
  },

  // ---- no container: the kernel's own initial namespaces ----
  {
    id: 'initial-pid-ns', indicates: 'none', weight: 3, source: '/proc/self/ns/pid',
    pattern: 'the kernel\'s initial pid namespace (inode 0xEFFFFFFC)', reference: 'linux include/linux/proc_ns.h',
    match: (f) => (nsInitial(f, 'pid') === true ? nsSummary(f, ['pid'], true) : null),
  },
  {
    id: 'initial-mnt-ns', indicates: 'none', weight: 3, source: '/proc/self/ns/mnt',
    pattern: 'the kernel\'s initial mount namespace (fixed inode on recent kernels)', reference: 'linux include/linux/proc_ns.h (observed on 6.18)',
    match: (f) => (nsInitial(f, 'mnt') === true ? nsSummary(f, ['mnt'], true) : null),
  },
  {
    id: 'initial-other-ns', indicates: 'none', weight: 2, source: '/proc/self/ns/*',
    pattern: 'user, uts, ipc and cgroup namespaces all initial', reference: 'linux include/linux/proc_ns.h',
    match: (f) => (['user', 'uts', 'ipc', 'cgroup'].every((t) => nsInitial(f, t as 'user') === true) ? nsSummary(f, ['user', 'uts', 'ipc', 'cgroup'], true) : null),
  },
  {
    id: 'private-pid-ns', indicates: 'none', weight: -4, source: '/proc/self/ns/pid',
    pattern: 'a pid namespace of its own', reference: 'linux include/linux/proc_ns.h',
    match: (f) => (nsInitial(f, 'pid') === false && !(f.markers.gvisorFiles.length) ? nsSummary(f, ['pid'], false) : null),
  },
  {
    id: 'private-mnt-ns', indicates: 'none', weight: -3, source: '/proc/self/ns/mnt',
    pattern: 'a mount namespace of its own', reference: 'linux include/linux/proc_ns.h',
    match: (f) => (nsInitial(f, 'mnt') === false ? nsSummary(f, ['mnt'], false) : null),
  },
];
