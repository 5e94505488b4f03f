// Docker's default seccomp profile (Docker's own format) -> an OCI linux.seccomp section, done
// the way moby's profiles/seccomp/seccomp_linux.go setupSeccomp() does it; plus what a given
// OCI section blocks, and helpers for hand-made profiles.
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { normCap, DOCKER_DEFAULT_CAPS } from './common.js';
import { X86_64_SYSCALLS } from './syscalls-x86_64.js';
import type { OciSeccomp, OciSeccompArg, OciSeccompSyscall } from './types.js';

export const DOCKER_DEFAULT_PROFILE_PATH =
  '/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json';

export const EPERM = 1;
export const ENOSYS = 38;

interface DockerFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}
interface DockerSyscall {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: OciSeccompArg[] | null;
  comment?: string;
  includes?: DockerFilter;
  excludes?: DockerFilter;
}
export interface DockerProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] }[];
  syscalls: DockerSyscall[];
}

export function loadDockerProfile(path = DOCKER_DEFAULT_PROFILE_PATH): DockerProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    // a fresh clone without the runtime packages: say what is missing and how to get it (#12)
    throw new Error(`Docker's default seccomp profile is missing: ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). ` +
      'It comes with the Debian package golang-github-docker-docker-dev: apt-get install golang-github-docker-docker-dev, or run bash scripts/setup-runtimes.sh, which installs every runtime the matrix uses.');
  }
  return JSON.parse(text) as DockerProfile;
}

/** Any of 'x86_64', 'amd64', 'SCMP_ARCH_X86_64', … -> [libseccomp native name, OCI arch]. */
const ARCHES: [native: string, oci: string, aliases: string[]][] = [
  ['amd64', 'SCMP_ARCH_X86_64', ['x86_64', 'x64']],
  ['x86', 'SCMP_ARCH_X86', ['i386', 'i686', 'ia32']],
  ['arm64', 'SCMP_ARCH_AARCH64', ['aarch64']],
  ['arm', 'SCMP_ARCH_ARM', ['armhf', 'armel']],
  ['ppc64le', 'SCMP_ARCH_PPC64LE', []],
  ['s390x', 'SCMP_ARCH_S390X', []],
  ['riscv64', 'SCMP_ARCH_RISCV64', []],
];
function archOf(a: string): { native: string; oci: string } {
  const low = a.toLowerCase();
  for (const [native, oci, aliases] of ARCHES) {
    if (low === native || low === oci.toLowerCase() || aliases.includes(low)) return { native, oci };
  }
  throw new Error(`unknown architecture ${a}`);
}

/** "6.18.44-fc-v669" -> [6, 18] (moby's parseRelease: "%d.%d"). */
export function parseKernel(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(v);
  if (!m) throw new Error(`cannot parse kernel version ${v}`);
  return [Number(m[1]), Number(m[2])];
}
function kernelAtLeast(kernel: [number, number], min: string): boolean {
  const [k, maj] = parseKernel(min);
  return kernel[0] > k || (kernel[0] === k && kernel[1] >= maj);
}

export interface ConvertOpts {
  /** Default x86_64. */
  arch?: string;
  /** The container's capability (bounding) set; default Docker's default set. */
  caps?: readonly string[];
  /** Kernel release; default this machine's (os.release()). */
  kernel?: string;
}

/** Docker-format profile -> OCI linux.seccomp, for one arch, capability set and kernel. */
export function dockerToOci(profile: DockerProfile, opts: ConvertOpts = {}): OciSeccomp {
  const { native, oci } = archOf(opts.arch ?? 'x86_64');
  const caps = new Set((opts.caps ?? DOCKER_DEFAULT_CAPS).map(normCap));
  const kernel = parseKernel(opts.kernel ?? release());
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new Error("'architectures' and 'archMap' were both given");
  }
  const out: OciSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  let architectures = profile.architectures?.length ? [...profile.architectures] : undefined;
  const entry = profile.archMap?.find((a) => a.architecture === oci);
  if (entry) architectures = [...(architectures ?? []), entry.architecture, ...entry.subArchitectures];
  if (architectures) out.architectures = architectures;
  const hasCap = (c: string): boolean => caps.has(normCap(c));
  const syscalls: OciSeccompSyscall[] = [];
  for (const call of profile.syscalls) {
    const ex = call.excludes ?? {};
    const inc = call.includes ?? {};
    if (ex.arches?.includes(native)) continue;
    if (ex.caps?.some(hasCap)) continue;
    if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel)) continue;
    if (inc.arches?.length && !inc.arches.includes(native)) continue;
    if (inc.caps?.length && !inc.caps.every(hasCap)) continue;
    if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) continue;
    if (call.name && call.names?.length) throw new Error("'name' and 'names' were both given");
    const rule: OciSeccompSyscall = { names: call.name ? [call.name] : [...(call.names ?? [])], action: call.action };
    if (call.errnoRet !== undefined && call.errnoRet !== null) rule.errnoRet = call.errnoRet;
    if (call.args?.length) rule.args = call.args.map((a) => ({ ...a }));
    syscalls.push(rule);
  }
  out.syscalls = syscalls;
  return out;
}

/** Docker's default profile from Debian's package, converted. */
export function dockerDefaultOci(opts: ConvertOpts & { path?: string } = {}): OciSeccomp {
  return dockerToOci(loadDockerProfile(opts.path), opts);
}

export interface SyscallVerdict {
  action: string;
  /** For SCMP_ACT_ERRNO: the errno returned (EPERM when the profile gives none). */
  errno?: number;
  /** The rule that decides it has argument conditions (e.g. personality, clone). */
  conditional: boolean;
}

function verdictOf(prof: OciSeccomp, name: string): SyscallVerdict {
  const rules = (prof.syscalls ?? []).filter((r) => r.names.includes(name));
  const uncond = rules.find((r) => !r.args?.length);
  if (uncond) {
    const v: SyscallVerdict = { action: uncond.action, conditional: false };
    if (uncond.action === 'SCMP_ACT_ERRNO') v.errno = uncond.errnoRet ?? EPERM;
    return v;
  }
  const v: SyscallVerdict = { action: prof.defaultAction, conditional: rules.length > 0 };
  if (prof.defaultAction === 'SCMP_ACT_ERRNO') v.errno = prof.defaultErrnoRet ?? EPERM;
  return v;
}

/** The verdict of every syscall of the table (default: x86_64's, Linux 6.18) under a profile. */
export function syscallVerdicts(
  prof: OciSeccomp,
  table: Readonly<Record<string, number>> = X86_64_SYSCALLS,
): Map<string, SyscallVerdict> {
  const m = new Map<string, SyscallVerdict>();
  for (const name of Object.keys(table).sort((a, b) => table[a]! - table[b]!)) m.set(name, verdictOf(prof, name));
  return m;
}

const PASSING = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/**
 * Syscalls that the profile blocks whatever their arguments (action other than ALLOW/LOG and no
 * argument conditions), with their verdict: e.g. clone3 -> ERRNO 38 (ENOSYS), mount -> ERRNO 1.
 * Conditionally allowed calls (personality, clone without CAP_SYS_ADMIN) are not in it: see
 * syscallVerdicts().conditional.
 */
export function blockedSyscalls(
  prof: OciSeccomp,
  table: Readonly<Record<string, number>> = X86_64_SYSCALLS,
): Map<string, SyscallVerdict> {
  const m = new Map<string, SyscallVerdict>();
  for (const [name, v] of syscallVerdicts(prof, table)) if (!v.conditional && !PASSING.has(v.action)) m.set(name, v);
  return m;
}

/** The errno a blocked call gets, by syscall number (for scans that work by number). */
export function blockedErrnoByNumber(
  prof: OciSeccomp,
  table: Readonly<Record<string, number>> = X86_64_SYSCALLS,
): Map<number, SyscallVerdict> {
  const m = new Map<number, SyscallVerdict>();
  for (const [name, v] of blockedSyscalls(prof, table)) m.set(table[name]!, v);
  return m;
}

// ---- hand-made profiles -------------------------------------------------------------------

export interface CustomRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO' | 'SCMP_ACT_KILL' | 'SCMP_ACT_KILL_PROCESS' | 'SCMP_ACT_KILL_THREAD' | 'SCMP_ACT_TRAP' | 'SCMP_ACT_LOG';
  errnoRet?: number;
}

/** An OCI profile from scratch; x86_64 (+x86, x32) unless told. */
export function customProfile(o: {
  defaultAction: string;
  defaultErrnoRet?: number;
  rules: CustomRule[];
  arch?: string;
}): OciSeccomp {
  const { oci } = archOf(o.arch ?? 'x86_64');
  const architectures = oci === 'SCMP_ARCH_X86_64' ? [oci, 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] : [oci];
  const p: OciSeccomp = { defaultAction: o.defaultAction, architectures, syscalls: o.rules.map((r) => ({ ...r, names: [...r.names] })) };
  if (o.defaultErrnoRet !== undefined) p.defaultErrnoRet = o.defaultErrnoRet;
  return p;
}

/** A profile with default ENOSYS: `base`'s rules, but whatever it does not list returns ENOSYS. */
export function withDefaultEnosys(base: OciSeccomp): OciSeccomp {
  return { ...base, defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: ENOSYS };
}

/** Everything allowed except `kill` (the process dies of SIGSYS) and `trap` (SIGSYS delivered). */
export function killAndTrapProfile(o: { kill: string[]; trap: string[]; arch?: string }): OciSeccomp {
  return customProfile({
    defaultAction: 'SCMP_ACT_ALLOW',
    arch: o.arch,
    rules: [
      ...(o.kill.length ? [{ names: o.kill, action: 'SCMP_ACT_KILL_PROCESS' as const }] : []),
      ...(o.trap.length ? [{ names: o.trap, action: 'SCMP_ACT_TRAP' as const }] : []),
    ],
  });
}

/** Everything allowed except the listed calls, which fail with `errno`. */
export function denyProfile(names: string[], errno = EPERM, arch?: string): OciSeccomp {
  return customProfile({ defaultAction: 'SCMP_ACT_ALLOW', arch, rules: [{ names, action: 'SCMP_ACT_ERRNO', errnoRet: errno }] });
}
