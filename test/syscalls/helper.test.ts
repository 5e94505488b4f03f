// The C helper, built and run for real on harmless plans.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM build script without type declarations
import { buildHelper } from '../../src/helper/build.mjs';
import { parseHelperOutput, runHelperProcess } from '../../src/readers/helper-process.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-helper-test-'));
fs.chmodSync(outDir, 0o755); // the fork-failure test runs the helper as nobody
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));
let helper = '';

function run(plan: string | Buffer, bin = helper, wrapper: string[] = []) {
  const r = spawnSync(wrapper[0] ?? bin, wrapper.length ? [...wrapper.slice(1), bin] : [], { input: plan, timeout: 20000 });
  const { lines, garbage } = parseHelperOutput(r.stdout.toString('utf8'));
  return { lines, garbage, status: r.status, signal: r.signal };
}

/** A tiny launcher that installs a seccomp filter with `rules` (BPF lines, each matching a
 *  syscall number loaded into the accumulator), allows everything else, and execs its argv. */
function filterLauncher(name: string, rules: string[]): string {
  const src = path.join(outDir, `${name}.c`);
  fs.writeFileSync(
    src,
    `#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct sock_filter f[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    ${rules.join('\n    ')}
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (argc < 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) return 99;
  execv(argv[1], argv + 1);
  return 98;
}
`,
  );
  const launcher = path.join(outDir, name);
  execFileSync('gcc', ['-O2', '-o', launcher, src]);
  return launcher;
}

beforeAll(async () => {
  const r = await buildHelper({ outDir, arch: 'x86_64' });
  if (!r.ok) throw new Error(r.error);
  helper = r.path;
}, 120000);

describe('sbx-helper', () => {
  it('runs consecutive sysb probes in shared children: a success, a kill and a hang each end one child, the next probe gets a fresh one, and the answers are the ones sys gives', () => {
    // getpid succeeds (ends its child), uretprobe (335) dies of SIGILL on this kernel, pause (34)
    // hangs until the per-probe deadline; every probe after each still answers for itself
    const probes = ['read 0 -1 0 0 0 0 0', 'getpid 39 0 0 0 0 0 0', 'write 1 -1 0 0 0 0 0', 'uretprobe 335 0 0 0 0 0 0',
      'fstat 5 -1 0xffffffffffffffff 0 0 0 0', 'pause 34 0 0 0 0 0 0', 'canary 1023 0 0 0 0 0 0', 'lseek 8 -1 0 0 0 0 0'];
    const batched = run(['timeout_ms 300', ...probes.map((p) => `sysb ${p}`), 'sys close 3 -1 0 0 0 0 0', ''].join('\n'));
    const single = run(['timeout_ms 300', ...probes.map((p) => `sys ${p}`), 'sys close 3 -1 0 0 0 0 0', ''].join('\n'));
    expect(batched.status).toBe(0);
    const strip = (l: Record<string, unknown>) => (l.id === 'getpid' ? { ...l, ret: 'pid' } : l);
    expect(batched.lines.map(strip)).toEqual(single.lines.map(strip));
    expect(batched.lines.map((l) => [l.id, l.errno ?? l.signal ?? (l.timeout ? 'timeout' : '?')])).toEqual([
      [undefined, '?'], ['read', 9], ['getpid', 0], ['write', 9], ['uretprobe', 4], ['fstat', 9], ['pause', 'timeout'], ['canary', 38], ['lseek', 9], ['close', 9],
    ]);
  });

  it('runs sysv probes in fresh children that share only the helper memory: the answers are the ones sys gives, and what a child changes stays in it', () => {
    const probes = ['read 0 -1 0 0 0 0 0', 'getpid 39 0 0 0 0 0 0', 'uretprobe 335 0 0 0 0 0 0', 'pause 34 0 0 0 0 0 0',
      'canary 1023 0 0 0 0 0 0', 'kill 62 pid 1000 0 0 0 0', 'fd0 72 0 1 0 0 0 0'];
    const shared = run(['timeout_ms 300', ...probes.map((p) => `sysv ${p}`), ''].join('\n'));
    const forked = run(['timeout_ms 300', ...probes.map((p) => `sys ${p}`), ''].join('\n'));
    expect(shared.status).toBe(0);
    const strip = (l: Record<string, unknown>) => (l.id === 'getpid' ? { ...l, ret: 'pid' } : l);
    expect(shared.lines.map(strip)).toEqual(forked.lines.map(strip));
    expect(shared.lines.map((l) => [l.id, l.errno ?? l.signal ?? (l.timeout ? 'timeout' : '?')])).toEqual([
      [undefined, '?'], ['read', 9], ['getpid', 0], ['uretprobe', 4], ['pause', 'timeout'], ['canary', 38], ['kill', 22], ['fd0', 9],
    ]);
    // a sysv child that succeeds in changing its umask, root, signal mask, descriptors and
    // credentials (this test runs as root) changes none of the helper's: the next child, and a
    // forked one, see the helper's own (umask 0o22 → 18, uid 0, fd 1 open in the helper)
    const changed = run([
      'sysv umask 95 0x1ff 0 0 0 0 0', 'sysv setuid 105 65534 0 0 0 0 0', 'sysv chroot 161 0x2f746d70 0 0 0 0 0', 'sysv close 3 1 0 0 0 0 0',
      'sys umask_after 95 0x12 0 0 0 0 0', 'sysv uid_after 102 0 0 0 0 0 0', 'sys uid_forked 102 0 0 0 0 0 0', ''].join('\n'), helper, ['sh', '-c', 'umask 022; exec "$0"']);
    const by = Object.fromEntries(changed.lines.map((l) => [l.id, l]));
    expect(by.umask).toMatchObject({ ret: 0o22, errno: 0 });
    expect(by.umask_after).toMatchObject({ ret: 0o22 });
    if (process.getuid?.() === 0) {
      expect(by.setuid).toMatchObject({ ret: 0 });
      expect(by.uid_after).toMatchObject({ ret: 0 });
      expect(by.uid_forked).toMatchObject({ ret: 0 });
    }
    expect(changed.status).toBe(0);
  });

  it('runs a sysc run in one child that shares the helper memory, going on only after a good errno: answers as sys gives them, one child for the run, and a call that changed its child ends it', () => {
    // every call fails with a good errno (EBADF 9, EINVAL 22, ENOSYS 38): one child for all, and
    // the same answers forked children give; a trap (from the filter below) is answered and the run goes on
    const probes = ['close 3 -1 0 0 0 0 0 9', 'dup 32 -1 0 0 0 0 0 9', 'canary 1023 0 0 0 0 0 0 38', 'kill 62 pid 1000 0 0 0 0 22', 'fd0 72 -1 1 0 0 0 0 9'];
    const checked = run(['timeout_ms 300', ...probes.map((p) => `sysc ${p}`), 'stats s', ''].join('\n'));
    const forked = run(['timeout_ms 300', ...probes.map((p) => `sys ${p.split(' ').slice(0, -1).join(' ')}`), ''].join('\n'));
    expect(checked.status).toBe(0);
    expect(checked.lines.filter((l) => l.req === 'sys')).toEqual(forked.lines.filter((l) => l.req === 'sys'));
    expect(checked.lines.at(-1)).toMatchObject({ req: 'stats', forked: 0, shared: 1 });
    // umask succeeds (not a good errno): its child ends, and the next probe's fresh child sees the
    // helper's umask (0o22 → 18), not the 0o777 the first set; a success ends the run's child each time
    const changed = run(['sysc umask 95 0x1ff 0 0 0 0 0 22', 'sysc umask_after 95 0x12 0 0 0 0 0 22', 'sysc close_after 3 -1 0 0 0 0 0 9', 'stats s', ''].join('\n'), helper, ['sh', '-c', 'umask 022; exec "$0"']);
    const by = Object.fromEntries(changed.lines.map((l) => [l.id, l]));
    expect(by.umask).toMatchObject({ ret: 0o22, errno: 0 });
    expect(by.umask_after).toMatchObject({ ret: 0o22, errno: 0 });
    expect(by.close_after).toMatchObject({ ret: -1, errno: 9 });
    expect(by.s).toMatchObject({ forked: 0, shared: 3 });
    // `ok`: a call whose success changes nothing (brk(0)) lets the run go on in the same child
    const ok = run(['sysc brk 12 0 0 0 0 0 0 9,ok', 'sysc close 3 -1 0 0 0 0 0 9', 'stats s', ''].join('\n'));
    expect(ok.lines.find((l) => l.id === 'brk')).toMatchObject({ errno: 0 });
    expect(ok.lines.find((l) => l.id === 's')).toMatchObject({ forked: 0, shared: 1 });
    // a trap answers its probe and the run goes on in the same child; a kill ends it, the next probe gets another
    const launcher = filterLauncher('sysc-filter', [
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),',
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgrp, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),',
    ]);
    const filtered = run(['timeout_ms 300', 'sysc a 3 -1 0 0 0 0 0 9', 'sysc trap 110 0 0 0 0 0 0 9', 'sysc b 3 -1 0 0 0 0 0 9', 'sysc kill 111 0 0 0 0 0 0 9', 'sysc c 3 -1 0 0 0 0 0 9', 'stats s', ''].join('\n'), helper, [launcher]);
    const f = Object.fromEntries(filtered.lines.map((l) => [l.id, l]));
    expect(f.trap).toMatchObject({ signal: 31, trapped: true });
    expect(f.b).toMatchObject({ ret: -1, errno: 9 });
    expect(f.kill).toMatchObject({ signal: 31, trapped: false });
    expect(f.c).toMatchObject({ ret: -1, errno: 9 });
    expect(f.s).toMatchObject({ forked: 0, shared: 2 });
    // a malformed errno list is refused with the line
    expect(run('sysc x 3 -1 0 0 0 0 0 nine\n').lines[0]).toMatchObject({ req: 'error' });
  });

  it('keeps a run child and the helper of one mind about where the run stopped: a trap in a forked run (CLONE_VM refused) goes on, a failed getpid ends a checked child, and the next probe gets its own answer', () => {
    // CLONE_VM refused (as qemu-user and some filters do): the checked run is forked, and its trap
    // must resume the run, not end the child and cost the next probe its answer
    const noCloneVm = filterLauncher('trap-no-clone-vm', [
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),',
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3),',
      'BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),',
      'BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x100 /* CLONE_VM */, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),',
    ]);
    const forked = run(['timeout_ms 300', 'sysc trap 110 0 0 0 0 0 0 9', 'sysc after 3 -1 0 0 0 0 0 9', 'sysb btrap 110 0 0 0 0 0 0', 'sysb bafter 3 -1 0 0 0 0 0', 'stats s', ''].join('\n'), helper, [noCloneVm]);
    const f = Object.fromEntries(forked.lines.map((l) => [l.id, l]));
    expect(f.trap).toMatchObject({ signal: 31, trapped: true });
    expect(f.after).toMatchObject({ ret: -1, errno: 9 });
    expect(f.btrap).toMatchObject({ signal: 31, trapped: true });
    expect(f.bafter).toMatchObject({ ret: -1, errno: 9 });
    expect(f.s).toMatchObject({ shared: 0, forked: 2 }); // one child for each run: the traps went on
    // getpid refused: a `pid` probe makes no call and says so; a checked child stops there (nothing
    // it was told to expect), a batch child goes on (nothing changed); the next probe is answered
    const noGetpid = filterLauncher('getpid-eperm', ['BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpid, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),']);
    const refused = run(['timeout_ms 300', 'sysc k1 62 pid 0 0 0 0 0 1,3,38', 'sysc k2 3 -1 0 0 0 0 0 9', 'sysb j1 62 pid 0 0 0 0 0', 'sysb j2 3 -1 0 0 0 0 0', ''].join('\n'), helper, [noGetpid]);
    const g = Object.fromEntries(refused.lines.map((l) => [l.id, l]));
    expect(g.k1).toMatchObject({ pid_errno: 1 });
    expect(g.k2).toMatchObject({ ret: -1, errno: 9 });
    expect(g.j1).toMatchObject({ pid_errno: 1 });
    expect(g.j2).toMatchObject({ ret: -1, errno: 9 });
  });

  it('as the launcher (named sbx-detect): a filter that kills clone3 gets one line and exit 6, and no core file even where cores are on; a copy named sbx-detect will not exec itself', () => {
    const dir = fs.mkdtempSync(path.join(outDir, 'launcher-'));
    const link = path.join(dir, 'sbx-detect');
    fs.symlinkSync(helper, link);
    const killClone3 = filterLauncher('kill-clone3', ['BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 435, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),']);
    // core_pattern is "core" here: a dump would land in the working directory
    const killed = spawnSync('sh', ['-c', 'ulimit -c unlimited; exec "$0" "$1"', killClone3, link], { cwd: dir, encoding: 'utf8', timeout: 20000 });
    expect(killed.status).toBe(6);
    expect(killed.stderr).toMatch(/^sbx-detect: Node\.js cannot start here: a seccomp filter kills a process that calls clone3 \(signal 31\).*--via/);
    expect(fs.readdirSync(dir)).toEqual(['sbx-detect']);
    // a copy (cp -L of the link) is itself the file named sbx-detect beside nothing: it says so
    fs.rmSync(link);
    fs.copyFileSync(helper, link);
    fs.chmodSync(link, 0o755);
    const copy = spawnSync(link, [], { cwd: dir, encoding: 'utf8', timeout: 5000, env: { PATH: process.env.PATH } });
    expect(copy.status).toBe(6);
    expect(copy.stderr).toMatch(/this is the launcher .*not a link to it/);
  });

  it('runs several children at once and still answers in request order: fresh, batched, hanging, dying, malformed lines mixed', () => {
    const lines = ['timeout_ms 300', 'cpuid 0'];
    for (let i = 0; i < 6; i++) {
      lines.push(`sysb b${i}a 0 -1 0 0 0 0 0`, `sysv v${i} 1023 0 0 0 0 0 0`, `sysb b${i}g 39 0 0 0 0 0 0`, `sys f${i} 5 -1 0 0 0 0 0`);
      if (i === 2) lines.push('sysv hang 34 0 0 0 0 0 0', 'sysb hangb 34 0 0 0 0 0 0', 'sysb after 8 -1 0 0 0 0 0', 'sys bad! 1 0 0 0 0 0 0', 'mmap 0x60000');
      if (i === 4) lines.push('sysv ill 335 0 0 0 0 0 0', 'sysq q 39 0 0 0 0 0 0');
    }
    const r = run([...lines, ''].join('\n'));
    expect(r.status).toBe(0);
    expect(r.garbage).toEqual([]);
    const want = lines.slice(1).map((l) => (l.includes('bad!') ? 'error' : l.startsWith('cpuid') ? 'cpuid' : l.startsWith('mmap') ? 'mmap' : l.split(' ')[1]));
    expect(r.lines.slice(1).map((l) => (l.req === 'sys' ? l.id : l.req))).toEqual(want);
    const by = Object.fromEntries(r.lines.filter((l) => l.req === 'sys').map((l) => [l.id, l]));
    for (let i = 0; i < 6; i++) {
      expect(by[`b${i}a`]).toMatchObject({ ret: -1, errno: 9 });
      expect(by[`v${i}`]).toMatchObject({ ret: -1, errno: 38 });
      expect(by[`b${i}g`]).toMatchObject({ errno: 0 });
      expect(by[`f${i}`]).toMatchObject({ ret: -1, errno: 9 });
    }
    expect(by.hang).toMatchObject({ timeout: true });
    expect(by.hangb).toMatchObject({ timeout: true });
    expect(by.after).toMatchObject({ ret: -1, errno: 9 });
    expect(by.ill).toMatchObject({ signal: 4 });
    expect(by.q).toMatchObject({ errno: 0 });
  });

  it('starts a sysv child with clone(CLONE_VM) and a sys child with a fork (strace)', () => {
    const strace = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim();
    expect(strace, 'strace (scripts/setup-runtimes.sh installs it)').not.toBe('');
    const clones = (verb: string) => {
      const r = spawnSync(strace, ['-f', '-e', 'trace=fork,vfork,clone,clone3', helper], { input: `${verb} a 39 0 0 0 0 0 0\n${verb} b 39 0 0 0 0 0 0\n`, encoding: 'utf8' });
      return r.stderr.split('\n').filter((l) => /\b(clone|fork|clone3)\(/.test(l));
    };
    const shared = clones('sysv'), forked = clones('sys');
    expect(shared.length).toBe(2);
    expect(shared.every((l) => /CLONE_VM/.test(l))).toBe(true);
    expect(forked.length).toBe(2);
    expect(forked.some((l) => /CLONE_VM/.test(l))).toBe(false);
  });

  it('forks far fewer children for a batch (counted by strace)', () => {
    const strace = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim();
    expect(strace, 'strace (scripts/setup-runtimes.sh installs it)').not.toBe('');
    const plan = (verb: string) => ['timeout_ms 300', ...Array.from({ length: 50 }, (_, i) => `${verb} r${i} 0 -1 0 0 0 0 0`), ''].join('\n');
    const forks = (verb: string) => {
      const r = spawnSync(strace, ['-f', '-c', '-e', 'trace=fork,vfork,clone,clone3', helper], { input: plan(verb), encoding: 'utf8' });
      return r.stderr.split('\n').filter((l) => /\b(clone|fork|clone3)\b/.test(l)).map((l) => Number(l.trim().split(/\s+/)[3])).reduce((a, b) => a + b, 0);
    };
    expect(forks('sysb')).toBe(1);
    expect(forks('sys')).toBe(50);
    // getpid succeeds: as sysb each success ends its child, as sysq (a query) it does not
    const getpids = (verb: string) => ['timeout_ms 300', ...Array.from({ length: 10 }, (_, i) => `${verb} g${i} 39 0 0 0 0 0 0`), ''].join('\n');
    const count = (input: string) => {
      const r = spawnSync(strace, ['-f', '-c', '-e', 'trace=fork,vfork,clone,clone3', helper], { input, encoding: 'utf8' });
      return r.stderr.split('\n').filter((l) => /\b(clone|fork|clone3)\b/.test(l)).map((l) => Number(l.trim().split(/\s+/)[3])).reduce((a, b) => a + b, 0);
    };
    expect(count(getpids('sysb'))).toBe(10);
    expect(count(getpids('sysq'))).toBe(1);
  });

  it('runs a harmless plan in forked children and answers one JSON line per request', () => {
    const { lines, garbage, status } = run(
      ['timeout_ms 2000', 'sys getpid 39 0 0 0 0 0 0', 'sys close 3 -1 0 0 0 0 0', 'sys kill 62 pid 1000 0 0 0 0', 'sys canary 1023 0 0 0 0 0 0', 'cpuid 0', 'cpuid 0x40000000', 'syslog 64', 'mmap 0x60000', 'timing 39 1000', ''].join('\n'),
    );
    expect(status).toBe(0);
    expect(garbage).toEqual([]);
    const [t, getpid, close, kill, canary, cpuid0, hv, syslog, mmap, timing] = lines;
    expect(t).toEqual({ req: 'timeout_ms', value: 2000 });
    expect(getpid).toMatchObject({ req: 'sys', id: 'getpid', nr: 39, errno: 0 });
    expect(getpid.ret).not.toBe(process.pid);
    expect(close).toMatchObject({ id: 'close', ret: -1, errno: 9 });
    expect(kill).toMatchObject({ id: 'kill', ret: -1, errno: 22 });
    expect(canary).toMatchObject({ ret: -1, errno: 38 });
    expect(cpuid0).toMatchObject({ req: 'cpuid', leaf: 0 });
    expect(typeof cpuid0.vendor_hex).toBe('string');
    expect(hv).toMatchObject({ req: 'cpuid', leaf: 0x40000000 });
    expect(syslog.req).toBe('syslog');
    expect(syslog.size_ret === -1 ? typeof syslog.size_errno : typeof syslog.size_ret).toBe('number');
    expect(mmap).toMatchObject({ req: 'mmap', addr: '0x60000' });
    expect(timing).toMatchObject({ req: 'timing', nr: 39, errno: 0 });
    expect(timing.median_ns as number).toBeGreaterThan(0);
  });

  it('gives the probe child no descriptor at all (fd 0 is closed, not /dev/null), forked, sharing memory or batched', () => {
    const devnull = fs.statSync('/dev/null');
    // fcntl(FD, F_GETFD) in the child: EBADF means the descriptor is closed
    const fds = [0, 1, 2, 3, 4, 5, 6];
    const { lines } = run([...['sys', 'sysv', 'sysb'].flatMap((v) => fds.map((fd) => `${v} fd${fd} 72 ${fd} 1 0 0 0 0`)), ''].join('\n'));
    expect(lines.length).toBe(3 * fds.length);
    for (const l of lines) expect(l).toMatchObject({ ret: -1, errno: 9 });
    const after = fs.statSync('/dev/null');
    expect(after.mode).toBe(devnull.mode);
    expect(after.ctimeMs).toBe(devnull.ctimeMs);
  });

  it('kills a child that overruns its timeout, and reports the signal of a child that dies', () => {
    const { lines } = run(['timeout_ms 100', 'sys pause 34 0 0 0 0 0 0', 'sys illegal 62 pid 4 0 0 0 0', ''].join('\n'));
    expect(lines[1]).toEqual({ req: 'sys', id: 'pause', nr: 34, timeout: true });
    // kill(own pid, SIGILL) in the child: it dies of signal 4
    expect(lines[2]).toMatchObject({ id: 'illegal', signal: 4, trapped: false });
  });

  it('answers garbage with error lines and never crashes', () => {
    const garbageInput = Buffer.concat([
      Buffer.from('sys\nsys x 1\nsys bad!id 39 0 0 0 0 0 0\nsys a 39 0 0 0 0 0 zz\nsys a 99999999 0 0 0 0 0 0\nnonsense "quoted" \\ back\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a]),
      Buffer.from('x'.repeat(10000) + '\n'),
      Buffer.from('timeout_ms 0\ncpuid 7\nmmap\nsyslog -\ntiming 39 0\n# a comment\n\n'),
      Buffer.from('sys last 39 0 0 0 0 0 0'), // no final newline
    ]);
    const { lines, garbage, status } = run(garbageInput);
    expect(status).toBe(0);
    expect(garbage).toEqual([]);
    const errors = lines.filter((l) => l.req === 'error');
    expect(errors.length).toBe(13);
    expect(errors.some((e) => e.error === 'line too long')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ req: 'sys', id: 'last', errno: 0 });
  });

  it('reports a fork failure as data and keeps going', () => {
    // RLIMIT_NPROC 1 for an unprivileged uid that already runs one process: fork fails
    const r = spawnSync('prlimit', ['--nproc=1', 'setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', helper], {
      input: 'sys a 39 0 0 0 0 0 0\nsys b 39 0 0 0 0 0 0\n',
      timeout: 10000,
    });
    expect(r.error, 'prlimit and setpriv (util-linux) are needed for this test').toBeUndefined();
    const { lines } = parseHelperOutput(r.stdout.toString());
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatchObject({ id: 'a', fork_errno: 11 });
  });

  it('tells a seccomp trap from a seccomp kill', () => {
    // KILL_PROCESS for getppid, TRAP for getpgrp, an errno for 1000
    const launcher = filterLauncher('filter', [
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),',
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpgrp, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 7),',
      'BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),',
    ]);
    for (const verb of ['sys', 'sysv']) {
      const { lines, status } = run(`${verb} kill 110 0 0 0 0 0 0\n${verb} trap 111 0 0 0 0 0 0\n${verb} errno 1000 0 0 0 0 0 0\n${verb} fine 39 0 0 0 0 0 0\n`, helper, [launcher]);
      expect(status, verb).toBe(0);
      expect(lines[0], verb).toEqual({ req: 'sys', id: 'kill', nr: 110, signal: 31, trapped: false });
      expect(lines[1], verb).toMatchObject({ id: 'trap', signal: 31, trapped: true, si_code: 1, si_errno: 7, si_syscall: 111 });
      expect(lines[2], verb).toMatchObject({ id: 'errno', ret: -1, errno: 1 });
      expect(lines[3], verb).toMatchObject({ id: 'fine', errno: 0 });
    }
  });

  it('dies of SIGSYS when a filter traps one of its own calls (not a probe): the handler its children inherit does not hide it', () => {
    // TRAP on wait4, which only the helper calls (it reaps its children): the helper must end by
    // SIGSYS, as it would without a handler, and not exit 0 with answers missing
    const launcher = filterLauncher('trap-wait4', ['BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_wait4, 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 5),']);
    const r = run('sysv a 39 0 0 0 0 0 0\nsys b 39 0 0 0 0 0 0\n', helper, [launcher]);
    expect(r.signal).toBe('SIGSYS');
    expect(r.lines.filter((l) => l.req === 'sys')).toEqual([]);
  });

  it('runs through runHelperProcess (the Node side)', async () => {
    const r = await runHelperProcess(['sys a 39 0 0 0 0 0 0'], { timeoutMs: 10000, helperPath: helper });
    expect(r.ok && r.value.lines[0]).toMatchObject({ req: 'sys', id: 'a', errno: 0 });
  });

  it('builds for aarch64 and answers a tiny plan under qemu-aarch64-static', async () => {
    const r = await buildHelper({ outDir, arch: 'aarch64' });
    const qemu = spawnSync('qemu-aarch64-static', ['--version']);
    if (!r.ok || qemu.error) {
      // scripts/setup-runtimes.sh installs both: in CI their absence is a failure, not a skip
      const why = r.ok ? 'qemu-aarch64-static missing' : r.error;
      if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`aarch64 smoke test cannot run: ${why}`);
      console.warn(`aarch64 smoke test skipped: ${why}`);
      return;
    }
    // qemu-user refuses clone(CLONE_VM) without the thread flags: sysv falls back to a fork
    const { lines, status } = run('sys getpid 172 0 0 0 0 0 0\nsys canary 1023 0 0 0 0 0 0\ncpuid 0\nmmap 0x60000\n' +
      'sysv v 172 0 0 0 0 0 0\nsysv vkill 129 pid 1000 0 0 0 0\nsysb b 63 -1 0 0 0 0 0\nsysq q 172 0 0 0 0 0 0\n', r.path, ['qemu-aarch64-static']);
    expect(status).toBe(0);
    expect(lines[0]).toMatchObject({ id: 'getpid', nr: 172, errno: 0 });
    expect(lines[1]).toMatchObject({ id: 'canary', errno: 38 });
    expect(lines[2]).toMatchObject({ req: 'cpuid', error: 'cpuid is x86 only' });
    expect(lines[3]).toMatchObject({ req: 'mmap' });
    expect(lines.slice(4)).toMatchObject([{ id: 'v', errno: 0 }, { id: 'vkill', ret: -1, errno: 22 }, { id: 'b', ret: -1, errno: 9 }, { id: 'q', errno: 0 }]);
  }, 120000);
});
