// The fleet summary: one row per pod, kubectl-style aligned columns (no borders, so it greps
// and pastes), then what the marks mean and why any pod could not be audited. Every value is
// read from the pod's facts and verdict; nothing is judged here.
import { judgedFacts } from '../classifier/workload.js';
import { checkStatus, statusOfCode } from '../exit-codes.js';
import { CAPABILITY_NAMES, DEFAULT_CONTAINER_CAPABILITIES } from '../probes/capabilities.js';
import { declaredCell, declaredLines } from '../render/declared-lines.js';
import type { Style } from '../render/style.js';
import type { PodResult } from './collect.js';

export const SUMMARY_COLUMNS = ['NAMESPACE', 'POD', 'CONTAINER', 'ARCH', 'SANDBOX', 'PLATFORM', 'SECCOMP', 'NON-ROOT', 'CAPS', 'PRIVILEGED', 'DECLARED⇄ENFORCED', 'CHECKS'] as const;

/** The effective capability set in a few words. */
export function capsCell(names: string[]): string {
  if (!names.length) return 'none';
  if (CAPABILITY_NAMES.every((n) => names.includes(n))) return `all (${names.length})`;
  if (names.length === DEFAULT_CONTAINER_CAPABILITIES.length && DEFAULT_CONTAINER_CAPABILITIES.every((n) => names.includes(n))) return `default (${names.length})`;
  return names.length <= 3 ? names.join(',') : `${names.length} (${names.slice(0, 3).join(',')},…)`;
}

export function summaryRow(r: PodResult): string[] {
  const p = r.pod;
  const id = [p.namespace, p.name, p.container];
  if (!r.facts || !r.verdict) return [...id, p.nodeArch ?? '-', 'unreachable', '-', '-', '-', '-', '-', '-', `exit ${r.exitCode}`];
  const v = r.verdict;
  const f = judgedFacts(r.facts, v); // the workload's process, where it could be read
  const mark = p.via === 'debug' ? '*' : '';
  const arch = p.nodeArch ?? (f.kernel.uname.known ? f.kernel.uname.value.machine : '?');
  const platform = v.platform?.value ?? v.hypervisor?.value ?? v.tool?.value ?? '-';
  const mode = f.process.seccomp.known ? f.process.seccomp.value : '?';
  // the profile is fingerprinted from the syscall scan, where that scan shows the workload's filter
  const fp = v.seccompProfile;
  const seccomp = fp && fp.verdict !== 'none' && fp.verdict !== 'unknown' ? fp.verdict : `${mode}${p.via === 'debug' ? '*' : ''}`;
  const uid = f.process.uid;
  const nonRoot = uid.known ? (uid.value.effective === 0 ? 'no' : 'yes') : '?';
  const eff = f.process.capabilities.effective;
  const caps = eff.known ? capsCell(eff.value.names) : '?';
  const status = checkStatus([r.expected, r.podSecurity].flatMap((c) => (c ? [statusOfCode(c.exitCode)] : [])));
  const checks = r.expected || r.podSecurity ? (status === 'fail' ? 'FAIL' : status) : '-';
  const self = v.workload.subject === 'none' ? mark : '';
  return [...id, arch, v.sandbox.class, platform, seccomp, nonRoot + self, caps + self, (r.privileged ?? '?') + self, declaredCell(r.declared), checks];
}

export function renderSummary(results: PodResult[], s: Style): string {
  const rows = [SUMMARY_COLUMNS.slice() as string[], ...results.map(summaryRow)];
  const widths = SUMMARY_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const paint = (cell: string, col: number, row: number) => {
    if (row === 0) return s.bold(cell);
    if (SUMMARY_COLUMNS[col] === 'CHECKS' && cell === 'FAIL') return s.red(cell);
    if (SUMMARY_COLUMNS[col] === 'SANDBOX' && cell === 'unreachable') return s.red(cell);
    if (SUMMARY_COLUMNS[col] === 'PRIVILEGED' && cell.startsWith('yes')) return s.red(cell);
    if (SUMMARY_COLUMNS[col] === 'DECLARED⇄ENFORCED') return cell === '✓' ? s.green(cell) : cell.startsWith('✗') ? s.red(cell) : cell.startsWith('?') ? s.yellow(cell) : cell;
    return cell;
  };
  const lines = rows.map((r, row) => r.map((c, i) => (i < r.length - 1 ? paint(c, i, row) + ' '.repeat(widths[i] - c.length + 2) : paint(c, i, row))).join('').trimEnd());
  if (!results.length) lines.push('(no running pods)');
  const notes: string[] = [];
  const debugged = results.filter((r) => r.pod.via === 'debug' && r.facts);
  if (debugged.length) {
    notes.push('* through an ephemeral debug container (kubectl debug --target): the syscall scan is the debug container\'s own, so the seccomp profile is only its mode; '
      + 'uid, capabilities, namespaces and the root mount are the target\'s, read from /proc/1 of its process namespace'
      + (debugged.some((r) => r.verdict?.workload.subject === 'none') ? ' (where the pod shares one process namespace they could not be read: marked * as well, and unknown)' : ''));
  }
  const differ = results.filter((r) => r.declared && r.declared.status !== 'match');
  if (differ.length) {
    notes.push('', 'declared ⇄ enforced (✗ the spec says otherwise, ? could not be decided):');
    for (const r of differ) for (const l of declaredLines(r.declared!)) notes.push(`  ${r.pod.namespace}/${r.pod.name} (${r.pod.container}): ${l}`);
  }
  const unread = results.filter((r) => r.declaredError);
  if (unread.length) notes.push('', ...unread.map((r) => `  ${r.pod.namespace}/${r.pod.name} (${r.pod.container}): ${r.declaredError}`));
  const failed = results.filter((r) => r.error);
  if (failed.length) notes.push('', 'not audited:', ...failed.map((r) => `  ${r.pod.namespace}/${r.pod.name} (${r.pod.container}): ${r.error}`));
  return [...lines, ...notes].join('\n') + '\n';
}
