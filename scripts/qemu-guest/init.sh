#!/bin/busybox sh
# /init (PID 1) of the sbx-detect QEMU guest: a stand-in for a Kata Containers guest.
#
# Packed into the initramfs by build-initramfs.mjs together with a static busybox
# and the virtio/9p kernel modules (listed, in load order, in /modules/order).
#
# Layout it sets up:
#   - the 9p share `kataShared` (the host's `/`, read-only; Kata's root share tag,
#     kata_agent.go mountGuestTag) mounted at /newroot, with fresh /proc, /sys,
#     /sys/fs/cgroup (cgroup2, read-only), /dev (+ /dev/pts, /dev/shm), and
#     tmpfs /tmp and /run on top of it;
#   - the 9p share `sbxjob` (a private, writable host temp dir) mounted at /job,
#     OUTSIDE /newroot so that the commands never see it.
# Then it sources /job/run.sh (written by test/runtimes/qemu.ts): one `sbx_run`
# line per command. Each command runs chrooted into /newroot; its stdout, stderr
# and exit code go to files under /job/out (not through the console, so nothing
# is mixed with kernel noise or truncated). Console lines starting with `SBX-`
# are progress markers the host timestamps.
# Finally the guest powers off (`poweroff -f`). Should /init ever exit, the
# kernel panics, `panic=1` reboots, and QEMU's -no-reboot turns that into an exit.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /newroot /job
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

die() {
  echo "SBX-GUEST-FAIL $*"
  sync
  poweroff -f
  sleep 10
  exit 1
}

mount -t proc proc /proc || die "mount /proc"
mount -t sysfs sysfs /sys || die "mount /sys"
mount -t devtmpfs devtmpfs /dev || die "mount /dev"

for m in $(cat /modules/order); do
  insmod "/modules/$m" || die "insmod $m"
done

# Mount a 9p tag, retrying briefly in case the virtio device is still probing.
mount9p() {
  tag=$1; dir=$2; opts=$3; n=0
  while ! mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$opts" "$tag" "$dir" 2>/tmp/mount.err; do
    n=$((n + 1))
    if [ "$n" -ge 50 ]; then die "mount 9p $tag: $(cat /tmp/mount.err)"; fi
    sleep 0.1
  done
}
mount9p sbxjob /job "rw,cache=none"
mount9p kataShared /newroot "ro,nodev,cache=loose"

mount -t proc proc /newroot/proc || die "mount /newroot/proc"
mount -t sysfs sysfs /newroot/sys || die "mount /newroot/sys"
# a container sees its cgroup tree; this guest kernel's default is the unified (v2) one
mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 /newroot/sys/fs/cgroup || die "mount /newroot/sys/fs/cgroup"
mount -t devtmpfs devtmpfs /newroot/dev || die "mount /newroot/dev"
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /newroot/dev/pts || die "mount /newroot/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm || die "mount /newroot/dev/shm"
# The checkout may itself live under /tmp or /run (a CI clone can): park it before the fresh
# tmpfs covers it, and bind it back at the same path afterwards.
project=""
if [ -s /job/project-dir ]; then
  project=$(cat /job/project-dir)
  mkdir -p /keep
  mount -o bind "/newroot$project" /keep || die "bind $project"
fi
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || die "mount /newroot/tmp"
mount -t tmpfs -o mode=755 tmpfs /newroot/run || die "mount /newroot/run"
if [ -n "$project" ]; then
  mkdir -p "/newroot$project" 2>/dev/null || true
  mount -o bind /keep "/newroot$project" || die "bind back $project"
fi
mkdir -p /job/out

# sbx_run INDEX WORD...: run WORD... with stdin /dev/null, stdout/stderr/exit code
# to /job/out/INDEX.{stdout,stderr,code}. WORD... is built by qemu.ts: `[unshare
# -p -f -m -u -i busybox sh -c 'fresh /proc; hostname; exec "$@"' ...] env -i
# VAR=... busybox chroot /newroot /bin/sh -c 'cd "$1"; shift; exec "$@"' sh CWD ARGV...`
sbx_run() {
  i=$1; shift
  echo "SBX-CMD-START $i"
  "$@" </dev/null >"/job/out/$i.stdout" 2>"/job/out/$i.stderr"
  echo "$?" >"/job/out/$i.code"
  echo "SBX-CMD-END $i"
}

echo "SBX-GUEST-READY $(cut -d' ' -f1 /proc/uptime)"
if [ -f /job/run.sh ]; then
  . /job/run.sh
else
  echo "SBX-GUEST-FAIL no /job/run.sh"
fi
echo "SBX-GUEST-DONE $(cut -d' ' -f1 /proc/uptime)"
: >/job/done
sync
umount /job
poweroff -f
sleep 10
