// Turns the helper's answers into one disposition per syscall, plus the filter's default
// action read from the canaries. Pure: it never throws, whatever the helper printed —
// missing answers, garbage lines and a helper killed mid-scan show up in the rows.
import type { HelperAnswer, Read } from '../../readers/host.js';
import { brief } from '../fact.js';
import { GVISOR_TABLES, type GvisorOutcome, type GvisorRelease, type GvisorTable, gvisorOutcomes } from './gvisor-table.js';
import { type PlanFacts, type SyscallPlan, lacksCapFirst, sysctlBlocks } from './plan.js';
import {
  type CapName,
  type Expectation,
  type SyscallRow,
  errnoName,
  errnoNumber,
  hasCapability,
  kernelAtLeast,
  parseKernelVersion,
  signalName,
} from './table.js';

export type Disposition =
  | 'allowed'
  | 'blocked-errno'
  | 'not-implemented'
  | 'killed'
  | 'trapped'
  | 'timeout'
  | 'capability-denied'
  | 'host-kernel'
  | 'ambiguous'
  | 'not-probed';

export const DISPOSITIONS: readonly Disposition[] = [
  'allowed',
  'blocked-errno',
  'not-implemented',
  'killed',
  'trapped',
  'timeout',
  'capability-denied',
  'host-kernel',
  'ambiguous',
  'not-probed',
];

export interface SyscallResult {
  name: string;
  /** the profile name (differs from name for argument variants) */
  call: string;
  nr: number;
  disposition: Disposition;
  /** what an allowed call returns with the probe's arguments, e.g. "EBADF" or "ret >= 0" */
  expected: string;
  /** the raw outcome, e.g. "EPERM", "ret 0", "SIGSYS", "timeout" */
  observed?: string;
  errno?: string;
  ret?: number;
  signal?: string;
  /** for not-implemented: does the running kernel (per uname) have the call?
   *  true: a filter or sandbox answered ENOSYS; false: the kernel predates or dropped it */
  kernelHasCall?: boolean | 'unknown';
  /** the capability (or sysctl) behind a capability-denied or ambiguous answer */
  gate?: string;
  reason?: string;
  /** inside a sandbox with its own syscall table (gVisor), who answered, as far as the
   *  canaries tell: the sandbox's own code, a seccomp filter, or either — or the host kernel
   *  itself, for a call the sandbox did not intercept (disposition host-kernel) */
  answeredBy?: 'sandbox' | 'filter' | 'sandbox-or-filter' | 'host-kernel';
  /** the sandbox source the answer was read against (file:lines @ release) */
  source?: string;
}

/** How the answers were read when the syscall interface is gVisor's own (absent on Linux). */
export interface GvisorReading {
  /** the gVisor release whose table the answers were read against */
  release: GvisorRelease;
  /** exact: every call whose answer changed between the recorded releases answered as this
   *  release predicts; closest: the running release is another one (between two recorded ones,
   *  or newer than the newest), and answers that fit no recorded table are read on their own */
  match: 'exact' | 'closest';
  /** why that release: how the calls that changed between recorded releases answered */
  basis: string;
  /** the probe's own seccomp mode, and the workload's (PID 1 unless another was named) */
  seccomp: 'disabled' | 'strict' | 'filtering' | 'unknown';
  workloadSeccomp: 'disabled' | 'strict' | 'filtering' | 'unknown';
}

export type DefaultAction =
  | { kind: 'errno'; errno: string; agreeing: number; of: number }
  | { kind: 'kill' | 'trap'; agreeing: number; of: number }
  | { kind: 'unknown'; reason: string };

export interface SyscallScan {
  arch: string;
  results: SyscallResult[];
  counts: Record<Disposition, number>;
  /** the answer of the canaries: ENOSYS with no filter or an ENOSYS-default filter, EPERM with Docker's */
  defaultAction: DefaultAction;
  /** problems with the helper run as a whole (killed, timed out, garbage) */
  helperProblems: string[];
  /** set when the answers were read against gVisor's syscall table instead of Linux's */
  gvisor?: GvisorReading;
}

export function describeExpectation(e: Expectation | undefined): string {
  if (!e) return '-';
  const parts: string[] = [];
  if (e.errno) parts.push(...e.errno);
  if (e.ret !== undefined) parts.push(`ret ${e.ret}`);
  if (e.retNonNegative) parts.push('ret >= 0');
  if (e.signal) parts.push(e.signal);
  return parts.join(' | ');
}

type Outcome =
  | { kind: 'ret'; ret: number; errno: number }
  | { kind: 'signal'; signal: number; trapped: boolean; siErrno?: number }
  | { kind: 'timeout' }
  | { kind: 'fork-failed'; errno: number; what: string }
  | { kind: 'setup-failed'; how: string }
  | { kind: 'other'; text: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function outcomeOf(line: Record<string, unknown>): Outcome {
  if (line.timeout === true) return { kind: 'timeout' };
  const forkErrno = num(line.fork_errno) ?? num(line.pipe_errno);
  if (forkErrno !== undefined) return { kind: 'fork-failed', errno: forkErrno, what: line.pipe_errno !== undefined ? 'pipe' : 'fork' };
  // the probe child died before its call: a filter killed one of its setup calls
  if (line.setup_failed === true) {
    const sig = num(line.signal);
    return { kind: 'setup-failed', how: sig !== undefined ? `died of ${signalName(sig)}` : num(line.exit) !== undefined ? `exited with status ${line.exit}` : 'ended' };
  }
  const signal = num(line.signal);
  if (signal !== undefined) return { kind: 'signal', signal, trapped: line.trapped === true, siErrno: num(line.si_errno) };
  const ret = num(line.ret);
  const errno = num(line.errno);
  if (ret !== undefined && errno !== undefined) return { kind: 'ret', ret, errno };
  if (num(line.pid_errno) !== undefined) return { kind: 'other', text: `getpid failed in the child (${errnoName(num(line.pid_errno)!)})` };
  if (num(line.exit) !== undefined) return { kind: 'other', text: `the child exited with status ${line.exit} without an answer` };
  return { kind: 'other', text: `unreadable answer ${brief(line, 120)}` };
}

function matches(e: Expectation, o: Outcome): boolean {
  if (o.kind === 'ret') {
    if (o.ret === -1 && o.errno !== 0) return e.errno?.includes(errnoName(o.errno)) ?? false;
    if (e.ret !== undefined && o.ret === e.ret) return true;
    return e.retNonNegative === true && o.ret >= 0;
  }
  if (o.kind === 'signal') return e.signal !== undefined && e.signal === signalName(o.signal);
  return false;
}

/** The process holds `cap` in its effective set, but in a user namespace of its own: a capable()
 *  check, which wants it in the initial user namespace, refuses it all the same. */
function heldOnlyInChildNs(cap: CapName, facts: PlanFacts): boolean {
  return facts.inInitUserNs === false && facts.effectiveCaps !== null && hasCapability(facts.effectiveCaps, cap);
}

/** Does the running kernel have the row's call? */
function kernelHas(row: SyscallRow, facts: PlanFacts): boolean | 'unknown' {
  if (row.neverImplemented) return false;
  const running = parseKernelVersion(facts.kernelRelease);
  if (!running) return 'unknown';
  if (!kernelAtLeast(running, row.since)) return false;
  if (row.removedIn && kernelAtLeast(running, row.removedIn)) return false;
  if (row.configDependent) return 'unknown';
  return true;
}

/** A row's result before it is read: what was called and what was expected. */
const resultBase = (row: SyscallRow, nr: number): SyscallResult =>
  ({ name: row.name, call: row.call ?? row.name, nr, disposition: 'ambiguous', expected: describeExpectation(row.expect) });

/** A call that returned, as a result shows it: the errno's name when it failed, else the value. */
function returned(base: SyscallResult, o: Extract<Outcome, { kind: 'ret' }>): { r: SyscallResult; failed: boolean; errno?: string } {
  if (o.ret !== -1 || o.errno === 0) return { r: { ...base, observed: `ret ${o.ret}`, ret: o.ret }, failed: false };
  const errno = errnoName(o.errno);
  return { r: { ...base, observed: errno, errno }, failed: true, errno };
}

function classify(row: SyscallRow, nr: number, o: Outcome, facts: PlanFacts, defaultErrno: number | null): SyscallResult {
  const base = resultBase(row, nr);
  switch (o.kind) {
    case 'timeout':
      return { ...base, disposition: 'timeout', observed: 'timeout', reason: 'the probe child ran past its timeout and was killed' };
    case 'fork-failed':
      return { ...base, disposition: 'not-probed', observed: `${o.what} ${errnoName(o.errno)}`, reason: `the helper could not ${o.what} (${errnoName(o.errno)}): the call was not made` };
    case 'setup-failed':
      return { ...base, disposition: 'not-probed', observed: `setup ${o.how}`, reason: `the probe child ${o.how} in its setup, before the call: the call was not made (a filter refuses one of the helper's own setup calls)` };
    case 'other':
      return { ...base, disposition: 'ambiguous', reason: o.text };
    case 'signal': {
      const sig = signalName(o.signal);
      const sigBase = { ...base, observed: sig, signal: sig };
      if (row.expect && matches(row.expect, o)) return { ...sigBase, disposition: 'allowed' };
      if (sig === 'SIGSYS' && o.trapped)
        return { ...sigBase, disposition: 'trapped', reason: 'seccomp SECCOMP_RET_TRAP (SIGSYS with si_code SYS_SECCOMP)' };
      if (sig === 'SIGSYS') return { ...sigBase, disposition: 'killed', reason: 'killed by SIGSYS before any handler ran: seccomp SECCOMP_RET_KILL' };
      return { ...sigBase, disposition: 'ambiguous', reason: `the child died of ${sig}: not a seccomp action (only SIGSYS is)` };
    }
    case 'ret': {
      const { r, failed, errno } = returned(base, o);
      if (row.expect && matches(row.expect, o)) return { ...r, disposition: 'allowed' };
      if (!failed) return { ...r, disposition: 'ambiguous', reason: `succeeded where ${r.expected} was expected` };
      if (errno === 'ENOSYS') {
        const has = kernelHas(row, facts);
        const reason =
          has === true
            ? 'ENOSYS although the running kernel has this call: a filter or the sandbox answered'
            : has === false
              ? 'the running kernel does not have this call'
              : `ENOSYS: the kernel may be built without it (${row.configDependent ?? 'release unknown'}), or a filter answered`;
        return { ...r, disposition: 'not-implemented', kernelHasCall: has, reason };
      }
      if (errno === 'EPERM' || errno === 'EACCES') {
        // A kernel without the call answers ENOSYS before any capability or sysctl check
        // (lookup_dcookie since 6.10): EPERM then came from a filter or the sandbox.
        if ((row.capFirst || row.sysctlFirst) && kernelHas(row, facts) === false)
          return { ...r, disposition: 'blocked-errno', reason: `${errno} although the running kernel does not have this call (it would answer ENOSYS): a filter or the sandbox answered, not a capability check` };
        const sysctl = sysctlBlocks(row, facts);
        if (row.sysctlFirst && sysctl !== false && errno === row.sysctlFirst.errno) {
          const gate = `${row.sysctlFirst.sysctl} (bypassed by ${row.sysctlFirst.caps.join(' or ')})`;
          const heldInNs = row.sysctlFirst.caps.filter((c) => heldOnlyInChildNs(c, facts));
          const inNs = heldInNs.length ? `: the process holds ${heldInNs.join(' and ')} only in a user namespace of its own, and the kernel asks for it in the initial one (capable())` : '';
          return sysctl === true
            ? { ...r, disposition: 'capability-denied', gate, reason: `${gate} refuses the call before its arguments are read${inNs}` }
            : { ...r, disposition: 'ambiguous', gate, reason: `the sysctl or the capabilities are unknown, so ${errno} may come from ${gate}` };
        }
        if (row.capFirst && errno === 'EPERM') {
          const lacks = lacksCapFirst(row, facts);
          const gate = row.capFirst.cap;
          const inNs = row.capFirst.scope === 'init' && heldOnlyInChildNs(gate, facts);
          const lacking = inNs
            ? `the kernel checks ${gate} in the initial user namespace first (capable()), and the process holds it only in a user namespace of its own`
            : `the kernel checks ${gate} first and the process lacks it`;
          if (lacks === true && !row.capFirst.condition)
            return { ...r, disposition: 'capability-denied', gate, reason: lacking };
          if (lacks === true && inNs)
            return { ...r, disposition: 'ambiguous', gate, reason: `EPERM may come from the ${gate} check (${row.capFirst.condition}): ${lacking}` };
          if (lacks === false && row.capFirst.childUserNsMayRefuse && facts.inInitUserNs !== true)
            return { ...r, disposition: 'ambiguous', gate, reason: `EPERM despite ${gate}: ${row.capFirst.childUserNsMayRefuse}` };
          if (lacks !== false)
            return {
              ...r,
              disposition: 'ambiguous',
              gate,
              reason: row.capFirst.condition
                ? `EPERM may come from the ${gate} check (${row.capFirst.condition})`
                : `EPERM may come from the ${gate} check (capability state unknown)`,
            };
        }
        return { ...r, disposition: 'blocked-errno', reason: `${errno} where an allowed call gives ${r.expected}` };
      }
      if (defaultErrno !== null && o.errno === defaultErrno)
        return { ...r, disposition: 'blocked-errno', reason: `${errno} is the filter's default errno (from the canaries)` };
      return { ...r, disposition: 'ambiguous', reason: `unexpected ${errno} (an allowed call gives ${r.expected})` };
    }
  }
}

function outcomeMatches(p: { errno?: string; ret?: number; retNonNegative?: true }, o: Outcome): boolean {
  if (o.kind !== 'ret') return false;
  const failed = o.ret === -1 && o.errno !== 0;
  if (p.errno) return failed && errnoName(o.errno) === p.errno;
  if (failed) return false;
  if (p.ret !== undefined) return o.ret === p.ret;
  return p.retNonNegative === true && o.ret >= 0;
}

const describeOutcomes = (ps: GvisorOutcome[]): string =>
  [...new Set(ps.map((p) => p.errno ?? (p.ret !== undefined ? `ret ${p.ret}` : 'ret >= 0')))].join(' | ') || 'nothing recorded';

/**
 * Which recorded gVisor release the answers agree with. gVisor's uname is the same in every
 * release, so the calls whose answer changed between the recorded tables decide: the release
 * whose table predicts most of their answers (the newest on a tie).
 */
function chooseGvisorTable(
  answered: { row: SyscallRow; nr: number; o: Outcome }[], caps: bigint | null, tables: readonly GvisorTable[], unfiltered: boolean,
): { table: GvisorTable; match: 'exact' | 'closest'; basis: string } {
  const score = new Map<GvisorTable, number>(tables.map((t) => [t, 0]));
  let differing = 0;
  // differing calls whose answer no recorded table predicts: a filter's answer, or a release's
  // that is none of the recorded ones
  let unexplained = 0;
  for (const { row, nr, o } of answered) {
    if (o.kind !== 'ret') continue;
    const preds = tables.map((t) => gvisorOutcomes(t, row, nr, caps));
    const keys = preds.map((ps) => JSON.stringify(ps.map((p) => [p.errno, p.ret, p.retNonNegative, p.means])));
    if (new Set(keys).size === 1) continue;
    differing++;
    const fits = preds.map((ps) => ps.some((p) => outcomeMatches(p, o)));
    if (!fits.some(Boolean)) unexplained++;
    tables.forEach((t, i) => { if (fits[i]) score.set(t, score.get(t)! + 1); });
  }
  const ranked = [...tables].reverse().sort((a, b) => score.get(b)! - score.get(a)!);
  const best = ranked[0];
  const others = ranked.slice(1).map((t) => `${t.release} ${score.get(t)}`).join(', ');
  // with no filter in force every answer is gVisor's own: the release is the recorded one only
  // if its table predicts them all (the calls the host kernel runs past seccomp aside)
  const unpredicted = unfiltered
    ? answered.filter(({ row, nr, o }) => o.kind === 'ret' && !row.seccompPassthrough && !gvisorOutcomes(best, row, nr, caps).some((p) => outcomeMatches(p, o))).map(({ row }) => row.name)
    : [];
  // under a filter, a differing call no table predicts may be the filter's answer: it does not count
  // against the release; with none, it is this release's own and does
  const decisive = unfiltered ? differing : differing - unexplained;
  const exact = (decisive === 0 || score.get(best) === decisive) && unpredicted.length === 0;
  const closest = exact ? '' : `: the running release is none of the recorded ones (one between them, or newer or older than all of them), so ${best.release} is only the closest, and an answer its table does not predict is read on its own${unpredicted.length ? ` (${unpredicted.length} such: ${unpredicted.slice(0, 6).join(' ')}${unpredicted.length > 6 ? ' …' : ''})` : ''}`;
  const basis = differing === 0
    ? `no call whose answer changed between the recorded releases was answered: read against the newest${closest}`
    : `${score.get(best)} of the ${differing} calls whose answer changed between recorded releases answer as ${best.release}'s table predicts${others ? ` (${others})` : ''}${closest}`;
  return { table: best, match: exact ? 'exact' : 'closest', basis };
}

interface GvisorContext {
  table: GvisorTable;
  match: 'exact' | 'closest';
  /** a seccomp filter may be in force (the process's mode is filtering, strict or unknown) */
  filter: boolean;
  /** the filter's default errno as the canaries show it */
  defaultErrno: string | null;
  defaultText: string;
}

/** One row read against gVisor's table (see gvisor-table.ts); signals, timeouts and lost
 *  answers read as they do anywhere. */
function classifyGvisor(row: SyscallRow, nr: number, o: Outcome, facts: PlanFacts, defaultErrno: number | null, gv: GvisorContext): SyscallResult {
  const preds = gvisorOutcomes(gv.table, row, nr, facts.effectiveCaps);
  const passedThrough = reachedHostKernel(row, nr, o, preds);
  if (passedThrough) return passedThrough;
  if (o.kind !== 'ret') return classify(row, nr, o, facts, defaultErrno);
  const { r, failed, errno } = returned(resultBase(row, nr), o);
  const match = preds.find((p) => outcomeMatches(p, o));
  if (match) {
    let means = match.means;
    // a call Linux lacks too (never implemented, long removed) answers ENOSYS as it would there
    if (means === 'not-implemented' && errno === 'ENOSYS' && row.expect?.errno?.length === 1 && row.expect.errno[0] === 'ENOSYS') means = 'allowed';
    const withSource = { ...r, source: match.source, ...(match.gate ? { gate: match.gate } : {}) };
    if (means === 'allowed') return { ...withSource, disposition: 'allowed', reason: match.why };
    const either = gv.filter && failed && gv.defaultErrno === errno;
    const answeredBy = either ? 'sandbox-or-filter' as const : 'sandbox' as const;
    const who = either
      ? `; a seccomp filter is in force and the canaries got ${errno} too (its default answer, or gVisor's own if it allows by default): either may have answered`
      : gv.filter
        ? `; a seccomp filter is in force, but its default answer (${gv.defaultText}) is not ${errno}: gVisor answered, unless a rule of the filter for this very call returns ${errno}`
        : '';
    const reason = `${match.why}${who}`;
    if (means === 'not-implemented') return { ...withSource, disposition: 'not-implemented', kernelHasCall: false, answeredBy, reason };
    if (means === 'capability-denied') return { ...withSource, disposition: 'capability-denied', answeredBy, reason };
    return { ...withSource, disposition: 'blocked-errno', answeredBy, reason };
  }
  const want = describeOutcomes(preds);
  const source = preds[0]?.source;
  const withSource = source ? { ...r, source } : r;
  if (!gv.filter) return unpredictedWithoutFilter(withSource, want, gv);
  // a release that is none of the recorded ones may itself answer what its neighbour's table does not
  const who = gv.match === 'exact' ? 'filter' as const : 'sandbox-or-filter' as const;
  const unsure = gv.match === 'exact' ? '' : ` — unless this release, which is none of the recorded ones, answers so itself`;
  if (errno === 'ENOSYS')
    return { ...withSource, disposition: 'not-implemented', kernelHasCall: who === 'filter', answeredBy: who, reason: `gVisor ${gv.table.release} answers ${want} here: the ENOSYS came from the seccomp filter${unsure}` };
  if (failed && (errno === gv.defaultErrno || errno === 'EPERM' || errno === 'EACCES'))
    return { ...withSource, disposition: 'blocked-errno', answeredBy: who, reason: `gVisor ${gv.table.release} answers ${want} here: the ${errno}${errno === gv.defaultErrno ? ' (the default answer the canaries show)' : ''} came from the seccomp filter${unsure}` };
  return { ...withSource, disposition: 'ambiguous', reason: `gVisor ${gv.table.release} answers ${want} here, and a seccomp filter is in force: ${r.observed} fits neither` };
}

/**
 * A call the host kernel runs before any seccomp filter sees it (uprobe, uretprobe: the row's
 * seccompPassthrough) answered as Linux does, not as gVisor's table predicts: the call left the
 * sandbox. gVisor's systrap platform intercepts the workload's syscalls with a seccomp filter
 * (SECCOMP_RET_TRAP), so a call the kernel lets past seccomp reaches the host kernel itself;
 * ptrace and KVM intercept below seccomp and answer such a call from gVisor's own table.
 */
function reachedHostKernel(row: SyscallRow, nr: number, o: Outcome, preds: GvisorOutcome[]): SyscallResult | null {
  if (!row.seccompPassthrough || !row.expect || !matches(row.expect, o) || preds.some((p) => outcomeMatches(p, o))) return null;
  const base = resultBase(row, nr);
  const sig = o.kind === 'signal' ? signalName(o.signal) : null;
  const r = o.kind === 'ret' ? returned(base, o).r : { ...base, observed: sig ?? '?', ...(sig && { signal: sig }) };
  const observed = r.observed;
  const sandbox = describeOutcomes(preds);
  return {
    ...r, disposition: 'host-kernel', answeredBy: 'host-kernel',
    source: preds[0]?.source,
    reason: `reached the host kernel: ${observed} is Linux's own answer to ${row.name} called outside its trampoline, where gVisor answers ${sandbox}. The host kernel runs ${row.name} before any seccomp filter sees it, and gVisor's systrap platform intercepts syscalls with a seccomp filter, so this call is not intercepted: it runs in the host kernel, outside the sandbox`,
  };
}

/**
 * With no seccomp filter in force only gVisor answers, so an answer its recorded table does not
 * predict comes from a release that differs there (one between two recorded releases, or newer
 * than the newest): read by what gVisor does with such an answer, never as a filter's.
 */
function unpredictedWithoutFilter(r: SyscallResult, want: string, gv: GvisorContext): SyscallResult {
  const differs = `gVisor answered ${r.observed}, where the ${gv.table.release} table (${gv.match === 'exact' ? 'the release these answers fit' : 'the closest recorded release'}) predicts ${want}: this release differs here. No seccomp filter is in force, so the answer is gVisor's own`;
  if (r.errno === 'ENOSYS')
    return { ...r, disposition: 'not-implemented', kernelHasCall: false, answeredBy: 'sandbox', reason: `${differs}: ENOSYS is what gVisor answers for what it does not implement` };
  if (r.errno === 'EPERM' || r.errno === 'EACCES')
    return { ...r, disposition: 'blocked-errno', answeredBy: 'sandbox', reason: `${differs}: refused by gVisor (for everyone, or for lack of a capability it checks first: the recorded tables do not say which)` };
  return { ...r, disposition: 'allowed', reason: `${differs}: ${r.errno ? `${r.errno} is an argument check, so gVisor implements the call` : 'it succeeded, so gVisor implements the call'}` };
}

/** Reads the filter's default action from the canary rows' answers. */
function defaultActionFrom(outcomes: { row: SyscallRow; o: Outcome }[], keep: (row: SyscallRow) => boolean = () => true): DefaultAction {
  const canaries = outcomes.filter(({ row }) => row.canary && keep(row));
  if (canaries.length === 0) return { kind: 'unknown', reason: 'no canary was answered' };
  const tally = new Map<string, number>();
  for (const { o } of canaries) {
    const key =
      o.kind === 'ret' && o.ret === -1
        ? `errno:${o.errno}`
        : o.kind === 'signal' && signalName(o.signal) === 'SIGSYS'
          ? o.trapped
            ? 'trap'
            : 'kill'
          : 'other';
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const [best, count] = [...tally.entries()].sort((a, b) => b[1] - a[1])[0];
  if (best === 'other') return { kind: 'unknown', reason: 'the canaries gave no errno or SIGSYS' };
  if (best === 'kill' || best === 'trap') return { kind: best, agreeing: count, of: canaries.length };
  return { kind: 'errno', errno: errnoName(Number(best.slice(6))), agreeing: count, of: canaries.length };
}

function emptyCounts(): Record<Disposition, number> {
  return Object.fromEntries(DISPOSITIONS.map((d) => [d, 0])) as Record<Disposition, number>;
}

/**
 * One result per table row present on the plan's arch. `answer` is what runHelper returned
 * (or a read error when the helper could not run at all). `gvisorTables`: the recorded gVisor
 * releases to read gVisor's answers against (all of them; the tests leave some out to see a
 * release that is none of the recorded ones read right).
 */
export function syscallDispositions(plan: SyscallPlan, answer: Read<HelperAnswer>, gvisorTables: readonly GvisorTable[] = GVISOR_TABLES): SyscallScan {
  const helperProblems: string[] = [];
  const byId = new Map<string, Record<string, unknown>>();
  if (!answer.ok) {
    helperProblems.push(`the helper did not run: ${answer.error.message}`);
  } else {
    const a = answer.value;
    for (const line of a.lines) {
      if (line.req === 'sys' && typeof line.id === 'string' && !byId.has(line.id)) byId.set(line.id, line);
      else if (line.req === 'error') helperProblems.push(`the helper refused a line: ${brief(line.error)} (${brief(line.line, 80)})`);
    }
    const garbageCount = a.garbageCount ?? a.garbage.length;
    if (garbageCount) helperProblems.push(`${garbageCount} unreadable line(s) from the helper, e.g. ${JSON.stringify((a.garbage[0] ?? '').slice(0, 80))}`);
    if (a.timedOut) helperProblems.push(`the helper ran past the scan timeout and was killed after ${Math.round(a.elapsedMs)} ms`);
    else if (a.exit.signal) helperProblems.push(`the helper died of ${a.exit.signal}`);
    else if (a.exit.code !== 0 && a.exit.code !== null) helperProblems.push(`the helper exited with status ${a.exit.code}`);
  }

  const answered: { row: SyscallRow; nr: number; o: Outcome }[] = [];
  for (const probe of plan.probes) {
    const line = byId.get(probe.id);
    if (line) answered.push({ row: probe.row, nr: probe.nr, o: outcomeOf(line) });
  }
  // a helper that cannot fork makes every row say so; say it once, up front, too
  const forkFailures = answered.filter((x) => x.o.kind === 'fork-failed');
  if (forkFailures.length && forkFailures.length === answered.length) {
    const f = forkFailures[0].o as { errno: number; what: string };
    helperProblems.push(`the helper could not ${f.what} (${errnoName(f.errno)}) for any probe: no call was made`);
  }
  const setupFailures = answered.filter((x) => x.o.kind === 'setup-failed');
  if (setupFailures.length) {
    helperProblems.push(`${setupFailures.length} probe child(ren) ${(setupFailures[0].o as { how: string }).how} in setup, before their call: a filter refuses one of the helper's own setup calls (close_range or close, getpid or write)`);
  }
  // gVisor's own table, when the syscall interface is gVisor's (amd64: the table recorded)
  const caps = plan.facts.effectiveCaps;
  const chosen = plan.facts.kernelInterface === 'gvisor' && plan.arch === 'x86_64' ? chooseGvisorTable(answered, caps, gvisorTables, plan.facts.seccomp === 'disabled') : null;
  // under gVisor a canary only shows the filter's default when gVisor itself answers it ENOSYS
  // (create_module is a CapError stub there: EPERM to a caller without CAP_SYS_MODULE)
  const defaultAction = defaultActionFrom(answered, chosen
    ? (row) => row.nr.x86_64 !== null && gvisorOutcomes(chosen.table, row, row.nr.x86_64, caps).every((p) => p.errno === 'ENOSYS')
    : undefined);
  const defaultErrno = defaultAction.kind === 'errno' && defaultAction.errno !== 'ENOSYS' ? (errnoNumber(defaultAction.errno) ?? null) : null;
  const seccomp = plan.facts.seccomp ?? null;
  const gvContext: GvisorContext | null = chosen
    ? {
      table: chosen.table,
      match: chosen.match,
      filter: seccomp !== 'disabled',
      defaultErrno: defaultAction.kind === 'errno' ? defaultAction.errno : null,
      defaultText: defaultAction.kind === 'errno' ? `errno ${defaultAction.errno}` : defaultAction.kind === 'unknown' ? 'unknown' : defaultAction.kind,
    }
    : null;

  const results: SyscallResult[] = [];
  const answeredById = new Map(answered.map((a) => [a.row.name, a]));
  const missingReason = !answer.ok
    ? 'the helper did not run'
    : answer.value.timedOut
      ? 'no answer: the helper was killed by the scan timeout before reaching this call'
      : answer.value.exit.signal
        ? `no answer: the helper died of ${answer.value.exit.signal} before reaching this call`
        : 'no answer from the helper for this call';
  for (const probe of plan.probes) {
    const a = answeredById.get(probe.id);
    if (!a) {
      results.push({
        name: probe.row.name,
        call: probe.row.call ?? probe.row.name,
        nr: probe.nr,
        disposition: 'not-probed',
        expected: describeExpectation(probe.row.expect),
        reason: missingReason,
      });
      continue;
    }
    results.push(gvContext ? classifyGvisor(a.row, a.nr, a.o, plan.facts, defaultErrno, gvContext) : classify(a.row, a.nr, a.o, plan.facts, defaultErrno));
  }
  for (const skipped of plan.notProbed) {
    results.push({
      name: skipped.row.name,
      call: skipped.row.call ?? skipped.row.name,
      nr: skipped.nr,
      disposition: 'not-probed',
      expected: describeExpectation(skipped.row.expect),
      reason: skipped.reason,
      gate: skipped.row.sideEffectCap,
    });
  }
  results.sort((x, y) => x.nr - y.nr || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const counts = emptyCounts();
  for (const r of results) counts[r.disposition]++;
  const gvisor: GvisorReading | undefined = chosen
    ? { release: chosen.table.release, match: chosen.match, basis: chosen.basis, seccomp: seccomp ?? 'unknown', workloadSeccomp: plan.facts.workloadSeccomp ?? 'unknown' }
    : undefined;
  return { arch: plan.arch, results, counts, defaultAction, helperProblems, ...(gvisor ? { gvisor } : {}) };
}
