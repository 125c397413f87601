/**
 * The MSI side of a map's devices is answered when asked (map.deviceMsi),
 * not stored in every device entry: `check` never prints it, and at a
 * million endpoints an object per device per map was memory and GC for
 * nothing. What `map` and `which` print from it is held by
 * test/map/msi-side.test.ts and the Arm goldens.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { firstTranslating } from '../../src/model/combine-maps.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { DeviceEntry, TranslationMap } from '../../src/model/translation-map.js';
import { TABLES_DIR } from '../support/paths.js';

describe('device MSIs on demand', () => {
  const resolved = resolveTopology(loadTopologyFile(join(TABLES_DIR, 'arm-virt-smmuv3.yaml')));
  const devices = resolved.map.devices!;

  it('device entries carry no MSI field; the map answers per device, with the RID Linux sends MSIs with', () => {
    expect(devices.every((d) => !('msi' in d))).toBe(true);
    const nic = devices.find((d) => d.id === 'nic2')!;
    // Behind a PCIe-to-PCI bridge: sent as the bridge's alias 07:00.0, DeviceID = that RID.
    expect(resolved.map.deviceMsi!(nic)).toEqual({ its: 'its@0x8080000', deviceId: 0x700, rid: 0x700 });
    expect(devices.every((d) => resolved.map.deviceMsi!(d)?.its === 'its@0x8080000')).toBe(true);
  });

  it('answers the same whatever order devices are asked in: in order, again, reversed, one alone', () => {
    // Asked in the map's order, the next function is tried before the index (device-msi.ts inOrder); any other order falls back to it.
    const fresh = () => resolveTopology(loadTopologyFile(join(TABLES_DIR, 'arm-virt-smmuv3.yaml'))).map;
    const expected = devices.map((d) => fresh().deviceMsi!(d));
    expect(new Set(expected.map((m) => m?.deviceId)).size).toBeGreaterThan(2);
    const map = fresh();
    const ask = (ds: readonly DeviceEntry[]) => ds.map((d) => map.deviceMsi!(d));
    expect(ask(devices)).toEqual(expected);
    expect(ask(devices)).toEqual(expected);
    expect(ask([...devices].reverse())).toEqual([...expected].reverse());
    expect(ask([devices[3]!, devices[1]!, devices[2]!, devices[0]!])).toEqual([expected[3], expected[1], expected[2], expected[0]]);
    expect(ask(devices)).toEqual(expected);
  });

  it('a topology without MSI controllers has no MSI side for its devices', () => {
    const x86 = resolveTopology(loadTopologyFile(join(TABLES_DIR, 'q35-vtd-pci-bridge.yaml')));
    expect(x86.map.deviceMsi).toBeUndefined();
  });

  it("a machine's devices from several tables: each device's MSIs are its own table's answer, none where that table has no MSI side", () => {
    const entry = (id: string, iommu: string | null): DeviceEntry => ({ id, segment: 0, rid: 8, aliases: [8], iommu, outputIds: iommu ? [8] : [], group: 'g' });
    const viot: TranslationMap = { translations: [], mmio: [], findings: [], devices: [entry('a', 'virtio-iommu@0:1.0'), entry('b', null)] };
    const iort: TranslationMap = {
      translations: [], mmio: [], findings: [],
      devices: [entry('a', 'smmuv3@0x1000'), entry('b', 'smmuv3@0x1000')],
      deviceMsi: (d) => ({ its: 'its#0', deviceId: d.rid, rid: d.rid }),
    };
    const { devices: chosen, deviceMsi } = firstTranslating([viot, iort]);
    // a: the VIOT translates it first, and the VIOT says nothing of MSIs; b: the IORT's, with its MSIs.
    expect(chosen!.map((d) => [d.id, d.iommu, deviceMsi!(d)])).toEqual([
      ['a', 'virtio-iommu@0:1.0', undefined],
      ['b', 'smmuv3@0x1000', { its: 'its#0', deviceId: 8, rid: 8 }],
    ]);
    expect(firstTranslating([viot]).deviceMsi).toBeUndefined();
  });
});
