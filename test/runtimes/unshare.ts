// util-linux unshare: user, pid, mount, ipc, uts and network namespaces, run as the unprivileged
// host user nobody (so host root is never mapped into the namespace). The namespace sees the host's
// mount tree; a shell inside, as namespace root, first makes every mount read-only (in its private
// copy only), then gives a fresh /proc, a private tmpfs /tmp and /dev/shm, the binds, and then
// runs the command — for a non-root uid in a nested user namespace that maps only that uid.
import { statSync } from 'node:fs';
import { cwdOf, envOf, extraMounts, inferSignal, resolveCaps, run, shQuote, timeoutOf } from './common.js';
import { NOBODY } from './bwrap.js';
import { UnsupportedCaseError, type CaseDecl, type RunResult } from './types.js';

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const FAIL = (what: string): string => `{ echo "sbx harness (unshare): ${what}" >&2; exit 125; }`;

export function unshareArgv(decl: CaseDecl): string[] {
  if (!decl.readOnlyRoot) throw new UnsupportedCaseError('unshare', 'a writable root');
  if (decl.seccomp !== 'none' && decl.seccomp !== 'runtime-default') throw new UnsupportedCaseError('unshare', 'a seccomp profile');
  const caps = resolveCaps(decl);
  if (decl.uid !== 0 && caps.length) throw new UnsupportedCaseError('unshare', 'capabilities for a non-root uid');
  const tmpOpts = `nosuid,nodev,mode=1777${decl.noexecTmp ? ',noexec' : ''}`;
  const binds = extraMounts(decl);
  const L: string[] = ['set -eu'];
  // 1. Every mount of this private copy read-only, keeping its locked flags (nosuid, nodev, …).
  //    What cannot be remounted — a running engine's overlays and network namespaces (#12) — is
  //    detached from this private copy instead (lazily: its submounts go with it, and are then
  //    no mount points any more); only a mount that can be neither is a failure.
  L.push(
    `awk '{print $5, $6}' /proc/self/mountinfo | while read -r mp opts; do`,
    `  case "$mp" in /proc|/proc/*) continue ;; esac`,
    `  case ",$opts," in *,ro,*) continue ;; esac`,
    `  flags=$(printf %s "$opts" | sed 's/^rw,/ro,/; s/^rw$/ro/')`,
    `  mount -o "remount,bind,$flags" "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || ! mountpoint -q "$mp" 2>/dev/null || ${FAIL('cannot make $mp read-only')}`,
    `done`,
  );
  // 2. Sources of the binds kept reachable (a clone under /tmp is about to be covered).
  L.push('mount -t tmpfs -o mode=0700 sbx-stash /dev/shm');
  binds.forEach((b, i) => {
    L.push(isDir(b.source) ? `mkdir /dev/shm/s${i}` : `touch /dev/shm/s${i}`);
    L.push(`mount --bind ${shQuote(b.source)} /dev/shm/s${i}`);
  });
  // 3. Fresh /proc for the new pid namespace, private /tmp.
  const procOpts = ['nosuid', 'nodev', 'noexec', ...(decl.procOptions ?? [])].join(',');
  L.push(`mount -t proc -o ${procOpts} proc /proc`);
  L.push(`mount -t tmpfs -o ${tmpOpts} sbx-tmp /tmp`);
  if (decl.noSys) L.push('mount -t tmpfs -o ro,mode=0755 sbx-nosys /sys');
  // 4. Binds.
  binds.forEach((b, i) => {
    const d = shQuote(b.destination);
    if (b.destination === '/tmp' || b.destination.startsWith('/tmp/')) {
      L.push(isDir(b.source) ? `mkdir -p ${d}` : `mkdir -p "$(dirname ${d})"; touch ${d}`);
    } else {
      L.push(`[ -e ${d} ] || ${FAIL(`no mount point ${b.destination} in the read-only root`)}`);
    }
    L.push(`mount --bind /dev/shm/s${i} ${d}`);
    L.push(`mount -o remount,bind,${b.readonly ? 'ro' : 'rw'},nosuid,nodev ${d}`);
  });
  // 5. Masked paths, then the real /dev/shm over the stash.
  for (const p of decl.maskedPaths ?? []) {
    const q = shQuote(p);
    L.push(isDir(p) ? `mount -t tmpfs -o ro,mode=0755 sbx-mask ${q}` : `mount --bind /dev/null ${q}; mount -o remount,bind,ro ${q}`);
  }
  L.push(`mount -t tmpfs -o ${tmpOpts} sbx-shm /dev/shm`);
  L.push(`hostname ${shQuote(decl.hostname ?? 'sbx-unshare')}`);
  L.push(`cd ${shQuote(cwdOf(decl))}`);
  L.push('exec "$@"');

  const inner: string[] = [];
  if (decl.uid === 0) {
    // A new user namespace starts with the full bounding set (CAP_SYS_RESOURCE included, which
    // the host's lacks): always narrow it to the declared set.
    const keep = caps.map((c) => `+${c.slice(4).toLowerCase()}`).join(',');
    inner.push('setpriv', `--bounding-set=-all${keep ? `,${keep}` : ''}`, '--inh-caps=-all', '--');
    if (decl.gid !== 0) throw new UnsupportedCaseError('unshare', 'root with a non-zero gid');
  } else {
    // A nested user namespace that maps only the uid; its capabilities kept across exec
    // (--keep-caps) just long enough for setpriv to empty every set, the bounding set included.
    inner.push('unshare', '--user', `--map-user=${decl.uid}`, `--map-group=${decl.gid}`, '--keep-caps', '--');
    inner.push('setpriv', '--bounding-set=-all', '--inh-caps=-all', '--ambient-caps=-all', '--');
  }
  if (decl.noNewPrivileges) inner.push('setpriv', '--no-new-privs', '--');
  const env = Object.entries(envOf(decl)).map(([k, v]) => `${k}=${v}`);
  return [
    'setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--',
    'unshare', '--user', '--map-root-user', '--pid', '--fork', '--mount', '--propagation', 'private',
    '--ipc', '--uts', '--net', '--kill-child', '--',
    'sh', '-c', L.join('\n'), 'sh',
    ...inner, 'env', '-i', ...env, ...decl.command,
  ];
}

/** unshare keeps no state and writes nothing outside its namespaces: no temp dir needed. */
export async function runUnshare(decl: CaseDecl): Promise<RunResult> {
  return inferSignal(await run(unshareArgv(decl), { timeoutMs: timeoutOf(decl), stdin: decl.stdin }));
}
