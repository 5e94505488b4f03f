// Declared versus enforced: what a pod's spec asks for, held against what the report observed
// from inside. Pure: the pod's JSON (`kubectl get pod -o json`), the cluster's RuntimeClasses
// and the facts and verdict in; a table of fields out, each ✓ match, ✗ mismatch (both values
// shown) or ? undetermined (with the reason).
//
// How the spec is read (Kubernetes API reference, PodSecurityContext and SecurityContext; the
// kubelet's securitycontext.DetermineEffectiveSecurityContext):
// - runAsUser, runAsGroup, runAsNonRoot and seccompProfile may be set on the pod and on the
//   container; the container's value wins, field by field;
// - privileged, capabilities, allowPrivilegeEscalation and readOnlyRootFilesystem exist on the
//   container only; hostPID, hostIPC, hostNetwork and automountServiceAccountToken on the pod only;
// - capabilities: the runtime's default set, minus `drop` (ALL drops every one), plus `add`;
// - no_new_privs is set exactly when allowPrivilegeEscalation is false;
// - privileged containers get every capability and run seccomp Unconfined.
// runtimeClassName names a RuntimeClass, whose `handler` names a runtime in the node's CRI
// configuration. That configuration is not readable through the API, so the handler is mapped
// to a sandbox class by name (HANDLER_RULES), and `--handler-map NAME=CLASS[/DETAIL]` overrides.
import { type CheckExitCode, codeOfStatus } from '../exit-codes.js';
import { CAPABILITY_NAMES } from '../probes/capabilities.js';
import type { Facts } from '../probes/index.js';
import { appArmorLabelText } from '../probes/lsm.js';
import { idMapLinesText, INIT_NAMESPACE_INODES, isIdentityMap } from '../probes/namespaces.js';
import type { SeccompMode } from '../probes/process.js';
import { kernelAtLeast, parseKernelVersion } from '../probes/syscalls/table.js';
import { ociMasking } from './evidence.js';
import { chooseContainer, type ContainerKind } from './pod-spec.js';
import { runsOwnKernelName } from './pss.js';
import { SANDBOX_CLASSES, type SandboxClass } from './sandbox-signals.js';
import type { Verdict } from './verdict.js';
import { judgedFacts } from './workload.js';

export type FieldOrigin = 'container' | 'pod';
export type SeccompProfileType = 'RuntimeDefault' | 'Localhost' | 'Unconfined';

/** A value the spec sets, and where (the container's securityContext or the pod's). */
export interface DeclaredValue<T> { value: T; from: FieldOrigin }

/** What the sandbox class should be, from the handler's name. */
export interface ExpectedSandbox {
  class: SandboxClass;
  /** the Kata hypervisor or the gVisor platform the handler names, when it names one */
  detail: string | null;
  /** which rule gave it: a --handler-map entry, a name rule, or the node's default */
  rule: string;
}

export interface DeclaredSandbox {
  runtimeClassName: string | null;
  /** the RuntimeClass's handler; null without a runtimeClassName, or when the RuntimeClass
   *  could not be read (then the RuntimeClass's own name is mapped) */
  handler: string | null;
  /** how the handler was found: from the cluster's RuntimeClass, or not read (why) */
  handlerSource: string;
  /** null: the handler's name is not one this tool knows (give --handler-map) */
  expected: ExpectedSandbox | null;
}

export interface DeclaredCapabilities { add: string[]; drop: string[] }
export interface DeclaredSeccompProfile { type: SeccompProfileType; localhostProfile?: string }
export interface DeclaredAppArmorProfile { type: 'RuntimeDefault' | 'Localhost' | 'Unconfined'; localhostProfile?: string; from: 'field' | 'annotation' }
export interface DeclaredSeLinuxOptions { user?: string; role?: string; type?: string; level?: string }

/** One container's effective declaration: pod and container securityContext combined. A null
 *  field is not set anywhere in the spec. */
export interface DeclaredSpec {
  namespace: string | null;
  pod: string | null;
  container: string;
  /** a container of the pod, an init container (a sidecar), or an ephemeral one */
  containerKind: ContainerKind;
  sandbox: DeclaredSandbox;
  privileged: boolean;
  capabilities: DeclaredCapabilities | null;
  allowPrivilegeEscalation: boolean | null;
  runAsNonRoot: DeclaredValue<boolean> | null;
  runAsUser: DeclaredValue<number> | null;
  runAsGroup: DeclaredValue<number> | null;
  readOnlyRootFilesystem: boolean | null;
  seccompProfile: DeclaredValue<DeclaredSeccompProfile> | null;
  hostPID: boolean;
  hostIPC: boolean;
  hostNetwork: boolean;
  automountServiceAccountToken: boolean | null;
  /** spec.hostUsers, when set: false asks for a user namespace of the pod's own */
  hostUsers: boolean | null;
  appArmorProfile: DeclaredValue<DeclaredAppArmorProfile> | null;
  seLinuxOptions: DeclaredValue<DeclaredSeLinuxOptions> | null;
  procMount: 'Default' | 'Unmasked' | null;
}

export type ComparisonStatus = 'match' | 'mismatch' | 'undetermined';

export interface ComparisonRow {
  /** the spec field, as Kubernetes names it */
  field: string;
  declared: string;
  enforced: string;
  status: ComparisonStatus;
  reason: string;
}

/** The `declared` block of a report: the spec as read, and the comparison, field by field. */
export interface DeclaredComparison {
  spec: DeclaredSpec;
  status: ComparisonStatus;
  /** as a check (kubectl sbx --strict, sbx-detect --declared): 1 any mismatch, 3 none but an
   *  undetermined row, 0 every row matches */
  exitCode: CheckExitCode;
  /** the fields that do not match */
  mismatches: string[];
  rows: ComparisonRow[];
}

/** How the facts were collected, where that changes whose facts they are. Whose process facts
 *  are judged is the verdict's (verdict.workload, classifier/workload.ts). */
export interface CollectionContext {
  /** the service-account token was looked for in another container's filesystem */
  filesystemNotTarget?: string;
}

// ---- the handler's name → the sandbox class ----

export interface HandlerRule { pattern: RegExp; class: SandboxClass; detail: string | null; note: string }

/** Handler names as the runtimes' installers register them (gVisor's containerd docs: runsc;
 *  kata-deploy: kata, kata-qemu*, kata-clh, kata-fc, kata-dragonball; Sysbox: sysbox-runc). */
export const HANDLER_RULES: readonly HandlerRule[] = [
  { pattern: /^(runsc|gvisor)([-_].*)?$/, class: 'gvisor', detail: null, note: 'runsc is gVisor\'s runtime' },
  { pattern: /^kata-qemu([-_].*)?$/, class: 'kata', detail: 'qemu', note: 'kata-deploy\'s QEMU handler' },
  { pattern: /^kata-clh([-_].*)?$/, class: 'kata', detail: 'cloud-hypervisor', note: 'kata-deploy\'s Cloud Hypervisor handler' },
  { pattern: /^kata-fc([-_].*)?$/, class: 'kata', detail: 'firecracker', note: 'kata-deploy\'s Firecracker handler' },
  { pattern: /^kata-dragonball([-_].*)?$/, class: 'kata', detail: 'dragonball', note: 'kata-deploy\'s Dragonball handler' },
  { pattern: /^kata([-_].*)?$/, class: 'kata', detail: null, note: 'a Kata Containers handler (hypervisor not named)' },
  { pattern: /^sysbox(-runc)?$/, class: 'sysbox', detail: null, note: 'Sysbox\'s runtime' },
  { pattern: /^(runc|crun|nvidia)$/, class: 'runc-class', detail: null, note: 'an OCI runtime that shares the host kernel' },
];

/** --handler-map NAME=CLASS[/DETAIL]: the class (and the Kata hypervisor or gVisor platform). */
export interface HandlerOverride { class: SandboxClass; detail: string | null }

export function parseHandlerMap(text: string): { name: string; override: HandlerOverride } | { error: string } {
  const m = /^([^=\s]+)=([a-z-]+)(?:\/([a-z0-9-]+))?$/.exec(text);
  if (!m) return { error: `--handler-map ${text}: give NAME=CLASS or NAME=CLASS/DETAIL (classes: ${SANDBOX_CLASSES.join(', ')})` };
  if (!SANDBOX_CLASSES.includes(m[2] as SandboxClass)) return { error: `--handler-map ${text}: ${m[2]} is not a class; one of ${SANDBOX_CLASSES.join(', ')}` };
  return { name: m[1], override: { class: m[2] as SandboxClass, detail: m[3] ?? null } };
}

export function classForHandler(name: string, overrides: ReadonlyMap<string, HandlerOverride>): ExpectedSandbox | null {
  const o = overrides.get(name);
  if (o) return { class: o.class, detail: o.detail, rule: `--handler-map ${name}=${o.class}${o.detail ? `/${o.detail}` : ''}` };
  const r = HANDLER_RULES.find((x) => x.pattern.test(name));
  return r ? { class: r.class, detail: r.detail, rule: `handler name ${name}: ${r.note}` } : null;
}

/** RuntimeClass name → handler, from `kubectl get runtimeclasses -o json` (node.k8s.io/v1). */
export function runtimeClassHandlers(list: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const items = obj(list).items;
  for (const item of Array.isArray(items) ? items : [list]) {
    const o = obj(item);
    if (o.kind !== undefined && o.kind !== 'RuntimeClass') continue;
    const name = str(obj(o.metadata).name);
    const handler = str(o.handler);
    if (name && handler) out.set(name, handler);
  }
  return out;
}

// ---- the pod's JSON → the declaration ----

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => s !== null) : []);

function pick<T>(container: T | null, pod: T | null): DeclaredValue<T> | null {
  if (container !== null) return { value: container, from: 'container' };
  if (pod !== null) return { value: pod, from: 'pod' };
  return null;
}

function appArmorOf(v: unknown): DeclaredAppArmorProfile | null {
  const o = obj(v);
  const type = str(o.type);
  if (type !== 'RuntimeDefault' && type !== 'Localhost' && type !== 'Unconfined') return null;
  const lp = str(o.localhostProfile);
  return { type, ...(type === 'Localhost' && lp ? { localhostProfile: lp } : {}), from: 'field' };
}

/** The annotation kubelets read before the field (container.apparmor.security.beta.kubernetes.io/NAME). */
function appArmorAnnotation(meta: Obj, container: string): DeclaredAppArmorProfile | null {
  const v = str(obj(meta.annotations)[`container.apparmor.security.beta.kubernetes.io/${container}`]);
  if (v === 'runtime/default') return { type: 'RuntimeDefault', from: 'annotation' };
  if (v === 'unconfined') return { type: 'Unconfined', from: 'annotation' };
  if (v?.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length), from: 'annotation' };
  return null;
}

function seLinuxOf(v: unknown): DeclaredSeLinuxOptions | null {
  const o = obj(v);
  const out: DeclaredSeLinuxOptions = {};
  for (const k of ['user', 'role', 'type', 'level'] as const) {
    const x = str(o[k]);
    if (x) out[k] = x;
  }
  return Object.keys(out).length ? out : null;
}

function seccompOf(v: unknown): DeclaredSeccompProfile | null {
  const o = obj(v);
  const type = str(o.type);
  if (type !== 'RuntimeDefault' && type !== 'Localhost' && type !== 'Unconfined') return null;
  const lp = str(o.localhostProfile);
  return { type, ...(type === 'Localhost' && lp ? { localhostProfile: lp } : {}) };
}

export interface DeclarationInput {
  /** RuntimeClass name → handler; null when the RuntimeClasses could not be read (the reason) */
  handlers: ReadonlyMap<string, string> | null;
  handlersUnread?: string;
  overrides?: ReadonlyMap<string, HandlerOverride>;
}

/** The pod item's declaration for one container (`container` unset: the default-container
 *  annotation, else the first), or why it cannot be read. */
export function declarationFromPod(pod: unknown, container: string | undefined, input: DeclarationInput): DeclaredSpec | { error: string } {
  const p = obj(pod);
  if (p.kind !== undefined && p.kind !== 'Pod') return { error: `a ${String(p.kind)}, not a Pod` };
  const meta = obj(p.metadata);
  const spec = obj(p.spec);
  const found = chooseContainer(pod, container);
  if ('missing' in found) return { error: found.missing ? `no container "${found.missing}" in the pod's spec (it has ${found.have.join(', ') || 'none'})` : 'no containers in the pod\'s spec' };
  const chosen = found.name, c = found.spec;
  const psc = obj(spec.securityContext);
  const csc = obj(c.securityContext);
  const caps = obj(csc.capabilities);
  const add = strList(caps.add);
  const drop = strList(caps.drop);
  return {
    namespace: str(meta.namespace),
    pod: str(meta.name),
    container: chosen,
    containerKind: found.kind,
    sandbox: declaredSandbox(str(spec.runtimeClassName), input),
    privileged: bool(csc.privileged) ?? false,
    capabilities: csc.capabilities !== undefined && (add.length || drop.length) ? { add, drop } : null,
    allowPrivilegeEscalation: bool(csc.allowPrivilegeEscalation),
    runAsNonRoot: pick(bool(csc.runAsNonRoot), bool(psc.runAsNonRoot)),
    runAsUser: pick(int(csc.runAsUser), int(psc.runAsUser)),
    runAsGroup: pick(int(csc.runAsGroup), int(psc.runAsGroup)),
    readOnlyRootFilesystem: bool(csc.readOnlyRootFilesystem),
    seccompProfile: pick(seccompOf(csc.seccompProfile), seccompOf(psc.seccompProfile)),
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostNetwork: spec.hostNetwork === true,
    automountServiceAccountToken: bool(spec.automountServiceAccountToken),
    hostUsers: bool(spec.hostUsers),
    appArmorProfile: pick(appArmorOf(csc.appArmorProfile) ?? appArmorAnnotation(meta, chosen), appArmorOf(psc.appArmorProfile)),
    seLinuxOptions: pick(seLinuxOf(csc.seLinuxOptions), seLinuxOf(psc.seLinuxOptions)),
    procMount: csc.procMount === 'Unmasked' ? 'Unmasked' : csc.procMount === 'Default' ? 'Default' : null,
  };
}

function declaredSandbox(runtimeClassName: string | null, input: DeclarationInput): DeclaredSandbox {
  const overrides = input.overrides ?? new Map();
  if (!runtimeClassName) {
    return {
      runtimeClassName: null, handler: null, handlerSource: 'no runtimeClassName: the node\'s default handler',
      expected: { class: 'runc-class', detail: null, rule: 'no runtimeClassName: the node\'s default handler, runc in containerd\'s and CRI-O\'s stock configuration' },
    };
  }
  const handler = input.handlers?.get(runtimeClassName) ?? null;
  if (handler) return { runtimeClassName, handler, handlerSource: `RuntimeClass ${runtimeClassName}`, expected: classForHandler(handler, overrides) };
  const why = input.handlers ? `no RuntimeClass ${runtimeClassName} among those listed` : `the RuntimeClasses were not read${input.handlersUnread ? ` (${input.handlersUnread})` : ''}`;
  const byName = classForHandler(runtimeClassName, overrides);
  return {
    runtimeClassName, handler: null, handlerSource: `${why}: the RuntimeClass's own name is mapped`,
    expected: byName && { ...byName, rule: `${byName.rule} (the RuntimeClass's name; its handler is unknown)` },
  };
}

// ---- the comparison ----

const row = (field: string, declared: string, enforced: string, status: ComparisonStatus, reason: string): ComparisonRow => ({ field, declared, enforced, status, reason });
const origin = <T>(d: DeclaredValue<T>) => (d.from === 'pod' ? ' (pod)' : '');

/** `sbx-detect --declared FILE`: a Pod, or a List holding one Pod and any RuntimeClasses
 *  (`kubectl get pod P runtimeclass NAME -o json`). */
export function declarationFromDocument(doc: unknown): DeclaredSpec | { error: string } {
  const o = obj(doc);
  const items = Array.isArray(o.items) ? (o.items as unknown[]) : null;
  const pods = items ? items.filter((i) => obj(i).kind === 'Pod') : [doc];
  if (pods.length !== 1) return { error: items ? `a List with ${pods.length} Pods: give one` : 'no Pod' };
  const handlers = items ? runtimeClassHandlers(doc) : null;
  return declarationFromPod(pods[0], undefined, { handlers: handlers && handlers.size ? handlers : null, handlersUnread: 'no RuntimeClass in the file' });
}

/** Kubernetes writes NET_BIND_SERVICE (some write CAP_NET_BIND_SERVICE); /proc names net_bind_service. */
export const capName = (s: string) => s.toLowerCase().replace(/^cap_/, '');


function sandboxRow(d: DeclaredSandbox, v: Verdict): ComparisonRow {
  const detailOf = (cls: string) => (cls === 'gvisor' ? v.platform : cls === 'kata' ? v.hypervisor : v.tool);
  const det = detailOf(v.sandbox.class);
  const enforced = `${v.sandbox.class}${det ? ` (${det.value})` : ''}`;
  const e = d.expected;
  const declared = d.runtimeClassName
    ? `${d.runtimeClassName} → ${d.handler ? `handler ${d.handler}` : 'handler unknown'} → ${e ? `${e.class}${e.detail ? `/${e.detail}` : ''}` : '?'}`
    : '(none) → node default → runc-class';
  const f = 'runtimeClassName';
  if (!e) return row(f, declared, enforced, 'undetermined', `handler ${d.handler ?? d.runtimeClassName} is not a name this tool maps to a class (${d.handlerSource}); give --handler-map ${d.handler ?? d.runtimeClassName}=CLASS`);
  if (v.sandbox.class === 'unknown') return row(f, declared, enforced, 'undetermined', 'the sandbox class could not be told from inside');
  if (!d.runtimeClassName) {
    return v.sandbox.class === 'runc-class'
      ? row(f, declared, enforced, 'match', e.rule)
      : row(f, declared, enforced, 'undetermined', `no runtimeClassName: the node's default handler decides, and the API does not show it (observed ${v.sandbox.class})`);
  }
  if (v.sandbox.class !== e.class) return row(f, declared, enforced, 'mismatch', `${e.rule}; observed ${v.sandbox.class}: ${v.headline}`);
  if (e.detail) {
    if (!det) return row(f, declared, enforced, 'match', `${e.rule}; the ${e.class === 'kata' ? 'hypervisor' : 'platform'} could not be told from inside`);
    if (det.value === e.detail) return row(f, declared, enforced, 'match', e.rule);
    if (det.inferred && det.value.split('-or-').includes(e.detail)) return row(f, declared, enforced, 'undetermined', `${e.rule}; observed ${det.value} (${det.evidence.join('; ')})`);
    return row(f, declared, enforced, 'mismatch', `${e.rule}; observed ${det.value}: ${det.evidence.join('; ')}`);
  }
  return row(f, declared, enforced, 'match', e.rule);
}

function privilegedRow(d: DeclaredSpec, f: Facts, v: Verdict, ctx: CollectionContext): ComparisonRow {
  const declared = d.privileged ? 'true' : 'false (default)';
  const signs: string[] = [];
  const open: string[] = [];
  const bnd = f.process.capabilities.bounding;
  if (!bnd.known) open.push(`bounding set: ${bnd.reason}`);
  else if (CAPABILITY_NAMES.filter((n) => !bnd.value.names.includes(n)).length <= 3) signs.push('every capability');
  if (!runsOwnKernelName(v)) {
    for (const [path, fact] of [['/sys', f.mounts.sysWritable], ['/proc/sys', f.mounts.procSysWritable]] as const) {
      if (!fact.known) open.push(`${path}: ${fact.reason}`);
      else if (fact.value) signs.push(`${path} writable`);
    }
  }
  const enforced = signs.length ? `privileged (${signs.join(', ')})` : open.length ? 'unknown' : 'not privileged';
  if (d.privileged === signs.length > 0 && (signs.length || !open.length)) {
    return row('privileged', declared, enforced, 'match', signs.length ? 'a privileged container gets every capability and writable /sys' : 'no capability set or writable /sys of a privileged container');
  }
  if (!signs.length && open.length) return row('privileged', declared, enforced, 'undetermined', `could not check: ${open.join('; ')}`);
  return row('privileged', declared, enforced, 'mismatch', d.privileged ? 'privileged: true gives every capability and writable /sys; neither is there' : `signs of a privileged container: ${signs.join(', ')}`);
}

function capabilitiesRow(c: DeclaredCapabilities, f: Facts, ctx: CollectionContext): ComparisonRow {
  const dropAll = c.drop.some((x) => x.toUpperCase() === 'ALL');
  const add = [...new Set(c.add.map(capName))];
  const drop = [...new Set(c.drop.filter((x) => x.toUpperCase() !== 'ALL').map(capName))];
  const declared = [dropAll ? 'drop ALL' : drop.length ? `drop ${drop.join(' ')}` : '', add.length ? `add ${add.join(' ')}` : ''].filter(Boolean).join(', ')
    + (dropAll ? ` → bounding set {${add.join(' ')}}` : '');
  const bnd = f.process.capabilities.bounding;
  if (!bnd.known) return row('capabilities', declared, 'unknown', 'undetermined', `the bounding set could not be read (${bnd.source}: ${bnd.reason})`);
  const eff = f.process.capabilities.effective;
  const have = bnd.value.names;
  const enforced = `bounding ${have.join(' ') || 'none'}${eff.known ? `; effective ${eff.value.names.join(' ') || 'none'}` : ''}`;
  const extra = dropAll ? have.filter((n) => !add.includes(n)) : have.filter((n) => drop.includes(n));
  const missing = add.filter((n) => !have.includes(n));
  if (!extra.length && !missing.length) {
    return row('capabilities', declared, enforced, 'match', dropAll ? 'the bounding set is exactly what was added back' : 'every dropped capability is gone and every added one is there (the rest is the runtime\'s default set)');
  }
  return row('capabilities', declared, enforced, 'mismatch', [extra.length ? `held although dropped: ${extra.join(' ')}` : '', missing.length ? `added but missing: ${missing.join(' ')}` : ''].filter(Boolean).join('; '));
}

function noNewPrivsRow(ape: boolean, f: Facts, v: Verdict, ctx: CollectionContext): ComparisonRow {
  const declared = `${ape} → no_new_privs ${ape ? 'off' : 'on'}`;
  const nnp = f.process.noNewPrivs;
  if (!nnp.known) {
    const sb = runsOwnKernelName(v);
    const missing = f.process.missingLines.known && f.process.missingLines.value.includes('NoNewPrivs');
    if (sb && missing && !ape) return row('allowPrivilegeEscalation', declared, `no NoNewPrivs line (${sb})`, 'match', `enforced by the sandbox boundary: ${sb}'s /proc/self/status has no NoNewPrivs line, and an escalation would stay inside ${sb === 'gVisor' ? 'the sentry' : 'the guest VM'} (as --pss reasons)`);
    return row('allowPrivilegeEscalation', declared, 'unknown', 'undetermined', `no_new_privs could not be read (${nnp.source}: ${nnp.reason})`);
  }
  const enforced = `no_new_privs ${nnp.value ? 'on' : 'off'}`;
  return nnp.value === !ape
    ? row('allowPrivilegeEscalation', declared, enforced, 'match', `${nnp.source}: NoNewPrivs ${nnp.value ? 1 : 0}`)
    : row('allowPrivilegeEscalation', declared, enforced, 'mismatch', `${nnp.source}: NoNewPrivs ${nnp.value ? 1 : 0}; the runtime sets it exactly when allowPrivilegeEscalation is false`);
}

function idRows(d: DeclaredSpec, f: Facts, ctx: CollectionContext): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const uid = f.process.uid;
  const gid = f.process.gid;
  const pending = (field: string, declared: string, fact: typeof uid) =>
    !fact.known ? row(field, declared, 'unknown', 'undetermined', `${fact.source}: ${fact.reason}`) : null;
  if (d.runAsNonRoot?.value === true) {
    const decl = `true${origin(d.runAsNonRoot)}`;
    const p = pending('runAsNonRoot', decl, uid);
    if (p) rows.push(p);
    else if (uid.known) {
      const ids = uid.value;
      rows.push(ids.real !== 0 && ids.effective !== 0
        ? row('runAsNonRoot', decl, `uid ${ids.effective}`, 'match', `${uid.source}: ${ids.real} ${ids.effective} ${ids.saved} ${ids.filesystem}`)
        : row('runAsNonRoot', decl, `uid ${ids.effective === 0 ? 0 : ids.real}`, 'mismatch', `${uid.source}: ${ids.real} ${ids.effective} ${ids.saved} ${ids.filesystem}: root`));
    }
  }
  for (const [field, decl, fact] of [['runAsUser', d.runAsUser, uid], ['runAsGroup', d.runAsGroup, gid]] as const) {
    if (!decl) continue;
    const text = `${decl.value}${origin(decl)}`;
    const p = pending(field, text, fact);
    if (p) { rows.push(p); continue; }
    if (!fact.known) continue;
    const ids = fact.value;
    const ok = ids.real === decl.value && ids.effective === decl.value;
    rows.push(row(field, text, `${field === 'runAsUser' ? 'uid' : 'gid'} ${ids.effective}${ids.real !== ids.effective ? ` (real ${ids.real})` : ''}`, ok ? 'match' : 'mismatch',
      `${fact.source}: ${ids.real} ${ids.effective} ${ids.saved} ${ids.filesystem}`));
  }
  return rows;
}

function readOnlyRootRow(ro: boolean, f: Facts, ctx: CollectionContext): ComparisonRow {
  const declared = String(ro);
  const fact = f.mounts.readOnlyRoot;
  if (!fact.known) return row('readOnlyRootFilesystem', declared, 'unknown', 'undetermined', `${fact.source}: ${fact.reason}`);
  const enforced = fact.value ? 'read-only root' : 'writable root';
  return row('readOnlyRootFilesystem', declared, enforced, fact.value === ro ? 'match' : 'mismatch', `${fact.source}: / is mounted ${fact.value ? 'ro' : 'rw'}`);
}

function seccompRow(d: DeclaredSpec, f: Facts, v: Verdict): ComparisonRow | null {
  const sp = d.seccompProfile;
  if (!sp && !d.privileged) return null;
  const declaredType: SeccompProfileType = d.privileged ? 'Unconfined' : sp!.value.type;
  const declared = d.privileged
    ? `Unconfined (privileged: true${sp ? `, over ${sp.value.type}` : ''})`
    : `${sp!.value.type}${sp!.value.localhostProfile ? ` ${sp!.value.localhostProfile}` : ''}${origin(sp!)}`;
  // the workload's own mode (its status), where it can be read: an exec'd probe may differ (gVisor)
  const m = f.process.seccomp;
  if (!m.known) return row('seccompProfile', declared, 'unknown', 'undetermined', `the seccomp mode could not be read (${m.source}: ${m.reason})`);
  const mode: SeccompMode = m.value;
  const source = m.source;
  const fp = v.seccompProfile && v.seccompProfile.verdict !== 'unknown' && mode === 'filtering' ? v.seccompProfile : null;
  const enforced = `${mode}${fp ? ` (${fp.verdict === 'custom' && fp.closest ? `custom ~${fp.closest}` : fp.verdict})` : ''}`;
  const sb = runsOwnKernelName(v);
  if (declaredType === 'Unconfined') {
    if (mode === 'disabled') return row('seccompProfile', declared, enforced, 'match', `${source}: no filter`);
    return row('seccompProfile', declared, enforced, 'mismatch', `${source}: a filter is in force although the profile is Unconfined`);
  }
  if (mode === 'filtering' || mode === 'strict') return row('seccompProfile', declared, enforced, 'match', `${source}: ${mode}${fp ? `; the syscall scan: ${fp.reason}` : v.seccompProfile?.verdict === 'unknown' ? `; ${v.seccompProfile.reason}` : ''}`);
  if (sb) return row('seccompProfile', declared, enforced, 'match', `enforced by the sandbox boundary: ${sb} reports Seccomp: 0 by default (${sb === 'gVisor' ? 'runsc loads the pod\'s profile only with --oci-seccomp' : 'Kata strips the profile, disable_guest_seccomp=true'}), and its own kernel serves every syscall (as --pss reasons)`);
  return row('seccompProfile', declared, enforced, 'mismatch', `${source}: Seccomp: 0, no filter, although ${declaredType} asks for one`);
}

function hostNamespaceRows(d: DeclaredSpec, f: Facts, v: Verdict, ctx: CollectionContext): ComparisonRow[] {
  const out: ComparisonRow[] = [];
  for (const [field, type, want] of [['hostPID', 'pid', d.hostPID], ['hostIPC', 'ipc', d.hostIPC], ['hostNetwork', 'net', d.hostNetwork]] as const) {
    const declared = want ? 'true' : 'false (default)';
    const sb = runsOwnKernelName(v);
    if (sb) {
      out.push(want
        ? row(field, declared, `${sb}'s own ${type} namespace`, 'undetermined', `${sb} runs its own kernel: the host's ${type} namespace cannot be seen from inside`)
        : row(field, declared, `${sb}'s own ${type} namespace`, 'match', `enforced by the sandbox boundary: ${sb} runs its own kernel, so no namespace inside is the host's`));
      continue;
    }
    const e = f.namespaces.entries[type];
    if (!e.known) { out.push(row(field, declared, 'unknown', 'undetermined', `${e.source}: ${e.reason}`)); continue; }
    let initial = e.value.isInitial;
    let how = 'judged by the kernel\'s fixed initial inode number';
    const release = fixedNetInodeRelease(f);
    if (type === 'net' && release) { // the probe judged it by the same fixed number (namespaces.ts judgeInode)
      initial = e.value.inode === INIT_NAMESPACE_INODES.net;
      how = `kernel ${release} (6.18 or later) gives the initial net namespace the fixed inode ${INIT_NAMESPACE_INODES.net} (seen on 6.18 here); older kernels allocate it like any other`;
    }
    const enforced = `${type}:[${e.value.inode}] ${initial === true ? 'the host\'s' : initial === false ? 'its own' : '?'}`;
    if (initial === null) { out.push(row(field, declared, enforced, 'undetermined', `this kernel (before 6.18) gives the initial ${type} namespace no fixed inode number, so a number says nothing`)); continue; }
    out.push(row(field, declared, enforced, initial === want ? 'match' : 'mismatch', `${e.source}: ${how}`));
  }
  return out;
}

/** The release of a Linux kernel 6.18 or later, where the initial net namespace has a fixed
 *  inode number; null on an older or unknown kernel. */
function fixedNetInodeRelease(f: Facts): string | null {
  const u = f.kernel.uname;
  if (!u.known) return null;
  const v = parseKernelVersion(u.value.release);
  return v && kernelAtLeast(v, '6.18') ? u.value.release : null;
}

function tokenRow(want: boolean, f: Facts, ctx: CollectionContext): ComparisonRow {
  const declared = `${want} → token ${want ? 'mounted' : 'absent'}`;
  if (ctx.filesystemNotTarget) return row('automountServiceAccountToken', declared, 'unknown', 'undetermined', ctx.filesystemNotTarget);
  const t = f.kubernetes.tokenMounted;
  if (!t.known) return row('automountServiceAccountToken', declared, 'unknown', 'undetermined', `${t.source}: ${t.reason}`);
  return row('automountServiceAccountToken', declared, t.value ? 'token mounted' : 'token absent', t.value === want ? 'match' : 'mismatch', `${t.source} ${t.value ? 'exists' : 'does not exist'} (stat only)`);
}

function hostUsersRow(want: boolean, f: Facts, v: Verdict): ComparisonRow {
  const declared = want ? 'true (the host\'s user namespace)' : 'false (a user namespace of the pod\'s own)';
  const sb = runsOwnKernelName(v);
  if (sb) return row('hostUsers', declared, `${sb}'s own user namespace`, 'undetermined', `${sb} runs its own kernel: whether the sandbox itself runs in a user namespace on the host cannot be seen from inside`);
  const e = f.namespaces.entries.user;
  if (!e.known || e.value.isInitial === null) {
    const m = f.namespaces.uidMap;
    if (!m.known) return row('hostUsers', declared, 'unknown', 'undetermined', `${e.source}: ${e.known ? 'not decidable on this kernel' : e.reason}; ${m.source}: ${m.reason}`);
    const own = !isIdentityMap(m.value);
    return row('hostUsers', declared, own ? 'own user namespace' : 'host user namespace', own === !want ? 'match' : 'mismatch', `${m.source}: ${idMapLinesText(m.value)}`);
  }
  const own = !e.value.isInitial;
  return row('hostUsers', declared, own ? `own user namespace (user:[${e.value.inode}])` : 'host user namespace (the initial one)', own === !want ? 'match' : 'mismatch', `${e.source}: ${own ? 'not ' : ''}the kernel's initial user namespace inode`);
}

/** Profiles the runtimes apply for RuntimeDefault (containerd's, CRI-O's, Docker's). */
const RUNTIME_DEFAULT_APPARMOR = ['cri-containerd.apparmor.d', 'crio-default', 'docker-default'];

function appArmorRow(d: DeclaredValue<DeclaredAppArmorProfile>, f: Facts, v: Verdict): ComparisonRow {
  const p = d.value;
  const declared = `${p.type}${p.localhostProfile ? ` ${p.localhostProfile}` : ''}${p.from === 'annotation' ? ' (annotation)' : origin(d)}`;
  if (v.sandbox.class === 'gvisor') return row('appArmorProfile', declared, 'not applied inside gVisor', 'undetermined', 'runsc ignores the spec\'s AppArmor profile ("AppArmor profile … is being ignored", runsc/specutils): the sandbox boundary stands in for it, which a spec field cannot say');
  const a = f.lsm.apparmor;
  const enabled = f.lsm.enabled.known ? f.lsm.enabled.value.includes('apparmor') : f.lsm.apparmorEnabled.known ? f.lsm.apparmorEnabled.value : null;
  const enabledSource = f.lsm.enabled.known ? `${f.lsm.enabled.source}: ${f.lsm.enabled.value.join(',')}` : f.lsm.apparmorEnabled.source;
  if (!a.known) {
    if (enabled === false) return row('appArmorProfile', declared, 'none: AppArmor is not enabled', p.type === 'Unconfined' ? 'match' : 'mismatch', `${enabledSource}: AppArmor is off, so nothing confines the container`);
    return row('appArmorProfile', declared, 'unknown', 'undetermined', `${a.source}: ${a.reason}`);
  }
  const label = a.value;
  const enforced = appArmorLabelText(label);
  if (p.type === 'Unconfined') return row('appArmorProfile', declared, enforced, label.profile === 'unconfined' ? 'match' : 'mismatch', `${a.source}`);
  if (label.profile === 'unconfined') return row('appArmorProfile', declared, enforced, 'mismatch', `${a.source}: no profile, although ${p.type} asks for one`);
  if (label.mode && label.mode !== 'enforce') return row('appArmorProfile', declared, enforced, 'mismatch', `${a.source}: the profile only ${label.mode}s`);
  if (p.type === 'Localhost') return row('appArmorProfile', declared, enforced, label.profile === p.localhostProfile ? 'match' : 'mismatch', `${a.source}`);
  const known = RUNTIME_DEFAULT_APPARMOR.includes(label.profile);
  return row('appArmorProfile', declared, enforced, 'match', `${a.source}: ${known ? 'the runtime\'s default profile' : 'a profile in enforce mode (not one of the runtimes\' default names: ' + RUNTIME_DEFAULT_APPARMOR.join(', ') + ')'}`);
}

function seLinuxRow(d: DeclaredValue<DeclaredSeLinuxOptions>, f: Facts): ComparisonRow {
  const want = d.value;
  const declared = `${Object.entries(want).map(([k, x]) => `${k}=${x}`).join(' ')}${origin(d)}`;
  const c = f.lsm.selinux;
  if (!c.known) return row('seLinuxOptions', declared, 'no SELinux context', f.lsm.enabled.known && !f.lsm.enabled.value.includes('selinux') ? 'mismatch' : 'undetermined', `${c.source}: ${c.reason}`);
  const [user, role, type, ...level] = c.value.split(':');
  const have: DeclaredSeLinuxOptions = { user, role, type, level: level.join(':') };
  const off = (Object.keys(want) as (keyof DeclaredSeLinuxOptions)[]).filter((k) => want[k] !== have[k]);
  return row('seLinuxOptions', declared, c.value, off.length ? 'mismatch' : 'match', `${c.source}${off.length ? `: ${off.join(', ')} differ` : ''}`);
}

function procMountRow(want: 'Default' | 'Unmasked', f: Facts): ComparisonRow {
  if (!f.mounts.entries.known) return row('procMount', want, 'unknown', 'undetermined', `${f.mounts.entries.source}: ${f.mounts.entries.reason}`);
  const masked = ociMasking(f);
  const enforced = masked ? `Default (${masked})` : 'Unmasked (no /proc path masked)';
  return row('procMount', want, enforced, (want === 'Default') === (masked !== null) ? 'match' : 'mismatch', f.mounts.entries.source);
}

/** Holds the declaration against the facts and the verdict. Only fields the spec sets get a
 *  row, and those with a defined default (runtimeClassName, privileged, host namespaces). */
export function compareDeclared(d: DeclaredSpec, facts: Facts, v: Verdict, ctx: CollectionContext = {}): DeclaredComparison {
  const f = judgedFacts(facts, v); // the workload's process, where it can be read
  const rows: ComparisonRow[] = [sandboxRow(d.sandbox, v), privilegedRow(d, f, v, ctx)];
  if (d.capabilities && !d.privileged) rows.push(capabilitiesRow(d.capabilities, f, ctx));
  if (d.allowPrivilegeEscalation !== null) rows.push(noNewPrivsRow(d.allowPrivilegeEscalation, f, v, ctx));
  rows.push(...idRows(d, f, ctx));
  if (d.readOnlyRootFilesystem !== null) rows.push(readOnlyRootRow(d.readOnlyRootFilesystem, f, ctx));
  const sc = seccompRow(d, f, v);
  if (sc) rows.push(sc);
  rows.push(...hostNamespaceRows(d, f, v, ctx));
  if (d.automountServiceAccountToken !== null) rows.push(tokenRow(d.automountServiceAccountToken, f, ctx));
  if (d.hostUsers !== null) rows.push(hostUsersRow(d.hostUsers, f, v));
  if (d.appArmorProfile) rows.push(appArmorRow(d.appArmorProfile, f, v));
  if (d.seLinuxOptions) rows.push(seLinuxRow(d.seLinuxOptions, f));
  if (d.procMount) rows.push(procMountRow(d.procMount, f));
  const mismatches = rows.filter((r) => r.status === 'mismatch').map((r) => r.field);
  const open = rows.some((r) => r.status === 'undetermined');
  return {
    spec: d,
    status: mismatches.length ? 'mismatch' : open ? 'undetermined' : 'match',
    exitCode: codeOfStatus(mismatches.length ? 'fail' : open ? 'undetermined' : 'pass'),
    mismatches,
    rows,
  };
}
