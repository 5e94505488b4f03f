// Declared versus enforced for `kubectl sbx`: the cluster's RuntimeClasses read once, and each
// pod's own JSON (from the listing) turned into its declaration, compared by the pod pipeline
// with what its report shows (classifier/declared-enforced.ts).
import {
  compareDeclared, type DeclarationInput, declarationFromPod, type HandlerOverride, runtimeClassHandlers,
} from '../classifier/declared-enforced.js';
import type { DeclaredFor } from './collect.js';
import { type Kubectl, kubectlJson } from './kubectl.js';
import type { PodTarget } from './pods.js';

export interface DeclaredOptions extends DeclarationInput {
  overrides: ReadonlyMap<string, HandlerOverride>;
}

/** RuntimeClass name → handler; null with the reason when they may not be read (RBAC: they are
 *  cluster-scoped), and each pod's runtimeClassName is then mapped by its own name. */
export async function readRuntimeClasses(k: Kubectl): Promise<DeclarationInput> {
  const r = await kubectlJson(k, ['get', 'runtimeclasses', '-o', 'json']);
  return r.ok ? { handlers: runtimeClassHandlers(r.value) } : { handlers: null, handlersUnread: r.error };
}

/** The pod's comparison, made once its report is; or why its spec cannot be read. */
export function declaredFor(target: PodTarget, o: DeclaredOptions): { compare?: DeclaredFor; error?: string } {
  if (target.item === undefined) return {};
  const spec = declarationFromPod(target.item, target.container, o);
  if ('error' in spec) return { error: `declared ⇄ enforced: ${spec.error}` };
  return { compare: (facts, verdict, ctx) => compareDeclared(spec, facts, verdict, ctx) };
}
