/**
 * RIMT, the RISC-V IO Mapping Table (ACPI 6.6; RISC-V RIMT specification
 * 1.0), declared once: this declaration drives decode, encode, text and JSON
 * through the codec. Labels and layout of the text are iasl's (ACPICA
 * 20260408, unchanged since 20250404), so that the text is what `iasl -d`
 * prints: node fields straight after the node header, flags as plain values
 * (iasl decodes no RIMT flag bit; the bits keep their names for JSON and
 * checks). iasl prints no interrupt wire (its AcpiDmDumpRimt never dumps
 * them); ridmap does, with AcpiDmTableInfoRimtIommuWire's labels.
 *
 * Nodes are walked as Linux walks them (drivers/acpi/riscv/rimt.c): Number of
 * RIMT Nodes nodes from the Offset to the RIMT Node Array, each Length bytes
 * after the one before. A node's parts (interrupt wires, ID mappings) sit
 * where its offset and count fields say, from the start of the node. Counts,
 * offsets and lengths are derived (never model input); an ID mapping's
 * Destination IOMMU Offset is a reference to a node, `{node: i}`.
 */
import {
  array,
  ascii,
  BinCode,
  countField,
  cstring,
  field,
  flags,
  lengthField,
  offsetField,
  referenceField,
  reserved,
  struct,
  u16le,
  u32le,
  u64le,
  u8,
  union,
  type FlagBit,
  type Member,
  type StructSpec,
} from '../../codec/index.js';
import { once } from '../../once.js';
import { acpiHeaderMembers, nodeArrayMembers } from '../header.js';

export const RIMT_DESCRIPTION = 'RISC-V IO Mapping Table';

/** Type, Revision, Length, Reserved and ID: what every node has. */
export const RIMT_NODE_HEADER_SIZE = 8;

/** Node types; 3 and up are reserved. */
export const RimtNodeType = {
  IOMMU: 0,
  PCIE_ROOT_COMPLEX: 1,
  PLATFORM_DEVICE: 2,
} as const;

export const IOMMU_FLAG_BITS: readonly FlagBit[] = [
  // Set: the IOMMU is a PCIe function (PCIe Segment number and B/D/F say which); clear: a platform device at Base Address.
  { bit: 0, name: 'PCIE', label: 'PCIe IOMMU' },
  { bit: 1, name: 'PXM_VALID', label: 'Proximity Domain Valid' },
];

export const INTERRUPT_WIRE_FLAG_BITS: readonly FlagBit[] = [
  { bit: 0, name: 'LEVEL_TRIGGERED', label: 'Level Triggered' },
  { bit: 1, name: 'ACTIVE_HIGH', label: 'Active High' },
];

/** PCIe root complex node Flags. */
export const ROOT_COMPLEX_FLAG_BITS: readonly FlagBit[] = [
  // Linux enables ATS on the root complex's devices only when this is set.
  { bit: 0, name: 'ATS_SUPPORTED', label: 'ATS Supported' },
  { bit: 1, name: 'PRI_SUPPORTED', label: 'PRI Supported' },
];

/** Titles as the spec names the node types. */
export const RIMT_NODE_TITLES: Readonly<Record<string, string>> = {
  Iommu: 'IOMMU', PcieRootComplex: 'PCIe Root Complex', PlatformDevice: 'Platform Device',
};

/** Engine codes said in the RIMT's own terms (the check ids users select). */
export const RimtDecodeCode = {
  /** The Offset to the RIMT Node Array leaves no room for nodes: inside the header or past the end (error). */
  nodeOffset: 'rimt-node-offset',
  /** The table ends before Number of RIMT Nodes nodes (error). */
  nodeCount: 'rimt-node-count',
  /** A Destination IOMMU Offset is not the offset of a node the walk found (error). */
  danglingReference: 'rimt-dangling-reference',
} as const;

/**
 * The RIMT's structure declarations, built on the first call (a run that
 * reads no RIMT builds none; issue 21). Constants, node types, flag bits
 * and codes stay at load.
 */
function declare() {
  /**
   * The header as iasl prints it: iasl knows no name for RIMT (ahtable.c has no
   * row), so after the signature come its 4 spaces and nothing else.
   */
  const rimtHeader = acpiHeaderMembers(undefined).map((m) => (m.key === 'signature' ? { ...m, describe: () => '    ' } : m));
  /**
   * The node header: Type, Revision, Length, 2 reserved bytes and the node's
   * ID (unique among the table's nodes). Type is a tag like any union's,
   * printed as a plain number as iasl does.
   */
  const nodeHeader: readonly Member[] = [
    { kind: 'field', key: 'type', label: 'Type', type: u8, role: 'tag' },
    field('revision', 'Revision', u8),
    lengthField('Length', u16le),
    reserved('Reserved', 2, 'int', 'headerReserved'),
    field('id', 'ID', u16le),
  ];

  function node(type: number, name: string, members: readonly Member[]): StructSpec {
    return struct({ name, typeName: `Rimt${name}`, tag: type, trailingLabel: 'Unused Bytes', members: [...nodeHeader, ...members] });
  }

  /** A wired interrupt of an IOMMU that does not signal by MSI: its GSI and how it is triggered. */
  const interruptWire: StructSpec = struct({
    name: 'InterruptWire',
    typeName: 'RimtInterruptWire',
    members: [
      field('interruptNumber', 'Interrupt Number', u32le),
      field('flags', 'Flags', flags(u32le, INTERRUPT_WIRE_FLAG_BITS, { printBits: false })),
    ],
  });

  const iommu = node(RimtNodeType.IOMMU, 'Iommu', [
    // `RSCV0004` for an IOMMU of the RISC-V IOMMU specification; not NUL-terminated.
    field('hardwareId', 'Hardware ID', ascii(8)),
    // A platform IOMMU's registers; Linux matches the platform device whose first MMIO resource starts here.
    field('baseAddress', 'Base Address', u64le),
    field('flags', 'Flags', flags(u32le, IOMMU_FLAG_BITS, { printBits: false })),
    field('proximityDomain', 'Proximity Domain', u32le),
    // A PCIe IOMMU's own function (bus << 8 | devfn), as Linux matches it.
    field('pcieSegment', 'PCIe Segment number', u16le),
    field('pcieBdf', 'PCIe B/D/F', u16le),
    countField('Number of interrupt wires', u16le, 'interruptWires', 'interruptWireCount'),
    offsetField('Interrupt wire array offset', u16le, 'interruptWires', 'interruptWireOffset'),
    // iasl prints no wire; ridmap prints each as two lines right after the node's fields (no blank line: not iasl's grouping to follow).
    array('interruptWires', 'interrupt wires', interruptWire, { countKey: 'interruptWireCount' }, { offsetKey: 'interruptWireOffset', compact: true }),
  ]);

  /**
   * One ID mapping: source IDs (RIDs of a root complex, the IDs of a platform
   * device) from Source ID Base go to device IDs of the IOMMU node at
   * Destination IOMMU Offset, from Destination Device ID Base. Linux takes the
   * last source ID as Source ID Base + Number of IDs (inclusive), as IORT's.
   */
  const idMapping: StructSpec = struct({
    name: 'IdMapping',
    typeName: 'RimtIdMapping',
    members: [
      field('sourceIdBase', 'Source ID Base', u32le),
      field('numberOfIds', 'Number of IDs', u32le),
      field('destinationIdBase', 'Destination Device ID Base', u32le),
      // An offset from the start of the table; the model holds the node instead. One that starts no node is
      // kept as {offset: n} and reported (rimt-dangling-reference): Linux would find no IOMMU there.
      referenceField('Destination IOMMU Offset', u32le, 'nodes', 'destinationIommu'),
      // No bit is defined that Linux reads; kept as read.
      field('flags', 'Flags', u32le),
    ],
  });

  /** A node's ID mappings, where its ID mapping array offset says; iasl puts a blank line before each. */
  const idMappings = array('idMappings', 'ID mappings', idMapping, { countKey: 'idMappingCount' }, { offsetKey: 'idMappingOffset' });
  const idMappingPlace = [
    offsetField('ID mapping array offset', u16le, 'idMappings', 'idMappingOffset'),
    countField('Number of ID mappings', u16le, 'idMappings', 'idMappingCount'),
  ] as const;

  const pcieRootComplex = node(RimtNodeType.PCIE_ROOT_COMPLEX, 'PcieRootComplex', [
    field('flags', 'Flags', flags(u32le, ROOT_COMPLEX_FLAG_BITS, { printBits: false })),
    reserved('Reserved', 2),
    // Linux finds the root complex node of a PCI device by its segment.
    field('pcieSegment', 'PCIe Segment number', u16le),
    ...idMappingPlace,
    idMappings,
  ]);

  const platformDevice = node(RimtNodeType.PLATFORM_DEVICE, 'PlatformDevice', [
    idMappingPlace[0],
    idMappingPlace[1],
    // NUL-terminated full ACPI path of the device (`\_SB_.DEV0`), matched against the device's ACPI node.
    cstring('deviceName', 'Device Object Name'),
    idMappings,
  ]);

  const RIMT_NODE_SPECS: readonly StructSpec[] = [iommu, pcieRootComplex, platformDevice];

  /**
   * The node list: Type alone picks the declaration, as Linux reads it. A node
   * of a reserved type, or one too short for its type, is kept as its header
   * and raw bytes (its Revision, between Type and Length, still a Revision).
   */
  const rimtNodes = union({
    name: 'Node',
    tag: { key: 'type', label: 'Type', type: u8, offset: 0 },
    length: { label: 'Length', type: u16le, offset: 2 },
    variants: RIMT_NODE_SPECS,
    unknownTitle: 'Reserved',
    headerSize: RIMT_NODE_HEADER_SIZE,
    headerGap: field('revision', 'Revision', u8),
    rawMembers: [reserved('Reserved', 2, 'int', 'headerReserved'), field('id', 'ID', u16le)],
  });

  /** The RIMT: the ACPI header, Number of RIMT Nodes, Offset to the RIMT Node Array, 4 reserved bytes, then the nodes. */
  const rimtSpec: StructSpec = struct({
    name: 'RIMT',
    typeName: 'RimtTable',
    members: [
      ...rimtHeader,
      // The node array's offset is 48 when the nodes follow the header.
      ...nodeArrayMembers({
        count: { label: 'Number of RIMT Nodes', type: u32le },
        offset: { label: 'Offset to RIMT Node Array', type: u32le },
        reserved: { size: 4 },
        nodes: rimtNodes,
        paddingLabel: 'Padding',
      }),
    ],
    codes: {
      [BinCode.offsetOutside]: RimtDecodeCode.nodeOffset,
      [BinCode.countShort]: RimtDecodeCode.nodeCount,
      [BinCode.danglingReference]: RimtDecodeCode.danglingReference,
    },
  });
  return { interruptWire, iommu, idMapping, pcieRootComplex, platformDevice, RIMT_NODE_SPECS, rimtNodes, rimtSpec };
}

/** The RIMT's structure declarations (built on the first call). */
export const rimtDeclarations: () => ReturnType<typeof declare> = once(declare);

/** The RIMT table's declaration. */
export const rimtSpec = (): StructSpec => rimtDeclarations().rimtSpec;
