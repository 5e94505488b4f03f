// /proc/self/status of a real restricted child: a seccomp filter that allows everything (so
// Seccomp: 2), no_new_privs, uid 65534, and a bounding set of NET_BIND_SERVICE only — what a
// Pod Security "restricted" pod looks like from inside, made without a container runtime.
import { spawnSync } from 'node:child_process';

export function restrictedChildStatus(): string {
  const py = [
    'import ctypes, os, struct, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'prog_insn = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0x7fff0000))',
    'class Prog(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]',
    'prog = Prog(1, ctypes.addressof(prog_insn))',
    'assert libc.prctl(38, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS"',
    'assert libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0, "PR_SET_SECCOMP"',
    'os.execvp(sys.argv[1], sys.argv[1:])',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', py, '/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
    '--bounding-set=-all,+net_bind_service', '--inh-caps=-all', 'cat', '/proc/self/status'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`restricted child failed: ${r.stderr}`);
  return r.stdout;
}
