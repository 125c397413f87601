import { describe, expect, it } from 'vitest';
import { dtPropertyProblems, tableProblems } from '../../src/judge/boot.js';
import { compareWithLinux, linuxIommuIdentity, type PredictedDevice } from '../../src/model/linux-verdict.js';
import { parseJudgeConsole } from '../../src/judge/parse.js';
import { formatComparisonText } from '../../src/judge/render.js';

// The shape of a real console (Debian 6.1 under QEMU 7.2), shortened: firmware
// noise and terminal escapes before the first marker, CRLF line ends.
const CONSOLE = [
  'SeaBIOS (version 1.16.2-debian-1.16.2-1)',
  'RIDMAP-JUDGE DEVICE 0000:99:00.0 dmar0 9 -', // before BEGIN: ignored
  'Probing EDD (edd=off to disable)... ok\x1b[?7l\x1b[2JRIDMAP-JUDGE BEGIN',
  'RIDMAP-JUDGE DEVICE 0000:00:00.0 dmar0 0 pci-stub',
  'RIDMAP-JUDGE DEVICE 0000:00:1f.0 dmar0 4 pci-stub',
  'RIDMAP-JUDGE DEVICE 0000:00:1f.2 dmar0 4 -',
  'RIDMAP-JUDGE DEVICE 0000:05:01.0 - - -',
  'RIDMAP-JUDGE IOMMU dmar0 fed90000',
  'RIDMAP-JUDGE TABLE DMAR 444d4152',
  'RIDMAP-JUDGE TABLE IORT -',
  'RIDMAP-JUDGE DMESG [    0.057024] ACPI: Table Upgrade: override [DMAR-BOCHS -BXPC    ]',
  'RIDMAP-JUDGE END',
  '[    3.218475] reboot: Power down',
].join('\r\n');

describe('parseJudgeConsole', () => {
  const report = parseJudgeConsole(CONSOLE);

  it('reads devices, IOMMUs, tables and dmesg lines between the markers', () => {
    expect(report.complete).toBe(true);
    expect(report.devices).toEqual([
      { sbdf: '0000:00:00.0', iommu: 'dmar0', group: '0', driver: 'pci-stub' },
      { sbdf: '0000:00:1f.0', iommu: 'dmar0', group: '4', driver: 'pci-stub' },
      { sbdf: '0000:00:1f.2', iommu: 'dmar0', group: '4', driver: null },
      { sbdf: '0000:05:01.0', iommu: null, group: null, driver: null },
    ]);
    expect(report.iommus).toEqual([{ name: 'dmar0', address: 0xfed90000n, pciFunction: null }]);
    expect(report.tables.get('DMAR')).toEqual(new Uint8Array([0x44, 0x4d, 0x41, 0x52]));
    expect(report.tables.get('IORT')).toBeNull();
    expect(report.dmesg).toHaveLength(1);
  });

  it('says a boot cut short is incomplete', () => {
    expect(parseJudgeConsole(CONSOLE.split('RIDMAP-JUDGE END')[0]!).complete).toBe(false);
    expect(parseJudgeConsole('Kernel panic - not syncing').complete).toBe(false);
  });

  it('reads a garbled table dump as absent, not as other bytes', () => {
    expect(parseJudgeConsole('RIDMAP-JUDGE BEGIN\nRIDMAP-JUDGE TABLE DMAR 44x\nRIDMAP-JUDGE END').tables.get('DMAR')).toBeNull();
  });
});

describe('tableProblems (the proof that Linux used ridmap\'s bytes)', () => {
  const report = parseJudgeConsole(CONSOLE);
  it('accepts the upgrade message with the same bytes', () => {
    expect(tableProblems(report, [{ signature: 'DMAR', bytes: new Uint8Array([0x44, 0x4d, 0x41, 0x52]) }])).toEqual([]);
  });
  it('refuses other bytes, and a table the upgrade did not name', () => {
    expect(tableProblems(report, [{ signature: 'DMAR', bytes: new Uint8Array([0x44]) }])).toEqual([expect.stringMatching(/is not ridmap's: Linux holds/)]);
    expect(tableProblems(report, [{ signature: 'IORT', bytes: new Uint8Array([1]) }])).toEqual([
      expect.stringMatching(/no "ACPI: Table Upgrade: override \[IORT-/),
      expect.stringMatching(/IORT is absent/),
    ]);
  });
});

describe('Device Tree properties (the proof under DT)', () => {
  // The arm64 console: the kernel log and the report share ttyAMA0.
  const report = parseJudgeConsole([
    '[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]',
    'RIDMAP-JUDGE BEGIN',
    'RIDMAP-JUDGE DTPROP /pcie@10000000/iommu-map x00000000000080040000000000001000',
    'RIDMAP-JUDGE DTPROP /smmuv3@9050000/dma-coherent x',
    'RIDMAP-JUDGE DTPROP /pcie@10000000/iommu-map-mask -',
    'RIDMAP-JUDGE DTPROP /pcie@10000000/msi-map x00zz',
    'RIDMAP-JUDGE END',
  ].join('\r\n'));
  const iommuMap = new Uint8Array([0, 0, 0, 0, 0, 0, 0x80, 0x04, 0, 0, 0, 0, 0, 0, 0x10, 0]);

  it('reads bytes, an empty property, an absent one, and a garbled one as absent', () => {
    expect(report.dtProperties.get('/pcie@10000000/iommu-map')).toEqual(iommuMap);
    expect(report.dtProperties.get('/smmuv3@9050000/dma-coherent')).toEqual(new Uint8Array(0));
    expect(report.dtProperties.get('/pcie@10000000/iommu-map-mask')).toBeNull();
    expect(report.dtProperties.get('/pcie@10000000/msi-map')).toBeNull();
  });

  it('accepts the same bytes and an expected absence; names every other case', () => {
    expect(dtPropertyProblems(report, [{ path: '/pcie@10000000/iommu-map', bytes: iommuMap }])).toEqual([]);
    expect(dtPropertyProblems(report, [
      { path: '/pcie@10000000/iommu-map-mask', bytes: null },
      { path: '/smmuv3@9050000/dma-coherent', bytes: new Uint8Array(0) },
    ])).toEqual([]);
    expect(dtPropertyProblems(report, [{ path: '/pcie@10000000/iommu-map', bytes: iommuMap.map((b, i) => (i === 15 ? 0xff : b)) }]))
      .toEqual(['/pcie@10000000/iommu-map: Linux holds <0x00 0x8004 0x00 0x1000>, ridmap wrote <0x00 0x8004 0x00 0x10ff>']);
    expect(dtPropertyProblems(report, [
      { path: '/smmuv3@9050000/dma-coherent', bytes: null },
      { path: '/pcie@10000000/iommu-map-mask', bytes: new Uint8Array([0, 0, 0xff, 0xf8]) },
      { path: '/pcie@10000000/msi-parent', bytes: null },
    ])).toEqual([
      "/smmuv3@9050000/dma-coherent: Linux has it (empty), ridmap's tree has none",
      '/pcie@10000000/iommu-map-mask: absent from /proc/device-tree, ridmap wrote <0xfff8>',
      '/pcie@10000000/msi-parent: /init did not report it',
    ]);
  });
});

describe('linuxIommuIdentity', () => {
  it('names Linux\'s IOMMUs as ridmap\'s map does', () => {
    expect(linuxIommuIdentity({ name: 'dmar0', address: 0xfed90000n, pciFunction: null }, 'dmar0')).toBe('vtd@0xfed90000');
    // arm-smmu-v3's sysfs name, as Debian's 6.1 shows it on QEMU's virt.
    expect(linuxIommuIdentity({ name: 'smmu3.0x0000000009050000', address: null, pciFunction: null }, 'smmu3.0x0000000009050000')).toBe('smmuv3@0x9050000');
    expect(linuxIommuIdentity(undefined, 'smmu.0x000000002b400000')).toBe('smmuv2@0x2b400000');
    // virtio-iommu-pci is named after its PCI function (Debian's 6.12 on virt), which /init reports as its parent.
    expect(linuxIommuIdentity({ name: '0000:00:01.0', address: null, pciFunction: '0000:00:01.0' }, '0000:00:01.0')).toBe('virtio-iommu-pci@0000:00:01.0');
    expect(linuxIommuIdentity(undefined, 'virtio-iommu0')).toBe('linux:virtio-iommu0');
    // AMD-Vi: ivhd<n>, whose device is the IOMMU's own PCI function (Debian's 6.1-7.3 on q35 with amd-iommu); the topology names the unit there.
    const units = new Map([['0000:00:04.0', 'amd-vi@0xfed80000']]);
    expect(linuxIommuIdentity({ name: 'ivhd0', address: null, pciFunction: '0000:00:04.0' }, 'ivhd0', units)).toBe('amd-vi@0xfed80000');
    expect(linuxIommuIdentity({ name: 'ivhd0', address: null, pciFunction: '0000:00:04.0' }, 'ivhd0')).toBe('linux:ivhd0');
  });

  it('names a RISC-V IOMMU that is a PCI function riscv-iommu-pci@ that function, as ridmap does; another keeps Linux\'s name', () => {
    // riscv_iommu_init() names it "riscv-iommu@" and its device's name; sysfs gives it no parent device.
    expect(linuxIommuIdentity({ name: 'riscv-iommu@0000:00:01.0', address: null, pciFunction: null }, 'riscv-iommu@0000:00:01.0'))
      .toBe('riscv-iommu-pci@0000:00:01.0');
    expect(linuxIommuIdentity(undefined, 'riscv-iommu@0001:02:03.4')).toBe('riscv-iommu-pci@0001:02:03.4');
    // A platform device's name is no BDF: kept as Linux's until its sysfs says the base.
    expect(linuxIommuIdentity(undefined, 'riscv-iommu@3010000.iommu')).toBe('linux:riscv-iommu@3010000.iommu');
  });
});

describe('compareWithLinux', () => {
  const report = parseJudgeConsole(CONSOLE);
  const vtd = 'vtd@0xfed90000';
  const predicted: PredictedDevice[] = [
    { id: 'mch', segment: 0, bdf: '00:00.0', iommu: vtd, group: 'g0' },
    { id: 'lpc', segment: 0, bdf: '00:1f.0', iommu: vtd, group: 'g6' },
    { id: 'sata', segment: 0, bdf: '00:1f.2', iommu: vtd, group: 'g6' },
    // The map's alias group of an untranslated device: Linux shows no group for it.
    { id: 'nic0', segment: 0, bdf: '05:01.0', iommu: null, group: 'g5' },
  ];

  it('agrees when IOMMUs match by base address and the partitions are equal, whatever the group names', () => {
    const c = compareWithLinux(predicted, report);
    expect(c.groupDifferences).toEqual([]);
    expect(c.agree).toBe(true);
    expect(c.devices.find((d) => d.id === 'mch')!.linux).toEqual({ iommu: vtd, group: '0' });
  });

  it('names a device whose IOMMU differs', () => {
    const c = compareWithLinux(predicted.map((d) => (d.id === 'nic0' ? { ...d, iommu: vtd, group: 'g9' } : d)), report);
    expect(c.agree).toBe(false);
    expect(c.devices.filter((d) => !d.iommuAgrees).map((d) => d.id)).toEqual(['nic0']);
    expect(c.groupDifferences).toEqual(['nic0 (0000:05:01.0): ridmap says group g9, Linux no group']);
  });

  it('names a group one side splits', () => {
    const c = compareWithLinux(predicted.map((d) => (d.id === 'sata' ? { ...d, group: 'g7' } : d)), report);
    expect(c.agree).toBe(false);
    expect(c.groupDifferences).toEqual([expect.stringMatching(/^Linux's group 4 \(lpc \(0000:00:1f.0\), sata \(0000:00:1f.2\)\) is split by ridmap into groups g6, g7$/)]);
  });

  it('names a virtio-iommu as ridmap does: Linux calls it after its PCI function (Debian 6.12), ridmap virtio-iommu-pci@ that function', () => {
    const viot = parseJudgeConsole([
      'RIDMAP-JUDGE BEGIN',
      'RIDMAP-JUDGE DEVICE 0000:10:00.0 0000:00:02.0 1 pci-stub',
      'RIDMAP-JUDGE DEVICE 0000:00:02.0 - - virtio-pci',
      'RIDMAP-JUDGE IOMMU 0000:00:02.0 - 0000:00:02.0',
      'RIDMAP-JUDGE END',
    ].join('\n'));
    expect(viot.iommus).toEqual([{ name: '0000:00:02.0', address: null, pciFunction: '0000:00:02.0' }]);
    const c = compareWithLinux([
      { id: 'rp', segment: 0, bdf: '10:00.0', iommu: 'virtio-iommu-pci@0000:00:02.0', group: 'g1' },
      { id: 'viommu', segment: 0, bdf: '00:02.0', iommu: null, group: 'g0' },
    ], viot);
    expect(c.devices.map((d) => d.linux!.iommu)).toEqual([null, 'virtio-iommu-pci@0000:00:02.0']);
    expect(c.agree).toBe(true);
    // An IOMMU whose sysfs name is not its PCI function keeps Linux's name: nothing is guessed.
    expect(linuxIommuIdentity({ name: 'virtio0', address: null, pciFunction: '0000:00:02.0' }, 'virtio0')).toBe('linux:virtio0');
  });

  it('counts a device only one side knows as a difference', () => {
    const c = compareWithLinux(predicted.slice(0, 3), report);
    expect(c.agree).toBe(false);
    expect(c.devices.find((d) => d.sbdf === '0000:05:01.0')).toMatchObject({ id: null, ridmap: null, iommuAgrees: false });
  });
});

describe('formatComparisonText', () => {
  const report = parseJudgeConsole(CONSOLE);
  const vtd = 'vtd@0xfed90000';
  it('prints each device with both answers and the verdicts', () => {
    const text = formatComparisonText(compareWithLinux([
      { id: 'mch', segment: 0, bdf: '00:00.0', iommu: vtd, group: 'g0' },
      { id: 'lpc', segment: 0, bdf: '00:1f.0', iommu: vtd, group: 'g6' },
      { id: 'sata', segment: 0, bdf: '00:1f.2', iommu: vtd, group: 'g7' },
    ], report));
    expect(text).toBe([
      'device  sbdf          ridmap                   Linux',
      'mch     0000:00:00.0  vtd@0xfed90000 group g0  vtd@0xfed90000 group 0  ok',
      'lpc     0000:00:1f.0  vtd@0xfed90000 group g6  vtd@0xfed90000 group 4  ok',
      'sata    0000:00:1f.2  vtd@0xfed90000 group g7  vtd@0xfed90000 group 4  ok',
      '-       0000:05:01.0  not in the topology      no IOMMU                DIFFERENT IOMMU',
      '',
      'group partitions differ:',
      "  Linux's group 4 (lpc (0000:00:1f.0), sata (0000:00:1f.2)) is split by ridmap into groups g6, g7",
      'IOMMU: 3 of 4 devices agree',
      'Linux DISAGREES with ridmap',
      '',
    ].join('\n'));
  });
});
