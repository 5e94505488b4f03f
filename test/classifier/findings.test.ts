// Findings (src/classifier/findings.ts) on captures of real runtimes (fixtures/captures/, see
// ORIGIN.md there), fixture snapshots of machines without a container, this machine, and an
// empty root: what each raises, what the sandbox's own kernel makes moot, what cannot be judged,
// and --expect max-severity over them.
import { describe, expect, it } from 'vitest';
import { checkExpectations, parseExpectation, type Expectation } from '../../src/classifier/expectations.js';
import { FINDING_ROWS, type Finding, SEVERITIES } from '../../src/classifier/findings.js';
import type { Verdict } from '../../src/classifier/verdict.js';
import type { Facts } from '../../src/probes/index.js';
import { seen } from '../support/seen.js';

/** A real runtime's capture, replayed with its syscall scan (the findings read it). */
const capture = (rt: string) => seen(`capture:${rt}`, { syscalls: true });

const byStatus = (fs: Finding[], status: Finding['status']) => fs.filter((f) => f.status === status).map((f) => f.id).sort();
const expectation = (t: string) => (parseExpectation(t) as { expectation: Expectation }).expectation;
const maxSeverity = (s: { facts: Facts; verdict: Verdict }, level: string) => checkExpectations([expectation(`max-severity=${level}`)], s.facts, s.verdict).results[0];

describe('the finding rows', () => {
  it('each has a stable kebab-case id, a severity, why it matters and what to change', () => {
    const ids = FINDING_ROWS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of FINDING_ROWS) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(SEVERITIES).toContain(r.severity);
      expect(r.why.length, r.id).toBeGreaterThan(20);
      expect(r.remediation.length, r.id).toBeGreaterThan(10);
      if (r.partOf) expect(ids).toContain(r.partOf);
    }
  });
});

describe('findings on real captures', () => {
  it('runc as root (Docker defaults): runs-as-root, no_new_privs and the writable root, nothing moot', async () => {
    const s = await capture('runc');
    expect(byStatus(s.verdict.findings, 'raised')).toEqual(['privilege-escalation', 'runs-as-root', 'writable-root']);
    expect(byStatus(s.verdict.findings, 'moot')).toEqual([]);
    const root = s.verdict.findings.find((f) => f.id === 'runs-as-root')!;
    expect(root).toMatchObject({ severity: 'medium', seen: 'effective uid 0', source: expect.stringMatching(/status/), remediation: expect.stringMatching(/runAsNonRoot: true/) });
    // ranked: the worst first
    expect(s.verdict.findings[0].id).toBe('runs-as-root');
    expect(maxSeverity(s, 'medium').status).toBe('pass');
    expect(maxSeverity(s, 'low')).toMatchObject({ status: 'fail', observed: 'medium: runs-as-root (medium), privilege-escalation (low), writable-root (low)' });
  });

  for (const rt of ['runsc', 'runsc-2024']) {
    it(`${rt}: gVisor's sentry makes the host-level ones moot, and says so`, async () => {
      const s = await capture(rt);
      expect(s.verdict.sandbox.class).toBe('gvisor');
      expect(byStatus(s.verdict.findings, 'moot')).toEqual(['no-seccomp', 'proc-sys-writable']);
      for (const f of s.verdict.findings.filter((x) => x.status === 'moot')) expect(f.mootBecause).toMatch(/^gVisor's sentry is the kernel here: /);
      // no_new_privs cannot be read in this capture, and does not matter under gVisor: not listed
      expect(s.verdict.findings.map((f) => f.id)).not.toContain('privilege-escalation');
      const r = maxSeverity(s, 'low');
      expect(r.status).toBe('pass');
      expect(r.reason).toContain('moot under the sandbox\'s own kernel: proc-sys-writable, no-seccomp');
    });
  }

  it('Kata (qemu): every host-level finding is moot, with the guest kernel as the reason', async () => {
    const s = await capture('qemu');
    expect(byStatus(s.verdict.findings, 'raised')).toEqual([]);
    expect(byStatus(s.verdict.findings, 'moot')).toEqual(expect.arrayContaining(['cap-sys-admin', 'host-block-device', 'no-seccomp', 'runs-as-root']));
    for (const f of s.verdict.findings) expect(f.mootBecause).toMatch(/^the Kata VM's guest kernel is the kernel here/);
    expect(maxSeverity(s, 'none').status).toBe('pass');
  });

  it('unshare as root: the host\'s disk in /dev and a writable /proc/sys are raised, high', async () => {
    const s = await capture('unshare');
    expect(byStatus(s.verdict.findings, 'raised')).toEqual(expect.arrayContaining(['host-block-device', 'proc-sys-writable', 'no-seccomp']));
    expect(maxSeverity(s, 'medium')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/host-block-device \(high: in \/dev: \/dev\/\w+ \[stat of \/dev\]\)/) });
  });
});

describe('no container, nothing readable', () => {
  // fixtures/snapshots (mirrored, see each ORIGIN.md): a physical server and a cloud VM, no container
  for (const where of ['bare-metal', 'vm-gce']) {
    it(`${where}: the class is none, one finding says so, and the container rows are not asked`, async () => {
      const s = await seen(where);
      expect(s.verdict.sandbox.class).toBe('none');
      expect(s.verdict.findings.map((f) => f.id)).toEqual(['no-container']);
      expect(s.verdict.findings[0]).toMatchObject({ status: 'raised', severity: 'high' });
      expect(maxSeverity(s, 'high').status).toBe('pass');
      expect(maxSeverity(s, 'medium')).toMatchObject({ status: 'fail', observed: expect.stringMatching(/^high: no-container/) });
    });
  }

  it('this machine: the no-container finding is raised exactly when the class is none', async () => {
    const s = await seen('live');
    expect(s.verdict.findings.some((f) => f.id === 'no-container' && f.status === 'raised'), `class ${s.verdict.sandbox.class}`).toBe(s.verdict.sandbox.class === 'none');
  });

  it('an empty root: every row that needs a fact is undetermined, and max-severity says which', async () => {
    const s = await seen('empty');
    expect(byStatus(s.verdict.findings, 'raised')).toEqual([]);
    expect(byStatus(s.verdict.findings, 'undetermined')).toEqual(expect.arrayContaining(['no-seccomp', 'runs-as-root', 'writable-root']));
    for (const f of s.verdict.findings) expect(f.seen).toMatch(/: /); // what could not be read, and why
    const r = maxSeverity(s, 'low');
    expect(r.status).toBe('undetermined');
    expect(r.reason).toMatch(/^whether .*no-seccomp \(medium\).* hold could not be determined: /);
  });
});
