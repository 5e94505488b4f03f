// The JSON report: one document with the schema version, every fact (known or unknown with
// its reason), and the verdict with its evidence. Nothing is computed here.
import type { Verdict } from '../classifier/verdict.js';
import type { Facts } from '../probes/index.js';

export const SCHEMA_VERSION = 1;
export const SCHEMA_ID = 'https://github.com/sbx-detect/sbx-detect/schema/report.schema.json';

export interface ReportMeta { version: string; generatedAt: string; root: string; elapsedMs?: number }

export function buildReport(facts: Facts, verdict: Verdict, meta: ReportMeta) {
  return {
    $schema: SCHEMA_ID,
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'sbx-detect', version: meta.version },
    generatedAt: meta.generatedAt,
    root: meta.root,
    verdict,
    facts,
  };
}

export function renderJson(report: ReturnType<typeof buildReport>): string {
  return JSON.stringify(report, null, 2) + '\n';
}
