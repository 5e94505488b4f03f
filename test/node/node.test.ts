// `sbx-detect node`: the real check on this machine (and with runsc registered in Docker and
// containerd inside a private mount namespace, so nothing of the host's changes), the node
// fixtures (fixtures/nodes/, each with its ORIGIN), the parsers, the schema and the exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judgeNode, runscReleaseDate, type SandboxReadiness } from '../../src/classifier/node-readiness.js';
import { runscArgs, shimBinary, untemplate } from '../../src/probes/node/configs.js';
import { moduleNames, parseDpkgStatus, parseModulesLoad } from '../../src/probes/node/host-files.js';
import { debugLogDir, gatherNodeFacts } from '../../src/probes/node/index.js';
import { createSnapshotHost } from '../../src/readers/snapshot.js';
import type { NodeReport } from '../../src/render/node-json.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { generateNodeReportSchema } from '../../scripts/gen-schema.mjs';
import { BUNDLE, ensureBuilt, PROJECT } from '../support/built.js';
import { schemaValidator } from '../support/schema.js';

const FIXTURES = join(PROJECT, 'fixtures/nodes');
const SCHEMA = join(PROJECT, 'schema/node-report.schema.json');
const schemaErrors = schemaValidator(SCHEMA);

function runNode(args: string[], wrap?: (argv: string[]) => string[]) {
  const argv = [process.execPath, BUNDLE, 'node', ...args];
  const full = wrap ? wrap(argv) : argv;
  const r = spawnSync(full[0], full.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sandbox = (r: NodeReport, id: string) => r.verdict.sandboxes.find((s) => s.id === id) as SandboxReadiness;
const item = (s: SandboxReadiness, id: string) => s.items.find((i) => i.id === id);
const isRoot = process.getuid?.() === 0;

/** This machine, as the test reads it itself (not through the tool). */
const cpuFlags = (readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0].match(/^flags\s*:\s*(.*)$/m)?.[1] ?? '').split(/\s+/);
const mountinfo = readFileSync('/proc/1/mountinfo', 'utf8');
const realMode = / - cgroup2 /.test(mountinfo) && / - cgroup /.test(mountinfo) ? 'hybrid' : / - cgroup2 /.test(mountinfo) ? 'v2' : 'v1';

describe('sbx-detect node on this machine (live, read-only)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  // its speed is measured by the benchmark (docs/node.md, docs/speed.md), not here: a timed test fails on a loaded machine
  it('says what is really true here, with a schema-valid report', () => {
    const r = runNode(['--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as NodeReport;
    expect(schemaErrors(rep)).toEqual([]);
    const f = rep.facts;
    expect(f.cgroupMode).toMatchObject({ known: true, value: realMode });
    // /dev/kvm: asked with two ioctls only; the answer is the kernel's
    if (existsSync('/dev/kvm')) expect(f.kvm).toMatchObject({ known: true, value: { apiVersion: 12 } });
    // gVisor KVM needs vmx/svm (or nested): this CPU has neither, so it is not ready, and says why
    const virt = cpuFlags.includes('vmx') || cpuFlags.includes('svm');
    const kvm = sandbox(rep, 'gvisor-kvm');
    expect(item(kvm, 'hw-virt')?.status).toBe(virt ? 'ok' : 'missing');
    if (!virt) {
      expect(kvm.status).toBe('not-ready');
      for (const k of ['kata-qemu', 'kata-clh', 'kata-fc']) expect(sandbox(rep, k).status).toBe('not-ready');
    }
    if (existsSync('/sys/module/kvm_pvm')) expect(item(kvm, 'hw-virt')?.observed).toContain('kvm_pvm');
    // QEMU's vsock channel: /dev/vhost-vsock, as it really is
    expect(item(sandbox(rep, 'kata-qemu'), 'dev-vhost-vsock')?.status).toBe(existsSync('/dev/vhost-vsock') ? 'ok' : 'missing');
    // runsc from Debian: its version from dpkg, and the shim Kubernetes needs is absent
    if (existsSync('/usr/bin/runsc')) {
      const dpkg = parseDpkgStatus(readFileSync('/var/lib/dpkg/status', 'utf8'), ['runsc']).runsc;
      expect(item(sandbox(rep, 'gvisor-ptrace'), 'runsc-version')?.observed).toContain(dpkg);
      expect(item(sandbox(rep, 'gvisor-ptrace'), 'program-containerd-shim-runsc-v1')?.status).toBe(existsSync('/usr/bin/containerd-shim-runsc-v1') || existsSync('/usr/local/bin/containerd-shim-runsc-v1') ? 'ok' : 'missing');
    }
    // every fact known with a source, or unknown with a reason
    const walk = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      const o = v as Record<string, unknown>;
      if ('known' in o && typeof o.known === 'boolean') expect(typeof o.source === 'string' && (o.known || typeof o.reason === 'string')).toBe(true);
      for (const x of Object.values(o)) walk(x);
    };
    walk(f);
  });

  it.runIf(isRoot)('with runsc registered in Docker and containerd (private mount namespace): gVisor-ptrace is ready under runsc; KVM and Kata are not, with the fixes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbx-node-'));
    try {
      mkdirSync(join(dir, 'docker'));
      writeFileSync(join(dir, 'docker/daemon.json'), JSON.stringify({ runtimes: { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none'] } } }));
      const containerd = existsSync('/etc/containerd/config.toml') ? readFileSync('/etc/containerd/config.toml', 'utf8') : 'version = 2\n';
      writeFileSync(join(dir, 'config.toml'), `${containerd}\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runsc]\n  runtime_type = "io.containerd.runsc.v1"\n`);
      const before = existsSync('/etc/docker/daemon.json') ? readFileSync('/etc/docker/daemon.json', 'utf8') : null;
      const wrap = (argv: string[]) => [
        'unshare', '-m', '--propagation', 'private', 'sh', '-c',
        `mkdir -p /etc/docker /etc/containerd 2>/dev/null; mount --bind "$1/docker" /etc/docker && ` +
        `{ [ -e /etc/containerd/config.toml ] || exit 9; } && mount --bind "$1/config.toml" /etc/containerd/config.toml && shift && exec "$@"`,
        'sh', dir, ...argv,
      ];
      const r = runNode(['--json', '--expect', 'ready=gvisor-ptrace', '--expect', 'handler=runsc'], wrap);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as NodeReport;
      const ptrace = sandbox(rep, 'gvisor-ptrace');
      expect(ptrace.status).toBe('ready');
      expect(ptrace.handlers.find((h) => h.engine === 'docker')).toMatchObject({ name: 'runsc', usable: true });
      // containerd's runsc handler needs the shim Debian does not ship
      expect(ptrace.handlers.find((h) => h.engine === 'containerd')).toMatchObject({ name: 'runsc', usable: false, problems: ['shim containerd-shim-runsc-v1 not found'] });
      expect(rep.checks?.expectations.map((c) => c.status)).toEqual(['pass', 'pass']);
      // gVisor KVM and Kata are not ready here, each with the reason and the fix
      const no = runNode(['--expect', 'ready=gvisor-kvm', '--expect', 'ready=kata-qemu'], wrap);
      expect(no.code).toBe(1);
      expect(no.stdout).toContain('FAIL ready=gvisor-kvm');
      expect(no.stdout).toContain('To fix');
      if (!cpuFlags.includes('vmx') && !cpuFlags.includes('svm')) expect(no.stdout).toMatch(/no vmx or svm CPU flag/);
      if (!existsSync('/dev/vhost-vsock')) expect(no.stdout).toContain('modprobe vhost_vsock && echo vhost_vsock > /etc/modules-load.d/vhost-vsock.conf');
      // nothing of the host's changed
      expect(existsSync('/etc/docker/daemon.json') ? readFileSync('/etc/docker/daemon.json', 'utf8') : null).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

// systeminformation is not used by the tool (docs/node.md, "systeminformation"): it execs lscpu and cat and
// talks to Docker's socket behind the Host's back, so --root and snapshots could not hold its
// answers. Here it is an independent oracle for the two facts it reads right on this machine.
describe('sbx-detect node agrees with systeminformation where that is right', () => {
  it('CPU flags and the OS release', async () => {
    const si = await import('systeminformation');
    const facts = await gatherNodeFacts((await import('../../src/readers/live.js')).createLiveHost(), { helper: false, timeoutMs: 5000 });
    const siFlags = (await si.cpuFlags()).split(/\s+/);
    for (const flag of ['vmx', 'svm', 'lm', 'sse4_1', 'hypervisor']) expect([flag, facts.cpu.known && facts.cpu.value.flags.includes(flag)]).toEqual([flag, siFlags.includes(flag)]);
    const os = await si.osInfo();
    expect(facts.os.known && facts.os.value).toContain(os.distro);
    expect(facts.release).toMatchObject({ known: true, value: os.kernel });
  }, 20_000);
});

describe('node fixtures (fixtures/nodes/, each with its ORIGIN)', () => {
  const judge = async (name: string) => {
    const facts = await gatherNodeFacts(createSnapshotHost(join(FIXTURES, name)), { helper: true, timeoutMs: 5000 });
    return { facts, verdict: judgeNode(facts) };
  };

  it('every fixture says where its files came from', () => {
    const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(dirs).toEqual(expect.arrayContaining(['k3s-guide', 'containerd-v2', 'cgroupv2-docker']));
    for (const d of dirs) expect([d, existsSync(join(FIXTURES, d, 'ORIGIN.md'))]).toEqual([d, true]);
  });

  it('k3s-guide: ready for both handlers — gVisor KVM under runsc, Kata QEMU under kata — from the K3s template', async () => {
    const { facts, verdict } = await judge('k3s-guide');
    expect(facts.cgroupMode).toMatchObject({ known: true, value: 'v2' });
    const names = facts.registrations.handlers.map((h) => [h.name, h.kind, h.engine, h.pending]);
    expect(names).toEqual([['runsc', 'gvisor', 'k3s', true], ['kata', 'kata', 'k3s', true]]);
    const kvm = verdict.sandboxes.find((s) => s.id === 'gvisor-kvm')!;
    expect(kvm.status).toBe('ready');
    expect(kvm.handlers.map((h) => h.name)).toEqual(['runsc']);
    expect(item(kvm, 'debug-log-runsc')?.status).toBe('ok');
    const qemu = verdict.sandboxes.find((s) => s.id === 'kata-qemu')!;
    expect(qemu.status).toBe('ready');
    expect(item(qemu, 'kata-config-kata')?.observed).toContain('disable_guest_seccomp=false');
    expect(item(qemu, 'persist-vhost_vsock')?.status).toBe('ok');
    expect(verdict.sandboxes.find((s) => s.id === 'gvisor-ptrace')!.status).toBe('not-ready'); // its runsc runs KVM
    expect(kvm.runtimeClasses[0]).toContain('handler: runsc');
    const r = runNode(['--root', join(FIXTURES, 'k3s-guide'), '--expect', 'ready=gvisor-kvm', '--expect', 'ready=kata-qemu', '--expect', 'handler=runsc', '--expect', 'handler=kata', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(schemaErrors(JSON.parse(r.stdout))).toEqual([]);
  });

  it('containerd-v2 (gVisor\'s documented config, runsc from the tarball): parsed; ptrace unknown because the version is, and says so', async () => {
    const { facts, verdict } = await judge('containerd-v2');
    const h = facts.registrations.handlers;
    expect(h.map((x) => [x.name, x.kind, x.runtimeType, x.program])).toEqual([
      ['runc', 'runc', 'io.containerd.runc.v2', 'containerd-shim-runc-v2'],
      ['runsc', 'gvisor', 'io.containerd.runsc.v1', 'containerd-shim-runsc-v1'],
    ]);
    expect(h[1].gvisor).toMatchObject({ configFile: { known: true, value: '/etc/containerd/runsc.toml' }, debug: 'true', platform: null });
    const ptrace = verdict.sandboxes.find((s) => s.id === 'gvisor-ptrace')!;
    expect(ptrace.status).toBe('unknown');
    expect(item(ptrace, 'runsc-version')?.observed).toMatch(/runsc --version` tells its version/);
    expect(item(ptrace, 'cgroups')).toMatchObject({ status: 'ok', observed: expect.stringContaining('hybrid') });
    expect(item(ptrace, 'debug-log-runsc')).toMatchObject({ status: 'missing', fix: 'mkdir -p /var/log/runsc' });
    const r = runNode(['--root', join(FIXTURES, 'containerd-v2'), '--expect', 'ready=gvisor-ptrace']);
    expect(r.code).toBe(3);
  });

  it('cgroupv2-docker: Debian\'s runsc 20221219 is past the cgroup v2 fix, so ptrace is ready on v2; an older runsc is not', async () => {
    const { facts, verdict } = await judge('cgroupv2-docker');
    const ptrace = verdict.sandboxes.find((s) => s.id === 'gvisor-ptrace')!;
    expect(ptrace.status).toBe('ready');
    expect(item(ptrace, 'cgroups')).toMatchObject({ status: 'ok', observed: expect.stringContaining('runsc 20221219') });
    // the table, not a fixture: the same node with a runsc from before release-20220405.0
    const older = { ...facts, packages: { known: true as const, value: { runsc: '0.0~20220314.0-1' }, source: 'test' } };
    const v = judgeNode(older).sandboxes.find((s) => s.id === 'gvisor-ptrace')!;
    expect(v.status).toBe('not-ready');
    expect(item(v, 'cgroups')?.fix).toContain('release-20220405.0');
  });
});

describe('parsers', () => {
  it('K3s templates lose their actions, keep their TOML', () => {
    expect(untemplate('{{ template "base" . }}\n[a]\n  x = "{{ .NodeConfig.Root }}/bin"\n{{- if .X }}\n')).toBe('\n[a]\n  x = "TEMPLATE/bin"\n\n');
  });
  it('containerd shim names, runsc args, debug-log directories, dpkg versions, module lists', () => {
    expect(shimBinary('io.containerd.kata-qemu.v2')).toBe('containerd-shim-kata-qemu-v2');
    expect(shimBinary('io.containerd.runsc.v1')).toBe('containerd-shim-runsc-v1');
    expect(runscArgs(['--platform=kvm', '--debug', '--debug-log', '/tmp/runsc/'])).toEqual({ platform: 'kvm', debug: 'true', 'debug-log': '/tmp/runsc/' });
    expect(debugLogDir('/var/log/runsc/%ID%/gvisor.%COMMAND%.log')).toBe('/var/log/runsc');
    expect(debugLogDir('/tmp/runsc/')).toBe('/tmp/runsc');
    expect(runscReleaseDate('0.0~20221219.0-2+b3')).toBe(20221219);
    expect(parseDpkgStatus('Package: runsc\nStatus: deinstall ok config-files\nVersion: 1\n\nPackage: containerd\nStatus: install ok installed\nVersion: 1.6.20\n', ['runsc', 'containerd'])).toEqual({ containerd: '1.6.20' });
    expect(parseModulesLoad('# c\nvhost-vsock\n; x\nkvm_intel nested=1\n')).toEqual(['vhost-vsock', 'kvm_intel']);
    expect([...moduleNames('kernel/drivers/vhost/vhost_vsock.ko.xz: kernel/drivers/vhost/vhost.ko.xz\nkernel/arch/x86/kvm/kvm-intel.ko:\n')]).toEqual(['vhost_vsock', 'kvm_intel']);
  });
});

describe('interface', () => {
  beforeAll(() => ensureBuilt(), 120_000);
  it('schema/node-report.schema.json is the one generated from NodeReport (npm run schema)', () => {
    expect(JSON.parse(readFileSync(SCHEMA, 'utf8'))).toEqual(generateNodeReportSchema());
  }, 30_000);
  it('usage errors exit 2 with the reason; --help exits 0', () => {
    expect(runNode(['--bogus']).code).toBe(2);
    const bad = runNode(['--expect', 'ready=lxc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('gvisor-ptrace');
    expect(runNode(['--root', '/nonexistent-sbx']).code).toBe(2);
    const help = runNode(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--expect ready=ID');
  });
  it('placeholders in the fixtures are never run: they only need to exist', () => {
    expect(statSync(join(FIXTURES, 'k3s-guide/usr/bin/runsc')).mode & 0o111).not.toBe(0);
  });
});
