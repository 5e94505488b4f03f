// One pod's outcome for a person: the report's tables, then each check asked for. The pod
// command and kubectl sbx (one pod) both print it; --json never loads this module.
import type { PodOutcome } from '../pod-pipeline.js';
import { renderExpectationsTable, renderPssTable } from './checks.js';
import { renderDeclaredTable } from './declared-table.js';
import { makeStyle, type Style, wantColour } from './style.js';
import { renderTable } from './table.js';

export interface PodTablesOptions {
  explain: boolean;
  tty: boolean;
  env: NodeJS.ProcessEnv;
  /** lines printed before the report (kubectl sbx: which pod, collected how) */
  heading?: (s: Style) => string;
  /** a note printed after it */
  note?: string | null;
}

export function renderPodTables(out: Pick<PodOutcome, 'facts' | 'verdict' | 'expected' | 'podSecurity' | 'declared'>, o: PodTablesOptions): string {
  const style = makeStyle(wantColour(o.tty, o.env));
  const parts = [...(o.heading ? [o.heading(style)] : []), renderTable(out.facts, out.verdict, style, { explain: o.explain })];
  if (out.expected) parts.push(renderExpectationsTable(out.expected, style));
  if (out.podSecurity) parts.push(renderPssTable(out.podSecurity, style));
  if (out.declared) parts.push(renderDeclaredTable(out.declared, style));
  if (o.note) parts.push(style.dim(o.note));
  return parts.join('\n') + '\n';
}
