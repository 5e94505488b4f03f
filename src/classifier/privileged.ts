// Is the container privileged (`docker run --privileged`, a pod's `privileged: true`)? Four
// criteria, each judged from facts and each reported with what it saw, so that the one word a
// user looks for first comes with its reasons:
//   capabilities  the bounding set holds CAP_SYS_ADMIN and every capability but at most four of
//                 the kernel's (an engine grants only the capabilities it knows and the host
//                 holds: Docker 20.10 knows none past CAP_AUDIT_READ, and this machine's init
//                 lacks CAP_SYS_RESOURCE, so a real --privileged here shows 37 of 41)
//   seccomp       no filter (Seccomp: 0 for the process, and for PID 1 when it can be read)
//   masking       none of the /proc and /sys paths an OCI runtime masks is masked
//   host devices  the host's device nodes are in /dev: a block device or a raw-memory node
// Privileged when all four hold. Under gVisor or Kata the answer is "no": capabilities and
// devices there belong to the sandbox's own kernel, not the host's.
import { CAPABILITY_NAMES } from '../probes/capabilities.js';
import type { Facts } from '../probes/index.js';
import { idMapText, ociMasking } from './evidence.js';

export type PrivilegedCriterionId = 'capabilities' | 'seccomp' | 'no-masked-paths' | 'host-devices';

export interface PrivilegedCriterion {
  id: PrivilegedCriterionId;
  /** null: could not be judged (the fact is unknown) */
  holds: boolean | null;
  observed: string;
}

export interface PrivilegedVerdict {
  /** null: undetermined (a criterion could not be judged and none fails) */
  privileged: boolean | null;
  criteria: PrivilegedCriterion[];
  reason: string;
  /** false where the question does not apply: no container, or a sandbox with a kernel of its
   *  own (the reason says which) */
  applies: boolean;
  /** not privileged, yet two or more of the criteria hold: said as "no, but" */
  partly: boolean;
}

/**
 * 'a user namespace of its own (uid_map …)' when the process is in one on the host's kernel, else
 * null. Capabilities there are the namespace's: for the host's resources the kernel checks the
 * initial namespace's (capable()), so they reach nothing of the host's. Under gVisor and Kata the
 * namespaces and capabilities are their own kernel's anyway: null.
 */
export function ownUserNamespace(f: Facts, sandboxClass: string): string | null {
  if (sandboxClass === 'gvisor' || sandboxClass === 'kata') return null;
  const user = f.namespaces.entries.user;
  if (!user.known || user.value.isInitial !== false) return null;
  const map = idMapText(f);
  return `a user namespace of its own (${map ? `uid_map ${map}` : `user:[${user.value.inode}]`})`;
}

/** capabilities a privileged container may lack: those its engine or host does not know */
export const PRIVILEGED_MAX_MISSING_CAPS = 4;

/** `ns`: the user namespace of its own the process is in (ownUserNamespace), if any */
function capabilities(f: Facts, ns: string | null): PrivilegedCriterion {
  const bnd = f.process.capabilities.bounding;
  if (!bnd.known) return { id: 'capabilities', holds: null, observed: `bounding set unknown: ${bnd.reason}` };
  const missing = CAPABILITY_NAMES.filter((n) => !bnd.value.names.includes(n));
  const n = bnd.value.names.length;
  if (ns) return { id: 'capabilities', holds: false, observed: `bounding set ${n} of ${CAPABILITY_NAMES.length}, held in ${ns}: they do not reach the host` };
  const holds = bnd.value.names.includes('sys_admin') && missing.length <= PRIVILEGED_MAX_MISSING_CAPS;
  return {
    id: 'capabilities', holds,
    observed: `bounding set ${n} of ${CAPABILITY_NAMES.length}${missing.length && missing.length <= 8 ? ` (missing ${missing.join(' ')})` : ''}`,
  };
}

/** `f` holds the subject's process (classifier/workload.ts judgedFacts): the workload's mode. */
function seccomp(f: Facts): PrivilegedCriterion {
  const mode = f.process.seccomp;
  if (!mode.known) return { id: 'seccomp', holds: null, observed: `seccomp mode unknown: ${mode.reason}` };
  return { id: 'seccomp', holds: mode.value === 'disabled', observed: `seccomp ${mode.value} (${mode.source})` };
}

function masking(f: Facts): PrivilegedCriterion {
  if (!f.mounts.entries.known) return { id: 'no-masked-paths', holds: null, observed: `mount table unknown: ${f.mounts.entries.reason}` };
  const m = ociMasking(f);
  return { id: 'no-masked-paths', holds: m === null, observed: m ?? 'no /proc or /sys path masked' };
}

function hostDevices(f: Facts): PrivilegedCriterion {
  const devs = f.mounts.sensitive.filter((s) => s.kind === 'block-device' || s.kind === 'raw-memory').map((s) => s.path);
  return { id: 'host-devices', holds: devs.length > 0, observed: devs.length ? `in /dev: ${devs.join(' ')}` : 'no host block or memory device in /dev' };
}

const WORDS: Record<PrivilegedCriterionId, [string, string]> = {
  capabilities: ['every capability', 'not every capability'],
  seccomp: ['no seccomp filter', 'a seccomp filter'],
  'no-masked-paths': ['nothing masked', 'OCI masked paths'],
  'host-devices': ["the host's devices in /dev", "no host device in /dev"],
};

export function classifyPrivileged(f: Facts, sandboxClass: string): PrivilegedVerdict {
  const ns = ownUserNamespace(f, sandboxClass);
  const criteria = [capabilities(f, ns), seccomp(f), masking(f), hostDevices(f)];
  if (sandboxClass === 'gvisor' || sandboxClass === 'kata') {
    return { privileged: false, criteria, applies: false, partly: false, reason: `not applicable: ${sandboxClass} runs its own kernel, so capabilities and devices are the sandbox's, not the host's` };
  }
  if (sandboxClass === 'none') {
    return { privileged: false, criteria, applies: false, partly: false, reason: 'not a container' };
  }
  const failing = criteria.filter((c) => c.holds === false);
  const open = criteria.filter((c) => c.holds === null);
  const held = criteria.filter((c) => c.holds === true).map((c) => WORDS[c.id][0]);
  if (failing.length === 0 && open.length === 0) return { privileged: true, criteria, applies: true, partly: false, reason: held.join(', ') };
  if (failing.length) {
    return {
      privileged: false, criteria, applies: true, partly: held.length >= 2,
      reason: `${failing.map((c) => `${c.id === 'capabilities' && ns ? "capabilities that are not the host's" : WORDS[c.id][1]} (${c.observed})`).join('; ')}${held.length ? `; it has ${held.join(', ')}` : ''}`,
    };
  }
  return { privileged: null, criteria, applies: true, partly: false, reason: `could not judge: ${open.map((c) => c.observed).join('; ')}` };
}
