// `kubectl sbx`: the flow. One pod → its report (tables, or one JSON line); --all / -A / -l →
// every running pod collected with bounded parallelism, then the summary table (or one JSON
// line per pod as each is done). Each pod's report comes from the one pod pipeline
// (pod-pipeline.ts, through collect.ts); exit codes: exit-codes.ts and HELP in args.ts.
import { parseHandlerMap, type HandlerOverride } from '../classifier/declared-enforced.js';
import { parseExpectations } from '../classifier/expectations.js';
import type { PssLevel } from '../classifier/pss.js';
import { EXIT, worstExit } from '../exit-codes.js';
import { checkFailureLines } from '../render/checks-json.js';
import { declaredLines } from '../render/declared-lines.js';
import { progressReporter } from '../render/progress.js';
import { makeStyle, type Style, wantColour } from '../render/style.js';
import { HELP, type KubectlArgs, parseKubectlArgs } from './args.js';
import { auditAll } from './audit.js';
import { type CollectOptions, collectPod, type PodResult } from './collect.js';
import type { Kubectl } from './kubectl.js';
import { getPod, listPods, nodeArchitectures, type PodTarget } from './pods.js';
import { declaredFor, type DeclaredOptions, readRuntimeClasses } from './runtime-classes.js';
import { renderSummary } from './summary.js';

const ME = 'kubectl-sbx';

export async function kubectlMain(argv: string[], version: string): Promise<number> {
  const parsed = parseKubectlArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (parsed.kind === 'usage') return usage(parsed.message);
  const args = parsed.args;
  const expectations = parseExpectations(args.expect);
  if (!expectations.ok) return usage(expectations.error);
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
    expectations: expectations.list,
    pss: args.pss as PssLevel | undefined,
    version,
    strict: args.strict,
  };
  return args.pod ? onePod(args, kubectl, options, overrides) : fleet(args, kubectl, options, overrides);
}

async function onePod(args: KubectlArgs, kubectl: Kubectl, options: CollectOptions, overrides: DeclaredOptions['overrides']): Promise<number> {
  const [target, rc] = await Promise.all([getPod(kubectl, args.pod!, args.namespace, args.container), readRuntimeClasses(kubectl)]);
  if ('error' in target) {
    process.stderr.write(`${ME}: ${target.error}\n`);
    return (await writeJunitFor(args, [], [{ name: `${args.namespace ? `${args.namespace}/` : ''}${args.pod}`, why: target.error }])) ?? EXIT.unreachable;
  }
  const result = await safely(target, null, options, { ...rc, overrides });
  if (args.json) {
    process.stdout.write(jsonLine(result));
  } else if (result.report) {
    const { renderPodTables } = await import('../render/pod-tables.js'); // `table` is only loaded for humans
    process.stdout.write(await renderPodTables(
      { facts: result.facts!, verdict: result.verdict!, expected: result.expected ?? null, podSecurity: result.podSecurity ?? null, declared: result.declared ?? null },
      { explain: args.explain, full: args.full, tty: process.stdout.isTTY === true, env: process.env, heading: (s) => podHeading(result, s), note: debugNote(result) },
    ));
  }
  writeFailures([result], args.strict);
  return (await writeJunitFor(args, [result])) ?? result.exitCode;
}

async function fleet(args: KubectlArgs, kubectl: Kubectl, options: CollectOptions, overrides: DeclaredOptions['overrides']): Promise<number> {
  const started = performance.now();
  const [listing, arches, rc] = await Promise.all([
    listPods(kubectl, { namespace: args.namespace, allNamespaces: args.allNamespaces, selector: args.selector }, args.container),
    nodeArchitectures(kubectl),
    readRuntimeClasses(kubectl),
  ]);
  if ('error' in listing) {
    process.stderr.write(`${ME}: ${listing.error}\n`);
    return EXIT.unreachable;
  }
  for (const s of listing.skipped) process.stderr.write(`${ME}: skipped ${s}\n`);
  const progress = progressReporter(process.stderr, started, undefined, 'pods audited');
  const results = await auditAll(
    listing.pods,
    args.parallel,
    (pod) => safely(pod, pod.node ? arches?.get(pod.node) ?? null : null, options, { ...rc, overrides }),
    (r) => {
      if (args.json) process.stdout.write(jsonLine(r));
    },
    progress.update,
  );
  progress.done();
  if (!args.json) process.stdout.write(renderSummary(results, makeStyle(wantColour(process.stdout.isTTY === true, process.env))));
  writeFailures(results, args.strict);
  return (await writeJunitFor(args, results)) ?? worstExit(results.map((r) => r.exitCode));
}

/** --junit FILE: one test suite per pod — its --expect, its --pss rules, and with --strict its
 *  declared fields (the comparison is a check only then); a pod not reached is one error case.
 *  Returns the usage code when the file cannot be written, else null. */
async function writeJunitFor(args: KubectlArgs, results: PodResult[], notFound: { name: string; why: string }[] = []): Promise<number | null> {
  if (!args.junit) return null;
  const { podCases, unreachedSuite, writeJunit } = await import('../render/junit.js'); // the JUnit library only for --junit
  const suites = notFound.map((p) => unreachedSuite(p.name, p.why));
  suites.push(...results.map((r) => {
    const name = `${r.pod.namespace}/${r.pod.name} (${r.pod.container})`;
    if (!r.report) return unreachedSuite(name, r.error ?? 'no report');
    return { name, cases: podCases({ expected: r.expected ?? null, podSecurity: r.podSecurity ?? null, declared: args.strict ? r.declared ?? null : null }) };
  }));
  const failed = await writeJunit(args.junit, suites);
  return failed ? usage(`--junit ${args.junit}: ${failed}`) : null;
}

/** A pod's collection never throws into the audit: an internal error is that pod's result. */
async function safely(target: PodTarget, nodeArch: string | null, options: CollectOptions, declared: DeclaredOptions): Promise<PodResult> {
  const spec = declaredFor(target, declared);
  try {
    const r = await collectPod(target, nodeArch, options, spec.compare);
    return spec.error && r.report ? { ...r, declaredError: spec.error } : r;
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
  const doc = r.report ? { pod: r.pod, exitCode: r.exitCode, ...r.report } : { pod: r.pod, exitCode: r.exitCode, error: r.error };
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
    ? 'the pod shares one process namespace (PID 1 is the pause process), so the target\'s own process could not be read: what the report says of processes is the debug container\'s own, and the checks on them are undetermined'
    : `the verdicts describe ${r.pod.container}'s main process, read from /proc/${d.targetPid}/… (unknown where the profile "${d.profile}" may not read it)`;
  return `note: collected in the ephemeral debug container ${d.container} (${d.reason}): ${target}; the probe — the helper, its syscall scan, CPUID and the root-filesystem markers — is the debug container's own (the report's "Workload versus probe" section). ${d.leaves[0].toUpperCase()}${d.leaves.slice(1)}.`;
}

/** stderr: why a pod was not reached, and one line per check that did not hold, per pod. */
function writeFailures(results: PodResult[], strict: boolean): void {
  const lines: string[] = [];
  for (const r of results) {
    const who = `${r.pod.namespace}/${r.pod.name}`;
    if (r.error) lines.push(`${ME}: ${who}: ${r.error}`);
    if (r.declaredError) lines.push(`${ME}: ${who}: ${r.declaredError}`);
    // with --strict the comparison is a check: each row that does not match is one line
    if (strict && r.declared) for (const l of declaredLines(r.declared)) lines.push(`${ME}: ${who}: declared ⇄ enforced: ${l}`);
    const checks = checkFailureLines(r.expected ?? null, r.podSecurity ?? null);
    for (const l of checks.split('\n').filter(Boolean)) lines.push(l.replace(/^sbx-detect: /, `${ME}: ${who}: `));
  }
  if (lines.length) process.stderr.write(lines.join('\n') + '\n');
}

function usage(message: string): number {
  process.stderr.write(`${ME}: ${message}\nTry kubectl sbx --help.\n`);
  return EXIT.usage;
}
