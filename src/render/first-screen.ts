// The default terminal report: one screen (at most 40 lines on a typical pod). What isolates the
// process and how strongly — the verdict and its confidence, the platform or hypervisor, the
// engine and orchestrator, privileged, the user, the capabilities with the risky ones named,
// seccomp with its profile and the first blocked calls — then the findings, ranked, each with
// what to change. `--full` prints every table (table.ts), `--explain` the evidence too. No `table`
// package here: plain lines, wrapped at a fixed width.
import { type Finding, worstRaised } from '../classifier/findings.js';
import { ownUserNamespace } from '../classifier/privileged.js';
import { runsOwnKernelName } from '../classifier/pss.js';
import { refusedByFilterOrSandbox } from '../classifier/seccomp-profile.js';
import type { Verdict } from '../classifier/verdict.js';
import { judgedFacts } from '../classifier/workload.js';
import { CAPABILITY_NAMES, DEFAULT_CONTAINER_CAPABILITIES, RISKY_CAPABILITIES } from '../probes/capabilities.js';
import { knownValue as val } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import { NAMESPACE_TYPES } from '../probes/namespaces.js';
import type { SyscallResult } from '../probes/syscalls/dispositions.js';
import { paintHeadline, type Style } from './style.js';

const SCREEN_WIDTH = 100;
/** the most lines the report itself takes (checks asked for come after it) */
const SCREEN_LINES = 40;
const LABEL = 14;

/** `text` in lines of at most `width` characters, breaking at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= width / 3) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** A labelled line, wrapped under its value, at most `max` lines (the last one ends in …). */
function field(label: string, value: string, s: Style, max = 2, paint: (x: string) => string = (x) => x): string[] {
  const lines = wrap(value, SCREEN_WIDTH - LABEL - 2);
  const kept = lines.length > max ? [...lines.slice(0, max - 1), `${lines[max - 1].slice(0, SCREEN_WIDTH - LABEL - 3)}…`] : lines;
  return kept.map((l, i) => `  ${i === 0 ? s.bold(label.padEnd(LABEL)) : ' '.repeat(LABEL)}${paint(l)}`);
}


function isolation(f: Facts, v: Verdict): string {
  const cls = v.sandbox.class;
  if (cls === 'gvisor') return "gVisor's sentry, a kernel of its own in user space, answers every system call; the host kernel sees only the sentry's";
  if (cls === 'kata') return `a VM of its own${v.hypervisor ? ` (${v.hypervisor.value})` : ''}: its guest kernel answers every system call, not the host's`;
  if (cls === 'none') return 'nothing: no container, the machine\'s own namespaces';
  const own = NAMESPACE_TYPES.filter((t) => f.namespaces.entries[t].known && (f.namespaces.entries[t] as { value: { isInitial: boolean | null } }).value.isInitial === false);
  const open = NAMESPACE_TYPES.filter((t) => !own.includes(t) && !v.hostNamespaces.shared.includes(t));
  return `the host's kernel, shared; namespaces of its own: ${own.join(' ') || 'none'}${v.hostNamespaces.shared.length ? `; the host's: ${v.hostNamespaces.shared.join(' ')}` : ''}${open.length ? `; undecided: ${open.join(' ')}` : ''}`;
}

function engineLine(v: Verdict): string {
  const e = v.engine.engine === 'unknown' ? 'engine unknown' : `${v.engine.engine} (${v.engine.confidenceLabel})`;
  const k = v.kubernetes;
  const orch = k.pod
    ? `Kubernetes pod${k.namespace ? ` in namespace ${k.namespace}` : ''}${k.runtimeClassHandler ? `; handler ${k.runtimeClassHandler.name}? (guessed from the class)` : ''}`
    : 'no Kubernetes pod';
  return `${e} · ${orch}`;
}

function privilegedLine(v: Verdict, s: Style): [string, (x: string) => string] {
  const p = v.privileged;
  if (p.privileged === true) return [`YES: ${p.reason}`, s.red];
  if (p.privileged === null) return [`unknown: ${p.reason}`, s.yellow];
  if (!p.applies) return [`no (${p.reason.replace(/^not applicable: /, '')})`, (x) => x];
  return p.partly ? [`no, but: ${p.reason}`, s.yellow] : ['no', (x) => x];
}

function userLine(j: Facts, v: Verdict): string {
  const uid = val(j.process.uid), gid = val(j.process.gid), nnp = val(j.process.noNewPrivs);
  const who = uid === undefined ? `uid unknown (${(j.process.uid as { reason: string }).reason})` : `uid ${uid.effective}${uid.real !== uid.effective ? ` (real ${uid.real})` : ''}${gid ? `, gid ${gid.effective}` : ''}${uid.effective === 0 ? ' (root' : ' (not root'}`;
  const userns = uid === undefined ? '' : ownUserNamespace(j, v.sandbox.class) ? ', in a user namespace of its own)' : ')';
  return `${who}${userns}; no_new_privs ${nnp === undefined ? 'unknown' : nnp ? 'set' : 'not set'}`;
}

function capsLine(j: Facts): string {
  const eff = j.process.capabilities.effective, bnd = j.process.capabilities.bounding;
  const set = (f: typeof eff) => {
    if (!f.known) return `unknown (${f.reason})`;
    const n = f.value.names;
    if (!n.length) return 'none';
    if (n.length === DEFAULT_CONTAINER_CAPABILITIES.length && DEFAULT_CONTAINER_CAPABILITIES.every((c) => n.includes(c))) return `${n.length} (Docker's and containerd's default set)`;
    if (n.length > 8) return `${n.length} of ${CAPABILITY_NAMES.length}`;
    return n.join(' ');
  };
  const held = new Set([...(eff.known ? eff.value.names : []), ...(bnd.known ? bnd.value.names : [])]);
  const risky = [...held].filter((n) => RISKY_CAPABILITIES[n]);
  return `effective ${set(eff)}; bounding ${set(bnd)}; risky: ${risky.length ? risky.join(' ') : 'none'}`;
}

/** Calls named first when blocked: the ones an escape or an exploit reaches for. */
const NOTABLE = ['mount', 'unshare', 'setns', 'clone.ns', 'bpf', 'ptrace', 'keyctl', 'add_key', 'open_by_handle_at', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'kexec_load', 'init_module', 'finit_module', 'pivot_root', 'move_mount', 'fsopen', 'umount2', 'chroot', 'swapon', 'reboot'];

function firstNames(results: SyscallResult[], n = 6): string {
  const names = [...new Set(results.map((r) => r.name))];
  const ordered = [...NOTABLE.filter((x) => names.includes(x)), ...names.filter((x) => !NOTABLE.includes(x))];
  return `${ordered.slice(0, n).join(' ')}${ordered.length > n ? ' …' : ''}`;
}

function seccompLine(f: Facts, j: Facts, v: Verdict): string {
  const mode = j.process.seccomp;
  const fp = v.seccompProfile;
  const scan = f.native.syscalls;
  if (!mode.known) return `unknown (${mode.reason})`;
  const ownKernel = runsOwnKernelName(v);
  if (ownKernel && mode.value === 'disabled') {
    if (!scan.known) return `no filter (Seccomp: 0); ${ownKernel}'s own kernel is the boundary`;
    const notImpl = scan.value.results.filter((r) => r.disposition === 'not-implemented' || (r.disposition === 'blocked-errno' && r.answeredBy === 'sandbox'));
    return `no filter (Seccomp: 0): ${ownKernel}'s own kernel is the boundary; it refuses or lacks ${notImpl.length} of ${scan.value.results.length} calls scanned: ${firstNames(notImpl)}`;
  }
  if (mode.value === 'disabled') return 'none: no filter (Seccomp: 0), every call reaches the host kernel';
  const prof = fp ? `${fp.verdict}${fp.release ? ` (release ${fp.release})` : ''}${fp.closest ? ` (closest ${fp.closest})` : ''}` : 'profile unknown (no syscall scan)';
  if (v.workload.scan.describesWorkload === false) return `${mode.value}; profile unknown: the probe's scan cannot show the workload's filter (${v.workload.scan.reason.split(':')[0]})`;
  if (!scan.known) return `${mode.value}, ${prof}`;
  const blocked = scan.value.results.filter(refusedByFilterOrSandbox);
  return `${mode.value}, ${prof}: ${blocked.length} of ${scan.value.results.length} calls scanned blocked${blocked.length ? `: ${firstNames(blocked)}` : ''}`;
}

function judgedLine(v: Verdict): string | null {
  const w = v.workload;
  if (w.subject === 'workload' && w.sameProcess) return null;
  if (w.subject === 'probe') return w.reason.startsWith('no container') ? null : `the probe's own process: ${w.reason}`;
  if (w.subject === 'none') return `nobody in the target: ${w.reason}`;
  return `the workload, pid ${w.pid}${w.differences.length ? `; the probe differs in ${w.differences.map((d) => d.field).join(', ')} (--full)` : '; the probe is confined the same'}`;
}

const SEVERITY_WIDTH = 9;

function paintSeverity(x: Finding['severity'], s: Style): string {
  const t = x.toUpperCase().padEnd(SEVERITY_WIDTH);
  return x === 'critical' || x === 'high' ? s.red(t) : x === 'medium' ? s.yellow(t) : t;
}

/** A raised finding: what was seen and where (two lines at most), the fix, and the findings
 *  that are its parts (`with it`). */
function findingLines(f: Finding, s: Style, parts: Finding[] = []): string[] {
  const width = SCREEN_WIDTH - 2 - SEVERITY_WIDTH;
  const pad = ' '.repeat(2 + SEVERITY_WIDTH);
  // the source of a verdict-made finding is the verdict's own record: in --json, not here
  const head = wrap(`${f.id}: ${f.seen}${f.source.startsWith('verdict.') ? '' : ` [${f.source}]`}`, width);
  if (head.length > 2) head[1] = `${head[1].slice(0, width - 1)}…`;
  const fix = wrap(`fix: ${f.remediation}`, width);
  const withIt = parts.length ? wrap(`with it: ${parts.map((y) => `${y.id} (${y.severity})`).join(', ')}`, width) : [];
  return [`  ${paintSeverity(f.severity, s)}${head[0]}`, ...head.slice(1, 2).map((l) => pad + l), ...withIt.slice(0, 2).map((l) => pad + l), ...fix.slice(0, 2).map((l) => pad + s.dim(l))];
}

function findingsSection(findings: Finding[], s: Style, budget: number): string[] {
  const raised = findings.filter((x) => x.status === 'raised');
  const open = findings.filter((x) => x.status === 'undetermined');
  const moot = findings.filter((x) => x.status === 'moot');
  const head = raised.length ? `${raised.length} raised, worst ${worstRaised(findings)}` : 'none raised';
  const out = [`${s.bold('Findings:')} ${head}${moot.length ? `; ${moot.length} moot` : ''}${open.length ? `; ${open.length} could not be judged` : ''}`];
  // the tail lines each take one: what is folded, the undetermined, the moot
  const tail: string[] = [];
  if (open.length) tail.push(...field('not judged', open.map((x) => `${x.id} (${x.severity}: ${x.seen})`).join('; '), s, 2, s.yellow));
  if (moot.length) {
    const why = [...new Set(moot.map((x) => x.mootBecause!.split(':')[0]))].join('; ');
    tail.push(...field('moot', `${moot.map((x) => x.id).join(', ')} — ${why}: none of these reaches the host`, s, 2, s.dim));
  }
  let room = budget - out.length - tail.length;
  const folded: Finding[] = [];
  // a criterion of a raised finding (each part of privileged-container) is said with it, in one line
  const shown = raised.filter((x) => !x.partOf || !raised.some((y) => y.id === x.partOf));
  for (const [i, x] of shown.entries()) {
    const parts = raised.filter((y) => y.partOf === x.id);
    const lines = findingLines(x, s, parts);
    const needFold = shown.length - i - 1 > 0 ? 1 : 0; // keep a line for the rest
    if (folded.length || lines.length > room - needFold) {
      folded.push(x);
      continue;
    }
    out.push(...lines);
    room -= lines.length;
  }
  if (folded.length) out.push(...field('also raised', `${folded.map((x) => `${x.id} (${x.severity})`).join(', ')} — --json or --full for each`, s, 2));
  return [...out, ...tail];
}

/** The first screen: what isolates the process and how strongly, then what is risky. */
export function renderFirstScreen(facts: Facts, v: Verdict, s: Style): string {
  const j = judgedFacts(facts, v);
  const sb = v.sandbox;
  const lines = [`${s.bold('Sandbox:')} ${s.bold(paintHeadline(v, s))}  ${s.dim('confidence')} ${sb.confidenceLabel} (${sb.confidence.toFixed(2)})`];
  lines.push(...field('isolation', isolation(j, v), s));
  if (v.platform) lines.push(...field('platform', `${v.platform.value}${v.platform.inferred ? ' (inferred)' : ''}: ${v.platform.evidence.join('; ')}`, s, 1));
  if (v.hypervisor) lines.push(...field('hypervisor', `${v.hypervisor.value}: ${v.hypervisor.evidence.join('; ')}`, s, 1));
  lines.push(...field('machine', `${v.vm.label}${v.confidentialGuest ? `; confidential guest: ${v.confidentialGuest}` : ''}`, s, 1));
  lines.push(...field('engine', engineLine(v), s, 1));
  const [priv, paint] = privilegedLine(v, s);
  lines.push(...field('privileged', priv, s, 2, paint));
  lines.push(...field('user', userLine(j, v), s, 1));
  lines.push(...field('capabilities', capsLine(j), s));
  lines.push(...field('seccomp', seccompLine(facts, j, v), s));
  const judged = judgedLine(v);
  if (judged) lines.push(...field('judged', judged, s));
  if (v.workload.launcher) lines.push(...field('launcher', v.workload.launcher, s, 1, s.yellow));
  for (const fault of sb.faults) lines.push(...field('classifier', fault, s, 1, s.red));
  const footer = s.dim('--full: every table · --explain: the evidence · --json: each finding with why and the fix');
  lines.push('', ...findingsSection(v.findings, s, SCREEN_LINES - lines.length - 3), '', footer);
  return lines.join('\n');
}
