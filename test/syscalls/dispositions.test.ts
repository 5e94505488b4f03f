import { describe, expect, it } from 'vitest';
import { buildSyscallPlan } from '../../src/probes/syscalls/plan.js';
import { syscallDispositions } from '../../src/probes/syscalls/dispositions.js';
import { FIXTURES, machineFacts, recordedAnswer } from './fixtures.js';

function scan(fixture: { file: string; caps: bigint }, cut?: number) {
  const plan = buildSyscallPlan(machineFacts(fixture.caps));
  return syscallDispositions(plan, recordedAnswer(fixture.file, cut));
}
const byName = (s: ReturnType<typeof scan>) => new Map(s.results.map((r) => [r.name, r]));

describe('dispositions from recorded runc runs', () => {
  it('Docker default profile, root: EPERM default, clone3 ENOSYS, capability checks told apart', () => {
    const s = scan(FIXTURES.dockerRoot);
    const r = byName(s);
    expect(s.defaultAction).toMatchObject({ kind: 'errno', errno: 'EPERM' });
    expect(r.get('mount')).toMatchObject({ disposition: 'blocked-errno', errno: 'EPERM' });
    expect(r.get('unshare')).toMatchObject({ disposition: 'blocked-errno', errno: 'EPERM' });
    expect(r.get('clone.newns')).toMatchObject({ disposition: 'blocked-errno', errno: 'EPERM' });
    expect(r.get('clone')).toMatchObject({ disposition: 'allowed' });
    expect(r.get('clone3')).toMatchObject({ disposition: 'not-implemented', kernelHasCall: true });
    expect(r.get('sethostname')).toMatchObject({ disposition: 'capability-denied', gate: 'CAP_SYS_ADMIN' });
    expect(r.get('syslog')?.disposition).toBe('capability-denied');
    expect(r.get('listns')).toMatchObject({ disposition: 'not-implemented', kernelHasCall: false });
    expect(r.get('read')?.disposition).toBe('allowed');
    expect(s.helperProblems).toEqual([]);
    // one result per x86_64 row
    expect(s.results.length).toBe(plan().probes.length + plan().notProbed.length);
  });

  it('no seccomp with CAP_SYS_ADMIN: the setuid family and mount are not blocked', () => {
    const r = byName(scan(FIXTURES.noneAdmin));
    for (const name of ['setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'mount', 'umount2', 'unshare', 'setns', 'pivot_root'])
      expect(r.get(name)?.disposition, name).toBe('allowed');
    expect([...r.values()].filter((x) => x.disposition === 'blocked-errno')).toEqual([]);
  });

  it('no capabilities: capability-first calls are capability-denied, not blocked', () => {
    const r = byName(scan(FIXTURES.dockerNoCaps));
    for (const name of ['sethostname', 'setdomainname', 'reboot', 'acct', 'vhangup', 'swapoff', 'init_module', 'kexec_load'])
      expect(r.get(name)?.disposition, name).toBe('capability-denied');
  });

  it('kill and trap actions show as killed and trapped', () => {
    const r = byName(scan(FIXTURES.dockerKillTrap));
    expect(r.get('getppid')).toMatchObject({ disposition: 'killed', signal: 'SIGSYS' });
    expect(r.get('getpgrp')).toMatchObject({ disposition: 'trapped', signal: 'SIGSYS' });
  });

  it('an ENOSYS default shows as not-implemented for calls the kernel has', () => {
    const s = scan(FIXTURES.dockerEnosys);
    expect(s.defaultAction).toMatchObject({ kind: 'errno', errno: 'ENOSYS' });
    expect(byName(s).get('mount')).toMatchObject({ disposition: 'not-implemented', kernelHasCall: true });
  });

  it('containers-common: ENOSYS default, io_uring blocked with ENOSYS', () => {
    const s = scan(FIXTURES.containersRoot);
    expect(s.defaultAction).toMatchObject({ kind: 'errno', errno: 'ENOSYS' });
    expect(byName(s).get('io_uring_setup')).toMatchObject({ disposition: 'not-implemented', kernelHasCall: 'unknown' });
    expect(byName(s).get('mount')?.disposition).toBe('allowed');
  });
});

function plan() {
  return buildSyscallPlan(machineFacts(FIXTURES.dockerRoot.caps));
}

describe('dispositions never throw on bad helper output', () => {
  it('a helper killed mid-scan leaves the rest not-probed, saying why', () => {
    const p = plan();
    const answer = recordedAnswer(FIXTURES.dockerRoot.file, 5000);
    if (!answer.ok) throw new Error('fixture');
    answer.value.exit = { code: null, signal: 'SIGKILL' };
    const s = syscallDispositions(p, answer);
    expect(s.helperProblems.join()).toMatch(/SIGKILL/);
    expect(s.results.find((r) => r.name === 'listns')).toMatchObject({ disposition: 'not-probed', reason: expect.stringMatching(/died of SIGKILL/) });
    expect(s.results.find((r) => r.name === 'read')?.disposition).toBe('allowed');
  });

  it('garbage, refusals, odd fields and a missing helper', () => {
    const p = plan();
    const s = syscallDispositions(p, {
      ok: true,
      value: {
        lines: [
          { req: 'sys', id: 'read', ret: 'x' },
          { req: 'sys', id: 'write', timeout: true },
          { req: 'sys', id: 'close', fork_errno: 11 },
          { req: 'sys', id: 'getpid', signal: 4, trapped: false },
          { req: 'error', error: 'bad', line: 'zz' },
          { req: 'sys', id: 'not-a-row', ret: 0, errno: 0 },
        ],
        garbage: ['{"req":"sys","id":"op'],
        exit: { code: 0, signal: null },
        timedOut: false,
        elapsedMs: 1,
      },
    });
    const r = byName(s);
    expect(r.get('read')?.disposition).toBe('ambiguous');
    expect(r.get('write')?.disposition).toBe('timeout');
    expect(r.get('close')).toMatchObject({ disposition: 'not-probed', reason: expect.stringMatching(/EAGAIN/) });
    expect(r.get('getpid')).toMatchObject({ disposition: 'ambiguous', signal: 'SIGILL' });
    expect(r.get('open')?.disposition).toBe('not-probed');
    expect(s.helperProblems.length).toBe(2);
    const missing = syscallDispositions(p, { ok: false, error: { code: 'HELPER_MISSING', path: 'sbx-helper', message: 'no helper' } });
    expect(missing.results.every((x) => x.disposition === 'not-probed')).toBe(true);
    expect(missing.defaultAction.kind).toBe('unknown');
  });
});
