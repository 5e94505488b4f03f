// One pod's report, however the place was reached (this machine, a snapshot, --via, kubectl sbx):
// host → facts → verdict → checks → report → exit code. The pod command (cli.ts) and kubectl sbx
// (kubectl/collect.ts) both call it; each only chooses the host and renders the outcome.
import type { DeclaredComparison } from './classifier/declared-enforced.js';
import { checkExpectations, type Expectation, type ExpectationCheck } from './classifier/expectations.js';
import { checkPodSecurity, type PssLevel, type PssReport } from './classifier/pss.js';
import { classify, type Verdict } from './classifier/verdict.js';
import type { ProbeElsewhere } from './classifier/workload.js';
import { EXIT, type ExitCode, worstExit } from './exit-codes.js';
import { type Facts, gatherFacts, type GatherOptions } from './probes/index.js';
import type { Host } from './readers/host.js';
import { expectationsJson, pssJson } from './render/checks-json.js';
import { buildReport, type Report } from './render/json.js';

export interface PodChecks {
  expectations: readonly Expectation[];
  pss?: PssLevel;
  /** a pod's spec held against the report (--declared, kubectl sbx), or why it could not be */
  declared?: (facts: Facts, verdict: Verdict) => DeclaredComparison | null;
  /** whether a declared ⇄ enforced mismatch fails the run: always for --declared, with --strict
   *  for kubectl sbx (whose fleet summary shows the comparison either way) */
  declaredDecides: boolean;
}

export interface PodRequest extends PodChecks {
  gather: GatherOptions;
  /** the probe ran in another container than the target (kubectl sbx's debug container) */
  elsewhere?: ProbeElsewhere;
  version: string;
  /** performance.now() when the run began: the report's elapsedMs */
  started: number;
}

export interface PodOutcome {
  facts: Facts;
  verdict: Verdict;
  expected: ExpectationCheck | null;
  podSecurity: PssReport | null;
  declared: DeclaredComparison | null;
  /** the JSON document: facts, verdict, and the checks that were asked for */
  report: Report;
  exitCode: ExitCode;
}

/** The facts are gathered; `judge` makes the rest of the outcome from them (a snapshot is written
 *  between the two). */
export async function gatherPod(host: Host, r: Pick<PodRequest, 'gather'>): Promise<Facts> {
  return gatherFacts(host, r.gather);
}

export function judgePod(host: Host, facts: Facts, r: Omit<PodRequest, 'gather'>): PodOutcome {
  const verdict = classify(facts, r.elsewhere ?? null);
  const expected = r.expectations.length ? checkExpectations(r.expectations, facts, verdict) : null;
  const podSecurity = r.pss ? checkPodSecurity(r.pss, facts, verdict) : null;
  const declared = r.declared?.(facts, verdict) ?? null;
  const checks = expected || podSecurity
    ? { checks: { ...(expected && { expectations: expectationsJson(expected) }), ...(podSecurity && { podSecurity: pssJson(podSecurity) }) } }
    : {};
  const report: Report = {
    ...buildReport(facts, verdict, {
      version: r.version, generatedAt: new Date().toISOString(), root: host.root, elapsedMs: Math.round(performance.now() - r.started),
      collection: host.collection?.(),
    }),
    ...checks,
    ...(declared && { declared }),
  };
  const exitCode = worstExit([expected?.exitCode ?? EXIT.ok, podSecurity?.exitCode ?? EXIT.ok, r.declaredDecides ? declared?.exitCode ?? EXIT.ok : EXIT.ok]);
  return { facts, verdict, expected, podSecurity, declared, report, exitCode };
}

export async function runPod(host: Host, r: PodRequest): Promise<PodOutcome> {
  return judgePod(host, await gatherPod(host, r), r);
}
