// Proves that each runtime really starts on this machine and really applies the declaration:
// uid/gid, capability sets, seccomp mode, no_new_privs, read-only root, private /tmp, a fresh
// /proc, no network, and Node able to run from the project directory.
// In CI (CI=true) a runtime that cannot start FAILS; elsewhere it is skipped, reason in the title.
import { describe, expect, it } from 'vitest';
import { release } from 'node:os';
import {
  allAvailability, baseCase, capHex, capsToMask, DOCKER_DEFAULT_CAPS, hostBoundingCaps, resolveCaps,
  runInRuntime, type CaseDecl, type RunResult, type RuntimeName,
} from './index.js';
import {
  blockedSyscalls, dockerDefaultOci, dockerToOci, ENOSYS, EPERM, killAndTrapProfile, loadDockerProfile,
  syscallVerdicts, withDefaultEnosys,
} from './docker-seccomp.js';
import { X86_64_SYSCALLS } from './syscalls-x86_64.js';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const availability = new Map((await allAvailability()).map((a) => [a.runtime, a]));

/** `it` for a case that needs `rt`: fails in CI, is skipped (reason in the title) elsewhere. */
function itIn(rt: RuntimeName, title: string, fn: () => Promise<void>, timeout = 120_000): void {
  const a = availability.get(rt)!;
  if (a.ok) it(title, fn, timeout);
  else if (CI) it(title, () => { throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`); });
  else it.skip(`${title} — SKIPPED: ${rt} cannot start here: ${a.reason}`, () => {});
}

// One command shows everything the assertions need, in sections.
const PROBE = [
  'sh', '-c', [
    'echo "## status"; cat /proc/self/status',
    'echo "## id"; id -u; id -g',
    'echo "## mountinfo"; cat /proc/self/mountinfo',
    'echo "## net"; cat /proc/net/dev',
    'echo "## rootwrite"; if touch /.sbx-root-write-check 2>/dev/null; then echo writable; else echo readonly; fi',
    'echo "## tmpwrite"; if echo x > /tmp/.w 2>/dev/null; then echo writable; else echo readonly; fi',
    'echo "## node"; node -e "process.stdout.write(process.version)" 2>&1 | head -c 200; echo',
    'echo "## project"; test -f package.json && echo present',
    'echo "## uname"; uname -r',
    'echo "## end"',
  ].join('\n'),
];

function sections(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  let cur = '';
  for (const line of out.split('\n')) {
    const m = /^## (\w+)$/.exec(line);
    if (m) {
      cur = m[1]!;
      r[cur] = '';
    } else if (cur) r[cur] += `${line}\n`;
  }
  return r;
}

function statusField(status: string, key: string): string | undefined {
  return new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim();
}

function rootMount(mountinfo: string): string[] {
  const line = mountinfo.split('\n').find((l) => l.split(' ')[4] === '/');
  expect(line, 'a mount at / in mountinfo').toBeDefined();
  return line!.split(' ');
}

function explain(r: RunResult): string {
  return `code ${r.code} signal ${r.signal} in ${r.ms} ms\n--- stderr\n${r.stderr}\n--- stdout\n${r.stdout.slice(0, 4000)}`;
}

interface Expect {
  seccomp: 0 | 2;
  /** runsc's /proc/self/status has no NoNewPrivs line */
  noNewPrivsLine?: boolean;
  node?: boolean;
}

async function runAndCheck(decl: CaseDecl, ex: Expect): Promise<Record<string, string>> {
  const r = await runInRuntime({ ...decl, command: PROBE });
  expect(r.skipped, r.skipped).toBeUndefined();
  expect(r.code, explain(r)).toBe(0);
  const s = sections(r.stdout);
  expect(s.end, explain(r)).toBeDefined();
  const st = s.status!;
  // uid / gid, all four fields
  expect(statusField(st, 'Uid')?.split(/\s+/)).toEqual(Array(4).fill(String(decl.uid)));
  expect(statusField(st, 'Gid')?.split(/\s+/)).toEqual(Array(4).fill(String(decl.gid)));
  expect(s.id!.trim().split('\n')).toEqual([String(decl.uid), String(decl.gid)]);
  // capabilities
  const mask = capHex(capsToMask(resolveCaps(decl)));
  expect(statusField(st, 'CapEff'), 'CapEff').toBe(mask);
  expect(statusField(st, 'CapPrm'), 'CapPrm').toBe(mask);
  expect(statusField(st, 'CapBnd'), 'CapBnd').toBe(mask);
  // seccomp and no_new_privs
  expect(statusField(st, 'Seccomp'), 'Seccomp').toBe(String(ex.seccomp));
  if (ex.noNewPrivsLine ?? true) expect(statusField(st, 'NoNewPrivs'), 'NoNewPrivs').toBe(decl.noNewPrivileges ? '1' : '0');
  // root and /tmp
  const root = rootMount(s.mountinfo!);
  expect(root[5]!.split(',').includes('ro'), `root mount options ${root[5]}`).toBe(decl.readOnlyRoot);
  expect(s.rootwrite!.trim()).toBe(decl.readOnlyRoot ? 'readonly' : 'writable');
  expect(s.tmpwrite!.trim()).toBe('writable');
  expect(s.project!.trim()).toBe('present');
  // no network: only loopback (if any) in /proc/net/dev
  const ifaces = s.net!.split('\n').slice(2).map((l) => l.split(':')[0]!.trim()).filter(Boolean);
  expect(ifaces.filter((i) => i !== 'lo'), 'network interfaces other than lo').toEqual([]);
  if (ex.node ?? true) expect(s.node!.trim()).toBe(process.version);
  return s;
}

// Harmless raw syscalls from perl: clone3(NULL, 0) fails EINVAL natively; unshare(0) is a no-op.
const SYSCALL_PROBE = [
  'sh', '-c',
  `perl -e 'syscall(${X86_64_SYSCALLS.clone3}, 0, 0); print "clone3 ", $!+0, "\\n"; ` +
  `my $r = syscall(${X86_64_SYSCALLS.unshare}, 0); print "unshare ", ($r == 0 ? 0 : $!+0), "\\n"'`,
];

describe('availability', () => {
  it('names every runtime and, for those that cannot start, a reason', () => {
    for (const [rt, a] of availability) {
      if (!a.ok) expect(a.reason, rt).toMatch(/\S/);
      console.log(`${rt}: ${a.ok ? `ok (test start ${a.probeMs} ms)` : `CANNOT START: ${a.reason}`}`);
    }
    expect([...availability.keys()].sort()).toEqual(['bwrap', 'crun', 'lxc', 'nspawn', 'runc', 'runsc', 'runsc-2024', 'unshare']);
  });
});

describe('docker-seccomp conversion', () => {
  const kernel = release();
  it('keeps the x86_64 arch map and ENOSYS for clone3 without CAP_SYS_ADMIN', () => {
    const p = dockerDefaultOci({ arch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernel });
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const blocked = blockedSyscalls(p);
    expect(blocked.get('clone3')).toEqual({ action: 'SCMP_ACT_ERRNO', errno: ENOSYS, conditional: false });
    expect(blocked.get('mount')?.errno).toBe(EPERM);
    expect(blocked.get('reboot')?.errno).toBe(EPERM);
    expect(blocked.has('getpid')).toBe(false);
    expect(blocked.has('ptrace')).toBe(false); // minKernel 4.8 <= this kernel
    expect(blocked.has('personality')).toBe(false); // allowed for some arguments only
    expect(syscallVerdicts(p).get('personality')?.conditional).toBe(true);
    expect(blocked.has('arch_prctl')).toBe(false); // amd64 only
    expect(p.syscalls!.some((r) => r.names.includes('sync_file_range2'))).toBe(false); // ppc/arm only
  });
  it('follows capabilities and the kernel version', () => {
    const admin = dockerToOci(loadDockerProfile(), { caps: [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'], kernel });
    expect(blockedSyscalls(admin).has('clone3')).toBe(false);
    expect(blockedSyscalls(admin).has('mount')).toBe(false);
    const old = dockerToOci(loadDockerProfile(), { kernel: '4.4.0' });
    expect(blockedSyscalls(old).has('ptrace')).toBe(true);
    const all = dockerToOci(loadDockerProfile(), { caps: hostBoundingCaps(), kernel });
    expect(blockedSyscalls(all).has('reboot')).toBe(false);
  });
  it('writes custom profiles', () => {
    const kt = killAndTrapProfile({ kill: ['getppid'], trap: ['getpgrp'] });
    expect(kt.defaultAction).toBe('SCMP_ACT_ALLOW');
    expect(blockedSyscalls(kt).get('getppid')?.action).toBe('SCMP_ACT_KILL_PROCESS');
    expect(blockedSyscalls(kt).get('getpgrp')?.action).toBe('SCMP_ACT_TRAP');
    const en = withDefaultEnosys(dockerDefaultOci({ kernel }));
    expect(blockedSyscalls(en).get('kexec_load')?.errno).toBe(ENOSYS);
    expect(blockedSyscalls(en).get('clone3')?.errno).toBe(ENOSYS);
  });
});

describe('runc', () => {
  itIn('runc', 'locked down: uid 20000, no caps, no seccomp, read-only root, no_new_privs', async () => {
    await runAndCheck(baseCase('runc', PROBE, { name: 'runc-locked' }), { seccomp: 0 });
  });
  itIn('runc', "Docker's default seccomp profile and capability set, as root, writable root", async () => {
    const decl = baseCase('runc', PROBE, {
      name: 'runc-docker-default', uid: 0, gid: 0, caps: [...DOCKER_DEFAULT_CAPS], seccomp: 'docker-default',
      readOnlyRoot: false, noNewPrivileges: false,
    });
    await runAndCheck(decl, { seccomp: 2 });
    // The profile's verdicts, computed from the profile file, hold for real.
    const blocked = blockedSyscalls(dockerDefaultOci({ caps: resolveCaps(decl) }));
    const r = await runInRuntime({ ...decl, command: SYSCALL_PROBE });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain(`clone3 ${blocked.get('clone3')!.errno}`);
    expect(r.stdout).toContain(`unshare ${blocked.get('unshare')!.errno}`);
  });
  itIn('runc', 'without seccomp the same calls are not blocked', async () => {
    const r = await runInRuntime(baseCase('runc', SYSCALL_PROBE, { name: 'runc-noseccomp-syscalls' }));
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain('clone3 22'); // EINVAL: the kernel saw it
    expect(r.stdout).toMatch(/unshare (0|1)\n/); // 0 as root; EPERM only from missing caps, never ENOSYS
  });
  itIn('runc', 'root with every capability the host allows', async () => {
    await runAndCheck(
      baseCase('runc', PROBE, { name: 'runc-all-host', uid: 0, gid: 0, caps: 'all-host', readOnlyRoot: false, noNewPrivileges: false }),
      { seccomp: 0 },
    );
  });
  itIn('runc', 'a profile that kills on one call and traps on another: SIGSYS both times', async () => {
    // Calls neither sh nor perl make by themselves (dash calls getppid at start-up).
    const oci = killAndTrapProfile({ kill: ['getpriority'], trap: ['sched_getscheduler'] });
    const cmd = ['sh', '-c', `perl -e 'syscall(${X86_64_SYSCALLS.getpriority}, 0, 0)'; echo kill=$?; perl -e 'syscall(${X86_64_SYSCALLS.sched_getscheduler}, 0)'; echo trap=$?; echo alive`];
    const r = await runInRuntime(baseCase('runc', cmd, { name: 'runc-kill-trap', seccomp: { oci } }));
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain('kill=159'); // 128 + SIGSYS
    expect(r.stdout).toContain('trap=159');
    expect(r.stdout).toContain('alive');
    const direct = await runInRuntime(baseCase('runc', ['perl', '-e', `syscall(${X86_64_SYSCALLS.getpriority}, 0, 0)`], { name: 'runc-kill-direct', seccomp: { oci } }));
    expect(direct.signal, explain(direct)).toBe('SIGSYS');
  });
  itIn('runc', 'hostile layout: noexec /tmp and /dev/shm, hidepid=2 under a root PID 1, no /sys', async () => {
    const cmd = ['sh', '-c', 'grep -E " /tmp | /dev/shm | /proc | /sys " /proc/self/mountinfo; echo "## proc1"; if ls /proc/1/ >/dev/null 2>&1; then echo visible; else echo hidden; fi; grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs):" /proc/self/status'];
    const r = await runInRuntime(baseCase('runc', cmd, {
      name: 'runc-hostile', noexecTmp: true, procOptions: ['hidepid=2'], noSys: true, rootInit: true,
    }));
    expect(r.code, explain(r)).toBe(0);
    const lines = r.stdout.split('\n');
    const mountOf = (mp: string): string[] | undefined => lines.find((l) => l.split(' ')[4] === mp)?.split(' ');
    expect(mountOf('/tmp')?.[5]).toContain('noexec');
    expect(mountOf('/dev/shm')?.[5]).toContain('noexec');
    expect(mountOf('/proc')?.slice(-1)[0]).toMatch(/hidepid=(2|invisible)/);
    expect(mountOf('/sys')).toBeUndefined();
    expect(r.stdout).toMatch(/## proc1\nhidden\n/);
    expect(r.stdout).toMatch(/^Uid:\s+20000\s+20000\s+20000\s+20000$/m);
    expect(r.stdout).toMatch(/^CapEff:\s+0{16}$/m);
    expect(r.stdout).toMatch(/^CapBnd:\s+0{16}$/m);
    expect(r.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
  });
});

describe('crun (hybrid cgroups: private mount namespace without the cgroup2 hierarchy)', () => {
  itIn('crun', 'locked down, no seccomp', async () => {
    await runAndCheck(baseCase('crun', PROBE, { name: 'crun-locked' }), { seccomp: 0 });
  });
  itIn('crun', "Docker's default seccomp profile", async () => {
    const decl = baseCase('crun', PROBE, { name: 'crun-docker-default', seccomp: 'docker-default' });
    await runAndCheck(decl, { seccomp: 2 });
    const r = await runInRuntime({ ...decl, command: SYSCALL_PROBE });
    expect(r.stdout, explain(r)).toContain(`clone3 ${ENOSYS}`);
    expect(r.stdout).toContain(`unshare ${EPERM}`);
  });
});

describe('runsc (gVisor, ptrace platform, --network=none)', () => {
  itIn('runsc', 'locked down: the bundle seccomp section is ignored without --oci-seccomp', async () => {
    const s = await runAndCheck(
      baseCase('runsc', PROBE, { name: 'runsc-plain', seccomp: 'docker-default' }),
      { seccomp: 0, noNewPrivsLine: false },
    );
    expect(s.uname!.trim()).toBe('4.4.0'); // gVisor's own kernel version
  }, 180_000);
  itIn('runsc', 'with --oci-seccomp the profile applies (Node cannot start there: runsc returns EPERM for clone3)', async () => {
    const s = await runAndCheck(
      baseCase('runsc', PROBE, { name: 'runsc-oci-seccomp', seccomp: 'docker-default', runscFlags: ['--oci-seccomp'] }),
      { seccomp: 2, noNewPrivsLine: false, node: false },
    );
    expect(s.uname!.trim()).toBe('4.4.0');
  }, 180_000);
});

describe('bubblewrap (run as nobody)', () => {
  itIn('bwrap', 'uid 20000, no caps, read-only root, no_new_privs', async () => {
    await runAndCheck(baseCase('bwrap', PROBE, { name: 'bwrap-locked' }), { seccomp: 0 });
  });
});

describe('unshare (user + pid + mount + ipc + uts + net, as nobody)', () => {
  itIn('unshare', 'namespace root with every capability the host allows', async () => {
    const s = await runAndCheck(
      baseCase('unshare', PROBE, { name: 'unshare-root', uid: 0, gid: 0, caps: 'all-host', noNewPrivileges: false }),
      { seccomp: 0 },
    );
    expect(statusField(s.status!, 'PPid')).toBe('1'); // cat's parent is the namespace's PID 1
  });
  itIn('unshare', 'uid 20000 in a nested user namespace, no caps', async () => {
    await runAndCheck(baseCase('unshare', PROBE, { name: 'unshare-user' }), { seccomp: 0 });
  });
});

describe('systemd-nspawn', () => {
  itIn('nspawn', 'uid 20000, its own seccomp filter', async () => {
    await runAndCheck(baseCase('nspawn', PROBE, { name: 'nspawn-default', seccomp: 'runtime-default' }), { seccomp: 2 });
  });
  itIn('nspawn', 'root with its default-like caps, no seccomp (SYSTEMD_SECCOMP=0), writable root', async () => {
    await runAndCheck(
      baseCase('nspawn', PROBE, {
        name: 'nspawn-root', uid: 0, gid: 0, caps: ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN'], seccomp: 'none',
        readOnlyRoot: false, noNewPrivileges: false,
      }),
      { seccomp: 0 },
    );
  });
});

describe('LXC', () => {
  itIn('lxc', 'root with every capability the host allows and its common.seccomp', async () => {
    await runAndCheck(
      baseCase('lxc', PROBE, { name: 'lxc-root', uid: 0, gid: 0, caps: 'all-host', seccomp: 'runtime-default', readOnlyRoot: false, noNewPrivileges: false }),
      { seccomp: 2 },
    );
  });
  itIn('lxc', 'uid 20000, no caps, no seccomp, read-only root', async () => {
    await runAndCheck(baseCase('lxc', PROBE, { name: 'lxc-locked' }), { seccomp: 0 });
  });
});
