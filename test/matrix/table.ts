// `npm run matrix` (scripts/matrix.mjs bundles this file): runs every case of the matrix for real,
// prints ONE markdown table and the total duration (pasted into docs/matrix.md by hand). Options:
//   --only ID[,ID]   only these cases
//   --capture        also write fixtures/captures/<runtime>.json (sbx-detect snapshot -o -) and INDEX.json
//   --save DIR       keep every JSON report as DIR/<case>.<artifact>.json
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DOCKER_DEFAULT_CAPS } from '../runtimes/index.js';
import { allCases, PROJECT_DIR, toolArgv, toolCapNames, type EngineCase, type MatrixCase, type QemuCase } from './cases.js';
import { stopEngines } from '../runtimes/engine.js';
import { stopCriLab } from './cri-cases.js';
import { blockedCount, checkReport, ensureSea, ociRuntimeOf, parseReport, runCase, runQemuCases, SNAPSHOT_ARGS, type ToolRun } from './run.js';
import { schemaErrors } from '../support/schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyReport = any;

const DOCKER_CAPS = toolCapNames(DOCKER_DEFAULT_CAPS).join(',');

function capsShort(report: AnyReport): string {
  const eff = report.facts.process.capabilities.effective;
  const bnd = report.facts.process.capabilities.bounding;
  const one = (f: AnyReport): string => {
    if (!f.known) return 'unknown';
    const n: string[] = [...f.value.names].sort();
    if (n.length === 0) return 'none';
    if (n.join(',') === DOCKER_CAPS) return `docker default (${n.length})`;
    if (n.length >= 38) return `all ${n.length}${n.includes('sys_admin') ? '' : ' but sys_admin'}`;
    return n.length <= 3 ? n.join(',') : `${n.length}: ${n.slice(0, 3).join(',')},…`;
  };
  const e = one(eff), b = one(bnd);
  return e === b ? e : `eff ${e} / bnd ${b}`;
}

export interface Row {
  c: MatrixCase;
  run: ToolRun;
  report?: AnyReport;
  error?: string;
  failures: string[];
}

function row(c: MatrixCase, run: ToolRun): Row {
  const { report, error } = parseReport(run);
  const failures: string[] = [];
  if (report) {
    for (const e of schemaErrors(report)) failures.push(`schema: ${e}`);
    for (const k of checkReport(report, c.expect)) if (!k.ok) failures.push(`${k.field}: expected ${JSON.stringify(k.expected)}, got ${JSON.stringify(k.observed)}`);
  }
  return { c, run, report, error, failures };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(rows: Row[]): string {
  const head = ['runtime (case)', 'artifact', 'verdict (class, confidence)', 'platform / hypervisor / tool', 'engine', 'seccomp (profile)', 'blocked', 'non-root', 'capabilities', 'time', 'declared facts'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const name = `${r.c.runtime} (${r.c.id})`;
    if (!r.report) {
      lines.push(`| ${cell(name)} | ${r.run.artifact} | **${cell(r.error ?? 'no report')}** | | | | | | | ${r.run.ms ?? '-'} ms | ✗ |`);
      continue;
    }
    const v = r.report.verdict, p = r.report.facts.process;
    const oci = ociRuntimeOf(r.report);
    const refine = v.platform ? `platform ${v.platform.value}` : v.hypervisor ? `hypervisor ${v.hypervisor.value}` : v.tool ? `tool ${v.tool.value}` : v.vm?.kind && v.vm.kind !== 'none' ? `vm ${v.vm.kind}` : '-';
    const sc = p.seccomp.known ? p.seccomp.value : 'unknown';
    const prof = v.seccompProfile ? v.seccompProfile.verdict + (v.seccompProfile.closest ? ` ~${v.seccompProfile.closest}` : '') : 'no scan';
    const uid = p.uid.known ? p.uid.value.effective : null;
    const nonRoot = uid === null ? 'unknown' : uid === 0 ? 'no (uid 0)' : `yes (uid ${uid})`;
    const time = `${r.run.ms ?? '-'} ms (tool ${r.report.elapsedMs ?? '-'} ms)`;
    const ok = r.failures.length ? `✗ ${r.failures.length}: ${r.failures.join('; ')}` : '✓';
    const priv = v.privileged?.privileged ? '**privileged** ' : '';
    const engine = v.engine.engine === 'unknown' ? '-' : v.engine.engine;
    lines.push(`| ${[name, r.run.artifact, `${priv}${v.sandbox.class}${oci ? ` (${oci})` : ''}, ${v.sandbox.confidenceLabel} (${v.sandbox.confidence})`, refine, engine, `${sc} (${prof})`, String(blockedCount(r.report) ?? '-'), nonRoot, capsShort(r.report), time, ok].map(cell).join(' | ')} |`);
  }
  const engineRows = [...new Map(rows.filter((r) => r.c.kind === 'engine').map((r) => [r.c.id, r.c as EngineCase])).values()];
  if (engineRows.length) {
    lines.push('', 'Engine cases, as run (`sea`: the recon image\'s own entrypoint, the single executable, with `--json`; `via`: the bundle here with `--via "docker exec -i C" --json`):', '');
    for (const c of engineRows) lines.push(`- \`${c.id}\`: \`${c.flags}\` — ${c.note}`);
  }
  return lines.join('\n');
}

export interface MatrixOptions {
  only?: string[]; capture?: boolean; save?: string; log?: (s: string) => void;
  /** the cases to run (default: allCases()) */
  cases?: MatrixCase[];
}

/** One line for an error: its message, never its stack (a row of the table, a line on stderr). */
const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 400);

/** A case's run that threw becomes a row saying why, like a runtime that cannot start: the
 *  other cases still run, and the table says what failed where. */
async function guarded(c: Exclude<MatrixCase, QemuCase>, what: ToolRun['artifact']): Promise<ToolRun> {
  try {
    return await runCase(c, what);
  } catch (e) {
    return { caseId: c.id, artifact: what, where: c.runtime, stdout: '', stderr: '', code: null, signal: null, ms: null, skipped: `${c.runtime}: ${oneLine(e)}` };
  }
}

export async function runMatrix(o: MatrixOptions): Promise<{ rows: Row[]; totalMs: number; qemuBootMs: number | null; captures: Record<string, string> }> {
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const cases = (o.cases ?? allCases()).filter((c) => !o.only?.length || o.only.includes(c.id));
  if (cases.some((c) => c.artifacts.includes('sea'))) {
    const sea = await ensureSea();
    log(`single executable: ${sea.path} (${sea.how})`);
  }
  const rows: Row[] = [];
  const captures: Record<string, string> = {};
  const keep = (c: MatrixCase, run: ToolRun) => {
    if (run.artifact === 'snapshot') {
      if (c.capture && run.code === 0 && !run.skipped) captures[c.capture] = run.stdout;
      else if (c.capture) log(`capture ${c.capture}: failed (${run.skipped ?? `exit ${run.code}`}) ${run.stderr.slice(-500)}`);
      return;
    }
    const r = row(c, run);
    rows.push(r);
    log(`${c.id} ${run.artifact}: ${r.report ? `${r.report.verdict.sandbox.class} ${r.failures.length ? `✗ ${r.failures.join('; ')}` : '✓'}` : r.error} (${run.ms} ms)`);
    if (o.save && r.report) writeFileSync(join(o.save, `${c.id}.${run.artifact}.json`), run.stdout);
  };
  if (o.save) mkdirSync(o.save, { recursive: true });
  // QEMU first, in the background: its one boot takes longest and needs no other runtime
  const qemuCases = cases.filter((c): c is QemuCase => c.kind === 'qemu');
  const qemu = qemuCases.length ? runQemuCases(qemuCases, { snapshot: !!o.capture }) : null;
  try {
    for (const c of cases) {
      if (c.kind === 'qemu') continue;
      for (const a of c.artifacts) keep(c, await guarded(c, a));
      if (o.capture && c.capture) keep(c, await guarded(c, 'snapshot'));
    }
  } finally {
    await stopEngines();
    await stopCriLab();
  }
  let qemuBootMs: number | null = null;
  if (qemu) {
    const q = await qemu;
    qemuBootMs = q.bootMs;
    for (const run of q.runs) keep(qemuCases.find((c) => c.id === run.caseId)!, run);
  }
  return { rows, totalMs: Math.round(performance.now() - t0), qemuBootMs, captures };
}

/** Writes fixtures/captures/<runtime>.json and INDEX.json (the live verdict each capture gave). */
export function writeCaptures(rows: Row[], captures: Record<string, string>): string[] {
  const dir = join(PROJECT_DIR, 'fixtures/captures');
  mkdirSync(dir, { recursive: true });
  // a partial run (--only) adds to the index: the other captures stay as they were recorded
  const indexFile = join(dir, 'INDEX.json');
  const index: Record<string, unknown> = existsSync(indexFile) ? JSON.parse(readFileSync(indexFile, 'utf8')) : {};
  const written: string[] = [];
  for (const [rt, text] of Object.entries(captures)) {
    const live = rows.find((r) => r.c.capture === rt && r.run.artifact === 'bundle' && r.report);
    if (!live) continue;
    writeFileSync(join(dir, `${rt}.json`), text);
    const v = live.report.verdict;
    index[rt] = {
      case: live.c.id,
      declaration: live.c.kind === 'runtime' ? { ...live.c.decl, command: toolArgv('bundle', SNAPSHOT_ARGS) } : { note: live.c.note, command: toolArgv('bundle', SNAPSHOT_ARGS) },
      live: { class: v.sandbox.class, platform: v.platform?.value ?? null, hypervisor: v.hypervisor?.value ?? null, tool: v.tool?.value ?? null, headline: v.headline, seccompProfile: v.seccompProfile?.verdict ?? null },
      machine: hostname(),
      date: new Date().toISOString(),
    };
    written.push(rt);
  }
  writeFileSync(indexFile, JSON.stringify(index, null, 2) + '\n');
  return written;
}

export async function main(argv: string[]): Promise<number> {
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]!.split(',') : undefined;
  const save = argv.includes('--save') ? argv[argv.indexOf('--save') + 1] : undefined;
  const capture = argv.includes('--capture');
  const log = (s: string) => process.stderr.write(`matrix: ${s}\n`);
  // interrupted: stop the engines (dockerd, Podman's containers) before going
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping the engines`);
      void Promise.all([stopEngines(), stopCriLab()]).finally(() => process.exit(130));
    });
  }
  let m: Awaited<ReturnType<typeof runMatrix>>;
  try {
    m = await runMatrix({ only, save, capture, log });
  } catch (e) {
    // whatever is left (the single executable cannot be built, a QEMU boot that throws): one
    // line, never a stack trace
    log(`cannot run: ${oneLine(e)}`);
    return 2;
  }
  if (capture) log(`captures written: ${writeCaptures(m.rows, m.captures).join(', ')}`);
  const bad = m.rows.filter((r) => !r.report || r.failures.length).length;
  process.stdout.write(`${renderTable(m.rows)}\n\nTotal: ${(m.totalMs / 1000).toFixed(1)} s for ${m.rows.length} runs${m.qemuBootMs !== null ? ` (QEMU TCG boot ${(m.qemuBootMs / 1000).toFixed(1)} s, in parallel with the others)` : ''}; ${bad ? `${bad} run(s) differ from their declaration` : 'every run matches its declaration'}.\n`);
  return bad ? 1 : 0;
}
