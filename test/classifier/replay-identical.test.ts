// A snapshot taken inside a real runtime replays, on the host, to the same JSON report the run
// that took it printed — byte for byte, the timing and location fields aside.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { baseCase, runInRuntime } from '../runtimes/index.js';
import { BUNDLE, ensureBuilt, runBuilt } from '../support/built.js';
import { itInRuntime } from '../support/runtime-it.js';

const SPLIT = '===SBX-SNAPSHOT-END===';
/** fields that differ between any two runs by design */
const RUN_DEPENDENT = ['generatedAt', 'elapsedMs', 'root'];
const work = mkdtempSync(join(tmpdir(), 'sbx-replay-'));

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function withoutRunFields(json: string): string {
  const r = JSON.parse(json);
  for (const k of RUN_DEPENDENT) delete r[k];
  return JSON.stringify(r, null, 2);
}

describe('snapshot inside a runtime, replay on the host', async () => {
  for (const rt of ['runc', 'runsc'] as const) {
    await itInRuntime(rt, `${rt}: --replay gives the report the snapshotting run printed`, async () => {
      const inside = `node '${BUNDLE}' snapshot -o /tmp/snap.json --json > /tmp/report.json && cat /tmp/snap.json && echo '${SPLIT}' && cat /tmp/report.json`;
      const r = await runInRuntime(baseCase(rt, ['/bin/sh', '-c', inside], { name: `replay-${rt}`, seccomp: rt === 'runc' ? 'docker-default' : 'none' }));
      expect(r.code, r.stderr).toBe(0);
      const [snapshot, report] = r.stdout.split(`${SPLIT}\n`);
      const file = join(work, `${rt}.snap.json`);
      writeFileSync(file, snapshot);
      const replay = runBuilt(['--replay', file, '--json']);
      expect(replay.code, replay.stderr).toBe(0);
      expect(withoutRunFields(replay.stdout)).toBe(withoutRunFields(report));
      // and the snapshot is not trivially empty: it held the scan and the verdict's evidence
      const parsed = JSON.parse(report);
      expect(parsed.facts.native.syscalls.known).toBe(true);
      expect(parsed.verdict.sandbox.class).toBe(rt === 'runc' ? 'runc-class' : 'gvisor');
    });
  }
});
