// Whether each runtime can start on this machine, and if not, why — in plain words. A static check
// (root, binary, kernel features) first, then a real start of `true` inside the runtime, cached.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_PROJECT_DIR, which } from './common.js';
import { runBwrap, NOBODY } from './bwrap.js';
import { runCrun } from './crun.js';
import { runLxc, LXC_COMMON_CONF } from './lxc.js';
import { runNspawn } from './nspawn.js';
import { runRunc } from './runc.js';
import { RUNSC_2024, runRunsc, runRunsc2024 } from './runsc.js';
import { runUnshare } from './unshare.js';
import { RUNTIMES, type CaseDecl, type RunResult, type RuntimeName } from './types.js';

export interface Availability {
  runtime: RuntimeName;
  ok: boolean;
  /** Why it cannot start (absent when ok). */
  reason?: string;
  /** Time the probe start took, ms. */
  probeMs?: number;
}

/** Debian package that provides each runtime (for messages). */
export const RUNTIME_PACKAGES: Record<RuntimeName, string> = {
  runc: 'runc',
  crun: 'crun',
  runsc: 'runsc',
  'runsc-2024': "runsc from trixie (scripts/setup-runtimes.sh unpacks it to /opt/runsc-2024)",
  bwrap: 'bubblewrap',
  unshare: 'util-linux',
  nspawn: 'systemd-container',
  lxc: 'lxc',
};

const BINARIES: Record<RuntimeName, string[]> = {
  runc: ['runc', 'unshare'],
  crun: ['crun', 'unshare'],
  runsc: ['runsc', 'unshare'],
  'runsc-2024': [RUNSC_2024, 'unshare'],
  bwrap: ['bwrap', 'setpriv'],
  unshare: ['unshare', 'setpriv'],
  nspawn: ['systemd-nspawn', 'unshare', 'setpriv'],
  lxc: ['lxc-execute', 'lxc-stop', 'unshare'],
};

function kernelHasOverlay(): boolean {
  try {
    return /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

function userNamespacesAllowed(): string | null {
  try {
    if (Number(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8')) === 0) return 'user namespaces are disabled (user.max_user_namespaces = 0)';
  } catch {
    return 'no /proc/sys/user/max_user_namespaces: kernel without user namespaces';
  }
  const f = '/proc/sys/kernel/unprivileged_userns_clone';
  if (existsSync(f) && readFileSync(f, 'utf8').trim() === '0') return 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)';
  return null;
}

/** The project dir must be reachable by the unprivileged user bwrap and unshare run as. */
function reachableByNobody(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const st = statSync(d);
      const ok = st.uid === NOBODY.uid ? st.mode & 0o100 : st.gid === NOBODY.gid ? st.mode & 0o010 : st.mode & 0o001;
      if (!ok) return `the project directory is not reachable by the unprivileged user (uid ${NOBODY.uid}) they run as: ${d} has mode ${(st.mode & 0o777).toString(8)}`;
    } catch (e) {
      return `cannot stat ${d}: ${(e as Error).message}`;
    }
    if (d === dirname(d)) return null;
  }
}

/** Reasons found without starting anything, or null. */
export function staticCheck(rt: RuntimeName): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return `the harness must run as root (it runs as uid ${process.getuid?.()})`;
  for (const b of BINARIES[rt]) {
    if (!which(b)) return `${b} is not installed (Debian package ${b === rt || BINARIES[rt][0] === b ? RUNTIME_PACKAGES[rt] : 'util-linux'}; run scripts/setup-runtimes.sh)`;
  }
  if (['runc', 'crun', 'runsc', 'runsc-2024', 'nspawn', 'lxc'].includes(rt) && !kernelHasOverlay()) {
    return 'the kernel has no overlayfs (needed for the container root built from the host root)';
  }
  if (rt === 'bwrap' || rt === 'unshare') {
    const u = userNamespacesAllowed();
    if (u) return u;
    const r = reachableByNobody(DEFAULT_PROJECT_DIR);
    if (r) return r;
  }
  if (rt === 'lxc' && !existsSync(LXC_COMMON_CONF)) return `${LXC_COMMON_CONF} is missing (package lxc)`;
  if (rt === 'runsc' || rt === 'runsc-2024') {
    try {
      accessSync('/proc/self/ns/user', constants.R_OK);
    } catch {
      return 'no user namespaces (runsc needs them for its sandbox)';
    }
  }
  return null;
}

const RUNNERS: Record<RuntimeName, (d: CaseDecl) => Promise<RunResult>> = {
  runc: runRunc, crun: runCrun, runsc: runRunsc, 'runsc-2024': runRunsc2024, bwrap: runBwrap, unshare: runUnshare, nspawn: runNspawn, lxc: runLxc,
};

const cache = new Map<RuntimeName, Promise<Availability>>();

async function probe(rt: RuntimeName): Promise<Availability> {
  const s = staticCheck(rt);
  if (s) return { runtime: rt, ok: false, reason: s };
  const decl: CaseDecl = {
    name: `probe-${rt}`, runtime: rt, uid: 20000, gid: 20000, caps: [], seccomp: 'none',
    readOnlyRoot: true, noNewPrivileges: true, command: ['/bin/sh', '-c', 'echo sbx-probe-ok'], timeoutMs: 60_000,
  };
  let r: RunResult;
  try {
    r = await RUNNERS[rt](decl);
  } catch (e) {
    return { runtime: rt, ok: false, reason: `starting it threw: ${(e as Error).message}` };
  }
  if (r.code === 0 && r.stdout.trim() === 'sbx-probe-ok') return { runtime: rt, ok: true, probeMs: r.ms };
  const why = r.timedOut ? 'it did not finish within 60 s' : `exit ${r.code ?? r.signal}`;
  const err = r.stderr.trim().split('\n').slice(-3).join(' | ');
  return { runtime: rt, ok: false, probeMs: r.ms, reason: `a test start failed (${why})${err ? `: ${err}` : ''}` };
}

/** Can `rt` start here? Cached per process. */
export function runtimeAvailability(rt: RuntimeName): Promise<Availability> {
  let p = cache.get(rt);
  if (!p) {
    p = probe(rt);
    cache.set(rt, p);
  }
  return p;
}

/** Every runtime, probed one after the other (they are cheap except runsc). */
export async function allAvailability(): Promise<Availability[]> {
  const out: Availability[] = [];
  for (const rt of RUNTIMES) out.push(await runtimeAvailability(rt));
  return out;
}

/** Throws, naming the runtime and the reason, when `rt` cannot start. */
export async function requireRuntime(rt: RuntimeName): Promise<void> {
  const a = await runtimeAvailability(rt);
  if (!a.ok) throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`);
}
