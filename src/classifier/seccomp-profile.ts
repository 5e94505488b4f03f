// Fingerprints the seccomp profile from the syscall dispositions: which known profile
// (Docker's default, containers-common's default, none) the blocked set matches, given the
// capabilities the process holds, with every difference listed. Pure: data in, verdict out.
//
// The known profiles are embedded as data, evaluated the way the engines evaluate them
// (a rule applies when all its includes.caps are held, none of its excludes.caps are, the
// arch is listed if it lists arches, and the kernel is at least minKernel; argument
// conditions are checked against the probe's own arguments; no matching rule → default).
//
// Sources, read and converted by a one-off script (names outside our table — 32-bit,
// mips, s390, ppc calls — and rules for other arches were left out; nothing else changed):
//  - docker-default: Docker's profiles/seccomp/default.json as shipped by Debian 12's
//    golang-github-docker-docker-dev 20.10.24+dfsg1-1+deb12u1 at
//    /usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json.
//    No defaultErrnoRet there: runc then answers EPERM. Newer moby (25+) also blocks
//    io_uring_* and argument-filters socket(); such a scan matches this profile with
//    those differences listed.
//  - containers-default: containers/common pkg/seccomp/seccomp.json at f437c58aab67
//    (2025-08-25), used by Podman, CRI-O and Buildah. defaultErrnoRet 38 (ENOSYS).
import type { SyscallResult } from '../probes/syscalls/dispositions.js';
import {
  type Arch,
  type Arg,
  type CapName,
  hasCapability,
  kernelAtLeast,
  parseKernelVersion,
  rowByName,
} from '../probes/syscalls/table.js';

export type ArgOp = 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'MASKED_EQ';

export interface ProfileRule {
  names: string[];
  action: 'allow' | 'errno';
  errno?: number;
  includesCaps?: string[];
  excludesCaps?: string[];
  /** engine arch names: amd64, x32, x86, arm64, arm, ... */
  arches?: string[];
  excludesArches?: string[];
  minKernel?: string;
  args?: { index: number; value: number; op: ArgOp }[];
}

export interface KnownProfile {
  id: 'docker-default' | 'containers-default';
  source: string;
  /** errno of the default action */
  defaultErrno: number;
  rules: ProfileRule[];
}

export const KNOWN_PROFILES: readonly KnownProfile[] = [
  {
    id: 'docker-default',
    source: 'Debian golang-github-docker-docker-dev 20.10.24: profiles/seccomp/default.json',
    defaultErrno: 1,
    rules: [
      { names: ['accept', 'accept4', 'access', 'adjtimex', 'alarm', 'bind', 'brk', 'capget', 'capset', 'chdir', 'chmod', 'chown', 'clock_adjtime', 'clock_getres', 'clock_gettime', 'clock_nanosleep', 'close', 'close_range', 'connect', 'copy_file_range', 'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve', 'execveat', 'exit', 'exit_group', 'faccessat', 'faccessat2', 'fadvise64', 'fallocate', 'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchown', 'fchownat', 'fcntl', 'fdatasync', 'fgetxattr', 'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsetxattr', 'fstat', 'fstatfs', 'fsync', 'ftruncate', 'futex', 'futex_waitv', 'futimesat', 'getcpu', 'getcwd', 'getdents', 'getdents64', 'getegid', 'geteuid', 'getgid', 'getgroups', 'getitimer', 'getpeername', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority', 'getrandom', 'getresgid', 'getresuid', 'getrlimit', 'get_robust_list', 'getrusage', 'getsid', 'getsockname', 'getsockopt', 'get_thread_area', 'gettid', 'gettimeofday', 'getuid', 'getxattr', 'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel', 'ioctl', 'io_destroy', 'io_getevents', 'io_pgetevents', 'ioprio_get', 'ioprio_set', 'io_setup', 'io_submit', 'io_uring_enter', 'io_uring_register', 'io_uring_setup', 'kill', 'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', 'lgetxattr', 'link', 'linkat', 'listen', 'listxattr', 'llistxattr', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', 'madvise', 'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mprotect', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedsend', 'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', 'munlock', 'munlockall', 'munmap', 'nanosleep', 'newfstatat', 'open', 'openat', 'openat2', 'pause', 'pidfd_open', 'pidfd_send_signal', 'pipe', 'pipe2', 'poll', 'ppoll', 'prctl', 'pread64', 'preadv', 'preadv2', 'prlimit64', 'process_mrelease', 'pselect6', 'pwrite64', 'pwritev', 'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'recvfrom', 'recvmmsg', 'recvmsg', 'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2', 'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_tgsigqueueinfo', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getscheduler', 'sched_rr_get_interval', 'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'select', 'semctl', 'semget', 'semop', 'semtimedop', 'sendfile', 'sendmmsg', 'sendmsg', 'sendto', 'setfsgid', 'setfsuid', 'setgid', 'setgroups', 'setitimer', 'setpgid', 'setpriority', 'setregid', 'setresgid', 'setresuid', 'setreuid', 'setrlimit', 'set_robust_list', 'setsid', 'setsockopt', 'set_thread_area', 'set_tid_address', 'setuid', 'setxattr', 'shmat', 'shmctl', 'shmdt', 'shmget', 'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'socket', 'socketpair', 'splice', 'stat', 'statfs', 'statx', 'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', 'tee', 'tgkill', 'time', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_settime', 'timerfd_create', 'timerfd_gettime', 'timerfd_settime', 'times', 'tkill', 'truncate', 'umask', 'uname', 'unlink', 'unlinkat', 'utime', 'utimensat', 'utimes', 'vfork', 'vmsplice', 'wait4', 'waitid', 'write', 'writev'], action: 'allow' },
      { names: ['ptrace'], action: 'allow', minKernel: '4.8' },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 0, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 8, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 131072, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 131080, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 4294967295, op: 'EQ' }] },
      { names: ['arch_prctl'], action: 'allow', arches: ['amd64', 'x32'] },
      { names: ['modify_ldt'], action: 'allow', arches: ['amd64', 'x32', 'x86'] },
      { names: ['open_by_handle_at'], action: 'allow', includesCaps: ['CAP_DAC_READ_SEARCH'] },
      { names: ['bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie', 'mount', 'mount_setattr', 'move_mount', 'name_to_handle_at', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns', 'syslog', 'umount2', 'unshare'], action: 'allow', includesCaps: ['CAP_SYS_ADMIN'] },
      { names: ['clone'], action: 'allow', excludesCaps: ['CAP_SYS_ADMIN'], excludesArches: ['s390', 's390x'], args: [{ index: 0, value: 2114060288, op: 'MASKED_EQ' }] },
      { names: ['clone3'], action: 'errno', errno: 38, excludesCaps: ['CAP_SYS_ADMIN'], excludesArches: ['mips3l64n32', 'mips64', 'mips64n32', 'mipsel', 'mipsel64'] },
      { names: ['reboot'], action: 'allow', includesCaps: ['CAP_SYS_BOOT'] },
      { names: ['chroot'], action: 'allow', includesCaps: ['CAP_SYS_CHROOT'] },
      { names: ['delete_module', 'init_module', 'finit_module'], action: 'allow', includesCaps: ['CAP_SYS_MODULE'] },
      { names: ['acct'], action: 'allow', includesCaps: ['CAP_SYS_PACCT'] },
      { names: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'], action: 'allow', includesCaps: ['CAP_SYS_PTRACE'] },
      { names: ['iopl', 'ioperm'], action: 'allow', includesCaps: ['CAP_SYS_RAWIO'] },
      { names: ['settimeofday', 'clock_settime'], action: 'allow', includesCaps: ['CAP_SYS_TIME'] },
      { names: ['vhangup'], action: 'allow', includesCaps: ['CAP_SYS_TTY_CONFIG'] },
      { names: ['get_mempolicy', 'mbind', 'set_mempolicy'], action: 'allow', includesCaps: ['CAP_SYS_NICE'] },
      { names: ['syslog'], action: 'allow', includesCaps: ['CAP_SYSLOG'] },    ],
  },
  {
    id: 'containers-default',
    source: 'containers/common pkg/seccomp/seccomp.json @ f437c58aab67',
    defaultErrno: 38,
    rules: [
      { names: ['cachestat', 'futex_requeue', 'futex_wait', 'futex_waitv', 'futex_wake', 'io_pgetevents', 'kexec_file_load', 'kexec_load', 'map_shadow_stack', 'migrate_pages', 'move_pages', 'nfsservctl', 'swapoff', 'swapon', 'sysfs', 'uselib', 'userfaultfd', 'ustat', 'vmsplice'], action: 'errno', errno: 1 },
      { names: ['accept', 'accept4', 'access', 'adjtimex', 'alarm', 'bind', 'brk', 'capget', 'capset', 'chdir', 'chmod', 'chown', 'clock_adjtime', 'clock_getres', 'clock_gettime', 'clock_nanosleep', 'clone', 'clone3', 'close', 'close_range', 'connect', 'copy_file_range', 'creat', 'dup', 'dup2', 'dup3', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_pwait', 'epoll_pwait2', 'epoll_wait', 'epoll_wait_old', 'eventfd', 'eventfd2', 'execve', 'execveat', 'exit', 'exit_group', 'faccessat', 'faccessat2', 'fadvise64', 'fallocate', 'fanotify_init', 'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fchown', 'fchownat', 'fcntl', 'fdatasync', 'fgetxattr', 'flistxattr', 'flock', 'fork', 'fremovexattr', 'fsconfig', 'fsetxattr', 'fsmount', 'fsopen', 'fspick', 'fstat', 'fstatfs', 'fsync', 'ftruncate', 'futex', 'futimesat', 'get_mempolicy', 'get_robust_list', 'get_thread_area', 'getcpu', 'getcwd', 'getdents', 'getdents64', 'getegid', 'geteuid', 'getgid', 'getgroups', 'getitimer', 'getpeername', 'getpgid', 'getpgrp', 'getpid', 'getppid', 'getpriority', 'getrandom', 'getresgid', 'getresuid', 'getrlimit', 'getrusage', 'getsid', 'getsockname', 'getsockopt', 'gettid', 'gettimeofday', 'getuid', 'getxattr', 'inotify_add_watch', 'inotify_init', 'inotify_init1', 'inotify_rm_watch', 'io_cancel', 'io_destroy', 'io_getevents', 'io_setup', 'io_submit', 'ioctl', 'ioprio_get', 'ioprio_set', 'keyctl', 'kill', 'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lchown', 'lgetxattr', 'link', 'linkat', 'listen', 'listxattr', 'llistxattr', 'lremovexattr', 'lseek', 'lsetxattr', 'lstat', 'madvise', 'mbind', 'membarrier', 'memfd_create', 'memfd_secret', 'mincore', 'mkdir', 'mkdirat', 'mknod', 'mknodat', 'mlock', 'mlock2', 'mlockall', 'mmap', 'mount', 'mount_setattr', 'move_mount', 'mprotect', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedsend', 'mq_unlink', 'mremap', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'msync', 'munlock', 'munlockall', 'munmap', 'name_to_handle_at', 'nanosleep', 'newfstatat', 'open', 'open_tree', 'openat', 'openat2', 'pause', 'pidfd_getfd', 'pidfd_open', 'pidfd_send_signal', 'pipe', 'pipe2', 'pivot_root', 'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'poll', 'ppoll', 'prctl', 'pread64', 'preadv', 'preadv2', 'prlimit64', 'process_mrelease', 'process_vm_readv', 'process_vm_writev', 'pselect6', 'ptrace', 'pwrite64', 'pwritev', 'pwritev2', 'read', 'readahead', 'readlink', 'readlinkat', 'readv', 'reboot', 'recvfrom', 'recvmmsg', 'recvmsg', 'remap_file_pages', 'removexattr', 'rename', 'renameat', 'renameat2', 'restart_syscall', 'rmdir', 'rseq', 'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigtimedwait', 'rt_tgsigqueueinfo', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_getaffinity', 'sched_getattr', 'sched_getparam', 'sched_getscheduler', 'sched_rr_get_interval', 'sched_setaffinity', 'sched_setattr', 'sched_setparam', 'sched_setscheduler', 'sched_yield', 'seccomp', 'select', 'semctl', 'semget', 'semop', 'semtimedop', 'sendfile', 'sendmmsg', 'sendmsg', 'sendto', 'set_mempolicy', 'set_robust_list', 'set_thread_area', 'set_tid_address', 'setfsgid', 'setfsuid', 'setgid', 'setgroups', 'setitimer', 'setns', 'setpgid', 'setpriority', 'setregid', 'setresgid', 'setresuid', 'setreuid', 'setrlimit', 'setsid', 'setsockopt', 'setuid', 'setxattr', 'shmat', 'shmctl', 'shmdt', 'shmget', 'shutdown', 'sigaltstack', 'signalfd', 'signalfd4', 'socketpair', 'splice', 'stat', 'statfs', 'statx', 'symlink', 'symlinkat', 'sync', 'sync_file_range', 'syncfs', 'sysinfo', 'syslog', 'tee', 'tgkill', 'time', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_settime', 'timerfd_create', 'timerfd_gettime', 'timerfd_settime', 'times', 'tkill', 'truncate', 'umask', 'umount2', 'uname', 'unlink', 'unlinkat', 'unshare', 'utime', 'utimensat', 'utimes', 'vfork', 'wait4', 'waitid', 'write', 'writev'], action: 'allow' },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 0, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 8, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 131072, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 131080, op: 'EQ' }] },
      { names: ['personality'], action: 'allow', args: [{ index: 0, value: 4294967295, op: 'EQ' }] },
      { names: ['arch_prctl'], action: 'allow', arches: ['amd64', 'x32'] },
      { names: ['modify_ldt'], action: 'allow', arches: ['amd64', 'x32', 'x86'] },
      { names: ['open_by_handle_at'], action: 'allow', includesCaps: ['CAP_DAC_READ_SEARCH'] },
      { names: ['open_by_handle_at'], action: 'errno', errno: 1, excludesCaps: ['CAP_DAC_READ_SEARCH'] },
      { names: ['bpf', 'lookup_dcookie', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns'], action: 'allow', includesCaps: ['CAP_SYS_ADMIN'] },
      { names: ['lookup_dcookie', 'perf_event_open', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname', 'setns'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_ADMIN'] },
      { names: ['chroot'], action: 'allow', includesCaps: ['CAP_SYS_CHROOT'] },
      { names: ['chroot'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_CHROOT'] },
      { names: ['delete_module', 'finit_module', 'init_module', 'query_module'], action: 'allow', includesCaps: ['CAP_SYS_MODULE'] },
      { names: ['delete_module', 'finit_module', 'init_module', 'query_module'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_MODULE'] },
      { names: ['acct'], action: 'allow', includesCaps: ['CAP_SYS_PACCT'] },
      { names: ['acct'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_PACCT'] },
      { names: ['kcmp', 'process_madvise'], action: 'allow', includesCaps: ['CAP_SYS_PTRACE'] },
      { names: ['kcmp', 'process_madvise'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_PTRACE'] },
      { names: ['ioperm', 'iopl'], action: 'allow', includesCaps: ['CAP_SYS_RAWIO'] },
      { names: ['ioperm', 'iopl'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_RAWIO'] },
      { names: ['clock_settime', 'settimeofday'], action: 'allow', includesCaps: ['CAP_SYS_TIME'] },
      { names: ['clock_settime', 'settimeofday'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_TIME'] },
      { names: ['vhangup'], action: 'allow', includesCaps: ['CAP_SYS_TTY_CONFIG'] },
      { names: ['vhangup'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_TTY_CONFIG'] },
      { names: ['socket'], action: 'errno', errno: 22, excludesCaps: ['CAP_AUDIT_WRITE'], args: [{ index: 0, value: 16, op: 'EQ' }, { index: 2, value: 9, op: 'EQ' }] },
      { names: ['socket'], action: 'allow', excludesCaps: ['CAP_AUDIT_WRITE'], args: [{ index: 2, value: 9, op: 'NE' }] },
      { names: ['socket'], action: 'allow', excludesCaps: ['CAP_AUDIT_WRITE'], args: [{ index: 0, value: 16, op: 'NE' }] },
      { names: ['socket'], action: 'allow', excludesCaps: ['CAP_AUDIT_WRITE'], args: [{ index: 2, value: 9, op: 'NE' }] },
      { names: ['socket'], action: 'allow', includesCaps: ['CAP_AUDIT_WRITE'] },
      { names: ['bpf'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_ADMIN', 'CAP_BPF'] },
      { names: ['bpf'], action: 'allow', includesCaps: ['CAP_BPF'] },
      { names: ['perf_event_open'], action: 'errno', errno: 1, excludesCaps: ['CAP_SYS_ADMIN', 'CAP_BPF'] },
      { names: ['perf_event_open'], action: 'allow', includesCaps: ['CAP_PERFMON'] },    ],
  },
];

export type ProfileVerdict = 'docker-default' | 'containers-default' | 'none' | 'custom' | 'unknown';

export interface ProfileDifference {
  name: string;
  /** what the profile does with the call for this process */
  profile: string;
  /** what the scan saw */
  observed: string;
}

export interface ProfileCandidate {
  id: 'docker-default' | 'containers-default' | 'none';
  /** rows both sides could judge */
  compared: number;
  differences: ProfileDifference[];
  /** how many differences remain when only allowed-versus-blocked counts, not the errno */
  blockedSetDifferences: number;
}

export interface ProfileFingerprint {
  verdict: ProfileVerdict;
  /** the closest known profile, when verdict is custom */
  closest?: ProfileCandidate['id'];
  candidates: ProfileCandidate[];
  /** the differences from the verdict (or the closest profile) */
  differences: ProfileDifference[];
  reason: string;
  /** the capability set the capability-gated rules were judged against: Docker and
   *  containers/common build the filter from the spec's bounding set */
  capabilitySet?: 'bounding' | 'effective';
}

export interface FingerprintFacts {
  arch: Arch;
  /** the capability set the capability-gated rules are judged against (named by capabilitySet) */
  effectiveCaps: bigint | null;
  /** which of the process's sets effectiveCaps is: the bounding set, as the engines use it */
  capabilitySet?: 'bounding' | 'effective';
  kernelRelease: string | null;
}

const ENGINE_ARCH: Record<Arch, string> = { x86_64: 'amd64', aarch64: 'arm64' };

function argValue(arg: Arg | undefined): bigint | null {
  if (arg === undefined) return 0n;
  if (arg === 'pid') return null; // unknown until run
  return BigInt.asUintN(64, BigInt(arg));
}

function argsMatch(rule: ProfileRule, args: readonly Arg[] | undefined): boolean {
  for (const cond of rule.args ?? []) {
    const v = argValue(args?.[cond.index]);
    if (v === null) return false;
    const want = BigInt(cond.value);
    const ok =
      cond.op === 'EQ' ? v === want
      : cond.op === 'NE' ? v !== want
      : cond.op === 'LT' ? v < want
      : cond.op === 'LE' ? v <= want
      : cond.op === 'GT' ? v > want
      : cond.op === 'GE' ? v >= want
      : (v & want) === 0n; // MASKED_EQ with valueTwo 0, the only form these profiles use
    if (!ok) return false;
  }
  return true;
}

function ruleApplies(rule: ProfileRule, facts: FingerprintFacts, caps: bigint): boolean {
  const arch = ENGINE_ARCH[facts.arch];
  if (rule.arches && !rule.arches.includes(arch)) return false;
  if (rule.excludesArches?.includes(arch)) return false;
  const held = (c: string) => hasCapability(caps, c as CapName);
  if (rule.includesCaps && !rule.includesCaps.every(held)) return false;
  if (rule.excludesCaps?.some(held)) return false;
  if (rule.minKernel) {
    const running = parseKernelVersion(facts.kernelRelease);
    if (running && !kernelAtLeast(running, rule.minKernel)) return false;
  }
  return true;
}

/** 'allow', or the errno number the profile returns, for one probe row. */
export function profileAction(profile: KnownProfile, rowName: string, facts: FingerprintFacts, caps: bigint): 'allow' | number {
  const row = rowByName(rowName);
  const call = row?.call ?? rowName;
  // The first applicable rule wins: given conflicting rules for one call, runc 1.1.5 with
  // libseccomp keeps the first (seen with containers-common, whose setns is both in the
  // unconditional allow list and in a later EPERM-without-CAP_SYS_ADMIN rule: allowed).
  for (const rule of profile.rules) {
    if (!rule.names.includes(call) || !ruleApplies(rule, facts, caps) || !argsMatch(rule, row?.args)) continue;
    return rule.action === 'errno' ? (rule.errno ?? profile.defaultErrno) : 'allow';
  }
  return profile.defaultErrno;
}

/** What the scan says about one row: 'allow', 'block:<how>', or null when it cannot say. */
function observedAction(r: SyscallResult): string | null {
  switch (r.disposition) {
    case 'allowed':
      return 'allow';
    case 'blocked-errno':
      return `block:${r.errno}`;
    case 'not-implemented':
      return r.kernelHasCall === true ? 'block:ENOSYS' : null;
    case 'killed':
      return 'block:SIGSYS-kill';
    case 'trapped':
      return 'block:SIGSYS-trap';
    default:
      return null; // capability-denied, ambiguous, timeout, not-probed say nothing of seccomp
  }
}

const ERRNO_BY_NUMBER: Record<number, string> = { 1: 'EPERM', 13: 'EACCES', 22: 'EINVAL', 38: 'ENOSYS', 89: 'EDESTADDRREQ' };

/**
 * The highest syscall number a profile names for this arch. runc (since 1.0) answers ENOSYS,
 * not the default errno, for calls numbered above every call its filter names, so that libc
 * falls back from syscalls newer than the profile.
 */
export function highestNamedNr(profile: KnownProfile, arch: Arch): number {
  let max = -1;
  for (const rule of profile.rules)
    for (const name of rule.names) {
      const nr = rowByName(name)?.nr[arch];
      if (nr !== undefined && nr !== null && nr > max) max = nr;
    }
  return max;
}

function compare(
  id: ProfileCandidate['id'],
  results: SyscallResult[],
  expect: (name: string) => 'allow' | number,
  newerThanProfile: (nr: number) => boolean = () => false,
): ProfileCandidate {
  const differences: ProfileDifference[] = [];
  let compared = 0;
  let blockedSetDifferences = 0;
  for (const r of results) {
    const seen = observedAction(r);
    if (seen === null || rowByName(r.name)?.seccompPassthrough) continue;
    compared++;
    const want = expect(r.name);
    const wanted = want === 'allow' ? 'allow' : `block:${ERRNO_BY_NUMBER[want] ?? `E${want}`}`;
    if (seen === wanted) continue;
    if (want !== 'allow' && seen === 'block:ENOSYS' && newerThanProfile(r.nr)) continue;
    // a call whose allowed answer is ENOSYS (never implemented, out of range) cannot tell
    // "allowed" from "blocked with ENOSYS"
    const enosysOnly = rowByName(r.name)?.expect?.errno?.join() === 'ENOSYS';
    if (enosysOnly && seen === 'allow' && (wanted === 'block:ENOSYS' || newerThanProfile(r.nr))) continue;
    if ((seen === 'allow') !== (wanted === 'allow') && !(enosysOnly && seen === 'allow')) blockedSetDifferences++;
    // an allowed call the kernel lacks answers ENOSYS either way
    differences.push({ name: r.name, profile: wanted === 'allow' ? 'allowed' : wanted.replace('block:', 'blocked with '), observed: seen === 'allow' ? 'allowed' : seen.replace('block:', 'blocked with ') });
  }
  return { id, compared, differences, blockedSetDifferences };
}

/**
 * Fingerprints the profile. `effectiveCaps` must be the capability set the engine used to
 * pick rules (for containers, the bounding set Docker/Podman computed, which is what CapEff
 * holds for root in the container).
 */
export function fingerprintSeccompProfile(results: SyscallResult[], facts: FingerprintFacts): ProfileFingerprint {
  const fp = fingerprint(results, facts);
  if (!facts.capabilitySet || facts.effectiveCaps === null) return fp;
  return {
    ...fp,
    capabilitySet: facts.capabilitySet,
    reason: `${fp.reason} (capability-gated rules judged against the ${facts.capabilitySet} set${facts.capabilitySet === 'bounding' ? ', from which the engine built the filter' : ''})`,
  };
}

function fingerprint(results: SyscallResult[], facts: FingerprintFacts): ProfileFingerprint {
  if (facts.effectiveCaps === null)
    return { verdict: 'unknown', candidates: [], differences: [], reason: 'the capability set is unknown, and both known profiles depend on it' };
  const caps = facts.effectiveCaps;
  const candidates: ProfileCandidate[] = [
    compare('none', results, () => 'allow'),
    ...KNOWN_PROFILES.map((p) => {
      const max = highestNamedNr(p, facts.arch);
      return compare(p.id, results, (name) => profileAction(p, name, facts, caps), (nr) => nr > max);
    }),
  ];
  const judged = candidates[0].compared;
  if (judged === 0) return { verdict: 'unknown', candidates, differences: [], reason: 'no probe gave an answer that speaks for or against a filter' };
  const best = [...candidates].sort((a, b) => a.differences.length - b.differences.length)[0];
  // a profile matches when nearly everything agrees: a couple of differences are kernel or
  // engine-version drift (a newer moby, a call the profile predates), more is a custom profile
  const tolerance = Math.max(2, Math.round(judged * 0.02));
  // only a seccomp filter kills or traps with SIGSYS: then "none" cannot be the answer, however
  // few the differences (a profile that allows everything but kills on one call is custom)
  const sigsys = results.filter((r) => r.disposition === 'killed' || r.disposition === 'trapped').length;
  if (best.id === 'none' && sigsys > 0) {
    return {
      verdict: 'custom',
      closest: 'none',
      candidates,
      differences: best.differences,
      reason: `${sigsys} call(s) killed or trapped with SIGSYS, which only a seccomp filter does; otherwise closest to no filter (${best.differences.length} of ${best.compared} calls differ)`,
    };
  }
  if (best.differences.length <= tolerance) {
    return {
      verdict: best.id,
      candidates,
      differences: best.differences,
      reason:
        best.differences.length === 0
          ? `all ${best.compared} judged calls match ${best.id}`
          : `${best.compared - best.differences.length} of ${best.compared} judged calls match ${best.id}; the rest are listed`,
    };
  }
  const sameSet = [...candidates].sort((a, b) => a.blockedSetDifferences - b.blockedSetDifferences)[0];
  if (sameSet.id !== 'none' && sameSet.blockedSetDifferences <= tolerance) {
    return {
      verdict: 'custom',
      closest: sameSet.id,
      candidates,
      differences: sameSet.differences,
      reason: `blocks the same calls as ${sameSet.id} (${sameSet.blockedSetDifferences} differ) but answers with other errnos: its rules with a changed default action`,
    };
  }
  return {
    verdict: 'custom',
    closest: best.id,
    candidates,
    differences: best.differences,
    reason: `no known profile matches: the closest, ${best.id}, differs on ${best.differences.length} of ${best.compared} calls`,
  };
}
