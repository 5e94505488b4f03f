// Small, pure accessors over facts, so that each signal row in the tables reads as one line.
// Each returns the observed value (a string to quote as evidence) or null.
import type { Facts } from '../probes/index.js';
import type { MountEntry } from '../probes/mounts.js';
import { idMapLinesText, type NamespaceType } from '../probes/namespaces.js';

export const mountEntries = (f: Facts): MountEntry[] => (f.mounts.entries.known ? f.mounts.entries.value : []);
export const cmdlineTokens = (f: Facts): string[] => (f.kernel.cmdline.known ? f.kernel.cmdline.value.tokens : []);
export const cmdline = (f: Facts): string => (f.kernel.cmdline.known ? f.kernel.cmdline.value.raw : '');

export function cmdlineHas(f: Facts, re: RegExp): string | null {
  const hits = cmdlineTokens(f).filter((t) => re.test(t));
  return hits.length ? hits.join(' ') : null;
}

export function findMount(f: Facts, pred: (e: MountEntry) => boolean): MountEntry | null {
  return mountEntries(f).find(pred) ?? null;
}

export const describeMount = (e: MountEntry) => `${e.source} on ${e.mountPoint} type ${e.fsType}${e.root !== '/' ? ` (root ${e.root})` : ''}`;

export function rootMount(f: Facts): MountEntry | null {
  return f.mounts.root.known ? f.mounts.root.value : null;
}

/** null when unknown, else whether the namespace is the kernel's initial one */
export function nsInitial(f: Facts, t: NamespaceType): boolean | null {
  const e = f.namespaces.entries[t];
  return e.known ? e.value.isInitial : null;
}

export function nsSummary(f: Facts, types: NamespaceType[], wantInitial: boolean): string | null {
  const matching = types.filter((t) => nsInitial(f, t) === wantInitial);
  return matching.length ? matching.map((t) => `${t}:[${(f.namespaces.entries[t] as { value: { inode: number } }).value.inode}]`).join(' ') : null;
}

export const cgroupPaths = (f: Facts): string[] => [
  ...(f.cgroups.lines.known ? f.cgroups.lines.value.map((l) => l.path) : []),
  ...(f.cgroups.pid1Lines.known ? f.cgroups.pid1Lines.value.map((l) => l.path) : []),
];

export function cgroupPathMatching(f: Facts, re: RegExp): string | null {
  return cgroupPaths(f).find((p) => re.test(p)) ?? null;
}

export const envContainer = (f: Facts): string | null =>
  f.markers.envContainer.known ? f.markers.envContainer.value : f.markers.pid1Container.known ? f.markers.pid1Container.value : null;

export const pid1Comm = (f: Facts): string | null => (f.markers.pid1Comm.known ? f.markers.pid1Comm.value : null);

export const uname = (f: Facts) => (f.kernel.uname.known ? f.kernel.uname.value : null);

export function dmi(f: Facts, field: keyof Facts['platform']['dmi']): string | null {
  const d = f.platform.dmi[field];
  return d.known ? d.value : null;
}

/** OCI runtimes (runc, crun, kata-agent's rustjail, youki) mask these /proc paths (runtime-spec config-linux.md maskedPaths / readonlyPaths defaults of Docker and containerd). */
export const OCI_MASKED_PATHS = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/proc/acpi'];

export function ociMasking(f: Facts): string | null {
  const masked = mountEntries(f).filter((e) => OCI_MASKED_PATHS.includes(e.mountPoint)).map((e) => e.mountPoint);
  return masked.length >= 2 ? `masked: ${[...new Set(masked)].join(', ')}` : null;
}

/** an id map that is not the identity map: a user namespace of our own */
export function idMapText(f: Facts): string | null {
  if (!f.namespaces.uidMap.known) return null;
  return idMapLinesText(f.namespaces.uidMap.value);
}

/** Files OCI runtimes mask by binding /dev/null over them (Docker's and containerd's defaults). */
export const OCI_MASKED_FILES = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/latency_stats', '/proc/timer_stats'];

/**
 * Where the /dev/null bound over a masked /proc file comes from: the container's own /dev/null
 * (runc binds "/dev/null" after pivot_root) or from outside (crun binds the runtime's, before).
 * Runc's bind is a copy of the container's /dev/null, so it carries that node's mount:
 * - a node on the container's /dev tmpfs (runc mknods it): the /dev mount's device;
 * - in a user namespace of the container's own, where mknod is refused, a bind of the host's
 *   /dev/null (runc binds every device node then): a mount at /dev/null, whose device, root and
 *   per-mount flags the masked file's bind repeats. crun binds the host's /dev/null there too (the
 *   same device and root) but remounts its masks read-only, so its flags differ.
 * null when no masked file is a /dev/null bind or the container has no /dev mount.
 */
export function maskedFileOrigin(f: Facts): { masked: MountEntry; dev: MountEntry | null; devNull: MountEntry | null; fromContainerDev: boolean } | null {
  const es = mountEntries(f);
  const masked = es.find((e) => OCI_MASKED_FILES.includes(e.mountPoint) && e.root === '/null');
  const dev = [...es].reverse().find((e) => e.mountPoint === '/dev') ?? null;
  if (!masked || !dev) return null;
  const devNull = [...es].reverse().find((e) => e.mountPoint === '/dev/null') ?? null;
  if (devNull) {
    const same = masked.device === devNull.device && masked.root === devNull.root &&
      [...masked.options].sort().join(',') === [...devNull.options].sort().join(',');
    return { masked, dev, devNull, fromContainerDev: same };
  }
  return { masked, dev, devNull: null, fromContainerDev: masked.device === dev.device };
}

/**
 * The /dev an OCI runtime mounts from the runtime-spec defaults every engine copies (moby
 * oci/defaults.go DefaultLinuxSpec, runc libcontainer/specconv example.go, containerd oci
 * mounts): /dev tmpfs mode=755,size=65536k; /dev/pts devpts newinstance,ptmxmode=0666; /dev/shm
 * tmpfs size=65536k; /dev/mqueue. It stays in a privileged container (nothing masked), and
 * neither bubblewrap, unshare, nspawn, LXC nor gVisor mounts it so (observed here: bwrap's /dev
 * tmpfs has no size, nspawn's is 4096k, LXC's 492k, gVisor's has mode=0755 only). The /dev mount
 * with both options and at least two of the other three.
 */
export function ociDevMounts(f: Facts): string | null {
  const es = mountEntries(f);
  const last = (mp: string) => [...es].reverse().find((e) => e.mountPoint === mp) ?? null;
  const dev = last('/dev');
  if (!dev || dev.fsType !== 'tmpfs' || !dev.superOptions.includes('size=65536k') || !dev.superOptions.includes('mode=755')) return null;
  const parts = ['/dev tmpfs size=65536k,mode=755'];
  const pts = last('/dev/pts');
  if (pts?.fsType === 'devpts' && pts.superOptions.includes('ptmxmode=666')) parts.push('/dev/pts ptmxmode=666');
  const shm = last('/dev/shm');
  if (shm?.fsType === 'tmpfs' && shm.superOptions.includes('size=65536k')) parts.push('/dev/shm size=65536k');
  if (last('/dev/mqueue')?.fsType === 'mqueue') parts.push('/dev/mqueue');
  return parts.length >= 3 ? parts.join(', ') : null;
}
