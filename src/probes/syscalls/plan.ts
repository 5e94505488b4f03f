// Turns the syscall table plus what the caller knows about the process (arch, effective
// capabilities, kernel release, a few sysctls) into the helper's plan lines, and lists the
// rows that will not be called, each with its reason.
//
// The one hard rule lives here: a row with a side effect under a capability is never
// planned while the process holds that capability, nor when the capability set is unknown.
import { GVISOR_TABLES, gvisorOutcomes } from './gvisor-table.js';
import {
  type Arch,
  type Arg,
  type SyscallRow,
  type SysctlName,
  errnoNumber,
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
  /** the workload's seccomp mode (its /proc/PID/status), beside the probe's own */
  workloadSeccomp?: 'disabled' | 'strict' | 'filtering' | null;
  /** calls a seccomp filter of the launcher's own answers (src/helper/launcher.c): their answer
   *  would be the tool's doing, not the place's */
  launcherAnswers?: readonly string[];
}

export interface PlannedProbe {
  /** the helper request id: the row name */
  id: string;
  row: SyscallRow;
  nr: number;
  line: string;
  verb: ProbeVerb;
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

/** The helper request a probe goes out as (src/helper/README.md): a forked child of its own
 *  (`sys`), a fresh child sharing the helper's memory (`sysv`), a forked batch child (`sysb`,
 *  `sysq`), or a checked batch child sharing the helper's memory (`sysc`). */
export type ProbeVerb = 'sys' | 'sysv' | 'sysb' | 'sysq' | 'sysc';

/** `good`: for sysc, the errno numbers after which its batch child goes on. */
export function sysLine(id: string, nr: number, args: readonly Arg[], verb: ProbeVerb = 'sys', good: readonly (number | 'ok')[] = []): string {
  const six = [...args];
  while (six.length < 6) six.push(0);
  if (six.length > 6) throw new Error(`${id}: more than six arguments`);
  if (verb === 'sysc' && !good.length) throw new Error(`${id}: sysc without its good errnos`);
  return `${verb} ${id} ${nr} ${six.map(argToken).join(' ')}${verb === 'sysc' ? ` ${good.join(',')}` : ''}`;
}

/** Refusals: a call answered so was turned away before it did anything (a filter, a sandbox
 *  stub, a capability check), so a checked batch child may go on after one. */
const REFUSALS = ['ENOSYS', 'EPERM', 'EACCES'];

/** The errnos after which a checked child goes on: the failures an allowed call gives with the
 *  probe's arguments, the refusals, and `also` (the failures gVisor's own table gives, there). */
export function goodErrnos(row: SyscallRow, also: readonly string[] = []): number[] {
  const names = [...new Set([...(row.expect?.errno ?? []), ...REFUSALS, ...also])];
  return names.map((n) => errnoNumber(n)).filter((n): n is number => n !== undefined).slice(0, 8);
}

/**
 * Calls that succeed when allowed, but whose success with the probe's arguments changes nothing
 * a later probe could meet: they go in the checked run, which goes on after their success
 * (`ok`), where any other success ends its child.
 */
export const HARMLESS_SUCCESS: Readonly<Record<string, string>> = {
  brk: 'brk(0) only reports the break',
  personality: '0xffffffff only reports the persona',
  unshare: 'no flags: nothing is unshared',
  alarm: 'alarm(0) cancels a pending alarm, and the child has none',
  setreuid: '-1, -1: no id changes',
  setregid: '-1, -1: no id changes',
  setresuid: '-1, -1, -1: no id changes',
  setresgid: '-1, -1, -1: no id changes',
  setfsuid: '-1 is no valid id: it only reports the current one',
  setfsgid: '-1 is no valid id: it only reports the current one',
  mlock: 'length 0: nothing is locked',
  munlock: 'length 0: nothing is unlocked',
  munlockall: 'the child locks no memory: nothing to unlock',
};

/** Inside gVisor: the failures any recorded release answers the probe with (gvisor-table.ts), so
 *  that an answer gVisor gives by design does not end a checked child. */
function gvisorFailures(row: SyscallRow, nr: number, facts: PlanFacts): string[] {
  if (facts.kernelInterface !== 'gvisor' || facts.arch !== 'x86_64') return [];
  return GVISOR_TABLES.flatMap((t) => gvisorOutcomes(t, row, nr, facts.effectiveCaps).flatMap((p) => (p.errno ? [p.errno] : [])));
}

/** FRESH_CHILD's reason for the calls that act on the address space (memoryOf looks for it). */
export const ADDRESS_SPACE = 'address space';

/**
 * Calls that keep a fresh child each (`sysv`, or `sys`: see memoryOf) even though their allowed
 * answer is a failure: they act on the calling process itself — its credentials, namespaces,
 * root, signal state, address space, descriptors, limits or scheduling — so that even a sandbox
 * answering them in an unexpected way must not leave the next probe in a changed process. Every
 * other call whose allowed answer is an errno runs batched (`sysb`: many per child,
 * src/helper/README.md), and a call that unexpectedly succeeds ends its batch child.
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
    'process_madvise', 'set_mempolicy', 'mbind', 'migrate_pages', 'move_pages'].map((n) => [n, ADDRESS_SPACE]),
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
export const QUERY_ONLY: Readonly<Record<string, string>> = Object.fromEntries([
  ...['getpid', 'gettid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getpgrp', 'getpgid', 'getsid', 'getgroups',
    'sched_yield', 'sched_getscheduler', 'sched_get_priority_max', 'sched_get_priority_min', 'membarrier', 'shmget', 'semget',
    'msgget', 'landlock_create_ruleset']
    .map((n) => [n, 'reads the caller\'s own state (or looks a key up without IPC_CREAT)']),
  // gVisor answers it 0 (sys_aio.go: nr 0 returns before the context is looked up)
  ['io_submit', 'nr 0: nothing is submitted, whatever answers'],
]);

/**
 * A fresh child shares the helper's memory (`sysv`: clone with CLONE_VM, ~0.2 ms to start under
 * gVisor's ptrace platform against ~1.2-2 ms for a fork, whose new address space is a new host
 * stub process there). Such a child still holds its own credentials, descriptors, signal
 * handlers and mask, root and working directory, umask, limits, scheduling, session and
 * namespaces, so a call that changes any of those changes only the child. What it shares is
 * memory. So a call could only behave differently than in a fork if it acts on memory or makes a
 * process: each of those in the table is listed below with why its arguments leave the helper's
 * memory alone even in a sandbox that lets it succeed. One that is not listed gets a forked child
 * with an address space of its own (`sys`, memoryOf).
 */
const MAKES_A_PROCESS = new Set(['clone', 'clone3', 'fork', 'vfork']);

/** The vetted calls: each one's arguments, and why they leave the helper's memory alone. */
export const MEMORY_UNTOUCHED: Readonly<Record<string, string>> = {
  clone: 'flags 0x800 and 0x20800 (CLONE_SIGHAND, and CLONE_NEWNS) without CLONE_VM, refused by Linux and gVisor before anything is copied; a process a success made would get a copy of the memory, not the helper\'s, and end at once (the probe child sees its pid change)',
  clone3: 'a null argument structure: no flags can be read, nothing is made',
  prctl: 'an unknown option (0x7fffffff): none of the options that act on the address space (PR_SET_DUMPABLE, PR_SET_MM, PR_SET_THP_DISABLE)',
  arch_prctl: 'an unknown code (0xffff): never ARCH_SET_* or ARCH_MAP_VDSO_*',
  modify_ldt: 'func 2 only reads the default LDT, into a bad pointer',
  userfaultfd: 'invalid flags: no context is bound to the address space',
  pkey_alloc: 'invalid flags: no key is allocated',
  map_shadow_stack: 'address 0, length 0, invalid flags: nothing is mapped',
  mmap: 'length 0, and no MAP_ANONYMOUS: nothing can be mapped',
  mprotect: 'unaligned start; rounded down it is page 0, where nothing is mapped',
  munmap: 'unaligned start; rounded down it is page 0, where nothing is mapped',
  mremap: 'unaligned address, length 0',
  madvise: 'unaligned start, length 0',
  mseal: 'unaligned start, length 0',
  pkey_mprotect: 'unaligned start, length 0',
  remap_file_pages: 'address 0, length 0',
  brk: 'brk(0) only reports the break',
  shmat: 'a negative segment id attaches nothing',
  shmdt: 'unaligned address: no segment there',
  mlock: 'length 0',
  mlock2: 'length 0, invalid flags',
  munlock: 'length 0',
  mlockall: 'flags 0 lock nothing',
  munlockall: 'the helper locks no memory: nothing to unlock',
  pkey_free: 'a key that was never allocated',
  mbind: 'address 0, length 0',
  set_mempolicy: 'the policy is the calling task\'s own',
  migrate_pages: 'maxnode too large: refused before any page moves',
  move_pages: 'no pages given',
  process_madvise: 'no descriptor, no ranges',
  set_tid_address: 'a null pointer: nothing is written at exit',
  set_robust_list: 'a null list',
  rseq: 'a bad pointer: nothing can be registered there',
  futex: 'address 1: nothing waits there',
  futex_waitv: 'no waiters',
  futex_wake: 'address 1',
  futex_wait: 'address 1',
  futex_requeue: 'address 0',
  sigaltstack: 'a bad pointer for the new stack',
};

/** Why a fresh-child call must have an address space of its own, or null when it may share
 *  the helper's memory. */
export function memoryOf(call: string): string | null {
  if (MEMORY_UNTOUCHED[call]) return null;
  if (MAKES_A_PROCESS.has(call)) return 'a success makes a process, and its arguments are not vetted in MEMORY_UNTOUCHED';
  if (FRESH_CHILD[call] === ADDRESS_SPACE) return 'acts on the address space, and its arguments are not vetted in MEMORY_UNTOUCHED';
  return null;
}

/** `sysb` when the call may share a child with others, `sysq` when it may also succeed there
 *  without ending it; a call that acts on the calling process itself (FRESH_CHILD), whose
 *  allowed answer is a failure and whose arguments leave the helper's memory alone, goes in a
 *  checked batch (`sysc`: one child sharing the helper's memory, ended by any answer but a good
 *  errno, so the next call never runs in a changed process: one child for the run instead of one
 *  each — under gVisor's systrap every child is a host task to make); else a fresh child of its
 *  own: `sys` (a fork) when it needs its own address space (memoryOf), `sysv` otherwise. */
export function probeVerb(row: SyscallRow): ProbeVerb {
  if (QUERY_ONLY[row.name] && row.args) return 'sysq';
  const call = row.call ?? row.name; // an argument variant (clone.newns) goes by its call
  const fresh = memoryOf(call) ? 'sys' : 'sysv';
  const e = row.expect;
  // an allowed call succeeds or signals: a fresh child, unless its success is harmless
  if (!e || e.signal) return fresh;
  if (e.ret !== undefined || e.retNonNegative) return HARMLESS_SUCCESS[call] && fresh === 'sysv' ? 'sysc' : fresh;
  if (FRESH_CHILD[call]) return fresh === 'sysv' ? 'sysc' : fresh;
  return 'sysb';
}

/** Batched probes first: the helper runs each run of consecutive `sysb`/`sysq` requests in one
 *  child, so grouping them makes that one child (plus one after each call that succeeds)
 *  instead of one per gap between fresh-child probes. Answers are matched by id, not order. */
const VERB_ORDER: Record<ProbeVerb, number> = { sysb: 0, sysq: 0, sysc: 1, sysv: 2, sys: 3 };

/** Why a row must not be called with these facts, or null when it may be. */
export function skipReason(row: SyscallRow, facts: PlanFacts): string | null {
  if (row.never) return `never called: ${row.never}`;
  if (!row.args || !row.expect) return 'never called: the table gives no safe arguments';
  if (facts.launcherAnswers?.includes(row.call ?? row.name))
    return `not called: the launcher's own seccomp filter answers ${row.call ?? row.name} with ENOSYS (added so that Node could make threads: the place refused clone3 with another errno), so its answer here would be the tool's doing`;
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
    const verb = probeVerb(row);
    const good = verb === 'sysc' ? [...goodErrnos(row, gvisorFailures(row, nr, facts)), ...(HARMLESS_SUCCESS[row.call ?? row.name] ? ['ok' as const] : [])] : [];
    probes.push({ id: row.name, row, nr, line: sysLine(row.name, nr, row.args as Arg[], verb, good), verb });
  }
  const ordered = [...probes].sort((a, b) => VERB_ORDER[a.verb] - VERB_ORDER[b.verb]); // stable: table order within
  lines.push(...ordered.map((p) => p.line));
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
