// Declared ⇄ enforced, presented: a table for one pod, a cell for the fleet summary, and one
// line per row that does not match. Every value comes from compareDeclared (classifier/declared.ts).
import type { ComparisonStatus, DeclaredComparison } from '../classifier/declared.js';
import { grid } from './checks.js';
import type { Style } from './style.js';

export const MARK: Record<ComparisonStatus, string> = { match: '✓', mismatch: '✗', undetermined: '?' };

function paint(status: ComparisonStatus, s: Style): string {
  return status === 'match' ? s.green(MARK.match) : status === 'mismatch' ? s.red(MARK.mismatch) : s.yellow(MARK.undetermined);
}

export function renderDeclaredTable(c: DeclaredComparison, s: Style, title = 'Declared ⇄ enforced'): string {
  const rows = [[s.bold(''), s.bold('field'), s.bold('declared'), s.bold('enforced'), s.bold('why')]];
  for (const r of c.rows) rows.push([paint(r.status, s), r.field, r.declared, r.enforced, r.reason]);
  const head = c.status === 'match' ? s.green('✓ every field matches') : c.status === 'mismatch' ? s.red(`✗ ${c.mismatches.join(', ')}`) : s.yellow('? not every field could be decided');
  const who = c.spec.pod ? ` ${s.dim(`(${c.spec.namespace ?? 'default'}/${c.spec.pod}, container ${c.spec.container})`)}` : '';
  return `${s.bold(title)}${who} ${head}\n${grid(rows, [3, 24, 28, 28, 36])}`;
}

/** The fleet summary's cell: ✓, or the fields that do not match (then those undetermined). */
export function declaredCell(c: DeclaredComparison | null | undefined): string {
  if (!c) return '-';
  if (c.status === 'match') return MARK.match;
  const open = c.rows.filter((r) => r.status === 'undetermined').map((r) => r.field);
  return [c.mismatches.length ? `${MARK.mismatch} ${c.mismatches.join(',')}` : '', open.length ? `${MARK.undetermined} ${open.join(',')}` : ''].filter(Boolean).join(' ');
}

/** One line per row that is not a match: the field, both values and why. */
export function declaredLines(c: DeclaredComparison): string[] {
  return c.rows.filter((r) => r.status !== 'match').map((r) =>
    `${MARK[r.status]} ${r.field}: declared ${r.declared}, enforced ${r.enforced} (${r.reason})`);
}
