// gVisor's own syscall table, as data beside the Linux one (table.ts): inside gVisor the
// "kernel" that answers a probe is the sentry, so an answer is read against what gVisor's code
// does with the probe's arguments, not against Linux's order of checks.
//
// One entry per gVisor release in which the table changed for the probes (amd64 only; gVisor's
// uname is a constant, so the release is told from the answers themselves: see
// gvisorReleaseFromAnswers in dispositions.ts). For each release:
//   - `registered`: the numbers linux64.go registers (anything else gets its Missing handler,
//     ENOSYS); `stubs`: the registered entries that are not implementations — CapError (EPERM
//     to a caller without the capability, ENOSYS to one with it: pkg/sentry/syscalls/syscalls.go)
//     and Error/ErrorWithEvent (one errno for everyone). Both are generated from linux64.go at the
//     tag by scripts/gen-gvisor-table.mjs, each with its line.
//   - `implemented`: read by hand, the implemented calls whose answer to the probe's arguments
//     differs from Linux's, or that check a capability before anything else (chroot, mount,
//     umount2, ...), each citing file:line at the tag. An implemented call not listed answers
//     as the Linux row expects.
import type { CapName, SyscallRow } from './table.js';
import { hasCapability } from './table.js';

export type GvisorRelease = 'release-20221219.0' | 'release-20240729.0' | 'release-20260817.0';

/** How gVisor's answer reads. */
export type GvisorMeaning = 'allowed' | 'not-implemented' | 'refused' | 'capability-denied';

export interface GvisorStub {
  /** gVisor's name for the call (sysctl for _sysctl, ...) */
  name: string;
  how: 'cap-error' | 'error';
  cap?: CapName;
  errno?: string;
  /** line in linux64.go at the release's tag */
  line: number;
}

export interface GvisorAnswer {
  errno?: string;
  ret?: number;
  retNonNegative?: true;
  means: GvisorMeaning;
}

export interface GvisorImplemented {
  /** EPERM before anything else when the caller lacks this capability */
  capFirst?: CapName;
  /** what the probe's arguments get (past capFirst) */
  answers: GvisorAnswer[];
  /** file:lines under pkg/sentry/syscalls/linux/ at the tag */
  src: string;
  why: string;
}

export interface GvisorTable {
  release: GvisorRelease;
  /** lines of `var AMD64` and of its Missing handler in linux64.go */
  table: { first: number; missing: number };
  registered: [number, number][];
  stubs: Record<number, GvisorStub>;
  /** by the probe row's name */
  implemented: Record<string, GvisorImplemented>;
}

const LINUX64 = 'pkg/sentry/syscalls/linux/linux64.go';
const allowed = (errno: string): GvisorAnswer[] => [{ errno, means: 'allowed' }];

/**
 * The hand-read calls: what each does with the probe's arguments, read the same at every recorded
 * tag. Each release lists the readings it has of these with its own file:lines (cite). A call whose
 * reading changes in a release gets a second reading under a key of its own, with `row` naming
 * the probe row it reads.
 */
const HAND_READ: Record<string, Omit<GvisorImplemented, 'src'> & { row?: string }> = {
  mmap: { answers: allowed('EINVAL'), why: 'flags 0 is neither MAP_PRIVATE nor MAP_SHARED: EINVAL before the fd is looked up (Linux looks the fd up first)' },
  getdents: { answers: allowed('EINVAL'), why: 'count 0 is smaller than one dirent: EINVAL before the fd is looked up' },
  getdents64: { answers: allowed('EINVAL'), why: 'count 0 is smaller than one dirent: EINVAL before the fd is looked up' },
  rt_sigpending: { answers: allowed('EFAULT'), why: 'the sigset size is not checked; the copy-out to the bad pointer fails' },
  sched_setscheduler: { answers: allowed('EINVAL'), why: 'an unreadable param is answered EINVAL, not EFAULT' },
  sched_get_priority_max: { answers: [{ ret: 0, means: 'allowed' }], why: 'a stub: 0 for any policy' },
  sched_get_priority_min: { answers: [{ ret: 0, means: 'allowed' }], why: 'a stub: 0 for any policy' },
  io_submit: { answers: [{ ret: 0, means: 'allowed' }], why: 'nr 0 returns 0 before the context is looked up' },
  io_cancel: { answers: [{ errno: 'ENOSYS', means: 'not-implemented' }], why: 'registered, but its function only returns ENOSYS' },
  clock_nanosleep: { answers: allowed('EFAULT'), why: 'the request is copied in before the clock id is checked' },
  clock_settime: { answers: [{ errno: 'EPERM', means: 'refused' }], why: 'returns EPERM to everyone, whatever its capabilities' },
  chroot: { capFirst: 'CAP_SYS_CHROOT', answers: allowed('EFAULT'), why: 'CAP_SYS_CHROOT is checked before the path is read (Linux reads the path first)' },
  pivot_root: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EFAULT'), why: 'CAP_SYS_ADMIN is checked before the paths are read' },
  mount: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EFAULT'), why: 'CAP_SYS_ADMIN is checked before the target is read (Linux looks the target up first)' },
  umount2: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EFAULT'), why: 'CAP_SYS_ADMIN is checked first; flag 0x100 is not refused, so the path copy fails (Linux refuses the flag: EINVAL)' },
  sethostname: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EINVAL'), why: 'CAP_SYS_ADMIN is checked before the length' },
  setdomainname: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EINVAL'), why: 'CAP_SYS_ADMIN is checked before the length' },
  io_uring_enter: { answers: [{ errno: 'EPERM', means: 'refused' }], why: 'zero submissions return -1 without an error, which the caller reads as -EPERM, for everyone' },
  // From release-20230118.0 io_uring is off unless runsc runs with --iouring (a test-only flag,
  // false by default: runsc/config/flags.go): both calls answer ENOSYS before anything else.
  io_uring_setup_off_by_default: {
    row: 'io_uring_setup',
    answers: [{ errno: 'ENOSYS', means: 'not-implemented' }, { errno: 'EINVAL', means: 'allowed' }],
    why: 'io_uring is off unless runsc runs with --iouring (test-only, off by default): ENOSYS; with it, 0 entries is EINVAL before the params are read',
  },
  io_uring_enter_off_by_default: {
    row: 'io_uring_enter',
    answers: [{ errno: 'ENOSYS', means: 'not-implemented' }, { errno: 'EPERM', means: 'refused' }],
    why: 'io_uring is off unless runsc runs with --iouring (test-only, off by default): ENOSYS; with it, zero submissions return -1 without an error, which the caller reads as -EPERM, for everyone',
  },
  rseq: { answers: [{ errno: 'ENOSYS', means: 'not-implemented' }, { errno: 'EINVAL', means: 'allowed' }], why: 'ENOSYS on a platform without rseq (ptrace); elsewhere the flags are refused' },
  keyctl: { answers: [{ errno: 'ENOSYS', means: 'not-implemented' }], why: 'only four keyctl operations exist; any other is ENOSYS' },
  bpf: { capFirst: 'CAP_SYS_ADMIN', answers: allowed('EINVAL'), why: 'an unsupported command is EPERM without CAP_SYS_ADMIN, EINVAL with it' },
};

/** A release's hand-read entries, by probe row: the readings above, each with the lines at that tag. */
const cite = (srcs: Record<string, string>): Record<string, GvisorImplemented> =>
  Object.fromEntries(Object.entries(srcs).map(([key, src]) => {
    if (!HAND_READ[key]) throw new Error(`gvisor-table: no hand reading ${key}`);
    const { row, ...reading } = HAND_READ[key];
    return [row ?? key, { ...reading, src }];
  }));

const RELEASE_20221219: GvisorTable = {
  release: 'release-20221219.0',
  // generated by scripts/gen-gvisor-table.mjs from pkg/sentry/syscalls/linux/linux64.go at release-20221219.0
  table: { first: 41, missing: 416 },
  registered: [[0, 334], [424, 436], [439, 439], [441, 441]],
  stubs: {
    122: { name: 'setfsuid', how: 'error', errno: 'ENOSYS', line: 177 },
    123: { name: 'setfsgid', how: 'error', errno: 'ENOSYS', line: 178 },
    134: { name: 'uselib', how: 'error', errno: 'ENOSYS', line: 189 },
    135: { name: 'personality', how: 'error', errno: 'EINVAL', line: 190 },
    136: { name: 'ustat', how: 'error', errno: 'ENOSYS', line: 191 },
    139: { name: 'sysfs', how: 'error', errno: 'ENOSYS', line: 194 },
    142: { name: 'sched_setparam', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 197 },
    148: { name: 'sched_rr_get_interval', how: 'error', errno: 'EPERM', line: 203 },
    153: { name: 'vhangup', how: 'cap-error', cap: 'CAP_SYS_TTY_CONFIG', line: 208 },
    154: { name: 'modify_ldt', how: 'error', errno: 'EPERM', line: 209 },
    156: { name: 'sysctl', how: 'error', errno: 'EPERM', line: 211 },
    159: { name: 'adjtimex', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 214 },
    163: { name: 'acct', how: 'cap-error', cap: 'CAP_SYS_PACCT', line: 218 },
    164: { name: 'settimeofday', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 219 },
    167: { name: 'swapon', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 222 },
    168: { name: 'swapoff', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 223 },
    169: { name: 'reboot', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 224 },
    172: { name: 'iopl', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 227 },
    173: { name: 'ioperm', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 228 },
    174: { name: 'create_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 229 },
    175: { name: 'init_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 230 },
    176: { name: 'delete_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 231 },
    177: { name: 'get_kernel_syms', how: 'error', errno: 'ENOSYS', line: 232 },
    178: { name: 'query_module', how: 'error', errno: 'ENOSYS', line: 233 },
    179: { name: 'quotactl', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 234 },
    180: { name: 'nfsservctl', how: 'error', errno: 'ENOSYS', line: 235 },
    181: { name: 'getpmsg', how: 'error', errno: 'ENOSYS', line: 236 },
    182: { name: 'putpmsg', how: 'error', errno: 'ENOSYS', line: 237 },
    183: { name: 'afs_syscall', how: 'error', errno: 'ENOSYS', line: 238 },
    184: { name: 'tuxcall', how: 'error', errno: 'ENOSYS', line: 239 },
    185: { name: 'security', how: 'error', errno: 'ENOSYS', line: 240 },
    205: { name: 'set_thread_area', how: 'error', errno: 'ENOSYS', line: 260 },
    211: { name: 'get_thread_area', how: 'error', errno: 'ENOSYS', line: 266 },
    212: { name: 'lookup_dcookie', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 267 },
    214: { name: 'epoll_ctl_old', how: 'error', errno: 'ENOSYS', line: 269 },
    215: { name: 'epoll_wait_old', how: 'error', errno: 'ENOSYS', line: 270 },
    216: { name: 'remap_file_pages', how: 'error', errno: 'ENOSYS', line: 271 },
    236: { name: 'vserver', how: 'error', errno: 'ENOSYS', line: 291 },
    242: { name: 'mq_timedsend', how: 'error', errno: 'ENOSYS', line: 297 },
    243: { name: 'mq_timedreceive', how: 'error', errno: 'ENOSYS', line: 298 },
    244: { name: 'mq_notify', how: 'error', errno: 'ENOSYS', line: 299 },
    245: { name: 'mq_getsetattr', how: 'error', errno: 'ENOSYS', line: 300 },
    246: { name: 'kexec_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 301 },
    248: { name: 'add_key', how: 'error', errno: 'EACCES', line: 303 },
    249: { name: 'request_key', how: 'error', errno: 'EACCES', line: 304 },
    250: { name: 'keyctl', how: 'error', errno: 'EACCES', line: 305 },
    251: { name: 'ioprio_set', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 306 },
    252: { name: 'ioprio_get', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 307 },
    256: { name: 'migrate_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 311 },
    278: { name: 'vmsplice', how: 'error', errno: 'ENOSYS', line: 333 },
    279: { name: 'move_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 334 },
    298: { name: 'perf_event_open', how: 'error', errno: 'ENODEV', line: 353 },
    300: { name: 'fanotify_init', how: 'error', errno: 'ENOSYS', line: 355 },
    301: { name: 'fanotify_mark', how: 'error', errno: 'ENOSYS', line: 356 },
    303: { name: 'name_to_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 358 },
    304: { name: 'open_by_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 359 },
    305: { name: 'clock_adjtime', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 360 },
    308: { name: 'setns', how: 'error', errno: 'EOPNOTSUPP', line: 363 },
    310: { name: 'process_vm_readv', how: 'error', errno: 'ENOSYS', line: 365 },
    311: { name: 'process_vm_writev', how: 'error', errno: 'ENOSYS', line: 366 },
    312: { name: 'kcmp', how: 'cap-error', cap: 'CAP_SYS_PTRACE', line: 367 },
    313: { name: 'finit_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 368 },
    314: { name: 'sched_setattr', how: 'error', errno: 'ENOSYS', line: 369 },
    315: { name: 'sched_getattr', how: 'error', errno: 'ENOSYS', line: 370 },
    320: { name: 'kexec_file_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 375 },
    321: { name: 'bpf', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 376 },
    323: { name: 'userfaultfd', how: 'error', errno: 'ENOSYS', line: 378 },
    326: { name: 'copy_file_range', how: 'error', errno: 'ENOSYS', line: 384 },
    329: { name: 'pkey_mprotect', how: 'error', errno: 'ENOSYS', line: 387 },
    330: { name: 'pkey_alloc', how: 'error', errno: 'ENOSYS', line: 388 },
    331: { name: 'pkey_free', how: 'error', errno: 'ENOSYS', line: 389 },
    333: { name: 'io_pgetevents', how: 'error', errno: 'ENOSYS', line: 391 },
    424: { name: 'pidfd_send_signal', how: 'error', errno: 'ENOSYS', line: 395 },
    427: { name: 'io_uring_register', how: 'error', errno: 'ENOSYS', line: 398 },
    428: { name: 'open_tree', how: 'error', errno: 'ENOSYS', line: 399 },
    429: { name: 'move_mount', how: 'error', errno: 'ENOSYS', line: 400 },
    430: { name: 'fsopen', how: 'error', errno: 'ENOSYS', line: 401 },
    431: { name: 'fsconfig', how: 'error', errno: 'ENOSYS', line: 402 },
    432: { name: 'fsmount', how: 'error', errno: 'ENOSYS', line: 403 },
    433: { name: 'fspick', how: 'error', errno: 'ENOSYS', line: 404 },
    434: { name: 'pidfd_open', how: 'error', errno: 'ENOSYS', line: 405 },
    435: { name: 'clone3', how: 'error', errno: 'ENOSYS', line: 406 },
  },
  implemented: cite({
    mmap: 'sys_mmap.go:50-53',
    getdents: 'sys_getdents.go:47-48',
    getdents64: 'sys_getdents.go:47-48',
    rt_sigpending: 'sys_signal.go:354-358',
    sched_setscheduler: 'sys_sched.go:83-86',
    sched_get_priority_max: 'sys_sched.go:94-96',
    sched_get_priority_min: 'sys_sched.go:99-101',
    io_submit: 'sys_aio.go:227-231,275',
    io_cancel: 'sys_aio.go:217-218',
    clock_nanosleep: 'sys_time.go:206-209',
    clock_settime: 'sys_time.go:159-160',
    chroot: 'sys_file.go:372-379',
    pivot_root: 'sys_file.go:402-409',
    mount: 'sys_mount.go:39-41',
    umount2: 'sys_mount.go:148-160',
    sethostname: 'sys_utsname.go:81-86',
    setdomainname: 'sys_utsname.go:59-64',
    io_uring_enter: 'sys_iouring.go:86,102-103',
    rseq: 'sys_rseq.go:31-35',
  }),
};

const RELEASE_20240729: GvisorTable = {
  release: 'release-20240729.0',
  // generated by scripts/gen-gvisor-table.mjs from pkg/sentry/syscalls/linux/linux64.go at release-20240729.0
  table: { first: 41, missing: 416 },
  registered: [[0, 334], [424, 436], [439, 439], [441, 441]],
  stubs: {
    122: { name: 'setfsuid', how: 'error', errno: 'ENOSYS', line: 177 },
    123: { name: 'setfsgid', how: 'error', errno: 'ENOSYS', line: 178 },
    134: { name: 'uselib', how: 'error', errno: 'ENOSYS', line: 189 },
    135: { name: 'personality', how: 'error', errno: 'EINVAL', line: 190 },
    136: { name: 'ustat', how: 'error', errno: 'ENOSYS', line: 191 },
    139: { name: 'sysfs', how: 'error', errno: 'ENOSYS', line: 194 },
    142: { name: 'sched_setparam', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 197 },
    148: { name: 'sched_rr_get_interval', how: 'error', errno: 'EPERM', line: 203 },
    153: { name: 'vhangup', how: 'cap-error', cap: 'CAP_SYS_TTY_CONFIG', line: 208 },
    154: { name: 'modify_ldt', how: 'error', errno: 'EPERM', line: 209 },
    156: { name: 'sysctl', how: 'error', errno: 'EPERM', line: 211 },
    159: { name: 'adjtimex', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 214 },
    163: { name: 'acct', how: 'cap-error', cap: 'CAP_SYS_PACCT', line: 218 },
    164: { name: 'settimeofday', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 219 },
    167: { name: 'swapon', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 222 },
    168: { name: 'swapoff', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 223 },
    169: { name: 'reboot', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 224 },
    172: { name: 'iopl', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 227 },
    173: { name: 'ioperm', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 228 },
    174: { name: 'create_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 229 },
    175: { name: 'init_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 230 },
    176: { name: 'delete_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 231 },
    177: { name: 'get_kernel_syms', how: 'error', errno: 'ENOSYS', line: 232 },
    178: { name: 'query_module', how: 'error', errno: 'ENOSYS', line: 233 },
    179: { name: 'quotactl', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 234 },
    180: { name: 'nfsservctl', how: 'error', errno: 'ENOSYS', line: 235 },
    181: { name: 'getpmsg', how: 'error', errno: 'ENOSYS', line: 236 },
    182: { name: 'putpmsg', how: 'error', errno: 'ENOSYS', line: 237 },
    184: { name: 'tuxcall', how: 'error', errno: 'ENOSYS', line: 239 },
    185: { name: 'security', how: 'error', errno: 'ENOSYS', line: 240 },
    205: { name: 'set_thread_area', how: 'error', errno: 'ENOSYS', line: 260 },
    211: { name: 'get_thread_area', how: 'error', errno: 'ENOSYS', line: 266 },
    212: { name: 'lookup_dcookie', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 267 },
    214: { name: 'epoll_ctl_old', how: 'error', errno: 'ENOSYS', line: 269 },
    215: { name: 'epoll_wait_old', how: 'error', errno: 'ENOSYS', line: 270 },
    216: { name: 'remap_file_pages', how: 'error', errno: 'ENOSYS', line: 271 },
    236: { name: 'vserver', how: 'error', errno: 'ENOSYS', line: 291 },
    242: { name: 'mq_timedsend', how: 'error', errno: 'ENOSYS', line: 297 },
    243: { name: 'mq_timedreceive', how: 'error', errno: 'ENOSYS', line: 298 },
    244: { name: 'mq_notify', how: 'error', errno: 'ENOSYS', line: 299 },
    245: { name: 'mq_getsetattr', how: 'error', errno: 'ENOSYS', line: 300 },
    246: { name: 'kexec_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 301 },
    248: { name: 'add_key', how: 'error', errno: 'EACCES', line: 303 },
    249: { name: 'request_key', how: 'error', errno: 'EACCES', line: 304 },
    251: { name: 'ioprio_set', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 306 },
    252: { name: 'ioprio_get', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 307 },
    256: { name: 'migrate_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 311 },
    278: { name: 'vmsplice', how: 'error', errno: 'ENOSYS', line: 333 },
    279: { name: 'move_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 334 },
    298: { name: 'perf_event_open', how: 'error', errno: 'ENODEV', line: 353 },
    300: { name: 'fanotify_init', how: 'error', errno: 'ENOSYS', line: 355 },
    301: { name: 'fanotify_mark', how: 'error', errno: 'ENOSYS', line: 356 },
    303: { name: 'name_to_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 358 },
    304: { name: 'open_by_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 359 },
    305: { name: 'clock_adjtime', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 360 },
    312: { name: 'kcmp', how: 'cap-error', cap: 'CAP_SYS_PTRACE', line: 367 },
    313: { name: 'finit_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 368 },
    314: { name: 'sched_setattr', how: 'error', errno: 'ENOSYS', line: 369 },
    315: { name: 'sched_getattr', how: 'error', errno: 'ENOSYS', line: 370 },
    320: { name: 'kexec_file_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 375 },
    321: { name: 'bpf', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 376 },
    323: { name: 'userfaultfd', how: 'error', errno: 'ENOSYS', line: 378 },
    326: { name: 'copy_file_range', how: 'error', errno: 'ENOSYS', line: 384 },
    329: { name: 'pkey_mprotect', how: 'error', errno: 'ENOSYS', line: 387 },
    330: { name: 'pkey_alloc', how: 'error', errno: 'ENOSYS', line: 388 },
    331: { name: 'pkey_free', how: 'error', errno: 'ENOSYS', line: 389 },
    333: { name: 'io_pgetevents', how: 'error', errno: 'ENOSYS', line: 391 },
    424: { name: 'pidfd_send_signal', how: 'error', errno: 'ENOSYS', line: 395 },
    427: { name: 'io_uring_register', how: 'error', errno: 'ENOSYS', line: 398 },
    428: { name: 'open_tree', how: 'error', errno: 'ENOSYS', line: 399 },
    429: { name: 'move_mount', how: 'error', errno: 'ENOSYS', line: 400 },
    430: { name: 'fsopen', how: 'error', errno: 'ENOSYS', line: 401 },
    431: { name: 'fsconfig', how: 'error', errno: 'ENOSYS', line: 402 },
    432: { name: 'fsmount', how: 'error', errno: 'ENOSYS', line: 403 },
    433: { name: 'fspick', how: 'error', errno: 'ENOSYS', line: 404 },
    434: { name: 'pidfd_open', how: 'error', errno: 'ENOSYS', line: 405 },
  },
  implemented: cite({
    mmap: 'sys_mmap.go:50-53',
    getdents: 'sys_getdents.go:48-49',
    getdents64: 'sys_getdents.go:48-49',
    rt_sigpending: 'sys_signal.go:337-341',
    sched_setscheduler: 'sys_sched.go:83-86',
    sched_get_priority_max: 'sys_sched.go:94-96',
    sched_get_priority_min: 'sys_sched.go:99-101',
    io_submit: 'sys_aio.go:227-231,275',
    io_cancel: 'sys_aio.go:217-218',
    clock_nanosleep: 'sys_time.go:206-209',
    clock_settime: 'sys_time.go:159-160',
    chroot: 'sys_file.go:372-379',
    pivot_root: 'sys_file.go:402-409',
    mount: 'sys_mount.go:37-39,58-60',
    umount2: 'sys_mount.go:144-156',
    sethostname: 'sys_utsname.go:81-86',
    setdomainname: 'sys_utsname.go:59-64',
    io_uring_setup_off_by_default: 'sys_iouring.go:28-29,36-37',
    io_uring_enter_off_by_default: 'sys_iouring.go:84-85,94,110-111',
    rseq: 'sys_rseq.go:31-35',
    keyctl: 'sys_key.go:41-43',
  }),
};

const RELEASE_20260817: GvisorTable = {
  release: 'release-20260817.0',
  // generated by scripts/gen-gvisor-table.mjs from pkg/sentry/syscalls/linux/linux64.go at release-20260817.0
  table: { first: 31, missing: 407 },
  registered: [[0, 334], [424, 436], [438, 439], [441, 441]],
  stubs: {
    122: { name: 'setfsuid', how: 'error', errno: 'ENOSYS', line: 167 },
    123: { name: 'setfsgid', how: 'error', errno: 'ENOSYS', line: 168 },
    134: { name: 'uselib', how: 'error', errno: 'ENOSYS', line: 179 },
    136: { name: 'ustat', how: 'error', errno: 'ENOSYS', line: 181 },
    139: { name: 'sysfs', how: 'error', errno: 'ENOSYS', line: 184 },
    142: { name: 'sched_setparam', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 187 },
    148: { name: 'sched_rr_get_interval', how: 'error', errno: 'EPERM', line: 193 },
    153: { name: 'vhangup', how: 'cap-error', cap: 'CAP_SYS_TTY_CONFIG', line: 198 },
    154: { name: 'modify_ldt', how: 'error', errno: 'EPERM', line: 199 },
    156: { name: 'sysctl', how: 'error', errno: 'EPERM', line: 201 },
    159: { name: 'adjtimex', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 204 },
    163: { name: 'acct', how: 'cap-error', cap: 'CAP_SYS_PACCT', line: 208 },
    164: { name: 'settimeofday', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 209 },
    167: { name: 'swapon', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 212 },
    168: { name: 'swapoff', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 213 },
    169: { name: 'reboot', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 214 },
    172: { name: 'iopl', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 217 },
    173: { name: 'ioperm', how: 'cap-error', cap: 'CAP_SYS_RAWIO', line: 218 },
    174: { name: 'create_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 219 },
    175: { name: 'init_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 220 },
    176: { name: 'delete_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 221 },
    177: { name: 'get_kernel_syms', how: 'error', errno: 'ENOSYS', line: 222 },
    178: { name: 'query_module', how: 'error', errno: 'ENOSYS', line: 223 },
    179: { name: 'quotactl', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 224 },
    180: { name: 'nfsservctl', how: 'error', errno: 'ENOSYS', line: 225 },
    181: { name: 'getpmsg', how: 'error', errno: 'ENOSYS', line: 226 },
    182: { name: 'putpmsg', how: 'error', errno: 'ENOSYS', line: 227 },
    184: { name: 'tuxcall', how: 'error', errno: 'ENOSYS', line: 229 },
    185: { name: 'security', how: 'error', errno: 'ENOSYS', line: 230 },
    205: { name: 'set_thread_area', how: 'error', errno: 'ENOSYS', line: 250 },
    211: { name: 'get_thread_area', how: 'error', errno: 'ENOSYS', line: 256 },
    212: { name: 'lookup_dcookie', how: 'cap-error', cap: 'CAP_SYS_ADMIN', line: 257 },
    214: { name: 'epoll_ctl_old', how: 'error', errno: 'ENOSYS', line: 259 },
    215: { name: 'epoll_wait_old', how: 'error', errno: 'ENOSYS', line: 260 },
    216: { name: 'remap_file_pages', how: 'error', errno: 'ENOSYS', line: 261 },
    236: { name: 'vserver', how: 'error', errno: 'ENOSYS', line: 281 },
    242: { name: 'mq_timedsend', how: 'error', errno: 'ENOSYS', line: 287 },
    243: { name: 'mq_timedreceive', how: 'error', errno: 'ENOSYS', line: 288 },
    244: { name: 'mq_notify', how: 'error', errno: 'ENOSYS', line: 289 },
    245: { name: 'mq_getsetattr', how: 'error', errno: 'ENOSYS', line: 290 },
    246: { name: 'kexec_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 291 },
    248: { name: 'add_key', how: 'error', errno: 'EACCES', line: 293 },
    249: { name: 'request_key', how: 'error', errno: 'EACCES', line: 294 },
    256: { name: 'migrate_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 301 },
    278: { name: 'vmsplice', how: 'error', errno: 'ENOSYS', line: 323 },
    279: { name: 'move_pages', how: 'cap-error', cap: 'CAP_SYS_NICE', line: 324 },
    298: { name: 'perf_event_open', how: 'error', errno: 'ENODEV', line: 343 },
    300: { name: 'fanotify_init', how: 'error', errno: 'ENOSYS', line: 345 },
    301: { name: 'fanotify_mark', how: 'error', errno: 'ENOSYS', line: 346 },
    303: { name: 'name_to_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 348 },
    304: { name: 'open_by_handle_at', how: 'error', errno: 'EOPNOTSUPP', line: 349 },
    305: { name: 'clock_adjtime', how: 'cap-error', cap: 'CAP_SYS_TIME', line: 350 },
    312: { name: 'kcmp', how: 'cap-error', cap: 'CAP_SYS_PTRACE', line: 357 },
    313: { name: 'finit_module', how: 'cap-error', cap: 'CAP_SYS_MODULE', line: 358 },
    320: { name: 'kexec_file_load', how: 'cap-error', cap: 'CAP_SYS_BOOT', line: 365 },
    323: { name: 'userfaultfd', how: 'error', errno: 'ENOSYS', line: 368 },
    326: { name: 'copy_file_range', how: 'error', errno: 'ENOSYS', line: 374 },
    329: { name: 'pkey_mprotect', how: 'error', errno: 'ENOSYS', line: 377 },
    330: { name: 'pkey_alloc', how: 'error', errno: 'ENOSYS', line: 378 },
    331: { name: 'pkey_free', how: 'error', errno: 'ENOSYS', line: 379 },
    333: { name: 'io_pgetevents', how: 'error', errno: 'ENOSYS', line: 381 },
    427: { name: 'io_uring_register', how: 'error', errno: 'ENOSYS', line: 388 },
    433: { name: 'fspick', how: 'error', errno: 'ENOSYS', line: 394 },
  },
  implemented: cite({
    mmap: 'sys_mmap.go:57-58',
    getdents: 'sys_getdents.go:48-49',
    getdents64: 'sys_getdents.go:48-49',
    rt_sigpending: 'sys_signal.go:299-303',
    sched_setscheduler: 'sys_sched.go:113-116',
    sched_get_priority_max: 'sys_sched.go:127-129',
    sched_get_priority_min: 'sys_sched.go:132-134',
    io_submit: 'sys_aio.go:220-224,268',
    io_cancel: 'sys_aio.go:210-211',
    clock_nanosleep: 'sys_time.go:206-213',
    clock_settime: 'sys_time.go:159-160',
    chroot: 'sys_file.go:378-380',
    pivot_root: 'sys_file.go:408-410',
    mount: 'sys_mount.go:37-39',
    umount2: 'sys_mount.go:155-157',
    sethostname: 'sys_utsname.go:81-83',
    setdomainname: 'sys_utsname.go:59-61',
    io_uring_setup_off_by_default: 'sys_iouring.go:28-29,36-37',
    io_uring_enter_off_by_default: 'sys_iouring.go:84-85,94,110-111',
    rseq: 'sys_rseq.go:31-35',
    keyctl: 'sys_key.go:41-43',
    bpf: 'sys_ebpf.go:351-356',
  }),
};

/** Oldest first. */
export const GVISOR_TABLES: readonly GvisorTable[] = [RELEASE_20221219, RELEASE_20240729, RELEASE_20260817];


export interface GvisorOutcome extends GvisorAnswer {
  gate?: CapName;
  /** "pkg/…/file.go:lines @ release" */
  source: string;
  why: string;
}

function registered(t: GvisorTable, nr: number): boolean {
  return t.registered.some(([a, b]) => nr >= a && nr <= b);
}

/**
 * What gVisor of this release answers to the row's probe, unfiltered, for a caller with these
 * effective capabilities (null: unknown, then both sides of a capability check are listed).
 * amd64 numbers only.
 */
export function gvisorOutcomes(t: GvisorTable, row: SyscallRow, nr: number, caps: bigint | null): GvisorOutcome[] {
  const at = (file: string, lines: number | string) => `${file}:${lines} @ ${t.release}`;
  const holds = (cap: CapName): boolean | null => (caps === null ? null : hasCapability(caps, cap));
  const stub = t.stubs[nr];
  if (stub?.how === 'cap-error') {
    const cap = stub.cap!;
    const source = at(LINUX64, stub.line);
    const out: GvisorOutcome[] = [];
    if (holds(cap) !== true) out.push({ errno: 'EPERM', means: 'not-implemented', gate: cap, source, why: `gVisor does not implement ${stub.name}: its CapError stub answers EPERM to a caller without ${cap}` });
    if (holds(cap) !== false) out.push({ errno: 'ENOSYS', means: 'not-implemented', gate: cap, source, why: `gVisor does not implement ${stub.name}: its CapError stub answers ENOSYS to a caller with ${cap}` });
    return out;
  }
  if (stub?.how === 'error') {
    const errno = stub.errno!;
    const refused = errno === 'EPERM' || errno === 'EACCES';
    return [{
      errno, means: refused ? 'refused' : 'not-implemented', source: at(LINUX64, stub.line),
      why: refused ? `gVisor refuses ${stub.name} to everyone with ${errno}` : `gVisor does not implement ${stub.name}: its stub answers ${errno} to everyone`,
    }];
  }
  if (!registered(t, nr))
    return [{ errno: 'ENOSYS', means: 'not-implemented', source: at(LINUX64, t.table.missing), why: `gVisor's table has no entry for number ${nr}: its Missing handler answers ENOSYS` }];
  const impl = t.implemented[row.name];
  if (!impl) {
    const e = row.expect ?? {};
    const source = at(LINUX64, `${t.table.first}+`);
    const why = 'implemented by gVisor; answers these arguments as Linux does';
    const out: GvisorOutcome[] = (e.errno ?? []).map((errno) => ({ errno, means: 'allowed' as const, source, why }));
    if (e.ret !== undefined) out.push({ ret: e.ret, means: 'allowed', source, why });
    if (e.retNonNegative) out.push({ retNonNegative: true, means: 'allowed', source, why });
    return out;
  }
  const source = at(`pkg/sentry/syscalls/linux/${impl.src.split(':')[0]}`, impl.src.split(':')[1]);
  const out: GvisorOutcome[] = [];
  const lacks = impl.capFirst ? holds(impl.capFirst) !== true : false;
  const has = impl.capFirst ? holds(impl.capFirst) !== false : true;
  if (impl.capFirst && lacks) out.push({ errno: 'EPERM', means: 'capability-denied', gate: impl.capFirst, source, why: `gVisor checks ${impl.capFirst} first: ${impl.why}` });
  if (has) for (const a of impl.answers) out.push({ ...a, gate: impl.capFirst, source, why: impl.why });
  return out;
}
