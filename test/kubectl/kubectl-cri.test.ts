// kubectl sbx over real CRI pods: the CRI harness (test/runtimes/cri.ts) runs the pods under the
// RuntimeClass handlers runc and runsc, and test/kubectl/kubectl-cri-standin.mjs, first on PATH as
// `kubectl`, serves `get` from the CRI's sandboxes and containers, `exec -i` through `ctr task
// exec`, and `debug` as a container added to the pod's own sandbox. The plugin is the real one.
//   shop/web-runc        runc, busybox, uid 20000, RuntimeDefault
//   shop/web-gvisor      runsc, the same
//   declared/claims-gvisor  runc, hardened; its spec (annotation pod.spec) says runtimeClassName gvisor
//   declared/drops-all   runc, containerd's default capabilities; its spec says drop ALL
//   tools/recon-gvisor   runsc, the recon image (no shell): collected through a debug container
//                        added to the gVisor pod's sandbox
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { parseYamlDocuments } from '../ship/yaml-subset.js';
import { type CriLab, criStaticCheck, importPause, startCri } from '../runtimes/cri.js';
import { PROJECT, ensureBuilt } from '../support/built.js';
import { buildImageRoots } from '../support/engines.js';
import { itWith } from '../support/runtime-it.js';
import { schemaErrors } from '../support/schema.js';

const PLUGIN = join(PROJECT, 'bin/kubectl-sbx');
const BUSYBOX = 'localhost/sbx-busybox:test';
const RECON = 'localhost/sbx-recon:test';
const why = criStaticCheck();
let lab: CriLab | string = why ?? 'not started';
let work = '';

type Obj = Record<string, any>;
const RUNTIME_CLASSES = { apiVersion: 'v1', kind: 'List', items: (parseYamlDocuments(readFileSync(join(PROJECT, 'deploy/runtimeclasses.yaml'), 'utf8')) as Obj[]).filter((d) => d.kind === 'RuntimeClass') };
const HARDENED = { runAsUser: 20000, runAsGroup: 20000, capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false, seccompProfile: 'RuntimeDefault' as const };

function plugin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const l = lab as CriLab;
  return new Promise((resolve) => {
    const child = spawn(PLUGIN, args, {
      env: {
        ...process.env, PATH: `${join(work, 'bin')}:${process.env.PATH}`, NO_COLOR: '1',
        STANDIN_CRI: JSON.stringify({ socket: l.socket, ctr: l.ctr }), STANDIN_IMAGES: JSON.stringify({ busybox: BUSYBOX }),
        STANDIN_RUNTIMECLASSES: join(work, 'runtimeclasses.json'), STANDIN_LOG: join(work, 'kubectl.log'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kubectl sbx over CRI pods (containerd 1.7, handlers runc and runsc)', () => {
  beforeAll(async () => {
    if (why) return;
    ensureBuilt();
    work = mkdtempSync('/var/tmp/sbx-kubectl-cri-');
    mkdirSync(join(work, 'bin'));
    symlinkSync(join(PROJECT, 'test/kubectl/kubectl-cri-standin.mjs'), join(work, 'bin/kubectl'));
    writeFileSync(join(work, 'runtimeclasses.json'), JSON.stringify(RUNTIME_CLASSES));
    lab = await startCri();
    if (typeof lab === 'string') return;
    const l = lab;
    await importPause(l);
    const roots = buildImageRoots(join(work, 'images'));
    await l.importImage(BUSYBOX, roots['sbx-busybox'], {});
    // the recon image plus a static idle process (the harness's pause) to keep the pod up: still no shell
    execFileSync('musl-gcc', ['-static', '-Os', '-s', '-o', join(roots['sbx-recon'], 'usr/local/bin/idle'), join(PROJECT, 'test/runtimes/cri-pause.c')]);
    await l.importImage(RECON, roots['sbx-recon'], { user: '20000:20000', entrypoint: ['/usr/local/bin/sbx-detect'] });
    const sleep = ['/bin/sleep', '3600'];
    await l.runPod({ name: 'web-runc', namespace: 'shop', handler: 'runc', containers: [{ name: 'app', image: BUSYBOX, command: sleep, runAsUser: 20000, seccompProfile: 'RuntimeDefault' }] });
    await l.runPod({ name: 'web-gvisor', namespace: 'shop', handler: 'runsc', containers: [{ name: 'app', image: BUSYBOX, command: sleep, runAsUser: 20000, seccompProfile: 'RuntimeDefault' }] });
    await l.runPod({
      name: 'claims-gvisor', namespace: 'declared', handler: 'runc',
      annotations: { 'pod.spec': JSON.stringify({ runtimeClassName: 'gvisor', hostNetwork: true, containers: [{ name: 'app', image: BUSYBOX, securityContext: { ...HARDENED, seccompProfile: { type: 'RuntimeDefault' } } }] }) },
      containers: [{ name: 'app', image: BUSYBOX, command: sleep, ...HARDENED }],
    });
    await l.runPod({
      name: 'drops-all', namespace: 'declared', handler: 'runc',
      annotations: { 'pod.spec': JSON.stringify({ hostNetwork: true, containers: [{ name: 'app', image: BUSYBOX, securityContext: { capabilities: { drop: ['ALL'] } } }] }) },
      containers: [{ name: 'app', image: BUSYBOX, command: sleep }],
    });
    // no shell
    await l.runPod({ name: 'recon-gvisor', namespace: 'tools', handler: 'runsc', automountServiceAccountToken: false, containers: [{ name: 'main', image: RECON, command: ['/usr/local/bin/idle'], ...HARDENED, readOnlyRootFilesystem: true }] });
  }, 300_000);

  afterAll(async () => {
    if (typeof lab !== 'string') await lab.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  itWith(() => lab, 'CRI pods', '-A --strict: each pod its class under its handler, a debug container into the gVisor pod without a shell, the mismatches named, exit 1', async () => {
    // --debug: the recon pod has no shell, and an audit adds no ephemeral container unless asked
    const r = await plugin(['-A', '--strict', '--json', '--parallel', '2', '--debug']);
    expect(r.code, r.stderr).toBe(1);
    const docs = r.stdout.trim().split('\n').map((x) => JSON.parse(x));
    const by = Object.fromEntries(docs.map((d) => [`${d.pod.namespace}/${d.pod.name}`, d]));
    expect(Object.keys(by)).toEqual(['declared/claims-gvisor', 'declared/drops-all', 'shop/web-gvisor', 'shop/web-runc', 'tools/recon-gvisor']);
    for (const d of docs) {
      const { pod, exitCode, ...report } = d;
      expect(schemaErrors(report), pod.name).toEqual([]);
      expect(report.verdict.kubernetes.pod, pod.name).toBe(true);
      expect(report.verdict.engine.engine, pod.name).toBe('containerd');
    }
    expect(by['shop/web-runc'].verdict.sandbox.class).toBe('runc-class');
    expect(by['shop/web-runc'].verdict.seccompProfile).toMatchObject({ verdict: 'containerd-default', release: '1.7' });
    expect(by['shop/web-gvisor'].verdict.sandbox.class).toBe('gvisor');
    expect(by['shop/web-gvisor'].verdict.platform.value).toBe('systrap');
    // every pod here is host-network (no CNI on this machine): inside gVisor the host's net
    // namespace cannot be seen, so that one field is undetermined, and nothing mismatches
    const gv = by['shop/web-gvisor'].declared;
    expect(gv).toMatchObject({ status: 'undetermined', mismatches: [] });
    expect(gv.rows.filter((x: { status: string }) => x.status !== 'match').map((x: { field: string }) => x.field)).toEqual(['hostNetwork']);
    expect(by['shop/web-runc'].declared).toMatchObject({ status: 'match', mismatches: [] });
    // the debug container joined the gVisor pod's own sandbox: gVisor, as the pod
    const recon = by['tools/recon-gvisor'];
    expect(recon.pod).toMatchObject({ via: 'debug', debug: { reason: 'main has no POSIX shell' } });
    expect(recon.verdict.sandbox.class).toBe('gvisor');
    expect(by['declared/claims-gvisor'].declared).toMatchObject({ status: 'mismatch', mismatches: ['runtimeClassName'] });
    expect(by['declared/drops-all'].declared.mismatches).toEqual(['capabilities']);
    const flagged = r.stderr.split('\n').filter((x) => x.includes('declared ⇄ enforced: ✗')).map((x) => /^kubectl-sbx: (\S+): declared ⇄ enforced: ✗ (\w+)/.exec(x)?.slice(1).join(' '));
    expect(flagged).toEqual(['declared/claims-gvisor runtimeClassName', 'declared/drops-all capabilities']);
    // under gVisor behind the runc shim, the debug container does not get the target's PID
    // namespace (containerd names the target by its host pid, here the wrapper's waiter, which
    // runsc cannot join): the sandbox is observed right, and PID 1 there is the debug container's
    // own process, which the tool sees (it shares the probe's mounts) and refuses to take for the
    // target's: the per-process rows are undetermined, not the debug container's facts held
    // against the target's spec (#23) — a limit of this setup, said in docs/cri-pods.md
    expect(recon.verdict.workload).toMatchObject({ subject: 'none', reason: expect.stringMatching(/debug container's own process, not the target's/) });
    const rows = Object.fromEntries(recon.declared.rows.map((x: { field: string; status: string }) => [x.field, x.status]));
    expect(rows.runtimeClassName).toBe('match');
    expect(recon.declared.mismatches).toEqual([]);
    console.log(docs.map((d) => `${d.pod.namespace}/${d.pod.name}: ${d.verdict.headline}; ${d.declared?.status} ${d.exitCode}`).join('\n'));
  }, 300_000);
});
