// Real Kubernetes pods without a kubelet: below a kubelet a pod is a set of CRI calls, so this
// harness starts its own containerd 1.7 (trixie's, unpacked under /opt/containerd17 by
// scripts/setup-runtimes.sh) with its own config, root, state and socket — never Docker's
// containerd, never /run/cri-try — and makes pods as a kubelet would: RunPodSandbox with the
// RuntimeClass handler (runc, or runsc 20240729 through the runc v2 shim and
// cri-runsc-wrapper.sh), CreateContainer and StartContainer with the uid, capabilities,
// read-only root, no_new_privs and seccomp profile (RuntimeDefault or Unconfined) of a
// securityContext, the kubernetes Service's KUBERNETES_SERVICE_* environment, a service-account
// token mount, /dev/termination-log, the kubelet's /etc/hosts, a kubepods cgroup parent (cgroupfs
// driver layout) and a shared or private PID namespace. Everything it started is torn down by
// stop(): pods, shims, sandboxes, containerd, mounts, cgroups and files.
//
// What this machine needs (lab notes; ../shared/reference/cri-lab): host-network pods only (no
// CNI), with an empty hostname as a kubelet leaves it for them (runc: "unable to set hostname
// without a private UTS namespace"); restrict_oom_score_adj = true (root lacks CAP_SYS_RESOURCE,
// so the sandbox's oom_score_adj -998 is refused); the shim of containerd 1.7 first on PATH (the
// host's /usr/bin/containerd-shim-runc-v2 is docker.io's 1.6).
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { criConnect, parseCriLog, type CriConnection } from './cri-client.mjs';
import { DEFAULT_PATH, DEFAULT_PROJECT_DIR, run } from './common.js';
import { RUNSC_2024 } from './runsc.js';
import type { RunResult } from './types.js';

const CONTAINERD17 = '/opt/containerd17/usr/bin';
const PAUSE_IMAGE = 'localhost/pause:static';
// not __dirname: the matrix script bundles this file elsewhere (scripts/bundle-test-entry.mjs)
const HERE = join(DEFAULT_PROJECT_DIR, 'test/runtimes');

/** containerd's default capabilities for a container (containerd pkg/oci/spec.go
 *  populateDefaultUnixSpec, defaultUnixCaps: the same 14 as Docker's). */
export const CONTAINERD_DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
] as const;

/** The kubernetes Service in the default namespace, as a kubelet puts it in every container's
 *  environment (pkg/kubelet/kubelet_pods.go getServiceEnvVarMap: master services are always
 *  included, enableServiceLinks or not). The address is the usual default service CIDR's first. */
export const KUBERNETES_SERVICE_ENV: Record<string, string> = {
  KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
  KUBERNETES_PORT: 'tcp://10.96.0.1:443', KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443', KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
  KUBERNETES_PORT_443_TCP_PORT: '443', KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
};
/** What a kubelet masks and makes read-only in every unprivileged container with the Default
 *  procMount: it always sends these lists, and containerd applies the lists it is given
 *  (kubernetes pkg/securitycontext/util.go defaultMaskedPaths, defaultReadonlyPaths, 1.31–1.33). */
const KUBELET_MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap'];
const KUBELET_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface CriContainerSpec {
  name: string;
  image: string;
  /** the image's entrypoint is replaced by command, as in a pod spec */
  command?: string[];
  args?: string[];
  runAsUser?: number;
  runAsGroup?: number;
  /** names without CAP_, as in a pod spec; drop: ['ALL'] drops every default */
  capabilities?: { add?: string[]; drop?: string[] };
  readOnlyRootFilesystem?: boolean;
  /** false sets no_new_privs (kubelet: AllowPrivilegeEscalation false) */
  allowPrivilegeEscalation?: boolean;
  /** default Unconfined: a kubelet without --seccomp-default sends that for an unset profile */
  seccompProfile?: 'RuntimeDefault' | 'Unconfined';
  env?: Record<string, string>;
  /** an emptyDir (a host directory, as the kubelet's default medium) at each path */
  emptyDirs?: string[];
  stdin?: boolean;
  /** an ephemeral (debug) container: its PID namespace is the target container's */
  targetContainer?: string;
}

export interface CriPodSpec {
  name: string;
  namespace: string;
  /** the RuntimeClass handler */
  handler: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** shareProcessNamespace: one PID namespace for the pod (pause is PID 1) */
  shareProcessNamespace?: boolean;
  /** what a kubelet adds to every container: the Service env, /dev/termination-log, its
   *  /etc/hosts, and the service-account token (default true) */
  kubelet?: boolean;
  /** default true (only where kubelet is) */
  automountServiceAccountToken?: boolean;
  containers: CriContainerSpec[];
}

export interface CriPod {
  spec: CriPodSpec;
  uid: string;
  podId: string;
  /** container name → id */
  containers: Record<string, string>;
  dir: string;
}

export interface ImageConfig { entrypoint?: string[]; cmd?: string[]; user?: string; env?: string[] }

export interface CriLab {
  socket: string;
  work: string;
  state: string;
  /** the containerd config file this harness wrote (sbx-detect node reads it from containerd's command line) */
  config: string;
  /** containerd's pid */
  pid: number;
  /** ctr with this instance's address and the k8s.io namespace */
  ctr: string[];
  cri: CriConnection;
  /** the cgroup parent of every pod (cgroupfs driver: /kubepods/besteffort/pod<uid>) */
  cgroupParent(uid: string): string;
  importImage(name: string, root: string, config: ImageConfig): Promise<void>;
  runPod(spec: CriPodSpec): Promise<CriPod>;
  /** a container added to a running pod's sandbox (kubectl debug's ephemeral container) */
  addContainer(pod: CriPod, c: CriContainerSpec): Promise<string>;
  /** waits until the container has exited; its exit code */
  waitExit(containerId: string, timeoutMs: number): Promise<number>;
  /** the container's CRI log, by stream */
  logs(pod: CriPod, container: string): { stdout: string; stderr: string };
  /** `ctr task exec` into the container: the argv before the command (a --via channel) */
  execArgv(containerId: string): string[];
  exec(containerId: string, argv: string[], stdin?: string): Promise<RunResult>;
  removePod(pod: CriPod): Promise<void>;
  stop(): Promise<void>;
}

/** Why the harness cannot start here, or null. */
export function criStaticCheck(): string | null {
  if (process.getuid?.() !== 0) return 'CRI pods need root';
  for (const f of [`${CONTAINERD17}/containerd`, `${CONTAINERD17}/ctr`, `${CONTAINERD17}/containerd-shim-runc-v2`, RUNSC_2024,
    '/opt/cri-proto/usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto']) {
    if (!existsSync(f)) return `${f} is missing (scripts/setup-runtimes.sh unpacks it from trixie)`;
  }
  for (const [f, pkg] of [['/usr/sbin/runc', 'runc'], ['/usr/bin/musl-gcc', 'musl-tools']]) if (!existsSync(f)) return `${f} is missing (apt-get install ${pkg})`;
  return null;
}

const q = (s: string) => JSON.stringify(s);

function configToml(work: string, state: string, runscWrapper: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const rt = `${cri}.containerd.runtimes`;
  return `# written by sbx-detect's CRI test harness (test/runtimes/cri.ts); removed with it
version = 2
root = ${q(join(work, 'root'))}
state = ${q(state)}
plugin_dir = ""
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(join(state, 'containerd.sock'))}
[ttrpc]
  address = ${q(join(state, 'containerd.sock.ttrpc'))}
[debug]
  level = "info"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(join(work, 'opt'))}
[${cri}]
  sandbox_image = ${q(PAUSE_IMAGE)}
  disable_apparmor = true
  # root here lacks CAP_SYS_RESOURCE: the sandbox's oom_score_adj -998 would be refused
  restrict_oom_score_adj = true
  enable_cdi = false
  stream_server_address = "127.0.0.1"
  [${cri}.cni]
    bin_dir = ${q(join(work, 'cni/bin'))}
    conf_dir = ${q(join(work, 'cni/net.d'))}
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${rt}.runc]
      runtime_type = "io.containerd.runc.v2"
      [${rt}.runc.options]
        BinaryName = "/usr/sbin/runc"
        Root = ${q(join(state, 'runc'))}
        SystemdCgroup = false
    # gVisor as Debian allows it: the runc v2 shim with runsc (20240729) behind a wrapper as BinaryName
    [${rt}.runsc]
      runtime_type = "io.containerd.runc.v2"
      [${rt}.runsc.options]
        BinaryName = ${q(runscWrapper)}
        Root = ${q(join(state, 'runsc'))}
        SystemdCgroup = false
    # gVisor as its documentation writes it (g3doc/user_guide/containerd/quick_start.md): the runsc
    # shim, which Debian does not ship — registered, never used for a pod here
    [${rt}.runsc-shim]
      runtime_type = "io.containerd.runsc.v1"
`;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** An OCI image layout tarball of `root` as one layer, named `name` (ctr images import reads
 *  the io.containerd.image.name annotation). */
function ociImageTar(work: string, name: string, root: string, config: ImageConfig): string {
  const dir = mkdtempSync(join(work, 'img-'));
  const blobs = join(dir, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  const layer = join(dir, 'layer.tar');
  execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', layer, '.']);
  const lsum = sha256(layer);
  const lsize = statSync(layer).size;
  execFileSync('mv', [layer, join(blobs, lsum)]);
  const put = (obj: object) => {
    const text = JSON.stringify(obj);
    const d = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(blobs, d), text);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(text) };
  };
  const cfg = put({
    architecture: 'amd64', os: 'linux',
    config: { Entrypoint: config.entrypoint, Cmd: config.cmd, User: config.user, Env: config.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${lsum}`] },
  });
  const manifest = put({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${lsum}`, size: lsize }],
  });
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'io.containerd.image.name': name }, platform: { architecture: 'amd64', os: 'linux' } }],
  }));
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const tar = `${dir}.tar`;
  execFileSync('tar', ['-C', dir, '-cf', tar, 'oci-layout', 'index.json', 'blobs']);
  rmSync(dir, { recursive: true, force: true });
  return tar;
}

/** Every process whose command line names `marker` (this harness's private state directory):
 *  the shims, runsc sandboxes and gofers it started, and nothing else. */
function processesNaming(marker: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(marker)) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The kubelet's /etc/hosts for a host-network pod: the node's, under its header
 *  (pkg/kubelet/kubelet_pods.go ensureHostsFile, nodeHostsFileContent). */
function kubeletHostsFile(): string {
  return `# Kubernetes-managed hosts file (host network).\n${readFileSync('/etc/hosts', 'utf8')}`;
}

const CAP_LIST = (xs: string[] | undefined) => (xs ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));

/** The cgroup directories a pod's parent made in every hierarchy, deepest first. */
function cgroupDirsOf(rel: string): string[] {
  const base = '/sys/fs/cgroup';
  const hierarchies = [base, ...readdirSync(base).map((h) => join(base, h))].filter((h) => existsSync(join(h, rel)));
  return hierarchies.map((h) => join(h, rel));
}
function rmdirTree(dir: string): void {
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmdirTree(join(dir, e.name));
    rmdirSync(dir);
  } catch { /* busy or gone: reported by the caller's check */ }
}

function rmdirQuiet(dir: string): void {
  try {
    rmdirSync(dir);
  } catch { /* not empty: another lab's pods are there */ }
}

let seq = 0;
const LIVE = new Set<number>();
process.once('exit', () => {
  for (const pid of LIVE) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
  }
});

/** Starts containerd 1.7 with the CRI, the pause image imported. Resolves the lab, or why it cannot start. */
export async function startCri(): Promise<CriLab | string> {
  const why = criStaticCheck();
  if (why) return why;
  const work = mkdtempSync('/var/tmp/sbx-cri-');
  chmodSync(work, 0o711);
  // the socket path must stay short (108 bytes): a private directory under /run
  const state = `/run/sbx-cri-${process.pid}-${randomBytes(3).toString('hex')}`;
  mkdirSync(state, { mode: 0o711 });
  for (const d of ['bin', 'pods', 'cni/bin', 'cni/net.d', 'opt']) mkdirSync(join(work, d), { recursive: true });
  const wrapperLog = join(work, 'runsc-wrapper.log');
  writeFileSync(wrapperLog, '');
  const wrapper = join(work, 'bin/runsc');
  writeFileSync(wrapper, readFileSync(join(HERE, 'cri-runsc-wrapper.sh'), 'utf8')
    .replace('@RUNSC@', RUNSC_2024).replace('@STATE@', join(state, 'runsc-wrapper')).replace('@LOG@', wrapperLog));
  chmodSync(wrapper, 0o755);
  const config = join(work, 'config.toml');
  writeFileSync(config, configToml(work, state, wrapper));
  const socket = join(state, 'containerd.sock');
  const logFile = join(work, 'containerd.log');
  const logFd = openSync(logFile, 'a');
  // stdin a pipe (never the host's /dev/null); the 1.7 shim first on PATH
  const child = spawn(`${CONTAINERD17}/containerd`, ['--config', config], {
    stdio: ['pipe', logFd, logFd], detached: true, env: { PATH: `${CONTAINERD17}:${DEFAULT_PATH}`, LANG: 'C.UTF-8' },
  });
  closeSync(logFd);
  child.unref();
  const pid = child.pid!;
  LIVE.add(pid);
  const ctr = [`${CONTAINERD17}/ctr`, '--address', socket, '-n', 'k8s.io'];
  const cri = criConnect(socket);
  const pods: CriPod[] = [];
  const cgroupRoots = new Set<string>();

  const stopAll = async () => {
    for (const p of [...pods]) await removePod(p).catch(() => {});
    try {
      process.kill(pid, 'SIGTERM');
    } catch { /* gone */ }
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    LIVE.delete(pid);
    cri.close();
    // whatever outlived its pod: shims, sandboxes, gofers, waiters of this instance only
    for (const p of processesNaming(state)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch { /* gone */ }
    }
    await sleep(300);
    execFileSync('sh', ['-c', `grep -oE ' (${work}|${state})/[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>>${wrapperLog}; true`]);
    for (const rel of cgroupRoots) for (const d of cgroupDirsOf(rel)) rmdirTree(d);
    // the shared parents go when empty: labs run side by side (vitest runs files in parallel), so
    // whichever stops last removes them; rmdir never removes a cgroup that still holds one
    for (const rel of ['kubepods/besteffort', 'kubepods']) for (const d of cgroupDirsOf(rel)) rmdirQuiet(d);
    rmSync(state, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  };

  const up = await (async () => {
    for (let i = 0; i < 150; i++) {
      if (!alive(pid)) return false;
      try {
        await cri.call('Version', { version: 'v1' }, 2000);
        return true;
      } catch { await sleep(200); }
    }
    return false;
  })();
  if (!up) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-800) : '';
    await stopAll();
    return `containerd 1.7 did not answer on its CRI socket within 30 s: ${log}`;
  }

  const ctrRun = async (args: string[], stdin?: Buffer | string) => {
    const r = await run([...ctr, ...args], { timeoutMs: 180_000, stdin });
    if (r.code !== 0) throw new Error(`ctr ${args.slice(0, 3).join(' ')} failed: ${r.stderr}`);
    return r;
  };
  const importImage = async (name: string, root: string, cfg: ImageConfig) => {
    const tar = ociImageTar(work, name, root, cfg);
    try {
      await ctrRun(['images', 'import', tar]);
    } finally {
      rmSync(tar, { force: true });
    }
  };

  const cgroupParent = (uid: string) => `/kubepods/besteffort/pod${uid}`;

  function containerConfig(pod: CriPodSpec, dir: string, c: CriContainerSpec, ns: object, targetId?: string) {
    const kubelet = pod.kubelet !== false;
    const envs = { ...(kubelet ? KUBERNETES_SERVICE_ENV : {}), ...(c.env ?? {}) };
    const mounts: object[] = [];
    if (kubelet) {
      const term = join(dir, `${c.name}-termination-log`);
      writeFileSync(term, '');
      mounts.push({ container_path: '/dev/termination-log', host_path: term, readonly: false });
      mounts.push({ container_path: '/etc/hosts', host_path: join(dir, 'etc-hosts'), readonly: false });
      if (pod.automountServiceAccountToken !== false) mounts.push({ container_path: SERVICE_ACCOUNT_PATH, host_path: join(dir, 'serviceaccount'), readonly: true });
    }
    for (const [i, path] of (c.emptyDirs ?? []).entries()) {
      const d = join(dir, `${c.name}-empty-${i}`);
      mkdirSync(d, { recursive: true, mode: 0o777 });
      chmodSync(d, 0o1777);
      mounts.push({ container_path: path, host_path: d, readonly: false });
    }
    return {
      metadata: { name: c.name, attempt: 0 },
      image: { image: c.image },
      command: c.command ?? [],
      args: c.args ?? [],
      working_dir: '',
      envs: Object.entries(envs).map(([key, value]) => ({ key, value })),
      mounts,
      labels: {
        'io.kubernetes.container.name': c.name, 'io.kubernetes.pod.name': pod.name, 'io.kubernetes.pod.namespace': pod.namespace,
      },
      annotations: { 'io.kubernetes.container.terminationMessagePath': '/dev/termination-log' },
      log_path: `${c.name}/0.log`,
      stdin: c.stdin ?? false,
      linux: {
        resources: {},
        security_context: {
          capabilities: { add_capabilities: CAP_LIST(c.capabilities?.add), drop_capabilities: CAP_LIST(c.capabilities?.drop) },
          namespace_options: targetId ? { ...ns, pid: 'TARGET', target_id: targetId } : ns,
          ...(c.runAsUser !== undefined && { run_as_user: { value: String(c.runAsUser) } }),
          ...(c.runAsGroup !== undefined && { run_as_group: { value: String(c.runAsGroup) } }),
          readonly_rootfs: c.readOnlyRootFilesystem ?? false,
          no_new_privs: c.allowPrivilegeEscalation === false,
          seccomp: { profile_type: c.seccompProfile === 'RuntimeDefault' ? 'RuntimeDefault' : 'Unconfined' },
          masked_paths: KUBELET_MASKED_PATHS,
          readonly_paths: KUBELET_READONLY_PATHS,
        },
      },
    };
  }

  const sandboxConfigs = new Map<string, object>();
  function sandboxConfig(spec: CriPodSpec, uid: string, dir: string, ns: object) {
    return {
      metadata: { name: spec.name, uid, namespace: spec.namespace, attempt: 0 },
      // a kubelet leaves the hostname empty for a host-network pod
      hostname: '',
      log_directory: dir,
      dns_config: { servers: ['10.96.0.10'], searches: [`${spec.namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
      labels: { ...(spec.labels ?? {}), 'io.kubernetes.pod.name': spec.name, 'io.kubernetes.pod.namespace': spec.namespace, 'io.kubernetes.pod.uid': uid },
      annotations: spec.annotations ?? {},
      linux: { cgroup_parent: cgroupParent(uid), security_context: { namespace_options: ns } },
    };
  }

  async function startContainer(pod: CriPod, c: CriContainerSpec, targetId?: string): Promise<string> {
    const ns = { network: 'NODE', pid: pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER', ipc: 'POD' };
    const created = await pod_call('CreateContainer', {
      pod_sandbox_id: pod.podId, config: containerConfig(pod.spec, pod.dir, c, ns, targetId), sandbox_config: sandboxConfigs.get(pod.podId),
    });
    await pod_call('StartContainer', { container_id: created.container_id });
    pod.containers[c.name] = created.container_id;
    return created.container_id;
  }
  const pod_call = (m: string, req: object) => cri.call(m, req, 120_000);

  async function runPod(spec: CriPodSpec): Promise<CriPod> {
    const uid = randomUUID();
    const dir = join(work, 'pods', `${spec.namespace}_${spec.name}_${uid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'etc-hosts'), kubeletHostsFile());
    const sa = join(dir, 'serviceaccount');
    mkdirSync(sa);
    // a service-account projection's files; the token is a placeholder (nothing may read it)
    for (const [f, v] of [['token', 'not-a-real-token'], ['namespace', spec.namespace], ['ca.crt', '']]) writeFileSync(join(sa, f), v);
    const ns = { network: 'NODE', pid: spec.shareProcessNamespace ? 'POD' : 'CONTAINER', ipc: 'POD' };
    const sb = sandboxConfig(spec, uid, dir, ns);
    cgroupRoots.add(cgroupParent(uid).slice(1));
    const r = await pod_call('RunPodSandbox', { config: sb, runtime_handler: spec.handler });
    sandboxConfigs.set(r.pod_sandbox_id, sb);
    const pod: CriPod = { spec, uid, podId: r.pod_sandbox_id, containers: {}, dir };
    pods.push(pod);
    for (const c of spec.containers) await startContainer(pod, c);
    return pod;
  }

  async function removePod(pod: CriPod): Promise<void> {
    const i = pods.indexOf(pod);
    if (i >= 0) pods.splice(i, 1);
    try {
      await cri.call('StopPodSandbox', { pod_sandbox_id: pod.podId }, 60_000);
    } finally {
      await cri.call('RemovePodSandbox', { pod_sandbox_id: pod.podId }, 60_000);
    }
  }

  return {
    socket, work, state, config, pid, ctr, cri, cgroupParent, importImage, runPod, removePod,
    addContainer: (pod, c) => startContainer(pod, c, c.targetContainer ? pod.containers[c.targetContainer] : undefined),
    async waitExit(id, timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const s = (await cri.call('ContainerStatus', { container_id: id })).status;
        if (s.state === 'CONTAINER_EXITED') return Number(s.exit_code);
        if (Date.now() > end) throw new Error(`container ${id.slice(0, 12)} still ${s.state} after ${timeoutMs} ms`);
        await sleep(200);
      }
    },
    logs(pod, container) {
      const f = join(pod.dir, container, '0.log');
      return parseCriLog(existsSync(f) ? readFileSync(f, 'utf8') : '');
    },
    execArgv: (id) => [...ctr, 'task', 'exec', '--exec-id', `sbx-${process.pid}-${++seq}-${randomBytes(2).toString('hex')}`, id],
    exec(id, argv, stdin) {
      return run([...ctr, 'task', 'exec', '--exec-id', `sbx-${process.pid}-${++seq}`, id, ...argv], { timeoutMs: 180_000, stdin });
    },
    async stop() {
      await stopAll();
    },
  } satisfies CriLab;
}

/** Builds the static pause binary and imports localhost/pause:static. */
export async function importPause(lab: CriLab): Promise<void> {
  const root = mkdtempSync(join(lab.work, 'pause-'));
  execFileSync('musl-gcc', ['-static', '-Os', '-s', '-o', join(root, 'pause'), join(HERE, 'cri-pause.c')]);
  await lab.importImage(PAUSE_IMAGE, root, { entrypoint: ['/pause'] });
  rmSync(root, { recursive: true, force: true });
}

/** What is left of a lab after stop(): processes, mounts, directories (all should be none). */
export function leftovers(lab: Pick<CriLab, 'work' | 'state'>): string[] {
  const out: string[] = [];
  const procs = processesNaming(lab.state);
  if (procs.length) out.push(`processes: ${procs.join(' ')}`);
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(lab.work) || l.includes(lab.state));
  if (mounts.length) out.push(`mounts: ${mounts.join('; ')}`);
  for (const d of [lab.work, lab.state]) if (existsSync(d)) out.push(`directory ${d}`);
  return out;
}
