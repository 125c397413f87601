/**
 * The proof: for each snapshot fixture of a Linux guest
 * (test/fixtures/sysfs/), import -> map gives every device Linux's IOMMU and
 * group: the guest's own tables (QEMU's), mapped with the PCI-only topology
 * the snapshot becomes, against what Linux did.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSnapshotWithLinux } from '../../src/import/host/host-oracle.js';
import { hostTopology } from '../../src/import/host/host-topology.js';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';
import { REPO_ROOT } from '../support/paths.js';

const FIXTURES = ['q35-vtd', 'q35-amd-vi', 'q35-virtio-iommu', 'virt-smmuv3-two', 'virt-virtio-iommu'];

describe("import -> map gives every device of a snapshot Linux's IOMMU and group", () => {
  for (const name of FIXTURES) {
    it(name, async () => {
      const snapshot = await readSysfsSnapshot(join(REPO_ROOT, 'test/fixtures/sysfs', `${name}.tar.gz`));
      const built = hostTopology(snapshot);
      const { comparison, findings } = compareSnapshotWithLinux(snapshot, built.topology);
      expect(built.warnings).toEqual([]);
      expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(comparison.devices.filter((d) => !d.iommuAgrees)).toEqual([]);
      expect(comparison.groupDifferences).toEqual([]);
      expect(comparison.devices).toHaveLength(snapshot.functions.length);
      expect(comparison.agree).toBe(true);
    });
  }

  it("the answers are not all alike: what Linux did differs between the fixtures, and ridmap's map follows it", async () => {
    const smmu = await readSysfsSnapshot(join(REPO_ROOT, 'test/fixtures/sysfs/virt-smmuv3-two.tar.gz'));
    const { comparison } = compareSnapshotWithLinux(smmu, hostTopology(smmu).topology);
    const iommuOf = (sbdf: string) => comparison.devices.find((d) => d.sbdf === sbdf)!.ridmap!.iommu;
    // pcie.0 has no SMMU; each expander's devices are behind their own.
    expect(iommuOf('0000:01:00.0')).toBeNull();
    expect(iommuOf('0000:11:00.0')).toBe('smmuv3@0xc000000');
    expect(iommuOf('0000:21:00.0')).toBe('smmuv3@0xc020000');
  });

  it('is sensitive: the same q35 guest read without root (ACS unknown) gives larger groups, each explained by that rule', async () => {
    const snapshot = await readSysfsSnapshot(join(REPO_ROOT, 'test/fixtures/sysfs/q35-vtd.tar.gz'));
    snapshot.privileged = false;
    for (const f of snapshot.functions) delete f.acs;
    const { comparison, findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    expect(comparison.agree).toBe(false);
    const explained = findings.filter((f) => f.code === 'host-linux-explained' && f.path);
    expect(explained.length).toBeGreaterThan(0);
    expect(explained.every((f) => /ACS of 0000:\S+ is unknown \(config space past 0x100 not read: the snapshot was not taken as root\)/.test(f.message))).toBe(true);
    expect(findings.filter((f) => f.code === 'host-linux-differs')).toEqual([]);
  });

  it('an arm64 device no driver has bound, which Linux has not attached to its SMMU yet, is explained by that rule', async () => {
    const snapshot = await readSysfsSnapshot(join(REPO_ROOT, 'test/fixtures/sysfs/virt-smmuv3-two.tar.gz'));
    const nic = snapshot.functions.find((f) => f.sbdf === '0000:22:00.0')!;
    Object.assign(nic, { iommu: null, group: null, driver: null });
    const { findings } = compareSnapshotWithLinux(snapshot, hostTopology(snapshot).topology);
    const mine = findings.filter((f) => f.path === '0000:22:00.0');
    expect(mine.map((f) => f.code)).toEqual(['host-linux-explained']);
    expect(mine[0]!.message).toMatch(/ridmap says smmuv3@0xc020000, Linux no IOMMU: no driver is bound to it/);
  });
});
