/**
 * PCI host bridge nodes of a laid-out tree and what Linux reads from them:
 * the segment (`linux,pci-domain`, default 0) and the bus range (`bus-range`,
 * default 0-0xff). A host bridge is a PCI bus node (`device_type = "pci"`)
 * whose parent is not one; PCI-PCI bridge nodes below it are not hosts.
 */
import { rid, type Rid } from '../model/rid.js';
import { u32Cells, u32Value } from './cells.js';
import { isPciBus } from './dt-address.js';
import { propertyBytes, type DtLayout } from './layout.js';
import type { DtNode } from './tree.js';

export interface PciHostNode {
  node: DtNode;
  path: string;
  segment: number;
  firstBus: number;
  lastBus: number;
}

export function pciSegment(layout: DtLayout, host: DtNode): number {
  return u32Value(propertyBytes(layout, host, 'linux,pci-domain')) ?? 0;
}

export function pciHosts(layout: DtLayout): PciHostNode[] {
  const hosts: PciHostNode[] = [];
  for (const [node, path] of layout.pathOf) {
    const parent = layout.parentOf.get(node);
    if (!isPciBus(layout, node) || (parent && isPciBus(layout, parent))) continue;
    const range = u32Cells(propertyBytes(layout, node, 'bus-range') ?? new Uint8Array());
    const valid = range?.length === 2 && range[0]! <= range[1]! && range[1]! <= 0xff;
    hosts.push({ node, path, segment: pciSegment(layout, node), firstBus: valid ? range[0]! : 0, lastBus: valid ? range[1]! : 0xff });
  }
  return hosts;
}

/** The RIDs of the host's bus range, first to last. */
export function hostRidSpan(host: PciHostNode): { first: Rid; last: Rid } {
  return { first: rid(host.firstBus, 0), last: rid(host.lastBus, 0xff) };
}

/** The RID in a PCI `reg` phys.hi cell: bus in bits 23:16, devfn in 15:8. */
export function pciRid(physHi: number): Rid {
  return (physHi >>> 8) & 0xffff;
}
