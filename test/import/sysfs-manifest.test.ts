/**
 * The snapshot builder on manifests a script could write but the guest
 * fixtures do not show: a snapshot taken without root, facts that disagree
 * with each other, an unreadable table, facts of a later script. Each
 * disagreement is a warning naming the manifest's line; nothing is repaired.
 */
import { describe, expect, it } from 'vitest';
import { buildHostSnapshot } from '../../src/import/sysfs/build-snapshot.js';
import { parseManifest } from '../../src/import/sysfs/manifest.js';
import type { SnapshotFiles } from '../../src/import/sysfs/snapshot-files.js';

function snapshotOf(manifest: string, files: Record<string, Uint8Array> = {}) {
  const source: SnapshotFiles = { source: 'host.tar.gz', manifestName: 'host.tar.gz:ridmap-snapshot/manifest.txt', file: (name) => files[name] };
  return buildHostSnapshot(parseManifest(manifest, source.manifestName), source);
}

/** A type 0 header of `size` bytes (64: what a user other than root reads). */
function header(vendor: number, device: number, size: number): Uint8Array {
  const c = new Uint8Array(size);
  c.set([vendor & 0xff, vendor >> 8, device & 0xff, device >> 8]);
  c.set([0x00, 0x00, 0x02], 9);
  return c;
}

describe('buildHostSnapshot', () => {
  it('a snapshot taken without root: 64-byte spaces, so PCIe type and ACS stay unknown, and one warning says why', () => {
    const s = snapshotOf([
      'ridmap-snapshot version 1',
      'snapshot privileged no',
      'snapshot config-space first-64-bytes',
      'pci 0000:00:03.0 path /sys/devices/pci0000:00/0000:00:03.0',
      'pci 0000:00:03.0 config 64',
      'table DMAR unreadable',
    ].join('\n'), { 'sys/bus/pci/devices/0000:00:03.0/config': header(0x8086, 0x10d3, 64) });
    expect(s.privileged).toBe(false);
    const f = s.functions[0]!;
    expect(f).toMatchObject({ vendorId: 0x8086, deviceId: 0x10d3, classCode: 0x020000, parent: null, iommu: null, group: null });
    expect(f.pcieKnown).toBeUndefined();
    expect(f.acs).toBeUndefined();
    expect(s.tables).toEqual([]);
    expect(s.warnings).toEqual([
      'host.tar.gz:ridmap-snapshot/manifest.txt:6: DMAR was not readable when the snapshot was taken (run the snapshot as root)',
      'host.tar.gz: taken without root: configuration spaces stop at 64 bytes, so ACS and the PCIe port types are unknown, and the ACPI tables are absent',
    ]);
  });

  it('facts that disagree are warnings with their line, and the machine\'s word is kept', () => {
    const s = snapshotOf([
      'ridmap-snapshot version 1',
      'snapshot privileged yes',
      'pci 0000:00:03.0 path /sys/devices/pci0000:00/0000:00:03.0',
      'pci 0000:00:03.0 vendor 0x8086',
      'pci 0000:00:03.0 group 4',
      'pci 0000:00:03.0 config 256',
      'group 5 device 0000:00:03.0',
      'group 5 device 0000:00:09.0',
      'pci 0000:00:04.0 path /sys/devices/pci0000:00/0000:00:1c.0/0000:00:05.0',
      'table IORT size 40',
      'future 0000:00:03.0 colour blue',
    ].join('\n'), { 'sys/bus/pci/devices/0000:00:03.0/config': header(0x1af4, 0x1041, 128) });
    expect(s.functions.map((f) => [f.sbdf, f.group, f.vendorId])).toEqual([['0000:00:03.0', '4', 0x1af4], ['0000:00:04.0', null, undefined]]);
    expect(s.functions[1]!.parent).toBeUndefined();
    expect(s.warnings).toEqual([
      'host.tar.gz:ridmap-snapshot/manifest.txt:9: 0000:00:04.0\'s device path /sys/devices/pci0000:00/0000:00:1c.0/0000:00:05.0 does not end in its name: parent unknown',
      'host.tar.gz:ridmap-snapshot/manifest.txt:10: IORT is listed but its file is missing from the snapshot',
      '0000:00:03.0: its config file holds 128 bytes, the manifest says 256',
      '0000:00:03.0: sysfs says vendorId 0x8086, its config space 0x1af4; the config space is taken',
      'host.tar.gz:ridmap-snapshot/manifest.txt:7: iommu group 5 lists 0000:00:03.0, whose iommu_group link names group 4',
      'host.tar.gz:ridmap-snapshot/manifest.txt:7: iommu group 5 lists 0000:00:09.0, which is not under /sys/bus/pci/devices',
    ]);
  });

  it('functions behind an Intel VMD (PCI domain 10000 and up) are left out with one warning, not taken for a broken manifest', () => {
    const s = snapshotOf([
      'ridmap-snapshot version 1',
      'pci 0000:00:0e.0 path /sys/devices/pci0000:00/0000:00:0e.0',
      'pci 0000:00:0e.0 group 7',
      'pci 10000:e0:17.0 path /sys/devices/pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:17.0',
      'pci 10000:e0:17.0 group 7',
      'group 7 device 0000:00:0e.0',
      'group 7 device 10000:e0:17.0',
    ].join('\n'));
    expect(s.functions.map((f) => [f.sbdf, f.group])).toEqual([['0000:00:0e.0', '7']]);
    expect(s.warnings).toEqual([
      'host.tar.gz:ridmap-snapshot/manifest.txt:4: 10000:e0:17.0 is in PCI domain 10000, behind an Intel VMD: no firmware table names such functions and the IOMMU sees them as the VMD endpoint, so they are left out',
    ]);
  });
});
