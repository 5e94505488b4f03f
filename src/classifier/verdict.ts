// The one ordered place that composes every classifier answer into the report's verdict.
import type { Facts } from '../probes/index.js';
import { NAMESPACE_TYPES, type NamespaceType } from '../probes/namespaces.js';
import { classifyEngine, classifyKubernetes, type EngineVerdict, type KubernetesVerdict } from './engine.js';
import { confidentialGuest, gvisorPlatform, kataHypervisor, namespaceTool, ociRuntime, type Refinement } from './refine.js';
import { classifySandbox, type SandboxVerdict } from './sandbox.js';
import { fingerprintSeccompProfile, type ProfileFingerprint, refusedByFilterOrSandbox } from './seccomp-profile.js';
import { archFromMachine } from '../probes/syscalls/table.js';
import { classifyVm, type VmVerdict } from './vm.js';
import { classifyPrivileged, type PrivilegedVerdict } from './privileged.js';
import { assessFindings, type Finding } from './findings.js';
import { judgedFacts, judgeWorkload, type ProbeElsewhere, type WorkloadVerdict } from './workload.js';

export interface Verdict {
  headline: string;
  sandbox: SandboxVerdict;
  /** gVisor platform, Kata hypervisor, or the program that built the sandbox (bubblewrap,
   *  unshare-style, runc, crun), when the class has one */
  platform: Refinement | null;
  hypervisor: Refinement | null;
  tool: Refinement | null;
  confidentialGuest: string | null;
  vm: VmVerdict;
  engine: EngineVerdict;
  kubernetes: KubernetesVerdict & { runtimeClassHandler: RuntimeClassHandlerGuess | null };
  hostNamespaces: { judged: boolean; shared: NamespaceType[]; reason: string };
  /** which known seccomp profile the blocked set matches; null without a syscall scan */
  seccompProfile: ProfileFingerprint | null;
  /** privileged (every capability, no seccomp, nothing masked, the host's devices), and why */
  privileged: PrivilegedVerdict;
  /** whose confinement the verdicts describe (the workload's, where it can be read), and how the
   *  probe that collected the facts differs from it */
  workload: WorkloadVerdict;
  /** what is risky about the judged process's confinement, graded, worst first: raised, then
   *  undetermined, then moot under the sandbox's own kernel (findings.ts, docs/findings.md) */
  findings: Finding[];
}

const ENGINE_LABEL: Record<string, string> = { docker: 'Docker', podman: 'Podman', containerd: 'containerd', 'cri-o': 'CRI-O' };

/** Shared-kernel classes only: under gVisor or Kata the namespaces we see are the sandbox's own. */
function hostNamespaces(f: Facts, cls: string): Verdict['hostNamespaces'] {
  if (cls === 'gvisor' || cls === 'kata') {
    return { judged: false, shared: [], reason: `not applicable: ${cls} runs its own kernel, so its namespaces are not the host's` };
  }
  const shared = NAMESPACE_TYPES.filter((t) => {
    const e = f.namespaces.entries[t];
    return e.known && e.value.isInitial === true;
  });
  const undecided = NAMESPACE_TYPES.filter((t) => {
    const e = f.namespaces.entries[t];
    return !e.known || e.value.isInitial === null;
  });
  return {
    judged: true,
    shared,
    reason: undecided.length ? `not decidable from inode numbers: ${undecided.join(', ')}` : 'judged by the kernel\'s fixed initial inode numbers',
  };
}

/** The RuntimeClass handler a pod of this class is usually run by. Nothing inside a pod names
 *  its handler (the CRI passes it to the runtime, not to the container), so this is never
 *  observed: it is given only in a Kubernetes pod, and labelled as a guess from the class. */
export interface RuntimeClassHandlerGuess {
  name: string;
  inferredFrom: 'sandbox-class';
  note: string;
}

function runtimeClassHandler(cls: string, hypervisor: Refinement | null, pod: boolean): RuntimeClassHandlerGuess | null {
  if (!pod) return null;
  const short: Record<string, string> = { qemu: 'kata-qemu', 'cloud-hypervisor': 'kata-clh', firecracker: 'kata-fc', dragonball: 'kata-dragonball' };
  const name = cls === 'gvisor' ? 'runsc' : cls === 'sysbox' ? 'sysbox-runc' : cls === 'kata' ? (hypervisor ? short[hypervisor.value] ?? 'kata' : 'kata') : null;
  return name ? { name, inferredFrom: 'sandbox-class', note: `not observed: the handler's usual name for a ${cls} pod (a RuntimeClass may name it otherwise)` } : null;
}

/** The profile of the subject's filter: fingerprinted from the scan where the scan shows it. */
function seccompProfile(f: Facts, judged: Facts, workload: WorkloadVerdict): ProfileFingerprint | null {
  const scan = f.native.syscalls;
  const arch = archFromMachine(f.kernel.uname.known ? f.kernel.uname.value.machine : '');
  const mode = judged.process.seccomp;
  // the scan ran as the probe; when the workload's filter is another, it says nothing of it
  if (workload.scan.describesWorkload === false && !(mode.known && mode.value === 'disabled')) {
    return { verdict: 'unknown', candidates: [], differences: [], reason: `the workload's filter is not the one the scan ran under: ${workload.scan.reason}` };
  }
  if (!scan.known || !arch) return null;
  // the kernel (or gVisor's sentry) says no filter is installed: whatever the scan saw refused
  // was refused by something else — the sandbox's own syscall table, or a missing call
  if (mode.known && mode.value === 'disabled') {
    const refused = scan.value.results.filter(refusedByFilterOrSandbox).length;
    return {
      verdict: 'none', candidates: [], differences: [],
      reason: `Seccomp: 0 in ${mode.source.replace(/ Seccomp$/, '')}: no filter is installed${refused ? `; the ${refused} refusals seen come from the sandbox's own syscall implementation, not from seccomp` : ''}`,
    };
  }
  // Docker (moby profiles/seccomp setupSeccomp) and containers/common build the filter from the
  // spec's capabilities.bounding, not from what a process ends up holding: a non-root process
  // under Docker's defaults has CAP_SYS_CHROOT in its bounding set only, and chroot is allowed.
  // The bounding set is what the process can still see of that spec; the effective set is the
  // fallback when the bounding set cannot be read.
  const bnd = judged.process.capabilities.bounding, eff = judged.process.capabilities.effective;
  const set = bnd.known ? { caps: BigInt(bnd.value.mask), name: 'bounding' as const } : eff.known ? { caps: BigInt(eff.value.mask), name: 'effective' as const } : null;
  return fingerprintSeccompProfile(scan.value.results, {
    arch,
    effectiveCaps: set?.caps ?? null,
    capabilitySet: set?.name,
    kernelRelease: f.kernel.uname.known ? f.kernel.uname.value.release : null,
  });
}

/** `elsewhere`: the probe ran in another container than the target (kubectl sbx's debug container). */
export function classify(f: Facts, elsewhere: ProbeElsewhere | null = null): Verdict {
  const sandbox = classifySandbox(f);
  const cls = sandbox.class;
  const workload = judgeWorkload(f, cls, elsewhere);
  const judged = judgedFacts(f, { workload, sandbox });
  const platform = cls === 'gvisor' ? gvisorPlatform(f) : null;
  const hypervisor = cls === 'kata' ? kataHypervisor(f) : null;
  const tool = cls === 'namespace-sandbox' ? namespaceTool(f) : cls === 'runc-class' ? ociRuntime(sandbox.evidence) : null;
  const vm = classifyVm(f, cls === 'gvisor');
  const engine = classifyEngine(f);
  const kube = classifyKubernetes(f);
  const engineLabel = engine.engine !== 'unknown' ? ENGINE_LABEL[engine.engine] : null;
  const privileged = classifyPrivileged(judged, cls);

  const headlines: Record<string, string> = {
    gvisor: `gVisor sandbox${platform ? ` (platform ${platform.value}${platform.inferred ? ', inferred' : ''})` : ''}`,
    kata: `Kata Containers VM${hypervisor ? ` (hypervisor ${hypervisor.value})` : ''}`,
    sysbox: 'Sysbox system container',
    lxc: 'LXC container',
    nspawn: 'systemd-nspawn container',
    nested: 'container inside a container',
    'namespace-sandbox': tool?.value === 'bubblewrap' ? 'bubblewrap sandbox' : 'namespace sandbox (unshare-style)',
    'runc-class': `runc-class container${[tool?.value, engineLabel].some(Boolean) ? ` (${[tool?.value, engineLabel].filter(Boolean).join(', ')})` : ''}`,
    none: `no container: ${vm.kind === 'none' ? 'bare metal' : vm.kind === 'unknown' ? 'host (machine type unknown)' : vm.label}`,
    container: `container (runtime not identified${engineLabel ? `; ${engineLabel}` : ''})`,
    unknown: 'unknown: the evidence is too weak to say',
  };
  const kubernetes = { ...kube, runtimeClassHandler: runtimeClassHandler(cls, hypervisor, kube.pod) };
  const hostNs = hostNamespaces(judged, cls);
  return {
    headline: privileged.privileged ? `privileged ${headlines[cls]}` : headlines[cls],
    sandbox,
    platform,
    hypervisor,
    tool,
    confidentialGuest: cls === 'kata' || cls === 'none' ? confidentialGuest(f) : null,
    vm,
    engine,
    kubernetes,
    hostNamespaces: hostNs,
    seccompProfile: seccompProfile(f, judged, workload),
    privileged,
    workload,
    findings: assessFindings(judged, { sandbox, privileged, hostNamespaces: hostNs, kubernetes }),
  };
}
