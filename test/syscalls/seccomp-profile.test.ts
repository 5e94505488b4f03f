import { describe, expect, it } from 'vitest';
import { fingerprintSeccompProfile, profileAction, KNOWN_PROFILES } from '../../src/classifier/seccomp-profile.js';
import { buildSyscallPlan } from '../../src/probes/syscalls/plan.js';
import { syscallDispositions } from '../../src/probes/syscalls/dispositions.js';
import { FIXTURES, capSet, machineFacts, recordedAnswer } from './fixtures.js';

function fingerprint(fixture: { file: string; caps: bigint }) {
  const facts = machineFacts(fixture.caps);
  const s = syscallDispositions(buildSyscallPlan(facts), recordedAnswer(fixture.file));
  return fingerprintSeccompProfile(s.results, facts);
}

describe('seccomp profile fingerprint', () => {
  it('recognises Docker default, as root and as a user without capabilities', () => {
    expect(fingerprint(FIXTURES.dockerRoot)).toMatchObject({ verdict: 'docker-default', differences: [] });
    expect(fingerprint(FIXTURES.dockerNoCaps)).toMatchObject({ verdict: 'docker-default', differences: [] });
  });

  it('recognises containers-common default', () => {
    expect(fingerprint(FIXTURES.containersRoot)).toMatchObject({ verdict: 'containers-default', differences: [] });
  });

  it('says none without a filter', () => {
    expect(fingerprint(FIXTURES.noneAdmin).verdict).toBe('none');
  });

  it('lists the differences of a modified profile', () => {
    const fp = fingerprint(FIXTURES.dockerKillTrap);
    expect(fp.verdict).toBe('docker-default');
    expect(fp.differences.map((d) => d.name).sort()).toEqual(['getpgrp', 'getppid']);
    const enosys = fingerprint(FIXTURES.dockerEnosys);
    expect(enosys).toMatchObject({ verdict: 'custom', closest: 'docker-default' });
  });

  it('evaluates capability and argument conditions from the profile data', () => {
    const docker = KNOWN_PROFILES.find((p) => p.id === 'docker-default')!;
    const facts = machineFacts(0n);
    expect(profileAction(docker, 'mount', facts, 0n)).toBe(1);
    expect(profileAction(docker, 'mount', facts, capSet('CAP_SYS_ADMIN'))).toBe('allow');
    expect(profileAction(docker, 'clone', facts, 0n)).toBe('allow');
    expect(profileAction(docker, 'clone.newns', facts, 0n)).toBe(1);
    expect(profileAction(docker, 'clone3', facts, 0n)).toBe(38);
    expect(profileAction(docker, 'personality', facts, 0n)).toBe('allow');
  });
});
