// A pod's JSON (`kubectl get pod -o json`), read once for the one choice two places make: which
// container of it is meant. kubectl sbx picks the container to collect from (kubectl/pods.ts);
// declared ⇄ enforced reads that container's spec (declared-enforced.ts). Untrusted input: every
// field is checked, a container without a name is never chosen.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export type ContainerKind = 'container' | 'init' | 'ephemeral';

export interface PodContainer {
  name: string;
  kind: ContainerKind;
  /** the container's own entry of the spec */
  spec: Obj;
}

/** Every named container of the pod: its containers, then its init and ephemeral ones. */
export function podContainers(pod: unknown): PodContainer[] {
  const spec = obj(obj(pod).spec);
  const list = (v: unknown, kind: ContainerKind): PodContainer[] =>
    (Array.isArray(v) ? v : []).map(obj).flatMap((c) => (str(c.name) ? [{ name: str(c.name)!, kind, spec: c }] : []));
  return [...list(spec.containers, 'container'), ...list(spec.initContainers, 'init'), ...list(spec.ephemeralContainers, 'ephemeral')];
}

/**
 * The container meant: the one asked for (any kind: an init container that still runs, a sidecar,
 * an ephemeral one), else the kubectl.kubernetes.io/default-container annotation, else the first
 * of the pod's containers — as kubectl exec chooses. Or why there is none.
 */
export function chooseContainer(pod: unknown, requested?: string): PodContainer | { missing: string | null; have: string[] } {
  const all = podContainers(pod);
  const main = all.filter((c) => c.kind === 'container');
  const annotated = str(obj(obj(obj(pod).metadata).annotations)['kubectl.kubernetes.io/default-container']);
  const name = requested ?? (annotated && main.some((c) => c.name === annotated) ? annotated : main[0]?.name);
  const found = name ? all.find((c) => c.name === name) : undefined;
  return found ?? { missing: name ?? null, have: all.map((c) => c.name) };
}
