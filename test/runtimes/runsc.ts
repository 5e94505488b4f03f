// gVisor's runsc, two releases side by side:
// - runsc: Debian 12's 20221219 on the ptrace platform (kvm hangs on this machine's nested PVM
//   /dev/kvm); about 5 s a run;
// - runsc-2024: trixie's 20240729 (/opt/runsc-2024/runsc, installed by scripts/setup-runtimes.sh)
//   on systrap, the default platform since mid-2023, or the platform runscFlags name.
// --network=none: the default sandbox network needs iptables. The bundle's seccomp section is
// only applied with --oci-seccomp (give it in runscFlags).
import { readFileSync } from 'node:fs';
import { runOci } from './oci-run.js';
import type { CaseDecl, RunResult } from './types.js';

export const RUNSC_2024 = '/opt/runsc-2024/runsc';

/**
 * Calls the host kernel runs before any seccomp filter (Linux arch/x86 uprobes: uretprobe from
 * 6.11, uprobe from 6.18), on this machine's kernel: under gVisor's systrap, which intercepts
 * with a seccomp filter, they reach the host kernel (lab notes: runsc 20240729 answers uprobe
 * ENXIO, the host's answer). Under ptrace gVisor answers them itself.
 */
export function seccompPassthroughCalls(): string[] {
  const m = /^(\d+)\.(\d+)/.exec(readFileSync('/proc/sys/kernel/osrelease', 'utf8'));
  const v = m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
  return [...(v >= 6018 ? ['uprobe'] : []), ...(v >= 6011 ? ['uretprobe'] : [])].sort();
}

function runWith(decl: CaseDecl, binary: string, defaultPlatform: 'ptrace' | 'systrap', tag: string): Promise<RunResult> {
  const flags = decl.runscFlags ?? [];
  if (flags.some((f) => /^--?platform=kvm/.test(f))) {
    throw new Error(`${tag}: --platform=kvm hangs on this machine (nested PVM /dev/kvm); use ptrace or systrap`);
  }
  const platform = flags.some((f) => /^--?platform=/.test(f)) ? [] : [`--platform=${defaultPlatform}`];
  return runOci(decl, {
    tag,
    runArgv: (state, bundle, id) => [binary, '--root', state, '--network=none', ...platform, ...flags, 'run', '--bundle', bundle, id],
    deleteArgv: (state, id) => [binary, '--root', state, 'delete', '--force', id],
  });
}

export function runRunsc(decl: CaseDecl): Promise<RunResult> {
  return runWith(decl, 'runsc', 'ptrace', 'runsc');
}

export function runRunsc2024(decl: CaseDecl): Promise<RunResult> {
  return runWith(decl, RUNSC_2024, 'systrap', 'runsc-2024');
}
