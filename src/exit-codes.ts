// Every exit code of every command, and the one place that decides which wins. The pod check,
// `sbx-detect node` and `kubectl sbx` share the numbers (README "Exit codes"):
//   0 the report was made and every check holds
//   1 a check fails (--expect, --pss, --declared, kubectl sbx --strict)
//   2 usage error, or input that cannot be used (--replay, --root)
//   3 a fact a check needs could not be determined
//   4 internal error: no report (always a bug)
//   5 --via / kubectl: the target could not be reached or could not run the helper
//   6 this place cannot run the tool's Node.js (the launcher says why and what works instead)

export const EXIT = { ok: 0, failed: 1, usage: 2, undetermined: 3, internal: 4, unreachable: 5, cannotStart: 6 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What one check, or a set of checks, came to. */
export type CheckStatus = 'pass' | 'fail' | 'undetermined';
/** The code a set of checks gives: 0, 1 or 3. */
export type CheckExitCode = typeof EXIT.ok | typeof EXIT.failed | typeof EXIT.undetermined;

const CHECK_CODE: Record<CheckStatus, CheckExitCode> = { pass: EXIT.ok, fail: EXIT.failed, undetermined: EXIT.undetermined };

/** A definite failure wins over an undetermined check, which wins over a pass. Statuses that
 *  are not checks (n/a, match) count as passes. */
export function checkStatus(statuses: readonly string[]): CheckStatus {
  return statuses.includes('fail') ? 'fail' : statuses.includes('undetermined') ? 'undetermined' : 'pass';
}

export const codeOfStatus = (s: CheckStatus): CheckExitCode => CHECK_CODE[s];
export const statusOfCode = (c: CheckExitCode): CheckStatus => (c === EXIT.failed ? 'fail' : c === EXIT.undetermined ? 'undetermined' : 'pass');

/** The code of a set of checks from their statuses. */
export const exitCodeFor = (statuses: readonly string[]): CheckExitCode => codeOfStatus(checkStatus(statuses));

/**
 * The code of one run from its parts' codes: a definite failure (1) first, then a target not
 * reached (5), an internal error (4), an undetermined check (3). For one pod the parts are its
 * checks; for a fleet, each pod's code — a failure anywhere is the news, a pod not reached next.
 */
export function worstExit(codes: readonly number[]): ExitCode {
  for (const c of [EXIT.failed, EXIT.unreachable, EXIT.internal, EXIT.undetermined] as const) if (codes.includes(c)) return c;
  return EXIT.ok;
}
