/**
 * Addresses in a laid-out tree: a node's `reg` read with its parent's
 * `#address-cells` / `#size-cells` (defaults 2 and 1, devicetree spec 2.3.5),
 * and translated up through the parents' `ranges` to a CPU address, which is
 * what identifies an MMIO IOMMU in every format (`smmuv3@0x9050000`).
 */
import { cellsToBigint, stringList, u32Cells, u32Value } from './cells.js';
import { propertyBytes, type DtLayout } from './layout.js';
import type { DtNode } from './tree.js';

export const DEFAULT_ADDRESS_CELLS = 2;
export const DEFAULT_SIZE_CELLS = 1;

/** `#address-cells` that `node` gives its children. */
export function addressCells(layout: DtLayout, node: DtNode): number {
  return u32Value(propertyBytes(layout, node, '#address-cells')) ?? DEFAULT_ADDRESS_CELLS;
}

export function sizeCells(layout: DtLayout, node: DtNode): number {
  return u32Value(propertyBytes(layout, node, '#size-cells')) ?? DEFAULT_SIZE_CELLS;
}

/** A PCI bus node: `device_type = "pci"` (or "pciex"), as Linux's of_bus_pci_match tells them. */
export function isPciBus(layout: DtLayout, node: DtNode): boolean {
  const type = stringList(propertyBytes(layout, node, 'device_type'))[0];
  return type === 'pci' || type === 'pciex';
}

/** The first `reg` address of a node in its parent's address space. */
function firstRegAddress(layout: DtLayout, node: DtNode): bigint | undefined {
  const parent = layout.parentOf.get(node);
  const reg = u32Cells(propertyBytes(layout, node, 'reg') ?? new Uint8Array());
  if (!parent || !reg) return undefined;
  const na = addressCells(layout, parent);
  if (na === 0 || reg.length < na) return undefined;
  return cellsToBigint(reg, 0, na);
}

/**
 * A node's first `reg` address as the CPU sees it, or undefined when it has
 * none or a bus on the way has no `ranges` (not memory-mapped) or is PCI.
 */
export function cpuAddress(layout: DtLayout, node: DtNode): bigint | undefined {
  let address = firstRegAddress(layout, node);
  for (let bus = layout.parentOf.get(node); address !== undefined && bus && bus !== layout.tree.root; bus = layout.parentOf.get(bus)) {
    if (isPciBus(layout, bus)) return undefined;
    address = throughRanges(layout, bus, address);
  }
  return address;
}

/** `address` in `bus`'s child space, in its parent's space. */
function throughRanges(layout: DtLayout, bus: DtNode, address: bigint): bigint | undefined {
  const bytes = propertyBytes(layout, bus, 'ranges');
  if (bytes === undefined) return undefined;
  if (bytes.length === 0) return address;
  const ranges = u32Cells(bytes);
  const parent = layout.parentOf.get(bus);
  if (!ranges || !parent) return undefined;
  const childCells = addressCells(layout, bus);
  const parentCells = addressCells(layout, parent);
  const lengthCells = sizeCells(layout, bus);
  const row = childCells + parentCells + lengthCells;
  for (let i = 0; row > 0 && i + row <= ranges.length; i += row) {
    const child = cellsToBigint(ranges, i, childCells);
    const size = cellsToBigint(ranges, i + childCells + parentCells, lengthCells);
    if (address >= child && address - child < size) return cellsToBigint(ranges, i + childCells, parentCells) + (address - child);
  }
  return undefined;
}
