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
// Declared versus enforced (#15): every pod above declares what its container really runs (the
// stand-in writes the spec from the docker configuration); these declare something of their own
// (a "pod.spec" label), and what is enforced is, as everywhere, what the real container shows:
//   declared/claims-gvisor-0  runc, hardened; its spec says runtimeClassName: gvisor
//   declared/gvisor-0         runsc, hardened; the same spec
//   declared/drop-all-0       runc, root with Docker's default capabilities; its spec says drop ALL
//   declared/hardened-0       runc, hardened; its spec says exactly that
//   declared/userns-0         runc, hardened; its spec also says hostUsers: false and AppArmor
//                            RuntimeDefault, which this machine enforces neither of (#23)
// (hardened: uid 20000, --cap-drop ALL, --read-only with an exec tmpfs /tmp — an emptyDir in the
// spec — and no-new-privileges). The seed's StatefulSet (deploy/) rendered to a pod runs, for one
// test only, in seed-runsc/sbx-recon-0 and seed-runc/sbx-recon-0.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertJUnitToCTRFReport } from 'junit-to-ctrf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACH_WAIT } from '../../src/kubectl/kubectl.js';
import { worstExit as fleetExit } from '../../src/exit-codes.js';
import { BUNDLE, ensureBuilt, PROJECT } from '../support/built.js';
import { comparable } from '../support/comparable.js';
import { buildImageRoots, type Engine, startDocker } from '../support/engines.js';
import { itWithEngine } from '../support/runtime-it.js';
import { schemaErrors } from '../support/schema.js';
import { parseYamlDocuments } from '../ship/yaml-subset.js';

const PLUGIN = join(PROJECT, 'bin/kubectl-sbx');
const work = mkdtempSync(join(tmpdir(), 'sbx-kubectl-test-'));
const log = join(work, 'kubectl.log');
const runtimeClassesFile = join(work, 'runtimeclasses.json');
// deploy/runtimeclasses.yaml as the API server would list it
type Obj = Record<string, any>;
const deployDocs = (file: string) => parseYamlDocuments(readFileSync(join(PROJECT, 'deploy', file), 'utf8')) as Obj[];
const RUNTIME_CLASSES = { apiVersion: 'v1', kind: 'List', items: deployDocs('runtimeclasses.yaml').filter((d) => d.kind === 'RuntimeClass') };

/** A hardened pod's spec, as its author would write it (one container, app). */
const HARDENED_SPEC = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 20000, runAsGroup: 20000, seccompProfile: { type: 'RuntimeDefault' } },
  volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }],
  containers: [{
    name: 'app', image: 'sbx-busybox', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  }],
};
/** …and the docker flags that carry it out (the emptyDir is the exec tmpfs the helper runs from). */
const HARDENED_RUN = ['--user', '20000:20000', '--cap-drop', 'ALL', '--read-only', '--tmpfs', '/tmp:rw,exec,mode=1777', '--security-opt', 'no-new-privileges'];
const declares = (spec: object) => ['--label', `pod.spec=${JSON.stringify(spec)}`];
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
        STANDIN_DOCKER: JSON.stringify(e.cli), STANDIN_LOG: log, STANDIN_CONTEXTS: 'lab', STANDIN_RUNTIMECLASSES: runtimeClassesFile, ...env,
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

const itWithDocker = (title: string, fn: (e: Engine) => Promise<void>, timeout?: number) => itWithEngine(() => docker, title, fn, timeout);

describe('kubectl sbx over real containers', () => {
  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(join(work, 'bin'));
    writeFileSync(runtimeClassesFile, JSON.stringify(RUNTIME_CLASSES));
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
      e.start('k8s_app_claims-gvisor-0_declared', 'sbx-busybox', [...HARDENED_RUN, '--runtime', 'runc', ...declares({ ...HARDENED_SPEC, runtimeClassName: 'gvisor' })]),
      e.start('k8s_app_gvisor-0_declared', 'sbx-busybox', [...HARDENED_RUN, '--runtime', 'runsc', ...declares({ ...HARDENED_SPEC, runtimeClassName: 'gvisor' })]),
      e.start('k8s_app_drop-all-0_declared', 'sbx-busybox', ['--runtime', 'runc', ...declares({ containers: [{ name: 'app', image: 'sbx-busybox', securityContext: { capabilities: { drop: ['ALL'] } } }] })]),
      e.start('k8s_app_hardened-0_declared', 'sbx-busybox', [...HARDENED_RUN, '--runtime', 'runc', ...declares(HARDENED_SPEC)]),
      e.start('k8s_app_userns-0_declared', 'sbx-busybox', [...HARDENED_RUN, '--runtime', 'runc', ...declares({
        ...HARDENED_SPEC, hostUsers: false, containers: [{ ...HARDENED_SPEC.containers[0], securityContext: { ...HARDENED_SPEC.containers[0].securityContext, appArmorProfile: { type: 'RuntimeDefault' } } }],
      })]),
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
    // the first screen: the verdict, the user, the findings
    expect(tables.stdout).toContain('Sandbox: runc-class container');
    expect(tables.stdout).toMatch(/^ {2}user {10}uid 20000, gid 20000 \(not root\)/m);
    expect(tables.stdout).toMatch(/^Findings: /m);
    // every kubectl call carries the context, first; the collection is exactly kubectl exec -i
    const made = calls();
    expect(made.every((a) => a[0] === '--context=lab')).toBe(true);
    // the pod and the RuntimeClasses (for declared ⇄ enforced) are read at once, then the exec
    expect(made.slice(0, 2).map((a) => a.slice(1, 9)).sort()).toEqual([
      ['get', 'pod', 'web-0', '-n', 'shop', '-o', 'json'],
      ['get', 'runtimeclasses', '-o', 'json'],
    ]);
    expect(made.slice(2).map((a) => a.slice(1, 9))).toEqual([['exec', '-i', '-n', 'shop', 'web-0', '-c', 'app', '--']]);
    expect(made[2].slice(9, 11)).toEqual(['sh', '-c']); // the bootstrap that uploads the helper
    // --full: every table, as sbx-detect --full prints them
    const full = await plugin(['web-0', '-n', 'shop', '--context', 'lab', '--full']);
    expect(full.stdout).toMatch(/uid\s+│ 20000/);
    expect(full.stdout).toContain('\nProcess (the probe)\n');

    const json = await plugin(['web-0', '-n', 'shop', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const [line, ...more] = jsonLines(json.stdout);
    expect(more).toEqual([]);
    expect(line.pod).toMatchObject({ namespace: 'shop', name: 'web-0', container: 'app', via: 'exec' });
    expect(line.exitCode).toBe(0);
    const { pod, exitCode, declared, ...report } = line;
    expect(schemaErrors({ ...report, declared })).toEqual([]);
    // the pod's spec, held against the report (the stand-in's spec is what the container runs)
    expect(declared).toMatchObject({ status: 'match', spec: { pod: 'web-0', container: 'app', runAsUser: { value: 20000 } } });
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

  itWithDocker('a container without a shell: by default it is not reached, and says what --debug would leave behind; with --debug an ephemeral container reads the target\'s /proc/1 as the workload, and says the scan is its own', async (e) => {
    writeFileSync(log, '');
    // an audit changes no pod unless asked (#23): no debug container by default
    const refused = await plugin(['distroless-0', '-n', 'tools']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/tools\/distroless-0: kubectl exec: .*no POSIX shell.*--debug would add an ephemeral container \(image busybox\).*cannot be removed/);
    expect(calls().some((a) => a[0] === 'debug')).toBe(false);

    const r = await plugin(['distroless-0', '-n', 'tools', '--json', '--debug']);
    expect(r.code, r.stderr).toBe(0);
    const [line] = jsonLines(r.stdout);
    expect(line.pod).toMatchObject({ namespace: 'tools', name: 'distroless-0', container: 'main', via: 'debug', debug: { image: 'busybox', profile: 'general', targetPid: 1 } });
    expect(line.pod.debug.reason).toBe('main has no POSIX shell');
    expect(line.pod.debug.leaves).toMatch(/cannot be removed/);
    const debugCall = calls().find((a) => a[0] === 'debug')!;
    expect(debugCall.slice(0, 8)).toEqual(['debug', '-i', '-n', 'tools', 'distroless-0', '--image=busybox', '--target=main', '-c']);
    expect(debugCall.slice(9, 15)).toEqual(['--profile=general', '--quiet', '--', 'sh', '-c', ATTACH_WAIT]);
    expect(debugCall.slice(16, 18)).toEqual(['sh', '-c']); // then the bootstrap, as through kubectl exec
    // the same facts the tool reads inside that very container (the recon image carries it)
    const inside = await e.exec('k8s_main_distroless-0_tools', ['/usr/local/bin/sbx-detect', '--json', '--no-syscalls']);
    expect(inside.code, inside.stderr).toBe(0);
    const own = JSON.parse(inside.stdout).facts;
    const w = line.facts.workload;
    expect(line.verdict.workload).toMatchObject({ subject: 'workload', pid: 1, sameProcess: false, probeElsewhere: expect.stringMatching(/^in the ephemeral debug container sbx-detect-[0-9a-f]+$/) });
    expect(w.process.uid).toMatchObject({ known: true, value: { effective: 20000 }, source: '/proc/1/status Uid' });
    for (const k of ['uid', 'gid', 'seccomp', 'noNewPrivs']) expect(w.process[k].value).toEqual(own.process[k].value);
    for (const set of ['effective', 'bounding', 'permitted']) expect(w.process.capabilities[set].value).toEqual(own.process.capabilities[set].value);
    expect(w.process.capabilities.bounding.value.names).toEqual([]); // --cap-drop ALL, while the debug container has SYS_PTRACE
    for (const t of ['mnt', 'pid', 'net', 'ipc', 'uts', 'cgroup']) expect(w.namespaces[t].value.inode).toBe(own.namespaces.entries[t].value.inode);
    expect(w.cgroup.value).toEqual(own.cgroups.lines.value);
    expect(w.rootMount).toMatchObject({ known: true, value: { readOnly: true } }); // the debug container's own root is writable
    // the probe is the debug container's helper: root with Docker's defaults plus the general profile's SYS_PTRACE
    expect(line.facts.process.uid.value.effective).toBe(0);
    expect(line.facts.process.capabilities.effective.value.names).toEqual(expect.arrayContaining(['chown', 'setuid', 'sys_ptrace']));
    expect(line.verdict.workload.differences.map((d: Obj) => d.field)).toEqual(expect.arrayContaining(['uid', 'capabilities.bounding']));
    // the scan ran, in the debug container: it says nothing of the target's filter
    expect(line.facts.native.syscalls.known).toBe(true);
    expect(line.verdict.workload.scan).toMatchObject({ describesWorkload: false });
    expect(line.verdict.seccompProfile).toMatchObject({ verdict: 'unknown', reason: expect.stringMatching(/the scan ran in the ephemeral debug container sbx-detect-[0-9a-f]+/) });
    expect(line.verdict.sandbox.class).toBe('runc-class');

    const tables = await plugin(['distroless-0', '-n', 'tools', '--debug']);
    expect(tables.code, tables.stderr).toBe(0);
    expect(tables.stdout).toMatch(/collected through ephemeral debug container sbx-detect-[0-9a-f]+ \(image busybox\) targeting main/);
    expect(tables.stdout).toMatch(/note: collected in the ephemeral debug container .*the verdicts describe main's main process, read from \/proc\/1\/….*the probe — the helper, its syscall scan, CPUID and the root-filesystem markers — is the debug container's own/s);
  });

  itWithDocker('a fleet: --all with --parallel 2 collects every running pod (runc and gVisor), a pod it cannot reach is named and the rest still reported (exit 5)', async () => {
    writeFileSync(log, '');
    const r = await plugin(['--all', '-n', 'shop', '--parallel', '2']);
    expect(r.code, r.stderr).toBe(5);
    const lines = r.stdout.split('\n');
    expect(cells(lines[0])).toEqual(['NAMESPACE', 'POD', 'CONTAINER', 'ARCH', 'SANDBOX', 'PLATFORM', 'SECCOMP', 'NON-ROOT', 'CAPS', 'PRIVILEGED', 'DECLARED⇄ENFORCED', 'CHECKS']);
    const rows = Object.fromEntries(lines.slice(1, 5).map((l) => [cells(l)[1], cells(l)]));
    expect(Object.keys(rows).sort()).toEqual(['batch-0', 'stuck-0', 'web-0', 'web-1']);
    expect(rows['web-0']).toEqual(['shop', 'web-0', 'app', 'amd64', 'runc-class', 'runc', 'docker-default', 'yes', 'none', 'no', '✓', '-']);
    expect(rows['web-1'].slice(0, 5)).toEqual(['shop', 'web-1', 'app', 'amd64', 'gvisor']);
    expect(['ptrace', 'systrap', 'kvm']).toContain(rows['web-1'][5]);
    expect(rows['web-1'].slice(6)).toEqual(['disabled', 'yes', 'none', 'no', '✓', '-']); // runsc without --oci-seccomp: no filter
    // the listing's order (kubectl's: by name), not the order the pods finished in
    expect(lines.slice(1, 5).map((l) => cells(l)[1])).toEqual(['batch-0', 'stuck-0', 'web-0', 'web-1']);
    expect(rows['batch-0']).toEqual(['shop', 'batch-0', 'worker', 'amd64', 'runc-class', 'runc', 'docker-default', 'no', 'default (14)', 'no', '✓', '-']);
    expect(rows['stuck-0']).toEqual(['shop', 'stuck-0', 'app', 'amd64', 'unreachable', '-', '-', '-', '-', '-', '-', 'exit 5']);
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

  itWithDocker('declared ⇄ enforced, one pod at a time: a runc container declared gvisor and default capabilities declared drop ALL are flagged (--strict: exit 1); the same spec under runsc and the hardened pod match', async () => {
    const names = ['claims-gvisor-0', 'gvisor-0', 'drop-all-0', 'hardened-0'];
    const runs = await Promise.all(names.map((n) => plugin([n, '-n', 'declared', '--json', '--strict'])));
    const doc = Object.fromEntries(names.map((n, i) => [n, { run: runs[i], line: jsonLines(runs[i].stdout)[0] }]));
    for (const n of names) {
      const { pod, exitCode, ...report } = doc[n].line;
      expect(schemaErrors(report), n).toEqual([]); // the declared block is in the report's schema
      expect(report.declared.spec).toMatchObject({ namespace: 'declared', pod: n, container: 'app' });
    }
    const rowOf = (n: string, field: string) => doc[n].line.declared.rows.find((r: { field: string }) => r.field === field);

    // runc, declared gvisor: only the sandbox is wrong, and both sides are named
    const claims = doc['claims-gvisor-0'];
    expect(claims.run.code, claims.run.stderr).toBe(1);
    expect(claims.line.verdict.sandbox.class).toBe('runc-class');
    expect(claims.line.declared).toMatchObject({ status: 'mismatch', exitCode: 1, mismatches: ['runtimeClassName'] });
    expect(rowOf('claims-gvisor-0', 'runtimeClassName')).toMatchObject({ declared: 'gvisor → handler runsc → gvisor', enforced: 'runc-class (runc)', status: 'mismatch' });
    expect(claims.run.stderr).toContain('kubectl-sbx: declared/claims-gvisor-0: declared ⇄ enforced: ✗ runtimeClassName: declared gvisor → handler runsc → gvisor, enforced runc-class (runc)');

    // runsc, the same spec: every field holds; under gVisor Seccomp: 0 and the missing NoNewPrivs
    // line are the sandbox boundary's, as --pss reasons
    const gv = doc['gvisor-0'];
    expect(gv.run.code, gv.run.stderr).toBe(0);
    expect(gv.line.verdict.sandbox.class).toBe('gvisor');
    expect(gv.line.declared).toMatchObject({ status: 'match', exitCode: 0, mismatches: [] });
    expect(rowOf('gvisor-0', 'runtimeClassName')).toMatchObject({ declared: 'gvisor → handler runsc → gvisor', status: 'match' });
    expect(rowOf('gvisor-0', 'runtimeClassName').enforced).toMatch(/^gvisor \((ptrace|systrap|kvm)\)$/);
    expect(rowOf('gvisor-0', 'seccompProfile')).toMatchObject({ enforced: 'disabled', status: 'match', reason: expect.stringMatching(/^enforced by the sandbox boundary/) });
    expect(rowOf('gvisor-0', 'capabilities')).toMatchObject({ enforced: 'bounding none; effective none', status: 'match' });

    // Docker's default capabilities under a spec that drops ALL: flagged, naming what is held
    const drop = doc['drop-all-0'];
    expect(drop.run.code, drop.run.stderr).toBe(1);
    expect(drop.line.declared.mismatches).toEqual(['capabilities']);
    const caps = rowOf('drop-all-0', 'capabilities');
    expect(caps).toMatchObject({ declared: 'drop ALL → bounding set {}', status: 'mismatch' });
    expect(caps.reason).toMatch(/^held although dropped: .*\bnet_raw\b/);

    // the hardened pod: every field its spec sets, and every default, matches
    const hard = doc['hardened-0'];
    expect(hard.run.code, hard.run.stderr).toBe(0);
    expect(hard.line.declared.status).toBe('match');
    expect(hard.line.declared.rows.map((r: { field: string; status: string }) => `${r.field}:${r.status}`)).toEqual([
      'runtimeClassName', 'privileged', 'capabilities', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'runAsGroup',
      'readOnlyRootFilesystem', 'seccompProfile', 'hostPID', 'hostIPC', 'hostNetwork', 'automountServiceAccountToken',
    ].map((f) => `${f}:match`));
    expect(rowOf('hardened-0', 'allowPrivilegeEscalation')).toMatchObject({ enforced: 'no_new_privs on' });
    expect(rowOf('hardened-0', 'seccompProfile').enforced).toBe('filtering (docker-default)');

    // without --strict the comparison is shown, not a check; as tables it is its own section
    const shown = await plugin(['claims-gvisor-0', '-n', 'declared']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/Declared ⇄ enforced \(declared\/claims-gvisor-0, container app\) ✗ runtimeClassName\n/);
    expect(shown.stderr).toBe('');
    // a handler the map says otherwise about: the class follows --handler-map
    const mapped = await plugin(['claims-gvisor-0', '-n', 'declared', '--json', '--strict', '--handler-map', 'runsc=runc-class']);
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(jsonLines(mapped.stdout)[0].declared.rows[0]).toMatchObject({ declared: 'gvisor → handler runsc → runc-class', status: 'match', reason: '--handler-map runsc=runc-class' });
    const bad = await plugin(['claims-gvisor-0', '--handler-map', 'runsc=vm-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('vm-ish is not a class');
  });

  itWithDocker('declared ⇄ enforced: the seed\'s StatefulSet from deploy/, rendered to a pod, matches under runsc and mismatches on the sandbox class alone under runc', async (e) => {
    const sts = deployDocs('recon-statefulset.yaml').find((d) => d.kind === 'StatefulSet')!;
    const spec = sts.spec.template.spec;
    const c = spec.containers[0];
    expect([spec.runtimeClassName, c.name, c.command]).toEqual(['gvisor', 'sbx-detect', ['/usr/local/bin/sbx-helper']]);
    const pod = `${sts.metadata.name}-0`;
    // what the kubelet would run for it, in docker's words; the image is the recon image (no shell)
    const run = ['--user', `${spec.securityContext.runAsUser}:${spec.securityContext.runAsGroup}`, '--cap-drop', 'ALL', '--read-only', '--security-opt', 'no-new-privileges', ...declares(spec)];
    const started: string[] = [];
    try {
      for (const [ns, runtime] of [['seed-runsc', 'runsc'], ['seed-runc', 'runc']]) {
        started.push(await e.start(`k8s_${c.name}_${pod}_${ns}`, 'sbx-recon', [...run, '--runtime', runtime], c.command));
      }
      // the image has no shell: the helper it carries is used, as a user of the seed would
      const [gv, rc] = await Promise.all(['seed-runsc', 'seed-runc'].map((ns) => plugin([pod, '-n', ns, '--helper-path', '/usr/local/bin/sbx-helper', '--json', '--strict'])));
      const g = jsonLines(gv.stdout)[0];
      expect(gv.code, gv.stderr).toBe(0);
      expect(g.verdict.sandbox.class).toBe('gvisor');
      expect(g.declared.status).toBe('match');
      expect(g.declared.rows.every((r: { status: string }) => r.status === 'match')).toBe(true);
      expect(g.declared.spec).toMatchObject({ sandbox: { runtimeClassName: 'gvisor', handler: 'runsc' }, runAsUser: { value: 20000, from: 'container' }, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      const r = jsonLines(rc.stdout)[0];
      expect(rc.code, rc.stderr).toBe(1);
      expect(r.verdict.sandbox.class).toBe('runc-class');
      expect(r.declared.mismatches).toEqual(['runtimeClassName']);
      expect(r.declared.rows.filter((x: { status: string }) => x.status !== 'match').map((x: { field: string }) => x.field)).toEqual(['runtimeClassName']);
      expect(rc.stderr).toContain(`kubectl-sbx: seed-runc/${pod}: declared ⇄ enforced: ✗ runtimeClassName: declared gvisor → handler runsc → gvisor, enforced runc-class`);
    } finally {
      // gone before the fleet runs -A: the helper-path collection is this test's only
      if (started.length) spawnSync(e.cli[0], [...e.cli.slice(1), 'rm', '-f', ...started]);
    }
  });

  itWithDocker('kubectl sbx -A --strict --debug over the whole fleet names every pod whose sandbox or security context is not what its spec says, and only those (exit 1)', async () => {
    writeFileSync(log, '');
    const junit = join(work, 'fleet.xml');
    const r = await plugin(['-A', '--strict', '--parallel', '4', '--debug', '--expect', 'max-severity=high', '--junit', junit]);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.split('\n');
    const end = lines.indexOf('');
    const rows = Object.fromEntries(lines.slice(1, end).map((l) => [`${cells(l)[0]}/${cells(l)[1]}`, cells(l)[10]]));
    expect(rows).toEqual({
      'declared/claims-gvisor-0': '✗ runtimeClassName',
      'declared/drop-all-0': '✗ capabilities',
      'declared/gvisor-0': '✓',
      'declared/hardened-0': '✓',
      // no user namespace of its own, and no AppArmor on this kernel (#23)
      'declared/userns-0': '✗ hostUsers,appArmorProfile',
      'shop/batch-0': '✓',
      'shop/stuck-0': '-',
      'shop/web-0': '✓',
      'shop/web-1': '✓',
      // through a debug container: the token was looked for in the debug container's own files
      'tools/distroless-0': '? automountServiceAccountToken',
    });
    const flagged = r.stderr.split('\n').filter((l) => l.includes('declared ⇄ enforced: ✗'));
    expect(flagged.map((l) => /^kubectl-sbx: (\S+): declared ⇄ enforced: ✗ (\w+): declared .*, enforced /.exec(l)?.slice(1).join(' '))).toEqual([
      'declared/claims-gvisor-0 runtimeClassName', 'declared/drop-all-0 capabilities', 'declared/userns-0 hostUsers', 'declared/userns-0 appArmorProfile',
    ]);
    expect(r.stdout).toMatch(/declared ⇄ enforced \(✗ the spec says otherwise, \? could not be decided\):\n {2}declared\/claims-gvisor-0 \(app\): ✗ runtimeClassName: declared gvisor → handler runsc → gvisor, enforced runc-class \(runc\)/);
    // the RuntimeClasses were listed once, beside the pods and the nodes
    expect(calls().filter((a) => a[0] === 'get').map((a) => a.slice(0, 2).join(' ')).sort()).toEqual(['get nodes', 'get pods', 'get runtimeclasses']);
    console.log(`-A --strict:\n${r.stdout}`);
    // --junit: one suite per pod, read back by an independent reader: the --expect and each
    // declared field (a check with --strict) a case; the pod not reached one failed case
    const ctrf = (await convertJUnitToCTRFReport(junit))!.results.tests;
    const suites = [...new Set(ctrf.map((t) => t.suite![0]))].sort();
    expect(suites).toEqual(['declared/claims-gvisor-0 (app)', 'declared/drop-all-0 (app)', 'declared/gvisor-0 (app)', 'declared/hardened-0 (app)',
      'declared/userns-0 (app)', 'shop/batch-0 (worker)', 'shop/stuck-0 (app)', 'shop/web-0 (app)', 'shop/web-1 (app)', 'tools/distroless-0 (main)']);
    const of = (pod: string) => ctrf.filter((t) => t.suite![0].startsWith(`${pod} `));
    expect(of('shop/stuck-0').map((t) => [t.name, t.status])).toEqual([['collect the report', 'failed']]);
    expect(of('declared/claims-gvisor-0').find((t) => t.name === 'runtimeClassName')).toMatchObject({ status: 'failed', message: expect.stringMatching(/^declared gvisor → handler runsc → gvisor, enforced runc-class/) });
    expect(of('shop/web-0').find((t) => t.name === 'max-severity=high')!.status).toBe('passed');
    expect(of('declared/hardened-0').every((t) => t.status === 'passed')).toBe(true);
    expect(of('declared/userns-0').filter((t) => t.status === 'failed').map((t) => t.name)).toEqual(['hostUsers', 'appArmorProfile']);
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

