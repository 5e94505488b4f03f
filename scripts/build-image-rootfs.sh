#!/usr/bin/env bash
# Assembles the recon image's root filesystem as a directory (and optionally a tarball), from the
# host: exactly what the Dockerfile's final stage holds — the Dockerfile runs this very script in
# its build stage and copies the result into an empty (scratch) image.
#
#   scripts/build-image-rootfs.sh [--bin FILE] [--helper FILE] [--tar FILE] OUTDIR
#
#   --bin     the single executable (default dist/sbx-detect)
#   --helper  the static helper (default dist/sbx-helper)
#   --tar     also write OUTDIR as a reproducible tarball (root-owned, mtime 0)
#
# Contents:
#   /usr/local/libexec/sbx-detect/sbx-detect, the single executable, and sbx-helper beside it
#     (found without extraction, so a read-only root needs no writable, exec-capable directory)
#   /usr/local/bin/sbx-detect -> that sbx-helper: started under this name the helper is the
#     launcher (src/helper/launcher.c), which checks that Node can make threads here and then
#     execs the single executable — or says why not and what works (exit 6), instead of Node's
#     stack dump; /usr/local/bin/sbx-helper -> the same file, for --helper-path
#   the shared libraries the executable needs, at the paths `ldd` names (glibc, libstdc++, libgcc_s,
#     libm, the dynamic loader)
#   /etc/passwd and /etc/group with the user and group 20000 only
#   empty /proc, /sys, /dev, /tmp: mount points, so a runtime never has to create them in a
#     read-only root
# Nothing else: no shell, no package manager.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/dist/sbx-detect"
helper="$here/dist/sbx-helper"
tar=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --helper) helper="$2"; shift 2 ;;
    --tar) tar="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "build-image-rootfs: unknown option $1" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "build-image-rootfs: one OUTDIR only" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
[ -n "$out" ] || { echo "usage: $0 [--bin FILE] [--helper FILE] [--tar FILE] OUTDIR" >&2; exit 2; }
for f in "$bin" "$helper"; do
  [ -f "$f" ] && [ -x "$f" ] || { echo "build-image-rootfs: $f is missing or not executable (run npm run build)" >&2; exit 1; }
done
# Never write into (let alone clear) a directory that has something in it.
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "build-image-rootfs: $out exists and is not empty" >&2
  exit 1
fi

umask 022
mkdir -p "$out"
out="$(cd "$out" && pwd)"
mkdir -p "$out/usr/local/bin" "$out/usr/local/libexec/sbx-detect" "$out/etc" "$out/proc" "$out/sys" "$out/dev" "$out/tmp"
chmod 1777 "$out/tmp"
install -m 0755 "$bin" "$out/usr/local/libexec/sbx-detect/sbx-detect"
install -m 0755 "$helper" "$out/usr/local/libexec/sbx-detect/sbx-helper"
ln -s ../libexec/sbx-detect/sbx-helper "$out/usr/local/bin/sbx-detect"
ln -s ../libexec/sbx-detect/sbx-helper "$out/usr/local/bin/sbx-helper"

# Libraries: every "name => /path (addr)" and "/path (addr)" line of ldd, vdso excepted.
copy_libs() {
  local file="$1" listing
  if ! listing="$(ldd "$file" 2>&1)"; then
    case "$listing" in
      *"not a dynamic executable"*|*"statically linked"*) return 0 ;;
      *) echo "build-image-rootfs: ldd $file: $listing" >&2; exit 1 ;;
    esac
  fi
  case "$listing" in *"statically linked"*) return 0 ;; esac
  if printf '%s\n' "$listing" | grep -q 'not found'; then
    echo "build-image-rootfs: $file needs libraries this host lacks:" >&2
    printf '%s\n' "$listing" | grep 'not found' >&2
    exit 1
  fi
  printf '%s\n' "$listing" | sed -n -e 's/^.*=> \(\/[^ ]*\) (0x[0-9a-f]*)$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x[0-9a-f]*)$/\1/p' |
    while read -r lib; do
      mkdir -p "$out$(dirname "$lib")"
      # the file itself under the name the loader asks for (symlinks resolved)
      install -m 0755 "$(readlink -f "$lib")" "$out$lib"
    done
}
copy_libs "$bin"
copy_libs "$helper"

printf 'sbx:x:20000:20000:sbx-detect:/nonexistent:/sbin/nologin\n' >"$out/etc/passwd"
printf 'sbx:x:20000:\n' >"$out/etc/group"
chmod 0644 "$out/etc/passwd" "$out/etc/group"
if [ "$(id -u)" = 0 ]; then chown -R 0:0 "$out"; fi

if [ -n "$tar" ]; then
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$out" -cf "$tar" .
fi
echo "built $out${tar:+ and $tar}: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"
