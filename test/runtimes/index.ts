// Entry point of the real-runtime harness: runInRuntime(case) starts the case's runtime for real
// and runs its command inside.
import { runtimeAvailability } from './available.js';
import { runBwrap } from './bwrap.js';
import { runCrun } from './crun.js';
import { runLxc } from './lxc.js';
import { runNspawn } from './nspawn.js';
import { runRunc } from './runc.js';
import { runRunsc, runRunsc2024 } from './runsc.js';
import { runUnshare } from './unshare.js';
import type { CaseDecl, RunResult, RuntimeName } from './types.js';

export * from './types.js';
export { runtimeAvailability, allAvailability, requireRuntime } from './available.js';
export {
  CAP_NAMES, DOCKER_DEFAULT_CAPS, capHex, capsToMask, maskToCaps, hostBoundingCaps, resolveCaps,
  DEFAULT_PROJECT_DIR,
} from './common.js';

const RUNNERS: Record<RuntimeName, (d: CaseDecl) => Promise<RunResult>> = {
  runc: runRunc,
  crun: runCrun,
  runsc: runRunsc,
  'runsc-2024': runRunsc2024,
  bwrap: runBwrap,
  unshare: runUnshare,
  nspawn: runNspawn,
  lxc: runLxc,
};

/**
 * Runs `decl.command` in `decl.runtime` as declared. When the runtime cannot start on this
 * machine, nothing runs and `skipped` says why (callers in CI must turn that into a failure).
 * A declaration the runtime cannot express throws UnsupportedCaseError.
 */
export async function runInRuntime(decl: CaseDecl): Promise<RunResult> {
  const avail = await runtimeAvailability(decl.runtime);
  if (!avail.ok) return { stdout: '', stderr: '', code: null, signal: null, ms: 0, skipped: `${decl.runtime}: ${avail.reason}` };
  return RUNNERS[decl.runtime](decl);
}

/** A declaration with the defaults of a locked-down container, to override per case. */
export function baseCase(runtime: RuntimeName, command: string[], over: Partial<CaseDecl> = {}): CaseDecl {
  return {
    name: `${runtime}-base`,
    runtime,
    uid: 20000,
    gid: 20000,
    caps: [],
    seccomp: 'none',
    readOnlyRoot: true,
    noNewPrivileges: true,
    command,
    ...over,
  };
}
