// LXC 5.0 `lxc-execute` (lxc-init as PID 1, the command its child) with a config of our own that
// includes Debian's common.conf, on the private overlay root (see private-root.ts), with an empty
// network, its state (-P) and log in the run's temp dir.
import { writeFileSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { cwdOf, envOf, extraMounts, inferSignal, makeTempDir, removeTempDir, resolveCaps, run, runId, timeoutOf } from './common.js';
import { inPrivateMountNs, rootPath } from './private-root.js';
import { UnsupportedCaseError, type CaseDecl, type RunResult } from './types.js';

export const LXC_COMMON_CONF = '/usr/share/lxc/config/common.conf';

export function lxcConfig(decl: CaseDecl, tmp: string, id: string): string {
  if (decl.seccomp !== 'none' && decl.seccomp !== 'runtime-default') {
    throw new UnsupportedCaseError('lxc', 'an OCI or Docker seccomp profile (only its own common.seccomp or none)');
  }
  if (decl.procOptions?.length) throw new UnsupportedCaseError('lxc', '/proc mount options');
  if (decl.maskedPaths?.length) throw new UnsupportedCaseError('lxc', 'masked paths');
  const caps = resolveCaps(decl);
  const tmpOpts = `rw,nosuid,nodev,mode=1777${decl.noexecTmp ? ',noexec' : ''}`;
  const L = [
    `lxc.include = ${LXC_COMMON_CONF}`,
    `lxc.uts.name = ${decl.hostname ?? 'sbx-lxc'}`,
    `lxc.rootfs.path = dir:${rootPath(tmp)}`,
    ...(decl.readOnlyRoot ? ['lxc.rootfs.options = ro'] : []),
    'lxc.net.0.type = empty',
    'lxc.console.path = none',
    'lxc.tty.max = 0',
    'lxc.autodev = 1',
    `lxc.init.uid = ${decl.uid}`,
    `lxc.init.gid = ${decl.gid}`,
    `lxc.init.cwd = ${cwdOf(decl)}`,
    `lxc.no_new_privs = ${decl.noNewPrivileges ? 1 : 0}`,
    // common.conf drops some capabilities; keep and drop cannot be combined: clear drop, then keep.
    'lxc.cap.drop =',
    `lxc.cap.keep = ${caps.length ? caps.map((c) => c.slice(4).toLowerCase()).join(' ') : 'none'}`,
  ];
  if (decl.seccomp === 'none') L.push('lxc.seccomp.profile =');
  if (decl.noSys) L.push('lxc.mount.auto =', 'lxc.mount.auto = cgroup:mixed proc:mixed');
  L.push(`lxc.mount.entry = tmpfs tmp tmpfs ${tmpOpts} 0 0`);
  L.push(`lxc.mount.entry = tmpfs dev/shm tmpfs ${tmpOpts},create=dir 0 0`);
  for (const m of extraMounts(decl)) {
    const rel = m.destination.replace(/^\/+/, '');
    if (/\s/.test(m.source) || /\s/.test(rel)) throw new UnsupportedCaseError('lxc', `a bind path with spaces (${m.source})`);
    L.push(`lxc.mount.entry = ${m.source} ${rel} none bind,${m.readonly ? 'ro' : 'rw'},create=dir 0 0`);
  }
  for (const [k, v] of Object.entries(envOf(decl))) L.push(`lxc.environment = ${k}=${v}`);
  void id;
  return L.join('\n') + '\n';
}

/**
 * LXC moves its monitor into an `lxc.pivot` cgroup in every hierarchy before it exits and leaves
 * it behind, empty. Remove it when empty (rmdir fails harmlessly while it is in use).
 */
export function removeLxcPivotCgroups(): void {
  let hier: string[] = [];
  try {
    hier = readdirSync('/sys/fs/cgroup');
  } catch {
    return;
  }
  for (const h of hier) {
    try {
      rmdirSync(join('/sys/fs/cgroup', h, 'lxc.pivot'));
    } catch {
      /* absent or busy */
    }
  }
}

async function killLxcLeftovers(id: string): Promise<void> {
  let hier: string[] = [];
  try {
    hier = readdirSync('/sys/fs/cgroup');
  } catch {
    return;
  }
  const dirs = hier.flatMap((h) => [`lxc.payload.${id}`, `lxc.monitor.${id}`].map((c) => join('/sys/fs/cgroup', h, c)));
  for (let attempt = 0; attempt < 20; attempt++) {
    const pids = new Set<number>();
    for (const d of dirs) {
      try {
        for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (p.trim()) pids.add(Number(p));
      } catch {
        /* no such cgroup */
      }
    }
    if (!pids.size) break;
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      /* absent or busy */
    }
  }
}

export async function runLxc(decl: CaseDecl): Promise<RunResult> {
  const tmp = makeTempDir('lxc');
  const id = runId(decl);
  const lxcpath = join(tmp, 'lxcpath');
  mkdirSync(lxcpath, { mode: 0o700 });
  const conf = join(tmp, `${id}.conf`);
  const log = join(tmp, 'lxc.log');
  const ns = (bindRoot: boolean): string[] => inPrivateMountNs({ tmp, writable: !decl.readOnlyRoot, bindRoot });
  try {
    writeFileSync(conf, lxcConfig(decl, tmp, id));
    const argv = [...ns(true), 'lxc-execute', '-P', lxcpath, '-n', id, '-f', conf, '-o', log, '-l', 'ERROR', '--', ...decl.command];
    return inferSignal(await run(argv, { timeoutMs: timeoutOf(decl), stdin: decl.stdin }));
  } finally {
    // After a timeout the container may still be up: stop it (a no-op when it is gone).
    await run([...ns(false), 'lxc-stop', '-P', lxcpath, '-n', id, '-k'], { timeoutMs: 30_000 });
    // If the monitor itself was killed (timeout), lxc-stop cannot reach it: kill what is left in
    // the container's own cgroup and remove its cgroups.
    await killLxcLeftovers(id);
    removeTempDir(tmp);
    removeLxcPivotCgroups();
  }
}
