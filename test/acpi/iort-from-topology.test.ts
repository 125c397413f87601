/**
 * IORT built from the example topologies: it encodes, decodes back to the
 * same model, and — resolved the way Linux walks the mappings — gives every
 * device the SMMU and StreamIDs the topology's own map gives it. IORT holds
 * live RIDs, so build and resolve use the same numbering; that is checked
 * for every numbering policy, and for every table revision ridmap writes.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIort, encodeIort } from '../../src/acpi/iort/index.js';
import { IORT_REVISIONS, iortFromTopology } from '../../src/acpi/iort/from-topology.js';
import type { IortRmr, IortRootComplex, IortSmmu, IortSmmuV3 } from '../../src/acpi/iort/model.js';
import { resolveIort } from '../../src/acpi/iort/resolve.js';
import { IOMMU_NODES, mapId, MSI_NODES } from '../../src/acpi/iort/walk.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering.js';
import { resolveTopology } from '../../src/model/resolve.js';
import { REPO_ROOT, TABLES_DIR } from '../support/paths.js';

const examples = [
  ...readdirSync(TABLES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(TABLES_DIR, f)),
  // Every node ridmap builds: SMMUv2, two segments, RMR, a renumbered range, an MSI-only platform device.
  join(REPO_ROOT, 'test/fixtures/iort/arm-everything.yaml'),
];
const pick = (d: { id: string; iommu: string | null; outputIds: number[] }) => [d.id, d.iommu, d.outputIds];

describe('IORT from the example topologies', () => {
  for (const file of examples) {
    const example = basename(file);
    const topology = loadTopologyFile(file);
    const hasSmmu = (topology.iommus ?? []).some((u) => u.type === 'smmuv3' || u.type === 'smmuv2');
    it.runIf(hasSmmu)(`${example}: every numbering policy and table revision maps each device as the topology does`, () => {
      for (const { name } of NUMBERING_POLICIES) {
        const resolved = resolveTopology(topology, { numbering: name });
        for (const revision of IORT_REVISIONS) {
          const built = iortFromTopology(resolved, { revision });
          expect(built.diagnostics.filter((d) => d.severity === 'error'), `${name} rev ${revision}`).toEqual([]);
          const encoded = encodeIort(built.table!);
          expect(encoded.diagnostics).toEqual([]);
          const decoded = decodeIort(encoded.bytes!);
          expect(decoded.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
          expect(decoded.table).toEqual(built.table);
          const map = resolveIort(decoded.table, resolved);
          // arm-everything shares DeviceIDs the topology itself gives: rp1's stream IDs from 0x4000 are also those of
          // pcie.0's own (empty) RIDs 0x4000 on, one stream ID for two RIDs at smmu0; and its1 takes segment 1's RIDs and
          // segment 0's nic0 with the same numbers, DeviceIDs being RIDs with no room for the segment (the DT's msi-map
          // writes the same). The check says so; the rest must be clean.
          const shared = map.findings.filter((d) => d.code === 'iort-msi-device-id-shared');
          expect(shared.map((d) => d.path), `${name} rev ${revision}`).toEqual(example === 'arm-everything.yaml' ? ['IORT/RootComplex[0]', 'IORT/RootComplex[1]'] : []);
          expect(map.findings.filter((d) => d.severity !== 'info' && d.code !== 'iort-msi-device-id-shared'), `${name} rev ${revision}`).toEqual([]);
          expect(map.devices!.map(pick), `numbering ${name}, revision ${revision}`).toEqual(resolved.map.devices!.map(pick));
          const smmuTranslations = resolved.map.translations.filter((t) => t.iommu.startsWith('smmu'));
          expect(map.translations.map((t) => ({ ...t, source: 'topology' }))).toEqual(smmuTranslations);
          const mmio = (m: { id?: string; base?: bigint; iommu: string; outputIds: number[] }) => [m.id, m.base, m.iommu, m.outputIds];
          expect(map.mmio.map(mmio)).toEqual(resolved.map.mmio.filter((m) => m.iommu.startsWith('smmu')).map(mmio));
        }
      }
    });
    it.runIf(!hasSmmu && !(topology.msiControllers ?? []).length)(`${example}: no SMMU and no ITS, no IORT`, () => {
      expect(iortFromTopology(resolveTopology(topology)).table).toBeUndefined();
    });
  }
});

describe('IORT from arm-everything.yaml: what each node says', () => {
  const resolved = resolveTopology(loadTopologyFile(join(REPO_ROOT, 'test/fixtures/iort/arm-everything.yaml')));
  const build = (revision: number) => decodeIort(encodeIort(iortFromTopology(resolved, { revision }).table!).bytes!).table;

  it('orders nodes ITS, SMMUs, root complexes, named components, RMRs, with identifiers 0, 1, 2, ...', () => {
    const t = build(5);
    expect(t.nodes.map((n) => n.type)).toEqual(['ItsGroup', 'ItsGroup', 'SmmuV3', 'Smmu', 'RootComplex', 'RootComplex', 'NamedComponent', 'NamedComponent', 'Rmr', 'Rmr']);
    expect(t.nodes.map((n) => ('identifier' in n ? n.identifier : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
  it('the SMMUv3 maps stream IDs back to RIDs at its ITS group (rp1\'s stream IDs are offset) and has its own DeviceID (flagged valid from E.e)', () => {
    const toIts = (inputBase: number, count: number, outputBase: number) => ({ inputBase, numberOfIds: count - 1, outputBase, outputReference: { node: 0 }, flags: 0 });
    for (const revision of [5, 6]) {
      const smmu = build(revision).nodes[2] as IortSmmuV3;
      expect(smmu.idMappings).toEqual([
        // pcie.0's RIDs with their own stream IDs (RIDs 0x10, 0x18 and 0x400-0x5ff are rp1's offset ones or bypass it);
        // stream 0x4000, which rp1's 00:02.0 shares with pcie.0's RID 0x4000, keeps the first run's DeviceID.
        toIts(0, 0x10, 0),
        toIts(0x11, 7, 0x11),
        toIts(0x19, 0x3e7, 0x19),
        // ... through 0xffff, joined with eth-mmio's stream IDs 0x10000 and 0x10001 (DeviceID = stream ID).
        toIts(0x600, 0xfa02, 0x600),
        { inputBase: 0, numberOfIds: 0, outputBase: 0x8000, outputReference: { node: 0 }, flags: 1 },
      ]);
      expect([smmu.revision, smmu.deviceIdMappingIndex, smmu.flags & 0x10]).toEqual(revision === 6 ? [5, 4, 0x10] : [4, 4, 0]);
      expect(smmu.flags & 0b1111).toBe(0b1011);
    }
  });
  it('MSIs: bypassed RIDs reach their ITS group directly, translated ones through the SMMU; the SMMU\'s own DeviceID is never used for a master', () => {
    const t = build(5);
    const rc = 4;
    const nic0 = resolved.byId.get('nic0')!.rid;
    expect(mapId(t, rc, nic0, MSI_NODES)).toEqual({ node: 1, id: nic0 });
    const nvme0 = resolved.byId.get('nvme0')!.rid;
    expect(mapId(t, rc, nvme0, MSI_NODES)).toEqual({ node: 0, id: nvme0 });
    expect(mapId(t, rc, nvme0, IOMMU_NODES)).toEqual({ node: 2, id: nvme0 });
    const gpu0 = resolved.byId.get('gpu0')!;
    expect(mapId(t, rc, gpu0.rid, IOMMU_NODES)).toEqual({ node: 2, id: gpu0.outputIds[0] });
  });
  it('the SMMUv2 maps the stream IDs it hands on to its ITS group, so its masters\' MSIs reach the ITS through it', () => {
    const t = build(5);
    const smmu = t.nodes[3] as IortSmmu;
    expect(smmu.idMappings).toHaveLength(1);
    expect(smmu.idMappings[0]).toMatchObject({ inputBase: 0, outputBase: 0, outputReference: { node: 1 }, flags: 0 });
    const ssd1 = resolved.byId.get('ssd1')!;
    expect(mapId(t, 5, ssd1.rid, MSI_NODES)).toEqual({ node: 1, id: ssd1.rid });
    expect(mapId(t, 5, ssd1.rid, IOMMU_NODES)).toEqual({ node: 3, id: ssd1.rid });
  });
  it('named components: stream IDs as single mappings to the SMMU; an MSI-only device names its DeviceID at its ITS group', () => {
    const t = build(5);
    expect(t.nodes[6]).toMatchObject({ deviceName: '\\_SB_.ETH0', memoryProperties: { cacheCoherency: 1 }, idMappings: [{ outputBase: 0x10000, flags: 1, outputReference: { node: 2 } }, { outputBase: 0x10001, flags: 1 }] });
    expect(t.nodes[7]).toMatchObject({ deviceName: '\\_SB_.UAR0', idMappings: [{ outputBase: 0x42, flags: 1, outputReference: { node: 1 } }] });
  });
  it('RMR nodes (revision 5 on): one per SMMU and region, with every stream ID that uses it', () => {
    const t = build(5);
    const nvme0 = resolved.byId.get('nvme0')!;
    expect(t.nodes[8]).toMatchObject({ type: 'Rmr', revision: 3, memoryRanges: [{ baseAddress: 0x80000000n, length: 0x10000n }] });
    expect((t.nodes[8] as IortRmr).idMappings.map((m) => [m.outputBase, m.outputReference])).toEqual([[nvme0.outputIds[0], { node: 2 }], [0x10000, { node: 2 }], [0x10001, { node: 2 }]]);
    expect(t.nodes[9]).toMatchObject({ type: 'Rmr', memoryRanges: [{ baseAddress: 0x90000000n, length: 0x20000n }], idMappings: [{ outputReference: { node: 3 } }] });
    const old = iortFromTopology(resolved, { revision: 3 });
    expect(old.table!.nodes.some((n) => n.type === 'Rmr')).toBe(false);
    expect(old.diagnostics.map((d) => d.code)).toEqual(['iort-rmr-ignored']);
  });
  it('the root complex of each segment: ATS, address limit, and node sizes by revision', () => {
    const sizes: Record<number, number> = {};
    for (const revision of IORT_REVISIONS) {
      const t = build(revision);
      const rc = t.nodes.find((n) => n.type === 'RootComplex') as IortRootComplex;
      expect([rc.atsAttribute, rc.memoryAddressSizeLimit, rc.pciSegmentNumber]).toEqual([1, 44, 0]);
      sizes[revision] = rc.flags === undefined ? 36 : 40;
    }
    expect(sizes).toEqual({ 0: 36, 3: 36, 5: 40, 6: 40 });
  });
  it('refuses a table revision it does not write', () => {
    expect(iortFromTopology(resolved, { revision: 4 }).diagnostics.map((d) => d.code)).toEqual(['iort-invalid-model']);
  });
});
