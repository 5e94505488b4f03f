// The JSON report: one document with the schema version, every fact (known or unknown with
// its reason), and the verdict with its evidence. Nothing is computed here.
import type { DeclaredComparison } from '../classifier/declared-enforced.js';
import type { Verdict } from '../classifier/verdict.js';
import type { expectationsJson, pssJson } from './checks-json.js';
import type { Facts } from '../probes/index.js';
import type { Collection } from '../readers/host.js';

export const SCHEMA_VERSION = 1;
export const SCHEMA_ID = 'https://sbx-detect.dev/schema/report-v1.schema.json';

export interface ReportMeta { version: string; generatedAt: string; root: string; elapsedMs?: number; collection?: Collection }

/** The --json document; schema/report.schema.json is generated from this type. */
export interface Report {
  $schema: string;
  schemaVersion: number;
  tool: { name: 'sbx-detect'; version: string };
  generatedAt: string;
  root: string;
  elapsedMs?: number;
  /** present when the facts were collected in another place (--via): the channel, the
   *  helper's architecture, round trips and bytes each way */
  collection?: Collection;
  verdict: Verdict;
  facts: Facts;
  /** present only with --expect or --pss */
  checks?: { expectations?: ReturnType<typeof expectationsJson>; podSecurity?: ReturnType<typeof pssJson> };
  /** present with a pod's spec (kubectl sbx, --declared): what it declares, held against this
   *  report field by field */
  declared?: DeclaredComparison;
}

/** What every report says of its own run, in this order (the pod report, the node report). */
export function runFields(meta: ReportMeta) {
  return {
    generatedAt: meta.generatedAt,
    root: meta.root,
    elapsedMs: meta.elapsedMs,
    ...(meta.collection && { collection: meta.collection }),
  };
}

export function buildReport(facts: Facts, verdict: Verdict, meta: ReportMeta): Report {
  return {
    $schema: SCHEMA_ID,
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'sbx-detect', version: meta.version },
    ...runFields(meta),
    verdict,
    facts,
  };
}

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
