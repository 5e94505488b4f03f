import { describe, expect, it } from 'vitest';
import { ADDRESS_SPACE, FRESH_CHILD, MEMORY_UNTOUCHED, buildSyscallPlan, goodErrnos, memoryOf, probeVerb, sysLine, timingLine } from '../../src/probes/syscalls/plan.js';
import { CAPABILITY_BITS, type CapName, rowsForArch } from '../../src/probes/syscalls/table.js';

const caps = (...names: CapName[]) => names.reduce((acc, n) => acc | (1n << BigInt(CAPABILITY_BITS[n])), 0n);
const ALL = (1n << 41n) - 1n;
const base = { arch: 'x86_64' as const, kernelRelease: '6.18.44-fc-v669', inInitUserNs: true };

describe('syscall plan', () => {
  it('renders helper lines with six arguments', () => {
    expect(sysLine('kill', 62, ['pid', 1000])).toBe('sys kill 62 pid 1000 0 0 0 0');
    expect(sysLine('x', 1, [-1, '0xFFFF'])).toBe('sys x 1 -1 0xffff 0 0 0 0');
    expect(timingLine('x86_64')).toMatch(/^timing 39 \d+$/);
    expect(timingLine('aarch64')).toMatch(/^timing 172 /);
  });

  it('starts with the per-probe timeout', () => {
    const plan = buildSyscallPlan({ ...base, effectiveCaps: 0n, probeTimeoutMs: 250 });
    expect(plan.lines[0]).toBe('timeout_ms 250');
  });

  it('skips the side-effect calls while the capability is held', () => {
    const plan = buildSyscallPlan({ ...base, effectiveCaps: ALL });
    const skipped = new Map(plan.notProbed.map((n) => [n.row.name, n.reason]));
    for (const name of ['sethostname', 'setdomainname', 'acct', 'kexec_load', 'kexec_file_load', 'reboot', 'swapon', 'swapoff', 'init_module', 'finit_module', 'delete_module', 'settimeofday', 'vhangup'])
      expect(skipped.get(name), name).toMatch(/holds CAP_/);
    expect(plan.lines.some((l) => / (sethostname|acct|reboot|vhangup) /.test(l))).toBe(false);
  });

  it('probes them when the capability is absent (they fail on the capability check)', () => {
    const plan = buildSyscallPlan({ ...base, effectiveCaps: caps('CAP_CHOWN', 'CAP_SETUID') });
    const probed = plan.probes.map((p) => p.id);
    expect(probed).toEqual(expect.arrayContaining(['sethostname', 'acct', 'reboot', 'vhangup', 'kexec_load']));
  });

  it('skips them all when the capability set is unknown', () => {
    const plan = buildSyscallPlan({ ...base, effectiveCaps: null });
    expect(plan.notProbed.find((n) => n.row.name === 'sethostname')?.reason).toMatch(/unknown/);
  });

  it('never plans the never rows, and plans only numbers of the arch', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const plan = buildSyscallPlan({ ...base, arch, effectiveCaps: 0n });
      expect(plan.lines.some((l) => /^sys[bqv]? (exit|exit_group|rt_sigreturn|vfork|fork|pause|sync|syncfs) /.test(l))).toBe(false);
      expect(plan.probes.every((p) => p.nr === p.row.nr[arch])).toBe(true);
      expect(new Set(plan.probes.map((p) => p.id)).size).toBe(plan.probes.length);
    }
  });

  it('sends every batched probe before the fresh-child ones, so the batch runs in as few children as it can', () => {
    const plan = buildSyscallPlan({ ...base, effectiveCaps: 0n });
    const verbs = plan.lines.slice(1).map((l) => l.split(' ')[0]);
    const firstFresh = verbs.findIndex((v) => v === 'sys' || v === 'sysv' || v === 'sysc');
    expect(firstFresh).toBeGreaterThan(200);
    expect(verbs.slice(firstFresh).every((v) => v === 'sys' || v === 'sysv' || v === 'sysc')).toBe(true);
    // the checked run comes first, whole, so it goes through as few children as it can
    const lastChecked = verbs.lastIndexOf('sysc');
    expect(verbs.slice(firstFresh, lastChecked + 1).every((v) => v === 'sysc')).toBe(true);
    expect(new Set(plan.lines.slice(1).map((l) => l.split(' ')[1]))).toEqual(new Set(plan.probes.map((p) => p.id)));
  });

  it('gives every fresh-child call a child that shares the helper memory (sysv, or a checked run: sysc) once its arguments are vetted; an unvetted call on memory or one that makes a process would be forked (sys)', () => {
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const fresh = rowsForArch(arch).filter((r) => r.args && r.expect && ['sys', 'sysv', 'sysc'].includes(probeVerb(r)));
      expect(fresh.length).toBeGreaterThan(80);
      // every call on the address space, and every one that makes a process, is vetted with its reason
      for (const r of fresh.filter((x) => FRESH_CHILD[x.call ?? x.name] === ADDRESS_SPACE || ['clone', 'clone3'].includes(x.call ?? x.name)))
        expect(MEMORY_UNTOUCHED[r.call ?? r.name], r.name).toMatch(/\w/);
      expect(fresh.filter((r) => probeVerb(r) === 'sys').map((r) => r.name)).toEqual([]);
    }
    // the guard for a row added later without its reason
    expect(memoryOf('fork')).toMatch(/makes a process/);
    expect(memoryOf('vfork')).toMatch(/makes a process/);
    expect(memoryOf('clone')).toBeNull();
    // credentials, namespaces, root, personality and signal state go in a checked run, which a
    // child leaves after any answer but a good errno (a refusal, or the failure an allowed call gives)
    const verb = (name: string) => probeVerb(rowsForArch('x86_64').find((r) => r.name === name)!);
    for (const name of ['setuid', 'capset', 'chroot', 'rt_sigaction', 'kill', 'setrlimit', 'seccomp', 'prctl', 'setns', 'mmap', 'clone', 'clone.newns', 'clone3'])
      expect(verb(name), name).toBe('sysc');
    // one that succeeds or signals when allowed keeps a fresh child of its own, unless its success
    // changes nothing (HARMLESS_SUCCESS, each with why): then its checked run goes on after it
    for (const name of ['uretprobe', 'umask', 'setsid', 'set_tid_address', 'eventfd', 'inotify_init']) expect(verb(name), name).toBe('sysv');
    for (const name of ['unshare', 'personality', 'brk', 'setresuid']) expect(verb(name), name).toBe('sysc');
    const line = buildSyscallPlan({ ...base, effectiveCaps: 0n }).lines.find((l) => l.startsWith('sysc brk '));
    expect(line).toMatch(/,ok$/);
    const close = rowsForArch('x86_64').find((r) => r.name === 'close')!;
    expect(goodErrnos(close).sort((a, b) => a - b)).toEqual([1, 9, 13, 38]); // EPERM EBADF EACCES ENOSYS
  });
});
