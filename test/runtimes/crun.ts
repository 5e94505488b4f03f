// crun: as runc, but crun 1.8 refuses hybrid cgroups ("cgroups in hybrid mode not supported,
// drop all controllers from cgroupv2"; --cgroup-manager=disabled does not help), so it runs in a
// private mount namespace where /sys/fs/cgroup/unified is unmounted.
import { runOci } from './oci-run.js';
import type { CaseDecl, RunResult } from './types.js';

export function runCrun(decl: CaseDecl): Promise<RunResult> {
  return runOci(decl, {
    tag: 'crun',
    dropUnifiedCgroup: true,
    runArgv: (state, bundle, id) => ['crun', '--root', state, 'run', '--bundle', bundle, id],
    deleteArgv: (state, id) => ['crun', '--root', state, 'delete', '--force', id],
  });
}
