// Container engines as matrix runtimes: Docker (a private dockerd with runc, runsc and
// runsc --oci-seccomp), Podman, and Docker-in-Docker (the host's own dockerd run inside a
// container of the private one, as docker:dind does it). Started once per process on first use,
// stopped by stopEngines() (callers call it on every exit path; a process exit kills the daemons
// as a last resort), and everything they imported goes with their private data roots.
//
// Images are made here, never pulled (no registry is reachable): the recon image root that
// scripts/build-image-rootfs.sh assembles, imported with the Dockerfile's USER and ENTRYPOINT, so
// `docker run IMAGE --json` runs it exactly as the recon image would be run; sbx-recon-sh (the
// same plus busybox) for collecting over `docker exec -i` with --via.
//
// Lab facts (docs/matrix.md, "Real engines: how the tests start them"): dockerd starts without systemd with --iptables=false
// --bridge=none and containers run with --network none; Podman needs --runtime runc
// --cgroup-manager cgroupfs and --ulimit nofile=1024:1024 here; every run passes -i, because
// runsc 20221219 chowns the files it gets as stdio and Docker hands it the host's /dev/null
// otherwise.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImageRoots, importImage, startDocker, startPodman, waitFor, type Engine, type UsernsRemap } from '../support/engines.js';
import { run } from './common.js';
import type { RunResult } from './types.js';

/** docker-userns: a second private dockerd with --userns-remap=default; podman-crun: Podman with
 *  crun as its OCI runtime, each run in a private mount namespace without the cgroup2 hierarchy
 *  (crun refuses the hybrid cgroups this machine has, see crun.ts) */
export type EngineName = 'docker' | 'docker-userns' | 'podman' | 'podman-crun' | 'dind';

/** The range the userns-remap dockerd gives its containers: root inside is this uid outside
 *  (65536 ids, as a kubelet allocates for a pod with hostUsers: false). */
export const DOCKER_USERNS_REMAP: UsernsRemap = { hostId: 196608, size: 65536 };

export interface EngineDecl {
  /** unique among the engine cases: names the container */
  name: string;
  engine: EngineName;
  /** `docker run` / `podman run` flags, before the image */
  runArgs: string[];
  /**
   * 'inside': the image's own entrypoint (the single executable) is the container's first
   * process, given the tool's arguments; 'via': a container of sbx-recon-sh sleeps, and the
   * bundle on this machine collects through `exec -i` (where Node cannot start inside)
   */
  mode: 'inside' | 'via';
  /** Podman: the `containers` user's subordinate ids, for --userns=auto (withSubids) */
  podmanSubids?: UsernsRemap;
}

/** The recon image: USER and ENTRYPOINT as the Dockerfile's final stage sets them. */
export const RECON_IMAGE = 'sbx-recon-image';
export const RECON_CHANGES = ['USER 20000:20000', 'ENTRYPOINT ["/usr/local/bin/sbx-detect"]'];
/** The outer Docker-in-Docker container: the host's dockerd, as docker:dind runs its own. */
const DIND_IMAGE = 'sbx-dind-host';
/** docker:dind needs --privileged; this machine refuses that for root (CAP_SYS_RESOURCE is outside
 *  its bounding set), so the outer container gets the closest equivalent that starts. */
export const DIND_OUTER_FLAGS = [
  '--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined',
  '--security-opt', 'systempaths=unconfined', '--cgroupns', 'host', '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw',
  '-v', '/usr:/usr:ro', '-v', '/etc:/etc:ro', '-v', '/var/lib/docker',
];

interface Lab {
  work: string;
  docker: Engine | string;
  /** the --userns-remap dockerd, or why it could not start */
  dockerUserns: Engine | string;
  podman: Engine | string;
  /** the outer DinD container's name, or why it could not start */
  dind: { container: string } | { error: string } | null;
  roots: Record<string, string>;
}

let lab: Promise<Lab> | null = null;
const PIDS = new Set<number>();
process.once('exit', () => {
  for (const pid of PIDS) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch { /* gone */ }
  }
});

/** containers.conf, which Podman reads its default capabilities from (Debian's
 *  golang-github-containers-common). SBX_CONTAINERS_CONF points it elsewhere: the matrix test
 *  names a missing file with it, to see the row a machine without Podman gets. */
const containersConf = () => process.env.SBX_CONTAINERS_CONF || '/usr/share/containers/containers.conf';

/** Every file an engine needs, with the Debian package that installs it. */
function engineFiles(engine: EngineName): [string, string][] {
  const podman: [string, string][] = [['/usr/bin/podman', 'podman'], [containersConf(), 'golang-github-containers-common']];
  const docker: [string, string][] = [['/usr/sbin/dockerd', 'docker.io'], ['/usr/bin/docker', 'docker.io']];
  const unshare: [string, string] = ['/usr/bin/unshare', 'util-linux'];
  switch (engine) {
    case 'podman': return podman;
    case 'podman-crun': return [...podman, ['/usr/bin/crun', 'crun'], unshare];
    case 'docker-userns': return [...docker, unshare];
    default: return docker;
  }
}

/** Every engine binary this module needs, or the first one missing with its package. */
export function engineStaticCheck(engine: EngineName): string | null {
  for (const [file, pkg] of engineFiles(engine)) if (!existsSync(file)) return `${file} is missing (apt-get install ${pkg}; scripts/setup-runtimes.sh installs it)`;
  if (process.getuid?.() !== 0) return 'the engines need root';
  return null;
}

function dindRoot(dir: string): void {
  for (const d of ['usr', 'etc', 'var/lib', 'run', 'tmp', 'proc', 'sys', 'dev', 'root']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  for (const l of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${l}`, join(dir, l));
}

async function startLab(seaPath: string, which: Set<EngineName>): Promise<Lab> {
  const work = mkdtempSync(join(tmpdir(), 'sbx-engines-'));
  const roots: Record<string, string> = buildImageRoots(work, { bin: seaPath });
  const wantDocker = which.has('docker') || which.has('dind');
  const wantPodman = which.has('podman') || which.has('podman-crun');
  const [docker, dockerUserns, podman] = await Promise.all([
    wantDocker ? (engineStaticCheck('docker') ?? startDocker({ 'sbx-recon-sh': roots['sbx-recon-sh']! })) : 'not needed',
    which.has('docker-userns') ? (engineStaticCheck('docker-userns') ?? startDocker({ 'sbx-recon-sh': roots['sbx-recon-sh']! }, { usernsRemap: DOCKER_USERNS_REMAP })) : 'not needed',
    wantPodman ? (engineStaticCheck('podman') ?? startPodman({})) : 'not needed',
  ]);
  for (const e of [docker, dockerUserns]) if (typeof e !== 'string' && e.pid) PIDS.add(e.pid);
  for (const e of [docker, dockerUserns, podman]) if (typeof e !== 'string') await importImage(e.cli, RECON_IMAGE, roots['sbx-recon']!, RECON_CHANGES);
  let dind: Lab['dind'] = null;
  if (which.has('dind') && typeof docker !== 'string') {
    try {
      const dr = join(work, 'dind-root');
      dindRoot(dr);
      await importImage(docker.cli, DIND_IMAGE, dr);
      const c = await docker.start('sbx-matrix-dind', DIND_IMAGE, DIND_OUTER_FLAGS, ['/usr/sbin/dockerd', '--iptables=false', '--bridge=none', '--ip-masq=false']);
      const up = await waitFor(async () => (await docker.exec(c, ['docker', 'version'])).code === 0, 40_000);
      if (!up) throw new Error(`the inner dockerd did not answer within 40 s: ${(await run([...docker.cli, 'logs', '--tail', '5', c])).stderr}`);
      // the inner dockerd's CLI, reached through the outer container: the same import as outside
      await importImage([...docker.cli, 'exec', '-i', c, 'docker'], RECON_IMAGE, roots['sbx-recon']!, RECON_CHANGES);
      dind = { container: c };
    } catch (e) {
      dind = { error: (e as Error).message };
    }
  }
  return { work, docker, dockerUserns, podman, dind, roots };
}

/** Starts the engines `which` needs (once per process); the image holds `seaPath`. */
export function ensureEngines(seaPath: string, which: EngineName[]): Promise<Lab> {
  lab ??= startLab(seaPath, new Set(which));
  return lab;
}

/** Stops every engine started here and removes their data (images included). */
export async function stopEngines(): Promise<void> {
  if (!lab) return;
  const l = await lab;
  lab = null;
  const stops: Promise<void>[] = [];
  // the outer DinD container goes with the private dockerd's containers (docker.stop removes them)
  for (const e of [l.docker, l.dockerUserns, l.podman]) if (typeof e !== 'string') stops.push(e.stop());
  await Promise.all(stops);
  for (const e of [l.docker, l.dockerUserns]) if (typeof e !== 'string' && e.pid) PIDS.delete(e.pid);
  rmSync(l.work, { recursive: true, force: true });
}

/** Why `engine` cannot run a case here, or null. Starts the engines if needed. */
export async function engineUnavailable(seaPath: string, engine: EngineName, all: EngineName[]): Promise<string | null> {
  const s = engineStaticCheck(engine);
  if (s) return s;
  const l = await ensureEngines(seaPath, all);
  if (engine === 'podman' || engine === 'podman-crun') return typeof l.podman === 'string' ? l.podman : null;
  if (engine === 'docker-userns') return typeof l.dockerUserns === 'string' ? l.dockerUserns : null;
  if (typeof l.docker === 'string') return l.docker;
  if (engine === 'dind') return !l.dind ? 'Docker-in-Docker was not started' : 'error' in l.dind ? l.dind.error : null;
  return null;
}

let seq = 0;

/**
 * Runs the case: `argv` is the tool's arguments (inside: given to the image's entrypoint; via:
 * given to the bundle on this machine after --via). `bundle` is the bundle's path for via.
 */
export async function runInEngine(decl: EngineDecl, argv: string[], opts: { seaPath: string; bundle: string; all: EngineName[] }): Promise<RunResult> {
  const why = await engineUnavailable(opts.seaPath, decl.engine, opts.all);
  if (why) return { stdout: '', stderr: '', code: null, signal: null, ms: 0, skipped: `${decl.engine}: ${why}` };
  const l = await ensureEngines(opts.seaPath, opts.all);
  const docker = l.docker as Engine;
  const eng = decl.engine === 'podman' || decl.engine === 'podman-crun' ? (l.podman as Engine)
    : decl.engine === 'docker-userns' ? (l.dockerUserns as Engine) : docker;
  const name = `sbx-m-${decl.name}-${process.pid}-${++seq}`;
  if (decl.mode === 'via' && decl.engine === 'podman-crun') throw new Error('podman-crun: only inside mode is wired (each run needs its private mount namespace)');
  if (decl.mode === 'via') {
    const c = await eng.start(name, 'sbx-recon-sh', decl.runArgs);
    try {
      const argvVia = [process.execPath, opts.bundle, '--via', eng.via(c), ...argv];
      const r = await run(argvVia, { timeoutMs: 180_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
      return { ...r, argv: argvVia };
    } finally {
      await run([...eng.cli, 'rm', '-f', c], { timeoutMs: 60_000 });
    }
  }
  // inside: `run --rm -i`, stdin a pipe (run() never hands a host device)
  const podmanRun = (cli: string[]) => [...cli, 'run', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'];
  const prefix = decl.engine === 'dind'
    ? [...docker.cli, 'exec', '-i', (l.dind as { container: string }).container, 'docker', 'run']
    : decl.engine === 'podman' ? podmanRun(eng.cli)
      : decl.engine === 'podman-crun' ? podmanRun(withCrun(eng.cli)) : [...eng.cli, 'run'];
  if (decl.podmanSubids) {
    if (decl.engine !== 'podman') throw new Error(`${decl.name}: podmanSubids is wired for the podman engine only`);
    const file = join(l.work, `subids-${decl.podmanSubids.hostId}-${decl.podmanSubids.size}`);
    writeFileSync(file, `containers:${decl.podmanSubids.hostId}:${decl.podmanSubids.size}\n`, { mode: 0o644 });
    prefix.splice(0, prefix.length, ...podmanRun(withSubids(eng.cli, file)));
  }
  const full = [...prefix, '--rm', '-i', '--network', 'none', '--name', name, ...decl.runArgs, RECON_IMAGE, ...argv];
  const r = await run(full, { timeoutMs: 180_000 });
  return { ...r, argv: full };
}

/**
 * Podman's command line with crun as its OCI runtime. crun 1.8 refuses this machine's hybrid
 * cgroups ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"), so the
 * whole `podman run` (conmon, crun and the container with it) runs in a private mount namespace
 * where /sys/fs/cgroup/unified is unmounted, as the OCI harness does for crun (crun.ts): the
 * host's mount table is not touched, and Podman sees cgroup v1 as before.
 */
function withCrun(podmanCli: string[]): string[] {
  const cli = [...podmanCli];
  const i = cli.indexOf('--runtime');
  if (i >= 0) cli[i + 1] = 'crun';
  else cli.splice(1, 0, '--runtime', 'crun');
  return inPrivateMountNs(cli, ['if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then umount /sys/fs/cgroup/unified; fi']);
}

/**
 * Podman's command line with subordinate ids for --userns=auto: /etc/subuid and /etc/subgid
 * hold none here, and the harness adds none to the system. A file with the `containers` user's
 * range (the user --userns=auto allocates from, containers-storage.conf(5)) is bound over both in
 * a private mount namespace the whole `podman run` goes in; it vanishes with it.
 */
function withSubids(cli: string[], file: string): string[] {
  return inPrivateMountNs(cli, [`mount --bind '${file}' /etc/subuid`, `mount --bind '${file}' /etc/subgid`]);
}

/** `unshare -m` running `setup` lines, then `cli`. */
function inPrivateMountNs(cli: string[], setup: string[]): string[] {
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', [...setup, 'exec "$@"'].join('; '), 'sh', ...cli];
}

/** containers.conf's default_capabilities: what Podman grants (the engine's own declaration),
 *  or why it cannot be read — a machine without Podman has no containers.conf, and the matrix
 *  must then say what to install in that case's row, not stop with ENOENT. */
export function podmanDefaultCaps(): string[] | { missing: string } {
  const file = containersConf();
  if (!existsSync(file)) return { missing: engineStaticCheck('podman') ?? `${file} is missing` };
  const m = /^default_capabilities\s*=\s*\[([^\]]*)\]/m.exec(readFileSync(file, 'utf8'));
  if (!m) return { missing: `${file} has no default_capabilities` };
  return [...m[1]!.matchAll(/"([A-Z_]+)"/g)].map((x) => `CAP_${x[1]}`);
}
