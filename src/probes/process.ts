// The process's own credentials and confinement, from /proc/self/status. Which lines are
// missing matters too: gVisor prints no NoNewPrivs, Seccomp_filters or NSpid.
import type { Host } from '../readers/host.js';
import { decodeCapabilityMask } from './capabilities.js';
import { type Fact, Invalid, invalid, known, safeInt, unknown } from './fact.js';

export type CapabilitySet = 'inheritable' | 'permitted' | 'effective' | 'bounding' | 'ambient';
const CAP_LINES: Record<CapabilitySet, string> = {
  inheritable: 'CapInh', permitted: 'CapPrm', effective: 'CapEff', bounding: 'CapBnd', ambient: 'CapAmb',
};

/** one capability set: the hex as printed, the mask, and the names of its bits */
export interface CapabilityMask { hex: string; mask: string; names: string[] }
export interface Ids { real: number; effective: number; saved: number; filesystem: number }
export type SeccompMode = 'disabled' | 'strict' | 'filtering';

export interface ProcessFacts {
  uid: Fact<Ids>;
  gid: Fact<Ids>;
  groups: Fact<number[]>;
  noNewPrivs: Fact<boolean>;
  seccomp: Fact<SeccompMode>;
  seccompFilters: Fact<number>;
  /** pid as seen from each pid namespace, outermost first (NSpid): depth > 1 means nested */
  nspid: Fact<number[]>;
  tracerPid: Fact<number>;
  capabilities: Record<CapabilitySet, Fact<CapabilityMask>>;
  /** status lines a Linux kernel of this age prints but this one did not */
  missingLines: Fact<string[]>;
  /** the container's first process: under gVisor (runsc 20221219) a process started by
   *  `docker exec` / `kubectl exec` does not run under the filter its container's PID 1 has */
  pid1Seccomp: Fact<Pid1Seccomp>;
}

export interface Pid1Seccomp { mode: SeccompMode; filters: number | null }

/** Parses "Key:\tvalue" lines; the first occurrence of a key wins (duplicates are garbage). */
export function parseStatusLines(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    if (!map.has(key)) map.set(key, line.slice(i + 1).trim());
  }
  return map;
}

/** a Map, not an object literal: a line like "Seccomp: toString" must not find a prototype member */
const SECCOMP_MODES = new Map<string, SeccompMode>([['0', 'disabled'], ['1', 'strict'], ['2', 'filtering']]);

const SEEN_ON_MODERN_LINUX = ['NoNewPrivs', 'Seccomp', 'Seccomp_filters', 'NSpid', 'CapAmb', 'Umask'];

function field<T>(lines: Map<string, string> | Invalid, key: string, parse: (v: string) => T | null): Fact<T> {
  const source = `/proc/self/status ${key}`;
  if (lines instanceof Invalid) return unknown(lines.reason, source);
  const raw = lines.get(key);
  if (raw === undefined) return unknown(`/proc/self/status has no ${key} line`, source);
  const v = parse(raw);
  return v === null ? unknown(`/proc/self/status ${key} is unparseable: "${raw.slice(0, 80)}"`, source) : known(v, source);
}

const int = safeInt;
const ints = (s: string): number[] | null => {
  const parts = s.split(/\s+/).filter(Boolean);
  const nums = parts.map(int);
  return nums.every((n): n is number => n !== null && n >= 0) ? nums : null;
};
const ids = (s: string): Ids | null => {
  const n = ints(s);
  return n && n.length === 4 ? { real: n[0], effective: n[1], saved: n[2], filesystem: n[3] } : null;
};

export function parseProcessStatus(text: string | Invalid): Omit<ProcessFacts, 'pid1Seccomp'> {
  const lines = text instanceof Invalid ? text : text.trim() === '' ? invalid('empty') : parseStatusLines(text);
  const caps = {} as ProcessFacts['capabilities'];
  for (const [set, key] of Object.entries(CAP_LINES) as [CapabilitySet, string][]) {
    caps[set] = field(lines, key, (v) => {
      const d = decodeCapabilityMask(v);
      return d ? { hex: v, mask: '0x' + d.mask.toString(16), names: d.names } : null;
    });
  }
  return {
    uid: field(lines, 'Uid', ids),
    gid: field(lines, 'Gid', ids),
    groups: field(lines, 'Groups', (v) => (v === '' ? [] : ints(v))),
    noNewPrivs: field(lines, 'NoNewPrivs', (v) => (v === '0' ? false : v === '1' ? true : null)),
    seccomp: field(lines, 'Seccomp', (v) => SECCOMP_MODES.get(v) ?? null),
    seccompFilters: field(lines, 'Seccomp_filters', int),
    nspid: field(lines, 'NSpid', (v) => {
      const n = ints(v);
      return n && n.length > 0 ? n : null;
    }),
    tracerPid: field(lines, 'TracerPid', int),
    capabilities: caps,
    missingLines:
      lines instanceof Invalid
        ? unknown(lines.reason, '/proc/self/status')
        : known(SEEN_ON_MODERN_LINUX.filter((k) => !lines.has(k)), '/proc/self/status'),
  };
}

export function parsePid1Seccomp(text: string | Invalid): Fact<Pid1Seccomp> {
  const source = '/proc/1/status Seccomp';
  if (text instanceof Invalid) return unknown(text.reason, source);
  const lines = parseStatusLines(text);
  const raw = lines.get('Seccomp');
  if (raw === undefined) return unknown('/proc/1/status has no Seccomp line', source);
  const mode = SECCOMP_MODES.get(raw);
  if (!mode) return unknown(`/proc/1/status Seccomp is unparseable: "${raw.slice(0, 80)}"`, source);
  const filters = lines.has('Seccomp_filters') ? int(lines.get('Seccomp_filters')!) : null;
  return known({ mode, filters }, source);
}

export function probeProcess(host: Host): ProcessFacts {
  const read = host.readFile('/proc/self/status');
  const pid1 = host.readFile('/proc/1/status');
  return {
    ...parseProcessStatus(read.ok ? read.value : invalid(read.error.message)),
    pid1Seccomp: parsePid1Seccomp(pid1.ok ? pid1.value : invalid(pid1.error.message)),
  };
}
