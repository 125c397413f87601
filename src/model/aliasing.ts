/**
 * Requester-ID aliasing: the RIDs an IOMMU may see for a PCI function, in the
 * order Linux's pci_for_each_dma_alias (drivers/pci/search.c) produces them.
 * Every Linux consumer (VIOT, IORT, OF iommu-map) registers each of these
 * RIDs, so their order and content are part of the map contract.
 *
 * 1. The function's own RID.
 * 2. Quirk aliases on the same bus. Linux keeps them in one 256-bit
 *    dma_alias_mask and visits it bit by bit, so `dmaAliases` and phantom
 *    functions come out together in ascending devfn order.
 * 3. Up the tree, per upstream bridge, until the root bus:
 *    - a bridge with translateRoot (PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT) ends the
 *      walk: the translation unit sits there and sees nothing above;
 *    - PCIe root, upstream and downstream ports add nothing (PCIe carries
 *      the real RID);
 *    - a PCIe-to-PCI/PCI-X bridge adds (its secondary bus, 00.0): it takes
 *      ownership of transactions from its secondary side (PCIe-to-PCI/PCI-X
 *      Bridge spec r1.0 §2.3);
 *    - a PCI/PCI-X-to-PCIe bridge adds its own RID;
 *    - a conventional PCI bridge adds its own RID, unless aliasAsPcieBridge
 *      (PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS) makes it behave as PCIe-to-PCI.
 * Exact duplicates are dropped, first occurrence kept.
 */
import type { PciFunction } from './resolved.js';
import { devfnTextAddress } from './numbering-tree.js';
import { devfn, rid, type Rid } from './rid.js';
import type { PciNode } from './topology-schema.js';

/** One call of the pci_for_each_dma_alias callback: the RID, and the device Linux passes with it. */
export interface DmaAliasStep {
  rid: Rid;
  /** The function itself for its own RID and quirk aliases; the bridge for a bridge alias. */
  device: PciFunction;
}

/**
 * Function numbers that share a function's requester ID space through PCIe
 * Phantom Functions (Device Capabilities bits 4:3, "Phantom Functions
 * Supported"): with value n the n most significant function-number bits are
 * tag bits, so the function also issues requests with every value of those
 * bits and its own low 3 − n bits:
 *   1 → fn and fn|4          (functions 0-3 may exist; 0 uses 4, 1 uses 5, ...)
 *   2 → fn, fn+2, fn+4, fn+6 (functions 0-1 may exist; 0 uses 2,4,6; 1 uses 3,5,7)
 *   3 → all eight functions  (only function 0 may exist)
 * The result excludes `fn` itself and is ascending.
 */
export function phantomFunctionNumbers(fn: number, phantomFunctions: number): number[] {
  const realBits = 0x7 >> phantomFunctions;
  const out: number[] = [];
  for (let f = 0; f <= 7; f++) if (f !== fn && (f & realBits) === (fn & realBits)) out.push(f);
  return out;
}

/** Quirk alias devfns of a function (dmaAliases and phantom functions), ascending like Linux's mask. */
export function quirkAliasDevfns(node: PciNode, ownDevfn: number): number[] {
  // Most functions have neither (no phantom functions means none besides fn itself): no Set and sort per function.
  if (node.dmaAliases === undefined && !node.phantomFunctions) return [];
  const mask = new Set<number>();
  for (const text of node.dmaAliases ?? []) {
    const { device, fn } = devfnTextAddress(text);
    mask.add(devfn(device, fn));
  }
  const device = ownDevfn >> 3;
  for (const f of phantomFunctionNumbers(ownDevfn & 7, node.phantomFunctions ?? 0)) mask.add(devfn(device, f));
  mask.delete(ownDevfn);
  return [...mask].sort((a, b) => a - b);
}

/** The alias a bridge contributes for transactions from below it, if any. */
export function bridgeAlias(bridge: PciFunction): Rid | undefined {
  switch (bridge.kind) {
    case 'pcie-pci-bridge':
      return rid(bridge.secondary!, 0);
    case 'pci-pcie-bridge':
      return bridge.rid;
    case 'pci-bridge':
      return bridge.node.aliasAsPcieBridge ? rid(bridge.secondary!, 0) : bridge.rid;
    default:
      // PCIe ports (and endpoints, which have nothing below them).
      return undefined;
  }
}

/** Every callback pci_for_each_dma_alias makes for `f`, duplicates included. */
export function dmaAliasSteps(f: PciFunction): DmaAliasStep[] {
  const steps: DmaAliasStep[] = [{ rid: f.rid, device: f }];
  for (const d of quirkAliasDevfns(f.node, f.devfn)) steps.push({ rid: rid(f.bus, d), device: f });
  forEachBridgeAlias(f, (alias, bridge) => steps.push({ rid: alias, device: bridge }));
  return steps;
}

/** The bridge steps of dmaAliasSteps alone (the walk up from `f`, nearest bridge first), without a list or a quirk lookup. */
export function forEachBridgeAlias(f: PciFunction, step: (alias: Rid, bridge: PciFunction) => void): void {
  for (let bridge = f.parent; bridge; bridge = bridge.parent) {
    if (bridge.node.translateRoot) break;
    const alias = bridgeAlias(bridge);
    if (alias !== undefined) step(alias, bridge);
  }
}

/** The RIDs an IOMMU may see for `f`: own RID first, Linux's order, no duplicates. */
export function dmaAliases(f: PciFunction): Rid[] {
  // A handful of steps (one per bridge above): a scan beats a Set and two copies per function.
  const out: Rid[] = [];
  for (const s of dmaAliasSteps(f)) if (!out.includes(s.rid)) out.push(s.rid);
  // An exact-size copy: the first push gave the list 17 slots, and every function keeps its list (~130 bytes each).
  return out.slice();
}
