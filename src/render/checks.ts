// The CI checks as terminal tables: --expect results and the --pss report (their JSON members
// and stderr lines: checks-json.ts). Every value comes from the classifier's results.
import type { ExpectationCheck } from '../classifier/expectations.js';
import type { PssReport, PssStatus } from '../classifier/pss.js';
import { expectationLabel } from './checks-json.js';
import { grid } from './grid.js';
import type { Style } from './style.js';

type Status = PssStatus;

function paint(status: Status, s: Style): string {
  if (status === 'pass') return s.green('pass');
  if (status === 'fail') return s.red('FAIL');
  if (status === 'undetermined') return s.yellow('undetermined');
  return s.dim('n/a');
}


const EXIT_MEANING: Record<number, string> = { 0: 'all hold', 1: 'a check failed', 3: 'a needed fact could not be determined' };

export function renderExpectationsTable(check: ExpectationCheck, s: Style): string {
  const rows = [[s.bold('status'), s.bold('expected'), s.bold('observed'), s.bold('why')]];
  for (const r of check.results) rows.push([paint(r.status, s), expectationLabel(r), r.observed, r.reason]);
  return `${s.bold('Expectations')} ${s.dim(`(exit ${check.exitCode}: ${EXIT_MEANING[check.exitCode]})`)}\n${grid(rows, [12, 24, 28, 40])}`;
}

export function renderPssTable(report: PssReport, s: Style): string {
  const rows = [[s.bold('status'), s.bold('rule'), s.bold('evidence'), s.bold('why')]];
  for (const r of report.rules) rows.push([paint(r.status, s), `${r.title} ${s.dim(`[${r.level}]`)}`, r.evidence, r.reason]);
  const head = report.status === 'pass' ? s.green('pass') : report.status === 'fail' ? s.red('FAIL') : s.yellow('undetermined');
  return `${s.bold(`Pod Security Standard: ${report.level}`)} ${head} ${s.dim(`(exit ${report.exitCode})`)}\n${grid(rows, [12, 26, 30, 40])}`;
}
