// The terminal report: the verdict first, then one two-column table per section.
// Only presentation lives here; every value comes from the facts and the verdict.
import { table, getBorderCharacters } from 'table';
import { ownUserNamespace } from '../classifier/privileged.js';
import type { Verdict } from '../classifier/verdict.js';
import { CAPABILITY_NAMES, RISKY_CAPABILITIES } from '../probes/capabilities.js';
import type { Fact } from '../probes/fact.js';
import type { Facts } from '../probes/index.js';
import { appArmorLabelText } from '../probes/lsm.js';
import { idMapLinesText, NAMESPACE_TYPES } from '../probes/namespaces.js';
import { paintHeadline, type Style } from './style.js';
import { renderSyscallSection } from './syscalls-table.js';

type Row = [string, string];

export const show = <T>(f: Fact<T>, fmt: (v: T) => string = (v) => String(v)): string =>
  f.known ? fmt(f.value) : `unknown (${f.reason})`;

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const bytes = (n: number | null) => (n === null ? 'no limit' : n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`);

function section(title: string, rows: Row[], s: Style): string {
  const body = table(rows, {
    border: getBorderCharacters('norc'),
    columns: [{ width: 22, wrapWord: true }, { width: 76, wrapWord: true }],
    drawHorizontalLine: (i, n) => i === 0 || i === n,
  });
  return `${s.bold(title)}\n${body}`;
}

function verdictSection(v: Verdict, s: Style, explain: boolean): string {
  const sb = v.sandbox;
  const conf = `${sb.confidenceLabel} (${sb.confidence.toFixed(2)})`;
  const rows: Row[] = [['confidence', conf]];
  // a privileged container is the first thing a user looks for after kubectl exec: say it, and why
  const pv = v.privileged;
  if (pv.privileged === true) rows.push([s.red('PRIVILEGED'), s.red(`${pv.reason}: ${pv.criteria.map((c) => c.observed).join('; ')}`)]);
  else if (pv.privileged === null) rows.push(['privileged', s.yellow(`unknown: ${pv.reason}`)]);
  else if (pv.partly) rows.push(['privileged', s.yellow(`no, but: ${pv.reason}`)]);
  else rows.push(['privileged', `no${pv.applies ? '' : ` (${pv.reason})`}`]);
  // 'container' has no signal rows of its own: what spoke for and against the others is its evidence
  const ev = [...sb.evidence].filter((e) => e.indicates === sb.class || explain || (sb.class === 'container' && e.weight !== 0)).sort((a, b) => b.weight - a.weight);
  for (const e of explain ? ev : ev.slice(0, 6)) rows.push([`${e.weight > 0 ? '+' : ''}${e.weight} ${e.indicates}`, `${e.observed}  ${s.dim(`[${e.source}]`)}`]);
  if (v.platform) rows.push(['gVisor platform', `${v.platform.value}${v.platform.inferred ? ' (inferred)' : ''}: ${v.platform.evidence.join('; ')}`]);
  if (v.hypervisor) rows.push(['Kata hypervisor', `${v.hypervisor.value}: ${v.hypervisor.evidence.join('; ')}`]);
  if (v.tool) rows.push(['tool', `${v.tool.value}: ${v.tool.evidence.join('; ')}`]);
  if (v.confidentialGuest) rows.push(['confidential guest', v.confidentialGuest]);
  rows.push(['machine underneath', `${v.vm.label}${v.vm.evidence.length ? `: ${v.vm.evidence.slice(0, 3).map((e) => e.observed).join('; ')}` : ''}`]);
  rows.push(['engine', v.engine.engine === 'unknown' ? 'unknown' : `${v.engine.engine} (${v.engine.confidenceLabel}: ${v.engine.evidence.filter((e) => e.indicates === v.engine.engine).map((e) => e.signal).join(', ')})${v.engine.containerId ? `, ${v.engine.idKind} ${v.engine.containerId.slice(0, 12)}` : ''}`]);
  for (const c of sb.candidates.slice(0, explain ? undefined : 3)) rows.push([`not ${c.class}`, s.dim(c.lostBecause)]);
  for (const fault of sb.faults) rows.push(['classifier fault', s.red(fault)]);
  return `${s.bold('Sandbox:')} ${s.bold(paintHeadline(v, s))}\n` + section('', rows, s).replace(/^\n/, '');
}

function capabilityText(names: string[], s: Style, inOwnUserns: boolean): string {
  if (names.length === 0) return 'none';
  const missing = CAPABILITY_NAMES.filter((n) => !names.includes(n));
  if (missing.length <= 3) return `all known${missing.length ? ` except ${missing.join(' ')}` : ''} (${names.length})`;
  return names.map((n) => (RISKY_CAPABILITIES[n] && !inOwnUserns ? s.red(`${n}!`) : n)).join(' ');
}

/** Whose confinement the verdicts describe, and every field in which the probe differs. */
function workloadSection(w: Verdict['workload'], s: Style): string {
  const who = w.subject === 'workload' ? (w.sameProcess ? 'the workload (the tool is its first process)' : `the workload, pid ${w.pid}`) : w.subject === 'probe' ? "the probe's own process" : s.yellow('nobody in the target');
  const rows: Row[] = [['judged', `${who}: ${w.reason}`]];
  if (w.launcher) rows.push([s.yellow('launcher'), w.launcher]);
  if (w.scan.describesWorkload !== null) rows.push([w.scan.describesWorkload ? 'syscall scan' : s.yellow('syscall scan'), `${w.scan.describesWorkload ? 'shows the workload\'s filter' : 'ran as the probe only'}: ${w.scan.reason}`]);
  for (const d of w.differences) rows.push([s.yellow(d.field), `workload ${d.workload}; probe ${d.probe} ${s.dim(`(${d.source})`)}`]);
  if (w.subject === 'workload' && !w.sameProcess && !w.differences.length) rows.push(['differences', 'none in what both show']);
  return section('Workload versus probe', rows, s);
}

export function renderTable(facts: Facts, v: Verdict, s: Style, opts: { explain: boolean }): string {
  const out: string[] = [verdictSection(v, s, opts.explain)];
  const k = facts.kernel;
  out.push(section('Kernel', [
    ['release', show(k.uname, (u) => u.release)],
    ['version', show(k.uname, (u) => u.version)],
    ['/proc/version', show(k.procVersion)],
    ['/proc/cmdline', show(k.cmdline, (c) => c.raw)],
  ], s));

  out.push(workloadSection(v.workload, s));
  const p = facts.process;
  out.push(section('Process (the probe)', [
    ['uid', show(p.uid, (i) => `${i.real} (effective ${i.effective})`)],
    ['gid', show(p.gid, (i) => `${i.real} (effective ${i.effective})`)],
    ['groups', show(p.groups, (g) => g.join(' ') || 'none')],
    ['no_new_privs', show(p.noNewPrivs, yesNo)],
    ['seccomp', show(p.seccomp)],
    ['seccomp filters', show(p.seccompFilters)],
    ['prctl (own flags)', `no_new_privs ${show(facts.native.ownFlags.noNewPrivs, yesNo)}; seccomp ${show(facts.native.ownFlags.seccomp)}`],
  ], s));

  const ns = ownUserNamespace(facts, v.sandbox.class);
  const capRows: Row[] = (['effective', 'permitted', 'inheritable', 'bounding', 'ambient'] as const).map((set) => [
    set, show(p.capabilities[set], (c) => capabilityText(c.names, s, ns !== null)),
  ]);
  const risky = p.capabilities.effective.known ? p.capabilities.effective.value.names.filter((n) => RISKY_CAPABILITIES[n]) : [];
  // in a user namespace of its own the kernel checks the initial namespace's capabilities for
  // the host's resources: what each would reach on the host, it does not reach from here
  if (ns) capRows.push(['scope', `${ns}: they act only on what it owns; the kernel's checks for the host's resources (modules, raw I/O, the clock, kexec, …) refuse them${risky.length ? `, so ${risky.join(' ')} reach nothing of the host's` : ''}`]);
  else for (const r of risky.slice(0, 6)) capRows.push([s.red(`${r}!`), RISKY_CAPABILITIES[r]]);
  out.push(section('Capabilities', capRows, s));

  const n = facts.namespaces;
  const nsRows: Row[] = NAMESPACE_TYPES.map((t) => [t, show(n.entries[t], (e) => `${e.inode}  ${e.isInitial === true ? s.yellow('initial (host)') : e.isInitial === false ? 'own' : 'undecidable on this kernel'}`)]);
  nsRows.push(['shared with host', v.hostNamespaces.judged ? `${v.hostNamespaces.shared.join(' ') || 'none'} (${v.hostNamespaces.reason})` : v.hostNamespaces.reason]);
  nsRows.push(['uid_map', show(n.uidMap, idMapLinesText)]);
  nsRows.push(['gid_map', show(n.gidMap, idMapLinesText)]);
  out.push(section('Namespaces', nsRows, s));

  const l = facts.lsm;
  out.push(section('LSM', [
    ['AppArmor', show(l.apparmor, appArmorLabelText)],
    ['SELinux', show(l.selinux)],
    ['enabled LSMs', show(l.enabled, (e) => e.join(', '))],
  ], s));

  const m = facts.mounts;
  const mountRows: Row[] = [
    ['root', show(m.root, (r) => `${r.fsType} from ${r.source}${r.root !== '/' ? ` (${r.root})` : ''}`)],
    ['read-only root', show(m.readOnlyRoot, yesNo)],
    ['/proc/sys writable', show(m.procSysWritable, (w) => (w ? s.red('yes') : 'no'))],
    ['/sys writable', show(m.sysWritable, (w) => (w ? s.yellow('yes') : 'no'))],
    ['mounts', show(m.entries, (e) => String(e.length))],
  ];
  for (const x of m.sensitive) mountRows.push([s.red(x.kind), `${x.path}: ${x.detail}`]);
  out.push(section('Mounts', mountRows, s));

  const c = facts.cgroups;
  out.push(section('cgroups', [
    ['hierarchy', show(c.mode)],
    ['own cgroup', show(c.lines, (ls) => ls.slice(0, 3).map((x) => `${x.id}:${x.controllers.join(',')}:${x.path}`).join('  '))],
    ['memory limit', show(c.memoryLimit, bytes)],
    ['cpu limit', show(c.cpuLimit, (q) => (q === null ? 'no limit' : `${q} CPUs`))],
  ], s));

  const kv = v.kubernetes;
  out.push(section('Kubernetes', [
    ['pod', kv.pod ? `yes (${kv.evidence.join('; ')})` : 'no'],
    ['namespace', kv.namespace ?? '-'],
    ['service-account token', kv.serviceAccountToken === null ? show(facts.kubernetes.tokenMounted, yesNo) : kv.serviceAccountToken ? s.yellow('mounted (not read)') : 'absent'],
    ['KUBERNETES_SERVICE_HOST', show(facts.kubernetes.serviceHost, (h) => h ?? 'not set')],
    ['RuntimeClass handler', kv.runtimeClassHandler ? `${kv.runtimeClassHandler.name}? (${kv.runtimeClassHandler.note})` : '-'],
  ], s));

  const pl = facts.platform;
  const nat = facts.native;
  out.push(section('CPU and VM hints', [
    ['cpu model', show(pl.cpuinfo, (ci) => `${ci.modelName ?? '?'} (${ci.vendorId ?? '?'}, ${ci.processors} cpus)`)],
    ['hypervisor flag', show(pl.cpuinfo, (ci) => yesNo(ci.hypervisorFlag))],
    ['CPUID hypervisor', show(nat.cpuid, (ci) => (ci.hypervisorBit ? `"${ci.hypervisorVendor ?? ''}"` : 'none (bit clear)'))],
    ['DMI vendor', show(pl.dmi.sys_vendor)],
    ['DMI product', show(pl.dmi.product_name)],
    ['ACPI OEM id', show(pl.acpiOemId)],
    ['kernel log', show(nat.syslog, (sl) => sl.firstLines[0] ?? '(empty)')],
    ['getpid() cost', show(nat.syscallNs, (ns) => `${ns} ns`)],
  ], s));

  out.push(renderSyscallSection(facts.native.syscalls, v.seccompProfile, s, section));
  return out.join('\n');
}
