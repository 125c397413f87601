/**
 * The DT graft (src/judge/dt-graft.ts) on QEMU's real tree for Arm virt,
 * without booting: ridmap's translation properties land on QEMU's PCI host
 * and SMMU with QEMU's phandles, a property ridmap does not write is removed,
 * and a tree whose references QEMU's board cannot satisfy is refused.
 * Needs qemu-system-aarch64 (for -machine dumpdtb); skipped with a message
 * without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDtb } from '../../src/dt/index.js';
import { dtFromTopology } from '../../src/dt/from-topology.js';
import { layoutTree, propertyBytes } from '../../src/dt/layout.js';
import { findProperty, nodeAtPath, type DtTree } from '../../src/dt/tree.js';
import { exportQemu } from '../../src/import/qemu/export-qemu.js';
import { DtGraftError, graftDeviceTree } from '../../src/judge/dt-graft.js';
import { parseTopology } from '../../src/model/parse-topology.js';
import { resolveTopology } from '../../src/model/resolve.js';
import type { Topology } from '../../src/model/topology-schema.js';
import { QEMU_BINARY } from '../interop/qemu-env.js';
import { TABLES_DIR } from '../support/paths.js';

const FIXTURE = join(TABLES_DIR, 'arm-virt-smmuv3.yaml');
const haveQemu = spawnSync(QEMU_BINARY.arm, ['--version']).status === 0;
if (!haveQemu) console.warn(`DT graft tests skipped: ${QEMU_BINARY.arm} not found`);

describe.skipIf(!haveQemu)('grafting ridmap\'s translation properties onto QEMU\'s virt tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ridmap-graft-'));
  let topology: Topology;
  let board: Uint8Array;
  const ours = (t: Topology): DtTree => dtFromTopology(resolveTopology(t, { numbering: 'compact' })).tree;
  const cells = (bytes: Uint8Array | null | undefined) => (bytes ? [...Array(bytes.length / 4).keys()].map((i) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(4 * i)) : bytes);

  beforeAll(() => {
    topology = parseTopology(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    const file = join(dir, 'virt.dtb');
    const run = spawnSync(QEMU_BINARY.arm, [...exportQemu(topology).argv.slice(1), '-cpu', 'cortex-a57', '-m', '512M', '-display', 'none', '-machine', `dumpdtb=${file}`]);
    expect(run.status, String(run.stderr)).toBe(0);
    board = readFileSync(file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts ridmap\'s iommu-map and msi-map on QEMU\'s host, pointing at QEMU\'s SMMU and ITS', () => {
    const graft = graftDeviceTree(board, ours(topology));
    const tree = layoutTree(decodeDtb(graft.dtb).tree);
    const phandle = (path: string) => tree.phandleOf.get(tree.nodeByPath.get(path)!);
    const host = tree.nodeByPath.get('/pcie@10000000')!;
    expect(cells(propertyBytes(tree, host, 'iommu-map'))).toEqual([0, phandle('/smmuv3@9050000'), 0, 0x10000]);
    expect(cells(propertyBytes(tree, host, 'msi-map'))).toEqual([0, phandle('/intc@8000000/its@8080000'), 0, 0x10000]);
    // What the boot proves, path by path; the board keeps everything else (memory, CPUs, UART).
    expect(graft.properties.map((p) => p.path)).toEqual([
      '/pcie@10000000/iommu-map', '/pcie@10000000/msi-map',
      '/smmuv3@9050000/#iommu-cells', '/smmuv3@9050000/dma-coherent', '/intc@8000000/its@8080000/#msi-cells',
    ]);
    expect(tree.nodeByPath.has('/memory@40000000')).toBe(true);
    expect(tree.nodeByPath.has('/pl011@9000000')).toBe(true);
  });

  it('removes a translation property QEMU writes and ridmap does not (no MSI controller: no msi-map)', () => {
    // The fixture without its ITS and every reference to it.
    const withoutMsi = JSON.parse(JSON.stringify(topology), (key, value: unknown) => (key === 'msiController' ? undefined : value)) as Topology;
    withoutMsi.msiControllers = [];
    const graft = graftDeviceTree(board, ours(withoutMsi));
    expect(graft.properties).toContainEqual({ path: '/pcie@10000000/msi-map', bytes: null });
    const host = nodeAtPath(decodeDtb(graft.dtb).tree.root, '/pcie@10000000')!;
    expect(findProperty(host, 'msi-map')).toBeUndefined();
    expect(findProperty(host, 'iommu-map')).toBeDefined();
  });

  it('refuses a tree whose IOMMU QEMU\'s board does not have, naming it', () => {
    const tree = ours(topology);
    const smmu = tree.root.children.find((n) => n.name === 'iommu')!;
    // The same SMMU one page up: its identity (smmuv3@0x9060000) is not on QEMU's board.
    const reg = findProperty(smmu, 'reg')!.value[0]!;
    if (reg.kind !== 'cells') throw new Error('reg is not cells');
    reg.cells[1] = 0x9060000n;
    expect(() => graftDeviceTree(board, tree)).toThrow(DtGraftError);
    expect(() => graftDeviceTree(board, tree)).toThrow(/QEMU's board has no node for smmuv3@0x9060000 \(ridmap's \/iommu@9050000\), which ridmap's maps reference/);
  });

  it('refuses a blob that is not a Device Tree', () => {
    expect(() => graftDeviceTree(new Uint8Array(16), ours(topology))).toThrow(/QEMU's Device Tree does not decode/);
  });
});
