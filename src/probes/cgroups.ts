// cgroups: which hierarchy (v1, v2, hybrid), our own paths, and the memory and cpu limits
// that apply. Under a private cgroup namespace the v2 path is just "/" — the engine must then
// be read from mountinfo instead (see the classifier).
import type { Host } from '../readers/host.js';
import { type Fact, Invalid, invalid, known, parseRead, safeInt, unknown } from './fact.js';
import type { MountEntry } from './mounts.js';

export interface CgroupLine { id: string; controllers: string[]; path: string }
export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface CgroupFacts {
  lines: Fact<CgroupLine[]>;
  pid1Lines: Fact<CgroupLine[]>;
  mode: Fact<CgroupMode>;
  /** bytes, or null for "max" (no limit) */
  memoryLimit: Fact<number | null>;
  /** CPUs worth of quota, or null for no limit */
  cpuLimit: Fact<number | null>;
}

export function parseCgroupFile(text: string): CgroupLine[] | Invalid {
  const out: CgroupLine[] = [];
  for (const l of text.split('\n')) {
    // s flag: a cgroup name may hold \r or U+2028, which . would not match
    const m = /^(\d+):([^:]*):(.*)$/s.exec(l.replace(/^\s+/, '').replace(/[ \t\r]+$/, ''));
    if (m) out.push({ id: m[1], controllers: m[2] ? m[2].split(',') : [], path: m[3] });
  }
  return out.length ? out : invalid('no cgroup line');
}

export function cgroupMode(entries: MountEntry[]): CgroupMode | null {
  const v2 = entries.some((e) => e.fsType === 'cgroup2');
  const v1 = entries.some((e) => e.fsType === 'cgroup');
  return v1 && v2 ? 'hybrid' : v2 ? 'v2' : v1 ? 'v1' : null;
}

const PAGE_COUNTER_MAX = 2n ** 63n - 4096n; // v1 "unlimited" is LONG_MAX rounded to a page

export function parseMemoryLimit(text: string): number | null | Invalid {
  const t = text.trim();
  if (t === 'max') return null;
  if (!/^\d+$/.test(t)) return invalid(`not a byte count: "${t.slice(0, 40)}"`);
  // above 2^53 bytes (8 PiB) no real limit exists: that is the kernel's "unlimited" rounded
  return BigInt(t) >= PAGE_COUNTER_MAX || !Number.isSafeInteger(Number(t)) ? null : Number(t);
}

/** cpu.max is "QUOTA PERIOD" (v2); v1 gives quota and period in two files. */
export function cpuQuota(quota: string, period: string): number | null | Invalid {
  if (quota.trim() === 'max' || quota.trim() === '-1') return null;
  // decimal digits only: Number() would read "" as 0 and "0x10" as 16
  const q = /^\d+$/.test(quota.trim()) ? safeInt(quota.trim()) : null;
  const p = /^\d+$/.test(period.trim()) ? safeInt(period.trim()) : null;
  if (q === null || p === null || p <= 0) return invalid(`bad quota "${quota.slice(0, 40)}" / period "${period.slice(0, 40)}"`);
  return Math.round((q / p) * 1000) / 1000;
}

export function probeCgroups(host: Host, mounts: Fact<MountEntry[]>): CgroupFacts {
  const lines = parseRead(host.readFile('/proc/self/cgroup'), '/proc/self/cgroup', parseCgroupFile);
  const pid1Lines = parseRead(host.readFile('/proc/1/cgroup'), '/proc/1/cgroup', parseCgroupFile);
  const modeValue = mounts.known ? cgroupMode(mounts.value) : null;
  const mode: Fact<CgroupMode> = modeValue
    ? known(modeValue, '/proc/self/mountinfo')
    : unknown(mounts.known ? 'no cgroup filesystem is mounted' : mounts.reason, '/proc/self/mountinfo');

  // The limits that bind us are those of our own cgroup; inside a cgroup namespace that is the
  // mounted root. Find the mount point of each hierarchy from mountinfo.
  const mountOf = (pred: (e: MountEntry) => boolean) => (mounts.known ? mounts.value.find(pred)?.mountPoint : undefined);
  const v2 = mountOf((e) => e.fsType === 'cgroup2');
  const v1mem = mountOf((e) => e.fsType === 'cgroup' && e.superOptions.includes('memory'));
  const v1cpu = mountOf((e) => e.fsType === 'cgroup' && e.superOptions.includes('cpu'));
  const v2path = lines.known ? lines.value.find((l) => l.id === '0')?.path ?? '/' : '/';
  const ownDir = (mp: string, controller: string | null) => {
    const l = lines.known ? lines.value.find((x) => (controller ? x.controllers.includes(controller) : x.id === '0')) : undefined;
    const rel = l?.path ?? v2path;
    // a path we cannot see (outside our cgroup namespace) reads as the mount root
    const candidate = `${mp}${rel === '/' ? '' : rel}`;
    return host.stat(candidate).ok ? candidate : mp;
  };

  let memoryLimit: Fact<number | null> = unknown('no memory controller mounted', '/sys/fs/cgroup');
  let cpuLimit: Fact<number | null> = unknown('no cpu controller mounted', '/sys/fs/cgroup');
  if (v1mem) {
    const p = `${ownDir(v1mem, 'memory')}/memory.limit_in_bytes`;
    memoryLimit = parseRead(host.readFile(p), p, parseMemoryLimit);
  } else if (v2) {
    const p = `${ownDir(v2, null)}/memory.max`;
    memoryLimit = parseRead(host.readFile(p), p, parseMemoryLimit);
  }
  if (v1cpu) {
    const dir = ownDir(v1cpu, 'cpu');
    const q = host.readFile(`${dir}/cpu.cfs_quota_us`), per = host.readFile(`${dir}/cpu.cfs_period_us`);
    cpuLimit = !q.ok ? unknown(q.error.message, q.error.path) : !per.ok ? unknown(per.error.message, per.error.path)
      : wrap(cpuQuota(q.value, per.value), `${dir}/cpu.cfs_quota_us`);
  } else if (v2) {
    const p = `${ownDir(v2, null)}/cpu.max`;
    cpuLimit = parseRead(host.readFile(p), p, (t) => {
      const [q, per] = t.trim().split(/\s+/);
      return cpuQuota(q ?? '', per ?? '100000');
    });
  }
  return { lines, pid1Lines, mode, memoryLimit, cpuLimit };
}

function wrap<T>(v: T | Invalid, source: string): Fact<T> {
  return v instanceof Invalid ? unknown(`${source}: ${v.reason}`, source) : known(v, source);
}
