// Turns the syscall table plus what the caller knows about the process (arch, effective
// capabilities, kernel release, a few sysctls) into the helper's plan lines, and lists the
// rows that will not be called, each with its reason.
//
// The one hard rule lives here: a row with a side effect under a capability is never
// planned while the process holds that capability, nor when the capability set is unknown.
import {
  type Arch,
  type Arg,
  type SyscallRow,
  type SysctlName,
  hasCapability,
  kernelAtLeast,
  parseKernelVersion,
  rowsForArch,
} from './table.js';

export interface PlanFacts {
  arch: Arch;
  /** CapEff from /proc/self/status; null when unknown */
  effectiveCaps: bigint | null;
  /** uname -r */
  kernelRelease: string | null;
  /** false inside a child user namespace: capable() (init-namespace) checks then fail
   *  whatever CapEff says; null when unknown */
  inInitUserNs?: boolean | null;
  /** values read by the caller; a missing or null entry is unknown */
  sysctls?: Partial<Record<SysctlName, number | null>>;
  /** per-probe timeout for the helper, ms */
  probeTimeoutMs?: number;
  /** whose syscall table answers: gVisor's sentry (told by its constant uname) or a Linux
   *  kernel; the interpretation reads the answers against that table. null/absent: Linux */
  kernelInterface?: 'gvisor' | 'linux' | null;
  /** the process's own seccomp mode (/proc/self/status); null when unknown */
  seccomp?: 'disabled' | 'strict' | 'filtering' | null;
  /** PID 1's seccomp mode: under runsc --oci-seccomp only the first process is filtered */
  pid1Seccomp?: 'disabled' | 'strict' | 'filtering' | null;
}

export interface PlannedProbe {
  /** the helper request id: the row name */
  id: string;
  row: SyscallRow;
  nr: number;
  line: string;
}

export interface NotProbed {
  row: SyscallRow;
  nr: number;
  reason: string;
}

export interface SyscallPlan {
  arch: Arch;
  /** the lines to send to the helper, in order */
  lines: string[];
  probes: PlannedProbe[];
  notProbed: NotProbed[];
  facts: PlanFacts;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 500;

/** Renders one argument as a helper token (decimal, 0x hex, or "pid"). */
export function argToken(arg: Arg): string {
  if (arg === 'pid') return 'pid';
  if (typeof arg === 'number') {
    if (!Number.isSafeInteger(arg)) throw new Error(`argument ${arg} is not a safe integer`);
    return String(arg);
  }
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(arg)) throw new Error(`bad hex argument ${arg}`);
  return arg.toLowerCase();
}

export function sysLine(id: string, nr: number, args: readonly Arg[], verb: 'sys' | 'sysb' | 'sysq' = 'sys'): string {
  const six = [...args];
  while (six.length < 6) six.push(0);
  if (six.length > 6) throw new Error(`${id}: more than six arguments`);
  return `${verb} ${id} ${nr} ${six.map(argToken).join(' ')}`;
}

/**
 * Calls that keep a fresh child each (`sys`) even though their allowed answer is a failure:
 * they act on the calling process itself — its credentials, namespaces, root, signal state,
 * address space, descriptors (the result pipe is the one open), limits or scheduling — so that
 * even a sandbox answering them in an unexpected way must not leave the next probe in a changed
 * process. Every other call whose allowed answer is an errno runs batched (`sysb`: many per
 * child, src/helper/README.md), and a call that unexpectedly succeeds ends its batch child.
 */
export const FRESH_CHILD: Readonly<Record<string, string>> = Object.fromEntries([
  ...['setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid', 'setgroups', 'capset']
    .map((n) => [n, 'credentials']),
  ...['unshare', 'setns', 'clone', 'clone3', 'chroot', 'pivot_root', 'chdir', 'fchdir', 'execve', 'execveat']
    .map((n) => [n, 'namespaces, root, working directory or program image']),
  ...['personality', 'prctl', 'arch_prctl', 'seccomp', 'ptrace', 'landlock_restrict_self'].map((n) => [n, 'process attributes']),
  ...['rt_sigaction', 'rt_sigprocmask', 'sigaltstack', 'rt_sigsuspend', 'rt_sigtimedwait', 'kill', 'tkill', 'tgkill',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'pidfd_send_signal'].map((n) => [n, 'signal state, or a signal to itself']),
  ...['mmap', 'munmap', 'mprotect', 'mremap', 'madvise', 'brk', 'shmat', 'shmdt', 'mlock', 'mlock2', 'munlock', 'mlockall',
    'munlockall', 'remap_file_pages', 'pkey_mprotect', 'pkey_alloc', 'pkey_free', 'map_shadow_stack', 'mseal', 'userfaultfd',
    'process_madvise', 'set_mempolicy', 'mbind', 'migrate_pages', 'move_pages'].map((n) => [n, 'address space']),
  ...['close', 'close_range', 'dup', 'dup2', 'dup3', 'fcntl'].map((n) => [n, 'descriptor table']),
  ...['setrlimit', 'prlimit64', 'setpriority', 'sched_setaffinity', 'sched_setparam', 'sched_setscheduler', 'sched_setattr',
    'ioprio_set', 'umask', 'setpgid', 'setsid', 'set_tid_address', 'set_robust_list', 'rseq', 'futex', 'futex_waitv',
    'futex_wake', 'futex_wait', 'futex_requeue'].map((n) => [n, 'limits, scheduling, session or thread bookkeeping']),
]);

/**
 * Calls that only read the caller's own state, whose success changes nothing: they share a
 * batch child and do not end it when they succeed (`sysq`). The rest of the calls that succeed
 * end their child, so the next probe starts in an unchanged one.
 */
export const QUERY_ONLY: Readonly<Record<string, string>> = Object.fromEntries(
  ['getpid', 'gettid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getpgrp', 'getpgid', 'getsid', 'getgroups',
    'sched_yield', 'sched_getscheduler', 'membarrier', 'shmget', 'semget', 'msgget', 'landlock_create_ruleset']
    .map((n) => [n, 'reads the caller\'s own state (or looks a key up without IPC_CREAT)']),
);

/** `sysb` when the call may share a child with others, `sysq` when it may also succeed there
 *  without ending it, `sys` for a fresh child of its own. */
export function probeVerb(row: SyscallRow): 'sys' | 'sysb' | 'sysq' {
  if (QUERY_ONLY[row.name] && row.args) return 'sysq';
  const e = row.expect;
  if (!e || e.ret !== undefined || e.retNonNegative || e.signal) return 'sys'; // an allowed call succeeds or signals
  if (FRESH_CHILD[row.call ?? row.name]) return 'sys'; // an argument variant (clone.newns) goes by its call
  return 'sysb';
}

/** Why a row must not be called with these facts, or null when it may be. */
export function skipReason(row: SyscallRow, facts: PlanFacts): string | null {
  if (row.never) return `never called: ${row.never}`;
  if (!row.args || !row.expect) return 'never called: the table gives no safe arguments';
  if (row.sideEffectCap) {
    if (facts.effectiveCaps === null)
      return `not called: the capability set is unknown, and with ${row.sideEffectCap} it ${row.sideEffect ?? 'has a side effect'}`;
    if (hasCapability(facts.effectiveCaps, row.sideEffectCap))
      return `not called: the process holds ${row.sideEffectCap}, and with it the call ${row.sideEffect ?? 'has a side effect'}`;
  }
  return null;
}

export function buildSyscallPlan(facts: PlanFacts): SyscallPlan {
  const probes: PlannedProbe[] = [];
  const notProbed: NotProbed[] = [];
  const timeout = Math.max(1, Math.min(600000, Math.round(facts.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS)));
  const lines = [`timeout_ms ${timeout}`];
  for (const row of rowsForArch(facts.arch)) {
    const nr = row.nr[facts.arch] as number;
    const reason = skipReason(row, facts);
    if (reason) {
      notProbed.push({ row, nr, reason });
      continue;
    }
    const line = sysLine(row.name, nr, row.args as Arg[], probeVerb(row));
    probes.push({ id: row.name, row, nr, line });
    lines.push(line);
  }
  return { arch: facts.arch, lines, probes, notProbed, facts };
}

/** The helper line that times getpid, the cheap syscall used as a latency signal. */
export function timingLine(arch: Arch, count = 20000): string {
  const getpid = rowsForArch(arch).find((r) => r.name === 'getpid');
  return `timing ${getpid?.nr[arch] ?? 39} ${count}`;
}

/** Is a sysctl-first check active with these facts? true / false / null (unknown). */
export function sysctlBlocks(row: SyscallRow, facts: PlanFacts): boolean | null {
  const gate = row.sysctlFirst;
  if (!gate) return false;
  const running = parseKernelVersion(facts.kernelRelease);
  if (gate.untilKernel && running && kernelAtLeast(running, gate.untilKernel)) return false;
  const value = facts.sysctls?.[gate.sysctl];
  if (value === undefined || value === null) return null;
  const active = gate.op === '>=' ? value >= gate.value : value === gate.value;
  if (!active) return false;
  if (facts.effectiveCaps === null) return null;
  const caps = facts.effectiveCaps;
  // kernel.io_uring_disabled=2 refuses even CAP_SYS_ADMIN
  if (gate.sysctl === 'kernel.io_uring_disabled' && value >= 2) return true;
  const bypass = gate.caps.some((c) => hasCapability(caps, c));
  if (bypass && facts.inInitUserNs === false) return true; // these are capable() checks
  return !bypass;
}

/** Does the process lack the capability a capability-first check wants? null when unknown. */
export function lacksCapFirst(row: SyscallRow, facts: PlanFacts): boolean | null {
  const gate = row.capFirst;
  if (!gate) return false;
  if (facts.effectiveCaps === null) return null;
  if (!hasCapability(facts.effectiveCaps, gate.cap)) return true;
  if (gate.scope === 'init' && facts.inInitUserNs === false) return true;
  if (gate.scope === 'init' && facts.inInitUserNs == null) return null;
  return false;
}
