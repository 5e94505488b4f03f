// A root filesystem for a container without touching the host's mount table: the runtime is
// started inside `unshare --mount --propagation private`, and a shell there mounts an overlay
// whose lower layer is the host's `/` (the root filesystem alone: no /proc, /sys, /dev, /tmp of
// the host come along) at TMP/root. Read-only root: a second, empty lower layer and no upper
// (overlayfs needs two lower layers then). Writable root: an upper layer on a private tmpfs, so
// that writes never reach the host. Everything disappears with the mount namespace.
//
// The overlay is mounted inside a private tmpfs (TMP/ovl/root), not on a directory of the host's
// root filesystem, so that the container's root is not a directory of its own lower layer.
import { join } from 'node:path';
import { shQuote } from './common.js';

export interface PrivateRootOpts {
  tmp: string;
  writable: boolean;
  /** crun refuses hybrid cgroups: unmount the cgroup2 hierarchy in the private namespace. */
  dropUnifiedCgroup?: boolean;
  /** Bind the root at all (false for commands that only need the namespace, e.g. cleanup). */
  bindRoot?: boolean;
  /** The host's root filesystem itself, bound read-only (no overlay): a bare runtime's view. */
  hostRoot?: boolean;
}
/** Path of the root the runtime should use. */
export function rootPath(tmp: string): string {
  return join(tmp, 'ovl', 'root');
}

/** argv prefix: `unshare -m … sh -c SCRIPT sh`; append the runtime's argv after it. */
export function inPrivateMountNs(o: PrivateRootOpts): string[] {
  const t = shQuote(o.tmp);
  const root = `${t}/ovl/root`;
  const lines = ['set -eu'];
  if (o.dropUnifiedCgroup) {
    lines.push('if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then umount /sys/fs/cgroup/unified; fi');
  }
  if (o.bindRoot ?? true) {
    lines.push(
      `mkdir -p ${t}/ovl`,
      `mount -t tmpfs -o mode=0755 sbx-layers ${t}/ovl`,
      `mkdir ${t}/ovl/empty ${t}/ovl/upper ${t}/ovl/work ${t}/ovl/root`,
    );
    lines.push(
      o.hostRoot
        ? `mount --bind / ${root} && mount -o remount,bind,ro ${root}`
        : o.writable
          ? `mount -t overlay sbx-root -o lowerdir=/,upperdir=${t}/ovl/upper,workdir=${t}/ovl/work ${root}`
          : `mount -t overlay sbx-root -o ro,lowerdir=/:${t}/ovl/empty ${root}`,
    );
  }
  // runsc chowns its stdio to the sandbox user (nobody), and Go's os/exec gives a child whose
  // stdin is unset the host's /dev/null: a runsc run once left the host's /dev/null owned by
  // nobody. In this namespace /dev/null (and /dev/zero) are private nodes on a private tmpfs, so
  // whatever a runtime does to them stays here.
  lines.push(
    `mkdir -p ${t}/devs`,
    `mount -t tmpfs -o mode=0755 sbx-devs ${t}/devs`,
    `mknod -m 0666 ${t}/devs/null c 1 3`,
    `mknod -m 0666 ${t}/devs/zero c 1 5`,
    `mount --bind ${t}/devs/null /dev/null`,
    `mount --bind ${t}/devs/zero /dev/zero`,
  );
  // Runtimes keep locks and sockets under /run (LXC: /run/lxc/lock, nspawn: /run/systemd/…):
  // a private tmpfs there keeps every such write off the host. The container root is not affected
  // (the overlay does not see the host's submounts).
  lines.push('mount -t tmpfs -o mode=0755,nosuid,nodev sbx-run /run');
  lines.push('exec "$@"');
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', lines.join('\n'), 'sh'];
}
