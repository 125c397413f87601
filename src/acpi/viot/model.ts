/**
 * The VIOT model: what decodeViot gives and encodeViot and resolveViot take.
 * Names follow ACPICA's structures (acpi_viot_pci_range, ...); keys are their
 * fields in camelCase. Derived fields are not here: Length and Type of each
 * node, Node Count, Node Offset and every Output Node's byte offset are
 * computed by the layout pass in encode.ts. Reserved bytes appear only when
 * they are not zero; `trailing` only when a node's Length covers bytes its
 * fields do not.
 */
import type { AcpiHeader } from '../header.js';

/**
 * What an Output Node names: a node of `nodes`, by position (symbolic, so a
 * table can be edited without recomputing offsets), or, when the bytes hold
 * an offset at which no node starts, that offset as read (decode reports it).
 */
export type ViotNodeRef = { node: number } | { offset: number };

interface Kept {
  /** The node header's reserved byte, when not zero. */
  headerReserved?: Uint8Array;
  reserved?: Uint8Array;
  trailing?: Uint8Array;
}

/** Type 1: BDFs bdfStart..bdfEnd (inclusive) of segments segmentStart..segmentEnd. */
export interface ViotPciRange extends Kept {
  type: 'PciRange';
  /** Endpoint ID of bdfStart in segmentStart. */
  endpointStart: number;
  segmentStart: number;
  segmentEnd: number;
  bdfStart: number;
  bdfEnd: number;
  outputNode: ViotNodeRef;
}

/** Type 2: one platform device, matched by the base of its first MMIO resource. */
export interface ViotMmioEndpoint extends Kept {
  type: 'MmioEndpoint';
  endpoint: number;
  baseAddress: bigint;
  outputNode: ViotNodeRef;
}

/** Type 3: a virtio-iommu that is the PCI function at segment / bdf (bus << 8 | devfn). */
export interface ViotVirtioIommuPci extends Kept {
  type: 'VirtioIommuPci';
  segment: number;
  bdf: number;
}

/** Type 4: a virtio-iommu on virtio-mmio, at baseAddress. */
export interface ViotVirtioIommuMmio extends Kept {
  type: 'VirtioIommuMmio';
  baseAddress: bigint;
}

/** A node of a reserved type, or one shorter than its type's fields: kept as the bytes after its header. */
export interface ViotOtherNode {
  type: number;
  headerReserved?: Uint8Array;
  data: Uint8Array;
}

export type ViotIommuNode = ViotVirtioIommuPci | ViotVirtioIommuMmio;
export type ViotEndpointNode = ViotPciRange | ViotMmioEndpoint;
export type ViotNode = ViotEndpointNode | ViotIommuNode | ViotOtherNode;

export interface ViotTable extends AcpiHeader {
  /** The nodes Linux visits: Node Count of them, from Node Offset, in table order. */
  nodes: ViotNode[];
  /** The header's 8 reserved bytes, when not zero. */
  reserved?: Uint8Array;
  /** Bytes between the header and the first node (Node Offset − 48), when Node Offset is not 48. */
  padding?: Uint8Array;
  /** Bytes after the last node Linux visits (beyond Node Count, or where the walk had to stop). */
  trailing?: Uint8Array;
  /**
   * Node Count as read, kept only when the nodes do not bear it out (the
   * table ends, or a node cannot be followed, before that many nodes).
   */
  nodeCount?: number;
  /** Node Offset as read, kept only when it leaves no room for nodes (inside the header, past the end). */
  nodeOffset?: number;
}

export function isIommuNode(n: ViotNode): n is ViotIommuNode {
  return n.type === 'VirtioIommuPci' || n.type === 'VirtioIommuMmio';
}

export function isEndpointNode(n: ViotNode): n is ViotEndpointNode {
  return n.type === 'PciRange' || n.type === 'MmioEndpoint';
}

export function isOtherNode(n: ViotNode): n is ViotOtherNode {
  return typeof n.type === 'number';
}
