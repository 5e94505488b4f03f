// Runs the matrix's cases for real (through the harness only) and compares each report with the
// case's declaration. Shared by test/matrix/matrix.test.ts and scripts/matrix.mjs.
import { judgedFacts } from '../../src/classifier/workload.js';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runInRuntime, type RunResult } from '../runtimes/index.js';
import { runInEngine, type EngineName } from '../runtimes/engine.js';
import { bootGuestAndRun, qemuAvailable } from '../runtimes/qemu.js';
import { buildSea } from '../../scripts/build-sea.mjs';
import { runCriCase } from './cri-cases.js';
import { BUNDLE, currentSea, engineCases, PROJECT_DIR, SEA, toolArgv, useSea, type Artifact, type EngineCase, type Expectations, type MatrixCase, type QemuCase } from './cases.js';

/**
 * The single executable to test: dist/sbx-detect when it is at least as new as the bundle (as
 * after `node build.mjs`), else one built now from the current bundle into .cache/matrix/sea/
 * (helper embedded, nothing beside it: it extracts its helper as a shipped binary would).
 * Returns the path and how it was found.
 */
export async function ensureSea(): Promise<{ path: string; how: string }> {
  const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : -1);
  if (mtime(SEA) >= mtime(BUNDLE) && mtime(SEA) > 0) {
    useSea(SEA);
    return { path: SEA, how: 'dist/sbx-detect' };
  }
  const outDir = join(PROJECT_DIR, '.cache/matrix/sea');
  const cached = join(outDir, 'sbx-detect');
  if (mtime(cached) >= mtime(BUNDLE) && mtime(BUNDLE) > 0) {
    useSea(cached);
    return { path: cached, how: 'built earlier from the current bundle into .cache/matrix/sea (dist/sbx-detect is older or missing)' };
  }
  const r = await buildSea({ outDir, bundle: BUNDLE, helper: join(PROJECT_DIR, 'dist/sbx-helper'), quiet: true });
  useSea(r.path);
  return { path: r.path, how: `built from the current bundle (dist/sbx-detect ${existsSync(SEA) ? 'is older than the bundle' : 'is missing'})` };
}

export interface ToolRun {
  caseId: string;
  artifact: Artifact | 'snapshot';
  /** what ran, for messages */
  where: string;
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  /** wall time of the whole invocation (runtime set-up included); null if unknown */
  ms: number | null;
  /** the environment could not start: why (nothing ran) */
  skipped?: string;
}

/** Runs `args` of the host case directly (no runtime): stdin a pipe, like the harness does. */
function runHost(argv: string[]): Promise<RunResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: PROJECT_DIR });
    child.stdin.end();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ stdout: '', stderr: String(e), code: null, signal: null, ms: 0 }));
    child.on('close', (code, signal) => resolve({
      stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal, ms: Math.round(performance.now() - t0),
    }));
  });
}

const toToolRun = (c: MatrixCase, artifact: ToolRun['artifact'], r: RunResult): ToolRun => ({
  caseId: c.id, artifact, where: r.argv?.join(' ') ?? c.runtime, stdout: r.stdout, stderr: r.stderr, code: r.code,
  signal: r.signal, ms: r.ms, ...(r.skipped && { skipped: r.skipped }),
});

export const JSON_ARGS = ['--json'];
export const SNAPSHOT_ARGS = ['snapshot', '-o', '-'];

/** Runs one artifact (or the bundle's snapshot) in a non-QEMU case. */
export async function runCase(c: Exclude<MatrixCase, QemuCase>, what: Artifact | 'snapshot'): Promise<ToolRun> {
  const argv = what === 'snapshot' ? toolArgv('bundle', SNAPSHOT_ARGS) : toolArgv(what, JSON_ARGS);
  if (c.kind === 'host') return toToolRun(c, what, { ...(await runHost(argv)), argv });
  if (c.kind === 'engine') return toToolRun(c, what, await runEngineCase(c, what));
  if (c.kind === 'cri') return toToolRun(c, what, await runCriCase(c, what, what === 'snapshot' ? SNAPSHOT_ARGS : JSON_ARGS, { seaPath: currentSea(), bundle: BUNDLE }));
  let r: RunResult;
  try {
    r = await runInRuntime({ ...c.decl, name: `${c.decl.name}-${what}`, command: argv });
  } catch (e) {
    // a declaration the machine cannot serve (Docker's profile not installed, …): that row says
    // why, the others still run
    r = { stdout: '', stderr: '', code: null, signal: null, ms: 0, skipped: (e as Error).message };
  }
  return toToolRun(c, what, r);
}

/** The engines the matrix's engine cases need: started together, once. */
export const ENGINES_NEEDED: EngineName[] = [...new Set(engineCases().map((c) => c.decl.engine))];

/** An engine case: the image's entrypoint gets the tool's arguments, or the bundle here collects over exec -i. */
function runEngineCase(c: EngineCase, what: Artifact | 'snapshot'): Promise<RunResult> {
  if (c.unavailable) return Promise.resolve({ stdout: '', stderr: '', code: null, signal: null, ms: 0, skipped: c.unavailable });
  const args = what === 'snapshot' ? SNAPSHOT_ARGS : JSON_ARGS;
  return runInEngine(c.decl, args, { seaPath: currentSea(), bundle: BUNDLE, all: ENGINES_NEEDED });
}

export interface QemuRuns {
  runs: ToolRun[];
  bootMs: number | null;
  totalMs: number | null;
  skipped?: string;
}

/** ONE boot of the guest runs every guest-side command of every QEMU case. */
export async function runQemuCases(cases: QemuCase[], opts: { snapshot: boolean }): Promise<QemuRuns> {
  const avail = qemuAvailable();
  if (!avail.ok) {
    const why = avail.why ?? 'QEMU cannot boot here';
    return { runs: cases.map((c) => ({ caseId: c.id, artifact: 'bundle', where: 'qemu', stdout: '', stderr: '', code: null, signal: null, ms: null, skipped: why })), bootMs: null, totalMs: null, skipped: why };
  }
  const commands = cases.flatMap((c) => [
    ...c.artifacts.map((a) => ({ name: `${c.id}:${a}`, argv: toolArgv(a, JSON_ARGS) })),
    ...(opts.snapshot ? [{ name: `${c.id}:snapshot`, argv: toolArgv('bundle', SNAPSHOT_ARGS) }] : []),
  ]);
  const boot = await bootGuestAndRun({ projectDir: PROJECT_DIR, commands, timeoutMs: 600_000 });
  const runs = commands.map((cmd) => {
    const r = boot.results[cmd.name]!;
    const [caseId, artifact] = cmd.name.split(':') as [string, ToolRun['artifact']];
    return { caseId, artifact, where: `qemu guest: ${cmd.argv.join(' ')}`, stdout: r.stdout, stderr: r.stderr, code: r.code, signal: null, ms: r.ms };
  });
  return { runs, bootMs: boot.bootMs, totalMs: boot.totalMs };
}

// ---- comparing a report with the declaration ------------------------------------------------

export interface Check { field: string; expected: unknown; observed: unknown; ok: boolean }

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyReport = any;

const known = (f: AnyReport): unknown => (f && f.known ? f.value : `unknown (${f?.reason ?? 'absent'})`);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Every declared fact, checked against the tool's report. */
export function checkReport(report: AnyReport, ex: Expectations): Check[] {
  // the workload's view, as the verdicts and checks judge it (classifier/workload.ts): the
  // declaration configured the workload, and an exec'd probe (--via) may differ from it
  const judged = judgedFacts(report.facts, report.verdict);
  const v = report.verdict, p = judged.process;
  const checks: Check[] = [];
  const add = (field: string, expected: unknown, observed: unknown, ok = same(expected, observed)) => checks.push({ field, expected, observed, ok });
  add('verdict.sandbox.class', ex.class, v.sandbox.class);
  if (ex.platform !== undefined) add('verdict.platform', ex.platform, v.platform?.value ?? null);
  if (ex.hypervisor !== undefined) add('verdict.hypervisor', ex.hypervisor, v.hypervisor?.value ?? null);
  if (ex.tool !== undefined) add('verdict.tool', ex.tool, v.tool?.value ?? null);
  if (ex.ociRuntime !== undefined) add('OCI runtime (evidence oci-mask-runc / oci-mask-crun)', ex.ociRuntime, ociRuntimeOf(report));
  const uid = known(p.uid) as AnyReport, gid = known(p.gid) as AnyReport;
  add('uid (real, effective, saved, fs)', [ex.uid, ex.uid, ex.uid, ex.uid], uid && typeof uid === 'object' ? [uid.real, uid.effective, uid.saved, uid.filesystem] : uid);
  add('gid (real, effective, saved, fs)', [ex.gid, ex.gid, ex.gid, ex.gid], gid && typeof gid === 'object' ? [gid.real, gid.effective, gid.saved, gid.filesystem] : gid);
  const names = (f: AnyReport) => (f?.known ? [...f.value.names].sort() : `unknown (${f?.reason})`);
  add('capabilities.effective', ex.capsEffective, names(p.capabilities.effective));
  add('capabilities.bounding', ex.capsBounding, names(p.capabilities.bounding));
  add('seccomp mode', ex.seccomp, known(p.seccomp));
  if (ex.seccompProfile !== undefined) add('seccomp profile fingerprint', ex.seccompProfile, v.seccompProfile?.verdict ?? null);
  if (ex.noNewPrivs === null) add('no_new_privs', 'unknown', p.noNewPrivs.known ? p.noNewPrivs.value : 'unknown');
  else add('no_new_privs', ex.noNewPrivs, known(p.noNewPrivs));
  add('read-only root', ex.readOnlyRoot, known(judged.mounts.readOnlyRoot));
  const eff = uid && typeof uid === 'object' ? uid.effective : null;
  add('non-root', ex.nonRoot, eff === null ? 'unknown' : eff !== 0);
  if (ex.engine !== undefined) add('verdict.engine', ex.engine, v.engine.engine);
  if (ex.privileged !== undefined) add('verdict.privileged', ex.privileged, v.privileged?.privileged ?? 'absent');
  if (ex.probeSeccomp !== undefined) add("the probe's own seccomp mode", ex.probeSeccomp, known(report.facts.process.seccomp));
  if (ex.kubernetes !== undefined) add('verdict.kubernetes.pod', ex.kubernetes, v.kubernetes.pod);
  if (ex.sharedNamespaces !== undefined) add('namespaces shared with the host', ex.sharedNamespaces, [...(v.hostNamespaces?.shared ?? [])].sort());
  if (ex.idMaps !== undefined) {
    const lines = (f: AnyReport) => (f?.known ? (f.value as { inside: number; outside: number; count: number }[]).map((l) => `${l.inside} ${l.outside} ${l.count}`) : `unknown (${f?.reason})`);
    add('uid_map', ex.idMaps.uid, lines(report.facts.namespaces.uidMap));
    add('gid_map', ex.idMaps.gid, lines(report.facts.namespaces.gidMap));
  }
  if (ex.workload !== undefined) add('verdict.workload (subject, sameProcess)', ex.workload, { subject: v.workload?.subject, sameProcess: v.workload?.sameProcess });
  if (ex.launcher !== undefined) add('the launcher answered clone3 for Node', ex.launcher, report.facts.launcher?.known ? report.facts.launcher.value !== null : `unknown (${report.facts.launcher?.reason})`);
  const scan = report.facts.native?.syscalls;
  const calls = (pick: (r: AnyReport) => boolean) => (scan?.known ? (scan.value.results as AnyReport[]).filter(pick).map((r) => r.name as string).sort() : `unknown (${scan?.reason})`);
  if (ex.nothingBlocked) add('syscalls read as blocked (there is no filter)', [], calls((r) => r.disposition === 'blocked-errno' || r.disposition === 'killed' || r.disposition === 'trapped' || (r.disposition === 'not-implemented' && r.kernelHasCall === true)));
  if (ex.unfilteredScan) add('syscalls read as ambiguous or as a filter\'s (no filter is in force)', [], calls((r) => r.disposition === 'ambiguous' || r.answeredBy === 'filter' || r.answeredBy === 'sandbox-or-filter'));
  if (ex.hostKernel !== undefined) add('syscalls that reached the host kernel', ex.hostKernel, calls((r) => r.disposition === 'host-kernel'));
  return checks;
}

/** runc or crun, from the informational signal rows; null when neither matched */
export function ociRuntimeOf(report: AnyReport): 'runc' | 'crun' | 'both' | null {
  const ids = new Set((report.verdict.sandbox.evidence as { signal: string }[]).map((e) => e.signal));
  const runc = ids.has('oci-mask-runc'), crun = ids.has('oci-mask-crun');
  return runc && crun ? 'both' : runc ? 'runc' : crun ? 'crun' : null;
}

/** Blocked syscalls as the scan counts them: refused by a filter with an errno, killed or trapped. */
export function blockedCount(report: AnyReport): number | null {
  const s = report.facts.native?.syscalls;
  if (!s?.known) return null;
  const c = s.value.counts;
  return (c['blocked-errno'] ?? 0) + (c.killed ?? 0) + (c.trapped ?? 0);
}

export function parseReport(run: ToolRun): { report?: AnyReport; error?: string } {
  if (run.skipped) return { error: `cannot start: ${run.skipped}` };
  if (run.code !== 0) return { error: `exit ${run.code ?? run.signal}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}` };
  try {
    return { report: JSON.parse(run.stdout) };
  } catch (e) {
    return { error: `stdout is not JSON (${(e as Error).message}): ${run.stdout.slice(0, 200)}` };
  }
}
