// The matrix's CRI pods (issue #24): real pods of a private containerd 1.7 made as a kubelet
// makes them (test/runtimes/cri.ts), under the RuntimeClass handlers runc and runsc. Each case
// declares a pod spec; its expectations follow from that spec, containerd's documented defaults
// and the handler — never from the tool's output. cases.ts lists them with the others, run.ts
// runs them through runCriCase, and matrix.test.ts / table.ts stop the lab with stopCriLab.
import { mkdtempSync, rmSync } from 'node:fs';
import { CONTAINERD_DEFAULT_CAPS, type CriLab, type CriPodSpec, criStaticCheck, importPause, startCri } from '../runtimes/cri.js';
import type { RunResult } from '../runtimes/types.js';
import { buildImageRoots } from '../support/engines.js';
import { run } from '../runtimes/common.js';
import { type Artifact, type Expectations, workloadOf } from './cases.js';

export type CriHandler = 'runc' | 'runsc';

export interface CriCase {
  kind: 'cri';
  id: string;
  /** the table's runtime column: the pod's RuntimeClass handler */
  runtime: `cri-${CriHandler}`;
  /** 'sea': the recon image's single executable is the container's command, its report read
   *  from the CRI log; 'via': the bundle here collects through `ctr task exec` */
  artifacts: Artifact[];
  expect: Expectations;
  note?: string;
  capture?: string;
  /** the pod as declared; the image and command are the runner's */
  pod: Omit<CriPodSpec, 'name' | 'namespace' | 'containers'> & { container: Omit<CriPodSpec['containers'][number], 'name' | 'image' | 'command'> };
}

/** The recon image (scripts/build-image-rootfs.sh), with the Dockerfile's USER and ENTRYPOINT. */
const RECON = 'localhost/sbx-recon:matrix';
/** The same plus busybox: a shell for --via's bootstrap, and sleep. */
const RECON_SH = 'localhost/sbx-recon-sh:matrix';
const IMAGE_USER = '20000:20000';

const tool = (caps: readonly string[]) => caps.map((c) => c.toLowerCase().replace(/^cap_/, '')).sort();
const DEFAULT_CAPS = tool(CONTAINERD_DEFAULT_CAPS);
// runsc removes CAP_NET_RAW unless it is given --net-raw (runsc/config/flags.go "net-raw")
const RUNSC_DEFAULT_CAPS = DEFAULT_CAPS.filter((c) => c !== 'net_raw');

/** The seed's recon pod (deploy/recon-statefulset.yaml): its container's securityContext. */
const SEED_CONTAINER = {
  runAsUser: 20000, runAsGroup: 20000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] }, seccompProfile: 'RuntimeDefault' as const,
};

function criCase(id: string, handler: CriHandler, mode: 'sea' | 'via', pod: Omit<CriCase['pod'], 'handler'>, expect: Expectations, note: string): CriCase {
  return { kind: 'cri', id, runtime: `cri-${handler}`, artifacts: [mode], expect: { workload: workloadOf(mode), ...expect }, note, pod: { ...pod, handler } };
}

export function criCases(): CriCase[] {
  // the image's USER: uid and gid 20000; a non-root process holds nothing effective (containerd
  // 1.7 gives a non-root user no effective or permitted capabilities: pkg/cri/opts WithCapabilities
  // with WithAmbientCapabilities unset, and runc drops them at the uid change)
  const imageUser = { uid: 20000, gid: 20000, capsEffective: [] as string[], nonRoot: true, engine: 'containerd' as const, kubernetes: true };
  const plain = { container: {} };
  const seed = { automountServiceAccountToken: false, container: SEED_CONTAINER };
  // the plain pod (no securityContext) under each handler: as the container's command or collected through --via
  const plainRunc: Expectations = {
    ...imageUser, class: 'runc-class', ociRuntime: 'runc', capsBounding: DEFAULT_CAPS,
    seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: false, readOnlyRoot: false, privileged: false,
  };
  const plainRunsc: Expectations = {
    ...imageUser, class: 'gvisor', platform: 'systrap', capsBounding: RUNSC_DEFAULT_CAPS,
    seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: true /* gVisor: always set (cases.ts GVISOR_NNP) */, readOnlyRoot: false, privileged: false,
  };
  return [
    criCase('cri-runc-default', 'runc', 'sea', plain, plainRunc,
      'a pod without a securityContext: the image\'s uid 20000, containerd\'s default capabilities, Unconfined (a kubelet\'s default without --seccomp-default)'),
    criCase('cri-runsc-default', 'runsc', 'sea', plain, plainRunsc,
      'the same pod under the runsc handler (runsc 20240729 through the runc v2 shim: systrap, its default platform since release-20230621.0)'),
    criCase('cri-runsc-bare', 'runsc', 'sea', { kubelet: false, container: {} }, { ...plainRunsc, engine: 'unknown', kubernetes: false },
      'CRI calls alone, without what a kubelet adds (no Service env, token, termination log or kubelet /etc/hosts): inside gVisor the kubepods cgroup path and the CRI sandbox directory are hidden (gVisor\'s own cgroupfs, mount sources "none"), so neither Kubernetes nor containerd can be told'),
    criCase('cri-runc-recon', 'runc', 'sea', seed, {
      ...imageUser, class: 'runc-class', ociRuntime: 'runc', capsBounding: [],
      seccomp: 'filtering', seccompProfile: 'containerd-default', noNewPrivs: true, readOnlyRoot: true, privileged: false,
    }, "the seed's recon pod (uid 20000, drop ALL, read-only root, no privilege escalation, RuntimeDefault = containerd 1.7's own profile) under runc"),
    criCase('cri-runsc-recon', 'runsc', 'sea', seed, {
      ...imageUser, class: 'gvisor', platform: 'systrap', capsBounding: [],
      seccomp: 'disabled', seccompProfile: 'none', noNewPrivs: true /* gVisor: always set (cases.ts GVISOR_NNP) */, readOnlyRoot: true, privileged: false,
    }, "the seed's recon pod under runsc, as deploy/ declares it (runtimeClassName gvisor): gVisor applies no seccomp without --oci-seccomp"),
    criCase('cri-runc-via', 'runc', 'via', plain, plainRunc, 'the bundle here collects through ctr task exec (with stdin) into a runc pod'),
    criCase('cri-runsc-via', 'runsc', 'via', plain, plainRunsc, 'the bundle here collects through ctr task exec into a gVisor pod'),
  ];
}

interface Lab { lab: CriLab; images: string }
let lab: Promise<Lab | string> | null = null;

async function startLab(seaPath: string): Promise<Lab | string> {
  const l = await startCri();
  if (typeof l === 'string') return l;
  const images = mkdtempSync('/var/tmp/sbx-cri-images-');
  try {
    const roots = buildImageRoots(images, { bin: seaPath });
    await importPause(l);
    const cfg = { user: IMAGE_USER, entrypoint: ['/usr/local/bin/sbx-detect'], env: ['PATH=/usr/local/bin:/bin'] };
    await l.importImage(RECON, roots['sbx-recon'], cfg);
    await l.importImage(RECON_SH, roots['sbx-recon-sh'], cfg);
  } catch (e) {
    await l.stop();
    rmSync(images, { recursive: true, force: true });
    return `the CRI lab's images could not be imported: ${(e as Error).message}`;
  }
  return { lab: l, images };
}

/** Stops the lab (pods, containerd, everything it made). */
export async function stopCriLab(): Promise<void> {
  if (!lab) return;
  const l = await lab;
  lab = null;
  if (typeof l === 'string') return;
  await l.lab.stop();
  rmSync(l.images, { recursive: true, force: true });
}

let seq = 0;

/** Runs one case: the tool's report on stdout, as the other runners give it. */
export async function runCriCase(c: CriCase, what: Artifact | 'snapshot', args: string[], opts: { seaPath: string; bundle: string }): Promise<RunResult> {
  const skip = (why: string): RunResult => ({ stdout: '', stderr: '', code: null, signal: null, ms: 0, skipped: `CRI: ${why}` });
  const s = criStaticCheck();
  if (s) return skip(s);
  lab ??= startLab(opts.seaPath);
  const l = await lab;
  if (typeof l === 'string') return skip(l);
  const t0 = performance.now();
  const name = `${c.id}-${process.pid}-${++seq}`;
  const via = what === 'via';
  const container = {
    ...c.pod.container, name: 'app', image: via ? RECON_SH : RECON,
    command: via ? ['/bin/sleep', '3600'] : ['/usr/local/bin/sbx-detect', ...args],
  };
  const pod = await l.lab.runPod({ ...c.pod, name, namespace: 'matrix', containers: [container] });
  try {
    if (via) {
      const argv = [process.execPath, opts.bundle, '--via', l.lab.execArgv(pod.containers.app).join(' '), ...args];
      const r = await run(argv, { timeoutMs: 180_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
      return { ...r, argv };
    }
    const code = await l.lab.waitExit(pod.containers.app, 180_000);
    const out = l.lab.logs(pod, 'app');
    return { stdout: out.stdout, stderr: out.stderr, code, signal: null, ms: Math.round(performance.now() - t0), argv: ['CRI', c.pod.handler, ...container.command] };
  } finally {
    await l.lab.removePod(pod);
  }
}
