import { describe, expect, it } from 'vitest';
import { aliasCollisions, groupSplitIommu } from '../../src/model/device-findings.js';
import { deviceEntry } from '../../src/model/devices.js';
import type { DeviceEntry, Translation } from '../../src/model/translation-map.js';

const t = (first: number, last: number, iommu: string, outputBase: number): Translation => ({
  segment: 0,
  first,
  last,
  iommu,
  outputBase,
  source: 'IORT',
});

describe('device entries from translations (as Linux maps every alias)', () => {
  const translations = [t(0x200, 0x2ff, 'smmuv3@0x1000', 0x8200), t(0x000, 0x0ff, 'smmuv3@0x2000', 0)];

  it('the own RID picks the IOMMU; every alias gets its own output ID', () => {
    expect(deviceEntry({ id: 'd', segment: 0, rid: 0x218, aliases: [0x218, 0x200], group: 'g0' }, translations)).toEqual({
      id: 'd',
      segment: 0,
      rid: 0x218,
      aliases: [0x218, 0x200],
      iommu: 'smmuv3@0x1000',
      outputIds: [0x8218, 0x8200],
      group: 'g0',
    });
  });

  it('an alias nothing covers keeps its RID (iort_node_map_id / of_map_id leave the ID unchanged)', () => {
    expect(deviceEntry({ id: 'd', segment: 0, rid: 0x218, aliases: [0x218, 0x110], group: 'g0' }, translations).outputIds).toEqual([
      0x8218, 0x110,
    ]);
  });

  it('an untranslated own RID: no IOMMU and no output IDs; other segments do not match', () => {
    expect(deviceEntry({ id: 'd', segment: 1, rid: 0x218, aliases: [0x218], group: 'g0' }, translations)).toMatchObject({
      iommu: null,
      outputIds: [],
    });
  });
});

describe('findings over device entries (any map with a topology)', () => {
  const entry = (id: string, rid: number, aliases: number[], iommu: string | null, outputIds: number[], group: string): DeviceEntry => ({
    id,
    segment: 0,
    rid,
    aliases,
    iommu,
    outputIds,
    group,
  });

  it('group-split-iommu skips the IOMMU functions themselves', () => {
    const devices = [entry('viommu', 0x10, [0x10], null, [], 'g0'), entry('nic', 0x18, [0x18], 'virtio-iommu-pci@0000:00:02.0', [0x18], 'g0')];
    expect(groupSplitIommu(devices).map((d) => d.code)).toEqual(['group-split-iommu']);
    expect(groupSplitIommu(devices, { iommuFunctions: new Set(['viommu']) })).toEqual([]);
  });

  it('alias-collision: a shared RID with different output IDs, once per pair', () => {
    const devices = [
      entry('a', 0x100, [0x100, 0x80], 'smmuv3@0x1000', [0x100, 0x80], 'g0'),
      entry('b', 0x101, [0x101, 0x80], 'smmuv3@0x1000', [0x101, 0x9080], 'g0'),
    ];
    const found = aliasCollisions(devices, { pathOf: (id) => `here.${id}` });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'alias-collision', path: 'here.b' });
    expect(found[0]!.message).toContain('a goes to smmuv3@0x1000 as 0x80 while b goes to smmuv3@0x1000 as 0x9080');
    expect(aliasCollisions([devices[0]!, { ...devices[1]!, outputIds: [0x101, 0x80] }])).toEqual([]);
  });
});
