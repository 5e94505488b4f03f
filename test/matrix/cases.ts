// The real-runtime matrix as data: one case per environment this machine can start, each with
// the declaration the harness applies (test/runtimes) and the expectations that follow from that
// declaration — never from the tool's output. test/matrix/matrix.test.ts and scripts/matrix.mjs
// both read this file.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { seccompPassthroughCalls } from '../runtimes/runsc.js';
import { baseCase, CAP_NAMES, DEFAULT_PROJECT_DIR, DOCKER_DEFAULT_CAPS, hostBoundingCaps, resolveCaps, type CaseDecl, type RuntimeName, type UsernsDecl } from '../runtimes/index.js';
import { ociNamespaces } from '../runtimes/oci.js';
import { DIND_OUTER_FLAGS, DOCKER_USERNS_REMAP, podmanDefaultCaps, type EngineDecl, type EngineName } from '../runtimes/engine.js';
import { customProfile, EPERM } from '../runtimes/docker-seccomp.js';
import { GUEST_HOSTNAME } from '../runtimes/qemu.js';
import { criCases, type CriCase } from './cri-cases.js';

export const PROJECT_DIR = DEFAULT_PROJECT_DIR;
export const BUNDLE = join(PROJECT_DIR, 'dist/sbx-detect.cjs');
export const SEA = join(PROJECT_DIR, 'dist/sbx-detect');

/** How the built artifact is started inside the environment: the bundle, the single executable,
 *  or the bundle on this machine collecting through the engine's `exec -i` (--via). */
export type Artifact = 'bundle' | 'sea' | 'via';
let seaPath = SEA;
/** The single executable to run (default dist/sbx-detect; see run.ts ensureSea). */
export function useSea(path: string): void {
  seaPath = path;
}

/** What the tool must report, derived from what the case configured. */
export interface Expectations {
  /** verdict.sandbox.class */
  class: 'runc-class' | 'gvisor' | 'namespace-sandbox' | 'nspawn' | 'lxc' | 'kata' | 'nested' | 'none';
  /** verdict.platform.value (gVisor) */
  platform?: string;
  /** verdict.hypervisor.value (Kata) */
  hypervisor?: string;
  /** verdict.tool.value (namespace sandboxes) */
  tool?: 'bubblewrap' | 'unshare-style';
  uid: number;
  gid: number;
  /** capability names as the tool prints them ('chown', not 'CAP_CHOWN'), sorted */
  capsEffective: string[];
  capsBounding: string[];
  seccomp: 'disabled' | 'filtering';
  /** verdict.seccompProfile.verdict; undefined: not asserted (a filter the runtime builds itself) */
  seccompProfile?: 'docker-default' | 'containers-default' | 'containerd-default' | 'none' | 'custom' | 'unknown';
  /** null: nothing tells it, so the tool must say unknown */
  noNewPrivs: boolean | null;
  readOnlyRoot: boolean;
  nonRoot: boolean;
  /** the OCI runtime, from the signal rows oci-mask-runc / oci-mask-crun in verdict.sandbox.evidence */
  ociRuntime?: 'runc' | 'crun';
  /** verdict.engine.engine */
  engine?: 'docker' | 'podman' | 'containerd' | 'cri-o' | 'unknown';
  /** verdict.privileged.privileged */
  privileged?: boolean;
  /** the probe's own seccomp mode, where it is not the workload's (an exec'd probe under runsc
   *  --oci-seccomp runs unfiltered); the other fields are the workload's, as the verdicts judge it */
  probeSeccomp?: 'disabled' | 'filtering';
  /** verdict.hostNamespaces.shared, sorted */
  sharedNamespaces?: string[];
  /** gVisor with no seccomp filter: every answer is gVisor's own, so none may read as a
   *  filter's and none as ambiguous (#21) */
  unfilteredScan?: true;
  /** the calls that must read as having reached the host kernel (gVisor systrap), sorted */
  hostKernel?: string[];
  /** verdict.kubernetes.pod */
  kubernetes?: boolean;
  /** the launcher (src/helper/launcher.c) had to answer clone3 itself for Node to start */
  launcher?: boolean;
  /** /proc/self/uid_map and gid_map as read, 'inside outside count' per line: the user
   *  namespace the case configured */
  idMaps?: { uid: string[]; gid: string[] };
  /** verdict.workload: whose confinement is judged, and whether the probe is the workload */
  workload?: { subject: 'workload' | 'probe'; sameProcess: boolean };
  /** no seccomp filter on a Linux kernel: no syscall may read as blocked (refused by a filter,
   *  killed or trapped); a capability check's refusal is the kernel's */
  nothingBlocked?: true;
}

interface CaseBase {
  /** unique, short: the row of the matrix table */
  id: string;
  /** the runtime as the table names it */
  runtime: RuntimeName | 'qemu' | 'host' | EngineName;
  /** the artifacts run in it; the bundle always */
  artifacts: Artifact[];
  expect: Expectations;
  /** why the case is configured the way it is, when that is not obvious */
  note?: string;
  /** the runtime whose capture (fixtures/captures/<runtime>.json) this case provides */
  capture?: string;
}
export interface RuntimeCase extends CaseBase { kind: 'runtime'; runtime: RuntimeName; decl: CaseDecl }
/** Guest-side commands: all QEMU cases share ONE boot. Root of the guest, its own namespaces. */
export interface QemuCase extends CaseBase { kind: 'qemu'; runtime: 'qemu'; isolation: 'container' }
/** This machine itself, no sandbox started. */
export interface HostCase extends CaseBase { kind: 'host'; runtime: 'host' }
/** A real container engine (test/runtimes/engine.ts): the recon image run as a user runs it. */
export interface EngineCase extends CaseBase {
  kind: 'engine'; runtime: EngineName; decl: EngineDecl; flags: string;
  /** the case cannot even be declared here (what it expects is read from the engine's files):
   *  why, with what to install — its row says so instead of the run */
  unavailable?: string;
}
export type MatrixCase = RuntimeCase | QemuCase | HostCase | EngineCase | CriCase;

/** The harness's capability names -> the tool's ('CAP_SYS_ADMIN' -> 'sys_admin'), sorted. */
export function toolCapNames(caps: readonly string[]): string[] {
  return caps.map((c) => c.toLowerCase().replace(/^cap_/, '')).sort();
}

// Typed out here on purpose, not imported from src/probes/capabilities.ts: the expectation must
// not come from the table under test (include/uapi/linux/capability.h, CAP_LAST_CAP 40 on 6.1).
const CAP_NAMES_41 = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid',
  'setpcap', 'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw',
  'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct',
  'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod',
  'lease', 'audit_write', 'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog',
  'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf', 'checkpoint_restore',
];

/** The namespace types as the tool names them, from the runtime-spec's. */
const NS_TOOL_NAME: Record<string, string> = { pid: 'pid', network: 'net', ipc: 'ipc', uts: 'uts', mount: 'mnt', user: 'user', cgroup: 'cgroup', time: 'time' };
const ALL_NS = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'];

/** What a user namespace of the container's own looks like from inside, on a shared kernel:
 *  its uid_map and gid_map as the declaration wrote them. */
function idMapsOf(u: UsernsDecl): Expectations['idMaps'] {
  const lines = (m: UsernsDecl['uidMappings']) => m.map((l) => `${l.containerID} ${l.hostID} ${l.size}`);
  return { uid: lines(u.uidMappings), gid: lines(u.gidMappings) };
}

/** Expectations that follow from an OCI/namespace declaration. */
function fromDecl(decl: CaseDecl, over: Partial<Expectations> & Pick<Expectations, 'class' | 'seccomp'>): Expectations {
  const caps = toolCapNames(resolveCaps(decl));
  const oci = decl.runtime === 'runc' || decl.runtime === 'crun';
  const made = new Set(ociNamespaces(decl).map((t) => NS_TOOL_NAME[t]));
  return {
    uid: decl.uid,
    gid: decl.gid,
    capsEffective: caps,
    capsBounding: caps,
    noNewPrivs: decl.noNewPrivileges,
    readOnlyRoot: decl.readOnlyRoot,
    nonRoot: decl.uid !== 0,
    // runc and crun on the host's kernel: the namespaces the bundle does not make are the host's
    ...(oci && { sharedNamespaces: ALL_NS.filter((t) => !made.has(t)) }),
    // in a user namespace of its own: the ids inside, the map, capabilities that are the
    // namespace's (so never privileged), and the tool as the container's first process
    ...(decl.userns && {
      privileged: false, workload: { subject: 'workload' as const, sameProcess: true },
      ...(oci && { idMaps: idMapsOf(decl.userns), nothingBlocked: decl.seccomp === 'none' || undefined }),
    }),
    ...over,
  };
}

/** gVisor sets no_new_privs on every task whatever the spec asks (runsc/specutils/specutils.go
 *  "noNewPrivileges ignored. PR_SET_NO_NEW_PRIVS is assumed to always be set"; its prctl
 *  PR_GET_NO_NEW_PRIVS answers 1: pkg/sentry/syscalls/linux/sys_prctl.go at release-20240729.0). */
const GVISOR_NNP = true;

/** A placeholder command: the test and the script put the artifact's argv in its place. */
const TOOL: string[] = ['sbx-detect'];

/**
 * A seccomp profile Node survives under runsc --oci-seccomp: everything allowed, a few calls no
 * program of ours makes refused with EPERM. (Docker's default profile cannot be used there: runsc
 * 20221219 answers clone3 with EPERM instead of the profile's ENOSYS, so Node's libuv thread
 * start-up aborts — test/runtimes/harness.test.ts and the lab notes.)
 */
export const RUNSC_GENTLE_PROFILE = customProfile({
  defaultAction: 'SCMP_ACT_ALLOW',
  rules: [{ names: ['kexec_load', 'open_by_handle_at', 'add_key', 'request_key', 'keyctl', 'bpf', 'userfaultfd'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
});

/** Kubernetes' hostUsers: false: 65536 ids of the host's, inside from 0 (kubelet allocates
 *  multiples of 65536 from 65536 on). */
const K8S_USERNS = { uidMappings: [{ containerID: 0, hostID: 131072, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 131072, size: 65536 }] };

function runtimeCase(
  id: string, runtime: RuntimeName, over: Partial<CaseDecl>, ex: Partial<Expectations> & Pick<Expectations, 'class' | 'seccomp'>,
  extra: Partial<Pick<RuntimeCase, 'artifacts' | 'note' | 'capture'>> = {},
): RuntimeCase {
  const decl = baseCase(runtime, TOOL, { name: `matrix-${id}`, timeoutMs: 180_000, ...over });
  return { kind: 'runtime', id, runtime, decl, artifacts: extra.artifacts ?? ['bundle'], expect: fromDecl(decl, ex), note: extra.note, capture: extra.capture };
}

export const RUNTIME_CASES: readonly RuntimeCase[] = [
  runtimeCase('runc-docker-default', 'runc',
    { uid: 0, gid: 0, caps: [...DOCKER_DEFAULT_CAPS], seccomp: 'docker-default', readOnlyRoot: false, noNewPrivileges: false },
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'filtering', seccompProfile: 'docker-default' },
    { artifacts: ['bundle', 'sea'], capture: 'runc', note: "root with Docker's default capabilities and seccomp profile, writable root" }),
  runtimeCase('runc-no-seccomp', 'runc',
    {},
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'disabled', seccompProfile: 'none' },
    { artifacts: ['bundle', 'sea'], note: 'uid 20000, no capabilities, no seccomp, read-only root, no_new_privs' }),
  runtimeCase('runc-all-caps', 'runc',
    { uid: 0, gid: 0, caps: 'all-host', readOnlyRoot: false, noNewPrivileges: false },
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'disabled', seccompProfile: 'none' },
    { note: 'root with every capability in the host bounding set, no seccomp' }),
  runtimeCase('runc-bare', 'runc',
    { uid: 0, gid: 0, caps: 'all-host', readOnlyRoot: true, noNewPrivileges: false, maskedPaths: [], hostRoot: true },
    { class: 'runc-class', seccomp: 'disabled', seccompProfile: 'none' },
    { note: 'bare runc: nothing masked, every capability in the host bounding set, no seccomp, the host\'s root filesystem bound read-only (#12: once "unknown")' }),
  runtimeCase('crun-docker-default', 'crun',
    { seccomp: 'docker-default' },
    { class: 'runc-class', ociRuntime: 'crun', seccomp: 'filtering', seccompProfile: 'docker-default' },
    { capture: 'crun', note: "uid 20000, no capabilities, Docker's default seccomp profile (converted for no capabilities)" }),
  runtimeCase('runsc-ptrace', 'runsc',
    {},
    { class: 'gvisor', platform: 'ptrace', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, unfilteredScan: true, hostKernel: [] },
    { artifacts: ['bundle', 'sea'], capture: 'runsc', note: 'gVisor 20221219, --platform=ptrace --network=none, no --oci-seccomp' }),
  runtimeCase('runsc-ptrace-oci-seccomp', 'runsc',
    { seccomp: { oci: RUNSC_GENTLE_PROFILE }, runscFlags: ['--oci-seccomp'] },
    { class: 'gvisor', platform: 'ptrace', seccomp: 'filtering', seccompProfile: 'custom', noNewPrivs: GVISOR_NNP },
    {
      artifacts: ['bundle', 'sea'],
      note: "--oci-seccomp with a deny-7-calls profile, not Docker's: under Docker's profile runsc answers clone3 EPERM and Node aborts",
    }),
  runtimeCase('runsc-2024-systrap', 'runsc-2024',
    {},
    { class: 'gvisor', platform: 'systrap', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, unfilteredScan: true, hostKernel: seccompPassthroughCalls() },
    { artifacts: ['bundle', 'sea'], capture: 'runsc-2024', note: "gVisor 20240729 on systrap (its default platform), the seed's pod: uid 20000, no capabilities, no seccomp" }),
  runtimeCase('runsc-2024-ptrace', 'runsc-2024',
    { runscFlags: ['--platform=ptrace'] },
    { class: 'gvisor', platform: 'ptrace', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, unfilteredScan: true, hostKernel: [] },
    { note: 'gVisor 20240729 on its ptrace platform: ptrace intercepts below seccomp, so nothing reaches the host kernel' }),
  runtimeCase('runsc-2024-systrap-oci-seccomp', 'runsc-2024',
    { seccomp: { oci: RUNSC_GENTLE_PROFILE }, runscFlags: ['--oci-seccomp'] },
    { class: 'gvisor', platform: 'systrap', seccomp: 'filtering', seccompProfile: 'custom', noNewPrivs: GVISOR_NNP, hostKernel: seccompPassthroughCalls() },
    { note: "gVisor 20240729 on systrap, --oci-seccomp with the deny-7-calls profile (Node's threads need clone3 answered ENOSYS, not EPERM)" }),
  runtimeCase('bwrap', 'bwrap',
    {},
    { class: 'namespace-sandbox', tool: 'bubblewrap', seccomp: 'disabled', seccompProfile: 'none' },
    { capture: 'bwrap', note: 'run as nobody; uid 20000 inside, no capabilities, read-only root' }),
  runtimeCase('unshare', 'unshare',
    {},
    { class: 'namespace-sandbox', tool: 'unshare-style', seccomp: 'disabled', seccompProfile: 'none' },
    { capture: 'unshare', note: 'user+pid+mount (+ipc, uts, net) namespaces as nobody; uid 20000 in a nested user namespace' }),
  runtimeCase('nspawn', 'nspawn',
    { seccomp: 'runtime-default' },
    { class: 'nspawn', seccomp: 'filtering', seccompProfile: 'custom' },
    { capture: 'nspawn', note: "uid 20000, nspawn's own seccomp filter (its own list: neither Docker's nor containers-common's profile, so 'custom')" }),
  // ---- user namespaces of the container's own (#23): a pod's hostUsers: false, as the OCI spec
  // gives it to the runtime: 65536 ids from 131072 outside, 0 inside
  runtimeCase('runc-userns', 'runc',
    { userns: K8S_USERNS },
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'disabled', seccompProfile: 'none' },
    { note: 'a user namespace of its own (0 → 131072, 65536 ids, as a pod\'s with hostUsers: false); uid 20000 inside, no capabilities, no seccomp, read-only root, no_new_privs' }),
  runtimeCase('runc-userns-root', 'runc',
    { userns: K8S_USERNS, uid: 0, gid: 0, caps: [...DOCKER_DEFAULT_CAPS], seccomp: 'docker-default', readOnlyRoot: false, noNewPrivileges: false },
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'filtering', seccompProfile: 'docker-default' },
    { note: "root of its own user namespace with Docker's default capabilities and seccomp profile, writable root" }),
  runtimeCase('runc-userns-all-caps', 'runc',
    { userns: K8S_USERNS, uid: 0, gid: 0, caps: 'all-host', readOnlyRoot: false, noNewPrivileges: false },
    { class: 'runc-class', ociRuntime: 'runc', seccomp: 'disabled', seccompProfile: 'none' },
    { capture: 'runc-userns', note: 'root of its own user namespace with every capability of the host bounding set, no seccomp: capabilities that do not reach the host, so not privileged' }),
  runtimeCase('crun-userns-root', 'crun',
    { userns: K8S_USERNS, uid: 0, gid: 0, caps: [...DOCKER_DEFAULT_CAPS], seccomp: 'docker-default', readOnlyRoot: false, noNewPrivileges: false },
    { class: 'runc-class', ociRuntime: 'crun', seccomp: 'filtering', seccompProfile: 'docker-default' },
    { capture: 'crun-userns', note: "crun, root of its own user namespace with Docker's default capabilities and seccomp profile" }),
  runtimeCase('runsc-userns', 'runsc',
    { userns: K8S_USERNS },
    { class: 'gvisor', platform: 'ptrace', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, unfilteredScan: true, hostKernel: [], sharedNamespaces: [] },
    { note: 'gVisor 20221219 given the user namespace: runsc maps its gofer with it; inside, the sentry shows its own identity map' }),
  runtimeCase('runsc-2024-userns', 'runsc-2024',
    { userns: K8S_USERNS },
    { class: 'gvisor', platform: 'systrap', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, unfilteredScan: true, hostKernel: seccompPassthroughCalls(), sharedNamespaces: [] },
    { note: 'gVisor 20240729 (systrap) given the same user namespace' }),
  runtimeCase('lxc', 'lxc',
    {},
    { class: 'lxc', seccomp: 'disabled', seccompProfile: 'none' },
    { capture: 'lxc', note: 'lxc-execute, uid 20000, no capabilities, no seccomp, read-only root' }),
];

// ---- real engines: the recon image (scripts/build-image-rootfs.sh, imported with the
// Dockerfile's USER 20000:20000 and ENTRYPOINT) run by Docker 20.10, Podman 4.3 and a Docker inside
// Docker. Each expectation follows from the flags and the engine's documented defaults.

const names = (caps: readonly string[]) => toolCapNames(caps);
/** Docker 20.10 grants "every capability" (--privileged, --cap-add ALL) from the list it knows,
 *  CAP_CHOWN … CAP_AUDIT_READ (bit 37; moby 20.10 oci/caps), less what the host's bounding set
 *  lacks (this machine: CAP_SYS_RESOURCE). */
function dockerAllCaps(): string[] {
  const host = new Set(hostBoundingCaps());
  return CAP_NAMES.slice(0, 38).filter((c) => host.has(c));
}
/** The same in a user namespace of the container's own: the kernel gives a new user namespace's
 *  first process a full bounding set (kernel/user_namespace.c set_cred_user_ns: cap_bset =
 *  CAP_FULL_SET), so there the host's bounding set takes nothing away — Docker's whole list. */
const dockerAllCapsInUserns = (): string[] => CAP_NAMES.slice(0, 38);

function engineCase(
  id: string, engine: EngineName, runArgs: string[], ex: Expectations, extra: { note: string; mode?: 'inside' | 'via'; podmanSubids?: EngineDecl['podmanSubids'] },
): EngineCase {
  const mode = extra.mode ?? 'inside';
  const cmd = engine === 'podman' ? 'podman run' : engine === 'podman-crun' ? 'podman --runtime crun run'
    : engine === 'dind' ? 'docker run (inner daemon)' : engine === 'docker-userns' ? 'docker run (dockerd --userns-remap=default)' : 'docker run';
  return {
    kind: 'engine', id, runtime: engine, artifacts: [mode === 'via' ? 'via' : 'sea'], expect: { workload: workloadOf(mode), ...ex }, note: extra.note,
    decl: { name: id, engine, runArgs, mode, ...(extra.podmanSubids && { podmanSubids: extra.podmanSubids }) }, flags: `${cmd} ${runArgs.join(' ')}`.trim(),
  };
}

/** uid 20000 from the image's USER: a non-root process holds nothing effective, the bounding set is the engine's */
const imageUser = { uid: 20000, gid: 20000, capsEffective: [] as string[], nonRoot: true };

/** cgroup v1 here (hybrid): Docker 20.10 keeps the host's cgroup namespace on v1 by default, and
 *  never makes a user (no userns-remap) or a time namespace */
const DOCKER_SHARED_NS = ['cgroup', 'time', 'user'];
/** the same under --userns-remap: the user namespace is the container's own */
const DOCKER_USERNS_SHARED = ['cgroup', 'time'];

/** The uid_map / gid_map lines a user namespace of `size` ids from `hostId` shows inside. */
const idMapLines = (hostId: number, size: number) => ({ uid: [`0 ${hostId} ${size}`], gid: [`0 ${hostId} ${size}`] });

/** Podman's --uidmap/--gidmap for a user namespace like a pod's with hostUsers: false */
const PODMAN_USERNS = { hostId: 131072, size: 65536 };
const PODMAN_USERNS_FLAGS = ['--uidmap', `0:${PODMAN_USERNS.hostId}:${PODMAN_USERNS.size}`, '--gidmap', `0:${PODMAN_USERNS.hostId}:${PODMAN_USERNS.size}`];
/** Podman on cgroup v1 keeps the host's cgroup namespace (podman-run(1) --cgroupns: "host on
 *  cgroups V1"), and never makes a time namespace; with --uidmap the user namespace is its own */
const PODMAN_USERNS_SHARED = ['cgroup', 'time'];
/** --userns=auto: the containers user's subordinate ids (given to the run only), and the size asked */
const PODMAN_AUTO_RANGE = { hostId: 262144, size: 655360 };
const PODMAN_AUTO = { hostId: PODMAN_AUTO_RANGE.hostId, size: 65536 };
/** the tool is the container's first process */
const FIRST_PROCESS = { subject: 'workload' as const, sameProcess: true };
/** What verdict.workload must say when a case declares nothing else: the judged subject is the
 *  workload either way; run as the container's command the tool is it, collecting through an
 *  engine's exec (--via) the probe is a process beside it. */
export function workloadOf(mode: 'inside' | 'sea' | 'via'): NonNullable<Expectations['workload']> {
  return mode === 'via' ? { subject: 'workload', sameProcess: false } : FIRST_PROCESS;
}

export function engineCases(): EngineCase[] {
  const dockerDefault = names(DOCKER_DEFAULT_CAPS);
  // runsc removes CAP_NET_RAW from the container unless it is given --net-raw (runsc/config
  // flags.go: "when false, raw sockets are disabled by removing CAP_NET_RAW from containers")
  const runscDefault = dockerDefault.filter((c) => c !== 'net_raw');
  // Podman's rows read its containers.conf; without it each row says what to install instead
  const podmanCaps = podmanDefaultCaps();
  const podmanCapNames = Array.isArray(podmanCaps) ? names(podmanCaps) : [];
  const podmanCase = (...args: Parameters<typeof engineCase>): EngineCase => ({
    ...engineCase(...args), ...(!Array.isArray(podmanCaps) && { unavailable: `podman: ${podmanCaps.missing}` }),
  });
  return [
    engineCase('docker-default', 'docker', [], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false, sharedNamespaces: DOCKER_SHARED_NS,
    }, { note: "the image's uid 20000, Docker's default capabilities (bounding) and seccomp profile" }),
    engineCase('docker-hardened', 'docker', ['-u', '20000:20000', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsBounding: [],
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: true, readOnlyRoot: true, privileged: false,
    }, { note: "the seed's hardened StatefulSet as Docker flags, and the Dockerfile's own example run; default seccomp" }),
    engineCase('docker-privileged', 'docker', ['--privileged'], {
      ...imageUser, class: 'runc-class', engine: 'docker', capsBounding: names(dockerAllCaps()),
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: false, privileged: true,
    }, { note: "a real --privileged, as the image's uid 20000 (as root it fails here: runc cannot apply CAP_SYS_RESOURCE, outside this machine's bounding set)" }),
    engineCase('docker-all-caps-root', 'docker',
      ['--user', '0', '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined'], {
        uid: 0, gid: 0, nonRoot: false, class: 'runc-class', engine: 'docker', capsEffective: names(dockerAllCaps()), capsBounding: names(dockerAllCaps()),
        seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      }, { note: "root's closest equivalent of --privileged that starts here: every capability, no seccomp, nothing masked, but no host devices, so not privileged" }),
    engineCase('docker-pid-host', 'docker', ['--pid', 'host', '--user', '0'], {
      uid: 0, gid: 0, nonRoot: false, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsEffective: dockerDefault, capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false, sharedNamespaces: [...DOCKER_SHARED_NS, 'pid'].sort(),
      // in the host's pid namespace PID 1 is the host's init, not the container's first process:
      // there is no workload to read beside the tool, so the tool's own process is judged
      workload: { subject: 'probe', sameProcess: false },
    }, { note: "root with the host's pid namespace, Docker's defaults otherwise" }),
    engineCase('docker-runsc', 'docker', ['--runtime', 'runsc'], {
      ...imageUser, class: 'gvisor', platform: 'ptrace', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false,
    }, { note: 'runsc 20221219 registered in daemon.json with --network=none; gVisor ignores the profile without --oci-seccomp' }),
    engineCase('docker-runsc-systrap', 'docker', ['--runtime', 'runsc-systrap'], {
      ...imageUser, class: 'gvisor', platform: 'systrap', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, unfilteredScan: true, hostKernel: seccompPassthroughCalls(),
    }, { note: "runsc 20240729 (systrap) registered in daemon.json with --network=none: the seed's pod on today's gVisor" }),
    engineCase('docker-runsc-systrap-via', 'docker', ['--runtime', 'runsc-systrap', '--user', '20000:20000'], {
      ...imageUser, class: 'gvisor', platform: 'systrap', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, unfilteredScan: true, hostKernel: seccompPassthroughCalls(),
    }, { mode: 'via', note: 'the same, collected from outside through docker exec -i: only the static helper enters the container' }),
    engineCase('docker-runsc-2024-ptrace', 'docker', ['--runtime', 'runsc-2024-ptrace'], {
      ...imageUser, class: 'gvisor', platform: 'ptrace', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, unfilteredScan: true, hostKernel: [],
    }, { note: "runsc 20240729 on its ptrace platform" }),
    engineCase('docker-runsc-systrap-oci-seccomp', 'docker', ['--runtime', 'runsc-systrap-seccomp', '--user', '20000:20000'], {
      ...imageUser, class: 'gvisor', platform: 'systrap', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'filtering', seccompProfile: 'unknown', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, probeSeccomp: 'disabled', hostKernel: seccompPassthroughCalls(),
    }, {
      mode: 'via',
      note: "runsc 20240729 --oci-seccomp with Docker's default profile, collected through docker exec -i (the exec'd helper runs without the filter PID 1 has)",
    }),
    engineCase('docker-runsc-oci-seccomp', 'docker', ['--runtime', 'runsc-seccomp', '--user', '20000:20000'], {
      ...imageUser, class: 'gvisor', platform: 'ptrace', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'filtering', seccompProfile: 'unknown', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, probeSeccomp: 'disabled',
    }, {
      mode: 'via',
      note: "runsc --oci-seccomp with Docker's default profile: Node aborts when it is the container's first process (uv_thread_create), so the bundle here collects through docker exec -i; the exec'd helper runs without the filter PID 1 has",
    }),
    engineCase('docker-runsc-oci-seccomp-inside', 'docker', ['--runtime', 'runsc-seccomp', '--user', '20000:20000'], {
      ...imageUser, class: 'gvisor', platform: 'ptrace', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'filtering', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, launcher: true,
    }, { note: "the same as the recon image's own first process: clone3 answers EPERM, so the launcher answers it ENOSYS for itself and Node starts (it used to abort: uv_thread_create)" }),
    engineCase('docker-runsc-systrap-oci-seccomp-inside', 'docker', ['--runtime', 'runsc-systrap-seccomp', '--user', '20000:20000'], {
      ...imageUser, class: 'gvisor', platform: 'systrap', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'filtering', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, launcher: true, hostKernel: seccompPassthroughCalls(),
    }, { note: "runsc 20240729 --oci-seccomp with Docker's default profile, the recon image's own first process: the launcher answers clone3 for Node, the report says so" }),
    podmanCase('podman-default', 'podman', [], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'podman', capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
    }, { note: 'Podman 4.3 with runc and cgroupfs (crun refuses the hybrid cgroups here); capabilities from containers.conf' }),
    podmanCase('podman-crun-default', 'podman-crun', [], {
      ...imageUser, class: 'runc-class', ociRuntime: 'crun', engine: 'podman', capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: ['cgroup', 'time', 'user'], workload: FIRST_PROCESS,
    }, { note: 'Podman 4.3 with crun, its default runtime, in a private mount namespace without the cgroup2 hierarchy (crun 1.8 refuses hybrid cgroups)' }),
    engineCase('docker-userns', 'docker-userns', [], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: DOCKER_USERNS_SHARED, idMaps: idMapLines(DOCKER_USERNS_REMAP.hostId, DOCKER_USERNS_REMAP.size), workload: FIRST_PROCESS,
    }, { note: "dockerd --userns-remap=default (dockremap and its range only in dockerd's private mount namespace): the image's uid 20000, Docker's defaults" }),
    engineCase('docker-userns-via', 'docker-userns', ['--user', '20000:20000'], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: DOCKER_USERNS_SHARED, idMaps: idMapLines(DOCKER_USERNS_REMAP.hostId, DOCKER_USERNS_REMAP.size),
      workload: { subject: 'workload', sameProcess: false },
    }, { mode: 'via', note: 'the same, collected from outside through docker exec -i: the exec\'d helper joins the container\'s user namespace, and the workload (PID 1) is read beside it' }),
    engineCase('docker-userns-root', 'docker-userns', ['--user', '0'], {
      uid: 0, gid: 0, nonRoot: false, class: 'runc-class', ociRuntime: 'runc', engine: 'docker', capsEffective: dockerDefault, capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: DOCKER_USERNS_SHARED, idMaps: idMapLines(DOCKER_USERNS_REMAP.hostId, DOCKER_USERNS_REMAP.size), workload: FIRST_PROCESS,
    }, { note: "root inside the remapped user namespace, Docker's default capabilities and profile" }),
    engineCase('docker-userns-all-caps-root', 'docker-userns',
      ['--user', '0', '--cap-add', 'ALL', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined'], {
        uid: 0, gid: 0, nonRoot: false, class: 'runc-class', engine: 'docker', capsEffective: names(dockerAllCapsInUserns()), capsBounding: names(dockerAllCapsInUserns()),
        seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: false, privileged: false,
        sharedNamespaces: DOCKER_USERNS_SHARED, idMaps: idMapLines(DOCKER_USERNS_REMAP.hostId, DOCKER_USERNS_REMAP.size), workload: FIRST_PROCESS, nothingBlocked: true,
      }, { note: "every capability Docker knows — CAP_SYS_RESOURCE too, which this host's bounding set lacks: a new user namespace starts with a full bounding set — no seccomp, nothing masked, in the remapped user namespace (Docker refuses --privileged with userns-remap unless --userns=host)" }),
    engineCase('docker-userns-runsc', 'docker-userns', ['--runtime', 'runsc'], {
      ...imageUser, class: 'gvisor', platform: 'ptrace', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, workload: FIRST_PROCESS,
    }, { note: 'runsc 20221219 under the userns-remap dockerd' }),
    engineCase('docker-userns-runsc-systrap', 'docker-userns', ['--runtime', 'runsc-systrap'], {
      ...imageUser, class: 'gvisor', platform: 'systrap', engine: 'docker', capsBounding: runscDefault,
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: GVISOR_NNP, readOnlyRoot: false, privileged: false, workload: FIRST_PROCESS,
      unfilteredScan: true, hostKernel: seccompPassthroughCalls(),
    }, { note: 'runsc 20240729 (systrap) under the userns-remap dockerd' }),
    podmanCase('podman-userns', 'podman', PODMAN_USERNS_FLAGS, {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'podman', capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: PODMAN_USERNS_SHARED, idMaps: idMapLines(PODMAN_USERNS.hostId, PODMAN_USERNS.size), workload: FIRST_PROCESS,
    }, { note: "a user namespace of its own (65536 ids, as a pod's with hostUsers: false), the image's uid 20000; runc" }),
    podmanCase('podman-userns-root', 'podman', [...PODMAN_USERNS_FLAGS, '--user', '0'], {
      uid: 0, gid: 0, nonRoot: false, class: 'runc-class', ociRuntime: 'runc', engine: 'podman', capsEffective: podmanCapNames, capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: PODMAN_USERNS_SHARED, idMaps: idMapLines(PODMAN_USERNS.hostId, PODMAN_USERNS.size), workload: FIRST_PROCESS,
    }, { note: "root inside its own user namespace: Podman's default capabilities, effective, over what the namespace owns only; runc" }),
    podmanCase('podman-crun-userns-root', 'podman-crun', [...PODMAN_USERNS_FLAGS, '--user', '0'], {
      uid: 0, gid: 0, nonRoot: false, class: 'runc-class', ociRuntime: 'crun', engine: 'podman', capsEffective: podmanCapNames, capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: PODMAN_USERNS_SHARED, idMaps: idMapLines(PODMAN_USERNS.hostId, PODMAN_USERNS.size), workload: FIRST_PROCESS,
    }, { note: 'the same under crun, Podman\'s default runtime: each run in a private mount namespace without the cgroup2 hierarchy, which crun 1.8 refuses beside v1 controllers' }),
    podmanCase('podman-userns-auto', 'podman', ['--userns', `auto:size=${PODMAN_AUTO.size}`], {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', engine: 'podman', capsBounding: podmanCapNames,
      seccomp: 'filtering', seccompProfile: 'containers-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      // the first range --userns=auto hands out is the start of the containers user's (each run is removed)
      sharedNamespaces: PODMAN_USERNS_SHARED, idMaps: idMapLines(PODMAN_AUTO.hostId, PODMAN_AUTO.size), workload: FIRST_PROCESS,
    }, { podmanSubids: PODMAN_AUTO_RANGE, note: 'Podman picks the range itself (--userns=auto) from the containers user\'s subordinate ids, given to this run only: the image\'s uid 20000, runc' }),
    podmanCase('podman-userns-privileged', 'podman', [...PODMAN_USERNS_FLAGS, '--user', '0', '--privileged'], {
      uid: 0, gid: 0, nonRoot: false, class: 'runc-class', engine: 'podman', capsEffective: names(hostBoundingCaps()), capsBounding: names(hostBoundingCaps()),
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: false, privileged: false,
      sharedNamespaces: PODMAN_USERNS_SHARED, idMaps: idMapLines(PODMAN_USERNS.hostId, PODMAN_USERNS.size), workload: FIRST_PROCESS, nothingBlocked: true,
    }, { note: "--privileged in a user namespace of its own: every capability of Podman's bounding set, no seccomp, nothing masked, the host's devices bound in — but the capabilities are the namespace's, so not privileged" }),
    engineCase('docker-in-docker', 'dind', [], {
      ...imageUser, class: 'nested', engine: 'docker', capsBounding: dockerDefault,
      seccomp: 'filtering', seccompProfile: 'docker-default', noNewPrivs: false, readOnlyRoot: false, privileged: false,
    }, { note: `the host's dockerd inside a container of the private one (${DIND_OUTER_FLAGS.filter((f) => f !== '-v' && !f.startsWith('/')).join(' ')}), the tool in a container of that inner daemon` }),
  ];
}

/** The guest's capability bounding set: every capability its 6.1 kernel knows (CAP_LAST_CAP 40). */
export const QEMU_CASE: QemuCase = {
  kind: 'qemu', id: 'qemu-kata', runtime: 'qemu', isolation: 'container', artifacts: ['bundle'], capture: 'qemu',
  note: `QEMU TCG, Kata-style kernel command line, host / as read-only 9p kataShared root; the tool runs as guest root in its own pid/mount/uts/ipc namespaces (hostname ${GUEST_HOSTNAME})`,
  expect: {
    class: 'kata', hypervisor: 'qemu', uid: 0, gid: 0, capsEffective: [...CAP_NAMES_41].sort(), capsBounding: [...CAP_NAMES_41].sort(),
    seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: true, nonRoot: false,
  },
};

function ownStatus(key: string): string {
  const m = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${key} line in /proc/self/status`);
  return m[1]!.trim();
}
function maskNames(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  const out: string[] = [];
  for (let b = 0; b < 64; b++) if ((mask >> BigInt(b)) & 1n) out.push(CAP_NAMES_41[b] ?? `cap_${b}`);
  return out.sort();
}
function rootReadOnly(): boolean {
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === '/');
  return !!line && line.split(' ')[5]!.split(',').includes('ro');
}

/**
 * This machine, as the runner itself sees it: the runner is the declaration here (it runs the
 * tool as a child with its own credentials). The class is 'none' only when the runner is in the
 * kernel's initial pid namespace, as on this machine.
 */
export function hostCase(): HostCase {
  const uid = Number(ownStatus('Uid').split(/\s+/)[1]);
  const gid = Number(ownStatus('Gid').split(/\s+/)[1]);
  const seccomp = ownStatus('Seccomp') === '0' ? 'disabled' : 'filtering';
  const initialPid = readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';
  return {
    kind: 'host', id: 'host', runtime: 'host', artifacts: ['bundle', 'sea'],
    note: 'this machine, no sandbox started: the tool runs as a child of the runner',
    expect: {
      class: initialPid ? 'none' : 'runc-class', uid, gid,
      capsEffective: maskNames(ownStatus('CapEff')), capsBounding: maskNames(ownStatus('CapBnd')),
      seccomp, ...(seccomp === 'disabled' && { seccompProfile: 'none' as const }),
      noNewPrivs: ownStatus('NoNewPrivs') === '1', readOnlyRoot: rootReadOnly(), nonRoot: uid !== 0,
    },
  };
}

export function allCases(): MatrixCase[] {
  return [hostCase(), ...RUNTIME_CASES, ...engineCases(), ...criCases(), QEMU_CASE];
}

/** The argv that runs `artifact` with `args` inside the environment. */
export function toolArgv(artifact: Artifact, args: string[]): string[] {
  return artifact === 'sea' ? [seaPath, ...args] : ['node', BUNDLE, ...args];
}

/** The single executable in use (see useSea). */
export const currentSea = () => seaPath;
