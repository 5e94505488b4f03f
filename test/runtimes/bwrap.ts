// bubblewrap 0.8, run as an unprivileged user (nobody) the way Flatpak runs it: every namespace
// unshared, host root bound read-only, fresh /proc, /dev and a tmpfs /tmp.
//
// Why not as root: bwrap run by root with --unshare-user maps the sandbox uid to host root, and
// its --dev /dev is a tmpfs holding *bind mounts of the host's device nodes*: a probe owning
// /dev/null could then chmod the host's /dev/null. As nobody, host root is unmapped and the nodes
// are not the sandbox's to change.
import { statSync } from 'node:fs';
import { cwdOf, envOf, extraMounts, inferSignal, resolveCaps, run, timeoutOf } from './common.js';
import { UnsupportedCaseError, type CaseDecl, type RunResult } from './types.js';

/** The unprivileged host user bwrap and unshare run as. */
export const NOBODY = { uid: 65534, gid: 65534 };

export function bwrapArgv(decl: CaseDecl): string[] {
  if (!decl.readOnlyRoot) throw new UnsupportedCaseError('bwrap', 'a writable root (bwrap 0.8 has no --tmp-overlay)');
  if (!decl.noNewPrivileges) throw new UnsupportedCaseError('bwrap', 'noNewPrivileges: false (bwrap always sets no_new_privs)');
  if (decl.seccomp !== 'none' && decl.seccomp !== 'runtime-default') {
    throw new UnsupportedCaseError('bwrap', 'a seccomp profile (bwrap takes compiled BPF only)');
  }
  if (decl.procOptions?.length) throw new UnsupportedCaseError('bwrap', '/proc mount options');
  const caps = resolveCaps(decl);
  const a = [
    'setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--',
    'bwrap', '--unshare-all', '--unshare-user', '--uid', String(decl.uid), '--gid', String(decl.gid),
    '--cap-drop', 'ALL', ...caps.flatMap((c) => ['--cap-add', c]),
    '--die-with-parent', '--new-session',
    '--hostname', decl.hostname ?? 'sbx-bwrap',
    '--ro-bind', '/', '/',
    '--proc', '/proc',
    '--dev', '/dev',
  ];
  if (decl.noSys) a.push('--tmpfs', '/sys', '--remount-ro', '/sys');
  a.push('--tmpfs', '/tmp');
  if (decl.noexecTmp) {
    // bwrap has no mount flags for its tmpfs: say so rather than pretend.
    throw new UnsupportedCaseError('bwrap', 'noexec /tmp and /dev/shm');
  }
  for (const m of extraMounts(decl)) a.push(m.readonly ? '--ro-bind' : '--bind', m.source, m.destination);
  for (const p of decl.maskedPaths ?? []) {
    // Directories: an empty read-only tmpfs; files: /dev/null bound read-only (no chmod through it).
    if (isDir(p)) a.push('--tmpfs', p, '--remount-ro', p);
    else a.push('--ro-bind', '/dev/null', p);
  }
  a.push('--clearenv');
  for (const [k, v] of Object.entries(envOf(decl))) a.push('--setenv', k, v);
  a.push('--chdir', cwdOf(decl), '--', ...decl.command);
  return a;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** bwrap keeps no state and writes nothing outside its own namespaces: no temp dir needed. */
export async function runBwrap(decl: CaseDecl): Promise<RunResult> {
  return inferSignal(await run(bwrapArgv(decl), { timeoutMs: timeoutOf(decl), stdin: decl.stdin }));
}
