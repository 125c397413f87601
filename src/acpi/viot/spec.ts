/**
 * VIOT, the Virtual I/O Translation Table (paravirtual IOMMUs and the
 * endpoints behind them), declared once: this declaration alone drives
 * decode, encode, text and JSON. Layout and labels are ACPICA's (actbl3.h,
 * dmtbinfo3.c), which Linux's drivers/acpi/viot.c and QEMU's hw/acpi/viot.c
 * agree with.
 *
 * Nodes are walked as Linux walks them (acpi_viot_init): Node Count of them
 * from Node Offset, each Length bytes after the one before; the bytes between
 * the header and Node Offset, and after the last node, are kept. Output Node
 * is a reference: the model holds `{node: i}` (or `{offset: n}` when no node
 * starts there), and encode writes the node's offset back.
 */
import {
  BinCode,
  field,
  hexUpper,
  lengthField,
  referenceField,
  reserved,
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
import { once } from '../../once.js';
import { acpiHeaderMembers, nodeArrayMembers } from '../header.js';

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

/** Engine codes said in the VIOT's own terms (the check ids users select). */
export const ViotDecodeCode = {
  /** Node Offset leaves no room for nodes: inside the header or past the end (error). */
  nodeOffset: 'viot-node-offset',
  /** The table ends before Node Count nodes (error). */
  nodeCount: 'viot-node-count',
  /** An Output Node is not the offset of a node the walk found (error). */
  outputNode: 'viot-output-node',
} as const;

/**
 * The VIOT's structure declarations, built on the first call (a run that
 * reads no VIOT builds none; issue 21). Constants, node types and codes stay
 * at load.
 */
function declare() {
  /** The node header's reserved byte; `reserved` is left for the body's reserved bytes. */
  const headerReserved = reserved('Reserved', 1, 'int', 'headerReserved');

  /** A node: the common header, then its body, which iasl prints as a group of its own (a blank line between). */
  function node(name: string, typeName: string, tag: number, [first, ...body]: [Member, ...Member[]]): StructSpec {
    return struct({
      name,
      typeName,
      tag,
      members: [tagField('Type', u8, tag, TYPE_TITLES[tag]!), headerReserved, lengthField('Length', u16le), { ...first, block: true }, ...body],
    });
  }

  /**
   * Output Node: offset from the start of the table to an IOMMU node (type 3 or
   * 4); one that starts no node is `viot-output-node`.
   */
  const outputNode = referenceField('Output node', u16le, 'nodes', 'outputNode');

  const pciRange = node('PciRange', 'ViotPciRange', ViotNodeType.PCI_RANGE, [
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

  const mmioEndpoint = node('MmioEndpoint', 'ViotMmioEndpoint', ViotNodeType.MMIO_ENDPOINT, [
    field('endpoint', 'Endpoint', u32le),
    // Matched against the platform device's first MMIO resource.
    field('baseAddress', 'Base address', u64le),
    outputNode,
    reserved('Reserved', 6, 'int'),
  ]);

  const virtioIommuPci = node('VirtioIommuPci', 'ViotVirtioIommuPci', ViotNodeType.VIRTIO_IOMMU_PCI, [
    field('segment', 'PCI Segment', u16le),
    // bus << 8 | devfn, as the OS numbers the bus when it reads the table.
    field('bdf', 'PCI BDF number', u16le),
    reserved('Reserved', 8, 'int'),
  ]);

  const virtioIommuMmio = node('VirtioIommuMmio', 'ViotVirtioIommuMmio', ViotNodeType.VIRTIO_IOMMU_MMIO, [
    reserved('Reserved', 4, 'int'),
    field('baseAddress', 'Base address', u64le),
  ]);

  const NODE_SPECS: readonly StructSpec[] = [pciRange, mmioEndpoint, virtioIommuPci, virtioIommuMmio];

  /**
   * The node list: Type alone picks the declaration, as Linux reads it (the
   * byte after it is reserved). A node of a reserved type, or one too short
   * for its type, is kept as its header and raw bytes.
   */
  const nodes = union({
    name: 'Node',
    tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 2 },
    variants: NODE_SPECS,
    unknownTitle: UNKNOWN_TITLE,
    headerGap: headerReserved,
    // iasl prints the header, then this line instead of the body (whose bytes are in the Raw Table Data dump).
    unknownNote: { header: 'before', text: (tag) => `\n*** Unknown VIOT node type 0x${hexUpper(tag, 1)}` },
  });

  /** The VIOT: the ACPI header, Node Count and Node Offset, 8 reserved bytes, then the nodes. */
  const viotSpec: StructSpec = struct({
    name: 'VIOT',
    typeName: 'ViotTable',
    members: [
      ...acpiHeaderMembers(VIOT_DESCRIPTION),
      // Node Offset is 48 when the nodes follow the header.
      ...nodeArrayMembers({
        count: { label: 'Node count', type: u16le },
        offset: { label: 'Node offset', type: u16le },
        reserved: { size: 8, show: 'int' },
        nodes,
        paddingLabel: 'Padding',
      }),
    ],
    codes: {
      [BinCode.offsetOutside]: ViotDecodeCode.nodeOffset,
      [BinCode.countShort]: ViotDecodeCode.nodeCount,
      [BinCode.danglingReference]: ViotDecodeCode.outputNode,
    },
  });
  return { pciRange, mmioEndpoint, virtioIommuPci, virtioIommuMmio, NODE_SPECS, nodes, viotSpec };
}

/** The VIOT's structure declarations (built on the first call). */
export const viotDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The VIOT table's declaration. */
export const viotSpec = (): StructSpec => viotDeclarations().viotSpec;
