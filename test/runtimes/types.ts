// Shared types of the real-runtime harness: what a case declares, what a run returns.

// runsc: Debian 12's gVisor 20221219 (ptrace); runsc-2024: trixie's 20240729 at /opt/runsc-2024
// (scripts/setup-runtimes.sh), on systrap, gVisor's default platform since mid-2023
export const RUNTIMES = ['runc', 'crun', 'runsc', 'runsc-2024', 'bwrap', 'unshare', 'nspawn', 'lxc'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** One rule of an OCI `linux.seccomp` section. */
export interface OciSeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}
export interface OciSeccompSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[];
}
/** An OCI `linux.seccomp` section (runtime-spec 1.0.2). */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls?: OciSeccompSyscall[];
}

/**
 * Seccomp of a case:
 * - 'none': no filter at all (nspawn: SYSTEMD_SECCOMP=0; LXC: empty lxc.seccomp.profile);
 * - 'runtime-default': whatever the runtime applies by itself (nspawn's and LXC's own filters;
 *   the same as 'none' for runc, crun, runsc, bwrap and unshare, which apply none by default);
 * - 'docker-default': Docker's default profile, converted for this arch, the case's capabilities
 *   and this kernel (OCI runtimes only);
 * - { oci }: an OCI linux.seccomp section (OCI runtimes only).
 */
export type SeccompDecl = 'none' | 'runtime-default' | 'docker-default' | { oci: OciSeccomp };

export interface BindMount {
  source: string;
  destination: string;
  /** default true */
  readonly?: boolean;
}

/** One line of an OCI uidMappings / gidMappings (runtime-spec config-linux.md "User namespace
 *  mappings"): ids containerID … containerID+size-1 are hostID … hostID+size-1 outside. */
export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** A user namespace of the container's own, as Kubernetes' hostUsers: false, Podman --uidmap and
 *  Docker's userns-remap make one: the OCI `user` namespace and its mappings. */
export interface UsernsDecl {
  uidMappings: IdMapping[];
  gidMappings: IdMapping[];
}

export interface CaseDecl {
  name: string;
  runtime: RuntimeName;
  uid: number;
  gid: number;
  /** Capability names ('CAP_CHOWN' or 'chown'), or every capability in the host's bounding set. */
  caps: string[] | 'all-host';
  seccomp: SeccompDecl;
  readOnlyRoot: boolean;
  noNewPrivileges: boolean;
  /** Extra runsc flags, e.g. ['--oci-seccomp'], or a platform (runsc: ptrace by default;
   *  runsc-2024: systrap by default, --platform=ptrace for its ptrace). runsc only. */
  runscFlags?: string[];
  /** Extra bind mounts, read-only unless readonly: false. */
  mounts?: BindMount[];
  env?: Record<string, string>;
  command: string[];
  /**
   * The project checkout to make visible (read-only, at the same path). Default: the clone this
   * harness lives in. The command's working directory defaults to it.
   */
  projectDir?: string;
  cwd?: string;
  /** /tmp and /dev/shm mounted noexec. */
  noexecTmp?: boolean;
  /** The host's root filesystem bound read-only as the container's root, instead of an overlay
   *  (OCI runtimes; needs readOnlyRoot). */
  hostRoot?: boolean;
  /** No /sys at all (OCI runtimes, bwrap). */
  noSys?: boolean;
  /** Options for the fresh /proc, e.g. ['hidepid=2'] (OCI runtimes). */
  procOptions?: string[];
  /** Paths made unreadable (OCI maskedPaths; bwrap: tmpfs or /dev/null over them). */
  maskedPaths?: string[];
  /**
   * PID 1 is a root shell that runs the command as uid:gid with the declared capabilities and
   * waits for it, instead of the command being PID 1 itself: with procOptions ['hidepid=2'] the
   * command then cannot see /proc/1. OCI runtimes only.
   */
  rootInit?: boolean;
  hostname?: string;
  /** The container in a user namespace of its own (OCI runtimes): uid and gid are then the ids
   *  inside it, and capabilities are the namespace's own. */
  userns?: UsernsDecl;
  /** More OCI rlimits beside RLIMIT_NOFILE 1024 (OCI runtimes), e.g. RLIMIT_MEMLOCK 0. */
  rlimits?: { type: string; soft: number; hard: number }[];
  /** Kill the run after this long. Default 120 s. */
  timeoutMs?: number;
  /** Written to the command's stdin (a pipe; never a host device). */
  stdin?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code as the runtime reported it (runtimes report a signal death as 128+n). */
  code: number | null;
  /** Signal that ended the command: the runtime's own, or inferred from an exit code 128+n. */
  signal: NodeJS.Signals | null;
  /** Wall time of the runtime invocation, set-up included. */
  ms: number;
  /** Set when the runtime cannot start here; says why. Nothing was run. */
  skipped?: string;
  timedOut?: boolean;
  /** The host command line that was run (for failure messages). */
  argv?: string[];
}

export class UnsupportedCaseError extends Error {
  constructor(runtime: RuntimeName, what: string) {
    super(`${runtime}: this harness cannot express ${what}`);
    this.name = 'UnsupportedCaseError';
  }
}
