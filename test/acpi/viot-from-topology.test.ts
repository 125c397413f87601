/**
 * VIOT built from topologies with a virtio-iommu: it encodes, decodes back to
 * the same model, and resolved the way Linux reads it gives every device the
 * IOMMU and endpoint IDs the topology's own map gives it, under each
 * bus-numbering policy (built and resolved under the same one: VIOT holds
 * live bus numbers, so a table only fits the numbering it was built for).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainModel } from '../hostile/arbitrary.js';
import { decodeViot } from '../../src/acpi/viot/codec.js';
import { encodeViot } from '../../src/acpi/viot/codec.js';
import { viotFromTopology } from '../../src/acpi/viot/from-topology.js';
import type { ViotTable } from '../../src/acpi/viot/model.js';
import { resolveViot } from '../../src/acpi/viot/resolve.js';
import { loadTopologyFile } from '../../src/io/load-topology.js';
import { NUMBERING_POLICIES } from '../../src/model/numbering.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { REPO_ROOT as repoRoot, TABLES_DIR as TABLES } from '../support/paths.js';

const FIXTURE = join(repoRoot, 'test/fixtures/viot/two-virtio-iommus.yaml');
const examples = readdirSync(TABLES).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(TABLES, f));

const hasVirtio = (t: Topology) => (t.iommus ?? []).some((u) => u.type.startsWith('virtio-iommu'));
const pick = (d: { id?: string; iommu: string | null; outputIds: number[] }) => [d.id, d.iommu, d.outputIds];

/** Built under `numbering`, through bytes and back. */
function built(topology: Topology, numbering: string): { table: ViotTable; warnings: string[] } {
  const b = viotFromTopology(resolveTopology(topology, { numbering }));
  expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const e = encodeViot(b.table!);
  expect(e.diagnostics).toEqual([]);
  const d = decodeViot(e.bytes!);
  expect(d.diagnostics).toEqual([]);
  expect(plainModel(d.table)).toEqual(b.table);
  return { table: d.table, warnings: b.diagnostics.map((x) => x.code) };
}

describe('VIOT from topologies', () => {
  const withVirtio = [...examples, FIXTURE].filter((f) => hasVirtio(loadTopologyFile(f)));

  it('the examples include QEMU\'s own VIOT test layout', () => {
    expect(withVirtio.map((f) => f.slice(repoRoot.length + 1))).toEqual(['tables/q35-virtio-iommu-pxb.yaml', 'test/fixtures/viot/two-virtio-iommus.yaml']);
  });

  for (const file of withVirtio) {
    const topology = loadTopologyFile(file);
    for (const { name } of NUMBERING_POLICIES) {
      it(`${file.slice(repoRoot.length + 1)}, numbering ${name}: every device maps as the topology says`, () => {
        const { table } = built(topology, name);
        const resolved = resolveTopology(topology, { numbering: name });
        const map = resolveViot(table, resolved);
        // Only what the topology asks for and VIOT cannot say: dma-mmio's second stream ID.
        const expected = file === FIXTURE ? ['viot-mmio-duplicate'] : [];
        expect(map.findings.filter((f) => f.severity !== 'info').map((f) => f.code)).toEqual(expected);
        expect(map.translations.map(({ source: _s, ...rest }) => rest)).toEqual(resolved.map.translations.map(({ source: _s, ...rest }) => rest));
        expect(map.devices!.map(pick), `numbering ${name}`).toEqual(resolved.map.devices!.map(pick));
        expect(map.mmio.map((m) => [m.id, m.iommu, m.outputIds.at(-1)])).toEqual(resolved.map.mmio.map((m) => [m.id, m.iommu, m.outputIds.at(-1)]));
      });
    }
  }

  for (const file of examples.filter((f) => !hasVirtio(loadTopologyFile(f)))) {
    it(`${file.slice(repoRoot.length + 1)}: no virtio-iommu, no VIOT`, () => {
      expect(viotFromTopology(resolveTopology(loadTopologyFile(file)))).toEqual({ diagnostics: [] });
    });
  }

  it('q35-virtio-iommu-pxb: the IOMMU node first, then one range per host bridge, endpoint ID = RID, revision 0', () => {
    const { table } = built(loadTopologyFile(join(TABLES, 'q35-virtio-iommu-pxb.yaml')), 'firmware');
    expect(table.revision).toBe(0);
    expect(plainModel(table.nodes)).toEqual([
      { type: 'VirtioIommuPci', segment: 0, bdf: 0x10 },
      // One range per expander bus range (0x10-0x2f and 0x30-0xff), as QEMU writes one per host bridge.
      { type: 'PciRange', endpointStart: 0x1000, segmentStart: 0, segmentEnd: 0, bdfStart: 0x1000, bdfEnd: 0x2fff, outputNode: { node: 0 } },
      { type: 'PciRange', endpointStart: 0x3000, segmentStart: 0, segmentEnd: 0, bdfStart: 0x3000, bdfEnd: 0xffff, outputNode: { node: 0 } },
    ]);
  });

  it('two virtio-iommus: IOMMU nodes, sorted ranges (the IOMMU\'s own RID left out), MMIO endpoints by base', () => {
    const topology = loadTopologyFile(FIXTURE);
    const { table, warnings } = built(topology, 'firmware');
    expect(warnings).toEqual(['viot-mmio-several-ids']);
    const summary = table.nodes.map((n) => {
      if (n.type === 'PciRange') return `range ${n.segmentStart}:${n.bdfStart.toString(16)}-${n.bdfEnd.toString(16)} @${n.endpointStart.toString(16)} -> ${JSON.stringify(n.outputNode)}`;
      if (n.type === 'MmioEndpoint') return `mmio ${n.baseAddress.toString(16)} #${n.endpoint} -> ${JSON.stringify(n.outputNode)}`;
      return n.type;
    });
    expect(summary).toEqual([
      'VirtioIommuPci',
      'VirtioIommuMmio',
      'range 0:0-7 @0 -> {"node":0}',
      'range 0:9-17 @9 -> {"node":0}',
      // rp2 owns its own RID and bus 5, numbered from 0x8000 at its own RID (one offset per owner).
      'range 0:18-18 @8000 -> {"node":1}',
      'range 0:19-4ff @19 -> {"node":0}',
      'range 0:500-5ff @84e8 -> {"node":1}',
      'range 0:600-ffff @600 -> {"node":0}',
      'range 1:0-ffff @0 -> {"node":0}',
      'mmio a000000 #5 -> {"node":1}',
      'mmio a000200 #6 -> {"node":1}',
      'mmio a000200 #7 -> {"node":1}',
    ]);

    // Platform devices: what Linux gives them. dma-mmio gets only the last node's ID of its two.
    const resolved = resolveTopology(topology);
    const map = resolveViot(table, resolved);
    expect(map.mmio.map(pick)).toEqual([
      ['eth-mmio', 'virtio-iommu-mmio@0xa003e00', [5]],
      ['dma-mmio', 'virtio-iommu-mmio@0xa003e00', [7]],
    ]);
    expect(resolved.map.mmio.map(pick)).toEqual([
      ['eth-mmio', 'virtio-iommu-mmio@0xa003e00', [5]],
      ['dma-mmio', 'virtio-iommu-mmio@0xa003e00', [6, 7]],
    ]);
    expect(map.findings.map((f) => f.code)).toEqual(['viot-mmio-duplicate', 'viot-endpoint-convention']);
  });

  it('a table built for one numbering is wrong under another: VIOT holds live bus numbers', () => {
    const topology = loadTopologyFile(FIXTURE);
    const { table } = built(topology, 'firmware');
    const shifted = resolveTopology(topology, { numbering: 'hotplug-shift' });
    const map = resolveViot(table, shifted);
    expect(map.devices!.map(pick)).not.toEqual(shifted.map.devices!.map(pick));
  });

  it('a PCI IOMMU the topology does not have: Linux finds no IOMMU and drops its ranges', () => {
    const topology = loadTopologyFile(join(TABLES, 'q35-virtio-iommu-pxb.yaml'));
    const { table } = built(topology, 'firmware');
    const moved: ViotTable = { ...table, nodes: [{ type: 'VirtioIommuPci', segment: 0, bdf: 0x28 }, ...table.nodes.slice(1)] };
    const map = resolveViot(moved, resolveTopology(topology));
    expect(map.translations).toEqual([]);
    expect(map.findings).toMatchObject([
      { severity: 'error', code: 'viot-iommu-not-found', path: 'VIOT/PciRange[0].outputNode' },
      { severity: 'error', code: 'viot-iommu-not-found', path: 'VIOT/PciRange[1].outputNode' },
      { code: 'viot-endpoint-convention' },
    ]);
    expect(map.devices!.every((d) => d.iommu === null)).toBe(true);
  });
});
