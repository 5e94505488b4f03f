// What the launcher changed before the tool started (src/helper/launcher.c): where clone3 is
// refused with an errno other than ENOSYS, Node cannot make a thread, so the launcher adds a
// seccomp filter of its own that answers clone3 with ENOSYS (setting no_new_privs to be allowed
// to) and says so in SBX_LAUNCHER. The report must then tell its own doing from the place's.
import type { Host } from '../readers/host.js';
import { type Fact, fromReadError, known, safeInt, unknown } from './fact.js';

export interface LauncherNote {
  /** clone3's answer before: an errno number */
  clone3Errno: number;
  /** the filter the launcher added */
  filter: 'clone3-enosys';
  /** no_new_privs before the launcher set it; null: it could not ask */
  noNewPrivsBefore: boolean | null;
}

const SOURCE = 'env SBX_LAUNCHER (src/helper/launcher.c)';

/** null: the tool was started as it is (no launcher, or nothing to change). */
export function probeLauncher(host: Host): Fact<LauncherNote | null> {
  // through --via the helper runs without the launcher: the variable there is the target's own
  if (host.collection) return unknown('not applicable: collected through --via, where only the helper runs (the launcher starts the tool in its own place)', SOURCE);
  const v = host.env('SBX_LAUNCHER');
  if (v === undefined) {
    const err = host.envError?.('SBX_LAUNCHER'); // a --via answer that could not be read is not "unset"
    return err ? fromReadError(err) : known(null, SOURCE);
  }
  const m = /^clone3-errno=(\d+);filter=(clone3-enosys);nnp-before=(-?\d+)$/.exec(v);
  if (!m) return unknown(`SBX_LAUNCHER is "${v.slice(0, 80)}", not what the launcher writes`, SOURCE);
  const nnp = safeInt(m[3]);
  return known({ clone3Errno: safeInt(m[1]) ?? 0, filter: 'clone3-enosys', noNewPrivsBefore: nnp === 1 ? true : nnp === 0 ? false : null }, SOURCE);
}
