/**
 * The /init the judge's initramfs runs under busybox: mount proc and sysfs,
 * bind every driverless PCI device to pci-stub, print what Linux decided for
 * each PCI device between markers on the report's serial port (guest.ts says
 * which), then power off. parse.ts reads the lines back; both take the marker
 * words from here. With a snapshot, /init also runs ridmap's snapshot script
 * (scripts/ridmap-snapshot.sh) after the pci-stub binding and prints its
 * archive in base64, so a guest's /sys becomes a test fixture.
 */

/** Every line the script prints for the host starts with this word, so anything else on the port cannot be mistaken for it. */
export const JUDGE_MARK = 'RIDMAP-JUDGE';

/** The line kinds after JUDGE_MARK. */
export const JUDGE_LINES = {
  begin: 'BEGIN',
  /** `DEVICE <ssss:bb:dd.f> <iommu sysfs name or -> <iommu_group number or -> <driver or ->` */
  device: 'DEVICE',
  /**
   * `IOMMU <sysfs name> <register base, e.g. 0xfed90000, or -> <ssss:bb:dd.f of the PCI function the IOMMU is, or ->`:
   * VT-d units show their base; a virtio-iommu is named after its virtio device
   * (virtio0, ...), whose parent is the PCI function.
   */
  iommu: 'IOMMU',
  /** `TABLE <sysfs name: the signature, SSDT1... for repeats> <hex bytes of /sys/firmware/acpi/tables/NAME>` (or `-` when absent) */
  table: 'TABLE',
  /**
   * `DTPROP </node/path/property> x<hex bytes of /proc/device-tree/node/path/property>`, or `-` when absent
   * (the `x` tells an empty property, e.g. dma-coherent, from an absent one).
   */
  dtProperty: 'DTPROP',
  /**
   * `SNAPSHOT <a base64 line of the archive scripts/ridmap-snapshot.sh wrote>`, in order
   * (busybox base64 wraps at 76 characters); `SNAPSHOT -` when the script failed.
   */
  snapshot: 'SNAPSHOT',
  /** `DMESG <a kernel log line about the table upgrade or the IOMMU>` */
  dmesg: 'DMESG',
  end: 'END',
} as const;

/**
 * Kernel log lines worth reporting: the table upgrade, where Linux found the
 * RSDP and XSDT and which checksums it found wrong (the proof of a rebuilt
 * table set), and the IOMMU drivers' own words (arm-smmu-v3 names the device,
 * not itself, when it refuses a StreamID: "stream N already in tree"; the
 * RISC-V RIMT code logs as "ACPI: RIMT: ").
 */
const DMESG_PATTERN = 'Table Upgrade|DMAR|IOMMU|iommu|AMD-Vi|ACPI: (DMAR|IVRS|IORT|VIOT|RIMT|RSDP|XSDT)|Incorrect checksum|IORT|RIMT|smmu|already in tree';

/** Where the initramfs holds the snapshot script, when the boot takes a snapshot. */
export const SNAPSHOT_SCRIPT = 'ridmap-snapshot.sh';

/** Report every table in /sys/firmware/acpi/tables (a boot on the firmware's own set, to rebuild it). */
export const ALL_TABLES = 'all';

export interface InitScriptOptions {
  /** Tables whose bytes are printed back in full so the host can compare them; ALL_TABLES: every table Linux holds. */
  signatures: readonly string[] | typeof ALL_TABLES;
  /** File names under /modules, loaded in this order. */
  modules?: readonly string[];
  /** Device Tree properties (`/node/path/property`) whose bytes are printed back, for the same proof under DT. */
  dtProperties?: readonly string[];
  /** The device node the report goes to (default /dev/ttyS1, the kernel logging on ttyS0). */
  reportDevice?: string;
  /** The kernel logs on the report's port: silence its console (emergencies only) before anything else is printed. */
  sharedPort?: boolean;
  /** Run /SNAPSHOT_SCRIPT and print its archive (SNAPSHOT lines). */
  snapshot?: boolean;
}

export function judgeInitScript(options: InitScriptOptions): string {
  const m = JUDGE_MARK;
  const l = JUDGE_LINES;
  const { signatures, modules = [], dtProperties = [], reportDevice = '/dev/ttyS1', sharedPort = false, snapshot = false } = options;
  for (const p of dtProperties) {
    // A path becomes a word of /init: node and property name characters only (Devicetree spec 2.2.1, 2.2.4).
    if (!/^(\/[A-Za-z0-9,._+@#?-]+)+$/.test(p)) throw new Error(`judge: "${p}" is not a Device Tree property path`);
  }
  if (!/^\/dev\/[A-Za-z0-9]+$/.test(reportDevice)) throw new Error(`judge: "${reportDevice}" is not a serial port's device node`);
  const tables = signatures === ALL_TABLES ? '/sys/firmware/acpi/tables/*' : signatures.map((s) => `/sys/firmware/acpi/tables/${s}`).join(' ');
  return `#!/bin/sh
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
${sharedPort ? `# The kernel logs on this port too: from here on only emergencies, so no
# kernel message (pci-stub claiming devices, a driver's warning) can split a
# report line. dmesg below still has them all.
dmesg -n 1
` : ''}exec >${reportDevice} 2>&1
# Debian builds pci-stub (and some IOMMU drivers) as modules, loaded here in
# dependency order. On arm64 a device gets an IOMMU group only when a driver
# binds, so every device no driver took gets pci-stub.
for mod in ${modules.join(' ')}; do insmod /modules/$mod || echo "${m} ${l.dmesg} insmod $mod failed"; done
if [ -d /sys/bus/pci/drivers/pci-stub ]; then
  for d in /sys/bus/pci/devices/*; do
    [ -e "$d/driver" ] && continue
    echo pci-stub > "$d/driver_override"
    echo "\${d##*/}" > /sys/bus/pci/drivers_probe 2>/dev/null
  done
fi
name() { if [ -e "$1" ]; then n=$(readlink "$1"); echo "\${n##*/}"; else echo -; fi; }
echo "${m} ${l.begin}"
for d in /sys/bus/pci/devices/*; do
  echo "${m} ${l.device} \${d##*/} $(name "$d/iommu") $(name "$d/iommu_group") $(name "$d/driver")"
done
for u in /sys/class/iommu/*; do
  [ -e "$u" ] || continue
  a=$(cat "$u/intel-iommu/address" 2>/dev/null)
  p=$(readlink -f "$u/device" 2>/dev/null)
  p=\${p##*/}
  if [ -z "$p" ] || [ ! -e "/sys/bus/pci/devices/$p" ]; then
    p=$(readlink -f "$u/device/.." 2>/dev/null)
    p=\${p##*/}
    [ -n "$p" ] && [ -e "/sys/bus/pci/devices/$p" ] || p=-
  fi
  echo "${m} ${l.iommu} \${u##*/} \${a:--} $p"
done
for t in ${tables}; do
  [ -d "$t" ] && continue
  s=\${t##*/}
  if [ -r "$t" ]; then echo "${m} ${l.table} $s $(od -An -v -tx1 "$t" | tr -d ' \\n')"; else echo "${m} ${l.table} $s -"; fi
done
for p in ${dtProperties.map((p) => `'${p}'`).join(' ')}; do
  f=/proc/device-tree$p
  if [ -r "$f" ]; then echo "${m} ${l.dtProperty} $p x$(od -An -v -tx1 "$f" | tr -d ' \\n')"; else echo "${m} ${l.dtProperty} $p -"; fi
done
${snapshot ? `# The snapshot of this guest, as a user's machine would take it (after pci-stub, so every
# device has its group). Its messages go to the port too, unmarked: parse.ts skips them.
mkdir -p /tmp
if (cd /tmp && sh /${SNAPSHOT_SCRIPT} -o /tmp/snapshot.tar.gz); then
  base64 /tmp/snapshot.tar.gz | while read -r line; do echo "${m} ${l.snapshot} $line"; done
else
  echo "${m} ${l.snapshot} -"
fi
` : ''}dmesg | grep -E '${DMESG_PATTERN}' | while read -r line; do echo "${m} ${l.dmesg} $line"; done
echo "${m} ${l.end}"
# poweroff -f does not wait for the UART: closing the port's last descriptor does
# (the serial driver drains its buffer on close), so the report's tail is not lost.
# stdin is /dev/console, the same port when the kernel logs there: closed too.
exec >/dev/null 2>&1 </dev/null
poweroff -f
`;
}
