import { describe, expect, it } from 'vitest';
import { buildOutputs } from '../../src/build-outputs.js';
import { compareSnapshotWithLinux, HOST_NO_TABLES, LINUX_DIFFERS, LINUX_EXPLAINED } from '../../src/import/host/host-oracle.js';
import type { HostSnapshot } from '../../src/import/host/host-snapshot.js';
import { hostTopology } from '../../src/import/host/host-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { intelServer } from './host-snapshots.js';

/**
 * The machine's DMAR, as its firmware would write it: the PCI tree of the
 * snapshot with its two VT-d units (dmar0 takes root bus 80, dmar1 is
 * INCLUDE_PCI_ALL), built by ridmap.
 */
function withDmar(snapshot: HostSnapshot): HostSnapshot {
  const pci = hostTopology(snapshot).topology;
  const full: Topology = {
    ...pci,
    iommus: [
      { id: 'dmar0', type: 'vtd', base: 0xfbffc000 },
      { id: 'dmar1', type: 'vtd', base: 0xc7ffc000, includeAll: true },
    ],
    hostBridges: pci.hostBridges!.map((h) => (h.rootBus === 0x80 ? { ...h, iommu: 'dmar0' } : h)),
  };
  const dmar = buildOutputs(resolveTopology(full)).outputs.find((o) => o.name === 'DMAR.dat')!.data as Uint8Array;
  return { ...snapshot, tables: [{ name: 'DMAR', bytes: dmar }, { name: 'SSDT1', bytes: new Uint8Array(36) }] };
}

describe("compareSnapshotWithLinux: the machine's tables, mapped with its topology, against what Linux did", () => {
  it("gives every device Linux's IOMMU and group when the model explains the machine", () => {
    const snapshot = withDmar(intelServer());
    const { comparison, findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(comparison.groupDifferences).toEqual([]);
    expect(comparison.devices.filter((d) => !d.iommuAgrees)).toEqual([]);
    expect(comparison.agree).toBe(true);
    expect(comparison.devices).toHaveLength(snapshot.functions.length);
    expect(comparison.devices.find((d) => d.sbdf === '0000:81:00.0')!.linux!.iommu).toBe('vtd@0xfbffc000');
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it("a quirk ridmap applies and this kernel did not explains the difference, naming the quirk", () => {
    // Linux put the two I350 functions in one group: its kernel lacks pci_quirk_mf_endpoint_acs.
    const snapshot = withDmar(intelServer({ '0000:02:00.1': '4' }));
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    const explained = findings.filter((f) => f.code === LINUX_EXPLAINED && f.path);
    expect(explained.map((f) => f.path)).toEqual(['0000:02:00.0', '0000:02:00.1']);
    expect(explained[0]!.message).toMatch(/ridmap applies Linux's quirk pci_quirk_mf_endpoint_acs \(Intel NICs\) to 0000:02:00.0 \(ACS\), and this kernel \(6.12.0\) did not/);
  });

  it('a difference no rule explains is one warning naming the device and both answers', () => {
    // Linux isolated the NVMe drive from nothing it could: it grouped it with the PCH root port's devices.
    const snapshot = withDmar(intelServer({ '0000:01:00.0': '4' }));
    const { comparison, findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(comparison.agree).toBe(false);
    const warnings = findings.filter((f) => f.code === LINUX_DIFFERS);
    expect(warnings.map((f) => f.path)).toEqual(['0000:01:00.0', '0000:02:00.0']);
    expect(warnings[0]!.message).toMatch(/0000:01:00.0: ridmap groups it with \[0000:01:00.0\], Linux with \[0000:01:00.0,0000:02:00.0\]: no rule ridmap knows explains it/);
  });

  it('intel_iommu=off on the command line explains every device without an IOMMU', () => {
    const groups = Object.fromEntries(intelServer().functions.map((f) => [f.sbdf, null]));
    const snapshot = withDmar(intelServer(groups));
    snapshot.cmdline = 'root=/dev/sda1 intel_iommu=off';
    for (const f of snapshot.functions) f.iommu = null;
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    const explained = findings.filter((f) => f.code === LINUX_EXPLAINED && f.path);
    expect(explained).toHaveLength(snapshot.functions.length);
    expect(explained[0]!.message).toMatch(/ridmap says vtd@0xc7ffc000, Linux no IOMMU: the kernel command line has intel_iommu=off/);
    expect(findings.filter((f) => f.code === LINUX_DIFFERS)).toEqual([]);
  });

  it('ACS not read (a snapshot taken without root) explains a larger ridmap group', () => {
    const snapshot = withDmar(intelServer());
    snapshot.privileged = false;
    const rp = snapshot.functions.find((f) => f.sbdf === '0000:00:01.0')!;
    delete rp.acs;
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    const explained = findings.filter((f) => f.path === '0000:01:00.0');
    expect(explained).toHaveLength(1);
    expect(explained[0]!.message).toMatch(/ACS of 0000:00:01.0 is unknown \(config space past 0x100 not read: the snapshot was not taken as root\)/);
    expect(findings.filter((f) => f.code === LINUX_DIFFERS)).toEqual([]);
  });

  it('a snapshot without IOMMU tables says so once', () => {
    const snapshot = intelServer();
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(findings.filter((f) => f.code === HOST_NO_TABLES)).toHaveLength(1);
  });

  it('reads the first DMAR as Linux does: a second one that differs (sysfs DMAR2) is a table-repeated warning and is not mapped', () => {
    const snapshot = withDmar(intelServer());
    const other = withDmar(intelServer());
    const second = other.tables[0]!.bytes.slice();
    second[0x3a] = 0xd8; // dmar1's base: another unit
    snapshot.tables.push({ name: 'DMAR2', bytes: second });
    const { comparison, findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(findings.filter((f) => f.code === 'table-repeated').map((f) => f.severity)).toEqual(['warning']);
    expect(comparison.agree).toBe(true);
  });

  it('a table too broken to decode is a finding, and the others are still compared', () => {
    const snapshot = withDmar(intelServer());
    snapshot.tables.unshift({ name: 'IORT', bytes: new Uint8Array([0x49, 0x4f, 0x52, 0x54, 1]) });
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(findings.filter((f) => f.severity !== 'info').map((f) => f.code)).toContain('acpi-header-truncated');
    expect(findings.filter((f) => f.code === LINUX_DIFFERS)).toEqual([]);
  });
});
