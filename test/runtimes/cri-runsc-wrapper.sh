#!/bin/sh
# runsc for containerd's runc v2 shim (BinaryName): Debian ships no containerd-shim-runsc-v1, so
# the CRI harness (test/runtimes/cri.ts) runs gVisor pods through the runc shim with this wrapper.
# It is installed by the harness as WORK/bin/runsc with the three @…@ values filled in. Each fix was
# found by experiment on containerd 1.7.24 + runsc 20240729 (../shared/reference/cri-lab, and this
# harness's own tests: test/runtimes/cri.test.ts):
# 1) --network=host: runsc's default --network=sandbox refuses a pod in the host's network
#    namespace ("cannot run with network enabled in root network namespace").
# 2) No host device as stdio, ever: the shim starts its runtime with /dev/null for the stdio it
#    does not use, and runsc hands a container its own stdio (and chowns it). /dev/null, /dev/zero
#    become an empty pipe (stdin) or this harness's own log file (stdout, stderr).
# 3) runsc writes the SANDBOX's host pid into the pid-file of every container of the pod, so the
#    shim would never see an app container exit. `create` of a container (not the pod's sandbox)
#    puts a host "waiter" there instead: a process that lives exactly as long as the container
#    (runsc wait) and exits with its exit code (runsc wait prints the exit code, or 128+signal:
#    runsc/cmd/wait.go exitStatus). The shim is a subreaper, so the waiter becomes its child.
# 4) The app's stdout and stderr: the shim gives its output pipes to `create` (runc's init keeps
#    them), but runsc starts a container's process in `start`, with start's own stdio, and the shim
#    reads start's output to EOF (StartContainer would hang for the app's whole life). The waiter
#    keeps create's pipes open; `start` hands the app those very pipes (opened again through
#    /proc/WAITER/fd/1 and 2), so the shim copies the app's output into the CRI log as under runc,
#    and sees EOF when the container ends.
# 5) kill: runsc's "sandbox is not running" reads as runc's "container not running" (shim: NotFound).
RUNSC=@RUNSC@
STATE=@STATE@
LOG=@LOG@

# 2) stdio: a host device is replaced before anything runs
for fd in 0 1 2; do
  t=$(readlink "/proc/self/fd/$fd" 2>>"$LOG")
  case "$t" in
  /dev/*) case "$t" in /dev/pts/*) ;; *)
    if [ "$fd" = 0 ]; then swap_stdin=1; else eval "exec $fd>>\"\$LOG\""; fi ;;
  esac ;;
  esac
done
if [ -n "$swap_stdin" ]; then
  # again, with an empty pipe as stdin (its reader sees EOF at once)
  true | "$0" "$@"
  exit $?
fi

root=""; sub=""; bundle=""; pidfile=""; prev=""
for a in "$@"; do
  case "$prev" in --root) root="$a";; --bundle|-b) bundle="$a";; --pid-file) pidfile="$a";; esac
  case "$a" in create|start|kill|delete|exec|state|ps|pause|resume|update|events|features) [ -z "$sub" ] && sub="$a";; esac
  prev="$a"
done
eval "id=\${$#}"
mkdir -p "$STATE"

case "$sub" in
create)
  "$RUNSC" --network=host "$@" || exit $?
  if [ -n "$pidfile" ] && grep -q '"io.kubernetes.cri.container-type": *"container"' "$bundle/config.json" 2>>"$LOG"; then
    (
      # 3) and 4): fd 1 and 2 stay the shim's pipes; nothing of runsc's own writes to them
      exec 0<&-
      while "$RUNSC" --root "$root" state "$id" 2>>"$LOG" | grep -q '"status": *"created"'; do sleep 0.05; done
      st=$("$RUNSC" --root "$root" wait "$id" 2>>"$LOG" | sed -n 's/.*"exitStatus": *\([0-9]*\).*/\1/p')
      exit "${st:-137}"
    ) &
    echo $! > "$STATE/$id.waiter"
    printf %s $! > "$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
  fi
  exit 0 ;;
start)
  w=$(cat "$STATE/$id.waiter" 2>>"$LOG")
  if [ -n "$w" ]; then
    out=/proc/$w/fd/1; err=/proc/$w/fd/2
    # only pipes are handed on (a host device never is: 2)
    case "$(readlink "$out")" in pipe:*) ;; *) out=$LOG;; esac
    case "$(readlink "$err")" in pipe:*) ;; *) err=$LOG;; esac
    true | "$RUNSC" --network=host "$@" >>"$out" 2>>"$err"
    exit $?
  fi ;;
kill)
  o=$("$RUNSC" --network=host "$@" 2>&1); rc=$?
  if [ $rc -ne 0 ]; then
    case "$o" in *"not running"*|*"in state stopped"*) echo "container not running" >&2; exit 1;; esac
    printf '%s\n' "$o" >&2; exit $rc
  fi
  exit 0 ;;
delete)
  rm -f "$STATE/$id.waiter" ;;
esac
exec "$RUNSC" --network=host "$@"
