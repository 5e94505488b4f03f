// Declared ⇄ enforced as lines and cells: the fleet summary's cell and one line per row that
// does not match (stderr, the summary's notes). No `table` here: --json paths use these.
import type { ComparisonStatus, DeclaredComparison } from '../classifier/declared-enforced.js';

export const MARK: Record<ComparisonStatus, string> = { match: '✓', mismatch: '✗', undetermined: '?' };

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
