// kubectl sbx over real containers: a private dockerd runs the "pods" (containers named
// k8s_CONTAINER_POD_NAMESPACE, as dockershim named them), and test/kubectl/kubectl-standin.mjs,
// first on PATH as `kubectl`, only translates kubectl's exec, debug and get into docker's. The
// plugin under test is the real one: bin/kubectl-sbx running the built bundle.
//   shop/web-0      app      runc, uid 20000                 app=web
//   shop/web-1      app      runsc (gVisor), uid 20000        app=web
//   shop/batch-0    log, worker  runc, root, Docker's default capabilities; the annotation makes
//                                worker the default container (log comes first by name)
//   shop/stuck-0    app      runc, paused (frozen): listed as running, kubectl exec cannot start anything there
//   shop/done-0     app      exited: not Running, skipped
//   tools/distroless-0 main  the recon image: no shell; uid 20000, no capabilities, read-only
//                            root — collected through an ephemeral debug container
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACH_WAIT } from '../../src/kubectl/kubectl.js';
import { fleetExit } from '../../src/kubectl/main.js';
import { BUNDLE, ensureBuilt, PROJECT } from '../support/built.js';
import { comparable } from '../support/comparable.js';
import { buildImageRoots, type Engine, startDocker } from '../support/engines.js';
import { CI } from '../support/runtime-it.js';
import { schemaErrors } from '../support/schema.js';

const PLUGIN = join(PROJECT, 'bin/kubectl-sbx');
const work = mkdtempSync(join(tmpdir(), 'sbx-kubectl-test-'));
const log = join(work, 'kubectl.log');
let docker: Engine | string = 'not started';

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

/** bin/kubectl-sbx as a user runs it (async: the tests' own containers keep running meanwhile). */
function plugin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const e = docker as Engine;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(PLUGIN, args, {
      env: {
        ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}`, NO_COLOR: '1',
        STANDIN_DOCKER: JSON.stringify(e.cli), STANDIN_LOG: log, STANDIN_CONTEXTS: 'lab', ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

const calls = (): string[][] => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).argv);
const jsonLines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));
const cells = (line: string) => line.trim().split(/\s{2,}/);

function itWithDocker(title: string, fn: (e: Engine) => Promise<void>, timeout = 240_000) {
  it(title, async (ctx) => {
    if (typeof docker === 'string') {
      if (CI) throw new Error(`docker cannot start here: ${docker}`);
      ctx.skip(`docker cannot start here: ${docker}`);
      return;
    }
    await fn(docker);
  }, timeout);
}

describe('kubectl sbx over real containers', () => {
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(join(work, 'bin'));
    symlinkSync(join(PROJECT, 'test/kubectl/kubectl-standin.mjs'), join(work, 'bin/kubectl'));
    const roots = buildImageRoots(work);
    docker = await startDocker({ 'sbx-busybox': roots['sbx-busybox'], 'sbx-recon': roots['sbx-recon'] });
    if (typeof docker === 'string') return;
    const e = docker;
    // the debug container's default image is busybox: here, the imported static busybox
    expect(spawnSync(e.cli[0], [...e.cli.slice(1), 'tag', 'sbx-busybox', 'busybox']).status).toBe(0);
    const web = ['--label', 'app=web', '--user', '20000:20000'];
    const batch = ['--label', 'app=batch', '--label', 'annotation.kubectl.kubernetes.io/default-container=worker'];
    await Promise.all([
      e.start('k8s_app_web-0_shop', 'sbx-busybox', [...web, '--runtime', 'runc']),
      e.start('k8s_app_web-1_shop', 'sbx-busybox', [...web, '--runtime', 'runsc']),
      e.start('k8s_worker_batch-0_shop', 'sbx-busybox', batch),
      e.start('k8s_log_batch-0_shop', 'sbx-busybox', batch),
      e.start('k8s_app_stuck-0_shop', 'sbx-busybox', ['--label', 'app=web']),
      e.start('k8s_app_done-0_shop', 'sbx-busybox', ['--label', 'app=web'], ['/bin/sh', '-c', 'exit 0']),
      // no shell, no sleep: the helper itself waits on the open stdin as the container's process
      e.start('k8s_main_distroless-0_tools', 'sbx-recon', ['--label', 'app=distroless', '--user', '20000:20000', '--cap-drop', 'ALL', '--read-only'], ['/usr/local/bin/sbx-helper']),
    ]);
    // frozen: listed as running, but nothing can be started in it (as on a node that stopped answering)
    const paused = spawnSync(e.cli[0], [...e.cli.slice(1), 'pause', 'k8s_app_stuck-0_shop'], { encoding: 'utf8' });
    expect(paused.status, paused.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    if (typeof docker !== 'string') await docker.stop();
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  itWithDocker('one pod: kubectl exec -i with the user\'s --context, the report as sbx-detect gives it through --via', async (e) => {
    writeFileSync(log, '');
    const tables = await plugin(['web-0', '-n', 'shop', '--context', 'lab']);
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout).toMatch(/^Pod shop\/web-0 container app, node \S+; collected through kubectl exec into app\n/);
    expect(tables.stdout).toContain('Sandbox: runc-class container');
    expect(tables.stdout).toMatch(/uid\s+│ 20000/);
    // every kubectl call carries the context, first; the collection is exactly kubectl exec -i
    const made = calls();
    expect(made.every((a) => a[0] === '--context=lab')).toBe(true);
    expect(made.map((a) => a.slice(1, 9))).toEqual([
      ['get', 'pod', 'web-0', '-n', 'shop', '-o', 'json'],
      ['exec', '-i', '-n', 'shop', 'web-0', '-c', 'app', '--'],
    ]);
    expect(made[1].slice(9, 11)).toEqual(['sh', '-c']); // the bootstrap that uploads the helper

    const json = await plugin(['web-0', '-n', 'shop', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const [line, ...more] = jsonLines(json.stdout);
    expect(more).toEqual([]);
    expect(line.pod).toMatchObject({ namespace: 'shop', name: 'web-0', container: 'app', via: 'exec' });
    expect(line.exitCode).toBe(0);
    const { pod, exitCode, ...report } = line;
    expect(schemaErrors(report)).toEqual([]);
    const direct = spawnSync(process.execPath, [BUNDLE, '--via', e.via('k8s_app_web-0_shop'), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(direct.status, direct.stderr).toBe(0);
    expect(comparable(report)).toEqual(comparable(JSON.parse(direct.stdout)));
    expect(report.collection).toMatchObject({ method: 'remote', channel: 'kubectl exec -i -n shop web-0 -c app --', helper: { how: 'uploaded', removedOwnCopy: true } });

    // the old plugin's form: sbx-detect's options after `--`
    const old = await plugin(['web-0', '-n', 'shop', '--json', '--', '--expect', 'sandbox=gvisor']);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('kubectl-sbx: shop/web-0: --expect sandbox=gvisor: fail, observed runc-class');

    // a context the kubeconfig does not have: kubectl's own error, exit 5
    const wrong = await plugin(['web-0', '-n', 'shop', '--context=prod']);
    expect(wrong.code).toBe(5);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('context "prod" does not exist');
    const missing = await plugin(['web-9', '-n', 'shop']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('pods "web-9" not found');
  });

  itWithDocker('a container without a shell: an ephemeral debug container with --target reads the target\'s /proc/1, and says the scan is its own', async (e) => {
    writeFileSync(log, '');
    const r = await plugin(['distroless-0', '-n', 'tools', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [line] = jsonLines(r.stdout);
    expect(line.pod).toMatchObject({ namespace: 'tools', name: 'distroless-0', container: 'main', via: 'debug', debug: { image: 'busybox', profile: 'general', targetPid: 1 } });
    expect(line.pod.debug.reason).toBe('main has no POSIX shell');
    const debugCall = calls().find((a) => a[0] === 'debug')!;
    expect(debugCall.slice(0, 8)).toEqual(['debug', '-i', '-n', 'tools', 'distroless-0', '--image=busybox', '--target=main', '-c']);
    expect(debugCall.slice(9, 15)).toEqual(['--profile=general', '--quiet', '--', 'sh', '-c', ATTACH_WAIT]);
    expect(debugCall.slice(16, 18)).toEqual(['sh', '-c']); // then the bootstrap, as through kubectl exec
    // the same facts the tool reads inside that very container (the recon image carries it)
    const inside = await e.exec('k8s_main_distroless-0_tools', ['/usr/local/bin/sbx-detect', '--json', '--no-syscalls']);
    expect(inside.code, inside.stderr).toBe(0);
    const own = JSON.parse(inside.stdout).facts;
    const f = line.facts;
    expect(f.process.uid).toMatchObject({ known: true, value: { effective: 20000 }, source: '/proc/1/status Uid' });
    for (const k of ['uid', 'gid', 'seccomp', 'noNewPrivs']) expect(f.process[k].value).toEqual(own.process[k].value);
    for (const set of ['effective', 'bounding', 'permitted']) expect(f.process.capabilities[set].value).toEqual(own.process.capabilities[set].value);
    expect(f.process.capabilities.bounding.value.names).toEqual([]); // --cap-drop ALL, while the debug container has SYS_PTRACE
    for (const t of ['mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup']) expect(f.namespaces.entries[t].value.inode).toBe(own.namespaces.entries[t].value.inode);
    expect(f.cgroups.lines.value).toEqual(own.cgroups.lines.value);
    expect(f.mounts.readOnlyRoot).toMatchObject({ known: true, value: true }); // the debug container's own root is writable
    expect(f.mounts.entries.value.length).toBe(own.mounts.entries.value.length);
    // the scan ran, in the debug container, and says so
    expect(f.native.syscalls.known).toBe(true);
    expect(f.native.syscalls.source).toMatch(/in the ephemeral debug container sbx-detect-[0-9a-f]+/);
    expect(line.verdict.seccompProfile.reason).toMatch(/^of the debug container sbx-detect-[0-9a-f]+, where the scan ran/);
    // the scan was planned and read with the helper's own identity: root with Docker's default
    // capabilities plus the general profile's SYS_PTRACE, not the target's uid 20000 and none
    expect(line.pod.debug.scanAs.uid).toBe(0);
    expect(line.pod.debug.scanAs.capabilities).toEqual(expect.arrayContaining(['chown', 'setuid', 'sys_ptrace']));
    expect(line.verdict.sandbox.class).toBe('runc-class');

    const tables = await plugin(['distroless-0', '-n', 'tools']);
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout).toMatch(/collected through ephemeral debug container sbx-detect-[0-9a-f]+ \(image busybox\) targeting main/);
    expect(tables.stdout).toMatch(/note: collected in the ephemeral debug container .*read from \/proc\/1\/….*the syscall scan \(it ran as uid 0 with capabilities [a-z_ ]*sys_ptrace[a-z_ ]*\), its seccomp profile, CPUID and the root-filesystem markers are the debug container's own/s);
    const refused = await plugin(['distroless-0', '-n', 'tools', '--no-debug']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/tools\/distroless-0: kubectl exec: .*no POSIX shell/);
  });

  itWithDocker('a fleet: --all with --parallel 2 collects every running pod (runc and gVisor), a pod it cannot reach is named and the rest still reported (exit 5)', async () => {
    writeFileSync(log, '');
    const r = await plugin(['--all', '-n', 'shop', '--parallel', '2']);
    expect(r.code, r.stderr).toBe(5);
    const lines = r.stdout.split('\n');
    expect(cells(lines[0])).toEqual(['NAMESPACE', 'POD', 'CONTAINER', 'ARCH', 'SANDBOX', 'PLATFORM', 'SECCOMP', 'NON-ROOT', 'CAPS', 'PRIVILEGED', 'CHECKS']);
    const rows = Object.fromEntries(lines.slice(1, 5).map((l) => [cells(l)[1], cells(l)]));
    expect(Object.keys(rows).sort()).toEqual(['batch-0', 'stuck-0', 'web-0', 'web-1']);
    expect(rows['web-0']).toEqual(['shop', 'web-0', 'app', 'amd64', 'runc-class', 'runc', 'docker-default', 'yes', 'none', 'no', '-']);
    expect(rows['web-1'].slice(0, 5)).toEqual(['shop', 'web-1', 'app', 'amd64', 'gvisor']);
    expect(['ptrace', 'systrap', 'kvm']).toContain(rows['web-1'][5]);
    expect(rows['web-1'].slice(6)).toEqual(['disabled', 'yes', 'none', 'no', '-']); // runsc without --oci-seccomp: no filter
    // the listing's order (kubectl's: by name), not the order the pods finished in
    expect(lines.slice(1, 5).map((l) => cells(l)[1])).toEqual(['batch-0', 'stuck-0', 'web-0', 'web-1']);
    expect(rows['batch-0']).toEqual(['shop', 'batch-0', 'worker', 'amd64', 'runc-class', 'runc', 'docker-default', 'no', 'default (14)', 'no', '-']);
    expect(rows['stuck-0']).toEqual(['shop', 'stuck-0', 'app', 'amd64', 'unreachable', '-', '-', '-', '-', '-', 'exit 5']);
    expect(r.stdout).toMatch(/not audited:\n {2}shop\/stuck-0 \(app\): kubectl exec: /);
    expect(r.stderr).toContain('skipped shop/done-0: Succeeded, not Running');
    // listed once, nodes once, then one exec per running pod; never more than 2 at once is
    // not visible in the log, but every pod's exec is there exactly once
    const made = calls().map((a) => a.slice(0, 6).join(' '));
    expect(made.filter((c) => c.startsWith('get pods'))).toEqual(['get pods -n shop -o json']);
    expect(made.filter((c) => c.startsWith('exec')).sort()).toEqual(['batch-0', 'stuck-0', 'web-0', 'web-1'].map((p) => `exec -i -n shop ${p} -c`).sort());
    console.log(`fleet of 4 pods, --parallel 2: ${(r.ms / 1000).toFixed(2)} s\n${r.stdout}`);
  });

  itWithDocker('-A --json -l: one JSON line per pod, in listing order; --expect failing on one pod gives exit 1, over the unreachable one', async (e) => {
    const r = await plugin(['-A', '-l', 'app=web', '--json', '--parallel', '3', '--expect', 'sandbox=runc-class', '--expect', 'non-root=true']);
    expect(r.code, r.stderr).toBe(1);
    const docs = jsonLines(r.stdout);
    expect(docs.map((d) => `${d.pod.namespace}/${d.pod.name}:${d.exitCode}`).sort()).toEqual(['shop/stuck-0:5', 'shop/web-0:0', 'shop/web-1:1']);
    // in the order kubectl listed them, whichever finished first
    const listed = spawnSync(join(work, 'bin/kubectl'), ['get', 'pods', '-A', '-l', 'app=web', '-o', 'json'], {
      encoding: 'utf8', env: { ...process.env, STANDIN_DOCKER: JSON.stringify(e.cli) },
    });
    const running = JSON.parse(listed.stdout).items.filter((p: { status: { phase: string } }) => p.status.phase === 'Running');
    expect(docs.map((d) => d.pod.name)).toEqual(running.map((p: { metadata: { name: string } }) => p.metadata.name));
    for (const d of docs.filter((x) => x.exitCode !== 5)) {
      const { pod, exitCode, ...report } = d;
      expect(schemaErrors(report)).toEqual([]);
      expect(report.collection.bytesSent).toBeGreaterThan(60 * 1024); // the helper went up
      console.log(`${pod.name}: ${report.verdict.sandbox.class}, ${report.collection.roundTrips} round trips, ${report.collection.bytesSent} bytes sent, ${report.collection.bytesReceived} received, ${report.elapsedMs} ms`);
    }
    const web1 = docs.find((d) => d.pod.name === 'web-1');
    expect(web1.checks.expectations.results.map((x: { key: string; status: string }) => `${x.key}:${x.status}`)).toEqual(['sandbox:fail', 'non-root:pass']);
    expect(docs.find((d) => d.pod.name === 'stuck-0')).toMatchObject({ exitCode: 5, error: expect.stringMatching(/^kubectl exec: /) });
    expect(r.stderr).toMatch(/kubectl-sbx: shop\/web-1: --expect sandbox=runc-class: fail, observed gvisor/);
    expect(r.stderr).toMatch(/kubectl-sbx: shop\/stuck-0: kubectl exec: /);
  });

  itWithDocker('usage errors exit 2 before any kubectl call', async () => {
    writeFileSync(log, '');
    for (const args of [[], ['a', 'b'], ['a', '--all'], ['-A', '-n', 'x'], ['--all', '--parallel', '0'], ['a', '--expect', 'sandbox=nope'], ['a', '--bogus']]) {
      const r = await plugin(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^kubectl-sbx: .*\nTry kubectl sbx --help\.\n$/);
    }
    expect(calls()).toEqual([]);
    const help = await plugin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kubectl sbx POD [-n NS] [-c CONTAINER]');
  });
});

describe('kubectl sbx exit code of a fleet', () => {
  it('a definite failure wins over an unreachable pod, which wins over an internal error and an undetermined check', () => {
    expect(fleetExit([])).toBe(0);
    expect(fleetExit([0, 0])).toBe(0);
    expect(fleetExit([0, 3])).toBe(3);
    expect(fleetExit([3, 4])).toBe(4);
    expect(fleetExit([3, 5, 4])).toBe(5);
    expect(fleetExit([5, 1, 3])).toBe(1);
  });
});

