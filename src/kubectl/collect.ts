// One pod, collected through --via: `kubectl exec -i` into its container; when that container
// has no shell (or no place where the helper may run), an ephemeral debug container started
// with --target=CONTAINER. That one shares the target's process namespace, so the target's
// main process is PID 1 there: status, capabilities, seccomp, namespaces, cgroup and mounts are
// read from /proc/1/… (the remote host's selfPid), while the helper's own probes — CPUID,
// syslog, mmap, the syscall scan — run in the debug container and are labelled as its own.
import { randomBytes } from 'node:crypto';
import { checkExpectations, type Expectation, type ExpectationCheck } from '../classifier/expectations.js';
import { checkPodSecurity, type PssLevel, type PssReport } from '../classifier/pss.js';
import { classify, type Verdict } from '../classifier/verdict.js';
import { type Facts, type FileFacts, gatherFileFacts } from '../probes/index.js';
import { nativePlan, type NativeOptions, probeNative } from '../probes/native.js';
import { probeNamespaces } from '../probes/namespaces.js';
import { probeProcess } from '../probes/process.js';
import { helperBytesForArch } from '../readers/helper-location.js';
import type { Host } from '../readers/host.js';
import { createRemoteHost, type RemoteHost } from '../readers/remote/remote-host.js';
import { buildReport, type Report } from '../render/json.js';
import { debugVia, execVia, type Kubectl, shellWords } from './kubectl.js';
import type { PodTarget } from './pods.js';

export type DebugMode = 'fallback' | 'always' | 'never';

export interface CollectOptions {
  kubectl: Kubectl;
  native: NativeOptions & { timeoutMs: number };
  helperPath?: string;
  debug: DebugMode;
  image: string;
  profile: string;
  expectations: Expectation[];
  pss?: PssLevel;
  version: string;
}

export interface DebugInfo {
  /** the ephemeral container's name and image */
  container: string;
  image: string;
  profile: string;
  /** the target's process as the debug container sees it; null: not remapped (the pod shares
   *  one process namespace, where PID 1 is the pause process) */
  targetPid: number | null;
  /** why the debug container was used */
  reason: string;
  /** the parts of the report that are the debug container's own, not the target's */
  ownFacts: string[];
  /** who the helper ran as in the debug container (its own /proc/thread-self/status): the
   *  syscall plan and its reading are built from these, never from the target's */
  scanAs?: { uid: number | null; capabilities: string[] | null };
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
  exitCode: 0 | 1 | 3 | 4 | 5;
  error?: string;
  report?: Report;
  facts?: Facts;
  verdict?: Verdict;
  expected?: ExpectationCheck | null;
  podSecurity?: PssReport | null;
  /** the baseline "privileged" rule, always judged for the summary */
  privileged?: 'yes' | 'no' | '?';
  /** why the pod's spec could not be read for declared ⇄ enforced (the comparison itself is
   *  report.declared, kubectl/declared.ts) */
  declaredError?: string;
}

/** Errors of an exec collection that an ephemeral debug container gets around. */
const NEEDS_DEBUG = /no POSIX shell|no place to run the helper/;

/** Text from the target or kubectl, safe for a terminal: no control characters. */
const clean = (s: string) => s.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();

export async function collectPod(target: PodTarget, nodeArch: string | null, o: CollectOptions): Promise<PodResult> {
  const started = performance.now();
  const pod: PodIdentity = { namespace: target.namespace, name: target.name, container: target.container, node: target.node, nodeArch, via: null };
  let failure: string | null = null;
  if (o.debug !== 'always') {
    const via = execVia(o.kubectl, target.namespace, target.name, target.container);
    const host = remoteHost(via, o, undefined);
    const r = await host.prefetch((h) => planFor(h, gatherFileFacts(h), o.native));
    if (r.ok) return finish({ ...pod, via: 'exec' }, host, await gather(host, o.native, null), o, started);
    failure = r.error;
    if (o.debug === 'never' || o.helperPath || !NEEDS_DEBUG.test(r.error)) {
      return { pod, exitCode: 5, error: clean(`kubectl exec: ${r.error}`) };
    }
  }
  const name = `sbx-detect-${randomBytes(4).toString('hex')}`;
  const targetPid = target.sharesProcessNamespace ? null : 1;
  const debug: DebugInfo = {
    container: name, image: o.image, profile: o.profile, targetPid,
    reason: !failure ? '--debug'
      : /no POSIX shell/.test(failure) ? `${target.container} has no POSIX shell`
        : /no place to run the helper/.test(failure) ? clean(`${target.container} has no place where the helper may run: ${failure.replace(/^.*no place to run the helper:\s*/, '')}`)
          : clean(`kubectl exec could not run the helper in ${target.container}: ${failure}`),
    ownFacts: [
      'facts.native (CPUID, syslog, mmap, the syscall scan)', 'verdict.seccompProfile (fingerprinted from that scan)', 'facts.markers (its own root filesystem)',
      ...(targetPid === null ? ['facts.process', 'facts.namespaces', 'facts.lsm', 'facts.mounts', 'facts.cgroups (the pod shares one process namespace: PID 1 is the pause process, so nothing was remapped)'] : []),
    ],
  };
  const via = debugVia(o.kubectl, target.namespace, target.name, target.container, { image: o.image, profile: o.profile, name });
  // an image pull may come first: allow for it beyond the helper's own time
  const host = remoteHost(via, { ...o, native: { ...o.native, timeoutMs: o.native.timeoutMs + 120_000 } }, targetPid ?? undefined);
  const r = await host.prefetch((h) => planFor(h, ownPlanFacts(h, gatherFileFacts(h), targetPid), o.native));
  const withDebug = { ...pod, via: 'debug' as const, debug };
  if (!r.ok) return { pod: withDebug, exitCode: 5, error: clean(`${failure ? `kubectl exec: ${failure}; then ` : ''}kubectl debug: ${r.error}`) };
  return finish(withDebug, host, await gather(host, o.native, targetPid), o, started);
}

function remoteHost(via: string[], o: CollectOptions, selfPid: number | undefined): RemoteHost {
  return createRemoteHost({
    via, label: shellWords(via), helperPath: o.helperPath, timeoutMs: o.native.timeoutMs, selfPid,
    helperFor: (arch) => helperBytesForArch(arch),
  });
}

function planFor(h: Host, files: FileFacts, native: NativeOptions): string[] | null {
  return native.helper ? nativePlan(h.uname().machine, files, native).plan : null;
}

/** The helper's own view: /proc/thread-self is never remapped, so it is always the helper. */
function ownView(h: Host): Host {
  const own = (p: string) => (p === '/proc/self' || p.startsWith('/proc/self/') ? `/proc/thread-self${p.slice(10)}` : p);
  return { ...h, readFile: (p, e) => h.readFile(own(p), e), readDir: (p) => h.readDir(own(p)), readLink: (p) => h.readLink(own(p)), stat: (p) => h.stat(own(p)) };
}

/** The facts the syscall plan is built from must be those of the process that probes: the
 *  helper's capabilities and user namespace, never the target's (a call with a side effect is
 *  planned only when the prober lacks the capability that would let it happen). */
function ownPlanFacts(h: Host, files: FileFacts, targetPid: number | null): FileFacts {
  if (targetPid === null) return files;
  const own = ownView(h);
  return { ...files, process: probeProcess(own), namespaces: probeNamespaces(own) };
}

async function gather(host: Host, native: NativeOptions, targetPid: number | null): Promise<{ facts: Facts; own: Facts | null }> {
  const files = gatherFileFacts(host);
  const planFacts = ownPlanFacts(host, files, targetPid);
  const nativeFacts = await probeNative(host, planFacts, native);
  return { facts: { ...files, native: nativeFacts }, own: targetPid === null ? null : { ...planFacts, native: nativeFacts } };
}

function finish(pod: PodIdentity, host: RemoteHost, got: { facts: Facts; own: Facts | null }, o: CollectOptions, started: number): PodResult {
  let facts = got.facts;
  const verdict = classify(facts);
  if (pod.debug) {
    const d = pod.debug;
    const where = `in the ephemeral debug container ${d.container}`;
    // the scan ran in the debug container: its profile is that container's, judged with its caps
    const own = got.own ? classify(got.own).seccompProfile : verdict.seccompProfile;
    if (own) verdict.seccompProfile = { ...own, reason: `of the debug container ${d.container}, where the scan ran: ${own.reason}` };
    facts = { ...facts, native: relabel(facts.native, where) };
    if (d.targetPid !== null) facts = retarget(facts, d.targetPid);
    if (got.own) {
      const { uid, capabilities } = got.own.process;
      d.scanAs = { uid: uid.known ? uid.value.effective : null, capabilities: capabilities.effective.known ? capabilities.effective.value.names : null };
    }
  }
  const expected = o.expectations.length ? checkExpectations(o.expectations, facts, verdict) : null;
  const podSecurity = o.pss ? checkPodSecurity(o.pss, facts, verdict) : null;
  const privilegedRule = checkPodSecurity('baseline', facts, verdict).rules.find((r) => r.id === 'privileged');
  const report = buildReport(facts, verdict, {
    version: o.version, generatedAt: new Date().toISOString(), root: host.root, elapsedMs: Math.round(performance.now() - started),
    collection: host.collection?.(),
  });
  const codes = [expected?.exitCode ?? 0, podSecurity?.exitCode ?? 0];
  return {
    pod, report, facts, verdict, expected, podSecurity,
    exitCode: codes.includes(1) ? 1 : codes.includes(3) ? 3 : 0,
    privileged: privilegedRule?.status === 'fail' ? 'yes' : privilegedRule?.status === 'pass' ? 'no' : '?',
  };
}

/** Every fact source of the helper's own probes says where it ran. */
function relabel(native: Facts['native'], where: string): Facts['native'] {
  const out = {} as Record<string, unknown>;
  for (const [k, f] of Object.entries(native)) out[k] = { ...f, source: `${f.source} (${where})` };
  return out as unknown as Facts['native'];
}

/** Fact sources read through /proc/self/… name the path really read: /proc/PID/…. */
function retarget(facts: Facts, pid: number): Facts {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === 'source' && typeof x === 'string' && x.startsWith('/proc/self') ? `/proc/${pid}${x.slice(10)}` : walk(x);
    }
    return out;
  };
  return { ...(walk({ ...facts, native: undefined }) as Facts), native: facts.native };
}
