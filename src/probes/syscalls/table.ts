// THE syscall probe table: one row per x86_64 syscall 0..470 (every number, including the
// never-implemented ones), with its aarch64 number, and a few extra rows (an argument
// variant of clone, and an out-of-range canary).
//
// Each row says how to call the syscall so that an ALLOWED call fails early and harmlessly
// (-1 fds give EBADF, -1 pointers EFAULT, invalid flags EINVAL, invalid signal numbers
// EINVAL), and what an allowed call returns with those arguments. A seccomp filter acts
// before any argument is looked at, so a different answer is the filter's (or the
// sandbox's) doing — unless a capability or sysctl check runs first, which the row says.
//
// Rules every row follows (the C helper runs each in a forked child that holds no
// descriptor but its result pipe; see src/helper/README.md):
//   - no fd argument is ever 0/1/2 or a real descriptor, no path is ever readable;
//   - kill-like calls target the child's own pid with an invalid signal, never 0 or -1;
//   - SysV get calls use a fixed key and never IPC_CREAT: nothing can be created;
//   - nothing can block without a bound (waits are refused on their arguments first);
//   - calls with an effect when the capability is held carry `sideEffectCap`, and the
//     plan never runs them while the process holds that capability;
//   - `never` rows are not called at all.
//
// Kernel-order facts come from reading mainline source (kernel/sys.c, fs/namespace.c,
// ipc/, mm/, ...); notes say where a version changed the order. Numbers: x86_64 from
// arch/x86/entry/syscalls/syscall_64.tbl (6.19), aarch64 from include/uapi/asm-generic/
// unistd.h (the unified numbering from 424 on). Verified by the tests in test/syscalls/.

import { CAPABILITY_NAMES } from '../capabilities.js';

export type Arch = 'x86_64' | 'aarch64';
export const ARCHES: readonly Arch[] = ['x86_64', 'aarch64'];

/** A syscall argument: a 64-bit integer, a hex string for large values, or the child's pid. */
export type Arg = number | 'pid' | `0x${string}`;

/** An fd that is never open: the kernel answers EBADF before doing anything. */
export const NO_FD = -1;
/** A pointer no user mapping can have (0xffffffffffffffff): any copy from or to it is EFAULT. */
export const BAD_PTR = -1;
/** Replaced by the helper with the probe child's own getpid(). */
export const PID = 'pid';
/** The SysV IPC key looked up (never created: no IPC_CREAT) by the *get calls. */
export const NO_KEY = '0x5bdc0de5';

export type CapName =
  | 'CAP_CHOWN' | 'CAP_DAC_OVERRIDE' | 'CAP_DAC_READ_SEARCH' | 'CAP_FOWNER' | 'CAP_FSETID' | 'CAP_KILL'
  | 'CAP_SETGID' | 'CAP_SETUID' | 'CAP_SETPCAP' | 'CAP_LINUX_IMMUTABLE' | 'CAP_NET_BIND_SERVICE'
  | 'CAP_NET_BROADCAST' | 'CAP_NET_ADMIN' | 'CAP_NET_RAW' | 'CAP_IPC_LOCK' | 'CAP_IPC_OWNER' | 'CAP_SYS_MODULE'
  | 'CAP_SYS_RAWIO' | 'CAP_SYS_CHROOT' | 'CAP_SYS_PTRACE' | 'CAP_SYS_PACCT' | 'CAP_SYS_ADMIN' | 'CAP_SYS_BOOT'
  | 'CAP_SYS_NICE' | 'CAP_SYS_RESOURCE' | 'CAP_SYS_TIME' | 'CAP_SYS_TTY_CONFIG' | 'CAP_MKNOD' | 'CAP_LEASE'
  | 'CAP_AUDIT_WRITE' | 'CAP_AUDIT_CONTROL' | 'CAP_SETFCAP' | 'CAP_MAC_OVERRIDE' | 'CAP_MAC_ADMIN' | 'CAP_SYSLOG'
  | 'CAP_WAKE_ALARM' | 'CAP_BLOCK_SUSPEND' | 'CAP_AUDIT_READ' | 'CAP_PERFMON' | 'CAP_BPF' | 'CAP_CHECKPOINT_RESTORE';

/** Bit numbers, derived from the one name table (src/probes/capabilities.ts, which follows
 *  include/uapi/linux/capability.h). */
export const CAPABILITY_BITS = Object.fromEntries(
  CAPABILITY_NAMES.map((name, bit) => [`CAP_${name.toUpperCase()}`, bit]),
) as Readonly<Record<CapName, number>>;

export function hasCapability(effective: bigint, cap: CapName): boolean {
  return ((effective >> BigInt(CAPABILITY_BITS[cap])) & 1n) === 1n;
}

/** errno numbers shared by x86_64 and aarch64 (asm-generic/errno-base.h and errno.h). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK', 16: 'EBUSY', 17: 'EEXIST',
  18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY',
  26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
  34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP',
  42: 'ENOMSG', 43: 'EIDRM', 61: 'ENODATA', 62: 'ETIME', 75: 'EOVERFLOW', 84: 'EILSEQ', 88: 'ENOTSOCK',
  89: 'EDESTADDRREQ', 90: 'EMSGSIZE', 91: 'EPROTOTYPE', 92: 'ENOPROTOOPT', 93: 'EPROTONOSUPPORT',
  94: 'ESOCKTNOSUPPORT', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT', 98: 'EADDRINUSE', 99: 'EADDRNOTAVAIL',
  100: 'ENETDOWN', 101: 'ENETUNREACH', 104: 'ECONNRESET', 105: 'ENOBUFS', 106: 'EISCONN', 107: 'ENOTCONN',
  110: 'ETIMEDOUT', 111: 'ECONNREFUSED', 114: 'EALREADY', 115: 'EINPROGRESS', 116: 'ESTALE', 122: 'EDQUOT',
  125: 'ECANCELED', 126: 'ENOKEY', 127: 'EKEYEXPIRED', 128: 'EKEYREVOKED', 129: 'EKEYREJECTED',
  512: 'ERESTARTSYS', 524: 'ENOTSUPP',
};
export const errnoName = (n: number): string => ERRNO_NAMES[n] ?? `E${n}`;
export function errnoNumber(name: string): number | undefined {
  for (const [num, n] of Object.entries(ERRNO_NAMES)) if (n === name) return Number(num);
  const m = /^E(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
  16: 'SIGSTKFLT', 17: 'SIGCHLD', 18: 'SIGCONT', 19: 'SIGSTOP', 20: 'SIGTSTP', 21: 'SIGTTIN', 22: 'SIGTTOU',
  23: 'SIGURG', 24: 'SIGXCPU', 25: 'SIGXFSZ', 26: 'SIGVTALRM', 27: 'SIGPROF', 28: 'SIGWINCH', 29: 'SIGIO',
  30: 'SIGPWR', 31: 'SIGSYS',
};
export const signalName = (n: number): string => SIGNAL_NAMES[n] ?? `SIG${n}`;

/** What an allowed call returns with the row's arguments; any listed outcome counts. */
export interface Expectation {
  errno?: string[];
  ret?: number;
  retNonNegative?: true;
  /** the call kills its caller with this signal even when allowed (uretprobe) */
  signal?: string;
}

/** A capability check that runs before the seccomp-independent failure. */
export interface CapFirst {
  cap: CapName;
  /** 'init': capable() — needs the capability in the initial user namespace;
   *  'ns': ns_capable() — the capability in the namespace owning the object suffices */
  scope: 'init' | 'ns';
  /** set when the check only happens sometimes: then EPERM without the cap is ambiguous */
  condition?: string;
  /** set when, outside the initial user namespace, the kernel may refuse even with the
   *  capability: then EPERM there is ambiguous */
  childUserNsMayRefuse?: string;
}

/** A sysctl that, when set, makes the call fail with `errno` before its arguments are read. */
export interface SysctlFirst {
  sysctl: SysctlName;
  op: '>=' | '==';
  value: number;
  /** holding any of these bypasses the sysctl */
  caps: CapName[];
  errno: 'EPERM' | 'EACCES';
  /** kernels from this version on no longer check the sysctl first */
  untilKernel?: string;
  note?: string;
}

export type SysctlName =
  | 'kernel.dmesg_restrict'
  | 'kernel.unprivileged_bpf_disabled'
  | 'kernel.perf_event_paranoid'
  | 'vm.unprivileged_userfaultfd'
  | 'kernel.io_uring_disabled';

export interface SyscallRow {
  /** the kernel's name; an argument variant is "call.variant" */
  name: string;
  /** the syscall a variant row calls (its profile name) */
  call?: string;
  nr: Record<Arch, number | null>;
  /** mainline version that added the call */
  since: string;
  /** mainline version from which the call answers ENOSYS */
  removedIn?: string;
  /** a build option (or boot switch) without which the kernel answers ENOSYS */
  configDependent?: string;
  /** the number is reserved but no kernel ever implemented it on x86_64 */
  neverImplemented?: boolean;
  /** a row whose answer reveals a filter's default action */
  canary?: boolean;
  /** the kernel runs this call before seccomp filters see it (uretprobe/uprobe since 6.11):
   *  its answer says nothing about a filter */
  seccompPassthrough?: boolean;
  /** why the call is never executed */
  never?: string;
  args?: Arg[];
  expect?: Expectation;
  capFirst?: CapFirst;
  sysctlFirst?: SysctlFirst;
  /** never called while the process holds this capability */
  sideEffectCap?: CapName;
  sideEffect?: string;
  note?: string;
}

/** The name a seccomp profile knows the row by. */
export const profileName = (row: SyscallRow): string => row.call ?? row.name;

export const SYSCALL_TABLE: readonly SyscallRow[] = [
  { name: 'read', nr: { x86_64: 0, aarch64: 63 }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'write', nr: { x86_64: 1, aarch64: 64 }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'open', nr: { x86_64: 2, aarch64: null }, since: '1.0', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'close', nr: { x86_64: 3, aarch64: 57 }, since: '1.0', args: [NO_FD], expect: { errno: ['EBADF'] } },
  { name: 'stat', nr: { x86_64: 4, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'fstat', nr: { x86_64: 5, aarch64: 80 }, since: '1.0', args: [NO_FD, BAD_PTR], expect: { errno: ['EBADF'] } },
  { name: 'lstat', nr: { x86_64: 6, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'poll', nr: { x86_64: 7, aarch64: null }, since: '2.0', args: [BAD_PTR, 1, 0], expect: { errno: ['EFAULT'] }, note: 'the fd array is copied in before any wait; timeout 0' },
  { name: 'lseek', nr: { x86_64: 8, aarch64: 62 }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'mmap', nr: { x86_64: 9, aarch64: 222 }, since: '1.0', args: [0, 0, 0, 0, NO_FD, 0], expect: { errno: ['EBADF'] }, note: 'not MAP_ANONYMOUS, so the fd is looked up first' },
  { name: 'mprotect', nr: { x86_64: 10, aarch64: 226 }, since: '1.0', args: [1, 4096, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'munmap', nr: { x86_64: 11, aarch64: 215 }, since: '1.0', args: [1, 4096], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'brk', nr: { x86_64: 12, aarch64: 214 }, since: '1.0', args: [0], expect: { retNonNegative: true }, note: 'brk(0) only reports the current break' },
  { name: 'rt_sigaction', nr: { x86_64: 13, aarch64: 134 }, since: '2.2', args: [1000, 0, 0, 8], expect: { errno: ['EINVAL'] }, note: 'invalid signal number' },
  { name: 'rt_sigprocmask', nr: { x86_64: 14, aarch64: 135 }, since: '2.2', args: [0, 0, 0, 1], expect: { errno: ['EINVAL'] }, note: 'wrong sigset size' },
  { name: 'rt_sigreturn', nr: { x86_64: 15, aarch64: 139 }, since: '2.2', never: 'restores a signal frame that does not exist: the child would crash' },
  { name: 'ioctl', nr: { x86_64: 16, aarch64: 29 }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'pread64', nr: { x86_64: 17, aarch64: 67 }, since: '2.2', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'pwrite64', nr: { x86_64: 18, aarch64: 68 }, since: '2.2', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'readv', nr: { x86_64: 19, aarch64: 65 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'writev', nr: { x86_64: 20, aarch64: 66 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'access', nr: { x86_64: 21, aarch64: null }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'pipe', nr: { x86_64: 22, aarch64: null }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] }, note: 'the pipe is made and dropped when the copy-out fails; only in the child' },
  { name: 'select', nr: { x86_64: 23, aarch64: null }, since: '1.0', args: [-1, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'negative nfds is refused before any wait' },
  { name: 'sched_yield', nr: { x86_64: 24, aarch64: 124 }, since: '1.0', args: [], expect: { ret: 0 } },
  { name: 'mremap', nr: { x86_64: 25, aarch64: 216 }, since: '2.0', args: [1, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned address' },
  { name: 'msync', nr: { x86_64: 26, aarch64: 227 }, since: '2.0', args: [1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'mincore', nr: { x86_64: 27, aarch64: 232 }, since: '2.4', args: [1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'madvise', nr: { x86_64: 28, aarch64: 233 }, since: '2.4', args: [1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'shmget', nr: { x86_64: 29, aarch64: 194 }, since: '2.0', args: [NO_KEY, 0, 0], expect: { errno: ['ENOENT'], retNonNegative: true }, note: 'a private key and no IPC_CREAT: looks a segment up, can never create one' },
  { name: 'shmat', nr: { x86_64: 30, aarch64: 196 }, since: '2.0', args: [-1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'negative id' },
  { name: 'shmctl', nr: { x86_64: 31, aarch64: 195 }, since: '2.0', args: [-1, 2, 0], expect: { errno: ['EINVAL'] }, note: 'IPC_STAT on a negative id; never IPC_RMID or an *_INFO command' },
  { name: 'dup', nr: { x86_64: 32, aarch64: 23 }, since: '1.0', args: [NO_FD], expect: { errno: ['EBADF'] } },
  { name: 'dup2', nr: { x86_64: 33, aarch64: null }, since: '1.0', args: [NO_FD, NO_FD], expect: { errno: ['EBADF'] }, note: 'old == new == -1: never a real target fd' },
  { name: 'pause', nr: { x86_64: 34, aarch64: null }, since: '1.0', never: 'waits for a signal without a bound' },
  { name: 'nanosleep', nr: { x86_64: 35, aarch64: 101 }, since: '2.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] }, note: 'the request is copied in before any sleep' },
  { name: 'getitimer', nr: { x86_64: 36, aarch64: 102 }, since: '1.0', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'invalid timer' },
  { name: 'alarm', nr: { x86_64: 37, aarch64: null }, since: '1.0', args: [0], expect: { ret: 0 }, note: 'the child has no alarm pending' },
  { name: 'setitimer', nr: { x86_64: 38, aarch64: 103 }, since: '1.0', args: [1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid timer' },
  { name: 'getpid', nr: { x86_64: 39, aarch64: 172 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'sendfile', nr: { x86_64: 40, aarch64: 71 }, since: '2.2', args: [NO_FD, NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'socket', nr: { x86_64: 41, aarch64: 198 }, since: '2.0', args: [-1, 0, 0], expect: { errno: ['EAFNOSUPPORT'] }, note: 'family -1 is refused before any protocol module is requested' },
  { name: 'connect', nr: { x86_64: 42, aarch64: 203 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'accept', nr: { x86_64: 43, aarch64: 202 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'sendto', nr: { x86_64: 44, aarch64: 206 }, since: '2.0', args: [NO_FD, 0, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'recvfrom', nr: { x86_64: 45, aarch64: 207 }, since: '2.0', args: [NO_FD, 0, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'sendmsg', nr: { x86_64: 46, aarch64: 211 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'recvmsg', nr: { x86_64: 47, aarch64: 212 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'shutdown', nr: { x86_64: 48, aarch64: 210 }, since: '2.0', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'bind', nr: { x86_64: 49, aarch64: 200 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'listen', nr: { x86_64: 50, aarch64: 201 }, since: '2.0', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'getsockname', nr: { x86_64: 51, aarch64: 204 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'getpeername', nr: { x86_64: 52, aarch64: 205 }, since: '2.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'socketpair', nr: { x86_64: 53, aarch64: 199 }, since: '2.0', args: [-1, 0, 0, BAD_PTR], expect: { errno: ['EAFNOSUPPORT', 'EFAULT'] }, note: 'newer kernels copy the fd pair out (EFAULT) before creating any socket' },
  { name: 'setsockopt', nr: { x86_64: 54, aarch64: 208 }, since: '2.0', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'getsockopt', nr: { x86_64: 55, aarch64: 209 }, since: '2.0', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'clone', nr: { x86_64: 56, aarch64: 220 }, since: '1.0', args: ['0x800', 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'CLONE_SIGHAND without CLONE_VM is refused before anything is copied; no namespace flag, so Docker-style argument filters allow it' },
  { name: 'clone.newns', call: 'clone', nr: { x86_64: 56, aarch64: 220 }, since: '2.4.19', args: ['0x20800', 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'CLONE_NEWNS|CLONE_SIGHAND without CLONE_VM is refused before anything is copied (Linux and gVisor alike: gVisor 20221219 does not refuse CLONE_NEWNS|CLONE_FS and really cloned); the namespace flag trips Docker-style argument filters (mask 0x7E020000) unless CAP_SYS_ADMIN' },
  { name: 'fork', nr: { x86_64: 57, aarch64: null }, since: '1.0', never: 'would create a process (the helper forks its probe children itself)' },
  { name: 'vfork', nr: { x86_64: 58, aarch64: null }, since: '2.2', never: 'would suspend the child until its own child exits' },
  { name: 'execve', nr: { x86_64: 59, aarch64: 221 }, since: '1.0', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'exit', nr: { x86_64: 60, aarch64: 93 }, since: '1.0', never: 'ends the caller' },
  { name: 'wait4', nr: { x86_64: 61, aarch64: 260 }, since: '1.0', args: [-1, 0, '0x1000', 0], expect: { errno: ['EINVAL'] }, note: 'invalid options are refused before any wait' },
  { name: 'kill', nr: { x86_64: 62, aarch64: 129 }, since: '1.0', args: [PID, 1000, 0], expect: { errno: ['EINVAL'] }, note: 'own pid, invalid signal number: never pid 0 or -1' },
  { name: 'uname', nr: { x86_64: 63, aarch64: 160 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'semget', nr: { x86_64: 64, aarch64: 190 }, since: '2.0', args: [NO_KEY, 0, 0], expect: { errno: ['ENOENT'], retNonNegative: true }, note: 'no IPC_CREAT: can never create a set' },
  { name: 'semop', nr: { x86_64: 65, aarch64: 193 }, since: '2.0', args: [-1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'nsops 0 and a negative id: refused before any wait' },
  { name: 'semctl', nr: { x86_64: 66, aarch64: 191 }, since: '2.0', args: [-1, 0, 2, 0], expect: { errno: ['EINVAL'] }, note: 'IPC_STAT on a negative id; never IPC_RMID' },
  { name: 'shmdt', nr: { x86_64: 67, aarch64: 197 }, since: '2.0', args: [1], expect: { errno: ['EINVAL'] }, note: 'unaligned address' },
  { name: 'msgget', nr: { x86_64: 68, aarch64: 186 }, since: '2.0', args: [NO_KEY, 0], expect: { errno: ['ENOENT'], retNonNegative: true }, note: 'no IPC_CREAT: can never create a queue' },
  { name: 'msgsnd', nr: { x86_64: 69, aarch64: 189 }, since: '2.0', args: [-1, BAD_PTR, 0, 0], expect: { errno: ['EFAULT', 'EINVAL'] } },
  { name: 'msgrcv', nr: { x86_64: 70, aarch64: 188 }, since: '2.0', args: [-1, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'negative id: refused before any wait' },
  { name: 'msgctl', nr: { x86_64: 71, aarch64: 187 }, since: '2.0', args: [-1, 2, 0], expect: { errno: ['EINVAL'] }, note: 'IPC_STAT on a negative id; never IPC_RMID' },
  { name: 'fcntl', nr: { x86_64: 72, aarch64: 25 }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'flock', nr: { x86_64: 73, aarch64: 32 }, since: '2.0', args: [NO_FD, 0], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'command 0 is invalid (newer kernels check it before the fd)' },
  { name: 'fsync', nr: { x86_64: 74, aarch64: 82 }, since: '1.0', args: [NO_FD], expect: { errno: ['EBADF'] } },
  { name: 'fdatasync', nr: { x86_64: 75, aarch64: 83 }, since: '2.0', args: [NO_FD], expect: { errno: ['EBADF'] } },
  { name: 'truncate', nr: { x86_64: 76, aarch64: 45 }, since: '1.0', args: [BAD_PTR, -1], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'negative length' },
  { name: 'ftruncate', nr: { x86_64: 77, aarch64: 46 }, since: '1.0', args: [NO_FD, -1], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'negative length' },
  { name: 'getdents', nr: { x86_64: 78, aarch64: null }, since: '1.0', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'getcwd', nr: { x86_64: 79, aarch64: 17 }, since: '2.2', args: [BAD_PTR, 1], expect: { errno: ['ERANGE', 'ENOENT'] }, note: 'a 1-byte buffer is too small before anything is copied' },
  { name: 'chdir', nr: { x86_64: 80, aarch64: 49 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'fchdir', nr: { x86_64: 81, aarch64: 50 }, since: '1.0', args: [NO_FD], expect: { errno: ['EBADF'] } },
  { name: 'rename', nr: { x86_64: 82, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'mkdir', nr: { x86_64: 83, aarch64: null }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'rmdir', nr: { x86_64: 84, aarch64: null }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'creat', nr: { x86_64: 85, aarch64: null }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'link', nr: { x86_64: 86, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'unlink', nr: { x86_64: 87, aarch64: null }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'symlink', nr: { x86_64: 88, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'readlink', nr: { x86_64: 89, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR, 1], expect: { errno: ['EFAULT'] } },
  { name: 'chmod', nr: { x86_64: 90, aarch64: null }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'fchmod', nr: { x86_64: 91, aarch64: 52 }, since: '1.0', args: [NO_FD, 0], expect: { errno: ['EBADF'] }, note: 'never fd 0: an allowed fchmod(0, 0) on an inherited /dev/null made it mode 0000' },
  { name: 'chown', nr: { x86_64: 92, aarch64: null }, since: '1.0', args: [BAD_PTR, -1, -1], expect: { errno: ['EFAULT'] } },
  { name: 'fchown', nr: { x86_64: 93, aarch64: 55 }, since: '1.0', args: [NO_FD, -1, -1], expect: { errno: ['EBADF'] } },
  { name: 'lchown', nr: { x86_64: 94, aarch64: null }, since: '1.0', args: [BAD_PTR, -1, -1], expect: { errno: ['EFAULT'] } },
  { name: 'umask', nr: { x86_64: 95, aarch64: 166 }, since: '1.0', args: ['0x12'], expect: { retNonNegative: true }, note: 'changes only the probe child\'s umask' },
  { name: 'gettimeofday', nr: { x86_64: 96, aarch64: 169 }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'getrlimit', nr: { x86_64: 97, aarch64: 163 }, since: '1.0', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'invalid resource' },
  { name: 'getrusage', nr: { x86_64: 98, aarch64: 165 }, since: '1.0', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'invalid who' },
  { name: 'sysinfo', nr: { x86_64: 99, aarch64: 179 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'times', nr: { x86_64: 100, aarch64: 153 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'ptrace', nr: { x86_64: 101, aarch64: 117 }, since: '1.0', args: ['0x4242', '0x7fffffff', 0, 0], expect: { errno: ['ESRCH'] }, note: 'an unknown request on a pid that cannot exist; never PTRACE_TRACEME' },
  { name: 'getuid', nr: { x86_64: 102, aarch64: 174 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'syslog', nr: { x86_64: 103, aarch64: 116 }, since: '1.0', args: [10, 0, 0], expect: { retNonNegative: true }, sysctlFirst: { sysctl: 'kernel.dmesg_restrict', op: '>=', value: 1, caps: ['CAP_SYSLOG'], errno: 'EPERM', note: 'CAP_SYS_ADMIN no longer bypasses it (seen on 6.18)' }, note: 'SYSLOG_ACTION_SIZE_BUFFER: read-only' },
  { name: 'getgid', nr: { x86_64: 104, aarch64: 176 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'setuid', nr: { x86_64: 105, aarch64: 146 }, since: '1.0', args: [-1], expect: { errno: ['EINVAL'] }, note: 'uid -1 is invalid and refused before any permission check' },
  { name: 'setgid', nr: { x86_64: 106, aarch64: 144 }, since: '1.0', args: [-1], expect: { errno: ['EINVAL'] }, note: 'gid -1 is invalid and refused before any permission check' },
  { name: 'geteuid', nr: { x86_64: 107, aarch64: 175 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'getegid', nr: { x86_64: 108, aarch64: 177 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'setpgid', nr: { x86_64: 109, aarch64: 154 }, since: '1.0', args: [PID, -1], expect: { errno: ['EINVAL'] }, note: 'negative pgid' },
  { name: 'getppid', nr: { x86_64: 110, aarch64: 173 }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'getpgrp', nr: { x86_64: 111, aarch64: null }, since: '1.0', args: [], expect: { retNonNegative: true } },
  { name: 'setsid', nr: { x86_64: 112, aarch64: 157 }, since: '1.0', args: [], expect: { retNonNegative: true }, note: 'the probe child is never a group leader, so this only detaches the child' },
  { name: 'setreuid', nr: { x86_64: 113, aarch64: 145 }, since: '1.0', args: [-1, -1], expect: { ret: 0 }, note: '-1 means unchanged: no permission needed, nothing changes' },
  { name: 'setregid', nr: { x86_64: 114, aarch64: 143 }, since: '1.0', args: [-1, -1], expect: { ret: 0 }, note: '-1 means unchanged' },
  { name: 'getgroups', nr: { x86_64: 115, aarch64: 158 }, since: '1.0', args: [0, 0], expect: { retNonNegative: true } },
  { name: 'setgroups', nr: { x86_64: 116, aarch64: 159 }, since: '1.0', args: [-1, 0], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SETGID', scope: 'ns', childUserNsMayRefuse: 'a user namespace whose /proc/self/setgroups says "deny" refuses it even with the capability' }, note: 'a count above NGROUPS_MAX, refused after the permission check' },
  { name: 'setresuid', nr: { x86_64: 117, aarch64: 147 }, since: '2.2', args: [-1, -1, -1], expect: { ret: 0 }, note: '-1 means unchanged' },
  { name: 'getresuid', nr: { x86_64: 118, aarch64: 148 }, since: '2.2', args: [BAD_PTR, BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'setresgid', nr: { x86_64: 119, aarch64: 149 }, since: '2.2', args: [-1, -1, -1], expect: { ret: 0 }, note: '-1 means unchanged' },
  { name: 'getresgid', nr: { x86_64: 120, aarch64: 150 }, since: '2.2', args: [BAD_PTR, BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'getpgid', nr: { x86_64: 121, aarch64: 155 }, since: '1.0', args: [PID], expect: { retNonNegative: true } },
  { name: 'setfsuid', nr: { x86_64: 122, aarch64: 151 }, since: '1.2', args: [-1], expect: { retNonNegative: true }, note: '-1 is invalid: nothing changes, the old value is returned' },
  { name: 'setfsgid', nr: { x86_64: 123, aarch64: 152 }, since: '1.2', args: [-1], expect: { retNonNegative: true }, note: '-1 is invalid: nothing changes' },
  { name: 'getsid', nr: { x86_64: 124, aarch64: 156 }, since: '2.0', args: [PID], expect: { retNonNegative: true } },
  { name: 'capget', nr: { x86_64: 125, aarch64: 90 }, since: '2.2', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'capset', nr: { x86_64: 126, aarch64: 91 }, since: '2.2', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'rt_sigpending', nr: { x86_64: 127, aarch64: 136 }, since: '2.2', args: [BAD_PTR, 1000], expect: { errno: ['EINVAL'] }, note: 'sigset size too large' },
  { name: 'rt_sigtimedwait', nr: { x86_64: 128, aarch64: 137 }, since: '2.2', args: [0, 0, 0, 1000], expect: { errno: ['EINVAL'] }, note: 'wrong sigset size is refused before any wait' },
  { name: 'rt_sigqueueinfo', nr: { x86_64: 129, aarch64: 138 }, since: '2.2', args: [PID, 1000, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] }, note: 'own pid, invalid signal, unreadable siginfo' },
  { name: 'rt_sigsuspend', nr: { x86_64: 130, aarch64: 133 }, since: '2.2', never: 'waits for a signal without a bound' },
  { name: 'sigaltstack', nr: { x86_64: 131, aarch64: 132 }, since: '2.2', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'utime', nr: { x86_64: 132, aarch64: null }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'mknod', nr: { x86_64: 133, aarch64: null }, since: '1.0', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'uselib', nr: { x86_64: 134, aarch64: null }, since: '1.0', configDependent: 'CONFIG_USELIB (off in most distribution kernels; removed from recent kernels)', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'personality', nr: { x86_64: 135, aarch64: 92 }, since: '1.2', args: ['0xffffffff'], expect: { retNonNegative: true }, note: '0xffffffff only queries the persona; any other value would change it' },
  { name: 'ustat', nr: { x86_64: 136, aarch64: null }, since: '1.0', args: [0, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'device 0 has no superblock' },
  { name: 'statfs', nr: { x86_64: 137, aarch64: 43 }, since: '1.0', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'fstatfs', nr: { x86_64: 138, aarch64: 44 }, since: '1.0', args: [NO_FD, BAD_PTR], expect: { errno: ['EBADF'] } },
  { name: 'sysfs', nr: { x86_64: 139, aarch64: null }, since: '1.2', configDependent: 'CONFIG_SYSFS_SYSCALL', args: [0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'option 0 does not exist' },
  { name: 'getpriority', nr: { x86_64: 140, aarch64: 141 }, since: '1.0', args: [1000, 0], expect: { errno: ['EINVAL'] }, note: 'invalid which' },
  { name: 'setpriority', nr: { x86_64: 141, aarch64: 140 }, since: '1.0', args: [1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid which, refused before any permission check' },
  { name: 'sched_setparam', nr: { x86_64: 142, aarch64: 118 }, since: '2.0', args: [PID, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'sched_getparam', nr: { x86_64: 143, aarch64: 121 }, since: '2.0', args: [PID, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'sched_setscheduler', nr: { x86_64: 144, aarch64: 119 }, since: '2.0', args: [PID, 0, BAD_PTR], expect: { errno: ['EFAULT'] }, note: 'the param is copied in before any policy or permission check' },
  { name: 'sched_getscheduler', nr: { x86_64: 145, aarch64: 120 }, since: '2.0', args: [PID], expect: { retNonNegative: true } },
  { name: 'sched_get_priority_max', nr: { x86_64: 146, aarch64: 125 }, since: '2.0', args: [1000], expect: { errno: ['EINVAL'] } },
  { name: 'sched_get_priority_min', nr: { x86_64: 147, aarch64: 126 }, since: '2.0', args: [1000], expect: { errno: ['EINVAL'] } },
  { name: 'sched_rr_get_interval', nr: { x86_64: 148, aarch64: 127 }, since: '2.0', args: [PID, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'mlock', nr: { x86_64: 149, aarch64: 228 }, since: '2.0', args: [0, 0], expect: { ret: 0 }, capFirst: { cap: 'CAP_IPC_LOCK', scope: 'init', condition: 'only when RLIMIT_MEMLOCK is 0' }, note: 'zero length: locks nothing; can_do_mlock() asks capable(CAP_IPC_LOCK), the initial user namespace\'s (mm/mlock.c)' },
  { name: 'munlock', nr: { x86_64: 150, aarch64: 229 }, since: '2.0', args: [0, 0], expect: { ret: 0 } },
  { name: 'mlockall', nr: { x86_64: 151, aarch64: 230 }, since: '2.0', args: [0], expect: { errno: ['EINVAL'] }, note: 'flags 0 are invalid' },
  { name: 'munlockall', nr: { x86_64: 152, aarch64: 231 }, since: '2.0', args: [], expect: { ret: 0 }, note: 'the probe child holds no locks' },
  { name: 'vhangup', nr: { x86_64: 153, aarch64: 58 }, since: '1.0', args: [], expect: { ret: 0 }, capFirst: { cap: 'CAP_SYS_TTY_CONFIG', scope: 'init' }, sideEffectCap: 'CAP_SYS_TTY_CONFIG', sideEffect: 'hangs up the controlling terminal (kills an interactive session)' },
  { name: 'modify_ldt', nr: { x86_64: 154, aarch64: null }, since: '1.2', configDependent: 'CONFIG_MODIFY_LDT_SYSCALL', args: [2, BAD_PTR, 16], expect: { errno: ['EFAULT'], ret: 4294967282 }, note: 'func 2 only reads the default LDT into the (bad) buffer; the kernel returns its int result zero-extended, so -EFAULT arrives as 4294967282' },
  { name: 'pivot_root', nr: { x86_64: 155, aarch64: 41 }, since: '2.4', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, note: 'bad paths: even with the capability nothing moves' },
  { name: '_sysctl', nr: { x86_64: 156, aarch64: null }, since: '1.2', removedIn: '5.5', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'prctl', nr: { x86_64: 157, aarch64: 167 }, since: '2.2', args: ['0x7fffffff', 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unknown option' },
  { name: 'arch_prctl', nr: { x86_64: 158, aarch64: null }, since: '2.4', args: ['0xffff', 0], expect: { errno: ['EINVAL'] }, note: 'unknown code; never ARCH_SET_*' },
  { name: 'adjtimex', nr: { x86_64: 159, aarch64: 171 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] }, note: 'the timex is copied in before any mode or capability check' },
  { name: 'setrlimit', nr: { x86_64: 160, aarch64: 164 }, since: '1.0', args: [1000, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] }, note: 'copied in before the resource is checked' },
  { name: 'chroot', nr: { x86_64: 161, aarch64: 51 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] }, note: 'path lookup comes before the CAP_SYS_CHROOT check' },
  { name: 'sync', nr: { x86_64: 162, aarch64: 81 }, since: '1.0', never: 'flushes every filesystem of the host (an I/O stall on runc)' },
  { name: 'acct', nr: { x86_64: 163, aarch64: 89 }, since: '1.0', args: [0], expect: { ret: 0 }, capFirst: { cap: 'CAP_SYS_PACCT', scope: 'init' }, sideEffectCap: 'CAP_SYS_PACCT', sideEffect: 'acct(NULL) turns process accounting off' },
  { name: 'settimeofday', nr: { x86_64: 164, aarch64: 170 }, since: '1.0', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] }, sideEffectCap: 'CAP_SYS_TIME', sideEffect: 'sets the clock when given a value', note: 'the time is copied in before the capability check, so without the capability it is EFAULT, not EPERM' },
  { name: 'mount', nr: { x86_64: 165, aarch64: 40 }, since: '1.0', args: [0, BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] }, note: 'the target is looked up before may_mount()' },
  { name: 'umount2', nr: { x86_64: 166, aarch64: 39 }, since: '2.2', args: [BAD_PTR, '0x100'], expect: { errno: ['EINVAL'] }, note: 'invalid flags are refused before the path or may_mount()' },
  { name: 'swapon', nr: { x86_64: 167, aarch64: 224 }, since: '1.0', args: [BAD_PTR, '0xffffffff'], expect: { errno: ['EINVAL'] }, sideEffectCap: 'CAP_SYS_ADMIN', sideEffect: 'enables swap on a device', note: 'invalid flags are refused before the capability check' },
  { name: 'swapoff', nr: { x86_64: 168, aarch64: 225 }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'init' }, sideEffectCap: 'CAP_SYS_ADMIN', sideEffect: 'disables swap' },
  { name: 'reboot', nr: { x86_64: 169, aarch64: 142 }, since: '1.0', args: [0, 0, 0, 0], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_BOOT', scope: 'ns' }, sideEffectCap: 'CAP_SYS_BOOT', sideEffect: 'reboots the machine, or kills the pid namespace\'s init' },
  { name: 'sethostname', nr: { x86_64: 170, aarch64: 161 }, since: '1.0', args: [BAD_PTR, -1], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, sideEffectCap: 'CAP_SYS_ADMIN', sideEffect: 'sets the hostname (amicontained blanked hostnames this way)' },
  { name: 'setdomainname', nr: { x86_64: 171, aarch64: 162 }, since: '1.0', args: [BAD_PTR, -1], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, sideEffectCap: 'CAP_SYS_ADMIN', sideEffect: 'sets the NIS domain name' },
  { name: 'iopl', nr: { x86_64: 172, aarch64: null }, since: '1.0', configDependent: 'CONFIG_X86_IOPL_IOPERM', args: [4], expect: { errno: ['EINVAL'] }, note: 'level 4 is invalid and refused before the capability check' },
  { name: 'ioperm', nr: { x86_64: 173, aarch64: null }, since: '1.0', configDependent: 'CONFIG_X86_IOPL_IOPERM', args: [0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'an empty range is refused before the capability check' },
  { name: 'create_module', nr: { x86_64: 174, aarch64: null }, since: '1.0', removedIn: '2.6', canary: true, args: [0, 0], expect: { errno: ['ENOSYS'] } },
  { name: 'init_module', nr: { x86_64: 175, aarch64: 105 }, since: '1.0', configDependent: 'CONFIG_MODULES', args: [BAD_PTR, 0, BAD_PTR], expect: { errno: ['EFAULT', 'ENOEXEC', 'EINVAL'] }, capFirst: { cap: 'CAP_SYS_MODULE', scope: 'init' }, sideEffectCap: 'CAP_SYS_MODULE', sideEffect: 'loads a kernel module' },
  { name: 'delete_module', nr: { x86_64: 176, aarch64: 106 }, since: '1.0', configDependent: 'CONFIG_MODULES', args: [BAD_PTR, 0], expect: { errno: ['EFAULT'] }, capFirst: { cap: 'CAP_SYS_MODULE', scope: 'init' }, sideEffectCap: 'CAP_SYS_MODULE', sideEffect: 'unloads a kernel module' },
  { name: 'get_kernel_syms', nr: { x86_64: 177, aarch64: null }, since: '1.0', removedIn: '2.6', canary: true, args: [0], expect: { errno: ['ENOSYS'] } },
  { name: 'query_module', nr: { x86_64: 178, aarch64: null }, since: '2.2', removedIn: '2.6', canary: true, args: [0, 0, 0, 0, 0], expect: { errno: ['ENOSYS'] } },
  { name: 'quotactl', nr: { x86_64: 179, aarch64: 60 }, since: '1.0', configDependent: 'CONFIG_QUOTACTL', args: [-1, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'quota type 255 is refused before anything else' },
  { name: 'nfsservctl', nr: { x86_64: 180, aarch64: 42 }, since: '2.2', removedIn: '3.1', args: [0, 0, 0], expect: { errno: ['ENOSYS'] }, note: 'not a clean canary: containers-common names it with EPERM' },
  { name: 'getpmsg', nr: { x86_64: 181, aarch64: null }, since: '2.2', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'putpmsg', nr: { x86_64: 182, aarch64: null }, since: '2.2', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'afs_syscall', nr: { x86_64: 183, aarch64: null }, since: '1.0', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'tuxcall', nr: { x86_64: 184, aarch64: null }, since: '2.4', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'security', nr: { x86_64: 185, aarch64: null }, since: '2.4', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'gettid', nr: { x86_64: 186, aarch64: 178 }, since: '2.4', args: [], expect: { retNonNegative: true } },
  { name: 'readahead', nr: { x86_64: 187, aarch64: 213 }, since: '2.4', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'setxattr', nr: { x86_64: 188, aarch64: 5 }, since: '2.4', args: [BAD_PTR, BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'lsetxattr', nr: { x86_64: 189, aarch64: 6 }, since: '2.4', args: [BAD_PTR, BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'fsetxattr', nr: { x86_64: 190, aarch64: 7 }, since: '2.4', args: [NO_FD, BAD_PTR, 0, 0, 0], expect: { errno: ['EBADF', 'EFAULT'] } },
  { name: 'getxattr', nr: { x86_64: 191, aarch64: 8 }, since: '2.4', args: [BAD_PTR, BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'lgetxattr', nr: { x86_64: 192, aarch64: 9 }, since: '2.4', args: [BAD_PTR, BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'fgetxattr', nr: { x86_64: 193, aarch64: 10 }, since: '2.4', args: [NO_FD, BAD_PTR, 0, 0], expect: { errno: ['EBADF', 'EFAULT'] } },
  { name: 'listxattr', nr: { x86_64: 194, aarch64: 11 }, since: '2.4', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'llistxattr', nr: { x86_64: 195, aarch64: 12 }, since: '2.4', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'flistxattr', nr: { x86_64: 196, aarch64: 13 }, since: '2.4', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'removexattr', nr: { x86_64: 197, aarch64: 14 }, since: '2.4', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'lremovexattr', nr: { x86_64: 198, aarch64: 15 }, since: '2.4', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'fremovexattr', nr: { x86_64: 199, aarch64: 16 }, since: '2.4', args: [NO_FD, BAD_PTR], expect: { errno: ['EBADF', 'EFAULT'] } },
  { name: 'tkill', nr: { x86_64: 200, aarch64: 130 }, since: '2.4', args: [PID, 1000], expect: { errno: ['EINVAL'] }, note: 'own tid, invalid signal number' },
  { name: 'time', nr: { x86_64: 201, aarch64: null }, since: '1.0', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'futex', nr: { x86_64: 202, aarch64: 98 }, since: '2.6', args: [1, 1, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'FUTEX_WAKE on an unaligned address: never waits' },
  { name: 'sched_setaffinity', nr: { x86_64: 203, aarch64: 122 }, since: '2.6', args: [PID, 8, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'sched_getaffinity', nr: { x86_64: 204, aarch64: 123 }, since: '2.6', args: [PID, 1, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'a 1-byte mask is too short' },
  { name: 'set_thread_area', nr: { x86_64: 205, aarch64: null }, since: '2.6', neverImplemented: true, args: [BAD_PTR], expect: { errno: ['ENOSYS'] }, note: 'no 64-bit entry on x86_64 (32-bit only)' },
  { name: 'io_setup', nr: { x86_64: 206, aarch64: 0 }, since: '2.6', configDependent: 'CONFIG_AIO', args: [0, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] } },
  { name: 'io_destroy', nr: { x86_64: 207, aarch64: 1 }, since: '2.6', configDependent: 'CONFIG_AIO', args: [0], expect: { errno: ['EINVAL'] } },
  { name: 'io_getevents', nr: { x86_64: 208, aarch64: 4 }, since: '2.6', configDependent: 'CONFIG_AIO', args: [0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'context 0 does not exist: refused before any wait' },
  { name: 'io_submit', nr: { x86_64: 209, aarch64: 2 }, since: '2.6', configDependent: 'CONFIG_AIO', args: [0, 0, 0], expect: { errno: ['EINVAL'] } },
  { name: 'io_cancel', nr: { x86_64: 210, aarch64: 3 }, since: '2.6', configDependent: 'CONFIG_AIO', args: [0, BAD_PTR, 0], expect: { errno: ['EFAULT', 'EINVAL'] } },
  { name: 'get_thread_area', nr: { x86_64: 211, aarch64: null }, since: '2.6', neverImplemented: true, args: [BAD_PTR], expect: { errno: ['ENOSYS'] }, note: 'no 64-bit entry on x86_64 (32-bit only)' },
  { name: 'lookup_dcookie', nr: { x86_64: 212, aarch64: 18 }, since: '2.6', removedIn: '6.10', args: [0, BAD_PTR, 0], expect: { errno: ['EINVAL', 'EFAULT'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'init' } },
  { name: 'epoll_create', nr: { x86_64: 213, aarch64: null }, since: '2.6', args: [0], expect: { errno: ['EINVAL'] }, note: 'size 0' },
  { name: 'epoll_ctl_old', nr: { x86_64: 214, aarch64: null }, since: '2.6', neverImplemented: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'epoll_wait_old', nr: { x86_64: 215, aarch64: null }, since: '2.6', neverImplemented: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'remap_file_pages', nr: { x86_64: 216, aarch64: 234 }, since: '2.6', args: [0, 0, 1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'prot must be 0 (the kernel logs a one-time deprecation line)' },
  { name: 'getdents64', nr: { x86_64: 217, aarch64: 61 }, since: '2.4', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'set_tid_address', nr: { x86_64: 218, aarch64: 96 }, since: '2.6', args: [0], expect: { retNonNegative: true }, note: 'only the probe child\'s clear_child_tid changes' },
  { name: 'restart_syscall', nr: { x86_64: 219, aarch64: 128 }, since: '2.6', args: [], expect: { errno: ['EINTR'] }, note: 'nothing to restart' },
  { name: 'semtimedop', nr: { x86_64: 220, aarch64: 192 }, since: '2.6', args: [-1, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'nsops 0: refused before any wait' },
  { name: 'fadvise64', nr: { x86_64: 221, aarch64: 223 }, since: '2.6', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'timer_create', nr: { x86_64: 222, aarch64: 107 }, since: '2.6', args: [1000, 0, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'invalid clock' },
  { name: 'timer_settime', nr: { x86_64: 223, aarch64: 110 }, since: '2.6', args: ['0x7fffffff', 0, 0, 0], expect: { errno: ['EINVAL', 'EFAULT'] } },
  { name: 'timer_gettime', nr: { x86_64: 224, aarch64: 108 }, since: '2.6', args: ['0x7fffffff', BAD_PTR], expect: { errno: ['EINVAL'] } },
  { name: 'timer_getoverrun', nr: { x86_64: 225, aarch64: 109 }, since: '2.6', args: ['0x7fffffff'], expect: { errno: ['EINVAL'] } },
  { name: 'timer_delete', nr: { x86_64: 226, aarch64: 111 }, since: '2.6', args: ['0x7fffffff'], expect: { errno: ['EINVAL'] } },
  { name: 'clock_settime', nr: { x86_64: 227, aarch64: 112 }, since: '2.6', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] }, sideEffectCap: 'CAP_SYS_TIME', sideEffect: 'sets a clock when given a valid one and a value', note: 'invalid clock id: nothing can be set' },
  { name: 'clock_gettime', nr: { x86_64: 228, aarch64: 113 }, since: '2.6', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] } },
  { name: 'clock_getres', nr: { x86_64: 229, aarch64: 114 }, since: '2.6', args: [1000, BAD_PTR], expect: { errno: ['EINVAL'] } },
  { name: 'clock_nanosleep', nr: { x86_64: 230, aarch64: 115 }, since: '2.6', args: [1000, 0, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'invalid clock: never sleeps' },
  { name: 'exit_group', nr: { x86_64: 231, aarch64: 94 }, since: '2.6', never: 'ends the caller' },
  { name: 'epoll_wait', nr: { x86_64: 232, aarch64: null }, since: '2.6', args: [NO_FD, 0, 0, 0], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'fd -1 and maxevents 0: refused before any wait, whichever is checked first' },
  { name: 'epoll_ctl', nr: { x86_64: 233, aarch64: 21 }, since: '2.6', args: [NO_FD, 2, NO_FD, 0], expect: { errno: ['EBADF'] }, note: 'EPOLL_CTL_DEL copies nothing in' },
  { name: 'tgkill', nr: { x86_64: 234, aarch64: 131 }, since: '2.6', args: [PID, PID, 1000], expect: { errno: ['EINVAL'] }, note: 'own tgid/tid, invalid signal number' },
  { name: 'utimes', nr: { x86_64: 235, aarch64: null }, since: '2.2', args: [BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] }, note: 'times copied in first; a NULL time would mean "now", so it is never NULL' },
  { name: 'vserver', nr: { x86_64: 236, aarch64: null }, since: '2.6', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] } },
  { name: 'mbind', nr: { x86_64: 237, aarch64: 235 }, since: '2.6', configDependent: 'CONFIG_NUMA', args: [0, 0, 1000, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid mode' },
  { name: 'set_mempolicy', nr: { x86_64: 238, aarch64: 237 }, since: '2.6', configDependent: 'CONFIG_NUMA', args: [1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid mode: the policy is not changed' },
  { name: 'get_mempolicy', nr: { x86_64: 239, aarch64: 236 }, since: '2.6', configDependent: 'CONFIG_NUMA', args: [0, 0, 0, 0, '0x100'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'mq_open', nr: { x86_64: 240, aarch64: 180 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'mq_unlink', nr: { x86_64: 241, aarch64: 181 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'mq_timedsend', nr: { x86_64: 242, aarch64: 182 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'mq_timedreceive', nr: { x86_64: 243, aarch64: 183 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'mq_notify', nr: { x86_64: 244, aarch64: 184 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'mq_getsetattr', nr: { x86_64: 245, aarch64: 185 }, since: '2.6', configDependent: 'CONFIG_POSIX_MQUEUE', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'kexec_load', nr: { x86_64: 246, aarch64: 104 }, since: '2.6.13', configDependent: 'CONFIG_KEXEC', args: [0, 0, BAD_PTR, '0xdead0000'], expect: { errno: ['EINVAL', 'EFAULT'] }, capFirst: { cap: 'CAP_SYS_BOOT', scope: 'init' }, sideEffectCap: 'CAP_SYS_BOOT', sideEffect: 'kexec_load(…, 0 segments) unloads a staged kexec/crash kernel' },
  { name: 'waitid', nr: { x86_64: 247, aarch64: 95 }, since: '2.6.9', args: [0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'options 0 are refused before any wait' },
  { name: 'add_key', nr: { x86_64: 248, aarch64: 217 }, since: '2.6.10', configDependent: 'CONFIG_KEYS', args: [BAD_PTR, BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] }, note: 'the type string is copied first: no key or keyring is made' },
  { name: 'request_key', nr: { x86_64: 249, aarch64: 218 }, since: '2.6.10', configDependent: 'CONFIG_KEYS', args: [BAD_PTR, BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'keyctl', nr: { x86_64: 250, aarch64: 219 }, since: '2.6.10', configDependent: 'CONFIG_KEYS', args: ['0xffff', 0, 0, 0, 0], expect: { errno: ['EOPNOTSUPP'] }, note: 'unknown operation' },
  { name: 'ioprio_set', nr: { x86_64: 251, aarch64: 30 }, since: '2.6.13', args: [1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid which' },
  { name: 'ioprio_get', nr: { x86_64: 252, aarch64: 31 }, since: '2.6.13', args: [1000, 0], expect: { errno: ['EINVAL'] } },
  { name: 'inotify_init', nr: { x86_64: 253, aarch64: null }, since: '2.6.13', args: [], expect: { retNonNegative: true }, note: 'an fd in the probe child only' },
  { name: 'inotify_add_watch', nr: { x86_64: 254, aarch64: 27 }, since: '2.6.13', args: [NO_FD, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'empty mask' },
  { name: 'inotify_rm_watch', nr: { x86_64: 255, aarch64: 28 }, since: '2.6.13', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'migrate_pages', nr: { x86_64: 256, aarch64: 238 }, since: '2.6.16', configDependent: 'CONFIG_MIGRATION', args: [PID, '0xffffffff', BAD_PTR, BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'maxnode too large' },
  { name: 'openat', nr: { x86_64: 257, aarch64: 56 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'mkdirat', nr: { x86_64: 258, aarch64: 34 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'mknodat', nr: { x86_64: 259, aarch64: 33 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'fchownat', nr: { x86_64: 260, aarch64: 54 }, since: '2.6.16', args: [NO_FD, BAD_PTR, -1, -1, 0], expect: { errno: ['EFAULT'] } },
  { name: 'futimesat', nr: { x86_64: 261, aarch64: null }, since: '2.6.16', args: [NO_FD, BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'newfstatat', nr: { x86_64: 262, aarch64: 79 }, since: '2.6.16', args: [NO_FD, BAD_PTR, BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'unlinkat', nr: { x86_64: 263, aarch64: 35 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'renameat', nr: { x86_64: 264, aarch64: 38 }, since: '2.6.16', args: [NO_FD, BAD_PTR, NO_FD, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'linkat', nr: { x86_64: 265, aarch64: 37 }, since: '2.6.16', args: [NO_FD, BAD_PTR, NO_FD, BAD_PTR, 1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'symlinkat', nr: { x86_64: 266, aarch64: 36 }, since: '2.6.16', args: [BAD_PTR, NO_FD, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'readlinkat', nr: { x86_64: 267, aarch64: 78 }, since: '2.6.16', args: [NO_FD, BAD_PTR, BAD_PTR, 1], expect: { errno: ['EFAULT'] } },
  { name: 'fchmodat', nr: { x86_64: 268, aarch64: 53 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'faccessat', nr: { x86_64: 269, aarch64: 48 }, since: '2.6.16', args: [NO_FD, BAD_PTR, 0], expect: { errno: ['EFAULT'] } },
  { name: 'pselect6', nr: { x86_64: 270, aarch64: 72 }, since: '2.6.16', args: [-1, 0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'negative nfds' },
  { name: 'ppoll', nr: { x86_64: 271, aarch64: 73 }, since: '2.6.16', args: [BAD_PTR, 1, BAD_PTR, 0, 8], expect: { errno: ['EFAULT'] }, note: 'the timeout is copied in before any wait' },
  { name: 'unshare', nr: { x86_64: 272, aarch64: 97 }, since: '2.6.16', args: [0], expect: { ret: 0 }, note: 'no flags: nothing is unshared' },
  { name: 'set_robust_list', nr: { x86_64: 273, aarch64: 99 }, since: '2.6.17', args: [0, 0], expect: { errno: ['EINVAL'] }, note: 'wrong size' },
  { name: 'get_robust_list', nr: { x86_64: 274, aarch64: 100 }, since: '2.6.17', args: [PID, BAD_PTR, BAD_PTR], expect: { errno: ['EFAULT'] } },
  { name: 'splice', nr: { x86_64: 275, aarch64: 76 }, since: '2.6.17', args: [NO_FD, 0, NO_FD, 0, 1, 0], expect: { errno: ['EBADF'] } },
  { name: 'tee', nr: { x86_64: 276, aarch64: 77 }, since: '2.6.17', args: [NO_FD, NO_FD, 1, 0], expect: { errno: ['EBADF'] } },
  { name: 'sync_file_range', nr: { x86_64: 277, aarch64: 84 }, since: '2.6.17', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'vmsplice', nr: { x86_64: 278, aarch64: 75 }, since: '2.6.17', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'move_pages', nr: { x86_64: 279, aarch64: 239 }, since: '2.6.18', configDependent: 'CONFIG_MIGRATION', args: [PID, 0, 0, 0, 0, '0x1000'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'utimensat', nr: { x86_64: 280, aarch64: 88 }, since: '2.6.22', args: [NO_FD, BAD_PTR, BAD_PTR, 0], expect: { errno: ['EFAULT'] }, note: 'times copied in first; never NULL times' },
  { name: 'epoll_pwait', nr: { x86_64: 281, aarch64: 22 }, since: '2.6.19', args: [NO_FD, 0, 0, 0, 0, 8], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'fd -1 and maxevents 0: refused before any wait' },
  { name: 'signalfd', nr: { x86_64: 282, aarch64: null }, since: '2.6.22', args: [NO_FD, BAD_PTR, 1], expect: { errno: ['EINVAL'] }, note: 'wrong mask size' },
  { name: 'timerfd_create', nr: { x86_64: 283, aarch64: 85 }, since: '2.6.25', args: [1000, 0], expect: { errno: ['EINVAL'] }, note: 'invalid clock' },
  { name: 'eventfd', nr: { x86_64: 284, aarch64: null }, since: '2.6.22', args: [0], expect: { retNonNegative: true }, note: 'an fd in the probe child only' },
  { name: 'fallocate', nr: { x86_64: 285, aarch64: 47 }, since: '2.6.23', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF', 'EINVAL'] } },
  { name: 'timerfd_settime', nr: { x86_64: 286, aarch64: 86 }, since: '2.6.25', args: [NO_FD, 0, BAD_PTR, 0], expect: { errno: ['EFAULT', 'EBADF'] } },
  { name: 'timerfd_gettime', nr: { x86_64: 287, aarch64: 87 }, since: '2.6.25', args: [NO_FD, BAD_PTR], expect: { errno: ['EBADF'] } },
  { name: 'accept4', nr: { x86_64: 288, aarch64: 242 }, since: '2.6.28', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'signalfd4', nr: { x86_64: 289, aarch64: 74 }, since: '2.6.27', args: [NO_FD, BAD_PTR, 1, 0], expect: { errno: ['EINVAL'] }, note: 'wrong mask size' },
  { name: 'eventfd2', nr: { x86_64: 290, aarch64: 19 }, since: '2.6.27', args: [0, -1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'epoll_create1', nr: { x86_64: 291, aarch64: 20 }, since: '2.6.27', args: [-1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'dup3', nr: { x86_64: 292, aarch64: 24 }, since: '2.6.27', args: [NO_FD, NO_FD, 0], expect: { errno: ['EINVAL'] }, note: 'old == new' },
  { name: 'pipe2', nr: { x86_64: 293, aarch64: 59 }, since: '2.6.27', args: [BAD_PTR, -1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'inotify_init1', nr: { x86_64: 294, aarch64: 26 }, since: '2.6.27', args: [-1], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'preadv', nr: { x86_64: 295, aarch64: 69 }, since: '2.6.30', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'pwritev', nr: { x86_64: 296, aarch64: 70 }, since: '2.6.30', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'rt_tgsigqueueinfo', nr: { x86_64: 297, aarch64: 240 }, since: '2.6.31', args: [PID, PID, 1000, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] } },
  { name: 'perf_event_open', nr: { x86_64: 298, aarch64: 241 }, since: '2.6.31', args: [BAD_PTR, -1, -1, -1, 0], expect: { errno: ['EFAULT'] }, sysctlFirst: { sysctl: 'kernel.perf_event_paranoid', op: '>=', value: 3, caps: ['CAP_PERFMON', 'CAP_SYS_ADMIN'], errno: 'EACCES', note: 'Debian/Ubuntu kernels refuse everything at paranoid >= 3 before reading the attr' }, note: 'the attr is read from a bad pointer' },
  { name: 'recvmmsg', nr: { x86_64: 299, aarch64: 243 }, since: '2.6.33', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'fanotify_init', nr: { x86_64: 300, aarch64: 262 }, since: '2.6.37', configDependent: 'CONFIG_FANOTIFY', args: ['0xffffffff', 0], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'init' }, note: 'admin-only flag bits: EPERM without the capability, EINVAL with it' },
  { name: 'fanotify_mark', nr: { x86_64: 301, aarch64: 263 }, since: '2.6.37', configDependent: 'CONFIG_FANOTIFY', args: [NO_FD, 0, 0, NO_FD, 0], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'no add/remove/flush flag' },
  { name: 'prlimit64', nr: { x86_64: 302, aarch64: 261 }, since: '2.6.36', args: [PID, 1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid resource' },
  { name: 'name_to_handle_at', nr: { x86_64: 303, aarch64: 264 }, since: '2.6.39', configDependent: 'CONFIG_FHANDLE', args: [NO_FD, BAD_PTR, BAD_PTR, BAD_PTR, '0x40000000'], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'an unknown flag bit (6.12+ gave bits 0x1 and 0x2 meanings); the handle is only ever written to a bad pointer' },
  { name: 'open_by_handle_at', nr: { x86_64: 304, aarch64: 265 }, since: '2.6.39', configDependent: 'CONFIG_FHANDLE', args: [NO_FD, BAD_PTR, 0], expect: { errno: ['EBADF', 'EFAULT'] }, capFirst: { cap: 'CAP_DAC_READ_SEARCH', scope: 'init', condition: 'older kernels check the capability first; newer ones look the fd up first' } },
  { name: 'clock_adjtime', nr: { x86_64: 305, aarch64: 266 }, since: '2.6.39', args: [1000, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] }, note: 'invalid clock and unreadable timex: nothing is adjusted' },
  { name: 'syncfs', nr: { x86_64: 306, aarch64: 267 }, since: '2.6.39', never: 'flushes a filesystem; kept out of the scan entirely' },
  { name: 'sendmmsg', nr: { x86_64: 307, aarch64: 269 }, since: '3.0', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'setns', nr: { x86_64: 308, aarch64: 268 }, since: '3.0', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'getcpu', nr: { x86_64: 309, aarch64: 168 }, since: '2.6.19', args: [BAD_PTR, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'process_vm_readv', nr: { x86_64: 310, aarch64: 270 }, since: '3.2', configDependent: 'CONFIG_CROSS_MEMORY_ATTACH', args: [PID, 0, 0, 0, 0, 1], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'process_vm_writev', nr: { x86_64: 311, aarch64: 271 }, since: '3.2', configDependent: 'CONFIG_CROSS_MEMORY_ATTACH', args: [PID, 0, 0, 0, 0, 1], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'kcmp', nr: { x86_64: 312, aarch64: 272 }, since: '3.5', configDependent: 'CONFIG_KCMP', args: [PID, PID, 1000, 0, 0], expect: { errno: ['EINVAL'] }, note: 'own pid, invalid type' },
  { name: 'finit_module', nr: { x86_64: 313, aarch64: 273 }, since: '3.8', configDependent: 'CONFIG_MODULES', args: [NO_FD, BAD_PTR, -1], expect: { errno: ['EBADF', 'EINVAL'] }, capFirst: { cap: 'CAP_SYS_MODULE', scope: 'init' }, sideEffectCap: 'CAP_SYS_MODULE', sideEffect: 'loads a kernel module' },
  { name: 'sched_setattr', nr: { x86_64: 314, aarch64: 274 }, since: '3.14', args: [PID, BAD_PTR, 1], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'sched_getattr', nr: { x86_64: 315, aarch64: 275 }, since: '3.14', args: [PID, BAD_PTR, 0, 1], expect: { errno: ['EINVAL'] }, note: 'size too small' },
  { name: 'renameat2', nr: { x86_64: 316, aarch64: 276 }, since: '3.15', args: [NO_FD, BAD_PTR, NO_FD, BAD_PTR, '0xffffffff'], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'invalid flags' },
  { name: 'seccomp', nr: { x86_64: 317, aarch64: 277 }, since: '3.17', args: ['0xffff', 0, 0], expect: { errno: ['EINVAL'] }, note: 'unknown operation: no filter is ever installed' },
  { name: 'getrandom', nr: { x86_64: 318, aarch64: 278 }, since: '3.17', args: [BAD_PTR, 1, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags: never blocks' },
  { name: 'memfd_create', nr: { x86_64: 319, aarch64: 279 }, since: '3.17', args: [BAD_PTR, '0xffff'], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'invalid flags' },
  { name: 'kexec_file_load', nr: { x86_64: 320, aarch64: 294 }, since: '3.17', configDependent: 'CONFIG_KEXEC_FILE', args: [NO_FD, NO_FD, 0, BAD_PTR, '0xdead0000'], expect: { errno: ['EINVAL', 'EBADF'] }, capFirst: { cap: 'CAP_SYS_BOOT', scope: 'init' }, sideEffectCap: 'CAP_SYS_BOOT', sideEffect: 'stages a kernel for kexec' },
  { name: 'bpf', nr: { x86_64: 321, aarch64: 280 }, since: '3.18', configDependent: 'CONFIG_BPF_SYSCALL', args: ['0xffff', 0, 0], expect: { errno: ['EINVAL'] }, sysctlFirst: { sysctl: 'kernel.unprivileged_bpf_disabled', op: '>=', value: 1, caps: ['CAP_BPF', 'CAP_SYS_ADMIN'], errno: 'EPERM', untilKernel: '6.5', note: 'before 6.5 the sysctl was checked before the command' }, note: 'unknown command' },
  { name: 'execveat', nr: { x86_64: 322, aarch64: 281 }, since: '3.19', args: [NO_FD, BAD_PTR, 0, 0, 0], expect: { errno: ['EFAULT'] } },
  { name: 'userfaultfd', nr: { x86_64: 323, aarch64: 282 }, since: '4.3', configDependent: 'CONFIG_USERFAULTFD', args: ['0xffffffff'], expect: { errno: ['EINVAL'] }, sysctlFirst: { sysctl: 'vm.unprivileged_userfaultfd', op: '==', value: 0, caps: ['CAP_SYS_PTRACE'], errno: 'EPERM', untilKernel: '5.11', note: 'since 5.11 UFFD_USER_MODE_ONLY (set in these flags) passes the permission check' }, note: 'invalid flags' },
  { name: 'membarrier', nr: { x86_64: 324, aarch64: 283 }, since: '4.3', args: [0, 0, 0], expect: { retNonNegative: true }, note: 'MEMBARRIER_CMD_QUERY only reports what is supported' },
  { name: 'mlock2', nr: { x86_64: 325, aarch64: 284 }, since: '4.4', args: [0, 0, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'copy_file_range', nr: { x86_64: 326, aarch64: 285 }, since: '4.5', args: [NO_FD, 0, NO_FD, 0, 1, 0], expect: { errno: ['EBADF'] } },
  { name: 'preadv2', nr: { x86_64: 327, aarch64: 286 }, since: '4.6', args: [NO_FD, 0, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'pwritev2', nr: { x86_64: 328, aarch64: 287 }, since: '4.6', args: [NO_FD, 0, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'pkey_mprotect', nr: { x86_64: 329, aarch64: 288 }, since: '4.9', args: [1, 0, 0, -1], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'pkey_alloc', nr: { x86_64: 330, aarch64: 289 }, since: '4.9', args: [1, 0], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'pkey_free', nr: { x86_64: 331, aarch64: 290 }, since: '4.9', args: [1000], expect: { errno: ['EINVAL'] }, note: 'never allocated' },
  { name: 'statx', nr: { x86_64: 332, aarch64: 291 }, since: '4.11', args: [NO_FD, BAD_PTR, '0x6000', 0, BAD_PTR], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'both sync types at once are invalid' },
  { name: 'io_pgetevents', nr: { x86_64: 333, aarch64: 292 }, since: '4.18', configDependent: 'CONFIG_AIO', args: [0, 0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'context 0 does not exist' },
  { name: 'rseq', nr: { x86_64: 334, aarch64: 293 }, since: '4.18', args: [BAD_PTR, 0, '0xffff', 0], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'uretprobe', nr: { x86_64: 335, aarch64: null }, since: '6.11', seccompPassthrough: true, args: [], expect: { signal: 'SIGILL' }, note: 'outside a uretprobe trampoline the kernel sends SIGILL; seccomp filters pass this call through, so it says nothing about a filter' },
  { name: 'uprobe', nr: { x86_64: 336, aarch64: null }, since: '6.18', seccompPassthrough: true, args: [], expect: { errno: ['ENXIO'] }, note: 'outside a uprobe trampoline; seccomp filters pass it through' },
  { name: 'pidfd_send_signal', nr: { x86_64: 424, aarch64: 424 }, since: '5.1', args: [NO_FD, 1000, 0, 0], expect: { errno: ['EBADF', 'EINVAL'] } },
  { name: 'io_uring_setup', nr: { x86_64: 425, aarch64: 425 }, since: '5.1', configDependent: 'CONFIG_IO_URING', args: [0, BAD_PTR], expect: { errno: ['EFAULT', 'EINVAL'] }, sysctlFirst: { sysctl: 'kernel.io_uring_disabled', op: '>=', value: 1, caps: ['CAP_SYS_ADMIN'], errno: 'EPERM', note: '1: only CAP_SYS_ADMIN or the io_uring group; 2: nobody' }, note: 'unreadable params: no ring is made' },
  { name: 'io_uring_enter', nr: { x86_64: 426, aarch64: 426 }, since: '5.1', configDependent: 'CONFIG_IO_URING', args: [NO_FD, 0, 0, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'io_uring_register', nr: { x86_64: 427, aarch64: 427 }, since: '5.1', configDependent: 'CONFIG_IO_URING', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF', 'EINVAL'] }, note: '6.13+ treats fd -1 as a "blind" registration and answers EINVAL' },
  { name: 'open_tree', nr: { x86_64: 428, aarch64: 428 }, since: '5.2', args: [NO_FD, BAD_PTR, 2], expect: { errno: ['EINVAL'] }, note: 'invalid flags, checked first (no OPEN_TREE_CLONE)' },
  { name: 'move_mount', nr: { x86_64: 429, aarch64: 429 }, since: '5.2', args: [NO_FD, BAD_PTR, NO_FD, BAD_PTR, '0xffffffff'], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, note: 'invalid flags' },
  { name: 'fsopen', nr: { x86_64: 430, aarch64: 430 }, since: '5.2', args: [BAD_PTR, '0xffff'], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, note: 'invalid flags' },
  { name: 'fsconfig', nr: { x86_64: 431, aarch64: 431 }, since: '5.2', args: [NO_FD, 0, 0, 0, 0], expect: { errno: ['EINVAL', 'EBADF'] } },
  { name: 'fsmount', nr: { x86_64: 432, aarch64: 432 }, since: '5.2', args: [NO_FD, '0xffff', 0], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, note: 'invalid flags' },
  { name: 'fspick', nr: { x86_64: 433, aarch64: 433 }, since: '5.2', args: [NO_FD, BAD_PTR, '0xffff'], expect: { errno: ['EINVAL'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns' }, note: 'invalid flags' },
  { name: 'pidfd_open', nr: { x86_64: 434, aarch64: 434 }, since: '5.3', args: [PID, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'clone3', nr: { x86_64: 435, aarch64: 435 }, since: '5.3', args: [0, 0], expect: { errno: ['EINVAL'] }, note: 'a size below CLONE_ARGS_SIZE_VER0: nothing is cloned' },
  { name: 'close_range', nr: { x86_64: 436, aarch64: 436 }, since: '5.9', args: [1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'first > last: nothing is closed' },
  { name: 'openat2', nr: { x86_64: 437, aarch64: 437 }, since: '5.6', args: [NO_FD, BAD_PTR, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'size 0' },
  { name: 'pidfd_getfd', nr: { x86_64: 438, aarch64: 438 }, since: '5.6', args: [NO_FD, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'faccessat2', nr: { x86_64: 439, aarch64: 439 }, since: '5.8', args: [NO_FD, BAD_PTR, 0, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'process_madvise', nr: { x86_64: 440, aarch64: 440 }, since: '5.10', args: [NO_FD, 0, 0, 0, 1], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'epoll_pwait2', nr: { x86_64: 441, aarch64: 441 }, since: '5.11', args: [NO_FD, 0, 0, 0, 0, 8], expect: { errno: ['EINVAL', 'EBADF'] }, note: 'fd -1 and maxevents 0: refused before any wait' },
  { name: 'mount_setattr', nr: { x86_64: 442, aarch64: 442 }, since: '5.12', args: [NO_FD, BAD_PTR, '0xffffffff', 0, 0], expect: { errno: ['EINVAL'] }, note: 'invalid flags, size 0' },
  { name: 'quotactl_fd', nr: { x86_64: 443, aarch64: 443 }, since: '5.14', configDependent: 'CONFIG_QUOTACTL', args: [NO_FD, 0, 0, 0], expect: { errno: ['EBADF'] } },
  { name: 'landlock_create_ruleset', nr: { x86_64: 444, aarch64: 444 }, since: '5.13', configDependent: 'CONFIG_SECURITY_LANDLOCK', args: [0, 0, 1], expect: { errno: ['EOPNOTSUPP'], retNonNegative: true }, note: 'LANDLOCK_CREATE_RULESET_VERSION only reports the ABI version; EOPNOTSUPP when Landlock is not enabled' },
  { name: 'landlock_add_rule', nr: { x86_64: 445, aarch64: 445 }, since: '5.13', configDependent: 'CONFIG_SECURITY_LANDLOCK', args: [NO_FD, 0, 0, '0xffff'], expect: { errno: ['EINVAL', 'EOPNOTSUPP', 'EBADF'] } },
  { name: 'landlock_restrict_self', nr: { x86_64: 446, aarch64: 446 }, since: '5.13', configDependent: 'CONFIG_SECURITY_LANDLOCK', args: [NO_FD, '0xffff'], expect: { errno: ['EINVAL', 'EOPNOTSUPP'] }, capFirst: { cap: 'CAP_SYS_ADMIN', scope: 'ns', condition: 'only when no_new_privs is not set' }, note: 'invalid flags and fd -1: nothing is restricted' },
  { name: 'memfd_secret', nr: { x86_64: 447, aarch64: 447 }, since: '5.14', configDependent: 'CONFIG_SECRETMEM and secretmem.enable (ENOSYS when off)', args: ['0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'process_mrelease', nr: { x86_64: 448, aarch64: 448 }, since: '5.15', args: [NO_FD, 0], expect: { errno: ['EBADF'] } },
  { name: 'futex_waitv', nr: { x86_64: 449, aarch64: 449 }, since: '5.16', args: [0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'no waiters: never waits' },
  { name: 'set_mempolicy_home_node', nr: { x86_64: 450, aarch64: 450 }, since: '5.17', configDependent: 'CONFIG_NUMA', args: [1, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start' },
  { name: 'cachestat', nr: { x86_64: 451, aarch64: 451 }, since: '6.5', configDependent: 'CONFIG_CACHESTAT_SYSCALL', args: [NO_FD, BAD_PTR, BAD_PTR, 0], expect: { errno: ['EBADF', 'EFAULT'] } },
  { name: 'fchmodat2', nr: { x86_64: 452, aarch64: 452 }, since: '6.6', args: [NO_FD, BAD_PTR, 0, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'map_shadow_stack', nr: { x86_64: 453, aarch64: 453 }, since: '6.6', configDependent: 'CONFIG_X86_USER_SHADOW_STACK (arm64: CONFIG_ARM64_GCS)', args: [0, 0, '0xffff'], expect: { errno: ['EINVAL', 'EOPNOTSUPP'] }, note: 'EOPNOTSUPP without user shadow stacks' },
  { name: 'futex_wake', nr: { x86_64: 454, aarch64: 454 }, since: '6.7', args: [1, 0, 1, 0], expect: { errno: ['EINVAL'] }, note: 'size flag U8 is unsupported' },
  { name: 'futex_wait', nr: { x86_64: 455, aarch64: 455 }, since: '6.7', args: [1, 0, 0, 0, 0, 0], expect: { errno: ['EINVAL'] }, note: 'size flag U8 is unsupported: never waits' },
  { name: 'futex_requeue', nr: { x86_64: 456, aarch64: 456 }, since: '6.7', args: [0, 1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'flags must be 0' },
  { name: 'statmount', nr: { x86_64: 457, aarch64: 457 }, since: '6.8', args: [0, 0, 0, 1], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'invalid flags' },
  { name: 'listmount', nr: { x86_64: 458, aarch64: 458 }, since: '6.8', args: [0, 0, 0, '0xffff0'], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'invalid flags' },
  { name: 'lsm_get_self_attr', nr: { x86_64: 459, aarch64: 459 }, since: '6.8', args: [0, BAD_PTR, BAD_PTR, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'lsm_set_self_attr', nr: { x86_64: 460, aarch64: 460 }, since: '6.8', args: [0, BAD_PTR, 0, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags: no attribute is ever set' },
  { name: 'lsm_list_modules', nr: { x86_64: 461, aarch64: 461 }, since: '6.8', args: [BAD_PTR, BAD_PTR, '0xffff'], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'mseal', nr: { x86_64: 462, aarch64: 462 }, since: '6.10', args: [1, 0, 0], expect: { errno: ['EINVAL'] }, note: 'unaligned start: nothing is sealed' },
  { name: 'setxattrat', nr: { x86_64: 463, aarch64: 463 }, since: '6.13', args: [NO_FD, BAD_PTR, '0xffffffff', BAD_PTR, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags' },
  { name: 'getxattrat', nr: { x86_64: 464, aarch64: 464 }, since: '6.13', args: [NO_FD, BAD_PTR, '0xffffffff', BAD_PTR, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags' },
  { name: 'listxattrat', nr: { x86_64: 465, aarch64: 465 }, since: '6.13', args: [NO_FD, BAD_PTR, '0xffffffff', BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags' },
  { name: 'removexattrat', nr: { x86_64: 466, aarch64: 466 }, since: '6.13', args: [NO_FD, BAD_PTR, '0xffffffff', BAD_PTR], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags' },
  { name: 'open_tree_attr', nr: { x86_64: 467, aarch64: 467 }, since: '6.15', args: [NO_FD, BAD_PTR, 2, BAD_PTR, 0], expect: { errno: ['EINVAL'] }, note: 'invalid flags' },
  { name: 'file_getattr', nr: { x86_64: 468, aarch64: 468 }, since: '6.17', args: [NO_FD, BAD_PTR, BAD_PTR, 0, '0xffffffff'], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags' },
  { name: 'file_setattr', nr: { x86_64: 469, aarch64: 469 }, since: '6.17', args: [NO_FD, BAD_PTR, BAD_PTR, 0, '0xffffffff'], expect: { errno: ['EINVAL'] }, note: 'invalid at-flags: nothing is set' },
  { name: 'listns', nr: { x86_64: 470, aarch64: 470 }, since: '6.19', args: [BAD_PTR, BAD_PTR, 0, '0xffff'], expect: { errno: ['EINVAL', 'EFAULT'] }, note: 'invalid flags' },
  { name: 'canary_1023', nr: { x86_64: 1023, aarch64: 1023 }, since: '1.0', neverImplemented: true, canary: true, args: [], expect: { errno: ['ENOSYS'] }, note: 'out of every table: any answer but ENOSYS is the filter\'s default action' },
];

export function rowsForArch(arch: Arch): SyscallRow[] {
  return SYSCALL_TABLE.filter((row) => row.nr[arch] !== null);
}

let rowsByName: Map<string, SyscallRow> | null = null;

/** The row of that name (the first, as a search of the table would find). The classifier asks
 *  this for every name in every profile rule, so it is an index, not a search. */
export function rowByName(name: string): SyscallRow | undefined {
  if (!rowsByName) {
    rowsByName = new Map();
    for (const row of SYSCALL_TABLE) if (!rowsByName.has(row.name)) rowsByName.set(row.name, row);
  }
  return rowsByName.get(name);
}

/** "6.18.44-fc-v669" → [6, 18, 44]; null when the release does not start with a version. */
export function parseKernelVersion(release: string | null | undefined): number[] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** Is the running version at least `version` ("2.6.16", "5.9")? */
export function kernelAtLeast(running: number[], version: string): boolean {
  const want = version.split('.').map(Number);
  for (let i = 0; i < Math.max(want.length, running.length, 3); i++) {
    const a = running[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** Maps a uname machine string to a table arch. */
export function archFromMachine(machine: string): Arch | null {
  if (machine === 'x86_64' || machine === 'amd64') return 'x86_64';
  if (machine === 'aarch64' || machine === 'arm64') return 'aarch64';
  return null;
}
