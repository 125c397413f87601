/**
 * Negative fixtures of the named checks: for each check id, broken DMARs
 * generated here from models and stored as test/fixtures/checks/<id>.dsl (the
 * iasl .dsl form: a comment saying what is wrong, then `Raw Table Data`, so
 * that `ridmap check test/fixtures/checks/<id>.dsl` reads them directly).
 * Fixtures that need a platform have a hand-written <id>.topology.yaml (given
 * as --topology) beside them; topology fixtures are <id>.yaml inputs.
 * RIDMAP_UPDATE_FIXTURES=1 rewrites the generated files.
 *
 * The fixture platform (fixture.topology.yaml and its variants): vtd0 at
 * 0xfed90000 translates gpu 00:02.0; vtd1 at 0xfed91000 is include-all;
 * root ports rp1 (00:1c.0, bus 01: nic0) and rp2 (00:1c.1, bus 02: nvme0), lpc 00:1f.0.
 */
import type { DmarDeviceScope, DmarRemappingStructure, DmarTable } from '../../src/acpi/dmar/model.js';
import { hexDumpLines } from '../../src/codec/index.js';
import { append, encodeModel, patch } from '../acpi/dmar-fixtures.js';
import { invalidIortCases } from '../fixtures/iort/invalid-cases.js';
import { encode as encodeIort, map as iortMap, smallIort } from '../fixtures/iort/iort-tables.js';
import { rimtCheckCases } from '../fixtures/rimt/tables.js';
import { encodeViotModel, smallViot, viotCases } from '../fixtures/viot/tables.js';
import type { IvrsBlock } from '../../src/acpi/ivrs/model.js';
import { alias, encodeIvrs, entry, ivhd, ivrsOf, smallIvrs, special } from '../fixtures/ivrs/tables.js';
import { armMadt, encodeMadt, ioApic, smallMadt } from '../fixtures/madt/tables.js';

export interface CheckFixture {
  /** File name: the check id, plus `.a`/`.b` when one fixture is several tables. */
  name: string;
  description: string;
  /** Warning ids the fixture also raises (an error besides its own id is never allowed). */
  also?: string[];
  /** The platform it is checked against (a file in the fixture directory), unless <id>.topology.yaml is beside it. */
  topology?: string;
  bytes: () => Uint8Array;
}

/** The fixture platform, shared by the fixtures that are checked against it. */
export const PLATFORM = '_platform.topology.yaml';
/** An AMD platform's PCI tree (no IOMMU: the IVRS's are used), with a PCIe-to-PCI bridge. */
const AMD_PLATFORM = '_amd-pci.topology.yaml';
/** The southbridge IOAPIC (APIC ID 0x21) at 00:14.0, which Linux wants in every IVRS. */
const IOAPIC = special(0x21, 0x00a0);

const VTD0 = 0xfed90000n;
const VTD1 = 0xfed91000n;

const scope = (type: number, startBusNumber: number, path: [number, number][], enumerationId = 0): DmarDeviceScope => ({
  type,
  flags: 0,
  enumerationId,
  startBusNumber,
  path: path.map(([device, fn]) => ({ device, function: fn })),
});

const endpoint = (bus: number, dev: number, fn = 0) => scope(1, bus, [[dev, fn]]);
const gpu = endpoint(0, 0x02);
const ioapic = (id: number) => scope(3, 0xf0, [[0x1f, 0]], id);
const hpet = (id: number) => scope(4, 0x00, [[0x1f, 7]], id);
const namespace = (id: number) => scope(5, 0x00, [[0x15, id]], id);

const drhd = (base: bigint, deviceScopes: DmarDeviceScope[], includeAll = false, segmentNumber = 0): DmarRemappingStructure => ({
  type: 'DRHD', flags: includeAll ? 1 : 0, size: 0, segmentNumber, registerBaseAddress: base, deviceScopes,
});
const rmrr = (baseAddress: bigint, limitAddress: bigint, deviceScopes = [gpu]): DmarRemappingStructure => ({
  type: 'RMRR', segmentNumber: 0, baseAddress, limitAddress, deviceScopes,
});

/** A DMAR in the fixture platform's shape: vtd0 for the GPU, include-all vtd1 last, plus `extra` structures. */
function dmar(structures: DmarRemappingStructure[], hostAddressWidth = 38): DmarTable {
  return {
    signature: 'DMAR', revision: 1, oemId: 'RIDMAP', oemTableId: 'CHECKS  ', oemRevision: 1, creatorId: 'RDMP', creatorRevision: 1,
    hostAddressWidth, flags: 1, remappingStructures: structures,
  };
}

const platform = (extra: DmarRemappingStructure[] = [], vtd0Scopes = [gpu]) =>
  dmar([drhd(VTD0, vtd0Scopes), drhd(VTD1, [], true), ...extra]);
const bytesOf = (t: DmarTable) => () => encodeModel(t);

/** IORT and VIOT checks whose fixtures are the format's own damaged tables. */
const FULL_READ_CHECKS = [
  'iort-node-offset', 'iort-node-count', 'iort-array-outside-node', 'iort-array-overlap', 'iort-name-unterminated',
  'iort-dangling-reference', 'iort-self-reference', 'iort-reference-cycle', 'iort-bytes-after-nodes', 'iort-unsupported-revision',
  'viot-node-offset', 'viot-node-count', 'viot-output-node', 'viot-output-not-iommu',
];

export const checkFixtures: readonly CheckFixture[] = [
  // Decode findings, reported under check ids.
  {
    name: 'table-checksum',
    description: 'checksum byte off by one',
    bytes: () => {
      const b = encodeModel(platform());
      b[9] = (b[9]! + 1) & 0xff;
      return b;
    },
  },
  { name: 'table-length', description: 'Length says 0x100 bytes, 0x58 are present', bytes: () => patch(encodeModel(platform()), [[4, 4, 0x100]]) },
  {
    name: 'table-structure',
    description: 'an RMRR after the last DRHD with Length 0: the structure walk cannot go on',
    bytes: () => append(encodeModel(platform()), [1, 0, 0, 0, 0, 0, 0, 0]),
  },
  { name: 'reserved-nonzero', description: 'the DMAR header Reserved bytes are not zero', bytes: () => patch(encodeModel(platform()), [[0x26, 1, 0x5a]]) },
  { name: 'unknown-type', description: 'a remapping structure of reserved type 9 at the end', bytes: () => append(encodeModel(platform()), [9, 0, 8, 0, 1, 2, 3, 4]) },
  {
    name: 'trailing-bytes',
    description: 'an RHSA (for vtd0) with Length 24: 4 bytes after its last field',
    bytes: () => append(encodeModel(platform()), [3, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0xee, 0xee, 0xee, 0xee]),
  },

  // DMAR structure and semantics.
  { name: 'dmar-haw-too-small', description: 'Host Address Width 9 (10-bit DMA addresses)', bytes: bytesOf({ ...platform(), hostAddressWidth: 9 }) },
  {
    name: 'dmar-include-all-not-last',
    description: 'the include-all DRHD comes before vtd0 in segment 0',
    bytes: bytesOf(dmar([drhd(VTD1, [], true), drhd(VTD0, [gpu])])),
  },
  {
    name: 'dmar-include-all-duplicate',
    description: 'two include-all DRHDs in segment 0 (both after vtd0)',
    bytes: bytesOf(platform([drhd(0xfed92000n, [], true)])),
  },
  {
    name: 'dmar-drhd-no-scope',
    description: 'a third DRHD, not include-all, without device scopes',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu]), drhd(0xfed92000n, []), drhd(VTD1, [], true)])),
  },
  {
    name: 'dmar-drhd-duplicate-base',
    description: 'two DRHDs at 0xfed90000 (one for 00:02.0, one for 00:03.0)',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu]), drhd(VTD0, [endpoint(0, 3)]), drhd(VTD1, [], true)])),
  },
  {
    name: 'dmar-rhsa-unknown-base',
    description: 'an RHSA for 0xfed95000, where no DRHD is',
    bytes: bytesOf(platform([{ type: 'RHSA', registerBaseAddress: 0xfed95000n, proximityDomain: 1 }])),
  },
  {
    name: 'dmar-segment-without-drhd',
    description: 'an ATSR for segment 1; every DRHD is in segment 0',
    bytes: bytesOf(platform([{ type: 'ATSR', flags: 1, segmentNumber: 1, deviceScopes: [] }])),
  },
  {
    name: 'dmar-andd-no-scope',
    description: 'ANDD 1 (\\_SB.PCI0.I2C0) with no namespace device scope naming it',
    bytes: bytesOf(platform([{ type: 'ANDD', acpiDeviceNumber: 1, acpiObjectName: '\\_SB.PCI0.I2C0' }])),
  },
  {
    name: 'dmar-namespace-scope-no-andd',
    description: 'vtd0 lists namespace device 2, which no ANDD declares',
    bytes: bytesOf(platform([], [gpu, namespace(2)])),
  },
  {
    name: 'dmar-namespace-scope-duplicate',
    description: 'namespace device 1 is listed by vtd0 and by the include-all unit',
    bytes: bytesOf(dmar([
      drhd(VTD0, [gpu, namespace(1)]),
      drhd(VTD1, [namespace(1)], true),
      { type: 'ANDD', acpiDeviceNumber: 1, acpiObjectName: '\\_SB.PCI0.I2C0' },
    ])),
  },
  { name: 'dmar-rmrr-unaligned', description: 'RMRR 0x7c000800-0x7c7fffff: base not 4 KiB aligned', bytes: bytesOf(platform([rmrr(0x7c000800n, 0x7c7fffffn)])) },
  { name: 'dmar-rmrr-end-before-base', description: 'RMRR limit 0x7bffffff below base 0x7c000000', bytes: bytesOf(platform([rmrr(0x7c000000n, 0x7bffffffn)])) },
  {
    name: 'dmar-rmrr-overlap',
    description: 'RMRRs 0x7c000000-0x7c7fffff and 0x7c400000-0x7cffffff overlap',
    bytes: bytesOf(platform([rmrr(0x7c000000n, 0x7c7fffffn), rmrr(0x7c400000n, 0x7cffffffn, [endpoint(0, 0x1f)])])),
  },
  {
    name: 'dmar-atsr-all-ports-with-scopes',
    description: 'an ATSR with ALL_PORTS that also lists root port 00:1c.0',
    bytes: bytesOf(platform([{ type: 'ATSR', flags: 1, segmentNumber: 0, deviceScopes: [scope(2, 0, [[0x1c, 0]])] }])),
  },
  {
    name: 'dmar-ioapic-duplicate',
    description: 'I/O APIC 2 is listed by vtd0 and by the include-all unit',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu, ioapic(2)]), drhd(VTD1, [ioapic(2)], true)])),
  },
  {
    name: 'dmar-hpet-duplicate',
    description: 'HPET 0 is listed by vtd0 and by the include-all unit',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu, hpet(0)]), drhd(VTD1, [hpet(0)], true)])),
  },
  {
    name: 'dmar-scope-in-two-drhds',
    description: 'endpoint 00:02.0 is listed by vtd0 and by a second unit',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu]), drhd(0xfed92000n, [gpu]), drhd(VTD1, [], true)])),
  },

  // Against the fixture platform (<id>.topology.yaml).
  { name: 'dmar-scope-no-device', topology: PLATFORM, description: 'vtd0 also lists endpoint 00:03.0, which the platform does not have', bytes: bytesOf(platform([], [gpu, endpoint(0, 3)])) },
  {
    name: 'dmar-scope-type-mismatch',
    topology: PLATFORM,
    description: 'vtd0 lists root port 00:1c.0 with an endpoint scope (a bridge needs a sub-hierarchy scope)',
    bytes: bytesOf(platform([], [gpu, endpoint(0, 0x1c)])),
  },
  {
    name: 'dmar-scope-start-bus-not-root',
    description: 'vtd0 names nic0 as bus 01, path 00.0 instead of root bus 00, path 1c.0/00.0 (the platform gives nic0 to vtd0)',
    bytes: bytesOf(platform([], [gpu, endpoint(1, 0)])),
  },
  {
    name: 'renumbering-changes-device',
    description: 'vtd0 names nvme0 as bus 02, path 00.0; under hotplug-shift nvme0 is 03:00.0 and falls to the include-all unit',
    also: ['dmar-scope-start-bus-not-root'],
    bytes: bytesOf(platform([], [gpu, endpoint(2, 0)])),
  },
  {
    name: 'map-device-untranslated',
    topology: PLATFORM,
    description: 'no include-all unit: vtd1 lists only lpc 00:1f.0, so rp1, nic0, rp2 and nvme0 skip the IOMMU',
    bytes: bytesOf(dmar([drhd(VTD0, [gpu]), drhd(VTD1, [endpoint(0, 0x1f)])])),
  },
  {
    name: 'topology-pci-only',
    topology: '_pci-only.topology.yaml',
    description: 'the platform\'s DMAR against its PCI tree alone (no iommus, as import sysfs gives): the IOMMUs are the table\'s, and the check says so',
    bytes: bytesOf(platform()),
  },
  { name: 'map-device-mismatch', topology: PLATFORM, description: 'vtd0 also lists lpc 00:1f.0, which the platform gives to vtd1', bytes: bytesOf(platform([], [gpu, endpoint(0, 0x1f)])) },

  // IORT, walked as Linux walks it.
  {
    name: 'iort-msi-unreachable',
    description:
      'an SMMUv3 without wired interrupts (so Linux uses its Device ID Mapping Index, 0) whose only mapping, 0, takes its masters\' ' +
      'stream IDs to the ITS: Linux skips it as the SMMU\'s own DeviceID mapping, and no RID\'s MSIs reach the ITS',
    bytes: () => {
      const t = smallIort();
      const smmu = t.nodes[1]!;
      if (smmu.type === 'SmmuV3') Object.assign(smmu, { eventGsiv: 0, priGsiv: 0, gerrGsiv: 0, syncGsiv: 0 });
      return encodeIort(t);
    },
  },

  {
    name: 'iort-msi-device-id-shared',
    description:
      'the root complex sends RIDs 0x0-0xff to the SMMU, which hands their stream IDs to the ITS unchanged, and RIDs ' +
      '0x100-0x1ff straight to the ITS with DeviceIDs 0x0-0xff as well: two devices per DeviceID',
    bytes: () => {
      const t = smallIort();
      const rc = t.nodes[2]!;
      if (rc.type === 'RootComplex') rc.idMappings = [iortMap(0, 0xff, 0, 1), iortMap(0x100, 0xff, 0, 0)];
      return encodeIort(t);
    },
  },

  {
    name: 'iort-rc-mapping-unreachable',
    description: 'the root complex maps input IDs 0x87040000-0x8704ffff to the SMMU, as Qualcomm IORTs do: no 16-bit RID matches',
    bytes: () => {
      const t = smallIort();
      const rc = t.nodes[2]!;
      if (rc.type === 'RootComplex') rc.idMappings[0]!.inputBase = 0x87040000;
      return encodeIort(t);
    },
  },

  // IORT and VIOT read in full and walked (the registry rows stop at node fields): the damaged tables of
  // test/fixtures/iort and test/fixtures/viot whose codes are check ids.
  ...[...invalidIortCases, ...viotCases]
    .filter((c) => FULL_READ_CHECKS.includes(c.name))
    .map((c) => ({ name: c.name, description: c.description, bytes: c.bytes })),
  ...rimtCheckCases,
  {
    name: 'viot-iommu-not-found',
    topology: '_pci-only.topology.yaml',
    description: 'the virtio-iommu-pci is 00:01.0, where the platform has no PCI function: Linux drops the range that names it',
    bytes: () => encodeViotModel(smallViot()),
  },

  {
    name: 'ivrs-range-inverted',
    description: 'an IVHD range from 00:10.0 that ends at 00:08.0: Linux sets up none of its devices',
    also: ['ivrs-ioapic-missing'],
    bytes: () => encodeIvrs(smallIvrs([entry('RangeStart', 0x0080), entry('RangeEnd', 0x0040)])),
  },
  {
    name: 'ivrs-range-end-without-start',
    description: 'an IVHD with a range 00:01.0-00:1f.7, then a second End of Range (01:00.0) with no start of its own',
    also: ['ivrs-ioapic-missing'],
    bytes: () => encodeIvrs(smallIvrs([entry('RangeStart', 0x0008), entry('RangeEnd', 0x00ff), entry('RangeEnd', 0x0100)])),
  },

  {
    name: 'ivrs-beyond-last-bdf',
    description: 'an IVHD whose highest counted Device ID is 01:1f.7 (an End of Range), with bus 01 aliased to 02:00.0 above it',
    bytes: () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [
      entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), alias('AliasRangeStart', 0x0100, 0x0200), entry('RangeEnd', 0x01ff), IOAPIC,
    ])])),
  },
  {
    name: 'ivrs-ivhd-overlap',
    description: 'amd-vi@0xfd200000 names 00:00.0-00:1f.7, amd-vi@0xfd300000 names 00:10.0-01:1f.7: Linux gives 00:10.0-00:1f.7 to the second',
    bytes: () => encodeIvrs(ivrsOf([
      ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC]),
      ivhd('IVHD11', 0xfd300000n, [entry('RangeStart', 0x0080), entry('RangeEnd', 0x01ff)], 0x0102),
    ])),
  },
  {
    name: 'ivrs-ivhd-type-missing',
    description: 'amd-vi@0xfd200000 has a 10h and an 11h, amd-vi@0xfd300000 only a 10h: Linux uses 11h and never sets up the second',
    bytes: () => encodeIvrs(ivrsOf([
      ivhd('IVHD10', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC]),
      ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC]),
      ivhd('IVHD10', 0xfd300000n, [entry('RangeStart', 0x0100), entry('RangeEnd', 0x01ff)], 0x0102),
    ])),
  },
  {
    name: 'ivrs-ioapic-missing',
    description: 'an 11h IVHD naming 00:00.0-00:1f.7 and no IOAPIC: Linux disables interrupt remapping',
    bytes: () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff)])])),
  },
  {
    name: 'ivrs-efr-without-efrsup',
    description: 'IVinfo 0x203040 (EFRSup clear) and an 11h IVHD with an EFR image',
    bytes: () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC])], 0x203040)),
  },
  {
    name: 'ivrs-efr-inconsistent',
    description: 'two 11h IVHDs, amd-vi@0xfd300000 with an EFR image lacking GASup (bit 7) that amd-vi@0xfd200000 has',
    bytes: () => encodeIvrs(ivrsOf([
      ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC]),
      { ...ivhd('IVHD11', 0xfd300000n, [entry('RangeStart', 0x0100), entry('RangeEnd', 0x01ff)], 0x0102), efrImage: 0x246577efa2254a7en } as IvrsBlock,
    ])),
  },
  {
    name: 'ivrs-host-translation-disabled',
    description: 'an 11h IVHD with HATDis (Attributes bit 0) and an EFR image without GIOSup (bit 48): newer kernels translate no DMA',
    bytes: () => encodeIvrs(ivrsOf([
      { ...ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC]), attributes: 1, efrImage: 0x246477efa2254afen } as IvrsBlock,
    ])),
  },
  {
    name: 'ivrs-alias-no-device',
    topology: AMD_PLATFORM,
    description: 'bus 05 (which the platform does not have) reaches the IOMMU as 00:1e.0, which no device of the platform uses',
    bytes: () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [
      entry('RangeStart', 0x0000), entry('RangeEnd', 0x04ff),
      alias('AliasRangeStart', 0x0500, 0x00f0), entry('RangeEnd', 0x05ff), IOAPIC,
    ])])),
  },
  {
    name: 'ivrs-alias-mismatch',
    topology: AMD_PLATFORM,
    description: 'the IVRS says fn8 (00:08.0) reaches the IOMMU as 00:07.0; the platform has no bridge or quirk that does that',
    bytes: () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [
      entry('RangeStart', 0x0000), entry('RangeEnd', 0x04ff), alias('AliasSelect', 0x0040, 0x0038), IOAPIC,
    ])])),
  },

  // Two tables for one platform, no topology.
  { name: 'map-tables-disagree.a', description: '00:02.0 behind vtd@0xfed90000', bytes: bytesOf(dmar([drhd(VTD0, [gpu])])) },
  { name: 'map-tables-disagree.b', description: '00:02.0 behind vtd@0xfed91000', bytes: bytesOf(dmar([drhd(VTD1, [gpu])])) },
];

/** Fixtures that need several tables in one input: acpidump text (`<id>.txt`), tables in dump order. */
export interface DumpFixture {
  name: string;
  description: string;
  tables: (() => Uint8Array)[];
}

export const dumpFixtures: readonly DumpFixture[] = [
  {
    name: 'table-repeated',
    description: 'two DMARs in one dump; the second also gives lpc 00:1f.0 to vtd0 (Linux reads only the first)',
    tables: [bytesOf(platform()), bytesOf(platform([], [gpu, endpoint(0, 0x1f)]))],
  },
  {
    name: 'iort-its-not-in-madt',
    description: 'an Arm dump: the IORT\'s ITS group names ITS 0, the MADT\'s one GIC ITS has Translation ID 1',
    tables: [() => encodeMadt(armMadt([1])), () => encodeIort(smallIort())],
  },
  {
    name: 'ivrs-ioapic-not-in-ivrs',
    description:
      'an AMD dump: the MADT has I/O APICs 0x21 (GSI 0) and 0x22 (GSI 24), the IVRS names only 0x21 (at 00:14.0): ' +
      'Linux prints IOAPIC[34] not in IVRS table and, 0x22 coming after the southbridge one, disables interrupt remapping',
    tables: [
      () => encodeMadt(smallMadt([ioApic(0x21, 0), ioApic(0x22, 24)])),
      () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), IOAPIC])])),
    ],
  },
  {
    name: 'ivrs-no-southbridge-ioapic',
    description: 'an AMD dump: the MADT\'s one I/O APIC 0x21 is in the IVRS, but at 00:00.1, not at the southbridge\'s 00:14.0',
    tables: [
      () => encodeMadt(smallMadt([ioApic(0x21, 0)])),
      () => encodeIvrs(ivrsOf([ivhd('IVHD11', 0xfd200000n, [entry('RangeStart', 0x0000), entry('RangeEnd', 0x00ff), special(0x21, 0x0001)])])),
    ],
  },
];

/**
 * acpidump's text: a `SIG @ address` line per table, then its hex lines. What
 * is wrong is in the file name's check id and in test/checks/check-fixtures.ts
 * (acpidump text has no comment syntax).
 */
export function dumpText(f: DumpFixture): string {
  return f.tables
    .map((bytes, i) => {
      const b = bytes();
      const signature = new TextDecoder().decode(b.subarray(0, 4));
      return [`${signature} @ 0x${(0xbff6e000 + i * 0x1000).toString(16).toUpperCase().padStart(16, '0')}`, ...hexDumpLines(b, 0, '    '), ''].join('\n');
    })
    .join('\n');
}

/** The .dsl text: what is wrong, then iasl's Raw Table Data section. */
export function fixtureText(f: CheckFixture): string {
  const b = f.bytes();
  return [
    '/*',
    ` * ${f.name}: ${f.description}`,
    ...(f.also ? [` * also: ${f.also.join(', ')}`] : []),
    ...(f.topology ? [` * topology: ${f.topology}`] : []),
    ' * (generated by test/checks/check-fixtures.ts)',
    ' */',
    `Raw Table Data: Length ${b.length} (0x${b.length.toString(16).toUpperCase()})`,
    '',
    ...hexDumpLines(b, 0, '    '),
    '',
  ].join('\n');
}

/** Warning ids a fixture file says it also raises (`also:` in its comment). */
export function alsoRaised(text: string): string[] {
  const m = /also: ([a-z0-9, -]+)/.exec(text);
  return m ? m[1]!.split(',').map((s) => s.trim()) : [];
}

/** The Linux profile a fixture is checked for (`os:` in its comment), as `--os`. */
export function namedOs(text: string): string | undefined {
  return /\bos: (linux-[0-9.]+)/.exec(text)?.[1];
}

/** The shared platform a fixture file names (`topology:` in its comment). */
export function namedTopology(text: string): string | undefined {
  return /topology: (\S+)/.exec(text)?.[1];
}

