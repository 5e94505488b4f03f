// The built bundle, run for real on this machine. The expectation is derived here from the
// machine's own evidence, independently of the tool: namespace inodes read by the test, and
// systemd-detect-virt --vm for the hypervisor (its container answer is not used: it trusts
// /.dockerenv, which this VM carries without being a container).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, ensureBuilt, runBuilt } from '../support/built.js';

beforeAll(() => ensureBuilt(), 120_000);

const INIT_PID_NS = 'pid:[4026531836]';

describe('sbx-detect on this machine', () => {
  it('gives the verdict this machine\'s own evidence calls for, with evidence', () => {
    const r = runBuilt(['--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schemaVersion).toBe(1);

    const inHostPidNs = readlinkSync('/proc/self/ns/pid') === INIT_PID_NS;
    const v = report.verdict;
    if (inHostPidNs) {
      expect(v.sandbox.class).toBe('none');
      expect(v.headline).toMatch(/^no container: /);
    } else {
      expect(v.sandbox.class).not.toBe('none');
    }
    expect(v.sandbox.evidence.length).toBeGreaterThan(0);
    for (const e of v.sandbox.evidence) expect(e).toMatchObject({ source: expect.any(String), observed: expect.any(String), weight: expect.any(Number) });

    const judge = spawnSync('systemd-detect-virt', ['--vm'], { encoding: 'utf8' });
    const vmWord = judge.stdout.trim();
    if (vmWord === 'none') expect(v.vm.kind).toBe('none');
    else if (vmWord === 'kvm') expect(['kvm', 'firecracker', 'cloud-hypervisor', 'amazon', 'google']).toContain(v.vm.kind);
    else if (vmWord) expect(v.vm.kind).toBe(vmWord);
    if (v.sandbox.class === 'none' && vmWord && vmWord !== 'none') expect(v.headline).toMatch(/virtual machine/);
  });

  it('reports the facts it reads the way the kernel states them', () => {
    const report = JSON.parse(runBuilt(['--json', '--no-syscalls']).stdout);
    const status = readFileSync('/proc/self/status', 'utf8');
    const line = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1].trim();
    expect(report.facts.process.uid.value.effective).toBe(process.geteuid!());
    expect(report.facts.process.capabilities.bounding.value.hex).toBe(line('CapBnd'));
    expect(report.facts.process.seccomp.value).toBe({ '0': 'disabled', '1': 'strict', '2': 'filtering' }[line('Seccomp')!]);
  });

  it('prints one screen by default, every table with --full, help and version, and answers bad usage with exit code 2', () => {
    const first = runBuilt([]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Sandbox: .* confidence (high|medium|low) \(\d\.\d\d\)\n/);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines.every((l) => l.length <= 100), lines.find((l) => l.length > 100)).toBe(true);
    for (const label of ['isolation', 'machine', 'engine', 'privileged', 'user', 'capabilities', 'seccomp']) expect(first.stdout).toMatch(new RegExp(`^  ${label} +\\S`, 'm'));
    expect(first.stdout).toMatch(/^Findings: /m);
    // this machine's own euid, as the kernel states it
    expect(first.stdout).toMatch(new RegExp(`^  user +uid ${process.geteuid!()}[ ,(]`, 'm'));
    const t = runBuilt(['--no-syscalls', '--full']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^Sandbox: /);
    for (const heading of ['Workload versus probe', 'Kernel', 'Process (the probe)', 'Capabilities', 'Namespaces', 'LSM', 'Mounts', 'cgroups', 'Kubernetes', 'CPU and VM hints', 'Syscalls']) {
      expect(t.stdout).toContain(`\n${heading}\n`);
    }
    // a variable that is not set says so (run without it: it is not set here)
    const unset = spawnSync(process.execPath, [BUNDLE, '--no-syscalls', '--full'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(unset.stdout).toMatch(/KUBERNETES_SERVICE_ +│ not set +│/);
    expect(unset.stdout).not.toMatch(/KUBERNETES_SERVICE_\s*│ unknown/);
    expect(runBuilt(['--help']).stdout).toContain('--json');
    expect(runBuilt(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = runBuilt(['--bogus-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bogus-flag');
  });

  it('colours only on a TTY, and never with NO_COLOR; --explain shows the losing signals too', () => {
    const ESC = '\x1b[';
    // script(1) gives the tool a pseudo-terminal as stdout
    const onTty = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `node ${BUNDLE} --no-syscalls`, '/dev/null'], { encoding: 'utf8', input: '', env: { ...process.env, ...env } }).stdout;
    expect(onTty({})).toContain(ESC);
    expect(onTty({ NO_COLOR: '1' })).not.toContain(ESC);
    expect(runBuilt(['--no-syscalls']).stdout).not.toContain(ESC);

    const plain = runBuilt(['--no-syscalls', '--full']).stdout;
    const explained = runBuilt(['--no-syscalls', '--explain']).stdout;
    const evidenceRows = (t: string) => (t.match(/^│ [+-]?\d+ [a-z-]+ /gm) ?? []).length;
    expect(evidenceRows(explained)).toBeGreaterThanOrEqual(evidenceRows(plain));
    if (existsSync('/.dockerenv') && readlinkSync('/proc/self/ns/pid') === INIT_PID_NS) {
      // this VM's /.dockerenv is weak evidence for a class that loses: shown only with --explain
      expect(plain).not.toMatch(/\+1 runc-class/);
      expect(explained).toMatch(/\+1 runc-class .*\/\.dockerenv exists/);
    }
  });

  it('exit codes for CI: 0 when the expectations hold, 1 when one fails, 2 on a bad key, 3 when undetermined', () => {
    const inHostPidNs = readlinkSync('/proc/self/ns/pid') === INIT_PID_NS;
    // in the host's pid namespace the class is known to be none (the first test); elsewhere it
    // is at least not none
    const lie = inHostPidNs ? 'gvisor' : 'none';
    if (inHostPidNs) expect(runBuilt(['--json', '--no-syscalls', '--expect', 'sandbox=none']).code).toBe(0);
    const failed = runBuilt(['--json', '--no-syscalls', '--expect', `sandbox=${lie}`]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`--expect sandbox=${lie}: fail`);
    expect(JSON.parse(failed.stdout).checks.expectations).toBeDefined();
    const bad = runBuilt(['--expect', 'bogus=1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sandbox/); // the valid keys are listed
    // the scan was skipped, so whether mount is blocked cannot be decided
    expect(runBuilt(['--json', '--no-syscalls', '--expect', 'blocked=mount']).code).toBe(3);
  });
});

