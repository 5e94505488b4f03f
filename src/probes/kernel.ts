// Kernel identity: uname, /proc/version, /proc/cmdline. The guest kernel of a VM sandbox and
// the fake kernel of gVisor both show here.
import type { Host, Uname } from '../readers/host.js';
import { type Fact, invalid, known, parseRead, safeInt, unknown } from './fact.js';

export interface Cmdline { raw: string; tokens: string[] }

/** gVisor's uname: a constant in every release (pkg/sentry/kernel/version, linux64.go at
 *  release-20221219.0:32-36), whatever the host runs. */
export const GVISOR_UNAME = { release: '4.4.0', version: '#1 SMP Sun Jan 10 15:06:54 PST 2016' } as const;

export interface KernelFacts {
  uname: Fact<Uname>;
  /** [major, minor, patch] parsed from the release, for "does this kernel have syscall X" */
  releaseNumbers: Fact<[number, number, number]>;
  procVersion: Fact<string>;
  cmdline: Fact<Cmdline>;
  /** /proc/sys/kernel/osrelease: WSL names itself here */
  osrelease: Fact<string>;
}

export function parseRelease(release: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  if (!m) return null;
  const nums = [safeInt(m[1]), safeInt(m[2]), safeInt(m[3] ?? '0')];
  return nums.every((n): n is number => n !== null) ? (nums as [number, number, number]) : null;
}

/** Splits a kernel command line; quoted values ("a b") stay one token, as the kernel parses them. */
export function parseCmdline(text: string): Cmdline {
  const raw = text.replace(/\0/g, ' ').trim();
  const tokens = raw.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return { raw, tokens };
}

const oneLine = (text: string) => {
  const line = text.split('\n')[0].trim();
  return line === '' ? invalid('empty') : line;
};

export function probeKernel(host: Host): KernelFacts {
  const u = host.uname();
  const uname: Fact<Uname> = u.release ? known(u, 'uname(2)') : unknown('uname(2) gave no release', 'uname(2)');
  const nums = parseRelease(u.release);
  return {
    uname,
    releaseNumbers: nums ? known(nums, 'uname(2)') : unknown(`release "${u.release}" has no version number`, 'uname(2)'),
    procVersion: parseRead(host.readFile('/proc/version'), '/proc/version', oneLine),
    cmdline: parseRead(host.readFile('/proc/cmdline'), '/proc/cmdline', (t) =>
      t.trim() === '' ? invalid('empty') : parseCmdline(t),
    ),
    osrelease: parseRead(host.readFile('/proc/sys/kernel/osrelease'), '/proc/sys/kernel/osrelease', oneLine),
  };
}

/**
 * Whose syscall interface answers: gVisor's sentry reports a constant uname (release 4.4.0 and
 * this version string whatever the host: pkg/sentry/kernel/version), so uname alone tells it.
 * null when uname is unknown. The syscall interpretation reads answers against gVisor's own
 * table when this says 'gvisor'.
 */
export function kernelInterfaceOf(uname: Fact<Uname>): 'gvisor' | 'linux' | null {
  if (!uname.known) return null;
  return isGvisorUname(uname.value) ? 'gvisor' : 'linux';
}

/** gVisor's constant uname: release 4.4.0 (or *-gvisor) with its fixed version string. The
 *  classifier's gvisor-uname signal and the syscall reading both ask this. */
export function isGvisorUname(u: Uname): boolean {
  return (u.release === GVISOR_UNAME.release || u.release.endsWith('-gvisor')) && u.version === GVISOR_UNAME.version;
}
