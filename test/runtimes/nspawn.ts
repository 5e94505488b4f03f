// systemd-nspawn 252 without systemd as PID 1 on the host (--register=no --keep-unit), on the
// private overlay root (see private-root.ts), the command itself as the container's PID 1.
// --timezone=off: otherwise it fails on /etc/localtime; --user= would need the uid in
// /etc/passwd, so a non-root uid is taken with setpriv inside instead.
import { rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { cwdOf, envOf, extraMounts, inferSignal, makeTempDir, removeTempDir, resolveCaps, run, timeoutOf, CAP_NAMES } from './common.js';
import { inPrivateMountNs, rootPath } from './private-root.js';
import { UnsupportedCaseError, type CaseDecl, type RunResult } from './types.js';

export function nspawnArgv(decl: CaseDecl, tmp: string): string[] {
  if (decl.seccomp !== 'none' && decl.seccomp !== 'runtime-default') {
    throw new UnsupportedCaseError('nspawn', 'an OCI or Docker seccomp profile (only its own filter or none)');
  }
  if (decl.procOptions?.length) throw new UnsupportedCaseError('nspawn', '/proc mount options');
  if (decl.noSys) throw new UnsupportedCaseError('nspawn', 'a missing /sys');
  const caps = resolveCaps(decl);
  const nonRoot = decl.uid !== 0 || decl.gid !== 0;
  // A non-root uid is taken by setpriv inside, which needs SETUID, SETGID and SETPCAP (for the
  // bounding set) from nspawn; it then narrows everything to `caps`.
  const nspawnCaps = nonRoot ? [...new Set([...caps, 'CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'])] : caps;
  // retain = (nspawn's default | --capability) & ~--drop-capability: ask for exactly `caps`.
  const drop = CAP_NAMES.filter((c) => !nspawnCaps.includes(c));
  const tmpOpts = `mode=1777,nosuid,nodev${decl.noexecTmp ? ',noexec' : ''}`;
  const a = [
    'systemd-nspawn', '-q', '--register=no', '--keep-unit', '--console=pipe', '--timezone=off',
    '--resolv-conf=off', '--link-journal=no', '--private-network',
    '-D', rootPath(tmp),
    ...(decl.readOnlyRoot ? ['--read-only'] : []),
    `--hostname=${decl.hostname ?? 'sbx-nspawn'}`,
    `--tmpfs=/tmp:${tmpOpts}`,
    `--tmpfs=/dev/shm:${tmpOpts}`,
    ...(nspawnCaps.length ? [`--capability=${nspawnCaps.join(',')}`] : []),
    ...(drop.length ? [`--drop-capability=${drop.join(',')}`] : []),
    `--no-new-privileges=${decl.noNewPrivileges ? 'yes' : 'no'}`,
    `--chdir=${cwdOf(decl)}`,
  ];
  for (const m of extraMounts(decl)) a.push(`${m.readonly ? '--bind-ro' : '--bind'}=${m.source}:${m.destination}`);
  for (const p of decl.maskedPaths ?? []) a.push(`--inaccessible=${p}`);
  for (const [k, v] of Object.entries(envOf(decl))) a.push(`--setenv=${k}=${v}`);
  a.push('--');
  if (nonRoot) {
    const list = caps.map((c) => `+${c.slice(4).toLowerCase()}`).join(',');
    a.push('setpriv', `--reuid=${decl.uid}`, `--regid=${decl.gid}`, '--clear-groups', `--bounding-set=-all${list ? `,${list}` : ''}`);
    a.push(`--inh-caps=-all${list ? `,${list}` : ''}`);
    if (caps.length) a.push(`--ambient-caps=${list}`);
    a.push('--');
  }
  a.push(...decl.command);
  return a;
}

export async function runNspawn(decl: CaseDecl): Promise<RunResult> {
  const tmp = makeTempDir('nspawn');
  try {
    const argv = [...inPrivateMountNs({ tmp, writable: !decl.readOnlyRoot }), ...nspawnArgv(decl, tmp)];
    const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
    if (decl.seccomp === 'none') env.SYSTEMD_SECCOMP = '0';
    return inferSignal(await run(argv, { timeoutMs: timeoutOf(decl), stdin: decl.stdin, env }));
  } finally {
    removeTempDir(tmp);
    removeNspawnCgroups();
  }
}

/**
 * Without systemd, nspawn --keep-unit makes `payload` and `supervisor` cgroups under its own
 * (the root one here) in the named systemd and cgroup2 hierarchies, and leaves them: remove them
 * when empty (rmdir fails harmlessly while in use).
 */
export function removeNspawnCgroups(): void {
  for (const h of ['systemd', 'unified']) {
    for (const c of ['payload', 'supervisor']) {
      try {
        rmdirSync(join('/sys/fs/cgroup', h, c));
      } catch {
        /* absent or busy */
      }
    }
  }
}
