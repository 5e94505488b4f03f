// Pod Security Standards, checked from inside: what a pod can see of its own securityContext.
// Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (kubernetes/website
// content/en/docs/concepts/security/pod-security-standards.md). Each rule below names the PSS
// control it stands for; what is observable and what stands in for the spec field is in
// signals.md §7.3. Restricted is baseline plus its own rules.
//
// Sandbox-aware: the PSS FAQ notes "the need to restrict privileged permissions is lessened when
// the workload is isolated from the underlying kernel". Under gVisor and Kata the process sees
// its sandbox's kernel, not the host's: Seccomp: 0 there is the default (runsc ignores the OCI
// profile without --oci-seccomp; Kata strips it, disable_guest_seccomp=true), and gVisor prints
// no NoNewPrivs line. Those are "not-applicable: enforced by the sandbox boundary", with the
// reason, never a failure and never a pass (signals.md §0.2, §3.4, §7.3).
import { judgedFacts } from './workload.js';
import { ownUserNamespace } from './privileged.js';
import { CAPABILITY_NAMES, DEFAULT_CONTAINER_CAPABILITIES } from '../probes/capabilities.js';
import type { Fact } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import { appArmorLabelText } from '../probes/lsm.js';
import type { NamespaceType } from '../probes/namespaces.js';
import { type CheckExitCode, checkStatus, codeOfStatus } from '../exit-codes.js';
import type { Verdict } from './verdict.js';

export type PssLevel = 'baseline' | 'restricted';
export const PSS_LEVELS: readonly PssLevel[] = ['baseline', 'restricted'];
export type PssStatus = 'pass' | 'fail' | 'not-applicable' | 'undetermined';

export interface PssRuleResult {
  id: string;
  /** the lowest level that requires the rule */
  level: PssLevel;
  title: string;
  /** the PSS control it stands for */
  control: string;
  status: PssStatus;
  evidence: string;
  reason: string;
}

export interface PssReport {
  level: PssLevel;
  status: 'pass' | 'fail' | 'undetermined';
  exitCode: CheckExitCode;
  rules: PssRuleResult[];
}

interface Judgement { status: PssStatus; evidence: string; reason: string }

interface PssRule {
  id: string;
  level: PssLevel;
  title: string;
  control: string;
  judge(f: Facts, v: Verdict): Judgement;
}

/** PSS baseline "Capabilities": what may be added beyond the runtime's defaults. */
export const BASELINE_ALLOWED_CAPABILITIES: readonly string[] = [
  'audit_write', 'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'mknod', 'net_bind_service',
  'setfcap', 'setgid', 'setpcap', 'setuid', 'sys_chroot',
];
/** PSS restricted "Capabilities": drop ALL, add back at most NET_BIND_SERVICE. */
export const RESTRICTED_ALLOWED_CAPABILITIES: readonly string[] = ['net_bind_service'];
/** PSS baseline "Host Namespaces": hostNetwork, hostPID, hostIPC. Other namespaces are not a PSS control. */
export const PSS_HOST_NAMESPACES: readonly NamespaceType[] = ['net', 'pid', 'ipc'];

const judged = (status: PssStatus, evidence: string, reason: string): Judgement => ({ status, evidence, reason });
const unknownEvidence = (f: Extract<Fact<unknown>, { known: false }>) => `unknown (${f.source}: ${f.reason})`;

/** The sandbox whose own kernel stands between the pod and the host, when there is one. */
function boundary(v: Verdict): { name: string; seccomp: string; noNewPrivs: string } | null {
  if (v.sandbox.class === 'gvisor') {
    return {
      name: 'gVisor',
      seccomp: 'not applicable: enforced by the sandbox boundary. gVisor serves every syscall in its user-space kernel (the sentry) and reports Seccomp: 0 by default: runsc loads the pod\'s profile only with --oci-seccomp (signals.md §0.2, §5.3)',
      noNewPrivs: 'not applicable: enforced by the sandbox boundary. gVisor\'s /proc/self/status has no NoNewPrivs line, so allowPrivilegeEscalation cannot be seen from inside; an escalation would stay inside the sentry (signals.md §0.2, §7.3)',
    };
  }
  if (v.sandbox.class === 'kata') {
    return {
      name: 'Kata',
      seccomp: 'not applicable: enforced by the sandbox boundary. Kata strips the pod\'s seccomp profile by default (disable_guest_seccomp=true), so the guest reports Seccomp: 0; syscalls reach the guest kernel inside a VM, not the host\'s (signals.md §0.2, §3.4)',
      noNewPrivs: 'not applicable: enforced by the sandbox boundary. The Kata guest printed no NoNewPrivs line; the VM stands between the pod and the host (signals.md §7.3)',
    };
  }
  return null;
}

function capabilityRule(level: PssLevel, allowed: readonly string[]): PssRule {
  const control = level === 'restricted' ? 'Capabilities (restricted): drop ALL, add only NET_BIND_SERVICE' : 'Capabilities (baseline): add only from the baseline list';
  return {
    id: `capabilities-${level}`, level, control,
    title: level === 'restricted' ? 'Bounding set ⊆ {NET_BIND_SERVICE}' : 'Bounding set ⊆ the baseline capability list',
    judge(f) {
      const bnd = f.process.capabilities.bounding;
      if (!bnd.known) return judged('undetermined', unknownEvidence(bnd), `the bounding set could not be read: ${bnd.reason}`);
      const names = bnd.value.names;
      const evidence = `CapBnd ${bnd.value.hex}: ${names.join(' ') || 'none'}`;
      const extra = names.filter((n) => !allowed.includes(n));
      if (extra.length === 0) return judged('pass', evidence, `nothing beyond ${allowed.join(', ')}`);
      if (level === 'baseline' && extra.every((n) => DEFAULT_CONTAINER_CAPABILITIES.includes(n))) {
        // Baseline only forbids *adding* capabilities; Docker's and containerd's default set
        // carries NET_RAW, so a pod that added nothing still holds it. From inside the two
        // cannot be told apart, so the set that a compliant pod gets is not a failure.
        return judged('pass', evidence, `${extra.join(' ')} ${extra.length > 1 ? 'are' : 'is'} beyond the list but in the container runtimes' default set (moby oci/caps/defaults.go), which baseline admits; an explicit add of ${extra.join(' ')} would look the same`);
      }
      return judged('fail', evidence, `beyond ${level === 'restricted' ? 'NET_BIND_SERVICE' : 'the baseline list'}: ${extra.join(' ')}`);
    },
  };
}

/** Every known capability but at most three: the sign of privileged: true (or of no container). */
function fullCapabilitySet(names: string[]): boolean {
  return CAPABILITY_NAMES.filter((n) => !names.includes(n)).length <= 3;
}

export const PSS_RULES: readonly PssRule[] = [
  {
    id: 'privileged', level: 'baseline', control: 'Privileged Containers; HostPath Volumes',
    title: 'No sign of a privileged container or host paths',
    judge(f, v) {
      const signs: string[] = [];
      const unknowns: string[] = [];
      const notCounted: string[] = [];
      const bnd = f.process.capabilities.bounding;
      const ns = ownUserNamespace(f, v.sandbox.class);
      if (!bnd.known) unknowns.push(`bounding set: ${bnd.reason}`);
      else if (fullCapabilitySet(bnd.value.names) && ns) notCounted.push(`full capability set (CapBnd ${bnd.value.hex}) held in ${ns}`);
      else if (fullCapabilitySet(bnd.value.names)) signs.push(`full capability set (CapBnd ${bnd.value.hex})`);
      const sb = boundary(v);
      for (const [path, fact] of [['/proc/sys', f.mounts.procSysWritable], ['/sys', f.mounts.sysWritable]] as const) {
        if (!fact.known) unknowns.push(`${path}: ${fact.reason}`);
        else if (fact.value && sb) notCounted.push(`${path} writable (${sb.name}'s own kernel, not the host's)`);
        else if (fact.value) signs.push(`${path} mounted writable`);
      }
      for (const s of f.mounts.sensitive) signs.push(`${s.kind} ${s.path} (${s.detail})`);
      const evidence = [...signs, ...notCounted].join('; ') || 'none of: full capability set, writable /proc/sys or /sys, host block devices, runtime sockets';
      if (signs.length) return judged('fail', evidence, 'a baseline pod is not privileged and mounts no host paths');
      if (unknowns.length) return judged('undetermined', evidence, `could not check: ${unknowns.join('; ')}`);
      const why = [
        ...(sb && notCounted.some((n) => n.includes('writable')) ? ['writable kernel interfaces belong to the sandbox\'s own kernel'] : []),
        ...(ns && notCounted.some((n) => n.startsWith('full capability set')) ? ['the capabilities of a user namespace of its own act only on what it owns, never on the host (a pod with hostUsers: false cannot be privileged)'] : []),
      ];
      return judged('pass', evidence, why.length ? why.join('; ') : 'no privileged sign');
    },
  },
  {
    id: 'host-namespaces', level: 'baseline', control: 'Host Namespaces: hostNetwork, hostPID, hostIPC',
    title: 'No host network, PID or IPC namespace',
    judge(f, v) {
      const hn = v.hostNamespaces;
      if (!hn.judged) return judged('not-applicable', `sandbox ${v.sandbox.class}`, hn.reason);
      const parts: string[] = [];
      const shared: string[] = [];
      const open: string[] = [];
      for (const t of PSS_HOST_NAMESPACES) {
        const e = f.namespaces.entries[t];
        if (!e.known) { parts.push(`${t}: unknown`); open.push(`${t}: ${e.reason}`); continue; }
        const state = e.value.isInitial === true ? 'host' : e.value.isInitial === false ? 'own' : 'undecidable';
        parts.push(`${t}:[${e.value.inode}] ${state}`);
        if (state === 'host') shared.push(t);
        if (state === 'undecidable') open.push(`${t}: this kernel gives no fixed initial inode for it`);
      }
      const evidence = parts.join('; ');
      if (shared.length) return judged('fail', evidence, `shares the host's ${shared.join(', ')} namespace${shared.length > 1 ? 's' : ''}`);
      if (open.length) return judged('undetermined', evidence, open.join('; '));
      return judged('pass', evidence, 'own net, pid and ipc namespaces (judged by the kernel\'s fixed initial inode numbers)');
    },
  },
  {
    id: 'apparmor', level: 'baseline', control: 'AppArmor: not unconfined',
    title: 'AppArmor profile is not unconfined',
    judge(f, v) {
      const aa = f.lsm.apparmor;
      if (aa.known) {
        const label = appArmorLabelText(aa.value);
        return aa.value.profile === 'unconfined'
          ? judged('fail', `${aa.source}: ${label}`, 'baseline forbids an unconfined AppArmor profile')
          : judged('pass', `${aa.source}: ${label}`, 'confined by an AppArmor profile');
      }
      const lsms = f.lsm.enabled;
      if (lsms.known && !lsms.value.includes('apparmor')) return judged('not-applicable', `enabled LSMs: ${lsms.value.join(', ')}`, 'AppArmor is not enabled in this kernel');
      // ENOENT/EINVAL on the attribute files, or an SELinux label in attr/current: no AppArmor here
      if (/^(ENOENT|EINVAL)\b|holds no AppArmor label|no AppArmor attribute/.test(aa.reason)) {
        const where = runsOwnKernelName(v);
        return judged('not-applicable', `${aa.source}: ${aa.reason}`, `AppArmor is absent${where ? ` (${where}'s kernel does not run it)` : ''}`);
      }
      return judged('undetermined', unknownEvidence(aa), `the AppArmor label could not be read: ${aa.reason}`);
    },
  },
  {
    id: 'seccomp', level: 'baseline', control: 'Seccomp: not Unconfined (baseline); RuntimeDefault or Localhost (restricted)',
    title: 'A seccomp profile is in force',
    judge(f, v) {
      const mode = f.process.seccomp;
      if (!mode.known) return judged('undetermined', unknownEvidence(mode), `the seccomp mode could not be read: ${mode.reason}`);
      const filters = f.process.seccompFilters.known ? `, ${f.process.seccompFilters.value} filter(s)` : '';
      const evidence = `${mode.source}: ${mode.value}${filters}`;
      if (mode.value === 'filtering') return judged('pass', evidence, 'a seccomp filter is in force');
      if (mode.value === 'strict') return judged('pass', evidence, 'strict seccomp: stricter than any profile');
      const sb = boundary(v);
      if (sb) return judged('not-applicable', evidence, sb.seccomp);
      return judged('fail', evidence, 'Seccomp: 0 is what an Unconfined profile looks like');
    },
  },
  capabilityRule('baseline', BASELINE_ALLOWED_CAPABILITIES),
  {
    id: 'non-root', level: 'restricted', control: 'Running as Non-root; Running as Non-root user',
    title: 'Runs as a non-root uid',
    judge(f, v) {
      const uid = f.process.uid;
      if (!uid.known) return judged('undetermined', unknownEvidence(uid), `the uid could not be read: ${uid.reason}`);
      const ids = uid.value;
      const evidence = `${uid.source}: ${ids.real} ${ids.effective} ${ids.saved} ${ids.filesystem}`;
      if (ids.effective !== 0 && ids.real !== 0) return judged('pass', evidence, `uid ${ids.effective}`);
      const ns = ownUserNamespace(f, v.sandbox.class);
      const host = f.namespaces.uidMap.known ? f.namespaces.uidMap.value.find((l) => l.inside === 0 && l.count > 0) : undefined;
      return judged('fail', evidence, ns
        ? `restricted requires runAsNonRoot: uid 0 is root — the root of ${ns.replace(/\)$/, host ? `: host uid ${host.outside})` : ')')}, not the host's; Kubernetes admits such a pod under restricted only with the UserNamespacesPodSecurityStandards feature gate`
        : 'restricted requires runAsNonRoot: uid 0 is root');
    },
  },
  {
    id: 'no-new-privs', level: 'restricted', control: 'Privilege Escalation: allowPrivilegeEscalation false',
    title: 'NoNewPrivs set (allowPrivilegeEscalation: false)',
    judge(f, v) {
      const nnp = f.process.noNewPrivs;
      if (nnp.known) {
        return nnp.value
          ? judged('pass', `${nnp.source}: 1`, 'runtimes set no_new_privs when allowPrivilegeEscalation is false')
          : judged('fail', `${nnp.source}: 0`, 'no_new_privs is off: allowPrivilegeEscalation is not false');
      }
      const sb = boundary(v);
      const missing = f.process.missingLines.known && f.process.missingLines.value.includes('NoNewPrivs');
      if (sb && missing) return judged('not-applicable', `${nnp.source}: no such line`, sb.noNewPrivs);
      return judged('undetermined', unknownEvidence(nnp), `no_new_privs could not be read: ${nnp.reason}`);
    },
  },
  capabilityRule('restricted', RESTRICTED_ALLOWED_CAPABILITIES),
];

/** gVisor or Kata: the sandbox whose own kernel stands between the pod and the host; else null. */
export function runsOwnKernelName(v: Verdict): string | null {
  return boundary(v)?.name ?? null;
}

const appliesAt = (rule: PssRule, level: PssLevel) => level === 'restricted' || rule.level === 'baseline';

export function checkPodSecurity(level: PssLevel, all: Facts, verdict: Verdict): PssReport {
  // the workload's process where it can be read, the probe's otherwise (classifier/workload.ts)
  const facts = judgedFacts(all, verdict);
  const rules = PSS_RULES.filter((r) => appliesAt(r, level)).map((r): PssRuleResult => {
    const j = r.judge(facts, verdict);
    return { id: r.id, level: r.level, title: r.title, control: r.control, status: j.status, evidence: j.evidence, reason: j.reason };
  });
  const status = checkStatus(rules.map((r) => r.status));
  return { level, status, exitCode: codeOfStatus(status), rules };
}
