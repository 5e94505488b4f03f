// `sbx-detect node` for a human: the node in a few lines, then one table per sandbox (status,
// the handlers that point at it, every item), then the fixes and RuntimeClasses to apply.
import { getBorderCharacters, table } from 'table';
import type { CheckItem, NodeExpectationResult, NodeVerdict, SandboxReadiness } from '../classifier/node-readiness.js';
import type { NodeFacts } from '../probes/node/index.js';
import type { Style } from './style.js';
import { show } from './table.js';

function grid(rows: [string, string][]): string {
  return table(rows, {
    border: getBorderCharacters('norc'),
    columns: [{ width: 26, wrapWord: true }, { width: 72, wrapWord: true }],
    drawHorizontalLine: (i, n) => i === 0 || i === n,
  });
}

function mark(i: CheckItem, s: Style): string {
  const tag = i.status === 'ok' ? s.green('ok') : i.status === 'missing' ? (i.blocking ? s.red('MISSING') : s.yellow('advice')) : s.yellow('unknown');
  return `${tag} ${i.what}`;
}

function sandboxTable(x: SandboxReadiness, s: Style, explain: boolean): string {
  const head = x.status === 'ready' ? s.green('ready') : x.status === 'not-ready' ? s.red('not ready') : s.yellow('unknown');
  const rows: [string, string][] = [['status', `${head}: ${x.summary}`]];
  rows.push(['handlers', x.handlers.length ? x.handlers.map((h) => `${h.name} (${h.engine}${h.pending ? ', next start' : ''}): ${h.usable ? 'usable' : h.usable === null ? 'unknown' : h.problems.join('; ')}`).join('\n') : 'none point at it']);
  for (const i of x.items) {
    if (!explain && i.status === 'ok' && !i.id.startsWith('platform-') && !i.id.startsWith('kata-config')) continue;
    rows.push([mark(i, s), `${i.observed}  ${s.dim(`[${i.source}]`)}${explain ? `\n${s.dim(`ref: ${i.reference}`)}` : ''}`]);
  }
  return `${s.bold(`${x.id}`)} ${s.dim(x.title)}\n${grid(rows)}`;
}

export function renderNodeTable(f: NodeFacts, v: NodeVerdict, s: Style, opts: { explain: boolean; checks?: NodeExpectationResult[] }): string {
  const handlers = f.registrations.handlers.map((h) => `${h.name}=${h.kind} (${h.engine}${h.pending ? ', next start' : ''})`).join(', ') || 'none';
  const files = f.registrations.files.filter((x) => !x.state.known || x.state.value !== 'absent').map((x) => `${x.path}${x.state.known ? '' : ` (${x.state.reason})`}`).join(', ') || 'none found';
  const node: [string, string][] = [
    ['os, kernel', `${show(f.os)}, ${show(f.release)} (${f.machine})`],
    ['cgroups', show(f.cgroupMode)],
    ['cpu', show(f.cpu, (c) => `${c.vendor ?? '?'}; ${['vmx', 'svm', 'lm', 'sse4_1', 'hypervisor'].filter((x) => c.flags.includes(x)).join(' ') || 'none of vmx svm lm sse4_1'}`)],
    ['/dev/kvm', show(f.kvm, (k) => `API version ${k.apiVersion}`)],
    ['runtime configs', files],
    ['handlers', handlers],
  ];
  const parts = [`${s.bold('Node')}\n${grid(node)}`];
  for (const x of v.sandboxes) parts.push(sandboxTable(x, s, opts.explain));
  if (v.fixes.length) parts.push(`${s.bold('To fix')}\n${v.fixes.map((x) => x.split('\n').map((l, i) => (i ? `    ${l}` : `  - ${l}`)).join('\n')).join('\n')}`);
  const rc = v.sandboxes.flatMap((x) => x.runtimeClasses);
  if (rc.length) parts.push(`${s.bold('RuntimeClasses for the ready handlers')} ${s.dim('(kubectl apply -f -)')}\n${[...new Set(rc)].map((m) => `---\n${m}`).join('\n')}`);
  if (opts.checks?.length) {
    parts.push(`${s.bold('Checks')}\n${grid(opts.checks.map((c) => [c.status === 'pass' ? s.green(`pass ${c.expectation}`) : c.status === 'fail' ? s.red(`FAIL ${c.expectation}`) : s.yellow(`undetermined ${c.expectation}`), c.observed]))}`);
  }
  return parts.join('\n');
}
