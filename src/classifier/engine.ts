// Which engine made the container, and whether Kubernetes runs it. Mount sources come first:
// under a private cgroup-v2 namespace /proc/self/cgroup is only "0::/" (signals.md §0.7).
import type { Facts } from '../probes/index.js';
import { envContainer, mountEntries } from './evidence.js';
import { type ConfidenceLabel, confidence, type Evidence, scoreSignals } from './score.js';
import type { Signal } from './sandbox-signals.js';

export type Engine = 'docker' | 'podman' | 'containerd' | 'cri-o';

/** Mount-source patterns carrying the engine and the id (Datadog agent-style). */
export const ENGINE_MOUNT_PATTERNS: readonly { engine: Engine | 'podman-or-cri-o'; re: RegExp; idKind: string }[] = [
  { engine: 'docker', re: /\/docker\/containers\/([0-9a-f]{64})\//, idKind: 'container' },
  // Docker-in-Docker: the inner daemon's data root is a Docker volume (docker:dind declares
  // VOLUME /var/lib/docker), so its container files sit under …/volumes/<vol>/_data/containers/
  // (the outer daemon's data root may be anywhere: --data-root)
  { engine: 'docker', re: /\/volumes\/[^/]+\/_data\/containers\/([0-9a-f]{64})\//, idKind: 'container' },
  { engine: 'containerd', re: /\/io\.containerd\.grpc\.v1\.cri\/sandboxes\/([0-9a-f]{64})\//, idKind: 'sandbox' },
  // rootful: /var/lib|run/containers/storage/overlay-containers; rootless: $XDG_RUNTIME_DIR/containers/overlay-containers
  { engine: 'podman-or-cri-o', re: /\/overlay-containers\/([0-9a-f]{64})\/userdata\//, idKind: 'container' },
];

/** cgroup scope names per engine (signals.md §4.4–4.6). */
export const ENGINE_CGROUP_PATTERNS: readonly { engine: Engine; re: RegExp }[] = [
  { engine: 'docker', re: /(?:\/docker\/|docker-)([0-9a-f]{64})(?:\.scope)?/ },
  { engine: 'podman', re: /libpod-(?:conmon-)?([0-9a-f]{64})/ },
  { engine: 'cri-o', re: /crio-(?:conmon-)?([0-9a-f]{64})/ },
  { engine: 'containerd', re: /cri-containerd-([0-9a-f]{64})/ },
];

/** The kubelet's cgroupfs-driver layout names the container but not the runtime (signals.md §4.7). */
const KUBEPODS_CONTAINER = /\/kubepods(?:\/[a-z]+)?\/pod[0-9a-f-]{36}\/([0-9a-f]{64})$/;

type MountMatch = { engine: Engine | 'podman-or-cri-o'; id: string; idKind: string; where: string } | null;

/** Every engine row asks the same question of the whole mount table: answer it once per facts. */
const mountMatches = new WeakMap<Facts, MountMatch>();
function mountMatch(f: Facts): MountMatch {
  if (!mountMatches.has(f)) mountMatches.set(f, findMountMatch(f));
  return mountMatches.get(f)!;
}

function findMountMatch(f: Facts): MountMatch {
  for (const e of mountEntries(f)) {
    for (const p of ENGINE_MOUNT_PATTERNS) {
      const m = p.re.exec(e.root + '/') ?? p.re.exec(e.source + '/');
      if (m) return { engine: p.engine, id: m[1], idKind: p.idKind, where: `${e.mountPoint} from ${e.root}` };
    }
  }
  return null;
}

function cgroupMatch(f: Facts): { engine: Engine; id: string; path: string } | null {
  const paths = f.cgroups.lines.known ? f.cgroups.lines.value.map((l) => l.path) : [];
  for (const path of paths) for (const p of ENGINE_CGROUP_PATTERNS) {
    const m = p.re.exec(path);
    if (m) return { engine: p.engine, id: m[1], path };
  }
  return null;
}

/** /etc/hostname, /etc/hosts and /etc/resolv.conf each a mount of its own: an engine bind-mounted
 *  them from its container directory (Docker, Podman, the CRI). Under gVisor every source reads
 *  "none" (gofer mounts), so the layout is what is left of the engine's hand (observed here under
 *  Docker 20.10 with runsc 20221219). */
function engineFileLayout(f: Facts): string | null {
  const points = new Set(mountEntries(f).map((e) => e.mountPoint));
  const files = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'];
  return files.every((p) => points.has(p)) ? `${files.join(', ')} each mounted on its own` : null;
}

/** Docker's and Podman's default hostname: the container id's first 12 hex digits
 *  (the UTS hostname, read once by probes/kubernetes.ts). */
const shortIdHostname = (f: Facts): string | null =>
  f.kubernetes.hostname.known && /^[0-9a-f]{12}$/.test(f.kubernetes.hostname.value) ? f.kubernetes.hostname.value : null;

const dockerenvOnly = (f: Facts) => f.markers.dockerenv.known && f.markers.dockerenv.value && !f.markers.containerenv.known;
const containerenvOnly = (f: Facts) => f.markers.containerenv.known && !(f.markers.dockerenv.known && f.markers.dockerenv.value);

const containerenvEngine = (f: Facts) => (f.markers.containerenv.known ? f.markers.containerenv.value?.engine ?? null : null);

/** A file mounted at /dev/termination-log: the kubelet mounts one into every container at its
 *  terminationMessagePath, /dev/termination-log unless the spec says otherwise (kubernetes
 *  pkg/kubelet/kuberuntime/kuberuntime_container.go makeMounts; core/v1 defaults). Only its mount
 *  point counts, so it is seen under gVisor too, where every mount source reads "none". */
export const TERMINATION_LOG = '/dev/termination-log';
const terminationLogMounted = (f: Facts) => mountEntries(f).some((e) => e.mountPoint === TERMINATION_LOG);

export const KUBERNETES_EVIDENCE = (f: Facts) =>
  (f.kubernetes.hostsHeader.known && f.kubernetes.hostsHeader.value.startsWith('# Kubernetes-managed hosts file')) ||
  (f.kubernetes.serviceHost.known && f.kubernetes.serviceHost.value !== null) || f.kubernetes.podUid.known || terminationLogMounted(f);

export const ENGINE_SIGNALS: readonly Signal<Engine>[] = [
  ...(['docker', 'containerd'] as const).map((engine): Signal<Engine> => ({
    id: `${engine}-mount-source`, indicates: engine, weight: 5, source: '/proc/self/mountinfo',
    pattern: `files bind-mounted from ${engine}'s container directory`, reference: 'signals.md §4.5, §4.6',
    match: (f) => (mountMatch(f)?.engine === engine ? mountMatch(f)!.where : null),
  })),
  {
    id: 'cri-o-mount-source', indicates: 'cri-o', weight: 3, source: '/proc/self/mountinfo',
    pattern: 'containers/storage userdata mounts in a Kubernetes pod', reference: 'signals.md §4.6 (CRI-O)',
    match: (f) => (mountMatch(f)?.engine === 'podman-or-cri-o' && KUBERNETES_EVIDENCE(f) ? mountMatch(f)!.where : null),
  },
  {
    id: 'podman-mount-source', indicates: 'podman', weight: 3, source: '/proc/self/mountinfo',
    pattern: 'containers/storage userdata mounts outside Kubernetes', reference: 'signals.md §4.4',
    match: (f) => (mountMatch(f)?.engine === 'podman-or-cri-o' && !KUBERNETES_EVIDENCE(f) ? mountMatch(f)!.where : null),
  },
  ...(['docker', 'podman', 'cri-o', 'containerd'] as const).map((engine): Signal<Engine> => ({
    id: `${engine}-cgroup`, indicates: engine, weight: 4, source: '/proc/self/cgroup',
    pattern: `${engine} cgroup scope`, reference: 'signals.md §4.4–4.6',
    match: (f) => (cgroupMatch(f)?.engine === engine ? cgroupMatch(f)!.path : null),
  })),
  {
    id: 'podman-containerenv', indicates: 'podman', weight: 4, source: '/run/.containerenv',
    pattern: 'engine="podman-…"', reference: 'containers/podman podman-run(1)',
    match: (f) => (/^podman/.test(containerenvEngine(f) ?? '') ? `engine=${containerenvEngine(f)}` : null),
  },
  {
    id: 'containerenv-file', indicates: 'podman', weight: 1, source: '/run/.containerenv',
    pattern: 'file exists (Podman; CRI-O also creates it since 2021)', reference: 'cri-o PR #5463',
    match: (f) => (f.markers.containerenv.known ? '/run/.containerenv' : null),
  },
  {
    id: 'containerenv-under-kubernetes', indicates: 'cri-o', weight: 2, source: '/run/.containerenv',
    pattern: 'file exists in a Kubernetes pod (CRI-O creates it)', reference: 'cri-o PR #5463',
    match: (f) => (f.markers.containerenv.known && KUBERNETES_EVIDENCE(f) ? '/run/.containerenv in a pod' : null),
  },
  {
    id: 'dockerenv-file', indicates: 'docker', weight: 1, source: '/.dockerenv',
    pattern: 'file exists (weak: images carry it)', reference: 'systemd src/basic/virt.c',
    match: (f) => (f.markers.dockerenv.known && f.markers.dockerenv.value ? '/.dockerenv' : null),
  },
  {
    id: 'docker-file-layout', indicates: 'docker', weight: 2, source: '/proc/self/mountinfo, /.dockerenv',
    pattern: "/.dockerenv (and no /run/.containerenv) with /etc/hostname, /etc/hosts and /etc/resolv.conf each mounted on its own: Docker's layout, visible even where mount sources are hidden (gVisor)",
    reference: 'moby daemon/container_operations_unix.go (hostname, hosts, resolv.conf bind mounts), daemon/initlayer (/.dockerenv); observed here under Docker 20.10 with runsc 20221219',
    match: (f) => (dockerenvOnly(f) && !KUBERNETES_EVIDENCE(f) ? engineFileLayout(f) : null),
  },
  {
    id: 'podman-file-layout', indicates: 'podman', weight: 2, source: '/proc/self/mountinfo, /run/.containerenv',
    pattern: "/run/.containerenv (and no /.dockerenv) outside Kubernetes, with /etc/hostname, /etc/hosts and /etc/resolv.conf each mounted on its own: Podman's layout, visible even where mount sources are hidden (gVisor)",
    reference: 'containers/podman libpod/container_internal_linux.go (hostname, hosts, resolv.conf, .containerenv)',
    match: (f) => (containerenvOnly(f) && !KUBERNETES_EVIDENCE(f) ? engineFileLayout(f) : null),
  },
  {
    id: 'containerd-cri-file-layout', indicates: 'containerd', weight: 3, source: '/proc/self/mountinfo, /.dockerenv, /run/.containerenv',
    pattern: "in a Kubernetes pod, /etc/hostname, /etc/hosts and /etc/resolv.conf each mounted on its own, and neither /.dockerenv nor /run/.containerenv: the CRI's layout without CRI-O's marker (CRI-O creates /run/.containerenv) or Docker's (cri-dockerd's containers have /.dockerenv) — what is left of containerd where mount sources are hidden (gVisor)",
    reference: 'containerd pkg/cri (sandbox hostname, hosts, resolv.conf bind mounts; no marker file); cri-o PR #5463; observed here under containerd 1.7.24 with runsc 20240729 (test/matrix/cri-cases.ts)',
    match: (f) => (KUBERNETES_EVIDENCE(f) && !f.markers.containerenv.known && !(f.markers.dockerenv.known && f.markers.dockerenv.value) ? engineFileLayout(f) : null),
  },
  ...([['docker', dockerenvOnly], ['podman', containerenvOnly]] as const).map(([engine, marker]): Signal<Engine> => ({
    id: `${engine}-short-id-hostname`, indicates: engine, weight: 1, source: '/proc/sys/kernel/hostname',
    pattern: `hostname of 12 hex digits (the default: the container id's first 12) beside ${engine === 'docker' ? '/.dockerenv' : '/run/.containerenv'}`,
    reference: engine === 'docker' ? 'moby daemon/create.go (hostname defaults to the short id); ctrsploit env/where' : 'containers/podman pkg/specgen (hostname defaults to the short id)',
    match: (f) => (marker(f) && !KUBERNETES_EVIDENCE(f) ? shortIdHostname(f) : null),
  })),
  ...([['docker', 'docker'], ['podman', 'podman'], ['crio', 'cri-o']] as const).map(([value, engine]): Signal<Engine> => ({
    id: `${engine}-env`, indicates: engine, weight: 3, source: 'env container',
    pattern: `container=${value}`, reference: 'virt-what; systemd src/basic/virt.c',
    match: (f) => (envContainer(f) === value ? `container=${value}` : null),
  })),
];

export interface EngineVerdict {
  engine: Engine | 'unknown';
  /** the winner's score and how sure that makes it (markers and layout alone, as under gVisor,
   *  give medium at best; a mount source or cgroup path naming the engine gives high) */
  score: number;
  confidenceLabel: ConfidenceLabel;
  containerId: string | null;
  idKind: string | null;
  evidence: Evidence[];
}

export function classifyEngine(f: Facts): EngineVerdict {
  const scored = scoreSignals(ENGINE_SIGNALS, f);
  const top = scored.ranking[0];
  const engine = top && top.score >= 3 ? top.candidate : 'unknown';
  const mm = mountMatch(f), cm = cgroupMatch(f);
  // a cgroup path names the container itself; mount sources may only name the pod sandbox
  const kubepodsId = f.cgroups.lines.known ? f.cgroups.lines.value.map((l) => KUBEPODS_CONTAINER.exec(l.path)?.[1]).find(Boolean) : undefined;
  const cgroupId = cm?.id ?? kubepodsId ?? null;
  const conf = engine === 'unknown' ? { label: 'low' as const } : confidence(top!.score, scored.ranking[1]?.score ?? 0);
  return {
    engine,
    score: engine === 'unknown' ? 0 : top!.score,
    confidenceLabel: conf.label,
    containerId: cgroupId ?? mm?.id ?? null,
    idKind: cgroupId ? 'container' : mm?.idKind ?? null,
    evidence: scored.evidence.filter((e) => e.indicates === engine || engine === 'unknown'),
  };
}

export interface KubernetesVerdict {
  pod: boolean;
  namespace: string | null;
  podUid: string | null;
  serviceAccountToken: boolean | null;
  evidence: string[];
}

export function classifyKubernetes(f: Facts): KubernetesVerdict {
  const k = f.kubernetes;
  const evidence: string[] = [];
  if (k.serviceHost.known && k.serviceHost.value !== null) evidence.push(`KUBERNETES_SERVICE_HOST=${k.serviceHost.value}`);
  if (k.hostsHeader.known && k.hostsHeader.value.startsWith('# Kubernetes-managed hosts file')) evidence.push('/etc/hosts written by the kubelet');
  if (k.podUid.known) evidence.push(`kubelet pod ${k.podUid.value} in mountinfo`);
  if (k.tokenMounted.known && k.tokenMounted.value) evidence.push('service-account token mounted');
  if (k.namespace.known) evidence.push(`service-account namespace ${k.namespace.value}`);
  const kubepods = f.cgroups.lines.known && f.cgroups.lines.value.some((l) => /kubepods/.test(l.path));
  if (kubepods) evidence.push('kubepods cgroup');
  if (terminationLogMounted(f)) evidence.push(`${TERMINATION_LOG} mounted (the kubelet's termination message file)`);
  return {
    // the token alone can be mounted by hand; any kubelet-written signal settles it
    pod: evidence.length >= 2 || KUBERNETES_EVIDENCE(f) || kubepods,
    namespace: k.namespace.known ? k.namespace.value : null,
    podUid: k.podUid.known ? k.podUid.value : null,
    serviceAccountToken: k.tokenMounted.known ? k.tokenMounted.value : null,
    evidence,
  };
}
