// Declared ⇄ enforced as a table for one pod (the lines and the fleet cell: declared-lines.ts).
// Every value comes from compareDeclared (classifier/declared-enforced.ts).
import type { ComparisonStatus, DeclaredComparison } from '../classifier/declared-enforced.js';
import { MARK } from './declared-lines.js';
import { grid } from './grid.js';
import type { Style } from './style.js';

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
