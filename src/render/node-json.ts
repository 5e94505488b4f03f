// The `sbx-detect node --json` document: every fact the node check read (known with its source,
// or unknown with the reason) and, per sandbox, the verdict with each item. Nothing is computed
// here. schema/node-report.schema.json is generated from NodeReport (npm run schema).
import type { Collection } from '../readers/host.js';
import type { NodeExpectationResult, NodeVerdict } from '../classifier/node-readiness.js';
import type { NodeFacts } from '../probes/node/index.js';
import { type ReportMeta, runFields } from './json.js';

export const NODE_SCHEMA_VERSION = 1;
export const NODE_SCHEMA_ID = 'https://sbx-detect.dev/schema/node-report-v1.schema.json';

/** The `sbx-detect node --json` document. */
export interface NodeReport {
  $schema: string;
  schemaVersion: number;
  tool: { name: 'sbx-detect'; version: string; command: 'node' };
  generatedAt: string;
  /** "/" for this machine, the --root directory, or via:CMD */
  root: string;
  elapsedMs?: number;
  /** present when the node was checked through --via: the channel, helper, round trips, bytes */
  collection?: Collection;
  verdict: NodeVerdict;
  facts: NodeFacts;
  /** present only with --expect */
  checks?: { expectations: NodeExpectationResult[] };
}

export function buildNodeReport(facts: NodeFacts, verdict: NodeVerdict, meta: ReportMeta, checks?: NodeExpectationResult[]): NodeReport {
  return {
    $schema: NODE_SCHEMA_ID,
    schemaVersion: NODE_SCHEMA_VERSION,
    tool: { name: 'sbx-detect', version: meta.version, command: 'node' },
    ...runFields(meta),
    verdict,
    facts,
    ...(checks && { checks: { expectations: checks } }),
  };
}

export function renderNodeJson(r: NodeReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
