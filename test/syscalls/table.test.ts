import { describe, expect, it } from 'vitest';
import { ARCHES, CAPABILITY_BITS, SYSCALL_TABLE, errnoNumber, parseKernelVersion, rowsForArch } from '../../src/probes/syscalls/table.js';

const x86Numbers = SYSCALL_TABLE.filter((r) => !r.call && r.nr.x86_64 !== null && r.nr.x86_64 < 1000).map((r) => r.nr.x86_64 as number);

describe('syscall table integrity', () => {
  it('has unique names', () => {
    const names = SYSCALL_TABLE.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has unique numbers per arch (argument variants share their call number)', () => {
    for (const arch of ARCHES) {
      const nrs = SYSCALL_TABLE.filter((r) => !r.call).map((r) => r.nr[arch]).filter((n) => n !== null);
      expect(new Set(nrs).size, arch).toBe(nrs.length);
    }
  });

  it('covers every x86_64 number 0..336 and 424..max; 337..423 is the reserved gap', () => {
    const max = Math.max(...x86Numbers);
    expect(max).toBeGreaterThanOrEqual(462);
    for (let nr = 0; nr <= max; nr++) {
      const reserved = nr >= 337 && nr <= 423;
      expect(x86Numbers.includes(nr), `x86_64 ${nr}`).toBe(!reserved);
    }
  });

  it('gives aarch64 numbers for the common calls and none for the x86-only ones', () => {
    const nr = (name: string) => SYSCALL_TABLE.find((r) => r.name === name)?.nr.aarch64;
    expect(nr('read')).toBe(63);
    expect(nr('getpid')).toBe(172);
    expect(nr('clone3')).toBe(435);
    expect(nr('open')).toBeNull();
    expect(nr('arch_prctl')).toBeNull();
    expect(rowsForArch('aarch64').length).toBeGreaterThan(300);
  });

  it('gives every row arguments and an expectation, or a never reason', () => {
    for (const row of SYSCALL_TABLE) {
      if (row.never) {
        expect(row.args, row.name).toBeUndefined();
        continue;
      }
      expect(row.args, row.name).toBeDefined();
      expect(row.args!.length, row.name).toBeLessThanOrEqual(6);
      const e = row.expect!;
      expect(e.errno?.length || e.ret !== undefined || e.retNonNegative || e.signal, row.name).toBeTruthy();
      for (const name of e.errno ?? []) expect(errnoNumber(name), `${row.name} ${name}`).toBeDefined();
      expect(parseKernelVersion(row.since), row.name).not.toBeNull();
    }
  });

  it('never calls the calls that cannot be made harmless', () => {
    const never = SYSCALL_TABLE.filter((r) => r.never).map((r) => r.name).sort();
    for (const name of ['exit', 'exit_group', 'rt_sigreturn', 'vfork', 'fork', 'pause', 'rt_sigsuspend', 'sync', 'syncfs'])
      expect(never).toContain(name);
  });

  it('carries the capability of every call with a side effect under it', () => {
    const cap = (name: string) => SYSCALL_TABLE.find((r) => r.name === name)?.sideEffectCap;
    expect(cap('sethostname')).toBe('CAP_SYS_ADMIN');
    expect(cap('setdomainname')).toBe('CAP_SYS_ADMIN');
    expect(cap('acct')).toBe('CAP_SYS_PACCT');
    expect(cap('kexec_load')).toBe('CAP_SYS_BOOT');
    expect(cap('kexec_file_load')).toBe('CAP_SYS_BOOT');
    expect(cap('reboot')).toBe('CAP_SYS_BOOT');
    expect(cap('swapon')).toBe('CAP_SYS_ADMIN');
    expect(cap('swapoff')).toBe('CAP_SYS_ADMIN');
    expect(cap('init_module')).toBe('CAP_SYS_MODULE');
    expect(cap('finit_module')).toBe('CAP_SYS_MODULE');
    expect(cap('delete_module')).toBe('CAP_SYS_MODULE');
    expect(cap('settimeofday')).toBe('CAP_SYS_TIME');
    expect(cap('clock_settime')).toBe('CAP_SYS_TIME');
    expect(cap('vhangup')).toBe('CAP_SYS_TTY_CONFIG');
    for (const row of SYSCALL_TABLE) if (row.sideEffectCap) expect(CAPABILITY_BITS[row.sideEffectCap], row.name).toBeDefined();
  });

  it('keeps fds, pids and SysV keys harmless in every row', () => {
    const fdFirst = ['read', 'write', 'close', 'fchmod', 'fchown', 'dup', 'dup2', 'dup3', 'ioctl', 'fcntl', 'fsync', 'ftruncate', 'fchdir', 'setns'];
    for (const name of fdFirst) {
      const arg0 = SYSCALL_TABLE.find((r) => r.name === name)!.args![0];
      expect(arg0, name).toBe(-1);
    }
    for (const name of ['kill', 'tkill', 'tgkill']) {
      const row = SYSCALL_TABLE.find((r) => r.name === name)!;
      expect(row.args![0], name).toBe('pid');
      expect(row.args!.at(-1) === 1000 || row.args![1] === 1000 || row.args![2] === 1000, name).toBe(true);
    }
    for (const name of ['shmget', 'semget', 'msgget']) {
      const row = SYSCALL_TABLE.find((r) => r.name === name)!;
      const flags = name === 'semget' ? row.args![2] : name === 'shmget' ? row.args![2] : row.args![1];
      expect(Number(flags) & 0o1000, `${name} must never pass IPC_CREAT`).toBe(0);
      expect(row.args![0], `${name} must not use IPC_PRIVATE`).not.toBe(0);
    }
  });

  it('has canaries that no kernel implements', () => {
    const canaries = SYSCALL_TABLE.filter((r) => r.canary);
    expect(canaries.map((r) => r.name)).toEqual(expect.arrayContaining(['canary_1023', 'afs_syscall', 'tuxcall', 'vserver']));
    for (const c of canaries) expect(c.expect?.errno).toEqual(['ENOSYS']);
  });
});
