// Helpers shared by the runtime modules: capabilities, process spawning, private temp dirs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants as osConstants } from 'node:os';
import type { CaseDecl, RunResult } from './types.js';

/** Capability names by bit number (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const CAP_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default capability set (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** 'chown' / 'CAP_chown' / 'CAP_CHOWN' -> 'CAP_CHOWN'; throws on an unknown name. */
export function normCap(name: string): string {
  const up = name.toUpperCase();
  const full = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!CAP_NAMES.includes(full)) throw new Error(`unknown capability ${name}`);
  return full;
}

export function capsToMask(caps: readonly string[]): bigint {
  let m = 0n;
  for (const c of caps) m |= 1n << BigInt(CAP_NAMES.indexOf(normCap(c)));
  return m;
}

export function maskToCaps(mask: bigint): string[] {
  return CAP_NAMES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/** Formats a mask the way /proc/PID/status does (16 hex digits). */
export function capHex(mask: bigint): string {
  return mask.toString(16).padStart(16, '0');
}

/** The capability bounding set of this (host-side) process, from /proc/self/status. */
export function hostBoundingCaps(): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error('no CapBnd line in /proc/self/status');
  return maskToCaps(BigInt(`0x${m[1]}`));
}

/** The case's capabilities as normalised names. */
export function resolveCaps(decl: Pick<CaseDecl, 'caps'>): string[] {
  return decl.caps === 'all-host' ? hostBoundingCaps() : [...new Set(decl.caps.map(normCap))];
}

/** The clone this harness lives in: the nearest package.json above this module, else the cwd. */
export const DEFAULT_PROJECT_DIR = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, 'package.json'))) return d;
    const up = dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
})();

export function projectDirOf(decl: CaseDecl): string {
  const p = resolve(decl.projectDir ?? DEFAULT_PROJECT_DIR);
  if (p === '/') throw new Error(`${decl.name}: the project directory cannot be /`);
  return p;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function envOf(decl: CaseDecl): Record<string, string> {
  return { PATH: DEFAULT_PATH, HOME: '/tmp', LANG: 'C.UTF-8', ...(decl.env ?? {}) };
}

export function which(bin: string): string | null {
  if (bin.startsWith('/')) return existsSync(bin) ? bin : null; // a runtime outside PATH (/opt/runsc-2024)
  for (const d of (process.env.PATH || DEFAULT_PATH).split(delimiter).concat(DEFAULT_PATH.split(':'))) {
    const p = join(d, bin);
    if (existsSync(p)) return p;
  }
  return null;
}

/** A private temp dir (mode 0711 so that runtimes running as other users can traverse it). */
export function makeTempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `sbx-rt-${tag}-`));
  chmodSync(d, 0o711);
  return d;
}

export function removeTempDir(d: string): void {
  try {
    rmSync(d, { recursive: true, force: true });
  } catch (e) {
    // A mount left over would make rm fail with EBUSY; never force further than that.
    process.stderr.write(`sbx harness: could not remove ${d}: ${(e as Error).message}\n`);
  }
}

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface SpawnOpts {
  timeoutMs?: number;
  env?: Record<string, string>;
  stdin?: string | Buffer;
  maxBytes?: number;
}

const SIGNAL_BY_NUMBER = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([k, v]) => [v as number, k as NodeJS.Signals]),
);

/** A signal number as a name ('SIGSYS'), or null. */
export function signalName(n: number): NodeJS.Signals | null {
  return SIGNAL_BY_NUMBER.get(n) ?? null;
}

/**
 * Runs a host command in its own process group, stdin a pipe (never a host device: a probe
 * acting on fd 0 must not reach /dev/null), stdout and stderr collected. On timeout the whole
 * group is killed.
 */
export function run(argv: string[], opts: SpawnOpts = {}): Promise<RunResult> {
  const t0 = performance.now();
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolvePromise) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? { PATH: DEFAULT_PATH, LANG: 'C.UTF-8' },
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let spawnError: Error | null = null;
    child.stdout.on('data', (b: Buffer) => {
      if (outLen < maxBytes) out.push(b);
      outLen += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errLen < maxBytes) err.push(b);
      errLen += b.length;
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
    const killGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    // SIGTERM first: systemd-nspawn, for one, only kills its container (which is in a session
    // of its own) when it can handle the signal. SIGKILL 2 s later.
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      hardKill = setTimeout(() => killGroup('SIGKILL'), 2000);
    }, opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      spawnError = e;
    });
    let done = false;
    // After a timeout, a container process outside our process group (crun, LXC) can hold the
    // pipes open: do not wait for 'close' then; the caller's cleanup kills the container.
    child.on('exit', (code, signal) => {
      if (!timedOut) return;
      setTimeout(() => {
        if (done) return;
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, 1000);
    });
    child.on('close', (code, signal) => finish(code, signal));
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (hardKill) {
        clearTimeout(hardKill);
        killGroup('SIGKILL'); // whatever of the group is left
      }
      let stderr = Buffer.concat(err).toString('utf8');
      if (spawnError) stderr += `\nsbx harness: cannot start ${argv[0]}: ${spawnError.message}`;
      if (timedOut) stderr += `\nsbx harness: killed after ${opts.timeoutMs ?? 120_000} ms`;
      resolvePromise({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        code,
        signal,
        ms: Math.round(performance.now() - t0),
        timedOut: timedOut || undefined,
        argv,
      });
    };
  });
}

/** Fills `signal` from a runtime's 128+n exit code when the runtime itself exited normally. */
export function inferSignal(r: RunResult): RunResult {
  if (r.signal === null && r.code !== null && r.code > 128 && r.code < 128 + 65) {
    const s = signalName(r.code - 128);
    if (s) return { ...r, signal: s };
  }
  return r;
}

/** Paths the run must not see from the host: everything the case wants bound, as given. */
export function extraMounts(decl: CaseDecl): { source: string; destination: string; readonly: boolean }[] {
  const p = projectDirOf(decl);
  return [
    { source: p, destination: p, readonly: true },
    ...(decl.mounts ?? []).map((m) => ({ ...m, readonly: m.readonly ?? true })),
  ];
}

export function cwdOf(decl: CaseDecl): string {
  return decl.cwd ?? projectDirOf(decl);
}

export function timeoutOf(decl: CaseDecl): number {
  return decl.timeoutMs ?? 120_000;
}

/** A short id unique to this run, usable as container name. */
export function runId(decl: CaseDecl): string {
  const base = decl.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24);
  return `sbx-${base || 'case'}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}
