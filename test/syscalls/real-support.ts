// Support for test/syscalls/real.test.ts: runs the built bundle in a real runtime, reads its
// JSON, works out from an OCI seccomp section what each probe row must get, and runs runc with
// test-created files as the container's stdin/stdout/stderr (the harness only uses pipes).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PATH, inferSignal, makeTempDir, removeTempDir, run, runId, timeoutOf } from '../runtimes/common.js';
import { EPERM, ENOSYS, syscallVerdicts } from '../runtimes/docker-seccomp.js';
import { writeBundle } from '../runtimes/oci.js';
import { inPrivateMountNs, rootPath } from '../runtimes/private-root.js';
import { X86_64_SYSCALLS } from '../runtimes/syscalls-x86_64.js';
import type { CaseDecl, OciSeccomp, OciSeccompArg, RunResult } from '../runtimes/types.js';
import { BUNDLE, HELPER, PROJECT } from '../support/built.js';
import type { SyscallResult, SyscallScan } from '../../src/probes/syscalls/dispositions.js';
import { type Arg, type SyscallRow, kernelAtLeast, parseKernelVersion, rowByName } from '../../src/probes/syscalls/table.js';

/** The command that runs the built bundle inside a runtime (the project dir is bound there). */
export const SCAN = ['node', BUNDLE, '--json'];

/** Builds dist/ (bundle and helper, no single executable) when it is missing. */
export function ensureBundle(): void {
  if (existsSync(BUNDLE) && existsSync(HELPER)) return;
  const r = spawnSync(process.execPath, [join(PROJECT, 'build.mjs'), '--no-sea'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node build.mjs --no-sea failed');
}

/** The parts of the report these tests read. */
export interface Report {
  facts: {
    native: { syscalls: { known: boolean; value: SyscallScan; reason?: string } };
    kernel: { uname: { known: boolean; value: { release: string } } };
    process: { seccomp: { known: boolean; value: string } };
  };
  verdict: { seccompProfile: { verdict: string; closest?: string; reason: string; candidates: unknown[]; differences: { name: string }[] } | null };
}

export function explain(r: RunResult): string {
  return `code ${r.code} signal ${r.signal} in ${r.ms} ms${r.skipped ? ` SKIPPED ${r.skipped}` : ''}\n--- argv\n${(r.argv ?? []).join(' ').slice(0, 400)}\n--- stderr\n${r.stderr.slice(-3000)}\n--- stdout\n${r.stdout.slice(0, 2000)}`;
}

export function parseReport(text: string): { json: unknown; report: Report } {
  const json: unknown = JSON.parse(text);
  return { json, report: json as Report };
}

export function scanOf(rep: Report): SyscallScan {
  const s = rep.facts.native.syscalls;
  if (!s.known) throw new Error(`no syscall scan in the report: ${s.reason ?? '?'}`);
  return s.value;
}

export const byName = (s: SyscallScan): Map<string, SyscallResult> => new Map(s.results.map((r) => [r.name, r]));

export function row(name: string): SyscallRow {
  const r = rowByName(name);
  if (!r) throw new Error(`no table row ${name}`);
  return r;
}

/** A one-line summary of the counts, for the test log. */
export function countsLine(tag: string, s: SyscallScan): string {
  const c = Object.entries(s.counts).filter(([, n]) => n > 0).map(([d, n]) => `${d} ${n}`).join(', ');
  return `${tag}: ${s.results.length} rows — ${c}; default ${JSON.stringify(s.defaultAction)}`;
}

// ---- what a seccomp section does to one probe row -----------------------------------------

/** 'allow', an errno number, or another blocking action ('SCMP_ACT_KILL_PROCESS', ...). */
export type RowVerdict = { kind: 'allow' } | { kind: 'errno'; errno: number } | { kind: 'other'; action: string };

const PASSING = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

function argValue(a: Arg | undefined): bigint | null {
  if (a === undefined) return 0n;
  if (a === 'pid') return null;
  return BigInt.asUintN(64, BigInt(a));
}

/** libseccomp's comparison of one argument against one OCI condition. */
function condHolds(c: OciSeccompArg, v: bigint): boolean {
  const want = BigInt.asUintN(64, BigInt(c.value));
  switch (c.op) {
    case 'SCMP_CMP_EQ': return v === want;
    case 'SCMP_CMP_NE': return v !== want;
    case 'SCMP_CMP_LT': return v < want;
    case 'SCMP_CMP_LE': return v <= want;
    case 'SCMP_CMP_GT': return v > want;
    case 'SCMP_CMP_GE': return v >= want;
    case 'SCMP_CMP_MASKED_EQ': return (v & want) === BigInt.asUintN(64, BigInt(c.valueTwo ?? 0));
    default: throw new Error(`unknown seccomp operator ${c.op}`);
  }
}

function toVerdict(action: string, errnoRet: number | undefined, defaultErrno: number | undefined): RowVerdict {
  if (PASSING.has(action)) return { kind: 'allow' };
  if (action === 'SCMP_ACT_ERRNO') return { kind: 'errno', errno: errnoRet ?? defaultErrno ?? EPERM };
  return { kind: 'other', action };
}

/**
 * The highest number, on x86_64, of a call the section names. runc (since 1.0; patchbpf)
 * answers ENOSYS, not the default action, for every call numbered above it, so that libc
 * falls back from calls newer than the profile (see highestNamedNr in seccomp-profile.ts).
 */
export function highestNamedNr(oci: OciSeccomp): number {
  let max = -1;
  for (const rule of oci.syscalls ?? []) for (const n of rule.names) max = Math.max(max, X86_64_SYSCALLS[n] ?? -1);
  return max;
}

/**
 * What the section does to a probe row called with the row's own arguments, under runc:
 * - a rule without argument conditions decides (docker-seccomp.ts syscallVerdicts);
 * - rules WITH conditions (clone, personality; socket in newer moby) are evaluated against
 *   the probe's arguments from the table, as libseccomp does: a matching rule's action, else
 *   the default;
 * - a call numbered above every call the section names gets ENOSYS from runc when the default
 *   action would block it.
 */
export function rowVerdict(oci: OciSeccomp, r: SyscallResult): RowVerdict {
  const call = r.call;
  const v = syscallVerdicts(oci, { [call]: r.nr }).get(call)!;
  let verdict: RowVerdict;
  if (!v.conditional) {
    verdict = toVerdict(v.action, v.errno, oci.defaultErrnoRet);
  } else {
    const args = row(r.name).args ?? [];
    const hit = (oci.syscalls ?? []).find(
      (rule) => rule.names.includes(call) && (rule.args ?? []).every((c) => {
        const val = argValue(args[c.index]);
        return val !== null && condHolds(c, val);
      }),
    );
    verdict = hit ? toVerdict(hit.action, hit.errnoRet, oci.defaultErrnoRet) : toVerdict(oci.defaultAction, undefined, oci.defaultErrnoRet);
  }
  const named = (oci.syscalls ?? []).some((rule) => rule.names.includes(call));
  if (verdict.kind !== 'allow' && !named && r.nr > highestNamedNr(oci)) return { kind: 'errno', errno: ENOSYS };
  return verdict;
}

const ERRNO_NUMBERS: Record<string, number> = { EPERM: 1, EACCES: 13, ENOSYS: 38 };
export const errnoNum = (name: string | undefined): number => (name === undefined ? undefined : ERRNO_NUMBERS[name]) ?? -1;

/** Does a kernel of this release have the row's call, judged from the table alone? */
export function kernelHasByTable(r: SyscallRow, release: string): boolean | 'unknown' {
  if (r.neverImplemented) return false;
  const k = parseKernelVersion(release);
  if (!k) return 'unknown';
  if (!kernelAtLeast(k, r.since)) return false;
  if (r.removedIn && kernelAtLeast(k, r.removedIn)) return false;
  if (r.configDependent) return 'unknown';
  return true;
}

/** A row whose allowed answer is ENOSYS itself: it cannot tell "allowed" from "ENOSYS-blocked". */
export const answersEnosysWhenAllowed = (r: SyscallRow): boolean => r.expect?.errno?.join() === 'ENOSYS';

// ---- runc with files as stdio ----------------------------------------------------------------

export interface StdioFiles {
  stdin: string;
  stdout: string;
  stderr: string;
}

/**
 * runc, like the harness's runOci (private mount namespace, overlay root, forced delete), but
 * with the container's stdin/stdout/stderr being the given files, opened read/write without
 * truncation (opening never touches their times). `runc run` in the foreground without a
 * terminal puts pipes between itself and the container and copies (it reads the stdin file
 * itself); `runc run --detach` passes its own stdio to the container process. So: run detached,
 * then poll `runc state` until the container has stopped. The exit status is not available
 * that way: the command must record it itself. Never give it a host device or a shared file.
 */
export async function runRuncWithStdioFiles(decl: CaseDecl, files: StdioFiles): Promise<RunResult> {
  if (decl.runtime !== 'runc') throw new Error('runRuncWithStdioFiles: runc only');
  const tmp = makeTempDir('runc-stdio');
  const id = runId(decl);
  const state = join(tmp, 'state');
  mkdirSync(state, { mode: 0o700 });
  const fds = [openSync(files.stdin, 'r'), openSync(files.stdout, 'r+'), openSync(files.stderr, 'r+')];
  const t0 = performance.now();
  try {
    const bundle = writeBundle(decl, tmp, rootPath(tmp), id);
    const argv = [
      ...inPrivateMountNs({ tmp, writable: !decl.readOnlyRoot }),
      'runc', '--root', state, 'run', '--detach', '--bundle', bundle, id,
    ];
    const started = await new Promise<RunResult>((resolveRun) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: fds, env: { PATH: DEFAULT_PATH, LANG: 'C.UTF-8' }, detached: true });
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        resolveRun({ stdout: '', stderr: `cannot start ${argv[0]}: ${e.message}`, code: null, signal: null, ms: 0, argv });
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolveRun({ stdout: '', stderr: '', code, signal, ms: 0, argv });
      });
    });
    if (started.code !== 0) return inferSignal({ ...started, ms: Math.round(performance.now() - t0) });
    // the container runs on its own now; wait for it to stop
    const deadline = t0 + timeoutOf(decl);
    for (;;) {
      const st = await run(['runc', '--root', state, 'state', id], { timeoutMs: 10_000 });
      let status = '?';
      try {
        status = (JSON.parse(st.stdout) as { status: string }).status;
      } catch {
        /* not readable: keep polling until the deadline */
      }
      if (status === 'stopped') return { ...started, ms: Math.round(performance.now() - t0) };
      if (performance.now() > deadline) {
        await run(['runc', '--root', state, 'kill', id, 'KILL'], { timeoutMs: 10_000 });
        return { ...started, code: null, timedOut: true, stderr: `still ${status} after ${timeoutOf(decl)} ms`, ms: Math.round(performance.now() - t0) };
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    for (const fd of fds) closeSync(fd);
    await run(
      [...inPrivateMountNs({ tmp, writable: false, bindRoot: false }), 'runc', '--root', state, 'delete', '--force', id],
      { timeoutMs: 30_000 },
    );
    removeTempDir(tmp);
  }
}
