/**
 * The VIOT model: what the declaration in spec.ts decodes to and encodes
 * from (decodeViot, encodeViot), and what resolveViot takes. Names follow
 * ACPICA's structures (acpi_viot_pci_range, ...); keys are the declaration's.
 * Derived fields are not here: Length and Type of each node, Node Count, Node
 * Offset and every Output Node's byte offset are computed by encode. Reserved
 * bytes appear only when they are not zero; `trailing` only when a node's
 * Length covers bytes its fields do not. Type aliases, not interfaces, so
 * that each is a codec Model as it stands (test/acpi/viot-resolve.test.ts
 * checks that decode gives back exactly the model it was encoded from).
 */
import type { AcpiHeader } from '../header.js';

/**
 * What an Output Node names: a node of `nodes`, by position (symbolic, so a
 * table can be edited without recomputing offsets), or, when the bytes hold
 * an offset at which no node starts, that offset as read (decode reports it).
 */
export type ViotNodeRef = { node: number } | { offset: number };

type Kept = {
  /** The node header's reserved byte, when not zero. */
  headerReserved?: Uint8Array;
  reserved?: Uint8Array;
  trailing?: Uint8Array;
};

/** Type 1: BDFs bdfStart..bdfEnd (inclusive) of segments segmentStart..segmentEnd. */
export type ViotPciRange = Kept & {
  type: 'PciRange';
  /** Endpoint ID of bdfStart in segmentStart. */
  endpointStart: number;
  segmentStart: number;
  segmentEnd: number;
  bdfStart: number;
  bdfEnd: number;
  outputNode: ViotNodeRef;
};

/** Type 2: one platform device, matched by the base of its first MMIO resource. */
export type ViotMmioEndpoint = Kept & {
  type: 'MmioEndpoint';
  endpoint: number;
  baseAddress: bigint;
  outputNode: ViotNodeRef;
};

/** Type 3: a virtio-iommu that is the PCI function at segment / bdf (bus << 8 | devfn). */
export type ViotVirtioIommuPci = Kept & {
  type: 'VirtioIommuPci';
  segment: number;
  bdf: number;
};

/** Type 4: a virtio-iommu on virtio-mmio, at baseAddress. */
export type ViotVirtioIommuMmio = Kept & {
  type: 'VirtioIommuMmio';
  baseAddress: bigint;
};

/** A node of a reserved type, or one shorter than its type's fields: kept as the bytes after its header. */
export type ViotOtherNode = {
  type: number;
  headerReserved?: Uint8Array;
  raw: Uint8Array;
};

export type ViotIommuNode = ViotVirtioIommuPci | ViotVirtioIommuMmio;
export type ViotEndpointNode = ViotPciRange | ViotMmioEndpoint;
export type ViotNode = ViotEndpointNode | ViotIommuNode | ViotOtherNode;

export type ViotTable = AcpiHeader & {
  /** The nodes Linux visits: Node Count of them, from Node Offset, in table order. */
  nodes: ViotNode[];
  /** The header's 8 reserved bytes, when not zero. */
  reserved?: Uint8Array;
  /** Bytes between the header and the first node (Node Offset − 48), when Node Offset is not 48. */
  padding?: Uint8Array;
  /** Bytes after the last node Linux visits (beyond Node Count, or where the walk had to stop). */
  trailing?: Uint8Array;
};

export function isIommuNode(n: ViotNode): n is ViotIommuNode {
  return n.type === 'VirtioIommuPci' || n.type === 'VirtioIommuMmio';
}

export function isEndpointNode(n: ViotNode): n is ViotEndpointNode {
  return n.type === 'PciRange' || n.type === 'MmioEndpoint';
}

export function isOtherNode(n: ViotNode): n is ViotOtherNode {
  return typeof n.type === 'number';
}
