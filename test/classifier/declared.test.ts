// Declared versus enforced (#15), the pure part: how a pod's JSON becomes its declaration (pod
// and container securityContext combined as Kubernetes combines them, runtimeClassName through
// its RuntimeClass's handler), and the comparison held against facts captured from real runtimes
// (fixtures/captures: runc with Docker's defaults as root, crun hardened, runsc hardened, a
// Kata-style QEMU guest). The live runs through kubectl are in test/kubectl/kubectl-sbx.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  classForHandler, compareDeclared, type DeclaredComparison, declarationFromPod, type DeclaredSpec, type HandlerOverride, parseHandlerMap, runtimeClassHandlers,
} from '../../src/classifier/declared-enforced.js';
import { classify, type Verdict } from '../../src/classifier/verdict.js';
import type { Facts } from '../../src/probes/index.js';
import { parseYamlDocuments } from '../ship/yaml-subset.js';
import { seen } from '../support/seen.js';

const ROOT = join(__dirname, '../..');
type Obj = Record<string, any>;

const captured = (name: string): Promise<{ facts: Facts; verdict: Verdict }> => seen(`capture:${name}`, { syscalls: true });

const HANDLERS = runtimeClassHandlers({
  items: parseYamlDocuments(readFileSync(join(ROOT, 'deploy/runtimeclasses.yaml'), 'utf8')).filter((d) => (d as Obj).kind === 'RuntimeClass'),
});

const pod = (spec: Obj, meta: Obj = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-0', namespace: 'ns', ...meta }, spec });
const HARDENED: Obj = {
  automountServiceAccountToken: false,
  securityContext: { runAsNonRoot: true, runAsUser: 20000, runAsGroup: 20000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } }],
};

function declare(p: unknown, container?: string, overrides: Map<string, HandlerOverride> = new Map()): DeclaredSpec {
  const d = declarationFromPod(p, container, { handlers: HANDLERS, overrides });
  if ('error' in d) throw new Error(d.error);
  return d;
}
const statuses = (c: DeclaredComparison) => Object.fromEntries(c.rows.map((r) => [r.field, r.status]));

let caps: Record<'runc' | 'crun' | 'runsc' | 'qemu', { facts: Facts; verdict: Verdict }>;
beforeAll(async () => {
  const [runc, crun, runsc, qemu] = await Promise.all(['runc', 'crun', 'runsc', 'qemu'].map(captured));
  caps = { runc, crun, runsc, qemu };
}, 60_000);

describe('the declaration, read as Kubernetes reads the spec', () => {
  it('a container\'s own runAsUser, runAsGroup, runAsNonRoot and seccompProfile win over the pod\'s, field by field; the others are the container\'s or the pod\'s alone', () => {
    const d = declare(pod({
      runtimeClassName: 'gvisor', hostPID: true, automountServiceAccountToken: true,
      securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        { name: 'a', securityContext: { runAsUser: 2000, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } },
        { name: 'b', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] } } },
      ],
    }), 'a');
    expect(d).toMatchObject({
      container: 'a', sandbox: { runtimeClassName: 'gvisor', handler: 'runsc', expected: { class: 'gvisor', detail: null } },
      runAsUser: { value: 2000, from: 'container' }, runAsGroup: { value: 1000, from: 'pod' }, runAsNonRoot: { value: true, from: 'pod' },
      seccompProfile: { value: { type: 'Localhost', localhostProfile: 'p.json' }, from: 'container' },
      privileged: false, capabilities: null, allowPrivilegeEscalation: null, readOnlyRootFilesystem: null,
      hostPID: true, hostIPC: false, hostNetwork: false, automountServiceAccountToken: true,
    });
    const b = declare(pod({ containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] } } }] }), 'b');
    expect(b).toMatchObject({ privileged: true, capabilities: { add: ['NET_ADMIN'], drop: [] }, runAsUser: null, seccompProfile: null, sandbox: { runtimeClassName: null, expected: { class: 'runc-class' } } });
  });

  it('the default container: the kubectl.kubernetes.io/default-container annotation, else the first; a missing one or a non-Pod is refused by name', () => {
    const spec = { containers: [{ name: 'log' }, { name: 'worker', securityContext: { runAsUser: 7 } }] };
    expect(declare(pod(spec, { annotations: { 'kubectl.kubernetes.io/default-container': 'worker' } })).container).toBe('worker');
    expect(declare(pod(spec)).container).toBe('log');
    expect(declarationFromPod(pod(spec), 'web', { handlers: null })).toEqual({ error: 'no container "web" in the pod\'s spec (it has log, worker)' });
    expect(declarationFromPod({ kind: 'Deployment', spec: {} }, undefined, { handlers: null })).toEqual({ error: 'a Deployment, not a Pod' });
    expect(declarationFromPod(pod({}), undefined, { handlers: null })).toEqual({ error: 'no containers in the pod\'s spec' });
  });

  it('handler names map to classes (kata-deploy\'s and gVisor\'s names), --handler-map overrides, an unknown name maps to nothing', () => {
    expect(HANDLERS).toEqual(new Map([['gvisor', 'runsc'], ['kata', 'kata'], ['kata-qemu', 'kata-qemu'], ['kata-clh', 'kata-clh'], ['kata-fc', 'kata-fc']]));
    const none = new Map<string, HandlerOverride>();
    const cls = (h: string, o = none) => { const e = classForHandler(h, o); return e && `${e.class}${e.detail ? `/${e.detail}` : ''}`; };
    expect(['runsc', 'runsc-kvm', 'kata', 'kata-qemu', 'kata-qemu-tdx', 'kata-clh', 'kata-fc', 'kata-dragonball', 'sysbox-runc', 'runc', 'crun', 'youki-x'].map((h) => cls(h))).toEqual([
      'gvisor', 'gvisor', 'kata', 'kata/qemu', 'kata/qemu', 'kata/cloud-hypervisor', 'kata/firecracker', 'kata/dragonball', 'sysbox', 'runc-class', 'runc-class', null,
    ]);
    const p = parseHandlerMap('youki-x=runc-class');
    expect(p).toEqual({ name: 'youki-x', override: { class: 'runc-class', detail: null } });
    expect(cls('youki-x', new Map([['youki-x', { class: 'runc-class', detail: null }]]))).toBe('runc-class');
    expect(cls('runsc', new Map([['runsc', { class: 'kata', detail: 'qemu' }]]))).toBe('kata/qemu');
    expect(parseHandlerMap('vm=kata/firecracker')).toEqual({ name: 'vm', override: { class: 'kata', detail: 'firecracker' } });
    expect(parseHandlerMap('vm=virtual')).toEqual({ error: expect.stringContaining('virtual is not a class') });
    expect(parseHandlerMap('vm')).toEqual({ error: expect.stringContaining('give NAME=CLASS') });
  });

  it('RuntimeClasses that could not be read: the runtimeClassName itself is mapped, and says so', () => {
    const d = declarationFromPod(pod({ runtimeClassName: 'gvisor', containers: [{ name: 'a' }] }), undefined, { handlers: null, handlersUnread: 'forbidden' });
    expect(d).toMatchObject({ sandbox: { handler: null, handlerSource: 'the RuntimeClasses were not read (forbidden): the RuntimeClass\'s own name is mapped', expected: { class: 'gvisor' } } });
  });
});

describe('held against captures of real runtimes', () => {
  it('runc as root with Docker\'s defaults, declared as the hardened gVisor pod: every field it breaks is flagged with both values', () => {
    const c = compareDeclared(declare(pod({ ...HARDENED, runtimeClassName: 'gvisor' })), caps.runc.facts, caps.runc.verdict);
    expect(c.status).toBe('mismatch');
    expect(c.exitCode).toBe(1);
    expect(c.mismatches).toEqual(['runtimeClassName', 'capabilities', 'allowPrivilegeEscalation', 'runAsNonRoot', 'runAsUser', 'runAsGroup', 'readOnlyRootFilesystem']);
    expect(statuses(c)).toMatchObject({ privileged: 'match', seccompProfile: 'match', hostPID: 'match', hostIPC: 'match', hostNetwork: 'match', automountServiceAccountToken: 'match' });
    expect(c.rows[0]).toMatchObject({ field: 'runtimeClassName', declared: 'gvisor → handler runsc → gvisor', enforced: 'runc-class (runc)' });
    expect(c.rows.find((r) => r.field === 'runAsUser')).toMatchObject({ declared: '20000 (pod)', enforced: 'uid 0' });
    // kernel 6.18: the initial net namespace has a fixed inode, so "not the host's" is decided
    expect(c.rows.find((r) => r.field === 'hostNetwork')!.reason).toMatch(/^\/proc\/self\/ns\/net: kernel 6\.18\.\S+ \(6\.18 or later\)/);
  });

  it('the hardened spec without a runtimeClassName matches crun\'s hardened run; the same with gvisor matches runsc\'s, its boundary standing in for seccomp, no_new_privs and namespaces', () => {
    const crun = compareDeclared(declare(pod(HARDENED)), caps.crun.facts, caps.crun.verdict);
    expect(crun.rows.filter((r) => r.status !== 'match')).toEqual([]);
    expect(crun.exitCode).toBe(0);
    expect(crun.rows.find((r) => r.field === 'seccompProfile')!.enforced).toBe('filtering (docker-default)');
    const gv = compareDeclared(declare(pod({ ...HARDENED, runtimeClassName: 'gvisor' })), caps.runsc.facts, caps.runsc.verdict);
    expect(gv.rows.filter((r) => r.status !== 'match')).toEqual([]);
    for (const f of ['allowPrivilegeEscalation', 'seccompProfile', 'hostPID', 'hostIPC', 'hostNetwork']) {
      expect(gv.rows.find((r) => r.field === f)!.reason, f).toMatch(/^enforced by the sandbox boundary/);
    }
    // and the other way round: gVisor's capture under the runc-class spec is flagged on the class alone
    const back = compareDeclared(declare(pod(HARDENED)), caps.runsc.facts, caps.runsc.verdict);
    expect(back.status).toBe('undetermined'); // no runtimeClassName: the node's default decides, which the API does not show
    expect(back.rows[0]).toMatchObject({ field: 'runtimeClassName', status: 'undetermined', enforced: 'gvisor (ptrace)' });
  });

  it('a kata handler names its hypervisor: kata-qemu matches the QEMU guest, kata-fc does not', () => {
    const spec = { containers: [{ name: 'a' }] };
    const q = compareDeclared(declare(pod({ ...spec, runtimeClassName: 'kata-qemu' })), caps.qemu.facts, caps.qemu.verdict);
    expect(q.rows[0]).toMatchObject({ declared: 'kata-qemu → handler kata-qemu → kata/qemu', enforced: 'kata (qemu)', status: 'match' });
    const fc = compareDeclared(declare(pod({ ...spec, runtimeClassName: 'kata-fc' })), caps.qemu.facts, caps.qemu.verdict);
    expect(fc.rows[0]).toMatchObject({ enforced: 'kata (qemu)', status: 'mismatch' });
    // the QEMU capture's process is root with every capability of its guest (the matrix case
    // runs it so): a pod that is not privileged would not be, and that is flagged too
    expect(fc.mismatches).toEqual(['runtimeClassName', 'privileged']);
    expect(q.mismatches).toEqual(['privileged']);
    expect(q.rows[1]).toMatchObject({ field: 'privileged', declared: 'false (default)', enforced: 'privileged (every capability)' });
    const unknownHandler = compareDeclared(declare(pod({ ...spec, runtimeClassName: 'vm' }), undefined), caps.qemu.facts, caps.qemu.verdict);
    expect(unknownHandler.rows[0]).toMatchObject({ status: 'undetermined', reason: expect.stringContaining('give --handler-map vm=CLASS') });
  });

  it('privileged: true asks for every capability and Unconfined seccomp; runc\'s default run has neither', () => {
    const c = compareDeclared(declare(pod({ containers: [{ name: 'a', securityContext: { privileged: true } }] })), caps.runc.facts, caps.runc.verdict);
    expect(statuses(c)).toMatchObject({ privileged: 'mismatch', seccompProfile: 'mismatch' });
    expect(c.rows.find((r) => r.field === 'seccompProfile')).toMatchObject({ declared: 'Unconfined (privileged: true)', enforced: 'filtering (docker-default)' });
    expect(c.rows.some((r) => r.field === 'capabilities')).toBe(false);
  });

  it('capabilities without ALL: each dropped one must be gone and each added one there, the runtime\'s default set aside', () => {
    const spec = (sc: Obj) => pod({ containers: [{ name: 'a', securityContext: { capabilities: sc } }] });
    const ok = compareDeclared(declare(spec({ drop: ['SYS_ADMIN'], add: ['CAP_CHOWN'] })), caps.runc.facts, caps.runc.verdict);
    expect(ok.rows.find((r) => r.field === 'capabilities')!.status).toBe('match');
    const bad = compareDeclared(declare(spec({ drop: ['NET_RAW'], add: ['NET_ADMIN'] })), caps.runc.facts, caps.runc.verdict);
    expect(bad.rows.find((r) => r.field === 'capabilities')).toMatchObject({ status: 'mismatch', reason: 'held although dropped: net_raw; added but missing: net_admin' });
  });

  it('facts that belong to a debug container, not the target, make their rows undetermined rather than a verdict', () => {
    // the target's own status could not be read, and the probe ran in another container: nothing describes the target
    const w = caps.crun.facts.workload;
    const gone = { known: false as const, reason: 'EACCES: /proc/1/status', source: '/proc/1/status' };
    const facts = { ...caps.crun.facts, workload: { ...w, process: { ...w.process, uid: gone, seccomp: gone } } };
    const verdict = classify(facts, { where: 'in the ephemeral debug container sbx-detect-test' });
    expect(verdict.workload).toMatchObject({ subject: 'none', scan: { describesWorkload: false } });
    const c = compareDeclared(declare(pod(HARDENED)), facts, verdict, { filesystemNotTarget: 'its own files' });
    expect(c.status).toBe('undetermined');
    expect(c.exitCode).toBe(3);
    expect(statuses(c)).toMatchObject({ runtimeClassName: 'match', runAsUser: 'undetermined', capabilities: 'undetermined', automountServiceAccountToken: 'undetermined', hostPID: 'undetermined' });
  });
});

describe('#23: hostUsers, AppArmor, SELinux, procMount, and init and ephemeral containers', () => {
  // the runc capture's tool is the container's first process: the probe is the workload, so a
  // change is made to both views
  const withLsm = (f: Facts, lsm: Partial<Facts['lsm']>): Facts => ({ ...f, lsm: { ...f.lsm, ...lsm }, workload: { ...f.workload, lsm: { ...f.workload.lsm, ...lsm } } });
  const no = (source: string) => ({ known: false as const, reason: `EINVAL: ${source}`, source });

  it('an init container (a sidecar) and an ephemeral one can be chosen by name, and say which they are', () => {
    const p = pod({ containers: [{ name: 'app' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always', securityContext: { runAsUser: 7 } }], ephemeralContainers: [{ name: 'debugger' }] });
    expect(declare(p, 'proxy')).toMatchObject({ container: 'proxy', containerKind: 'init', runAsUser: { value: 7, from: 'container' } });
    expect(declare(p, 'debugger')).toMatchObject({ container: 'debugger', containerKind: 'ephemeral' });
    expect(declare(p)).toMatchObject({ container: 'app', containerKind: 'container' });
    // an unnamed container is never chosen (kubectl/pods.ts makes the same choice, pod-spec.ts)
    expect(declarationFromPod(pod({ containers: [{ image: 'x' }, { name: 'b' }] }), undefined, { handlers: HANDLERS })).toMatchObject({ container: 'b' });
  });

  it('hostUsers: false asks for a user namespace of the pod\'s own: the runc capture shares the host\'s (mismatch), gVisor\'s cannot be seen (undetermined)', () => {
    const spec = declare(pod({ hostUsers: false, containers: [{ name: 'a' }] }));
    expect(spec.hostUsers).toBe(false);
    const runc = compareDeclared(spec, caps.runc.facts, caps.runc.verdict).rows.find((r) => r.field === 'hostUsers')!;
    expect(runc).toMatchObject({ status: 'mismatch', enforced: 'host user namespace (the initial one)' });
    // the same workload in a user namespace of its own: a user inode that is not the initial one
    const f = caps.runc.facts;
    const own = { known: true as const, value: { inode: 4026532500, isInitial: false }, source: '/proc/1/ns/user' };
    const userns: Facts = { ...f, namespaces: { ...f.namespaces, entries: { ...f.namespaces.entries, user: own } }, workload: { ...f.workload, namespaces: { ...f.workload.namespaces, user: own } } };
    expect(compareDeclared(spec, userns, caps.runc.verdict).rows.find((r) => r.field === 'hostUsers')).toMatchObject({ status: 'match', enforced: 'own user namespace (user:[4026532500])' });
    expect(compareDeclared(spec, caps.runsc.facts, caps.runsc.verdict).rows.find((r) => r.field === 'hostUsers')!.status).toBe('undetermined');
    // unset: no row (the default, the host's user namespace, is not asserted)
    expect(compareDeclared(declare(pod({ containers: [{ name: 'a' }] })), f, caps.runc.verdict).rows.some((r) => r.field === 'hostUsers')).toBe(false);
  });

  it('appArmorProfile (the field, or the annotation): checked against the label; on a kernel without AppArmor RuntimeDefault is not enforced; under gVisor it is not applied', () => {
    const rd = declare(pod({ containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }] }));
    const ann = declare(pod({ containers: [{ name: 'a' }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'localhost/my-prof' } }));
    expect(ann.appArmorProfile).toMatchObject({ value: { type: 'Localhost', localhostProfile: 'my-prof', from: 'annotation' } });
    const aaRow = (d: DeclaredSpec, f: Facts, v: Verdict) => compareDeclared(d, f, v).rows.find((r) => r.field === 'appArmorProfile')!;
    const off = withLsm(caps.runc.facts, { enabled: no('/sys/kernel/security/lsm'), apparmor: no('/proc/self/attr/current'), apparmorEnabled: { known: true, value: false, source: '/sys/module/apparmor/parameters/enabled (absent)' } });
    expect(aaRow(rd, off, caps.runc.verdict)).toMatchObject({ status: 'mismatch', enforced: 'none: AppArmor is not enabled' });
    const wl = (label: { profile: string; mode: string | null }): Facts => withLsm(caps.runc.facts, { apparmor: { known: true, value: label, source: '/proc/1/attr/apparmor/current' } });
    expect(aaRow(rd, wl({ profile: 'cri-containerd.apparmor.d', mode: 'enforce' }), caps.runc.verdict)).toMatchObject({ status: 'match' });
    expect(aaRow(rd, wl({ profile: 'unconfined', mode: null }), caps.runc.verdict)).toMatchObject({ status: 'mismatch' });
    expect(aaRow(ann, wl({ profile: 'my-prof', mode: 'enforce' }), caps.runc.verdict)).toMatchObject({ status: 'match' });
    expect(aaRow(ann, wl({ profile: 'my-prof', mode: 'complain' }), caps.runc.verdict)).toMatchObject({ status: 'mismatch' });
    expect(aaRow(rd, caps.runsc.facts, caps.runsc.verdict)).toMatchObject({ status: 'undetermined', enforced: 'not applied inside gVisor' });
  });

  it('seLinuxOptions and procMount', () => {
    const se = declare(pod({ securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } }, containers: [{ name: 'a' }] }));
    const ctx = (c: string): Facts => withLsm(caps.runc.facts, { selinux: { known: true, value: c, source: '/proc/1/attr/current' } });
    const seRow = (f: Facts) => compareDeclared(se, f, caps.runc.verdict).rows.find((r) => r.field === 'seLinuxOptions')!;
    expect(seRow(ctx('system_u:system_r:container_t:s0:c1,c2'))).toMatchObject({ status: 'match' });
    expect(seRow(ctx('system_u:system_r:spc_t:s0'))).toMatchObject({ status: 'mismatch', reason: expect.stringMatching(/type, level differ/) });
    const pm = (m: string) => compareDeclared(declare(pod({ containers: [{ name: 'a', securityContext: { procMount: m } }] })), caps.runc.facts, caps.runc.verdict).rows.find((r) => r.field === 'procMount')!;
    expect(pm('Default')).toMatchObject({ status: 'match', enforced: expect.stringMatching(/^Default \(masked: /) });
    expect(pm('Unmasked')).toMatchObject({ status: 'mismatch' });
  });
});
