// The mount table (/proc/self/mountinfo) and what in it matters for isolation: the root
// filesystem, whether it is read-only, and mounts that reach the host.
import type { Host, StatInfo } from '../readers/host.js';
import { type Fact, Invalid, invalid, known, parseRead, safeInt, unknown } from './fact.js';

export interface MountEntry {
  id: number;
  parent: number;
  device: string; // major:minor
  root: string; // the path inside the source filesystem
  mountPoint: string;
  options: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

export interface SensitivePath { path: string; kind: string; detail: string }

export interface MountFacts {
  entries: Fact<MountEntry[]>;
  root: Fact<MountEntry>;
  readOnlyRoot: Fact<boolean>;
  procSysWritable: Fact<boolean>;
  sysWritable: Fact<boolean>;
  /** runtime sockets, host block devices, writable kernel interfaces */
  sensitive: SensitivePath[];
}

/** mountinfo escapes space, tab, newline and backslash as \ooo */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountEntry[] | Invalid {
  const out: MountEntry[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const dash = line.indexOf(' - ');
    if (dash < 0) { bad++; continue; }
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    const id = safeInt(left[0]), parent = safeInt(left[1]);
    if (left.length < 6 || right.length < 2 || id === null || parent === null || id < 0 || parent < 0) { bad++; continue; }
    out.push({
      id, parent, device: left[2],
      root: unescape(left[3]), mountPoint: unescape(left[4]), options: left[5].split(','),
      fsType: right[0], source: unescape(right[1] ?? ''), superOptions: (right[2] ?? '').split(',').filter(Boolean),
    });
  }
  if (out.length === 0) return invalid(bad ? `no parseable line (${bad} garbage lines)` : 'empty');
  return out;
}

/** The mount that covers a path: the last-mounted entry with the longest matching mount point. */
export function coveringMount(entries: MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const e of entries) {
    const mp = e.mountPoint;
    const covers = mp === '/' || path === mp || path.startsWith(mp.endsWith('/') ? mp : mp + '/');
    if (covers && (!best || mp.length >= best.mountPoint.length)) best = e;
  }
  return best;
}

export const isReadOnly = (e: MountEntry) => e.options.includes('ro');

/** Where engines and runtimes put their API sockets; a container that can reach one owns the host. */
export const RUNTIME_SOCKETS: readonly { path: string; what: string }[] = [
  { path: '/var/run/docker.sock', what: 'Docker API' },
  { path: '/run/docker.sock', what: 'Docker API' },
  { path: '/run/containerd/containerd.sock', what: 'containerd API' },
  { path: '/var/run/containerd/containerd.sock', what: 'containerd API' },
  { path: '/run/k3s/containerd/containerd.sock', what: 'k3s containerd API' },
  { path: '/var/run/crio/crio.sock', what: 'CRI-O API' },
  { path: '/run/crio/crio.sock', what: 'CRI-O API' },
  { path: '/run/podman/podman.sock', what: 'Podman API' },
  { path: '/var/run/cri-dockerd.sock', what: 'cri-dockerd API' },
  { path: '/run/buildkit/buildkitd.sock', what: 'BuildKit API' },
  { path: '/dev/lxd/sock', what: 'LXD guest API' },
  { path: '/dev/incus/sock', what: 'Incus guest API' },
];

const BLOCK_DEVICE_NAME = /^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+|dm-\d+|md\d+|hd[a-z]+)$/;

export function findSensitive(host: Host, entries: MountEntry[] | null): SensitivePath[] {
  const found: SensitivePath[] = [];
  const isSocket = (p: string): StatInfo | null => {
    const st = host.stat(p);
    return st.ok && st.value.type === 'socket' ? st.value : null;
  };
  for (const s of RUNTIME_SOCKETS) {
    if (isSocket(s.path)) found.push({ path: s.path, kind: 'runtime-socket', detail: s.what });
  }
  for (const e of entries ?? []) {
    // a socket bind-mounted at an unusual place still shows in mountinfo
    if (/\.sock$/.test(e.mountPoint) && !found.some((f) => f.path === e.mountPoint) && isSocket(e.mountPoint)) {
      found.push({ path: e.mountPoint, kind: 'runtime-socket', detail: `socket mounted from ${e.root}` });
    }
  }
  const dev = host.readDir('/dev');
  if (dev.ok) {
    for (const name of dev.value.filter((n) => BLOCK_DEVICE_NAME.test(n))) {
      const st = host.stat(`/dev/${name}`);
      if (st.ok && st.value.type === 'block') found.push({ path: `/dev/${name}`, kind: 'block-device', detail: 'host block device node' });
    }
  }
  for (const p of ['/dev/mem', '/dev/kmem', '/dev/port']) {
    const st = host.stat(p);
    if (st.ok && st.value.type === 'char') found.push({ path: p, kind: 'raw-memory', detail: 'physical memory device node' });
  }
  for (const e of entries ?? []) {
    // the whole of a host disk (root "/") mounted somewhere other than our own root
    if (e.mountPoint !== '/' && e.root === '/' && e.source.startsWith('/dev/') && /^\/dev\/(sd|vd|xvd|nvme|mmcblk|dm-|md)/.test(e.source)) {
      found.push({ path: e.mountPoint, kind: 'host-filesystem', detail: `${e.source} (${e.fsType}) mounted whole` });
    }
  }
  return found;
}

export function probeMounts(host: Host): MountFacts {
  const entries = parseRead(host.readFile('/proc/self/mountinfo'), '/proc/self/mountinfo', parseMountinfo);
  const derive = <T>(f: (es: MountEntry[]) => T | null, what: string): Fact<T> => {
    if (!entries.known) return unknown(entries.reason, entries.source);
    const v = f(entries.value);
    return v === null ? unknown(`${what}: not in mountinfo`, entries.source) : known(v, entries.source);
  };
  const root = derive((es) => coveringMount(es, '/'), 'root mount');
  const writable = (p: string) => derive((es) => {
    const m = coveringMount(es, p);
    return m ? !isReadOnly(m) : null;
  }, p);
  return {
    entries,
    root,
    readOnlyRoot: root.known ? known(isReadOnly(root.value), root.source) : root,
    procSysWritable: writable('/proc/sys'),
    sysWritable: writable('/sys'),
    sensitive: findSensitive(host, entries.known ? entries.value : null),
  };
}
