#!/usr/bin/env bash
# Fetches what "Linux is the judge" boots (issue 15): a Debian kernel (only vmlinuz and
# the modules the judge loads are kept) and busybox-static (only the binary), for one
# architecture.
# Usage: scripts/judge-assets.sh [CACHE_DIR] [--arch amd64|arm64] [--release CODENAME]
#   CACHE_DIR  default: $RIDMAP_JUDGE_CACHE, else .judge-cache/ in the repo; files go to CACHE_DIR/<arch>.
#   --arch     the guest's architecture (default amd64). arm64 is read through private
#              package lists, so the host's dpkg configuration is never touched.
#   --release  another Debian release's kernel (e.g. trixie on a Debian 12 host), also
#              through private package lists under CACHE_DIR/apt-<release>-<arch>; files go to
#              CACHE_DIR/<arch> too, so give it its own CACHE_DIR (e.g. .judge-cache/trixie)
#              and point the tests at it with RIDMAP_JUDGE_CACHE.
# Idempotent: a cache holding a kernel and busybox is reused without touching apt.
# Prints KEY=VALUE lines (cache, kernelVersion, vmlinuz, modules, busybox, config).
# No version is hard-coded: the kernel is whatever linux-image-<arch> depends on today,
# so the same script works on Debian 12 (6.1) and 13 (6.12).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RIDMAP_JUDGE_CACHE:-$repo/.judge-cache}"
release=""
arch=amd64
while [ $# -gt 0 ]; do
  case "$1" in
    --release) release="${2:?--release needs a Debian codename}"; shift 2 ;;
    --arch) arch="${2:?--arch needs amd64 or arm64}"; shift 2 ;;
    -*) echo "judge-assets: unknown option $1" >&2; exit 2 ;;
    *) cache="$1"; shift ;;
  esac
done
case "$arch" in amd64|arm64) ;; *) echo "judge-assets: --arch $arch: amd64 or arm64" >&2; exit 2 ;; esac
# The modules /init loads, when the kernel has them as modules (built in or absent: skipped):
# pci-stub binds driverless devices (on arm64 a device gets a group only when a driver binds),
# virtio_iommu and arm_smmu_v3 are the IOMMU drivers Debian may build as modules.
wanted_modules=(pci-stub virtio_iommu arm_smmu_v3)
mkdir -p "$cache/$arch"
cache="$(cd "$cache" && pwd)"
dest="$cache/$arch"

host_arch="$(dpkg --print-architecture)"
if [ -n "$release" ] || [ "$arch" != "$host_arch" ]; then
  # apt with its own sources, lists and status: the host's configuration is not touched.
  : "${release:=$(. /etc/os-release && echo "$VERSION_CODENAME")}"
  apt_dir="$cache/apt-$release-$arch"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d"
  : >"$apt_dir/status"
  printf 'deb http://deb.debian.org/debian %s main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
    "$release" "$release" >"$apt_dir/sources.list"
  printf '%s\n' \
    "Dir::State::Lists \"$apt_dir/lists\";" \
    "Dir::State::status \"$apt_dir/status\";" \
    "Dir::Etc::SourceList \"$apt_dir/sources.list\";" \
    "Dir::Etc::SourceParts \"$apt_dir/sources.list.d\";" \
    "Dir::Cache \"$apt_dir/cache\";" \
    "APT::Architecture \"$arch\";" \
    "APT::Architectures { \"$arch\"; };" >"$apt_dir/apt.conf"
  export APT_CONFIG="$apt_dir/apt.conf"
fi

report() {
  echo "cache=$dest"
  echo "kernelVersion=$(cat "$dest/kernel-version")"
  echo "vmlinuz=$dest/vmlinuz"
  echo "modules=$(tr '\n' ' ' <"$dest/modules.order" | sed 's/ $//')"
  echo "busybox=$dest/busybox"
  echo "config=$dest/config.txt"
}

if [ -s "$dest/vmlinuz" ] && [ -s "$dest/busybox" ] && [ -s "$dest/kernel-version" ] && [ -f "$dest/modules.order" ]; then
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
  | tar -x -C "$work/k" --wildcards './boot/vmlinuz-*' './boot/config-*' '*/kernel/*.ko*'
# ./bin/busybox on Debian 12, ./usr/bin/busybox on 13 (merged /usr).
dpkg-deb --fsys-tarfile "$bdeb" | tar -x -C "$work/b" --wildcards '*bin/busybox'

vmlinuz="$(ls "$work"/k/boot/vmlinuz-* | head -1)"
version="${vmlinuz##*/vmlinuz-}"
moddir="$(dirname "$(find "$work/k" -type d -name kernel -path '*/lib/modules/*' | head -1)")"
rm -rf "$dest/modules" "$dest/modules.order.tmp"
mkdir -p "$dest/modules"
: >"$dest/modules.order.tmp"
# The package has no modules.dep (depmod writes it at install time): each module's
# .modinfo names what it needs, so a module is added after its dependencies.
module_file() { find "$moddir" -regextype posix-extended -regex ".*/${1//_/[-_]}\.ko(\.xz|\.zst)?" | head -1; }
add_module() {
  local file base dep
  file="$(module_file "$1")"
  [ -n "$file" ] || return 0
  base="$(basename "$file")"; base="${base%.xz}"; base="${base%.zst}"
  grep -qx "$base" "$dest/modules.order.tmp" && return 0
  # Busybox's insmod reads plain ELF only; Debian 13 compresses modules with xz.
  case "$file" in
    *.xz) xz -dc "$file" >"$dest/modules/$base" ;;
    *.zst) zstd -qdc "$file" >"$dest/modules/$base" ;;
    *) cp "$file" "$dest/modules/$base" ;;
  esac
  # The .modinfo section's "depends=a,b" string (no kmod needed on the host, any architecture).
  for dep in $(tr '\0' '\n' <"$dest/modules/$base" | sed -n 's/^depends=//p' | head -1 | tr ',' ' '); do add_module "$dep"; done
  echo "$base" >>"$dest/modules.order.tmp"
}
for m in "${wanted_modules[@]}"; do add_module "$m"; done
# What the judge's kernel has built in, as a module, or not at all.
grep -E '^(# )?CONFIG_(ARM_SMMU_V3|VIRTIO_IOMMU|INTEL_IOMMU|PCI_STUB|ACPI_TABLE_UPGRADE|VIRTIO_PCI|VIRTIO_CONSOLE)[ =]' \
  "$(ls "$work"/k/boot/config-* | head -1)" >"$dest/config.txt" || true
cp "$(find "$work/b" -name busybox -type f | head -1)" "$dest/busybox.tmp" && mv "$dest/busybox.tmp" "$dest/busybox"
cp "$vmlinuz" "$dest/vmlinuz.tmp" && mv "$dest/vmlinuz.tmp" "$dest/vmlinuz"
mv "$dest/modules.order.tmp" "$dest/modules.order"
rm -f "$dest/pci-stub.ko"
# Written last: its presence says the cache is complete.
echo "$version" >"$dest/kernel-version"
report
