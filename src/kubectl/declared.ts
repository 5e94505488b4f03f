// Declared versus enforced for `kubectl sbx` (and `sbx-detect --declared`): the cluster's
// RuntimeClasses read once, each pod's own JSON (from the listing) turned into its declaration,
// and the comparison (src/classifier/declared.ts) attached to the pod's result and report.
import { readFileSync, statSync } from 'node:fs';
import {
  compareDeclared, type CollectionContext, type DeclarationInput, declarationFromPod, type DeclaredComparison,
  type HandlerOverride, runtimeClassHandlers,
} from '../classifier/declared.js';
import type { Facts } from '../probes/index.js';
import type { Verdict } from '../classifier/verdict.js';
import type { PodResult } from './collect.js';
import { type Kubectl, kubectlJson } from './kubectl.js';
import type { PodTarget } from './pods.js';

export interface DeclaredOptions extends DeclarationInput {
  overrides: ReadonlyMap<string, HandlerOverride>;
  /** --strict: a mismatch fails the pod (exit 1), an undetermined row leaves it undecided (3) */
  strict: boolean;
}

/** RuntimeClass name → handler; null with the reason when they may not be read (RBAC: they are
 *  cluster-scoped), and each pod's runtimeClassName is then mapped by its own name. */
export async function readRuntimeClasses(k: Kubectl): Promise<DeclarationInput> {
  const r = await kubectlJson(k, ['get', 'runtimeclasses', '-o', 'json']);
  return r.ok ? { handlers: runtimeClassHandlers(r.value) } : { handlers: null, handlersUnread: r.error };
}

/** What the collection path changes about whose facts these are. */
export function contextOf(r: PodResult): CollectionContext {
  const d = r.pod.debug;
  if (!d) return {};
  return {
    filesystemNotTarget: `collected in the ephemeral debug container ${d.container}: the service-account token was looked for in its own filesystem, not ${r.pod.container}'s`,
    profileNotTarget: true,
    ...(d.targetPid === null && { processFactsNotTarget: `collected in the ephemeral debug container ${d.container} of a pod that shares one process namespace: these facts are the debug container's own` }),
  };
}

/** The pod's comparison, put on its result and its report; with --strict, into its exit code. */
export function attachDeclared(r: PodResult, target: PodTarget, o: DeclaredOptions): PodResult {
  if (!r.facts || !r.verdict || !r.report || target.item === undefined) return r;
  const spec = declarationFromPod(target.item, target.container, o);
  if ('error' in spec) {
    r.declaredError = `declared ⇄ enforced: ${spec.error}`;
    return r;
  }
  const c = compareDeclared(spec, r.facts, r.verdict, contextOf(r));
  r.report.declared = c;
  if (o.strict) r.exitCode = worst(r.exitCode, c.exitCode);
  return r;
}

/** 1 wins over 3, 3 over 0 (4 and 5 never carry a report). */
export function worst<T extends number>(a: T, b: 0 | 1 | 3): T | 0 | 1 | 3 {
  return a === 1 || b === 1 ? 1 : a === 3 || b === 3 ? 3 : a;
}

/** `sbx-detect --declared FILE`: a Pod (`kubectl get pod P -o json`), or a List holding one Pod
 *  and any RuntimeClasses (`kubectl get pod P runtimeclass NAME -o json`). Untrusted input:
 *  capped, parsed, every field checked by declarationFromPod. */
export function compareDeclaredFile(path: string, facts: Facts, verdict: Verdict): DeclaredComparison | { error: string } {
  let text: string;
  try {
    if (statSync(path).size > 16 << 20) return { error: 'larger than 16 MiB: not a pod' };
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'not JSON (kubectl get pod POD -o json)' };
  }
  const o = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const items = Array.isArray(o.items) ? (o.items as unknown[]) : null;
  const pods = items ? items.filter((i) => (i as Record<string, unknown>)?.kind === 'Pod') : [doc];
  if (pods.length !== 1) return { error: items ? `a List with ${pods.length} Pods: give one` : 'no Pod' };
  const handlers = items ? runtimeClassHandlers(doc) : null;
  const spec = declarationFromPod(pods[0], undefined, {
    handlers: handlers && handlers.size ? handlers : null,
    handlersUnread: 'no RuntimeClass in the file',
  });
  if ('error' in spec) return spec;
  return compareDeclared(spec, facts, verdict);
}
