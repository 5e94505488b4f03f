// OCI bundle for runc, crun and runsc, written from the case declaration (no `runc spec`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cwdOf, envOf, extraMounts, resolveCaps } from './common.js';
import { dockerDefaultOci } from './docker-seccomp.js';
import type { CaseDecl, OciSeccomp } from './types.js';

/** Docker's masked and read-only /proc, /sys paths (moby oci/defaults.go). */
export const DOCKER_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];
export const DOCKER_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

export function ociSeccompOf(decl: CaseDecl): OciSeccomp | undefined {
  const s = decl.seccomp;
  if (s === 'none' || s === 'runtime-default') return undefined;
  if (s === 'docker-default') return dockerDefaultOci({ arch: process.arch === 'arm64' ? 'arm64' : 'x86_64', caps: resolveCaps(decl) });
  return s.oci;
}

interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export function tmpOptions(decl: CaseDecl): string[] {
  return ['nosuid', 'nodev', 'mode=1777', ...(decl.noexecTmp ? ['noexec'] : [])];
}

const SETPRIV_CAPS = ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'];

/** argv taking the declared uid, gid and capabilities (from a root process that has them). */
export function setprivArgv(uid: number, gid: number, caps: string[]): string[] {
  const list = caps.map((c) => `+${c.slice(4).toLowerCase()}`).join(',');
  const a = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', `--bounding-set=-all${list ? `,${list}` : ''}`, `--inh-caps=-all${uid !== 0 && list ? `,${list}` : ''}`];
  if (uid !== 0 && list) a.push(`--ambient-caps=${list}`);
  return [...a, '--'];
}

/** The namespaces the bundle gives the container (runtime-spec `linux.namespaces` types). */
export function ociNamespaces(decl: CaseDecl): string[] {
  return ['pid', 'network', 'ipc', 'uts', 'mount', ...(decl.userns ? ['user'] : [])];
}

export function ociConfig(
  decl: CaseDecl,
  rootPath: string,
  id: string,
): Record<string, unknown> {
  const declCaps = resolveCaps(decl);
  const init = decl.rootInit ?? false;
  const caps = init ? [...new Set([...declCaps, ...SETPRIV_CAPS])] : declCaps;
  const nonRoot = !init && decl.uid !== 0;
  const uid = init ? 0 : decl.uid;
  const gid = init ? 0 : decl.gid;
  const args = init
    ? ['sh', '-c', '"$@"; rc=$?; exit $rc', 'sbx-init', ...setprivArgv(decl.uid, decl.gid, declCaps), ...decl.command]
    : decl.command;
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: decl.procOptions ?? [] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'nodev', 'mode=1777', 'size=65536k', ...(decl.noexecTmp ? ['noexec'] : [])] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  if (!decl.noSys) {
    mounts.push(
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    );
  }
  // /tmp first, so that a bind under /tmp (a clone in /tmp) lands on top of it.
  mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: tmpOptions(decl) });
  for (const m of extraMounts(decl)) {
    mounts.push({ destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.readonly ? 'ro' : 'rw'] });
  }
  const seccomp = ociSeccompOf(decl);
  const linux: Record<string, unknown> = {
    namespaces: ociNamespaces(decl).map((type) => ({ type })),
    ...(decl.userns && { uidMappings: decl.userns.uidMappings, gidMappings: decl.userns.gidMappings }),
    cgroupsPath: `/${id}`,
    maskedPaths: decl.maskedPaths ?? (decl.noSys ? DOCKER_MASKED_PATHS.filter((p) => !p.startsWith('/sys')) : DOCKER_MASKED_PATHS),
    readonlyPaths: DOCKER_READONLY_PATHS,
  };
  if (seccomp) linux.seccomp = seccomp;
  const env = Object.entries(envOf(decl)).map(([k, v]) => `${k}=${v}`);
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid, gid, additionalGids: [gid] },
      args,
      env,
      cwd: cwdOf(decl),
      capabilities: {
        bounding: caps,
        effective: caps,
        permitted: caps,
        // A non-root process keeps capabilities across execve only as ambient ones.
        inheritable: nonRoot ? caps : [],
        ambient: nonRoot ? caps : [],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }, ...(decl.rlimits ?? [])],
      noNewPrivileges: decl.noNewPrivileges,
    },
    root: { path: rootPath, readonly: decl.readOnlyRoot },
    hostname: decl.hostname ?? `sbx-${decl.runtime}`,
    mounts,
    linux,
  };
}

/** Writes BUNDLE/config.json under tmp and returns the bundle dir. */
export function writeBundle(decl: CaseDecl, tmp: string, rootPath: string, id: string): string {
  const bundle = join(tmp, 'bundle');
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(ociConfig(decl, rootPath, id), null, 2));
  return bundle;
}
