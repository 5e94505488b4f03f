#!/usr/bin/env node
// A kubectl stand-in for the kubectl sbx tests: put first on PATH as `kubectl`, it only
// translates, and every answer comes from a real container of a real (private) dockerd:
//   kubectl exec -i [-n NS] POD [-c CTR] -- CMD…  ->  docker exec -i k8s_CTR_POD_NS CMD…
//   kubectl debug -i [-n NS] POD --image=IMG --target=CTR -c NAME --profile=P --quiet -- CMD…
//                      ->  docker run --rm -i --pid container:<target> --network container:<target> IMG CMD…
//   kubectl get pods [-n NS | -A] [-l K=V,…] -o json, kubectl get pod POD [-n NS] -o json
//                      ->  docker ps / docker inspect of the k8s_CTR_POD_NS containers, in the
//                          Kubernetes JSON shape (docker labels are the pod's labels; a label
//                          "annotation.KEY" is the annotation KEY)
//   kubectl get nodes -o json  ->  docker info (one node)
//   kubectl get runtimeclasses -o json  ->  the RuntimeClasses in STANDIN_RUNTIMECLASSES (a JSON
//                          file: a List), else one per runtime docker info lists, named as its handler
// A pod's spec is what its containers' real docker configuration is, written as Kubernetes
// would declare it: the runtime -> runtimeClassName (the RuntimeClass whose handler is that
// runtime), --user -> runAsUser/runAsGroup, --cap-add/--cap-drop -> capabilities, --privileged,
// --read-only -> readOnlyRootFilesystem, --security-opt no-new-privileges ->
// allowPrivilegeEscalation: false, seccomp=unconfined -> Unconfined (else RuntimeDefault, as
// Docker applies its default profile), --pid/--ipc/--network host -> hostPID/hostIPC/hostNetwork,
// and automountServiceAccountToken: false (docker mounts no token). A container labelled
// "pod.spec" (JSON) declares that spec instead: what the pod's author wrote, which the real
// container may or may not carry out. Either way every enforced answer comes from the container.
// Pod containers are named as dockershim named them: k8s_CONTAINER_POD_NAMESPACE.
// Env: STANDIN_DOCKER (JSON array: the docker command line with its -H), STANDIN_LOG (a file
// that gets one JSON line per call), STANDIN_CONTEXTS (comma-separated contexts that exist).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseKubectlArgs } from './standin-args.mjs';

const docker = JSON.parse(process.env.STANDIN_DOCKER);
const argv = process.argv.slice(2);
if (process.env.STANDIN_LOG) appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ argv }) + '\n');

function die(msg, code = 1) {
  process.stderr.write(msg + '\n');
  process.exit(code);
}
function dockerOut(args) {
  const r = spawnSync(docker[0], [...docker.slice(1), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) die(`standin: docker ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

const { words, rest, get } = parseKubectlArgs(argv);
const contexts = (process.env.STANDIN_CONTEXTS ?? '').split(',').filter(Boolean);
const context = get('--context');
if (context !== undefined && !contexts.includes(context)) die(`error: context "${context}" does not exist`);
const ns = get('-n', '--namespace') ?? 'default';
const allNs = get('-A', '--all-namespaces') === true;

function inspectAll(filters) {
  const ids = dockerOut(['ps', '-a', '--no-trunc', '--format', '{{.ID}}', '--filter', 'name=k8s_', ...filters.flatMap((f) => ['--filter', f])]).split('\n').filter(Boolean);
  return ids.length ? JSON.parse(dockerOut(['inspect', ...ids])) : [];
}
const NAME = /^\/?k8s_([^_]+)_([^_]+)_([^_]+)$/;

function runtimeClasses() {
  if (process.env.STANDIN_RUNTIMECLASSES) return JSON.parse(readFileSync(process.env.STANDIN_RUNTIMECLASSES, 'utf8'));
  const info = JSON.parse(dockerOut(['info', '--format', '{{json .}}']));
  const items = Object.keys(info.Runtimes ?? {}).sort().map((h) => ({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: h }, handler: h }));
  return { apiVersion: 'v1', kind: 'List', items };
}

const capName = (c) => c.toUpperCase().replace(/^CAP_/, '');

/** One container's securityContext, as Kubernetes would declare what docker really runs. */
function securityContextOf(c) {
  const h = c.HostConfig;
  const sc = {};
  const user = /^(\d+)(?::(\d+))?$/.exec(c.Config.User ?? '');
  if (user) {
    sc.runAsUser = Number(user[1]);
    if (user[2] !== undefined) sc.runAsGroup = Number(user[2]);
  }
  if (h.Privileged) sc.privileged = true;
  const add = (h.CapAdd ?? []).map(capName);
  const drop = (h.CapDrop ?? []).map(capName);
  if (add.length || drop.length) sc.capabilities = { ...(add.length && { add }), ...(drop.length && { drop }) };
  if (h.ReadonlyRootfs) sc.readOnlyRootFilesystem = true;
  const opts = h.SecurityOpt ?? [];
  if (opts.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o))) sc.allowPrivilegeEscalation = false;
  const seccomp = opts.map((o) => /^seccomp[:=](.*)$/s.exec(o)).find(Boolean);
  if (!h.Privileged) sc.seccompProfile = !seccomp ? { type: 'RuntimeDefault' } : seccomp[1] === 'unconfined' ? { type: 'Unconfined' } : { type: 'Localhost', localhostProfile: 'docker-security-opt.json' };
  return sc;
}

/** The pod's spec: declared by a "pod.spec" label, else read off the real containers. */
function specOf(cs, node, classes) {
  const declared = cs.map(({ c }) => c.Config.Labels?.['pod.spec']).find(Boolean);
  if (declared) return { ...JSON.parse(declared), nodeName: node };
  const first = cs[0].c.HostConfig;
  const runtime = first.Runtime;
  const cls = classes.items.find((rc) => rc.handler === runtime)?.metadata.name ?? runtime;
  return {
    nodeName: node,
    ...(runtime && runtime !== 'runc' ? { runtimeClassName: cls } : {}),
    ...(first.PidMode === 'host' && { hostPID: true }),
    ...(first.IpcMode === 'host' && { hostIPC: true }),
    ...(first.NetworkMode === 'host' && { hostNetwork: true }),
    automountServiceAccountToken: false,
    containers: cs.map(({ name, c }) => ({ name, image: c.Config.Image, securityContext: securityContextOf(c) })),
  };
}

function podsFrom(containers) {
  const pods = new Map();
  for (const c of containers) {
    const m = NAME.exec(c.Name);
    if (!m) continue;
    const [, ctr, pod, namespace] = m;
    const key = `${namespace}/${pod}`;
    if (!pods.has(key)) pods.set(key, { namespace, pod, containers: [] });
    pods.get(key).containers.push({ name: ctr, c });
  }
  const node = JSON.parse(dockerOut(['info', '--format', '{{json .}}'])).Name;
  const classes = runtimeClasses();
  // the API server lists pods in key order: namespace, then name
  const ordered = [...pods.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod));
  return ordered.map(({ namespace, pod, containers: cs }) => {
    cs.sort((a, b) => a.name.localeCompare(b.name));
    const labels = {}, annotations = {};
    for (const { c } of cs) {
      for (const [k, v] of Object.entries(c.Config.Labels ?? {})) {
        if (k.startsWith('annotation.')) annotations[k.slice(11)] = v;
        else if (k !== 'pod.spec') labels[k] = v;
      }
    }
    const states = cs.map(({ c }) => c.State);
    const phase = states.every((s) => s.Running) ? 'Running' : states.some((s) => s.Running || s.Status === 'created') ? 'Pending'
      : states.every((s) => s.ExitCode === 0) ? 'Succeeded' : 'Failed';
    return {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: pod, namespace, labels, annotations },
      spec: specOf(cs, node, classes),
      status: { phase, containerStatuses: cs.map(({ name, c }) => ({ name, ready: c.State.Running, containerID: `docker://${c.Id}` })) },
    };
  });
}

function selectorFilters(sel) {
  if (!sel) return [];
  return sel.split(',').map((term) => {
    if (/!=|\bin\b|\(/.test(term)) die(`standin: only key=value and key selectors are translated, not "${term}"`);
    return `label=${term.replace('==', '=')}`;
  });
}

function findPod(name) {
  const pod = podsFrom(inspectAll([`name=_${name}_${ns}`])).find((p) => p.metadata.name === name && p.metadata.namespace === ns);
  if (!pod) die(`Error from server (NotFound): pods "${name}" not found`);
  return pod;
}
function containerOf(pod, ctr) {
  const names = pod.spec.containers.map((c) => c.name);
  const chosen = ctr ?? pod.metadata.annotations['kubectl.kubernetes.io/default-container'] ?? names[0];
  if (!names.includes(chosen)) die(`error: container ${chosen} is not valid for pod ${pod.metadata.name}`);
  return `k8s_${chosen}_${pod.metadata.name}_${pod.metadata.namespace}`;
}
function passThrough(args) {
  const child = spawn(docker[0], [...docker.slice(1), ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 9 : 1)));
}

const [cmd, what, name] = words;
if (cmd === 'get' && (what === 'pods' || what === 'pod') && !name) {
  if (get('-o', '--output') !== 'json') die('standin: only -o json is translated');
  let pods = podsFrom(inspectAll(selectorFilters(get('-l', '--selector'))));
  if (!allNs) pods = pods.filter((p) => p.metadata.namespace === ns);
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }, null, 1) + '\n');
} else if (cmd === 'get' && (what === 'pod' || what === 'pods') && name) {
  process.stdout.write(JSON.stringify(findPod(name), null, 1) + '\n');
} else if (cmd === 'get' && (what === 'nodes' || what === 'node')) {
  const info = JSON.parse(dockerOut(['info', '--format', '{{json .}}']));
  const arch = { x86_64: 'amd64', aarch64: 'arm64' }[info.Architecture] ?? info.Architecture;
  const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: info.Name, labels: { 'kubernetes.io/arch': arch } }, status: { nodeInfo: { architecture: arch, operatingSystem: 'linux', kernelVersion: info.KernelVersion } } };
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node] }, null, 1) + '\n');
} else if (cmd === 'get' && /^runtimeclass(es)?(\.node\.k8s\.io)?$/.test(what ?? '') && !name) {
  if (get('-o', '--output') !== 'json') die('standin: only -o json is translated');
  process.stdout.write(JSON.stringify(runtimeClasses(), null, 1) + '\n');
} else if (cmd === 'exec' && what) {
  if (!rest.length) die('error: you must specify at least one command for the container');
  passThrough(['exec', ...(get('-i', '--stdin') ? ['-i'] : []), containerOf(findPod(what), get('-c', '--container')), ...rest]);
} else if (cmd === 'debug' && what) {
  const pod = findPod(what);
  const target = containerOf(pod, get('--target'));
  const image = get('--image');
  const ephemeral = get('-c', '--container');
  if (!image || !ephemeral || !rest.length) die('standin: debug needs --image, -c and a command');
  const profile = get('--profile') ?? 'legacy';
  const caps = { general: ['--cap-add', 'SYS_PTRACE'], legacy: [], baseline: [] }[profile];
  if (!caps) die(`standin: --profile=${profile} is not translated`);
  const runtime = JSON.parse(dockerOut(['inspect', target]))[0].HostConfig.Runtime;
  passThrough(['run', '--rm', ...(get('-i', '--stdin') ? ['-i'] : []), '--name', `k8s-debug_${ephemeral}_${pod.metadata.name}_${pod.metadata.namespace}`,
    '--pid', `container:${target}`, '--network', `container:${target}`, '--runtime', runtime, ...caps, image, ...rest]);
} else {
  die(`standin: not translated: kubectl ${argv.join(' ')}`);
}
