/**
 * Board DTs built from the example topologies, resolved back the way Linux
 * binds devices: every device gets the IOMMU and output IDs the topology's
 * own map gives it, every translation and MMIO master is the same, under
 * every bus-numbering policy (built and resolved under the same policy:
 * iommu-map is RID-keyed). And what breaks when the OS renumbers buses under
 * a DT built for the firmware's numbering.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDt, decodeDtb, dtFromTopology, encodeDtb, formatDts, parseDts, resolveDt, topologyHasDt } from '../../src/dt/index.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { DeviceEntry, MmioTranslation, Translation, TranslationMap } from '../../src/model/translation-map.js';
import { REPO_ROOT } from '../support/paths.js';
import { dtc, dtcAllWarnings, dtExamples, haveDtc } from './support.js';

const pickDevice = (d: DeviceEntry) => [d.id, d.iommu, d.outputIds];
const pickTranslation = ({ source: _, ...t }: Translation) => t;
const pickMmio = ({ source: _, ...m }: MmioTranslation) => m;

function expectSameMap(dt: TranslationMap, topology: TranslationMap, what: string): void {
  expect(dt.translations.map(pickTranslation), `${what}: translations`).toEqual(topology.translations.map(pickTranslation));
  expect(dt.devices!.map(pickDevice), `${what}: devices`).toEqual(topology.devices!.map(pickDevice));
  expect(dt.mmio.map(pickMmio), `${what}: mmio`).toEqual(topology.mmio.map(pickMmio));
}

describe('DT from the example topologies', () => {
  const examples = dtExamples();
  it('finds the examples with an Arm IOMMU, a virtio-iommu or an ITS', () => {
    expect(examples.map((e) => e.name)).toEqual(['arm-smmuv3-its.yaml', 'arm-two-smmuv3.yaml', 'arm-virt-smmuv3.yaml', 'q35-virtio-iommu-pxb.yaml']);
  });

  for (const { name, topology } of examples) {
    for (const { name: policy } of NUMBERING_POLICIES) {
      it(`${name} (${policy}): the DT, through DTS and DTB, maps every device as the topology does`, async () => {
        const resolved = resolveTopology(topology, { numbering: policy });
        const built = dtFromTopology(resolved);
        // Infos about the form (made-up values, expanders as hosts of their own) are not problems.
        expect(built.diagnostics.filter((d) => d.code !== 'dt-synthetic-value' && d.code !== 'dt-expander-host')).toEqual([]);
        expect(checkDt(built.tree)).toEqual([]);

        const map = resolveDt(built.tree, resolved);
        expect(map.findings).toEqual([]);
        expectSameMap(map, resolved.map, 'tree');

        const fromDts = await parseDts(formatDts(built.tree), 'board.dts');
        expect(fromDts.diagnostics).toEqual([]);
        // The DTS keeps every source form: labels, references, strings, cells.
        expect(fromDts.tree).toEqual(built.tree);
        expectSameMap(resolveDt(fromDts.tree, resolved), resolved.map, 'dts');
        expectSameMap(resolveDt(decodeDtb(encodeDtb(built.tree)).tree, resolved), resolved.map, 'dtb');
      });
    }
  }

  it('arm-smmuv3-its: the board DT says what the topology says, row by row', () => {
    const resolved = resolveTopology(examples[0]!.topology);
    const dts = formatDts(dtFromTopology(resolved).tree);
    expect(dts).toContain('iommu-map = <0x00 &smmu0 0x00 0x8000>;');
    expect(dts).toContain('msi-map = <0x00 &its0 0x00 0x8000>;');
    // The expander bypasses the SMMU but still sends MSIs to the ITS.
    expect(dts).toContain('msi-map = <0x8000 &its0 0x8000 0x8000>;');
    expect(dts).toContain('iommus = <&smmu0 0x10000>;');
    expect(dts).toContain('msi-parent = <&its0 0x10000>;');
    expect(dts).toContain('interrupt-names = "eventq", "priq", "cmdq-sync", "gerror";');
  });

  it('q35-virtio-iommu-pxb: the virtio-iommu is a child of its host and not behind itself', () => {
    const resolved = resolveTopology(examples.find((e) => e.name === 'q35-virtio-iommu-pxb.yaml')!.topology);
    const { tree } = dtFromTopology(resolved);
    const dts = formatDts(tree);
    expect(dts).toContain('viommu: virtio-iommu@2 {');
    expect(dts).toContain('reg = <0x1000 0x00 0x00 0x00 0x00>;');
    // The default bus bypasses; with the topology, the two expanders' ranges meet on segment 0 and read as one run.
    expect(resolveDt(tree, resolved).translations).toEqual([
      { segment: 0, first: 0x1000, last: 0xffff, iommu: 'virtio-iommu-pci@0000:00:02.0', outputBase: 0x1000, source: 'DT' },
    ]);
    // Alone, each expander is on its own linux,pci-domain, as Linux names its devices.
    expect(resolveDt(tree).translations).toEqual([
      { segment: 1, first: 0x1000, last: 0x2fff, iommu: 'virtio-iommu-pci@0000:00:02.0', outputBase: 0x1000, source: 'DT' },
      { segment: 2, first: 0x3000, last: 0xffff, iommu: 'virtio-iommu-pci@0000:00:02.0', outputBase: 0x3000, source: 'DT' },
    ]);
  });
});

describe('topologies without a DT IOMMU', () => {
  it('VT-d has no DT binding: the board DT leaves it out and says so', () => {
    const resolved = resolveTopology(loadTopologyFile(join(REPO_ROOT, 'tables/x86-server-dmar.yaml')));
    expect(topologyHasDt(resolved)).toBe(false);
    const built = dtFromTopology(resolved);
    expect(built.diagnostics.map((d) => d.code)).toContain('dt-vtd-not-described');
    expect(formatDts(built.tree)).not.toContain('iommu-map');
  });
});

describe('renumbering under a DT built for the firmware numbering', () => {
  // rp0 reserves buses for hot-plug; rp1's subtree goes to the second SMMU.
  const topology = loadTopologyFile(join(REPO_ROOT, 'test/fixtures/dt/renumbering.yaml'));
  const firmware = resolveTopology(topology, { numbering: 'firmware' });
  const board = dtFromTopology(firmware).tree;

  it('holds under the firmware numbering it was built for', () => {
    expectSameMap(resolveDt(board, firmware), firmware.map, 'firmware');
  });

  it('breaks when the OS renumbers: the moved device is looked up by its new RID, which the rows give to the wrong SMMU', () => {
    for (const numbering of ['compact', 'hotplug-shift']) {
      const renumbered = resolveTopology(topology, { numbering });
      const dtSays = new Map(resolveDt(board, renumbered).devices!.map((d) => [d.id, d]));
      const topologySays = new Map(renumbered.map.devices!.map((d) => [d.id, d]));
      const moved = topologySays.get('nic1')!;
      expect(moved.iommu, numbering).toBe('smmuv3@0x9070000');
      expect(dtSays.get('nic1')!.iommu, numbering).toBe('smmuv3@0x9050000');
      expect(dtSays.get('nic1')!.outputIds, numbering).toEqual([moved.rid]);
      // Devices that did not move are still right.
      expect(dtSays.get('nvme0')).toEqual(topologySays.get('nvme0'));
    }
  });
});

describe.runIf(haveDtc())('a board whose SMMU has interrupts but no ITS', () => {
  it('still gets a GIC, and dtc has nothing to warn about', () => {
    const topology = loadTopologyFile(join(REPO_ROOT, 'test/fixtures/dt/smmu-no-its.yaml'));
    const dts = formatDts(dtFromTopology(resolveTopology(topology)).tree);
    expect(dts).toContain('interrupt-parent = <&gic>;');
    const compiled = dtc(dts, 'dts', 'dtb', dtcAllWarnings());
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  });
});
