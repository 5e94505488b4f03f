// The real-runtime matrix as data: one case per environment this machine can start, each with
// the declaration the harness applies (test/runtimes) and the expectations that follow from that
// declaration — never from the tool's output. test/matrix/matrix.test.ts and scripts/matrix.mjs
// both read this file.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { baseCase, DEFAULT_PROJECT_DIR, DOCKER_DEFAULT_CAPS, resolveCaps, type CaseDecl, type RuntimeName } from '../runtimes/index.js';
import { customProfile, EPERM } from '../runtimes/docker-seccomp.js';
import { GUEST_HOSTNAME } from '../runtimes/qemu.js';

export const PROJECT_DIR = DEFAULT_PROJECT_DIR;
export const BUNDLE = join(PROJECT_DIR, 'dist/sbx-detect.cjs');
export const SEA = join(PROJECT_DIR, 'dist/sbx-detect');

/** How the built artifact is started inside the environment. */
export type Artifact = 'bundle' | 'sea';
let seaPath = SEA;
/** The single executable to run (default dist/sbx-detect; see run.ts ensureSea). */
export function useSea(path: string): void {
  seaPath = path;
}

/** What the tool must report, derived from what the case configured. */
export interface Expectations {
  /** verdict.sandbox.class */
  class: 'runc-class' | 'gvisor' | 'namespace-sandbox' | 'nspawn' | 'lxc' | 'kata' | 'none';
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
  seccompProfile?: 'docker-default' | 'containers-default' | 'none' | 'custom';
  /** null: the environment prints no NoNewPrivs line (gVisor), so the tool must say unknown */
  noNewPrivs: boolean | null;
  readOnlyRoot: boolean;
  nonRoot: boolean;
  /** the OCI runtime, from the signal rows oci-mask-runc / oci-mask-crun in verdict.sandbox.evidence */
  ociRuntime?: 'runc' | 'crun';
}

interface CaseBase {
  /** unique, short: the row of the matrix table */
  id: string;
  /** the runtime as the table names it */
  runtime: RuntimeName | 'qemu' | 'host';
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
export type MatrixCase = RuntimeCase | QemuCase | HostCase;

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

/** Expectations that follow from an OCI/namespace declaration. */
function fromDecl(decl: CaseDecl, over: Partial<Expectations> & Pick<Expectations, 'class' | 'seccomp'>): Expectations {
  const caps = toolCapNames(resolveCaps(decl));
  return {
    uid: decl.uid,
    gid: decl.gid,
    capsEffective: caps,
    capsBounding: caps,
    noNewPrivs: decl.noNewPrivileges,
    readOnlyRoot: decl.readOnlyRoot,
    nonRoot: decl.uid !== 0,
    ...over,
  };
}

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
  runtimeCase('crun-docker-default', 'crun',
    { seccomp: 'docker-default' },
    { class: 'runc-class', ociRuntime: 'crun', seccomp: 'filtering', seccompProfile: 'docker-default' },
    { capture: 'crun', note: "uid 20000, no capabilities, Docker's default seccomp profile (converted for no capabilities)" }),
  runtimeCase('runsc-ptrace', 'runsc',
    {},
    { class: 'gvisor', platform: 'ptrace', seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: null },
    { artifacts: ['bundle', 'sea'], capture: 'runsc', note: 'gVisor 20221219, --platform=ptrace --network=none, no --oci-seccomp' }),
  runtimeCase('runsc-ptrace-oci-seccomp', 'runsc',
    { seccomp: { oci: RUNSC_GENTLE_PROFILE }, runscFlags: ['--oci-seccomp'] },
    { class: 'gvisor', platform: 'ptrace', seccomp: 'filtering', seccompProfile: 'custom', noNewPrivs: null },
    {
      artifacts: ['bundle', 'sea'],
      note: "--oci-seccomp with a deny-7-calls profile, not Docker's: under Docker's profile runsc answers clone3 EPERM and Node aborts",
    }),
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
  runtimeCase('lxc', 'lxc',
    {},
    { class: 'lxc', seccomp: 'disabled', seccompProfile: 'none' },
    { capture: 'lxc', note: 'lxc-execute, uid 20000, no capabilities, no seccomp, read-only root' }),
];

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
  return [hostCase(), ...RUNTIME_CASES, QEMU_CASE];
}

/** The argv that runs `artifact` with `args` inside the environment. */
export function toolArgv(artifact: Artifact, args: string[]): string[] {
  return artifact === 'bundle' ? ['node', BUNDLE, ...args] : [seaPath, ...args];
}
