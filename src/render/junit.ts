// --junit FILE: the checks a run was asked for, as JUnit XML test cases for CI systems — each
// --expect, each --pss rule and each declared ⇄ enforced field; for `sbx-detect node` each
// --expect; for `kubectl sbx` one test suite per pod. Written with junit-report-builder, loaded
// only here and only when --junit is given (the default and --json paths never load it).
//
// A check that holds is a passing case; one that fails is a <failure>; one that could not be
// decided (exit 3) is an <error> of type "undetermined"; a --pss rule that does not apply is
// <skipped>. A pod that could not be reached is a suite with one <error> case.
import { writeFileSync } from 'node:fs';
import type { DeclaredComparison } from '../classifier/declared-enforced.js';
import type { ExpectationCheck } from '../classifier/expectations.js';
import type { NodeExpectationResult } from '../classifier/node-readiness.js';
import type { PssReport } from '../classifier/pss.js';
import type { Builder } from 'junit-report-builder';
import { expectationLabel } from './checks-json.js';

export type CaseStatus = 'pass' | 'fail' | 'undetermined' | 'skipped';

export interface JunitCase {
  /** the kind of check: sbx-detect.expect, sbx-detect.pss.restricted, sbx-detect.declared, … */
  classname: string;
  name: string;
  status: CaseStatus;
  /** what was observed and why, for a case that did not pass (and kept as output for one that did) */
  message: string;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
}

/** The pod check's cases: --expect, --pss, --declared, in that order. */
export function podCases(o: { expected: ExpectationCheck | null; podSecurity: PssReport | null; declared: DeclaredComparison | null }): JunitCase[] {
  const cases: JunitCase[] = [];
  for (const r of o.expected?.results ?? []) {
    cases.push({ classname: 'sbx-detect.expect', name: expectationLabel(r), status: r.status, message: `observed ${r.observed}: ${r.reason}` });
  }
  const pss = o.podSecurity;
  for (const r of pss?.rules ?? []) {
    cases.push({ classname: `sbx-detect.pss.${pss!.level}`, name: `${r.id}: ${r.title}`, status: r.status === 'not-applicable' ? 'skipped' : r.status, message: `${r.evidence}: ${r.reason}` });
  }
  for (const r of o.declared?.rows ?? []) {
    cases.push({ classname: 'sbx-detect.declared', name: r.field, status: r.status === 'match' ? 'pass' : r.status === 'mismatch' ? 'fail' : 'undetermined', message: `declared ${r.declared}, enforced ${r.enforced}: ${r.reason}` });
  }
  return cases;
}

/** `sbx-detect node --expect`'s cases. */
export function nodeCases(results: readonly NodeExpectationResult[]): JunitCase[] {
  return results.map((r) => ({ classname: 'sbx-detect.node.expect', name: r.expectation, status: r.status, message: r.observed }));
}

/** A suite whose target could not be checked at all (a pod not reached, an internal error). */
export function unreachedSuite(name: string, why: string): JunitSuite {
  return { name, cases: [{ classname: 'sbx-detect.reach', name: 'collect the report', status: 'undetermined', message: why }] };
}

/** The JUnit XML of `suites`. */
async function junitXml(suites: readonly JunitSuite[], timestamp: Date = new Date()): Promise<string> {
  const mod = await import('junit-report-builder');
  // CommonJS (module.exports = a builder): the default export, or the module itself where an
  // ESM loader gave it as it is
  const root = (mod as unknown as { default?: Builder }).default ?? (mod as unknown as Builder);
  const builder = root.newBuilder().name('sbx-detect');
  for (const s of suites) {
    const suite = builder.testSuite().name(s.name).timestamp(timestamp);
    for (const c of s.cases) {
      const t = suite.testCase().className(c.classname).name(c.name);
      if (c.status === 'fail') t.failure(c.message, 'fail');
      else if (c.status === 'undetermined') t.error(c.message, 'undetermined');
      else if (c.status === 'skipped') t.skipped().standardOutput(c.message);
      else t.standardOutput(c.message);
    }
  }
  return builder.build();
}

/** Writes the XML to `file` (the one file a run writes, because the user named it); returns why
 *  it could not be written, or null. (A library that fails to load or build is a bug: it throws.) */
export async function writeJunit(file: string, suites: readonly JunitSuite[]): Promise<string | null> {
  const xml = await junitXml(suites);
  try {
    writeFileSync(file, xml);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
