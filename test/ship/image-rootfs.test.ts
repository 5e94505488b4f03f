// The recon image's contents work: scripts/build-image-rootfs.sh assembles the image root (the
// same tree the Dockerfile copies into its scratch stage), and the single executable runs from
// it under runc and under gVisor (runsc, ptrace platform, --network=none): read-only root,
// uid/gid 20000, no capabilities, no_new_privs, no writable /tmp (like the recon StatefulSet).
// The report must parse and name the right sandbox class. Our own minimal OCI bundle (the
// shared harness in test/runtimes/ binds the host's / as the root; this needs the image root).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSea } from '../../scripts/build-sea.mjs';
import { DIST, PROJECT, have, isRoot, linuxX64, makeTemp, removeTemp, staticHelper } from './support.js';
import { dockerDefaultOci, killAndTrapProfile } from '../runtimes/docker-seccomp.js';
import { RUNSC_2024 } from '../runtimes/runsc.js';
import type { OciSeccomp } from '../runtimes/types.js';

const UID = 20000;

function imageOciConfig(rootfs: string, args: string[], seccomp?: OciSeccomp): Record<string, unknown> {
  const none: string[] = [];
  const config = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: UID, gid: UID, additionalGids: [UID] },
      args,
      env: ['PATH=/usr/local/bin', 'HOME=/nonexistent', 'LANG=C.UTF-8'],
      cwd: '/',
      capabilities: { bounding: none, effective: none, permitted: none, inheritable: none, ambient: none },
      noNewPrivileges: true,
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    },
    root: { path: rootfs, readonly: true },
    hostname: 'sbx-image',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      ...(seccomp && { seccomp }),
    },
  };
  return config;
}

interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs a command with stdin an empty pipe (never a host device), in its own process group. */
function runCmd(argv: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.end();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL'); // our own process group
      } catch { /* gone */ }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.on('error', (e) => err.push(Buffer.from(String(e))));
  });
}

/** runsc: Debian 12's 20221219 on ptrace; runsc-2024: trixie's 20240729 on systrap (its default) */
type Runtime = 'runc' | 'runsc' | 'runsc-2024';
let runs = 0;
async function runInImage(runtime: Runtime, tmp: string, rootfs: string, args: string[], o: { seccomp?: OciSeccomp; runscFlags?: string[] } = {}): Promise<Ran> {
  const id = `sbx-ship-${runtime}-${process.pid}-${Date.now()}`;
  const bundle = join(tmp, `bundle-${runtime}-${++runs}`);
  const state = join(tmp, `state-${runtime}-${runs}`);
  mkdirSync(bundle, { mode: 0o711 });
  mkdirSync(state, { mode: 0o700 });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(imageOciConfig(rootfs, args, o.seccomp), null, 2));
  const global = runtime === 'runc' ? ['runc', '--root', state]
    : runtime === 'runsc' ? ['runsc', '--root', state, '--network=none', '--platform=ptrace', ...(o.runscFlags ?? [])]
      : [RUNSC_2024, '--root', state, '--network=none', ...(o.runscFlags ?? [])];
  try {
    return await runCmd([...global, 'run', '--bundle', bundle, id], 120_000);
  } finally {
    await runCmd([...global, 'delete', '--force', id], 30_000);
    const left = await runCmd([...global, 'list', '--quiet'], 30_000);
    expect(left.stdout.trim()).toBe('');
  }
}

describe.runIf(linuxX64 && isRoot && have('runc') && have('runsc'))('the recon image root filesystem', () => {
  let tmp: string;
  let rootfs: string;
  beforeAll(async () => {
    tmp = makeTemp('image', 0o711); // runtimes traverse it
    const helper = staticHelper(tmp);
    if (!helper) throw new Error('no static helper (dist/sbx-helper, or musl-gcc to build one)');
    let bin = join(DIST, 'sbx-detect');
    if (!existsSync(bin)) {
      // build.mjs does not call buildSea yet: make the single executable here
      if (!existsSync(join(DIST, 'sbx-detect.cjs'))) {
        const r = spawnSync(process.execPath, [join(PROJECT, 'build.mjs'), '--no-helper'], { stdio: 'inherit' });
        if (r.status !== 0) throw new Error('node build.mjs failed');
      }
      bin = (await buildSea({ outDir: tmp, bundle: join(DIST, 'sbx-detect.cjs'), helper, quiet: true })).path;
    }
    rootfs = join(tmp, 'rootfs');
    const r = spawnSync('bash', [join(PROJECT, 'scripts/build-image-rootfs.sh'), '--bin', bin, '--helper', helper, '--tar', join(tmp, 'rootfs.tar'), rootfs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-image-rootfs.sh failed: ${r.stderr}`);
  }, 180_000);
  afterAll(() => removeTemp(tmp));

  it('holds the binary, the helper beside it (the launcher on PATH), the loader and libraries, passwd — nothing else', () => {
    const files = spawnSync('find', ['.', '-type', 'f'], { cwd: rootfs, encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(files).toContain('./usr/local/libexec/sbx-detect/sbx-detect');
    expect(files).toContain('./usr/local/libexec/sbx-detect/sbx-helper');
    expect(files).toContain('./etc/passwd');
    for (const name of ['sbx-detect', 'sbx-helper']) expect(readlinkSync(join(rootfs, 'usr/local/bin', name))).toBe('../libexec/sbx-detect/sbx-helper');
    const other = files.filter((f) => !/^\.\/(usr\/local\/libexec\/sbx-detect\/sbx-(detect|helper)|etc\/(passwd|group)|lib(64)?\/.*\.so(\.\d+)*)$/.test(f));
    expect(other).toEqual([]);
    expect(files.some((f) => /libstdc\+\+\.so/.test(f))).toBe(true);
    expect(files.some((f) => /ld-linux-x86-64\.so\.2$/.test(f))).toBe(true);
    expect(spawnSync('cat', [join(rootfs, 'etc/passwd')], { encoding: 'utf8' }).stdout).toMatch(/^sbx:x:20000:20000:/);
    expect(readdirSync(join(rootfs, 'tmp'))).toEqual([]);
  });

  const cases: [Runtime, string][] = [['runc', 'runc-class'], ['runsc', 'gvisor'], ['runsc-2024', 'gvisor']];
  for (const [runtime, expected] of cases) {
    it(`runs under ${runtime} (read-only root, uid 20000, no capabilities) and says ${expected}`, async () => {
      const r = await runInImage(runtime, tmp, rootfs, ['/usr/local/bin/sbx-detect', '--json']);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.verdict.sandbox.class).toBe(expected);
      expect(report.facts.process.uid.value.effective).toBe(UID);
      expect(report.facts.process.capabilities.effective.value.names).toEqual([]);
      // the helper was found beside the binary (no writable place to extract it to)
      expect(report.facts.native.helper.known, JSON.stringify(report.facts.native.helper)).toBe(true);
    }, 180_000);
  }

  // #21: where a filter answers clone3 with EPERM (runsc --oci-seccomp with Docker's profile, and
  // runsc 20221219 too), Node cannot make a thread and used to abort with a C++ stack dump (134).
  // The launcher on PATH sees it first: it answers clone3 ENOSYS for itself, and the report runs.
  for (const runtime of ['runsc', 'runsc-2024'] as const) {
    it(`${runtime} --oci-seccomp with Docker's default profile, the tool as the container's first process: a report, which says what the launcher changed`, async () => {
      const r = await runInImage(runtime, tmp, rootfs, ['/usr/local/bin/sbx-detect', '--json'], { seccomp: dockerDefaultOci({ caps: [] }), runscFlags: ['--oci-seccomp'] });
      expect(r.stderr).not.toMatch(/Assertion failed|uv_thread_create|internal error/);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.verdict.sandbox.class).toBe('gvisor');
      expect(report.facts.launcher).toMatchObject({ known: true, value: { filter: 'clone3-enosys', clone3Errno: 1 } });
      expect(report.verdict.workload).toMatchObject({ subject: 'workload', sameProcess: true, launcher: expect.stringMatching(/clone3 answered errno 1/) });
      expect(report.facts.workload.process.seccomp.value).toBe('filtering');
      const clone3 = report.facts.native.syscalls.value.results.find((x: { name: string }) => x.name === 'clone3');
      expect(clone3).toMatchObject({ disposition: 'not-probed', reason: expect.stringMatching(/launcher's own seccomp filter/) });
    }, 180_000);
  }

  it('a filter that kills clone3: no stack dump, one line that says why and what works from outside, exit 6', async () => {
    const r = await runInImage('runc', tmp, rootfs, ['/usr/local/bin/sbx-detect', '--json'], { seccomp: killAndTrapProfile({ kill: ['clone3'], trap: [] }) });
    expect(r.code).toBe(6);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sbx-detect: Node\.js cannot start here: a seccomp filter kills a process that calls clone3 \(signal 31\).*sbx-detect --via "kubectl exec -i POD -c CONTAINER --"/);
  }, 180_000);
});

describe('Dockerfile', () => {
  it('builds on Node 20 + musl-tools and ships exactly the tree build-image-rootfs.sh makes, as uid 20000', () => {
    const text = readFileSync(join(PROJECT, 'Dockerfile'), 'utf8');
    const stages = text.split(/^FROM /m).slice(1).map((s) => s.trim());
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^node:20-bookworm AS build/);
    expect(stages[0]).toMatch(/apt-get install -y --no-install-recommends musl-tools/);
    expect(stages[0]).toMatch(/RUN npm ci/);
    expect(stages[0]).toMatch(/RUN npm run build/);
    expect(stages[0]).toMatch(/scripts\/build-image-rootfs\.sh --bin dist\/sbx-detect --helper dist\/sbx-helper \/rootfs/);
    const final = stages[1]!.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(final).toEqual(['scratch', 'COPY --from=build /rootfs/ /', 'USER 20000:20000', 'WORKDIR /', 'ENTRYPOINT ["/usr/local/bin/sbx-detect"]']);
  });
});
