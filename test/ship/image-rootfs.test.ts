// The recon image's contents work: scripts/build-image-rootfs.sh assembles the image root (the
// same tree the Dockerfile copies into its scratch stage), and the single executable runs from
// it under runc and under gVisor (runsc, ptrace platform, --network=none): read-only root,
// uid/gid 20000, no capabilities, no_new_privs, no writable /tmp (like the recon StatefulSet).
// The report must parse and name the right sandbox class. Our own minimal OCI bundle (the
// shared harness in test/runtimes/ binds the host's / as the root; this needs the image root).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSea } from '../../scripts/build-sea.mjs';
import { DIST, PROJECT, have, isRoot, linuxX64, makeTemp, removeTemp, staticHelper } from './support.js';

const UID = 20000;

function imageOciConfig(rootfs: string, args: string[]): Record<string, unknown> {
  const none: string[] = [];
  return {
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
    },
  };
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

type Runtime = 'runc' | 'runsc';
async function runInImage(runtime: Runtime, tmp: string, rootfs: string, args: string[]): Promise<Ran> {
  const id = `sbx-ship-${runtime}-${process.pid}-${Date.now()}`;
  const bundle = join(tmp, `bundle-${runtime}`);
  const state = join(tmp, `state-${runtime}`);
  mkdirSync(bundle, { mode: 0o711 });
  mkdirSync(state, { mode: 0o700 });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(imageOciConfig(rootfs, args), null, 2));
  const global = runtime === 'runc' ? ['runc', '--root', state] : ['runsc', '--root', state, '--network=none', '--platform=ptrace'];
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

  it('holds the binary, the helper beside it, the loader and libraries, passwd — nothing else', () => {
    const files = spawnSync('find', ['.', '-type', 'f'], { cwd: rootfs, encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect(files).toContain('./usr/local/bin/sbx-detect');
    expect(files).toContain('./usr/local/bin/sbx-helper');
    expect(files).toContain('./etc/passwd');
    const other = files.filter((f) => !/^\.\/(usr\/local\/bin\/sbx-(detect|helper)|etc\/(passwd|group)|lib(64)?\/.*\.so(\.\d+)*)$/.test(f));
    expect(other).toEqual([]);
    expect(files.some((f) => /libstdc\+\+\.so/.test(f))).toBe(true);
    expect(files.some((f) => /ld-linux-x86-64\.so\.2$/.test(f))).toBe(true);
    expect(spawnSync('cat', [join(rootfs, 'etc/passwd')], { encoding: 'utf8' }).stdout).toMatch(/^sbx:x:20000:20000:/);
    expect(readdirSync(join(rootfs, 'tmp'))).toEqual([]);
  });

  const cases: [Runtime, string][] = [['runc', 'runc-class'], ['runsc', 'gvisor']];
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
