#!/usr/bin/env bash
# Fetches what "Linux is the judge" boots (issue 15): Debian's current amd64 kernel
# (only vmlinuz and pci-stub.ko are kept) and busybox-static (only the binary).
# Usage: scripts/judge-assets.sh [CACHE_DIR] [--release CODENAME]
#   CACHE_DIR  default: $RIDMAP_JUDGE_CACHE, else .judge-cache/ in the repo; files go to CACHE_DIR/amd64.
#   --release  another Debian release's kernel (e.g. trixie on a Debian 12 host), read
#              through private package lists under CACHE_DIR/apt; files go to CACHE_DIR/amd64
#              too, so give it its own CACHE_DIR (e.g. .judge-cache/trixie) and point the tests
#              at it with RIDMAP_JUDGE_CACHE.
# Idempotent: a cache holding a kernel and busybox is reused without touching apt.
# Prints KEY=VALUE lines (cache, kernelVersion, vmlinuz, pciStub, busybox).
# No version is hard-coded: the kernel is whatever linux-image-amd64 depends on today,
# so the same script works on Debian 12 (6.1) and 13 (6.12).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RIDMAP_JUDGE_CACHE:-$repo/.judge-cache}"
release=""
while [ $# -gt 0 ]; do
  case "$1" in
    --release) release="${2:?--release needs a Debian codename}"; shift 2 ;;
    -*) echo "judge-assets: unknown option $1" >&2; exit 2 ;;
    *) cache="$1"; shift ;;
  esac
done
arch=amd64
mkdir -p "$cache/$arch"
cache="$(cd "$cache" && pwd)"
dest="$cache/$arch"

if [ -n "$release" ]; then
  # apt with its own sources, lists and status: the host's configuration is not touched.
  apt_dir="$cache/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d"
  : >"$apt_dir/status"
  printf 'deb http://deb.debian.org/debian %s main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    "$release" "$release" >"$apt_dir/sources.list"
  printf '%s\n' \
    "Dir::State::Lists \"$apt_dir/lists\";" \
    "Dir::State::status \"$apt_dir/status\";" \
    "Dir::Etc::SourceList \"$apt_dir/sources.list\";" \
    "Dir::Etc::SourceParts \"$apt_dir/sources.list.d\";" \
    "Dir::Cache \"$apt_dir/cache\";" >"$apt_dir/apt.conf"
  export APT_CONFIG="$apt_dir/apt.conf"
fi

report() {
  echo "cache=$dest"
  echo "kernelVersion=$(cat "$dest/kernel-version")"
  echo "vmlinuz=$dest/vmlinuz"
  if [ -f "$dest/pci-stub.ko" ]; then echo "pciStub=$dest/pci-stub.ko"; else echo "pciStub="; fi
  echo "busybox=$dest/busybox"
}

if [ -s "$dest/vmlinuz" ] && [ -s "$dest/busybox" ] && [ -s "$dest/kernel-version" ]; then
  report
  exit 0
fi

# The kernel image package the metapackage points at (e.g. linux-image-6.1.0-57-amd64).
# On releases where it is signed, the dependency is still a plain linux-image-* package.
resolve_kernel_package() {
  # Empty (not a failure) without package lists: the caller then updates them.
  { apt-cache depends "linux-image-$arch" 2>/dev/null || true; } \
    | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; a world-writable directory keeps it quiet.
chmod 777 "$work"

download() {
  (cd "$work" && apt-get download -qq "$@" >/dev/null 2>&1)
}

pkg="$(resolve_kernel_package)"
if [ -z "$pkg" ] || ! download "$pkg" busybox-static; then
  # A fresh machine has no package lists yet (or stale ones naming a superseded version).
  apt-get update -qq
  pkg="$(resolve_kernel_package)"
  [ -n "$pkg" ] || { echo "judge-assets: apt-cache names no kernel for linux-image-$arch" >&2; exit 2; }
  download "$pkg" busybox-static || { echo "judge-assets: apt-get download $pkg busybox-static failed" >&2; exit 2; }
fi

kdeb="$(ls "$work"/linux-image-*.deb | head -1)"
bdeb="$(ls "$work"/busybox-static_*.deb | head -1)"
mkdir -p "$work/k" "$work/b"
dpkg-deb --fsys-tarfile "$kdeb" \
  | tar -x -C "$work/k" --wildcards './boot/vmlinuz-*' '*/kernel/drivers/pci/pci-stub.ko*'
# ./bin/busybox on Debian 12, ./usr/bin/busybox on 13 (merged /usr).
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$work/b" --wildcards '*bin/busybox'

vmlinuz="$(ls "$work"/k/boot/vmlinuz-* | head -1)"
version="${vmlinuz##*/vmlinuz-}"
stub="$(find "$work/k" -name 'pci-stub.ko*' | head -1)"
if [ -n "$stub" ]; then
  # Busybox's insmod reads plain ELF only; Debian 13 compresses modules with xz.
  case "$stub" in
    *.xz) xz -dc "$stub" >"$dest/pci-stub.ko.tmp" ;;
    *.zst) zstd -qdc "$stub" >"$dest/pci-stub.ko.tmp" ;;
    *) cp "$stub" "$dest/pci-stub.ko.tmp" ;;
  esac
  mv "$dest/pci-stub.ko.tmp" "$dest/pci-stub.ko"
fi
cp "$(find "$work/b" -name busybox -type f | head -1)" "$dest/busybox.tmp" && mv "$dest/busybox.tmp" "$dest/busybox"
cp "$vmlinuz" "$dest/vmlinuz.tmp" && mv "$dest/vmlinuz.tmp" "$dest/vmlinuz"
# Written last: its presence says the cache is complete.
echo "$version" >"$dest/kernel-version"
report
