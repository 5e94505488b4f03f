// The real-runtime matrix (issue 5): the BUILT artifact — the bundle, and the single executable
// where the case lists it — runs for real in every environment of test/matrix/cases.ts, through
// the harness only. Each JSON report must validate against the schema and state the verdict and
// every fact the case declared. QEMU: ONE boot runs every guest-side command.
// In CI (CI=true) an environment that cannot start FAILS, naming the runtime; elsewhere the test
// is skipped with the reason in its title. Never a silent pass.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopEngines } from '../runtimes/engine.js';
import { allAvailability, type RuntimeName } from '../runtimes/index.js';
import { qemuAvailable } from '../runtimes/qemu.js';
import { ensureBuilt } from '../support/built.js';
import { schemaErrors } from '../support/schema.js';
import { criCases, stopCriLab } from './cri-cases.js';
import { engineCases, hostCase, QEMU_CASE, RUNTIME_CASES, type Artifact, type MatrixCase, type QemuCase } from './cases.js';
import { checkReport, ensureSea, parseReport, runCase, runQemuCases, type QemuRuns, type ToolRun } from './run.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const availability = new Map((await allAvailability()).map((a) => [a.runtime, a]));
const qemu = qemuAvailable();

let seaHow = '';
beforeAll(async () => {
  ensureBuilt();
  seaHow = (await ensureSea()).how;
}, 300_000);

function describeRun(run: ToolRun): string {
  return `${run.where}\nexit ${run.code ?? run.signal} in ${run.ms} ms\n--- stderr\n${run.stderr.slice(-3000)}\n--- stdout\n${run.stdout.slice(0, 2000)}`;
}

/** The report of `run`, checked against the schema and against the case's declaration. */
function assertMatches(c: MatrixCase, run: ToolRun): void {
  expect(run.skipped, `${c.runtime} could not start: ${run.skipped}`).toBeUndefined();
  const { report, error } = parseReport(run);
  expect(error, `${c.id} ${run.artifact}: ${error}\n${describeRun(run)}`).toBeUndefined();
  expect(schemaErrors(report), `${c.id} ${run.artifact}: schema`).toEqual([]);
  const wrong = checkReport(report, c.expect).filter((k) => !k.ok);
  expect(wrong, `${c.id} ${run.artifact} (${run.artifact === 'sea' ? seaHow : 'dist/sbx-detect.cjs'}): facts that differ from the declaration\n` +
    `verdict: ${report.verdict.headline}\n${JSON.stringify(report.verdict.sandbox.evidence.map((e: { signal: string; weight: number; observed: string }) => `${e.weight} ${e.signal}: ${e.observed}`), null, 1)}`).toEqual([]);
}

/** `it` for a case needing `rt`: fails in CI when it cannot start, else skipped with the reason. */
function itIn(rt: RuntimeName, title: string, fn: () => Promise<void>, timeout: number): void {
  const a = availability.get(rt)!;
  if (a.ok) it(title, fn, timeout);
  else if (CI) it(title, () => { throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`); });
  else it.skip(`${title} — SKIPPED: ${rt} cannot start here: ${a.reason}`, () => {});
}

const title = (a: Artifact) => (a === 'bundle' ? 'node dist/sbx-detect.cjs --json' : a === 'via' ? 'node dist/sbx-detect.cjs --via "docker exec -i C" --json' : 'the single executable --json');

describe('this machine itself (no sandbox)', () => {
  const c = hostCase();
  for (const a of c.artifacts) {
    it(`${title(a)}: ${c.expect.class}, with the runner's own credentials`, async () => assertMatches(c, await runCase(c, a)), 60_000);
  }
});

for (const c of RUNTIME_CASES) {
  describe(`${c.runtime}: ${c.id}`, () => {
    for (const a of c.artifacts) {
      itIn(c.runtime, `${title(a)}: ${c.expect.class}${c.expect.platform ? ` (${c.expect.platform})` : ''}${c.expect.tool ? ` (${c.expect.tool})` : ''} — ${c.note ?? ''}`,
        async () => assertMatches(c, await runCase(c, a)), 240_000);
    }
  });
}

/** Cases run by a lab started on the first case and stopped (by `stop`) after the last; the
 *  host's /dev/null must be untouched (runsc without -i once chowned it). */
function describeLab<C extends MatrixCase>(name: string, cases: C[], stop: () => Promise<void>, title: (c: C, a: Artifact) => string): void {
  describe(name, () => {
    const devNull = statSync('/dev/null');
    afterAll(async () => {
      await stop();
      const after = statSync('/dev/null');
      expect({ uid: after.uid, gid: after.gid, mode: after.mode }, `the host's /dev/null changed during: ${name}`).toEqual({ uid: devNull.uid, gid: devNull.gid, mode: devNull.mode });
    }, 120_000);
    for (const c of cases) {
      for (const a of c.artifacts) {
        it(title(c, a), async (ctx) => {
          const run = await runCase(c as Exclude<MatrixCase, QemuCase>, a);
          if (run.skipped && !CI) {
            ctx.skip(`${c.runtime} cannot start here: ${run.skipped}`);
            return;
          }
          assertMatches(c, run);
        }, 300_000);
      }
    }
  });
}

// Real engines (test/runtimes/engine.ts): one private dockerd, Podman and a Docker-in-Docker.
describeLab('real engines: the recon image under Docker, Podman and Docker-in-Docker', engineCases(), stopEngines,
  (c, a) => `${c.id}: ${c.flags} — ${title(a)}: ${c.expect.privileged ? 'privileged ' : ''}${c.expect.class}${c.expect.engine ? `, engine ${c.expect.engine}` : ''}`);

// Real CRI pods (test/runtimes/cri.ts): one private containerd 1.7, every pod removed.
describeLab('CRI pods: containerd 1.7 with the RuntimeClass handlers runc and runsc', criCases(), stopCriLab,
  (c, a) => `${c.id}: ${a === 'via' ? 'node dist/sbx-detect.cjs --via "ctr task exec …" --json' : 'the single executable as the pod\'s container, --json, from the CRI log'}: ${c.expect.class}, engine ${c.expect.engine} — ${c.note}`);

describe(`qemu: ${QEMU_CASE.id} (one TCG boot for every guest-side command)`, () => {
  if (!qemu.ok) {
    if (CI) it('boots', () => { throw new Error(`runtime qemu cannot start on this machine: ${qemu.why}`); });
    else it.skip(`SKIPPED: qemu cannot start here: ${qemu.why}`, () => {});
    return;
  }
  let boot: QemuRuns;
  beforeAll(async () => {
    boot = await runQemuCases([QEMU_CASE], { snapshot: false });
  }, 600_000);
  it('booted once and ran every guest-side command', () => {
    expect(boot.skipped).toBeUndefined();
    expect(boot.runs.map((r) => `${r.caseId}:${r.artifact}`)).toEqual(QEMU_CASE.artifacts.map((a) => `${QEMU_CASE.id}:${a}`));
  });
  for (const a of QEMU_CASE.artifacts) {
    it(`${title(a)}: kata, hypervisor qemu — ${QEMU_CASE.note}`, () => assertMatches(QEMU_CASE, boot.runs.find((r) => r.artifact === a)!));
  }
});
