// The syscall section of the terminal report: how the scan went, the filter's default action,
// the profile it matches, and the refused calls grouped by how they were refused. Calls refused
// only for lack of a capability are listed apart: they are not evidence of a filter.
import type { ProfileFingerprint } from '../classifier/seccomp-profile.js';
import type { SyscallResult } from '../probes/syscalls/dispositions.js';
import type { SyscallFacts } from '../probes/syscalls/scan.js';
import type { Style } from './style.js';

type Section = (t: string, rows: [string, string][], s: Style) => string;

function groupBy(results: SyscallResult[], key: (r: SyscallResult) => string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of results) m.set(key(r), [...(m.get(key(r)) ?? []), r.name]);
  return m;
}

export function renderSyscallSection(f: SyscallFacts, profile: ProfileFingerprint | null, s: Style, section: Section): string {
  if (!f.known) return section('Syscalls', [['scan', `unknown (${f.reason})`]], s);
  const scan = f.value;
  const c = scan.counts;
  const rows: [string, string][] = [
    ['scanned', `${scan.results.length} calls: ${c.allowed} allowed, ${c['blocked-errno']} blocked, ${c['not-implemented']} not implemented, ${c.killed} killed, ${c.trapped} trapped, ${c['capability-denied']} capability-denied, ${c.ambiguous} ambiguous, ${c.timeout} timed out, ${c['not-probed']} not probed`],
    ['default action', scan.defaultAction.kind === 'unknown' ? `unknown (${scan.defaultAction.reason})`
      : scan.defaultAction.kind === 'errno' ? `errno ${scan.defaultAction.errno} (${scan.defaultAction.agreeing}/${scan.defaultAction.of} canaries)`
        : `${scan.defaultAction.kind} (${scan.defaultAction.agreeing}/${scan.defaultAction.of} canaries)`],
  ];
  if (profile) {
    rows.push(['profile', `${profile.verdict}${profile.closest ? ` (closest: ${profile.closest})` : ''}: ${profile.reason}`]);
    for (const d of profile.differences.slice(0, 8)) rows.push(['  differs', `${d.name}: ${JSON.stringify(d).slice(0, 120)}`]);
  }
  const by = (d: string) => scan.results.filter((r) => r.disposition === d);
  for (const [errno, names] of groupBy(by('blocked-errno'), (r) => r.errno ?? '?')) rows.push([s.red(`blocked ${errno}`), names.join(' ')]);
  const notImpl = by('not-implemented');
  const filtered = notImpl.filter((r) => r.kernelHasCall === true).map((r) => r.name);
  const absent = notImpl.filter((r) => r.kernelHasCall !== true).map((r) => r.name);
  if (filtered.length) rows.push([s.red('ENOSYS (filtered)'), `${filtered.join(' ')}  ${s.dim('(the running kernel has these: a filter or sandbox answered)')}`]);
  if (absent.length) rows.push(['ENOSYS (absent)', `${absent.join(' ')}  ${s.dim('(the kernel predates or lacks them)')}`]);
  for (const d of ['killed', 'trapped', 'timeout'] as const) {
    const list = by(d);
    if (list.length) rows.push([s.red(d), list.map((r) => `${r.name}${r.signal ? `(${r.signal})` : ''}`).join(' ')]);
  }
  const capDenied = by('capability-denied');
  if (capDenied.length) rows.push(['capability-denied', `${capDenied.map((r) => `${r.name}${r.gate ? `[${r.gate}]` : ''}`).join(' ')}  ${s.dim('(refused for lack of a capability: not a filter)')}`]);
  const amb = by('ambiguous');
  if (amb.length) rows.push(['ambiguous', amb.map((r) => `${r.name}${r.observed ? `=${r.observed}` : ''}`).join(' ')]);
  const np = by('not-probed');
  if (np.length) rows.push(['not probed', `${np.length}: ${np.map((r) => r.name).join(' ')}`]);
  for (const p of scan.helperProblems) rows.push([s.yellow('helper problem'), p]);
  return section('Syscalls', rows, s);
}
