// `kubectl sbx`: the flow. One pod → its report (tables, or one JSON line); --all / -A / -l →
// every running pod collected with bounded parallelism, then the summary table (or one JSON
// line per pod as each is done). Exit codes: see HELP in args.ts and docs/kubectl-sbx.md.
import { type Expectation, parseExpectation } from '../classifier/expectations.js';
import type { PssLevel } from '../classifier/pss.js';
import { checkFailureLines, expectationsJson, pssJson } from '../render/checks.js';
import { progressReporter } from '../render/progress.js';
import { makeStyle, type Style, wantColour } from '../render/style.js';
import { HELP, type KubectlArgs, parseKubectlArgs } from './args.js';
import { auditAll } from './audit.js';
import { type CollectOptions, collectPod, type PodResult } from './collect.js';
import type { Kubectl } from './kubectl.js';
import { getPod, listPods, nodeArchitectures, type PodTarget } from './pods.js';
import { renderSummary } from './summary.js';
import { type HandlerOverride, parseHandlerMap } from '../classifier/declared.js';
import { declaredLines, renderDeclaredTable } from '../render/declared.js';
import { attachDeclared, type DeclaredOptions, readRuntimeClasses } from './declared.js';

const EXIT = { ok: 0, failed: 1, usage: 2, undetermined: 3, internal: 4, unreachable: 5 } as const;
const ME = 'kubectl-sbx';

export async function kubectlMain(argv: string[], version: string): Promise<number> {
  const parsed = parseKubectlArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (parsed.kind === 'usage') return usage(parsed.message);
  const args = parsed.args;
  const expectations: Expectation[] = [];
  for (const text of args.expect) {
    const p = parseExpectation(text);
    if (!p.ok) return usage(`--expect ${text}: ${p.error}`);
    expectations.push(p.expectation);
  }
  const overrides = new Map<string, HandlerOverride>();
  for (const text of args.handlerMap) {
    const p = parseHandlerMap(text);
    if ('error' in p) return usage(p.error);
    overrides.set(p.name, p.override);
  }
  const kubectl: Kubectl = { base: [process.env.KUBECTL_SBX_KUBECTL || 'kubectl', ...args.kubectlFlags] };
  const options: CollectOptions = {
    kubectl,
    native: { syscalls: args.syscalls, helper: true, timeoutMs: args.timeout * 1000 },
    helperPath: args.helperPath,
    debug: args.debug,
    image: args.image,
    profile: args.profile,
    expectations,
    pss: args.pss as PssLevel | undefined,
    version,
  };
  const style = makeStyle(wantColour(process.stdout.isTTY === true, process.env));
  const choices: DeclaredChoices = { overrides, strict: args.strict };
  return args.pod ? onePod(args, kubectl, options, style, choices) : fleet(args, kubectl, options, style, choices);
}

/** DeclaredOptions but the RuntimeClasses, which are read beside the pods. */
type DeclaredChoices = Pick<DeclaredOptions, 'overrides' | 'strict'>;

async function onePod(args: KubectlArgs, kubectl: Kubectl, options: CollectOptions, style: Style, choices: DeclaredChoices): Promise<number> {
  const [target, rc] = await Promise.all([getPod(kubectl, args.pod!, args.namespace, args.container), readRuntimeClasses(kubectl)]);
  if ('error' in target) {
    process.stderr.write(`${ME}: ${target.error}\n`);
    return EXIT.unreachable;
  }
  const result = await safely(target, null, options, { ...rc, ...choices });
  if (args.json) {
    process.stdout.write(jsonLine(result));
  } else if (result.report) {
    const { renderTable } = await import('../render/table.js');
    const parts = [podHeading(result, style), renderTable(result.facts!, result.verdict!, style, { explain: args.explain })];
    if (result.expected || result.podSecurity) {
      const { renderExpectationsTable, renderPssTable } = await import('../render/checks.js');
      if (result.expected) parts.push(renderExpectationsTable(result.expected, style));
      if (result.podSecurity) parts.push(renderPssTable(result.podSecurity, style));
    }
    if (result.report.declared) parts.push(renderDeclaredTable(result.report.declared, style));
    const note = debugNote(result);
    if (note) parts.push(style.dim(note));
    process.stdout.write(parts.join('\n') + '\n');
  }
  await writeFailures([result], args.strict);
  return result.exitCode;
}

async function fleet(args: KubectlArgs, kubectl: Kubectl, options: CollectOptions, style: Style, choices: DeclaredChoices): Promise<number> {
  const started = performance.now();
  const [listing, arches, rc] = await Promise.all([
    listPods(kubectl, { namespace: args.namespace, allNamespaces: args.allNamespaces, selector: args.selector }, args.container),
    nodeArchitectures(kubectl),
    readRuntimeClasses(kubectl),
  ]);
  const declared: DeclaredOptions = { ...rc, ...choices };
  if ('error' in listing) {
    process.stderr.write(`${ME}: ${listing.error}\n`);
    return EXIT.unreachable;
  }
  for (const s of listing.skipped) process.stderr.write(`${ME}: skipped ${s}\n`);
  const progress = progressReporter(process.stderr, started, undefined, 'pods audited');
  const results = await auditAll(
    listing.pods,
    args.parallel,
    (pod) => safely(pod, pod.node ? arches?.get(pod.node) ?? null : null, options, declared),
    (r) => {
      if (args.json) process.stdout.write(jsonLine(r));
    },
    progress.update,
  );
  progress.done();
  if (!args.json) process.stdout.write(renderSummary(results, style));
  await writeFailures(results, args.strict);
  return fleetExit(results.map((r) => r.exitCode));
}

/** 1 (a definite failure) wins over 5 (a pod not reached), 5 over 4, 4 over 3, 3 over 0. */
export function fleetExit(codes: number[]): number {
  for (const c of [EXIT.failed, EXIT.unreachable, EXIT.internal, EXIT.undetermined]) if (codes.includes(c)) return c;
  return EXIT.ok;
}

/** A pod's collection never throws into the audit: an internal error is that pod's result. */
async function safely(target: PodTarget, nodeArch: string | null, options: CollectOptions, declared: DeclaredOptions): Promise<PodResult> {
  try {
    return attachDeclared(await collectPod(target, nodeArch, options), target, declared);
  } catch (err) {
    return {
      pod: { namespace: target.namespace, name: target.name, container: target.container, node: target.node, nodeArch, via: null },
      exitCode: EXIT.internal,
      error: `internal error: ${(err as Error)?.stack ?? String(err)}`,
    };
  }
}

/** One JSON line: identity and exit code first, then the report as sbx-detect --json gives it. */
function jsonLine(r: PodResult): string {
  const checks = r.expected || r.podSecurity
    ? { checks: { ...(r.expected && { expectations: expectationsJson(r.expected) }), ...(r.podSecurity && { podSecurity: pssJson(r.podSecurity) }) } }
    : {};
  const doc = r.report ? { pod: r.pod, exitCode: r.exitCode, ...r.report, ...checks } : { pod: r.pod, exitCode: r.exitCode, error: r.error };
  return JSON.stringify(doc) + '\n';
}

function podHeading(r: PodResult, s: Style): string {
  const p = r.pod;
  const how = p.via === 'debug' ? `ephemeral debug container ${p.debug!.container} (image ${p.debug!.image}) targeting ${p.container}` : `kubectl exec into ${p.container}`;
  return `${s.bold(`Pod ${p.namespace}/${p.name}`)} ${s.dim(`container ${p.container}${p.node ? `, node ${p.node}` : ''}; collected through ${how}`)}\n`;
}

function debugNote(r: PodResult): string | null {
  const d = r.pod.debug;
  if (!d || !r.report) return null;
  const target = d.targetPid === null
    ? 'the pod shares one process namespace (PID 1 is the pause process), so nothing could be read as the target: every per-process fact is the debug container\'s own'
    : `status, capabilities, seccomp mode, namespaces, cgroup and mounts are ${r.pod.container}'s, read from /proc/${d.targetPid}/… (unknown where the profile "${d.profile}" may not read them)`;
  const as = d.scanAs ? ` (it ran as uid ${d.scanAs.uid ?? '?'} with capabilities ${d.scanAs.capabilities ? d.scanAs.capabilities.join(' ') || 'none' : 'unknown'})` : '';
  return `note: collected in the ephemeral debug container ${d.container} (${d.reason}): ${target}; the syscall scan${as}, its seccomp profile, CPUID and the root-filesystem markers are the debug container's own. An ephemeral container cannot be removed: it has exited and stays listed in the pod.`;
}

/** stderr: why a pod was not reached, and one line per check that did not hold, per pod. */
async function writeFailures(results: PodResult[], strict: boolean): Promise<void> {
  const lines: string[] = [];
  for (const r of results) {
    const who = `${r.pod.namespace}/${r.pod.name}`;
    if (r.error) lines.push(`${ME}: ${who}: ${r.error}`);
    if (r.declaredError) lines.push(`${ME}: ${who}: ${r.declaredError}`);
    // with --strict the comparison is a check: each row that does not match is one line
    if (strict && r.report?.declared) for (const l of declaredLines(r.report.declared)) lines.push(`${ME}: ${who}: declared ⇄ enforced: ${l}`);
    const checks = checkFailureLines(r.expected ?? null, r.podSecurity ?? null);
    for (const l of checks.split('\n').filter(Boolean)) lines.push(l.replace(/^sbx-detect: /, `${ME}: ${who}: `));
  }
  if (lines.length) process.stderr.write(lines.join('\n') + '\n');
}

function usage(message: string): number {
  process.stderr.write(`${ME}: ${message}\nTry kubectl sbx --help.\n`);
  return EXIT.usage;
}
