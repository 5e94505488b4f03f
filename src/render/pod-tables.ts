// One pod's outcome for a person: the report's tables, then each check asked for. The pod
// command and kubectl sbx (one pod) both print it; --json never loads this module.
import type { PodOutcome } from '../pod-pipeline.js';
import { renderFirstScreen } from './first-screen.js';
import { makeStyle, type Style, wantColour } from './style.js';

export interface PodTablesOptions {
  explain: boolean;
  /** every table (table.ts); else the first screen (first-screen.ts) */
  full: boolean;
  tty: boolean;
  env: NodeJS.ProcessEnv;
  /** lines printed before the report (kubectl sbx: which pod, collected how) */
  heading?: (s: Style) => string;
  /** a note printed after it */
  note?: string | null;
}

/** The `table` package is loaded only for --full and for the checks' tables: the first screen
 *  alone needs none of it (test/render/json-path.test.ts). */
export async function renderPodTables(out: Pick<PodOutcome, 'facts' | 'verdict' | 'expected' | 'podSecurity' | 'declared'>, o: PodTablesOptions): Promise<string> {
  const style = makeStyle(wantColour(o.tty, o.env));
  const report = o.full // --explain implies --full (cli-args.ts, kubectl/args.ts)
    ? (await import('./table.js')).renderTable(out.facts, out.verdict, style, { explain: o.explain })
    : renderFirstScreen(out.facts, out.verdict, style);
  const parts = [...(o.heading ? [o.heading(style)] : []), report];
  if (out.expected || out.podSecurity) {
    const { renderExpectationsTable, renderPssTable } = await import('./checks.js');
    if (out.expected) parts.push(renderExpectationsTable(out.expected, style));
    if (out.podSecurity) parts.push(renderPssTable(out.podSecurity, style));
  }
  if (out.declared) parts.push((await import('./declared-table.js')).renderDeclaredTable(out.declared, style));
  if (o.note) parts.push(style.dim(o.note));
  return parts.join('\n') + '\n';
}
