#!/bin/sh
# Installs, as root, every Debian package the real-runtime tests need. Idempotent: apt is not
# touched when everything is already installed. Called by .ci/run.
set -eu

PACKAGES="runc crun runsc bubblewrap systemd-container lxc uidmap golang-github-docker-docker-dev
musl-tools qemu-system-x86 linux-image-amd64 busybox-static qemu-user-static gcc-aarch64-linux-gnu
libc6-dev-arm64-cross iproute2 time docker.io podman strace"

if [ "$(id -u)" != 0 ]; then
  echo "setup-runtimes: must run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=""
for p in $PACKAGES; do
  # "install ok installed" only; a removed-but-configured package counts as missing.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing="$missing $p"
  fi
done

# musl for aarch64 (multiarch): a 130 KiB aarch64 helper instead of 590 KiB with static glibc
if [ "$(dpkg-query -W -f='${Status}' musl-dev:arm64 2>/dev/null || true)" != "install ok installed" ]; then
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  missing="$missing musl-dev:arm64"
fi

if [ -z "$missing" ]; then
  echo "setup-runtimes: all packages present"
else
  echo "setup-runtimes: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
fi

# What the harness relies on, checked plainly (a missing piece is named, never skipped).
fail=0
for b in runc crun runsc bwrap systemd-nspawn lxc-execute lxc-stop unshare setpriv newuidmap perl dockerd podman; do
  if ! command -v "$b" >/dev/null 2>&1; then echo "setup-runtimes: $b is missing" >&2; fail=1; fi
done
for f in /usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json /usr/share/lxc/config/common.conf; do
  if [ ! -e "$f" ]; then echo "setup-runtimes: $f is missing" >&2; fail=1; fi
done
if ! grep -qw overlay /proc/filesystems; then
  modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || { echo "setup-runtimes: the kernel has no overlayfs" >&2; fail=1; }
fi
exit $fail
