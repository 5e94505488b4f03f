// Facts only the native helper can get: CPUID, the syslog buffer, mmap boundary probes,
// the cost of a syscall, and the syscall scan. One helper run answers all of them; each
// answer is parsed here into a typed fact, and a missing or broken answer becomes unknown.
import type { HelperAnswer, Host } from '../readers/host.js';
import { SECCOMP_MODES, type SeccompMode } from './process.js';
import { brief, type Fact, known, unknown } from './fact.js';
import type { FileFacts } from './file-facts.js';
import type { SyscallPlan } from './syscalls/plan.js';
import { buildSyscallScan, type SyscallFacts, interpretSyscallScan, skippedSyscallScan } from './syscalls/scan.js';
import { archFromMachine, rowByName } from './syscalls/table.js';

export interface NativeOptions {
  /** false: skip the syscall scan (--no-syscalls) */
  syscalls: boolean;
  /** false: do not run the helper at all */
  helper: boolean;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface CpuidLeaf { eax: number; ebx: number; ecx: number; edx: number; vendor: string | null }
export interface CpuidFacts {
  vendor: string | null; // leaf 0: GenuineIntel, AuthenticAMD
  hypervisorBit: boolean; // leaf 1 ECX bit 31
  hypervisorVendor: string | null; // leaf 0x40000000: KVMKVMKVM, TCGTCGTCGTCG, "" (zeros)
}
export type MmapOutcome = number | 'ok' | 'moved';
/** Each probed address's outcome. An interface, not a bare Record: the schema then names it
 *  (a Record's generated name carries its source offsets, and moved with every edit above it). */
export interface MmapOutcomes { [address: string]: MmapOutcome }
export interface SyslogFacts { size: number | null; firstLines: string[]; lastLine: string | null }
/** The probe's own flags as the kernel answers prctl (gVisor's status file prints no NoNewPrivs
 *  line, but its sentry answers the query): the helper's child, which inherits them from the
 *  tool, or is the helper --via sends */
export interface OwnFlags { noNewPrivs: Fact<boolean>; seccomp: Fact<SeccompMode> }

export interface HelperRun {
  elapsedMs: number;
  exit: HelperAnswer['exit'];
  garbageLines: number;
  timedOut: boolean;
  /** probe children it made: forked (an address space each) and sharing its memory (null: not told) */
  children: { forked: number; shared: number } | null;
  /** children it ran at once: 4, or 1 under a CPU quota below one CPU */
  parallel: number;
}

export interface NativeFacts {
  helper: Fact<HelperRun>;
  cpuid: Fact<CpuidFacts>;
  syslog: Fact<SyslogFacts>;
  /** address -> "ok", "moved" (the kernel treated the address as a hint and mapped elsewhere:
   *  it predates MAP_FIXED_NOREPLACE, as runsc 2022 does), or the errno number */
  mmap: Fact<MmapOutcomes>;
  /** median ns of getpid() */
  syscallNs: Fact<number>;
  ownFlags: OwnFlags;
  syscalls: SyscallFacts;
}

/** gVisor platform boundaries, signals.md §2.2: systrap caps user space at 0x7F0000000000,
 *  ptrace puts its stub just below TASK_SIZE, KVM allows mappings down to 4096. */
export const MMAP_PROBE_ADDRESSES = ['0x7f0000000000', '0x7fffffffe000', '0x1000'] as const;
/** prctl queries: they read the caller's own state and change nothing (linux/prctl.h) */
const PR_GET_SECCOMP = 21;
const PR_GET_NO_NEW_PRIVS = 39;
const OWN_NNP = 'own.nnp', OWN_SECCOMP = 'own.seccomp';
const SYSLOG_BYTES = 4096;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Formats a value from a helper line safely: a hostile or deeply nested object must not throw. */
const text = (v: unknown): string => brief(v, 200);

/** Why a helper line has no answer: the child timed out, was killed, or could not fork. */
export function lineFailure(line: Record<string, unknown> | undefined, what: string): string | null {
  if (!line) return `the helper gave no answer for ${what}`;
  if (line.timeout) return `${what}: the probe timed out`;
  if (line.setup_failed) return `${what}: the probe child died in its setup, before the probe (a filter refuses one of the helper's own setup calls)`;
  if (line.fork_errno !== undefined) return `${what}: fork failed (errno ${text(line.fork_errno)})`;
  if (line.pipe_errno !== undefined) return `${what}: pipe failed (errno ${text(line.pipe_errno)})`;
  if (line.signal !== undefined) return `${what}: the probe died of signal ${text(line.signal)}`;
  if (line.error !== undefined) return `${what}: ${text(line.error)}`;
  if (line.lost || line.incomplete_output) return `${what}: the probe's answer was lost`;
  return null;
}

const vendorFromHex = (hex: unknown): string | null =>
  typeof hex === 'string' && /^[0-9a-f]{24}$/.test(hex) ? Buffer.from(hex, 'hex').toString('latin1').replace(/\0+$/, '') : null;

export function parseCpuid(lines: Record<string, unknown>[]): Fact<CpuidFacts> {
  const leaf = (n: number) => lines.find((l) => l.req === 'cpuid' && l.leaf === n);
  const l0 = leaf(0), l1 = leaf(1), lh = leaf(0x40000000);
  // leaf 1 decides the hypervisor bit; leaf 0 only adds the CPU vendor
  const why = lineFailure(l1, 'cpuid leaf 1');
  if (why) return unknown(why, 'helper cpuid');
  const ecx1 = num(l1!.ecx);
  if (ecx1 === null) return unknown('cpuid leaf 1 has no ecx', 'helper cpuid');
  const hypervisorBit = ((ecx1 >>> 31) & 1) === 1;
  return known({
    vendor: l0 && !lineFailure(l0, 'cpuid') ? vendorFromHex(l0.vendor_hex) : null,
    hypervisorBit,
    hypervisorVendor: hypervisorBit && lh && !lineFailure(lh, 'cpuid') ? vendorFromHex(lh.vendor_hex) : null,
  }, 'helper cpuid');
}

export function parseSyslog(lines: Record<string, unknown>[]): Fact<SyslogFacts> {
  const l = lines.find((x) => x.req === 'syslog');
  const why = lineFailure(l, 'syslog');
  if (why) return unknown(why, 'helper syslog(2)');
  const size = num(l!.size_ret);
  if (typeof l!.text !== 'string') {
    return unknown(`syslog(SYSLOG_ACTION_READ_ALL) failed with errno ${text(l!.read_errno ?? '?')}`, 'helper syslog(2)');
  }
  const all = (l!.text as string).split('\n').map((s) => s.trim()).filter(Boolean);
  return known({ size: size !== null && size >= 0 ? size : null, firstLines: all.slice(0, 3), lastLine: all.at(-1) ?? null }, 'helper syslog(2)');
}

export function parseMmap(lines: Record<string, unknown>[]): Fact<MmapOutcomes> {
  const out: MmapOutcomes = {};
  for (const addr of MMAP_PROBE_ADDRESSES) {
    const l = lines.find((x) => x.req === 'mmap' && x.addr === addr);
    const why = lineFailure(l, `mmap ${addr}`);
    if (why) return unknown(why, 'helper mmap');
    out[addr] = l!.ok === true ? (l!.at_addr === false ? 'moved' : 'ok') : (num(l!.errno) ?? -1);
  }
  return known(out, 'helper mmap(MAP_FIXED_NOREPLACE)');
}

/** One of the probe's own prctl queries (nativeHead): what it answered, read by `read`. */
function parsePrctlQuery<T>(lines: Record<string, unknown>[], id: string, what: string, read: (ret: number) => T | undefined): Fact<T> {
  const source = prctlSource(what);
  const l = lines.find((x) => x.req === 'sys' && x.id === id);
  const why = lineFailure(l, `prctl(${what})`);
  if (why) return unknown(why, source);
  const ret = num(l!.ret), errno = num(l!.errno);
  if (ret === -1 && errno) return unknown(`prctl(${what}) failed with errno ${errno}`, source);
  const v = ret === null ? undefined : read(ret);
  return v === undefined ? unknown(`prctl(${what}) answered ${text(l!.ret)}`, source) : known(v, source);
}
const prctlSource = (what: string) => `helper prctl(${what}) (the probe's own)`;

const parseOwnNnp = (lines: Record<string, unknown>[]) =>
  parsePrctlQuery(lines, OWN_NNP, 'PR_GET_NO_NEW_PRIVS', (r) => (r === 0 ? false : r === 1 ? true : undefined));
const parseOwnSeccomp = (lines: Record<string, unknown>[]) =>
  parsePrctlQuery(lines, OWN_SECCOMP, 'PR_GET_SECCOMP', (r) => SECCOMP_MODES.get(String(r)));

export function parseTiming(lines: Record<string, unknown>[]): Fact<number> {
  const l = lines.find((x) => x.req === 'timing');
  const why = lineFailure(l, 'timing');
  if (why) return unknown(why, 'helper timing');
  const ns = num(l!.median_ns);
  return ns === null ? unknown('timing answer has no median', 'helper timing') : known(ns, 'helper timing getpid()');
}

/** The helper's first lines: the probes that need no file fact (CPUID, syslog, mmap, timing),
 *  so the helper can start on them while the file probes run (startNative). */
export function nativeHead(arch: string): string[] {
  const head: string[] = ['timeout_ms 250'];
  if (arch === 'x86_64') head.push('cpuid 0', 'cpuid 1', 'cpuid 0x40000000');
  head.push(`syslog ${SYSLOG_BYTES}`);
  for (const a of MMAP_PROBE_ADDRESSES) head.push(`mmap ${a}`);
  const a = archFromMachine(arch);
  const getpid = a ? rowByName('getpid')?.nr[a] : null;
  if (getpid != null) head.push(`timing ${getpid} 128`);
  const prctl = a ? rowByName('prctl')?.nr[a] : null;
  // fresh children sharing the helper's memory (two queries, no address space to make)
  if (prctl != null) head.push(`sysv ${OWN_NNP} ${prctl} ${PR_GET_NO_NEW_PRIVS} 0 0 0 0 0`, `sysv ${OWN_SECCOMP} ${prctl} ${PR_GET_SECCOMP} 0 0 0 0 0`);
  return head;
}

/**
 * How many children the helper runs at once. Four, unless a CPU quota below one CPU is in force:
 * then every child beside the one that runs only waits for its share, and under gVisor's systrap
 * a waiting task's stub spins — CPU time the quota then takes from the tool — so one at a time.
 */
export function helperParallelism(files: FileFacts): number {
  const cpu = files.cgroups.cpuLimit;
  return cpu.known && cpu.value !== null && cpu.value < 1 ? 1 : 4;
}

/** What follows the head: the pool's size, the syscall scan built from the file facts, and the
 *  count of children it took. */
export function nativeTail(arch: string, files: FileFacts, opts: NativeOptions): { lines: string[]; scan: SyscallPlan | null } {
  const scan = opts.syscalls ? buildSyscallScan(arch, files) : null;
  return { lines: [`pool ${helperParallelism(files)}`, ...(scan?.lines ?? []), `stats ${STATS_ID}`], scan };
}

/** The whole plan: the head, then the tail. */
export function nativePlan(arch: string, files: FileFacts, opts: NativeOptions) {
  const tail = nativeTail(arch, files, opts);
  return { plan: [...nativeHead(arch), ...tail.lines], scan: tail.scan };
}

const STATS_ID = 'run';
function parseChildren(lines: Record<string, unknown>[]): HelperRun['children'] {
  const l = lines.find((x) => x.req === 'stats' && x.id === STATS_ID);
  const f = num(l?.forked), s = num(l?.shared);
  return f !== null && s !== null ? { forked: f, shared: s } : null;
}

export interface NativeRun {
  /** gives the helper the syscall plan built from the file facts; the native facts */
  finish(files: FileFacts): Promise<NativeFacts>;
  /** ends the helper's plan where it is, when there will be no file facts (a probe threw) */
  cancel(): void;
}

/** Starts the helper on nativeHead before the file facts exist. finish() must be called: the
 *  helper waits for the rest of its plan until then. */
export function startNative(host: Host, opts: NativeOptions): NativeRun {
  const arch = host.uname().machine;
  const off = (why: string): NativeFacts => ({
    helper: unknown(why, 'sbx-helper'),
    cpuid: unknown(why, 'helper cpuid'),
    syslog: unknown(why, 'helper syslog(2)'),
    mmap: unknown(why, 'helper mmap'),
    syscallNs: unknown(why, 'helper timing'),
    ownFlags: { noNewPrivs: unknown(why, prctlSource('PR_GET_NO_NEW_PRIVS')), seccomp: unknown(why, prctlSource('PR_GET_SECCOMP')) },
    syscalls: skippedSyscallScan(opts.syscalls ? why : 'skipped (--no-syscalls)'),
  });
  if (!opts.helper) return { finish: async () => off('the native helper was not run (--no-helper)'), cancel: () => {} };
  const head = nativeHead(arch);
  let total = head.length;
  let giveRest!: (rest: string[]) => void;
  const more = new Promise<string[]>((resolve) => { giveRest = resolve; });
  const running = host.runHelper(head, {
    timeoutMs: opts.timeoutMs ?? 30000,
    more,
    onProgress: opts.onProgress ? (n) => opts.onProgress!(n, total) : undefined,
  });
  return {
    cancel: () => giveRest([]),
    async finish(files) {
      let tail: { lines: string[]; scan: SyscallPlan | null } = { lines: [], scan: null };
      try {
        tail = nativeTail(arch, files, opts);
      } finally {
        total += tail.lines.length;
        giveRest(tail.lines); // even when building the plan threw: the helper must not wait on
      }
      const scan = tail.scan;
      const answer = await running;
      if (!answer.ok) return off(`the native helper could not run: ${answer.error.message}`);
      const a = answer.value;
      const lines = a.lines;
      const helperNote = a.timedOut ? 'the helper timed out; later answers are missing'
        : a.exit.signal ? `the helper was killed by ${a.exit.signal}; later answers are missing` : null;
      return {
        helper: known({
          elapsedMs: Math.round(a.elapsedMs * 10) / 10, exit: a.exit, garbageLines: a.garbageCount ?? a.garbage.length, timedOut: a.timedOut,
          children: guardedValue(() => parseChildren(lines), null), parallel: helperParallelism(files),
        }, 'sbx-helper'),
        cpuid: withNote(guarded(() => parseCpuid(lines), 'helper cpuid'), helperNote),
        syslog: withNote(guarded(() => parseSyslog(lines), 'helper syslog(2)'), helperNote),
        mmap: withNote(guarded(() => parseMmap(lines), 'helper mmap'), helperNote),
        syscallNs: withNote(guarded(() => parseTiming(lines), 'helper timing'), helperNote),
        ownFlags: {
          noNewPrivs: withNote(guarded(() => parseOwnNnp(lines), prctlSource('PR_GET_NO_NEW_PRIVS')), helperNote),
          seccomp: withNote(guarded(() => parseOwnSeccomp(lines), prctlSource('PR_GET_SECCOMP')), helperNote),
        },
        syscalls: scan ? interpretSyscallScan(scan, answer)
          : skippedSyscallScan(opts.syscalls ? `no syscall table for architecture ${arch}` : 'skipped (--no-syscalls)'),
      };
    },
  };
}

/** The native facts when the file facts are already there (kubectl's per-container path). */
export function probeNative(host: Host, files: FileFacts, opts: NativeOptions): Promise<NativeFacts> {
  return startNative(host, opts).finish(files);
}

function guardedValue<T>(f: () => T, dflt: T): T {
  try {
    return f();
  } catch {
    return dflt;
  }
}

/** A parser bug on hostile helper output costs one fact, never the report. */
function guarded<T>(parse: () => Fact<T>, source: string): Fact<T> {
  try {
    return parse();
  } catch (err) {
    return unknown(`unparseable helper answer (${(err as Error)?.message ?? 'error'})`, source);
  }
}

function withNote<T>(f: Fact<T>, note: string | null): Fact<T> {
  return !f.known && note ? unknown(`${f.reason} (${note})`, f.source) : f;
}
