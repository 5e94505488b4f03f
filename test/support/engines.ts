// Real container engines for the --via tests: a private dockerd (its own socket, data root and
// config, so nothing of a system Docker is touched) with runsc registered twice (plain, and
// --oci-seccomp so gVisor enforces the profile), and Podman with private storage. Images come
// from `docker import` of root filesystems built here:
//   sbx-busybox   static busybox only: no glibc, Node cannot run there
//   sbx-recon     the recon image root (scripts/build-image-rootfs.sh: the single executable,
//                 the helper beside it, glibc), no shell
//   sbx-recon-sh  the same plus busybox's sh, head, wc, …: the tool can run inside, and --via
//                 can upload its helper (this is the equivalence image)
// Every container runs with -i: without it runsc chowns the host's /dev/null (lab notes).
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../runtimes/common.js';
import type { RunResult } from '../runtimes/types.js';
import { RUNSC_2024 } from '../runtimes/runsc.js';
import { PROJECT } from './built.js';

export const BUSYBOX_APPLETS = ['sh', 'true', 'head', 'wc', 'cat', 'mkdir', 'chmod', 'rm', 'uname', 'sleep', 'ls', 'test', '['];
const BUSYBOX = '/bin/busybox';

export interface Engine {
  name: 'docker' | 'podman';
  /** the engine's command line, private socket or storage included */
  cli: string[];
  /** the --via string for a container */
  via(container: string): string;
  /** `docker run -d -i …`; returns the container name */
  start(name: string, image: string, extra?: string[], command?: string[]): Promise<string>;
  exec(container: string, argv: string[], stdin?: string): Promise<RunResult>;
  stop(): Promise<void>;
  /** the daemon's pid (dockerd), for a synchronous last-resort kill when the process exits */
  pid?: number;
}

const q = (s: string) => (/^[A-Za-z0-9_./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function busyboxRoot(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'etc', 'run']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'tmp'), 0o1777);
  cpSync(BUSYBOX, join(dir, 'bin/busybox'));
  for (const a of BUSYBOX_APPLETS) if (!existsSync(join(dir, 'bin', a))) symlinkSync('busybox', join(dir, 'bin', a));
}

/** Builds the three image roots under `work` and returns their directories. */
export function buildImageRoots(work: string, opts: { bin?: string } = {}): Record<'sbx-busybox' | 'sbx-recon' | 'sbx-recon-sh', string> {
  const bb = join(work, 'busybox');
  busyboxRoot(bb);
  const recon = join(work, 'recon');
  execFileSync('bash', [join(PROJECT, 'scripts/build-image-rootfs.sh'), ...(opts.bin ? ['--bin', opts.bin] : []), recon], { stdio: 'ignore' });
  const reconSh = join(work, 'recon-sh');
  cpSync(recon, reconSh, { recursive: true, verbatimSymlinks: true });
  busyboxRoot(reconSh);
  return { 'sbx-busybox': bb, 'sbx-recon': recon, 'sbx-recon-sh': reconSh };
}

/** `docker import` (or podman's) of a root directory; `changes` are extra -c Dockerfile lines. */
export async function importImage(cli: string[], name: string, root: string, changes: string[] = []): Promise<void> {
  const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 30 });
  const r = await run([...cli, 'import', '-c', 'ENV PATH=/usr/local/bin:/bin', ...changes.flatMap((c) => ['-c', c]), '-', name], { stdin: tar, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${cli[0]} import ${name} failed: ${r.stderr}`);
}

/** Polls `check` until it holds or `ms` have passed. */
export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Docker's `--userns-remap=default` user: dockerd looks it up, and its subordinate ids, by name
 *  (moby daemon/daemon_unix.go parseRemappedRoot, pkg/idtools lookupSubUIDRanges). */
const DOCKREMAP = 'dockremap';

export interface UsernsRemap {
  /** the first host id of the range: container root is this uid (and gid) outside */
  hostId: number;
  /** how many ids the range holds */
  size: number;
}

/**
 * Files that make `--userns-remap=default` work without changing the system: /etc/passwd and
 * /etc/group with a dockremap entry, /etc/subuid and /etc/subgid with its range, written under
 * `dir` and bound over the real ones in the private mount namespace dockerd runs in (they vanish
 * with it). Returns the shell lines that bind them.
 */
function remapFiles(dir: string, remap: UsernsRemap): string[] {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const group = readFileSync('/etc/group', 'utf8');
  const used = new Set([...`${passwd}\n${group}`.matchAll(/^[^:\n]*:[^:\n]*:(\d+):/gm)].map((m) => Number(m[1])));
  let id = 64999;
  while (used.has(id)) id--;
  const withLine = (text: string, line: string) => `${text.replace(/\n?$/, '\n')}${line}\n`;
  const files: Record<string, string> = {
    passwd: passwd.includes(`\n${DOCKREMAP}:`) || passwd.startsWith(`${DOCKREMAP}:`) ? passwd : withLine(passwd, `${DOCKREMAP}:x:${id}:${id}::/nonexistent:/usr/sbin/nologin`),
    group: group.includes(`\n${DOCKREMAP}:`) || group.startsWith(`${DOCKREMAP}:`) ? group : withLine(group, `${DOCKREMAP}:x:${id}:`),
    subuid: `${DOCKREMAP}:${remap.hostId}:${remap.size}\n`,
    subgid: `${DOCKREMAP}:${remap.hostId}:${remap.size}\n`,
  };
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text, { mode: 0o644 });
    lines.push(`mount --bind ${q(join(dir, name))} /etc/${name}`);
  }
  return lines;
}

export interface DockerOptions {
  /**
   * dockerd --userns-remap=default, every container in a user namespace of its own whose root
   * is `hostId` outside. The dockremap user and its range exist only in the private mount
   * namespace dockerd runs in (remapFiles): /etc is not changed.
   */
  usernsRemap?: UsernsRemap;
}

/** Starts a private dockerd. Resolves an Engine, or the reason it cannot start. */
export async function startDocker(images: Record<string, string>, opts: DockerOptions = {}): Promise<Engine | string> {
  const dockerd = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find(existsSync);
  const docker = ['/usr/bin/docker'].find(existsSync);
  if (!dockerd || !docker) return 'docker.io is not installed (apt-get install docker.io)';
  const work = mkdtempSync(join(tmpdir(), 'sbx-dockerd-'));
  // the remapped root must be able to reach the data root (dockerd makes DATA/UID.GID itself)
  if (opts.usernsRemap) chmodSync(work, 0o711);
  const sock = join(work, 'docker.sock');
  const config = join(work, 'daemon.json');
  writeFileSync(config, JSON.stringify({
    runtimes: {
      runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none'] },
      'runsc-seccomp': { path: '/usr/bin/runsc', runtimeArgs: ['--network=none', '--oci-seccomp'] },
      // trixie's runsc 20240729 (scripts/setup-runtimes.sh): systrap, its default platform
      ...(existsSync(RUNSC_2024) && {
        'runsc-systrap': { path: RUNSC_2024, runtimeArgs: ['--network=none'] },
        'runsc-systrap-seccomp': { path: RUNSC_2024, runtimeArgs: ['--network=none', '--oci-seccomp'] },
        'runsc-2024-ptrace': { path: RUNSC_2024, runtimeArgs: ['--network=none', '--platform=ptrace'] },
      }),
    },
  }));
  const logFile = join(work, 'dockerd.log');
  const daemonArgv = `${q(dockerd)} --config-file ${q(config)} --data-root ${q(join(work, 'data'))} --exec-root ${q(join(work, 'exec'))} --pidfile ${q(join(work, 'dockerd.pid'))} -H unix://${q(sock)} --iptables=false --bridge=none`;
  // with --userns-remap: in a private mount namespace (unshare execs sh, sh execs dockerd: $! is
  // dockerd's pid) where the dockremap files are bound over /etc's; its mounts and its
  // containers' stay there too, and go with it
  const command = opts.usernsRemap
    ? `unshare --mount --propagation private -- sh -c ${q(['set -e', ...remapFiles(join(work, 'etc'), opts.usernsRemap), `exec ${daemonArgv} --userns-remap=default`].join('\n'))}`
    : daemonArgv;
  const daemon = execFileSync('sh', ['-c', `${command} > ${q(logFile)} 2>&1 & echo $!`], { encoding: 'utf8' }).trim();
  const pid = Number(daemon);
  const cli = [docker, '-H', `unix://${sock}`];
  const up = await waitFor(async () => (await run([...cli, 'version'], { timeoutMs: 5000 })).code === 0, 30_000);
  const stopDaemon = async () => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch { /* gone */ }
    await waitFor(async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 20_000);
    execFileSync('sh', ['-c', `grep -o ' ${work}/[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null; true`]);
    rmSync(work, { recursive: true, force: true });
  };
  if (!up) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-600) : '';
    await stopDaemon();
    return `dockerd did not answer within 30 s: ${log}`;
  }
  try {
    for (const [name, root] of Object.entries(images)) await importImage(cli, name, root);
  } catch (err) {
    await stopDaemon(); // a failed import must not leave the daemon running (seen once here)
    throw err;
  }
  const started: string[] = [];
  return {
    name: 'docker',
    pid,
    cli,
    via: (c) => [...cli, 'exec', '-i', c].map(q).join(' '),
    async start(name, image, extra = [], command = ['/bin/sleep', '3600']) {
      const r = await run([...cli, 'run', '-d', '-i', '--network', 'none', '--name', name, ...extra, image, ...command], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`docker run ${name} failed: ${r.stderr}`);
      started.push(name);
      return name;
    },
    exec: (c, argv, stdin) => run([...cli, 'exec', '-i', c, ...argv], { timeoutMs: 120_000, stdin }),
    async stop() {
      if (started.length) await run([...cli, 'rm', '-f', ...started], { timeoutMs: 60_000 });
      await stopDaemon();
    },
  };
}

/** Podman with private storage; the flags this machine needs (lab notes). */
export async function startPodman(images: Record<string, string>): Promise<Engine | string> {
  if (!existsSync('/usr/bin/podman')) return 'podman is not installed (apt-get install podman)';
  const work = mkdtempSync(join(tmpdir(), 'sbx-podman-'));
  // crun (podman's default) refuses this machine's hybrid cgroups; raising RLIMIT_NOFILE or
  // RLIMIT_NPROC past the host's is refused without CAP_SYS_RESOURCE
  const cli = ['/usr/bin/podman', '--root', join(work, 'root'), '--runroot', join(work, 'run'), '--runtime', 'runc', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
  const probe = await run([...cli, 'info'], { timeoutMs: 60_000 });
  if (probe.code !== 0) return `podman info failed: ${probe.stderr.slice(-400)}`;
  try {
    for (const [name, root] of Object.entries(images)) await importImage(cli, name, root);
  } catch (err) {
    return String(err);
  }
  const started: string[] = [];
  return {
    name: 'podman',
    cli,
    via: (c) => [...cli, 'exec', '-i', c].map(q).join(' '),
    async start(name, image, extra = [], command = ['/bin/sleep', '3600']) {
      const r = await run([...cli, 'run', '-d', '-i', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', '--name', name, ...extra, image, ...command], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`podman run ${name} failed: ${r.stderr}`);
      started.push(name);
      return name;
    },
    exec: (c, argv, stdin) => run([...cli, 'exec', '-i', c, ...argv], { timeoutMs: 120_000, stdin }),
    async stop() {
      if (started.length) await run([...cli, 'rm', '-f', '-t', '0', ...started], { timeoutMs: 60_000 });
      execFileSync('sh', ['-c', `grep -o ' ${work}/[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null; true`]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
