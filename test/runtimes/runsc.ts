// gVisor runsc 20221219 on the ptrace platform (kvm hangs on this machine's nested PVM /dev/kvm).
// --network=none: the default sandbox network needs iptables. The bundle's seccomp section is
// only applied with --oci-seccomp (give it in runscFlags). About 5 s a run.
import { runOci } from './oci-run.js';
import type { CaseDecl, RunResult } from './types.js';

export function runRunsc(decl: CaseDecl): Promise<RunResult> {
  const flags = decl.runscFlags ?? [];
  if (flags.some((f) => /^--?platform=kvm/.test(f))) {
    throw new Error('runsc: --platform=kvm hangs on this machine (nested PVM /dev/kvm); use ptrace');
  }
  return runOci(decl, {
    tag: 'runsc',
    runArgv: (state, bundle, id) => [
      'runsc', '--root', state, '--network=none', '--platform=ptrace', ...flags, 'run', '--bundle', bundle, id,
    ],
    deleteArgv: (state, id) => ['runsc', '--root', state, 'delete', '--force', id],
  });
}
