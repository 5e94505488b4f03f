// The workload versus the probe. `kubectl exec POD -- sbx-detect`, `docker exec`, --via and
// kubectl sbx all measure a process exec'd beside the workload, and an exec'd process can be
// confined differently (runsc exec runs without the container's OCI filter; exec -u 0 or
// --privileged; a debug container's profile). Here: whose confinement the verdicts describe (the
// subject), every field in which the two differ, whether the syscall scan — which can only run
// as the probe — shows the workload's filter, and the facts as the subject holds them, for the
// checks (--expect, --pss, --declared) and the privileged verdict.
import type { Fact } from '../probes/fact.js';
import { known, knownValue, unknown } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import { appArmorLabelText } from '../probes/lsm.js';
import { kernelInterfaceOf } from '../probes/kernel.js';
import { NAMESPACE_TYPES } from '../probes/namespaces.js';
import type { CapabilitySet, ProcessFacts, SeccompMode } from '../probes/process.js';

export type Subject = 'workload' | 'probe' | 'none';

export interface WorkloadDifference {
  field: string;
  workload: string;
  probe: string;
  /** where each value was read */
  source: string;
}

export interface WorkloadVerdict {
  /** whose confinement the verdicts and checks describe: the workload's where it can be read,
   *  else the probe's (no container, no workload to be found), or nobody's (the probe ran in
   *  another container than the target, and the target could not be read) */
  subject: Subject;
  /** the workload's pid, as read */
  pid: number;
  /** the probe is the workload itself: the tool is the container's first process */
  sameProcess: boolean;
  reason: string;
  differences: WorkloadDifference[];
  /** fields that could not be compared, each with why */
  uncompared: { field: string; reason: string }[];
  /** does the syscall scan, which ran as the probe, show the workload's filter? */
  scan: { describesWorkload: boolean | null; reason: string };
  /** where the probe ran, when not in the target container (kubectl sbx's debug container) */
  probeElsewhere: string | null;
  /** what the launcher changed in the probe so that Node could start (src/helper/launcher.c) */
  launcher: string | null;
}

/** Where the probe ran, when that is not the target container (kubectl sbx's debug container). */
export interface ProbeElsewhere { where: string }

/** PID 1 names that are an engine's own process, not the container's workload. */
const NOT_A_WORKLOAD: Record<string, string> = {
  pause: "the pod's pause process (the pod shares one process namespace): the workload is another process",
  bwrap: "bubblewrap's own init, which waits for the sandboxed command: not the workload",
};

/** The probe's no_new_privs and seccomp mode: its status file, else what prctl answered (gVisor
 *  prints no NoNewPrivs line; its sentry answers the query) — as the place gave them, before the
 *  launcher's own filter and no_new_privs (src/helper/launcher.c) where it added them. */
export function probeSideProcess(f: Facts): ProcessFacts {
  const p = f.process;
  const own = f.native.ownFlags;
  const nnp = p.noNewPrivs.known || !own.noNewPrivs.known ? p.noNewPrivs : own.noNewPrivs;
  const seccomp = p.seccomp.known || !own.seccomp.known ? p.seccomp : own.seccomp;
  const l = knownValue(f.launcher) ?? null;
  if (!l) return { ...p, noNewPrivs: nnp, seccomp };
  // the launcher's filter taken away: none left means the place gave no filter at all
  const before = p.seccompFilters.known ? p.seccompFilters.value - 1 : null;
  return {
    ...p,
    seccomp: before === 0 ? known('disabled', `${p.seccompFilters.source}: the only filter is the launcher's own`) : seccomp,
    noNewPrivs: l.noNewPrivsBefore === null
      ? unknown('the launcher set no_new_privs to add its own filter, and could not read it before', f.launcher.source)
      : known(l.noNewPrivsBefore, `${f.launcher.source}: as it was before the launcher set it`),
    seccompFilters: before !== null ? known(before, `${p.seccompFilters.source}, less the launcher's own`) : p.seccompFilters,
  };
}

/** What the launcher changed in the probe, said in the workload section and the JSON. */
export function launcherNote(f: Facts): string | null {
  const l = knownValue(f.launcher) ?? null;
  return l ? `the launcher added a seccomp filter of its own (clone3 answers ENOSYS) and set no_new_privs, because clone3 answered errno ${l.clone3Errno} here and Node's threads need ENOSYS to fall back to clone; the probe's flags are reported as the place gave them, and clone3 was not probed` : null;
}

/** gVisor treats no_new_privs as set for every task, whatever the spec asks (runsc logs
 *  "noNewPrivileges ignored. PR_SET_NO_NEW_PRIVS is assumed to always be set", and
 *  PR_GET_NO_NEW_PRIVS answers 1): runsc/specutils/specutils.go:126-130 and
 *  pkg/sentry/syscalls/linux/sys_prctl.go:172-176 at release-20240729.0 (specutils.go:111-114 at
 *  release-20221219.0). Its status files print no NoNewPrivs line, so this is how it is known. */
const GVISOR_NNP = 'gVisor sets no_new_privs on every task whatever the spec says (runsc/specutils/specutils.go:126-130, pkg/sentry/syscalls/linux/sys_prctl.go:172-176 @ release-20240729.0)';

function workloadProcess(f: Facts, sameProcess: boolean): ProcessFacts {
  const w = f.workload.process;
  if (w.noNewPrivs.known) return w;
  if (sameProcess) return { ...w, noNewPrivs: probeSideProcess(f).noNewPrivs };
  if (isGvisorKernel(f)) {
    const seen = f.native.ownFlags.noNewPrivs;
    const also = seen.known && seen.value ? "; the probe's prctl(PR_GET_NO_NEW_PRIVS) answered 1 here" : '';
    return { ...w, noNewPrivs: known(true, `${GVISOR_NNP}${also}`) };
  }
  return w;
}

const isGvisorKernel = (f: Facts) => kernelInterfaceOf(f.kernel.uname) === 'gvisor';

/** Is the workload in this very container? Named by the caller: yes. Else its mount namespace,
 *  or failing that its root mount, must be the probe's. */
function sameContainer(f: Facts): { same: boolean | null; why: string } {
  const w = f.workload;
  const mine = f.namespaces.entries.mnt, theirs = w.namespaces.mnt;
  // gVisor numbers namespace inodes per process: only the root mounts can be compared there
  if (mine.known && theirs.known && !isGvisorKernel(f)) {
    return mine.value.inode === theirs.value.inode
      ? { same: true, why: `same mount namespace mnt:[${mine.value.inode}] (${theirs.source})` }
      : { same: false, why: `pid ${w.pid} is in mount namespace mnt:[${theirs.value.inode}], the probe in mnt:[${mine.value.inode}]: another container, or the host` };
  }
  const myRoot = f.mounts.root, theirRoot = w.rootMount;
  if (myRoot.known && theirRoot.known) {
    const a = myRoot.value, b = theirRoot.value;
    const same = a.id === b.mountId && a.device === b.device && a.root === b.root;
    return same
      ? { same: true, why: `same root mount (id ${b.mountId}, ${b.device}; ${theirRoot.source}; the mount namespace links: ${theirs.known ? '' : theirs.reason})` }
      : { same: false, why: `pid ${w.pid}'s root mount (id ${b.mountId}, ${b.device} ${b.root}) is not the probe's (id ${a.id}, ${a.device} ${a.root}): another container, or the host` };
  }
  return { same: null, why: `neither the mount namespaces (${theirs.known ? mine.known ? '' : mine.reason : theirs.reason}) nor the root mounts (${theirRoot.known ? '' : theirRoot.reason}) could be compared` };
}

const SEEN = (v: unknown): string => (v === undefined ? '?' : Array.isArray(v) ? (v.length ? v.join(' ') : 'none') : String(v));

function differences(f: Facts, w: ProcessFacts, p: ProcessFacts): { diffs: WorkloadDifference[]; uncompared: { field: string; reason: string }[] } {
  const diffs: WorkloadDifference[] = [];
  const uncompared: { field: string; reason: string }[] = [];
  const cmp = <T>(field: string, a: Fact<T>, b: Fact<T>, show: (v: T) => string = SEEN, same?: (x: T, y: T) => boolean) => {
    if (!a.known || !b.known) {
      uncompared.push({ field, reason: [!a.known ? `workload: ${a.reason}` : '', !b.known ? `probe: ${b.reason}` : ''].filter(Boolean).join('; ') });
      return;
    }
    const eq = same ? same(a.value, b.value) : show(a.value) === show(b.value);
    if (!eq) diffs.push({ field, workload: show(a.value), probe: show(b.value), source: `${a.source} | ${b.source}` });
  };
  cmp('uid', w.uid, p.uid, (v) => `${v.effective}${v.real !== v.effective ? ` (real ${v.real})` : ''}`);
  cmp('gid', w.gid, p.gid, (v) => `${v.effective}${v.real !== v.effective ? ` (real ${v.real})` : ''}`);
  for (const set of ['effective', 'permitted', 'bounding', 'ambient', 'inheritable'] as CapabilitySet[]) {
    const a = w.capabilities[set], b = p.capabilities[set];
    if (!a.known || !b.known) { cmp(`capabilities.${set}`, a, b); continue; }
    const onlyW = a.value.names.filter((n) => !b.value.names.includes(n));
    const onlyP = b.value.names.filter((n) => !a.value.names.includes(n));
    if (onlyW.length || onlyP.length) {
      diffs.push({
        field: `capabilities.${set}`,
        workload: onlyW.length ? `also ${onlyW.join(' ')}` : `${a.value.names.length} (a subset)`,
        probe: onlyP.length ? `also ${onlyP.join(' ')}` : `${b.value.names.length} (a subset)`,
        source: `${a.source} | ${b.source}`,
      });
    }
  }
  cmp('no_new_privs', w.noNewPrivs, p.noNewPrivs);
  cmp('seccomp', w.seccomp, p.seccomp);
  if (w.seccompFilters.known || p.seccompFilters.known) cmp('seccomp filters', w.seccompFilters, p.seccompFilters);
  // an LSM neither side can read is not on this machine: nothing to compare
  const { apparmor: wa, selinux: ws } = f.workload.lsm;
  if (wa.known || f.lsm.apparmor.known) cmp('apparmor', wa, f.lsm.apparmor, appArmorLabelText);
  if (ws.known || f.lsm.selinux.known) cmp('selinux', ws, f.lsm.selinux, String);
  cmp('cgroup', f.workload.cgroup, f.cgroups.lines, (ls) => ls.map((l) => `${l.id}:${l.controllers.join(',')}:${l.path}`).join(' '),
    (x, y) => JSON.stringify(x.map((l) => l.path)) === JSON.stringify(y.map((l) => l.path)));
  for (const t of NAMESPACE_TYPES) {
    if (isGvisorKernel(f)) {
      uncompared.push({ field: 'namespaces', reason: 'gVisor numbers namespace inodes per process: they cannot be compared' });
      break;
    }
    const a = f.workload.namespaces[t], b = f.namespaces.entries[t];
    if (a.known && b.known && a.value.inode !== b.value.inode) diffs.push({ field: `namespace ${t}`, workload: `${t}:[${a.value.inode}]`, probe: `${t}:[${b.value.inode}]`, source: `${a.source} | ${b.source}` });
    else if (!a.known || !b.known) uncompared.push({ field: `namespace ${t}`, reason: [!a.known ? `workload: ${a.reason}` : '', !b.known ? `probe: ${b.reason}` : ''].filter(Boolean).join('; ') });
  }
  return { diffs, uncompared };
}

function scanReach(f: Facts, subject: Subject, same: boolean, w: ProcessFacts, p: ProcessFacts, elsewhere: ProbeElsewhere | null): WorkloadVerdict['scan'] {
  if (subject === 'probe') return { describesWorkload: null, reason: 'the verdicts describe the probe, as the scan does' };
  if (same) return { describesWorkload: true, reason: 'the probe is the workload' };
  if (elsewhere) return { describesWorkload: false, reason: `the scan ran ${elsewhere.where}, under that container's own filter, not the target's` };
  const wm = knownValue(w.seccomp), pm = knownValue(p.seccomp);
  if (wm === undefined || pm === undefined) return { describesWorkload: null, reason: `the ${wm === undefined ? "workload's" : "probe's"} seccomp mode is unknown (${wm === undefined ? (w.seccomp as { reason: string }).reason : (p.seccomp as { reason: string }).reason})` };
  const gvisor = isGvisorKernel(f);
  if (wm !== pm) {
    const why = gvisor && wm !== 'disabled' && pm === 'disabled'
      ? 'runsc does not apply the container\'s OCI seccomp filter to a process exec\'d beside it (runsc exec), so the scan ran unfiltered'
      : 'the probe was exec\'d with another seccomp setting';
    return { describesWorkload: false, reason: `the workload's seccomp mode is ${wm} (${w.seccomp.source}), the probe's ${pm}: ${why}. A filter cannot be read from outside the process without CAP_SYS_ADMIN (ptrace PTRACE_SECCOMP_GET_FILTER), so the workload's blocked calls are not known` };
  }
  const wc = knownValue(w.seccompFilters), pc = knownValue(p.seccompFilters);
  if (wm === 'filtering' && wc !== undefined && pc !== undefined && wc !== pc)
    return { describesWorkload: false, reason: `both filter, but the workload has ${wc} filter(s) and the probe ${pc}: the scan shows the probe's stack` };
  return {
    describesWorkload: true,
    reason: wm === 'disabled' ? 'neither has a seccomp filter' : `the same seccomp mode (${wm})${wc !== undefined && pc !== undefined ? ` and filter count (${wc})` : ''}: the scan is taken to show the workload's filter (an exec'd process gets the container's profile from the runtime)`,
  };
}

/** Whose confinement is judged, and how the workload and the probe differ. */
export function judgeWorkload(f: Facts, sandboxClass: string, elsewhere: ProbeElsewhere | null = null): WorkloadVerdict {
  const w = f.workload;
  const probePid = knownValue(f.process.pid);
  const sameProcess = !elsewhere && probePid !== undefined && probePid === w.pid;
  const base = { pid: w.pid, sameProcess, differences: [] as WorkloadDifference[], uncompared: [] as { field: string; reason: string }[], probeElsewhere: elsewhere?.where ?? null, launcher: launcherNote(f) };
  const p = probeSideProcess(f);
  const none = (subject: Subject, reason: string): WorkloadVerdict => ({
    ...base, subject, reason, scan: subject === 'none' ? { describesWorkload: false, reason } : { describesWorkload: null, reason: 'the verdicts describe the probe, as the scan does' },
  });
  const fallback = (why: string) => (elsewhere
    ? none('none', `${why}; the probe ran ${elsewhere.where}, so nothing read describes the target's own process`)
    : none('probe', `${why}: the probe's own process is judged`));
  if (sandboxClass === 'none' && !w.given && !elsewhere) return none('probe', 'no container: the tool\'s own process is judged');
  if (sameProcess) return { ...base, subject: 'workload', reason: `the probe is the workload: pid ${w.pid} is this process (the tool is the container's first process)`, scan: { describesWorkload: true, reason: 'the probe is the workload' } };
  if (!w.process.uid.known && !w.process.seccomp.known) return fallback(`the workload's status is unreadable (${w.process.seccomp.reason})`);
  const comm = knownValue(w.comm);
  if (!w.given && comm && NOT_A_WORKLOAD[comm]) return fallback(`pid ${w.pid} is ${comm}, ${NOT_A_WORKLOAD[comm]}`);
  const container = sameContainer(f);
  // a debug container's target is another container: its main process must not share the probe's
  // mounts (runsc, for one, cannot put a debug container in its target's process namespace)
  if (elsewhere && container.same === true) return fallback(`pid ${w.pid} shares the probe's mounts (${container.why}): it is the debug container's own process, not the target's — the target's process namespace was not joined`);
  if (!w.given && container.same === false) return fallback(`pid ${w.pid} is not this container's workload (${container.why})`);
  const wp = workloadProcess(f, false);
  const { diffs, uncompared } = differences(f, wp, p);
  const how = w.given ? `named as the workload${container.same === false ? `, in another container (${container.why})` : ''}`
    : container.same === null ? `the workload — assumed: ${container.why}` : `the workload (${container.why})`;
  const reason = `pid ${w.pid}${comm ? ` (${comm})` : ''} is ${how}; the probe is ${elsewhere ? `running ${elsewhere.where}` : 'exec\'d beside it'}`;
  return { ...base, subject: 'workload', reason, differences: diffs, uncompared, scan: scanReach(f, 'workload', false, wp, p, elsewhere) };
}

/**
 * The facts as the subject holds them: the workload's status, labels, namespaces and root mount
 * in place of the probe's when the workload is the subject; unknown, with the reason, when nobody
 * in the target could be read. Everything else (the scan, the mounts, the kernel) stays.
 */
export function judgedFacts(f: Facts, v: { workload: WorkloadVerdict; sandbox: { class: string } }): Facts {
  const wv = v.workload;
  if (wv.subject === 'probe') return { ...f, process: probeSideProcess(f) };
  if (wv.subject === 'none') {
    const u = <T>(fact: Fact<T>): Fact<T> => unknown(wv.reason, fact.source);
    const p = f.process;
    const caps = Object.fromEntries(Object.entries(p.capabilities).map(([k, c]) => [k, u(c)])) as ProcessFacts['capabilities'];
    return {
      ...f,
      process: { ...p, uid: u(p.uid), gid: u(p.gid), groups: u(p.groups), noNewPrivs: u(p.noNewPrivs), seccomp: u(p.seccomp), seccompFilters: u(p.seccompFilters), capabilities: caps },
      lsm: { ...f.lsm, apparmor: u(f.lsm.apparmor), selinux: u(f.lsm.selinux) },
      namespaces: { ...f.namespaces, entries: Object.fromEntries(Object.entries(f.namespaces.entries).map(([k, e]) => [k, u(e)])) as Facts['namespaces']['entries'] },
      mounts: { ...f.mounts, readOnlyRoot: u(f.mounts.readOnlyRoot) },
    };
  }
  if (wv.sameProcess) return { ...f, process: probeSideProcess(f) };
  // a link or label of another process may be unreadable (ptrace access: another uid): in the
  // same container the probe's stands in, said so in its source
  const or = <T>(w: Fact<T>, p: Fact<T>): Fact<T> =>
    w.known || !p.known || wv.probeElsewhere ? w : known(p.value, `${p.source}, the probe's: the workload's is unreadable (${w.reason})`);
  const root = f.workload.rootMount;
  const entries = Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, or(f.workload.namespaces[t], f.namespaces.entries[t])])) as Facts['namespaces']['entries'];
  return {
    ...f,
    process: workloadProcess(f, false),
    lsm: { ...f.lsm, apparmor: or(f.workload.lsm.apparmor, f.lsm.apparmor), selinux: or(f.workload.lsm.selinux, f.lsm.selinux) },
    namespaces: { ...f.namespaces, entries },
    mounts: { ...f.mounts, readOnlyRoot: root.known ? known(root.value.readOnly, root.source) : f.mounts.readOnlyRoot },
  };
}

/** The seccomp mode the subject runs under, as the verdicts report it. */
export function judgedSeccomp(f: Facts, v: { workload: WorkloadVerdict; sandbox: { class: string } }): Fact<SeccompMode> {
  return judgedFacts(f, v).process.seccomp;
}
