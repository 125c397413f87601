/**
 * IORT with several SMMUv3s, in the shape of QEMU 11's IORT.smmuv3-dev
 * test (two -device arm-smmuv3 and three root complexes: pcie.0 behind one
 * SMMU, pxb pcie.1 behind the other, pxb pcie.2 behind none), through the
 * CLI: one root complex node for the segment, each host bridge's range
 * mapped to its own SMMU, the bypassed one straight to the ITS, both SMMUs'
 * output routed on to the ITS; map and check of the built table agree with
 * the topology, device by device.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES_DIR } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-iort-many-'));
const topology = join(tmp, 'smmuv3-dev.yaml');
writeFileSync(
  topology,
  `name: smmuv3-dev
msiControllers:
  - { id: its0, type: its, itsIds: [0], base: 0x8080000 }
iommus:
  - { id: smmuv3.0, type: smmuv3, base: 0xc000000, coherent: true, msiController: its0, interrupts: { event: 144, pri: 145, sync: 146, gerror: 147 } }
  - { id: smmuv3.1, type: smmuv3, base: 0xc020000, coherent: true, msiController: its0, interrupts: { event: 148, pri: 149, sync: 150, gerror: 151 } }
hostBridges:
  - id: pcie.0
    iommu: smmuv3.0
    msiController: its0
    children:
      - id: pci.1
        type: pcie-root-port
        addr: "01.0"
        children:
          - { id: scsi0, type: pcie-endpoint, addr: "00.0", model: virtio-scsi-pci }
      - { id: pxb1-dev, type: rciep, addr: "02.0", model: pxb-pcie }
      - { id: pxb2-dev, type: rciep, addr: "03.0", model: pxb-pcie }
  - id: pcie.1
    expander: true
    rootBus: 0x10
    iommu: smmuv3.1
    msiController: its0
    children:
      - id: rp1
        type: pcie-root-port
        addr: "00.0"
        children:
          - { id: net1, type: pcie-endpoint, addr: "00.0", model: virtio-net-pci }
  - id: pcie.2
    expander: true
    rootBus: 0x20
    bypassIommu: true
    msiController: its0
    children:
      - id: rp2
        type: pcie-root-port
        addr: "00.0"
        children:
          - { id: net2, type: pcie-endpoint, addr: "00.0", model: virtio-net-pci }
`,
);

interface Mapping {
  inputBase: number;
  numberOfIds: number;
  outputBase: number;
  outputReference: { node: number };
}
interface Node {
  type: string;
  baseAddress?: string;
  idMappings: Mapping[];
}

describe('IORT with one SMMUv3 per root complex (QEMU smmuv3-dev shape, with an ITS)', () => {
  const out = join(tmp, 'out');

  it('build: ITS, two SMMUs routed on to it, one RC whose ranges go to their own SMMU or straight to the ITS', async () => {
    expect((await runCli('build', topology, '--out', out)).code).toBe(0);
    const decoded = JSON.parse((await runCli('decode', join(out, 'IORT.dat'), '--format', 'json')).stdout) as { tables: { nodes: Node[] }[] };
    const nodes = decoded.tables[0]!.nodes;
    expect(nodes.map((n) => n.type)).toEqual(['ItsGroup', 'SmmuV3', 'SmmuV3', 'RootComplex']);
    for (const smmu of [nodes[1]!, nodes[2]!]) {
      expect(smmu.idMappings).toEqual([expect.objectContaining({ inputBase: 0, numberOfIds: 0xffff, outputBase: 0, outputReference: { node: 0 } })]);
    }
    const rc = nodes[3]!.idMappings.map((m) => [m.inputBase, m.inputBase + m.numberOfIds, m.outputBase, nodes[m.outputReference.node]!.type, nodes[m.outputReference.node]!.baseAddress]);
    expect(rc).toEqual([
      [0x0000, 0x0fff, 0x0000, 'SmmuV3', '0xc000000'],
      [0x1000, 0x1fff, 0x1000, 'SmmuV3', '0xc020000'],
      [0x2000, 0xffff, 0x2000, 'ItsGroup', undefined],
    ]);
  });

  it('map and check of the built IORT with the topology: each device behind the SMMU of its root complex', async () => {
    await runCli('build', topology, '--out', out);
    const map = JSON.parse((await runCli('map', join(out, 'IORT.dat'), '--topology', topology, '--format', 'json')).stdout) as {
      devices: { id: string; iommu: string | null }[];
    };
    const unitOf = Object.fromEntries(map.devices.map((d) => [d.id, d.iommu]));
    expect([unitOf['scsi0'], unitOf['net1'], unitOf['net2']]).toEqual(['smmuv3@0xc000000', 'smmuv3@0xc020000', null]);
    const check = await runCli('check', join(out, 'IORT.dat'), '--topology', topology);
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('findings     none');
    expect(check.code).toBe(0);
  });
});

describe('two SMMUs whose stream IDs overlap, both handing them on to one ITS', () => {
  // arm-two-smmuv3 with each expander's stream IDs numbered from 0: vfio0 and vfio2 both become stream 0x100.
  const text = readFileSync(join(TABLES_DIR, 'arm-two-smmuv3.yaml'), 'utf8').replace(/( {4}iommu: smmuv3\.[12]\n)/g, '$1    streamIdBase: 0\n');
  const file = join(tmp, 'overlap.yaml');
  writeFileSync(file, text);
  const out = join(tmp, 'overlap');

  it('build: each SMMU maps its stream IDs back to the RIDs at the ITS, so no two devices share a DeviceID', async () => {
    expect(text.match(/streamIdBase: 0/g)).toHaveLength(2);
    expect((await runCli('build', file, '--out', out)).code).toBe(0);
    const decoded = JSON.parse((await runCli('decode', join(out, 'IORT.dat'), '--format', 'json')).stdout) as { tables: { nodes: Node[] }[] };
    const nodes = decoded.tables[0]!.nodes;
    const toIts = (n: Node) => n.idMappings.map((m) => [m.inputBase, m.inputBase + m.numberOfIds, m.outputBase, nodes[m.outputReference.node]!.type]);
    expect(toIts(nodes[1]!)).toEqual([[0, 0xfff, 0x1000, 'ItsGroup']]);
    expect(toIts(nodes[2]!)).toEqual([[0, 0xdfff, 0x2000, 'ItsGroup']]);
  });

  it('check of the built IORT: no iort-msi-device-id-shared (QEMU\'s unchanged hand-on would have had it)', async () => {
    await runCli('build', file, '--out', out);
    const run = await runCli('check', join(out, 'IORT.dat'), '--topology', file);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('a platform master behind an SMMU with a DeviceID of its own', () => {
  it('build: the SMMU hands its stream ID on to the ITS as that DeviceID (before: unchanged, its deviceId ignored)', async () => {
    const file = join(tmp, 'platform.yaml');
    writeFileSync(
      file,
      `name: platform-device-id
msiControllers:
  - { id: its0, type: its, itsIds: [0] }
iommus:
  - { id: smmu0, type: smmuv3, base: 0x9050000, msiController: its0, interrupts: { event: 106, pri: 107, sync: 108, gerror: 109 } }
hostBridges:
  - id: pcie.0
    iommu: smmu0
    msiController: its0
    children:
      - { id: nic0, type: rciep, addr: "01.0" }
platformDevices:
  - { id: eth-mmio, base: 0x9000000, acpiPath: \\_SB_.ETH0, iommu: smmu0, streamIds: [0x10000], msiController: its0, deviceId: 0x42 }
`,
    );
    const out = join(tmp, 'platform');
    expect((await runCli('build', file, '--out', out)).code).toBe(0);
    const decoded = JSON.parse((await runCli('decode', join(out, 'IORT.dat'), '--format', 'json')).stdout) as { tables: { nodes: Node[] }[] };
    const nodes = decoded.tables[0]!.nodes;
    const smmu = nodes.find((n) => n.type === 'SmmuV3')!;
    expect(smmu.idMappings.map((m) => [m.inputBase, m.inputBase + m.numberOfIds, m.outputBase, nodes[m.outputReference.node]!.type])).toEqual([
      [0, 0xffff, 0, 'ItsGroup'],
      [0x10000, 0x10000, 0x42, 'ItsGroup'],
    ]);
    const check = await runCli('check', join(out, 'IORT.dat'), '--topology', file);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});
