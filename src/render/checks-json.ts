// The CI checks as the JSON document carries them (--expect results, the --pss report) and the
// stderr lines that name each check that did not hold. Kept apart from checks.ts, which draws the
// terminal tables, so that `--json` does not load the `table` package (~15 ms of start-up, #16).
import type { ExpectationCheck } from '../classifier/expectations.js';
import type { PssReport } from '../classifier/pss.js';

/** The "expectations" member of the JSON document. */
export function expectationsJson(check: ExpectationCheck) {
  return { exitCode: check.exitCode, results: check.results.map((r) => ({ ...r })) };
}

/** The "podSecurity" member of the JSON document. */
export function pssJson(report: PssReport) {
  return {
    standard: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    level: report.level,
    status: report.status,
    exitCode: report.exitCode,
    rules: report.rules.map((r) => ({ ...r })),
  };
}

/** An --expect as the user wrote it: key=value, or key⊆{…} for a subset check. */
export const expectationLabel = (r: { key: string; expected: string }): string => `${r.key}${r.expected.startsWith('⊆') ? '' : '='}${r.expected}`;

/** One stderr line per check that did not hold, for CI logs while stdout carries the JSON. */
export function checkFailureLines(expected: ExpectationCheck | null, pss: PssReport | null): string {
  const lines: string[] = [];
  for (const r of expected?.results ?? []) {
    if (r.status !== 'pass') lines.push(`sbx-detect: --expect ${expectationLabel(r)}: ${r.status}, observed ${r.observed} (${r.reason})`);
  }
  for (const r of pss?.rules ?? []) {
    if (r.status === 'fail' || r.status === 'undetermined') lines.push(`sbx-detect: --pss ${pss!.level} ${r.id}: ${r.status} (${r.evidence}; ${r.reason})`);
  }
  return lines.map((l) => l + '\n').join('');
}
