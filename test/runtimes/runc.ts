// runc: OCI bundle, host root read-only, state in the run's temp dir.
import { runOci } from './oci-run.js';
import type { CaseDecl, RunResult } from './types.js';

export function runRunc(decl: CaseDecl): Promise<RunResult> {
  return runOci(decl, {
    tag: 'runc',
    runArgv: (state, bundle, id) => ['runc', '--root', state, 'run', '--bundle', bundle, id],
    deleteArgv: (state, id) => ['runc', '--root', state, 'delete', '--force', id],
  });
}
