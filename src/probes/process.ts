// A process's credentials and confinement, from its status file: the tool's own
// (/proc/self/status), or the workload's (/proc/PID/status, probes/workload.ts). Which lines are
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
  /** its pid in its own pid namespace */
  pid: Fact<number>;
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
}

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
/** /proc/PID/status Seccomp, and prctl(PR_GET_SECCOMP)'s answer, by number */
export const SECCOMP_MODES = new Map<string, SeccompMode>([['0', 'disabled'], ['1', 'strict'], ['2', 'filtering']]);

const SEEN_ON_MODERN_LINUX = ['NoNewPrivs', 'Seccomp', 'Seccomp_filters', 'NSpid', 'CapAmb', 'Umask'];

function field<T>(lines: Map<string, string> | Invalid, path: string, key: string, parse: (v: string) => T | null): Fact<T> {
  const source = `${path} ${key}`;
  if (lines instanceof Invalid) return unknown(lines.reason, source);
  const raw = lines.get(key);
  if (raw === undefined) return unknown(`${path} has no ${key} line`, source);
  const v = parse(raw);
  return v === null ? unknown(`${path} ${key} is unparseable: "${raw.slice(0, 80)}"`, source) : known(v, source);
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

/** One process's status file: `path` is /proc/self/status (the tool's own) or /proc/PID/status. */
export function parseProcessStatus(text: string | Invalid, path = '/proc/self/status'): ProcessFacts {
  const lines = text instanceof Invalid ? text : text.trim() === '' ? invalid('empty') : parseStatusLines(text);
  const caps = {} as ProcessFacts['capabilities'];
  for (const [set, key] of Object.entries(CAP_LINES) as [CapabilitySet, string][]) {
    caps[set] = field(lines, path, key, (v) => {
      const d = decodeCapabilityMask(v);
      return d ? { hex: v, mask: '0x' + d.mask.toString(16), names: d.names } : null;
    });
  }
  return {
    pid: field(lines, path, 'Pid', int),
    uid: field(lines, path, 'Uid', ids),
    gid: field(lines, path, 'Gid', ids),
    groups: field(lines, path, 'Groups', (v) => (v === '' ? [] : ints(v))),
    noNewPrivs: field(lines, path, 'NoNewPrivs', (v) => (v === '0' ? false : v === '1' ? true : null)),
    seccomp: field(lines, path, 'Seccomp', (v) => SECCOMP_MODES.get(v) ?? null),
    seccompFilters: field(lines, path, 'Seccomp_filters', int),
    nspid: field(lines, path, 'NSpid', (v) => {
      const n = ints(v);
      return n && n.length > 0 ? n : null;
    }),
    tracerPid: field(lines, path, 'TracerPid', int),
    capabilities: caps,
    missingLines:
      lines instanceof Invalid
        ? unknown(lines.reason, path)
        : known(SEEN_ON_MODERN_LINUX.filter((k) => !lines.has(k)), path),
  };
}

/** The status of the process that `proc` names: /proc/self (the tool's own) or /proc/PID. */
export function probeProcess(host: Host, proc = '/proc/self'): ProcessFacts {
  const path = `${proc}/status`;
  const read = host.readFile(path);
  return parseProcessStatus(read.ok ? read.value : invalid(read.error.message), path);
}
