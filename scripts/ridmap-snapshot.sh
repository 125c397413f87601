#!/bin/sh
# ridmap-snapshot.sh: a snapshot of what Linux shows about this machine's PCI
# functions and IOMMUs, for `ridmap import sysfs` on another machine.
#
# Usage: sh ridmap-snapshot.sh [-o FILE]
#   -o FILE  write the archive to FILE (default ridmap-snapshot-HOST-DATE.tar.gz
#            in the current directory); -o - writes it to standard output.
#
# Needs nothing but a POSIX shell and the usual tools (cat, ls, tr, wc, tar,
# gzip; busybox has them all). Run it as root for whole configuration spaces:
# other users get only the first 64 bytes of each (no capabilities, so no ACS)
# and no ACPI tables; the manifest says which it was.
#
# It READS only:
#   /sys/bus/pci/devices/*: config, vendor, device, class, and where the
#     device directory and its iommu, iommu_group and driver links lead;
#   /sys/devices/pciSSSS:BB/firmware_node/path (each root bus's ACPI name);
#   /sys/kernel/iommu_groups/*/devices/* (names) and */type;
#   /sys/class/iommu/*: intel-iommu/{address,cap,ecap,version},
#     amd-iommu/{cap,features}, and where its device link leads;
#   /sys/firmware/acpi/tables/{DMAR,IVRS,IORT,VIOT,RIMT,MCFG,APIC} when present
#     (no DSDT/SSDT: big, and not needed), else /sys/firmware/fdt (DT machines);
#   /proc/cmdline, uname -r, uname -n, the date, id -u.
# It WRITES only the archive (built in a temporary directory under $TMPDIR,
# removed on exit) and changes nothing on the machine: no driver is bound or
# unbound, no sysfs file is written.
#
# The archive holds one directory, ridmap-snapshot/: manifest.txt (one fact a
# line: `KIND NAME KEY VALUE`, VALUE being the rest of the line) and the
# binary files under their sysfs paths (sys/bus/pci/devices/SBDF/config,
# sys/firmware/acpi/tables/SIG, sys/firmware/fdt). Without gzip it writes an
# uncompressed .tar; without tar it leaves the directory and says where.

# RIDMAP_SYSFS_ROOT (undocumented, for tests): a directory standing for / when
# reading /sys and /proc.
R=${RIDMAP_SYSFS_ROOT:-}
# cd is how links are resolved below: it must print nothing and go where told.
unset CDPATH

out=
while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || { echo "ridmap-snapshot: -o needs a file name" >&2; exit 2; }; out=$2; shift 2 ;;
    -h|--help) echo "usage: ridmap-snapshot.sh [-o FILE|-]: a snapshot of /sys for ridmap import sysfs (see the script's header)"; exit 0 ;;
    *) echo "ridmap-snapshot: unknown argument $1 (usage: ridmap-snapshot.sh [-o FILE])" >&2; exit 2 ;;
  esac
done

say() { echo "ridmap-snapshot: $*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

host=$(uname -n 2>/dev/null | tr -c 'A-Za-z0-9._\n-' '_')
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tmp=${TMPDIR:-/tmp}/ridmap-snapshot.$$
# mkdir fails when the name exists: nothing of someone else's is reused or removed.
mkdir "$tmp" || { say "cannot create $tmp"; exit 1; }
keep_dir=
trap '[ -n "$keep_dir" ] || rm -rf "$tmp"' 0
trap 'exit 1' HUP INT TERM
top=$tmp/ridmap-snapshot
mkdir "$top" || exit 1
manifest=$top/manifest.txt

# The physical path of the root prefix, stripped from every resolved path so
# paths read the same as on the machine itself.
if [ -n "$R" ]; then rp=$(cd -P "$R" && pwd -P) || { say "no directory $R"; exit 1; }; else rp=; fi

# The helpers set variables rather than print into $(...): every command substitution forks,
# and with a dozen a function a 512-function machine took minutes on a loaded host.
start=$PWD
# realdir DIR: p := where a sysfs directory (or a link to one) really is. readlink -f is not
# POSIX; cd -P is, and sets PWD to the physical path. Back to $start at once.
realdir() { p=; if cd -P "$1" 2>/dev/null; then p=${PWD#"$rp"}; cd "$start" || exit 1; fi; }
# linkname LINK: n := the last component of where a link leads, or nothing. Only a link counts:
# the PCI function that is an AMD-Vi unit has a directory "iommu" (its class device), not a link.
linkname() { n=; if [ -L "$1" ] && [ -e "$1" ]; then realdir "$1"; n=${p##*/}; fi; }
# readval FILE: v := a small sysfs value (its one line).
readval() { v=; IFS= read -r v <"$1" 2>/dev/null; v=${v%"${v##*[! ]}"}; }
# copy SRC DEST: a binary file, byte for byte (cat, not cp: sysfs files state a size they do not have).
copy() { mkdir -p "${2%/*}" && { cat "$1" >"$2" 2>/dev/null || { rm -f "$2"; return 1; }; }; }
# size FILE: z := its length in bytes (wc pads it with blanks on some systems).
size() { z=$(wc -c <"$1"); z=${z##* }; }
fact() { echo "$*" >>"$manifest"; }

uid=$(id -u 2>/dev/null)
if [ "$uid" = 0 ]; then privileged=yes; else privileged=no; fi
[ $privileged = yes ] || say "not run as root: Linux gives other users 64 bytes of each config space (no capabilities, so no ACS) and no ACPI table; run it as root for a whole snapshot"
{
  echo "# ridmap snapshot: KIND NAME KEY VALUE, one fact a line (see scripts/ridmap-snapshot.sh)"
  echo "ridmap-snapshot version 1"
  echo "snapshot date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "snapshot host $host"
  echo "snapshot kernel $(uname -r 2>/dev/null)"
  echo "snapshot privileged $privileged"
  # Linux gives other users the first 64 bytes of a config space (pci-sysfs.c).
  if [ $privileged = yes ]; then echo "snapshot config-space full"; else echo "snapshot config-space first-64-bytes"; fi
} >"$manifest"
if [ -r "$R/proc/cmdline" ]; then readval "$R/proc/cmdline"; fact "snapshot cmdline $v"; fi

for d in "$R"/sys/devices/pci*; do
  [ -d "$d" ] || continue
  b=${d##*/}
  fact "rootbus $b path /sys/devices/$b"
  if [ -r "$d/firmware_node/path" ]; then readval "$d/firmware_node/path"; fact "rootbus $b acpi $v"; fi
done

# Every function's directory in the archive, made by one mkdir.
set --
for d in "$R"/sys/bus/pci/devices/*; do
  [ -e "$d" ] && set -- "$@" "$top/sys/bus/pci/devices/${d##*/}"
done
[ $# -eq 0 ] || mkdir -p "$@" || exit 1
[ $# -gt 0 ] || say "no PCI function under $R/sys/bus/pci/devices (not Linux, or sysfs not mounted there): the snapshot lists none"
for d in "$R"/sys/bus/pci/devices/*; do
  [ -e "$d" ] || continue
  f=${d##*/}
  realdir "$d"
  fact "pci $f path $p"
  for k in vendor device class; do
    if [ -r "$d/$k" ]; then readval "$d/$k"; fact "pci $f $k $v"; fi
  done
  # Absent link: no IOMMU, no group, no driver (the reader keeps "none" apart from "unknown" by the config line).
  linkname "$d/iommu"; [ -z "$n" ] || fact "pci $f iommu $n"
  linkname "$d/iommu_group"; [ -z "$n" ] || fact "pci $f group $n"
  linkname "$d/driver"; [ -z "$n" ] || fact "pci $f driver $n"
  c=$top/sys/bus/pci/devices/$f/config
  if ! { [ -r "$d/config" ] && { cat "$d/config" >"$c"; } 2>/dev/null; }; then
    rm -f "$c"
    fact "pci $f config unreadable"
  fi
done
# The copies' sizes, all in one wc (a fork per function is what makes a big machine slow).
if [ $# -gt 0 ] && cd "$top"; then
  wc -c sys/bus/pci/devices/*/config 2>/dev/null | while read -r z c; do
    f=${c#sys/bus/pci/devices/}; f=${f%/config}
    [ "$f" = "$c" ] || fact "pci $f config $z"
  done
  cd "$start" || exit 1
fi

for g in "$R"/sys/kernel/iommu_groups/*; do
  [ -d "$g" ] || continue
  n=${g##*/}
  if [ -r "$g/type" ]; then readval "$g/type"; fact "group $n type $v"; fi
  for m in "$g"/devices/*; do
    [ -e "$m" ] || continue
    fact "group $n device ${m##*/}"
  done
done

for u in "$R"/sys/class/iommu/*; do
  [ -e "$u" ] || continue
  n=${u##*/}
  realdir "$u"; fact "iommu $n path $p"
  if [ -e "$u/device" ]; then realdir "$u/device"; fact "iommu $n device $p"; fi
  for k in intel-iommu/address intel-iommu/cap intel-iommu/ecap intel-iommu/version amd-iommu/cap amd-iommu/features; do
    if [ -r "$u/$k" ]; then readval "$u/$k"; fact "iommu $n $k $v"; fi
  done
done

for s in DMAR IVRS IORT VIOT RIMT MCFG APIC; do
  t=$R/sys/firmware/acpi/tables/$s
  [ -f "$t" ] || continue
  if copy "$t" "$top/sys/firmware/acpi/tables/$s"; then size "$top/sys/firmware/acpi/tables/$s"; fact "table $s size $z"; else fact "table $s unreadable"; fi
done
# The Device Tree only where Linux booted from one: on an ACPI machine /sys/firmware/fdt is
# the EFI stub's tree (/chosen alone), which says nothing about the machine's devices.
if [ -f "$R/sys/firmware/fdt" ] && [ ! -d "$R/sys/firmware/acpi/tables" ]; then
  if copy "$R/sys/firmware/fdt" "$top/sys/firmware/fdt"; then size "$top/sys/firmware/fdt"; fact "table fdt size $z"; else fact "table fdt unreadable"; fi
fi

# The archive.
if [ -z "$out" ]; then out=ridmap-snapshot-$host-$stamp.tar.gz; fi
if ! have tar; then
  # No tar: the directory itself is the snapshot.
  dest=ridmap-snapshot-$host-$stamp
  if mv "$top" "$dest" 2>/dev/null; then say "no tar here: the snapshot is the directory $dest (copy it whole)"; exit 0; fi
  keep_dir=1
  say "no tar here: the snapshot is the directory $top (copy it whole)"
  exit 0
fi
if have gzip; then
  pack() { (cd "$tmp" && tar cf - ridmap-snapshot) | gzip -c; }
else
  pack() { (cd "$tmp" && tar cf - ridmap-snapshot); }
  case $out in
    *.tar.gz) out=${out%.gz} ;;
  esac
  say "no gzip here: the archive is an uncompressed tar"
fi
if [ "$out" = - ]; then
  pack || { say "tar failed"; exit 1; }
else
  pack >"$out" || { say "writing $out failed"; rm -f "$out"; exit 1; }
  say "wrote $out"
fi
