// Findings: what is risky about the judged process's confinement, each graded, with what was
// seen and where, why it matters and what to change in the pod's spec. One table of rows, as
// the signals are (sandbox-signals.ts): a row reads the facts as the verdicts judge them (the
// workload's, classifier/workload.ts judgedFacts) and the verdict, and says whether it holds.
//
// Where the sandbox runs its own kernel (gVisor, Kata) a host-level risk such as a capability or
// a missing seccomp filter reaches only that kernel: such a row is listed as moot, with why,
// instead of being raised. The ids are stable: CI keys on them (--expect max-severity, docs/findings.md).
import { RISKY_CAPABILITIES } from '../probes/capabilities.js';
import type { Fact } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import type { NamespaceType } from '../probes/namespaces.js';
import type { KubernetesVerdict } from './engine.js';
import { ownUserNamespace, type PrivilegedVerdict } from './privileged.js';
import type { SandboxVerdict } from './sandbox.js';

/** Worst first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse: compare two severities by their ranks. */
export const severityRank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

export type FindingStatus = 'raised' | 'moot' | 'undetermined';

export interface Finding {
  /** stable: CI and docs key on it */
  id: string;
  severity: Severity;
  title: string;
  /** raised: it holds here; moot: it holds, but the sandbox's own kernel keeps it from the host;
   *  undetermined: a fact it needs could not be read */
  status: FindingStatus;
  /** what was seen (or, undetermined, what could not be read and why) */
  seen: string;
  /** where it was read */
  source: string;
  why: string;
  /** what to change: the pod spec's field (securityContext, RuntimeClass, …) */
  remediation: string;
  /** moot: why it does not reach the host here */
  mootBecause?: string;
  /** one of the criteria of this other finding (privileged-container): said with it */
  partOf?: string;
}

/** The parts of the verdict the rows read. */
export interface FindingVerdict {
  sandbox: Pick<SandboxVerdict, 'class'>;
  privileged: PrivilegedVerdict;
  hostNamespaces: { judged: boolean; shared: NamespaceType[]; reason: string };
  kubernetes: Pick<KubernetesVerdict, 'pod'>;
}

type Seen = { seen: string; source: string } | { unknown: string; source: string } | null;

interface FindingRow {
  id: string;
  severity: Severity;
  title: string;
  /** whether it holds: what was seen, or why it cannot be told, or null (it does not hold) */
  applies(f: Facts, v: FindingVerdict): Seen;
  why: string;
  remediation: string;
  /** a risk to the host that a kernel of the sandbox's own keeps away: said as moot there */
  mootUnder?: { classes: readonly ('gvisor' | 'kata')[]; because: string };
  /** other reasons it does not reach the host (a user namespace of its own) */
  mootWhen?: (f: Facts, v: FindingVerdict) => string | null;
  /** about a container's confinement: not asked where there is no container */
  containerOnly?: boolean;
  /** one of the criteria of another finding, raised with it (a privileged container has them all) */
  partOf?: string;
}

const OWN_KERNEL = { gvisor: "gVisor's sentry", kata: "the Kata VM's guest kernel" } as const;

const unknownOf = (what: string, f: Extract<Fact<unknown>, { known: false }>): Seen => ({ unknown: `${what}: ${f.reason}`, source: f.source });

/** The finding holds when `holds` is true of the fact's value; unknown with its reason. */
function when<T>(fact: Fact<T>, what: string, holds: (v: T) => boolean, seen: string): Seen {
  if (!fact.known) return unknownOf(what, fact);
  return holds(fact.value) ? { seen, source: fact.source } : null;
}
const isTrue = (b: boolean) => b;

/** Capabilities the process holds or can take: its effective set, and its bounding set where
 *  no_new_privs is not set (a setuid-root or file-capability program regains them). */
function reachableCaps(f: Facts): { names: Map<string, 'effective' | 'bounding'>; source: string } | { unknown: string; source: string } {
  const eff = f.process.capabilities.effective, bnd = f.process.capabilities.bounding, nnp = f.process.noNewPrivs;
  if (!eff.known) return { unknown: `the effective set: ${eff.reason}`, source: eff.source };
  const names = new Map<string, 'effective' | 'bounding'>(eff.value.names.map((n) => [n, 'effective']));
  const sources = [eff.source];
  if (!(nnp.known && nnp.value) && bnd.known) {
    for (const n of bnd.value.names) if (!names.has(n)) names.set(n, 'bounding');
    sources.push(bnd.source);
  }
  return { names, source: [...new Set(sources)].join(', ') };
}

function capsSeen(f: Facts, pick: (n: string) => boolean): Seen {
  const r = reachableCaps(f);
  if ('unknown' in r) return r;
  const held = [...r.names].filter(([n]) => pick(n));
  if (!held.length) return null;
  const eff = held.filter(([, s]) => s === 'effective').map(([n]) => n);
  const bnd = held.filter(([, s]) => s === 'bounding').map(([n]) => n);
  return {
    seen: [eff.length ? `effective: ${eff.join(' ')}` : '', bnd.length ? `bounding only (no_new_privs not set, a setuid program regains them): ${bnd.join(' ')}` : ''].filter(Boolean).join('; '),
    source: r.source,
  };
}

/** Capabilities held in a user namespace of the container's own do not reach the host. */
function inOwnUserNamespace(f: Facts, v: FindingVerdict): string | null {
  const ns = ownUserNamespace(f, v.sandbox.class);
  return ns && `the process is in ${ns}: its capabilities and uid 0 are that namespace's, not the host's`;
}

/** Moot under a sandbox with a kernel of its own, gVisor or Kata, `because`. */
const ownKernel = (because: string) => ({ classes: ['gvisor', 'kata'] as const, because });
const NOT_THE_HOSTS = ownKernel('capabilities, uid 0 and devices there are its own, not the host\'s');

function hostNamespace(t: NamespaceType, f: Facts, v: FindingVerdict): Seen {
  if (!v.hostNamespaces.judged) return null; // a sandbox with its own kernel: its namespaces are its own
  const e = f.namespaces.entries[t];
  if (!e.known) return unknownOf(`the ${t} namespace`, e);
  if (e.value.isInitial === null) return { unknown: `the ${t} namespace: this kernel gives no fixed initial inode for it`, source: e.source };
  return e.value.isInitial ? { seen: `${t}:[${e.value.inode}], the kernel's initial ${t} namespace`, source: e.source } : null;
}

/** A row raised when the namespace of type `t` is the kernel's initial one: the host's. */
function hostNamespaceRow(t: NamespaceType, id: string, severity: Severity, title: string, why: string, remediation: string): FindingRow {
  return { id, severity, title, containerOnly: true, applies: (f, v) => hostNamespace(t, f, v), why, remediation };
}

/** A row raised when a kernel interface (/proc/sys, /sys) is mounted read-write: a criterion of
 *  a privileged container, and the sandbox kernel's own under gVisor or Kata. */
function kernelFilesRow(id: string, severity: Severity, path: string, pick: (f: Facts) => Fact<boolean>, why: string, remediation: string): FindingRow {
  return {
    id, partOf: 'privileged-container', severity, title: `${path} writable`, containerOnly: true, why, remediation,
    applies: (f) => when(pick(f), path, isTrue, `${path} is mounted read-write`), mootUnder: ownKernel(`its ${path} is the sandbox kernel's own`),
  };
}

export const FINDING_ROWS: readonly FindingRow[] = [
  {
    id: 'no-container', severity: 'high', title: 'not in a container',
    applies: (_f, v) => (v.sandbox.class === 'none' ? { seen: 'no container: the process runs in the machine\'s own namespaces', source: 'verdict.sandbox' } : null),
    why: 'nothing separates this process from the machine it runs on: the rest of the findings would only describe the host',
    remediation: 'run it in a pod; for untrusted code, a RuntimeClass whose handler is gVisor (runsc) or Kata',
  },
  {
    id: 'privileged-container', severity: 'critical', title: 'privileged container', containerOnly: true,
    applies: (_f, v) => {
      const p = v.privileged;
      if (p.privileged === null) return { unknown: p.reason, source: 'verdict.privileged' };
      return p.privileged ? { seen: p.reason, source: `verdict.privileged: ${p.criteria.map((c) => c.observed).join('; ')}` } : null;
    },
    why: 'every capability, no seccomp filter, nothing masked and the host\'s devices: root in this container is root on the host',
    remediation: 'securityContext.privileged: false (docker run without --privileged); add back only the capabilities it needs',
  },
  {
    id: 'runtime-socket', severity: 'critical', title: 'container runtime socket reachable', containerOnly: true,
    applies: (f) => {
      const s = f.mounts.sensitive.filter((x) => x.kind === 'runtime-socket');
      return s.length ? { seen: s.map((x) => `${x.path} (${x.detail})`).join('; '), source: 'stat of the runtime sockets, /proc/self/mountinfo' } : null;
    },
    why: 'whoever can write to an engine\'s API socket can start a privileged container on the host (gVisor refuses host sockets unless runsc --host-uds allows them)',
    remediation: 'remove the hostPath volume that mounts the socket (spec.volumes[].hostPath); use the API a narrower way (a service account, a sidecar with its own rights)',
    mootUnder: { classes: ['kata'], because: 'a Unix socket does not cross the VM\'s shared filesystem' },
  },
  {
    id: 'host-filesystem', severity: 'high', title: 'a host disk mounted whole', containerOnly: true,
    applies: (f) => {
      const s = f.mounts.sensitive.filter((x) => x.kind === 'host-filesystem');
      return s.length ? { seen: s.map((x) => `${x.path}: ${x.detail}`).join('; '), source: '/proc/self/mountinfo' } : null;
    },
    why: 'the host\'s files, its credentials and its container state included, are readable (and writable unless read-only) from here, whatever the sandbox',
    remediation: 'remove the hostPath volume of / (spec.volumes[].hostPath); mount only the directory it needs, readOnly: true',
  },
  {
    id: 'host-block-device', partOf: 'privileged-container', severity: 'high', title: 'host block or memory devices in /dev', containerOnly: true,
    applies: (f) => {
      const s = f.mounts.sensitive.filter((x) => x.kind === 'block-device' || x.kind === 'raw-memory');
      return s.length ? { seen: `in /dev: ${s.map((x) => x.path).join(' ')}`, source: 'stat of /dev' } : null;
    },
    why: 'with the right capability a host disk can be mounted or read raw, past every file permission',
    remediation: 'securityContext.privileged: false; no volumeDevices or hostPath volume of /dev',
    mootUnder: ownKernel('the devices there are the sandbox\'s own, not the host\'s'),
  },
  {
    id: 'cap-sys-admin', partOf: 'privileged-container', severity: 'high', title: 'CAP_SYS_ADMIN', containerOnly: true,
    applies: (f) => capsSeen(f, (n) => n === 'sys_admin'),
    why: RISKY_CAPABILITIES.sys_admin,
    remediation: 'securityContext.capabilities.drop: ["ALL"], and do not add SYS_ADMIN',
    mootUnder: NOT_THE_HOSTS, mootWhen: inOwnUserNamespace,
  },
  hostNamespaceRow('pid', 'host-pid-namespace', 'high', "the host's PID namespace",
    'every process of the host is visible, and with CAP_SYS_PTRACE or the same uid can be signalled or traced', 'spec.hostPID: false (docker run without --pid host)'),
  hostNamespaceRow('net', 'host-network-namespace', 'high', "the host's network namespace",
    'the host\'s interfaces and every service listening on its loopback are reachable; network policies do not apply', 'spec.hostNetwork: false (docker run without --network host)'),
  kernelFilesRow('proc-sys-writable', 'high', '/proc/sys', (f) => f.mounts.procSysWritable,
    'kernel settings shared with the host (core_pattern, modprobe path, …) can be changed: a route to code running on the host',
    'securityContext.privileged: false and procMount: Default (docker run without --security-opt systempaths=unconfined)'),
  {
    id: 'runs-as-root', severity: 'medium', title: 'runs as root', containerOnly: true,
    applies: (f) => when(f.process.uid, 'the uid', (u) => u.effective === 0, 'effective uid 0'),
    why: 'uid 0 owns the container\'s files and is the host\'s uid 0 to any host file or kernel interface it reaches',
    remediation: 'securityContext.runAsNonRoot: true with runAsUser: 10000 (or spec.hostUsers: false, a user namespace of its own)',
    mootUnder: NOT_THE_HOSTS, mootWhen: inOwnUserNamespace,
  },
  {
    id: 'risky-capabilities', partOf: 'privileged-container', severity: 'medium', title: 'risky capabilities', containerOnly: true,
    applies: (f) => capsSeen(f, (n) => n !== 'sys_admin' && n in RISKY_CAPABILITIES),
    why: 'each is a known way to reach past the container (the capabilities table names what each allows)',
    remediation: 'securityContext.capabilities.drop: ["ALL"], then add only what it needs (e.g. NET_BIND_SERVICE)',
    mootUnder: NOT_THE_HOSTS, mootWhen: inOwnUserNamespace,
  },
  {
    id: 'no-seccomp', partOf: 'privileged-container', severity: 'medium', title: 'no seccomp filter', containerOnly: true,
    applies: (f) => when(f.process.seccomp, 'the seccomp mode', (m) => m === 'disabled', 'Seccomp: 0 (no filter)'),
    why: 'every system call reaches the host kernel, the rarely used ones with their bugs included (a runtime\'s default profile blocks about 50)',
    remediation: 'securityContext.seccompProfile.type: RuntimeDefault',
    mootUnder: ownKernel('its system calls reach that kernel, not the host\'s'),
  },
  hostNamespaceRow('ipc', 'host-ipc-namespace', 'medium', "the host's IPC namespace",
    'the host\'s shared memory segments and message queues can be read and written', 'spec.hostIPC: false (docker run without --ipc host)'),
  kernelFilesRow('sys-writable', 'medium', '/sys', (f) => f.mounts.sysWritable, 'device, power and kernel settings under /sys are the host\'s',
    'securityContext.privileged: false (docker run without --security-opt systempaths=unconfined)'),
  {
    id: 'service-account-token', severity: 'medium', title: 'service-account token mounted',
    applies: (f) => when(f.kubernetes.tokenMounted, 'the service-account token', isTrue, 'a token is mounted (not read)'),
    why: 'whoever runs code here can call the Kubernetes API with the pod\'s rights, from inside any sandbox',
    remediation: 'automountServiceAccountToken: false (on the pod, or on its ServiceAccount)',
  },
  {
    id: 'privilege-escalation', severity: 'low', title: 'no_new_privs not set', containerOnly: true,
    applies: (f) => when(f.process.noNewPrivs, 'no_new_privs', (n) => !n, 'NoNewPrivs: 0'),
    why: 'a setuid-root or file-capability program can still raise its privileges, up to the bounding set',
    remediation: 'securityContext.allowPrivilegeEscalation: false (docker run --security-opt no-new-privileges)',
    mootUnder: ownKernel('what a program gains is the sandbox\'s, not the host\'s (gVisor sets no_new_privs on every task whatever the spec says)'),
  },
  {
    id: 'writable-root', severity: 'low', title: 'root filesystem writable', containerOnly: true,
    applies: (f) => when(f.mounts.readOnlyRoot, 'the root mount', (ro) => !ro, 'the root mount is read-write'),
    why: 'a compromised process can change the image\'s programs and leave tools behind',
    remediation: 'securityContext.readOnlyRootFilesystem: true, with an emptyDir where it must write',
  },
];

/** Every row that holds here (raised, moot, or undetermined), worst first within each status. */
export function assessFindings(f: Facts, v: FindingVerdict): Finding[] {
  const cls = v.sandbox.class;
  const out: Finding[] = [];
  for (const r of FINDING_ROWS) {
    if (r.containerOnly && cls === 'none') continue;
    const s = r.applies(f, v);
    if (!s) continue;
    const sandbox = r.mootUnder?.classes.find((c) => c === cls);
    // whether it holds does not matter where the sandbox's own kernel keeps it from the host
    if ('unknown' in s && sandbox) continue;
    const base = { id: r.id, severity: r.severity, title: r.title, why: r.why, remediation: r.remediation, source: s.source, ...(r.partOf && { partOf: r.partOf }) };
    if ('unknown' in s) {
      out.push({ ...base, status: 'undetermined', seen: s.unknown });
      continue;
    }
    const moot = sandbox ? `${OWN_KERNEL[sandbox]} is the kernel here: ${r.mootUnder!.because}` : r.mootWhen?.(f, v) ?? null;
    out.push({ ...base, status: moot ? 'moot' : 'raised', seen: s.seen, ...(moot && { mootBecause: moot }) });
  }
  const order: FindingStatus[] = ['raised', 'undetermined', 'moot'];
  return out.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || severityRank(b.severity) - severityRank(a.severity));
}

/** The worst severity among the raised findings, or null when none is raised. */
export function worstRaised(findings: readonly Finding[]): Severity | null {
  const raised = findings.filter((x) => x.status === 'raised');
  return raised.length ? raised.reduce((w, x) => (severityRank(x.severity) > severityRank(w) ? x.severity : w), raised[0].severity) : null;
}
