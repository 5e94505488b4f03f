// Replay: the classifier's verdict for each fixture snapshot must match its expected.json.
// Fixtures mirror upstream sources or were captured on real runtimes (each ORIGIN.md says which).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classifier/verdict.js';
import { gatherFacts } from '../../src/probes/index.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';

const SNAPSHOTS = join(__dirname, '../../fixtures/snapshots');

export function verdictSummary(v: ReturnType<typeof classify>) {
  return {
    sandbox: v.sandbox.class,
    platform: v.platform?.value,
    hypervisor: v.hypervisor?.value,
    engine: v.engine.engine === 'unknown' ? undefined : v.engine.engine,
    kubernetes: v.kubernetes.pod,
    containerId: v.engine.containerId ?? undefined,
    podUid: v.kubernetes.podUid ?? undefined,
    namespace: v.kubernetes.namespace ?? undefined,
    vm: v.vm.kind,
    confidentialGuest: v.confidentialGuest ?? undefined,
    tool: v.tool?.value,
  };
}

const fixtures = existsSync(SNAPSHOTS) ? readdirSync(SNAPSHOTS).filter((d) => existsSync(join(SNAPSHOTS, d, 'expected.json'))) : [];

describe('fixture snapshots replay to their expected verdicts', () => {
  it('has fixtures to replay', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const name of fixtures) {
    it(name, async () => {
      const dir = join(SNAPSHOTS, name);
      expect(existsSync(join(dir, 'ORIGIN.md')), `${name} has no ORIGIN.md`).toBe(true);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
      const facts = await gatherFacts(createSnapshotHost(dir), { syscalls: true, helper: true });
      const got = verdictSummary(classify(facts));
      const picked = Object.fromEntries(Object.keys(expected).map((k) => [k, (got as Record<string, unknown>)[k]]));
      expect(picked).toEqual(expected);
    });
  }
});
