// Issue #17: inside gVisor, tell "not implemented" and "needs a capability" apart from "blocked".
// The built bundle runs for real under runsc 20221219 (the harness runs runsc directly), as the
// seed's pod does (uid 20000, no capabilities, no seccomp), as root with every capability this
// runsc accepts, and under --oci-seccomp. What each call must come out as is written down here
// from gVisor's source at release-20221219.0 (the runsc installed here), cited line by line —
// never read from src/probes/syscalls/gvisor-table.ts, the table under test.
import { beforeAll, describe, expect } from 'vitest';
import { baseCase, runInRuntime, type CaseDecl, type OciSeccomp } from '../runtimes/index.js';
import { EPERM } from '../runtimes/docker-seccomp.js';
import { seccompPassthroughCalls } from '../runtimes/runsc.js';
import { itInRuntime } from '../support/runtime-it.js';
import { schemaErrors } from '../support/schema.js';
import { BUNDLE } from '../support/built.js';
import type { SyscallResult, SyscallScan } from '../../src/probes/syscalls/dispositions.js';
import { byName, countsLine, ensureBundle, explain, parseReport, scanOf } from './real-support.js';

// a real runsc run per test: runsc 20221219 (ptrace) and 20240729 (systrap) take a while
const itRunsc = (title: string, fn: () => Promise<void>) => itInRuntime('runsc', title, fn, 240_000);
const itRunsc2024 = (title: string, fn: () => Promise<void>) => itInRuntime('runsc-2024', title, fn, 240_000);

beforeAll(() => ensureBundle());

// ---- gVisor's source at release-20221219.0 (pkg/sentry/syscalls/…) ----------------------------

/** CapError entries of linux64.go: EPERM to a caller without the capability, ENOSYS to one with
 *  it (syscalls.go:107-126 CapError). [name as our table names it, capability, linux64.go line] */
const CAP_ERROR: [string, string, number][] = [
  ['sched_setparam', 'CAP_SYS_NICE', 197], ['vhangup', 'CAP_SYS_TTY_CONFIG', 208], ['adjtimex', 'CAP_SYS_TIME', 214],
  ['acct', 'CAP_SYS_PACCT', 218], ['settimeofday', 'CAP_SYS_TIME', 219], ['swapon', 'CAP_SYS_ADMIN', 222],
  ['swapoff', 'CAP_SYS_ADMIN', 223], ['reboot', 'CAP_SYS_BOOT', 224], ['iopl', 'CAP_SYS_RAWIO', 227],
  ['ioperm', 'CAP_SYS_RAWIO', 228], ['create_module', 'CAP_SYS_MODULE', 229], ['init_module', 'CAP_SYS_MODULE', 230],
  ['delete_module', 'CAP_SYS_MODULE', 231], ['quotactl', 'CAP_SYS_ADMIN', 234], ['lookup_dcookie', 'CAP_SYS_ADMIN', 267],
  ['kexec_load', 'CAP_SYS_BOOT', 301], ['ioprio_set', 'CAP_SYS_ADMIN', 306], ['ioprio_get', 'CAP_SYS_ADMIN', 307],
  ['migrate_pages', 'CAP_SYS_NICE', 311], ['move_pages', 'CAP_SYS_NICE', 334], ['clock_adjtime', 'CAP_SYS_TIME', 360],
  ['kcmp', 'CAP_SYS_PTRACE', 367], ['finit_module', 'CAP_SYS_MODULE', 368], ['kexec_file_load', 'CAP_SYS_BOOT', 375],
  ['bpf', 'CAP_SYS_ADMIN', 376],
];

/** One errno for everyone, a refusal: Error/ErrorWithEvent entries of linux64.go (line) and two
 *  implemented calls that refuse whatever the caller holds. */
const REFUSED_FOR_EVERYONE: Record<string, string> = {
  sched_rr_get_interval: 'EPERM', // linux64.go:203 ErrorWithEvent(EPERM)
  modify_ldt: 'EPERM', // linux64.go:209 Error(EPERM)
  _sysctl: 'EPERM', // linux64.go:211 Error("sysctl", EPERM)
  add_key: 'EACCES', // linux64.go:303 Error(EACCES) "Not available to user."
  request_key: 'EACCES', // linux64.go:304
  keyctl: 'EACCES', // linux64.go:305
  clock_settime: 'EPERM', // sys_time.go:159-160: ClockSettime returns EPERM, nothing else
  io_uring_enter: 'EPERM', // sys_iouring.go:86,102-103: 0 submissions return -1 with no error, read as -EPERM
};

/** Stubs that answer another errno to everyone: not implemented (linux64.go lines). */
const STUB_ERRNO: Record<string, string> = {
  personality: 'EINVAL', // :190 ErrorWithEvent(EINVAL) "Unable to change personality."
  perf_event_open: 'ENODEV', // :353 ErrorWithEvent(ENODEV) "No support for perf counters"
  name_to_handle_at: 'EOPNOTSUPP', // :358
  open_by_handle_at: 'EOPNOTSUPP', // :359
  setns: 'EOPNOTSUPP', // :363 "Needs filesystem support"
};

/** Implemented calls that check a capability before reading the probe's bad pointer (Linux reads
 *  the pointer, or refuses umount2's flag, first), and what they answer past that check. */
const CAP_FIRST: Record<string, { cap: string; then: string }> = {
  chroot: { cap: 'CAP_SYS_CHROOT', then: 'EFAULT' }, // sys_file.go:372-379
  pivot_root: { cap: 'CAP_SYS_ADMIN', then: 'EFAULT' }, // sys_file.go:402-409
  mount: { cap: 'CAP_SYS_ADMIN', then: 'EFAULT' }, // sys_mount.go:39-41, then the target's copy
  umount2: { cap: 'CAP_SYS_ADMIN', then: 'EFAULT' }, // sys_mount.go:148-160: flag 0x100 passes, the path copy fails
  sethostname: { cap: 'CAP_SYS_ADMIN', then: 'EINVAL' }, // sys_utsname.go:81-86
  setdomainname: { cap: 'CAP_SYS_ADMIN', then: 'EINVAL' }, // sys_utsname.go:59-64
};

/** Calls the 20221219 table does not register, or registers as Error(ENOSYS), that Linux 4.4
 *  has (linux64.go; Missing handler at :416): ENOSYS for everyone. A sample, with kcmp's peers. */
const ENOSYS_STUBS = ['setfsuid', 'setfsgid', 'ustat', 'sysfs', 'remap_file_pages', 'vmsplice', 'process_vm_readv', 'process_vm_writev',
  'sched_setattr', 'sched_getattr', 'userfaultfd', 'fanotify_init', 'io_cancel' /* sys_aio.go:217-218 */, 'clone3', 'pidfd_open', 'open_tree'];

/** runsc 20221219 knows capabilities 0..37 (pkg/abi/linux/capability.go:65 CAP_LAST_CAP =
 *  CAP_AUDIT_READ) and refuses a spec naming more; CAP_SYS_RESOURCE is outside this machine's
 *  bounding set. */
const ROOT_CAPS = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE',
  'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ'].map((c) => `CAP_${c}`);

// ---------------------------------------------------------------------------------------------

async function run(decl: CaseDecl, args: string[]): Promise<string> {
  const r = await runInRuntime({ ...decl, command: ['node', BUNDLE, ...args], timeoutMs: 180_000 });
  expect(r.skipped, r.skipped).toBeUndefined();
  expect(r.code, explain(r)).toBe(0);
  return r.stdout;
}

async function scanIn(decl: CaseDecl): Promise<{ scan: SyscallScan; r: Map<string, SyscallResult> }> {
  const { json, report } = parseReport(await run(decl, ['--json']));
  expect(schemaErrors(json), 'schema errors').toEqual([]);
  const scan = scanOf(report);
  expect(scan.helperProblems).toEqual([]);
  console.log(countsLine(decl.name, scan));
  return { scan, r: byName(scan) };
}

const names = (scan: SyscallScan, pred: (x: SyscallResult) => boolean) => scan.results.filter(pred).map((x) => x.name).sort();

describe('gVisor (runsc 20221219, ptrace): its own table, not Linux order (#17)', async () => {
  await itRunsc("the seed's setting — uid 20000, no capabilities, no seccomp: nothing gVisor merely lacks, nothing refused for a capability, is blocked", async () => {
    const decl = baseCase('runsc', [], { name: 'i17-gvisor-nocaps' });
    const { scan, r } = await scanIn(decl);
    expect(scan.gvisor).toMatchObject({ release: 'release-20221219.0', seccomp: 'disabled' });
    for (const [name, cap, line] of CAP_ERROR)
      expect(r.get(name), `${name}: CapError(${cap}) at linux64.go:${line}`).toMatchObject({ disposition: 'not-implemented', errno: 'EPERM', gate: cap, kernelHasCall: false, answeredBy: 'sandbox' });
    for (const [name, errno] of Object.entries(STUB_ERRNO))
      expect(r.get(name), name).toMatchObject({ disposition: 'not-implemented', errno, kernelHasCall: false });
    for (const name of ENOSYS_STUBS) expect(r.get(name), name).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS', kernelHasCall: false });
    for (const [name, { cap }] of Object.entries(CAP_FIRST))
      expect(r.get(name), name).toMatchObject({ disposition: 'capability-denied', errno: 'EPERM', gate: cap });
    // blocked: exactly what gVisor refuses to everyone, nothing else
    expect(names(scan, (x) => x.disposition === 'blocked-errno')).toEqual(Object.keys(REFUSED_FOR_EVERYONE).sort());
    for (const [name, errno] of Object.entries(REFUSED_FOR_EVERYONE)) expect(r.get(name), name).toMatchObject({ errno, answeredBy: 'sandbox' });
    expect(names(scan, (x) => x.disposition === 'killed' || x.disposition === 'trapped' || x.answeredBy === 'filter')).toEqual([]);
    expect(names(scan, (x) => x.disposition === 'not-implemented' && x.kernelHasCall !== false)).toEqual([]);
    // the seed: "SWAPON, KCMP … are not implemented in gVisor"
    expect(names(scan, (x) => x.disposition === 'not-implemented')).toEqual(expect.arrayContaining(['kcmp', 'swapon']));
    // the 15 calls that used to be ambiguous are each read: none is left
    expect(names(scan, (x) => x.disposition === 'ambiguous')).toEqual([]);
    // create_module is a CapError stub here (EPERM): it must not sway the canaries
    expect(scan.defaultAction).toMatchObject({ kind: 'errno', errno: 'ENOSYS' });
    expect((scan.defaultAction as { agreeing: number; of: number }).agreeing).toBe((scan.defaultAction as { of: number }).of);

    // the full table's syscall section says it in the seed's words
    const text = await run(decl, ['--full']);
    // the two columns of the section, each read on its own (labels and lists wrap within their column)
    const cells = text.slice(text.indexOf('Syscalls')).split('\n').map((l) => l.split('│')).filter((c) => c.length === 4);
    const labels = cells.map((c) => c[1].trim()).join(' ').replace(/\s+/g, ' ');
    const values = cells.map((c) => c[2].trim()).join(' ').replace(/\s+/g, ' ');
    for (const words of ['not implemented by gVisor', 'not implemented by gVisor, EPERM without the capability', 'needs a capability the process lacks', 'refused by gVisor for everyone'])
      expect(labels, words).toContain(words);
    expect(values).toContain("no seccomp filter in force on the probe (Seccomp: 0): every answer is gVisor's own");
    for (const x of ['kcmp[CAP_SYS_PTRACE]', 'swapon[CAP_SYS_ADMIN]', 'chroot[CAP_SYS_CHROOT]', 'add_key=EACCES', 'modify_ldt=EPERM']) expect(values, x).toContain(x);
    const flat = `${labels} ${values}`;
    expect(flat).not.toMatch(/blocked EPERM|ENOSYS \(filtered\)/);
  });

  await itRunsc('root with every capability runsc accepts: the CapError stubs answer ENOSYS, the capability-first calls reach their argument checks', async () => {
    const { scan, r } = await scanIn(baseCase('runsc', [], { name: 'i17-gvisor-root', uid: 0, gid: 0, caps: ROOT_CAPS, noNewPrivileges: false }));
    expect(scan.gvisor?.release).toBe('release-20221219.0');
    for (const [name, cap, line] of CAP_ERROR) {
      const x = r.get(name)!;
      if (x.disposition === 'not-probed') { expect(x.reason, name).toMatch(/^not called: the process holds/); continue; }
      // create_module: Linux answers ENOSYS too, so it reads as allowed there
      expect(x, `${name}: CapError(${cap}) at linux64.go:${line}, held`).toMatchObject({ disposition: name === 'create_module' ? 'allowed' : 'not-implemented', errno: 'ENOSYS' });
    }
    for (const [name, { then }] of Object.entries(CAP_FIRST)) {
      const x = r.get(name)!;
      if (x.disposition === 'not-probed') continue; // sethostname, setdomainname: never called with CAP_SYS_ADMIN
      expect(x, name).toMatchObject({ disposition: 'allowed', errno: then });
    }
    expect(names(scan, (x) => x.disposition === 'capability-denied')).toEqual([]);
    const refusedProbed = Object.keys(REFUSED_FOR_EVERYONE).filter((n) => r.get(n)?.disposition !== 'not-probed').sort();
    expect(r.get('clock_settime')?.disposition).toBe('not-probed'); // never called while CAP_SYS_TIME is held
    expect(names(scan, (x) => x.disposition === 'blocked-errno')).toEqual(refusedProbed);
    expect(names(scan, (x) => x.disposition === 'ambiguous')).toEqual([]);
  });

  // A filter that allows by default and refuses seven calls with EPERM (the matrix's profile: under
  // Docker's, runsc 20221219 answers clone3 EPERM and Node aborts). The canaries then show gVisor's
  // ENOSYS, so a refusal the filter gave is told by differing from gVisor's own answer.
  const GENTLE: OciSeccomp = {
    defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['kexec_load', 'open_by_handle_at', 'add_key', 'request_key', 'keyctl', 'bpf', 'userfaultfd'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
  };
  await itRunsc('--oci-seccomp: a refusal that is not gVisor\'s own answer is the filter\'s; one that is, is said to be gVisor\'s as far as the canaries tell', async () => {
    const { scan, r } = await scanIn(baseCase('runsc', [], { name: 'i17-gvisor-oci', seccomp: { oci: GENTLE }, runscFlags: ['--oci-seccomp'] }));
    expect(scan.gvisor).toMatchObject({ release: 'release-20221219.0', seccomp: 'filtering' });
    // gVisor answers EACCES (linux64.go:303-305), EOPNOTSUPP (:359), ENOSYS (:378 userfaultfd): the EPERM is the filter's
    for (const name of ['add_key', 'request_key', 'keyctl', 'open_by_handle_at', 'userfaultfd'])
      expect(r.get(name), name).toMatchObject({ disposition: 'blocked-errno', errno: 'EPERM', answeredBy: 'filter' });
    // kexec_load, bpf: gVisor's CapError answers EPERM too; the default action (allow: the canaries
    // get gVisor's ENOSYS) is not EPERM, so only a rule for that very call could have — it says so
    for (const name of ['kexec_load', 'bpf'])
      expect(r.get(name), name).toMatchObject({ disposition: 'not-implemented', errno: 'EPERM', answeredBy: 'sandbox', reason: expect.stringMatching(/unless a rule of the filter/) });
    expect(names(scan, (x) => x.answeredBy === 'filter')).toEqual(['add_key', 'keyctl', 'open_by_handle_at', 'request_key', 'userfaultfd']);
    expect(names(scan, (x) => x.disposition === 'ambiguous')).toEqual([]);
  });
});

// ---- runsc 20240729 (trixie; scripts/setup-runtimes.sh): systrap, today's default platform -----
// What each call must come out as, from gVisor's source at release-20240729.0 (commit 8db16e88):
// linux64.go there no longer stubs keyctl, setns, process_vm_readv/writev and clone3; io_uring
// answers ENOSYS unless runsc runs with --iouring (sys_iouring.go:28-29, 84-85); uprobe (336) and
// uretprobe (335) are not in its table (it jumps from 334 to 424) — but systrap intercepts with
// a seccomp filter, and a host kernel that runs them before seccomp (uretprobe from 6.11, uprobe
// from 6.18: seccompPassthroughCalls) lets them reach the host.
describe('gVisor 20240729 (systrap and ptrace): every release reads right (#21)', async () => {
  await itRunsc2024("the seed's pod on systrap — uid 20000, no capabilities, no seccomp: 0 read as a filter's, 0 ambiguous; what this host's kernel runs before seccomp reached it", async () => {
    const decl = baseCase('runsc-2024', [], { name: 'i21-systrap-nocaps' });
    const { scan, r } = await scanIn(decl);
    expect(scan.gvisor).toMatchObject({ release: 'release-20240729.0', match: 'exact', seccomp: 'disabled' });
    expect(names(scan, (x) => x.disposition === 'ambiguous')).toEqual([]);
    expect(names(scan, (x) => x.answeredBy === 'filter' || x.answeredBy === 'sandbox-or-filter')).toEqual([]);
    for (const name of ['setns', 'clone3', 'process_vm_readv', 'process_vm_writev']) expect(r.get(name)?.disposition, name).toBe('allowed');
    expect(r.get('keyctl')).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS' }); // sys_key.go:41-43
    for (const name of ['io_uring_setup', 'io_uring_enter']) expect(r.get(name), name).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS' });
    // exactly the calls this host's kernel runs before seccomp, each with the host's answer
    const passthrough = seccompPassthroughCalls();
    expect(names(scan, (x) => x.disposition === 'host-kernel')).toEqual(passthrough);
    const HOST_ANSWER: Record<string, object> = { uprobe: { errno: 'ENXIO' }, uretprobe: { signal: 'SIGILL' } };
    for (const name of passthrough) expect(r.get(name), name).toMatchObject({ disposition: 'host-kernel', answeredBy: 'host-kernel', ...HOST_ANSWER[name] });
    // refused to everyone: linux64.go:203, 209, 211, 303, 304 and sys_time.go:159-160 (keyctl is no longer among them)
    expect(names(scan, (x) => x.disposition === 'blocked-errno')).toEqual(['_sysctl', 'add_key', 'clock_settime', 'modify_ldt', 'request_key', 'sched_rr_get_interval']);

    const text = await run(decl, ['--full']);
    expect(text).toMatch(/gVisor sandbox \(platform systrap\)/);
    const section = text.slice(text.indexOf('Syscalls')).replace(/[│\s]+/g, ' ');
    expect(section.includes('reached the host kernel'), 'the section says what reached the host kernel').toBe(passthrough.length > 0);
    expect(section.includes('uprobe=ENXIO'), 'uprobe=ENXIO in the section').toBe(passthrough.includes('uprobe'));
    expect(section).not.toMatch(/ambiguous (?!\d)|blocked by the seccomp filter/);
  });

  await itRunsc2024('the 2024 release on its ptrace platform: nothing reaches the host kernel, and the release still reads exactly', async () => {
    const { scan, r } = await scanIn(baseCase('runsc-2024', [], { name: 'i21-2024-ptrace', runscFlags: ['--platform=ptrace'] }));
    expect(scan.gvisor).toMatchObject({ release: 'release-20240729.0', match: 'exact' });
    expect(names(scan, (x) => x.disposition === 'host-kernel')).toEqual([]);
    expect(r.get('uprobe')).toMatchObject({ disposition: 'not-implemented', errno: 'ENOSYS' }); // linux64.go:416 Missing
    expect(names(scan, (x) => x.disposition === 'ambiguous' || x.answeredBy === 'filter')).toEqual([]);
  });
});
