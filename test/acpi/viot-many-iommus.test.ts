/**
 * A VIOT with several virtio-iommu-pci nodes, one per expander (the
 * q35-virtio-iommu-pxb example with a second virtio-iommu owning pxb2),
 * through the CLI: one VirtIO-PCI IOMMU node per unit, each expander's PCI
 * range pointing at its own, and map/check of the built table agreeing with
 * the topology. QEMU builds one virtio-iommu per machine; export says so.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-viot-many-'));

function twoVirtioIommus(): string {
  const t = parse(readFileSync(join(TABLES_DIR, 'q35-virtio-iommu-pxb.yaml'), 'utf8'));
  t.iommus.push({ id: 'viommu2', type: 'virtio-iommu-pci', device: 'viommu2-fn' });
  t.hostBridges[0].children.push({ id: 'viommu2-fn', type: 'rciep', addr: '05.0', model: 'virtio-iommu-pci' });
  t.hostBridges[2].iommu = 'viommu2';
  const file = join(tmp, 'two-virtio-iommus.yaml');
  writeFileSync(file, stringify(t));
  return file;
}

interface ViotNode {
  type: string;
  bdf?: number;
  bdfStart?: number;
  bdfEnd?: number;
  outputNode?: { node: number };
}

describe('VIOT with one virtio-iommu-pci per expander', () => {
  const topology = twoVirtioIommus();
  const out = join(tmp, 'out');

  it('build: two VirtIO-PCI IOMMU nodes, each expander range pointing at its own', async () => {
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const decoded = JSON.parse((await runCli('decode', join(out, 'VIOT.dat'), '--format', 'json')).stdout) as { tables: { nodes: ViotNode[] }[] };
    const nodes = decoded.tables[0]!.nodes;
    const iommus = nodes.filter((n) => n.type === 'VirtioIommuPci').map((n) => n.bdf);
    expect(iommus).toEqual([0x10, 0x28]);
    const ranges = nodes.filter((n) => n.type === 'PciRange').map((n) => [n.bdfStart, n.bdfEnd, nodes[n.outputNode!.node]!.bdf]);
    expect(ranges).toEqual([
      [0x1000, 0x2fff, 0x10],
      [0x3000, 0xffff, 0x28],
    ]);
  });

  it('map and check of the built VIOT with the topology: each device behind its own virtio-iommu', async () => {
    await runCli('build', topology, '--out', out);
    const map = JSON.parse((await runCli('map', join(out, 'VIOT.dat'), '--topology', topology, '--format', 'json')).stdout) as {
      devices: { id: string; iommu: string | null }[];
    };
    const unitOf = Object.fromEntries(map.devices.map((d) => [d.id, d.iommu]));
    expect([unitOf['net0'], unitOf['blk0'], unitOf['lpc']]).toEqual(['virtio-iommu-pci@0000:00:02.0', 'virtio-iommu-pci@0000:00:05.0', null]);
    const check = await runCli('check', join(out, 'VIOT.dat'), '--topology', topology);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('topology     all 11 devices agree');
    expect(check.code).toBe(0);
  });

  it('export qemu refuses the second virtio-iommu in QEMU\'s words', async () => {
    const run = await runCli('export', 'qemu', topology);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('iommus[1]: error [qemu-export-refused]: a second IOMMU: QEMU 7.2 to 11.1 take one per q35 machine');
  });
});
