// Boots the Kata-style QEMU TCG guest ONCE and checks, from inside it, what the
// harness promises. Fails (never skips) when QEMU cannot run here, naming why.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { bootGuestAndRun, GUEST_HOSTNAME, KATA_KERNEL_PARAMS, qemuAvailable, type BootGuestResult } from './qemu.js';

const projectDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Deterministic ~270 KB of JSON (with some non-ASCII text). In the guest it is
// written with a single write followed by process.exit(): the pattern that
// truncates on a pipe (lab notes). The expected text is computed in-process.
const GEN_JS = `function gen() {
  const rows = [];
  for (let i = 0; i < 2400; i++) rows.push({ i, id: 'row-' + i.toString(36).padStart(6, '0'), note: 'kataShared ✓ é ' + 'x'.repeat(i % 37), n: (i * 2654435761) % 4294967296 });
  return JSON.stringify({ rows }, null, 1) + '\\n';
}`;
const BIG_OUTPUT_JS = `${GEN_JS}\nprocess.stdout.write(gen());\nprocess.exit(0);\n`;
const expectedBig = new Function(`${GEN_JS}\nreturn gen();`)() as string;

let run: BootGuestResult;

beforeAll(async () => {
  const avail = qemuAvailable();
  if (!avail.ok) throw new Error(`runtime "qemu" cannot start on this machine: ${avail.why}`);
  run = await bootGuestAndRun({
    projectDir,
    timeoutMs: 240_000,
    commands: [
      { name: 'cmdline', argv: ['cat', '/proc/cmdline'] },
      { name: 'mountinfo', argv: ['cat', '/proc/self/mountinfo'] },
      { name: 'dmi', argv: ['cat', '/sys/class/dmi/id/sys_vendor', '/sys/class/dmi/id/product_name'] },
      { name: 'node', argv: ['node', '-e', 'console.log(process.version)'] },
      { name: 'big', argv: ['node', '-e', BIG_OUTPUT_JS] },
      { name: 'quoting', argv: ['printf', '%s\\n', 'a b', "it's", '$HOME', 'line1\nline2', 'é✓'] },
      { name: 'fail', argv: ['sh', '-c', 'echo to-stderr >&2; echo to-stdout; exit 3'] },
      { name: 'env', argv: ['sh', '-c', 'echo "$PWD|$SBX_TEST|$HOME"'], env: { SBX_TEST: 'yes' }, cwd: '/usr' },
      { name: 'uname', argv: ['uname', '-r'] },
      { name: 'pid1', argv: ['sh', '-c', 'echo $$; hostname; grep -E "^(NSpid|Seccomp):" /proc/$$/status'] },
    ],
  });
  console.info(
    `[qemu] boot ${run.bootMs} ms, total ${run.totalMs} ms (initramfs ${run.initramfs.cached ? 'reused' : 'built'}); ` +
      Object.entries(run.results)
        .map(([k, r]) => `${k} ${r.ms} ms`)
        .join(', '),
  );
}, 300_000);

describe('QEMU TCG guest (Kata-style)', () => {
  it('boots with the Kata kernel command line', () => {
    const r = run.results['cmdline']!;
    expect(r.code).toBe(0);
    const tokens = r.stdout.trim().split(/\s+/);
    for (const t of KATA_KERNEL_PARAMS) expect(tokens).toContain(t);
    for (const t of ['agent.log=debug', 'cryptomgr.notests', 'pci=lastbus=0', 'panic=1']) expect(tokens).toContain(t);
  });

  it('runs commands on the kataShared 9p root share', () => {
    const r = run.results['mountinfo']!;
    expect(r.code).toBe(0);
    const root = r.stdout.split('\n').find((l) => l.split(' ')[4] === '/');
    expect(root).toBeDefined();
    expect(root).toMatch(/ - 9p kataShared .*trans=virtio/);
    expect(root!.split(' ')[5]).toMatch(/^ro\b/);
    // the private job share is outside the commands' root
    expect(r.stdout).not.toContain('sbxjob');
  });

  it('shows QEMU in DMI', () => {
    const r = run.results['dmi']!;
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('QEMU');
  });

  it('runs the host Node in the guest', () => {
    const r = run.results['node']!;
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(process.version);
    expect(run.results['uname']!.stdout.trim()).toMatch(/^6\.1\.0-/);
  });

  it('returns a 200+ KB output intact', () => {
    const r = run.results['big']!;
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(200 * 1024);
    expect(Buffer.byteLength(r.stdout)).toBe(Buffer.byteLength(expectedBig));
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(sha(r.stdout)).toBe(sha(expectedBig));
    expect(JSON.parse(r.stdout).rows).toHaveLength(2400);
  });

  it('passes argv verbatim and keeps stdout, stderr and the exit code apart', () => {
    expect(run.results['quoting']!.stdout).toBe("a b\nit's\n$HOME\nline1\nline2\né✓\n");
    const f = run.results['fail']!;
    expect(f).toMatchObject({ code: 3, stdout: 'to-stdout\n', stderr: 'to-stderr\n' });
    expect(run.results['env']!.stdout).toBe('/usr|yes|/root\n');
  });

  it('runs each command as PID 1 of its own namespaces, like a Kata container', () => {
    const r = run.results['pid1']!;
    expect(r.code).toBe(0);
    const [pid, host, ...status] = r.stdout.trim().split('\n');
    expect(pid).toBe('1');
    expect(host).toBe(GUEST_HOSTNAME);
    expect(status).toContain('NSpid:\t1');
    expect(status).toContain('Seccomp:\t0');
    // exactly one proc mount, on /proc
    const procs = run.results['mountinfo']!.stdout.split('\n').filter((l) => / - proc /.test(l));
    expect(procs.map((l) => l.split(' ')[4])).toEqual(['/proc']);
  });

  it('keeps command output off the console and records timings', () => {
    expect(run.console).toContain('SBX-GUEST-READY');
    expect(run.console).not.toContain('to-stdout');
    expect(run.bootMs).toBeGreaterThan(0);
    expect(run.totalMs).toBeGreaterThanOrEqual(run.bootMs);
    expect(run.qemuArgv.join(' ')).not.toMatch(/kvm/);
  });
});
