/**
 * VIOT, the Virtual I/O Translation Table (paravirtual IOMMUs and the
 * endpoints behind them), declared once for decode, encode, text and JSON.
 * Layout and labels are ACPICA's (actbl3.h, dmtbinfo3.c), which Linux's
 * drivers/acpi/viot.c and QEMU's hw/acpi/viot.c agree with.
 *
 * Two forms use these declarations:
 * - `viotSpec`, the registry's wire form: every byte as a field, the header's
 *   Node Count and Node Offset and each Output Node as the numbers read, nodes
 *   taken to follow the 48-byte header. It round-trips any bytes, prints like
 *   `iasl -d`, and is what `decode`/`encode` of a JSON document go through.
 * - the model (model.ts, decode.ts, encode.ts): nodes walked as Linux walks
 *   them (from Node Offset, Node Count of them) with Output Nodes as
 *   references to nodes; counts and offsets are computed in the layout pass.
 */
import {
  enumOf,
  field,
  lengthField,
  list,
  reserved,
  rest,
  struct,
  tagField,
  u16le,
  u32le,
  u64le,
  u8,
  union,
  type Member,
  type StructSpec,
} from '../../codec/index.js';
import { acpiHeaderMembers } from '../header.js';

export const VIOT_DESCRIPTION = 'Virtual I/O Translation Table';

/** Bytes before the first node when Node Offset is what everyone writes. */
export const VIOT_HEADER_SIZE = 48;
/** Every node starts with Type (u8), Reserved (u8), Length (u16). */
export const VIOT_NODE_HEADER_SIZE = 4;

/** Node types; 0 and 5+ are reserved. */
export const ViotNodeType = {
  PCI_RANGE: 1,
  MMIO_ENDPOINT: 2,
  VIRTIO_IOMMU_PCI: 3,
  VIRTIO_IOMMU_MMIO: 4,
} as const;

/** iasl's names for the node types (AcpiDmViotSubnames). */
const TYPE_TITLES: Record<number, string> = {
  [ViotNodeType.PCI_RANGE]: 'PCI Range',
  [ViotNodeType.MMIO_ENDPOINT]: 'MMIO Endpoint',
  [ViotNodeType.VIRTIO_IOMMU_PCI]: 'VirtIO-PCI IOMMU',
  [ViotNodeType.VIRTIO_IOMMU_MMIO]: 'VirtIO-MMIO IOMMU',
};
const UNKNOWN_TITLE = 'Unknown Subtable Type';

/** The node header's reserved byte; `reserved` is left for the body's reserved bytes. */
const headerReserved = reserved('Reserved', 1, 'int', 'headerReserved');

function node(name: string, typeName: string, tag: number, body: Member[]): StructSpec {
  return struct({
    name,
    typeName,
    tag,
    members: [tagField('Type', u8, tag, TYPE_TITLES[tag]!), headerReserved, lengthField('Length', u16le), ...body],
  });
}

/** Output Node: offset from the start of the table to an IOMMU node (type 3 or 4). */
const outputNode = field('outputNode', 'Output node', u16le);

export const pciRange = node('PciRange', 'ViotPciRange', ViotNodeType.PCI_RANGE, [
  // Endpoint ID of the first BDF; Linux adds (segment − PCI Segment start) << 16 + (BDF − PCI BDF start).
  field('endpointStart', 'Endpoint start', u32le),
  field('segmentStart', 'PCI Segment start', u16le),
  field('segmentEnd', 'PCI Segment end', u16le),
  // Inclusive, bus << 8 | devfn, in every segment of the range.
  field('bdfStart', 'PCI BDF start', u16le),
  field('bdfEnd', 'PCI BDF end', u16le),
  outputNode,
  reserved('Reserved', 6, 'int'),
]);

export const mmioEndpoint = node('MmioEndpoint', 'ViotMmioEndpoint', ViotNodeType.MMIO_ENDPOINT, [
  field('endpoint', 'Endpoint', u32le),
  // Matched against the platform device's first MMIO resource.
  field('baseAddress', 'Base address', u64le),
  outputNode,
  reserved('Reserved', 6, 'int'),
]);

export const virtioIommuPci = node('VirtioIommuPci', 'ViotVirtioIommuPci', ViotNodeType.VIRTIO_IOMMU_PCI, [
  field('segment', 'PCI Segment', u16le),
  // bus << 8 | devfn, as the OS numbers the bus when it reads the table.
  field('bdf', 'PCI BDF number', u16le),
  reserved('Reserved', 8, 'int'),
]);

export const virtioIommuMmio = node('VirtioIommuMmio', 'ViotVirtioIommuMmio', ViotNodeType.VIRTIO_IOMMU_MMIO, [
  reserved('Reserved', 4, 'int'),
  field('baseAddress', 'Base address', u64le),
]);

/**
 * Any node without a declaration of its own (a reserved type), and in the
 * model also a node too short for its type: header fields, then the body as
 * bytes, so that it is kept as read.
 */
export const otherNode: StructSpec = struct({
  name: 'Node',
  typeName: 'ViotOtherNode',
  members: [
    field('type', 'Type', enumOf(u8, TYPE_TITLES, UNKNOWN_TITLE)),
    headerReserved,
    lengthField('Length', u16le),
    rest('data', 'Node Data'),
  ],
});

/** Endpoint nodes name their IOMMU by an Output Node. */
export function hasOutputNode(spec: StructSpec): boolean {
  return spec === pciRange || spec === mmioEndpoint;
}

export const NODE_SPECS: readonly StructSpec[] = [pciRange, mmioEndpoint, virtioIommuPci, virtioIommuMmio];

/** Declaration of a node type, by its type number. */
export function nodeSpecOf(type: number): StructSpec | undefined {
  return NODE_SPECS.find((s) => s.tag === type);
}

/**
 * The wire form's node list. The codec keeps a node too short for its type
 * as its tag field and length field back to back, then the bytes; VIOT has a
 * reserved byte between Type and Length, so the tag here is Type and that
 * byte read together (u16), which makes that raw form the node's real
 * layout. A node whose reserved byte is not zero then matches no variant and
 * decodes as `otherNode`, still byte for byte. The model's walk (walk.ts)
 * reads Type alone, as Linux does.
 */
const nodes = union({
  name: 'Node',
  tag: { key: 'type', label: 'Type', type: u16le, offset: 0 },
  length: { label: 'Length', type: u16le, offset: 2 },
  variants: NODE_SPECS,
  fallback: otherNode,
  unknownTitle: UNKNOWN_TITLE,
});

/** The VIOT header: the ACPI header, Node Count, Node Offset, 8 reserved bytes. */
export function viotHeaderMembers(): Member[] {
  return [
    ...acpiHeaderMembers(VIOT_DESCRIPTION),
    // Linux visits this many nodes, starting at Node Offset.
    field('nodeCount', 'Node count', u16le, { block: true }),
    // From the start of the table; 48 when the nodes follow the header.
    field('nodeOffset', 'Node offset', u16le),
    reserved('Reserved', 8, 'int'),
  ];
}

/** The header alone (the model's decode and encode lay nodes out themselves). */
export const viotHeaderSpec: StructSpec = struct({ name: 'VIOT', typeName: 'ViotTable', members: viotHeaderMembers() });

/** The registry's declaration: header, then nodes from byte 48 to the end. */
export const viotSpec: StructSpec = struct({
  name: 'VIOT',
  typeName: 'ViotTable',
  members: [...viotHeaderMembers(), list('nodes', 'Nodes', nodes)],
});
