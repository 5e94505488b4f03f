#!/usr/bin/env node
// A kubectl stand-in over real CRI pods (test/runtimes/cri.ts): put first on PATH as `kubectl`,
// it only translates, and every answer comes from containerd's CRI or from inside the pod:
//   kubectl get pods [-n NS | -A] -o json, get pod POD [-n NS] -o json
//        -> ListPodSandbox, PodSandboxStatus, ListContainers, ContainerStatus (verbose: the CRI
//           ContainerConfig the pod was made with), written as the Pod a kubelet was given:
//           handler -> runtimeClassName (the RuntimeClass with that handler), run_as_user/group,
//           capabilities, readonly_rootfs, no_new_privs, the seccomp profile type, the
//           service-account mount (automountServiceAccountToken), network NODE -> hostNetwork,
//           pid POD -> shareProcessNamespace. A sandbox annotation "pod.spec" (JSON) declares
//           the spec instead: what the pod's author wrote, which the pod may or may not carry out.
//   kubectl get nodes -o json         -> this node (uname)
//   kubectl get runtimeclasses -o json -> STANDIN_RUNTIMECLASSES (a JSON List)
//   kubectl exec -i POD [-c C] -- CMD  -> ctr task exec --exec-id … CONTAINER_ID CMD (stdin attached)
//   kubectl debug -i POD --image=IMG --target=C -c NAME --profile=P -- CMD
//        -> CreateContainer + StartContainer in the pod's own sandbox (PID namespace TARGET: the
//           target container's; general profile: SYS_PTRACE), its process `sleep`, then CMD in it
//           through ctr task exec with stdin attached; like a kubelet, it gives the ephemeral
//           container the Service env and the pod's /etc/hosts (kubectl attaches to the container's own
//           process instead: the CRI's Attach needs its streaming server, which this does not speak)
// Env: STANDIN_CRI (JSON {socket, ctr: [argv]}), STANDIN_IMAGES (JSON {name: image ref}),
// STANDIN_RUNTIMECLASSES (file), STANDIN_LOG (one JSON line per call).
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { criConnect } from '../runtimes/cri-client.mjs';
import { parseKubectlArgs } from './standin-args.mjs';

const { socket, ctr } = JSON.parse(process.env.STANDIN_CRI);
const images = JSON.parse(process.env.STANDIN_IMAGES ?? '{}');
const argv = process.argv.slice(2);
if (process.env.STANDIN_LOG) appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ argv }) + '\n');
const cri = criConnect(socket);
function die(msg, code = 1) {
  process.stderr.write(msg + '\n');
  cri.close();
  process.exit(code);
}

const { words, rest, get } = parseKubectlArgs(argv);
const ns = get('-n', '--namespace') ?? 'default';
const allNs = get('-A', '--all-namespaces') === true;
const classes = () => (process.env.STANDIN_RUNTIMECLASSES ? JSON.parse(readFileSync(process.env.STANDIN_RUNTIMECLASSES, 'utf8')) : { items: [] });

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';
function securityContextOf(config) {
  const sc = config.linux?.security_context ?? {};
  const out = {};
  if (sc.run_as_user) out.runAsUser = Number(sc.run_as_user.value);
  if (sc.run_as_group) out.runAsGroup = Number(sc.run_as_group.value);
  const add = sc.capabilities?.add_capabilities ?? [], drop = sc.capabilities?.drop_capabilities ?? [];
  if (add.length || drop.length) out.capabilities = { ...(add.length && { add }), ...(drop.length && { drop }) };
  if (sc.privileged) out.privileged = true;
  if (sc.readonly_rootfs) out.readOnlyRootFilesystem = true;
  if (sc.no_new_privs) out.allowPrivilegeEscalation = false;
  // containerd's verbose info is Go's JSON of the CRI config: enums as numbers, zero values left
  // out (SecurityProfile.ProfileType: RuntimeDefault 0, Unconfined 1, Localhost 2)
  const type = sc.seccomp ? sc.seccomp.profile_type ?? 0 : 1;
  out.seccompProfile = { type: [0, 'RuntimeDefault'].includes(type) ? 'RuntimeDefault' : [2, 'Localhost'].includes(type) ? 'Localhost' : 'Unconfined' };
  return out;
}

async function pods() {
  const sandboxes = (await cri.call('ListPodSandbox', { filter: { state: { state: 'SANDBOX_READY' } } })).items;
  const out = [];
  for (const sb of sandboxes) {
    const st = await cri.call('PodSandboxStatus', { pod_sandbox_id: sb.id, verbose: true });
    const info = JSON.parse(st.info?.info ?? '{}');
    const cs = (await cri.call('ListContainers', { filter: { pod_sandbox_id: sb.id } })).containers
      .filter((c) => c.state !== 'CONTAINER_EXITED' && c.metadata.name !== 'sbx-detect' && !c.labels?.['sbx.ephemeral']);
    const containers = [];
    for (const c of cs.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
      const cst = await cri.call('ContainerStatus', { container_id: c.id, verbose: true });
      const cinfo = JSON.parse(cst.info?.info ?? '{}');
      containers.push({ name: c.metadata.name, id: c.id, image: c.image.image, running: c.state === 'CONTAINER_RUNNING', config: cinfo.config ?? {} });
    }
    if (!containers.length) continue;
    const nsOpts = info.config?.linux?.security_context?.namespace_options ?? {};
    const handler = st.status.runtime_handler || 'runc';
    const cls = classes().items.find((rc) => rc.handler === handler)?.metadata.name;
    const declared = st.status.annotations?.['pod.spec'];
    const spec = declared ? JSON.parse(declared) : {
      ...(handler !== 'runc' && { runtimeClassName: cls ?? handler }),
      // NamespaceMode: POD 0, CONTAINER 1, NODE 2 (numbers in Go's JSON; the names as a client sent them)
      ...([2, 'NODE'].includes(nsOpts.network) && { hostNetwork: true }),
      ...([0, 'POD', undefined].includes(nsOpts.pid) && { shareProcessNamespace: true }),
      automountServiceAccountToken: containers.some((c) => (c.config.mounts ?? []).some((m) => m.container_path === SA)),
      containers: containers.map((c) => ({ name: c.name, image: c.image, securityContext: securityContextOf(c.config) })),
    };
    out.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: sb.metadata.name, namespace: sb.metadata.namespace, uid: sb.metadata.uid, labels: sb.labels ?? {}, annotations: st.status.annotations ?? {} },
      spec: { ...spec, nodeName: hostname() },
      status: { phase: containers.every((c) => c.running) ? 'Running' : 'Pending', containerStatuses: containers.map((c) => ({ name: c.name, ready: c.running, containerID: `containerd://${c.id}` })) },
      _ids: { sandbox: sb.id, sandboxConfig: info.config, containers: Object.fromEntries(containers.map((c) => [c.name, c.id])), configs: Object.fromEntries(containers.map((c) => [c.id, c.config])) },
    });
  }
  return out.sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
}
const strip = (p) => { const { _ids, ...rest } = p; return rest; };

async function findPod(name) {
  const pod = (await pods()).find((p) => p.metadata.name === name && p.metadata.namespace === ns);
  if (!pod) die(`Error from server (NotFound): pods "${name}" not found`);
  return pod;
}
function containerOf(pod, c) {
  const chosen = c ?? pod.metadata.annotations['kubectl.kubernetes.io/default-container'] ?? pod.spec.containers[0].name;
  const id = pod._ids.containers[chosen];
  if (!id) die(`error: container ${chosen} is not valid for pod ${pod.metadata.name}`);
  return id;
}
function ctrExec(id, cmd) {
  cri.close();
  const child = spawn(ctr[0], [...ctr.slice(1), 'task', 'exec', '--exec-id', `kubectl-${process.pid}-${randomBytes(3).toString('hex')}`, id, ...cmd], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 137 : 1)));
}

const [cmd, what, name] = words;
if (cmd === 'get' && /^pods?$/.test(what ?? '')) {
  if (get('-o', '--output') !== 'json') die('standin: only -o json is translated');
  if (name) process.stdout.write(JSON.stringify(strip(await findPod(name))) + '\n');
  else {
    const items = (await pods()).filter((p) => allNs || p.metadata.namespace === ns).map(strip);
    process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) + '\n');
  }
  cri.close();
} else if (cmd === 'get' && /^nodes?$/.test(what ?? '')) {
  const arch = { x86_64: 'amd64', aarch64: 'arm64' }[process.arch === 'x64' ? 'x86_64' : 'aarch64'];
  process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: hostname(), labels: { 'kubernetes.io/arch': arch } }, status: { nodeInfo: { architecture: arch, operatingSystem: 'linux' } } }] }) + '\n');
  cri.close();
} else if (cmd === 'get' && /^runtimeclass(es)?(\.node\.k8s\.io)?$/.test(what ?? '')) {
  process.stdout.write(JSON.stringify(classes()) + '\n');
  cri.close();
} else if (cmd === 'exec' && what) {
  if (!rest.length) die('error: you must specify at least one command for the container');
  ctrExec(containerOf(await findPod(what), get('-c', '--container')), rest);
} else if (cmd === 'debug' && what) {
  const pod = await findPod(what);
  const target = containerOf(pod, get('--target'));
  const image = images[get('--image')] ?? get('--image');
  const ephemeral = get('-c', '--container');
  if (!ephemeral || !rest.length) die('standin: debug needs -c and a command');
  const caps = { general: ['SYS_PTRACE'], legacy: [], baseline: [], restricted: [] }[get('--profile') ?? 'legacy'];
  if (!caps) die(`standin: --profile=${get('--profile')} is not translated`);
  const sb = pod._ids.sandboxConfig;
  // what a kubelet gives an ephemeral container too: the Service env and its /etc/hosts
  const t = pod._ids.configs[target] ?? {};
  const envs = (t.envs ?? []).filter((e) => /^KUBERNETES_/.test(e.key));
  const mounts = (t.mounts ?? []).filter((m) => m.container_path === '/etc/hosts');
  const nsOpts = sb.linux?.security_context?.namespace_options ?? {};
  const created = await cri.call('CreateContainer', {
    pod_sandbox_id: pod._ids.sandbox, sandbox_config: sb,
    config: {
      metadata: { name: ephemeral, attempt: 0 }, image: { image }, command: ['/bin/sleep', '3600'], envs, mounts,
      labels: { 'io.kubernetes.container.name': ephemeral, 'sbx.ephemeral': 'true' }, log_path: `${ephemeral}/0.log`,
      linux: { security_context: { namespace_options: { ...nsOpts, pid: 'TARGET', target_id: target }, capabilities: { add_capabilities: caps }, seccomp: { profile_type: 'Unconfined' } } },
    },
  });
  await cri.call('StartContainer', { container_id: created.container_id });
  ctrExec(created.container_id, rest);
} else {
  die(`standin: not translated: kubectl ${argv.join(' ')}`);
}
