// --pss: the Pod Security Standards rules over the fixture snapshots, an empty root, this real
// machine and a real restricted child process. Sandbox-awareness is checked rule by rule.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPodSecurity, PSS_RULES, type PssLevel, type PssReport } from '../../src/classifier/pss.js';
import { classify } from '../../src/classifier/verdict.js';
import type { Facts } from '../../src/probes/index.js';
import { parseProcessStatus } from '../../src/probes/process.js';
import { pssJson } from '../../src/render/checks-json.js';
import { renderPssTable } from '../../src/render/checks.js';
import { makeStyle } from '../../src/render/style.js';
import { restrictedChildStatus } from '../support/restricted-child.js';
import { type Seen, seen } from '../support/seen.js';

async function pss(where: string | Seen, level: PssLevel): Promise<PssReport> {
  const s = typeof where === 'string' ? await seen(where) : where;
  return checkPodSecurity(level, s.facts, s.verdict);
}

const statuses = (r: PssReport) => Object.fromEntries(r.rules.map((x) => [x.id, x.status]));
const rule = (r: PssReport, id: string) => {
  const found = r.rules.find((x) => x.id === id);
  if (!found) throw new Error(`no rule ${id} in ${r.level}`);
  return found;
};

describe('the rule table', () => {
  it('baseline runs the baseline rules; restricted adds its own', async () => {
    expect((await pss('docker-cgroupv2', 'baseline')).rules.map((x) => x.id)).toEqual(['privileged', 'host-namespaces', 'apparmor', 'seccomp', 'capabilities-baseline']);
    expect((await pss('docker-cgroupv2', 'restricted')).rules.map((x) => x.id)).toEqual([
      'privileged', 'host-namespaces', 'apparmor', 'seccomp', 'capabilities-baseline', 'non-root', 'no-new-privs', 'capabilities-restricted',
    ]);
    expect(PSS_RULES.every((r) => r.control.length > 0 && r.title.length > 0)).toBe(true);
  });
});

describe('gVisor: Seccomp 0 and the missing NoNewPrivs line are enforced by the sandbox boundary', () => {
  it('baseline passes: every rule passes or does not apply', async () => {
    const r = await pss('gvisor-systrap-k8s', 'baseline');
    expect(statuses(r)).toEqual({
      privileged: 'pass', 'host-namespaces': 'not-applicable', apparmor: 'not-applicable', seccomp: 'not-applicable', 'capabilities-baseline': 'pass',
    });
    expect(r).toMatchObject({ status: 'pass', exitCode: 0 });
  });

  it('the seccomp rule shows Seccomp 0 and why it does not apply', async () => {
    const s = rule(await pss('gvisor-4.19-systrap', 'baseline'), 'seccomp');
    expect(s.evidence).toBe('/proc/self/status Seccomp: disabled');
    expect(s.reason).toMatch(/^not applicable: enforced by the sandbox boundary\. gVisor serves every syscall in its user-space kernel/);
    expect(s.reason).toContain('--oci-seccomp');
  });

  it('restricted: NoNewPrivs does not apply, but root and the default capabilities fail', async () => {
    const r = await pss('gvisor-systrap-k8s', 'restricted');
    expect(rule(r, 'no-new-privs')).toMatchObject({ status: 'not-applicable', evidence: '/proc/self/status NoNewPrivs: no such line' });
    expect(rule(r, 'no-new-privs').reason).toContain('allowPrivilegeEscalation cannot be seen from inside');
    expect(rule(r, 'non-root')).toMatchObject({ status: 'fail', evidence: '/proc/self/status Uid: 0 0 0 0' });
    expect(rule(r, 'capabilities-restricted')).toMatchObject({
      status: 'fail', reason: 'beyond NET_BIND_SERVICE: chown dac_override fowner fsetid kill setgid setuid setpcap net_raw sys_chroot mknod audit_write setfcap',
    });
    expect(r).toMatchObject({ status: 'fail', exitCode: 1 });
  });

  it('a writable /proc/sys is the sandbox kernel\'s, not counted', async () => {
    expect(rule(await pss('gvisor-kvm', 'baseline'), 'privileged')).toMatchObject({
      status: 'pass', evidence: "/proc/sys writable (gVisor's own kernel, not the host's)",
    });
  });
});

describe('Kata', () => {
  it('Seccomp 0 does not apply, with Kata\'s reason; the host namespaces do not apply', async () => {
    const r = await pss('kata-qemu-k8s', 'baseline');
    expect(rule(r, 'seccomp').status).toBe('not-applicable');
    expect(rule(r, 'seccomp').reason).toContain('disable_guest_seccomp=true');
    expect(rule(r, 'host-namespaces')).toMatchObject({ status: 'not-applicable', reason: "not applicable: kata runs its own kernel, so its namespaces are not the host's" });
    expect(r.exitCode).toBe(0);
  });

  it('the guest prints NoNewPrivs: 0, which is judged as it stands', async () => {
    expect(rule(await pss('kata-fc', 'restricted'), 'no-new-privs')).toMatchObject({ status: 'fail', evidence: '/proc/self/status NoNewPrivs: 0' });
  });
});

describe('runc-class fixtures: the same observations fail where the host kernel is exposed', () => {
  it('Seccomp 0 under containerd is an Unconfined profile', async () => {
    expect(rule(await pss('containerd-k8s-cgroupv1', 'baseline'), 'seccomp')).toMatchObject({
      status: 'fail', evidence: '/proc/self/status Seccomp: disabled, 0 filter(s)', reason: 'Seccomp: 0 is what an Unconfined profile looks like',
    });
  });

  it('docker: a filter and an AppArmor profile pass; NET_RAW from the default set is admitted by baseline', async () => {
    const r = await pss('docker-cgroupv2', 'baseline');
    expect(rule(r, 'seccomp')).toMatchObject({ status: 'pass', evidence: '/proc/self/status Seccomp: filtering, 1 filter(s)' });
    expect(rule(r, 'apparmor')).toMatchObject({ status: 'pass', evidence: '/proc/self/attr/apparmor/current: docker-default (enforce)' });
    expect(rule(r, 'capabilities-baseline').status).toBe('pass');
    expect(rule(r, 'capabilities-baseline').reason).toMatch(/^net_raw is beyond the list but in the container runtimes' default set/);
  });

  it('docker: net cannot be judged on this kernel, so host namespaces are undetermined', async () => {
    expect(rule(await pss('docker-cgroupv2', 'baseline'), 'host-namespaces')).toMatchObject({
      status: 'undetermined',
      evidence: 'net:[4026532275] undecidable; pid:[4026532274] own; ipc:[4026532273] own',
      reason: 'net: this kernel gives no fixed initial inode for it',
    });
  });

  it('the mirrored docker mountinfo has /proc without a read-only /proc/sys: a privileged sign', async () => {
    const r = await pss('docker-cgroupv2', 'baseline');
    expect(rule(r, 'privileged')).toMatchObject({ status: 'fail', evidence: '/proc/sys mounted writable' });
    expect(r).toMatchObject({ status: 'fail', exitCode: 1 });
  });

  it('rootless podman runs AppArmor-unconfined', async () => {
    expect(rule(await pss('podman-rootless', 'baseline'), 'apparmor')).toMatchObject({ status: 'fail', evidence: '/proc/self/attr/current: unconfined' });
  });

  it('CRI-O: SELinux, no AppArmor; its default capabilities are within the baseline list', async () => {
    const r = await pss('crio-k8s-cgroupv2', 'baseline');
    expect(rule(r, 'apparmor')).toMatchObject({ status: 'not-applicable', reason: 'AppArmor is absent' });
    expect(rule(r, 'capabilities-baseline')).toMatchObject({
      status: 'pass', evidence: 'CapBnd 00000000000005fb: chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service',
    });
  });

  // both run in a user namespace of their own: the full set is the namespace's, not a privileged
  // sign; the writable /proc/sys and /sys still are, and the added capabilities fail baseline
  it.each([['lxc-lxcfs', '0 100000 65536'], ['sysbox-docker', '0 165536 65536']])('%s holds the full capability set, in a user namespace of its own', async (name, map) => {
    const r = await pss(name, 'baseline');
    const p = rule(r, 'privileged');
    expect(p.status).toBe('fail');
    expect(p.evidence).toMatch(new RegExp(`^/proc/sys mounted writable; /sys mounted writable; full capability set \\(CapBnd (000001ffffffffff|0000003fffffffff)\\) held in a user namespace of its own \\(uid_map ${map}\\)$`));
    expect(rule(r, 'capabilities-baseline').status).toBe('fail');
  });
});

describe('nothing readable', () => {
  it('every rule that needs a fact is undetermined; exit 3', async () => {
    const r = await pss('empty', 'restricted');
    expect(statuses(r)).toEqual({
      privileged: 'undetermined', 'host-namespaces': 'undetermined', apparmor: 'not-applicable', seccomp: 'undetermined',
      'capabilities-baseline': 'undetermined', 'non-root': 'undetermined', 'no-new-privs': 'undetermined', 'capabilities-restricted': 'undetermined',
    });
    expect(rule(r, 'non-root').reason).toBe('the uid could not be read: ENOENT: /proc/self/status');
    expect(r).toMatchObject({ status: 'undetermined', exitCode: 3 });
  });
});

// A user namespace of its own (a pod's hostUsers: false): the capture of a real runc container,
// root of the namespace with every capability of the host's bounding set and no seccomp
// (fixtures/captures/runc-userns.json, matrix case runc-userns-all-caps).
describe('a user namespace of its own (runc, captured)', () => {
  const userns = seen('capture:runc-userns');

  it('every capability, held in the namespace, is no privileged sign (as verdict.privileged says); the missing filter and the added capabilities still fail', async () => {
    const s = await userns;
    expect(s.verdict.privileged.privileged).toBe(false);
    const r = await pss(s, 'baseline');
    expect(rule(r, 'privileged')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^full capability set \(CapBnd 000001fffeffffff\) held in a user namespace of its own \(uid_map 0 131072 65536\)/) });
    expect(rule(r, 'privileged').reason).toMatch(/capabilities of a user namespace of its own act only on what it owns/);
    expect(statuses(r)).toMatchObject({ seccomp: 'fail', 'capabilities-baseline': 'fail' });
    expect(r).toMatchObject({ status: 'fail', exitCode: 1 });
  });

  it('restricted: uid 0 still fails runAsNonRoot, and the reason says whose root it is', async () => {
    const r = await pss(await userns, 'restricted');
    expect(rule(r, 'non-root')).toMatchObject({ status: 'fail', evidence: '/proc/self/status Uid: 0 0 0 0' });
    expect(rule(r, 'non-root').reason).toMatch(/root of a user namespace of its own \(uid_map 0 131072 65536: host uid 131072\)/);
    expect(rule(r, 'non-root').reason).toContain('UserNamespacesPodSecurityStandards');
  });
});

describe('this real machine', () => {
  it('no container: host namespaces and privileged signs fail', async () => {
    const r = await pss('live', 'baseline');
    expect(rule(r, 'host-namespaces')).toMatchObject({ status: 'fail', reason: "shares the host's net, pid, ipc namespaces" });
    expect(rule(r, 'privileged').evidence).toContain('full capability set');
    expect(r.exitCode).toBe(1);
  });

  // A real restricted process: a seccomp filter (one BPF "allow"), no_new_privs, uid 65534, the
  // bounding set cut to NET_BIND_SERVICE. Its /proc/self/status goes through the real parser and
  // replaces the process facts; the rest are this machine's (so host namespaces still fail).
  const canRestrict = process.geteuid?.() === 0 && existsSync('/usr/bin/python3') && existsSync('/usr/bin/setpriv');
  it.skipIf(!canRestrict)('a restricted child passes the process rules of restricted', async () => {
    const live = await seen('live');
    const facts: Facts = { ...live.facts, process: { ...live.facts.process, ...parseProcessStatus(restrictedChildStatus()) } };
    const r = await pss({ facts, verdict: classify(facts) }, 'restricted');
    expect(r.rules.filter((x) => ['seccomp', 'capabilities-baseline', 'non-root', 'no-new-privs', 'capabilities-restricted'].includes(x.id))
      .map((x) => [x.id, x.status, x.evidence])).toEqual([
      ['seccomp', 'pass', '/proc/self/status Seccomp: filtering, 1 filter(s)'],
      ['capabilities-baseline', 'pass', 'CapBnd 0000000000000400: net_bind_service'],
      ['non-root', 'pass', '/proc/self/status Uid: 65534 65534 65534 65534'],
      ['no-new-privs', 'pass', '/proc/self/status NoNewPrivs: 1'],
      ['capabilities-restricted', 'pass', 'CapBnd 0000000000000400: net_bind_service'],
    ]);
    expect(rule(r, 'host-namespaces').status).toBe('fail');
    expect(r.exitCode).toBe(1);
  });
});

describe('rendering', () => {
  it('table: one row per rule with status, level and evidence', async () => {
    const text = renderPssTable(await pss('gvisor-systrap-k8s', 'restricted'), makeStyle(false));
    expect(text.split('\n')[0]).toBe('Pod Security Standard: restricted FAIL (exit 1)');
    expect(text).toMatch(/│ n\/a\s+│ A seccomp profile is in\s+│/);
    expect(text).toMatch(/│ FAIL\s+│ Runs as a non-root uid\s+│ \/proc\/self\/status Uid: 0 0 0 0/);
  });

  it('JSON: plain objects with the standard, level, status, exit code and rules', async () => {
    const j = pssJson(await pss('kata-clh', 'baseline'));
    expect(j).toMatchObject({ standard: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/', level: 'baseline', status: 'pass', exitCode: 0 });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j.rules[0]).toEqual(expect.objectContaining({ id: 'privileged', level: 'baseline', status: 'pass' }));
  });
});
