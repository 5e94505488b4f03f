// Namespaces by inode. The kernel gives the initial namespaces fixed inode numbers
// (include/linux/proc_ns.h), so "same as the host" can be told from inside without /proc/1.
import type { Host } from '../readers/host.js';
import { type Fact, invalid, known, parseRead, safeInt, unknown } from './fact.js';
import { kernelAtLeast, parseKernelVersion } from './syscalls/table.js';

export const NAMESPACE_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];

/** include/linux/proc_ns.h; mnt and net got fixed numbers only in recent kernels (seen on 6.18). */
export const INIT_NAMESPACE_INODES: Record<NamespaceType, number> = {
  ipc: 0xefffffff, uts: 0xeffffffe, user: 0xeffffffd, pid: 0xeffffffc,
  cgroup: 0xeffffffb, time: 0xeffffffa, net: 0xeffffff9, mnt: 0xeffffff8,
};

export interface NamespaceEntry {
  inode: number;
  /** true: the kernel's initial namespace (shared with the host, on a shared kernel);
   *  false: a namespace of its own; null: this kernel gives no fixed number for this type */
  isInitial: boolean | null;
}

export interface IdMapLine { inside: number; outside: number; count: number }

export interface NamespaceFacts {
  entries: Record<NamespaceType, Fact<NamespaceEntry>>;
  uidMap: Fact<IdMapLine[]>;
  gidMap: Fact<IdMapLine[]>;
  setgroups: Fact<string>;
  /** the identity map 0 0 4294967295 means no user namespace of our own */
  inUserNamespace: Fact<boolean>;
}

export function parseNsLink(link: string, type: NamespaceType): number | null {
  const m = /^([a-z_]+):\[(\d+)\]$/.exec(link.trim());
  return m && m[1] === type ? safeInt(m[2]) : null;
}

/** The first release whose initial mnt and net namespaces have the fixed numbers: this machine's
 *  6.18 kernel shows net:[4026531833] (0xeffffff9) and mnt:[4026531832] (0xeffffff8) for them. */
export const FIXED_MNT_NET_SINCE = '6.18';

/** `release`: the running kernel's uname release, where known; from 6.18 on a number other than
 *  the fixed one is a namespace of its own for mnt and net too. */
export function judgeInode(type: NamespaceType, inode: number, release?: string): boolean | null {
  if (inode === INIT_NAMESPACE_INODES[type]) return true;
  // mnt and net had dynamically allocated inodes before they were given fixed ones; a
  // different number then says nothing, unless the kernel is one that gives the fixed ones.
  if (type === 'mnt' || type === 'net') return (inode >= 0xeffffff0 && inode <= 0xefffffff) || fixedMntNet(release) ? false : null;
  return false;
}

function fixedMntNet(release: string | undefined): boolean {
  const v = parseKernelVersion(release);
  return v !== null && kernelAtLeast(v, FIXED_MNT_NET_SINCE);
}

export function parseIdMap(text: string): IdMapLine[] | ReturnType<typeof invalid> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return invalid('empty map');
  const out: IdMapLine[] = [];
  for (const l of lines) {
    const p = l.split(/\s+/);
    const n = p.map(safeInt);
    if (p.length !== 3 || !n.every((x): x is number => x !== null && x >= 0)) return invalid(`bad line "${l.slice(0, 60)}"`);
    out.push({ inside: n[0], outside: n[1], count: n[2] });
  }
  return out;
}

/** A map as the kernel writes it, one "inside outside count" line each, joined by "; ". */
export const idMapLinesText = (m: IdMapLine[]): string => m.map((l) => `${l.inside} ${l.outside} ${l.count}`).join('; ');

export const isIdentityMap = (m: IdMapLine[]) =>
  m.length === 1 && m[0].inside === 0 && m[0].outside === 0 && m[0].count === 4294967295;

/** The namespace links of the process `proc` names: /proc/self or /proc/PID. */
export function probeNamespaceLinks(host: Host, proc = '/proc/self'): NamespaceFacts['entries'] {
  const entries = {} as NamespaceFacts['entries'];
  const release = host.uname().release;
  for (const type of NAMESPACE_TYPES) {
    const path = `${proc}/ns/${type}`;
    const link = host.readLink(path);
    if (!link.ok) {
      entries[type] = unknown(link.error.message, path);
      continue;
    }
    const inode = parseNsLink(link.value, type);
    entries[type] =
      inode === null
        ? unknown(`${path} points at "${link.value.slice(0, 60)}"`, path)
        : known({ inode, isInitial: judgeInode(type, inode, release) }, path);
  }
  return entries;
}

export function probeNamespaces(host: Host): NamespaceFacts {
  const entries = probeNamespaceLinks(host);
  const uidMap = parseRead(host.readFile('/proc/self/uid_map'), '/proc/self/uid_map', parseIdMap);
  const gidMap = parseRead(host.readFile('/proc/self/gid_map'), '/proc/self/gid_map', parseIdMap);
  const setgroups = parseRead(host.readFile('/proc/self/setgroups'), '/proc/self/setgroups', (t) => t.trim() || invalid('empty'));
  const inUserNamespace: Fact<boolean> = entries.user.known && entries.user.value.isInitial !== null
    ? known(!entries.user.value.isInitial, entries.user.source)
    : uidMap.known
      ? known(!isIdentityMap(uidMap.value) || (setgroups.known && setgroups.value === 'deny'), uidMap.source)
      : unknown('neither the user namespace inode nor uid_map could be read', '/proc/self/uid_map');
  return { entries, uidMap, gidMap, setgroups, inUserNamespace };
}
