#!/usr/bin/env bash
# Builds the reference root (issue 15, "One reference environment for every peer"):
# a minbase Debian trixie made with debootstrap, holding the pinned peers the judge
# and the interop suite run with `chroot`, so their answers do not depend on whether
# the host is Debian 12 or 13:
#   - QEMU 11.1 (x86, arm, riscv) from trixie-backports, with SeaBIOS, iPXE and EDK2
#     (ovmf, qemu-efi-aarch64, qemu-efi-riscv64), iasl 20250404, dtc 1.7.2, busybox-static;
#   - Debian's kernels 6.1 (bookworm), 6.12 (trixie) and 7.3 (trixie-backports) for
#     amd64 and arm64, 6.12 (trixie) and 7.2 (forky) for riscv64 (KERNELS below says
#     why), of which only vmlinuz, the judge's modules (pci-stub,
#     virtio-iommu, arm-smmu-v3 and what they need, decompressed: busybox's insmod
#     reads plain ELF only) and the CONFIG_ lines the judge depends on are kept, in
#     opt/ridmap/kernels/<series>/<arch>/ as scripts/judge-assets.sh lays out its cache
#     (vmlinuz, kernel-version, config.txt, modules.order, modules/);
#   - busybox-static for amd64, arm64 and riscv64 in opt/ridmap/busybox/<arch>/busybox;
#   - Debian 12's peers (QEMU 7.2, iasl 20200925, dtc 1.6.1) in a nested bookworm root at
#     opt/ridmap/bookworm, a reference root of its own sharing the kernels (hard links).
# Usage: scripts/reference-root.sh [DIR]
#   DIR  default: $RIDMAP_REFERENCE_ROOT, else /var/cache/ridmap/reference-root (outside
#        the clone, so fresh clones on one machine share it).
#   RIDMAP_DEBIAN_MIRROR  the Debian mirror; default: the one the host's apt uses.
# Needs root (debootstrap, chroot). Idempotent: DIR/.ridmap-root, written last, says the
# root is complete and which recipe built it; a complete root of this recipe is reused
# at once, one of an older recipe is rebuilt. The build goes to a sibling directory that
# is renamed into place, so an interrupted build never leaves a half root at DIR.
# Prints KEY=VALUE lines (root, qemuVersion, iaslVersion, dtcVersion, kernels, ...).
# Measured (recipe 3, with riscv64): 487 s from nothing on a 2-core machine shared with
# three other sessions' work (4.6 min of CPU), about 1.2 GB from Debian's mirror (riscv64's
# two kernels, EDK2, busybox and package lists about 0.27 GB of it), 1.6 GB on disk.
set -euo pipefail

# Bump when anything below changes what the root holds: older roots are then rebuilt.
RECIPE=3
RELEASE=trixie
# The pinned peers: the build fails, naming what the archive has, when one has moved on
# (then update the pin, bump RECIPE and re-run the tests that state these versions).
QEMU_SERIES=11.1
IASL_VERSION=20250404
DTC_VERSION=1.7.2
# Each series is the newest linux-image-<arch> of that version in any suite the root
# knows: 6.1 from bookworm (and its security updates), 6.12 from trixie, 7.3 from backports;
# riscv64's RIMT kernel is the newest of any suite (forky's 7.2 today).
ARCHES=(amd64 arm64 riscv64)
# The kernels kept, <series>/<arch>: every series for amd64 and arm64. riscv64 has no 6.1
# (Debian 12 has no riscv64 port); its 6.12 is a Linux without RIMT (Linux parses RIMT from
# 6.17), and a Linux that parses RIMT is the newest riscv64 kernel the mirror serves
# ("newest", stored under its own series): forky's 7.2 in December 2026, as trixie-backports
# lists a riscv64 7.3 whose packages the archive answers 404. Not a pinned series: forky is
# Debian's testing, whose kernel moves on and whose old ones leave the archive.
KERNELS=(6.1/amd64 6.1/arm64 6.12/amd64 6.12/arm64 6.12/riscv64 newest/riscv64 7.3/amd64 7.3/arm64)
# The modules the judge loads, by file name; each is kept only where the kernel builds it as a module.
JUDGE_MODULES=(pci-stub virtio-iommu arm-smmu-v3)
# The CONFIG_ lines each kernel's config.txt records (=y built in, =m module, absent: not there).
# RISCV_IOMMU(_PCI): the RISC-V IOMMU driver (platform, PCI); ACPI_RIMT: Linux reads RIMT;
# RISCV_IMSIC/RISCV_APLIC: the AIA interrupt controllers ACPI on the virt machine describes.
CONFIG_KEYS=(ARM_SMMU_V3 VIRTIO_IOMMU INTEL_IOMMU PCI_STUB ACPI_TABLE_UPGRADE VIRTIO_PCI VIRTIO_CONSOLE
  ACPI RISCV_IOMMU RISCV_IOMMU_PCI ACPI_RIMT RISCV_IMSIC RISCV_APLIC)
# qemu-efi-riscv64: EDK2 for the RISC-V virt machine (RISCV_VIRT_CODE.fd/VARS.fd), the
# firmware that hands Linux ACPI there; OpenSBI comes with qemu-system-data.
PACKAGES=(qemu-system-x86 qemu-system-arm qemu-system-riscv qemu-efi-aarch64 qemu-efi-riscv64 ovmf seabios ipxe-qemu
  acpica-tools device-tree-compiler busybox-static kmod xz-utils zstd)
# QEMU 7.2 as Debian 12 ships it: the interop captures were made with it and many users are
# on it. Its libraries are bookworm's, so it gets a root of its own, nested in this one.
BOOKWORM_DIR=opt/ridmap/bookworm
BOOKWORM_QEMU_SERIES=7.2
BOOKWORM_IASL_VERSION=20200925
BOOKWORM_DTC_VERSION=1.6.1
BOOKWORM_PACKAGES=(qemu-system-x86 qemu-system-arm qemu-efi-aarch64 ovmf seabios ipxe-qemu acpica-tools device-tree-compiler)

root="${1:-${RIDMAP_REFERENCE_ROOT:-/var/cache/ridmap/reference-root}}"
# Absolute, so that root= names it from anywhere (a missing parent is made below, before the build).
if [ -d "$(dirname "$root")" ]; then root="$(cd "$(dirname "$root")" && pwd)/$(basename "$root")"; fi
stamp_name=.ridmap-root

complete() {
  [ -f "$1/$stamp_name" ] && [ "$(sed -n 's/^recipe=//p' "$1/$stamp_name")" = "$RECIPE" ]
}
report() {
  echo "root=$root"
  grep -v '^recipe=' "$root/$stamp_name"
}

if complete "$root"; then report; exit 0; fi

[ "$(id -u)" = 0 ] || { echo "reference-root: debootstrap and chroot need root; run it as root (CI does)" >&2; exit 2; }
parent="$(dirname "$root")"
mkdir -p "$parent"
root="$(cd "$parent" && pwd)/$(basename "$root")"
# One build at a time per root; a second caller waits and then reuses the first one's.
exec 9>"$root.lock"
flock 9
if complete "$root"; then report; exit 0; fi

started=$(date +%s)
say() { echo "reference-root: [$(( $(date +%s) - started )) s] $*" >&2; }
export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# The mirror the host's apt already uses (one-line sources and deb822 .sources alike),
# so the build reaches the same place as every other apt call on this machine.
host_uris() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    sed -E -n -e 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
      -e 's/^URIs:[[:space:]]*//p' "$f" | tr ' ' '\n'
  done
}
uris="$(host_uris || true)"
mirror="${RIDMAP_DEBIAN_MIRROR:-$(grep -E '/debian/?$' <<<"$uris" | head -1 || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"
mirror="${mirror%/}"
security="$(grep -E '/debian-security/?$' <<<"$uris" | head -1 || true)"
security="${security:-${mirror}-security}"
security="${security%/}"
# How the host's apt reaches that mirror: a proxy, or Release files past their Valid-Until
# accepted. The roots' apt gets the same settings, and debootstrap the proxy.
host_acquire="$(apt-config dump 2>/dev/null | grep -iE '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' || true)"
proxy="$(sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/Ip' <<<"$host_acquire" | head -1)"
if [ -n "$proxy" ] && [ -z "${http_proxy:-}" ]; then export http_proxy="$proxy"; fi

build="$root.build.$$"
# Unmounts whatever is mounted below a build (debootstrap's or ours), deepest first,
# then removes it: also when the build fails or is interrupted, so no mount is left behind.
remove_build() {
  local m
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$1" "$1.log"
}
# A bootstrap still running in the background is waited for first: it writes below the build.
nested_job=""
trap 'if [ -n "$nested_job" ]; then wait "$nested_job" 2>/dev/null || true; fi; remove_build "$build"' EXIT
trap 'exit 130' INT TERM
# Holding the lock, any other build directory is the remains of an interrupted run.
for stale in "$root".build.*; do
  if [ -d "$stale" ]; then remove_build "$stale"; fi
done

in_root() { chroot "$build" "$@"; }

# A minbase root of one release, without documentation, manuals or translations (never read here).
bootstrap() { # dir release
  say "debootstrap $2 from $mirror into $1"
  debootstrap --variant=minbase "$2" "$1" "$mirror" >"$1.log" 2>&1 \
    || { tail -20 "$1.log" >&2; echo "reference-root: debootstrap $2 failed (log above)" >&2; exit 2; }
  rm -f "$1.log"
  if [ -n "$host_acquire" ]; then printf '%s\n' "$host_acquire" >"$1/etc/apt/apt.conf.d/99ridmap-host-acquire"; fi
  printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
    'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/locale/*' 'path-exclude=/usr/share/info/*' \
    >"$1/etc/dpkg/dpkg.cfg.d/ridmap-no-docs"
}

# apt-get install in a root (its /proc mounted by the caller); the log is shown only when
# apt fails. Dpkg::Use-Pty=0: the chroot has no /dev/pts.
install_in() { # dir apt-get-install-arguments...
  local dir="$1"; shift
  say "installing in ${dir#"$build"}/: $*"
  chroot "$dir" apt-get update -qq
  chroot "$dir" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "$@" >"$dir/tmp/install.log" 2>&1 \
    || { tail -30 "$dir/tmp/install.log" >&2; echo "reference-root: apt-get install failed (log above)" >&2; exit 2; }
  rm -f "$dir/tmp/install.log"
}

# The versions of a root's peers, checked against the pins: a loud stop naming what the
# archive has today when one moved on.
pinned() { # what, found, wanted (a prefix)
  case "$2" in "$3"|"$3".*) ;; *) echo "reference-root: $1 is ${2:-missing} in the archive today, the recipe pins $3" >&2; exit 2 ;; esac
}
peer_versions() { # dir qemu-series iasl-version dtc-version; sets qemu_version, iasl_version, dtc_version
  qemu_version="$(chroot "$1" qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p')"
  iasl_version="$(chroot "$1" iasl -v | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)"
  dtc_version="$(chroot "$1" dtc --version | sed -n 's/^Version: DTC \([0-9.]*\).*/\1/p')"
  pinned "QEMU in ${1#"$build"}/" "$qemu_version" "$2"
  pinned "iasl in ${1#"$build"}/" "$iasl_version" "$3"
  pinned "dtc in ${1#"$build"}/" "$dtc_version" "$4"
}

# Package lists and downloaded packages go: an apt-get update in the root refetches them.
shrink() { # dir
  chroot "$1" apt-get clean
  rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin
}

# Written last into a root: its presence says the root is complete.
write_stamp() { # dir release packages...
  local dir="$1" release="$2"; shift 2
  {
    echo "recipe=$RECIPE"
    echo "release=$release"
    echo "qemuVersion=$qemu_version"
    echo "iaslVersion=$iasl_version"
    echo "dtcVersion=$dtc_version"
    echo "kernels=${kernels[*]}"
    echo "busybox=${ARCHES[*]}"
    echo "packages=$(chroot "$dir" dpkg-query -W -f '${Package}=${Version} ' "$@" | sed 's/ $//')"
    printf '%s\n' "${stamp_packages[@]}"
    echo "builtSeconds=$(( $(date +%s) - started ))"
    echo "builtAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$dir/$stamp_name.tmp"
  mv "$dir/$stamp_name.tmp" "$dir/$stamp_name"
}

bootstrap "$build" "$RELEASE"
# Bookworm is there for its 6.1 kernel only: pinned so low that apt never installs from it.
cat >"$build/etc/apt/sources.list" <<EOF
deb $mirror $RELEASE main
deb $mirror $RELEASE-updates main
deb $security $RELEASE-security main
deb $mirror $RELEASE-backports main
deb $mirror bookworm main
deb $security bookworm-security main
deb [arch=riscv64] $mirror forky main
EOF
printf 'Package: *\nPin: release n=bookworm\nPin-Priority: 1\n' >"$build/etc/apt/preferences.d/bookworm-kernels-only"
# Forky is there for its riscv64 kernel only: pinned as low.
printf 'Package: *\nPin: release n=forky\nPin-Priority: 1\n' >"$build/etc/apt/preferences.d/forky-kernels-only"
in_root dpkg --add-architecture arm64
in_root dpkg --add-architecture riscv64
# Debian 12's root (below) is bootstrapped meanwhile: the two are independent until the
# kernels are linked into it, and a bootstrap mostly keeps one core busy.
nested="$build/$BOOKWORM_DIR"
mkdir -p "$(dirname "$nested")"
bootstrap "$nested" bookworm &
nested_job=$!
mount -t proc proc "$build/proc"
install_in "$build" -t "$RELEASE-backports" "${PACKAGES[@]}"
peer_versions "$build" "$QEMU_SERIES" "$IASL_VERSION" "$DTC_VERSION"

# The newest linux-image-<arch> of one series and the packages holding its files: one
# package up to 6.12; from 7.x an image package depending on linux-binary-*
# (vmlinuz), linux-base-* (config) and linux-modules-*.
# The linux-image-<arch> ABI packages of a series, newest first, one "image" per line: every
# version of the series in any suite the root knows; series "newest" takes every version.
kernel_images() { # series arch
  local series="$1" arch="$2"
  in_root apt-cache show "linux-image-$arch:$arch" | awk -v series="$series" '
    /^Version:/ { v = $2 }
    /^Depends:/ {
      if ((series == "newest" || index(v, series ".") == 1) && match($0, /linux-image-[0-9][^ ,]*/)) print v "|" substr($0, RSTART, RLENGTH)
    }' | sort -t'|' -k1,1 -V -r | cut -d'|' -f2 | awk '!seen[$0]++'
}
# An image and the packages it depends on that the judge keeps (binary, base, modules).
kernel_packages() { # image arch
  local image="$1" arch="$2"
  echo "$image"
  in_root apt-cache show "$image:$arch" | awk -v abi="${image#linux-image-}" '
    /^Depends:/ {
      n = split($0, d, /[ ,]+/)
      # A plain suffix test: the ABI name holds "+", which a regular expression would misread.
      for (i = 1; i <= n; i++)
        if (d[i] ~ /^linux-(binary|base|modules)-/ && substr(d[i], length(d[i]) - length(abi) + 1) == abi && !seen[d[i]]++) print d[i]
      exit
    }'
}

# Runs inside the root: unpacks one kernel's packages and keeps vmlinuz, config.txt,
# kernel-version and the judge's modules with what they depend on, in load order.
keep_kernel() { # workdir destdir modules... ; the .deb files are in workdir
  set -euo pipefail
  local work="$1" dest="$2"; shift 2
  local x="$work/x" d vmlinuz config moddir version
  mkdir -p "$x"
  for d in "$work"/*.deb; do dpkg-deb -x "$d" "$x"; done
  # vmlinux or vmlinuz, as the architecture's package names its image (riscv64's is an
  # uncompressed EFI Image of 31-36 MB); kept as vmlinuz, the name the judge reads.
  vmlinuz="$(find "$x" \( -path '*/boot/vmlinu[xz]-*' -o -path '*/modules/*/vmlinu[xz]' \) -type f | head -1)"
  config="$(find "$x" \( -path '*/boot/config-*' -o -path '*/modules/*/config' \) -type f | head -1)"
  # /lib/modules/VERSION up to bookworm, /usr/lib/modules/VERSION from trixie on.
  moddir=""
  for d in "$x"/lib/modules/* "$x"/usr/lib/modules/*; do
    if [ -d "$d" ]; then moddir="$d"; fi
  done
  if [ -z "$vmlinuz" ] || [ -z "$config" ] || [ -z "$moddir" ]; then
    echo "reference-root: no vmlinuz, config or modules in $work" >&2
    return 2
  fi
  version="$(basename "$moddir")"
  mkdir -p "$dest/modules"
  # From 7.x vmlinuz and config lie in the modules directory moved below: copied first.
  cp "$vmlinuz" "$dest/vmlinuz"
  cp "$config" "$work/config"
  config="$work/config"
  echo "$version" >"$dest/kernel-version"
  # depmod -b wants BASE/lib/modules/VERSION: the packages ship no modules.dep, it is made at install.
  mkdir -p "$work/base/lib/modules"
  mv "$moddir" "$work/base/lib/modules/$version"
  ln -s ../lib "$work/base/usr" 2>/dev/null || true
  depmod -b "$work/base" "$version"
  local key line
  : >"$dest/config.txt"
  for key in "${CONFIG_KEYS[@]}"; do
    line="$(grep -E "^CONFIG_${key}=" "$config" || true)"
    echo "${line:-# CONFIG_${key} is not set}" >>"$dest/config.txt"
  done
  # modules.dep lists each module's dependencies with the most basic last: reversed, they
  # are a load order; the first appearance of a module wins, so nothing loads twice.
  local dep="$work/base/lib/modules/$version/modules.dep" want entry f name
  local -a order=()
  for want in "$@"; do
    entry="$(grep -E "/${want}\.ko(\.xz|\.zst|\.gz)?:" "$dep" || true)"
    [ -n "$entry" ] || continue
    local -a files
    read -ra files <<<"${entry#*:}"
    local i
    for ((i = ${#files[@]} - 1; i >= 0; i--)); do order+=("${files[i]}"); done
    order+=("${entry%%:*}")
  done
  : >"$dest/modules.order"
  for f in "${order[@]}"; do
    name="$(basename "$f")"; name="${name%.xz}"; name="${name%.zst}"; name="${name%.gz}"
    grep -qxF "$name" "$dest/modules.order" && continue
    case "$f" in
      *.xz) xz -dc "$work/base/lib/modules/$version/$f" ;;
      *.zst) zstd -qdc "$work/base/lib/modules/$version/$f" ;;
      *.gz) gzip -dc "$work/base/lib/modules/$version/$f" ;;
      *) cat "$work/base/lib/modules/$version/$f" ;;
    esac >"$dest/modules/$name"
    echo "$name" >>"$dest/modules.order"
  done
}

kernels=()
stamp_packages=()
for kernel in "${KERNELS[@]}"; do
  series="${kernel%/*}" arch="${kernel#*/}"
  mapfile -t images < <(kernel_images "$series" "$arch")
  [ "${#images[@]}" -gt 0 ] || {
    echo "reference-root: no linux-image-$arch $series.x in the archive today (the recipe pins ${KERNELS[*]})" >&2; exit 2; }
  # The newest image whose packages the mirror serves: an index can list what the archive
  # answers 404 for (trixie-backports' riscv64 7.3, December 2026), so an older one is tried next.
  pkgs=()
  for image in "${images[@]}"; do
    mapfile -t candidate < <(kernel_packages "$image" "$arch")
    work="/tmp/ridmap-kernel-$arch-${image#linux-image-}"
    mkdir -p "$build$work" && chmod 777 "$build$work"
    if in_root sh -c 'cd "$1" && shift && apt-get download -qq "$@"' - "$work" "${candidate[@]/%/:$arch}" >/dev/null 2>&1; then
      pkgs=("${candidate[@]}"); break
    fi
    say "kernel $series/$arch: ${image} is listed but not served; trying an older one"
    rm -rf "${build:?}$work"
  done
  [ "${#pkgs[@]}" -gt 0 ] || { echo "reference-root: the mirror serves none of ${images[*]}" >&2; exit 2; }
  # A series kept as "newest" is stored under the one it turned out to be (7.2 for linux-image-7.2.12+deb14-riscv64).
  if [ "$series" = newest ]; then series="$(sed -E 's/^linux-image-([0-9]+\.[0-9]+).*/\1/' <<<"${pkgs[0]}")"; fi
  say "kernel $series/$arch: ${pkgs[*]}"
  dest="/opt/ridmap/kernels/$series/$arch"
  in_root bash -c "$(declare -p CONFIG_KEYS); $(declare -f keep_kernel); keep_kernel \"\$@\"" - "$work" "$dest" "${JUDGE_MODULES[@]}"
  rm -rf "${build:?}$work"
  kernels+=("$series/$arch:$(cat "$build$dest/kernel-version")")
  stamp_packages+=("kernel.$series.$arch=${pkgs[0]} $(in_root apt-cache show "${pkgs[0]}:$arch" | sed -n 's/^Version: //p' | head -1)")
done

# busybox-static for every guest: amd64's is installed, the others' only unpacked. Each
# kernel directory gets a hard link to its architecture's, so that it holds everything
# a judge boot needs, as scripts/judge-assets.sh's cache does (src/judge/assets.ts).
work=/tmp/ridmap-busybox
mkdir -p "$build$work" && chmod 777 "$build$work"
in_root sh -c 'cd "$1" && apt-get download -qq busybox-static:arm64 busybox-static:riscv64' - "$work" >/dev/null
for arch in "${ARCHES[@]}"; do
  mkdir -p "$build/opt/ridmap/busybox/$arch"
  if [ "$arch" = amd64 ]; then
    cp "$build/usr/bin/busybox" "$build/opt/ridmap/busybox/$arch/busybox"
  else
    deb="$(ls "$build$work"/busybox-static_*_"$arch".deb)"
    rm -rf "$build$work/x"
    in_root dpkg-deb -x "${deb#"$build"}" "$work/x"
    cp "$(find "$build$work/x" -path '*bin/busybox' -type f | head -1)" "$build/opt/ridmap/busybox/$arch/busybox"
  fi
  chmod 755 "$build/opt/ridmap/busybox/$arch/busybox"
  # The kernels as stored (series/arch:version), not as the recipe names them: "newest" is
  # stored under the series it turned out to be.
  for kernel in "${kernels[@]}"; do
    kernel="${kernel%%:*}"
    if [ "${kernel#*/}" = "$arch" ]; then
      ln -f "$build/opt/ridmap/busybox/$arch/busybox" "$build/opt/ridmap/kernels/$kernel/busybox"
    fi
  done
done
rm -rf "${build:?}$work"

umount "$build/proc"

# Debian 12's peers in the nested bookworm root, with the same kernels and busybox.
wait "$nested_job" || exit 2
nested_job=""
cat >"$nested/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
mount -t proc proc "$nested/proc"
install_in "$nested" "${BOOKWORM_PACKAGES[@]}"
umount "$nested/proc"
mkdir -p "$nested/opt/ridmap"
cp -al "$build/opt/ridmap/kernels" "$build/opt/ridmap/busybox" "$nested/opt/ridmap/"
peer_versions "$nested" "$BOOKWORM_QEMU_SERIES" "$BOOKWORM_IASL_VERSION" "$BOOKWORM_DTC_VERSION"
shrink "$nested"
write_stamp "$nested" bookworm "${BOOKWORM_PACKAGES[@]}"

# The outer root's own peers again for its stamp, written last.
peer_versions "$build" "$QEMU_SERIES" "$IASL_VERSION" "$DTC_VERSION"
shrink "$build"
write_stamp "$build" "$RELEASE" "${PACKAGES[@]}"

# Into place: an older root is moved aside first and removed after.
if [ -e "$root" ]; then
  mv "$root" "$root.old.$$"
  rm -rf --one-file-system "$root.old.$$"
fi
mv "$build" "$root"
say "built, $(du -sh "$root" | cut -f1) (Debian 12's peers: $(du -sh "$root/$BOOKWORM_DIR" | cut -f1))"
report
