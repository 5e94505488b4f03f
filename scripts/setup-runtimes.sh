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

# Today's releases from Debian's next release (trixie), without touching the system's apt sources:
# a private apt state downloads the .debs, which are unpacked under /opt (dpkg -i would replace
# docker.io's containerd 1.6). runsc 20240729 (systrap, gVisor's default platform since 2023) sits
# beside bookworm's 20221219; containerd 1.7 runs as its own instance for the CRI pod tests, with
# the CRI API's .proto files for the test client.
TRIXIE_APT=/var/lib/sbx-detect/apt-trixie
TRIXIE_PACKAGES="runsc containerd golang-github-kubernetes-cri-api-dev golang-github-gogo-protobuf-dev"
trixie_apt() {
  apt-get -o Dir::Etc::sourcelist="$TRIXIE_APT/sources.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::lists="$TRIXIE_APT/lists" -o Dir::Cache="$TRIXIE_APT/cache" "$@"
}
unpack_trixie() { # PACKAGE DEST: the package's files under DEST, replacing what was there
  rm -rf "$2" && mkdir -p "$2" && dpkg-deb -x "$(ls "$TRIXIE_APT"/debs/"$1"_*.deb | head -1)" "$2"
}
if [ ! -x /opt/runsc-2024/runsc ] || [ ! -x /opt/containerd17/usr/bin/containerd ] || [ ! -f /opt/cri-proto/usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto ]; then
  echo "setup-runtimes: fetching from trixie: $TRIXIE_PACKAGES"
  mkdir -p "$TRIXIE_APT/lists/partial" "$TRIXIE_APT/cache/archives/partial" "$TRIXIE_APT/debs"
  echo 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main' > "$TRIXIE_APT/sources.list"
  trixie_apt update -qq
  chown _apt "$TRIXIE_APT/debs" 2>/dev/null || true # apt downloads as _apt where it can
  # $TRIXIE_PACKAGES is a list of words, split on purpose
  # shellcheck disable=SC2086
  (cd "$TRIXIE_APT/debs" && rm -f ./*.deb && trixie_apt download -qq $TRIXIE_PACKAGES)
  unpack_trixie runsc /opt/runsc-2024/pkg && install -D /opt/runsc-2024/pkg/usr/bin/runsc /opt/runsc-2024/runsc
  unpack_trixie containerd /opt/containerd17
  unpack_trixie golang-github-kubernetes-cri-api-dev /opt/cri-proto
  dpkg-deb -x "$(ls "$TRIXIE_APT"/debs/golang-github-gogo-protobuf-dev_*.deb | head -1)" /opt/cri-proto
fi

# What the harness relies on, checked plainly (a missing piece is named, never skipped).
fail=0
for b in runc crun runsc bwrap systemd-nspawn lxc-execute lxc-stop unshare setpriv newuidmap perl dockerd podman; do
  if ! command -v "$b" >/dev/null 2>&1; then echo "setup-runtimes: $b is missing" >&2; fail=1; fi
done
for f in /usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json /usr/share/lxc/config/common.conf \
  /opt/runsc-2024/runsc /opt/containerd17/usr/bin/containerd /opt/containerd17/usr/bin/ctr /opt/containerd17/usr/bin/containerd-shim-runc-v2 \
  /opt/cri-proto/usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto /opt/cri-proto/usr/share/gocode/src/github.com/gogo/protobuf/gogoproto/gogo.proto; do
  if [ ! -e "$f" ]; then echo "setup-runtimes: $f is missing" >&2; fail=1; fi
done
if ! grep -qw overlay /proc/filesystems; then
  modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || { echo "setup-runtimes: the kernel has no overlayfs" >&2; fail=1; }
fi
exit $fail
