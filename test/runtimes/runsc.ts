// gVisor's runsc, two releases side by side:
// - runsc: Debian 12's 20221219 on the ptrace platform (kvm hangs on this machine's nested PVM
//   /dev/kvm); about 5 s a run;
// - runsc-2024: trixie's 20240729 (/opt/runsc-2024/runsc, installed by scripts/setup-runtimes.sh)
//   on systrap, the default platform since mid-2023, or the platform runscFlags name.
// --network=none: the default sandbox network needs iptables. The bundle's seccomp section is
// only applied with --oci-seccomp (give it in runscFlags).
import { runOci } from './oci-run.js';
import type { CaseDecl, RunResult } from './types.js';

export const RUNSC_2024 = '/opt/runsc-2024/runsc';

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
