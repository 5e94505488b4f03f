// Which pods to audit, from `kubectl get pods -o json` (or one `kubectl get pod POD -o json`),
// and each node's architecture from `kubectl get nodes -o json`. The listing is untrusted-ish
// input from the API server: every field is checked, and a malformed item is skipped by name.
import { chooseContainer } from '../classifier/pod-spec.js';
import { type Kubectl, kubectlJson } from './kubectl.js';

export interface PodTarget {
  namespace: string;
  name: string;
  /** the container audited: -c, else the kubectl.kubernetes.io/default-container annotation,
   *  else the first */
  container: string;
  node: string | null;
  phase: string;
  /** shareProcessNamespace: true — PID 1 is then the pause process, not the container's */
  sharesProcessNamespace: boolean;
  /** the pod's own JSON, as the API gave it: what its spec declares */
  item?: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One pod item of the API's JSON, or why it cannot be audited. */
export function podFromItem(item: unknown, container?: string): PodTarget | { skip: string } {
  const meta = obj(obj(item).metadata);
  const spec = obj(obj(item).spec);
  const name = str(meta.name);
  const namespace = str(meta.namespace) ?? 'default';
  if (!name) return { skip: 'a pod item without a name' };
  const chosen = chooseContainer(item, container);
  if ('missing' in chosen) return { skip: `${namespace}/${name}: ${chosen.missing ? `no container "${chosen.missing}" (it has ${chosen.have.join(', ')})` : 'no containers in its spec'}` };
  return {
    namespace,
    name,
    container: chosen.name,
    node: str(spec.nodeName),
    phase: str(obj(obj(item).status).phase) ?? 'Unknown',
    sharesProcessNamespace: spec.shareProcessNamespace === true,
    item,
  };
}

export interface PodScope { namespace?: string; allNamespaces: boolean; selector?: string }

/** Every pod of the scope; only Running ones are returned as targets. */
export async function listPods(k: Kubectl, scope: PodScope, container?: string): Promise<{ pods: PodTarget[]; skipped: string[] } | { error: string }> {
  const args = ['get', 'pods', ...(scope.allNamespaces ? ['-A'] : scope.namespace ? ['-n', scope.namespace] : []), ...(scope.selector ? ['-l', scope.selector] : []), '-o', 'json'];
  const r = await kubectlJson(k, args);
  if (!r.ok) return { error: `cannot list pods: ${r.error}` };
  const items = obj(r.value).items;
  if (!Array.isArray(items)) return { error: 'cannot list pods: kubectl get pods -o json gave no items list' };
  const pods: PodTarget[] = [];
  const skipped: string[] = [];
  for (const item of items) {
    const p = podFromItem(item, container);
    if ('skip' in p) skipped.push(p.skip);
    else if (p.phase !== 'Running') skipped.push(`${p.namespace}/${p.name}: ${p.phase}, not Running`);
    else pods.push(p);
  }
  return { pods, skipped };
}

/** One named pod (any phase: the exec then says what is wrong). */
export async function getPod(k: Kubectl, name: string, namespace?: string, container?: string): Promise<PodTarget | { error: string }> {
  const r = await kubectlJson(k, ['get', 'pod', name, ...(namespace ? ['-n', namespace] : []), '-o', 'json']);
  if (!r.ok) return { error: `cannot read pod ${namespace ? `${namespace}/` : ''}${name}: ${r.error}` };
  const p = podFromItem(r.value, container);
  return 'skip' in p ? { error: p.skip } : p;
}

/** node name -> architecture (amd64, arm64), or null when nodes may not be read (RBAC: nodes are
 *  cluster-scoped); the report's own uname then stands in. */
export async function nodeArchitectures(k: Kubectl): Promise<Map<string, string> | null> {
  const r = await kubectlJson(k, ['get', 'nodes', '-o', 'json']);
  if (!r.ok) return null;
  const items = obj(r.value).items;
  if (!Array.isArray(items)) return null;
  const map = new Map<string, string>();
  for (const item of items) {
    const name = str(obj(obj(item).metadata).name);
    const arch = str(obj(obj(obj(item).status).nodeInfo).architecture) ?? str(obj(obj(obj(item).metadata).labels)['kubernetes.io/arch']);
    if (name && arch) map.set(name, arch);
  }
  return map;
}
