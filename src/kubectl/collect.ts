// One pod, collected through --via: `kubectl exec -i` into its container. A container where the
// helper cannot run (no shell, no place to write it) is, with --debug only, collected through an
// ephemeral debug container started with --target=CONTAINER: it shares the target's process
// namespace, so the target's main process is PID 1 there, and that is named as the workload
// whose status, labels, namespaces and root mount the verdicts describe (classifier/workload.ts);
// the probe — the helper, its CPUID, syslog, mmap probes and syscall scan — is the debug
// container's own, and says so. An ephemeral container cannot be removed from a pod, so an audit
// never adds one unless asked. The report itself is made by the one pod pipeline (pod-pipeline.ts).
import { randomBytes } from 'node:crypto';
import type { CollectionContext, DeclaredComparison } from '../classifier/declared-enforced.js';
import type { Expectation, ExpectationCheck } from '../classifier/expectations.js';
import { checkPodSecurity, type PssLevel, type PssReport } from '../classifier/pss.js';
import type { Verdict } from '../classifier/verdict.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { type PodOutcome, runPod } from '../pod-pipeline.js';
import { type Facts, type GatherOptions, prefetchPass } from '../probes/index.js';
import type { WorkloadChoice } from '../probes/workload.js';
import { helperBytesForArch } from '../readers/helper-location.js';
import { createRemoteHost, type RemoteHost } from '../readers/remote/remote-host.js';
import type { Report } from '../render/json.js';
import { debugVia, execVia, type Kubectl, shellWords } from './kubectl.js';
import type { PodTarget } from './pods.js';

/** never (the default): a pod whose container cannot run the helper is reported unreachable;
 *  fallback (--debug): an ephemeral container where kubectl exec cannot; always (--debug=always) */
export type DebugMode = 'never' | 'fallback' | 'always';

export interface CollectOptions {
  kubectl: Kubectl;
  native: Omit<GatherOptions, 'workload'> & { timeoutMs: number };
  helperPath?: string;
  debug: DebugMode;
  image: string;
  profile: string;
  expectations: Expectation[];
  pss?: PssLevel;
  version: string;
  /** --strict: declared ⇄ enforced decides the pod's exit code */
  strict: boolean;
}

export interface DebugInfo {
  /** the ephemeral container's name and image */
  container: string;
  image: string;
  profile: string;
  /** the target's process as the debug container sees it; null: the pod shares one process
   *  namespace, where PID 1 is the pause process and the target's cannot be told */
  targetPid: number | null;
  /** why the debug container was used */
  reason: string;
  /** what it leaves behind */
  leaves: string;
}

export interface PodIdentity {
  namespace: string;
  name: string;
  container: string;
  node: string | null;
  nodeArch: string | null;
  /** how the facts were collected: kubectl exec into the container, or an ephemeral debug container */
  via: 'exec' | 'debug' | null;
  debug?: DebugInfo;
}

export interface PodResult {
  pod: PodIdentity;
  /** 0, 1, 3 as sbx-detect's checks; 4: an internal error; 5: the pod could not be reached */
  exitCode: ExitCode;
  error?: string;
  report?: Report;
  facts?: Facts;
  verdict?: Verdict;
  expected?: ExpectationCheck | null;
  podSecurity?: PssReport | null;
  declared?: DeclaredComparison | null;
  /** the baseline "privileged" rule, always judged for the summary */
  privileged?: 'yes' | 'no' | '?';
  /** why the pod's spec could not be read for declared ⇄ enforced */
  declaredError?: string;
}

/** Errors of an exec collection that an ephemeral debug container gets around. */
const NEEDS_DEBUG = /no POSIX shell|no place to run the helper/;

/** Text from the target or kubectl, safe for a terminal: no control characters. */
const clean = (s: string) => s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();

const LEAVES = 'an ephemeral container cannot be removed: once run, it stays listed in the pod\'s spec (spec.ephemeralContainers) and status until the pod is deleted';

/** The pod's declared ⇄ enforced comparison (kubectl/runtime-classes.ts `declaredFor`); `ctx` says
 *  what a debug container changes about whose facts these are. */
export type DeclaredFor = (facts: Facts, verdict: Verdict, ctx: CollectionContext) => DeclaredComparison | null;

export async function collectPod(target: PodTarget, nodeArch: string | null, o: CollectOptions, declared?: DeclaredFor): Promise<PodResult> {
  const started = performance.now();
  const pod: PodIdentity = { namespace: target.namespace, name: target.name, container: target.container, node: target.node, nodeArch, via: null };
  let failure: string | null = null;
  if (o.debug !== 'always') {
    const host = remoteHost(execVia(o.kubectl, target.namespace, target.name, target.container), o);
    const r = await host.prefetch(prefetchPass(o.native));
    if (r.ok) return finish({ ...pod, via: 'exec' }, await runPod(host, request(o, o.native, started, declared, {})));
    failure = r.error;
    if (o.helperPath || !NEEDS_DEBUG.test(r.error)) return { pod, exitCode: EXIT.unreachable, error: clean(`kubectl exec: ${r.error}`) };
    if (o.debug === 'never') {
      return {
        pod, exitCode: EXIT.unreachable,
        error: clean(`kubectl exec: ${r.error}; not reachable without a debug container: --debug would add an ephemeral container (image ${o.image}) to the pod to collect it, and ${LEAVES}`),
      };
    }
  }
  const name = `sbx-detect-${randomBytes(4).toString('hex')}`;
  const targetPid = target.sharesProcessNamespace ? null : 1;
  const debug: DebugInfo = {
    container: name, image: o.image, profile: o.profile, targetPid, leaves: LEAVES,
    reason: !failure ? '--debug=always'
      : /no POSIX shell/.test(failure) ? `${target.container} has no POSIX shell`
        : /no place to run the helper/.test(failure) ? clean(`${target.container} has no place where the helper may run: ${failure.replace(/^.*no place to run the helper:\s*/, '')}`)
          : clean(`kubectl exec could not run the helper in ${target.container}: ${failure}`),
  };
  // the target's main process is PID 1 of the namespace the debug container shares; where the pod
  // shares one process namespace PID 1 is the pause process, which classifier/workload.ts refuses
  const workload: WorkloadChoice = targetPid === null ? { pid: 1, given: false } : { pid: targetPid, given: true };
  const native = { ...o.native, workload };
  // an image pull may come first: allow for it beyond the helper's own time
  const host = remoteHost(debugVia(o.kubectl, target.namespace, target.name, target.container, { image: o.image, profile: o.profile, name }), { ...o, native: { ...o.native, timeoutMs: o.native.timeoutMs + 120_000 } });
  const r = await host.prefetch(prefetchPass(native));
  const withDebug = { ...pod, via: 'debug' as const, debug };
  if (!r.ok) return { pod: withDebug, exitCode: EXIT.unreachable, error: clean(`${failure ? `kubectl exec: ${failure}; then ` : ''}kubectl debug: ${r.error}`) };
  const ctx: CollectionContext = { filesystemNotTarget: `collected in the ephemeral debug container ${name}: the service-account token was looked for in its own filesystem, not ${target.container}'s` };
  const out = await runPod(host, { ...request(o, native, started, declared, ctx), elsewhere: { where: `in the ephemeral debug container ${name}` } });
  return finish(withDebug, out);
}

function request(o: CollectOptions, gather: GatherOptions, started: number, declared: DeclaredFor | undefined, ctx: CollectionContext) {
  return {
    gather, expectations: o.expectations, pss: o.pss, declaredDecides: o.strict, version: o.version, started,
    declared: declared && ((f: Facts, v: Verdict) => declared(f, v, ctx)),
  };
}

function remoteHost(via: string[], o: CollectOptions): RemoteHost {
  return createRemoteHost({
    via, label: shellWords(via), helperPath: o.helperPath, timeoutMs: o.native.timeoutMs,
    helperFor: (arch) => helperBytesForArch(arch),
  });
}

function finish(pod: PodIdentity, out: PodOutcome): PodResult {
  // the fleet's "privileged" column: PSS baseline's rule, from the run's own --pss where it was asked
  // (restricted holds every baseline rule)
  const rule = (out.podSecurity ?? checkPodSecurity('baseline', out.facts, out.verdict)).rules.find((r) => r.id === 'privileged');
  return {
    pod, exitCode: out.exitCode, report: out.report, facts: out.facts, verdict: out.verdict,
    expected: out.expected, podSecurity: out.podSecurity, declared: out.declared,
    privileged: rule?.status === 'fail' ? 'yes' : rule?.status === 'pass' ? 'no' : '?',
  };
}
