/**
 * ridmap's Device Tree translation properties grafted onto the whole board
 * QEMU describes. ridmap's own tree (dt/from-topology.ts) says where RIDs go
 * but is not bootable: it has no memory, CPUs, timer, UART or PCI windows.
 * QEMU's tree for the same command line (`-machine dumpdtb=`) has all that,
 * so the judge boots QEMU's tree with ridmap's words for the very properties
 * being judged:
 *   - every PCI host node: iommu-map, iommu-map-mask, msi-map, msi-map-mask,
 *     iommus, msi-parent (ridmap's value, or removed when ridmap writes none);
 *   - every node those properties reference (an SMMU, an ITS): the properties
 *     that say how a reference to it is read (#iommu-cells, #msi-cells) and
 *     the IOMMU's own msi-parent and dma-coherent.
 * Nodes are matched by what identifies them in every format: a host by its
 * PCI domain and first bus, a referenced node by its identity (compatible
 * and base address: `smmuv3@0x9050000`, dt/provider-identity.ts). ridmap's
 * references become the phandles of QEMU's matching nodes. Pure.
 */
import { decodeDtb, encodeDtb } from '../dt/index.js';
import { childPropertyPath, layoutTree, refTarget } from '../dt/layout.js';
import { pciHosts, type PciHostNode } from '../dt/pci-hosts.js';
import { providerIdentity } from '../dt/provider-identity.js';
import { symbolicCells, type DtNode, type DtProperty, type DtTree } from '../dt/tree.js';
import { encodeValue } from '../dt/value-bytes.js';
import type { DtPropertyExpectation } from './boot.js';

/** The properties of a PCI host node that say where its RIDs go (Linux: of_map_id, of_msi_map_id, of_iommu_configure). */
export const HOST_TRANSLATION_PROPERTIES = ['iommu-map', 'iommu-map-mask', 'msi-map', 'msi-map-mask', 'iommus', 'msi-parent'] as const;

/**
 * The properties of a referenced node that change how Linux reads a
 * reference to it or what its own DMA and MSIs do; its registers and
 * interrupts are the board's (export qemu refuses any other base or wiring).
 */
export const TARGET_PROPERTIES = ['#iommu-cells', '#msi-cells', 'msi-parent', 'dma-coherent'] as const;

export interface DtGraft {
  /** QEMU's board with ridmap's properties. */
  dtb: Uint8Array;
  /** Every grafted property at its path in the board, with the bytes Linux must hold (null: absent). */
  properties: DtPropertyExpectation[];
}

/** A graft that cannot be made: the board lacks a node ridmap's tree needs, or a blob does not decode. */
export class DtGraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DtGraftError';
  }
}

export function graftDeviceTree(boardDtb: Uint8Array, ours: DtTree): DtGraft {
  const decoded = decodeDtb(boardDtb);
  const errors = decoded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new DtGraftError(`QEMU's Device Tree does not decode: ${errors.map((d) => `${d.path ?? ''} ${d.message}`).join('; ')}`);
  const board = layoutTree(decoded.tree);
  const mine = layoutTree(ours);
  if (mine.dangling.length > 0) throw new DtGraftError(`ridmap's Device Tree has dangling references: ${mine.dangling.map((d) => d.path).join(', ')}`);

  const boardHosts = new Map(pciHosts(board).map((h) => [hostKey(h), h]));
  const boardByIdentity = new Map([...board.pathOf.keys()].map((n) => [providerIdentity(board, n), n]));
  /** ridmap's node -> the board's node it stands for. */
  const counterpart = new Map<DtNode, DtNode>();
  const properties: DtPropertyExpectation[] = [];

  const counterpartOf = (node: DtNode): DtNode => {
    const known = counterpart.get(node);
    if (known) return known;
    const identity = providerIdentity(mine, node);
    const theirs = boardByIdentity.get(identity);
    if (!theirs) throw new DtGraftError(`QEMU's board has no node for ${identity} (ridmap's ${mine.pathOf.get(node)}), which ridmap's maps reference`);
    counterpart.set(node, theirs);
    return theirs;
  };
  /** ridmap's value with its references turned into the board's phandles. */
  const boardBytes = (p: DtProperty): Uint8Array => {
    for (const { cell } of symbolicCells(p.value)) {
      if (cell.kind === 'unresolved') continue;
      const target = counterpartOf(refTarget(mine, cell)!);
      if (!board.phandleOf.has(target)) throw new DtGraftError(`QEMU's ${board.pathOf.get(target)} has no phandle to reference`);
    }
    return encodeValue(p.value, (ref) => {
      const target = counterpartOf(refTarget(mine, ref)!);
      return { phandle: board.phandleOf.get(target)!, path: board.pathOf.get(target)! };
    });
  };
  const graft = (from: DtNode, onto: DtNode, names: readonly string[]) => {
    for (const name of names) {
      const p = from.properties.find((q) => q.name === name);
      // Neither side has it: nothing to graft or prove.
      if (!p && !onto.properties.some((q) => q.name === name)) continue;
      const bytes = p ? boardBytes(p) : null;
      onto.properties = onto.properties.filter((q) => q.name !== name);
      if (bytes) onto.properties.push({ name, labels: [], value: [{ kind: 'raw', bytes }] });
      properties.push({ path: childPropertyPath(board.pathOf.get(onto)!, name), bytes });
    }
  };

  const hosts = pciHosts(mine);
  for (const host of hosts) {
    const theirs = boardHosts.get(hostKey(host));
    // QEMU's virt puts one PCI host in its tree: expander buses (pxb-pcie) exist in its ACPI tables only.
    if (!theirs) throw new DtGraftError(`QEMU's board has no PCI host for domain ${host.segment} from bus ${host.firstBus} (ridmap's ${host.path}): QEMU's virt describes expander buses (pxb-pcie) in ACPI only, so under DT Linux cannot see them`);
    graft(host.node, theirs.node, HOST_TRANSLATION_PROPERTIES);
  }
  // Only what the hosts' maps reference (counterpartOf filled it while grafting them), and what those reference
  // in turn (an SMMU's msi-parent): each node once, so this ends after at most every node of ridmap's tree.
  const grafted = new Set<DtNode>();
  for (let added = true; added;) {
    added = false;
    for (const [node, theirs] of [...counterpart]) {
      if (grafted.has(node)) continue;
      grafted.add(node);
      graft(node, theirs, TARGET_PROPERTIES);
      added = true;
    }
  }
  return { dtb: encodeDtb(decoded.tree), properties };
}

function hostKey(h: PciHostNode): string {
  return `${h.segment}:${h.firstBus}`;
}
