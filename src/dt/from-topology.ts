/**
 * The board Device Tree a resolved topology calls for: the root with 64-bit
 * addressing, a GICv3 with an ITS per MSI controller (when anything needs
 * them), the IOMMUs, a PCI host node per host bridge with its iommu-map and
 * msi-map, and the platform devices. Every node that is referenced has a
 * label (so do the rest), so the DTS reads `iommu-map = <0x00 &smmu0 0x00
 * 0x8000>` and dtc assigns the phandles.
 *
 * The tree is what the topology says under its numbering policy: iommu-map
 * rows are RID-keyed, so they hold only while the OS keeps these bus numbers.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { ResolvedTopology } from '../model/resolved.js';
import { BoardContext, ROOT_ADDRESS_CELLS, ROOT_SIZE_CELLS } from './board-context.js';
import { gicNode, itsNode } from './board-interrupts.js';
import { iommuNodes } from './board-iommus.js';
import { hostBridgeNodes } from './board-pci-hosts.js';
import { platformDeviceNodes } from './board-platform.js';
import { cells, emptyTree, labelRef, prop, strings, type DtTree } from './tree.js';
import { appendAll } from '../append.js';

export const BOARD_COMPATIBLE = 'ridmap,board';

export interface DtBuild {
  tree: DtTree;
  diagnostics: Diagnostic[];
}

/** True when the topology has something only a DT describes on Arm: an SMMU, a virtio-iommu or an ITS (x86's VT-d and AMD-Vi are ACPI's alone). */
export function topologyHasDt(resolved: ResolvedTopology): boolean {
  // RISC-V IOMMUs are written to the RIMT only: the board DT does not describe them (riscv,iommu) yet.
  return resolved.iommus.some((u) => u.node.type !== 'vtd' && u.node.type !== 'amd-vi' && !u.node.type.startsWith('riscv-iommu')) || (resolved.topology.msiControllers ?? []).length > 0;
}

export function dtFromTopology(resolved: ResolvedTopology): DtBuild {
  const board = new BoardContext(resolved);
  const its = (resolved.topology.msiControllers ?? []).map((g, i) => itsNode(board, g, i));
  const iommus = iommuNodes(board);
  const hosts = hostBridgeNodes(board, iommus);
  const platform = platformDeviceNodes(board);

  const tree = emptyTree();
  const { root } = tree;
  root.properties.push(
    prop('#address-cells', cells(ROOT_ADDRESS_CELLS)),
    prop('#size-cells', cells(ROOT_SIZE_CELLS)),
    prop('compatible', ...strings(BOARD_COMPATIBLE)),
    prop('model', ...strings(resolved.topology.name)),
  );
  if (its.length > 0 || board.interruptsUsed) {
    const gic = gicNode(board, its);
    root.properties.push(prop('interrupt-parent', cells(labelRef(gic.labels[0]!))));
    root.children.push(gic);
  }
  for (const nodes of [iommus.mmio, hosts, platform]) appendAll(root.children, nodes);
  return { tree, diagnostics: board.diagnostics };
}
