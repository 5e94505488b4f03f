// The syscall section of the terminal report: how the scan went, the filter's default action,
// the profile it matches, and the refused calls grouped by how they were refused. Calls refused
// only for lack of a capability are listed apart: they are not evidence of a filter.
import type { ProfileFingerprint } from '../classifier/seccomp-profile.js';
import type { SyscallResult, SyscallScan } from '../probes/syscalls/dispositions.js';
import type { SyscallFacts } from '../probes/syscalls/scan.js';
import type { Style } from './style.js';

type Section = (t: string, rows: [string, string][], s: Style) => string;

function groupBy(results: SyscallResult[], key: (r: SyscallResult) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of results) m.set(key(r), [...(m.get(key(r)) ?? []), r.name]);
  return m;
}

/**
 * Inside gVisor the answers were read against gVisor's own table (scan.gvisor): say, in the
 * words of the question asked, what gVisor does not implement, what needs a capability the
 * process lacks, what gVisor refuses to everyone, and whether a seccomp filter is in force —
 * and, under a filter, which refusals it gave, as far as the canaries tell.
 */
function gvisorRows(scan: SyscallScan, s: Style): [string, string][] {
  const g = scan.gvisor!;
  const c = scan.counts;
  const by = (d: string) => scan.results.filter((r) => r.disposition === d);
  const mark = (r: SyscallResult) => (r.answeredBy === 'sandbox-or-filter' ? '?' : '');
  const notImpl = by('not-implemented').filter((r) => r.answeredBy !== 'filter');
  const refused = by('blocked-errno').filter((r) => r.answeredBy === 'sandbox' || r.answeredBy === 'sandbox-or-filter');
  const filtered = scan.results.filter((r) => r.answeredBy === 'filter');
  const capDenied = by('capability-denied');
  const either = scan.results.filter((r) => r.answeredBy === 'sandbox-or-filter').length;
  const da = scan.defaultAction;
  const rows: [string, string][] = [
    ['scanned', `${scan.results.length} calls: ${c.allowed} allowed, ${notImpl.length} not implemented by gVisor, ${capDenied.length} need a capability, ${refused.length} refused by gVisor for everyone, ${filtered.length} blocked by a seccomp filter, ${c.killed + c.trapped} killed or trapped, ${c['host-kernel']} reached the host kernel, ${c.ambiguous} ambiguous, ${c.timeout} timed out, ${c['not-probed']} not probed`],
    ['read against', `gVisor ${g.release}'s syscall table${g.match === 'closest' ? ' (the closest recorded release)' : ''}: ${g.basis}`],
  ];
  const pid1 = (g.workloadSeccomp === 'filtering' || g.workloadSeccomp === 'strict') && g.seccomp === 'disabled' ? ` (the workload is filtered: runsc --oci-seccomp filters the container's first process, not processes exec'd beside it)` : '';
  if (g.seccomp === 'disabled') rows.push(['seccomp', `no seccomp filter in force on the probe (Seccomp: 0): every answer is gVisor's own${pid1}`]);
  else rows.push([s.yellow('seccomp'), `${g.seccomp === 'unknown' ? 'unknown: a filter may be in force' : `a seccomp filter is in force (${g.seccomp})`}; its default answer, from the canaries: ${da.kind === 'errno' ? `errno ${da.errno} (${da.agreeing}/${da.of})` : da.kind === 'unknown' ? `unknown (${da.reason})` : `${da.kind} (${da.agreeing}/${da.of})`}`]);
  const capStub = (r: SyscallResult) => r.gate !== undefined && r.errno === 'EPERM';
  const plain = notImpl.filter((r) => !capStub(r)), gated = notImpl.filter(capStub);
  if (plain.length) rows.push(['not implemented by gVisor', plain.map((r) => `${r.name}${mark(r)}${r.errno && r.errno !== 'ENOSYS' ? `=${r.errno}` : ''}`).join(' ')]);
  if (gated.length) rows.push(['not implemented by gVisor, EPERM without the capability', `${gated.map((r) => `${r.name}${mark(r)}[${r.gate}]`).join(' ')}  ${s.dim("(gVisor's CapError stubs: EPERM to a caller without the capability, ENOSYS to one with it)")}`]);
  if (capDenied.length) rows.push(['needs a capability the process lacks', `${capDenied.map((r) => `${r.name}${mark(r)}[${r.gate}]`).join(' ')}`]);
  if (refused.length) rows.push([s.red('refused by gVisor for everyone'), refused.map((r) => `${r.name}${mark(r)}=${r.errno}`).join(' ')]);
  if (filtered.length) rows.push([s.red('blocked by the seccomp filter'), filtered.map((r) => `${r.name}=${r.errno ?? r.observed}`).join(' ')]);
  const host = by('host-kernel');
  if (host.length) rows.push([s.yellow('reached the host kernel'), `${host.map((r) => `${r.name}=${r.observed}`).join(' ')}  ${s.dim("(not intercepted by gVisor: the host kernel runs these before any seccomp filter, and systrap intercepts with one)")}`]);
  if (either) rows.push(['?', s.dim(`${either} answer(s) marked ? are what the canaries got too: gVisor's own answer, or the filter's default one (an ENOSYS default looks like a filter that allows, gVisor answering) — the canaries cannot tell which`)]);
  return rows;
}

const profileRow = (p: ProfileFingerprint): [string, string] => ['profile', `${p.verdict}${p.closest ? ` (closest: ${p.closest})` : ''}: ${p.reason}`];

/** Probes ended by a signal or a timeout: the same rows inside gVisor and elsewhere. */
function signalRows(rows: [string, string][], scan: SyscallScan, s: Style): void {
  for (const d of ['killed', 'trapped', 'timeout'] as const) {
    const list = scan.results.filter((r) => r.disposition === d);
    if (list.length) rows.push([s.red(d), list.map((r) => `${r.name}${r.signal ? `(${r.signal})` : ''}`).join(' ')]);
  }
}

/** The last rows of either reading: ambiguous answers, probes not run, the helper's problems. */
function closingRows(rows: [string, string][], scan: SyscallScan, s: Style): void {
  const amb = scan.results.filter((r) => r.disposition === 'ambiguous');
  if (amb.length) rows.push(['ambiguous', amb.map((r) => `${r.name}${r.observed ? `=${r.observed}` : ''}`).join(' ')]);
  const np = scan.results.filter((r) => r.disposition === 'not-probed');
  if (np.length) rows.push(['not probed', `${np.length}: ${np.map((r) => r.name).join(' ')}`]);
  for (const p of scan.helperProblems) rows.push([s.yellow('helper problem'), p]);
}

export function renderSyscallSection(f: SyscallFacts, profile: ProfileFingerprint | null, s: Style, section: Section): string {
  if (!f.known) return section('Syscalls', [['scan', `unknown (${f.reason})`]], s);
  const scan = f.value;
  if (scan.gvisor) {
    const rows = gvisorRows(scan, s);
    if (profile) rows.push(profileRow(profile));
    signalRows(rows, scan, s);
    closingRows(rows, scan, s);
    return section('Syscalls', rows, s);
  }
  const c = scan.counts;
  const rows: [string, string][] = [
    ['scanned', `${scan.results.length} calls: ${c.allowed} allowed, ${c['blocked-errno']} blocked, ${c['not-implemented']} not implemented, ${c.killed} killed, ${c.trapped} trapped, ${c['capability-denied']} capability-denied, ${c.ambiguous} ambiguous, ${c.timeout} timed out, ${c['not-probed']} not probed`],
    ['default action', scan.defaultAction.kind === 'unknown' ? `unknown (${scan.defaultAction.reason})`
      : scan.defaultAction.kind === 'errno' ? `errno ${scan.defaultAction.errno} (${scan.defaultAction.agreeing}/${scan.defaultAction.of} canaries)`
        : `${scan.defaultAction.kind} (${scan.defaultAction.agreeing}/${scan.defaultAction.of} canaries)`],
  ];
  if (profile) {
    rows.push(profileRow(profile));
    for (const d of profile.differences.slice(0, 8)) rows.push(['  differs', `${d.name}: ${JSON.stringify(d).slice(0, 120)}`]);
  }
  const by = (d: string) => scan.results.filter((r) => r.disposition === d);
  for (const [errno, names] of groupBy(by('blocked-errno'), (r) => r.errno ?? '?')) rows.push([s.red(`blocked ${errno}`), names.join(' ')]);
  const notImpl = by('not-implemented');
  const filtered = notImpl.filter((r) => r.kernelHasCall === true).map((r) => r.name);
  const absent = notImpl.filter((r) => r.kernelHasCall !== true).map((r) => r.name);
  if (filtered.length) rows.push([s.red('ENOSYS (filtered)'), `${filtered.join(' ')}  ${s.dim('(the running kernel has these: a filter or sandbox answered)')}`]);
  if (absent.length) rows.push(['ENOSYS (absent)', `${absent.join(' ')}  ${s.dim('(the kernel predates or lacks them)')}`]);
  signalRows(rows, scan, s);
  const capDenied = by('capability-denied');
  if (capDenied.length) rows.push(['capability-denied', `${capDenied.map((r) => `${r.name}${r.gate ? `[${r.gate}]` : ''}`).join(' ')}  ${s.dim('(refused for lack of a capability: not a filter)')}`]);
  closingRows(rows, scan, s);
  return section('Syscalls', rows, s);
}
